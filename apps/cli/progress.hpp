#pragma once
// A progress bar on stderr for long runs: drawn only when stderr is a terminal, and only once the run has taken
// more than 2 s (short runs and redirected output stay clean).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <unistd.h>

namespace vantage::cli {

class ProgressBar {
public:
    explicit ProgressBar(std::string label, bool wanted = true)
        : m_label(std::move(label)), m_enabled(wanted && isatty(STDERR_FILENO) != 0),
          m_start(std::chrono::steady_clock::now())
    {
    }
    ProgressBar(const ProgressBar &) = delete;
    ProgressBar &operator=(const ProgressBar &) = delete;
    ~ProgressBar() { finish(); }

    /// Called with the work done so far; cheap when nothing is drawn.
    void update(std::size_t done, std::size_t total)
    {
        if (!m_enabled || total == 0) {
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        const double elapsed_s = std::chrono::duration<double>(now - m_start).count();
        if (elapsed_s < 2.0 || (m_drawn && std::chrono::duration<double>(now - m_last).count() < 0.2 && done < total)) {
            return;
        }
        m_last = now;
        m_drawn = true;
        const double frac = static_cast<double>(done) / static_cast<double>(total);
        constexpr int width = 30;
        const int filled = static_cast<int>(frac * width);
        const double eta_s = frac > 0.0 ? elapsed_s * (1.0 - frac) / frac : 0.0;
        std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%%  %zu/%zu  %.0f s left ", m_label.c_str(), filled,
                     "##############################", width - filled, "", 100.0 * frac, done, total, eta_s);
        std::fflush(stderr);
    }

    /// Ends the line if anything was drawn.
    void finish()
    {
        if (m_drawn) {
            std::fputc('\n', stderr);
            m_drawn = false;
        }
    }

private:
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
};

/// For work that reports no progress (the planner's search): a thread redraws "label 12 s detail" on stderr every
/// half second, only when stderr is a terminal and only once the run has taken more than 2 s; the line is erased
/// (\r, blanks, \r) when the work ends, so the summary that follows starts on a clean line. No terminal: no thread.
class ElapsedTicker {
public:
    explicit ElapsedTicker(std::string label, std::string detail = {}, bool wanted = true)
        : m_label(std::move(label)), m_detail(std::move(detail))
    {
        if (wanted && isatty(STDERR_FILENO) != 0) {
            m_thread = std::thread([this] { loop(); });
        }
    }
    ElapsedTicker(const ElapsedTicker &) = delete;
    ElapsedTicker &operator=(const ElapsedTicker &) = delete;
    ~ElapsedTicker() { stop(); }

    /// Stops the thread and erases the line (idempotent).
    void stop()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

private:
    void loop()
    {
        const auto start = std::chrono::steady_clock::now();
        std::size_t width = 0;
        std::unique_lock<std::mutex> lock(m_mutex);
        while (!m_cv.wait_for(lock, std::chrono::milliseconds(500), [this] { return m_done; })) {
            const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (elapsed_s < 2.0) {
                continue;
            }
            const std::string line = m_label + " " + std::to_string(static_cast<long>(elapsed_s)) + " s" + m_detail;
            width = std::max(width, line.size());
            std::fprintf(stderr, "\r%s", line.c_str());
            std::fflush(stderr);
        }
        if (width > 0) {
            std::fprintf(stderr, "\r%*s\r", static_cast<int>(width), "");
            std::fflush(stderr);
        }
    }

    std::string m_label;
    std::string m_detail;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::thread m_thread;
};

} // namespace vantage::cli
