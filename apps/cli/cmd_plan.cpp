// vantage plan / vantage replan: the tasking planner on a scenario (docs/formats.md § Tasking scenario, § Tasking
// plan). Thin: read the mission, call scheduling::plan / replan, write the files, print a summary.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "vantage/io/elements.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/io/plan_io.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::cli {

namespace {

namespace fs = std::filesystem;

struct PlanCliOptions {
    std::string scenario;
    std::string out_dir; ///< empty: write nothing
    std::optional<std::uint64_t> seed;
    std::optional<int> iterations;
    std::optional<double> time_limit_s;
    bool compare_relays = false; ///< plan: plan again without the relays, report both latencies
    // replan
    std::string plan_file;
    std::string now;
    std::string add_file;
    std::vector<std::string> remove_stations;
    std::vector<std::string> remove_requests;
    std::string elements_file;
    std::string failed;
    std::optional<double> freeze_h;
    bool replanning = false; ///< --iterations sets planning.replan_iterations
};

void write_file(const fs::path &path, const std::string &text)
{
    std::ofstream f(path, std::ios::binary);
    f << text;
    f.close();
    if (!f) {
        throw Error(ErrorCode::file_read, fmt::format("cannot write '{}'", path.string()), ErrorContext{path.string(), 0, "--out", ""});
    }
}

scheduling::PlanningOptions options_of(const scheduling::Mission &m, const PlanCliOptions &o)
{
    scheduling::PlanningOptions p = m.planning;
    if (o.seed) {
        p.seed = *o.seed;
    }
    if (o.iterations) {
        (o.replanning ? p.replan_iterations : p.iterations) = *o.iterations;
    }
    if (o.time_limit_s) {
        p.time_limit_s = *o.time_limit_s;
    }
    return p;
}

/// What the progress line shows beside the elapsed time: the search's caps.
std::string search_detail(const scheduling::PlanningOptions &p, bool replanning)
{
    const int iterations = replanning ? p.replan_iterations : p.iterations;
    return fmt::format(" (search: at most {} or {} s)", count_of(static_cast<std::size_t>(iterations), "iteration"),
                       human_value(p.time_limit_s));
}

/// Reads plan.cache beside a plan.json; an empty cache (with a warning) when it is missing or unusable.
scheduling::OpportunityCache read_cache_beside(const fs::path &plan_json)
{
    const fs::path path = plan_json.parent_path() / "plan.cache";
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        return {};
    }
    std::stringstream ss;
    ss << f.rdbuf();
    std::string why;
    if (auto c = io::parse_opportunity_cache(ss.str(), &why)) {
        return *c;
    }
    std::cerr << fmt::format("warning: {}: {}; the opportunities are computed afresh\n", path.string(), why);
    return {};
}

/// Writes the plan's files into --out; nothing without --out (no silent writes into the working directory).
void write_plan_files(const scheduling::Plan &plan, const scheduling::Mission &m, const PlanCliOptions &o,
                      const scheduling::OpportunityCache &cache)
{
    if (o.out_dir.empty()) {
        return;
    }
    fs::create_directories(o.out_dir);
    const fs::path dir(o.out_dir);
    write_file(dir / "plan.json", io::plan_to_json(plan, m, fs::path(o.scenario).filename().string()));
    write_file(dir / "timeline.csv", io::plan_timeline_csv(plan, m));
    write_file(dir / "plan.czml", io::plan_to_czml(plan, m));
    write_file(dir / "plan.cache", io::opportunity_cache_to_bytes(cache));
}

/// The relays' part of the summary: sessions used, relayed images, and the delivery latency per region (with the plan
/// without relays beside it when it was made).
void print_relays(std::ostream &out, const scheduling::Plan &plan, const scheduling::Mission &m)
{
    const auto &mt = plan.metrics;
    if (!m.relays.empty()) {
        std::size_t via = 0;
        double gbit = 0.0;
        for (const auto &d : plan.downlinks) {
            if (d.relay) {
                ++via;
                gbit += d.data_gbit;
            }
        }
        std::string names;
        for (const auto &r : m.relays) {
            names += (names.empty() ? "" : ", ") + r.end.name;
        }
        out << fmt::format("  relays         {}: {}, {} Gbit; {} of {} relayed\n", names, count_of(via, "relay downlink"),
                           human_number(gbit), human_number(static_cast<double>(mt.relayed_acquisitions)),
                           count_of(plan.acquisitions.size(), "acquisition"));
    }
    if (mt.latency_regions.empty()) {
        return;
    }
    const auto *w = mt.without_relays ? &*mt.without_relays : nullptr;
    out << "  latency (acquisition end -> on the ground), h" << (w ? ": with relays | without" : "") << '\n';
    out << fmt::format("  {:<16} {:>6} {:>7} {:>6} {:>6}{}\n", "region", "images", "relayed", "p50", "p95",
                       w ? " |  images    p50    p95" : "");
    for (const auto &r : mt.latency_regions) {
        std::string right;
        if (w) {
            const auto it = std::find_if(w->latency_regions.begin(), w->latency_regions.end(),
                                         [&](const auto &x) { return x.region == r.region; });
            right = it == w->latency_regions.end() ? " |       0      -      -"
                                                    : fmt::format(" | {:>7} {:>6.2f} {:>6.2f}", it->acquisitions, it->p50_h, it->p95_h);
        }
        out << fmt::format("  {:<16} {:>6} {:>7} {:>6.2f} {:>6.2f}{}\n", r.region, r.acquisitions, r.relayed, r.p50_h, r.p95_h, right);
    }
    if (w) {
        out << fmt::format("  without relays value {}, {} / {} served, latency p50 {:.2f} h, p95 {:.2f} h\n", human_value(w->value),
                           w->requests_served, mt.requests_total, w->latency_p50_h, w->latency_p95_h);
    }
}

void print_summary(std::ostream &out, const scheduling::Plan &plan, const scheduling::Mission &m, const PlanCliOptions &o)
{
    const auto &mt = plan.metrics;
    std::size_t strips = 0;
    double data = 0.0;
    for (const auto &a : plan.acquisitions) {
        strips += a.strip_count > 1 ? 1 : 0;
        data += a.data_gbit;
    }
    out << fmt::format("Plan of {}: {} .. {}, {}, {}, {} ({})\n", o.scenario, m.start.to_iso8601_utc(0),
                       m.stop.to_iso8601_utc(0), count_of(m.satellites.size(), "satellite"),
                       count_of(m.stations.size(), "ground station"), count_of(m.requests.size(), "request"),
                       count_of(static_cast<std::size_t>(mt.requests_total), "occurrence"));
    out << fmt::format("  opportunities  {} (access and strips in {:.1f} s)\n", human_number(static_cast<double>(mt.opportunities)),
                       mt.opportunities_seconds);
    out << fmt::format("  acquisitions   {} ({}), {} Gbit; {}\n", human_number(static_cast<double>(plan.acquisitions.size())),
                       count_of(strips, "polygon strip"), human_number(data), count_of(plan.downlinks.size(), "downlink"));
    const double pct = mt.value_upper_bound > 0.0 ? 100.0 * mt.value / mt.value_upper_bound : 100.0;
    // the trivial bound only when the bound printed is another (else the same number twice)
    const bool other_bound = mt.bound_method != "trivial" && mt.value_trivial_bound != mt.value_upper_bound;
    out << fmt::format("  value          {} of upper bound {} ({}{}: {:.1f} %, gap {:.1f} %){}\n", human_value(mt.value),
                       human_value(mt.value_upper_bound), mt.bound_method, mt.bound_is_optimal ? ", optimal" : "", pct,
                       100.0 - pct, other_bound ? "; trivial bound " + human_value(mt.value_trivial_bound) : std::string());
    // clouds: what the plan knew, and what the forecast costs in expected value
    if (!m.clouds || m.clouds->empty()) {
        out << "  clouds         no cloud data: optical images planned as if the sky were clear\n";
    } else {
        int optical = 0;
        double p_sum = 0.0;
        for (const auto &a : plan.acquisitions) {
            if (a.cloud_probability) {
                ++optical;
                p_sum += *a.cloud_probability;
            }
        }
        const auto months = std::count_if(m.clouds->monthly.begin(), m.clouds->monthly.end(),
                                          [](const auto &g) { return g.has_value(); });
        out << fmt::format("  clouds         expected value {} of {} if every image were clear; {} with a cloud "
                           "forecast, mean P(clear enough) {:.2f} ({}, {})\n",
                           human_value(mt.value), human_value(mt.value_if_clear),
                           count_of(static_cast<std::size_t>(optical), "image"), optical > 0 ? p_sum / optical : 1.0,
                           count_of(m.clouds->forecasts.size(), "forecast field"),
                           count_of(static_cast<std::size_t>(months), "climatology month"));
    }
    // power: the satellites with a battery model, the lowest state of charge and what the battery refused
    if (!plan.energy.empty()) {
        const scheduling::EnergyProfile *low = nullptr;
        double low_soc = 2.0;
        for (const auto &e : plan.energy) {
            const double soc = e.min_wh / m.satellites[e.satellite].power->battery_wh;
            if (soc < low_soc) {
                low_soc = soc;
                low = &e;
            }
        }
        const auto refused = std::count_if(plan.unserved.begin(), plan.unserved.end(),
                                           [](const auto &u) { return u.reason == scheduling::UnservedReason::power; });
        out << fmt::format("  power          {} with a battery model; lowest state of charge {:.1f} % ({} at {}, "
                           "minimum {:.0f} %); {} refused for power\n",
                           count_of(plan.energy.size(), "satellite"), 100.0 * low_soc, m.satellites[low->satellite].sat.name,
                           low->min_time.to_iso8601_utc(0), 100.0 * m.satellites[low->satellite].power->min_soc,
                           count_of(static_cast<std::size_t>(refused), "occurrence"));
    }
    out << fmt::format("  served         {} / {} occurrences; latency p50 {:.2f} h, p95 {:.2f} h\n", mt.requests_served,
                       mt.requests_total, mt.latency_p50_h, mt.latency_p95_h);
    print_relays(out, plan, m);
    out << "  nation   value  share  rights  served\n";
    for (const auto &t : mt.tenants) {
        out << fmt::format("  {:<6} {:>7} {:5.1f}% {:5.1f}%  {}/{}\n", t.tenant, human_value(t.value), 100.0 * t.share, 100.0 * t.rights_share,
                           t.served, t.total);
    }
    // Served / total occurrences by priority (10 highest): served = occurrences with a valued acquisition.
    std::map<std::string, int> priority_of;
    for (const auto &q : m.requests) {
        priority_of[q.id] = q.priority;
    }
    std::map<int, std::pair<int, int>, std::greater<>> by_priority; // priority -> (served, total)
    std::set<std::pair<std::string, int>> served_occ;
    for (const auto &a : plan.acquisitions) {
        if (a.value > 0.0 && served_occ.emplace(a.request_id, a.occurrence).second) {
            auto &c = by_priority[priority_of[a.request_id]];
            ++c.first;
            ++c.second;
        }
    }
    for (const auto &u : plan.unserved) {
        ++by_priority[priority_of[u.request_id]].second;
    }
    std::string pl;
    for (const auto &[prio, c] : by_priority) {
        pl += fmt::format("{}P{} {}/{}", pl.empty() ? "" : "  ", prio, c.first, c.second);
    }
    out << "  by priority    " << pl << '\n';
    std::string tl;
    for (const auto &t : mt.tiers) {
        tl += fmt::format("{}{} {}/{} ({} with an opportunity)", tl.empty() ? "" : "  ", mission::to_string(t.tier),
                          t.served, t.total, t.with_opportunity);
    }
    out << "  by tier        " << tl << '\n';
    std::map<std::string, int> reasons;
    for (const auto &u : plan.unserved) {
        ++reasons[scheduling::to_string(u.reason)];
    }
    std::string r;
    for (const auto &[k, v] : reasons) {
        r += fmt::format("{}{} {}", r.empty() ? "" : ", ", k, v);
    }
    out << "  unserved       " << (r.empty() ? "none" : r) << '\n';
    out << fmt::format("  search         constructive {} -> {} after {} (seed {}) in {:.2f} s{}; bound {:.2f} s ({}, {}{})\n",
                       human_value(mt.constructive_value), human_value(mt.value),
                       count_of(static_cast<std::size_t>(mt.iterations_done), "ALNS iteration"), plan.seed, mt.plan_seconds,
                       mt.time_limit_hit ? " (time limit hit)" : "", mt.bound_seconds, mt.bound_method,
                       count_of(static_cast<std::size_t>(mt.bound_iterations), "pricing round"),
                       mt.bound_time_limit_hit ? ", time limit hit" : "");
    if (o.out_dir.empty()) {
        out << "  wrote          nothing (no --out DIR: plan.json, timeline.csv, plan.czml and plan.cache go there)\n";
    } else {
        const fs::path dir(o.out_dir);
        out << fmt::format("  wrote          {}, {}, {}, {}\n", (dir / "plan.json").string(), (dir / "timeline.csv").string(),
                           (dir / "plan.czml").string(), (dir / "plan.cache").string());
    }
}

int run_plan(const PlanCliOptions &o)
{
    const scheduling::Mission m = io::read_mission_file(o.scenario);
    if (auto warn = m.eop.coverage_warning(m.start, m.stop)) {
        std::cerr << "warning: " << *warn << '\n';
    }
    if (o.compare_relays && m.relays.empty()) { // before the search, not after it
        throw ConfigError(ErrorCode::missing_field, "--compare-relays needs a scenario with `relays`",
                          ErrorContext{o.scenario, 0, "relays", ""});
    }
    scheduling::OpportunityCache cache;
    ElapsedTicker ticker("planning", search_detail(options_of(m, o), false));
    scheduling::Plan plan = scheduling::plan(m, options_of(m, o), &cache);
    if (o.compare_relays) {
        scheduling::compare_without_relays(m, options_of(m, o), plan, &cache);
    }
    ticker.stop();
    write_plan_files(plan, m, o, cache);
    print_summary(std::cout, plan, m, o);
    return exit_ok;
}

std::string read_text(const std::string &path, const std::string &option)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw ParseError(ErrorCode::file_not_found, fmt::format("cannot open '{}'", path), ErrorContext{path, 0, option, path});
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// --now must lie in the plan's horizon [start_utc, stop_utc] (plan.json; the scenario's when the plan lacks them):
/// a replan after the horizon would change nothing and say "100 % unchanged". A usage error naming --now.
void check_now_in_horizon(const time::Instant &now, const PlanCliOptions &o, const std::string &plan_text,
                          const scheduling::Mission &m)
{
    time::Instant start = m.start;
    time::Instant stop = m.stop;
    const auto j = nlohmann::json::parse(plan_text, nullptr, false);
    if (j.is_object() && j.contains("start_utc") && j.contains("stop_utc") && j["start_utc"].is_string()
        && j["stop_utc"].is_string()) {
        try {
            start = time::Instant::parse_iso8601(j["start_utc"].get<std::string>());
            stop = time::Instant::parse_iso8601(j["stop_utc"].get<std::string>());
        } catch (const Error &) {
            // a malformed plan is reported by parse_plan_json with its line and field
        }
    }
    if (now < start || now > stop) {
        throw_usage_error("--now",
                          fmt::format("must lie within the plan's horizon {} .. {} ({})", start.to_iso8601_utc(0),
                                      stop.to_iso8601_utc(0), o.plan_file),
                          o.now, ErrorCode::out_of_range);
    }
}

int run_replan(const PlanCliOptions &o)
{
    scheduling::Mission m = io::read_mission_file(o.scenario);
    scheduling::ReplanInput in;
    in.now = parse_time_option(o.now, "--now");
    const std::string plan_text = read_text(o.plan_file, "--plan");
    check_now_in_horizon(in.now, o, plan_text, m);
    in.freeze_h = o.freeze_h;
    in.removed_stations = o.remove_stations;
    in.removed_requests = o.remove_requests;
    if (!o.add_file.empty()) {
        in.added = io::read_requests_file(o.add_file);
    }
    if (!o.failed.empty()) {
        std::stringstream ss(o.failed);
        std::string id;
        while (std::getline(ss, id, ',')) {
            if (!id.empty()) {
                in.failed.push_back(id);
            }
        }
    }
    if (!o.elements_file.empty()) {
        const auto read = io::read_elements_file(o.elements_file);
        print_diagnostics(std::cerr, read.rejected);
        print_diagnostics(std::cerr, read.warnings);
        std::size_t replaced = 0;
        for (const auto &rec : read.items) {
            bool used = false;
            for (auto &s : m.satellites) {
                if (s.sat.propagator.elements().norad_id == rec.elements.norad_id) {
                    s.sat.propagator = orbits::Sgp4Propagator(rec.elements, s.sat.propagator.options());
                    used = true;
                    ++replaced;
                }
            }
            if (!used) {
                std::cerr << fmt::format("warning: --elements: NORAD id {} is not a satellite of the scenario; ignored\n",
                                         rec.elements.norad_id);
            }
        }
        in.elements_changed = replaced > 0;
    }
    // a replan that changes anything explains its own unserved occurrences: the previous explanations are not read
    const scheduling::PreviousPlan prev =
        io::parse_plan_json(plan_text, o.plan_file, !in.changes_anything());
    scheduling::PlanChanges changes;
    scheduling::OpportunityCache cache = read_cache_beside(o.plan_file);
    ElapsedTicker ticker("replanning", search_detail(options_of(m, o), true));
    const scheduling::Plan plan = scheduling::replan(m, prev, in, options_of(m, o), changes, &cache);
    ticker.stop();
    // the mission the plan refers to includes the added requests and the outages
    m = scheduling::mission_after(m, in, options_of(m, o));
    write_plan_files(plan, m, o, cache);
    if (!o.out_dir.empty()) {
        write_file(fs::path(o.out_dir) / "changes.json", io::changes_to_json(changes));
    }
    print_summary(std::cout, plan, m, o);
    std::cout << fmt::format("  cache          {} of {} access windows' opportunities reused from {}\n",
                             human_number(static_cast<double>(cache.hits)),
                             human_number(static_cast<double>(cache.hits + cache.misses)), (fs::path(o.plan_file).parent_path() / "plan.cache").string());
    std::cout << fmt::format("  changes        kept {}, moved {}, added {}, removed {} (failed {}, frozen {}); {:.1f} % unchanged\n",
                             changes.kept.size(), changes.moved.size(), changes.added.size(), changes.removed.size(),
                             changes.failed.size(), changes.frozen.size(), 100.0 * changes.fraction_unchanged);
    if (!o.out_dir.empty()) {
        std::cout << fmt::format("  wrote          {}\n", (fs::path(o.out_dir) / "changes.json").string());
    }
    return exit_ok;
}

void add_common(CLI::App *cmd, PlanCliOptions &o)
{
    cmd->add_option("--scenario", o.scenario, "tasking scenario YAML (docs/formats.md)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", o.out_dir,
                    o.replanning ? "output directory for plan.json, timeline.csv, plan.czml, plan.cache, changes.json "
                                   "(created if needed; without it nothing is written)"
                                 : "output directory for plan.json, timeline.csv, plan.czml, plan.cache (created if "
                                   "needed; without it nothing is written)");
    cmd->add_option("--seed", o.seed, "ALNS random seed (default: planning.seed)");
    cmd->add_option("--iterations", o.iterations,
                    o.replanning ? "ALNS iterations after the repair (default: planning.replan_iterations)"
                                 : "ALNS iterations (default: planning.iterations)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--time-limit-s", o.time_limit_s, "wall-clock cap on the search (s)")->check(CLI::PositiveNumber);
}

} // namespace

Runner add_plan(CLI::App &app)
{
    auto o = std::make_shared<PlanCliOptions>();
    CLI::App *cmd = app.add_subcommand("plan", "plan acquisitions and downlinks for a tasking scenario's requests");
    add_common(cmd, *o);
    cmd->add_flag("--compare-relays", o->compare_relays,
                  "also plan without the scenario's relays and report both plans' latency per region (metrics.without_relays)");
    return [o]() { return run_plan(*o); };
}

Runner add_replan(CLI::App &app)
{
    auto o = std::make_shared<PlanCliOptions>();
    CLI::App *cmd = app.add_subcommand("replan", "replan at a time --now: urgent requests, a lost station, new element sets, failures");
    o->replanning = true;
    add_common(cmd, *o);
    cmd->add_option("--plan", o->plan_file, "the previous plan.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("--now", o->now, "replanning time, ISO 8601 UTC")->required();
    cmd->add_option("--add", o->add_file, "requests file to add (YAML/JSON, `requests:`)")->check(CLI::ExistingFile);
    cmd->add_option("--remove-station", o->remove_stations, "station unusable from --now on (repeatable)");
    cmd->add_option("--remove-request", o->remove_requests, "request id withdrawn from --now on (repeatable)");
    cmd->add_option("--elements", o->elements_file, "new element sets (TLE/OMM) replacing the satellites' of the same NORAD id")
        ->check(CLI::ExistingFile);
    cmd->add_option("--failed", o->failed, "comma-separated acquisition ids whose images were lost");
    cmd->add_option("--freeze-h", o->freeze_h, "keep everything starting before now + this (h; default planning.freeze_h)")
        ->check(CLI::NonNegativeNumber);
    return [o]() { return run_replan(*o); };
}

} // namespace vantage::cli
