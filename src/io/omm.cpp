#include "vantage/io/omm.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "json_util.hpp"
#include "text_util.hpp"

// CCSDS 502.0-B-3 (Orbit Data Messages), OMM with MEAN_ELEMENT_THEORY = SGP4: KVN (section 6),
// NDM/XML (CCSDS 505.0-B-2); CelesTrak's JSON and CSV use the same keyword names, flattened.

namespace vantage::io {

namespace {

using detail::trim;

/// Offsets of line starts, to turn a byte offset into a 1-based line.
class LineIndex {
public:
    explicit LineIndex(std::string_view text)
    {
        m_starts.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') {
                m_starts.push_back(i + 1);
            }
        }
    }
    int line_of(std::size_t offset) const
    {
        const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
        return static_cast<int>(it - m_starts.begin());
    }

private:
    std::vector<std::size_t> m_starts;
};

struct RawValue {
    std::string text;
    int line = 0;
};

/// One OMM record as key -> raw text, whatever the syntax.
struct RawRecord {
    int line = 0;           ///< line of the record start (0 if unknown)
    std::string prefix;     ///< field prefix for diagnostics ("[17]." for JSON), else empty
    std::map<std::string, RawValue> fields;
    std::optional<Diagnostic> error; ///< a syntax problem found while collecting the fields
};

const std::set<std::string, std::less<>> &known_keys()
{
    static const std::set<std::string, std::less<>> keys = {
        // CCSDS OMM header, metadata, mean elements, TLE parameters, spacecraft, covariance
        "CCSDS_OMM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID", "COMMENT", "OBJECT_NAME", "OBJECT_ID",
        "CENTER_NAME", "REF_FRAME", "REF_FRAME_EPOCH", "TIME_SYSTEM", "MEAN_ELEMENT_THEORY", "EPOCH",
        "SEMI_MAJOR_AXIS", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER",
        "MEAN_ANOMALY", "GM", "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
        "REV_AT_EPOCH", "BSTAR", "BTERM", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT", "AGOM", "MASS", "SOLAR_RAD_AREA",
        "SOLAR_RAD_COEFF", "DRAG_AREA", "DRAG_COEFF", "COV_REF_FRAME", "USER_DEFINED",
        // Space-Track GP class extras (same records, more columns)
        "DECAY_DATE", "SEMIMAJOR_AXIS", "PERIOD", "APOAPSIS", "PERIAPSIS", "OBJECT_TYPE", "RCS_SIZE",
        "COUNTRY_CODE", "LAUNCH_DATE", "SITE", "FILE", "GP_ID", "TLE_LINE0", "TLE_LINE1", "TLE_LINE2"};
    return keys;
}

bool is_known_key(std::string_view k)
{
    if (known_keys().count(k) != 0) {
        return true;
    }
    // Covariance terms CX_X ... CZ_DOT_Z_DOT and USER_DEFINED_xxx (KVN).
    return k.rfind("USER_DEFINED_", 0) == 0 || (k.size() >= 4 && k[0] == 'C' && k.find('_') != std::string_view::npos
                                                && (k[1] == 'X' || k[1] == 'Y' || k[1] == 'Z'));
}

std::string upper(std::string_view s)
{
    std::string o(s);
    for (char &c : o) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return o;
}

Diagnostic make_diag(ErrorCode code, std::string msg, const std::string &source, int line, std::string field,
                     std::string value, Severity sev = Severity::error)
{
    return Diagnostic{sev, code, std::move(msg), ErrorContext{source, line, std::move(field), std::move(value)}};
}

/// Builds an ElementSet from one raw record. Throws ParseError.
class RecordReader {
public:
    RecordReader(const RawRecord &r, const std::string &source) : m_r(r), m_source(source) {}

    const RawValue *get(std::string_view key) const
    {
        const auto it = m_r.fields.find(std::string(key));
        if (it == m_r.fields.end() || trim(it->second.text).empty()) {
            return nullptr;
        }
        return &it->second;
    }

    [[noreturn]] void fail(ErrorCode code, std::string_view key, const RawValue *v, std::string msg) const
    {
        throw ParseError(code, std::move(msg),
                         ErrorContext{m_source, v != nullptr && v->line > 0 ? v->line : m_r.line,
                                      m_r.prefix + std::string(key), v != nullptr ? v->text : std::string()});
    }

    const RawValue &req(std::string_view key) const
    {
        const RawValue *v = get(key);
        if (v == nullptr) {
            fail(ErrorCode::missing_field, key, nullptr, fmt::format("required OMM keyword {} is missing", key));
        }
        return *v;
    }

    double number(std::string_view key, const RawValue &v) const
    {
        std::string_view t = trim(v.text);
        std::string_view body = t;
        bool neg = false;
        if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
            neg = body.front() == '-';
            body.remove_prefix(1);
        }
        // digits [. digits] [e|E [+-] digits], at least one mantissa digit
        std::size_t i = 0;
        int mant = 0;
        while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
            ++i;
            ++mant;
        }
        if (i < body.size() && body[i] == '.') {
            ++i;
            while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
                ++i;
                ++mant;
            }
        }
        bool ok = mant > 0;
        if (ok && i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
            ++i;
            if (i < body.size() && (body[i] == '+' || body[i] == '-')) {
                ++i;
            }
            int ed = 0;
            while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) != 0) {
                ++i;
                ++ed;
            }
            ok = ed > 0;
        }
        ok = ok && i == body.size();
        double x = 0.0;
        if (ok) {
            const auto res = std::from_chars(body.data(), body.data() + body.size(), x, std::chars_format::general);
            ok = res.ec == std::errc{} && res.ptr == body.data() + body.size() && std::isfinite(x);
        }
        if (!ok) {
            fail(ErrorCode::invalid_number, key, &v, "expected a finite decimal number");
        }
        return neg ? -x : x;
    }

    double number(std::string_view key) const { return number(key, req(key)); }

    double number_or(std::string_view key, double dflt) const
    {
        const RawValue *v = get(key);
        return v == nullptr ? dflt : number(key, *v);
    }

    std::int64_t integer(std::string_view key, const RawValue &v, std::int64_t lo, std::int64_t hi) const
    {
        std::string_view t = trim(v.text);
        if (!t.empty() && t.front() == '+') {
            t.remove_prefix(1);
        }
        std::int64_t x = 0;
        const auto res = std::from_chars(t.data(), t.data() + t.size(), x);
        if (t.empty() || res.ec == std::errc::invalid_argument || res.ptr != t.data() + t.size()) {
            fail(ErrorCode::invalid_number, key, &v, "expected an integer");
        }
        if (res.ec != std::errc{} || x < lo || x > hi) {
            fail(ErrorCode::out_of_range, key, &v, fmt::format("must be an integer in [{}, {}]", lo, hi));
        }
        return x;
    }

    void range(std::string_view key, double x, double lo, double hi, bool hi_incl) const
    {
        if (!(x >= lo) || (hi_incl ? x > hi : x >= hi)) {
            fail(ErrorCode::out_of_range, key, get(key), fmt::format("must be in [{}, {}{}", lo, hi, hi_incl ? "]" : ")"));
        }
    }

    void expect_value(std::string_view key, std::initializer_list<std::string_view> allowed) const
    {
        const RawValue *v = get(key);
        if (v == nullptr) {
            return;
        }
        const std::string u = upper(trim(v->text));
        for (auto a : allowed) {
            if (u == a) {
                return;
            }
        }
        fail(ErrorCode::unsupported, key, v,
             fmt::format("only {} is supported", fmt::join(allowed.begin(), allowed.end(), " or ")));
    }

    orbits::ElementSet build() const
    {
        if (m_r.error) {
            throw ParseError(m_r.error->code, m_r.error->message, m_r.error->context);
        }
        expect_value("MEAN_ELEMENT_THEORY", {"SGP4", "SGP/SGP4"});
        expect_value("REF_FRAME", {"TEME"});
        expect_value("TIME_SYSTEM", {"UTC"});
        expect_value("CENTER_NAME", {"EARTH"});

        orbits::ElementSet el;
        // NOTE: "UNKNOWN" is the CCSDS placeholder our writers use for an empty name/id; read back as empty.
        if (const auto *v = get("OBJECT_NAME")) {
            el.object_name = trim(v->text) == "UNKNOWN" ? std::string() : std::string(trim(v->text));
        }
        if (const auto *v = get("OBJECT_ID")) {
            el.object_id = trim(v->text) == "UNKNOWN" ? std::string() : std::string(trim(v->text));
        }
        {
            const RawValue &v = req("EPOCH");
            time::Instant t;
            try {
                t = time::Instant::parse_iso8601(trim(v.text));
            } catch (const Error &e) {
                fail(ErrorCode::invalid_time, "EPOCH", &v, e.message());
            }
            orbits::set_epoch_from_instant(el, t);
        }
        el.mean_motion_rev_day = number("MEAN_MOTION");
        if (!(el.mean_motion_rev_day > 0.0)) {
            fail(ErrorCode::out_of_range, "MEAN_MOTION", get("MEAN_MOTION"), "must be > 0 rev/day");
        }
        el.eccentricity = number("ECCENTRICITY");
        range("ECCENTRICITY", el.eccentricity, 0.0, 1.0, false);
        el.inclination_deg = number("INCLINATION");
        range("INCLINATION", el.inclination_deg, 0.0, 180.0, true);
        el.raan_deg = number("RA_OF_ASC_NODE");
        range("RA_OF_ASC_NODE", el.raan_deg, 0.0, 360.0, false);
        el.arg_perigee_deg = number("ARG_OF_PERICENTER");
        range("ARG_OF_PERICENTER", el.arg_perigee_deg, 0.0, 360.0, false);
        el.mean_anomaly_deg = number("MEAN_ANOMALY");
        range("MEAN_ANOMALY", el.mean_anomaly_deg, 0.0, 360.0, false);
        el.norad_id = static_cast<std::uint32_t>(integer("NORAD_CAT_ID", req("NORAD_CAT_ID"), 0, 339999));
        el.bstar_per_er = number("BSTAR");
        el.mean_motion_dot_rev_day2 = number_or("MEAN_MOTION_DOT", 0.0);
        el.mean_motion_ddot_rev_day3 = number_or("MEAN_MOTION_DDOT", 0.0);
        if (const auto *v = get("CLASSIFICATION_TYPE")) {
            const auto t = trim(v->text);
            if (t.size() != 1 || (t[0] != 'U' && t[0] != 'C' && t[0] != 'S')) {
                fail(ErrorCode::out_of_range, "CLASSIFICATION_TYPE", v, "must be U, C or S");
            }
            el.classification = t[0];
        }
        if (const auto *v = get("EPHEMERIS_TYPE")) {
            const auto t = integer("EPHEMERIS_TYPE", *v, 0, 9);
            if (t == 4) {
                fail(ErrorCode::unsupported, "EPHEMERIS_TYPE", v, "ephemeris type 4 (SGP4-XP) is not supported");
            }
            if (t != 0) {
                fail(ErrorCode::unsupported, "EPHEMERIS_TYPE", v, "only ephemeris type 0 (SGP4/SDP4) is supported");
            }
        }
        if (const auto *v = get("ELEMENT_SET_NO")) {
            el.element_set_no = static_cast<int>(integer("ELEMENT_SET_NO", *v, 0, 9999));
        }
        if (const auto *v = get("REV_AT_EPOCH")) {
            el.rev_at_epoch = integer("REV_AT_EPOCH", *v, 0, 999999999);
        }
        return el;
    }

private:
    const RawRecord &m_r;
    const std::string &m_source;
};

void add_field(RawRecord &rec, const std::string &key, std::string value, int line, const std::string &source)
{
    if (key == "COMMENT" || key == "USER_DEFINED") {
        return;
    }
    const auto [it, inserted] = rec.fields.emplace(key, RawValue{std::move(value), line});
    if (!inserted && !rec.error) {
        rec.error = make_diag(ErrorCode::duplicate, fmt::format("keyword {} appears twice in one record", key), source,
                              line, rec.prefix + key, it->second.text);
    }
}

// ------------------------------------------------------------------------------------- KVN
std::vector<RawRecord> collect_kvn(std::string_view text, const std::string &source, ParseResult<ElementRecord> &out)
{
    std::vector<RawRecord> recs;
    int no = 0;
    for (const std::string_view raw : detail::split_lines(text)) {
        ++no;
        const std::string_view l = trim(raw);
        if (l.empty() || l.rfind("COMMENT", 0) == 0) {
            continue;
        }
        const auto eq = l.find('=');
        if (eq == std::string_view::npos) {
            const bool marker = l.size() > 5
                                && (l.substr(l.size() - 5) == "START" || l.substr(l.size() - 4) == "STOP");
            if (marker) {
                continue;
            }
            if (recs.empty()) {
                out.rejected.push_back(make_diag(ErrorCode::syntax, "expected 'KEY = value' before CCSDS_OMM_VERS",
                                                 source, no, "", std::string(l)));
            } else if (!recs.back().error) {
                recs.back().error = make_diag(ErrorCode::syntax, "expected 'KEY = value'", source, no, "",
                                              std::string(l));
            }
            continue;
        }
        const std::string key(trim(l.substr(0, eq)));
        std::string_view val = trim(l.substr(eq + 1));
        // Trailing units "[deg]" are informative (CCSDS 502.0 6.2.6); text values keep their brackets.
        const bool text_key = key == "OBJECT_NAME" || key == "OBJECT_ID" || key == "ORIGINATOR" || key == "MESSAGE_ID";
        if (!text_key && !val.empty() && val.back() == ']') {
            const auto lb = val.rfind('[');
            if (lb != std::string_view::npos) {
                val = trim(val.substr(0, lb));
            }
        }
        if (key == "CCSDS_OMM_VERS") {
            recs.emplace_back();
            recs.back().line = no;
        } else if (recs.empty()) {
            out.rejected.push_back(make_diag(ErrorCode::syntax, "keyword before CCSDS_OMM_VERS", source, no, key,
                                             std::string(val)));
            continue;
        }
        add_field(recs.back(), key, std::string(val), no, source);
    }
    return recs;
}

// ------------------------------------------------------------------------------------- XML
std::string local_name(const char *n)
{
    std::string_view s(n);
    const auto c = s.find(':');
    return std::string(c == std::string_view::npos ? s : s.substr(c + 1));
}

void collect_xml_leaves(const pugi::xml_node &node, RawRecord &rec, const LineIndex &li, const std::string &source)
{
    for (pugi::xml_node ch = node.first_child(); ch; ch = ch.next_sibling()) {
        if (ch.type() != pugi::node_element) {
            continue;
        }
        bool has_elem_child = false;
        for (pugi::xml_node g = ch.first_child(); g; g = g.next_sibling()) {
            has_elem_child = has_elem_child || g.type() == pugi::node_element;
        }
        if (has_elem_child) {
            collect_xml_leaves(ch, rec, li, source);
        } else {
            const auto off = ch.offset_debug();
            add_field(rec, local_name(ch.name()), ch.child_value(), off >= 0 ? li.line_of(static_cast<std::size_t>(off)) : rec.line,
                      source);
        }
    }
}

std::vector<RawRecord> collect_xml(std::string_view text, const std::string &source, ParseResult<ElementRecord> &out)
{
    std::vector<RawRecord> recs;
    const LineIndex li(text);
    pugi::xml_document doc;
    const pugi::xml_parse_result res = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res) {
        out.rejected.push_back(make_diag(ErrorCode::syntax, fmt::format("XML: {}", res.description()), source,
                                         li.line_of(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, res.offset))),
                                         "", ""));
        return recs;
    }
    std::vector<pugi::xml_node> omms;
    const pugi::xml_node root = doc.document_element();
    const std::string rname = local_name(root.name());
    if (rname == "omm") {
        omms.push_back(root);
    } else if (rname == "ndm") {
        for (pugi::xml_node ch = root.first_child(); ch; ch = ch.next_sibling()) {
            if (ch.type() == pugi::node_element && local_name(ch.name()) == "omm") {
                omms.push_back(ch);
            }
        }
    }
    if (omms.empty()) {
        out.rejected.push_back(make_diag(ErrorCode::syntax, "XML root must be <omm> or <ndm> containing <omm>", source,
                                         root.offset_debug() >= 0 ? li.line_of(static_cast<std::size_t>(root.offset_debug())) : 1,
                                         "", std::string(root.name())));
        return recs;
    }
    int idx = 0;
    for (const auto &omm : omms) {
        RawRecord rec;
        const auto off = omm.offset_debug();
        rec.line = off >= 0 ? li.line_of(static_cast<std::size_t>(off)) : 0;
        rec.prefix = omms.size() > 1 ? fmt::format("omm[{}].", idx) : std::string();
        collect_xml_leaves(omm, rec, li, source);
        recs.push_back(std::move(rec));
        ++idx;
    }
    return recs;
}

// ------------------------------------------------------------------------------------ JSON
/// Byte spans of the elements of a top-level JSON array (or the whole text for an object), found by
/// a string-aware bracket scan; used only to give diagnostics a line number.
std::vector<std::pair<std::size_t, std::size_t>> json_element_spans(std::string_view t)
{
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    int depth = 0;
    bool in_str = false;
    bool esc = false;
    bool expect = false;
    bool root_array = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (in_str) {
            if (esc) {
                esc = false;
            } else if (c == '\\') {
                esc = true;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (depth == 1 && root_array && expect && !detail::is_space(c) && c != ']') {
            spans.emplace_back(i, t.size());
            expect = false;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (depth == 0) {
                root_array = c == '[';
                expect = root_array;
                if (!root_array) {
                    spans.emplace_back(i, t.size());
                }
            }
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
            if (depth == 1 && root_array && !spans.empty()) {
                spans.back().second = i + 1;
            }
            if (depth <= 0) {
                if (!spans.empty() && spans.back().second == t.size()) {
                    spans.back().second = i + 1;
                }
                break;
            }
        } else if (c == ',' && depth == 1 && root_array) {
            if (!spans.empty() && spans.back().second == t.size()) {
                spans.back().second = i;
            }
            expect = true;
        }
    }
    return spans;
}

std::vector<RawRecord> collect_json(std::string_view text, const std::string &source, ParseResult<ElementRecord> &out)
{
    std::vector<RawRecord> recs;
    const LineIndex li(text);
    nlohmann::json doc;
    // NOTE: nesting is limited while parsing (json_util.hpp): a deeply nested document overflowed the stack when
    // its values were dumped into diagnostics.
    struct TooDeep {};
    const nlohmann::json::parser_callback_t depth_guard = [](int depth, nlohmann::json::parse_event_t, nlohmann::json &) {
        if (depth > detail::max_json_depth) {
            throw TooDeep{};
        }
        return true;
    };
    try {
        doc = nlohmann::json::parse(text.begin(), text.end(), depth_guard);
    } catch (const TooDeep &) {
        out.rejected.push_back(make_diag(ErrorCode::syntax,
                                         fmt::format("JSON nested deeper than {} levels", detail::max_json_depth), source,
                                         1, "", ""));
        return recs;
    } catch (const nlohmann::json::parse_error &e) {
        out.rejected.push_back(make_diag(ErrorCode::syntax, fmt::format("JSON: {}", e.what()), source,
                                         li.line_of(e.byte > 0 ? e.byte - 1 : 0), "", ""));
        return recs;
    } catch (const nlohmann::json::exception &e) {
        out.rejected.push_back(make_diag(ErrorCode::syntax, fmt::format("JSON: {}", e.what()), source, 0, "", ""));
        return recs;
    }
    const auto spans = json_element_spans(text);
    std::vector<const nlohmann::json *> items;
    if (doc.is_array()) {
        for (const auto &j : doc) {
            items.push_back(&j);
        }
    } else {
        items.push_back(&doc);
    }
    for (std::size_t k = 0; k < items.size(); ++k) {
        const auto &j = *items[k];
        RawRecord rec;
        rec.prefix = doc.is_array() ? fmt::format("[{}].", k) : std::string();
        const bool have_span = k < spans.size();
        const std::string_view span = have_span ? text.substr(spans[k].first, spans[k].second - spans[k].first)
                                                : std::string_view{};
        rec.line = have_span ? li.line_of(spans[k].first) : 0;
        if (!j.is_object()) {
            rec.error = make_diag(ErrorCode::syntax, "an OMM record must be a JSON object", source, rec.line,
                                  doc.is_array() ? fmt::format("[{}]", k) : std::string(),
                                  j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            recs.push_back(std::move(rec));
            continue;
        }
        for (const auto &[key, v] : j.items()) {
            int line = rec.line;
            if (have_span) {
                const auto p = span.find(fmt::format("\"{}\"", key));
                if (p != std::string_view::npos) {
                    line = li.line_of(spans[k].first + p);
                }
            }
            if (v.is_null()) {
                continue; // absent
            }
            std::string s = v.is_string() ? v.get<std::string>()
                                          : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            add_field(rec, key, std::move(s), line, source);
        }
        recs.push_back(std::move(rec));
    }
    return recs;
}

// ------------------------------------------------------------------------------------- CSV
struct CsvRow {
    int line = 0;
    std::vector<std::string> cells;
    bool unterminated = false;
    std::size_t unterminated_column = 0;
};

std::vector<CsvRow> split_csv(std::string_view t)
{
    std::vector<CsvRow> rows;
    int line = 1;
    std::size_t i = 0;
    while (i < t.size()) {
        CsvRow row;
        row.line = line;
        std::string cell;
        bool row_done = false;
        while (!row_done) {
            cell.clear();
            if (i < t.size() && t[i] == '"') {
                ++i;
                bool closed = false;
                while (i < t.size()) {
                    if (t[i] == '"') {
                        if (i + 1 < t.size() && t[i + 1] == '"') {
                            cell.push_back('"');
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (t[i] == '\n') {
                        ++line;
                    }
                    cell.push_back(t[i++]);
                }
                if (!closed && !row.unterminated) {
                    row.unterminated = true;
                    row.unterminated_column = row.cells.size();
                }
                // Text between the closing quote and the separator is kept (lenient).
                while (i < t.size() && t[i] != ',' && t[i] != '\n') {
                    if (t[i] != '\r') {
                        cell.push_back(t[i]);
                    }
                    ++i;
                }
            } else {
                while (i < t.size() && t[i] != ',' && t[i] != '\n') {
                    cell.push_back(t[i++]);
                }
                if (!cell.empty() && cell.back() == '\r') {
                    cell.pop_back();
                }
            }
            row.cells.push_back(cell);
            if (i < t.size() && t[i] == ',') {
                ++i;
            } else {
                if (i < t.size() && t[i] == '\n') {
                    ++line;
                    ++i;
                }
                row_done = true;
            }
        }
        const bool blank = row.cells.size() == 1 && trim(row.cells[0]).empty();
        if (!blank) {
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::vector<RawRecord> collect_csv(std::string_view text, const std::string &source, ParseResult<ElementRecord> &out)
{
    std::vector<RawRecord> recs;
    auto rows = split_csv(text);
    if (rows.empty()) {
        return recs;
    }
    std::vector<std::string> header;
    for (auto &h : rows[0].cells) {
        header.push_back(upper(trim(h)));
    }
    std::set<std::string> seen;
    for (const auto &h : header) {
        if (!seen.insert(h).second) {
            out.rejected.push_back(make_diag(ErrorCode::duplicate, "column appears twice in the CSV header", source,
                                             rows[0].line, h, h));
            return recs;
        }
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
        RawRecord rec;
        rec.line = rows[r].line;
        const auto &cells = rows[r].cells;
        const auto column_name = [&](std::size_t c) {
            return c < header.size() ? header[c] : fmt::format("column {}", c + 1);
        };
        if (rows[r].unterminated) {
            const std::size_t c = rows[r].unterminated_column;
            rec.error = make_diag(ErrorCode::syntax, "unterminated quoted field (runs to the end of the file)", source,
                                  rec.line, column_name(c), c < cells.size() ? cells[c] : std::string());
        } else if (cells.size() != header.size()) {
            // Field: the first missing column, or the first extra one.
            const std::size_t c = std::min(cells.size(), header.size());
            rec.error = make_diag(ErrorCode::syntax,
                                  fmt::format("row has {} fields, the header has {}", cells.size(), header.size()),
                                  source, rec.line, column_name(c), c < cells.size() ? cells[c] : std::string());
        } else {
            for (std::size_t c = 0; c < header.size(); ++c) {
                add_field(rec, header[c], rows[r].cells[c], rec.line, source);
            }
        }
        recs.push_back(std::move(rec));
    }
    return recs;
}

std::string_view skip_bom_and_space(std::string_view t)
{
    if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xEF && static_cast<unsigned char>(t[1]) == 0xBB
        && static_cast<unsigned char>(t[2]) == 0xBF) {
        t.remove_prefix(3);
    }
    while (!t.empty() && detail::is_space(t.front())) {
        t.remove_prefix(1);
    }
    return t;
}

std::string iso_epoch(const time::Instant &t)
{
    std::string s = t.to_iso8601_utc(6);
    if (!s.empty() && s.back() == 'Z') {
        s.pop_back();
    }
    return s;
}

/// KVN/XML text values must be single-line printable text.
std::string one_line(std::string_view s)
{
    std::string o(s);
    for (char &c : o) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    return o;
}

} // namespace

std::optional<OmmSyntax> detect_omm_syntax(std::string_view text)
{
    std::string_view t = skip_bom_and_space(text);
    // KVN may start with COMMENT lines.
    while (t.rfind("COMMENT", 0) == 0) {
        const auto nl = t.find('\n');
        t = nl == std::string_view::npos ? std::string_view{} : skip_bom_and_space(t.substr(nl + 1));
    }
    if (t.empty()) {
        return std::nullopt;
    }
    if (t.front() == '<') {
        return OmmSyntax::xml;
    }
    if (t.front() == '[' || t.front() == '{') {
        return OmmSyntax::json;
    }
    if (t.rfind("CCSDS_OMM_VERS", 0) == 0) {
        return OmmSyntax::kvn;
    }
    const std::string first = upper(t.substr(0, t.find('\n')));
    if (first.find(',') != std::string::npos
        && (first.find("NORAD_CAT_ID") != std::string::npos || first.find("OBJECT_NAME") != std::string::npos
            || first.find("MEAN_MOTION") != std::string::npos)) {
        return OmmSyntax::csv;
    }
    return std::nullopt;
}

ParseResult<ElementRecord> parse_omm_text(std::string_view text, const std::string &source_name)
{
    ParseResult<ElementRecord> out;
    const auto syntax = detect_omm_syntax(text);
    if (!syntax) {
        out.rejected.push_back(make_diag(ErrorCode::syntax,
                                         "not an OMM: expected KVN (CCSDS_OMM_VERS), XML (<ndm>/<omm>), JSON or CSV "
                                         "with an OMM header",
                                         source_name, 1, "", std::string(trim(text.substr(0, text.find('\n'))))));
        return out;
    }
    const std::string_view body = text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF ? text.substr(3) : text;
    std::vector<RawRecord> recs;
    switch (*syntax) {
    case OmmSyntax::kvn: recs = collect_kvn(body, source_name, out); break;
    case OmmSyntax::xml: recs = collect_xml(text, source_name, out); break;
    case OmmSyntax::json: recs = collect_json(body, source_name, out); break;
    case OmmSyntax::csv: recs = collect_csv(body, source_name, out); break;
    }
    std::set<std::string> warned;
    std::map<std::uint32_t, int> seen;
    for (const auto &rec : recs) {
        for (const auto &[k, v] : rec.fields) {
            if (!is_known_key(k) && warned.insert(k).second) {
                out.warnings.push_back(make_diag(ErrorCode::unknown_key, "keyword is not part of the OMM format; ignored",
                                                 source_name, v.line, rec.prefix + k, v.text, Severity::warning));
            }
        }
        ElementRecord er;
        er.line = rec.line;
        try {
            er.elements = RecordReader(rec, source_name).build();
        } catch (const Error &e) {
            out.rejected.push_back(Diagnostic{Severity::error, e.code(), e.message(), e.context()});
            continue;
        }
        const auto [it, inserted] = seen.emplace(er.elements.norad_id, er.line);
        if (!inserted) {
            out.warnings.push_back(make_diag(
                ErrorCode::duplicate,
                fmt::format("NORAD_CAT_ID {} also appears at line {}; both element sets kept", er.elements.norad_id, it->second),
                source_name, er.line, rec.prefix + "NORAD_CAT_ID", std::to_string(er.elements.norad_id), Severity::warning));
        }
        out.items.push_back(std::move(er));
    }
    return out;
}

ParseResult<ElementRecord> read_omm_file(const std::filesystem::path &path)
{
    const std::string text = detail::read_text_file(path);
    return parse_omm_text(text, path.string());
}

std::string format_omm_kvn(const orbits::ElementSet &el, std::string_view creation_date)
{
    std::string o;
    const auto kv = [&o](std::string_view k, const auto &v) { o += fmt::format("{:<20}= {}\n", k, v); };
    kv("CCSDS_OMM_VERS", "2.0");
    kv("CREATION_DATE", creation_date.empty() ? iso_epoch(el.epoch) : std::string(creation_date));
    kv("ORIGINATOR", "VANTAGE");
    o += "\n";
    kv("OBJECT_NAME", el.object_name.empty() ? std::string("UNKNOWN") : one_line(el.object_name));
    kv("OBJECT_ID", el.object_id.empty() ? std::string("UNKNOWN") : one_line(el.object_id));
    kv("CENTER_NAME", "EARTH");
    kv("REF_FRAME", "TEME");
    kv("TIME_SYSTEM", "UTC");
    kv("MEAN_ELEMENT_THEORY", "SGP4");
    o += "\n";
    kv("EPOCH", iso_epoch(el.epoch));
    kv("MEAN_MOTION", fmt::format("{} [rev/day]", el.mean_motion_rev_day));
    kv("ECCENTRICITY", fmt::format("{}", el.eccentricity));
    kv("INCLINATION", fmt::format("{} [deg]", el.inclination_deg));
    kv("RA_OF_ASC_NODE", fmt::format("{} [deg]", el.raan_deg));
    kv("ARG_OF_PERICENTER", fmt::format("{} [deg]", el.arg_perigee_deg));
    kv("MEAN_ANOMALY", fmt::format("{} [deg]", el.mean_anomaly_deg));
    o += "\n";
    kv("EPHEMERIS_TYPE", el.ephemeris_type);
    kv("CLASSIFICATION_TYPE", el.classification);
    kv("NORAD_CAT_ID", el.norad_id);
    kv("ELEMENT_SET_NO", el.element_set_no);
    kv("REV_AT_EPOCH", el.rev_at_epoch);
    kv("BSTAR", fmt::format("{} [1/ER]", el.bstar_per_er));
    kv("MEAN_MOTION_DOT", fmt::format("{} [rev/day**2]", el.mean_motion_dot_rev_day2));
    kv("MEAN_MOTION_DDOT", fmt::format("{} [rev/day**3]", el.mean_motion_ddot_rev_day3));
    return o;
}

std::string format_omm_json(const std::vector<orbits::ElementSet> &els)
{
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto &el : els) {
        nlohmann::ordered_json j;
        j["OBJECT_NAME"] = el.object_name;
        j["OBJECT_ID"] = el.object_id;
        j["EPOCH"] = iso_epoch(el.epoch);
        j["MEAN_MOTION"] = el.mean_motion_rev_day;
        j["ECCENTRICITY"] = el.eccentricity;
        j["INCLINATION"] = el.inclination_deg;
        j["RA_OF_ASC_NODE"] = el.raan_deg;
        j["ARG_OF_PERICENTER"] = el.arg_perigee_deg;
        j["MEAN_ANOMALY"] = el.mean_anomaly_deg;
        j["EPHEMERIS_TYPE"] = el.ephemeris_type;
        j["CLASSIFICATION_TYPE"] = std::string(1, el.classification);
        j["NORAD_CAT_ID"] = el.norad_id;
        j["ELEMENT_SET_NO"] = el.element_set_no;
        j["REV_AT_EPOCH"] = el.rev_at_epoch;
        j["BSTAR"] = el.bstar_per_er;
        j["MEAN_MOTION_DOT"] = el.mean_motion_dot_rev_day2;
        j["MEAN_MOTION_DDOT"] = el.mean_motion_ddot_rev_day3;
        arr.push_back(std::move(j));
    }
    // Names that are not valid UTF-8 (Latin-1 TLE names) are written with U+FFFD, never thrown on.
    return arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string format_omm_xml(const std::vector<orbits::ElementSet> &els)
{
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto ndm = doc.append_child("ndm");
    ndm.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
    ndm.append_attribute("xsi:noNamespaceSchemaLocation") =
        "https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd";
    const auto leaf = [](pugi::xml_node parent, const char *name, const std::string &value) {
        parent.append_child(name).append_child(pugi::node_pcdata).set_value(value.c_str());
    };
    for (const auto &el : els) {
        auto omm = ndm.append_child("omm");
        omm.append_attribute("id") = "CCSDS_OMM_VERS";
        omm.append_attribute("version") = "2.0";
        auto header = omm.append_child("header");
        leaf(header, "CREATION_DATE", iso_epoch(el.epoch));
        leaf(header, "ORIGINATOR", "VANTAGE");
        auto seg = omm.append_child("body").append_child("segment");
        auto meta = seg.append_child("metadata");
        leaf(meta, "OBJECT_NAME", el.object_name.empty() ? std::string("UNKNOWN") : one_line(el.object_name));
        leaf(meta, "OBJECT_ID", el.object_id.empty() ? std::string("UNKNOWN") : one_line(el.object_id));
        leaf(meta, "CENTER_NAME", "EARTH");
        leaf(meta, "REF_FRAME", "TEME");
        leaf(meta, "TIME_SYSTEM", "UTC");
        leaf(meta, "MEAN_ELEMENT_THEORY", "SGP4");
        auto data = seg.append_child("data");
        auto me = data.append_child("meanElements");
        leaf(me, "EPOCH", iso_epoch(el.epoch));
        leaf(me, "MEAN_MOTION", fmt::format("{}", el.mean_motion_rev_day));
        leaf(me, "ECCENTRICITY", fmt::format("{}", el.eccentricity));
        leaf(me, "INCLINATION", fmt::format("{}", el.inclination_deg));
        leaf(me, "RA_OF_ASC_NODE", fmt::format("{}", el.raan_deg));
        leaf(me, "ARG_OF_PERICENTER", fmt::format("{}", el.arg_perigee_deg));
        leaf(me, "MEAN_ANOMALY", fmt::format("{}", el.mean_anomaly_deg));
        auto tp = data.append_child("tleParameters");
        leaf(tp, "EPHEMERIS_TYPE", fmt::format("{}", el.ephemeris_type));
        leaf(tp, "CLASSIFICATION_TYPE", std::string(1, el.classification));
        leaf(tp, "NORAD_CAT_ID", fmt::format("{}", el.norad_id));
        leaf(tp, "ELEMENT_SET_NO", fmt::format("{}", el.element_set_no));
        leaf(tp, "REV_AT_EPOCH", fmt::format("{}", el.rev_at_epoch));
        leaf(tp, "BSTAR", fmt::format("{}", el.bstar_per_er));
        leaf(tp, "MEAN_MOTION_DOT", fmt::format("{}", el.mean_motion_dot_rev_day2));
        leaf(tp, "MEAN_MOTION_DDOT", fmt::format("{}", el.mean_motion_ddot_rev_day3));
    }
    std::ostringstream ss;
    doc.save(ss, "  ", pugi::format_default, pugi::encoding_utf8);
    return ss.str();
}

} // namespace vantage::io
