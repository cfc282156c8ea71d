// RequestTier: the `tier`, `urgent` and `reward` keys of a request (issue 13): parsed, written back, and every
// contradiction or range error names its key.
#include <gtest/gtest.h>

#include <string>

#include "vantage/core/error.hpp"
#include "vantage/io/request_json.hpp"

using namespace vantage;

namespace {

std::string body(const std::string &extra)
{
    return R"({"id": "R1", "tenant": "FR", "target": {"lat_deg": 43.6, "lon_deg": 1.44},
               "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z")"
           + extra + "}";
}

void expect_field(const std::string &extra, ErrorCode code, const std::string &field)
{
    try {
        io::parse_request_json(body(extra), "request body");
        ADD_FAILURE() << extra << ": accepted";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), code) << extra << ": " << e.what();
        EXPECT_EQ(e.context().field, field) << extra << ": " << e.what();
    }
}

} // namespace

TEST(RequestTierValidation, TierUrgentAndRewardKeys)
{
    EXPECT_EQ(io::parse_request_json(body(""), "b").tier, mission::Tier::standard);
    EXPECT_EQ(io::parse_request_json(body(R"(, "urgent": true)"), "b").tier, mission::Tier::urgent);
    EXPECT_EQ(io::parse_request_json(body(R"(, "urgent": false)"), "b").tier, mission::Tier::standard);
    EXPECT_EQ(io::parse_request_json(body(R"(, "tier": "flexible")"), "b").tier, mission::Tier::flexible);
    EXPECT_EQ(io::parse_request_json(body(R"(, "tier": "urgent", "urgent": true)"), "b").tier, mission::Tier::urgent);
    const auto r = io::parse_request_json(body(R"(, "tier": "priority", "priority": 3, "reward": 250.5)"), "b");
    EXPECT_EQ(r.tier, mission::Tier::priority);
    EXPECT_DOUBLE_EQ(r.value(), 250.5);
    EXPECT_DOUBLE_EQ(io::parse_request_json(body(R"(, "priority": 7)"), "b").value(), 7.0);
}

TEST(RequestTierProperty, WriteThenParseIsIdentity)
{
    for (const char *extra : {"", R"(, "urgent": true)", R"(, "tier": "flexible", "reward": 0.25)"}) {
        const auto r = io::parse_request_json(body(extra), "b");
        EXPECT_EQ(io::parse_request_json(io::request_to_json(r), "written"), r) << extra;
    }
}

TEST(RequestTierParseErrors, EachErrorNamesItsKey)
{
    expect_field(R"(, "tier": "gold")", ErrorCode::out_of_range, "tier");
    expect_field(R"(, "tier": 1)", ErrorCode::syntax, "tier");
    expect_field(R"(, "tier": "standard", "urgent": true)", ErrorCode::mismatch, "urgent");
    expect_field(R"(, "tier": "urgent", "urgent": false)", ErrorCode::mismatch, "urgent");
    expect_field(R"(, "reward": 0)", ErrorCode::out_of_range, "reward");
    expect_field(R"(, "reward": -3)", ErrorCode::out_of_range, "reward");
    expect_field(R"(, "reward": 2e6)", ErrorCode::out_of_range, "reward");
    expect_field(R"(, "reward": "10")", ErrorCode::invalid_number, "reward");
}

// The SAR mode keys of a request (issue 15): parsed, written back, errors named by key path.
TEST(RequestSarModeKeys, ParsedWrittenAndRefused)
{
    const auto r = io::parse_request_json(body(R"(, "sensor": "sar", "instrument_mode": "IW", "polarizations": ["VV", "VH"])"), "b");
    ASSERT_TRUE(r.instrument_mode);
    EXPECT_EQ(*r.instrument_mode, "IW");
    EXPECT_EQ(r.polarizations, (std::vector<std::string>{"VV", "VH"}));
    EXPECT_EQ(io::parse_request_json(io::request_to_json(r), "written"), r);
    expect_field(R"(, "polarizations": ["VV", "XY"])", ErrorCode::out_of_range, "polarizations[1]");
    expect_field(R"(, "polarizations": [])", ErrorCode::syntax, "polarizations");
    expect_field(R"(, "polarizations": "VV")", ErrorCode::syntax, "polarizations");
    expect_field(R"(, "polarizations": ["VV", 3])", ErrorCode::syntax, "polarizations[1]");
    expect_field(R"(, "sensor": "optical", "instrument_mode": "IW")", ErrorCode::unsupported, "instrument_mode");
    EXPECT_EQ(*io::parse_request_json(body(R"(, "max_gsd_m": 0.7)"), "b").max_gsd_m, 0.7);
    expect_field(R"(, "max_gsd_m": 0)", ErrorCode::out_of_range, "max_gsd_m");
    expect_field(R"(, "max_gsd_m": "fine")", ErrorCode::invalid_number, "max_gsd_m");
}
