/* pc_plan.c: plan loading: role layers from GDAL sources or a *.plan file, checked and reprojected. */
#include "pc_plan.h"
#include "pc_geom.h"
#include "pc_plan_internal.h"
#include "pc_pg.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include "pc_ini.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_MAX_SOURCES 16
/*
 * Facilities and streets are read only within the study area (the extent of the boundary and
 * structure layers) grown by this margin, through the source's spatial index (PostGIS: geom &&
 * envelope; GeoPackage: its R-tree). Walking radii are at most 1.2 km, so features farther out
 * cannot change a result. Residents are always read whole: people outside every unit are
 * reported, not dropped.
 */
#define PC_PLAN_FILTER_MARGIN_M 5000.0
#define PC_PATH_MAX 4096

static const char *const role_names[PC_ROLE_COUNT] = {
    "boundary", "structure", "subdistricts", "builtup", "residents", "facilities",
    "streets", "parks", "redlines", "coastline", "sites"};

static const char *const field_names[PC_FIELD_COUNT] = {
    "name", "name_zh", "tier", "pop", "category", "highway", "class", "kind", "rule", "use"};

/* The fields each role reads (beyond those, nothing is kept). */
static const unsigned role_fields[PC_ROLE_COUNT] = {
    [PC_ROLE_BOUNDARY] = PC_FIELD_BIT(PC_FIELD_NAME),
    [PC_ROLE_STRUCTURE] = PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH) | PC_FIELD_BIT(PC_FIELD_TIER),
    [PC_ROLE_SUBDISTRICTS] = PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH),
    [PC_ROLE_BUILTUP] = PC_FIELD_BIT(PC_FIELD_NAME),
    [PC_ROLE_RESIDENTS] = PC_FIELD_BIT(PC_FIELD_POP) | PC_FIELD_BIT(PC_FIELD_NAME),
    [PC_ROLE_FACILITIES] = PC_FIELD_BIT(PC_FIELD_CATEGORY) | PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH),
    [PC_ROLE_STREETS] = PC_FIELD_BIT(PC_FIELD_HIGHWAY),
    [PC_ROLE_PARKS] = PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH) | PC_FIELD_BIT(PC_FIELD_CLASS),
    [PC_ROLE_REDLINES] = PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH) | PC_FIELD_BIT(PC_FIELD_KIND) |
                         PC_FIELD_BIT(PC_FIELD_RULE),
    [PC_ROLE_COASTLINE] = 0,
    [PC_ROLE_SITES] = PC_FIELD_BIT(PC_FIELD_NAME) | PC_FIELD_BIT(PC_FIELD_NAME_ZH) | PC_FIELD_BIT(PC_FIELD_USE),
};

/* What each field means, for error messages that say what is expected. */
static const char *const field_hints[PC_FIELD_COUNT] = {
    "a name per feature", "the Chinese name", "main, sub or cluster", "the number of residents (a number >= 0)",
    "a facility category code of the profile (e.g. kindergarten)", "the OSM highway class",
    "the park class G11..G14", "a red-line kind (e.g. ecological_redline)", "the rule text", "the site's use"};

/* What a command needs from a role, for messages about an empty layer. */
static const char *const role_hints[PC_ROLE_COUNT] = {
    "the study area polygon", "the structure units (polygons with name, name_zh, tier)", "the subdistrict polygons",
    "the built-up area polygons", "residents with their population (points or polygons with pop)",
    "facilities (points with a category code of the profile)", "streets to walk along (lines; or use --mode radius)",
    "park polygons", "red-line polygons with their kind", "the coastline (lines)",
    "sites to check (points or polygons; or pass --sites FILE)"};

typedef enum geom_family { FAMILY_ANY, FAMILY_POLYGON, FAMILY_LINE, FAMILY_POINT, FAMILY_POINT_OR_POLYGON } geom_family;

static const geom_family role_family[PC_ROLE_COUNT] = {
    [PC_ROLE_BOUNDARY] = FAMILY_POLYGON,   [PC_ROLE_STRUCTURE] = FAMILY_POLYGON,
    [PC_ROLE_SUBDISTRICTS] = FAMILY_POLYGON, [PC_ROLE_BUILTUP] = FAMILY_POLYGON,
    [PC_ROLE_RESIDENTS] = FAMILY_POINT_OR_POLYGON, [PC_ROLE_FACILITIES] = FAMILY_POINT_OR_POLYGON,
    [PC_ROLE_STREETS] = FAMILY_LINE,       [PC_ROLE_PARKS] = FAMILY_POLYGON,
    [PC_ROLE_REDLINES] = FAMILY_POLYGON,   [PC_ROLE_COASTLINE] = FAMILY_LINE,
    [PC_ROLE_SITES] = FAMILY_ANY,
};

typedef struct role_source {
    char *source;     /* as written (absolute or PG:) */
    char *layer_name; /* NULL: the role name */
    char *assign_srs; /* CRS to assume when the layer has none */
    char *field_map[PC_FIELD_COUNT]; /* source field per canonical field, NULL: same name */
    /* Filled by open: */
    OGRLayerH layer;  /* borrowed from the dataset */
    OGRSpatialReferenceH srs; /* owned clone, traditional axis order */
    char *srs_name;
    char *geometry_type;
    long long feature_count;
} role_source;

struct pc_plan {
    GEOSContextHandle_t geos; /* borrowed from the context that opened the plan */
    char *path;
    char *plan_dir;
    char *profile_path;
    char *crs_request; /* from the plan file */
    char crs[32];
    OGRSpatialReferenceH srs;
    pc_invalid_policy invalid;
    char *schema;
    int n_sources;
    char *source_names[PC_MAX_SOURCES];
    GDALDatasetH datasets[PC_MAX_SOURCES];
    role_source roles[PC_ROLE_COUNT];
    pc_layer *layers[PC_ROLE_COUNT];
};

const char *pc_role_name(pc_role role) { return (unsigned)role < PC_ROLE_COUNT ? role_names[role] : "?"; }
const char *pc_field_name(pc_field field) { return (unsigned)field < PC_FIELD_COUNT ? field_names[field] : "?"; }

int pc_role_from_name(const char *name)
{
    for (int i = 0; name && i < PC_ROLE_COUNT; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

static int field_from_name(const char *name)
{
    for (int i = 0; name && i < PC_FIELD_COUNT; i++)
        if (strcmp(field_names[i], name) == 0)
            return i;
    return -1;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int pc_crs_auto_epsg(double lon, double lat)
{
    /* China (CGCS2000, GB/T 17798): 3-degree Gauss-Kruger zones CM 75E..135E are EPSG:4534..4554. */
    if (lon >= 73.5 && lon <= 135.5 && lat >= 18.0 && lat <= 53.6) {
        int cm_index = (int)floor((lon - 75.0 + 1.5) / 3.0);
        if (cm_index < 0)
            cm_index = 0;
        if (cm_index > 20)
            cm_index = 20;
        return 4534 + cm_index;
    }
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    if (zone < 1)
        zone = 1;
    if (zone > 60)
        zone = 60;
    return (lat >= 0 ? 32600 : 32700) + zone;
}

/* Shown in messages and outputs: never print a password from a PG: connection string. */
static char *redact_source(const char *source) { return pc_pg_redact(source); }

static int is_pg(const char *s) { return strncmp(s, "PG:", 3) == 0 || strncmp(s, "pg:", 3) == 0; }

static char *resolve_path(const pc_plan *plan, const char *source)
{
    if (is_pg(source) || source[0] == '/' || strncmp(source, "/vsi", 4) == 0 || !plan->plan_dir)
        return strdup(source);
    size_t len = strlen(plan->plan_dir) + strlen(source) + 2;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%s/%s", plan->plan_dir, source);
    return out;
}

/* Rows of a query without user input (GDAL's SQL, on its own connection). -1 when it fails. */
static long long pg_count(GDALDatasetH ds, const char *sql, const char *equal_to)
{
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (!res)
        return -1;
    long long n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(res)) != NULL) {
        /* Compared here, not in SQL: the value (a schema name) never becomes SQL text. */
        n += !equal_to || strcmp(OGR_F_GetFieldAsString(f, 0), equal_to) == 0;
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    return n;
}

/* A PostGIS plan source: PostGIS installed, and the --schema asked for present. */
static pc_status check_pg_source(pc_ctx *ctx, const pc_plan *plan, GDALDatasetH ds, const char *source,
                                 const char *shown_as)
{
    char where[512];
    pc_pg_describe(source, where, sizeof where);
    if (pg_count(ds, "SELECT extname FROM pg_extension WHERE extname = 'postgis'", NULL) == 0)
        return pc_error(ctx, PC_ERR_DB, shown_as, NULL, PC_NO_FID, NULL,
                        "PostGIS is not installed in %s, so its tables have no geometry to read; run 'CREATE "
                        "EXTENSION postgis' there (as its owner) or point to the database that holds the plan",
                        where);
    if (plan->schema && pg_count(ds, "SELECT nspname::text FROM pg_namespace", plan->schema) == 0)
        return pc_error(ctx, PC_ERR_DB, shown_as, NULL, PC_NO_FID, NULL,
                        "--schema '%s': no such schema in %s; check the name (it is case-sensitive)", plan->schema,
                        where);
    return PC_OK;
}

static pc_status open_dataset(pc_ctx *ctx, pc_plan *plan, const char *source, const char *shown_as,
                              GDALDatasetH *out)
{
    for (int i = 0; i < plan->n_sources; i++)
        if (strcmp(plan->source_names[i], source) == 0) {
            *out = plan->datasets[i];
            return PC_OK;
        }
    if (plan->n_sources >= PC_MAX_SOURCES)
        return pc_error(ctx, PC_ERR_ARG, shown_as, NULL, PC_NO_FID, NULL,
                        "a plan may use at most %d distinct sources", PC_MAX_SOURCES);
    char **open_options = NULL;
    if (is_pg(source) && plan->schema) {
        open_options = CSLSetNameValue(open_options, "ACTIVE_SCHEMA", plan->schema);
        open_options = CSLSetNameValue(open_options, "SCHEMAS", plan->schema);
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 (const char *const *)open_options, NULL);
    CSLDestroy(open_options);
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        if (is_pg(source)) {
            char where[512], line[1024];
            return pc_error(ctx, PC_ERR_DB, shown_as, NULL, PC_NO_FID, NULL,
                            "cannot connect to %s (%s); check host, port, dbname and user, and give the password "
                            "with PGPASSWORD or ~/.pgpass",
                            pc_pg_describe(source, where, sizeof where),
                            pc_pg_one_line(*why ? why : "no reason given", line, sizeof line));
        }
        return pc_error(ctx, PC_ERR_IO, shown_as, NULL, PC_NO_FID, NULL,
                        "cannot open as a vector dataset (%s); check the path and that the file is a complete "
                        "GeoPackage or another GDAL vector format",
                        *why ? why : "no such file or unrecognised format");
    }
    if (is_pg(source)) {
        pc_status s = check_pg_source(ctx, plan, ds, source, shown_as);
        if (s) {
            GDALClose(ds);
            return s;
        }
    }
    plan->source_names[plan->n_sources] = strdup(source);
    plan->datasets[plan->n_sources++] = ds;
    *out = ds;
    return PC_OK;
}

/* ---- *.plan files ---- */

typedef struct plan_file_state {
    pc_ctx *ctx;
    pc_plan *plan;
    int failed;
} plan_file_state;

static int plan_file_fail(plan_file_state *st, int line, const char *fmt, const char *a)
{
    char text[512];
    snprintf(text, sizeof text, fmt, a);
    pc_error(st->ctx, PC_ERR_ARG, st->plan->path, NULL, PC_NO_FID, NULL, "line %d: %s", line, text);
    st->failed = 1;
    return 0;
}

static int set_role_source(plan_file_state *st, int line, int role, const char *value)
{
    role_source *rs = &st->plan->roles[role];
    char **parts = CSLTokenizeString2(value, "|", 0);
    int n = CSLCount(parts);
    int ok = 1;
    if (n < 1 || !*parts[0]) {
        ok = plan_file_fail(st, line, "role '%s' needs a datasource (role = source[|layername=NAME])", role_names[role]);
        goto done;
    }
    free(rs->source);
    rs->source = resolve_path(st->plan, parts[0]);
    for (int i = 1; i < n; i++) {
        char *key = NULL;
        const char *val = CPLParseNameValue(parts[i], &key);
        if (key && val && strcmp(key, "layername") == 0) {
            free(rs->layer_name);
            rs->layer_name = strdup(val);
        } else if (key && val && strcmp(key, "srs") == 0) {
            free(rs->assign_srs);
            rs->assign_srs = strdup(val);
        } else {
            ok = plan_file_fail(st, line, "unknown option '%s' (expected layername=NAME or srs=EPSG:n)", parts[i]);
        }
        CPLFree(key);
        if (!ok)
            break;
    }
done:
    CSLDestroy(parts);
    return ok;
}

static int plan_file_handler(void *user, const char *section, const char *key, const char *value, int line)
{
    plan_file_state *st = user;
    if (st->failed)
        return 0;
    if (strcmp(section, "") == 0 || strcmp(section, "layers") == 0) {
        int role = pc_role_from_name(key);
        if (role >= 0)
            return set_role_source(st, line, role, value);
        if (strcmp(key, "crs") == 0) {
            free(st->plan->crs_request);
            st->plan->crs_request = strdup(value);
            return 1;
        }
        if (strcmp(key, "name") == 0)
            return 1;
        return plan_file_fail(st, line, "unknown role '%s' (expected boundary, structure, subdistricts, builtup, "
                                        "residents, facilities, streets, parks, redlines, coastline, sites, crs)", key);
    }
    if (strcmp(section, "fields") == 0) {
        char role_name[64];
        const char *dot = strchr(key, '.');
        if (!dot || (size_t)(dot - key) >= sizeof role_name)
            return plan_file_fail(st, line, "'%s' should read role.field = SOURCE_FIELD", key);
        memcpy(role_name, key, (size_t)(dot - key));
        role_name[dot - key] = '\0';
        int role = pc_role_from_name(role_name);
        int field = field_from_name(dot + 1);
        if (role < 0 || field < 0)
            return plan_file_fail(st, line, "'%s': unknown role or field (e.g. residents.pop = POP2020)", key);
        free(st->plan->roles[role].field_map[field]);
        st->plan->roles[role].field_map[field] = strdup(value);
        return 1;
    }
    if (strcmp(section, "profile") == 0) {
        if (strcmp(key, "file") == 0) {
            free(st->plan->profile_path);
            st->plan->profile_path = resolve_path(st->plan, value);
            return 1;
        }
        return plan_file_fail(st, line, "unknown key '%s' in [profile] (expected file = PROFILE.ini)", key);
    }
    return plan_file_fail(st, line, "unknown section [%s] (expected [layers], [fields], [profile])", section);
}

/* Parse plan-file text (text NULL: read plan->path). Fills plan->roles, crs_request, profile_path. */
static pc_status parse_plan_file(pc_ctx *ctx, pc_plan *plan, const char *text)
{
    plan_file_state st = {ctx, plan, 0};
    int rc = text ? pc_ini_parse_string(text, plan_file_handler, &st)
                  : pc_ini_parse_file(plan->path, plan_file_handler, &st);
    if (st.failed)
        return pc_ctx_status(ctx);
    if (rc < 0)
        return pc_error(ctx, PC_ERR_IO, plan->path, NULL, PC_NO_FID, NULL, "cannot read the plan file; check the path");
    if (rc > 0)
        return pc_error(ctx, PC_ERR_ARG, plan->path, NULL, PC_NO_FID, NULL,
                        "line %d: not 'role = source[|layername=NAME]' nor a [section]", rc);
    int any = 0;
    for (int r = 0; r < PC_ROLE_COUNT; r++)
        any |= plan->roles[r].source != NULL;
    if (!any)
        return pc_error(ctx, PC_ERR_ARG, plan->path, NULL, PC_NO_FID, NULL,
                        "the plan file names no role layer; add lines like 'boundary = city.gpkg|layername=outline'");
    return PC_OK;
}

pc_status pc_plan_parse_text(pc_ctx *ctx, const char *text, const char *name)
{
    pc_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    plan->geos = pc_ctx_geos(ctx);
    plan->path = strdup(name);
    plan->plan_dir = strdup(".");
    pc_status s = parse_plan_file(ctx, plan, text);
    pc_plan_destroy(plan);
    return s;
}

/* ---- opening ---- */

static char *srs_display_name(OGRSpatialReferenceH srs)
{
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    char buf[256];
    if (auth && code)
        snprintf(buf, sizeof buf, "%s:%s", auth, code);
    else {
        /* Try to identify it (a WKT without an ID, as in shapefiles' .prj). */
        OGRSpatialReferenceH clone = OSRClone(srs);
        if (clone && OSRAutoIdentifyEPSG(clone) == OGRERR_NONE && OSRGetAuthorityCode(clone, NULL))
            snprintf(buf, sizeof buf, "%s:%s", OSRGetAuthorityName(clone, NULL), OSRGetAuthorityCode(clone, NULL));
        else
            snprintf(buf, sizeof buf, "%s", OSRGetName(srs) ? OSRGetName(srs) : "unnamed CRS");
        if (clone)
            OSRDestroySpatialReference(clone);
    }
    return strdup(buf);
}

static int srs_is_undefined(OGRSpatialReferenceH srs)
{
    if (!srs)
        return 1;
    const char *name = OSRGetName(srs);
    /* GeoPackage srs_id 0 and -1 come back as these names, without authority. */
    return name && strncmp(name, "Undefined", 9) == 0 && !OSRGetAuthorityCode(srs, NULL);
}

static pc_status open_role(pc_ctx *ctx, pc_plan *plan, pc_role role, GDALDatasetH direct, const char *shown_path)
{
    role_source *rs = &plan->roles[role];
    GDALDatasetH ds = direct;
    char *shown = NULL;
    pc_status s = PC_OK;
    if (!ds) {
        if (!rs->source)
            return PC_OK;
        shown = redact_source(rs->source);
        s = open_dataset(ctx, plan, rs->source, shown, &ds);
        if (s)
            goto done;
    } else {
        shown = redact_source(shown_path);
    }
    const char *lname = rs->layer_name ? rs->layer_name : role_names[role];
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, lname);
    if (!layer && !rs->layer_name && GDALDatasetGetLayerCount(ds) == 1 && rs->source) {
        /* A single-layer file mapped to a role (sites.geojson) is that role. */
        layer = GDALDatasetGetLayer(ds, 0);
    }
    if (!layer) {
        if (direct)
            goto done; /* the role is simply absent from this plan */
        if (is_pg(rs->source)) {
            char where[512];
            s = pc_error(ctx, PC_ERR_DATA, shown, lname, PC_NO_FID, NULL,
                         "no such table with a geometry column in %s%s%s%s for role '%s'; check "
                         "layername=SCHEMA.TABLE in %s",
                         pc_pg_describe(rs->source, where, sizeof where), plan->schema ? ", schema '" : "",
                         plan->schema ? plan->schema : "", plan->schema ? "'" : "", role_names[role], plan->path);
            goto done;
        }
        s = pc_error(ctx, PC_ERR_DATA, shown, lname, PC_NO_FID, NULL,
                     "no such layer for role '%s'; check the layer name (layername=NAME) in %s", role_names[role],
                     plan->path);
        goto done;
    }
    if (!rs->source)
        rs->source = strdup(shown_path);
    if (!rs->layer_name)
        rs->layer_name = strdup(OGR_L_GetName(layer));
    rs->layer = layer;
    rs->geometry_type = strdup(OGRGeometryTypeToName(OGR_L_GetGeomType(layer)));
    rs->feature_count = (long long)OGR_L_GetFeatureCount(layer, 0);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (srs_is_undefined(srs)) {
        if (!rs->assign_srs) {
            s = pc_error(ctx, PC_ERR_CRS, shown, rs->layer_name, PC_NO_FID, NULL,
                         "the layer has no coordinate reference system (or an undefined one); assign it with "
                         "'ogr2ogr -a_srs EPSG:n' or in a plan file with '%s = SOURCE|srs=EPSG:n'",
                         role_names[role]);
            goto done;
        }
        rs->srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(rs->srs, rs->assign_srs) != OGRERR_NONE) {
            s = pc_error(ctx, PC_ERR_CRS, shown, rs->layer_name, PC_NO_FID, NULL,
                         "srs=%s is not a CRS GDAL knows; use EPSG:n", rs->assign_srs);
            goto done;
        }
    } else {
        rs->srs = OSRClone(srs);
    }
    OSRSetAxisMappingStrategy(rs->srs, OAMS_TRADITIONAL_GIS_ORDER);
    rs->srs_name = srs_display_name(rs->srs);
done:
    free(shown);
    return s;
}

/* Lon/lat centre of a role's extent, for the automatic CRS. */
static int role_center_lonlat(pc_plan *plan, pc_role role, double *lon, double *lat)
{
    role_source *rs = &plan->roles[role];
    if (!rs->layer || !rs->srs)
        return 0;
    OGREnvelope env;
    if (OGR_L_GetExtent(rs->layer, &env, 1) != OGRERR_NONE)
        return 0;
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(rs->srs, wgs84);
    int ok = 0;
    if (ct) {
        double minx, miny, maxx, maxy;
        if (OCTTransformBounds(ct, env.MinX, env.MinY, env.MaxX, env.MaxY, &minx, &miny, &maxx, &maxy, 21)) {
            *lon = (minx + maxx) / 2;
            *lat = (miny + maxy) / 2;
            ok = isfinite(*lon) && isfinite(*lat);
        }
        OCTDestroyCoordinateTransformation(ct);
    }
    OSRDestroySpatialReference(wgs84);
    return ok;
}

static pc_status choose_crs(pc_ctx *ctx, pc_plan *plan, const char *requested)
{
    plan->srs = OSRNewSpatialReference(NULL);
    OSRSetAxisMappingStrategy(plan->srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (requested) {
        if (OSRSetFromUserInput(plan->srs, requested) != OGRERR_NONE)
            return pc_error_plain(ctx, PC_ERR_ARG, "--crs %s: not a CRS GDAL knows; use EPSG:n (e.g. EPSG:4548)",
                                  requested);
        if (!OSRIsProjected(plan->srs) || fabs(OSRGetLinearUnits(plan->srs, NULL) - 1.0) > 1e-9)
            return pc_error_plain(ctx, PC_ERR_CRS, "--crs %s: the analysis CRS must be projected in metres "
                                  "(e.g. EPSG:4548 for Tianjin, or a UTM zone)", requested);
        const char *code = OSRGetAuthorityCode(plan->srs, NULL);
        snprintf(plan->crs, sizeof plan->crs, "%s%s", code ? "EPSG:" : "", code ? code : requested);
        OSRSetAxisMappingStrategy(plan->srs, OAMS_TRADITIONAL_GIS_ORDER);
        return PC_OK;
    }
    double lon = 0, lat = 0;
    int found = 0;
    for (int r = 0; r < PC_ROLE_COUNT && !found; r++)
        found = role_center_lonlat(plan, (pc_role)(r == 0 ? PC_ROLE_BOUNDARY : r), &lon, &lat);
    if (!found)
        return pc_error(ctx, PC_ERR_CRS, plan->path, NULL, PC_NO_FID, NULL,
                        "cannot choose an analysis CRS (no layer has an extent); pass --crs EPSG:n");
    int epsg = pc_crs_auto_epsg(lon, lat);
    OSRImportFromEPSG(plan->srs, epsg);
    OSRSetAxisMappingStrategy(plan->srs, OAMS_TRADITIONAL_GIS_ORDER);
    snprintf(plan->crs, sizeof plan->crs, "EPSG:%d", epsg);
    return PC_OK;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

pc_status pc_plan_open(pc_ctx *ctx, pc_plan **out, const char *path, const pc_plan_options *options)
{
    pc_plan_options defaults = PC_PLAN_OPTIONS_INIT;
    if (!options)
        options = &defaults;
    *out = NULL;
    GDALAllRegister();
    pc_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory opening %s", path);
    pc_status s = PC_OK;
    plan->geos = pc_ctx_geos(ctx);
    plan->path = redact_source(path);
    plan->invalid = options->invalid;
    plan->schema = dup_or_null(options->schema);

    if (has_suffix(path, ".plan")) {
        const char *slash = strrchr(path, '/');
        plan->plan_dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
        s = parse_plan_file(ctx, plan, NULL);
        if (s)
            goto fail;
        for (int r = 0; r < PC_ROLE_COUNT; r++)
            if ((s = open_role(ctx, plan, (pc_role)r, NULL, NULL)))
                goto fail;
    } else {
        GDALDatasetH ds;
        if ((s = open_dataset(ctx, plan, path, plan->path, &ds)))
            goto fail;
        for (int r = 0; r < PC_ROLE_COUNT; r++)
            if ((s = open_role(ctx, plan, (pc_role)r, ds, path)))
                goto fail;
        int any = 0;
        for (int r = 0; r < PC_ROLE_COUNT; r++)
            any |= plan->roles[r].layer != NULL;
        if (!any && is_pg(path)) {
            char where[512];
            s = pc_error(ctx, PC_ERR_DATA, plan->path, NULL, PC_NO_FID, NULL,
                         "no role table found in %s%s%s%s (expected tables named boundary, structure, residents, "
                         "facilities, streets, parks, redlines, ... with a geometry column; pass --schema NAME, or "
                         "write a *.plan file that maps roles to tables)",
                         pc_pg_describe(path, where, sizeof where), plan->schema ? ", schema '" : " (search path)",
                         plan->schema ? plan->schema : "", plan->schema ? "'" : "");
            goto fail;
        }
        if (!any) {
            s = pc_error(ctx, PC_ERR_DATA, plan->path, NULL, PC_NO_FID, NULL,
                         "no role layer found (expected layers named boundary, structure, residents, facilities, "
                         "streets, parks, redlines, ...; or write a *.plan file that maps roles to layers)");
            goto fail;
        }
    }
    if ((s = choose_crs(ctx, plan, options->crs ? options->crs : plan->crs_request)))
        goto fail;
    for (int r = 0; r < PC_ROLE_COUNT; r++)
        if (plan->roles[r].layer && plan->roles[r].feature_count == 0) {
            char *shown = redact_source(plan->roles[r].source);
            pc_ctx_warn(ctx, "%s: layer '%s' has no features; it counts as absent", shown ? shown : "",
                        plan->roles[r].layer_name);
            free(shown);
        }
    *out = plan;
    return PC_OK;
fail:
    pc_plan_destroy(plan);
    return s;
}

static void layer_free(GEOSContextHandle_t geos, pc_layer *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        GEOSGeom_destroy_r(geos, l->geoms[i]);
    free(l->geoms);
    free(l->fids);
    for (int f = 0; f < PC_FIELD_COUNT; f++) {
        if (!l->fields[f])
            continue;
        for (size_t i = 0; i < l->n; i++)
            free(l->fields[f][i]);
        free(l->fields[f]);
    }
    free(l->pop);
    free(l->x);
    free(l->y);
    free(l->source);
    free(l->layer_name);
    free(l->source_crs);
    free(l->geometry_type);
    free(l);
}

void pc_plan_destroy(pc_plan *plan)
{
    if (!plan)
        return;
    for (int r = 0; r < PC_ROLE_COUNT; r++)
        layer_free(plan->geos, plan->layers[r]);
    for (int r = 0; r < PC_ROLE_COUNT; r++) {
        role_source *rs = &plan->roles[r];
        free(rs->source);
        free(rs->layer_name);
        free(rs->assign_srs);
        for (int f = 0; f < PC_FIELD_COUNT; f++)
            free(rs->field_map[f]);
        if (rs->srs)
            OSRDestroySpatialReference(rs->srs);
        free(rs->srs_name);
        free(rs->geometry_type);
    }
    for (int i = 0; i < plan->n_sources; i++) {
        GDALClose(plan->datasets[i]);
        free(plan->source_names[i]);
    }
    if (plan->srs)
        OSRDestroySpatialReference(plan->srs);
    free(plan->path);
    free(plan->plan_dir);
    free(plan->profile_path);
    free(plan->crs_request);
    free(plan->schema);
    free(plan);
}

/* ---- reading features ---- */

const char *pc_plan_path(const pc_plan *plan) { return plan->path; }
const char *pc_plan_crs(const pc_plan *plan) { return plan->crs; }
void *pc_plan_srs(const pc_plan *plan) { return plan->srs; }
const char *pc_plan_profile_path(const pc_plan *plan) { return plan->profile_path; }
int pc_plan_has(const pc_plan *plan, pc_role role)
{
    /* An empty layer counts as absent (docs/robustness.md); pc_plan_info still shows it. */
    return plan->roles[role].layer != NULL && plan->roles[role].feature_count != 0;
}
const pc_layer *pc_plan_layer(const pc_plan *plan, pc_role role) { return plan->layers[role]; }

pc_layer_info pc_plan_info(const pc_plan *plan, pc_role role)
{
    const role_source *rs = &plan->roles[role];
    pc_layer_info info = {0};
    if (!rs->layer)
        return info;
    info.present = 1;
    info.source = rs->source;
    info.layer_name = rs->layer_name;
    info.source_crs = rs->srs_name;
    info.geometry_type = rs->geometry_type;
    info.feature_count = rs->feature_count;
    return info;
}

const char *pc_layer_value(const pc_layer *layer, pc_field field, size_t i)
{
    if (!layer || (unsigned)field >= PC_FIELD_COUNT || !layer->fields[field] || i >= layer->n)
        return NULL;
    return layer->fields[field][i];
}

/* Polygon, multipolygon or curve polygon (OGR side, before GEOS has read it). */
static int ogr_is_polygonal(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    return OGR_GT_IsSubClassOf(t, wkbCurvePolygon) || OGR_GT_IsSubClassOf(t, wkbMultiSurface);
}

static int family_accepts(pc_ctx *ctx, geom_family family, const GEOSGeometry *g)
{
    switch (family) {
    case FAMILY_POLYGON: return pc_geom_is_polygonal(ctx, g);
    case FAMILY_LINE: return pc_geom_is_lineal(ctx, g);
    case FAMILY_POINT: return pc_geom_is_puntal(ctx, g);
    case FAMILY_POINT_OR_POLYGON:
        return GEOSGeomTypeId_r(pc_ctx_geos(ctx), g) == GEOS_POINT || pc_geom_is_polygonal(ctx, g);
    case FAMILY_ANY: return 1;
    }
    return 0;
}

static const char *family_text(geom_family family)
{
    switch (family) {
    case FAMILY_POLYGON: return "polygons";
    case FAMILY_LINE: return "lines";
    case FAMILY_POINT: return "points";
    case FAMILY_POINT_OR_POLYGON: return "points or polygons";
    case FAMILY_ANY: return "geometries";
    }
    return "geometries";
}

/* name as an SQL identifier in double quotes, quotes doubled. Returns 0 when it does not fit. */
static int quote_ident(char *buf, size_t cap, const char *name)
{
    size_t n = 0;
    if (cap < 3)
        return 0;
    buf[n++] = '"';
    for (const char *p = name; *p; p++) {
        if (n + 3 >= cap)
            return 0;
        if (*p == '"')
            buf[n++] = '"';
        buf[n++] = *p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return 1;
}

/*
 * SQLite (GeoPackage) stores any value in any column, and OGR reads text in an INTEGER or REAL
 * column as its leading digits ('lots' as 0, '1,200' as 1): find such a cell before it becomes a
 * silent wrong population.
 */
static pc_status check_numeric_cells(pc_ctx *ctx, const pc_plan *plan, const role_source *rs, const char *shown,
                                     const char *field)
{
    GDALDatasetH ds = NULL;
    for (int i = 0; i < plan->n_sources; i++)
        if (strcmp(plan->source_names[i], rs->source) == 0)
            ds = plan->datasets[i];
    GDALDriverH drv = ds ? GDALGetDatasetDriver(ds) : NULL;
    const char *drv_name = drv ? GDALGetDriverShortName(drv) : "";
    const char *fid_column = OGR_L_GetFIDColumn(rs->layer);
    if (!ds || (strcmp(drv_name, "GPKG") != 0 && strcmp(drv_name, "SQLite") != 0) || !fid_column || !*fid_column)
        return PC_OK;
    char qfid[256], qfield[256], qtable[512], sql[1536];
    if (!quote_ident(qfid, sizeof qfid, fid_column) || !quote_ident(qfield, sizeof qfield, field) ||
        !quote_ident(qtable, sizeof qtable, OGR_L_GetName(rs->layer)))
        return PC_OK;
    snprintf(sql, sizeof sql,
             "SELECT %s AS pc_fid, CAST(%s AS TEXT) AS pc_text FROM %s WHERE typeof(%s) NOT IN ('integer', 'real', "
             "'null') LIMIT 1",
             qfid, qfield, qtable, qfield);
    pc_status s = PC_OK;
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, "NATIVE");
    if (!res)
        return PC_OK; /* a view or a dialect without typeof: the values are read as they come */
    OGRFeatureH f = OGR_L_GetNextFeature(res);
    if (f) {
        /* GDAL may take pc_fid as the result's FID column rather than a field. */
        int fid_index = OGR_F_GetFieldIndex(f, "pc_fid"), text_index = OGR_F_GetFieldIndex(f, "pc_text");
        int64_t fid = fid_index >= 0 ? (int64_t)OGR_F_GetFieldAsInteger64(f, fid_index) : (int64_t)OGR_F_GetFID(f);
        const char *text = text_index >= 0 ? OGR_F_GetFieldAsString(f, text_index) : "";
        s = pc_error(ctx, PC_ERR_DATA, shown, rs->layer_name, fid, field,
                     "'%s' is text in a number column (it would read as %g); the population must be a number of "
                     "residents >= 0", text, CPLAtof(text));
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    return s;
}

static pc_status parse_pop(pc_ctx *ctx, const char *shown, const char *lname, int64_t fid, const char *field,
                           OGRFeatureH feature, int idx, double *out)
{
    if (!OGR_F_IsFieldSetAndNotNull(feature, idx))
        return pc_error(ctx, PC_ERR_DATA, shown, lname, fid, field,
                        "no value; every resident feature needs its population (a number >= 0)");
    OGRFieldType type = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(feature, idx));
    double v;
    if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) {
        v = OGR_F_GetFieldAsDouble(feature, idx);
    } else {
        const char *text = OGR_F_GetFieldAsString(feature, idx);
        char *end = NULL;
        errno = 0;
        v = strtod(text, &end);
        while (end && (*end == ' ' || *end == '\t'))
            end++;
        if (errno || end == text || (end && *end))
            return pc_error(ctx, PC_ERR_DATA, shown, lname, fid, field,
                            "'%s' is not a number; the population must be a number of residents >= 0", text);
    }
    if (!isfinite(v) || v < 0)
        return pc_error(ctx, PC_ERR_DATA, shown, lname, fid, field,
                        "%g is not a valid population; it must be a finite number >= 0", v);
    *out = v;
    return PC_OK;
}

typedef struct layer_reader {
    size_t cap;
    int field_index[PC_FIELD_COUNT];
} layer_reader;

static pc_status layer_grow(pc_ctx *ctx, pc_layer *l, layer_reader *r)
{
    if (l->n < r->cap)
        return PC_OK;
    size_t cap = r->cap ? r->cap * 2 : 1024;
    GEOSGeometry **g = realloc(l->geoms, cap * sizeof *g);
    if (g)
        l->geoms = g;
    int64_t *f = realloc(l->fids, cap * sizeof *f);
    if (f)
        l->fids = f;
    if (!g || !f)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading layer %s", l->layer_name);
    for (int k = 0; k < PC_FIELD_COUNT; k++) {
        if (r->field_index[k] < 0)
            continue;
        char **v = realloc(l->fields[k], cap * sizeof *v);
        if (!v)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading layer %s", l->layer_name);
        l->fields[k] = v;
    }
    if (l->role == PC_ROLE_RESIDENTS) {
        double *p = realloc(l->pop, cap * sizeof *p);
        if (!p)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading layer %s", l->layer_name);
        l->pop = p;
    }
    r->cap = cap;
    return PC_OK;
}

/* Convert, check and (per policy) repair one feature's geometry. *out NULL means skipped. */
static pc_status feature_geometry(pc_ctx *ctx, pc_layer *l, pc_invalid_policy policy, OGRFeatureH feature,
                                  OGRCoordinateTransformationH ct, int geographic, const char *shown, int64_t fid,
                                  GEOSGeometry **out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *out = NULL;
    OGRGeometryH og = OGR_F_GetGeometryRef(feature);
    if (!og || OGR_G_IsEmpty(og)) {
        if (policy == PC_INVALID_FAIL)
            return pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL,
                            "null or empty geometry; delete the feature or rerun with --invalid=skip");
        l->n_skipped_empty++;
        return PC_OK;
    }
    OGREnvelope src_env;
    OGR_G_GetEnvelope(og, &src_env);
    if (geographic && (fabs(src_env.MinX) > 360 || fabs(src_env.MaxX) > 360 || fabs(src_env.MinY) > 90 ||
                       fabs(src_env.MaxY) > 90))
        return pc_error(ctx, PC_ERR_CRS, shown, l->layer_name, fid, NULL,
                        "coordinates (%.0f %.0f) are not longitude/latitude although the layer's CRS %s is "
                        "geographic; the data is probably projected: assign its real CRS (ogr2ogr -a_srs EPSG:n)",
                        src_env.MinX, src_env.MinY, l->source_crs);
    if (ct && OGR_G_Transform(og, ct) != OGRERR_NONE)
        return pc_error(ctx, PC_ERR_CRS, shown, l->layer_name, fid, NULL,
                        "cannot reproject from %s to the analysis CRS (%s); check the layer's CRS and coordinates",
                        l->source_crs, CPLGetLastErrorMsg());
    GEOSGeometry *g = pc_geom_from_ogr(ctx, og);
    int repaired = 0;
    if (!g && ogr_is_polygonal(og)) {
        /* GEOS refuses rings that are not closed or have fewer than 4 points: an invalid polygon. */
        if (policy == PC_INVALID_FAIL)
            return pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL,
                            "invalid polygon (%s); rerun with --invalid=repair (closes open rings) or --invalid=skip",
                            pc_ctx_geos_message(ctx));
        if (policy == PC_INVALID_REPAIR) {
            OGR_G_CloseRings(og);
            g = pc_geom_from_ogr(ctx, og);
            repaired = g != NULL;
        }
        if (!g) {
            l->n_skipped_invalid++;
            return PC_OK;
        }
    }
    if (!g)
        return pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL, "%s; fix or delete the feature",
                        pc_ctx_message(ctx));
    double env[4];
    if (!pc_geom_envelope(ctx, g, env) || !isfinite(env[0]) || !isfinite(env[1]) || !isfinite(env[2]) ||
        !isfinite(env[3]) || fabs(env[0]) > 1e8 || fabs(env[1]) > 1e8 || fabs(env[2]) > 1e8 || fabs(env[3]) > 1e8) {
        GEOSGeom_destroy_r(geos, g);
        return pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL,
                        "coordinates out of range after reprojection to the analysis CRS; check that the "
                        "layer's declared CRS (%s) matches its coordinates", l->source_crs);
    }
    if (!family_accepts(ctx, role_family[l->role], g)) {
        char *type = GEOSGeomType_r(geos, g);
        pc_status s = pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL,
                               "a %s where the '%s' role expects %s; fix the layer or map another one to the role",
                               type ? type : "geometry", role_names[l->role], family_text(role_family[l->role]));
        GEOSFree_r(geos, type);
        GEOSGeom_destroy_r(geos, g);
        return s;
    }
    if (pc_geom_is_polygonal(ctx, g)) {
        char valid = GEOSisValid_r(geos, g);
        if (valid == 2) {
            GEOSGeom_destroy_r(geos, g);
            return pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL, "GEOS validity check failed (%s)",
                            pc_ctx_geos_message(ctx));
        }
        if (!valid) {
            char *reason = GEOSisValidReason_r(geos, g);
            if (policy == PC_INVALID_FAIL) {
                pc_status s = pc_error(ctx, PC_ERR_GEOM, shown, l->layer_name, fid, NULL,
                                       "invalid polygon (%s); rerun with --invalid=repair or --invalid=skip",
                                       reason ? reason : "unknown reason");
                GEOSFree_r(geos, reason);
                GEOSGeom_destroy_r(geos, g);
                return s;
            }
            GEOSFree_r(geos, reason);
            if (policy == PC_INVALID_SKIP) {
                l->n_skipped_invalid++;
                GEOSGeom_destroy_r(geos, g);
                return PC_OK;
            }
            GEOSGeometry *fixed = pc_geom_make_valid_polygonal(ctx, g);
            GEOSGeom_destroy_r(geos, g);
            if (!fixed) {
                l->n_skipped_invalid++;
                return PC_OK;
            }
            repaired = 1;
            g = fixed;
        }
    }
    l->n_repaired += (size_t)repaired;
    *out = g;
    return PC_OK;
}

/*
 * Read only the study area of a large layer: a spatial filter (in the layer's own CRS) on the
 * boundary and structure extent grown by PC_PLAN_FILTER_MARGIN_M. Returns 1 when a filter was set.
 */
static int set_study_area_filter(const pc_plan *plan, pc_role role, const role_source *rs)
{
    if (role != PC_ROLE_FACILITIES && role != PC_ROLE_STREETS)
        return 0;
    double area[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL}, env[4];
    int found = 0;
    const pc_role study[] = {PC_ROLE_BOUNDARY, PC_ROLE_STRUCTURE};
    for (size_t k = 0; k < sizeof study / sizeof *study; k++)
        if (pc_plan_extent(plan, study[k], env) && isfinite(env[0]) && isfinite(env[3])) {
            pc_geom_envelope_expand(area, env);
            found = 1;
        }
    if (!found)
        return 0;
    area[0] -= PC_PLAN_FILTER_MARGIN_M, area[1] -= PC_PLAN_FILTER_MARGIN_M;
    area[2] += PC_PLAN_FILTER_MARGIN_M, area[3] += PC_PLAN_FILTER_MARGIN_M;
    if (!OSRIsSame(rs->srs, plan->srs)) {
        OGRCoordinateTransformationH back = OCTNewCoordinateTransformation(plan->srs, rs->srs);
        int ok = back && OCTTransformBounds(back, area[0], area[1], area[2], area[3], &env[0], &env[1], &env[2],
                                            &env[3], 21) &&
                 isfinite(env[0]) && isfinite(env[1]) && isfinite(env[2]) && isfinite(env[3]);
        if (back)
            OCTDestroyCoordinateTransformation(back);
        if (!ok)
            return 0;
        memcpy(area, env, sizeof area);
    }
    OGR_L_SetSpatialFilterRect(rs->layer, area[0], area[1], area[2], area[3]);
    return 1;
}

static pc_status read_layer(pc_ctx *ctx, const pc_plan *plan, pc_role role, const role_source *rs,
                            unsigned required, int study_filter, pc_layer **out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    pc_status s = PC_OK;
    OGRCoordinateTransformationH ct = NULL;
    layer_reader reader = {0};
    int filtered = 0;
    char *shown = redact_source(rs->source);
    pc_layer *l = calloc(1, sizeof *l);
    if (!l || !shown) {
        free(shown);
        free(l);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    l->role = role;
    l->source = strdup(shown);
    l->layer_name = strdup(rs->layer_name);
    l->source_crs = strdup(rs->srs_name);
    l->geometry_type = strdup(rs->geometry_type ? rs->geometry_type : "Unknown");
    l->extent[0] = l->extent[1] = HUGE_VAL;
    l->extent[2] = l->extent[3] = -HUGE_VAL;

    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(rs->layer);
    unsigned wanted = role_fields[role] | required;
    for (int k = 0; k < PC_FIELD_COUNT; k++) {
        reader.field_index[k] = -1;
        if (!(wanted & PC_FIELD_BIT(k)))
            continue;
        const char *src_name = rs->field_map[k] ? rs->field_map[k] : field_names[k];
        reader.field_index[k] = OGR_FD_GetFieldIndex(defn, src_name);
        if (reader.field_index[k] < 0 && (required & PC_FIELD_BIT(k))) {
            s = pc_error(ctx, PC_ERR_DATA, shown, rs->layer_name, PC_NO_FID, src_name,
                         "missing; the '%s' role needs %s here (add the field, or map another one in a plan "
                         "file: [fields] %s.%s = YOUR_FIELD)",
                         role_names[role], field_hints[k], role_names[role], field_names[k]);
            goto done;
        }
    }
    if (role == PC_ROLE_RESIDENTS && reader.field_index[PC_FIELD_POP] < 0) {
        s = pc_error(ctx, PC_ERR_DATA, shown, rs->layer_name, PC_NO_FID, "pop",
                     "missing; residents need a population per feature (or map it: [fields] residents.pop = FIELD)");
        goto done;
    }
    if (role == PC_ROLE_RESIDENTS) {
        OGRFieldType type = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, reader.field_index[PC_FIELD_POP]));
        if ((type == OFTInteger || type == OFTInteger64 || type == OFTReal) &&
            (s = check_numeric_cells(ctx, plan, rs, shown,
                                     rs->field_map[PC_FIELD_POP] ? rs->field_map[PC_FIELD_POP] : "pop")))
            goto done;
    }
    if (!OSRIsSame(rs->srs, plan->srs)) {
        CPLErrorReset();
        ct = OCTNewCoordinateTransformation(rs->srs, plan->srs);
        if (!ct) {
            s = pc_error(ctx, PC_ERR_CRS, shown, rs->layer_name, PC_NO_FID, NULL,
                         "no transformation from %s to %s (%s)", rs->srs_name, plan->crs, CPLGetLastErrorMsg());
            goto done;
        }
    }
    int geographic = OSRIsGeographic(rs->srs);
    filtered = study_filter && set_study_area_filter(plan, role, rs);
    CPLErrorReset();
    OGR_L_ResetReading(rs->layer);
    OGRFeatureH feature;
    size_t counter = 0;
    while ((feature = OGR_L_GetNextFeature(rs->layer)) != NULL) {
        int64_t fid = (int64_t)OGR_F_GetFID(feature);
        l->n_source++;
        if ((++counter & 4095) == 0 && (s = pc_ctx_check_cancel(ctx))) {
            OGR_F_Destroy(feature);
            goto done;
        }
        GEOSGeometry *g = NULL;
        s = feature_geometry(ctx, l, plan->invalid, feature, ct, geographic, shown, fid, &g);
        if (s || !g) {
            OGR_F_Destroy(feature);
            if (s)
                goto done;
            continue;
        }
        if ((s = layer_grow(ctx, l, &reader))) {
            GEOSGeom_destroy_r(geos, g);
            OGR_F_Destroy(feature);
            goto done;
        }
        size_t i = l->n;
        if (role == PC_ROLE_RESIDENTS) {
            s = parse_pop(ctx, shown, rs->layer_name, fid,
                          rs->field_map[PC_FIELD_POP] ? rs->field_map[PC_FIELD_POP] : "pop", feature,
                          reader.field_index[PC_FIELD_POP], &l->pop[i]);
            if (s) {
                GEOSGeom_destroy_r(geos, g);
                OGR_F_Destroy(feature);
                goto done;
            }
        }
        for (int k = 0; k < PC_FIELD_COUNT; k++) {
            int idx = reader.field_index[k];
            if (idx < 0)
                continue;
            l->fields[k][i] = OGR_F_IsFieldSetAndNotNull(feature, idx) ? strdup(OGR_F_GetFieldAsString(feature, idx))
                                                                        : NULL;
        }
        l->geoms[i] = g;
        l->fids[i] = fid;
        l->n++;
        double env[4];
        if (pc_geom_envelope(ctx, g, env))
            pc_geom_envelope_expand(l->extent, env);
        OGR_F_Destroy(feature);
    }
    if (CPLGetLastErrorType() >= CE_Failure &&
        (filtered || l->n_source < (size_t)(rs->feature_count > 0 ? rs->feature_count : 0))) {
        s = pc_error(ctx, PC_ERR_IO, shown, rs->layer_name, PC_NO_FID, NULL,
                     "reading stopped after %zu of %lld features (%s); the file may be truncated or damaged",
                     l->n_source, rs->feature_count, CPLGetLastErrorMsg());
        goto done;
    }
    if (role == PC_ROLE_RESIDENTS || role == PC_ROLE_FACILITIES || role == PC_ROLE_SITES) {
        l->x = malloc((l->n ? l->n : 1) * sizeof *l->x);
        l->y = malloc((l->n ? l->n : 1) * sizeof *l->y);
        if (!l->x || !l->y) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading layer %s", l->layer_name);
            goto done;
        }
        for (size_t i = 0; i < l->n; i++)
            if (!pc_geom_representative_xy(ctx, l->geoms[i], &l->x[i], &l->y[i])) {
                s = pc_error(ctx, PC_ERR_GEOM, shown, rs->layer_name, l->fids[i], NULL,
                             "cannot find a point on the geometry (%s)", pc_ctx_geos_message(ctx));
                goto done;
            }
    }
    if (l->n_skipped_empty)
        pc_ctx_warn(ctx, "%s: layer '%s': skipped %zu null or empty geometries", shown, rs->layer_name,
                    l->n_skipped_empty);
    if (l->n_skipped_invalid)
        pc_ctx_warn(ctx, "%s: layer '%s': skipped %zu invalid polygons", shown, rs->layer_name, l->n_skipped_invalid);
    if (l->n_repaired)
        pc_ctx_warn(ctx, "%s: layer '%s': repaired %zu invalid polygons with GEOSMakeValid", shown, rs->layer_name,
                    l->n_repaired);
    if (l->n == 0)
        l->extent[0] = l->extent[1] = l->extent[2] = l->extent[3] = 0.0;
done:
    if (filtered)
        OGR_L_SetSpatialFilter(rs->layer, NULL);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    free(shown);
    if (s) {
        layer_free(geos, l);
        return s;
    }
    *out = l;
    return PC_OK;
}

pc_status pc_plan_load(pc_ctx *ctx, pc_plan *plan, pc_role role, unsigned required_fields)
{
    if ((unsigned)role >= PC_ROLE_COUNT)
        return pc_error_plain(ctx, PC_ERR_ARG, "unknown role %d", (int)role);
    role_source *rs = &plan->roles[role];
    if (!rs->layer && is_pg(plan->path)) {
        char where[512];
        return pc_error(ctx, PC_ERR_DATA, plan->path, role_names[role], PC_NO_FID, NULL,
                        "no table '%s' in %s%s%s%s, which this command needs; add it or map another table in a plan "
                        "file ('%s = PG:...|layername=SCHEMA.TABLE')",
                        role_names[role], pc_pg_describe(plan->path, where, sizeof where),
                        plan->schema ? ", schema '" : " (search path)", plan->schema ? plan->schema : "",
                        plan->schema ? "'" : "", role_names[role]);
    }
    if (!rs->layer)
        return pc_error(ctx, PC_ERR_DATA, plan->path, role_names[role], PC_NO_FID, NULL,
                        "the plan has no '%s' layer, which this command needs; add a layer named '%s' or map one "
                        "in a plan file ('%s = SOURCE|layername=NAME')",
                        role_names[role], role_names[role], role_names[role]);
    if (rs->feature_count == 0) {
        char *shown = redact_source(rs->source);
        pc_status s = pc_error(ctx, PC_ERR_DATA, shown, rs->layer_name, PC_NO_FID, NULL,
                               "the layer has no features, and this command needs %s; fill it or map another layer "
                               "in a plan file ('%s = SOURCE|layername=NAME')",
                               role_hints[role], role_names[role]);
        free(shown);
        return s;
    }
    if (plan->layers[role]) {
        /* Already read: the fields asked for now must be there too. */
        for (int k = 0; k < PC_FIELD_COUNT; k++)
            if ((required_fields & PC_FIELD_BIT(k)) && !plan->layers[role]->fields[k] && k != PC_FIELD_POP)
                return pc_error(ctx, PC_ERR_DATA, rs->source, rs->layer_name, PC_NO_FID, field_names[k],
                                "missing; the '%s' role needs %s here", role_names[role], field_hints[k]);
        return PC_OK;
    }
    pc_status s = read_layer(ctx, plan, role, rs, required_fields, 1, &plan->layers[role]);
    if (!s && plan->layers[role]->n_source == 0 && rs->feature_count > 0) {
        /* Nothing near the study area: read it all, so a wrong CRS or bad coordinates get their message. */
        layer_free(plan->geos, plan->layers[role]);
        plan->layers[role] = NULL;
        s = read_layer(ctx, plan, role, rs, required_fields, 0, &plan->layers[role]);
    }
    const pc_layer *l = plan->layers[role];
    if (!s && l->n == 0 && l->n_source > 0) {
        /* Every feature was skipped: nothing of the layer is left to measure. */
        s = pc_error(ctx, PC_ERR_DATA, l->source, l->layer_name, PC_NO_FID, NULL,
                     "none of its %zu features is usable (%zu null or empty geometries, %zu invalid polygons "
                     "skipped), and this command needs %s; fix the geometries",
                     l->n_source, l->n_skipped_empty, l->n_skipped_invalid, role_hints[role]);
        layer_free(plan->geos, plan->layers[role]);
        plan->layers[role] = NULL;
    }
    return s;
}

pc_status pc_plan_read_extra(pc_ctx *ctx, const pc_plan *plan, pc_role role, const char *path,
                             unsigned required_fields, pc_layer **out)
{
    *out = NULL;
    role_source rs = {0};
    pc_status s = PC_OK;
    char *source = strdup(path);
    char *bar = source ? strstr(source, "|layername=") : NULL;
    if (!source)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    if (bar) {
        *bar = '\0';
        rs.layer_name = strdup(bar + strlen("|layername="));
    }
    rs.source = strdup(source);
    char *shown = redact_source(source);
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds && is_pg(source)) {
        char where[512], line[1024];
        s = pc_error(ctx, PC_ERR_DB, shown, NULL, PC_NO_FID, NULL,
                     "cannot connect to %s (%s); check host, port, dbname and user, and give the password with "
                     "PGPASSWORD or ~/.pgpass",
                     pc_pg_describe(source, where, sizeof where),
                     pc_pg_one_line(*CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "no reason given", line,
                                    sizeof line));
        goto done;
    }
    if (!ds) {
        s = pc_error(ctx, PC_ERR_IO, shown, NULL, PC_NO_FID, NULL, "cannot open as a vector dataset (%s)",
                     *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "no such file or unrecognised format");
        goto done;
    }
    rs.layer = rs.layer_name ? GDALDatasetGetLayerByName(ds, rs.layer_name) : GDALDatasetGetLayerByName(ds, role_names[role]);
    if (!rs.layer && !rs.layer_name && GDALDatasetGetLayerCount(ds) >= 1)
        rs.layer = GDALDatasetGetLayer(ds, 0);
    if (!rs.layer) {
        s = pc_error(ctx, PC_ERR_DATA, shown, rs.layer_name, PC_NO_FID, NULL, "no such layer");
        goto done;
    }
    if (!rs.layer_name)
        rs.layer_name = strdup(OGR_L_GetName(rs.layer));
    rs.geometry_type = strdup(OGRGeometryTypeToName(OGR_L_GetGeomType(rs.layer)));
    rs.feature_count = (long long)OGR_L_GetFeatureCount(rs.layer, 0);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(rs.layer);
    if (srs_is_undefined(srs)) {
        s = pc_error(ctx, PC_ERR_CRS, shown, rs.layer_name, PC_NO_FID, NULL,
                     "the layer has no coordinate reference system; assign one with 'ogr2ogr -a_srs EPSG:n'");
        goto done;
    }
    rs.srs = OSRClone(srs);
    OSRSetAxisMappingStrategy(rs.srs, OAMS_TRADITIONAL_GIS_ORDER);
    rs.srs_name = srs_display_name(rs.srs);
    s = read_layer(ctx, plan, role, &rs, required_fields, 0, out);
done:
    if (ds)
        GDALClose(ds);
    if (rs.srs)
        OSRDestroySpatialReference(rs.srs);
    free(rs.srs_name);
    free(rs.geometry_type);
    free(rs.layer_name);
    free(rs.source);
    free(shown);
    free(source);
    return s;
}

void pc_layer_destroy(pc_ctx *ctx, pc_layer *layer)
{
    layer_free(pc_ctx_geos(ctx), layer);
}

int pc_plan_extent(const pc_plan *plan, pc_role role, double env[4])
{
    const role_source *rs = &plan->roles[role];
    if (!rs->layer || !rs->srs)
        return 0;
    OGREnvelope e;
    if (OGR_L_GetExtent(rs->layer, &e, 1) != OGRERR_NONE)
        return 0;
    if (OSRIsSame(rs->srs, plan->srs)) {
        env[0] = e.MinX, env[1] = e.MinY, env[2] = e.MaxX, env[3] = e.MaxY;
        return 1;
    }
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(rs->srs, plan->srs);
    if (!ct)
        return 0;
    int ok = OCTTransformBounds(ct, e.MinX, e.MinY, e.MaxX, e.MaxY, &env[0], &env[1], &env[2], &env[3], 21);
    OCTDestroyCoordinateTransformation(ct);
    return ok;
}
