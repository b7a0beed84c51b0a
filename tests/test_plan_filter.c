/* test_plan_filter.c: facilities and streets are read only near the study area; residents always whole. */
#include "tu.h"
#include "pc_plan.h"

#include <stdlib.h>

/* Study area: 2 x 1 km at E 500000 N 4318000 (EPSG:4548); the filter keeps 5 km around its extent. */
static const char *make_plan(const char *dir, int far_only)
{
    const char *path = tu_path(dir, far_only ? "far.gpkg" : "plan.gpkg");
    tu_row boundary[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))", {"B"}}};
    tu_row structure[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))",
                           {"U", "单元", "main"}}};
    /* Inside; 4 km east of the extent (kept); 20 km east (dropped); 30 km north (dropped). */
    tu_row facilities[] = {{"POINT(500500 4318500)", {"kindergarten", "in"}},
                           {"POINT(506000 4318500)", {"clinic", "near"}},
                           {"POINT(522000 4318500)", {"clinic", "far"}},
                           {"POINT(500500 4349000)", {"market", "farther"}}};
    tu_row far_facilities[] = {{"POINT(522000 4318500)", {"clinic", "far"}}};
    /* A street crossing the margin's edge is kept whole; one wholly outside is dropped. */
    tu_row streets[] = {{"LINESTRING(501000 4318500,530000 4318500)", {"residential"}},
                        {"LINESTRING(540000 4318500,541000 4318500)", {"residential"}}};
    tu_row residents[] = {{"POINT(500500 4318500)", {"10"}}, {"POINT(560000 4318500)", {"7"}}};
    CU_ASSERT_EQUAL(tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1), 0);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 1);
    if (far_only) {
        tu_write_layer(path, "facilities", 4548, "point", "category,name", far_facilities, 1);
        return path;
    }
    tu_write_layer(path, "facilities", 4548, "point", "category,name", facilities, 4);
    tu_write_layer(path, "streets", 4548, "line", "highway", streets, 2);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 2);
    return path;
}

static void test_filter_near_study_area(void)
{
    const char *dir = tu_tmpdir("plan_filter");
    const char *path = make_plan(dir, 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, 0), PC_OK);
    const pc_layer *f = pc_plan_layer(plan, PC_ROLE_FACILITIES);
    TU_ASSERT_INT(f->n, 2);
    CU_ASSERT_STRING_EQUAL(pc_layer_value(f, PC_FIELD_NAME, 0), "in");
    CU_ASSERT_STRING_EQUAL(pc_layer_value(f, PC_FIELD_NAME, 1), "near");
    /* The source still counts all four: only the read is filtered. */
    TU_ASSERT_INT(pc_plan_info(plan, PC_ROLE_FACILITIES).feature_count, 4);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0), PC_OK);
    const pc_layer *st = pc_plan_layer(plan, PC_ROLE_STREETS);
    TU_ASSERT_INT(st->n, 1);
    TU_ASSERT_NEAR(st->extent[2], 530000, 1e-6); /* kept whole, not clipped */
    /* Residents are never filtered. */
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP)), PC_OK);
    TU_ASSERT_INT(pc_plan_layer(plan, PC_ROLE_RESIDENTS)->n, 2);
    /* The filter is gone after the read: the extent is the whole layer's. */
    double env[4];
    CU_ASSERT(pc_plan_extent(plan, PC_ROLE_FACILITIES, env));
    TU_ASSERT_NEAR(env[3], 4349000, 1e-6);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_filter_in_layer_crs(void)
{
    /* Facilities in EPSG:4326 around the study area: the filter is applied in the layer's own CRS. */
    const char *dir = tu_tmpdir("plan_filter_crs");
    const char *path = make_plan(dir, 0);
    const char *geo = tu_path(dir, "geo.gpkg");
    /* E 500500 N 4318500 of EPSG:4548 is about 117.0058 E 39.0000 N; 117.3 E is about 25 km east. */
    tu_row fac[] = {{"POINT(117.0058 39.0000)", {"clinic", "in"}}, {"POINT(117.3 39.0000)", {"clinic", "far"}}};
    CU_ASSERT_EQUAL(tu_write_layer(geo, "facilities", 4326, "point", "category,name", fac, 2), 0);
    const char *plan_file = tu_path(dir, "geo.plan");
    FILE *fp = fopen(plan_file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fprintf(fp, "boundary = %s|layername=boundary\nfacilities = %s\n", path, geo);
    fclose(fp);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    opts.crs = "EPSG:4548";
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, plan_file, &opts), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, 0), PC_OK);
    const pc_layer *f = pc_plan_layer(plan, PC_ROLE_FACILITIES);
    TU_ASSERT_INT(f->n, 1);
    CU_ASSERT_STRING_EQUAL(pc_layer_value(f, PC_FIELD_NAME, 0), "in");
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_nothing_near_reads_all(void)
{
    /* When nothing lies near the study area the whole layer is read, so its problems are not hidden. */
    const char *dir = tu_tmpdir("plan_filter_far");
    const char *path = make_plan(dir, 1);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, 0), PC_OK);
    TU_ASSERT_INT(pc_plan_layer(plan, PC_ROLE_FACILITIES)->n, 1);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_filter_in_postgis(void)
{
    /* The same plan in PostGIS (PC_TEST_PG, set by tests/check_postgis.sh): the same two facilities. */
    const char *pg = getenv("PC_TEST_PG");
    if (!pg) {
        fprintf(stderr, "\n  SKIP %s: PC_TEST_PG is not set (tests/check_postgis.sh sets it)\n", __func__);
        return;
    }
    const char *dir = tu_tmpdir("plan_filter_pg");
    const char *path = make_plan(dir, 0);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "(ogrinfo -q '%s' -sql 'DROP SCHEMA IF EXISTS plan_filter CASCADE' && "
                              "ogrinfo -q '%s' -sql 'CREATE SCHEMA plan_filter' && "
                              "ogr2ogr -f PostgreSQL '%s' '%s' -lco SCHEMA=plan_filter -lco GEOMETRY_NAME=geom)",
             pg, pg, pg, path);
    int rc = tu_run(cmd);
    TU_ASSERT_INT(rc, 0);
    if (rc)
        fprintf(stderr, "\n  %s\n", tu_stderr());
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    opts.schema = "plan_filter";
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, pg, &opts), PC_OK);
    if (!plan) {
        fprintf(stderr, "\n  %s\n", pc_ctx_message(ctx));
        pc_ctx_destroy(ctx);
        return;
    }
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, 0), PC_OK);
    const pc_layer *f = pc_plan_layer(plan, PC_ROLE_FACILITIES);
    TU_ASSERT_INT(f->n, 2);
    TU_ASSERT_INT(pc_plan_info(plan, PC_ROLE_FACILITIES).feature_count, 4);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0), PC_OK);
    TU_ASSERT_INT(pc_plan_layer(plan, PC_ROLE_STREETS)->n, 1);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

int pc_test_register_plan_filter(void)
{
    CU_pSuite suite = CU_add_suite("plan_filter", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "facilities and streets near the study area only", test_filter_near_study_area);
    CU_add_test(suite, "the filter is set in the layer's own CRS", test_filter_in_layer_crs);
    CU_add_test(suite, "nothing near: the whole layer is read", test_nothing_near_reads_all);
    CU_add_test(suite, "the same filter on a PostGIS plan", test_filter_in_postgis);
    return 0;
}
