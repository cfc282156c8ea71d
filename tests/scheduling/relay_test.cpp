// RelayProperty (issue 15, item 6): downlinks through GEO data relays. Every relay downlink of a plan lies inside a
// link window of its satellite and relay (access::find_link_windows, cross-checked against Skyfield in
// LinkCrossCheck), after the link acquisition, within one session; one satellite per relay terminal at a time; at the
// relay's rate; only for nations that allow the feeder station, never while it is out; only for satellites with a
// terminal. The independent re-check (own line of sight, no Vantage code) is the plan checker's `relay` rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "tasking_fixture.hpp"
#include "vantage/access/links.hpp"
#include "vantage/core/error.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;

namespace {

/// 6 h from 06:00 with 3 demo satellites (the first two with a relay terminal), EDRS-A and EDRS-C fed through Redu
/// (out 08:00-09:00), requests in Europe, the Sahel and the South Atlantic; DE may not use Redu.
scheduling::Mission relay_mission()
{
    scheduling::Mission m = test::base_mission("2025-10-03T06:00:00Z", 6.0, 3);
    m.planning.iterations = 200;
    m.planning.delivery_margin_h = 2.0;
    m.stations.push_back(test::station("Redu", 50.002, 5.146));
    for (std::size_t s = 0; s < 2; ++s) {
        m.satellites[s].relay_terminal = access::LinkTerminal{-10.0, 180.0};
    }
    for (const auto &[name, lon] : {std::pair{"EDRS-A", 9.0}, std::pair{"EDRS-C", 31.0}}) {
        scheduling::Relay r;
        r.end.name = name;
        r.end.geo_longitude_deg = lon;
        r.feeder_station = "Redu";
        r.acquisition_s = 50.0;
        r.max_session_s = 300.0;
        m.relays.push_back(r);
    }
    m.outages.push_back(scheduling::Outage{"Redu", time::Instant::parse_iso8601("2025-10-03T08:00:00Z"),
                                           time::Instant::parse_iso8601("2025-10-03T09:00:00Z")});
    m.tenants = {scheduling::Tenant{"FR", 0.6, {}}, scheduling::Tenant{"DE", 0.4, {"Svalbard", "Kiruna"}}};
    for (const auto &[lat, lon, prefix] : {std::tuple{45.0, 10.0, "EU"}, std::tuple{15.0, 2.0, "SAHEL"},
                                           std::tuple{-15.0, -10.0, "SATL"}}) {
        auto more = test::point_cluster(12, lat, lon, 6.0, m.start, m.stop, 5, {"FR", "DE"}, prefix);
        m.requests.insert(m.requests.end(), more.begin(), more.end());
    }
    m.latency_regions = {scheduling::LatencyRegion{"Europe", -25, 34, 45, 72}, scheduling::LatencyRegion{"Sahel", -18, 10, 25, 21},
                         scheduling::LatencyRegion{"South Atlantic", -40, -40, 12, 0}};
    return m;
}

} // namespace

TEST(RelayProperty, RelayDownlinksRespectLinkWindowsTerminalsAndFeeder)
{
    const scheduling::Mission m = relay_mission();
    scheduling::Plan p = scheduling::plan(m, m.planning);
    const time::Instant dl_stop = m.stop + time::Duration::from_hours(m.planning.delivery_margin_h);
    // link windows of each (satellite, relay), computed here from the engine directly
    std::map<std::pair<std::size_t, std::size_t>, std::vector<access::LinkWindow>> windows;
    for (std::size_t r = 0; r < m.relays.size(); ++r) {
        for (std::size_t s = 0; s < m.satellites.size(); ++s) {
            const std::vector<access::LinkEnd> ends{
                access::LinkEnd{"sat", m.satellites[s].sat.propagator, 0.0, access::LinkTerminal{-10.0, 180.0}}, m.relays[r].end};
            const std::vector<std::pair<std::size_t, std::size_t>> pairs{{0, 1}};
            windows[{s, r}] = access::find_link_windows(ends, pairs, m.start, dl_stop, m.eop);
        }
    }
    const auto &outage = m.outages[0];
    std::map<std::pair<std::size_t, int>, std::vector<std::pair<double, std::size_t>>> held; // terminal -> (link start, sat)
    int relayed = 0;
    for (const auto &d : p.downlinks) {
        if (!d.relay) {
            continue;
        }
        ++relayed;
        const std::size_t r = *d.relay;
        const auto &rel = m.relays[r];
        SCOPED_TRACE(fmt::format("{} via {} at {}", m.satellites[d.satellite].sat.name, rel.end.name, d.start.to_iso8601_utc(3)));
        EXPECT_TRUE(m.satellites[d.satellite].relay_terminal.has_value());
        EXPECT_EQ(m.stations[d.station].name, "Redu");
        EXPECT_GE(d.antenna, 0);
        EXPECT_LT(d.antenna, rel.terminals);
        EXPECT_GE((d.start - d.link_start).seconds(), rel.acquisition_s - 1e-6);
        EXPECT_LE((d.end - d.link_start).seconds(), rel.acquisition_s + rel.max_session_s + 1e-6);
        EXPECT_LE(d.data_gbit, rel.rate_mbit_s / 1000.0 * (d.end - d.start).seconds() + 1e-6);
        EXPECT_TRUE(d.end <= outage.start || d.start >= outage.end) << "data through Redu while it is out";
        const auto &ws = windows[{d.satellite, r}];
        const bool inside = std::any_of(ws.begin(), ws.end(), [&](const access::LinkWindow &w) {
            return !(d.link_start < w.start - time::Duration::from_seconds(1e-6)) &&
                   !(w.end + time::Duration::from_seconds(1e-6) < d.end);
        });
        EXPECT_TRUE(inside) << "not inside a link window";
        held[{r, d.antenna}].emplace_back((d.link_start - m.start).seconds(), d.satellite);
        held[{r, d.antenna}].emplace_back((d.end - m.start).seconds(), d.satellite);
    }
    EXPECT_GT(relayed, 0);
    // one satellite per terminal at a time: sort the downlinks of each terminal by link start; a different satellite
    // starts only after the previous one's last data
    for (auto &[key, v] : held) {
        std::vector<std::tuple<double, double, std::size_t>> iv;
        for (std::size_t k = 0; k + 1 < v.size(); k += 2) {
            iv.emplace_back(v[k].first, v[k + 1].first, v[k].second);
        }
        std::sort(iv.begin(), iv.end());
        for (std::size_t k = 1; k < iv.size(); ++k) {
            if (std::get<2>(iv[k]) != std::get<2>(iv[k - 1])) {
                EXPECT_GE(std::get<0>(iv[k]), std::get<1>(iv[k - 1]) - 1e-6) << "terminal shared";
            }
        }
    }
    // DE does not allow Redu: none of its images goes through a relay
    int relayed_images = 0;
    for (const auto &a : p.acquisitions) {
        for (const auto &part : a.downlinks) {
            if (part.relay) {
                EXPECT_EQ(a.tenant, "FR");
                ++relayed_images;
            }
        }
    }
    EXPECT_GT(relayed_images, 0);
    EXPECT_GT(p.metrics.relayed_acquisitions, 0);
    ASSERT_GE(p.metrics.latency_regions.size(), 3u);
    EXPECT_EQ(p.metrics.latency_regions[0].region, "Europe");
    // both plans in one run: the same mission without relays relays nothing
    scheduling::compare_without_relays(m, m.planning, p);
    ASSERT_TRUE(p.metrics.without_relays.has_value());
    for (const auto &r : p.metrics.without_relays->latency_regions) {
        EXPECT_EQ(r.relayed, 0);
    }
    std::cout << fmt::format("relay downlinks {}, relayed images {}; value {} (without relays {})\n", relayed, relayed_images,
                             p.metrics.value, p.metrics.without_relays->value);
    for (const auto &r : p.metrics.latency_regions) {
        std::cout << fmt::format("  {}: {} images, {} relayed, p50 {:.3f} h, p95 {:.3f} h\n", r.region, r.acquisitions, r.relayed,
                                 r.p50_h, r.p95_h);
    }
}

TEST(RelayProperty, BadRelaysAreConfigErrors)
{
    scheduling::Mission m = relay_mission();
    m.relays[0].feeder_station = "Nowhere";
    try {
        scheduling::validate_mission(m);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "relays[0].feeder_station");
    }
    m = relay_mission();
    m.relays[1].end.name = "EDRS-A";
    EXPECT_THROW(scheduling::validate_mission(m), ConfigError);
    m = relay_mission();
    m.relays[0].rate_mbit_s = 0.0;
    try {
        scheduling::validate_mission(m);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "relays[0].rate_mbit_s");
    }
    // a relay on the far side of the Earth from its feeder station
    m = relay_mission();
    m.relays[0].end.geo_longitude_deg = 180.0;
    try {
        scheduling::plan(m, m.planning);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "relays[0].feeder_station");
        EXPECT_NE(std::string(e.what()).find("below the elevation mask"), std::string::npos) << e.what();
    }
}
