// vantage propagate: SGP4/SDP4 states of TLE/OMM element sets on a time grid, in TEME, ITRF, GCRF
// or WGS-84 geodetic, written as CSV, JSON or CCSDS OEM.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/ephemeris.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

namespace vantage::cli {

namespace {

struct PropagateOptions {
    ElementInput elements;
    std::string start;
    std::string stop;
    double step_s = 0.0;
    std::string since_epoch;
    std::string frame = "teme";
    std::string format = "csv";
    std::string eop_file;
    std::string out_file;
    std::string gravity = "wgs72";
    std::string opsmode = "i";
    double max_age_days = 30.0;
    bool strict = false;
};

// Absolute grid: start, start + step, ... up to and including stop (when it lands on the grid within
// 1 µs, so that 00:00 to 24:00 by 60 s gives 1441 states).
std::vector<time::Instant> absolute_grid(const time::Instant &start, const time::Instant &stop, double step_s)
{
    if (!(step_s > 0.0) || !std::isfinite(step_s)) {
        throw ConfigError(ErrorCode::out_of_range, "must be a positive number of seconds",
                          ErrorContext{"", 0, "--step-s", fmt::format("{}", step_s)});
    }
    const double span_s = (stop - start).seconds();
    if (span_s < 0.0) {
        throw ConfigError(ErrorCode::out_of_range, "--stop is before --start", ErrorContext{"", 0, "--stop", ""});
    }
    const auto n = static_cast<std::int64_t>(std::floor(span_s / step_s + 1e-6 / step_s)) + 1;
    constexpr std::int64_t max_steps = 100'000'000;
    if (n > max_steps) {
        throw ConfigError(ErrorCode::out_of_range, fmt::format("{} time steps requested; the limit is {}", n, max_steps),
                          ErrorContext{"", 0, "--step-s", fmt::format("{}", step_s)});
    }
    std::vector<time::Instant> times;
    times.reserve(static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < n; ++k) {
        times.push_back(start + time::Duration::from_seconds(static_cast<double>(k) * step_s));
    }
    return times;
}

struct MinuteRange {
    double start_min, stop_min, step_min;
};

MinuteRange parse_minute_range(const std::string &text)
{
    const auto fail = [&](const std::string &why) {
        throw ConfigError(ErrorCode::invalid_number, why, ErrorContext{"", 0, "--since-epoch-min", text});
    };
    std::vector<double> parts;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t colon = text.find(':', pos);
        const std::string item = text.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
        char *end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v)) {
            fail("expected START:STOP:STEP in minutes since epoch");
        }
        parts.push_back(v);
        if (colon == std::string::npos) {
            break;
        }
        pos = colon + 1;
    }
    if (parts.size() != 3) {
        fail("expected START:STOP:STEP in minutes since epoch");
    }
    if (!(parts[2] > 0.0) || parts[1] < parts[0]) {
        fail("STEP must be positive and STOP >= START");
    }
    if ((parts[1] - parts[0]) / parts[2] > 1e8) {
        fail("more than 1e8 time steps requested");
    }
    return {parts[0], parts[1], parts[2]};
}

orbits::Sgp4Options sgp4_options(const PropagateOptions &o)
{
    orbits::Sgp4Options opt;
    opt.gravity = o.gravity == "wgs84" ? orbits::GravityModel::wgs84 : orbits::GravityModel::wgs72;
    opt.opsmode = o.opsmode == "a" ? orbits::OpsMode::afspc : orbits::OpsMode::improved;
    return opt;
}

/// Per-satellite account of states SGP4 could not compute.
struct FailureLog {
    std::size_t count = 0;
    double first_min = 0.0;
    orbits::Sgp4Status first_status = orbits::Sgp4Status::ok;
    void record(double minutes, orbits::Sgp4Status s)
    {
        if (count++ == 0) {
            first_min = minutes;
            first_status = s;
        }
    }
};

class StateConverter {
public:
    StateConverter(io::OutputFrame frame, frames::EarthOrientation eop) : m_frame(frame), m_eop(std::move(eop)) {}

    void convert(const time::Instant &t, const Vec3 &r_km, const Vec3 &v_km_s, double *values) const
    {
        const frames::StateVector<frames::Teme> teme{t, r_km, v_km_s};
        switch (m_frame) {
        case io::OutputFrame::teme: put(teme.r_km, teme.v_km_s, values); break;
        case io::OutputFrame::itrf: {
            const auto s = frames::teme_to_itrf(teme, m_eop);
            put(s.r_km, s.v_km_s, values);
            break;
        }
        case io::OutputFrame::gcrf: {
            const auto s = frames::teme_to_gcrf(teme, m_eop);
            put(s.r_km, s.v_km_s, values);
            break;
        }
        case io::OutputFrame::geodetic: {
            const auto s = frames::teme_to_itrf(teme, m_eop);
            const frames::Geodetic g = frames::itrf_to_geodetic(s.r_km);
            values[0] = g.lat_deg;
            values[1] = g.lon_deg;
            values[2] = g.h_km;
            break;
        }
        }
    }

private:
    static void put(const Vec3 &r, const Vec3 &v, double *values)
    {
        for (int i = 0; i < 3; ++i) {
            values[i] = r[i];
            values[3 + i] = v[i];
        }
    }
    io::OutputFrame m_frame;
    frames::EarthOrientation m_eop;
};

int run_propagate(const PropagateOptions &o)
{
    const bool absolute = !o.start.empty();
    if (o.format == "oem" && o.frame == "geodetic") { // checked before any input is read: a usage error
        throw_usage_error("--frame", "OEM carries Cartesian states (--format oem): use --frame teme, itrf or gcrf", o.frame);
    }
    // ---- inputs
    LoadedElements loaded = load_elements(o.elements, std::cerr);
    std::vector<io::ElementRecord> records = std::move(loaded.records);
    io::OutputFrame frame = io::OutputFrame::teme;
    if (o.frame == "itrf") frame = io::OutputFrame::itrf;
    else if (o.frame == "gcrf") frame = io::OutputFrame::gcrf;
    else if (o.frame == "geodetic") frame = io::OutputFrame::geodetic;
    io::EphemerisFormat format = io::EphemerisFormat::csv;
    if (o.format == "json") format = io::EphemerisFormat::json;
    else if (o.format == "oem") format = io::EphemerisFormat::oem;

    std::vector<time::Instant> grid;
    MinuteRange minutes{};
    if (absolute) {
        grid = absolute_grid(parse_time_option(o.start, "--start"), parse_time_option(o.stop, "--stop"), o.step_s);
    } else {
        minutes = parse_minute_range(o.since_epoch);
    }

    frames::EarthOrientation eop;
    if (!o.eop_file.empty()) {
        eop = io::read_eop_file(o.eop_file);
    }
    if (frame != io::OutputFrame::teme) {
        std::optional<std::string> warn;
        if (absolute && !grid.empty()) {
            warn = eop.coverage_warning(grid.front(), grid.back());
        } else if (!records.empty()) {
            warn = eop.coverage_warning(records.front().elements.epoch, records.front().elements.epoch);
        }
        if (warn) {
            std::cerr << "warning: " << *warn << '\n';
        }
    }
    const StateConverter converter(frame, eop);

    // ---- output
    OutputTarget target(o.out_file, "--out");
    std::ostream &out = target.stream();
    io::EphemerisWriter writer(out, format, frame, creation_time());

    const orbits::Sgp4Options sgp4_opt = sgp4_options(o);
    std::vector<orbits::Sgp4Propagator> sats;
    sats.reserve(records.size());
    for (const auto &r : records) {
        sats.emplace_back(r.elements, sgp4_opt);
    }

    bool problems = loaded.rejected > 0;
    const double max_age_min = o.max_age_days * 1440.0;
    auto report = [&](const orbits::Sgp4Propagator &p, const FailureLog &log, std::size_t total, double worst_age_min) {
        const auto &e = p.elements();
        if (std::abs(worst_age_min) > max_age_min) {
            std::cerr << fmt::format("warning: norad_id {}: element set epoch {} is {:.1f} days from a propagation time "
                                     "(limit --max-age-days {}); SGP4 errors grow by roughly 1-3 km per day from epoch\n",
                                     e.norad_id, e.epoch.to_iso8601_utc(6), std::abs(worst_age_min) / 1440.0,
                                     o.max_age_days);
        }
        if (log.count > 0) {
            problems = true;
            std::cerr << fmt::format("warning: norad_id {}: SGP4 error {} ({}) at {} minutes since epoch; {} of {} "
                                     "states not written\n",
                                     e.norad_id, static_cast<int>(log.first_status), orbits::describe(log.first_status),
                                     log.first_min, log.count, total);
        }
    };

    if (absolute) {
        // Batch path: chunks of satellites x all times into structure-of-arrays buffers.
        const std::size_t m = grid.size();
        const std::size_t chunk = std::max<std::size_t>(1, std::min<std::size_t>(64, (1u << 22) / std::max<std::size_t>(m, 1)));
        std::vector<double> x, y, z, vx, vy, vz;
        std::vector<orbits::Sgp4Status> st;
        for (std::size_t i0 = 0; i0 < sats.size(); i0 += chunk) {
            const std::size_t n = std::min(chunk, sats.size() - i0);
            for (auto *v : {&x, &y, &z, &vx, &vy, &vz}) {
                v->assign(n * m, 0.0);
            }
            st.assign(n * m, orbits::Sgp4Status::ok);
            orbits::propagate_batch(std::span<const orbits::Sgp4Propagator>(sats.data() + i0, n), grid,
                                    orbits::Sgp4BatchOutput{x, y, z, vx, vy, vz, st});
            for (std::size_t i = 0; i < n; ++i) {
                const auto &p = sats[i0 + i];
                const auto &e = p.elements();
                writer.begin_segment({e.norad_id, e.object_name, e.object_id});
                FailureLog log;
                double worst_age = 0.0;
                for (std::size_t j = 0; j < m; ++j) {
                    const std::size_t k = i * m + j;
                    const double tmin = p.minutes_since_epoch(grid[j]);
                    worst_age = std::abs(tmin) > std::abs(worst_age) ? tmin : worst_age;
                    if (st[k] != orbits::Sgp4Status::ok) {
                        log.record(tmin, st[k]);
                        continue;
                    }
                    io::EphemerisRow row;
                    row.t = grid[j];
                    row.minutes_since_epoch = tmin;
                    converter.convert(grid[j], Vec3(x[k], y[k], z[k]), Vec3(vx[k], vy[k], vz[k]), row.values);
                    writer.add(row);
                }
                writer.end_segment();
                report(p, log, m, worst_age);
            }
        }
    } else {
        const auto steps = static_cast<std::int64_t>(std::floor((minutes.stop_min - minutes.start_min) / minutes.step_min + 1e-9)) + 1;
        for (const auto &p : sats) {
            const auto &e = p.elements();
            writer.begin_segment({e.norad_id, e.object_name, e.object_id});
            FailureLog log;
            double worst_age = 0.0;
            for (std::int64_t k = 0; k < steps; ++k) {
                const double tmin = minutes.start_min + static_cast<double>(k) * minutes.step_min;
                worst_age = std::abs(tmin) > std::abs(worst_age) ? tmin : worst_age;
                const orbits::Sgp4State s = p.propagate_minutes(tmin);
                if (s.status != orbits::Sgp4Status::ok) {
                    log.record(tmin, s.status);
                    continue;
                }
                io::EphemerisRow row;
                row.t = e.epoch + time::Duration::from_minutes(tmin);
                row.minutes_since_epoch = tmin;
                converter.convert(row.t, s.r_km, s.v_km_s, row.values);
                writer.add(row);
            }
            writer.end_segment();
            report(p, log, static_cast<std::size_t>(steps), worst_age);
        }
    }
    writer.finish();
    target.check();
    return (o.strict && problems) ? exit_strict : exit_ok;
}

} // namespace

Runner add_propagate(CLI::App &app)
{
    auto opts = std::make_shared<PropagateOptions>();
    CLI::App *cmd = app.add_subcommand("propagate", "SGP4/SDP4 states of TLE/OMM element sets on a time grid");
    add_element_options(cmd, opts->elements);
    auto *start = cmd->add_option("--start", opts->start, "first time, ISO 8601 UTC (e.g. 2025-10-03T00:00:00Z)");
    auto *stop = cmd->add_option("--stop", opts->stop, "last time, ISO 8601 UTC");
    auto *step = cmd->add_option("--step-s", opts->step_s, "time step in seconds (> 0)");
    auto *since = cmd->add_option("--since-epoch-min", opts->since_epoch,
                                  "START:STOP:STEP in minutes since each element set's epoch");
    start->needs(stop)->needs(step)->excludes(since);
    stop->needs(start);
    step->needs(start);
    since->excludes(start);
    cmd->add_option("--frame", opts->frame, "output frame")
        ->check(CLI::IsMember({"teme", "itrf", "gcrf", "geodetic"}))
        ->capture_default_str();
    cmd->add_option("--format", opts->format, "output format")->check(CLI::IsMember({"csv", "json", "oem"}))->capture_default_str();
    cmd->add_option("--eop", opts->eop_file, "Earth orientation file (CelesTrak EOP-All.csv or IERS finals2000A)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", opts->out_file, "write to this file instead of stdout");
    cmd->add_option("--gravity", opts->gravity, "SGP4 gravity constants")->check(CLI::IsMember({"wgs72", "wgs84"}))->capture_default_str();
    cmd->add_option("--opsmode", opts->opsmode, "SGP4 operation mode: i (improved) or a (AFSPC)")
        ->check(CLI::IsMember({"i", "a"}))
        ->capture_default_str();
    cmd->add_option("--max-age-days", opts->max_age_days, "warn when a state is this many days from its epoch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--strict", opts->strict, "exit with status 3 if any record was rejected or any state failed");
    cmd->callback([opts, start, since]() {
        require_element_input(opts->elements);
        if (start->count() == 0 && since->count() == 0) {
            throw CLI::RequiredError("--start/--stop/--step-s or --since-epoch-min");
        }
    });
    return [opts]() { return run_propagate(*opts); };
}

} // namespace vantage::cli
