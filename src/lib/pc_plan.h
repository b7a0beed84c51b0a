/* pc_plan.h: a plan: role layers from any GDAL source (or a *.plan file), reprojected to one CRS. */
#ifndef PC_PLAN_H
#define PC_PLAN_H

#include "pc_ctx.h"
#include "pc_profile.h"

/** The roles a layer can play in a plan (../shared/INTERFACE.md). */
typedef enum pc_role {
    PC_ROLE_BOUNDARY = 0,
    PC_ROLE_STRUCTURE,
    PC_ROLE_SUBDISTRICTS,
    PC_ROLE_BUILTUP,
    PC_ROLE_RESIDENTS,
    PC_ROLE_FACILITIES,
    PC_ROLE_STREETS,
    PC_ROLE_PARKS,
    PC_ROLE_REDLINES,
    PC_ROLE_COASTLINE,
    PC_ROLE_SITES,
    PC_ROLE_COUNT
} pc_role;

/** Attribute fields plancheck reads, by their canonical names. */
typedef enum pc_field {
    PC_FIELD_NAME = 0,
    PC_FIELD_NAME_ZH,
    PC_FIELD_TIER,
    PC_FIELD_POP,
    PC_FIELD_CATEGORY,
    PC_FIELD_HIGHWAY,
    PC_FIELD_CLASS,
    PC_FIELD_KIND,
    PC_FIELD_RULE,
    PC_FIELD_USE,
    PC_FIELD_COUNT
} pc_field;

#define PC_FIELD_BIT(f) (1u << (f))

/** How invalid polygons are treated on read. */
typedef enum pc_invalid_policy { PC_INVALID_REPAIR = 0, PC_INVALID_SKIP, PC_INVALID_FAIL } pc_invalid_policy;

/** Options for pc_plan_open. */
typedef struct pc_plan_options {
    const char *crs;           /* analysis CRS ("EPSG:4548"); NULL: the plan's or automatic */
    pc_invalid_policy invalid; /* default repair */
    const char *schema;        /* PostGIS schema for PG: plans; NULL: search path */
} pc_plan_options;
#define PC_PLAN_OPTIONS_INIT {NULL, PC_INVALID_REPAIR, NULL}

/** A role layer read into memory, in the analysis CRS. Owned by its plan. */
typedef struct pc_layer {
    pc_role role;
    char *source;        /* datasource as given (passwords removed) */
    char *layer_name;    /* layer inside the source */
    char *source_crs;    /* CRS before reprojection, e.g. "EPSG:4326" */
    char *geometry_type; /* OGR geometry type name of the layer */
    size_t n;            /* features kept */
    GEOSGeometry **geoms; /* n geometries, analysis CRS, valid, never NULL or empty */
    int64_t *fids;       /* n source feature ids */
    char **fields[PC_FIELD_COUNT]; /* per canonical field: NULL when absent, else n values (NULL = null) */
    double *pop;         /* residents: n populations (validated: finite, >= 0) */
    double *x, *y;       /* residents, facilities, sites: a representative point (point on surface) */
    size_t n_source;     /* features in the source */
    size_t n_repaired;   /* invalid polygons repaired */
    size_t n_skipped_invalid; /* invalid polygons skipped */
    size_t n_skipped_empty;   /* null or empty geometries skipped */
    double extent[4];    /* minx, miny, maxx, maxy in the analysis CRS */
} pc_layer;

/** What pc_plan_open learned of a role's source without reading its features. */
typedef struct pc_layer_info {
    int present;
    const char *source;
    const char *layer_name;
    const char *source_crs;
    const char *geometry_type;
    long long feature_count;
} pc_layer_info;

typedef struct pc_plan pc_plan;

/** Name of a role ("residents"). */
const char *pc_role_name(pc_role role);
/** Role of a name, or -1. */
int pc_role_from_name(const char *name);
/** Canonical name of a field ("pop"). */
const char *pc_field_name(pc_field field);

/**
 * Open a plan: a GDAL vector source (GeoPackage, PG:..., GeoJSON, ...) whose layers are named by
 * role, or a *.plan file mapping roles to layers in any GDAL source. Finds every role present and
 * its CRS, and chooses the analysis CRS. Features are read later by pc_plan_load.
 * On success *out is owned by the caller (pc_plan_destroy).
 */
pc_status pc_plan_open(pc_ctx *ctx, pc_plan **out, const char *path, const pc_plan_options *options);
/** Destroy a plan and its layers. Accepts NULL. */
void pc_plan_destroy(pc_plan *plan);

/** The path the plan was opened from (borrowed). */
const char *pc_plan_path(const pc_plan *plan);
/** The analysis CRS as "EPSG:n" (borrowed). */
const char *pc_plan_crs(const pc_plan *plan);
/** The analysis CRS as OGR spatial reference (borrowed). */
void *pc_plan_srs(const pc_plan *plan);
/** Profile file named by the plan file's [profile] section, or NULL (borrowed). */
const char *pc_plan_profile_path(const pc_plan *plan);
/** What is known of a role before reading (borrowed pointers, valid while the plan lives). */
pc_layer_info pc_plan_info(const pc_plan *plan, pc_role role);
/** Extent of a role's source in the analysis CRS, without reading features. Returns 0 when unknown. */
int pc_plan_extent(const pc_plan *plan, pc_role role, double env[4]);
/**
 * Non-zero when the plan has a source for the role with features: an empty layer counts as absent
 * (pc_plan_open warns about it; pc_plan_info still shows it).
 */
int pc_plan_has(const pc_plan *plan, pc_role role);

/**
 * Read a role's features into memory (once; later calls return at once). Fields in
 * required_fields (PC_FIELD_BIT mask) must exist, or the error names the layer and field and the
 * fix. A role that is absent, empty, or whose every feature was skipped (null, empty or invalid
 * geometry) is an error naming the role: callers that can do without a role test pc_plan_has first.
 */
pc_status pc_plan_load(pc_ctx *ctx, pc_plan *plan, pc_role role, unsigned required_fields);
/** The loaded layer of a role, or NULL when not loaded (borrowed). */
const pc_layer *pc_plan_layer(const pc_plan *plan, pc_role role);

/** Value of a field of feature i, or NULL when absent or null (borrowed). */
const char *pc_layer_value(const pc_layer *layer, pc_field field, size_t i);

/**
 * Read an extra layer in the plan's CRS, with the same checks, for a role (e.g. --sites FILE).
 * path may be "source" or "source|layername=NAME". Caller owns *out (pc_layer_destroy).
 */
pc_status pc_plan_read_extra(pc_ctx *ctx, const pc_plan *plan, pc_role role, const char *path,
                             unsigned required_fields, pc_layer **out);
/** Free a layer made by pc_plan_read_extra. Accepts NULL. */
void pc_layer_destroy(pc_ctx *ctx, pc_layer *layer);

/** Choose the automatic analysis CRS for a lon/lat point: CGCS2000 3-degree GK zone in China, UTM elsewhere. */
int pc_crs_auto_epsg(double lon, double lat);

#endif
