// SPOT5 reader tests: the 21 published instances read with the counts of the reference table, the
// certificates of Wei, Hao, Ren & Glover (EJOR 2023), one malformed file per failure class
// (tests/data/bad/spot5_*), and the certificate writer's round trip.
//
// Validation source: tests/reference/scheduling/ (byte-identical copies of ../shared/data/scheduling/,
// provenance in tests/reference/README.md). n_vars and n_constraints of optimal-values.csv are the
// n and e columns of Bensana et al. 1999 Table 1 (e counts the capacity line of the ids > 1000).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "spot5/spot5_test_util.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/spot5.hpp"

using vantage::ErrorCode;
using vantage::ParseError;
namespace io = vantage::io;
namespace sp = vantage::spot5;

namespace {

const std::string bad_dir = std::string(VANTAGE_TEST_DATA) + "/bad/";
const std::string tiny = std::string(VANTAGE_TEST_DATA) + "/scheduling/spot5_tiny.spot";

ParseError read_error(const std::string &name)
{
    try {
        (void)io::read_spot5_file(bad_dir + name);
    } catch (const ParseError &e) {
        return e;
    }
    ADD_FAILURE() << name << " was accepted";
    return ParseError(ErrorCode::internal, "no error");
}

ParseError certificate_error(const std::string &name)
{
    const sp::Instance inst = io::read_spot5_file(tiny);
    try {
        (void)io::read_spot5_certificate(bad_dir + name, inst);
    } catch (const ParseError &e) {
        return e;
    }
    ADD_FAILURE() << name << " was accepted";
    return ParseError(ErrorCode::internal, "no error");
}

void expect_error(const std::string &name, ErrorCode code, int line, const std::string &field, const std::string &value = "*")
{
    SCOPED_TRACE(name);
    const ParseError e = read_error(name);
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_EQ(e.context().source, bad_dir + name);
    EXPECT_EQ(e.context().line, line) << e.what();
    EXPECT_EQ(e.context().field, field) << e.what();
    if (value != "*") {
        EXPECT_EQ(e.context().value, value) << e.what();
    }
}

} // namespace

TEST(Spot5Validation, EveryPublishedInstanceReadsWithTheTableCounts)
{
    const auto table = vantage::test_util::spot5_reference_table();
    ASSERT_EQ(table.size(), 21U);
    for (const auto &[id, ref] : table) {
        SCOPED_TRACE(id);
        const sp::Instance inst = io::read_spot5_file(vantage::test_util::spot5_instance_path(id));
        EXPECT_EQ(inst.name, id);
        EXPECT_EQ(static_cast<int>(inst.photos.size()), ref.n_vars);
        // The header count includes the capacity line (1999 Table 1: 1502 has e = 203 = 202 + 1).
        EXPECT_EQ(static_cast<int>(inst.constraints.size()) + (inst.capacity ? 1 : 0), ref.n_constraints);
        // Capacity only on the multi-orbit ids (> 1000), 90000 in all seven files (README § 2.2).
        EXPECT_EQ(inst.capacity.has_value(), std::stoi(id) > 1000);
        if (inst.capacity) {
            EXPECT_EQ(*inst.capacity, 90000.0);
        }
        for (std::size_t i = 0; i < inst.photos.size(); ++i) {
            EXPECT_EQ(inst.photos[i].id, static_cast<std::int64_t>(i)); // ids are 0..n-1 in file order
        }
        EXPECT_NO_THROW(sp::validate(inst));
    }
}

TEST(Spot5Validation, InstanceEightReadsFieldByField)
{
    // 8.spot as printed: 4 photos of weight 1 with cameras {1,2,3}, 4 stereo photos of weight 2, 7 binary
    // constraints, e.g. "2 1 0 3 3 2 2 1 1" and "2 5 4 13 13".
    const sp::Instance inst = io::read_spot5_file(vantage::test_util::spot5_instance_path("8"));
    ASSERT_EQ(inst.photos.size(), 8U);
    EXPECT_EQ(inst.photos[0].weight, 1);
    ASSERT_EQ(inst.photos[0].options.size(), 3U);
    EXPECT_EQ(inst.photos[0].options[2].camera, 3);
    EXPECT_EQ(inst.photos[4].weight, 2);
    ASSERT_EQ(inst.photos[4].options.size(), 1U);
    EXPECT_EQ(inst.photos[4].options[0].camera, sp::camera_stereo);
    ASSERT_EQ(inst.constraints.size(), 7U);
    EXPECT_EQ(inst.constraints[0].scope, (std::vector<int>{1, 0}));
    EXPECT_EQ(inst.constraints[0].forbidden, (std::vector<std::vector<int>>{{3, 3}, {2, 2}, {1, 1}}));
    EXPECT_EQ(inst.constraints[3].scope, (std::vector<int>{5, 4}));
    EXPECT_EQ(inst.constraints[3].forbidden, (std::vector<std::vector<int>>{{13, 13}}));
    EXPECT_FALSE(inst.capacity);
}

TEST(Spot5Validation, MultiOrbitFieldsConsumptionsAndCrlf)
{
    // 1021.spot is CRLF with a blank line; its variable lines carry 2 extra integers ("0 1000 1 2
    // 451.1500000000069 42510 1"); 1401 has none. Arity mix of 1021 (= 1407): 14854 binary, 5875 ternary.
    const sp::Instance a = io::read_spot5_file(vantage::test_util::spot5_instance_path("1021"));
    ASSERT_EQ(a.photos.size(), 1057U);
    EXPECT_EQ(a.photos[0].weight, 1000);
    EXPECT_EQ(a.photos[0].options[0].consumption, 451.1500000000069);
    EXPECT_EQ(a.photos[0].extra, (std::vector<std::int64_t>{42510, 1}));
    int binary = 0;
    int ternary = 0;
    for (const auto &k : a.constraints) {
        (k.scope.size() == 2 ? binary : ternary) += 1;
    }
    EXPECT_EQ(binary, 14854);
    EXPECT_EQ(ternary, 5875);
    const sp::Instance b = io::read_spot5_file(vantage::test_util::spot5_instance_path("1401"));
    EXPECT_TRUE(b.photos[0].extra.empty());
    // Normalised units: mono 451.15 -> 1, stereo 1804.5 -> 4; the 200-unit capacity.
    EXPECT_EQ(sp::consumption(a.photos[0].options[0], sp::CapacityMode::units200), 1.0);
    EXPECT_EQ(sp::capacity(a, sp::CapacityMode::units200), 200.0);
    EXPECT_EQ(sp::capacity(a, sp::CapacityMode::literal), 90000.0);
}

TEST(Spot5Validation, RsoaCertificatesReadWithTheirHeaders)
{
    // Headers as printed in DCKP-SPOT5_21_sol_certificates.zip (Zequn-Wei/DCKP_RSOA @dddc1f33).
    const sp::Instance inst = io::read_spot5_file(vantage::test_util::spot5_instance_path("1502"));
    const io::Spot5Certificate c = io::read_spot5_certificate(vantage::test_util::spot5_certificate_path("1502"), inst);
    EXPECT_EQ(c.claimed_profit, 61158);
    EXPECT_EQ(c.claimed_weight, 144.0);
    ASSERT_EQ(c.solution.camera.size(), 209U);
    EXPECT_EQ(c.solution.camera[0], 2);
    EXPECT_EQ(c.solution.camera[2], 0);
}

TEST(Spot5ParseErrors, EachFailureClassNamesLineAndField)
{
    expect_error("spot5_empty.spot", ErrorCode::syntax, 1, "variable count");
    expect_error("spot5_count_not_integer.spot", ErrorCode::invalid_number, 1, "variable count", "5x");
    expect_error("spot5_count_two_fields.spot", ErrorCode::syntax, 1, "variable count");
    expect_error("spot5_truncated_variables.spot", ErrorCode::syntax, 5, "variable id");
    expect_error("spot5_negative_id.spot", ErrorCode::out_of_range, 3, "variable id", "-1");
    expect_error("spot5_bad_weight.spot", ErrorCode::invalid_number, 3, "weight", "1.5");
    expect_error("spot5_negative_weight.spot", ErrorCode::out_of_range, 3, "weight", "-10");
    expect_error("spot5_bad_domain_size.spot", ErrorCode::out_of_range, 3, "domain size", "5");
    expect_error("spot5_short_domain.spot", ErrorCode::syntax, 2, "domain size");
    expect_error("spot5_bad_camera.spot", ErrorCode::out_of_range, 2, "value 2", "4");
    expect_error("spot5_duplicate_camera.spot", ErrorCode::duplicate, 2, "value 2", "1");
    expect_error("spot5_bad_consumption.spot", ErrorCode::invalid_number, 3, "consumption 1", "451.1x5");
    expect_error("spot5_negative_consumption.spot", ErrorCode::out_of_range, 3, "consumption 1", "-451.15");
    expect_error("spot5_too_many_extra.spot", ErrorCode::syntax, 3, "extra fields");
    expect_error("spot5_bad_extra.spot", ErrorCode::invalid_number, 3, "extra fields", "x");
    expect_error("spot5_duplicate_variable.spot", ErrorCode::duplicate, 4, "variable id", "1");
    expect_error("spot5_bad_arity.spot", ErrorCode::out_of_range, 8, "arity", "4");
    expect_error("spot5_unknown_variable.spot", ErrorCode::mismatch, 8, "scope 2", "9");
    expect_error("spot5_repeated_scope.spot", ErrorCode::duplicate, 8, "scope 2", "0");
    expect_error("spot5_ragged_tuples.spot", ErrorCode::syntax, 8, "forbidden tuples");
    expect_error("spot5_tuple_bad_value.spot", ErrorCode::out_of_range, 8, "tuple 1", "7");
    expect_error("spot5_tuple_not_in_domain.spot", ErrorCode::mismatch, 8, "tuple 1", "3");
    expect_error("spot5_missing_constraints.spot", ErrorCode::syntax, 10, "arity");
    expect_error("spot5_trailing_content.spot", ErrorCode::syntax, 12, "constraint count");
    expect_error("spot5_capacity_not_last.spot", ErrorCode::syntax, 8, "capacity");
    expect_error("spot5_bad_capacity.spot", ErrorCode::invalid_number, 11, "capacity", "1800x");
    expect_error("spot5_negative_capacity.spot", ErrorCode::out_of_range, 11, "capacity", "-1800");
}

TEST(Spot5ParseErrors, MissingFileIsFileNotFound)
{
    try {
        (void)io::read_spot5_file(bad_dir + "does_not_exist.spot");
        FAIL() << "accepted";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::file_not_found);
    }
}

TEST(Spot5CertificateParseErrors, EachFailureClassNamesLineAndField)
{
    struct Case {
        const char *file;
        ErrorCode code;
        int line;
        const char *field;
    };
    const Case cases[] = {
        {"spot5_cert_bad_header.spot_sol.txt", ErrorCode::syntax, 1, "profit"},
        {"spot5_cert_wrong_count.spot_sol.txt", ErrorCode::mismatch, 2, "number of candidate photographs"},
        {"spot5_cert_selected_mismatch.spot_sol.txt", ErrorCode::mismatch, 3, "number of selected photographs"},
        {"spot5_cert_short.spot_sol.txt", ErrorCode::syntax, 8, "value of photograph 4"},
        {"spot5_cert_bad_value.spot_sol.txt", ErrorCode::invalid_number, 5, "value of photograph 1"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.file);
        const ParseError e = certificate_error(c.file);
        EXPECT_EQ(e.code(), c.code) << e.what();
        EXPECT_EQ(e.context().line, c.line) << e.what();
        EXPECT_EQ(e.context().field, c.field) << e.what();
    }
}

TEST(Spot5Property, CertificateWriterRoundTrips)
{
    const sp::Instance inst = io::read_spot5_file(tiny);
    const io::Spot5Certificate c = io::read_spot5_certificate(std::string(VANTAGE_TEST_DATA) + "/scheduling/spot5_tiny.spot_sol.txt", inst);
    std::ostringstream out;
    io::write_spot5_certificate(out, inst, c.solution, sp::CapacityMode::units200);
    const io::Spot5Certificate back = io::parse_spot5_certificate(out.str(), "<written>", inst);
    EXPECT_EQ(back.solution.camera, c.solution.camera);
    EXPECT_EQ(back.claimed_profit, 40);
    EXPECT_EQ(back.claimed_weight, 4.0);
}
