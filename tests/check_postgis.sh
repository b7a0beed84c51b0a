#!/usr/bin/env bash
# check_postgis.sh: plans in PostGIS give the GeoPackage's numbers; results go in one transaction; hostile names; clear errors.
#   bash tests/check_postgis.sh PLANCHECK WORKDIR
# Starts a throwaway PostgreSQL server (initdb under WORKDIR, 127.0.0.1 only, a free port from 55432 up, password
# authentication) and stops it at the end, also on failure. Installs nothing: scripts/setup.sh --tests does.
set -uo pipefail
pc=$(realpath "${1:?plancheck binary}")
work=${2:?work folder}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
tests_bin=$(dirname "$pc")/plancheck_tests
py=/usr/bin/python3

# shellcheck source=../scripts/lib_pgserver.sh
source "$repo/scripts/lib_pgserver.sh"
if ! pgserver_find postgis; then
    echo "SKIP check_postgis: $pgserver_why"
    exit 0
fi

rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
work=$(pwd)
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# ---- the throwaway server (scripts/lib_pgserver.sh): never as root; stopped at the end, also on failure ----
trap pgserver_stop EXIT
trap 'exit 130' INT TERM
pgserver_start "$work" "-c log_statement=all" || exit 1

# The password goes through the environment, as a bureau would use PGPASSWORD or ~/.pgpass.
conn=$pgserver_conn
PG="PG:$conn dbname=plancheck_test"
NOGIS="PG:$conn dbname=nogis"
sql() { psql "$conn dbname=${DB:-plancheck_test}" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
DB=postgres sql -c "CREATE DATABASE plancheck_test" -c "CREATE DATABASE nogis" || exit 1
sql -c "CREATE EXTENSION postgis" -c "CREATE TABLE public.y (id int)" || exit 1

# ---- a small plan in a GeoPackage (EPSG:4548; 4 x 2 km at E 500000 N 4318000) ----
plan=$work/plan.gpkg
gj() { # gj LAYER GEOMTYPE 'FEATURES...'
    printf '{"type":"FeatureCollection","features":[%s]}' "$3" > "$work/_in.geojson"
    ogr2ogr -q -f GPKG "$plan" "$work/_in.geojson" -nln "$1" -nlt "$2" -a_srs EPSG:4548 \
        $([[ -e $plan ]] && echo -update) || echo "FAIL writing fixture layer $1"
}
feat() { echo "{\"type\":\"Feature\",\"properties\":$1,\"geometry\":{\"type\":\"$2\",\"coordinates\":$3}}"; }
box() { echo "[[[$1,$2],[$3,$2],[$3,$4],[$1,$4],[$1,$2]]]"; }
gj boundary POLYGON "$(feat '{"name":"Test"}' Polygon "$(box 500000 4318000 504000 4320000)")"
gj structure POLYGON "$(feat '{"name":"West","name_zh":"西区","tier":"main"}' Polygon "$(box 500000 4318000 502000 4320000)"),
$(feat '{"name":"East","name_zh":"东区","tier":"cluster"}' Polygon "$(box 502000 4318000 504000 4320000)")"
gj subdistricts POLYGON "$(feat '{"name":"S","name_zh":"街道"}' Polygon "$(box 500000 4318000 504000 4320000)")"
res=""
for x in 500300 500900 501500 502100 502700 503300 503900; do
    for y in 4318300 4319100 4319700; do
        res+="${res:+,}$(feat "{\"pop\":$(( (x / 100 + y / 100) % 7 * 50 + 100 ))}" Point "[$x,$y]")"
    done
done
gj residents POINT "$res"
gj facilities POINT "$(feat '{"category":"kindergarten","name":"K1"}' Point '[500500,4318500]'),
$(feat '{"category":"clinic","name":"C1"}' Point '[503000,4319500]'),
$(feat '{"category":"primary_school","name":"P1"}' Point '[501000,4319000]'),
$(feat '{"category":"middle_school","name":"M1"}' Point '[502000,4319000]'),
$(feat '{"category":"market","name":"Mk1"}' Point '[503500,4318500]'),
$(feat '{"category":"market","name":"far away"}' Point '[540000,4330000]')"
gj streets LINESTRING "$(feat '{"highway":"residential"}' LineString '[[500000,4318500],[504000,4318500]]'),
$(feat '{"highway":"residential"}' LineString '[[500000,4319500],[504000,4319500]]'),
$(feat '{"highway":"residential"}' LineString '[[501000,4318000],[501000,4320000]]'),
$(feat '{"highway":"residential"}' LineString '[[503000,4318000],[503000,4320000]]'),
$(feat '{"highway":"motorway"}' LineString '[[502000,4318000],[502000,4320000]]'),
$(feat '{"highway":"residential"}' LineString '[[545000,4330000],[546000,4330000]]')"
gj parks POLYGON "$(feat '{"name":"Park A","name_zh":"甲公园","class":"G12"}' Polygon "$(box 500600 4318600 501000 4319000)"),
$(feat '{"name":"Park B","name_zh":"乙公园","class":"G11"}' Polygon "$(box 502500 4319200 503000 4319800)")"
gj redlines POLYGON "$(feat '{"name":"Wetland","name_zh":"湿地","kind":"ecological_redline","rule":"test rule"}' Polygon "$(box 503500 4319500 504000 4320000)")"
gj coastline LINESTRING "$(feat '{}' LineString '[[504500,4318000],[504500,4320000]]')"
gj sites POINT "$(feat '{"name":"In red line","name_zh":"红线内","use":"industry"}' Point '[503700,4319700]'),
$(feat '{"name":"Clear","name_zh":"无冲突","use":"school"}' Point '[500800,4318200]')"

# ---- the same plan in PostGIS: schema plan, and under a hostile schema name ----
hostile='x"; drop table y; --'
sql -c 'CREATE SCHEMA plan' -c 'CREATE SCHEMA "x""; drop table y; --"' -c 'CREATE SCHEMA partial' || exit 1
load() { # load GPKG SCHEMA [LAYERS...]
    local src=$1 schema=$2
    shift 2
    ogr2ogr -f PostgreSQL "$PG" "$src" "$@" -lco "SCHEMA=$schema" -lco GEOMETRY_NAME=geom -lco LAUNDER=NO
}
load "$plan" plan && ok "ogr2ogr loaded the plan into schema plan" || bad "ogr2ogr into schema plan"
load "$plan" "$hostile" && ok "ogr2ogr loaded the plan into schema '$hostile'" || bad "ogr2ogr into the hostile schema"
load "$plan" partial boundary residents || bad "ogr2ogr into schema partial"
# The residents once more, under a hostile table and field name, for a plan file that mixes sources.
ogr2ogr -f PostgreSQL "$PG" "$plan" -sql 'SELECT pop AS "po""p x", geom FROM residents' -nln 'resi"dents; x' \
    -lco "SCHEMA=$hostile" -lco GEOMETRY_NAME=geom -lco LAUNDER=NO || bad "ogr2ogr hostile table"
cat > "$work/mixed.plan" <<EOF
# boundary, structure and streets from the GeoPackage; residents and facilities from PostGIS
boundary = $plan|layername=boundary
structure = $plan|layername=structure
subdistricts = $plan|layername=subdistricts
streets = $plan|layername=streets
parks = $plan|layername=parks
redlines = $plan|layername=redlines
coastline = $plan|layername=coastline
sites = $plan|layername=sites
residents = $PG|layername=$hostile.resi"dents; x
facilities = $PG|layername=plan.facilities
[fields]
residents.pop = po"p x
EOF

# ---- compare JSON from the GeoPackage with JSON from PostGIS ----
cat > "$work/cmp.py" <<'PY'
import json, math, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
# Where the data came from differs by design; a plan file may also name layers SCHEMA.TABLE.
ignored = {"plan", "source", "sites_source"} | set(sys.argv[3:])
diffs = []
def walk(x, y, path):
    key = path.rsplit(".", 1)[-1]
    if key in ignored:
        return
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            if k not in x or k not in y:
                diffs.append(f"{path}.{k}: only in {'first' if k in x else 'second'}")
            else:
                walk(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            diffs.append(f"{path}: {len(x)} vs {len(y)} items")
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, f"{path}[{i}]")
    elif isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
        # PostGIS computes extents from float bounding boxes: a metre is close enough there.
        tol = 1.0 if ".extent" in path else 1e-9 * max(1.0, abs(x))
        if not (abs(x - y) <= tol or (math.isnan(x) and math.isnan(y))):
            diffs.append(f"{path}: {x} vs {y}")
    elif x != y:
        diffs.append(f"{path}: {x!r} vs {y!r}")
walk(a, b, "$")
for d in diffs[:10]:
    print("     " + d)
sys.exit(1 if diffs else 0)
PY
# same NAME CMD ARGS... -- the command on the GeoPackage and (its plan argument replaced) on PostGIS
same() {
    local name=$1 gpkg_args=() pg_args=() side=0
    shift
    for a in "$@"; do
        if [[ $a == -- ]]; then side=1; continue; fi
        if ((side)); then pg_args+=("$a"); else gpkg_args+=("$a"); fi
    done
    "$pc" "${gpkg_args[@]}" --json >"$work/a.json" 2>"$work/a.err"
    local rc_a=$?
    "$pc" "${pg_args[@]}" --json >"$work/b.json" 2>"$work/b.err"
    local rc_b=$?
    if [[ $rc_a -ne $rc_b || ($rc_a -ne 0 && $rc_a -ne 3) ]]; then
        bad "$name: exit $rc_a (GeoPackage) vs $rc_b (PostGIS)"
        head -2 "$work/a.err" "$work/b.err" | sed 's/^/     /'
    elif $py "$work/cmp.py" "$work/a.json" "$work/b.json" ${ignore:-}; then
        ok "$name: the same JSON from the GeoPackage and from PostGIS (exit $rc_a)"
    else
        bad "$name: JSON differs (above)"
    fi
}

same "info, schema plan" info "$plan" -- info "$PG" --schema plan
same "info, --schema '$hostile'" info "$plan" -- info "$PG" --schema "$hostile"
ignore=layer same "info, a .plan mixing GeoPackage and PostGIS (hostile table and field)" info "$plan" -- info "$work/mixed.plan"
sql -c "SELECT 1 FROM public.y" >/dev/null && ok "public.y still exists after the hostile names" ||
    bad "public.y is gone"

commands=()
for c in coverage green sites; do
    "$pc" "$c" --help >/dev/null 2>&1 && commands+=("$c")
done
echo "analysis commands in this build: ${commands[*]:-(none yet)}"
for c in "${commands[@]}"; do
    same "$c, schema plan" "$c" "$plan" -- "$c" "$PG" --schema plan
    ignore=layer same "$c, mixed .plan" "$c" "$plan" -- "$c" "$work/mixed.plan"
done
if [[ " ${commands[*]} " == *" sites "* ]]; then
    same "sites --sites from a PostGIS table" sites "$plan" -- sites "$plan" --sites "$PG|layername=plan.sites"
fi
if [[ " ${commands[*]} " == *" coverage "* ]] && grep -q '"facilities" WHERE "geom" && ' "$pgroot/server.log"; then
    ok "coverage read facilities with a spatial filter in the database (geom && box)"
elif [[ " ${commands[*]} " == *" coverage "* ]]; then
    bad "coverage read facilities without a spatial filter"
fi

# ---- results into PostGIS: tables as in the GeoPackage output, rerun, the transaction guarantee ----
# Every table of a schema with its row count and a digest of its rows (plancheck_run's timestamps aside).
fingerprint() {
    sql -v schema="$1" <<'SQL'
SELECT string_agg(format('%s(%s)=%s', c.relname, c.relkind,
         CASE WHEN c.relkind IN ('r', 'v') AND c.relname <> 'plancheck_run' THEN
           (xpath('/row/x/text()', query_to_xml(format(
             'SELECT count(*) || '':'' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), ''-'') AS x FROM %I.%I t',
             n.nspname, c.relname), false, false, '')))[1]::text
         ELSE '' END), E'\n' ORDER BY c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :'schema'
SQL
}
# Layers and feature counts of an output (GeoPackage, or PostGIS with a schema), metadata tables aside.
cat > "$work/layers.py" <<'PY'
import sys
from osgeo import gdal
gdal.UseExceptions()
opts = ["ACTIVE_SCHEMA=" + sys.argv[2], "SCHEMAS=" + sys.argv[2]] if len(sys.argv) > 2 else []
ds = gdal.OpenEx(sys.argv[1], gdal.OF_VECTOR, open_options=opts)
for i in range(ds.GetLayerCount()):
    layer = ds.GetLayer(i)
    if layer.GetName() not in ("plancheck_run", "layer_styles", "gpkg_ogr_contents"):
        print(layer.GetName(), layer.GetFeatureCount())
PY
out_schema_args() { # how this build's command takes the output schema
    if "$pc" "$1" --help 2>&1 | grep -q -- '--out-schema'; then
        printf '%s\n' "-o" "$PG" "--out-schema" "$2"
    else
        # Not yet on this command: the writer also takes GDAL's active_schema= in the connection string.
        printf '%s\n' "-o" "$PG active_schema='${2//\'/\\\'}'"
    fi
}
for c in "${commands[@]}"; do
    "$pc" "$c" "$plan" -o "$work/$c.gpkg" --quiet >/dev/null 2>"$work/w.err"
    rc_file=$?
    mapfile -t oargs < <(out_schema_args "$c" "res")
    "$pc" "$c" "$PG" --schema plan "${oargs[@]}" --quiet >/dev/null 2>"$work/w.err"
    rc=$?
    if [[ ($rc -ne 0 && $rc -ne 3) || $rc -ne $rc_file ]]; then
        bad "$c -o PG:...: exit $rc (file: $rc_file): $(head -c 300 "$work/w.err")"
        continue
    fi
    want=$(GDAL_PAM_ENABLED=NO $py "$work/layers.py" "$work/$c.gpkg" | sort)
    got=$($py "$work/layers.py" "$PG" res | sort)
    mine=$(echo "$want" | awk '{print $1}')
    if [[ -n $want && "$(echo "$got" | grep -Fxf <(echo "$want"))" == "$want" ]]; then
        ok "$c -o PG: --out-schema res: the GeoPackage output's layers and counts ($(echo "$want" | tr '\n' ' '))"
    else
        bad "$c -o PG:: tables differ from the GeoPackage output: want [$want] got [$got]"
    fi
    first=$(echo "$mine" | head -1)
    runs=$(sql -c "SELECT count(DISTINCT layer) FROM res.plancheck_run WHERE key = 'command' AND value = '$c'")
    [[ $runs -eq $(echo "$mine" | wc -l) ]] && ok "$c: plancheck_run records the run for each of its $runs tables" ||
        bad "$c: plancheck_run has $runs tables for the command"
    # Rerun: replaces, does not append.
    before=$(fingerprint res)
    "$pc" "$c" "$PG" --schema plan "${oargs[@]}" --quiet >/dev/null 2>"$work/w.err"
    after=$(fingerprint res)
    [[ "$before" == "$after" ]] && ok "$c: a rerun replaces its tables (same rows, nothing appended)" ||
        bad "$c: a rerun changed the schema: $(diff <(echo "$before") <(echo "$after") | head -5)"
    # A real failure in mid-write: a user's view depends on the last result table, so replacing it fails
    # after the other tables were already swapped in; everything must roll back.
    last=$(echo "$mine" | tail -1)
    sql -c "CREATE VIEW res.\"${c}_users_view\" AS SELECT * FROM res.\"$last\"" || bad "cannot create the view"
    before=$(fingerprint res)
    "$pc" "$c" "$PG" --schema plan "${oargs[@]}" --quiet >/dev/null 2>"$work/w.err"
    rc=$?
    after=$(fingerprint res)
    if [[ $rc -eq 1 && "$before" == "$after" ]] && grep -q "depends on" "$work/w.err" &&
       [[ $(wc -l < "$work/w.err") -eq 1 ]]; then
        ok "$c: a failure in mid-write (a view depends on '$last') leaves the schema exactly as it was: $(head -c 150 "$work/w.err")"
    else
        bad "$c: failure in mid-write: exit $rc, $(head -c 300 "$work/w.err"); changes: $(diff <(echo "$before") <(echo "$after") | head -5)"
    fi
    sql -c "DROP VIEW res.\"${c}_users_view\""
    [[ $first ]] || bad "$c wrote no layer"
    # Hostile output schema name.
    mapfile -t hargs < <(out_schema_args "$c" "$hostile")
    "$pc" "$c" "$PG" --schema plan "${hargs[@]}" --quiet >/dev/null 2>"$work/w.err"
    rc=$?
    n=$(sql -v s="$hostile" -v t="$first" <<< "SELECT count(*) FROM pg_tables WHERE schemaname = :'s' AND tablename = :'t'")
    if [[ ($rc -eq 0 || $rc -eq 3) && $n -eq 1 ]] && sql -c "SELECT 1 FROM public.y" >/dev/null; then
        ok "$c: --out-schema '$hostile' writes into exactly that schema; public.y untouched"
    else
        bad "$c: hostile --out-schema: exit $rc, table found $n: $(head -c 300 "$work/w.err")"
    fi
    # A database without PostGIS: refused before any work is written.
    mapfile -t nargs < <(out_schema_args "$c" "res")
    nargs[1]=${nargs[1]/dbname=plancheck_test/dbname=nogis}
    "$pc" "$c" "$plan" "${nargs[@]}" --quiet >/dev/null 2>"$work/w.err"
    rc=$?
    [[ $rc -eq 1 ]] && grep -q "PostGIS is not installed in database 'nogis'" "$work/w.err" &&
        ok "$c -o to a database without PostGIS: $(head -c 150 "$work/w.err")" ||
        bad "$c -o nogis: exit $rc: $(head -c 300 "$work/w.err")"
done

# ---- errors: one line, exit 1, naming database, host and table, never a password ----
expect() { # expect NAME MESSAGE_PART -- COMMAND...
    local name=$1 part=$2
    shift 3
    "$@" >/dev/null 2>"$work/err.txt"
    local rc=$? lines
    lines=$(wc -l < "$work/err.txt")
    if [[ $rc -eq 1 && $lines -eq 1 ]] && grep -qF -- "$part" "$work/err.txt" &&
       ! grep -qF -- "$password" "$work/err.txt" && ! grep -qF "WrongSecret42" "$work/err.txt"; then
        ok "$name: $(head -c 170 "$work/err.txt")"
    else
        bad "$name: exit $rc, $lines lines, want '$part':"
        sed 's/^/     /' "$work/err.txt" | head -3
    fi
}
closed=$((port + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$closed") 2>/dev/null; do closed=$((closed + 1)); done
expect "server not running" "cannot connect to database 'plancheck_test' on 127.0.0.1:$closed as user 'plancheck'" -- \
    "$pc" info "PG:host=127.0.0.1 port=$closed user=plancheck dbname=plancheck_test"
expect "wrong password (given inline, never echoed)" "password authentication failed for user \"plancheck\"" -- \
    env -u PGPASSWORD "$pc" info "PG:$conn dbname=plancheck_test password='WrongSecret42 x'"
expect "no such database" "database \"nodb\" does not exist" -- "$pc" info "PG:$conn dbname=nodb"
expect "database without PostGIS" "PostGIS is not installed in database 'nogis' on 127.0.0.1:$port" -- \
    "$pc" info "$NOGIS"
expect "no such --schema" "--schema 'nope': no such schema in database 'plancheck_test'" -- \
    "$pc" info "$PG" --schema nope
expect "a role table missing from a PostGIS plan" \
    "no table 'structure' in database 'plancheck_test' on 127.0.0.1:$port as user 'plancheck', schema 'partial'" -- \
    "$pc" info "$PG" --schema partial
if [[ " ${commands[*]} " == *" sites "* ]]; then
    expect "--sites from a server that is not running" "cannot connect to database 'plancheck_test' on 127.0.0.1:$closed" -- \
        "$pc" sites "$plan" --sites "PG:host=127.0.0.1 port=$closed user=plancheck dbname=plancheck_test|layername=plan.sites"
fi
printf 'boundary = %s|layername=plan.boundary\nstructure = %s|layername=plan.nosuch\n' "$PG" "$PG" > "$work/missing.plan"
expect "a table missing in a plan file" \
    "layer 'plan.nosuch': no such table with a geometry column in database 'plancheck_test' on 127.0.0.1:$port" -- \
    "$pc" info "$work/missing.plan"

# ---- the library's PostGIS suites against this server ----
if [[ -x $tests_bin ]]; then
    for suite in output_pg plan_filter; do
        if PC_TEST_PG="$PG" PC_TEST_PG_NOGIS="$NOGIS" "$tests_bin" "$suite" >"$work/$suite.log" 2>&1 &&
           ! grep -q "SKIP" "$work/$suite.log"; then
            ok "CUnit suite $suite against the server: $(grep -E '^ +tests ' "$work/$suite.log" | awk '{print $3 " tests, " $5 " failed"}')"
        else
            bad "CUnit suite $suite:"; grep -E "FAILED|expected|SKIP" "$work/$suite.log" | head -10 | sed 's/^/     /'
        fi
    done
    grep -q '"facilities" WHERE "geom" && ' "$pgroot/server.log" &&
        ok "facilities were read with a spatial filter in the database (WHERE geom && box)" ||
        bad "no spatial filter in the server's statement log"
else
    bad "no plancheck_tests beside $pc"
fi

# ---- the Binhai default plan, when present ----
binhai=$repo/layers/binhai/binhai.gpkg
if [[ -f $binhai ]]; then
    sql -c 'CREATE SCHEMA binhai' || exit 1
    if load "$binhai" binhai; then
        same "Binhai: info" info "$binhai" -- info "$PG" --schema binhai
        for c in "${commands[@]}"; do
            same "Binhai: $c" "$c" "$binhai" -- "$c" "$PG" --schema binhai
        done
    else
        bad "ogr2ogr could not load $binhai"
    fi
else
    echo "note: $binhai not present; Binhai comparison skipped"
fi

echo "$pass passed, $fail failed"
((fail == 0))
