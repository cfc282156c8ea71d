// Constructive heuristic + adaptive large-neighbourhood search (Ropke & Pisinger 2006, "An adaptive large
// neighborhood search heuristic for the pickup and delivery problem with time windows", Transp. Sci. 40(4)) with a
// simulated-annealing acceptance, then the share-rule repair and a final fill.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <numeric>
#include <set>
#include <tuple>

#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

namespace {

/// xoshiro256** (Blackman & Vigna 2018), seeded by splitmix64: the same stream on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed)
    {
        for (auto &s : m_s) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }
    std::uint64_t next()
    {
        const std::uint64_t r = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return r;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4]{};
};

using Region = TimeRegion;

// Ties between scores: values closer than this (value units) are equal, and so are latencies closer than this (s),
// so that rounding in the sums never decides between two plans.
constexpr double value_tie_eps = 1e-9;
constexpr double latency_tie_eps_s = 1e-6;

struct Score {
    double value = 0.0;     // value - penalties
    double latency_s = 0.0; // total delivery latency
    bool better_than(const Score &o) const
    {
        if (value > o.value + value_tie_eps) {
            return true;
        }
        return value > o.value - value_tie_eps && latency_s < o.latency_s - latency_tie_eps_s;
    }
};

constexpr double share_penalty = 2.0; // value units per unit of share-rule deficit inside the search

/// The ALNS destroy operators. The enumerator values index the adaptive weight tables and fix the order of the
/// roulette-wheel draw in Search::run, so they must keep these values: another order draws other operators from
/// the same random numbers and changes every plan.
enum class DestroyOp : std::uint8_t {
    random = 0,        // a few served jobs drawn uniformly
    time_window = 1,   // every job of one satellite starting inside a random window around one of its acquisitions
    worst = 2,         // the jobs with the lowest value per second of satellite time, drawn with a bias
    targeted = 3,      // room for one unserved job around one of its opportunities; runs even with nothing served
    block_rebuild = 4, // one satellite's stretch emptied and refilled earliest-finish-first (Search::rebuild_block)
};

/// All destroy operators in weight-table (index) order.
constexpr std::array<DestroyOp, 5> all_destroy_ops = {DestroyOp::random, DestroyOp::time_window, DestroyOp::worst,
                                                      DestroyOp::targeted, DestroyOp::block_rebuild};
constexpr std::size_t destroy_op_count = all_destroy_ops.size();

constexpr std::size_t op_index(DestroyOp op)
{
    return static_cast<std::size_t>(op);
}

// How many jobs one destroy removes (random, worst, and per task for targeted): q drawn uniformly in
// [min_removed_jobs, qmax] with qmax = min(max_removed_jobs, removal_bound_base + served / served_per_extra_removal),
// so the neighbourhood grows slowly with the plan but stays small enough for one repair to refill.
constexpr std::size_t min_removed_jobs = 2;
constexpr std::size_t max_removed_jobs = 25;
constexpr std::size_t removal_bound_base = 4;
constexpr std::size_t served_per_extra_removal = 25;

// A freed stretch of a satellite's timeline is widened by this on both sides before repair, so that acquisitions
// that only fit with a slew into or out of the stretch are tried too.
constexpr double region_margin_s = 60.0;

// time_window: the window's width is drawn uniformly in [time_window_min_s, time_window_min_s + time_window_span_s).
constexpr double time_window_min_s = 60.0;
constexpr double time_window_span_s = 340.0;

// worst: satellite time charged per acquisition on top of its duration, so that short acquisitions are not
// ranked as nearly free (it stands for the set-up every acquisition costs).
constexpr double worst_task_overhead_s = 5.0;

// block_rebuild: the block's width is drawn uniformly in [block_min_s, block_min_s + block_span_s), and the weight
// of value against earliest finish in the refill (seconds of finish time given up per unit of value, per task)
// uniformly in [0, block_value_bonus_max_s).
constexpr double block_min_s = 120.0;
constexpr double block_span_s = 300.0;
constexpr double block_value_bonus_max_s = 4.0;

// targeted: room cleared on either side of the drawn opportunity (its start range and the acquisition), for the
// slews into and out of it.
constexpr double targeted_margin_s = 30.0;

// repair: an opportunity starting up to this long before a freed region may still overlap it, so the scan of the
// satellite's opportunities (sorted by earliest start) begins that far back.
constexpr double repair_lookback_s = 1800.0;
// repair: probability of the time-sweep insertion order instead of the value order.
constexpr double time_sweep_probability = 0.4;
// repair: value keys are multiplied by a noise factor uniform in [noise_min, noise_min + noise_span).
constexpr double noise_min = 0.85;
constexpr double noise_span = 0.3;
// repair: factor on the key of a job whose nation is below its share.
constexpr double share_deficit_boost = 2.0;
// repair: the key that puts the targeted job first (above any job value).
constexpr double target_key = 1e9;
// repair: at most this many candidate jobs are tried per repair (the best keys), which bounds its cost.
constexpr std::size_t max_repair_candidates = 30;

// polish: a block is a run of consecutive acquisitions of one satellite with gaps shorter than polish_gap_s, cut
// after polish_max_block_slots acquisitions so that resequencing stays cheap.
constexpr double polish_gap_s = 300.0;
constexpr std::size_t polish_max_block_slots = 16;

// Simulated annealing: the temperature (value units) falls geometrically from anneal_temp_start to anneal_temp_end
// over the iterations; a candidate with an equal value but a longer latency is accepted with
// equal_value_accept_probability, to let the search drift across plateaus.
constexpr double anneal_temp_start = 1.5;
constexpr double anneal_temp_end = 0.01;
constexpr double equal_value_accept_probability = 0.05;

// Adaptive operator weights (Ropke & Pisinger 2006 sec. 4.4 scores sigma_1..3 and reaction factor r): the reward of
// an iteration, and every weight_update_period iterations w = max(weight_floor, weight_keep w + weight_learn
// mean reward). weight_keep and weight_learn are written out separately (0.8 + 0.2) rather than 1 - r, which
// would round differently.
constexpr double reward_new_best = 10.0;
constexpr double reward_improved = 4.0;
constexpr double reward_accepted = 1.0;
constexpr int weight_update_period = 50;
constexpr double weight_floor = 0.05;
constexpr double weight_keep = 0.8;
constexpr double weight_learn = 0.2;

// The clock is read every this many iterations for the time limit (a steady_clock call costs more than a check).
constexpr int clock_check_period = 8;

class Search {
public:
    Search(const Instance &inst, const std::vector<char> *locked, const std::vector<std::size_t> *prev_sat,
           const std::vector<int> *prev_k)
        : m_inst(inst), m_locked(locked), m_prev_sat(prev_sat), m_prev_k(prev_k), m_rng(inst.options.seed)
    {
        m_opp_count.assign(inst.jobs.size(), 0);
        for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
            for (std::size_t t : inst.jobs[j].tasks) {
                m_opp_count[j] += inst.task_opps[t].size();
            }
        }
        if (prev_sat) {
            for (std::size_t t = 0; t < prev_sat->size(); ++t) {
                m_prev_total += (*prev_sat)[t] != npos ? 1 : 0;
            }
        }
    }

    bool locked_slot(const Slot &sl) const
    {
        return m_locked && (*m_locked)[m_inst.opps[sl.opp].task];
    }

    bool locked_job(std::size_t job) const
    {
        if (!m_locked) {
            return false;
        }
        for (std::size_t t : m_inst.jobs[job].tasks) {
            if ((*m_locked)[t]) {
                return true;
            }
        }
        return false;
    }

    int changes(const Solution &s) const
    {
        if (!m_prev_sat) {
            return 0;
        }
        int same = 0;
        for (std::size_t sat = 0; sat < s.timeline.size(); ++sat) {
            for (const Slot &sl : s.timeline[sat]) {
                const std::size_t t = m_inst.opps[sl.opp].task;
                if ((*m_prev_sat)[t] == sat && (*m_prev_k)[t] == sl.k) {
                    ++same;
                }
            }
        }
        return m_prev_total - same;
    }

    Score score(const Solution &s) const
    {
        Score sc;
        sc.value = s.score - share_penalty * share_deficit(m_inst, s) - m_inst.options.change_penalty * changes(s);
        sc.latency_s = total_latency_s(m_inst, s);
        return sc;
    }

    void constructive(Solution &sol)
    {
        std::vector<std::size_t> order;
        for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
            if (m_inst.jobs[j].feasible && !sol.served(m_inst, j)) {
                order.push_back(j);
            }
        }
        // Highest value first; among equal values the scarcest (fewest opportunities per task) first.
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const auto &ja = m_inst.jobs[a], &jb = m_inst.jobs[b];
            if (ja.score != jb.score) {
                return ja.score > jb.score;
            }
            const double ra = static_cast<double>(m_opp_count[a]) / static_cast<double>(ja.tasks.size());
            const double rb = static_cast<double>(m_opp_count[b]) / static_cast<double>(jb.tasks.size());
            if (ra != rb) {
                return ra < rb;
            }
            return a < b;
        });
        for (std::size_t i = 0; i < order.size(); ++i) {
            if ((i & 63) == 0) {
                throw_if_cancelled(m_inst.options);
            }
            insert_job(m_inst, sol, order[i]);
        }
    }

    std::vector<std::size_t> served_jobs(const Solution &s) const
    {
        std::vector<std::size_t> out;
        for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
            if (s.job_done[j] > 0 && !locked_job(j)) {
                out.push_back(j);
            }
        }
        return out;
    }

    void add_regions_of_job(const Solution &s, std::size_t job, std::vector<Region> &regions) const
    {
        for (std::size_t t : m_inst.jobs[job].tasks) {
            const std::size_t sat = s.task_sat[t];
            if (sat == npos) {
                continue;
            }
            for (const Slot &sl : s.timeline[sat]) {
                if (m_inst.opps[sl.opp].task == t) {
                    regions.push_back(Region{sat, sl.start - region_margin_s, sl.end + region_margin_s});
                }
            }
        }
    }

    // ---- destroy operators; each returns the removed jobs and fills the regions it freed
    std::vector<std::size_t> destroy(DestroyOp op, Solution &s, std::vector<Region> &regions, std::size_t &target)
    {
        target = npos;
        std::vector<std::size_t> served = served_jobs(s);
        std::vector<std::size_t> removed;
        if (served.empty() && op != DestroyOp::targeted) {
            return removed;
        }
        // NOTE: q is drawn before the switch for every operator (block_rebuild does not use it), and so is one random
        // number consumed per call: the stream, and with it every plan, depends on this order.
        const std::size_t qmax =
            std::min<std::size_t>(max_removed_jobs, removal_bound_base + served.size() / served_per_extra_removal);
        const std::size_t q = min_removed_jobs + m_rng.below(qmax - min_removed_jobs + 1);
        auto take = [&](std::size_t job) {
            if (std::find(removed.begin(), removed.end(), job) != removed.end() || locked_job(job)) {
                return;
            }
            add_regions_of_job(s, job, regions);
            remove_job(m_inst, s, job);
            removed.push_back(job);
        };
        switch (op) {
        case DestroyOp::random: {
            for (std::size_t i = 0; i < q && !served.empty(); ++i) {
                const std::size_t k = m_rng.below(served.size());
                take(served[k]);
                served.erase(served.begin() + static_cast<std::ptrdiff_t>(k));
            }
            break;
        }
        case DestroyOp::time_window: {
            std::vector<std::pair<std::size_t, std::size_t>> slots;
            for (std::size_t sat = 0; sat < s.timeline.size(); ++sat) {
                for (std::size_t i = 0; i < s.timeline[sat].size(); ++i) {
                    slots.emplace_back(sat, i);
                }
            }
            if (slots.empty()) {
                break;
            }
            const auto [sat, i] = slots[m_rng.below(slots.size())];
            const double w = time_window_min_s + time_window_span_s * m_rng.uniform();
            const double c = s.timeline[sat][i].start;
            std::vector<std::size_t> jobs;
            for (const Slot &sl : s.timeline[sat]) {
                if (sl.start >= c - w / 2 && sl.start <= c + w / 2) {
                    jobs.push_back(m_inst.tasks[m_inst.opps[sl.opp].task].job);
                }
            }
            for (std::size_t j : jobs) {
                take(j);
            }
            regions.push_back(Region{sat, c - w / 2 - region_margin_s, c + w / 2 + region_margin_s});
            break;
        }
        case DestroyOp::worst: {
            std::vector<std::pair<double, std::size_t>> ranked;
            for (std::size_t j : served) {
                double used = 0.0;
                for (std::size_t t : m_inst.jobs[j].tasks) {
                    used += m_inst.tasks[t].duration_s + worst_task_overhead_s;
                }
                ranked.emplace_back(m_inst.jobs[j].score / used, j);
            }
            std::sort(ranked.begin(), ranked.end());
            for (std::size_t i = 0; i < q && !ranked.empty(); ++i) {
                // Randomised worst removal (Ropke & Pisinger 2006 sec. 4.3.2) with determinism p = 3: u^3 favours the
                // low end of the ranking without always taking the same jobs.
                const double u = m_rng.uniform();
                const auto k = static_cast<std::size_t>(std::floor(static_cast<double>(ranked.size()) * u * u * u));
                take(ranked[k].second);
                ranked.erase(ranked.begin() + static_cast<std::ptrdiff_t>(k));
            }
            break;
        }
        case DestroyOp::block_rebuild: { // earliest-start-first sweep over the block's jobs and the unserved ones
            std::vector<std::pair<std::size_t, std::size_t>> slots;
            for (std::size_t sat = 0; sat < s.timeline.size(); ++sat) {
                for (std::size_t i = 0; i < s.timeline[sat].size(); ++i) {
                    slots.emplace_back(sat, i);
                }
            }
            if (slots.empty()) {
                break;
            }
            const auto [sat, i] = slots[m_rng.below(slots.size())];
            const double c = s.timeline[sat][i].start;
            const double w = block_min_s + block_span_s * m_rng.uniform();
            m_bonus = block_value_bonus_max_s * m_rng.uniform();
            rebuild_block(s, sat, c - w / 2, c + w / 2, removed, regions);
            break;
        }
        case DestroyOp::targeted: { // make room for an unserved job in one of its opportunities
            std::vector<std::size_t> cands;
            double total = 0.0;
            for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
                if (m_inst.jobs[j].feasible && !s.served(m_inst, j)) {
                    cands.push_back(j);
                    total += target_weight(j);
                }
            }
            if (cands.empty()) {
                break;
            }
            double x = m_rng.uniform() * total;
            std::size_t job = cands.back();
            for (std::size_t j : cands) {
                x -= target_weight(j);
                if (x < 0.0) {
                    job = j;
                    break;
                }
            }
            target = job;
            const double jv = m_inst.jobs[job].score;
            for (std::size_t t : m_inst.jobs[job].tasks) {
                if (s.task_sat[t] != npos || m_inst.task_opps[t].empty()) {
                    continue;
                }
                const auto &ops = m_inst.task_opps[t];
                const Opportunity &o = m_inst.opps[ops[m_rng.below(ops.size())]];
                const double a = o.k_min * m_inst.step_s - targeted_margin_s;
                const double b = o.k_max * m_inst.step_s + m_inst.tasks[t].duration_s + targeted_margin_s;
                std::vector<std::size_t> jobs;
                for (const Slot &sl : s.timeline[o.sat]) {
                    if (sl.end >= a && sl.start <= b) {
                        const std::size_t oj = m_inst.tasks[m_inst.opps[sl.opp].task].job;
                        if (m_inst.jobs[oj].score <= jv && oj != job) {
                            jobs.push_back(oj);
                        }
                    }
                }
                // remove a random subset (at most q) of them
                for (std::size_t i = 0; i < q && !jobs.empty(); ++i) {
                    const std::size_t k = m_rng.below(jobs.size());
                    take(jobs[k]);
                    jobs.erase(jobs.begin() + static_cast<std::ptrdiff_t>(k));
                }
                regions.push_back(Region{o.sat, a, b});
            }
            break;
        }
        }
        return removed;
    }

    /// Removes the jobs with acquisitions of `sat` starting in [a, b], then refills that stretch in time order: each
    /// step appends the candidate task (removed or unserved, with an opportunity of `sat` there) that can start
    /// earliest after the last one (a small random bonus for value), as long as it fits before the next kept slot.
    void rebuild_block(Solution &s, std::size_t sat, double a, double b, std::vector<std::size_t> &removed,
                       std::vector<Region> &regions)
    {
        std::vector<std::size_t> jobs;
        for (const Slot &sl : s.timeline[sat]) {
            if (sl.start >= a && sl.start <= b) {
                const std::size_t j = m_inst.tasks[m_inst.opps[sl.opp].task].job;
                if (!locked_job(j) && std::find(jobs.begin(), jobs.end(), j) == jobs.end()) {
                    jobs.push_back(j);
                }
            }
        }
        for (std::size_t j : jobs) {
            remove_job(m_inst, s, j);
            removed.push_back(j);
        }
        regions.push_back(Region{sat, a - region_margin_s, b + region_margin_s});
        // candidate (task, opportunity) pairs on this satellite overlapping the stretch
        std::vector<std::pair<std::size_t, std::size_t>> cand;
        for (std::size_t oi : m_inst.sat_opps[sat]) {
            const Opportunity &o = m_inst.opps[oi];
            const double os = o.k_min * m_inst.step_s, oe = o.k_max * m_inst.step_s;
            if (oe < a || os > b || s.task_sat[o.task] != npos || !m_inst.jobs[m_inst.tasks[o.task].job].feasible
                || s.served(m_inst, m_inst.tasks[o.task].job) || sibling_elsewhere(m_inst, s, o.task, sat)) {
                continue;
            }
            cand.emplace_back(o.task, oi);
        }
        std::vector<Slot> tl = s.timeline[sat];
        auto pos = static_cast<std::size_t>(std::lower_bound(tl.begin(), tl.end(), a, [](const Slot &x, double t) { return x.start < t; }) - tl.begin());
        const SatInfo &si = m_inst.sats[sat];
        std::vector<std::size_t> added;
        std::vector<std::size_t> added_opp;
        while (!cand.empty()) {
            const Slot *prev = slot_before(m_inst, sat, tl, pos);
            const Slot *next = pos < tl.size() ? &tl[pos] : nullptr;
            double best_score = 1e300;
            std::size_t best = npos;
            Slot best_slot;
            for (std::size_t ci = 0; ci < cand.size(); ++ci) {
                const Opportunity &o = m_inst.opps[cand[ci].second];
                Vec3 ls;
                const auto k = earliest_start(m_inst, o, prev, o.k_min, o.k_max, ls);
                if (!k) {
                    continue;
                }
                const double d = m_inst.tasks[o.task].duration_s;
                const Vec3 le = m_inst.eph[sat].look(*k * m_inst.step_s + d, m_inst.scan_point(o, 1.0));
                if (next) {
                    const double need = *k * m_inst.step_s + d + (si.pointable ? transition_s(le, next->look_start, si.agility) : 0.0);
                    if (need > next->start + 1e-9) {
                        continue;
                    }
                }
                const Job &j = m_inst.jobs[m_inst.tasks[o.task].job];
                // earliest finish first, with a random bonus for value (GRASP-like)
                const double score = *k * m_inst.step_s + 0.5 * d - m_bonus * m_rng.uniform() * j.value * o.p_usable / static_cast<double>(j.tasks.size());
                if (score < best_score) {
                    best_score = score;
                    best = ci;
                    best_slot = Slot{cand[ci].second, *k, *k * m_inst.step_s, *k * m_inst.step_s + d, ls, le};
                }
            }
            if (best == npos) {
                break;
            }
            tl.insert(tl.begin() + static_cast<std::ptrdiff_t>(pos), best_slot);
            ++pos;
            const std::size_t task = cand[best].first;
            added.push_back(task);
            added_opp.push_back(cand[best].second);
            cand.erase(std::remove_if(cand.begin(), cand.end(), [&](const auto &x) { return x.first == task; }), cand.end());
        }
        if (added.empty() || !cap_ok_public(sat, tl)) {
            return;
        }
        SimResult r = simulate(m_inst, sat, tl, false);
        if (!r.ok) {
            return;
        }
        const std::vector<Slot> before = s.timeline[sat];
        s.timeline[sat] = std::move(tl);
        s.delivered[sat] = std::move(r.delivered);
        note_change(m_inst, s, sat, before);
        for (std::size_t i = 0; i < added.size(); ++i) {
            mark_scheduled(m_inst, s, added[i], added_opp[i]);
        }
        // strips of polygons left incomplete by this sweep only cost time: take them out again
        for (std::size_t t : added) {
            const std::size_t j = m_inst.tasks[t].job;
            if (m_inst.jobs[j].tasks.size() > 1 && !s.served(m_inst, j) && s.task_sat[t] != npos) {
                remove_task(m_inst, s, t);
            }
        }
    }

    bool cap_ok_public(std::size_t sat, const std::vector<Slot> &tl) const { return timeline_rules_ok(m_inst, sat, tl); }

    void repair(Solution &s, const std::vector<std::size_t> &removed, const std::vector<Region> &regions, std::size_t target,
                bool noise)
    {
        std::vector<char> seen(m_inst.jobs.size(), 0);
        std::vector<std::size_t> cands;
        auto add = [&](std::size_t j) {
            if (!seen[j] && m_inst.jobs[j].feasible && !s.served(m_inst, j)) {
                seen[j] = 1;
                cands.push_back(j);
            }
        };
        for (std::size_t j : removed) {
            add(j);
        }
        for (const Region &r : regions) {
            const auto &ops = m_inst.sat_opps[r.sat];
            const double lo = r.a - repair_lookback_s;
            auto it = std::lower_bound(ops.begin(), ops.end(), lo,
                                       [&](std::size_t oi, double t) { return m_inst.opps[oi].k_min * m_inst.step_s < t; });
            for (; it != ops.end(); ++it) {
                const Opportunity &o = m_inst.opps[*it];
                if (o.k_min * m_inst.step_s > r.b) {
                    break;
                }
                if (o.k_max * m_inst.step_s + m_inst.tasks[o.task].duration_s < r.a) {
                    continue;
                }
                add(m_inst.tasks[o.task].job);
            }
        }
        std::vector<double> deficits;
        share_deficit(m_inst, s, &deficits);
        std::vector<std::pair<double, std::size_t>> keyed;
        // Two insertion orders: by value (with noise), or a sweep in time (earliest opportunity first), which packs a
        // pass tightly; chosen at random per repair.
        const bool by_time = noise && m_rng.uniform() < time_sweep_probability;
        for (std::size_t j : cands) {
            double key = m_inst.jobs[j].score;
            if (noise) {
                key *= noise_min + noise_span * m_rng.uniform();
            }
            if (by_time) {
                double first = 1e300;
                for (std::size_t t : m_inst.jobs[j].tasks) {
                    for (std::size_t oi : m_inst.task_opps[t]) {
                        first = std::min(first, m_inst.opps[oi].k_min * m_inst.step_s);
                    }
                }
                key = 1e12 - first;
            }
            const std::size_t n = m_inst.jobs[j].tenant;
            if (n != npos && !deficits.empty() && deficits[n] > 0.0) {
                key *= share_deficit_boost;
            }
            if (j == target) {
                key = target_key;
            }
            keyed.emplace_back(-key, j);
        }
        std::sort(keyed.begin(), keyed.end());
        if (keyed.size() > max_repair_candidates) {
            keyed.resize(max_repair_candidates);
        }
        // Removed jobs may go anywhere; the others (unserved jobs near the freed stretches) only into those stretches.
        for (const auto &kj : keyed) {
            throw_if_cancelled(m_inst.options); // one relaxed atomic load: a shutdown never waits for a whole repair
            const bool was_removed = std::find(removed.begin(), removed.end(), kj.second) != removed.end();
            insert_job(m_inst, s, kj.second, was_removed ? nullptr : &regions);
        }
    }

    /// Resequences every block of consecutive acquisitions (gaps < polish_gap_s) of every satellite, then inserts
    /// what fits.
    void polish(Solution &s)
    {
        if (m_prev_sat) {
            return; // replanning: moving kept acquisitions is a change
        }
        for (std::size_t sat = 0; sat < s.timeline.size(); ++sat) {
            std::size_t i0 = 0;
            while (i0 < s.timeline[sat].size()) {
                std::size_t i1 = i0 + 1;
                while (i1 < s.timeline[sat].size() && i1 - i0 < polish_max_block_slots
                       && s.timeline[sat][i1].start - s.timeline[sat][i1 - 1].end < polish_gap_s) {
                    ++i1;
                }
                throw_if_cancelled(m_inst.options);
                resequence(m_inst, s, sat, i0, i1);
                i0 = i1;
            }
        }
        constructive(s);
    }

    Solution run(Solution sol, SearchStats &stats)
    {
        const auto t0 = std::chrono::steady_clock::now();
        auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
        constructive(sol);
        preempt(sol);
        stats.constructive_value = sol.value;
        polish(sol);
        Solution cur = sol, best = sol;
        Score cur_sc = score(cur), best_sc = cur_sc;
        std::array<double, destroy_op_count> weight{};
        std::array<double, destroy_op_count> gained{};
        std::array<int, destroy_op_count> used{};
        weight.fill(1.0);
        const int iters = m_inst.options.iterations;
        int it = 0;
        for (; it < iters; ++it) {
            throw_if_cancelled(m_inst.options);
            if (it % clock_check_period == 0 && elapsed() > m_inst.options.time_limit_s) {
                stats.time_limit_hit = true;
                break;
            }
            double wsum = 0.0;
            for (double w : weight) {
                wsum += w;
            }
            double x = m_rng.uniform() * wsum;
            DestroyOp op = all_destroy_ops.back();
            for (DestroyOp k : all_destroy_ops) {
                x -= weight[op_index(k)];
                if (x < 0.0) {
                    op = k;
                    break;
                }
            }
            Solution cand = cur;
            std::vector<Region> regions;
            std::size_t target = npos;
            const auto removed = destroy(op, cand, regions, target);
            if (!m_prev_sat) {
                // pull the remaining acquisitions of the touched satellites back to their earliest starts
                std::vector<char> touched(m_inst.sats.size(), 0);
                for (const Region &r : regions) {
                    if (!touched[r.sat]) {
                        touched[r.sat] = 1;
                        compact(m_inst, cand, r.sat);
                    }
                }
            }
            repair(cand, removed, regions, target, true);
            const Score sc = score(cand);
            const double temp = anneal_temp_start
                                * std::pow(anneal_temp_end / anneal_temp_start,
                                           static_cast<double>(it) / std::max(1, iters));
            double reward = 0.0;
            bool accept = false;
            if (sc.better_than(best_sc)) {
                best = cand;
                best_sc = sc;
                reward = reward_new_best;
                accept = true;
            } else if (sc.better_than(cur_sc)) {
                reward = reward_improved;
                accept = true;
            } else {
                const double delta = sc.value - cur_sc.value;
                if (delta > -value_tie_eps) {
                    accept = sc.latency_s <= cur_sc.latency_s + latency_tie_eps_s
                             || m_rng.uniform() < equal_value_accept_probability;
                } else {
                    accept = m_rng.uniform() < std::exp(delta / temp);
                }
                reward = accept ? reward_accepted : 0.0;
            }
            if (accept) {
                cur = std::move(cand);
                cur_sc = sc;
            } else {
                cur.fail_memo = std::move(cand.fail_memo); // failures seen on the candidate stay valid (versioned)
            }
            gained[op_index(op)] += reward;
            ++used[op_index(op)];
            if ((it + 1) % weight_update_period == 0) {
                for (std::size_t k = 0; k < destroy_op_count; ++k) {
                    if (used[k] > 0) {
                        weight[k] =
                            std::max(weight_floor, weight_keep * weight[k] + weight_learn * gained[k] / used[k]);
                    }
                    gained[k] = 0.0;
                    used[k] = 0;
                }
            }
        }
        stats.iterations_done = it;
        polish(best);
        preempt(best);
        enforce_share_rule(best);
        fill(best);
        stats.seconds = elapsed();
        return best;
    }

    /// Weight of an unserved job when the targeted operator draws one: its value, times 4 per tier above the lowest,
    /// so that unserved urgent and priority jobs are targeted first without starving the others.
    double target_weight(std::size_t j) const
    {
        const Job &job = m_inst.jobs[j];
        return job.value * std::pow(4.0, mission::tier_count - 1 - static_cast<int>(job.tier));
    }

    /// Pre-emption for the urgent and priority tiers: an unserved job of those tiers that has opportunities gets room
    /// by removing the acquisitions of strictly lower tiers around one of its opportunities (a slew's reach on either
    /// side); it is inserted, what was removed is re-inserted wherever it still fits, and the result is kept when the
    /// objective (the lexicographic score) grows. Opportunities are tried earliest first.
    void preempt(Solution &s)
    {
        std::vector<std::size_t> order;
        for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
            const Job &job = m_inst.jobs[j];
            if (job.tier <= mission::Tier::priority && job.feasible && !s.served(m_inst, j) && !locked_job(j)) {
                order.push_back(j);
            }
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return m_inst.jobs[a].score > m_inst.jobs[b].score; });
        for (std::size_t j : order) {
            throw_if_cancelled(m_inst.options);
            if (s.served(m_inst, j)) {
                continue;
            }
            {
                Solution trial = s;
                if (insert_job(m_inst, trial, j) == PlaceStatus::ok && trial.score > s.score) {
                    s = std::move(trial);
                    continue;
                }
            }
            const Job &job = m_inst.jobs[j];
            bool done = false;
            for (std::size_t t : job.tasks) {
                if (done || s.task_sat[t] != npos) {
                    continue;
                }
                std::vector<std::size_t> opps = m_inst.task_opps[t];
                std::sort(opps.begin(), opps.end(), [&](std::size_t a, std::size_t b) {
                    return std::tie(m_inst.opps[a].k_min, a) < std::tie(m_inst.opps[b].k_min, b);
                });
                for (std::size_t oi : opps) {
                    const Opportunity &o = m_inst.opps[oi];
                    const SatInfo &si = m_inst.sats[o.sat];
                    const double reach = si.pointable ? transition_s(max_slew_measure_deg(si.agility), si.agility) : 0.0;
                    const double a = o.k_min * m_inst.step_s - reach;
                    const double b = o.k_max * m_inst.step_s + m_inst.tasks[t].duration_s + reach;
                    std::vector<std::size_t> victims;
                    for (const Slot &sl : s.timeline[o.sat]) {
                        const std::size_t oj = m_inst.tasks[m_inst.opps[sl.opp].task].job;
                        if (sl.end >= a && sl.start <= b && m_inst.jobs[oj].tier > job.tier && !locked_job(oj)
                            && std::find(victims.begin(), victims.end(), oj) == victims.end()) {
                            victims.push_back(oj);
                        }
                    }
                    if (victims.empty()) {
                        continue;
                    }
                    Solution trial = s;
                    for (std::size_t v : victims) {
                        remove_job(m_inst, trial, v);
                    }
                    if (insert_job(m_inst, trial, j) != PlaceStatus::ok) {
                        continue;
                    }
                    std::stable_sort(victims.begin(), victims.end(), [&](std::size_t x, std::size_t y) {
                        return m_inst.jobs[x].score > m_inst.jobs[y].score;
                    });
                    for (std::size_t v : victims) {
                        insert_job(m_inst, trial, v); // all or nothing: where it no longer fits it stays out
                    }
                    if (trial.score > s.score) {
                        s = std::move(trial);
                        done = true;
                        break;
                    }
                }
            }
        }
    }

    /// Hard share rule: insert jobs of nations below their share - tolerance; when that is impossible, remove the
    /// lowest-value jobs of the nation with the largest surplus until the rule holds.
    void enforce_share_rule(Solution &s)
    {
        if (m_inst.shares.empty()) {
            return;
        }
        const double tol = m_inst.options.fairness_tolerance;
        for (std::size_t guard = 0; guard < 4 * m_inst.jobs.size() + 10; ++guard) {
            throw_if_cancelled(m_inst.options);
            std::vector<double> deficits;
            if (share_deficit(m_inst, s, &deficits) <= 0.0) {
                return;
            }
            const auto n = static_cast<std::size_t>(std::max_element(deficits.begin(), deficits.end()) - deficits.begin());
            std::vector<std::size_t> mine;
            for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
                if (m_inst.jobs[j].tenant == n && m_inst.jobs[j].feasible && !s.served(m_inst, j)) {
                    mine.push_back(j);
                }
            }
            std::stable_sort(mine.begin(), mine.end(),
                             [&](std::size_t a, std::size_t b) { return m_inst.jobs[a].score > m_inst.jobs[b].score; });
            bool inserted = false;
            for (std::size_t j : mine) {
                if (insert_job(m_inst, s, j) == PlaceStatus::ok) {
                    inserted = true;
                    break;
                }
            }
            if (inserted) {
                continue;
            }
            // the nation with the largest surplus over its share loses its cheapest job
            std::size_t donor = npos;
            double surplus = 0.0;
            double shared = 0.0; // value under the share rule
            for (double v : s.tenant_value) {
                shared += v;
            }
            for (std::size_t m = 0; m < m_inst.shares.size(); ++m) {
                const double sp = s.tenant_value[m] - (m_inst.shares[m] - tol) * shared;
                if (m != n && s.tenant_value[m] > 0.0 && sp > surplus) {
                    surplus = sp;
                    donor = m;
                }
            }
            if (donor == npos) {
                return;
            }
            std::size_t victim = npos;
            for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
                if (m_inst.jobs[j].tenant == donor && s.served(m_inst, j) && !locked_job(j) && !m_inst.jobs[j].share_exempt
                    && (victim == npos || m_inst.jobs[j].score < m_inst.jobs[victim].score)) {
                    victim = j;
                }
            }
            if (victim == npos) {
                return;
            }
            remove_job(m_inst, s, victim);
        }
    }

    /// Inserts whatever still fits without removing anything and without breaking the share rule, then the strips
    /// of incomplete polygons (no value, but coverage).
    void fill(Solution &s)
    {
        std::vector<std::size_t> order;
        for (std::size_t j = 0; j < m_inst.jobs.size(); ++j) {
            if (m_inst.jobs[j].feasible && !s.served(m_inst, j)) {
                order.push_back(j);
            }
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return m_inst.jobs[a].score > m_inst.jobs[b].score; });
        for (std::size_t j : order) {
            throw_if_cancelled(m_inst.options);
            std::vector<std::size_t> fresh; // tasks this call may add (undone if the share rule breaks)
            for (std::size_t t : m_inst.jobs[j].tasks) {
                if (s.task_sat[t] == npos) {
                    fresh.push_back(t);
                }
            }
            if (insert_job(m_inst, s, j) == PlaceStatus::ok && share_deficit(m_inst, s) > 0.0) {
                for (std::size_t t : fresh) {
                    remove_task(m_inst, s, t);
                }
            }
        }
        for (std::size_t j : order) {
            if (!m_inst.jobs[j].polygon || s.served(m_inst, j)) {
                continue;
            }
            for (std::size_t t : m_inst.jobs[j].tasks) {
                if (s.task_sat[t] != npos) {
                    continue;
                }
                Placement p;
                SimResult sim;
                if (find_placement(m_inst, s, t, p, &sim) == PlaceStatus::ok) {
                    apply_placement(m_inst, s, p, std::move(sim));
                    if (s.served(m_inst, j) && share_deficit(m_inst, s) > 0.0) {
                        remove_task(m_inst, s, t);
                    }
                }
            }
        }
    }

private:
    const Instance &m_inst;
    const std::vector<char> *m_locked;
    const std::vector<std::size_t> *m_prev_sat;
    const std::vector<int> *m_prev_k;
    Rng m_rng;
    std::vector<std::size_t> m_opp_count;
    int m_prev_total = 0;
    double m_bonus = 2.0;
};

} // namespace

Solution search(const Instance &inst, const Solution *initial, const std::vector<char> *locked, SearchStats &stats,
                const std::vector<std::size_t> *previous_sat, const std::vector<int> *previous_k)
{
    Search s(inst, locked, previous_sat, previous_k);
    return s.run(initial ? *initial : empty_solution(inst), stats);
}

} // namespace vantage::scheduling::detail
