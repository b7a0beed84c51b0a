/* pc_output.c: result datasets written whole or not at all (temporary file, then rename). */
#include "pc_output.h"
#include "pc_geom.h"
#include "pc_output_pg.h"
#include "pc_pg.h"

#include <gdal.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PC_MAX_OUT_LAYERS 64
#define PC_WRITER_CANCEL_EVERY 1024

struct pc_writer {
    pc_ctx *ctx;
    char *path;
    char *tmp_path;
    GDALDatasetH ds;
    OGRSpatialReferenceH srs; /* owned clone */
    OGRLayerH meta;
    OGRLayerH styles;
    int committed;
    int in_transaction;
    size_t n_put; /* features written: cancellation is checked every PC_WRITER_CANCEL_EVERY */
    pc_pg_out *pg;   /* PG: outputs: layers are built in memory, then written in one transaction */
    char *pg_schema; /* set by pc_writer_set_schema */
};

static const char *driver_for(const char *path)
{
    if (pc_pg_is_source(path))
        return "Memory";
    const char *dot = strrchr(path, '.');
    if (!dot || strcasecmp(dot, ".gpkg") == 0)
        return "GPKG";
    if (strcasecmp(dot, ".geojson") == 0 || strcasecmp(dot, ".json") == 0)
        return "GeoJSON";
    if (strcasecmp(dot, ".sqlite") == 0)
        return "SQLite";
    return "GPKG";
}

/* The run's metadata table, started with the CRS, version and time. */
static pc_status start_meta(pc_writer *w, const char *crs_name)
{
    pc_field_def meta_fields[] = {{"key", OFTString}, {"value", OFTString}};
    pc_status s = pc_writer_layer(w, &w->meta, "plancheck_run", wkbNone, meta_fields, 2);
    if (s)
        return s;
    char stamp[64];
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    pc_writer_meta(w, "crs", crs_name ? crs_name : "");
    pc_writer_meta(w, "plancheck_version", PC_VERSION);
    pc_writer_meta(w, "created_utc", stamp);
    return PC_OK;
}

/* A PG: output: connect and check now, so a bad connection fails before any work is written. */
static pc_status open_pg(pc_ctx *ctx, pc_writer **out, const char *path, void *srs, const char *crs_name)
{
    pc_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    w->ctx = ctx;
    w->path = pc_pg_redact(path);
    pc_status s = w->path ? pc_pg_out_open(ctx, &w->pg, path, crs_name, srs)
                          : pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    if (s) {
        pc_writer_destroy(w);
        return s;
    }
    GDALDriverH drv = GDALGetDriverByName("Memory");
    w->ds = drv ? GDALCreate(drv, "plancheck", 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!w->ds) {
        s = pc_error(ctx, PC_ERR_IO, w->path, NULL, PC_NO_FID, NULL, "cannot create the in-memory dataset (%s)",
                     CPLGetLastErrorMsg());
        pc_writer_destroy(w);
        return s;
    }
    w->srs = srs ? OSRClone((OGRSpatialReferenceH)srs) : NULL;
    if (w->srs)
        OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
    if ((s = start_meta(w, crs_name))) {
        pc_writer_destroy(w);
        return s;
    }
    *out = w;
    return PC_OK;
}

pc_status pc_writer_open(pc_ctx *ctx, pc_writer **out, const char *path, void *srs, const char *crs_name)
{
    *out = NULL;
    GDALAllRegister();
    if (pc_pg_is_source(path))
        return open_pg(ctx, out, path, srs, crs_name);
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    if (!*dir)
        snprintf(dir, sizeof dir, "/");
    struct stat st;
    if (stat(dir, &st) != 0)
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL,
                        "the output folder '%s' does not exist; create it first", dir);
    if (!S_ISDIR(st.st_mode))
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL,
                        "'%s' is a file, not a folder; choose another -o", dir);
    if (access(dir, W_OK) != 0)
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL,
                        "the output folder '%s' is not writable; choose another -o", dir);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "is a folder; -o needs a file name such as out.gpkg");

    pc_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    w->ctx = ctx;
    w->path = strdup(path);
    const char *base = slash ? slash + 1 : path;
    const char *ext = strrchr(base, '.');
    size_t len = strlen(dir) + strlen(base) + 64;
    w->tmp_path = malloc(len);
    if (!w->path || !w->tmp_path) {
        pc_writer_destroy(w);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    /* Same folder (so rename is atomic), same extension (drivers check it). */
    snprintf(w->tmp_path, len, "%s/.%.*s.tmp-%ld%s", dir, (int)(ext ? ext - base : (long)strlen(base)), base,
             (long)getpid(), ext ? ext : ".gpkg");
    unlink(w->tmp_path);
    /* access() lets root through anywhere: try a real file, so /proc or a read-only mount fail here, in plain words. */
    int probe = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (probe < 0) {
        pc_status s = pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL,
                               "cannot create a file in the output folder '%s' (%s); choose a writable folder for -o",
                               dir, strerror(errno));
        pc_writer_destroy(w);
        return s;
    }
    close(probe);
    unlink(w->tmp_path);
    GDALDriverH drv = GDALGetDriverByName(driver_for(path));
    CPLErrorReset();
    w->ds = drv ? GDALCreate(drv, w->tmp_path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!w->ds) {
        pc_status s = pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "cannot create the output (%s)",
                               CPLGetLastErrorMsg());
        pc_writer_destroy(w);
        return s;
    }
    w->srs = srs ? OSRClone((OGRSpatialReferenceH)srs) : NULL;
    if (w->srs)
        OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (strcmp(driver_for(path), "GPKG") == 0) {
        pc_status s = start_meta(w, crs_name);
        if (s) {
            pc_writer_destroy(w);
            return s;
        }
    }
    *out = w;
    return PC_OK;
}

static pc_status end_transaction(pc_writer *w)
{
    if (!w->in_transaction)
        return PC_OK;
    w->in_transaction = 0;
    if (GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE)
        return pc_error(w->ctx, PC_ERR_IO, w->path, NULL, PC_NO_FID, NULL, "cannot write (%s)", CPLGetLastErrorMsg());
    return PC_OK;
}

/* fid_name: the primary key column (NULL: the driver's default, "fid"). */
static pc_status create_layer(pc_writer *w, OGRLayerH *out, const char *name, OGRwkbGeometryType gtype,
                              const pc_field_def *fields, int n_fields, const char *fid_name)
{
    pc_status s = end_transaction(w);
    if (s)
        return s;
    char **options = NULL;
    if (gtype == wkbNone && strcmp(driver_for(w->path), "GPKG") == 0)
        options = CSLSetNameValue(options, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    if (fid_name)
        options = CSLSetNameValue(options, "FID", fid_name);
    CPLErrorReset();
    OGRLayerH layer = GDALDatasetCreateLayer(w->ds, name, gtype == wkbNone ? NULL : w->srs, gtype, options);
    CSLDestroy(options);
    if (!layer)
        return pc_error(w->ctx, PC_ERR_IO, w->path, name, PC_NO_FID, NULL, "cannot create the layer (%s)",
                        CPLGetLastErrorMsg());
    for (int i = 0; i < n_fields; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, fields[i].type);
        OGRErr err = OGR_L_CreateField(layer, fd, 1);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return pc_error(w->ctx, PC_ERR_IO, w->path, name, PC_NO_FID, fields[i].name,
                            "cannot create the field (%s)", CPLGetLastErrorMsg());
    }
    /* One transaction per layer: a GeoPackage writes thousands of times faster that way. */
    if (GDALDatasetStartTransaction(w->ds, 0) == OGRERR_NONE)
        w->in_transaction = 1;
    *out = layer;
    return PC_OK;
}

pc_status pc_writer_layer(pc_writer *w, OGRLayerH *out, const char *name, OGRwkbGeometryType gtype,
                          const pc_field_def *fields, int n_fields)
{
    return create_layer(w, out, name, gtype, fields, n_fields, NULL);
}

OGRFeatureH pc_writer_feature(OGRLayerH layer) { return OGR_F_Create(OGR_L_GetLayerDefn(layer)); }

pc_status pc_writer_put(pc_writer *w, OGRLayerH layer, OGRFeatureH feature, const GEOSGeometry *geometry)
{
    pc_status s = PC_OK;
    if (++w->n_put % PC_WRITER_CANCEL_EVERY == 0 && (s = pc_ctx_check_cancel(w->ctx))) {
        OGR_F_Destroy(feature);
        return s;
    }
    if (geometry) {
        OGRGeometryH g = pc_geom_to_ogr(w->ctx, geometry);
        if (!g) {
            OGR_F_Destroy(feature);
            return pc_ctx_status(w->ctx);
        }
        OGR_F_SetGeometryDirectly(feature, g);
    }
    CPLErrorReset();
    if (OGR_L_CreateFeature(layer, feature) != OGRERR_NONE)
        s = pc_error(w->ctx, PC_ERR_IO, w->path, OGR_L_GetName(layer), PC_NO_FID, NULL, "cannot write a feature (%s)",
                     CPLGetLastErrorMsg());
    OGR_F_Destroy(feature);
    return s;
}

pc_status pc_writer_meta(pc_writer *w, const char *key, const char *value)
{
    if (!w->meta)
        return PC_OK;
    OGRFeatureH f = pc_writer_feature(w->meta);
    OGR_F_SetFieldString(f, 0, key);
    OGR_F_SetFieldString(f, 1, value ? value : "");
    return pc_writer_put(w, w->meta, f, NULL);
}

pc_status pc_writer_style(pc_writer *w, const char *layer_name, const char *style_name, const char *qml)
{
    if (strcmp(driver_for(w->path), "GPKG") != 0)
        return PC_OK;
    if (!w->styles) {
        /* The schema QGIS (3.22) reads and writes: primary key 'id' (QGIS lists and fetches styles by it),
         * f_table_schema must be '' rather than NULL. */
        pc_field_def fields[] = {
            {"f_table_catalog", OFTString}, {"f_table_schema", OFTString}, {"f_table_name", OFTString},
            {"f_geometry_column", OFTString}, {"styleName", OFTString}, {"styleQML", OFTString},
            {"styleSLD", OFTString}, {"useAsDefault", OFTInteger}, {"description", OFTString},
            {"owner", OFTString}, {"ui", OFTString}, {"update_time", OFTDateTime}};
        pc_status s = create_layer(w, &w->styles, "layer_styles", wkbNone, fields, 12, "id");
        if (s)
            return s;
        OGR_Fld_SetSubType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(w->styles), 7), OFSTBoolean);
    }
    OGRFeatureH f = pc_writer_feature(w->styles);
    OGR_F_SetFieldString(f, 0, "");
    OGR_F_SetFieldString(f, 1, "");
    OGR_F_SetFieldString(f, 2, layer_name);
    OGR_F_SetFieldString(f, 3, "geom");
    OGR_F_SetFieldString(f, 4, style_name);
    OGR_F_SetFieldString(f, 5, qml);
    OGR_F_SetFieldString(f, 6, "");
    OGR_F_SetFieldInteger(f, 7, 1);
    OGR_F_SetFieldString(f, 8, "written by plancheck");
    OGR_F_SetFieldString(f, 9, "");
    OGR_F_SetFieldString(f, 10, "");
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    OGR_F_SetFieldDateTimeEx(f, 11, tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min,
                             (float)tmv.tm_sec, 100);
    return pc_writer_put(w, w->styles, f, NULL);
}

pc_status pc_writer_set_schema(pc_writer *w, const char *schema)
{
    if (!w->pg || !schema)
        return PC_OK;
    const char *problem = pc_pg_ident_problem(schema);
    if (problem)
        return pc_error(w->ctx, PC_ERR_ARG, w->path, NULL, PC_NO_FID, NULL,
                        "--out-schema '%s' cannot be a PostgreSQL schema name (%s); choose another", schema, problem);
    char *copy = strdup(schema);
    if (!copy)
        return pc_error_plain(w->ctx, PC_ERR_NOMEM, "out of memory");
    free(w->pg_schema);
    w->pg_schema = copy;
    return PC_OK;
}

pc_status pc_writer_commit(pc_writer *w)
{
    pc_status s = pc_ctx_check_cancel(w->ctx);
    if (s)
        return s;
    if ((s = end_transaction(w)))
        return s;
    if (w->pg) {
        const char *schema = w->pg_schema          ? w->pg_schema
                             : pc_pg_out_conn_schema(w->pg) ? pc_pg_out_conn_schema(w->pg)
                                                            : PC_PG_DEFAULT_SCHEMA;
        if ((s = pc_pg_out_commit(w->pg, w->ds, schema, "plancheck_run")))
            return s;
        w->committed = 1;
        return PC_OK;
    }
    CPLErrorReset();
    GDALClose(w->ds);
    w->ds = NULL;
    if (CPLGetLastErrorType() >= CE_Failure)
        return pc_error(w->ctx, PC_ERR_IO, w->path, NULL, PC_NO_FID, NULL, "cannot finish writing (%s)",
                        CPLGetLastErrorMsg());
    if (rename(w->tmp_path, w->path) != 0)
        return pc_error(w->ctx, PC_ERR_IO, w->path, NULL, PC_NO_FID, NULL, "cannot move the output into place (%s)",
                        strerror(errno));
    w->committed = 1;
    return PC_OK;
}

void pc_writer_destroy(pc_writer *w)
{
    if (!w)
        return;
    if (w->ds) {
        if (w->in_transaction)
            GDALDatasetRollbackTransaction(w->ds);
        GDALClose(w->ds);
    }
    if (!w->committed && w->tmp_path) {
        unlink(w->tmp_path);
        /* SQLite's side files, should a crash inside GDAL have left them. */
        const char *side[] = {"-journal", "-wal", "-shm"};
        for (size_t k = 0; k < sizeof side / sizeof *side; k++) {
            char name[4200];
            int n = snprintf(name, sizeof name, "%s%s", w->tmp_path, side[k]);
            if (n > 0 && (size_t)n < sizeof name)
                unlink(name);
        }
    }
    if (w->srs)
        OSRDestroySpatialReference(w->srs);
    pc_pg_out_destroy(w->pg);
    free(w->pg_schema);
    free(w->path);
    free(w->tmp_path);
    free(w);
}

void *pc_writer_dataset(pc_writer *w) { return w->ds; }
