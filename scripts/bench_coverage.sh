#!/usr/bin/env bash
# bench_coverage.sh: time and peak memory of `plancheck coverage` on synthetic cities of growing size.
#
#   scripts/bench_coverage.sh [--sizes "100000 1000000"] [--output-max N] [--dir DIR] [--runs N]
#
# Builds a Release binary in build-release/ (or uses $PLANCHECK), generates each city once with
# scripts/gen_city.py --segments N (cached in DIR, default /tmp/plancheck-bench), then runs
#   network   plancheck coverage CITY --json          (the default analysis)
#   radius    plancheck coverage CITY --json --mode radius
#   network-o plancheck coverage CITY -o OUT.gpkg      (only for cities up to --output-max segments,
#                                                       default 100000: exact GEOS polygons are slow)
# under /usr/bin/time -v and prints wall time and peak resident memory; with --runs N the best of N.
# The Binhai default plan is measured too when layers/binhai/binhai.gpkg exists.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="100000 1000000"
output_max=100000
dir=/tmp/plancheck-bench
runs=1
while (($#)); do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --output-max) output_max="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_coverage.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ -x /usr/bin/time ]] || { echo "bench_coverage.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
mkdir -p "$dir"

plancheck=${PLANCHECK:-}
if [[ -z "$plancheck" ]]; then
    cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build-release -j2 --target plancheck >/dev/null
    plancheck=build-release/plancheck
fi

# measure NAME SEGMENTS PLAN ARGS...: best wall time and its peak memory over $runs runs.
results=()
measure() {
    local name=$1 segments=$2 plan=$3
    shift 3
    local best_s="" best_kb="" cov15="-"
    for ((r = 0; r < runs; r++)); do
        local log="$dir/time.log" out="$dir/stdout.json"
        if ! /usr/bin/time -v "$plancheck" coverage "$plan" --quiet "$@" >"$out" 2>"$log"; then
            echo "bench_coverage.sh: plancheck failed on $plan $*:" >&2
            tail -5 "$log" >&2
            exit 1
        fi
        local wall kb
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$log")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        if [[ -z "$best_s" ]] || awk -v a="$wall" -v b="$best_s" 'BEGIN {exit !(a < b)}'; then
            best_s=$wall
            best_kb=$kb
        fi
        if [[ "$*" == *--json* ]]; then
            cov15=$(/usr/bin/python3 -c 'import json,sys; print("%.1f%%" % (100 * json.load(open(sys.argv[1]))["total"]["cov15_pop"]))' "$out")
        fi
    done
    results+=("$(printf '%-10s %-10s %-18s %9.2f %9.0f %8s' "$segments" "$name" "$(basename "$plan")" "$best_s" \
        "$((best_kb / 1024))" "$cov15")")
}

counts() { # streets residents facilities of a GeoPackage
    local plan=$1 l out=""
    for l in streets residents facilities; do
        out+="$(ogrinfo -ro -so "$plan" "$l" 2>/dev/null | awk -F': ' '/Feature Count/ {print $2}') "
    done
    echo "$out"
}

declare -A sizes_info
if [[ -f layers/binhai/binhai.gpkg ]]; then
    sizes_info[binhai]="$(counts layers/binhai/binhai.gpkg)"
    measure network binhai layers/binhai/binhai.gpkg --json
    measure radius binhai layers/binhai/binhai.gpkg --json --mode radius
    measure network-o binhai layers/binhai/binhai.gpkg -o "$dir/binhai-out.gpkg"
fi
for n in $sizes; do
    city="$dir/city_$n.gpkg"
    if [[ ! -f "$city" ]]; then
        echo "bench_coverage.sh: generating $city (gen_city.py --segments $n)" >&2
        /usr/bin/time -f "  generated in %e s" /usr/bin/python3 scripts/gen_city.py --segments "$n" -o "$city" --quiet >/dev/null
    fi
    sizes_info[$n]="$(counts "$city")"
    measure network "$n" "$city" --json
    measure radius "$n" "$city" --json --mode radius
    if ((n <= output_max)); then
        measure network-o "$n" "$city" -o "$dir/city_$n-out.gpkg"
    fi
done

echo
echo "plancheck coverage benchmark ($("$plancheck" --version | head -1); $(nproc) cores; best of $runs)"
for k in "${!sizes_info[@]}"; do
    read -r st re fa <<<"${sizes_info[$k]}"
    printf '  %-8s streets %9s  residents %8s  facilities %8s\n' "$k" "$st" "$re" "$fa"
done | sort -k1,1n
echo
printf '%-10s %-10s %-18s %9s %9s %8s\n' "size" "run" "plan" "wall s" "peak MB" "cov15"
printf '%s\n' "${results[@]}"
