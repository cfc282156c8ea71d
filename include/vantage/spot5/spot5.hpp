#pragma once
/// @file
/// The SPOT5 daily photograph selection problem (Bensana, Lemaître & Verfaillie 1999, Constraints
/// 4(3):293-299; Agnès et al. 1995) as plain values, plus the solution checker.
///
/// An instance is a set of candidate photographs. Each has an integer weight (the value collected when
/// it is taken) and a domain of instrument values: 1, 2, 3 (front, middle, rear camera, mono image) or 13
/// (front and rear together, stereo image). Not taking a photograph is the implicit value 0. Binary and
/// ternary constraints list *forbidden* value tuples; a constraint only applies when every photograph of
/// its scope is taken. Multi-orbit instances (ids > 1000) add one recording-capacity (knapsack) limit on
/// the summed consumption of the chosen values.
///
/// The capacity has two readings in the literature (../shared/data/README.md § 2.4):
/// - `units200` (default, the DCKP reading of Wei & Hao and of the astro-reason verifier): each
///   consumption counts round(c / 451) units (mono 1, stereo 4) against round(capacity / 451) = 200;
/// - `literal`: the raw consumptions (mono ≈ 451.15, stereo ≈ 1804.5) summed against the raw limit 90000.
/// 200 × 451.15 = 90230 > 90000, so a full `units200` selection can break the literal limit.
///
/// Text becomes an `Instance` only in `io` (`vantage/io/spot5.hpp`); solvers live in
/// `vantage/spot5/spot5_solver.hpp`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vantage::spot5 {

/// Instrument values (Bensana et al. 1999 § 2.2).
inline constexpr int camera_none = 0;   ///< photograph not taken
inline constexpr int camera_front = 1;  ///< mono, front instrument
inline constexpr int camera_middle = 2; ///< mono, middle instrument
inline constexpr int camera_rear = 3;   ///< mono, rear instrument
inline constexpr int camera_stereo = 13; ///< stereo: front and rear together

/// True for 1, 2, 3 and 13.
constexpr bool is_camera(int value) noexcept
{
    return value == camera_front || value == camera_middle || value == camera_rear || value == camera_stereo;
}

/// Consumption of one mono image in the raw recording units of the files (≈ 451.15; the DCKP
/// normalisation divides by 451 and rounds, so mono = 1, stereo ≈ 1804.5 → 4).
inline constexpr double mono_consumption_raw = 451.0;

/// One value of a photograph's domain.
struct Option {
    int camera = camera_middle; ///< 1, 2, 3 or 13
    double consumption = 0.0;   ///< raw recording units (file value; ≥ 0; 0 = directly down-linked)
};

/// One candidate photograph (a variable of the problem).
struct Photo {
    std::int64_t id = 0;              ///< the file's variable id (0..n-1 in all published files)
    std::int64_t weight = 0;          ///< objective term when taken (≥ 0)
    std::vector<Option> options;      ///< its domain, 1 to 4 distinct cameras, in file order
    std::vector<std::int64_t> extra;  ///< undocumented trailing integers of multi-orbit files (kept, unused)
};

/// A forbidden-tuple constraint over 2 or 3 photographs.
struct Constraint {
    std::vector<int> scope;                 ///< photo indices (into `Instance::photos`), distinct, size 2 or 3
    std::vector<std::vector<int>> forbidden; ///< forbidden camera tuples, each of size `scope.size()`
};

/// A SPOT5 instance as values. Photos are indexed 0..n-1 in file order.
struct Instance {
    std::string name;                    ///< e.g. "1504" (the file stem)
    std::vector<Photo> photos;
    std::vector<Constraint> constraints;
    std::optional<double> capacity;      ///< raw recording limit (90000 in every published file), if any
};

/// How the capacity limit is read (see the file comment).
enum class CapacityMode { units200, literal };

/// "units200" or "literal".
std::string_view to_string(CapacityMode mode) noexcept;
/// Parses "units200" / "literal"; std::nullopt otherwise.
std::optional<CapacityMode> capacity_mode_from_string(std::string_view text) noexcept;

/// Consumption of `option` under `mode`: round(c / 451) units, or the raw value.
double consumption(const Option &option, CapacityMode mode) noexcept;
/// The capacity limit under `mode` (round(capacity / 451) units, or the raw value); nullopt if none.
std::optional<double> capacity(const Instance &instance, CapacityMode mode) noexcept;

/// Consistency of an instance built in code (the io reader checks the same with file and line).
/// @throws DomainError(invalid_argument) naming the photo or constraint index for: a negative weight, an
///         empty or > 4 domain, a camera outside {1,2,3,13} or repeated, a negative or non-finite
///         consumption, a scope of size other than 2 or 3, an out-of-range or repeated scope index, a tuple
///         of the wrong size or with a camera outside {1,2,3,13}, a negative or non-finite capacity.
void validate(const Instance &instance);

/// A selection: `camera[i]` is the value given to photo i (0 = not taken).
struct Solution {
    std::vector<int> camera;
};

/// Total weight of the photos taken (cameras outside a domain are counted too; `check` flags them).
std::int64_t value(const Instance &instance, const Solution &solution);

/// Trivial upper bound: the weight of every photograph (no constraint considered).
std::int64_t trivial_upper_bound(const Instance &instance) noexcept;

/// What the checker found wrong.
enum class ViolationKind {
    wrong_size,      ///< the solution does not have one value per photograph
    not_in_domain,   ///< a photo takes a camera outside its domain
    forbidden_tuple, ///< all photos of a constraint are taken with a forbidden tuple
    capacity,        ///< the summed consumption exceeds the capacity under the mode
    value_mismatch,  ///< the claimed value differs from the recomputed one
};
std::string_view to_string(ViolationKind kind) noexcept;

struct Violation {
    ViolationKind kind = ViolationKind::wrong_size;
    int photo = -1;      ///< photo index, when one photo is at fault
    int constraint = -1; ///< constraint index, for forbidden_tuple
    std::string detail;  ///< one readable line
};

/// Result of `check`.
struct CheckReport {
    std::int64_t value = 0;          ///< recomputed total weight
    double consumption = 0.0;        ///< summed consumption under the mode
    std::optional<double> capacity;  ///< the limit under the mode
    std::vector<Violation> violations;
    bool ok() const noexcept { return violations.empty(); }
};

/// Capacity slack for the literal reading: the files print consumptions with float artefacts of
/// ~1e-11 (451.1500000000069), so 200 of them accumulate < 1e-8; 1e-6 raw units is far below any
/// real excess (the smallest non-zero consumption is ≈ 451).
inline constexpr double literal_capacity_tolerance = 1e-6;

/// Checks `solution` against every rule of the instance: one value per photo, each in its domain, no
/// forbidden tuple among fully taken scopes, the capacity under `mode`, and (if given) that the claimed
/// value equals the recomputed total weight. Independent of the solvers (it reads `Instance` only).
CheckReport check(const Instance &instance, const Solution &solution, CapacityMode mode,
                  std::optional<std::int64_t> claimed_value = std::nullopt);

} // namespace vantage::spot5
