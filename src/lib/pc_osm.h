/* pc_osm.h: a plan from an OpenStreetMap extract: walkable streets, facilities by a tag table, parks, residents. */
#ifndef PC_OSM_H
#define PC_OSM_H

#include "pc_ctx.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include <json-c/json.h>

/** Attribution every output derived from OpenStreetMap must carry. */
#define PC_OSM_ATTRIBUTION "(c) OpenStreetMap contributors, ODbL 1.0"

/** Options for pc_osm_import. Units are in the names; all pointers are borrowed. */
typedef struct pc_osm_options {
    const char *crs;               /* analysis CRS "EPSG:n"; NULL: pc_crs_auto_epsg at the study area's centre */
    const char *boundary_path;     /* study area polygons (any GDAL vector source, "FILE|layername=L" allowed);
                                      NULL: the extract's bounds (its header bounds, else its data extent) */
    const char *structure_path;    /* structure units (fields name, name_zh, tier); NULL: one unit per boundary polygon */
    double population;             /* total residents spread by floor area; <= 0: not given */
    const char *population_raster; /* population raster (GeoTIFF ...) sampled cell by cell; NULL: none */
    const char *name;              /* study area name when the boundary has none; NULL: the extract's file stem */
    const pc_profile *profile;     /* facilities whose category it lacks are skipped and counted; NULL: built-in default */
    double default_levels;         /* storeys of apartments/residential/dormitory/untyped buildings without a level tag */
    double default_levels_house;   /* storeys of house/detached/semidetached_house/terrace/bungalow/farm without one */
    double storey_height_m;        /* storeys = height / this when only `height` is tagged */
    double landuse_floor_ratio;    /* floor area per m2 of residential landuse that has no residential building */
} pc_osm_options;
#define PC_OSM_OPTIONS_INIT {NULL, NULL, NULL, 0.0, NULL, NULL, NULL, 6.0, 2.0, 3.0, 1.0}

/** One counted key: a category, a highway class, a tag, or a skip reason (layer set). */
typedef struct pc_osm_count {
    const char *layer; /* skipped: the output layer the objects were meant for (static string); else NULL */
    char *key;         /* "primary_school", "footway", "amenity=restaurant", "highway=motorway without sidewalk" */
    size_t n;          /* objects */
} pc_osm_count;

/** A list of counts in a fixed order (see each use). */
typedef struct pc_osm_tally {
    size_t n;
    pc_osm_count *items;
} pc_osm_tally;

/** Where the residents' pop values come from. */
typedef enum pc_osm_pop_source {
    PC_OSM_POP_SHARE = 0, /* no population given: pop is the floor-area share (all pops sum to 1) */
    PC_OSM_POP_TOTAL,     /* --population N spread by floor area */
    PC_OSM_POP_RASTER     /* --population-raster: each cell split over the features whose point lies in it */
} pc_osm_pop_source;

/** What pc_osm_import did (caller owns; pc_osm_result_destroy). */
typedef struct pc_osm_result {
    char crs[32];          /* analysis CRS of the plan, "EPSG:4548" */
    char *extract;         /* the extract as given */
    char *output;          /* the plan written */
    char *boundary_source; /* "extract bounds", "data extent" or the --boundary path */
    size_t n_features[PC_ROLE_COUNT]; /* features written per role layer */
    pc_osm_tally categories;   /* facilities per category code, in profile order, zeros included */
    pc_osm_tally highways;     /* streets per highway class, most first */
    pc_osm_tally park_classes; /* parks per class G11, G12, G13, G14 */
    pc_osm_tally residents;    /* residents per kind: "building=apartments", ..., "landuse=residential" */
    pc_osm_tally skipped;      /* objects a rule matched but that were left out, per layer and reason */
    pc_osm_tally unmapped;     /* objects with amenity/shop/leisure/... tags that map to no category, per main tag */
    size_t n_repaired;         /* invalid polygons repaired with GEOSMakeValid */
    size_t n_resident_buildings, n_resident_landuse;
    double floor_area_m2;      /* residential floor area of all residents */
    double pop_total;          /* sum of pop written */
    pc_osm_pop_source pop_source;
    double population;             /* PC_OSM_POP_TOTAL: the N given */
    double raster_pop_in_boundary; /* PC_OSM_POP_RASTER: population of cells whose centre lies in the boundary */
    double raster_pop_unassigned;  /* ... of those, in cells holding no residential feature (not in any pop) */
    char note[256];                /* one line on how pop was made, e.g. "no population given: pop is floor-area share" */
} pc_osm_result;

/**
 * Import an OpenStreetMap extract (.osm.pbf or .osm, read with GDAL's OSM driver only) into a plan
 * GeoPackage at out_path with the layers boundary, structure, residents, facilities, streets, parks and
 * (when the extract has any) coastline, in the analysis CRS. The output is written whole or not at all.
 * The tag tables are documented in pc_osm.c and the README. options may be NULL (defaults).
 * On success *out is owned by the caller (pc_osm_result_destroy). The library prints nothing.
 */
pc_status pc_osm_import(pc_ctx *ctx, pc_osm_result **out, const char *extract_path, const char *out_path,
                        const pc_osm_options *options);

/** The JSON form of a result (caller owns; json_object_put). */
json_object *pc_osm_to_json(const pc_osm_result *result);

/** Count of key in a tally (0 when absent). For skipped, key is "layer: reason". */
size_t pc_osm_tally_get(const pc_osm_tally *tally, const char *key);

/** Free a result. Accepts NULL. */
void pc_osm_result_destroy(pc_osm_result *result);

#endif
