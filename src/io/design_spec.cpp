// Constellation design files (custom lists of Walker / SSO / circular groups); see design_spec.hpp.

#include "vantage/io/design_spec.hpp"

#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "text_util.hpp"
#include "yaml_reader.hpp"

namespace vantage::io {

namespace {

using detail::indexed;
using detail::Reader;

int whole(const Reader &r, const YAML::Node &n, const std::string &path, double lo, double hi)
{
    const double v = r.number_in(n, path, lo, hi);
    if (v != std::floor(v)) {
        r.fail(ErrorCode::invalid_number, "must be a whole number", n, path);
    }
    return static_cast<int>(v);
}

/// Runs a domain builder; its ConfigError (field = the spec field) is reported at that key of the group.
template <class F>
std::vector<orbits::ElementSet> build(const Reader &r, const YAML::Node &group, const std::string &path, F &&fn)
{
    try {
        return fn();
    } catch (const ConfigError &e) {
        const std::string field = e.context().field;
        std::string key = field.substr(0, field.find('['));
        YAML::Node at = group[key];
        if (!at.IsDefined() && key == "first_norad_id") {
            r.fail(e.code(), e.message(), Reader::line_of(group), "first_norad_id", e.context().value);
        }
        r.fail(e.code(), e.message(), at.IsDefined() ? Reader::line_of(at) : Reader::line_of(group), Reader::join(path, field),
               e.context().value);
    }
}

std::vector<orbits::ElementSet> read_walker(const Reader &r, const YAML::Node &n, const std::string &path,
                                            const orbits::DesignCommon &c)
{
    r.check_map(n, path, {"pattern", "total", "planes", "phasing", "altitude_km", "inclination_deg", "raan_spread_deg",
                          "raan0_deg", "arg_latitude0_deg"});
    orbits::WalkerSpec w;
    if (n["pattern"].IsDefined()) {
        w.type = r.choice<orbits::WalkerType>(n["pattern"], Reader::join(path, "pattern"),
                                              {{"delta", orbits::WalkerType::delta}, {"star", orbits::WalkerType::star}});
    }
    w.total = whole(r, r.need(n, "total", path), Reader::join(path, "total"), 1, 100000);
    w.planes = whole(r, r.need(n, "planes", path), Reader::join(path, "planes"), 1, 100000);
    if (n["phasing"].IsDefined()) {
        w.phasing = whole(r, n["phasing"], Reader::join(path, "phasing"), 0, 100000);
    }
    w.altitude_km = r.number(r.need(n, "altitude_km", path), Reader::join(path, "altitude_km"));
    w.inclination_deg = r.number(r.need(n, "inclination_deg", path), Reader::join(path, "inclination_deg"));
    if (n["raan_spread_deg"].IsDefined()) {
        w.raan_spread_deg = r.number(n["raan_spread_deg"], Reader::join(path, "raan_spread_deg"));
    }
    if (n["raan0_deg"].IsDefined()) {
        w.raan0_deg = r.number(n["raan0_deg"], Reader::join(path, "raan0_deg"));
    }
    if (n["arg_latitude0_deg"].IsDefined()) {
        w.arg_latitude0_deg = r.number(n["arg_latitude0_deg"], Reader::join(path, "arg_latitude0_deg"));
    }
    return build(r, n, path, [&] { return orbits::walker_constellation(w, c); });
}

std::vector<orbits::ElementSet> read_sso(const Reader &r, const YAML::Node &n, const std::string &path,
                                         const orbits::DesignCommon &c)
{
    r.check_map(n, path, {"altitude_km", "local_times_h", "node", "sats_per_plane", "phasing", "arg_latitude0_deg"});
    orbits::SsoSpec s;
    s.altitude_km = r.number(r.need(n, "altitude_km", path), Reader::join(path, "altitude_km"));
    const YAML::Node lt = r.need(n, "local_times_h", path);
    const std::string ltp = Reader::join(path, "local_times_h");
    if (lt.IsScalar()) {
        s.local_times_h.push_back(r.number_in(lt, ltp, 0.0, 24.0, false, true));
    } else if (lt.IsSequence() && lt.size() > 0) {
        for (std::size_t i = 0; i < lt.size(); ++i) {
            s.local_times_h.push_back(r.number_in(lt[i], indexed(ltp, i), 0.0, 24.0, false, true));
        }
    } else {
        r.fail(ErrorCode::syntax, "expected a local time (h) or a non-empty list of them", lt, ltp);
    }
    if (n["node"].IsDefined()) {
        s.node = r.choice<orbits::NodeKind>(n["node"], Reader::join(path, "node"),
                                            {{"ascending", orbits::NodeKind::ascending}, {"descending", orbits::NodeKind::descending}});
    }
    if (n["sats_per_plane"].IsDefined()) {
        s.sats_per_plane = whole(r, n["sats_per_plane"], Reader::join(path, "sats_per_plane"), 1, 10000);
    }
    if (n["phasing"].IsDefined()) {
        s.phasing = whole(r, n["phasing"], Reader::join(path, "phasing"), 0, 10000);
    }
    if (n["arg_latitude0_deg"].IsDefined()) {
        s.arg_latitude0_deg = r.number(n["arg_latitude0_deg"], Reader::join(path, "arg_latitude0_deg"));
    }
    return build(r, n, path, [&] { return orbits::sun_synchronous_constellation(s, c); });
}

std::vector<orbits::ElementSet> read_orbits(const Reader &r, const YAML::Node &n, const std::string &path,
                                            const orbits::DesignCommon &c)
{
    if (!n.IsSequence() || n.size() == 0) {
        r.fail(ErrorCode::syntax, "expected a non-empty list of {altitude_km, inclination_deg, raan_deg, arg_latitude_deg}",
               n, path);
    }
    std::vector<orbits::CircularOrbitSpec> list;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string p = indexed(path, i);
        r.check_map(n[i], p, {"altitude_km", "inclination_deg", "raan_deg", "arg_latitude_deg"});
        orbits::CircularOrbitSpec o;
        o.altitude_km = r.number_in(r.need(n[i], "altitude_km", p), Reader::join(p, "altitude_km"), 150.0, 40000.0);
        o.inclination_deg = r.number_in(r.need(n[i], "inclination_deg", p), Reader::join(p, "inclination_deg"), 0.0, 180.0);
        if (n[i]["raan_deg"].IsDefined()) {
            o.raan_deg = r.number(n[i]["raan_deg"], Reader::join(p, "raan_deg"));
        }
        if (n[i]["arg_latitude_deg"].IsDefined()) {
            o.arg_latitude_deg = r.number(n[i]["arg_latitude_deg"], Reader::join(p, "arg_latitude_deg"));
        }
        list.push_back(o);
    }
    return orbits::circular_orbits(list, c);
}

} // namespace

std::vector<orbits::ElementSet> parse_design_text(std::string_view text, const std::string &source_name)
{
    const Reader r(source_name, ".");
    const YAML::Node root = detail::load_yaml(text, source_name);
    if (!root.IsDefined() || root.IsNull()) {
        r.fail(ErrorCode::missing_field, "empty design file", 0, "epoch_utc");
    }
    r.check_map(root, "", {"epoch_utc", "first_norad_id", "name", "groups"});
    orbits::DesignCommon c;
    c.epoch = r.instant(r.need(root, "epoch_utc", ""), "epoch_utc");
    if (root["first_norad_id"].IsDefined()) {
        c.first_norad_id = r.norad_id(root["first_norad_id"], "first_norad_id");
    }
    const std::string prefix = root["name"].IsDefined() ? r.text(root["name"], "name") : std::string("VANTAGE");
    const YAML::Node groups = r.need(root, "groups", "");
    if (!groups.IsSequence() || groups.size() == 0) {
        r.fail(ErrorCode::syntax, "expected a non-empty list of groups (walker:, sso: or orbits:)", groups, "groups");
    }
    std::vector<orbits::ElementSet> out;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string path = indexed("groups", g);
        const YAML::Node n = groups[g];
        r.check_map(n, path, {"walker", "sso", "orbits"});
        if (n.size() != 1) {
            r.fail(ErrorCode::syntax, "a group is exactly one of walker:, sso: or orbits:", n, path);
        }
        orbits::DesignCommon gc = c;
        gc.name_prefix = groups.size() == 1 ? prefix : fmt::format("{}-G{}", prefix, g + 1);
        if (static_cast<double>(c.first_norad_id) + static_cast<double>(out.size()) > 339999.0) {
            r.fail(ErrorCode::out_of_range, "the catalog numbers run past 339999", n, "first_norad_id");
        }
        gc.first_norad_id = c.first_norad_id + static_cast<std::uint32_t>(out.size());
        std::vector<orbits::ElementSet> els;
        if (n["walker"].IsDefined()) {
            els = read_walker(r, n["walker"], Reader::join(path, "walker"), gc);
        } else if (n["sso"].IsDefined()) {
            els = read_sso(r, n["sso"], Reader::join(path, "sso"), gc);
        } else {
            const std::string p = Reader::join(path, "orbits");
            els = build(r, n, path, [&] { return read_orbits(r, n["orbits"], p, gc); });
        }
        out.insert(out.end(), els.begin(), els.end());
    }
    return out;
}

std::vector<orbits::ElementSet> read_design_file(const std::filesystem::path &path)
{
    return parse_design_text(detail::read_text_file(path), path.string());
}

} // namespace vantage::io
