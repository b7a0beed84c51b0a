#!/usr/bin/env bash
# check_osm_counts.sh: import the committed OSM extract and check its counts against an independent count.
#   bash tests/check_osm_counts.sh PLANCHECK WORKDIR
# The independent side reads the extract with osmium (not GDAL) and applies the README's tag tables in jq
# (not the C importer), or counts with GDAL SQL over the raw OSM layers where geometry is needed. Then it
# runs `plancheck info` on the plan, and `coverage` and `green` when the binary has those commands.
set -uo pipefail
pc=${1:?plancheck binary}
work=${2:?work folder}
here=$(cd "$(dirname "$0")" && pwd)
extract=${PC_OSM_EXTRACT:-$here/data/osm/beijing_haidian_cau.osm.pbf} # override to check another extract
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
for tool in osmium jq ogrinfo; do
    command -v "$tool" >/dev/null || { echo "FAIL $tool is missing (Debian: osmium-tool, jq, gdal-bin; scripts/setup.sh --tests)"; exit 1; }
done

# --- The import --------------------------------------------------------------------------------------------
if "$pc" import-osm "$extract" -o plan.gpkg --population 20000 --json > summary.json 2> import.err; then
    ok "import-osm $(basename "$extract") -> plan.gpkg ($(jq -r '.crs' summary.json), study area: $(jq -r '.boundary' summary.json))"
else
    bad "import-osm failed:"; sed 's/^/     /' import.err; exit 1
fi

# --- The independent count: osmium export, one record per OSM object, tag tables in jq ------------------
osmium export "$extract" -f geojsonseq -a type,id -O -o objects.seq 2> osmium.err ||
    { bad "osmium export failed: $(head -2 osmium.err)"; exit 1; }
tr -d '\036' < objects.seq > objects.json # GeoJSON text sequence to JSON lines
# GDAL's OSM driver reports a closed way that is an outer ring of a multipolygon relation only through that
# relation (the way's own tags are not seen; README, limitations). Model it: the outer ways of every
# multipolygon relation osmium could assemble into an area.
osmium tags-filter -R "$extract" r/type=multipolygon -f opl -O -o mp.opl 2>> osmium.err
jq -r 'select(.properties["@type"] == "relation") | .properties["@id"]' objects.json | sort -u > mp_areas.txt
awk '/^r/ {id = substr($1, 2); m = $0; sub(/.* M/, "", m); n = split(m, parts, ",");
     for (i = 1; i <= n; i++) if (parts[i] ~ /^w[0-9]+@outer$/) { w = parts[i]; sub(/^w/, "", w); sub(/@outer$/, "", w); print id, w } }' mp.opl |
    awk 'NR == FNR {ok[$1] = 1; next} ($1 in ok) {print $2}' mp_areas.txt - | sort -u | jq -s -c '.' > consumed.json
# Closed ways come out twice (line and area): keep the area only where the README's rule makes one (a closed
# way with one of the area keys, or area=yes, and not area=no; relations are always areas), else the line.
jq -c -s --slurpfile outer consumed.json '
  def area_keys: ["aeroway","amenity","boundary","building","craft","geological","historic","landuse","leisure",
                  "military","natural","office","place","shop","sport","tourism","healthcare","social_facility"];
  def is_area($t): ($t.area // "") != "no" and (($t.area // "") == "yes" or ([area_keys[] | select($t[.] != null)] | length > 0)
                   or $t.highway == "platform" or $t.public_transport == "platform");
  (($outer[0] // []) | map({key: tostring, value: true}) | from_entries) as $consumed
  | group_by([.properties["@type"], .properties["@id"]])
  | map((.[0].properties | with_entries(select(.key | startswith("@") | not))) as $t
        | (map(select(.geometry.type | test("Polygon")))) as $areas
        | (map(select(.geometry.type | test("Polygon") | not))) as $others
        | (if ($areas | length) > 0 and (.[0].properties["@type"] == "relation" or is_area($t) or ($others | length) == 0)
           then $areas[0] else $others[0] end)
        | {type: .properties["@type"], id: .properties["@id"], geom: .geometry.type, tags: $t})
  | map(select((.type == "way" and .geom != "LineString" and $consumed[.id | tostring]) | not))
  | .[]' objects.json > objects.jsonl

cat > tables.jq <<'EOF'
# The facility table of the README, row by row: [key, value, category, special].
def fac_rules: [
  ["amenity","school",null,"school"], ["amenity","kindergarten","kindergarten",""],
  ["amenity","hospital","health_center",""], ["amenity","clinic","clinic","clinic"],
  ["amenity","doctors","clinic","clinic"], ["amenity","nursing_home","elderly_care",""],
  ["amenity","community_centre","community_service",""], ["amenity","marketplace","market",""],
  ["amenity","arts_centre","culture_center",""], ["amenity","library","culture_center",""],
  ["amenity","theatre","culture_center",""], ["social_facility","nursing_home","elderly_care",""],
  ["social_facility","assisted_living","elderly_care",""], ["social_facility","day_care","elderly_daycare","senior"],
  ["healthcare","hospital","health_center",""], ["healthcare","centre","clinic","clinic"],
  ["healthcare","clinic","clinic","clinic"], ["healthcare","doctor","clinic","clinic"],
  ["leisure","sports_centre","sports_large",""], ["leisure","stadium","sports_large",""],
  ["leisure","pitch","sports_mid",""], ["leisure","fitness_station","fitness",""],
  ["leisure","fitness_centre","fitness",""], ["shop","supermarket","market",""],
  ["shop","greengrocer","market",""], ["shop","convenience","convenience",""],
  ["shop","mall","mall",""], ["shop","department_store","mall",""]];

# School level: isced:level digits (1 primary, 2 middle), then school:level words, then the last
# type word of the name (一贯制/九年制: both).
def isced_set: [scan("[0-9]-[0-9]|[0-9]")
                | if test("-") then (split("-") | map(tonumber) | range(.[0]; .[1] + 1)) else tonumber end];
def name_kind:
  if . == null then null
  elif test("一贯制|九年制") then "both"
  else [match("高级中学|初级中学|小学|初中|附中|中学|高中|primary school|elementary|middle school|junior high|high school"; "gi").string
        | ascii_downcase] as $m
    | if ($m | length) == 0 then null
      else ($m | last) as $w
        | if ($w == "小学" or $w == "primary school" or $w == "elementary") then "primary"
          elif ($w == "高级中学" or $w == "高中" or $w == "high school") then "senior"
          else "middle" end end end;
def school_cats($t):
  (($t["isced:level"] // "") | isced_set) as $i
  | if ($i | length) > 0 then
      [if ($i | index(1)) then "primary_school" else empty end, if ($i | index(2)) then "middle_school" else empty end]
    else (($t["school:level"] // "") | ascii_downcase) as $l
      | ([if ($l | test("primary|elementary")) then "primary_school" else empty end,
          if ($l | test("middle|junior|lower_secondary")) or (($l | test("secondary")) and ($l | test("upper") | not))
          then "middle_school" else empty end]) as $s
      | if ($s | length) > 0 then $s
        elif ($l | test("high|senior|upper")) then []
        else (($t.name | name_kind) // ($t["name:zh"] | name_kind)) as $k
          | if $k == "both" then ["primary_school", "middle_school"]
            elif $k == "primary" then ["primary_school"] elif $k == "middle" then ["middle_school"] else [] end
        end
    end;
def categories($t):
  (first(fac_rules[] as $r | select($t[$r[0]] == $r[1])
         | select($r[3] != "senior" or (($t["social_facility:for"] // "") | test("senior"))) | $r) // null) as $r
  | if $r == null then []
    elif $r[3] == "school" then school_cats($t)
    elif $r[3] == "clinic" and (($t.name // "") | test("卫生服务中心|卫生院")) then ["health_center"]
    else [$r[2]] end;

# Streets: ways (lines) a person may walk.
def walkable($t):
  ($t.highway) as $h | ($t.foot // "") as $f
  | ([$t.sidewalk, $t["sidewalk:both"], $t["sidewalk:left"], $t["sidewalk:right"]]
     | map(select(. == "both" or . == "left" or . == "right" or . == "yes")) | length > 0) as $side
  | ($f == "yes" or $f == "designated" or $f == "permissive") as $foot
  | if $f == "no" or $f == "use_sidepath" then false
    elif ($t.access // "") == "no" and ($foot | not) then false
    elif ["footway","path","pedestrian","steps","living_street","residential","service","unclassified","tertiary",
          "tertiary_link","secondary","secondary_link","primary","primary_link","track","road"] | index($h) then true
    elif $h == "cycleway" or $h == "bridleway" then ($foot or $side or ($t.segregated != null))
    elif ["motorway","motorway_link","trunk","trunk_link"] | index($h) then ($side or $foot)
    else false end;

# Parks: the first park row; public areas only.
def park_rows: [["leisure","park",true],["landuse","recreation_ground",true],["leisure","garden",true],
  ["landuse","village_green",true],["tourism","zoo",true],["leisure","nature_reserve",false],
  ["boundary","protected_area",false],["boundary","national_park",false],["landuse","grass",false],
  ["landuse","forest",false],["landuse","meadow",false],["natural","wood",false],["natural","scrub",false],
  ["natural","grassland",false]];
def is_park($o): $o.tags as $t
  | (first(park_rows[] as $r | select($t[$r[0]] == $r[1]) | $r) // null) as $r
  | $r != null and $r[2] and ($o.geom | test("Polygon")) and (["private","no"] | index($t.access // "") | not);
EOF

jq -s -r 'include "tables"; [.[] | categories(.tags)[]] | group_by(.) | map("\(.[0]) \(length)") | .[]' \
    -L . objects.jsonl > expected_categories.txt
ogrinfo -ro -q plan.gpkg -sql "SELECT category, COUNT(*) AS n FROM facilities GROUP BY category" |
    awk -F' = ' '/category \(String\)/ {c=$2} /n \(Integer\)/ {print c, $2}' | sort > imported_categories.txt
for code in $(jq -r '.categories | keys[]' summary.json); do
    want=$(awk -v c="$code" '$1 == c {print $2}' expected_categories.txt); want=${want:-0}
    got=$(awk -v c="$code" '$1 == c {print $2}' imported_categories.txt); got=${got:-0}
    if [[ $want == "$got" ]]; then ok "facilities $code: $got (osmium + jq: $want)"
    else bad "facilities $code: plan has $got, osmium + jq count $want"; fi
done
extra=$(awk 'NR==FNR {seen[$1]=1; next} !($1 in seen)' <(jq -r '.categories | keys[]' summary.json) expected_categories.txt)
[[ -z $extra ]] && ok "no category outside the profile" || bad "categories outside the profile: $extra"

want=$(jq -s 'include "tables"; map(select(.type == "way" and .tags.highway != null and (.geom | test("Polygon") | not)
              and walkable(.tags))) | length' -L . objects.jsonl)
got=$(ogrinfo -ro -q plan.gpkg -sql "SELECT COUNT(*) AS n FROM streets" | awk -F' = ' '/n \(Integer\)/ {print $2}')
[[ $want == "$got" ]] && ok "streets: $got walkable ways (osmium + jq: $want)" || bad "streets: plan has $got, osmium + jq count $want"
for hw in footway service primary motorway cycleway; do
    w=$(jq -s --arg h "$hw" 'include "tables"; map(select(.type == "way" and .tags.highway == $h and
          (.geom | test("Polygon") | not) and walkable(.tags))) | length' -L . objects.jsonl)
    g=$(ogrinfo -ro -q plan.gpkg -sql "SELECT COUNT(*) AS n FROM streets WHERE highway = '$hw'" | awk -F' = ' '/n \(Integer\)/ {print $2}')
    [[ $w == "$g" ]] && ok "streets highway=$hw: $g" || bad "streets highway=$hw: plan has $g, osmium + jq count $w"
done

# Parks: every public park-tagged area is either in the plan or reported as inside a larger park.
want=$(jq -s 'include "tables"; map(select(is_park(.))) | length' -L . objects.jsonl)
got=$(ogrinfo -ro -q plan.gpkg -sql "SELECT COUNT(*) AS n FROM parks" | awk -F' = ' '/n \(Integer\)/ {print $2}')
inside=$(jq '[.skipped[] | select(.layer == "parks" and (.reason | test("inside a larger park"))) | .count] | add // 0' summary.json)
[[ $want == $((got + inside)) ]] && ok "parks: $got in the plan + $inside inside larger parks (osmium + jq: $want)" ||
    bad "parks: plan has $got + $inside inside larger parks, osmium + jq count $want"

# Unmapped: every object with a facility-like key is a facility, a park row, skipped, or counted as unmapped.
want=$(jq -s 'include "tables"; map(select((.tags | has("amenity") or has("shop") or has("leisure") or has("healthcare")
         or has("social_facility") or has("tourism") or has("office") or has("craft") or has("club"))
         and (categories(.tags) | length == 0)
         and ([park_rows[] as $r | select(.tags[$r[0]] == $r[1])] | length == 0)
         and ((.tags.amenity == "school") | not))) | length' -L . objects.jsonl)
got=$(jq '[.unmapped[]] | add // 0' summary.json)
[[ $want == "$got" ]] && ok "unmapped objects counted: $got (osmium + jq: $want)" || bad "unmapped: summary has $got, osmium + jq count $want"

# --- Residents, by GDAL SQL (SQLite dialect with SpatiaLite) over the raw OSM layers ---------------------
# Import again with a study area larger than the data, so no resident is left out by position.
read -r x0 y0 x1 y1 < <(osmium fileinfo -e -g data.bbox "$extract" | tr -d '()' | tr ',' ' ')
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"all"},"geometry":{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}}]}' \
    "$x0" "$y0" "$x1" "$y0" "$x1" "$y1" "$x0" "$y1" "$x0" "$y0" > all.geojson
"$pc" import-osm "$extract" -o all.gpkg --boundary all.geojson --json > all.json 2> all.err ||
    { bad "import-osm --boundary all.geojson failed: $(head -2 all.err)"; }
typed="'apartments','residential','dormitory','house','detached','semidetached_house','terrace','bungalow','farm'"
want_typed=$(ogrinfo -ro -q "$extract" -dialect SQLite -sql "SELECT COUNT(*) AS n FROM multipolygons WHERE building IN ($typed)" |
    awk -F' = ' '/n \(Integer\)/ {print $2}')
got_typed=$(ogrinfo -ro -q all.gpkg -sql "SELECT COUNT(*) AS n FROM residents WHERE building IN ($typed)" | awk -F' = ' '/n \(Integer\)/ {print $2}')
[[ $want_typed == "$got_typed" ]] && ok "residents: $got_typed typed residential buildings (GDAL SQL: $want_typed)" ||
    bad "residents typed: plan has $got_typed, GDAL SQL counts $want_typed"
use_free="b.amenity IS NULL AND b.shop IS NULL AND b.office IS NULL AND b.leisure IS NULL AND b.tourism IS NULL
  AND b.craft IS NULL AND b.man_made IS NULL AND b.military IS NULL AND (b.other_tags IS NULL OR (b.other_tags NOT LIKE '%\"healthcare\"=>%'
  AND b.other_tags NOT LIKE '%\"public_transport\"=>%' AND b.other_tags NOT LIKE '%\"industrial\"=>%'))"
want_yes=$(ogrinfo -ro -q "$extract" -dialect SQLite -sql "SELECT COUNT(*) AS n FROM multipolygons b WHERE b.building = 'yes' AND $use_free
  AND EXISTS (SELECT 1 FROM multipolygons l WHERE l.landuse = 'residential' AND ST_Intersects(l.GEOMETRY, ST_PointOnSurface(b.GEOMETRY)))" |
    awk -F' = ' '/n \(Integer\)/ {print $2}')
got_yes=$(ogrinfo -ro -q all.gpkg -sql "SELECT COUNT(*) AS n FROM residents WHERE building = 'yes'" | awk -F' = ' '/n \(Integer\)/ {print $2}')
[[ $want_yes == "$got_yes" ]] && ok "residents: $got_yes building=yes in residential landuse (GDAL SQL + SpatiaLite: $want_yes)" ||
    bad "residents building=yes: plan has $got_yes, GDAL SQL counts $want_yes"
pop=$(jq '.residents.pop_total' summary.json)
if [[ $(jq '.layers.residents' summary.json) == 0 ]]; then
    echo "note the extract has no residential buildings or landuse: no population to check"
else
    awk -v p="$pop" 'BEGIN {exit !(p > 19999.999 && p < 20000.001)}' && ok "pop sums to --population 20000 ($pop)" ||
        bad "pop sums to $pop, not 20000"
fi
attribution=$(ogrinfo -ro -q plan.gpkg -sql "SELECT value FROM plancheck_run WHERE key = 'osm_attribution'" | awk -F' = ' '/value/ {print $2}')
[[ $attribution == *"OpenStreetMap contributors"* ]] && ok "the plan carries the attribution: $attribution" ||
    bad "no osm_attribution in plancheck_run"

# --- The plan works with the other commands ----------------------------------------------------------------
if "$pc" info plan.gpkg --json > info.json 2> info.err; then
    ipop=$(jq '.total.pop // .total.population // empty' info.json)
    ok "plancheck info plan.gpkg (total pop ${ipop:-?})"
else
    bad "plancheck info failed: $(head -2 info.err)"
fi
for cmd in coverage green; do
    if "$pc" "$cmd" --help >/dev/null 2>&1; then
        if "$pc" "$cmd" plan.gpkg --json > "$cmd.json" 2> "$cmd.err"; then ok "plancheck $cmd plan.gpkg"
        else bad "plancheck $cmd plan.gpkg: $(head -2 "$cmd.err")"; fi
    else
        echo "note plancheck $cmd is not in this binary yet (built on another branch): skipped"
    fi
done

echo "check_osm_counts: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
