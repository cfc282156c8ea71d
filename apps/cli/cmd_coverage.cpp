// vantage coverage: revisit, response time and time in view of a scenario's satellites over a grid of its areas
// (GeoJSON AOIs, a latitude band or the globe); runs on one machine (threads) or under mpirun (ranks).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "coverage_ranks.hpp"
#include "progress.hpp"
#include "vantage/coverage/coverage.hpp"
#include "vantage/io/coverage_output.hpp"
#include "vantage/io/coverage_scenario.hpp"
#include "vantage/io/geojson.hpp"

namespace vantage::cli {

namespace {

namespace fs = std::filesystem;

struct CoverageCliOptions {
    std::string scenario_file;
    std::string aoi_file;
    double grid_km = 0.0;
    int min_accesses = 0;
    std::string out_dir = "coverage-out";
    int threads = -1;
    bool quiet = false;
};

void write_file(const fs::path &path, const std::function<void(std::ostream &)> &body)
{
    OutputTarget t(path.string(), "--out");
    body(t.stream());
    t.check();
}

int run_coverage(const CoverageCliOptions &o)
{
    RankSession session;
    const Ranks &ranks = session.ranks();
    const bool lead = ranks.rank == 0;
    bool computing = false;
    try {
        const auto wall0 = std::chrono::steady_clock::now();
        io::CoverageScenario cs = io::read_coverage_scenario_file(o.scenario_file);
        if (!o.aoi_file.empty()) {
            io::set_regions_from_geojson_file(cs, o.aoi_file);
        }
        if (o.grid_km > 0.0) {
            cs.grid_km = o.grid_km;
            cs.grid_origin = ErrorContext{"", 0, "--grid-km", ""};
        }
        if (o.min_accesses > 0) {
            cs.min_accesses = o.min_accesses;
        }
        const io::Scenario &sc = cs.scenario;
        if (lead) {
            print_diagnostics(std::cerr, sc.diagnostics);
            if (auto warn = sc.eop.coverage_warning(sc.start, sc.stop)) {
                std::cerr << "warning: " << *warn << '\n';
            }
            if (!sc.targets.empty()) {
                std::cerr << "warning: the scenario's targets are not used by coverage (the grid points are)\n";
            }
            for (const auto &s : sc.satellites) {
                if (s.propagator.init_status() != orbits::Sgp4Status::ok) {
                    std::cerr << fmt::format("warning: norad_id {}: SGP4 initialisation failed ({}); it sees nothing\n",
                                             s.propagator.elements().norad_id, orbits::describe(s.propagator.init_status()));
                }
            }
        }
        const coverage::GridSelection sel = io::select_coverage_grid(cs);
        coverage::CoverageOptions opt;
        opt.search = sc.search;
        if (o.threads >= 0) {
            opt.search.threads = o.threads;
        } else if (ranks.size > 1) {
            opt.search.threads = default_threads(ranks);
        }
        ProgressBar bar(fmt::format("coverage {} points", sel.points.size()), lead && !o.quiet);
        opt.progress = [&](std::size_t done, std::size_t total) { bar.update(done, total); };
        computing = true;
        const RankedFigures r = compute_on_ranks(ranks, sc.satellites, sel.points, sc.start, sc.stop, sc.eop, opt);
        computing = false;
        bar.finish();
        if (!lead) {
            return exit_ok;
        }
        const double duration_s = (sc.stop - sc.start).seconds();
        const auto regions = coverage::summarize(sel, r.figures, duration_s, cs.min_accesses);

        const fs::path dir(o.out_dir);
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            throw Error(ErrorCode::file_read, fmt::format("cannot create the output folder: {}", ec.message()),
                        ErrorContext{o.out_dir, 0, "--out", ""});
        }
        write_file(dir / "points.csv",
                   [&](std::ostream &out) { io::write_coverage_points_csv(out, sel, r.figures, sc.start, sc.stop); });
        io::CoverageRunInfo info;
        info.scenario = o.scenario_file;
        info.start = sc.start;
        info.stop = sc.stop;
        info.satellites = sc.satellites.size();
        info.sensors = sc.sensors;
        info.search = sc.search;
        write_file(dir / "summary.json", [&](std::ostream &out) { out << io::coverage_summary_json(info, sel, regions); });
        write_file(dir / "coverage.geojson",
                   [&](std::ostream &out) { io::write_coverage_geojson(out, sel, r.figures, sc.start, sc.stop); });
        // run.json: how the work was spread (not part of the results; differs between runs).
        const coverage::ChunkPlan plan = coverage::plan_chunks(sel.points.size(), sc.satellites.size());
        nlohmann::ordered_json run;
        run["ranks"] = ranks.size;
        run["mpi"] = ranks.mpi;
        run["points"] = sel.points.size();
        run["chunk_size"] = plan.chunk_size;
        run["chunks"] = plan.chunks;
        run["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        run["per_rank"] = nlohmann::ordered_json::array();
        for (const auto &rep : r.reports) {
            run["per_rank"].push_back({{"rank", rep.rank},
                                       {"pid", rep.pid},
                                       {"host", rep.host},
                                       {"threads", rep.threads},
                                       {"points", rep.points},
                                       {"chunks", rep.chunks},
                                       {"compute_s", rep.compute_s},
                                       {"cpu_s", rep.cpu_s}});
        }
        write_file(dir / "run.json", [&](std::ostream &out) { out << run.dump(2) << '\n'; });

        for (const auto &g : regions) {
            std::cout << fmt::format("region \"{}\": {}, {} km2, covered {:.1f}% (>= {}: {:.1f}%), "
                                     "mean max gap {:.2f} h, mean response {:.2f} h (lower bound), time in view {:.2f}%\n",
                                     g.name, count_of(g.points, "point"), human_number(g.grid_area_km2),
                                     g.percent_area_covered, count_of(static_cast<std::size_t>(g.k), "access", "accesses"),
                                     g.percent_area_covered_at_least_k, g.max_gap_h.mean, g.mean_response_h.mean,
                                     100.0 * g.time_in_view_fraction.mean);
        }
        std::cout << fmt::format("wrote {}, {}, {} ({}, {}, {:.3f} s)\n", (dir / "points.csv").string(),
                                 (dir / "summary.json").string(), (dir / "coverage.geojson").string(),
                                 count_of(static_cast<std::size_t>(ranks.size), "rank"), count_of(sel.points.size(), "point"),
                                 run["wall_s"].get<double>());
        return exit_ok;
    } catch (const Error &e) {
        // Input errors happen on every rank alike: one message, from rank 0. A rank's own failure while computing
        // is printed by that rank; the others only report that another rank failed.
        const bool another_rank_failed = e.code() == ErrorCode::internal && e.context().field == "rank";
        if (lead || (computing && !another_rank_failed)) {
            std::cerr << (ranks.size > 1 ? fmt::format("error (rank {}): ", ranks.rank) : std::string("error: ")) << e.what()
                      << " [" << to_string(e.code()) << "]\n";
        }
        return exit_error;
    }
}

} // namespace

Runner add_coverage(CLI::App &app)
{
    auto opts = std::make_shared<CoverageCliOptions>();
    CLI::App *cmd = app.add_subcommand(
        "coverage", "revisit, response time and time in view over a grid (GeoJSON AOIs, latitude band or the globe); "
                    "runs under mpirun too");
    cmd->add_option("--scenario", opts->scenario_file, "scenario YAML with aoi: / coverage: (docs/formats.md)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--aoi", opts->aoi_file, "GeoJSON areas (Polygon/MultiPolygon; replace the scenario's aoi)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--grid-km", opts->grid_km, "grid spacing d (km; replaces coverage.grid_km)")->check(CLI::Range(1.0, 20000.0));
    cmd->add_option("--min-accesses", opts->min_accesses, "k of 'percent of area covered at least k times'")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--out", opts->out_dir, "output folder (points.csv, summary.json, coverage.geojson, run.json)")
        ->capture_default_str();
    cmd->add_option("--threads", opts->threads, "worker threads per process (0 = all; default: all, or shared among "
                                                "the MPI ranks of a node)")
        ->check(CLI::Range(0, 1024));
    cmd->add_flag("--quiet", opts->quiet, "no progress bar");
    return [opts]() { return run_coverage(*opts); };
}

} // namespace vantage::cli
