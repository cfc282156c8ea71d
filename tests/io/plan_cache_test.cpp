// plan.cache bytes (io::opportunity_cache_to_bytes / parse_opportunity_cache) and plan.json read without its
// explanations (parse_plan_json(..., explanations = false)).
//
// PlanCacheFile: a cache survives the round trip exactly, the bytes do not depend on the map's order, and a file of
// another version, truncated anywhere or with one byte changed is refused with a reason (never a wrong cache).
// PlanJsonWithoutExplanations: the same acquisitions and unserved occurrences as the full read, no explanations, and
// a syntax error inside a skipped value is still an error naming its line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "vantage/core/error.hpp"
#include "vantage/io/plan_io.hpp"

using namespace vantage;

namespace {

scheduling::OpportunityCache sample_cache()
{
    scheduling::OpportunityCache c;
    c.entries[0x0123456789abcdefULL] = {{0, 10, false}, {400, 412, true}};
    c.entries[42] = {};                       // a work item whose access window holds no feasible start
    c.entries[0xffffffffffffffffULL] = {{-3, 86399, false}};
    return c;
}

TEST(PlanCacheFile, RoundTripIsExact)
{
    const auto c = sample_cache();
    const std::string bytes = io::opportunity_cache_to_bytes(c);
    const auto back = io::parse_opportunity_cache(bytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->entries, c.entries);
    // the bytes are a function of the content, not of the hash map's iteration order
    scheduling::OpportunityCache other;
    for (auto it = c.entries.begin(); it != c.entries.end(); ++it) {
        other.entries.insert(*it);
    }
    other.entries.rehash(1024);
    EXPECT_EQ(io::opportunity_cache_to_bytes(other), bytes);
    EXPECT_TRUE(io::parse_opportunity_cache(io::opportunity_cache_to_bytes({})).has_value());
}

TEST(PlanCacheFile, DamagedFilesAreRefusedWithAReason)
{
    const std::string bytes = io::opportunity_cache_to_bytes(sample_cache());
    std::string why;
    EXPECT_FALSE(io::parse_opportunity_cache("", &why).has_value());
    EXPECT_EQ(why, "not a plan.cache file");
    EXPECT_FALSE(io::parse_opportunity_cache("{\"plan_format\": \"vantage-plan/1\"}", &why).has_value());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        why.clear();
        EXPECT_FALSE(io::parse_opportunity_cache(bytes.substr(0, n), &why).has_value()) << "truncated to " << n;
        EXPECT_FALSE(why.empty());
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string b = bytes;
        b[i] = static_cast<char>(b[i] ^ 0x10);
        EXPECT_FALSE(io::parse_opportunity_cache(b, &why).has_value()) << "byte " << i << " changed";
    }
}

const char *plan_json = R"({
 "plan_format": "vantage-plan/1", "seed": 3, "iterations": 100,
 "acquisitions": [
  {"acquisition_id": "A.0.0", "request_id": "A", "occurrence": 0, "strip_id": 0, "norad_id": 90001,
   "start_utc": "2025-10-03T09:00:00Z", "end_utc": "2025-10-03T09:00:10Z"}],
 "unserved": [
  {"request_id": "B", "occurrence": 0, "reason": "outcompeted",
   "blocked_by": [{"acquisition_id": "A.0.0", "request_id": "A", "tenant": "FR", "tier": "standard",
                   "satellite": "S1", "norad_id": 90001, "start_utc": "2025-10-03T09:00:00Z",
                   "end_utc": "2025-10-03T09:00:10Z"}]},
  {"request_id": "C", "occurrence": 1, "reason": "no_opportunity",
   "nearest_misses": [{"satellite": "S1", "norad_id": 90001, "limit": "off_nadir", "time_utc": null,
                       "misses": [[[{"deep": [1, 2, {"x": null}]}]]]}]},
  {"request_id": "D", "occurrence": 0, "reason": "storage",
   "capacity": {"satellite": "S1", "norad_id": 90001, "time_utc": "2025-10-03T10:00:00Z", "excess_gbit": 1.5,
                "contacts": []}}]
}
)";

TEST(PlanJsonWithoutExplanations, SameOccurrencesNoExplanations)
{
    const auto lean = io::parse_plan_json(plan_json, "plan.json", false);
    ASSERT_EQ(lean.acquisitions.size(), 1u);
    EXPECT_EQ(lean.acquisitions[0].acquisition_id, "A.0.0");
    EXPECT_EQ(lean.seed, 3u);
    EXPECT_EQ(lean.iterations, 100);
    ASSERT_EQ(lean.unserved.size(), 3u);
    EXPECT_EQ(lean.unserved[1].request_id, "C");
    EXPECT_EQ(lean.unserved[1].occurrence, 1);
    EXPECT_EQ(lean.unserved[2].reason, scheduling::UnservedReason::storage);
    for (const auto &u : lean.unserved) {
        EXPECT_TRUE(u.blocked_by.empty() && u.nearest_misses.empty() && !u.capacity) << u.request_id;
    }
    // the full read has them (its misses[] entries must be objects: this one is refused there)
    std::string full_text = plan_json;
    const std::string deep = R"([[[{"deep": [1, 2, {"x": null}]}]]])";
    full_text.replace(full_text.find(deep), deep.size(), "[]");
    const auto full = io::parse_plan_json(full_text, "plan.json", true);
    EXPECT_EQ(full.unserved[0].blocked_by.size(), 1u);
    EXPECT_EQ(full.unserved[1].nearest_misses.size(), 1u);
    EXPECT_TRUE(full.unserved[2].capacity.has_value());
}

TEST(PlanJsonWithoutExplanations, SyntaxErrorsInSkippedValuesAreStillErrors)
{
    std::string bad = plan_json;
    const std::size_t at = bad.find("1.5,");
    bad.replace(at, 3, "1.5.0");
    const int line = 1 + static_cast<int>(std::count(bad.begin(), bad.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    try {
        (void)io::parse_plan_json(bad, "plan.json", false);
        FAIL() << "accepted";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.context().line, line);
    }
}

} // namespace
