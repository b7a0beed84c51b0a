#!/usr/bin/env bash
# demo.sh: install what is missing, build, and run plancheck on the embedded Binhai default plan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
plan=layers/binhai/binhai.gpkg
echo
echo "== plancheck info $plan"
build/plancheck info "$plan"

echo
echo "== plancheck coverage $plan -o build/demo/coverage.gpkg"
mkdir -p build/demo
build/plancheck coverage "$plan" -o build/demo/coverage.gpkg

echo
echo "== plancheck sites $plan -o build/demo/sites.gpkg   (exit 3 means a site fails, as some sample sites should)"
mkdir -p build/demo
rc=0
build/plancheck sites "$plan" -o build/demo/sites.gpkg || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"

echo
echo "== plancheck green $plan -o build/demo/green.gpkg"
build/plancheck green "$plan" -o build/demo/green.gpkg

echo
echo "== plancheck report $plan -o out/binhai   (every analysis: HTML report, QGIS project, styled GeoPackage)"
build/plancheck report "$plan" -o out/binhai
