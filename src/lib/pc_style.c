/* pc_style.c: map styles shared by the QGIS styles (QML) and plancheck's own SVG maps. */
#include "pc_style.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QGIS_VERSION_TEXT "3.22.16-Białowieża"

static pc_rgba rgba(unsigned hex, unsigned char a)
{
    pc_rgba c = {(unsigned char)(hex >> 16), (unsigned char)(hex >> 8), (unsigned char)hex, a};
    return c;
}

static const pc_rgba none = {0, 0, 0, 0};

static pc_symbol fill(unsigned fill_hex, unsigned char fill_a, unsigned stroke_hex, double stroke_mm)
{
    pc_symbol s = {PC_SYMBOL_FILL, rgba(fill_hex, fill_a), rgba(stroke_hex, 255), stroke_mm, 0, 0};
    if (stroke_mm <= 0)
        s.stroke = none;
    return s;
}

static pc_symbol line(unsigned hex, double width_mm, int dashed)
{
    pc_symbol s = {PC_SYMBOL_LINE, none, rgba(hex, 255), width_mm, 0, dashed};
    return s;
}

static pc_symbol marker(unsigned hex, unsigned char a, double size_mm)
{
    pc_symbol s = {PC_SYMBOL_MARKER, rgba(hex, a), rgba(0xffffff, 200), 0.15, size_mm, 0};
    return s;
}

/* A symbol of the layer's geometry in one colour (points, lines or polygons). */
static pc_symbol by_geometry(pc_symbol_type geometry, unsigned hex, unsigned char fill_a)
{
    if (geometry == PC_SYMBOL_MARKER)
        return marker(hex, 255, 2.6);
    if (geometry == PC_SYMBOL_LINE)
        return line(hex, 0.8, 0);
    return fill(hex, fill_a, hex, 0.5);
}

/* Titles are display text: cutting an over-long one is acceptable. */
static void set_text(char *dst, size_t cap, const char *src)
{
    if (snprintf(dst, cap, "%s", src ? src : "") >= (int)cap && cap > 4)
        memcpy(dst + cap - 4, "...", 4);
}

static void single(pc_style *s, const char *title, pc_symbol sym)
{
    s->type = PC_STYLE_SINGLE;
    set_text(s->title, sizeof s->title, title);
    s->symbol = sym;
}

static void category(pc_style *s, const char *value, const char *label, pc_symbol sym)
{
    if (s->n_classes >= PC_STYLE_MAX_CLASSES)
        return;
    pc_style_class *k = &s->classes[s->n_classes++];
    set_text(k->value, sizeof k->value, value);
    set_text(k->label, sizeof k->label, label);
    k->symbol = sym;
}

static void range(pc_style *s, double lower, double upper, const char *label, pc_symbol sym)
{
    if (s->n_classes >= PC_STYLE_MAX_CLASSES)
        return;
    pc_style_class *k = &s->classes[s->n_classes++];
    k->lower = lower;
    k->upper = upper;
    set_text(k->label, sizeof k->label, label);
    k->symbol = sym;
}

double pc_style_nice_floor(double v)
{
    if (!(v > 0) || !isfinite(v))
        return 0;
    double p = pow(10, floor(log10(v)));
    double m = v / p;
    /* Guard against log10 rounding (v = 1000 giving m = 0.999...). */
    if (m >= 9.999999)
        return 10 * p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/* Red to green over the share of people covered, with the top class "target met". */
static void coverage_classes(pc_style *s, const char *field, pc_symbol_type geometry, double target)
{
    s->type = PC_STYLE_GRADUATED;
    set_text(s->field, sizeof s->field, field);
    if (!(target > 0) || target > 1)
        target = 1.0;
    /* The target itself must fall in the top class: its lower edge sits just below it. */
    double just_below = target - 5e-5;
    const double steps[] = {0.5, 0.8, 0.9};
    const unsigned colors[] = {0xd7191c, 0xfdae61, 0xffffbf, 0xa6d96a};
    double edges[5];
    int n = 0;
    edges[n++] = 0;
    for (int i = 0; i < 3; i++)
        if (steps[i] < just_below)
            edges[n++] = steps[i];
    edges[n] = just_below;
    unsigned char a = geometry == PC_SYMBOL_FILL ? 210 : 255;
    char label[PC_STYLE_TEXT_MAX];
    for (int i = 0; i < n; i++) {
        if (i == n - 1)
            snprintf(label, sizeof label, "%.0f%% to below the %.0f%% target", edges[i] * 100, target * 100);
        else
            snprintf(label, sizeof label, "%.0f-%.0f%%", edges[i] * 100, edges[i + 1] * 100);
        range(s, edges[i], edges[i + 1], label, by_geometry(geometry, colors[i == n - 1 ? 3 : i], a));
    }
    snprintf(label, sizeof label, "%.0f%% target met 达标", target * 100);
    range(s, just_below, 1.0, label, by_geometry(geometry, 0x1a9641, a));
    for (int i = 0; i < s->n_classes; i++)
        if (geometry == PC_SYMBOL_FILL)
            s->classes[i].symbol.stroke = rgba(0x555555, 255), s->classes[i].symbol.stroke_mm = 0.3;
}

static void park_per_person_classes(pc_style *s, const char *field, const pc_style_context *c)
{
    s->type = PC_STYLE_GRADUATED;
    set_text(s->field, sizeof s->field, field);
    double gb = c && c->gb_park_m2_per_person > 0 ? c->gb_park_m2_per_person : 8.0;
    double target = c && c->target_park_m2_per_person > gb ? c->target_park_m2_per_person : 13.0;
    char label[PC_STYLE_TEXT_MAX];
    snprintf(label, sizeof label, "0-%.3g m2", gb / 2);
    range(s, 0, gb / 2, label, fill(0xd7191c, 210, 0x555555, 0.3));
    snprintf(label, sizeof label, "%.3g-%.3g m2 (GB 55014: > %.3g)", gb / 2, gb, gb);
    range(s, gb / 2, gb, label, fill(0xfdae61, 210, 0x555555, 0.3));
    snprintf(label, sizeof label, "%.3g-%.3g m2 (below the %.3g target)", gb, target, target);
    range(s, gb, target - 1e-9, label, fill(0xd9ef8b, 210, 0x555555, 0.3));
    snprintf(label, sizeof label, "%.3g m2 and more, target met 达标", target);
    range(s, target - 1e-9, 1e9, label, fill(0x1a9641, 210, 0x555555, 0.3));
}

static void verdict_classes(pc_style *s, const char *field, pc_symbol_type geometry)
{
    s->type = PC_STYLE_CATEGORIZED;
    set_text(s->field, sizeof s->field, field);
    pc_symbol pass = by_geometry(geometry, 0x1a9641, 200), warn = by_geometry(geometry, 0xfdae61, 200),
              failed = by_geometry(geometry, 0xd7191c, 200);
    if (geometry == PC_SYMBOL_FILL) {
        pass.stroke = warn.stroke = failed.stroke = rgba(0x222222, 255);
        pass.stroke_mm = warn.stroke_mm = failed.stroke_mm = 0.4;
    }
    category(s, "pass", "pass 通过", pass);
    category(s, "warn", "warn 预警", warn);
    category(s, "fail", "fail 不通过", failed);
}

/* Colours of the red-line kinds of INTERFACE.md; other kinds take the spare colours in turn. */
static unsigned kind_color(const char *kind, int *spare)
{
    static const struct {
        const char *kind;
        unsigned color;
    } known[] = {{"ecological_redline", 0xe31a1c}, {"barrier_tier1", 0x238b45},   {"barrier_tier2", 0x74c476},
                 {"barrier_tier3", 0xc7e9c0},      {"river_corridor", 0x2171b5},  {"wetland", 0x6baed6},
                 {"marine_redline", 0x6a51a3},     {"basic_farmland", 0xe6ab02}};
    static const unsigned spares[] = {0xe7298a, 0x66a61e, 0xa6761d, 0x1b9e77, 0x7570b3, 0x666666};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(kind, known[i].kind) == 0)
            return known[i].color;
    return spares[(*spare)++ % (int)(sizeof spares / sizeof *spares)];
}

static void redline_classes(pc_style *s, const pc_style_context *c)
{
    s->type = PC_STYLE_CATEGORIZED;
    set_text(s->field, sizeof s->field, "kind");
    static const char *const defaults[] = {"ecological_redline", "barrier_tier1",  "barrier_tier2", "barrier_tier3",
                                           "river_corridor",     "wetland",        "marine_redline", "basic_farmland"};
    int spare = 0;
    int n = c && c->profile ? c->profile->n_redline_rules : (int)(sizeof defaults / sizeof *defaults);
    for (int i = 0; i < n && s->n_classes < PC_STYLE_MAX_CLASSES - 1; i++) {
        const char *kind = c && c->profile ? c->profile->redline_rules[i].kind : defaults[i];
        const char *zh = c && c->profile ? c->profile->redline_rules[i].name_zh : "";
        char label[PC_STYLE_TEXT_MAX + 2 * PC_NAME_MAX];
        snprintf(label, sizeof label, "%s%s%s", kind, *zh ? " " : "", zh);
        unsigned color = kind_color(kind, &spare);
        category(s, kind, label, fill(color, 110, color, 0.5));
    }
    category(s, "", "other kinds", fill(0x999999, 110, 0x666666, 0.5));
}

static void facility_classes(pc_style *s, const pc_style_context *c)
{
    s->type = PC_STYLE_CATEGORIZED;
    set_text(s->field, sizeof s->field, "category");
    if (!c || !c->profile) {
        s->type = PC_STYLE_SINGLE;
        return;
    }
    for (int i = 0; i < c->profile->n_categories && s->n_classes < PC_STYLE_MAX_CLASSES - 1; i++) {
        const pc_category *cat = &c->profile->categories[i];
        unsigned color = cat->level_min >= 15 ? 0x08519c : cat->level_min >= 10 ? 0x3182bd : 0x9ecae1;
        char label[PC_STYLE_TEXT_MAX + 2 * PC_NAME_MAX];
        snprintf(label, sizeof label, "%d min: %s %s", cat->level_min, cat->code, cat->name_zh);
        category(s, cat->code, label, marker(color, 255, cat->level_min >= 15 ? 2.2 : cat->level_min >= 10 ? 1.8 : 1.4));
    }
    category(s, "", "other categories", marker(0x999999, 255, 1.2));
}

/* Residents sized by population: four classes up to the largest feature's population, at round numbers. */
static void resident_classes(pc_style *s, const char *field, unsigned hex, double max_pop)
{
    s->type = PC_STYLE_GRADUATED;
    s->graduated_size = 1;
    set_text(s->field, sizeof s->field, field);
    double top = max_pop > 0 ? max_pop : 1;
    double step = pc_style_nice_floor(top / 4);
    if (step <= 0)
        step = top / 4;
    double edges[5] = {0, step, 2 * step, 3 * step, top > 4 * step ? top : 4 * step};
    /* Nice edges can pass the top for small numbers; keep them increasing. */
    for (int i = 1; i < 5; i++)
        if (edges[i] <= edges[i - 1])
            edges[i] = edges[i - 1] + step;
    const double sizes[] = {1.0, 1.6, 2.3, 3.2};
    for (int i = 0; i < 4; i++) {
        char label[PC_STYLE_TEXT_MAX];
        snprintf(label, sizeof label, "%.0f-%.0f people", edges[i], edges[i + 1]);
        range(s, edges[i], i == 3 ? fmax(edges[4], 1e12) : edges[i + 1], label, marker(hex, 190, sizes[i]));
    }
}

int pc_style_for_layer(pc_style *out, const char *name, pc_symbol_type geometry, const pc_style_context *c)
{
    memset(out, 0, sizeof *out);
    out->visible = 1;
    out->symbol = by_geometry(geometry, 0x888888, 120);
    double target = c && c->target_coverage > 0 ? c->target_coverage : 1.0;
    /* The plan's layers. */
    if (strcmp(name, "boundary") == 0)
        single(out, "Boundary 规划范围", fill(0, 0, 0x222222, 0.8));
    else if (strcmp(name, "sea") == 0)
        single(out, "Sea 海域", fill(0xcfe6f5, 255, 0, 0));
    else if (strcmp(name, "coastline") == 0)
        single(out, "Coastline 海岸线", line(0x1f78b4, 0.6, 0));
    else if (strcmp(name, "structure") == 0) {
        set_text(out->title, sizeof out->title, "Structure units 一主两副六组团");
        out->type = PC_STYLE_CATEGORIZED;
        set_text(out->field, sizeof out->field, "tier");
        category(out, "main", "main city 主城区", fill(0xfb9a99, 90, 0x99000d, 0.7));
        category(out, "sub", "sub-centre 副中心", fill(0xfdbf6f, 90, 0xb35806, 0.7));
        category(out, "cluster", "cluster 组团", fill(0xcab2d6, 90, 0x54278f, 0.7));
        category(out, "", "other units", fill(0xdddddd, 90, 0x555555, 0.7));
        set_text(out->label_expression, sizeof out->label_expression, "coalesce(\"name_zh\", \"name\")");
    } else if (strcmp(name, "subdistricts") == 0) {
        pc_symbol s = fill(0, 0, 0x737373, 0.3);
        s.dashed = 1;
        single(out, "Streets and towns 街镇", s);
    } else if (strcmp(name, "builtup") == 0)
        single(out, "Built-up area 建成区", fill(0xe8e0d0, 255, 0, 0));
    else if (strcmp(name, "streets") == 0)
        single(out, "Streets 街道", line(0xa0a0a0, 0.2, 0));
    else if (strcmp(name, "residents") == 0) {
        set_text(out->title, sizeof out->title, "Residents 居住人口 (pop)");
        resident_classes(out, "pop", 0x6a51a3, c ? c->max_pop : 0);
        out->visible = 0;
    } else if (strcmp(name, "facilities") == 0) {
        set_text(out->title, sizeof out->title, "Facilities 配套设施");
        facility_classes(out, c);
        out->symbol = marker(0x3182bd, 255, 1.4);
        out->visible = 0;
    } else if (strcmp(name, "parks") == 0)
        single(out, "Parks 公园绿地", fill(0x41ab5d, 230, 0x1b7837, 0.2));
    else if (strcmp(name, "redlines") == 0) {
        set_text(out->title, sizeof out->title, "Red lines 生态保护红线 by kind");
        redline_classes(out, c);
    } else if (strcmp(name, "sites") == 0) {
        pc_symbol s = by_geometry(geometry, 0xff7f00, 160);
        single(out, "Proposed sites 拟选址", s);
        out->visible = 0;
    }
    /* Coverage results. */
    else if (strcmp(name, "coverage_units") == 0 || strcmp(name, "coverage_subdistricts") == 0) {
        set_text(out->title, sizeof out->title, "15-minute coverage 十五分钟生活圈覆盖率 (population)");
        coverage_classes(out, "cov15_pop", PC_SYMBOL_FILL, target);
        out->visible = strcmp(name, "coverage_units") == 0;
    } else if (strcmp(name, "coverage_residents") == 0) {
        set_text(out->title, sizeof out->title, "Residents by 15-minute coverage");
        out->type = PC_STYLE_CATEGORIZED;
        set_text(out->field, sizeof out->field, "cov15");
        category(out, "1", "covered 覆盖", marker(0x1a9641, 160, 1.2));
        category(out, "0", "not covered 未覆盖", marker(0xd7191c, 220, 1.8));
        out->visible = 0;
    } else if (strcmp(name, "service_areas") == 0) {
        set_text(out->title, sizeof out->title, "Service areas 服务范围 by level");
        out->type = PC_STYLE_CATEGORIZED;
        set_text(out->field, sizeof out->field, "level_min");
        category(out, "15", "15 min", fill(0x08519c, 40, 0x08519c, 0.3));
        category(out, "10", "10 min", fill(0x3182bd, 40, 0x3182bd, 0.3));
        category(out, "5", "5 min", fill(0x9ecae1, 40, 0x6baed6, 0.3));
        out->visible = 0;
    } else if (strcmp(name, "coverage_gaps") == 0) {
        pc_symbol s = fill(0xd7191c, 70, 0xa50f15, 0.5);
        s.dashed = 1;
        single(out, "Coverage gaps 覆盖盲区", s);
    }
    /* Green space results. */
    else if (strcmp(name, "green_units") == 0 || strcmp(name, "green_subdistricts") == 0) {
        set_text(out->title, sizeof out->title, "Park green space per person 人均公园绿地");
        park_per_person_classes(out, "park_m2_per_person", c);
        out->visible = 0;
    } else if (strcmp(name, "park_service_areas") == 0) {
        single(out, "Park service areas 公园服务半径", fill(0x74c476, 70, 0x238b45, 0.3));
    } else if (strcmp(name, "park_uncovered_residents") == 0) {
        single(out, "Residents outside park service 公园服务盲区人口", marker(0xd7191c, 200, 1.4));
        out->visible = 0;
    }
    /* Site results. */
    else if (strcmp(name, "site_checks") == 0) {
        set_text(out->title, sizeof out->title, "Site verdicts 选址结论");
        verdict_classes(out, "verdict", geometry);
    } else if (strcmp(name, "site_conflicts") == 0) {
        set_text(out->title, sizeof out->title, "Site conflicts 选址冲突");
        verdict_classes(out, "effect", PC_SYMBOL_FILL);
        for (int i = 0; i < out->n_classes; i++)
            out->classes[i].symbol.fill.a = 255;
    } else {
        single(out, name, out->symbol);
        return 0;
    }
    return 1;
}

int pc_style_class_of_value(const pc_style *s, const char *value)
{
    if (s->type != PC_STYLE_CATEGORIZED)
        return -1;
    int other = -1;
    for (int i = 0; i < s->n_classes; i++) {
        if (!s->classes[i].value[0])
            other = i;
        else if (value && strcmp(value, s->classes[i].value) == 0)
            return i;
    }
    return other;
}

int pc_style_class_of_number(const pc_style *s, double v)
{
    if (s->type != PC_STYLE_GRADUATED || isnan(v))
        return -1;
    for (int i = 0; i < s->n_classes; i++) {
        const pc_style_class *k = &s->classes[i];
        if ((v > k->lower || (i == 0 && v == k->lower)) && v <= k->upper)
            return i;
    }
    return -1;
}

const char *pc_rgba_qgis(char buf[32], pc_rgba c)
{
    snprintf(buf, 32, "%u,%u,%u,%u", c.r, c.g, c.b, c.a);
    return buf;
}

const char *pc_rgba_hex(char buf[8], pc_rgba c)
{
    snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

static void prop(pc_text *t, const char *k, const char *v)
{
    pc_text_add(t, "          <prop k=\"");
    pc_text_xml(t, k);
    pc_text_add(t, "\" v=\"");
    pc_text_xml(t, v);
    pc_text_add(t, "\"/>\n");
}

static void prop_number(pc_text *t, const char *k, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%g", v);
    prop(t, k, buf);
}

static void symbol_xml(pc_text *t, const pc_symbol *s, const char *name)
{
    static const char *const types[] = {"fill", "line", "marker"};
    char c1[32], c2[32];
    pc_text_printf(t, "      <symbol type=\"%s\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n",
                   types[s->type], name);
    if (s->type == PC_SYMBOL_FILL) {
        pc_text_add(t, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
        prop(t, "color", pc_rgba_qgis(c1, s->fill));
        prop(t, "style", s->fill.a ? "solid" : "no");
        prop(t, "outline_color", pc_rgba_qgis(c2, s->stroke));
        prop(t, "outline_style", s->stroke.a == 0 || s->stroke_mm <= 0 ? "no" : s->dashed ? "dash" : "solid");
        prop_number(t, "outline_width", s->stroke_mm);
        prop(t, "outline_width_unit", "MM");
        prop(t, "joinstyle", "bevel");
        prop(t, "offset", "0,0");
        prop(t, "offset_unit", "MM");
    } else if (s->type == PC_SYMBOL_LINE) {
        pc_text_add(t, "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
        prop(t, "line_color", pc_rgba_qgis(c1, s->stroke));
        prop(t, "line_style", s->dashed ? "dash" : "solid");
        prop_number(t, "line_width", s->stroke_mm);
        prop(t, "line_width_unit", "MM");
        prop(t, "capstyle", "round");
        prop(t, "joinstyle", "round");
        prop(t, "offset", "0");
        prop(t, "offset_unit", "MM");
    } else {
        pc_text_add(t, "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
        prop(t, "name", "circle");
        prop(t, "color", pc_rgba_qgis(c1, s->fill));
        prop(t, "outline_color", pc_rgba_qgis(c2, s->stroke));
        prop(t, "outline_style", s->stroke.a ? "solid" : "no");
        prop_number(t, "outline_width", s->stroke_mm);
        prop(t, "outline_width_unit", "MM");
        prop_number(t, "size", s->size_mm);
        prop(t, "size_unit", "MM");
        prop(t, "scale_method", "diameter");
        prop(t, "angle", "0");
        prop(t, "offset", "0,0");
        prop(t, "offset_unit", "MM");
    }
    pc_text_add(t, "        </layer>\n      </symbol>\n");
}

static void labeling_xml(pc_text *t, const pc_style *s)
{
    pc_text_add(t, "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
                   "      <text-style fieldName=\"");
    pc_text_xml(t, s->label_expression);
    pc_text_add(t, "\" isExpression=\"1\" fontFamily=\"Noto Sans CJK SC\" fontSize=\"9\" fontSizeUnit=\"Point\" "
                   "fontWeight=\"75\" textColor=\"40,40,40,255\" textOpacity=\"1\" namedStyle=\"Bold\">\n"
                   "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" "
                   "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\" bufferJoinStyle=\"128\"/>\n"
                   "      </text-style>\n"
                   "      <placement placement=\"1\" priority=\"5\" dist=\"0\" distUnits=\"MM\"/>\n"
                   "      <rendering obstacle=\"1\" scaleVisibility=\"0\" fontLimitPixelSize=\"0\" "
                   "upsidedownLabels=\"0\" displayAll=\"0\"/>\n"
                   "    </settings>\n  </labeling>\n");
}

void pc_style_qml_body(pc_text *t, const pc_style *s)
{
    char name[16];
    if (s->type == PC_STYLE_SINGLE || s->n_classes == 0) {
        pc_text_add(t, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
                       "    <symbols>\n");
        symbol_xml(t, &s->symbol, "0");
        pc_text_add(t, "    </symbols>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    } else if (s->type == PC_STYLE_CATEGORIZED) {
        pc_text_add(t, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"");
        pc_text_xml(t, s->field);
        pc_text_add(t, "\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n");
        for (int i = 0; i < s->n_classes; i++) {
            pc_text_printf(t, "      <category render=\"true\" symbol=\"%d\" value=\"", i);
            pc_text_xml(t, s->classes[i].value);
            pc_text_add(t, "\" label=\"");
            pc_text_xml(t, s->classes[i].label);
            pc_text_add(t, "\"/>\n");
        }
        pc_text_add(t, "    </categories>\n    <symbols>\n");
        for (int i = 0; i < s->n_classes; i++) {
            snprintf(name, sizeof name, "%d", i);
            symbol_xml(t, &s->classes[i].symbol, name);
        }
        pc_text_add(t, "    </symbols>\n    <source-symbol>\n");
        symbol_xml(t, &s->symbol, "0");
        pc_text_add(t, "    </source-symbol>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    } else {
        pc_text_add(t, "  <renderer-v2 type=\"graduatedSymbol\" attr=\"");
        pc_text_xml(t, s->field);
        pc_text_printf(t, "\" graduatedMethod=\"%s\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
                          "    <ranges>\n",
                       s->graduated_size ? "GraduatedSize" : "GraduatedColor");
        for (int i = 0; i < s->n_classes; i++) {
            pc_text_printf(t, "      <range render=\"true\" symbol=\"%d\" lower=\"%.6f\" upper=\"%.6f\" label=\"", i,
                           s->classes[i].lower, s->classes[i].upper);
            pc_text_xml(t, s->classes[i].label);
            pc_text_add(t, "\"/>\n");
        }
        pc_text_add(t, "    </ranges>\n    <symbols>\n");
        for (int i = 0; i < s->n_classes; i++) {
            snprintf(name, sizeof name, "%d", i);
            symbol_xml(t, &s->classes[i].symbol, name);
        }
        pc_text_add(t, "    </symbols>\n    <source-symbol>\n");
        symbol_xml(t, &s->classes[0].symbol, "0");
        pc_text_add(t, "    </source-symbol>\n    <mode name=\"manual\"/>\n    <rotation/>\n    <sizescale/>\n"
                       "  </renderer-v2>\n");
    }
    if (s->label_expression[0])
        labeling_xml(t, s);
    pc_text_add(t, "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
                   "  <layerOpacity>1</layerOpacity>\n");
}

char *pc_style_qml(const pc_style *s)
{
    pc_text t = PC_TEXT_INIT;
    pc_text_printf(&t,
                   "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                   "<qgis version=\"%s\" styleCategories=\"Symbology|Labeling|Rendering\" labelsEnabled=\"%d\">\n",
                   QGIS_VERSION_TEXT, s->label_expression[0] ? 1 : 0);
    pc_style_qml_body(&t, s);
    pc_text_add(&t, "</qgis>\n");
    return pc_text_take(&t);
}
