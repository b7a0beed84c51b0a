/* pc_graph.c: the walking network: streets noded into a compact graph, point attachment, bounded multi-source Dijkstra. */
#include "pc_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE PC_GRAPH_NONE

/* ---------------------------------------------------------------- grid index over polyline segments */

/*
 * A uniform grid over the segments of many polylines, in CSR form (cell_start, entries). A segment
 * is registered in every cell it passes through (long segments are walked in pieces no longer than
 * a cell), so memory stays linear in the number of segments.
 */
struct pc_graph_index {
    double minx, miny, cell;
    uint32_t nx, ny;
    uint32_t *cell_start; /* nx * ny + 1 */
    uint32_t *entry_seg;  /* index of the segment's first vertex in xy */
    uint32_t *entry_line; /* polyline the segment belongs to */
    size_t n_entries;
};

static void index_free(pc_graph_index *g)
{
    if (!g)
        return;
    free(g->cell_start);
    free(g->entry_seg);
    free(g->entry_line);
    free(g);
}

static inline long cell_coord(double v, double origin, double cell) { return (long)floor((v - origin) / cell); }

/* Visit the cells a segment passes through; count (fill == NULL) or fill entries. */
static void index_segment_cells(pc_graph_index *g, const double *xy, uint32_t s, uint32_t line, uint32_t *cursor,
                                int fill)
{
    double x0 = xy[2 * s], y0 = xy[2 * s + 1], x1 = xy[2 * s + 2], y1 = xy[2 * s + 3];
    double len = hypot(x1 - x0, y1 - y0);
    long pieces = (long)ceil(len / g->cell);
    if (pieces < 1)
        pieces = 1;
    /* The last few cells emitted, so a segment is rarely listed twice in one cell. */
    uint32_t recent[8];
    int n_recent = 0, next_recent = 0;
    for (long k = 0; k < pieces; k++) {
        double ta = (double)k / (double)pieces, tb = (double)(k + 1) / (double)pieces;
        double ax = x0 + (x1 - x0) * ta, ay = y0 + (y1 - y0) * ta;
        double bx = x0 + (x1 - x0) * tb, by = y0 + (y1 - y0) * tb;
        long ix0 = cell_coord(fmin(ax, bx), g->minx, g->cell), ix1 = cell_coord(fmax(ax, bx), g->minx, g->cell);
        long iy0 = cell_coord(fmin(ay, by), g->miny, g->cell), iy1 = cell_coord(fmax(ay, by), g->miny, g->cell);
        if (ix0 < 0) ix0 = 0;
        if (iy0 < 0) iy0 = 0;
        if (ix1 >= (long)g->nx) ix1 = (long)g->nx - 1;
        if (iy1 >= (long)g->ny) iy1 = (long)g->ny - 1;
        for (long iy = iy0; iy <= iy1; iy++)
            for (long ix = ix0; ix <= ix1; ix++) {
                uint32_t c = (uint32_t)(iy * (long)g->nx + ix);
                int dup = 0;
                for (int r = 0; r < n_recent && !dup; r++)
                    dup = recent[r] == c;
                if (dup)
                    continue;
                recent[next_recent] = c;
                next_recent = (next_recent + 1) & 7;
                if (n_recent < 8)
                    n_recent++;
                if (fill) {
                    uint32_t at = cursor[c]++;
                    g->entry_seg[at] = s;
                    g->entry_line[at] = line;
                } else {
                    g->cell_start[c + 1]++;
                }
            }
    }
}

/* Index the segments of n_lines polylines (line i: vertices start[i] .. start[i+1]-1 of xy). */
static pc_graph_index *index_build(size_t n_lines, const uint32_t *start, const double *xy)
{
    pc_graph_index *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    size_t n_segments = 0;
    double minx = HUGE_VAL, miny = HUGE_VAL, maxx = -HUGE_VAL, maxy = -HUGE_VAL, total_len = 0;
    for (size_t l = 0; l < n_lines; l++)
        for (uint32_t v = start[l]; v < start[l + 1]; v++) {
            double x = xy[2 * v], y = xy[2 * v + 1];
            minx = fmin(minx, x), miny = fmin(miny, y), maxx = fmax(maxx, x), maxy = fmax(maxy, y);
            if (v + 1 < start[l + 1]) {
                n_segments++;
                total_len += hypot(xy[2 * v + 2] - x, xy[2 * v + 3] - y);
            }
        }
    if (n_segments == 0) {
        g->nx = g->ny = 1;
        g->cell = 1.0;
        g->cell_start = calloc(2, sizeof *g->cell_start);
        if (!g->cell_start) {
            index_free(g);
            return NULL;
        }
        return g;
    }
    /* Cells about one mean segment long, but never more than ~4 per segment (sparse extents). */
    double cell = fmax(total_len / (double)n_segments, 1.0);
    double w = maxx - minx, h = maxy - miny;
    while ((w / cell + 1) * (h / cell + 1) > 4.0 * (double)n_segments + 64)
        cell *= 1.5;
    g->minx = minx;
    g->miny = miny;
    g->cell = cell;
    g->nx = (uint32_t)(w / cell) + 1;
    g->ny = (uint32_t)(h / cell) + 1;
    size_t n_cells = (size_t)g->nx * g->ny;
    g->cell_start = calloc(n_cells + 1, sizeof *g->cell_start);
    if (!g->cell_start) {
        index_free(g);
        return NULL;
    }
    for (size_t l = 0; l < n_lines; l++)
        for (uint32_t v = start[l]; v + 1 < start[l + 1]; v++)
            index_segment_cells(g, xy, v, (uint32_t)l, NULL, 0);
    for (size_t c = 0; c < n_cells; c++)
        g->cell_start[c + 1] += g->cell_start[c];
    g->n_entries = g->cell_start[n_cells];
    g->entry_seg = malloc((g->n_entries ? g->n_entries : 1) * sizeof *g->entry_seg);
    g->entry_line = malloc((g->n_entries ? g->n_entries : 1) * sizeof *g->entry_line);
    uint32_t *cursor = malloc(n_cells * sizeof *cursor);
    if (!g->entry_seg || !g->entry_line || !cursor) {
        free(cursor);
        index_free(g);
        return NULL;
    }
    memcpy(cursor, g->cell_start, n_cells * sizeof *cursor);
    for (size_t l = 0; l < n_lines; l++)
        for (uint32_t v = start[l]; v + 1 < start[l + 1]; v++)
            index_segment_cells(g, xy, v, (uint32_t)l, cursor, 1);
    free(cursor);
    return g;
}

/* Squared distance from (px, py) to segment a-b, and the parameter t in [0, 1] of the nearest point. */
static inline double segment_dist2(double px, double py, double ax, double ay, double bx, double by, double *t_out)
{
    double dx = bx - ax, dy = by - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
    if (t < 0)
        t = 0;
    else if (t > 1)
        t = 1;
    double qx = ax + t * dx - px, qy = ay + t * dy - py;
    *t_out = t;
    return qx * qx + qy * qy;
}

typedef struct nearest_hit {
    uint32_t line; /* NONE when nothing found */
    uint32_t seg;
    double dist2;
    double t;
} nearest_hit;

static inline void consider_cell(const pc_graph_index *g, const double *xy, uint32_t c, double x, double y,
                                 uint32_t exclude_line, nearest_hit *best)
{
    for (uint32_t k = g->cell_start[c]; k < g->cell_start[c + 1]; k++) {
        uint32_t line = g->entry_line[k];
        if (line == exclude_line)
            continue;
        uint32_t s = g->entry_seg[k];
        double t;
        double d2 = segment_dist2(x, y, xy[2 * s], xy[2 * s + 1], xy[2 * s + 2], xy[2 * s + 3], &t);
        if (d2 < best->dist2 || (d2 == best->dist2 && (line < best->line || (line == best->line && s < best->seg)))) {
            best->dist2 = d2;
            best->line = line;
            best->seg = s;
            best->t = t;
        }
    }
}

/* Nearest segment within max_m of (x, y), skipping one polyline; rings of cells outwards. */
static nearest_hit index_nearest(const pc_graph_index *g, const double *xy, double x, double y, double max_m,
                                 uint32_t exclude_line)
{
    nearest_hit best = {NONE, 0, max_m * max_m, 0};
    /* Slightly above max_m^2 so a hit exactly at the limit counts. */
    best.dist2 = max_m * max_m * (1 + 1e-12) + 1e-18;
    if (!g || g->n_entries == 0 || !(max_m >= 0) || !isfinite(max_m))
        return best;
    long cx = cell_coord(x, g->minx, g->cell), cy = cell_coord(y, g->miny, g->cell);
    long r_max = (long)ceil(max_m / g->cell) + 1;
    for (long r = 0; r <= r_max; r++) {
        long x0 = cx - r, x1 = cx + r, y0 = cy - r, y1 = cy + r;
        if (x1 < 0 || y1 < 0 || x0 >= (long)g->nx || y0 >= (long)g->ny) {
            if (r > 0 && (double)(r - 1) * g->cell > max_m)
                break;
            continue;
        }
        for (long iy = y0; iy <= y1; iy++) {
            if (iy < 0 || iy >= (long)g->ny)
                continue;
            int edge_row = iy == y0 || iy == y1;
            for (long ix = x0; ix <= x1; ix += (edge_row || ix == x1) ? 1 : (x1 - x0)) {
                if (ix >= 0 && ix < (long)g->nx)
                    consider_cell(g, xy, (uint32_t)(iy * (long)g->nx + ix), x, y, exclude_line, &best);
                if (x1 == x0)
                    break;
            }
        }
        /* Every cell of ring r+1 and beyond is at least r cells away. */
        double reach = (double)r * g->cell;
        if (best.line != NONE && best.dist2 <= reach * reach)
            break;
        if (reach > max_m)
            break;
    }
    return best;
}

/* ---------------------------------------------------------------- union-find over vertices */

static uint32_t uf_find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

/* The lower index becomes the root, so the node's coordinates do not depend on the order of unions. */
static int uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b)
        return 0;
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
    return 1;
}

/* ---------------------------------------------------------------- vertex hash (cells of the snap tolerance) */

typedef struct vertex_hash {
    uint64_t *keys;
    uint32_t *heads; /* NONE: empty slot */
    uint32_t *next;  /* per vertex: next vertex in the same cell */
    size_t mask;
    double ox, oy, cell;
} vertex_hash;

static inline uint64_t cell_key(long ix, long iy) { return ((uint64_t)(uint32_t)ix << 32) | (uint32_t)iy; }

static inline size_t key_slot(uint64_t key, size_t mask)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (size_t)h & mask;
}

static uint32_t hash_head(const vertex_hash *h, long ix, long iy)
{
    uint64_t key = cell_key(ix, iy);
    for (size_t s = key_slot(key, h->mask);; s = (s + 1) & h->mask) {
        if (h->heads[s] == NONE)
            return NONE;
        if (h->keys[s] == key)
            return h->heads[s];
    }
}

static void hash_free(vertex_hash *h)
{
    free(h->keys);
    free(h->heads);
    free(h->next);
}

static int hash_build(vertex_hash *h, const double *xy, uint32_t n, double cell, double ox, double oy)
{
    size_t cap = 16;
    while (cap < (size_t)n * 2)
        cap <<= 1;
    h->mask = cap - 1;
    h->cell = cell;
    h->ox = ox;
    h->oy = oy;
    h->keys = malloc(cap * sizeof *h->keys);
    h->heads = malloc(cap * sizeof *h->heads);
    h->next = malloc((n ? n : 1) * sizeof *h->next);
    if (!h->keys || !h->heads || !h->next)
        return 0;
    memset(h->heads, 0xff, cap * sizeof *h->heads);
    for (uint32_t v = 0; v < n; v++) {
        uint64_t key = cell_key(cell_coord(xy[2 * v], ox, cell), cell_coord(xy[2 * v + 1], oy, cell));
        size_t s = key_slot(key, h->mask);
        while (h->heads[s] != NONE && h->keys[s] != key)
            s = (s + 1) & h->mask;
        h->keys[s] = key;
        h->next[v] = h->heads[s];
        h->heads[s] = v;
    }
    return 1;
}

/* ---------------------------------------------------------------- building */

typedef struct split_point {
    uint32_t seg;  /* first vertex of the split segment */
    double t;      /* position on it, 0 < t < 1 */
    uint32_t vertex; /* the dangling line end joined there */
} split_point;

static int split_cmp(const void *a, const void *b)
{
    const split_point *x = a, *y = b;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->vertex < y->vertex ? -1 : x->vertex > y->vertex;
}

/* Growable arrays for the edges being emitted. */
typedef struct edge_builder {
    uint32_t n_edges, cap_edges;
    uint32_t *u, *v;
    double *len;
    int64_t *fid;
    uint32_t *coord_start; /* n_edges + 1 */
    size_t n_coords, cap_coords;
    double *xy;
    uint32_t open_start; /* first coordinate of the edge being built */
    uint32_t open_node;
    int failed;
} edge_builder;

static void eb_push_coord(edge_builder *b, double x, double y)
{
    if (b->failed)
        return;
    if (b->n_coords == b->cap_coords) {
        size_t cap = b->cap_coords ? b->cap_coords * 2 : 1024;
        double *xy = realloc(b->xy, cap * 2 * sizeof *xy);
        if (!xy || cap >= UINT32_MAX) {
            free(xy == b->xy ? NULL : xy);
            b->failed = 1;
            return;
        }
        b->xy = xy;
        b->cap_coords = cap;
    }
    b->xy[2 * b->n_coords] = x;
    b->xy[2 * b->n_coords + 1] = y;
    b->n_coords++;
}

static void eb_open(edge_builder *b, uint32_t node, const double *node_xy)
{
    b->open_start = (uint32_t)b->n_coords;
    b->open_node = node;
    eb_push_coord(b, node_xy[2 * node], node_xy[2 * node + 1]);
}

/* Close the open edge at node; drop it when it has no length. */
static void eb_close(edge_builder *b, uint32_t node, const double *node_xy, int64_t fid)
{
    eb_push_coord(b, node_xy[2 * node], node_xy[2 * node + 1]);
    if (b->failed)
        return;
    double len = 0;
    for (size_t c = b->open_start; c + 1 < b->n_coords; c++)
        len += hypot(b->xy[2 * c + 2] - b->xy[2 * c], b->xy[2 * c + 3] - b->xy[2 * c + 1]);
    if (!(len > 0)) {
        b->n_coords = b->open_start;
        return;
    }
    if (b->n_edges == b->cap_edges) {
        uint32_t cap = b->cap_edges ? b->cap_edges * 2 : 1024;
        uint32_t *u = realloc(b->u, cap * sizeof *u);
        if (u) b->u = u;
        uint32_t *v = realloc(b->v, cap * sizeof *v);
        if (v) b->v = v;
        double *l = realloc(b->len, cap * sizeof *l);
        if (l) b->len = l;
        int64_t *f = realloc(b->fid, cap * sizeof *f);
        if (f) b->fid = f;
        uint32_t *cs = realloc(b->coord_start, ((size_t)cap + 1) * sizeof *cs);
        if (cs) b->coord_start = cs;
        if (!u || !v || !l || !f || !cs || cap >= UINT32_MAX / 2) {
            b->failed = 1;
            return;
        }
        b->cap_edges = cap;
    }
    uint32_t e = b->n_edges++;
    b->u[e] = b->open_node;
    b->v[e] = node;
    b->len[e] = len;
    b->fid[e] = fid;
    b->coord_start[e] = b->open_start;
}

static void eb_free(edge_builder *b)
{
    free(b->u);
    free(b->v);
    free(b->len);
    free(b->fid);
    free(b->coord_start);
    free(b->xy);
}

/* Shrink an array to its final size (a failed shrink keeps the larger block). */
static void *shrink(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    return q ? q : p;
}

void pc_graph_destroy(pc_graph *g)
{
    if (!g)
        return;
    free(g->node_xy);
    free(g->edge_u);
    free(g->edge_v);
    free(g->edge_len_m);
    free(g->edge_fid);
    free(g->edge_coord);
    free(g->coord_xy);
    free(g->adj_start);
    free(g->adj_edge);
    free(g->adj_node);
    free(g->adj_len_m);
    free(g->node_component);
    index_free(g->index);
    free(g);
}

/* Adjacency (CSR), connected components and the attachment index of a graph whose edges are set. */
static int finish_graph(pc_graph *g)
{
    g->adj_start = calloc((size_t)g->n_nodes + 1, sizeof *g->adj_start);
    g->adj_edge = malloc(((size_t)g->n_edges * 2 + 1) * sizeof *g->adj_edge);
    g->adj_node = malloc(((size_t)g->n_edges * 2 + 1) * sizeof *g->adj_node);
    g->adj_len_m = malloc(((size_t)g->n_edges * 2 + 1) * sizeof *g->adj_len_m);
    g->node_component = malloc(((size_t)g->n_nodes + 1) * sizeof *g->node_component);
    uint32_t *cursor = malloc(((size_t)g->n_nodes + 1) * sizeof *cursor);
    if (!g->adj_start || !g->adj_edge || !g->adj_node || !g->adj_len_m || !g->node_component || !cursor) {
        free(cursor);
        return 0;
    }
    for (uint32_t e = 0; e < g->n_edges; e++) {
        g->adj_start[g->edge_u[e] + 1]++;
        g->adj_start[g->edge_v[e] + 1]++;
        g->stats.length_m += g->edge_len_m[e];
    }
    for (uint32_t n = 0; n < g->n_nodes; n++)
        g->adj_start[n + 1] += g->adj_start[n];
    memcpy(cursor, g->adj_start, (size_t)g->n_nodes * sizeof *cursor);
    for (uint32_t e = 0; e < g->n_edges; e++) {
        uint32_t k = cursor[g->edge_u[e]]++;
        g->adj_edge[k] = e;
        g->adj_node[k] = g->edge_v[e];
        g->adj_len_m[k] = g->edge_len_m[e];
        k = cursor[g->edge_v[e]]++;
        g->adj_edge[k] = e;
        g->adj_node[k] = g->edge_u[e];
        g->adj_len_m[k] = g->edge_len_m[e];
    }
    /* Components by breadth-first search; cursor is reused as the queue. */
    for (uint32_t n = 0; n < g->n_nodes; n++)
        g->node_component[n] = NONE;
    g->n_components = 0;
    for (uint32_t seed = 0; seed < g->n_nodes; seed++) {
        if (g->node_component[seed] != NONE)
            continue;
        uint32_t comp = g->n_components++;
        uint32_t head = 0, tail = 0;
        cursor[tail++] = seed;
        g->node_component[seed] = comp;
        while (head < tail) {
            uint32_t n = cursor[head++];
            for (uint32_t k = g->adj_start[n]; k < g->adj_start[n + 1]; k++) {
                uint32_t m = g->adj_node[k];
                if (g->node_component[m] == NONE) {
                    g->node_component[m] = comp;
                    cursor[tail++] = m;
                }
            }
        }
    }
    free(cursor);
    g->index = index_build(g->n_edges, g->edge_coord, g->coord_xy);
    return g->index != NULL;
}

/*
 * Build a graph from lines. work_xy, when not NULL, is lines->xy itself, writable and owned by the
 * caller: it is cleaned in place instead of copied (saves a copy of every coordinate).
 */
static pc_status build_graph(pc_ctx *ctx, pc_graph **out, const pc_graph_lines *lines, double *work_xy,
                             double snap_tolerance_m)
{
    *out = NULL;
    pc_status s = PC_OK;
    pc_graph *g = calloc(1, sizeof *g);
    double *xy = work_xy;
    uint32_t *lstart = NULL, *line_of = NULL, *parent = NULL, *count = NULL, *node_of_root = NULL;
    int64_t *lfid = NULL;
    split_point *splits = NULL;
    size_t n_splits = 0;
    vertex_hash hash = {0};
    pc_graph_index *raw_index = NULL;
    edge_builder eb = {0};
    double tol = snap_tolerance_m > 0 && isfinite(snap_tolerance_m) ? snap_tolerance_m : 0.0;
    if (!g)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
    g->stats.n_lines = lines->n_lines;

    /* 1. A clean copy: no repeated vertices, no non-finite coordinates, no lines shorter than two vertices. */
    size_t total = lines->n_lines ? lines->line_start[lines->n_lines] : 0;
    if (total >= UINT32_MAX - 1 || lines->n_lines >= UINT32_MAX - 1) {
        s = pc_error_plain(ctx, PC_ERR_DATA, "the street network has %zu vertices, more than this build handles "
                           "(4 billion); split the study area", total);
        goto done;
    }
    if (!work_xy)
        xy = malloc((total ? total : 1) * 2 * sizeof *xy);
    lstart = malloc((lines->n_lines + 1) * sizeof *lstart);
    lfid = malloc((lines->n_lines ? lines->n_lines : 1) * sizeof *lfid);
    if (!xy || !lstart || !lfid) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network (%zu vertices)", total);
        goto done;
    }
    /* In place or not, vertex n_vertices is written only after vertex v >= n_vertices was read. */
    uint32_t n_vertices = 0, n_lines = 0;
    for (size_t l = 0; l < lines->n_lines; l++) {
        uint32_t first = n_vertices;
        for (size_t v = lines->line_start[l]; v < lines->line_start[l + 1]; v++) {
            double x = lines->xy[2 * v], y = lines->xy[2 * v + 1];
            if (!isfinite(x) || !isfinite(y))
                continue;
            if (n_vertices > first && xy[2 * n_vertices - 2] == x && xy[2 * n_vertices - 1] == y)
                continue;
            xy[2 * n_vertices] = x;
            xy[2 * n_vertices + 1] = y;
            n_vertices++;
        }
        if (n_vertices - first < 2) {
            n_vertices = first;
            g->stats.n_lines_degenerate++;
            continue;
        }
        lstart[n_lines] = first;
        lfid[n_lines] = lines->fid ? lines->fid[l] : (int64_t)l;
        n_lines++;
    }
    lstart[n_lines] = n_vertices;
    if ((s = pc_ctx_check_cancel(ctx)))
        goto done;

    /* 2. Join identical vertices, then line ends to the nearest vertex of another line within the tolerance. */
    line_of = malloc((n_vertices ? n_vertices : 1) * sizeof *line_of);
    parent = malloc((n_vertices ? n_vertices : 1) * sizeof *parent);
    if (!line_of || !parent) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
        goto done;
    }
    double ox = HUGE_VAL, oy = HUGE_VAL;
    for (uint32_t l = 0; l < n_lines; l++)
        for (uint32_t v = lstart[l]; v < lstart[l + 1]; v++) {
            line_of[v] = l;
            parent[v] = v;
            ox = fmin(ox, xy[2 * v]);
            oy = fmin(oy, xy[2 * v + 1]);
        }
    double cell = tol > 0 ? tol : 1.0;
    if (!hash_build(&hash, xy, n_vertices, cell, ox, oy)) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
        goto done;
    }
    for (size_t slot = 0; slot <= hash.mask; slot++)
        for (uint32_t a = hash.heads[slot]; a != NONE; a = hash.next[a])
            for (uint32_t b = hash.next[a]; b != NONE; b = hash.next[b])
                if (xy[2 * a] == xy[2 * b] && xy[2 * a + 1] == xy[2 * b + 1]) {
                    uf_union(parent, a, b);
                    break; /* b joins the rest of the identical ones when its own turn comes */
                }
    if (tol > 0) {
        for (uint32_t l = 0; l < n_lines; l++) {
            uint32_t ends[2] = {lstart[l], lstart[l + 1] - 1};
            for (int k = 0; k < 2; k++) {
                uint32_t v = ends[k];
                double x = xy[2 * v], y = xy[2 * v + 1];
                long cx = cell_coord(x, ox, cell), cy = cell_coord(y, oy, cell);
                uint32_t best = NONE;
                double best_d2 = tol * tol * (1 + 1e-12);
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++)
                        for (uint32_t w = hash_head(&hash, cx + dx, cy + dy); w != NONE; w = hash.next[w]) {
                            if (line_of[w] == l)
                                continue;
                            double ddx = xy[2 * w] - x, ddy = xy[2 * w + 1] - y;
                            double d2 = ddx * ddx + ddy * ddy;
                            if (d2 < best_d2 || (d2 == best_d2 && w < best)) {
                                best_d2 = d2;
                                best = w;
                            }
                        }
                if (best != NONE && uf_union(parent, v, best) && best_d2 > 0)
                    g->stats.n_snapped++;
            }
        }
    }
    hash_free(&hash);
    memset(&hash, 0, sizeof hash);
    if ((s = pc_ctx_check_cancel(ctx)))
        goto done;

    /* 3. Line ends still alone (dangles) join the nearest segment of another line within the tolerance. */
    count = calloc(n_vertices ? n_vertices : 1, sizeof *count);
    if (!count) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
        goto done;
    }
    for (uint32_t v = 0; v < n_vertices; v++)
        count[uf_find(parent, v)]++;
    if (tol > 0 && n_lines > 1) {
        size_t cap_splits = 0;
        for (uint32_t l = 0; l < n_lines; l++) {
            uint32_t ends[2] = {lstart[l], lstart[l + 1] - 1};
            for (int k = 0; k < 2; k++) {
                uint32_t v = ends[k];
                if (count[uf_find(parent, v)] != 1)
                    continue;
                if (!raw_index && !(raw_index = index_build(n_lines, lstart, xy))) {
                    s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
                    goto done;
                }
                nearest_hit hit = index_nearest(raw_index, xy, xy[2 * v], xy[2 * v + 1], tol, l);
                if (hit.line == NONE)
                    continue;
                if (hit.t <= 0 || hit.t >= 1) {
                    uf_union(parent, v, hit.t <= 0 ? hit.seg : hit.seg + 1);
                    g->stats.n_snapped++;
                    continue;
                }
                if (n_splits == cap_splits) {
                    cap_splits = cap_splits ? cap_splits * 2 : 64;
                    split_point *grown = realloc(splits, cap_splits * sizeof *grown);
                    if (!grown) {
                        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
                        goto done;
                    }
                    splits = grown;
                }
                splits[n_splits++] = (split_point){hit.seg, hit.t, v};
            }
        }
        g->stats.n_split = n_splits;
        if (n_splits)
            qsort(splits, n_splits, sizeof *splits, split_cmp);
        index_free(raw_index);
        raw_index = NULL;
        /* Unions made above change set sizes: recount. */
        memset(count, 0, (size_t)n_vertices * sizeof *count);
        for (uint32_t v = 0; v < n_vertices; v++)
            count[uf_find(parent, v)]++;
    }

    /* 4. Nodes: line ends, and vertices joined to any other vertex. */
    node_of_root = malloc((n_vertices ? n_vertices : 1) * sizeof *node_of_root);
    g->node_xy = malloc(((size_t)n_vertices + 1) * 2 * sizeof *g->node_xy);
    if (!node_of_root || !g->node_xy) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
        goto done;
    }
    memset(node_of_root, 0xff, (size_t)n_vertices * sizeof *node_of_root);
    uint32_t n_nodes = 0;
#define IS_END(v) ((v) == lstart[line_of[v]] || (v) + 1 == lstart[line_of[v] + 1])
#define IS_NODE(v) (IS_END(v) || count[uf_find(parent, v)] > 1)
    for (uint32_t v = 0; v < n_vertices; v++) {
        if (!IS_NODE(v))
            continue;
        uint32_t r = uf_find(parent, v);
        if (node_of_root[r] == NONE) {
            node_of_root[r] = n_nodes;
            g->node_xy[2 * n_nodes] = xy[2 * r];
            g->node_xy[2 * n_nodes + 1] = xy[2 * r + 1];
            n_nodes++;
        }
    }
    g->n_nodes = n_nodes;

    /* 5. Edges: each line cut at its nodes and at the split points on its segments. Room for all of
     * them at once: one edge per node after a line's first and per split, one extra coordinate per
     * inner node (it ends one edge and starts the next) and two per split. */
    {
        size_t max_edges = n_splits, max_coords = (size_t)n_vertices + 2 * n_splits;
        for (uint32_t v = 0; v < n_vertices; v++)
            if (v != lstart[line_of[v]] && IS_NODE(v)) {
                max_edges++;
                max_coords++;
            }
        if (max_edges >= UINT32_MAX / 2 || max_coords >= UINT32_MAX) {
            s = pc_error_plain(ctx, PC_ERR_DATA, "the street network is too large for this build (%zu edges); "
                               "split the study area", max_edges);
            goto done;
        }
        eb.u = malloc((max_edges + 1) * sizeof *eb.u);
        eb.v = malloc((max_edges + 1) * sizeof *eb.v);
        eb.len = malloc((max_edges + 1) * sizeof *eb.len);
        eb.fid = malloc((max_edges + 1) * sizeof *eb.fid);
        eb.coord_start = malloc((max_edges + 2) * sizeof *eb.coord_start);
        eb.xy = malloc((max_coords + 1) * 2 * sizeof *eb.xy);
        if (!eb.u || !eb.v || !eb.len || !eb.fid || !eb.coord_start || !eb.xy) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network edges");
            goto done;
        }
        eb.cap_edges = (uint32_t)max_edges + 1;
        eb.cap_coords = max_coords + 1;
    }
    size_t next_split = 0;
    for (uint32_t l = 0; l < n_lines && !eb.failed; l++) {
        uint32_t first = lstart[l], last = lstart[l + 1] - 1;
        eb_open(&eb, node_of_root[uf_find(parent, first)], g->node_xy);
        for (uint32_t v = first; v < last; v++) {
            while (next_split < n_splits && splits[next_split].seg == v) {
                uint32_t n = node_of_root[uf_find(parent, splits[next_split].vertex)];
                eb_close(&eb, n, g->node_xy, lfid[l]);
                eb_open(&eb, n, g->node_xy);
                next_split++;
            }
            uint32_t w = v + 1;
            if (w == last || IS_NODE(w)) {
                uint32_t n = node_of_root[uf_find(parent, w)];
                eb_close(&eb, n, g->node_xy, lfid[l]);
                if (w != last)
                    eb_open(&eb, n, g->node_xy);
            } else {
                eb_push_coord(&eb, xy[2 * w], xy[2 * w + 1]);
            }
        }
        if ((l & 65535) == 65535 && (s = pc_ctx_check_cancel(ctx)))
            goto done;
    }
#undef IS_NODE
#undef IS_END
    if (eb.failed) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network edges");
        goto done;
    }
    /* The builder's arrays become the graph's. Coordinate runs are consecutive: edge e ends where e+1 begins. */
    size_t n_coords = eb.n_coords;
    g->n_edges = eb.n_edges;
    g->edge_u = shrink(eb.u, eb.n_edges * sizeof *eb.u);
    g->edge_v = shrink(eb.v, eb.n_edges * sizeof *eb.v);
    g->edge_len_m = shrink(eb.len, eb.n_edges * sizeof *eb.len);
    g->edge_fid = shrink(eb.fid, eb.n_edges * sizeof *eb.fid);
    g->coord_xy = shrink(eb.xy, n_coords * 2 * sizeof *eb.xy);
    g->edge_coord = eb.coord_start ? shrink(eb.coord_start, ((size_t)eb.n_edges + 1) * sizeof *eb.coord_start)
                                   : malloc(sizeof *g->edge_coord);
    memset(&eb, 0, sizeof eb);
    if (!g->edge_coord || (g->n_edges && (!g->edge_u || !g->edge_v || !g->edge_len_m || !g->edge_fid || !g->coord_xy))) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building the street network");
        goto done;
    }
    g->edge_coord[g->n_edges] = (uint32_t)n_coords;
    g->node_xy = shrink(g->node_xy, (size_t)n_nodes * 2 * sizeof *g->node_xy);
    if (!finish_graph(g)) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing the street network");
        goto done;
    }
done:
    eb_free(&eb);
    hash_free(&hash);
    index_free(raw_index);
    free(node_of_root);
    free(count);
    free(splits);
    free(parent);
    free(line_of);
    free(lfid);
    free(lstart);
    if (xy != work_xy)
        free(xy);
    if (s) {
        pc_graph_destroy(g);
        return s;
    }
    *out = g;
    return PC_OK;
}

pc_status pc_graph_build_lines(pc_ctx *ctx, pc_graph **out, const pc_graph_lines *lines, double snap_tolerance_m)
{
    return build_graph(ctx, out, lines, NULL, snap_tolerance_m);
}

pc_status pc_graph_build(pc_ctx *ctx, pc_graph **out, const pc_layer *streets, const pc_profile *profile)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *out = NULL;
    pc_status s = PC_OK;
    size_t n_parts = 0, n_points = 0, n_excluded = 0;
    size_t *start = NULL;
    double *xy = NULL;
    int64_t *fid = NULL;
    unsigned char *keep = calloc(streets->n ? streets->n : 1, 1);
    if (!keep)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading the streets");
    /* First pass: what to keep and how much room it needs. */
    for (size_t i = 0; i < streets->n; i++) {
        if (pc_profile_highway_excluded(profile, pc_layer_value(streets, PC_FIELD_HIGHWAY, i))) {
            n_excluded++;
            continue;
        }
        keep[i] = 1;
        int parts = GEOSGetNumGeometries_r(geos, streets->geoms[i]);
        for (int p = 0; p < parts; p++) {
            const GEOSGeometry *part = GEOSGetGeometryN_r(geos, streets->geoms[i], p);
            int np = GEOSGeomGetNumPoints_r(geos, part);
            if (np > 0) {
                n_parts++;
                n_points += (size_t)np;
            }
        }
    }
    start = malloc((n_parts + 1) * sizeof *start);
    xy = malloc((n_points ? n_points : 1) * 2 * sizeof *xy);
    fid = malloc((n_parts ? n_parts : 1) * sizeof *fid);
    if (!start || !xy || !fid) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading the streets (%zu vertices)", n_points);
        goto done;
    }
    size_t part_i = 0, point_i = 0;
    for (size_t i = 0; i < streets->n; i++) {
        if (!keep[i])
            continue;
        int parts = GEOSGetNumGeometries_r(geos, streets->geoms[i]);
        for (int p = 0; p < parts; p++) {
            const GEOSGeometry *part = GEOSGetGeometryN_r(geos, streets->geoms[i], p);
            int np = GEOSGeomGetNumPoints_r(geos, part);
            if (np <= 0)
                continue;
            const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(geos, part);
            if (!seq || !GEOSCoordSeq_copyToBuffer_r(geos, seq, xy + 2 * point_i, 0, 0)) {
                s = pc_error(ctx, PC_ERR_GEOM, streets->source, streets->layer_name, streets->fids[i], NULL,
                             "cannot read the line's coordinates (%s)", pc_ctx_geos_message(ctx));
                goto done;
            }
            start[part_i] = point_i;
            fid[part_i] = streets->fids[i];
            part_i++;
            point_i += (size_t)np;
        }
    }
    start[part_i] = point_i;
    pc_graph_lines lines = {part_i, start, xy, fid};
    if ((s = build_graph(ctx, out, &lines, xy, profile->snap_tolerance_m)))
        goto done;
    (*out)->stats.n_lines = streets->n;
    (*out)->stats.n_lines_excluded = n_excluded;
done:
    free(keep);
    free(start);
    free(xy);
    free(fid);
    return s;
}

/* ---------------------------------------------------------------- attachment */

int pc_graph_attach(const pc_graph *g, double x, double y, double max_access_m, pc_attachment *out)
{
    nearest_hit hit = index_nearest(g->index, g->coord_xy, x, y, max_access_m, NONE);
    if (hit.line == NONE) {
        out->edge = NONE;
        out->offset_m = 0;
        out->access_m = INFINITY;
        return 0;
    }
    uint32_t e = hit.line;
    double offset = 0;
    for (uint32_t c = g->edge_coord[e]; c < hit.seg; c++)
        offset += hypot(g->coord_xy[2 * c + 2] - g->coord_xy[2 * c], g->coord_xy[2 * c + 3] - g->coord_xy[2 * c + 1]);
    uint32_t c = hit.seg;
    offset += hit.t * hypot(g->coord_xy[2 * c + 2] - g->coord_xy[2 * c], g->coord_xy[2 * c + 3] - g->coord_xy[2 * c + 1]);
    /* Summing pieces may overshoot the edge length by a rounding error. */
    if (offset > g->edge_len_m[e] || (hit.seg + 2 == g->edge_coord[e + 1] && hit.t >= 1))
        offset = g->edge_len_m[e];
    if (offset < 0)
        offset = 0;
    out->edge = e;
    out->offset_m = offset;
    out->access_m = sqrt(hit.dist2);
    return 1;
}

pc_status pc_graph_attach_points(pc_ctx *ctx, const pc_graph *g, size_t n, const double *x, const double *y,
                                 double max_access_m, pc_attachment *out)
{
    for (size_t i = 0; i < n; i++) {
        pc_graph_attach(g, x[i], y[i], max_access_m, &out[i]);
        if ((i & 16383) == 16383) {
            pc_status s = pc_ctx_check_cancel(ctx);
            if (s)
                return s;
        }
    }
    return PC_OK;
}

void pc_graph_edge_point(const pc_graph *g, uint32_t e, double offset_m, double *x, double *y)
{
    uint32_t c0 = g->edge_coord[e], c1 = g->edge_coord[e + 1];
    const double *p = g->coord_xy;
    double walked = 0;
    for (uint32_t c = c0; c + 1 < c1; c++) {
        double seg = hypot(p[2 * c + 2] - p[2 * c], p[2 * c + 3] - p[2 * c + 1]);
        if (walked + seg >= offset_m && seg > 0) {
            double t = (offset_m - walked) / seg;
            if (t < 0)
                t = 0;
            *x = p[2 * c] + t * (p[2 * c + 2] - p[2 * c]);
            *y = p[2 * c + 1] + t * (p[2 * c + 3] - p[2 * c + 1]);
            return;
        }
        walked += seg;
    }
    *x = p[2 * (c1 - 1)];
    *y = p[2 * (c1 - 1) + 1];
}

uint32_t pc_graph_attachment_component(const pc_graph *g, const pc_attachment *at)
{
    if (at->edge == NONE || at->edge >= g->n_edges)
        return NONE;
    return g->node_component[g->edge_u[at->edge]];
}

/* ---------------------------------------------------------------- bounded multi-source Dijkstra */

typedef struct heap_item {
    double d;
    uint32_t node;
} heap_item;

struct pc_graph_search {
    const pc_graph *g;
    unsigned char *edge_seen; /* n_edges, all 0 between calls of pc_graph_search_pieces */
    double cutoff_m;
    double *dist;        /* n_nodes; INFINITY when not reached */
    uint32_t *touched;   /* nodes given a distance in this run, to reset the next run cheaply */
    size_t n_touched;
    heap_item *heap;
    size_t n_heap, cap_heap;
    pc_attachment *src; /* this run's sources, sorted by edge */
    size_t n_src, cap_src;
};

pc_status pc_graph_search_create(pc_ctx *ctx, pc_graph_search **out, const pc_graph *g)
{
    *out = NULL;
    pc_graph_search *s = calloc(1, sizeof *s);
    if (!s)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    s->g = g;
    s->dist = malloc(((size_t)g->n_nodes + 1) * sizeof *s->dist);
    s->touched = malloc(((size_t)g->n_nodes + 1) * sizeof *s->touched);
    s->edge_seen = calloc((size_t)g->n_edges + 1, 1);
    if (!s->dist || !s->touched || !s->edge_seen) {
        pc_graph_search_destroy(s);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for a network search (%u nodes)", g->n_nodes);
    }
    for (uint32_t n = 0; n < g->n_nodes; n++)
        s->dist[n] = INFINITY;
    *out = s;
    return PC_OK;
}

void pc_graph_search_destroy(pc_graph_search *s)
{
    if (!s)
        return;
    free(s->edge_seen);
    free(s->dist);
    free(s->touched);
    free(s->heap);
    free(s->src);
    free(s);
}

static int heap_push(pc_graph_search *s, double d, uint32_t node)
{
    if (s->n_heap == s->cap_heap) {
        size_t cap = s->cap_heap ? s->cap_heap * 2 : 1024;
        heap_item *h = realloc(s->heap, cap * sizeof *h);
        if (!h)
            return 0;
        s->heap = h;
        s->cap_heap = cap;
    }
    size_t i = s->n_heap++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (s->heap[up].d <= d)
            break;
        s->heap[i] = s->heap[up];
        i = up;
    }
    s->heap[i] = (heap_item){d, node};
    return 1;
}

static heap_item heap_pop(pc_graph_search *s)
{
    heap_item top = s->heap[0];
    heap_item last = s->heap[--s->n_heap];
    size_t i = 0, n = s->n_heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && s->heap[c + 1].d < s->heap[c].d)
            c++;
        if (last.d <= s->heap[c].d)
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n > 0)
        s->heap[i] = last;
    return top;
}

/* Lower a node's distance (when within the cutoff) and queue it. Returns 0 when out of memory. */
static inline int relax(pc_graph_search *s, uint32_t node, double d)
{
    if (!(d <= s->cutoff_m) || d >= s->dist[node])
        return 1;
    if (s->dist[node] == INFINITY)
        s->touched[s->n_touched++] = node;
    s->dist[node] = d;
    return heap_push(s, d, node);
}

static int attachment_edge_cmp(const void *a, const void *b)
{
    const pc_attachment *x = a, *y = b;
    if (x->edge != y->edge)
        return x->edge < y->edge ? -1 : 1;
    return x->offset_m < y->offset_m ? -1 : x->offset_m > y->offset_m;
}

pc_status pc_graph_search_run(pc_ctx *ctx, pc_graph_search *s, const pc_attachment *sources, size_t n_sources,
                              double cutoff_m)
{
    const pc_graph *g = s->g;
    for (size_t k = 0; k < s->n_touched; k++)
        s->dist[s->touched[k]] = INFINITY;
    s->n_touched = 0;
    s->n_heap = 0;
    s->n_src = 0;
    s->cutoff_m = cutoff_m;
    if (n_sources > s->cap_src) {
        pc_attachment *grown = realloc(s->src, n_sources * sizeof *grown);
        if (!grown)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for a network search");
        s->src = grown;
        s->cap_src = n_sources;
    }
    for (size_t k = 0; k < n_sources; k++)
        if (sources[k].edge != NONE && sources[k].edge < g->n_edges && sources[k].access_m <= cutoff_m)
            s->src[s->n_src++] = sources[k];
    if (s->n_src > 1)
        qsort(s->src, s->n_src, sizeof *s->src, attachment_edge_cmp);
    for (size_t k = 0; k < s->n_src; k++) {
        const pc_attachment *a = &s->src[k];
        uint32_t e = a->edge;
        if (!relax(s, g->edge_u[e], a->access_m + a->offset_m) ||
            !relax(s, g->edge_v[e], a->access_m + (g->edge_len_m[e] - a->offset_m)))
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for a network search");
    }
    size_t steps = 0;
    while (s->n_heap > 0) {
        heap_item it = heap_pop(s);
        if (it.d > s->dist[it.node])
            continue; /* a stale entry: the node was reached by a shorter way since */
        uint32_t n = it.node;
        for (uint32_t k = g->adj_start[n]; k < g->adj_start[n + 1]; k++)
            if (!relax(s, g->adj_node[k], it.d + g->adj_len_m[k]))
                return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for a network search");
        if ((++steps & 262143) == 0) {
            pc_status st = pc_ctx_check_cancel(ctx);
            if (st)
                return st;
        }
    }
    return PC_OK;
}

double pc_graph_search_node_m(const pc_graph_search *s, uint32_t node)
{
    return node < s->g->n_nodes ? s->dist[node] : INFINITY;
}

const uint32_t *pc_graph_search_reached(const pc_graph_search *s, size_t *n_out)
{
    *n_out = s->n_touched;
    return s->touched;
}

/* The sources on edge e: [*first, *last) of s->src. */
static void sources_on_edge(const pc_graph_search *s, uint32_t e, size_t *first, size_t *last)
{
    size_t lo = 0, hi = s->n_src;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->src[mid].edge < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < s->n_src && s->src[lo].edge == e)
        lo++;
    *last = lo;
}

double pc_graph_search_distance_m(const pc_graph_search *s, const pc_attachment *at)
{
    const pc_graph *g = s->g;
    if (at->edge == NONE || at->edge >= g->n_edges)
        return INFINITY;
    uint32_t e = at->edge;
    double via_u = at->offset_m + s->dist[g->edge_u[e]];
    double via_v = (g->edge_len_m[e] - at->offset_m) + s->dist[g->edge_v[e]];
    double d = at->access_m + fmin(via_u, via_v);
    size_t first, last;
    sources_on_edge(s, e, &first, &last);
    for (size_t k = first; k < last; k++) {
        double direct = at->access_m + fabs(at->offset_m - s->src[k].offset_m) + s->src[k].access_m;
        if (direct < d)
            d = direct;
    }
    return d <= s->cutoff_m ? d : INFINITY;
}

typedef struct interval {
    double a, b;
} interval;

int pc_graph_search_edge_reach(const pc_graph_search *s, uint32_t e, double *from_m, double *to_m, int max_intervals)
{
    const pc_graph *g = s->g;
    if (e >= g->n_edges || max_intervals <= 0)
        return 0;
    double len = g->edge_len_m[e], cut = s->cutoff_m;
    size_t first, last;
    sources_on_edge(s, e, &first, &last);
    interval local[16];
    size_t n_max = 2 + (last - first);
    interval *iv = n_max <= 16 ? local : malloc(n_max * sizeof *iv);
    if (!iv)
        return 0;
    size_t n = 0;
    double du = s->dist[g->edge_u[e]], dv = s->dist[g->edge_v[e]];
    if (du <= cut)
        iv[n++] = (interval){0, fmin(len, cut - du)};
    if (dv <= cut)
        iv[n++] = (interval){fmax(0, len - (cut - dv)), len};
    for (size_t k = first; k < last; k++) {
        double rem = cut - s->src[k].access_m;
        if (rem >= 0)
            iv[n++] = (interval){fmax(0, s->src[k].offset_m - rem), fmin(len, s->src[k].offset_m + rem)};
    }
    /* Few intervals (two ends and the sources on the edge): insertion sort. */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && iv[b].a < iv[b - 1].a; b--) {
            interval tmp = iv[b];
            iv[b] = iv[b - 1];
            iv[b - 1] = tmp;
        }
    int out = 0;
    for (size_t k = 0; k < n; k++) {
        if (out > 0 && iv[k].a <= to_m[out - 1]) {
            if (iv[k].b > to_m[out - 1])
                to_m[out - 1] = iv[k].b;
            continue;
        }
        if (out == max_intervals) {
            /* No room: widen the last interval (callers pass enough room in practice). */
            to_m[out - 1] = fmax(to_m[out - 1], iv[k].b);
            continue;
        }
        from_m[out] = iv[k].a;
        to_m[out] = iv[k].b;
        out++;
    }
    if (iv != local)
        free(iv);
    return out;
}

/* ---------------------------------------------------------------- pieces */

void pc_graph_pieces_free(pc_graph_pieces *p)
{
    free(p->edge);
    free(p->from_m);
    free(p->to_m);
    memset(p, 0, sizeof *p);
}

double pc_graph_pieces_length_m(const pc_graph_pieces *p)
{
    double total = 0;
    for (size_t k = 0; k < p->n; k++)
        total += p->to_m[k] - p->from_m[k];
    return total;
}

static int pieces_reserve(pc_graph_pieces *p, size_t need)
{
    if (need <= p->cap)
        return 1;
    size_t cap = p->cap ? p->cap : 256;
    while (cap < need)
        cap *= 2;
    uint32_t *e = realloc(p->edge, cap * sizeof *e);
    if (e)
        p->edge = e;
    double *f = realloc(p->from_m, cap * sizeof *f);
    if (f)
        p->from_m = f;
    double *t = realloc(p->to_m, cap * sizeof *t);
    if (t)
        p->to_m = t;
    if (!e || !f || !t)
        return 0;
    p->cap = cap;
    return 1;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

pc_status pc_graph_search_pieces(pc_ctx *ctx, const pc_graph_search *s, pc_graph_pieces *out)
{
    const pc_graph *g = s->g;
    out->n = 0;
    /* Reachable edges touch a reached node or carry a source. */
    size_t n_cand = s->n_src;
    for (size_t k = 0; k < s->n_touched; k++)
        n_cand += g->adj_start[s->touched[k] + 1] - g->adj_start[s->touched[k]];
    uint32_t *edges = malloc((n_cand ? n_cand : 1) * sizeof *edges);
    if (!edges)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory collecting reachable streets");
    size_t n_edges = 0;
    for (size_t k = 0; k < s->n_touched; k++) {
        uint32_t node = s->touched[k];
        for (uint32_t j = g->adj_start[node]; j < g->adj_start[node + 1]; j++) {
            uint32_t e = g->adj_edge[j];
            if (!s->edge_seen[e]) {
                s->edge_seen[e] = 1;
                edges[n_edges++] = e;
            }
        }
    }
    for (size_t k = 0; k < s->n_src; k++)
        if (!s->edge_seen[s->src[k].edge]) {
            s->edge_seen[s->src[k].edge] = 1;
            edges[n_edges++] = s->src[k].edge;
        }
    if (n_edges > g->n_edges / 16) {
        /* Many: collect them in order by a pass over all edges, cheaper than sorting. */
        size_t k = 0;
        for (uint32_t e = 0; e < g->n_edges; e++)
            if (s->edge_seen[e]) {
                s->edge_seen[e] = 0;
                edges[k++] = e;
            }
    } else {
        for (size_t k = 0; k < n_edges; k++)
            s->edge_seen[edges[k]] = 0;
        qsort(edges, n_edges, sizeof *edges, u32_cmp);
    }
    pc_status st = PC_OK;
    for (size_t k = 0; k < n_edges; k++) {
        double from[8], to[8];
        int n_iv = pc_graph_search_edge_reach(s, edges[k], from, to, 8);
        if (!pieces_reserve(out, out->n + (size_t)n_iv)) {
            st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory collecting reachable streets");
            break;
        }
        for (int i = 0; i < n_iv; i++) {
            if (!(to[i] > from[i]))
                continue;
            out->edge[out->n] = edges[k];
            out->from_m[out->n] = from[i];
            out->to_m[out->n] = to[i];
            out->n++;
        }
    }
    free(edges);
    return st;
}

pc_status pc_graph_pieces_intersect(pc_ctx *ctx, pc_graph_pieces *acc, const pc_graph_pieces *other)
{
    pc_graph_pieces out = PC_GRAPH_PIECES_INIT;
    size_t i = 0, j = 0;
    while (i < acc->n && j < other->n) {
        if (acc->edge[i] != other->edge[j]) {
            if (acc->edge[i] < other->edge[j])
                i++;
            else
                j++;
            continue;
        }
        double a = fmax(acc->from_m[i], other->from_m[j]), b = fmin(acc->to_m[i], other->to_m[j]);
        if (b > a) {
            if (!pieces_reserve(&out, out.n + 1)) {
                pc_graph_pieces_free(&out);
                return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory intersecting reachable streets");
            }
            out.edge[out.n] = acc->edge[i];
            out.from_m[out.n] = a;
            out.to_m[out.n] = b;
            out.n++;
        }
        /* Advance whichever interval ends first (same edge). */
        if (acc->to_m[i] < other->to_m[j])
            i++;
        else
            j++;
    }
    pc_graph_pieces_free(acc);
    *acc = out;
    return PC_OK;
}

/* Append the piece [a, b] of edge e to out (interleaved x, y), returning the number of points. */
static size_t edge_piece(const pc_graph *g, uint32_t e, double a, double b, double *out)
{
    uint32_t c0 = g->edge_coord[e], c1 = g->edge_coord[e + 1];
    const double *p = g->coord_xy;
    size_t n = 0;
    double walked = 0;
    double x, y;
    pc_graph_edge_point(g, e, a, &x, &y);
    out[2 * n] = x, out[2 * n + 1] = y, n++;
    for (uint32_t c = c0; c + 1 < c1; c++) {
        walked += hypot(p[2 * c + 2] - p[2 * c], p[2 * c + 3] - p[2 * c + 1]);
        if (walked > a && walked < b && c + 2 < c1) {
            out[2 * n] = p[2 * c + 2], out[2 * n + 1] = p[2 * c + 3], n++;
        }
    }
    pc_graph_edge_point(g, e, b, &x, &y);
    out[2 * n] = x, out[2 * n + 1] = y, n++;
    return n;
}

/* A piece end meeting a node: piece index * 2 + (0: the from end, 1: the to end). */
typedef struct end_at_node {
    uint32_t node;
    uint32_t end;
    double dx, dy; /* unit direction leaving the node along the piece */
} end_at_node;

static int end_cmp(const void *a, const void *b)
{
    const end_at_node *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

typedef struct end_pair {
    double dot;
    uint32_t a, b; /* indices into the node's run of ends */
} end_pair;

static int pair_cmp(const void *x, const void *y)
{
    const end_pair *p = x, *q = y;
    if (p->dot != q->dot)
        return p->dot < q->dot ? -1 : 1;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Pair the piece ends meeting at each node into straight continuations; partner[end] = other end or NONE. */
static int pair_ends(const pc_graph *g, const pc_graph_pieces *p, uint32_t *partner)
{
    size_t n_ends = 0;
    end_at_node *ends = malloc((2 * p->n + 1) * sizeof *ends);
    end_pair *pairs = NULL;
    size_t cap_pairs = 0;
    if (!ends)
        return 0;
    for (size_t k = 0; k < 2 * p->n; k++)
        partner[k] = NONE;
    for (size_t k = 0; k < p->n; k++) {
        uint32_t e = p->edge[k];
        uint32_t c0 = g->edge_coord[e], c1 = g->edge_coord[e + 1];
        const double *xy = g->coord_xy;
        if (p->from_m[k] <= 0) {
            double dx = xy[2 * c0 + 2] - xy[2 * c0], dy = xy[2 * c0 + 3] - xy[2 * c0 + 1], l = hypot(dx, dy);
            ends[n_ends++] = (end_at_node){g->edge_u[e], (uint32_t)(2 * k), l > 0 ? dx / l : 0, l > 0 ? dy / l : 0};
        }
        if (p->to_m[k] >= g->edge_len_m[e]) {
            double dx = xy[2 * c1 - 4] - xy[2 * c1 - 2], dy = xy[2 * c1 - 3] - xy[2 * c1 - 1], l = hypot(dx, dy);
            ends[n_ends++] = (end_at_node){g->edge_v[e], (uint32_t)(2 * k + 1), l > 0 ? dx / l : 0, l > 0 ? dy / l : 0};
        }
    }
    qsort(ends, n_ends, sizeof *ends, end_cmp);
    for (size_t first = 0; first < n_ends;) {
        size_t last = first;
        while (last < n_ends && ends[last].node == ends[first].node)
            last++;
        size_t k = last - first;
        if (k == 2) {
            /* A plain continuation: always one line, whatever the angle. */
            partner[ends[first].end] = ends[first + 1].end;
            partner[ends[first + 1].end] = ends[first].end;
        } else if (k > 2) {
            size_t n_pairs = 0, need = k * (k - 1) / 2;
            if (need > cap_pairs) {
                end_pair *grown = realloc(pairs, need * sizeof *grown);
                if (!grown) {
                    free(pairs);
                    free(ends);
                    return 0;
                }
                pairs = grown;
                cap_pairs = need;
            }
            for (size_t a = 0; a < k; a++)
                for (size_t b = a + 1; b < k; b++) {
                    double dot = ends[first + a].dx * ends[first + b].dx + ends[first + a].dy * ends[first + b].dy;
                    if (dot <= -0.8660254037844386) /* within 30 degrees of straight on */
                        pairs[n_pairs++] = (end_pair){dot, (uint32_t)a, (uint32_t)b};
                }
            qsort(pairs, n_pairs, sizeof *pairs, pair_cmp);
            for (size_t q = 0; q < n_pairs; q++) {
                uint32_t ea = ends[first + pairs[q].a].end, eb = ends[first + pairs[q].b].end;
                if (partner[ea] == NONE && partner[eb] == NONE) {
                    partner[ea] = eb;
                    partner[eb] = ea;
                }
            }
        }
        first = last;
    }
    free(pairs);
    free(ends);
    return 1;
}

GEOSGeometry *pc_graph_pieces_lines(pc_ctx *ctx, const pc_graph *g, const pc_graph_pieces *p)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSGeometry *out = NULL;
    GEOSGeometry **lines = NULL;
    size_t n_lines = 0;
    uint32_t *partner = malloc((2 * p->n + 1) * sizeof *partner);
    unsigned char *used = calloc(p->n + 1, 1);
    double *piece = NULL, *chain = NULL;
    size_t cap_piece = 0, cap_chain = 0, max_coords = 2;
    for (uint32_t e = 0; e < g->n_edges; e++)
        if (g->edge_coord[e + 1] - g->edge_coord[e] + (size_t)2 > max_coords)
            max_coords = g->edge_coord[e + 1] - g->edge_coord[e] + (size_t)2;
    cap_piece = max_coords;
    piece = malloc(cap_piece * 2 * sizeof *piece);
    lines = malloc((p->n + 1) * sizeof *lines);
    if (!partner || !used || !piece || !lines || !pair_ends(g, p, partner))
        goto nomem;
    for (size_t k = 0; k < p->n; k++) {
        if (used[k])
            continue;
        /* Walk back to the start of k's chain (or around its cycle back to k). */
        uint32_t cur = (uint32_t)k, entry = 0;
        for (size_t steps = 0; steps < p->n; steps++) {
            uint32_t q = partner[2 * cur + entry];
            if (q == NONE || used[q / 2])
                break;
            uint32_t prev = q / 2, prev_entry = 1 - (q & 1);
            if (prev == k) {
                cur = (uint32_t)k;
                entry = 0;
                break;
            }
            cur = prev;
            entry = prev_entry;
        }
        /* Walk forward, appending each piece in the direction of travel. */
        size_t n_chain = 0;
        for (;;) {
            used[cur] = 1;
            size_t np = edge_piece(g, p->edge[cur], p->from_m[cur], p->to_m[cur], piece);
            if (n_chain + np > cap_chain) {
                size_t cap = cap_chain ? cap_chain : 64;
                while (cap < n_chain + np)
                    cap *= 2;
                double *grown = realloc(chain, cap * 2 * sizeof *grown);
                if (!grown)
                    goto nomem;
                chain = grown;
                cap_chain = cap;
            }
            for (size_t j = 0; j < np; j++) {
                size_t src = entry == 0 ? j : np - 1 - j;
                if (n_chain > 0 && j == 0)
                    continue; /* the joint is the previous piece's last point */
                chain[2 * n_chain] = piece[2 * src];
                chain[2 * n_chain + 1] = piece[2 * src + 1];
                n_chain++;
            }
            uint32_t q = partner[2 * cur + (1 - entry)];
            if (q == NONE || used[q / 2])
                break;
            cur = q / 2;
            entry = q & 1;
        }
        GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(geos, chain, (unsigned)n_chain, 0, 0);
        GEOSGeometry *line = seq ? GEOSGeom_createLineString_r(geos, seq) : NULL;
        if (!line) {
            pc_error_plain(ctx, PC_ERR_GEOM, "cannot build reachable street lines (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        lines[n_lines++] = line;
    }
    out = GEOSGeom_createCollection_r(geos, GEOS_MULTILINESTRING, lines, (unsigned)n_lines);
    if (out)
        n_lines = 0; /* the collection owns them */
    else
        pc_error_plain(ctx, PC_ERR_GEOM, "cannot build reachable street lines (%s)", pc_ctx_geos_message(ctx));
    goto done;
nomem:
    pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory building reachable street lines");
done:
    for (size_t k = 0; k < n_lines; k++)
        GEOSGeom_destroy_r(geos, lines[k]);
    free(lines);
    free(chain);
    free(piece);
    free(used);
    free(partner);
    return out;
}

GEOSGeometry *pc_graph_pieces_buffer(pc_ctx *ctx, const pc_graph *g, const pc_graph_pieces *pieces, double buffer_m)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (!(buffer_m > 0) || !isfinite(buffer_m)) {
        pc_error_plain(ctx, PC_ERR_ARG, "service areas: the street buffer must be a positive number of metres, not %g",
                       buffer_m);
        return NULL;
    }
    if (pieces->n == 0)
        return GEOSGeom_createEmptyPolygon_r(geos);
    GEOSGeometry *lines = pc_graph_pieces_lines(ctx, g, pieces);
    if (!lines)
        return NULL;
    int n = GEOSGetNumGeometries_r(geos, lines);
    GEOSGeometry **parts = malloc((n > 0 ? (size_t)n : 1) * sizeof *parts);
    GEOSGeometry *out = NULL;
    int made = 0;
    if (!parts) {
        GEOSGeom_destroy_r(geos, lines);
        pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory buffering service areas");
        return NULL;
    }
    for (; made < n; made++) {
        parts[made] = GEOSBufferWithStyle_r(geos, GEOSGetGeometryN_r(geos, lines, made), buffer_m, 4,
                                            GEOSBUF_CAP_ROUND, GEOSBUF_JOIN_ROUND, 5.0);
        if (!parts[made])
            break;
    }
    GEOSGeom_destroy_r(geos, lines);
    if (made == n) {
        GEOSGeometry *collection = GEOSGeom_createCollection_r(geos, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
        made = collection ? 0 : made; /* the collection owns the parts */
        out = collection ? GEOSUnaryUnion_r(geos, collection) : NULL;
        if (collection)
            GEOSGeom_destroy_r(geos, collection);
    }
    for (int k = 0; k < made; k++)
        GEOSGeom_destroy_r(geos, parts[k]);
    free(parts);
    if (!out)
        pc_error_plain(ctx, PC_ERR_GEOM, "cannot build a service-area polygon (%s)", pc_ctx_geos_message(ctx));
    return out;
}
