/* test_cancel.c: cancellation (Ctrl-C, or a progress callback returning 0) at every step of every analysis:
 * PC_ERR_CANCELLED, no result, no output, nothing leaked (the suite runs under valgrind and ASan). */
#include "tu.h"
#include "pc_coverage.h"
#include "pc_graph.h"
#include "pc_green.h"
#include "pc_output.h"
#include "pc_plan.h"
#include "pc_report.h"
#include "pc_sites.h"
#include "pc_suggest.h"

#include <cpl_error.h>
#include <gdal.h>
#include <stdlib.h>

#define SQ(x0, y0, x1, y1) "POLYGON((" #x0 " " #y0 "," #x1 " " #y0 "," #x1 " " #y1 "," #x0 " " #y1 "," #x0 " " #y0 "))"

/* A 2 x 1 km town (EPSG:4548) with every role: enough for every analysis to pass every step. */
static const char *make_plan(const char *dir)
{
    const char *path = tu_path(dir, "town.gpkg");
    tu_row boundary[] = {{SQ(500000, 4318000, 502000, 4319000), {"Town"}}};
    tu_row units[] = {{SQ(500000, 4318000, 501000, 4319000), {"West", "西", "main"}},
                      {SQ(501000, 4318000, 502000, 4319000), {"East", "东", "sub"}}};
    tu_row residents[] = {{"POINT(500500 4318550)", {"100"}}, {"POINT(501500 4318850)", {"200"}},
                          {"POINT(500250 4318950)", {"50"}}};
    tu_row facilities[] = {{"POINT(500400 4318520)", {"kindergarten"}}, {"POINT(500420 4318520)", {"market"}},
                           {"POINT(500440 4318520)", {"middle_school"}}, {"POINT(501600 4318880)", {"clinic"}}};
    tu_row streets[] = {{"LINESTRING(500000 4318500,501000 4318500)", {"residential"}},
                        {"LINESTRING(501000 4318500,502000 4318500)", {"residential"}},
                        {"LINESTRING(501000 4318000,501000 4318900)", {"residential"}},
                        {"LINESTRING(500000 4318900,502000 4318900)", {"residential"}}};
    tu_row parks[] = {{SQ(500600, 4318600, 500800, 4318800), {"P", "G12"}}};
    tu_row redlines[] = {{SQ(501700, 4318100, 501900, 4318300), {"R", "ecological_redline"}}};
    tu_row coast[] = {{"LINESTRING(502000 4318000,502000 4319000)", {NULL}}};
    tu_row sites[] = {{SQ(500100, 4318100, 500200, 4318200), {"S1", "housing"}},
                      {SQ(501750, 4318150, 501850, 4318250), {"S2", "school"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1), 0);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 2);
    tu_write_layer(path, "residents", 4548, "point", "pop:i", residents, 3);
    tu_write_layer(path, "facilities", 4548, "point", "category", facilities, 4);
    tu_write_layer(path, "streets", 4548, "linestring", "highway", streets, 4);
    tu_write_layer(path, "parks", 4548, "polygon", "name,class", parks, 1);
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", redlines, 1);
    tu_write_layer(path, "coastline", 4548, "linestring", "name", coast, 1);
    tu_write_layer(path, "sites", 4548, "polygon", "name,use", sites, 2);
    return path;
}

/* The progress callback: counts calls, asks to stop at call number stop_at (0: never). */
typedef struct step_state {
    int calls;
    int stop_at;
    char stopped_at[128];
} step_state;

static int step_progress(double fraction, const char *message, void *payload)
{
    (void)fraction;
    step_state *st = payload;
    st->calls++;
    if (st->calls == st->stop_at) {
        snprintf(st->stopped_at, sizeof st->stopped_at, "%s", message);
        return 0;
    }
    return 1;
}

typedef enum which {
    RUN_COVERAGE_NETWORK, RUN_COVERAGE_RADIUS, RUN_GREEN, RUN_GREEN_NETWORK, RUN_SITES, RUN_SUGGEST, RUN_REPORT
} which;

/* One run of an analysis on a fresh context and plan; returns its status (result destroyed). */
static pc_status run_once(const char *plan_path, which what, step_state *st, const char *report_dir)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_profile profile;
    pc_profile_default(&profile);
    pc_ctx_set_progress(ctx, step_progress, st);
    pc_status s = pc_plan_open(ctx, &plan, plan_path, NULL);
    CU_ASSERT_EQUAL_FATAL(s, PC_OK);
    if (what == RUN_COVERAGE_NETWORK || what == RUN_COVERAGE_RADIUS) {
        pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
        opts.mode = what == RUN_COVERAGE_NETWORK ? PC_COVERAGE_NETWORK : PC_COVERAGE_RADIUS;
        pc_coverage_result *r = NULL;
        s = pc_coverage_run(ctx, plan, &profile, &opts, &r);
        if (s)
            CU_ASSERT_PTR_NULL(r);
        pc_coverage_result_destroy(ctx, r);
    } else if (what == RUN_GREEN || what == RUN_GREEN_NETWORK) {
        pc_green_options opts = PC_GREEN_OPTIONS_INIT;
        if (what == RUN_GREEN_NETWORK)
            opts.mode = PC_GREEN_NETWORK;
        pc_green_result *r = NULL;
        s = pc_green_run(ctx, plan, &profile, &opts, &r);
        if (s)
            CU_ASSERT_PTR_NULL(r);
        pc_green_result_destroy(ctx, r);
    } else if (what == RUN_SITES) {
        pc_sites_options opts = PC_SITES_OPTIONS_INIT;
        pc_sites_result *r = NULL;
        s = pc_sites_run(ctx, plan, &profile, &opts, &r);
        if (s)
            CU_ASSERT_PTR_NULL(r);
        pc_sites_result_destroy(ctx, r);
    } else if (what == RUN_SUGGEST) {
        pc_suggest_options opts = PC_SUGGEST_OPTIONS_INIT;
        opts.level_min = 5;
        pc_suggest_result *r = NULL;
        s = pc_suggest_run(ctx, plan, &profile, &opts, &r);
        if (s)
            CU_ASSERT_PTR_NULL(r);
        pc_suggest_result_destroy(ctx, r);
    } else {
        pc_report_options opts = PC_REPORT_OPTIONS_INIT;
        opts.out_dir = report_dir;
        opts.date = "2024-01-01";
        pc_report_result *r = NULL;
        s = pc_report_run(ctx, plan, &profile, &opts, &r);
        if (s)
            CU_ASSERT_PTR_NULL(r);
        pc_report_result_destroy(ctx, r);
    }
    if (s == PC_ERR_CANCELLED)
        TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "cancelled; nothing was written");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
    return s;
}

/* Count the progress steps of a full run, then cancel at each in turn. */
static void cancel_at_every_step(which what, const char *name)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const char *dir = tu_tmpdir(name);
    char plan[1024], report_dir[1024];
    snprintf(plan, sizeof plan, "%s", make_plan(dir));
    snprintf(report_dir, sizeof report_dir, "%s", tu_path(dir, "report"));
    step_state full = {0, 0, ""};
    TU_ASSERT_INT(run_once(plan, what, &full, report_dir), PC_OK);
    CU_ASSERT(full.calls >= 2);
    int files = tu_count_files(dir), report_files = tu_count_files(report_dir);
    for (int k = 1; k <= full.calls; k++) {
        step_state st = {0, k, ""};
        pc_status s = run_once(plan, what, &st, report_dir);
        if (s != PC_ERR_CANCELLED)
            fprintf(stderr, "\n  %s: cancel at step %d ('%s') gave status %d\n", name, k, st.stopped_at, (int)s);
        TU_ASSERT_INT(s, PC_ERR_CANCELLED);
        TU_ASSERT_INT(tu_count_files(dir), files); /* no temporary file or folder left */
        TU_ASSERT_INT(tu_count_files(report_dir), report_files); /* the earlier report is still there (or none) */
    }
    CPLPopErrorHandler();
}

static void test_cancel_coverage_network(void) { cancel_at_every_step(RUN_COVERAGE_NETWORK, "cancel_cov_net"); }
static void test_cancel_coverage_radius(void) { cancel_at_every_step(RUN_COVERAGE_RADIUS, "cancel_cov_radius"); }
static void test_cancel_green(void) { cancel_at_every_step(RUN_GREEN, "cancel_green"); }
static void test_cancel_green_network(void) { cancel_at_every_step(RUN_GREEN_NETWORK, "cancel_green_net"); }
static void test_cancel_suggest(void) { cancel_at_every_step(RUN_SUGGEST, "cancel_suggest"); }
static void test_cancel_sites(void) { cancel_at_every_step(RUN_SITES, "cancel_sites"); }
static void test_cancel_report(void) { cancel_at_every_step(RUN_REPORT, "cancel_report"); }

/* Reading checks for cancellation every 4096 features; graph building and searches at their start. */
static void test_cancel_reading_and_graph(void)
{
    GDALAllRegister();
    const char *dir = tu_tmpdir("cancel_reading");
    const char *path = tu_path(dir, "many.gpkg");
    enum { N = 5000 };
    tu_row *rows = calloc(N, sizeof *rows);
    char (*wkt)[64] = calloc(N, sizeof *wkt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wkt);
    for (int i = 0; i < N; i++) {
        snprintf(wkt[i], sizeof wkt[i], "POINT(%d %d)", 500000 + i % 100, 4318000 + i / 100);
        rows[i].wkt = wkt[i];
        rows[i].values[0] = "1";
    }
    CU_ASSERT_EQUAL(tu_write_layer(path, "residents", 4548, "point", "pop:i", rows, N), 0);
    tu_row streets[] = {{"LINESTRING(500000 4318000,500100 4318000)", {"residential"}}};
    tu_write_layer(path, "streets", 4548, "linestring", "highway", streets, 1);
    free(rows);
    free(wkt);

    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    CU_ASSERT_EQUAL_FATAL(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    pc_ctx_cancel(ctx);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP)), PC_ERR_CANCELLED);
    CU_ASSERT_PTR_NULL(pc_plan_layer(plan, PC_ROLE_RESIDENTS));
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);

    ctx = pc_ctx_create();
    CU_ASSERT_EQUAL_FATAL(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    CU_ASSERT_EQUAL_FATAL(pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0), PC_OK);
    pc_profile profile;
    pc_profile_default(&profile);
    pc_ctx_cancel(ctx);
    pc_graph *g = NULL;
    TU_ASSERT_INT(pc_graph_build(ctx, &g, pc_plan_layer(plan, PC_ROLE_STREETS), &profile), PC_ERR_CANCELLED);
    CU_ASSERT_PTR_NULL(g);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* Cancelled while an analysis writes its layers: the commit refuses and the previous output survives. */
static void test_cancel_writing(void)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const char *dir = tu_tmpdir("cancel_writing");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir));
    snprintf(out, sizeof out, "%s", tu_path(dir, "out.gpkg"));
    FILE *f = fopen(out, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("the previous output\n", f);
    fclose(f);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_profile profile;
    pc_profile_default(&profile);
    CU_ASSERT_EQUAL_FATAL(pc_plan_open(ctx, &plan, plan_path, NULL), PC_OK);
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    pc_coverage_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(pc_coverage_run(ctx, plan, &profile, &opts, &r), PC_OK);
    pc_writer *w = NULL;
    CU_ASSERT_EQUAL_FATAL(pc_writer_open(ctx, &w, out, pc_plan_srs(plan), pc_plan_crs(plan)), PC_OK);
    pc_ctx_cancel(ctx);
    pc_status s = pc_coverage_write(ctx, w, r);
    CU_ASSERT(s == PC_OK || s == PC_ERR_CANCELLED); /* fewer than 1024 features: the commit is where it stops */
    TU_ASSERT_INT(pc_writer_commit(w), PC_ERR_CANCELLED);
    pc_writer_destroy(w);
    char line[64] = "";
    f = fopen(out, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
    fclose(f);
    CU_ASSERT_STRING_EQUAL(line, "the previous output\n");
    TU_ASSERT_INT(tu_count_files(dir), 2); /* town.gpkg and out.gpkg */
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
    CPLPopErrorHandler();
}

int pc_test_register_cancel(void)
{
    CU_pSuite suite = CU_add_suite("cancel", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "coverage (network) stops at every step", test_cancel_coverage_network);
    CU_add_test(suite, "coverage (radius) stops at every step", test_cancel_coverage_radius);
    CU_add_test(suite, "green stops at every step", test_cancel_green);
    CU_add_test(suite, "green (network) stops at every step", test_cancel_green_network);
    CU_add_test(suite, "suggest stops at every step", test_cancel_suggest);
    CU_add_test(suite, "sites stops at every step", test_cancel_sites);
    CU_add_test(suite, "report stops at every step, the earlier report kept", test_cancel_report);
    CU_add_test(suite, "reading and graph building", test_cancel_reading_and_graph);
    CU_add_test(suite, "writing: the commit refuses, the previous output survives", test_cancel_writing);
    return 0;
}
