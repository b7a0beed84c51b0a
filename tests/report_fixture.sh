#!/usr/bin/env bash
# report_fixture.sh: a tiny plan for the report's script tests (sourced by check_qgis.sh and check_html.sh).
#   make_tiny_plan OUT.gpkg
# A 4 x 3 km town at E 500000 N 4318000 (EPSG:4548): two structure units with Chinese names, two
# subdistricts, residents, facilities, streets, parks, red lines, a coastline with the sea east of it,
# and three proposed sites meant to fail (inside the ecological red line), warn (inside the 200 m coastal
# setback) and pass. Written as GeoJSON, converted with ogr2ogr.

tiny_layer() { # tiny_layer GPKG NAME GEOJSON_FEATURES
    local gpkg=$1 name=$2 features=$3 tmp
    tmp=$(mktemp --suffix=.geojson)
    printf '{"type":"FeatureCollection","features":[%s]}\n' "$features" >"$tmp"
    if [[ -f $gpkg ]]; then
        ogr2ogr -q -f GPKG -update -a_srs EPSG:4548 -nln "$name" "$gpkg" "$tmp"
    else
        ogr2ogr -q -f GPKG -a_srs EPSG:4548 -nln "$name" "$gpkg" "$tmp"
    fi
    rm -f "$tmp"
}

# A rectangle polygon feature: rect X0 Y0 X1 Y1 PROPERTIES_JSON (offsets in metres from E 500000 N 4318000).
rect() {
    local x0=$((500000 + $1)) y0=$((4318000 + $2)) x1=$((500000 + $3)) y1=$((4318000 + $4))
    printf '{"type":"Feature","properties":%s,"geometry":{"type":"Polygon","coordinates":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}}' \
        "$5" "$x0" "$y0" "$x1" "$y0" "$x1" "$y1" "$x0" "$y1" "$x0" "$y0"
}
point() {
    printf '{"type":"Feature","properties":%s,"geometry":{"type":"Point","coordinates":[%d,%d]}}' \
        "$3" $((500000 + $1)) $((4318000 + $2))
}
segment() {
    printf '{"type":"Feature","properties":%s,"geometry":{"type":"LineString","coordinates":[[%d,%d],[%d,%d]]}}' \
        "$5" $((500000 + $1)) $((4318000 + $2)) $((500000 + $3)) $((4318000 + $4))
}

make_tiny_plan() {
    local g=$1 f x y
    rm -f "$g"
    tiny_layer "$g" boundary "$(rect 0 0 4000 3000 '{"name":"Tiny town 小镇"}')"
    tiny_layer "$g" structure "$(rect 0 0 2000 3000 '{"name":"West","name_zh":"西区","tier":"main"}'),$(rect 2000 0 4000 3000 '{"name":"East","name_zh":"东区","tier":"cluster"}')"
    tiny_layer "$g" subdistricts "$(rect 0 1500 4000 3000 '{"name":"North street","name_zh":"北街道"}'),$(rect 0 0 4000 1500 '{"name":"South town","name_zh":"南镇"}')"
    f=""
    for x in 250 750 1250 1750 2250 2750 3250; do
        for y in 250 750 1250 1750 2250 2750; do
            f+="${f:+,}$(point $x $y "{\"pop\":$(( (x + y) / 10 ))}")"
        done
    done
    tiny_layer "$g" residents "$f"
    f=""
    for c in middle_school health_center culture_center sports_large elderly_care community_service mall \
             primary_school market sports_mid kindergarten clinic elderly_daycare fitness convenience; do
        f+="${f:+,}$(point 1000 1500 "{\"category\":\"$c\",\"name\":\"$c west\"}")"
        f+=",$(point 3000 1500 "{\"category\":\"$c\",\"name\":\"$c east\"}")"
    done
    tiny_layer "$g" facilities "$f"
    f=""
    for y in 0 500 1000 1500 2000 2500 3000; do f+="${f:+,}$(segment 0 $y 3800 $y '{"highway":"residential"}')"; done
    for x in 0 500 1000 1500 2000 2500 3000 3500; do f+=",$(segment $x 0 $x 3000 '{"highway":"residential"}')"; done
    tiny_layer "$g" streets "$f"
    tiny_layer "$g" parks "$(rect 400 400 700 700 '{"name":"Pond park","name_zh":"池塘公园","class":"G12"}'),$(rect 2300 2100 2600 2500 '{"name":"East park","name_zh":"东公园","class":"G11"}')"
    tiny_layer "$g" redlines "$(rect 0 2400 800 3000 '{"name":"Hill forest","name_zh":"山林","kind":"ecological_redline","rule":"no construction"}'),$(rect 1200 0 1800 300 '{"name":"Reed marsh","name_zh":"芦苇湿地","kind":"wetland"}')"
    tiny_layer "$g" coastline "$(segment 4000 0 4000 3000 '{}')"
    tiny_layer "$g" sea "$(rect 4000 -500 5000 3500 '{"name":"Sea"}')"
    tiny_layer "$g" sites "$(rect 100 2600 300 2800 '{"name":"Quarry","name_zh":"采石场","use":"industrial"}'),$(rect 3850 1000 3950 1100 '{"name":"Beach hotel","name_zh":"海滨酒店","use":"commercial"}'),$(rect 1500 1200 1700 1400 '{"name":"School","name_zh":"学校","use":"school"}')"
}
