// vantage passes: ground-station passes (AOS, TCA, LOS, max elevation) of TLE/OMM satellites over the
// stations of a CSV file, found by the access engine (no pass of >= --min-window-s is missed).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/access/access.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/stations.hpp"

namespace vantage::cli {

namespace {

struct PassesOptions {
    ElementInput elements;
    std::string stations_file;
    std::string start;
    std::string stop;
    std::optional<double> min_elevation_deg;
    std::string format = "csv";
    std::string eop_file;
    std::string out_file;
    double min_window_s = 1.0;
    int threads = 0;
    bool timing = false;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int run_passes(const PassesOptions &o)
{
    const auto t_read = Clock::now();
    // ---- inputs
    std::vector<io::ElementRecord> records = load_elements(o.elements, std::cerr).records;
    auto stations = io::read_stations_csv(o.stations_file);
    print_diagnostics(std::cerr, stations.rejected);
    print_diagnostics(std::cerr, stations.warnings);
    if (o.min_elevation_deg) {
        if (!(*o.min_elevation_deg >= -90.0 && *o.min_elevation_deg <= 90.0)) {
            throw ConfigError(ErrorCode::out_of_range, "must be in [-90, 90] degrees",
                              ErrorContext{"", 0, "--min-elevation-deg", fmt::format("{}", *o.min_elevation_deg)});
        }
        for (auto &s : stations.items) {
            s.min_elevation_deg = *o.min_elevation_deg;
            s.mask.clear();
        }
    }
    const AnalysisSpan span = read_analysis_span(o.start, o.stop, o.eop_file, std::cerr);
    const time::Instant &start = span.start;
    const time::Instant &stop = span.stop;
    const frames::EarthOrientation &eop = span.eop;
    const std::vector<access::Satellite> sats = sgp4_satellites(records, "passes", std::cerr);
    access::SearchOptions search;
    search.min_window_s = o.min_window_s;
    search.threads = o.threads;
    const double read_s = seconds_since(t_read);
    const auto t_search = Clock::now();
    const auto passes = access::find_station_passes(sats, stations.items, start, stop, eop, search);
    const double search_s = seconds_since(t_search);
    const auto t_write = Clock::now();

    // ---- output
    OutputTarget target(o.out_file, "--out");
    std::ostream &out = target.stream();
    if (o.format == "json") {
        nlohmann::ordered_json j;
        j["start_utc"] = start.to_iso8601_utc(6);
        j["stop_utc"] = stop.to_iso8601_utc(6);
        j["passes"] = nlohmann::ordered_json::array();
        for (const auto &p : passes) {
            const auto &w = p.window;
            j["passes"].push_back({{"norad_id", sats[p.satellite].propagator.elements().norad_id},
                                   {"satellite", sats[p.satellite].name},
                                   {"station", stations.items[p.station].name},
                                   {"aos_utc", w.start.to_iso8601_utc(6)},
                                   {"tca_utc", w.best.to_iso8601_utc(6)},
                                   {"los_utc", w.end.to_iso8601_utc(6)},
                                   {"max_elevation_deg", w.max_elevation_deg},
                                   {"duration_s", w.duration_s()},
                                   {"partial", w.partial}});
        }
        out << j.dump() << '\n';
    } else {
        write_passes_csv(out, passes, sats, stations.items);
    }
    target.check();
    if (o.timing) {
        std::cerr << fmt::format("timing: read_s {:.6f} search_s {:.6f} write_s {:.6f} passes {} satellites {} stations {}\n",
                                 read_s, search_s, seconds_since(t_write), passes.size(), sats.size(),
                                 stations.items.size());
    }
    return exit_ok;
}

} // namespace

Runner add_passes(CLI::App &app)
{
    auto opts = std::make_shared<PassesOptions>();
    CLI::App *cmd = app.add_subcommand("passes", "ground-station passes (AOS/TCA/LOS) of TLE/OMM satellites");
    add_element_options(cmd, opts->elements);
    cmd->add_option("--stations", opts->stations_file, "ground-station CSV (name,lat_deg,lon_deg,alt_m[,min_elevation_deg,...])")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--start", opts->start, "analysis start, ISO 8601 UTC (e.g. 2025-10-03T00:00:00Z)")->required();
    cmd->add_option("--stop", opts->stop, "analysis stop, ISO 8601 UTC")->required();
    cmd->add_option("--min-elevation-deg", opts->min_elevation_deg,
                    "elevation mask for every station (degrees); overrides the file's min_elevation_deg");
    cmd->add_option("--format", opts->format, "output format")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    cmd->add_option("--eop", opts->eop_file, "Earth orientation file (CelesTrak EOP-All.csv or IERS finals2000A)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", opts->out_file, "write to this file instead of stdout");
    cmd->add_option("--min-window-s", opts->min_window_s, "no pass at least this long is missed (s)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--threads", opts->threads, "worker threads (0 = all hardware threads)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_flag("--timing", opts->timing, "print read/search/write wall-clock seconds to stderr");
    cmd->callback([opts]() {
        require_element_input(opts->elements);
    });
    return [opts]() { return run_passes(*opts); };
}

} // namespace vantage::cli
