// vantage sgp4-verify: runs Vallado's verification cases (SGP4-VER.TLE: start/stop/step after column
// 69 of line 2) and prints them in tcppver.out's layout, so the output can be compared line by line
// with the published reference.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

namespace vantage::cli {

namespace {

struct VerifyOptions {
    std::string file;
    std::string gravity = "wgs72";
    std::string opsmode = "i";
};

void print_state(double tsince_min, const orbits::Sgp4State &s)
{
    // tcppver.out's first seven columns: " %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f".
    std::printf(" %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f\n", tsince_min, s.r_km[0], s.r_km[1], s.r_km[2],
                s.v_km_s[0], s.v_km_s[1], s.v_km_s[2]);
}

int run_verify(const VerifyOptions &o)
{
    io::TleReadOptions ro;
    ro.verify_checksum = false;
    ro.allow_verification_extras = true;
    const auto read = io::read_tle_file(o.file, ro);
    print_diagnostics(std::cerr, read.rejected);
    orbits::Sgp4Options opt;
    opt.gravity = o.gravity == "wgs84" ? orbits::GravityModel::wgs84 : orbits::GravityModel::wgs72;
    opt.opsmode = o.opsmode == "a" ? orbits::OpsMode::afspc : orbits::OpsMode::improved;
    for (const auto &rec : read.items) {
        const orbits::Sgp4Propagator p(rec.elements, opt);
        std::printf("%u xx\n", rec.elements.norad_id);
        auto fail = [&](double t, orbits::Sgp4Status s) {
            std::fflush(stdout);
            std::cerr << fmt::format("norad_id {}: SGP4 error {} ({}) at {} minutes since epoch\n", rec.elements.norad_id,
                                     static_cast<int>(s), orbits::describe(s), t);
        };
        // Vallado's driver (testcpp.cpp, verification mode): the state at t = 0 first, then start..stop
        // by step, the last step clipped to stop; printing ends at the first error.
        const orbits::Sgp4State s0 = p.propagate_minutes(0.0);
        if (s0.status != orbits::Sgp4Status::ok) {
            fail(0.0, s0.status);
            continue;
        }
        print_state(0.0, s0);
        if (!rec.verification) {
            continue;
        }
        const auto &v = *rec.verification;
        double t = v.start_min;
        if (std::abs(t) > 1e-8) {
            t -= v.step_min;
        }
        while (t < v.stop_min) {
            t += v.step_min;
            if (t > v.stop_min) {
                t = v.stop_min;
            }
            const orbits::Sgp4State s = p.propagate_minutes(t);
            if (s.status != orbits::Sgp4Status::ok) {
                fail(t, s.status);
                break;
            }
            print_state(t, s);
        }
    }
    std::fflush(stdout);
    return read.rejected.empty() ? exit_ok : exit_error;
}

} // namespace

Runner add_sgp4_verify(CLI::App &app)
{
    auto opts = std::make_shared<VerifyOptions>();
    CLI::App *cmd = app.add_subcommand("sgp4-verify", "run Vallado-format verification TLEs, print tcppver.out layout");
    cmd->add_option("FILE", opts->file, "verification TLE file (e.g. SGP4-VER.TLE)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--gravity", opts->gravity, "SGP4 gravity constants")->check(CLI::IsMember({"wgs72", "wgs84"}))->capture_default_str();
    cmd->add_option("--opsmode", opts->opsmode, "i (improved) or a (AFSPC)")->check(CLI::IsMember({"i", "a"}))->capture_default_str();
    return [opts]() { return run_verify(*opts); };
}

} // namespace vantage::cli
