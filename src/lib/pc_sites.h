/* pc_sites.h: proposed sites checked against ecological red lines and the coastline, with a verdict each. */
#ifndef PC_SITES_H
#define PC_SITES_H

#include "pc_output.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include <json-c/json.h>

/** Overlaps smaller than this are floating-point noise along a shared edge: touching, not involving. */
#define PC_SITES_MIN_OVERLAP_M2 0.01
/** The same for line sites (a line along a red line's edge). */
#define PC_SITES_MIN_OVERLAP_M 0.001
/** Segments per quarter circle of a point site's footprint (GEOS buffer); see pc_sites_options. */
#define PC_SITES_QUADSEGS 16

/** Options for pc_sites_run. */
typedef struct pc_sites_options {
    /**
     * Footprint radius of point sites in metres. 0: the point itself (area 0; a red line involves it
     * when the point lies inside, share 1.0). > 0: a circle of PC_SITES_QUADSEGS segments per quarter,
     * whose area is 2 * PC_SITES_QUADSEGS * r^2 * sin(pi / (2 * PC_SITES_QUADSEGS)) (0.16% below pi r^2);
     * overlaps are cut from that polygon, distances are the true circle's (from the point, less r).
     * Lines and polygons are checked as drawn.
     */
    double point_radius_m;
    /** Check these sites instead of the plan's 'sites' layer (borrowed; pc_plan_read_extra). NULL: the plan's. */
    const pc_layer *sites;
} pc_sites_options;
#define PC_SITES_OPTIONS_INIT {0.0, NULL}

/** A verdict, in increasing severity. */
typedef enum pc_verdict { PC_VERDICT_PASS = 0, PC_VERDICT_WARN, PC_VERDICT_FAIL } pc_verdict;

/** "pass", "warn", "fail". */
const char *pc_verdict_name(pc_verdict verdict);
/** "通过", "预警", "不通过". */
const char *pc_verdict_name_zh(pc_verdict verdict);

/** English name of a red-line kind ("ecological red line"); the code itself for kinds it does not know. */
const char *pc_sites_kind_name_en(const char *kind);

/** How a site's footprint is measured. */
typedef enum pc_site_measure {
    PC_MEASURE_POINT = 0, /* a point without radius: inside or outside */
    PC_MEASURE_LENGTH,    /* a line: metres of line inside */
    PC_MEASURE_AREA       /* a polygon, or a point with a footprint radius */
} pc_site_measure;

/** One red-line feature a site overlaps. */
typedef struct pc_site_overlap {
    size_t site;        /* index into result->sites */
    int kind;           /* index into result->kinds */
    size_t feature;     /* index into the red-line layer */
    const char *name;   /* the red line's name (borrowed from the plan; may be NULL) */
    double area_m2;     /* overlap area (0 for points and lines) */
    double length_m;    /* overlap length for line sites */
    double share;       /* of the site: area, length, or 1.0 for a point inside */
    GEOSGeometry *geom; /* the overlap (owned by the result) */
} pc_site_overlap;

/** A site against one red-line kind. */
typedef struct pc_site_kind {
    int involved;      /* the site's interior meets the kind's interior (touching is not) */
    double area_m2;    /* union of the overlaps with features of this kind */
    double length_m;
    double share;      /* of the site, 0..1 */
    double distance_m; /* to the nearest feature of this kind (0 when touching or involved); NAN: no such feature */
    long nearest;      /* red-line feature index of the nearest feature, -1 when none */
    const char *nearest_name; /* its name (borrowed from the plan; may be NULL) */
} pc_site_kind;

/** Why a site got its verdict: one broken (or exempted) rule. */
typedef struct pc_site_reason {
    pc_verdict effect; /* FAIL, WARN, or PASS for a rule the site's use is exempt from */
    const char *kind;  /* a red-line kind, "seaward" or "coastal_setback" (borrowed from the result) */
    const char *rule;  /* cited rule text: the red line's 'rule' field, else the profile's (borrowed) */
    char *text;        /* English, e.g. "involves ecological red line 2.31 ha (18.4%): Beidagang" (owned) */
    char *text_zh;     /* the same in Chinese (owned) */
} pc_site_reason;

/** The check of one site. */
typedef struct pc_site_check {
    int64_t fid;          /* source feature id */
    const char *name;     /* borrowed from the sites layer; may be NULL */
    const char *name_zh;  /* borrowed; may be NULL */
    const char *use;      /* borrowed; may be NULL */
    const GEOSGeometry *geom; /* the site as drawn (borrowed from the sites layer) */
    pc_site_measure measure;
    double area_m2;       /* footprint area (0 for points without radius and for lines) */
    double length_m;      /* line sites */
    pc_site_kind *kinds;  /* result->n_kinds entries (owned by the result) */
    size_t first_overlap, n_overlaps; /* the site's rows in result->overlaps */
    double coast_distance_m; /* NAN when the plan has no coastline */
    int in_setback;       /* nearer to the coastline than the setback */
    int seaward;          /* some of the site lies seaward of the coastline */
    double seaward_m2;    /* area seaward of the coastline (polygons and footprints) */
    GEOSGeometry *seaward_geom; /* the seaward part, or NULL (owned) */
    pc_verdict verdict;
    size_t n_reasons;
    pc_site_reason *reasons; /* owned by the result */
} pc_site_check;

/** The result of pc_sites_run (caller owns; pc_sites_result_destroy). */
typedef struct pc_sites_result {
    int n_kinds;
    pc_redline_rule *kinds;   /* the profile's red-line kinds (a copy) */
    size_t *kind_features;    /* red-line features per kind */
    size_t n_sites;
    pc_site_check *sites;
    pc_site_kind *site_kinds; /* n_sites * n_kinds; sites[i].kinds points in here */
    size_t n_overlaps;
    pc_site_overlap *overlaps;
    size_t n_pass, n_warn, n_fail;
    int has_coastline;
    double coast_setback_m;
    char coast_rule[PC_RULE_MAX];
    size_t n_coast_features;
    size_t n_coast_reversed; /* coastline features drawn with the land on the right, turned around */
    double point_radius_m;
    char *sites_source;      /* "plan.gpkg|sites" (owned) */
    char *sites_source_crs;  /* CRS the sites were read in (owned) */
} pc_sites_result;

/**
 * Check every site (the plan's 'sites' layer, or opts->sites) against the plan's 'redlines' (by
 * kind, with the profile's rules) and 'coastline'. Loads the roles it needs. The 'boundary', when
 * present, decides which side of each coastline feature is land (see pc_sites.c); otherwise land
 * is on the left of the line's direction, as in OpenStreetMap.
 * On success *out is owned by the caller (pc_sites_result_destroy). Names in the result are
 * borrowed from the plan and the sites layer: keep both alive while the result is used.
 */
pc_status pc_sites_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_sites_options *opts,
                       pc_sites_result **out);

/**
 * The JSON form (caller owns; json_object_put): crs, plan, kinds (the rules), coastline, total (counts per
 * verdict) and sites: one object per site with verdict, overlaps (per red-line feature: kind, name, hectares,
 * share), involved (per kind involved: hectares and share of the union of its features), distances_m and
 * nearest (per kind: metres and name of the nearest feature; null when the plan has none), coast_distance_m,
 * in_setback, seaward, seaward_hectares and rules (effect, kind, reason, reason_zh, rule).
 */
json_object *pc_sites_to_json(const pc_plan *plan, const pc_sites_result *r);
/** Everything of pc_sites_to_json but "sites" (caller owns): with pc_sites_site_to_json, for streaming. */
json_object *pc_sites_to_json_summary(const pc_plan *plan, const pc_sites_result *r);
/** The JSON object of site i (caller owns). */
json_object *pc_sites_site_to_json(const pc_sites_result *r, size_t i);

/** Add the layers 'site_checks' and 'site_conflicts' to an open writer. */
pc_status pc_sites_write(pc_ctx *ctx, pc_writer *w, const pc_sites_result *r);

/** Free a result. Accepts NULL. */
void pc_sites_result_destroy(pc_ctx *ctx, pc_sites_result *r);

/**
 * Which side of a coastline a point lies on, exposed for tests: +1 land (left of the line, or
 * right for reversed features), -1 sea, 0 on the line or no coastline. Builds its own index: for
 * many points use pc_sites_run.
 */
int pc_sites_coast_side(pc_ctx *ctx, const GEOSGeometry *coastline, double x, double y);

#endif
