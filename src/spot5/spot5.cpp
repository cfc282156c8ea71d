// SPOT5 instance values and the solution checker (include/vantage/spot5/spot5.hpp).
//
// The checker reads the Instance only: it shares no code with the solvers (spot5_model.cpp compiles the
// instance into conflict lists for them), so a solver bug cannot hide behind a checker bug.
#include "vantage/spot5/spot5.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::spot5 {

std::string_view to_string(CapacityMode mode) noexcept
{
    return mode == CapacityMode::units200 ? "units200" : "literal";
}

std::optional<CapacityMode> capacity_mode_from_string(std::string_view text) noexcept
{
    if (text == "units200") {
        return CapacityMode::units200;
    }
    if (text == "literal") {
        return CapacityMode::literal;
    }
    return std::nullopt;
}

double consumption(const Option &option, CapacityMode mode) noexcept
{
    // DCKP normalisation (Wei & Hao; astro-reason verifier): round(c / 451), so mono = 1, stereo = 4.
    return mode == CapacityMode::units200 ? std::round(option.consumption / mono_consumption_raw) : option.consumption;
}

std::optional<double> capacity(const Instance &instance, CapacityMode mode) noexcept
{
    if (!instance.capacity) {
        return std::nullopt;
    }
    // 90000 / 451 = 199.56 -> 200 units, the DCKP capacity.
    return mode == CapacityMode::units200 ? std::round(*instance.capacity / mono_consumption_raw) : *instance.capacity;
}

void validate(const Instance &instance)
{
    auto fail = [](const std::string &what) { throw DomainError(ErrorCode::invalid_argument, "SPOT5 instance: " + what); };
    const auto n = static_cast<int>(instance.photos.size());
    for (int i = 0; i < n; ++i) {
        const Photo &p = instance.photos[static_cast<std::size_t>(i)];
        if (p.weight < 0) {
            fail(fmt::format("photo {} has negative weight {}", i, p.weight));
        }
        if (p.options.empty() || p.options.size() > 4) {
            fail(fmt::format("photo {} has {} values (1 to 4 expected)", i, p.options.size()));
        }
        for (std::size_t k = 0; k < p.options.size(); ++k) {
            const Option &o = p.options[k];
            if (!is_camera(o.camera)) {
                fail(fmt::format("photo {} value {} is not 1, 2, 3 or 13", i, o.camera));
            }
            for (std::size_t q = 0; q < k; ++q) {
                if (p.options[q].camera == o.camera) {
                    fail(fmt::format("photo {} lists value {} twice", i, o.camera));
                }
            }
            if (!std::isfinite(o.consumption) || o.consumption < 0.0) {
                fail(fmt::format("photo {} value {} has consumption {}", i, o.camera, o.consumption));
            }
        }
    }
    for (std::size_t c = 0; c < instance.constraints.size(); ++c) {
        const Constraint &k = instance.constraints[c];
        if (k.scope.size() != 2 && k.scope.size() != 3) {
            fail(fmt::format("constraint {} has arity {} (2 or 3 expected)", c, k.scope.size()));
        }
        for (std::size_t a = 0; a < k.scope.size(); ++a) {
            if (k.scope[a] < 0 || k.scope[a] >= n) {
                fail(fmt::format("constraint {} names photo index {} (instance has {})", c, k.scope[a], n));
            }
            for (std::size_t b = 0; b < a; ++b) {
                if (k.scope[a] == k.scope[b]) {
                    fail(fmt::format("constraint {} names photo {} twice", c, k.scope[a]));
                }
            }
        }
        for (const auto &t : k.forbidden) {
            if (t.size() != k.scope.size()) {
                fail(fmt::format("constraint {} has a tuple of size {} for arity {}", c, t.size(), k.scope.size()));
            }
            for (const int v : t) {
                if (!is_camera(v)) {
                    fail(fmt::format("constraint {} forbids value {} (not 1, 2, 3 or 13)", c, v));
                }
            }
        }
    }
    if (instance.capacity && (!std::isfinite(*instance.capacity) || *instance.capacity < 0.0)) {
        fail(fmt::format("capacity {} is not a finite value >= 0", *instance.capacity));
    }
}

std::int64_t value(const Instance &instance, const Solution &solution)
{
    std::int64_t total = 0;
    const std::size_t n = std::min(instance.photos.size(), solution.camera.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (solution.camera[i] != camera_none) {
            total += instance.photos[i].weight;
        }
    }
    return total;
}

std::int64_t trivial_upper_bound(const Instance &instance) noexcept
{
    std::int64_t total = 0;
    for (const Photo &p : instance.photos) {
        total += p.weight;
    }
    return total;
}

std::string_view to_string(ViolationKind kind) noexcept
{
    switch (kind) {
    case ViolationKind::wrong_size:
        return "wrong_size";
    case ViolationKind::not_in_domain:
        return "not_in_domain";
    case ViolationKind::forbidden_tuple:
        return "forbidden_tuple";
    case ViolationKind::capacity:
        return "capacity";
    case ViolationKind::value_mismatch:
        return "value_mismatch";
    }
    return "unknown";
}

CheckReport check(const Instance &instance, const Solution &solution, CapacityMode mode,
                  std::optional<std::int64_t> claimed_value)
{
    CheckReport r;
    r.capacity = capacity(instance, mode);
    if (solution.camera.size() != instance.photos.size()) {
        r.violations.push_back({ViolationKind::wrong_size, -1, -1,
                                fmt::format("{} values for {} photographs", solution.camera.size(), instance.photos.size())});
        return r;
    }
    for (std::size_t i = 0; i < instance.photos.size(); ++i) {
        const int cam = solution.camera[i];
        if (cam == camera_none) {
            continue;
        }
        const Photo &p = instance.photos[i];
        const auto it = std::find_if(p.options.begin(), p.options.end(), [cam](const Option &o) { return o.camera == cam; });
        if (it == p.options.end()) {
            r.violations.push_back({ViolationKind::not_in_domain, static_cast<int>(i), -1,
                                    fmt::format("photo {} (id {}) takes value {}, not in its domain", i, p.id, cam)});
            continue;
        }
        r.value += p.weight;
        r.consumption += consumption(*it, mode);
    }
    for (std::size_t c = 0; c < instance.constraints.size(); ++c) {
        const Constraint &k = instance.constraints[c];
        bool active = true;
        for (const int i : k.scope) {
            active = active && solution.camera[static_cast<std::size_t>(i)] != camera_none;
        }
        if (!active) {
            continue;
        }
        for (const auto &t : k.forbidden) {
            bool match = true;
            for (std::size_t a = 0; a < k.scope.size() && match; ++a) {
                match = solution.camera[static_cast<std::size_t>(k.scope[a])] == t[a];
            }
            if (match) {
                std::string ids;
                for (std::size_t a = 0; a < k.scope.size(); ++a) {
                    const auto i = static_cast<std::size_t>(k.scope[a]);
                    ids += fmt::format("{}photo {}={}", a == 0 ? "" : ", ", instance.photos[i].id, solution.camera[i]);
                }
                r.violations.push_back({ViolationKind::forbidden_tuple, -1, static_cast<int>(c),
                                        fmt::format("constraint {} forbids ({})", c, ids)});
                break;
            }
        }
    }
    if (r.capacity) {
        const double tol = mode == CapacityMode::literal ? literal_capacity_tolerance : 0.0;
        if (r.consumption > *r.capacity + tol) {
            r.violations.push_back({ViolationKind::capacity, -1, -1,
                                    fmt::format("consumption {} exceeds the {} capacity {}", r.consumption,
                                                to_string(mode), *r.capacity)});
        }
    }
    if (claimed_value && *claimed_value != r.value) {
        r.violations.push_back({ViolationKind::value_mismatch, -1, -1,
                                fmt::format("claimed value {} but the photographs taken weigh {}", *claimed_value, r.value)});
    }
    return r;
}

} // namespace vantage::spot5
