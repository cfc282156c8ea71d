// ServeCrashProperty: `vantage serve` killed with SIGKILL in the middle of a burst of submissions loses no
// acknowledged request and duplicates none. Eight clients submit with a unique Idempotency-Key each; after
// 200 acknowledgements the server is killed; after a restart on the same database every key is sent again:
// an acknowledged key must answer its first id, and the store must hold exactly one request per key.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <httplib.h>

#include <atomic>
#include <iostream>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "serve_process.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using vantage::api::testing::last_line_of;
using vantage::api::testing::ServeProcess;
using vantage::api::testing::vantage_cli;

/// `vantage serve` on `db`. No scenario: the fleet is empty, so no feasibility search competes with the burst (the
/// store is what is under test; a Debug + ASan build searched for minutes). The burst is one nation's: its rate
/// limit is off (the store is under test, not the limiter).
std::vector<std::string> serve_args(const std::string &db)
{
    return {"--db", db, "--port", "0", "--no-web", "--nation-rate", "0"};
}

/// A request whose window is tomorrow (UTC, by the system clock): the service refuses windows that have ended.
std::string make_request_body()
{
    const std::time_t now = std::time(nullptr) + 86400;
    std::tm day{};
    gmtime_r(&now, &day);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &day);
    return fmt::format(R"({{"target": {{"lat_deg": 43.6047, "lon_deg": 1.4442}}, "window_start_utc": "{0}T00:00:00Z",
                           "window_end_utc": "{0}T23:59:59Z"}})",
                       date);
}
const std::string request_body = make_request_body();

} // namespace

TEST(ServeCrashProperty, KillDuringABurstLosesNoAcknowledgedRequestAndDuplicatesNone)
{
    constexpr int clients = 8;
    constexpr std::size_t acks_before_kill = 200;
    const fs::path dir = fs::current_path() / "crash_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string db = (dir / "service.db").string();
    const std::string requester =
        last_line_of(fmt::format("{} admin create-token --db {} --tenant FR --role requester 2>/dev/null", vantage_cli, db));
    const std::string operator_token =
        last_line_of(fmt::format("{} admin create-token --db {} --tenant FR --role operator 2>/dev/null", vantage_cli, db));
    ASSERT_TRUE(std::regex_match(requester, std::regex("^[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}$"))) << requester;

    ServeProcess server;
    ASSERT_NO_FATAL_FAILURE(server.start(serve_args(db)));
    std::mutex mutex;
    std::map<std::string, std::string> acked; // key -> id of the 201
    std::set<std::string> tried;              // every key sent, answered or not
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < clients; ++t) {
        pool.emplace_back([&, t] {
            httplib::Client c("127.0.0.1", server.port());
            c.set_keep_alive(true);
            c.set_read_timeout(10);
            for (int i = 0; !stop; ++i) {
                const std::string key = fmt::format("burst-{}-{}", t, i);
                {
                    std::lock_guard lock(mutex);
                    tried.insert(key);
                }
                const auto r = c.Post("/api/v1/requests",
                                      {{"Authorization", "Bearer " + requester}, {"Idempotency-Key", key}}, request_body,
                                      "application/json");
                if (!r) {
                    break; // the server is gone
                }
                if (r->status == 201) {
                    std::lock_guard lock(mutex);
                    acked[key] = json::parse(r->body)["id"];
                }
            }
        });
    }
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        std::lock_guard lock(mutex);
        if (acked.size() >= acks_before_kill) {
            break;
        }
    }
    server.terminate(SIGKILL); // in the middle of the burst: clients have requests in flight
    const int killed_status = server.wait();
    EXPECT_TRUE(WIFSIGNALED(killed_status) && WTERMSIG(killed_status) == SIGKILL);
    stop = true;
    for (auto &th : pool) {
        th.join();
    }
    ASSERT_GE(acked.size(), acks_before_kill);
    ASSERT_GT(tried.size(), acked.size()) << "the kill must come while requests are in flight";
    std::cout << fmt::format("killed with {} requests acknowledged and {} sent without an answer\n", acked.size(),
                             tried.size() - acked.size());

    ASSERT_NO_FATAL_FAILURE(server.start(serve_args(db)));
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(30);
    // Every key again: acknowledged ones answer their first id (the store kept them), the others get one now.
    std::set<std::string> ids;
    for (const auto &key : tried) {
        const auto r = c.Post("/api/v1/requests", {{"Authorization", "Bearer " + requester}, {"Idempotency-Key", key}},
                              request_body, "application/json");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 201) << r->body;
        const std::string id = json::parse(r->body)["id"];
        if (const auto it = acked.find(key); it != acked.end()) {
            EXPECT_EQ(id, it->second) << key << " was acknowledged with another id";
            EXPECT_EQ(r->get_header_value("Idempotent-Replayed"), "true") << key;
        }
        EXPECT_TRUE(ids.insert(id).second) << "two keys answered the same id " << id;
    }
    // The store holds exactly one request per key.
    std::set<std::string> stored;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
        const auto r = c.Get("/api/v1/requests?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor),
                             {{"Authorization", "Bearer " + operator_token}});
        ASSERT_TRUE(r);
        const json b = json::parse(r->body);
        for (const auto &it : b["items"]) {
            EXPECT_TRUE(stored.insert(it["id"].get<std::string>()).second) << "stored twice";
        }
        if (b["next_cursor"].is_null()) {
            break;
        }
        cursor = b["next_cursor"];
    }
    EXPECT_EQ(stored, ids);
    EXPECT_EQ(stored.size(), tried.size());
    for (const auto &[key, id] : acked) {
        EXPECT_TRUE(stored.count(id)) << "acknowledged request " << id << " (" << key << ") lost";
    }
    server.terminate(SIGTERM);
    const int stop_status = server.wait();
    EXPECT_TRUE(WIFEXITED(stop_status) && WEXITSTATUS(stop_status) == 0) << "status " << stop_status;
    fs::remove_all(dir);
}
