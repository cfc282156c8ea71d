#pragma once
/// @file
/// 64-bit FNV-1a (Fowler, Noll, Vo; the 64-bit offset basis and prime of the published parameters): the one home of
/// the hash that keys the planner's opportunity cache (scheduling) and checks its file (io). Not cryptographic.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vantage::core {

inline constexpr std::uint64_t fnv1a_offset_basis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv1a_prime = 0x100000001b3ULL;

/// Folds `n` bytes into an FNV-1a state `h` (start from fnv1a_offset_basis).
constexpr std::uint64_t fnv1a_update(std::uint64_t h, const unsigned char *bytes, std::size_t n) noexcept
{
    for (std::size_t i = 0; i < n; ++i) {
        h = (h ^ bytes[i]) * fnv1a_prime;
    }
    return h;
}

/// FNV-1a of a byte string.
inline std::uint64_t fnv1a(std::string_view bytes) noexcept
{
    return fnv1a_update(fnv1a_offset_basis, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
}

} // namespace vantage::core
