#!/usr/bin/env bash
# bench.sh: plancheck against NetworkX, pgRouting, GeoPandas and PostGIS on synthetic cities, answers checked first.
#
#   scripts/bench.sh [--quick] [--sizes "10000 100000 1000000 4000000"] [--dir DIR] [--timeout S]
#                    [--timeout-big S] [--only "coverage green sites"] [--out BENCHMARKS.md] [--agreement-only]
#                    [--pgr-starts many|super] [--pgr-many-max N] [--peers-max N] [--keep-server]
#
# For each size N (street segments), scripts/gen_city.py makes one city (cached in DIR, default
# /tmp/plancheck-bench, under a name that changes with the generator) and, side by side on it:
#   coverage  plancheck coverage --json   | NetworkX (scripts/bench_peer_nx.py) | pgRouting (bench_peer_pg.py)
#   green     plancheck green --json      | GeoPandas (bench_peer_gpd.py)     | PostGIS (bench_peer_pg.py)
#   sites     plancheck sites --json      | GeoPandas                          | PostGIS
# each under /usr/bin/time -v (wall time, peak memory; for the database peers the peak of the server backend
# that ran the SQL). scripts/bench_compare.py checks every peer's answers against plancheck's BEFORE its time
# counts: a disagreement is reported (the differences in DIR/logs) and makes bench.sh exit 1. The database
# peers run on a throwaway PostgreSQL server (scripts/lib_pgserver.sh); loading the plan with ogr2ogr is
# timed apart. plancheck's coverage phases come from PLANCHECK_TIMINGS=1; the GDAL read floor is one Arrow
# read of the streets, residents and facilities layers (scripts/bench_report.py floor).
# pgRouting's search starts from one virtual vertex joined to every facility of the category by its access leg
# (--pgr-starts super, the default): pgr_drivingDistance with the array of all facilities (many) keeps every
# start's search until the end (14 GB of server memory at 100k segments), so it runs only up to
# --pgr-many-max segments (default 10000), as an extra row.
# --peers-max N: above N segments only plancheck runs (the peers are recorded as not run).
# Peers are capped at --timeout seconds (default 1800; --timeout-big for sizes >= 2 million, default 900).
# Results go to DIR/results.jsonl; scripts/bench_report.py turns them into --out (default BENCHMARKS.md
# in the repository, not written with --agreement-only or --quick unless --out is given).
#   --quick            sizes "2000 20000 100000", timeouts 300 s: a few minutes
#   --agreement-only   no timing table: the comparisons only, plus each resident's distances (plancheck -o
#                      against NetworkX) at every size; for tests/check_bench_agreement.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
py=/usr/bin/python3

sizes="10000 100000 1000000 4000000"
dir=/tmp/plancheck-bench
timeout_s=1800
timeout_big=900
only="coverage green sites"
out=""
agreement=0
quick=0
pgr_starts=super
pgr_many_max=10000
peers_max=0
keep_server=0
while (($#)); do
    case "$1" in
        --quick) quick=1; sizes="2000 20000 100000"; timeout_s=300; timeout_big=300; shift ;;
        --sizes) sizes="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        --timeout) timeout_s="$2"; shift 2 ;;
        --timeout-big) timeout_big="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --agreement-only) agreement=1; shift ;;
        --pgr-starts) pgr_starts="$2"; shift 2 ;;
        --pgr-many-max) pgr_many_max="$2"; shift 2 ;;
        --peers-max) peers_max="$2"; shift 2 ;;
        --keep-server) keep_server=1; shift ;;
        -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z $out && $agreement -eq 0 && $quick -eq 0 ]]; then out=$repo/BENCHMARKS.md; fi
[[ -x /usr/bin/time ]] || { echo "bench.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
mkdir -p "$dir/logs" && dir=$(cd "$dir" && pwd) || exit 1
results=$dir/results.jsonl
: > "$results"
started_at=$(date -u +%FT%TZ)

plancheck=${PLANCHECK:-}
if [[ -z $plancheck ]]; then
    echo "bench.sh: building an optimised plancheck in build-release/" >&2
    (cmake -S "$repo" -B "$repo/build-release" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        cmake --build "$repo/build-release" -j2 --target plancheck >/dev/null) || exit 1
    plancheck=$repo/build-release/plancheck
fi
plancheck=$(realpath "$plancheck")

# ---- what the peers need; a missing one is skipped with a note (the test suite may lack a package)
have_nx=1 have_gpd=1 have_pg=1 have_pgr=1
$py -c 'import networkx, scipy, shapely' 2>/dev/null || have_nx=0
$py -c 'import geopandas, rtree' 2>/dev/null || have_gpd=0
$py -c 'import psycopg2' 2>/dev/null || { have_pg=0; have_pgr=0; }
# shellcheck source=lib_pgserver.sh
source "$here/lib_pgserver.sh"
if ((have_pg)) && ! pgserver_find postgis; then have_pg=0 have_pgr=0; fi
if ((have_pg)) && ! pgserver_find postgis pgrouting; then have_pgr=0; fi
stop_all() { ((keep_server)) || pgserver_stop; }
trap stop_all EXIT
trap 'exit 130' INT TERM
conn=""
if ((have_pg)); then
    # Memory for the database as a planner's server would have it on this machine; fsync off (lib_pgserver).
    pgserver_start "$dir" "-c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=1GB \
-c max_wal_size=8GB -c synchronous_commit=off -c jit=off" >&2 || exit 1
    psql "$pgserver_conn dbname=postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench" >/dev/null || exit 1
    psql "$pgserver_conn dbname=bench" -qX -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" >/dev/null || exit 1
    ((have_pgr)) && { psql "$pgserver_conn dbname=bench" -qX -c "CREATE EXTENSION pgrouting" >/dev/null || have_pgr=0; }
    conn="$pgserver_conn dbname=bench"
fi

failures=0
# record SIZE ANALYSIS TOOL STATUS WALL_S PEAK_KB [JSON_EXTRA]: one line of results.jsonl
record() {
    BENCH_CPU=${cpu:-} $py - "$@" >>"$results" <<'PY'
import json, os, sys
size, analysis, tool, status, wall, peak = sys.argv[1:7]
extra = json.loads(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[7] else {}
rec = {'size': int(size), 'analysis': analysis, 'tool': tool, 'status': status,
       'wall_s': float(wall) if wall else None, 'peak_kb': int(peak) if peak else None}
if os.environ.get('BENCH_CPU'):
    rec['cpu_s'] = float(os.environ['BENCH_CPU'])
rec.update(extra)
print(json.dumps(rec))
PY
}
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"; }
peak_of() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
cpu_of() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }

# timed SIZE ANALYSIS TOOL LIMIT OUT CMD...: run under /usr/bin/time -v with a timeout; sets rc, wall, peak
timed() {
    local size=$1 analysis=$2 tool=$3 limit=$4 outf=$5
    shift 5
    local log=$dir/logs/${size}_${analysis}_${tool}.time
    echo "  $analysis: $tool ..." >&2
    if ((limit > 0)); then
        timeout --signal=TERM --kill-after=30 "$limit" /usr/bin/time -v "$@" >"$outf" 2>"$log"
    else
        /usr/bin/time -v "$@" >"$outf" 2>"$log"
    fi
    rc=$?
    wall=$(wall_of "$log")
    peak=$(peak_of "$log")
    cpu=$(cpu_of "$log")
}

# judge SIZE ANALYSIS TOOL PC_JSON PEER_JSON LIMIT: compare, then record the peer's time (or why there is none)
judge() {
    local size=$1 analysis=$2 tool=$3 pc_json=$4 peer_json=$5 limit=$6
    local log=$dir/logs/${size}_${analysis}_${tool}.compare
    if ((rc == 124 || rc == 137)); then
        echo "  $analysis: $tool timed out after $limit s" >&2
        cpu="" record "$size" "$analysis" "$tool" timeout "$limit" "" "{\"note\": \"timed out after $limit s\"}"
        return
    fi
    if ((rc != 0)) || [[ ! -s $peer_json ]]; then
        echo "  $analysis: $tool FAILED (exit $rc): $(tail -3 "$dir/logs/${size}_${analysis}_${tool}.time" | tr '\n' ' ')" >&2
        record "$size" "$analysis" "$tool" failed "$wall" "$peak" "{\"note\": \"exit $rc\"}"
        failures=$((failures + 1))
        return
    fi
    if $py "$here/bench_compare.py" "$analysis" "$pc_json" "$peer_json" >"$log" 2>&1; then
        echo "  $analysis: $tool $(tail -1 "$log")" >&2
        local extra
        extra=$($py -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps({"phases": d.get("phases"), "peer": d.get("peer"), "backend_peak_kb": d.get("backend_peak_kb"), "backend_cpu_s": d.get("backend_cpu_s"), "compare": open(sys.argv[2]).read().strip().splitlines()[-1]}))' "$peer_json" "$log")
        record "$size" "$analysis" "$tool" ok "$wall" "$peak" "$extra"
    else
        echo "  $analysis: $tool DISAGREES with plancheck (wall $wall s not counted):" >&2
        sed 's/^/    /' "$log" >&2
        record "$size" "$analysis" "$tool" disagree "$wall" "$peak" \
            "$($py -c 'import json, sys; print(json.dumps({"compare": open(sys.argv[1]).read()}))' "$log")"
        failures=$((failures + 1))
    fi
}

skip() { cpu="" record "$1" "$2" "$3" skipped "" "" "{\"note\": \"$4\"}"; echo "  $2: $3 skipped: $4" >&2; }

gen_id=$(sha1sum "$here/gen_city.py" | cut -c1-8)
for n in $sizes; do
    city=$dir/city_${n}_$gen_id.gpkg
    if [[ ! -s $city ]]; then
        echo "bench.sh: generating $city" >&2
        /usr/bin/time -f "%e" -o "$dir/logs/gen_$n.time" $py "$here/gen_city.py" --segments "$n" -o "$city.part.gpkg" \
            --quiet >/dev/null || exit 1
        mv "$city.part.gpkg" "$city"
    fi
    limit=$timeout_s
    ((n >= 2000000)) && limit=$timeout_big
    echo "bench.sh: $n segments ($city, $(du -m "$city" | cut -f1) MB)" >&2
    cpu="" record "$n" city input ok "" "" "$($py "$here/bench_report.py" counts "$city")"
    if ((!agreement)); then
        # The GDAL read floor: every feature of the coverage layers through OGR, nothing else.
        timed "$n" read floor 0 "$dir/floor.json" $py "$here/bench_report.py" floor "$city"
        record "$n" read gdal-floor ok "$wall" "$peak" "$(cat "$dir/floor.json")"
        timed "$n" read ogrinfo 0 /dev/null ogrinfo -ro -al -so "$city"
        record "$n" read ogrinfo-so ok "$wall" "$peak"
    fi
    pg_loaded=0
    load_pg() {
        ((pg_loaded)) && return 0
        local schema=city_$n
        psql "$conn" -qX -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null 2>&1
        timed "$n" load ogr2ogr 0 /dev/null ogr2ogr -f PostgreSQL "PG:$conn" "$city" -lco SCHEMA="$schema" \
            -lco GEOMETRY_NAME=geom -lco FID=fid -preserve_fid --config PG_USE_COPY YES
        if ((rc != 0)); then
            record "$n" load ogr2ogr failed "$wall" "$peak"
            return 1
        fi
        local t0=$SECONDS
        psql "$conn" -qX -c "VACUUM ANALYZE" >/dev/null 2>&1
        record "$n" load ogr2ogr ok "$wall" "$peak" "{\"analyze_s\": $((SECONDS - t0))}"
        pg_loaded=1
    }

    for analysis in $only; do
        pc_json=$dir/${n}_${analysis}_plancheck.json
        case $analysis in
            coverage) args=(coverage "$city" --json --quiet) ;;
            green) args=(green "$city" --json --quiet) ;;
            sites) args=(sites "$city" --json --quiet) ;;
            *) echo "bench.sh: unknown analysis '$analysis'" >&2; exit 2 ;;
        esac
        timed "$n" "$analysis" plancheck 0 "$pc_json" env PLANCHECK_TIMINGS=1 "$plancheck" "${args[@]}"
        if [[ $rc -ne 0 && ! ($analysis == sites && $rc -eq 3) ]]; then
            echo "  $analysis: plancheck FAILED (exit $rc)" >&2
            tail -5 "$dir/logs/${n}_${analysis}_plancheck.time" >&2
            record "$n" "$analysis" plancheck failed "$wall" "$peak"
            failures=$((failures + 1))
            continue
        fi
        phases=$($py - "$dir/logs/${n}_${analysis}_plancheck.time" <<'PY'
import json, re, sys
ph = {}
for line in open(sys.argv[1]):
    m = re.match(r'timing: ([0-9.]+) s (.*)', line)
    if m and m.group(2) != 'total':
        ph[m.group(2).replace('coverage: ', '')] = ph.get(m.group(2), 0) + float(m.group(1))
print(json.dumps({'phases': ph} if ph else {}))
PY
)
        record "$n" "$analysis" plancheck ok "$wall" "$peak" "$phases"
        echo "  $analysis: plancheck $wall s, $((peak / 1024)) MB" >&2
        if ((peers_max > 0 && n > peers_max)); then
            for tool in ${analysis/coverage/networkx pgrouting}; do
                [[ $tool == green || $tool == sites ]] && continue
                skip "$n" "$analysis" "$tool" "not run at this size (--peers-max $peers_max)"
            done
            [[ $analysis != coverage ]] && for tool in geopandas postgis; do
                skip "$n" "$analysis" "$tool" "not run at this size (--peers-max $peers_max)"
            done
            continue
        fi
        if [[ $analysis == coverage ]]; then
            if ((have_nx)); then
                csv_args=()
                if ((agreement)); then
                    csv_args=(--residents-csv "$dir/${n}_nx_residents.csv")
                fi
                timed "$n" coverage networkx "$limit" "$dir/${n}_coverage_networkx.json" \
                    $py "$here/bench_peer_nx.py" "$city" "${csv_args[@]}"
                judge "$n" coverage networkx "$pc_json" "$dir/${n}_coverage_networkx.json" "$limit"
                if ((agreement && rc == 0)); then
                    "$plancheck" coverage "$city" -o "$dir/${n}_coverage.gpkg" --quiet >/dev/null
                    if $py "$here/bench_compare.py" residents "$dir/${n}_coverage.gpkg" "$dir/${n}_nx_residents.csv" \
                            >"$dir/logs/${n}_residents.compare" 2>&1; then
                        echo "  coverage: networkx per resident: $(tail -1 "$dir/logs/${n}_residents.compare")" >&2
                        record "$n" coverage networkx-residents ok "" "" \
                            "{\"compare\": \"$(tail -1 "$dir/logs/${n}_residents.compare")\"}"
                    else
                        echo "  coverage: networkx per resident DISAGREES:" >&2
                        sed 's/^/    /' "$dir/logs/${n}_residents.compare" >&2
                        record "$n" coverage networkx-residents disagree "" ""
                        failures=$((failures + 1))
                    fi
                fi
            else
                skip "$n" coverage networkx "python3-networkx or python3-scipy missing"
            fi
            if ((have_pgr)) && load_pg; then
                timed "$n" coverage pgrouting "$limit" "$dir/${n}_coverage_pgrouting.json" \
                    $py "$here/bench_peer_pg.py" coverage "$conn" "city_$n" --pgr-starts "$pgr_starts"
                judge "$n" coverage pgrouting "$pc_json" "$dir/${n}_coverage_pgrouting.json" "$limit"
                if [[ $pgr_starts != many ]] && ((n <= pgr_many_max)); then
                    timed "$n" coverage pgrouting-many "$limit" "$dir/${n}_coverage_pgrouting-many.json" \
                        $py "$here/bench_peer_pg.py" coverage "$conn" "city_$n" --pgr-starts many
                    judge "$n" coverage pgrouting-many "$pc_json" "$dir/${n}_coverage_pgrouting-many.json" "$limit"
                fi
            else
                skip "$n" coverage pgrouting "PostgreSQL, PostGIS, pgRouting or python3-psycopg2 missing"
            fi
        else
            if ((have_gpd)); then
                timed "$n" "$analysis" geopandas "$limit" "$dir/${n}_${analysis}_geopandas.json" \
                    $py "$here/bench_peer_gpd.py" "$analysis" "$city"
                judge "$n" "$analysis" geopandas "$pc_json" "$dir/${n}_${analysis}_geopandas.json" "$limit"
            else
                skip "$n" "$analysis" geopandas "python3-geopandas or python3-rtree missing"
            fi
            if ((have_pg)) && load_pg; then
                timed "$n" "$analysis" postgis "$limit" "$dir/${n}_${analysis}_postgis.json" \
                    $py "$here/bench_peer_pg.py" "$analysis" "$conn" "city_$n"
                judge "$n" "$analysis" postgis "$pc_json" "$dir/${n}_${analysis}_postgis.json" "$limit"
            else
                skip "$n" "$analysis" postgis "PostgreSQL, PostGIS or python3-psycopg2 missing"
            fi
        fi
    done
    ((pg_loaded)) && psql "$conn" -qX -c "DROP SCHEMA city_$n CASCADE" >/dev/null 2>&1
done

if [[ -n $out ]]; then
    command="scripts/bench.sh"
    ((quick)) && command+=" --quick"
    command+=" --sizes \"$sizes\" --timeout $timeout_s --timeout-big $timeout_big --pgr-starts $pgr_starts"
    $py "$here/bench_report.py" report "$results" "$out" --command "$command" --plancheck "$plancheck" \
        --started "$started_at" && echo "bench.sh: wrote $out" >&2
fi
if ((failures)); then
    echo "bench.sh: $failures comparison(s) failed or disagreed (logs in $dir/logs)" >&2
    exit 1
fi
echo "bench.sh: every comparison agreed" >&2
