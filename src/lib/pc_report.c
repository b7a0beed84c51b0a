/* pc_report.c: `plancheck report`: every analysis the plan allows, written as a styled GeoPackage, a QGIS
 * project, an HTML page with maps, summary.json and CSV tables, all moved into place at once.
 *
 * The folder is built as DIR/../.NAME.tmp-PID and renamed to DIR at the very end. An earlier report in
 * DIR is first renamed aside (.NAME.old-PID), then removed once the new one is in place; if the second
 * rename fails the earlier report is put back. DIR is only ever replaced when it is empty or holds
 * nothing but the files a report writes, so a wrong -o never deletes someone's work. */
#include "pc_report.h"
#include "pc_geom.h"
#include "pc_html.h"
#include "pc_output.h"
#include "pc_qgs.h"
#include "pc_text.h"
#include "pc_units.h"

#include <gdal.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PC_PATH_MAX 4096
#define MAX_OUT_LAYERS 48

static const char *const analysis_names[PC_REPORT_N_ANALYSES] = {"coverage", "green", "sites"};

const char *pc_report_analysis_name(pc_report_analysis a)
{
    return (unsigned)a < PC_REPORT_N_ANALYSES ? analysis_names[a] : "";
}

/* ---- folders ---------------------------------------------------------------------------------------- */

/* Files a report writes (and that QGIS or SQLite may leave beside them): only these may be replaced. */
static int report_file_name(const char *name)
{
    size_t n = strlen(name);
    if (strncmp(name, "plancheck.", 10) == 0 || strcmp(name, "report.html") == 0 ||
        strcmp(name, "summary.json") == 0)
        return 1;
    return n > 4 && strcmp(name + n - 4, ".csv") == 0;
}

/* PC_OK when DIR is absent, empty, or an earlier report; *exists tells which. */
static pc_status check_target(pc_ctx *ctx, const char *dir, int *exists)
{
    struct stat st;
    *exists = 0;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return PC_OK;
        return pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL, "cannot look at the output folder (%s)",
                        strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL,
                        "exists and is not a folder; give -o a new folder name for the report");
    *exists = 1;
    DIR *d = opendir(dir);
    if (!d)
        return pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL, "cannot read the output folder (%s)",
                        strerror(errno));
    pc_status s = PC_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && !s) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[PC_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
        if (!regular || !report_file_name(e->d_name))
            s = pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL,
                         "the folder holds '%s', which plancheck did not write; plancheck only replaces a folder "
                         "holding an earlier report: choose a new folder for -o, or move that file away",
                         e->d_name);
    }
    closedir(d);
    return s;
}

/* Remove a folder holding only files (our temporary or old report folders). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[PC_PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Folders made for the report, to take back on failure, deepest last. */
typedef struct made_dirs {
    int n;
    char path[16][PC_PATH_MAX];
} made_dirs;

static pc_status make_parents(pc_ctx *ctx, const char *dir, made_dirs *made)
{
    char buf[PC_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return pc_error(ctx, PC_ERR_ARG, dir, NULL, PC_NO_FID, NULL, "the output path is too long");
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        struct stat st;
        if (stat(buf, &st) != 0) {
            if (mkdir(buf, 0777) != 0)
                return pc_error(ctx, PC_ERR_IO, buf, NULL, PC_NO_FID, NULL, "cannot create the folder (%s)",
                                strerror(errno));
            if (made->n < 16)
                snprintf(made->path[made->n++], PC_PATH_MAX, "%s", buf);
        } else if (!S_ISDIR(st.st_mode))
            return pc_error(ctx, PC_ERR_IO, buf, NULL, PC_NO_FID, NULL, "is not a folder; choose another -o");
        *p = '/';
    }
    return PC_OK;
}

static void remove_made(made_dirs *made)
{
    for (int i = made->n - 1; i >= 0; i--)
        rmdir(made->path[i]);
}

/* ---- analyses and units ------------------------------------------------------------------------------ */

static void unit_clear_metrics(pc_report_unit *u)
{
    for (int l = 0; l < PC_N_LEVELS; l++)
        u->cov_pop[l] = NAN;
    u->cov15_builtup = NAN;
    u->park_m2 = NAN;
    u->park_m2_per_person = NAN;
    u->park_service_cov = NAN;
}

static double area_km2(pc_ctx *ctx, const GEOSGeometry *g)
{
    double a = 0;
    if (!g || !GEOSArea_r(pc_ctx_geos(ctx), g, &a))
        return 0;
    return a / 1e6;
}

/* Units from the plan itself: structure (pc_info) and subdistricts, with area and population. */
static pc_status plan_units(pc_ctx *ctx, pc_plan *plan, pc_report_result *r)
{
    pc_status s = PC_OK;
    int *unit_of = NULL;
    const pc_layer *res = NULL;
    if (pc_plan_has(plan, PC_ROLE_RESIDENTS)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP))))
            return s;
        res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
    }
    r->total.name = "Total";
    r->total.name_zh = "合计";
    unit_clear_metrics(&r->total);
    if (pc_plan_has(plan, PC_ROLE_STRUCTURE)) {
        if ((s = pc_info_run(ctx, plan, &r->info)))
            return s;
        const pc_layer *st = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
        r->n_units = r->info->n_units;
        r->units = calloc(r->n_units ? r->n_units : 1, sizeof *r->units);
        if (!r->units)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < r->n_units; i++) {
            pc_report_unit *u = &r->units[i];
            u->name = r->info->units[i].name;
            u->name_zh = r->info->units[i].name_zh;
            u->tier = r->info->units[i].tier;
            u->geom = st->geoms[i];
            u->area_km2 = r->info->units[i].area_km2;
            u->pop = r->info->has_residents ? r->info->units[i].pop : NAN;
            unit_clear_metrics(u);
        }
        r->total.area_km2 = r->info->total_area_km2;
    }
    if (pc_plan_has(plan, PC_ROLE_SUBDISTRICTS)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_SUBDISTRICTS, PC_FIELD_BIT(PC_FIELD_NAME))))
            return s;
        const pc_layer *sd = pc_plan_layer(plan, PC_ROLE_SUBDISTRICTS);
        r->n_subdistricts = sd->n;
        r->subdistricts = calloc(sd->n ? sd->n : 1, sizeof *r->subdistricts);
        if (!r->subdistricts)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < sd->n; i++) {
            pc_report_unit *u = &r->subdistricts[i];
            u->name = pc_layer_value(sd, PC_FIELD_NAME, i);
            u->name_zh = pc_layer_value(sd, PC_FIELD_NAME_ZH, i);
            u->geom = sd->geoms[i];
            u->area_km2 = area_km2(ctx, sd->geoms[i]);
            u->pop = res ? 0 : NAN;
            unit_clear_metrics(u);
        }
        if (res) {
            unit_of = malloc((res->n ? res->n : 1) * sizeof *unit_of);
            if (!unit_of)
                return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            if ((s = pc_units_locate_points(ctx, sd, res->n, res->x, res->y, unit_of)))
                goto done;
            for (size_t i = 0; i < res->n; i++)
                if (unit_of[i] >= 0)
                    r->subdistricts[unit_of[i]].pop += res->pop[i];
        }
    }
    if (pc_plan_has(plan, PC_ROLE_BOUNDARY)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_BOUNDARY, 0)))
            goto done;
        const pc_layer *b = pc_plan_layer(plan, PC_ROLE_BOUNDARY);
        double a = 0;
        for (size_t i = 0; i < b->n; i++)
            a += area_km2(ctx, b->geoms[i]);
        r->total.area_km2 = a;
    }
    r->total.pop = NAN;
    if (res) {
        double pop = 0, max_pop = 0;
        for (size_t i = 0; i < res->n; i++) {
            pop += res->pop[i];
            max_pop = fmax(max_pop, res->pop[i]);
        }
        r->total.pop = pop;
        r->style_context.max_pop = max_pop;
    }
done:
    free(unit_of);
    return s;
}

static void copy_coverage_row(pc_report_unit *u, const pc_coverage_row *row)
{
    for (int l = 0; l < PC_N_LEVELS; l++)
        u->cov_pop[l] = row->cov_level[l];
    u->cov15_builtup = row->cov15_builtup;
}

static pc_status run_coverage(pc_ctx *ctx, pc_plan *plan, const pc_report_options *opts, pc_report_result *r)
{
    if (!pc_plan_has(plan, PC_ROLE_RESIDENTS) || !pc_plan_has(plan, PC_ROLE_FACILITIES)) {
        snprintf(r->skipped[PC_REPORT_COVERAGE], sizeof r->skipped[0], "the plan has no '%s' layer",
                 pc_plan_has(plan, PC_ROLE_RESIDENTS) ? "facilities" : "residents");
        return PC_OK;
    }
    pc_coverage_options co = PC_COVERAGE_OPTIONS_INIT;
    co.mode = PC_COVERAGE_NETWORK;
    if (opts->coverage_mode && strcmp(opts->coverage_mode, "radius") == 0)
        co.mode = PC_COVERAGE_RADIUS;
    if (co.mode == PC_COVERAGE_NETWORK && !pc_plan_has(plan, PC_ROLE_STREETS)) {
        /* Without streets the walking distance cannot be measured: the straight-line radius is the fallback. */
        if (opts->coverage_mode)
            pc_ctx_warn(ctx, "coverage: the plan has no 'streets' layer: measured by straight-line radius instead");
        co.mode = PC_COVERAGE_RADIUS;
    }
    co.service_areas = 1;
    pc_status s = pc_coverage_run(ctx, plan, &r->profile, &co, &r->coverage);
    if (s)
        return s;
    r->ran[PC_REPORT_COVERAGE] = 1;
    r->coverage_mode = pc_coverage_mode_name(r->coverage->mode);
    for (size_t i = 0; i < r->n_units && i < r->coverage->n_units; i++)
        copy_coverage_row(&r->units[i], &r->coverage->units[i]);
    for (size_t i = 0; i < r->n_subdistricts && i < r->coverage->n_subdistricts; i++)
        copy_coverage_row(&r->subdistricts[i], &r->coverage->subdistricts[i]);
    copy_coverage_row(&r->total, &r->coverage->total);
    return PC_OK;
}

static void copy_green_row(pc_report_unit *u, const pc_green_row *row)
{
    u->park_m2 = row->park_m2;
    u->park_m2_per_person = row->park_m2_per_person;
    u->park_service_cov = row->park_service_cov;
}

static pc_status run_green(pc_ctx *ctx, pc_plan *plan, pc_report_result *r)
{
    const pc_role needed[] = {PC_ROLE_PARKS, PC_ROLE_RESIDENTS, PC_ROLE_STRUCTURE};
    for (size_t i = 0; i < sizeof needed / sizeof *needed; i++)
        if (!pc_plan_has(plan, needed[i])) {
            snprintf(r->skipped[PC_REPORT_GREEN], sizeof r->skipped[0], "the plan has no '%s' layer",
                     pc_role_name(needed[i]));
            return PC_OK;
        }
    pc_green_options go = PC_GREEN_OPTIONS_INIT;
    pc_status s = pc_green_run(ctx, plan, &r->profile, &go, &r->green);
    if (s)
        return s;
    r->ran[PC_REPORT_GREEN] = 1;
    for (size_t i = 0; i < r->n_units && i < r->green->n_units; i++)
        copy_green_row(&r->units[i], &r->green->units[i]);
    for (size_t i = 0; i < r->n_subdistricts && i < r->green->n_subdistricts; i++)
        copy_green_row(&r->subdistricts[i], &r->green->subdistricts[i]);
    copy_green_row(&r->total, &r->green->total);
    return PC_OK;
}

static pc_status run_sites(pc_ctx *ctx, pc_plan *plan, const pc_report_options *opts, pc_report_result *r)
{
    if (!opts->sites && !pc_plan_has(plan, PC_ROLE_SITES)) {
        snprintf(r->skipped[PC_REPORT_SITES], sizeof r->skipped[0], "the plan has no 'sites' layer");
        return PC_OK;
    }
    if (!pc_plan_has(plan, PC_ROLE_REDLINES) && !pc_plan_has(plan, PC_ROLE_COASTLINE)) {
        snprintf(r->skipped[PC_REPORT_SITES], sizeof r->skipped[0],
                 "the plan has neither a 'redlines' nor a 'coastline' layer to check the sites against");
        return PC_OK;
    }
    pc_sites_options so = PC_SITES_OPTIONS_INIT;
    so.sites = opts->sites;
    so.point_radius_m = opts->point_radius_m;
    pc_status s = pc_sites_run(ctx, plan, &r->profile, &so, &r->sites);
    if (!s)
        r->ran[PC_REPORT_SITES] = 1;
    return s;
}

static void add_target(pc_report_result *r, const char *key, const char *label, const char *label_zh,
                       const char *standard, double value, double target, const char *unit, const char *op)
{
    if (r->n_targets >= PC_REPORT_MAX_TARGETS)
        return;
    pc_report_target *t = &r->targets[r->n_targets++];
    snprintf(t->key, sizeof t->key, "%s", key);
    snprintf(t->label, sizeof t->label, "%s", label);
    snprintf(t->label_zh, sizeof t->label_zh, "%s", label_zh);
    snprintf(t->standard, sizeof t->standard, "%s", standard);
    snprintf(t->unit, sizeof t->unit, "%s", unit);
    snprintf(t->op, sizeof t->op, "%s", op);
    t->value = value;
    t->target = target;
    if (isnan(value))
        t->check = PC_CHECK_NA;
    else if (strcmp(op, ">") == 0)
        t->check = value > target ? PC_CHECK_PASS : PC_CHECK_FAIL;
    else if (strcmp(op, "<=") == 0)
        t->check = value <= target ? PC_CHECK_PASS : PC_CHECK_FAIL;
    else /* ">=": shares are compared to 1e-9, so a rounded 100% target is met by 100% */
        t->check = value >= target - 1e-9 ? PC_CHECK_PASS : PC_CHECK_FAIL;
}

static void build_targets(pc_report_result *r)
{
    const pc_profile *p = &r->profile;
    add_target(r, "life_circle_15min_builtup", "15-minute life circle coverage of the built-up area",
               "十五分钟生活圈覆盖率 (建成区面积)", "Binhai 14th Five-Year Plan: 100% by 2025; GB 50180-2018",
               r->total.cov15_builtup, p->target_coverage, "%", ">=");
    add_target(r, "life_circle_15min_pop", "15-minute life circle coverage of residents",
               "十五分钟生活圈覆盖率 (人口)", "Binhai 14th Five-Year Plan: 100% by 2025; GB 50180-2018",
               r->total.cov_pop[0], p->target_coverage, "%", ">=");
    add_target(r, "park_m2_per_person", "Park green space per person", "人均公园绿地面积",
               "Binhai 14th Five-Year Plan: 13 m2 by 2025", r->total.park_m2_per_person,
               p->target_park_m2_per_person, "m2", ">=");
    add_target(r, "gb_park_m2_per_person", "Park green space per person, national minimum",
               "人均公园绿地面积 (国标底线)", "GB 55014-2021: more than 8.0 m2 per person", r->total.park_m2_per_person,
               p->gb_park_m2_per_person, "m2", ">");
    add_target(r, "gb_park_service_cov", "Park service-radius coverage of residents", "公园绿地服务半径覆盖率",
               "GB 55014-2021: more than 80%", r->total.park_service_cov, p->gb_park_service_coverage, "%", ">");
    add_target(r, "sites_failing", "Proposed sites failing red-line or coast rules", "选址不通过红线或岸线核查",
               "Ecological protection red line rules (2022); coastal setback", 
               r->sites ? (double)r->sites->n_fail : NAN, 0, "sites", "<=");
}

/* ---- provenance -------------------------------------------------------------------------------------- */

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static void note_source(pc_report_result *r, const char *role, const char *layer, const char *description)
{
    pc_report_source *grown = realloc(r->sources, (r->n_sources + 1) * sizeof *grown);
    if (!grown)
        return;
    r->sources = grown;
    pc_report_source *src = &r->sources[r->n_sources++];
    snprintf(src->role, sizeof src->role, "%s", role);
    snprintf(src->layer, sizeof src->layer, "%s", layer ? layer : role);
    snprintf(src->description, sizeof src->description, "%s", description ? description : "");
    if (description && contains_ci(description, "synthetic"))
        r->synthetic = 1;
    if (description && contains_ci(description, "openstreetmap"))
        r->osm = 1;
}

/* Layer descriptions from the plan's sources (GeoPackage DESCRIPTION), an import-osm run's attribution, and
 * the optional 'sea' layer beside the boundary. Databases are not reopened (their passwords are gone). */
static pc_status read_provenance(pc_ctx *ctx, pc_plan *plan, pc_report_result *r)
{
    char sea_source[PC_PATH_MAX] = "";
    for (int role = 0; role < PC_ROLE_COUNT; role++) {
        pc_layer_info info = pc_plan_info(plan, (pc_role)role);
        if (!info.present)
            continue;
        const char *description = NULL;
        GDALDatasetH ds = NULL;
        if (info.source && strncmp(info.source, "PG:", 3) != 0) {
            CPLPushErrorHandler(CPLQuietErrorHandler);
            ds = GDALOpenEx(info.source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
            CPLPopErrorHandler();
        }
        if (ds) {
            OGRLayerH l = GDALDatasetGetLayerByName(ds, info.layer_name);
            if (l)
                description = GDALGetMetadataItem(l, "DESCRIPTION", NULL);
            note_source(r, pc_role_name((pc_role)role), info.layer_name, description);
            OGRLayerH run = GDALDatasetGetLayerByName(ds, "plancheck_run");
            if (run) {
                OGR_L_ResetReading(run);
                OGRFeatureH f;
                while ((f = OGR_L_GetNextFeature(run)) != NULL) {
                    if (strcmp(OGR_F_GetFieldAsString(f, 0), "osm_attribution") == 0)
                        r->osm = 1;
                    OGR_F_Destroy(f);
                }
            }
            if (!sea_source[0] && GDALDatasetGetLayerByName(ds, "sea"))
                snprintf(sea_source, sizeof sea_source, "%s", info.source);
            GDALClose(ds);
        } else
            note_source(r, pc_role_name((pc_role)role), info.layer_name, NULL);
    }
    if (sea_source[0]) {
        char path[PC_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s|layername=sea", sea_source);
        /* A sea that cannot be read only loses the map background: say so, and go on. */
        if (pc_plan_read_extra(ctx, plan, PC_ROLE_BOUNDARY, path, 0, &r->sea)) {
            pc_ctx_warn(ctx, "%s: layer 'sea' not drawn: %s", sea_source, pc_ctx_message(ctx));
            pc_ctx_clear_error(ctx);
            r->sea = NULL;
        } else {
            CPLPushErrorHandler(CPLQuietErrorHandler);
            GDALDatasetH ds = GDALOpenEx(sea_source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
            CPLPopErrorHandler();
            OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "sea") : NULL;
            note_source(r, "sea", "sea", l ? GDALGetMetadataItem(l, "DESCRIPTION", NULL) : NULL);
            if (ds)
                GDALClose(ds);
        }
    }
    return PC_OK;
}

/* Extent of the plan: the boundary's, else every loaded layer's. */
static void plan_extent(pc_ctx *ctx, pc_plan *plan, pc_report_result *r)
{
    double env[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    const pc_layer *b = pc_plan_layer(plan, PC_ROLE_BOUNDARY);
    if (b && b->n)
        pc_geom_envelope_expand(env, b->extent);
    else
        for (int role = 0; role < PC_ROLE_COUNT; role++) {
            const pc_layer *l = pc_plan_layer(plan, (pc_role)role);
            if (l && l->n)
                pc_geom_envelope_expand(env, l->extent);
            else {
                double e[4];
                if (pc_plan_extent(plan, (pc_role)role, e))
                    pc_geom_envelope_expand(env, e);
            }
        }
    if (!isfinite(env[0]))
        env[0] = env[1] = 0, env[2] = env[3] = 1;
    memcpy(r->extent, env, sizeof env);
    (void)ctx;
}

/* True north at the plan's centre, in degrees clockwise from grid north (meridian convergence). */
static double north_angle(const pc_plan *plan, const double env[4])
{
    OGRSpatialReferenceH srs = (OGRSpatialReferenceH)pc_plan_srs(plan);
    if (!srs || !OSRIsProjected(srs))
        return 0;
    OGRSpatialReferenceH geo = OSRCloneGeogCS(srs);
    if (!geo)
        return 0;
    OSRSetAxisMappingStrategy(geo, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH proj = OSRClone(srs);
    OSRSetAxisMappingStrategy(proj, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH to_geo = OCTNewCoordinateTransformation(proj, geo);
    OGRCoordinateTransformationH to_proj = OCTNewCoordinateTransformation(geo, proj);
    double angle = 0;
    if (to_geo && to_proj) {
        double x = (env[0] + env[2]) / 2, y = (env[1] + env[3]) / 2, z = 0;
        double x0 = x, y0 = y;
        if (OCTTransform(to_geo, 1, &x, &y, &z)) {
            y += 0.01; /* a little north along the meridian */
            if (OCTTransform(to_proj, 1, &x, &y, &z))
                angle = atan2(x - x0, y - y0) * 180 / M_PI;
        }
    }
    if (to_geo)
        OCTDestroyCoordinateTransformation(to_geo);
    if (to_proj)
        OCTDestroyCoordinateTransformation(to_proj);
    OSRDestroySpatialReference(proj);
    OSRDestroySpatialReference(geo);
    return isfinite(angle) ? angle : 0;
}

/* ---- the GeoPackage ---------------------------------------------------------------------------------- */

typedef struct out_layer {
    char name[64];
    char title[160];
    const char *group;
    pc_symbol_type geometry;
    int multi;
    double extent[4];
    pc_style style;
} out_layer;

typedef struct out_layers {
    size_t n;
    out_layer layers[MAX_OUT_LAYERS];
} out_layers;

static const char *const GROUP_PLAN = "Plan 规划";
static const char *const GROUP_COVERAGE = "Coverage 生活圈覆盖";
static const char *const GROUP_GREEN = "Green space 公园绿地";
static const char *const GROUP_SITES = "Sites 选址";

static out_layer *register_layer(out_layers *ol, const char *name, const char *group, pc_symbol_type geometry,
                                 int multi, const double extent[4], const pc_style_context *sc)
{
    if (ol->n >= MAX_OUT_LAYERS)
        return NULL;
    out_layer *l = &ol->layers[ol->n++];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    l->group = group;
    l->geometry = geometry;
    l->multi = multi;
    memcpy(l->extent, extent, sizeof l->extent);
    pc_style_for_layer(&l->style, name, geometry, sc);
    snprintf(l->title, sizeof l->title, "%s", l->style.title[0] ? l->style.title : name);
    return l;
}

/* The geometry family of a layer: 2 polygons, 1 lines, 0 points, -1 mixed; *multi when any is multi-part. */
static int layer_family(pc_ctx *ctx, const pc_layer *l, int *multi)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    int family = -2;
    *multi = 0;
    for (size_t i = 0; i < l->n; i++) {
        int dim = GEOSGeom_getDimensions_r(geos, l->geoms[i]);
        int type = GEOSGeomTypeId_r(geos, l->geoms[i]);
        if (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION)
            *multi = 1;
        if (family == -2)
            family = dim;
        else if (family != dim)
            family = -1;
    }
    return family == -2 ? 2 : family;
}

static pc_symbol_type symbol_of_family(int family)
{
    return family == 0 ? PC_SYMBOL_MARKER : family == 1 ? PC_SYMBOL_LINE : PC_SYMBOL_FILL;
}

/* The geometry as the layer's multi type wants it (caller owns *tmp when set). */
static const GEOSGeometry *as_multi(pc_ctx *ctx, const GEOSGeometry *g, int want_multi, GEOSGeometry **tmp)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *tmp = NULL;
    int type = GEOSGeomTypeId_r(geos, g);
    int multi_type = type == GEOS_POLYGON ? GEOS_MULTIPOLYGON : type == GEOS_LINESTRING ? GEOS_MULTILINESTRING
                     : type == GEOS_POINT ? GEOS_MULTIPOINT : -1;
    if (!want_multi || multi_type < 0)
        return g;
    GEOSGeometry *clone = GEOSGeom_clone_r(geos, g);
    if (!clone)
        return NULL;
    *tmp = GEOSGeom_createCollection_r(geos, multi_type, &clone, 1);
    if (!*tmp)
        GEOSGeom_destroy_r(geos, clone);
    return *tmp;
}

static pc_status write_plan_layer(pc_ctx *ctx, pc_writer *w, out_layers *ol, const char *name, const pc_layer *l,
                                  const pc_style_context *sc)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    int multi = 0;
    int family = layer_family(ctx, l, &multi);
    OGRwkbGeometryType gtype = family == 2 ? wkbMultiPolygon : family == 1 ? wkbMultiLineString
                               : family == 0 ? (multi ? wkbMultiPoint : wkbPoint) : wkbUnknown;
    int want_multi = family == 2 || family == 1 || (family == 0 && multi);
    pc_field_def fields[PC_FIELD_COUNT + 1];
    int field_of[PC_FIELD_COUNT];
    int n_fields = 0;
    fields[n_fields++] = (pc_field_def){"source_fid", OFTInteger64};
    for (int k = 0; k < PC_FIELD_COUNT; k++) {
        field_of[k] = -1;
        if (!l->fields[k] && !(k == PC_FIELD_POP && l->pop))
            continue;
        field_of[k] = n_fields;
        fields[n_fields++] = (pc_field_def){pc_field_name((pc_field)k), k == PC_FIELD_POP ? OFTReal : OFTString};
    }
    OGRLayerH layer;
    pc_status s = pc_writer_layer(w, &layer, name, gtype, fields, n_fields);
    for (size_t i = 0; i < l->n && !s; i++) {
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)l->fids[i]);
        for (int k = 0; k < PC_FIELD_COUNT; k++) {
            if (field_of[k] < 0)
                continue;
            if (k == PC_FIELD_POP && l->pop)
                OGR_F_SetFieldDouble(f, field_of[k], l->pop[i]);
            else if (l->fields[k][i])
                OGR_F_SetFieldString(f, field_of[k], l->fields[k][i]);
        }
        GEOSGeometry *tmp = NULL;
        const GEOSGeometry *g = as_multi(ctx, l->geoms[i], want_multi, &tmp);
        if (!g) {
            OGR_F_Destroy(f);
            return pc_error(ctx, PC_ERR_GEOM, NULL, name, l->fids[i], NULL, "cannot copy the geometry (%s)",
                            pc_ctx_geos_message(ctx));
        }
        s = pc_writer_put(w, layer, f, g);
        if (tmp)
            GEOSGeom_destroy_r(geos, tmp);
    }
    out_layer *reg = NULL;
    if (!s && !(reg = register_layer(ol, name, GROUP_PLAN, symbol_of_family(family < 0 ? 2 : family), want_multi,
                                     l->extent, sc)))
        s = pc_error_plain(ctx, PC_ERR_ARG, "too many layers for one report");
    /* Labels name only fields the layer has (QGIS shows no label when the expression names a missing one). */
    if (reg && reg->style.label_expression[0] && !l->fields[PC_FIELD_NAME_ZH])
        snprintf(reg->style.label_expression, sizeof reg->style.label_expression, "%s",
                 l->fields[PC_FIELD_NAME] ? "\"name\"" : "");
    return s;
}

/* Register the layers an analysis' writer added (everything in the dataset not registered yet). */
static pc_status register_new_layers(pc_ctx *ctx, pc_writer *w, out_layers *ol, const char *group,
                                     const pc_style_context *sc)
{
    GDALDatasetH ds = pc_writer_dataset(w);
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, i);
        const char *name = OGR_L_GetName(layer);
        OGRwkbGeometryType gt = wkbFlatten(OGR_L_GetGeomType(layer));
        if (gt == wkbNone || strcmp(name, "plancheck_run") == 0 || strcmp(name, "layer_styles") == 0)
            continue;
        int known = 0;
        for (size_t k = 0; k < ol->n && !known; k++)
            known = strcmp(ol->layers[k].name, name) == 0;
        if (known)
            continue;
        OGREnvelope env;
        double extent[4] = {0, 0, 0, 0};
        if (OGR_L_GetExtent(layer, &env, 1) == OGRERR_NONE) {
            extent[0] = env.MinX, extent[1] = env.MinY, extent[2] = env.MaxX, extent[3] = env.MaxY;
        }
        pc_symbol_type sym = (gt == wkbPoint || gt == wkbMultiPoint) ? PC_SYMBOL_MARKER
                             : (gt == wkbLineString || gt == wkbMultiLineString) ? PC_SYMBOL_LINE : PC_SYMBOL_FILL;
        int multi = gt == wkbMultiPoint || gt == wkbMultiLineString || gt == wkbMultiPolygon;
        if (!register_layer(ol, name, group, sym, multi, extent, sc))
            return pc_error_plain(ctx, PC_ERR_ARG, "too many layers for one report");
    }
    return PC_OK;
}

/* Plan layers in drawing order, top first. */
static const pc_role plan_order[] = {PC_ROLE_BOUNDARY, PC_ROLE_SUBDISTRICTS, PC_ROLE_SITES,    PC_ROLE_FACILITIES,
                                     PC_ROLE_RESIDENTS, PC_ROLE_COASTLINE,   PC_ROLE_REDLINES, PC_ROLE_PARKS,
                                     PC_ROLE_STREETS,  PC_ROLE_STRUCTURE,    PC_ROLE_BUILTUP};

static pc_status write_gpkg(pc_ctx *ctx, pc_plan *plan, pc_report_result *r, const char *path, out_layers *ol)
{
    pc_writer *w = NULL;
    pc_status s = pc_writer_open(ctx, &w, path, pc_plan_srs(plan), pc_plan_crs(plan));
    if (s)
        return s;
    if ((s = pc_writer_meta(w, "command", "report")) || (s = pc_writer_meta(w, "plan", pc_plan_path(plan))))
        goto done;
    for (int a = 0; a < PC_REPORT_N_ANALYSES && !s; a++) {
        char key[64];
        snprintf(key, sizeof key, "%s", analysis_names[a]);
        s = pc_writer_meta(w, key, r->ran[a] ? "ran" : r->skipped[a]);
    }
    /* Results first (their groups sit above the plan in QGIS), in the order of the project's groups. */
    if (!s && r->sites && !(s = pc_sites_write(ctx, w, r->sites)))
        s = register_new_layers(ctx, w, ol, GROUP_SITES, &r->style_context);
    if (!s && r->coverage && !(s = pc_ctx_progress(ctx, 0.1, "report: writing the coverage layers")) &&
        !(s = pc_coverage_write(ctx, w, r->coverage)))
        s = register_new_layers(ctx, w, ol, GROUP_COVERAGE, &r->style_context);
    if (!s && r->green && !(s = pc_green_write(ctx, w, r->green)))
        s = register_new_layers(ctx, w, ol, GROUP_GREEN, &r->style_context);
    if (s)
        goto done;
    if ((s = pc_ctx_progress(ctx, 0.3, "report: writing the plan layers")))
        goto done;
    for (size_t i = 0; i < sizeof plan_order / sizeof *plan_order && !s; i++) {
        pc_role role = plan_order[i];
        if (!pc_plan_has(plan, role))
            continue;
        if ((s = pc_plan_load(ctx, plan, role, 0)))
            break;
        s = write_plan_layer(ctx, w, ol, pc_role_name(role), pc_plan_layer(plan, role), &r->style_context);
    }
    if (!s && r->sea)
        s = write_plan_layer(ctx, w, ol, "sea", r->sea, &r->style_context);
    for (size_t i = 0; i < ol->n && !s; i++) {
        /* An analysis may have stored its own style: keep it as an alternative, make the report's the default
         * (as QGIS does when a new default style is saved), so the GeoPackage and the project agree. */
        GDALDatasetH ds = pc_writer_dataset(w);
        if (GDALDatasetGetLayerByName(ds, "layer_styles")) {
            char sql[256];
            snprintf(sql, sizeof sql, "UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = '%s'",
                     ol->layers[i].name);
            CPLErrorReset();
            OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
            if (res)
                GDALDatasetReleaseResultSet(ds, res);
            if (CPLGetLastErrorType() >= CE_Failure) {
                s = pc_error(ctx, PC_ERR_IO, path, "layer_styles", PC_NO_FID, NULL, "cannot update the styles (%s)",
                             CPLGetLastErrorMsg());
                break;
            }
        }
        char *qml = pc_style_qml(&ol->layers[i].style);
        if (!qml) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            break;
        }
        s = pc_writer_style(w, ol->layers[i].name, ol->layers[i].name, qml);
        free(qml);
    }
    if (!s)
        s = pc_writer_commit(w);
done:
    pc_writer_destroy(w);
    return s;
}

/* Sites group first, then green space, coverage, and the plan at the bottom. */
static int group_rank(const char *group)
{
    return group == GROUP_SITES ? 0 : group == GROUP_GREEN ? 1 : group == GROUP_COVERAGE ? 2 : 3;
}

static pc_status write_qgs(pc_ctx *ctx, const pc_plan *plan, const pc_report_result *r, const out_layers *ol,
                           const char *path)
{
    pc_qgs_layer layers[MAX_OUT_LAYERS];
    size_t n = 0;
    for (int rank = 0; rank < 4; rank++)
        for (size_t i = 0; i < ol->n; i++) {
            const out_layer *l = &ol->layers[i];
            if (group_rank(l->group) != rank)
                continue;
            pc_qgs_layer *q = &layers[n++];
            q->name = l->name;
            q->title = l->title;
            q->group = l->group;
            q->geometry = l->geometry;
            q->multi = l->multi;
            q->style = &l->style;
            memcpy(q->extent, l->extent, sizeof q->extent);
        }
    char title[256];
    snprintf(title, sizeof title, "plancheck report: %s", pc_plan_path(plan));
    pc_qgs_project p = {title, "plancheck.gpkg", pc_plan_srs(plan), pc_plan_crs(plan), {0, 0, 0, 0}, n, layers};
    /* Zoomed to the plan with a small margin. */
    double mx = (r->extent[2] - r->extent[0]) * 0.03, my = (r->extent[3] - r->extent[1]) * 0.03;
    p.extent[0] = r->extent[0] - mx, p.extent[1] = r->extent[1] - my;
    p.extent[2] = r->extent[2] + mx, p.extent[3] = r->extent[3] + my;
    return pc_qgs_write(ctx, &p, path);
}

/* ---- CSV and JSON ------------------------------------------------------------------------------------ */

static void csv_number(pc_text *t, double v, int decimals)
{
    pc_text_add(t, ",");
    pc_text_number(t, v, decimals);
}

static void unit_csv_header(pc_text *t, const pc_report_result *r, int with_tier)
{
    pc_text_add(t, with_tier ? "name,name_zh,tier,area_km2,pop" : "name,name_zh,area_km2,pop");
    if (r->ran[PC_REPORT_COVERAGE])
        pc_text_add(t, ",cov15_pop,cov10_pop,cov5_pop,cov15_builtup");
    if (r->ran[PC_REPORT_GREEN])
        pc_text_add(t, ",park_m2,park_m2_per_person,park_service_cov");
    pc_text_add(t, "\r\n");
}

static void unit_csv_row(pc_text *t, const pc_report_result *r, const pc_report_unit *u, int with_tier)
{
    pc_text_csv(t, u->name);
    pc_text_add(t, ",");
    pc_text_csv(t, u->name_zh);
    if (with_tier) {
        pc_text_add(t, ",");
        pc_text_csv(t, u->tier);
    }
    csv_number(t, u->area_km2, 3);
    csv_number(t, u->pop, 1);
    if (r->ran[PC_REPORT_COVERAGE]) {
        for (int l = 0; l < PC_N_LEVELS; l++)
            csv_number(t, u->cov_pop[l], 4);
        csv_number(t, u->cov15_builtup, 4);
    }
    if (r->ran[PC_REPORT_GREEN]) {
        csv_number(t, u->park_m2, 1);
        csv_number(t, u->park_m2_per_person, 2);
        csv_number(t, u->park_service_cov, 4);
    }
    pc_text_add(t, "\r\n");
}

static pc_status write_csv(pc_ctx *ctx, pc_report_result *r, const char *dir, const char *name, pc_text *t)
{
    char path[PC_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pc_status s = pc_text_write_file(ctx, t, path);
    pc_text_free(t);
    if (s)
        return s;
    if (r->n_csv >= sizeof r->csv / sizeof *r->csv)
        return PC_OK;
    if (!(r->csv[r->n_csv] = strdup(name)))
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    r->n_csv++;
    return PC_OK;
}

/* UTF-8 with a byte-order mark: spreadsheet programs then show the Chinese names as Chinese. */
#define CSV_BOM "\xEF\xBB\xBF"

static pc_status write_csvs(pc_ctx *ctx, pc_report_result *r, const char *dir)
{
    pc_status s = PC_OK;
    pc_text t = PC_TEXT_INIT;
    if (r->n_units) {
        pc_text_add(&t, CSV_BOM);
        unit_csv_header(&t, r, 1);
        for (size_t i = 0; i < r->n_units; i++)
            unit_csv_row(&t, r, &r->units[i], 1);
        unit_csv_row(&t, r, &r->total, 1);
        if ((s = write_csv(ctx, r, dir, "units.csv", &t)))
            return s;
    }
    if (r->n_subdistricts) {
        pc_text_add(&t, CSV_BOM);
        unit_csv_header(&t, r, 0);
        for (size_t i = 0; i < r->n_subdistricts; i++)
            unit_csv_row(&t, r, &r->subdistricts[i], 0);
        if ((s = write_csv(ctx, r, dir, "subdistricts.csv", &t)))
            return s;
    }
    if (r->coverage) {
        const pc_coverage_result *c = r->coverage;
        pc_text_add(&t, CSV_BOM "category,name_zh,level_min,distance_m,facilities,cov_pop\r\n");
        for (int k = 0; k < c->profile.n_categories; k++) {
            const pc_category *cat = &c->profile.categories[k];
            pc_text_csv(&t, cat->code);
            pc_text_add(&t, ",");
            pc_text_csv(&t, cat->name_zh);
            pc_text_printf(&t, ",%d", cat->level_min);
            csv_number(&t, cat->distance_m, 1);
            pc_text_printf(&t, ",%zu", c->n_facilities[k]);
            csv_number(&t, c->total.cov_category[k], 4);
            pc_text_add(&t, "\r\n");
        }
        if ((s = write_csv(ctx, r, dir, "categories.csv", &t)))
            return s;
    }
    if (r->sites) {
        pc_text_add(&t, CSV_BOM "fid,name,name_zh,use,verdict,hectares,coast_distance_m,reasons,reasons_zh\r\n");
        for (size_t i = 0; i < r->sites->n_sites; i++) {
            const pc_site_check *sc = &r->sites->sites[i];
            pc_text_printf(&t, "%lld,", (long long)sc->fid);
            pc_text_csv(&t, sc->name);
            pc_text_add(&t, ",");
            pc_text_csv(&t, sc->name_zh);
            pc_text_add(&t, ",");
            pc_text_csv(&t, sc->use);
            pc_text_printf(&t, ",%s", pc_verdict_name(sc->verdict));
            csv_number(&t, sc->area_m2 / 10000.0, 4);
            csv_number(&t, sc->coast_distance_m, 1);
            pc_text reasons = PC_TEXT_INIT, reasons_zh = PC_TEXT_INIT;
            for (size_t k = 0; k < sc->n_reasons; k++) {
                pc_text_printf(&reasons, "%s%s", k ? "; " : "", sc->reasons[k].text ? sc->reasons[k].text : "");
                pc_text_printf(&reasons_zh, "%s%s", k ? "；" : "", sc->reasons[k].text_zh ? sc->reasons[k].text_zh : "");
            }
            pc_text_add(&t, ",");
            pc_text_csv(&t, pc_text_str(&reasons));
            pc_text_add(&t, ",");
            pc_text_csv(&t, pc_text_str(&reasons_zh));
            pc_text_add(&t, "\r\n");
            pc_text_free(&reasons);
            pc_text_free(&reasons_zh);
        }
        if ((s = write_csv(ctx, r, dir, "sites.csv", &t)))
            return s;
    }
    return s;
}

static json_object *json_num(double v, double quantum)
{
    if (!isfinite(v))
        return NULL;
    return json_object_new_double(round(v / quantum) * quantum);
}

static json_object *json_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *unit_json(const pc_report_result *r, const pc_report_unit *u)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_str(u->name));
    json_object_object_add(o, "name_zh", json_str(u->name_zh));
    json_object_object_add(o, "tier", json_str(u->tier));
    json_object_object_add(o, "area_km2", json_num(u->area_km2, 1e-3));
    json_object_object_add(o, "pop", json_num(u->pop, 1e-3));
    if (r->ran[PC_REPORT_COVERAGE]) {
        for (int l = 0; l < PC_N_LEVELS; l++) {
            char key[32];
            snprintf(key, sizeof key, "cov%d_pop", pc_levels_min[l]);
            json_object_object_add(o, key, json_num(u->cov_pop[l], 1e-6));
        }
        json_object_object_add(o, "cov15_builtup", json_num(u->cov15_builtup, 1e-6));
    }
    if (r->ran[PC_REPORT_GREEN]) {
        json_object_object_add(o, "park_m2", json_num(u->park_m2, 0.01));
        json_object_object_add(o, "park_m2_per_person", json_num(u->park_m2_per_person, 1e-4));
        json_object_object_add(o, "park_service_cov", json_num(u->park_service_cov, 1e-6));
    }
    return o;
}

static const char *check_name(pc_report_check c)
{
    return c == PC_CHECK_PASS ? "pass" : c == PC_CHECK_FAIL ? "fail" : "not_run";
}

json_object *pc_report_to_json(const pc_plan *plan, const pc_report_result *r)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "crs_name", json_object_new_string(r->crs_name));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object_object_add(root, "plancheck_version", json_object_new_string(PC_VERSION));
    json_object_object_add(root, "date", json_object_new_string(r->date));
    json_object_object_add(root, "dir", json_str(r->dir));
    json_object *files = json_object_new_object();
    json_object_object_add(files, "gpkg", json_str(r->gpkg_path));
    json_object_object_add(files, "qgs", json_str(r->qgs_path));
    json_object_object_add(files, "html", json_str(r->html_path));
    json_object_object_add(files, "summary", json_str(r->json_path));
    json_object *csv = json_object_new_array();
    for (size_t i = 0; i < r->n_csv; i++)
        json_object_array_add(csv, json_object_new_string(r->csv[i]));
    json_object_object_add(files, "csv", csv);
    json_object_object_add(root, "files", files);

    json_object *analyses = json_object_new_object();
    for (int a = 0; a < PC_REPORT_N_ANALYSES; a++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "ran", json_object_new_boolean(r->ran[a]));
        if (!r->ran[a])
            json_object_object_add(o, "skipped", json_object_new_string(r->skipped[a]));
        if (a == PC_REPORT_SITES && r->sites)
            json_object_object_add(o, "result", pc_sites_to_json_summary(plan, r->sites));
        if (a == PC_REPORT_COVERAGE && r->coverage)
            json_object_object_add(o, "result", pc_coverage_to_json(plan, r->coverage));
        if (a == PC_REPORT_GREEN && r->green)
            json_object_object_add(o, "result", pc_green_to_json(plan, r->green));
        if (a == PC_REPORT_COVERAGE && r->coverage_mode)
            json_object_object_add(o, "mode", json_object_new_string(r->coverage_mode));
        json_object_object_add(analyses, analysis_names[a], o);
    }
    json_object_object_add(root, "analyses", analyses);

    json_object *targets = json_object_new_array();
    for (size_t i = 0; i < r->n_targets; i++) {
        const pc_report_target *t = &r->targets[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "key", json_object_new_string(t->key));
        json_object_object_add(o, "label", json_object_new_string(t->label));
        json_object_object_add(o, "label_zh", json_object_new_string(t->label_zh));
        json_object_object_add(o, "value", json_num(t->value, 1e-6));
        json_object_object_add(o, "op", json_object_new_string(t->op));
        json_object_object_add(o, "target", json_num(t->target, 1e-6));
        json_object_object_add(o, "unit", json_object_new_string(strcmp(t->unit, "%") == 0 ? "fraction" : t->unit));
        json_object_object_add(o, "standard", json_object_new_string(t->standard));
        json_object_object_add(o, "status", json_object_new_string(check_name(t->check)));
        json_object_array_add(targets, o);
    }
    json_object_object_add(root, "targets", targets);

    json_object *units = json_object_new_array();
    for (size_t i = 0; i < r->n_units; i++)
        json_object_array_add(units, unit_json(r, &r->units[i]));
    json_object_object_add(root, "units", units);
    json_object *subd = json_object_new_array();
    for (size_t i = 0; i < r->n_subdistricts; i++)
        json_object_array_add(subd, unit_json(r, &r->subdistricts[i]));
    json_object_object_add(root, "subdistricts", subd);
    json_object_object_add(root, "total", unit_json(r, &r->total));

    if (r->sites) {
        json_object *sites = json_object_new_array();
        for (size_t i = 0; i < r->sites->n_sites; i++) {
            const pc_site_check *sc = &r->sites->sites[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "fid", json_object_new_int64(sc->fid));
            json_object_object_add(o, "name", json_str(sc->name));
            json_object_object_add(o, "name_zh", json_str(sc->name_zh));
            json_object_object_add(o, "use", json_str(sc->use));
            json_object_object_add(o, "verdict", json_object_new_string(pc_verdict_name(sc->verdict)));
            json_object_array_add(sites, o);
        }
        json_object_object_add(root, "sites", sites);
    }
    json_object *prov = json_object_new_object();
    json_object_object_add(prov, "synthetic", json_object_new_boolean(r->synthetic));
    json_object_object_add(prov, "openstreetmap", json_object_new_boolean(r->osm));
    json_object *layers = json_object_new_array();
    for (size_t i = 0; i < r->n_sources; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "role", json_object_new_string(r->sources[i].role));
        json_object_object_add(o, "layer", json_object_new_string(r->sources[i].layer));
        json_object_object_add(o, "description", json_object_new_string(r->sources[i].description));
        json_object_array_add(layers, o);
    }
    json_object_object_add(prov, "layers", layers);
    json_object_object_add(root, "provenance", prov);
    return root;
}

/* ---- the whole run ----------------------------------------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Final paths in DIR, for the result. */
static pc_status set_paths(pc_ctx *ctx, pc_report_result *r, const char *dir)
{
    r->dir = strdup(dir);
    r->gpkg_path = join(dir, "plancheck.gpkg");
    r->qgs_path = join(dir, "plancheck.qgs");
    r->html_path = join(dir, "report.html");
    r->json_path = join(dir, "summary.json");
    if (!r->dir || !r->gpkg_path || !r->qgs_path || !r->html_path || !r->json_path)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    return PC_OK;
}

static pc_status write_all(pc_ctx *ctx, pc_plan *plan, pc_report_result *r, const char *tmp)
{
    out_layers *ol = calloc(1, sizeof *ol);
    char path[PC_PATH_MAX];
    pc_status s = PC_OK;
    if (!ol)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    if ((s = pc_ctx_progress(ctx, 0.0, "report: writing the GeoPackage")))
        goto done;
    if (snprintf(path, sizeof path, "%s/plancheck.gpkg", tmp) >= (int)sizeof path) {
        s = pc_error(ctx, PC_ERR_ARG, tmp, NULL, PC_NO_FID, NULL, "the output path is too long");
        goto done;
    }
    if ((s = write_gpkg(ctx, plan, r, path, ol)))
        goto done;
    if ((s = pc_ctx_progress(ctx, 0.6, "report: QGIS project, tables")))
        goto done;
    if (snprintf(path, sizeof path, "%s/plancheck.qgs", tmp) >= (int)sizeof path) {
        s = pc_error(ctx, PC_ERR_ARG, tmp, NULL, PC_NO_FID, NULL, "the output path is too long");
        goto done;
    }
    if ((s = write_qgs(ctx, plan, r, ol, path)))
        goto done;
    if ((s = write_csvs(ctx, r, tmp)))
        goto done;
    if ((s = pc_ctx_progress(ctx, 0.7, "report: drawing the maps")))
        goto done;
    if (snprintf(path, sizeof path, "%s/report.html", tmp) >= (int)sizeof path) {
        s = pc_error(ctx, PC_ERR_ARG, tmp, NULL, PC_NO_FID, NULL, "the output path is too long");
        goto done;
    }
    if ((s = pc_html_write(ctx, plan, r, path)))
        goto done;
    json_object *summary = pc_report_to_json(plan, r);
    if (!summary) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    const char *text = json_object_to_json_string_ext(summary, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    pc_text t = PC_TEXT_INIT;
    pc_text_add(&t, text);
    pc_text_add(&t, "\n");
    json_object_put(summary);
    if (snprintf(path, sizeof path, "%s/summary.json", tmp) >= (int)sizeof path) {
        s = pc_error(ctx, PC_ERR_ARG, tmp, NULL, PC_NO_FID, NULL, "the output path is too long");
        goto done;
    }
    s = pc_text_write_file(ctx, &t, path);
    pc_text_free(&t);
    if (!s)
        s = pc_ctx_progress(ctx, 1.0, "report: done");
done:
    free(ol);
    return s;
}

/* Put the finished folder in place of DIR (and an earlier report out of the way). */
static pc_status move_into_place(pc_ctx *ctx, const char *tmp, const char *dir, const char *old, int exists)
{
    if (exists && rename(dir, old) != 0)
        return pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL, "cannot move the earlier report aside (%s)",
                        strerror(errno));
    if (rename(tmp, dir) != 0) {
        int err = errno;
        if (exists)
            rename(old, dir);
        return pc_error(ctx, PC_ERR_IO, dir, NULL, PC_NO_FID, NULL, "cannot move the report into place (%s)",
                        strerror(err));
    }
    if (exists)
        remove_flat_dir(old);
    return PC_OK;
}

pc_status pc_report_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_report_options *opts,
                        pc_report_result **out)
{
    *out = NULL;
    if (!opts || !opts->out_dir || !*opts->out_dir)
        return pc_error_plain(ctx, PC_ERR_ARG, "the report needs an output folder; give -o DIR");
    char dir[PC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", opts->out_dir);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';
    const char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return pc_error(ctx, PC_ERR_ARG, opts->out_dir, NULL, PC_NO_FID, NULL,
                        "give -o a folder name for the report (e.g. out/report), not '.' or '..'");
    if (opts->coverage_mode && strcmp(opts->coverage_mode, "network") && strcmp(opts->coverage_mode, "radius"))
        return pc_error_plain(ctx, PC_ERR_ARG, "--mode must be network or radius, not '%s'", opts->coverage_mode);
    int exists = 0;
    pc_status s = check_target(ctx, dir, &exists);
    if (s)
        return s;

    pc_report_result *r = calloc(1, sizeof *r);
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    char tmp[PC_PATH_MAX + 64], old[PC_PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%.*s%s.%s.tmp-%ld", (int)(slash ? slash - dir : 0), dir, slash ? "/" : "", base,
             (long)getpid());
    snprintf(old, sizeof old, "%.*s%s.%s.old-%ld", (int)(slash ? slash - dir : 0), dir, slash ? "/" : "", base,
             (long)getpid());
    made_dirs made = {0};
    int tmp_made = 0;

    r->profile = *profile;
    r->style_context.profile = &r->profile;
    r->style_context.target_coverage = profile->target_coverage;
    r->style_context.gb_park_m2_per_person = profile->gb_park_m2_per_person;
    r->style_context.target_park_m2_per_person = profile->target_park_m2_per_person;
    r->crs = pc_plan_crs(plan);
    const char *srs_name = pc_plan_srs(plan) ? OSRGetName((OGRSpatialReferenceH)pc_plan_srs(plan)) : NULL;
    snprintf(r->crs_name, sizeof r->crs_name, "%s", srs_name ? srs_name : "");
    if (opts->date)
        snprintf(r->date, sizeof r->date, "%s", opts->date);
    else {
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(r->date, sizeof r->date, "%Y-%m-%d", &tmv);
    }
    if ((s = set_paths(ctx, r, dir)))
        goto done;

    /* The analyses. */
    if ((s = pc_ctx_progress(ctx, 0.0, "report: reading the plan")) || (s = plan_units(ctx, plan, r)))
        goto done;
    if ((s = run_coverage(ctx, plan, opts, r)) || (s = run_green(ctx, plan, r)) || (s = run_sites(ctx, plan, opts, r)))
        goto done;
    build_targets(r);
    if ((s = read_provenance(ctx, plan, r)))
        goto done;
    plan_extent(ctx, plan, r);
    r->north_deg = north_angle(plan, r->extent);

    /* The files, in a temporary folder beside DIR. */
    if ((s = make_parents(ctx, tmp, &made)))
        goto done;
    if (mkdir(tmp, 0777) != 0) {
        s = pc_error(ctx, PC_ERR_IO, tmp, NULL, PC_NO_FID, NULL, "cannot create the temporary report folder (%s)",
                     strerror(errno));
        goto done;
    }
    tmp_made = 1;
    if ((s = write_all(ctx, plan, r, tmp)))
        goto done;
    if ((s = pc_ctx_check_cancel(ctx)))
        goto done;
    if ((s = move_into_place(ctx, tmp, dir, old, exists)))
        goto done;
    tmp_made = 0;
done:
    if (tmp_made)
        remove_flat_dir(tmp);
    if (s) {
        remove_made(&made);
        pc_report_result_destroy(ctx, r);
        return s;
    }
    *out = r;
    return PC_OK;
}

void pc_report_result_destroy(pc_ctx *ctx, pc_report_result *r)
{
    if (!r)
        return;
    pc_sites_result_destroy(ctx, r->sites);
    pc_green_result_destroy(ctx, r->green);
    pc_coverage_result_destroy(ctx, r->coverage);
    pc_info_result_destroy(r->info);
    pc_layer_destroy(ctx, r->sea);
    free(r->units);
    free(r->subdistricts);
    free(r->sources);
    for (size_t i = 0; i < r->n_csv; i++)
        free(r->csv[i]);
    free(r->dir);
    free(r->gpkg_path);
    free(r->qgs_path);
    free(r->html_path);
    free(r->json_path);
    free(r);
}
