#!/usr/bin/env bash
# check_bench_agreement.sh: plancheck's coverage, green and sites answers equal independent NetworkX, pgRouting,
# GeoPandas and PostGIS computations on a small synthetic city (the agreement checks of scripts/bench.sh, no timings).
#   bash tests/check_bench_agreement.sh PLANCHECK WORKDIR
# A city of 2,000 street segments (scripts/gen_city.py), then scripts/bench.sh --agreement-only: per row the
# covered population at each level and each category's share, per resident each category's walking distance
# (plancheck -o against NetworkX), park and residential areas, populations and verdicts per unit, per site the
# verdict, overlap areas, distances and seaward side. A throwaway PostgreSQL server on 127.0.0.1 runs the
# database peers. A peer whose packages are missing is skipped with a note (scripts/setup.sh --tests installs
# them); any disagreement fails.
set -uo pipefail
pc=$(realpath "${1:?plancheck binary}")
work=${2:?work folder}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
rm -rf "$work" && mkdir -p "$work" || exit 1
work=$(cd "$work" && pwd)

if ! /usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null; then
    echo "SKIP check_bench_agreement: python3-gdal is missing (scripts/setup.sh --tests installs it)"
    exit 0
fi
PLANCHECK=$pc bash "$repo/scripts/bench.sh" --agreement-only --sizes "${BENCH_AGREEMENT_SIZES:-2000}" \
    --dir "$work" 2>"$work/bench.log"
rc=$?
# What was checked, one line per comparison (and the differences, if any).
grep -E "agree|DISAGREE|skipped|FAILED|timed out|^    " "$work/bench.log" | sed 's/^ *//'
peers='"tool": "(networkx|networkx-residents|pgrouting|geopandas|postgis)"'
n_ok=$(grep -cE "$peers, \"status\": \"ok\"" "$work/results.jsonl")
n_bad=$(grep -cE '"status": "(disagree|failed|timeout)"' "$work/results.jsonl")
n_skip=$(grep -c '"status": "skipped"' "$work/results.jsonl")
# Every analysis ran in plancheck, and at least one peer of each agreed (a run that compared nothing must fail).
for analysis in coverage green sites; do
    if ! grep -E "\"analysis\": \"$analysis\", \"tool\": \"(networkx|pgrouting|geopandas|postgis)\", \"status\": \"ok\"" \
            "$work/results.jsonl" >/dev/null; then
        echo "FAIL $analysis: no peer compared"
        n_bad=$((n_bad + 1))
    fi
done
# The comparator must see a difference: one resident less covered in one subdistrict, one site's verdict changed.
n=${BENCH_AGREEMENT_SIZES:-2000}
n=${n%% *}
if [[ -s $work/${n}_coverage_plancheck.json && -s $work/${n}_coverage_networkx.json ]]; then
    /usr/bin/python3 - "$work/${n}_coverage_plancheck.json" "$work/tampered_coverage.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
row = d['subdistricts'][3]
row['cov_kindergarten'] = round(row['cov_kindergarten'] - 40.0 / row['pop'], 6)
json.dump(d, open(sys.argv[2], 'w'))
PY
    if /usr/bin/python3 "$repo/scripts/bench_compare.py" coverage "$work/tampered_coverage.json" \
            "$work/${n}_coverage_networkx.json" >"$work/tampered.log"; then
        echo "FAIL bench_compare.py missed 40 people less covered by kindergartens in one subdistrict"
        n_bad=$((n_bad + 1))
    else
        echo "ok   bench_compare.py sees 40 people less covered in one subdistrict: $(head -1 "$work/tampered.log")"
        n_ok=$((n_ok + 1))
    fi
fi
for peer in geopandas postgis; do
    [[ -s $work/${n}_sites_plancheck.json && -s $work/${n}_sites_$peer.json ]] || continue
    /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sites"][0]
s["verdict"] = {"pass": "warn", "warn": "fail", "fail": "pass"}[s["verdict"]]
json.dump(d, open(sys.argv[2], "w"))' "$work/${n}_sites_plancheck.json" "$work/tampered_sites.json"
    if /usr/bin/python3 "$repo/scripts/bench_compare.py" sites "$work/tampered_sites.json" "$work/${n}_sites_$peer.json" \
            >"$work/tampered.log"; then
        echo "FAIL bench_compare.py missed a changed site verdict"
        n_bad=$((n_bad + 1))
    else
        echo "ok   bench_compare.py sees a changed site verdict: $(head -1 "$work/tampered.log")"
        n_ok=$((n_ok + 1))
    fi
    break
done
echo "$((n_ok)) passed, $n_bad failed, $n_skip skipped (results in $work/results.jsonl)"
if ((rc != 0 || n_bad != 0)); then
    tail -20 "$work/bench.log"
    exit 1
fi
