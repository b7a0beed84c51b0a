/* cmd_green.c: `plancheck green PLAN`: park green space per person and park service coverage per unit. */
#include "cli.h"
#include "pc_green.h"
#include "pc_output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "  92.1%" or "      -" in 7 columns. */
static const char *pct(char *buf, size_t cap, double share)
{
    if (isfinite(share))
        snprintf(buf, cap, "%6.1f%%", 100.0 * share);
    else
        snprintf(buf, cap, "%7s", "-");
    return buf;
}

/* "  12.80" or "      -" in 8 columns. */
static const char *per_person(char *buf, size_t cap, double v)
{
    if (isfinite(v))
        snprintf(buf, cap, "%8.2f", v);
    else
        snprintf(buf, cap, "%8s", "-");
    return buf;
}

/* Marks after a row: T below the plan target, G below a GB 55014-2021 minimum. */
static const char *marks(char *buf, size_t cap, const pc_green_row *row)
{
    snprintf(buf, cap, "%s%s%s", row->target_per_person == PC_GREEN_FAIL ? " T" : "",
             row->gb_per_person == PC_GREEN_FAIL ? " G" : "", row->gb_service_cov == PC_GREEN_FAIL ? " C" : "");
    return buf;
}

static void print_header(const char *title, const char *col, const char *col_zh, int with_tier)
{
    char c1[96], c2[64];
    printf("\n%s\n%s %s ", title, cli_cell(c1, sizeof c1, col, 34), cli_cell(c2, sizeof c2, col_zh, 20));
    if (with_tier)
        printf("%-8s ", "tier");
    printf("%11s %10s %8s %7s %7s\n", "population", "park ha", "m2/pers", "cov pop", "cov area");
}

static void print_row(const pc_green_row *row, int with_tier)
{
    char c1[96], c2[64], pp[16], cp[16], ca[16], mk[16];
    printf("%s %s ", cli_cell(c1, sizeof c1, row->name, 34), cli_cell(c2, sizeof c2, row->name_zh, 20));
    if (with_tier)
        printf("%-8s ", row->tier ? row->tier : "");
    printf("%11.0f %10.2f %s %s %s%s\n", row->pop, row->park_m2 / 1e4, per_person(pp, sizeof pp, row->park_m2_per_person),
           pct(cp, sizeof cp, row->park_service_cov), pct(ca, sizeof ca, row->park_service_cov_area),
           marks(mk, sizeof mk, row));
}

static void print_table(const pc_plan *plan, const pc_green_result *r)
{
    char buf[16];
    printf("Park green space per person and park service coverage (CJJ/T 85-2017 G1, GB 55014-2021), %s mode\n",
           pc_green_mode_name(r->mode));
    printf("Plan %s, analysis CRS %s\n", pc_plan_path(plan), pc_plan_crs(plan));
    printf("Park area: union of the parks (overlaps count once), split by unit. Service radii:");
    for (size_t t = 0; t < r->n_tiers; t++)
        printf("%s parks >= %.0f m2 serve %.0f m", t ? "," : "", r->tiers[t].min_area_m2, r->tiers[t].radius_m);
    if (r->mode == PC_GREEN_NETWORK)
        printf("; smaller parks serve none.\ncov pop: share of residents who reach a park within its radius on foot "
               "(access legs included, to access points on the park edge); cov area: share of the %s area within "
               "%.0f m of the streets so reached.\n",
               r->area_basis, r->area_buffer_m);
    else
        printf("; smaller parks serve none.\ncov pop: share of residents within a park's service radius (straight "
               "line); cov area: share of the %s area.\n",
               r->area_basis);
    print_header("Structure units (一主两副六组团)", "unit", "单元", 1);
    for (size_t u = 0; u < r->n_units; u++)
        print_row(&r->units[u], 1);
    print_row(&r->total, 1);
    printf("T below the plan target of %.1f m2 per person; G at or below the GB 55014-2021 minimum of %.1f m2; "
           "C service coverage at or below %.0f%%\n",
           r->target_park_m2_per_person, r->gb_park_m2_per_person, 100.0 * r->gb_park_service_coverage);
    if (r->pop_outside_units > 0 || r->park_m2_outside_units > 0)
        printf("Outside every unit: population %.0f, park %.2f ha\n", r->pop_outside_units,
               r->park_m2_outside_units / 1e4);
    if (r->n_subdistricts) {
        print_header("Streets and towns (街镇)", "subdistrict", "街镇", 0);
        for (size_t u = 0; u < r->n_subdistricts; u++)
            print_row(&r->subdistricts[u], 0);
    }
    if (r->has_classes) {
        printf("\nPark area by class (total):");
        for (int k = 0; k < PC_GREEN_N_CLASSES; k++)
            if (r->total.park_class_m2[k] > 0)
                printf(" %s %.2f ha (%s m2/person)", pc_green_class_codes[k], r->total.park_class_m2[k] / 1e4,
                       r->total.pop > 0 ? (snprintf(buf, sizeof buf, "%.2f", r->total.park_class_m2[k] / r->total.pop),
                                           buf)
                                        : "-");
        printf("\n");
    }
    printf("Parks: %zu (%zu serve a radius); residents outside every service radius: %zu\n", r->parks->n,
           r->n_parks_serving, r->n_uncovered);
    if (r->mode == PC_GREEN_NETWORK)
        printf("Network: %u nodes, %u edges, %.1f km of streets; %zu park access points (%zu where a street meets the "
               "park edge, the rest along the edges every %.0f m or less), %zu serving parks unreached; %zu residents "
               "(%.0f people) farther than %.0f m from every street\n",
               r->n_nodes, r->n_edges, r->network.length_m / 1e3, r->n_access, r->n_access_street,
               r->access_spacing_m, r->n_parks_unreached, r->n_unreachable, r->pop_unreachable, r->max_access_m);
    if (r->parks->n_repaired || r->parks->n_skipped_invalid)
        printf("Invalid parks: %zu repaired, %zu skipped\n", r->parks->n_repaired, r->parks->n_skipped_invalid);
}

static int run_green(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_green_result *result = NULL;
    pc_writer *writer = NULL;
    pc_green_options opts = PC_GREEN_OPTIONS_INIT;
    const char *mode = run->args.value[OPT_MODE];
    if (mode && !pc_green_mode_parse(mode, &opts.mode))
        return cli_usage_error(run, "--mode must be radius or network, not '%s'", mode);
    const char *output = run->args.value[OPT_OUTPUT];
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    if (pc_green_run(run->ctx, plan, &run->profile, &opts, &result)) {
        rc = pc_ctx_status(run->ctx) == PC_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        cli_fail(run);
        goto done;
    }
    if (output) {
        if (cli_writer_open(run, &writer, output, plan) ||
            pc_writer_meta(writer, "command", "green") || pc_writer_meta(writer, "plan", pc_plan_path(plan)) ||
            pc_writer_meta(writer, "mode", pc_green_mode_name(result->mode)) ||
            pc_green_write(run->ctx, writer, result) || pc_writer_commit(writer)) {
            rc = cli_fail(run);
            goto done;
        }
    }
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON])
        cli_print_json(pc_green_to_json(plan, result));
    else
        print_table(plan, result);
    if (output && !run->args.value[OPT_JSON] && !cli_quiet(run))
        fprintf(stderr, "plancheck green: wrote %s (green_units%s, park_service_areas, park_uncovered_residents%s)\n",
                output, result->n_subdistricts ? ", green_subdistricts" : "",
                result->mode == PC_GREEN_NETWORK ? ", park_access_points" : "");
done:
    pc_writer_destroy(writer);
    pc_green_result_destroy(run->ctx, result);
    pc_plan_destroy(plan);
    return rc;
}

static const cli_opt green_options[] = {OPT_OUTPUT,  OPT_JSON,    OPT_MODE,   OPT_CRS,
                                        OPT_PROFILE, OPT_INVALID, OPT_SCHEMA, OPT_OUT_SCHEMA, OPT__COUNT};

const cli_command cli_command_green = {
    "green", 30, "PLAN [-o OUT.gpkg] [--json] [--mode radius|network]",
    "park green space per person and park service coverage per unit, subdistrict and in total (GB 55014-2021); "
    "--mode network measures the walk along the streets to the park edge instead of the straight line",
    green_options, 1, 1, run_green};
