/* test_green.c: park green space per person and park service coverage, on areas and distances counted by hand. */
#include "tu.h"
#include "pc_green.h"
#include "pc_plan.h"

#include <json-c/json.h>
#include <ogr_api.h>
#include <gdal.h>
#include <stdlib.h>

#define SQ(x0, y0, x1, y1) "POLYGON((" #x0 " " #y0 "," #x1 " " #y0 "," #x1 " " #y1 "," #x0 " " #y1 "," #x0 " " #y0 "))"

/*
 * Four 1 x 1 km units in a row at E 500000-504000, N 4318000-4319000 (EPSG:4548):
 *   West  500000-501000: parks Big (G11, 200 x 200 = 40000 m2) and Overlap (G12, 200 x 200, 100 x 100 of it
 *         over Big, so 30000 m2 more), and 100 x 100 = 10000 m2 of Straddle; 1000 residents.
 *   East  501000-502000: 200 x 100 = 20000 m2 of Straddle (G13, 300 x 100 across the West/East edge); 2000 residents.
 *   Empty 502000-503000: Lonely (G14, 100 x 100 = 10000 m2), no residents.
 *   Bare  503000-504000: no park, 500 residents.
 * Subdistricts: Riverside = West + East, Inland = Empty + Bare.
 */
static const char *make_area_plan(const char *dir, int with_subdistricts)
{
    const char *path = tu_path(dir, "green.gpkg");
    tu_row units[] = {{SQ(500000, 4318000, 501000, 4319000), {"West", "西区", "main"}},
                      {SQ(501000, 4318000, 502000, 4319000), {"East", "东区", "sub"}},
                      {SQ(502000, 4318000, 503000, 4319000), {"Empty", "空区", "cluster"}},
                      {SQ(503000, 4318000, 504000, 4319000), {"Bare", "秃区", "cluster"}}};
    tu_row parks[] = {{SQ(500100, 4318100, 500300, 4318300), {"Big", "大公园", "G11"}},
                      {SQ(500200, 4318200, 500400, 4318400), {"Overlap", "社区公园", "G12"}},
                      {SQ(500900, 4318500, 501200, 4318600), {"Straddle", "跨界公园", "g131"}},
                      {SQ(502100, 4318100, 502200, 4318200), {"Lonely", "口袋公园", "G14"}}};
    tu_row residents[] = {{"POINT(500500 4318800)", {"1000"}},
                          {"POINT(501500 4318800)", {"2000"}},
                          {"POINT(503500 4318500)", {"500"}}};
    tu_row subd[] = {{SQ(500000, 4318000, 502000, 4319000), {"Riverside", "河滨街道"}},
                     {SQ(502000, 4318000, 504000, 4319000), {"Inland", "内陆镇"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 4), 0);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 4);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 3);
    if (with_subdistricts)
        tu_write_layer(path, "subdistricts", 4548, "polygon", "name,name_zh", subd, 2);
    return path;
}

/* A context, a plan and a green result, kept together so a test can read the result and free all. */
typedef struct green_run {
    pc_ctx *ctx;
    pc_plan *plan;
    pc_green_result *r;
    pc_status status;
} green_run;

/*
 * Run green on a plan with the default profile, or the default profile under profile_text (INI) when given,
 * and options (NULL: the defaults).
 */
static green_run run_green_with(const char *path, const char *crs, pc_invalid_policy policy, const char *profile_text,
                                const pc_green_options *green_opts)
{
    green_run g = {pc_ctx_create(), NULL, NULL, PC_OK};
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    opts.crs = crs;
    opts.invalid = policy;
    pc_profile profile;
    pc_profile_default(&profile);
    if (profile_text && (g.status = pc_profile_load_string(g.ctx, &profile, profile_text, "test.ini")))
        return g;
    g.status = pc_plan_open(g.ctx, &g.plan, path, &opts);
    if (!g.status)
        g.status = pc_green_run(g.ctx, g.plan, &profile, green_opts, &g.r);
    if (g.status && g.status != PC_ERR_GEOM && g.status != PC_ERR_DATA && g.status != PC_ERR_ARG)
        fprintf(stderr, "\n  green: %s\n", pc_ctx_message(g.ctx));
    return g;
}

static green_run run_green_profile(const char *path, const char *crs, pc_invalid_policy policy,
                                   const char *profile_text)
{
    return run_green_with(path, crs, policy, profile_text, NULL);
}

static green_run run_green(const char *path, const char *crs, pc_invalid_policy policy)
{
    return run_green_profile(path, crs, policy, NULL);
}

static void green_run_free(green_run *g)
{
    pc_green_result_destroy(g->ctx, g->r);
    pc_plan_destroy(g->plan);
    pc_ctx_destroy(g->ctx);
}

static void test_union_split_and_ratios(void)
{
    const char *path = make_area_plan(tu_tmpdir("green_areas"), 1);
    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    const pc_green_result *r = g.r;
    TU_ASSERT_INT(r->n_units, 4);
    const pc_green_row *west = &r->units[0], *east = &r->units[1], *empty = &r->units[2], *bare = &r->units[3];
    CU_ASSERT_STRING_EQUAL(west->name, "West");
    CU_ASSERT_STRING_EQUAL(west->tier, "main");

    /* Overlapping parks count once: 40000 + 40000 - 10000; plus 100 x 100 of the straddling park. */
    TU_ASSERT_NEAR(west->park_m2, 70000 + 10000, 1e-6);
    TU_ASSERT_NEAR(west->park_class_m2[0], 40000, 1e-6); /* G11 whole */
    TU_ASSERT_NEAR(west->park_class_m2[1], 30000, 1e-6); /* G12 less the part under G11 */
    TU_ASSERT_NEAR(west->park_class_m2[2], 10000, 1e-6); /* "g131" counts to G13 */
    TU_ASSERT_NEAR(west->pop, 1000, 0);
    TU_ASSERT_NEAR(west->park_m2_per_person, 80.0, 1e-9);
    /* The straddling park is split by area: 200 x 100 on the east side. */
    TU_ASSERT_NEAR(east->park_m2, 20000, 1e-6);
    TU_ASSERT_NEAR(east->park_class_m2[2], 20000, 1e-6);
    TU_ASSERT_NEAR(east->park_m2_per_person, 10.0, 1e-9);
    /* A unit without residents has park area but no ratio and no verdict. */
    TU_ASSERT_NEAR(empty->park_m2, 10000, 1e-6);
    TU_ASSERT_NEAR(empty->park_class_m2[3], 10000, 1e-6);
    CU_ASSERT(isnan(empty->park_m2_per_person));
    CU_ASSERT(isnan(empty->park_service_cov));
    TU_ASSERT_INT(empty->target_per_person, PC_GREEN_NA);
    TU_ASSERT_INT(empty->gb_per_person, PC_GREEN_NA);
    TU_ASSERT_INT(empty->gb_service_cov, PC_GREEN_NA);
    /* A unit without parks: 0 m2 per person, fails both. */
    TU_ASSERT_NEAR(bare->park_m2, 0, 0);
    TU_ASSERT_NEAR(bare->park_m2_per_person, 0, 0);
    TU_ASSERT_INT(bare->target_per_person, PC_GREEN_FAIL);
    TU_ASSERT_INT(bare->gb_per_person, PC_GREEN_FAIL);

    /* Verdicts: 80 passes all; 10 fails the plan's 13 but passes GB's 8. */
    TU_ASSERT_INT(west->target_per_person, PC_GREEN_PASS);
    TU_ASSERT_INT(west->gb_per_person, PC_GREEN_PASS);
    TU_ASSERT_INT(east->target_per_person, PC_GREEN_FAIL);
    TU_ASSERT_INT(east->gb_per_person, PC_GREEN_PASS);

    /* Total: 70000 + 30000 + 10000 over 3500 residents. */
    TU_ASSERT_NEAR(r->total.park_m2, 110000, 1e-6);
    TU_ASSERT_NEAR(r->total.pop, 3500, 0);
    TU_ASSERT_NEAR(r->total.park_m2_per_person, 110000.0 / 3500.0, 1e-9);
    TU_ASSERT_NEAR(r->park_m2_outside_units, 0, 1e-6);
    TU_ASSERT_NEAR(r->pop_outside_units, 0, 0);
    CU_ASSERT(r->has_classes);

    /* Per subdistrict: Riverside holds West and East, Inland holds Empty and Bare. */
    TU_ASSERT_INT(r->n_subdistricts, 2);
    TU_ASSERT_NEAR(r->subdistricts[0].park_m2, 100000, 1e-6);
    TU_ASSERT_NEAR(r->subdistricts[0].park_m2_per_person, 100000.0 / 3000.0, 1e-9);
    TU_ASSERT_NEAR(r->subdistricts[1].park_m2, 10000, 1e-6);
    TU_ASSERT_NEAR(r->subdistricts[1].park_m2_per_person, 20.0, 1e-9);
    CU_ASSERT_PTR_NULL(r->subdistricts[0].tier);

    /*
     * Every park is at least 5000 m2 and serves 500 m. West's resident (500500, 4318800) is 400 m east and
     * 200 m north of Straddle's corner: sqrt(400^2 + 200^2) = 447 m, covered. East's (501500, 4318800) is
     * sqrt(300^2 + 200^2) = 361 m from it, covered. Bare's (503500, 4318500) is sqrt(1300^2 + 300^2) m from
     * Lonely's corner (502200, 4318200), not covered.
     */
    TU_ASSERT_NEAR(west->park_service_cov, 1.0, 0);
    TU_ASSERT_NEAR(east->park_service_cov, 1.0, 0);
    TU_ASSERT_NEAR(bare->park_service_cov, 0.0, 0);
    TU_ASSERT_INT(bare->gb_service_cov, PC_GREEN_FAIL);
    TU_ASSERT_NEAR(r->total.park_service_cov, 3000.0 / 3500.0, 1e-12);
    TU_ASSERT_INT(r->n_uncovered, 1);
    if (r->n_uncovered == 1) {
        TU_ASSERT_INT(r->uncovered[0].resident, 2);
        TU_ASSERT_INT(r->uncovered[0].unit, 3);
        TU_ASSERT_INT(r->uncovered[0].subdistrict, 1);
        TU_ASSERT_INT(r->uncovered[0].nearest_park, 3);
        TU_ASSERT_NEAR(r->uncovered[0].nearest_park_m, sqrt(1300.0 * 1300.0 + 300.0 * 300.0), 1e-6);
    }
    /* No builtup and no resident polygons: the area coverage is over the units. */
    CU_ASSERT_STRING_EQUAL(r->area_basis, "structure");
    TU_ASSERT_NEAR(r->total.res_m2, 4e6, 1e-3);
    TU_ASSERT_NEAR(west->res_m2, 1e6, 1e-3);
    green_run_free(&g);
}

static void test_total_clipped_to_boundary(void)
{
    /* A boundary ending at E 502150 cuts Lonely (502100-502200) in half: the total loses 50 x 100 m2. */
    const char *dir = tu_tmpdir("green_boundary");
    const char *path = make_area_plan(dir, 0);
    tu_row boundary[] = {{SQ(500000, 4318000, 502150, 4319000), {"Study area"}}};
    tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1);
    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_NEAR(g.r->total.park_m2, 105000, 1e-6);
    TU_ASSERT_NEAR(g.r->total.park_class_m2[3], 5000, 1e-6);
    TU_ASSERT_NEAR(g.r->total.area_m2, 2150.0 * 1000.0, 1e-3);
    TU_ASSERT_NEAR(g.r->units[2].park_m2, 10000, 1e-6); /* units are not clipped */
    TU_ASSERT_INT(g.r->n_subdistricts, 0);
    green_run_free(&g);
}

/*
 * One 3 x 3 km unit. Q1 is 100 x 50 = 5000 m2 (serves 500 m), Q2 60 x 50 = 3000 m2 (300 m), Q3 50 x 20 =
 * 1000 m2 (none). Residents, with distances to the park polygon (not its centroid):
 *   r1 pop 10: 499 m east of Q1's east edge (549 m from its centroid): covered
 *   r2 pop 20: 501 m east of Q1: not covered
 *   r3 pop 30: 499 m from Q1's north-east corner along the diagonal: covered
 *   r4 pop 40: 299 m south of Q2: covered
 *   r5 pop 50: 301 m south of Q2: not covered
 *   r6 pop 60: 10 m north of Q3, a pocket park that serves no radius, 1627 m from Q1: not covered
 *   r7 pop 70: inside Q1: covered
 * Built-up: a 1000 x 50 strip east of Q1, of which the first 500 m lie in Q1's service area.
 */
static const char *make_radius_plan(const char *dir)
{
    const char *path = tu_path(dir, "radius.gpkg");
    tu_row units[] = {{SQ(500000, 4318000, 503000, 4321000), {"All", "全区", "main"}}};
    tu_row parks[] = {{SQ(501000, 4319000, 501100, 4319050), {"Q1", NULL, "G12"}},
                      {SQ(502000, 4320000, 502060, 4320050), {"Q2", NULL, "G14"}},
                      {SQ(500300, 4320500, 500350, 4320520), {"Q3", NULL, "G14"}}};
    tu_row residents[] = {{"POINT(501599 4319025)", {"10"}},
                          {"POINT(501601 4319025)", {"20"}},
                          {"POINT(501452.8462 4319402.8462)", {"30"}}, /* 499 / sqrt(2) = 352.8462 */
                          {"POINT(502030 4319701)", {"40"}},
                          {"POINT(502030 4319699)", {"50"}},
                          {"POINT(500325 4320530)", {"60"}},
                          {"POINT(501050 4319025)", {"70"}}};
    tu_row builtup[] = {{SQ(501100, 4319000, 502100, 4319050), {NULL}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 3);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 7);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 1);
    return path;
}

static void test_service_radius(void)
{
    const char *path = make_radius_plan(tu_tmpdir("green_radius"));
    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    const pc_green_result *r = g.r;
    TU_ASSERT_NEAR(r->park_area_m2[0], 5000, 1e-9);
    TU_ASSERT_NEAR(r->park_radius_m[0], 500, 0); /* at least 5000 m2: 500 m */
    TU_ASSERT_NEAR(r->park_radius_m[1], 300, 0); /* 2000 to 5000 m2: 300 m */
    TU_ASSERT_NEAR(r->park_radius_m[2], 0, 0);   /* smaller: counts for area, serves nobody */
    TU_ASSERT_INT(r->n_parks_serving, 2);
    TU_ASSERT_INT(r->n_tiers, 2);
    TU_ASSERT_INT(r->tiers[0].n_parks, 1);
    TU_ASSERT_INT(r->tiers[1].n_parks, 1);
    CU_ASSERT_PTR_NOT_NULL(r->tiers[0].geom);
    CU_ASSERT_PTR_NOT_NULL(r->tiers[1].geom);
    TU_ASSERT_NEAR(r->total.park_m2, 9000, 1e-6);

    TU_ASSERT_NEAR(r->total.pop, 280, 0);
    TU_ASSERT_NEAR(r->total.pop_covered, 10 + 30 + 40 + 70, 0);
    TU_ASSERT_NEAR(r->total.park_service_cov, 150.0 / 280.0, 1e-12);
    TU_ASSERT_INT(r->total.gb_service_cov, PC_GREEN_FAIL);
    TU_ASSERT_INT(r->n_uncovered, 3);
    if (r->n_uncovered == 3) {
        size_t expect_resident[3] = {1, 4, 5};
        int expect_park[3] = {0, 1, 0};
        double expect_m[3] = {501, 301, sqrt(675.0 * 675.0 + 1480.0 * 1480.0)};
        for (int k = 0; k < 3; k++) {
            TU_ASSERT_INT(r->uncovered[k].resident, expect_resident[k]);
            TU_ASSERT_INT(r->uncovered[k].nearest_park, expect_park[k]);
            TU_ASSERT_NEAR(r->uncovered[k].nearest_park_m, expect_m[k], 1e-6);
        }
    }
    /* The strip's first 500 m lie against Q1's straight east side, where the buffer is exact. */
    CU_ASSERT_STRING_EQUAL(r->area_basis, "builtup");
    TU_ASSERT_NEAR(r->total.res_m2, 50000, 1e-6);
    TU_ASSERT_NEAR(r->total.res_covered_m2, 25000, 1e-3);
    TU_ASSERT_NEAR(r->total.park_service_cov_area, 0.5, 1e-8);
    green_run_free(&g);
}

static void test_profile_tiers(void)
{
    /*
     * A profile where parks of 1000 m2 and more serve 100 m, with a 9 m2 target: now the pocket park Q3
     * covers r6 (10 m away), r7 is inside Q1, and nobody else is within 100 m of a park: 60 + 70 of 280.
     */
    const char *path = make_radius_plan(tu_tmpdir("green_profile"));
    green_run g = run_green_profile(path, NULL, PC_INVALID_REPAIR,
                                    "[parks]\nservice_tiers = 1000:100\n[targets]\npark_m2_per_person = 9\n");
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->n_tiers, 1);
    TU_ASSERT_INT(g.r->n_parks_serving, 3);
    TU_ASSERT_NEAR(g.r->park_radius_m[2], 100, 0);
    TU_ASSERT_NEAR(g.r->total.pop_covered, 60 + 70, 0);
    TU_ASSERT_NEAR(g.r->target_park_m2_per_person, 9, 0);
    /* 9000 m2 for 280 residents is 32 m2 each: above 9. */
    TU_ASSERT_INT(g.r->total.target_per_person, PC_GREEN_PASS);
    /* The built-up strip starts at Q1's east side: its first 100 m are covered. */
    TU_ASSERT_NEAR(g.r->total.res_covered_m2, 100.0 * 50.0, 1e-3);
    green_run_free(&g);
}

static void test_residential_polygons(void)
{
    /*
     * Residents as 100 x 100 blocks: the area coverage is over the blocks. Block A lies at most
     * sqrt(200^2 + 50^2) = 206 m from the 100 x 50 park (500 m), block B 1400 m away: half the residential
     * area and half the population are covered.
     */
    const char *dir = tu_tmpdir("green_blocks");
    const char *path = tu_path(dir, "blocks.gpkg");
    tu_row units[] = {{SQ(499000, 4317000, 503000, 4320000), {"U", NULL, "main"}}};
    tu_row parks[] = {{SQ(500000, 4318000, 500100, 4318050), {"P", NULL, NULL}}};
    tu_row residents[] = {{SQ(500200, 4318000, 500300, 4318100), {"100"}}, {SQ(501500, 4318000, 501600, 4318100), {"100"}}};
    tu_row builtup[] = {{SQ(499000, 4317000, 503000, 4320000), {NULL}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 1);
    tu_write_layer(path, "residents", 4548, "polygon", "pop:r", residents, 2);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 1);
    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    CU_ASSERT_STRING_EQUAL(g.r->area_basis, "residential");
    TU_ASSERT_NEAR(g.r->total.res_m2, 20000, 1e-6);
    TU_ASSERT_NEAR(g.r->total.res_covered_m2, 10000, 1e-6);
    TU_ASSERT_NEAR(g.r->units[0].park_service_cov_area, 0.5, 1e-12);
    TU_ASSERT_NEAR(g.r->units[0].park_service_cov, 0.5, 0);
    CU_ASSERT_FALSE(g.r->has_classes); /* no class: counted as "other" */
    TU_ASSERT_NEAR(g.r->total.park_class_m2[PC_GREEN_N_CLASSES - 1], 5000, 1e-9);
    green_run_free(&g);
}

static void test_gb_minimums_are_strict(void)
{
    /*
     * GB 55014-2021 as ../shared/STANDARDS.md states it asks for more than 8.0 m2 and more than 80%. A 200 x 200
     * park for 5 x 1000 residents is exactly 8.0 m2 each; 4 of them live 100-130 m from it, one 2.5 km away:
     * exactly 80% covered. Both are at the minimum, not above it: fail.
     */
    const char *dir = tu_tmpdir("green_strict");
    const char *path = tu_path(dir, "strict.gpkg");
    tu_row units[] = {{SQ(500000, 4318000, 503000, 4321000), {"U", NULL, "main"}}};
    tu_row parks[] = {{SQ(500000, 4318000, 500200, 4318200), {"P", NULL, "G11"}}};
    tu_row residents[] = {{"POINT(500300 4318100)", {"1000"}}, {"POINT(500310 4318100)", {"1000"}},
                          {"POINT(500320 4318100)", {"1000"}}, {"POINT(500330 4318100)", {"1000"}},
                          {"POINT(502500 4320500)", {"1000"}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 1);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 5);
    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_NEAR(g.r->total.park_m2_per_person, 8.0, 0);
    TU_ASSERT_NEAR(g.r->total.park_service_cov, 0.8, 0);
    TU_ASSERT_INT(g.r->total.gb_per_person, PC_GREEN_FAIL);
    TU_ASSERT_INT(g.r->total.gb_service_cov, PC_GREEN_FAIL);
    green_run_free(&g);
}

/* The bow-tie (0,0)-(100,100)-(100,0)-(0,100) is two triangles of 2500 m2; OK is 100 x 100. */
static const char *make_bowtie_plan(const char *dir)
{
    const char *path = tu_path(dir, "bowtie.gpkg");
    tu_row units[] = {{SQ(499000, 4317000, 502000, 4320000), {"U", NULL, "main"}}};
    tu_row parks[] = {
        {"POLYGON((500000 4318000,500100 4318100,500100 4318000,500000 4318100,500000 4318000))", {"Bow", NULL, "G12"}},
        {SQ(500200, 4318000, 500300, 4318100), {"OK", NULL, "G12"}}};
    /* 471 m from the bow-tie's corner (500000, 4318100), 549 m from OK's corner (500200, 4318100). */
    tu_row residents[] = {{"POINT(499900 4318560)", {"100"}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 2);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 1);
    return path;
}

static void test_invalid_park_policies(void)
{
    const char *path = make_bowtie_plan(tu_tmpdir("green_bowtie"));

    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->parks->n, 2);
    TU_ASSERT_INT(g.r->parks->n_repaired, 1);
    TU_ASSERT_INT(GEOSGetNumGeometries_r(pc_ctx_geos(g.ctx), g.r->parks->geoms[0]), 2); /* two triangles */
    TU_ASSERT_NEAR(g.r->park_area_m2[0], 5000, 1e-6);
    TU_ASSERT_NEAR(g.r->total.park_m2, 5000 + 10000, 1e-6);
    TU_ASSERT_NEAR(g.r->park_radius_m[0], 500, 0); /* the repaired 5000 m2 serves 500 m */
    TU_ASSERT_NEAR(g.r->total.park_service_cov, 1.0, 0);
    green_run_free(&g);

    g = run_green(path, NULL, PC_INVALID_SKIP);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->parks->n, 1);
    TU_ASSERT_INT(g.r->parks->n_skipped_invalid, 1);
    TU_ASSERT_NEAR(g.r->total.park_m2, 10000, 1e-6);
    TU_ASSERT_NEAR(g.r->total.park_service_cov, 0.0, 0); /* OK is 549 m away */
    green_run_free(&g);

    g = run_green(path, NULL, PC_INVALID_FAIL);
    TU_ASSERT_INT(g.status, PC_ERR_GEOM);
    CU_ASSERT_PTR_NULL(g.r);
    TU_ASSERT_CONTAINS(pc_ctx_message(g.ctx), "bowtie.gpkg: layer 'parks' fid 1: invalid polygon (Self-intersection");
    TU_ASSERT_CONTAINS(pc_ctx_message(g.ctx), "--invalid=repair");
    green_run_free(&g);
}

static void test_parks_in_another_crs(void)
{
    /*
     * Parks in EPSG:4326, units and residents in EPSG:4548. The park is 117.000-117.001 E x 39.000-39.001 N.
     * Oracle, independent of PROJ: on the central meridian of the Gauss-Kruger zone (scale 1), the area of
     * a small lon/lat cell is M N cos(phi) dlambda dphi with the CGCS2000 ellipsoid's meridian (M) and
     * prime-vertical (N) radii at the mid latitude. Neglected: curvature change across 0.001 degree (second
     * order, ~1e-11 relative), the TM scale 1 + x^2/2R^2 with x <= 87 m (~1e-10), and the plan's straight
     * edges where the projected parallels curve slightly (sagitta 87^2 tan(phi) / 8N ~ 1e-4 m, under 0.01 m2).
     * Tolerance 0.05 m2 (5e-6 relative).
     */
    const char *dir = tu_tmpdir("green_crs");
    const char *path = tu_path(dir, "crs.gpkg");
    tu_row units[] = {{SQ(499000, 4317500, 501000, 4319500), {"U", NULL, "main"}}};
    tu_row parks[] = {{"POLYGON((117 39,117.001 39,117.001 39.001,117 39.001,117 39))", {"Lonlat", NULL, "G11"}}};
    /* (117, 39) is E 500000 N 4318504 in EPSG:4548; the park reaches about N 4318615. */
    tu_row residents[] = {{"POINT(500043 4319000)", {"100"}}, {"POINT(500043 4319200)", {"50"}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4326, "polygon", "name,name_zh,class", parks, 1);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 2);
    green_run g = run_green(path, "EPSG:4548", PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    CU_ASSERT_STRING_EQUAL(g.r->parks->source_crs, "EPSG:4326");

    const double a = 6378137.0, f = 1.0 / 298.257222101, e2 = f * (2 - f);
    const double rad = acos(-1.0) / 180.0, phi = 39.0005 * rad, s2 = sin(phi) * sin(phi);
    const double n_radius = a / sqrt(1 - e2 * s2), m_radius = a * (1 - e2) / pow(1 - e2 * s2, 1.5);
    const double expected = m_radius * n_radius * cos(phi) * (0.001 * rad) * (0.001 * rad);
    CU_ASSERT(expected > 9600 && expected < 9650); /* about 86.6 m x 111.0 m */
    TU_ASSERT_NEAR(g.r->park_area_m2[0], expected, 0.05);
    TU_ASSERT_NEAR(g.r->units[0].park_m2, expected, 0.05);
    TU_ASSERT_NEAR(g.r->units[0].park_m2_per_person, expected / 150.0, 0.05 / 150.0);
    /* About 385 m and 585 m north of the park: only the first is within 500 m. */
    TU_ASSERT_NEAR(g.r->units[0].pop_covered, 100, 0);
    green_run_free(&g);
}

/*
 * The walking network, every distance countable on the grid (E 500000.., N 4318000.., EPSG:4548). Three
 * parks of 5000 m2 (each serves 500 m; no park of the 300 m tier):
 *   P 100 x 50 at 500000-500100 / 4318000-4318050, south of a river (no street crosses it but the bridge).
 *   Q 200 x 25 at 502000-502200 / 4318000-4318025; street T runs into it: from (502100 4318010) inside
 *     the park north across its edge at (502100 4318025), 690 m long.
 *   Z 100 x 50 at 504000-504100 / 4318000-4318050, 900 m from the only street near it (x = 505000).
 * Streets: E from P's east edge (500100 4318025) 500 m east; S along the south bank 10 m north of P
 * (500000-500200 at N 4318060); bridge B from S's east end 440 m north to N 4318500; N along the north
 * bank (500000-500200 at N 4318500); T; W at E 505000.
 * Residents (straight-line distance to the nearest park / walk, access legs included):
 *   r1 pop 10 (500500 4318045): 400 m / 20 m leg to E + 400 m along it = 420 m: covered in both modes.
 *   r2 pop 20 (500050 4318500), on N across the river: 450 m / 150 m east on N + 440 m over the bridge +
 *     100 m west on S + 10 m leg to P's corner (500100 4318050) = 700 m: radius only.
 *   r3 pop 30 (500590 4318045): 490 m / 20 + 490 = 510 m: radius only (its own access leg counts).
 *   r5 pop 50 (502100 4318500), on T: 475 m / 475 m from the crossing: covered in both.
 *   r7 pop 70 (500050 4318010), inside P: 0 m / covered in both.
 *   r8 pop 80 (504050 4318025), inside Z, 950 m from any street: covered in both (inside a park).
 *   r9 pop 90 (504050 4318100), 50 m north of Z, 950 m from W: radius only (no street within 300 m).
 * Built-up: a 500 x 20 strip along E (500100-500600, 4318015-4318035) and an 80 x 20 strip on the north
 * bank (500000-500080, 4318490-4318510), 11600 m2.
 */
static const char *make_network_plan(const char *dir, int with_streets)
{
    const char *path = tu_path(dir, "network.gpkg");
    tu_row units[] = {{SQ(499000, 4317000, 506000, 4320000), {"All", "全区", "main"}}};
    tu_row parks[] = {{SQ(500000, 4318000, 500100, 4318050), {"P", NULL, "G12"}},
                      {SQ(502000, 4318000, 502200, 4318025), {"Q", NULL, "G12"}},
                      {SQ(504000, 4318000, 504100, 4318050), {"Z", NULL, "G12"}}};
    tu_row streets[] = {{"LINESTRING(500100 4318025,500600 4318025)", {"residential", "E"}},
                        {"LINESTRING(500000 4318060,500200 4318060)", {"residential", "S"}},
                        {"LINESTRING(500200 4318060,500200 4318500)", {"residential", "B"}},
                        {"LINESTRING(500000 4318500,500200 4318500)", {"residential", "N"}},
                        {"LINESTRING(502100 4318010,502100 4318700)", {"footway", "T"}},
                        {"LINESTRING(505000 4318000,505000 4319000)", {"residential", "W"}}};
    tu_row residents[] = {{"POINT(500500 4318045)", {"10"}}, {"POINT(500050 4318500)", {"20"}},
                          {"POINT(500590 4318045)", {"30"}}, {"POINT(502100 4318500)", {"50"}},
                          {"POINT(500050 4318010)", {"70"}}, {"POINT(504050 4318025)", {"80"}},
                          {"POINT(504050 4318100)", {"90"}}};
    tu_row builtup[] = {{SQ(500100, 4318015, 500600, 4318035), {NULL}}, {SQ(500000, 4318490, 500080, 4318510), {NULL}}};
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", units, 1);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 3);
    if (with_streets)
        tu_write_layer(path, "streets", 4548, "line", "highway,name", streets, 6);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 7);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 2);
    return path;
}

/* The access point of park `park` of this kind nearest (x, y), or NULL. */
static const pc_green_access *find_access(const pc_green_result *r, size_t park, pc_green_access_kind kind, double x,
                                          double y)
{
    const pc_green_access *best = NULL;
    for (size_t k = 0; k < r->n_access; k++) {
        const pc_green_access *a = &r->access[k];
        if (a->park == park && a->kind == kind &&
            (!best || hypot(a->x - x, a->y - y) < hypot(best->x - x, best->y - y)))
            best = a;
    }
    return best;
}

static void test_network_mode(void)
{
    const char *path = make_network_plan(tu_tmpdir("green_network"), 1);

    green_run g = run_green(path, NULL, PC_INVALID_REPAIR);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->mode, PC_GREEN_RADIUS);
    TU_ASSERT_NEAR(g.r->total.pop, 350, 0);
    TU_ASSERT_NEAR(g.r->total.pop_covered, 350, 0); /* everyone is within 500 m of a park in a straight line */
    TU_ASSERT_NEAR(g.r->total.res_covered_m2, 11600, 1e-6);
    TU_ASSERT_INT(g.r->n_access, 0);
    green_run_free(&g);

    pc_green_options opts = PC_GREEN_OPTIONS_INIT;
    opts.mode = PC_GREEN_NETWORK;
    g = run_green_with(path, NULL, PC_INVALID_REPAIR, NULL, &opts);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    const pc_green_result *r = g.r;
    TU_ASSERT_INT(r->mode, PC_GREEN_NETWORK);
    TU_ASSERT_INT(r->n_edges, 6); /* E; S, B, N joined at shared ends; T; W */
    TU_ASSERT_INT(r->n_components, 4);
    /* r1, r5, r7 and r8 are covered; r2 (700 m), r3 (510 m) and r9 (no street) are not. */
    TU_ASSERT_NEAR(r->total.pop_covered, 10 + 50 + 70 + 80, 0);
    TU_ASSERT_NEAR(r->total.park_service_cov, 210.0 / 350.0, 1e-12);
    TU_ASSERT_INT(r->n_unreachable, 2); /* r8 and r9: 950 m from W */
    TU_ASSERT_NEAR(r->pop_unreachable, 80 + 90, 0);
    TU_ASSERT_INT(r->n_uncovered, 3);
    if (r->n_uncovered == 3) {
        TU_ASSERT_INT(r->uncovered[0].resident, 1);
        TU_ASSERT_NEAR(r->uncovered[0].nearest_park_walk_m, 700, 1e-6);
        TU_ASSERT_NEAR(r->uncovered[0].nearest_park_m, 450, 1e-6); /* the straight line is still reported */
        TU_ASSERT_INT(r->uncovered[0].nearest_park, 0);
        TU_ASSERT_INT(r->uncovered[1].resident, 2);
        TU_ASSERT_NEAR(r->uncovered[1].nearest_park_walk_m, 510, 1e-6);
        TU_ASSERT_INT(r->uncovered[1].unreachable, 0);
        TU_ASSERT_INT(r->uncovered[2].resident, 6);
        TU_ASSERT_INT(r->uncovered[2].unreachable, 1);
        CU_ASSERT(isinf(r->uncovered[2].nearest_park_walk_m));
    }
    /*
     * Access points. Where streets meet park edges: E's end on P's east edge, T crossing Q's north edge.
     * Along the edges every 25 m: P's 300 m perimeter gives 12 points, Q's 450 m 18 (8 + 1 + 8 + 1), Z's
     * 12, but no street lies within 300 m of Z: 30 attached. Z serves nobody.
     */
    TU_ASSERT_INT(r->n_access_street, 2);
    TU_ASSERT_INT(r->n_access, 2 + 12 + 18);
    TU_ASSERT_INT(r->n_parks_unreached, 1);
    const pc_green_access *a = find_access(r, 1, PC_GREEN_ACCESS_STREET, 502100, 4318025);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    TU_ASSERT_NEAR(a->x, 502100, 1e-9);
    TU_ASSERT_NEAR(a->y, 4318025, 1e-9);
    TU_ASSERT_NEAR(a->at.access_m, 0, 0);
    TU_ASSERT_NEAR(a->at.offset_m, 15, 1e-9); /* 15 m from T's start inside the park */
    a = find_access(r, 0, PC_GREEN_ACCESS_EDGE, 500100, 4318050); /* P's corner: 10 m from S */
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    TU_ASSERT_NEAR(a->at.access_m, 10, 1e-9);
    CU_ASSERT(pc_ctx_warning_count(g.ctx) >= 1);
    if (pc_ctx_warning_count(g.ctx) >= 1)
        TU_ASSERT_CONTAINS(pc_ctx_warning(g.ctx, 0), "1 of the 3 parks that serve a radius have no street within 300 m");
    /*
     * Streets within 500 m of the access points: all of E (500); S (200) and 500 - 110 = 390 m of the bridge;
     * T from its start to 15 + 500 m: 1605 m. The strip along E lies within 100 m of reached street and
     * 500 m of P; the north-bank strip is more than 100 m from any reached piece: 10000 of 11600 m2.
     */
    TU_ASSERT_NEAR(r->tiers[0].reach_m, 500 + 200 + 390 + 515, 1e-6);
    TU_ASSERT_NEAR(r->tiers[1].reach_m, 0, 0);
    CU_ASSERT_PTR_NULL(r->tiers[1].geom);
    TU_ASSERT_NEAR(r->total.res_m2, 11600, 1e-6);
    TU_ASSERT_NEAR(r->total.res_covered_m2, 10000, 1e-6);
    green_run_free(&g);
}

static void test_network_street_crossing(void)
{
    /*
     * Edge points only at the corners (spacing longer than any side): without the crossing, r5 would walk
     * 475 m + a 100 m leg from Q's corner (502000 4318025) to T. The crossing keeps it covered at 475 m.
     */
    const char *path = make_network_plan(tu_tmpdir("green_network_crossing"), 1);
    pc_green_options opts = PC_GREEN_OPTIONS_INIT;
    opts.mode = PC_GREEN_NETWORK;
    opts.access_spacing_m = 1000;
    green_run g = run_green_with(path, NULL, PC_INVALID_REPAIR, NULL, &opts);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->n_access, 2 + 4 + 4);
    TU_ASSERT_NEAR(g.r->total.pop_covered, 10 + 50 + 70 + 80, 0);
    green_run_free(&g);
}

static void test_network_errors(void)
{
    const char *dir = tu_tmpdir("green_network_errors");
    const char *path = make_network_plan(dir, 0);
    pc_green_options opts = PC_GREEN_OPTIONS_INIT;
    opts.mode = PC_GREEN_NETWORK;
    green_run g = run_green_with(path, NULL, PC_INVALID_REPAIR, NULL, &opts);
    TU_ASSERT_INT(g.status, PC_ERR_DATA);
    CU_ASSERT_PTR_NULL(g.r);
    TU_ASSERT_CONTAINS(pc_ctx_message(g.ctx), "network.gpkg: layer 'streets': green --mode network walks along the "
                                              "streets, and the plan has no 'streets' layer");
    TU_ASSERT_CONTAINS(pc_ctx_message(g.ctx), "use --mode radius");
    green_run_free(&g);

    opts.access_spacing_m = 0;
    g = run_green_with(path, NULL, PC_INVALID_REPAIR, NULL, &opts);
    TU_ASSERT_INT(g.status, PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(g.ctx), "access_spacing_m 0");
    green_run_free(&g);

    /* Only a motorway: no walkable street; the residents inside parks (r7, r8) are still covered. */
    path = make_network_plan(tu_tmpdir("green_network_motorway"), 0);
    tu_row streets[] = {{"LINESTRING(500100 4318025,500600 4318025)", {"motorway", "E"}}};
    tu_write_layer(path, "streets", 4548, "line", "highway,name", streets, 1);
    opts.access_spacing_m = 25;
    g = run_green_with(path, NULL, PC_INVALID_REPAIR, NULL, &opts);
    TU_ASSERT_INT(g.status, PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.r);
    TU_ASSERT_INT(g.r->n_edges, 0);
    TU_ASSERT_NEAR(g.r->total.pop_covered, 70 + 80, 0);
    TU_ASSERT_INT(g.r->n_unreachable, 7);
    TU_ASSERT_INT(g.r->n_parks_unreached, 3);
    CU_ASSERT(pc_ctx_warning_count(g.ctx) >= 1);
    if (pc_ctx_warning_count(g.ctx) >= 1)
        TU_ASSERT_CONTAINS(pc_ctx_warning(g.ctx, 0), "no walkable street");
    green_run_free(&g);
}

static json_object *json_path(json_object *root, const char *a, int index, const char *b)
{
    json_object *o = NULL;
    if (!json_object_object_get_ex(root, a, &o))
        return NULL;
    if (index >= 0)
        o = json_object_array_get_idx(o, (size_t)index);
    if (b && o && !json_object_object_get_ex(o, b, &o))
        return NULL;
    return o;
}

static long long layer_count(const char *path, const char *layer)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return -1;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    long long n = l ? (long long)OGR_L_GetFeatureCount(l, 1) : -1;
    GDALClose(ds);
    return n;
}

static void test_cli(void)
{
    const char *dir = tu_tmpdir("green_cli");
    const char *path = make_area_plan(dir, 1);
    const char *out = tu_path(dir, "out.gpkg");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --json -o '%s'", PC_BINARY, path, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    json_object *root = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_path(root, "crs", -1, NULL)), "EPSG:4548");
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "units", 0, "park_m2")), 80000, 1e-6);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "units", 0, "park_m2_per_person")), 80, 1e-9);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "units", 1, "park_m2")), 20000, 1e-6);
    /* No residents: null, not infinity. */
    json_object *empty = json_path(root, "units", 2, NULL), *ratio = NULL;
    CU_ASSERT(json_object_object_get_ex(empty, "park_m2_per_person", &ratio));
    CU_ASSERT_PTR_NULL(ratio);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "total", -1, "park_m2")), 110000, 1e-6);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "total", -1, "park_m2_per_person")), 110000.0 / 3500.0, 1e-4);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "total", -1, "park_service_cov")), 3000.0 / 3500.0, 1e-6);
    json_object *verdicts = json_path(root, "units", 1, "verdicts"), *v = NULL;
    CU_ASSERT(json_object_object_get_ex(verdicts, "target_park_m2_per_person", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "fail");
    CU_ASSERT(json_object_object_get_ex(verdicts, "gb_park_m2_per_person", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "pass");
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "targets", -1, "target_park_m2_per_person")), 13, 0);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "targets", -1, "gb_park_service_cov")), 0.8, 0);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "subdistricts", 1, "park_m2_per_person")), 20, 1e-9);
    json_object_put(root);

    TU_ASSERT_INT(layer_count(out, "green_units"), 4);
    TU_ASSERT_INT(layer_count(out, "green_subdistricts"), 2);
    TU_ASSERT_INT(layer_count(out, "park_service_areas"), 1); /* all four parks serve 500 m: one tier */
    TU_ASSERT_INT(layer_count(out, "park_uncovered_residents"), 1);

    /* The human table names the units and marks those below target. */
    snprintf(cmd, sizeof cmd, "'%s' green '%s'", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "West");
    TU_ASSERT_CONTAINS(tu_stdout(), "Riverside");
    const char *east = strstr(tu_stdout(), "East ");
    const char *east_end = east ? strchr(east, '\n') : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(east_end);
    CU_ASSERT_NSTRING_EQUAL(east_end - 2, " T", 2); /* East: 10 m2 per person, below 13 */
    TU_ASSERT_CONTAINS(tu_stdout(), "   10.00 ");

    /* Network mode on a plan without streets: a data error naming the layer and the way out. */
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --mode network", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "layer 'streets'");
    TU_ASSERT_CONTAINS(tu_stderr(), "use --mode radius");

    /* Network mode on the network plan of test_network_mode: 210 of 350 covered, the same layers plus access points. */
    const char *net_path = make_network_plan(dir, 1);
    const char *net_out = tu_path(dir, "net.gpkg");
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --mode network --json -o '%s'", PC_BINARY, net_path, net_out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stderr(), "have no street within 300 m");
    root = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_path(root, "mode", -1, NULL)), "network");
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "total", -1, "pop_covered")), 210, 0);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "total", -1, "park_service_cov")), 0.6, 1e-6);
    TU_ASSERT_NEAR(json_object_get_double(json_path(root, "units", 0, "park_service_cov")), 0.6, 1e-6);
    TU_ASSERT_INT(json_object_get_int(json_path(root, "total", -1, "uncovered_residents")), 3);
    TU_ASSERT_INT(json_object_get_int(json_path(root, "network", -1, "access_points")), 32);
    TU_ASSERT_INT(json_object_get_int(json_path(root, "network", -1, "access_points_street")), 2);
    TU_ASSERT_INT(json_object_get_int(json_path(root, "network", -1, "parks_unreached")), 1);
    json_object_put(root);
    TU_ASSERT_INT(layer_count(net_out, "green_units"), 1);
    TU_ASSERT_INT(layer_count(net_out, "park_service_areas"), 1);
    TU_ASSERT_INT(layer_count(net_out, "park_uncovered_residents"), 3);
    TU_ASSERT_INT(layer_count(net_out, "park_access_points"), 32);
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --mode network", PC_BINARY, net_path);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "network mode");
    TU_ASSERT_CONTAINS(tu_stdout(), "32 park access points (2 where a street meets the park edge");
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --mode walk", PC_BINARY, path);
    TU_ASSERT_INT(tu_run(cmd), 2);
    TU_ASSERT_CONTAINS(tu_stderr(), "--mode must be radius or network");
    snprintf(cmd, sizeof cmd, "'%s' green '%s' --invalid=fail", PC_BINARY, make_bowtie_plan(dir));
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "layer 'parks' fid 1: invalid polygon");
}

int pc_test_register_green(void)
{
    CU_pSuite s = CU_add_suite("green", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "union of overlapping parks, a park split by area, empty and bare units", test_union_split_and_ratios);
    CU_add_test(s, "the total counts parks inside the boundary", test_total_clipped_to_boundary);
    CU_add_test(s, "service radius by park size, measured to the polygon", test_service_radius);
    CU_add_test(s, "service tiers and targets from a profile", test_profile_tiers);
    CU_add_test(s, "residential blocks as the area coverage denominator", test_residential_polygons);
    CU_add_test(s, "GB 55014-2021 minimums are strict", test_gb_minimums_are_strict);
    CU_add_test(s, "an invalid bow-tie park under repair, skip and fail", test_invalid_park_policies);
    CU_add_test(s, "parks in EPSG:4326, residents in EPSG:4548", test_parks_in_another_crs);
    CU_add_test(s, "network mode: walks along streets to park access points, by hand", test_network_mode);
    CU_add_test(s, "network mode: a street running into a park gives access where it crosses the edge",
                test_network_street_crossing);
    CU_add_test(s, "network mode: no streets layer, bad options, no walkable street", test_network_errors);
    CU_add_test(s, "the green command: exit codes, JSON, output layers", test_cli);
    return 0;
}
