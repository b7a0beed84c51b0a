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
echo "== plancheck green $plan"
build/plancheck green "$plan"
