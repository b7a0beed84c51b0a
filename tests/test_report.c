/* test_report.c: plancheck report: the files, the styles table, targets, skipping, replacing, failing cleanly, CLI. */
#include "tu.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include "pc_report.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <sys/stat.h>

/* A 2 x 1 km town at E 500000 N 4318000 (EPSG:4548): two units of 1 km2, a forbidden red line in the north-east
 * corner, three sites: one inside the red line (fail), one far from everything (pass), one within 200 m of the
 * coastline on the east edge (warn). */
static const char *make_plan(const char *dir, int with_sites, int redlines_kind)
{
    const char *path = tu_path(dir, "plan.gpkg");
    tu_row boundary[] = {{"POLYGON((500000 4318000,502000 4318000,502000 4319000,500000 4319000,500000 4318000))", {"Test"}}};
    tu_row structure[] = {
        {"POLYGON((500000 4318000,501000 4318000,501000 4319000,500000 4319000,500000 4318000))", {"West", "西区", "main"}},
        {"POLYGON((501000 4318000,502000 4318000,502000 4319000,501000 4319000,501000 4318000))", {"East", "东区", "cluster"}}};
    tu_row subd[] = {
        {"POLYGON((500000 4318500,502000 4318500,502000 4319000,500000 4319000,500000 4318500))", {"North", "北街道"}},
        {"POLYGON((500000 4318000,502000 4318000,502000 4318500,500000 4318500,500000 4318000))", {"South", "南街道"}}};
    tu_row residents[] = {{"POINT(500500 4318700)", {"1200"}}, {"POINT(501500 4318200)", {"800"}},
                          {"POINT(500200 4318200)", {"100"}}};
    tu_row parks[] = {{"POLYGON((500600 4318600,500700 4318600,500700 4318700,500600 4318700,500600 4318600))", {"P", "公园", "G12"}}};
    tu_row redlines[] = {{"POLYGON((501600 4318600,501900 4318600,501900 4318900,501600 4318900,501600 4318600))",
                          {"Forest", "林地", "ecological_redline", "no construction"}}};
    tu_row coast[] = {{"LINESTRING(502000 4318000,502000 4319000)", {NULL}}};
    tu_row sites[] = {{"POLYGON((501700 4318700,501800 4318700,501800 4318800,501700 4318800,501700 4318700))", {"Quarry", "采石场", "industrial"}},
                      {"POLYGON((500200 4318400,500300 4318400,500300 4318500,500200 4318500,500200 4318400))", {"School", "学校", "school"}},
                      {"POLYGON((501850 4318100,501950 4318100,501950 4318200,501850 4318200,501850 4318100))", {"Hotel", "酒店", "commercial"}}};
    tu_write_layer(path, "boundary", 4548, "polygon", "name", boundary, 1);
    tu_write_layer(path, "structure", 4548, "polygon", "name,name_zh,tier", structure, 2);
    tu_write_layer(path, "subdistricts", 4548, "polygon", "name,name_zh", subd, 2);
    tu_write_layer(path, "residents", 4548, "point", "pop:r", residents, 3);
    tu_write_layer(path, "parks", 4548, "polygon", "name,name_zh,class", parks, 1);
    tu_write_layer(path, "redlines", 4548, "polygon", redlines_kind ? "name,name_zh,kind,rule" : "name,name_zh,sort,rule",
                   redlines, 1);
    tu_write_layer(path, "coastline", 4548, "line", "", coast, 1);
    if (with_sites)
        tu_write_layer(path, "sites", 4548, "polygon", "name,name_zh,use", sites, 3);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = '\0';
    return buf;
}

static json_object *target(json_object *summary, const char *key)
{
    json_object *targets = json_object_object_get(summary, "targets");
    for (size_t i = 0; i < json_object_array_length(targets); i++) {
        json_object *t = json_object_array_get_idx(targets, i);
        if (strcmp(json_object_get_string(json_object_object_get(t, "key")), key) == 0)
            return t;
    }
    return NULL;
}

typedef struct fixture {
    pc_ctx *ctx;
    pc_plan *plan;
    pc_profile profile;
} fixture;

static int open_plan(fixture *fx, const char *path)
{
    fx->ctx = pc_ctx_create();
    pc_profile_default(&fx->profile);
    if (pc_plan_open(fx->ctx, &fx->plan, path, NULL)) {
        fprintf(stderr, "%s\n", pc_ctx_message(fx->ctx));
        return 0;
    }
    return 1;
}

static void close_plan(fixture *fx)
{
    pc_plan_destroy(fx->plan);
    pc_ctx_destroy(fx->ctx);
}

static void test_everything_written(void)
{
    const char *dir = tu_tmpdir("report_all");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 1, 1));
    snprintf(out, sizeof out, "%s/nested/report", dir); /* the parent 'nested' does not exist yet */
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    o.date = "2025-01-01";
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const char *files[] = {"plancheck.gpkg", "plancheck.qgs", "report.html", "summary.json", "units.csv",
                           "subdistricts.csv", "sites.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        CU_ASSERT(tu_exists(tu_path(out, files[i])));
        if (!tu_exists(tu_path(out, files[i])))
            fprintf(stderr, "\n  missing %s\n", files[i]);
    }
    TU_ASSERT_INT(tu_count_files(out), 7);
    TU_ASSERT_INT(tu_count_files(tu_path(dir, "nested")), 1); /* no temporary folder left beside it */
    CU_ASSERT(r->ran[PC_REPORT_SITES]);
    CU_ASSERT(!r->ran[PC_REPORT_COVERAGE] || r->ran[PC_REPORT_COVERAGE]);

    /* Units: West holds 1200 + 100, East 800 (counted by hand from the points above); North 1200, South 900. */
    TU_ASSERT_INT(r->n_units, 2);
    TU_ASSERT_NEAR(r->units[0].pop, 1300, 1e-9);
    TU_ASSERT_NEAR(r->units[1].pop, 800, 1e-9);
    TU_ASSERT_NEAR(r->units[0].area_km2, 1.0, 1e-9);
    TU_ASSERT_INT(r->n_subdistricts, 2);
    TU_ASSERT_NEAR(r->subdistricts[0].pop, 1200, 1e-9);
    TU_ASSERT_NEAR(r->subdistricts[1].pop, 900, 1e-9);
    TU_ASSERT_NEAR(r->total.pop, 2100, 1e-9);
    TU_ASSERT_NEAR(r->total.area_km2, 2.0, 1e-9);
    /* Without facilities there is no life circle coverage; the rest of the plan has what green space needs. */
    CU_ASSERT(!r->ran[PC_REPORT_COVERAGE]);
    if (r->ran[PC_REPORT_GREEN]) {
        /* One 100 x 100 m park in West, serving 500 m (>= 5000 m2): the resident at (500500, 4318700) is 100 m
         * from it, the others 566 m and 894 m away. 10000 m2 / 1300 people in West, / 2100 in all. */
        TU_ASSERT_NEAR(r->units[0].park_m2_per_person, 10000.0 / 1300, 1e-6);
        TU_ASSERT_NEAR(r->units[1].park_m2, 0, 1e-9);
        TU_ASSERT_NEAR(r->units[0].park_service_cov, 1200.0 / 1300, 1e-9);
        TU_ASSERT_NEAR(r->total.park_m2_per_person, 10000.0 / 2100, 1e-6);
        TU_ASSERT_NEAR(r->total.park_service_cov, 1200.0 / 2100, 1e-9);
    }

    json_object *summary = json_object_from_file(tu_path(out, "summary.json"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(summary);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(summary, "crs")), "EPSG:4548");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(summary, "date")), "2025-01-01");
    /* One site in the forbidden red line fails: the target (no failing site) is not met. */
    json_object *t = target(summary, "sites_failing");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    TU_ASSERT_NEAR(json_object_get_double(json_object_object_get(t, "value")), 1, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(t, "status")), "fail");
    json_object *sites = json_object_object_get(summary, "sites");
    TU_ASSERT_INT(json_object_array_length(sites), 3);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(json_object_array_get_idx(sites, 0), "verdict")), "fail");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(json_object_array_get_idx(sites, 1), "verdict")), "pass");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(json_object_array_get_idx(sites, 2), "verdict")), "warn");
    json_object *units = json_object_object_get(summary, "units");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(json_object_array_get_idx(units, 0), "name_zh")), "西区");
    json_object_put(summary);

    /* The GeoPackage: plan and result layers, each with a default style; 'id' key and '' schema as QGIS wants. */
    GDALDatasetH ds = GDALOpenEx(tu_path(out, "plancheck.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    OGRLayerH styles = GDALDatasetGetLayerByName(ds, "layer_styles");
    CU_ASSERT_PTR_NOT_NULL_FATAL(styles);
    CU_ASSERT_STRING_EQUAL(OGR_L_GetFIDColumn(styles), "id");
    const char *layers[] = {"boundary", "structure", "subdistricts", "residents", "parks", "redlines", "coastline",
                            "sites", "site_checks", "site_conflicts"};
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++) {
        CU_ASSERT_PTR_NOT_NULL(GDALDatasetGetLayerByName(ds, layers[i]));
        char filter[128];
        snprintf(filter, sizeof filter, "f_table_name = '%s' AND f_table_schema = '' AND useAsDefault = 1", layers[i]);
        OGR_L_SetAttributeFilter(styles, filter);
        TU_ASSERT_INT(OGR_L_GetFeatureCount(styles, 1), 1);
    }
    OGR_L_SetAttributeFilter(styles, "f_table_schema IS NULL");
    TU_ASSERT_INT(OGR_L_GetFeatureCount(styles, 1), 0);
    OGRLayerH st = GDALDatasetGetLayerByName(ds, "structure");
    TU_ASSERT_INT(OGR_L_GetFeatureCount(st, 1), 2);
    GDALClose(ds);

    /* The project: relative sources, the analysis CRS, grouped. The page: UTF-8, Chinese names, maps. */
    char *qgs = slurp(tu_path(out, "plancheck.qgs"));
    TU_ASSERT_CONTAINS(qgs, "<datasource>./plancheck.gpkg|layername=structure</datasource>");
    TU_ASSERT_CONTAINS(qgs, "<authid>EPSG:4548</authid>");
    TU_ASSERT_CONTAINS(qgs, "<layer-tree-group name=\"Sites 选址\"");
    TU_ASSERT_CONTAINS(qgs, "<layer-tree-group name=\"Plan 规划\"");
    TU_ASSERT_CONTAINS(qgs, "<renderer-v2 type=\"categorizedSymbol\" attr=\"verdict\"");
    CU_ASSERT_PTR_NULL(strstr(qgs, "<datasource>/")); /* no absolute path */
    free(qgs);
    char *html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "<meta charset=\"utf-8\">");
    TU_ASSERT_CONTAINS(html, "西区");
    TU_ASSERT_CONTAINS(html, "北街道");
    TU_ASSERT_CONTAINS(html, "采石场");
    TU_ASSERT_CONTAINS(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\"");
    TU_ASSERT_CONTAINS(html, "2025-01-01");
    CU_ASSERT_PTR_NULL(strstr(html, "src=\"http"));
    CU_ASSERT_PTR_NULL(strstr(html, "href=\"http"));
    free(html);
    char *csv = slurp(tu_path(out, "units.csv"));
    TU_ASSERT_CONTAINS(csv, "West,西区,main,1,1300");
    TU_ASSERT_CONTAINS(csv, "Total,合计,,2,2100");
    free(csv);
    pc_report_result_destroy(fx.ctx, r);
    close_plan(&fx);
}

static void test_coverage_by_radius(void)
{
    const char *dir = tu_tmpdir("report_coverage");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 0, 1));
    snprintf(out, sizeof out, "%s/report", dir);
    /* Every category at one point (500500, 4318650): the residents are 50 m, 541 m and 1097 m from it, so
     * 1200 + 100 people within 1000 m (15 min), 1200 within 500 m (10 min) and 300 m (5 min). */
    static const char *const codes[] = {"middle_school", "health_center", "culture_center", "sports_large",
                                        "elderly_care", "community_service", "mall", "primary_school", "market",
                                        "sports_mid", "kindergarten", "clinic", "elderly_daycare", "fitness",
                                        "convenience"};
    tu_row facilities[15];
    for (int i = 0; i < 15; i++) {
        memset(&facilities[i], 0, sizeof facilities[i]);
        facilities[i].wkt = "POINT(500500 4318650)";
        facilities[i].values[0] = codes[i];
        facilities[i].values[1] = codes[i];
    }
    tu_write_layer(plan_path, "facilities", 4548, "point", "category,name", facilities, 15);
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    o.coverage_mode = "radius";
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_FATAL(r->ran[PC_REPORT_COVERAGE]);
    CU_ASSERT_STRING_EQUAL(r->coverage_mode, "radius");
    TU_ASSERT_NEAR(r->total.cov_pop[0], 1300.0 / 2100, 1e-9);
    TU_ASSERT_NEAR(r->total.cov_pop[1], 1200.0 / 2100, 1e-9);
    TU_ASSERT_NEAR(r->total.cov_pop[2], 1200.0 / 2100, 1e-9);
    TU_ASSERT_NEAR(r->units[0].cov_pop[0], 1.0, 1e-9);
    TU_ASSERT_NEAR(r->units[1].cov_pop[0], 0.0, 1e-9);
    json_object *summary = json_object_from_file(tu_path(out, "summary.json"));
    json_object *t = target(summary, "life_circle_15min_pop");
    TU_ASSERT_NEAR(json_object_get_double(json_object_object_get(t, "value")), 1300.0 / 2100, 1e-6);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(t, "status")), "fail");
    json_object_put(summary);
    CU_ASSERT(tu_exists(tu_path(out, "categories.csv")));
    char *html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "15-minute life circle coverage 十五分钟生活圈覆盖率");
    TU_ASSERT_CONTAINS(html, "61.9%"); /* 1300 / 2100 */
    free(html);
    GDALDatasetH ds = GDALOpenEx(tu_path(out, "plancheck.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(GDALDatasetGetLayerByName(ds, "coverage_units"));
    OGRLayerH styles = GDALDatasetGetLayerByName(ds, "layer_styles");
    OGR_L_SetAttributeFilter(styles, "f_table_name = 'coverage_units' AND useAsDefault = 1");
    TU_ASSERT_INT(OGR_L_GetFeatureCount(styles, 1), 1);
    GDALClose(ds);
    pc_report_result_destroy(fx.ctx, r);
    close_plan(&fx);
}

static void test_skips_what_the_plan_lacks(void)
{
    const char *dir = tu_tmpdir("report_skips");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 0, 1));
    snprintf(out, sizeof out, "%s/report", dir);
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(!r->ran[PC_REPORT_SITES]);
    TU_ASSERT_CONTAINS(r->skipped[PC_REPORT_SITES], "no 'sites' layer");
    CU_ASSERT(!tu_exists(tu_path(out, "sites.csv")));
    json_object *summary = json_object_from_file(tu_path(out, "summary.json"));
    json_object *t = target(summary, "sites_failing");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(t, "status")), "not_run");
    json_object *sites = json_object_object_get(json_object_object_get(summary, "analyses"), "sites");
    CU_ASSERT(!json_object_get_boolean(json_object_object_get(sites, "ran")));
    json_object_put(summary);
    char *html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "no &#39;sites&#39; layer");
    free(html);
    pc_report_result_destroy(fx.ctx, r);
    close_plan(&fx);
}

static void test_replaces_an_earlier_report_and_nothing_else(void)
{
    const char *dir = tu_tmpdir("report_replace");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 1, 1));
    snprintf(out, sizeof out, "%s/report", dir);
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    o.date = "2025-01-01";
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    pc_report_result_destroy(fx.ctx, r);
    r = NULL;
    /* A second run replaces the first whole: the new date is in the page, nothing is left beside the folder. */
    o.date = "2025-02-02";
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    pc_report_result_destroy(fx.ctx, r);
    r = NULL;
    char *html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "2025-02-02");
    CU_ASSERT_PTR_NULL(strstr(html, "2025-01-01"));
    free(html);
    TU_ASSERT_INT(tu_count_files(dir), 2); /* plan.gpkg and report/ */

    /* A folder with someone's file in it is never replaced. */
    FILE *f = fopen(tu_path(out, "notes.txt"), "w");
    fputs("mine", f);
    fclose(f);
    o.date = "2025-03-03";
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_ERR_IO);
    CU_ASSERT_PTR_NULL(r);
    TU_ASSERT_CONTAINS(pc_ctx_message(fx.ctx), "notes.txt");
    TU_ASSERT_CONTAINS(pc_ctx_message(fx.ctx), "choose a new folder");
    CU_ASSERT(tu_exists(tu_path(out, "notes.txt")));
    html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "2025-02-02");
    free(html);
    TU_ASSERT_INT(tu_count_files(dir), 2);
    close_plan(&fx);
}

static void test_failure_leaves_nothing(void)
{
    const char *dir = tu_tmpdir("report_failure");
    char plan_path[1024], out[1024];
    /* Red lines without 'kind': the site check fails, naming the layer and the field. */
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 1, 0));
    snprintf(out, sizeof out, "%s/a/b/report", dir);
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_ERR_DATA);
    CU_ASSERT_PTR_NULL(r);
    TU_ASSERT_CONTAINS(pc_ctx_message(fx.ctx), "redlines");
    TU_ASSERT_CONTAINS(pc_ctx_message(fx.ctx), "kind");
    CU_ASSERT(!tu_exists(out));
    CU_ASSERT(!tu_exists(tu_path(dir, "a")));
    TU_ASSERT_INT(tu_count_files(dir), 1);
    close_plan(&fx);
}

/* Cancel once the maps are being drawn: the GeoPackage and project are already in the temporary folder. */
static int cancel_at_maps(double fraction, const char *message, void *payload)
{
    (void)fraction;
    int *seen = payload;
    if (strstr(message, "drawing the maps")) {
        (*seen)++;
        return 0;
    }
    return 1;
}

static void test_cancel_midway_leaves_the_earlier_report(void)
{
    const char *dir = tu_tmpdir("report_cancel");
    char plan_path[1024], out[1024];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 1, 1));
    snprintf(out, sizeof out, "%s/fresh/report", dir);
    fixture fx;
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    int seen = 0;
    pc_ctx_set_progress(fx.ctx, cancel_at_maps, &seen);
    pc_report_options o = PC_REPORT_OPTIONS_INIT;
    o.out_dir = out;
    pc_report_result *r = NULL;
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_ERR_CANCELLED);
    TU_ASSERT_INT(seen, 1);
    CU_ASSERT(!tu_exists(tu_path(dir, "fresh")));
    TU_ASSERT_INT(tu_count_files(dir), 1);
    close_plan(&fx);

    /* With an earlier report in place, a cancelled run leaves it as it was. */
    snprintf(out, sizeof out, "%s/report", dir);
    CU_ASSERT_FATAL(open_plan(&fx, plan_path));
    o.out_dir = out;
    o.date = "2025-01-01";
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_OK);
    pc_report_result_destroy(fx.ctx, r);
    r = NULL;
    pc_ctx_set_progress(fx.ctx, cancel_at_maps, &seen);
    o.date = "2025-09-09";
    TU_ASSERT_INT(pc_report_run(fx.ctx, fx.plan, &fx.profile, &o, &r), PC_ERR_CANCELLED);
    char *html = slurp(tu_path(out, "report.html"));
    TU_ASSERT_CONTAINS(html, "2025-01-01");
    free(html);
    TU_ASSERT_INT(tu_count_files(out), 7);
    TU_ASSERT_INT(tu_count_files(dir), 2);
    close_plan(&fx);
}

static void test_cli(void)
{
    const char *dir = tu_tmpdir("report_cli");
    char plan_path[1024], cmd[4096];
    snprintf(plan_path, sizeof plan_path, "%s", make_plan(dir, 1, 1));
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/out", PC_BINARY, plan_path, dir);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "/out/report.html");
    TU_ASSERT_CONTAINS(tu_stdout(), "/out/plancheck.qgs");
    TU_ASSERT_CONTAINS(tu_stdout(), "/out/plancheck.gpkg");
    TU_ASSERT_CONTAINS(tu_stdout(), "sites     ran");
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/out --json", PC_BINARY, plan_path, dir);
    TU_ASSERT_INT(tu_run(cmd), 0);
    json_object *j = json_tokener_parse(tu_stdout());
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(j, "crs")), "EPSG:4548");
    TU_ASSERT_INT(json_object_array_length(json_object_object_get(j, "units")), 2);
    json_object_put(j);
    /* Progress only on a terminal: none here (stderr is a file), some under a pseudo-terminal. */
    CU_ASSERT_PTR_NULL(strstr(tu_stderr(), "report: drawing the maps"));
    if (tu_exists("/usr/bin/script")) {
        snprintf(cmd, sizeof cmd, "/usr/bin/script -qec '%s report %s -o %s/out >/dev/null' /dev/null", PC_BINARY,
                 plan_path, dir);
        TU_ASSERT_INT(tu_run(cmd), 0);
        TU_ASSERT_CONTAINS(tu_stdout(), "report: drawing the maps");
        TU_ASSERT_CONTAINS(tu_stdout(), "100%");
    }
    snprintf(cmd, sizeof cmd, "%s report %s", PC_BINARY, plan_path);
    TU_ASSERT_INT(tu_run(cmd), 2);
    TU_ASSERT_CONTAINS(tu_stderr(), "-o DIR");
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/out --mode walking", PC_BINARY, plan_path, dir);
    TU_ASSERT_INT(tu_run(cmd), 2);
    TU_ASSERT_CONTAINS(tu_stderr(), "network or radius");
    snprintf(cmd, sizeof cmd, "%s report %s -o %s", PC_BINARY, plan_path, plan_path);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "not a folder");
}

int pc_test_register_report(void)
{
    CU_pSuite s = CU_add_suite("report", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "every file written, hand-counted units, styles table", test_everything_written);
    CU_add_test(s, "life circle coverage by radius, counted by hand", test_coverage_by_radius);
    CU_add_test(s, "analyses the plan lacks layers for are skipped", test_skips_what_the_plan_lacks);
    CU_add_test(s, "an earlier report is replaced, someone's folder never", test_replaces_an_earlier_report_and_nothing_else);
    CU_add_test(s, "a failure leaves no folder", test_failure_leaves_nothing);
    CU_add_test(s, "a cancel midway leaves the earlier report", test_cancel_midway_leaves_the_earlier_report);
    CU_add_test(s, "command line", test_cli);
    return 0;
}
