#pragma once
// Shared by the api tests that run the `vantage` executable itself (crash, serve_cancel, serve_stop): a
// `vantage serve` child process on a port the kernel picks, and the last line of a command's stdout (how
// `vantage admin create-token` hands out a token). It links no Vantage library, so these tests exercise
// only the process, as an operator would.
// The target must define VANTAGE_CLI as the path of the `vantage` executable (tests/api/CMakeLists.txt).
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

extern char **environ;

namespace vantage::api::testing {

inline const std::string vantage_cli = VANTAGE_CLI;

/// Runs a shell command and returns the last line of its stdout, without the line end ("" if it printed nothing).
inline std::string last_line_of(const std::string &cmd)
{
    FILE *p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) {
        out = buf;
    }
    if (p) {
        pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return out;
}

/// One `vantage serve` child process. The destructor kills (SIGKILL) and reaps a child still running, so a
/// failed assertion never leaves a server behind holding the port and the database.
class ServeProcess {
public:
    ServeProcess() = default;
    ServeProcess(const ServeProcess &) = delete;
    ServeProcess &operator=(const ServeProcess &) = delete;
    ~ServeProcess()
    {
        if (running()) {
            terminate(SIGKILL);
            wait();
        }
    }

    /// Spawns `vantage serve <serve_args>` (add "--port", "0" so the kernel picks a free port) and reads the
    /// port from its first stdout line, "listening on http://HOST:PORT". Call with ASSERT_NO_FATAL_FAILURE.
    void start(const std::vector<std::string> &serve_args)
    {
        ASSERT_FALSE(running()) << "vantage serve " << m_pid << " is still running";
        int out[2];
        ASSERT_EQ(pipe(out), 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addclose(&fa, out[0]);
        std::vector<std::string> args = {vantage_cli, "serve"};
        args.insert(args.end(), serve_args.begin(), serve_args.end());
        std::vector<char *> argv;
        for (auto &a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        const int spawned = posix_spawn(&m_pid, vantage_cli.c_str(), &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (spawned != 0) {
            close(out[0]);
            m_pid = -1;
            FAIL() << "posix_spawn " << vantage_cli << ": error " << spawned;
        }
        // Only the first line is read: the server prints it once it accepts connections, so the port is usable
        // as soon as start() returns.
        std::string line;
        char ch = 0;
        while (read(out[0], &ch, 1) == 1 && ch != '\n') {
            line += ch;
        }
        close(out[0]);
        std::smatch m;
        ASSERT_TRUE(std::regex_search(line, m, std::regex(":(\\d+)$"))) << "server said: " << line;
        m_port = std::stoi(m[1].str());
    }

    pid_t pid() const { return m_pid; }
    int port() const { return m_port; }
    /// True from start() until the child has been reaped by wait_exit() or wait().
    bool running() const { return m_pid > 0; }

    /// Sends `signal_number` to the child; true if kill(2) succeeded.
    bool terminate(int signal_number) const { return running() && ::kill(m_pid, signal_number) == 0; }

    /// Waits at most `timeout` for the child to exit and returns its waitpid status, or nothing if it is still
    /// running (it stays running: terminate(SIGKILL) it, or leave that to the destructor).
    /// NOTE: polls every 5 ms, so a measured stop time is late by at most that.
    std::optional<int> wait_exit(std::chrono::steady_clock::duration timeout)
    {
        if (!running()) {
            ADD_FAILURE() << "wait_exit: no vantage serve is running";
            return std::nullopt;
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return status;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    /// Waits for the child to exit, however long it takes, and returns its waitpid status.
    int wait()
    {
        if (!running()) {
            ADD_FAILURE() << "wait: no vantage serve is running";
            return -1;
        }
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_pid = -1;
        return status;
    }

private:
    pid_t m_pid = -1;
    int m_port = 0;
};

} // namespace vantage::api::testing
