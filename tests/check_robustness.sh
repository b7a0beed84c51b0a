#!/usr/bin/env bash
# check_robustness.sh: every row of docs/robustness.md: exit code, message, 1 to 3 stderr lines, nothing left behind.
#   bash tests/check_robustness.sh PLANCHECK WORKDIR
# A small good plan (all roles, EPSG:4548) is damaged one way per row and run through each command the
# damage matters to. Commands that write get -o over a previous output, which must stay byte-identical
# when the run fails; no temporary file may remain. Then: the same plan in mixed CRSs gives the same
# numbers, duplicated and zero-length streets give the same coverage, and Ctrl-C mid-run (SIGINT on a
# generated city) stops cleanly.
set -uo pipefail
pc=${1:?plancheck binary}
work=${2:?work folder}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
pass=0 fail=0

# ---------------------------------------------------------------- fixtures

# Write a GeoPackage layer from GeoJSON features: gj FILE LAYER EPSG GEOMTYPE 'FEATURES...' (EPSG 0: none)
gj() {
    local file=$1 layer=$2 epsg=$3 gtype=$4 features=$5 srs=()
    [[ $epsg != 0 ]] && srs=(-a_srs "EPSG:$epsg")
    printf '{"type":"FeatureCollection","features":[%s]}' "$features" > "$work/_in.geojson"
    ogr2ogr -q -f GPKG "$file" "$work/_in.geojson" -nln "$layer" -nlt "$gtype" "${srs[@]}" \
        $([[ -e $file ]] && echo -update) 2>/dev/null
}
feature() { echo "{\"type\":\"Feature\",\"properties\":$1,\"geometry\":$2}"; }
rect() { feature "$1" "{\"type\":\"Polygon\",\"coordinates\":[[[$2,$3],[$4,$3],[$4,$5],[$2,$5],[$2,$3]]]}"; }
pt() { feature "$1" "{\"type\":\"Point\",\"coordinates\":[$2,$3]}"; }
ln() { feature "$1" "{\"type\":\"LineString\",\"coordinates\":[$2]}"; }
roles="boundary structure residents facilities streets parks redlines coastline sites"
cats="middle_school health_center culture_center sports_large elderly_care community_service mall primary_school
      market sports_mid kindergarten clinic elderly_daycare fitness convenience"
street() { ln '{"highway":"residential"}' "$1"; }
streets_clean="$(street '[500000,4318500],[501000,4318500]'),$(street '[501000,4318500],[502000,4318500]'),\
$(street '[501000,4318000],[501000,4318500]'),$(street '[501000,4318500],[501000,4318900]'),\
$(street '[500000,4318900],[501000,4318900]'),$(street '[501000,4318900],[502000,4318900]')"

# The good plan: a 2 x 1 km town at E 500000 N 4318000 with two units, three residents, one facility of
# every default category, six streets, a park, an ecological red line, a coastline (sea to the east) and
# two sites that pass. Every command runs on it with exit 0 and nothing on stderr.
good=$work/good.gpkg
gj "$good" boundary 4548 POLYGON "$(rect '{"name":"B"}' 500000 4318000 502000 4319000)"
gj "$good" structure 4548 POLYGON "$(rect '{"name":"West","name_zh":"西","tier":"main"}' 500000 4318000 501000 4319000),\
$(rect '{"name":"East","name_zh":"东","tier":"sub"}' 501000 4318000 502000 4319000)"
gj "$good" residents 4548 POINT "$(pt '{"pop":100}' 500500 4318550),$(pt '{"pop":200}' 501500 4318850),\
$(pt '{"pop":50}' 500250 4318950)"
f="" x=500400
for c in $cats; do f="$f${f:+,}$(pt "{\"category\":\"$c\",\"name\":\"$c\"}" $x 4318520)"; x=$((x + 10)); done
gj "$good" facilities 4548 POINT "$f"
gj "$good" streets 4548 LINESTRING "$streets_clean"
gj "$good" parks 4548 POLYGON "$(rect '{"name":"P","class":"G12"}' 500600 4318600 500800 4318800)"
gj "$good" redlines 4548 POLYGON "$(rect '{"name":"R","kind":"ecological_redline"}' 501700 4318100 501900 4318300)"
gj "$good" coastline 4548 LINESTRING "$(ln '{}' '[502000,4318000],[502000,4319000]')"
gj "$good" sites 4548 POLYGON "$(rect '{"name":"S1","use":"housing"}' 500100 4318100 500200 4318200),\
$(rect '{"name":"S2","use":"school"}' 501400 4318100 501500 4318200)"

# plan_with FILE ROLE SOURCE: a plan file taking every role from good.gpkg but ROLE from SOURCE ('' drops it).
plan_with() {
    local file=$1 role=$2 source=$3 r
    : > "$file"
    for r in $roles; do
        [[ $r != "$role" ]] && echo "$r = good.gpkg|layername=$r" >> "$file"
    done
    if [[ -n $role && -n $source ]]; then echo "$role = $source" >> "$file"; fi
}
# damage NAME ROLE GEOMTYPE EPSG 'FEATURES': NAME.gpkg holds the bad layer, NAME.plan the plan around it.
damage() {
    gj "$1.gpkg" "$2" "$4" "$3" "$5"
    plan_with "$1.plan" "$2" "$1.gpkg"
}

# ---------------------------------------------------------------- the row check

leftovers() { find "$work" \( -name '.*.tmp-*' -o -name '*-journal' -o -name '*-wal' -o -name '.*.old-*' \) | head -3; }

# expect NAME EXIT MESSAGE_PART OUTPUT -- COMMAND...
#   MESSAGE_PART '' means stderr must be empty. OUTPUT '-': none. Otherwise: after a failure (exit 1 or 2)
#   an OUTPUT that existed is byte-identical and one that did not exist still does not; after a success
#   (0 or 3) it exists. Never a temporary file left, and 1 to 3 lines on stderr.
expect() {
    local name=$1 code=$2 part=$3 output=$4
    shift 5
    local before=absent
    [[ $output != - && -e $output ]] && before=$(sha256sum < "$output")
    "$@" >"$work/out.txt" 2>"$work/err.txt"
    local got=$? lines problem=""
    lines=$(wc -l < "$work/err.txt")
    [[ $got -eq $code ]] || problem="exit $got, want $code"
    if [[ -z $part ]]; then
        [[ $lines -eq 0 ]] || problem="${problem:+$problem; }stderr should be empty"
    else
        grep -qF -- "$part" "$work/err.txt" || problem="${problem:+$problem; }want a message containing '$part'"
        [[ $lines -ge 1 && $lines -le 3 ]] || problem="${problem:+$problem; }$lines stderr lines, want 1 to 3"
    fi
    if [[ $output != - ]]; then
        if [[ $code -eq 0 || $code -eq 3 ]]; then
            [[ -e $output ]] || problem="${problem:+$problem; }no output written"
        elif [[ $before == absent ]]; then
            [[ ! -e $output ]] || problem="${problem:+$problem; }output left behind: $output"
        elif [[ $(sha256sum < "$output") != "$before" ]]; then
            problem="${problem:+$problem; }the previous output changed"
        fi
    fi
    [[ -z $(leftovers) ]] || problem="${problem:+$problem; }left behind: $(leftovers | tr '\n' ' ')"
    if [[ -z $problem ]]; then
        echo "ok   $name (exit $got): $(head -1 "$work/err.txt" | cut -c1-150)"
        pass=$((pass + 1))
    else
        echo "FAIL $name: $problem"
        sed 's/^/     /' "$work/err.txt" | head -5
        fail=$((fail + 1))
    fi
    find "$work" \( -name '.*.tmp-*' -o -name '*-journal' \) -delete 2>/dev/null
}

# A previous output that failed runs must leave as it is: a real result of the good plan.
prev=$work/prev.gpkg
"$pc" coverage --quiet "$good" -o "$prev" >/dev/null 2>&1 || { echo "FAIL cannot make the previous output"; exit 1; }

# across NAME EXIT PART "COMMANDS" ARGS...: the row for each command; those that write do so over $prev.
across() {
    local name=$1 code=$2 part=$3 cmds=$4 c
    shift 4
    for c in $cmds; do
        if [[ $c == info ]]; then
            expect "$name [$c]" "$code" "$part" - -- "$pc" "$c" "$@"
        elif [[ $c == suggest ]]; then
            expect "$name [$c]" "$code" "$part" "$prev" -- "$pc" "$c" --level 5 "$@" -o "$prev"
        else
            expect "$name [$c]" "$code" "$part" "$prev" -- "$pc" "$c" "$@" -o "$prev"
        fi
    done
}
all="info coverage green sites suggest"

# ---------------------------------------------------------------- rows

echo "== the good plan"
expect "good plan [info]" 0 "" - -- "$pc" info "$good"
for c in coverage green; do
    expect "good plan [$c]" 0 "wrote" "$work/good_$c.gpkg" -- "$pc" "$c" "$good" -o "$work/good_$c.gpkg"
done
expect "good plan [sites]" 0 "" "$work/good_sites.gpkg" -- "$pc" sites "$good" -o "$work/good_sites.gpkg"
expect "good plan [suggest]" 0 "wrote" "$work/good_suggest.gpkg" -- "$pc" suggest --level 5 "$good" -o "$work/good_suggest.gpkg"
expect "good plan [report]" 0 "" "$work/report_dir" -- "$pc" report --quiet "$good" -o "$work/report_dir"

echo "== files that cannot be read"
across "missing file" 1 "$work/nope.gpkg: cannot open as a vector dataset" "$all" "$work/nope.gpkg"
head -c 20000 "$good" > truncated.gpkg
across "truncated GeoPackage" 1 "truncated.gpkg: cannot open as a vector dataset (database disk image is malformed)" \
    "$all" truncated.gpkg
printf 'not a database at all\n' > text.gpkg
across "not a GeoPackage (text)" 1 "text.gpkg: cannot open as a vector dataset" "$all" text.gpkg
: > empty.gpkg
across "empty file (0 bytes)" 1 "empty.gpkg: cannot open as a vector dataset" "$all" empty.gpkg
mkdir -p folder.gpkg
across "a folder named like a GeoPackage" 1 "folder.gpkg: cannot open as a vector dataset" "$all" folder.gpkg
plan_with truncated_layer.plan residents truncated.gpkg
across "a plan file naming a truncated GeoPackage" 1 "truncated.gpkg: cannot open as a vector dataset" \
    "$all" truncated_layer.plan

echo "== missing role layers"
for role in structure residents facilities streets parks sites; do
    cp "$good" "no_$role.gpkg" && ogrinfo -q "no_$role.gpkg" -sql "DROP TABLE $role" >/dev/null 2>&1
done
across "missing role layer: structure" 1 "no_structure.gpkg: layer 'structure': the plan has no 'structure' layer" \
    "info green" no_structure.gpkg
across "missing role layer: residents" 1 "no_residents.gpkg: layer 'residents': the plan has no 'residents' layer" \
    "coverage green" no_residents.gpkg
across "missing role layer: facilities" 1 "no_facilities.gpkg: layer 'facilities': the plan has no 'facilities'" \
    coverage no_facilities.gpkg
across "missing role layer: streets (network mode)" 1 "no_streets.gpkg: layer 'streets': the plan has no 'streets'" \
    coverage no_streets.gpkg
across "missing role layer: parks" 1 "no_parks.gpkg: layer 'parks': the plan has no 'parks' layer" green no_parks.gpkg
across "missing role layer: sites" 1 "no_sites.gpkg: layer 'sites': the plan has no 'sites' layer" sites no_sites.gpkg
plan_with no_redlines.plan redlines "" && sed -i '/^coastline/d' no_redlines.plan
across "missing role layers: redlines and coastline" 1 "neither a 'redlines' nor a 'coastline' layer" \
    sites no_redlines.plan
plan_with wrong_layername.plan parks "good.gpkg|layername=park"
across "plan file naming a layer that does not exist" 1 "good.gpkg: layer 'park': no such layer for role 'parks'" \
    "$all" wrong_layername.plan

echo "== missing and mistyped fields"
damage nofield structure POLYGON 4548 "$(rect '{"label":"U"}' 500000 4318000 502000 4319000)"
across "missing field: structure name" 1 "nofield.gpkg: layer 'structure' field 'name': missing" \
    "info coverage green" nofield.plan
damage nocat facilities POINT 4548 "$(pt '{"name":"K"}' 500400 4318520)"
across "missing field: facilities category" 1 "nocat.gpkg: layer 'facilities' field 'category': missing" \
    coverage nocat.plan
damage nopop residents POINT 4548 "$(pt '{"people":100}' 500500 4318550)"
across "missing field: residents pop" 1 "nopop.gpkg: layer 'residents' field 'pop': missing" \
    "info coverage green" nopop.plan
damage nokind redlines POLYGON 4548 "$(rect '{"name":"R"}' 501700 4318100 501900 4318300)"
across "missing field: redlines kind" 1 "nokind.gpkg: layer 'redlines' field 'kind': missing" sites nokind.plan
# pop as a text column holding numbers is read as numbers: the same population as the good plan.
damage textcol residents POINT 4548 "$(pt '{"pop":"100"}' 500500 4318550),$(pt '{"pop":"200"}' 501500 4318850),\
$(pt '{"pop":" 50 "}' 500250 4318950)"
if "$pc" info --json textcol.plan | grep -q '"pop":350'; then
    echo "ok   pop in a text column ('100', ' 50 ') reads as numbers: total 350"; pass=$((pass + 1))
else
    echo "FAIL pop in a text column: total is not 350"; fail=$((fail + 1))
fi
# Text in a numeric GeoPackage column (SQLite keeps it): OGR alone would read 'lots' as 0 and '1,200' as 1.
cp "$good" textnum.gpkg
ogrinfo -q textnum.gpkg -sql "UPDATE residents SET pop = '1,200' WHERE fid = 2" >/dev/null 2>&1
across "text in a numeric pop column" 1 "textnum.gpkg: layer 'residents' fid 2 field 'pop': '1,200' is text in a number column" \
    "info coverage green" textnum.gpkg
# category stored as a number: no profile code, so an unknown category (see below).
damage numcat facilities POINT 4548 "$f,$(pt '{"category":7,"name":"seven"}' 500600 4318520)"
across "category stored as a number" 0 "numcat.gpkg: layer 'facilities' fid 16 field 'category': '7' is not a category of the profile" \
    coverage numcat.plan

echo "== bad populations"
damage tp residents POINT 4548 "$(pt '{"pop":"lots"}' 500500 4318550)"
across "text in pop" 1 "tp.gpkg: layer 'residents' fid 1 field 'pop': 'lots' is not a number" \
    "info coverage green" tp.plan
damage np residents POINT 4548 "$(pt '{"pop":100}' 500500 4318550),$(pt '{"pop":-3}' 501500 4318850)"
across "negative pop" 1 "np.gpkg: layer 'residents' fid 2 field 'pop': -3 is not a valid population" \
    "info coverage green" np.plan
damage nan residents POINT 4548 "$(pt '{"pop":"NaN"}' 500500 4318550)"
across "NaN in pop" 1 "nan.gpkg: layer 'residents' fid 1 field 'pop': nan is not a valid population" \
    "info coverage green" nan.plan
damage inf residents POINT 4548 "$(pt '{"pop":"1e999"}' 500500 4318550)"
across "infinite pop" 1 "inf.gpkg: layer 'residents' fid 1 field 'pop': '1e999' is not a number" \
    "info coverage green" inf.plan
damage nullpop residents POINT 4548 "$(pt '{"pop":null}' 500500 4318550)"
across "null pop" 1 "nullpop.gpkg: layer 'residents' fid 1 field 'pop': no value" "info coverage green" nullpop.plan

echo "== coordinate reference systems"
damage nocrs structure POLYGON 0 "$(rect '{"name":"U"}' 500000 4318000 502000 4319000)"
# GeoJSON input is WGS 84 by definition: set the GeoPackage's undefined SRS (srs_id 0) by hand.
sqlite3 nocrs.gpkg "UPDATE gpkg_geometry_columns SET srs_id = 0; UPDATE gpkg_contents SET srs_id = 0;"
across "layer without a CRS" 1 "nocrs.gpkg: layer 'structure': the layer has no coordinate reference system" \
    "info coverage green" nocrs.plan
cp "$good" nocrs_sites.gpkg
sqlite3 nocrs_sites.gpkg "UPDATE gpkg_geometry_columns SET srs_id = -1 WHERE table_name = 'sites';
                          UPDATE gpkg_contents SET srs_id = -1 WHERE table_name = 'sites';"
across "layer without a CRS (sites, srs_id -1)" 1 "nocrs_sites.gpkg: layer 'sites': the layer has no coordinate reference system" \
    sites nocrs_sites.gpkg
sed 's/^structure = .*/structure = nocrs.gpkg|srs=EPSG:4548/' nocrs.plan > nocrs_fixed.plan
across "layer without a CRS, given one in the plan file" 0 "" info nocrs_fixed.plan
# Metre coordinates declared as lon/lat (EPSG:4326): a classic mix-up.
damage geo_m structure POLYGON 4326 "$(rect '{"name":"U"}' 500000 4318000 502000 4319000)"
across "geographic CRS with metre coordinates" 1 \
    "geo_m.gpkg: layer 'structure' fid 1: coordinates (500000 4318000) are not longitude/latitude although the layer's CRS EPSG:4326 is geographic" \
    "info coverage green" geo_m.plan
damage geo_m_sites sites POLYGON 4326 "$(rect '{"name":"S"}' 500100 4318100 500200 4318200)"
across "geographic CRS with metre coordinates (sites)" 1 "geo_m_sites.gpkg: layer 'sites' fid 1: coordinates" \
    sites geo_m_sites.plan
across "geographic analysis CRS (--crs EPSG:4326)" 1 "--crs EPSG:4326: the analysis CRS must be projected in metres" \
    "$all" --crs EPSG:4326 "$good"
across "analysis CRS in feet (--crs EPSG:2263)" 1 "--crs EPSG:2263: the analysis CRS must be projected in metres" \
    "$all" --crs EPSG:2263 "$good"
across "unknown CRS (--crs EPSG:999999)" 1 "--crs EPSG:999999: not a CRS GDAL knows" "$all" --crs EPSG:999999 "$good"

echo "== empty layers (docs/robustness.md: an empty layer counts as absent)"
for role in structure residents facilities streets parks sites subdistricts redlines; do
    cp "$good" "empty_$role.gpkg"
    [[ $role == subdistricts ]] && gj "empty_$role.gpkg" subdistricts 4548 POLYGON "$(rect '{"name":"S"}' 500000 4318000 502000 4319000)"
    ogrinfo -q "empty_$role.gpkg" -sql "DELETE FROM $role" >/dev/null 2>&1
done
across "empty residents" 1 "empty_residents.gpkg: layer 'residents': the layer has no features, and this command needs residents" \
    "coverage green" empty_residents.gpkg
across "empty residents (info lists them, population '-')" 0 "layer 'residents' has no features; it counts as absent" \
    info empty_residents.gpkg
across "empty structure" 1 "empty_structure.gpkg: layer 'structure': the layer has no features, and this command needs the structure units" \
    "info green" empty_structure.gpkg
across "empty structure (coverage: totals only)" 0 "layer 'structure' has no features; it counts as absent" \
    coverage empty_structure.gpkg
across "empty facilities" 1 "layer 'facilities': the layer has no features, and this command needs facilities" \
    coverage empty_facilities.gpkg
across "empty streets (network mode)" 1 "layer 'streets': the layer has no features, and this command needs streets to walk along" \
    coverage empty_streets.gpkg
across "empty streets (radius mode does not read them)" 0 "layer 'streets' has no features" \
    coverage --mode radius empty_streets.gpkg
across "empty parks" 1 "layer 'parks': the layer has no features, and this command needs park polygons" \
    green empty_parks.gpkg
across "empty sites" 1 "layer 'sites' has no features; it counts as absent" sites empty_sites.gpkg
across "empty subdistricts" 0 "empty_subdistricts.gpkg: layer 'subdistricts' has no features; it counts as absent" \
    "info coverage green" empty_subdistricts.gpkg
across "empty redlines" 0 "layer 'redlines' has no features; it counts as absent" sites empty_redlines.gpkg

echo "== null and empty geometries"
nullgeom='{"type":"Feature","properties":{"pop":5},"geometry":null}'
emptygeom="$(feature '{"pop":7}' '{"type":"Point","coordinates":[]}')"
damage nullgeom residents POINT 4548 "$(pt '{"pop":100}' 500500 4318550),$nullgeom,$emptygeom"
for inv in repair skip; do
    across "null and empty geometries under --invalid $inv" 0 "nullgeom.gpkg: layer 'residents': skipped 2 null or empty geometries" \
        "info coverage green" --invalid "$inv" nullgeom.plan
done
across "null and empty geometries under --invalid fail" 1 "nullgeom.gpkg: layer 'residents' fid 2: null or empty geometry" \
    "info coverage green" --invalid fail nullgeom.plan
damage allnull residents POINT 4548 "$nullgeom"
across "only null geometries" 1 "allnull.gpkg: layer 'residents': none of its 1 features is usable (1 null or empty" \
    "info coverage green" allnull.plan
damage nullsite sites POLYGON 4548 "$(feature '{"name":"N"}' null),$(rect '{"name":"S1"}' 500100 4318100 500200 4318200)"
across "null geometry among sites" 0 "nullsite.gpkg: layer 'sites': skipped 1 null or empty geometries" sites nullsite.plan

echo "== invalid polygons under each --invalid policy"
bow=$(feature '{"name":"Bow","name_zh":"b","tier":"main","class":"G12","use":"x","kind":"ecological_redline"}' \
    '{"type":"Polygon","coordinates":[[[500000,4318000],[500100,4318100],[500100,4318000],[500000,4318100],[500000,4318000]]]}')
touch_ring=$(feature '{"name":"Touch","name_zh":"t","tier":"main","class":"G12","use":"x","kind":"ecological_redline"}' \
    '{"type":"Polygon","coordinates":[[[500000,4318000],[501000,4318000],[501000,4319000],[500500,4318000],[500000,4319000],[500000,4318000]]]}')
# GDAL writes an open ring to a GeoPackage as it is (with a warning).
open_ring=$(feature '{"name":"Open","name_zh":"o","tier":"main","class":"G12","use":"x","kind":"ecological_redline"}' \
    '{"type":"Polygon","coordinates":[[[500000,4318000],[500300,4318000],[500300,4318300],[500000,4318300]]]}')
declare -A reason=([bow]="Self-intersection" [touch]="Ring Self-intersection"
                  [open]="IllegalArgumentException: Points of LinearRing do not form a closed linestring")
for shape in bow touch open; do
    case $shape in bow) g=$bow ;; touch) g=$touch_ring ;; open) g=$open_ring ;; esac
    for role_cmd in "structure:info" "parks:green" "sites:sites" "builtup:coverage"; do
        role=${role_cmd%%:*} cmd=${role_cmd##*:}
        damage "${shape}_$role" "$role" POLYGON 4548 "$g"
        across "$shape in $role under --invalid fail" 1 \
            "${shape}_$role.gpkg: layer '$role' fid 1: invalid polygon (${reason[$shape]}" \
            "$cmd" --invalid fail "${shape}_$role.plan"
        across "$shape in $role under --invalid repair" 0 "${shape}_$role.gpkg: layer '$role': repaired 1 invalid polygons" \
            "$cmd" --invalid repair "${shape}_$role.plan"
        # The layer's only feature skipped: nothing of it is left to read.
        across "$shape in $role under --invalid skip" 1 \
            "layer '$role': none of its 1 features is usable (0 null or empty geometries, 1 invalid polygons skipped)" \
            "$cmd" --invalid skip "${shape}_$role.plan"
    done
done
# A bow-tie among good polygons: skip keeps the others.
damage bow_mixed parks POLYGON 4548 "$(rect '{"name":"P","class":"G12"}' 500600 4318600 500800 4318800),$bow"
across "bow-tie among good parks under --invalid skip" 0 "bow_mixed.gpkg: layer 'parks': skipped 1 invalid polygons" \
    green --invalid skip bow_mixed.plan

echo "== geometry types"
damage pts structure POINT 4548 "$(pt '{"name":"U"}' 500500 4318500)"
across "points where polygons are expected (structure)" 1 "pts.gpkg: layer 'structure' fid 1: a Point where the 'structure' role expects polygons" \
    "info coverage green" pts.plan
damage ptparks parks POINT 4548 "$(pt '{"name":"P"}' 500700 4318700)"
across "points where polygons are expected (parks)" 1 "ptparks.gpkg: layer 'parks' fid 1: a Point where the 'parks' role expects polygons" \
    green ptparks.plan
damage ptred redlines POINT 4548 "$(pt '{"name":"R","kind":"wetland"}' 501800 4318200)"
across "points where polygons are expected (redlines)" 1 "ptred.gpkg: layer 'redlines' fid 1: a Point where the 'redlines' role expects polygons" \
    sites ptred.plan
damage lineres residents LINESTRING 4548 "$(ln '{"pop":5}' '[500500,4318550],[500600,4318550]')"
across "lines where points are expected (residents)" 1 "lineres.gpkg: layer 'residents' fid 1: a LineString where the 'residents' role expects points or polygons" \
    "info coverage green" lineres.plan
damage polystreets streets POLYGON 4548 "$(rect '{"highway":"residential"}' 500000 4318000 500100 4318100)"
across "polygons where lines are expected (streets)" 1 "polystreets.gpkg: layer 'streets' fid 1: a Polygon where the 'streets' role expects lines" \
    coverage polystreets.plan

echo "== huge coordinates"
damage huge residents POINT 4548 "$(pt '{"pop":1}' 1e300 1e300)"
across "huge coordinates (residents)" 1 "huge.gpkg: layer 'residents' fid 1: coordinates out of range" \
    "info coverage green" huge.plan
# Facilities and streets are read near the study area only (pc_plan.c): a facility far out is not read at all.
damage huge_fac facilities POINT 4548 "$f,$(pt '{"category":"clinic"}' 1e15 4318520)"
across "huge coordinates (a facility far outside the study area is not read)" 0 "wrote" coverage huge_fac.plan
damage huge_street streets LINESTRING 4548 "$streets_clean,$(street '[500000,4318500],[1e200,4318500]')"
across "huge coordinates (streets)" 1 "huge_street.gpkg: layer 'streets' fid 7: coordinates out of range" \
    coverage huge_street.plan
damage huge_site sites POLYGON 4326 "$(rect '{"name":"S"}' 117 39 1e30 40)"
across "huge coordinates (sites in lon/lat)" 1 "huge_site.gpkg: layer 'sites' fid 1: coordinates" sites huge_site.plan

echo "== unknown facility category (a warning with the counts; those facilities are ignored)"
damage unknowncat facilities POINT 4548 "$f,$(pt '{"category":"library","name":"L"}' 500600 4318520),\
$(pt '{"category":"library","name":"L2"}' 500610 4318520),$(pt '{"category":"cinema","name":"C"}' 500620 4318520)"
across "unknown facility category" 0 \
    "unknowncat.gpkg: layer 'facilities' fid 16 field 'category': 'library' is not a category of the profile; 3 facilities with unknown codes (library, cinema) are ignored: fix the codes, or add each as '[category CODE]' with level and distance_m to a --profile file" \
    coverage unknowncat.plan
printf '[category library]\nlevel = 15\ndistance_m = 1000\n[category cinema]\nlevel = 15\ndistance_m = 1000\n' > library.ini
across "unknown facility category, added to a profile" 0 "" coverage --quiet --profile library.ini unknowncat.plan

echo "== proposed facilities (coverage --add) and suggestions (suggest)"
across "--add: a file that does not exist" 1 "nope.gpkg: cannot open as a vector dataset" coverage --add nope.gpkg "$good"
across "--add: facilities without a category" 1 "nocat.gpkg: layer 'facilities' field 'category': missing" \
    coverage --add nocat.gpkg "$good"
across "--add: an unknown category (named in the added file)" 0 \
    "unknowncat.gpkg: layer 'facilities' fid 16 field 'category': 'library' is not a category of the profile" \
    coverage --add unknowncat.gpkg "$good"
across "--add: huge coordinates" 1 "huge_fac.gpkg: layer 'facilities' fid 16: coordinates out of range" \
    coverage --add huge_fac.gpkg "$good"
cp "$good" added.gpkg
expect "--add: the output is the added file" 1 "added.gpkg: is an input of this run" added.gpkg -- \
    "$pc" coverage --add added.gpkg "$good" -o added.gpkg
expect "suggest: an unknown --category" 1 "'library' is not a category of the profile" "$prev" -- \
    "$pc" suggest --category library "$good" -o "$prev"
expect "suggest: --count not a positive number" 2 "'-3' is not a number from 1" "$prev" -- \
    "$pc" suggest --level 5 --count -3 "$good" -o "$prev"
expect "suggest: neither --category nor --level" 2 "give --category CODE or --level 15|10|5" "$prev" -- \
    "$pc" suggest "$good" -o "$prev"
expect "suggest: --candidates that do not exist" 1 "nope.gpkg: cannot open as a vector dataset" "$prev" -- \
    "$pc" suggest --level 5 --candidates nope.gpkg "$good" -o "$prev"
expect "suggest: --candidates without a CRS" 1 "nocrs.gpkg: layer 'structure': the layer has no coordinate reference system" \
    "$prev" -- "$pc" suggest --level 5 --candidates nocrs.gpkg "$good" -o "$prev"
expect "suggest: --candidates with no features" 0 "no usable candidate: 0 offered" - -- \
    "$pc" suggest --level 5 --candidates empty_sites.gpkg "$good"

echo "== malformed plan and profile files"
printf 'boundary = good.gpkg\nparkz = x.gpkg\n' > bad.plan
across "plan file: unknown role" 1 "bad.plan: line 2: unknown role 'parkz'" "$all" bad.plan
printf 'boundary good.gpkg\n' > noequals.plan
across "plan file: a line without '='" 1 "noequals.plan: line 1:" "$all" noequals.plan
printf '[layerz]\nboundary = good.gpkg\n' > badsection.plan
across "plan file: unknown section" 1 "badsection.plan: line 2: unknown section [layerz]" "$all" badsection.plan
printf 'residents = good.gpkg|layername=residents|srid=4548\n' > badopt.plan
across "plan file: unknown source option" 1 "badopt.plan: line 1: unknown option 'srid=4548'" "$all" badopt.plan
plan_with badfield.plan residents "good.gpkg|layername=residents"
printf '[fields]\nresidents.people = pop\n' >> badfield.plan
across "plan file: unknown field mapping" 1 "badfield.plan: line 11: 'residents.people': unknown role or field" \
    "$all" badfield.plan
printf '# nothing here\n' > emptyplan.plan
across "plan file naming no layer" 1 "emptyplan.plan: the plan file names no role layer" "$all" emptyplan.plan
printf '\xff\xfe\x00\x01binary\x00\n' > binary.plan
across "plan file that is binary" 1 "binary.plan: line 1:" "$all" binary.plan
across "plan file that does not exist" 1 "nope.plan" "$all" nope.plan
printf '[category kindergarten]\ndistance_m = far\n' > bad.ini
across "profile: a word where a number belongs" 1 "bad.ini: line 2: distance_m 'far' of category 'kindergarten' must be a positive number" \
    "$all" --profile bad.ini "$good"
printf '[category kindergarten]\nlevel = 7\n' > badlevel.ini
across "profile: a level that is not 15, 10 or 5" 1 "badlevel.ini: line 2: level '7' of category 'kindergarten' must be 15, 10 or 5" \
    "$all" --profile badlevel.ini "$good"
printf '[catgory kindergarten]\nlevel = 5\n' > badsect.ini
across "profile: unknown section" 1 "badsect.ini: line 2: unknown section [catgory kindergarten]" "$all" --profile badsect.ini "$good"
printf '[category kindergarten\nlevel = 5\n' > unclosed.ini
across "profile: unclosed section header" 1 "unclosed.ini: line 1:" "$all" --profile unclosed.ini "$good"
across "profile that does not exist" 1 "nope.ini" "$all" --profile nope.ini "$good"
plan_with planprofile.plan "" ""
printf '[profile]\nfile = bad.ini\n' >> planprofile.plan
across "profile named by the plan file, malformed" 1 "bad.ini: line 2: distance_m 'far'" "$all" planprofile.plan

echo "== usage errors (exit 2)"
expect "unknown option" 2 "unknown option '--frobnicate'" - -- "$pc" info --frobnicate "$good"
expect "bad --invalid value" 2 "--invalid must be repair, skip or fail" - -- "$pc" info --invalid maybe "$good"
expect "unknown command" 2 "unknown command 'inf'" - -- "$pc" inf "$good"
expect "option without its value" 2 "option '-o' needs a value" - -- "$pc" coverage "$good" -o
across "bad --mode value" 2 "--mode must be network or radius, not 'walk'" coverage --mode walk "$good"
across "two plans" 2 "unexpected argument" "$all" "$good" "$good"
across "no plan" 2 "missing argument" "$all"
across "--point-radius not a number" 2 "'wide' is not a number" sites --point-radius wide "$good"

echo "== outputs"
for c in coverage green sites suggest; do
    lvl=()
    [[ $c == suggest ]] && lvl=(--level 5)
    expect "output in a missing folder [$c]" 1 "$work/missing/out.gpkg: the output folder '$work/missing' does not exist" \
        "$work/missing/out.gpkg" -- "$pc" "$c" "${lvl[@]}" "$good" -o "$work/missing/out.gpkg"
    : > "$work/regular_file"
    expect "output inside a regular file used as a folder [$c]" 1 "'$work/regular_file' is a file, not a folder" \
        "$work/regular_file/out.gpkg" -- "$pc" "$c" "${lvl[@]}" "$good" -o "$work/regular_file/out.gpkg"
    # Tests run as root in CI, where chmod does not stop anyone: /proc takes no new files, even from root.
    expect "output in a folder nobody can write (/proc) [$c]" 1 "cannot create a file in the output folder '/proc'" \
        /proc/plancheck-out.gpkg -- "$pc" "$c" "${lvl[@]}" "$good" -o /proc/plancheck-out.gpkg
    expect "output that is a folder [$c]" 1 "is a folder; -o needs a file name" - -- "$pc" "$c" "${lvl[@]}" "$good" -o "$work"
    cp "$good" victim.gpkg && before=$(sha256sum < victim.gpkg)
    expect "output that is the plan itself [$c]" 1 "victim.gpkg: is an input of this run" victim.gpkg -- \
        "$pc" "$c" "${lvl[@]}" victim.gpkg -o victim.gpkg
    expect "output that is a layer source of a plan file [$c]" 1 "good.gpkg: is an input of this run" "$good" -- \
        "$pc" "$c" "${lvl[@]}" nocrs_fixed.plan -o good.gpkg
done
if [[ $(id -u) -ne 0 ]]; then
    mkdir -p ro && chmod 555 ro
    expect "output in a read-only folder" 1 "the output folder 'ro' is not writable" ro/out.gpkg -- \
        "$pc" coverage "$good" -o ro/out.gpkg
    chmod 755 ro
else
    echo "skip output in a chmod 555 folder (running as root: /proc stands in for it above)"
fi
cp "$prev" prev_copy.gpkg
expect "an output that exists is replaced by a successful run" 0 "wrote $work/prev_copy.gpkg" prev_copy.gpkg -- \
    "$pc" green "$good" -o "$work/prev_copy.gpkg"
if ogrinfo -q prev_copy.gpkg green_units >/dev/null 2>&1 && ! ogrinfo -q prev_copy.gpkg coverage_units >/dev/null 2>&1; then
    echo "ok   the replaced output holds the new run only (green_units, no coverage_units)"; pass=$((pass + 1))
else
    echo "FAIL the replaced output is not the new run's"; fail=$((fail + 1))
fi
# report writes a folder, built beside it and renamed into place.
expect "report: output inside a regular file" 1 "regular_file/rep: cannot look at the output folder (Not a directory)" \
    "$work/regular_file/rep" -- "$pc" report "$good" -o "$work/regular_file/rep"
expect "report: output in /proc" 1 "cannot create the temporary report folder" /proc/plancheck-rep -- \
    "$pc" report "$good" -o /proc/plancheck-rep
expect "report: output that is a file" 1 "victim.gpkg: exists and is not a folder" victim.gpkg -- \
    "$pc" report "$good" -o victim.gpkg
mkdir -p userdir && echo precious > userdir/notes.txt
expect "report: output folder holding someone's files" 1 "userdir: the folder holds 'notes.txt', which plancheck did not write" \
    - -- "$pc" report "$good" -o userdir
if [[ $(cat userdir/notes.txt) == precious && $(ls userdir) == notes.txt ]]; then
    echo "ok   the user's folder is untouched"; pass=$((pass + 1))
else
    echo "FAIL the user's folder changed"; fail=$((fail + 1))
fi
# An earlier report survives a failed run.
cp -r report_dir report_before
expect "report over an earlier report, failing" 1 "tp.gpkg: layer 'residents' fid 1 field 'pop'" - -- \
    "$pc" report tp.plan -o "$work/report_dir"
if diff -r report_dir report_before >/dev/null; then
    echo "ok   the earlier report is untouched"; pass=$((pass + 1))
else
    echo "FAIL the earlier report changed"; fail=$((fail + 1))
fi

echo "== import-osm"
pbf=$here/data/osm/beijing_haidian_cau.osm.pbf
"$pc" import-osm --quiet "$pbf" -o "$work/osm_prev.gpkg" >/dev/null 2>&1
expect "import-osm: missing extract" 1 "nope.osm.pbf: cannot read the extract" "$work/osm_prev.gpkg" -- \
    "$pc" import-osm nope.osm.pbf -o "$work/osm_prev.gpkg"
head -c 60000 "$pbf" > trunc.osm.pbf
expect "import-osm: truncated extract" 1 "trunc.osm.pbf: the extract could not be read to the end" "$work/osm_prev.gpkg" -- \
    "$pc" import-osm trunc.osm.pbf -o "$work/osm_prev.gpkg"
printf 'hello\n' > text.osm.pbf
expect "import-osm: not an extract" 1 "text.osm.pbf: not an OpenStreetMap extract" "$work/osm_prev.gpkg" -- \
    "$pc" import-osm text.osm.pbf -o "$work/osm_prev.gpkg"
expect "import-osm: malformed profile" 1 "bad.ini: line 2: distance_m 'far'" "$work/osm_prev.gpkg" -- \
    "$pc" import-osm --profile bad.ini "$pbf" -o "$work/osm_prev.gpkg"
expect "import-osm: output in a missing folder" 1 "the output folder '$work/missing' does not exist" \
    "$work/missing/plan.gpkg" -- "$pc" import-osm "$pbf" -o "$work/missing/plan.gpkg"
expect "import-osm: output inside a regular file" 1 "is a file, not a folder" "$work/regular_file/plan.gpkg" -- \
    "$pc" import-osm "$pbf" -o "$work/regular_file/plan.gpkg"
expect "import-osm: output in /proc" 1 "cannot create a file in the output folder '/proc'" /proc/plancheck-plan.gpkg -- \
    "$pc" import-osm "$pbf" -o /proc/plancheck-plan.gpkg
expect "import-osm: output over its --boundary input" 1 "is an input of this run" "$work/good.gpkg" -- \
    "$pc" import-osm "$pbf" --boundary "$work/good.gpkg" -o "$work/good.gpkg"
expect "import-osm: -o missing" 2 "-o PLAN.gpkg is required" - -- "$pc" import-osm "$pbf"

echo "== the same plan in different CRSs gives the same numbers"
# Each layer reprojected to another CRS (lon/lat, UTM, CGCS2000 geographic, Web Mercator).
declare -A crs_of=([boundary]=4326 [structure]=32650 [residents]=4490 [facilities]=3857 [streets]=4326
                   [parks]=32650 [redlines]=4490 [coastline]=3857 [sites]=4326)
for role in $roles; do
    ogr2ogr -q -f GPKG mixed.gpkg "$good" "$role" -t_srs "EPSG:${crs_of[$role]}" $([[ -e mixed.gpkg ]] && echo -update)
done
# same_json A B: every number equal within 1e-6 relative (or 1e-4 absolute); strings and extents not compared.
same_json() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, math, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"plan", "extent", "source", "source_crs", "sites_source", "sites_source_crs", "geometry_type", "timing"}
def cmp(x, y, path):
    if isinstance(x, dict):
        if not isinstance(y, dict) or set(x) != set(y):
            sys.exit(f"{path}: keys differ")
        for k in x:
            if k not in skip:
                cmp(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, list):
        if not isinstance(y, list) or len(x) != len(y):
            sys.exit(f"{path}: lengths differ")
        for i, (p, q) in enumerate(zip(x, y)):
            cmp(p, q, f"{path}[{i}]")
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        if not isinstance(y, (int, float)) or not math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-4):
            sys.exit(f"{path}: {x} != {y}")
cmp(a, b, "")
PY
}
for c in info coverage green sites suggest; do
    lvl=()
    [[ $c == suggest ]] && lvl=(--level 5)
    if "$pc" "$c" "${lvl[@]}" --json --crs EPSG:4548 "$good" > "one_$c.json" 2>/dev/null &&
       "$pc" "$c" "${lvl[@]}" --json --crs EPSG:4548 mixed.gpkg > "mixed_$c.json" 2>"mixed_$c.err" &&
       why=$(same_json "one_$c.json" "mixed_$c.json") && [[ ! -s mixed_$c.err ]]; then
        echo "ok   layers in different CRSs [$c]: the same numbers as the plan in one CRS"; pass=$((pass + 1))
    else
        echo "FAIL layers in different CRSs [$c]: $why $(head -2 "mixed_$c.err")"; fail=$((fail + 1))
    fi
done

echo "== a street network with zero-length and duplicated segments"
dups="$streets_clean,$streets_clean,$(street '[500000,4318500],[501000,4318500]'),\
$(street '[501000,4318500],[501000,4318500]'),$(street '[500500,4318900],[500500,4318900]')"
damage dupstreets streets LINESTRING 4548 "$dups"
plan_with cleanstreets.plan "" ""
for mode in network radius; do
    if "$pc" coverage --json --mode $mode cleanstreets.plan > clean_$mode.json 2>/dev/null &&
       "$pc" coverage --json --mode $mode dupstreets.plan > dup_$mode.json 2>dup_$mode.err &&
       why=$(/usr/bin/python3 - clean_$mode.json dup_$mode.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for part in ("total", "units"):
    if a[part] != b[part]:
        sys.exit(f"{part} differs: {a[part]} / {b[part]}")
PY
       ); then
        echo "ok   zero-length and duplicated streets [$mode]: the same coverage as the clean network"; pass=$((pass + 1))
    else
        echo "FAIL zero-length and duplicated streets [$mode]: $why $(head -2 dup_$mode.err)"; fail=$((fail + 1))
    fi
done
across "zero-length and duplicated streets, with output" 0 "wrote" coverage dupstreets.plan

echo "== Ctrl-C (SIGINT) during a long run"
# Each run is timed once, then interrupted at some tenths of that time: exit 1, 'cancelled', the previous
# output byte-identical, no temporary file or folder, and the exit soon after the signal.
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
digest() { find "$1" -type f -exec sha256sum {} + 2>/dev/null | sed "s| $1| |" | sort | sha256sum; }
# One try: interrupt "$@" after $1 ms; sets got, latency, lines. Exit 0 means the run ended before the signal.
interrupt_after() {
    local delay=$1 pid sent
    shift
    # Under AddressSanitizer (scripts/test.sh): GEOS 3.11's buffer builder leaks its noder when interrupted, at
    # exit of a cancelled run; our own cancel paths are leak-checked without GEOS interruption (test_cancel.c).
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@" >/dev/null 2>"$work/err.txt" &
    pid=$!
    sleep "$(secs "$delay")"
    sent=$(ms)
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    got=$?
    latency=$(($(ms) - sent))
    lines=$(wc -l < "$work/err.txt")
}
# sigint NAME OUTPUT "TENTHS" COMMAND...: the command writes OUTPUT (a file or a folder).
sigint() {
    local name=$1 output=$2 tenths=$3 start full t delay before retry
    shift 3
    start=$(ms)
    "$@" --quiet >/dev/null 2>&1
    full=$(($(ms) - start))
    echo "     $name: a full run takes $(secs $full)s"
    for t in $tenths; do
        delay=$((full * t / 10)) before=$(digest "$output")
        interrupt_after "$delay" "$@"
        # A machine less busy than during the timed run may finish first: try earlier (twice at most).
        for retry in 1 2; do
            [[ $got -eq 0 ]] || break
            delay=$((delay / 2)) before=$(digest "$output")
            interrupt_after "$delay" "$@"
        done
        if [[ $got -eq 1 ]] && grep -q "plancheck $name: cancelled; nothing was written" "$work/err.txt" &&
           [[ $lines -le 3 && $(digest "$output") == "$before" && -z $(leftovers) ]] && ((latency < 5000)); then
            echo "ok   SIGINT $name after $(secs $delay)s: exit 1 $(secs $latency)s later, 'cancelled', previous output intact, no temp file"
            pass=$((pass + 1))
        else
            echo "FAIL SIGINT $name after $(secs $delay)s: exit $got $(secs $latency)s later, $lines stderr lines:"
            sed 's/^/     /' "$work/err.txt" | head -3
            [[ -n $(leftovers) ]] && echo "     left behind: $(leftovers)"
            fail=$((fail + 1))
        fi
    done
}
# A generated city whose coverage with -o takes seconds (most of it GEOS unions of the service areas).
/usr/bin/python3 "$here/../scripts/gen_city.py" --segments 20000 --quiet -o "$work/city.gpkg" >/dev/null
sigint coverage "$work/city_prev.gpkg" "1 3 5 8" "$pc" coverage "$work/city.gpkg" -o "$work/city_prev.gpkg"
# The Binhai plan's report: a folder, replaced whole or not at all.
binhai=$here/../layers/binhai/binhai.gpkg
if [[ -f $binhai ]]; then
    sigint report "$work/binhai_report" "2 5 8" "$pc" report "$binhai" -o "$work/binhai_report"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
