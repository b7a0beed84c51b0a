/* pc_geom.c: the bridge between OGR and GEOS geometries, and small GEOS helpers. */
#include "pc_geom.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>

GEOSGeometry *pc_geom_from_ogr(pc_ctx *ctx, OGRGeometryH geometry)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    OGRGeometryH linear = NULL;
    if (OGR_GT_IsNonLinear(OGR_G_GetGeometryType(geometry))) {
        linear = OGR_G_GetLinearGeometry(geometry, 0, NULL);
        if (!linear) {
            pc_error_plain(ctx, PC_ERR_GEOM, "cannot linearise a curve geometry (%s)", CPLGetLastErrorMsg());
            return NULL;
        }
        geometry = linear;
    }
    if (OGR_G_CoordinateDimension(geometry) > 2 || OGR_G_IsMeasured(geometry)) {
        /* Analyses are 2D: drop Z and M. */
        if (!linear) {
            linear = OGR_G_Clone(geometry);
            if (!linear) {
                pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory converting a geometry");
                return NULL;
            }
        }
        OGR_G_FlattenTo2D(linear);
        OGR_G_SetMeasured(linear, 0);
        geometry = linear;
    }
    int size = OGR_G_WkbSize(geometry);
    unsigned char *wkb = malloc(size > 0 ? (size_t)size : 1);
    GEOSGeometry *out = NULL;
    if (!wkb) {
        pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory converting a geometry");
        goto done;
    }
    if (OGR_G_ExportToIsoWkb(geometry, wkbNDR, wkb) != OGRERR_NONE) {
        pc_error_plain(ctx, PC_ERR_GEOM, "cannot export geometry to WKB (%s)", CPLGetLastErrorMsg());
        goto done;
    }
    GEOSWKBReader *reader = GEOSWKBReader_create_r(geos);
    out = GEOSWKBReader_read_r(geos, reader, wkb, (size_t)size);
    GEOSWKBReader_destroy_r(geos, reader);
    if (!out)
        pc_error_plain(ctx, PC_ERR_GEOM, "GEOS cannot read the geometry (%s)", pc_ctx_geos_message(ctx));
done:
    free(wkb);
    if (linear)
        OGR_G_DestroyGeometry(linear);
    return out;
}

OGRGeometryH pc_geom_to_ogr(pc_ctx *ctx, const GEOSGeometry *geometry)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSWKBWriter *writer = GEOSWKBWriter_create_r(geos);
    GEOSWKBWriter_setOutputDimension_r(geos, writer, 2);
    size_t size = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(geos, writer, geometry, &size);
    GEOSWKBWriter_destroy_r(geos, writer);
    if (!wkb) {
        pc_error_plain(ctx, PC_ERR_GEOM, "GEOS cannot write the geometry (%s)", pc_ctx_geos_message(ctx));
        return NULL;
    }
    OGRGeometryH out = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &out, (int)size) != OGRERR_NONE) {
        pc_error_plain(ctx, PC_ERR_GEOM, "OGR cannot read a geometry from GEOS (%s)", CPLGetLastErrorMsg());
        out = NULL;
    }
    GEOSFree_r(geos, wkb);
    return out;
}

int pc_geom_envelope(pc_ctx *ctx, const GEOSGeometry *g, double env[4])
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (!g || GEOSisEmpty_r(geos, g) != 0)
        return 0;
    return GEOSGeom_getXMin_r(geos, g, &env[0]) && GEOSGeom_getYMin_r(geos, g, &env[1]) &&
           GEOSGeom_getXMax_r(geos, g, &env[2]) && GEOSGeom_getYMax_r(geos, g, &env[3]);
}

void pc_geom_envelope_expand(double env[4], const double other[4])
{
    if (other[0] < env[0]) env[0] = other[0];
    if (other[1] < env[1]) env[1] = other[1];
    if (other[2] > env[2]) env[2] = other[2];
    if (other[3] > env[3]) env[3] = other[3];
}

int pc_geom_is_polygonal(pc_ctx *ctx, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(pc_ctx_geos(ctx), g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

int pc_geom_is_lineal(pc_ctx *ctx, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(pc_ctx_geos(ctx), g);
    return t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING || t == GEOS_LINEARRING;
}

int pc_geom_is_puntal(pc_ctx *ctx, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(pc_ctx_geos(ctx), g);
    return t == GEOS_POINT || t == GEOS_MULTIPOINT;
}

/* Collect the polygons of a geometry (collections included) into a multipolygon. */
static GEOSGeometry *polygonal_part(GEOSContextHandle_t geos, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(geos, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        return GEOSGeom_clone_r(geos, g);
    int n = GEOSGetNumGeometries_r(geos, g);
    GEOSGeometry **parts = calloc(n > 0 ? (size_t)n * 4 : 1, sizeof *parts);
    size_t count = 0;
    if (!parts)
        return NULL;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *sub = GEOSGetGeometryN_r(geos, g, i);
        int st = GEOSGeomTypeId_r(geos, sub);
        if (st == GEOS_POLYGON)
            parts[count++] = GEOSGeom_clone_r(geos, sub);
        else if (st == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(geos, sub); j++) {
                if (count >= (size_t)n * 4)
                    break;
                parts[count++] = GEOSGeom_clone_r(geos, GEOSGetGeometryN_r(geos, sub, j));
            }
    }
    GEOSGeometry *out = NULL;
    if (count > 0)
        out = GEOSGeom_createCollection_r(geos, GEOS_MULTIPOLYGON, parts, (unsigned)count);
    free(parts);
    return out;
}

GEOSGeometry *pc_geom_make_valid_polygonal(pc_ctx *ctx, const GEOSGeometry *g)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(geos);
    GEOSMakeValidParams_setMethod_r(geos, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(geos, params, 0);
    GEOSGeometry *fixed = GEOSMakeValidWithParams_r(geos, g, params);
    GEOSMakeValidParams_destroy_r(geos, params);
    if (!fixed)
        return NULL;
    GEOSGeometry *out = polygonal_part(geos, fixed);
    GEOSGeom_destroy_r(geos, fixed);
    if (out && (GEOSisEmpty_r(geos, out) != 0 || GEOSisValid_r(geos, out) != 1)) {
        GEOSGeom_destroy_r(geos, out);
        out = NULL;
    }
    return out;
}

int pc_geom_representative_xy(pc_ctx *ctx, const GEOSGeometry *g, double *x, double *y)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    if (GEOSGeomTypeId_r(geos, g) == GEOS_POINT)
        return GEOSGeomGetX_r(geos, g, x) && GEOSGeomGetY_r(geos, g, y);
    GEOSGeometry *p = GEOSPointOnSurface_r(geos, g);
    if (!p)
        return 0;
    int ok = GEOSGeomGetX_r(geos, p, x) && GEOSGeomGetY_r(geos, p, y);
    GEOSGeom_destroy_r(geos, p);
    return ok;
}

GEOSGeometry *pc_geom_point(pc_ctx *ctx, double x, double y)
{
    return GEOSGeom_createPointFromXY_r(pc_ctx_geos(ctx), x, y);
}

GEOSGeometry *pc_geom_union_all(pc_ctx *ctx, GEOSGeometry *const *geometries, size_t n)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSGeometry **clones = calloc(n ? n : 1, sizeof *clones);
    if (!clones)
        return NULL;
    for (size_t i = 0; i < n; i++)
        clones[i] = GEOSGeom_clone_r(geos, geometries[i]);
    /* The collection takes ownership of the clones. */
    GEOSGeometry *collection = GEOSGeom_createCollection_r(geos, GEOS_GEOMETRYCOLLECTION, clones, (unsigned)n);
    free(clones);
    if (!collection)
        return NULL;
    GEOSGeometry *out = GEOSUnaryUnion_r(geos, collection);
    GEOSGeom_destroy_r(geos, collection);
    if (!out)
        pc_error_plain(ctx, PC_ERR_GEOM, "union failed (%s)", pc_ctx_geos_message(ctx));
    return out;
}
