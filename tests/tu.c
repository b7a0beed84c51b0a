/* tu.c: fixtures for the CUnit suites: temp folders, GeoPackages from WKT, running the CLI. */
#include "tu.h"

#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_tmpdir(const char *name)
{
    static char buf[1024];
    const char *base = getenv("PC_TEST_TMP");
    if (!base || !*base)
        base = "/tmp/plancheck-tests";
    char cmd[2200];
    snprintf(buf, sizeof buf, "%s/%s", base, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot make %s\n", buf);
    return buf;
}

const char *tu_path(const char *dir, const char *file)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ & 7];
    snprintf(b, 1024, "%s/%s", dir, file);
    return b;
}

int tu_write_layer(const char *path, const char *layer_name, int epsg, const char *geometry_type, const char *fields,
                   const tu_row *rows, int n_rows)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds) {
        const char *ext = strrchr(path, '.');
        const char *driver = ext && strcmp(ext, ".geojson") == 0 ? "GeoJSON" : "GPKG";
        ds = GDALCreate(GDALGetDriverByName(driver), path, 0, 0, 0, GDT_Unknown, NULL);
    }
    if (!ds)
        return -1;
    OGRSpatialReferenceH srs = NULL;
    if (epsg > 0) {
        srs = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(srs, epsg);
    }
    OGRwkbGeometryType gt = wkbUnknown;
    if (strcmp(geometry_type, "point") == 0) gt = wkbPoint;
    else if (strcmp(geometry_type, "line") == 0) gt = wkbLineString;
    else if (strcmp(geometry_type, "polygon") == 0) gt = wkbPolygon;
    else if (strcmp(geometry_type, "multipolygon") == 0) gt = wkbMultiPolygon;
    OGRLayerH layer = GDALDatasetCreateLayer(ds, layer_name, srs, gt, NULL);
    if (srs)
        OSRDestroySpatialReference(srs);
    if (!layer) {
        GDALClose(ds);
        return -1;
    }
    int n_fields = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", fields ? fields : "");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        OGRFieldType type = OFTString;
        if (colon) {
            *colon = '\0';
            type = colon[1] == 'i' ? OFTInteger64 : colon[1] == 'r' ? OFTReal : OFTString;
        }
        OGRFieldDefnH fd = OGR_Fld_Create(tok, type);
        OGR_L_CreateField(layer, fd, 1);
        OGR_Fld_Destroy(fd);
        n_fields++;
    }
    for (int r = 0; r < n_rows; r++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        if (rows[r].wkt) {
            OGRGeometryH g = NULL;
            char *wkt = (char *)rows[r].wkt;
            if (OGR_G_CreateFromWkt(&wkt, NULL, &g) == OGRERR_NONE)
                OGR_F_SetGeometryDirectly(f, g);
        }
        for (int k = 0; k < n_fields && k < 6; k++)
            if (rows[r].values[k])
                OGR_F_SetFieldString(f, k, rows[r].values[k]);
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE)
            fprintf(stderr, "tu_write_layer: cannot write a feature to %s\n", layer_name);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return 0;
}

static char out_buf[1 << 20], err_buf[1 << 16];

static void slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, cap - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

int tu_run(const char *command)
{
    char out_path[] = "/tmp/pc-test-out-XXXXXX", err_path[] = "/tmp/pc-test-err-XXXXXX";
    int fo = mkstemp(out_path), fe = mkstemp(err_path);
    if (fo >= 0)
        close(fo);
    if (fe >= 0)
        close(fe);
    size_t len = strlen(command) + 200;
    char *full = malloc(len);
    snprintf(full, len, "%s >%s 2>%s </dev/null", command, out_path, err_path);
    int status = system(full);
    free(full);
    slurp(out_path, out_buf, sizeof out_buf);
    slurp(err_path, err_buf, sizeof err_buf);
    unlink(out_path);
    unlink(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

const char *tu_stdout(void) { return out_buf; }
const char *tu_stderr(void) { return err_buf; }

int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int tu_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}
