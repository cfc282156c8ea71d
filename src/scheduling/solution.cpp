// Solutions of the tasking planner: timelines, the storage / downlink simulation, feasible insertion.
#include <algorithm>
#include <cmath>
#include <atomic>
#include <limits>
#include <optional>

#include "vantage/core/hash.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double bucket_s = 60.0; // change-tracking granularity
constexpr double data_eps_gbit = 1e-9; // below a bit's worth of rounding: "nothing left to send"
constexpr double time_eps_s = 1e-9;

} // namespace

namespace {

/// The battery of one satellite under the loads of `slots` and the downlink parts in `res` (SimResult, simulate).
void simulate_power(const Instance &inst, std::size_t sat, const std::vector<Slot> &slots, SimResult &res, bool details)
{
    const SatInfo &si = inst.sats[sat];
    const PowerModel &pw = *si.power;
    // (time, change of net power) events; the net power starts at solar - bus
    std::vector<std::pair<double, double>> ev;
    ev.reserve(2 * (2 * slots.size() + res.parts.size() + si.shadow.size()));
    for (const auto &[a, b] : si.shadow) {
        ev.emplace_back(a, -pw.solar_w);
        ev.emplace_back(b, pw.solar_w);
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
        ev.emplace_back(slots[i].start, -pw.imaging_w); // a load lowers the net power while it runs
        ev.emplace_back(slots[i].end, pw.imaging_w);
        if (i > 0 && si.pointable && pw.slew_w > 0.0) {
            const double ts = transition_s(slew_measure_deg(slots[i - 1].look_end, slots[i].look_start, si.agility), si.agility);
            ev.emplace_back(slots[i - 1].end, -pw.slew_w);
            ev.emplace_back(slots[i - 1].end + ts, pw.slew_w);
        }
    }
    for (const auto &p : res.parts) {
        ev.emplace_back(p.start, -pw.downlink_w);
        ev.emplace_back(p.end, pw.downlink_w);
    }
    std::sort(ev.begin(), ev.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
    const double e_max = pw.max_soc * pw.battery_wh;
    const double e_min = pw.min_soc * pw.battery_wh;
    constexpr double energy_eps_wh = 1e-9;
    double e = pw.initial_soc * pw.battery_wh;
    double p_w = pw.solar_w - pw.bus_w;
    double t = 0.0;
    res.min_energy_wh = e;
    res.min_energy_s = 0.0;
    if (details) {
        res.energy.assign(1, {0.0, e});
    }
    bool failed = false;
    constexpr double s_per_h = 3600.0; // W x s / 3600 = Wh
    auto advance = [&](double t_next) {
        const double dt = t_next - t;
        if (dt <= 0.0) {
            return;
        }
        if (p_w > 0.0) {
            const double full_s = (e_max - e) * s_per_h / p_w;
            if (details && full_s > 0.0 && full_s < dt) {
                res.energy.emplace_back(t + full_s, e_max); // the regulator clips the charge here
            }
            e = std::min(e_max, e + p_w * dt / s_per_h);
        } else {
            const double before = e;
            e += p_w * dt / s_per_h;
            if (e < res.min_energy_wh) {
                res.min_energy_wh = e;
                res.min_energy_s = t_next;
            }
            if (e < e_min - energy_eps_wh && !failed) {
                failed = true;
                res.ok = false;
                res.failure = UnservedReason::power;
                res.fail_time_s = p_w < 0.0 ? t + (before - e_min) * s_per_h / -p_w : t;
                res.fail_gbit = e_min - e; // Wh
            }
        }
        t = t_next;
        if (details) {
            res.energy.emplace_back(t, e);
        }
    };
    for (const auto &[te, dp] : ev) {
        if (te > si.power_end_s) {
            break;
        }
        advance(std::max(te, 0.0));
        if (failed && !details) {
            return;
        }
        p_w += dp;
    }
    advance(si.power_end_s);
    if (failed) {
        // the deficit at the end of the discharge that crossed the minimum (what a larger battery must hold)
        res.fail_gbit = std::max(res.fail_gbit, e_min - res.min_energy_wh);
    }
}

} // namespace

SimResult simulate(const Instance &inst, std::size_t sat, const std::vector<Slot> &slots, bool details)
{
    // NOTE: first-in first-out by acquisition end; an image waits for its acquisition to end, and a contact skips
    // the images its station may not receive (the nation's allowed_stations). Draining as early as possible keeps
    // the memory lowest at every instant, so this is also the storage-feasibility test.
    SimResult res;
    const std::size_t n = slots.size();
    res.delivered.assign(n, inf);
    std::vector<double> rem(n);
    std::vector<std::size_t> tenant(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto &o = inst.opps[slots[i].opp];
        rem[i] = inst.data_gbit(o.task, sat);
        tenant[i] = inst.jobs[inst.tasks[o.task].job].tenant;
    }
    std::size_t next_img = 0; // first slot not yet acquired at the current time
    std::size_t head = 0;     // first slot not yet delivered
    const auto &contacts = inst.contacts[sat];
    for (std::size_t ci = 0; ci < contacts.size() && head < n; ++ci) {
        const Contact &c = contacts[ci];
        double tau = c.start_s;
        while (tau < c.end_s - time_eps_s) {
            while (next_img < n && slots[next_img].end <= tau + time_eps_s) {
                ++next_img;
            }
            while (head < n && rem[head] <= data_eps_gbit) {
                ++head;
            }
            std::size_t pick = n;
            for (std::size_t i = head; i < next_img; ++i) {
                if (rem[i] > data_eps_gbit && inst.station_allowed(tenant[i], c.station)) {
                    pick = i;
                    break;
                }
            }
            if (pick == n) {
                if (next_img < n && slots[next_img].end < c.end_s) {
                    tau = slots[next_img].end;
                    continue;
                }
                break;
            }
            const double amount = std::min(rem[pick], (c.end_s - tau) * c.rate_gbit_s);
            const double dt = amount / c.rate_gbit_s;
            res.parts.push_back(SimResult::Part{pick, ci, tau, tau + dt, amount});
            rem[pick] -= amount;
            tau += dt;
            if (rem[pick] <= data_eps_gbit) {
                rem[pick] = 0.0;
                res.delivered[pick] = tau;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (rem[i] > data_eps_gbit) {
            if (res.ok) {
                res.fail_time_s = slots[i].end;
                res.fail_gbit = rem[i];
            }
            res.ok = false;
            res.failure = UnservedReason::downlink;
        }
    }
    // Storage at each acquisition end: recorded so far minus sent so far (parts are in time order).
    const double cap = inst.sats[sat].storage_gbit;
    double recorded = 0.0;
    double sent = 0.0;
    std::size_t pj = 0;
    if (details) {
        res.storage_after.assign(n, 0.0);
    }
    for (std::size_t i = 0; i < n; ++i) {
        recorded += inst.data_gbit(inst.opps[slots[i].opp].task, sat);
        const double e = slots[i].end;
        while (pj < res.parts.size() && res.parts[pj].end <= e) {
            sent += res.parts[pj].data_gbit;
            ++pj;
        }
        double partial = 0.0;
        if (pj < res.parts.size() && res.parts[pj].start < e) {
            const auto &p = res.parts[pj];
            partial = p.data_gbit * (e - p.start) / (p.end - p.start);
        }
        const double level = recorded - sent - partial;
        res.peak_gbit = std::max(res.peak_gbit, level);
        if (details) {
            res.storage_after[i] = level;
        }
        if (level > cap + data_eps_gbit) {
            if (res.ok || res.failure != UnservedReason::storage) {
                res.fail_time_s = e;
                res.fail_gbit = level - cap;
            }
            res.ok = false;
            res.failure = UnservedReason::storage;
        }
    }
    if (res.ok && inst.sats[sat].power) {
        simulate_power(inst, sat, slots, res, details);
    }
    if (!details) {
        res.parts.clear();
    }
    return res;
}

Solution empty_solution(const Instance &inst)
{
    Solution s;
    s.timeline.resize(inst.sats.size());
    s.delivered.resize(inst.sats.size());
    s.task_sat.assign(inst.tasks.size(), npos);
    s.task_opp.assign(inst.tasks.size(), npos);
    s.job_factor.assign(inst.jobs.size(), 1.0);
    s.job_done.assign(inst.jobs.size(), 0);
    s.tenant_value.assign(inst.shares.size(), 0.0);
    s.tenant_served.assign(inst.shares.size(), 0);
    s.sat_version.assign(inst.sats.size(), 0);
    s.bucket_version.assign(inst.sats.size(), std::vector<std::uint32_t>(static_cast<std::size_t>(inst.horizon_s / bucket_s) + 2, 0));
    s.fail_memo.assign(inst.tasks.size(), Solution::FailMemo{});
    return s;
}

void note_change(const Instance &inst, Solution &sol, std::size_t sat, const std::vector<Slot> &before)
{
    const auto &after = sol.timeline[sat];
    auto same = [](const Slot &a, const Slot &b) { return a.opp == b.opp && a.k == b.k; };
    std::size_t i = 0;
    while (i < before.size() && i < after.size() && same(before[i], after[i])) {
        ++i;
    }
    if (i == before.size() && i == after.size()) {
        return;
    }
    std::size_t jb = before.size(), ja = after.size();
    while (jb > i && ja > i && same(before[jb - 1], after[ja - 1])) {
        --jb;
        --ja;
    }
    double a = 1e300, b = -1e300;
    for (std::size_t k = i; k < jb; ++k) {
        a = std::min(a, before[k].start);
        b = std::max(b, before[k].end);
    }
    for (std::size_t k = i; k < ja; ++k) {
        a = std::min(a, after[k].start);
        b = std::max(b, after[k].end);
    }
    // NOTE: versions come from one process-wide counter, so two solutions (the ALNS candidate and the current one)
    // share a version only where they share the change that produced it; a memo recorded on either is valid on both.
    static std::atomic<std::uint32_t> counter{0};
    const std::uint32_t v = ++counter;
    sol.sat_version[sat] = v;
    auto &bv = sol.bucket_version[sat];
    const auto lo = static_cast<std::size_t>(std::clamp(std::floor(a / bucket_s), 0.0, static_cast<double>(bv.size() - 1)));
    const auto hi = static_cast<std::size_t>(std::clamp(std::floor(b / bucket_s), 0.0, static_cast<double>(bv.size() - 1)));
    for (std::size_t k = lo; k <= hi; ++k) {
        bv[k] = v;
    }
    (void)inst;
}

namespace {

struct Candidate {
    std::size_t opp;
    std::size_t pos;
    int k;
    double end;
    double shift = 0.0;         // total delay pushed onto later acquisitions (s)
    std::vector<Slot> timeline; // the satellite's timeline with the new slot (and pushed successors)
};

} // namespace

/// Earliest grid step in [k_lo, k_hi] at which opportunity `o` can start after a slot ending at prev_end with look
/// vector prev_le (no previous slot when prev_end is -inf): the slew from prev_le to the start look vector must fit.
const Slot *slot_before(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl, std::size_t pos)
{
    if (pos > 0) {
        return &tl[pos - 1];
    }
    static const Slot nadir_at_start{npos, 0, 0.0, 0.0, Vec3(0.0, 0.0, 1.0), Vec3(0.0, 0.0, 1.0)};
    const SatInfo &si = inst.sats[sat];
    return si.pointable && si.agility.initial_nadir ? &nadir_at_start : nullptr;
}

std::optional<int> earliest_start(const Instance &inst, const Opportunity &o, const Slot *prev, int k_lo, int k_hi, Vec3 &ls)
{
    const SatInfo &si = inst.sats[o.sat];
    const double step = inst.step_s;
    const Vec3 p0 = inst.scan_point(o, 0.0);
    int k = k_lo;
    if (prev) {
        const double gap = si.pointable ? si.agility.settle_s : 0.0;
        k = std::max(k, static_cast<int>(std::ceil((prev->end + gap) / step - 1e-9)));
    }
    if (k > k_hi) {
        return std::nullopt;
    }
    ls = inst.eph[o.sat].look(k * step, p0);
    if (!prev || !si.pointable) {
        return k;
    }
    // NOTE: the slew needed shrinks or grows as the target drifts in the satellite frame, so the first feasible step
    // can lie before prev_end + transition(θ at the first candidate). Advance by half the remaining deficit (at least
    // one step): the deficit g(k) = need(k) - t_k falls by ~1 s per second (|d need/dt| << 1 away from θ ~ 0), so
    // half-steps do not jump over the first feasible k.
    for (int it = 0; it < 64; ++it) {
        const double need = prev->end + transition_s(prev->look_end, ls, si.agility);
        const double deficit = need - k * step;
        if (deficit <= time_eps_s) {
            return k;
        }
        k += std::max(1, static_cast<int>(std::floor(0.5 * deficit / step)));
        if (k > k_hi) {
            return std::nullopt;
        }
        ls = inst.eph[o.sat].look(k * step, p0);
    }
    return std::nullopt;
}

namespace {

/// Inserts `o` before timeline[pos] at its earliest start after the previous slot, then pushes the following slots
/// later (each to its earliest feasible start, within its own opportunity) until one no longer needs to move.
bool place_in_gap(const Instance &inst, const std::vector<Slot> &tl, std::size_t pos, const Opportunity &o, Candidate &c, bool &passed)
{
    passed = false;
    const double step = inst.step_s;
    const double d = inst.tasks[o.task].duration_s;
    const Slot *prev = slot_before(inst, o.sat, tl, pos);
    {
        // necessary condition with settling only (slews >= 0), no look vectors: cheap rejection
        const SatInfo &si0 = inst.sats[o.sat];
        const double gap = si0.pointable ? si0.agility.settle_s : 0.0;
        double t = std::max(o.k_min * step, prev ? prev->end + gap : -1e300);
        if (t > o.k_max * step + time_eps_s) {
            return false;
        }
        double e = t + d;
        for (std::size_t j = pos; j < tl.size(); ++j) {
            const double need = e + gap;
            if (tl[j].start >= need - time_eps_s) {
                break;
            }
            const Opportunity &co = inst.opps[tl[j].opp];
            const double ns = std::ceil(need / step - 1e-9) * step;
            if (ns > co.k_max * step + time_eps_s) {
                return false;
            }
            e = ns + inst.tasks[co.task].duration_s;
        }
    }
    passed = true;
    Vec3 ls;
    const auto k = earliest_start(inst, o, prev, o.k_min, o.k_max, ls);
    if (!k) {
        return false;
    }
    c.shift = 0.0;
    const std::size_t oi = static_cast<std::size_t>(&o - inst.opps.data());
    Slot ns{oi, *k, *k * step, *k * step + d, ls, inst.eph[o.sat].look(*k * step + d, inst.scan_point(o, 1.0))};
    // quick exit: the new slot would not even start before the next one's latest start
    std::vector<Slot> out;
    out.reserve(tl.size() + 1);
    out.insert(out.end(), tl.begin(), tl.begin() + static_cast<std::ptrdiff_t>(pos));
    out.push_back(ns);
    const SatInfo &si = inst.sats[o.sat];
    std::size_t j = pos;
    for (; j < tl.size(); ++j) {
        const Slot &cur = tl[j];
        const Slot &before = out.back();
        const double need = before.end + (si.pointable ? transition_s(before.look_end, cur.look_start, si.agility) : 0.0);
        if (cur.start >= need - time_eps_s) {
            break; // no push needed from here on
        }
        const Opportunity &co = inst.opps[cur.opp];
        Vec3 cls;
        const auto ck = earliest_start(inst, co, &before, std::max(cur.k, co.k_min), co.k_max, cls);
        if (!ck) {
            return false;
        }
        const double cd = inst.tasks[co.task].duration_s;
        out.push_back(Slot{cur.opp, *ck, *ck * step, *ck * step + cd, cls, inst.eph[co.sat].look(*ck * step + cd, inst.scan_point(co, 1.0))});
        c.shift += (*ck - cur.k) * step;
    }
    out.insert(out.end(), tl.begin() + static_cast<std::ptrdiff_t>(j), tl.end());
    c.opp = oi;
    c.pos = pos;
    c.k = *k;
    c.end = ns.end;
    c.timeline = std::move(out);
    return true;
}

/// Per-orbit imaging cap: for every acquisition j, the imaging time of acquisitions starting in
/// [start_j, start_j + orbit period) must not exceed the cap.
/// Stereo sets on one satellite's timeline: the images of each stereo job found there lie within a quarter of an
/// orbit (one pass) and every consecutive pair in time has B/H in [bh_min, bh_max] (θ at each image's middle).
bool stereo_ok(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl)
{
    if (!inst.any_stereo) {
        return true; // called on every placement check: nothing to scan without stereo requests
    }
    std::vector<std::pair<std::size_t, std::size_t>> images; // (job, slot index) of stereo images
    for (std::size_t i = 0; i < tl.size(); ++i) {
        const std::size_t job = inst.tasks[inst.opps[tl[i].opp].task].job;
        if (inst.jobs[job].stereo) {
            images.emplace_back(job, i);
        }
    }
    if (images.size() < 2) {
        return true;
    }
    std::stable_sort(images.begin(), images.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    const double pass_s = 0.25 * inst.sats[sat].orbit_period_s;
    for (std::size_t a = 0; a < images.size();) {
        std::size_t b = a;
        while (b < images.size() && images[b].first == images[a].first) {
            ++b;
        }
        const mission::Stereo &st = *inst.jobs[images[a].first].stereo;
        double prev_theta = 0.0, prev_mid = 0.0;
        for (std::size_t k = a; k < b; ++k) { // slots are in time order, so are these
            const Slot &sl = tl[images[k].second];
            const double mid = 0.5 * (sl.start + sl.end);
            Vec3 r, v;
            inst.eph[sat].state(mid, r, v);
            const double theta = geometry::along_track_view_angle_deg(r, v, inst.tasks[inst.opps[sl.opp].task].centre);
            if (k > a) {
                const double bh = geometry::base_to_height(prev_theta, theta);
                if (mid - prev_mid > pass_s || bh < st.bh_min - 1e-9 || bh > st.bh_max + 1e-9) {
                    return false;
                }
            }
            prev_theta = theta;
            prev_mid = mid;
        }
        a = b;
    }
    return true;
}

/// The timeline's own rules beyond timing: the imaging cap per orbit and the stereo sets.
bool cap_ok(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl)
{
    const SatInfo &si = inst.sats[sat];
    if (!stereo_ok(inst, sat, tl)) {
        return false;
    }
    if (!si.cap_s) {
        return true;
    }
    double sum = 0.0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < tl.size(); ++i) {
        if (j < i) {
            j = i;
            sum = 0.0;
        }
        while (j < tl.size() && tl[j].start < tl[i].start + si.orbit_period_s) {
            sum += tl[j].end - tl[j].start;
            ++j;
        }
        if (sum > *si.cap_s + time_eps_s) {
            return false;
        }
        sum -= tl[i].end - tl[i].start;
    }
    return true;
}

} // namespace

namespace {

/// Stamps of the state a placement attempt of `task` depends on: the buckets of its opportunities' windows (plus
/// five minutes after them, where pushed acquisitions go) and the versions of their satellites.
std::pair<std::uint64_t, std::uint64_t> stamps(const Instance &inst, const Solution &sol, std::size_t task)
{
    std::uint64_t t = 0, s = 0;
    for (std::size_t oi : inst.task_opps[task]) {
        const Opportunity &o = inst.opps[oi];
        const auto &bv = sol.bucket_version[o.sat];
        const double a = o.k_min * inst.step_s - 60.0;
        const double b = o.k_max * inst.step_s + inst.tasks[task].duration_s + 300.0;
        const auto lo = static_cast<std::size_t>(std::clamp(std::floor(a / bucket_s), 0.0, static_cast<double>(bv.size() - 1)));
        const auto hi = static_cast<std::size_t>(std::clamp(std::floor(b / bucket_s), 0.0, static_cast<double>(bv.size() - 1)));
        for (std::size_t k = lo; k <= hi; ++k) {
            t = (t ^ bv[k]) * core::fnv1a_prime; // FNV-style mix: equal stamps mean equal versions
        }
        s = (s ^ sol.sat_version[o.sat]) * core::fnv1a_prime;
    }
    return {t, s};
}

PlaceStatus find_placement_uncached(const Instance &inst, const Solution &sol, std::size_t task, Placement &out, SimResult *sim,
                                    const std::vector<TimeRegion> *focus, std::optional<CapacityFailure> *failure = nullptr);

} // namespace

PlaceStatus find_placement(const Instance &inst, const Solution &sol, std::size_t task, Placement &out, SimResult *sim,
                           const std::vector<TimeRegion> *focus)
{
    // NOTE: a failed attempt is remembered until something it depends on changes (a heuristic shortcut: a push chain
    // reaching beyond five minutes is not tracked, which can only make the search miss an insertion, never accept an
    // infeasible one). The memo lives in the solution and is mutable bookkeeping.
    auto &memo = const_cast<Solution &>(sol).fail_memo[task];
    const auto [ts, ss] = stamps(inst, sol, task);
    if (memo.status >= 0) {
        const auto st = static_cast<PlaceStatus>(memo.status);
        const bool time_fail = st == PlaceStatus::no_time || st == PlaceStatus::cap;
        if ((time_fail && memo.time_stamp == ts) || (!time_fail && memo.sat_stamp == ss)) {
            return st;
        }
    }
    const PlaceStatus st = find_placement_uncached(inst, sol, task, out, sim, focus);
    if (st == PlaceStatus::ok) {
        memo.status = -1;
    } else if (!focus) {
        memo = Solution::FailMemo{ts, ss, static_cast<int>(st)};
    }
    return st;
}

namespace {

/// A stereo image whose set already has images on a satellite: the earliest start in each gap (what the general
/// search tries) is usually too close to them for the B/H range, so every start step of its opportunities on that
/// satellite is scanned (in steps of ~2 s) for one whose B/H with the nearest images in time is in range, and placed
/// there when everything else holds. nullopt when the task is not such an image.
std::optional<PlaceStatus> place_stereo_image(const Instance &inst, const Solution &sol, std::size_t task, Placement &out,
                                              SimResult *sim)
{
    const Job &j = inst.jobs[inst.tasks[task].job];
    if (!j.stereo) {
        return std::nullopt;
    }
    std::size_t sat = npos;
    std::vector<double> sib_mid, sib_theta;
    for (std::size_t t : j.tasks) {
        if (t == task || sol.task_sat[t] == npos) {
            continue;
        }
        sat = sol.task_sat[t];
        for (const Slot &sl : sol.timeline[sat]) {
            if (inst.opps[sl.opp].task == t) {
                const double mid = 0.5 * (sl.start + sl.end);
                Vec3 r, v;
                inst.eph[sat].state(mid, r, v);
                sib_mid.push_back(mid);
                sib_theta.push_back(geometry::along_track_view_angle_deg(r, v, inst.tasks[t].centre));
            }
        }
    }
    if (sat == npos) {
        return std::nullopt;
    }
    const mission::Stereo &st = *j.stereo;
    const double d = inst.tasks[task].duration_s;
    const int stride = std::max(1, static_cast<int>(std::lround(2.0 / inst.step_s)));
    PlaceStatus status = PlaceStatus::no_time;
    for (std::size_t oi : inst.task_opps[task]) {
        const Opportunity &o = inst.opps[oi];
        if (o.sat != sat) {
            continue;
        }
        for (int k = o.k_min; k <= o.k_max; k += stride) {
            const double mid = k * inst.step_s + 0.5 * d;
            Vec3 r, v;
            inst.eph[sat].state(mid, r, v);
            const double theta = geometry::along_track_view_angle_deg(r, v, inst.tasks[task].centre);
            // B/H with the nearest image before and after in time within range, with every image at least bh_min
            bool ok = true;
            double before = -1e300, after = 1e300;
            std::size_t ib = npos, ia = npos;
            for (std::size_t s = 0; s < sib_mid.size(); ++s) {
                ok = ok && geometry::base_to_height(theta, sib_theta[s]) >= st.bh_min;
                if (sib_mid[s] < mid && sib_mid[s] > before) {
                    before = sib_mid[s];
                    ib = s;
                }
                if (sib_mid[s] > mid && sib_mid[s] < after) {
                    after = sib_mid[s];
                    ia = s;
                }
            }
            for (std::size_t s : {ib, ia}) {
                ok = ok && (s == npos || geometry::base_to_height(theta, sib_theta[s]) <= st.bh_max);
            }
            if (!ok) {
                continue;
            }
            const PlaceStatus p = try_place_at(inst, sol, oi, k, out, sim);
            if (p == PlaceStatus::ok) {
                return p;
            }
            if (status == PlaceStatus::no_time || status == PlaceStatus::cap) {
                status = p;
            }
        }
    }
    return status;
}

PlaceStatus find_placement_uncached(const Instance &inst, const Solution &sol, std::size_t task, Placement &out, SimResult *sim,
                                    const std::vector<TimeRegion> *focus, std::optional<CapacityFailure> *failure)
{
    if (!focus) {
        if (const auto st = place_stereo_image(inst, sol, task, out, sim)) {
            return *st;
        }
    }
    std::vector<Candidate> cands;
    const double d = inst.tasks[task].duration_s;
    for (std::size_t oi : inst.task_opps[task]) {
        const Opportunity &o = inst.opps[oi];
        if (sibling_elsewhere(inst, sol, task, o.sat)) {
            continue; // a stereo set is taken by one satellite
        }
        if (focus) {
            const double os = o.k_min * inst.step_s, oe = o.k_max * inst.step_s + d;
            const bool in = std::any_of(focus->begin(), focus->end(),
                                        [&](const TimeRegion &r) { return r.sat == o.sat && oe >= r.a && os <= r.b; });
            if (!in) {
                continue;
            }
        }
        const auto &tl = sol.timeline[o.sat];
        const double step = inst.step_s;
        const double lo = o.k_min * step;
        const double hi = o.k_max * step + d;
        // first gap whose next slot starts after lo
        auto it = std::lower_bound(tl.begin(), tl.end(), lo, [](const Slot &s, double t) { return s.start < t; });
        int found = 0, tried = 0;
        for (auto pos = static_cast<std::size_t>(it - tl.begin()); pos <= tl.size() && found < 3 && tried < 8; ++pos) {
            if (pos > 0 && tl[pos - 1].end > hi) {
                break;
            }
            Candidate c;
            bool passed = false;
            if (place_in_gap(inst, tl, pos, o, c, passed)) {
                cands.push_back(std::move(c));
                ++found; // the first few feasible gaps of each opportunity
            }
            tried += passed ? 1 : 0; // gaps that passed the cheap settle-only test and needed look vectors
        }
    }
    if (cands.empty()) {
        return PlaceStatus::no_time;
    }
    // Least disturbance first (total delay pushed onto later acquisitions), then the earliest end.
    // Clouds: the clearest opportunity first (p_usable in steps of 0.01; all 1 without clouds).
    auto clear = [&](const Candidate &c) { return -std::round(inst.opps[c.opp].p_usable * 100.0); };
    std::sort(cands.begin(), cands.end(), [&](const Candidate &a, const Candidate &b) {
        const double ca = clear(a), cb = clear(b);
        return std::tie(ca, a.shift, a.end, a.opp, a.pos) < std::tie(cb, b.shift, b.end, b.opp, b.pos);
    });
    PlaceStatus first_fail = PlaceStatus::no_time;
    for (auto &c : cands) {
        const Opportunity &o = inst.opps[c.opp];
        if (!cap_ok(inst, o.sat, c.timeline)) {
            if (first_fail == PlaceStatus::no_time) {
                first_fail = PlaceStatus::cap;
            }
            continue;
        }
        SimResult r = simulate(inst, o.sat, c.timeline, false);
        if (!r.ok) {
            if (first_fail == PlaceStatus::no_time || first_fail == PlaceStatus::cap) {
                first_fail = place_status(r.failure);
                if (failure) {
                    *failure = CapacityFailure{o.sat, r.failure, r.fail_time_s, r.fail_gbit};
                }
            }
            continue;
        }
        const Slot &ns = c.timeline[c.pos];
        out = Placement{c.opp, c.pos, c.k, ns.look_start, ns.look_end, std::move(c.timeline)};
        if (sim) {
            *sim = std::move(r);
        }
        return PlaceStatus::ok;
    }
    return first_fail;
}

} // namespace

bool sibling_elsewhere(const Instance &inst, const Solution &sol, std::size_t task, std::size_t sat)
{
    const Job &j = inst.jobs[inst.tasks[task].job];
    if (!j.stereo) {
        return false;
    }
    return std::any_of(j.tasks.begin(), j.tasks.end(),
                       [&](std::size_t t) { return t != task && sol.task_sat[t] != npos && sol.task_sat[t] != sat; });
}

bool timeline_rules_ok(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl)
{
    return cap_ok(inst, sat, tl);
}

PlaceStatus try_place_at(const Instance &inst, const Solution &sol, std::size_t opp, int k, Placement &out, SimResult *sim)
{
    const Opportunity &o = inst.opps[opp];
    if (k < o.k_min || k > o.k_max || sibling_elsewhere(inst, sol, o.task, o.sat)) {
        return PlaceStatus::no_time;
    }
    const auto &tl = sol.timeline[o.sat];
    const SatInfo &si = inst.sats[o.sat];
    const double start = k * inst.step_s;
    const double end = start + inst.tasks[o.task].duration_s;
    const auto pos = static_cast<std::size_t>(
        std::lower_bound(tl.begin(), tl.end(), start, [](const Slot &s, double t) { return s.start < t; }) - tl.begin());
    Vec3 ls, le;
    inst.looks(o, k, ls, le);
    auto need = [&](const Vec3 &a, const Vec3 &b) { return si.pointable ? transition_s(a, b, si.agility) : 0.0; };
    if (const Slot *before = slot_before(inst, o.sat, tl, pos); before && start < before->end + need(before->look_end, ls) - time_eps_s) {
        return PlaceStatus::no_time;
    }
    if (pos < tl.size() && tl[pos].start < end + need(le, tl[pos].look_start) - time_eps_s) {
        return PlaceStatus::no_time;
    }
    std::vector<Slot> t2 = tl;
    t2.insert(t2.begin() + static_cast<std::ptrdiff_t>(pos), Slot{opp, k, start, end, ls, le});
    if (!cap_ok(inst, o.sat, t2)) {
        return PlaceStatus::cap;
    }
    SimResult r = simulate(inst, o.sat, t2, false);
    if (!r.ok) {
        return place_status(r.failure);
    }
    out = Placement{opp, pos, k, ls, le, {}};
    if (sim) {
        *sim = std::move(r);
    }
    return PlaceStatus::ok;
}

bool compact(const Instance &inst, Solution &sol, std::size_t sat)
{
    const auto &tl = sol.timeline[sat];
    std::vector<Slot> out;
    out.reserve(tl.size());
    bool moved = false;
    const SatInfo &si = inst.sats[sat];
    for (const Slot &cur : tl) {
        const Opportunity &o = inst.opps[cur.opp];
        const Slot *prev = slot_before(inst, sat, out, out.size());
        Vec3 ls;
        auto k = earliest_start(inst, o, prev, o.k_min, cur.k, ls);
        if (!k) {
            // non-FIFO slews: the earlier previous slot made no earlier start feasible; keep the current one if it fits
            const double need = prev ? prev->end + (si.pointable ? transition_s(prev->look_end, cur.look_start, si.agility) : 0.0) : -1e300;
            if (cur.start < need - time_eps_s) {
                return false;
            }
            out.push_back(cur);
            continue;
        }
        const double d = inst.tasks[o.task].duration_s;
        out.push_back(Slot{cur.opp, *k, *k * inst.step_s, *k * inst.step_s + d, ls, inst.eph[sat].look(*k * inst.step_s + d, inst.scan_point(o, 1.0))});
        moved = moved || *k != cur.k;
    }
    if (!moved || !cap_ok(inst, sat, out)) {
        return false;
    }
    SimResult r = simulate(inst, sat, out, false);
    if (!r.ok) {
        return false;
    }
    const std::vector<Slot> before = sol.timeline[sat];
    sol.timeline[sat] = std::move(out);
    sol.delivered[sat] = std::move(r.delivered);
    note_change(inst, sol, sat, before);
    return true;
}

namespace {

/// Left-justifies slots [i0, i1) of `tl` in their current order after slot i0 - 1; false if a window or the slot
/// after the block does not allow it.
bool left_justify(const Instance &inst, std::size_t sat, std::vector<Slot> &tl, std::size_t i0, std::size_t i1)
{
    const SatInfo &si = inst.sats[sat];
    for (std::size_t i = i0; i < i1; ++i) {
        const Opportunity &o = inst.opps[tl[i].opp];
        Vec3 ls;
        const auto k = earliest_start(inst, o, slot_before(inst, sat, tl, i), o.k_min, o.k_max, ls);
        if (!k) {
            return false;
        }
        const double d = inst.tasks[o.task].duration_s;
        tl[i] = Slot{tl[i].opp, *k, *k * inst.step_s, *k * inst.step_s + d, ls, inst.eph[sat].look(*k * inst.step_s + d, inst.scan_point(o, 1.0))};
    }
    if (i1 < tl.size() && i1 > 0) {
        const Slot &a = tl[i1 - 1];
        const Slot &b = tl[i1];
        const double need = a.end + (si.pointable ? transition_s(a.look_end, b.look_start, si.agility) : 0.0);
        if (b.start < need - time_eps_s) {
            return false;
        }
    }
    return true;
}

} // namespace

bool resequence(const Instance &inst, Solution &sol, std::size_t sat, std::size_t i0, std::size_t i1, int max_rounds)
{
    std::vector<Slot> tl = sol.timeline[sat];
    if (i1 > tl.size() || i1 - i0 < 2) {
        return false;
    }
    if (!left_justify(inst, sat, tl, i0, i1)) {
        tl = sol.timeline[sat];
    }
    auto cost = [&](const std::vector<Slot> &t) {
        double c = 0.0;
        for (std::size_t i = i0; i < i1; ++i) {
            c += t[i].end;
        }
        return std::make_pair(t[i1 - 1].end, c);
    };
    auto best = cost(tl);
    bool improved_any = false;
    for (int round = 0; round < max_rounds; ++round) {
        bool improved = false;
        // Or-opt: take a segment of 1..3 consecutive slots out and put it elsewhere in the block (best improvement),
        // re-timing the block left-justified.
        std::vector<Slot> best_t;
        for (std::size_t len = 1; len <= 3; ++len) {
            for (std::size_t a = i0; a + len <= i1; ++a) {
                const std::size_t b_lo = a > i0 + 6 ? a - 6 : i0;
                for (std::size_t b = b_lo; b + len <= i1 && b <= a + 6; ++b) {
                    if (b == a) {
                        continue;
                    }
                    std::vector<Slot> t = tl;
                    std::vector<Slot> seg(t.begin() + static_cast<std::ptrdiff_t>(a), t.begin() + static_cast<std::ptrdiff_t>(a + len));
                    t.erase(t.begin() + static_cast<std::ptrdiff_t>(a), t.begin() + static_cast<std::ptrdiff_t>(a + len));
                    t.insert(t.begin() + static_cast<std::ptrdiff_t>(b), seg.begin(), seg.end());
                    if (!left_justify(inst, sat, t, i0, i1)) {
                        continue;
                    }
                    const auto c = cost(t);
                    if (c < best) {
                        best = c;
                        best_t = std::move(t);
                    }
                }
            }
        }
        if (!best_t.empty()) {
            tl = std::move(best_t);
            improved = true;
        }
        if (!improved) {
            break;
        }
        improved_any = true;
    }
    if (!improved_any || !cap_ok(inst, sat, tl)) {
        return false;
    }
    SimResult r = simulate(inst, sat, tl, false);
    if (!r.ok) {
        return false;
    }
    const std::vector<Slot> before = sol.timeline[sat];
    sol.timeline[sat] = std::move(tl);
    sol.delivered[sat] = std::move(r.delivered);
    note_change(inst, sol, sat, before);
    return true;
}

void force_place(const Instance &inst, Solution &sol, std::size_t opp, int k)
{
    const Opportunity &o = inst.opps[opp];
    const auto &tl = sol.timeline[o.sat];
    const double start = k * inst.step_s;
    const auto pos = static_cast<std::size_t>(
        std::lower_bound(tl.begin(), tl.end(), start, [](const Slot &s, double t) { return s.start < t; }) - tl.begin());
    Placement p{opp, pos, k, Vec3::Zero(), Vec3::Zero(), {}};
    inst.looks(o, k, p.look_start, p.look_end);
    std::vector<Slot> t2 = tl;
    t2.insert(t2.begin() + static_cast<std::ptrdiff_t>(pos), Slot{opp, k, start, start + inst.tasks[o.task].duration_s, p.look_start, p.look_end});
    apply_placement(inst, sol, p, simulate(inst, o.sat, t2, false));
}

void restrict_opportunities(Instance &inst, int k_from)
{
    std::vector<Opportunity> kept;
    for (auto o : inst.opps) {
        o.k_min = std::max(o.k_min, k_from);
        if (o.k_min <= o.k_max) {
            kept.push_back(o);
        }
    }
    inst.opps = std::move(kept);
    for (auto &v : inst.task_opps) {
        v.clear();
    }
    for (auto &v : inst.sat_opps) {
        v.clear();
    }
    for (std::size_t i = 0; i < inst.opps.size(); ++i) {
        inst.task_opps[inst.opps[i].task].push_back(i);
        inst.sat_opps[inst.opps[i].sat].push_back(i);
    }
    refresh_feasibility(inst);
}

void refresh_feasibility(Instance &inst)
{
    for (auto &j : inst.jobs) {
        j.feasible = !j.stereo_impossible
                     && std::all_of(j.tasks.begin(), j.tasks.end(), [&](std::size_t t) { return !inst.task_opps[t].empty(); });
    }
    count_share_feasible(inst);
}

void count_share_feasible(Instance &inst)
{
    std::fill(inst.tenant_feasible.begin(), inst.tenant_feasible.end(), 0);
    for (const auto &j : inst.jobs) {
        if (j.feasible && j.tenant != npos && !j.share_exempt) {
            ++inst.tenant_feasible[j.tenant];
        }
    }
}

void assign_scores(Instance &inst)
{
    // Tiers from the lowest up: the lowest tier present has base 0 (score = value, so a one-tier instance keeps its
    // plain objective); each higher tier's base exceeds the total score of everything below it; the urgent base
    // also exceeds the urgent values together, so that one more urgent occurrence always outweighs them.
    double below = 0.0;
    bool seen = false;
    for (int t = mission::tier_count - 1; t >= 0; --t) {
        const auto tier = static_cast<mission::Tier>(t);
        double own = 0.0;
        int n = 0;
        for (const auto &j : inst.jobs) {
            if (j.tier == tier) {
                own += j.value;
                ++n;
            }
        }
        if (n == 0) {
            continue;
        }
        double base = seen ? below + 1.0 : 0.0;
        if (tier == mission::Tier::urgent && (seen || n > 1)) {
            base = std::max(base, own + 1.0);
        }
        for (auto &j : inst.jobs) {
            if (j.tier == tier) {
                j.score = base + j.value;
            }
        }
        below += base * n + own;
        seen = true;
    }
}

namespace {

void job_gained(const Instance &inst, Solution &sol, std::size_t job)
{
    const Job &j = inst.jobs[job];
    const double f = inst.clouds_used ? job_factor(inst, sol, job) : 1.0;
    sol.job_factor[job] = f;
    sol.value += j.value * f;
    sol.score += scaled_score(j, f);
    if (j.tenant != npos && !j.share_exempt) {
        sol.tenant_value[j.tenant] += j.value * f;
        ++sol.tenant_served[j.tenant];
    }
}

void job_lost(const Instance &inst, Solution &sol, std::size_t job)
{
    const Job &j = inst.jobs[job];
    const double f = sol.job_factor[job];
    sol.value -= j.value * f;
    sol.score -= scaled_score(j, f);
    if (j.tenant != npos && !j.share_exempt) {
        sol.tenant_value[j.tenant] -= j.value * f;
        --sol.tenant_served[j.tenant];
    }
}

} // namespace

double job_factor(const Instance &inst, const Solution &sol, std::size_t job)
{
    const Job &j = inst.jobs[job];
    double sum = 0.0;
    for (std::size_t t : j.tasks) {
        sum += sol.task_opp[t] == npos ? 0.0 : inst.opps[sol.task_opp[t]].p_usable;
    }
    return j.tasks.empty() ? 0.0 : sum / static_cast<double>(j.tasks.size());
}

void apply_placement(const Instance &inst, Solution &sol, const Placement &p, SimResult &&sim)
{
    const Opportunity &o = inst.opps[p.opp];
    auto &tl = sol.timeline[o.sat];
    const std::vector<Slot> before = tl;
    struct Note {
        const Instance &i;
        Solution &s;
        std::size_t sat;
        const std::vector<Slot> &b;
        ~Note() { note_change(i, s, sat, b); }
    } note{inst, sol, o.sat, before};
    if (!p.timeline.empty()) {
        tl = p.timeline;
    } else {
        const double d = inst.tasks[o.task].duration_s;
        tl.insert(tl.begin() + static_cast<std::ptrdiff_t>(p.pos),
                  Slot{p.opp, p.k, p.k * inst.step_s, p.k * inst.step_s + d, p.look_start, p.look_end});
    }
    sol.delivered[o.sat] = std::move(sim.delivered);
    sol.task_sat[o.task] = o.sat;
    sol.task_opp[o.task] = p.opp;
    const std::size_t job = inst.tasks[o.task].job;
    ++sol.job_done[job];
    if (sol.served(inst, job)) {
        job_gained(inst, sol, job);
    }
}

void mark_scheduled(const Instance &inst, Solution &sol, std::size_t task, std::size_t opp)
{
    sol.task_sat[task] = inst.opps[opp].sat;
    sol.task_opp[task] = opp;
    const std::size_t job = inst.tasks[task].job;
    ++sol.job_done[job];
    if (sol.served(inst, job)) {
        job_gained(inst, sol, job);
    }
}

void remove_task(const Instance &inst, Solution &sol, std::size_t task)
{
    const std::size_t sat = sol.task_sat[task];
    if (sat == npos) {
        return;
    }
    auto &tl = sol.timeline[sat];
    const std::vector<Slot> before = tl;
    for (std::size_t i = 0; i < tl.size(); ++i) {
        if (inst.opps[tl[i].opp].task == task) {
            tl.erase(tl.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }
    note_change(inst, sol, sat, before);
    const std::size_t job = inst.tasks[task].job;
    if (sol.served(inst, job)) {
        job_lost(inst, sol, job);
    }
    --sol.job_done[job];
    sol.task_sat[task] = npos;
    sol.task_opp[task] = npos;
    sol.delivered[sat] = simulate(inst, sat, tl, false).delivered;
}

std::optional<CapacityFailure> capacity_failure(const Instance &inst, const Solution &sol_in, std::size_t job)
{
    // The insertion insert_job makes, task by task, keeping the first candidate that fails the simulation.
    Solution sol = sol_in;
    for (std::size_t t : inst.jobs[job].tasks) {
        if (sol.task_sat[t] != npos) {
            continue;
        }
        Placement p;
        SimResult sim;
        std::optional<CapacityFailure> failure;
        const PlaceStatus st = find_placement_uncached(inst, sol, t, p, &sim, nullptr, &failure);
        if (st != PlaceStatus::ok) {
            return (st == PlaceStatus::storage || st == PlaceStatus::downlink || st == PlaceStatus::power) ? failure
                                                                                                            : std::nullopt;
        }
        apply_placement(inst, sol, p, std::move(sim));
    }
    return std::nullopt;
}

namespace {

/// A stereo set the image-by-image insertion could not place (its first image went where the others cannot
/// follow): the first image is tried at start steps of each of its opportunities (every ~2 s, at most 400 tries), the
/// others placed after it by place_stereo_image. All or nothing; true when placed.
bool insert_stereo_set(const Instance &inst, Solution &sol, std::size_t job, const std::vector<TimeRegion> *focus)
{
    const Job &j = inst.jobs[job];
    const std::size_t first = j.tasks.front();
    const int stride = std::max(1, static_cast<int>(std::lround(2.0 / inst.step_s)));
    int tries = 0;
    for (std::size_t oi : inst.task_opps[first]) {
        const Opportunity &o = inst.opps[oi];
        for (int k = o.k_min; k <= o.k_max && tries < 400; k += stride) {
            if (focus) {
                const double t0 = k * inst.step_s;
                const bool in = std::any_of(focus->begin(), focus->end(),
                                            [&](const TimeRegion &r) { return r.sat == o.sat && t0 >= r.a && t0 <= r.b; });
                if (!in) {
                    continue;
                }
            }
            ++tries;
            Placement p;
            SimResult sim;
            if (try_place_at(inst, sol, oi, k, p, &sim) != PlaceStatus::ok) {
                continue;
            }
            apply_placement(inst, sol, p, std::move(sim));
            bool all = true;
            for (std::size_t t : j.tasks) {
                if (t == first) {
                    continue;
                }
                Placement q;
                SimResult qs;
                const auto st = place_stereo_image(inst, sol, t, q, &qs);
                if (!st || *st != PlaceStatus::ok) {
                    all = false;
                    break;
                }
                apply_placement(inst, sol, q, std::move(qs));
            }
            if (all) {
                return true;
            }
            remove_job(inst, sol, job);
        }
    }
    return false;
}

} // namespace

PlaceStatus insert_job(const Instance &inst, Solution &sol, std::size_t job, const std::vector<TimeRegion> *focus)
{
    const Job &j = inst.jobs[job];
    if (!j.feasible) {
        return PlaceStatus::no_time;
    }
    const bool none_before = std::all_of(j.tasks.begin(), j.tasks.end(), [&](std::size_t t) { return sol.task_sat[t] == npos; });
    std::vector<std::size_t> done;
    for (std::size_t t : j.tasks) {
        if (sol.task_sat[t] != npos) {
            continue;
        }
        Placement p;
        SimResult sim;
        const PlaceStatus st = find_placement(inst, sol, t, p, &sim, focus);
        if (st != PlaceStatus::ok) {
            for (std::size_t u : done) {
                remove_task(inst, sol, u);
            }
            if (j.stereo && none_before && insert_stereo_set(inst, sol, job, focus)) {
                return PlaceStatus::ok;
            }
            return st;
        }
        apply_placement(inst, sol, p, std::move(sim));
        done.push_back(t);
    }
    return PlaceStatus::ok;
}

void remove_job(const Instance &inst, Solution &sol, std::size_t job)
{
    for (std::size_t t : inst.jobs[job].tasks) {
        remove_task(inst, sol, t);
    }
}

double total_latency_s(const Instance &inst, const Solution &sol)
{
    std::vector<double> last(inst.jobs.size(), 0.0);
    for (std::size_t s = 0; s < sol.timeline.size(); ++s) {
        const auto &tl = sol.timeline[s];
        for (std::size_t i = 0; i < tl.size(); ++i) {
            const std::size_t job = inst.tasks[inst.opps[tl[i].opp].task].job;
            last[job] = std::max(last[job], sol.delivered[s][i]);
        }
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
        if (sol.served(inst, j)) {
            sum += last[j] - inst.jobs[j].window_start_s;
        }
    }
    return sum;
}

double share_deficit(const Instance &inst, const Solution &sol, std::vector<double> *per_tenant)
{
    const double tol = inst.options.fairness_tolerance;
    double total = 0.0;
    if (per_tenant) {
        per_tenant->assign(inst.shares.size(), 0.0);
    }
    double shared = 0.0; // value under the share rule (exempt urgent jobs left out)
    for (double v : sol.tenant_value) {
        shared += v;
    }
    for (std::size_t n = 0; n < inst.shares.size(); ++n) {
        if (sol.tenant_served[n] >= inst.tenant_feasible[n]) {
            continue; // every feasible job of this nation is served: not protected
        }
        const double need = (inst.shares[n] - tol) * shared;
        const double deficit = need - sol.tenant_value[n];
        if (deficit > 1e-9) {
            total += deficit;
            if (per_tenant) {
                (*per_tenant)[n] = deficit;
            }
        }
    }
    return total;
}

} // namespace vantage::scheduling::detail
