// The HTTP server under attack, over real sockets on loopback (issue 14): HttpSlowClientsProperty (1,000 idle
// and trickling connections do not stop others; header deadlines close tricklers; the connection cap),
// HttpStrictnessProperty (RFC 9112 framing rules, NUL in headers, Authorization rules, media types, bodies
// refused before they are read, security headers on every answer) and HttpAuthThrottleProperty (wrong secrets
// get slower then 429 per address, while the owner at another address is answered at once).
#include "api_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "vantage/api/server.hpp"

using namespace vantage;
using namespace vantage::api;
using namespace vantage::api::testing;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// A loopback TCP connection, optionally from a chosen source address (any of 127.0.0.0/8 on Linux).
int connect_to(int port, const char *source = nullptr)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    if (source) {
        sockaddr_in src{};
        src.sin_family = AF_INET;
        inet_pton(AF_INET, source, &src.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr *>(&src), sizeof src) != 0) {
            close(fd);
            return -1;
        }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    timeval tv{10, 0}; // no read in these tests waits longer
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

bool send_all(int fd, const std::string &data)
{
    std::size_t sent = 0;
    while (sent < data.size()) {
        const auto n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

/// An HTTP answer as read off the socket.
struct Reply {
    int status = 0; ///< 0: no answer; -1: could not connect
    std::string head;
    std::string body;
    bool closed = false; ///< the server closed the connection after the answer
    double seconds = 0.0;
    std::string header(const std::string &name) const
    {
        std::smatch m;
        if (std::regex_search(head, m, std::regex("\r\n" + name + ": ([^\r]*)", std::regex::icase))) {
            return m[1].str();
        }
        return {};
    }
};

/// Reads one answer (Content-Length framing), then whether the server closes (within `close_wait_s`).
Reply read_reply(int fd, double close_wait_s = 3.0)
{
    Reply r;
    std::string buf;
    char chunk[8192];
    std::size_t head_end = std::string::npos;
    std::size_t need = std::string::npos;
    while (need == std::string::npos || buf.size() < need) {
        const auto n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            r.closed = n == 0;
            break;
        }
        buf.append(chunk, static_cast<std::size_t>(n));
        if (head_end == std::string::npos && (head_end = buf.find("\r\n\r\n")) != std::string::npos) {
            std::smatch m;
            const std::string head = buf.substr(0, head_end);
            const bool has_len = std::regex_search(head, m, std::regex("\r\ncontent-length: *(\\d+)", std::regex::icase));
            need = head_end + 4 + (has_len ? std::stoul(m[1].str()) : 0);
        }
    }
    if (head_end != std::string::npos) {
        r.head = buf.substr(0, head_end);
        r.body = buf.substr(head_end + 4);
        std::smatch m;
        if (std::regex_search(r.head, m, std::regex("^HTTP/1\\.[01] (\\d{3})"))) {
            r.status = std::stoi(m[1].str());
        }
    }
    if (!r.closed && r.status != 0) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(close_wait_s * 1000)) > 0) {
            r.closed = recv(fd, chunk, sizeof chunk, 0) == 0;
        }
    }
    return r;
}

/// One exchange on a new connection: sends `request` as is.
Reply round_trip(int port, const std::string &request, const char *source = nullptr, double close_wait_s = 3.0)
{
    const auto t0 = Clock::now();
    const int fd = connect_to(port, source);
    if (fd < 0) {
        Reply r;
        r.status = -1;
        return r;
    }
    send_all(fd, request);
    Reply r = read_reply(fd, close_wait_s);
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    close(fd);
    return r;
}

std::string get(const std::string &target, const std::string &extra_headers = "")
{
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers + "\r\n";
}

std::string post(const std::string &target, const std::string &body, const std::string &headers)
{
    return fmt::format("POST {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{}Content-Length: {}\r\n\r\n{}", target, headers,
                       body.size(), body);
}

class HttpSecurityTest : public ServiceFixture {
protected:
    void SetUp() override
    {
        ServiceFixture::SetUp();
        m_web = fs::current_path() / ("websec_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(m_web);
        fs::create_directories(m_web);
        std::ofstream(m_web / "index.html") << "<!doctype html><title>vantage</title>";
    }
    void TearDown() override
    {
        m_server.reset();
        fs::remove_all(m_web);
        ServiceFixture::TearDown();
    }
    void serve(ServerOptions o)
    {
        o.port = 0;
        o.web_dir = m_web.string();
        m_server = std::make_unique<HttpServer>(*m_service, o);
        m_server->start();
        m_port = m_server->port();
    }
    std::string auth(const std::string &token, const std::string &scheme = "Bearer") const
    {
        return "Authorization: " + scheme + " " + token + "\r\n";
    }
    fs::path m_web;
    std::unique_ptr<HttpServer> m_server;
    int m_port = 0;
};

using HttpSlowClientsProperty = HttpSecurityTest;
using HttpStrictnessProperty = HttpSecurityTest;
using HttpAuthThrottleProperty = HttpSecurityTest;

/// Every answer, whatever its kind, carries these.
void expect_security_headers(const Reply &r, const std::string &what)
{
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << what << "\n" << r.head;
    EXPECT_NE(r.header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos) << what << "\n" << r.head;
}

} // namespace

TEST_F(HttpSlowClientsProperty, AThousandIdleAndTricklingConnectionsDoNotStopOthers)
{
    // Each held connection takes a descriptor here and one in the server (same process).
    ASSERT_GE(raise_open_file_limit(), 2200) << "the hard open-file limit (ulimit -Hn) is too low for this test";
    ServerOptions o;
    o.header_timeout_s = 30.0; // they stay open for the whole test
    serve(o);
    constexpr int held = 1000;
    std::vector<int> idle;
    std::vector<int> trickling;
    for (int i = 0; i < held; ++i) {
        const int fd = connect_to(m_port);
        ASSERT_GE(fd, 0) << "connection " << i;
        if (i % 2 == 0) {
            idle.push_back(fd);
        } else {
            send_all(fd, "POST /api/v1/requests HTTP/1.1\r\nHost: localhost\r\n");
            trickling.push_back(fd);
        }
    }
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        for (int round = 0; round < 200 && !stop; ++round) { // one header line per connection every 0.2 s
            for (const int fd : trickling) {
                send_all(fd, fmt::format("X-Trickle-{}: x\r\n", round));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    const auto t0 = Clock::now();
    while (m_server->connections() < static_cast<std::size_t>(held) && Clock::now() - t0 < std::chrono::seconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(m_server->connections(), static_cast<std::size_t>(held)) << "the server holds every connection open";
    // Normal requests are answered at once, several times over.
    for (int i = 0; i < 5; ++i) {
        const Reply h = round_trip(m_port, get("/api/v1/health"));
        EXPECT_EQ(h.status, 200);
        EXPECT_LT(h.seconds, 1.0);
        const Reply s = round_trip(m_port, post("/api/v1/requests", ServiceFixture::toulouse(),
                                              auth(fr_requester) + "Content-Type: application/json\r\n"));
        EXPECT_EQ(s.status, 201) << s.body;
        EXPECT_LT(s.seconds, 1.0);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stop = true;
    trickle.join();
    for (const int fd : idle) {
        close(fd);
    }
    for (const int fd : trickling) {
        close(fd);
    }
}

TEST_F(HttpSlowClientsProperty, TricklingHeadersAndIdleConnectionsAreClosedAtTheirDeadline)
{
    ServerOptions o;
    o.header_timeout_s = 1.0;
    o.request_timeout_s = 2.0;
    serve(o);
    const int trickler = connect_to(m_port);
    const int idle = connect_to(m_port);
    ASSERT_TRUE(trickler >= 0 && idle >= 0);
    send_all(trickler, "GET /api/v1/health HTTP/1.1\r\n");
    const int slow = connect_to(m_port);
    send_all(slow, "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n" + auth(fr_requester) + "Content-Length: 1000\r\n\r\n{");
    const auto t0 = Clock::now();
    bool trickler_closed = false;
    char c = 0;
    for (int i = 0; i < 40 && !trickler_closed; ++i) { // a header line every 0.1 s, for up to 4 s
        if (!send_all(trickler, "X-A: b\r\n")) {
            trickler_closed = true;
            break;
        }
        pollfd p{trickler, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            trickler_closed = recv(trickler, &c, 1, 0) <= 0;
        }
    }
    const double trickle_s = std::chrono::duration<double>(Clock::now() - t0).count();
    EXPECT_TRUE(trickler_closed) << "a connection trickling headers must be closed at its header deadline";
    EXPECT_LT(trickle_s, 2.5);
    EXPECT_EQ(recv(idle, &c, 1, 0), 0) << "an idle connection is closed at the header deadline";
    EXPECT_EQ(recv(slow, &c, 1, 0), 0) << "a body that does not arrive is cut at the request deadline";
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 4.0);
    close(trickler);
    close(idle);
    close(slow);
    EXPECT_EQ(round_trip(m_port, get("/api/v1/health")).status, 200);
}

TEST_F(HttpSlowClientsProperty, ConnectionsOverTheCapAreClosedAndTheOthersServed)
{
    ServerOptions o;
    o.max_connections = 20;
    serve(o);
    std::vector<int> held;
    for (int i = 0; i < 20; ++i) {
        held.push_back(connect_to(m_port));
    }
    const auto t0 = Clock::now();
    while (m_server->connections() < 20 && Clock::now() - t0 < std::chrono::seconds(5)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(m_server->connections(), 20u);
    const Reply over = round_trip(m_port, get("/api/v1/health"));
    EXPECT_NE(over.status, 200) << "the 21st connection is closed unanswered";
    EXPECT_LE(m_server->connections(), 20u);
    close(held.back());
    held.pop_back();
    Reply again;
    for (int i = 0; i < 50 && again.status != 200; ++i) { // the freed slot is seen shortly
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        again = round_trip(m_port, get("/api/v1/health"));
    }
    EXPECT_EQ(again.status, 200);
    for (const int fd : held) {
        close(fd);
    }
}

TEST_F(HttpStrictnessProperty, FramingRulesOfRfc9112)
{
    serve({});
    const std::string json_h = auth(fr_requester) + "Content-Type: application/json\r\n";
    const std::string body = ServiceFixture::toulouse();
    // Content-Length with chunked, in both orders, and with another transfer coding: 400, and the connection closes.
    for (const std::string &framing :
         {fmt::format("Content-Length: {}\r\nTransfer-Encoding: chunked\r\n", body.size()),
          fmt::format("Transfer-Encoding: chunked\r\nContent-Length: {}\r\n", body.size()),
          fmt::format("Transfer-Encoding: gzip\r\nContent-Length: {}\r\n", body.size()),
          fmt::format("Content-Length: {}\r\nContent-Length: {}\r\n", body.size(), body.size() + 1),
          fmt::format("Content-Length: {}, {}\r\n", body.size(), body.size() + 1)}) {
        const Reply r = round_trip(m_port, "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n" + json_h + framing + "\r\n" + body);
        EXPECT_EQ(r.status, 400) << framing << r.body;
        EXPECT_TRUE(r.closed) << framing;
        EXPECT_NE(r.body.find("bad_request"), std::string::npos) << r.body;
        expect_security_headers(r, framing);
    }
    // Chunked alone is fine.
    const Reply chunked = round_trip(m_port, "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + json_h +
                                               fmt::format("Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n", body.size(), body));
    EXPECT_EQ(chunked.status, 201) << chunked.body;
    // NUL in a header value or name: 400.
    for (const std::string &h : {std::string("X-A: a\0b\r\n", 10), std::string("X-\0A: b\r\n", 9),
                                 "Authorization: Bearer " + fr_requester.substr(0, 5) + std::string(1, '\0') + "\r\n"}) {
        const Reply r = round_trip(m_port, "GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\n" + auth(fr_requester) + h + "\r\n");
        EXPECT_EQ(r.status, 400) << r.body;
        expect_security_headers(r, "NUL");
    }
    // Headers over the limit: 431.
    const Reply big = round_trip(m_port, get("/api/v1/health", "X-Big: " + std::string(20000, 'x') + "\r\n"));
    EXPECT_EQ(big.status, 431);
    expect_security_headers(big, "431");
    // Garbage request lines: 400, JSON.
    const Reply garbage = round_trip(m_port, "GARBAGE\r\n\r\n");
    EXPECT_EQ(garbage.status, 400);
    EXPECT_NE(garbage.body.find("\"code\""), std::string::npos);
    EXPECT_EQ(round_trip(m_port, get("/api/v1/health")).status, 200);
}

TEST_F(HttpStrictnessProperty, BodiesOverTheLimitAreRefusedBeforeTheyAreRead)
{
    serve({});
    // 100 MiB announced, not a byte sent: the answer comes at once, from the headers alone.
    for (const std::string target : {"/api/v1/requests", "/api/v1/feasibility", "/api/v1/elements", "/api/v1/plan"}) {
        const Reply r = round_trip(m_port, "POST " + target + " HTTP/1.1\r\nHost: x\r\n" + auth(fr_operator) +
                                             "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n");
        EXPECT_EQ(r.status, 413) << target << r.body;
        EXPECT_LT(r.seconds, 2.0) << target;
        EXPECT_TRUE(r.closed) << target;
        EXPECT_NE(r.body.find("payload_too_large"), std::string::npos) << r.body;
        expect_security_headers(r, "413");
    }
    // Just over the 1 MiB request limit: refused too; the same body under the elements limit is read (and judged).
    const std::string over(static_cast<std::size_t>(m_service->options().max_request_body_bytes) + 1, ' ');
    EXPECT_EQ(round_trip(m_port, post("/api/v1/requests", over, auth(fr_requester) + "Content-Type: application/json\r\n")).status, 413);
    EXPECT_EQ(round_trip(m_port, post("/api/v1/elements", over, auth(fr_operator) + "Content-Type: text/plain\r\n")).status, 400);
    // Chunked, no Content-Length: cut when the chunks pass the limit.
    const std::string chunk(64 * 1024, ' ');
    std::string chunks;
    for (int i = 0; i < 20; ++i) {
        chunks += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
    }
    const Reply c = round_trip(m_port, "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n" + auth(fr_requester) +
                                         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
    EXPECT_EQ(c.status, 413) << c.body;
    // Expect: 100-continue gets its interim answer, then the final one.
    const int fd = connect_to(m_port);
    const std::string body = ServiceFixture::toulouse();
    send_all(fd, fmt::format("POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}Content-Type: application/json\r\n"
                             "Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
                             auth(fr_requester), body.size()));
    const Reply cont = read_reply(fd, 0.1);
    EXPECT_EQ(cont.status, 100);
    send_all(fd, body);
    EXPECT_EQ(read_reply(fd).status, 201);
    close(fd);
}

TEST_F(HttpStrictnessProperty, AuthorizationSchemeAndDuplicates)
{
    serve({});
    for (const std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
        const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(fr_requester, scheme)));
        EXPECT_EQ(r.status, 200) << scheme << ' ' << r.body;
        EXPECT_NE(r.body.find("\"FR\""), std::string::npos);
    }
    EXPECT_EQ(round_trip(m_port, get("/api/v1/whoami", "Authorization: Bearer  " + fr_requester + "\r\n")).status, 200);
    EXPECT_EQ(round_trip(m_port, get("/api/v1/whoami", "Authorization: Basic " + fr_requester + "\r\n")).status, 401);
    EXPECT_EQ(round_trip(m_port, get("/api/v1/whoami", "Authorization: Bearer" + fr_requester + "\r\n")).status, 401);
    // Two Authorization headers (even both valid, or one of them empty): 400, never "the first" or "the last".
    for (const std::string &second : {auth(fr_requester), auth(de_requester), std::string("Authorization: \r\n")}) {
        const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(fr_requester) + second));
        EXPECT_EQ(r.status, 400) << second << r.body;
        EXPECT_NE(r.body.find("\"field\":\"Authorization\""), std::string::npos) << r.body;
    }
}

TEST_F(HttpStrictnessProperty, JsonMediaTypesAreParsed)
{
    serve({});
    const std::string body = ServiceFixture::toulouse();
    for (const std::string ct : {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                                 "Application/Json;charset=\"UTF-8\"", "application/json ; charset=UTF-8"}) {
        const Reply r = round_trip(m_port, post("/api/v1/requests", body, auth(fr_requester) + "Content-Type: " + ct + "\r\n"));
        EXPECT_EQ(r.status, 201) << ct << ' ' << r.body;
    }
    for (const std::string ct : {"application/jsonx", "application/json-patch+json", "text/json", "application/json; charset=latin1",
                                 "application/x-www-form-urlencoded", "text/plain", "application"}) {
        const Reply r = round_trip(m_port, post("/api/v1/requests", body, auth(fr_requester) + "Content-Type: " + ct + "\r\n"));
        EXPECT_EQ(r.status, 415) << ct << ' ' << r.body;
        EXPECT_NE(r.body.find("\"field\":\"Content-Type\""), std::string::npos) << r.body;
    }
}

TEST_F(HttpStrictnessProperty, SecurityHeadersOnEveryAnswer)
{
    serve({});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"200 API", get("/api/v1/health")},
        {"200 authenticated", get("/api/v1/whoami", auth(fr_requester))},
        {"401", get("/api/v1/whoami")},
        {"404 no route", get("/api/v1/nothing")},
        {"404 resource", get("/api/v1/requests/none", auth(fr_requester))},
        {"405", "DELETE /api/v1/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
        {"400 body", post("/api/v1/requests", "{", auth(fr_requester) + "Content-Type: application/json\r\n")},
        {"static", get("/index.html")},
        {"static 404", get("/missing.js")},
    };
    for (const auto &[what, req] : cases) {
        const Reply r = round_trip(m_port, req);
        EXPECT_GT(r.status, 0) << what;
        expect_security_headers(r, what);
    }
    // HEAD: the GET answer's headers, no body (the connection stays usable).
    const int fd = connect_to(m_port);
    send_all(fd, "HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string all;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
        all.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    EXPECT_EQ(all.rfind("HTTP/1.1 200", 0), 0u) << all;
    EXPECT_NE(all.find("Content-Length: 37\r\n"), std::string::npos) << all; // of index.html
    EXPECT_EQ(all.find("<title>"), std::string::npos) << "no body after HEAD";
    EXPECT_NE(all.find("\r\n\r\nHTTP/1.1 200"), std::string::npos) << "the next answer follows the headers at once";
    // Acquisition ids may hold an encoded '/': the route is found (404 for an absent id, not no_route).
    const Reply acq = round_trip(m_port, post("/api/v1/acquisitions/SAT%2F1%2Fx/outcome", "{\"outcome\":\"failed\"}",
                                            auth(fr_operator) + "Content-Type: application/json\r\n"));
    EXPECT_EQ(acq.body.find("no_route"), std::string::npos) << acq.body;
}

TEST_F(HttpAuthThrottleProperty, WrongSecretsGetSlowerThen429WhileTheOwnerElsewhereIsServedAtOnce)
{
    ServerOptions o;
    // Delays large enough to tell from a loaded (or sanitizer) build's own latency.
    o.auth_throttle.base_delay_s = 0.1;
    o.auth_throttle.max_delay_s = 0.4;
    o.auth_throttle.max_failures_per_address = 8;
    serve(o);
    const std::string id = fr_requester.substr(0, 16);
    const std::string wrong = id + "." + std::string(43, 'A');
    std::vector<double> times;
    for (int i = 0; i < 8; ++i) {
        const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(wrong)), "127.0.0.1");
        EXPECT_EQ(r.status, 401) << i << ' ' << r.body;
        times.push_back(r.seconds);
    }
    EXPECT_LT(times[0], 0.3) << "the first failure is not delayed";
    EXPECT_GE(times[1], 0.099) << "the second failure waits base";
    EXPECT_GE(times[3], 0.399) << "the fourth failure waits base * 2^2";
    EXPECT_GE(times[7], 0.399) << "capped at max_delay_s";
    EXPECT_LT(times[7], 1.0) << "capped at max_delay_s";
    // The per-address cap: 429 with Retry-After, without checking the secret (the right one is refused too
    // from this address).
    for (const std::string &t : {wrong, fr_requester}) {
        const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(t)), "127.0.0.1");
        EXPECT_EQ(r.status, 429) << r.body;
        EXPECT_GE(std::stoi("0" + r.header("Retry-After")), 1) << r.head;
        EXPECT_LT(r.seconds, 0.3) << "refused at once, not delayed";
        expect_security_headers(r, "429");
    }
    // The owner at another address: at once, every time.
    for (int i = 0; i < 3; ++i) {
        const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(fr_requester)), "127.0.0.2");
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_LT(r.seconds, 0.3) << "never delayed (the attacker's pair waits 0.4 s)";
    }
    // Another attacker address starts from zero; once it has failed, a burst in parallel from it is capped too
    // (attempts in flight count against the cap).
    EXPECT_EQ(round_trip(m_port, get("/api/v1/whoami", auth(wrong)), "127.0.0.3").status, 401);
    std::atomic<int> unauthorized{0};
    std::atomic<int> limited{0};
    std::vector<std::thread> burst;
    for (int i = 0; i < 40; ++i) {
        burst.emplace_back([&] {
            const Reply r = round_trip(m_port, get("/api/v1/whoami", auth(wrong)), "127.0.0.3");
            (r.status == 401 ? unauthorized : limited) += r.status == 401 || r.status == 429 ? 1 : 0;
        });
    }
    for (auto &t : burst) {
        t.join();
    }
    EXPECT_EQ(unauthorized + limited, 40);
    EXPECT_LE(unauthorized.load(), 7) << "at most the cap (8) of checks in all";
    EXPECT_GE(limited.load(), 33) << "the rest of a parallel burst is refused without checking";
    // Health (no token) is never throttled.
    EXPECT_EQ(round_trip(m_port, get("/api/v1/health"), "127.0.0.1").status, 200);
}

TEST(AuthThrottleProperty, DelaysGrowPerPairAndTheCapIsPerAddress)
{
    AuthThrottleOptions o;
    o.base_delay_s = 1.0;
    o.max_delay_s = 4.0;
    o.max_failures_per_address = 5;
    o.window_s = 60.0;
    AuthThrottle t(o);
    const auto t0 = AuthThrottle::Clock::now();
    EXPECT_EQ(t.before("id", "a", t0).delay.count(), 0);
    std::vector<long> delays;
    for (int i = 0; i < 4; ++i) {
        t.failure("id", "a", t0);
        const auto d = t.before("id", "a", t0);
        EXPECT_TRUE(d.reserved) << "an address that has failed: the attempt counts in flight";
        t.release("a");
        delays.push_back(static_cast<long>(d.delay.count()));
    }
    EXPECT_EQ(delays, (std::vector<long>{1000, 2000, 4000, 4000}));
    EXPECT_EQ(t.before("id", "b", t0).delay.count(), 0) << "another address is not slowed";
    EXPECT_EQ(t.before("other", "a", t0).delay.count(), 0) << "another token from that address is not slowed";
    t.failure("id", "a", t0);
    const auto d = t.before("other", "a", t0 + std::chrono::seconds(10));
    ASSERT_TRUE(d.retry_after_s) << "the fifth failure from address a reaches the cap";
    EXPECT_EQ(*d.retry_after_s, 50);
    EXPECT_FALSE(t.before("id", "a", t0 + std::chrono::seconds(61)).retry_after_s) << "the window slides";
    // In flight: with 4 failures and one attempt being checked, a fifth attempt reaches the cap of 5.
    auto t1 = t0 + std::chrono::seconds(1);
    AuthThrottle u(o);
    for (int i = 0; i < 4; ++i) {
        u.failure("x", "c", t1);
    }
    EXPECT_TRUE(u.before("y", "c", t1).reserved);
    EXPECT_TRUE(u.before("y", "c", t1).retry_after_s) << "4 failures + 1 in flight = the cap";
    u.release("c");
    EXPECT_FALSE(u.before("y", "c", t1).retry_after_s);
    t.success("id", "a");
    EXPECT_EQ(t.before("id", "a", t0 + std::chrono::seconds(61)).delay.count(), 0) << "a success forgets the pair";
    EXPECT_THROW(AuthThrottle(AuthThrottleOptions{true, 2.0, 1.0, 5, 60.0, 900.0, 10}), ConfigError);
}

TEST_F(HttpStrictnessProperty, GeneratedMalformedRequestsGetA4xxOrACloseNeverA5xxOrAHang)
{
    ServerOptions o;
    o.header_timeout_s = 2.0;
    o.request_timeout_s = 2.0;
    serve(o);
    const std::string body = ServiceFixture::toulouse();
    const std::string valid_head = "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n" + auth(fr_requester) + "Content-Type: application/json\r\n";
    // Hand-picked framing and header faults ...
    std::vector<std::string> cases = {
        valid_head + "Content-Length: -1\r\n\r\n" + body,
        valid_head + "Content-Length: +5\r\n\r\n" + body,
        valid_head + "Content-Length: 0x10\r\n\r\n" + body,
        valid_head + "Content-Length: 99999999999999999999999\r\n\r\n" + body,
        valid_head + "Content-Length: 5 5\r\n\r\n" + body,
        valid_head + "Content-Length:\r\n\r\n" + body,
        valid_head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        valid_head + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        valid_head + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        valid_head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        valid_head + "Transfer-Encoding: chunked\r\n\r\n-1\r\n{}\r\n0\r\n\r\n",
        valid_head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
        valid_head + " Content-Length: 2\r\n\r\n{}",          // obs-fold at the start
        valid_head + "X-A: b\r\n c\r\nContent-Length: 2\r\n\r\n{}", // obs-fold
        valid_head + "Content-Length : 2\r\n\r\n{}",          // space before the colon
        valid_head + "Content Length: 2\r\n\r\n{}",
        valid_head + ": empty-name\r\nContent-Length: 2\r\n\r\n{}",
        valid_head + "Content-Length: 2\n\n{}",               // bare LF
        "POST /api/v1/requests HTTP/1.1\nHost: x\n\n",
        "POST /api/v1/requests HTTP/9.9\r\nHost: x\r\n\r\n",
        "POST /api/v1/requests HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "POST  /api/v1/requests HTTP/1.1\r\nHost: x\r\n\r\n",
        "P\x01ST /api/v1/requests HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/health\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/he alth HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n",
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nExpect: 999-weird\r\n\r\n",
        "\r\n\r\n\r\n",
        std::string(20000, 'A') + " / HTTP/1.1\r\n\r\n",
        "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/health HTTP/1.1\r\n" + std::string(2000, ' ') + "\r\n\r\n",
    };
    // ... and generated ones: every control byte (and DEL, and bytes over 0x7f) placed in a header name, in a
    // header value, in the method, in the target and in the version of a valid request.
    for (int b = 0; b < 256; ++b) {
        const char ch = static_cast<char>(b);
        if (b == '\t' || (b >= 0x20 && b < 0x7f && b != ' ')) { // printable: also in a name, where most are not allowed
            cases.push_back(valid_head + "X" + std::string(1, ch) + "Y: z\r\nContent-Length: 2\r\n\r\n{}");
            continue;
        }
        cases.push_back(valid_head + "X-V: a" + std::string(1, ch) + "b\r\nContent-Length: 2\r\n\r\n{}");
        cases.push_back(valid_head + "X-" + std::string(1, ch) + ": b\r\nContent-Length: 2\r\n\r\n{}");
        cases.push_back("GE" + std::string(1, ch) + "T /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        cases.push_back("GET /api/v1/hea" + std::string(1, ch) + "lth HTTP/1.1\r\nHost: x\r\n\r\n");
        cases.push_back("GET /api/v1/health HTTP/1" + std::string(1, ch) + "1\r\nHost: x\r\n\r\n");
    }
    int answered_4xx = 0;
    int http_layer = 0; ///< 4xx from the HTTP layer itself (bad_request, headers_too_large), not the service
    int answered_2xx = 0;
    int answered_5xx = 0;
    int closed_unanswered = 0;
    int hangs = 0;
    int slowest_ms = 0;
    for (const auto &c : cases) {
        const auto t0 = Clock::now();
        const int fd = connect_to(m_port);
        ASSERT_GE(fd, 0) << "the server no longer accepts connections";
        timeval tv{4, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        send_all(fd, c);
        shutdown(fd, SHUT_WR); // nothing more comes
        const Reply r = read_reply(fd, 0.0);
        close(fd);
        slowest_ms = std::max(slowest_ms, static_cast<int>(std::chrono::duration<double, std::milli>(Clock::now() - t0).count()));
        if (r.status >= 500) {
            ++answered_5xx;
            ADD_FAILURE() << r.status << " for " << ::testing::PrintToString(c.substr(0, 120)) << ": " << r.body;
        } else if (r.status >= 400) {
            ++answered_4xx;
            http_layer += r.body.find("\"bad_request\"") != std::string::npos || r.status == 431 ? 1 : 0;
            EXPECT_NE(r.body.find("\"code\""), std::string::npos) << ::testing::PrintToString(c.substr(0, 120));
        } else if (r.status >= 200) {
            ++answered_2xx;
        } else if (r.closed || r.status == 0) {
            // No answer: the server closed (half-sent framing, or a peer that is not speaking HTTP).
            ++closed_unanswered;
        }
        if (std::chrono::duration<double>(Clock::now() - t0).count() > 3.5) {
            ++hangs;
            ADD_FAILURE() << "no answer or close within 3.5 s for " << ::testing::PrintToString(c.substr(0, 120));
        }
    }
    std::printf("malformed HTTP requests: %zu sent; 4xx %d (%d refused by the HTTP layer, the rest by the service: their "
                "body {} is not a request), 2xx %d (harmless), closed unanswered %d, 5xx %d, hangs %d; slowest %d ms\n",
                cases.size(), answered_4xx, http_layer, answered_2xx, closed_unanswered, answered_5xx, hangs, slowest_ms);
    EXPECT_GE(cases.size(), 500u);
    EXPECT_EQ(answered_5xx, 0);
    EXPECT_EQ(hangs, 0);
    EXPECT_GE(answered_4xx, 450) << "nearly all are answered with a JSON 4xx";
    EXPECT_EQ(round_trip(m_port, get("/api/v1/health")).status, 200) << "the server is still up";
    EXPECT_EQ(m_store->list_requests(store::RequestQuery{std::nullopt, std::nullopt, 0, 10000, false}).size(), 0u)
        << "nothing malformed was stored";
}
