#pragma once
// A progress bar on stderr for long runs: drawn only when stderr is a terminal, and only once the run has taken
// more than 2 s (short runs and redirected output stay clean).
#include <chrono>
#include <cstdio>
#include <string>
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

} // namespace vantage::cli
