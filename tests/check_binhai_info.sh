#!/usr/bin/env bash
# check_binhai_info.sh: the embedded Binhai default plan: CRS, the nine units of 一主两副六组团, census population.
#   bash tests/check_binhai_info.sh PLANCHECK WORKDIR
set -euo pipefail
pc=$1
plan="$(dirname "$0")/../layers/binhai/binhai.gpkg"
json=$("$pc" info "$plan" --json)
/usr/bin/python3 - "$json" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
checks = [
    ("crs", d["crs"], "EPSG:4548"),
    ("units", d["total"]["units"], 9),
    ("main units", d["total"]["main"], 1),
    ("sub units", d["total"]["sub"], 2),
    ("cluster units", d["total"]["cluster"], 6),
    # 7th census (2020-11-01) resident population of Binhai New Area
    ("total population", d["total"]["pop"], 2067318),
    ("sum of unit populations", sum(u["pop"] for u in d["units"]), 2067318),
    ("coastline read from", [l["source_crs"] for l in d["layers"] if l["role"] == "coastline"][0], "EPSG:4326"),
]
bad = 0
for name, got, want in checks:
    ok = got == want
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got!r} (want {want!r})")
print(f"{len(checks) - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
