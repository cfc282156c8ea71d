#pragma once
/// @file
/// Tasking plan files (docs/formats.md § Tasking plan): plan.json (written and read back for replanning),
/// timeline.csv, plan.czml and changes.json. Times UTC ISO 8601 with 6 decimals and `Z`; numbers in shortest
/// round-trip form; units in every key. plan.json holds no wall-clock figure, so the same mission, seed and
/// iterations give byte-identical files.

#include <optional>
#include <string>
#include <string_view>

#include "vantage/scheduling/mission.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::io {

/// plan.json: acquisitions, downlinks, unserved, metrics, plus the satellites and stations it refers to (so that
/// a checker needs only this file and the element sets).
/// @param scenario_name the scenario file name written in the document
std::string plan_to_json(const scheduling::Plan &plan, const scheduling::Mission &mission, const std::string &scenario_name);

/// timeline.csv: `satellite,kind,start_utc,end_utc,acquisition_id,station,storage_gbit_after`, kind acquisition |
/// slew | downlink (one row per downlink part: image x contact), by satellite (scenario order) then time.
std::string plan_timeline_csv(const scheduling::Plan &plan, const scheduling::Mission &mission);

/// plan.czml: CZML (Cesium) with the satellites' positions (ITRF, 60 s samples), stations, acquisitions
/// (target points and satellite-target lines while imaging) and downlinks (satellite-station lines).
std::string plan_to_czml(const scheduling::Plan &plan, const scheduling::Mission &mission);

/// changes.json of a replan.
std::string changes_to_json(const scheduling::PlanChanges &changes);

/// Reads the parts of a plan.json that replanning needs.
/// @param explanations false: the unserved occurrences' `blocked_by`, `nearest_misses` and `capacity` are skipped
///        (a replan that changes anything computes its own; they are most of a large plan.json)
/// @throws ParseError(syntax) for text that is not JSON; ConfigError(missing_field / syntax / invalid_time)
///         naming the JSON path (e.g. "acquisitions[3].start_utc").
scheduling::PreviousPlan parse_plan_json(std::string_view text, const std::string &source_name, bool explanations = true);

/// plan.cache (beside plan.json): a scheduling::OpportunityCache as bytes. Layout (little-endian): magic
/// "VNTGOPC1", u32 format version, u64 entry count, per entry u64 key, u32 range count and per range i32 k_min,
/// i32 k_max, u8 reversed; then a u64 FNV-1a checksum of everything before it.
std::string opportunity_cache_to_bytes(const scheduling::OpportunityCache &cache);

/// Reads plan.cache bytes. A cache only ever saves time, so a file of another format version, truncated or
/// damaged (checksum) is not an error: nullopt, with the reason in `why` when given (the caller recomputes).
std::optional<scheduling::OpportunityCache> parse_opportunity_cache(std::string_view bytes, std::string *why = nullptr);

} // namespace vantage::io
