#!/usr/bin/env bash
# bench_sites.sh: time and peak memory of `plancheck sites` for many random sites against the Binhai red lines.
#
#   scripts/bench_sites.sh [N] [PLAN]        N sites (default 100000), PLAN (default layers/binhai/binhai.gpkg)
#
# Makes N random sites inside the plan's boundary extent (seeded, so runs compare): squares of 50-300 m as
# polygons, and the same centres as points. Builds an optimised binary in build-release/ unless PLANCHECK
# names one. Prints a table of wall time, CPU time and peak resident memory from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
plan=${2:-layers/binhai/binhai.gpkg}
work=${BENCH_DIR:-build-release/bench}
mkdir -p "$work"

if [ -z "${PLANCHECK:-}" ]; then
    cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build build-release -j2 --target plancheck > /dev/null
    PLANCHECK=build-release/plancheck
fi
[ -x /usr/bin/time ] || { echo "bench_sites.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

polys="$work/sites_$n.gpkg"
if [ ! -s "$polys" ]; then
    echo "generating $n random sites in $polys ..." >&2
    rm -f "$polys.part.gpkg"
    /usr/bin/python3 - "$plan" "$polys.part.gpkg" "$n" <<'PY'
import random, sys
from osgeo import ogr, osr
ogr.UseExceptions()
plan, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
src = ogr.Open(plan)
b = src.GetLayerByName("boundary")
minx, maxx, miny, maxy = b.GetExtent()
srs = b.GetSpatialRef()
rng = random.Random(20201101)
drv = ogr.GetDriverByName("GPKG")
ds = drv.CreateDataSource(out)
layers = {}
for name, gtype in (("polygons", ogr.wkbPolygon), ("points", ogr.wkbPoint)):
    lyr = ds.CreateLayer(name, srs, gtype)
    for field in ("name", "use"):
        lyr.CreateField(ogr.FieldDefn(field, ogr.OFTString))
    layers[name] = lyr
uses = ["residential", "industrial", "school", "port", "road", "commercial"]
ds.StartTransaction()
defn_poly, defn_pt = layers["polygons"].GetLayerDefn(), layers["points"].GetLayerDefn()
for i in range(n):
    x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
    h = rng.uniform(50, 300) / 2
    use = rng.choice(uses)
    f = ogr.Feature(defn_poly)
    f.SetField("name", f"site {i}")
    f.SetField("use", use)
    f.SetGeometry(ogr.CreateGeometryFromWkt(
        f"POLYGON(({x-h} {y-h},{x+h} {y-h},{x+h} {y+h},{x-h} {y+h},{x-h} {y-h}))"))
    layers["polygons"].CreateFeature(f)
    p = ogr.Feature(defn_pt)
    p.SetField("name", f"site {i}")
    p.SetField("use", use)
    p.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({x} {y})"))
    layers["points"].CreateFeature(p)
ds.CommitTransaction()
ds = None
PY
    mv "$polys.part.gpkg" "$polys"
fi

# run LABEL ARGS...: one timed run; prints a table row.
run() {
    local label=$1
    shift
    local log="$work/time.log" rc=0
    /usr/bin/time -v "$PLANCHECK" sites "$plan" --quiet "$@" > "$work/out.txt" 2> "$log" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "bench_sites.sh: '$label' exited $rc:" >&2
        cat "$log" >&2
        exit 1
    fi
    local wall user sys rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
    printf "| %-42s | %9s | %8s | %7s | %13s | %4s |\n" "$label" "$wall" "$user" "$sys" "$rss" "$rc"
}

echo
echo "plancheck sites: $n random sites against $plan ($("$PLANCHECK" --version | head -1))"
echo
printf "| %-42s | %9s | %8s | %7s | %13s | %4s |\n" "case" "wall" "user s" "sys s" "peak RSS MB" "exit"
printf "|%s|%s|%s|%s|%s|%s|\n" "--------------------------------------------" "-----------" "----------" "---------" "---------------" "------"
run "plan's 12 sites (baseline: load + index)"
run "$n polygons, --json > /dev/null" --sites "$polys|layername=polygons" --json
run "$n polygons, report > /dev/null" --sites "$polys|layername=polygons"
run "$n polygons, -o GeoPackage + report" --sites "$polys|layername=polygons" -o "$work/out.gpkg"
run "$n points, --json" --sites "$polys|layername=points" --json
run "$n points, --point-radius 100, --json" --sites "$polys|layername=points" --point-radius 100 --json
echo
"$PLANCHECK" sites "$plan" --quiet --sites "$polys|layername=polygons" --json |
    /usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print("verdicts of the polygons:", t)'
