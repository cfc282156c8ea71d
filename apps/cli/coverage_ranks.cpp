// Coverage across MPI ranks (see coverage_ranks.hpp). The only file of Vantage that includes <mpi.h>.
#include "coverage_ranks.hpp"

#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vantage/core/error.hpp"

#ifdef VANTAGE_WITH_MPI
#define OMPI_SKIP_MPICXX 1 // the C API only
#include <mpi.h>
#endif

namespace vantage::cli {

namespace {

int env_int(const char *name, int fallback)
{
    const char *v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        return fallback;
    }
    return std::atoi(v);
}

/// Launched by an MPI launcher: OpenMPI (OMPI_COMM_WORLD_SIZE), MPICH/Hydra or Slurm PMI (PMI_SIZE), PMIx.
int launcher_size()
{
    int n = env_int("OMPI_COMM_WORLD_SIZE", 0);
    if (n == 0) {
        n = env_int("PMI_SIZE", 0);
    }
    if (n == 0 && std::getenv("PMIX_RANK") != nullptr) {
        n = env_int("PMIX_SIZE", 1);
    }
    return n;
}

std::string host_name()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) {
        return "unknown";
    }
    return buf;
}

constexpr std::size_t doubles_per_point = 10;

void pack(const coverage::PointFigures &f, double *d)
{
    d[0] = f.accesses;
    d[1] = f.satellite_passes;
    d[2] = f.gaps;
    d[3] = f.first_access_s ? 1.0 : 0.0;
    d[4] = f.first_access_s.value_or(0.0);
    d[5] = f.max_gap_s;
    d[6] = f.mean_gap_s;
    d[7] = f.p95_gap_s;
    d[8] = f.mean_response_s;
    d[9] = f.time_in_view_s;
}

coverage::PointFigures unpack(const double *d)
{
    coverage::PointFigures f;
    f.accesses = static_cast<std::uint32_t>(d[0]);
    f.satellite_passes = static_cast<std::uint32_t>(d[1]);
    f.gaps = static_cast<std::uint32_t>(d[2]);
    if (d[3] != 0.0) {
        f.first_access_s = d[4];
    }
    f.max_gap_s = d[5];
    f.mean_gap_s = d[6];
    f.p95_gap_s = d[7];
    f.mean_response_s = d[8];
    f.time_in_view_s = d[9];
    return f;
}

double process_cpu_s()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

std::vector<std::size_t> chunks_of(const coverage::ChunkPlan &plan, int rank, int size)
{
    std::vector<std::size_t> ids;
    for (std::size_t c = static_cast<std::size_t>(rank); c < plan.chunks; c += static_cast<std::size_t>(size)) {
        ids.push_back(c);
    }
    return ids;
}

} // namespace

RankSession::RankSession()
{
    const int n = launcher_size();
#ifdef VANTAGE_WITH_MPI
    if (n >= 1) {
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &m_ranks.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &m_ranks.size);
        m_ranks.mpi = true;
        m_ranks.local_size = std::max(1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE", env_int("MPI_LOCALNRANKS", m_ranks.size)));
    }
#else
    if (n > 1) {
        throw ConfigError(ErrorCode::unsupported,
                          fmt::format("started by an MPI launcher with {} ranks, but this vantage was built without MPI "
                                      "(install libopenmpi-dev and rebuild)",
                                      n),
                          ErrorContext{"", 0, "mpirun", std::to_string(n)});
    }
#endif
}

RankSession::~RankSession()
{
#ifdef VANTAGE_WITH_MPI
    if (m_ranks.mpi) {
        MPI_Finalize();
    }
#endif
}

int default_threads(const Ranks &ranks)
{
    if (ranks.size <= 1) {
        return 0;
    }
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, hw / std::max(1, ranks.local_size));
}

RankedFigures compute_on_ranks(const Ranks &ranks, std::span<const access::Satellite> sats,
                               std::span<const coverage::GridPoint> points, const time::Instant &start,
                               const time::Instant &stop, const frames::EarthOrientation &eop,
                               const coverage::CoverageOptions &options)
{
    const coverage::ChunkPlan plan = coverage::plan_chunks(points.size(), sats.size());
    const std::vector<std::size_t> mine = chunks_of(plan, ranks.rank, ranks.size);
    RankReport me;
    me.rank = ranks.rank;
    me.pid = static_cast<long>(getpid());
    me.host = host_name();
    me.threads = options.search.threads > 0 ? options.search.threads : static_cast<int>(std::thread::hardware_concurrency());
    me.chunks = mine;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = process_cpu_s();
    std::vector<coverage::PointFigures> figs;
    std::exception_ptr failure;
    try {
        figs = coverage::compute_chunks(sats, points, plan, mine, start, stop, eop, options);
    } catch (...) {
        failure = std::current_exception();
    }
    me.points = figs.size();
    me.compute_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    me.cpu_s = process_cpu_s() - cpu0;

    RankedFigures out;
    if (!ranks.mpi) {
        if (failure) {
            std::rethrow_exception(failure);
        }
        out.figures = std::move(figs);
        out.reports.push_back(std::move(me));
        return out;
    }
#ifdef VANTAGE_WITH_MPI
    // Every rank learns whether any failed before the collective gather (no rank is left waiting).
    int ok = failure ? 0 : 1;
    int all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (all_ok == 0) {
        throw Error(ErrorCode::internal, "another MPI rank failed (its error is on its stderr)",
                    ErrorContext{"", 0, "rank", std::to_string(ranks.rank)});
    }
    // Figures: counts per rank follow from the plan, so only rank 0's buffers need sizes.
    std::vector<double> send(figs.size() * doubles_per_point);
    for (std::size_t i = 0; i < figs.size(); ++i) {
        pack(figs[i], send.data() + i * doubles_per_point);
    }
    std::vector<int> counts(static_cast<std::size_t>(ranks.size), 0);
    std::vector<int> displs(static_cast<std::size_t>(ranks.size), 0);
    std::size_t total = 0;
    for (int r = 0; r < ranks.size; ++r) {
        std::size_t n = 0;
        for (std::size_t c : chunks_of(plan, r, ranks.size)) {
            n += plan.end(c) - plan.begin(c);
        }
        if (n * doubles_per_point > static_cast<std::size_t>(INT32_MAX)) {
            throw Error(ErrorCode::invalid_argument, "too many points per rank for one MPI message; use more ranks",
                        ErrorContext{"", 0, "points", std::to_string(n)});
        }
        counts[static_cast<std::size_t>(r)] = static_cast<int>(n * doubles_per_point);
        displs[static_cast<std::size_t>(r)] = static_cast<int>(total * doubles_per_point);
        total += n;
    }
    std::vector<double> recv(ranks.rank == 0 ? total * doubles_per_point : 0);
    MPI_Gatherv(send.data(), static_cast<int>(send.size()), MPI_DOUBLE, recv.data(), counts.data(), displs.data(),
                MPI_DOUBLE, 0, MPI_COMM_WORLD);
    // Reports: fixed-size numbers plus the host name.
    constexpr std::size_t nn = 5;
    const double nums[nn] = {static_cast<double>(me.pid), static_cast<double>(me.threads), static_cast<double>(me.points),
                             me.compute_s, me.cpu_s};
    std::vector<double> all_nums(ranks.rank == 0 ? nn * static_cast<std::size_t>(ranks.size) : 0);
    MPI_Gather(nums, static_cast<int>(nn), MPI_DOUBLE, all_nums.data(), static_cast<int>(nn), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    char host[64] = {};
    me.host.copy(host, sizeof host - 1);
    std::vector<char> all_hosts(ranks.rank == 0 ? 64 * static_cast<std::size_t>(ranks.size) : 0);
    MPI_Gather(host, 64, MPI_CHAR, all_hosts.data(), 64, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (ranks.rank != 0) {
        return out;
    }
    out.figures.resize(points.size());
    for (int r = 0; r < ranks.size; ++r) {
        const double *d = recv.data() + displs[static_cast<std::size_t>(r)];
        RankReport rep;
        rep.rank = r;
        const double *q = all_nums.data() + nn * static_cast<std::size_t>(r);
        rep.pid = static_cast<long>(q[0]);
        rep.threads = static_cast<int>(q[1]);
        rep.points = static_cast<std::size_t>(q[2]);
        rep.compute_s = q[3];
        rep.cpu_s = q[4];
        rep.host = std::string(all_hosts.data() + 64 * static_cast<std::size_t>(r));
        rep.chunks = chunks_of(plan, r, ranks.size);
        for (std::size_t c : rep.chunks) {
            for (std::size_t i = plan.begin(c); i < plan.end(c); ++i) {
                out.figures[i] = unpack(d);
                d += doubles_per_point;
            }
        }
        out.reports.push_back(std::move(rep));
    }
#endif
    return out;
}

} // namespace vantage::cli
