# %% [markdown]
# # Vantage from Python: quick start
#
# A notebook in Jupytext "percent" form (open it in Jupyter with jupytext, or run it as a script
# from the repository root). The test suite runs it (`python/tests/test_docs_example.py`).
# Build and install first: `bash tools/demo.sh` installs the `vantage` package for /usr/bin/python3.

# %%
import numpy as np

import vantage

# %% [markdown]
# ## Element sets
# TLE and OMM readers name the file, line and field of every bad record (`vantage.ParseError`, a
# `ValueError`; a missing file is a `FileNotFoundError`; both are `vantage.Error`). `read_tle` takes a
# path (str or os.PathLike) or TLE text (a str with a line break).

# %%
sats = vantage.read_tle("examples/eo-satellites.tle")
for s in sats[:3]:
    print(s.norad_id, s.object_name, s.epoch.isoformat(), f"{s.inclination_deg:.2f} deg")

# %% [markdown]
# One satellite from its two lines, as Skyfield's `EarthSatellite(line1, line2, name)`:

# %%
line1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
line2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
iss = vantage.Satellite.from_tle(line1, line2, "ISS (ZARYA)")
print(iss)

# %% [markdown]
# ## Propagate: satellites x times -> NumPy (N, M, 6), km and km/s
# Times are datetimes (tz-aware in any zone; naive ones are UTC) or numpy.datetime64 (UTC). The GIL
# is released. A state SGP4 cannot compute is NaN, and its error code (6 = decayed, ...) is in `errors`.

# %%
eop = vantage.read_eop("examples/eop.csv")
times = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T01:40"), np.timedelta64(60, "s"))
states, errors = vantage.propagate(sats, times, frame="itrf", eop=eop)
print(states.shape, "errors:", int((errors != 0).sum()))

# %% [markdown]
# ## Ground track (WGS-84)

# %%
lla = vantage.itrf_to_geodetic(states)
sentinel2a = [i for i, s in enumerate(sats) if s.object_name.startswith("SENTINEL-2A")][0]
lat, lon, alt = lla[sentinel2a, 0]
print(f"Sentinel-2A at 00:00 UTC: lat {lat:.3f} deg, lon {lon:.3f} deg, alt {alt:.1f} km")

# %% [markdown]
# ## Azimuth, elevation and range from a ground station
# Topocentric east-north-up of the station on WGS-84, from ITRF positions (with the EOP);
# Skyfield's `(sat - topos).at(t).altaz()` agrees to 2e-6 deg and 2 cm with the same EOP.

# %%
svalbard = (78.2297, 15.4078, 500.0)  # lat_deg, lon_deg, alt_m (or a vantage.GroundStation)
az_deg, el_deg, range_km = vantage.topocentric(sats[sentinel2a], svalbard, times, eop=eop)
up = el_deg > 5.0
print(f"Sentinel-2A above 5 deg at Svalbard for {int(up.sum())} of {len(times)} minutes; "
      f"max elevation {el_deg.max():.1f} deg")

# %% [markdown]
# ## pandas-friendly records

# %%
records = vantage.states_to_records(sats[:1], times[:3], states[:1, :3], errors[:1, :3])
print(records[0]["time_utc"], records[0]["x_km"])

# %% [markdown]
# ## Ground-station passes (edges refined to 1 ms; no pass of 1 s or more is missed)

# %%
stations = [g for g in vantage.read_stations("examples/ground-stations.csv") if g.name in ("Svalbard", "Kiruna")]
contacts = vantage.passes(sats, stations, "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z", eop=eop)
print(len(contacts), "passes; first:", contacts[0]["station"], contacts[0]["aos_utc"].isoformat(),
      f"{contacts[0]['max_elevation_deg']:.1f} deg")

# %% [markdown]
# ## Coverage: how often, and how quickly, do the 11 satellites look at Europe?
# Figures on the union of all satellites' windows over a 500 km grid (docs/coverage.md); one record per point.

# %%
cov = vantage.coverage("examples/coverage-demo.yaml", grid_km=500)
europe = cov.regions[0]
print(f"{europe['name']}: {europe['points']} points, {europe['percent_area_covered']:.0f}% covered, "
      f"mean max gap {europe['max_gap_h']['area_weighted_mean']:.1f} h")
df = cov.to_dataframe()
print(df[["lat_deg", "lon_deg", "accesses", "max_gap_h"]].head(3))

# %% [markdown]
# ## Constellation design: a Walker 24/3/1 at 550 km, written as a TLE any SGP4 tool reads

# %%
walker = vantage.walker(24, 3, 1, 550.0, 53.0, "2025-10-03T00:00:00Z")
print(len(walker), "satellites; plane 2 RAAN", walker[8].raan_deg, "deg; mean altitude",
      f"{vantage.sgp4_mean_altitude_km(walker[0]):.3f}", "km")
sso = vantage.sun_synchronous(700.0, [10.5], "2025-10-03T00:00:00Z", node="descending")
print("SSO 700 km inclination", sso[0].inclination_deg, "deg")

# %% [markdown]
# ## Tasking: requests of two nations turned into acquisitions and downlinks (tests/data/tasking/tiny.yaml)
# The plan of `vantage plan`, as records; every `*_utc` is a tz-aware datetime.

# %%
plan = vantage.plan("tests/data/tasking/tiny.yaml")
m = plan.metrics
print(f"plan: value {m['value']:g} of upper bound {m['value_upper_bound']:g}, "
      f"{len(plan.acquisitions)} acquisitions, {len(plan.downlinks)} downlinks")
served = [r for r in plan.requests if r["status"] == "served"]
print("first delivery", min(r["delivered_utc"] for r in served).isoformat())
acq = plan.to_dataframe()  # pandas, one row per acquisition, *_utc as datetime64[ns, UTC]
print(acq[["satellite", "start_utc", "off_nadir_deg"]].head(3))

# %% [markdown]
# ## Errors are exceptions with a code and a location

# %%
try:
    vantage.Satellite.from_tle(line1, line2.replace("0006703", "0006x03"), verify_checksum=False)  # bad eccentricity
except ValueError as e:  # vantage.ParseError: also a vantage.Error
    print(e.code, "line", e.line, e.field)
try:
    vantage.read_tle("no-such-file.tle")
except FileNotFoundError as e:  # vantage.MissingFileError: also a vantage.Error
    print(e.code, e.filename)
