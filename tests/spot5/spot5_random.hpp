#pragma once
// Random small SPOT5 instances built in code, and their optimum by exhaustive enumeration with the
// checker as the only oracle (it shares no code with the solvers).
#include <cstdint>
#include <random>
#include <vector>

#include "vantage/spot5/spot5.hpp"

namespace vantage::test_util {

namespace sp = spot5;

/// n photos (n <= 9), ~2n binary and ~n ternary constraints, an optional binding capacity.
inline sp::Instance random_spot5(std::uint32_t seed, int n, bool with_capacity)
{
    std::mt19937 rng(seed);
    auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    sp::Instance inst;
    inst.name = "random-" + std::to_string(seed);
    for (int i = 0; i < n; ++i) {
        sp::Photo p;
        p.id = i;
        const int cls = uni(0, 9);
        p.weight = cls < 6 ? uni(1, 5) : (cls < 9 ? 1000 : 2000);
        if (uni(0, 3) == 0) {
            p.options.push_back({sp::camera_stereo, 1804.5});
        } else {
            for (const int cam : {1, 2, 3}) {
                if (uni(0, 2) != 0 || (cam == 3 && p.options.empty())) {
                    p.options.push_back({cam, uni(0, 5) == 0 ? 0.0 : 451.15});
                }
            }
        }
        inst.photos.push_back(p);
    }
    auto random_value = [&](int photo) {
        const auto &o = inst.photos[static_cast<std::size_t>(photo)].options;
        return o[static_cast<std::size_t>(uni(0, static_cast<int>(o.size()) - 1))].camera;
    };
    for (int k = 0; k < 2 * n; ++k) {
        const int a = uni(0, n - 1);
        int b = uni(0, n - 1);
        if (a == b) {
            continue;
        }
        sp::Constraint c;
        c.scope = {a, b};
        for (int t = uni(1, 3); t > 0; --t) {
            c.forbidden.push_back({random_value(a), random_value(b)});
        }
        inst.constraints.push_back(c);
    }
    for (int k = 0; k < n; ++k) {
        const int a = uni(0, n - 1);
        const int b = uni(0, n - 1);
        const int d = uni(0, n - 1);
        if (a == b || a == d || b == d) {
            continue;
        }
        sp::Constraint c;
        c.scope = {a, b, d};
        for (int t = uni(1, 2); t > 0; --t) {
            c.forbidden.push_back({random_value(a), random_value(b), random_value(d)});
        }
        inst.constraints.push_back(c);
    }
    if (with_capacity) {
        inst.capacity = 451.0 * uni(2, n); // 2..n mono units
    }
    return inst;
}

/// The optimum by enumeration of every assignment, each judged by `check`.
inline std::int64_t brute_force_optimum(const sp::Instance &inst, sp::CapacityMode mode)
{
    const std::size_t n = inst.photos.size();
    sp::Solution s;
    s.camera.assign(n, sp::camera_none);
    std::vector<std::size_t> digit(n, 0); // 0 = not taken, k = option k-1
    std::int64_t best = 0;
    while (true) {
        for (std::size_t i = 0; i < n; ++i) {
            s.camera[i] = digit[i] == 0 ? sp::camera_none : inst.photos[i].options[digit[i] - 1].camera;
        }
        const auto rep = sp::check(inst, s, mode);
        if (rep.ok() && rep.value > best) {
            best = rep.value;
        }
        std::size_t i = 0;
        while (i < n && ++digit[i] > inst.photos[i].options.size()) {
            digit[i++] = 0;
        }
        if (i == n) {
            break;
        }
    }
    return best;
}

} // namespace vantage::test_util
