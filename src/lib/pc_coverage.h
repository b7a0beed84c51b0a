/* pc_coverage.h: 15/10/5-minute life circle coverage along the street network (or by straight-line radius). */
#ifndef PC_COVERAGE_H
#define PC_COVERAGE_H

#include "pc_graph.h"
#include "pc_output.h"
#include "pc_plan.h"
#include "pc_profile.h"

#include <json-c/json.h>

/** How distances to facilities are measured. */
typedef enum pc_coverage_mode {
    PC_COVERAGE_NETWORK = 0, /* walking along the streets, with access legs (default) */
    PC_COVERAGE_RADIUS       /* straight line (the common buffer method), no streets needed */
} pc_coverage_mode;

/** Options for pc_coverage_run. */
typedef struct pc_coverage_options {
    pc_coverage_mode mode;
    /* Proposed facilities added to the plan's (borrowed, may be NULL): a facilities-role layer in the
     * plan's CRS, e.g. from pc_plan_read_extra(..., PC_ROLE_FACILITIES, ...), with x, y and category.
     * The result then also holds the plan as it is (rows' *_before) and the change (*_gained). */
    const pc_layer *extra_facilities;
    double area_buffer_m; /* service-area polygons: reachable street pieces buffered by this (default 100 m) */
    double gap_link_m;    /* uncovered residents closer than this belong to one gap (default 250 m) */
    int service_areas;    /* 1: build the service-area polygons (pc_coverage_write needs them; costly on big
                             networks); 0: skip them (the built-up share does not need them) */
} pc_coverage_options;
#define PC_COVERAGE_OPTIONS_INIT {PC_COVERAGE_NETWORK, NULL, 100.0, 250.0, 1}

/** Per-resident flags in pc_coverage_result.flags. */
#define PC_COVERAGE_LEVEL_BIT(level_index) (1u << (level_index)) /* covered at pc_levels_min[level_index] */
#define PC_COVERAGE_UNREACHABLE 0x10u /* no street within the profile's max_access_m */
#define PC_COVERAGE_CUT_OFF 0x20u     /* on a street component without any facility */

/** Coverage of one reporting unit (a structure unit, a subdistrict, or the total). */
typedef struct pc_coverage_row {
    const char *name;    /* borrowed from the plan; "Total" for the total */
    const char *name_zh; /* borrowed; may be NULL */
    const char *tier;    /* borrowed; NULL for subdistricts and the total */
    size_t n_residents;
    double pop;
    double pop_level[PC_N_LEVELS]; /* population covered at 15, 10, 5 minutes (pc_levels_min order) */
    double cov_level[PC_N_LEVELS]; /* share of pop; NaN when pop is 0 or the level has no category */
    double pop_category[PC_MAX_CATEGORIES]; /* population within the walking distance of each category */
    double cov_category[PC_MAX_CATEGORIES]; /* share; NaN when pop is 0 */
    double builtup_m2;       /* built-up area in the unit (NaN when the plan has neither builtup nor structure),
                                measured on a lattice of builtup_cell_m cells */
    double builtup_cov15_m2; /* of it inside the 15-minute service area (cells whose centre is inside) */
    double cov15_builtup;    /* share; NaN when there is no built-up area */
    double gap;              /* target - cov_level[0] (population), at least 0; NaN when cov15 is NaN */
    double gap_builtup;      /* target - cov15_builtup, at least 0 */
    size_t n_unreachable;    /* residents farther than max_access_m from every street */
    double pop_unreachable;
    size_t n_cut_off;        /* residents on a street component that holds no facility */
    double pop_cut_off;
    /* With options.extra_facilities (result has_before): the plan without them, and what they add. A resident
     * is gained at a level or category when covered now and not before (adding facilities never loses one). */
    double pop_level_before[PC_N_LEVELS];
    double cov_level_before[PC_N_LEVELS]; /* share of pop; NaN as cov_level */
    double pop_level_gained[PC_N_LEVELS];
    size_t n_level_gained[PC_N_LEVELS];   /* residents (features) gained */
    double pop_category_before[PC_MAX_CATEGORIES];
    double cov_category_before[PC_MAX_CATEGORIES];
    double pop_category_gained[PC_MAX_CATEGORIES];
} pc_coverage_row;

/** A cluster of residents not covered at one level. */
typedef struct pc_coverage_gap {
    int level_min; /* 15, 10 or 5 */
    size_t n_residents;
    double pop;
    double pop_missing[PC_MAX_CATEGORIES]; /* population of the cluster lacking each category of the level */
    double pop_unreachable;
    double pop_cut_off;
    int unit;           /* structure unit holding most of its population, -1 when none */
    GEOSGeometry *geom; /* owned: hull of its residents, buffered by area_buffer_m */
} pc_coverage_gap;

/**
 * The result (caller owns; pc_coverage_result_destroy). Borrows layers and names from the plan:
 * the plan must outlive the result.
 */
typedef struct pc_coverage_result {
    pc_coverage_mode mode;
    pc_profile profile;   /* the profile used (categories, walking speed, target) */
    double area_buffer_m;
    double gap_link_m;
    double builtup_cell_m; /* lattice cell of the built-up measurement (0 when not measured) */

    size_t n_units;
    pc_coverage_row *units; /* structure units in plan order (none when the plan has no structure) */
    size_t n_subdistricts;
    pc_coverage_row *subdistricts; /* streets and towns (none when the plan has none) */
    pc_coverage_row total;         /* every resident of the plan */

    /* Facilities */
    size_t n_facilities[PC_MAX_CATEGORIES]; /* usable facilities per category */
    int n_missing;                          /* categories with no usable facility at all */
    int missing[PC_MAX_CATEGORIES];         /* their indices in profile.categories */
    size_t n_facilities_read;               /* features in the plan's facilities layer */
    size_t n_facilities_extra;              /* from options->extra_facilities */
    size_t n_facilities_unknown;            /* category not in the profile (ignored) */
    size_t n_facilities_unattached;         /* network mode: farther than max_access_m from every street */
    int has_before;                         /* options.extra_facilities was given: *_before, *_gained are set */
    const pc_layer *extra_facilities;       /* borrowed options.extra_facilities (NULL without) */
    size_t n_facilities_added[PC_MAX_CATEGORIES]; /* usable extra facilities per category (in n_facilities too) */

    /* The network (network mode) */
    uint32_t n_nodes, n_edges, n_components;
    pc_graph_stats network;
    double reach_m[PC_MAX_CATEGORIES]; /* street length within each category's distance */

    /* Residents, in the order of the plan's residents layer */
    const pc_layer *residents; /* borrowed */
    size_t n_residents;
    float *dist_m;        /* n_residents * profile.n_categories: walking (or straight) distance to the nearest
                             facility of each category, INFINITY beyond the category's distance */
    float *access_m;      /* n_residents: access leg to the street (INFINITY when unreachable; 0 in radius mode) */
    unsigned char *flags; /* n_residents: PC_COVERAGE_* bits */
    int *unit_of;         /* n_residents: structure unit index, -1 */
    int *subdistrict_of;  /* n_residents: subdistrict index, -1 */
    unsigned char *flags_before; /* n_residents: PC_COVERAGE_LEVEL_BIT before the extra facilities (has_before) */
    unsigned char *gained;       /* n_residents * profile.n_categories: 1 where the category is in reach now and
                                    was not without the extra facilities (NULL without has_before) */

    /* Service areas: owned polygons, NULL when not built (options.service_areas 0, or no facility) */
    GEOSGeometry *service_area[PC_MAX_CATEGORIES];
    GEOSGeometry *level_area[PC_N_LEVELS]; /* where every category of the level is within reach */
    const pc_layer *units_layer;           /* borrowed; NULL when absent */
    const pc_layer *subdistricts_layer;    /* borrowed; NULL when absent */

    size_t n_gaps;
    pc_coverage_gap *gaps; /* by level (15, 10, 5), then population, largest first */
} pc_coverage_result;

/**
 * Run the life circle coverage analysis: loads residents, facilities, streets (network mode),
 * structure, subdistricts and builtup from the plan as needed. opts may be NULL (defaults).
 * On success *out is owned by the caller (pc_coverage_result_destroy).
 */
pc_status pc_coverage_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_coverage_options *opts,
                          pc_coverage_result **out);

/** The JSON form (caller owns; json_object_put): crs, mode, categories, units, subdistricts, total, gaps. */
json_object *pc_coverage_to_json(const pc_plan *plan, const pc_coverage_result *r);

/**
 * Add the layers coverage_units, coverage_subdistricts (when present), coverage_residents,
 * service_areas and coverage_gaps to an open writer. With extra facilities (has_before) the unit
 * layers also hold covN_before and gainN_pop per level, the residents 'gained' (categories and
 * levels newly in reach), and the layer added_facilities holds the extra facilities. service_areas holds one row per category and
 * per level only when the run had options.service_areas set (categories without a facility get an
 * empty row).
 */
pc_status pc_coverage_write(pc_ctx *ctx, pc_writer *w, const pc_coverage_result *r);

/** Free a result. Accepts NULL. */
void pc_coverage_result_destroy(pc_ctx *ctx, pc_coverage_result *r);

/** "network" or "radius". */
const char *pc_coverage_mode_name(pc_coverage_mode mode);
/** Parse "network" or "radius"; returns 0 when neither. */
int pc_coverage_mode_parse(const char *text, pc_coverage_mode *out);

#endif
