# %% [markdown]
# # Vantage from Python: quick start
#
# A notebook in Jupytext "percent" form (open it in Jupyter with jupytext, or run it as a script
# from the repository root). The test suite runs it (`python/tests/test_docs_example.py`).
# Build and install first: `bash tools/demo.sh` installs the `vantage` package for /usr/bin/python3.

# %%
import datetime as dt

import numpy as np

import vantage

# %% [markdown]
# ## Element sets
# TLE and OMM readers name the file, line and field of every bad record (`vantage.Error`).

# %%
sats = vantage.read_tle("examples/eo-satellites.tle")
for s in sats[:3]:
    print(s.norad_id, s.object_name, s.epoch.isoformat(), f"{s.inclination_deg:.2f} deg")

# %% [markdown]
# ## Propagate: satellites x times -> NumPy (N, M, 6), km and km/s
# Times are tz-aware UTC datetimes or numpy.datetime64 (UTC). The GIL is released.

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

# %% [markdown]
# ## Errors are exceptions with a code and a location

# %%
try:
    vantage.propagate(sats, [dt.datetime(2025, 10, 3)])  # naive: refused
except vantage.Error as e:
    print(e.code, e.field)
