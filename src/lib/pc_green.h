/* pc_green.h: park green space per person (union of parks per unit) and park service coverage (radius or network). */
#ifndef PC_GREEN_H
#define PC_GREEN_H

#include "pc_graph.h"
#include "pc_output.h"
#include "pc_plan.h"
#include "pc_profile.h"

#include <json-c/json.h>

/**
 * How the distance from a resident to a park is measured.
 *
 * Radius: the straight line from the resident's point to the park polygon (0 inside it).
 *
 * Network: a walk along the streets (the walking network of pc_graph: streets noded where they share
 * vertices, excluded highway classes dropped). Each park that serves a radius gets access points on
 * its edge: (1) every point where a street edge of the network crosses or touches the park's
 * boundary (the ends of a stretch running along it), on that street, with no access leg; and
 * (2) points along the whole boundary, its vertices and at most access_spacing_m apart, each
 * attached to the nearest point of the nearest street by a straight leg no longer than the
 * profile's max_access_m (points with no street that near are dropped). (2) stands in for park
 * gates, which plans do not map, and reaches parks that no street touches. A resident is attached
 * the same way (its own straight access leg, at most max_access_m). Its walking distance to a park
 * is its access leg + the shortest way along the streets + the access point's leg; it is covered
 * when that is within the park's radius for some park that serves one (one bounded multi-source
 * search per tier, sources the access points of the tier's parks, cutoff the tier's radius). A
 * resident whose point lies inside or on a serving park is covered (0 m), as in radius mode. A
 * resident farther than max_access_m from every street is "unreachable" and covered only inside a
 * park. Every access point is on the park's edge and every leg and street piece is at least as long
 * as the straight line it replaces, so network coverage never exceeds radius coverage.
 * The service area of a tier (the area coverage and the park_service_areas layer) is the street
 * pieces reachable within the radius, buffered by area_buffer_m, plus the tier's parks, clipped to
 * the tier's radius service area (a place farther than the radius in a straight line cannot be
 * within it on foot).
 */
typedef enum pc_green_mode {
    PC_GREEN_RADIUS = 0, /* straight line from the resident point to the park polygon (default) */
    PC_GREEN_NETWORK     /* walking along the streets to the park's access points */
} pc_green_mode;

/** Options for pc_green_run. */
typedef struct pc_green_options {
    pc_green_mode mode;
    int quadsegs;            /* segments per quarter circle of the radius service-area buffers (default 16) */
    double area_buffer_m;    /* network: reachable street pieces are buffered by this for the service areas
                                (default 100 m, as coverage's service areas) */
    double access_spacing_m; /* network: access points along a park's edge at most this far apart (default 25 m) */
} pc_green_options;
#define PC_GREEN_OPTIONS_INIT {PC_GREEN_RADIUS, 16, 100.0, 25.0}

/** Park classes of CJJ/T 85-2017 counted as park green space, plus "other" (no or unknown class). */
#define PC_GREEN_N_CLASSES 5
/** Class codes in breakdown order: "G11", "G12", "G13", "G14", "other". */
extern const char *const pc_green_class_codes[PC_GREEN_N_CLASSES];

/** Outcome of one target check. */
typedef enum pc_green_check {
    PC_GREEN_NA = -1, /* nothing to check (no residents, no residential area) */
    PC_GREEN_FAIL = 0,
    PC_GREEN_PASS = 1
} pc_green_check;

/** Green space of one reporting unit (a structure unit, a subdistrict, or the total). */
typedef struct pc_green_row {
    const char *name;          /* borrowed from the plan; "Total" for the total */
    const char *name_zh;       /* borrowed; may be NULL */
    const char *tier;          /* borrowed; NULL for subdistricts and the total */
    const GEOSGeometry *geom;  /* borrowed from the plan; NULL for the total */
    double area_m2;            /* area of the unit (of the boundary, or of all units, for the total) */
    size_t n_residents;
    double pop;
    double park_m2;                              /* union of the parks inside the unit */
    double park_class_m2[PC_GREEN_N_CLASSES];    /* of it, by class; where classes overlap the first class wins */
    double park_m2_per_person;                   /* NaN when pop is 0 */
    double pop_covered;                          /* residents some park serves (within its radius, straight or on
                                                    foot as the mode says) */
    double park_service_cov;                     /* pop_covered / pop; NaN when pop is 0 */
    double res_m2;                               /* residential (or built-up) area in the unit */
    double res_covered_m2;                       /* of it inside some park's service area */
    double park_service_cov_area;                /* res_covered_m2 / res_m2; NaN when res_m2 is 0 */
    pc_green_check target_per_person;            /* >= the plan target (13 m2) */
    pc_green_check gb_per_person;                /* > the GB 55014-2021 minimum (8.0 m2) */
    pc_green_check gb_service_cov;               /* > the GB 55014-2021 minimum coverage (80%), by population */
} pc_green_row;

/** The parks of one size tier and the union of the areas they serve. */
typedef struct pc_green_tier {
    double min_area_m2;  /* parks of at least this area ... */
    double radius_m;     /* ... serve this radius */
    size_t n_parks;      /* parks in the tier (below the next larger tier's minimum) */
    double park_m2;      /* their summed own areas */
    GEOSGeometry *geom;  /* owned: union of the parks' service areas, NULL when the tier has no park */
    double reach_m;      /* network: street length within the radius of the tier's access points (0 in radius mode) */
} pc_green_tier;

/** A resident outside every park's service radius. */
typedef struct pc_green_uncovered {
    size_t resident;        /* index in the plan's residents layer */
    int unit;               /* structure unit index, -1 */
    int subdistrict;        /* subdistrict index, -1 */
    double nearest_park_m;  /* straight-line distance to the nearest park that serves a radius; INFINITY when none does */
    int nearest_park;       /* its index in the plan's parks layer, -1 */
    double nearest_park_walk_m; /* network: walking distance (access legs included) to the nearest access point of
                                   any park that serves a radius, INFINITY when none is reachable; NaN in radius mode */
    int unreachable;        /* network: no street within the profile's max_access_m (0 in radius mode) */
} pc_green_uncovered;

/** Where a park meets the walking network (network mode). */
typedef enum pc_green_access_kind {
    PC_GREEN_ACCESS_STREET = 0, /* a street crosses or touches the park's edge here (no access leg) */
    PC_GREEN_ACCESS_EDGE        /* a point of the park's edge, joined to the nearest street by a straight leg */
} pc_green_access_kind;

/** One access point of a park that serves a radius (network mode). */
typedef struct pc_green_access {
    size_t park;               /* index in the plan's parks layer */
    pc_green_access_kind kind;
    double x, y;               /* on the park's edge, analysis CRS */
    pc_attachment at;          /* where it joins the network: edge, offset, access leg (0 for STREET); the edge
                                  index is only meaningful during the run (the network is not kept) */
    int64_t street_fid;        /* feature id of the street line it joins */
} pc_green_access;

/**
 * The result (caller owns; pc_green_result_destroy). Borrows layers, geometries and names from the
 * plan: the plan must outlive the result.
 */
typedef struct pc_green_result {
    pc_green_mode mode;
    const char *area_basis; /* denominator of the area coverage: "residential" (polygon residents),
                               "builtup" or "structure" (static string) */
    double target_park_m2_per_person; /* from the profile */
    double gb_park_m2_per_person;
    double gb_park_service_coverage;
    char park_rule[PC_RULE_MAX];

    size_t n_units;
    pc_green_row *units;        /* structure units in plan order */
    size_t n_subdistricts;
    pc_green_row *subdistricts; /* streets and towns; none when the plan has none */
    pc_green_row total;         /* every resident; parks inside the boundary (all parks without one) */
    double pop_outside_units;   /* residents in no structure unit */
    double park_m2_outside_units;
    int has_classes;            /* some park has a G11..G14 class */

    const pc_layer *parks;      /* borrowed */
    const pc_layer *residents;  /* borrowed */
    double *park_area_m2;       /* per park: its own area */
    double *park_radius_m;      /* per park: the radius it serves (0: none) */
    size_t n_parks_serving;     /* parks that serve a radius */

    size_t n_tiers;
    pc_green_tier tiers[PC_MAX_PARK_TIERS]; /* profile order, largest parks first */

    size_t n_uncovered;
    pc_green_uncovered *uncovered; /* residents with pop > 0 outside every service radius, plan order */

    /* Network mode only (zero, NULL otherwise) */
    double area_buffer_m, access_spacing_m, max_access_m; /* as used */
    uint32_t n_nodes, n_edges, n_components;
    pc_graph_stats network;
    size_t n_access;             /* attached access points of serving parks */
    pc_green_access *access;     /* owned; by park, then along its edge */
    size_t n_access_street;      /* of them, street crossings (PC_GREEN_ACCESS_STREET) */
    size_t n_parks_unreached;    /* serving parks without any access point (no street within max_access_m) */
    size_t n_unreachable;        /* residents farther than max_access_m from every street */
    double pop_unreachable;
} pc_green_result;

/**
 * Run the park green space analysis: loads structure, parks, residents and, when present,
 * subdistricts, builtup and boundary; network mode also loads streets (PC_ERR_DATA when the plan has
 * none). opts may be NULL (defaults; see pc_green_mode for what each mode measures). On success
 * *out is owned by the caller (pc_green_result_destroy).
 */
pc_status pc_green_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_green_options *opts,
                       pc_green_result **out);

/** The JSON form (caller owns; json_object_put): crs, mode, targets, units, subdistricts, total, parks, and network
 * (network mode). */
json_object *pc_green_to_json(const pc_plan *plan, const pc_green_result *r);

/**
 * Add the layers green_units, green_subdistricts (when present), park_service_areas (one feature per
 * park tier), park_uncovered_residents and, in network mode, park_access_points to an open writer.
 */
pc_status pc_green_write(pc_ctx *ctx, pc_writer *w, const pc_green_result *r);

/** Free a result. Accepts NULL. */
void pc_green_result_destroy(pc_ctx *ctx, pc_green_result *r);

/** "radius" or "network". */
const char *pc_green_mode_name(pc_green_mode mode);
/** Parse "radius" or "network"; returns 0 when neither. */
int pc_green_mode_parse(const char *text, pc_green_mode *out);
/** "pass", "fail" or NULL (not applicable). */
const char *pc_green_check_name(pc_green_check check);

#endif
