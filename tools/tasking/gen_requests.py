#!/usr/bin/python3
"""Seeded generator of oversubscribed tasking days: observation requests of several nations.

The same seed and arguments always give the same file, byte for byte (Python's `random.Random` is
stable across Python 3 versions; numbers are printed with fixed decimals). Output: a requests file
(`requests:` list; docs/formats.md § Requests file) that a scenario names with `requests_file:` or
that `vantage replan --add` reads.

    # the demo's requests (vendored as examples/tasking-requests.yaml)
    /usr/bin/python3 tools/tasking/gen_requests.py --preset demo > examples/tasking-requests.yaml
    # the benchmark's day: 2,000 requests (bench/tasking/run_bench.sh)
    /usr/bin/python3 tools/tasking/gen_requests.py --preset bench --count 2000 --seed 1
    # 20 urgent requests for a replan (ids U-0000..)
    /usr/bin/python3 tools/tasking/gen_requests.py --preset urgent --count 20 --seed 7 --start 2025-10-03T08:00:00Z

What it draws (per request, in this order, from one `random.Random(seed)`):
- the nation, by the weights of `--tenants` (default FR 0.4, DE 0.3, IT 0.3 for the bench; the demo
  adds ES and PL);
- a region (Europe west/centre/east, Mediterranean, Black Sea, Caucasus; for the bench also the
  Middle East and North Africa), then a point uniformly in the region's box, pulled towards one of the
  region's hot spots (cities, ports, borders) with probability 0.6, so demand clusters as real demand does;
- the kind: polygon with probability --polygon-fraction (a quadrilateral 15..60 km across, so one to four
  strips of a 20 km swath), else a point with imaging duration 5..20 s;
- the sensor (any 60 %, optical 25 %, sar 15 %) and optional tighter limits (max off-nadir 25..35 deg,
  min Sun elevation 15..25 deg, incidence 25..40 deg);
- the priority (1..10, triangular around 5), the window (the whole day, or 3..12 h inside it), and a repeat
  (every 6 or 12 h, 2..3 times) with probability --repeat-fraction;
- urgent requests (--urgent-fraction): priority 9..10, a 4..8 h window starting at a random hour.
"""
import argparse
import math
import random
import sys
from datetime import datetime, timedelta, timezone

REGIONS = {
    # name: (lat_min, lat_max, lon_min, lon_max, hot spots [(lat, lon)])
    "europe-west": (42.0, 52.0, -5.0, 8.0, [(48.86, 2.35), (43.60, 1.44), (45.76, 4.84), (51.05, 3.72), (47.22, -1.55)]),
    "europe-centre": (46.0, 55.0, 6.0, 18.0, [(52.52, 13.40), (48.14, 11.58), (50.11, 8.68), (53.55, 9.99), (50.08, 14.44)]),
    "europe-east": (47.0, 56.0, 18.0, 32.0, [(52.23, 21.01), (50.45, 30.52), (49.84, 24.03), (54.69, 25.28), (47.03, 28.85)]),
    "mediterranean": (36.0, 45.0, 5.0, 28.0, [(41.90, 12.50), (40.85, 14.27), (37.98, 23.73), (43.30, 5.37), (37.50, 15.09)]),
    "black-sea": (41.0, 47.5, 27.5, 41.5, [(44.62, 33.52), (46.48, 30.73), (41.01, 28.98), (43.21, 27.91), (44.72, 37.77), (45.35, 36.47)]),
    "caucasus": (39.5, 44.0, 40.0, 50.0, [(41.72, 44.79), (40.41, 49.87), (40.18, 44.51)]),
    "middle-east": (24.0, 37.0, 34.0, 56.0, [(33.51, 36.29), (31.95, 35.93), (29.38, 47.99), (26.23, 50.59), (35.69, 51.39)]),
    "north-africa": (27.0, 37.0, -10.0, 33.0, [(36.81, 10.18), (33.57, -7.59), (30.04, 31.24), (32.89, 13.19), (36.75, 3.06)]),
}

PRESETS = {
    "demo": dict(count=650, seed=2025, tenants="FR:0.35,DE:0.25,IT:0.2,ES:0.1,PL:0.1",
                 regions="europe-west:3,europe-centre:3,europe-east:2,mediterranean:2,black-sea:3,caucasus:1",
                 polygon_fraction=0.12, repeat_fraction=0.12, urgent_fraction=0.02, prefix=""),
    "bench": dict(count=2000, seed=1, tenants="FR:0.4,DE:0.3,IT:0.3",
                  regions="europe-west:3,europe-centre:3,europe-east:2,mediterranean:2,black-sea:2,caucasus:1,"
                          "middle-east:2,north-africa:2",
                  polygon_fraction=0.08, repeat_fraction=0.1, urgent_fraction=0.0, prefix=""),
    "urgent": dict(count=20, seed=7, tenants="FR:0.4,DE:0.3,IT:0.3",
                   regions="europe-west:1,europe-centre:1,black-sea:1,mediterranean:1",
                   polygon_fraction=0.0, repeat_fraction=0.0, urgent_fraction=1.0, prefix="U-"),
}


def weighted(rng, items):
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


def parse_weights(text):
    out = []
    for part in text.split(","):
        k, w = part.split(":")
        out.append((k, float(w)))
    return out


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def offset_km(lat, lon, north_km, east_km):
    return lat + north_km / 111.2, lon + east_km / (111.2 * math.cos(math.radians(lat)))


def draw_location(rng, region):
    lat0, lat1, lon0, lon1, spots = REGIONS[region]
    if rng.random() < 0.6:
        slat, slon = spots[rng.randrange(len(spots))]
        # within ~60 km of the hot spot (Gaussian, 25 km sigma)
        lat, lon = offset_km(slat, slon, rng.gauss(0.0, 25.0), rng.gauss(0.0, 25.0))
    else:
        lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
    return lat, lon


def polygon_around(rng, lat, lon):
    """A convex quadrilateral 15..60 km across, as a closed GeoJSON ring [lon, lat]."""
    size = rng.uniform(15.0, 60.0)
    aspect = rng.uniform(0.6, 1.6)
    rot = rng.uniform(0.0, math.pi)
    pts = []
    for k, (u, v) in enumerate([(-1, -1), (1, -1), (1, 1), (-1, 1)]):
        ju, jv = rng.uniform(0.85, 1.15), rng.uniform(0.85, 1.15)
        x = u * ju * size / 2 * aspect
        y = v * jv * size / 2 / aspect
        e = x * math.cos(rot) - y * math.sin(rot)
        n = x * math.sin(rot) + y * math.cos(rot)
        plat, plon = offset_km(lat, lon, n, e)
        pts.append((round(plon, 4), round(plat, 4)))
    pts.append(pts[0])
    return pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--count", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--start", default="2025-10-03T00:00:00Z", help="start of the planning day (UTC)")
    ap.add_argument("--hours", type=float, default=24.0, help="length of the planning day")
    ap.add_argument("--tenants")
    ap.add_argument("--regions")
    ap.add_argument("--polygon-fraction", type=float)
    ap.add_argument("--repeat-fraction", type=float)
    ap.add_argument("--urgent-fraction", type=float)
    ap.add_argument("--prefix", help="id prefix")
    args = ap.parse_args()
    cfg = dict(PRESETS[args.preset])
    for key in ("count", "seed", "tenants", "regions", "polygon_fraction", "repeat_fraction", "urgent_fraction", "prefix"):
        v = getattr(args, key)
        if v is not None:
            cfg[key] = v
    rng = random.Random(cfg["seed"])
    tenants = parse_weights(cfg["tenants"])
    regions = parse_weights(cfg["regions"])
    start = datetime.strptime(args.start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    day_h = args.hours
    counters = {t: 0 for t, _ in tenants}

    w = sys.stdout.write
    w(f"# Generated by tools/tasking/gen_requests.py --preset {args.preset} --count {cfg['count']} --seed {cfg['seed']}"
      f" --start {args.start} --hours {day_h:g}\n")
    w(f"# tenants {cfg['tenants']}; regions {cfg['regions']}\n")
    w("requests:\n")
    for i in range(cfg["count"]):
        tenant = weighted(rng, tenants)
        region = weighted(rng, regions)
        lat, lon = draw_location(rng, region)
        is_polygon = rng.random() < cfg["polygon_fraction"]
        urgent = rng.random() < cfg["urgent_fraction"]
        s = rng.random()
        sensor = "any" if s < 0.6 else ("optical" if s < 0.85 else "sar")
        priority = min(10, max(1, int(round(rng.triangular(1, 10, 5)))))
        if urgent:
            priority = rng.choice([9, 10])
            wstart = start + timedelta(hours=rng.uniform(0.0, max(0.0, day_h - 8.0)))
            wend = wstart + timedelta(hours=rng.uniform(4.0, 8.0))
        elif rng.random() < 0.5:
            wstart, wend = start, start + timedelta(hours=day_h)
        else:
            length = rng.uniform(3.0, 12.0)
            wstart = start + timedelta(hours=rng.uniform(0.0, day_h - length))
            wend = wstart + timedelta(hours=length)
        repeat = None
        if not urgent and rng.random() < cfg["repeat_fraction"]:
            every = rng.choice([6.0, 12.0])
            count = rng.choice([2, 3])
            window_h = min(every, rng.choice([3.0, 6.0]))
            wstart = start + timedelta(hours=rng.uniform(0.0, max(0.0, day_h - every * (count - 1) - window_h)))
            wend = wstart + timedelta(hours=window_h)
            repeat = (every, count, window_h)
        limits = []
        r = rng.random()
        if sensor != "sar" and r < 0.15:
            limits.append(("max_off_nadir_deg", f"{rng.uniform(25.0, 35.0):.1f}"))
        if sensor == "optical" and rng.random() < 0.3:
            limits.append(("min_sun_elevation_deg", f"{rng.uniform(15.0, 25.0):.1f}"))
        if sensor == "sar" and rng.random() < 0.3:
            lo = rng.uniform(20.0, 30.0)
            limits.append(("incidence_min_deg", f"{lo:.1f}"))
            limits.append(("incidence_max_deg", f"{lo + rng.uniform(10.0, 15.0):.1f}"))
        duration = rng.uniform(5.0, 20.0)
        counters[tenant] += 1
        rid = f"{cfg['prefix']}{tenant}-{counters[tenant]:04d}"
        w(f"  - id: {rid}\n    tenant: {tenant}\n    priority: {priority}\n")
        if is_polygon:
            ring = polygon_around(rng, lat, lon)
            coords = ", ".join(f"[{x:.4f}, {y:.4f}]" for x, y in ring)
            w(f"    aoi: {{type: Polygon, coordinates: [[{coords}]]}}\n")
        else:
            w(f"    target: {{lat_deg: {lat:.4f}, lon_deg: {lon:.4f}}}\n")
            w(f"    duration_s: {duration:.0f}\n")
        w(f"    window_start_utc: {iso(wstart)}\n    window_end_utc: {iso(wend)}\n")
        if sensor != "any":
            w(f"    sensor: {sensor}\n")
        for k, v in limits:
            w(f"    {k}: {v}\n")
        if repeat:
            w(f"    repeat: {{every_h: {repeat[0]:g}, count: {repeat[1]}, window_h: {repeat[2]:g}}}\n")
        if urgent:
            w("    urgent: true\n")


if __name__ == "__main__":
    main()
