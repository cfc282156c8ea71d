// Issue 14 over real HTTP (the in-process HttpServer on 127.0.0.1, real tokens, real ids): bounded windows and
// horizon (BoundsProperty), a stop that cancels the worker and a running plan (StopProperty), fair queuing, rate
// limits (RateProperty) and quotas (QuotaProperty) per nation (FairnessProperty), ids namespaced per nation and tenant-scoped lookups
// (IsolationProperty), a nation's view of the plan (PlanViewProperty), routes x roles x nations (RolesProperty)
// and acquisition outcomes with the planner's own ids (OutcomeProperty).
#include "api_fixture.hpp"

#include <httplib.h>

#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "vantage/api/server.hpp"
#include "vantage/io/mission_scenario.hpp"

using namespace vantage;
using namespace vantage::api;
using namespace vantage::api::testing;

namespace {

httplib::Headers bearer(const std::string &token)
{
    return {{"Authorization", "Bearer " + token}};
}

/// A point request as JSON text; `extra` is spliced in (", \"id\": ...").
std::string point_request(double lat, double lon, const std::string &start, const std::string &end,
                          const std::string &extra = "")
{
    return fmt::format(R"({{"target": {{"lat_deg": {}, "lon_deg": {}}}, "window_start_utc": "{}", "window_end_utc": "{}",
                         "priority": 6{}}})",
                       lat, lon, start, end, extra);
}

/// The service of ServiceFixture behind a real HTTP server on 127.0.0.1.
class TenancyHttp : public ServiceFixture {
protected:
    void SetUp() override
    {
        ServiceFixture::SetUp();
        fr_nation_admin = token("FR", store::Role::nation_admin);
        de_nation_admin = token("DE", store::Role::nation_admin);
        start_server();
    }
    /// The HTTP server on m_service, on a free port of 127.0.0.1.
    void start_server()
    {
        ServerOptions o;
        o.port = 0;
        o.threads = 16;
        m_server = std::make_unique<HttpServer>(*m_service, o);
        m_server->start();
        m_port = m_server->port();
    }
    void TearDown() override
    {
        m_server.reset();
        ServiceFixture::TearDown();
    }
    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_port);
        c.set_read_timeout(120);
        return c;
    }
    /// POST with a JSON body; returns (status, parsed body or null).
    std::pair<int, json> post(const std::string &token, const std::string &path, const std::string &body = "{}")
    {
        auto r = client().Post(path, bearer(token), body, "application/json");
        if (!r) {
            ADD_FAILURE() << "no response to POST " << path;
            return {0, json()};
        }
        return {r->status, json::parse(r->body, nullptr, false)};
    }
    std::pair<int, json> get(const std::string &token, const std::string &path)
    {
        auto r = client().Get(path, bearer(token));
        if (!r) {
            ADD_FAILURE() << "no response to GET " << path;
            return {0, json()};
        }
        return {r->status, json::parse(r->body, nullptr, false)};
    }
    /// Submits over HTTP and returns the id (expects 201).
    std::string submit_http(const std::string &token, const std::string &body)
    {
        const auto [status, j] = post(token, "/api/v1/requests", body);
        EXPECT_EQ(status, 201) << j.dump();
        return j.value("id", std::string());
    }
    std::string status_http(const std::string &token, const std::string &id)
    {
        const auto [status, j] = get(token, "/api/v1/requests/" + id);
        EXPECT_EQ(status, 200) << j.dump();
        return j.value("status", std::string());
    }
    static void expect_error(const std::pair<int, json> &r, int status, const std::string &code,
                             const std::optional<std::string> &field = {})
    {
        EXPECT_EQ(r.first, status) << r.second.dump();
        EXPECT_EQ(r.second.value("code", std::string()), code) << r.second.dump();
        if (field) {
            EXPECT_EQ(r.second.value("field", json()).is_string() ? r.second["field"].get<std::string>() : "", *field)
                << r.second.dump();
        }
    }

    std::string fr_nation_admin, de_nation_admin;
    std::unique_ptr<HttpServer> m_server;
    int m_port = 0;
};

// ------------------------------------------------------------------------------------------- bounds (item 1, 9)

using BoundsProperty = TenancyHttp;

TEST_F(BoundsProperty, AWindowInYear9999IsRefusedNamingTheField)
{
    // The reproducer: accepted before, then the worker searched for hours.
    expect_error(post(de_requester, "/api/v1/requests",
                      point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "9999-12-31T00:00:00Z")),
                 400, "out_of_range", "window_end_utc");
    // 31 days is the default limit: 32 days are refused, 30 accepted.
    expect_error(post(de_requester, "/api/v1/requests",
                      point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "2025-11-04T00:00:00Z")),
                 400, "out_of_range", "window_end_utc");
    submit_http(de_requester, point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "2025-11-02T00:00:00Z"));
    // A repeat spans its occurrences: 10000 daily occurrences name repeat.count.
    expect_error(post(de_requester, "/api/v1/requests",
                      point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "2025-10-03T12:00:00Z",
                                    R"(, "repeat": {"every_h": 24, "count": 10000, "window_h": 12})")),
                 400, "out_of_range", "repeat.count");
    // A window far ahead names window_start_utc.
    expect_error(post(de_requester, "/api/v1/requests",
                      point_request(48.1, 11.6, "9999-01-01T00:00:00Z", "9999-01-02T00:00:00Z")),
                 400, "out_of_range", "window_start_utc");
    // POST /feasibility is bounded the same way.
    expect_error(post(de_requester, "/api/v1/feasibility",
                      point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "9999-12-31T00:00:00Z")),
                 400, "out_of_range", "window_end_utc");
    // The planning horizon: 14 days at most by default.
    expect_error(post(fr_operator, "/api/v1/plan", R"({"horizon_h": 337})"), 400, "out_of_range", "horizon_h");
}

TEST_F(BoundsProperty, AWindowThatHasEndedIsRefusedOutsideSimulation)
{
    // The clock is 2025-10-03T00:00Z: yesterday's window is refused (it used to be a 201 that turned INFEASIBLE).
    expect_error(post(fr_requester, "/api/v1/requests",
                      point_request(43.6, 1.44, "2025-10-01T00:00:00Z", "2025-10-02T00:00:00Z")),
                 400, "out_of_range", "window_end_utc");
    // A window that started but has not ended is fine.
    submit_http(fr_requester, point_request(43.6, 1.44, "2025-10-02T00:00:00Z", "2025-10-03T12:00:00Z"));
}

class BudgetHttp : public TenancyHttp {
protected:
    void tune(ServiceOptions &o) const override { o.feasibility_budget_s = 0.05; }
};
using BudgetProperty = BudgetHttp;

TEST_F(BudgetProperty, AFeasibilitySearchStopsAtItsWorkBudget)
{
    // A 30-day AOI search that cannot finish in 50 ms: the answer comes back, marked truncated, quickly.
    const std::string aoi =
        R"({"aoi": {"type": "Polygon", "coordinates": [[[1.0, 43.0], [2.0, 43.0], [2.0, 44.0], [1.0, 44.0], [1.0, 43.0]]]},
            "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-11-02T00:00:00Z", "priority": 5,
            "max_off_nadir_deg": 0.5})";
    const auto t0 = std::chrono::steady_clock::now();
    const auto [status, j] = post(fr_requester, "/api/v1/feasibility", aoi);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(status, 200) << j.dump();
    EXPECT_TRUE(j["truncated"].get<bool>()) << j.dump();
    EXPECT_LT(took, 10.0); // one piece (a day of window) after the budget at most; typically well under a second
}

// ------------------------------------------------------------------------------------------- stop (item 1)

class StopHttp : public TenancyHttp {
protected:
    std::unique_ptr<Planner> planner() const override { return make_scheduling_planner(); }
};
using StopProperty = StopHttp;

TEST_F(StopProperty, StopCancelsARunningPlanWithinTwoSeconds)
{
    // Enough requests that the tasking planner works for many seconds (its time limit is 60 s).
    for (int i = 0; i < 60; ++i) {
        const double lat = 35.0 + 0.3 * i;
        const double lon = -5.0 + 0.4 * i;
        const std::string aoi = fmt::format(
            R"({{"aoi": {{"type": "Polygon", "coordinates": [[[{0}, {1}], [{2}, {1}], [{2}, {3}], [{0}, {3}], [{0}, {1}]]]}},
                "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-05T00:00:00Z", "priority": 5}})",
            lon, lat, lon + 0.8, lat + 0.6);
        submit_http(i % 2 ? fr_requester : de_requester, aoi);
    }
    m_service->process_pending();
    auto running = std::async(std::launch::async, [&] { return post(fr_operator, "/api/v1/plan", R"({"horizon_h": 48})"); });
    ASSERT_EQ(running.wait_for(std::chrono::milliseconds(1500)), std::future_status::timeout)
        << "the plan finished before it could be cancelled: make the instance larger";
    const auto t0 = std::chrono::steady_clock::now();
    m_service->stop();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(2)), std::future_status::ready) << "the plan was not cancelled in 2 s";
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto r = running.get();
    expect_error(r, 503, "cancelled");
    std::cout << fmt::format("[ stop ] the running plan answered 503 cancelled {:.3f} s after stop()\n", took);
}

class WorkerHttp : public TenancyHttp {
protected:
    void tune(ServiceOptions &o) const override
    {
        o.background = true;
        o.tick_s = 0.05;
    }
};
using WorkerStopProperty = WorkerHttp;

TEST_F(WorkerStopProperty, TheFeasibilityWorkerStopsWithinTwoSecondsInTheMiddleOfALongQueue)
{
    // 30-day AOIs with a constraint almost nothing meets: each search runs through many one-day pieces.
    for (int i = 0; i < 20; ++i) {
        const double lon = 1.0 + 0.1 * i;
        submit_http(fr_requester,
                    fmt::format(R"({{"aoi": {{"type": "Polygon", "coordinates": [[[{0}, 43.0], [{1}, 43.0], [{1}, 44.0], [{0}, 44.0], [{0}, 43.0]]]}},
                       "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-11-02T00:00:00Z",
                       "priority": 5, "max_off_nadir_deg": 0.5}})",
                                lon, lon + 1.0));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // the worker is searching
    const auto t0 = std::chrono::steady_clock::now();
    m_server.reset();
    m_service.reset(); // stop() and join the worker
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(took, 2.0);
    // It stopped in the middle of the queue: requests are left SUBMITTED (they are searched after a restart).
    std::int64_t left = 0;
    for (const auto &[st, n] : m_store->count_requests()) {
        left += st == store::RequestStatus::submitted ? n : 0;
    }
    EXPECT_GT(left, 0);
    std::cout << fmt::format("[ stop ] the worker stopped {:.3f} s after stop(), {} of 20 requests left SUBMITTED\n", took,
                             left);
}

// ------------------------------------------------------------------------------------------- fairness (item 3)

class FairHttp : public TenancyHttp {
protected:
    void tune(ServiceOptions &o) const override
    {
        o.nation_rate_per_s = 0.0; // the flood itself is not throttled here: the queue must still be fair
        o.fair_batch = 2;
    }
};
using FairnessProperty = FairHttp;

TEST_F(FairnessProperty, ANationThatFloodsTheQueueDelaysAnotherNationByOneRoundAtMost)
{
    std::vector<std::string> fr;
    for (int i = 0; i < 120; ++i) {
        fr.push_back(submit_http(fr_requester, toulouse()));
    }
    const std::string de = submit_http(de_requester, point_request(48.14, 11.58, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
    // Three searches: DE[0], FR[0] (round robin, nations in order), FR[1]. First-in first-out: FR only.
    m_service->process_pending(3);
    EXPECT_EQ(status_http(de_requester, de), "FEASIBLE");
    int fr_done = 0;
    for (const auto &id : fr) {
        fr_done += status_http(fr_requester, id) != "SUBMITTED";
    }
    EXPECT_EQ(fr_done, 2);
}

class RateHttp : public TenancyHttp {
protected:
    void tune(ServiceOptions &o) const override
    {
        o.nation_rate_per_s = 0.5;
        o.nation_burst = 3;
    }
};
using RateProperty = RateHttp;

TEST_F(RateProperty, ANationOverItsRateGets429WithRetryAfterAndOthersAreNotAffected)
{
    for (int i = 0; i < 3; ++i) {
        submit_http(fr_requester, toulouse());
    }
    auto r = client().Post("/api/v1/requests", bearer(fr_requester), toulouse(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(json::parse(r->body).value("code", std::string()), "rate_limited");
    ASSERT_TRUE(r->has_header("Retry-After"));
    const int retry = std::stoi(r->get_header_value("Retry-After"));
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 2);
    // Feasibility checks draw on the same bucket.
    EXPECT_EQ(client().Post("/api/v1/feasibility", bearer(fr_requester), toulouse(), "application/json")->status, 429);
    // DE has its own bucket.
    submit_http(de_requester, toulouse());
}

class QuotaHttp : public TenancyHttp {
protected:
    void tune(ServiceOptions &o) const override { o.nation_max_open = 5; }
};
using QuotaProperty = QuotaHttp;

TEST_F(QuotaProperty, ANationOverItsQuotaOfOpenRequestsGets429UntilOneCloses)
{
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(submit_http(fr_nation_admin, toulouse())); // any of the nation's tokens counts
    }
    // DE has its own quota.
    submit_http(de_requester, toulouse());
    auto r = client().Post("/api/v1/requests", bearer(fr_requester), toulouse(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(json::parse(r->body).value("code", std::string()), "quota_exceeded");
    EXPECT_TRUE(r->has_header("Retry-After"));
    EXPECT_EQ(post(fr_requester, "/api/v1/requests/" + ids[0] + "/cancel").first, 200);
    submit_http(fr_requester, toulouse());
}

// ------------------------------------------------------------------------------------------- isolation (items 5, 6)

using IsolationProperty = TenancyHttp;

TEST_F(IsolationProperty, AClientIdNeverRevealsOrCollidesWithAnotherNationsId)
{
    // The reproducer: FR's id, then DE sends the same one. Before: 409 duplicate for DE.
    const std::string fr_id = submit_http(fr_requester, toulouse(R"(, "id": "FR-secret-op-1")"));
    const std::string de_id = submit_http(de_requester, toulouse(R"(, "id": "FR-secret-op-1")"));
    EXPECT_EQ(fr_id, "FR:FR-secret-op-1");
    EXPECT_EQ(de_id, "DE:FR-secret-op-1");
    // The same client id from two nations: both succeed, each sees its own (by client id or by full id).
    submit_http(fr_requester, toulouse(R"(, "id": "op-1", "priority": 3)"));
    submit_http(de_requester, toulouse(R"(, "id": "op-1", "priority": 9)"));
    EXPECT_EQ(get(fr_requester, "/api/v1/requests/op-1").second["priority"], 3);
    EXPECT_EQ(get(de_requester, "/api/v1/requests/op-1").second["priority"], 9);
    EXPECT_EQ(get(de_requester, "/api/v1/requests/DE:op-1").second["priority"], 9);
    // Its own id again is a duplicate in its own namespace only.
    expect_error(post(de_requester, "/api/v1/requests", toulouse(R"(, "id": "op-1")")), 409, "duplicate", "id");
    // Another nation's full id: exactly like an id that does not exist.
    const auto absent = get(de_requester, "/api/v1/requests/FR:nothing-here");
    const auto other = get(de_requester, "/api/v1/requests/FR:op-1");
    EXPECT_EQ(other.first, 404);
    EXPECT_EQ(absent.first, 404);
    EXPECT_EQ(other.second["code"], absent.second["code"]);
    EXPECT_EQ(post(de_requester, "/api/v1/requests/FR:op-1/cancel").first, 404);
    EXPECT_EQ(status_http(fr_requester, "op-1"), "SUBMITTED"); // not cancelled
    // Coalition operators see both, by full id.
    EXPECT_EQ(get(fr_operator, "/api/v1/requests/DE:op-1").second["priority"], 9);
    EXPECT_EQ(get(fr_operator, "/api/v1/requests/FR:op-1").second["priority"], 3);
    // Lists: each nation its own.
    const auto de_list = get(de_requester, "/api/v1/requests?limit=100").second;
    for (const auto &it : de_list["items"]) {
        EXPECT_EQ(it["tenant"], "DE") << it.dump();
    }
}

// ------------------------------------------------------------------------------------------- roles (item 8)

using RolesProperty = TenancyHttp;

TEST_F(RolesProperty, EveryRouteAnswersEachRoleOfEachNationAsDocumented)
{
    const std::string fr_req_id = submit_http(fr_requester, toulouse(R"(, "id": "fr-1")"));
    const std::string de_req_id = submit_http(de_requester, toulouse(R"(, "id": "de-1")"));
    // A DE requester token a nation admin may revoke.
    const auto de_tok = post(de_nation_admin, "/api/v1/tokens", R"({"tenant": "DE", "role": "requester"})");
    ASSERT_EQ(de_tok.first, 201) << de_tok.second.dump();
    const std::string de_tok_id = de_tok.second["id"];
    // A DE webhook (a public name in the reserved .invalid domain: deliveries fail, creation is what is checked).
    const auto de_wh = post(de_nation_admin, "/api/v1/webhooks", R"({"url": "https://hooks.invalid/de"})");
    ASSERT_EQ(de_wh.first, 201) << de_wh.second.dump();
    const std::string de_wh_id = de_wh.second["id"];

    struct Caller {
        const char *name;
        std::string token;
    };
    const std::vector<Caller> callers = {{"FR requester", fr_requester},
                                         {"DE requester", de_requester},
                                         {"FR nation_admin", fr_nation_admin},
                                         {"DE nation_admin", de_nation_admin},
                                         {"operator", fr_operator},
                                         {"admin", admin}};
    // Expected status per caller, in the order above (FR req, DE req, FR nadm, DE nadm, operator, admin).
    struct Case {
        const char *method;
        std::string path;
        std::string body;
        std::array<int, 6> expect;
    };
    const std::string cancel_absent = "/api/v1/requests/nothing/cancel";
    const std::vector<Case> cases = {
        {"GET", "/api/v1/whoami", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/api/v1/requests", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/api/v1/requests/" + fr_req_id, "", {200, 404, 200, 404, 200, 200}},
        {"GET", "/api/v1/requests/" + de_req_id, "", {404, 200, 404, 200, 200, 200}},
        {"POST", cancel_absent, "", {404, 404, 404, 404, 404, 404}},
        {"POST", "/api/v1/feasibility", toulouse(), {200, 200, 200, 200, 200, 200}},
        {"POST", "/api/v1/plan", R"({"horizon_h": 6})", {403, 403, 403, 403, 201, 201}},
        {"GET", "/api/v1/plan", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/api/v1/plan.czml", "", {200, 200, 200, 200, 200, 200}},
        {"POST", "/api/v1/acquisitions/nothing/outcome", R"({"outcome": "succeeded"})", {403, 403, 403, 403, 404, 404}},
        {"POST", "/api/v1/elements", "", {403, 403, 403, 403, 400, 400}},
        {"GET", "/api/v1/satellites", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/api/v1/stations", "", {200, 200, 200, 200, 200, 200}},
        // Tokens: the issue's reproducer is the FR nation admin minting a DE admin token.
        {"POST", "/api/v1/tokens", R"({"tenant": "DE", "role": "nation_admin"})", {403, 403, 403, 201, 403, 201}},
        {"POST", "/api/v1/tokens", R"({"tenant": "FR", "role": "requester"})", {403, 403, 201, 403, 403, 201}},
        {"POST", "/api/v1/tokens", R"({"tenant": "FR", "role": "admin"})", {403, 403, 403, 403, 403, 201}},
        {"POST", "/api/v1/tokens", R"({"tenant": "FR", "role": "operator"})", {403, 403, 403, 403, 403, 201}},
        {"GET", "/api/v1/tokens", "", {403, 403, 200, 200, 403, 200}},
        {"GET", "/api/v1/audit", "", {403, 403, 200, 200, 403, 200}},
        {"POST", "/api/v1/tokens/" + de_tok_id + "/revoke", "", {403, 403, 404, 200, 403, 200}},
        // Events and webhooks: everyone reads its own nation's events; nation admins manage their nation's webhooks.
        {"GET", "/api/v1/events", "", {200, 200, 200, 200, 200, 200}},
        {"POST", "/api/v1/webhooks", R"({"url": "https://hooks.invalid/own"})", {403, 403, 201, 201, 403, 201}},
        {"POST", "/api/v1/webhooks", R"({"url": "https://hooks.invalid/de2", "tenant": "DE"})", {403, 403, 403, 201, 403, 201}},
        {"GET", "/api/v1/webhooks", "", {403, 403, 200, 200, 403, 200}},
        {"GET", "/api/v1/webhooks/" + de_wh_id + "/deliveries", "", {403, 403, 404, 200, 403, 200}},
        {"POST", "/api/v1/webhooks/" + de_wh_id + "/disable", "", {403, 403, 404, 200, 403, 200}},
        // STAPI: the same roles and isolation (an order is a request).
        {"GET", "/stapi/products", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/stapi/orders", "", {200, 200, 200, 200, 200, 200}},
        {"GET", "/stapi/orders/" + fr_req_id, "", {200, 404, 200, 404, 200, 200}},
        {"GET", "/stapi/orders/" + de_req_id + "/statuses", "", {404, 200, 404, 200, 200, 200}},
    };
    int checked = 0;
    for (const auto &c : cases) {
        for (std::size_t i = 0; i < callers.size(); ++i) {
            httplib::Result r = std::string(c.method) == "GET"
                                    ? client().Get(c.path, bearer(callers[i].token))
                                    : client().Post(c.path, bearer(callers[i].token), c.body,
                                                    c.path == "/api/v1/elements" ? "text/plain" : "application/json");
            ASSERT_TRUE(r) << c.method << " " << c.path;
            EXPECT_EQ(r->status, c.expect[i]) << c.method << " " << c.path << " as " << callers[i].name << ": " << r->body;
            ++checked;
        }
    }
    std::cout << fmt::format("[ roles ] {} route x role x nation cases checked\n", checked);
    // What each nation admin lists: its own nation's tokens only, never a coalition token.
    for (const auto &[token, nation] : {std::pair{fr_nation_admin, "FR"}, std::pair{de_nation_admin, "DE"}}) {
        const auto list = get(token, "/api/v1/tokens").second;
        ASSERT_FALSE(list["items"].empty());
        for (const auto &t : list["items"]) {
            EXPECT_EQ(t["tenant"], nation) << t.dump();
            EXPECT_TRUE(t["role"] == "requester" || t["role"] == "nation_admin") << t.dump();
        }
        const json audit = get(token, "/api/v1/audit?limit=500").second; // kept: a range-for over a temporary's member dangles
        for (const auto &a : audit["items"]) {
            EXPECT_EQ(a["tenant"], nation) << a.dump();
        }
    }
    // A nation admin cannot revoke its own nation's coalition token (the FR-bound operator) either.
    const std::string op_id = fr_operator.substr(0, fr_operator.find('.'));
    EXPECT_EQ(post(fr_nation_admin, "/api/v1/tokens/" + op_id + "/revoke").first, 404);
    EXPECT_EQ(get(fr_operator, "/api/v1/whoami").first, 200);
}

// ------------------------------------------------------------------------------------------- plan view (item 7), outcome (item 11)

class PlanHttp : public TenancyHttp {
protected:
    std::unique_ptr<Planner> planner() const override { return make_scheduling_planner(); }
};
using PlanViewProperty = PlanHttp;
using OutcomeProperty = PlanHttp;

TEST_F(PlanViewProperty, ANationSeesItsOwnAcquisitionsAndNothingDerivedFromAnotherNations)
{
    // FR and DE image neighbouring places: they share satellites, passes and downlinks.
    for (int i = 0; i < 4; ++i) {
        submit_http(fr_requester, point_request(43.6 + 0.3 * i, 1.44 + 0.2 * i, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
        submit_http(de_requester, point_request(48.1 + 0.3 * i, 11.6 + 0.2 * i, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
    }
    m_service->process_pending();
    const auto made = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})");
    ASSERT_EQ(made.first, 201) << made.second.dump();
    const json all = get(fr_operator, "/api/v1/plan").second;
    std::set<std::string> tenants;
    for (const auto &a : all["acquisitions"]) {
        tenants.insert(a["tenant"].get<std::string>());
    }
    ASSERT_EQ(tenants, (std::set<std::string>{"DE", "FR"})) << "the plan must serve both nations for this test";

    for (const std::string nation : {"DE", "FR"}) {
        const json view = get(nation == "DE" ? de_requester : fr_requester, "/api/v1/plan").second;
        ASSERT_FALSE(view["acquisitions"].empty());
        std::map<std::tuple<std::string, std::string, std::string>, double> own_parts;
        for (const auto &a : view["acquisitions"]) {
            EXPECT_EQ(a["tenant"], nation);
            EXPECT_FALSE(a.contains("slew_before_deg") || a.contains("slew_before_s") || a.contains("storage_gbit_after"))
                << a.dump();
            for (const auto &d : a["downlinks"]) {
                own_parts[{a["satellite"], d["station"], d["start_utc"]}] += d["data_gbit"].get<double>();
            }
        }
        // Each downlink carries the nation's own data only: the sum of its acquisitions' parts of that pass.
        ASSERT_EQ(view["downlinks"].size(), own_parts.size());
        for (const auto &d : view["downlinks"]) {
            const auto key = std::make_tuple(d["satellite"].get<std::string>(), d["station"].get<std::string>(),
                                             d["start_utc"].get<std::string>());
            ASSERT_TRUE(own_parts.count(key)) << d.dump();
            EXPECT_NEAR(d["data_gbit"].get<double>(), own_parts[key], 1e-9) << d.dump();
            EXPECT_FALSE(d.contains("storage_gbit_after") || d.contains("antenna")) << d.dump();
        }
        // Metrics: its own only; nothing names the other nation.
        EXPECT_EQ(view["metrics"]["scope"], "tenant");
        EXPECT_EQ(view["metrics"]["tenant"], nation);
        const std::string other = nation == "DE" ? "FR" : "DE";
        EXPECT_EQ(view.dump().find("\"" + other + ":"), std::string::npos) << "another nation's request id appears";
        EXPECT_EQ(view.dump().find("\"" + other + "\""), std::string::npos) << "another nation's code appears";
        EXPECT_FALSE(view.contains("tenants") || view.contains("notes"));
    }
}

using ExplanationViewProperty = PlanHttp;

TEST_F(ExplanationViewProperty, AnotherNationsBlockerIsOnlyAnotherNationTierTimeAndSatellite)
{
    // FR and DE ask for the same small area in the same hours: the satellites' time runs out, and some occurrences
    // are outcompeted by the other nation's acquisitions (issue 13 item 5, isolation of the explanations).
    for (int i = 0; i < 14; ++i) {
        const double lat = 43.4 + 0.05 * (i % 7), lon = 1.2 + 0.06 * (i / 7);
        submit_http(fr_requester, point_request(lat, lon, "2025-10-03T00:00:00Z", "2025-10-03T12:00:00Z", R"(, "duration_s": 40)"));
        submit_http(de_requester, point_request(lat + 0.02, lon + 0.03, "2025-10-03T00:00:00Z", "2025-10-03T12:00:00Z",
                                                R"(, "duration_s": 40, "reward": 7)"));
    }
    m_service->process_pending();
    const auto made = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 12})");
    ASSERT_EQ(made.first, 201) << made.second.dump();
    const json all = get(fr_operator, "/api/v1/plan").second;
    std::set<std::string> ids;
    for (const auto &a : all["acquisitions"]) {
        ids.insert(a["acquisition_id"].get<std::string>());
    }
    int cross = 0; // FR occurrences held back by a DE acquisition, in the coalition's view
    for (const auto &u : all["unserved"]) {
        for (const auto &b : u.value("blocked_by", json::array())) {
            EXPECT_TRUE(ids.count(b["acquisition_id"].get<std::string>())) << "a blocker that is not in the plan: " << b.dump();
            cross += u["request_id"].get<std::string>().rfind("FR:", 0) == 0 && b["tenant"] == "DE" ? 1 : 0;
        }
    }
    ASSERT_GT(cross, 0) << "no FR occurrence outcompeted by DE: make the instance denser; unserved: " << all["unserved"].dump();
    const json view = get(fr_requester, "/api/v1/plan").second;
    int redacted = 0;
    for (const auto &u : view["unserved"]) {
        for (const auto &b : u.value("blocked_by", json::array())) {
            if (b.value("another_nation", false)) {
                ++redacted;
                EXPECT_FALSE(b.contains("acquisition_id") || b.contains("request_id") || b.contains("tenant")) << b.dump();
                EXPECT_TRUE(b.contains("tier") && b.contains("satellite") && b.contains("start_utc") && b.contains("end_utc"));
            } else {
                EXPECT_EQ(b["tenant"], "FR") << b.dump();
            }
        }
    }
    EXPECT_EQ(redacted, cross);
    EXPECT_EQ(view.dump().find("\"DE:"), std::string::npos) << "another nation's request id appears";
    EXPECT_EQ(view.dump().find("\"DE\""), std::string::npos) << "another nation's code appears";
}

TEST_F(OutcomeProperty, ARealPlannerIdTakesARequestFromScheduledToAcquiredOverHttp)
{
    const std::string id = submit_http(fr_requester, toulouse(R"(, "id": "outcome.test:1")"));
    m_service->process_pending();
    ASSERT_EQ(status_http(fr_requester, id), "FEASIBLE");
    const auto made = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})");
    ASSERT_EQ(made.first, 201) << made.second.dump();
    ASSERT_EQ(status_http(fr_requester, id), "SCHEDULED");
    const json req = get(fr_requester, "/api/v1/requests/" + id).second;
    ASSERT_FALSE(req["acquisitions"].empty());
    const std::string acq = req["acquisitions"][0]["acquisition_id"];
    EXPECT_EQ(acq.find('/'), std::string::npos) << acq;
    EXPECT_EQ(acq.rfind(made.second["plan_id"].get<std::string>() + "." + id + ".", 0), 0u) << acq;
    // A nation's user cannot report it; the coalition operator can, with the id exactly as the plan gives it.
    EXPECT_EQ(post(fr_requester, "/api/v1/acquisitions/" + acq + "/outcome", R"({"outcome": "succeeded"})").first, 403);
    const auto done = post(fr_operator, "/api/v1/acquisitions/" + acq + "/outcome", R"({"outcome": "succeeded"})");
    ASSERT_EQ(done.first, 200) << done.second.dump();
    EXPECT_EQ(done.second["request_status"], "ACQUIRED");
    EXPECT_EQ(status_http(fr_requester, id), "ACQUIRED");
}

// A request stored before the strict parser that the parser now refuses (here: its longitude edited to 200 degrees
// in the database) is moved aside when the store opens; over HTTP its owner gets 410 naming the field, another
// nation the same 404 as for an absent id, and every listing keeps working.
TEST_F(IsolationProperty, AStoredRequestTheStrictParserRefusesIsQuarantinedAndExplained)
{
    const std::string id = submit_http(fr_requester, toulouse(R"(, "id": "legacy.1")"));
    const std::string other = submit_http(fr_requester, toulouse(R"(, "id": "legacy.2")"));
    m_server.reset();
    m_service.reset();
    m_store.reset();
    const std::string sql = fmt::format("UPDATE requests SET body = replace(body, '1.4442', '200') WHERE id = '{}'; "
                                        "DELETE FROM store_meta;",
                                        id);
    ASSERT_EQ(std::system(fmt::format("sqlite3 '{}' \"{}\"", m_db.string(), sql).c_str()), 0);
    open_service();
    start_server();

    const auto gone = get(fr_requester, "/api/v1/requests/" + id);
    expect_error(gone, 410, "quarantined", "target.lon_deg");
    EXPECT_NE(gone.second["message"].get<std::string>().find("submit it again"), std::string::npos) << gone.second.dump();
    const auto absent = get(de_requester, "/api/v1/requests/FR:nothing");
    const auto foreign = get(de_requester, "/api/v1/requests/" + id);
    EXPECT_EQ(foreign.first, 404);
    EXPECT_EQ(foreign.second.value("code", std::string()), absent.second.value("code", std::string()));
    const auto list = get(fr_requester, "/api/v1/requests?limit=50");
    ASSERT_EQ(list.first, 200) << list.second.dump();
    ASSERT_EQ(list.second["items"].size(), 1u) << list.second.dump();
    EXPECT_EQ(list.second["items"][0]["id"], other);
    EXPECT_EQ(status_http(fr_requester, other), "SUBMITTED");
}

// The status life cycle (open-standards issue, item 5): a request whose last window passed unserved becomes EXPIRED
// (terminal, with its history entry); a scheduled one waits for its outcome instead.
TEST_F(OutcomeProperty, ARequestWhoseWindowPassedUnservedExpires)
{
    const std::string late = submit_http(fr_requester, toulouse(R"(, "id": "expire.1")"));
    m_service->process_pending();
    ASSERT_EQ(status_http(fr_requester, late), "FEASIBLE");
    const std::string planned = submit_http(de_requester, point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
    m_service->process_pending();
    // Only DE's request is planned: FR's is cancelled and submitted again after the plan, still FEASIBLE.
    ASSERT_EQ(post(fr_requester, "/api/v1/requests/" + late + "/cancel").first, 200);
    ASSERT_EQ(post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})").first, 201);
    ASSERT_EQ(status_http(de_requester, planned), "SCHEDULED");
    const std::string open = submit_http(fr_requester, toulouse(R"(, "id": "expire.2")"));
    m_service->process_pending();
    ASSERT_EQ(status_http(fr_requester, open), "FEASIBLE");
    EXPECT_EQ(m_service->expire_passed(), 0u); // the window is still open
    m_clock.set("2025-10-04T00:00:00Z");        // the window's end: nothing can serve it any more
    const auto again = post(fr_operator, "/api/v1/plan", "{}");
    ASSERT_EQ(again.first, 201) << again.second.dump();
    const json r = get(fr_requester, "/api/v1/requests/" + open).second;
    EXPECT_EQ(r["status"], "EXPIRED") << r.dump();
    ASSERT_FALSE(r["status_history"].empty());
    EXPECT_EQ(r["status_history"].back()["status"], "EXPIRED");
    EXPECT_EQ(r["status_history"].back()["note"], "window passed unserved");
    EXPECT_EQ(status_http(de_requester, planned), "SCHEDULED"); // waits for its outcome
    EXPECT_EQ(status_http(fr_requester, late), "CANCELLED");
    const json listed = get(fr_requester, "/api/v1/requests?status=EXPIRED").second;
    ASSERT_EQ(listed["items"].size(), 1u) << listed.dump();
    EXPECT_EQ(listed["items"][0]["id"], open);
    // Terminal: cancelling it is refused like cancelling any finished request.
    EXPECT_EQ(post(fr_requester, "/api/v1/requests/" + open + "/cancel").first, 409);
    EXPECT_EQ(m_service->expire_passed(), 0u);
}

// Service-hardening issue, "the service replans": POST /plan inside the held horizon is an incremental replan over
// HTTP, with the planner's real ids: published acquisitions keep id, satellite and time; what was added, cancelled
// and reported failed since is taken in; a new horizon plans afresh.
using ReplanHttpProperty = PlanHttp;

TEST_F(ReplanHttpProperty, PublishedAcquisitionsKeepTheirIdAndTimeAcrossAReplan)
{
    std::vector<std::string> de_ids;
    for (int i = 0; i < 6; ++i) {
        submit_http(fr_requester, point_request(43.6 + 0.4 * i, 1.44 + 0.5 * i, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
        de_ids.push_back(submit_http(de_requester, point_request(48.1 + 0.3 * i, 11.6 - 0.4 * i, "2025-10-03T00:00:00Z",
                                                                 "2025-10-04T00:00:00Z")));
    }
    m_service->process_pending();
    const auto first = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})");
    ASSERT_EQ(first.first, 201) << first.second.dump();
    EXPECT_EQ(first.second["replan"]["mode"], "new_horizon");
    const json plan1 = get(fr_operator, "/api/v1/plan").second;
    std::map<std::string, json> before; // acquisition id -> acquisition
    for (const auto &a : plan1["acquisitions"]) {
        before[a["acquisition_id"].get<std::string>()] = a;
    }
    ASSERT_GE(before.size(), 8u) << plan1.dump(1);

    // Two hours on: DE cancels a request planned later that day, FR submits one, FR's first image is reported lost.
    m_clock.set("2025-10-03T02:00:00Z");
    const std::string freeze_end = "2025-10-03T03:00:00"; // now + freeze_h (1 h by default)
    std::string cancelled, failed;
    for (const auto &[id, a] : before) {
        const std::string request = a["request_id"];
        if (cancelled.empty() && a["tenant"] == "DE" && a["start_utc"].get<std::string>() > freeze_end) {
            cancelled = request;
        }
        if (failed.empty() && a["tenant"] == "FR" && a["end_utc"].get<std::string>() < "2025-10-03T02:00:00") {
            failed = id;
        }
    }
    ASSERT_FALSE(cancelled.empty()) << "no DE acquisition after the freeze: " << plan1.dump(1);
    ASSERT_EQ(post(de_requester, "/api/v1/requests/" + cancelled + "/cancel").first, 200);
    if (!failed.empty()) {
        const auto lost = post(fr_operator, "/api/v1/acquisitions/" + failed + "/outcome", R"({"outcome": "cloudy"})");
        ASSERT_EQ(lost.first, 200) << lost.second.dump();
    }
    const std::string added = submit_http(fr_requester, point_request(43.6047, 1.4442, "2025-10-03T00:00:00Z",
                                                                      "2025-10-04T00:00:00Z", R"(, "id": "added.late")"));
    m_service->process_pending();
    const auto second = post(fr_operator, "/api/v1/plan", "{}");
    ASSERT_EQ(second.first, 201) << second.second.dump();
    const json &rp = second.second["replan"];
    EXPECT_EQ(rp["mode"], "incremental") << rp.dump();
    EXPECT_EQ(rp["requests_added"], 1) << rp.dump();
    EXPECT_EQ(rp["requests_removed"], 1) << rp.dump();
    EXPECT_EQ(rp["failed"], failed.empty() ? 0 : 1) << rp.dump();
    EXPECT_EQ(rp["horizon_end_utc"], first.second["replan"]["horizon_end_utc"]);
    EXPECT_GT(rp["kept"].get<int>(), 0) << rp.dump();

    const json plan2 = get(fr_operator, "/api/v1/plan").second;
    const std::string plan2_id = second.second["plan_id"];
    int same_id = 0;
    bool added_planned = false;
    for (const auto &a : plan2["acquisitions"]) {
        const std::string id = a["acquisition_id"];
        EXPECT_NE(a["request_id"], cancelled) << a.dump();
        EXPECT_NE(id, failed) << "a lost image is planned again under a new id";
        added_planned = added_planned || a["request_id"] == "FR:added.late";
        if (const auto it = before.find(id); it != before.end()) {
            ++same_id; // an id that is kept names the same acquisition: same satellite, same time
            EXPECT_EQ(a["satellite"], it->second["satellite"]) << id;
            EXPECT_EQ(a["start_utc"], it->second["start_utc"]) << id;
            EXPECT_EQ(a["end_utc"], it->second["end_utc"]) << id;
            EXPECT_EQ(a["state"], "planned") << id;
        } else {
            EXPECT_EQ(id.rfind(plan2_id + ".", 0), 0u) << "a new acquisition carries the new plan's id: " << id;
        }
    }
    EXPECT_EQ(same_id, rp["kept"].get<int>()) << rp.dump(); // the frozen ones are among the kept
    EXPECT_LE(rp["frozen"].get<int>(), rp["kept"].get<int>()) << rp.dump();
    EXPECT_TRUE(added_planned) << "the request submitted since is planned: " << plan2.dump(1);
    EXPECT_EQ(status_http(fr_requester, added), "SCHEDULED");
    EXPECT_EQ(status_http(de_requester, cancelled), "CANCELLED");
    // Acquisitions of the first plan that the replan did not keep are superseded, not lost.
    std::map<std::string, std::string> state;
    for (const auto &[id, a] : before) {
        const json r = get(a["tenant"] == "DE" ? de_requester : fr_requester, "/api/v1/requests/" + a["request_id"].get<std::string>()).second;
        for (const auto &x : r["acquisitions"]) {
            state[x["acquisition_id"].get<std::string>()] = x["state"].get<std::string>();
        }
    }
    for (const auto &[id, a] : before) {
        ASSERT_TRUE(state.count(id)) << id << " cancelled " << cancelled;
        EXPECT_TRUE(state[id] == "planned" || state[id] == "superseded" || (id == failed && state[id] == "failed"))
            << id << " " << state[id];
    }
    // A nation's view carries no replan counts (they count the other nations' acquisitions too).
    EXPECT_FALSE(get(de_requester, "/api/v1/plan").second.contains("replan"));
    // A replan with nothing new keeps everything.
    const auto third = post(fr_operator, "/api/v1/plan", "{}");
    ASSERT_EQ(third.first, 201) << third.second.dump();
    EXPECT_EQ(third.second["replan"]["mode"], "incremental");
    EXPECT_EQ(third.second["replan"]["fraction_unchanged"], 1.0) << third.second.dump();
    const json plan3 = get(fr_operator, "/api/v1/plan").second;
    ASSERT_EQ(plan3["acquisitions"].size(), plan2["acquisitions"].size());
    for (std::size_t i = 0; i < plan2["acquisitions"].size(); ++i) {
        EXPECT_EQ(plan3["acquisitions"][i]["acquisition_id"], plan2["acquisitions"][i]["acquisition_id"]);
        EXPECT_EQ(plan3["acquisitions"][i]["start_utc"], plan2["acquisitions"][i]["start_utc"]);
    }
    // A new horizon plans afresh: every acquisition gets the new plan's id.
    const auto fresh = post(fr_operator, "/api/v1/plan", R"({"new_horizon": true})");
    ASSERT_EQ(fresh.first, 201) << fresh.second.dump();
    EXPECT_EQ(fresh.second["replan"]["mode"], "new_horizon");
    const json fresh_plan = get(fr_operator, "/api/v1/plan").second; // kept: a range-for over a temporary's member dangles
    for (const auto &a : fresh_plan["acquisitions"]) {
        const std::string id = a["acquisition_id"];
        const auto start = a["start_utc"].get<std::string>();
        if (start >= "2025-10-03T02:00:00") { // not an acquisition in progress carried over
            EXPECT_EQ(id.rfind(fresh.second["plan_id"].get<std::string>() + ".", 0), 0u) << id;
        }
    }
    expect_error(post(fr_operator, "/api/v1/plan", R"({"new_horizon": "yes"})"), 400, "syntax", "new_horizon");
}

// The service plans with everything its scenario says (vantage serve --scenario): here the relays, relay terminals
// and latency regions of tests/data/tasking/tiny_relay.yaml. A target off Cape Town, which no station of the
// scenario sees soon after the pass, goes down through a GEO relay in the service's plan too.
class RelayScenarioHttp : public PlanHttp {
protected:
    Fleet fleet() const override
    {
        auto m = std::make_shared<const scheduling::Mission>(
            io::read_mission_file(source_dir + "/tests/data/tasking/tiny_relay.yaml"));
        Fleet f;
        for (const auto &ts : m->satellites) {
            f.satellites.push_back(ts.sat);
        }
        f.stations = m->stations;
        f.eop = m->eop;
        f.search = m->search;
        f.tasking = m;
        return f;
    }
};
using ServiceScenarioProperty = RelayScenarioHttp;

TEST_F(ServiceScenarioProperty, TheServicesPlanUsesTheScenariosRelays)
{
    m_clock.set("2025-10-03T08:30:00Z");
    const std::string far = submit_http(fr_requester, point_request(-33.9, 18.4, "2025-10-03T08:30:00Z", "2025-10-03T10:00:00Z"));
    submit_http(fr_requester, point_request(45.07, 7.69, "2025-10-03T08:30:00Z", "2025-10-03T10:00:00Z"));
    m_service->process_pending();
    const auto made = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 1.5})");
    ASSERT_EQ(made.first, 201) << made.second.dump();
    const json plan = get(fr_operator, "/api/v1/plan").second;
    bool relayed = false;
    for (const auto &d : plan["downlinks"]) {
        relayed = relayed || (d.contains("relay") && d["relay"].is_string());
    }
    EXPECT_TRUE(relayed) << plan["downlinks"].dump(1);
    EXPECT_GE(plan["metrics"]["relayed_acquisitions"].get<int>(), 1) << plan["metrics"].dump(1);
    EXPECT_TRUE(plan["metrics"].contains("latency_regions")) << plan["metrics"].dump(1);
    EXPECT_EQ(status_http(fr_requester, far), "SCHEDULED");
}

// A started acquisition that a new horizon carried over, whose request is then cancelled, leaves the next replan
// (found by review: the carried acquisition named a request no longer planned, and every later POST /plan was a 500).
TEST_F(ReplanHttpProperty, ACancelledRequestsStartedAcquisitionDoesNotBreakTheNextReplan)
{
    const std::string a = submit_http(fr_requester, toulouse(R"(, "id": "carried.1")"));
    const std::string b = submit_http(de_requester, point_request(48.1, 11.6, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"));
    m_service->process_pending();
    ASSERT_EQ(post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})").first, 201);
    const json plan = get(fr_operator, "/api/v1/plan").second;
    json first;
    for (const auto &acq : plan["acquisitions"]) {
        if (acq["request_id"] == a) {
            first = acq;
            break;
        }
    }
    ASSERT_FALSE(first.is_null()) << plan.dump(1);
    const auto s0 = time::Instant::parse_iso8601(first["start_utc"].get<std::string>());
    m_clock.set(s0 + time::Duration::from_seconds(1.0)); // FR's image is being taken
    const auto fresh = post(fr_operator, "/api/v1/plan", R"({"new_horizon": true})");
    ASSERT_EQ(fresh.first, 201) << fresh.second.dump();
    ASSERT_EQ(post(fr_requester, "/api/v1/requests/" + a + "/cancel").first, 200);
    const auto next = post(fr_operator, "/api/v1/plan", "{}");
    ASSERT_EQ(next.first, 201) << next.second.dump();
    EXPECT_EQ(next.second["replan"]["mode"], "incremental") << next.second.dump();
    const json after = get(fr_operator, "/api/v1/plan").second; // kept: a range-for over a temporary's member dangles
    for (const auto &acq : after["acquisitions"]) {
        EXPECT_NE(acq["request_id"], a) << acq.dump();
    }
    EXPECT_EQ(status_http(de_requester, b), "SCHEDULED");
}

// Clouds (issue 15): an acquisition reported cloudy returns its occurrence to the queue, and the next plan takes it
// again on another pass.
TEST_F(OutcomeProperty, ACloudyAcquisitionGoesBackToTheQueueOverHttp)
{
    const std::string id = submit_http(fr_requester, toulouse(R"(, "id": "cloudy.test:1", "max_cloud_cover_pct": 20)"));
    m_service->process_pending();
    const auto made = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})");
    ASSERT_EQ(made.first, 201) << made.second.dump();
    const json req = get(fr_requester, "/api/v1/requests/" + id).second;
    ASSERT_FALSE(req["acquisitions"].empty());
    const json &body = req.contains("request") ? req["request"] : req;
    EXPECT_EQ(body["max_cloud_cover_pct"], 20.0) << req.dump();
    const std::string acq = req["acquisitions"][0]["acquisition_id"];
    const auto bad = post(fr_operator, "/api/v1/acquisitions/" + acq + "/outcome", R"({"outcome": "overcast"})");
    EXPECT_EQ(bad.first, 400);
    EXPECT_EQ(bad.second["field"], "outcome");
    // reported after the pass (the clock moves past the acquisition, as an operator's report would come)
    m_clock.set(time::Instant::parse_iso8601(req["acquisitions"][0]["end_utc"].get<std::string>()) + time::Duration::from_seconds(60));
    const auto cloudy = post(fr_operator, "/api/v1/acquisitions/" + acq + "/outcome", R"({"outcome": "cloudy"})");
    ASSERT_EQ(cloudy.first, 200) << cloudy.second.dump();
    EXPECT_EQ(cloudy.second["state"], "failed");
    EXPECT_EQ(cloudy.second["note"], "cloudy");
    EXPECT_EQ(cloudy.second["request_status"], "FEASIBLE");
    const auto again = post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})");
    ASSERT_EQ(again.first, 201) << again.second.dump();
    const json req2 = get(fr_requester, "/api/v1/requests/" + id).second;
    EXPECT_EQ(status_http(fr_requester, id), "SCHEDULED");
    bool replanned = false;
    for (const auto &a : req2["acquisitions"]) {
        replanned = replanned || (a["acquisition_id"] != acq && a["state"] == "planned");
    }
    EXPECT_TRUE(replanned) << req2.dump();
}

} // namespace

// ------------------------------------------------------------------------------------------- amendments (issue 16 item 5)

using AmendProperty = TenancyHttp;

TEST_F(AmendProperty, AMergePatchWithTheCurrentETagAmendsAnUnscheduledRequestAndNothingElse)
{
    auto patch = [&](const std::string &token, const std::string &id, const std::string &body,
                     const std::optional<std::string> &if_match, const char *type = "application/merge-patch+json") {
        httplib::Headers h = bearer(token);
        if (if_match) {
            h.emplace("If-Match", *if_match);
        }
        auto r = client().Patch("/api/v1/requests/" + id, h, body, type);
        EXPECT_TRUE(r) << "no response to PATCH";
        return r ? std::pair<int, json>{r->status, json::parse(r->body, nullptr, false)} : std::pair<int, json>{0, json()};
    };
    const std::string id = submit_http(fr_requester, toulouse(R"(, "id": "am-1", "priority": 3)"));
    auto r = client().Get("/api/v1/requests/" + id, bearer(fr_requester));
    ASSERT_TRUE(r);
    const std::string etag = r->get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(etag, fmt::format("\"v{}\"", json::parse(r->body)["version"].get<long long>()));

    // No If-Match: 428; a stale or malformed one: 412; another nation: 404 (as absent).
    expect_error(patch(fr_requester, id, R"({"priority": 9})", std::nullopt), 428, "precondition_required", "If-Match");
    expect_error(patch(fr_requester, id, R"({"priority": 9})", "\"v999999\""), 412, "precondition_failed", "If-Match");
    expect_error(patch(fr_requester, id, R"({"priority": 9})", "W/" + etag), 412, "precondition_failed", "If-Match");
    expect_error(patch(de_requester, id, R"({"priority": 9})", etag), 404, "not_found", "id");
    // Bad values name their key; the id and the nation cannot change.
    expect_error(patch(fr_requester, id, R"({"priority": 11})", etag), 400, "out_of_range", "priority");
    expect_error(patch(fr_requester, id, R"({"tenant": "DE"})", etag), 400, "unsupported", "tenant");
    expect_error(patch(fr_requester, id, R"({"priority": 9})", etag, "text/plain"), 415, "unsupported_media_type", "Content-Type");

    // The amendment: merge semantics (null removes a key), back to SUBMITTED, a history entry, a new ETag.
    const auto ok = patch(fr_requester, id, R"({"priority": 9, "max_off_nadir_deg": 20, "urgent": true})", etag);
    ASSERT_EQ(ok.first, 200) << ok.second.dump();
    EXPECT_EQ(ok.second["priority"], 9);
    EXPECT_EQ(ok.second["max_off_nadir_deg"], 20.0);
    EXPECT_EQ(ok.second["tier"], "urgent");
    EXPECT_EQ(ok.second["status"], "SUBMITTED");
    const auto view = get(fr_requester, "/api/v1/requests/" + id).second;
    EXPECT_EQ(view["status_history"].back()["note"], "amended: priority, max_off_nadir_deg, urgent");
    EXPECT_NE(fmt::format("\"v{}\"", view["version"].get<long long>()), etag);
    // The old ETag is stale now; the request's window can still be moved, with the new one.
    expect_error(patch(fr_requester, id, R"({"priority": 1})", etag), 412, "precondition_failed", "If-Match");
    const std::string etag2 = fmt::format("\"v{}\"", view["version"].get<long long>());
    const auto removed = patch(fr_requester, id, R"({"max_off_nadir_deg": null})", etag2, "application/json");
    ASSERT_EQ(removed.first, 200) << removed.second.dump();
    EXPECT_FALSE(removed.second.contains("max_off_nadir_deg"));
    // The worker searches it again; once scheduled it can no longer be amended (409, field status).
    m_service->process_pending();
    EXPECT_EQ(status_http(fr_requester, id), "FEASIBLE");
    ASSERT_EQ(post(fr_operator, "/api/v1/plan", R"({"horizon_h": 24})").first, 201);
    EXPECT_EQ(status_http(fr_requester, id), "SCHEDULED");
    expect_error(patch(fr_requester, id, R"({"priority": 2})", "*"), 409, "conflict", "status");
}
