/* cmd_suggest.c: `plancheck suggest PLAN`: where K new facilities reach the most residents not yet covered. */
#include "cli.h"
#include "pc_suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

static void print_row(const pc_suggest_result *r, const pc_suggest_row *row, int with_tier)
{
    char c1[96], c2[64], b[16], a[16];
    printf("%s %s ", cli_cell(c1, sizeof c1, row->name, 28), cli_cell(c2, sizeof c2, row->name_zh, 16));
    if (with_tier)
        printf("%-8s ", row->tier ? row->tier : "");
    printf("%11.0f %5zu", row->pop, row->n_sites);
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->levels[l].in_scope)
            printf("   %s -> %s %+9.0f", pct(b, sizeof b, row->cov_level_before[l]),
                   pct(a, sizeof a, row->cov_level_after[l]), row->pop_level_after[l] - row->pop_level_before[l]);
    if (r->n_categories == 1) {
        int c = r->categories[0].category;
        printf("   %s -> %s %+9.0f", pct(b, sizeof b, row->cov_category_before[c]),
               pct(a, sizeof a, row->cov_category_after[c]), row->pop_category_after[c] - row->pop_category_before[c]);
    }
    printf("\n");
}

static void print_header(const pc_suggest_result *r, const char *col, const char *col_zh, int with_tier)
{
    char c1[96], c2[64];
    printf("%s %s ", cli_cell(c1, sizeof c1, col, 28), cli_cell(c2, sizeof c2, col_zh, 16));
    if (with_tier)
        printf("%-8s ", "tier");
    printf("%11s %5s", "population", "sites");
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->levels[l].in_scope)
            printf("   %4d-min -> %7s %9s", pc_levels_min[l], "after", "+pop");
    if (r->n_categories == 1)
        printf("   %7s -> %7s %9s", "categ.", "after", "+pop");
    printf("\n");
}

static void print_table(const pc_plan *plan, const pc_suggest_result *r)
{
    const pc_profile *p = &r->profile;
    char b[16], a[16], c1[96];
    if (r->level_min)
        printf("Proposed sites for the %d-minute life circle (every category of the level), %zu at most per "
               "category\n", r->level_min, r->count);
    else if (r->n_categories == 1)
        printf("Proposed sites for %s (%s), %zu at most\n", p->categories[r->categories[0].category].code,
               p->categories[r->categories[0].category].name_zh, r->count);
    printf("Plan %s, analysis CRS %s; maximal covering location along the streets, greedy with lazy gain updates\n"
           "(each pick brings the most residents not yet within the category's walking distance; within 1 - 1/e "
           "of the best choice)\n", pc_plan_path(plan), pc_plan_crs(plan));
    printf("Candidates: %zu %s", r->n_candidates_offered, r->candidates_given ? "points given" : "street nodes");
    if (!r->candidates_given)
        printf(", %zu outside the built-up area ('%s')", r->n_outside, r->candidates_source);
    if (r->respect_redlines)
        printf(", %zu inside a forbidden red line", r->n_forbidden);
    printf(", %zu farther than %.0f m from a street: %zu usable\n", r->n_unattached, p->max_access_m, r->n_candidates);

    printf("\n%-18s %5s %6s %10s %10s %11s %15s %10s\n", "category", "level", "dist m", "facilities", "uncovered",
           "reachable", "before -> after", "proposed");
    for (size_t k = 0; k < r->n_categories; k++) {
        const pc_suggest_category *sc = &r->categories[k];
        const pc_category *cat = &p->categories[sc->category];
        printf("%-18s %5d %6.0f %10zu %10.0f %11.0f %s ->%s %5zu\n", cat->code, cat->level_min, cat->distance_m,
               sc->n_facilities, sc->pop_uncovered, sc->pop_reachable, pct(b, sizeof b, sc->cov_before),
               pct(a, sizeof a, sc->cov_after), sc->n_proposed);
    }
    printf("(uncovered: population not within reach today; reachable: of it, within reach of some candidate)\n");

    printf("\n%4s %-18s %-24s %12s %12s %9s %9s %9s\n", "rank", "category", "unit", "x", "y", "+pop",
           "category", "level");
    for (size_t k = 0; k < r->n_sites; k++) {
        const pc_suggest_site *st = &r->sites[k];
        const pc_category *cat = &p->categories[st->category];
        printf("%4zu %-18s %s %12.1f %12.1f %+9.0f   %s   %s\n", st->rank, cat->code,
               cli_cell(c1, sizeof c1, st->unit >= 0 ? r->units[st->unit].name : "-", 24), st->x, st->y, st->gain_pop,
               pct(b, sizeof b, st->cov_category), pct(a, sizeof a, st->cov_level));
    }
    if (r->n_sites == 0)
        printf("   (none)\n");
    printf("(+pop: residents newly within walking distance; category and level: coverage of the plan after the "
           "pick)\n");
    printf("Stopped: %s\n", r->stop == PC_SUGGEST_STOP_TARGET ? "the level's coverage target was reached"
                        : r->stop == PC_SUGGEST_STOP_COUNT ? "the count was reached"
                                                           : "no candidate reaches anyone still uncovered");
    for (int l = 0; l < PC_N_LEVELS; l++)
        if (r->levels[l].in_scope)
            printf("%d-minute coverage: %s -> %s (target %s)\n", pc_levels_min[l],
                   pct(b, sizeof b, r->levels[l].cov_before), pct(a, sizeof a, r->levels[l].cov_after),
                   pct(c1, sizeof c1, p->target_coverage));

    printf("\nStructure units, before -> after (levels in scope%s%s)\n", r->n_categories == 1 ? "; categ.: " : "",
           r->n_categories == 1 ? p->categories[r->categories[0].category].code : "");
    print_header(r, "unit", "单元", 1);
    for (size_t u = 0; u < r->n_units; u++)
        print_row(r, &r->units[u], 1);
    print_row(r, &r->total, 1);
    if (r->n_subdistricts) {
        printf("\nStreets and towns (before -> after)\n");
        print_header(r, "subdistrict", "街镇", 0);
        for (size_t u = 0; u < r->n_subdistricts; u++)
            print_row(r, &r->subdistricts[u], 0);
    }
}

static int run_suggest(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_suggest_result *result = NULL;
    pc_writer *writer = NULL;
    pc_layer *candidates = NULL, *added = NULL;
    pc_suggest_options opts = PC_SUGGEST_OPTIONS_INIT;
    const char *category = run->args.value[OPT_CATEGORY], *level = run->args.value[OPT_LEVEL];
    if (!category == !level)
        return cli_usage_error(run, "give --category CODE or --level 15|10|5 (one of them)");
    if (level) {
        if (strcmp(level, "15") && strcmp(level, "10") && strcmp(level, "5"))
            return cli_usage_error(run, "--level must be 15, 10 or 5, not '%s'", level);
        opts.level_min = atoi(level);
    }
    opts.category = category;
    double count = 10;
    if (!cli_number(run, OPT_COUNT, 1, 1000000, 10, &count))
        return CLI_EXIT_USAGE;
    if (count != floor(count))
        return cli_usage_error(run, "--count must be a whole number, not '%s'", run->args.value[OPT_COUNT]);
    opts.count = (size_t)count;
    opts.respect_redlines = run->args.value[OPT_RESPECT_REDLINES] != NULL;
    const char *output = run->args.value[OPT_OUTPUT];
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    const char *cand = run->args.value[OPT_CANDIDATES], *add = run->args.value[OPT_ADD];
    if ((cand && pc_plan_read_extra(run->ctx, plan, PC_ROLE_SITES, cand, 0, &candidates)) ||
        (add &&
         pc_plan_read_extra(run->ctx, plan, PC_ROLE_FACILITIES, add, PC_FIELD_BIT(PC_FIELD_CATEGORY), &added))) {
        rc = cli_fail(run);
        goto done;
    }
    opts.candidates = candidates;
    opts.extra_facilities = added;
    /* Open the output first: a bad -o fails at once, not after the analysis. */
    if (output && (cli_writer_open(run, &writer, output, plan) || pc_writer_meta(writer, "command", "suggest") ||
                   pc_writer_meta(writer, "plan", pc_plan_path(plan)))) {
        rc = cli_fail(run);
        goto done;
    }
    if (pc_suggest_run(run->ctx, plan, &run->profile, &opts, &result)) {
        rc = cli_fail(run);
        goto done;
    }
    if (output && (pc_suggest_write(run->ctx, writer, result) || pc_writer_commit(writer))) {
        rc = cli_fail(run);
        goto done;
    }
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON])
        cli_print_json(pc_suggest_to_json(plan, result));
    else
        print_table(plan, result);
    if (output && !run->args.value[OPT_JSON] && !cli_quiet(run))
        fprintf(stderr, "plancheck suggest: wrote %s (suggested_sites%s)\n", output,
                result->units_layer ? ", suggestion_units" : "");
done:
    pc_writer_destroy(writer);
    pc_suggest_result_destroy(run->ctx, result);
    pc_layer_destroy(run->ctx, candidates);
    pc_layer_destroy(run->ctx, added);
    pc_plan_destroy(plan);
    return rc;
}

static const cli_opt suggest_options[] = {OPT_CATEGORY, OPT_LEVEL,   OPT_COUNT,  OPT_CANDIDATES, OPT_RESPECT_REDLINES,
                                          OPT_ADD,      OPT_OUTPUT,  OPT_JSON,   OPT_CRS,        OPT_PROFILE,
                                          OPT_INVALID,  OPT_SCHEMA,  OPT_OUT_SCHEMA, OPT__COUNT};

const cli_command cli_command_suggest = {
    "suggest", 25,
    "PLAN (--category CODE | --level 15|10|5) [--count K] [--candidates FILE] [--respect-redlines] [-o OUT.gpkg] "
    "[--json]",
    "propose K sites for new facilities that bring the most uncovered residents within walking distance "
    "(maximal covering location along the streets; --count defaults to 10)",
    suggest_options, 1, 1, run_suggest};
