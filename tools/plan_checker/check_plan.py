#!/usr/bin/python3
"""Independent checker of Vantage tasking plans (issue 6, "a plan checker that shares no code with the planner").

    /usr/bin/python3 tools/plan_checker/check_plan.py --scenario S.yaml --plan plan.json [--json]

Exit 0 when every rule holds, 1 with one line per violation (``RULE id: numbers``), 2 on unusable input.

Nothing here comes from Vantage: the scenario is read with PyYAML, satellites are propagated with Skyfield's SGP4
(python-sgp4) and placed in ITRS/GCRS by Skyfield, the Sun comes from astropy (elevations, the Earth's shadow),
polygons from Shapely, cloud-cover fields are decoded by ecCodes' command-line tools (grib_ls, grib_get_data;
Debian libeccodes-tools). The rules are re-implemented from their documented definitions (docs/formats.md § Geometry
definitions, § Tasking scenario, § Tasking plan; docs/architecture/scheduling.md § Constraints of a plan; issue 6's
slew law; the brief of issue 15 item 2 for power, item 3 for stereo). Inputs that a plan echoes (satellites,
stations, tenants) are taken from the scenario, not from the plan. With the scenario's eop_file, UT1-UTC and the
pole (x_p, y_p) are interpolated linearly between its daily values and Skyfield's ITRS includes the polar motion;
without one, UT1 = UTC and no polar motion (the planner's assumption).

Rules (the name printed with each violation):
  request            the acquisition's request/occurrence/strip exist; tenant, target and sensor kind match; a point
                     has strip 0 of 1, an image of a stereo set strip k of `images` (k its number, 0 <= k < images)
  limits_echo        the plan's `limits` of an acquisition are the sensor's limits tightened by the request's
  window             [start, end] inside the occurrence's window and the planning horizon
  time_grid          the start is a multiple of planning.time_step_s after start_utc
  data_volume        data_gbit = data_rate x duration
  visibility         target sees the satellite (elevation >= 0) at every sample (<= 1 s, both ends)
  off_nadir          off-nadir angle <= max_off_nadir_deg at every sample
  swath              fixed push-broom: |cross-track look angle| <= half-swath angle at every sample
  push_broom         fixed push-broom (not pointable): the imaged point passes under the instrument, i.e. its
                     along-track look angle comes within PUSH_BROOM_TOL_DEG of 0 during the acquisition. This goes
                     beyond docs/formats.md (which bounds only the cross-track angle) and is what a push-broom does.
  sar_mode           a SAR request's instrument_mode (a mode's name; a sensor without modes is one mode named after
                     the sensor) and every one of its polarizations are offered by one mode of the satellite's sensor
  gsd                a request's max_gsd_m holds (optical: geometric-mean GSD G0 rho/h / sqrt(cos i), G0 = the sensor's
                     gsd_nadir_m; SAR: slant_range_resolution_m / sin i) at every sample (SAR point: at the imaging
                     instant), only on sensors that state a resolution; the reported gsd_m /
                     ground_range_resolution_m is a value the acquisition takes (within GSD_RTOL)
  incidence          incidence in [incidence_min_deg, incidence_max_deg] at every sample (SAR point: at the
                     imaging instant, see squint)
  squint             SAR: the radar images at zero Doppler, within max_squint_deg (sensor key, default 1 deg) of it:
                     a point target is imaged at the instant (samples every SQUINT_STEP_S) where visibility,
                     |along-track look angle| <= max_squint_deg (docs/formats.md, relative to the Earth-fixed
                     velocity), off-nadir, incidence and look side hold with the largest margin, and all of them must
                     hold there; the reported squint_deg is an along-track angle the target passes during the
                     acquisition with the limits holding (the planner's imaging instant; where two instants tie, as
                     on both sides of a crossing cut by the incidence band, either); a strip's imaged point is within
                     the limit at every sample
  look_side          cross-track look angle on the allowed side at every sample
  sun_elevation      Sun elevation at the imaged point >= min_sun_elevation_deg at every sample (astropy)
  look_side_report   the plan's look_side of an acquisition holds at every sample (cross-track sign)
  pass_direction     sub-satellite point moving north (ascending) / south (descending) at every sample
  strip_polygon      a strip's swath-wide band around its scan line meets the polygon, its scan ends lie within
                     half a swath of it, and the strips of a complete polygon cover it
  look_vector        the plan's look_start_lvlh / look_end_lvlh agree with the recomputed LVLH look vectors
  overlap            acquisitions of one satellite do not overlap
  slew               gap between consecutive acquisitions >= slew time t(size) + settle (size: LVLH angle, or
                     |d roll| + |d pitch| with agility.slew_angle roll_pitch; t: issue 6 law or agility.slew_table)
  initial_attitude   with agility.initial_attitude nadir, each satellite's first acquisition starts no earlier than
                     the slew from nadir (plus settle) after the horizon start
  imaging_cap        imaging time in any window of one orbit period <= max_imaging_s_per_orbit
  station_elevation  station elevation >= its mask over every station downlink (samples <= 1 s, both ends); not
                     for relay downlinks (their station, the relay's feeder, does not see the satellite)
  antennas           per station, simultaneous station downlinks <= antennas; antenna index valid and not
                     double-booked (a relay downlink's `antenna` is the relay's terminal: see relay)
  outage             no downlink overlaps one of the station's outages; a relay downlink's data [start, end] counts
                     against its feeder station's outages (the relayed data cannot reach the ground during them)
  allowed_stations   an image goes down only through the stations its nation allows
  downlink_order     an image's data goes down only after its acquisition ended, inside a downlink of its satellite
  downlink_volume    a downlink carries <= rate x duration (a relay downlink: the relay's rate_mbit_s), and exactly
                     the sum of its image parts (a part with `relay` lies in a downlink through the same relay)
  relay              (scenario keys relays, satellites[].relay_terminal; issue 15 item 6) a downlink with `relay`:
                     its satellite has relay_terminal, the relay is in the scenario, station = the relay's
                     feeder_station, antenna (the terminal) in [0, terminals), link_start_utc + acquisition_s <=
                     start_utc, end_utc - link_start_utc <= acquisition_s + max_session_s; over [link_start_utc,
                     end_utc] (samples <= 1 s, both ends; satellite in ITRS from Skyfield, the relay at the ideal
                     geostationary point r = GEO_RADIUS_KM at longitude_deg, latitude 0, fixed in ITRS, or its
                     element set propagated by Skyfield): the relay's elevation above the satellite's geocentric
                     horizontal (up = r/|r|) >= relay_terminal.min_elevation_deg (default 0) - RELAY_ELEV_TOL_DEG;
                     the angle at the relay between its geocentric nadir and the satellite <= max_off_nadir_deg +
                     RELAY_OFF_NADIR_TOL_DEG; the straight segment satellite -> relay clears the WGS-84 ellipsoid
                     inflated by grazing_height_km (semi-axes a+h, a+h, b+h; scaled to the unit sphere, the
                     segment's nearest point to the origin at distance >= 1, less RELAY_HEIGHT_TOL_KM). One
                     satellite per (relay, terminal) at a time: [link_start_utc, end_utc] of different satellites
                     on one terminal do not overlap; one downlink at a time per satellite: a relay downlink's data
                     [start, end] overlaps none of the satellite's other downlinks (two station downlinks of one
                     satellite are not compared). link_start_utc only on relay downlinks.
  delivery           every part of a served image is down (sum = data_gbit), delivered_utc = end of the last part,
                     before the horizon + delivery_margin_h
  storage            onboard memory in [0, storage_gbit] at all times (linear fill / drain)
  served_twice       no (request, occurrence, strip) acquired twice; no occurrence both served and unserved
  unserved_list      every occurrence appears once: served, or in unserved[] with a known reason (stereo included)
  explanation        an unserved occurrence's explanation fits its reason (blocked_by: outcompeted; nearest_misses:
                     no_opportunity, on satellites of the scenario; capacity: storage / downlink / power; none of
                     them for clouds and stereo), and every blocked_by entry is an acquisition of this plan with the
                     same request, nation, satellite and times; reason power carries a capacity with deficit_wh > 0 on a
                     satellite (and its norad_id) that has a power model, without contacts / excess_gbit (and no other
                     reason gives deficit_wh)
  power              (scenario key satellites[].power; issue 15 item 2) per satellite with a power model, the
                     battery E(t) (Wh) integrated here from start_utc to stop_utc + delivery_margin_h:
                     E(0) = initial_soc x battery_wh; net power solar_w (outside the Earth's shadow only) - bus_w -
                     imaging_w over each of its acquisitions - slew_w over [previous end, previous end +
                     slew_before_s] (not before its first one) - downlink_w over each of its image parts
                     (acquisitions[].downlinks[]); constant between events; charging E = min(max_soc x battery_wh,
                     E + P dt / 3600) (the clip mid-segment), discharging E + P dt / 3600. Shadow (spherical Earth
                     of EARTH_A_KM; GCRS positions from Skyfield's SGP4, the apparent Sun from astropy's get_sun):
                     conical: any part of the Sun hidden (penumbra and umbra: the angle between the directions to
                     the Sun's and the Earth's centres < the sum of their apparent radii, Sun SUN_RADIUS_KM);
                     cylindrical: within EARTH_A_KM of the anti-Sun axis behind the Earth (Sun at infinity); sign
                     changes of the shadow function sampled every SHADOW_STEP_S, bisected to < 0.03 ms. Checks:
                     (a) E >= min_soc x battery_wh - ENERGY_ABS_TOL_WH everywhere (the constraint); (b) the plan's
                     energy[] samples (linear between them; the largest difference of two piecewise-linear
                     profiles is at a breakpoint of one of them, so both sets of breakpoints are compared), min_wh
                     (and min_soc = min_wh / battery_wh, min_time_utc where the battery holds it, battery_wh,
                     norad_id, samples from start to the end of the delivery margin) agree with ours within the
                     satellite's energy tolerance (see EDGE_TOL_S); (c) each acquisition's battery_wh_after = our
                     E at its end, same tolerance; (d) one energy entry per satellite with a power model and none
                     for others, battery_wh_after on exactly their acquisitions, the plan's satellites[].power
                     echo = the scenario's model with its defaults (initial_soc = max_soc, min_soc 0.3, max_soc 1,
                     loads 0 W, eclipse conical); with slew_w > 0 on a pointable satellite, each slew_before_s (the
                     slew load's duration) = our slew time + settle within the slew rule's tolerance
  clouds             (scenario key clouds; issue 15 item 1) an acquisition gets a cloud prediction iff the scenario
                     has cloud data, its satellite is optical and its request has a cover limit (max_cloud_cover_pct,
                     else clouds.default_max_cover_pct): then it reports cloud_cover_pct, cloud_probability,
                     cloud_source and cloud_time_utc, else none of them. cloud_time_utc is within CLOUD_TIME_TOL_S of
                     the acquisition's middle; the cover, recomputed from the scenario's GRIB files at
                     (target_lat_deg, target_lon_deg, cloud_time_utc), matches within CLOUD_COVER_TOL_PCT, and so
                     does the source (forecast: between two forecast fields; outside them the month's climatology,
                     else persistence of the nearest field; only a climatology: climatology); cloud_probability =
                     Phi((limit - cloud_cover_pct) / sigma) within CLOUD_P_TOL (1 for a limit >= 100; sigma:
                     climatology_sigma_pct for a climatology value, else forecast_sigma_pct) and >= the request's
                     min_cloud_probability. Reason clouds only for a request with min_cloud_probability and a limit
                     in a scenario with clouds. The plan's top-level clouds object: source none without cloud data,
                     else the source, files, forecast field times, sigmas and default limit of the scenario.
                     Field model (from the brief of issue 15 item 1): messages with shortName tcc and typeOfLevel
                     atmosphereSingleLayer / entireAtmosphere / surface, units % (or (0 - 1) x 100), values clamped
                     to [0, 100], regular_ll grids (row j at latitudeOfFirstGridPoint -+ j jDirectionIncrement,
                     column i at longitudeOfFirstGridPoint + i iDirectionIncrement, wrapping when the grid spans
                     360 deg; outside a regional grid, the nearest edge: undocumented), bilinear in fractional
                     row/column; a field's time is dataDate/dataTime + endStep (instant) or + the middle of
                     [startStep, endStep] (avg; other step types: endStep), linear in time between fields; a
                     climatology message stands for the month of its time so computed (the first message of a
                     month wins: undocumented)
  stereo             (request key stereo: {images 2|3 (default 2), bh_min (0.25), bh_max (0.6)}; issue 15 item 3) the
                     images of an optical point request with stereo, one acquisition per image: stereo_view_deg and
                     stereo_bh on exactly them (stereo_bh may be null); a served occurrence has exactly `images`
                     images, numbers 0 .. images-1 once each; all on one optical satellite; consecutive images in
                     time (by their middles) less than a quarter of the orbit period (86400 s / the TLE's mean
                     motion) apart; theta, the along-track viewing angle at the target at each image's middle,
                     recomputed (u target -> satellite in ITRS, n the WGS-84 normal at the target, a the unit
                     horizontal part of the Earth-fixed velocity: theta = atan2(u.a, u.n), > 0 once past the
                     target) within the image's tolerance (STEREO_POS_TOL_DEG + a term for the velocity's direction,
                     see STEREO_VEL_DIR_TOL_RAD) of stereo_view_deg; B/H = |tan theta1 - tan theta2| of consecutive
                     images in time from our thetas in [bh_min, bh_max] and = the later image's stereo_bh, both
                     within that pair's eps (see STEREO_BH_ABS_TOL); the first image in time has stereo_bh null.
                     Reason stereo only for a stereo request. (Whether no pass could hold the set, the reason's
                     claim, would take the planner's whole search: not checked.)
  acquisition_value  value = occurrence value (reward or priority) x cloud_probability (1 without a prediction; the
                     reported probability, which `clouds` checks; where a due one is missing, `clouds` reports it and
                     the value is taken as given) / the number of strips (complete polygons: strip_count; complete
                     stereo sets: the request's images; points: 1), 0 (an incomplete polygon or stereo set)
  metrics_value      metrics.value = the expected served value: sum over served occurrences of value x mean over
                     its strips of cloud_probability (= the sum of the acquisitions' values); metrics.value_if_clear
                     (where reported) = the same without probabilities
  metrics_bound      value <= value_upper_bound <= value_trivial_bound <= value of all occurrences (clear values)
  metrics_tenant     served_value_by_tenant / share (expected values) / requests_by_tenant recomputed and summing
                     to the totals
  metrics_tier       requests_by_tier: per tier (tier key, urgent: true = urgent, default standard) of the
                     occurrences in the horizon: served, total, expected value, with_opportunity = served + those
                     unserved for another reason than no_opportunity / clouds / stereo (a set no pass holds has
                     no opportunity as a whole); no other tiers
  metrics_counts     requests_served, requests_total
  metrics_latency    latency_p50_h / latency_p95_h (nearest rank, occurrence window start -> delivered_utc)
  share_rule         a nation with an unserved occurrence that had an opportunity (reason not no_opportunity,
                     clouds, nor stereo: a set no pass can hold cannot be served either) is not more than
                     fairness_tolerance below its (normalised) rights share of the expected served value (urgent
                     occurrences left out on both sides when planning.urgent_share_exempt)
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import warnings
from collections import defaultdict

import numpy as np
import yaml

# ---------------------------------------------------------------------------------------------------------------
# Tolerances (each: unit, and why)

# Angle limits (off-nadir, swath, incidence, look side, visibility), deg. The planner demands a 0.001-0.01 deg
# margin; our positions differ from its by polar motion (ignored by Skyfield here, <= 15 m at the ground) and the
# scan-line interpolation (we use the great circle; the docs do not fix it; <= 0.3 km over a 120 km strip at >= 600 km
# slant range is 0.03 deg). 0.05 deg is 2x that and still far below any limit a user would notice.
ANGLE_TOL_DEG = 0.05
# Sun elevation, deg: astropy's apparent Sun vs any low-precision solar series (~0.01 deg) plus the same position
# errors as above (seen from the ground they are arc-seconds).
SUN_TOL_DEG = 0.05
# Station elevation against its mask, deg: contact edges are root-found to ~ms; LEO elevation rate near the horizon is
# <= 0.1 deg/s, so 0.01 deg is a 0.1 s edge error, and the station position differs by the same metres as above.
STATION_ELEV_TOL_DEG = 0.01
# Look vectors: recomputed vs reported LVLH components, deg of angle: same error budget as ANGLE_TOL_DEG at the
# scan ends (exact points, so only ephemeris/frame differences: ~0.001 deg); 0.02 leaves room for GCRS vs TEME axes.
LOOK_TOL_DEG = 0.02
# Times: plan.json prints 6 decimals (1 us); 1e-3 s absorbs rounding and the planner's own time epsilons.
TIME_TOL_S = 1e-3
# Slew gap, s: theta from our look vectors differs by <= LOOK_TOL_DEG, which changes t(theta) by
# <= 2*sqrt(0.02/0.5) - 0 = 0.4 s only near theta = 0 (sqrt law); elsewhere < 0.05 s. We allow 0.05 s plus a
# sqrt-law term below (see slew_time_tol_s).
SLEW_TOL_S = 0.05
# Data volumes, Gbit: printed with ~15 digits; 1e-6 Gbit (1 kbit) is far above rounding, far below any image.
DATA_TOL_GBIT = 1e-6
# Relative tolerance of rates (data_gbit vs rate x duration): 1 us time rounding over >= 1 s.
RATE_RTOL = 1e-5
# Value / share arithmetic: priorities are integers, shares fractions; 1e-6 is rounding only.
VALUE_TOL = 1e-6
# Polygon coverage by the union of its strips: uncovered area fraction. Strips are built in a gnomonic projection,
# we rebuild them in a local tangent plane (scale differences < 0.1 % within 100 km) and strips overlap by 10 % of
# their width, so a correct decomposition leaves no hole; 0.5 % only absorbs the projection difference at edges.
COVERAGE_TOL = 0.005
# Fixed push-broom along-track look angle, deg: at >= 600 km the along-track angle of a ground point moves by
# <= 0.65 deg/s, so with 1-s samples the smallest sampled |angle| of a point crossed during the acquisition is
# <= 0.33 deg; 1 deg also absorbs a strip scan speed that differs from the ground speed by a few percent.
PUSH_BROOM_TOL_DEG = 1.0
# SAR point acquisitions are sampled every SQUINT_STEP_S s: the along-track angle of a point moves by <= 0.7 deg/s in
# LEO, so the sample nearest the zero-Doppler crossing is within 0.7 * 0.05 / 2 = 0.018 deg of it.
SQUINT_STEP_S = 0.05
# Squint, deg: the sampling above (0.018) plus the ANGLE_TOL_DEG position budget.
SQUINT_TOL_DEG = ANGLE_TOL_DEG + 0.02
# Reported squint_deg vs the along-track angle of our nearest sample, deg: our samples are within 0.018 deg of any
# angle the target passes, the rest is the ephemeris/frame difference (~0.001 deg).
SQUINT_REPORT_TOL_DEG = 0.03
# Resolution (GSD, SAR ground range), relative: positions agree to ~15 m over >= 500 km ranges (3e-5), the scan
# line to 0.3 km (6e-4), incidence within ANGLE_TOL_DEG changes 1/sin(i) by cot(i) x 0.05 deg (< 0.3 % above
# 20 deg incidence); 0.5 % covers them.
GSD_RTOL = 0.005
# Sampling step of every "over the whole interval" check, s (the brief: <= 1 s, both ends included).
SAMPLE_STEP_S = 1.0
# Cloud cover, percentage points: planner and checker interpolate the same decoded GRIB values (ecCodes unpacks the
# same integers), so they differ by float rounding (~1e-12) and by the printed target (4-6 decimals of a degree: at
# most 100 % per 2.5-deg cell x 1e-4 deg = 0.004 %); cloud_time_utc is printed to 1 us. 0.05 % is the brief's bound.
CLOUD_COVER_TOL_PCT = 0.05
# Probability, absolute: recomputed from the REPORTED cover with the same erf-based Gaussian CDF, so only rounding
# (~1e-15) remains. (From our own cover it could differ by |d cover| x phi(0)/sigma = 0.016 per % at sigma 25, which is
# why the cover is checked on its own scale above.)
CLOUD_P_TOL = 1e-6
# cloud_time_utc is the middle of the imaging opportunity the acquisition was chosen in, which the checker cannot see:
# a LEO pass lasts < 20 min horizon to horizon below 1000 km and an opportunity lies in one pass, so its middle is
# < 10 min from any instant of it; 15 min (the brief's bound) still catches a prediction for another pass (>= 90 min).
CLOUD_TIME_TOL_S = 900.0
# Power (issue 15 item 2). The Earth's shadow is found from the shadow function sampled every SHADOW_STEP_S (the
# brief: <= 30 s; a LEO eclipse lasts > 20 min, and a penumbra-only graze shorter than 30 s, which the planner
# sampling as coarsely can miss the same way, would change the energy by < solar_w x 30 s) and each sign change
# bisected SHADOW_BISECTIONS times: 30 s / 2^20 = 0.03 ms, the edge taken in the middle: within 0.015 ms.
SHADOW_STEP_S = 30.0
SHADOW_BISECTIONS = 20
# Shadow edges, s: the planner refines its edges to 1 ms (they lie on a 30 s / 2^15 = 0.92 ms grid), ours are within
# 0.015 ms, and the two geometries differ by the TEME -> GCRS frames (Skyfield's vs Vantage's IAU 2006/2000A: ~0.1"
# = 4 m of orbit, 0.5 ms at 7.5 km/s) and the Sun (astropy's get_sun vs Vantage's eraEpv00 + annual aberration, the
# same algorithm: ~0.01"). 2 ms bounds the sum. Measured (tests/plan_checker, conical and cylindrical): <= 0.42 ms.
EDGE_TOL_S = 2e-3
# Energy, Wh: each shadow edge that differs by EDGE_TOL_S moves the solar input by solar_w x EDGE_TOL_S / 3600
# (300 W: 1.7e-4 Wh); the charge clip at max_soc and the linear drift only carry such a difference on (the clip is
# 1-Lipschitz), so the difference at any time is at most the sum over the edges before it; every load edge is an
# instant printed to 1 us (|load| x POWER_TIME_ROUND_S / 3600 each: 3500 W -> 1e-6 Wh); ENERGY_ABS_TOL_WH is float
# rounding of sums over a day. The tolerance of a satellite's samples, min_wh and battery_wh_after is
# ENERGY_ABS_TOL_WH + solar_w x (shadow edges) x EDGE_TOL_S / 3600 + sum(|load edges|) x POWER_TIME_ROUND_S / 3600.
# The constraint itself (E >= min_soc x battery_wh) is checked on our own profile to ENERGY_ABS_TOL_WH, as the
# brief asks: a plan within the edge tolerance above of its minimum could be flagged; none has been.
ENERGY_ABS_TOL_WH = 1e-6
POWER_TIME_ROUND_S = 1e-6
SUN_RADIUS_KM = 695700.0  # the brief (IAU 2015 nominal solar radius)
# Stereo (issue 15 item 3). The along-track viewing angle theta at the target, deg: two parts.
# (1) Positions: SGP4 implementations agree to ~mm; the frames differ (TEME -> ITRS through other precession-nutation /
# sidereal-time models; Skyfield leaves out the EOP's celestial-pole offsets dX, dY, ~0.4 mas; UT1 and the pole
# interpolated between daily values: each ~1 mas = 3.4 cm at 7000 km), the planner's cubic Hermite ephemeris (~2 cm
# at 20-s nodes, its own comment), the times printed to 1 us (theta moves <= 0.7 deg/s: 4e-7 deg). 1e-5 deg is
# 1.7e-7 rad: 9 cm across a 500-km line of sight.
STEREO_POS_TOL_DEG = 1e-5
# (2) The direction of the Earth-fixed velocity, rad. It is not defined to better than ~1e-6 rad: SGP4's analytic
# velocity is not the derivative of its positions (11 mm/s in TEME at 09:05 for EUOPT-2, 1.6e-6 rad of 7 km/s);
# the planner's velocity is the derivative of a cubic Hermite through 20-s nodes of SGP4 positions AND velocities
# (a blend of the two, plus its own O(h^3) error of a few mm/s), Skyfield's ITRS velocity is SGP4's rotated with a
# constant spin about the ITRS z axis (no polar motion), ours the central difference of Skyfield's ITRS positions
# (STEREO_FD_H_S). 3e-6 rad covers 14 mm/s with 1.5x margin. Rotating the horizontal a by dpsi about n changes theta
# by dpsi (u.n)(u.c) / (1 - (u.c)^2) (c = n x a, cross-track): nothing for a target on the track, ~1 dpsi for one
# looked at 45 deg across it. So each image's tolerance is STEREO_POS_TOL_DEG + that term with dpsi =
# STEREO_VEL_DIR_TOL_RAD. Measured (tests/plan_checker; the demo with 30 stereo requests, 62 images, and its EOP):
# |d theta| <= 1.5e-5 deg, <= 0.14 of the image's tolerance; |d B/H| <= 3e-7. (The brief expected ~1e-5 deg from
# SGP4's mm agreement; the velocity's direction, not the positions, is what limits it for images looked at across
# the track.)
STEREO_VEL_DIR_TOL_RAD = 3e-6
# Central differences of ITRS positions over +-STEREO_FD_H_S: truncation h^2/6 x jerk (omega^3 r ~ 1e-5 km/s^3) =
# 2e-8 km/s, far below the velocity's own uncertainty above.
STEREO_FD_H_S = 0.1
# B/H = |tan theta1 - tan theta2| is known to eps = sec^2 theta1 tol1 + sec^2 theta2 tol2 (rad), each pair's own
# (tol: the images' theta tolerances above); STEREO_BH_ABS_TOL is float rounding (the plan prints 17 digits).
STEREO_BH_ABS_TOL = 1e-9

# GEO data relays (issue 15 item 6). Link edges: the planner root-finds them to ~1 ms and they agree with an
# independent Skyfield reference to < 1 ms (tests/data/link_reference.csv, worst 0.97 ms); our positions differ from
# the planner's by the frames (no EOP: the same assumption on both sides; ~tens of m otherwise).
# Relay elevation above the satellite's local horizontal, deg: it moves by <= 360 deg per orbit (0.07 deg/s), so 1 ms
# is 7e-5 deg; the GEO direction seen from LEO is known to 20 m / 36000 km = 3e-5 deg. 0.01 deg (as for stations)
# is a 0.15-s edge: far above both, far below any limit a user would set.
RELAY_ELEV_TOL_DEG = 0.01
# Relay off-nadir, deg: seen from GEO a LEO moves <= 7.5 km/s / 35000 km = 0.012 deg/s (1 ms: 1.2e-5 deg) and its
# position is known to ~20 m (3e-5 deg). 0.001 deg (a ~0.1-s edge) covers both 10x.
RELAY_OFF_NADIR_TOL_DEG = 0.001
# Line of sight above the inflated ellipsoid, km: the tangent height changes by <= ~7.5 km/s (1 ms: 7.5 m) and the
# positions differ by ~20 m; 0.1 km covers both with margin (a 10-30 ms edge).
RELAY_HEIGHT_TOL_KM = 0.1
GEO_RADIUS_KM = 42164.17  # the brief: the ideal geostationary radius

EARTH_A_KM = 6378.137
EARTH_F = 1.0 / 298.257223563
EARTH_E2 = EARTH_F * (2.0 - EARTH_F)
MEAN_R_KM = 6371.0088  # docs/formats.md § Geometry definitions (half-swath angle)

VALID_REASONS = {"no_opportunity", "outcompeted", "storage", "downlink", "share_limit", "clouds", "power", "stereo"}
STEREO_DEFAULTS = {"images": 2, "bh_min": 0.25, "bh_max": 0.6}  # issue 15 item 3
STEREO_KEYS = ("stereo_view_deg", "stereo_bh")
POWER_LOADS = ("solar_w", "bus_w", "imaging_w", "slew_w", "downlink_w")  # W, default 0


class InputError(Exception):
    pass


def quiet_astropy():
    """Offline astropy: no IERS downloads, no warnings about stale tables (UT1 does not enter the Sun's GCRS
    direction; its topocentric elevation moves by <= 0.9 s of Earth rotation, within SUN_TOL_DEG)."""
    from astropy.utils import iers
    iers.conf.auto_download = False
    iers.conf.iers_degraded_accuracy = "ignore"
    iers.conf.auto_max_age = None
    import logging
    logging.getLogger("astropy").setLevel(logging.ERROR)


# ---------------------------------------------------------------------------------------------------------------
# Time helpers

def parse_utc(s: str) -> dt.datetime:
    if not isinstance(s, str):
        s = s.isoformat()
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc)


def yaml_time(v) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)
    return parse_utc(str(v))


# ---------------------------------------------------------------------------------------------------------------
# Geodesy (WGS-84, from the definitions)

def geodetic_to_ecef_km(lat_deg, lon_deg, h_km):
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    n = EARTH_A_KM / np.sqrt(1.0 - EARTH_E2 * np.sin(lat) ** 2)
    return np.stack([(n + h_km) * np.cos(lat) * np.cos(lon), (n + h_km) * np.cos(lat) * np.sin(lon),
                     (n * (1.0 - EARTH_E2) + h_km) * np.sin(lat)], axis=-1)


def surface_to_geodetic(u):
    """Directions u (..., 3) from the Earth's centre -> geodetic lat_deg, lon_deg of the ellipsoid point along them
    (exact on the surface: tan(lat) = z / (p (1 - e^2)))."""
    u = unit(u)
    k = EARTH_A_KM / np.sqrt(u[..., 0] ** 2 + u[..., 1] ** 2 + u[..., 2] ** 2 / (1.0 - EARTH_E2))
    x, y, z = (k * u[..., i] for i in range(3))
    return np.degrees(np.arctan2(z, np.hypot(x, y) * (1.0 - EARTH_E2))), np.degrees(np.arctan2(y, x))


def up_vector(lat_deg, lon_deg):
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def north_vector(lat_deg, lon_deg):
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    return np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1)


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def angle_between_deg(a, b):
    a = unit(a)
    b = unit(b)
    return np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1)))


def great_circle_points(lat0, lon0, lat1, lon1, f):
    """Points at fractions f of the great circle between two ground points (geodetic lat/lon in, lat/lon out)."""
    a = unit(geodetic_to_ecef_km(lat0, lon0, 0.0))
    b = unit(geodetic_to_ecef_km(lat1, lon1, 0.0))
    om = math.atan2(np.linalg.norm(np.cross(a, b)), float(np.dot(a, b)))
    if om < 1e-12:
        pts = np.repeat(a[None, :], len(f), axis=0)
    else:
        pts = (np.sin((1 - f) * om)[:, None] * a + np.sin(f * om)[:, None] * b) / math.sin(om)
    return surface_to_geodetic(pts)


# ---------------------------------------------------------------------------------------------------------------
# Scenario (only what the checker needs; docs/formats.md § Scenario YAML, § Tasking scenario)

SENSOR_DEFAULTS = {"data_rate_mbit_s": 1000.0}
AGILITY_DEFAULT = {"max_rate_deg_s": 3.0, "max_accel_deg_s2": 1.0, "settle_s": 2.0}
PLANNING_DEFAULTS = {"time_step_s": 1.0, "delivery_margin_h": 6.0, "fairness_tolerance": 0.05,
                     "default_downlink_mbit_s": 465.0}


def read_tle_file(path):
    out = {}
    lines = [ln.rstrip() for ln in open(path, encoding="utf-8") if ln.strip() and not ln.startswith("#")]
    i = 0
    while i < len(lines):
        if lines[i].startswith("1 ") and i + 1 < len(lines) and lines[i + 1].startswith("2 "):
            name, l1, l2 = "", lines[i], lines[i + 1]
            i += 2
        elif i + 2 < len(lines) and lines[i + 1].startswith("1 ") and lines[i + 2].startswith("2 "):
            name, l1, l2 = lines[i].removeprefix("0 ").strip(), lines[i + 1], lines[i + 2]
            i += 3
        else:
            raise InputError(f"{path}: line {i + 1}: not a TLE record")
        out[int(l1[2:7])] = (name, l1, l2)
    return out


def read_eop_table(path, first: dt.datetime, last: dt.datetime):
    """Daily Earth orientation (CelesTrak EOP-All.csv, the format the demo ships) from the day before `first` to the
    day after `last`: (days at 0h UTC, UT1-UTC s, x_p arcsec, y_p arcsec; a pole column missing: 0). IERS daily values
    hold at 0h UTC and are interpolated linearly between days (the conventional use of the series), the edge values
    held beyond the file's days."""
    lo, hi = (first - dt.timedelta(days=1)).strftime("%Y-%m-%d"), (last + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    days, dut1, xp, yp = [], [], [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if lo <= row.get("DATE", "") <= hi:
                days.append(dt.datetime.strptime(row["DATE"], "%Y-%m-%d").replace(tzinfo=dt.timezone.utc))
                dut1.append(float(row["UT1-UTC"]))
                xp.append(float(row.get("X") or 0.0))
                yp.append(float(row.get("Y") or 0.0))
    if not days:
        raise InputError(f"{path}: no Earth orientation for {first.date()} .. {last.date()}")
    return days, np.array(dut1), np.array(xp), np.array(yp)


class Scenario:
    def __init__(self, path, extra_requests=()):
        self.path = path
        base = os.path.dirname(os.path.abspath(path))
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        self.start = yaml_time(doc["start_utc"])
        if "stop_utc" in doc:
            self.stop = yaml_time(doc["stop_utc"])
        else:
            self.stop = self.start + dt.timedelta(hours=float(doc["duration_h"]))
        # Earth orientation: without an eop_file UT1 = UTC and no polar motion (the planner's assumption, its warning
        # says so); with one, UT1-UTC and the pole x_p, y_p interpolated between its daily values
        self.eop = None
        if doc.get("eop_file"):
            margin_h = float((doc.get("planning") or {}).get("delivery_margin_h",
                                                              PLANNING_DEFAULTS["delivery_margin_h"]))
            self.eop = read_eop_table(os.path.join(base, doc["eop_file"]), self.start,
                                      self.stop + dt.timedelta(hours=margin_h))
        self.planning = dict(PLANNING_DEFAULTS)
        self.planning.update(doc.get("planning") or {})
        # SGP4 constants (scenario key sgp4): python-sgp4's own gravity models; opsmode 'i' only
        sgp4_opts = doc.get("sgp4") or {}
        self.sgp4_gravity = sgp4_opts.get("gravity", "wgs72")
        if self.sgp4_gravity not in ("wgs72", "wgs72old", "wgs84"):
            raise InputError(f"{path}: sgp4.gravity: unknown model {self.sgp4_gravity!r}")
        if sgp4_opts.get("opsmode", "improved") != "improved":
            raise InputError(f"{path}: sgp4.opsmode: only 'improved' is supported by the checker")
        sensors = doc.get("sensors") or {}
        self.satellites = {}  # name -> dict
        for entry in doc.get("satellites") or []:
            if "tle_file" not in entry:
                raise InputError(f"{path}: satellites: only tle_file entries are supported by the checker")
            tles = read_tle_file(os.path.join(base, entry["tle_file"]))
            ids = entry.get("norad_ids", list(tles))
            ids = [ids] if isinstance(ids, int) else ids
            sn = entry["sensor"]
            s = sensors[sn]
            power = self._power(path, entry.get("power"))
            for nid in ids:
                name, l1, l2 = tles[int(nid)]
                kind = s["type"]
                fixed = kind == "optical" and "swath_km" in s and "max_off_nadir_deg" not in s
                self.satellites[name or str(nid)] = {
                    "name": name or str(nid), "norad_id": int(nid), "l1": l1, "l2": l2, "sensor_name": sn,
                    "sensor": s, "kind": kind, "pointable": not fixed,
                    "agility": {**AGILITY_DEFAULT, **(s.get("agility") or {})},
                    "data_rate_mbit_s": float(s.get("data_rate_mbit_s", SENSOR_DEFAULTS["data_rate_mbit_s"])),
                    "imaging_swath_km": float(s.get("imaging_swath_km", s.get("swath_km", 20.0 if kind == "optical" else 30.0))),
                    "storage_gbit": float(entry.get("storage_gbit", 600.0)),
                    "max_imaging_s_per_orbit": entry.get("max_imaging_s_per_orbit"),
                    "power": power,
                    # relay_terminal (issue 15 item 6): the satellite may downlink through GEO relays; the relay's
                    # elevation above its local horizontal plane (up = geocentric r/|r|) >= min_elevation_deg
                    "relay_min_elevation_deg": (None if "relay_terminal" not in entry else
                                                float((entry["relay_terminal"] or {}).get("min_elevation_deg", 0.0))),
                }
        self.stations = {}
        gs = doc.get("ground_stations") or []
        if isinstance(gs, dict):
            gs = [gs]
        for entry in gs:
            if "file" in entry:
                rows = list(csv.DictReader(l for l in open(os.path.join(base, entry["file"]), encoding="utf-8-sig")
                                           if not l.startswith("#")))
                sel = entry.get("select")
                for row in rows:
                    if sel is not None and row["name"] not in sel:
                        continue
                    st = {"name": row["name"], "lat_deg": float(row["lat_deg"]), "lon_deg": float(row["lon_deg"]),
                          "alt_m": float(row["alt_m"]),
                          "min_elevation_deg": float(row.get("min_elevation_deg") or 5.0),
                          "downlink_mbit_s": float(row.get("downlink_mbit_s") or 0.0),
                          "antennas": int(row.get("antennas") or 1)}
                    for k in ("min_elevation_deg", "downlink_mbit_s", "antennas"):
                        if k in entry:
                            st[k] = type(st[k])(entry[k])
                    self.stations[st["name"]] = st
            else:
                if "mask" in entry:
                    raise InputError(f"{path}: ground_stations: azimuth masks are not supported by the checker")
                self.stations[entry["name"]] = {
                    "name": entry["name"], "lat_deg": float(entry["lat_deg"]), "lon_deg": float(entry["lon_deg"]),
                    "alt_m": float(entry.get("alt_m", 0.0)),
                    "min_elevation_deg": float(entry.get("min_elevation_deg", 5.0)),
                    "downlink_mbit_s": float(entry.get("downlink_mbit_s", 0.0)),
                    "antennas": int(entry.get("antennas", 1))}
        for st in self.stations.values():
            if st["downlink_mbit_s"] <= 0.0:
                st["downlink_mbit_s"] = float(self.planning["default_downlink_mbit_s"])
        self.outages = [(o["station"], yaml_time(o["start_utc"]), yaml_time(o["end_utc"]))
                        for o in doc.get("station_outages") or []]
        self.relays = {}  # name -> dict (issue 15 item 6)
        for entry in doc.get("relays") or []:
            rl = {"name": entry["name"], "feeder_station": entry["feeder_station"],
                  "rate_mbit_s": float(entry.get("rate_mbit_s", 1800.0)),
                  "acquisition_s": float(entry.get("acquisition_s", 50.0)),
                  "terminals": int(entry.get("terminals", 1)),
                  "max_session_s": float(entry.get("max_session_s", 600.0)),
                  "max_off_nadir_deg": float(entry.get("max_off_nadir_deg", 10.0)),
                  "grazing_height_km": float(entry.get("grazing_height_km", 100.0)),
                  "longitude_deg": None, "l1": None, "l2": None}
            if entry.get("longitude_deg") is not None:
                rl["longitude_deg"] = float(entry["longitude_deg"])
            elif entry.get("tle_file") and entry.get("norad_id") is not None:
                tles = read_tle_file(os.path.join(base, entry["tle_file"]))
                _, rl["l1"], rl["l2"] = tles[int(entry["norad_id"])]
            else:
                raise InputError(f"{path}: relays: {entry['name']}: only longitude_deg or tle_file + norad_id are "
                                 f"supported by the checker")
            self.relays[rl["name"]] = rl
        self.tenants = {}
        tenants = doc.get("tenants") or {}
        total = sum(float(t.get("share", 0.0)) for t in tenants.values())
        for k, t in tenants.items():
            self.tenants[k] = {"share": float(t.get("share", 0.0)) / total if total > 0 else 0.0,
                               "allowed_stations": list(t.get("allowed_stations") or [])}
        reqs = list(doc.get("requests") or [])
        if doc.get("requests_file"):
            rf = yaml.safe_load(open(os.path.join(base, doc["requests_file"]), encoding="utf-8"))
            reqs += rf["requests"] if isinstance(rf, dict) else rf
        for extra in extra_requests:  # requests added by a replan (`vantage replan --add FILE`)
            rf = yaml.safe_load(open(extra, encoding="utf-8"))
            reqs += rf["requests"] if isinstance(rf, dict) else rf
        self.requests = {}
        for r in reqs:
            self.requests[r["id"]] = self._request(r)
        # clouds (issue 15 item 1): GRIB files relative to the scenario file
        self.clouds = None
        cl = doc.get("clouds")
        if cl:
            def files(v):
                return [os.path.join(base, f) for f in ([v] if isinstance(v, str) else list(v or []))]
            data = CloudData(files(cl.get("forecast")), files(cl.get("climatology")),
                             float(cl.get("forecast_sigma_pct", 25.0)), float(cl.get("climatology_sigma_pct", 35.0)))
            dm = cl.get("default_max_cover_pct")
            data.default_max_cover_pct = None if dm is None else float(dm)
            if data.forecast or data.climatology:
                self.clouds = data

    @staticmethod
    def _power(path, p):
        """A satellite entry's power model (issue 15 item 2) with its defaults, or None without one."""
        if p is None:
            return None
        if not isinstance(p, dict) or p.get("battery_wh") is None or float(p["battery_wh"]) <= 0.0:
            raise InputError(f"{path}: satellites: power.battery_wh (> 0) is required with a power model")
        out = {"battery_wh": float(p["battery_wh"]), "min_soc": float(p.get("min_soc", 0.3)),
               "max_soc": float(p.get("max_soc", 1.0))}
        out["initial_soc"] = float(p.get("initial_soc", out["max_soc"]))
        for k in POWER_LOADS:
            out[k] = float(p.get(k, 0.0))
        out["eclipse"] = str(p.get("eclipse", "conical"))
        if out["eclipse"] not in ("conical", "cylindrical"):
            raise InputError(f"{path}: satellites: power.eclipse {out['eclipse']!r} is not conical or cylindrical")
        return out

    def cloud_limit(self, sat, req):
        """The cover limit (%) of an acquisition of `req` on `sat`, or None when it gets no cloud prediction: only
        optical satellites, only with cloud data, the request's max_cloud_cover_pct else
        clouds.default_max_cover_pct."""
        if self.clouds is None or sat["kind"] != "optical":
            return None
        lim = req.get("max_cloud_cover_pct")
        if lim is None:
            lim = self.clouds.default_max_cover_pct
        return None if lim is None else float(lim)

    @staticmethod
    def _request(r):
        ws = yaml_time(r["window_start_utc"])
        we = yaml_time(r["window_end_utc"])
        rep = r.get("repeat")
        occ = []
        if rep:
            wh = float(rep.get("window_h", (we - ws).total_seconds() / 3600.0))
            for k in range(int(rep["count"])):
                s = ws + dt.timedelta(hours=k * float(rep["every_h"]))
                occ.append((s, s + dt.timedelta(hours=wh)))
        else:
            occ.append((ws, we))
        out = dict(r)
        out["priority"] = int(r.get("priority", 5))
        # the value of one occurrence: `reward`, else `priority` (issue 13); urgent: `tier: urgent` or `urgent: true`
        out["value"] = float(r["reward"]) if r.get("reward") is not None else float(out["priority"])
        out["urgent"] = r.get("tier") == "urgent" or r.get("urgent") is True
        out["occurrences"] = occ
        out["duration_s"] = float(r.get("duration_s", 10.0))
        # stereo (issue 15 item 3): `images` acquisitions of the point, strip_id = the image's number
        st = r.get("stereo")
        out["stereo"] = None if st is None else {k: (int if k == "images" else float)((st or {}).get(k, v))
                                                 for k, v in STEREO_DEFAULTS.items()}
        return out

    @staticmethod
    def offered_modes(sat, req):
        """The sensor's modes (each with the sensor's keys as defaults; a sensor without modes is one mode named
        after the sensor) that offer a SAR request's instrument_mode and all of its polarizations (docs/formats.md)."""
        s = sat["sensor"]
        base = {k: v for k, v in s.items() if k != "modes"}
        modes = [{**base, **m} for m in s["modes"]] if s.get("modes") else [dict(base, name=sat["sensor_name"])]
        want_mode, want_pol = req.get("instrument_mode"), req.get("polarizations") or []
        if want_mode is None and not want_pol:
            return modes
        return [m for m in modes if s["type"] == "sar" and (want_mode is None or m.get("name") == want_mode)
                and all(p in (m.get("polarizations") or []) for p in want_pol)]

    def limits(self, sat, req):
        """Sensor limits tightened by the request's (docs/design/tasking-model.md); a SAR sensor's modes join into
        one incidence band, as the planner's."""
        s = dict(sat["sensor"])
        if s.get("modes"):
            ms = self.offered_modes(sat, req) or self.offered_modes(sat, {})
            s.update(incidence_min_deg=min(m["incidence_min_deg"] for m in ms),
                     incidence_max_deg=max(m["incidence_max_deg"] for m in ms),
                     look_side=ms[0].get("look_side", "both"))
            if "max_squint_deg" in ms[0]:
                s["max_squint_deg"] = ms[0]["max_squint_deg"]
        # resolution (m): the sensor's, for modes the coarsest of the offered ones (none if one states none)
        rkey = "slant_range_resolution_m" if sat["kind"] == "sar" else "gsd_nadir_m"
        ms = self.offered_modes(sat, req) if s.get("modes") else [s]
        res = [m.get(rkey) for m in ms] if ms else [None]
        lim = {}
        if all(v is not None for v in res):
            lim["_resolution_m"] = float(max(res))  # not echoed by the plan (leading underscore)
        if req.get("max_gsd_m") is not None:
            lim["max_gsd_m"] = float(req["max_gsd_m"])
        mon = [v for v in (s.get("max_off_nadir_deg"), req.get("max_off_nadir_deg")) if v is not None]
        if mon:
            lim["max_off_nadir_deg"] = float(min(mon))
        if not sat["pointable"]:
            lim["swath_km"] = float(s["swath_km"])
        if sat["kind"] == "sar":
            lo = [v for v in (s.get("incidence_min_deg"), req.get("incidence_min_deg")) if v is not None]
            hi = [v for v in (s.get("incidence_max_deg"), req.get("incidence_max_deg")) if v is not None]
            if lo:
                lim["incidence_min_deg"] = float(max(lo))
            if hi:
                lim["incidence_max_deg"] = float(min(hi))
            lim["max_squint_deg"] = float(s.get("max_squint_deg", 1.0))
        else:
            se = [v for v in (s.get("min_sun_elevation_deg"), req.get("min_sun_elevation_deg")) if v is not None]
            if se:
                lim["min_sun_elevation_deg"] = float(max(se))
        for key in ("look_side", "pass_direction"):
            vals = {v for v in (s.get(key), req.get(key)) if v not in (None, "both", "any")}
            lim[key] = vals.pop() if len(vals) == 1 else ("conflict" if vals else ("both" if key == "look_side" else "any"))
        return lim


# ---------------------------------------------------------------------------------------------------------------
# Cloud cover (GRIB via ecCodes' command-line tools; the model of issue 15 item 1)

CLOUD_LEVELS = {"atmosphereSingleLayer", "entireAtmosphere", "surface"}
GRIB_KEYS = ("shortName", "typeOfLevel", "dataDate", "dataTime", "stepType", "startStep", "endStep", "units",
             "gridType", "Ni", "Nj", "latitudeOfFirstGridPointInDegrees", "longitudeOfFirstGridPointInDegrees",
             "iDirectionIncrementInDegrees", "jDirectionIncrementInDegrees", "jScansPositively", "iScansNegatively")


def _run_eccodes(args):
    try:
        r = subprocess.run(args, capture_output=True, text=True)
    except FileNotFoundError as e:
        raise InputError(f"{args[0]} not found (ecCodes command-line tools, Debian libeccodes-tools): {e}")
    if r.returncode != 0:
        raise InputError(f"{' '.join(args)}: {r.stderr.strip() or r.stdout.strip()}")
    return r.stdout


class CloudField:
    """One total-cloud-cover field on a regular lat/lon grid: values[j, i] in %, row j at lat0 + j dlat, column i
    at lon0 + i dlon."""

    def __init__(self, path, index, keys, values):
        self.path, self.index = path, index
        if keys["gridType"] != "regular_ll":
            raise InputError(f"{path} message {index}: gridType {keys['gridType']!r}, only regular_ll is read")
        self.ni, self.nj = int(keys["Ni"]), int(keys["Nj"])
        self.lat0 = float(keys["latitudeOfFirstGridPointInDegrees"])
        self.lon0 = float(keys["longitudeOfFirstGridPointInDegrees"])
        self.dlat = float(keys["jDirectionIncrementInDegrees"]) * (1.0 if int(keys["jScansPositively"]) == 1 else -1.0)
        self.dlon = float(keys["iDirectionIncrementInDegrees"]) * (-1.0 if int(keys["iScansNegatively"]) == 1 else 1.0)
        if values.shape != (self.nj * self.ni, 3):
            raise InputError(f"{path} message {index}: {values.shape[0]} points, grid {self.nj} x {self.ni}")
        # grib_get_data's own latitudes / longitudes (printed to 0.001 deg) agree with the grid we assume
        jj, ii = np.divmod(np.arange(self.nj * self.ni), self.ni)
        dl = (values[:, 1] - (self.lon0 + ii * self.dlon) + 180.0) % 360.0 - 180.0
        if np.max(np.abs(values[:, 0] - (self.lat0 + jj * self.dlat))) > 2e-3 or np.max(np.abs(dl)) > 2e-3:
            raise InputError(f"{path} message {index}: points are not in row-major regular_ll order")
        v = values[:, 2]
        if str(keys["units"]).replace(" ", "") == "(0-1)":
            v = v * 100.0
        self.values = np.clip(v, 0.0, 100.0).reshape(self.nj, self.ni)
        self.wraps = abs(self.ni * abs(self.dlon) - 360.0) < 1e-6
        unit_min = 1.0  # startStep / endStep are read in minutes (grib_ls -s stepUnits=m)
        d = str(int(keys["dataDate"]))
        ref = dt.datetime(int(d[:4]), int(d[4:6]), int(d[6:8]), tzinfo=dt.timezone.utc) + dt.timedelta(
            hours=int(keys["dataTime"]) // 100, minutes=int(keys["dataTime"]) % 100)
        a, b = float(keys["startStep"]) * unit_min, float(keys["endStep"]) * unit_min
        self.averaged_over_h = (b - a) / 60.0 if keys["stepType"] == "avg" else 0.0
        self.time = ref + dt.timedelta(minutes=(a + b) / 2.0 if keys["stepType"] == "avg" else b)

    def at(self, lat, lon):
        """Bilinear cover (%) at a point, in fractional row / column."""
        r = min(max((lat - self.lat0) / self.dlat, 0.0), self.nj - 1.0)
        c = ((lon - self.lon0) * (1.0 if self.dlon > 0 else -1.0)) % 360.0 / abs(self.dlon)
        if self.wraps:
            c0 = int(math.floor(c)) % self.ni
            c1, fc = (c0 + 1) % self.ni, c - math.floor(c)
        else:
            if c > self.ni - 1.0:  # outside a regional grid: the nearer edge (undocumented)
                c = self.ni - 1.0 if c - (self.ni - 1.0) < 360.0 / abs(self.dlon) - c else 0.0
            c0 = int(math.floor(c))
            c1, fc = min(c0 + 1, self.ni - 1), c - c0
        r0 = int(math.floor(r))
        r1, fr = min(r0 + 1, self.nj - 1), r - r0
        v = self.values
        return ((1 - fr) * ((1 - fc) * v[r0, c0] + fc * v[r0, c1]) + fr * ((1 - fc) * v[r1, c0] + fc * v[r1, c1]))


def read_cloud_fields(path):
    """The total-cloud-cover messages of a GRIB file (shortName tcc on a whole-atmosphere level), others skipped."""
    out = _run_eccodes(["grib_ls", "-j", "-s", "stepUnits=m", "-p", ",".join(GRIB_KEYS), path])
    msgs = json.loads(out[out.index("{"):out.rindex("}") + 1])["messages"]
    fields = []
    for k, keys in enumerate(msgs, start=1):
        if keys.get("shortName") != "tcc" or keys.get("typeOfLevel") not in CLOUD_LEVELS:
            continue
        text = _run_eccodes(["grib_get_data", "-w", f"count={k}", "-m", "nan", "-F", "%.17g", path])
        body = re.sub(r"Latitude\s+Longitude\s+Value", " ", text)
        vals = np.array(body.split(), dtype=float).reshape(-1, 3)
        fields.append(CloudField(path, k, keys, vals))
    return fields


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


class CloudData:
    def __init__(self, forecast_files, climatology_files, forecast_sigma, climatology_sigma):
        self.forecast_files, self.climatology_files = forecast_files, climatology_files
        self.forecast = sorted((f for p in forecast_files for f in read_cloud_fields(p)), key=lambda f: f.time)
        self.climatology = {}
        for p in climatology_files:
            for f in read_cloud_fields(p):
                self.climatology.setdefault(f.time.month, f)
        self.forecast_sigma, self.climatology_sigma = forecast_sigma, climatology_sigma
        self.default_max_cover_pct = None

    def cover(self, lat, lon, t):
        """(cover %, source) at a point and instant, or None (only a climatology, none for the month)."""
        fc = self.forecast
        if fc and fc[0].time <= t <= fc[-1].time:
            k = 0
            while k + 1 < len(fc) and fc[k + 1].time < t:
                k += 1
            if k + 1 >= len(fc) or fc[k].time == t:
                return fc[k].at(lat, lon), "forecast"
            a, b = fc[k], fc[k + 1]
            w = (t - a.time).total_seconds() / (b.time - a.time).total_seconds()
            return (1.0 - w) * a.at(lat, lon) + w * b.at(lat, lon), "forecast"
        clim = self.climatology.get(t.month)
        if clim is not None:
            return clim.at(lat, lon), "climatology"
        if fc:
            near = fc[0] if t < fc[0].time else fc[-1]
            return near.at(lat, lon), "persistence"
        return None

    def sigma(self, source):
        return self.climatology_sigma if source == "climatology" else self.forecast_sigma

    @staticmethod
    def probability(limit, cover, sigma):
        return 1.0 if limit >= 100.0 else normal_cdf((limit - cover) / sigma)


# ---------------------------------------------------------------------------------------------------------------
# The checker

class Checker:
    def __init__(self, scenario: Scenario, plan: dict):
        from skyfield.api import EarthSatellite, load
        self.sc = scenario
        self.plan = plan
        self.violations = []  # (rule, id, message)
        # Skyfield's built-in UT1 table is stale; ΔT = TAI-UTC + 32.184 - (UT1-UTC) (../shared/PITFALLS.md).
        tai_utc = 37.0
        if scenario.eop is None:
            self.ts = load.timescale(delta_t=tai_utc + 32.184)
        else:
            # the scenario's EOP: ΔT and Skyfield's polar-motion table (ITRS then includes the pole's wobble, 10-15 m
            # at the ground, which the stereo viewing angles resolve) linear in TT between the daily values
            from skyfield.timelib import Timescale
            days, dut1, xp, yp = scenario.eop
            tt = np.array([2440587.5 + d.timestamp() / 86400.0 for d in days]) + (tai_utc + 32.184) / 86400.0
            delta_t = tai_utc + 32.184 - dut1
            base = load.timescale()
            self.ts = Timescale(lambda t: np.interp(t, tt, delta_t), base.leap_dates, base.leap_offsets)
            self.ts.polar_motion_table = (tt, xp, yp)
        from sgp4.api import WGS72, WGS72OLD, WGS84, Satrec
        const = {"wgs72": WGS72, "wgs72old": WGS72OLD, "wgs84": WGS84}[scenario.sgp4_gravity]
        self.sats = {name: EarthSatellite.from_satrec(Satrec.twoline2rv(s["l1"], s["l2"], const), self.ts)
                     for name, s in scenario.satellites.items()}
        # relays given by an element set (tle_file + norad_id), propagated like the satellites
        self.relay_sats = {name: EarthSatellite.from_satrec(Satrec.twoline2rv(r["l1"], r["l2"], const), self.ts)
                           for name, r in scenario.relays.items() if r["l1"] is not None}
        self.t0 = scenario.start

    def fail(self, rule, ident, msg):
        self.violations.append((rule, ident, msg))

    def is_point(self, a):
        """A point target's acquisition (one strip, or an image of a stereo set), not a polygon's strip."""
        req = self.sc.requests.get(a.get("request_id"))
        return a.get("strip_count", 1) == 1 or (req is not None and req.get("stereo") is not None and "aoi" not in req)

    def sec(self, iso):
        return (parse_utc(iso) - self.t0).total_seconds()

    def times(self, secs):
        t0 = self.t0
        return self.ts.utc(t0.year, t0.month, t0.day, t0.hour, t0.minute, t0.second + t0.microsecond * 1e-6 + np.asarray(secs))

    def states(self, sat_name, secs):
        """ITRS r (km), Earth-fixed v (km/s), GCRS r, v, the GCRS->ITRS rotations and the sub-satellite geodetic
        (lat_deg, lon_deg, h_km) at seconds after start (Skyfield)."""
        from skyfield.api import wgs84
        from skyfield.framelib import itrs
        t = self.times(secs)
        p = self.sats[sat_name].at(t)
        r, v = p.frame_xyz_and_velocity(itrs)
        rot = itrs.rotation_at(t)
        g = wgs84.geographic_position_of(p)
        geo = (g.latitude.degrees, g.longitude.degrees, g.elevation.km)
        return r.km.T, v.km_per_s.T, p.position.km.T, p.velocity.km_per_s.T, np.moveaxis(rot, -1, 0), geo

    def relay_positions(self, relay_name, secs):
        """ITRS positions (km) of a relay at seconds after start: the ideal geostationary point fixed in ITRS
        (GEO_RADIUS_KM, latitude 0, longitude_deg), or its element set propagated by Skyfield."""
        rl = self.sc.relays[relay_name]
        secs = np.asarray(secs, dtype=float)
        if rl["longitude_deg"] is not None:
            lon = math.radians(rl["longitude_deg"])
            return np.tile([GEO_RADIUS_KM * math.cos(lon), GEO_RADIUS_KM * math.sin(lon), 0.0], (len(secs), 1))
        from skyfield.framelib import itrs
        return self.relay_sats[relay_name].at(self.times(secs)).frame_xyz(itrs).km.T

    @staticmethod
    def samples(a, b):
        n = max(2, int(math.ceil((b - a) / SAMPLE_STEP_S - 1e-9)) + 1)
        return np.linspace(a, b, n)

    def sun_elevation_deg(self, secs, lat, lon, alt_km):
        from astropy import units as u
        from astropy.coordinates import AltAz, EarthLocation, get_sun
        from astropy.time import Time
        quiet_astropy()
        t = Time(self.t0.strftime("%Y-%m-%dT%H:%M:%S.%f"), scale="utc") + np.asarray(secs) * u.s
        loc = EarthLocation.from_geodetic(lon * u.deg, lat * u.deg, alt_km * 1000.0 * u.m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            aa = get_sun(t).transform_to(AltAz(obstime=t, location=loc, pressure=0 * u.hPa))
        return aa.alt.deg

    # ---- rule 1: acquisitions against their requests and geometry
    def check_acquisitions(self):
        sc = self.sc
        acqs = self.plan.get("acquisitions", [])
        self.acq_secs = []
        self.acq_by_id = {a.get("acquisition_id"): a for a in acqs}
        sun_jobs = []  # (acq index, secs, lat, lon, alt, min_sun)
        self.looks = {}
        step = float(self.plan.get("time_step_s", sc.planning["time_step_s"]))
        horizon = (sc.stop - sc.start).total_seconds()
        by_sat_geo = defaultdict(list)
        for i, a in enumerate(acqs):
            aid = a.get("acquisition_id", f"acquisitions[{i}]")
            s, e = self.sec(a["start_utc"]), self.sec(a["end_utc"])
            self.acq_secs.append((s, e))
            req = sc.requests.get(a["request_id"])
            sat = sc.satellites.get(a["satellite"])
            if req is None:
                self.fail("request", aid, f"request_id {a['request_id']!r} is not in the scenario")
                continue
            if sat is None:
                self.fail("request", aid, f"satellite {a['satellite']!r} is not in the scenario")
                continue
            k = a["occurrence"]
            if not (isinstance(k, int) and 0 <= k < len(req["occurrences"])):
                self.fail("request", aid, f"occurrence {k} not in [0, {len(req['occurrences'])})")
                continue
            if a.get("tenant") != req["tenant"]:
                self.fail("request", aid, f"tenant {a.get('tenant')!r} != request's {req['tenant']!r}")
            if sat["norad_id"] != a.get("norad_id"):
                self.fail("request", aid, f"norad_id {a.get('norad_id')} != satellite's {sat['norad_id']}")
            rs = req.get("sensor", "any")
            if rs != "any" and rs != sat["kind"]:
                self.fail("request", aid, f"request wants a {rs} sensor, {a['satellite']} carries {sat['kind']}")
            if not sc.offered_modes(sat, req):
                self.fail("sar_mode", aid, f"no mode of {a['satellite']}'s sensor {sat['sensor_name']!r} offers "
                                           f"instrument_mode {req.get('instrument_mode')!r} with polarizations "
                                           f"{req.get('polarizations')}")
            is_poly = "aoi" in req
            if not is_poly:
                n_img = req["stereo"]["images"] if req["stereo"] else 1  # a stereo set: one strip per image
                sid = a.get("strip_id", 0)
                if a.get("strip_count", 1) != n_img or not (isinstance(sid, int) and 0 <= sid < n_img):
                    what = ("a point request has one strip" if n_img == 1 else
                            f"a stereo set of {n_img} images has strip_count {n_img} and strip_id (the image's "
                            f"number) in [0, {n_img})")
                    self.fail("request", aid, f"strip {sid} of {a.get('strip_count', 1)}: {what}")
                tg = req["target"]
                for key, want in (("target_lat_deg", tg["lat_deg"]), ("target_lon_deg", tg["lon_deg"]),
                                  ("scan_start_lat_deg", tg["lat_deg"]), ("scan_start_lon_deg", tg["lon_deg"]),
                                  ("scan_end_lat_deg", tg["lat_deg"]), ("scan_end_lon_deg", tg["lon_deg"])):
                    if abs(float(a.get(key, want)) - float(want)) > 1e-9:
                        self.fail("request", aid, f"{key} {a.get(key)} != request target {want}")
                if abs((e - s) - req["duration_s"]) > TIME_TOL_S:
                    self.fail("request", aid, f"duration {e - s:.6f} s != request duration_s {req['duration_s']}")
            # occurrence window and horizon
            ws, we = ((x - sc.start).total_seconds() for x in req["occurrences"][k])
            if s < ws - TIME_TOL_S or e > we + TIME_TOL_S or s < -TIME_TOL_S or e > horizon + TIME_TOL_S or e < s:
                self.fail("window", aid, f"[{s:.3f}, {e:.3f}] s not inside occurrence window [{ws:.3f}, {we:.3f}] s "
                                         f"and horizon [0, {horizon:.3f}] s (seconds after start_utc)")
            if abs(s / step - round(s / step)) * step > TIME_TOL_S:
                self.fail("time_grid", aid, f"start {s:.6f} s is not a multiple of time_step_s {step}")
            want_gbit = sat["data_rate_mbit_s"] / 1000.0 * (e - s)
            if abs(float(a.get("data_gbit", 0.0)) - want_gbit) > DATA_TOL_GBIT + RATE_RTOL * want_gbit:
                self.fail("data_volume", aid, f"data_gbit {a.get('data_gbit')} != rate x duration {want_gbit:.6f}")
            lim = sc.limits(sat, req)
            echo = a.get("limits")
            if echo is not None:
                for key, v in lim.items():
                    ev = echo.get(key)
                    if key == "swath_km" and ev is None:
                        continue  # documented "where set"
                    if key.startswith("_"):
                        continue
                    same = (ev == v) if isinstance(v, str) else (ev is not None and abs(float(ev) - v) < 1e-9)
                    if not same:
                        self.fail("limits_echo", aid, f"limits.{key} = {ev!r}, scenario gives {v!r}")
            if "max_gsd_m" in lim and "_resolution_m" not in lim:
                self.fail("gsd", aid, f"the request asks max_gsd_m {lim['max_gsd_m']} but {a['satellite']}'s sensor "
                                      "states no resolution (gsd_nadir_m / slant_range_resolution_m)")
            if "conflict" in (lim["look_side"], lim["pass_direction"]):
                self.fail("look_side", aid, "the sensor's and the request's look side / pass direction conflict")
            by_sat_geo[a["satellite"]].append((i, aid, s, e, lim, a))
        # geometry, batched per satellite
        for sat_name, items in by_sat_geo.items():
            segs = []
            for (i, aid, s, e, lim, a) in items:
                ts = self.samples(s, e)
                if sc.satellites[sat_name]["kind"] == "sar" and self.is_point(a):
                    ts = np.linspace(s, e, max(2, int(math.ceil((e - s) / SQUINT_STEP_S - 1e-9)) + 1))
                f = (ts - s) / max(e - s, 1e-12)
                lat, lon = great_circle_points(a["scan_start_lat_deg"], a["scan_start_lon_deg"],
                                               a["scan_end_lat_deg"], a["scan_end_lon_deg"], f)
                alt_km = float(a.get("target_alt_m", 0.0)) / 1000.0 if self.is_point(a) else 0.0
                segs.append((i, aid, lim, a, ts, lat, lon, alt_km))
            all_t = np.concatenate([g[4] for g in segs])
            r, v, rg, vg, rot, geo = self.states(sat_name, all_t)
            off = 0
            sat = sc.satellites[sat_name]
            for (i, aid, lim, a, ts, lat, lon, alt_km) in segs:
                n = len(ts)
                sl = slice(off, off + n)
                off += n
                self._geometry(aid, lim, sat, ts, lat, lon, alt_km, r[sl], v[sl], rg[sl], vg[sl], rot[sl],
                               tuple(x[sl] for x in geo), a)
                if "min_sun_elevation_deg" in lim:
                    sun_jobs.append((aid, ts, lat, lon, alt_km, lim["min_sun_elevation_deg"]))
        if sun_jobs:
            secs = np.concatenate([j[1] for j in sun_jobs])
            el = self.sun_elevation_deg(secs, np.concatenate([j[2] for j in sun_jobs]),
                                        np.concatenate([j[3] for j in sun_jobs]),
                                        np.concatenate([np.full(len(j[1]), j[4]) for j in sun_jobs]))
            off = 0
            for (aid, ts, lat, lon, alt_km, mn) in sun_jobs:
                e = el[off:off + len(ts)]
                off += len(ts)
                j = int(np.argmin(e))
                if e[j] < mn - SUN_TOL_DEG:
                    self.fail("sun_elevation", aid, f"Sun elevation {e[j]:.3f} deg < {mn} deg at +{ts[j] - ts[0]:.1f} s")

    def _geometry(self, aid, lim, sat, ts, lat, lon, alt_km, r, v, rg, vg, rot, geo, a):
        p = geodetic_to_ecef_km(lat, lon, alt_km)
        los = unit(p - r)
        up = up_vector(lat, lon)
        elev = np.degrees(np.arcsin(np.clip(np.sum(-los * up, axis=-1), -1, 1)))
        inc = 90.0 - elev
        slat, slon, sh = geo
        nadir = -up_vector(slat, slon)
        off_nadir = angle_between_deg(los, nadir)
        right = unit(np.cross(nadir, v))
        cross = np.degrees(np.arctan2(np.sum(los * right, -1), np.sum(los * nadir, -1)))
        fwd = unit(np.cross(right, nadir))
        along = np.degrees(np.arctan2(np.sum(los * fwd, -1), np.sum(los * nadir, -1)))
        # resolution (docs/formats.md): optical G0 rho / h along, / (h cos i) across, their geometric mean; SAR
        # slant-range resolution / sin i; h = satellite height above the target's
        res = lim.get("_resolution_m")
        gsd = np.zeros(len(ts))
        if res is not None:
            rng = np.linalg.norm(p - r, axis=-1)
            if sat["kind"] == "sar":
                gsd = res / np.sin(np.radians(np.clip(inc, 1e-9, 90.0)))
            else:
                gsd = res * rng / (sh - alt_km) / np.sqrt(np.cos(np.radians(np.clip(inc, 0.0, 89.999))))
        ts_all = ts
        if sat["kind"] == "sar":
            sq = lim["max_squint_deg"]
            if self.is_point(a):
                # A point is imaged as it crosses the beam (the antenna pointed at some squint within the limit):
                # the imaging instant is the sample where every limit holds with the largest margin (the limits
                # below are then checked there, and only there).
                margin = np.minimum(elev, sq - np.abs(along))
                if "max_off_nadir_deg" in lim:
                    margin = np.minimum(margin, lim["max_off_nadir_deg"] - off_nadir)
                if "incidence_min_deg" in lim:
                    margin = np.minimum(margin, inc - lim["incidence_min_deg"])
                if "incidence_max_deg" in lim:
                    margin = np.minimum(margin, lim["incidence_max_deg"] - inc)
                if lim["look_side"] in ("left", "right"):
                    margin = np.minimum(margin, cross if lim["look_side"] == "right" else -cross)
                if "max_gsd_m" in lim and res is not None:  # the planner's scale: deg x ln(limit / value)
                    margin = np.minimum(margin, np.degrees(np.log(lim["max_gsd_m"] / gsd)))
                j = int(np.argmax(margin))
                if abs(along[j]) > sq + SQUINT_TOL_DEG:
                    self.fail("squint", aid, f"SAR: no instant within {sq} deg of zero Doppler where the limits hold "
                                             f"(along-track look angle {along[j]:.3f} deg at +{ts[j] - ts[0]:.2f} s)")
                # The reported squint_deg: an along-track angle the target passes during the acquisition at which
                # the limits hold (the planner's imaging instant; where two instants tie, either).
                rep_sq = a.get("squint_deg")
                k = int(np.argmin(np.abs(along - float(rep_sq)))) if rep_sq is not None else 0
                if rep_sq is None or abs(along[k] - float(rep_sq)) > SQUINT_REPORT_TOL_DEG or margin[k] < -SQUINT_TOL_DEG:
                    self.fail("squint", aid, f"reported squint_deg {rep_sq}: the target passes no such along-track "
                                             f"angle where the limits hold (nearest {along[k]:.4f} deg at "
                                             f"+{ts[k] - ts[0]:.2f} s, margin {margin[k]:.3f} deg)")
                keep = slice(j, j + 1)
                elev, inc, off_nadir, cross, along, ts, gsd = (x[keep] for x in (elev, inc, off_nadir, cross, along, ts, gsd))
                v, slat, slon = v[keep], slat[keep], slon[keep]
            else:
                jj = int(np.argmax(np.abs(along)))
                if abs(along[jj]) > sq + SQUINT_TOL_DEG:
                    self.fail("squint", aid, f"SAR strip: imaged point {along[jj]:.3f} deg along-track at "
                                             f"+{ts[jj] - ts[0]:.1f} s, beyond max_squint_deg {sq}")

        def worst(x, bad_msg, rule, limit_ok):
            j = int(np.argmin(limit_ok))
            if limit_ok[j] < 0:
                self.fail(rule, aid, bad_msg(j))

        rel = lambda j: f"at +{ts[j] - ts_all[0]:.1f} s"  # noqa: E731
        worst(elev, lambda j: f"target elevation of the satellite {elev[j]:.3f} deg < 0 {rel(j)}", "visibility",
              elev + ANGLE_TOL_DEG)
        if "max_off_nadir_deg" in lim:
            m = lim["max_off_nadir_deg"]
            worst(off_nadir, lambda j: f"off-nadir {off_nadir[j]:.3f} deg > {m} deg {rel(j)}", "off_nadir",
                  m + ANGLE_TOL_DEG - off_nadir)
        if not sat["pointable"]:
            lam = float(sat["sensor"]["swath_km"]) / (2.0 * MEAN_R_KM)
            eta = np.degrees(np.arctan2(MEAN_R_KM * math.sin(lam), MEAN_R_KM + sh - MEAN_R_KM * math.cos(lam)))
            worst(cross, lambda j: f"cross-track {cross[j]:.3f} deg outside half-swath {eta[j]:.3f} deg {rel(j)}", "swath",
                  eta + ANGLE_TOL_DEG - np.abs(cross))
        if not sat["pointable"]:
            crossed = along.min() <= 0.0 <= along.max()
            j = int(np.argmin(np.abs(along)))
            if not crossed and abs(along[j]) > PUSH_BROOM_TOL_DEG:
                self.fail("push_broom", aid, f"fixed push-broom: the target stays {abs(along[j]):.2f} deg "
                                             f"{'ahead of' if along[j] > 0 else 'behind'} the instrument's line "
                                             f"(along-track look angle, > {PUSH_BROOM_TOL_DEG} deg); off-nadir "
                                             f"{off_nadir[j]:.2f} deg")
        if "max_gsd_m" in lim and res is not None:
            m = lim["max_gsd_m"]
            worst(gsd, lambda j: f"resolution {gsd[j]:.3f} m > max_gsd_m {m} {rel(j)}", "gsd", m * (1.0 + GSD_RTOL) - gsd)
        if res is not None:
            key = "ground_range_resolution_m" if sat["kind"] == "sar" else "gsd_m"
            rv = a.get(key)
            if rv is None or not (gsd.min() * (1.0 - GSD_RTOL) <= float(rv) <= gsd.max() * (1.0 + GSD_RTOL)):
                self.fail("gsd", aid, f"reported {key} {rv} is not the resolution the target is imaged at "
                                      f"({gsd.min():.4f} .. {gsd.max():.4f} m)")
        if "incidence_min_deg" in lim:
            m = lim["incidence_min_deg"]
            worst(inc, lambda j: f"incidence {inc[j]:.3f} deg < {m} deg {rel(j)}", "incidence", inc - m + ANGLE_TOL_DEG)
        if "incidence_max_deg" in lim:
            m = lim["incidence_max_deg"]
            worst(inc, lambda j: f"incidence {inc[j]:.3f} deg > {m} deg {rel(j)}", "incidence", m - inc + ANGLE_TOL_DEG)
        side = lim["look_side"]
        if side in ("left", "right"):
            sgn = 1.0 if side == "right" else -1.0
            worst(cross, lambda j: f"cross-track look {cross[j]:.3f} deg is not on the {side} {rel(j)}", "look_side",
                  sgn * cross + ANGLE_TOL_DEG)
        reported = a.get("look_side")
        if reported in ("left", "right"):
            sgn = 1.0 if reported == "right" else -1.0
            worst(cross, lambda j: f"reported look_side {reported} but cross-track look is {cross[j]:.3f} deg {rel(j)}",
                  "look_side_report", sgn * cross + ANGLE_TOL_DEG)
        pdir = lim["pass_direction"]
        if pdir in ("ascending", "descending"):
            vn = np.sum(v * north_vector(slat, slon), -1)
            sgn = 1.0 if pdir == "ascending" else -1.0
            worst(vn, lambda j: f"pass is not {pdir} (v.north = {vn[j]:.3f} km/s) {rel(j)}", "pass_direction", sgn * vn)
        # LVLH look vectors at the scan ends, from GCRS r, v (CCSDS LVLH: z = -r, y = -(r x v), x = y x z)
        pg = np.einsum("nji,nj->ni", rot, p)  # ITRS -> GCRS (transpose of GCRS -> ITRS)
        looks = []
        for j in (0, len(ts_all) - 1):
            z = -unit(rg[j])
            y = -unit(np.cross(rg[j], vg[j]))
            x = np.cross(y, z)
            lv = unit(pg[j] - rg[j])
            looks.append(np.array([lv @ x, lv @ y, lv @ z]))
        self.looks[aid] = looks
        for key, mine in (("look_start_lvlh", looks[0]), ("look_end_lvlh", looks[1])):
            if key in a:
                d = float(angle_between_deg(np.asarray(a[key], float), mine))
                if d > LOOK_TOL_DEG:
                    self.fail("look_vector", aid, f"{key} is {d:.4f} deg from the recomputed LVLH look vector")

    # ---- polygons
    def check_strips(self):
        from shapely.geometry import LineString, Polygon
        from shapely.ops import unary_union
        groups = defaultdict(list)
        for a in self.plan.get("acquisitions", []):
            req = self.sc.requests.get(a["request_id"])
            if req is not None and "aoi" in req and a["satellite"] in self.sc.satellites:
                groups[(a["request_id"], a["occurrence"])].append(a)
        for (rid, k), strips in groups.items():
            aoi = self.sc.requests[rid]["aoi"]
            rings = [aoi["coordinates"]] if aoi["type"] == "Polygon" else aoi["coordinates"]
            allpts = np.array([pt[:2] for poly in rings for ring in poly for pt in ring], float)
            c_lon, c_lat = allpts[:, 0].mean(), allpts[:, 1].mean()
            c = geodetic_to_ecef_km(c_lat, c_lon, 0.0)
            e_ax = unit(np.cross([0.0, 0.0, 1.0], c))
            n_ax = unit(np.cross(unit(c), e_ax))

            def proj(lon, lat):  # local tangent plane at the polygon's centre, km (gnomonic-like)
                q = geodetic_to_ecef_km(np.asarray(lat, float), np.asarray(lon, float), 0.0)
                q = q / np.sum(q * unit(c), -1, keepdims=True) * np.linalg.norm(c)
                return np.stack([np.sum((q - c) * e_ax, -1), np.sum((q - c) * n_ax, -1)], -1)

            polys = []
            for poly in rings:
                shell = proj([p[0] for p in poly[0]], [p[1] for p in poly[0]])
                holes = [proj([p[0] for p in h], [p[1] for p in h]) for h in poly[1:]]
                polys.append(Polygon(shell, holes))
            area = unary_union(polys)
            bands = []
            for a in strips:
                aid = a["acquisition_id"]
                w = self.sc.satellites[a["satellite"]]["imaging_swath_km"]
                ends = proj([a["scan_start_lon_deg"], a["scan_end_lon_deg"]], [a["scan_start_lat_deg"], a["scan_end_lat_deg"]])
                line = LineString(ends)
                band = line.buffer(w / 2.0, cap_style=2) if line.length > 0 else line.buffer(w / 2.0)
                bands.append(band)
                inter = band.intersection(area).area
                if inter <= 0.0:
                    self.fail("strip_polygon", aid, f"strip band (scan line +- {w / 2:.1f} km) misses the polygon of {rid}")
                for name, pt in (("scan start", ends[0]), ("scan end", ends[1])):
                    from shapely.geometry import Point
                    d = area.distance(Point(pt))
                    if d > w / 2.0 + 0.5:  # 0.5 km: projection differences (< 0.1 % of 100 km)
                        self.fail("strip_polygon", aid, f"{name} is {d:.2f} km outside the polygon of {rid} "
                                                        f"(more than half a swath, {w / 2:.1f} km)")
            count = strips[0].get("strip_count", 1)
            if len({a["strip_id"] for a in strips}) == count:
                left = area.difference(unary_union(bands)).area / area.area
                if left > COVERAGE_TOL:
                    self.fail("strip_polygon", f"{rid}.{k}",
                              f"the {count} strips leave {100 * left:.2f} % of the polygon uncovered (> {100 * COVERAGE_TOL} %)")

    # ---- stereo (issue 15 item 3)
    def view_angles_deg(self, sat_name, mids, target):
        """The along-track viewing angle theta (deg) at a target {lat_deg, lon_deg, alt_m?} at instants (s after
        start): u the unit vector target -> satellite (ITRS), n the ellipsoid normal at the target, a the unit
        horizontal direction of the satellite's Earth-fixed velocity (central differences of Skyfield's ITRS positions,
        its n component removed); theta = atan2(u.a, u.n), > 0 once the satellite has passed the target. Returns
        theta and each one's tolerance (deg; see STEREO_VEL_DIR_TOL_RAD)."""
        mids = np.asarray(mids, float)
        h = STEREO_FD_H_S
        r = self.states(sat_name, np.concatenate([mids - h, mids, mids + h]))[0].reshape(3, len(mids), 3)
        v = (r[2] - r[0]) / (2.0 * h)
        lat, lon = float(target["lat_deg"]), float(target["lon_deg"])
        p = geodetic_to_ecef_km(lat, lon, float(target.get("alt_m", 0.0)) / 1000.0)
        n = up_vector(lat, lon)
        u = unit(r[1] - p)
        a = unit(v - np.sum(v * n, -1, keepdims=True) * n)
        un, uc = u @ n, np.sum(u * np.cross(n, a), -1)  # c = n x a: the horizontal cross-track direction
        tol = STEREO_POS_TOL_DEG + np.degrees(STEREO_VEL_DIR_TOL_RAD * np.abs(un * uc)
                                              / np.maximum(1.0 - uc * uc, 1e-12))
        return np.degrees(np.arctan2(np.sum(u * a, -1), un)), tol

    def check_stereo(self):
        """Rule stereo: the stereo keys only on stereo requests' images; a set on one satellite within a quarter of
        its orbit between consecutive images; theta recomputed at each image's middle against stereo_view_deg;
        B/H of consecutive images (in time) in [bh_min, bh_max] and against stereo_bh; reason stereo only for stereo
        requests. Fills self.stereo_stats (worst differences, for reports)."""
        sc = self.sc
        acqs = self.plan.get("acquisitions", [])
        st = self.stereo_stats = {"images": 0, "sets": 0, "max_view_diff_deg": 0.0, "max_view_diff_of_tol": 0.0,
                                  "max_bh_diff": 0.0, "max_bh_diff_of_tol": 0.0, "bh": []}
        unserved = {(u.get("request_id"), u.get("occurrence")) for u in self.plan.get("unserved", [])}
        groups = defaultdict(list)
        for i, a in enumerate(acqs):
            aid = a.get("acquisition_id", f"acquisitions[{i}]")
            req = sc.requests.get(a.get("request_id"))
            sat = sc.satellites.get(a.get("satellite"))
            if req is None or sat is None:
                continue
            has = [k for k in STEREO_KEYS if k in a]
            if req["stereo"] is None:
                if has:
                    self.fail("stereo", aid, f"reports {', '.join(has)} but request {req['id']} is not stereo")
                continue
            if len(has) < len(STEREO_KEYS):
                self.fail("stereo", aid, f"image of stereo request {req['id']} lacks "
                                         f"{', '.join(k for k in STEREO_KEYS if k not in a)}")
            if "aoi" in req:
                self.fail("stereo", aid, f"request {req['id']} is stereo but an area (aoi): stereo is for points")
                continue
            if sat["kind"] != "optical":
                self.fail("stereo", aid, f"stereo image on {a['satellite']}, which is not optical")
            groups[(req["id"], a.get("occurrence"))].append(i)
        for (rid, k), idx in groups.items():
            req = sc.requests[rid]
            stereo = req["stereo"]
            n_img = stereo["images"]
            gid = f"{rid}.{k}"
            st["sets"] += 1
            ids = [acqs[i].get("strip_id") for i in idx]
            if len(set(ids)) != len(ids):
                self.fail("stereo", gid, f"image numbers {sorted(ids, key=str)} repeat")
            if (rid, k) not in unserved and (len(idx) != n_img or set(ids) != set(range(n_img))):
                self.fail("stereo", gid, f"served with images {sorted(ids, key=str)}, a set needs {n_img} (0 .. "
                                         f"{n_img - 1})")
            sats = sorted({acqs[i]["satellite"] for i in idx})
            if len(sats) > 1:
                self.fail("stereo", gid, f"images on {', '.join(sats)}: a stereo set is taken by one satellite")
            # theta at each image's middle, per satellite
            mids = {i: 0.5 * sum(self.acq_secs[i]) for i in idx}
            theta, tol = {}, {}
            for name in sats:
                mine = [i for i in idx if acqs[i]["satellite"] == name]
                for i, th, tl in zip(mine, *self.view_angles_deg(name, [mids[i] for i in mine], req["target"])):
                    theta[i], tol[i] = float(th), float(tl)
            for i in idx:
                a = acqs[i]
                st["images"] += 1
                rep = a.get("stereo_view_deg")
                if rep is None:
                    continue
                d = abs(float(rep) - theta[i])
                st["max_view_diff_deg"] = max(st["max_view_diff_deg"], d)
                st["max_view_diff_of_tol"] = max(st["max_view_diff_of_tol"], d / tol[i])
                if d > tol[i]:
                    self.fail("stereo", a["acquisition_id"], f"stereo_view_deg {float(rep):.7f} != recomputed "
                                                             f"{theta[i]:.7f} deg at the image's middle (|d| {d:.2e} > "
                                                             f"{tol[i]:.1e})")
            # consecutive images in time: one pass, B/H in range, stereo_bh
            order = sorted(idx, key=lambda i: mids[i])
            first = acqs[order[0]]
            if first.get("stereo_bh") is not None:
                self.fail("stereo", first["acquisition_id"], f"stereo_bh {first['stereo_bh']} on the set's first image "
                                                             "in time (null there)")
            for i0, i1 in zip(order, order[1:]):
                a0, a1 = acqs[i0], acqs[i1]
                if a0["satellite"] != a1["satellite"]:
                    continue  # reported above
                sat = sc.satellites[a1["satellite"]]
                period = 86400.0 / float(sat["l2"][52:63])  # the TLE's mean motion, rev/day
                gap = mids[i1] - mids[i0]
                if gap >= period / 4.0 - TIME_TOL_S:
                    self.fail("stereo", a1["acquisition_id"], f"{gap:.1f} s after {a0['acquisition_id']} on "
                                                              f"{a1['satellite']}: not within one pass (a quarter of "
                                                              f"the {period:.1f}-s orbit, {period / 4.0:.1f} s)")
                t0, t1 = math.radians(theta[i0]), math.radians(theta[i1])
                bh = abs(math.tan(t0) - math.tan(t1))
                eps = (math.radians(tol[i0]) / math.cos(t0) ** 2 + math.radians(tol[i1]) / math.cos(t1) ** 2
                       + STEREO_BH_ABS_TOL)
                st["bh"].append(bh)
                if not (stereo["bh_min"] - eps <= bh <= stereo["bh_max"] + eps):
                    self.fail("stereo", a1["acquisition_id"], f"B/H {bh:.6f} with {a0['acquisition_id']} "
                                                              f"(theta {theta[i0]:.4f}, {theta[i1]:.4f} deg) outside "
                                                              f"[{stereo['bh_min']:g}, {stereo['bh_max']:g}]")
                rep = a1.get("stereo_bh")
                if rep is None:
                    if "stereo_bh" in a1:
                        self.fail("stereo", a1["acquisition_id"], f"stereo_bh null, but it follows "
                                                                  f"{a0['acquisition_id']} (B/H {bh:.6f})")
                    continue
                d = abs(float(rep) - bh)
                st["max_bh_diff"] = max(st["max_bh_diff"], d)
                st["max_bh_diff_of_tol"] = max(st["max_bh_diff_of_tol"], d / eps)
                if d > eps:
                    self.fail("stereo", a1["acquisition_id"], f"stereo_bh {float(rep):.7f} != recomputed {bh:.7f} "
                                                              f"with {a0['acquisition_id']} (|d| {d:.2e} > {eps:.1e})")
        for u in self.plan.get("unserved", []):
            if u.get("reason") == "stereo":
                r = sc.requests.get(u.get("request_id"))
                if r is None or r["stereo"] is None:
                    self.fail("stereo", f"{u.get('request_id')}.{u.get('occurrence')}",
                              "unserved for stereo, but the request is not a stereo request")

    # ---- rule 2: per-satellite timelines
    def check_timelines(self):
        acqs = self.plan.get("acquisitions", [])
        by_sat = defaultdict(list)
        for i, a in enumerate(acqs):
            if a["satellite"] in self.sc.satellites:
                by_sat[a["satellite"]].append(i)
        for sat_name, idx in by_sat.items():
            sat = self.sc.satellites[sat_name]
            idx.sort(key=lambda i: self.acq_secs[i])
            ag = sat["agility"]
            settle = float(ag["settle_s"])
            measure = ag.get("slew_angle", "lvlh")
            # roll_pitch adds two angles, each known to LOOK_TOL_DEG
            look_tol = LOOK_TOL_DEG * (2.0 if measure == "roll_pitch" else 1.0)
            for i0, i1 in zip(idx, idx[1:]):
                a0, a1 = acqs[i0], acqs[i1]
                gap = self.acq_secs[i1][0] - self.acq_secs[i0][1]
                if gap < -TIME_TOL_S:
                    self.fail("overlap", a1["acquisition_id"], f"starts {-gap:.3f} s before {a0['acquisition_id']} "
                                                               f"ends on {sat_name}")
                    continue
                if not sat["pointable"]:
                    continue
                l0 = self.looks.get(a0["acquisition_id"])
                l1 = self.looks.get(a1["acquisition_id"])
                if l0 is None or l1 is None:
                    continue
                th = slew_size_deg(l0[1], l1[0], measure)
                need = slew_time_s(th, ag) + settle
                # the slack of the sqrt law near 0 (or of a table's slope): the size known to look_tol
                tol = SLEW_TOL_S + (slew_time_s(th + look_tol, ag) - slew_time_s(th, ag))
                if gap < need - tol:
                    self.fail("slew", a1["acquisition_id"],
                              f"gap {gap:.3f} s after {a0['acquisition_id']} on {sat_name} < slew {need - settle:.3f} s "
                              f"+ settle {settle} s for theta {th:.3f} deg")
            # agility.initial_attitude nadir: the first acquisition also needs the slew from nadir at the horizon start
            if sat["pointable"] and ag.get("initial_attitude", "free") == "nadir" and idx:
                a1 = acqs[idx[0]]
                l1 = self.looks.get(a1["acquisition_id"])
                if l1 is not None:
                    th = slew_size_deg(np.array([0.0, 0.0, 1.0]), l1[0], measure)
                    need = slew_time_s(th, ag) + settle
                    tol = SLEW_TOL_S + (slew_time_s(th + look_tol, ag) - slew_time_s(th, ag))
                    if self.acq_secs[idx[0]][0] < need - tol:
                        self.fail("initial_attitude", a1["acquisition_id"],
                                  f"starts {self.acq_secs[idx[0]][0]:.3f} s after the horizon start on {sat_name}, "
                                  f"< slew {need - settle:.3f} s + settle {settle} s from nadir ({th:.3f} deg)")
            cap = sat["max_imaging_s_per_orbit"]
            if cap is not None:
                period = 86400.0 / float(sat["l2"][52:63])
                iv = [self.acq_secs[i] for i in idx]
                for s0, _ in iv:
                    used = sum(max(0.0, min(e, s0 + period) - max(s, s0)) for s, e in iv)
                    if used > float(cap) + TIME_TOL_S * len(iv):
                        self.fail("imaging_cap", sat_name, f"{used:.3f} s of imaging in the orbit period after +{s0:.1f} s "
                                                           f"> max_imaging_s_per_orbit {cap}")
                        break

    # ---- rule 3 + 4: downlinks and storage
    def check_downlinks(self):
        from skyfield.api import wgs84
        sc = self.sc
        dls = self.plan.get("downlinks", [])
        acqs = self.plan.get("acquisitions", [])
        horizon = (sc.stop - sc.start).total_seconds()
        dsecs = []
        by_station = defaultdict(list)
        for q, d in enumerate(dls):
            did = f"downlinks[{q}] ({d.get('satellite')}->{d.get('station')})"
            s, e = self.sec(d["start_utc"]), self.sec(d["end_utc"])
            dsecs.append((s, e))
            relayed = d.get("relay") is not None
            st = sc.stations.get(d["station"])
            if st is None:
                self.fail("relay" if relayed else "station_elevation", did,
                          f"station {d['station']!r} is not in the scenario")
                continue
            if d["satellite"] not in sc.satellites:
                self.fail("relay" if relayed else "station_elevation", did,
                          f"satellite {d['satellite']!r} is not in the scenario")
                continue
            # a relay downlink: the relay's rate; its feeder station's outages apply (the relayed data cannot reach
            # the ground during them); station elevation and antennas do not (the relay rule checks its own)
            rate = st["downlink_mbit_s"]
            if relayed:
                if d["relay"] not in sc.relays:
                    continue  # reported by the relay rule
                rate = sc.relays[d["relay"]]["rate_mbit_s"]
            else:
                by_station[d["station"]].append(q)
            cap = rate / 1000.0 * (e - s)
            if float(d["data_gbit"]) > cap * (1 + RATE_RTOL) + DATA_TOL_GBIT:
                self.fail("downlink_volume", did, f"{d['data_gbit']:.6f} Gbit > rate {rate} Mbit/s x "
                                                  f"{e - s:.3f} s = {cap:.6f} Gbit")
            for (name, os_, oe) in sc.outages:
                if name == d["station"]:
                    a_, b_ = (os_ - sc.start).total_seconds(), (oe - sc.start).total_seconds()
                    if s < b_ - TIME_TOL_S and e > a_ + TIME_TOL_S:
                        self.fail("outage", did, f"[{s:.3f}, {e:.3f}] s overlaps the outage [{a_:.3f}, {b_:.3f}] s")
            ant = d.get("antenna", 0)
            if not relayed and not (isinstance(ant, int) and 0 <= ant < st["antennas"]):
                self.fail("antennas", did, f"antenna {ant} not in [0, {st['antennas']})")
        # station elevation, batched per satellite (station downlinks only)
        by_sat = defaultdict(list)
        for q, d in enumerate(dls):
            if d["station"] in sc.stations and d["satellite"] in sc.satellites and d.get("relay") is None:
                by_sat[d["satellite"]].append(q)
        for sat_name, qs in by_sat.items():
            segs = [(q, self.samples(*dsecs[q])) for q in qs]
            all_t = np.concatenate([x[1] for x in segs])
            r = self.states(sat_name, all_t)[0]
            off = 0
            for q, ts in segs:
                d = dls[q]
                st = sc.stations[d["station"]]
                rr = r[off:off + len(ts)]
                off += len(ts)
                g = geodetic_to_ecef_km(st["lat_deg"], st["lon_deg"], st["alt_m"] / 1000.0)
                el = np.degrees(np.arcsin(np.sum(unit(rr - g) * up_vector(st["lat_deg"], st["lon_deg"]), -1)))
                j = int(np.argmin(el))
                if el[j] < st["min_elevation_deg"] - STATION_ELEV_TOL_DEG:
                    self.fail("station_elevation", f"downlinks[{q}] ({sat_name}->{d['station']})",
                              f"elevation {el[j]:.3f} deg < mask {st['min_elevation_deg']} deg at {d['start_utc']} "
                              f"+{ts[j] - ts[0]:.1f} s")
        # antennas: simultaneous downlinks per station, and one satellite per antenna at a time
        for name, qs in by_station.items():
            ants = sc.stations[name]["antennas"]
            ev = sorted([(dsecs[q][0] + TIME_TOL_S, 1, q) for q in qs] + [(dsecs[q][1] - TIME_TOL_S, -1, q) for q in qs],
                        key=lambda x: (x[0], x[1]))
            cur = 0
            reported = False
            for t, dlt, q in ev:
                cur += dlt
                if cur > ants and not reported:
                    self.fail("antennas", f"downlinks[{q}] ({dls[q]['satellite']}->{name})",
                              f"{cur} simultaneous downlinks at +{t:.3f} s > {ants} antennas of {name}")
                    reported = True
            per_ant = defaultdict(list)
            for q in qs:
                per_ant[dls[q].get("antenna", 0)].append(q)
            for ant, aq in per_ant.items():
                aq.sort(key=lambda q: dsecs[q])
                for x, y in zip(aq, aq[1:]):
                    if dsecs[y][0] < dsecs[x][1] - TIME_TOL_S:
                        self.fail("antennas", f"downlinks[{y}] ({dls[y]['satellite']}->{name})",
                                  f"antenna {ant} already serves {dls[x]['satellite']} until +{dsecs[x][1]:.3f} s")
        # image parts: order, allowed stations, containment in downlinks, sums
        dl_by_key = defaultdict(list)
        for q, d in enumerate(dls):
            dl_by_key[(d["satellite"], d["station"], d.get("relay"))].append(q)
        carried = defaultdict(float)
        margin_s = float(sc.planning["delivery_margin_h"]) * 3600.0
        self.delivered = {}
        for i, a in enumerate(acqs):
            aid = a["acquisition_id"]
            s, e = self.acq_secs[i]
            tenant = sc.tenants.get(a.get("tenant"))
            total = 0.0
            last = None
            for part in a.get("downlinks", []):
                ps, pe = self.sec(part["start_utc"]), self.sec(part["end_utc"])
                total += float(part["data_gbit"])
                last = pe if last is None else max(last, pe)
                if ps < e - TIME_TOL_S:
                    self.fail("downlink_order", aid, f"a part via {part['station']} starts {e - ps:.3f} s before the "
                                                     f"acquisition ends")
                if tenant and tenant["allowed_stations"] and part["station"] not in tenant["allowed_stations"]:
                    self.fail("allowed_stations", aid, f"downlinked via {part['station']}, {a['tenant']} allows only "
                                                       f"{tenant['allowed_stations']}")
                host = [q for q in dl_by_key.get((a["satellite"], part["station"], part.get("relay")), [])
                        if dsecs[q][0] - TIME_TOL_S <= ps and pe <= dsecs[q][1] + TIME_TOL_S]
                if not host:
                    via = part["station"] + (f" (relay {part['relay']})" if part.get("relay") is not None else "")
                    self.fail("downlink_order", aid, f"part via {via} [{ps:.3f}, {pe:.3f}] s lies in no "
                                                     f"downlink of {a['satellite']}")
                else:
                    carried[host[0]] += float(part["data_gbit"])
            if abs(total - float(a.get("data_gbit", 0.0))) > DATA_TOL_GBIT * max(1, len(a.get("downlinks", []))):
                self.fail("delivery", aid, f"parts carry {total:.6f} Gbit of {a.get('data_gbit')} Gbit")
            else:
                self.delivered[aid] = last
            if last is not None:
                du = a.get("delivered_utc")
                if du is None or abs(self.sec(du) - last) > TIME_TOL_S:
                    self.fail("delivery", aid, f"delivered_utc {du} != end of the last part (+{last:.6f} s)")
                if last > horizon + margin_s + TIME_TOL_S:
                    self.fail("delivery", aid, f"delivered {(last - horizon) / 3600:.3f} h after the horizon > "
                                               f"delivery_margin_h {sc.planning['delivery_margin_h']}")
        for q, d in enumerate(dls):
            if abs(carried[q] - float(d["data_gbit"])) > DATA_TOL_GBIT * 10:
                self.fail("downlink_volume", f"downlinks[{q}] ({d['satellite']}->{d['station']})",
                          f"data_gbit {d['data_gbit']:.6f} != sum of the image parts it carries {carried[q]:.6f}")
        # storage: piecewise-linear memory per satellite (fill while imaging, drain during parts)
        rates = defaultdict(list)  # sat -> (t0, t1, +-rate)
        for i, a in enumerate(acqs):
            s, e = self.acq_secs[i]
            if e > s:
                rates[a["satellite"]].append((s, e, float(a.get("data_gbit", 0.0)) / (e - s)))
            for part in a.get("downlinks", []):
                ps, pe = self.sec(part["start_utc"]), self.sec(part["end_utc"])
                if pe > ps:
                    rates[a["satellite"]].append((ps, pe, -float(part["data_gbit"]) / (pe - ps)))
        for sat_name, segs in rates.items():
            sat = sc.satellites.get(sat_name)
            if sat is None:
                continue
            ts = np.unique(np.array([x for s_ in segs for x in s_[:2]]))
            level = np.zeros_like(ts)
            for (s, e, rate) in segs:
                level += rate * (np.clip(ts, s, e) - s)
            j, m = int(np.argmax(level)), int(np.argmin(level))
            tol = DATA_TOL_GBIT * 10 * len(segs)
            if level[j] > sat["storage_gbit"] + tol:
                self.fail("storage", sat_name, f"memory {level[j]:.6f} Gbit > storage_gbit {sat['storage_gbit']} "
                                               f"at +{ts[j]:.3f} s")
            if level[m] < -tol:
                self.fail("storage", sat_name, f"memory {level[m]:.6f} Gbit < 0 at +{ts[m]:.3f} s")

    # ---- GEO data relays (issue 15 item 6)
    def check_relays(self):
        sc = self.sc
        dls = self.plan.get("downlinks", [])
        sessions = []  # (q, sat, relay, terminal, link_start, start, end)
        jobs = defaultdict(list)  # sat -> q (geometry, batched per satellite)
        for q, d in enumerate(dls):
            name = d.get("relay")
            if name is None:
                if "link_start_utc" in d:
                    self.fail("relay", f"downlinks[{q}] ({d.get('satellite')}->{d.get('station')})",
                              "link_start_utc on a station downlink (no relay)")
                continue
            did = f"downlinks[{q}] ({d.get('satellite')}->{name}->{d.get('station')})"
            sat = sc.satellites.get(d.get("satellite"))
            rl = sc.relays.get(name)
            if rl is None:
                self.fail("relay", did, f"relay {name!r} is not in the scenario")
                continue
            if sat is None:
                continue  # reported by station_elevation
            ok = True
            if sat["relay_min_elevation_deg"] is None:
                self.fail("relay", did, f"satellite {sat['name']} has no relay_terminal")
                ok = False
            if d.get("station") != rl["feeder_station"]:
                self.fail("relay", did, f"station {d.get('station')!r} is not {name}'s feeder station "
                                        f"{rl['feeder_station']!r}")
            ant = d.get("antenna", 0)
            if not (isinstance(ant, int) and 0 <= ant < rl["terminals"]):
                self.fail("relay", did, f"terminal {ant} not in [0, {rl['terminals']})")
            if d.get("link_start_utc") is None:
                self.fail("relay", did, "no link_start_utc")
                continue
            ls, s, e = self.sec(d["link_start_utc"]), self.sec(d["start_utc"]), self.sec(d["end_utc"])
            if ls + rl["acquisition_s"] > s + TIME_TOL_S:
                self.fail("relay", did, f"data from {d['start_utc']}, {s - ls:.3f} s after link start < acquisition_s "
                                        f"{rl['acquisition_s']}")
            if e - ls > rl["acquisition_s"] + rl["max_session_s"] + TIME_TOL_S:
                self.fail("relay", did, f"ends {e - ls:.3f} s after link start > acquisition_s {rl['acquisition_s']} + "
                                        f"max_session_s {rl['max_session_s']}")
            sessions.append((q, sat["name"], name, ant, ls, s, e))
            if ok and e >= ls:
                jobs[sat["name"]].append((q, ls, e))
        # geometry over [link_start, end]: samples <= 1 s, both ends
        for sat_name, items in jobs.items():
            min_el = self.sc.satellites[sat_name]["relay_min_elevation_deg"]
            segs = [(q, self.samples(ls, e)) for q, ls, e in items]
            r = self.states(sat_name, np.concatenate([x[1] for x in segs]))[0]
            off = 0
            for q, ts in segs:
                d = dls[q]
                rl = sc.relays[d["relay"]]
                did = f"downlinks[{q}] ({sat_name}->{d['relay']}->{d['station']})"
                rr = r[off:off + len(ts)]
                off += len(ts)
                g = self.relay_positions(d["relay"], ts)
                los = g - rr
                # the satellite terminal: the relay's elevation above the satellite's geocentric horizontal
                el = np.degrees(np.arcsin(np.clip(np.sum(unit(los) * unit(rr), -1), -1, 1)))
                j = int(np.argmin(el))
                if el[j] < min_el - RELAY_ELEV_TOL_DEG:
                    self.fail("relay", did, f"relay elevation {el[j]:.3f} deg < relay_terminal.min_elevation_deg "
                                            f"{min_el} at link start +{ts[j] - ts[0]:.1f} s")
                # the relay terminal: angle between the relay's geocentric nadir and the satellite
                on = np.degrees(np.arccos(np.clip(np.sum(unit(-g) * unit(-los), -1), -1, 1)))
                j = int(np.argmax(on))
                if on[j] > rl["max_off_nadir_deg"] + RELAY_OFF_NADIR_TOL_DEG:
                    self.fail("relay", did, f"off-nadir {on[j]:.4f} deg > max_off_nadir_deg {rl['max_off_nadir_deg']} "
                                            f"at link start +{ts[j] - ts[0]:.1f} s")
                # the straight segment satellite -> relay clears the ellipsoid with semi-axes a+h, a+h, b+h: scaled to
                # the unit sphere, the segment's nearest point to the origin must lie at distance >= 1
                h = rl["grazing_height_km"]
                deficit = -segment_clearance_km(rr, g, h)
                j = int(np.argmax(deficit))
                if deficit[j] > RELAY_HEIGHT_TOL_KM:
                    self.fail("relay", did, f"line of sight {deficit[j]:.3f} km inside the ellipsoid inflated by "
                                            f"{h} km (blocked by the Earth) at link start +{ts[j] - ts[0]:.1f} s")
        # one satellite per (relay, terminal) at a time: [link_start, end] of different satellites must not overlap
        by_term = defaultdict(list)
        for x in sessions:
            by_term[(x[2], x[3])].append(x)
        for (name, ant), xs in by_term.items():
            xs.sort(key=lambda x: x[4])
            for i, x in enumerate(xs):
                for y in xs[i + 1:]:
                    if y[4] >= x[6] - TIME_TOL_S:
                        break
                    if y[1] != x[1]:
                        self.fail("relay", f"downlinks[{y[0]}] ({y[1]}->{name}->{dls[y[0]]['station']})",
                                  f"terminal {ant} of {name} is held by {x[1]} (downlinks[{x[0]}]) until "
                                  f"{dls[x[0]]['end_utc']}, this link starts {dls[y[0]]['link_start_utc']}")
        # one downlink at a time per satellite: a relay downlink's data [start, end] overlaps none of its other
        # downlinks (station or relay)
        per_sat = defaultdict(list)
        for q, d in enumerate(dls):
            per_sat[d.get("satellite")].append((self.sec(d["start_utc"]), self.sec(d["end_utc"]), q))
        for sat_name, xs in per_sat.items():
            xs.sort()
            for i, (s0, e0, q0) in enumerate(xs):
                for s1, e1, q1 in xs[i + 1:]:
                    if s1 >= e0 - TIME_TOL_S:
                        break
                    if dls[q0].get("relay") is None and dls[q1].get("relay") is None:
                        continue  # two station downlinks: not this rule's
                    self.fail("relay", f"downlinks[{q1}] ({sat_name})",
                              f"data [{dls[q1]['start_utc']}, {dls[q1]['end_utc']}] overlaps downlinks[{q0}] "
                              f"[{dls[q0]['start_utc']}, {dls[q0]['end_utc']}] of the same satellite")

    # ---- clouds (issue 15 item 1)
    CLOUD_KEYS = ("cloud_cover_pct", "cloud_probability", "cloud_source", "cloud_time_utc")

    def check_clouds(self):
        """Per acquisition: the cloud keys where (and only where) a prediction is due, and their values; fills
        self.cloud_p (acquisition id -> the probability its value is scaled by) and self.cloud_stats (worst
        differences, for reports)."""
        sc = self.sc
        cd = sc.clouds
        self.cloud_p = {}
        st = self.cloud_stats = {"predicted": 0, "max_cover_diff_pct": 0.0, "max_p_diff_model": 0.0,
                                 "max_p_diff_recomputed": 0.0, "max_time_offset_s": 0.0,
                                 "sources": defaultdict(int)}
        for i, a in enumerate(self.plan.get("acquisitions", [])):
            aid = a.get("acquisition_id", f"acquisitions[{i}]")
            req = sc.requests.get(a.get("request_id"))
            sat = sc.satellites.get(a.get("satellite"))
            if req is None or sat is None:
                continue
            limit = sc.cloud_limit(sat, req)
            has = [k for k in self.CLOUD_KEYS if k in a]
            if limit is None:
                if has:
                    why = ("the scenario has no cloud data" if cd is None else f"{a['satellite']} is not optical"
                           if sat["kind"] != "optical" else f"request {req['id']} has no cover limit")
                    self.fail("clouds", aid, f"reports {', '.join(has)} but gets no cloud prediction ({why})")
                continue
            if len(has) < len(self.CLOUD_KEYS):
                self.fail("clouds", aid, f"optical acquisition of {req['id']} (cover limit {limit:g} %) lacks "
                                         f"{', '.join(k for k in self.CLOUD_KEYS if k not in a)}")
            # the instant of the prediction
            mid = sc.start + dt.timedelta(seconds=(self.sec(a["start_utc"]) + self.sec(a["end_utc"])) / 2.0)
            t = mid
            if "cloud_time_utc" in a:
                try:
                    t = parse_utc(a["cloud_time_utc"])
                except (TypeError, ValueError):
                    self.fail("clouds", aid, f"cloud_time_utc {a['cloud_time_utc']!r} is not a UTC time")
                off = abs((t - mid).total_seconds())
                st["max_time_offset_s"] = max(st["max_time_offset_s"], off)
                if off > CLOUD_TIME_TOL_S:
                    self.fail("clouds", aid, f"cloud_time_utc {a['cloud_time_utc']} is {off / 60:.1f} min from the "
                                             f"acquisition's middle (> {CLOUD_TIME_TOL_S / 60:g} min)")
            got = cd.cover(float(a["target_lat_deg"]), float(a["target_lon_deg"]), t)
            if got is None:
                if has:
                    self.fail("clouds", aid, f"no cloud field for {t.isoformat()} (climatology only, none for month "
                                             f"{t.month}) but the plan predicts one")
                continue
            cover, source = got
            sigma = cd.sigma(source)
            mine_p = cd.probability(limit, cover, sigma)
            st["predicted"] += 1
            st["sources"][source] += 1
            p = None  # without a reported probability (reported above) the value is taken as the plan gives it
            if "cloud_source" in a and a["cloud_source"] != source:
                self.fail("clouds", aid, f"cloud_source {a['cloud_source']!r} != {source!r} at {t.isoformat()}")
            if "cloud_cover_pct" in a:
                d = abs(float(a["cloud_cover_pct"]) - cover)
                st["max_cover_diff_pct"] = max(st["max_cover_diff_pct"], d)
                if d > CLOUD_COVER_TOL_PCT:
                    self.fail("clouds", aid, f"cloud_cover_pct {a['cloud_cover_pct']:.4f} != recomputed {cover:.4f} "
                                             f"% at ({a['target_lat_deg']}, {a['target_lon_deg']}) "
                                             f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')}")
            if "cloud_probability" in a:
                p = float(a["cloud_probability"])
                st["max_p_diff_recomputed"] = max(st["max_p_diff_recomputed"], abs(p - mine_p))
                cov = float(a.get("cloud_cover_pct", cover))
                want = cd.probability(limit, cov, cd.sigma(a.get("cloud_source", source)))
                st["max_p_diff_model"] = max(st["max_p_diff_model"], abs(p - want))
                if abs(p - want) > CLOUD_P_TOL:
                    self.fail("clouds", aid, f"cloud_probability {p:.8f} != Phi(({limit:g} - {cov:.4f}) / "
                                             f"{cd.sigma(a.get('cloud_source', source)):g}) = {want:.8f}")
                mn = req.get("min_cloud_probability")
                if mn is not None and p < float(mn) - CLOUD_P_TOL:
                    self.fail("clouds", aid, f"cloud_probability {p:.6f} < the request's min_cloud_probability {mn}")
            self.cloud_p[aid] = p
        for u in self.plan.get("unserved", []):
            if u.get("reason") != "clouds":
                continue
            r = sc.requests.get(u.get("request_id"))
            if cd is None or r is None or r.get("min_cloud_probability") is None or (
                    r.get("max_cloud_cover_pct") is None and cd.default_max_cover_pct is None):
                self.fail("clouds", f"{u.get('request_id')}.{u.get('occurrence')}",
                          "unserved for clouds, but the scenario gives it no cloud data, cover limit and "
                          "min_cloud_probability")
        # the plan's summary
        pc = self.plan.get("clouds")
        if pc is None:
            return
        if cd is None:
            if pc.get("source") != "none":
                self.fail("clouds", "clouds", f"source {pc.get('source')!r}, the scenario has no cloud data")
            return
        want = {"source": "forecast" if cd.forecast else "climatology",
                "files": [os.path.basename(f) for f in cd.forecast_files + cd.climatology_files],
                "forecast_sigma_pct": cd.forecast_sigma, "climatology_sigma_pct": cd.climatology_sigma,
                "default_max_cover_pct": cd.default_max_cover_pct}
        for k, v in want.items():
            if k in pc and pc[k] != v:
                self.fail("clouds", f"clouds.{k}", f"{pc[k]!r} != the scenario's {v!r}")
        if "forecast_fields" in pc:
            rep = [parse_utc(f["time_utc"]) for f in pc["forecast_fields"]]
            mine = [f.time for f in cd.forecast]
            if len(rep) != len(mine) or any(abs((x - y).total_seconds()) > TIME_TOL_S for x, y in zip(rep, mine)):
                self.fail("clouds", "clouds.forecast_fields", f"times {[x.isoformat() for x in rep]} != "
                                                              f"{[y.isoformat() for y in mine]}")
            for f, g in zip(pc["forecast_fields"], cd.forecast):
                got_h = float(f.get("averaged_over_h", g.averaged_over_h))
                if g.averaged_over_h > 0 and abs(got_h - g.averaged_over_h) > 1e-9:
                    self.fail("clouds", "clouds.forecast_fields", f"averaged_over_h {f.get('averaged_over_h')} != "
                                                                  f"{g.averaged_over_h} ({g.path} message {g.index})")
        if "climatology_months" in pc and sorted(int(m) for m in pc["climatology_months"]) != sorted(cd.climatology):
            self.fail("clouds", "clouds.climatology_months", f"{pc['climatology_months']} != {sorted(cd.climatology)}")

    # ---- power (issue 15 item 2)
    def sun_gcrs_km(self, secs):
        """Apparent geocentric Sun (GCRS, km) at seconds after start: astropy's get_sun (eraEpv00 + annual
        aberration; the direction that lights the satellite)."""
        from astropy import units as u
        from astropy.coordinates import get_sun
        from astropy.time import Time
        quiet_astropy()
        t = Time(self.t0.strftime("%Y-%m-%dT%H:%M:%S.%f"), scale="utc") + np.asarray(secs) * u.s
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return get_sun(t).cartesian.xyz.to(u.km).value.T

    @staticmethod
    def shadow_function(r, sun, model):
        """< 0 where the satellite (GCRS r, km) is in the Earth's shadow (spherical Earth of radius EARTH_A_KM).
        conical: the angle (rad) between the directions to the Sun's and the Earth's centres minus the sum of their
        apparent radii, i.e. < 0 as soon as any part of the Sun is hidden (penumbra and umbra); cylindrical: the
        distance (km) from the shadow axis (Sun at infinity) minus EARTH_A_KM behind the Earth, |r| - EARTH_A_KM in
        front of it."""
        rn = np.linalg.norm(r, axis=-1)
        if model == "cylindrical":
            s = unit(sun)
            along = np.sum(r * s, -1)
            perp = np.linalg.norm(r - along[:, None] * s, axis=-1)
            return np.where(along >= 0.0, rn, perp) - EARTH_A_KM
        to_sun = sun - r
        a = np.arcsin(np.minimum(1.0, SUN_RADIUS_KM / np.linalg.norm(to_sun, axis=-1)))
        b = np.arcsin(np.minimum(1.0, EARTH_A_KM / rn))
        return np.radians(angle_between_deg(to_sun, -r)) - (a + b)

    def shadow_intervals(self, sat_name, model, t_end, grid, sun_grid):
        """The shadow intervals [a, b] (s after start) of a satellite over [0, t_end]: the shadow function on `grid`
        (<= SHADOW_STEP_S), each sign change bisected SHADOW_BISECTIONS times (the Sun linear between grid points:
        it turns by 2e-7 rad/s, so the chord is off the arc by < 1e-11 rad over 30 s)."""
        sat = self.sats[sat_name]

        def f(secs):
            secs = np.asarray(secs, dtype=float)
            r = sat.at(self.times(secs)).position.km.T
            sun = np.stack([np.interp(secs, grid, sun_grid[:, k]) for k in range(3)], axis=-1)
            return self.shadow_function(r, sun, model)

        inside = f(grid) < 0.0
        k = np.nonzero(inside[:-1] != inside[1:])[0]
        lo, hi, lo_in = grid[k].copy(), grid[k + 1].copy(), inside[k]
        for _ in range(SHADOW_BISECTIONS if len(k) else 0):
            mid = 0.5 * (lo + hi)
            same = (f(mid) < 0.0) == lo_in
            lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
        edges = 0.5 * (lo + hi)
        out, start = [], 0.0 if inside[0] else None
        for t, entering in zip(edges, ~lo_in):
            if entering:
                start = t
            else:
                out.append((start, t))
                start = None
        if start is not None:
            out.append((start, t_end))
        return out

    def check_power(self):
        """Rule power: per satellite with a power model, our own energy profile (shadow from Skyfield + astropy,
        loads from the plan's acquisitions, slews and downlink parts) against the constraint and the plan's
        reports. Fills self.power_stats (worst differences, for reports)."""
        sc = self.sc
        plan = self.plan
        acqs = plan.get("acquisitions", [])
        powered = {n: s for n, s in sc.satellites.items() if s["power"] is not None}
        self.power_stats = {"max_sample_diff_wh": 0.0, "max_after_diff_wh": 0.0, "max_min_diff_wh": 0.0,
                            "max_edge_diff_s": 0.0, "edges": 0, "profiles": {}, "shadows": {}}
        # battery_wh_after only (and always) on satellites with a power model
        for a in acqs:
            if a.get("satellite") not in sc.satellites:
                continue
            has = "battery_wh_after" in a
            if has != (a["satellite"] in powered):
                self.fail("power", a["acquisition_id"], f"battery_wh_after {'given' if has else 'missing'} on "
                                                        f"{a['satellite']}, which has {'no ' if has else 'a '}power "
                                                        f"model")
        # the echo of the scenario's power model, and one energy entry per satellite with one
        for ps in plan.get("satellites", []):
            sat = sc.satellites.get(ps.get("name"))
            if sat is None:
                continue
            want, got = sat["power"], ps.get("power")
            if (want is None) != (got is None):
                self.fail("power", f"satellites.{ps['name']}.power", f"plan echoes {got}, scenario has {want}")
            elif want is not None:
                bad = [k for k, v in want.items() if (got.get(k) != v if isinstance(v, str) else
                                                      got.get(k) is None or abs(float(got[k]) - v) > 1e-9)]
                if bad:
                    self.fail("power", f"satellites.{ps['name']}.power",
                              ", ".join(f"{k} {got.get(k)!r} != scenario's {want[k]!r}" for k in bad))
        entries = defaultdict(list)
        for e in plan.get("energy", []):
            entries[e.get("satellite")].append(e)
        for name, es in entries.items():
            if name not in powered:
                self.fail("power", f"energy.{name}", "an energy profile for a satellite without a power model")
            elif len(es) > 1:
                self.fail("power", f"energy.{name}", f"{len(es)} energy profiles")
        for name in powered:
            if name not in entries:
                self.fail("power", f"energy.{name}", "no energy profile for a satellite with a power model")
        if not powered:
            return
        t_end = (sc.stop - sc.start).total_seconds() + float(sc.planning["delivery_margin_h"]) * 3600.0
        grid = np.linspace(0.0, t_end, max(2, int(math.ceil(t_end / SHADOW_STEP_S - 1e-9)) + 1))
        sun_grid = self.sun_gcrs_km(grid)
        by_sat = defaultdict(list)
        for i, a in enumerate(acqs):
            if a.get("satellite") in powered:
                by_sat[a["satellite"]].append(i)
        for name, sat in powered.items():
            pw = sat["power"]
            shadow = self.shadow_intervals(name, pw["eclipse"], t_end, grid, sun_grid)
            self.power_stats["shadows"][name] = shadow
            n_edges = sum((0.0 < a_) + (b_ < t_end) for a_, b_ in shadow)
            # loads: (start, end, W); in the shadow the array's solar_w is missing, like a load of that much
            loads = []
            idx = sorted(by_sat.get(name, []), key=lambda i: self.acq_secs[i])
            for j, i in enumerate(idx):
                a = acqs[i]
                s, e = self.acq_secs[i]
                loads.append((s, e, pw["imaging_w"]))
                if j > 0:
                    pe = self.acq_secs[idx[j - 1]][1]
                    loads.append((pe, pe + float(a.get("slew_before_s", 0.0)), pw["slew_w"]))
                    self._check_slew_load(sat, pw, acqs[idx[j - 1]], a)
                for part in a.get("downlinks", []):
                    loads.append((self.sec(part["start_utc"]), self.sec(part["end_utc"]), pw["downlink_w"]))
            tt, ee = self.energy_profile(pw, loads + [(a_, b_, pw["solar_w"]) for a_, b_ in shadow], t_end)
            self.power_stats["profiles"][name] = (tt, ee)
            tol = (ENERGY_ABS_TOL_WH + pw["solar_w"] * n_edges * EDGE_TOL_S / 3600.0
                   + sum(2.0 * abs(w) for (_, _, w) in loads) * POWER_TIME_ROUND_S / 3600.0)
            e_min_allowed = pw["min_soc"] * pw["battery_wh"]
            k = int(np.argmin(ee))
            if ee[k] < e_min_allowed - ENERGY_ABS_TOL_WH:
                below = np.nonzero(ee < e_min_allowed - ENERGY_ABS_TOL_WH)[0][0]
                self.fail("power", name, f"battery {ee[k]:.6f} Wh at +{tt[k]:.3f} s < min_soc {pw['min_soc']} x "
                                         f"{pw['battery_wh']} Wh = {e_min_allowed:.6f} Wh (first below at "
                                         f"+{tt[below]:.3f} s)")
            for i in idx:
                a = acqs[i]
                if "battery_wh_after" not in a:
                    continue
                mine = float(np.interp(self.acq_secs[i][1], tt, ee))
                d = abs(float(a["battery_wh_after"]) - mine)
                self.power_stats["max_after_diff_wh"] = max(self.power_stats["max_after_diff_wh"], d)
                if d > tol:
                    self.fail("power", a["acquisition_id"], f"battery_wh_after {a['battery_wh_after']} != "
                                                            f"{mine:.6f} Wh (tolerance {tol:.2e})")
            es = entries.get(name)
            if not es:
                continue
            self._check_energy_entry(name, sat, pw, es[0], tt, ee, tol, t_end, shadow)

    def _check_slew_load(self, sat, pw, a0, a1):
        """The duration of a slew load is the plan's slew_before_s: with a slew power it must be our slew time +
        settle (the slew rule's tolerance), else a plan could shorten its slews' loads."""
        if pw["slew_w"] == 0.0 or not sat["pointable"]:
            return
        l0, l1 = self.looks.get(a0["acquisition_id"]), self.looks.get(a1["acquisition_id"])
        if l0 is None or l1 is None:
            return
        ag = sat["agility"]
        measure = ag.get("slew_angle", "lvlh")
        look_tol = LOOK_TOL_DEG * (2.0 if measure == "roll_pitch" else 1.0)
        th = slew_size_deg(l0[1], l1[0], measure)
        need = slew_time_s(th, ag) + float(ag["settle_s"])
        tol = SLEW_TOL_S + (slew_time_s(th + look_tol, ag) - slew_time_s(th, ag))
        got = float(a1.get("slew_before_s", 0.0))
        if abs(got - need) > tol:
            self.fail("power", a1["acquisition_id"], f"slew_before_s {got:.3f} s (the slew load's length) != slew "
                                                     f"{need - float(ag['settle_s']):.3f} s + settle {ag['settle_s']} s "
                                                     f"for theta {th:.3f} deg")

    @staticmethod
    def energy_profile(pw, loads, t_end):
        """Breakpoints (t s, E Wh) of the battery from E(0) = initial_soc x battery_wh: the net power solar_w - bus_w
        minus the loads active (constant between events); charging E = min(max_soc x battery_wh, E + P dt / 3600)
        with a breakpoint where the clip starts, discharging E + P dt / 3600."""
        events = []
        for a, b, w in loads:
            a, b = max(0.0, a), min(t_end, b)
            if b > a:
                events.append((a, -w))
                events.append((b, w))
        events.sort()
        e_max = pw["max_soc"] * pw["battery_wh"]
        e = pw["initial_soc"] * pw["battery_wh"]
        p = pw["solar_w"] - pw["bus_w"]
        t = 0.0
        tt, ee = [0.0], [e]
        for te, dp in events + [(t_end, 0.0)]:
            dt_ = te - t
            if dt_ > 0.0:
                if p > 0.0 and e < e_max and e + p * dt_ / 3600.0 > e_max:
                    tt.append(t + (e_max - e) * 3600.0 / p)
                    ee.append(e_max)
                e = min(e_max, e + p * dt_ / 3600.0) if p > 0.0 else e + p * dt_ / 3600.0
                t = te
                tt.append(t)
                ee.append(e)
            p += dp
        return np.array(tt), np.array(ee)

    def _check_energy_entry(self, name, sat, pw, ent, tt, ee, tol, t_end, shadow):
        eid = f"energy.{name}"
        if ent.get("norad_id") != sat["norad_id"]:
            self.fail("power", eid, f"norad_id {ent.get('norad_id')} != {sat['norad_id']}")
        if abs(float(ent.get("battery_wh", -1.0)) - pw["battery_wh"]) > 1e-9:
            self.fail("power", eid, f"battery_wh {ent.get('battery_wh')} != scenario's {pw['battery_wh']}")
        samples = ent.get("samples") or []
        if len(samples) < 2:
            self.fail("power", eid, f"{len(samples)} samples")
            return
        st = np.array([self.sec(x[0]) for x in samples])
        se = np.array([float(x[1]) for x in samples])
        if np.any(np.diff(st) < -TIME_TOL_S):
            self.fail("power", eid, "samples are not in time order")
            return
        if abs(st[0]) > TIME_TOL_S or abs(st[-1] - t_end) > TIME_TOL_S:
            self.fail("power", eid, f"samples span [+{st[0]:.3f}, +{st[-1]:.3f}] s, not the horizon and the delivery "
                                    f"margin [0, +{t_end:.3f}] s")
        # both profiles are linear between their breakpoints: their largest difference is at one of them
        u = np.unique(np.concatenate([tt, st[(st >= 0.0) & (st <= t_end)]]))
        diff = np.interp(u, st, se) - np.interp(u, tt, ee)
        j = int(np.argmax(np.abs(diff)))
        self.power_stats["max_sample_diff_wh"] = max(self.power_stats["max_sample_diff_wh"], abs(diff[j]))
        if abs(diff[j]) > tol:
            self.fail("power", eid, f"samples give {diff[j] + np.interp(u[j], tt, ee):.6f} Wh at +{u[j]:.3f} s, "
                                    f"recomputed {np.interp(u[j], tt, ee):.6f} Wh (tolerance {tol:.2e})")
        my_min = float(np.min(ee))
        got = ent.get("min_wh")
        if got is None:
            self.fail("power", eid, "no min_wh")
        else:
            d = abs(float(got) - my_min)
            self.power_stats["max_min_diff_wh"] = max(self.power_stats["max_min_diff_wh"], d)
            if d > tol:
                self.fail("power", eid, f"min_wh {got} != recomputed minimum {my_min:.6f} Wh at "
                                        f"+{tt[int(np.argmin(ee))]:.3f} s (tolerance {tol:.2e})")
            if abs(float(ent.get("min_soc", -1.0)) - float(got) / pw["battery_wh"]) > 1e-9:
                self.fail("power", eid, f"min_soc {ent.get('min_soc')} != min_wh / battery_wh")
            if ent.get("min_time_utc") is not None:
                at = float(np.interp(self.sec(ent["min_time_utc"]), tt, ee))
                if at - my_min > tol:
                    self.fail("power", eid, f"min_time_utc {ent['min_time_utc']}: the battery holds {at:.6f} Wh "
                                            f"there, > the minimum {my_min:.6f} Wh")
            else:
                self.fail("power", eid, "no min_time_utc")
        # eclipse edges against the plan's breakpoints (for reports: a breakpoint sits at every edge it integrates)
        for a_, b_ in shadow:
            for x in (a_, b_):
                if 0.0 < x < t_end:
                    self.power_stats["edges"] += 1
                    self.power_stats["max_edge_diff_s"] = max(self.power_stats["max_edge_diff_s"],
                                                              float(np.min(np.abs(st - x))))

    # ---- rule 5: occurrences, values, metrics
    def check_values(self):
        sc = self.sc
        acqs = self.plan.get("acquisitions", [])
        seen = {}
        occ_strips = defaultdict(dict)
        for a in acqs:
            key = (a["request_id"], a["occurrence"], a.get("strip_id", 0))
            if key in seen:
                self.fail("served_twice", a["acquisition_id"], f"{key[0]} occurrence {key[1]} strip {key[2]} is "
                                                               f"already acquired by {seen[key]}")
            seen[key] = a["acquisition_id"]
            occ_strips[(a["request_id"], a["occurrence"])][a.get("strip_id", 0)] = a
        served = {}
        expected = {}  # (rid, k) -> value x mean over its strips of cloud_probability
        cloud_p = getattr(self, "cloud_p", {})
        for (rid, k), strips in occ_strips.items():
            req = sc.requests.get(rid)
            if req is None:
                continue
            # the number of strips: a polygon's decomposition is the planner's (strip_count), a point has 1, a
            # stereo set its request's images
            count = (req["stereo"]["images"] if req["stereo"] else 1) if "aoi" not in req else \
                next(iter(strips.values())).get("strip_count", 1)
            complete = len(strips) == count and all(0 <= sid < count for sid in strips) and all(
                self.delivered.get(a["acquisition_id"]) is not None for a in strips.values())
            probs = {}
            for a in strips.values():
                p = cloud_p.get(a["acquisition_id"], 1.0)
                if p is None:  # a prediction is due but missing (rule clouds): the probability its value implies
                    p = float(a.get("value", 0.0)) * count / req["value"] if complete and req["value"] > 0 else 1.0
                probs[a["acquisition_id"]] = p
                want = req["value"] * p / count if complete else 0.0
                if abs(float(a.get("value", 0.0)) - want) > VALUE_TOL:
                    self.fail("acquisition_value", a["acquisition_id"], f"value {a.get('value')} != {want:.6f} "
                                                                        f"(value {req['value']} x cloud probability "
                                                                        f"{p:.6f}, {len(strips)}/{count} "
                                                                        f"strips{'' if complete else ', incomplete'})")
            if complete:
                ws = (req["occurrences"][k][0] - sc.start).total_seconds()
                served[(rid, k)] = (req, (max(self.delivered[a["acquisition_id"]] for a in strips.values()) - ws) / 3600.0)
                expected[(rid, k)] = req["value"] * sum(probs.values()) / len(strips)
        unserved = {}
        for u in self.plan.get("unserved", []):
            key = (u["request_id"], u["occurrence"])
            if key in served:
                self.fail("served_twice", f"{key[0]}.{key[1]}", "occurrence is both served and listed as unserved")
            if key in unserved:
                self.fail("unserved_list", f"{key[0]}.{key[1]}", "listed twice in unserved[]")
            if u.get("reason") not in VALID_REASONS:
                self.fail("unserved_list", f"{key[0]}.{key[1]}", f"unknown reason {u.get('reason')!r}")
            unserved[key] = u.get("reason")
            self.check_explanation(u)
        # Occurrences whose window does not meet the horizon are not part of the plan (the planner skips them;
        # docs/formats.md does not say so: reported).
        all_occ = [(rid, k) for rid, r in sc.requests.items() for k, (ws, we) in enumerate(r["occurrences"])
                   if min(we, sc.stop) > max(ws, sc.start)]
        for key in all_occ:
            if key not in served and key not in unserved:
                self.fail("unserved_list", f"{key[0]}.{key[1]}", "occurrence is neither served nor in unserved[]")
        m = self.plan.get("metrics", {})
        value = sum(expected.values())
        clear = sum(r["value"] for (r, _) in served.values())
        vtol = VALUE_TOL * max(1, len(served))  # sums of fractional (expected) values
        if abs(float(m.get("value", -1)) - value) > vtol:
            self.fail("metrics_value", "metrics.value", f"{m.get('value')} != expected served value {value:.6f} "
                                                        f"(clear {clear})")
        if "value_if_clear" in m and abs(float(m["value_if_clear"]) - clear) > vtol:
            self.fail("metrics_value", "metrics.value_if_clear", f"{m['value_if_clear']} != served value {clear}")
        acq_sum = sum(float(a.get("value", 0.0)) for a in acqs)
        if abs(acq_sum - value) > VALUE_TOL * max(1, len(acqs)):
            self.fail("metrics_value", "acquisitions[].value",
                      f"sum {acq_sum:.6f} != expected served value {value:.6f}")
        total_all = sum(sc.requests[rid]["value"] for (rid, _) in all_occ)
        ub, tb = float(m.get("value_upper_bound", math.inf)), float(m.get("value_trivial_bound", math.inf))
        if not (value <= ub + VALUE_TOL and ub <= tb + VALUE_TOL and tb <= total_all + VALUE_TOL):
            self.fail("metrics_bound", "metrics", f"need value {value} <= value_upper_bound {ub} <= value_trivial_bound "
                                                  f"{tb} <= all occurrences {total_all}")
        if m.get("requests_served") != len(served) or m.get("requests_total") != len(all_occ):
            self.fail("metrics_counts", "metrics", f"requests_served {m.get('requests_served')} / requests_total "
                                                   f"{m.get('requests_total')} != {len(served)} / {len(all_occ)}")
        by_t = defaultdict(float)
        cnt = defaultdict(lambda: [0, 0])
        for key, (r, _) in served.items():
            by_t[r["tenant"]] += expected[key]
        for (rid, k) in all_occ:
            t = sc.requests[rid]["tenant"]
            cnt[t][1] += 1
            cnt[t][0] += (rid, k) in served
        rep = m.get("served_value_by_tenant", {})
        tenants = set(by_t) | set(rep) | set(sc.tenants)
        for t in sorted(tenants):
            if abs(float(rep.get(t, 0.0)) - by_t.get(t, 0.0)) > vtol:
                self.fail("metrics_tenant", f"metrics.served_value_by_tenant.{t}", f"{rep.get(t)} != {by_t.get(t, 0.0)}")
        if abs(sum(float(x) for x in rep.values()) - float(m.get("value", 0))) > vtol * max(1, len(rep)):
            self.fail("metrics_tenant", "metrics.served_value_by_tenant", f"sum {sum(rep.values())} != value {m.get('value')}")
        shares = m.get("served_share_by_tenant", {})
        for t, x in shares.items():
            want = by_t.get(t, 0.0) / value if value > 0 else 0.0
            if abs(float(x) - want) > VALUE_TOL:
                self.fail("metrics_tenant", f"metrics.served_share_by_tenant.{t}", f"{x} != {want:.6f}")
        for t, x in m.get("requests_by_tenant", {}).items():
            if [x.get("served"), x.get("total")] != cnt[t]:
                self.fail("metrics_tenant", f"metrics.requests_by_tenant.{t}", f"{x} != served {cnt[t][0]}, total {cnt[t][1]}")
        # requests_by_tier: served / with_opportunity / total / expected value per tier of the horizon's occurrences
        if "requests_by_tier" in m:
            tiers = defaultdict(lambda: {"served": 0, "with_opportunity": 0, "total": 0, "value": 0.0})
            for key in all_occ:
                r = sc.requests[key[0]]
                x = tiers["urgent" if r["urgent"] else r.get("tier") or "standard"]
                x["total"] += 1
                x["with_opportunity"] += key in served or (key in unserved and
                                                           unserved[key] not in ("no_opportunity", "clouds", "stereo"))
                if key in served:
                    x["served"] += 1
                    x["value"] += expected[key]
            rep_t = m["requests_by_tier"]
            for t in sorted(set(tiers) | set(rep_t)):
                x, y = tiers.get(t), rep_t.get(t)
                if x is None or y is None:
                    self.fail("metrics_tier", f"metrics.requests_by_tier.{t}", f"reported {y}, recomputed {x}")
                    continue
                bad = [k for k in ("served", "with_opportunity", "total") if y.get(k) != x[k]]
                if abs(float(y.get("value", -1)) - x["value"]) > vtol:
                    bad.append("value")
                if bad:
                    self.fail("metrics_tier", f"metrics.requests_by_tier.{t}",
                              f"{', '.join(f'{k} {y.get(k)} != {x[k]:g}' for k in bad)}")
        lat = sorted(l for (_, l) in served.values())
        for key, pct in (("latency_p50_h", 0.50), ("latency_p95_h", 0.95)):
            if not lat or key not in m:
                continue
            want = lat[max(0, math.ceil(pct * len(lat)) - 1)]
            if abs(float(m[key]) - want) > TIME_TOL_S / 3600.0:
                self.fail("metrics_latency", f"metrics.{key}", f"{m[key]} h != nearest-rank {want:.6f} h")
        # share rule
        tol = float(sc.planning["fairness_tolerance"])
        # planning.urgent_share_exempt: urgent occurrences neither count towards a share nor wait under the rule
        exempt = bool(sc.planning.get("urgent_share_exempt", False))
        ruled = [(r, key) for key, (r, _) in served.items() if not (exempt and r["urgent"])]
        ruled_value = sum(expected[key] for (_, key) in ruled)
        ruled_by_t = defaultdict(float)
        for (r, key) in ruled:
            ruled_by_t[r["tenant"]] += expected[key]
        if sc.tenants and ruled_value > 0:
            for t, info in sc.tenants.items():
                waiting = [key for key, reason in unserved.items()
                           if sc.requests.get(key[0], {}).get("tenant") == t
                           and reason not in ("no_opportunity", "clouds", "stereo")
                           and not (exempt and sc.requests[key[0]]["urgent"])]
                got = ruled_by_t.get(t, 0.0) / ruled_value
                if waiting and got < info["share"] - tol - VALUE_TOL:
                    self.fail("share_rule", t, f"served share {100 * got:.2f} % < rights {100 * info['share']:.2f} % - "
                                               f"{100 * tol:.1f} points while {len(waiting)} occurrence(s) wait "
                                               f"(e.g. {waiting[0][0]}.{waiting[0][1]})")

    def check_explanation(self, u):
        uid = f"{u['request_id']}.{u['occurrence']}"
        reason = u.get("reason")
        for k, reasons in (("blocked_by", {"outcompeted"}), ("nearest_misses", {"no_opportunity"}),
                           ("capacity", {"storage", "downlink", "power"})):
            if k in u and reason not in reasons:
                self.fail("explanation", uid, f"{k} given for reason {reason!r}")
        if reason == "power":
            # the battery of a satellite with a power model is short by deficit_wh > 0 (no stations, no gigabits)
            c = u.get("capacity")
            if not isinstance(c, dict):
                self.fail("explanation", uid, "reason power without capacity")
            else:
                sat = self.sc.satellites.get(c.get("satellite"))
                if sat is None or sat["power"] is None:
                    self.fail("explanation", uid, f"capacity names {c.get('satellite')!r}, not a satellite of the "
                                                  f"scenario with a power model")
                elif c.get("norad_id") != sat["norad_id"]:
                    self.fail("explanation", uid, f"capacity norad_id {c.get('norad_id')} != {sat['norad_id']}")
                if not (isinstance(c.get("deficit_wh"), (int, float)) and c["deficit_wh"] > 0.0):
                    self.fail("explanation", uid, f"capacity deficit_wh {c.get('deficit_wh')!r} is not > 0")
                for k in ("contacts", "excess_gbit"):
                    if k in c:
                        self.fail("explanation", uid, f"capacity.{k} given for reason power")
        elif isinstance(u.get("capacity"), dict) and "deficit_wh" in u["capacity"]:
            self.fail("explanation", uid, f"capacity.deficit_wh given for reason {reason!r}")
        by_id = self.acq_by_id
        for b in u.get("blocked_by", []):
            a = by_id.get(b.get("acquisition_id"))
            if a is None:
                self.fail("explanation", uid, f"blocked_by names {b.get('acquisition_id')!r}, not an acquisition of the plan")
                continue
            for f in ("request_id", "tenant", "satellite", "norad_id", "start_utc", "end_utc"):
                if b.get(f) != a.get(f):
                    self.fail("explanation", uid, f"blocked_by {b['acquisition_id']}: {f} {b.get(f)!r} != the "
                                                  f"acquisition's {a.get(f)!r}")
        for n in u.get("nearest_misses", []):
            if n.get("satellite") not in self.sc.satellites:
                self.fail("explanation", uid, f"nearest miss on {n.get('satellite')!r}, not a satellite of the scenario")

    def run(self):
        self.check_acquisitions()
        self.check_strips()
        self.check_stereo()
        self.check_timelines()
        self.check_downlinks()
        self.check_relays()
        self.check_clouds()
        self.check_power()
        self.check_values()
        return self.violations


def segment_clearance_km(p, q, h_km):
    """How far (km, about) the straight segments p -> q (arrays (N, 3), ITRS km) stay outside the WGS-84 ellipsoid
    inflated by h_km (semi-axes a+h, a+h, b+h), negative inside: each segment is scaled to the unit sphere (x, y by
    1/(a+h), z by 1/(b+h)), the parameter of its point nearest the origin t = -p'.d' / |d'|^2 clipped to [0, 1], and
    the clearance (|p' + t d'| - 1) (a+h), exact for segments in the equatorial plane, within (a-b)/a = 0.34 % of
    the true height difference elsewhere (near the surface: metres)."""
    big = EARTH_A_KM + h_km
    scale = np.array([big, big, EARTH_A_KM * (1.0 - EARTH_F) + h_km])
    p0, dv = np.atleast_2d(p) / scale, (np.atleast_2d(q) - np.atleast_2d(p)) / scale
    t = np.clip(-np.sum(p0 * dv, -1) / np.sum(dv * dv, -1), 0.0, 1.0)
    return (np.linalg.norm(p0 + t[:, None] * dv, axis=-1) - 1.0) * big


def roll_pitch_deg(u):
    """Roll and pitch of an LVLH look u = (x along, y, z nadir) (docs/formats.md, agility.slew_angle): the look is
    nadir pitched by p towards the velocity, then rolled by r about the velocity axis: u = (sin p, -cos p sin r,
    cos p cos r)."""
    u = unit(np.asarray(u, dtype=float))
    return math.degrees(math.atan2(-u[1], u[2])), math.degrees(math.asin(max(-1.0, min(1.0, u[0]))))


def slew_size_deg(u0, u1, measure):
    """Size of the slew between two LVLH looks: their angle (lvlh) or |d roll| + |d pitch| (roll_pitch)."""
    if measure != "roll_pitch":
        return float(angle_between_deg(u0, u1))
    r0, p0 = roll_pitch_deg(u0)
    r1, p1 = roll_pitch_deg(u1)
    dr = abs(r1 - r0) % 360.0
    return min(dr, 360.0 - dr) + abs(p1 - p0)


def slew_time_s(size_deg, ag):
    """Slew time (no settling): agility.slew_table, linear between points and along the last segment beyond it,
    else the issue-6 rate/acceleration law."""
    table = ag.get("slew_table")
    if not table:
        return rest_to_rest_s(size_deg, float(ag["max_rate_deg_s"]), float(ag["max_accel_deg_s2"]))
    xs = [float(a) for a, _ in table]
    ts = [float(t) for _, t in table]
    x = max(0.0, size_deg)
    if len(xs) == 1:
        return ts[0]
    for i in range(1, len(xs)):
        if x <= xs[i] or i == len(xs) - 1:
            return ts[i - 1] + (ts[i] - ts[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1])
    raise AssertionError("unreachable")


def rest_to_rest_s(theta_deg, w_deg_s, a_deg_s2):
    """Issue 6: t = 2 sqrt(theta/alpha) if theta <= omega^2/alpha, else theta/omega + omega/alpha."""
    th = max(0.0, theta_deg)
    if th <= w_deg_s * w_deg_s / a_deg_s2:
        return 2.0 * math.sqrt(th / a_deg_s2)
    return th / w_deg_s + w_deg_s / a_deg_s2


def check(scenario_path, plan_path_or_dict, extra_requests=()):
    plan = plan_path_or_dict
    if not isinstance(plan, dict):
        plan = json.load(open(plan_path_or_dict, encoding="utf-8"))
    return Checker(Scenario(scenario_path, extra_requests), plan).run()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--add", action="append", default=[], metavar="REQUESTS.yaml",
                    help="requests added by `vantage replan --add` (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the violations as a JSON list")
    args = ap.parse_args(argv)
    try:
        v = check(args.scenario, args.plan, args.add)
    except (InputError, OSError, KeyError, ValueError, yaml.YAMLError) as e:
        print(f"check_plan: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([{"rule": r, "id": i, "message": m} for r, i, m in v], indent=1))
    else:
        for r, i, m in v:
            print(f"{r} {i}: {m}")
        if not v:
            print("check_plan: ok")
    return 1 if v else 0


if __name__ == "__main__":
    sys.exit(main())
