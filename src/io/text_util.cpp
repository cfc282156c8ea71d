#include "text_util.hpp"

#include <fstream>
#include <sstream>

#include "vantage/core/error.hpp"

namespace vantage::io::detail {

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
