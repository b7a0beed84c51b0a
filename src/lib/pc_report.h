/* pc_report.h: `plancheck report`: every analysis the plan allows, written as a styled GeoPackage, a QGIS
 * project, an HTML page with maps, summary.json and CSV tables, all moved into place at once. */
#ifndef PC_REPORT_H
#define PC_REPORT_H

#include "pc_coverage.h"
#include "pc_green.h"
#include "pc_info.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include "pc_sites.h"
#include "pc_style.h"

#include <json-c/json.h>

/** The analyses a report composes. */
typedef enum pc_report_analysis {
    PC_REPORT_COVERAGE = 0,
    PC_REPORT_GREEN,
    PC_REPORT_SITES,
    PC_REPORT_N_ANALYSES
} pc_report_analysis;

/** "coverage", "green", "sites". */
const char *pc_report_analysis_name(pc_report_analysis a);

/** Options for pc_report_run. */
typedef struct pc_report_options {
    const char *out_dir;        /* the report folder DIR (created, with missing parents; replaced when it holds an
                                   earlier report) */
    const char *coverage_mode;  /* "network" or "radius"; NULL: network when the plan has streets, else radius */
    const pc_layer *sites;      /* sites to check instead of the plan's (borrowed; pc_plan_read_extra), or NULL */
    double point_radius_m;      /* footprint radius of point sites (pc_sites_options) */
    const char *date;           /* report date "YYYY-MM-DD"; NULL: today (UTC) */
} pc_report_options;
#define PC_REPORT_OPTIONS_INIT {NULL, NULL, NULL, 0.0, NULL}

/** A target, its value and whether the plan meets it. */
typedef enum pc_report_check { PC_CHECK_NA = -1, PC_CHECK_FAIL = 0, PC_CHECK_PASS = 1 } pc_report_check;

typedef struct pc_report_target {
    char key[48];          /* "life_circle_15min", "park_m2_per_person", ... */
    char label[160];       /* English */
    char label_zh[160];
    char standard[160];    /* where the target comes from */
    double value;          /* NaN when the analysis did not run */
    double target;
    char unit[16];         /* "%", "m2", "sites" */
    char op[4];            /* ">=", ">", "=" */
    pc_report_check check;
} pc_report_target;

#define PC_REPORT_MAX_TARGETS 8

/** One reporting unit (structure unit, subdistrict or the total) with what every analysis found. NaN: not run. */
typedef struct pc_report_unit {
    const char *name;     /* borrowed from the plan ("Total" for the total) */
    const char *name_zh;  /* borrowed; may be NULL */
    const char *tier;     /* borrowed; NULL for subdistricts and the total */
    const GEOSGeometry *geom; /* borrowed; NULL for the total */
    double area_km2;
    double pop;
    double cov_pop[PC_N_LEVELS];  /* life circle coverage of the population at 15, 10, 5 minutes */
    double cov15_builtup;         /* 15-minute coverage of the built-up area */
    double park_m2;
    double park_m2_per_person;
    double park_service_cov;      /* share of residents within a park's service radius */
} pc_report_unit;

/** A plan layer's origin, as its source describes it. */
typedef struct pc_report_source {
    char role[24];
    char layer[128];
    char description[512]; /* the layer's DESCRIPTION metadata (GeoPackage), "" when none */
} pc_report_source;

/** Everything a report found and wrote (caller owns; pc_report_result_destroy). */
typedef struct pc_report_result {
    char *dir;         /* the report folder */
    char *gpkg_path;   /* DIR/plancheck.gpkg */
    char *qgs_path;    /* DIR/plancheck.qgs */
    char *html_path;   /* DIR/report.html */
    char *json_path;   /* DIR/summary.json */
    char date[16];
    const char *crs;   /* borrowed from the plan */
    char crs_name[160];/* "CGCS2000 / 3-degree Gauss-Kruger CM 117E" */
    double extent[4];  /* the plan's extent in the analysis CRS (boundary, else every layer) */
    double north_deg;  /* true north, degrees clockwise from grid north at the plan's centre */
    const char *coverage_mode; /* static string; NULL when coverage did not run */

    int ran[PC_REPORT_N_ANALYSES];
    char skipped[PC_REPORT_N_ANALYSES][256]; /* why an analysis did not run ("" when it ran) */

    pc_info_result *info;       /* structure units: area and population; NULL without structure */
    pc_coverage_result *coverage; /* NULL when not run */
    pc_green_result *green;       /* NULL when not run */
    pc_sites_result *sites;     /* NULL when not run */

    size_t n_units;
    pc_report_unit *units;
    size_t n_subdistricts;
    pc_report_unit *subdistricts;
    pc_report_unit total;

    size_t n_targets;
    pc_report_target targets[PC_REPORT_MAX_TARGETS];

    size_t n_sources;
    pc_report_source *sources;
    int synthetic;       /* some layer says it is synthetic (demonstration data) */
    int osm;             /* some layer is OpenStreetMap-derived: attribution needed */
    pc_layer *sea;       /* the plan's extra 'sea' layer, when it has one (owned) */

    size_t n_csv;
    char *csv[8];        /* CSV file names written in DIR */
    pc_profile profile;  /* the profile the analyses ran with (a copy) */
    pc_style_context style_context; /* its profile points at the copy above */
} pc_report_result;

/**
 * Run every analysis the plan has layers for (the others are skipped, with the reason in the result),
 * then write DIR/plancheck.gpkg (plan and result layers, each with its QGIS default style),
 * DIR/plancheck.qgs, DIR/report.html, DIR/summary.json and CSV tables. Everything is written to a
 * temporary folder beside DIR and renamed into place at the end: on failure nothing is left, and an
 * earlier report in DIR stays as it was. DIR may exist only when empty or holding an earlier report.
 * Progress goes through pc_ctx_progress. On success *out is owned by the caller.
 */
pc_status pc_report_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_report_options *opts,
                        pc_report_result **out);

/** summary.json as an object (caller owns; json_object_put): crs, units, subdistricts, total, targets, analyses. */
json_object *pc_report_to_json(const pc_plan *plan, const pc_report_result *r);

/** Free a result. Accepts NULL. */
void pc_report_result_destroy(pc_ctx *ctx, pc_report_result *r);

#endif
