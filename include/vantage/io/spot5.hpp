#pragma once
/// @file
/// Reader of SPOT5 `.spot` instances (Bensana, Lemaître & Verfaillie 1999; format in docs/formats.md
/// § SPOT5) and of the solution certificates of Wei, Hao, Ren & Glover (EJOR 2023, `*.spot_sol.txt`),
/// plus a writer of the same certificate format.
///
/// The instance is one record: the first problem stops the read with a `ParseError` whose context names
/// the file, the 1-based line and the field (`variable count`, `variable id`, `weight`, `domain size`,
/// `value K`, `consumption K`, `extra fields`, `constraint count`, `arity`, `scope K`, `forbidden tuples`,
/// `tuple K`, `capacity`), with the offending text as value.

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "vantage/spot5/spot5.hpp"

namespace vantage::io {

/// Reads a `.spot` file; the instance is named after the file stem ("1504" for 1504.spot).
/// @throws ParseError(file_not_found / file_read) when the file cannot be read, otherwise as `parse_spot5`.
spot5::Instance read_spot5_file(const std::filesystem::path &path);

/// Parses `.spot` text. `source_name` goes into every error.
/// @throws ParseError with code
///   - syntax: empty text, a count line with more than one number, a variable line shorter than its domain
///     size says or with more than 2 extra fields, a forbidden-tuple list whose length is not a multiple of
///     the arity, the file ending before the declared counts, content after them, a capacity line that is
///     not the last of the constraint count;
///   - invalid_number: a field that is not an integer (ids, weight, domain size, values, arity, scope,
///     tuples, extra fields) or not a number (consumption, capacity);
///   - out_of_range: a negative count, id or weight, a domain size outside [1, 4], a value outside
///     {1, 2, 3, 13}, a negative consumption or capacity, an arity other than 2 or 3;
///   - duplicate: a variable id declared twice, a value listed twice in a domain, a variable named twice in
///     one scope;
///   - mismatch: a scope naming an undeclared variable, a tuple value outside that variable's domain.
spot5::Instance parse_spot5(std::string_view text, const std::string &source_name,
                                        const std::string &instance_name);

/// A solution certificate: the header claims (as printed; the published headers sometimes understate the
/// profit by 2-4 and overstate the weight) and one value per photograph.
struct Spot5Certificate {
    spot5::Solution solution;
    std::int64_t claimed_profit = 0;  ///< "profit = P"
    double claimed_weight = 0.0;      ///< "weight = W": capacity units used (0 on single-orbit files)
};

/// Reads a certificate written for `instance`:
/// `profit = P, weight = W` / `number of candidate photographs = N` / `number of selected photographs = S` /
/// then N lines with one value each (0 = not taken).
/// @throws ParseError(file_not_found / file_read), syntax (a header line of the wrong shape, fewer or more
///         than N values), invalid_number, mismatch (N differs from the instance's photograph count, S
///         from the number of non-zero values).
Spot5Certificate read_spot5_certificate(const std::filesystem::path &path, const spot5::Instance &instance);
/// As `read_spot5_certificate` on text in memory.
Spot5Certificate parse_spot5_certificate(std::string_view text, const std::string &source_name,
                                         const spot5::Instance &instance);

/// Writes `solution` in the certificate format (profit = its value, weight = its consumption under `mode`).
void write_spot5_certificate(std::ostream &out, const spot5::Instance &instance,
                             const spot5::Solution &solution, spot5::CapacityMode mode);

} // namespace vantage::io
