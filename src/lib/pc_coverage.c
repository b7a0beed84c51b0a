/* pc_coverage.c: 15/10/5-minute life circle coverage along the street network (or by straight-line radius). */
#include "pc_coverage.h"
#include "pc_geom.h"
#include "pc_units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pc_coverage_mode_name(pc_coverage_mode mode) { return mode == PC_COVERAGE_RADIUS ? "radius" : "network"; }

int pc_coverage_mode_parse(const char *text, pc_coverage_mode *out)
{
    if (text && strcmp(text, "network") == 0) {
        *out = PC_COVERAGE_NETWORK;
        return 1;
    }
    if (text && strcmp(text, "radius") == 0) {
        *out = PC_COVERAGE_RADIUS;
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- a grid of points sorted by cell */

typedef struct grid_item {
    uint64_t key;
    uint32_t id;
} grid_item;

typedef struct point_grid {
    double ox, oy, cell;
    size_t n;
    grid_item *items; /* sorted by key */
} point_grid;

static inline long grid_coord(double v, double origin, double cell) { return (long)floor((v - origin) / cell); }
static inline uint64_t grid_key(long ix, long iy) { return ((uint64_t)(uint32_t)ix << 32) | (uint32_t)iy; }

static int grid_item_cmp(const void *a, const void *b)
{
    const grid_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Grid over the points ids[k] (x, y indexed by id). Returns 0 when out of memory. */
static int point_grid_build(point_grid *g, size_t n, const uint32_t *ids, const double *x, const double *y,
                            double cell)
{
    memset(g, 0, sizeof *g);
    g->cell = cell;
    g->n = n;
    g->items = malloc((n ? n : 1) * sizeof *g->items);
    if (!g->items)
        return 0;
    g->ox = HUGE_VAL;
    g->oy = HUGE_VAL;
    for (size_t k = 0; k < n; k++) {
        g->ox = fmin(g->ox, x[ids[k]]);
        g->oy = fmin(g->oy, y[ids[k]]);
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t id = ids[k];
        g->items[k].key = grid_key(grid_coord(x[id], g->ox, cell), grid_coord(y[id], g->oy, cell));
        g->items[k].id = id;
    }
    qsort(g->items, n, sizeof *g->items, grid_item_cmp);
    return 1;
}

static void point_grid_cell(const point_grid *g, long ix, long iy, size_t *first, size_t *last)
{
    uint64_t key = grid_key(ix, iy);
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->items[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < g->n && g->items[lo].key == key)
        lo++;
    *last = lo;
}

/* Straight-line distance to the nearest point within the grid's cell size, INFINITY when none. */
static double point_grid_nearest_m(const point_grid *g, const double *px, const double *py, double x, double y)
{
    if (g->n == 0)
        return INFINITY;
    long cx = grid_coord(x, g->ox, g->cell), cy = grid_coord(y, g->oy, g->cell);
    double best2 = INFINITY;
    for (long dy = -1; dy <= 1; dy++)
        for (long dx = -1; dx <= 1; dx++) {
            size_t first, last;
            point_grid_cell(g, cx + dx, cy + dy, &first, &last);
            for (size_t k = first; k < last; k++) {
                uint32_t id = g->items[k].id;
                double ddx = px[id] - x, ddy = py[id] - y;
                double d2 = ddx * ddx + ddy * ddy;
                if (d2 < best2)
                    best2 = d2;
            }
        }
    double d = sqrt(best2);
    return d <= g->cell ? d : INFINITY;
}

/* ---------------------------------------------------------------- facilities */

typedef struct facility_list {
    size_t n;
    size_t n_plan; /* the first n_plan are the plan's own, the rest options.extra_facilities */
    double *x, *y;
    int *category; /* index in the profile */
} facility_list;

static void facility_list_free(facility_list *f)
{
    free(f->x);
    free(f->y);
    free(f->category);
}

/* Append a facilities layer's features whose category the profile knows; count (and name) the others. */
static void add_facilities(facility_list *f, const pc_layer *layer, const pc_profile *profile, size_t *n_unknown,
                           char unknown[5][PC_CODE_MAX], int *n_unknown_names, const pc_layer **first_layer,
                           size_t *first_index)
{
    for (size_t i = 0; i < layer->n; i++) {
        const char *code = pc_layer_value(layer, PC_FIELD_CATEGORY, i);
        int c = pc_profile_category_index(profile, code);
        if (c < 0) {
            if (!*first_layer) {
                *first_layer = layer;
                *first_index = i;
            }
            (*n_unknown)++;
            int known = 0;
            for (int k = 0; k < *n_unknown_names; k++)
                known |= strcmp(unknown[k], code ? code : "(null)") == 0;
            if (!known && *n_unknown_names < 5)
                snprintf(unknown[(*n_unknown_names)++], PC_CODE_MAX, "%s", code ? code : "(null)");
            continue;
        }
        f->x[f->n] = layer->x[i];
        f->y[f->n] = layer->y[i];
        f->category[f->n] = c;
        f->n++;
    }
}

/* ---------------------------------------------------------------- result */

static void row_init(pc_coverage_row *row, const char *name, const char *name_zh, const char *tier)
{
    memset(row, 0, sizeof *row);
    row->name = name;
    row->name_zh = name_zh;
    row->tier = tier;
    row->builtup_m2 = NAN;
    row->builtup_cov15_m2 = NAN;
}

void pc_coverage_result_destroy(pc_ctx *ctx, pc_coverage_result *r)
{
    if (!r)
        return;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    for (int c = 0; c < PC_MAX_CATEGORIES; c++)
        if (r->service_area[c])
            GEOSGeom_destroy_r(geos, r->service_area[c]);
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->level_area[l])
            GEOSGeom_destroy_r(geos, r->level_area[l]);
    for (size_t k = 0; k < r->n_gaps; k++)
        if (r->gaps[k].geom)
            GEOSGeom_destroy_r(geos, r->gaps[k].geom);
    free(r->gaps);
    free(r->units);
    free(r->subdistricts);
    free(r->dist_m);
    free(r->access_m);
    free(r->flags);
    free(r->unit_of);
    free(r->subdistrict_of);
    free(r->flags_before);
    free(r->gained);
    free(r);
}

static int level_index(int level_min)
{
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (pc_levels_min[l] == level_min)
            return l;
    return -1;
}

/* ---------------------------------------------------------------- the built-up share on a lattice */

/*
 * The built-up share is measured on a lattice of square cells over the built-up area: a cell counts
 * as covered when its centre lies inside the 15-minute service area (network: within
 * area_buffer_m of a street piece where every 15-minute category is in reach; radius: within the
 * distance of a facility of every 15-minute category). Cells are at most 25 m (and at least 1 m)
 * so that about 4 million cover the built-up extent: time and memory stay linear in the network
 * and the plan, where a polygon union of the buffered streets grows much faster.
 */
typedef struct lattice {
    double ox, oy, cell_m;
    long nx, ny;
    unsigned char *bits; /* nx * ny bits, row-major */
} lattice;

#define LATTICE_MAX_CELL_M 25.0
#define LATTICE_TARGET_CELLS 4.0e6

static void lattice_free(lattice *L)
{
    free(L->bits);
    memset(L, 0, sizeof *L);
}

static int lattice_init(lattice *L, const double env[4], double max_cell_m)
{
    memset(L, 0, sizeof *L);
    double w = env[2] - env[0], h = env[3] - env[1];
    double cell = sqrt(fmax(w * h, 1.0) / LATTICE_TARGET_CELLS);
    cell = fmin(fmax(cell, 1.0), max_cell_m);
    L->ox = env[0];
    L->oy = env[1];
    L->cell_m = cell;
    L->nx = (long)ceil(w / cell) + 1;
    L->ny = (long)ceil(h / cell) + 1;
    L->bits = calloc((size_t)((L->nx * L->ny + 7) / 8 + 1), 1);
    return L->bits != NULL;
}

/* An empty lattice on the same cells as model. */
static int lattice_like(lattice *L, const lattice *model)
{
    *L = *model;
    L->bits = calloc((size_t)((model->nx * model->ny + 7) / 8 + 1), 1);
    return L->bits != NULL;
}

static inline void lattice_set(lattice *L, long i, long j)
{
    size_t k = (size_t)(j * L->nx + i);
    L->bits[k >> 3] |= (unsigned char)(1u << (k & 7));
}

static inline int lattice_get(const lattice *L, long i, long j)
{
    size_t k = (size_t)(j * L->nx + i);
    return (L->bits[k >> 3] >> (k & 7)) & 1;
}

/* Mark the cells whose centre lies within radius_m of segment a-b (long segments in short pieces). */
static void lattice_stamp_segment(lattice *L, double ax, double ay, double bx, double by, double radius_m)
{
    double len = hypot(bx - ax, by - ay);
    long pieces = (long)ceil(len / fmax(4 * radius_m, 4 * L->cell_m));
    if (pieces < 1)
        pieces = 1;
    double r2 = radius_m * radius_m;
    for (long k = 0; k < pieces; k++) {
        double t0 = (double)k / (double)pieces, t1 = (double)(k + 1) / (double)pieces;
        double x0 = ax + (bx - ax) * t0, y0 = ay + (by - ay) * t0, x1 = ax + (bx - ax) * t1, y1 = ay + (by - ay) * t1;
        double dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy;
        long i0 = (long)floor((fmin(x0, x1) - radius_m - L->ox) / L->cell_m - 0.5);
        long i1 = (long)ceil((fmax(x0, x1) + radius_m - L->ox) / L->cell_m - 0.5);
        long j0 = (long)floor((fmin(y0, y1) - radius_m - L->oy) / L->cell_m - 0.5);
        long j1 = (long)ceil((fmax(y0, y1) + radius_m - L->oy) / L->cell_m - 0.5);
        if (i0 < 0) i0 = 0;
        if (j0 < 0) j0 = 0;
        if (i1 >= L->nx) i1 = L->nx - 1;
        if (j1 >= L->ny) j1 = L->ny - 1;
        for (long j = j0; j <= j1; j++) {
            double py = L->oy + ((double)j + 0.5) * L->cell_m;
            for (long i = i0; i <= i1; i++) {
                double px = L->ox + ((double)i + 0.5) * L->cell_m;
                double t = l2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / l2 : 0;
                t = t < 0 ? 0 : t > 1 ? 1 : t;
                double qx = x0 + t * dx - px, qy = y0 + t * dy - py;
                if (qx * qx + qy * qy <= r2)
                    lattice_set(L, i, j);
            }
        }
    }
}

/* Mark the cells within radius_m of the street pieces. */
static void lattice_stamp_pieces(lattice *L, const pc_graph *g, const pc_graph_pieces *p, double radius_m)
{
    for (size_t k = 0; k < p->n; k++) {
        uint32_t e = p->edge[k];
        const double *xy = g->coord_xy;
        double walked = 0, a = p->from_m[k], b = p->to_m[k];
        for (uint32_t c = g->edge_coord[e]; c + 1 < g->edge_coord[e + 1]; c++) {
            double sx = xy[2 * c], sy = xy[2 * c + 1], ex = xy[2 * c + 2], ey = xy[2 * c + 3];
            double seg = hypot(ex - sx, ey - sy);
            double s0 = fmax(a, walked), s1 = fmin(b, walked + seg);
            if (seg > 0 && s1 >= s0) {
                double t0 = (s0 - walked) / seg, t1 = (s1 - walked) / seg;
                lattice_stamp_segment(L, sx + (ex - sx) * t0, sy + (ey - sy) * t0, sx + (ex - sx) * t1,
                                      sy + (ey - sy) * t1, radius_m);
            }
            walked += seg;
            if (walked > b)
                break;
        }
    }
}

/* An edge of a polygon ring, for scanlines. */
typedef struct scan_edge {
    double ymin, ymax, x_at_ymin, dxdy;
    int feature;
} scan_edge;

typedef struct scan_table {
    scan_edge *edges; /* sorted by ymin */
    size_t n, next;
    size_t *active;
    size_t n_active;
    struct {
        double x;
        int feature;
    } * hits;
} scan_table;

static int scan_edge_cmp(const void *a, const void *b)
{
    const scan_edge *x = a, *y = b;
    return x->ymin < y->ymin ? -1 : x->ymin > y->ymin;
}

static void scan_free(scan_table *t)
{
    free(t->edges);
    free(t->active);
    free(t->hits);
    memset(t, 0, sizeof *t);
}

/* The ring edges of every polygon of a layer (non-horizontal ones). Returns 0 when out of memory. */
static int scan_build(pc_ctx *ctx, scan_table *t, const pc_layer *layer)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    memset(t, 0, sizeof *t);
    size_t cap = 0;
    for (size_t f = 0; f < layer->n; f++)
        cap += (size_t)GEOSGetNumCoordinates_r(geos, layer->geoms[f]);
    t->edges = malloc((cap + 1) * sizeof *t->edges);
    t->active = malloc((cap + 1) * sizeof *t->active);
    t->hits = malloc((cap + 1) * sizeof *t->hits);
    if (!t->edges || !t->active || !t->hits)
        return 0;
    for (size_t f = 0; f < layer->n; f++) {
        int n_polys = GEOSGetNumGeometries_r(geos, layer->geoms[f]);
        for (int k = 0; k < n_polys; k++) {
            const GEOSGeometry *poly = GEOSGetGeometryN_r(geos, layer->geoms[f], k);
            if (GEOSGeomTypeId_r(geos, poly) != GEOS_POLYGON)
                continue;
            int n_holes = GEOSGetNumInteriorRings_r(geos, poly);
            for (int ring_i = -1; ring_i < n_holes; ring_i++) {
                const GEOSGeometry *ring =
                    ring_i < 0 ? GEOSGetExteriorRing_r(geos, poly) : GEOSGetInteriorRingN_r(geos, poly, ring_i);
                const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r(geos, ring) : NULL;
                unsigned size = 0;
                if (!seq || !GEOSCoordSeq_getSize_r(geos, seq, &size))
                    continue;
                double px = 0, py = 0;
                for (unsigned c = 0; c < size; c++) {
                    double x, y;
                    GEOSCoordSeq_getXY_r(geos, seq, c, &x, &y);
                    if (c > 0 && py != y) {
                        scan_edge *e = &t->edges[t->n++];
                        e->feature = (int)f;
                        e->ymin = fmin(py, y);
                        e->ymax = fmax(py, y);
                        e->x_at_ymin = py < y ? px : x;
                        e->dxdy = (x - px) / (y - py);
                    }
                    px = x;
                    py = y;
                }
            }
        }
    }
    if (t->n > 1)
        qsort(t->edges, t->n, sizeof *t->edges, scan_edge_cmp);
    return 1;
}

static int hit_cmp(const void *a, const void *b)
{
    const struct {
        double x;
        int feature;
    } *p = a, *q = b;
    if (p->feature != q->feature)
        return p->feature < q->feature ? -1 : 1;
    return p->x < q->x ? -1 : p->x > q->x;
}

/*
 * Paint one lattice row (centre ordinate y) from a scan table: row[i] = the lowest feature whose
 * polygon holds the cell centre (even-odd rule per feature), or -1. y must not decrease between calls.
 */
static void scan_row(scan_table *t, const lattice *L, double y, int *row)
{
    for (long i = 0; i < L->nx; i++)
        row[i] = -1;
    while (t->next < t->n && t->edges[t->next].ymin <= y)
        t->active[t->n_active++] = t->next++;
    size_t kept = 0, n_hits = 0;
    for (size_t k = 0; k < t->n_active; k++) {
        const scan_edge *e = &t->edges[t->active[k]];
        if (e->ymax <= y)
            continue; /* passed: never needed again */
        t->active[kept++] = t->active[k];
        t->hits[n_hits].x = e->x_at_ymin + (y - e->ymin) * e->dxdy;
        t->hits[n_hits].feature = e->feature;
        n_hits++;
    }
    t->n_active = kept;
    if (n_hits > 1)
        qsort(t->hits, n_hits, sizeof *t->hits, hit_cmp);
    for (size_t k = 0; k + 1 < n_hits;) {
        if (t->hits[k].feature != t->hits[k + 1].feature) {
            k++; /* an unpaired crossing (not on closed rings): skip it */
            continue;
        }
        /* Cells whose centre x lies in [x0, x1). */
        long i0 = (long)ceil((t->hits[k].x - L->ox) / L->cell_m - 0.5);
        long i1 = (long)ceil((t->hits[k + 1].x - L->ox) / L->cell_m - 0.5) - 1;
        if (i0 < 0) i0 = 0;
        if (i1 >= L->nx) i1 = L->nx - 1;
        for (long i = i0; i <= i1; i++)
            if (row[i] < 0 || row[i] > t->hits[k].feature)
                row[i] = t->hits[k].feature;
        k += 2;
    }
}

/* The built-up source: the builtup layer, else the structure units (INTERFACE.md). NULL when neither. */
static const pc_layer *builtup_source(pc_ctx *ctx, pc_plan *plan, pc_coverage_result *r, pc_status *s)
{
    *s = PC_OK;
    if (pc_plan_has(plan, PC_ROLE_BUILTUP)) {
        if ((*s = pc_plan_load(ctx, plan, PC_ROLE_BUILTUP, 0)))
            return NULL;
        return pc_plan_layer(plan, PC_ROLE_BUILTUP);
    }
    return r->units_layer;
}

/* Built-up area per unit, per subdistrict and in total, and its part inside the 15-minute service area. */
static pc_status builtup_shares(pc_ctx *ctx, const pc_layer *builtup, const lattice *L, pc_coverage_result *r)
{
    pc_status s = PC_OK;
    scan_table tb = {0}, tu = {0}, ts = {0};
    int *row_b = malloc((size_t)(L->nx + 1) * sizeof *row_b);
    int *row_u = malloc((size_t)(L->nx + 1) * sizeof *row_u);
    int *row_s = malloc((size_t)(L->nx + 1) * sizeof *row_s);
    if (!row_b || !row_u || !row_s || !scan_build(ctx, &tb, builtup) ||
        (r->units_layer && !scan_build(ctx, &tu, r->units_layer)) ||
        (r->subdistricts_layer && !scan_build(ctx, &ts, r->subdistricts_layer))) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory measuring the built-up area");
        goto done;
    }
    double cell2 = L->cell_m * L->cell_m;
    size_t total_cells = 0, total_covered = 0;
    size_t *unit_cells = calloc(r->n_units + 1, sizeof *unit_cells), *unit_cov = calloc(r->n_units + 1, sizeof *unit_cov);
    size_t *sub_cells = calloc(r->n_subdistricts + 1, sizeof *sub_cells),
           *sub_cov = calloc(r->n_subdistricts + 1, sizeof *sub_cov);
    if (!unit_cells || !unit_cov || !sub_cells || !sub_cov) {
        free(unit_cells), free(unit_cov), free(sub_cells), free(sub_cov);
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory measuring the built-up area");
        goto done;
    }
    for (long j = 0; j < L->ny; j++) {
        double y = L->oy + ((double)j + 0.5) * L->cell_m;
        scan_row(&tb, L, y, row_b);
        if (r->units_layer)
            scan_row(&tu, L, y, row_u);
        if (r->subdistricts_layer)
            scan_row(&ts, L, y, row_s);
        for (long i = 0; i < L->nx; i++) {
            if (row_b[i] < 0)
                continue;
            int covered = L->bits && lattice_get(L, i, j);
            total_cells++;
            total_covered += (size_t)covered;
            if (r->units_layer && row_u[i] >= 0) {
                unit_cells[row_u[i]]++;
                unit_cov[row_u[i]] += (size_t)covered;
            }
            if (r->subdistricts_layer && row_s[i] >= 0) {
                sub_cells[row_s[i]]++;
                sub_cov[row_s[i]] += (size_t)covered;
            }
        }
        if ((j & 255) == 255 && (s = pc_ctx_check_cancel(ctx)))
            break;
    }
    r->builtup_cell_m = L->cell_m;
    r->total.builtup_m2 = (double)total_cells * cell2;
    r->total.builtup_cov15_m2 = (double)total_covered * cell2;
    for (size_t u = 0; u < r->n_units; u++) {
        r->units[u].builtup_m2 = (double)unit_cells[u] * cell2;
        r->units[u].builtup_cov15_m2 = (double)unit_cov[u] * cell2;
    }
    for (size_t u = 0; u < r->n_subdistricts; u++) {
        r->subdistricts[u].builtup_m2 = (double)sub_cells[u] * cell2;
        r->subdistricts[u].builtup_cov15_m2 = (double)sub_cov[u] * cell2;
    }
    free(unit_cells), free(unit_cov), free(sub_cells), free(sub_cov);
done:
    scan_free(&tb);
    scan_free(&tu);
    scan_free(&ts);
    free(row_b);
    free(row_u);
    free(row_s);
    return s;
}

/* ---------------------------------------------------------------- distances */

/* A service-area polygon: the street pieces buffered by area_buffer_m. Caller owns; NULL on error (ctx set). */
static GEOSGeometry *buffer_pieces(pc_ctx *ctx, const pc_graph *g, const pc_graph_pieces *pieces,
                                   const pc_coverage_options *opts)
{
    return pc_graph_pieces_buffer(ctx, g, pieces, opts->area_buffer_m);
}

/* Network mode: attach everything to the streets, then one bounded search per category. */
static pc_status network_distances(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile,
                                   const pc_coverage_options *opts, const facility_list *fac, pc_coverage_result *r,
                                   lattice *area15)
{
    const pc_layer *res = r->residents;
    const int n_cat = profile->n_categories;
    pc_status s = PC_OK;
    pc_graph *g = NULL;
    pc_graph_search *search = NULL;
    pc_attachment *res_at = NULL, *fac_at = NULL, *sources = NULL;
    unsigned char *comp_has_facility = NULL;
    pc_graph_pieces pieces = PC_GRAPH_PIECES_INIT;
    pc_graph_pieces level_pieces[PC_N_LEVELS] = {PC_GRAPH_PIECES_INIT, PC_GRAPH_PIECES_INIT, PC_GRAPH_PIECES_INIT};
    int level_started[PC_N_LEVELS] = {0};

    if ((s = pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0)))
        goto done;
    if ((s = pc_ctx_progress(ctx, 0.1, "coverage: building the street network")))
        goto done;
    if ((s = pc_graph_build(ctx, &g, pc_plan_layer(plan, PC_ROLE_STREETS), profile)))
        goto done;
    r->n_nodes = g->n_nodes;
    r->n_edges = g->n_edges;
    r->n_components = g->n_components;
    r->network = g->stats;
    if (g->n_edges == 0)
        pc_ctx_warn(ctx, "the streets layer gives no walkable street (all %zu lines excluded or degenerate); nobody "
                    "is covered in network mode (try --mode radius)", g->stats.n_lines);

    if ((s = pc_ctx_progress(ctx, 0.3, "coverage: attaching residents and facilities")))
        goto done;
    res_at = malloc((res->n ? res->n : 1) * sizeof *res_at);
    fac_at = malloc((fac->n ? fac->n : 1) * sizeof *fac_at);
    sources = malloc((fac->n ? fac->n : 1) * sizeof *sources);
    comp_has_facility = calloc(g->n_components ? g->n_components : 1, 1);
    if (!res_at || !fac_at || !sources || !comp_has_facility) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory attaching %zu residents to the streets", res->n);
        goto done;
    }
    if ((s = pc_graph_attach_points(ctx, g, res->n, res->x, res->y, profile->max_access_m, res_at)))
        goto done;
    if ((s = pc_graph_attach_points(ctx, g, fac->n, fac->x, fac->y, profile->max_access_m, fac_at)))
        goto done;
    for (size_t k = 0; k < fac->n; k++) {
        uint32_t comp = pc_graph_attachment_component(g, &fac_at[k]);
        if (comp == PC_GRAPH_NONE)
            r->n_facilities_unattached++;
        else
            comp_has_facility[comp] = 1;
    }
    for (size_t i = 0; i < res->n; i++) {
        r->access_m[i] = (float)res_at[i].access_m;
        uint32_t comp = pc_graph_attachment_component(g, &res_at[i]);
        if (comp == PC_GRAPH_NONE)
            r->flags[i] |= PC_COVERAGE_UNREACHABLE;
        else if (!comp_has_facility[comp])
            r->flags[i] |= PC_COVERAGE_CUT_OFF;
    }

    if ((s = pc_graph_search_create(ctx, &search, g)))
        goto done;
    for (int c = 0; c < n_cat; c++) {
        const pc_category *cat = &profile->categories[c];
        /* The plan's own facilities come first in fac, so they are the first n_plan_src sources. */
        size_t n_src = 0, n_plan_src = 0;
        for (size_t k = 0; k < fac->n; k++)
            if (fac->category[k] == c && fac_at[k].edge != PC_GRAPH_NONE) {
                sources[n_src++] = fac_at[k];
                n_plan_src += k < fac->n_plan;
            }
        r->n_facilities[c] = n_src;
        r->n_facilities_added[c] = n_src - n_plan_src;
        char message[128];
        snprintf(message, sizeof message, "coverage: walking distances to %s", cat->code);
        if ((s = pc_ctx_progress(ctx, 0.35 + 0.35 * c / (n_cat ? n_cat : 1), message)))
            goto done;
        if (r->gained && n_src > n_plan_src) {
            /* The plan as it is: gained starts as "not in reach before". */
            if ((s = pc_graph_search_run(ctx, search, sources, n_plan_src, cat->distance_m)))
                goto done;
            for (size_t i = 0; i < res->n; i++)
                r->gained[i * (size_t)n_cat + (size_t)c] = !isfinite(pc_graph_search_distance_m(search, &res_at[i]));
        }
        if ((s = pc_graph_search_run(ctx, search, sources, n_src, cat->distance_m)))
            goto done;
        for (size_t i = 0; i < res->n; i++)
            r->dist_m[i * (size_t)n_cat + (size_t)c] = (float)pc_graph_search_distance_m(search, &res_at[i]);
        if (r->gained && n_src > n_plan_src)
            for (size_t i = 0; i < res->n; i++) {
                size_t k = i * (size_t)n_cat + (size_t)c;
                r->gained[k] &= (unsigned char)isfinite(r->dist_m[k]);
            }
        int level = level_index(cat->level_min);
        if ((s = pc_graph_search_pieces(ctx, search, &pieces)))
            goto done;
        r->reach_m[c] = pc_graph_pieces_length_m(&pieces);
        if (n_src > 0 && opts->service_areas && !(r->service_area[c] = buffer_pieces(ctx, g, &pieces, opts)))
            goto geos_fail;
        if (level < 0)
            continue;
        /* A level's streets: where every one of its categories is within reach. */
        if (!level_started[level]) {
            pc_graph_pieces_free(&level_pieces[level]);
            level_pieces[level] = pieces;
            memset(&pieces, 0, sizeof pieces);
            level_started[level] = 1;
        } else if ((s = pc_graph_pieces_intersect(ctx, &level_pieces[level], &pieces))) {
            goto done;
        }
    }
    if (area15 && level_started[0])
        lattice_stamp_pieces(area15, g, &level_pieces[0], opts->area_buffer_m);
    for (int l = 0; l < PC_N_LEVELS && opts->service_areas; l++) {
        if (!level_started[l])
            continue;
        if (!(r->level_area[l] = buffer_pieces(ctx, g, &level_pieces[l], opts)))
            goto geos_fail;
    }
    goto done;
geos_fail:
    s = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : PC_ERR_GEOM;
done:
    pc_graph_pieces_free(&pieces);
    for (int l = 0; l < PC_N_LEVELS; l++)
        pc_graph_pieces_free(&level_pieces[l]);
    free(comp_has_facility);
    free(sources);
    free(fac_at);
    free(res_at);
    pc_graph_search_destroy(search);
    pc_graph_destroy(g);
    return s;
}

/* Radius mode: the nearest facility of each category in a straight line, from a grid of cell = distance. */
static pc_status radius_distances(pc_ctx *ctx, const pc_profile *profile, const pc_coverage_options *opts,
                                  const facility_list *fac, pc_coverage_result *r, lattice *area15)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_layer *res = r->residents;
    const int n_cat = profile->n_categories;
    pc_status s = PC_OK;
    uint32_t *ids = malloc((fac->n ? fac->n : 1) * sizeof *ids);
    GEOSGeometry **points = malloc((fac->n ? fac->n : 1) * sizeof *points);
    point_grid grid = {0};
    lattice one = {0};
    int area15_started = 0;
    if (!ids || !points) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < res->n; i++)
        r->access_m[i] = 0;
    for (int c = 0; c < n_cat; c++) {
        const pc_category *cat = &profile->categories[c];
        size_t n = 0, n_plan = 0;
        for (size_t k = 0; k < fac->n; k++)
            if (fac->category[k] == c) {
                ids[n++] = (uint32_t)k;
                n_plan += k < fac->n_plan;
            }
        r->n_facilities[c] = n;
        r->n_facilities_added[c] = n - n_plan;
        if ((s = pc_ctx_progress(ctx, 0.2 + 0.5 * c / (n_cat ? n_cat : 1), "coverage: straight-line distances")))
            goto done;
        if (r->gained && n > n_plan && cat->distance_m > 0) {
            /* The plan as it is (its facilities are the first n_plan ids): gained starts as "not in reach before". */
            free(grid.items);
            if (!point_grid_build(&grid, n_plan, ids, fac->x, fac->y, cat->distance_m)) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            for (size_t i = 0; i < res->n; i++) {
                double d = point_grid_nearest_m(&grid, fac->x, fac->y, res->x[i], res->y[i]);
                r->gained[i * (size_t)n_cat + (size_t)c] = !(d <= cat->distance_m);
            }
        }
        free(grid.items);
        if (!point_grid_build(&grid, n, ids, fac->x, fac->y, cat->distance_m > 0 ? cat->distance_m : 1.0)) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < res->n; i++) {
            double d = cat->distance_m > 0 ? point_grid_nearest_m(&grid, fac->x, fac->y, res->x[i], res->y[i])
                                           : INFINITY;
            r->dist_m[i * (size_t)n_cat + (size_t)c] = (float)(d <= cat->distance_m ? d : INFINITY);
            if (r->gained && n > n_plan)
                r->gained[i * (size_t)n_cat + (size_t)c] &= (unsigned char)(d <= cat->distance_m);
        }
        /* The 15-minute area on the lattice: within reach of a facility of every 15-minute category. */
        if (area15 && level_index(cat->level_min) == 0) {
            lattice *target = area15;
            if (area15_started) {
                lattice_free(&one);
                if (!lattice_like(&one, area15)) {
                    s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                    goto done;
                }
                target = &one;
            }
            for (size_t k = 0; k < n; k++)
                lattice_stamp_segment(target, fac->x[ids[k]], fac->y[ids[k]], fac->x[ids[k]], fac->y[ids[k]],
                                      cat->distance_m);
            if (area15_started) {
                size_t n_bytes = (size_t)((area15->nx * area15->ny + 7) / 8);
                for (size_t b = 0; b < n_bytes; b++)
                    area15->bits[b] &= one.bits[b];
            }
            area15_started = 1;
        }
        if (n == 0 || !opts->service_areas)
            continue;
        for (size_t k = 0; k < n; k++)
            points[k] = pc_geom_point(ctx, fac->x[ids[k]], fac->y[ids[k]]);
        GEOSGeometry *multi = GEOSGeom_createCollection_r(geos, GEOS_MULTIPOINT, points, (unsigned)n);
        if (!multi) {
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot collect facilities (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        r->service_area[c] = GEOSBuffer_r(geos, multi, cat->distance_m, 16);
        GEOSGeom_destroy_r(geos, multi);
        if (!r->service_area[c]) {
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot buffer the facilities of %s (%s)", cat->code,
                               pc_ctx_geos_message(ctx));
            goto done;
        }
    }
done:
    lattice_free(&one);
    free(grid.items);
    free(points);
    free(ids);
    return s;
}

/* ---------------------------------------------------------------- areas */

static double area_m2(GEOSContextHandle_t geos, const GEOSGeometry *g)
{
    double a = 0;
    if (g && GEOSArea_r(geos, g, &a) != 1)
        a = NAN;
    return a;
}

/* Service area of each level: where every category of the level is in reach. */
static pc_status level_areas(pc_ctx *ctx, const pc_profile *profile, pc_coverage_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    for (int l = 0; l < PC_N_LEVELS; l++) {
        GEOSGeometry *acc = NULL;
        int any = 0, empty = 0;
        for (int c = 0; c < profile->n_categories; c++) {
            if (profile->categories[c].level_min != pc_levels_min[l])
                continue;
            any = 1;
            if (!r->service_area[c]) {
                empty = 1;
                break;
            }
            GEOSGeometry *next = acc ? GEOSIntersection_r(geos, acc, r->service_area[c])
                                     : GEOSGeom_clone_r(geos, r->service_area[c]);
            if (acc)
                GEOSGeom_destroy_r(geos, acc);
            acc = next;
            if (!acc)
                return pc_error_plain(ctx, PC_ERR_GEOM, "cannot intersect the %d-minute service areas (%s)",
                                      pc_levels_min[l], pc_ctx_geos_message(ctx));
        }
        if (!any)
            continue;
        if (empty) {
            if (acc)
                GEOSGeom_destroy_r(geos, acc);
            acc = GEOSGeom_createEmptyPolygon_r(geos);
        }
        r->level_area[l] = acc;
    }
    return PC_OK;
}

/* ---------------------------------------------------------------- sums per unit */

static void row_add(pc_coverage_row *row, const pc_coverage_result *r, size_t i)
{
    const int n_cat = r->profile.n_categories;
    double pop = r->residents->pop[i];
    row->n_residents++;
    row->pop += pop;
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->flags[i] & PC_COVERAGE_LEVEL_BIT(l))
            row->pop_level[l] += pop;
    for (int c = 0; c < n_cat; c++)
        if (isfinite(r->dist_m[i * (size_t)n_cat + (size_t)c]))
            row->pop_category[c] += pop;
    if (r->flags[i] & PC_COVERAGE_UNREACHABLE) {
        row->n_unreachable++;
        row->pop_unreachable += pop;
    }
    if (r->flags[i] & PC_COVERAGE_CUT_OFF) {
        row->n_cut_off++;
        row->pop_cut_off += pop;
    }
    if (!r->has_before)
        return;
    for (int l = 0; l < PC_N_LEVELS; l++) {
        if (r->flags_before[i] & PC_COVERAGE_LEVEL_BIT(l))
            row->pop_level_before[l] += pop;
        else if (r->flags[i] & PC_COVERAGE_LEVEL_BIT(l)) {
            row->pop_level_gained[l] += pop;
            row->n_level_gained[l]++;
        }
    }
    for (int c = 0; c < n_cat; c++) {
        size_t k = i * (size_t)n_cat + (size_t)c;
        if (r->gained[k])
            row->pop_category_gained[c] += pop;
        else if (isfinite(r->dist_m[k]))
            row->pop_category_before[c] += pop;
    }
}

static void row_finish(pc_coverage_row *row, const pc_coverage_result *r, const int *level_has_category)
{
    double target = r->profile.target_coverage;
    for (int l = 0; l < PC_N_LEVELS; l++)
        row->cov_level[l] = row->pop > 0 && level_has_category[l] ? row->pop_level[l] / row->pop : NAN;
    for (int c = 0; c < r->profile.n_categories; c++)
        row->cov_category[c] = row->pop > 0 ? row->pop_category[c] / row->pop : NAN;
    row->cov15_builtup = row->builtup_m2 > 0 ? row->builtup_cov15_m2 / row->builtup_m2 : NAN;
    row->gap = isnan(row->cov_level[0]) ? NAN : fmax(0.0, target - row->cov_level[0]);
    row->gap_builtup = isnan(row->cov15_builtup) ? NAN : fmax(0.0, target - row->cov15_builtup);
    for (int l = 0; l < PC_N_LEVELS; l++)
        row->cov_level_before[l] =
            r->has_before && row->pop > 0 && level_has_category[l] ? row->pop_level_before[l] / row->pop : NAN;
    for (int c = 0; c < r->profile.n_categories; c++)
        row->cov_category_before[c] = r->has_before && row->pop > 0 ? row->pop_category_before[c] / row->pop : NAN;
}

/* ---------------------------------------------------------------- gaps */

static uint32_t uf_find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

static int gap_cmp(const void *a, const void *b)
{
    const pc_coverage_gap *x = a, *y = b;
    if (x->level_min != y->level_min)
        return x->level_min > y->level_min ? -1 : 1;
    if (x->pop != y->pop)
        return x->pop > y->pop ? -1 : 1;
    return x->n_residents > y->n_residents ? -1 : x->n_residents < y->n_residents;
}

/* Single-linkage clusters (link gap_link_m) of the residents not covered at each level. */
static pc_status find_gaps(pc_ctx *ctx, pc_coverage_result *r, const int *level_has_category)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_layer *res = r->residents;
    const int n_cat = r->profile.n_categories;
    const double link = r->gap_link_m;
    pc_status s = PC_OK;
    size_t n = res->n;
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
    uint32_t *cluster_of = malloc((n ? n : 1) * sizeof *cluster_of);
    GEOSGeometry **pts = NULL;
    point_grid grid = {0};
    if (!ids || !parent || !cluster_of) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory finding gaps");
        goto done;
    }
    for (int l = 0; l < PC_N_LEVELS; l++) {
        if (!level_has_category[l])
            continue;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!(r->flags[i] & PC_COVERAGE_LEVEL_BIT(l)))
                ids[m++] = (uint32_t)i;
        if (m == 0)
            continue;
        free(grid.items);
        if (!point_grid_build(&grid, m, ids, res->x, res->y, link)) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory finding gaps");
            goto done;
        }
        for (size_t k = 0; k < m; k++)
            parent[ids[k]] = ids[k];
        for (size_t k = 0; k < m; k++) {
            uint32_t a = ids[k];
            long cx = grid_coord(res->x[a], grid.ox, link), cy = grid_coord(res->y[a], grid.oy, link);
            for (long dy = -1; dy <= 1; dy++)
                for (long dx = -1; dx <= 1; dx++) {
                    size_t first, last;
                    point_grid_cell(&grid, cx + dx, cy + dy, &first, &last);
                    for (size_t j = first; j < last; j++) {
                        uint32_t b = grid.items[j].id;
                        if (b <= a)
                            continue;
                        double ddx = res->x[a] - res->x[b], ddy = res->y[a] - res->y[b];
                        if (ddx * ddx + ddy * ddy > link * link)
                            continue;
                        uint32_t ra = uf_find(parent, a), rb = uf_find(parent, b);
                        if (ra != rb)
                            parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
                    }
                }
        }
        /* Number the clusters and fill them. */
        size_t first_gap = r->n_gaps, n_new = 0;
        for (size_t k = 0; k < m; k++)
            cluster_of[ids[k]] = PC_GRAPH_NONE;
        for (size_t k = 0; k < m; k++) {
            uint32_t root = uf_find(parent, ids[k]);
            if (cluster_of[root] == PC_GRAPH_NONE)
                cluster_of[root] = (uint32_t)(first_gap + n_new++);
        }
        pc_coverage_gap *grown = realloc(r->gaps, (r->n_gaps + n_new) * sizeof *grown);
        if (!grown) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory finding gaps");
            goto done;
        }
        r->gaps = grown;
        memset(r->gaps + first_gap, 0, n_new * sizeof *r->gaps);
        r->n_gaps += n_new;
        /* Per gap: its members, by a counting sort of residents by cluster. */
        size_t *start = calloc(n_new + 1, sizeof *start);
        uint32_t *members = malloc(m * sizeof *members);
        double *unit_pop = calloc(r->n_units + 1, sizeof *unit_pop);
        if (!start || !members || !unit_pop) {
            free(start);
            free(members);
            free(unit_pop);
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory finding gaps");
            goto done;
        }
        for (size_t k = 0; k < m; k++)
            start[cluster_of[uf_find(parent, ids[k])] - first_gap + 1]++;
        for (size_t q = 0; q < n_new; q++)
            start[q + 1] += start[q];
        for (size_t k = 0; k < m; k++) {
            size_t q = cluster_of[uf_find(parent, ids[k])] - first_gap;
            members[start[q] + r->gaps[first_gap + q].n_residents++] = ids[k];
        }
        size_t max_members = 0;
        for (size_t q = 0; q < n_new; q++)
            if (start[q + 1] - start[q] > max_members)
                max_members = start[q + 1] - start[q];
        free(pts);
        pts = malloc((max_members ? max_members : 1) * sizeof *pts);
        for (size_t q = 0; q < n_new && pts; q++) {
            pc_coverage_gap *gap = &r->gaps[first_gap + q];
            gap->level_min = pc_levels_min[l];
            memset(unit_pop, 0, (r->n_units + 1) * sizeof *unit_pop);
            for (size_t k = start[q]; k < start[q + 1]; k++) {
                uint32_t i = members[k];
                double pop = res->pop[i];
                gap->pop += pop;
                for (int c = 0; c < n_cat; c++)
                    if (r->profile.categories[c].level_min == pc_levels_min[l] &&
                        !isfinite(r->dist_m[i * (size_t)n_cat + (size_t)c]))
                        gap->pop_missing[c] += pop;
                if (r->flags[i] & PC_COVERAGE_UNREACHABLE)
                    gap->pop_unreachable += pop;
                if (r->flags[i] & PC_COVERAGE_CUT_OFF)
                    gap->pop_cut_off += pop;
                unit_pop[r->unit_of[i] + 1] += pop;
                pts[k - start[q]] = pc_geom_point(ctx, res->x[i], res->y[i]);
            }
            gap->unit = -1;
            double best = -1;
            for (size_t u = 0; u < r->n_units; u++)
                if (unit_pop[u + 1] > best && unit_pop[u + 1] > 0) {
                    best = unit_pop[u + 1];
                    gap->unit = (int)u;
                }
            GEOSGeometry *multi = GEOSGeom_createCollection_r(geos, GEOS_MULTIPOINT, pts,
                                                             (unsigned)(start[q + 1] - start[q]));
            GEOSGeometry *hull = multi ? GEOSConvexHull_r(geos, multi) : NULL;
            gap->geom = hull ? GEOSBufferWithStyle_r(geos, hull, r->area_buffer_m, 4, GEOSBUF_CAP_ROUND,
                                                     GEOSBUF_JOIN_ROUND, 5.0)
                             : NULL;
            if (multi)
                GEOSGeom_destroy_r(geos, multi);
            if (hull)
                GEOSGeom_destroy_r(geos, hull);
            if (!gap->geom) {
                s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot outline a gap (%s)", pc_ctx_geos_message(ctx));
                break;
            }
        }
        if (!pts && !s)
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory finding gaps");
        free(start);
        free(members);
        free(unit_pop);
        if (s)
            goto done;
    }
    if (r->n_gaps > 1)
        qsort(r->gaps, r->n_gaps, sizeof *r->gaps, gap_cmp);
done:
    free(pts);
    free(grid.items);
    free(cluster_of);
    free(parent);
    free(ids);
    return s;
}

/* ---------------------------------------------------------------- the analysis */

pc_status pc_coverage_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_coverage_options *opts,
                          pc_coverage_result **out)
{
    pc_coverage_options defaults = PC_COVERAGE_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    *out = NULL;
    if (!(opts->area_buffer_m > 0) || !isfinite(opts->area_buffer_m) || !(opts->gap_link_m > 0) ||
        !isfinite(opts->gap_link_m))
        return pc_error_plain(ctx, PC_ERR_ARG, "coverage: area_buffer_m and gap_link_m must be positive numbers");
    if (opts->mode != PC_COVERAGE_NETWORK && opts->mode != PC_COVERAGE_RADIUS)
        return pc_error_plain(ctx, PC_ERR_ARG, "coverage: unknown mode %d (network or radius)", (int)opts->mode);
    const int n_cat = profile->n_categories;
    pc_status s = PC_OK;
    facility_list fac = {0};
    lattice area15 = {0};
    pc_coverage_result *r = calloc(1, sizeof *r);
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    r->mode = opts->mode;
    r->profile = *profile;
    r->area_buffer_m = opts->area_buffer_m;
    r->gap_link_m = opts->gap_link_m;
    row_init(&r->total, "Total", "合计", NULL);

    if ((s = pc_ctx_progress(ctx, 0.0, "coverage: reading the plan")))
        goto done;
    if ((s = pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP))))
        goto done;
    if ((s = pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, PC_FIELD_BIT(PC_FIELD_CATEGORY))))
        goto done;
    if (pc_plan_has(plan, PC_ROLE_STRUCTURE)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_STRUCTURE, PC_FIELD_BIT(PC_FIELD_NAME))))
            goto done;
        r->units_layer = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
    }
    if (pc_plan_has(plan, PC_ROLE_SUBDISTRICTS)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_SUBDISTRICTS, PC_FIELD_BIT(PC_FIELD_NAME))))
            goto done;
        r->subdistricts_layer = pc_plan_layer(plan, PC_ROLE_SUBDISTRICTS);
    }
    if (opts->extra_facilities && !opts->extra_facilities->fields[PC_FIELD_CATEGORY]) {
        s = pc_error(ctx, PC_ERR_DATA, opts->extra_facilities->source, opts->extra_facilities->layer_name, PC_NO_FID,
                     "category", "missing; added facilities need a category code of the profile");
        goto done;
    }
    const pc_layer *res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    const pc_layer *plan_fac = pc_plan_layer(plan, PC_ROLE_FACILITIES);
    r->residents = res;
    r->n_residents = res->n;

    /* Facilities of the plan and the proposed ones, by profile category. */
    size_t cap = plan_fac->n + (opts->extra_facilities ? opts->extra_facilities->n : 0);
    fac.x = malloc((cap ? cap : 1) * sizeof *fac.x);
    fac.y = malloc((cap ? cap : 1) * sizeof *fac.y);
    fac.category = malloc((cap ? cap : 1) * sizeof *fac.category);
    if (!fac.x || !fac.y || !fac.category) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    r->n_facilities_read = plan_fac->n;
    for (int pass = 0; pass < 2; pass++) {
        /* The plan's facilities, then the extra ones: an unknown code is named with the layer it came from. */
        const pc_layer *layer = pass == 0 ? plan_fac : opts->extra_facilities;
        if (!layer)
            continue;
        char unknown[5][PC_CODE_MAX];
        int n_unknown_names = 0;
        size_t n_unknown = 0;
        const pc_layer *first_layer = NULL;
        size_t first = 0;
        add_facilities(&fac, layer, profile, &n_unknown, unknown, &n_unknown_names, &first_layer, &first);
        r->n_facilities_unknown += n_unknown;
        if (pass == 0) {
            fac.n_plan = fac.n;
        } else {
            r->has_before = 1;
            r->extra_facilities = layer;
            r->n_facilities_extra = layer->n;
        }
        if (n_unknown) {
            char names[5 * (PC_CODE_MAX + 2) + 8] = "";
            for (int k = 0; k < n_unknown_names; k++) {
                strcat(names, k ? ", " : "");
                strcat(names, unknown[k]);
            }
            /* One line: where the first one is, how many there are, and the fix. */
            const char *code = pc_layer_value(first_layer, PC_FIELD_CATEGORY, first);
            pc_ctx_warn(ctx, "%s: layer '%s' fid %lld field 'category': '%s' is not a category of the profile; %zu "
                        "facilities with unknown codes (%s%s) are ignored: fix the codes, or add each as "
                        "'[category CODE]' with level and distance_m to a --profile file",
                        first_layer->source, first_layer->layer_name, (long long)first_layer->fids[first],
                        code ? code : "", n_unknown, names, n_unknown_names == 5 ? ", ..." : "");
        }
    }

    /* Per resident: distances, flags, units. */
    size_t n = res->n;
    r->dist_m = malloc((n * (size_t)(n_cat ? n_cat : 1) + 1) * sizeof *r->dist_m);
    r->access_m = malloc((n + 1) * sizeof *r->access_m);
    r->flags = calloc(n + 1, sizeof *r->flags);
    r->unit_of = malloc((n + 1) * sizeof *r->unit_of);
    r->subdistrict_of = malloc((n + 1) * sizeof *r->subdistrict_of);
    if (r->has_before) {
        r->gained = calloc(n * (size_t)(n_cat ? n_cat : 1) + 1, 1);
        r->flags_before = calloc(n + 1, 1);
    }
    if (!r->dist_m || !r->access_m || !r->flags || !r->unit_of || !r->subdistrict_of ||
        (r->has_before && (!r->gained || !r->flags_before))) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for %zu residents", n);
        goto done;
    }
    if ((s = pc_units_locate_points(ctx, r->units_layer, n, res->x, res->y, r->unit_of)))
        goto done;
    if ((s = pc_units_locate_points(ctx, r->subdistricts_layer, n, res->x, res->y, r->subdistrict_of)))
        goto done;
    /* The built-up area and the lattice its share is measured on. */
    const pc_layer *builtup = builtup_source(ctx, plan, r, &s);
    if (s)
        goto done;
    if (builtup && builtup->n > 0) {
        double max_cell_m = opts->mode == PC_COVERAGE_NETWORK ? fmin(LATTICE_MAX_CELL_M, opts->area_buffer_m / 4)
                                                              : LATTICE_MAX_CELL_M;
        if (!lattice_init(&area15, builtup->extent, max_cell_m)) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for the built-up lattice");
            goto done;
        }
    }
    if (opts->mode == PC_COVERAGE_NETWORK)
        s = network_distances(ctx, plan, profile, opts, &fac, r, area15.bits ? &area15 : NULL);
    else
        s = radius_distances(ctx, profile, opts, &fac, r, area15.bits ? &area15 : NULL);
    if (s)
        goto done;

    int level_has_category[PC_N_LEVELS] = {0};
    for (int c = 0; c < n_cat; c++) {
        int l = level_index(profile->categories[c].level_min);
        if (l >= 0)
            level_has_category[l] = 1;
        if (r->n_facilities[c] == 0) {
            const pc_category *cat = &profile->categories[c];
            size_t in_plan = 0;
            for (size_t k = 0; k < fac.n; k++)
                in_plan += fac.category[k] == c;
            r->missing[r->n_missing++] = c;
            if (in_plan)
                pc_ctx_warn(ctx, "category '%s' (%s): none of its %zu facilities is within %g m of a walkable street; "
                            "nobody is covered at the %d-minute level", cat->code, cat->name_zh, in_plan,
                            profile->max_access_m, cat->level_min);
            else
                pc_ctx_warn(ctx, "category '%s' (%s) has no facility in the plan: nobody is covered at the %d-minute "
                            "level", cat->code, cat->name_zh, cat->level_min);
        }
    }
    for (size_t i = 0; i < n; i++) {
        for (int l = 0; l < PC_N_LEVELS; l++) {
            int covered = level_has_category[l];
            for (int c = 0; c < n_cat && covered; c++)
                if (profile->categories[c].level_min == pc_levels_min[l] &&
                    !isfinite(r->dist_m[i * (size_t)n_cat + (size_t)c]))
                    covered = 0;
            if (covered)
                r->flags[i] |= PC_COVERAGE_LEVEL_BIT(l);
            /* Before the extra facilities: every category of the level in reach and not just gained. */
            for (int c = 0; c < n_cat && covered && r->has_before; c++)
                if (profile->categories[c].level_min == pc_levels_min[l] && r->gained[i * (size_t)n_cat + (size_t)c])
                    covered = 0;
            if (covered && r->has_before)
                r->flags_before[i] |= PC_COVERAGE_LEVEL_BIT(l);
        }
    }

    /* Sums per unit, per subdistrict and in total. */
    r->n_units = r->units_layer ? r->units_layer->n : 0;
    r->n_subdistricts = r->subdistricts_layer ? r->subdistricts_layer->n : 0;
    r->units = calloc(r->n_units + 1, sizeof *r->units);
    r->subdistricts = calloc(r->n_subdistricts + 1, sizeof *r->subdistricts);
    if (!r->units || !r->subdistricts) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t u = 0; u < r->n_units; u++)
        row_init(&r->units[u], pc_layer_value(r->units_layer, PC_FIELD_NAME, u),
                 pc_layer_value(r->units_layer, PC_FIELD_NAME_ZH, u), pc_layer_value(r->units_layer, PC_FIELD_TIER, u));
    for (size_t u = 0; u < r->n_subdistricts; u++)
        row_init(&r->subdistricts[u], pc_layer_value(r->subdistricts_layer, PC_FIELD_NAME, u),
                 pc_layer_value(r->subdistricts_layer, PC_FIELD_NAME_ZH, u), NULL);
    for (size_t i = 0; i < n; i++) {
        row_add(&r->total, r, i);
        if (r->unit_of[i] >= 0)
            row_add(&r->units[r->unit_of[i]], r, i);
        if (r->subdistrict_of[i] >= 0)
            row_add(&r->subdistricts[r->subdistrict_of[i]], r, i);
    }

    if ((s = pc_ctx_progress(ctx, 0.75, "coverage: service areas and built-up share")))
        goto done;
    if (opts->mode == PC_COVERAGE_RADIUS && opts->service_areas && (s = level_areas(ctx, profile, r)))
        goto done;
    if (area15.bits && (s = builtup_shares(ctx, builtup, &area15, r)))
        goto done;
    row_finish(&r->total, r, level_has_category);
    for (size_t u = 0; u < r->n_units; u++)
        row_finish(&r->units[u], r, level_has_category);
    for (size_t u = 0; u < r->n_subdistricts; u++)
        row_finish(&r->subdistricts[u], r, level_has_category);

    if ((s = pc_ctx_progress(ctx, 0.9, "coverage: gaps")))
        goto done;
    if ((s = find_gaps(ctx, r, level_has_category)))
        goto done;
    s = pc_ctx_progress(ctx, 1.0, "coverage: done");
done:
    lattice_free(&area15);
    facility_list_free(&fac);
    if (s) {
        pc_coverage_result_destroy(ctx, r);
        return s;
    }
    *out = r;
    return PC_OK;
}

/* ---------------------------------------------------------------- JSON */

static json_object *json_num(double v, double quantum)
{
    if (!isfinite(v))
        return NULL;
    if (quantum > 0)
        v = round(v / quantum) * quantum;
    if (v == floor(v) && fabs(v) < 9e15)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

static json_object *json_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *row_json(const pc_coverage_result *r, const pc_coverage_row *row)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_str(row->name));
    json_object_object_add(o, "name_zh", json_str(row->name_zh));
    json_object_object_add(o, "tier", json_str(row->tier));
    json_object_object_add(o, "residents", json_object_new_int64((int64_t)row->n_residents));
    json_object_object_add(o, "pop", json_num(row->pop, 1e-3));
    char key[PC_CODE_MAX + 16];
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(key, sizeof key, "cov%d_pop", pc_levels_min[l]);
        json_object_object_add(o, key, json_num(row->cov_level[l], 1e-6));
    }
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(key, sizeof key, "pop_cov%d", pc_levels_min[l]);
        json_object_object_add(o, key, json_num(row->pop_level[l], 1e-3));
    }
    for (int c = 0; c < r->profile.n_categories; c++) {
        snprintf(key, sizeof key, "cov_%s", r->profile.categories[c].code);
        json_object_object_add(o, key, json_num(row->cov_category[c], 1e-6));
    }
    json_object_object_add(o, "builtup_km2", json_num(row->builtup_m2 / 1e6, 1e-6));
    json_object_object_add(o, "cov15_builtup", json_num(row->cov15_builtup, 1e-6));
    json_object_object_add(o, "target", json_num(r->profile.target_coverage, 1e-6));
    json_object_object_add(o, "gap", json_num(row->gap, 1e-6));
    json_object_object_add(o, "gap_builtup", json_num(row->gap_builtup, 1e-6));
    json_object_object_add(o, "below_target", json_object_new_boolean(isfinite(row->gap) && row->gap > 0));
    json_object_object_add(o, "residents_unreachable", json_object_new_int64((int64_t)row->n_unreachable));
    json_object_object_add(o, "pop_unreachable", json_num(row->pop_unreachable, 1e-3));
    json_object_object_add(o, "residents_cut_off", json_object_new_int64((int64_t)row->n_cut_off));
    json_object_object_add(o, "pop_cut_off", json_num(row->pop_cut_off, 1e-3));
    if (!r->has_before)
        return o;
    /* The change the extra facilities make: per level, and per category that got some. */
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(key, sizeof key, "cov%d_pop_before", pc_levels_min[l]);
        json_object_object_add(o, key, json_num(row->cov_level_before[l], 1e-6));
        snprintf(key, sizeof key, "pop_cov%d_before", pc_levels_min[l]);
        json_object_object_add(o, key, json_num(row->pop_level_before[l], 1e-3));
        snprintf(key, sizeof key, "pop_gained%d", pc_levels_min[l]);
        json_object_object_add(o, key, json_num(row->pop_level_gained[l], 1e-3));
        snprintf(key, sizeof key, "residents_gained%d", pc_levels_min[l]);
        json_object_object_add(o, key, json_object_new_int64((int64_t)row->n_level_gained[l]));
    }
    for (int c = 0; c < r->profile.n_categories; c++) {
        if (!r->n_facilities_added[c])
            continue;
        snprintf(key, sizeof key, "cov_%s_before", r->profile.categories[c].code);
        json_object_object_add(o, key, json_num(row->cov_category_before[c], 1e-6));
        snprintf(key, sizeof key, "pop_gained_%s", r->profile.categories[c].code);
        json_object_object_add(o, key, json_num(row->pop_category_gained[c], 1e-3));
    }
    return o;
}

json_object *pc_coverage_to_json(const pc_plan *plan, const pc_coverage_result *r)
{
    const pc_profile *p = &r->profile;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object_object_add(root, "mode", json_object_new_string(pc_coverage_mode_name(r->mode)));
    json_object_object_add(root, "profile", json_object_new_string(p->name));
    json_object_object_add(root, "walk_speed_m_per_min", json_num(p->walk_speed_m_per_min, 1e-6));
    json_object_object_add(root, "max_access_m", json_num(p->max_access_m, 1e-6));
    json_object_object_add(root, "area_buffer_m", json_num(r->area_buffer_m, 1e-6));
    json_object_object_add(root, "builtup_cell_m", r->builtup_cell_m > 0 ? json_num(r->builtup_cell_m, 1e-6) : NULL);
    json_object_object_add(root, "target", json_num(p->target_coverage, 1e-6));

    json_object *levels = json_object_new_array();
    for (int l = 0; l < PC_N_LEVELS; l++) {
        json_object *lv = json_object_new_object();
        json_object *codes = json_object_new_array();
        for (int c = 0; c < p->n_categories; c++)
            if (p->categories[c].level_min == pc_levels_min[l])
                json_object_array_add(codes, json_object_new_string(p->categories[c].code));
        json_object_object_add(lv, "level_min", json_object_new_int(pc_levels_min[l]));
        json_object_object_add(lv, "categories", codes);
        json_object_array_add(levels, lv);
    }
    json_object_object_add(root, "levels", levels);

    json_object *cats = json_object_new_array();
    for (int c = 0; c < p->n_categories; c++) {
        const pc_category *cat = &p->categories[c];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "code", json_object_new_string(cat->code));
        json_object_object_add(o, "name", json_object_new_string(cat->name_en));
        json_object_object_add(o, "name_zh", json_object_new_string(cat->name_zh));
        json_object_object_add(o, "level_min", json_object_new_int(cat->level_min));
        json_object_object_add(o, "distance_m", json_num(cat->distance_m, 1e-6));
        json_object_object_add(o, "minutes", json_num(pc_profile_minutes(p, cat->distance_m), 1e-3));
        json_object_object_add(o, "facilities", json_object_new_int64((int64_t)r->n_facilities[c]));
        if (r->mode == PC_COVERAGE_NETWORK)
            json_object_object_add(o, "reach_km", json_num(r->reach_m[c] / 1000, 1e-3));
        json_object_object_add(o, "cov_pop", json_num(r->total.cov_category[c], 1e-6));
        if (r->has_before) {
            json_object_object_add(o, "facilities_added", json_object_new_int64((int64_t)r->n_facilities_added[c]));
            json_object_object_add(o, "cov_pop_before", json_num(r->total.cov_category_before[c], 1e-6));
            json_object_object_add(o, "pop_gained", json_num(r->total.pop_category_gained[c], 1e-3));
        }
        json_object_array_add(cats, o);
    }
    json_object_object_add(root, "categories", cats);
    json_object *missing = json_object_new_array();
    for (int k = 0; k < r->n_missing; k++)
        json_object_array_add(missing, json_object_new_string(p->categories[r->missing[k]].code));
    json_object_object_add(root, "categories_without_facility", missing);

    json_object *fac = json_object_new_object();
    json_object_object_add(fac, "read", json_object_new_int64((int64_t)r->n_facilities_read));
    json_object_object_add(fac, "extra", json_object_new_int64((int64_t)r->n_facilities_extra));
    json_object_object_add(fac, "unknown_category", json_object_new_int64((int64_t)r->n_facilities_unknown));
    json_object_object_add(fac, "unattached", json_object_new_int64((int64_t)r->n_facilities_unattached));
    json_object_object_add(root, "facilities", fac);
    if (r->has_before) {
        json_object *added = json_object_new_object();
        json_object_object_add(added, "source", json_str(r->extra_facilities->source));
        json_object_object_add(added, "layer", json_str(r->extra_facilities->layer_name));
        json_object_object_add(added, "facilities", json_object_new_int64((int64_t)r->n_facilities_extra));
        size_t used = 0;
        for (int c = 0; c < p->n_categories; c++)
            used += r->n_facilities_added[c];
        json_object_object_add(added, "used", json_object_new_int64((int64_t)used));
        json_object *by = json_object_new_object();
        for (int c = 0; c < p->n_categories; c++)
            if (r->n_facilities_added[c])
                json_object_object_add(by, p->categories[c].code,
                                       json_object_new_int64((int64_t)r->n_facilities_added[c]));
        json_object_object_add(added, "by_category", by);
        json_object_object_add(root, "added", added);
    }

    if (r->mode == PC_COVERAGE_NETWORK) {
        json_object *net = json_object_new_object();
        json_object_object_add(net, "streets", json_object_new_int64((int64_t)r->network.n_lines));
        json_object_object_add(net, "streets_excluded", json_object_new_int64((int64_t)r->network.n_lines_excluded));
        json_object_object_add(net, "streets_degenerate",
                               json_object_new_int64((int64_t)r->network.n_lines_degenerate));
        json_object_object_add(net, "nodes", json_object_new_int64(r->n_nodes));
        json_object_object_add(net, "edges", json_object_new_int64(r->n_edges));
        json_object_object_add(net, "components", json_object_new_int64(r->n_components));
        json_object_object_add(net, "length_km", json_num(r->network.length_m / 1000, 1e-3));
        json_object_object_add(net, "ends_snapped", json_object_new_int64((int64_t)r->network.n_snapped));
        json_object_object_add(net, "ends_split", json_object_new_int64((int64_t)r->network.n_split));
        json_object_object_add(root, "network", net);
    } else {
        json_object_object_add(root, "network", NULL);
    }

    json_object *units = json_object_new_array();
    for (size_t u = 0; u < r->n_units; u++)
        json_object_array_add(units, row_json(r, &r->units[u]));
    json_object_object_add(root, "units", units);
    json_object *subs = json_object_new_array();
    for (size_t u = 0; u < r->n_subdistricts; u++)
        json_object_array_add(subs, row_json(r, &r->subdistricts[u]));
    json_object_object_add(root, "subdistricts", subs);
    json_object_object_add(root, "total", row_json(r, &r->total));

    json_object *gaps = json_object_new_object();
    json_object *counts = json_object_new_object();
    for (int l = 0; l < PC_N_LEVELS; l++) {
        size_t count = 0;
        for (size_t k = 0; k < r->n_gaps; k++)
            count += r->gaps[k].level_min == pc_levels_min[l];
        char key[8];
        snprintf(key, sizeof key, "%d", pc_levels_min[l]);
        json_object_object_add(counts, key, json_object_new_int64((int64_t)count));
    }
    json_object_object_add(gaps, "count", counts);
    json_object *largest = json_object_new_array();
    for (int l = 0; l < PC_N_LEVELS; l++) {
        int shown = 0;
        for (size_t k = 0; k < r->n_gaps && shown < 5; k++) {
            const pc_coverage_gap *g = &r->gaps[k];
            if (g->level_min != pc_levels_min[l])
                continue;
            shown++;
            json_object *o = json_object_new_object();
            json_object_object_add(o, "level_min", json_object_new_int(g->level_min));
            json_object_object_add(o, "residents", json_object_new_int64((int64_t)g->n_residents));
            json_object_object_add(o, "pop", json_num(g->pop, 1e-3));
            json_object_object_add(o, "unit", g->unit >= 0 ? json_str(r->units[g->unit].name) : NULL);
            json_object *miss = json_object_new_object();
            for (int c = 0; c < p->n_categories; c++)
                if (g->pop_missing[c] > 0)
                    json_object_object_add(miss, p->categories[c].code, json_num(g->pop_missing[c], 1e-3));
            json_object_object_add(o, "missing_pop", miss);
            json_object_object_add(o, "pop_unreachable", json_num(g->pop_unreachable, 1e-3));
            json_object_object_add(o, "pop_cut_off", json_num(g->pop_cut_off, 1e-3));
            json_object_array_add(largest, o);
        }
    }
    json_object_object_add(gaps, "largest", largest);
    json_object_object_add(root, "gaps", gaps);
    return root;
}

/* ---------------------------------------------------------------- output layers */

/* Gather the polygons of any geometry into a MultiPolygon (caller owns; NULL on error). */
static GEOSGeometry *as_multipolygon(GEOSContextHandle_t geos, const GEOSGeometry *g)
{
    int n = g ? GEOSGetNumGeometries_r(geos, g) : 0;
    size_t cap = 0, count = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(geos, g, i);
        cap += GEOSGeomTypeId_r(geos, part) == GEOS_MULTIPOLYGON ? (size_t)GEOSGetNumGeometries_r(geos, part) : 1;
    }
    GEOSGeometry **polys = malloc((cap ? cap : 1) * sizeof *polys);
    if (!polys)
        return NULL;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(geos, g, i);
        int t = GEOSGeomTypeId_r(geos, part);
        if (t == GEOS_POLYGON && !GEOSisEmpty_r(geos, part))
            polys[count++] = GEOSGeom_clone_r(geos, part);
        else if (t == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(geos, part); j++)
                polys[count++] = GEOSGeom_clone_r(geos, GEOSGetGeometryN_r(geos, part, j));
    }
    GEOSGeometry *out = GEOSGeom_createCollection_r(geos, GEOS_MULTIPOLYGON, polys, (unsigned)count);
    free(polys);
    return out;
}

/* Field list of the unit layers: fixed fields, then one share per category. */
typedef struct field_set {
    int n;
    pc_field_def defs[32 + PC_MAX_CATEGORIES];
    char names[32 + PC_MAX_CATEGORIES][PC_CODE_MAX + 16];
} field_set;

static void field_add(field_set *fs, const char *name, OGRFieldType type)
{
    snprintf(fs->names[fs->n], sizeof fs->names[fs->n], "%s", name);
    fs->defs[fs->n].name = fs->names[fs->n];
    fs->defs[fs->n].type = type;
    fs->n++;
}

static void set_real(OGRFeatureH f, int i, double v)
{
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static void set_text(OGRFeatureH f, int i, const char *v)
{
    if (v)
        OGR_F_SetFieldString(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static pc_status write_rows(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r, const char *layer_name,
                            const pc_layer *src, const pc_coverage_row *rows, size_t n_rows)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_profile *p = &r->profile;
    field_set fs;
    fs.n = 0;
    char name[PC_CODE_MAX + 16];
    field_add(&fs, "name", OFTString);
    field_add(&fs, "name_zh", OFTString);
    field_add(&fs, "tier", OFTString);
    field_add(&fs, "residents", OFTInteger64);
    field_add(&fs, "pop", OFTReal);
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(name, sizeof name, "cov%d_pop", pc_levels_min[l]);
        field_add(&fs, name, OFTReal);
    }
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(name, sizeof name, "pop_cov%d", pc_levels_min[l]);
        field_add(&fs, name, OFTReal);
    }
    int first_cat = fs.n;
    for (int c = 0; c < p->n_categories; c++) {
        snprintf(name, sizeof name, "cov_%s", p->categories[c].code);
        field_add(&fs, name, OFTReal);
    }
    int first_tail = fs.n;
    field_add(&fs, "builtup_km2", OFTReal);
    field_add(&fs, "cov15_builtup", OFTReal);
    field_add(&fs, "target", OFTReal);
    field_add(&fs, "gap", OFTReal);
    field_add(&fs, "gap_builtup", OFTReal);
    field_add(&fs, "below_target", OFTInteger);
    field_add(&fs, "pop_unreachable", OFTReal);
    field_add(&fs, "pop_cut_off", OFTReal);
    field_add(&fs, "mode", OFTString);
    int first_change = fs.n;
    for (int l = 0; l < PC_N_LEVELS && r->has_before; l++) {
        snprintf(name, sizeof name, "cov%d_before", pc_levels_min[l]);
        field_add(&fs, name, OFTReal);
        snprintf(name, sizeof name, "gain%d_pop", pc_levels_min[l]);
        field_add(&fs, name, OFTReal);
    }
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, layer_name, wkbMultiPolygon, fs.defs, fs.n);
    if (s)
        return s;
    for (size_t u = 0; u < n_rows; u++) {
        const pc_coverage_row *row = &rows[u];
        OGRFeatureH f = pc_writer_feature(layer);
        set_text(f, 0, row->name);
        set_text(f, 1, row->name_zh);
        set_text(f, 2, row->tier);
        OGR_F_SetFieldInteger64(f, 3, (GIntBig)row->n_residents);
        set_real(f, 4, row->pop);
        for (int l = 0; l < PC_N_LEVELS; l++) {
            set_real(f, 5 + l, row->cov_level[l]);
            set_real(f, 5 + PC_N_LEVELS + l, row->pop_level[l]);
        }
        for (int c = 0; c < p->n_categories; c++)
            set_real(f, first_cat + c, row->cov_category[c]);
        set_real(f, first_tail, row->builtup_m2 / 1e6);
        set_real(f, first_tail + 1, row->cov15_builtup);
        set_real(f, first_tail + 2, p->target_coverage);
        set_real(f, first_tail + 3, row->gap);
        set_real(f, first_tail + 4, row->gap_builtup);
        OGR_F_SetFieldInteger(f, first_tail + 5, isfinite(row->gap) && row->gap > 0);
        set_real(f, first_tail + 6, row->pop_unreachable);
        set_real(f, first_tail + 7, row->pop_cut_off);
        set_text(f, first_tail + 8, pc_coverage_mode_name(r->mode));
        for (int l = 0; l < PC_N_LEVELS && r->has_before; l++) {
            set_real(f, first_change + 2 * l, row->cov_level_before[l]);
            set_real(f, first_change + 2 * l + 1, row->pop_level_gained[l]);
        }
        GEOSGeometry *g = as_multipolygon(geos, src->geoms[u]);
        if (!g) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot convert a unit polygon (%s)", pc_ctx_geos_message(ctx));
        }
        s = pc_writer_put(w, layer, f, g);
        GEOSGeom_destroy_r(geos, g);
        if (s)
            return s;
    }
    return PC_OK;
}

static pc_status write_residents(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r)
{
    const pc_profile *p = &r->profile;
    const int n_cat = p->n_categories;
    field_set fs;
    fs.n = 0;
    char name[PC_CODE_MAX + 16];
    field_add(&fs, "source_fid", OFTInteger64);
    field_add(&fs, "pop", OFTReal);
    field_add(&fs, "unit", OFTString);
    field_add(&fs, "subdistrict", OFTString);
    field_add(&fs, "status", OFTString);
    field_add(&fs, "access_m", OFTReal);
    for (int l = 0; l < PC_N_LEVELS; l++) {
        snprintf(name, sizeof name, "cov%d", pc_levels_min[l]);
        field_add(&fs, name, OFTInteger);
    }
    field_add(&fs, "missing", OFTString);
    if (r->has_before)
        field_add(&fs, "gained", OFTString);
    int first_cat = fs.n;
    for (int c = 0; c < n_cat; c++) {
        snprintf(name, sizeof name, "d_%s", p->categories[c].code);
        field_add(&fs, name, OFTReal);
    }
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "coverage_residents", wkbPoint, fs.defs, fs.n);
    if (s)
        return s;
    const pc_layer *res = r->residents;
    size_t cap_missing = (size_t)n_cat * (PC_CODE_MAX + 1) + 32;
    char *missing = malloc(cap_missing);
    if (!missing)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < res->n && !s; i++) {
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)res->fids[i]);
        OGR_F_SetFieldDouble(f, 1, res->pop[i]);
        set_text(f, 2, r->unit_of[i] >= 0 ? r->units[r->unit_of[i]].name : NULL);
        set_text(f, 3, r->subdistrict_of[i] >= 0 ? r->subdistricts[r->subdistrict_of[i]].name : NULL);
        set_text(f, 4, (r->flags[i] & PC_COVERAGE_UNREACHABLE) ? "unreachable"
                       : (r->flags[i] & PC_COVERAGE_CUT_OFF) ? "cut_off" : "ok");
        set_real(f, 5, round(r->access_m[i] * 100) / 100);
        for (int l = 0; l < PC_N_LEVELS; l++)
            OGR_F_SetFieldInteger(f, 6 + l, (r->flags[i] & PC_COVERAGE_LEVEL_BIT(l)) != 0);
        size_t used = 0;
        missing[0] = '\0';
        for (int c = 0; c < n_cat; c++) {
            double d = r->dist_m[i * (size_t)n_cat + (size_t)c];
            set_real(f, first_cat + c, round(d * 100) / 100); /* centimetres: the distances are floats */
            if (!isfinite(d))
                used += (size_t)snprintf(missing + used, cap_missing - used, "%s%s", used ? "," : "",
                                         p->categories[c].code);
        }
        set_text(f, 6 + PC_N_LEVELS, missing);
        if (r->has_before) {
            /* What the extra facilities bring: "kindergarten,clinic; 5 min", empty when nothing. */
            used = 0;
            missing[0] = '\0';
            for (int c = 0; c < n_cat; c++)
                if (r->gained[i * (size_t)n_cat + (size_t)c])
                    used += (size_t)snprintf(missing + used, cap_missing - used, "%s%s", used ? "," : "",
                                             p->categories[c].code);
            for (int l = 0, first = 1; l < PC_N_LEVELS && used; l++)
                if ((r->flags[i] & ~r->flags_before[i]) & PC_COVERAGE_LEVEL_BIT(l)) {
                    used += (size_t)snprintf(missing + used, cap_missing - used, "%s%d", first ? "; min " : ",",
                                             pc_levels_min[l]);
                    first = 0;
                }
            set_text(f, 7 + PC_N_LEVELS, missing);
        }
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, res->x[i], res->y[i]);
        OGR_F_SetGeometryDirectly(f, pt);
        s = pc_writer_put(w, layer, f, NULL);
        if (!s && (i & 16383) == 16383)
            s = pc_ctx_check_cancel(ctx);
    }
    free(missing);
    return s;
}

static pc_status write_service_areas(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_profile *p = &r->profile;
    const pc_field_def fields[] = {{"kind", OFTString},       {"category", OFTString},   {"name_zh", OFTString},
                                   {"level_min", OFTInteger}, {"distance_m", OFTReal},   {"minutes", OFTReal},
                                   {"facilities", OFTInteger64}, {"reach_km", OFTReal},  {"area_km2", OFTReal},
                                   {"mode", OFTString},       {"buffer_m", OFTReal}};
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "service_areas", wkbMultiPolygon, fields,
                                  (int)(sizeof fields / sizeof *fields));
    if (s)
        return s;
    for (int k = 0; k < p->n_categories + PC_N_LEVELS && !s; k++) {
        int is_level = k >= p->n_categories;
        int l = k - p->n_categories;
        const GEOSGeometry *area = is_level ? r->level_area[l] : r->service_area[k];
        if (!area && !(!is_level && r->n_facilities[k] == 0))
            continue; /* not built */
        OGRFeatureH f = pc_writer_feature(layer);
        set_text(f, 0, is_level ? "level" : "category");
        if (!is_level) {
            const pc_category *cat = &p->categories[k];
            set_text(f, 1, cat->code);
            set_text(f, 2, cat->name_zh);
            OGR_F_SetFieldInteger(f, 3, cat->level_min);
            set_real(f, 4, cat->distance_m);
            set_real(f, 5, pc_profile_minutes(p, cat->distance_m));
            OGR_F_SetFieldInteger64(f, 6, (GIntBig)r->n_facilities[k]);
            set_real(f, 7, r->mode == PC_COVERAGE_NETWORK ? r->reach_m[k] / 1000 : NAN);
        } else {
            OGR_F_SetFieldInteger(f, 3, pc_levels_min[l]);
            OGR_F_SetFieldNull(f, 1);
        }
        set_real(f, 8, area ? area_m2(geos, area) / 1e6 : 0.0);
        set_text(f, 9, pc_coverage_mode_name(r->mode));
        set_real(f, 10, r->mode == PC_COVERAGE_NETWORK ? r->area_buffer_m : NAN);
        GEOSGeometry *g = area ? as_multipolygon(geos, area) : GEOSGeom_createEmptyCollection_r(geos, GEOS_MULTIPOLYGON);
        if (!g) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot convert a service area (%s)", pc_ctx_geos_message(ctx));
        }
        s = pc_writer_put(w, layer, f, g);
        GEOSGeom_destroy_r(geos, g);
    }
    return s;
}

static pc_status write_gaps(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_profile *p = &r->profile;
    const pc_field_def fields[] = {{"level_min", OFTInteger}, {"residents", OFTInteger64}, {"pop", OFTReal},
                                   {"missing", OFTString},    {"unit", OFTString},         {"pop_unreachable", OFTReal},
                                   {"pop_cut_off", OFTReal},  {"area_km2", OFTReal}};
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "coverage_gaps", wkbMultiPolygon, fields,
                                  (int)(sizeof fields / sizeof *fields));
    if (s)
        return s;
    size_t cap = (size_t)p->n_categories * (PC_CODE_MAX + 24) + 1;
    char *missing = malloc(cap);
    int *order = malloc(((size_t)p->n_categories + 1) * sizeof *order);
    if (!missing || !order) {
        free(missing);
        free(order);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < r->n_gaps && !s; k++) {
        const pc_coverage_gap *g = &r->gaps[k];
        /* Missing categories, the one lacking for most people first: "kindergarten 1200; clinic 300". */
        int n = 0;
        for (int c = 0; c < p->n_categories; c++)
            if (g->pop_missing[c] > 0 || (p->categories[c].level_min == g->level_min && r->n_facilities[c] == 0))
                order[n++] = c;
        for (int a = 1; a < n; a++)
            for (int b = a; b > 0 && g->pop_missing[order[b]] > g->pop_missing[order[b - 1]]; b--) {
                int t = order[b];
                order[b] = order[b - 1];
                order[b - 1] = t;
            }
        size_t used = 0;
        missing[0] = '\0';
        for (int j = 0; j < n; j++)
            used += (size_t)snprintf(missing + used, cap - used, "%s%s %.0f", j ? "; " : "",
                                     p->categories[order[j]].code, g->pop_missing[order[j]]);
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger(f, 0, g->level_min);
        OGR_F_SetFieldInteger64(f, 1, (GIntBig)g->n_residents);
        set_real(f, 2, g->pop);
        set_text(f, 3, missing);
        set_text(f, 4, g->unit >= 0 ? r->units[g->unit].name : NULL);
        set_real(f, 5, g->pop_unreachable);
        set_real(f, 6, g->pop_cut_off);
        set_real(f, 7, area_m2(geos, g->geom) / 1e6);
        GEOSGeometry *geom = as_multipolygon(geos, g->geom);
        if (!geom) {
            OGR_F_Destroy(f);
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot convert a gap polygon (%s)", pc_ctx_geos_message(ctx));
            break;
        }
        s = pc_writer_put(w, layer, f, geom);
        GEOSGeom_destroy_r(geos, geom);
    }
    free(missing);
    free(order);
    return s;
}

/* The extra facilities (--add) as they were used: category, whether the analysis could use them. */
static pc_status write_added(pc_writer *w, const pc_coverage_result *r)
{
    const pc_layer *extra = r->extra_facilities;
    const pc_field_def fields[] = {{"source_fid", OFTInteger64}, {"name", OFTString}, {"category", OFTString},
                                   {"level_min", OFTInteger},    {"known", OFTInteger}};
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "added_facilities", wkbPoint, fields,
                                  (int)(sizeof fields / sizeof *fields));
    for (size_t i = 0; i < extra->n && !s; i++) {
        const char *code = pc_layer_value(extra, PC_FIELD_CATEGORY, i);
        const pc_category *cat = pc_profile_category(&r->profile, code);
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)extra->fids[i]);
        set_text(f, 1, pc_layer_value(extra, PC_FIELD_NAME, i));
        set_text(f, 2, code);
        if (cat)
            OGR_F_SetFieldInteger(f, 3, cat->level_min);
        OGR_F_SetFieldInteger(f, 4, cat != NULL);
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, extra->x[i], extra->y[i]);
        OGR_F_SetGeometryDirectly(f, pt);
        s = pc_writer_put(w, layer, f, NULL);
    }
    return s;
}

pc_status pc_coverage_write(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r)
{
    pc_status s = pc_writer_meta(w, "coverage_mode", pc_coverage_mode_name(r->mode));
    if (!s && r->units_layer)
        s = write_rows(ctx, w, r, "coverage_units", r->units_layer, r->units, r->n_units);
    if (!s && r->subdistricts_layer)
        s = write_rows(ctx, w, r, "coverage_subdistricts", r->subdistricts_layer, r->subdistricts, r->n_subdistricts);
    if (!s)
        s = write_residents(ctx, w, r);
    if (!s)
        s = write_service_areas(ctx, w, r);
    if (!s)
        s = write_gaps(ctx, w, r);
    if (!s && r->has_before)
        s = write_added(w, r);
    return s;
}
