/* pc_units.c: reporting units (structure, subdistricts) and the unit each point falls in. */
#include "pc_units.h"
#include "pc_geom.h"

#include <stdlib.h>

struct pc_unit_index {
    const pc_layer *units;
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prepared;
    size_t *ids; /* payloads for the tree: ids[i] = i */
};

pc_status pc_unit_index_create(pc_ctx *ctx, pc_unit_index **out, const pc_layer *units)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *out = NULL;
    pc_unit_index *index = calloc(1, sizeof *index);
    if (!index)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing units");
    index->units = units;
    index->tree = GEOSSTRtree_create_r(geos, 10);
    index->prepared = calloc(units->n ? units->n : 1, sizeof *index->prepared);
    index->ids = calloc(units->n ? units->n : 1, sizeof *index->ids);
    if (!index->tree || !index->prepared || !index->ids) {
        pc_unit_index_destroy(ctx, index);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory indexing units");
    }
    for (size_t i = 0; i < units->n; i++) {
        index->ids[i] = i;
        index->prepared[i] = GEOSPrepare_r(geos, units->geoms[i]);
        GEOSSTRtree_insert_r(geos, index->tree, units->geoms[i], &index->ids[i]);
    }
    *out = index;
    return PC_OK;
}

void pc_unit_index_destroy(pc_ctx *ctx, pc_unit_index *index)
{
    if (!index)
        return;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (index->tree)
        GEOSSTRtree_destroy_r(geos, index->tree);
    if (index->prepared)
        for (size_t i = 0; i < index->units->n; i++)
            if (index->prepared[i])
                GEOSPreparedGeom_destroy_r(geos, index->prepared[i]);
    free(index->prepared);
    free(index->ids);
    free(index);
}

typedef struct locate_query {
    pc_ctx *ctx;
    pc_unit_index *index;
    const GEOSGeometry *point;
    long best;
} locate_query;

static void locate_visit(void *item, void *userdata)
{
    locate_query *q = userdata;
    size_t i = *(size_t *)item;
    /* Lowest index wins, so a point on a shared edge always lands in the same unit. */
    if (q->best >= 0 && (long)i >= q->best)
        return;
    if (GEOSPreparedIntersects_r(pc_ctx_geos(q->ctx), q->index->prepared[i], q->point) == 1)
        q->best = (long)i;
}

int pc_unit_index_locate(pc_ctx *ctx, pc_unit_index *index, double x, double y)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSGeometry *point = pc_geom_point(ctx, x, y);
    if (!point)
        return -1;
    locate_query q = {ctx, index, point, -1};
    GEOSSTRtree_query_r(geos, index->tree, point, locate_visit, &q);
    GEOSGeom_destroy_r(geos, point);
    return (int)q.best;
}

pc_status pc_units_locate_points(pc_ctx *ctx, const pc_layer *units, size_t n, const double *x, const double *y,
                                 int *out_unit)
{
    if (!units) {
        for (size_t i = 0; i < n; i++)
            out_unit[i] = -1;
        return PC_OK;
    }
    pc_unit_index *index = NULL;
    pc_status s = pc_unit_index_create(ctx, &index, units);
    if (s)
        return s;
    for (size_t i = 0; i < n; i++) {
        out_unit[i] = pc_unit_index_locate(ctx, index, x[i], y[i]);
        if ((i & 8191) == 8191 && (s = pc_ctx_check_cancel(ctx)))
            break;
    }
    pc_unit_index_destroy(ctx, index);
    return s;
}
