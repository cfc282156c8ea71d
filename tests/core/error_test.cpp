// Error formatting and codes: tests assert on code() and context fields, and check the one
// documented message layout "source:line: field 'f': 'value': message".
#include <gtest/gtest.h>

#include "vantage/core/error.hpp"

using vantage::Diagnostic;
using vantage::Error;
using vantage::ErrorCode;
using vantage::ErrorContext;

TEST(ErrorProperty, WhatNamesSourceLineFieldValue)
{
    const Error e(ErrorCode::out_of_range, "must be in [0, 1)", ErrorContext{"catalog.tle", 1234, "eccentricity", "1.2"});
    EXPECT_EQ(e.code(), ErrorCode::out_of_range);
    EXPECT_EQ(e.context().line, 1234);
    EXPECT_EQ(e.context().field, "eccentricity");
    EXPECT_STREQ(e.what(), "catalog.tle:1234: field 'eccentricity': '1.2': must be in [0, 1)");
}

TEST(ErrorProperty, EmptyContextPartsAreLeftOut)
{
    const Error e(ErrorCode::invalid_argument, "step must be positive");
    EXPECT_STREQ(e.what(), "step must be positive");
    const Diagnostic d{vantage::Severity::warning, ErrorCode::out_of_range, "old epoch", {"a.tle", 3, "", ""}};
    EXPECT_EQ(d.to_string(), "warning: a.tle:3: old epoch");
}

TEST(ErrorProperty, EveryCodeHasAStableName)
{
    for (int c = 0; c <= static_cast<int>(ErrorCode::conflict); ++c) {
        const auto name = vantage::to_string(static_cast<ErrorCode>(c));
        EXPECT_FALSE(name.empty());
        EXPECT_NE(name, "unknown") << c;
    }
    EXPECT_EQ(vantage::to_string(ErrorCode::checksum), "checksum");
}
