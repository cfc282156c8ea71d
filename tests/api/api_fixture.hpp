#pragma once
// Shared by the api tests: a SQLite store per test, the example fleet (examples/access-demo.yaml: 11 real EO
// satellites of 2025-10-03 with their sensors, 5 ground stations, EOP), a settable clock and tokens per role.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "vantage/api/auth.hpp"
#include "vantage/api/service.hpp"
#include "vantage/io/scenario.hpp"
#include "vantage/store/store.hpp"

namespace vantage::api::testing {

using json = nlohmann::json;

inline const std::string source_dir = VANTAGE_SOURCE_DIR;

/// The example scenario as a fleet (read once).
inline const Fleet &example_fleet()
{
    static const Fleet fleet = [] {
        const io::Scenario sc = io::read_scenario_file(source_dir + "/examples/access-demo.yaml");
        Fleet f;
        f.satellites = sc.satellites;
        f.stations = sc.stations;
        f.sensors = sc.sensors;
        f.eop = sc.eop;
        f.search = sc.search;
        return f;
    }();
    return fleet;
}

/// A clock the test moves.
class TestClock {
public:
    explicit TestClock(const char *iso) : m_now(time::Instant::parse_iso8601(iso)) {}
    time::Instant now() const
    {
        std::lock_guard lock(m_mutex);
        return m_now;
    }
    void set(const time::Instant &t)
    {
        std::lock_guard lock(m_mutex);
        m_now = t;
    }
    void set(const char *iso) { set(time::Instant::parse_iso8601(iso)); }

private:
    mutable std::mutex m_mutex;
    time::Instant m_now;
};

/// A store, a service on the example fleet and one token per (nation, role) the tests use.
class ServiceFixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_db = std::filesystem::current_path() / (std::string("api_") + info->test_suite_name() + "_" + info->name() + ".db");
        remove_db();
        open_service();
        fr_requester = token("FR", store::Role::requester);
        de_requester = token("DE", store::Role::requester);
        fr_operator = token("FR", store::Role::operator_);
        admin = token("FR", store::Role::admin);
    }
    void TearDown() override
    {
        m_service.reset();
        m_store.reset();
        remove_db();
    }
    /// Opens the store at m_db and the service on it (SetUp; a test may reopen both after closing them).
    void open_service()
    {
        m_store = store::Store::open(m_db.string());
        ServiceOptions o;
        o.clock = [this] { return m_clock.now(); };
        o.background = false; // the tests run process_pending() / simulate_tick() themselves
        o.simulate = simulate();
        tune(o);
        m_service = std::make_unique<Service>(*m_store, fleet(), planner(), o);
    }
    virtual bool simulate() const { return false; }
    virtual Fleet fleet() const { return example_fleet(); }
    virtual std::unique_ptr<Planner> planner() const { return make_greedy_access_planner(); }
    virtual void tune(ServiceOptions &) const {}

    /// Creates a token; returns its text.
    std::string token(const std::string &tenant, store::Role role,
                      const std::optional<time::Instant> &expires = std::nullopt)
    {
        const auto t = generate_token(tenant, role, "test", m_clock.now(), expires, "test");
        m_store->create_token(t.record, store::Mutation{"test", tenant, m_clock.now(), std::nullopt});
        return t.token;
    }
    Principal who(const std::string &token) { return m_service->authenticate("Bearer " + token); }

    /// A point request over Toulouse for the day of the example element sets (seen several times that day).
    /// A "priority" in `extra` replaces the default 6 (a key given twice is refused).
    static std::string toulouse(const std::string &extra = "")
    {
        const std::string priority = extra.find("\"priority\"") == std::string::npos ? R"(, "priority": 6)" : "";
        return R"({"target": {"lat_deg": 43.6047, "lon_deg": 1.4442}, "window_start_utc": "2025-10-03T00:00:00Z",
                   "window_end_utc": "2025-10-04T00:00:00Z")"
               + priority + extra + "}";
    }
    std::string submit(const std::string &token, const std::string &body)
    {
        const Response r = m_service->submit_request(who(token), body, std::nullopt);
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body).at("id").get<std::string>();
    }
    std::string status_of(const std::string &token, const std::string &id)
    {
        return json::parse(m_service->get_request(who(token), id).body).at("status").get<std::string>();
    }
    /// Runs `f`, expecting an ApiError with `status` and `code` (and `field` when given).
    template <class F>
    static void expect_api_error(F &&f, int status, const std::string &code, const std::optional<std::string> &field = {})
    {
        try {
            f();
            ADD_FAILURE() << "no error; expected " << status << " " << code;
        } catch (const ApiError &e) {
            EXPECT_EQ(e.status(), status) << e.body();
            EXPECT_EQ(e.code(), code) << e.body();
            if (field) {
                EXPECT_EQ(e.field(), *field) << e.body();
            }
            const json body = json::parse(e.body());
            EXPECT_TRUE(body.contains("code") && body.contains("message") && body.contains("field")) << e.body();
        }
    }
    void remove_db()
    {
        for (const char *s : {"", "-wal", "-shm"}) {
            std::filesystem::remove(m_db.string() + s);
        }
    }

    TestClock m_clock{"2025-10-03T00:00:00Z"};
    std::filesystem::path m_db;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<Service> m_service;
    std::string fr_requester, de_requester, fr_operator, admin;
};

} // namespace vantage::api::testing
