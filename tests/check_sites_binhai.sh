#!/usr/bin/env bash
# check_sites_binhai.sh: `plancheck sites` on the Binhai default plan gives the verdicts and measurements the
# plan's builder intended and measured independently (layers/binhai/README.md, "Sites: intended verdicts").
#   bash tests/check_sites_binhai.sh PLANCHECK WORKDIR
set -uo pipefail
pc=${1:?plancheck binary}
work=${2:?work folder}
rm -rf "$work" && mkdir -p "$work" || exit 1
plan="$(dirname "$0")/../layers/binhai/binhai.gpkg"
"$pc" sites "$plan" --json --quiet > "$work/sites.json"
rc=$?
"$pc" sites "$plan" --quiet > "$work/sites.txt"
/usr/bin/python3 - "$work/sites.json" "$rc" "$work/sites.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
text = open(sys.argv[3], encoding="utf-8").read()
by = {s["name"]: s for s in d["sites"]}

def kind(site, k, key="hectares"):
    if key == "distance_m":
        return by[site]["distances_m"][k]
    return by[site]["involved"].get(k, {}).get(key, 0)

# (what, obtained, expected, tolerance): the builder's numbers are given to 0.01 ha and 1 m.
checks = [
    ("exit code (a site fails)", rc, 3, 0),
    ("crs", d["crs"], "EPSG:4548", None),
    ("coastline turned around", d["coastline"]["reversed"], 0, 0),
    ("sites", d["total"]["sites"], 12, 0),
    ("pass", d["total"]["pass"], 5, 0),
    ("warn", d["total"]["warn"], 4, 0),
    ("fail", d["total"]["fail"], 3, 0),
]
intended = {
    "Logistics park in the green barrier": "fail", "Business park on the tier 2 edge": "warn",
    "Depot next to the Eco-city wetland": "pass", "Riverside housing on the Hai River": "warn",
    "Reclamation plot in Bohai Bay": "fail", "Seaside hotel at Hangu beach": "warn",
    "Container yard extension at the port": "pass", "Gas pipeline across Beidagang": "warn",
    "Chemical plant at Beidagang": "fail", "Primary school site, Xinbei": "pass",
    "Community clinic, Hangu": "pass", "Housing estate, Dagang": "pass",
}
for name, verdict in intended.items():
    checks.append((f"verdict of {name}", by[name]["verdict"], verdict, None))
checks += [
    ("logistics park in barrier tier 1, ha", kind("Logistics park in the green barrier", "barrier_tier1"), 27.00, 0.006),
    ("logistics park share", by["Logistics park in the green barrier"]["involved"]["barrier_tier1"]["share"], 1.0, 1e-6),
    ("business park over tier 2, ha", kind("Business park on the tier 2 edge", "barrier_tier2"), 7.92, 0.006),
    ("depot touches the Eco-city wetland red line, m",
     kind("Depot next to the Eco-city wetland", "ecological_redline", "distance_m"), 0, 0),
    ("depot overlap, ha", kind("Depot next to the Eco-city wetland", "ecological_redline"), 0, 0),
    ("riverside housing in the Hai River corridor, ha", kind("Riverside housing on the Hai River", "river_corridor"), 3.23, 0.006),
    ("reclamation plot seaward", by["Reclamation plot in Bohai Bay"]["seaward"], True, None),
    ("reclamation plot seaward, ha", by["Reclamation plot in Bohai Bay"]["seaward_hectares"], 48.0, 0.006),
    ("reclamation plot off the coast, km", by["Reclamation plot in Bohai Bay"]["coast_distance_m"] / 1000, 1.9, 0.05),
    ("hotel to the coastline, m", by["Seaside hotel at Hangu beach"]["coast_distance_m"], 153, 0.5),
    ("hotel in the setback", by["Seaside hotel at Hangu beach"]["in_setback"], True, None),
    ("container yard to the coastline, m", by["Container yard extension at the port"]["coast_distance_m"], 108, 0.5),
    ("pipeline in the ecological red line, ha", kind("Gas pipeline across Beidagang", "ecological_redline"), 16.90, 0.006),
    ("pipeline in the wetland, ha", kind("Gas pipeline across Beidagang", "wetland"), 19.47, 0.006),
    ("chemical plant in the ecological red line, ha", kind("Chemical plant at Beidagang", "ecological_redline"), 17.07, 0.006),
    ("chemical plant in the wetland, ha", kind("Chemical plant at Beidagang", "wetland"), 44.83, 0.006),
    ("report line", "涉及绿色生态屏障一级管控区 27.00 公顷 (100.0%) - fail" in text, True, None),
    ("report line", "不涉及生态保护红线 (边界相接)" in text, True, None),
]
bad = 0
for name, got, want, tol in checks:
    ok = got == want if tol is None or not isinstance(got, (int, float)) else abs(got - want) <= tol
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got!r} (want {want!r}{'' if not tol else f' +- {tol}'})")
print(f"{len(checks) - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
