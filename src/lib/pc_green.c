/* pc_green.c: park green space per person (union of parks per unit) and park service-radius coverage. */
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

/* Service areas: each serving park buffered by its radius, unioned per tier; then the covered residential area. */
static pc_status build_service_areas(green_state *g, const pc_layer *residents)
{
    pc_ctx *ctx = g->ctx;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_green_result *r = g->r;
    const pc_layer *parks = r->parks;
    pc_status st = PC_OK;
    GEOSGeometry **buffers = calloc(parks->n ? parks->n : 1, sizeof *buffers);
    GEOSGeometry **members = calloc(parks->n + r->n_tiers + 1, sizeof *members);
    GEOSGeometry **homes = NULL;
    GEOSGeometry *region = NULL, *served = NULL, *covered = NULL;
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
    if (buffers)
        for (size_t i = 0; i < parks->n; i++)
            if (buffers[i])
                GEOSGeom_destroy_r(geos, buffers[i]);
    free(buffers);
    free(members);
    free(homes);
    return st;
}

typedef struct cover_query {
    green_state *g;
    const GEOSGeometry *point;
    int covered;
    int failed;
} cover_query;

static void cover_visit(void *item, void *userdata)
{
    cover_query *q = userdata;
    if (q->covered || q->failed)
        return;
    const tree_item *it = item;
    char within = GEOSPreparedDistanceWithin_r(pc_ctx_geos(q->g->ctx), q->g->prepared[it->park], q->point,
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

/* Residents: units, population, and whether some park's service radius reaches them. */
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
        int covered = 0;
        if (r->n_parks_serving > 0) {
            point = pc_geom_point(ctx, x, y);
            window = point ? GEOSGeom_createRectangle_r(geos, x - g->max_radius_m, y - g->max_radius_m,
                                                        x + g->max_radius_m, y + g->max_radius_m)
                           : NULL;
            if (!window) {
                st = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
                goto done;
            }
            cover_query q = {g, point, 0, 0};
            GEOSSTRtree_query_r(geos, g->serving_tree, window, cover_visit, &q);
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
            if (r->n_parks_serving > 0) {
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
    if (opts->mode == PC_GREEN_NETWORK)
        return pc_error(ctx, PC_ERR_ARG, pc_plan_path(plan), NULL, PC_NO_FID, NULL,
                        "--mode network is not available yet for green (the walking network has not landed); "
                        "use --mode radius");
    if (opts->mode != PC_GREEN_RADIUS || opts->quadsegs < 1)
        return pc_error_plain(ctx, PC_ERR_ARG, "green: bad options (mode %d, quadsegs %d)", (int)opts->mode,
                              opts->quadsegs);
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
    if ((st = build_service_areas(&g, residents)))
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
                                        {"park_m2", OFTReal},     {"area_m2", OFTReal}};
    OGRLayerH layer = NULL;
    if ((st = pc_writer_layer(w, &layer, "park_service_areas", wkbMultiPolygon, tier_fields, 5)))
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
                                       {"nearest_park_radius_m", OFTReal}};
    if ((st = pc_writer_layer(w, &layer, "park_uncovered_residents", wkbPoint, res_fields, 7)))
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
    return PC_OK;
}
