#include "text_util.hpp"

#include <fstream>
#include <sstream>

#include "vantage/core/error.hpp"

namespace vantage::io::detail {

std::vector<std::string_view> split_lines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view l = text.substr(pos, nl - pos);
        if (!l.empty() && l.back() == '\r') {
            l.remove_suffix(1);
        }
        lines.push_back(l);
        pos = nl + 1;
    }
    return lines;
}

std::string read_text_file(const std::filesystem::path &path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ParseError(ErrorCode::file_not_found, "is a directory, not a file", ErrorContext{path.string(), 0, {}, {}});
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ParseError(ErrorCode::file_not_found, "cannot open file", ErrorContext{path.string(), 0, {}, {}});
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        throw ParseError(ErrorCode::file_read, "I/O error while reading", ErrorContext{path.string(), 0, {}, {}});
    }
    return std::move(ss).str();
}

} // namespace vantage::io::detail
