/* test_osm.c: import-osm: the tag tables on a hand-written .osm fixture, population modes, errors, a real extract. */
#include "tu.h"
#include "pc_osm.h"
#include "pc_plan.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>

/*
 * The fixture is drawn in EPSG:4548 metres relative to (500000, 4318000) (lon 117 E, lat 39 N) and
 * written as lon/lat, so areas are known by hand: an apartment block 20 m x 10 m with 6 storeys is
 * 1200 m2 of floor area.
 */
#define X0 500000.0
#define Y0 4318000.0

/* OSM stores coordinates to 1e-7 degree: at 39 N a corner moves up to 0.56 cm (latitude) when rounded,
 * so a polygon's area is exact to its perimeter x 0.6 cm. */
#define OSM_AREA_TOL(perimeter_m) ((perimeter_m) * 0.006)

typedef struct xml_buf {
    char *text;
    size_t len, cap;
    OGRCoordinateTransformationH to_lonlat;
    long next_node;
} xml_buf;

static void xml_add(xml_buf *b, const char *fmt, ...) PC_PRINTF(2, 3);
static void xml_add(xml_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->text = realloc(b->text, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->text + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void lonlat(xml_buf *b, double x, double y, double *lon, double *lat)
{
    double px = X0 + x, py = Y0 + y, pz = 0;
    OCTTransform(b->to_lonlat, 1, &px, &py, &pz);
    *lon = px;
    *lat = py;
}

/* A node with tags ("k=v|k=v"); returns its id. */
static long node(xml_buf *b, double x, double y, const char *tags)
{
    double lon, lat;
    lonlat(b, x, y, &lon, &lat);
    long id = b->next_node++;
    xml_add(b, " <node id=\"%ld\" lat=\"%.10f\" lon=\"%.10f\">", id, lat, lon);
    if (tags && *tags) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", tags);
        char *save = NULL;
        for (char *kv = strtok_r(copy, "|", &save); kv; kv = strtok_r(NULL, "|", &save)) {
            char *eq = strchr(kv, '=');
            *eq = '\0';
            xml_add(b, "<tag k=\"%s\" v=\"%s\"/>", kv, eq + 1);
        }
    }
    xml_add(b, "</node>\n");
    return id;
}

/* A way through points (x y pairs); closed when the first and last pair are equal. Nodes are emitted
 * before it, so ways are collected separately and appended after all nodes. */
static void way(xml_buf *nodes, xml_buf *ways, long id, const char *tags, int n_points, const double *xy)
{
    long ids[16];
    for (int i = 0; i < n_points; i++) {
        int same_as_first = i == n_points - 1 && i > 0 && xy[2 * i] == xy[0] && xy[2 * i + 1] == xy[1];
        ids[i] = same_as_first ? ids[0] : node(nodes, xy[2 * i], xy[2 * i + 1], NULL);
    }
    xml_add(ways, " <way id=\"%ld\">", id);
    for (int i = 0; i < n_points; i++)
        xml_add(ways, "<nd ref=\"%ld\"/>", ids[i]);
    char copy[512];
    snprintf(copy, sizeof copy, "%s", tags);
    char *save = NULL;
    for (char *kv = strtok_r(copy, "|", &save); kv; kv = strtok_r(NULL, "|", &save)) {
        char *eq = strchr(kv, '=');
        *eq = '\0';
        xml_add(ways, "<tag k=\"%s\" v=\"%s\"/>", kv, eq + 1);
    }
    xml_add(ways, "</way>\n");
}

static void rect(xml_buf *nodes, xml_buf *ways, long id, const char *tags, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    way(nodes, ways, id, tags, 5, xy);
}

static void line(xml_buf *nodes, xml_buf *ways, long id, const char *tags, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y1};
    way(nodes, ways, id, tags, 2, xy);
}

/* Write the fixture; returns its path. */
static const char *write_fixture(const char *dir)
{
    OGRSpatialReferenceH gk = OSRNewSpatialReference(NULL), wgs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(gk, 4548);
    OSRImportFromEPSG(wgs, 4326);
    OSRSetAxisMappingStrategy(gk, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    xml_buf nodes = {0}, ways = {0};
    nodes.to_lonlat = OCTNewCoordinateTransformation(gk, wgs);
    nodes.next_node = 1;

    /* Facilities (nodes) along y = 900. */
    node(&nodes, 100, 900, "amenity=school|isced:level=1|name=Test School A");       /* primary */
    node(&nodes, 200, 900, "amenity=school|name=第一中学");                          /* middle */
    node(&nodes, 300, 900, "amenity=school|name=实验九年一贯制学校");                /* both */
    node(&nodes, 350, 900, "amenity=school|school:level=primary|name=Sunshine");      /* primary */
    node(&nodes, 400, 900, "amenity=social_facility|social_facility=nursing_home");   /* elderly_care */
    node(&nodes, 500, 900, "amenity=social_facility|social_facility=day_care|social_facility:for=senior");
    node(&nodes, 600, 900, "amenity=restaurant|name=Noodles");                        /* unmapped */
    node(&nodes, 700, 900, "shop=convenience|name=Shop &quot;7&quot;");              /* convenience */
    node(&nodes, 800, 900, "amenity=school|name=第一高级中学");                      /* senior: skipped */
    node(&nodes, 900, 900, "amenity=clinic|name=某某社区卫生服务中心");              /* health_center */

    /* Streets. */
    line(&nodes, &ways, 100, "highway=motorway", 0, 500, 1000, 500);
    line(&nodes, &ways, 101, "highway=motorway|sidewalk=both", 0, 450, 1000, 450);
    line(&nodes, &ways, 102, "highway=footway", 500, 0, 500, 1000);
    line(&nodes, &ways, 103, "highway=residential|foot=no", 0, 400, 1000, 400);
    line(&nodes, &ways, 104, "highway=cycleway", 0, 350, 1000, 350);
    line(&nodes, &ways, 105, "highway=cycleway|foot=designated", 0, 300, 1000, 300);

    /* Residents. */
    rect(&nodes, &ways, 200, "building=apartments|building:levels=6", 100, 100, 120, 110); /* 1200 m2 */
    rect(&nodes, &ways, 201, "building=house", 200, 100, 210, 110);                          /* 2 x 100 */
    rect(&nodes, &ways, 202, "landuse=residential", 300, 0, 400, 100);
    rect(&nodes, &ways, 203, "building=yes", 340, 40, 350, 50);                              /* 6 x 100 */
    rect(&nodes, &ways, 204, "landuse=residential", 600, 0, 700, 100);                       /* 1 x 10000 */
    rect(&nodes, &ways, 205, "building=yes", 800, 100, 810, 110);                            /* outside landuse */

    /* Parks and a pitch. */
    rect(&nodes, &ways, 206, "leisure=park|name=Central Park", 100, 600, 250, 700);          /* 15000: G12 */
    rect(&nodes, &ways, 207, "leisure=garden", 120, 620, 170, 660);                          /* inside 206 */
    rect(&nodes, &ways, 208, "leisure=garden", 300, 600, 350, 640);                          /* 2000: G14 */
    rect(&nodes, &ways, 209, "leisure=park|access=private", 400, 600, 450, 650);
    rect(&nodes, &ways, 210, "leisure=pitch|sport=basketball", 600, 600, 630, 620);          /* sports_mid */
    line(&nodes, &ways, 211, "natural=coastline", 0, 990, 1000, 990);
    /* A self-intersecting (bow-tie) supermarket: repaired, then a market point inside it. */
    const double bowtie[] = {850, 700, 900, 750, 900, 700, 850, 750, 850, 700};
    way(&nodes, &ways, 212, "shop=supermarket", 5, bowtie);

    double lon0, lat0, lon1, lat1, lon2, lat2, lon3, lat3;
    lonlat(&nodes, -10, -10, &lon0, &lat0);
    lonlat(&nodes, 1010, 1010, &lon1, &lat1);
    lonlat(&nodes, -10, 1010, &lon2, &lat2);
    lonlat(&nodes, 1010, -10, &lon3, &lat3);
    const char *path = tu_path(dir, "fixture.osm");
    FILE *f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"test_osm.c\">\n");
    fprintf(f, " <bounds minlat=\"%.10f\" minlon=\"%.10f\" maxlat=\"%.10f\" maxlon=\"%.10f\"/>\n", fmin(lat0, lat3),
            fmin(lon0, lon2), fmax(lat1, lat2), fmax(lon1, lon3));
    fputs(nodes.text, f);
    fputs(ways.text, f);
    fputs("</osm>\n", f);
    fclose(f);
    free(nodes.text);
    free(ways.text);
    OCTDestroyCoordinateTransformation(nodes.to_lonlat);
    OSRDestroySpatialReference(gk);
    OSRDestroySpatialReference(wgs);
    return path;
}

/* Import the fixture with the given options; returns the result (caller frees) or NULL. */
static pc_osm_result *import_fixture(pc_ctx *ctx, const char *dir, const char *out, pc_osm_options *opts)
{
    static char fixture[1024];
    snprintf(fixture, sizeof fixture, "%s", write_fixture(dir));
    pc_osm_result *r = NULL;
    pc_status s = pc_osm_import(ctx, &r, fixture, out, opts);
    if (s)
        fprintf(stderr, "\n  import failed: %s\n", pc_ctx_message(ctx));
    TU_ASSERT_INT(s, PC_OK);
    return r;
}

/* Count features of a layer matching an OGR SQL WHERE clause, read back from the written file. */
static long long count_where(const char *path, const char *layer_name, const char *where)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return -1;
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, layer_name);
    long long n = -1;
    if (layer) {
        OGR_L_SetAttributeFilter(layer, where);
        n = OGR_L_GetFeatureCount(layer, 1);
    }
    GDALClose(ds);
    return n;
}

/* A real field of the one feature matching where, or NAN. */
static double real_where(const char *path, const char *layer_name, const char *where, const char *field)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    double v = NAN;
    if (!ds)
        return v;
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, layer_name);
    if (layer && OGR_L_SetAttributeFilter(layer, where) == OGRERR_NONE && OGR_L_GetFeatureCount(layer, 1) == 1) {
        OGRFeatureH f = OGR_L_GetNextFeature(layer);
        int i = OGR_F_GetFieldIndex(f, field);
        if (i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i))
            v = OGR_F_GetFieldAsDouble(f, i);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return v;
}

static void test_facility_table(void)
{
    const char *dir = tu_tmpdir("osm_facilities");
    char out[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.crs = "EPSG:4548";
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->crs, "EPSG:4548");
    /* isced:level=1 and school:level=primary and the 一贯制 school; 中学 and the 一贯制 school. */
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "primary_school"), 3);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "middle_school"), 2);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "elderly_care"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "elderly_daycare"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "convenience"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "health_center"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "sports_mid"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "clinic"), 0);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "market"), 1);
    TU_ASSERT_INT(r->categories.n, 15); /* every code of the default profile, zeros included */
    TU_ASSERT_INT(r->n_features[PC_ROLE_FACILITIES], 11);
    TU_ASSERT_INT(r->n_repaired, 1); /* the bow-tie */
    TU_ASSERT_INT(pc_osm_tally_get(&r->unmapped, "amenity=restaurant"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "facilities: amenity=school named as a senior high school (高中)"), 1);
    /* Read back from the file, not from the summary. */
    TU_ASSERT_INT(count_where(out, "facilities", "category = 'primary_school'"), 3);
    TU_ASSERT_INT(count_where(out, "facilities", "category = 'middle_school'"), 2);
    TU_ASSERT_INT(count_where(out, "facilities", "name = '实验九年一贯制学校'"), 2);
    TU_ASSERT_INT(count_where(out, "facilities", "name = 'Shop \"7\"' AND category = 'convenience'"), 1);
    TU_ASSERT_INT(count_where(out, "facilities", "basis = 'isced:level=1'"), 1);
    /* The pitch polygon became a point inside it (600..630, 600..620). */
    TU_ASSERT_INT(count_where(out, "facilities", "category = 'sports_mid' AND osm_id = 'way/210'"), 1);
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

static void test_streets(void)
{
    const char *dir = tu_tmpdir("osm_streets");
    char out[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_result *r = import_fixture(ctx, dir, out, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    /* motorway+sidewalk, footway, cycleway+foot=designated; not: motorway, foot=no, cycleway, coastline. */
    TU_ASSERT_INT(r->n_features[PC_ROLE_STREETS], 3);
    TU_ASSERT_INT(count_where(out, "streets", "highway = 'motorway' AND walk_tag = 'sidewalk=both'"), 1);
    TU_ASSERT_INT(count_where(out, "streets", "osm_id = 'way/100'"), 0);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "streets: highway=motorway without sidewalk or foot tag"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "streets: highway=residential with foot=no"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "streets: highway=cycleway without foot access"), 1);
    TU_ASSERT_INT(r->n_features[PC_ROLE_COASTLINE], 1);
    /* The automatic CRS at lon 117 E, lat 39 N is CGCS2000 GK CM 117E. */
    CU_ASSERT_STRING_EQUAL(r->crs, "EPSG:4548");
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

static void test_residents_population(void)
{
    const char *dir = tu_tmpdir("osm_residents");
    char out[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.crs = "EPSG:4548";
    opts.population = 24000;
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    /* Floor area: 20 x 10 x 6 + 10 x 10 x 2 (house default) + 10 x 10 x 6 (building=yes in landuse, default)
     * + 100 x 100 x 1.0 (landuse with no building) = 1200 + 200 + 600 + 10000 = 12000 m2. */
    const double tol_total = OSM_AREA_TOL(60 * 6 + 40 * 2 + 40 * 6 + 400);
    TU_ASSERT_NEAR(r->floor_area_m2, 12000.0, tol_total);
    TU_ASSERT_INT(r->n_resident_buildings, 3);
    TU_ASSERT_INT(r->n_resident_landuse, 1);
    TU_ASSERT_INT(r->n_features[PC_ROLE_RESIDENTS], 4);
    TU_ASSERT_NEAR(r->pop_total, 24000.0, 1e-6);
    double fa[4];
    const char *ids[4] = {"osm_id = 'way/200'", "osm_id = 'way/201'", "osm_id = 'way/203'", "osm_id = 'way/204'"};
    for (int i = 0; i < 4; i++)
        fa[i] = real_where(out, "residents", ids[i], "floor_area_m2");
    TU_ASSERT_NEAR(fa[0], 1200.0, OSM_AREA_TOL(60) * 6);
    TU_ASSERT_NEAR(real_where(out, "residents", ids[0], "footprint_m2"), 200.0, OSM_AREA_TOL(60));
    TU_ASSERT_NEAR(real_where(out, "residents", ids[0], "levels"), 6.0, 0);
    TU_ASSERT_NEAR(fa[1], 200.0, OSM_AREA_TOL(40) * 2);
    TU_ASSERT_NEAR(real_where(out, "residents", ids[1], "levels"), 2.0, 0);
    TU_ASSERT_NEAR(fa[2], 600.0, OSM_AREA_TOL(40) * 6);
    TU_ASSERT_NEAR(fa[3], 10000.0, OSM_AREA_TOL(400));
    /* pop = N x floor-area share, from the floor areas in the file. */
    double sum = fa[0] + fa[1] + fa[2] + fa[3];
    for (int i = 0; i < 4; i++)
        TU_ASSERT_NEAR(real_where(out, "residents", ids[i], "pop"), 24000.0 * fa[i] / sum, 1e-6);
    TU_ASSERT_INT(count_where(out, "residents", "osm_id = 'way/202'"), 0); /* represented by its building */
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "residents: building=yes outside residential landuse"), 1);
    TU_ASSERT_CONTAINS(r->note, "24000 residents");
    pc_osm_result_destroy(r);

    /* Without a population: pop is the floor-area share and the note says so. */
    opts.population = 0;
    r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->pop_source, PC_OSM_POP_SHARE);
    TU_ASSERT_NEAR(r->pop_total, 1.0, 1e-9);
    double fa0 = real_where(out, "residents", "osm_id = 'way/200'", "floor_area_m2");
    TU_ASSERT_NEAR(real_where(out, "residents", "osm_id = 'way/200'", "pop"), fa0 / r->floor_area_m2, 1e-12);
    TU_ASSERT_NEAR(real_where(out, "residents", "osm_id = 'way/200'", "pop"), 0.1, 0.001);
    TU_ASSERT_CONTAINS(r->note, "no population given: pop is floor-area share");

    /* The plan loads as a plan: residents have valid pop, every role the import writes is there. */
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, out, NULL), PC_OK);
    if (plan) {
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP)), PC_OK);
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_FACILITIES, PC_FIELD_BIT(PC_FIELD_CATEGORY)), PC_OK);
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_STRUCTURE, PC_FIELD_BIT(PC_FIELD_TIER)), PC_OK);
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_PARKS, PC_FIELD_BIT(PC_FIELD_CLASS)), PC_OK);
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_STREETS, PC_FIELD_BIT(PC_FIELD_HIGHWAY)), PC_OK);
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_COASTLINE, 0), PC_OK);
        const pc_layer *res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
        if (res)
            TU_ASSERT_INT(res->n, 4);
        CU_ASSERT_STRING_EQUAL(pc_plan_crs(plan), "EPSG:4548");
    }
    pc_plan_destroy(plan);
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

static void test_parks(void)
{
    const char *dir = tu_tmpdir("osm_parks");
    char out[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.crs = "EPSG:4548";
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_features[PC_ROLE_PARKS], 2);
    TU_ASSERT_INT(pc_osm_tally_get(&r->park_classes, "G12"), 1); /* 150 x 100 = 15000 m2 */
    TU_ASSERT_INT(pc_osm_tally_get(&r->park_classes, "G14"), 1); /* the garden outside the park */
    TU_ASSERT_NEAR(real_where(out, "parks", "osm_id = 'way/206'", "area_m2"), 15000.0, OSM_AREA_TOL(500));
    TU_ASSERT_INT(count_where(out, "parks", "osm_id = 'way/206' AND class = 'G12' AND name = 'Central Park'"), 1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "parks: leisure=garden inside a larger park (its area is counted there)"),
                  1);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "parks: leisure=park with access=private (not public)"), 1);
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

/* A 2 x 2 raster of 500 m cells in EPSG:4548 with its top-left corner at (X0, Y0 + 1000). */
static const char *write_raster(const char *dir, const double values[4])
{
    const char *path = tu_path(dir, "pop.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 2, 2, 1, GDT_Float32, NULL);
    double gt[6] = {X0, 500, 0, Y0 + 1000, 0, -500};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4548);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    float v[4] = {(float)values[0], (float)values[1], (float)values[2], (float)values[3]};
    CPLErr err = GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 2, 2, v, 2, 2, GDT_Float32, 0, 0);
    CU_ASSERT_EQUAL(err, CE_None);
    GDALClose(ds);
    return path;
}

static void test_population_raster(void)
{
    const char *dir = tu_tmpdir("osm_raster");
    char out[1024], tif[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    /* Rows top to bottom: y 500..1000 then 0..500. The bottom-left cell holds the apartments, the house and
     * the building in landuse 202 (floor areas 1200, 200, 600); the bottom-right cell landuse 204. */
    const double values[4] = {50, 0, 1000, 300};
    snprintf(tif, sizeof tif, "%s", write_raster(dir, values));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.crs = "EPSG:4548";
    opts.population_raster = tif;
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->pop_source, PC_OSM_POP_RASTER);
    double fa[3];
    const char *ids[3] = {"osm_id = 'way/200'", "osm_id = 'way/201'", "osm_id = 'way/203'"};
    for (int i = 0; i < 3; i++)
        fa[i] = real_where(out, "residents", ids[i], "floor_area_m2");
    for (int i = 0; i < 3; i++)
        TU_ASSERT_NEAR(real_where(out, "residents", ids[i], "pop"), 1000.0 * fa[i] / (fa[0] + fa[1] + fa[2]), 1e-6);
    TU_ASSERT_NEAR(real_where(out, "residents", ids[0], "pop"), 1000.0 * 1200 / 2000, 1.0); /* about 600 */
    TU_ASSERT_NEAR(real_where(out, "residents", "osm_id = 'way/204'", "pop"), 300.0, 1e-6);
    TU_ASSERT_NEAR(r->pop_total, 1300.0, 0.01);
    TU_ASSERT_NEAR(r->raster_pop_in_boundary, 1350.0, 0.01); /* all four cell centres lie in the study area */
    TU_ASSERT_NEAR(r->raster_pop_unassigned, 50.0, 0.01);    /* the top-left cell has no home */
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

static void test_boundary_and_structure(void)
{
    const char *dir = tu_tmpdir("osm_boundary");
    char out[1024], boundary[1024], structure[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    snprintf(boundary, sizeof boundary, "%s", tu_path(dir, "west.gpkg"));
    snprintf(structure, sizeof structure, "%s", tu_path(dir, "units.gpkg"));
    /* The west half (x < 500 m): landuse 204 (x 600..700) falls outside. */
    tu_row west[] = {{"POLYGON((500000 4318000,500500 4318000,500500 4319000,500000 4319000,500000 4318000))",
                      {"West"}}};
    CU_ASSERT_EQUAL(tu_write_layer(boundary, "boundary", 4548, "polygon", "name", west, 1), 0);
    tu_row units[] = {
        {"POLYGON((500000 4318000,500250 4318000,500250 4319000,500000 4319000,500000 4318000))", {"A", "甲", "main"}},
        {"POLYGON((500250 4318000,500500 4318000,500500 4319000,500250 4319000,500250 4318000))", {"B", "乙", "cluster"}}};
    CU_ASSERT_EQUAL(tu_write_layer(structure, "units", 4548, "polygon", "name,name_zh,tier", units, 2), 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.boundary_path = boundary;
    opts.structure_path = structure;
    opts.population = 2000;
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_features[PC_ROLE_RESIDENTS], 3);
    TU_ASSERT_INT(pc_osm_tally_get(&r->skipped, "residents: landuse=residential outside the study area"), 1);
    /* 2000 residents over 1200 + 200 + 600 m2. */
    TU_ASSERT_NEAR(real_where(out, "residents", "osm_id = 'way/200'", "pop"), 1200.0, 2.0);
    TU_ASSERT_NEAR(r->pop_total, 2000.0, 1e-6);
    TU_ASSERT_INT(count_where(out, "boundary", "name = 'West'"), 1);
    TU_ASSERT_INT(count_where(out, "structure", "name_zh = '乙' AND tier = 'cluster'"), 1);
    TU_ASSERT_INT(r->n_features[PC_ROLE_STRUCTURE], 2);
    CU_ASSERT_STRING_EQUAL(r->boundary_source, boundary);
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

/* A study area without homes: an empty residents layer, a warning, nothing else breaks. */
static void test_no_residents(void)
{
    const char *dir = tu_tmpdir("osm_no_residents");
    char out[1024], boundary[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    snprintf(boundary, sizeof boundary, "%s", tu_path(dir, "north.gpkg"));
    tu_row north[] = {{"POLYGON((500000 4318800,501000 4318800,501000 4319000,500000 4319000,500000 4318800))",
                       {"North"}}};
    CU_ASSERT_EQUAL(tu_write_layer(boundary, "boundary", 4548, "polygon", "name", north, 1), 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.boundary_path = boundary;
    opts.population = 1000;
    pc_osm_result *r = import_fixture(ctx, dir, out, &opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TU_ASSERT_INT(r->n_features[PC_ROLE_RESIDENTS], 0);
    TU_ASSERT_INT(r->residents.n, 0);
    TU_ASSERT_NEAR(r->pop_total, 0.0, 0);
    TU_ASSERT_INT(pc_ctx_warning_count(ctx), 1);
    TU_ASSERT_CONTAINS(pc_ctx_warning(ctx, 0), "the residents layer is empty");
    TU_ASSERT_INT(count_where(out, "residents", NULL), 0);
    TU_ASSERT_INT(r->n_features[PC_ROLE_FACILITIES], 11); /* facilities are kept whatever the boundary */
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

static void test_errors(void)
{
    const char *dir = tu_tmpdir("osm_errors");
    char missing[1024], out[1024], text[1024];
    snprintf(missing, sizeof missing, "%s", tu_path(dir, "no-such-city.osm.pbf"));
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_result *r = NULL;

    TU_ASSERT_INT(pc_osm_import(ctx, &r, missing, out, NULL), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "no-such-city.osm.pbf: cannot read the extract");
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(!tu_exists(out));

    snprintf(text, sizeof text, "%s", tu_path(dir, "notes.osm"));
    FILE *f = fopen(text, "w");
    fputs("this is not OpenStreetMap data\n", f);
    fclose(f);
    TU_ASSERT_INT(pc_osm_import(ctx, &r, text, out, NULL), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "notes.osm: not an OpenStreetMap extract");
    snprintf(text, sizeof text, "%s", tu_path(dir, "city.osm.bz2"));
    f = fopen(text, "w");
    fputs("BZh91AY&SY", f);
    fclose(f);
    TU_ASSERT_INT(pc_osm_import(ctx, &r, text, out, NULL), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "city.osm.bz2: a compressed file");

    /* The output folder does not exist: an error naming it, and nothing is written anywhere. */
    const char *fixture = write_fixture(dir);
    char fixture_copy[1024], nowhere[1024];
    snprintf(fixture_copy, sizeof fixture_copy, "%s", fixture);
    snprintf(nowhere, sizeof nowhere, "%s", tu_path(dir, "missing-folder/plan.gpkg"));
    int files_before = tu_count_files(dir);
    TU_ASSERT_INT(pc_osm_import(ctx, &r, fixture_copy, nowhere, NULL), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "missing-folder' does not exist");
    CU_ASSERT_PTR_NULL(r);
    TU_ASSERT_INT(tu_count_files(dir), files_before);

    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    opts.population = 100;
    opts.population_raster = "pop.tif";
    TU_ASSERT_INT(pc_osm_import(ctx, &r, fixture_copy, out, &opts), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "not both");
    opts = (pc_osm_options)PC_OSM_OPTIONS_INIT;
    opts.crs = "EPSG:4326";
    TU_ASSERT_INT(pc_osm_import(ctx, &r, fixture_copy, out, &opts), PC_ERR_CRS);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "projected in metres");
    opts = (pc_osm_options)PC_OSM_OPTIONS_INIT;
    opts.population_raster = tu_path(dir, "no-pop.tif");
    TU_ASSERT_INT(pc_osm_import(ctx, &r, fixture_copy, out, &opts), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "no-pop.tif: --population-raster: cannot open");
    CU_ASSERT(!tu_exists(out));
    pc_ctx_destroy(ctx);
}

static void test_cli(void)
{
    const char *dir = tu_tmpdir("osm_cli");
    char fixture[1024], out[1024], cmd[4096];
    snprintf(fixture, sizeof fixture, "%s", write_fixture(dir));
    snprintf(out, sizeof out, "%s", tu_path(dir, "plan.gpkg"));
    snprintf(cmd, sizeof cmd, "%s import-osm '%s' -o '%s' --population 24000 --json", PC_BINARY, fixture, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "\"primary_school\":3");
    TU_ASSERT_CONTAINS(tu_stdout(), "\"crs\":\"EPSG:4548\"");
    TU_ASSERT_CONTAINS(tu_stdout(), "\"amenity=restaurant\":1");
    snprintf(cmd, sizeof cmd, "%s import-osm '%s' -o '%s'", PC_BINARY, fixture, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    TU_ASSERT_CONTAINS(tu_stdout(), "no population given: pop is floor-area share");
    TU_ASSERT_CONTAINS(tu_stdout(), "OpenStreetMap contributors");
    snprintf(cmd, sizeof cmd, "%s info '%s'", PC_BINARY, out);
    TU_ASSERT_INT(tu_run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s import-osm '%s'", PC_BINARY, fixture);
    TU_ASSERT_INT(tu_run(cmd), 2);
    TU_ASSERT_CONTAINS(tu_stderr(), "-o PLAN.gpkg is required");
    snprintf(cmd, sizeof cmd, "%s import-osm '%s' -o '%s' --population 10 --population-raster x.tif", PC_BINARY,
             fixture, out);
    TU_ASSERT_INT(tu_run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s import-osm '%s/nope.osm.pbf' -o '%s'", PC_BINARY, dir, out);
    TU_ASSERT_INT(tu_run(cmd), 1);
    TU_ASSERT_CONTAINS(tu_stderr(), "nope.osm.pbf: cannot read the extract");
}

/* The committed real extract imports, and the plan loads (its counts are checked by check_osm_counts.sh). */
static void test_real_extract(void)
{
    const char *dir = tu_tmpdir("osm_real");
    char out[1024];
    snprintf(out, sizeof out, "%s", tu_path(dir, "cau.gpkg"));
    pc_ctx *ctx = pc_ctx_create();
    pc_osm_result *r = NULL;
    TU_ASSERT_INT(pc_osm_import(ctx, &r, PC_TEST_DATA "/osm/beijing_haidian_cau.osm.pbf", out, NULL), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->crs, "EPSG:4548"); /* lon 116.35 E: GK zone CM 117E */
    CU_ASSERT_STRING_EQUAL(r->boundary_source, "extract bounds");
    /* From the extract's README (osmium tags-filter): 3 amenity=school ways (2 named 小学, 1 中学). */
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "primary_school"), 2);
    TU_ASSERT_INT(pc_osm_tally_get(&r->categories, "middle_school"), 1);
    CU_ASSERT(r->n_features[PC_ROLE_STREETS] > 200);
    CU_ASSERT(r->n_features[PC_ROLE_RESIDENTS] > 0);
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, out, NULL), PC_OK);
    if (plan)
        TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP)), PC_OK);
    pc_plan_destroy(plan);
    pc_osm_result_destroy(r);
    pc_ctx_destroy(ctx);
}

int pc_test_register_osm(void)
{
    CU_pSuite s = CU_add_suite("osm", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "facility tag table", test_facility_table);
    CU_add_test(s, "walkable streets", test_streets);
    CU_add_test(s, "residents and population", test_residents_population);
    CU_add_test(s, "parks", test_parks);
    CU_add_test(s, "population raster", test_population_raster);
    CU_add_test(s, "boundary and structure files", test_boundary_and_structure);
    CU_add_test(s, "no residents", test_no_residents);
    CU_add_test(s, "errors", test_errors);
    CU_add_test(s, "command line", test_cli);
    CU_add_test(s, "real extract", test_real_extract);
    return 0;
}
