/* pc_units.h: reporting units (structure, subdistricts) and the unit each point falls in. */
#ifndef PC_UNITS_H
#define PC_UNITS_H

#include "pc_plan.h"

/** A spatial index over a polygon layer's features, for point location. */
typedef struct pc_unit_index pc_unit_index;

/** Build an index over the polygons of units (borrowed; must outlive the index). Caller owns *out. */
pc_status pc_unit_index_create(pc_ctx *ctx, pc_unit_index **out, const pc_layer *units);
/** Destroy an index. Accepts NULL. */
void pc_unit_index_destroy(pc_ctx *ctx, pc_unit_index *index);
/** Index of the first unit whose polygon covers (x, y), or -1 when none does. */
int pc_unit_index_locate(pc_ctx *ctx, pc_unit_index *index, double x, double y);

/** Locate n points in units: out_unit[i] = unit index or -1. units may be NULL (all -1). */
pc_status pc_units_locate_points(pc_ctx *ctx, const pc_layer *units, size_t n, const double *x, const double *y,
                                 int *out_unit);

#endif
