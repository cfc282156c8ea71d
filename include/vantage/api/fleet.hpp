#pragma once
/// @file
/// What the service plans with: the satellites with their sensors, the ground stations and the Earth
/// orientation, and the search of imaging opportunities for one request with the access engine
/// (`access::find_target_access`), used by feasibility (`POST /api/v1/feasibility`, the FEASIBLE / INFEASIBLE
/// status) and by the built-in greedy planner.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/mission/request.hpp"
#include "vantage/scheduling/mission.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::api {

/// The constellation and its ground segment (immutable once shared; the service swaps a new one in).
struct Fleet {
    std::vector<access::Satellite> satellites;     ///< each with its sensor
    std::vector<geometry::GroundStation> stations;
    std::vector<geometry::Sensor> sensors;         ///< known sensors, by name (for element uploads)
    frames::EarthOrientation eop;                  ///< empty: UT1-UTC and polar motion taken as zero
    access::SearchOptions search;
    orbits::Sgp4Options sgp4;                      ///< SGP4 constants for element sets uploaded later (scenario `sgp4:`)
    /// Tasking figures from the scenario's tasking keys (docs/formats.md § Tasking scenario): every figure of a
    /// satellite (agility, data rate, imaging swath, storage, imaging cap, power model, relay terminal; matched by
    /// NORAD id and sensor), tenants' rights shares and allowed stations, station outages, data relays, latency
    /// regions, the cloud forecast, planner controls. Null: the defaults (scheduling/mission.hpp).
    std::shared_ptr<const scheduling::Mission> tasking;
};

/// One imaging opportunity of a request.
struct Opportunity {
    int occurrence = 0;
    std::size_t satellite = 0; ///< index into Fleet::satellites
    std::string satellite_name;
    std::uint32_t norad_id = 0;
    std::string sensor;
    std::size_t point = 0;     ///< index into the request's sample points (0 = the representative point)
    double lat_deg = 0.0;      ///< the point seen (deg)
    double lon_deg = 0.0;      ///< (deg)
    access::Window window;     ///< within the occurrence's window and after `now`
};

/// Limits of one opportunity search.
struct SearchLimits {
    int max_occurrences = 50;             ///< occurrences searched at most (from the first that has not ended)
    std::size_t max_opportunities = 1000; ///< opportunities kept at most
    bool stop_at_first_feasible = false;  ///< stop after the first occurrence that has an opportunity
    std::optional<time::Instant> horizon_end; ///< ignore occurrences that start after this
    /// Work budget: wall-clock seconds the search may take (0: none). The search runs in pieces of at most
    /// `piece_h` of window; once the budget is spent it stops, `budget_exhausted` and `truncated` are set.
    double budget_s = 0.0;
    double piece_h = 24.0;
    /// When set and true, the search stops between pieces with Error(cancelled) (the service's stop flag).
    const std::atomic<bool> *cancel = nullptr;
};

/// The result of a search.
struct Opportunities {
    bool feasible = false;       ///< at least one opportunity
    std::string reason;          ///< why not, when not feasible (or what was left out)
    int occurrences_total = 0;
    int occurrences_searched = 0;
    std::vector<int> occurrences_feasible;
    std::vector<Opportunity> items; ///< by occurrence, then start
    bool truncated = false;      ///< max_opportunities or max_occurrences cut the search
    std::vector<std::string> skipped_satellites; ///< satellites dropped because SGP4 failed in the interval
    bool budget_exhausted = false; ///< the work budget (SearchLimits::budget_s) stopped the search
};

/// "left", "right", "both" and "ascending", "descending", "any": the names used in JSON.
const char *look_side_name(geometry::LookSide side) noexcept;
const char *pass_direction_name(geometry::PassDirection direction) noexcept;

/// The points a request is searched at: its target, or for an AOI a representative interior point (the
/// bounding-box centre when inside, else the first vertex) followed by up to 8 of its outer vertices.
std::vector<geometry::Target> sample_points(const mission::Request &request);

/// The sensor of `satellite` restricted by the request's own limits (limits only tighten: off-nadir and
/// incidence intersect, Sun elevation takes the higher minimum, look side and pass direction must agree), or
/// nullopt when the satellite cannot serve the request at all (wrong sensor family, empty intersection).
/// A fixed-swath sensor keeps its swath; a request's max_off_nadir_deg then filters its windows instead.
std::optional<geometry::Sensor> restricted_sensor(const geometry::Sensor &sensor, const mission::Request &request);

/// Imaging opportunities of `request` after `now` with every satellite of the fleet that can serve it: windows
/// of at least `duration_s` inside each occurrence's window.
Opportunities find_opportunities(const Fleet &fleet, const mission::Request &request, const time::Instant &now,
                                 const SearchLimits &limits = {});

} // namespace vantage::api
