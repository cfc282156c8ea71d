// SPOT5 .spot reader and solution-certificate reader/writer (include/vantage/io/spot5.hpp).
#include "vantage/io/spot5.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "text_util.hpp"
#include "vantage/core/error.hpp"

namespace vantage::io {

namespace sp = spot5;

namespace {

std::vector<std::string_view> tokens(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && detail::is_space(line[i])) {
            ++i;
        }
        const std::size_t b = i;
        while (i < line.size() && !detail::is_space(line[i])) {
            ++i;
        }
        if (i > b) {
            out.push_back(line.substr(b, i - b));
        }
    }
    return out;
}

// Non-blank lines with their 1-based numbers.
class Lines {
public:
    Lines(std::string_view text, std::string source) : m_source(std::move(source))
    {
        int n = 0;
        for (const std::string_view l : detail::split_lines(text)) {
            ++n;
            if (!detail::is_blank(l)) {
                m_lines.emplace_back(n, l);
            }
        }
        m_last = n;
    }
    bool done() const { return m_pos >= m_lines.size(); }
    /// The next non-blank line; at the end, throws syntax naming `what` at the line after the last.
    std::pair<int, std::string_view> next(const std::string &what, const std::string &field)
    {
        if (done()) {
            throw ParseError(ErrorCode::syntax, fmt::format("the file ends before {}", what),
                             ErrorContext{m_source, m_last + 1, field, ""});
        }
        return m_lines[m_pos++];
    }
    const std::pair<int, std::string_view> &peek() const { return m_lines[m_pos]; }
    const std::string &source() const { return m_source; }

private:
    std::string m_source;
    std::vector<std::pair<int, std::string_view>> m_lines;
    std::size_t m_pos = 0;
    int m_last = 0;
};

[[noreturn]] void fail(ErrorCode code, const std::string &message, const std::string &source, int line,
                       const std::string &field, std::string_view value)
{
    throw ParseError(code, message, ErrorContext{source, line, field, std::string(value.substr(0, 80))});
}

std::int64_t integer(std::string_view tok, const std::string &source, int line, const std::string &field)
{
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc{} || p != tok.data() + tok.size()) {
        fail(ErrorCode::invalid_number, "not an integer", source, line, field, tok);
    }
    return v;
}

double number(std::string_view tok, const std::string &source, int line, const std::string &field)
{
    double v = 0.0;
    const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc{} || p != tok.data() + tok.size() || !std::isfinite(v)) {
        fail(ErrorCode::invalid_number, "not a number", source, line, field, tok);
    }
    return v;
}

// A count line: exactly one non-negative integer.
std::int64_t count_line(Lines &lines, const std::string &field)
{
    const auto [ln, text] = lines.next(fmt::format("the {}", field), field);
    const auto t = tokens(text);
    if (t.size() != 1) {
        fail(ErrorCode::syntax, fmt::format("expected one number, the {}; found {} fields", field, t.size()),
             lines.source(), ln, field, text);
    }
    const std::int64_t n = integer(t[0], lines.source(), ln, field);
    if (n < 0 || n > 10'000'000) {
        fail(ErrorCode::out_of_range, "must be in [0, 1e7]", lines.source(), ln, field, t[0]);
    }
    return n;
}

} // namespace

sp::Instance read_spot5_file(const std::filesystem::path &path)
{
    return parse_spot5(detail::read_text_file(path), path.string(), path.stem().string());
}

sp::Instance parse_spot5(std::string_view text, const std::string &source_name, const std::string &instance_name)
{
    sp::Instance inst;
    inst.name = instance_name;
    Lines lines(text, source_name);
    const std::string &src = source_name;
    if (lines.done()) {
        fail(ErrorCode::syntax, "empty file: expected the variable count", src, 1, "variable count", "");
    }

    // ---- variables: <id> <weight> <domain size> { <value> <consumption> } [extra integers]
    const std::int64_t n = count_line(lines, "variable count");
    std::map<std::int64_t, std::pair<int, int>> by_id; // id -> (index, line)
    std::vector<int> photo_line;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto [ln, line] = lines.next(fmt::format("variable {} of the {} declared", i + 1, n), "variable id");
        const auto t = tokens(line);
        if (t.size() < 3) {
            fail(ErrorCode::syntax, fmt::format("a variable line needs id, weight and domain size; found {} fields", t.size()),
                 src, ln, "domain size", line);
        }
        sp::Photo p;
        p.id = integer(t[0], src, ln, "variable id");
        if (p.id < 0) {
            fail(ErrorCode::out_of_range, "must be >= 0", src, ln, "variable id", t[0]);
        }
        p.weight = integer(t[1], src, ln, "weight");
        if (p.weight < 0) {
            fail(ErrorCode::out_of_range, "must be >= 0", src, ln, "weight", t[1]);
        }
        const std::int64_t d = integer(t[2], src, ln, "domain size");
        if (d < 1 || d > 4) {
            fail(ErrorCode::out_of_range, "must be in [1, 4] (values 1, 2, 3, 13)", src, ln, "domain size", t[2]);
        }
        const auto ud = static_cast<std::size_t>(d);
        if (t.size() < 3 + 2 * ud) {
            fail(ErrorCode::syntax,
                 fmt::format("domain size {} needs {} value/consumption pairs; the line holds {} fields after it", d, d,
                             t.size() - 3),
                 src, ln, "domain size", line);
        }
        for (std::size_t k = 0; k < ud; ++k) {
            const std::string vf = fmt::format("value {}", k + 1);
            const std::string cf = fmt::format("consumption {}", k + 1);
            sp::Option o;
            const std::int64_t cam = integer(t[3 + 2 * k], src, ln, vf);
            if (!sp::is_camera(static_cast<int>(cam)) || cam != static_cast<int>(cam)) {
                fail(ErrorCode::out_of_range, "must be 1, 2, 3 (mono cameras) or 13 (stereo)", src, ln, vf, t[3 + 2 * k]);
            }
            o.camera = static_cast<int>(cam);
            for (const auto &prev : p.options) {
                if (prev.camera == o.camera) {
                    fail(ErrorCode::duplicate, "value listed twice in the domain", src, ln, vf, t[3 + 2 * k]);
                }
            }
            o.consumption = number(t[4 + 2 * k], src, ln, cf);
            if (o.consumption < 0.0) {
                fail(ErrorCode::out_of_range, "must be >= 0", src, ln, cf, t[4 + 2 * k]);
            }
            p.options.push_back(o);
        }
        const std::size_t extra = t.size() - 3 - 2 * ud;
        if (extra > 2) {
            fail(ErrorCode::syntax, fmt::format("{} fields after the domain; the format has at most 2", extra), src, ln,
                 "extra fields", line);
        }
        for (std::size_t k = 0; k < extra; ++k) {
            p.extra.push_back(integer(t[3 + 2 * ud + k], src, ln, "extra fields"));
        }
        if (const auto [it, inserted] = by_id.emplace(p.id, std::pair{static_cast<int>(i), ln}); !inserted) {
            fail(ErrorCode::duplicate, fmt::format("variable id already declared on line {}", it->second.second), src, ln,
                 "variable id", t[0]);
        }
        photo_line.push_back(ln);
        inst.photos.push_back(std::move(p));
    }

    // ---- constraints: <arity> <ids...> { forbidden tuple }*, and one capacity line among them (ids > 1000)
    const std::int64_t m = count_line(lines, "constraint count");
    for (std::int64_t c = 0; c < m; ++c) {
        const auto [ln, line] = lines.next(fmt::format("constraint {} of the {} declared", c + 1, m), "arity");
        const auto t = tokens(line);
        if (t.size() == 1) {
            // The capacity line; the header count includes it (1999 Table 1: 1502 has e = 203 = 202 + 1).
            if (c != m - 1) {
                fail(ErrorCode::syntax,
                     fmt::format("a single number (the capacity line) must be the last of the {} declared constraints; "
                                 "this is number {}", m, c + 1),
                     src, ln, "capacity", line);
            }
            const double cap = number(t[0], src, ln, "capacity");
            if (cap < 0.0) {
                fail(ErrorCode::out_of_range, "must be >= 0", src, ln, "capacity", t[0]);
            }
            inst.capacity = cap;
            continue;
        }
        const std::int64_t arity = integer(t[0], src, ln, "arity");
        if (arity != 2 && arity != 3) {
            fail(ErrorCode::out_of_range, "must be 2 or 3", src, ln, "arity", t[0]);
        }
        const auto ua = static_cast<std::size_t>(arity);
        if (t.size() < 1 + ua) {
            fail(ErrorCode::syntax, fmt::format("arity {} needs {} variable ids", arity, arity), src, ln, "arity", line);
        }
        sp::Constraint k;
        for (std::size_t a = 0; a < ua; ++a) {
            const std::string f = fmt::format("scope {}", a + 1);
            const std::int64_t id = integer(t[1 + a], src, ln, f);
            const auto it = by_id.find(id);
            if (it == by_id.end()) {
                fail(ErrorCode::mismatch, "names a variable id not declared in the variables section", src, ln, f, t[1 + a]);
            }
            for (const int prev : k.scope) {
                if (prev == it->second.first) {
                    fail(ErrorCode::duplicate, "variable named twice in one constraint", src, ln, f, t[1 + a]);
                }
            }
            k.scope.push_back(it->second.first);
        }
        const std::size_t rest = t.size() - 1 - ua;
        if (rest % ua != 0) {
            fail(ErrorCode::syntax, fmt::format("{} values after the scope, not a multiple of the arity {}", rest, arity), src,
                 ln, "forbidden tuples", line);
        }
        for (std::size_t q = 0; q < rest / ua; ++q) {
            const std::string f = fmt::format("tuple {}", q + 1);
            std::vector<int> tuple;
            for (std::size_t a = 0; a < ua; ++a) {
                const auto tok = t[1 + ua + q * ua + a];
                const std::int64_t v = integer(tok, src, ln, f);
                if (v != static_cast<int>(v) || !sp::is_camera(static_cast<int>(v))) {
                    fail(ErrorCode::out_of_range, "must be 1, 2, 3 or 13", src, ln, f, tok);
                }
                const sp::Photo &ph = inst.photos[static_cast<std::size_t>(k.scope[a])];
                bool in_domain = false;
                for (const auto &o : ph.options) {
                    in_domain = in_domain || o.camera == static_cast<int>(v);
                }
                if (!in_domain) {
                    fail(ErrorCode::mismatch,
                         fmt::format("value {} is not in the domain of variable {} (line {})", v, ph.id,
                                     photo_line[static_cast<std::size_t>(k.scope[a])]),
                         src, ln, f, tok);
                }
                tuple.push_back(static_cast<int>(v));
            }
            k.forbidden.push_back(std::move(tuple));
        }
        inst.constraints.push_back(std::move(k));
    }
    if (!lines.done()) {
        const auto &[ln, line] = lines.peek();
        fail(ErrorCode::syntax, fmt::format("content after the {} declared constraints", m), src, ln, "constraint count", line);
    }
    sp::validate(inst); // the reader's checks are a superset; this guards the invariant in one place
    return inst;
}

Spot5Certificate read_spot5_certificate(const std::filesystem::path &path, const sp::Instance &instance)
{
    return parse_spot5_certificate(detail::read_text_file(path), path.string(), instance);
}

Spot5Certificate parse_spot5_certificate(std::string_view text, const std::string &source_name, const sp::Instance &instance)
{
    Spot5Certificate out;
    Lines lines(text, source_name);
    const std::string &src = source_name;
    // "key = value" pairs separated by commas on one line.
    auto header = [&](const std::vector<std::string> &keys) {
        const auto [ln, line] = lines.next("the header line '" + keys.front() + " = ...'", keys.front());
        std::vector<std::string_view> values;
        std::string_view rest = detail::trim(line);
        for (std::size_t k = 0; k < keys.size(); ++k) {
            const std::size_t comma = rest.find(',');
            const std::string_view part = detail::trim(rest.substr(0, comma));
            const std::size_t eq = part.find('=');
            if (eq == std::string_view::npos || detail::trim(part.substr(0, eq)) != keys[k]) {
                fail(ErrorCode::syntax, fmt::format("expected '{} = ...'", keys[k]), src, ln, keys[k], line);
            }
            values.push_back(detail::trim(part.substr(eq + 1)));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        if (!detail::is_blank(rest)) {
            fail(ErrorCode::syntax, "unexpected text after the header fields", src, ln, keys.back(), line);
        }
        return std::pair{ln, values};
    };
    const auto [l1, h1] = header({"profit", "weight"});
    out.claimed_profit = integer(h1[0], src, l1, "profit");
    out.claimed_weight = number(h1[1], src, l1, "weight");
    const auto [l2, h2] = header({"number of candidate photographs"});
    const std::int64_t n = integer(h2[0], src, l2, "number of candidate photographs");
    if (n != static_cast<std::int64_t>(instance.photos.size())) {
        fail(ErrorCode::mismatch, fmt::format("instance {} has {} photographs", instance.name, instance.photos.size()), src,
             l2, "number of candidate photographs", h2[0]);
    }
    const auto [l3, h3] = header({"number of selected photographs"});
    const std::int64_t s = integer(h3[0], src, l3, "number of selected photographs");
    std::int64_t nonzero = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::string f = fmt::format("value of photograph {}", i);
        const auto [ln, line] = lines.next(fmt::format("value {} of {}", i + 1, n), f);
        const auto t = tokens(line);
        if (t.size() != 1) {
            fail(ErrorCode::syntax, "expected one value per line", src, ln, f, line);
        }
        const std::int64_t v = integer(t[0], src, ln, f);
        if (v != static_cast<int>(v)) {
            fail(ErrorCode::out_of_range, "value out of range", src, ln, f, t[0]);
        }
        nonzero += v != 0 ? 1 : 0;
        out.solution.camera.push_back(static_cast<int>(v));
    }
    if (!lines.done()) {
        const auto &[ln, line] = lines.peek();
        fail(ErrorCode::syntax, fmt::format("more than the {} values declared", n), src, ln, "number of candidate photographs",
             line);
    }
    if (nonzero != s) {
        fail(ErrorCode::mismatch, fmt::format("the file lists {} non-zero values", nonzero), src, l3,
             "number of selected photographs", h3[0]);
    }
    return out;
}

void write_spot5_certificate(std::ostream &out, const sp::Instance &instance, const sp::Solution &solution,
                             sp::CapacityMode mode)
{
    const auto rep = sp::check(instance, solution, mode);
    std::int64_t selected = 0;
    for (const int c : solution.camera) {
        selected += c != sp::camera_none ? 1 : 0;
    }
    out << fmt::format("profit = {}, weight = {}\n", rep.value, rep.consumption);
    out << fmt::format("number of candidate photographs = {}\n", solution.camera.size());
    out << fmt::format("number of selected photographs = {}\n", selected);
    for (const int c : solution.camera) {
        out << c << '\n';
    }
}

} // namespace vantage::io
