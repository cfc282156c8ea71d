// vantage eclipses: Earth-shadow intervals (penumbra and umbra entry and exit) of TLE/OMM satellites, conical
// (default) or cylindrical shadow (access::find_eclipses; definitions in docs/formats.md § Eclipses).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/access/eclipse.hpp"
#include "vantage/io/eop.hpp"

namespace vantage::cli {

namespace {

struct EclipsesOptions {
    ElementInput elements;
    std::string start;
    std::string stop;
    std::string model = "conical";
    std::string format = "csv";
    std::string eop_file;
    std::string out_file;
    double step_s = 30.0;
};

int run_eclipses(const EclipsesOptions &o)
{
    const std::vector<io::ElementRecord> records = load_elements(o.elements, std::cerr).records;
    const AnalysisSpan span = read_analysis_span(o.start, o.stop, o.eop_file, std::cerr);
    const time::Instant &start = span.start;
    const time::Instant &stop = span.stop;
    const std::vector<access::Satellite> sats = sgp4_satellites(records, "eclipses", std::cerr);
    const auto model = o.model == "cylindrical" ? access::ShadowModel::cylindrical : access::ShadowModel::conical;
    const auto eclipses = access::find_eclipses(sats, start, stop, span.eop, model, o.step_s);

    OutputTarget target(o.out_file, "--out");
    std::ostream &out = target.stream();
    auto iso = [](const std::optional<time::Instant> &t) { return t ? t->to_iso8601_utc(6) : std::string(); };
    if (o.format == "json") {
        nlohmann::ordered_json j;
        j["start_utc"] = start.to_iso8601_utc(6);
        j["stop_utc"] = stop.to_iso8601_utc(6);
        j["model"] = o.model;
        j["eclipses"] = nlohmann::ordered_json::array();
        for (const auto &e : eclipses) {
            nlohmann::ordered_json x{{"norad_id", sats[e.satellite].propagator.elements().norad_id},
                                     {"satellite", sats[e.satellite].name},
                                     {"penumbra_start_utc", e.penumbra_start.to_iso8601_utc(6)},
                                     {"umbra_start_utc", e.umbra_start ? nlohmann::ordered_json(iso(e.umbra_start)) : nullptr},
                                     {"umbra_end_utc", e.umbra_end ? nlohmann::ordered_json(iso(e.umbra_end)) : nullptr},
                                     {"penumbra_end_utc", e.penumbra_end.to_iso8601_utc(6)},
                                     {"duration_s", (e.penumbra_end - e.penumbra_start).seconds()},
                                     {"umbra_s", e.umbra_start ? (*e.umbra_end - *e.umbra_start).seconds() : 0.0},
                                     {"partial", e.partial}};
            j["eclipses"].push_back(std::move(x));
        }
        out << j.dump() << '\n';
    } else {
        out << "norad_id,satellite,penumbra_start_utc,umbra_start_utc,umbra_end_utc,penumbra_end_utc,duration_s,umbra_s,"
               "partial\n";
        for (const auto &e : eclipses) {
            out << fmt::format("{},{},{},{},{},{},{:.3f},{:.3f},{}\n", sats[e.satellite].propagator.elements().norad_id,
                               csv_field(sats[e.satellite].name), e.penumbra_start.to_iso8601_utc(6), iso(e.umbra_start),
                               iso(e.umbra_end), e.penumbra_end.to_iso8601_utc(6),
                               (e.penumbra_end - e.penumbra_start).seconds(),
                               e.umbra_start ? (*e.umbra_end - *e.umbra_start).seconds() : 0.0, e.partial ? "true" : "false");
        }
    }
    target.check();
    return exit_ok;
}

} // namespace

Runner add_eclipses(CLI::App &app)
{
    auto opts = std::make_shared<EclipsesOptions>();
    CLI::App *cmd = app.add_subcommand("eclipses", "Earth-shadow intervals (penumbra, umbra) of TLE/OMM satellites");
    add_element_options(cmd, opts->elements);
    cmd->add_option("--start", opts->start, "analysis start, ISO 8601 UTC (e.g. 2025-10-03T00:00:00Z)")->required();
    cmd->add_option("--stop", opts->stop, "analysis stop, ISO 8601 UTC")->required();
    cmd->add_option("--model", opts->model, "shadow model: conical (umbra and penumbra) or cylindrical (umbra only)")
        ->check(CLI::IsMember({"conical", "cylindrical"}))
        ->capture_default_str();
    cmd->add_option("--format", opts->format, "output format")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    cmd->add_option("--eop", opts->eop_file, "Earth orientation file (CelesTrak EOP-All.csv or IERS finals2000A)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", opts->out_file, "write to this file instead of stdout");
    cmd->add_option("--step-s", opts->step_s, "sampling step of the shadow functions (s, (0, 600]); shorter crossings can be missed")
        ->check(CLI::Range(1e-3, 600.0))
        ->capture_default_str();
    cmd->callback([opts]() { require_element_input(opts->elements); });
    return [opts]() { return run_eclipses(*opts); };
}

} // namespace vantage::cli
