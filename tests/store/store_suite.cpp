// The store test suite, compiled once per backend (store_sqlite_test, store_postgres_test) so that SQLite and
// PostgreSQL pass exactly the same tests. The backend file provides test_store_url() / drop_test_store().
//
// StoreProperty: invariants of the store's contract (round trips, status machine, pagination completeness,
// idempotency, audit of every mutation, durability across reopen). StoreConcurrencyProperty: parallel writers
// never lose or duplicate a request. StoreMigrationProperty: schema versions and upgrades.
#include "store_suite.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sql.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/request_json.hpp"
#include "vantage/store/store.hpp"

using namespace vantage;
using store::AcquisitionState;
using store::RequestStatus;

namespace {

time::Instant at(const char *iso)
{
    return time::Instant::parse_iso8601(iso);
}

mission::Request point_request(const std::string &id, const std::string &tenant, int priority = 5)
{
    return io::parse_request_json(
        R"({"target": {"lat_deg": 43.6, "lon_deg": 1.44}, "window_start_utc": "2025-10-03T06:00:00Z",
            "window_end_utc": "2025-10-03T18:00:00Z", "priority": )"
            + std::to_string(priority) + "}",
        "test", io::RequestDefaults{id, tenant});
}

store::Mutation by(const std::string &actor, const std::string &tenant, const char *time = "2025-10-02T10:00:00Z")
{
    return store::Mutation{actor, tenant, at(time), std::nullopt};
}

template <class F>
void expect_error(F &&f, ErrorCode code, const std::string &field)
{
    try {
        f();
        ADD_FAILURE() << "no error";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_EQ(e.context().field, field) << e.what();
    }
}

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_name = std::string(info->test_suite_name()) + "_" + info->name();
        m_url = test_store_url(m_name, true);
        m_store = store::Store::open(m_url);
    }
    void TearDown() override
    {
        m_store.reset();
        drop_test_store(m_name);
    }
    void reopen()
    {
        m_store.reset();
        m_store = store::Store::open(m_url);
    }
    store::AcquisitionRecord acquisition(const std::string &id, const std::string &request, int occurrence,
                                         const char *start, const char *end)
    {
        store::AcquisitionRecord a;
        a.acquisition_id = id;
        a.request_id = request;
        a.tenant = "FR";
        a.occurrence = occurrence;
        a.satellite = "PLEIADES 1A";
        a.norad_id = 38012;
        a.start = at(start);
        a.end = at(end);
        a.document = R"({"acquisition_id": ")" + id + "\"}";
        return a;
    }
    store::PlanRecord plan(const std::string &id)
    {
        return store::PlanRecord{id, 0, at("2025-10-02T12:00:00Z"), at("2025-10-02T12:00:00Z"), "test", "op", "{}"};
    }
    std::string m_name;
    std::string m_url;
    std::unique_ptr<store::Store> m_store;
};

using StoreProperty = StoreTest;
using StoreConcurrencyProperty = StoreTest;
using StoreMigrationProperty = StoreTest;

} // namespace

TEST_F(StoreMigrationProperty, FreshDatabaseIsAtTheCurrentVersionAndReopeningKeepsIt)
{
    EXPECT_EQ(m_store->schema_version(), store::Store::current_schema_version());
    EXPECT_GE(store::Store::current_schema_version(), 2);
    reopen();
    EXPECT_EQ(m_store->schema_version(), store::Store::current_schema_version());
}

TEST_F(StoreMigrationProperty, OlderDatabaseIsUpgradedWithItsData)
{
    m_store.reset();
    drop_test_store(m_name);
    m_url = test_store_url(m_name, true);
    {
        auto c = test_connection(m_name);
        store::detail::migrate(*c, 1); // a database written by a build that knew only migration 1
        EXPECT_EQ(store::detail::schema_version(*c), 1);
        c->execute("INSERT INTO requests (id, tenant, status, priority, body, created_utc, updated_utc, submitted_by) "
                   "VALUES (?, 'FR', 'SUBMITTED', 5, ?, '2025-10-01T00:00:00.000000Z', '2025-10-01T00:00:00.000000Z', 'old')",
                   {store::detail::Param{std::string("FR-old")},
                    store::detail::Param{io::request_to_json(point_request("FR-old", "FR"))}});
    }
    m_store = store::Store::open(m_url);
    EXPECT_EQ(m_store->schema_version(), store::Store::current_schema_version());
    const auto r = m_store->get_request("FR-old");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->request, point_request("FR-old", "FR"));
}

TEST_F(StoreMigrationProperty, RequestsTheStrictParserRefusesAreQuarantinedWholeNotLostAndNotFatal)
{
    // A database written before the strict request parser: one good request, two the parser now refuses (a target
    // longitude of 200 degrees, a window time without a zone), one of them with a status history entry.
    m_store.reset();
    drop_test_store(m_name);
    m_url = test_store_url(m_name, true);
    const std::string good = io::request_to_json(point_request("FR-good", "FR"));
    nlohmann::json j = nlohmann::json::parse(good);
    j["target"]["lon_deg"] = 200.0;
    const std::string lon200 = j.dump();
    j = nlohmann::json::parse(good);
    j["window_end_utc"] = "2025-10-03T18:00:00";
    const std::string no_zone = j.dump();
    {
        auto c = test_connection(m_name);
        store::detail::migrate(*c, 3);
        int n = 0;
        for (const auto &[id, tenant, body] : {std::tuple<std::string, std::string, std::string>{"FR-good", "FR", good},
                                               {"FR-lon", "FR", lon200}, {"DE-zone", "DE", no_zone}}) {
            c->execute("INSERT INTO requests (id, tenant, status, priority, body, created_utc, updated_utc, submitted_by) "
                       "VALUES (?, ?, 'FEASIBLE', 5, ?, ?, ?, 'old')",
                       {store::detail::Param{id}, store::detail::Param{tenant}, store::detail::Param{body},
                        store::detail::Param{fmt::format("2025-10-01T00:00:0{}.000000Z", n)},
                        store::detail::Param{std::string("2025-10-01T00:00:09.000000Z")}});
            c->execute("INSERT INTO request_events (request_id, status, time_utc, actor, note) VALUES (?, 'SUBMITTED', "
                       "'2025-10-01T00:00:00.000000Z', 'old', 'first')",
                       {store::detail::Param{id}});
            ++n;
        }
    }
    m_store = store::Store::open(m_url);
    // Listings work and hold the readable request only; the others are moved aside whole, with the field named.
    store::RequestQuery all;
    const auto listed = m_store->list_requests(all);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].request.id, "FR-good");
    EXPECT_FALSE(m_store->get_request("FR-lon"));
    const auto q = m_store->get_quarantined_request("FR-lon", std::string("FR"));
    ASSERT_TRUE(q);
    EXPECT_EQ(q->field, "target.lon_deg") << q->error;
    EXPECT_EQ(q->status, "FEASIBLE");
    EXPECT_EQ(q->body, lon200); // nothing the user submitted is lost
    const auto record = nlohmann::json::parse(q->record);
    ASSERT_EQ(record["history"].size(), 1u);
    EXPECT_EQ(record["history"][0]["note"], "first");
    const auto z = m_store->get_quarantined_request("DE-zone", std::string("DE"));
    ASSERT_TRUE(z);
    EXPECT_NE(z->field.find("window_end_utc"), std::string::npos) << z->field << ": " << z->error;
    // Nation-scoped: another nation does not see it.
    EXPECT_FALSE(m_store->get_quarantined_request("FR-lon", std::string("DE")));
    int audited = 0;
    for (const auto &a : m_store->list_audit(0, 100)) {
        audited += a.action == "request.quarantine" ? 1 : 0;
    }
    EXPECT_EQ(audited, 2);
    // Once per parser version: reopening changes nothing.
    reopen();
    EXPECT_EQ(m_store->list_requests(all).size(), 1u);
    EXPECT_TRUE(m_store->get_quarantined_request("FR-lon"));
    audited = 0;
    for (const auto &a : m_store->list_audit(0, 100)) {
        audited += a.action == "request.quarantine" ? 1 : 0;
    }
    EXPECT_EQ(audited, 2);
}

TEST_F(StoreMigrationProperty, NewerDatabaseIsRefused)
{
    {
        auto c = test_connection(m_name);
        c->execute("INSERT INTO schema_migrations (version, name, applied_utc) VALUES (?, 'future', '2030-01-01T00:00:00Z')",
                   {store::detail::Param{std::int64_t{store::Store::current_schema_version() + 1}}});
    }
    m_store.reset();
    try {
        store::Store::open(m_url);
        ADD_FAILURE() << "opened a database from the future";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::unsupported);
        EXPECT_EQ(e.context().field, "schema_version");
    }
}

TEST_F(StoreProperty, SubmittedRequestRoundTripsWithItsFirstHistoryEntry)
{
    const auto req = io::parse_request_json(R"({"aoi": {"type": "Polygon", "coordinates": [[[30.6, 46.3], [31.0, 46.3],
        [31.0, 46.6], [30.6, 46.3]]]}, "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-03T12:00:00Z",
        "sensor": "sar", "incidence_min_deg": 20, "incidence_max_deg": 45, "look_side": "right",
        "repeat": {"every_h": 24, "count": 3}, "urgent": true, "priority": 9})",
                                            "test", io::RequestDefaults{"IT-7", "IT"});
    const auto w = m_store->submit_request(req, by("tok-it", "IT"));
    EXPECT_FALSE(w.replay);
    EXPECT_GT(w.value.seq, 0);
    const auto got = m_store->get_request("IT-7");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->request, req);
    EXPECT_EQ(got->status, RequestStatus::submitted);
    EXPECT_EQ(got->submitted_by, "tok-it");
    EXPECT_EQ(got->created, at("2025-10-02T10:00:00Z"));
    ASSERT_EQ(got->history.size(), 1u);
    EXPECT_EQ(got->history[0].status, RequestStatus::submitted);
    EXPECT_EQ(got->history[0].actor, "tok-it");
    EXPECT_FALSE(m_store->get_request("nope"));
}

TEST_F(StoreProperty, DuplicateIdIsRefusedAndChangesNothing)
{
    m_store->submit_request(point_request("FR-1", "FR", 3), by("a", "FR"));
    expect_error([&] { m_store->submit_request(point_request("FR-1", "DE", 9), by("b", "DE")); }, ErrorCode::duplicate,
                 "id");
    const auto r = m_store->get_request("FR-1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->request.tenant, "FR");
    EXPECT_EQ(r->request.priority, 3);
    EXPECT_EQ(m_store->list_requests({}).size(), 1u);
}

TEST_F(StoreProperty, PaginationVisitsEveryRequestOnceInSubmissionOrder)
{
    std::vector<std::string> fr;
    for (int i = 0; i < 23; ++i) {
        const std::string tenant = i % 3 == 0 ? "DE" : "FR";
        const std::string id = tenant + "-" + std::to_string(i);
        m_store->submit_request(point_request(id, tenant), by("t", tenant));
        if (tenant == "FR") {
            fr.push_back(id);
        }
    }
    std::vector<std::string> seen;
    store::RequestQuery q;
    q.tenant = "FR";
    q.limit = 4;
    for (int pages = 0; pages < 100; ++pages) {
        const auto page = m_store->list_requests(q);
        for (const auto &r : page) {
            EXPECT_EQ(r.request.tenant, "FR");
            seen.push_back(r.request.id);
        }
        if (page.size() < static_cast<std::size_t>(q.limit)) {
            break;
        }
        q.after_seq = page.back().seq;
    }
    EXPECT_EQ(seen, fr);
    store::RequestQuery bad;
    bad.limit = 0;
    expect_error([&] { m_store->list_requests(bad); }, ErrorCode::out_of_range, "limit");
}

TEST_F(StoreProperty, TransitionsAreCompareAndSetAlongTheStatusMachine)
{
    m_store->submit_request(point_request("r1", "FR"), by("t", "FR"));
    m_store->submit_request(point_request("r2", "FR"), by("t", "FR"));
    // r1: SUBMITTED -> FEASIBLE applies; r2: expected FEASIBLE, is SUBMITTED: not applied.
    // r1 -> DELIVERED directly is not an allowed transition: not applied.
    const auto n = m_store->apply_transitions(
        {store::Transition{"r1", {RequestStatus::submitted}, RequestStatus::feasible, "2 opportunities", R"({"n":2})", "", std::nullopt},
         store::Transition{"r2", {RequestStatus::feasible}, RequestStatus::scheduled, "", std::nullopt, "", std::nullopt},
         store::Transition{"missing", {RequestStatus::submitted}, RequestStatus::feasible, "", std::nullopt, "", std::nullopt}},
        by("system", "", "2025-10-02T10:00:05Z"));
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(m_store->apply_transitions(
                  {store::Transition{"r1", {RequestStatus::feasible}, RequestStatus::delivered, "", std::nullopt, "", std::nullopt}},
                  by("system", "")),
              0u);
    const auto r1 = m_store->get_request("r1");
    EXPECT_EQ(r1->status, RequestStatus::feasible);
    EXPECT_EQ(r1->feasibility, R"({"n":2})");
    EXPECT_EQ(r1->updated, at("2025-10-02T10:00:05Z"));
    ASSERT_EQ(r1->history.size(), 2u);
    EXPECT_EQ(r1->history[1].status, RequestStatus::feasible);
    EXPECT_EQ(r1->history[1].note, "2 opportunities");
    EXPECT_EQ(r1->history[1].actor, "system");
    EXPECT_EQ(m_store->get_request("r2")->status, RequestStatus::submitted);

    EXPECT_TRUE(store::transition_allowed(RequestStatus::scheduled, RequestStatus::feasible));
    EXPECT_FALSE(store::transition_allowed(RequestStatus::acquired, RequestStatus::cancelled));
    EXPECT_FALSE(store::transition_allowed(RequestStatus::cancelled, RequestStatus::feasible));
    for (auto s : {RequestStatus::submitted, RequestStatus::feasible, RequestStatus::infeasible, RequestStatus::scheduled,
                   RequestStatus::acquired, RequestStatus::delivered, RequestStatus::cancelled}) {
        EXPECT_EQ(store::parse_request_status(store::to_string(s)), s);
    }
}

TEST_F(StoreProperty, CancelIsAllowedBeforeAcquisitionOnly)
{
    m_store->submit_request(point_request("r1", "FR"), by("t", "FR"));
    const auto c = m_store->cancel_request("r1", by("t", "FR", "2025-10-02T11:00:00Z"));
    EXPECT_EQ(c.value.status, RequestStatus::cancelled);
    EXPECT_EQ(c.value.history.back().status, RequestStatus::cancelled);
    EXPECT_EQ(c.value.history.back().time, at("2025-10-02T11:00:00Z"));
    expect_error([&] { m_store->cancel_request("r1", by("t", "FR")); }, ErrorCode::conflict, "status");
    expect_error([&] { m_store->cancel_request("nope", by("t", "FR")); }, ErrorCode::not_found, "id");
}

TEST_F(StoreProperty, PlanSchedulesOutcomesRollUpAndReplansSupersede)
{
    m_store->submit_request(point_request("r1", "FR"), by("t", "FR"));
    m_store->submit_request(point_request("r2", "FR"), by("t", "FR"));
    m_store->apply_transitions({{"r1", {RequestStatus::submitted}, RequestStatus::feasible, "", std::nullopt, "", std::nullopt},
                                {"r2", {RequestStatus::submitted}, RequestStatus::feasible, "", std::nullopt, "", std::nullopt}},
                               by("system", ""));
    // Plan 1: r1 occurrences 0 and 1, r2 occurrence 0.
    m_store->save_plan(plan("p1"),
                       {acquisition("a1", "r1", 0, "2025-10-03T10:00:00Z", "2025-10-03T10:00:10Z"),
                        acquisition("a2", "r1", 1, "2025-10-04T10:00:00Z", "2025-10-04T10:00:10Z"),
                        acquisition("b1", "r2", 0, "2025-10-03T11:00:00Z", "2025-10-03T11:00:10Z")},
                       {"r1", "r2"}, by("op", "FR"));
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::scheduled);
    EXPECT_EQ(m_store->get_request("r2")->status, RequestStatus::scheduled);
    EXPECT_EQ(m_store->latest_plan()->plan_id, "p1");

    // a1 succeeds: r1 still has a2 planned -> SCHEDULED. a2 fails -> back to the queue (FEASIBLE).
    m_store->record_outcome("a1", {AcquisitionState::planned}, AcquisitionState::succeeded, "ok", by("op", "FR"));
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::scheduled);
    m_store->record_outcome("a2", {AcquisitionState::planned}, AcquisitionState::failed, "cloud", by("op", "FR"));
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::feasible);
    expect_error([&] { m_store->record_outcome("a2", {AcquisitionState::planned}, AcquisitionState::succeeded, "", by("op", "FR")); },
                 ErrorCode::conflict, "state");
    expect_error([&] { m_store->record_outcome("zz", {AcquisitionState::planned}, AcquisitionState::succeeded, "", by("op", "FR")); },
                 ErrorCode::not_found, "id");

    // Plan 2 replans r1's occurrence 1 (a3, later) keeps a1 and drops r2's b1 entirely.
    m_store->save_plan(plan("p2"),
                       {acquisition("a1", "r1", 0, "2025-10-03T10:00:00Z", "2025-10-03T10:00:10Z"),
                        acquisition("a3", "r1", 1, "2025-10-04T12:00:00Z", "2025-10-04T12:00:10Z")},
                       {"r1", "r2"}, by("op", "FR"));
    EXPECT_EQ(m_store->get_acquisition("a1")->state, AcquisitionState::succeeded); // kept, not reset
    EXPECT_EQ(m_store->get_acquisition("a1")->plan_id, "p2");
    EXPECT_EQ(m_store->get_acquisition("b1")->state, AcquisitionState::superseded);
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::scheduled);
    EXPECT_EQ(m_store->get_request("r2")->status, RequestStatus::feasible);
    store::AcquisitionQuery planned;
    planned.states = {AcquisitionState::planned};
    EXPECT_EQ(m_store->list_acquisitions(planned).size(), 1u);
    store::AcquisitionQuery early;
    early.ending_before = at("2025-10-03T23:00:00Z");
    EXPECT_EQ(m_store->list_acquisitions(early).size(), 2u); // a1, b1 end before
    store::AcquisitionQuery of_r1;
    of_r1.request_id = "r1";
    EXPECT_EQ(m_store->list_acquisitions(of_r1).size(), 3u); // a1, a2 (failed), a3
    store::AcquisitionQuery of_p2;
    of_p2.plan_id = "p2";
    EXPECT_EQ(m_store->list_acquisitions(of_p2).size(), 2u);

    // a3 succeeds -> every occurrence's latest acquisition succeeded: ACQUIRED; then both delivered: DELIVERED.
    m_store->record_outcome("a3", {AcquisitionState::planned}, AcquisitionState::succeeded, "", by("op", "FR"));
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::acquired);
    m_store->record_outcome("a1", {AcquisitionState::succeeded}, AcquisitionState::delivered, "", by("op", "FR"));
    EXPECT_EQ(m_store->get_request("r1")->status, RequestStatus::acquired);
    m_store->record_outcome("a3", {AcquisitionState::succeeded}, AcquisitionState::delivered, "", by("op", "FR"));
    const auto r1 = m_store->get_request("r1");
    EXPECT_EQ(r1->status, RequestStatus::delivered);
    std::vector<RequestStatus> path;
    for (const auto &e : r1->history) {
        path.push_back(e.status);
    }
    EXPECT_EQ(path, (std::vector<RequestStatus>{RequestStatus::submitted, RequestStatus::feasible, RequestStatus::scheduled,
                                                RequestStatus::feasible, RequestStatus::scheduled, RequestStatus::acquired,
                                                RequestStatus::delivered}));
    expect_error([&] { m_store->cancel_request("r1", by("t", "FR")); }, ErrorCode::conflict, "status");
}

TEST_F(StoreProperty, CancellingAScheduledRequestSupersedesItsPlannedAcquisitions)
{
    m_store->submit_request(point_request("r1", "FR"), by("t", "FR"));
    m_store->apply_transitions({{"r1", {RequestStatus::submitted}, RequestStatus::feasible, "", std::nullopt, "", std::nullopt}}, by("s", ""));
    m_store->save_plan(plan("p1"), {acquisition("a1", "r1", 0, "2025-10-03T10:00:00Z", "2025-10-03T10:00:10Z")}, {"r1"},
                       by("op", "FR"));
    m_store->cancel_request("r1", by("t", "FR"));
    EXPECT_EQ(m_store->get_acquisition("a1")->state, AcquisitionState::superseded);
}

TEST_F(StoreProperty, ElementSetsKeepTheLatestEpochPerSatelliteAndTheirSensor)
{
    auto es = [](std::uint32_t id, const char *epoch, std::optional<std::string> sensor) {
        return store::ElementSetRecord{id, "SAT " + std::to_string(id), at(epoch), "[{}]", std::move(sensor), 0};
    };
    const auto u1 = m_store->save_elements(
        {"a.tle", "tle", {es(1, "2025-10-01T00:00:00Z", "hri"), es(2, "2025-10-01T00:00:00Z", std::nullopt)},
         R"([{"code":"checksum","line":7}])", "[]"},
        by("op", "FR"));
    const auto u2 = m_store->save_elements({"b.tle", "tle", {es(1, "2025-10-02T00:00:00Z", std::nullopt),
                                                             es(2, "2025-09-30T00:00:00Z", std::nullopt)},
                                            "[]", "[]"},
                                           by("op", "FR"));
    EXPECT_GT(u2.value, u1.value);
    const auto latest = m_store->latest_elements();
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].norad_id, 1u);
    EXPECT_EQ(latest[0].epoch, at("2025-10-02T00:00:00Z"));
    EXPECT_EQ(latest[0].sensor, std::optional<std::string>("hri")); // the sensor given earlier still applies
    EXPECT_EQ(latest[1].epoch, at("2025-10-01T00:00:00Z"));         // an older epoch uploaded later does not win
    EXPECT_EQ(latest[1].upload_id, u1.value);
    // The rejected records were written with the accepted ones: the audit entry counts them.
    bool found = false;
    for (const auto &a : m_store->list_audit(0, 100)) {
        if (a.action == "elements.upload" && a.object_id == std::to_string(u1.value)) {
            found = true;
            EXPECT_NE(a.detail.find("\"rejected\":1"), std::string::npos) << a.detail;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(StoreProperty, StationsRoundTripAndUpsertByName)
{
    geometry::GroundStation s;
    s.name = "Svalbard";
    s.location = {78.2297, 15.4078, 0.5};
    s.min_elevation_deg = 5.0;
    s.mask = {{0.0, 5.0}, {180.0, 10.25}};
    s.downlink_mbit_s = 520.0;
    s.antennas = 3;
    m_store->upsert_stations({s}, by("system", ""));
    s.antennas = 4;
    m_store->upsert_stations({s}, by("system", ""));
    const auto got = m_store->list_stations();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].name, s.name);
    EXPECT_EQ(got[0].location.lat_deg, s.location.lat_deg);
    EXPECT_EQ(got[0].location.h_km, s.location.h_km);
    EXPECT_EQ(got[0].mask.size(), 2u);
    EXPECT_EQ(got[0].mask[1].min_elevation_deg, 10.25);
    EXPECT_EQ(got[0].antennas, 4);
}

TEST_F(StoreProperty, TokensAreCreatedFoundRevokedOnce)
{
    store::TokenRecord t{"0123456789abcdef", "FR", store::Role::operator_, std::string(64, 'a'), "ops desk",
                         at("2025-10-01T00:00:00Z"), at("2026-10-01T00:00:00Z"), std::nullopt, "cli"};
    m_store->create_token(t, by("cli", "FR"));
    expect_error([&] { m_store->create_token(t, by("cli", "FR")); }, ErrorCode::duplicate, "id");
    const auto got = m_store->find_token(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->role, store::Role::operator_);
    EXPECT_EQ(got->secret_hash, t.secret_hash);
    EXPECT_EQ(got->expires, t.expires);
    EXPECT_FALSE(got->revoked);
    const auto r1 = m_store->revoke_token(t.id, by("adm", "FR", "2025-10-05T00:00:00Z"));
    const auto r2 = m_store->revoke_token(t.id, by("adm", "FR", "2025-10-06T00:00:00Z"));
    EXPECT_EQ(r1.value.revoked, at("2025-10-05T00:00:00Z"));
    EXPECT_EQ(r2.value.revoked, at("2025-10-05T00:00:00Z")); // the first revocation time is kept
    expect_error([&] { m_store->revoke_token("nope", by("adm", "FR")); }, ErrorCode::not_found, "id");
    EXPECT_EQ(m_store->list_tokens().size(), 1u);
}

TEST_F(StoreProperty, AVerdictForARequestAmendedMeanwhileIsDropped)
{
    const auto original = point_request("FR:v", "FR", 3);
    m_store->submit_request(original, by("tok-fr", "FR"));
    const std::int64_t v1 = m_store->get_request("FR:v")->version();
    auto amended = original;
    amended.priority = 9;
    // The worker searched the original; the nation amended it meanwhile.
    m_store->amend_request(amended, v1, "priority", by("tok-fr", "FR"), {}, std::string("FR"));
    store::Transition verdict{"FR:v", {RequestStatus::submitted}, RequestStatus::infeasible, "no pass", std::nullopt, "FR",
                              original};
    EXPECT_EQ(m_store->apply_transitions({verdict}, by("system", "")), 0u);
    EXPECT_EQ(m_store->get_request("FR:v")->status, RequestStatus::submitted);
    verdict.expected_request = amended; // the verdict for what is stored now applies
    EXPECT_EQ(m_store->apply_transitions({verdict}, by("system", "")), 1u);
    EXPECT_EQ(m_store->get_request("FR:v")->status, RequestStatus::infeasible);
    // A stale version is refused, naming If-Match.
    expect_error([&] { m_store->amend_request(amended, v1, "priority", by("tok-fr", "FR"), {}, std::string("FR")); },
                 ErrorCode::conflict, "If-Match");
}

TEST_F(StoreProperty, EveryTransitionIsAnEventAndAWebhookCursorOnlyMovesForward)
{
    // Events are the history rows: one per transition, in order, each nation seeing its own.
    m_store->submit_request(point_request("FR:a", "FR"), by("tok-fr", "FR"));
    m_store->submit_request(point_request("DE:b", "DE"), by("tok-de", "DE"));
    m_store->apply_transitions({{"FR:a", {RequestStatus::submitted}, RequestStatus::feasible, "ok", std::nullopt, "FR", std::nullopt}},
                               by("system", ""));
    const auto all = m_store->list_events(0, 100);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_LT(all[0].seq, all[1].seq);
    EXPECT_LT(all[1].seq, all[2].seq);
    EXPECT_EQ(all[2].status, RequestStatus::feasible);
    EXPECT_EQ(all[2].note, "ok");
    EXPECT_EQ(m_store->last_event_seq(), all[2].seq);
    const auto fr = m_store->list_events(0, 100, std::string("FR"));
    ASSERT_EQ(fr.size(), 2u);
    EXPECT_EQ(fr[0].request_id, "FR:a");
    EXPECT_EQ(fr[1].request_id, "FR:a");
    EXPECT_EQ(m_store->list_events(fr[0].seq, 100, std::string("FR")).size(), 1u);
    EXPECT_EQ(m_store->list_events(0, 100, std::string("DE")).size(), 1u);

    store::WebhookRecord w;
    w.id = "wh_1";
    w.tenant = "FR";
    w.url = "https://example.org/hook";
    w.secret = "whsec_c2VjcmV0";
    w.created = at("2025-10-02T10:00:00Z");
    w.created_by = "tok-fr";
    m_store->create_webhook(w, by("tok-fr", "FR"));
    expect_error([&] { m_store->create_webhook(w, by("tok-fr", "FR")); }, ErrorCode::duplicate, "id");
    EXPECT_FALSE(m_store->get_webhook("wh_1", std::string("DE"))); // another nation's: not found
    ASSERT_TRUE(m_store->get_webhook("wh_1", std::string("FR")));

    store::DeliveryRecord d{0, "wh_1", "FR", fr[0].seq, 1, at("2025-10-02T10:00:01Z"), 500, "the receiver answered 500", false, 3};
    m_store->record_delivery(d, at("2025-10-02T10:00:02Z"));
    auto got = *m_store->get_webhook("wh_1", std::string("FR"));
    EXPECT_EQ(got.cursor, 0);
    EXPECT_EQ(got.failures, 1);
    EXPECT_EQ(got.next_attempt, at("2025-10-02T10:00:02Z"));
    d.attempt = 2;
    d.status_code = 200;
    d.error.clear();
    d.delivered = true;
    m_store->record_delivery(d, std::nullopt);
    d.event_seq = fr[1].seq;
    m_store->record_delivery(d, std::nullopt);
    got = *m_store->get_webhook("wh_1", std::string("FR"));
    EXPECT_EQ(got.cursor, fr[1].seq);
    EXPECT_EQ(got.failures, 0);
    EXPECT_FALSE(got.next_attempt);
    d.event_seq = fr[0].seq; // a late acknowledgement of an older event never moves the cursor back
    m_store->record_delivery(d, std::nullopt);
    EXPECT_EQ(m_store->get_webhook("wh_1", std::string("FR"))->cursor, fr[1].seq);
    EXPECT_EQ(m_store->list_deliveries("wh_1", 0, 100, std::string("FR")).size(), 4u);
    EXPECT_TRUE(m_store->list_deliveries("wh_1", 0, 100, std::string("DE")).empty());

    expect_error([&] { m_store->disable_webhook("wh_1", by("tok-de", "DE"), {}, std::string("DE")); }, ErrorCode::not_found, "id");
    const auto off = m_store->disable_webhook("wh_1", by("tok-fr", "FR", "2025-10-03T00:00:00Z"), {}, std::string("FR"));
    EXPECT_EQ(off.value.disabled, at("2025-10-03T00:00:00Z"));
    EXPECT_TRUE(m_store->list_webhooks(std::nullopt, true).empty());
    EXPECT_EQ(m_store->list_webhooks(std::string("FR")).size(), 1u);
    reopen();
    EXPECT_EQ(m_store->get_webhook("wh_1")->cursor, fr[1].seq); // durable
}

TEST_F(StoreProperty, IdempotencyKeyReplaysTheFirstResponseAndRejectsAnotherCall)
{
    auto m = by("tok", "FR");
    m.idempotency = store::Idempotency{"tok", "key-1", "fp-A"};
    const store::Render<store::RequestRecord> render = [](const store::RequestRecord &r) {
        return store::StoredResponse{201, "{\"id\":\"" + r.request.id + "\"}"};
    };
    const auto first = m_store->submit_request(point_request("r1", "FR"), m, render);
    EXPECT_FALSE(first.replay);
    // The retry carries another id (e.g. server-assigned): the first response comes back, nothing is stored.
    const auto again = m_store->submit_request(point_request("r1-retry", "FR"), m, render);
    ASSERT_TRUE(again.replay);
    EXPECT_EQ(again.replay->status, 201);
    EXPECT_EQ(again.replay->body, "{\"id\":\"r1\"}");
    EXPECT_FALSE(m_store->get_request("r1-retry"));
    EXPECT_TRUE(m_store->find_idempotent(*m.idempotency));
    m.idempotency->fingerprint = "fp-B";
    expect_error([&] { m_store->submit_request(point_request("r2", "FR"), m, render); }, ErrorCode::conflict,
                 "Idempotency-Key");
    // Keys are per scope: another token may use the same key.
    m.idempotency = store::Idempotency{"other", "key-1", "fp-B"};
    EXPECT_FALSE(m_store->submit_request(point_request("r3", "FR"), m, render).replay);
}

TEST_F(StoreProperty, EveryMutationIsAudited)
{
    m_store->submit_request(point_request("r1", "FR"), by("tokA", "FR"));
    m_store->apply_transitions({{"r1", {RequestStatus::submitted}, RequestStatus::feasible, "", std::nullopt, "", std::nullopt}},
                               by("system", ""), "request.feasibility");
    m_store->save_plan(plan("p1"), {acquisition("a1", "r1", 0, "2025-10-03T10:00:00Z", "2025-10-03T10:00:10Z")}, {"r1"},
                       by("tokO", "FR"));
    m_store->record_outcome("a1", {AcquisitionState::planned}, AcquisitionState::failed, "", by("tokO", "FR"));
    m_store->save_elements({"x", "tle", {}, "[]", "[]"}, by("tokO", "FR"));
    m_store->create_token({"t1", "FR", store::Role::requester, "h", "", at("2025-10-01T00:00:00Z"), std::nullopt,
                           std::nullopt, "cli"},
                          by("cli", "FR"));
    m_store->revoke_token("t1", by("adm", "FR"));
    m_store->submit_request(point_request("r2", "FR"), by("tokA", "FR"));
    m_store->cancel_request("r2", by("tokA", "FR"));
    std::multiset<std::string> actions;
    for (const auto &a : m_store->list_audit(0, 1000)) {
        actions.insert(a.action);
        EXPECT_FALSE(a.actor.empty());
    }
    for (const char *a : {"request.submit", "request.feasibility", "plan.create", "request.status", "acquisition.outcome",
                          "elements.upload", "token.create", "token.revoke", "request.cancel"}) {
        EXPECT_GE(actions.count(a), 1u) << a;
    }
    EXPECT_EQ(actions.count("request.submit"), 2u);
    // Cursor over the audit log.
    const auto first = m_store->list_audit(0, 3);
    ASSERT_EQ(first.size(), 3u);
    const auto rest = m_store->list_audit(first.back().seq, 1000);
    EXPECT_EQ(first.size() + rest.size(), actions.size());
}

TEST_F(StoreProperty, CommittedDataSurvivesReopening)
{
    m_store->submit_request(point_request("r1", "FR"), by("t", "FR"));
    m_store->cancel_request("r1", by("t", "FR"));
    reopen();
    const auto r = m_store->get_request("r1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, RequestStatus::cancelled);
    EXPECT_EQ(r->history.size(), 2u);
}

TEST_F(StoreConcurrencyProperty, ParallelSubmissionsAreNeitherLostNorDuplicated)
{
    constexpr int threads = 8;
    constexpr int per_thread = 40;
    std::atomic<int> duplicates{0};
    m_store->submit_request(point_request("taken", "FR"), by("x", "FR"));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = fmt::format("r-{}-{}", t, i);
                m_store->submit_request(point_request(id, t % 2 ? "FR" : "DE"), by(fmt::format("t{}", t), "FR"));
                // Every thread also tries an id that is taken: refused, and nothing else in its batch is lost.
                if (i == per_thread / 2) {
                    try {
                        m_store->submit_request(point_request("taken", "DE"), by("x", "DE"));
                    } catch (const Error &e) {
                        if (e.code() == ErrorCode::duplicate) {
                            ++duplicates;
                        }
                    }
                }
            }
        });
    }
    for (auto &th : pool) {
        th.join();
    }
    store::RequestQuery q;
    q.limit = 10000;
    const auto all = m_store->list_requests(q);
    std::set<std::string> ids;
    std::set<std::int64_t> seqs;
    for (const auto &r : all) {
        ids.insert(r.request.id);
        seqs.insert(r.seq);
    }
    EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread + 1));
    EXPECT_EQ(ids.size(), all.size());
    EXPECT_EQ(seqs.size(), all.size());
    EXPECT_EQ(duplicates.load(), threads);
    EXPECT_EQ(m_store->get_request("taken")->request.tenant, "FR");
}

TEST_F(StoreConcurrencyProperty, OneIdempotencyKeyUsedInParallelCreatesOneRequest)
{
    constexpr int threads = 12;
    std::vector<std::thread> pool;
    std::atomic<int> created{0};
    std::atomic<int> replayed{0};
    const store::Render<store::RequestRecord> render = [](const store::RequestRecord &r) {
        return store::StoredResponse{201, r.request.id};
    };
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto m = by("tok", "FR");
            m.idempotency = store::Idempotency{"tok", "same-key", "fp"};
            const auto w = m_store->submit_request(point_request("r-" + std::to_string(t), "FR"), m, render);
            (w.replay ? replayed : created)++;
        });
    }
    for (auto &th : pool) {
        th.join();
    }
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(replayed.load(), threads - 1);
    store::RequestQuery q;
    EXPECT_EQ(m_store->list_requests(q).size(), 1u);
}
