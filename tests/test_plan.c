/* test_plan.c: plan loading: every role, plan files, GeoJSON, reprojection, invalid policies, errors. */
#include "tu.h"
#include "pc_plan.h"
#include "pc_info.h"

/* A 2 x 1 km study area at E 500000 N 4318000 (EPSG:4548), two structure units of 1 km2 each. */
static const char *make_plan(const char *dir)
{
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row boundary[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))", {"Test"}}};
    tu_row structure[] = {
        {"POLYGON((500000 4318000,501000 4318000,501000 4319000,500000 4319000,500000 4318000))", {"West", "西区", "main"}},
        {"POLYGON((501000 4318000,502000 4318000,502000 4319000,501000 4319000,501000 4318000))", {"East", "东区", "cluster"}}};
    tu_row residents[] = {{"POINT(500500 4318500)", {"1200"}}, {"POINT(501500 4318500)", {"800.5"}},
                          {"POLYGON((500100 4318100,500300 4318100,500300 4318300,500100 4318300,500100 4318100))", {"100"}}};
    tu_row facilities[] = {{"POINT(500500 4318600)", {"kindergarten", "A"}}, {"POINT(501500 4318600)", {"clinic", "B"}}};
    tu_row streets[] = {{"LINESTRING(500000 4318500,502000 4318500)", {"residential"}},
                        {"LINESTRING(501000 4318000,501000 4319000)", {"motorway"}}};
    tu_row parks[] = {{"POLYGON((500600 4318600,500700 4318600,500700 4318700,500600 4318700,500600 4318600))", {"P", "公园", "G12"}}};
    tu_row redlines[] = {{"POLYGON((501800 4318800,502000 4318800,502000 4319000,501800 4319000,501800 4318800))",
                          {"Wet", "湿地", "wetland", "rule text"}}};
    tu_row coast[] = {{"LINESTRING(502000 4318000,502000 4319000)", {NULL}}};
    tu_row sites[] = {{"POINT(500200 4318200)", {"School", "学校", "school"}}};
    tu_row subd[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))", {"S", "街道"}}};
    tu_row builtup[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))", {NULL}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1), 0);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 2);
    tu_write_layer(path, "subdistricts", 4548, "polygon", "name,name_zh", subd, 1);
    tu_write_layer(path, "builtup", 4548, "polygon", "name", builtup, 1);
    tu_write_layer(path, "residents", 4548, "unknown", "pop:r", residents, 3);
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 2);
    tu_write_layer(path, "streets", 4548, "line", "highway", streets, 2);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 1);
    tu_write_layer(path, "redlines", 4548, "polygon", "name,name_zh,kind,rule", redlines, 1);
    tu_write_layer(path, "coastline", 4548, "line", "", coast, 1);
    tu_write_layer(path, "sites", 4548, "point", "name,name_zh,use", sites, 1);
    return path;
}

static void test_every_role(void)
{
    const char *dir = tu_tmpdir("plan_every_role");
    const char *path = make_plan(dir);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    if (!plan) {
        fprintf(stderr, "%s\n", pc_ctx_message(ctx));
        pc_ctx_destroy(ctx);
        return;
    }
    CU_ASSERT_STRING_EQUAL(pc_plan_crs(plan), "EPSG:4548");
    const size_t expected[PC_ROLE_COUNT] = {1, 2, 1, 1, 3, 2, 2, 1, 1, 1, 1};
    for (int r = 0; r < PC_ROLE_COUNT; r++) {
        CU_ASSERT(pc_plan_has(plan, (pc_role)r));
        TU_ASSERT_INT(pc_plan_load(ctx, plan, (pc_role)r, 0), PC_OK);
        const pc_layer *l = pc_plan_layer(plan, (pc_role)r);
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        TU_ASSERT_INT(l->n, expected[r]);
        TU_ASSERT_INT(pc_plan_info(plan, (pc_role)r).feature_count, expected[r]);
    }
    const pc_layer *res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    TU_ASSERT_NEAR(res->pop[0] + res->pop[1] + res->pop[2], 2100.5, 1e-9);
    /* The polygon resident is represented by a point inside it. */
    CU_ASSERT(res->x[2] > 500100 && res->x[2] < 500300 && res->y[2] > 4318100 && res->y[2] < 4318300);
    const pc_layer *fac = pc_plan_layer(plan, PC_ROLE_FACILITIES);
    CU_ASSERT_STRING_EQUAL(pc_layer_value(fac, PC_FIELD_CATEGORY, 1), "clinic");
    const pc_layer *st = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
    CU_ASSERT_STRING_EQUAL(pc_layer_value(st, PC_FIELD_NAME_ZH, 0), "西区");
    CU_ASSERT_STRING_EQUAL(pc_layer_value(st, PC_FIELD_TIER, 1), "cluster");
    TU_ASSERT_NEAR(st->extent[0], 500000, 1e-9);
    TU_ASSERT_NEAR(st->extent[3], 4319000, 1e-9);

    pc_info_result *info = NULL;
    TU_ASSERT_INT(pc_info_run(ctx, plan, &info), PC_OK);
    TU_ASSERT_INT(info->n_units, 2);
    TU_ASSERT_NEAR(info->units[0].area_km2, 1.0, 1e-12);
    TU_ASSERT_NEAR(info->units[0].pop, 1300, 1e-9); /* 1200 + the 100 of the polygon */
    TU_ASSERT_NEAR(info->units[1].pop, 800.5, 1e-9);
    TU_ASSERT_INT(info->n_main, 1);
    TU_ASSERT_INT(info->n_cluster, 1);
    pc_info_result_destroy(info);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_reprojection_to_the_millimetre(void)
{
    /* EPSG:4326 (117 E, 39 N) is E 500000.000 N 4318503.985 in EPSG:4548 (CGCS2000 GK CM 117E). */
    const char *dir = tu_tmpdir("plan_reprojection");
    const char *path = tu_path(dir, "wgs84.gpkg");
    tu_row residents[] = {{"POINT(117 39)", {"10"}}, {"POINT(117.01 39.005)", {"5"}}};
    tu_write_layer(path, "residents", 4326, "point", "pop:i", residents, 2);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, &opts), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    CU_ASSERT_STRING_EQUAL(pc_plan_crs(plan), "EPSG:4548"); /* chosen automatically for Tianjin's longitude */
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, 0), PC_OK);
    const pc_layer *res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    TU_ASSERT_NEAR(res->x[0], 500000.000, 0.0005);
    TU_ASSERT_NEAR(res->y[0], 4318503.985, 0.0005);
    CU_ASSERT_STRING_EQUAL(res->source_crs, "EPSG:4326");
    pc_plan_destroy(plan);

    /* The same in UTM 50N when asked: 117 E is 3 degrees west of the zone's CM 117 E? No: CM of zone 50 is 117 E. */
    opts.crs = "EPSG:32650";
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, &opts), PC_OK);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, 0), PC_OK);
    res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    TU_ASSERT_NEAR(res->x[0], 500000.0, 0.0005); /* on the central meridian */
    /* UTM scale 0.9996 against GK's 1.0 on the meridian; the ellipsoids differ by far less than 1 mm here. */
    TU_ASSERT_NEAR(res->y[0], 4318503.985 * 0.9996, 0.002);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_auto_crs(void)
{
    TU_ASSERT_INT(pc_crs_auto_epsg(117.7, 39.0), 4548);  /* Tianjin Binhai */
    TU_ASSERT_INT(pc_crs_auto_epsg(116.3, 40.0), 4548);  /* Beijing Haidian: zone 115.5-118.5 */
    TU_ASSERT_INT(pc_crs_auto_epsg(121.47, 31.23), 4549); /* Shanghai: CM 120 E */
    TU_ASSERT_INT(pc_crs_auto_epsg(114.2, 22.7), 4547);  /* Shenzhen: CM 114 E */
    TU_ASSERT_INT(pc_crs_auto_epsg(9.52, 47.14), 32632); /* Liechtenstein: UTM 32N */
    TU_ASSERT_INT(pc_crs_auto_epsg(-122.28, 37.81), 32610); /* Oakland: UTM 10N */
    TU_ASSERT_INT(pc_crs_auto_epsg(151.2, -33.9), 32756);   /* Sydney: UTM 56S */
}

static void test_plan_file_and_geojson(void)
{
    const char *dir = tu_tmpdir("plan_file");
    /* Roles in a GeoJSON file with other field names, mapped by a plan file. */
    tu_row units[] = {{"POLYGON((117 39,117.01 39,117.01 39.01,117 39.01,117 39))", {"U1", "单元一", "sub"}}};
    tu_row people[] = {{"POINT(117.005 39.005)", {"321"}}};
    tu_write_layer(tu_path(dir, "units.geojson"), "units", 4326, "polygon", "NAME,NAME_ZH,LEVEL", units, 1);
    tu_write_layer(tu_path(dir, "people.gpkg"), "census", 4326, "point", "POP2020:i", people, 1);
    FILE *f = fopen(tu_path(dir, "city.plan"), "w");
    fprintf(f, "; a plan spread over two sources\ncrs = EPSG:32650\n"
               "structure = units.geojson\nboundary = units.geojson\n"
               "residents = people.gpkg|layername=census\n"
               "[fields]\nstructure.name = NAME\nstructure.name_zh = NAME_ZH\nstructure.tier = LEVEL\n"
               "residents.pop = POP2020\n");
    fclose(f);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, tu_path(dir, "city.plan"), NULL), PC_OK);
    if (!plan) {
        fprintf(stderr, "%s\n", pc_ctx_message(ctx));
        pc_ctx_destroy(ctx);
        return;
    }
    CU_ASSERT_STRING_EQUAL(pc_plan_crs(plan), "EPSG:32650");
    pc_info_result *info = NULL;
    TU_ASSERT_INT(pc_info_run(ctx, plan, &info), PC_OK);
    if (info) {
        TU_ASSERT_INT(info->n_units, 1);
        CU_ASSERT_STRING_EQUAL(info->units[0].name_zh, "单元一");
        CU_ASSERT_STRING_EQUAL(info->units[0].tier, "sub");
        TU_ASSERT_NEAR(info->units[0].pop, 321, 0);
        /* 0.01 x 0.01 degree at 39 N: about 1112 m x 866 m; UTM scale near the CM ~0.9996^2. */
        CU_ASSERT(info->units[0].area_km2 > 0.95 && info->units[0].area_km2 < 0.97);
    }
    pc_info_result_destroy(info);
    CU_ASSERT_STRING_EQUAL(pc_plan_info(plan, PC_ROLE_RESIDENTS).layer_name, "census");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

/* Open a plan at path and load role; return the status and keep the message. */
static pc_status try_load(const char *path, const char *crs, pc_invalid_policy policy, pc_role role, unsigned fields,
                          char *message, size_t cap, size_t *kept, size_t *repaired, size_t *skipped)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    opts.crs = crs;
    opts.invalid = policy;
    pc_status s = pc_plan_open(ctx, &plan, path, &opts);
    if (!s)
        s = pc_plan_load(ctx, plan, role, fields);
    snprintf(message, cap, "%s", pc_ctx_message(ctx));
    const pc_layer *l = plan ? pc_plan_layer(plan, role) : NULL;
    if (kept)
        *kept = l ? l->n : 0;
    if (repaired)
        *repaired = l ? l->n_repaired : 0;
    if (skipped)
        *skipped = l ? l->n_skipped_invalid : 0;
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
    return s;
}

static void test_errors(void)
{
    const char *dir = tu_tmpdir("plan_errors");
    char msg[2048];
    size_t kept, repaired, skipped;

    TU_ASSERT_INT(try_load(tu_path(dir, "missing.gpkg"), NULL, 0, PC_ROLE_STRUCTURE, 0, msg, sizeof msg, 0, 0, 0),
                  PC_ERR_IO);
    TU_ASSERT_CONTAINS(msg, "missing.gpkg: cannot open as a vector dataset");

    /* Truncated GeoPackage: half a real file. */
    const char *good = make_plan(tu_tmpdir("plan_errors_src"));
    dir = tu_tmpdir("plan_errors");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "head -c 8192 '%s' > '%s'", good, tu_path(dir, "truncated.gpkg"));
    CU_ASSERT_EQUAL(system(cmd), 0);
    CU_ASSERT_NOT_EQUAL(try_load(tu_path(dir, "truncated.gpkg"), NULL, 0, PC_ROLE_STRUCTURE, 0, msg, sizeof msg, 0, 0, 0),
                        PC_OK);
    TU_ASSERT_CONTAINS(msg, "truncated.gpkg");

    /* A role the plan lacks. */
    const char *only = tu_path(dir, "only_boundary.gpkg");
    tu_row boundary[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4318000))", {"B"}}};
    tu_write_layer(only, "boundary", 4548, "polygon", "name", boundary, 1);
    TU_ASSERT_INT(try_load(only, NULL, 0, PC_ROLE_FACILITIES, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(msg, "only_boundary.gpkg: layer 'facilities': the plan has no 'facilities' layer");

    /* A missing field, mapped or not. */
    const char *nofield = tu_path(dir, "nofield.gpkg");
    tu_row fac[] = {{"POINT(500100 4318100)", {"A"}}};
    tu_write_layer(nofield, "facilities", 4548, "point", "name", fac, 1);
    TU_ASSERT_INT(try_load(nofield, NULL, 0, PC_ROLE_FACILITIES, PC_FIELD_BIT(PC_FIELD_CATEGORY), msg, sizeof msg, 0,
                           0, 0),
                  PC_ERR_DATA);
    TU_ASSERT_CONTAINS(msg, "layer 'facilities' field 'category': missing");
    TU_ASSERT_CONTAINS(msg, "facilities.category = YOUR_FIELD");

    /* Bad populations: text, negative, missing. */
    const char *badpop = tu_path(dir, "badpop.gpkg");
    tu_row text_pop[] = {{"POINT(500100 4318100)", {"12"}}, {"POINT(500200 4318100)", {"many"}}};
    tu_write_layer(badpop, "residents", 4548, "point", "pop:s", text_pop, 2);
    TU_ASSERT_INT(try_load(badpop, NULL, 0, PC_ROLE_RESIDENTS, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(msg, "layer 'residents' fid 2 field 'pop': 'many' is not a number");
    const char *negpop = tu_path(dir, "negpop.gpkg");
    tu_row neg_pop[] = {{"POINT(500100 4318100)", {"-5"}}};
    tu_write_layer(negpop, "residents", 4548, "point", "pop:r", neg_pop, 1);
    TU_ASSERT_INT(try_load(negpop, NULL, 0, PC_ROLE_RESIDENTS, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_DATA);
    TU_ASSERT_CONTAINS(msg, "fid 1 field 'pop': -5 is not a valid population");

    /* No CRS: GeoPackage's undefined SRS. */
    const char *nocrs = tu_path(dir, "nocrs.gpkg");
    tu_write_layer(nocrs, "boundary", 0, "polygon", "name", boundary, 1);
    TU_ASSERT_INT(try_load(nocrs, NULL, 0, PC_ROLE_BOUNDARY, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_CRS);
    TU_ASSERT_CONTAINS(msg, "layer 'boundary': the layer has no coordinate reference system");
    TU_ASSERT_CONTAINS(msg, "-a_srs");

    /* Points where polygons are expected. */
    const char *points = tu_path(dir, "points.gpkg");
    tu_row pts[] = {{"POINT(500100 4318100)", {"U", "单元", "main"}}};
    tu_write_layer(points, "structure", 4548, "point", "name,name_zh,tier", pts, 1);
    TU_ASSERT_INT(try_load(points, NULL, 0, PC_ROLE_STRUCTURE, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_GEOM);
    TU_ASSERT_CONTAINS(msg, "layer 'structure' fid 1: a Point where the 'structure' role expects polygons");

    /* A geographic --crs is refused. */
    TU_ASSERT_INT(try_load(only, "EPSG:4326", 0, PC_ROLE_BOUNDARY, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_CRS);
    TU_ASSERT_CONTAINS(msg, "projected in metres");
    TU_ASSERT_INT(try_load(only, "EPSG:nonsense", 0, PC_ROLE_BOUNDARY, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_ARG);

    /* Invalid polygons under each policy: a bow-tie (two 1 x 1 triangles of 0.25 ... area each). */
    const char *bowtie = tu_path(dir, "bowtie.gpkg");
    tu_row parks[] = {{"POLYGON((500000 4318000,500100 4318100,500100 4318000,500000 4318100,500000 4318000))", {"Bow"}},
                      {"POLYGON((500200 4318000,500300 4318000,500300 4318100,500200 4318100,500200 4318000))", {"Ok"}}};
    tu_write_layer(bowtie, "parks", 4548, "polygon", "name", parks, 2);
    TU_ASSERT_INT(try_load(bowtie, NULL, PC_INVALID_FAIL, PC_ROLE_PARKS, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_GEOM);
    TU_ASSERT_CONTAINS(msg, "layer 'parks' fid 1: invalid polygon (Self-intersection");
    TU_ASSERT_CONTAINS(msg, "--invalid=repair");
    TU_ASSERT_INT(try_load(bowtie, NULL, PC_INVALID_SKIP, PC_ROLE_PARKS, 0, msg, sizeof msg, &kept, &repaired, &skipped),
                  PC_OK);
    TU_ASSERT_INT(kept, 1);
    TU_ASSERT_INT(skipped, 1);
    TU_ASSERT_INT(try_load(bowtie, NULL, PC_INVALID_REPAIR, PC_ROLE_PARKS, 0, msg, sizeof msg, &kept, &repaired,
                           &skipped),
                  PC_OK);
    TU_ASSERT_INT(kept, 2);
    TU_ASSERT_INT(repaired, 1);

    /* Malformed plan files. */
    FILE *f = fopen(tu_path(dir, "bad.plan"), "w");
    fprintf(f, "boundary = only_boundary.gpkg\nparkz = x.gpkg\n");
    fclose(f);
    TU_ASSERT_INT(try_load(tu_path(dir, "bad.plan"), NULL, 0, PC_ROLE_BOUNDARY, 0, msg, sizeof msg, 0, 0, 0), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(msg, "bad.plan: line 2: unknown role 'parkz'");
    f = fopen(tu_path(dir, "bad2.plan"), "w");
    fprintf(f, "boundary = only_boundary.gpkg|layername=nope\n");
    fclose(f);
    TU_ASSERT_INT(try_load(tu_path(dir, "bad2.plan"), NULL, 0, PC_ROLE_BOUNDARY, 0, msg, sizeof msg, 0, 0, 0),
                  PC_ERR_DATA);
    TU_ASSERT_CONTAINS(msg, "layer 'nope': no such layer for role 'boundary'");
}

static void test_bowtie_repair_area(void)
{
    /* The bow-tie (0,0)-(100,100)-(100,0)-(0,100) repairs into two triangles of 50 x 100 / 2 = 2500 m2 each. */
    const char *dir = tu_tmpdir("plan_bowtie_area");
    const char *path = tu_path(dir, "p.gpkg");
    tu_row parks[] = {{"POLYGON((500000 4318000,500100 4318100,500100 4318000,500000 4318100,500000 4318000))", {"Bow"}}};
    tu_write_layer(path, "parks", 4548, "polygon", "name", parks, 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_PARKS, 0), PC_OK);
    double area = 0;
    GEOSArea_r(pc_ctx_geos(ctx), pc_plan_layer(plan, PC_ROLE_PARKS)->geoms[0], &area);
    TU_ASSERT_NEAR(area, 5000.0, 1e-6);
    TU_ASSERT_INT(pc_ctx_warning_count(ctx), 1);
    TU_ASSERT_CONTAINS(pc_ctx_warning(ctx, 0), "repaired 1 invalid polygons");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

int pc_test_register_plan(void)
{
    CU_pSuite s = CU_add_suite("plan", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "every role loads with its fields", test_every_role);
    CU_add_test(s, "EPSG:4326 to EPSG:4548 to the millimetre", test_reprojection_to_the_millimetre);
    CU_add_test(s, "automatic analysis CRS", test_auto_crs);
    CU_add_test(s, "a plan file over GeoJSON and GeoPackage with field mapping", test_plan_file_and_geojson);
    CU_add_test(s, "error paths name file, layer, fid and field", test_errors);
    CU_add_test(s, "a repaired bow-tie keeps its area", test_bowtie_repair_area);
    return 0;
}
