/* test_suggest.c: proposed facility sites (maximal covering location) and coverage --add on plans counted by hand. */
#include "tu.h"
#include "pc_coverage.h"
#include "pc_plan.h"
#include "pc_suggest.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stdlib.h>

/* Every fixture sits at E 500000 N 4318000 of EPSG:4548; coordinates below are relative metres. */
#define X0 500000.0
#define Y0 4318000.0

static char *slot(void)
{
    static char bufs[1024][256];
    static int next;
    return bufs[next++ & 1023];
}

static const char *pt(double x, double y)
{
    char *b = slot();
    snprintf(b, 256, "POINT(%.3f %.3f)", X0 + x, Y0 + y);
    return b;
}

static const char *ln(double x0, double y0, double x1, double y1)
{
    char *b = slot();
    snprintf(b, 256, "LINESTRING(%.3f %.3f,%.3f %.3f)", X0 + x0, Y0 + y0, X0 + x1, Y0 + y1);
    return b;
}

static const char *box(double x0, double y0, double x1, double y1)
{
    char *b = slot();
    snprintf(b, 256, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", X0 + x0, Y0 + y0, X0 + x1, Y0 + y0,
             X0 + x1, Y0 + y1, X0 + x0, Y0 + y1, X0 + x0, Y0 + y0);
    return b;
}

static const char *num(double v)
{
    char *b = slot();
    snprintf(b, 256, "%g", v);
    return b;
}

static void add_category(pc_profile *p, const char *code, int level, double distance_m)
{
    pc_category *c = &p->categories[p->n_categories++];
    memset(c, 0, sizeof *c);
    snprintf(c->code, sizeof c->code, "%s", code);
    snprintf(c->name_en, sizeof c->name_en, "%s", code);
    snprintf(c->name_zh, sizeof c->name_zh, "%s类", code);
    c->level_min = level;
    c->distance_m = distance_m;
}

/* The default profile (red-line rules, access 300 m) with only the given categories. */
static void profile_with(pc_profile *p, const char *a, int level_a, double dist_a, const char *b, int level_b,
                         double dist_b)
{
    pc_profile_default(p);
    p->n_categories = 0;
    add_category(p, a, level_a, dist_a);
    if (b)
        add_category(p, b, level_b, dist_b);
}

/*
 * The line plan: a street y = 0 from x = 0 to 1000 in 100 m lines (nodes every 100 m, the candidates).
 * Residents on the street: 10 at x=100, 50 at 500, 40 at 600, 5 at 700, 30 at 900 (135 in all).
 * One facility of category fac_code at (100,0). Units: West x < 450 (main), East x > 450 (cluster).
 * Built-up: the whole strip. Red lines only when with_redlines: ecological red line (forbid) around
 * x=600, basic farmland (forbid) [380,500] holding node 400 inside and node 500 on its edge, a
 * wetland (restrict) around x=500.
 */
static const char *make_line_plan(const char *dir, const char *fac_code, int with_redlines)
{
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[10];
    for (int k = 0; k < 10; k++) {
        streets[k].wkt = ln(100.0 * k, 0, 100.0 * (k + 1), 0);
        streets[k].values[0] = "residential";
    }
    tu_row residents[] = {{pt(100, 0), {"10"}}, {pt(500, 0), {"50"}}, {pt(600, 0), {"40"}}, {pt(700, 0), {"5"}},
                          {pt(900, 0), {"30"}}};
    tu_row facilities[] = {{pt(100, 0), {fac_code, "existing"}}};
    tu_row structure[] = {{box(-50, -500, 450, 500), {"West", "西", "main"}},
                          {box(450, -500, 1050, 500), {"East", "东", "cluster"}}};
    tu_row builtup[] = {{box(-50, -100, 1050, 100), {"b"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, 10), 0);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 5);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 2);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 1);
    if (with_redlines) {
        tu_row red[] = {{box(550, -50, 650, 50), {"eco", "ecological_redline"}},
                        {box(380, -50, 500, 50), {"farm", "basic_farmland"}},
                        {box(450, -60, 560, 60), {"wet", "wetland"}}};
        tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", red, 3);
    }
    return path;
}

static pc_plan *open_plan(pc_ctx *ctx, const char *path)
{
    pc_plan *plan = NULL;
    if (pc_plan_open(ctx, &plan, path, NULL) != PC_OK)
        fprintf(stderr, "\n  cannot open %s: %s\n", path, pc_ctx_message(ctx));
    return plan;
}

static pc_suggest_result *suggest(pc_ctx *ctx, pc_plan *plan, const pc_profile *p, const pc_suggest_options *o)
{
    pc_suggest_result *r = NULL;
    pc_status s = pc_suggest_run(ctx, plan, p, o, &r);
    if (s)
        fprintf(stderr, "\n  suggest failed: %s\n", pc_ctx_message(ctx));
    TU_ASSERT_INT(s, PC_OK);
    return r;
}

/* x of a site relative to the fixture origin. */
static double site_x(const pc_suggest_site *s) { return s->x - X0; }

/* One site: node (600,0) reaches 500, 600 and 700 (100 m each way): 95 people, more than any other node. */
static void test_single_best_site(void)
{
    const char *dir = tu_tmpdir("suggest_single");
    const char *path = make_line_plan(dir, "K", 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, NULL, 0, 0);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.category = "K";
    o.count = 1;
    pc_suggest_result *r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_candidates_offered, 11);
    TU_ASSERT_INT(r->n_outside, 0);
    TU_ASSERT_INT(r->n_candidates, 11);
    TU_ASSERT_INT(r->n_sites, 1);
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 600, 1e-6);
    TU_ASSERT_NEAR(r->sites[0].y - Y0, 0, 1e-6);
    TU_ASSERT_NEAR(r->sites[0].gain_pop, 95, 1e-9);
    TU_ASSERT_INT(r->sites[0].gain_residents, 3);
    /* The existing K at (100,0) covers the 10 there: 10 + 95 of 135. */
    TU_ASSERT_NEAR(r->sites[0].pop_category, 105, 1e-9);
    TU_ASSERT_NEAR(r->sites[0].cov_category, 105.0 / 135, 1e-12);
    TU_ASSERT_NEAR(r->sites[0].cov_level, 105.0 / 135, 1e-12); /* K is the only 5-minute category */
    TU_ASSERT_INT(r->sites[0].unit, 1);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_COUNT);
    /* The category: 125 uncovered, all within reach of some node (900 from 800, 900, 1000). */
    TU_ASSERT_NEAR(r->categories[0].pop_uncovered, 125, 1e-9);
    TU_ASSERT_NEAR(r->categories[0].pop_reachable, 125, 1e-9);
    TU_ASSERT_NEAR(r->categories[0].cov_before, 10.0 / 135, 1e-12);
    TU_ASSERT_NEAR(r->categories[0].cov_after, 105.0 / 135, 1e-12);
    /* Units before and after: West 10 of 10 both; East 0 -> 95 of 125. */
    TU_ASSERT_INT(r->n_units, 2);
    TU_ASSERT_NEAR(r->units[0].cov_category_before[0], 1.0, 1e-12);
    TU_ASSERT_NEAR(r->units[1].pop_category_before[0], 0, 1e-12);
    TU_ASSERT_NEAR(r->units[1].pop_category_after[0], 95, 1e-12);
    TU_ASSERT_NEAR(r->units[1].cov_level_after[2], 95.0 / 125, 1e-12);
    TU_ASSERT_INT(r->units[1].n_sites, 1);
    TU_ASSERT_NEAR(r->total.pop_level_after[2], 105, 1e-12);
    CU_ASSERT(r->levels[2].in_scope && !r->levels[0].in_scope);

    /* Three sites: then 30 at 900 (from 800, 900 or 1000), and nobody is left: it stops at two. */
    pc_suggest_result_destroy(ctx, r);
    o.count = 3;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_sites, 2);
    TU_ASSERT_NEAR(r->sites[1].gain_pop, 30, 1e-9);
    CU_ASSERT(site_x(&r->sites[1]) >= 799 && site_x(&r->sites[1]) <= 1001);
    TU_ASSERT_NEAR(r->sites[1].cov_category, 1.0, 1e-12);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_NO_GAIN);

    /* JSON: INTERFACE keys and the coverage key names for the state after. */
    json_object *j = pc_suggest_to_json(plan, r);
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    TU_ASSERT_CONTAINS(text, "\"crs\":\"EPSG:4548\"");
    TU_ASSERT_CONTAINS(text, "\"cov_K\":1");
    TU_ASSERT_CONTAINS(text, "\"cov5_pop\":1");
    TU_ASSERT_CONTAINS(text, "\"stop\":\"no_gain\"");
    json_object_put(j);
    pc_suggest_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/*
 * Greedy is not optimal: residents 20 at x=0, 30 at 100, 30 at 200, 20 at 300 on a street, K reaches 60 m,
 * three candidate points: A (50,0) reaches {0, 100} = 50, B (150,0) {100, 200} = 60, C (250,0) {200, 300} =
 * 50. The best pair is A + C (all 100); greedy takes B first (60), then A (20 more; A and C tie, A comes
 * first): 80 = 0.8 of the optimum, within the guarantee of 1 - 1/e = 0.632.
 */
static void test_greedy_not_optimal(void)
{
    const char *dir = tu_tmpdir("suggest_greedy");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[4];
    for (int k = 0; k < 4; k++)
        streets[k].wkt = ln(100.0 * k - 50, 0, 100.0 * k + 50, 0), streets[k].values[0] = "residential";
    tu_row residents[] = {{pt(0, 0), {"20"}}, {pt(100, 0), {"30"}}, {pt(200, 0), {"30"}}, {pt(300, 0), {"20"}}};
    tu_row facilities[] = {{pt(5000, 0), {"Z", "far away, another category"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, 4), 0);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 4);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    const char *cand_path = tu_path(dir, "candidates.gpkg");
    tu_row cand[] = {{pt(50, 0), {"A"}}, {pt(150, 0), {"B"}}, {pt(250, 0), {"C"}}};
    tu_write_layer(cand_path, "candidates", 4548, "point", "name", cand, 3);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 60, "Z", 15, 100);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_layer *candidates = NULL;
    TU_ASSERT_INT(pc_plan_read_extra(ctx, plan, PC_ROLE_SITES, cand_path, 0, &candidates), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(candidates);
    for (int direction = PC_SUGGEST_FROM_CANDIDATES; direction <= PC_SUGGEST_FROM_RESIDENTS; direction++) {
        pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
        o.category = "K";
        o.count = 2;
        o.candidates = candidates;
        o.direction = (pc_suggest_direction)direction;
        pc_suggest_result *r = suggest(ctx, plan, &p, &o);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        TU_ASSERT_INT(r->categories[0].direction, direction);
        CU_ASSERT(r->candidates_given);
        TU_ASSERT_INT(r->n_candidates, 3);
        TU_ASSERT_INT(r->n_sites, 2);
        TU_ASSERT_NEAR(site_x(&r->sites[0]), 150, 1e-6); /* B */
        TU_ASSERT_NEAR(r->sites[0].gain_pop, 60, 1e-9);
        TU_ASSERT_NEAR(site_x(&r->sites[1]), 50, 1e-6); /* A */
        TU_ASSERT_NEAR(r->sites[1].gain_pop, 20, 1e-9);
        TU_ASSERT_INT(r->cand_fid[r->sites[1].candidate], candidates->fids[0]);
        double greedy = r->sites[1].pop_category, best_pair = 100;
        TU_ASSERT_NEAR(greedy, 80, 1e-9);
        CU_ASSERT(greedy >= (1 - exp(-1.0)) * best_pair);
        TU_ASSERT_INT(r->categories[0].n_pairs, 6);
        pc_suggest_result_destroy(ctx, r);
    }
    /* With three, everyone: B, then A, then C. */
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.category = "K";
    o.count = 3;
    o.candidates = candidates;
    pc_suggest_result *r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_sites, 3);
    TU_ASSERT_NEAR(site_x(&r->sites[2]), 250, 1e-6);
    TU_ASSERT_NEAR(r->sites[2].cov_category, 1.0, 1e-12);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_COUNT);
    pc_suggest_result_destroy(ctx, r);
    pc_layer_destroy(ctx, candidates);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* A candidate inside a forbidden red line is never chosen with respect_redlines, and is chosen without. */
static void test_redlines(void)
{
    const char *dir = tu_tmpdir("suggest_redlines");
    const char *path = make_line_plan(dir, "K", 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, NULL, 0, 0);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.category = "K";
    o.count = 1;
    pc_suggest_result *r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 600, 1e-6);
    TU_ASSERT_INT(r->n_forbidden, 0);
    pc_suggest_result_destroy(ctx, r);

    /* Respecting them: node 600 lies inside the ecological red line, node 400 inside the farmland; node 500 on
     * the farmland's edge (touching is not inside) and inside a wetland (restrict, allowed) is the best left. */
    o.respect_redlines = 1;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_forbidden, 2);
    int eco = -1, farm = -1;
    for (int k = 0; k < p.n_redline_rules; k++) {
        if (strcmp(p.redline_rules[k].kind, "ecological_redline") == 0)
            eco = k;
        if (strcmp(p.redline_rules[k].kind, "basic_farmland") == 0)
            farm = k;
    }
    CU_ASSERT_FATAL(eco >= 0 && farm >= 0);
    TU_ASSERT_INT(r->n_forbidden_kind[eco], 1);
    TU_ASSERT_INT(r->n_forbidden_kind[farm], 1);
    TU_ASSERT_INT(r->n_candidates, 9);
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 500, 1e-6);
    TU_ASSERT_NEAR(r->sites[0].gain_pop, 90, 1e-9);
    for (size_t j = 0; j < r->n_candidates; j++)
        CU_ASSERT(fabs(r->cand_x[j] - X0 - 600) > 1 && fabs(r->cand_x[j] - X0 - 400) > 1);
    pc_suggest_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/*
 * A level: K and B at 5 minutes (100 m), the existing facility is a K at (100,0), nobody reaches a B.
 * Gains per facility: K@600 95 and B@600 95 (tie: K first, the profile's order), then K and B at 900 (30
 * each), then B at 0..200 for the 10 at x=100. The level (both in reach): 0 -> 95 after two picks,
 * 125 after four, 135 after five.
 */
static void test_level(void)
{
    const char *dir = tu_tmpdir("suggest_level");
    const char *path = make_line_plan(dir, "K", 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, "B", 5, 100);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.level_min = 5;
    o.count = 1;
    pc_suggest_result *r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_categories, 2);
    TU_ASSERT_INT(r->n_sites, 2);
    CU_ASSERT_STRING_EQUAL(p.categories[r->sites[0].category].code, "K");
    CU_ASSERT_STRING_EQUAL(p.categories[r->sites[1].category].code, "B");
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 600, 1e-6);
    TU_ASSERT_NEAR(site_x(&r->sites[1]), 600, 1e-6);
    TU_ASSERT_NEAR(r->sites[0].pop_level, 0, 1e-9);
    TU_ASSERT_NEAR(r->sites[1].pop_level, 95, 1e-9);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_COUNT);
    TU_ASSERT_NEAR(r->levels[2].cov_after, 95.0 / 135, 1e-12);
    pc_suggest_result_destroy(ctx, r);

    /* Up to 5 each with a target of 90%: it stops after four picks, at 125 of 135 (92.6%). */
    p.target_coverage = 0.9;
    o.count = 5;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_sites, 4);
    const double gains[] = {95, 95, 30, 30}, level[] = {0, 95, 95, 125};
    for (size_t k = 0; k < 4 && k < r->n_sites; k++) {
        TU_ASSERT_NEAR(r->sites[k].gain_pop, gains[k], 1e-9);
        TU_ASSERT_NEAR(r->sites[k].pop_level, level[k], 1e-9);
        TU_ASSERT_INT(r->sites[k].rank, k + 1);
    }
    TU_ASSERT_INT(r->sites[3].rank_category, 2);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_TARGET);
    CU_ASSERT(r->levels[2].reached);

    /* Without a target in reach, every category runs to K or out of gains: five picks, all covered. */
    pc_suggest_result_destroy(ctx, r);
    p.target_coverage = 1.0;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_sites, 5);
    TU_ASSERT_NEAR(r->sites[4].gain_pop, 10, 1e-9);
    TU_ASSERT_NEAR(r->sites[4].cov_level, 1.0, 1e-12);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_TARGET);
    pc_suggest_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/*
 * Neither a category nor a level (the report's "K per category"): K (5 min, 100 m; one at (100,0)) and M
 * (10 min, 200 m; none). M at node 700 reaches 500..900: 125 people, more than K's best (95 at 600), so it
 * comes first; each level then has its own coverage.
 */
static void test_all_categories(void)
{
    const char *dir = tu_tmpdir("suggest_all");
    const char *path = make_line_plan(dir, "K", 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, "M", 10, 200);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.count = 1;
    pc_suggest_result *r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_categories, 2);
    TU_ASSERT_INT(r->n_sites, 2);
    CU_ASSERT_STRING_EQUAL(p.categories[r->sites[0].category].code, "M");
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 700, 1e-6);
    TU_ASSERT_NEAR(r->sites[0].gain_pop, 125, 1e-9);
    TU_ASSERT_NEAR(r->sites[0].cov_level, 125.0 / 135, 1e-12);
    CU_ASSERT_STRING_EQUAL(p.categories[r->sites[1].category].code, "K");
    TU_ASSERT_NEAR(r->sites[1].gain_pop, 95, 1e-9);
    TU_ASSERT_NEAR(r->sites[1].cov_level, 105.0 / 135, 1e-12);
    CU_ASSERT(r->levels[1].in_scope && r->levels[2].in_scope && !r->levels[0].in_scope);
    TU_ASSERT_NEAR(r->levels[1].cov_after, 125.0 / 135, 1e-12);
    TU_ASSERT_NEAR(r->levels[2].cov_after, 105.0 / 135, 1e-12);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_COUNT);
    pc_suggest_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* coverage --add: a K at (600,0) adds exactly the 95 people at 500, 600 and 700, all in East. */
static void test_coverage_add(void)
{
    const char *dir = tu_tmpdir("suggest_add");
    const char *path = make_line_plan(dir, "K", 0);
    const char *extra_path = tu_path(dir, "proposed.gpkg");
    tu_row extra[] = {{pt(600, 0), {"K", "new"}}, {pt(100, 0), {"K", "same place as the existing one"}},
                      {pt(600, 0), {"Q", "unknown code"}}};
    tu_write_layer(extra_path, "proposed", 4548, "point", "category,name", extra, 3);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, "M", 10, 200);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_layer *added = NULL;
    TU_ASSERT_INT(
        pc_plan_read_extra(ctx, plan, PC_ROLE_FACILITIES, extra_path, PC_FIELD_BIT(PC_FIELD_CATEGORY), &added), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(added);
    for (int mode = PC_COVERAGE_NETWORK; mode <= PC_COVERAGE_RADIUS; mode++) {
        pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
        opts.extra_facilities = added;
        opts.mode = (pc_coverage_mode)mode;
        pc_coverage_result *r = NULL;
        TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &opts, &r), PC_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT(r->has_before);
        TU_ASSERT_INT(r->n_facilities_added[0], 2);
        TU_ASSERT_INT(r->n_facilities_unknown, 1);
        TU_ASSERT_NEAR(r->total.pop_category_before[0], 10, 1e-12);
        TU_ASSERT_NEAR(r->total.pop_category[0], 105, 1e-12);
        TU_ASSERT_NEAR(r->total.pop_category_gained[0], 95, 1e-12);
        TU_ASSERT_NEAR(r->total.cov_category_before[0], 10.0 / 135, 1e-12);
        /* Level 5 is K alone: the same; level 10 (M, no facility) stays at 0; level 15 has no category. */
        TU_ASSERT_NEAR(r->total.pop_level_before[2], 10, 1e-12);
        TU_ASSERT_NEAR(r->total.pop_level_gained[2], 95, 1e-12);
        TU_ASSERT_INT(r->total.n_level_gained[2], 3);
        TU_ASSERT_NEAR(r->total.cov_level_before[2], 10.0 / 135, 1e-12);
        TU_ASSERT_NEAR(r->total.cov_level[2], 105.0 / 135, 1e-12);
        TU_ASSERT_NEAR(r->total.pop_level_gained[1], 0, 1e-12);
        CU_ASSERT(isnan(r->total.cov_level_before[0]));
        TU_ASSERT_NEAR(r->units[0].pop_level_gained[2], 0, 1e-12);
        TU_ASSERT_NEAR(r->units[1].pop_level_gained[2], 95, 1e-12);
        TU_ASSERT_NEAR(r->units[1].cov_level_before[2], 0, 1e-12);
        TU_ASSERT_NEAR(r->units[1].cov_level[2], 95.0 / 125, 1e-12);
        /* Per resident: gained only for the three. */
        const unsigned char want[] = {0, 1, 1, 1, 0};
        for (size_t i = 0; i < 5; i++) {
            TU_ASSERT_INT(r->gained[i * 2 + 0], want[i]);
            TU_ASSERT_INT((r->flags[i] & ~r->flags_before[i]) & PC_COVERAGE_LEVEL_BIT(2) ? 1 : 0, want[i]);
        }
        json_object *j = pc_coverage_to_json(plan, r);
        const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
        TU_ASSERT_CONTAINS(text, "\"pop_gained5\":95");
        TU_ASSERT_CONTAINS(text, "\"residents_gained5\":3");
        TU_ASSERT_CONTAINS(text, "\"pop_gained_K\":95");
        TU_ASSERT_CONTAINS(text, "\"by_category\":{\"K\":2}");
        json_object_put(j);
        pc_coverage_result_destroy(ctx, r);
    }
    /* The unknown code is named with the file it came from. */
    int warned = 0;
    for (size_t w = 0; w < pc_ctx_warning_count(ctx); w++)
        warned |= strstr(pc_ctx_warning(ctx, w), "proposed.gpkg") && strstr(pc_ctx_warning(ctx, w), "(Q)");
    CU_ASSERT(warned);
    /* Without --add: no before. */
    pc_coverage_result *r = NULL;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, NULL, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(!r->has_before && !r->gained);
    json_object *j = pc_coverage_to_json(plan, r);
    CU_ASSERT_PTR_NULL(strstr(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "_before"));
    json_object_put(j);
    pc_coverage_result_destroy(ctx, r);
    pc_layer_destroy(ctx, added);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- an independent greedy on a grid */

static unsigned long long rng_state;
static double rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/*
 * A 10 x 10 block grid of 100 m streets, 150 residents at random spots (off the streets, access legs up to
 * 45 m, pop 1..60 whole), three existing K, 30 candidate points near streets. K reaches 250 m.
 */
static const char *make_grid_plan(const char *dir, const char **cand_path)
{
    const char *path = tu_path(dir, "grid.gpkg");
    tu_row streets[220];
    int n = 0;
    for (int a = 0; a <= 10; a++)
        for (int b = 0; b < 10; b++) {
            streets[n].wkt = ln(100.0 * b, 100.0 * a, 100.0 * (b + 1), 100.0 * a);
            streets[n++].values[0] = "residential";
            streets[n].wkt = ln(100.0 * a, 100.0 * b, 100.0 * a, 100.0 * (b + 1));
            streets[n++].values[0] = "residential";
        }
    rng_state = 42;
    tu_row residents[150];
    for (int i = 0; i < 150; i++) {
        double x = 100 * floor(rnd() * 10) + 10 + rnd() * 80, y = 100 * floor(rnd() * 10) + 10 + rnd() * 80;
        residents[i].wkt = pt(x, y);
        residents[i].values[0] = num(1 + floor(rnd() * 60));
    }
    tu_row facilities[] = {{pt(150, 150), {"K", "k1"}}, {pt(820, 300), {"K", "k2"}}, {pt(400, 760), {"K", "k3"}}};
    tu_row cand[30];
    for (int j = 0; j < 30; j++) {
        double along = rnd() * 1000, across = 100 * floor(rnd() * 11) + (rnd() - 0.5) * 20;
        cand[j].wkt = j % 2 ? pt(along, across) : pt(across, along);
        cand[j].values[0] = "c";
    }
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, n), 0);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 150);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 3);
    *cand_path = tu_path(dir, "grid_candidates.gpkg");
    tu_write_layer(*cand_path, "candidates", 4548, "point", "name", cand, 30);
    return path;
}

/* An in-memory facilities layer of category code at the given points (free with free_fake). */
static pc_layer *fake_facilities(size_t n, const double *x, const double *y, const char *code)
{
    pc_layer *l = calloc(1, sizeof *l);
    l->n = n;
    l->x = malloc((n + 1) * sizeof *l->x);
    l->y = malloc((n + 1) * sizeof *l->y);
    l->fids = malloc((n + 1) * sizeof *l->fids);
    l->fields[PC_FIELD_CATEGORY] = malloc((n + 1) * sizeof(char *));
    l->source = (char *)"memory";
    l->layer_name = (char *)"picks";
    for (size_t i = 0; i < n; i++) {
        l->x[i] = x[i];
        l->y[i] = y[i];
        l->fids[i] = (int64_t)i;
        l->fields[PC_FIELD_CATEGORY][i] = (char *)code;
    }
    return l;
}

static void free_fake(pc_layer *l)
{
    free(l->x);
    free(l->y);
    free(l->fids);
    free(l->fields[PC_FIELD_CATEGORY]);
    free(l);
}

/*
 * The lazy greedy against a plain greedy that knows nothing of coverage sets: each step tries every
 * candidate as an extra facility in a full coverage run (multi-source search) and keeps the one adding the
 * most people (the first on ties). Both search directions must give the same picks.
 */
static void test_against_plain_greedy(void)
{
    const char *dir = tu_tmpdir("suggest_grid");
    const char *cand_path = NULL;
    const char *path = make_grid_plan(dir, &cand_path);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 250, NULL, 0, 0);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_layer *candidates = NULL;
    TU_ASSERT_INT(pc_plan_read_extra(ctx, plan, PC_ROLE_SITES, cand_path, 0, &candidates), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(candidates);
    enum { K = 5 };
    double px[K], py[K], plain_gain[K];
    double covered = -1;
    for (int step = 0; step < K; step++) {
        double best = -1;
        size_t best_j = 0;
        for (size_t j = 0; j < candidates->n; j++) {
            px[step] = candidates->x[j];
            py[step] = candidates->y[j];
            pc_layer *extra = fake_facilities((size_t)step + 1, px, py, "K");
            pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
            opts.service_areas = 0;
            opts.extra_facilities = extra;
            pc_coverage_result *r = NULL;
            TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &opts, &r), PC_OK);
            if (r && covered < 0)
                covered = r->total.pop_category_before[0];
            if (r && r->total.pop_category[0] - covered > best) {
                best = r->total.pop_category[0] - covered;
                best_j = j;
            }
            pc_coverage_result_destroy(ctx, r);
            free_fake(extra);
        }
        px[step] = candidates->x[best_j];
        py[step] = candidates->y[best_j];
        plain_gain[step] = best;
        covered += best;
    }
    CU_ASSERT(plain_gain[0] > 0 && plain_gain[K - 1] >= 0);
    size_t pairs[2] = {0, 0};
    for (int direction = PC_SUGGEST_FROM_CANDIDATES; direction <= PC_SUGGEST_FROM_RESIDENTS; direction++) {
        pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
        o.category = "K";
        o.count = K;
        o.candidates = candidates;
        o.direction = (pc_suggest_direction)direction;
        pc_suggest_result *r = suggest(ctx, plan, &p, &o);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        TU_ASSERT_INT(r->n_candidates, 30);
        pairs[direction - 1] = r->categories[0].n_pairs;
        size_t n = 0;
        for (int step = 0; step < K && plain_gain[step] > 0; step++, n++) {
            CU_ASSERT_FATAL(step < (int)r->n_sites);
            TU_ASSERT_NEAR(r->sites[step].x, px[step], 1e-9);
            TU_ASSERT_NEAR(r->sites[step].y, py[step], 1e-9);
            TU_ASSERT_NEAR(r->sites[step].gain_pop, plain_gain[step], 1e-9);
        }
        TU_ASSERT_INT(r->n_sites, n);
        TU_ASSERT_NEAR(r->total.pop_category_after[0], covered, 1e-9);
        pc_suggest_result_destroy(ctx, r);
    }
    TU_ASSERT_INT(pairs[0], pairs[1]);

    /* Street nodes as candidates: both directions find the same sets and picks. */
    pc_suggest_result *by[2] = {NULL, NULL};
    for (int d = 0; d < 2; d++) {
        pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
        o.category = "K";
        o.count = 8;
        o.direction = d ? PC_SUGGEST_FROM_RESIDENTS : PC_SUGGEST_FROM_CANDIDATES;
        by[d] = suggest(ctx, plan, &p, &o);
        CU_ASSERT_PTR_NOT_NULL_FATAL(by[d]);
    }
    TU_ASSERT_INT(by[0]->n_candidates, 121); /* no built-up or structure layer: every node */
    TU_ASSERT_INT(by[0]->categories[0].n_pairs, by[1]->categories[0].n_pairs);
    TU_ASSERT_INT(by[0]->n_sites, by[1]->n_sites);
    for (size_t k = 0; k < by[0]->n_sites && k < by[1]->n_sites; k++) {
        TU_ASSERT_INT(by[0]->sites[k].candidate, by[1]->sites[k].candidate);
        TU_ASSERT_NEAR(by[0]->sites[k].gain_pop, by[1]->sites[k].gain_pop, 0);
    }
    /* The lazy greedy evaluates fewer gains than a plain one (candidates x picks). */
    CU_ASSERT(by[0]->categories[0].n_evaluations < by[0]->n_candidates * by[0]->n_sites);
    pc_suggest_result_destroy(ctx, by[0]);
    pc_suggest_result_destroy(ctx, by[1]);
    pc_layer_destroy(ctx, candidates);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* On the Binhai plan (when built): both directions give the same sets, picks and gains. */
static void test_binhai_directions(void)
{
    const char *path = PC_SOURCE_DIR "/layers/binhai/binhai.gpkg";
    if (!tu_exists(path)) {
        fprintf(stderr, "\n  (skipped: %s is missing)\n", path);
        return;
    }
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_result *by[2] = {NULL, NULL};
    for (int d = 0; d < 2; d++) {
        pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
        o.category = "kindergarten";
        o.count = 20;
        o.direction = d ? PC_SUGGEST_FROM_RESIDENTS : PC_SUGGEST_FROM_CANDIDATES;
        by[d] = suggest(ctx, plan, &p, &o);
        CU_ASSERT_PTR_NOT_NULL_FATAL(by[d]);
    }
    TU_ASSERT_INT(by[0]->categories[0].n_pairs, by[1]->categories[0].n_pairs);
    TU_ASSERT_INT(by[0]->n_sites, 20);
    TU_ASSERT_INT(by[1]->n_sites, 20);
    for (size_t k = 0; k < 20; k++) {
        TU_ASSERT_INT(by[0]->sites[k].candidate, by[1]->sites[k].candidate);
        TU_ASSERT_NEAR(by[0]->sites[k].gain_pop, by[1]->sites[k].gain_pop, 0);
        /* Gains never grow (submodular). */
        if (k > 0)
            CU_ASSERT(by[0]->sites[k].gain_pop <= by[0]->sites[k - 1].gain_pop);
    }
    pc_suggest_result_destroy(ctx, by[0]);
    pc_suggest_result_destroy(ctx, by[1]);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_errors(void)
{
    const char *dir = tu_tmpdir("suggest_errors");
    const char *path = make_line_plan(dir, "K", 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    profile_with(&p, "K", 5, 100, "M", 10, 200);
    pc_plan *plan = open_plan(ctx, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_suggest_result *r = NULL;
    pc_suggest_options o = PC_SUGGEST_OPTIONS_INIT;
    o.category = "kindergarten";
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "'kindergarten' is not a category of the profile (K, M)");
    o.category = "K";
    o.level_min = 5;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "not both");
    o.category = NULL;
    o.level_min = 15;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "no category at the 15-minute level");
    o.level_min = 7;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "15, 10 or 5");
    o.level_min = 0;
    o.category = "K";
    o.count = 0;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "count");
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, NULL, &r), PC_ERR_ARG);
    CU_ASSERT_PTR_NULL(r);
    /* A coverage in radius mode cannot be reused. */
    pc_coverage_options copts = PC_COVERAGE_OPTIONS_INIT;
    copts.mode = PC_COVERAGE_RADIUS;
    pc_coverage_result *cov = NULL;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &copts, &cov), PC_OK);
    o.count = 1;
    o.coverage = cov;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "radius mode");
    pc_coverage_result_destroy(ctx, cov);
    /* A network one is, and gives the same answer. */
    copts.mode = PC_COVERAGE_NETWORK;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &copts, &cov), PC_OK);
    o.coverage = cov;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(r->seconds_coverage, 0, 0);
    TU_ASSERT_NEAR(site_x(&r->sites[0]), 600, 1e-6);
    pc_suggest_result_destroy(ctx, r);
    pc_coverage_result_destroy(ctx, cov);
    /* Candidates all farther than max_access_m (300 m) from the street: nothing to propose, and a warning. */
    const char *far = tu_path(dir, "far.gpkg");
    tu_row far_rows[] = {{pt(500, 400), {"a"}}, {pt(500, -301), {"b"}}};
    tu_write_layer(far, "candidates", 4548, "point", "name", far_rows, 2);
    pc_layer *far_layer = NULL;
    TU_ASSERT_INT(pc_plan_read_extra(ctx, plan, PC_ROLE_SITES, far, 0, &far_layer), PC_OK);
    o.coverage = NULL;
    o.candidates = far_layer;
    r = suggest(ctx, plan, &p, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_unattached, 2);
    TU_ASSERT_INT(r->n_sites, 0);
    TU_ASSERT_INT(r->stop, PC_SUGGEST_STOP_NO_GAIN);
    TU_ASSERT_NEAR(r->total.cov_category_after[0], r->total.cov_category_before[0], 0);
    TU_ASSERT_CONTAINS(pc_ctx_warning(ctx, pc_ctx_warning_count(ctx) - 1), "no usable candidate");
    pc_suggest_result_destroy(ctx, r);
    pc_layer_destroy(ctx, far_layer);
    o.candidates = NULL;
    pc_plan_destroy(plan);

    /* No streets: the role is named. */
    const char *bare = tu_path(dir, "bare.gpkg");
    tu_row residents[] = {{pt(0, 0), {"1"}}};
    tu_row facilities[] = {{pt(10, 0), {"K", "k"}}};
    tu_write_layer(bare, "residents", 4548, "point", "pop:i", residents, 1);
    tu_write_layer(bare, "facilities", 4548, "point", "category,name", facilities, 1);
    plan = open_plan(ctx, bare);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    o.coverage = NULL;
    TU_ASSERT_INT(pc_suggest_run(ctx, plan, &p, &o, &r), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "'streets'");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static long long layer_count(GDALDatasetH ds, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    return l ? (long long)OGR_L_GetFeatureCount(l, 1) : -1;
}

static double json_path_double(json_object *root, const char *a, const char *b)
{
    json_object *o = NULL, *v = NULL;
    if (!json_object_object_get_ex(root, a, &o) || !json_object_object_get_ex(o, b, &v))
        return NAN;
    return json_object_get_double(v);
}

/*
 * The command line on a plan with the default profile (kindergarten 300 m): a street from 0 to 2000 m, a
 * kindergarten at 0 covering 10 people at 100; 50 at 1000, 40 at 1300 and 5 at 1600, all reached from node
 * 1300 only (95); node 1200 reaches 90, node 1400 45.
 */
static void test_cli(void)
{
    const char *dir = tu_tmpdir("suggest_cli");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[20];
    for (int k = 0; k < 20; k++)
        streets[k].wkt = ln(100.0 * k, 0, 100.0 * (k + 1), 0), streets[k].values[0] = "residential";
    tu_row residents[] = {{pt(100, 0), {"10"}}, {pt(1000, 0), {"50"}}, {pt(1300, 0), {"40"}}, {pt(1600, 0), {"5"}}};
    tu_row facilities[] = {{pt(0, 0), {"kindergarten", "k"}}};
    tu_row structure[] = {{box(-50, -500, 2050, 500), {"Town", "镇", "main"}}};
    tu_row red[] = {{box(1250, -50, 1350, 50), {"eco", "ecological_redline"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, 20), 0);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 4);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 1);
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", red, 1);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s suggest %s --category kindergarten --count 1 --json", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    json_object *j = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    json_object *sites = NULL, *s0 = NULL, *v = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(j, "sites", &sites));
    TU_ASSERT_INT(json_object_array_length(sites), 1);
    s0 = json_object_array_get_idx(sites, 0);
    json_object_object_get_ex(s0, "x", &v);
    TU_ASSERT_NEAR(json_object_get_double(v), X0 + 1300, 1e-3);
    json_object_object_get_ex(s0, "gain_pop", &v);
    TU_ASSERT_NEAR(json_object_get_double(v), 95, 1e-9);
    TU_ASSERT_NEAR(json_path_double(j, "total", "cov_kindergarten"), 105.0 / 105, 1e-6);
    TU_ASSERT_NEAR(json_path_double(j, "total", "cov_kindergarten_before"), 10.0 / 105, 1e-6);
    TU_ASSERT_NEAR(json_path_double(j, "candidates", "offered"), 21, 0);
    json_object_put(j);

    /* The table; and with the red line respected, node 1200 instead (90). */
    snprintf(cmd, sizeof cmd, "%s suggest %s --category kindergarten --count 1 --respect-redlines", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "1 inside a forbidden red line");
    TU_ASSERT_CONTAINS(tu_stdout(), "    +90");
    TU_ASSERT_CONTAINS(tu_stdout(), "Town");

    /* -o, then coverage --add of the written layer: exactly the coverage the suggestion reported. One site
     * covers everyone left, so a second is not proposed. */
    const char *out = tu_path(dir, "suggested.gpkg");
    snprintf(cmd, sizeof cmd, "%s suggest %s --category kindergarten --count 2 -o %s --json", PC_BINARY, path, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    j = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    double suggested = json_path_double(j, "total", "cov_kindergarten");
    TU_ASSERT_NEAR(suggested, 1.0, 1e-12);
    json_object_put(j);
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    TU_ASSERT_INT(layer_count(ds, "suggested_sites"), 1);
    TU_ASSERT_INT(layer_count(ds, "suggestion_units"), 1);
    TU_ASSERT_INT(layer_count(ds, "layer_styles"), 1); /* the QGIS default style of suggested_sites */
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "suggested_sites");
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "category")), "kindergarten");
    TU_ASSERT_INT(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "rank")), 1);
    TU_ASSERT_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "gain_pop")), 95, 1e-9);
    TU_ASSERT_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "cov_category")), 95.0 / 105 + 10.0 / 105, 1e-12);
    OGR_F_Destroy(f);
    GDALClose(ds);
    snprintf(cmd, sizeof cmd, "%s coverage %s --add '%s|layername=suggested_sites' --json", PC_BINARY, path, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    j = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    TU_ASSERT_NEAR(json_path_double(j, "total", "cov_kindergarten"), suggested, 0);
    TU_ASSERT_NEAR(json_path_double(j, "total", "pop_gained_kindergarten"), 95, 0);
    TU_ASSERT_NEAR(json_path_double(j, "added", "facilities"), 1, 0);
    json_object_put(j);

    /* coverage --add: the change table, and the output layers. */
    const char *cov_out = tu_path(dir, "coverage.gpkg");
    snprintf(cmd, sizeof cmd, "%s coverage %s --add '%s|layername=suggested_sites' -o %s", PC_BINARY, path, out,
             cov_out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "With the added facilities");
    TU_ASSERT_CONTAINS(tu_stdout(), "9.5% ->  100.0%        +95");
    ds = GDALOpenEx(cov_out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    TU_ASSERT_INT(layer_count(ds, "added_facilities"), 1);
    l = GDALDatasetGetLayerByName(ds, "coverage_residents");
    OGR_L_SetAttributeFilter(l, "gained LIKE 'kindergarten%'");
    TU_ASSERT_INT(OGR_L_GetFeatureCount(l, 1), 3);
    l = GDALDatasetGetLayerByName(ds, "coverage_units");
    f = OGR_L_GetNextFeature(l);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(OGR_F_GetFieldIndex(f, "gain5_pop") >= 0 && OGR_F_GetFieldIndex(f, "cov5_before") >= 0);
    OGR_F_Destroy(f);
    GDALClose(ds);

    /* Usage errors (2) and data errors (1). */
    const char *usage[] = {"--category kindergarten --level 5", "", "--level 7", "--category kindergarten --count 0",
                           "--category kindergarten --count 2.5"};
    for (size_t k = 0; k < sizeof usage / sizeof *usage; k++) {
        snprintf(cmd, sizeof cmd, "%s suggest %s %s", PC_BINARY, path, usage[k]);
        TU_ASSERT_INT(tu_run(cmd), 2);
    }
    snprintf(cmd, sizeof cmd, "%s suggest %s --category school", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "'school' is not a category of the profile");
    const char *nocat = tu_path(dir, "nocat.gpkg");
    tu_row pts[] = {{pt(500, 0), {"x"}}};
    tu_write_layer(nocat, "proposed", 4548, "point", "name", pts, 1);
    snprintf(cmd, sizeof cmd, "%s coverage %s --add %s", PC_BINARY, path, nocat);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "category");
    snprintf(cmd, sizeof cmd, "%s suggest --help", PC_BINARY);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "--respect-redlines");
    TU_ASSERT_CONTAINS(tu_stdout(), "--candidates FILE");
}

int pc_test_register_suggest(void)
{
    CU_pSuite suite = CU_add_suite("suggest", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "a single best site", test_single_best_site);
    CU_add_test(suite, "greedy's first pick is not in the best pair", test_greedy_not_optimal);
    CU_add_test(suite, "red lines", test_redlines);
    CU_add_test(suite, "a level, ordered by gain, stops at the target", test_level);
    CU_add_test(suite, "every category of every level", test_all_categories);
    CU_add_test(suite, "coverage --add counts what the facilities add", test_coverage_add);
    CU_add_test(suite, "lazy greedy equals a plain greedy over coverage runs", test_against_plain_greedy);
    CU_add_test(suite, "Binhai: both search directions agree", test_binhai_directions);
    CU_add_test(suite, "errors", test_errors);
    CU_add_test(suite, "command line", test_cli);
    return 0;
}
