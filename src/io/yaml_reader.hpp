#pragma once
// YAML reading helpers shared by the io readers of scenario files (private header): every error names
// the source file, the 1-based line and the key path the way a user writes it.

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "vantage/core/error.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::io::detail {

namespace fs = std::filesystem;

// NOTE: every error names the key path the way a user would write it (`satellites[2].sensor`,
// `sensors.s1-iw.look_side`) and the line yaml-cpp's Mark gives for the offending node (1-based).
class Reader {
public:
    Reader(std::string source, fs::path base) : m_source(std::move(source)), m_base(std::move(base)) {}

    static int line_of(const YAML::Node &n)
    {
        if (!n.IsDefined()) {
            return 0;
        }
        const YAML::Mark m = n.Mark();
        return m.is_null() || m.line < 0 ? 0 : m.line + 1;
    }

    [[noreturn]] void fail(ErrorCode code, const std::string &message, int line, const std::string &path,
                           const std::string &value = {}) const
    {
        throw ConfigError(code, message, ErrorContext{m_source, line, path, value.substr(0, 120)});
    }
    [[noreturn]] void fail(ErrorCode code, const std::string &message, const YAML::Node &at, const std::string &path) const
    {
        fail(code, message, line_of(at), path, at.IsScalar() ? at.Scalar() : std::string());
    }

    /// The node must be a mapping whose keys are all in `allowed` (each at most once).
    void check_map(const YAML::Node &n, const std::string &path, std::initializer_list<std::string_view> allowed) const
    {
        if (!n.IsMap()) {
            fail(ErrorCode::syntax, "expected a mapping (key: value)", n, path);
        }
        std::set<std::string> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node key = it->first;
            const std::string k = key.IsScalar() ? key.Scalar() : std::string();
            const std::string kpath = path.empty() ? k : path + "." + k;
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
                std::string list;
                for (auto a : allowed) {
                    list += (list.empty() ? "" : ", ") + std::string(a);
                }
                fail(ErrorCode::unknown_key, fmt::format("unknown key (allowed: {})", list), line_of(key), kpath, k);
            }
            if (!seen.insert(k).second) {
                fail(ErrorCode::duplicate, "key given twice", line_of(key), kpath, k);
            }
        }
    }

    /// A required child; missing -> missing_field at the parent's line.
    YAML::Node need(const YAML::Node &parent, const char *key, const std::string &path) const
    {
        YAML::Node n = parent[key];
        if (!n.IsDefined() || n.IsNull()) {
            fail(ErrorCode::missing_field, fmt::format("required key '{}' is missing", key), line_of(parent), join(path, key));
        }
        return n;
    }

    static std::string join(const std::string &path, const std::string &key) { return path.empty() ? key : path + "." + key; }

    std::string text(const YAML::Node &n, const std::string &path) const
    {
        if (!n.IsScalar()) {
            fail(ErrorCode::syntax, "expected a single value", n, path);
        }
        if (n.Scalar().empty()) {
            fail(ErrorCode::missing_field, "empty value", n, path);
        }
        return n.Scalar();
    }

    double number(const YAML::Node &n, const std::string &path) const
    {
        const std::string s = text(n, path);
        char *end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) {
            fail(ErrorCode::invalid_number, "not a number", n, path);
        }
        return v;
    }

    double number_in(const YAML::Node &n, const std::string &path, double lo, double hi, bool lo_open = false,
                     bool hi_open = false) const
    {
        const double v = number(n, path);
        const bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
        if (!ok) {
            fail(ErrorCode::out_of_range, fmt::format("must be in {}{}, {}{}", lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']'),
                 n, path);
        }
        return v;
    }

    std::uint32_t norad_id(const YAML::Node &n, const std::string &path) const
    {
        const double v = number(n, path);
        if (v != std::floor(v) || v < 0.0 || v > 339999.0) {
            fail(ErrorCode::out_of_range, "must be a NORAD catalog number in [0, 339999]", n, path);
        }
        return static_cast<std::uint32_t>(v);
    }

    time::Instant instant(const YAML::Node &n, const std::string &path) const
    {
        const std::string s = text(n, path);
        try {
            return time::Instant::parse_iso8601(s);
        } catch (const Error &e) {
            fail(ErrorCode::invalid_time, e.message(), n, path);
        }
    }

    template <class E>
    E choice(const YAML::Node &n, const std::string &path, std::initializer_list<std::pair<std::string_view, E>> options) const
    {
        const std::string s = text(n, path);
        std::string list;
        for (const auto &[name, value] : options) {
            if (s == name) {
                return value;
            }
            list += (list.empty() ? "" : ", ") + std::string(name);
        }
        fail(ErrorCode::out_of_range, fmt::format("must be one of: {}", list), n, path);
    }

    /// A file path value, resolved against the scenario's directory; it must exist.
    fs::path file(const YAML::Node &n, const std::string &path) const
    {
        const fs::path p(text(n, path));
        const fs::path full = p.is_absolute() ? p : m_base / p;
        std::error_code ec;
        if (!fs::is_regular_file(full, ec)) {
            fail(ErrorCode::file_not_found, fmt::format("cannot open '{}'", full.string()), n, path);
        }
        return full;
    }

    const std::string &source() const { return m_source; }

private:
    std::string m_source;
    fs::path m_base;
};

inline std::string indexed(const std::string &path, std::size_t i)
{
    return fmt::format("{}[{}]", path, i);
}

/// Parses YAML text. @throws ParseError(syntax) with the line yaml-cpp reports.
YAML::Node load_yaml(std::string_view text, const std::string &source_name);

} // namespace vantage::io::detail
