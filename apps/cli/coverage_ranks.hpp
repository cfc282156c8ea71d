#pragma once
// Coverage across processes (the CLI's "coverage_mpi" piece; MPI stays out of the domain modules).
//
// `vantage coverage` started by mpirun / srun (detected from the launcher's environment: OMPI_COMM_WORLD_SIZE,
// PMI_SIZE, PMIX_RANK) initialises MPI; every rank reads the same inputs, takes the chunks c with c % size == rank
// (coverage::plan_chunks fixes them independently of the rank count), computes them with its own threads, and
// rank 0 gathers the figures (MPI_Gatherv of doubles) and writes the outputs. A plain `vantage` never touches MPI.
// Built without MPI (VANTAGE_WITH_MPI off), a run under a launcher with more than one rank is refused.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "vantage/coverage/coverage.hpp"

namespace vantage::cli {

/// This process's place among the ranks.
struct Ranks {
    int rank = 0;
    int size = 1;
    bool mpi = false;    ///< MPI initialised (launched by mpirun/srun with this build's MPI)
    int local_size = 1;  ///< ranks on this node (for the default thread count)
};

/// Starts MPI if a launcher started this process (else a single rank); finalises on destruction.
class RankSession {
public:
    RankSession();
    ~RankSession();
    RankSession(const RankSession &) = delete;
    RankSession &operator=(const RankSession &) = delete;
    const Ranks &ranks() const { return m_ranks; }

private:
    Ranks m_ranks;
};

/// What one rank did (for run.json).
struct RankReport {
    int rank = 0;
    long pid = 0;
    std::string host;
    int threads = 0;
    std::vector<std::size_t> chunks; ///< chunk ids it computed
    std::size_t points = 0;          ///< points it computed
    double compute_s = 0.0;          ///< wall time of its computation
    double cpu_s = 0.0;              ///< CPU time (user + system, all its threads) of its computation
};

/// The result of a coverage computation spread over the ranks.
struct RankedFigures {
    std::vector<coverage::PointFigures> figures; ///< all points in grid order (rank 0 only; empty elsewhere)
    std::vector<RankReport> reports;             ///< one per rank (rank 0 only)
};

/// Computes the chunks of this rank and gathers every point's figures on rank 0. If any rank fails, every rank
/// throws (the failing rank its own error, the others Error(internal) "another rank failed").
RankedFigures compute_on_ranks(const Ranks &ranks, std::span<const access::Satellite> sats,
                               std::span<const coverage::GridPoint> points, const time::Instant &start,
                               const time::Instant &stop, const frames::EarthOrientation &eop,
                               const coverage::CoverageOptions &options);

/// Threads per rank when the user did not choose: hardware threads / ranks on the node (>= 1); 0 (= all) with one
/// rank.
int default_threads(const Ranks &ranks);

} // namespace vantage::cli
