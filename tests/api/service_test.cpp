// The service's operations, per endpoint and role, on the example fleet (11 real EO satellites of 2025-10-03).
// ApiAuthProperty, ApiRolesProperty, ApiIsolationProperty (another nation's ids are 404, never 403),
// ApiRequestsProperty, ApiRequestsParseErrors, ApiFeasibilityCrossCheck (the endpoint's opportunities are the
// access engine's own windows), ApiStatusProperty (SUBMITTED ... DELIVERED, CANCELLED), ApiElementsProperty,
// ApiIdempotencyProperty, ApiTokensProperty, ApiAuditProperty, ApiPlannerContract.
#include "api_fixture.hpp"

#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include "vantage/access/access.hpp"
#include "vantage/io/request_json.hpp"
#include "vantage/io/tle.hpp"

using namespace vantage;
using namespace vantage::api;
using namespace vantage::api::testing;

namespace {

class ServiceTest : public ServiceFixture {};
class SimulatedServiceTest : public ServiceFixture {
protected:
    bool simulate() const override { return true; }
};

using ApiAuthProperty = ServiceTest;
using ApiRolesProperty = ServiceTest;
using ApiIsolationProperty = ServiceTest;
using ApiRequestsProperty = ServiceTest;
using ApiRequestsParseErrors = ServiceTest;
using ApiFeasibilityCrossCheck = ServiceTest;
using ApiStatusProperty = ServiceTest;
using ApiSimulationProperty = SimulatedServiceTest;
/// The service with the tasking planner (the default of `vantage serve`), on a simulation clock.
class SchedulingServiceTest : public ServiceFixture {
protected:
    bool simulate() const override { return true; }
    std::unique_ptr<Planner> planner() const override { return make_scheduling_planner(); }
};
using ApiSchedulingPlannerProperty = SchedulingServiceTest;
using ApiElementsProperty = ServiceTest;
using ApiIdempotencyProperty = ServiceTest;
using ApiTokensProperty = ServiceTest;
using ApiAuditProperty = ServiceTest;

Query query(std::initializer_list<std::pair<const std::string, std::string>> kv)
{
    return Query(kv);
}

json body_of(const Response &r)
{
    return json::parse(r.body);
}

} // namespace

// ------------------------------------------------------------------------------------------------ auth

TEST_F(ApiAuthProperty, TokensAreIdDotSecretAndOnlyTheSecretsHashIsStored)
{
    const auto t = generate_token("FR", store::Role::requester, "", m_clock.now(), std::nullopt, "test");
    EXPECT_TRUE(std::regex_match(t.token, std::regex("^[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}$"))) << t.token;
    const std::string secret = t.token.substr(17);
    EXPECT_EQ(t.record.secret_hash, hash_secret(secret));
    EXPECT_EQ(t.record.secret_hash.size(), 64u); // BLAKE2b-256, hex
    EXPECT_EQ(t.token.find(t.record.secret_hash), std::string::npos);
    // Two tokens never share an id or a secret (32 random bytes each).
    const auto u = generate_token("FR", store::Role::requester, "", m_clock.now(), std::nullopt, "test");
    EXPECT_NE(u.record.id, t.record.id);
    EXPECT_NE(u.token.substr(17), secret);
    for (const auto &rec : m_store->list_tokens()) {
        EXPECT_EQ(rec.secret_hash.size(), 64u);
    }
}

TEST_F(ApiAuthProperty, ForgedMalformedExpiredAndRevokedTokensAreRefused)
{
    EXPECT_EQ(who(fr_requester).tenant, "FR");
    EXPECT_EQ(who(fr_requester).role, store::Role::requester);
    std::string forged = fr_requester;
    forged.back() = forged.back() == 'A' ? 'B' : 'A'; // right id, wrong secret
    const std::string unknown_id = "0000000000000000" + fr_requester.substr(16);
    const std::vector<std::string> headers = {std::string(), "Bearer " + forged, "Bearer " + unknown_id,
                                              "Basic " + fr_requester, "Bearer " + fr_requester.substr(0, 30),
                                              "Bearer " + fr_requester + "x", std::string("Bearer "),
                                              std::string("Bearer ../../etc/passwd"), "Bearer " + std::string(5000, 'a')};
    for (const std::string &h : headers) {
        expect_api_error([&] { m_service->authenticate(h); }, 401, "unauthorized");
    }
    const std::string expiring = token("FR", store::Role::requester, m_clock.now() + time::Duration::from_hours(1.0));
    EXPECT_EQ(who(expiring).tenant, "FR");
    m_clock.set("2025-10-03T01:00:00Z");
    expect_api_error([&] { who(expiring); }, 401, "unauthorized");
    const std::string revoked = token("FR", store::Role::operator_);
    m_store->revoke_token(revoked.substr(0, 16), store::Mutation{"test", "FR", m_clock.now(), std::nullopt});
    try {
        who(revoked);
        ADD_FAILURE() << "revoked token accepted";
    } catch (const ApiError &e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_NE(std::string(e.what()).find("revoked"), std::string::npos);
    }
}

// ------------------------------------------------------------------------------------------------ roles

TEST_F(ApiRolesProperty, RequestersSubmitOperatorsPlanAdminsManageTokens)
{
    const auto req = who(fr_requester);
    const auto op = who(fr_operator);
    const auto adm = who(admin);
    expect_api_error([&] { m_service->plan(req, "", std::nullopt); }, 403, "forbidden");
    expect_api_error([&] { m_service->upload_elements(req, "x", {}, std::nullopt); }, 403, "forbidden");
    expect_api_error([&] { m_service->record_outcome(req, "a", R"({"outcome":"failed"})", std::nullopt); }, 403,
                     "forbidden");
    expect_api_error([&] { m_service->create_token(req, R"({"tenant":"FR","role":"admin"})", std::nullopt); }, 403,
                     "forbidden");
    expect_api_error([&] { m_service->create_token(op, R"({"tenant":"FR","role":"admin"})", std::nullopt); }, 403,
                     "forbidden");
    expect_api_error([&] { m_service->list_tokens(op); }, 403, "forbidden");
    expect_api_error([&] { m_service->revoke_token(op, "x", std::nullopt); }, 403, "forbidden");
    expect_api_error([&] { m_service->list_audit(req, {}); }, 403, "forbidden");
    expect_api_error([&] { m_service->list_audit(op, {}); }, 403, "forbidden");
    // Allowed: each role includes the ones below it.
    for (const auto &p : {req, op, adm}) {
        EXPECT_EQ(m_service->whoami(p).status, 200);
        EXPECT_EQ(m_service->submit_request(p, toulouse(), std::nullopt).status, 201);
        EXPECT_EQ(m_service->list_requests(p, {}).status, 200);
        EXPECT_EQ(m_service->feasibility(p, toulouse()).status, 200);
        EXPECT_EQ(m_service->list_satellites(p).status, 200);
        EXPECT_EQ(m_service->list_stations(p).status, 200);
        EXPECT_EQ(m_service->get_plan_czml(p).status, 200);
    }
    EXPECT_EQ(m_service->plan(op, "", std::nullopt).status, 201);
    EXPECT_EQ(m_service->plan(adm, "", std::nullopt).status, 201);
    EXPECT_EQ(m_service->get_plan(req).status, 200);
    EXPECT_EQ(m_service->list_tokens(adm).status, 200);
    EXPECT_EQ(m_service->list_audit(adm, {}).status, 200);
    EXPECT_EQ(m_service->health().status, 200);
}

// ------------------------------------------------------------------------------------------------ isolation

TEST_F(ApiIsolationProperty, AnotherNationsRequestIsNotFoundExactlyLikeAMissingOne)
{
    const std::string fr_id = submit(fr_requester, toulouse());
    const auto de = who(de_requester);
    std::string other_body;
    std::string missing_body;
    try {
        m_service->get_request(de, fr_id);
    } catch (const ApiError &e) {
        EXPECT_EQ(e.status(), 404);
        other_body = e.body();
    }
    try {
        m_service->get_request(de, "FR-0000000000000000");
    } catch (const ApiError &e) {
        missing_body = e.body();
    }
    ASSERT_FALSE(other_body.empty());
    // Same answer, up to the id the caller sent.
    EXPECT_EQ(std::regex_replace(other_body, std::regex(fr_id), "ID"),
              std::regex_replace(missing_body, std::regex("FR-0000000000000000"), "ID"));
    expect_api_error([&] { m_service->cancel_request(de, fr_id, std::nullopt); }, 404, "not_found", "id");
    EXPECT_EQ(status_of(fr_requester, fr_id), "SUBMITTED"); // unchanged
    // Lists: a requester sees its nation only, whatever ?tenant= says; an operator sees all and may filter.
    submit(de_requester, toulouse());
    for (const auto &q : {Query{}, query({{"tenant", "FR"}})}) {
        const auto items = body_of(m_service->list_requests(de, q))["items"];
        ASSERT_EQ(items.size(), 1u);
        EXPECT_EQ(items[0]["tenant"], "DE");
    }
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_operator), {}))["items"].size(), 2u);
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_operator), query({{"tenant", "DE"}})))["items"].size(), 1u);
    // Submitting or checking for another nation is refused.
    expect_api_error([&] { m_service->submit_request(de, toulouse(R"(, "tenant": "FR")"), std::nullopt); }, 403,
                     "tenant_mismatch", "tenant");
    expect_api_error([&] { m_service->feasibility(de, toulouse(R"(, "tenant": "FR")")); }, 403, "tenant_mismatch", "tenant");
}

TEST_F(ApiIsolationProperty, PlanAndCzmlShowARequesterItsOwnNationOnly)
{
    const std::string fr_id = submit(fr_requester, toulouse());
    const std::string de_id = submit(de_requester, R"({"target": {"lat_deg": 52.52, "lon_deg": 13.405},
        "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z"})");
    ASSERT_EQ(body_of(m_service->plan(who(fr_operator), "", std::nullopt))["acquisitions"].get<int>(), 2);
    const json all = body_of(m_service->get_plan(who(fr_operator)));
    EXPECT_EQ(all["acquisitions"].size(), 2u);
    const json de_view = body_of(m_service->get_plan(who(de_requester)));
    ASSERT_EQ(de_view["acquisitions"].size(), 1u);
    EXPECT_EQ(de_view["acquisitions"][0]["request_id"], de_id);
    EXPECT_EQ(de_view["metrics"]["scope"], "tenant");
    EXPECT_EQ(de_view["metrics"]["tenant"], "DE");
    EXPECT_EQ(de_view["metrics"]["requests_served"], 1);
    EXPECT_FALSE(de_view["metrics"].contains("served_value_by_tenant")); // coalition-wide figures are left out
    const std::string czml = m_service->get_plan_czml(who(de_requester)).body;
    EXPECT_EQ(czml.find(fr_id), std::string::npos);
    EXPECT_NE(czml.find(de_id), std::string::npos);
    // The acquisition itself is the operators' business, but the plan products of FR never reach DE.
    const std::string fr_acq = all["acquisitions"][0]["request_id"] == fr_id ? all["acquisitions"][0]["acquisition_id"].get<std::string>()
                                                                             : all["acquisitions"][1]["acquisition_id"].get<std::string>();
    EXPECT_EQ(de_view.dump().find(fr_acq), std::string::npos);
}

// ------------------------------------------------------------------------------------------------ requests

TEST_F(ApiRequestsProperty, SubmitStoresSubmittedThenFeasibilityDecides)
{
    const auto r = m_service->submit_request(who(fr_requester), toulouse(), std::nullopt);
    EXPECT_EQ(r.status, 201);
    const json created = body_of(r);
    EXPECT_EQ(created["status"], "SUBMITTED");
    EXPECT_EQ(created["tenant"], "FR");
    EXPECT_TRUE(std::regex_match(created["id"].get<std::string>(), std::regex("^FR:[0-9a-f]{16}$")));
    const std::string id = created["id"];
    EXPECT_EQ(m_service->process_pending(), 1u);
    const json got = body_of(m_service->get_request(who(fr_requester), id));
    EXPECT_EQ(got["status"], "FEASIBLE");
    ASSERT_EQ(got["status_history"].size(), 2u);
    EXPECT_EQ(got["status_history"][0]["status"], "SUBMITTED");
    EXPECT_EQ(got["status_history"][1]["status"], "FEASIBLE");
    EXPECT_EQ(got["status_history"][1]["actor"], "system");
    EXPECT_TRUE(got["feasibility"]["feasible"].get<bool>());
    EXPECT_TRUE(got["feasibility"].contains("first_opportunity"));
    EXPECT_EQ(got["priority"], 6);
    // A client-chosen id is kept; taken ids are refused.
    EXPECT_EQ(submit(fr_requester, toulouse(R"(, "id": "FR-mine")")), "FR:FR-mine"); // namespaced by nation
    expect_api_error([&] { m_service->submit_request(who(fr_requester), toulouse(R"(, "id": "FR-mine")"), std::nullopt); },
                     409, "duplicate", "id");
}

TEST_F(ApiRequestsProperty, PagesVisitEveryRequestOnceAndEndWithANullCursor)
{
    std::set<std::string> ids;
    for (int i = 0; i < 7; ++i) {
        ids.insert(submit(fr_requester, toulouse()));
    }
    std::set<std::string> seen;
    Query q = query({{"limit", "3"}});
    std::vector<std::size_t> sizes;
    for (int page = 0; page < 10; ++page) {
        const json b = body_of(m_service->list_requests(who(fr_requester), q));
        sizes.push_back(b["items"].size());
        for (const auto &it : b["items"]) {
            EXPECT_TRUE(seen.insert(it["id"].get<std::string>()).second);
        }
        if (b["next_cursor"].is_null()) {
            break;
        }
        q = query({{"limit", "3"}, {"cursor", b["next_cursor"].get<std::string>()}});
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 1}));
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_requester), query({{"status", "SUBMITTED"}})))["items"].size(), 7u);
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_requester), query({{"status", "FEASIBLE"}})))["items"].size(), 0u);
}

TEST_F(ApiRequestsParseErrors, EveryBadInputNamesItsField)
{
    const auto p = who(fr_requester);
    for (const char *limit : {"0", "501", "abc", "-1", "99999999999"}) {
        expect_api_error([&] { m_service->list_requests(p, query({{"limit", limit}})); }, 400, "out_of_range", "limit");
    }
    for (const char *cursor : {"zzz", "s", "s12a", "' OR 1=1 --"}) {
        expect_api_error([&] { m_service->list_requests(p, query({{"cursor", cursor}})); }, 400, "syntax", "cursor");
    }
    expect_api_error([&] { m_service->list_requests(p, query({{"status", "DONE"}})); }, 400, "out_of_range", "status");
    struct Bad {
        std::string body;
        std::string code;
        std::string field;
    };
    const std::vector<Bad> bad = {
        {toulouse(R"(, "priority": 11)"), "out_of_range", "priority"},
        {toulouse(R"(, "colour": "red")"), "unknown_key", "colour"},
        {toulouse(R"(, "sensor": "lidar")"), "out_of_range", "sensor"},
        {toulouse(R"(, "aoi": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]})"), "syntax", "aoi"},
        {R"({"target": {"lat_deg": 43.6, "lon_deg": 1.4}, "window_start_utc": "2025-10-03T00:00:00Z"})", "missing_field",
         "window_end_utc"},
        {R"({"target": {"lat_deg": 95, "lon_deg": 1.4}, "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z"})",
         "out_of_range", "target.lat_deg"},
        {R"({"target": {"lat_deg": 43, "lon_deg": 1.4}, "window_start_utc": "2025-10-05T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z"})",
         "out_of_range", "window_end_utc"},
        {toulouse(R"(, "id": "x'; DROP TABLE requests; --")"), "syntax", "id"},
        {"[1, 2, 3]", "syntax", ""},
    };
    for (const auto &b : bad) {
        expect_api_error([&] { m_service->submit_request(p, b.body, std::nullopt); }, 400, b.code, b.field);
    }
    // Not JSON at all: a syntax error with the line of the body it is on.
    try {
        m_service->submit_request(p, "{\n  \"priority\": 5,\n  oops\n}", std::nullopt);
        ADD_FAILURE();
    } catch (const ApiError &e) {
        EXPECT_EQ(e.code(), "syntax");
        EXPECT_EQ(e.line, 3);
    }
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_operator), {}))["items"].size(), 0u); // nothing stored
}

// ------------------------------------------------------------------------------------------------ feasibility

TEST_F(ApiFeasibilityCrossCheck, EndpointOpportunitiesAreTheAccessEnginesWindows)
{
    // 2 s: a push-broom window (1 deg along-track half angle, ~4 s over a point) counts too.
    const json f = body_of(m_service->feasibility(who(fr_requester), toulouse(R"(, "duration_s": 2)")));
    ASSERT_TRUE(f["feasible"].get<bool>());
    const Fleet &fleet = example_fleet();
    const geometry::Target target{"t", frames::Geodetic{43.6047, 1.4442, 0.0}};
    const auto windows = access::find_target_access(fleet.satellites, std::vector<geometry::Target>{target},
                                                    time::Instant::parse_iso8601("2025-10-03T00:00:00Z"),
                                                    time::Instant::parse_iso8601("2025-10-04T00:00:00Z"), fleet.eop,
                                                    fleet.search);
    std::multiset<std::pair<std::uint32_t, std::string>> expected;
    for (const auto &w : windows) {
        if (w.window.duration_s() >= 2.0) {
            expected.insert({fleet.satellites[w.satellite].propagator.elements().norad_id, w.window.start.to_iso8601_utc(6)});
        }
    }
    std::multiset<std::pair<std::uint32_t, std::string>> got;
    for (const auto &o : f["opportunities"]) {
        got.insert({o["norad_id"].get<std::uint32_t>(), o["start_utc"].get<std::string>()});
    }
    EXPECT_GE(expected.size(), 5u); // Toulouse is seen several times a day by this fleet
    EXPECT_EQ(got, expected);
    EXPECT_EQ(f["occurrences_total"], 1);
    EXPECT_EQ(f["opportunities_found"].get<std::size_t>(), expected.size());
}

TEST(ApiFeasibilityProperty, RequestLimitsApplyToEachSensorMode)
{
    // Sentinel-1 with IW (29.1-46.0 deg) or EW (18.9-47.0 deg) modes: a request for 20-25 deg keeps only EW,
    // clipped to [20, 25]; a request for 47.5-60 deg leaves no mode and so no sensor.
    geometry::Sensor s1;
    s1.name = "s1";
    s1.type = geometry::SensorType::sar;
    s1.look_side = geometry::LookSide::right;
    geometry::Sensor iw = s1, ew = s1;
    iw.name = "iw";
    iw.incidence_min_deg = 29.1;
    iw.incidence_max_deg = 46.0;
    ew.name = "ew";
    ew.incidence_min_deg = 18.9;
    ew.incidence_max_deg = 47.0;
    s1.modes = {iw, ew};
    mission::Request r;
    r.sensor = mission::SensorKind::sar;
    r.incidence_min_deg = 20.0;
    r.incidence_max_deg = 25.0;
    const auto got = restricted_sensor(s1, r);
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->modes.size(), 1u);
    EXPECT_EQ(got->modes[0].name, "ew");
    EXPECT_EQ(got->modes[0].incidence_min_deg, 20.0);
    EXPECT_EQ(got->modes[0].incidence_max_deg, 25.0);
    r.incidence_min_deg = 47.5;
    r.incidence_max_deg = 60.0;
    EXPECT_FALSE(restricted_sensor(s1, r).has_value());
    r.incidence_min_deg.reset();
    r.incidence_max_deg.reset();
    r.look_side = geometry::LookSide::left; // both modes look right
    EXPECT_FALSE(restricted_sensor(s1, r).has_value());
}

TEST_F(ApiFeasibilityCrossCheck, RequestLimitsOnlyTightenTheSensors)
{
    // Limit of a request's off-nadir angle, and the optical family only: every opportunity is optical and within it.
    // The tolerance covers the access engine's edge refinement (1 ms of motion changes the angle by < 1e-3 deg).
    constexpr double off_nadir_tol_deg = 1e-3;
    const json all = body_of(m_service->feasibility(who(fr_requester), toulouse(R"(, "sensor": "optical")")));
    const json tight = body_of(m_service->feasibility(who(fr_requester), toulouse(R"(, "sensor": "optical", "max_off_nadir_deg": 10)")));
    ASSERT_TRUE(all["feasible"].get<bool>());
    EXPECT_LT(tight["opportunities"].size(), all["opportunities"].size());
    for (const auto &o : tight["opportunities"]) {
        EXPECT_LE(o["off_nadir_deg_at_best"].get<double>(), 10.0 + off_nadir_tol_deg) << o.dump();
        EXPECT_NE(o["sensor"], "s1-iw");
    }
    const json sar = body_of(m_service->feasibility(who(fr_requester), toulouse(R"(, "sensor": "sar", "look_side": "left")")));
    EXPECT_FALSE(sar["feasible"].get<bool>()); // Sentinel-1 looks right only
    EXPECT_FALSE(sar["reason"].get<std::string>().empty());
    const json short_window = body_of(m_service->feasibility(who(fr_requester),
        R"({"target": {"lat_deg": 43.6, "lon_deg": 1.44}, "window_start_utc": "2025-10-03T03:00:00Z", "window_end_utc": "2025-10-03T03:01:00Z"})"));
    EXPECT_FALSE(short_window["feasible"].get<bool>());
    EXPECT_EQ(body_of(m_service->list_requests(who(fr_operator), {}))["items"].size(), 0u); // nothing stored
}

// ------------------------------------------------------------------------------------------------ status machine

TEST_F(ApiStatusProperty, LifeCycleFromSubmittedToDeliveredWithAFailureBackToTheQueue)
{
    const auto op = who(fr_operator);
    const std::string a = submit(fr_requester, toulouse());
    const std::string b = submit(fr_requester, R"({"target": {"lat_deg": 43.6, "lon_deg": 1.44},
        "window_start_utc": "2025-10-03T03:00:00Z", "window_end_utc": "2025-10-03T03:01:00Z"})");
    m_clock.set("2025-10-03T00:00:10Z");
    m_service->process_pending();
    EXPECT_EQ(status_of(fr_requester, a), "FEASIBLE");
    EXPECT_EQ(status_of(fr_requester, b), "INFEASIBLE");

    const json p1 = body_of(m_service->plan(op, "", std::nullopt));
    EXPECT_EQ(p1["planner"], "greedy-access");
    EXPECT_EQ(p1["acquisitions"], 1);
    EXPECT_EQ(status_of(fr_requester, a), "SCHEDULED");
    const json plan = body_of(m_service->get_plan(op));
    const std::string acq1 = plan["acquisitions"][0]["acquisition_id"];
    EXPECT_EQ(plan["acquisitions"][0]["state"], "planned");
    EXPECT_EQ(plan["acquisitions"][0]["request_id"], a);

    // The acquisition fails after its time: the request goes back to the queue and the next plan takes a later pass.
    m_clock.set(time::Instant::parse_iso8601(plan["acquisitions"][0]["end_utc"].get<std::string>()) + time::Duration::from_seconds(60));
    const json failed = body_of(m_service->record_outcome(op, acq1, R"({"outcome": "failed", "note": "clouds"})", std::nullopt));
    EXPECT_EQ(failed["state"], "failed");
    EXPECT_EQ(failed["request_status"], "FEASIBLE");
    m_service->plan(op, "", std::nullopt);
    const json plan2 = body_of(m_service->get_plan(op));
    ASSERT_EQ(plan2["acquisitions"].size(), 1u);
    const std::string acq2 = plan2["acquisitions"][0]["acquisition_id"];
    EXPECT_NE(acq2, acq1);
    EXPECT_GT(plan2["acquisitions"][0]["start_utc"].get<std::string>(), plan["acquisitions"][0]["end_utc"].get<std::string>());
    EXPECT_EQ(status_of(fr_requester, a), "SCHEDULED");

    m_clock.set(time::Instant::parse_iso8601(plan2["acquisitions"][0]["end_utc"].get<std::string>()) + time::Duration::from_seconds(1));
    EXPECT_EQ(body_of(m_service->record_outcome(op, acq2, R"({"outcome": "succeeded"})", std::nullopt))["request_status"],
              "ACQUIRED");
    expect_api_error([&] { m_service->record_outcome(op, acq2, R"({"outcome": "succeeded"})", std::nullopt); }, 409, "conflict",
                     "state");
    EXPECT_EQ(body_of(m_service->record_outcome(op, acq2, R"({"outcome": "delivered"})", std::nullopt))["request_status"],
              "DELIVERED");
    expect_api_error([&] { m_service->cancel_request(who(fr_requester), a, std::nullopt); }, 409, "conflict", "status");
    EXPECT_EQ(body_of(m_service->cancel_request(who(fr_requester), b, std::nullopt))["status"], "CANCELLED");

    // Every transition is time-stamped, in order.
    const json hist = body_of(m_service->get_request(who(fr_requester), a))["status_history"];
    std::vector<std::string> statuses;
    std::string last_time;
    for (const auto &e : hist) {
        statuses.push_back(e["status"]);
        EXPECT_GE(e["time_utc"].get<std::string>(), last_time);
        last_time = e["time_utc"];
    }
    EXPECT_EQ(statuses, (std::vector<std::string>{"SUBMITTED", "FEASIBLE", "SCHEDULED", "FEASIBLE", "SCHEDULED", "ACQUIRED",
                                                  "DELIVERED"}));
    expect_api_error([&] { m_service->record_outcome(op, "acq-none", R"({"outcome": "failed"})", std::nullopt); }, 404,
                     "not_found");
    expect_api_error([&] { m_service->record_outcome(op, acq2, R"({"outcome": "lost"})", std::nullopt); }, 400, "out_of_range",
                     "outcome");
    expect_api_error([&] { m_service->record_outcome(op, acq2, R"({"result": "failed"})", std::nullopt); }, 400, "unknown_key",
                     "result");
}

TEST_F(ApiSimulationProperty, AcquisitionsSucceedWhenTheirPlannedTimePasses)
{
    const std::string a = submit(fr_requester, toulouse());
    m_service->plan(who(fr_operator), "", std::nullopt);
    const json plan = body_of(m_service->get_plan(who(fr_operator)));
    const auto end = time::Instant::parse_iso8601(plan["acquisitions"][0]["end_utc"].get<std::string>());
    m_clock.set(end - time::Duration::from_seconds(1));
    EXPECT_EQ(m_service->simulate_tick(), 0u);
    EXPECT_EQ(status_of(fr_requester, a), "SCHEDULED");
    m_clock.set(end + time::Duration::from_seconds(1));
    EXPECT_EQ(m_service->simulate_tick(), 1u);
    EXPECT_EQ(status_of(fr_requester, a), "ACQUIRED");
    const json got = body_of(m_service->get_request(who(fr_requester), a));
    EXPECT_EQ(got["acquisitions"][0]["state"], "succeeded");
    EXPECT_EQ(got["status_history"].back()["actor"], "system");
    // The greedy planner models no downlink (delivered_utc null): delivery is an operator's report.
    EXPECT_EQ(m_service->simulate_tick(), 0u);
}

TEST_F(ApiSimulationProperty, ReplanKeepsAcquisitionsInProgressAndNeverRepeatsServedOnes)
{
    // A recording planner around the greedy one shows what the service hands a planner.
    struct Recording : Planner {
        std::unique_ptr<Planner> inner = make_greedy_access_planner();
        PlanInput last;
        std::string name() const override { return "recording"; }
        std::string plan(const PlanInput &in) override
        {
            last = in;
            return inner->plan(in);
        }
    };
    auto rec = std::make_unique<Recording>();
    Recording *recording = rec.get();
    ServiceOptions o;
    o.clock = [this] { return m_clock.now(); };
    o.background = false;
    o.simulate = true;
    m_service = std::make_unique<Service>(*m_store, example_fleet(), std::move(rec), o);
    const std::string a = submit(fr_requester, toulouse(R"(, "repeat": {"every_h": 24, "count": 2})"));
    m_service->plan(who(fr_operator), "", std::nullopt);
    const json plan = body_of(m_service->get_plan(who(fr_operator)));
    ASSERT_EQ(plan["acquisitions"].size(), 2u) << plan.dump(1); // one per occurrence
    EXPECT_FALSE(recording->last.previous_plan_id);
    // Inside the first acquisition: it is in progress, so it is locked into the replan unchanged.
    const auto s0 = time::Instant::parse_iso8601(plan["acquisitions"][0]["start_utc"].get<std::string>());
    const auto e0 = time::Instant::parse_iso8601(plan["acquisitions"][0]["end_utc"].get<std::string>());
    m_clock.set(s0 + (e0 - s0) * 0.5);
    m_service->plan(who(fr_operator), "", std::nullopt);
    ASSERT_EQ(recording->last.locked.size(), 1u);
    EXPECT_EQ(json::parse(recording->last.locked[0])["acquisition_id"], plan["acquisitions"][0]["acquisition_id"]);
    EXPECT_TRUE(recording->last.previous_plan_id);
    const json plan2 = body_of(m_service->get_plan(who(fr_operator)));
    EXPECT_EQ(plan2["acquisitions"][0]["acquisition_id"], plan["acquisitions"][0]["acquisition_id"]);
    // After it: acquired (simulation), so occurrence 0 is served and never planned again.
    m_clock.set(e0 + time::Duration::from_seconds(1));
    m_service->simulate_tick();
    m_service->plan(who(fr_operator), "", std::nullopt);
    EXPECT_TRUE(recording->last.served.count({a, 0}));
    const json plan3 = body_of(m_service->get_plan(who(fr_operator)));
    for (const auto &acq : plan3["acquisitions"]) {
        EXPECT_NE(acq["occurrence"], 0) << acq.dump();
    }
    EXPECT_EQ(status_of(fr_requester, a), "SCHEDULED"); // occurrence 1 still planned
}

TEST_F(ApiSchedulingPlannerProperty, PlansAcquisitionsAndDownlinksAndTheSimulationDeliversThem)
{
    const std::string a = submit(fr_requester, toulouse());
    const std::string b = submit(de_requester, toulouse(R"(, "priority": 9)"));
    m_service->plan(who(fr_operator), "", std::nullopt);
    const json plan = body_of(m_service->get_plan(who(fr_operator)));
    EXPECT_EQ(plan["planner"], "scheduling");
    ASSERT_EQ(plan["acquisitions"].size(), 2u) << plan.dump(1);
    EXPECT_FALSE(plan["downlinks"].empty()); // the images go down through the example stations
    std::set<std::string> requests;
    time::Instant last_delivery = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    for (const auto &acq : plan["acquisitions"]) {
        requests.insert(acq["request_id"].get<std::string>());
        // ids are unique across plans: prefixed with the plan id
        EXPECT_EQ(acq["acquisition_id"].get<std::string>().rfind(plan["plan_id"].get<std::string>() + ".", 0), 0u);
        ASSERT_TRUE(acq["delivered_utc"].is_string()) << acq.dump();
        const auto d = time::Instant::parse_iso8601(acq["delivered_utc"].get<std::string>());
        EXPECT_GT(d, time::Instant::parse_iso8601(acq["end_utc"].get<std::string>()));
        last_delivery = std::max(last_delivery, d);
    }
    EXPECT_EQ(requests, (std::set<std::string>{a, b}));
    EXPECT_EQ(plan["metrics"]["value"].get<double>(), 15.0); // priorities 6 + 9
    EXPECT_LE(plan["metrics"]["value"].get<double>(), plan["metrics"]["value_upper_bound"].get<double>());
    EXPECT_EQ(status_of(fr_requester, a), "SCHEDULED");
    // Simulation: each acquisition succeeds when it ends and is delivered at its planned delivery.
    m_clock.set(last_delivery + time::Duration::from_seconds(1));
    m_service->simulate_tick();
    m_service->simulate_tick();
    EXPECT_EQ(status_of(fr_requester, a), "DELIVERED");
    EXPECT_EQ(status_of(de_requester, b), "DELIVERED");
    // A new plan never plans a served occurrence again.
    m_service->plan(who(fr_operator), "", std::nullopt);
    EXPECT_TRUE(body_of(m_service->get_plan(who(fr_operator)))["acquisitions"].empty());
}

TEST_F(ApiSchedulingPlannerProperty, AnAcquisitionInProgressIsKeptUnchanged)
{
    const std::string a = submit(fr_requester, toulouse(R"(, "repeat": {"every_h": 8, "count": 3, "window_h": 8})"));
    m_service->plan(who(fr_operator), "", std::nullopt);
    const json plan = body_of(m_service->get_plan(who(fr_operator)));
    ASSERT_GE(plan["acquisitions"].size(), 2u) << plan.dump(1);
    const json first = plan["acquisitions"][0];
    const auto s0 = time::Instant::parse_iso8601(first["start_utc"].get<std::string>());
    const auto e0 = time::Instant::parse_iso8601(first["end_utc"].get<std::string>());
    m_clock.set(s0 + (e0 - s0) * 0.5);
    m_service->plan(who(fr_operator), "", std::nullopt);
    const json plan2 = body_of(m_service->get_plan(who(fr_operator)));
    ASSERT_FALSE(plan2["acquisitions"].empty());
    EXPECT_EQ(plan2["acquisitions"][0]["acquisition_id"], first["acquisition_id"]);
    EXPECT_EQ(plan2["acquisitions"][0]["start_utc"], first["start_utc"]);
    for (std::size_t i = 1; i < plan2["acquisitions"].size(); ++i) {
        const auto &acq = plan2["acquisitions"][i];
        EXPECT_NE(acq["occurrence"], first["occurrence"]) << acq.dump(); // never the in-progress occurrence again
        EXPECT_GE(time::Instant::parse_iso8601(acq["start_utc"].get<std::string>()), e0) << acq.dump();
    }
}

TEST_F(ApiStatusProperty, APlannerDocumentThatBreaksTheContractIsRefusedAndNothingIsStored)
{
    struct Broken : Planner {
        std::string doc;
        std::string name() const override { return "broken"; }
        std::string plan(const PlanInput &) override { return doc; }
    };
    submit(fr_requester, toulouse());
    for (const std::string &doc :
         {std::string("{}"), std::string("not json"),
          std::string(R"({"acquisitions": [{"acquisition_id": "x", "request_id": "unknown", "occurrence": 0, "satellite": "S",
                          "norad_id": 1, "start_utc": "2025-10-03T01:00:00Z", "end_utc": "2025-10-03T01:00:10Z"}]})")}) {
        auto broken = std::make_unique<Broken>();
        broken->doc = doc;
        ServiceOptions o;
        o.clock = [this] { return m_clock.now(); };
        o.background = false;
        m_service = std::make_unique<Service>(*m_store, example_fleet(), std::move(broken), o);
        expect_api_error([&] { m_service->plan(who(fr_operator), "", std::nullopt); }, 500, "internal");
    }
    EXPECT_FALSE(m_store->latest_plan());
}

// ------------------------------------------------------------------------------------------------ elements

TEST_F(ApiElementsProperty, UploadsReplaceElementsReportRejectsByLineAndAddSatellitesWithASensor)
{
    const auto op = who(fr_operator);
    // The mixed file: 2 good ISS records, 3 bad ones, each reported with its line; ISS is not in the fleet.
    std::ifstream in(source_dir + "/tests/data/tle_mixed_2good_3bad.tle");
    const std::string mixed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const json up = body_of(m_service->upload_elements(op, mixed, query({{"source", "mixed.tle"}}), std::nullopt));
    EXPECT_EQ(up["accepted"], 2);
    EXPECT_EQ(up["rejected"].size(), 3u);
    for (const auto &r : up["rejected"]) {
        EXPECT_EQ(r["source"], "mixed.tle");
        EXPECT_GT(r["line"].get<int>(), 0);
    }
    EXPECT_EQ(up["not_in_fleet"].size(), 2u);
    // All bad: 400 naming the file, the line and the field of the first, and listing every one.
    try {
        m_service->upload_elements(op, "BAD\n1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2920\n"
                                       "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n",
                                   query({{"source", "bad.tle"}}), std::nullopt);
        ADD_FAILURE();
    } catch (const ApiError &e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "checksum");
        EXPECT_EQ(e.source, "bad.tle");
        EXPECT_EQ(e.line, 2);
        EXPECT_EQ(json::parse(e.body())["errors"].size(), 1u);
    }
    expect_api_error([&] { m_service->upload_elements(op, mixed, query({{"sensor", "lidar"}}), std::nullopt); }, 400,
                     "out_of_range", "sensor");
    expect_api_error([&] { m_service->upload_elements(op, mixed, query({{"source", "../../etc/passwd"}}), std::nullopt); },
                     400, "syntax", "source");
    expect_api_error([&] { m_service->upload_elements(op, "", {}, std::nullopt); }, 400, "missing_field");

    // A new satellite flown with a known sensor: Pleiades 1A's orbit under another catalogue number.
    auto es = example_fleet().satellites[0].propagator.elements();
    es.norad_id = 99001;
    es.object_name = "TESTSAT";
    const auto lines = io::format_tle(es);
    const std::string tle = "TESTSAT\n" + lines[0] + "\n" + lines[1] + "\n";
    const json add = body_of(m_service->upload_elements(op, tle, query({{"sensor", "pleiades-hri"}}), std::nullopt));
    EXPECT_EQ(add["added"], json::array({99001}));
    EXPECT_EQ(m_service->fleet()->satellites.size(), example_fleet().satellites.size() + 1);
    // A newer element set of a fleet satellite replaces its own.
    auto newer = example_fleet().satellites[1].propagator.elements();
    orbits::set_epoch_from_instant(newer, newer.epoch + time::Duration::from_hours(6.0));
    const auto nl = io::format_tle(newer);
    const json upd = body_of(m_service->upload_elements(op, nl[0] + "\n" + nl[1] + "\n", {}, std::nullopt));
    EXPECT_EQ(upd["updated"], json::array({newer.norad_id}));
    // Both survive a restart: the fleet is rebuilt from the store.
    ServiceOptions o;
    o.clock = [this] { return m_clock.now(); };
    o.background = false;
    m_service = std::make_unique<Service>(*m_store, example_fleet(), make_greedy_access_planner(), o);
    const auto f = m_service->fleet();
    EXPECT_EQ(f->satellites.size(), example_fleet().satellites.size() + 1);
    // A TLE epoch has 8 decimals of a day (0.864 ms): the round trip through TLE text keeps it to that.
    constexpr double tle_epoch_resolution_s = 0.864e-3;
    EXPECT_LE(std::abs((f->satellites[1].propagator.elements().epoch - newer.epoch).seconds()), tle_epoch_resolution_s);
    EXPECT_EQ(f->satellites.back().sensor.name, "pleiades-hri");
}

// ------------------------------------------------------------------------------------------------ idempotency

TEST_F(ApiIdempotencyProperty, ARetryReturnsTheFirstResultAndAnotherBodyIsRefused)
{
    const auto p = who(fr_requester);
    const Response first = m_service->submit_request(p, toulouse(), std::string("k-1"));
    const Response again = m_service->submit_request(p, toulouse(), std::string("k-1"));
    EXPECT_EQ(first.status, 201);
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_NE(std::find(again.headers.begin(), again.headers.end(), std::pair<std::string, std::string>{"Idempotent-Replayed", "true"}),
              again.headers.end());
    EXPECT_EQ(body_of(m_service->list_requests(p, {}))["items"].size(), 1u);
    expect_api_error([&] { m_service->submit_request(p, toulouse(R"(, "priority": 9)"), std::string("k-1")); }, 422,
                     "idempotency_mismatch", "Idempotency-Key");
    // Keys belong to a token: another token may use the same key.
    EXPECT_NE(m_service->submit_request(who(de_requester), toulouse(), std::string("k-1")).body, first.body);
    for (const std::string &bad : {std::string(), std::string(256, 'k'), std::string("tab\there")}) {
        expect_api_error([&] { m_service->submit_request(p, toulouse(), bad); }, 400, "syntax", "Idempotency-Key");
    }
    // Plans and cancellations too: the replay makes no second plan.
    const Response p1 = m_service->plan(who(fr_operator), "", std::string("plan-1"));
    const Response p2 = m_service->plan(who(fr_operator), "", std::string("plan-1"));
    EXPECT_EQ(p1.body, p2.body);
    EXPECT_EQ(body_of(m_service->get_plan(who(fr_operator)))["plan_id"], body_of(p1)["plan_id"]);
    const std::string id = body_of(first)["id"];
    EXPECT_EQ(m_service->cancel_request(p, id, std::string("c-1")).body, m_service->cancel_request(p, id, std::string("c-1")).body);
}

// ------------------------------------------------------------------------------------------------ tokens, audit

TEST_F(ApiTokensProperty, AdminsCreateListAndRevokeTokensThatWorkAtOnce)
{
    const json created = body_of(m_service->create_token(who(admin), R"({"tenant": "IT", "role": "requester", "label": "ASI desk"})",
                                                         std::nullopt));
    const std::string tok = created["token"];
    EXPECT_EQ(who(tok).tenant, "IT");
    const json list = body_of(m_service->list_tokens(who(admin)));
    for (const auto &t : list["items"]) {
        EXPECT_FALSE(t.contains("token"));
        EXPECT_FALSE(t.contains("secret_hash"));
    }
    EXPECT_EQ(list["items"].size(), 5u);
    m_service->revoke_token(who(admin), created["id"], std::nullopt);
    expect_api_error([&] { who(tok); }, 401, "unauthorized");
    expect_api_error([&] { m_service->revoke_token(who(admin), "ffffffffffffffff", std::nullopt); }, 404, "not_found");
    expect_api_error([&] { m_service->create_token(who(admin), R"({"tenant": "IT", "role": "king"})", std::nullopt); }, 400,
                     "out_of_range", "role");
    expect_api_error([&] { m_service->create_token(who(admin), R"({"tenant": "I T", "role": "requester"})", std::nullopt); },
                     400, "syntax", "tenant");
    // A replayed creation never carries the secret: it exists only in the first response.
    const json c1 = body_of(m_service->create_token(who(admin), R"({"tenant": "ES", "role": "operator"})", std::string("t-1")));
    const json c2 = body_of(m_service->create_token(who(admin), R"({"tenant": "ES", "role": "operator"})", std::string("t-1")));
    EXPECT_TRUE(c1["token"].is_string());
    EXPECT_TRUE(c2["token"].is_null());
    EXPECT_EQ(c1["id"], c2["id"]);
}

TEST_F(ApiAuditProperty, EveryMutationThroughTheApiIsAuditedWithItsActor)
{
    const auto req = who(fr_requester);
    const auto op = who(fr_operator);
    const auto adm = who(admin);
    const std::string a = submit(fr_requester, toulouse());
    m_service->process_pending();
    m_service->plan(op, "", std::nullopt);
    const std::string acq = body_of(m_service->get_plan(op))["acquisitions"][0]["acquisition_id"];
    m_service->record_outcome(op, acq, R"({"outcome": "failed"})", std::nullopt);
    m_service->cancel_request(req, a, std::nullopt);
    auto es = example_fleet().satellites[0].propagator.elements();
    const auto l = io::format_tle(es);
    m_service->upload_elements(op, l[0] + "\n" + l[1] + "\n", {}, std::nullopt);
    const json tok = body_of(m_service->create_token(adm, R"({"tenant": "IT", "role": "requester"})", std::nullopt));
    m_service->revoke_token(adm, tok["id"], std::nullopt);
    std::map<std::string, std::set<std::string>> actors; // action -> actors
    Query q = query({{"limit", "4"}});
    for (int page = 0; page < 100; ++page) {
        const json b = body_of(m_service->list_audit(adm, q));
        for (const auto &e : b["items"]) {
            actors[e["action"]].insert(e["actor"]);
        }
        if (b["next_cursor"].is_null()) {
            break;
        }
        q = query({{"limit", "4"}, {"cursor", b["next_cursor"].get<std::string>()}});
    }
    EXPECT_EQ(actors["request.submit"], std::set<std::string>{req.token_id});
    EXPECT_EQ(actors["request.feasibility"], std::set<std::string>{"system"});
    EXPECT_EQ(actors["plan.create"], std::set<std::string>{op.token_id});
    EXPECT_EQ(actors["acquisition.outcome"], std::set<std::string>{op.token_id});
    EXPECT_EQ(actors["request.cancel"], std::set<std::string>{req.token_id});
    EXPECT_EQ(actors["elements.upload"], std::set<std::string>{op.token_id});
    EXPECT_EQ(actors["token.create"].count(adm.token_id), 1u);
    EXPECT_EQ(actors["token.revoke"], std::set<std::string>{adm.token_id});
}
