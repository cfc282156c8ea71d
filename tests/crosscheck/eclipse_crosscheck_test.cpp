// EclipseCrossCheck: Earth-shadow entries and exits (access::find_eclipses, angular-disc formulation, ITRF) vs
// tools/reference/gen_reference_eclipses.py (Skyfield GCRS positions, astropy Sun, Vallado's cone formulation),
// 4 real LEO satellites over 2025-10-03, conical umbra and penumbra and the cylindrical shadow.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "vantage/access/eclipse.hpp"
#include "vantage/io/tle.hpp"

using namespace vantage;

namespace {

const std::string test_data = VANTAGE_TEST_DATA;
const std::string source_dir = VANTAGE_SOURCE_DIR;

// Both sides use the same Earth sphere, Sun radius and SGP4; they differ in the Sun (ERFA-based series in both;
// astropy interpolated every 600 s), the frame (ITRF vs GCRS: the geometry is rotation-invariant) and the shadow
// formulation (disc angles vs cones, algebraically the same boundary). An edge moves by the Sun's angular error
// divided by the satellite's angular rate about the Earth (~0.06 deg/s): 1e-6 rad is 1 ms. The issue asks for 1 s;
// 20 ms leaves room for the reference's 1-s sampling of grazing crossings.
constexpr double edge_tol_s = 0.02;

struct Event {
    std::uint32_t norad;
    std::string model, boundary, kind;
    time::Instant t;
};

} // namespace

TEST(EclipseCrossCheck, EntriesAndExitsMatchIndependentReference)
{
    std::ifstream in(test_data + "/eclipse_reference.csv");
    ASSERT_TRUE(in.good());
    std::vector<Event> ref;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("norad_id", 0) == 0) {
            continue;
        }
        std::stringstream ss(line);
        std::string f[5];
        for (auto &x : f) {
            std::getline(ss, x, ',');
        }
        ref.push_back(Event{static_cast<std::uint32_t>(std::stoul(f[0])), f[1], f[2], f[3], time::Instant::parse_iso8601(f[4])});
    }
    ASSERT_GT(ref.size(), 150u);

    const auto tles = io::read_tle_file(source_dir + "/examples/eo-satellites.tle");
    std::vector<access::Satellite> sats;
    for (const auto &r : tles.items) {
        const auto id = r.elements.norad_id;
        if (id == 38012 || id == 39634 || id == 40697 || id == 62261) {
            sats.push_back(access::Satellite{orbits::Sgp4Propagator(r.elements), r.elements.object_name, {}});
        }
    }
    ASSERT_EQ(sats.size(), 4u);
    const auto start = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    const auto stop = time::Instant::parse_iso8601("2025-10-04T00:00:00Z");
    const frames::EarthOrientation eop; // rotation-invariant: the Earth's orientation does not move a shadow edge
    std::vector<Event> mine;
    for (const auto model : {access::ShadowModel::conical, access::ShadowModel::cylindrical}) {
        const std::string mname = model == access::ShadowModel::conical ? "conical" : "cylindrical";
        for (const auto &e : access::find_eclipses(sats, start, stop, eop, model)) {
            const auto id = sats[e.satellite].propagator.elements().norad_id;
            auto add = [&](const std::string &boundary, const std::string &kind, const time::Instant &t) {
                if (t > start && t < stop) { // an interval cut by the analysis bounds has no event there
                    mine.push_back(Event{id, mname, boundary, kind, t});
                }
            };
            if (model == access::ShadowModel::conical) {
                add("penumbra", "entry", e.penumbra_start);
                add("penumbra", "exit", e.penumbra_end);
                ASSERT_TRUE(e.umbra_start.has_value()) << "every LEO eclipse of this day has an umbra";
                add("umbra", "entry", *e.umbra_start);
                add("umbra", "exit", *e.umbra_end);
                const double pen_in = (*e.umbra_start - e.penumbra_start).seconds();
                EXPECT_TRUE(e.partial || (pen_in > 5.0 && pen_in < 20.0)) << pen_in; // LEO penumbra crossing ~10 s
            } else {
                add("umbra", "entry", e.penumbra_start);
                add("umbra", "exit", e.penumbra_end);
            }
        }
    }
    EXPECT_EQ(mine.size(), ref.size());
    double worst = 0.0;
    for (const auto &r : ref) {
        double best = 1e9;
        for (const auto &m : mine) {
            if (m.norad == r.norad && m.model == r.model && m.boundary == r.boundary && m.kind == r.kind) {
                best = std::min(best, std::abs((m.t - r.t).seconds()));
            }
        }
        EXPECT_LT(best, edge_tol_s) << r.norad << " " << r.model << " " << r.boundary << " " << r.kind << " "
                                    << r.t.to_iso8601_utc(3);
        worst = std::max(worst, best);
    }
    std::cout << "[ eclipses ] reference events " << ref.size() << ", vantage " << mine.size() << ", worst |edge| "
              << worst * 1e3 << " ms\n";
}
