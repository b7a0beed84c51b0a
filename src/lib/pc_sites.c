/* pc_sites.c: proposed sites checked against ecological red lines and the coastline, with a verdict each. */

/*
 * How a site is checked, per red-line kind of the profile:
 *  - candidates: the kind's STRtree queried with the site's envelope;
 *  - overlap: prepared intersects first, contains-properly (the whole site, no overlay), else the
 *    intersection's area; less than PC_SITES_MIN_OVERLAP_M2 is touching, not involvement. Features of one
 *    kind that overlap each other are counted once (union of the pieces);
 *  - distance: 0 when involved or touching, else one indexed facet distance to all the kind's rings;
 *  - verdict: forbid -> fail (linear uses crossing the ecological red line: warn), restrict -> warn,
 *    nearer than buffer_m -> warn. Then the coastline: seaward -> fail, inside the setback -> warn
 *    (exempt uses: pass, with the reason kept).
 */
#include "pc_sites.h"
#include "pc_geom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind whose rules (2022) let linear infrastructure cross with approval. */
static const char LINEAR_EXCEPTION_KIND[] = "ecological_redline";
static const char KIND_SEAWARD[] = "seaward";
static const char KIND_SETBACK[] = "coastal_setback";

const char *pc_verdict_name(pc_verdict v)
{
    return v == PC_VERDICT_FAIL ? "fail" : v == PC_VERDICT_WARN ? "warn" : "pass";
}

const char *pc_verdict_name_zh(pc_verdict v)
{
    return v == PC_VERDICT_FAIL ? "不通过" : v == PC_VERDICT_WARN ? "预警" : "通过";
}

const char *pc_sites_kind_name_en(const char *kind)
{
    static const char *const names[][2] = {
        {"ecological_redline", "ecological red line"},    {"barrier_tier1", "green barrier tier 1 zone"},
        {"barrier_tier2", "green barrier tier 2 zone"},   {"barrier_tier3", "green barrier tier 3 zone"},
        {"river_corridor", "river ecological corridor"}, {"wetland", "wetland"},
        {"marine_redline", "marine ecological red line"}, {"basic_farmland", "permanent basic farmland"},
        {"seaward", "seaward of the coastline"},          {"coastal_setback", "coastal building setback"}};
    for (size_t i = 0; kind && i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i][0], kind) == 0)
            return names[i][1];
    return kind ? kind : "";
}

/* ------------------------------------------------------------------ small helpers */

/* A printf into a new string (caller frees); NULL when out of memory. */
static char *format_new(const char *fmt, ...) PC_PRINTF(1, 2);
static char *format_new(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Collect the parts of dimension dim (2 polygons, 1 lines, 0 points) into a multi geometry (caller owns);
 * NULL when there are none. */
static GEOSGeometry *parts_of_dimension(GEOSContextHandle_t geos, const GEOSGeometry *g, int dim)
{
    int n = GEOSGetNumGeometries_r(geos, g);
    size_t cap = 8, count = 0;
    GEOSGeometry **parts = malloc(cap * sizeof *parts);
    if (!parts || n < 0) {
        free(parts);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *sub = GEOSGetGeometryN_r(geos, g, i);
        int t = GEOSGeomTypeId_r(geos, sub);
        if (t == GEOS_GEOMETRYCOLLECTION || t == GEOS_MULTIPOLYGON || t == GEOS_MULTILINESTRING || t == GEOS_MULTIPOINT) {
            if (sub == g)
                continue;
            GEOSGeometry *inner = parts_of_dimension(geos, sub, dim);
            if (!inner)
                continue;
            int m = GEOSGetNumGeometries_r(geos, inner);
            for (int j = 0; j < m; j++) {
                if (count == cap) {
                    GEOSGeometry **p = realloc(parts, 2 * cap * sizeof *p);
                    if (!p)
                        break;
                    parts = p, cap *= 2;
                }
                parts[count++] = GEOSGeom_clone_r(geos, GEOSGetGeometryN_r(geos, inner, j));
            }
            GEOSGeom_destroy_r(geos, inner);
            continue;
        }
        int d = (t == GEOS_POLYGON) ? 2 : (t == GEOS_LINESTRING || t == GEOS_LINEARRING) ? 1 : (t == GEOS_POINT) ? 0 : -1;
        if (d != dim || GEOSisEmpty_r(geos, sub) != 0)
            continue;
        if (count == cap) {
            GEOSGeometry **p = realloc(parts, 2 * cap * sizeof *p);
            if (!p)
                break;
            parts = p, cap *= 2;
        }
        if (t == GEOS_LINEARRING) {
            GEOSCoordSequence *cs = GEOSCoordSeq_clone_r(geos, GEOSGeom_getCoordSeq_r(geos, sub));
            parts[count++] = GEOSGeom_createLineString_r(geos, cs);
        } else
            parts[count++] = GEOSGeom_clone_r(geos, sub);
    }
    GEOSGeometry *out = NULL;
    if (count > 0) {
        int type = dim == 2 ? GEOS_MULTIPOLYGON : dim == 1 ? GEOS_MULTILINESTRING : GEOS_MULTIPOINT;
        out = GEOSGeom_createCollection_r(geos, type, parts, (unsigned)count);
    }
    free(parts);
    return out;
}

/* ------------------------------------------------------------------ the coastline index */

/*
 * Which side is the sea. A coastline is a line with the land on its left (the OpenStreetMap
 * natural=coastline convention; closed rings around islands run counter-clockwise). The side of a
 * point is the side of its nearest coastline segment; when the nearest point is a vertex shared by
 * two segments, the wedge between them decides (left of both at a left turn, left of either at a
 * right turn), which keeps the answer right at sharp headlands and bays. Beyond a line's ends the
 * end segment is extended. Coastlines drawn the other way round are turned when the plan's
 * boundary (land) says so: each feature votes with points just left and right of sample segments.
 */
typedef struct coast_seg {
    double ax, ay, bx, by;
    long prev, next; /* neighbouring segments of the same line, -1 at an open end */
} coast_seg;

typedef struct coast_index {
    size_t n, cap;
    coast_seg *segs;
    GEOSSTRtree *tree;
    GEOSGeometry *all;                /* every coastline feature as one multilinestring (owned) */
    const GEOSPreparedGeometry *prep; /* prepared all */
} coast_index;

static void coast_free(GEOSContextHandle_t geos, coast_index *c)
{
    if (c->tree)
        GEOSSTRtree_destroy_r(geos, c->tree);
    if (c->prep)
        GEOSPreparedGeom_destroy_r(geos, c->prep);
    if (c->all)
        GEOSGeom_destroy_r(geos, c->all);
    free(c->segs);
    memset(c, 0, sizeof *c);
}

/* Append the segments of one line (reversed when asked). Returns 0 when out of memory. */
static int coast_add_line(GEOSContextHandle_t geos, coast_index *c, const GEOSGeometry *line, int reversed)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(geos, line);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(geos, cs, &n) || n < 2)
        return 1;
    double *xy = malloc(2 * (size_t)n * sizeof *xy);
    if (!xy)
        return 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = reversed ? n - 1 - i : i;
        GEOSCoordSeq_getXY_r(geos, cs, k, &xy[2 * i], &xy[2 * i + 1]);
    }
    size_t first = c->n;
    for (unsigned i = 0; i + 1 < n; i++) {
        if (xy[2 * i] == xy[2 * i + 2] && xy[2 * i + 1] == xy[2 * i + 3])
            continue; /* repeated vertex */
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 1024;
            coast_seg *s = realloc(c->segs, cap * sizeof *s);
            if (!s) {
                free(xy);
                return 0;
            }
            c->segs = s, c->cap = cap;
        }
        coast_seg *s = &c->segs[c->n];
        s->ax = xy[2 * i], s->ay = xy[2 * i + 1], s->bx = xy[2 * i + 2], s->by = xy[2 * i + 3];
        s->prev = c->n > first ? (long)c->n - 1 : -1;
        s->next = -1;
        if (c->n > first)
            c->segs[c->n - 1].next = (long)c->n;
        c->n++;
    }
    /* A closed ring (an island) has no ends. */
    if (c->n > first + 1 && xy[0] == xy[2 * (n - 1)] && xy[1] == xy[2 * (n - 1) + 1]) {
        c->segs[first].prev = (long)c->n - 1;
        c->segs[c->n - 1].next = (long)first;
    }
    free(xy);
    return 1;
}

static double seg_distance2(const coast_seg *s, double x, double y, double *t_out)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - s->ax) * dx + (y - s->ay) * dy) / len2 : 0;
    if (t < 0)
        t = 0;
    else if (t > 1)
        t = 1;
    double px = s->ax + t * dx - x, py = s->ay + t * dy - y;
    if (t_out)
        *t_out = t;
    return px * px + py * py;
}

typedef struct seg_query {
    double x, y;
} seg_query;

static int seg_distance_cb(const void *a, const void *b, double *distance, void *userdata)
{
    const seg_query *q = userdata;
    const coast_seg *s = (a == (const void *)q) ? b : a;
    *distance = sqrt(seg_distance2(s, q->x, q->y, NULL));
    return 1;
}

static double cross(double ax, double ay, double bx, double by, double px, double py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

static int sign_of(double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }

/* +1 land (left), -1 sea (right), 0 on the line. */
static int coast_side(pc_ctx *ctx, coast_index *c, double x, double y)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (!c->tree || c->n == 0)
        return 0;
    seg_query q = {x, y};
    GEOSGeometry *pt = pc_geom_point(ctx, x, y);
    if (!pt)
        return 0;
    const coast_seg *s = GEOSSTRtree_nearest_generic_r(geos, c->tree, &q, pt, seg_distance_cb, &q);
    GEOSGeom_destroy_r(geos, pt);
    if (!s)
        return 0;
    double t = 0;
    if (seg_distance2(s, x, y, &t) == 0)
        return 0;
    const coast_seg *in = NULL, *out = NULL;
    if (t <= 0 && s->prev >= 0)
        in = &c->segs[s->prev], out = s;
    else if (t >= 1 && s->next >= 0)
        in = s, out = &c->segs[s->next];
    if (!in)
        return sign_of(cross(s->ax, s->ay, s->bx, s->by, x, y));
    /* The nearest point is the vertex in->b == out->a: the wedge between the two segments decides. */
    int l1 = sign_of(cross(in->ax, in->ay, in->bx, in->by, x, y));
    int l2 = sign_of(cross(out->ax, out->ay, out->bx, out->by, x, y));
    double turn = cross(in->ax, in->ay, in->bx, in->by, out->bx, out->by);
    if (turn > 0)
        return (l1 > 0 && l2 > 0) ? 1 : (l1 < 0 || l2 < 0) ? -1 : 0;
    return (l1 > 0 || l2 > 0) ? 1 : (l1 < 0 && l2 < 0) ? -1 : 0;
}

static void add_line_parts(GEOSContextHandle_t geos, const GEOSGeometry *g, GEOSGeometry ***lines, size_t *n,
                           size_t *cap)
{
    int t = GEOSGeomTypeId_r(geos, g);
    if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 16;
            GEOSGeometry **p = realloc(*lines, nc * sizeof *p);
            if (!p)
                return;
            *lines = p, *cap = nc;
        }
        (*lines)[(*n)++] = (GEOSGeometry *)g;
        return;
    }
    int m = GEOSGetNumGeometries_r(geos, g);
    for (int i = 0; i < m; i++) {
        const GEOSGeometry *sub = GEOSGetGeometryN_r(geos, g, i);
        if (sub != g)
            add_line_parts(geos, sub, lines, n, cap);
    }
}

/* Votes of one line on its land side: at up to 64 points spread evenly along it, a point just left and one just
 * right of the line are tested against the land polygon. Adds to *left (land on the left) and *right. */
static void orientation_votes(pc_ctx *ctx, const GEOSGeometry *line, const GEOSPreparedGeometry *land, long *left,
                              long *right)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(geos, line);
    unsigned n = 0;
    double total = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(geos, cs, &n) || n < 2 || !GEOSLength_r(geos, line, &total) || total <= 0)
        return;
    const int samples = 64;
    int k = 0;
    double along = 0; /* length before segment i */
    for (unsigned i = 0; i + 1 < n && k < samples; i++) {
        double ax, ay, bx, by;
        GEOSCoordSeq_getXY_r(geos, cs, i, &ax, &ay);
        GEOSCoordSeq_getXY_r(geos, cs, i + 1, &bx, &by);
        double dx = bx - ax, dy = by - ay, len = sqrt(dx * dx + dy * dy);
        /* The samples that fall on this segment, at (k + 0.5) / samples of the line. */
        for (; k < samples && (k + 0.5) * total / samples <= along + len; k++) {
            if (len <= 0)
                continue;
            double t = ((k + 0.5) * total / samples - along) / len;
            /* Close to the line, so that no other stretch of coast lies between the test point and the line. */
            double off = fmin(25.0, len / 4);
            double mx = ax + t * dx, my = ay + t * dy, nx = -dy / len * off, ny = dx / len * off;
            GEOSGeometry *lp = pc_geom_point(ctx, mx + nx, my + ny), *rp = pc_geom_point(ctx, mx - nx, my - ny);
            if (lp && rp) {
                int li = GEOSPreparedContains_r(geos, land, lp) == 1, ri = GEOSPreparedContains_r(geos, land, rp) == 1;
                if (ri && !li)
                    (*right)++;
                else if (li && !ri)
                    (*left)++;
            }
            if (lp)
                GEOSGeom_destroy_r(geos, lp);
            if (rp)
                GEOSGeom_destroy_r(geos, rp);
        }
        along += len;
    }
}

/* Build the index over the coastline features; land (prepared, may be NULL) turns features drawn the other way. */
static pc_status coast_build(pc_ctx *ctx, coast_index *c, const pc_layer *coast, const GEOSPreparedGeometry *land,
                             size_t *n_reversed)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status s = PC_OK;
    GEOSGeometry **lines = NULL;
    size_t n_lines = 0, cap_lines = 0;
    GEOSGeometry **clones = NULL;
    *n_reversed = 0;
    for (size_t f = 0; f < coast->n; f++) {
        size_t before = n_lines;
        add_line_parts(geos, coast->geoms[f], &lines, &n_lines, &cap_lines);
        long left = 0, right = 0;
        if (land)
            for (size_t k = before; k < n_lines; k++)
                orientation_votes(ctx, lines[k], land, &left, &right);
        /* A clear majority only: a boundary drawn loosely along the coast votes on both sides. */
        int reversed = right >= 3 && right > 2 * left;
        if (reversed) {
            (*n_reversed)++;
            pc_ctx_warn(ctx, "%s: layer '%s' fid %lld: the coastline runs with the land on its right (the plan's "
                        "boundary says so); turned around, since plancheck expects the land on the left as in "
                        "OpenStreetMap", coast->source, coast->layer_name, (long long)coast->fids[f]);
        }
        for (size_t k = before; k < n_lines; k++)
            if (!coast_add_line(geos, c, lines[k], reversed)) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing the coastline");
                goto done;
            }
    }
    /* One multilinestring, so that the prepared geometry measures distances with its facet index. */
    clones = calloc(n_lines ? n_lines : 1, sizeof *clones);
    if (!clones) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing the coastline");
        goto done;
    }
    for (size_t k = 0; k < n_lines; k++)
        clones[k] = GEOSGeomTypeId_r(geos, lines[k]) == GEOS_LINEARRING
                        ? GEOSGeom_createLineString_r(geos, GEOSCoordSeq_clone_r(geos, GEOSGeom_getCoordSeq_r(geos, lines[k])))
                        : GEOSGeom_clone_r(geos, lines[k]);
    c->all = GEOSGeom_createCollection_r(geos, GEOS_MULTILINESTRING, clones, (unsigned)n_lines);
    free(clones);
    clones = NULL;
    if (!c->all || !(c->prep = GEOSPrepare_r(geos, c->all))) {
        s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot prepare the coastline (%s)", pc_ctx_geos_message(ctx));
        goto done;
    }
    c->tree = GEOSSTRtree_create_r(geos, 10);
    if (!c->tree) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing the coastline");
        goto done;
    }
    for (size_t i = 0; i < c->n; i++) {
        coast_seg *seg = &c->segs[i];
        /* The tree keeps a copy of the envelope, so the rectangle can go at once. */
        GEOSGeometry *env = GEOSGeom_createRectangle_r(geos, fmin(seg->ax, seg->bx), fmin(seg->ay, seg->by),
                                                       fmax(seg->ax, seg->bx), fmax(seg->ay, seg->by));
        if (!env) {
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot index the coastline (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        GEOSSTRtree_insert_r(geos, c->tree, env, seg);
        GEOSGeom_destroy_r(geos, env);
    }
done:
    free(clones);
    free(lines);
    return s;
}

int pc_sites_coast_side(pc_ctx *ctx, const GEOSGeometry *coastline, double x, double y)
{
    pc_layer layer;
    memset(&layer, 0, sizeof layer);
    GEOSGeometry *geoms[1] = {(GEOSGeometry *)coastline};
    int64_t fids[1] = {0};
    layer.n = 1, layer.geoms = geoms, layer.fids = fids;
    layer.source = (char *)"coastline", layer.layer_name = (char *)"coastline";
    coast_index c;
    memset(&c, 0, sizeof c);
    size_t reversed = 0;
    int side = 0;
    if (coast_build(ctx, &c, &layer, NULL, &reversed) == PC_OK)
        side = coast_side(ctx, &c, x, y);
    coast_free(pc_ctx_geos(ctx), &c);
    return side;
}

/* ------------------------------------------------------------------ the red-line index */

typedef struct red_item {
    size_t feature;
    int kind;
    const GEOSGeometry *geom;         /* borrowed from the plan */
    const GEOSPreparedGeometry *prep; /* owned */
    GEOSGeometry *boundary;           /* made on first use by a line site (owned) */
} red_item;

typedef struct sites_state {
    pc_ctx *ctx;
    GEOSContextHandle_t geos;
    const pc_profile *profile;
    pc_sites_result *r;
    const pc_layer *sites;
    const pc_layer *red; /* may be NULL */
    red_item *items;
    GEOSSTRtree **trees; /* per kind; NULL when the plan has no feature of the kind */
    GEOSGeometry **edges; /* per kind: the features' rings as one multilinestring (owned) */
    const GEOSPreparedGeometry **edges_prep; /* prepared edges: one indexed distance per kind */
    coast_index coast;
    size_t cap_overlaps;
    red_item **cand; /* scratch: candidates of one query */
    size_t n_cand, cap_cand;
    int cand_lost; /* a candidate could not be recorded (out of memory) */
} sites_state;

static void collect_candidate(void *item, void *userdata)
{
    sites_state *st = userdata;
    if (st->n_cand == st->cap_cand) {
        size_t cap = st->cap_cand ? 2 * st->cap_cand : 16;
        red_item **p = realloc(st->cand, cap * sizeof *p);
        if (!p) {
            st->cand_lost = 1;
            return;
        }
        st->cand = p, st->cap_cand = cap;
    }
    st->cand[st->n_cand++] = item;
}

/* ------------------------------------------------------------------ measuring one site */

static int count_points(GEOSContextHandle_t geos, const GEOSGeometry *g) { return GEOSGetNumGeometries_r(geos, g); }

/* Amount of a geometry in the site's measure: m2, m, or points. */
static double measure_of(GEOSContextHandle_t geos, const GEOSGeometry *g, pc_site_measure m)
{
    double v = 0;
    if (m == PC_MEASURE_AREA)
        GEOSArea_r(geos, g, &v);
    else if (m == PC_MEASURE_LENGTH)
        GEOSLength_r(geos, g, &v);
    else
        v = count_points(geos, g);
    return v;
}

/*
 * Overlap of one red line with a site footprint. Returns 1 involved (*geom, *amount set), 0 the two
 * meet without an overlap (touching), -1 disjoint, -2 GEOS error.
 */
static int overlap_one(sites_state *st, red_item *it, const GEOSGeometry *fp, pc_site_measure m, double site_amount,
                       GEOSGeometry **geom, double *amount)
{
    GEOSContextHandle_t geos = st->geos;
    *geom = NULL;
    *amount = 0;
    char hit = GEOSPreparedIntersects_r(geos, it->prep, fp);
    if (hit == 2)
        return -2;
    if (!hit)
        return -1;
    if (m == PC_MEASURE_POINT) {
        int n = GEOSGetNumGeometries_r(geos, fp), inside = 0;
        GEOSGeometry **pts = calloc(n > 0 ? (size_t)n : 1, sizeof *pts);
        if (!pts)
            return -2;
        for (int i = 0; i < n; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(geos, fp, i);
            /* Contains properly: a point on the red line's edge touches it, it does not lie inside. */
            char in = GEOSPreparedContainsProperly_r(geos, it->prep, p);
            if (in == 2) {
                for (int k = 0; k < inside; k++)
                    GEOSGeom_destroy_r(geos, pts[k]);
                free(pts);
                return -2;
            }
            if (in)
                pts[inside++] = GEOSGeom_clone_r(geos, p);
        }
        if (inside == 0) {
            free(pts);
            return 0;
        }
        *geom = inside == 1 ? pts[0] : GEOSGeom_createCollection_r(geos, GEOS_MULTIPOINT, pts, (unsigned)inside);
        free(pts);
        *amount = inside;
        return *geom ? 1 : -2;
    }
    if (m == PC_MEASURE_AREA) {
        char inside = GEOSPreparedContainsProperly_r(geos, it->prep, fp);
        if (inside == 2)
            return -2;
        if (inside) {
            /* Wholly inside: no intersection to compute. */
            *geom = GEOSGeom_clone_r(geos, fp);
            *amount = site_amount;
            return *geom ? 1 : -2;
        }
        GEOSGeometry *inter = GEOSIntersection_r(geos, it->geom, fp);
        if (!inter)
            return -2;
        GEOSGeometry *poly = parts_of_dimension(geos, inter, 2);
        GEOSGeom_destroy_r(geos, inter);
        double a = poly ? measure_of(geos, poly, m) : 0;
        if (a < PC_SITES_MIN_OVERLAP_M2) {
            if (poly)
                GEOSGeom_destroy_r(geos, poly);
            return 0;
        }
        *geom = poly;
        *amount = a;
        return 1;
    }
    /* A line: its length inside the red line, less what runs along the red line's edge. */
    if (!it->boundary && !(it->boundary = GEOSBoundary_r(geos, it->geom)))
        return -2;
    GEOSGeometry *inter = GEOSIntersection_r(geos, it->geom, fp);
    GEOSGeometry *edge = GEOSIntersection_r(geos, it->boundary, fp);
    if (!inter || !edge) {
        if (inter)
            GEOSGeom_destroy_r(geos, inter);
        if (edge)
            GEOSGeom_destroy_r(geos, edge);
        return -2;
    }
    GEOSGeometry *lines = parts_of_dimension(geos, inter, 1);
    double len = lines ? measure_of(geos, lines, m) : 0, len_edge = 0;
    GEOSLength_r(geos, edge, &len_edge);
    GEOSGeom_destroy_r(geos, inter);
    GEOSGeom_destroy_r(geos, edge);
    if (len - len_edge < PC_SITES_MIN_OVERLAP_M) {
        if (lines)
            GEOSGeom_destroy_r(geos, lines);
        return 0;
    }
    *geom = lines;
    *amount = len - len_edge;
    return 1;
}

/* Distance from a site outside every feature of kind k (neither involved nor touching) to the kind, and its
 * nearest feature. The features' edges are one prepared multilinestring, so one indexed facet distance
 * serves all of them (outside a polygon, the distance to it is the distance to its rings). A point site
 * with a footprint radius is measured from its circle: the distance from the point, less the radius. */
static int kind_distance(sites_state *st, int k, const GEOSGeometry *fp, const GEOSGeometry *centre, double radius_m,
                         double *distance_m, long *nearest)
{
    GEOSContextHandle_t geos = st->geos;
    const GEOSGeometry *probe = centre ? centre : fp;
    double d = 0;
    if (!GEOSPreparedDistance_r(geos, st->edges_prep[k], probe, &d))
        return 0;
    *distance_m = centre ? fmax(0.0, d - radius_m) : d;
    *nearest = -1;
    if (st->r->kind_features[k] == 1) {
        for (size_t f = 0; f < st->red->n && *nearest < 0; f++)
            if (st->items[f].kind == k)
                *nearest = (long)f;
        return 1;
    }
    /* Which feature: only those whose envelopes come within that distance can be it. */
    double env[4];
    if (!pc_geom_envelope(st->ctx, probe, env))
        return 0;
    double grow = d * (1 + 1e-9) + 1e-6;
    GEOSGeometry *box = GEOSGeom_createRectangle_r(geos, env[0] - grow, env[1] - grow, env[2] + grow, env[3] + grow);
    if (!box)
        return 0;
    st->n_cand = 0;
    GEOSSTRtree_query_r(geos, st->trees[k], box, collect_candidate, st);
    GEOSGeom_destroy_r(geos, box);
    double best = HUGE_VAL;
    for (size_t c = 0; c < st->n_cand; c++) {
        double dc = 0;
        if (st->n_cand > 1 && !GEOSPreparedDistance_r(geos, st->cand[c]->prep, probe, &dc))
            return 0;
        if (dc < best)
            best = dc, *nearest = (long)st->cand[c]->feature;
    }
    return *nearest >= 0 && !st->cand_lost;
}

static pc_status geos_failed(sites_state *st, size_t i, const char *what)
{
    return pc_error(st->ctx, PC_ERR_GEOM, st->sites->source, st->sites->layer_name, st->sites->fids[i], NULL,
                    "%s failed (%s)", what, pc_ctx_geos_message(st->ctx));
}

static pc_status add_overlap(sites_state *st, size_t site, int kind, const red_item *it, GEOSGeometry *geom,
                             double amount, pc_site_measure m, double site_amount)
{
    pc_sites_result *r = st->r;
    if (r->n_overlaps == st->cap_overlaps) {
        size_t cap = st->cap_overlaps ? 2 * st->cap_overlaps : 256;
        pc_site_overlap *p = realloc(r->overlaps, cap * sizeof *p);
        if (!p) {
            GEOSGeom_destroy_r(st->geos, geom);
            return pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory recording overlaps");
        }
        r->overlaps = p, st->cap_overlaps = cap;
    }
    pc_site_overlap *o = &r->overlaps[r->n_overlaps++];
    memset(o, 0, sizeof *o);
    o->site = site;
    o->kind = kind;
    o->feature = it->feature;
    o->name = pc_layer_value(st->red, PC_FIELD_NAME, it->feature);
    if (m == PC_MEASURE_AREA)
        o->area_m2 = amount;
    else if (m == PC_MEASURE_LENGTH)
        o->length_m = amount;
    o->share = site_amount > 0 ? fmin(1.0, amount / site_amount) : 0;
    o->geom = geom;
    return PC_OK;
}

static pc_status add_reason(sites_state *st, pc_site_check *sc, pc_verdict effect, const char *kind, const char *rule,
                            char *text, char *text_zh)
{
    pc_site_reason *p = realloc(sc->reasons, (sc->n_reasons + 1) * sizeof *p);
    if (!p || !text || !text_zh) {
        free(text);
        free(text_zh);
        if (p)
            sc->reasons = p;
        return pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory recording reasons");
    }
    sc->reasons = p;
    pc_site_reason *rs = &sc->reasons[sc->n_reasons++];
    rs->effect = effect;
    rs->kind = kind;
    rs->rule = rule;
    rs->text = text;
    rs->text_zh = text_zh;
    if (effect > sc->verdict)
        sc->verdict = effect;
    return PC_OK;
}

/* The rule text a reason cites: the red line's own 'rule' field when it has one, else the profile's. */
static const char *cited_rule(const sites_state *st, int kind, long feature)
{
    const char *own = feature >= 0 ? pc_layer_value(st->red, PC_FIELD_RULE, (size_t)feature) : NULL;
    return own && *own ? own : st->r->kinds[kind].rule;
}

/* "Name A, Name B and 2 more" of the site's overlaps with one kind (into buf). */
static const char *overlap_names(const sites_state *st, const pc_site_check *sc, int kind, char *buf, size_t cap)
{
    size_t used = 0;
    int listed = 0, more = 0;
    buf[0] = '\0';
    for (size_t k = sc->first_overlap; k < sc->first_overlap + sc->n_overlaps; k++) {
        const pc_site_overlap *o = &st->r->overlaps[k];
        if (o->kind != kind)
            continue;
        if (listed == 3) {
            more++;
            continue;
        }
        int n = snprintf(buf + used, cap - used, "%s%s", listed ? ", " : "", o->name ? o->name : "(unnamed)");
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
        listed++;
    }
    if (more && used < cap)
        snprintf(buf + used, cap - used, " and %d more", more);
    return buf;
}

/* "2.31 ha (18.4%)", "1200 m (83.3%)" or "" for a point, in English and Chinese. */
static void amount_text(const pc_site_check *sc, const pc_site_kind *k, char *en, char *zh, size_t cap)
{
    if (sc->measure == PC_MEASURE_AREA) {
        snprintf(en, cap, " %.2f ha (%.1f%%)", k->area_m2 / 10000.0, 100.0 * k->share);
        snprintf(zh, cap, " %.2f 公顷 (%.1f%%)", k->area_m2 / 10000.0, 100.0 * k->share);
    } else if (sc->measure == PC_MEASURE_LENGTH) {
        snprintf(en, cap, " %.0f m of the line (%.1f%%)", k->length_m, 100.0 * k->share);
        snprintf(zh, cap, " %.0f 米 (%.1f%%)", k->length_m, 100.0 * k->share);
    } else {
        snprintf(en, cap, " (the site point lies inside)");
        snprintf(zh, cap, " (点位位于其内)");
    }
}

static pc_status kind_reasons(sites_state *st, size_t i, int kind)
{
    pc_site_check *sc = &st->r->sites[i];
    const pc_site_kind *k = &sc->kinds[kind];
    const pc_redline_rule *rule = &st->r->kinds[kind];
    const char *en_name = pc_sites_kind_name_en(rule->kind);
    char names[512], en_amount[96], zh_amount[96];
    if (k->involved) {
        long first = -1;
        for (size_t o = sc->first_overlap; o < sc->first_overlap + sc->n_overlaps && first < 0; o++)
            if (st->r->overlaps[o].kind == kind)
                first = (long)st->r->overlaps[o].feature;
        const char *cite = cited_rule(st, kind, first);
        overlap_names(st, sc, kind, names, sizeof names);
        amount_text(sc, k, en_amount, zh_amount, sizeof en_amount);
        if (rule->on_overlap == PC_OVERLAP_FORBID && strcmp(rule->kind, LINEAR_EXCEPTION_KIND) == 0 && sc->use &&
            pc_profile_list_has(st->profile->linear_uses, st->profile->n_linear_uses, sc->use))
            return add_reason(st, sc, PC_VERDICT_WARN, rule->kind, cite,
                              format_new("linear infrastructure (use '%s') crosses the %s%s: %s; allowed only as "
                                         "one of the limited activities, with approval",
                                         sc->use, en_name, en_amount, names),
                              format_new("线性基础设施穿越%s%s, 属有限人为活动, 须依法审批", rule->name_zh, zh_amount));
        if (rule->on_overlap == PC_OVERLAP_FORBID)
            return add_reason(st, sc, PC_VERDICT_FAIL, rule->kind, cite,
                              format_new("involves the %s%s: %s; forbidden", en_name, en_amount, names),
                              format_new("涉及%s%s, 禁止占用", rule->name_zh, zh_amount));
        if (rule->on_overlap == PC_OVERLAP_RESTRICT)
            return add_reason(st, sc, PC_VERDICT_WARN, rule->kind, cite,
                              format_new("involves the %s%s: %s; construction restricted", en_name, en_amount, names),
                              format_new("涉及%s%s, 建设受限", rule->name_zh, zh_amount));
        return PC_OK;
    }
    if (rule->buffer_m > 0 && isfinite(k->distance_m) && k->distance_m < rule->buffer_m) {
        const char *near = k->nearest >= 0 ? pc_layer_value(st->red, PC_FIELD_NAME, (size_t)k->nearest) : NULL;
        return add_reason(st, sc, PC_VERDICT_WARN, rule->kind, cited_rule(st, kind, k->nearest),
                          format_new("%.0f m from the %s %s, nearer than its %.0f m buffer", k->distance_m, en_name,
                                     near ? near : "(unnamed)", rule->buffer_m),
                          format_new("不涉及%s, 但距其 %.0f 米, 小于 %.0f 米缓冲距离", rule->name_zh, k->distance_m,
                                     rule->buffer_m));
    }
    return PC_OK;
}

/* The footprint part's side of the coastline: +1 land, -1 sea. Splits a part that crosses the coast. */
static pc_status coast_part(sites_state *st, size_t i, const GEOSGeometry *part, int single, const GEOSGeometry *clip,
                            pc_site_measure m, GEOSGeometry ***sea_parts, size_t *n_sea, size_t *cap_sea)
{
    GEOSContextHandle_t geos = st->geos;
    pc_site_check *sc = &st->r->sites[i];
    int crosses = 0;
    if (clip && m != PC_MEASURE_POINT) {
        char rel = GEOSRelatePattern_r(geos, part, clip, "T********");
        if (rel == 2)
            return geos_failed(st, i, "relating the site to the coastline");
        crosses = rel;
    }
    if (!crosses) {
        double x, y;
        if (single)
            x = st->sites->x[i], y = st->sites->y[i]; /* the layer's point on the site (a circle's centre) */
        else if (!pc_geom_representative_xy(st->ctx, part, &x, &y))
            return geos_failed(st, i, "finding a point on the site");
        if (coast_side(st->ctx, &st->coast, x, y) >= 0)
            return PC_OK;
        sc->seaward = 1;
        if (m == PC_MEASURE_AREA) {
            double a = 0;
            GEOSArea_r(geos, part, &a);
            sc->seaward_m2 += a;
        }
        if (*n_sea == *cap_sea) {
            size_t cap = *cap_sea ? 2 * *cap_sea : 4;
            GEOSGeometry **p = realloc(*sea_parts, cap * sizeof *p);
            if (!p)
                return pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory");
            *sea_parts = p, *cap_sea = cap;
        }
        (*sea_parts)[(*n_sea)++] = GEOSGeom_clone_r(geos, part);
        return PC_OK;
    }
    sc->seaward = 1;
    if (m != PC_MEASURE_AREA)
        return PC_OK; /* a line crossing the coast (a pier): seaward, no area */
    /* Cut the part along the coastline and keep the pieces on the sea side. */
    pc_status s = PC_OK;
    GEOSGeometry *ring = GEOSBoundary_r(geos, part);
    GEOSGeometry *noded = ring ? GEOSUnion_r(geos, ring, clip) : NULL;
    const GEOSGeometry *input[1] = {noded};
    GEOSGeometry *pieces = noded ? GEOSPolygonize_r(geos, input, 1) : NULL;
    if (!pieces) {
        s = geos_failed(st, i, "cutting the site along the coastline");
        goto done;
    }
    for (int k = 0; k < GEOSGetNumGeometries_r(geos, pieces); k++) {
        const GEOSGeometry *piece = GEOSGetGeometryN_r(geos, pieces, k);
        double x, y;
        if (!pc_geom_representative_xy(st->ctx, piece, &x, &y))
            continue;
        GEOSGeometry *pt = pc_geom_point(st->ctx, x, y);
        /* Polygonize also closes holes and coast loops outside the site: keep pieces of the site only. */
        char in = pt ? GEOSIntersects_r(geos, part, pt) : 0;
        if (pt)
            GEOSGeom_destroy_r(geos, pt);
        if (in != 1 || coast_side(st->ctx, &st->coast, x, y) >= 0)
            continue;
        double a = 0;
        GEOSArea_r(geos, piece, &a);
        sc->seaward_m2 += a;
        if (*n_sea == *cap_sea) {
            size_t cap = *cap_sea ? 2 * *cap_sea : 4;
            GEOSGeometry **p = realloc(*sea_parts, cap * sizeof *p);
            if (!p) {
                s = pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            *sea_parts = p, *cap_sea = cap;
        }
        (*sea_parts)[(*n_sea)++] = GEOSGeom_clone_r(geos, piece);
    }
done:
    if (pieces)
        GEOSGeom_destroy_r(geos, pieces);
    if (noded)
        GEOSGeom_destroy_r(geos, noded);
    if (ring)
        GEOSGeom_destroy_r(geos, ring);
    return s;
}

static pc_status check_coast(sites_state *st, size_t i, const GEOSGeometry *fp, const GEOSGeometry *centre,
                             pc_site_measure m)
{
    GEOSContextHandle_t geos = st->geos;
    pc_site_check *sc = &st->r->sites[i];
    pc_status s = PC_OK;
    GEOSGeometry *clip = NULL, **sea_parts = NULL;
    size_t n_sea = 0, cap_sea = 0;
    double d = 0;
    /* A point's footprint circle is measured from the point, less the radius (see kind_distance). */
    if (!GEOSPreparedDistance_r(geos, st->coast.prep, centre ? centre : fp, &d))
        return geos_failed(st, i, "distance to the coastline");
    if (centre)
        d = fmax(0.0, d - st->r->point_radius_m);
    sc->coast_distance_m = d;
    sc->in_setback = d < st->r->coast_setback_m;
    if (d == 0 && m != PC_MEASURE_POINT) {
        double env[4];
        if (!pc_geom_envelope(st->ctx, fp, env))
            return geos_failed(st, i, "envelope of the site");
        clip = GEOSClipByRect_r(geos, st->coast.all, env[0] - 1, env[1] - 1, env[2] + 1, env[3] + 1);
        if (!clip)
            return geos_failed(st, i, "clipping the coastline to the site");
    }
    int n = GEOSGetNumGeometries_r(geos, fp);
    for (int k = 0; k < n && !s; k++)
        s = coast_part(st, i, GEOSGetGeometryN_r(geos, fp, k), n == 1, clip, m, &sea_parts, &n_sea, &cap_sea);
    if (!s && n_sea > 0) {
        GEOSGeometry *all = GEOSGeom_createCollection_r(geos, GEOS_GEOMETRYCOLLECTION, sea_parts, (unsigned)n_sea);
        n_sea = 0;
        if (all) {
            sc->seaward_geom = GEOSUnaryUnion_r(geos, all);
            GEOSGeom_destroy_r(geos, all);
        }
    }
    for (size_t k = 0; k < n_sea; k++)
        GEOSGeom_destroy_r(geos, sea_parts[k]);
    free(sea_parts);
    if (clip)
        GEOSGeom_destroy_r(geos, clip);
    if (s)
        return s;

    const char *rule = st->r->coast_rule;
    if (sc->seaward) {
        char en[96] = "", zh[96] = "";
        if (m == PC_MEASURE_AREA) {
            snprintf(en, sizeof en, " (%.2f ha)", sc->seaward_m2 / 10000.0);
            snprintf(zh, sizeof zh, " (%.2f 公顷)", sc->seaward_m2 / 10000.0);
        }
        return add_reason(st, sc, PC_VERDICT_FAIL, KIND_SEAWARD, rule,
                          format_new("lies seaward of the coastline%s: new reclamation is forbidden", en),
                          format_new("位于海岸线向海一侧%s, 属新增围填海, 禁止", zh));
    }
    if (sc->in_setback) {
        if (sc->use && pc_profile_list_has(st->profile->setback_exempt_uses, st->profile->n_setback_exempt_uses,
                                           sc->use))
            return add_reason(st, sc, PC_VERDICT_PASS, KIND_SETBACK, rule,
                              format_new("%.0f m from the coastline, inside the %.0f m coastal setback: allowed for "
                                         "use '%s'", d, st->r->coast_setback_m, sc->use),
                              format_new("距海岸线 %.0f 米, 位于 %.0f 米海岸建筑退缩线内, %s 用途允许", d,
                                         st->r->coast_setback_m, sc->use));
        return add_reason(st, sc, PC_VERDICT_WARN, KIND_SETBACK, rule,
                          format_new("%.0f m from the coastline, inside the %.0f m coastal setback", d,
                                     st->r->coast_setback_m),
                          format_new("距海岸线 %.0f 米, 位于 %.0f 米海岸建筑退缩线内", d, st->r->coast_setback_m));
    }
    return PC_OK;
}

static pc_status check_site(sites_state *st, size_t i)
{
    GEOSContextHandle_t geos = st->geos;
    pc_sites_result *r = st->r;
    pc_site_check *sc = &r->sites[i];
    const GEOSGeometry *g = st->sites->geoms[i];
    GEOSGeometry *owned_fp = NULL, *kind_union = NULL;
    pc_status s = PC_OK;

    sc->fid = st->sites->fids[i];
    sc->name = pc_layer_value(st->sites, PC_FIELD_NAME, i);
    sc->name_zh = pc_layer_value(st->sites, PC_FIELD_NAME_ZH, i);
    sc->use = pc_layer_value(st->sites, PC_FIELD_USE, i);
    sc->geom = g;
    sc->coast_distance_m = NAN;
    sc->first_overlap = r->n_overlaps;
    int dim = GEOSGeom_getDimensions_r(geos, g);
    const GEOSGeometry *fp = g, *centre = NULL;
    if (dim == 0 && r->point_radius_m > 0) {
        centre = g;
        owned_fp = GEOSBuffer_r(geos, g, r->point_radius_m, PC_SITES_QUADSEGS);
        if (!owned_fp)
            return geos_failed(st, i, "the footprint circle");
        fp = owned_fp;
        dim = 2;
    }
    sc->measure = dim == 0 ? PC_MEASURE_POINT : dim == 1 ? PC_MEASURE_LENGTH : PC_MEASURE_AREA;
    double site_amount = measure_of(geos, fp, sc->measure);
    if (sc->measure == PC_MEASURE_AREA)
        sc->area_m2 = site_amount;
    else if (sc->measure == PC_MEASURE_LENGTH)
        sc->length_m = site_amount;

    for (int k = 0; k < r->n_kinds; k++) {
        pc_site_kind *sk = &sc->kinds[k];
        sk->distance_m = NAN;
        sk->nearest = -1;
        if (!st->trees[k])
            continue;
        st->n_cand = 0;
        GEOSSTRtree_query_r(geos, st->trees[k], fp, collect_candidate, st);
        if (st->cand_lost) {
            s = pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory querying red lines");
            goto done;
        }
        size_t first = r->n_overlaps;
        long touching = -1;
        for (size_t c = 0; c < st->n_cand; c++) {
            red_item *it = st->cand[c];
            GEOSGeometry *og = NULL;
            double amount = 0;
            int hit = overlap_one(st, it, fp, sc->measure, site_amount, &og, &amount);
            if (hit == -2) {
                s = geos_failed(st, i, "overlap with a red line");
                goto done;
            }
            if (hit == 0 && touching < 0)
                touching = (long)it->feature;
            if (hit == 1 && (s = add_overlap(st, i, k, it, og, amount, sc->measure, site_amount)))
                goto done;
        }
        size_t n_hits = r->n_overlaps - first;
        if (n_hits > 0) {
            sk->involved = 1;
            sk->distance_m = 0;
            sk->nearest = (long)r->overlaps[first].feature;
            double amount = 0;
            if (n_hits == 1)
                amount = sc->measure == PC_MEASURE_AREA     ? r->overlaps[first].area_m2
                         : sc->measure == PC_MEASURE_LENGTH ? r->overlaps[first].length_m
                                                            : count_points(geos, r->overlaps[first].geom);
            else {
                /* Red lines of one kind may overlap each other: count the shared ground once. */
                GEOSGeometry **gs = malloc(n_hits * sizeof *gs);
                if (!gs) {
                    s = pc_error_plain(st->ctx, PC_ERR_NOMEM, "out of memory");
                    goto done;
                }
                for (size_t h = 0; h < n_hits; h++)
                    gs[h] = r->overlaps[first + h].geom;
                kind_union = pc_geom_union_all(st->ctx, gs, n_hits);
                free(gs);
                if (!kind_union) {
                    s = geos_failed(st, i, "union of overlaps");
                    goto done;
                }
                amount = measure_of(geos, kind_union, sc->measure);
                GEOSGeom_destroy_r(geos, kind_union);
                kind_union = NULL;
            }
            if (sc->measure == PC_MEASURE_AREA)
                sk->area_m2 = amount;
            else if (sc->measure == PC_MEASURE_LENGTH)
                sk->length_m = amount;
            sk->share = site_amount > 0 ? fmin(1.0, amount / site_amount) : 0;
        } else if (touching >= 0) {
            sk->distance_m = 0;
            sk->nearest = touching;
        } else if (!kind_distance(st, k, fp, centre, r->point_radius_m, &sk->distance_m, &sk->nearest)) {
            s = geos_failed(st, i, "distance to a red line");
            goto done;
        }
    }
    sc->n_overlaps = r->n_overlaps - sc->first_overlap;
    for (int k = 0; k < r->n_kinds; k++)
        if (sc->kinds[k].nearest >= 0)
            sc->kinds[k].nearest_name = pc_layer_value(st->red, PC_FIELD_NAME, (size_t)sc->kinds[k].nearest);
    for (int k = 0; k < r->n_kinds && !s; k++)
        s = kind_reasons(st, i, k);
    if (!s && r->has_coastline)
        s = check_coast(st, i, fp, centre, sc->measure);
done:
    sc->n_overlaps = r->n_overlaps - sc->first_overlap;
    if (owned_fp)
        GEOSGeom_destroy_r(geos, owned_fp);
    return s;
}

/* ------------------------------------------------------------------ the run */

static pc_status load_inputs(sites_state *st, pc_plan *plan, const pc_sites_options *opts)
{
    pc_ctx *ctx = st->ctx;
    if (opts->sites)
        st->sites = opts->sites;
    else {
        if (!pc_plan_has(plan, PC_ROLE_SITES))
            return pc_error(ctx, PC_ERR_DATA, pc_plan_path(plan), "sites", PC_NO_FID, NULL,
                            "the plan has no 'sites' layer; add one (points or polygons with name and use) or "
                            "pass the sites to check with --sites FILE");
        if (pc_plan_load(ctx, plan, PC_ROLE_SITES, 0))
            return pc_ctx_status(ctx);
        st->sites = pc_plan_layer(plan, PC_ROLE_SITES);
    }
    int has_red = pc_plan_has(plan, PC_ROLE_REDLINES), has_coast = pc_plan_has(plan, PC_ROLE_COASTLINE);
    if (!has_red && !has_coast)
        return pc_error(ctx, PC_ERR_DATA, pc_plan_path(plan), "redlines", PC_NO_FID, NULL,
                        "the plan has neither a 'redlines' nor a 'coastline' layer, so there is nothing to check "
                        "the sites against; add them (../shared/INTERFACE.md) or map them in a plan file");
    if (has_red) {
        if (pc_plan_load(ctx, plan, PC_ROLE_REDLINES, PC_FIELD_BIT(PC_FIELD_KIND)))
            return pc_ctx_status(ctx);
        st->red = pc_plan_layer(plan, PC_ROLE_REDLINES);
    } else
        pc_ctx_warn(ctx, "%s: the plan has no 'redlines' layer: sites are checked against the coastline only",
                    pc_plan_path(plan));
    if (has_coast) {
        if (pc_plan_load(ctx, plan, PC_ROLE_COASTLINE, 0))
            return pc_ctx_status(ctx);
    } else
        pc_ctx_warn(ctx, "%s: the plan has no 'coastline' layer: the coastal setback and reclamation are not checked",
                    pc_plan_path(plan));
    if (pc_plan_has(plan, PC_ROLE_BOUNDARY) && pc_plan_load(ctx, plan, PC_ROLE_BOUNDARY, 0))
        return pc_ctx_status(ctx);
    return PC_OK;
}

static pc_status build_red_index(sites_state *st)
{
    pc_ctx *ctx = st->ctx;
    GEOSContextHandle_t geos = st->geos;
    pc_sites_result *r = st->r;
    const pc_layer *red = st->red;
    st->trees = calloc((size_t)r->n_kinds + 1, sizeof *st->trees);
    st->edges = calloc((size_t)r->n_kinds + 1, sizeof *st->edges);
    st->edges_prep = calloc((size_t)r->n_kinds + 1, sizeof *st->edges_prep);
    if (!st->trees || !st->edges || !st->edges_prep)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing red lines");
    if (!red)
        return PC_OK;
    st->items = calloc(red->n ? red->n : 1, sizeof *st->items);
    if (!st->items)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing red lines");
    for (size_t f = 0; f < red->n; f++) {
        const char *kind = pc_layer_value(red, PC_FIELD_KIND, f);
        int k = -1;
        for (int j = 0; kind && j < r->n_kinds; j++)
            if (strcmp(r->kinds[j].kind, kind) == 0)
                k = j;
        if (k < 0) {
            char known[PC_MAX_REDLINE_KINDS * (PC_CODE_MAX + 2)] = "";
            for (int j = 0; j < r->n_kinds; j++) {
                if (j)
                    strcat(known, ", ");
                strcat(known, r->kinds[j].kind);
            }
            if (!kind)
                return pc_error(ctx, PC_ERR_DATA, red->source, red->layer_name, red->fids[f], "kind",
                                "no value; every red line needs its kind (%s) so its rule applies", known);
            return pc_error(ctx, PC_ERR_DATA, red->source, red->layer_name, red->fids[f], "kind",
                            "unknown red-line kind '%s'; use one of %s, or give its rule in the profile "
                            "([redline %s] on_overlap = forbid|restrict|none, buffer_m, rule)",
                            kind, known, kind);
        }
        red_item *it = &st->items[f];
        it->feature = f;
        it->kind = k;
        it->geom = red->geoms[f];
        if (!(it->prep = GEOSPrepare_r(geos, it->geom)))
            return pc_error(ctx, PC_ERR_GEOM, red->source, red->layer_name, red->fids[f], NULL,
                            "cannot prepare the geometry (%s)", pc_ctx_geos_message(ctx));
        if (!st->trees[k] && !(st->trees[k] = GEOSSTRtree_create_r(geos, 10)))
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing red lines");
        GEOSSTRtree_insert_r(geos, st->trees[k], (GEOSGeometry *)it->geom, it);
        r->kind_features[k]++;
    }
    for (int k = 0; k < r->n_kinds; k++) {
        if (!r->kind_features[k])
            continue;
        size_t n = 0, cap = 16;
        GEOSGeometry **rings = malloc(cap * sizeof *rings);
        for (size_t f = 0; rings && f < red->n; f++) {
            if (st->items[f].kind != k)
                continue;
            GEOSGeometry *b = GEOSBoundary_r(geos, red->geoms[f]);
            GEOSGeometry *lines = b ? parts_of_dimension(geos, b, 1) : NULL;
            if (b)
                GEOSGeom_destroy_r(geos, b);
            int m = lines ? GEOSGetNumGeometries_r(geos, lines) : 0;
            for (int j = 0; j < m && rings; j++) {
                if (n == cap) {
                    GEOSGeometry **p = realloc(rings, 2 * cap * sizeof *p);
                    if (!p) {
                        for (size_t q = 0; q < n; q++)
                            GEOSGeom_destroy_r(geos, rings[q]);
                        free(rings);
                        rings = NULL;
                        break;
                    }
                    rings = p, cap *= 2;
                }
                rings[n++] = GEOSGeom_clone_r(geos, GEOSGetGeometryN_r(geos, lines, j));
            }
            if (lines)
                GEOSGeom_destroy_r(geos, lines);
        }
        if (!rings)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing red lines");
        st->edges[k] = GEOSGeom_createCollection_r(geos, GEOS_MULTILINESTRING, rings, (unsigned)n);
        free(rings);
        if (!st->edges[k] || !(st->edges_prep[k] = GEOSPrepare_r(geos, st->edges[k])))
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot prepare the edges of the '%s' red lines (%s)",
                                  r->kinds[k].kind, pc_ctx_geos_message(ctx));
    }
    return PC_OK;
}

static void state_free(sites_state *st)
{
    GEOSContextHandle_t geos = st->geos;
    if (st->trees) {
        for (int k = 0; k < st->r->n_kinds; k++)
            if (st->trees[k])
                GEOSSTRtree_destroy_r(geos, st->trees[k]);
        free(st->trees);
    }
    for (int k = 0; st->edges_prep && k < st->r->n_kinds; k++)
        if (st->edges_prep[k])
            GEOSPreparedGeom_destroy_r(geos, st->edges_prep[k]);
    for (int k = 0; st->edges && k < st->r->n_kinds; k++)
        if (st->edges[k])
            GEOSGeom_destroy_r(geos, st->edges[k]);
    free(st->edges_prep);
    free(st->edges);
    if (st->items) {
        for (size_t f = 0; f < st->red->n; f++) {
            if (st->items[f].prep)
                GEOSPreparedGeom_destroy_r(geos, st->items[f].prep);
            if (st->items[f].boundary)
                GEOSGeom_destroy_r(geos, st->items[f].boundary);
        }
        free(st->items);
    }
    coast_free(geos, &st->coast);
    free(st->cand);
}

pc_status pc_sites_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_sites_options *opts,
                       pc_sites_result **out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_sites_options defaults = PC_SITES_OPTIONS_INIT;
    GEOSGeometry *land = NULL;
    const GEOSPreparedGeometry *land_prep = NULL;
    pc_status s = PC_OK;
    sites_state st;
    memset(&st, 0, sizeof st);
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!isfinite(opts->point_radius_m) || opts->point_radius_m < 0)
        return pc_error_plain(ctx, PC_ERR_ARG, "point radius %g m: it must be a number of metres >= 0",
                              opts->point_radius_m);
    pc_sites_result *r = calloc(1, sizeof *r);
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    st.ctx = ctx, st.geos = geos, st.profile = profile, st.r = r;
    r->n_kinds = profile->n_redline_rules;
    r->kinds = calloc((size_t)r->n_kinds + 1, sizeof *r->kinds);
    r->kind_features = calloc((size_t)r->n_kinds + 1, sizeof *r->kind_features);
    if (!r->kinds || !r->kind_features) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(r->kinds, profile->redline_rules, (size_t)r->n_kinds * sizeof *r->kinds);
    r->coast_setback_m = profile->coast_setback_m;
    snprintf(r->coast_rule, sizeof r->coast_rule, "%s", profile->coast_rule);
    r->point_radius_m = opts->point_radius_m;

    if ((s = load_inputs(&st, plan, opts)))
        goto done;
    r->sites_source = format_new("%s|%s", st.sites->source, st.sites->layer_name);
    r->sites_source_crs = format_new("%s", st.sites->source_crs ? st.sites->source_crs : "");
    if ((s = build_red_index(&st)))
        goto done;
    const pc_layer *coast = pc_plan_layer(plan, PC_ROLE_COASTLINE);
    if (coast && coast->n > 0) {
        const pc_layer *boundary = pc_plan_layer(plan, PC_ROLE_BOUNDARY);
        if (boundary && boundary->n > 0) {
            land = pc_geom_union_all(ctx, boundary->geoms, boundary->n);
            if (!land || !(land_prep = GEOSPrepare_r(geos, land))) {
                s = pc_ctx_status(ctx) ? pc_ctx_status(ctx)
                                       : pc_error_plain(ctx, PC_ERR_GEOM, "cannot prepare the boundary (%s)",
                                                        pc_ctx_geos_message(ctx));
                goto done;
            }
        }
        if ((s = coast_build(ctx, &st.coast, coast, land_prep, &r->n_coast_reversed)))
            goto done;
        r->has_coastline = 1;
        r->n_coast_features = coast->n;
    }

    r->n_sites = st.sites->n;
    r->sites = calloc(r->n_sites ? r->n_sites : 1, sizeof *r->sites);
    r->site_kinds = calloc(r->n_sites * (size_t)r->n_kinds + 1, sizeof *r->site_kinds);
    if (!r->sites || !r->site_kinds) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for %zu sites", r->n_sites);
        goto done;
    }
    if (r->n_sites == 0)
        pc_ctx_warn(ctx, "%s: layer '%s' has no sites to check", st.sites->source, st.sites->layer_name);
    for (size_t i = 0; i < r->n_sites; i++) {
        r->sites[i].kinds = &r->site_kinds[i * (size_t)r->n_kinds];
        if ((i & 1023) == 0 && (s = pc_ctx_progress(ctx, (double)i / (double)r->n_sites, "checking sites")))
            goto done;
        if ((s = check_site(&st, i)))
            goto done;
        pc_verdict v = r->sites[i].verdict;
        if (v == PC_VERDICT_FAIL)
            r->n_fail++;
        else if (v == PC_VERDICT_WARN)
            r->n_warn++;
        else
            r->n_pass++;
    }
    s = pc_ctx_progress(ctx, 1.0, "checking sites");
done:
    state_free(&st);
    if (land_prep)
        GEOSPreparedGeom_destroy_r(geos, land_prep);
    if (land)
        GEOSGeom_destroy_r(geos, land);
    if (s) {
        pc_sites_result_destroy(ctx, r);
        return s;
    }
    *out = r;
    return PC_OK;
}

void pc_sites_result_destroy(pc_ctx *ctx, pc_sites_result *r)
{
    if (!r)
        return;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    for (size_t i = 0; r->sites && i < r->n_sites; i++) {
        pc_site_check *sc = &r->sites[i];
        for (size_t k = 0; k < sc->n_reasons; k++) {
            free(sc->reasons[k].text);
            free(sc->reasons[k].text_zh);
        }
        free(sc->reasons);
        if (sc->seaward_geom)
            GEOSGeom_destroy_r(geos, sc->seaward_geom);
    }
    for (size_t k = 0; k < r->n_overlaps; k++)
        if (r->overlaps[k].geom)
            GEOSGeom_destroy_r(geos, r->overlaps[k].geom);
    free(r->overlaps);
    free(r->sites);
    free(r->site_kinds);
    free(r->kinds);
    free(r->kind_features);
    free(r->sites_source);
    free(r->sites_source_crs);
    free(r);
}

/* ------------------------------------------------------------------ JSON */

/* A number with a fixed number of decimals, printed as such (NULL, i.e. JSON null, when not finite). */
static json_object *json_fixed(double v, int decimals)
{
    if (!isfinite(v))
        return NULL;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || strspn(buf, "-0.") == strlen(buf))
        snprintf(buf, sizeof buf, "0");
    else if (strchr(buf, '.')) {
        /* Trim trailing zeros: 2.5000 -> 2.5, 3.0000 -> 3. */
        char *end = buf + strlen(buf) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    return json_object_new_double_s(strtod(buf, NULL), buf);
}

static json_object *json_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

static const char *overlap_rule_name(pc_overlap_rule r)
{
    return r == PC_OVERLAP_FORBID ? "forbid" : r == PC_OVERLAP_RESTRICT ? "restrict" : "none";
}

static const char *measure_name(pc_site_measure m)
{
    return m == PC_MEASURE_POINT ? "point" : m == PC_MEASURE_LENGTH ? "line" : "area";
}

json_object *pc_sites_site_to_json(const pc_sites_result *r, size_t i)
{
    const pc_site_check *sc = &r->sites[i];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "fid", json_object_new_int64(sc->fid));
    json_object_object_add(o, "name", json_str(sc->name));
    json_object_object_add(o, "name_zh", json_str(sc->name_zh));
    json_object_object_add(o, "use", json_str(sc->use));
    json_object_object_add(o, "measure", json_object_new_string(measure_name(sc->measure)));
    json_object_object_add(o, "hectares", sc->measure == PC_MEASURE_AREA ? json_fixed(sc->area_m2 / 10000.0, 4) : NULL);
    if (sc->measure == PC_MEASURE_LENGTH)
        json_object_object_add(o, "length_m", json_fixed(sc->length_m, 2));
    json_object_object_add(o, "verdict", json_object_new_string(pc_verdict_name(sc->verdict)));
    json_object *overlaps = json_object_new_array();
    for (size_t k = sc->first_overlap; k < sc->first_overlap + sc->n_overlaps; k++) {
        const pc_site_overlap *ov = &r->overlaps[k];
        json_object *e = json_object_new_object();
        json_object_object_add(e, "kind", json_object_new_string(r->kinds[ov->kind].kind));
        json_object_object_add(e, "name", json_str(ov->name));
        json_object_object_add(e, "hectares", json_fixed(ov->area_m2 / 10000.0, 4));
        if (sc->measure == PC_MEASURE_LENGTH)
            json_object_object_add(e, "length_m", json_fixed(ov->length_m, 2));
        json_object_object_add(e, "share", json_fixed(ov->share, 4));
        json_object_array_add(overlaps, e);
    }
    json_object_object_add(o, "overlaps", overlaps);
    /* Per kind: the union over its features for the kinds involved; distance and nearest feature for all. */
    json_object *involved = json_object_new_object(), *distances = json_object_new_object();
    json_object *nearest = json_object_new_object();
    for (int k = 0; k < r->n_kinds; k++) {
        const pc_site_kind *sk = &sc->kinds[k];
        if (sk->involved) {
            json_object *e = json_object_new_object();
            json_object_object_add(e, "hectares", json_fixed(sk->area_m2 / 10000.0, 4));
            if (sc->measure == PC_MEASURE_LENGTH)
                json_object_object_add(e, "length_m", json_fixed(sk->length_m, 2));
            json_object_object_add(e, "share", json_fixed(sk->share, 4));
            json_object_object_add(involved, r->kinds[k].kind, e);
        }
        json_object_object_add(distances, r->kinds[k].kind, json_fixed(sk->distance_m, 2));
        json_object_object_add(nearest, r->kinds[k].kind, json_str(sk->nearest_name));
    }
    json_object_object_add(o, "involved", involved);
    json_object_object_add(o, "nearest", nearest);
    json_object_object_add(o, "distances_m", distances);
    json_object_object_add(o, "coast_distance_m", json_fixed(sc->coast_distance_m, 2));
    json_object_object_add(o, "in_setback", r->has_coastline ? json_object_new_boolean(sc->in_setback) : NULL);
    json_object_object_add(o, "seaward", r->has_coastline ? json_object_new_boolean(sc->seaward) : NULL);
    json_object_object_add(o, "seaward_hectares",
                           r->has_coastline && sc->measure == PC_MEASURE_AREA ? json_fixed(sc->seaward_m2 / 10000.0, 4)
                                                                              : NULL);
    json_object *rules = json_object_new_array();
    for (size_t k = 0; k < sc->n_reasons; k++) {
        const pc_site_reason *rs = &sc->reasons[k];
        json_object *e = json_object_new_object();
        json_object_object_add(e, "effect", json_object_new_string(pc_verdict_name(rs->effect)));
        json_object_object_add(e, "kind", json_object_new_string(rs->kind));
        json_object_object_add(e, "reason", json_str(rs->text));
        json_object_object_add(e, "reason_zh", json_str(rs->text_zh));
        json_object_object_add(e, "rule", json_str(rs->rule));
        json_object_array_add(rules, e);
    }
    json_object_object_add(o, "rules", rules);
    return o;
}

json_object *pc_sites_to_json_summary(const pc_plan *plan, const pc_sites_result *r)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object_object_add(root, "sites_source", json_str(r->sites_source));
    json_object_object_add(root, "sites_source_crs", json_str(r->sites_source_crs));
    json_object_object_add(root, "point_radius_m", json_fixed(r->point_radius_m, 3));
    json_object *kinds = json_object_new_array();
    for (int k = 0; k < r->n_kinds; k++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "kind", json_object_new_string(r->kinds[k].kind));
        json_object_object_add(e, "name_zh", json_object_new_string(r->kinds[k].name_zh));
        json_object_object_add(e, "name_en", json_object_new_string(pc_sites_kind_name_en(r->kinds[k].kind)));
        json_object_object_add(e, "on_overlap", json_object_new_string(overlap_rule_name(r->kinds[k].on_overlap)));
        json_object_object_add(e, "buffer_m", json_fixed(r->kinds[k].buffer_m, 3));
        json_object_object_add(e, "rule", json_object_new_string(r->kinds[k].rule));
        json_object_object_add(e, "features", json_object_new_int64((int64_t)r->kind_features[k]));
        json_object_array_add(kinds, e);
    }
    json_object_object_add(root, "kinds", kinds);
    json_object *coast = json_object_new_object();
    json_object_object_add(coast, "present", json_object_new_boolean(r->has_coastline));
    json_object_object_add(coast, "features", json_object_new_int64((int64_t)r->n_coast_features));
    json_object_object_add(coast, "reversed", json_object_new_int64((int64_t)r->n_coast_reversed));
    json_object_object_add(coast, "setback_m", json_fixed(r->coast_setback_m, 3));
    json_object_object_add(coast, "rule", json_object_new_string(r->coast_rule));
    json_object_object_add(root, "coastline", coast);
    json_object *total = json_object_new_object();
    json_object_object_add(total, "sites", json_object_new_int64((int64_t)r->n_sites));
    json_object_object_add(total, "pass", json_object_new_int64((int64_t)r->n_pass));
    json_object_object_add(total, "warn", json_object_new_int64((int64_t)r->n_warn));
    json_object_object_add(total, "fail", json_object_new_int64((int64_t)r->n_fail));
    json_object_object_add(root, "total", total);
    return root;
}

json_object *pc_sites_to_json(const pc_plan *plan, const pc_sites_result *r)
{
    json_object *root = pc_sites_to_json_summary(plan, r);
    json_object *sites = json_object_new_array_ext((int)(r->n_sites < 1000000 ? r->n_sites : 1000000));
    for (size_t i = 0; i < r->n_sites; i++)
        json_object_array_add(sites, pc_sites_site_to_json(r, i));
    json_object_object_add(root, "sites", sites);
    return root;
}

/* ------------------------------------------------------------------ output layers */

/* The layer type for a set of geometries of one dimension: multi types so every row fits; Unknown when mixed. */
static OGRwkbGeometryType layer_type_of(GEOSContextHandle_t geos, const GEOSGeometry *const *gs, size_t n,
                                        int *dim_out)
{
    int dim = -1;
    int all_single_points = 1;
    for (size_t i = 0; i < n; i++) {
        if (!gs[i])
            continue;
        int d = GEOSGeom_getDimensions_r(geos, gs[i]);
        if (GEOSGeomTypeId_r(geos, gs[i]) != GEOS_POINT)
            all_single_points = 0;
        if (dim < 0)
            dim = d;
        else if (d != dim) {
            *dim_out = -1;
            return wkbUnknown;
        }
    }
    *dim_out = dim < 0 ? 2 : dim;
    if (dim == 0)
        return all_single_points ? wkbPoint : wkbMultiPoint;
    if (dim == 1)
        return wkbMultiLineString;
    return wkbMultiPolygon;
}

/* The geometry as the layer type wants it: single parts wrapped into multi (caller owns a non-NULL result). */
static GEOSGeometry *as_layer_type(GEOSContextHandle_t geos, const GEOSGeometry *g, OGRwkbGeometryType type)
{
    int t = GEOSGeomTypeId_r(geos, g);
    int multi = type == wkbMultiPolygon ? GEOS_MULTIPOLYGON : type == wkbMultiLineString ? GEOS_MULTILINESTRING
                : type == wkbMultiPoint ? GEOS_MULTIPOINT : -1;
    if (multi < 0 || t == multi)
        return NULL;
    if ((multi == GEOS_MULTIPOLYGON && t == GEOS_POLYGON) || (multi == GEOS_MULTILINESTRING && t == GEOS_LINESTRING) ||
        (multi == GEOS_MULTIPOINT && t == GEOS_POINT)) {
        GEOSGeometry *part = GEOSGeom_clone_r(geos, g);
        return part ? GEOSGeom_createCollection_r(geos, multi, &part, 1) : NULL;
    }
    /* A collection: keep the parts of the layer's dimension. */
    return parts_of_dimension(geos, g, multi == GEOS_MULTIPOLYGON ? 2 : multi == GEOS_MULTILINESTRING ? 1 : 0);
}

static pc_status put_row(pc_ctx *ctx, pc_writer *w, OGRLayerH layer, OGRFeatureH f, const GEOSGeometry *g,
                         OGRwkbGeometryType type)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSGeometry *conv = g ? as_layer_type(geos, g, type) : NULL;
    pc_status s = pc_writer_put(w, layer, f, conv ? conv : g);
    if (conv)
        GEOSGeom_destroy_r(geos, conv);
    return s;
}

/* Join the reasons' texts (which: 0 English, 1 Chinese, 2 rules) with a separator into a new string. */
static char *join_reasons(const pc_site_check *sc, int which, const char *sep)
{
    size_t len = 1;
    for (size_t k = 0; k < sc->n_reasons; k++) {
        const char *t = which == 0 ? sc->reasons[k].text : which == 1 ? sc->reasons[k].text_zh : sc->reasons[k].rule;
        len += strlen(t ? t : "") + strlen(sep) + 8;
    }
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t k = 0; k < sc->n_reasons; k++) {
        const pc_site_reason *rs = &sc->reasons[k];
        const char *t = which == 0 ? rs->text : which == 1 ? rs->text_zh : rs->rule;
        if (k)
            strcat(out, sep);
        if (which != 2) {
            strcat(out, pc_verdict_name(rs->effect));
            strcat(out, ": ");
        }
        strcat(out, t ? t : "");
    }
    return out;
}

static const char *kind_effect(const pc_site_check *sc, const char *kind)
{
    for (size_t k = 0; k < sc->n_reasons; k++)
        if (strcmp(sc->reasons[k].kind, kind) == 0)
            return pc_verdict_name(sc->reasons[k].effect);
    return "none";
}

static const char *verdict_qml(int dim)
{
    /* A categorised QGIS style by verdict: green pass, orange warn, red fail. */
    if (dim == 0)
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
               "<qgis version=\"3.22.0\" styleCategories=\"Symbology\">\n"
               " <renderer-v2 type=\"categorizedSymbol\" attr=\"verdict\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
               "  <categories>\n"
               "   <category render=\"true\" symbol=\"0\" value=\"pass\" label=\"pass 通过\"/>\n"
               "   <category render=\"true\" symbol=\"1\" value=\"warn\" label=\"warn 预警\"/>\n"
               "   <category render=\"true\" symbol=\"2\" value=\"fail\" label=\"fail 不通过\"/>\n"
               "  </categories>\n"
               "  <symbols>\n"
               "   <symbol type=\"marker\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"51,160,44,255\"/><prop k=\"name\" v=\"circle\"/><prop k=\"size\" v=\"3\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/></layer></symbol>\n"
               "   <symbol type=\"marker\" name=\"1\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"255,127,0,255\"/><prop k=\"name\" v=\"circle\"/><prop k=\"size\" v=\"3\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/></layer></symbol>\n"
               "   <symbol type=\"marker\" name=\"2\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"227,26,28,255\"/><prop k=\"name\" v=\"circle\"/><prop k=\"size\" v=\"3\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/></layer></symbol>\n"
               "  </symbols>\n"
               " </renderer-v2>\n"
               "</qgis>\n";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.22.0\" styleCategories=\"Symbology\">\n"
           " <renderer-v2 type=\"categorizedSymbol\" attr=\"verdict\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
           "  <categories>\n"
           "   <category render=\"true\" symbol=\"0\" value=\"pass\" label=\"pass 通过\"/>\n"
           "   <category render=\"true\" symbol=\"1\" value=\"warn\" label=\"warn 预警\"/>\n"
           "   <category render=\"true\" symbol=\"2\" value=\"fail\" label=\"fail 不通过\"/>\n"
           "  </categories>\n"
           "  <symbols>\n"
           "   <symbol type=\"fill\" name=\"0\" alpha=\"0.8\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"51,160,44,255\"/><prop k=\"style\" v=\"solid\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/><prop k=\"outline_width\" v=\"0.4\"/></layer></symbol>\n"
           "   <symbol type=\"fill\" name=\"1\" alpha=\"0.8\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"255,127,0,255\"/><prop k=\"style\" v=\"solid\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/><prop k=\"outline_width\" v=\"0.4\"/></layer></symbol>\n"
           "   <symbol type=\"fill\" name=\"2\" alpha=\"0.8\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"227,26,28,255\"/><prop k=\"style\" v=\"solid\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/><prop k=\"outline_width\" v=\"0.4\"/></layer></symbol>\n"
           "  </symbols>\n"
           " </renderer-v2>\n"
           "</qgis>\n";
}

static pc_status write_checks(pc_ctx *ctx, pc_writer *w, const pc_sites_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status s = PC_OK;
    static const pc_field_def fixed[] = {
        {"site_fid", OFTInteger64}, {"name", OFTString},     {"name_zh", OFTString},    {"use", OFTString},
        {"verdict", OFTString},     {"verdict_zh", OFTString}, {"measure", OFTString},  {"hectares", OFTReal},
        {"coast_m", OFTReal},       {"in_setback", OFTInteger}, {"seaward", OFTInteger}, {"seaward_ha", OFTReal},
        {"n_fail", OFTInteger},     {"n_warn", OFTInteger},  {"reasons", OFTString},    {"reasons_zh", OFTString},
        {"rules", OFTString}};
    enum { N_FIXED = sizeof fixed / sizeof *fixed };
    int n_fields = N_FIXED + 3 * r->n_kinds;
    pc_field_def *fields = calloc((size_t)n_fields, sizeof *fields);
    char (*names)[PC_CODE_MAX + 8] = calloc((size_t)(3 * r->n_kinds + 1), sizeof *names);
    const GEOSGeometry **gs = calloc(r->n_sites + 1, sizeof *gs);
    if (!fields || !names || !gs) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(fields, fixed, sizeof fixed);
    for (int k = 0; k < r->n_kinds; k++) {
        static const char *const suffix[3] = {"_ha", "_share", "_m"};
        for (int j = 0; j < 3; j++) {
            snprintf(names[3 * k + j], sizeof names[0], "%s%s", r->kinds[k].kind, suffix[j]);
            fields[N_FIXED + 3 * k + j].name = names[3 * k + j];
            fields[N_FIXED + 3 * k + j].type = OFTReal;
        }
    }
    for (size_t i = 0; i < r->n_sites; i++)
        gs[i] = r->sites[i].geom;
    int dim = 2;
    OGRwkbGeometryType type = layer_type_of(geos, gs, r->n_sites, &dim);
    OGRLayerH layer = NULL;
    if ((s = pc_writer_layer(w, &layer, "site_checks", type, fields, n_fields)))
        goto done;
    for (size_t i = 0; i < r->n_sites && !s; i++) {
        const pc_site_check *sc = &r->sites[i];
        OGRFeatureH f = pc_writer_feature(layer);
        int n_fail = 0, n_warn = 0;
        for (size_t k = 0; k < sc->n_reasons; k++)
            n_fail += sc->reasons[k].effect == PC_VERDICT_FAIL, n_warn += sc->reasons[k].effect == PC_VERDICT_WARN;
        OGR_F_SetFieldInteger64(f, 0, sc->fid);
        if (sc->name)
            OGR_F_SetFieldString(f, 1, sc->name);
        if (sc->name_zh)
            OGR_F_SetFieldString(f, 2, sc->name_zh);
        if (sc->use)
            OGR_F_SetFieldString(f, 3, sc->use);
        OGR_F_SetFieldString(f, 4, pc_verdict_name(sc->verdict));
        OGR_F_SetFieldString(f, 5, pc_verdict_name_zh(sc->verdict));
        OGR_F_SetFieldString(f, 6, measure_name(sc->measure));
        if (sc->measure == PC_MEASURE_AREA)
            OGR_F_SetFieldDouble(f, 7, sc->area_m2 / 10000.0);
        if (r->has_coastline) {
            OGR_F_SetFieldDouble(f, 8, sc->coast_distance_m);
            OGR_F_SetFieldInteger(f, 9, sc->in_setback);
            OGR_F_SetFieldInteger(f, 10, sc->seaward);
            OGR_F_SetFieldDouble(f, 11, sc->seaward_m2 / 10000.0);
        }
        OGR_F_SetFieldInteger(f, 12, n_fail);
        OGR_F_SetFieldInteger(f, 13, n_warn);
        char *en = join_reasons(sc, 0, "; "), *zh = join_reasons(sc, 1, "; "), *rules = join_reasons(sc, 2, " | ");
        if (en && zh && rules) {
            OGR_F_SetFieldString(f, 14, en);
            OGR_F_SetFieldString(f, 15, zh);
            OGR_F_SetFieldString(f, 16, rules);
        }
        free(en);
        free(zh);
        free(rules);
        for (int k = 0; k < r->n_kinds; k++) {
            const pc_site_kind *sk = &sc->kinds[k];
            OGR_F_SetFieldDouble(f, N_FIXED + 3 * k, sk->area_m2 / 10000.0);
            OGR_F_SetFieldDouble(f, N_FIXED + 3 * k + 1, sk->share);
            if (isfinite(sk->distance_m))
                OGR_F_SetFieldDouble(f, N_FIXED + 3 * k + 2, sk->distance_m);
        }
        s = put_row(ctx, w, layer, f, sc->geom, type);
    }
    if (!s && dim >= 0 && dim != 1)
        s = pc_writer_style(w, "site_checks", "verdict", verdict_qml(dim));
done:
    free(gs);
    free(names);
    free(fields);
    return s;
}

static pc_status write_conflicts(pc_ctx *ctx, pc_writer *w, const pc_sites_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status s = PC_OK;
    static const pc_field_def fields[] = {
        {"site_fid", OFTInteger64}, {"site_name", OFTString}, {"kind", OFTString}, {"kind_zh", OFTString},
        {"feature", OFTString},     {"hectares", OFTReal},    {"length_m", OFTReal}, {"share", OFTReal},
        {"effect", OFTString},      {"rule", OFTString}};
    size_t n_rows = r->n_overlaps;
    for (size_t i = 0; i < r->n_sites; i++)
        n_rows += r->sites[i].seaward_geom != NULL;
    const GEOSGeometry **gs = calloc(n_rows + 1, sizeof *gs);
    if (!gs)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t k = 0; k < r->n_overlaps; k++)
        gs[n++] = r->overlaps[k].geom;
    for (size_t i = 0; i < r->n_sites; i++)
        if (r->sites[i].seaward_geom)
            gs[n++] = r->sites[i].seaward_geom;
    int dim = 2;
    OGRwkbGeometryType type = layer_type_of(geos, gs, n, &dim);
    free(gs);
    OGRLayerH layer = NULL;
    if ((s = pc_writer_layer(w, &layer, "site_conflicts", type, fields, (int)(sizeof fields / sizeof *fields))))
        return s;
    for (size_t k = 0; k < r->n_overlaps && !s; k++) {
        const pc_site_overlap *o = &r->overlaps[k];
        const pc_site_check *sc = &r->sites[o->site];
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, sc->fid);
        if (sc->name)
            OGR_F_SetFieldString(f, 1, sc->name);
        OGR_F_SetFieldString(f, 2, r->kinds[o->kind].kind);
        OGR_F_SetFieldString(f, 3, r->kinds[o->kind].name_zh);
        if (o->name)
            OGR_F_SetFieldString(f, 4, o->name);
        OGR_F_SetFieldDouble(f, 5, o->area_m2 / 10000.0);
        if (sc->measure == PC_MEASURE_LENGTH)
            OGR_F_SetFieldDouble(f, 6, o->length_m);
        OGR_F_SetFieldDouble(f, 7, o->share);
        OGR_F_SetFieldString(f, 8, kind_effect(sc, r->kinds[o->kind].kind));
        for (size_t q = 0; q < sc->n_reasons; q++)
            if (strcmp(sc->reasons[q].kind, r->kinds[o->kind].kind) == 0 && sc->reasons[q].rule)
                OGR_F_SetFieldString(f, 9, sc->reasons[q].rule);
        s = put_row(ctx, w, layer, f, o->geom, type);
    }
    for (size_t i = 0; i < r->n_sites && !s; i++) {
        const pc_site_check *sc = &r->sites[i];
        if (!sc->seaward_geom)
            continue;
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, sc->fid);
        if (sc->name)
            OGR_F_SetFieldString(f, 1, sc->name);
        OGR_F_SetFieldString(f, 2, KIND_SEAWARD);
        OGR_F_SetFieldString(f, 3, "海岸线向海一侧");
        OGR_F_SetFieldDouble(f, 5, sc->seaward_m2 / 10000.0);
        OGR_F_SetFieldDouble(f, 7, sc->area_m2 > 0 ? fmin(1.0, sc->seaward_m2 / sc->area_m2) : 1.0);
        OGR_F_SetFieldString(f, 8, kind_effect(sc, KIND_SEAWARD));
        OGR_F_SetFieldString(f, 9, r->coast_rule);
        s = put_row(ctx, w, layer, f, sc->seaward_geom, type);
    }
    return s;
}

pc_status pc_sites_write(pc_ctx *ctx, pc_writer *w, const pc_sites_result *r)
{
    pc_status s = write_checks(ctx, w, r);
    if (!s)
        s = write_conflicts(ctx, w, r);
    return s;
}
