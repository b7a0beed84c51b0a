#!/usr/bin/env bash
# check_robustness.sh: every row of the README's bad-input table: exit code, message, nothing left behind.
#   bash tests/check_robustness.sh PLANCHECK WORKDIR
set -uo pipefail
pc=${1:?plancheck binary}
work=${2:?work folder}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
pass=0 fail=0

# Write a GeoPackage layer from GeoJSON features: gj FILE LAYER EPSG GEOMTYPE 'FEATURES...'
gj() {
    local file=$1 layer=$2 epsg=$3 gtype=$4 features=$5 srs=()
    [[ $epsg != 0 ]] && srs=(-a_srs "EPSG:$epsg")
    printf '{"type":"FeatureCollection","features":[%s]}' "$features" > "$work/_in.geojson"
    ogr2ogr -q -f GPKG "$file" "$work/_in.geojson" -nln "$layer" -nlt "$gtype" "${srs[@]}" \
        $([[ -e $file ]] && echo -update) 2>/dev/null
}
sq() { echo "{\"type\":\"Feature\",\"properties\":$1,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[$2,$3],[$(($2+$4)),$3],[$(($2+$4)),$(($3+$4))],[$2,$(($3+$4))],[$2,$3]]]}}"; }
pt() { echo "{\"type\":\"Feature\",\"properties\":$1,\"geometry\":{\"type\":\"Point\",\"coordinates\":[$2,$3]}}"; }

# A small good plan to damage case by case.
good=$work/good.gpkg
gj "$good" boundary 4548 POLYGON "$(sq '{"name":"B"}' 500000 4318000 2000)"
gj "$good" structure 4548 POLYGON "$(sq '{"name":"U","name_zh":"单元","tier":"main"}' 500000 4318000 2000)"
gj "$good" residents 4548 POINT "$(pt '{"pop":100}' 500500 4318500)"

# expect NAME EXIT MESSAGE_PART NO_OUTPUT_PATH -- COMMAND...
expect() {
    local name=$1 code=$2 part=$3 nooutput=$4
    shift 5
    "$@" >"$work/out.txt" 2>"$work/err.txt"
    local got=$?
    local lines
    lines=$(wc -l < "$work/err.txt")
    if [[ $got -eq $code ]] && grep -qF -- "$part" "$work/err.txt" && [[ $lines -ge 1 && $lines -le 3 ]] &&
       { [[ $nooutput == - ]] || [[ ! -e $nooutput ]]; } && ! ls "$work"/.*.tmp-* >/dev/null 2>&1; then
        echo "ok   $name (exit $got): $(head -c 160 "$work/err.txt" | head -1)"
        pass=$((pass + 1))
    else
        echo "FAIL $name: exit $got (want $code), want message containing '$part', stderr lines $lines:"
        sed 's/^/     /' "$work/err.txt" | head -5
        [[ $nooutput != - && -e $nooutput ]] && echo "     output left behind: $nooutput"
        fail=$((fail + 1))
    fi
}

expect "missing file" 1 "nope.gpkg: cannot open as a vector dataset" - -- "$pc" info "$work/nope.gpkg"

head -c 20000 "$good" > truncated.gpkg
expect "truncated GeoPackage" 1 "truncated.gpkg" - -- "$pc" info truncated.gpkg

printf 'not a database at all\n' > text.gpkg
expect "not a GeoPackage" 1 "text.gpkg: cannot open" - -- "$pc" info text.gpkg

cp "$good" nostructure.gpkg && ogrinfo -q nostructure.gpkg -sql "DROP TABLE structure" >/dev/null 2>&1
expect "missing role layer" 1 "the plan has no 'structure' layer" - -- "$pc" info nostructure.gpkg

gj nofield.gpkg structure 4548 POLYGON "$(sq '{"label":"U"}' 500000 4318000 2000)"
expect "missing field" 1 "layer 'structure' field 'name': missing" - -- "$pc" info nofield.gpkg

cp "$good" textpop.gpkg
gj textpop.gpkg residents2 4548 POINT "$(pt '{"pop":"lots"}' 500500 4318500)"
ogrinfo -q textpop.gpkg -sql "DROP TABLE residents" >/dev/null 2>&1
ogrinfo -q textpop.gpkg -sql "ALTER TABLE residents2 RENAME TO residents" >/dev/null 2>&1
cat > textpop.plan <<PLAN
structure = good.gpkg
residents = textpop.gpkg|layername=residents2
PLAN
gj tp.gpkg residents 4548 POINT "$(pt '{"pop":"lots"}' 500500 4318500)"
printf 'structure = good.gpkg\nresidents = tp.gpkg\n' > textpop.plan
expect "text in pop" 1 "fid 1 field 'pop': 'lots' is not a number" - -- "$pc" info textpop.plan
gj np.gpkg residents 4548 POINT "$(pt '{"pop":-3}' 500500 4318500)"
printf 'structure = good.gpkg\nresidents = np.gpkg\n' > negpop.plan
expect "negative pop" 1 "fid 1 field 'pop': -3 is not a valid population" - -- "$pc" info negpop.plan
gj nan.gpkg residents 4548 POINT "$(pt '{"pop":"NaN"}' 500500 4318500)"
printf 'structure = good.gpkg\nresidents = nan.gpkg\n' > nanpop.plan
expect "NaN pop" 1 "field 'pop': nan is not a valid population" - -- "$pc" info nanpop.plan

gj nocrs.gpkg structure 0 POLYGON "$(sq '{"name":"U"}' 500000 4318000 2000)"
# GeoJSON input is WGS 84 by definition: set the GeoPackage's undefined SRS (srs_id 0) by hand.
sqlite3 nocrs.gpkg "UPDATE gpkg_geometry_columns SET srs_id = 0; UPDATE gpkg_contents SET srs_id = 0;"
expect "layer without a CRS" 1 "has no coordinate reference system" - -- "$pc" info nocrs.gpkg

# Metre coordinates declared as lon/lat (EPSG:4326): a classic mix-up.
gj geo_m.gpkg structure 4326 POLYGON "$(sq '{"name":"U"}' 500000 4318000 2000)"
expect "geographic CRS with metre coordinates" 1 "are not longitude/latitude although the layer's CRS EPSG:4326 is geographic" - -- "$pc" info --crs EPSG:4548 geo_m.gpkg

gj huge.gpkg structure 4548 POLYGON "$(sq '{"name":"U"}' 500000 4318000 2000)"
gj huge.gpkg residents 4548 POINT "$(pt '{"pop":1}' 1e300 1e300)"
expect "huge coordinates" 1 "coordinates out of range" - -- "$pc" info huge.gpkg

gj pts.gpkg structure 4548 POINT "$(pt '{"name":"U"}' 500500 4318500)"
expect "points where polygons are expected" 1 "a Point where the 'structure' role expects polygons" - -- "$pc" info pts.gpkg

bow='{"type":"Feature","properties":{"name":"Bow"},"geometry":{"type":"Polygon","coordinates":[[[500000,4318000],[500100,4318100],[500100,4318000],[500000,4318100],[500000,4318000]]]}}'
gj bow.gpkg structure 4548 POLYGON "$bow"
expect "bow-tie under --invalid fail" 1 "invalid polygon (Self-intersection" - -- "$pc" info --invalid fail bow.gpkg
expect "bow-tie under --invalid repair" 0 "repaired 1 invalid polygons" - -- "$pc" info --invalid repair bow.gpkg
expect "bow-tie under --invalid skip" 0 "skipped 1 invalid polygons" - -- "$pc" info --invalid skip bow.gpkg

printf 'boundary = good.gpkg\nparkz = x.gpkg\n' > bad.plan
expect "malformed plan file" 1 "bad.plan: line 2: unknown role 'parkz'" - -- "$pc" info bad.plan
printf '[category kindergarten]\ndistance_m = far\n' > bad.ini
expect "malformed profile" 1 "bad.ini: line 2: distance_m 'far'" - -- "$pc" info --profile bad.ini "$good"

expect "unknown option" 2 "unknown option '--frobnicate'" - -- "$pc" info --frobnicate "$good"
expect "bad --invalid value" 2 "--invalid must be repair, skip or fail" - -- "$pc" info --invalid maybe "$good"
expect "unknown command" 2 "unknown command 'inf'" - -- "$pc" inf "$good"

# Rows for the analysis commands' outputs (added as the commands exist).
if "$pc" coverage --help >/dev/null 2>&1; then
    expect "output in a missing folder" 1 "does not exist" "$work/missing/out.gpkg" -- \
        "$pc" coverage --mode radius "$good" -o "$work/missing/out.gpkg"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
