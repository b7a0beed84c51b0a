#!/usr/bin/env bash
# check_suggest_binhai.sh: proposals on the Binhai default plan are what coverage --add then measures.
#   bash tests/check_suggest_binhai.sh PLANCHECK WORKDIR
#
# 1. suggest 50 kindergartens (timed), write them with -o, rerun coverage with --add of that layer: the
#    category's and the 5-minute level's coverage, in total and per unit and subdistrict, are exactly
#    what the suggestion reported (JSON numbers compared with /usr/bin/python3);
# 2. each pick's gain independently: coverage --add of the first pick alone, and of the first ten, adds
#    exactly the population the suggestion reported after pick 1 and pick 10;
# 3. --level 10 (three categories, 20 each) the same way;
# 4. --respect-redlines with candidates on a 250 m grid (some inside red lines): no proposed site lies inside
#    a red line of a forbidden kind (tested with OGR on the plan's red lines), and `plancheck sites` finds no
#    forbidden-red-line failure among them.
set -euo pipefail
pc=$1
work=$2
plan="$(dirname "$0")/../layers/binhai/binhai.gpkg"
if [[ ! -f "$plan" ]]; then
    echo "check_suggest_binhai.sh: $plan is missing (build it with scripts/build_binhai_plan.py)" >&2
    exit 1
fi
rm -rf "$work" && mkdir -p "$work"

start=$(date +%s.%N)
"$pc" suggest "$plan" --category kindergarten --count 50 -o "$work/kg.gpkg" --json --quiet > "$work/kg.json"
end=$(date +%s.%N)
"$pc" coverage "$plan" --add "$work/kg.gpkg|layername=suggested_sites" --json --quiet > "$work/kg_cov.json"
ogr2ogr -f GPKG "$work/kg_first.gpkg" "$work/kg.gpkg" suggested_sites -where "rank = 1"
ogr2ogr -f GPKG "$work/kg_ten.gpkg" "$work/kg.gpkg" suggested_sites -where "rank <= 10"
"$pc" coverage "$plan" --add "$work/kg_first.gpkg" --json --quiet > "$work/kg_first.json"
"$pc" coverage "$plan" --add "$work/kg_ten.gpkg" --json --quiet > "$work/kg_ten.json"

"$pc" suggest "$plan" --level 10 --count 20 -o "$work/l10.gpkg" --json --quiet > "$work/l10.json"
"$pc" coverage "$plan" --add "$work/l10.gpkg|layername=suggested_sites" --json --quiet > "$work/l10_cov.json"

# Candidates on a 250 m grid over the residents' extent: some fall inside red lines (the street nodes of the
# built-up area do not).
/usr/bin/python3 - "$plan" "$work/grid.gpkg" <<'PY'
import sys
from osgeo import ogr, osr
ogr.UseExceptions()
plan = ogr.Open(sys.argv[1])  # kept open: a layer dies with its dataset
x0, x1, y0, y1 = plan.GetLayerByName("residents").GetExtent()
ds = ogr.GetDriverByName("GPKG").CreateDataSource(sys.argv[2])
srs = osr.SpatialReference()
srs.ImportFromEPSG(4548)
layer = ds.CreateLayer("candidates", srs, ogr.wkbPoint)
layer.CreateField(ogr.FieldDefn("name", ogr.OFTString))
ds.StartTransaction()
y, n = y0, 0
while y <= y1:
    x = x0
    while x <= x1:
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("name", f"grid {n}")
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(x, y)
        f.SetGeometry(g)
        layer.CreateFeature(f)
        x, n = x + 250, n + 1
    y += 250
ds.CommitTransaction()
layer = None
ds = None
PY
"$pc" suggest "$plan" --level 5 --count 30 --candidates "$work/grid.gpkg" --respect-redlines -o "$work/red.gpkg" \
    --json --quiet > "$work/red.json"
rc=0
"$pc" sites "$plan" --sites "$work/red.gpkg|layername=suggested_sites" --json --quiet > "$work/red_sites.json" || rc=$?
if ((rc != 0 && rc != 3)); then
    echo "check_suggest_binhai.sh: plancheck sites failed ($rc)" >&2
    exit 1
fi

/usr/bin/python3 - "$work" "$plan" "$start" "$end" <<'PY'
import json, sys
from osgeo import ogr
ogr.UseExceptions()
work, plan = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{work}/{name}"))
bad = 0
passed = 0

def check(name, ok, detail=""):
    global bad, passed
    bad += not ok
    passed += bool(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + str(detail) if detail != '' else ''}")

def same_rows(label, sug, cov, keys):
    """Every key of the suggestion's rows equals coverage --add's, for units, subdistricts and the total."""
    diffs = []
    for rows in ("units", "subdistricts"):
        if len(sug[rows]) != len(cov[rows]):
            diffs.append(f"{rows}: {len(sug[rows])} rows against {len(cov[rows])}")
            continue
        for a, b in zip(sug[rows], cov[rows]):
            for k in keys:
                if a["name"] != b["name"] or a.get(k) != b.get(k):
                    diffs.append(f"{a['name']} {k}: {a.get(k)} != {b.get(k)}")
    for k in keys:
        if sug["total"].get(k) != cov["total"].get(k):
            diffs.append(f"Total {k}: {sug['total'].get(k)} != {cov['total'].get(k)}")
    n = (len(sug["units"]) + len(sug["subdistricts"]) + 1) * len(keys)
    check(f"{label}: {n} numbers equal coverage --add's", not diffs, "; ".join(diffs[:6]) or "all equal")

# 1. Kindergartens.
kg, kg_cov = load("kg.json"), load("kg_cov.json")
sites = kg["sites"]
check("50 kindergartens proposed", len(sites) == 50 and kg["stop"] == "count", f"{len(sites)}, stop {kg['stop']}")
keys = ["pop", "cov_kindergarten", "cov_kindergarten_before", "pop_gained_kindergarten",
        "cov5_pop", "pop_cov5", "cov5_pop_before", "pop_cov5_before", "pop_gained5"]
same_rows("kindergarten", kg, kg_cov, keys)
last = sites[-1]
check("last pick's cumulative kindergarten coverage = coverage --add",
      last["cov_category"] == kg_cov["total"]["cov_kindergarten"],
      f"{last['cov_category']} vs {kg_cov['total']['cov_kindergarten']}")
check("population the 50 add = coverage --add's gain",
      last["pop_category"] - kg["categories"][0]["pop_before"] == kg_cov["total"]["pop_gained_kindergarten"],
      f"{last['pop_category'] - kg['categories'][0]['pop_before']} vs {kg_cov['total']['pop_gained_kindergarten']}")
check("last pick's 5-minute level population = coverage --add pop_cov5",
      last["pop_level"] == kg_cov["total"]["pop_cov5"], f"{last['pop_level']} vs {kg_cov['total']['pop_cov5']}")
cat = [c for c in kg_cov["categories"] if c["code"] == "kindergarten"][0]
check("coverage --add used all 50 (each near a street)", cat["facilities_added"] == 50, cat["facilities_added"])
gains = [s["gain_pop"] for s in sites]
check("gains never grow (greedy on a submodular objective)", all(a >= b for a, b in zip(gains, gains[1:])), gains[:5])
before = kg["categories"][0]["pop_before"]
check("cumulative = before + the gains so far", all(abs(s["pop_category"] - before - sum(gains[:k + 1])) < 1e-6
                                                   for k, s in enumerate(sites)), f"before {before}")
first, ten = load("kg_first.json"), load("kg_ten.json")
check("pick 1 alone adds its gain", first["total"]["pop_gained_kindergarten"] == sites[0]["gain_pop"],
      f"{first['total']['pop_gained_kindergarten']} vs {sites[0]['gain_pop']}")
check("picks 1..10 add what the suggestion reported after pick 10",
      ten["total"]["cov_kindergarten"] == sites[9]["cov_category"] and
      ten["total"]["pop_cov5"] == sites[9]["pop_level"],
      f"{ten['total']['cov_kindergarten']} vs {sites[9]['cov_category']}")

# 2. The 10-minute level.
l10, l10_cov = load("l10.json"), load("l10_cov.json")
codes = [c["code"] for c in l10["categories"]]
check("level 10: its three categories", codes == ["primary_school", "market", "sports_mid"], codes)
keys = ["pop", "cov10_pop", "pop_cov10", "cov10_pop_before", "pop_gained10"]
for c in codes:
    keys += [f"cov_{c}", f"cov_{c}_before", f"pop_gained_{c}"]
same_rows("level 10", l10, l10_cov, keys)
order = [s["gain_pop"] for s in l10["sites"]]
check("level 10: picks ordered by people gained per facility", all(a >= b for a, b in zip(order, order[1:])), order[:6])
per_cat = {c: sum(1 for s in l10["sites"] if s["category"] == c) for c in codes}
check("level 10: at most 20 per category", all(v <= 20 for v in per_cat.values()), per_cat)
check("level 10: last pick's level coverage = coverage --add",
      l10["sites"][-1]["cov_level"] == l10_cov["total"]["cov10_pop"],
      f"{l10['sites'][-1]['cov_level']} vs {l10_cov['total']['cov10_pop']}")

# 3. Red lines: the forbidden kinds of the default profile, tested with OGR (interior, as `sites` does).
red = load("red.json")
forbid = {"ecological_redline", "barrier_tier1", "marine_redline", "basic_farmland"}
ds = ogr.Open(plan)
polys = [(f.GetField("kind"), f.GetGeometryRef().Clone()) for f in ds.GetLayerByName("redlines")
         if f.GetField("kind") in forbid]
inside = []
out = ogr.Open(f"{work}/red.gpkg")
for f in out.GetLayerByName("suggested_sites"):
    g = f.GetGeometryRef()
    for kind, p in polys:
        if p.Contains(g) and not p.Boundary().Intersects(g):
            inside.append((f.GetField("rank"), kind))
check("--respect-redlines: no site inside a forbidden red line (OGR)", not inside and len(red["sites"]) > 0,
      f"{len(red['sites'])} sites, {red['candidates']['forbidden']} candidates excluded, inside: {inside[:5]}")
check("--respect-redlines: grid candidates inside forbidden red lines were excluded",
      red["candidates"]["forbidden"] > 0,
      red["candidates"]["forbidden_by_kind"])
checked = load("red_sites.json")
fails = [(s.get("name"), r["kind"]) for s in checked["sites"] for r in s["rules"]
         if r["effect"] == "fail" and r["kind"] in forbid]
check("plancheck sites: no forbidden-red-line failure among them",
      not fails and len(checked["sites"]) == len(red["sites"]),
      f"{len(checked['sites'])} checked, {fails[:5]}")

wall = float(sys.argv[4]) - float(sys.argv[3])
check("50 kindergartens in seconds", wall < 20, f"{wall:.2f} s wall (timing in JSON: {kg['timing']})")
print(f"{passed} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
