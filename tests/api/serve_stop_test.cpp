// ServeStopProperty: `vantage serve` as a process stops within 2 s of SIGTERM while it holds idle, trickling
// and half-sent connections (issue 14, item 1: drain and exit), and answers requests until then.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "serve_process.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using vantage::api::testing::ServeProcess;

int connect_to(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

void send_text(int fd, const std::string &s)
{
    (void)send(fd, s.data(), s.size(), MSG_NOSIGNAL);
}

std::string read_all(int fd)
{
    std::string out;
    char buf[4096];
    for (;;) {
        const auto n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace

TEST(ServeStopProperty, SigtermStopsWithinTwoSecondsWithConnectionsOpen)
{
    const fs::path db = fs::current_path() / "serve_stop.db";
    fs::remove(db);
    ServeProcess server;
    ASSERT_NO_FATAL_FAILURE(server.start({"--db", db.string(), "--port", "0", "--no-web", "--header-timeout-s", "60"}));
    const int port = server.port();

    // Served before the signal.
    const int probe = connect_to(port);
    send_text(probe, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(read_all(probe).rfind("HTTP/1.1 200", 0), 0u);
    close(probe);
    // Idle, trickling and half-sent connections.
    std::vector<int> fds;
    for (int i = 0; i < 30; ++i) {
        const int fd = connect_to(port);
        ASSERT_GE(fd, 0);
        if (i % 3 == 1) {
            send_text(fd, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n");
        } else if (i % 3 == 2) {
            send_text(fd, "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{");
        }
        fds.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto t0 = Clock::now();
    ASSERT_TRUE(server.terminate(SIGTERM));
    const std::optional<int> status = server.wait_exit(std::chrono::seconds(10));
    const double stop_s = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_TRUE(status.has_value()) << "vantage serve did not exit within 10 s of SIGTERM"; // the destructor kills it
    EXPECT_LT(stop_s, 2.0) << "SIGTERM must stop the service within 2 s";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status;
    // Every held connection was closed by the server.
    for (const int fd : fds) {
        char b = 0;
        EXPECT_LE(recv(fd, &b, 1, 0), 0);
        close(fd);
    }
    std::printf("vantage serve stopped %.3f s after SIGTERM with %zu connections open\n", stop_s, fds.size());
    fs::remove(db);
}
