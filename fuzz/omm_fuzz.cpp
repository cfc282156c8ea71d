// libFuzzer target: parse_omm_text on any of KVN / XML / JSON / CSV. Any exception other than
// vantage::Error escaping the parser is a bug, and so is a broken round trip: every accepted record
// written as KVN, JSON and XML must read back with bit-identical numeric fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/io/omm.hpp"

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

bool same_numbers(const vantage::orbits::ElementSet &a, const vantage::orbits::ElementSet &b)
{
    return a.norad_id == b.norad_id && a.classification == b.classification && a.ephemeris_type == b.ephemeris_type
           && a.element_set_no == b.element_set_no && a.rev_at_epoch == b.rev_at_epoch
           && a.mean_motion_rev_day == b.mean_motion_rev_day && a.eccentricity == b.eccentricity
           && a.inclination_deg == b.inclination_deg && a.raan_deg == b.raan_deg
           && a.arg_perigee_deg == b.arg_perigee_deg && a.mean_anomaly_deg == b.mean_anomaly_deg
           && a.bstar_per_er == b.bstar_per_er && a.mean_motion_dot_rev_day2 == b.mean_motion_dot_rev_day2
           && a.mean_motion_ddot_rev_day3 == b.mean_motion_ddot_rev_day3;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace vantage;
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    ParseResult<io::ElementRecord> r;
    try {
        r = io::parse_omm_text(text, "fuzz");
    } catch (const vantage::Error &) {
        return 0;
    }
    for (const auto &d : r.rejected) {
        check(d.context.source == "fuzz" && !d.to_string().empty());
    }
    if (r.items.empty()) {
        return 0;
    }
    std::vector<orbits::ElementSet> els;
    for (const auto &rec : r.items) {
        els.push_back(rec.elements);
    }
    for (const std::string &out :
         {io::format_omm_json(els), io::format_omm_xml(els), io::format_omm_kvn(els.front())}) {
        const auto back = io::parse_omm_text(out, "fuzz-roundtrip");
        check(back.rejected.empty());
        check(!back.items.empty());
        for (std::size_t i = 0; i < back.items.size(); ++i) {
            check(same_numbers(back.items[i].elements, els[i]));
        }
    }
    return 0;
}
