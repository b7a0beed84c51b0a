#!/usr/bin/env bash
# check_binhai_green.sh: park green space on the embedded Binhai default plan against the builder's own union;
# network mode (walking along the streets) never covers more than radius mode, unit by unit.
#   bash tests/check_binhai_green.sh PLANCHECK WORKDIR
set -euo pipefail
pc=$1
work=$2
plan="$(dirname "$0")/../layers/binhai/binhai.gpkg"
mkdir -p "$work"
rm -f "$work/green.gpkg" "$work/green_network.gpkg"
json=$("$pc" green "$plan" --json --quiet -o "$work/green.gpkg")
layers=$(ogrinfo -q "$work/green.gpkg" 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
net_json=$("$pc" green "$plan" --json --quiet --mode network -o "$work/green_network.gpkg")
net_layers=$(ogrinfo -q "$work/green_network.gpkg" 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
/usr/bin/python3 - "$json" "$layers" "$plan" "$net_json" "$net_layers" "$work/green_network.gpkg" <<'PY'
import json, sys
from osgeo import ogr
d = json.loads(sys.argv[1])
layers = sys.argv[2].split()
n = json.loads(sys.argv[4])
net_layers = sys.argv[5].split()
t = d["total"]
# Oracles: layers/binhai/README.md (the build script's own union, computed independently in Python):
# union 26,461,670 m2 = 12.80 m2 per person of 2,067,318; class sums G11 12.67 km2, G12 7.98 km2, G14 1.90 km2
# (G13 parks partly overlap G11 parks, 0.15 km2 in all, which count once, under G11).

# Independent oracle for the service coverage: OGR distances from each resident point to every park polygon
# in reach (parks >= 5000 m2 serve 500 m, 2000-5000 m2 serve 300 m), found through a 500 m grid.
def covered_pop(path):
    ds = ogr.Open(path)
    parks, cell, grid = [], 500.0, {}
    for f in ds.GetLayerByName("parks"):
        g = f.GetGeometryRef().Clone()
        r = 500 if g.GetArea() >= 5000 else 300 if g.GetArea() >= 2000 else 0
        if r:
            parks.append((g, r, g.GetEnvelope()))
    for i, (g, r, e) in enumerate(parks):
        for cx in range(int((e[0] - r) // cell), int((e[1] + r) // cell) + 1):
            for cy in range(int((e[2] - r) // cell), int((e[3] + r) // cell) + 1):
                grid.setdefault((cx, cy), []).append(i)
    covered = 0
    for f in ds.GetLayerByName("residents"):
        pt = f.GetGeometryRef()
        x, y = pt.GetX(), pt.GetY()
        if any(parks[i][0].Distance(pt) <= parks[i][1] for i in grid.get((int(x // cell), int(y // cell)), [])):
            covered += f.GetField("pop")
    return covered

checks = [
    ("covered population (OGR distances)", t["pop_covered"], covered_pop(sys.argv[3]), 0),
    ("crs", d["crs"], "EPSG:4548", 0),
    ("units", len(d["units"]), 9, 0),
    ("subdistricts", len(d["subdistricts"]), 21, 0),
    ("total population", t["pop"], 2067318, 0),
    ("total park m2 (builder's union)", t["park_m2"], 26461670, 2),
    ("total m2 per person (plan 2020: 12.8)", t["park_m2_per_person"], 12.80, 0.005),
    ("sum of unit park m2", round(sum(u["park_m2"] for u in d["units"])), 26461670, 2),
    ("G11 km2", round(t["park_class_m2"]["G11"] / 1e6, 2), 12.67, 0),
    ("G12 km2", round(t["park_class_m2"]["G12"] / 1e6, 2), 7.98, 0),
    ("G14 km2", round(t["park_class_m2"]["G14"] / 1e6, 2), 1.90, 0),
    ("plan target verdict (12.80 < 13)", t["verdicts"]["target_park_m2_per_person"], "fail", 0),
    ("GB per-person verdict (12.80 > 8)", t["verdicts"]["gb_park_m2_per_person"], "pass", 0),
    ("zero-population towns have null ratios",
     sorted(s["name"] for s in d["subdistricts"] if s["pop"] == 0 and s["park_m2_per_person"] is None),
     ["Haibin", "Taiping town", "Yangjiabo town"], 0),
    ("coverage is a share", 0 <= t["park_service_cov"] <= 1, True, 0),
    ("output layers", [l for l in ("green_units", "green_subdistricts", "park_service_areas",
                                   "park_uncovered_residents") if l in layers],
     ["green_units", "green_subdistricts", "park_service_areas", "park_uncovered_residents"], 0),
]

# Network mode: every access point lies on a park's edge and no walk is shorter than the straight line, so
# no unit, subdistrict or total may have more people (or more area) covered than in radius mode.
def rows(doc):
    return [("unit " + u["name"], u) for u in doc["units"]] + \
           [("subdistrict " + u["name"], u) for u in doc["subdistricts"]] + [("total", doc["total"])]
over_pop = [name for (name, a), (_, b) in zip(rows(d), rows(n)) if b["pop_covered"] > a["pop_covered"]]
over_area = [name for (name, a), (_, b) in zip(rows(d), rows(n)) if b["res_covered_m2"] > a["res_covered_m2"] + 1e-3]
nt = n["total"]
net_ds = ogr.Open(sys.argv[6])  # kept in a variable: a layer outlives its dataset only while the dataset is referenced
checks += [
    ("network: mode", n["mode"], "network", 0),
    ("network: same units and population", [(u["name"], u["pop"]) for u in n["units"]],
     [(u["name"], u["pop"]) for u in d["units"]], 0),
    ("network: same park area", nt["park_m2"], t["park_m2"], 0),
    ("network: rows covering more people than radius mode", over_pop, [], 0),
    ("network: rows covering more area than radius mode", over_area, [], 0),
    ("network: strictly below radius in total (streets are not straight lines)",
     nt["pop_covered"] < t["pop_covered"], True, 0),
    ("network: uncovered residents = rows of park_uncovered_residents",
     net_ds.GetLayerByName("park_uncovered_residents").GetFeatureCount(), nt["uncovered_residents"], 0),
    ("network: output layers", [l for l in ("green_units", "park_service_areas", "park_uncovered_residents",
                                            "park_access_points") if l in net_layers],
     ["green_units", "park_service_areas", "park_uncovered_residents", "park_access_points"], 0),
    ("network: every serving park has access", n["network"]["parks_unreached"], 0, 0),
]
bad = 0
for name, got, want, tol in checks:
    ok = abs(got - want) <= tol if isinstance(want, (int, float)) and not isinstance(want, bool) else got == want
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got!r} (want {want!r}{f' +- {tol}' if tol else ''})")
print(f"total park service coverage {t['park_service_cov']:.3f} of residents, {t['park_service_cov_area']:.3f} of "
      f"the {d['area_basis']} area")
print(f"network mode: park service coverage {nt['park_service_cov']:.3f} of residents "
      f"({nt['pop_covered']:.0f} of {nt['pop']:.0f}), {nt['park_service_cov_area']:.3f} of the {n['area_basis']} area; "
      f"{n['network']['access_points']} access points ({n['network']['access_points_street']} street crossings), "
      f"{nt['unreachable_residents']} residents farther than {n['network']['max_access_m']} m from a street")
for (name, a), (_, b) in zip(rows(d), rows(n)):
    if name.startswith("unit") or name == "total":
        print(f"  {name:40s} radius {a['park_service_cov']:.3f}  network {b['park_service_cov']:.3f}")
print(f"{len(checks) - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
