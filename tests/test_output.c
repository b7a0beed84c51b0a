/* test_output.c: outputs written whole or not at all: temp file and rename, a failed or cancelled run, bad folders. */
#include "tu.h"
#include "pc_output.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole file as bytes (caller frees); NULL when unreadable. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    *size = buf && n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    return buf;
}

static OGRSpatialReferenceH srs_4548(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4548);
    return srs;
}

/* Open a writer and put n points into a layer 'pts'; returns the status of the first failing call. */
static pc_status write_points(pc_ctx *ctx, pc_writer **w, const char *path, int n, int cancel_after)
{
    OGRSpatialReferenceH srs = srs_4548();
    pc_status s = pc_writer_open(ctx, w, path, srs, "EPSG:4548");
    OSRDestroySpatialReference(srs);
    if (s)
        return s;
    OGRLayerH layer = NULL;
    pc_field_def fields[] = {{"k", OFTInteger}};
    if ((s = pc_writer_layer(*w, &layer, "pts", wkbPoint, fields, 1)))
        return s;
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    for (int i = 0; i < n; i++) {
        if (i == cancel_after)
            pc_ctx_cancel(ctx);
        OGRFeatureH f = pc_writer_feature(layer);
        OGR_F_SetFieldInteger(f, 0, i);
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(geos, 500000 + i, 4318000);
        s = pc_writer_put(*w, layer, f, p);
        GEOSGeom_destroy_r(geos, p);
        if (s)
            return s;
    }
    return PC_OK;
}

static long feature_count(const char *path, const char *layer_name)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return -1;
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, layer_name);
    long n = layer ? (long)OGR_L_GetFeatureCount(layer, 1) : -1;
    GDALClose(ds);
    return n;
}

static void test_commit_and_replace(void)
{
    GDALAllRegister();
    const char *dir = tu_tmpdir("output_commit");
    char path[1024];
    snprintf(path, sizeof path, "%s", tu_path(dir, "out.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_writer *w = NULL;
    /* Before the commit only a hidden temporary file exists, beside the output. */
    TU_ASSERT_INT(write_points(ctx, &w, path, 3, -1), PC_OK);
    CU_ASSERT(!tu_exists(path));
    CU_ASSERT(tu_count_files(dir) >= 1);
    TU_ASSERT_INT(pc_writer_commit(w), PC_OK);
    pc_writer_destroy(w);
    TU_ASSERT_INT(feature_count(path, "pts"), 3);
    TU_ASSERT_INT(tu_count_files(dir), 1);

    /* A second successful run replaces it whole. */
    TU_ASSERT_INT(write_points(ctx, &w, path, 5, -1), PC_OK);
    TU_ASSERT_INT(pc_writer_commit(w), PC_OK);
    pc_writer_destroy(w);
    TU_ASSERT_INT(feature_count(path, "pts"), 5);
    TU_ASSERT_INT(tu_count_files(dir), 1);
    pc_ctx_destroy(ctx);
}

/* A run that fails after writing (no commit) or is cancelled mid-write leaves the previous output as it was. */
static void test_failed_and_cancelled_runs_keep_the_previous_output(void)
{
    GDALAllRegister();
    /* GDAL complains on stderr when a rolled-back layer is closed; the CLI silences it the same way. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const char *dir = tu_tmpdir("output_keep");
    char path[1024];
    snprintf(path, sizeof path, "%s", tu_path(dir, "out.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_writer *w = NULL;
    TU_ASSERT_INT(write_points(ctx, &w, path, 2, -1), PC_OK);
    TU_ASSERT_INT(pc_writer_commit(w), PC_OK);
    pc_writer_destroy(w);
    size_t size_before = 0, size_after = 0;
    unsigned char *before = slurp(path, &size_before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);

    /* Failure: the analysis stops after some features, the writer is destroyed uncommitted. */
    TU_ASSERT_INT(write_points(ctx, &w, path, 100, -1), PC_OK);
    pc_writer_destroy(w);
    unsigned char *after = slurp(path, &size_after);
    TU_ASSERT_INT(size_after, size_before);
    CU_ASSERT(after && memcmp(before, after, size_before) == 0);
    free(after);
    TU_ASSERT_INT(tu_count_files(dir), 1);

    /* Cancel (as Ctrl-C does) after 10 of 3000 features: a put within the next 1024 says so. */
    TU_ASSERT_INT(write_points(ctx, &w, path, 3000, 10), PC_ERR_CANCELLED);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "cancelled; nothing was written");
    TU_ASSERT_INT(pc_writer_commit(w), PC_ERR_CANCELLED);
    pc_writer_destroy(w);
    after = slurp(path, &size_after);
    TU_ASSERT_INT(size_after, size_before);
    CU_ASSERT(after && memcmp(before, after, size_before) == 0);
    free(after);
    TU_ASSERT_INT(tu_count_files(dir), 1);
    pc_ctx_destroy(ctx);

    /* Cancelled between the last feature and the commit: the commit refuses, nothing is renamed. */
    ctx = pc_ctx_create();
    TU_ASSERT_INT(write_points(ctx, &w, path, 3, -1), PC_OK);
    pc_ctx_cancel(ctx);
    TU_ASSERT_INT(pc_writer_commit(w), PC_ERR_CANCELLED);
    pc_writer_destroy(w);
    after = slurp(path, &size_after);
    TU_ASSERT_INT(size_after, size_before);
    CU_ASSERT(after && memcmp(before, after, size_before) == 0);
    free(after);
    TU_ASSERT_INT(tu_count_files(dir), 1);
    free(before);
    pc_ctx_destroy(ctx);
    CPLPopErrorHandler();
}

static void test_bad_output_paths(void)
{
    GDALAllRegister();
    const char *dir = tu_tmpdir("output_paths");
    char path[1100], file[1024];
    pc_ctx *ctx = pc_ctx_create();
    pc_writer *w = NULL;
    OGRSpatialReferenceH srs = srs_4548();

    snprintf(path, sizeof path, "%s", tu_path(dir, "missing/out.gpkg"));
    TU_ASSERT_INT(pc_writer_open(ctx, &w, path, srs, "EPSG:4548"), PC_ERR_IO);
    CU_ASSERT_PTR_NULL(w);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "missing/out.gpkg: the output folder");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "does not exist; create it first");

    /* A regular file where the folder should be. */
    snprintf(file, sizeof file, "%s", tu_path(dir, "notes.txt"));
    FILE *f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("notes\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/out.gpkg", file);
    TU_ASSERT_INT(pc_writer_open(ctx, &w, path, srs, "EPSG:4548"), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "notes.txt' is a file, not a folder");

    /* A folder where the output file should be. */
    TU_ASSERT_INT(pc_writer_open(ctx, &w, dir, srs, "EPSG:4548"), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "is a folder; -o needs a file name");

    /* A folder no one can create files in, not even root (the tests run as root in CI). */
    TU_ASSERT_INT(pc_writer_open(ctx, &w, "/proc/plancheck-test.gpkg", srs, "EPSG:4548"), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "/proc/plancheck-test.gpkg: cannot create a file in the output folder '/proc'");
    CU_ASSERT(!tu_exists("/proc/plancheck-test.gpkg"));

    TU_ASSERT_INT(tu_count_files(dir), 1); /* notes.txt only */
    OSRDestroySpatialReference(srs);
    pc_ctx_destroy(ctx);
}

int pc_test_register_output(void)
{
    CU_pSuite suite = CU_add_suite("output", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "commit renames the temporary file; a new run replaces the output", test_commit_and_replace);
    CU_add_test(suite, "failed and cancelled runs keep the previous output byte for byte",
                test_failed_and_cancelled_runs_keep_the_previous_output);
    CU_add_test(suite, "missing folder, a file as folder, a folder as file, /proc", test_bad_output_paths);
    return 0;
}
