/* pc_svg.c: maps drawn as inline SVG: world-to-pixel view, styled layers, legend, scale bar, north arrow, CRS. */
#include "pc_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_STACK "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei'," \
                   "'WenQuanYi Micro Hei',sans-serif"
#define TITLE_BAND_PX 34.0
#define FOOT_BAND_PX 40.0
#define MARGIN_PX 12.0
#define LEGEND_LINE_PX 20.0

typedef enum legend_kind { LEGEND_HEADING, LEGEND_ENTRY, LEGEND_NOTE } legend_kind;

typedef struct legend_item {
    legend_kind kind;
    pc_symbol symbol;
    char *text;
} legend_item;

struct pc_svg_map {
    pc_ctx *ctx;
    pc_svg_view view;
    char *id, *title, *crs_label, *attribution;
    double legend_px, north_deg, tolerance_m;
    pc_text body;   /* the layers, clipped to the frame */
    pc_text labels; /* text on top of the layers */
    legend_item *legend;
    size_t n_legend, cap_legend;
};

void pc_svg_view_fit(pc_svg_view *v, const double env[4], double x, double y, double w, double h)
{
    double minx = env[0], miny = env[1], maxx = env[2], maxy = env[3];
    if (!(maxx > minx)) {
        double c = isfinite(minx) ? minx : 0;
        minx = c - 0.5, maxx = c + 0.5;
    }
    if (!(maxy > miny)) {
        double c = isfinite(miny) ? miny : 0;
        miny = c - 0.5, maxy = c + 0.5;
    }
    double sx = w / (maxx - minx), sy = h / (maxy - miny);
    v->px_per_m = sx < sy ? sx : sy;
    /* Grow the extent to the frame's aspect, around its centre. */
    double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;
    double half_w = w / v->px_per_m / 2, half_h = h / v->px_per_m / 2;
    v->env[0] = cx - half_w;
    v->env[1] = cy - half_h;
    v->env[2] = cx + half_w;
    v->env[3] = cy + half_h;
    v->frame[0] = x;
    v->frame[1] = y;
    v->frame[2] = w;
    v->frame[3] = h;
}

void pc_svg_view_to_px(const pc_svg_view *v, double wx, double wy, double *px, double *py)
{
    *px = v->frame[0] + (wx - v->env[0]) * v->px_per_m;
    *py = v->frame[1] + (v->env[3] - wy) * v->px_per_m;
}

double pc_svg_scalebar_m(const pc_svg_view *v, double max_px)
{
    if (!(v->px_per_m > 0) || !(max_px > 0))
        return 0;
    return pc_style_nice_floor(max_px / v->px_per_m);
}

const char *pc_svg_length_label(char *buf, size_t cap, double m)
{
    if (m >= 1000)
        snprintf(buf, cap, "%g km", m / 1000);
    else
        snprintf(buf, cap, "%g m", m);
    return buf;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

pc_status pc_svg_map_create(pc_ctx *ctx, pc_svg_map **out, const double env[4], const pc_svg_map_options *opts)
{
    pc_svg_map_options defaults = PC_SVG_MAP_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    *out = NULL;
    pc_svg_map *m = calloc(1, sizeof *m);
    if (!m)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    m->ctx = ctx;
    m->id = strdup(opts->id ? opts->id : "map");
    m->title = dup_or_null(opts->title);
    m->crs_label = dup_or_null(opts->crs_label);
    m->attribution = dup_or_null(opts->attribution);
    if (!m->id || (opts->title && !m->title) || (opts->crs_label && !m->crs_label) ||
        (opts->attribution && !m->attribution)) {
        pc_svg_map_destroy(m);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    double w = opts->width_px > 0 ? opts->width_px : 640, h = opts->height_px > 0 ? opts->height_px : 640;
    m->legend_px = opts->legend_px > 0 ? opts->legend_px : 280;
    m->north_deg = isfinite(opts->north_deg) ? opts->north_deg : 0;
    pc_svg_view_fit(&m->view, env, MARGIN_PX, TITLE_BAND_PX, w, h);
    double tol_px = opts->simplify_px > 0 ? opts->simplify_px : 0.5;
    m->tolerance_m = tol_px / m->view.px_per_m;
    *out = m;
    return PC_OK;
}

const pc_svg_view *pc_svg_map_view(const pc_svg_map *m) { return &m->view; }

static int add_legend(pc_svg_map *m, legend_kind kind, const pc_symbol *symbol, const char *text)
{
    if (m->n_legend == m->cap_legend) {
        size_t cap = m->cap_legend ? m->cap_legend * 2 : 16;
        legend_item *items = realloc(m->legend, cap * sizeof *items);
        if (!items)
            return 0;
        m->legend = items;
        m->cap_legend = cap;
    }
    legend_item *it = &m->legend[m->n_legend];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    if (symbol)
        it->symbol = *symbol;
    it->text = strdup(text ? text : "");
    if (!it->text)
        return 0;
    m->n_legend++;
    return 1;
}

/* Append one coordinate sequence as path data: "M x y x y ..." (closed with Z for rings). */
static void path_coords(pc_svg_map *m, pc_text *d, const GEOSCoordSequence *seq, int closed)
{
    GEOSContextHandle_t geos = pc_ctx_geos(m->ctx);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(geos, seq, &n) || n == 0)
        return;
    long last_x = 0, last_y = 0;
    int started = 0;
    for (unsigned int i = 0; i < n; i++) {
        double x, y, px, py;
        if (!GEOSCoordSeq_getXY_r(geos, seq, i, &x, &y))
            continue;
        pc_svg_view_to_px(&m->view, x, y, &px, &py);
        /* Tenths of a pixel: enough for any screen, and repeated points after rounding are dropped. */
        long ix = lround(px * 10), iy = lround(py * 10);
        if (started && ix == last_x && iy == last_y && i + 1 < n)
            continue;
        pc_text_printf(d, started ? " %.1f %.1f" : "M%.1f %.1f", ix / 10.0, iy / 10.0);
        started = 1;
        last_x = ix, last_y = iy;
    }
    if (closed)
        pc_text_add(d, "Z");
}

static void path_point(pc_svg_map *m, pc_text *d, double x, double y)
{
    double px, py;
    pc_svg_view_to_px(&m->view, x, y, &px, &py);
    pc_text_printf(d, "M%.1f %.1fh0", px, py);
}

static void path_geometry(pc_svg_map *m, pc_text *d, const GEOSGeometry *g)
{
    GEOSContextHandle_t geos = pc_ctx_geos(m->ctx);
    int type = GEOSGeomTypeId_r(geos, g);
    switch (type) {
    case GEOS_POINT: {
        double x, y;
        if (!GEOSisEmpty_r(geos, g) && GEOSGeomGetX_r(geos, g, &x) && GEOSGeomGetY_r(geos, g, &y))
            path_point(m, d, x, y);
        break;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        path_coords(m, d, GEOSGeom_getCoordSeq_r(geos, g), 0);
        break;
    case GEOS_POLYGON: {
        if (GEOSisEmpty_r(geos, g))
            break;
        const GEOSGeometry *shell = GEOSGetExteriorRing_r(geos, g);
        if (shell)
            path_coords(m, d, GEOSGeom_getCoordSeq_r(geos, shell), 1);
        int holes = GEOSGetNumInteriorRings_r(geos, g);
        for (int i = 0; i < holes; i++) {
            const GEOSGeometry *ring = GEOSGetInteriorRingN_r(geos, g, i);
            if (ring)
                path_coords(m, d, GEOSGeom_getCoordSeq_r(geos, ring), 1);
        }
        break;
    }
    default: {
        int parts = GEOSGetNumGeometries_r(geos, g);
        for (int i = 0; i < parts; i++) {
            const GEOSGeometry *part = GEOSGetGeometryN_r(geos, g, i);
            if (part)
                path_geometry(m, d, part);
        }
        break;
    }
    }
}

/* Non-zero when the geometry's envelope meets the view. */
static int in_view(pc_svg_map *m, const GEOSGeometry *g)
{
    GEOSContextHandle_t geos = pc_ctx_geos(m->ctx);
    double minx, miny, maxx, maxy;
    if (GEOSisEmpty_r(geos, g) != 0)
        return 0;
    if (!GEOSGeom_getXMin_r(geos, g, &minx) || !GEOSGeom_getYMin_r(geos, g, &miny) ||
        !GEOSGeom_getXMax_r(geos, g, &maxx) || !GEOSGeom_getYMax_r(geos, g, &maxy))
        return 1;
    return !(maxx < m->view.env[0] || minx > m->view.env[2] || maxy < m->view.env[1] || miny > m->view.env[3]);
}

/* The <path> element of a symbol around path data d. */
static void emit_path(pc_svg_map *m, const pc_symbol *s, const char *d, int polygonal)
{
    char fill[8], stroke[8];
    pc_text *t = &m->body;
    if (s->type == PC_SYMBOL_MARKER && !polygonal) {
        pc_text_printf(t, "<path fill=\"none\" stroke=\"%s\" stroke-opacity=\"%.2f\" stroke-width=\"%.1f\" "
                          "stroke-linecap=\"round\" d=\"",
                       pc_rgba_hex(fill, s->fill), s->fill.a / 255.0, s->size_mm * PC_STYLE_PX_PER_MM);
    } else if (s->type == PC_SYMBOL_LINE || !polygonal) {
        pc_text_printf(t, "<path fill=\"none\" stroke=\"%s\" stroke-opacity=\"%.2f\" stroke-width=\"%.2f\" "
                          "stroke-linejoin=\"round\" stroke-linecap=\"round\"%s d=\"",
                       pc_rgba_hex(stroke, s->stroke), s->stroke.a / 255.0,
                       fmax(s->stroke_mm * PC_STYLE_PX_PER_MM, 0.6), s->dashed ? " stroke-dasharray=\"4 3\"" : "");
    } else {
        pc_text_printf(t, "<path fill-rule=\"evenodd\" fill=\"%s\" fill-opacity=\"%.2f\"", 
                       s->fill.a ? pc_rgba_hex(fill, s->fill) : "none", s->fill.a / 255.0);
        if (s->stroke.a && s->stroke_mm > 0)
            pc_text_printf(t, " stroke=\"%s\" stroke-opacity=\"%.2f\" stroke-width=\"%.2f\" stroke-linejoin=\"round\"%s",
                           pc_rgba_hex(stroke, s->stroke), s->stroke.a / 255.0, s->stroke_mm * PC_STYLE_PX_PER_MM,
                           s->dashed ? " stroke-dasharray=\"4 3\"" : "");
        pc_text_add(t, " d=\"");
    }
    pc_text_add(t, d);
    pc_text_add(t, "\"/>\n");
}

static int feature_class(const pc_style *style, size_t i, const char *const *values, const double *numbers)
{
    if (style->type == PC_STYLE_CATEGORIZED)
        return pc_style_class_of_value(style, values ? values[i] : NULL);
    if (style->type == PC_STYLE_GRADUATED)
        return pc_style_class_of_number(style, numbers ? numbers[i] : NAN);
    return -1;
}

/* Draw features class by class (one <path> each), geometries or points. */
static pc_status draw(pc_svg_map *m, const pc_style *style, const GEOSGeometry *const *geoms, const double *x,
                      const double *y, size_t n, const char *const *values, const double *numbers, int legend)
{
    GEOSContextHandle_t geos = pc_ctx_geos(m->ctx);
    int n_classes = style->type == PC_STYLE_SINGLE ? 0 : style->n_classes;
    int *cls = malloc((n ? n : 1) * sizeof *cls);
    pc_text d = PC_TEXT_INIT;
    pc_status s = PC_OK;
    if (!cls)
        return pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        cls[i] = n_classes ? feature_class(style, i, values, numbers) : -1;
    /* A single symbol is one legend line under its title; classes get a heading and a line each. */
    if (legend && n_classes && !add_legend(m, LEGEND_HEADING, NULL, style->title)) {
        s = pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Features in no class are drawn with the default symbol first, then each class in order. */
    for (int k = -1; k < n_classes; k++) {
        const pc_symbol *sym = k < 0 ? &style->symbol : &style->classes[k].symbol;
        int polygonal = 0;
        size_t drawn = 0;
        d.len = 0;
        if (d.data)
            d.data[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (cls[i] != k)
                continue;
            if (!geoms) {
                if (x[i] >= m->view.env[0] && x[i] <= m->view.env[2] && y[i] >= m->view.env[1] &&
                    y[i] <= m->view.env[3]) {
                    path_point(m, &d, x[i], y[i]);
                    drawn++;
                }
                continue;
            }
            const GEOSGeometry *g = geoms[i];
            if (!g || !in_view(m, g))
                continue;
            int dim = GEOSGeom_getDimensions_r(geos, g);
            polygonal |= dim == 2;
            GEOSGeometry *simple = dim > 0 ? GEOSTopologyPreserveSimplify_r(geos, g, m->tolerance_m) : NULL;
            path_geometry(m, &d, simple ? simple : g);
            if (simple)
                GEOSGeom_destroy_r(geos, simple);
            drawn++;
        }
        if (d.len)
            emit_path(m, sym, pc_text_str(&d), polygonal);
        int show = legend && (drawn > 0 || style->type == PC_STYLE_GRADUATED);
        if (show && (k >= 0 || n_classes == 0 || drawn > 0) &&
            !add_legend(m, LEGEND_ENTRY, sym, k >= 0 ? style->classes[k].label : n_classes ? "other" : style->title)) {
            s = pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (!s && (d.failed || m->body.failed))
        s = pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory while drawing a map");
done:
    pc_text_free(&d);
    free(cls);
    return s;
}

pc_status pc_svg_map_layer(pc_svg_map *m, const pc_style *style, const GEOSGeometry *const *geoms, size_t n,
                           const char *const *values, const double *numbers, int legend)
{
    return draw(m, style, geoms, NULL, NULL, n, values, numbers, legend);
}

pc_status pc_svg_map_points(pc_svg_map *m, const pc_style *style, const double *x, const double *y, size_t n,
                            const char *const *values, const double *numbers, int legend)
{
    return draw(m, style, NULL, x, y, n, values, numbers, legend);
}

pc_status pc_svg_map_labels(pc_svg_map *m, const double *x, const double *y, const char *const *labels, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!labels[i] || !*labels[i])
            continue;
        if (x[i] < m->view.env[0] || x[i] > m->view.env[2] || y[i] < m->view.env[1] || y[i] > m->view.env[3])
            continue;
        double px, py;
        pc_svg_view_to_px(&m->view, x[i], y[i], &px, &py);
        pc_text_printf(&m->labels, "<text x=\"%.1f\" y=\"%.1f\" class=\"lbl\">", px, py);
        pc_text_xml(&m->labels, labels[i]);
        pc_text_add(&m->labels, "</text>\n");
    }
    return m->labels.failed ? pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory") : PC_OK;
}

pc_status pc_svg_map_legend_note(pc_svg_map *m, const char *text)
{
    return add_legend(m, LEGEND_NOTE, NULL, text) ? PC_OK : pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory");
}

/* A legend swatch of a symbol, 24 x 14 px at (x, y). */
static void swatch(pc_text *t, const pc_symbol *s, double x, double y)
{
    char fill[8], stroke[8];
    if (s->type == PC_SYMBOL_MARKER) {
        double r = fmax(s->size_mm * PC_STYLE_PX_PER_MM / 2, 3.0); /* legible in the legend even for tiny dots */
        pc_text_printf(t, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n", x + 12,
                       y + 7, r, pc_rgba_hex(fill, s->fill), s->fill.a / 255.0);
    } else if (s->type == PC_SYMBOL_LINE) {
        pc_text_printf(t, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
                       x, y + 7, x + 24, y + 7, pc_rgba_hex(stroke, s->stroke),
                       fmax(s->stroke_mm * PC_STYLE_PX_PER_MM, 1), s->dashed ? " stroke-dasharray=\"4 3\"" : "");
    } else {
        pc_text_printf(t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"14\" fill=\"%s\" fill-opacity=\"%.2f\"", x,
                       y, s->fill.a ? pc_rgba_hex(fill, s->fill) : "none", s->fill.a / 255.0);
        if (s->stroke.a && s->stroke_mm > 0)
            pc_text_printf(t, " stroke=\"%s\" stroke-width=\"%.1f\"%s", pc_rgba_hex(stroke, s->stroke),
                           fmax(s->stroke_mm * PC_STYLE_PX_PER_MM, 1), s->dashed ? " stroke-dasharray=\"4 3\"" : "");
        pc_text_add(t, "/>\n");
    }
}

static double draw_legend(pc_svg_map *m, pc_text *t, double x, double y)
{
    pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"lh\">Legend 图例</text>\n", x, y + 14);
    y += 26;
    for (size_t i = 0; i < m->n_legend; i++) {
        const legend_item *it = &m->legend[i];
        if (it->kind == LEGEND_HEADING) {
            y += 6;
            pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"lt\">", x, y + 12);
            pc_text_xml(t, it->text);
            pc_text_add(t, "</text>\n");
            y += LEGEND_LINE_PX - 2;
        } else if (it->kind == LEGEND_ENTRY) {
            swatch(t, &it->symbol, x + 4, y);
            pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"le\">", x + 36, y + 11);
            pc_text_xml(t, it->text);
            pc_text_add(t, "</text>\n");
            y += LEGEND_LINE_PX;
        } else {
            pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"ln\">", x, y + 11);
            pc_text_xml(t, it->text);
            pc_text_add(t, "</text>\n");
            y += LEGEND_LINE_PX;
        }
    }
    return y;
}

static void draw_scalebar(pc_svg_map *m, pc_text *t)
{
    const double *f = m->view.frame;
    double length_m = pc_svg_scalebar_m(&m->view, f[2] / 4);
    if (length_m <= 0)
        return;
    double bar_px = length_m * m->view.px_per_m;
    double x = f[0] + 14, y = f[1] + f[3] - 22;
    char label[32];
    pc_text_printf(t, "<g class=\"scalebar\" data-length-m=\"%g\" data-length-px=\"%.3f\">\n", length_m, bar_px);
    pc_text_printf(t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"30\" fill=\"#ffffff\" fill-opacity=\"0.8\"/>\n",
                   x - 8, y - 16, bar_px + 60);
    pc_text_printf(t, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.3f\" height=\"5\" fill=\"#222\"/>\n", x, y, bar_px / 2);
    pc_text_printf(t, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.3f\" height=\"5\" fill=\"#fff\" stroke=\"#222\" "
                      "stroke-width=\"0.8\"/>\n",
                   x + bar_px / 2, y, bar_px / 2);
    pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"sb\">0</text>\n", x - 3, y - 4);
    pc_text_printf(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"sb\">%s</text>\n</g>\n", x + bar_px - 6, y - 4,
                   pc_svg_length_label(label, sizeof label, length_m));
}

static void draw_north_arrow(pc_svg_map *m, pc_text *t)
{
    const double *f = m->view.frame;
    double cx = f[0] + f[2] - 26, cy = f[1] + 34;
    pc_text_printf(t, "<g class=\"north\" transform=\"translate(%.1f %.1f) rotate(%.2f)\">\n"
                      "<circle r=\"19\" fill=\"#ffffff\" fill-opacity=\"0.8\"/>\n"
                      "<path d=\"M0 -15L6 8L0 4Z\" fill=\"#222\"/><path d=\"M0 -15L-6 8L0 4Z\" fill=\"#fff\" "
                      "stroke=\"#222\" stroke-width=\"0.8\"/>\n"
                      "<text x=\"0\" y=\"-20\" text-anchor=\"middle\" class=\"na\">N</text>\n</g>\n",
                   cx, cy, m->north_deg);
}

pc_status pc_svg_map_finish(pc_svg_map *m, char **out)
{
    *out = NULL;
    const double *f = m->view.frame;
    pc_text legend = PC_TEXT_INIT;
    double legend_x = f[0] + f[2] + 18;
    double legend_bottom = draw_legend(m, &legend, legend_x, f[1]);
    double width = legend_x + m->legend_px;
    double height = fmax(f[1] + f[3] + FOOT_BAND_PX, legend_bottom + MARGIN_PX);
    pc_text t = PC_TEXT_INIT;
    pc_text_printf(&t, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" id=\"%s\" width=\"%.0f\" "
                       "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" role=\"img\">\n",
                   m->id, width, height, width, height, FONT_STACK);
    pc_text_add(&t, "<title>");
    pc_text_xml(&t, m->title ? m->title : m->id);
    pc_text_add(&t, "</title>\n<style>.lbl{font-size:12px;font-weight:bold;fill:#222;text-anchor:middle;"
                    "paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-opacity:0.85}"
                    ".lh{font-size:14px;font-weight:bold}.lt{font-size:12px;font-weight:bold;fill:#333}"
                    ".le{font-size:12px;fill:#222}.ln{font-size:11px;fill:#555;font-style:italic}"
                    ".sb{font-size:11px;fill:#222}.na{font-size:12px;font-weight:bold}"
                    ".tt{font-size:16px;font-weight:bold}.ft{font-size:11px;fill:#444}</style>\n");
    pc_text_printf(&t, "<defs><clipPath id=\"%s-clip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                       "</clipPath></defs>\n",
                   m->id, f[0], f[1], f[2], f[3]);
    pc_text_printf(&t, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, height);
    if (m->title) {
        pc_text_printf(&t, "<text x=\"%.1f\" y=\"%.1f\" class=\"tt\">", f[0], TITLE_BAND_PX - 11);
        pc_text_xml(&t, m->title);
        pc_text_add(&t, "</text>\n");
    }
    pc_text_printf(&t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fbfaf7\"/>\n", f[0], f[1],
                   f[2], f[3]);
    pc_text_printf(&t, "<g clip-path=\"url(#%s-clip)\">\n", m->id);
    pc_text_add(&t, pc_text_str(&m->body));
    pc_text_add(&t, pc_text_str(&m->labels));
    pc_text_add(&t, "</g>\n");
    pc_text_printf(&t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                   f[0], f[1], f[2], f[3]);
    draw_scalebar(m, &t);
    draw_north_arrow(m, &t);
    double foot = f[1] + f[3] + 16;
    pc_text_printf(&t, "<text x=\"%.1f\" y=\"%.1f\" class=\"ft\">", f[0], foot);
    if (m->crs_label) {
        pc_text_add(&t, "CRS ");
        pc_text_xml(&t, m->crs_label);
    }
    char scale[64];
    /* 1 px is 0.2646 mm at 96 dpi: the nominal scale of the map as shown at 100%. */
    snprintf(scale, sizeof scale, "  ·  about 1:%.0f on screen", pc_style_nice_floor(1.0 / (m->view.px_per_m * 0.0002646)));
    pc_text_add(&t, scale);
    pc_text_add(&t, "</text>\n");
    if (m->attribution) {
        pc_text_printf(&t, "<text x=\"%.1f\" y=\"%.1f\" class=\"ft\">", f[0], foot + 16);
        pc_text_xml(&t, m->attribution);
        pc_text_add(&t, "</text>\n");
    }
    pc_text_add(&t, pc_text_str(&legend));
    pc_text_add(&t, "</svg>\n");
    pc_status s = PC_OK;
    if (legend.failed || t.failed || m->body.failed || m->labels.failed)
        s = pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory while drawing a map");
    pc_text_free(&legend);
    if (s) {
        pc_text_free(&t);
        return s;
    }
    *out = pc_text_take(&t);
    return *out ? PC_OK : pc_error_plain(m->ctx, PC_ERR_NOMEM, "out of memory");
}

void pc_svg_map_destroy(pc_svg_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_legend; i++)
        free(m->legend[i].text);
    free(m->legend);
    pc_text_free(&m->body);
    pc_text_free(&m->labels);
    free(m->id);
    free(m->title);
    free(m->crs_label);
    free(m->attribution);
    free(m);
}
