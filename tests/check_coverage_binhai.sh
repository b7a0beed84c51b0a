#!/usr/bin/env bash
# check_coverage_binhai.sh: coverage of the Binhai default plan against the builder's deliberate gaps,
# radius >= network everywhere (a straight line is never longer than a walk), and the -o layers.
#   bash tests/check_coverage_binhai.sh PLANCHECK WORKDIR
set -euo pipefail
pc=$1
work=$2
plan="$(dirname "$0")/../layers/binhai/binhai.gpkg"
rm -rf "$work" && mkdir -p "$work"
start=$(date +%s.%N)
"$pc" coverage "$plan" --json > "$work/network.json"
end=$(date +%s.%N)
"$pc" coverage "$plan" --json --mode radius > "$work/radius.json"
"$pc" coverage "$plan" --quiet -o "$work/coverage.gpkg" > /dev/null
n_residents=$(ogrinfo -ro -so "$plan" residents | awk -F': ' '/Feature Count/ {print $2}')
layers=$(for l in coverage_units coverage_subdistricts coverage_residents service_areas coverage_gaps; do
    printf '%s=%s ' "$l" "$(ogrinfo -ro -so "$work/coverage.gpkg" "$l" | awk -F': ' '/Feature Count/ {print $2}')"
done)
srs=$(ogrinfo -ro -so "$work/coverage.gpkg" coverage_units | grep -c 'ID\["EPSG",4548\]' || true)
/usr/bin/python3 - "$work/network.json" "$work/radius.json" "$layers" "$n_residents" "$srs" "$start" "$end" <<'PY'
import json, sys
net = json.load(open(sys.argv[1]))
rad = json.load(open(sys.argv[2]))
layers = dict(kv.split('=') for kv in sys.argv[3].split())
n_residents = int(sys.argv[4])
units = {u["name"]: u for u in net["units"]}
checks = [
    ("crs", net["crs"], "EPSG:4548"),
    ("mode", net["mode"], "network"),
    ("nine units", len(net["units"]), 9),
    ("total population (7th census)", net["total"]["pop"], 2067318),
    # The builder left Nangang without a middle school: nobody there is covered at 15 minutes.
    ("Nangang middle_school", units["Nangang"]["cov_middle_school"], 0),
    ("Nangang 15-minute coverage", units["Nangang"]["cov15_pop"], 0),
    ("every category has a facility", net["categories_without_facility"], []),
    ("output coverage_units", layers.get("coverage_units"), "9"),
    ("output coverage_subdistricts", layers.get("coverage_subdistricts"), "21"),
    ("output coverage_residents", layers.get("coverage_residents"), str(n_residents)),
    ("output service_areas (15 categories + 3 levels)", layers.get("service_areas"), "18"),
    ("output CRS", sys.argv[5], "1"),
]
bad = 0
for name, got, want in checks:
    ok = got == want
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got!r} (want {want!r})")

def check(name, ok, detail):
    global bad
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")

gaps = [g for g in net["gaps"]["largest"]]
g15 = [g for g in gaps if g["level_min"] == 15 and g["unit"] == "Nangang"]
check("a Nangang 15-minute gap lacking middle_school", bool(g15) and max(g15[0]["missing_pop"], key=g15[0]["missing_pop"].get) == "middle_school",
      g15[0]["missing_pop"] if g15 else "none")
# Dagang's south was left short of elderly day care: its largest 5-minute gap lacks it most.
g5 = [g for g in gaps if g["level_min"] == 5 and g["unit"] == "Dagang"]
check("a Dagang 5-minute gap lacking elderly_daycare most", bool(g5) and max(g5[0]["missing_pop"], key=g5[0]["missing_pop"].get) == "elderly_daycare",
      g5[0]["missing_pop"] if g5 else "none")
others = [u for n, u in units.items() if n != "Nangang"]
check("other units non-trivial at 15 minutes (50% .. 99.9%)", all(0.5 < u["cov15_pop"] < 0.999 for u in others),
      ", ".join("%s %.3f" % (u["name"], u["cov15_pop"]) for u in others))
check("coverage_gaps written", int(layers.get("coverage_gaps", 0)) > 0, layers.get("coverage_gaps"))
# A straight line is never longer than a walk with access legs: radius coverage >= network coverage
# of residents (not of built-up area: a street buffer may reach past a facility's circle).
worse = []
for rows in ("units", "subdistricts"):
    for a, b in zip(net[rows], rad[rows]):
        for k, v in a.items():
            if (k.startswith("cov_") or k in ("cov15_pop", "cov10_pop", "cov5_pop")) and v is not None:
                if b[k] is None or b[k] < v - 1e-9:
                    worse.append(f"{a['name']} {k} {v} > {b[k]}")
check("radius >= network for every unit, subdistrict, level and category", not worse, "; ".join(worse[:5]) or "all")
wall = float(sys.argv[7]) - float(sys.argv[6])
print(f"info network run took {wall:.2f} s (target < 2 s on this 2-core machine)")
print(f"{len(checks) + 5 - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
