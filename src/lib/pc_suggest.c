/* pc_suggest.c: where new facilities should go: maximal covering location along the walking network (lazy greedy). */

/*
 * The method.
 *
 * 1. Today's coverage: pc_coverage_run in network mode (no service-area polygons), or the caller's. A
 *    resident is uncovered for a category when no facility of it is within the category's walking distance.
 * 2. The network: pc_graph_build on the same streets with the same profile as coverage, and residents and
 *    candidates attached with pc_graph_attach, exactly as coverage attaches residents and facilities. A
 *    proposed site written out and read back by `coverage --add` therefore lands on the same point of the
 *    same edge.
 * 3. Coverage sets, computed once per category: for every usable candidate j, the uncovered residents within
 *    the category's distance of j along the network. Both ends of a pair are points, a network walk is never
 *    shorter than the straight line between them, so first a straight-line test (grids of cell = distance)
 *    keeps only candidates with an uncovered resident within the distance (C') and uncovered residents with a
 *    candidate within it (U'). Each remaining one costs one bounded Dijkstra of the same radius, so the side
 *    with fewer points is searched from:
 *     - from candidates (C' <= U'): one single-source search per candidate with the category's cutoff; the
 *       residents on the candidate's edge and on every edge meeting a reached node are measured with
 *       pc_graph_search_distance_m. These are the very sums coverage makes (its multi-source search gives each
 *       node the least of the single-source distances, rounding being monotone), so "covered" here is bit for
 *       bit "covered" there;
 *     - from residents (U' < C'): one search per uncovered resident, with the cutoff widened by
 *       eps = 1e-7 (1 + distance) m. The reverse walk adds the same lengths in the other order, which may move
 *       the last bits, so a pair closer than distance - eps is in, farther than distance + eps is out, and the
 *       few in between are measured again from the candidate (the forward sum) before they count.
 *    Every set is kept sorted by resident, so both directions give identical sets (a test checks it).
 * 4. The greedy with lazy gain updates (CELF): a max-heap of (gain, category, candidate) holds for each
 *    candidate the gain it had when last evaluated, an upper bound of its gain now (the covered population
 *    only grows, so gains only shrink: the objective is submodular). The top is taken; if its gain is from
 *    the current round (no pick in its category since), it is the best and is picked, else it is evaluated
 *    again and pushed back. Ties go to the lower category, then the lower candidate index: the picks are
 *    those of the plain greedy with that order. Greedy is within 1 - 1/e (63%) of the best K sites (Nemhauser,
 *    Wolsey and Fisher 1978); CELF is Leskovec et al. 2007.
 * 5. Several categories (a level, or all): each category has its own sets and gains (a kindergarten does not
 *    cover anyone for clinics), one heap holds them all, so the picks are ordered by people gained per
 *    facility across categories; each category stops after K picks; a level's categories stop once the
 *    level's coverage (every one of its categories in reach) reaches the profile's target.
 */
#include "pc_suggest.h"
#include "pc_geom.h"
#include "pc_units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *pc_suggest_stop_name(pc_suggest_stop stop)
{
    return stop == PC_SUGGEST_STOP_TARGET ? "target" : stop == PC_SUGGEST_STOP_NO_GAIN ? "no_gain" : "count";
}

const char *pc_suggest_direction_name(pc_suggest_direction d)
{
    return d == PC_SUGGEST_FROM_CANDIDATES ? "from_candidates" : d == PC_SUGGEST_FROM_RESIDENTS ? "from_residents"
                                                                                                 : "auto";
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int level_index(int level_min)
{
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (pc_levels_min[l] == level_min)
            return l;
    return -1;
}

/* ---------------------------------------------------------------- a bucket grid for straight-line tests */

typedef struct bucket_grid {
    double ox, oy, cell;
    long nx, ny;
    size_t *start; /* nx * ny + 1 */
    uint32_t *ids; /* point ids by cell */
} bucket_grid;

static void bucket_grid_free(bucket_grid *g)
{
    free(g->start);
    free(g->ids);
    memset(g, 0, sizeof *g);
}

/* A grid over the points ids[0..n) (coordinates x[id], y[id]) with cells of at least cell_m. 0: no memory. */
static int bucket_grid_build(bucket_grid *g, size_t n, const uint32_t *ids, const double *x, const double *y,
                             double cell_m)
{
    memset(g, 0, sizeof *g);
    double minx = HUGE_VAL, miny = HUGE_VAL, maxx = -HUGE_VAL, maxy = -HUGE_VAL;
    for (size_t k = 0; k < n; k++) {
        uint32_t id = ids[k];
        minx = fmin(minx, x[id]), maxx = fmax(maxx, x[id]);
        miny = fmin(miny, y[id]), maxy = fmax(maxy, y[id]);
    }
    if (n == 0)
        minx = miny = maxx = maxy = 0;
    /* Not more cells than about 4 per point (and a million): coarser cells only mean more points per query. */
    double limit = 4.0 * (double)n + 1e6, w = maxx - minx, h = maxy - miny;
    double cell = fmax(cell_m, 1e-3);
    if ((w / cell + 1) * (h / cell + 1) > limit)
        cell = fmax(cell, sqrt(w * h / limit) + fmax(w, h) / limit);
    g->ox = minx;
    g->oy = miny;
    g->cell = cell;
    g->nx = (long)floor(w / cell) + 1;
    g->ny = (long)floor(h / cell) + 1;
    size_t n_cells = (size_t)g->nx * (size_t)g->ny;
    g->start = calloc(n_cells + 2, sizeof *g->start);
    g->ids = malloc((n ? n : 1) * sizeof *g->ids);
    if (!g->start || !g->ids)
        return 0;
    for (size_t k = 0; k < n; k++) {
        long ix = (long)floor((x[ids[k]] - g->ox) / cell), iy = (long)floor((y[ids[k]] - g->oy) / cell);
        g->start[(size_t)iy * (size_t)g->nx + (size_t)ix + 2]++;
    }
    for (size_t c = 2; c < n_cells + 2; c++)
        g->start[c] += g->start[c - 1];
    for (size_t k = 0; k < n; k++) {
        long ix = (long)floor((x[ids[k]] - g->ox) / cell), iy = (long)floor((y[ids[k]] - g->oy) / cell);
        g->ids[g->start[(size_t)iy * (size_t)g->nx + (size_t)ix + 1]++] = ids[k];
    }
    return 1;
}

/* Non-zero when some point of the grid lies within radius_m of (px, py). */
static int bucket_grid_any_within(const bucket_grid *g, const double *x, const double *y, double px, double py,
                                  double radius_m)
{
    long ring = (long)ceil(radius_m / g->cell);
    long cx = (long)floor((px - g->ox) / g->cell), cy = (long)floor((py - g->oy) / g->cell);
    double r2 = radius_m * radius_m;
    for (long iy = cy - ring; iy <= cy + ring; iy++) {
        if (iy < 0 || iy >= g->ny)
            continue;
        for (long ix = cx - ring; ix <= cx + ring; ix++) {
            if (ix < 0 || ix >= g->nx)
                continue;
            size_t c = (size_t)iy * (size_t)g->nx + (size_t)ix;
            for (size_t k = g->start[c]; k < g->start[c + 1]; k++) {
                double dx = x[g->ids[k]] - px, dy = y[g->ids[k]] - py;
                if (dx * dx + dy * dy <= r2)
                    return 1;
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- red lines */

typedef struct redline_index {
    GEOSSTRtree *tree;
    size_t n;
    const GEOSPreparedGeometry **prepared; /* per red-line feature, NULL when its kind is not forbidden */
    int *kind;                             /* per feature: profile red-line rule index */
    size_t *ids;
} redline_index;

typedef struct redline_query {
    GEOSContextHandle_t geos;
    const redline_index *index;
    const GEOSGeometry *point;
    long hit; /* lowest feature containing the point, -1 */
    int error;
} redline_query;

static void redline_visit(void *item, void *userdata)
{
    redline_query *q = userdata;
    size_t i = *(size_t *)item;
    if (q->hit >= 0 && (long)i >= q->hit)
        return;
    /* Contains properly: a point on a red line's edge touches it and is not inside, as `plancheck sites` says. */
    char in = GEOSPreparedContainsProperly_r(q->geos, q->index->prepared[i], q->point);
    if (in == 2)
        q->error = 1;
    else if (in)
        q->hit = (long)i;
}

/*
 * kind_out[j] = the profile red-line rule index of a forbidden red line holding candidate j in its interior,
 * or -1. Forbidden: the kind's rule in the profile is forbid.
 */
static pc_status forbidden_candidates(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, size_t n,
                                      const double *x, const double *y, int *kind_out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status s = PC_OK;
    redline_index ix = {0};
    for (size_t j = 0; j < n; j++)
        kind_out[j] = -1;
    if (!pc_plan_has(plan, PC_ROLE_REDLINES)) {
        pc_ctx_warn(ctx, "--respect-redlines: the plan has no 'redlines' layer, so no candidate is excluded");
        return PC_OK;
    }
    if ((s = pc_plan_load(ctx, plan, PC_ROLE_REDLINES, PC_FIELD_BIT(PC_FIELD_KIND))))
        return s;
    const pc_layer *red = pc_plan_layer(plan, PC_ROLE_REDLINES);
    ix.n = red->n;
    ix.tree = GEOSSTRtree_create_r(geos, 10);
    ix.prepared = calloc(red->n + 1, sizeof *ix.prepared);
    ix.kind = calloc(red->n + 1, sizeof *ix.kind);
    ix.ids = calloc(red->n + 1, sizeof *ix.ids);
    if (!ix.tree || !ix.prepared || !ix.kind || !ix.ids) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing red lines");
        goto done;
    }
    size_t n_forbid = 0;
    for (size_t i = 0; i < red->n; i++) {
        const pc_redline_rule *rule = pc_profile_redline_rule(profile, pc_layer_value(red, PC_FIELD_KIND, i));
        if (!rule || rule->on_overlap != PC_OVERLAP_FORBID)
            continue;
        ix.ids[i] = i;
        ix.kind[i] = (int)(rule - profile->redline_rules);
        if (!(ix.prepared[i] = GEOSPrepare_r(geos, red->geoms[i]))) {
            s = pc_error(ctx, PC_ERR_GEOM, red->source, red->layer_name, red->fids[i], NULL,
                         "cannot prepare the red line (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        GEOSSTRtree_insert_r(geos, ix.tree, red->geoms[i], &ix.ids[i]);
        n_forbid++;
    }
    if (n_forbid == 0)
        goto done;
    for (size_t j = 0; j < n; j++) {
        GEOSGeometry *pt = pc_geom_point(ctx, x[j], y[j]);
        if (!pt) {
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot make a point (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        redline_query q = {geos, &ix, pt, -1, 0};
        GEOSSTRtree_query_r(geos, ix.tree, pt, redline_visit, &q);
        GEOSGeom_destroy_r(geos, pt);
        if (q.error) {
            s = pc_error_plain(ctx, PC_ERR_GEOM, "cannot test a candidate against the red lines (%s)",
                               pc_ctx_geos_message(ctx));
            goto done;
        }
        kind_out[j] = q.hit >= 0 ? ix.kind[q.hit] : -1;
        if ((j & 4095) == 4095 && (s = pc_ctx_check_cancel(ctx)))
            goto done;
    }
done:
    if (ix.tree)
        GEOSSTRtree_destroy_r(geos, ix.tree);
    for (size_t i = 0; ix.prepared && i < ix.n; i++)
        if (ix.prepared[i])
            GEOSPreparedGeom_destroy_r(geos, ix.prepared[i]);
    free(ix.prepared);
    free(ix.kind);
    free(ix.ids);
    return s;
}

/* ---------------------------------------------------------------- coverage sets */

/* One category's uncovered residents and the coverage set of every candidate. */
typedef struct cat_sets {
    int c;           /* profile index */
    int level;       /* level index, -1 */
    double cutoff_m;
    size_t n_unc;    /* uncovered residents attached to the streets */
    uint32_t *unc;   /* their resident indices, ascending */
    size_t *start;   /* n_candidates + 1: candidate j's set is set[start[j] .. start[j+1]) */
    uint32_t *set;   /* indices into unc, ascending within each candidate */
    unsigned char *done; /* n_unc: brought within reach by a pick */
    size_t n_picks;
    int closed;
} cat_sets;

static void cat_sets_free(cat_sets *cs)
{
    free(cs->unc);
    free(cs->start);
    free(cs->set);
    free(cs->done);
}

/* A growable array of uint32 pairs or values. */
typedef struct u32_vec {
    size_t n, cap;
    uint32_t *v;
} u32_vec;

static int u32_push(u32_vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        uint32_t *grown = realloc(a->v, cap * sizeof *grown);
        if (!grown)
            return 0;
        a->v = grown;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 1;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Pairs (candidate, resident) as consecutive uint32s, sorted by candidate then resident. */
static int pair_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Items on edges as CSR: items of edge e are items[start[e] .. start[e+1]). */
typedef struct edge_items {
    size_t *start;
    uint32_t *items;
} edge_items;

static void edge_items_free(edge_items *ei)
{
    free(ei->start);
    free(ei->items);
}

/* Group ids[0..n) by the edge of at[ids[k]] (all attached). Returns 0 when out of memory. */
static int edge_items_build(edge_items *ei, uint32_t n_edges, size_t n, const pc_attachment *at,
                            const uint32_t *ids_or_null, const unsigned char *keep)
{
    ei->start = calloc((size_t)n_edges + 2, sizeof *ei->start);
    ei->items = malloc((n ? n : 1) * sizeof *ei->items);
    if (!ei->start || !ei->items)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!keep || keep[k])
            ei->start[at[ids_or_null ? ids_or_null[k] : k].edge + 2]++;
    for (size_t e = 2; e < (size_t)n_edges + 2; e++)
        ei->start[e] += ei->start[e - 1];
    for (size_t k = 0; k < n; k++)
        if (!keep || keep[k])
            ei->items[ei->start[at[ids_or_null ? ids_or_null[k] : k].edge + 1]++] = (uint32_t)k;
    return 1;
}

/* The edges a search from a source on source_edge can reach points on: its own and those meeting reached nodes. */
typedef struct edge_walk {
    const pc_graph *g;
    const uint32_t *reached;
    size_t n_reached, node_k;
    uint32_t adj_k, adj_end;
    uint32_t first_edge;
    int first_done;
} edge_walk;

static void edge_walk_start(edge_walk *w, const pc_graph *g, const pc_graph_search *search, uint32_t source_edge)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->reached = pc_graph_search_reached(search, &w->n_reached);
    w->first_edge = source_edge;
}

/* The next edge (an edge may come more than once), or PC_GRAPH_NONE at the end. */
static uint32_t edge_walk_next(edge_walk *w)
{
    if (!w->first_done) {
        w->first_done = 1;
        return w->first_edge;
    }
    while (w->adj_k == w->adj_end) {
        if (w->node_k == w->n_reached)
            return PC_GRAPH_NONE;
        uint32_t node = w->reached[w->node_k++];
        w->adj_k = w->g->adj_start[node];
        w->adj_end = w->g->adj_start[node + 1];
    }
    return w->g->adj_edge[w->adj_k++];
}

typedef struct sets_input {
    const pc_graph *g;
    pc_graph_search *search;
    const pc_layer *res;
    const pc_attachment *res_at;
    size_t n_cand;
    const double *cand_x, *cand_y;
    const pc_attachment *cand_at;
} sets_input;

/* Forward: one search from each useful candidate. */
static pc_status sets_from_candidates(pc_ctx *ctx, const sets_input *in, cat_sets *cs, const unsigned char *cand_useful,
                                      pc_suggest_category *info)
{
    pc_status s = PC_OK;
    const pc_graph *g = in->g;
    edge_items ei = {0};
    u32_vec set = {0};
    uint32_t *stamp = calloc(cs->n_unc + 1, sizeof *stamp);
    uint32_t *edge_stamp = calloc((size_t)g->n_edges + 1, sizeof *edge_stamp);
    if (!stamp || !edge_stamp || !edge_items_build(&ei, g->n_edges, cs->n_unc, in->res_at, cs->unc, NULL)) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
        goto done;
    }
    for (size_t j = 0; j < in->n_cand; j++) {
        cs->start[j] = set.n;
        if (!cand_useful[j])
            continue;
        if ((s = pc_graph_search_run(ctx, in->search, &in->cand_at[j], 1, cs->cutoff_m)))
            goto done;
        if ((++info->n_searches & 1023) == 0 && (s = pc_ctx_check_cancel(ctx)))
            goto done;
        uint32_t mark = (uint32_t)j + 1;
        size_t first = set.n;
        edge_walk w;
        edge_walk_start(&w, g, in->search, in->cand_at[j].edge);
        for (uint32_t e; (e = edge_walk_next(&w)) != PC_GRAPH_NONE;) {
            if (edge_stamp[e] == mark)
                continue;
            edge_stamp[e] = mark;
            for (size_t k = ei.start[e]; k < ei.start[e + 1]; k++) {
                uint32_t u = ei.items[k];
                if (stamp[u] == mark)
                    continue;
                stamp[u] = mark;
                if (isfinite(pc_graph_search_distance_m(in->search, &in->res_at[cs->unc[u]])) && !u32_push(&set, u)) {
                    s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
                    goto done;
                }
            }
        }
        if (set.n - first > 1)
            qsort(set.v + first, set.n - first, sizeof *set.v, u32_cmp);
    }
    cs->start[in->n_cand] = set.n;
    cs->set = set.v;
    set.v = NULL;
done:
    free(set.v);
    free(stamp);
    free(edge_stamp);
    edge_items_free(&ei);
    return s;
}

/* Reverse: one search from each useful uncovered resident; pairs near the cutoff measured again forward. */
static pc_status sets_from_residents(pc_ctx *ctx, const sets_input *in, cat_sets *cs, const unsigned char *cand_useful,
                                     const unsigned char *res_useful, pc_suggest_category *info)
{
    pc_status s = PC_OK;
    const pc_graph *g = in->g;
    const double eps = 1e-7 * (1.0 + cs->cutoff_m);
    edge_items ei = {0};
    u32_vec pairs = {0}, border = {0};
    uint32_t *stamp = calloc(in->n_cand + 1, sizeof *stamp);
    uint32_t *edge_stamp = calloc((size_t)g->n_edges + 1, sizeof *edge_stamp);
    if (!stamp || !edge_stamp || !edge_items_build(&ei, g->n_edges, in->n_cand, in->cand_at, NULL, cand_useful)) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
        goto done;
    }
    for (size_t u = 0; u < cs->n_unc; u++) {
        if (!res_useful[u])
            continue;
        if ((s = pc_graph_search_run(ctx, in->search, &in->res_at[cs->unc[u]], 1, cs->cutoff_m + eps)))
            goto done;
        if ((++info->n_searches & 1023) == 0 && (s = pc_ctx_check_cancel(ctx)))
            goto done;
        uint32_t mark = (uint32_t)u + 1;
        edge_walk w;
        edge_walk_start(&w, g, in->search, in->res_at[cs->unc[u]].edge);
        for (uint32_t e; (e = edge_walk_next(&w)) != PC_GRAPH_NONE;) {
            if (edge_stamp[e] == mark)
                continue;
            edge_stamp[e] = mark;
            for (size_t k = ei.start[e]; k < ei.start[e + 1]; k++) {
                uint32_t j = ei.items[k];
                if (stamp[j] == mark)
                    continue;
                stamp[j] = mark;
                double d = pc_graph_search_distance_m(in->search, &in->cand_at[j]);
                if (!isfinite(d))
                    continue;
                u32_vec *to = d <= cs->cutoff_m - eps ? &pairs : &border;
                if (!u32_push(to, j) || !u32_push(to, (uint32_t)u)) {
                    s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
                    goto done;
                }
            }
        }
    }
    /* Pairs within eps of the cutoff: the forward sum decides, as coverage makes it. */
    size_t n_border = border.n / 2;
    if (n_border > 1)
        qsort(border.v, n_border, 2 * sizeof *border.v, pair_cmp);
    for (size_t k = 0; k < n_border;) {
        uint32_t j = border.v[2 * k];
        if ((s = pc_graph_search_run(ctx, in->search, &in->cand_at[j], 1, cs->cutoff_m)))
            goto done;
        info->n_searches++;
        for (; k < n_border && border.v[2 * k] == j; k++) {
            uint32_t u = border.v[2 * k + 1];
            info->n_rechecked++;
            if (isfinite(pc_graph_search_distance_m(in->search, &in->res_at[cs->unc[u]])) &&
                (!u32_push(&pairs, j) || !u32_push(&pairs, u))) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
                goto done;
            }
        }
    }
    /* Into sets by candidate, residents ascending. */
    size_t n_pairs = pairs.n / 2;
    if (n_pairs > 1)
        qsort(pairs.v, n_pairs, 2 * sizeof *pairs.v, pair_cmp);
    cs->set = malloc((n_pairs ? n_pairs : 1) * sizeof *cs->set);
    if (!cs->set) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for coverage sets");
        goto done;
    }
    size_t k = 0;
    for (size_t j = 0; j < in->n_cand; j++) {
        cs->start[j] = k;
        for (; k < n_pairs && pairs.v[2 * k] == j; k++)
            cs->set[k] = pairs.v[2 * k + 1];
    }
    cs->start[in->n_cand] = k;
done:
    free(pairs.v);
    free(border.v);
    free(stamp);
    free(edge_stamp);
    edge_items_free(&ei);
    return s;
}

/* Uncovered residents of category cs->c, the straight-line filter, the direction, the sets. */
static pc_status build_sets(pc_ctx *ctx, const sets_input *in, const pc_coverage_result *cov, cat_sets *cs,
                            pc_suggest_category *info, pc_suggest_direction direction)
{
    pc_status s = PC_OK;
    const pc_layer *res = in->res;
    const int n_cat = cov->profile.n_categories;
    bucket_grid grid_res = {0}, grid_cand = {0};
    unsigned char *cand_useful = calloc(in->n_cand + 1, 1);
    unsigned char *res_useful = NULL;
    uint32_t *cand_ids = malloc((in->n_cand + 1) * sizeof *cand_ids);
    cs->start = calloc(in->n_cand + 1, sizeof *cs->start);
    cs->unc = malloc((res->n + 1) * sizeof *cs->unc);
    if (!cand_useful || !cand_ids || !cs->start || !cs->unc)
        goto nomem;
    info->n_facilities = cov->n_facilities[cs->c];
    for (size_t i = 0; i < res->n; i++) {
        if (isfinite(cov->dist_m[i * (size_t)n_cat + (size_t)cs->c]))
            continue;
        info->n_uncovered++;
        info->pop_uncovered += res->pop[i];
        if (in->res_at[i].edge != PC_GRAPH_NONE)
            cs->unc[cs->n_unc++] = (uint32_t)i;
    }
    cs->done = calloc(cs->n_unc + 1, 1);
    res_useful = calloc(cs->n_unc + 1, 1);
    if (!cs->done || !res_useful)
        goto nomem;
    /* Straight line first: a walk is never shorter (margin for rounding). */
    double radius_m = cs->cutoff_m * (1 + 1e-9) + 1e-3;
    for (size_t j = 0; j < in->n_cand; j++)
        cand_ids[j] = (uint32_t)j;
    if (!bucket_grid_build(&grid_res, cs->n_unc, cs->unc, res->x, res->y, radius_m) ||
        !bucket_grid_build(&grid_cand, in->n_cand, cand_ids, in->cand_x, in->cand_y, radius_m))
        goto nomem;
    size_t n_cand_useful = 0, n_res_useful = 0;
    for (size_t j = 0; j < in->n_cand; j++) {
        cand_useful[j] = (unsigned char)bucket_grid_any_within(&grid_res, res->x, res->y, in->cand_x[j],
                                                               in->cand_y[j], radius_m);
        n_cand_useful += cand_useful[j];
    }
    for (size_t u = 0; u < cs->n_unc; u++) {
        uint32_t i = cs->unc[u];
        res_useful[u] = (unsigned char)bucket_grid_any_within(&grid_cand, in->cand_x, in->cand_y, res->x[i], res->y[i],
                                                              radius_m);
        n_res_useful += res_useful[u];
    }
    if (direction == PC_SUGGEST_AUTO)
        direction = n_cand_useful <= n_res_useful ? PC_SUGGEST_FROM_CANDIDATES : PC_SUGGEST_FROM_RESIDENTS;
    info->direction = direction;
    if (direction == PC_SUGGEST_FROM_CANDIDATES)
        s = sets_from_candidates(ctx, in, cs, cand_useful, info);
    else
        s = sets_from_residents(ctx, in, cs, cand_useful, res_useful, info);
    if (s)
        goto done;
    info->n_pairs = cs->start[in->n_cand];
    /* What any number of sites could bring: the union of the sets. */
    unsigned char *any = calloc(cs->n_unc + 1, 1);
    if (!any)
        goto nomem;
    for (size_t j = 0; j < in->n_cand; j++) {
        info->n_candidates_useful += cs->start[j + 1] > cs->start[j];
        for (size_t k = cs->start[j]; k < cs->start[j + 1]; k++)
            any[cs->set[k]] = 1;
    }
    for (size_t u = 0; u < cs->n_unc; u++)
        if (any[u])
            info->pop_reachable += res->pop[cs->unc[u]];
    free(any);
    goto done;
nomem:
    s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for the coverage sets of %zu candidates",
                       in->n_cand);
done:
    bucket_grid_free(&grid_res);
    bucket_grid_free(&grid_cand);
    free(cand_useful);
    free(res_useful);
    free(cand_ids);
    return s;
}

/* ---------------------------------------------------------------- the lazy greedy */

typedef struct heap_entry {
    double gain;     /* exact when stamp equals the category's picks, an upper bound otherwise */
    uint32_t slot;   /* index into the selected categories */
    uint32_t cand;
    size_t stamp;    /* the category's pick count when the gain was evaluated */
} heap_entry;

typedef struct gain_heap {
    size_t n, cap;
    heap_entry *e;
} gain_heap;

/* a before b: larger gain, then lower category, then lower candidate. */
static inline int heap_before(const heap_entry *a, const heap_entry *b)
{
    if (a->gain != b->gain)
        return a->gain > b->gain;
    if (a->slot != b->slot)
        return a->slot < b->slot;
    return a->cand < b->cand;
}

static int heap_push(gain_heap *h, heap_entry x)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        heap_entry *grown = realloc(h->e, cap * sizeof *grown);
        if (!grown)
            return 0;
        h->e = grown;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!heap_before(&x, &h->e[up]))
            break;
        h->e[i] = h->e[up];
        i = up;
    }
    h->e[i] = x;
    return 1;
}

static heap_entry heap_pop(gain_heap *h)
{
    heap_entry top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && heap_before(&h->e[c + 1], &h->e[c]))
            c++;
        if (!heap_before(&h->e[c], &last))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n > 0)
        h->e[i] = last;
    return top;
}

/* Population of candidate j's set not yet brought within reach (summed in resident order). */
static double set_gain(const cat_sets *cs, const double *pop, size_t j)
{
    double g = 0;
    for (size_t k = cs->start[j]; k < cs->start[j + 1]; k++)
        if (!cs->done[cs->set[k]])
            g += pop[cs->unc[cs->set[k]]];
    return g;
}

/* ---------------------------------------------------------------- rows */

static void row_init(pc_suggest_row *row, const pc_coverage_row *from)
{
    memset(row, 0, sizeof *row);
    row->name = from->name;
    row->name_zh = from->name_zh;
    row->tier = from->tier;
    memcpy(row->pop_level_before, from->pop_level, sizeof row->pop_level_before);
    memcpy(row->pop_category_before, from->pop_category, sizeof row->pop_category_before);
}

static void row_add(pc_suggest_row *row, double pop, const unsigned char *cat_after, unsigned level_bits, int n_cat)
{
    row->pop += pop;
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (level_bits & (1u << l))
            row->pop_level_after[l] += pop;
    for (int c = 0; c < n_cat; c++)
        if (cat_after[c])
            row->pop_category_after[c] += pop;
}

static void row_finish(pc_suggest_row *row, int n_cat, const int *level_has_category)
{
    for (int l = 0; l < PC_N_LEVELS; l++) {
        int ok = row->pop > 0 && level_has_category[l];
        row->cov_level_before[l] = ok ? row->pop_level_before[l] / row->pop : NAN;
        row->cov_level_after[l] = ok ? row->pop_level_after[l] / row->pop : NAN;
    }
    for (int c = 0; c < n_cat; c++) {
        row->cov_category_before[c] = row->pop > 0 ? row->pop_category_before[c] / row->pop : NAN;
        row->cov_category_after[c] = row->pop > 0 ? row->pop_category_after[c] / row->pop : NAN;
    }
}

/* Units, subdistricts and the total after the picks, summed in resident order as coverage sums them. */
static pc_status make_rows(pc_ctx *ctx, pc_suggest_result *r, const pc_coverage_result *cov, const cat_sets *sets,
                           size_t n_sel)
{
    const int n_cat = r->profile.n_categories;
    const pc_layer *res = cov->residents;
    int level_has_category[PC_N_LEVELS] = {0};
    for (int c = 0; c < n_cat; c++) {
        int l = level_index(r->profile.categories[c].level_min);
        if (l >= 0)
            level_has_category[l] = 1;
    }
    r->n_units = cov->n_units;
    r->n_subdistricts = cov->n_subdistricts;
    r->units = calloc(r->n_units + 1, sizeof *r->units);
    r->subdistricts = calloc(r->n_subdistricts + 1, sizeof *r->subdistricts);
    unsigned char *newly = calloc(res->n * (n_sel ? n_sel : 1) + 1, 1);
    unsigned char *cat_after = malloc((size_t)n_cat + 1);
    if (!r->units || !r->subdistricts || !newly || !cat_after) {
        free(newly);
        free(cat_after);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    for (size_t s = 0; s < n_sel; s++)
        for (size_t u = 0; u < sets[s].n_unc; u++)
            if (sets[s].done[u])
                newly[(size_t)sets[s].unc[u] * n_sel + s] = 1;
    row_init(&r->total, &cov->total);
    for (size_t u = 0; u < r->n_units; u++)
        row_init(&r->units[u], &cov->units[u]);
    for (size_t u = 0; u < r->n_subdistricts; u++)
        row_init(&r->subdistricts[u], &cov->subdistricts[u]);
    for (size_t i = 0; i < res->n; i++) {
        for (int c = 0; c < n_cat; c++)
            cat_after[c] = (unsigned char)isfinite(cov->dist_m[i * (size_t)n_cat + (size_t)c]);
        for (size_t s = 0; s < n_sel; s++)
            cat_after[sets[s].c] |= newly[i * n_sel + s];
        unsigned bits = 0;
        for (int l = 0; l < PC_N_LEVELS; l++) {
            int covered = level_has_category[l];
            for (int c = 0; c < n_cat && covered; c++)
                if (r->profile.categories[c].level_min == pc_levels_min[l] && !cat_after[c])
                    covered = 0;
            if (covered)
                bits |= 1u << l;
        }
        row_add(&r->total, res->pop[i], cat_after, bits, n_cat);
        if (cov->unit_of[i] >= 0)
            row_add(&r->units[cov->unit_of[i]], res->pop[i], cat_after, bits, n_cat);
        if (cov->subdistrict_of[i] >= 0)
            row_add(&r->subdistricts[cov->subdistrict_of[i]], res->pop[i], cat_after, bits, n_cat);
    }
    for (size_t k = 0; k < r->n_sites; k++) {
        if (r->sites[k].unit >= 0)
            r->units[r->sites[k].unit].n_sites++;
        if (r->sites[k].subdistrict >= 0)
            r->subdistricts[r->sites[k].subdistrict].n_sites++;
    }
    r->total.n_sites = r->n_sites;
    row_finish(&r->total, n_cat, level_has_category);
    for (size_t u = 0; u < r->n_units; u++)
        row_finish(&r->units[u], n_cat, level_has_category);
    for (size_t u = 0; u < r->n_subdistricts; u++)
        row_finish(&r->subdistricts[u], n_cat, level_has_category);
    for (size_t s = 0; s < n_sel; s++) {
        pc_suggest_category *info = &r->categories[s];
        info->pop_after = r->total.pop_category_after[info->category];
        info->cov_after = r->total.cov_category_after[info->category];
    }
    for (int l = 0; l < PC_N_LEVELS; l++) {
        pc_suggest_level *lv = &r->levels[l];
        lv->pop_after = r->total.pop_level_after[l];
        lv->cov_after = r->total.cov_level_after[l];
        lv->reached = isfinite(lv->cov_after) && lv->cov_after >= r->profile.target_coverage;
    }
    free(newly);
    free(cat_after);
    return PC_OK;
}

/* ---------------------------------------------------------------- candidates */

/* Collect the usable candidates (r->cand_*, *cand_at): offered, inside the built-up area (street nodes),
 * outside forbidden red lines (respect_redlines), attached to the streets. */
static pc_status make_candidates(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile,
                                 const pc_suggest_options *opts, const pc_graph *g, const pc_coverage_result *cov,
                                 pc_suggest_result *r, pc_attachment **cand_at_out)
{
    pc_status s = PC_OK;
    const pc_layer *given = opts->candidates;
    size_t n = given ? given->n : g->n_nodes;
    double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    int *inside = malloc((n + 1) * sizeof *inside), *kind = malloc((n + 1) * sizeof *kind);
    pc_attachment *at = malloc((n + 1) * sizeof *at);
    r->cand_x = malloc((n + 1) * sizeof *r->cand_x);
    r->cand_y = malloc((n + 1) * sizeof *r->cand_y);
    r->cand_fid = malloc((n + 1) * sizeof *r->cand_fid);
    r->cand_node = malloc((n + 1) * sizeof *r->cand_node);
    if (!x || !y || !inside || !kind || !at || !r->cand_x || !r->cand_y || !r->cand_fid || !r->cand_node) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for %zu candidates", n);
        goto done;
    }
    r->candidates_given = given != NULL;
    r->n_candidates_offered = n;
    for (size_t j = 0; j < n; j++) {
        x[j] = given ? given->x[j] : g->node_xy[2 * j];
        y[j] = given ? given->y[j] : g->node_xy[2 * j + 1];
        inside[j] = 0;
    }
    if (given) {
        r->candidates_source = given->source;
    } else {
        /* Street nodes inside the built-up area: the builtup layer, else the structure units. */
        const pc_layer *area = NULL;
        if (pc_plan_has(plan, PC_ROLE_BUILTUP)) {
            if ((s = pc_plan_load(ctx, plan, PC_ROLE_BUILTUP, 0)))
                goto done;
            area = pc_plan_layer(plan, PC_ROLE_BUILTUP);
        } else {
            area = cov->units_layer;
        }
        if (area) {
            r->candidates_source = area->layer_name;
            if ((s = pc_units_locate_points(ctx, area, n, x, y, inside)))
                goto done;
        } else {
            r->candidates_source = "streets";
            pc_ctx_warn(ctx, "the plan has neither a 'builtup' nor a 'structure' layer: every street node is a "
                        "candidate (give --candidates to choose them)");
        }
    }
    if (opts->respect_redlines) {
        if ((s = forbidden_candidates(ctx, plan, profile, n, x, y, kind)))
            goto done;
    } else {
        for (size_t j = 0; j < n; j++)
            kind[j] = -1;
    }
    for (size_t j = 0; j < n; j++) {
        if (!given && inside[j] < 0) {
            r->n_outside++;
            continue;
        }
        if (kind[j] >= 0) {
            r->n_forbidden++;
            r->n_forbidden_kind[kind[j]]++;
            continue;
        }
        pc_attachment a;
        if (!pc_graph_attach(g, x[j], y[j], profile->max_access_m, &a)) {
            r->n_unattached++;
            continue;
        }
        size_t k = r->n_candidates++;
        r->cand_x[k] = x[j];
        r->cand_y[k] = y[j];
        r->cand_fid[k] = given ? given->fids[j] : -1;
        r->cand_node[k] = given ? PC_GRAPH_NONE : (uint32_t)j;
        at[k] = a;
    }
    if (r->n_candidates == 0)
        pc_ctx_warn(ctx, "no usable candidate: %zu offered, %zu outside the built-up area, %zu inside forbidden red "
                    "lines, %zu farther than %g m from a street; nothing can be proposed", n, r->n_outside,
                    r->n_forbidden, r->n_unattached, profile->max_access_m);
    if (r->n_candidates > UINT32_MAX - 1) {
        s = pc_error_plain(ctx, PC_ERR_ARG, "%zu candidates are too many (at most %u)", r->n_candidates,
                           UINT32_MAX - 1);
        goto done;
    }
    *cand_at_out = at;
    at = NULL;
done:
    free(x);
    free(y);
    free(inside);
    free(kind);
    free(at);
    return s;
}

/* ---------------------------------------------------------------- the run */

void pc_suggest_result_destroy(pc_ctx *ctx, pc_suggest_result *r)
{
    (void)ctx;
    if (!r)
        return;
    free(r->cand_x);
    free(r->cand_y);
    free(r->cand_fid);
    free(r->cand_node);
    free(r->categories);
    free(r->sites);
    free(r->units);
    free(r->subdistricts);
    free(r);
}

/* The caller's coverage must describe this plan with this profile along the network. */
static pc_status check_coverage(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_coverage_result *cov)
{
    if (cov->mode != PC_COVERAGE_NETWORK)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the coverage given was measured in radius mode; proposals "
                              "need the network mode");
    if (cov->residents != pc_plan_layer(plan, PC_ROLE_RESIDENTS))
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the coverage given is of another plan");
    int same = cov->profile.n_categories == profile->n_categories &&
               cov->profile.max_access_m == profile->max_access_m &&
               cov->profile.snap_tolerance_m == profile->snap_tolerance_m;
    for (int c = 0; same && c < profile->n_categories; c++)
        same = strcmp(cov->profile.categories[c].code, profile->categories[c].code) == 0 &&
               cov->profile.categories[c].distance_m == profile->categories[c].distance_m &&
               cov->profile.categories[c].level_min == profile->categories[c].level_min;
    if (!same)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the coverage given was measured with another profile");
    return PC_OK;
}

pc_status pc_suggest_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_suggest_options *opts,
                         pc_suggest_result **out)
{
    *out = NULL;
    if (!opts)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: options are required (a category or a level, and K)");
    if (opts->count < 1 || opts->count > 1000000)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the count must be from 1 to 1000000, not %zu", opts->count);
    if (opts->category && opts->level_min)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: give a category or a level, not both");
    if (opts->level_min && level_index(opts->level_min) < 0)
        return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the level must be 15, 10 or 5 (minutes), not %d",
                              opts->level_min);
    const int n_cat = profile->n_categories;
    int sel[PC_MAX_CATEGORIES];
    size_t n_sel = 0;
    if (opts->category) {
        int c = pc_profile_category_index(profile, opts->category);
        if (c < 0) {
            char codes[PC_MAX_CATEGORIES * (PC_CODE_MAX + 2)] = "";
            for (int k = 0; k < n_cat; k++) {
                strcat(codes, k ? ", " : "");
                strcat(codes, profile->categories[k].code);
            }
            return pc_error(ctx, PC_ERR_ARG, NULL, NULL, PC_NO_FID, "category",
                            "'%s' is not a category of the profile (%s)", opts->category, codes);
        }
        if (level_index(profile->categories[c].level_min) < 0)
            return pc_error_plain(ctx, PC_ERR_ARG, "suggest: category '%s' has level %d, not 15, 10 or 5",
                                  opts->category, profile->categories[c].level_min);
        sel[n_sel++] = c;
    } else {
        for (int c = 0; c < n_cat; c++)
            if (level_index(profile->categories[c].level_min) >= 0 &&
                (!opts->level_min || profile->categories[c].level_min == opts->level_min))
                sel[n_sel++] = c;
        if (n_sel == 0)
            return pc_error_plain(ctx, PC_ERR_ARG, "suggest: the profile has no category at the %d-minute level",
                                  opts->level_min);
    }

    pc_status s = PC_OK;
    pc_coverage_result *own_cov = NULL;
    pc_graph *g = NULL;
    pc_graph_search *search = NULL;
    pc_attachment *res_at = NULL, *cand_at = NULL;
    cat_sets *sets = NULL;
    gain_heap heap = {0};
    unsigned char *missing[PC_N_LEVELS] = {NULL, NULL, NULL};
    int *site_unit = NULL, *site_sub = NULL;
    double t0 = now_s();
    pc_suggest_result *r = calloc(1, sizeof *r);
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    r->profile = *profile;
    r->level_min = opts->level_min;
    r->count = opts->count;
    r->respect_redlines = opts->respect_redlines;

    /* 1. Today's coverage. */
    const pc_coverage_result *cov = opts->coverage;
    if (cov) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP))) ||
            (s = check_coverage(ctx, plan, profile, cov)))
            goto done;
    } else {
        pc_coverage_options copts = PC_COVERAGE_OPTIONS_INIT;
        copts.service_areas = 0;
        copts.extra_facilities = opts->extra_facilities;
        if ((s = pc_coverage_run(ctx, plan, profile, &copts, &own_cov)))
            goto done;
        cov = own_cov;
    }
    r->units_layer = cov->units_layer;
    r->subdistricts_layer = cov->subdistricts_layer;
    double t1 = now_s();
    r->seconds_coverage = opts->coverage ? 0 : t1 - t0;
    const pc_layer *res = cov->residents;
    if (res->n > UINT32_MAX - 1) {
        s = pc_error_plain(ctx, PC_ERR_ARG, "suggest: %zu residents are too many (at most %u)", res->n,
                           UINT32_MAX - 1);
        goto done;
    }

    /* 2. The network, as coverage built it. */
    if ((s = pc_ctx_progress(ctx, 0.3, "suggest: the street network")))
        goto done;
    if ((s = pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0)) ||
        (s = pc_graph_build(ctx, &g, pc_plan_layer(plan, PC_ROLE_STREETS), profile)) ||
        (s = pc_graph_search_create(ctx, &search, g)))
        goto done;
    res_at = malloc((res->n + 1) * sizeof *res_at);
    if (!res_at) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory attaching %zu residents", res->n);
        goto done;
    }
    if ((s = pc_graph_attach_points(ctx, g, res->n, res->x, res->y, profile->max_access_m, res_at)))
        goto done;

    /* 3. Candidates and coverage sets. */
    if ((s = make_candidates(ctx, plan, profile, opts, g, cov, r, &cand_at)))
        goto done;
    r->n_categories = n_sel;
    r->categories = calloc(n_sel + 1, sizeof *r->categories);
    sets = calloc(n_sel + 1, sizeof *sets);
    if (!r->categories || !sets) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    sets_input in = {g, search, res, res_at, r->n_candidates, r->cand_x, r->cand_y, cand_at};
    for (size_t k = 0; k < n_sel; k++) {
        const pc_category *cat = &profile->categories[sel[k]];
        char message[128];
        snprintf(message, sizeof message, "suggest: who each candidate reaches for %s", cat->code);
        if ((s = pc_ctx_progress(ctx, 0.4 + 0.4 * (double)k / (double)n_sel, message)))
            goto done;
        sets[k].c = sel[k];
        sets[k].level = level_index(cat->level_min);
        sets[k].cutoff_m = cat->distance_m;
        r->categories[k].category = sel[k];
        r->categories[k].pop_before = cov->total.pop_category[sel[k]];
        r->categories[k].cov_before = cov->total.cov_category[sel[k]];
        if ((s = build_sets(ctx, &in, cov, &sets[k], &r->categories[k], opts->direction)))
            goto done;
    }
    double t2 = now_s();
    r->seconds_sets = t2 - t1;

    /* 4. Levels: per resident, how many categories of each level in scope are still out of reach. */
    double pop_level[PC_N_LEVELS], pop_cat[PC_MAX_CATEGORIES];
    for (int l = 0; l < PC_N_LEVELS; l++) {
        pc_suggest_level *lv = &r->levels[l];
        lv->level_min = pc_levels_min[l];
        lv->pop_before = cov->total.pop_level[l];
        lv->cov_before = cov->total.cov_level[l];
        for (int c = 0; c < n_cat; c++)
            lv->has_category |= profile->categories[c].level_min == pc_levels_min[l];
        for (size_t k = 0; k < n_sel; k++)
            lv->in_scope |= sets[k].level == l;
        pop_level[l] = lv->pop_before;
        if (!lv->in_scope)
            continue;
        missing[l] = calloc(res->n + 1, 1);
        if (!missing[l]) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < res->n; i++)
            for (int c = 0; c < n_cat; c++)
                if (profile->categories[c].level_min == pc_levels_min[l] &&
                    !isfinite(cov->dist_m[i * (size_t)n_cat + (size_t)c]))
                    missing[l][i]++;
    }
    for (int c = 0; c < n_cat; c++)
        pop_cat[c] = cov->total.pop_category[c];
    const double total_pop = cov->total.pop;
    const int by_target = opts->category == NULL; /* a level (or all): stop a level at its target */
    if (by_target)
        for (size_t k = 0; k < n_sel; k++)
            if (r->levels[sets[k].level].cov_before >= profile->target_coverage)
                sets[k].closed = 1;

    /* 5. The lazy greedy. */
    if ((s = pc_ctx_progress(ctx, 0.8, "suggest: choosing sites")))
        goto done;
    for (size_t k = 0; k < n_sel; k++) {
        if (sets[k].closed)
            continue;
        for (size_t j = 0; j < r->n_candidates; j++) {
            if (sets[k].start[j + 1] == sets[k].start[j])
                continue;
            double gain = set_gain(&sets[k], res->pop, j);
            r->categories[k].n_evaluations++;
            if (gain > 0 && !heap_push(&heap, (heap_entry){gain, (uint32_t)k, (uint32_t)j, 0})) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
        }
    }
    size_t cap_sites = opts->count * n_sel;
    r->sites = calloc((cap_sites < 1024 ? cap_sites : 1024) + 1, sizeof *r->sites);
    size_t sites_cap = (cap_sites < 1024 ? cap_sites : 1024);
    if (!r->sites) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t n_open = 0;
    for (size_t k = 0; k < n_sel; k++)
        n_open += !sets[k].closed;
    while (heap.n > 0 && n_open > 0) {
        heap_entry top = heap_pop(&heap);
        cat_sets *cs = &sets[top.slot];
        if (cs->closed)
            continue;
        if (top.stamp != cs->n_picks) {
            /* Stale: its gain may have shrunk since; evaluate it again and put it back. */
            double gain = set_gain(cs, res->pop, top.cand);
            r->categories[top.slot].n_evaluations++;
            if (gain > 0 && !heap_push(&heap, (heap_entry){gain, top.slot, top.cand, cs->n_picks})) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            continue;
        }
        /* Fresh and on top: no other candidate can gain more. Pick it. */
        if (r->n_sites == sites_cap) {
            size_t cap = 2 * sites_cap;
            pc_suggest_site *grown = realloc(r->sites, (cap + 1) * sizeof *grown);
            if (!grown) {
                s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            r->sites = grown;
            sites_cap = cap;
        }
        pc_suggest_site *site = &r->sites[r->n_sites++];
        memset(site, 0, sizeof *site);
        int c = cs->c, l = cs->level;
        for (size_t k = cs->start[top.cand]; k < cs->start[top.cand + 1]; k++) {
            uint32_t u = cs->set[k];
            if (cs->done[u])
                continue;
            cs->done[u] = 1;
            uint32_t i = cs->unc[u];
            site->gain_pop += res->pop[i];
            site->gain_residents++;
            if (l >= 0 && missing[l] && --missing[l][i] == 0)
                pop_level[l] += res->pop[i];
        }
        cs->n_picks++;
        r->categories[top.slot].n_proposed++;
        pop_cat[c] += site->gain_pop;
        site->rank = r->n_sites;
        site->rank_category = cs->n_picks;
        site->category = c;
        site->candidate = top.cand;
        site->x = r->cand_x[top.cand];
        site->y = r->cand_y[top.cand];
        site->pop_category = pop_cat[c];
        site->cov_category = total_pop > 0 ? pop_cat[c] / total_pop : NAN;
        site->pop_level = l >= 0 ? pop_level[l] : NAN;
        site->cov_level = l >= 0 && total_pop > 0 ? pop_level[l] / total_pop : NAN;
        if (cs->n_picks >= opts->count) {
            cs->closed = 1;
            n_open--;
        }
        if (by_target && l >= 0 && total_pop > 0 && pop_level[l] / total_pop >= profile->target_coverage)
            for (size_t k = 0; k < n_sel; k++)
                if (sets[k].level == l && !sets[k].closed) {
                    sets[k].closed = 1;
                    n_open--;
                }
        if ((r->n_sites & 63) == 0 && (s = pc_ctx_check_cancel(ctx)))
            goto done;
    }
    /* Why it stopped: every level in scope at its target, else every category at K, else nothing to gain. */
    int all_target = by_target, all_count = 1;
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->levels[l].in_scope && !(total_pop > 0 && pop_level[l] / total_pop >= profile->target_coverage))
            all_target = 0;
    for (size_t k = 0; k < n_sel; k++)
        if (sets[k].n_picks < opts->count)
            all_count = 0;
    r->stop = all_target ? PC_SUGGEST_STOP_TARGET : all_count ? PC_SUGGEST_STOP_COUNT : PC_SUGGEST_STOP_NO_GAIN;
    r->seconds_greedy = now_s() - t2;

    /* 6. Where the sites are, and the units after. */
    site_unit = malloc((r->n_sites + 1) * sizeof *site_unit);
    site_sub = malloc((r->n_sites + 1) * sizeof *site_sub);
    double *sx = malloc((r->n_sites + 1) * sizeof *sx), *sy = malloc((r->n_sites + 1) * sizeof *sy);
    if (!site_unit || !site_sub || !sx || !sy) {
        free(sx);
        free(sy);
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < r->n_sites; k++)
        sx[k] = r->sites[k].x, sy[k] = r->sites[k].y;
    s = pc_units_locate_points(ctx, cov->units_layer, r->n_sites, sx, sy, site_unit);
    if (!s)
        s = pc_units_locate_points(ctx, cov->subdistricts_layer, r->n_sites, sx, sy, site_sub);
    free(sx);
    free(sy);
    if (s)
        goto done;
    for (size_t k = 0; k < r->n_sites; k++) {
        r->sites[k].unit = site_unit[k];
        r->sites[k].subdistrict = site_sub[k];
    }
    if ((s = make_rows(ctx, r, cov, sets, n_sel)))
        goto done;
    s = pc_ctx_progress(ctx, 1.0, "suggest: done");
done:
    free(site_unit);
    free(site_sub);
    for (int l = 0; l < PC_N_LEVELS; l++)
        free(missing[l]);
    free(heap.e);
    for (size_t k = 0; sets && k < n_sel; k++)
        cat_sets_free(&sets[k]);
    free(sets);
    free(cand_at);
    free(res_at);
    pc_graph_search_destroy(search);
    pc_graph_destroy(g);
    pc_coverage_result_destroy(ctx, own_cov);
    if (s) {
        pc_suggest_result_destroy(ctx, r);
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

/* A row with coverage's key names for the state after the proposals (cov15_pop, pop_cov15, cov_CODE) and
 * *_before for the plan as it is, so it reads like `coverage --add`. Rounded as coverage rounds. */
static json_object *row_json(const pc_suggest_result *r, const pc_suggest_row *row)
{
    const pc_profile *p = &r->profile;
    json_object *o = json_object_new_object();
    char key[PC_CODE_MAX + 24];
    json_object_object_add(o, "name", json_str(row->name));
    json_object_object_add(o, "name_zh", json_str(row->name_zh));
    json_object_object_add(o, "tier", json_str(row->tier));
    json_object_object_add(o, "pop", json_num(row->pop, 1e-3));
    json_object_object_add(o, "sites", json_object_new_int64((int64_t)row->n_sites));
    for (int l = 0; l < PC_N_LEVELS; l++) {
        if (!r->levels[l].in_scope)
            continue;
        int m = pc_levels_min[l];
        snprintf(key, sizeof key, "cov%d_pop_before", m);
        json_object_object_add(o, key, json_num(row->cov_level_before[l], 1e-6));
        snprintf(key, sizeof key, "cov%d_pop", m);
        json_object_object_add(o, key, json_num(row->cov_level_after[l], 1e-6));
        snprintf(key, sizeof key, "pop_cov%d_before", m);
        json_object_object_add(o, key, json_num(row->pop_level_before[l], 1e-3));
        snprintf(key, sizeof key, "pop_cov%d", m);
        json_object_object_add(o, key, json_num(row->pop_level_after[l], 1e-3));
        snprintf(key, sizeof key, "pop_gained%d", m);
        json_object_object_add(o, key, json_num(row->pop_level_after[l] - row->pop_level_before[l], 1e-3));
    }
    for (size_t k = 0; k < r->n_categories; k++) {
        int c = r->categories[k].category;
        const char *code = p->categories[c].code;
        snprintf(key, sizeof key, "cov_%s_before", code);
        json_object_object_add(o, key, json_num(row->cov_category_before[c], 1e-6));
        snprintf(key, sizeof key, "cov_%s", code);
        json_object_object_add(o, key, json_num(row->cov_category_after[c], 1e-6));
        snprintf(key, sizeof key, "pop_gained_%s", code);
        json_object_object_add(o, key, json_num(row->pop_category_after[c] - row->pop_category_before[c], 1e-3));
    }
    return o;
}

json_object *pc_suggest_to_json(const pc_plan *plan, const pc_suggest_result *r)
{
    const pc_profile *p = &r->profile;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object_object_add(root, "mode", json_object_new_string("network"));
    json_object_object_add(root, "profile", json_object_new_string(p->name));
    json_object_object_add(root, "method", json_object_new_string("maximal covering location, greedy with lazy gain "
                                                                   "updates (within 1 - 1/e of the optimum)"));
    json_object *scope = json_object_new_object();
    json_object_object_add(scope, "category",
                           r->level_min == 0 && r->n_categories == 1
                               ? json_object_new_string(p->categories[r->categories[0].category].code)
                               : NULL);
    json_object_object_add(scope, "level_min", r->level_min ? json_object_new_int(r->level_min) : NULL);
    json_object_object_add(scope, "count", json_object_new_int64((int64_t)r->count));
    json_object_object_add(scope, "respect_redlines", json_object_new_boolean(r->respect_redlines));
    json_object_object_add(root, "scope", scope);
    json_object_object_add(root, "target", json_num(p->target_coverage, 1e-6));

    json_object *cand = json_object_new_object();
    json_object_object_add(cand, "kind", json_object_new_string(r->candidates_given ? "given" : "street_nodes"));
    json_object_object_add(cand, "source", json_str(r->candidates_source));
    json_object_object_add(cand, "offered", json_object_new_int64((int64_t)r->n_candidates_offered));
    json_object_object_add(cand, "outside_builtup", json_object_new_int64((int64_t)r->n_outside));
    json_object_object_add(cand, "forbidden", json_object_new_int64((int64_t)r->n_forbidden));
    json_object *by_kind = json_object_new_object();
    for (int k = 0; k < p->n_redline_rules; k++)
        if (r->n_forbidden_kind[k])
            json_object_object_add(by_kind, p->redline_rules[k].kind,
                                   json_object_new_int64((int64_t)r->n_forbidden_kind[k]));
    json_object_object_add(cand, "forbidden_by_kind", by_kind);
    json_object_object_add(cand, "unattached", json_object_new_int64((int64_t)r->n_unattached));
    json_object_object_add(cand, "usable", json_object_new_int64((int64_t)r->n_candidates));
    json_object_object_add(root, "candidates", cand);

    json_object *cats = json_object_new_array();
    for (size_t k = 0; k < r->n_categories; k++) {
        const pc_suggest_category *sc = &r->categories[k];
        const pc_category *cat = &p->categories[sc->category];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "code", json_object_new_string(cat->code));
        json_object_object_add(o, "name", json_object_new_string(cat->name_en));
        json_object_object_add(o, "name_zh", json_object_new_string(cat->name_zh));
        json_object_object_add(o, "level_min", json_object_new_int(cat->level_min));
        json_object_object_add(o, "distance_m", json_num(cat->distance_m, 1e-6));
        json_object_object_add(o, "facilities", json_object_new_int64((int64_t)sc->n_facilities));
        json_object_object_add(o, "proposed", json_object_new_int64((int64_t)sc->n_proposed));
        json_object_object_add(o, "residents_uncovered", json_object_new_int64((int64_t)sc->n_uncovered));
        json_object_object_add(o, "pop_uncovered", json_num(sc->pop_uncovered, 1e-3));
        json_object_object_add(o, "pop_reachable", json_num(sc->pop_reachable, 1e-3));
        json_object_object_add(o, "candidates_useful", json_object_new_int64((int64_t)sc->n_candidates_useful));
        json_object_object_add(o, "pop_before", json_num(sc->pop_before, 1e-3));
        json_object_object_add(o, "cov_before", json_num(sc->cov_before, 1e-6));
        json_object_object_add(o, "pop_after", json_num(sc->pop_after, 1e-3));
        json_object_object_add(o, "cov_after", json_num(sc->cov_after, 1e-6));
        json_object *search = json_object_new_object();
        json_object_object_add(search, "direction", json_object_new_string(pc_suggest_direction_name(sc->direction)));
        json_object_object_add(search, "searches", json_object_new_int64((int64_t)sc->n_searches));
        json_object_object_add(search, "pairs", json_object_new_int64((int64_t)sc->n_pairs));
        json_object_object_add(search, "rechecked", json_object_new_int64((int64_t)sc->n_rechecked));
        json_object_object_add(search, "gain_evaluations", json_object_new_int64((int64_t)sc->n_evaluations));
        json_object_object_add(o, "search", search);
        json_object_array_add(cats, o);
    }
    json_object_object_add(root, "categories", cats);

    json_object *levels = json_object_new_array();
    for (int l = 0; l < PC_N_LEVELS; l++) {
        const pc_suggest_level *lv = &r->levels[l];
        if (!lv->in_scope)
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "level_min", json_object_new_int(lv->level_min));
        json_object_object_add(o, "pop_before", json_num(lv->pop_before, 1e-3));
        json_object_object_add(o, "cov_before", json_num(lv->cov_before, 1e-6));
        json_object_object_add(o, "pop_after", json_num(lv->pop_after, 1e-3));
        json_object_object_add(o, "cov_after", json_num(lv->cov_after, 1e-6));
        json_object_object_add(o, "target", json_num(p->target_coverage, 1e-6));
        json_object_object_add(o, "reached", json_object_new_boolean(lv->reached));
        json_object_array_add(levels, o);
    }
    json_object_object_add(root, "levels", levels);

    json_object *sites = json_object_new_array();
    for (size_t k = 0; k < r->n_sites; k++) {
        const pc_suggest_site *st = &r->sites[k];
        const pc_category *cat = &p->categories[st->category];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "rank", json_object_new_int64((int64_t)st->rank));
        json_object_object_add(o, "rank_category", json_object_new_int64((int64_t)st->rank_category));
        json_object_object_add(o, "category", json_object_new_string(cat->code));
        json_object_object_add(o, "level_min", json_object_new_int(cat->level_min));
        json_object_object_add(o, "x", json_num(st->x, 1e-3));
        json_object_object_add(o, "y", json_num(st->y, 1e-3));
        json_object_object_add(o, "gain_pop", json_num(st->gain_pop, 1e-3));
        json_object_object_add(o, "gain_residents", json_object_new_int64((int64_t)st->gain_residents));
        json_object_object_add(o, "pop_category", json_num(st->pop_category, 1e-3));
        json_object_object_add(o, "cov_category", json_num(st->cov_category, 1e-6));
        json_object_object_add(o, "pop_level", json_num(st->pop_level, 1e-3));
        json_object_object_add(o, "cov_level", json_num(st->cov_level, 1e-6));
        json_object_object_add(o, "unit", st->unit >= 0 ? json_str(r->units[st->unit].name) : NULL);
        json_object_object_add(o, "subdistrict", st->subdistrict >= 0 ? json_str(r->subdistricts[st->subdistrict].name)
                                                                      : NULL);
        if (r->cand_node[st->candidate] != PC_GRAPH_NONE)
            json_object_object_add(o, "street_node", json_object_new_int64(r->cand_node[st->candidate]));
        else
            json_object_object_add(o, "candidate_fid", json_object_new_int64(r->cand_fid[st->candidate]));
        json_object_array_add(sites, o);
    }
    json_object_object_add(root, "sites", sites);

    json_object *units = json_object_new_array();
    for (size_t u = 0; u < r->n_units; u++)
        json_object_array_add(units, row_json(r, &r->units[u]));
    json_object_object_add(root, "units", units);
    json_object *subs = json_object_new_array();
    for (size_t u = 0; u < r->n_subdistricts; u++)
        json_object_array_add(subs, row_json(r, &r->subdistricts[u]));
    json_object_object_add(root, "subdistricts", subs);
    json_object_object_add(root, "total", row_json(r, &r->total));
    json_object_object_add(root, "stop", json_object_new_string(pc_suggest_stop_name(r->stop)));
    json_object *timing = json_object_new_object();
    json_object_object_add(timing, "coverage_s", json_num(r->seconds_coverage, 1e-3));
    json_object_object_add(timing, "sets_s", json_num(r->seconds_sets, 1e-3));
    json_object_object_add(timing, "greedy_s", json_num(r->seconds_greedy, 1e-3));
    json_object_object_add(root, "timing", timing);
    return root;
}

/* ---------------------------------------------------------------- output layers */

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

static pc_status write_sites(pc_writer *w, const pc_suggest_result *r)
{
    const pc_profile *p = &r->profile;
    const pc_field_def fields[] = {
        {"name", OFTString},          {"name_zh", OFTString},      {"category", OFTString},
        {"use", OFTString},           {"level_min", OFTInteger},   {"distance_m", OFTReal},
        {"rank", OFTInteger},         {"rank_category", OFTInteger}, {"gain_pop", OFTReal},
        {"gain_residents", OFTInteger64}, {"pop_category", OFTReal}, {"cov_category", OFTReal},
        {"pop_level", OFTReal},       {"cov_level", OFTReal},      {"unit", OFTString},
        {"subdistrict", OFTString},   {"street_node", OFTInteger64}, {"candidate_fid", OFTInteger64}};
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "suggested_sites", wkbPoint, fields,
                                  (int)(sizeof fields / sizeof *fields));
    for (size_t k = 0; k < r->n_sites && !s; k++) {
        const pc_suggest_site *st = &r->sites[k];
        const pc_category *cat = &p->categories[st->category];
        char name[PC_CODE_MAX + 32], name_zh[PC_NAME_MAX + 32];
        snprintf(name, sizeof name, "proposed %s %zu", cat->code, st->rank_category);
        snprintf(name_zh, sizeof name_zh, "拟建%s %zu", cat->name_zh, st->rank_category);
        OGRFeatureH f = pc_writer_feature(layer);
        set_text(f, 0, name);
        set_text(f, 1, name_zh);
        set_text(f, 2, cat->code);
        set_text(f, 3, cat->code);
        OGR_F_SetFieldInteger(f, 4, cat->level_min);
        set_real(f, 5, cat->distance_m);
        OGR_F_SetFieldInteger(f, 6, (int)st->rank);
        OGR_F_SetFieldInteger(f, 7, (int)st->rank_category);
        set_real(f, 8, st->gain_pop);
        OGR_F_SetFieldInteger64(f, 9, (GIntBig)st->gain_residents);
        set_real(f, 10, st->pop_category);
        set_real(f, 11, st->cov_category);
        set_real(f, 12, st->pop_level);
        set_real(f, 13, st->cov_level);
        set_text(f, 14, st->unit >= 0 ? r->units[st->unit].name : NULL);
        set_text(f, 15, st->subdistrict >= 0 ? r->subdistricts[st->subdistrict].name : NULL);
        if (r->cand_node[st->candidate] != PC_GRAPH_NONE)
            OGR_F_SetFieldInteger64(f, 16, (GIntBig)r->cand_node[st->candidate]);
        else
            OGR_F_SetFieldNull(f, 16);
        if (r->cand_fid[st->candidate] >= 0)
            OGR_F_SetFieldInteger64(f, 17, (GIntBig)r->cand_fid[st->candidate]);
        else
            OGR_F_SetFieldNull(f, 17);
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, st->x, st->y);
        OGR_F_SetGeometryDirectly(f, pt);
        s = pc_writer_put(w, layer, f, NULL);
    }
    return s;
}

/* Structure units before and after: the levels in scope and the categories proposed. */
static pc_status write_units(pc_ctx *ctx, pc_writer *w, const pc_suggest_result *r)
{
    const pc_profile *p = &r->profile;
    enum { MAX_FIELDS = 8 + 5 * PC_N_LEVELS + 3 * PC_MAX_CATEGORIES };
    pc_field_def defs[MAX_FIELDS];
    char names[MAX_FIELDS][PC_CODE_MAX + 24];
    int n = 0;
#define ADD_FIELD(ftype, ...)                                                                                          \
    do {                                                                                                           \
        snprintf(names[n], sizeof names[n], __VA_ARGS__);                                                          \
        defs[n].name = names[n];                                                                                   \
        defs[n].type = ftype;                                                                                      \
        n++;                                                                                                       \
    } while (0)
    ADD_FIELD(OFTString, "name");
    ADD_FIELD(OFTString, "name_zh");
    ADD_FIELD(OFTString, "tier");
    ADD_FIELD(OFTReal, "pop");
    ADD_FIELD(OFTInteger, "sites");
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->levels[l].in_scope) {
            ADD_FIELD(OFTReal, "cov%d_before", pc_levels_min[l]);
            ADD_FIELD(OFTReal, "cov%d_after", pc_levels_min[l]);
            ADD_FIELD(OFTReal, "gain%d_pop", pc_levels_min[l]);
        }
    for (size_t k = 0; k < r->n_categories; k++) {
        const char *code = p->categories[r->categories[k].category].code;
        ADD_FIELD(OFTReal, "cov_%s_before", code);
        ADD_FIELD(OFTReal, "cov_%s_after", code);
        ADD_FIELD(OFTReal, "gain_%s_pop", code);
    }
#undef ADD_FIELD
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, "suggestion_units", wkbMultiPolygon, defs, n);
    for (size_t u = 0; u < r->n_units && !s; u++) {
        const pc_suggest_row *row = &r->units[u];
        OGRFeatureH f = pc_writer_feature(layer);
        int i = 0;
        set_text(f, i++, row->name);
        set_text(f, i++, row->name_zh);
        set_text(f, i++, row->tier);
        set_real(f, i++, row->pop);
        OGR_F_SetFieldInteger(f, i++, (int)row->n_sites);
        for (int l = 0; l < PC_N_LEVELS; l++)
            if (r->levels[l].in_scope) {
                set_real(f, i++, row->cov_level_before[l]);
                set_real(f, i++, row->cov_level_after[l]);
                set_real(f, i++, row->pop_level_after[l] - row->pop_level_before[l]);
            }
        for (size_t k = 0; k < r->n_categories; k++) {
            int c = r->categories[k].category;
            set_real(f, i++, row->cov_category_before[c]);
            set_real(f, i++, row->cov_category_after[c]);
            set_real(f, i++, row->pop_category_after[c] - row->pop_category_before[c]);
        }
        OGRGeometryH g = pc_geom_to_ogr(ctx, r->units_layer->geoms[u]);
        if (!g) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot convert a unit polygon (%s)", pc_ctx_geos_message(ctx));
        }
        OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(g));
        s = pc_writer_put(w, layer, f, NULL);
    }
    return s;
}

/* QGIS default style of suggested_sites: purple stars labelled with their rank. */
static const char SITES_QML[] =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"1\">\n"
    " <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
    "  <symbols>\n"
    "   <symbol type=\"marker\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer "
    "class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><prop k=\"color\" v=\"152,78,163,255\"/><prop "
    "k=\"name\" v=\"star\"/><prop k=\"size\" v=\"5\"/><prop k=\"outline_color\" v=\"35,35,35,255\"/></layer>"
    "</symbol>\n"
    "  </symbols>\n"
    " </renderer-v2>\n"
    " <labeling type=\"simple\">\n"
    "  <settings calloutType=\"simple\">\n"
    "   <text-style fieldName=\"rank\" isExpression=\"0\" fontSize=\"9\" textColor=\"35,35,35,255\"/>\n"
    "   <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferColor=\"255,255,255,255\"/>\n"
    "   <placement placement=\"0\" dist=\"1\"/>\n"
    "  </settings>\n"
    " </labeling>\n"
    "</qgis>\n";

pc_status pc_suggest_write(pc_ctx *ctx, pc_writer *w, const pc_suggest_result *r)
{
    pc_status s = write_sites(w, r);
    if (!s)
        s = pc_writer_style(w, "suggested_sites", "rank", SITES_QML);
    if (!s && r->units_layer)
        s = write_units(ctx, w, r);
    return s;
}
