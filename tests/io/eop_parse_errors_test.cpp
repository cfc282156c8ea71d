// EopParseErrors: one committed malformed file per failure class (tests/data/bad/eop_*), each asserting
// the ErrorCode and the file:line:field context, never the prose.
#include <gtest/gtest.h>

#include <string>

#include "vantage/core/error.hpp"
#include "vantage/io/eop.hpp"

using vantage::ErrorCode;
using vantage::ParseError;

namespace {

const std::string bad_dir = std::string(VANTAGE_TEST_DATA) + "/bad/";

ParseError read_error(const std::string &name)
{
    try {
        (void)vantage::io::read_eop_file(bad_dir + name);
    } catch (const ParseError &e) {
        return e;
    }
    ADD_FAILURE() << name << " was accepted";
    return ParseError(ErrorCode::internal, "no error");
}

} // namespace

TEST(EopParseErrors, MalformedCsvRowHasWrongFieldCount)
{
    const ParseError e = read_error("eop_malformed_row.csv");
    EXPECT_EQ(e.code(), ErrorCode::syntax);
    EXPECT_EQ(e.context().source, bad_dir + "eop_malformed_row.csv");
    EXPECT_EQ(e.context().line, 3);
    EXPECT_EQ(e.context().field, "row");
}

TEST(EopParseErrors, MissingCsvColumnNamedInHeader)
{
    const ParseError e = read_error("eop_missing_column.csv");
    EXPECT_EQ(e.code(), ErrorCode::missing_field);
    EXPECT_EQ(e.context().line, 1);
    EXPECT_EQ(e.context().field, "DX");
}

TEST(EopParseErrors, NonNumericCsvField)
{
    const ParseError e = read_error("eop_non_numeric.csv");
    EXPECT_EQ(e.code(), ErrorCode::invalid_number);
    EXPECT_EQ(e.context().line, 3);
    EXPECT_EQ(e.context().field, "UT1-UTC (column 5)");
    EXPECT_EQ(e.context().value, "0.09366x0");
}

TEST(EopParseErrors, RowsOutOfOrder)
{
    const ParseError e = read_error("eop_not_increasing.csv");
    EXPECT_EQ(e.code(), ErrorCode::out_of_range);
    EXPECT_EQ(e.context().line, 3);
    EXPECT_EQ(e.context().field, "MJD");
}

TEST(EopParseErrors, TaiMinusUtcDisagreesWithLeapSecondTable)
{
    const ParseError e = read_error("eop_wrong_dat.csv");
    EXPECT_EQ(e.code(), ErrorCode::mismatch);
    EXPECT_EQ(e.context().line, 2);
    EXPECT_EQ(e.context().field, "DAT (column 11)");
    EXPECT_EQ(e.context().value, "36");
}

TEST(EopParseErrors, Finals2000ANonNumericFixedColumn)
{
    const ParseError e = read_error("eop_finals_bad_number.txt");
    EXPECT_EQ(e.code(), ErrorCode::invalid_number);
    EXPECT_EQ(e.context().line, 2);
    EXPECT_EQ(e.context().field, "Bull. A PM-x (cols 19-27)");
    EXPECT_EQ(e.context().value, "-0.14O862");
}

TEST(EopParseErrors, MissingFileAndUnknownFormat)
{
    try {
        (void)vantage::io::read_eop_file(bad_dir + "no_such_eop_file.csv");
        ADD_FAILURE() << "missing file accepted";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::file_not_found);
    }
    try {
        (void)vantage::io::parse_eop_text("hello world\n", "inline");
        ADD_FAILURE() << "unknown format accepted";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::syntax);
        EXPECT_EQ(e.context().source, "inline");
        EXPECT_EQ(e.context().line, 1);
        EXPECT_EQ(e.context().field, "format");
    }
}
