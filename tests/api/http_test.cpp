// The HTTP layer, over real sockets: OpenApiProperty (served routes == documented operations),
// HttpAdversarialProperty (forged tokens, oversized and malformed bodies, SQL-looking strings, garbage on the
// socket), HttpStaticFilesProperty (path traversal), HttpConcurrencyProperty (parallel submissions are neither
// lost nor duplicated), HttpTlsProperty (HTTPS with a certificate and key).
#include "api_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "vantage/api/server.hpp"

using namespace vantage;
using namespace vantage::api;
using namespace vantage::api::testing;
namespace fs = std::filesystem;

namespace {

/// One raw HTTP/1.1 exchange (nothing normalised on the way): returns status code and body.
std::pair<int, std::string> raw_http(int port, const std::string &request, bool half_close = false)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return {-1, ""};
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        const auto n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    if (half_close) {
        shutdown(fd, SHUT_WR); // nothing more comes: the server sees the end instead of waiting for the rest
    }
    std::string reply;
    char buf[4096];
    for (;;) {
        const auto n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        reply.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    std::smatch m;
    if (!std::regex_search(reply, m, std::regex("^HTTP/1\\.1 (\\d{3})"))) {
        return {0, reply};
    }
    const auto body_at = reply.find("\r\n\r\n");
    return {std::stoi(m[1].str()), body_at == std::string::npos ? std::string() : reply.substr(body_at + 4)};
}

std::pair<int, std::string> raw_get(int port, const std::string &target)
{
    return raw_http(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

class HttpTest : public ServiceFixture {
protected:
    void SetUp() override
    {
        ServiceFixture::SetUp();
        m_web = fs::current_path() / ("web_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(m_web);
        fs::create_directories(m_web / "site" / "cesium" / "empty");
        std::ofstream(m_web / "site" / "index.html") << "<!doctype html><title>vantage</title>";
        std::ofstream(m_web / "site" / "app.js") << "console.log('vantage');";
        std::ofstream(m_web / "site" / ".env") << "SECRET=hidden";
        std::ofstream(m_web / "secret.txt") << "outside the web folder";
        fs::create_symlink(m_web / "secret.txt", m_web / "site" / "link.txt");
        ServerOptions o;
        o.port = 0;
        o.web_dir = (m_web / "site").string();
        o.threads = 32;
        m_server = std::make_unique<HttpServer>(*m_service, o);
        m_server->start();
        m_port = m_server->port();
    }
    void TearDown() override
    {
        m_server.reset();
        fs::remove_all(m_web);
        ServiceFixture::TearDown();
    }
    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_port);
        c.set_read_timeout(30);
        return c;
    }
    static httplib::Headers bearer(const std::string &token)
    {
        return {{"Authorization", "Bearer " + token}};
    }
    fs::path m_web;
    std::unique_ptr<HttpServer> m_server;
    int m_port = 0;
};

using OpenApiProperty = HttpTest;
using HttpAdversarialProperty = HttpTest;
using HttpStaticFilesProperty = HttpTest;
using HttpConcurrencyProperty = HttpTest;

/// A JSON error body with the three keys every error has.
void expect_json_error(const httplib::Result &r, int status, const std::string &code)
{
    ASSERT_TRUE(r) << "no response";
    EXPECT_EQ(r->status, status) << r->body;
    const json b = json::parse(r->body, nullptr, false);
    ASSERT_FALSE(b.is_discarded()) << r->body;
    EXPECT_EQ(b.value("code", std::string()), code) << r->body;
    EXPECT_TRUE(b.contains("message") && b.contains("field")) << r->body;
}

} // namespace

TEST_F(OpenApiProperty, ServedRoutesAndTheDocumentListTheSameOperations)
{
    const json doc = json::parse(openapi_document());
    EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
    std::set<std::tuple<std::string, std::string, std::string>> documented;
    for (const auto &[path, ops] : doc["paths"].items()) {
        for (const auto &[method, op] : ops.items()) {
            std::string m = method;
            std::transform(m.begin(), m.end(), m.begin(), ::toupper);
            documented.insert({m, path, op["operationId"].get<std::string>()});
        }
    }
    std::set<std::tuple<std::string, std::string, std::string>> served;
    std::set<std::pair<std::string, std::string>> served_stapi;
    for (const auto &r : api_routes()) {
        if (r.path.rfind("/stapi", 0) == 0) {
            served_stapi.insert({r.method, r.path});
            continue;
        }
        served.insert({r.method, r.path, r.operation_id});
        // Authentication as documented: only health and the document itself are open.
        std::string lower = r.method;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        const json &op = doc["paths"][r.path][lower];
        EXPECT_EQ(op.contains("security") && op["security"].empty(), !r.authenticated) << r.path;
    }
    EXPECT_EQ(served, documented);
    EXPECT_GE(served.size(), 15u);

    // STAPI: every path and method of the vendored STAPI 0.1.0 OpenAPI document is served under /stapi.
    const YAML::Node stapi = YAML::LoadFile(std::string(VANTAGE_SHARED_DATA) + "/stac/stapi/openapi.yaml");
    std::size_t stapi_paths = 0;
    for (const auto &path : stapi["paths"]) {
        for (const auto &op : path.second) {
            std::string m = op.first.as<std::string>();
            std::transform(m.begin(), m.end(), m.begin(), ::toupper);
            EXPECT_EQ(served_stapi.count({m, "/stapi" + path.first.as<std::string>()}), 1u) << m << ' ' << path.first.as<std::string>();
            ++stapi_paths;
        }
    }
    EXPECT_EQ(stapi_paths, 12u);

    // The live server: it serves the document, answers every documented operation (no route-miss), and answers
    // any other method on those paths with 405.
    auto c = client();
    const auto live = c.Get("/api/v1/openapi.json");
    ASSERT_TRUE(live);
    EXPECT_EQ(json::parse(live->body), doc);
    for (const auto &[method, path, id] : documented) {
        const std::string concrete = std::regex_replace(path, std::regex("\\{[a-z_]+\\}"), "x");
        // The event stream would not end: asked with a malformed Last-Event-ID it answers a 400 at once.
        httplib::Headers h = bearer(admin);
        if (concrete == "/api/v1/events/stream") {
            h.emplace("Last-Event-ID", "not-an-event");
        }
        const auto r = method == "GET"     ? c.Get(concrete, h)
                       : method == "PATCH" ? c.Patch(concrete, h, "{}", "application/merge-patch+json")
                                           : c.Post(concrete, h, "{}", "application/json");
        ASSERT_TRUE(r) << method << ' ' << concrete;
        const json b = json::parse(r->body, nullptr, false);
        ASSERT_FALSE(b.is_discarded()) << concrete << ": " << r->body;
        if (b.is_object()) {
            EXPECT_NE(b.value("code", std::string()), "no_route") << method << ' ' << concrete;
            EXPECT_NE(b.value("code", std::string()), "method_not_allowed") << method << ' ' << concrete;
        }
        const auto del = c.Delete(concrete, bearer(admin));
        ASSERT_TRUE(del);
        EXPECT_EQ(del->status, 405) << concrete;
        EXPECT_TRUE(del->has_header("Allow")) << concrete;
        const auto put = c.Put(concrete, bearer(admin), "{}", "application/json");
        EXPECT_EQ(put->status, 405) << concrete;
    }
    expect_json_error(c.Get("/api/v1/nothing", bearer(admin)), 404, "no_route");
    expect_json_error(c.Post("/api/v1/nothing", bearer(admin), "{}", "application/json"), 404, "no_route");
    expect_json_error(c.Get("/api/v2/requests", bearer(admin)), 404, "no_route");
}

TEST_F(HttpAdversarialProperty, BadTokensAreRefusedWithJsonAndAChallenge)
{
    auto c = client();
    std::mt19937 rng(7);
    std::string random_secret(43, 'a');
    for (auto &ch : random_secret) {
        ch = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rng() % 64];
    }
    const std::string expired = token("FR", store::Role::admin, m_clock.now() + time::Duration::from_seconds(1));
    const std::string revoked = token("FR", store::Role::admin);
    m_store->revoke_token(revoked.substr(0, 16), store::Mutation{"t", "FR", m_clock.now(), std::nullopt});
    m_clock.set("2025-10-03T00:00:02Z");
    for (const std::string &t : {fr_requester.substr(0, 17) + random_secret, std::string("0123456789abcdef.") + random_secret,
                                 expired, revoked, std::string("' OR '1'='1"), std::string()}) {
        const auto r = c.Get("/api/v1/requests", bearer(t));
        expect_json_error(r, 401, "unauthorized");
        EXPECT_EQ(r->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u);
    }
    expect_json_error(c.Get("/api/v1/requests"), 401, "unauthorized");
    EXPECT_EQ(c.Get("/api/v1/health")->status, 200); // open
}

TEST_F(HttpAdversarialProperty, OversizedAndMalformedBodiesAreRefusedAndTheServerStaysUp)
{
    auto c = client();
    const auto h = bearer(fr_requester);
    // Over the per-operation limit (1 MiB for a request), and over the server's (16 MiB for uploads).
    expect_json_error(c.Post("/api/v1/requests", h, std::string(2 << 20, ' ') + ServiceFixture::toulouse(), "application/json"), 413,
                      "payload_too_large");
    expect_json_error(c.Post("/api/v1/elements", bearer(fr_operator), std::string((16 << 20) + 100, '1'), "text/plain"), 413,
                      "payload_too_large");
    std::string garbage(4096, '\0');
    std::mt19937 rng(1);
    for (auto &ch : garbage) {
        ch = static_cast<char>(rng() % 256);
    }
    const std::vector<std::string> bodies = {
        "{", "{\"target\":", "nul", "\"just a string\"", "{\"priority\": 1e999}", garbage, std::string(200000, '['),
        std::string(100000, '[') + std::string(100000, ']'), "{\"target\": {\"lat_deg\": \"43\", \"lon_deg\": 1}}",
        "\xEF\xBB\xBF{}", "{\"a\":1,\"a\":2}"};
    for (const auto &b : bodies) {
        const auto r = c.Post("/api/v1/requests", h, b, "application/json");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 400) << b.substr(0, 40) << " -> " << r->body.substr(0, 200);
        EXPECT_FALSE(json::parse(r->body, nullptr, false).is_discarded());
        const auto f = c.Post("/api/v1/feasibility", h, b, "application/json");
        ASSERT_TRUE(f);
        EXPECT_EQ(f->status, 400);
    }
    expect_json_error(c.Post("/api/v1/requests", h, ServiceFixture::toulouse(), "text/plain"), 415, "unsupported_media_type");
    expect_json_error(c.Post("/api/v1/plan", bearer(fr_operator), "{\"horizon_h\": -5}", "application/json"), 400, "out_of_range");
    expect_json_error(c.Post("/api/v1/plan", bearer(fr_operator), "{\"now_utc\": \"yesterday\"}", "application/json"), 400,
                      "invalid_time");
    for (const std::string &deep : {std::string(100000, '[') + std::string(100000, ']'), std::string(100000, '{')}) {
        const auto d = c.Post("/api/v1/elements", bearer(fr_operator), deep, "application/json");
        ASSERT_TRUE(d) << "no answer to a deeply nested upload";
        EXPECT_EQ(d->status, 400) << d->body.substr(0, 200);
        const auto p = c.Post("/api/v1/plan", bearer(fr_operator), deep, "application/json");
        ASSERT_TRUE(p) << "no answer to a deeply nested plan body";
        EXPECT_EQ(p->status, 400) << p->body.substr(0, 200);
    }
    const auto up = c.Post("/api/v1/elements", bearer(fr_operator), garbage, "text/plain");
    ASSERT_TRUE(up);
    EXPECT_EQ(up->status, 400) << up->body;
    EXPECT_FALSE(json::parse(up->body, nullptr, false).is_discarded());
    // Garbage on the socket itself, a header too long, a request line with no method.
    EXPECT_NE(raw_http(m_port, "GARBAGE\r\n\r\n", true).first, 200);
    EXPECT_NE(raw_http(m_port, "GET / HTTP/1.1\r\nX: " + std::string(100000, 'x') + "\r\n\r\n", true).first, 200);
    raw_http(m_port, std::string(5000, '\x01'), true);
    EXPECT_EQ(c.Get("/api/v1/health")->status, 200);
    EXPECT_EQ(json::parse(c.Get("/api/v1/requests", h)->body)["items"].size(), 0u); // nothing was stored
}

TEST_F(HttpAdversarialProperty, SqlLookingStringsAreJustData)
{
    auto c = client();
    const std::string id = json::parse(c.Post("/api/v1/requests", bearer(fr_requester), ServiceFixture::toulouse(), "application/json")->body)["id"];
    const std::string sql = "x' OR '1'='1'; DROP TABLE requests; --";
    std::string enc;
    for (unsigned char ch : sql) { // percent-encode everything but letters and digits
        enc += std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : fmt::format("%{:02X}", ch);
    }
    expect_json_error(c.Get("/api/v1/requests/" + enc, bearer(fr_requester)), 404, "not_found");
    expect_json_error(c.Get("/api/v1/requests/%FF%FE%00x", bearer(fr_requester)), 404, "not_found"); // not UTF-8
    expect_json_error(c.Post("/api/v1/requests/" + enc + "/cancel", bearer(fr_requester), "", "application/json"), 404, "not_found");
    expect_json_error(c.Post("/api/v1/acquisitions/" + enc + "/outcome", bearer(fr_operator), "{\"outcome\":\"failed\"}", "application/json"),
                      404, "not_found");
    EXPECT_EQ(json::parse(c.Get("/api/v1/requests?tenant=" + enc, bearer(fr_operator))->body)["items"].size(), 0u);
    expect_json_error(c.Get("/api/v1/requests?status=" + enc, bearer(fr_operator)), 400, "out_of_range");
    expect_json_error(c.Get("/api/v1/requests?cursor=" + enc, bearer(fr_operator)), 400, "syntax");
    // As an idempotency key, a token label and a note: stored verbatim.
    httplib::Headers with_key = bearer(fr_requester);
    with_key.emplace("Idempotency-Key", sql);
    const auto k1 = c.Post("/api/v1/requests", with_key, ServiceFixture::toulouse(), "application/json");
    const auto k2 = c.Post("/api/v1/requests", with_key, ServiceFixture::toulouse(), "application/json");
    EXPECT_EQ(k1->status, 201);
    EXPECT_EQ(k1->body, k2->body);
    EXPECT_EQ(k2->get_header_value("Idempotent-Replayed"), "true");
    const auto t = c.Post("/api/v1/tokens", bearer(admin), json{{"tenant", "FR"}, {"role", "requester"}, {"label", sql}}.dump(),
                          "application/json");
    EXPECT_EQ(json::parse(t->body)["label"], sql);
    // Everything is still there.
    EXPECT_EQ(json::parse(c.Get("/api/v1/requests", bearer(fr_requester))->body)["items"].size(), 2u);
    EXPECT_EQ(c.Get("/api/v1/requests/" + id, bearer(fr_requester))->status, 200);
}

// SAR mode keys over HTTP (issue 15): stored and returned as sent; a bad polarisation names its JSON path.
TEST_F(HttpAdversarialProperty, SarModeKeysRoundTripAndBadOnesNameTheirField)
{
    auto c = client();
    const auto bad = c.Post("/api/v1/requests", bearer(fr_requester),
                            ServiceFixture::toulouse(R"(, "sensor": "sar", "polarizations": ["VV", "XX"])"), "application/json");
    expect_json_error(bad, 400, "out_of_range");
    EXPECT_EQ(json::parse(bad->body)["field"], "polarizations[1]") << bad->body;
    const auto ok = c.Post("/api/v1/requests", bearer(fr_requester),
                           ServiceFixture::toulouse(R"(, "sensor": "sar", "instrument_mode": "IW", "polarizations": ["VV"])"),
                           "application/json");
    ASSERT_EQ(ok->status, 201) << ok->body;
    const std::string id = json::parse(ok->body)["id"];
    const json got = json::parse(c.Get("/api/v1/requests/" + id, bearer(fr_requester))->body);
    const json &req = got.contains("request") ? got["request"] : got;
    EXPECT_EQ(req["instrument_mode"], "IW") << got.dump();
    EXPECT_EQ(req["polarizations"], json::array({"VV"})) << got.dump();
}

// The issue's reproducer: a GeoJSON Point aoi (as STAPI and Capella/ICEYE clients send) was refused. A Point, and a
// Feature of a Point or Polygon, are request geometries; a LineString is refused naming `aoi.type`.
TEST_F(HttpAdversarialProperty, GeoJsonPointAndFeatureAoisAreAccepted)
{
    auto c = client();
    const std::string window = R"("window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z")";
    const auto point = c.Post("/api/v1/requests", bearer(fr_requester),
                              R"({"aoi": {"type": "Point", "coordinates": [1.4442, 43.6047]}, )" + window + "}", "application/json");
    ASSERT_EQ(point->status, 201) << point->body;
    const json got = json::parse(c.Get("/api/v1/requests/" + json::parse(point->body)["id"].get<std::string>(), bearer(fr_requester))->body);
    const json &req = got.contains("request") ? got["request"] : got;
    EXPECT_EQ(req["target"]["lon_deg"], 1.4442) << got.dump();
    EXPECT_EQ(req["target"]["lat_deg"], 43.6047) << got.dump();
    const auto feature = c.Post("/api/v1/requests", bearer(fr_requester),
                                R"({"aoi": {"type": "Feature", "properties": {"name": "Odesa"}, "geometry": {"type": "Polygon",
                                   "coordinates": [[[30.6, 46.3], [31.0, 46.3], [31.0, 46.6], [30.6, 46.3]]]}}, )" + window + "}",
                                "application/json");
    ASSERT_EQ(feature->status, 201) << feature->body;
    const auto line = c.Post("/api/v1/requests", bearer(fr_requester),
                             R"({"aoi": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, )" + window + "}", "application/json");
    expect_json_error(line, 400, "unsupported");
    EXPECT_EQ(json::parse(line->body)["field"], "aoi.type") << line->body;
}

TEST_F(HttpStaticFilesProperty, TheWebFolderIsServedAndNothingOutsideIt)
{
    auto index = raw_get(m_port, "/");
    EXPECT_EQ(index.first, 200);
    EXPECT_NE(index.second.find("<title>vantage"), std::string::npos);
    EXPECT_EQ(raw_get(m_port, "/index.html").first, 200);
    EXPECT_EQ(raw_get(m_port, "/app.js").first, 200);
    const auto r = client().Get("/app.js");
    EXPECT_EQ(r->get_header_value("Content-Type").rfind("text/javascript", 0), 0u);
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    for (const char *bad : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
                                   "/cesium/../../secret.txt", "/cesium/%2e%2e/%2e%2e/secret.txt", "/%252e%252e/secret.txt",
                                   "/....//secret.txt", "/..\\secret.txt", "/link.txt", "/.env", "/%2eenv", "/cesium/empty",
                                   "/index.html%00.js", "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd", "/nothing.js"}) {
        const auto got = raw_get(m_port, bad);
        EXPECT_TRUE(got.first == 404 || got.first == 400) << bad << " -> " << got.first;
        EXPECT_EQ(got.second.find("outside the web folder"), std::string::npos) << bad;
        EXPECT_EQ(got.second.find("SECRET"), std::string::npos) << bad;
        EXPECT_EQ(got.second.find("root:"), std::string::npos) << bad;
    }
    EXPECT_TRUE(resolve_static_path((m_web / "site").string(), "/../secret.txt").empty());
    EXPECT_TRUE(resolve_static_path((m_web / "site").string(), "/link.txt").empty());
    EXPECT_FALSE(resolve_static_path((m_web / "site").string(), "/app.js").empty());
}

TEST_F(HttpConcurrencyProperty, ParallelSubmissionsAreNeitherLostNorDuplicated)
{
    constexpr int threads = 16;
    constexpr int per_thread = 25;
    std::atomic<int> created{0};
    std::vector<std::thread> pool;
    std::mutex ids_mutex;
    std::vector<std::string> ids;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto c = client();
            c.set_keep_alive(true);
            for (int i = 0; i < per_thread; ++i) {
                // As a careful client does: one Idempotency-Key per submission, resent when the connection fails
                // (a keep-alive connection the server closed), so a retry can never make a second request.
                httplib::Headers h = bearer(fr_requester);
                h.emplace("Idempotency-Key", fmt::format("c{}-{}", t, i));
                auto r = c.Post("/api/v1/requests", h, ServiceFixture::toulouse(), "application/json");
                for (int attempt = 1; attempt < 5 && !r; ++attempt) {
                    r = c.Post("/api/v1/requests", h, ServiceFixture::toulouse(), "application/json");
                }
                if (r && r->status == 201) {
                    ++created;
                    std::lock_guard lock(ids_mutex);
                    ids.push_back(json::parse(r->body)["id"]);
                }
            }
        });
    }
    for (auto &th : pool) {
        th.join();
    }
    EXPECT_EQ(created.load(), threads * per_thread);
    std::set<std::string> listed;
    auto c = client();
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
        const json b = json::parse(c.Get("/api/v1/requests?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), bearer(fr_operator))->body);
        for (const auto &it : b["items"]) {
            EXPECT_TRUE(listed.insert(it["id"].get<std::string>()).second) << "listed twice";
        }
        if (b["next_cursor"].is_null()) {
            break;
        }
        cursor = b["next_cursor"];
    }
    EXPECT_EQ(listed, std::set<std::string>(ids.begin(), ids.end()));
    EXPECT_EQ(listed.size(), static_cast<std::size_t>(threads * per_thread));

    // One Idempotency-Key sent by many clients at once: one request, one answer.
    std::vector<std::string> answers(threads);
    pool.clear();
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto cc = client();
            httplib::Headers hh = bearer(fr_requester);
            hh.emplace("Idempotency-Key", "same-for-all");
            const auto r = cc.Post("/api/v1/requests", hh, ServiceFixture::toulouse(), "application/json");
            answers[static_cast<std::size_t>(t)] = r ? r->body : "no answer";
        });
    }
    for (auto &th : pool) {
        th.join();
    }
    EXPECT_EQ(std::set<std::string>(answers.begin(), answers.end()).size(), 1u) << answers[0];
    EXPECT_EQ(m_store->list_requests(store::RequestQuery{std::nullopt, std::nullopt, 0, 10000, false}).size(),
              static_cast<std::size_t>(threads * per_thread + 1));
}

class HttpTlsProperty : public ServiceFixture {};

TEST_F(HttpTlsProperty, ServesHttpsWithACertificateAndKey)
{
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
        GTEST_FAIL() << "the openssl command (Debian package openssl) is needed to make a test certificate";
    }
    const fs::path dir = fs::current_path() / "tls_test";
    fs::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string();
    const std::string key = (dir / "key.pem").string();
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                            " -days 1 -subj /CN=localhost >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    ServerOptions o;
    o.port = 0;
    o.tls_cert = cert;
    o.tls_key = key;
    HttpServer server(*m_service, o);
    EXPECT_TRUE(server.tls());
    server.start();
    httplib::SSLClient c("127.0.0.1", server.port());
    c.enable_server_certificate_verification(false);
    const auto r = c.Get("/api/v1/health");
    ASSERT_TRUE(r) << "no TLS answer";
    EXPECT_EQ(r->status, 200);
    const auto w = c.Get("/api/v1/whoami", {{"Authorization", "Bearer " + fr_requester}});
    EXPECT_EQ(json::parse(w->body)["tenant"], "FR");
    // Plain HTTP on the TLS port gets no API answer.
    httplib::Client plain("127.0.0.1", server.port());
    plain.set_read_timeout(2);
    const auto p = plain.Get("/api/v1/health");
    EXPECT_TRUE(!p || p->status != 200);
    server.stop();
    // A missing key or a file that is not a certificate is a clear configuration error.
    o.tls_key.clear();
    EXPECT_THROW(HttpServer(*m_service, o), ConfigError);
    o.tls_key = cert; // a certificate is not a key
    EXPECT_THROW(HttpServer(*m_service, o), ConfigError);
    fs::remove_all(dir);
}
