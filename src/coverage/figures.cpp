// Per-point coverage figures from access windows (definitions in include/vantage/coverage/figures.hpp).

#include "vantage/coverage/figures.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::coverage {

std::vector<Span> merge_windows(std::span<const Span> windows, double duration_s)
{
    if (!(duration_s > 0.0) || !std::isfinite(duration_s)) {
        throw Error(ErrorCode::invalid_argument, "the analysis interval must be longer than 0 s",
                    ErrorContext{"", 0, "duration_s", fmt::format("{}", duration_s)});
    }
    std::vector<Span> w;
    w.reserve(windows.size());
    for (const auto &s : windows) {
        if (!std::isfinite(s.start_s) || !std::isfinite(s.end_s) || s.end_s < s.start_s) {
            throw Error(ErrorCode::invalid_argument, "a window must have finite bounds with end >= start",
                        ErrorContext{"", 0, "window", fmt::format("[{}, {}]", s.start_s, s.end_s)});
        }
        const Span c{std::max(s.start_s, 0.0), std::min(s.end_s, duration_s)};
        if (c.end_s >= c.start_s) {
            w.push_back(c);
        }
    }
    std::sort(w.begin(), w.end(), [](const Span &a, const Span &b) {
        return a.start_s != b.start_s ? a.start_s < b.start_s : a.end_s < b.end_s;
    });
    std::vector<Span> out;
    for (const auto &s : w) {
        if (!out.empty() && s.start_s <= out.back().end_s) { // overlap or touch: one access
            out.back().end_s = std::max(out.back().end_s, s.end_s);
        } else {
            out.push_back(s);
        }
    }
    return out;
}

PointFigures point_figures(std::span<const Span> windows, double duration_s)
{
    const std::vector<Span> u = merge_windows(windows, duration_s);
    PointFigures f;
    f.satellite_passes = static_cast<std::uint32_t>(windows.size());
    f.accesses = static_cast<std::uint32_t>(u.size());
    if (!u.empty()) {
        f.first_access_s = u.front().start_s;
    }
    // Gaps: the complement of the union in [0, T], positive lengths only.
    std::vector<double> gaps;
    gaps.reserve(u.size() + 1);
    double t = 0.0;
    for (const auto &s : u) {
        if (s.start_s > t) {
            gaps.push_back(s.start_s - t);
        }
        f.time_in_view_s += s.end_s - s.start_s;
        t = s.end_s;
    }
    if (duration_s > t) {
        gaps.push_back(duration_s - t);
    }
    f.gaps = static_cast<std::uint32_t>(gaps.size());
    if (!gaps.empty()) {
        double sum = 0.0;
        double sum_sq = 0.0;
        for (double g : gaps) {
            sum += g;
            sum_sq += g * g;
        }
        f.mean_gap_s = sum / static_cast<double>(gaps.size());
        // Every gap ends at an access start or at T, so the wait inside a gap of length g falls linearly from g to
        // 0: its integral is g^2/2 (the trailing gap's wait is cut at T: a lower bound).
        f.mean_response_s = sum_sq / (2.0 * duration_s);
        std::sort(gaps.begin(), gaps.end());
        f.max_gap_s = gaps.back();
        const std::size_t n = gaps.size();
        const std::size_t rank = (95 * n + 99) / 100; // ceil(0.95 n), in integers
        f.p95_gap_s = gaps[rank - 1];
    }
    return f;
}

} // namespace vantage::coverage
