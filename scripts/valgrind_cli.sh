#!/usr/bin/env bash
# valgrind_cli.sh: valgrind memcheck of the plancheck binary itself: each command on a small plan, and some
# failing runs (their error paths free what they made too). No leak, no invalid access.
#   scripts/valgrind_cli.sh PLANCHECK WORKDIR     prints one line per run, then "N passed, N failed"
set -uo pipefail
pc=${1:?plancheck binary}
work=${2:?work folder}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
# shellcheck source=../tests/report_fixture.sh
source "$here/tests/report_fixture.sh"
make_tiny_plan "$work/tiny.gpkg"
printf 'structure = tiny.gpkg\nresidents = tiny.gpkg|layername=structure\n' > wrong.plan
head -c 20000 tiny.gpkg > truncated.gpkg
tiny_layer bow.gpkg parks "$(printf '{"type":"Feature","properties":{"name":"Bow"},"geometry":{"type":"Polygon","coordinates":[[[500000,4318000],[500100,4318100],[500100,4318000],[500000,4318100],[500000,4318000]]]}}')"
printf 'structure = tiny.gpkg\nresidents = tiny.gpkg\nparks = bow.gpkg\n' > bow.plan
printf '[category kindergarten]\ndistance_m = far\n' > bad.ini
pbf=$here/tests/data/osm/beijing_haidian_cau.osm.pbf
pass=0 fail=0

# vg NAME EXIT COMMAND...: memcheck one run, which must exit with EXIT.
vg() {
    local name=$1 code=$2 got
    shift 2
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions="$here/tests/valgrind.supp" "$pc" "$@" >"$work/$name.out" 2>"$work/$name.log"
    got=$?
    if [[ $got -eq $code ]]; then
        echo "ok   valgrind $name (exit $got)"
        pass=$((pass + 1))
    else
        echo "FAIL valgrind $name: exit $got (want $code; 99: memcheck errors), see $work/$name.log"
        grep -A12 -E "definitely lost|Invalid|uninitialised|Mismatched" "$work/$name.log" | head -40
        fail=$((fail + 1))
    fi
}

vg info 0 info tiny.gpkg
vg coverage 0 coverage tiny.gpkg -o coverage.gpkg
vg coverage_radius_json 0 coverage --mode radius --json tiny.gpkg
vg green 0 green tiny.gpkg -o green.gpkg
vg sites 3 sites tiny.gpkg -o sites.gpkg
vg report 0 report tiny.gpkg -o report
vg import_osm 0 import-osm "$pbf" -o osm.gpkg
vg error_truncated_plan 1 info truncated.gpkg
vg error_missing_field 1 coverage wrong.plan -o wrong.gpkg
vg error_bad_profile 1 green --profile bad.ini tiny.gpkg -o green.gpkg
vg error_invalid_polygon 1 green --invalid fail bow.plan -o green.gpkg
vg repaired_polygon 0 green --invalid repair bow.plan
vg error_geographic_crs 1 sites --crs EPSG:4326 tiny.gpkg
vg error_output_folder 1 report tiny.gpkg -o /proc/plancheck-report
vg error_usage 2 coverage --mode walk tiny.gpkg
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
