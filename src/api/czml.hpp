#pragma once
// CZML (Cesium's time-dynamic scene format) of a plan for the web map.
#include <string>
#include <vector>

#include "vantage/api/fleet.hpp"
#include "vantage/mission/request.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::api {

/// The scene over [start, stop]: per satellite its ITRF position (sampled from SGP4, Cesium frame FIXED) with an
/// orbit path, its ground track (the sub-satellite point with a path) and its sensor footprint (an ellipse of
/// the field-of-regard radius); the ground stations; each request's target point and AOI polygon; each planned
/// acquisition (a satellite-to-target line shown during its interval) and downlink (satellite-to-station).
/// `plan_document` is the (already filtered) plan JSON, "{}" for none.
std::string build_czml(const Fleet &fleet, const std::string &plan_document, const std::vector<mission::Request> &requests,
                       const time::Instant &start, const time::Instant &stop);

} // namespace vantage::api
