#pragma once
// Small text helpers shared by the io parsers (private header).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vantage::io::detail {

inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view s)
{
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

inline bool is_blank(std::string_view s)
{
    return trim(s).empty();
}

/// The lines of `text` split at '\n', a trailing '\r' removed; element i is line i + 1.
std::vector<std::string_view> split_lines(std::string_view text);

/// Reads a whole file. @throws ParseError(file_not_found) if it cannot be opened, (file_read) on error.
std::string read_text_file(const std::filesystem::path &path);

} // namespace vantage::io::detail
