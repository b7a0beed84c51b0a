/* cmd_info.c: `plancheck info PLAN`: layers, counts, CRS, extent, area and population per unit. */
#include "cli.h"
#include "pc_info.h"

#include <stdio.h>

static int run_info(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_info_result *result = NULL;
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    if (pc_info_run(run->ctx, plan, &result)) {
        rc = cli_fail(run);
        goto done;
    }
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON]) {
        cli_print_json(pc_info_to_json(plan, result));
        goto done;
    }
    printf("Plan %s\nAnalysis CRS %s\n\n", pc_plan_path(plan), pc_plan_crs(plan));
    printf("%-13s %-22s %9s  %-16s %-12s %s\n", "role", "layer", "features", "geometry", "source CRS",
           "extent (analysis CRS, m)");
    for (int role = 0; role < PC_ROLE_COUNT; role++) {
        pc_layer_info info = pc_plan_info(plan, (pc_role)role);
        if (!info.present) {
            printf("%-13s %s\n", pc_role_name((pc_role)role), "-");
            continue;
        }
        double env[4] = {0};
        int has_env = pc_plan_extent(plan, (pc_role)role, env);
        printf("%-13s %-22.22s %9lld  %-16.16s %-12.12s ", pc_role_name((pc_role)role), info.layer_name,
               info.feature_count, info.geometry_type, info.source_crs);
        if (has_env)
            printf("%.0f %.0f - %.0f %.0f\n", env[0], env[1], env[2], env[3]);
        else
            printf("-\n");
    }
    char c1[64], c2[64];
    printf("\nStructure units (一主两副六组团)\n%s %s %-8s %10s %12s\n", cli_cell(c1, sizeof c1, "unit", 34),
           cli_cell(c2, sizeof c2, "单元", 20), "tier", "area km2", "population");
    for (size_t i = 0; i < result->n_units; i++) {
        const pc_unit_summary *u = &result->units[i];
        printf("%s %s %-8s %10.1f ", cli_cell(c1, sizeof c1, u->name, 34), cli_cell(c2, sizeof c2, u->name_zh, 20),
               u->tier ? u->tier : "-", u->area_km2);
        if (result->has_residents)
            printf("%12.0f\n", u->pop);
        else
            printf("%12s\n", "-");
    }
    printf("%s %s %-8s %10.1f ", cli_cell(c1, sizeof c1, "Total", 34), cli_cell(c2, sizeof c2, "合计", 20), "",
           result->total_area_km2);
    if (result->has_residents) {
        printf("%12.0f\n", result->total_pop);
        if (result->unassigned_pop > 0)
            printf("(%.0f residents lie outside every unit)\n", result->unassigned_pop);
    } else
        printf("%12s\n", "-");
done:
    pc_info_result_destroy(result);
    pc_plan_destroy(plan);
    return rc;
}

static const cli_opt info_options[] = {OPT_JSON, OPT_CRS, OPT_PROFILE, OPT_INVALID, OPT_SCHEMA, OPT__COUNT};

const cli_command cli_command_info = {
    "info", 10, "PLAN [--json]", "layers, counts, CRS, extent, area and population per structure unit",
    info_options, 1, 1, run_info};
