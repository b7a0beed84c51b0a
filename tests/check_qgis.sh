#!/usr/bin/env bash
# check_qgis.sh: `plancheck report` opened in real QGIS (python3-qgis, headless): every layer valid, the stored
# styles applied (in the project and as the GeoPackage's default styles), a render that is not blank.
# On a tiny plan built here, and on the Binhai default plan when present.
#   bash tests/check_qgis.sh PLANCHECK WORKDIR
set -uo pipefail
pc=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/report_fixture.sh"
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
rm -rf "$work" && mkdir -p "$work"
if ! /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    echo "FAIL python3-qgis is not installed (scripts/setup.sh --tests installs it)"
    exit 1
fi
bad=0

# Renderers the report must give (layer:renderer), and those of analyses that ran.
expect_for() { # expect_for REPORT_DIR
    local dir=$1
    local e="boundary:singleSymbol structure:categorizedSymbol redlines:categorizedSymbol parks:singleSymbol"
    e+=" residents:graduatedSymbol"
    /usr/bin/python3 - "$dir/summary.json" <<'PY' && e+=" site_checks:categorizedSymbol"
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["analyses"]["sites"]["ran"] else 1)
PY
    /usr/bin/python3 - "$dir/summary.json" <<'PY' && e+=" coverage_units:graduatedSymbol"
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["analyses"]["coverage"]["ran"] else 1)
PY
    /usr/bin/python3 - "$dir/summary.json" <<'PY' && e+=" park_service_areas:singleSymbol"
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["analyses"]["green"]["ran"] else 1)
PY
    echo "$e"
}

run_case() { # run_case NAME PLAN
    local name=$1 plan=$2 dir="$work/$1/report"
    echo "== $name: plancheck report $plan -o $dir"
    if ! "$pc" report "$plan" -o "$dir" --quiet >"$work/$name.out" 2>"$work/$name.err"; then
        echo "FAIL plancheck report exited non-zero:"; cat "$work/$name.err"; bad=$((bad + 1)); return
    fi
    # The layer_styles table as QGIS 3.22 creates it: 'id' key, f_table_schema '' (not NULL), one default per layer.
    if /usr/bin/python3 - "$dir/plancheck.gpkg" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in db.execute("PRAGMA table_info(layer_styles)")]
want = ["id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
        "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]
assert cols == want, "layer_styles columns %s, want %s" % (cols, want)
nulls = db.execute("SELECT count(*) FROM layer_styles WHERE f_table_schema IS NULL OR f_table_schema <> ''").fetchone()[0]
assert nulls == 0, "%d styles with f_table_schema not ''" % nulls
tables = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")}
styled = {r[0] for r in db.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault")}
assert tables == styled, "feature tables without a default style: %s" % (tables - styled)
print("ok   layer_styles: QGIS 3.22 schema, f_table_schema '', a default style for each of %d layers" % len(tables))
PY
    then :; else echo "FAIL layer_styles table"; bad=$((bad + 1)); fi
    # shellcheck disable=SC2046
    if ! /usr/bin/python3 "$here/check_qgis.py" "$dir" "$work/$name.png" $(expect_for "$dir") 2>&1 |
            grep -v "XDG_RUNTIME_DIR" | tee "$work/$name.qgis" | grep -v '^ok' ; then :; fi
    grep -q '^0 checks failed' "$work/$name.qgis" || bad=$((bad + 1))
    echo "   $(grep -c '^ok' "$work/$name.qgis") QGIS checks passed; render in $work/$name.png"
}

make_tiny_plan "$work/tiny.gpkg"
run_case tiny "$work/tiny.gpkg"
binhai="$here/../layers/binhai/binhai.gpkg"
if [[ -f $binhai ]]; then
    run_case binhai "$binhai"
else
    echo "-- Binhai plan not present: skipped"
fi
echo "check_qgis: $((bad == 0 ? 1 : 0)) passed, $bad failed"
[[ $bad -eq 0 ]]
