/* pc_green.c: park green space per person (union of parks per unit) and park service coverage (radius or network). */
#include "pc_green.h"
#include "pc_geom.h"
#include "pc_units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const pc_green_class_codes[PC_GREEN_N_CLASSES] = {"G11", "G12", "G13", "G14", "other"};
#define CLASS_OTHER (PC_GREEN_N_CLASSES - 1)

const char *pc_green_mode_name(pc_green_mode mode) { return mode == PC_GREEN_NETWORK ? "network" : "radius"; }

int pc_green_mode_parse(const char *text, pc_green_mode *out)
{
    if (text && strcmp(text, "radius") == 0) {
        *out = PC_GREEN_RADIUS;
        return 1;
    }
    if (text && strcmp(text, "network") == 0) {
        *out = PC_GREEN_NETWORK;
        return 1;
    }
    return 0;
}

const char *pc_green_check_name(pc_green_check check)
{
    return check == PC_GREEN_PASS ? "pass" : check == PC_GREEN_FAIL ? "fail" : NULL;
}

/* Class of a park's `class` value: G11..G14 (case-insensitive; subclasses such as G131 count to G13). */
static int class_index(const char *value)
{
    if (!value)
        return CLASS_OTHER;
    while (*value == ' ')
        value++;
    for (int k = 0; k < CLASS_OTHER; k++)
        if (strncasecmp(value, pc_green_class_codes[k], 3) == 0)
            return k;
    return CLASS_OTHER;
}

/* ---------------------------------------------------------------- disjoint polygon pieces, by tag */

/*
 * Polygons that do not overlap each other, each with a tag (a park class), indexed by an STRtree so
 * the area inside a unit is the sum of whole pieces the unit contains plus the intersections of the
 * few it crosses: a park straddling two units is split by area.
 */
typedef struct piece_set {
    size_t n, cap;
    GEOSGeometry **geoms;
    int *tag;
    double *area_m2;
    GEOSSTRtree *tree;
    size_t *ids;
} piece_set;

static void pieces_free(GEOSContextHandle_t geos, piece_set *s)
{
    if (s->tree)
        GEOSSTRtree_destroy_r(geos, s->tree);
    for (size_t i = 0; i < s->n; i++)
        GEOSGeom_destroy_r(geos, s->geoms[i]);
    free(s->geoms);
    free(s->tag);
    free(s->area_m2);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

static pc_status pieces_push(pc_ctx *ctx, piece_set *s, const GEOSGeometry *polygon, int tag)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    double area = 0;
    if (GEOSisEmpty_r(geos, polygon) != 0 || !GEOSArea_r(geos, polygon, &area) || area <= 0)
        return PC_OK;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        GEOSGeometry **g = realloc(s->geoms, cap * sizeof *g);
        if (g)
            s->geoms = g;
        int *t = realloc(s->tag, cap * sizeof *t);
        if (t)
            s->tag = t;
        double *a = realloc(s->area_m2, cap * sizeof *a);
        if (a)
            s->area_m2 = a;
        if (!g || !t || !a)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory collecting park pieces");
        s->cap = cap;
    }
    GEOSGeometry *copy = GEOSGeom_clone_r(geos, polygon);
    if (!copy)
        return pc_error_plain(ctx, PC_ERR_GEOM, "cannot copy a polygon (%s)", pc_ctx_geos_message(ctx));
    s->geoms[s->n] = copy;
    s->tag[s->n] = tag;
    s->area_m2[s->n] = area;
    s->n++;
    return PC_OK;
}

/* Add the polygons of g (borrowed; collections are walked, lines and points dropped) with a tag. */
static pc_status pieces_add(pc_ctx *ctx, piece_set *s, const GEOSGeometry *g, int tag)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    int type = GEOSGeomTypeId_r(geos, g);
    if (type == GEOS_POLYGON)
        return pieces_push(ctx, s, g, tag);
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return PC_OK;
    int n = GEOSGetNumGeometries_r(geos, g);
    for (int i = 0; i < n; i++) {
        pc_status st = pieces_add(ctx, s, GEOSGetGeometryN_r(geos, g, i), tag);
        if (st)
            return st;
    }
    return PC_OK;
}

static pc_status pieces_index(pc_ctx *ctx, piece_set *s)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    s->tree = GEOSSTRtree_create_r(geos, 10);
    s->ids = malloc((s->n ? s->n : 1) * sizeof *s->ids);
    if (!s->tree || !s->ids)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing park pieces");
    for (size_t i = 0; i < s->n; i++) {
        s->ids[i] = i;
        GEOSSTRtree_insert_r(geos, s->tree, s->geoms[i], &s->ids[i]);
    }
    return PC_OK;
}

typedef struct candidates {
    size_t n, cap;
    size_t *ids;
    int failed;
} candidates;

static void collect_candidate(void *item, void *userdata)
{
    candidates *c = userdata;
    if (c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        size_t *ids = realloc(c->ids, cap * sizeof *ids);
        if (!ids) {
            c->failed = 1;
            return;
        }
        c->ids = ids;
        c->cap = cap;
    }
    c->ids[c->n++] = *(const size_t *)item;
}

/*
 * Add to by_tag[tag] the area of the pieces inside region (prepared is its prepared form). region
 * NULL adds every piece whole.
 */
static pc_status pieces_area_within(pc_ctx *ctx, const piece_set *s, const GEOSGeometry *region,
                                    const GEOSPreparedGeometry *prepared, double *by_tag)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (!region) {
        for (size_t i = 0; i < s->n; i++)
            by_tag[s->tag[i]] += s->area_m2[i];
        return PC_OK;
    }
    if (s->n == 0 || GEOSisEmpty_r(geos, region) != 0)
        return PC_OK;
    candidates c = {0, 0, NULL, 0};
    pc_status st = PC_OK;
    GEOSSTRtree_query_r(geos, s->tree, region, collect_candidate, &c);
    if (c.failed) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory querying park pieces");
        goto done;
    }
    for (size_t k = 0; k < c.n; k++) {
        size_t i = c.ids[k];
        char contains = GEOSPreparedContains_r(geos, prepared, s->geoms[i]);
        if (contains == 1) {
            by_tag[s->tag[i]] += s->area_m2[i];
            continue;
        }
        char intersects = contains == 2 ? 2 : GEOSPreparedIntersects_r(geos, prepared, s->geoms[i]);
        if (intersects == 2) {
            st = pc_error_plain(ctx, PC_ERR_GEOM, "GEOS predicate failed (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        if (!intersects)
            continue;
        GEOSGeometry *part = GEOSIntersection_r(geos, s->geoms[i], region);
        double area = 0;
        if (!part || !GEOSArea_r(geos, part, &area)) {
            if (part)
                GEOSGeom_destroy_r(geos, part);
            st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot intersect a polygon with a unit (%s)",
                                pc_ctx_geos_message(ctx));
            goto done;
        }
        GEOSGeom_destroy_r(geos, part);
        by_tag[s->tag[i]] += area;
    }
done:
    free(c.ids);
    return st;
}

/* ---------------------------------------------------------------- the run */

typedef struct tree_item {
    int is_query; /* the item a nearest-neighbour query asks about, not a park */
    size_t park;
} tree_item;

typedef struct green_state {
    pc_ctx *ctx;
    const pc_profile *profile;
    const pc_green_options *opts;
    pc_green_result *r;
    const pc_layer *units;
    const pc_layer *subdistricts; /* NULL when absent */
    const pc_layer *builtup;      /* NULL when absent */
    GEOSGeometry *boundary;       /* owned union of the boundary, NULL when absent */
    GEOSGeometry *units_union;    /* owned */
    GEOSGeometry *park_union;     /* owned */
    piece_set parks;              /* disjoint pieces of the park union, tagged by class */
    piece_set res;                /* the area coverage denominator, tag 0 */
    piece_set res_covered;        /* of it inside a service area, tag 0 */
    int *class_of;                /* per park */
    int *tier_of;                 /* per park: its tier (the first it reaches), -1 when none */
    /* Parks that serve a radius */
    GEOSSTRtree *serving_tree;
    const GEOSPreparedGeometry **prepared; /* per park, NULL when it serves none */
    tree_item *items;                      /* per park */
    double max_radius_m;
    /* Network mode, per resident (NULL in radius mode) */
    unsigned char *net_covered; /* within a tier's radius of one of its parks' access points, on foot */
    unsigned char *unreachable; /* no street within max_access_m */
    double *walk_m;             /* on foot to the nearest access point of any serving park; INFINITY when none */
} green_state;

static void state_free(green_state *g)
{
    GEOSContextHandle_t geos = pc_ctx_geos(g->ctx);
    if (g->boundary)
        GEOSGeom_destroy_r(geos, g->boundary);
    if (g->units_union)
        GEOSGeom_destroy_r(geos, g->units_union);
    if (g->park_union)
        GEOSGeom_destroy_r(geos, g->park_union);
    pieces_free(geos, &g->parks);
    pieces_free(geos, &g->res);
    pieces_free(geos, &g->res_covered);
    free(g->class_of);
    free(g->tier_of);
    if (g->serving_tree)
        GEOSSTRtree_destroy_r(geos, g->serving_tree);
    if (g->prepared && g->r && g->r->parks)
        for (size_t i = 0; i < g->r->parks->n; i++)
            if (g->prepared[i])
                GEOSPreparedGeom_destroy_r(geos, g->prepared[i]);
    free(g->prepared);
    free(g->items);
    free(g->net_covered);
    free(g->unreachable);
    free(g->walk_m);
}

static void row_init(pc_green_row *row)
{
    memset(row, 0, sizeof *row);
    row->park_m2_per_person = NAN;
    row->park_service_cov = NAN;
    row->park_service_cov_area = NAN;
    row->target_per_person = row->gb_per_person = row->gb_service_cov = PC_GREEN_NA;
}

static pc_status rows_from_layer(pc_ctx *ctx, const pc_layer *layer, int with_tier, pc_green_row **out, size_t *n)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *out = calloc(layer->n ? layer->n : 1, sizeof **out);
    if (!*out)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    *n = layer->n;
    for (size_t i = 0; i < layer->n; i++) {
        pc_green_row *row = &(*out)[i];
        row_init(row);
        row->name = pc_layer_value(layer, PC_FIELD_NAME, i);
        row->name_zh = pc_layer_value(layer, PC_FIELD_NAME_ZH, i);
        row->tier = with_tier ? pc_layer_value(layer, PC_FIELD_TIER, i) : NULL;
        row->geom = layer->geoms[i];
        GEOSArea_r(geos, layer->geoms[i], &row->area_m2);
    }
    return PC_OK;
}

/* Union of the parks, class by class so the pieces do not overlap: where classes overlap the first wins. */
static pc_status build_park_pieces(green_state *g)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_layer *parks = g->r->parks;
    pc_status st = PC_OK;
    GEOSGeometry **members = malloc((parks->n ? parks->n : 1) * sizeof *members);
    GEOSGeometry *class_union = NULL, *fresh = NULL;
    if (!members)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    for (int k = 0; k < PC_GREEN_N_CLASSES; k++) {
        size_t n = 0;
        for (size_t i = 0; i < parks->n; i++)
            if (g->class_of[i] == k)
                members[n++] = parks->geoms[i];
        if (n == 0)
            continue;
        class_union = pc_geom_union_all(ctx, members, n);
        if (!class_union) {
            st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (g->park_union) {
            fresh = GEOSDifference_r(geos, class_union, g->park_union);
            GEOSGeometry *grown = fresh ? GEOSUnion_r(geos, g->park_union, class_union) : NULL;
            if (!fresh || !grown) {
                st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot union the %s parks with the others (%s)",
                                    pc_green_class_codes[k], pc_ctx_geos_message(ctx));
                goto done;
            }
            GEOSGeom_destroy_r(geos, g->park_union);
            g->park_union = grown;
            GEOSGeom_destroy_r(geos, class_union);
            class_union = NULL;
        } else {
            fresh = class_union;
            class_union = NULL;
            g->park_union = GEOSGeom_clone_r(geos, fresh);
        }
        if ((st = pieces_add(ctx, &g->parks, fresh, k)))
            goto done;
        GEOSGeom_destroy_r(geos, fresh);
        fresh = NULL;
        if ((st = pc_ctx_check_cancel(ctx)))
            goto done;
    }
    st = pieces_index(ctx, &g->parks);
done:
    if (fresh)
        GEOSGeom_destroy_r(geos, fresh);
    if (class_union)
        GEOSGeom_destroy_r(geos, class_union);
    free(members);
    return st;
}

/* Park, residential and covered residential area of one row (region NULL: everything). */
static pc_status row_areas(green_state *g, pc_green_row *row, const GEOSGeometry *region)
{
    GEOSContextHandle_t geos = pc_ctx_geos(g->ctx);
    const GEOSPreparedGeometry *prepared = NULL;
    pc_status st = PC_OK;
    if (region && !(prepared = GEOSPrepare_r(geos, region)))
        return pc_error_plain(g->ctx, PC_ERR_GEOM, "cannot prepare a unit (%s)", pc_ctx_geos_message(g->ctx));
    double res[1] = {0}, covered[1] = {0};
    if ((st = pieces_area_within(g->ctx, &g->parks, region, prepared, row->park_class_m2)) ||
        (st = pieces_area_within(g->ctx, &g->res, region, prepared, res)) ||
        (st = pieces_area_within(g->ctx, &g->res_covered, region, prepared, covered)))
        goto done;
    row->park_m2 = 0;
    for (int k = 0; k < PC_GREEN_N_CLASSES; k++)
        row->park_m2 += row->park_class_m2[k];
    row->res_m2 = res[0];
    row->res_covered_m2 = covered[0];
done:
    if (prepared)
        GEOSPreparedGeom_destroy_r(geos, prepared);
    return st;
}

/* Radius service areas: each serving park buffered by its radius, unioned per tier (tier->geom). */
static pc_status build_radius_areas(green_state *g)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    pc_status st = PC_OK;
    GEOSGeometry **buffers = calloc(parks->n ? parks->n : 1, sizeof *buffers);
    GEOSGeometry **members = calloc(parks->n + 1, sizeof *members);
    if (!buffers || !members) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < r->n_tiers; t++) {
        pc_green_tier *tier = &r->tiers[t];
        size_t n = 0;
        for (size_t i = 0; i < parks->n; i++) {
            if (g->tier_of[i] != (int)t || r->park_radius_m[i] <= 0)
                continue;
            buffers[i] = GEOSBuffer_r(geos, parks->geoms[i], r->park_radius_m[i], g->opts->quadsegs);
            if (!buffers[i]) {
                st = pc_error(ctx, PC_ERR_GEOM, parks->source, parks->layer_name, parks->fids[i], NULL,
                              "cannot buffer the park by %.0f m (%s)", r->park_radius_m[i], pc_ctx_geos_message(ctx));
                goto done;
            }
            members[n++] = buffers[i];
        }
        if (n == 0)
            continue;
        tier->geom = pc_geom_union_all(ctx, members, n);
        if (!tier->geom) {
            st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        if ((st = pc_ctx_check_cancel(ctx)))
            goto done;
    }
done:
    if (buffers)
        for (size_t i = 0; i < parks->n; i++)
            if (buffers[i])
                GEOSGeom_destroy_r(geos, buffers[i]);
    free(buffers);
    free(members);
    return st;
}

/* The area coverage: the residential (or built-up, or unit) area, and of it what lies in some tier's service area. */
static pc_status build_area_coverage(green_state *g, const pc_layer *residents)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    pc_status st = PC_OK;
    GEOSGeometry *members[PC_MAX_PARK_TIERS];
    GEOSGeometry **homes = NULL;
    GEOSGeometry *region = NULL, *served = NULL, *covered = NULL;

    /* The denominator: residential polygons when the residents are polygons, else built-up, else the units. */
    size_t n_polygons = 0;
    for (size_t i = 0; i < residents->n; i++)
        n_polygons += pc_geom_is_polygonal(ctx, residents->geoms[i]) != 0;
    if (n_polygons > 0) {
        homes = malloc(n_polygons * sizeof *homes);
        if (!homes) {
            st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        size_t n = 0;
        for (size_t i = 0; i < residents->n; i++)
            if (pc_geom_is_polygonal(ctx, residents->geoms[i]))
                homes[n++] = residents->geoms[i];
        region = pc_geom_union_all(ctx, homes, n);
        r->area_basis = "residential";
    } else if (g->builtup) {
        region = pc_geom_union_all(ctx, g->builtup->geoms, g->builtup->n);
        r->area_basis = "builtup";
    } else {
        region = GEOSGeom_clone_r(geos, g->units_union);
        r->area_basis = "structure";
    }
    if (!region) {
        st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = pieces_add(ctx, &g->res, region, 0)) || (st = pieces_index(ctx, &g->res)))
        goto done;

    size_t n = 0;
    for (size_t t = 0; t < r->n_tiers; t++)
        if (r->tiers[t].geom)
            members[n++] = r->tiers[t].geom;
    if (n > 0) {
        served = pc_geom_union_all(ctx, members, n);
        covered = served ? GEOSIntersection_r(geos, region, served) : NULL;
        if (!covered) {
            st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot intersect the service areas with the %s area (%s)",
                                r->area_basis, pc_ctx_geos_message(ctx));
            goto done;
        }
        if ((st = pieces_add(ctx, &g->res_covered, covered, 0)))
            goto done;
    }
    st = pieces_index(ctx, &g->res_covered);
done:
    if (covered)
        GEOSGeom_destroy_r(geos, covered);
    if (served)
        GEOSGeom_destroy_r(geos, served);
    if (region)
        GEOSGeom_destroy_r(geos, region);
    free(homes);
    return st;
}

/* ---------------------------------------------------------------- network mode */

/* Append an access point to r->access (cap tracks its room). Returns 0 when out of memory. */
static int access_push(pc_green_result *r, size_t *cap, size_t park, pc_green_access_kind kind, double x, double y,
                       const pc_attachment *at)
{
    if (r->n_access == *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 256;
        pc_green_access *grown = realloc(r->access, grown_cap * sizeof *grown);
        if (!grown)
            return 0;
        r->access = grown;
        *cap = grown_cap;
    }
    r->access[r->n_access++] = (pc_green_access){park, kind, x, y, *at, 0};
    return 1;
}

/* Order of the access points: by park, street crossings first, then as found (seq). */
typedef struct access_sort {
    pc_green_access a;
    size_t seq;
} access_sort;

static int access_cmp(const void *x, const void *y)
{
    const access_sort *p = x, *q = y;
    if (p->a.park != q->a.park)
        return p->a.park < q->a.park ? -1 : 1;
    if (p->a.kind != q->a.kind)
        return p->a.kind < q->a.kind ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static pc_status sort_access(pc_ctx *ctx, pc_green_result *r)
{
    access_sort *tmp = malloc((r->n_access ? r->n_access : 1) * sizeof *tmp);
    if (!tmp)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory sorting park access points");
    for (size_t k = 0; k < r->n_access; k++)
        tmp[k] = (access_sort){r->access[k], k};
    qsort(tmp, r->n_access, sizeof *tmp, access_cmp);
    for (size_t k = 0; k < r->n_access; k++)
        r->access[k] = tmp[k].a;
    free(tmp);
    return PC_OK;
}

/* The points of a (multi)point or (multi)line intersection: points, and the two ends of each line. */
static pc_status crossing_points(pc_ctx *ctx, const GEOSGeometry *geom, double *xy, size_t cap, size_t *n)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    int type = GEOSGeomTypeId_r(geos, geom);
    if (type == GEOS_POINT || type == GEOS_LINESTRING) {
        if (GEOSisEmpty_r(geos, geom) != 0)
            return PC_OK;
        const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(geos, geom);
        unsigned size = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(geos, seq, &size))
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot read a street crossing (%s)", pc_ctx_geos_message(ctx));
        unsigned ends[2] = {0, size ? size - 1 : 0};
        for (int k = 0; k < (type == GEOS_POINT ? 1 : 2) && size > 0; k++) {
            if (*n == cap)
                return PC_OK; /* callers size cap generously; more crossings of one street piece add nothing */
            if (!GEOSCoordSeq_getXY_r(geos, seq, ends[k], &xy[2 * *n], &xy[2 * *n + 1]))
                return pc_error_plain(ctx, PC_ERR_GEOM, "cannot read a street crossing (%s)",
                                      pc_ctx_geos_message(ctx));
            (*n)++;
        }
        return PC_OK;
    }
    int parts = GEOSGetNumGeometries_r(geos, geom);
    for (int k = 0; k < parts; k++) {
        pc_status st = crossing_points(ctx, GEOSGetGeometryN_r(geos, geom, k), xy, cap, n);
        if (st)
            return st;
    }
    return PC_OK;
}

/*
 * Access points of kind STREET: where an edge of the network crosses or touches the edge of a park
 * that serves a radius. One pass over the edges, each tested against an STRtree of the parks'
 * boundaries (prepared), so only edges near a park are intersected.
 */
static pc_status street_crossings(green_state *g, const pc_graph *graph, size_t *cap)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    pc_status st = PC_OK;
    GEOSGeometry **boundary = calloc(parks->n ? parks->n : 1, sizeof *boundary);
    const GEOSPreparedGeometry **prepared = calloc(parks->n ? parks->n : 1, sizeof *prepared);
    size_t *ids = malloc((parks->n ? parks->n : 1) * sizeof *ids);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(geos, 10);
    GEOSGeometry *line = NULL, *cut = NULL;
    candidates c = {0, 0, NULL, 0};
    enum { MAX_POINTS = 64 };
    double xy[2 * MAX_POINTS];
    if (!boundary || !prepared || !ids || !tree) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing the park edges");
        goto done;
    }
    for (size_t i = 0; i < parks->n; i++) {
        if (r->park_radius_m[i] <= 0)
            continue;
        boundary[i] = GEOSBoundary_r(geos, parks->geoms[i]);
        prepared[i] = boundary[i] ? GEOSPrepare_r(geos, boundary[i]) : NULL;
        if (!prepared[i]) {
            st = pc_error(ctx, PC_ERR_GEOM, parks->source, parks->layer_name, parks->fids[i], NULL,
                          "cannot take the park's edge (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        ids[i] = i;
        GEOSSTRtree_insert_r(geos, tree, parks->geoms[i], &ids[i]);
    }
    for (uint32_t e = 0; e < graph->n_edges; e++) {
        uint32_t c0 = graph->edge_coord[e], c1 = graph->edge_coord[e + 1];
        GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(geos, graph->coord_xy + 2 * (size_t)c0, c1 - c0, 0, 0);
        line = seq ? GEOSGeom_createLineString_r(geos, seq) : NULL;
        if (!line) {
            st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot copy a street edge (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        c.n = 0;
        GEOSSTRtree_query_r(geos, tree, line, collect_candidate, &c);
        if (c.failed) {
            st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory querying the park edges");
            goto done;
        }
        for (size_t k = 0; k < c.n; k++) {
            size_t i = c.ids[k];
            char hit = GEOSPreparedIntersects_r(geos, prepared[i], line);
            if (hit == 2) {
                st = pc_error_plain(ctx, PC_ERR_GEOM, "GEOS predicate failed (%s)", pc_ctx_geos_message(ctx));
                goto done;
            }
            if (!hit)
                continue;
            if (!(cut = GEOSIntersection_r(geos, boundary[i], line))) {
                st = pc_error(ctx, PC_ERR_GEOM, parks->source, parks->layer_name, parks->fids[i], NULL,
                              "cannot intersect the park's edge with a street (%s)", pc_ctx_geos_message(ctx));
                goto done;
            }
            size_t n = 0;
            if ((st = crossing_points(ctx, cut, xy, MAX_POINTS, &n)))
                goto done;
            GEOSGeom_destroy_r(geos, cut);
            cut = NULL;
            for (size_t p = 0; p < n; p++) {
                GEOSGeometry *point = pc_geom_point(ctx, xy[2 * p], xy[2 * p + 1]);
                double offset = point ? GEOSProject_r(geos, line, point) : -1;
                if (point)
                    GEOSGeom_destroy_r(geos, point);
                if (!(offset >= 0)) {
                    st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot place a park access point on its street (%s)",
                                        pc_ctx_geos_message(ctx));
                    goto done;
                }
                pc_attachment at = {e, fmin(offset, graph->edge_len_m[e]), 0.0};
                if (!access_push(r, cap, i, PC_GREEN_ACCESS_STREET, xy[2 * p], xy[2 * p + 1], &at)) {
                    st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory collecting park access points");
                    goto done;
                }
                r->n_access_street++;
            }
        }
        GEOSGeom_destroy_r(geos, line);
        line = NULL;
        if ((e & 16383) == 16383 && (st = pc_ctx_check_cancel(ctx)))
            goto done;
    }
done:
    if (cut)
        GEOSGeom_destroy_r(geos, cut);
    if (line)
        GEOSGeom_destroy_r(geos, line);
    free(c.ids);
    if (tree)
        GEOSSTRtree_destroy_r(geos, tree);
    for (size_t i = 0; prepared && i < parks->n; i++)
        if (prepared[i])
            GEOSPreparedGeom_destroy_r(geos, prepared[i]);
    for (size_t i = 0; boundary && i < parks->n; i++)
        if (boundary[i])
            GEOSGeom_destroy_r(geos, boundary[i]);
    free(ids);
    free((void *)prepared);
    free(boundary);
    return st;
}

/* Growable arrays of edge points: x, y and the park they belong to. */
typedef struct edge_points {
    size_t n, cap;
    double *x, *y;
    size_t *park;
} edge_points;

static void edge_points_free(edge_points *p)
{
    free(p->x);
    free(p->y);
    free(p->park);
    memset(p, 0, sizeof *p);
}

static int edge_points_push(edge_points *p, double x, double y, size_t park)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        double *gx = realloc(p->x, cap * sizeof *gx);
        if (gx)
            p->x = gx;
        double *gy = realloc(p->y, cap * sizeof *gy);
        if (gy)
            p->y = gy;
        size_t *gp = realloc(p->park, cap * sizeof *gp);
        if (gp)
            p->park = gp;
        if (!gx || !gy || !gp)
            return 0;
        p->cap = cap;
    }
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->park[p->n] = park;
    p->n++;
    return 1;
}

/* Points along the rings of a (multi)polygon: every vertex, and between two vertices at most spacing_m apart. */
static pc_status sample_edge(pc_ctx *ctx, const GEOSGeometry *geom, size_t park, double spacing_m, edge_points *out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    int type = GEOSGeomTypeId_r(geos, geom);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(geos, geom);
        for (int k = 0; k < n; k++) {
            pc_status st = sample_edge(ctx, GEOSGetGeometryN_r(geos, geom, k), park, spacing_m, out);
            if (st)
                return st;
        }
        return PC_OK;
    }
    if (type != GEOS_POLYGON || GEOSisEmpty_r(geos, geom) != 0)
        return PC_OK;
    int n_holes = GEOSGetNumInteriorRings_r(geos, geom);
    for (int ring_i = -1; ring_i < n_holes; ring_i++) {
        const GEOSGeometry *ring =
            ring_i < 0 ? GEOSGetExteriorRing_r(geos, geom) : GEOSGetInteriorRingN_r(geos, geom, ring_i);
        const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r(geos, ring) : NULL;
        unsigned size = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(geos, seq, &size))
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot read a park's edge (%s)", pc_ctx_geos_message(ctx));
        double *xy = malloc(((size_t)size + 1) * 2 * sizeof *xy);
        if (!xy)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading a park's edge");
        if (size > 0 && !GEOSCoordSeq_copyToBuffer_r(geos, seq, xy, 0, 0)) {
            free(xy);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot read a park's edge (%s)", pc_ctx_geos_message(ctx));
        }
        /* A closed ring: the last vertex repeats the first and is not sampled twice. */
        for (unsigned v = 0; v + 1 < size; v++) {
            double ax = xy[2 * v], ay = xy[2 * v + 1], bx = xy[2 * v + 2], by = xy[2 * v + 3];
            double len = hypot(bx - ax, by - ay);
            double steps = ceil(len / spacing_m);
            long k_max = steps < 1 ? 1 : steps > 1e6 ? 1000000 : (long)steps;
            for (long k = 0; k < k_max; k++) {
                double t = (double)k / (double)k_max;
                if (!edge_points_push(out, ax + t * (bx - ax), ay + t * (by - ay), park)) {
                    free(xy);
                    return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory sampling the park edges");
                }
            }
        }
        free(xy);
    }
    return PC_OK;
}

/* Access points of kind EDGE: points along each serving park's edge, attached to the nearest street. */
static pc_status edge_access(green_state *g, const pc_graph *graph, double max_access_m, size_t *cap)
{
    pc_ctx *ctx = g->ctx;
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    edge_points pts = {0, 0, NULL, NULL, NULL};
    pc_attachment *at = NULL;
    pc_status st = PC_OK;
    for (size_t i = 0; i < parks->n; i++)
        if (r->park_radius_m[i] > 0 &&
            (st = sample_edge(ctx, parks->geoms[i], i, g->opts->access_spacing_m, &pts)))
            goto done;
    at = malloc((pts.n ? pts.n : 1) * sizeof *at);
    if (!at) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory attaching %zu park edge points", pts.n);
        goto done;
    }
    if ((st = pc_graph_attach_points(ctx, graph, pts.n, pts.x, pts.y, max_access_m, at)))
        goto done;
    for (size_t k = 0; k < pts.n; k++)
        if (at[k].edge != PC_GRAPH_NONE &&
            !access_push(r, cap, pts.park[k], PC_GREEN_ACCESS_EDGE, pts.x[k], pts.y[k], &at[k])) {
            st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory collecting park access points");
            goto done;
        }
done:
    free(at);
    edge_points_free(&pts);
    return st;
}

/*
 * A tier's network service area: the reachable street pieces buffered by area_buffer_m, with the
 * tier's parks, clipped to the tier's radius service area (tier->geom, replaced). Caller keeps pieces.
 */
static pc_status network_tier_area(green_state *g, const pc_graph *graph, size_t t, const pc_graph_pieces *pieces)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    pc_green_tier *tier = &r->tiers[t];
    const pc_layer *parks = r->parks;
    pc_status st = PC_OK;
    GEOSGeometry *streets = NULL, *joined = NULL, *clipped = NULL;
    GEOSGeometry **members = malloc((parks->n + 1) * sizeof *members);
    if (!members)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    if (!(streets = pc_graph_pieces_buffer(ctx, graph, pieces, g->opts->area_buffer_m))) {
        st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : PC_ERR_GEOM;
        goto done;
    }
    size_t n = 0;
    members[n++] = streets;
    for (size_t i = 0; i < parks->n; i++)
        if (g->tier_of[i] == (int)t && r->park_radius_m[i] > 0)
            members[n++] = parks->geoms[i];
    if (!(joined = pc_geom_union_all(ctx, members, n))) {
        st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!(clipped = GEOSIntersection_r(geos, joined, tier->geom))) {
        st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot clip the network service area of parks >= %.0f m2 (%s)",
                            tier->min_area_m2, pc_ctx_geos_message(ctx));
        goto done;
    }
    GEOSGeom_destroy_r(geos, tier->geom);
    tier->geom = clipped;
done:
    if (joined)
        GEOSGeom_destroy_r(geos, joined);
    if (streets)
        GEOSGeom_destroy_r(geos, streets);
    free(members);
    return st;
}

/*
 * Network mode (see pc_green_mode): attach residents and park access points to the walking network,
 * one bounded search per tier, then one unbounded search for the walking distance of the uncovered.
 * Fills g->net_covered, g->walk_m, g->unreachable and the tiers' service areas.
 */
static pc_status network_cover(green_state *g, pc_plan *plan, const pc_layer *residents)
{
    pc_ctx *ctx = g->ctx;
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    const pc_profile *profile = g->profile;
    pc_status st = PC_OK;
    pc_graph *graph = NULL;
    pc_graph_search *search = NULL;
    pc_attachment *res_at = NULL, *sources = NULL;
    size_t *park_access = NULL;
    pc_graph_pieces pieces = PC_GRAPH_PIECES_INIT;
    size_t cap = 0, n = residents->n;

    if (!pc_plan_has(plan, PC_ROLE_STREETS))
        return pc_error(ctx, PC_ERR_DATA, pc_plan_path(plan), "streets", PC_NO_FID, NULL,
                        "green --mode network walks along the streets, and the plan has no 'streets' layer; add one "
                        "(or map one in a plan file) or use --mode radius");
    if ((st = pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0)) ||
        (st = pc_graph_build(ctx, &graph, pc_plan_layer(plan, PC_ROLE_STREETS), profile)))
        return st;
    r->n_nodes = graph->n_nodes;
    r->n_edges = graph->n_edges;
    r->n_components = graph->n_components;
    r->network = graph->stats;
    if (graph->n_edges == 0)
        pc_ctx_warn(ctx, "the streets layer gives no walkable street (all %zu lines excluded or degenerate); only "
                    "residents inside a park are covered in network mode (try --mode radius)", graph->stats.n_lines);

    res_at = malloc((n ? n : 1) * sizeof *res_at);
    g->net_covered = calloc(n ? n : 1, 1);
    g->unreachable = calloc(n ? n : 1, 1);
    g->walk_m = malloc((n ? n : 1) * sizeof *g->walk_m);
    park_access = calloc(parks->n ? parks->n : 1, sizeof *park_access);
    if (!res_at || !g->net_covered || !g->unreachable || !g->walk_m || !park_access) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory attaching %zu residents to the streets", n);
        goto done;
    }
    if ((st = pc_graph_attach_points(ctx, graph, n, residents->x, residents->y, profile->max_access_m, res_at)))
        goto done;
    for (size_t i = 0; i < n; i++)
        g->unreachable[i] = res_at[i].edge == PC_GRAPH_NONE;

    if ((st = street_crossings(g, graph, &cap)) || (st = edge_access(g, graph, profile->max_access_m, &cap)) ||
        (st = sort_access(ctx, r)))
        goto done;
    for (size_t k = 0; k < r->n_access; k++) {
        park_access[r->access[k].park]++;
        r->access[k].street_fid = graph->edge_fid[r->access[k].at.edge];
    }
    for (size_t i = 0; i < parks->n; i++)
        if (r->park_radius_m[i] > 0 && park_access[i] == 0)
            r->n_parks_unreached++;
    if (r->n_parks_unreached > 0)
        pc_ctx_warn(ctx, "%zu of the %zu parks that serve a radius have no street within %.0f m (max_access_m) of "
                    "their edge; they serve nobody in network mode", r->n_parks_unreached, r->n_parks_serving,
                    profile->max_access_m);

    sources = malloc((r->n_access ? r->n_access : 1) * sizeof *sources);
    if (!sources) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory for the park access points");
        goto done;
    }
    if ((st = pc_graph_search_create(ctx, &search, graph)))
        goto done;
    for (size_t t = 0; t < r->n_tiers; t++) {
        pc_green_tier *tier = &r->tiers[t];
        if (!tier->geom)
            continue; /* no park serves this tier's radius */
        size_t n_src = 0;
        for (size_t k = 0; k < r->n_access; k++)
            if (g->tier_of[r->access[k].park] == (int)t)
                sources[n_src++] = r->access[k].at;
        if ((st = pc_graph_search_run(ctx, search, sources, n_src, tier->radius_m)))
            goto done;
        for (size_t i = 0; i < n; i++)
            if (!g->net_covered[i] && pc_graph_search_distance_m(search, &res_at[i]) <= tier->radius_m)
                g->net_covered[i] = 1;
        if ((st = pc_graph_search_pieces(ctx, search, &pieces)))
            goto done;
        tier->reach_m = pc_graph_pieces_length_m(&pieces);
        if ((st = network_tier_area(g, graph, t, &pieces)))
            goto done;
        if ((st = pc_ctx_progress(ctx, 0.25 + 0.2 * (double)(t + 1) / (double)r->n_tiers,
                                  "green: park access along the street network")))
            goto done;
    }
    /* The walk to the nearest serving park of any tier, for the map of who lives too far. */
    for (size_t k = 0; k < r->n_access; k++)
        sources[k] = r->access[k].at;
    if ((st = pc_graph_search_run(ctx, search, sources, r->n_access, INFINITY)))
        goto done;
    for (size_t i = 0; i < n; i++)
        g->walk_m[i] = pc_graph_search_distance_m(search, &res_at[i]);
done:
    pc_graph_pieces_free(&pieces);
    pc_graph_search_destroy(search);
    free(park_access);
    free(sources);
    free(res_at);
    pc_graph_destroy(graph);
    return st;
}

typedef struct cover_query {
    green_state *g;
    const GEOSGeometry *point;
    int inside_only; /* network mode: only a park the point lies in or on covers it here */
    int covered;
    int failed;
} cover_query;

static void cover_visit(void *item, void *userdata)
{
    cover_query *q = userdata;
    if (q->covered || q->failed)
        return;
    const tree_item *it = item;
    GEOSContextHandle_t geos = pc_ctx_geos(q->g->ctx);
    char within = q->inside_only ? GEOSPreparedIntersects_r(geos, q->g->prepared[it->park], q->point)
                                 : GEOSPreparedDistanceWithin_r(geos, q->g->prepared[it->park], q->point,
                                                                q->g->r->park_radius_m[it->park]);
    if (within == 2)
        q->failed = 1;
    else if (within == 1)
        q->covered = 1;
}

typedef struct nearest_query {
    green_state *g;
    const GEOSGeometry *point;
} nearest_query;

static int nearest_distance(const void *a, const void *b, double *distance, void *userdata)
{
    nearest_query *q = userdata;
    const tree_item *ia = a, *ib = b;
    const tree_item *park = ia->is_query ? ib : ia;
    return GEOSDistance_r(pc_ctx_geos(q->g->ctx), q->g->r->parks->geoms[park->park], q->point, distance);
}

/* Residents: units, population, and whether some park serves them (by radius, or on foot in network mode). */
static pc_status cover_residents(green_state *g, const pc_layer *residents)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    pc_status st = PC_OK;
    size_t n = residents->n;
    int *unit_of = malloc((n ? n : 1) * sizeof *unit_of);
    int *subdistrict_of = malloc((n ? n : 1) * sizeof *subdistrict_of);
    GEOSGeometry *point = NULL, *window = NULL;
    if (!unit_of || !subdistrict_of) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = pc_units_locate_points(ctx, g->units, n, residents->x, residents->y, unit_of)) ||
        (st = pc_units_locate_points(ctx, g->subdistricts, n, residents->x, residents->y, subdistrict_of)))
        goto done;

    g->serving_tree = GEOSSTRtree_create_r(geos, 10);
    g->prepared = calloc(parks->n ? parks->n : 1, sizeof *g->prepared);
    g->items = calloc(parks->n + 1, sizeof *g->items);
    r->uncovered = malloc((n ? n : 1) * sizeof *r->uncovered);
    if (!g->serving_tree || !g->prepared || !g->items || !r->uncovered) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < parks->n; i++) {
        if (r->park_radius_m[i] <= 0)
            continue;
        if (!(g->prepared[i] = GEOSPrepare_r(geos, parks->geoms[i]))) {
            st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot prepare a park (%s)", pc_ctx_geos_message(ctx));
            goto done;
        }
        g->items[i].park = i;
        GEOSSTRtree_insert_r(geos, g->serving_tree, parks->geoms[i], &g->items[i]);
        if (r->park_radius_m[i] > g->max_radius_m)
            g->max_radius_m = r->park_radius_m[i];
    }
    tree_item *query_item = &g->items[parks->n];
    query_item->is_query = 1;

    for (size_t i = 0; i < n; i++) {
        double x = residents->x[i], y = residents->y[i], pop = residents->pop[i];
        pc_green_row *rows[3] = {&r->total, unit_of[i] >= 0 ? &r->units[unit_of[i]] : NULL,
                                 subdistrict_of[i] >= 0 ? &r->subdistricts[subdistrict_of[i]] : NULL};
        if (!rows[1])
            r->pop_outside_units += pop;
        int network = g->net_covered != NULL;
        int covered = network && g->net_covered[i];
        if (network && g->unreachable[i]) {
            r->n_unreachable++;
            r->pop_unreachable += pop;
        }
        if (r->n_parks_serving > 0 && !covered) {
            point = pc_geom_point(ctx, x, y);
            /* Network mode asks only for the parks the point is in: their envelopes hold the point. */
            window = point && !network ? GEOSGeom_createRectangle_r(geos, x - g->max_radius_m, y - g->max_radius_m,
                                                                    x + g->max_radius_m, y + g->max_radius_m)
                                       : NULL;
            if (!point || (!network && !window)) {
                st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            cover_query q = {g, point, network, 0, 0};
            GEOSSTRtree_query_r(geos, g->serving_tree, network ? point : window, cover_visit, &q);
            if (q.failed) {
                st = pc_error(ctx, PC_ERR_GEOM, residents->source, residents->layer_name, residents->fids[i], NULL,
                              "distance to a park failed (%s)", pc_ctx_geos_message(ctx));
                goto done;
            }
            covered = q.covered;
        }
        for (int k = 0; k < 3; k++) {
            if (!rows[k])
                continue;
            rows[k]->n_residents++;
            rows[k]->pop += pop;
            if (covered)
                rows[k]->pop_covered += pop;
        }
        if (!covered && pop > 0) {
            pc_green_uncovered *u = &r->uncovered[r->n_uncovered++];
            u->resident = i;
            u->unit = unit_of[i];
            u->subdistrict = subdistrict_of[i];
            u->nearest_park_m = INFINITY;
            u->nearest_park = -1;
            u->nearest_park_walk_m = network ? g->walk_m[i] : NAN;
            u->unreachable = network && g->unreachable[i];
            if (r->n_parks_serving > 0) {
                if (!point && !(point = pc_geom_point(ctx, x, y))) {
                    st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                    goto done;
                }
                nearest_query nq = {g, point};
                const tree_item *best = GEOSSTRtree_nearest_generic_r(geos, g->serving_tree, query_item, point,
                                                                      nearest_distance, &nq);
                if (best && !best->is_query) {
                    u->nearest_park = (int)best->park;
                    GEOSDistance_r(geos, parks->geoms[best->park], point, &u->nearest_park_m);
                }
            }
        }
        if (point)
            GEOSGeom_destroy_r(geos, point);
        if (window)
            GEOSGeom_destroy_r(geos, window);
        point = window = NULL;
        if ((i & 1023) == 1023 &&
            (st = pc_ctx_progress(ctx, 0.5 + 0.3 * (double)i / (double)n, "green: residents and park service radii")))
            goto done;
    }
done:
    if (point)
        GEOSGeom_destroy_r(geos, point);
    if (window)
        GEOSGeom_destroy_r(geos, window);
    free(unit_of);
    free(subdistrict_of);
    return st;
}

static void row_finish(pc_green_row *row, const pc_green_result *r)
{
    if (row->pop > 0) {
        row->park_m2_per_person = row->park_m2 / row->pop;
        row->park_service_cov = row->pop_covered / row->pop;
        row->target_per_person = row->park_m2_per_person >= r->target_park_m2_per_person ? PC_GREEN_PASS
                                                                                         : PC_GREEN_FAIL;
        /* GB 55014-2021 as ../shared/STANDARDS.md gives it: more than 8.0 m2, more than 80%. */
        row->gb_per_person = row->park_m2_per_person > r->gb_park_m2_per_person ? PC_GREEN_PASS : PC_GREEN_FAIL;
        row->gb_service_cov = row->park_service_cov > r->gb_park_service_coverage ? PC_GREEN_PASS : PC_GREEN_FAIL;
    }
    if (row->res_m2 > 0)
        row->park_service_cov_area = row->res_covered_m2 / row->res_m2;
}

pc_status pc_green_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_green_options *opts,
                       pc_green_result **out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_options defaults = PC_GREEN_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    *out = NULL;
    if ((opts->mode != PC_GREEN_RADIUS && opts->mode != PC_GREEN_NETWORK) || opts->quadsegs < 1 ||
        !(opts->area_buffer_m > 0) || !isfinite(opts->area_buffer_m) || !(opts->access_spacing_m > 0) ||
        !isfinite(opts->access_spacing_m))
        return pc_error_plain(ctx, PC_ERR_ARG,
                              "green: bad options (mode %d, quadsegs %d, area_buffer_m %g, access_spacing_m %g); "
                              "quadsegs must be at least 1 and the distances positive",
                              (int)opts->mode, opts->quadsegs, opts->area_buffer_m, opts->access_spacing_m);
    pc_status st;
    if ((st = pc_plan_load(ctx, plan, PC_ROLE_STRUCTURE, PC_FIELD_BIT(PC_FIELD_NAME))) ||
        (st = pc_plan_load(ctx, plan, PC_ROLE_PARKS, 0)) ||
        (st = pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP))))
        return st;
    if (pc_plan_has(plan, PC_ROLE_SUBDISTRICTS) &&
        (st = pc_plan_load(ctx, plan, PC_ROLE_SUBDISTRICTS, PC_FIELD_BIT(PC_FIELD_NAME))))
        return st;
    if (pc_plan_has(plan, PC_ROLE_BUILTUP) && (st = pc_plan_load(ctx, plan, PC_ROLE_BUILTUP, 0)))
        return st;
    if (pc_plan_has(plan, PC_ROLE_BOUNDARY) && (st = pc_plan_load(ctx, plan, PC_ROLE_BOUNDARY, 0)))
        return st;

    green_state g;
    memset(&g, 0, sizeof g);
    g.ctx = ctx;
    g.profile = profile;
    g.opts = opts;
    g.units = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
    g.subdistricts = pc_plan_layer(plan, PC_ROLE_SUBDISTRICTS);
    g.builtup = pc_plan_layer(plan, PC_ROLE_BUILTUP);
    const pc_layer *residents = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    const pc_layer *boundary = pc_plan_layer(plan, PC_ROLE_BOUNDARY);

    pc_green_result *r = calloc(1, sizeof *r);
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    g.r = r;
    r->mode = opts->mode;
    r->area_basis = "structure";
    if (opts->mode == PC_GREEN_NETWORK) {
        r->area_buffer_m = opts->area_buffer_m;
        r->access_spacing_m = opts->access_spacing_m;
        r->max_access_m = profile->max_access_m;
    }
    r->target_park_m2_per_person = profile->target_park_m2_per_person;
    r->gb_park_m2_per_person = profile->gb_park_m2_per_person;
    r->gb_park_service_coverage = profile->gb_park_service_coverage;
    snprintf(r->park_rule, sizeof r->park_rule, "%s", profile->park_rule);
    r->parks = pc_plan_layer(plan, PC_ROLE_PARKS);
    r->residents = residents;
    const pc_layer *parks = r->parks;

    if ((st = pc_ctx_progress(ctx, 0.0, "green: parks")))
        goto done;
    if ((st = rows_from_layer(ctx, g.units, 1, &r->units, &r->n_units)))
        goto done;
    if (g.subdistricts && (st = rows_from_layer(ctx, g.subdistricts, 0, &r->subdistricts, &r->n_subdistricts)))
        goto done;
    row_init(&r->total);
    r->total.name = "Total";
    r->total.name_zh = "合计";

    /* Each park's own area sets its radius; overlapping parks still count once for area (the union). */
    r->park_area_m2 = calloc(parks->n ? parks->n : 1, sizeof *r->park_area_m2);
    r->park_radius_m = calloc(parks->n ? parks->n : 1, sizeof *r->park_radius_m);
    g.class_of = calloc(parks->n ? parks->n : 1, sizeof *g.class_of);
    g.tier_of = calloc(parks->n ? parks->n : 1, sizeof *g.tier_of);
    if (!r->park_area_m2 || !r->park_radius_m || !g.class_of || !g.tier_of) {
        st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    r->n_tiers = (size_t)(profile->n_park_tiers > 0 ? profile->n_park_tiers : 0);
    for (size_t t = 0; t < r->n_tiers; t++) {
        r->tiers[t].min_area_m2 = profile->park_tiers[t].min_area_m2;
        r->tiers[t].radius_m = profile->park_tiers[t].radius_m;
    }
    for (size_t i = 0; i < parks->n; i++) {
        GEOSArea_r(geos, parks->geoms[i], &r->park_area_m2[i]);
        r->park_radius_m[i] = pc_profile_park_radius_m(profile, r->park_area_m2[i]);
        g.class_of[i] = class_index(pc_layer_value(parks, PC_FIELD_CLASS, i));
        if (g.class_of[i] != CLASS_OTHER)
            r->has_classes = 1;
        if (r->park_radius_m[i] > 0)
            r->n_parks_serving++;
        /* The tier is the first (largest) one the park reaches, as pc_profile_park_radius_m decides. */
        g.tier_of[i] = -1;
        for (size_t t = 0; t < r->n_tiers; t++)
            if (r->park_area_m2[i] >= r->tiers[t].min_area_m2) {
                g.tier_of[i] = (int)t;
                r->tiers[t].n_parks++;
                r->tiers[t].park_m2 += r->park_area_m2[i];
                break;
            }
    }
    if ((st = build_park_pieces(&g)))
        goto done;
    g.units_union = pc_geom_union_all(ctx, g.units->geoms, g.units->n);
    if (!g.units_union) {
        st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (boundary && boundary->n > 0) {
        g.boundary = pc_geom_union_all(ctx, boundary->geoms, boundary->n);
        if (!g.boundary) {
            st = pc_ctx_status(ctx) ? pc_ctx_status(ctx) : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    GEOSArea_r(geos, g.boundary ? g.boundary : g.units_union, &r->total.area_m2);

    if ((st = pc_ctx_progress(ctx, 0.2, "green: park service areas")))
        goto done;
    if ((st = build_radius_areas(&g)))
        goto done;
    if (opts->mode == PC_GREEN_NETWORK) {
        if ((st = pc_ctx_progress(ctx, 0.25, "green: park access along the street network")))
            goto done;
        if ((st = network_cover(&g, plan, residents)))
            goto done;
    }
    if ((st = build_area_coverage(&g, residents)))
        goto done;
    if ((st = pc_ctx_progress(ctx, 0.5, "green: residents and park service radii")))
        goto done;
    if ((st = cover_residents(&g, residents)))
        goto done;

    if ((st = pc_ctx_progress(ctx, 0.8, "green: park area per unit")))
        goto done;
    for (size_t u = 0; u < r->n_units; u++)
        if ((st = row_areas(&g, &r->units[u], r->units[u].geom)))
            goto done;
    for (size_t u = 0; u < r->n_subdistricts; u++)
        if ((st = row_areas(&g, &r->subdistricts[u], r->subdistricts[u].geom)))
            goto done;
    if ((st = row_areas(&g, &r->total, g.boundary)))
        goto done;
    double in_units[PC_GREEN_N_CLASSES] = {0}, all[PC_GREEN_N_CLASSES] = {0};
    const GEOSPreparedGeometry *prepared_units = GEOSPrepare_r(geos, g.units_union);
    if (!prepared_units) {
        st = pc_error_plain(ctx, PC_ERR_GEOM, "cannot prepare the units (%s)", pc_ctx_geos_message(ctx));
        goto done;
    }
    st = pieces_area_within(ctx, &g.parks, g.units_union, prepared_units, in_units);
    GEOSPreparedGeom_destroy_r(geos, prepared_units);
    if (st)
        goto done;
    pieces_area_within(ctx, &g.parks, NULL, NULL, all);
    for (int k = 0; k < PC_GREEN_N_CLASSES; k++)
        r->park_m2_outside_units += all[k] - in_units[k];
    if (r->park_m2_outside_units < 1e-6 * (r->total.park_m2 + 1))
        r->park_m2_outside_units = 0; /* rounding of the intersections */

    for (size_t u = 0; u < r->n_units; u++)
        row_finish(&r->units[u], r);
    for (size_t u = 0; u < r->n_subdistricts; u++)
        row_finish(&r->subdistricts[u], r);
    row_finish(&r->total, r);
    st = pc_ctx_progress(ctx, 1.0, "green: done");
done:
    state_free(&g);
    if (st) {
        pc_green_result_destroy(ctx, r);
        return st;
    }
    *out = r;
    return PC_OK;
}

void pc_green_result_destroy(pc_ctx *ctx, pc_green_result *r)
{
    if (!r)
        return;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    for (size_t t = 0; t < r->n_tiers; t++)
        if (r->tiers[t].geom)
            GEOSGeom_destroy_r(geos, r->tiers[t].geom);
    free(r->units);
    free(r->subdistricts);
    free(r->park_area_m2);
    free(r->park_radius_m);
    free(r->uncovered);
    free(r->access);
    free(r);
}

/* ---------------------------------------------------------------- JSON */

/* A number rounded to a multiple of unit, written with no more digits than it has (null when not finite). */
static json_object *json_round(double v, double unit)
{
    if (!isfinite(v))
        return NULL;
    v = round(v / unit) * unit;
    if (v == floor(v) && fabs(v) < 9e15)
        return json_object_new_int64((int64_t)v);
    char text[64];
    snprintf(text, sizeof text, "%.15g", v);
    return json_object_new_double_s(v, text);
}

static json_object *json_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *row_json(const pc_green_row *row, int with_tier)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_str(row->name));
    json_object_object_add(o, "name_zh", json_str(row->name_zh));
    if (with_tier)
        json_object_object_add(o, "tier", json_str(row->tier));
    json_object_object_add(o, "area_km2", json_round(row->area_m2 / 1e6, 1e-4));
    json_object_object_add(o, "residents", json_object_new_int64((int64_t)row->n_residents));
    json_object_object_add(o, "pop", json_round(row->pop, 1e-3));
    json_object_object_add(o, "park_m2", json_round(row->park_m2, 0.01));
    json_object *classes = json_object_new_object();
    for (int k = 0; k < PC_GREEN_N_CLASSES; k++)
        json_object_object_add(classes, pc_green_class_codes[k], json_round(row->park_class_m2[k], 0.01));
    json_object_object_add(o, "park_class_m2", classes);
    json_object_object_add(o, "park_m2_per_person", json_round(row->park_m2_per_person, 1e-4));
    json_object_object_add(o, "pop_covered", json_round(row->pop_covered, 1e-3));
    json_object_object_add(o, "park_service_cov", json_round(row->park_service_cov, 1e-6));
    json_object_object_add(o, "res_m2", json_round(row->res_m2, 0.01));
    json_object_object_add(o, "res_covered_m2", json_round(row->res_covered_m2, 0.01));
    json_object_object_add(o, "park_service_cov_area", json_round(row->park_service_cov_area, 1e-6));
    json_object *v = json_object_new_object();
    json_object_object_add(v, "target_park_m2_per_person", json_str(pc_green_check_name(row->target_per_person)));
    json_object_object_add(v, "gb_park_m2_per_person", json_str(pc_green_check_name(row->gb_per_person)));
    json_object_object_add(v, "gb_park_service_cov", json_str(pc_green_check_name(row->gb_service_cov)));
    json_object_object_add(o, "verdicts", v);
    return o;
}

json_object *pc_green_to_json(const pc_plan *plan, const pc_green_result *r)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object_object_add(root, "mode", json_object_new_string(pc_green_mode_name(r->mode)));
    json_object_object_add(root, "area_basis", json_object_new_string(r->area_basis));

    json_object *targets = json_object_new_object();
    json_object_object_add(targets, "target_park_m2_per_person", json_round(r->target_park_m2_per_person, 1e-9));
    json_object_object_add(targets, "gb_park_m2_per_person", json_round(r->gb_park_m2_per_person, 1e-9));
    json_object_object_add(targets, "gb_park_service_cov", json_round(r->gb_park_service_coverage, 1e-9));
    json_object_object_add(targets, "rule", json_object_new_string(r->park_rule));
    json_object *tiers = json_object_new_array();
    for (size_t t = 0; t < r->n_tiers; t++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "min_area_m2", json_round(r->tiers[t].min_area_m2, 1e-6));
        json_object_object_add(o, "radius_m", json_round(r->tiers[t].radius_m, 1e-6));
        json_object_object_add(o, "parks", json_object_new_int64((int64_t)r->tiers[t].n_parks));
        json_object_object_add(o, "park_m2", json_round(r->tiers[t].park_m2, 0.01));
        if (r->mode == PC_GREEN_NETWORK)
            json_object_object_add(o, "reach_km", json_round(r->tiers[t].reach_m / 1e3, 1e-6));
        json_object_array_add(tiers, o);
    }
    json_object_object_add(targets, "park_tiers", tiers);
    json_object_object_add(root, "targets", targets);

    json_object *units = json_object_new_array();
    for (size_t u = 0; u < r->n_units; u++)
        json_object_array_add(units, row_json(&r->units[u], 1));
    json_object_object_add(root, "units", units);
    json_object *subs = json_object_new_array();
    for (size_t u = 0; u < r->n_subdistricts; u++)
        json_object_array_add(subs, row_json(&r->subdistricts[u], 0));
    json_object_object_add(root, "subdistricts", subs);
    json_object *total = row_json(&r->total, 0);
    json_object_object_add(total, "pop_outside_units", json_round(r->pop_outside_units, 1e-3));
    json_object_object_add(total, "park_m2_outside_units", json_round(r->park_m2_outside_units, 0.01));
    double uncovered_pop = 0;
    for (size_t k = 0; k < r->n_uncovered; k++)
        uncovered_pop += r->residents->pop[r->uncovered[k].resident];
    json_object_object_add(total, "uncovered_residents", json_object_new_int64((int64_t)r->n_uncovered));
    json_object_object_add(total, "uncovered_pop", json_round(uncovered_pop, 1e-3));
    if (r->mode == PC_GREEN_NETWORK) {
        json_object_object_add(total, "unreachable_residents", json_object_new_int64((int64_t)r->n_unreachable));
        json_object_object_add(total, "unreachable_pop", json_round(r->pop_unreachable, 1e-3));
    }
    json_object_object_add(root, "total", total);

    json_object *parks = json_object_new_object();
    json_object_object_add(parks, "count", json_object_new_int64((int64_t)r->parks->n));
    json_object_object_add(parks, "serving", json_object_new_int64((int64_t)r->n_parks_serving));
    json_object_object_add(parks, "has_classes", json_object_new_boolean(r->has_classes));
    json_object_object_add(parks, "source_crs", json_str(r->parks->source_crs));
    json_object_object_add(parks, "repaired", json_object_new_int64((int64_t)r->parks->n_repaired));
    json_object_object_add(parks, "skipped_invalid", json_object_new_int64((int64_t)r->parks->n_skipped_invalid));
    json_object_object_add(parks, "skipped_empty", json_object_new_int64((int64_t)r->parks->n_skipped_empty));
    json_object_object_add(root, "parks", parks);

    if (r->mode == PC_GREEN_NETWORK) {
        json_object *net = json_object_new_object();
        json_object_object_add(net, "nodes", json_object_new_int64(r->n_nodes));
        json_object_object_add(net, "edges", json_object_new_int64(r->n_edges));
        json_object_object_add(net, "components", json_object_new_int64(r->n_components));
        json_object_object_add(net, "street_km", json_round(r->network.length_m / 1e3, 1e-6));
        json_object_object_add(net, "lines", json_object_new_int64((int64_t)r->network.n_lines));
        json_object_object_add(net, "lines_excluded", json_object_new_int64((int64_t)r->network.n_lines_excluded));
        json_object_object_add(net, "max_access_m", json_round(r->max_access_m, 1e-6));
        json_object_object_add(net, "access_spacing_m", json_round(r->access_spacing_m, 1e-6));
        json_object_object_add(net, "area_buffer_m", json_round(r->area_buffer_m, 1e-6));
        json_object_object_add(net, "access_points", json_object_new_int64((int64_t)r->n_access));
        json_object_object_add(net, "access_points_street", json_object_new_int64((int64_t)r->n_access_street));
        json_object_object_add(net, "parks_unreached", json_object_new_int64((int64_t)r->n_parks_unreached));
        json_object_object_add(root, "network", net);
    }
    return root;
}

/* ---------------------------------------------------------------- output layers */

/* A MultiPolygon copy of a polygonal geometry (caller owns), so every feature of a layer has one type. */
static GEOSGeometry *as_multi(pc_ctx *ctx, const GEOSGeometry *g)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (GEOSGeomTypeId_r(geos, g) != GEOS_POLYGON)
        return GEOSGeom_clone_r(geos, g);
    GEOSGeometry *part = GEOSGeom_clone_r(geos, g);
    if (!part)
        return NULL;
    return GEOSGeom_createCollection_r(geos, GEOS_MULTIPOLYGON, &part, 1);
}

static void set_real(OGRFeatureH f, const char *field, double v)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i < 0)
        return;
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static void set_str(OGRFeatureH f, const char *field, const char *v)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i < 0)
        return;
    if (v)
        OGR_F_SetFieldString(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static pc_status write_rows(pc_ctx *ctx, pc_writer *w, const char *name, const pc_green_row *rows, size_t n,
                            int with_tier)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    const pc_field_def fields[] = {
        {"name", OFTString},           {"name_zh", OFTString},
        {"tier", OFTString},           {"pop", OFTReal},
        {"park_m2", OFTReal},          {"g11_m2", OFTReal},
        {"g12_m2", OFTReal},           {"g13_m2", OFTReal},
        {"g14_m2", OFTReal},           {"other_m2", OFTReal},
        {"park_m2_per_person", OFTReal}, {"pop_covered", OFTReal},
        {"park_service_cov", OFTReal}, {"res_m2", OFTReal},
        {"res_covered_m2", OFTReal},   {"park_service_cov_area", OFTReal},
        {"target_park_m2_per_person", OFTString}, {"gb_park_m2_per_person", OFTString},
        {"gb_park_service_cov", OFTString}};
    static const char *const class_fields[PC_GREEN_N_CLASSES] = {"g11_m2", "g12_m2", "g13_m2", "g14_m2", "other_m2"};
    OGRLayerH layer = NULL;
    pc_status st = pc_writer_layer(w, &layer, name, wkbMultiPolygon, fields, (int)(sizeof fields / sizeof *fields));
    if (st)
        return st;
    for (size_t u = 0; u < n; u++) {
        const pc_green_row *row = &rows[u];
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "name", row->name);
        set_str(f, "name_zh", row->name_zh);
        set_str(f, "tier", with_tier ? row->tier : NULL);
        set_real(f, "pop", row->pop);
        set_real(f, "park_m2", row->park_m2);
        for (int k = 0; k < PC_GREEN_N_CLASSES; k++)
            set_real(f, class_fields[k], row->park_class_m2[k]);
        set_real(f, "park_m2_per_person", row->park_m2_per_person);
        set_real(f, "pop_covered", row->pop_covered);
        set_real(f, "park_service_cov", row->park_service_cov);
        set_real(f, "res_m2", row->res_m2);
        set_real(f, "res_covered_m2", row->res_covered_m2);
        set_real(f, "park_service_cov_area", row->park_service_cov_area);
        set_str(f, "target_park_m2_per_person", pc_green_check_name(row->target_per_person));
        set_str(f, "gb_park_m2_per_person", pc_green_check_name(row->gb_per_person));
        set_str(f, "gb_park_service_cov", pc_green_check_name(row->gb_service_cov));
        GEOSGeometry *geom = row->geom ? as_multi(ctx, row->geom) : NULL;
        if (row->geom && !geom) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot copy a unit (%s)", pc_ctx_geos_message(ctx));
        }
        st = pc_writer_put(w, layer, f, geom);
        if (geom)
            GEOSGeom_destroy_r(geos, geom);
        if (st)
            return st;
    }
    return PC_OK;
}

pc_status pc_green_write(pc_ctx *ctx, pc_writer *w, const pc_green_result *r)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status st = write_rows(ctx, w, "green_units", r->units, r->n_units, 1);
    if (st)
        return st;
    if (r->n_subdistricts && (st = write_rows(ctx, w, "green_subdistricts", r->subdistricts, r->n_subdistricts, 0)))
        return st;

    const pc_field_def tier_fields[] = {{"min_area_m2", OFTReal}, {"radius_m", OFTReal}, {"parks", OFTInteger},
                                        {"park_m2", OFTReal},     {"area_m2", OFTReal},  {"mode", OFTString},
                                        {"buffer_m", OFTReal},    {"reach_m", OFTReal}};
    OGRLayerH layer = NULL;
    if ((st = pc_writer_layer(w, &layer, "park_service_areas", wkbMultiPolygon, tier_fields,
                              (int)(sizeof tier_fields / sizeof *tier_fields))))
        return st;
    for (size_t t = 0; t < r->n_tiers; t++) {
        const pc_green_tier *tier = &r->tiers[t];
        if (!tier->geom)
            continue;
        OGRFeatureH f = pc_writer_feature(layer);
        double area = 0;
        GEOSArea_r(geos, tier->geom, &area);
        set_real(f, "min_area_m2", tier->min_area_m2);
        set_real(f, "radius_m", tier->radius_m);
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "parks"), (int)tier->n_parks);
        set_real(f, "park_m2", tier->park_m2);
        set_real(f, "area_m2", area);
        set_str(f, "mode", pc_green_mode_name(r->mode));
        set_real(f, "buffer_m", r->mode == PC_GREEN_NETWORK ? r->area_buffer_m : NAN);
        set_real(f, "reach_m", r->mode == PC_GREEN_NETWORK ? tier->reach_m : NAN);
        GEOSGeometry *geom = as_multi(ctx, tier->geom);
        if (!geom) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_GEOM, "cannot copy a service area (%s)", pc_ctx_geos_message(ctx));
        }
        st = pc_writer_put(w, layer, f, geom);
        GEOSGeom_destroy_r(geos, geom);
        if (st)
            return st;
    }

    const pc_field_def res_fields[] = {{"resident_fid", OFTInteger64}, {"pop", OFTReal},
                                       {"unit", OFTString},            {"subdistrict", OFTString},
                                       {"nearest_park", OFTString},    {"nearest_park_m", OFTReal},
                                       {"nearest_park_radius_m", OFTReal}, {"nearest_park_walk_m", OFTReal},
                                       {"unreachable", OFTInteger}};
    if ((st = pc_writer_layer(w, &layer, "park_uncovered_residents", wkbPoint, res_fields,
                              (int)(sizeof res_fields / sizeof *res_fields))))
        return st;
    for (size_t k = 0; k < r->n_uncovered; k++) {
        const pc_green_uncovered *u = &r->uncovered[k];
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)r->residents->fids[u->resident]);
        set_real(f, "pop", r->residents->pop[u->resident]);
        set_str(f, "unit", u->unit >= 0 ? r->units[u->unit].name : NULL);
        set_str(f, "subdistrict", u->subdistrict >= 0 ? r->subdistricts[u->subdistrict].name : NULL);
        set_str(f, "nearest_park", u->nearest_park >= 0 ? pc_layer_value(r->parks, PC_FIELD_NAME, (size_t)u->nearest_park)
                                                        : NULL);
        set_real(f, "nearest_park_m", u->nearest_park_m);
        set_real(f, "nearest_park_radius_m", u->nearest_park >= 0 ? r->park_radius_m[u->nearest_park] : NAN);
        set_real(f, "nearest_park_walk_m", u->nearest_park_walk_m);
        if (r->mode == PC_GREEN_NETWORK)
            OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "unreachable"), u->unreachable);
        else
            OGR_F_SetFieldNull(f, OGR_F_GetFieldIndex(f, "unreachable"));
        GEOSGeometry *point = pc_geom_point(ctx, r->residents->x[u->resident], r->residents->y[u->resident]);
        if (!point) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        }
        st = pc_writer_put(w, layer, f, point);
        GEOSGeom_destroy_r(geos, point);
        if (st)
            return st;
    }
    if (r->mode != PC_GREEN_NETWORK)
        return PC_OK;

    const pc_field_def access_fields[] = {{"park_fid", OFTInteger64}, {"park", OFTString},     {"kind", OFTString},
                                          {"street_fid", OFTInteger64}, {"access_m", OFTReal}, {"radius_m", OFTReal}};
    if ((st = pc_writer_layer(w, &layer, "park_access_points", wkbPoint, access_fields,
                              (int)(sizeof access_fields / sizeof *access_fields))))
        return st;
    for (size_t k = 0; k < r->n_access; k++) {
        const pc_green_access *a = &r->access[k];
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)r->parks->fids[a->park]);
        set_str(f, "park", pc_layer_value(r->parks, PC_FIELD_NAME, a->park));
        set_str(f, "kind", a->kind == PC_GREEN_ACCESS_STREET ? "street" : "edge");
        OGR_F_SetFieldInteger64(f, 3, (GIntBig)a->street_fid);
        set_real(f, "access_m", a->at.access_m);
        set_real(f, "radius_m", r->park_radius_m[a->park]);
        GEOSGeometry *point = pc_geom_point(ctx, a->x, a->y);
        if (!point) {
            OGR_F_Destroy(f);
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        }
        st = pc_writer_put(w, layer, f, point);
        GEOSGeom_destroy_r(geos, point);
        if (st)
            return st;
    }
    return PC_OK;
}
