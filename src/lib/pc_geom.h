/* pc_geom.h: the bridge between OGR and GEOS geometries, and small GEOS helpers. */
#ifndef PC_GEOM_H
#define PC_GEOM_H

#include "pc_ctx.h"
#include <ogr_api.h>

/** Convert an OGR geometry to GEOS (caller owns the result; NULL on error with ctx set). */
GEOSGeometry *pc_geom_from_ogr(pc_ctx *ctx, OGRGeometryH geometry);
/** Convert a GEOS geometry to OGR (caller owns; OGR_G_DestroyGeometry). NULL on error. */
OGRGeometryH pc_geom_to_ogr(pc_ctx *ctx, const GEOSGeometry *geometry);

/** Envelope of a geometry: env = {minx, miny, maxx, maxy}. Returns 0 on an empty geometry. */
int pc_geom_envelope(pc_ctx *ctx, const GEOSGeometry *geometry, double env[4]);
/** Grow env to include other. */
void pc_geom_envelope_expand(double env[4], const double other[4]);

/** Non-zero when the geometry is (multi)polygonal. */
int pc_geom_is_polygonal(pc_ctx *ctx, const GEOSGeometry *geometry);
/** Non-zero when the geometry is (multi)lineal. */
int pc_geom_is_lineal(pc_ctx *ctx, const GEOSGeometry *geometry);
/** Non-zero when the geometry is a point or multipoint. */
int pc_geom_is_puntal(pc_ctx *ctx, const GEOSGeometry *geometry);

/**
 * Repair a polygonal geometry with GEOSMakeValid (structure method, collapsed parts dropped).
 * Returns a new polygonal geometry (caller owns), or NULL when nothing polygonal is left.
 */
GEOSGeometry *pc_geom_make_valid_polygonal(pc_ctx *ctx, const GEOSGeometry *geometry);

/** A point inside (or on) the geometry: the point itself, or GEOSPointOnSurface. Returns 0 on error. */
int pc_geom_representative_xy(pc_ctx *ctx, const GEOSGeometry *geometry, double *x, double *y);

/** Create a GEOS point (caller owns). */
GEOSGeometry *pc_geom_point(pc_ctx *ctx, double x, double y);

/** Union of many geometries (borrowed inputs; caller owns the result). NULL on error; empty collection for n=0. */
GEOSGeometry *pc_geom_union_all(pc_ctx *ctx, GEOSGeometry *const *geometries, size_t n);

#endif
