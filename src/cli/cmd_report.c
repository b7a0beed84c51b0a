/* cmd_report.c: `plancheck report PLAN -o DIR`: every analysis, a styled GeoPackage, a QGIS project, an HTML report. */
#include "cli.h"
#include "pc_report.h"

#include <stdio.h>
#include <string.h>

static int run_report(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_layer *extra = NULL;
    pc_report_result *result = NULL;
    pc_report_options opts = PC_REPORT_OPTIONS_INIT;
    opts.out_dir = run->args.value[OPT_OUTPUT];
    if (!opts.out_dir || !*opts.out_dir)
        return cli_usage_error(run, "-o DIR is required: the folder to write the report into");
    opts.coverage_mode = run->args.value[OPT_MODE];
    if (opts.coverage_mode && strcmp(opts.coverage_mode, "network") && strcmp(opts.coverage_mode, "radius"))
        return cli_usage_error(run, "--mode must be network or radius, not '%s'", opts.coverage_mode);
    if (!cli_number(run, OPT_POINT_RADIUS, 0, 100000, 0, &opts.point_radius_m))
        return CLI_EXIT_USAGE;
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    const char *sites_path = run->args.value[OPT_SITES];
    if (sites_path) {
        if (pc_plan_read_extra(run->ctx, plan, PC_ROLE_SITES, sites_path, 0, &extra)) {
            rc = cli_fail(run);
            goto done;
        }
        opts.sites = extra;
    }
    if (pc_report_run(run->ctx, plan, &run->profile, &opts, &result)) {
        rc = cli_fail(run);
        goto done;
    }
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON]) {
        cli_print_json(pc_report_to_json(plan, result));
        goto done;
    }
    printf("Report written to %s (analysis CRS %s)\n", result->dir, pc_plan_crs(plan));
    for (int a = 0; a < PC_REPORT_N_ANALYSES; a++) {
        if (result->ran[a])
            printf("  %-9s ran\n", pc_report_analysis_name((pc_report_analysis)a));
        else
            printf("  %-9s skipped: %s\n", pc_report_analysis_name((pc_report_analysis)a), result->skipped[a]);
    }
    for (size_t i = 0; i < result->n_targets; i++) {
        const pc_report_target *t = &result->targets[i];
        if (t->check == PC_CHECK_NA)
            continue;
        printf("  %-4s %s\n", t->check == PC_CHECK_PASS ? "met" : "NOT", t->label);
    }
    printf("Open in a browser: %s\n", result->html_path);
    printf("Open in QGIS:      %s\n", result->qgs_path);
    printf("Styled layers:     %s\n", result->gpkg_path);
    printf("Summary and tables: %s", result->json_path);
    for (size_t i = 0; i < result->n_csv; i++)
        printf(", %s", result->csv[i]);
    printf("\n");
done:
    pc_report_result_destroy(run->ctx, result);
    pc_layer_destroy(run->ctx, extra);
    pc_plan_destroy(plan);
    return rc;
}

static const cli_opt report_options[] = {OPT_OUTPUT, OPT_JSON,  OPT_MODE,    OPT_SITES,  OPT_POINT_RADIUS,
                                         OPT_CRS,    OPT_PROFILE, OPT_INVALID, OPT_SCHEMA, OPT__COUNT};

const cli_command cli_command_report = {
    "report", 60, "PLAN -o DIR [--mode network|radius] [--json]",
    "every analysis the plan has layers for, written as DIR/report.html (maps and tables), DIR/plancheck.qgs "
    "(QGIS project), DIR/plancheck.gpkg (styled layers), DIR/summary.json and CSV tables",
    report_options, 1, 1, run_report};
