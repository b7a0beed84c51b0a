/* cmd_coverage.c: `plancheck coverage PLAN`: 15/10/5-minute life circle coverage per unit, subdistrict and in total. */
#include "cli.h"
#include "pc_coverage.h"
#include "pc_output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "  92.1%" or "      -" in 7 columns. */
static const char *pct(char *buf, size_t cap, double share)
{
    if (isfinite(share))
        snprintf(buf, cap, "%6.1f%%", 100.0 * share);
    else
        snprintf(buf, cap, "%7s", "-");
    return buf;
}

static void print_row(const pc_coverage_row *row, int with_tier, double target)
{
    char c1[96], c2[64], p15[16], p10[16], p5[16], pb[16];
    printf("%s %s ", cli_cell(c1, sizeof c1, row->name, 34), cli_cell(c2, sizeof c2, row->name_zh, 20));
    if (with_tier)
        printf("%-8s ", row->tier ? row->tier : "");
    printf("%11.0f %s %s %s   %s%s\n", row->pop, pct(p15, sizeof p15, row->cov_level[0]),
           pct(p10, sizeof p10, row->cov_level[1]), pct(p5, sizeof p5, row->cov_level[2]),
           pct(pb, sizeof pb, row->cov15_builtup),
           isfinite(row->cov_level[0]) && row->cov_level[0] < target ? "  *" : "");
}

static void print_header(const char *title, const char *col, const char *col_zh, int with_tier)
{
    char c1[96], c2[64];
    printf("\n%s\n%s %s ", title, cli_cell(c1, sizeof c1, col, 34), cli_cell(c2, sizeof c2, col_zh, 20));
    if (with_tier)
        printf("%-8s ", "tier");
    printf("%11s %7s %7s %7s   %7s\n", "population", "15-min", "10-min", "5-min", "area15");
}

/* "  73.6% ->  78.2%  +12345" for one level of a row. */
static void print_change_cells(const pc_coverage_row *row, int l)
{
    char before[16], after[16];
    printf("  %s ->%s %+9.0f", pct(before, sizeof before, row->cov_level_before[l]),
           pct(after, sizeof after, row->cov_level[l]), row->pop_level_gained[l]);
}

static void print_change_row(const pc_coverage_row *row)
{
    char c1[96], c2[64];
    printf("%s %s %11.0f", cli_cell(c1, sizeof c1, row->name, 34), cli_cell(c2, sizeof c2, row->name_zh, 20), row->pop);
    for (int l = 0; l < PC_N_LEVELS; l++)
        print_change_cells(row, l);
    printf("\n");
}

/* --add: the plan as it is against the plan with the extra facilities. */
static void print_change(const pc_coverage_result *r)
{
    const pc_profile *p = &r->profile;
    char c1[96], c2[64], buf[16], buf2[16];
    size_t used = 0;
    for (int c = 0; c < p->n_categories; c++)
        used += r->n_facilities_added[c];
    printf("\nWith the added facilities (%s, layer '%s': %zu features, %zu used): coverage before -> after, "
           "population gained\n", r->extra_facilities->source, r->extra_facilities->layer_name,
           r->n_facilities_extra, used);
    printf("%s %s %11s", cli_cell(c1, sizeof c1, "unit", 34), cli_cell(c2, sizeof c2, "单元", 20), "population");
    for (int l = 0; l < PC_N_LEVELS; l++) {
        char label[16];
        snprintf(label, sizeof label, "%d-min", pc_levels_min[l]);
        printf("  %7s -> %6s %9s", label, "after", "+pop");
    }
    printf("\n");
    for (size_t u = 0; u < r->n_units; u++)
        print_change_row(&r->units[u]);
    print_change_row(&r->total);
    if (r->n_subdistricts) {
        printf("\n%s %s\n", cli_cell(c1, sizeof c1, "subdistrict", 34), cli_cell(c2, sizeof c2, "街镇", 20));
        for (size_t u = 0; u < r->n_subdistricts; u++)
            print_change_row(&r->subdistricts[u]);
    }
    printf("\n%-20s %6s %8s    %7s -> %7s %10s\n", "category", "added", "", "before", "after", "+pop");
    for (int c = 0; c < p->n_categories; c++)
        if (r->n_facilities_added[c])
            printf("%-20s %6zu %8s    %s -> %s %+10.0f\n", p->categories[c].code, r->n_facilities_added[c], "",
                   pct(buf, sizeof buf, r->total.cov_category_before[c]), pct(buf2, sizeof buf2,
                   r->total.cov_category[c]), r->total.pop_category_gained[c]);
}

static void print_table(const pc_plan *plan, const pc_coverage_result *r)
{
    const pc_profile *p = &r->profile;
    char buf[16];
    printf("15-minute community life circle coverage (GB 50180-2018), %s mode: %s\n", pc_coverage_mode_name(r->mode),
           r->mode == PC_COVERAGE_NETWORK ? "walking along the streets" : "straight-line distance");
    printf("Plan %s, analysis CRS %s, walking %.0f m/min\n", pc_plan_path(plan), pc_plan_crs(plan),
           p->walk_speed_m_per_min);
    printf("Share of residents with every category of the level within walking distance (levels do not contain each "
           "other);\narea15: share of the built-up area inside the 15-minute service area.\n");
    print_header("Structure units (一主两副六组团)", "unit", "单元", 1);
    for (size_t u = 0; u < r->n_units; u++)
        print_row(&r->units[u], 1, p->target_coverage);
    print_row(&r->total, 1, p->target_coverage);
    printf("* below the target of %s of residents covered at 15 minutes\n", pct(buf, sizeof buf, p->target_coverage));
    if (r->n_subdistricts) {
        print_header("Streets and towns (街镇)", "subdistrict", "街镇", 0);
        for (size_t u = 0; u < r->n_subdistricts; u++)
            print_row(&r->subdistricts[u], 0, p->target_coverage);
    }

    printf("\n%-20s %-24s %5s %8s %7s %10s %8s\n", "category", "", "level", "distance", "minutes", "facilities",
           "covered");
    for (int c = 0; c < p->n_categories; c++) {
        const pc_category *cat = &p->categories[c];
        char zh[64];
        printf("%-20s %s %5d %6.0f m %7.1f %10zu %s\n", cat->code, cli_cell(zh, sizeof zh, cat->name_zh, 24),
               cat->level_min, cat->distance_m, pc_profile_minutes(p, cat->distance_m), r->n_facilities[c],
               pct(buf, sizeof buf, r->total.cov_category[c]));
    }
    if (r->n_missing) {
        printf("\nCategories without any %sfacility (nobody is covered at their level):",
               r->mode == PC_COVERAGE_NETWORK ? "reachable " : "");
        for (int k = 0; k < r->n_missing; k++)
            printf(" %s (%d min)", p->categories[r->missing[k]].code, p->categories[r->missing[k]].level_min);
        printf("\n");
    }
    if (r->mode == PC_COVERAGE_NETWORK) {
        printf("\nNetwork: %zu street lines (%zu excluded by class), %u nodes, %u edges, %.1f km, %u components; "
               "%zu ends snapped, %zu joined mid-segment\n",
               r->network.n_lines, r->network.n_lines_excluded, r->n_nodes, r->n_edges, r->network.length_m / 1000,
               r->n_components, r->network.n_snapped, r->network.n_split);
        printf("Unreachable (more than %.0f m from any street): %zu residents, population %.0f\n", p->max_access_m,
               r->total.n_unreachable, r->total.pop_unreachable);
        printf("Cut off (on a street component without any facility): %zu residents, population %.0f\n",
               r->total.n_cut_off, r->total.pop_cut_off);
        if (r->n_facilities_unattached)
            printf("Facilities more than %.0f m from any street (not used): %zu\n", p->max_access_m,
                   r->n_facilities_unattached);
    }
    printf("\nGaps (clusters of uncovered residents, %.0f m apart at most), largest first:\n", r->gap_link_m);
    for (int l = 0; l < PC_N_LEVELS; l++) {
        size_t count = 0;
        for (size_t k = 0; k < r->n_gaps; k++)
            count += r->gaps[k].level_min == pc_levels_min[l];
        printf("  %2d-min: %zu gaps", pc_levels_min[l], count);
        int shown = 0;
        for (size_t k = 0; k < r->n_gaps && shown < 3; k++) {
            const pc_coverage_gap *g = &r->gaps[k];
            if (g->level_min != pc_levels_min[l])
                continue;
            int worst = -1;
            for (int c = 0; c < p->n_categories; c++)
                if (g->pop_missing[c] > 0 && (worst < 0 || g->pop_missing[c] > g->pop_missing[worst]))
                    worst = c;
            printf("%s pop %.0f in %s (most lack %s)", shown ? ";" : ":", g->pop,
                   g->unit >= 0 ? r->units[g->unit].name : "no unit", worst >= 0 ? p->categories[worst].code : "-");
            shown++;
        }
        printf("\n");
    }
    if (r->has_before)
        print_change(r);
}

/*
 * PLANCHECK_TIMINGS=1 in the environment: the seconds each phase took, on stderr, one line per phase
 * ("timing: 1.234 s coverage: building the street network"), from the analysis' progress messages.
 * For benchmarks (scripts/bench.sh): where the time goes.
 */
typedef struct phase_timer {
    struct timespec start, phase_start;
    char phase[128];
} phase_timer;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void phase_end(phase_timer *t, const char *next)
{
    if (t->phase[0])
        fprintf(stderr, "timing: %.3f s %s\n", seconds_since(&t->phase_start), t->phase);
    clock_gettime(CLOCK_MONOTONIC, &t->phase_start);
    snprintf(t->phase, sizeof t->phase, "%s", next ? next : "");
}

static int phase_progress(double fraction, const char *message, void *payload)
{
    (void)fraction;
    phase_timer *t = payload;
    /* Per-category messages ("walking distances to X") count as one phase: searching. */
    const char *phase = strncmp(message, "coverage: walking distances", 27) == 0 ? "coverage: searching (all categories)"
                                                                             : message;
    if (strcmp(phase, t->phase) != 0)
        phase_end(t, phase);
    return 1;
}

static int run_coverage(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_coverage_result *result = NULL;
    pc_writer *writer = NULL;
    pc_layer *added = NULL;
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    const char *mode = run->args.value[OPT_MODE];
    if (mode && !pc_coverage_mode_parse(mode, &opts.mode))
        return cli_usage_error(run, "--mode must be network or radius, not '%s'", mode);
    const char *output = run->args.value[OPT_OUTPUT];
    /* Service-area polygons are only for the output. */
    opts.service_areas = output != NULL;
    phase_timer timer = {0};
    const char *timings = getenv("PLANCHECK_TIMINGS");
    int timed = timings && *timings && strcmp(timings, "0") != 0;
    if (timed) {
        clock_gettime(CLOCK_MONOTONIC, &timer.start);
        phase_end(&timer, "open the plan");
    }
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    if (timed)
        pc_ctx_set_progress(run->ctx, phase_progress, &timer);
    /* --add FILE: proposed facilities (any GDAL source, FILE|layername=L), each with a category. */
    const char *add = run->args.value[OPT_ADD];
    if (add && pc_plan_read_extra(run->ctx, plan, PC_ROLE_FACILITIES, add, PC_FIELD_BIT(PC_FIELD_CATEGORY), &added)) {
        rc = cli_fail(run);
        goto done;
    }
    opts.extra_facilities = added;
    /* Open the output first: a bad -o fails at once, not after the analysis. */
    if (output && (cli_writer_open(run, &writer, output, plan) ||
                   pc_writer_meta(writer, "command", "coverage") ||
                   pc_writer_meta(writer, "plan", pc_plan_path(plan)))) {
        rc = cli_fail(run);
        goto done;
    }
    if (pc_coverage_run(run->ctx, plan, &run->profile, &opts, &result)) {
        rc = cli_fail(run);
        goto done;
    }
    if (timed)
        phase_end(&timer, output ? "write the output" : "print the results");
    if (output && (pc_coverage_write(run->ctx, writer, result) || pc_writer_commit(writer))) {
        rc = cli_fail(run);
        goto done;
    }
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON])
        cli_print_json(pc_coverage_to_json(plan, result));
    else
        print_table(plan, result);
    if (output && !run->args.value[OPT_JSON] && !cli_quiet(run))
        fprintf(stderr, "plancheck coverage: wrote %s (coverage_units, coverage_residents, service_areas, "
                        "coverage_gaps%s)\n", output, added ? ", added_facilities" : "");
done:
    pc_writer_destroy(writer);
    pc_coverage_result_destroy(run->ctx, result);
    pc_layer_destroy(run->ctx, added);
    pc_plan_destroy(plan);
    if (timed) {
        fflush(stdout);
        phase_end(&timer, NULL);
        fprintf(stderr, "timing: %.3f s total\n", seconds_since(&timer.start));
    }
    return rc;
}

static const cli_opt coverage_options[] = {OPT_OUTPUT,  OPT_JSON,   OPT_MODE,       OPT_ADD,   OPT_CRS,
                                           OPT_PROFILE, OPT_INVALID, OPT_SCHEMA, OPT_OUT_SCHEMA, OPT__COUNT};

const cli_command cli_command_coverage = {
    "coverage", 20, "PLAN [-o OUT.gpkg] [--json] [--mode network|radius] [--add FILE]",
    "15/10/5-minute life circle coverage per structure unit, subdistrict and in total (GB 50180-2018); with "
    "--add, the change the proposed facilities make",
    coverage_options, 1, 1, run_coverage};
