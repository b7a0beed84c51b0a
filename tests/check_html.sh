#!/usr/bin/env bash
# check_html.sh: report.html in headless Chromium: a screenshot that is not blank, no console errors, the expected
# content in the DOM (targets, unit tables with Chinese names, inline SVG maps with legend, scale bar, north arrow
# and CRS), and nothing loaded from outside. On a tiny plan built here, and on the Binhai plan when present.
#   bash tests/check_html.sh PLANCHECK WORKDIR
set -uo pipefail
pc=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/report_fixture.sh"
rm -rf "$work" && mkdir -p "$work"
bad=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; bad=$((bad + 1)); }

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium_bin ]] || { echo "FAIL chromium is not installed (scripts/setup.sh --tests installs it)"; exit 1; }
if fc-list :lang=zh family | grep -qi "noto sans cjk"; then ok "a CJK font (Noto Sans CJK) is installed"
else fail "no Noto Sans CJK font: Chinese would show as boxes (install fonts-noto-cjk)"; fi

chrome() { # chrome PROFILE_DIR ARGS...
    local profile=$1
    shift
    timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" "$@"
}

run_case() { # run_case NAME PLAN EXPECTED_TEXT...
    local name=$1 plan=$2 dir="$work/$1/report"
    shift 2
    echo "== $name: plancheck report $plan -o $dir"
    if ! "$pc" report "$plan" -o "$dir" --quiet >"$work/$name.out" 2>"$work/$name.err"; then
        fail "plancheck report exited non-zero: $(cat "$work/$name.err")"; return
    fi
    local html="$dir/report.html" url="file://$dir/report.html"
    grep -q '<meta charset="utf-8">' "$html" && ok "UTF-8 declared" || fail "no <meta charset=\"utf-8\">"
    if grep -Eqi '(src|href|action)="(https?:)?//|url\((https?:)?//|@import|<script[^>]+src=|<link[^>]+stylesheet' "$html"
    then fail "report.html loads something from outside: $(grep -Eoi '(src|href)="(https?:)?//[^"]*' "$html" | head -3)"
    else ok "no external resources"; fi
    # The screenshot, with console messages logged to stderr.
    chrome "$(mktemp -d)" --enable-logging=stderr --v=0 --screenshot="$work/$name.png" --window-size=1280,2000 \
        "$url" >"$work/$name.chrome.out" 2>"$work/$name.chrome.err"
    [[ -s $work/$name.png ]] && ok "screenshot $work/$name.png" || fail "no screenshot"
    if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load|net::ERR' "$work/$name.chrome.err" | grep -v 'dbus' >"$work/$name.console"
    then fail "the page logged errors: $(head -3 "$work/$name.console")"; else ok "no console errors"; fi
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 - "$work/$name.png" <<'PY' && ok "screenshot is not blank" || fail "screenshot blank"
import sys
from qgis.PyQt.QtGui import QImage, QColor
im = QImage(sys.argv[1])
assert not im.isNull(), "cannot read the screenshot"
colours, dark = set(), 0
for y in range(0, im.height(), 4):
    for x in range(0, im.width(), 4):
        p = im.pixel(x, y)
        colours.add(p)
        dark += QColor(p).lightness() < 128
print("     %d distinct colours, %d dark sample pixels" % (len(colours), dark))
sys.exit(0 if len(colours) >= 20 and dark > 500 else 1)
PY
    # The DOM after the page loaded: the content a committee needs.
    chrome "$(mktemp -d)" --dump-dom "$url" >"$work/$name.dom" 2>/dev/null
    local expected=("规划体检报告" "Targets and verdicts" "一主两副六组团" "Streets and towns" "Legend 图例" "class=\"scalebar\""
                    "class=\"north\"" "CRS EPSG:" "plancheck " "$@")
    for text in "${expected[@]}"; do
        grep -qF -- "$text" "$work/$name.dom" && ok "page shows '$text'" || fail "page lacks '$text'"
    done
    # Each analysis that ran has its part of the page.
    local ran
    ran=$(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["analyses"]; print(" ".join(k for k in a if a[k]["ran"]))' "$dir/summary.json")
    local want_maps=1
    for a in $ran; do
        case $a in
            coverage) text="15-minute life circle coverage 十五分钟生活圈覆盖率"; want_maps=$((want_maps + 1)) ;;
            green) text="Outside every park service area 公园服务盲区"; want_maps=$((want_maps + 1)) ;;
            sites) text="Proposed sites 选址核查"; want_maps=$((want_maps + 1)) ;;
        esac
        grep -qF -- "$text" "$work/$name.dom" && ok "$a ran: page shows '$text'" || fail "$a ran but the page lacks '$text'"
    done
    local maps
    maps=$(grep -o '<svg[^>]*class="map"' "$work/$name.dom" | wc -l)
    ((maps >= want_maps)) && ok "$maps inline SVG maps (analyses ran: ${ran:-none})" || fail "only $maps inline SVG maps"
}

make_tiny_plan "$work/tiny.gpkg"
run_case tiny "$work/tiny.gpkg" "西区" "东区" "北街道" "采石场" "不通过" "EPSG:4548"
binhai="$here/../layers/binhai/binhai.gpkg"
if [[ -f $binhai ]]; then
    run_case binhai "$binhai" "主城区" "汉沽" "大港" "Partly synthetic" "OpenStreetMap contributors" "泰达街道"
else
    echo "-- Binhai plan not present: skipped"
fi
echo "check_html: $((bad == 0 ? 1 : 0)) passed, $bad failed"
[[ $bad -eq 0 ]]
