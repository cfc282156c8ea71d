#include "vantage/core/error.hpp"

#include <fmt/format.h>

namespace vantage {

std::string_view to_string(ErrorCode code) noexcept
{
    switch (code) {
    case ErrorCode::file_not_found: return "file_not_found";
    case ErrorCode::file_read: return "file_read";
    case ErrorCode::syntax: return "syntax";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::invalid_number: return "invalid_number";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::checksum: return "checksum";
    case ErrorCode::mismatch: return "mismatch";
    case ErrorCode::duplicate: return "duplicate";
    case ErrorCode::unknown_key: return "unknown_key";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::invalid_time: return "invalid_time";
    case ErrorCode::data_out_of_range: return "data_out_of_range";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::sgp4_mean_eccentricity: return "sgp4_mean_eccentricity";
    case ErrorCode::sgp4_mean_motion: return "sgp4_mean_motion";
    case ErrorCode::sgp4_perturbed_eccentricity: return "sgp4_perturbed_eccentricity";
    case ErrorCode::sgp4_semi_latus_rectum: return "sgp4_semi_latus_rectum";
    case ErrorCode::sgp4_suborbital: return "sgp4_suborbital";
    case ErrorCode::sgp4_decayed: return "sgp4_decayed";
    case ErrorCode::internal: return "internal";
    case ErrorCode::storage: return "storage";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::cancelled: return "cancelled";
    }
    return "unknown";
}

namespace {
std::string shorten(const std::string &value)
{
    constexpr std::size_t max_len = 80;
    if (value.size() <= max_len) {
        return value;
    }
    return value.substr(0, max_len) + "...";
}
} // namespace

std::string format_error(const std::string &message, const ErrorContext &context)
{
    std::string out;
    if (!context.source.empty()) {
        out += context.source;
        if (context.line > 0) {
            out += fmt::format(":{}", context.line);
        }
        out += ": ";
    } else if (context.line > 0) {
        out += fmt::format("line {}: ", context.line);
    }
    if (!context.field.empty()) {
        out += fmt::format("field '{}': ", context.field);
    }
    if (!context.value.empty()) {
        out += fmt::format("'{}': ", shorten(context.value));
    }
    out += message;
    return out;
}

Error::Error(ErrorCode code, std::string message, ErrorContext context)
    : std::runtime_error(format_error(message, context)), m_code(code), m_message(std::move(message)),
      m_context(std::move(context))
{
}

std::string Diagnostic::to_string() const
{
    return fmt::format("{}: {}", severity == Severity::error ? "error" : "warning", format_error(message, context));
}

} // namespace vantage
