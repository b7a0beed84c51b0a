/* pc_info.h: what a plan holds: its layers, and area and population per structure unit. */
#ifndef PC_INFO_H
#define PC_INFO_H

#include "pc_plan.h"
#include <json-c/json.h>

/** Area and population of one reporting unit. */
typedef struct pc_unit_summary {
    const char *name;    /* borrowed from the plan */
    const char *name_zh; /* borrowed; may be NULL */
    const char *tier;    /* borrowed; may be NULL */
    double area_km2;
    double pop;          /* residents whose representative point lies in the unit */
} pc_unit_summary;

/** The result of pc_info_run (caller owns; pc_info_result_destroy). */
typedef struct pc_info_result {
    size_t n_units;
    pc_unit_summary *units;
    int has_residents;
    double total_pop;       /* all residents of the plan */
    double unassigned_pop;  /* residents in no unit */
    double total_area_km2;  /* of the units */
    int n_main, n_sub, n_cluster;
} pc_info_result;

/** Read the structure (and residents when present) and sum them per unit. */
pc_status pc_info_run(pc_ctx *ctx, pc_plan *plan, pc_info_result **out);
/** Free a result. Accepts NULL. */
void pc_info_result_destroy(pc_info_result *result);
/** The JSON form (caller owns; json_object_put): crs, layers, units, total. */
json_object *pc_info_to_json(const pc_plan *plan, const pc_info_result *result);

#endif
