/* test_sites.c: site checks: hand-computed overlaps, distances, coastline side and setback, rules, the CLI. */
#include "tu.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include "pc_sites.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>

/*
 * The fixture, in EPSG:4548 metres. Land lies west of a straight coastline at E 510000 running
 * north (land on its left, as in OpenStreetMap); the boundary (land) agrees.
 *   Eco A      ecological_redline  E 500000-501000, N 4318000-4319000 (100 ha), rule "ECO RULE FROM LAYER"
 *   Barrier B  barrier_tier2       E 502000-503000, N 4318000-4319000, no rule field (the profile's applies)
 *   Wet W      wetland             E 504000-504500, N 4318000-4318500 (buffer 100 m in the default profile)
 *   Sea M      marine_redline      E 511000-512000, N 4318000-4319000
 * Every expected number below is worked out from these rectangles by hand.
 */
#define RECT(x0, y0, x1, y1) "POLYGON((" #x0 " " #y0 "," #x1 " " #y0 "," #x1 " " #y1 "," #x0 " " #y1 "," #x0 " " #y0 "))"

enum {
    S_INSIDE, S_TIER2, S_TOUCH, S_MULTI, S_POINT_IN, S_POINT_EDGE, S_SETBACK, S_PORT, S_SEA, S_CROSSING, S_ROAD,
    S_STRIP, S_NEAR_WET, S_CLEAR, S_ROAD_LINE, N_SITES
};

static const tu_row fixture_sites[N_SITES] = {
    [S_INSIDE] = {RECT(500200, 4318200, 500400, 4318300), {"inside", "红线内", "school"}},
    [S_TIER2] = {RECT(501900, 4317950, 502100, 4318050), {"tier2", "二级管控区", "school"}},
    [S_TOUCH] = {RECT(501000, 4318400, 501200, 4318600), {"touch", "相接", "school"}},
    [S_MULTI] = {"MULTIPOLYGON(((500600 4318600,500700 4318600,500700 4318700,500600 4318700,500600 4318600)),"
                 "((500600 4319100,500700 4319100,500700 4319200,500600 4319200,500600 4319100)))",
                 {"multi", "多部件", "school"}},
    [S_POINT_IN] = {"POINT(500500 4318500)", {"point in", "点内", "school"}},
    [S_POINT_EDGE] = {"POINT(501000 4318500)", {"point on edge", "点在边上", "school"}},
    [S_SETBACK] = {RECT(509750, 4325000, 509850, 4325100), {"setback school", "退缩线内学校", "school"}},
    [S_PORT] = {RECT(509750, 4326000, 509850, 4326100), {"setback port", "退缩线内港口", "port"}},
    [S_SEA] = {RECT(510500, 4325000, 510600, 4325100), {"sea", "海上", "industry"}},
    [S_CROSSING] = {RECT(509950, 4327000, 510050, 4327100), {"crossing", "跨岸线", "industry"}},
    [S_ROAD] = {RECT(499900, 4318800, 501100, 4318820), {"road", "道路", "road"}},
    [S_STRIP] = {RECT(499900, 4318850, 501100, 4318870), {"strip", "条带", "school"}},
    [S_NEAR_WET] = {RECT(504550, 4318000, 504650, 4318100), {"near wetland", "近湿地", "school"}},
    [S_CLEAR] = {RECT(506000, 4322000, 506100, 4322100), {"clear", "无冲突", "school"}},
    [S_ROAD_LINE] = {"LINESTRING(499500 4318900,501500 4318900)", {"road line", "道路中线", "road"}},
};

static int write_redlines(const char *path)
{
    tu_row red[] = {
        {RECT(500000, 4318000, 501000, 4319000), {"Eco A", "生态A", "ecological_redline", "ECO RULE FROM LAYER"}},
        {RECT(502000, 4318000, 503000, 4319000), {"Barrier B", "屏障B", "barrier_tier2", NULL}},
        {RECT(504000, 4318000, 504500, 4318500), {"Wet W", "湿地W", "wetland", "WETLAND RULE"}},
        {RECT(511000, 4318000, 512000, 4319000), {"Sea M", "海洋M", "marine_redline", "MARINE RULE"}}};
    return tu_write_layer(path, "redlines", 4548, "polygon", "name,name_zh,kind,rule", red, 4);
}

/* The full fixture plan; coast_wkt NULL leaves the coastline out, with_boundary 0 the boundary. No CUnit
 * assertions here: the suite's init uses it too (a broken fixture shows as failed runs). */
static const char *make_plan(const char *dir, const char *coast_wkt, int with_boundary)
{
    const char *path = tu_path(dir, "plan.gpkg");
    if (with_boundary) {
        tu_row boundary[] = {{RECT(495000, 4310000, 510000, 4330000), {"Land"}}};
        tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1);
    }
    if (write_redlines(path) != 0)
        fprintf(stderr, "\n  cannot write the fixture %s\n", path);
    if (coast_wkt) {
        tu_row coast[] = {{coast_wkt, {NULL}}};
        tu_write_layer(path, "coastline", 4548, "line", "", coast, 1);
    }
    tu_write_layer(path, "sites", 4548, "unknown", "name,name_zh,use", fixture_sites, N_SITES);
    return path;
}

#define COAST_NORTH "LINESTRING(510000 4310000,510000 4330000)"
#define COAST_SOUTH "LINESTRING(510000 4330000,510000 4310000)"

typedef struct run_fixture {
    pc_ctx *ctx;
    pc_plan *plan;
    pc_sites_result *r;
} run_fixture;

static int run_on(run_fixture *f, const char *path, const pc_profile *profile, const pc_sites_options *opts)
{
    memset(f, 0, sizeof *f);
    f->ctx = pc_ctx_create();
    pc_profile defaults;
    pc_profile_default(&defaults);
    pc_status s = pc_plan_open(f->ctx, &f->plan, path, NULL);
    if (!s)
        s = pc_sites_run(f->ctx, f->plan, profile ? profile : &defaults, opts, &f->r);
    if (s)
        fprintf(stderr, "\n  %s\n", pc_ctx_message(f->ctx));
    return s;
}

static void run_done(run_fixture *f)
{
    pc_sites_result_destroy(f->ctx, f->r);
    pc_plan_destroy(f->plan);
    pc_ctx_destroy(f->ctx);
}

static int kind_index(const pc_sites_result *r, const char *kind)
{
    for (int k = 0; k < r->n_kinds; k++)
        if (strcmp(r->kinds[k].kind, kind) == 0)
            return k;
    return -1;
}

static const pc_site_kind *site_kind(const pc_sites_result *r, int site, const char *kind)
{
    int k = kind_index(r, kind);
    CU_ASSERT_FATAL(k >= 0);
    return &r->sites[site].kinds[k];
}

static const pc_site_reason *reason_of(const pc_site_check *sc, const char *kind)
{
    for (size_t k = 0; k < sc->n_reasons; k++)
        if (strcmp(sc->reasons[k].kind, kind) == 0)
            return &sc->reasons[k];
    return NULL;
}

#define PC_PI 3.14159265358979323846

/* Half and whole of the 64-gon GEOS makes for a circle of r metres (16 segments a quarter): n/2 r^2 sin(2 pi/n). */
static double polygon_circle_m2(double r) { return 32.0 * r * r * sin(PC_PI / 32.0); }

static run_fixture fx;
static int fx_ok;

static int suite_init(void)
{
    const char *dir = tu_tmpdir("sites_fixture");
    fx_ok = run_on(&fx, make_plan(dir, COAST_NORTH, 1), NULL, NULL) == PC_OK && fx.r && fx.r->n_sites == N_SITES;
    return 0;
}

static int suite_clean(void)
{
    run_done(&fx);
    return 0;
}

static void test_site_inside_the_red_line_fails(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *sc = &fx.r->sites[S_INSIDE];
    const pc_site_kind *k = site_kind(fx.r, S_INSIDE, "ecological_redline");
    CU_ASSERT_STRING_EQUAL(sc->name, "inside");
    TU_ASSERT_INT(sc->verdict, PC_VERDICT_FAIL);
    TU_ASSERT_NEAR(sc->area_m2, 200.0 * 100.0, 1e-6);
    CU_ASSERT(k->involved);
    TU_ASSERT_NEAR(k->area_m2, 20000.0, 1e-6); /* 2 ha = area / 10000 */
    TU_ASSERT_NEAR(k->share, 1.0, 1e-12);
    TU_ASSERT_NEAR(k->distance_m, 0.0, 0);
    TU_ASSERT_INT(sc->n_overlaps, 1);
    CU_ASSERT_STRING_EQUAL(fx.r->overlaps[sc->first_overlap].name, "Eco A");
    /* Distances to the other kinds: Barrier B starts 1600 m east, Wet W 3600 m, the coast 9600 m. */
    TU_ASSERT_NEAR(site_kind(fx.r, S_INSIDE, "barrier_tier2")->distance_m, 1600.0, 1e-6);
    TU_ASSERT_NEAR(site_kind(fx.r, S_INSIDE, "wetland")->distance_m, 3600.0, 1e-6);
    TU_ASSERT_NEAR(sc->coast_distance_m, 9600.0, 1e-6);
    CU_ASSERT(!sc->in_setback && !sc->seaward);
    /* No feature of these kinds: no distance. */
    CU_ASSERT(isnan(site_kind(fx.r, S_INSIDE, "barrier_tier1")->distance_m));
    TU_ASSERT_INT(site_kind(fx.r, S_INSIDE, "barrier_tier1")->nearest, -1);
    /* The reason cites the red line's own rule field. */
    const pc_site_reason *why = reason_of(sc, "ecological_redline");
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    TU_ASSERT_INT(why->effect, PC_VERDICT_FAIL);
    CU_ASSERT_STRING_EQUAL(why->rule, "ECO RULE FROM LAYER");
    TU_ASSERT_CONTAINS(why->text_zh, "涉及生态保护红线 2.00 公顷 (100.0%)");
    TU_ASSERT_CONTAINS(why->text, "2.00 ha (100.0%): Eco A");
}

static void test_site_partly_over_tier2_warns(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *sc = &fx.r->sites[S_TIER2];
    const pc_site_kind *k = site_kind(fx.r, S_TIER2, "barrier_tier2");
    /* 200 x 100 m site; the corner E 502000-502100 x N 4318000-4318050 = 100 m x 50 m = 0.5 ha = 25%. */
    TU_ASSERT_INT(sc->verdict, PC_VERDICT_WARN);
    CU_ASSERT(k->involved);
    TU_ASSERT_NEAR(k->area_m2, 5000.0, 1e-6);
    TU_ASSERT_NEAR(k->share, 0.25, 1e-12);
    TU_ASSERT_NEAR(site_kind(fx.r, S_TIER2, "ecological_redline")->distance_m, 900.0, 1e-6);
    CU_ASSERT(!site_kind(fx.r, S_TIER2, "ecological_redline")->involved);
    /* Barrier B has no rule field: the profile's rule text is cited. */
    pc_profile p;
    pc_profile_default(&p);
    const pc_site_reason *why = reason_of(sc, "barrier_tier2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    TU_ASSERT_INT(why->effect, PC_VERDICT_WARN);
    CU_ASSERT_STRING_EQUAL(why->rule, pc_profile_redline_rule(&p, "barrier_tier2")->rule);
    TU_ASSERT_CONTAINS(why->text_zh, "0.50 公顷 (25.0%)");
    /* The conflict polygon is the corner itself. */
    const pc_site_overlap *o = &fx.r->overlaps[sc->first_overlap];
    TU_ASSERT_NEAR(o->area_m2, 5000.0, 1e-6);
    TU_ASSERT_NEAR(o->share, 0.25, 1e-12);
}

static void test_touching_is_not_overlapping(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *sc = &fx.r->sites[S_TOUCH];
    const pc_site_kind *k = site_kind(fx.r, S_TOUCH, "ecological_redline");
    /* Shares the edge E 501000 with Eco A: distance 0, area 0, not involved, and a pass. */
    TU_ASSERT_INT(sc->verdict, PC_VERDICT_PASS);
    CU_ASSERT(!k->involved);
    TU_ASSERT_NEAR(k->distance_m, 0.0, 0);
    TU_ASSERT_NEAR(k->area_m2, 0.0, 0);
    TU_ASSERT_INT(k->nearest, 0);
    TU_ASSERT_INT(sc->n_overlaps, 0);
    TU_ASSERT_INT(sc->n_reasons, 0);
    TU_ASSERT_NEAR(site_kind(fx.r, S_TOUCH, "barrier_tier2")->distance_m, 800.0, 1e-6);
}

static void test_multipolygon_site(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *sc = &fx.r->sites[S_MULTI];
    const pc_site_kind *k = site_kind(fx.r, S_MULTI, "ecological_redline");
    /* Two 1 ha squares, one inside Eco A, one 100 m north of it: 1 ha involved, half the site. */
    TU_ASSERT_NEAR(sc->area_m2, 20000.0, 1e-6);
    TU_ASSERT_INT(sc->verdict, PC_VERDICT_FAIL);
    TU_ASSERT_NEAR(k->area_m2, 10000.0, 1e-6);
    TU_ASSERT_NEAR(k->share, 0.5, 1e-12);
}

static void test_point_site_without_radius(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *in = &fx.r->sites[S_POINT_IN], *edge = &fx.r->sites[S_POINT_EDGE];
    TU_ASSERT_INT(in->measure, PC_MEASURE_POINT);
    TU_ASSERT_INT(in->verdict, PC_VERDICT_FAIL);
    CU_ASSERT(site_kind(fx.r, S_POINT_IN, "ecological_redline")->involved);
    TU_ASSERT_NEAR(site_kind(fx.r, S_POINT_IN, "ecological_redline")->share, 1.0, 0);
    TU_ASSERT_NEAR(site_kind(fx.r, S_POINT_IN, "ecological_redline")->area_m2, 0.0, 0);
    TU_ASSERT_CONTAINS(reason_of(in, "ecological_redline")->text_zh, "点位位于其内");
    /* A point on the red line's edge touches it: not inside. */
    TU_ASSERT_INT(edge->verdict, PC_VERDICT_PASS);
    CU_ASSERT(!site_kind(fx.r, S_POINT_EDGE, "ecological_redline")->involved);
    TU_ASSERT_NEAR(site_kind(fx.r, S_POINT_EDGE, "ecological_redline")->distance_m, 0.0, 0);
}

static void test_point_site_with_radius(void)
{
    const char *dir = tu_tmpdir("sites_radius");
    run_fixture f;
    pc_sites_options opts = PC_SITES_OPTIONS_INIT;
    opts.point_radius_m = 100;
    CU_ASSERT_FATAL(run_on(&f, make_plan(dir, COAST_NORTH, 1), NULL, &opts) == PC_OK);
    /*
     * GEOS approximates the circle by a regular 64-gon (16 segments a quarter) with vertices at multiples of
     * pi/32 from due east, so its area is 32 r^2 sin(pi/32) = 31365.48 m2 for r = 100, 0.16% under pi r^2 =
     * 31415.93. The oracle is that exact polygon area (to 1e-6 m2 of rounding); pi r^2 is checked to 0.2%.
     */
    const pc_site_check *in = &f.r->sites[S_POINT_IN], *edge = &f.r->sites[S_POINT_EDGE];
    TU_ASSERT_INT(in->measure, PC_MEASURE_AREA);
    TU_ASSERT_NEAR(in->area_m2, polygon_circle_m2(100), 1e-6);
    TU_ASSERT_NEAR(in->area_m2, PC_PI * 100 * 100, 0.002 * PC_PI * 100 * 100);
    TU_ASSERT_NEAR(site_kind(f.r, S_POINT_IN, "ecological_redline")->share, 1.0, 1e-12);
    TU_ASSERT_NEAR(site_kind(f.r, S_POINT_IN, "ecological_redline")->area_m2, polygon_circle_m2(100), 1e-6);
    /* Centred on Eco A's east edge (E 501000): the 64-gon is symmetric about it, so exactly half lies inside. */
    TU_ASSERT_INT(edge->verdict, PC_VERDICT_FAIL);
    TU_ASSERT_NEAR(site_kind(f.r, S_POINT_EDGE, "ecological_redline")->area_m2, polygon_circle_m2(100) / 2, 1e-6);
    TU_ASSERT_NEAR(site_kind(f.r, S_POINT_EDGE, "ecological_redline")->share, 0.5, 1e-9);
    TU_ASSERT_INT(f.r->n_fail, 7); /* the six of the fixture, and the point on the edge */
    /* A footprint's distances are the circle's: from the point, less the radius. Barrier B is 1500 m east of the
     * point, the coast 9500 m. */
    TU_ASSERT_NEAR(site_kind(f.r, S_POINT_IN, "barrier_tier2")->distance_m, 1400.0, 1e-6);
    TU_ASSERT_NEAR(in->coast_distance_m, 9400.0, 1e-6);
    run_done(&f);
    /* A negative radius is refused. */
    opts.point_radius_m = -1;
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_sites_result *r = NULL;
    pc_profile p;
    pc_profile_default(&p);
    CU_ASSERT_FATAL(pc_plan_open(ctx, &plan, tu_path(dir, "plan.gpkg"), NULL) == PC_OK);
    TU_ASSERT_INT(pc_sites_run(ctx, plan, &p, &opts, &r), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "radius");
    CU_ASSERT_PTR_NULL(r);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_coastal_setback_and_port(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *school = &fx.r->sites[S_SETBACK], *port = &fx.r->sites[S_PORT];
    /* East edge E 509850, coast E 510000: 150 m, inside the 200 m setback. */
    TU_ASSERT_NEAR(school->coast_distance_m, 150.0, 1e-6);
    CU_ASSERT(school->in_setback);
    CU_ASSERT(!school->seaward);
    TU_ASSERT_INT(school->verdict, PC_VERDICT_WARN);
    pc_profile p;
    pc_profile_default(&p);
    const pc_site_reason *why = reason_of(school, "coastal_setback");
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_STRING_EQUAL(why->rule, p.coast_rule);
    TU_ASSERT_CONTAINS(why->text_zh, "距海岸线 150 米");
    /* The same place for a port: allowed, and the reason says why. */
    CU_ASSERT(port->in_setback);
    TU_ASSERT_INT(port->verdict, PC_VERDICT_PASS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reason_of(port, "coastal_setback"));
    TU_ASSERT_INT(reason_of(port, "coastal_setback")->effect, PC_VERDICT_PASS);
}

static void test_seaward_sites_fail(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *sea = &fx.r->sites[S_SEA], *cross = &fx.r->sites[S_CROSSING];
    /* Wholly at sea, 500 m out: seaward (reclamation), outside the setback. */
    CU_ASSERT(sea->seaward);
    CU_ASSERT(!sea->in_setback);
    TU_ASSERT_NEAR(sea->coast_distance_m, 500.0, 1e-6);
    TU_ASSERT_NEAR(sea->seaward_m2, 10000.0, 1e-6);
    TU_ASSERT_INT(sea->verdict, PC_VERDICT_FAIL);
    TU_ASSERT_INT(reason_of(sea, "seaward")->effect, PC_VERDICT_FAIL);
    /* Sea M is 400 m east and 6000 m south of it: sqrt(400^2 + 6000^2) = 6013.3185 m; no buffer, no effect. */
    TU_ASSERT_NEAR(site_kind(fx.r, S_SEA, "marine_redline")->distance_m, 6013.3185, 1e-4);
    CU_ASSERT(!reason_of(sea, "marine_redline"));
    /* Across the coast: E 510000-510050 of 100 m x 100 m is at sea, 0.5 ha. */
    CU_ASSERT(cross->seaward);
    TU_ASSERT_NEAR(cross->coast_distance_m, 0.0, 0);
    TU_ASSERT_NEAR(cross->seaward_m2, 5000.0, 1e-6);
    TU_ASSERT_INT(cross->verdict, PC_VERDICT_FAIL);
    CU_ASSERT_PTR_NOT_NULL(cross->seaward_geom);
    /* Landward sites are not seaward. */
    CU_ASSERT(!fx.r->sites[S_CLEAR].seaward);
    CU_ASSERT(!fx.r->sites[S_SETBACK].seaward);
}

static void test_linear_infrastructure_crosses_with_a_warning(void)
{
    CU_ASSERT_FATAL(fx_ok);
    const pc_site_check *road = &fx.r->sites[S_ROAD], *strip = &fx.r->sites[S_STRIP];
    /* 1200 m x 20 m; 1000 m of it inside Eco A: 2 ha of 2.4 ha. */
    const pc_site_kind *k = site_kind(fx.r, S_ROAD, "ecological_redline");
    TU_ASSERT_NEAR(k->area_m2, 20000.0, 1e-6);
    TU_ASSERT_NEAR(k->share, 20000.0 / 24000.0, 1e-12);
    TU_ASSERT_INT(road->verdict, PC_VERDICT_WARN);
    TU_ASSERT_CONTAINS(reason_of(road, "ecological_redline")->text_zh, "线性基础设施");
    /* The same strip as a school fails. */
    TU_ASSERT_INT(strip->verdict, PC_VERDICT_FAIL);
    /* A road drawn as a line: 1000 m of its 2000 m inside. */
    const pc_site_check *line = &fx.r->sites[S_ROAD_LINE];
    TU_ASSERT_INT(line->measure, PC_MEASURE_LENGTH);
    TU_ASSERT_NEAR(line->length_m, 2000.0, 1e-9);
    TU_ASSERT_NEAR(site_kind(fx.r, S_ROAD_LINE, "ecological_redline")->length_m, 1000.0, 1e-6);
    TU_ASSERT_NEAR(site_kind(fx.r, S_ROAD_LINE, "ecological_redline")->share, 0.5, 1e-12);
    TU_ASSERT_INT(line->verdict, PC_VERDICT_WARN);
}

static void test_buffer_and_counts(void)
{
    CU_ASSERT_FATAL(fx_ok);
    /* 50 m from Wet W, whose buffer is 100 m: warn, citing the wetland's rule field. */
    const pc_site_check *near = &fx.r->sites[S_NEAR_WET];
    TU_ASSERT_NEAR(site_kind(fx.r, S_NEAR_WET, "wetland")->distance_m, 50.0, 1e-6);
    TU_ASSERT_INT(near->verdict, PC_VERDICT_WARN);
    CU_ASSERT_STRING_EQUAL(reason_of(near, "wetland")->rule, "WETLAND RULE");
    TU_ASSERT_INT(fx.r->sites[S_CLEAR].verdict, PC_VERDICT_PASS);
    TU_ASSERT_INT(fx.r->sites[S_CLEAR].n_reasons, 0);
    /* pass: touch, point on edge, port, clear; warn: tier2, setback, road, near wetland, road line. */
    TU_ASSERT_INT(fx.r->n_pass, 4);
    TU_ASSERT_INT(fx.r->n_warn, 5);
    TU_ASSERT_INT(fx.r->n_fail, 6);
    TU_ASSERT_INT(fx.r->n_coast_reversed, 0);
}

static void test_overlapping_red_lines_of_one_kind_count_once(void)
{
    const char *dir = tu_tmpdir("sites_union");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row red[] = {{RECT(500000, 4318000, 501000, 4319000), {"Eco A", "ecological_redline"}},
                    {RECT(500000, 4318000, 500300, 4318300), {"Eco A2", "ecological_redline"}},
                    {RECT(505000, 4318000, 505100, 4318100), {"Eco C", "ecological_redline"}},
                    {"POLYGON((503000 4318000,503600 4318000,503000 4318600,503000 4318000))", {"Eco T", "ecological_redline"}},
                    {RECT(503850, 4318850, 503900, 4318900), {"Eco D", "ecological_redline"}}};
    tu_row sites[] = {{RECT(500200, 4318200, 500400, 4318300), {"s", "school"}},
                      {RECT(505200, 4318000, 505300, 4318100), {"near C", "school"}},
                      {RECT(503500, 4318500, 503600, 4318600), {"by T", "school"}}};
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", red, 5);
    tu_write_layer(path, "sites", 4548, "polygon", "name,use", sites, 3);
    run_fixture f;
    CU_ASSERT_FATAL(run_on(&f, path, NULL, NULL) == PC_OK);
    /* Eco A holds the whole 2 ha site, Eco A2 100 m x 100 m of it: two overlaps, but 2 ha of red line. */
    TU_ASSERT_INT(f.r->sites[0].n_overlaps, 2);
    TU_ASSERT_NEAR(f.r->overlaps[f.r->sites[0].first_overlap].area_m2 +
                       f.r->overlaps[f.r->sites[0].first_overlap + 1].area_m2,
                   30000.0, 1e-6);
    TU_ASSERT_NEAR(site_kind(f.r, 0, "ecological_redline")->area_m2, 20000.0, 1e-6);
    TU_ASSERT_NEAR(site_kind(f.r, 0, "ecological_redline")->share, 1.0, 1e-12);
    /* Of three red lines of the kind, Eco C is nearest to the second site: 100 m (Eco A is 4200 m away). */
    TU_ASSERT_NEAR(site_kind(f.r, 1, "ecological_redline")->distance_m, 100.0, 1e-6);
    TU_ASSERT_INT(site_kind(f.r, 1, "ecological_redline")->nearest, 2);
    CU_ASSERT_STRING_EQUAL(site_kind(f.r, 1, "ecological_redline")->nearest_name, "Eco C");
    /* The third site lies inside triangle T's envelope but outside T: its corner (503500, 4318500) is
     * (503500 + 4318500 - 503600 - 4318000) / sqrt(2) = 400 / sqrt(2) = 282.843 m from the hypotenuse. Square D's
     * envelope is within that reach too, but D is sqrt(250^2 + 250^2) = 353.553 m away: T is the nearest. */
    TU_ASSERT_NEAR(site_kind(f.r, 2, "ecological_redline")->distance_m, 400.0 / sqrt(2.0), 1e-6);
    CU_ASSERT_STRING_EQUAL(site_kind(f.r, 2, "ecological_redline")->nearest_name, "Eco T");
    CU_ASSERT(isnan(f.r->sites[0].coast_distance_m)); /* no coastline in this plan */
    CU_ASSERT(!f.r->has_coastline);
    CU_ASSERT(pc_ctx_warning_count(f.ctx) >= 1);
    run_done(&f);
}

static void test_profile_rules_are_editable(void)
{
    const char *dir = tu_tmpdir("sites_profile");
    const char *path = make_plan(dir, COAST_NORTH, 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    /* A 100 m setback leaves the school 150 m from the coast outside; wetlands get a 20 m buffer. */
    CU_ASSERT_EQUAL_FATAL(pc_profile_load_string(ctx, &p,
                                                 "[coast]\nsetback_m = 100\n[redline wetland]\nbuffer_m = 20\n"
                                                 "[redline barrier_tier2]\non_overlap = forbid\n",
                                                 "test.ini"),
                          PC_OK);
    pc_ctx_destroy(ctx);
    run_fixture f;
    CU_ASSERT_FATAL(run_on(&f, path, &p, NULL) == PC_OK);
    CU_ASSERT(!f.r->sites[S_SETBACK].in_setback);
    TU_ASSERT_INT(f.r->sites[S_SETBACK].verdict, PC_VERDICT_PASS);
    TU_ASSERT_INT(f.r->sites[S_NEAR_WET].verdict, PC_VERDICT_PASS);
    TU_ASSERT_INT(f.r->sites[S_TIER2].verdict, PC_VERDICT_FAIL);
    TU_ASSERT_NEAR(f.r->coast_setback_m, 100.0, 0);
    run_done(&f);
}

static void test_coastline_direction(void)
{
    /* Drawn southward (land on the right), with the boundary: turned around, the sea site still fails. */
    const char *dir = tu_tmpdir("sites_coast_south");
    run_fixture f;
    CU_ASSERT_FATAL(run_on(&f, make_plan(dir, COAST_SOUTH, 1), NULL, NULL) == PC_OK);
    TU_ASSERT_INT(f.r->n_coast_reversed, 1);
    CU_ASSERT(f.r->sites[S_SEA].seaward);
    CU_ASSERT(!f.r->sites[S_CLEAR].seaward);
    TU_ASSERT_NEAR(f.r->sites[S_CROSSING].seaward_m2, 5000.0, 1e-6);
    int warned = 0;
    for (size_t i = 0; i < pc_ctx_warning_count(f.ctx); i++)
        warned |= strstr(pc_ctx_warning(f.ctx, i), "turned around") != NULL;
    CU_ASSERT(warned);
    run_done(&f);
    /* Without a boundary nothing says otherwise: the OpenStreetMap convention holds and the sides swap. */
    dir = tu_tmpdir("sites_coast_south_noboundary");
    CU_ASSERT_FATAL(run_on(&f, make_plan(dir, COAST_SOUTH, 0), NULL, NULL) == PC_OK);
    TU_ASSERT_INT(f.r->n_coast_reversed, 0);
    CU_ASSERT(!f.r->sites[S_SEA].seaward);
    CU_ASSERT(f.r->sites[S_CLEAR].seaward);
    run_done(&f);
    /* Drawn northward without a boundary: the convention is right as it is. */
    dir = tu_tmpdir("sites_coast_north_noboundary");
    CU_ASSERT_FATAL(run_on(&f, make_plan(dir, COAST_NORTH, 0), NULL, NULL) == PC_OK);
    CU_ASSERT(f.r->sites[S_SEA].seaward);
    CU_ASSERT(!f.r->sites[S_CLEAR].seaward);
    run_done(&f);
}

static GEOSGeometry *wkt(pc_ctx *ctx, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(pc_ctx_geos(ctx));
    GEOSGeometry *g = GEOSWKTReader_read_r(pc_ctx_geos(ctx), r, text);
    GEOSWKTReader_destroy_r(pc_ctx_geos(ctx), r);
    return g;
}

static void test_coast_side_at_corners(void)
{
    pc_ctx *ctx = pc_ctx_create();
    /* East then north (a left turn): the land (left) is the corner x < 10, y > 0. */
    GEOSGeometry *left_turn = wkt(ctx, "LINESTRING(0 0,10 0,10 10)");
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 5, 5), 1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 15, -5), -1); /* nearest point is the corner */
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 12, 5), -1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 5, -3), -1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 5, 0), 0); /* on the line */
    /* Past the ends the end segments are extended. */
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, -5, 1), 1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, left_turn, 9, 20), 1);
    /* East then south (a right turn): the land is everything but the corner x < 10, y < 0. */
    GEOSGeometry *right_turn = wkt(ctx, "LINESTRING(0 0,10 0,10 -10)");
    TU_ASSERT_INT(pc_sites_coast_side(ctx, right_turn, 11, 1), 1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, right_turn, 9, -1), -1);
    /* A thin spit: out and back. Beyond its tip the nearest point is the tip, and only the wedge test knows the
     * point is at sea: the first segment alone would put it on the land side. */
    GEOSGeometry *spit = wkt(ctx, "LINESTRING(0 0,10 0,0 1)");
    TU_ASSERT_INT(pc_sites_coast_side(ctx, spit, 11, 0.05), -1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, spit, 5, 0.2), 1); /* inside the spit */
    /* An island, counter-clockwise: land inside. */
    GEOSGeometry *island = wkt(ctx, "LINESTRING(0 0,10 0,10 10,0 10,0 0)");
    TU_ASSERT_INT(pc_sites_coast_side(ctx, island, 5, 5), 1);
    TU_ASSERT_INT(pc_sites_coast_side(ctx, island, -1, -1), -1); /* at the closing corner */
    TU_ASSERT_INT(pc_sites_coast_side(ctx, island, 20, 5), -1);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), left_turn);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), right_turn);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), spit);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), island);
    pc_ctx_destroy(ctx);
}

static void test_errors(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    pc_plan *plan = NULL;
    pc_sites_result *r = NULL;
    /* An unknown kind names the layer, the feature, the field and the fix. */
    const char *dir = tu_tmpdir("sites_errors");
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row red[] = {{RECT(500000, 4318000, 501000, 4319000), {"Eco A", "ecological_redline"}},
                    {RECT(502000, 4318000, 503000, 4319000), {"Reserve", "nature_reserve"}}};
    tu_row sites[] = {{RECT(500200, 4318200, 500400, 4318300), {"s", "school"}}};
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", red, 2);
    tu_write_layer(path, "sites", 4548, "polygon", "name,use", sites, 1);
    CU_ASSERT_FATAL(pc_plan_open(ctx, &plan, path, NULL) == PC_OK);
    TU_ASSERT_INT(pc_sites_run(ctx, plan, &p, NULL, &r), PC_ERR_DATA);
    CU_ASSERT_PTR_NULL(r);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "layer 'redlines' fid 2");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "'nature_reserve'");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "[redline nature_reserve]");
    pc_plan_destroy(plan);
    /* ... and the profile can define it: then it applies. */
    CU_ASSERT_EQUAL_FATAL(pc_profile_load_string(ctx, &p, "[redline nature_reserve]\nname_zh = 自然保护地\n"
                                                           "on_overlap = forbid\nrule = RESERVE RULE\n", "p.ini"),
                          PC_OK);
    CU_ASSERT_FATAL(pc_plan_open(ctx, &plan, path, NULL) == PC_OK);
    TU_ASSERT_INT(pc_sites_run(ctx, plan, &p, NULL, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_NEAR(site_kind(r, 0, "nature_reserve")->distance_m, 1600.0, 1e-6);
    pc_sites_result_destroy(ctx, r);
    r = NULL;
    pc_plan_destroy(plan);

    /* A red line without a kind. */
    dir = tu_tmpdir("sites_errors_nokind");
    path = tu_path(dir, "plan.gpkg");
    tu_row nokind[] = {{RECT(500000, 4318000, 501000, 4319000), {"Eco A", NULL}}};
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", nokind, 1);
    tu_write_layer(path, "sites", 4548, "polygon", "name,use", sites, 1);
    CU_ASSERT_FATAL(pc_plan_open(ctx, &plan, path, NULL) == PC_OK);
    TU_ASSERT_INT(pc_sites_run(ctx, plan, &p, NULL, &r), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "field 'kind': no value");
    pc_plan_destroy(plan);

    /* No sites layer and no --sites. */
    dir = tu_tmpdir("sites_errors_nosites");
    path = tu_path(dir, "plan.gpkg");
    tu_write_layer(path, "redlines", 4548, "polygon", "name,kind", red, 1);
    CU_ASSERT_FATAL(pc_plan_open(ctx, &plan, path, NULL) == PC_OK);
    TU_ASSERT_INT(pc_sites_run(ctx, plan, &p, NULL, &r), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "no 'sites' layer");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "--sites FILE");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static json_object *parse_stdout(void)
{
    json_object *o = json_tokener_parse(tu_stdout());
    if (!o)
        fprintf(stderr, "\n  not JSON: %.300s\n", tu_stdout());
    return o;
}

static json_object *path_get(json_object *o, const char *a, const char *b)
{
    json_object *x = NULL, *y = NULL;
    if (!o || !json_object_object_get_ex(o, a, &x))
        return NULL;
    if (!b)
        return x;
    return json_object_object_get_ex(x, b, &y) ? y : NULL;
}

static void test_cli_exit_codes_and_report(void)
{
    const char *dir = tu_tmpdir("sites_cli");
    const char *plan = make_plan(dir, COAST_NORTH, 1);
    char cmd[4096];
    /* Sites fail: exit 3, and the report in the planners' words. */
    snprintf(cmd, sizeof cmd, "%s sites %s", PC_BINARY, plan);
    TU_ASSERT_INT(tu_run(cmd), 3);
    TU_ASSERT_CONTAINS(tu_stdout(), "涉及生态保护红线 2.00 公顷 (100.0%) - fail");
    TU_ASSERT_CONTAINS(tu_stdout(), "involves the ecological red line 2.00 ha (100.0%): Eco A");
    TU_ASSERT_CONTAINS(tu_stdout(), "涉及绿色生态屏障二级管控区 0.50 公顷 (25.0%) - warn");
    TU_ASSERT_CONTAINS(tu_stdout(), "不涉及绿色生态屏障一级管控区");
    TU_ASSERT_CONTAINS(tu_stdout(), "距海岸线 150 米, 位于 200 米退缩线内 - warn");
    TU_ASSERT_CONTAINS(tu_stdout(), "ECO RULE FROM LAYER");
    TU_ASSERT_CONTAINS(tu_stdout(), "15 sites: 4 pass 通过, 5 warn 预警, 6 fail 不通过");

    /* JSON: counts, one object per site, the overlap of the tier-2 site. */
    snprintf(cmd, sizeof cmd, "%s sites %s --json", PC_BINARY, plan);
    TU_ASSERT_INT(tu_run(cmd), 3);
    json_object *root = parse_stdout();
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(root, "crs", NULL)), "EPSG:4548");
    TU_ASSERT_INT(json_object_get_int(path_get(root, "total", "fail")), 6);
    TU_ASSERT_INT(json_object_get_int(path_get(root, "total", "warn")), 5);
    TU_ASSERT_INT(json_object_get_int(path_get(root, "total", "pass")), 4);
    json_object *sites = path_get(root, "sites", NULL);
    TU_ASSERT_INT(json_object_array_length(sites), N_SITES);
    json_object *tier2 = json_object_array_get_idx(sites, S_TIER2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(tier2, "verdict", NULL)), "warn");
    json_object *ov = json_object_array_get_idx(path_get(tier2, "overlaps", NULL), 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(ov, "kind", NULL)), "barrier_tier2");
    TU_ASSERT_NEAR(json_object_get_double(path_get(ov, "hectares", NULL)), 0.5, 1e-9);
    TU_ASSERT_NEAR(json_object_get_double(path_get(ov, "share", NULL)), 0.25, 1e-9);
    TU_ASSERT_NEAR(json_object_get_double(path_get(tier2, "distances_m", "ecological_redline")), 900, 1e-9);
    CU_ASSERT(json_object_get_boolean(path_get(json_object_array_get_idx(sites, S_SETBACK), "in_setback", NULL)));
    CU_ASSERT(json_object_get_boolean(path_get(json_object_array_get_idx(sites, S_SEA), "seaward", NULL)));
    TU_ASSERT_NEAR(json_object_get_double(path_get(json_object_array_get_idx(sites, S_SETBACK), "coast_distance_m", NULL)),
                   150, 1e-9);
    json_object *rules = path_get(json_object_array_get_idx(sites, S_INSIDE), "rules", NULL);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(json_object_array_get_idx(rules, 0), "rule", NULL)),
                           "ECO RULE FROM LAYER");
    json_object_put(root);

    /* -o: both layers, whole. */
    snprintf(cmd, sizeof cmd, "%s sites %s -o %s --quiet", PC_BINARY, plan, tu_path(dir, "out.gpkg"));
    TU_ASSERT_INT(tu_run(cmd), 3);
    GDALDatasetH ds = GDALOpenEx(tu_path(dir, "out.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    OGRLayerH checks = GDALDatasetGetLayerByName(ds, "site_checks");
    OGRLayerH conflicts = GDALDatasetGetLayerByName(ds, "site_conflicts");
    CU_ASSERT_PTR_NOT_NULL_FATAL(checks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conflicts);
    TU_ASSERT_INT(OGR_L_GetFeatureCount(checks, 1), N_SITES);
    /* Overlaps: inside, tier2, multi, point in, road, strip, road line; seaward parts: sea, crossing. */
    TU_ASSERT_INT(OGR_L_GetFeatureCount(conflicts, 1), 9);
    OGR_L_SetAttributeFilter(conflicts, "kind = 'barrier_tier2'");
    OGRFeatureH f = OGR_L_GetNextFeature(conflicts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    TU_ASSERT_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "hectares")), 0.5, 1e-9);
    TU_ASSERT_NEAR(OGR_G_Area(OGR_F_GetGeometryRef(f)), 5000.0, 1e-6);
    CU_ASSERT_STRING_EQUAL(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "effect")), "warn");
    OGR_F_Destroy(f);
    OGR_L_SetAttributeFilter(checks, "name = 'crossing'");
    f = OGR_L_GetNextFeature(checks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "verdict")), "fail");
    TU_ASSERT_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "seaward_ha")), 0.5, 1e-9);
    TU_ASSERT_CONTAINS(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "reasons_zh")), "向海一侧");
    OGR_F_Destroy(f);
    GDALClose(ds);

    /* Usage: a negative radius. */
    snprintf(cmd, sizeof cmd, "%s sites %s --point-radius -5", PC_BINARY, plan);
    TU_ASSERT_INT(tu_run(cmd), 2);
}

static void test_cli_sites_file_in_wgs84(void)
{
    const char *dir = tu_tmpdir("sites_cli_wgs84");
    const char *plan = make_plan(dir, COAST_NORTH, 1);
    char cmd[4096];
    /*
     * 117 E 39 N is E 500000.000 N 4318503.985 in EPSG:4548: on Eco A's west edge. 116.99 E is west of it by
     * N cos(phi) dlambda (Gauss-Kruger's first term; the next is 3e-9 relative): with CGCS2000's a = 6378137,
     * f = 1/298.257222101, N = 6386608.93 m at 39 N, so 866.264 m.
     */
    tu_row west[] = {{"POINT(116.99 39)", {"west school", "school"}}};
    tu_write_layer(tu_path(dir, "west.gpkg"), "proposed", 4326, "point", "name,use", west, 1);
    snprintf(cmd, sizeof cmd, "%s sites %s --sites %s --json", PC_BINARY, plan, tu_path(dir, "west.gpkg"));
    TU_ASSERT_INT(tu_run(cmd), 0);
    json_object *root = parse_stdout();
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_object *site = json_object_array_get_idx(path_get(root, "sites", NULL), 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(site, "verdict", NULL)), "pass");
    TU_ASSERT_NEAR(json_object_get_double(path_get(site, "distances_m", "ecological_redline")), 866.264, 0.01);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(path_get(root, "sites_source_crs", NULL)), "EPSG:4326");
    TU_ASSERT_INT(json_object_get_int(path_get(root, "total", "sites")), 1);
    json_object_put(root);

    /* On the edge, with a 100 m footprint: half the circle inside, fail, exit 3. */
    tu_row edge[] = {{"POINT(117 39)", {"edge school", "school"}}};
    tu_write_layer(tu_path(dir, "edge.gpkg"), "sites", 4326, "point", "name,use", edge, 1);
    snprintf(cmd, sizeof cmd, "%s sites %s --sites %s --point-radius 100 --json", PC_BINARY, plan,
             tu_path(dir, "edge.gpkg"));
    TU_ASSERT_INT(tu_run(cmd), 3);
    root = parse_stdout();
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    site = json_object_array_get_idx(path_get(root, "sites", NULL), 0);
    json_object *ov = json_object_array_get_idx(path_get(site, "overlaps", NULL), 0);
    TU_ASSERT_NEAR(json_object_get_double(path_get(ov, "share", NULL)), 0.5, 1e-4);
    TU_ASSERT_NEAR(json_object_get_double(path_get(ov, "hectares", NULL)), polygon_circle_m2(100) / 2 / 10000, 1e-4);
    json_object_put(root);

    /* No sites at all: a pass (exit 0), valid JSON, a warning. */
    tu_write_layer(tu_path(dir, "empty.gpkg"), "sites", 4326, "point", "name,use", NULL, 0);
    snprintf(cmd, sizeof cmd, "%s sites %s --sites %s --json", PC_BINARY, plan, tu_path(dir, "empty.gpkg"));
    TU_ASSERT_INT(tu_run(cmd), 0);
    root = parse_stdout();
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    TU_ASSERT_INT(json_object_get_int(path_get(root, "total", "sites")), 0);
    TU_ASSERT_INT(json_object_array_length(path_get(root, "sites", NULL)), 0);
    TU_ASSERT_CONTAINS(tu_stderr(), "no sites to check");
    json_object_put(root);

    /* A missing file: exit 1 with the file named. */
    snprintf(cmd, sizeof cmd, "%s sites %s --sites %s", PC_BINARY, plan, tu_path(dir, "nope.gpkg"));
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "nope.gpkg");
}

int pc_test_register_sites(void)
{
    CU_pSuite s = CU_add_suite("sites", suite_init, suite_clean);
    if (!s)
        return -1;
    CU_add_test(s, "a site inside the ecological red line fails", test_site_inside_the_red_line_fails);
    CU_add_test(s, "a site partly over a tier-2 barrier warns", test_site_partly_over_tier2_warns);
    CU_add_test(s, "touching is not overlapping", test_touching_is_not_overlapping);
    CU_add_test(s, "a multipolygon site", test_multipolygon_site);
    CU_add_test(s, "a point site without radius", test_point_site_without_radius);
    CU_add_test(s, "a point site with a footprint radius", test_point_site_with_radius);
    CU_add_test(s, "the coastal setback, and a port inside it", test_coastal_setback_and_port);
    CU_add_test(s, "seaward sites fail", test_seaward_sites_fail);
    CU_add_test(s, "linear infrastructure crosses with a warning", test_linear_infrastructure_crosses_with_a_warning);
    CU_add_test(s, "buffers and counts", test_buffer_and_counts);
    CU_add_test(s, "overlapping red lines of one kind count once", test_overlapping_red_lines_of_one_kind_count_once);
    CU_add_test(s, "profile rules are editable", test_profile_rules_are_editable);
    CU_add_test(s, "coastline direction and the boundary", test_coastline_direction);
    CU_add_test(s, "coast side at corners, spits and islands", test_coast_side_at_corners);
    CU_add_test(s, "errors name the layer, feature and fix", test_errors);
    CU_add_test(s, "CLI: exit codes, report, JSON, GeoPackage", test_cli_exit_codes_and_report);
    CU_add_test(s, "CLI: --sites FILE in EPSG:4326", test_cli_sites_file_in_wgs84);
    return 0;
}
