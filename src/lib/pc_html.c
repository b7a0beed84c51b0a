/* pc_html.c: the report page: targets and verdicts, tables per unit, inline SVG maps, provenance. */
#include "pc_html.h"
#include "pc_geom.h"
#include "pc_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_STACK "\"Noto Sans CJK SC\", \"Noto Sans SC\", \"Source Han Sans SC\", \"PingFang SC\", " \
                   "\"Microsoft YaHei\", \"WenQuanYi Micro Hei\", \"Helvetica Neue\", Arial, sans-serif"

static const char *const CSS =
    "body{font-family:" FONT_STACK ";margin:0;background:#f4f3ef;color:#222;line-height:1.45}"
    "main{max-width:1240px;margin:0 auto;padding:24px 28px 48px;background:#fff}"
    "h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 10px;border-bottom:2px solid #ddd;"
    "padding-bottom:4px}h3{font-size:16px;margin:20px 0 8px}"
    ".meta{color:#555;font-size:14px;margin:2px 0}"
    ".banner{background:#fff4d6;border:1px solid #e6c65c;padding:10px 14px;margin:14px 0;font-size:14px}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:12px}"
    ".card{border:1px solid #ccc;border-left:8px solid #999;padding:10px 12px;border-radius:4px;background:#fafafa}"
    ".card.pass{border-left-color:#1a9641}.card.fail{border-left-color:#d7191c}.card.na{border-left-color:#aaa}"
    ".card .v{font-size:24px;font-weight:bold}.card .t{font-size:13px;color:#444}.card .s{font-size:12px;color:#666}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:bold;color:#fff}"
    ".badge.pass{background:#1a9641}.badge.fail{background:#d7191c}.badge.warn{background:#e08a1e}"
    ".badge.na{background:#999}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 4px}"
    "th,td{border:1px solid #d5d5d5;padding:4px 7px;text-align:left;vertical-align:top}"
    "th{background:#efeee9}td.nm{white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.bad{background:#fbe0dd}td.good{background:#e2f3e0}td.na{color:#999;text-align:center}"
    "tr.total td{font-weight:bold;background:#f5f5f0}"
    "figure{margin:18px 0 26px}figcaption{font-size:13px;color:#444;margin-top:4px}"
    "svg.map{max-width:100%;height:auto;border:1px solid #ddd}"
    ".note{font-size:13px;color:#555}.small{font-size:12px;color:#666}"
    "code{font-family:monospace;background:#f1f1ee;padding:0 3px}";

static void esc(pc_text *t, const char *s) { pc_text_xml(t, s ? s : ""); }

static const char *check_class(pc_report_check c)
{
    return c == PC_CHECK_PASS ? "pass" : c == PC_CHECK_FAIL ? "fail" : "na";
}

static const char *check_text(pc_report_check c)
{
    return c == PC_CHECK_PASS ? "达标 met" : c == PC_CHECK_FAIL ? "未达标 not met" : "未评估 not run";
}

/* A value as the target's unit shows it. */
static void target_value(pc_text *t, const pc_report_target *tg, double v)
{
    if (isnan(v)) {
        pc_text_add(t, "–");
        return;
    }
    if (strcmp(tg->unit, "%") == 0)
        pc_text_printf(t, "%.1f%%", v * 100);
    else if (strcmp(tg->unit, "m2") == 0)
        pc_text_printf(t, "%.2f m²", v);
    else if (strcmp(tg->unit, "sites") == 0)
        pc_text_printf(t, "%.0f %s", v, v == 1 ? "site" : "sites");
    else
        pc_text_printf(t, "%.0f %s", v, tg->unit);
}

static void cell_number(pc_text *t, double v, const char *fmt)
{
    if (isnan(v))
        pc_text_add(t, "<td class=\"na\">–</td>");
    else {
        pc_text_add(t, "<td class=\"n\">");
        pc_text_printf(t, fmt, v);
        pc_text_add(t, "</td>");
    }
}

/* A share as a percentage, marked below (or at) the threshold. */
static void cell_share(pc_text *t, double v, double good_at, int strict)
{
    if (isnan(v)) {
        pc_text_add(t, "<td class=\"na\">–</td>");
        return;
    }
    int good = strict ? v > good_at : v >= good_at - 1e-9;
    pc_text_printf(t, "<td class=\"n %s\">%.1f%%</td>", good ? "good" : "bad", v * 100);
}

static void targets_section(pc_text *t, const pc_report_result *r)
{
    pc_text_add(t, "<section id=\"targets\"><h2>Targets and verdicts 目标与结论</h2>\n<div class=\"cards\">\n");
    for (size_t i = 0; i < r->n_targets; i++) {
        const pc_report_target *tg = &r->targets[i];
        pc_text_printf(t, "<div class=\"card %s\" data-key=\"%s\"><div class=\"t\">", check_class(tg->check), tg->key);
        esc(t, tg->label_zh);
        pc_text_add(t, "<br>");
        esc(t, tg->label);
        pc_text_add(t, "</div><div class=\"v\">");
        target_value(t, tg, tg->value);
        pc_text_printf(t, " <span class=\"badge %s\">%s</span></div><div class=\"s\">target %s ",
                       check_class(tg->check), check_text(tg->check), tg->op[0] == '<' ? "at most" : tg->op[1] ? "at least" : "more than");
        target_value(t, tg, tg->target);
        pc_text_add(t, " · ");
        esc(t, tg->standard);
        pc_text_add(t, "</div>");
        if (strcmp(tg->key, "sites_failing") == 0 && r->sites)
            pc_text_printf(t, "<div class=\"s\">%zu sites checked: %zu pass 通过, %zu warn 预警, %zu fail 不通过</div>",
                           r->sites->n_sites, r->sites->n_pass, r->sites->n_warn, r->sites->n_fail);
        pc_text_add(t, "</div>\n");
    }
    pc_text_add(t, "</div>\n");
    int any_skipped = 0;
    for (int a = 0; a < PC_REPORT_N_ANALYSES; a++)
        any_skipped |= !r->ran[a];
    if (any_skipped) {
        pc_text_add(t, "<p class=\"note\">Not run 未运行: ");
        int first = 1;
        for (int a = 0; a < PC_REPORT_N_ANALYSES; a++) {
            if (r->ran[a])
                continue;
            pc_text_printf(t, "%s<b>%s</b>: ", first ? "" : "; ", pc_report_analysis_name((pc_report_analysis)a));
            esc(t, r->skipped[a]);
            first = 0;
        }
        pc_text_add(t, ".</p>\n");
    }
    pc_text_add(t, "</section>\n");
}

static void unit_header(pc_text *t, const pc_report_result *r, int with_tier)
{
    pc_text_add(t, "<table><thead><tr><th>单元</th><th>Unit</th>");
    if (with_tier)
        pc_text_add(t, "<th>Tier 层级</th>");
    pc_text_add(t, "<th>Area km²</th><th>Residents 人口</th>");
    if (r->ran[PC_REPORT_COVERAGE])
        pc_text_add(t, "<th>15-min coverage 人口覆盖率</th><th>10-min</th><th>5-min</th>"
                       "<th>15-min built-up 建成区覆盖率</th>");
    if (r->ran[PC_REPORT_GREEN])
        pc_text_add(t, "<th>Park m²/person 人均公园绿地</th><th>Park service coverage 服务半径覆盖率</th>");
    pc_text_add(t, "</tr></thead><tbody>\n");
}

static const char *tier_text(const char *tier)
{
    if (!tier)
        return "";
    if (strcmp(tier, "main") == 0)
        return "main 主城";
    if (strcmp(tier, "sub") == 0)
        return "sub 副中心";
    if (strcmp(tier, "cluster") == 0)
        return "cluster 组团";
    return tier;
}

static void unit_row(pc_text *t, const pc_report_result *r, const pc_report_unit *u, int with_tier, int total)
{
    pc_text_add(t, total ? "<tr class=\"total\"><td class=\"nm\">" : "<tr><td class=\"nm\">");
    esc(t, u->name_zh);
    pc_text_add(t, "</td><td>");
    esc(t, u->name);
    pc_text_add(t, "</td>");
    if (with_tier) {
        pc_text_add(t, "<td>");
        esc(t, tier_text(u->tier));
        pc_text_add(t, "</td>");
    }
    cell_number(t, u->area_km2, "%.1f");
    cell_number(t, u->pop, "%.0f");
    const pc_profile *p = &r->profile;
    if (r->ran[PC_REPORT_COVERAGE]) {
        cell_share(t, u->cov_pop[0], p->target_coverage, 0);
        cell_share(t, u->cov_pop[1], p->target_coverage, 0);
        cell_share(t, u->cov_pop[2], p->target_coverage, 0);
        cell_share(t, u->cov15_builtup, p->target_coverage, 0);
    }
    if (r->ran[PC_REPORT_GREEN]) {
        if (isnan(u->park_m2_per_person))
            pc_text_add(t, "<td class=\"na\">–</td>");
        else
            pc_text_printf(t, "<td class=\"n %s\">%.2f</td>",
                           u->park_m2_per_person >= p->target_park_m2_per_person ? "good"
                           : u->park_m2_per_person > p->gb_park_m2_per_person ? "" : "bad",
                           u->park_m2_per_person);
        cell_share(t, u->park_service_cov, p->gb_park_service_coverage, 1);
    }
    pc_text_add(t, "</tr>\n");
}

static void units_section(pc_text *t, const pc_report_result *r)
{
    if (r->n_units) {
        pc_text_add(t, "<section id=\"units\"><h2>Structure units 一主两副六组团</h2>\n");
        unit_header(t, r, 1);
        for (size_t i = 0; i < r->n_units; i++)
            unit_row(t, r, &r->units[i], 1, 0);
        unit_row(t, r, &r->total, 1, 1);
        pc_text_add(t, "</tbody></table>\n<p class=\"small\">Residents are counted in the unit that holds their "
                       "point. Green cells meet the target, red cells do not. Table as CSV: "
                       "<a href=\"units.csv\">units.csv</a>.</p></section>\n");
    }
    if (r->n_subdistricts) {
        pc_text_add(t, "<section id=\"subdistricts\"><h2>Streets and towns 街镇</h2>\n");
        unit_header(t, r, 0);
        for (size_t i = 0; i < r->n_subdistricts; i++)
            unit_row(t, r, &r->subdistricts[i], 0, 0);
        pc_text_add(t, "</tbody></table>\n<p class=\"small\">Table as CSV: "
                       "<a href=\"subdistricts.csv\">subdistricts.csv</a>.</p></section>\n");
    }
}

static void categories_section(pc_text *t, const pc_report_result *r)
{
    const pc_coverage_result *c = r->coverage;
    if (!c)
        return;
    const pc_profile *p = &c->profile;
    pc_text_printf(t, "<section id=\"categories\"><h2>Life circle facilities 生活圈配套设施</h2>\n<p>Coverage measured "
                      "%s at %.0f m per minute (GB 50180-2018; target %.0f%%). A resident is covered at a level when "
                      "every category of the level is within its distance.</p>\n",
                   c->mode == PC_COVERAGE_NETWORK ? "along the streets" : "as straight-line radius",
                   p->walk_speed_m_per_min, 100 * p->target_coverage);
    pc_text_add(t, "<table><thead><tr><th>Level 层级</th><th>Category 设施</th><th>类别</th><th>Distance</th>"
                   "<th>Facilities 数量</th><th>Residents within reach 覆盖人口比例</th></tr></thead><tbody>\n");
    for (int l = 0; l < PC_N_LEVELS; l++)
        for (int k = 0; k < p->n_categories; k++) {
            const pc_category *cat = &p->categories[k];
            if (cat->level_min != pc_levels_min[l])
                continue;
            pc_text_printf(t, "<tr><td>%d min</td><td>", cat->level_min);
            esc(t, cat->name_en[0] ? cat->name_en : cat->code);
            pc_text_add(t, "</td><td>");
            esc(t, cat->name_zh);
            pc_text_printf(t, "</td><td class=\"n\">%.0f m</td><td class=\"n%s\">%zu</td>", cat->distance_m,
                           c->n_facilities[k] ? "" : " bad", c->n_facilities[k]);
            cell_share(t, c->total.cov_category[k], p->target_coverage, 0);
            pc_text_add(t, "</tr>\n");
        }
    pc_text_add(t, "</tbody></table>\n<p class=\"small\">Table as CSV: <a href=\"categories.csv\">categories.csv</a>."
                   "</p></section>\n");
}

static void sites_section(pc_text *t, const pc_report_result *r)
{
    if (!r->sites)
        return;
    const pc_sites_result *s = r->sites;
    pc_text_printf(t, "<section id=\"sites\"><h2>Proposed sites 选址核查</h2>\n<p>%zu sites: %zu pass 通过, %zu warn "
                      "预警, %zu fail 不通过. Checked against %d red-line kinds%s.</p>\n",
                   s->n_sites, s->n_pass, s->n_warn, s->n_fail, s->n_kinds,
                   s->has_coastline ? " and the coastline" : "");
    pc_text_add(t, "<table><thead><tr><th>fid</th><th>Site 选址</th><th>Use 用途</th><th>Size</th>"
                   "<th>Verdict 结论</th><th>Why 原因</th><th>To coast 距海岸线</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < s->n_sites; i++) {
        const pc_site_check *sc = &s->sites[i];
        const char *v = pc_verdict_name(sc->verdict);
        pc_text_printf(t, "<tr data-verdict=\"%s\"><td class=\"n\">%lld</td><td>", v, (long long)sc->fid);
        esc(t, sc->name_zh);
        if (sc->name_zh && sc->name)
            pc_text_add(t, "<br>");
        esc(t, sc->name);
        pc_text_add(t, "</td><td>");
        esc(t, sc->use);
        pc_text_add(t, "</td>");
        if (sc->measure == PC_MEASURE_AREA)
            pc_text_printf(t, "<td class=\"n\">%.2f ha</td>", sc->area_m2 / 10000);
        else if (sc->measure == PC_MEASURE_LENGTH)
            pc_text_printf(t, "<td class=\"n\">%.0f m</td>", sc->length_m);
        else
            pc_text_add(t, "<td>point</td>");
        pc_text_printf(t, "<td><span class=\"badge %s\">%s %s</span></td><td>", v, pc_verdict_name_zh(sc->verdict), v);
        if (sc->n_reasons == 0)
            pc_text_add(t, "no red line or coast rule involved 未涉及红线及岸线管控");
        for (size_t k = 0; k < sc->n_reasons; k++) {
            const pc_site_reason *reason = &sc->reasons[k];
            pc_text_printf(t, "%s<span class=\"badge %s\">%s</span> ", k ? "<br>" : "", pc_verdict_name(reason->effect),
                           pc_verdict_name(reason->effect));
            esc(t, reason->text_zh);
            pc_text_add(t, " · ");
            esc(t, reason->text);
            if (reason->rule && *reason->rule) {
                pc_text_add(t, " <span class=\"small\">(");
                esc(t, reason->rule);
                pc_text_add(t, ")</span>");
            }
        }
        pc_text_add(t, "</td>");
        if (isnan(sc->coast_distance_m))
            pc_text_add(t, "<td class=\"na\">–</td>");
        else
            pc_text_printf(t, "<td class=\"n\">%.0f m</td>", sc->coast_distance_m);
        pc_text_add(t, "</tr>\n");
    }
    pc_text_add(t, "</tbody></table>\n<p class=\"small\">Table as CSV: <a href=\"sites.csv\">sites.csv</a>.</p>"
                   "</section>\n");
}

/* ---- maps -------------------------------------------------------------------------------------------- */

typedef struct map_job {
    pc_ctx *ctx;
    const pc_plan *plan;
    const pc_report_result *r;
    pc_text *page;
    int n_maps;
} map_job;

static pc_status begin_map(map_job *job, pc_svg_map **map, const char *title)
{
    char id[32], crs[256];
    snprintf(id, sizeof id, "map%d", ++job->n_maps);
    snprintf(crs, sizeof crs, "%s%s%s", job->r->crs ? job->r->crs : "", job->r->crs_name[0] ? " " : "",
             job->r->crs_name);
    pc_svg_map_options o = PC_SVG_MAP_OPTIONS_INIT;
    o.id = id;
    o.title = title;
    o.width_px = 720;
    o.height_px = 680;
    o.legend_px = 380;
    o.crs_label = crs;
    o.north_deg = job->r->north_deg;
    o.attribution = job->r->osm ? "Map data derived from OpenStreetMap: (c) OpenStreetMap contributors, ODbL 1.0" : NULL;
    double env[4];
    memcpy(env, job->r->extent, sizeof env);
    double mx = (env[2] - env[0]) * 0.02, my = (env[3] - env[1]) * 0.02;
    env[0] -= mx, env[1] -= my, env[2] += mx, env[3] += my;
    return pc_svg_map_create(job->ctx, map, env, &o);
}

static pc_status end_map(map_job *job, pc_svg_map *map, const char *caption)
{
    char *svg = NULL;
    pc_status s = pc_svg_map_finish(map, &svg);
    pc_svg_map_destroy(map);
    if (s)
        return s;
    pc_text_add(job->page, "<figure>\n");
    pc_text_add(job->page, svg);
    pc_text_add(job->page, "<figcaption>");
    esc(job->page, caption);
    pc_text_add(job->page, "</figcaption>\n</figure>\n");
    free(svg);
    return PC_OK;
}

/* A plan layer drawn with its house style (values from the style's field, when it has one). */
static pc_status draw_layer(map_job *job, pc_svg_map *map, const pc_layer *l, const char *name, int legend)
{
    if (!l || !l->n)
        return PC_OK;
    pc_style style;
    pc_symbol_type sym = PC_SYMBOL_FILL;
    int dim = GEOSGeom_getDimensions_r(pc_ctx_geos(job->ctx), l->geoms[0]);
    sym = dim == 0 ? PC_SYMBOL_MARKER : dim == 1 ? PC_SYMBOL_LINE : PC_SYMBOL_FILL;
    pc_style_for_layer(&style, name, sym, &job->r->style_context);
    const char *const *values = NULL;
    const double *numbers = NULL;
    if (style.type == PC_STYLE_CATEGORIZED)
        for (int k = 0; k < PC_FIELD_COUNT; k++)
            if (strcmp(pc_field_name((pc_field)k), style.field) == 0)
                values = (const char *const *)l->fields[k];
    if (style.type == PC_STYLE_GRADUATED && strcmp(style.field, "pop") == 0)
        numbers = l->pop;
    return pc_svg_map_layer(map, &style, (const GEOSGeometry *const *)l->geoms, l->n, values, numbers, legend);
}

static pc_status base_layers(map_job *job, pc_svg_map *map)
{
    pc_status s = PC_OK;
    if (job->r->sea)
        s = draw_layer(job, map, job->r->sea, "sea", 1);
    return s;
}

static pc_status top_layers(map_job *job, pc_svg_map *map)
{
    pc_status s = draw_layer(job, map, pc_plan_layer(job->plan, PC_ROLE_COASTLINE), "coastline", 1);
    if (!s)
        s = draw_layer(job, map, pc_plan_layer(job->plan, PC_ROLE_BOUNDARY), "boundary", 1);
    return s;
}

static pc_status unit_labels(map_job *job, pc_svg_map *map)
{
    const pc_layer *st = pc_plan_layer(job->plan, PC_ROLE_STRUCTURE);
    if (!st || !st->n)
        return PC_OK;
    double *x = malloc(st->n * sizeof *x), *y = malloc(st->n * sizeof *y);
    const char **labels = malloc(st->n * sizeof *labels);
    pc_status s = PC_OK;
    if (!x || !y || !labels) {
        s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < st->n; i++) {
        labels[i] = pc_layer_value(st, PC_FIELD_NAME_ZH, i);
        if (!labels[i])
            labels[i] = pc_layer_value(st, PC_FIELD_NAME, i);
        if (!pc_geom_representative_xy(job->ctx, st->geoms[i], &x[i], &y[i]))
            labels[i] = NULL, x[i] = y[i] = 0;
    }
    s = pc_svg_map_labels(map, x, y, labels, st->n);
done:
    free(x);
    free(y);
    free(labels);
    return s;
}

static pc_status overview_map(map_job *job)
{
    const pc_plan *plan = job->plan;
    if (!pc_plan_layer(plan, PC_ROLE_STRUCTURE) && !pc_plan_layer(plan, PC_ROLE_BOUNDARY))
        return PC_OK;
    pc_svg_map *map = NULL;
    pc_status s = begin_map(job, &map, "Plan structure 规划结构: units and streets/towns 单元与街镇");
    if (s)
        return s;
    if (!(s = base_layers(job, map)))
        s = draw_layer(job, map, pc_plan_layer(plan, PC_ROLE_BUILTUP), "builtup", 1);
    if (!s)
        s = draw_layer(job, map, pc_plan_layer(plan, PC_ROLE_STRUCTURE), "structure", 1);
    if (!s)
        s = draw_layer(job, map, pc_plan_layer(plan, PC_ROLE_SUBDISTRICTS), "subdistricts", 1);
    if (!s)
        s = top_layers(job, map);
    if (!s)
        s = unit_labels(job, map);
    if (s) {
        pc_svg_map_destroy(map);
        return s;
    }
    return end_map(job, map, "The plan's structure units (一主两副六组团) over its streets and towns; "
                             "labels are the units' names.");
}

/* Markers at the points of some residents (index list into the residents layer). */
static pc_status resident_points(map_job *job, pc_svg_map *map, const pc_layer *res, const size_t *idx, size_t n,
                                 const char *title, unsigned char r, unsigned char g, unsigned char b, double size_mm)
{
    double *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
    pc_status s = PC_OK;
    if (!x || !y)
        s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !s; i++)
        x[i] = res->x[idx[i]], y[i] = res->y[idx[i]];
    if (!s) {
        pc_style style;
        memset(&style, 0, sizeof style);
        style.type = PC_STYLE_SINGLE;
        snprintf(style.title, sizeof style.title, "%s", title);
        style.symbol.type = PC_SYMBOL_MARKER;
        style.symbol.fill = (pc_rgba){r, g, b, 220};
        style.symbol.size_mm = size_mm;
        s = pc_svg_map_points(map, &style, x, y, n, NULL, NULL, 1);
    }
    free(x);
    free(y);
    return s;
}


static pc_status coverage_map(map_job *job)
{
    const pc_report_result *r = job->r;
    const pc_coverage_result *c = r->coverage;
    if (!c)
        return PC_OK;
    pc_svg_map *map = NULL;
    const GEOSGeometry **geoms = NULL;
    double *numbers = NULL;
    size_t *uncovered = NULL, n_uncovered = 0;
    pc_status s = begin_map(job, &map, "15-minute life circle coverage 十五分钟生活圈覆盖率");
    if (s)
        return s;
    if (!(s = base_layers(job, map)) && r->n_units) {
        geoms = malloc(r->n_units * sizeof *geoms);
        numbers = malloc(r->n_units * sizeof *numbers);
        if (!geoms || !numbers)
            s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < r->n_units && !s; i++)
            geoms[i] = r->units[i].geom, numbers[i] = r->units[i].cov_pop[0];
        pc_style style;
        pc_style_for_layer(&style, "coverage_units", PC_SYMBOL_FILL, &r->style_context);
        if (!s)
            s = pc_svg_map_layer(map, &style, geoms, r->n_units, NULL, numbers, 1);
    }
    if (!s)
        s = draw_layer(job, map, pc_plan_layer(job->plan, PC_ROLE_SUBDISTRICTS), "subdistricts", 1);
    if (!s && c->residents) {
        uncovered = malloc((c->n_residents ? c->n_residents : 1) * sizeof *uncovered);
        if (!uncovered)
            s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < c->n_residents && !s; i++)
            if (!(c->flags[i] & PC_COVERAGE_LEVEL_BIT(0)) && c->residents->pop[i] > 0)
                uncovered[n_uncovered++] = i;
        if (!s)
            s = resident_points(job, map, c->residents, uncovered, n_uncovered,
                                "Not covered in 15 minutes 十五分钟未覆盖", 37, 37, 37, 1.3);
    }
    if (!s)
        s = top_layers(job, map);
    if (!s)
        s = unit_labels(job, map);
    free(geoms);
    free(numbers);
    free(uncovered);
    if (s) {
        pc_svg_map_destroy(map);
        return s;
    }
    char caption[512];
    snprintf(caption, sizeof caption,
             "Structure units shaded by the share of residents within the 15-minute walk (%s) of every 15-minute "
             "facility category; dark dots are residents not covered (%zu points).",
             c->mode == PC_COVERAGE_NETWORK ? "along the streets" : "straight-line radius", n_uncovered);
    return end_map(job, map, caption);
}

static pc_status parks_map(map_job *job)
{
    const pc_plan *plan = job->plan;
    const pc_layer *parks = pc_plan_layer(plan, PC_ROLE_PARKS);
    if (!parks)
        return PC_OK;
    pc_svg_map *map = NULL;
    pc_status s = begin_map(job, &map, "Parks 公园绿地");
    if (s)
        return s;
    const pc_green_result *g = job->r->green;
    if (!(s = base_layers(job, map)))
        s = draw_layer(job, map, pc_plan_layer(plan, PC_ROLE_BUILTUP), "builtup", 1);
    if (!s && g) {
        const GEOSGeometry *areas[PC_MAX_PARK_TIERS];
        size_t n = 0;
        for (size_t k = 0; k < g->n_tiers; k++)
            if (g->tiers[k].geom)
                areas[n++] = g->tiers[k].geom;
        pc_style style;
        pc_style_for_layer(&style, "park_service_areas", PC_SYMBOL_FILL, &job->r->style_context);
        s = pc_svg_map_layer(map, &style, areas, n, NULL, NULL, 1);
    }
    if (!s)
        s = draw_layer(job, map, parks, "parks", 1);
    if (!s && g && g->residents) {
        size_t *idx = malloc((g->n_uncovered ? g->n_uncovered : 1) * sizeof *idx);
        if (!idx)
            s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < g->n_uncovered && !s; i++)
            idx[i] = g->uncovered[i].resident;
        if (!s)
            s = resident_points(job, map, g->residents, idx, g->n_uncovered,
                                "Outside every park service area 公园服务盲区", 215, 25, 28, 1.1);
        free(idx);
    }
    if (!s)
        s = top_layers(job, map);
    if (!s && !g)
        s = pc_svg_map_legend_note(map, "service areas: green space analysis not run");
    if (s) {
        pc_svg_map_destroy(map);
        return s;
    }
    return end_map(job, map, g ? "Park green space (CJJ/T 85-2017 class G1) and the areas the parks serve (by park "
                                 "size, straight-line radius); red dots are residents outside every service area."
                               : "Park green space (CJJ/T 85-2017 class G1).");
}

static pc_status sites_map(map_job *job)
{
    const pc_plan *plan = job->plan;
    const pc_layer *red = pc_plan_layer(plan, PC_ROLE_REDLINES);
    const pc_sites_result *sr = job->r->sites;
    if (!red && !sr)
        return PC_OK;
    pc_svg_map *map = NULL;
    const GEOSGeometry **geoms = NULL;
    const char **verdicts = NULL;
    pc_status s = begin_map(job, &map, "Red lines and proposed sites 生态红线与选址");
    if (s)
        return s;
    if (!(s = base_layers(job, map)))
        s = draw_layer(job, map, red, "redlines", 1);
    if (!s)
        s = top_layers(job, map);
    if (!s && sr && sr->n_sites) {
        geoms = malloc(sr->n_sites * sizeof *geoms);
        verdicts = malloc(sr->n_sites * sizeof *verdicts);
        if (!geoms || !verdicts)
            s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < sr->n_sites && !s; i++) {
            geoms[i] = sr->sites[i].geom;
            verdicts[i] = pc_verdict_name(sr->sites[i].verdict);
        }
        if (!s) {
            pc_style style;
            int dim = GEOSGeom_getDimensions_r(pc_ctx_geos(job->ctx), geoms[0]);
            pc_style_for_layer(&style, "site_checks", dim == 0 ? PC_SYMBOL_MARKER : dim == 1 ? PC_SYMBOL_LINE
                                                                                  : PC_SYMBOL_FILL,
                               &job->r->style_context);
            /* Sites are small against a district: a marker at each keeps them visible at any scale. */
            s = pc_svg_map_layer(map, &style, geoms, sr->n_sites, verdicts, NULL, 1);
            if (!s && dim != 0) {
                double *x = malloc(sr->n_sites * sizeof *x), *y = malloc(sr->n_sites * sizeof *y);
                if (!x || !y)
                    s = pc_error_plain(job->ctx, PC_ERR_NOMEM, "out of memory");
                for (size_t i = 0; i < sr->n_sites && !s; i++)
                    if (!pc_geom_representative_xy(job->ctx, geoms[i], &x[i], &y[i]))
                        x[i] = y[i] = NAN;
                pc_style marks;
                pc_style_for_layer(&marks, "site_checks", PC_SYMBOL_MARKER, &job->r->style_context);
                if (!s)
                    s = pc_svg_map_points(map, &marks, x, y, sr->n_sites, verdicts, NULL, 0);
                free(x);
                free(y);
            }
        }
    }
    free(geoms);
    free(verdicts);
    if (s) {
        pc_svg_map_destroy(map);
        return s;
    }
    return end_map(job, map, sr ? "Red lines by kind, and each proposed site coloured by its verdict (pass, warn, fail)."
                                : "Red lines by kind (the site check did not run).");
}

static pc_status maps_section(map_job *job)
{
    pc_text_add(job->page, "<section id=\"maps\"><h2>Maps 图件</h2>\n");
    pc_status s = overview_map(job);
    if (!s)
        s = coverage_map(job);
    if (!s)
        s = parks_map(job);
    if (!s)
        s = sites_map(job);
    pc_text_add(job->page, "</section>\n");
    return s;
}

static void provenance_section(pc_text *t, const pc_plan *plan, const pc_report_result *r)
{
    pc_text_add(t, "<section id=\"provenance\"><h2>Data and method 数据与方法</h2>\n<p>Plan <code>");
    esc(t, pc_plan_path(plan));
    pc_text_add(t, "</code>; all areas and distances computed in ");
    esc(t, r->crs);
    if (r->crs_name[0]) {
        pc_text_add(t, " (");
        esc(t, r->crs_name);
        pc_text_add(t, ")");
    }
    pc_text_add(t, ".</p>\n");
    if (r->synthetic)
        pc_text_add(t, "<p class=\"banner\"><b>Partly synthetic data 部分为合成数据.</b> Some layers of this plan are "
                       "synthetic (generated for demonstration): its numbers show how plancheck works and are not "
                       "official figures.</p>\n");
    pc_text_add(t, "<table><thead><tr><th>Role</th><th>Layer</th><th>Source description 来源</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n_sources; i++) {
        pc_text_add(t, "<tr><td>");
        esc(t, r->sources[i].role);
        pc_text_add(t, "</td><td>");
        esc(t, r->sources[i].layer);
        pc_text_add(t, "</td><td>");
        esc(t, r->sources[i].description[0] ? r->sources[i].description : "(not described)");
        pc_text_add(t, "</td></tr>\n");
    }
    pc_text_add(t, "</tbody></table>\n");
    if (r->osm)
        pc_text_add(t, "<p>Map data derived from OpenStreetMap: (c) OpenStreetMap contributors, available under the "
                       "Open Database License (ODbL 1.0).</p>\n");
    pc_text_add(t, "<p class=\"small\">Files of this report: <a href=\"plancheck.qgs\">plancheck.qgs</a> (QGIS project), "
                   "<a href=\"plancheck.gpkg\">plancheck.gpkg</a> (plan and result layers, styled), "
                   "<a href=\"summary.json\">summary.json</a>");
    for (size_t i = 0; i < r->n_csv; i++) {
        pc_text_add(t, ", <a href=\"");
        esc(t, r->csv[i]);
        pc_text_add(t, "\">");
        esc(t, r->csv[i]);
        pc_text_add(t, "</a>");
    }
    pc_text_add(t, ".</p></section>\n");
}

pc_status pc_html_page(pc_ctx *ctx, pc_text *t, const pc_plan *plan, const pc_report_result *r)
{
    pc_text_add(t, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"plancheck " PC_VERSION "\">\n<title>");
    pc_text_add(t, "Plan check report 规划体检报告 – ");
    esc(t, pc_plan_path(plan));
    pc_text_add(t, "</title>\n<style>");
    pc_text_add(t, CSS);
    pc_text_add(t, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>Plan check report 规划体检报告</h1>\n"
                   "<p class=\"meta\">Plan 规划 <code>");
    esc(t, pc_plan_path(plan));
    pc_text_add(t, "</code></p>\n<p class=\"meta\">CRS 坐标系 ");
    esc(t, r->crs);
    if (r->crs_name[0]) {
        pc_text_add(t, " (");
        esc(t, r->crs_name);
        pc_text_add(t, ")");
    }
    pc_text_add(t, " · date 日期 ");
    esc(t, r->date);
    pc_text_add(t, " · plancheck " PC_VERSION);
    if (r->coverage_mode) {
        pc_text_add(t, " · coverage measured ");
        esc(t, strcmp(r->coverage_mode, "network") == 0 ? "along the streets" : "as straight-line radius");
    }
    pc_text_add(t, "</p>\n");
    if (r->synthetic)
        pc_text_add(t, "<p class=\"banner\"><b>Partly synthetic data 部分为合成演示数据:</b> this plan's layers are "
                       "partly synthetic, so its numbers are a demonstration, not official figures. See "
                       "<a href=\"#provenance\">Data and method</a>.</p>\n");
    pc_text_add(t, "</header>\n");
    targets_section(t, r);
    units_section(t, r);
    categories_section(t, r);
    sites_section(t, r);
    map_job job = {ctx, plan, r, t, 0};
    pc_status s = maps_section(&job);
    if (s)
        return s;
    provenance_section(t, plan, r);
    pc_text_add(t, "<footer class=\"small\"><p>Written by plancheck " PC_VERSION " on ");
    esc(t, r->date);
    pc_text_add(t, ".</p></footer>\n</main>\n</body>\n</html>\n");
    return pc_text_status(ctx, t);
}

pc_status pc_html_write(pc_ctx *ctx, const pc_plan *plan, const pc_report_result *r, const char *path)
{
    pc_text t = PC_TEXT_INIT;
    pc_status s = pc_html_page(ctx, &t, plan, r);
    if (!s)
        s = pc_text_write_file(ctx, &t, path);
    pc_text_free(&t);
    return s;
}
