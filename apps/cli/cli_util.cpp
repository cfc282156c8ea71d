#include "cli_util.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace vantage::cli {

int run_guarded(const std::function<int()> &body)
{
    try {
        return body();
    } catch (const Error &e) {
        std::cerr << "error: " << e.what() << " [" << to_string(e.code()) << "]\n";
        return exit_error;
    } catch (const std::bad_alloc &) {
        std::cerr << "error: out of memory\n";
        return exit_error;
    }
}

std::vector<std::uint32_t> parse_id_list(const std::string &text, const std::string &option)
{
    std::vector<std::uint32_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        std::size_t used = 0;
        unsigned long v = 0;
        bool ok = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos;
        if (ok) {
            try {
                v = std::stoul(item, &used);
            } catch (const std::exception &) {
                ok = false;
            }
        }
        if (!ok || used != item.size() || v > 339999UL) {
            throw ConfigError(ErrorCode::invalid_number, "expected NORAD catalog numbers in [0, 339999] separated by commas",
                              ErrorContext{"", 0, option, item});
        }
        ids.push_back(static_cast<std::uint32_t>(v));
    }
    if (ids.empty()) {
        throw ConfigError(ErrorCode::missing_field, "empty list", ErrorContext{"", 0, option, text});
    }
    return ids;
}

time::Instant parse_time_option(const std::string &text, const std::string &option)
{
    try {
        return time::Instant::parse_iso8601(text);
    } catch (const Error &e) {
        throw ConfigError(e.code(), e.message(), ErrorContext{"", 0, option, text});
    }
}

time::Instant creation_time()
{
    double unix_s = 0.0;
    if (const char *sde = std::getenv("SOURCE_DATE_EPOCH"); sde != nullptr && *sde != '\0') {
        unix_s = std::strtod(sde, nullptr);
    } else {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        unix_s = std::chrono::duration<double>(now).count();
    }
    // Unix time counts UTC days of 86400 s; 2440587.5 is the JD of 1970-01-01T00:00:00Z.
    const double days = std::floor(unix_s / 86400.0);
    return time::Instant::from_utc_jd(2440587.5 + days, (unix_s - days * 86400.0) / 86400.0);
}

void print_diagnostics(std::ostream &err, const std::vector<Diagnostic> &diagnostics)
{
    for (const auto &d : diagnostics) {
        err << d.to_string() << " [" << to_string(d.code) << "]\n";
    }
}

} // namespace vantage::cli
