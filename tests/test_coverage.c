/* test_coverage.c: life circle coverage on small plans whose walking distances can be counted by hand. */
#include "tu.h"
#include "pc_coverage.h"
#include "pc_plan.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stdlib.h>

/* Every fixture sits at E 500000 N 4318000 of EPSG:4548; coordinates below are relative metres. */
#define X0 500000.0
#define Y0 4318000.0

static char *slot(void)
{
    static char bufs[64][256];
    static int next;
    return bufs[next++ & 63];
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

/* A (15 min, 300 m), B (15 min, 300 m), M (10 min, 200 m), K (5 min, 100 m). */
static void small_profile(pc_profile *p)
{
    pc_profile_default(p);
    p->n_categories = 0;
    add_category(p, "A", 15, 300);
    add_category(p, "B", 15, 300);
    add_category(p, "M", 10, 200);
    add_category(p, "K", 5, 100);
}

static int cat(const pc_profile *p, const char *code) { return pc_profile_category_index(p, code); }

static double dist_m(const pc_coverage_result *r, size_t resident, int category)
{
    return r->dist_m[resident * (size_t)r->profile.n_categories + (size_t)category];
}

/*
 * The street: y = 0 from x = 0 to 600 in 100 m lines. A and B on the same node (0,0); K 5 m off
 * node (200,0); no M at all. Residents: r1 on node (200,0) pop 100; r2 mid-edge at (250,10) pop 200;
 * r3 on the street at (350,0) pop 300; r4 at (320,-40) pop 400. Units: West x < 300 (main), East
 * x > 300 (cluster). Built-up: [50,250]x[-20,20] and [400,600]x[-20,20].
 */
static const char *make_street_plan(const char *dir, const char *cat_a, const char *cat_b, const char *cat_k)
{
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[6];
    for (int k = 0; k < 6; k++) {
        streets[k].wkt = ln(100.0 * k, 0, 100.0 * (k + 1), 0);
        streets[k].values[0] = "residential";
    }
    tu_row facilities[] = {{pt(0, 0), {cat_a, "a"}}, {pt(0, 0), {cat_b, "b"}}, {pt(200, 5), {cat_k, "k"}}};
    tu_row residents[] = {{pt(200, 0), {"100"}}, {pt(250, 10), {"200"}}, {pt(350, 0), {"300"}}, {pt(320, -40), {"400"}}};
    tu_row structure[] = {{box(0, -500, 300, 500), {"West", "西", "main"}},
                          {box(300, -500, 700, 500), {"East", "东", "cluster"}}};
    tu_row subd[] = {{box(-100, -600, 800, 600), {"All", "全部"}}};
    tu_row builtup[] = {{box(50, -20, 250, 20), {"b1"}}, {box(400, -20, 600, 20), {"b2"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, 6), 0);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 3);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 4);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 2);
    tu_write_layer(path, "subdistricts", 4548, "polygon", "name,name_zh", subd, 1);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 2);
    return path;
}

static pc_coverage_result *run_plan(pc_ctx *ctx, pc_plan **plan, const char *path, const pc_profile *profile,
                                    const pc_coverage_options *opts)
{
    pc_coverage_result *r = NULL;
    *plan = NULL;
    if (pc_plan_open(ctx, plan, path, NULL) != PC_OK) {
        fprintf(stderr, "%s\n", pc_ctx_message(ctx));
        return NULL;
    }
    pc_status s = pc_coverage_run(ctx, *plan, profile, opts, &r);
    if (s)
        fprintf(stderr, "\n  coverage failed: %s\n", pc_ctx_message(ctx));
    TU_ASSERT_INT(s, PC_OK);
    return r;
}

static void test_nodes_mid_edges_and_shared_node(void)
{
    const char *dir = tu_tmpdir("coverage_street");
    const char *path = make_street_plan(dir, "A", "B", "K");
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    small_profile(&p);
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    opts.area_buffer_m = 50;
    pc_plan *plan = NULL;
    pc_coverage_result *r = run_plan(ctx, &plan, path, &p, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    int a = cat(&p, "A"), b = cat(&p, "B"), m = cat(&p, "M"), k = cat(&p, "K");
    /* r1 on a node: 200 m to A and B at (0,0); 5 m to K (its access leg). */
    TU_ASSERT_NEAR(dist_m(r, 0, a), 200, 1e-3);
    TU_ASSERT_NEAR(dist_m(r, 0, b), 200, 1e-3);
    TU_ASSERT_NEAR(dist_m(r, 0, k), 5, 1e-3);
    /* r2 mid-edge: 10 m access, 250 m along the street; to K: 10 + 50 + 5. */
    TU_ASSERT_NEAR(dist_m(r, 1, a), 260, 1e-3);
    TU_ASSERT_NEAR(dist_m(r, 1, k), 65, 1e-3);
    TU_ASSERT_NEAR(r->access_m[1], 10, 1e-4);
    /* r3 at 350 m and r4 at 40 + 320 m are beyond 300 m; to K 155 and 165 m > 100 m. */
    CU_ASSERT(isinf(dist_m(r, 2, a)));
    CU_ASSERT(isinf(dist_m(r, 3, a)));
    CU_ASSERT(isinf(dist_m(r, 2, k)));
    CU_ASSERT(isinf(dist_m(r, 3, k)));
    /* No M anywhere: nobody within reach of it. */
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT(isinf(dist_m(r, i, m)));

    /* Levels: 15 min needs A and B (r1, r2: 300 of 1000); 10 min needs M (nobody); 5 min needs K (r1, r2). */
    TU_ASSERT_NEAR(r->total.pop, 1000, 1e-9);
    TU_ASSERT_NEAR(r->total.pop_level[0], 300, 1e-9);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.3, 1e-12);
    TU_ASSERT_NEAR(r->total.cov_level[1], 0.0, 1e-12);
    TU_ASSERT_NEAR(r->total.cov_level[2], 0.3, 1e-12);
    TU_ASSERT_NEAR(r->total.cov_category[a], 0.3, 1e-12);
    TU_ASSERT_NEAR(r->total.cov_category[m], 0.0, 1e-12);
    TU_ASSERT_NEAR(r->total.gap, 0.7, 1e-12);
    /* The category without a facility is named. */
    TU_ASSERT_INT(r->n_missing, 1);
    CU_ASSERT_STRING_EQUAL(p.categories[r->missing[0]].code, "M");
    int warned = 0;
    for (size_t w = 0; w < pc_ctx_warning_count(ctx); w++)
        warned |= strstr(pc_ctx_warning(ctx, w), "'M'") != NULL;
    CU_ASSERT(warned);
    TU_ASSERT_INT(r->n_facilities[a], 1);
    TU_ASSERT_INT(r->n_facilities[k], 1);

    /* Units: West holds r1 and r2 (all covered at 15), East r3 and r4 (none). */
    TU_ASSERT_INT(r->n_units, 2);
    CU_ASSERT_STRING_EQUAL(r->units[0].name, "West");
    TU_ASSERT_NEAR(r->units[0].pop, 300, 1e-9);
    TU_ASSERT_NEAR(r->units[0].cov_level[0], 1.0, 1e-12);
    TU_ASSERT_NEAR(r->units[1].pop, 700, 1e-9);
    TU_ASSERT_NEAR(r->units[1].cov_level[0], 0.0, 1e-12);
    TU_ASSERT_INT(r->n_subdistricts, 1);
    TU_ASSERT_NEAR(r->subdistricts[0].cov_level[0], 0.3, 1e-12);

    /* Built-up: the 15-minute area is the street x in [0,300] buffered by 50 m, holding all of
     * [50,250]x[-20,20] (8000 m2) and none of [400,600]x[-20,20]. */
    TU_ASSERT_NEAR(r->total.builtup_m2, 16000, 1e-6);
    TU_ASSERT_NEAR(r->total.cov15_builtup, 0.5, 1e-9);
    TU_ASSERT_NEAR(r->units[0].cov15_builtup, 1.0, 1e-9);
    TU_ASSERT_NEAR(r->units[1].cov15_builtup, 0.0, 1e-9);
    TU_ASSERT_NEAR(r->reach_m[a], 300, 1e-9);

    /* Gaps: at 15 min r3 and r4 (50 m apart, pop 700, missing A and B); at 10 min all four (M);
     * at 5 min r3 and r4 (K). */
    TU_ASSERT_INT(r->n_gaps, 3);
    TU_ASSERT_INT(r->gaps[0].level_min, 15);
    TU_ASSERT_NEAR(r->gaps[0].pop, 700, 1e-9);
    TU_ASSERT_NEAR(r->gaps[0].pop_missing[a], 700, 1e-9);
    TU_ASSERT_NEAR(r->gaps[0].pop_missing[b], 700, 1e-9);
    TU_ASSERT_INT(r->gaps[0].unit, 1);
    TU_ASSERT_INT(r->gaps[1].level_min, 10);
    TU_ASSERT_NEAR(r->gaps[1].pop, 1000, 1e-9);
    TU_ASSERT_NEAR(r->gaps[1].pop_missing[m], 1000, 1e-9);
    TU_ASSERT_INT(r->gaps[2].level_min, 5);
    TU_ASSERT_NEAR(r->gaps[2].pop_missing[k], 700, 1e-9);

    /* JSON: INTERFACE.md keys, fractions, the missing category named. */
    json_object *j = pc_coverage_to_json(plan, r);
    json_object *total = NULL, *v = NULL, *units = NULL, *missing = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(j, "total", &total));
    CU_ASSERT(json_object_object_get_ex(total, "cov15_pop", &v));
    TU_ASSERT_NEAR(json_object_get_double(v), 0.3, 1e-12);
    CU_ASSERT(json_object_object_get_ex(total, "cov_K", &v));
    TU_ASSERT_NEAR(json_object_get_double(v), 0.3, 1e-12);
    CU_ASSERT(json_object_object_get_ex(j, "units", &units));
    TU_ASSERT_INT(json_object_array_length(units), 2);
    CU_ASSERT(json_object_object_get_ex(j, "categories_without_facility", &missing));
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(missing), "[ \"M\" ]");
    CU_ASSERT(json_object_object_get_ex(j, "crs", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "EPSG:4548");
    json_object_put(j);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);

    /* Radius mode: straight lines. r4 is 322.5 m from (0,0): still out; r2 250.2 m: in. */
    opts.mode = PC_COVERAGE_RADIUS;
    r = run_plan(ctx, &plan, path, &p, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(dist_m(r, 1, a), 250.19992006393608, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.3, 1e-12);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/*
 * A river between x = 400 and 500: west street (0,0)-(400,0), east street (500,0)-(900,0), joined
 * by a detour (0,0)-(0,1000)-(900,1000)-(900,0) and by a motorway (400,0)-(500,0). A at (550,0).
 * Residents: west (350,0) pop 10; east (700,0) pop 20; on an island street (2050,2010) pop 30;
 * far from any street (5000,5000) pop 40. One category A, 15 min, 300 m.
 */
static void test_river_gap_island_and_motorway(void)
{
    const char *dir = tu_tmpdir("coverage_river");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[] = {{ln(0, 0, 400, 0), {"residential"}},     {ln(500, 0, 900, 0), {"residential"}},
                        {ln(0, 0, 0, 1000), {"residential"}},    {ln(0, 1000, 900, 1000), {"residential"}},
                        {ln(900, 1000, 900, 0), {"residential"}}, {ln(400, 0, 500, 0), {"motorway"}},
                        {ln(2000, 2000, 2100, 2000), {"footway"}}};
    tu_row facilities[] = {{pt(550, 0), {"A", "a"}}};
    tu_row residents[] = {{pt(350, 0), {"10"}}, {pt(700, 0), {"20"}}, {pt(2050, 2010), {"30"}}, {pt(5000, 5000), {"40"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "streets", 4548, "line", "highway", streets, 7), 0);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    tu_write_layer(path, "residents", 4548, "point", "pop:i", residents, 4);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    p.n_categories = 0;
    add_category(&p, "A", 15, 300);
    pc_plan *plan = NULL;
    pc_coverage_result *r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    /* Network: only the east resident (150 m); the west one walks 350+1000+900+1000+350 m around. */
    CU_ASSERT(isinf(dist_m(r, 0, 0)));
    TU_ASSERT_NEAR(dist_m(r, 1, 0), 150, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.2, 1e-12);
    /* Levels 10 and 5 have no category in this profile: no share at all. */
    CU_ASSERT(isnan(r->total.cov_level[1]) && isnan(r->total.cov_level[2]));
    /* The island is cut off from every facility; the far resident cannot reach a street. */
    TU_ASSERT_INT(r->total.n_cut_off, 1);
    TU_ASSERT_NEAR(r->total.pop_cut_off, 30, 1e-9);
    CU_ASSERT(r->flags[2] & PC_COVERAGE_CUT_OFF);
    TU_ASSERT_INT(r->total.n_unreachable, 1);
    TU_ASSERT_NEAR(r->total.pop_unreachable, 40, 1e-9);
    CU_ASSERT(r->flags[3] & PC_COVERAGE_UNREACHABLE);
    CU_ASSERT(isinf(r->access_m[3]));
    /* The network: 7 lines, the motorway excluded, two components (main and island). */
    TU_ASSERT_INT(r->network.n_lines, 7);
    TU_ASSERT_INT(r->network.n_lines_excluded, 1);
    TU_ASSERT_INT(r->n_components, 2);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);

    /* Radius: the west resident is 200 m from A across the river: covered. */
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    opts.mode = PC_COVERAGE_RADIUS;
    r = run_plan(ctx, &plan, path, &p, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(dist_m(r, 0, 0), 200, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.3, 1e-12);
    TU_ASSERT_INT(r->total.n_cut_off + r->total.n_unreachable, 0);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);

    /* Walking on the motorway (nothing excluded): the west resident is 50 + 100 + 50 = 200 m away. */
    p.n_excluded_highways = 0;
    r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(dist_m(r, 0, 0), 200, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.3, 1e-12);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* A near-miss: the second street starts 0.4 m from the first one's end. A at (0,0), resident at (300,0). */
static void test_snapped_near_miss(void)
{
    const char *dir = tu_tmpdir("coverage_snap");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[] = {{ln(0, 0, 100, 0), {NULL}}, {ln(100.4, 0, 300, 0), {NULL}}};
    tu_row facilities[] = {{pt(0, 0), {"A", "a"}}};
    tu_row residents[] = {{pt(300, 0), {"1"}}};
    tu_write_layer(path, "streets", 4548, "line", "highway", streets, 2);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    tu_write_layer(path, "residents", 4548, "point", "pop:i", residents, 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    p.n_categories = 0;
    add_category(&p, "A", 15, 300);
    pc_plan *plan = NULL;
    /* Snapped (default 1 m): the end moves onto (100,0), so the walk is exactly 100 + 200 m. */
    pc_coverage_result *r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(dist_m(r, 0, 0), 300, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 1.0, 1e-12);
    TU_ASSERT_INT(r->network.n_snapped, 1);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    /* Without snapping the second street is a component without facilities. */
    p.snap_tolerance_m = 0;
    r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.0, 1e-12);
    TU_ASSERT_INT(r->total.n_cut_off, 1);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* Residents as polygons are represented by a point inside them. */
static void test_polygon_residents(void)
{
    const char *dir = tu_tmpdir("coverage_polygons");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row streets[] = {{ln(0, 0, 400, 0), {NULL}}};
    tu_row facilities[] = {{pt(0, 0), {"A", "a"}}};
    /* A 20 x 20 block centred on (100,30): its inside point is (100,30), 30 m from the street and
     * 130 m from A. A 20 x 20 block centred on (300,50): 50 + 300 = 350 m, beyond 300 m. A point
     * resident beside them. */
    tu_row residents[] = {{box(90, 20, 110, 40), {"60"}}, {box(290, 40, 310, 60), {"30"}}, {pt(200, 0), {"10"}}};
    tu_write_layer(path, "streets", 4548, "line", "highway", streets, 1);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    tu_write_layer(path, "residents", 4548, "unknown", "pop:r", residents, 3);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    p.n_categories = 0;
    add_category(&p, "A", 15, 300);
    pc_plan *plan = NULL;
    pc_coverage_result *r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(dist_m(r, 0, 0), 130, 1e-3);
    TU_ASSERT_NEAR(r->access_m[0], 30, 1e-4);
    CU_ASSERT(isinf(dist_m(r, 1, 0)));
    TU_ASSERT_NEAR(dist_m(r, 2, 0), 200, 1e-3);
    TU_ASSERT_NEAR(r->total.cov_level[0], 0.7, 1e-12);
    /* No structure, subdistricts or built-up layer: totals only, no area share. */
    TU_ASSERT_INT(r->n_units, 0);
    CU_ASSERT(isnan(r->total.cov15_builtup));
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* The built-up share measured on the lattice agrees with an exact polygon overlay (GEOS) of the same
 * definition: built-up area within area_buffer_m of the streets where every 15-minute category is in reach. */
static void test_builtup_lattice_against_overlay(void)
{
    const char *dir = tu_tmpdir("coverage_lattice");
    const char *path = tu_path(dir, "plan.gpkg");
    char curve[512];
    snprintf(curve, sizeof curve, "LINESTRING(%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)", X0 + 0, Y0 + 600, X0 + 400,
             Y0 + 300, X0 + 420, Y0 + 120, X0 + 700, Y0 + 0);
    tu_row streets[] = {{ln(0, 0, 800, 600), {NULL}}, {curve, {NULL}}, {ln(0, 0, 0, 600), {NULL}}};
    tu_row facilities[] = {{pt(0, 0), {"A", "a"}}, {pt(10, 590), {"B", "b"}}};
    tu_row residents[] = {{pt(100, 100), {"1"}}};
    char builtup[512];
    snprintf(builtup, sizeof builtup, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", X0 + 100,
             Y0 + 50, X0 + 700, Y0 + 100, X0 + 650, Y0 + 500, X0 + 150, Y0 + 400, X0 + 100, Y0 + 50);
    tu_row built[] = {{builtup, {"b"}}};
    tu_row structure[] = {{box(-100, -100, 350, 700), {"W", "西", "main"}}, {box(350, -100, 900, 700), {"E", "东", "sub"}}};
    tu_write_layer(path, "streets", 4548, "line", "highway", streets, 3);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 2);
    tu_write_layer(path, "residents", 4548, "point", "pop:i", residents, 1);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", built, 1);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 2);
    pc_ctx *ctx = pc_ctx_create();
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_profile p;
    pc_profile_default(&p);
    p.n_categories = 0;
    add_category(&p, "A", 15, 1000);
    add_category(&p, "B", 15, 1200);
    pc_plan *plan = NULL;
    pc_coverage_result *r = run_plan(ctx, &plan, path, &p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->level_area[0]);
    TU_ASSERT_NEAR(r->builtup_cell_m, 1.0, 1e-12);
    const pc_layer *b = pc_plan_layer(plan, PC_ROLE_BUILTUP);
    const pc_layer *u = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
    double area_b = 0, area_cov = 0;
    GEOSArea_r(geos, b->geoms[0], &area_b);
    GEOSGeometry *cov = GEOSIntersection_r(geos, b->geoms[0], r->level_area[0]);
    GEOSArea_r(geos, cov, &area_cov);
    /* Partly covered, so the comparison means something. */
    if (!(area_cov > 0.2 * area_b && area_cov < 0.9 * area_b))
        fprintf(stderr, "\n  overlay share %g outside the fixture's intended range\n", area_cov / area_b);
    CU_ASSERT(area_cov > 0.2 * area_b && area_cov < 0.9 * area_b);
    TU_ASSERT_NEAR(r->total.builtup_m2, area_b, 0.005 * area_b);
    TU_ASSERT_NEAR(r->total.cov15_builtup, area_cov / area_b, 0.01);
    for (size_t k = 0; k < 2; k++) {
        GEOSGeometry *bu = GEOSIntersection_r(geos, b->geoms[0], u->geoms[k]);
        GEOSGeometry *cu = GEOSIntersection_r(geos, cov, u->geoms[k]);
        double a1 = 0, a2 = 0;
        GEOSArea_r(geos, bu, &a1);
        GEOSArea_r(geos, cu, &a2);
        TU_ASSERT_NEAR(r->units[k].builtup_m2, a1, 0.005 * a1);
        TU_ASSERT_NEAR(r->units[k].cov15_builtup, a2 / a1, 0.01);
        GEOSGeom_destroy_r(geos, bu);
        GEOSGeom_destroy_r(geos, cu);
    }
    GEOSGeom_destroy_r(geos, cov);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);

    /* Radius mode: the lattice against the intersection of the facilities' circles. */
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    opts.mode = PC_COVERAGE_RADIUS;
    p.categories[0].distance_m = 450;
    p.categories[1].distance_m = 500;
    r = run_plan(ctx, &plan, path, &p, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    b = pc_plan_layer(plan, PC_ROLE_BUILTUP);
    cov = GEOSIntersection_r(geos, b->geoms[0], r->level_area[0]);
    GEOSArea_r(geos, b->geoms[0], &area_b);
    GEOSArea_r(geos, cov, &area_cov);
    if (!(area_cov > 0.05 * area_b && area_cov < 0.9 * area_b))
        fprintf(stderr, "\n  overlay share %g outside the fixture's intended range\n", area_cov / area_b);
    CU_ASSERT(area_cov > 0.05 * area_b && area_cov < 0.9 * area_b);
    TU_ASSERT_NEAR(r->total.cov15_builtup, area_cov / area_b, 0.01);
    GEOSGeom_destroy_r(geos, cov);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* Proposed facilities passed in the options count like the plan's (the scenario hook). */
static void test_extra_facilities(void)
{
    const char *dir = tu_tmpdir("coverage_extra");
    const char *path = make_street_plan(dir, "A", "B", "K");
    const char *extra_path = tu_path(dir, "proposed.gpkg");
    /* An M at (300,0) serves r1 (100 m), r2 (10+50), r3 (50) and r4 (40+20), all within 200 m. */
    tu_row extra[] = {{pt(300, 0), {"M", "new market"}}, {pt(300, 0), {"nonsense", "x"}}};
    tu_write_layer(extra_path, "facilities", 4548, "point", "category,name", extra, 2);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    small_profile(&p);
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    pc_layer *added = NULL;
    TU_ASSERT_INT(pc_plan_read_extra(ctx, plan, PC_ROLE_FACILITIES, extra_path, PC_FIELD_BIT(PC_FIELD_CATEGORY), &added),
                  PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(added);
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    opts.extra_facilities = added;
    pc_coverage_result *r = NULL;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &opts, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(r->total.cov_level[1], 1.0, 1e-12);
    TU_ASSERT_INT(r->n_missing, 0);
    TU_ASSERT_INT(r->n_facilities_extra, 2);
    TU_ASSERT_INT(r->n_facilities_unknown, 1);
    pc_coverage_result_destroy(ctx, r);
    pc_layer_destroy(ctx, added);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_errors(void)
{
    const char *dir = tu_tmpdir("coverage_errors");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row residents[] = {{pt(0, 0), {"1"}}};
    tu_write_layer(path, "residents", 4548, "point", "pop:i", residents, 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    pc_coverage_result *r = NULL;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, NULL, &r), PC_ERR_DATA);
    CU_ASSERT_PTR_NULL(r);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "'facilities'");
    pc_coverage_options opts = PC_COVERAGE_OPTIONS_INIT;
    opts.area_buffer_m = -1;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &opts, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "area_buffer_m");
    pc_plan_destroy(plan);

    /* Network mode needs streets; radius mode does not. */
    tu_row facilities[] = {{pt(10, 0), {"kindergarten", "k"}}};
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 1);
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, NULL, &r), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "'streets'");
    opts = (pc_coverage_options)PC_COVERAGE_OPTIONS_INIT;
    opts.mode = PC_COVERAGE_RADIUS;
    TU_ASSERT_INT(pc_coverage_run(ctx, plan, &p, &opts, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(r->total.cov_category[pc_profile_category_index(&p, "kindergarten")], 1.0, 1e-12);
    pc_coverage_result_destroy(ctx, r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static long long layer_count(GDALDatasetH ds, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    return l ? (long long)OGR_L_GetFeatureCount(l, 1) : -1;
}

static void test_cli(void)
{
    const char *dir = tu_tmpdir("coverage_cli");
    /* Default profile codes: middle_school and health_center at (0,0), kindergarten near (200,0). */
    const char *path = make_street_plan(dir, "middle_school", "health_center", "kindergarten");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s coverage %s --json", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    json_object *j = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    json_object *total = NULL, *units = NULL, *v = NULL;
    CU_ASSERT(json_object_object_get_ex(j, "crs", &v));
    CU_ASSERT(json_object_object_get_ex(j, "units", &units));
    TU_ASSERT_INT(json_object_array_length(units), 2);
    CU_ASSERT_FATAL(json_object_object_get_ex(j, "total", &total));
    const char *keys[] = {"pop", "cov15_pop", "cov10_pop", "cov5_pop", "cov_kindergarten", "cov15_builtup", "target",
                          "gap", "pop_unreachable", "pop_cut_off"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        int has = json_object_object_get_ex(total, keys[k], NULL);
        if (!has)
            fprintf(stderr, "\n  missing key %s\n", keys[k]);
        CU_ASSERT(has);
    }
    /* Five other 15-minute categories have no facility: nobody is covered at 15 minutes. */
    json_object_object_get_ex(total, "cov15_pop", &v);
    TU_ASSERT_NEAR(json_object_get_double(v), 0.0, 1e-12);
    /* The default kindergarten distance is 300 m: r1 5, r2 65, r3 155, r4 165 m away, all covered. */
    json_object_object_get_ex(total, "cov_kindergarten", &v);
    TU_ASSERT_NEAR(json_object_get_double(v), 1.0, 1e-12);
    TU_ASSERT_CONTAINS(tu_stdout(), "\"categories_without_facility\"");
    TU_ASSERT_CONTAINS(tu_stdout(), "\"culture_center\"");
    json_object_put(j);

    /* The human table: both units, with tier and the below-target mark. */
    snprintf(cmd, sizeof cmd, "%s coverage %s --mode radius", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "West");
    TU_ASSERT_CONTAINS(tu_stdout(), "cluster");
    TU_ASSERT_CONTAINS(tu_stdout(), "radius mode");
    TU_ASSERT_CONTAINS(tu_stdout(), "*");

    /* -o: a GeoPackage any GDAL tool opens, with the four layers. */
    const char *out = tu_path(dir, "out.gpkg");
    snprintf(cmd, sizeof cmd, "%s coverage %s -o %s --quiet", PC_BINARY, path, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    TU_ASSERT_INT(layer_count(ds, "coverage_units"), 2);
    TU_ASSERT_INT(layer_count(ds, "coverage_subdistricts"), 1);
    TU_ASSERT_INT(layer_count(ds, "coverage_residents"), 4);
    TU_ASSERT_INT(layer_count(ds, "service_areas"), 15 + 3); /* every category, then the three levels */
    CU_ASSERT(layer_count(ds, "coverage_gaps") >= 3);
    OGRLayerH res = GDALDatasetGetLayerByName(ds, "coverage_residents");
    OGR_L_SetAttributeFilter(res, "d_kindergarten IS NOT NULL AND cov5 = 0 AND status = 'ok'");
    TU_ASSERT_INT(OGR_L_GetFeatureCount(res, 1), 4); /* all reach a kindergarten; level 5 lacks the rest */
    OGRLayerH areas = GDALDatasetGetLayerByName(ds, "service_areas");
    OGR_L_SetAttributeFilter(areas, "category = 'kindergarten'");
    OGRFeatureH f = OGR_L_GetNextFeature(areas);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* K 5 m off (200,0), 300 m: the street from x=0 to 495 is reachable (5 + 295 either side, clipped at 0). */
    TU_ASSERT_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "reach_km")), 0.495, 1e-9);
    OGR_F_Destroy(f);
    GDALClose(ds);

    /* Usage and data errors. */
    snprintf(cmd, sizeof cmd, "%s coverage %s --mode walking", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 2);
    TU_ASSERT_CONTAINS(tu_stderr(), "network or radius");
    const char *empty = tu_path(dir, "no_facilities.gpkg");
    tu_row residents[] = {{pt(0, 0), {"1"}}};
    tu_write_layer(empty, "residents", 4548, "point", "pop:i", residents, 1);
    snprintf(cmd, sizeof cmd, "%s coverage %s", PC_BINARY, empty);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "facilities");
}

int pc_test_register_coverage(void)
{
    CU_pSuite suite = CU_add_suite("coverage", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "nodes, mid-edge, shared node, missing category", test_nodes_mid_edges_and_shared_node);
    CU_add_test(suite, "river gap, island, motorway", test_river_gap_island_and_motorway);
    CU_add_test(suite, "snapped near-miss", test_snapped_near_miss);
    CU_add_test(suite, "polygon residents", test_polygon_residents);
    CU_add_test(suite, "built-up share: lattice against overlay", test_builtup_lattice_against_overlay);
    CU_add_test(suite, "extra facilities", test_extra_facilities);
    CU_add_test(suite, "errors", test_errors);
    CU_add_test(suite, "command line", test_cli);
    return 0;
}
