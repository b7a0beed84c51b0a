/* test_output_pg.c: PostGIS output: tables, reruns, the one-transaction guarantee, hostile names, errors. */
/*
 * The tests that need a server read its connection string from PC_TEST_PG (a database with
 * PostGIS) and PC_TEST_PG_NOGIS (one without); tests/check_postgis.sh starts a throwaway server
 * and runs this suite with both set. Without them only the tests that need no server run.
 */
#include "tu.h"
#include "pc_output.h"
#include "pc_pg.h"

#include <libpq-fe.h>
#include <ogr_srs_api.h>
#include <stdlib.h>

static const char *server(void) { return getenv("PC_TEST_PG"); }

static int skip_without_server(const char *test)
{
    if (server())
        return 0;
    fprintf(stderr, "\n  SKIP %s: PC_TEST_PG is not set (tests/check_postgis.sh sets it)\n", test);
    return 1;
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

static PGconn *db_connect(void)
{
    char *conninfo = pc_pg_conninfo(server(), NULL);
    PGconn *conn = PQconnectdb(conninfo);
    free(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        fprintf(stderr, "\n  cannot connect: %s\n", PQerrorMessage(conn));
    PQsetNoticeProcessor(conn, quiet_notice, NULL);
    return conn;
}

/* Run SQL; returns 0 on success. */
static int db_exec(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "\n  %s: %s\n", sql, PQerrorMessage(conn));
    PQclear(res);
    return ok ? 0 : -1;
}

/* The single value of a query with up to two text parameters, copied into a static buffer ("" if none). */
static const char *db_value(PGconn *conn, const char *sql, const char *p1, const char *p2)
{
    static char value[4096];
    const char *params[2] = {p1, p2};
    PGresult *res = PQexecParams(conn, sql, p2 ? 2 : p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
    value[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "\n  %s: %s\n", sql, PQerrorMessage(conn));
    else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        snprintf(value, sizeof value, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

/*
 * Everything a schema holds, as text: each relation (tables, views, indexes) with its kind, and
 * for tables and views their row count and an md5 of all rows. Caller frees.
 */
static char *fingerprint(PGconn *conn, const char *schema)
{
    const char *params[1] = {schema};
    PGresult *rels = PQexecParams(conn,
                                  "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                  "c.relnamespace WHERE n.nspname = $1 ORDER BY c.relname",
                                  1, NULL, params, NULL, NULL, 0);
    size_t cap = 256, len = 0;
    char *out = calloc(1, cap);
    char *qs = pc_pg_quote_ident(schema);
    for (int i = 0; i < PQntuples(rels); i++) {
        const char *name = PQgetvalue(rels, i, 0), *kind = PQgetvalue(rels, i, 1);
        char line[1024];
        if (strcmp(kind, "r") == 0 || strcmp(kind, "v") == 0) {
            char *qn = pc_pg_quote_ident(name);
            char sql[512];
            snprintf(sql, sizeof sql, "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
                                      "t::text)), '-') FROM %s.%s t", qs, qn);
            snprintf(line, sizeof line, "%s(%s)=%s\n", name, kind, db_value(conn, sql, NULL, NULL));
            free(qn);
        } else {
            snprintf(line, sizeof line, "%s(%s)\n", name, kind);
        }
        while (len + strlen(line) + 1 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, strlen(line) + 1);
        len += strlen(line);
    }
    PQclear(rels);
    free(qs);
    return out;
}

static void assert_same(const char *before, const char *after)
{
    if (strcmp(before, after) != 0)
        fprintf(stderr, "\n  schema changed:\n--- before\n%s--- after\n%s", before, after);
    CU_ASSERT_STRING_EQUAL(before, after);
}

static OGRSpatialReferenceH srs_4548(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4548);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/* Names used by write_results; a test may change them to hostile ones. */
typedef struct result_names {
    const char *units, *points, *summary, *field_name;
} result_names;
static const result_names plain_names = {"units", "points", "summary", "name"};

/*
 * Write a result set as the analyses do: 'units' (2 polygons), 'points' (n_points points),
 * 'summary' (a table of one row, value = version). Returns the status of the first failing call.
 */
static pc_status write_results(pc_ctx *ctx, const char *path, const char *schema, const result_names *names,
                               int n_points, int version)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    OGRSpatialReferenceH srs = srs_4548();
    pc_writer *w = NULL;
    OGRLayerH units = NULL, points = NULL, summary = NULL;
    pc_field_def unit_fields[] = {{names->field_name, OFTString}, {"pop", OFTReal}, {"n", OFTInteger}};
    pc_field_def point_fields[] = {{"k", OFTInteger64}};
    pc_field_def summary_fields[] = {{"version", OFTInteger}, {"note", OFTString}};
    pc_status s = pc_writer_open(ctx, &w, path, srs, "EPSG:4548");
    if (!s)
        s = pc_writer_set_schema(w, schema);
    if (!s)
        s = pc_writer_meta(w, "command", "test");
    if (!s)
        s = pc_writer_layer(w, &units, names->units, wkbPolygon, unit_fields, 3);
    const char *unit_wkt[2] = {"POLYGON((500000 4318000,501000 4318000,501000 4319000,500000 4319000,500000 4318000))",
                               "POLYGON((501000 4318000,502000 4318000,502000 4319000,501000 4319000,501000 4318000))"};
    const char *unit_name[2] = {"West\tside \"quoted\" 西区", "East\\n 东区"};
    for (int i = 0; i < 2 && !s; i++) {
        OGRFeatureH f = pc_writer_feature(units);
        OGR_F_SetFieldString(f, 0, unit_name[i]);
        OGR_F_SetFieldDouble(f, 1, i == 0 ? 1234.5 * version : 0.1);
        if (i == 0)
            OGR_F_SetFieldInteger(f, 2, version);
        GEOSGeometry *g = GEOSGeomFromWKT_r(geos, unit_wkt[i]);
        s = pc_writer_put(w, units, f, g);
        GEOSGeom_destroy_r(geos, g);
    }
    if (!s)
        s = pc_writer_layer(w, &points, names->points, wkbPoint, point_fields, 1);
    for (int i = 0; i < n_points && !s; i++) {
        OGRFeatureH f = pc_writer_feature(points);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)i * version);
        GEOSCoordSequence *seq = GEOSCoordSeq_create_r(geos, 1, 2);
        GEOSCoordSeq_setXY_r(geos, seq, 0, 500000.0 + i % 1000, 4318000.0 + i / 1000);
        GEOSGeometry *g = GEOSGeom_createPoint_r(geos, seq);
        s = pc_writer_put(w, points, f, g);
        GEOSGeom_destroy_r(geos, g);
    }
    if (!s)
        s = pc_writer_layer(w, &summary, names->summary, wkbNone, summary_fields, 2);
    if (!s) {
        OGRFeatureH f = pc_writer_feature(summary);
        OGR_F_SetFieldInteger(f, 0, version);
        s = pc_writer_put(w, summary, f, NULL);
    }
    if (!s)
        s = pc_writer_commit(w);
    pc_writer_destroy(w);
    OSRDestroySpatialReference(srs);
    return s;
}

static void test_tables_written(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_basic CASCADE");
    pc_ctx *ctx = pc_ctx_create();
    pc_status s = write_results(ctx, server(), "res_basic", &plain_names, 3, 1);
    TU_ASSERT_INT(s, PC_OK);
    if (s)
        fprintf(stderr, "\n  %s\n", pc_ctx_message(ctx));
    char *fp = fingerprint(conn, "res_basic");
    /* Three result tables with key and spatial index, the run table, nothing else. */
    TU_ASSERT_CONTAINS(fp, "units(r)=2:");
    TU_ASSERT_CONTAINS(fp, "points(r)=3:");
    TU_ASSERT_CONTAINS(fp, "summary(r)=1:");
    TU_ASSERT_CONTAINS(fp, "plancheck_run(r)=");
    TU_ASSERT_CONTAINS(fp, "units_pkey(i)");
    TU_ASSERT_CONTAINS(fp, "units_geom_idx(i)");
    CU_ASSERT_PTR_NULL(strstr(fp, "plancheck_tmp"));
    free(fp);
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT name FROM res_basic.units WHERE fid = 1", NULL, NULL),
                           "West\tside \"quoted\" 西区");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT name FROM res_basic.units WHERE fid = 2", NULL, NULL), "East\\n 东区");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT pop FROM res_basic.units WHERE fid = 1", NULL, NULL), "1234.5");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT coalesce(n::text, 'null') FROM res_basic.units WHERE fid = 2", NULL,
                                    NULL),
                           "null");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT ST_AsText(geom) || ' ' || ST_SRID(geom) FROM res_basic.units "
                                          "WHERE fid = 1", NULL, NULL),
                           "POLYGON((500000 4318000,501000 4318000,501000 4319000,500000 4319000,500000 4318000)) 4548");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT type || srid FROM geometry_columns WHERE f_table_schema = "
                                          "'res_basic' AND f_table_name = 'points'", NULL, NULL),
                           "POINT4548");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT string_agg(k::text, ',' ORDER BY fid) FROM res_basic.points", NULL,
                                    NULL),
                           "0,1,2");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT value FROM res_basic.plancheck_run WHERE layer = 'points' AND key = "
                                          "'crs'", NULL, NULL),
                           "EPSG:4548");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM res_basic.plancheck_run WHERE key = 'command'", NULL,
                                    NULL),
                           "3");
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_rerun_replaces(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_rerun CASCADE");
    db_exec(conn, "CREATE SCHEMA res_rerun");
    db_exec(conn, "CREATE TABLE res_rerun.keep AS SELECT 42 AS answer");
    pc_ctx *ctx = pc_ctx_create();
    TU_ASSERT_INT(write_results(ctx, server(), "res_rerun", &plain_names, 5, 1), PC_OK);
    TU_ASSERT_INT(write_results(ctx, server(), "res_rerun", &plain_names, 7, 2), PC_OK);
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM res_rerun.points", NULL, NULL), "7");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT max(k) FROM res_rerun.points", NULL, NULL), "12");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT version FROM res_rerun.summary", NULL, NULL), "2");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT answer FROM res_rerun.keep", NULL, NULL), "42");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM res_rerun.plancheck_run WHERE key = 'crs'", NULL, NULL),
                           "3");
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static int cancel_after;
static int cancel_on_call(double fraction, const char *message, void *payload)
{
    (void)fraction, (void)message, (void)payload;
    return --cancel_after > 0;
}

static void test_cancel_midway_leaves_schema(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_cancel CASCADE");
    pc_ctx *ctx = pc_ctx_create();
    TU_ASSERT_INT(write_results(ctx, server(), "res_cancel", &plain_names, 10, 1), PC_OK);
    char *before = fingerprint(conn, "res_cancel");
    /* Cancelled on the third progress call: 'units' is copied, 'points' half copied (a call every 1024 rows). */
    cancel_after = 3;
    pc_ctx_set_progress(ctx, cancel_on_call, NULL);
    TU_ASSERT_INT(write_results(ctx, server(), "res_cancel", &plain_names, 5000, 2), PC_ERR_CANCELLED);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "nothing was written");
    char *after = fingerprint(conn, "res_cancel");
    assert_same(before, after);
    /* And when the schema did not exist before, it does not exist after. */
    pc_ctx_destroy(ctx);
    ctx = pc_ctx_create();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_cancel_new CASCADE");
    cancel_after = 2;
    pc_ctx_set_progress(ctx, cancel_on_call, NULL);
    TU_ASSERT_INT(write_results(ctx, server(), "res_cancel_new", &plain_names, 3000, 1), PC_ERR_CANCELLED);
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'res_cancel_new'", NULL,
                                    NULL),
                           "0");
    free(before);
    free(after);
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_failure_in_swap_leaves_schema(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_fail CASCADE");
    pc_ctx *ctx = pc_ctx_create();
    TU_ASSERT_INT(write_results(ctx, server(), "res_fail", &plain_names, 4, 1), PC_OK);
    /* A user's view on the previous 'points': replacing it must fail after 'units' was already replaced. */
    db_exec(conn, "CREATE VIEW res_fail.busy_points AS SELECT fid, k FROM res_fail.points");
    char *before = fingerprint(conn, "res_fail");
    TU_ASSERT_INT(write_results(ctx, server(), "res_fail", &plain_names, 6, 2), PC_ERR_DB);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "layer 'points'");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "busy_points depends on table res_fail.points");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "previous results are unchanged");
    CU_ASSERT_PTR_NULL(strstr(pc_ctx_message(ctx), "CASCADE")); /* never advise dropping the user's view */
    char *after = fingerprint(conn, "res_fail");
    assert_same(before, after);
    free(before);
    free(after);
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_lock_timeout_leaves_schema(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect(), *reader = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS res_lock CASCADE");
    pc_ctx *ctx = pc_ctx_create();
    TU_ASSERT_INT(write_results(ctx, server(), "res_lock", &plain_names, 4, 1), PC_OK);
    char *before = fingerprint(conn, "res_lock");
    /* Another session reads 'summary' in an open transaction (as a QGIS layer can). */
    db_exec(reader, "BEGIN");
    db_exec(reader, "SELECT * FROM res_lock.summary");
    setenv("PGOPTIONS", "-c lock_timeout=300", 1);
    TU_ASSERT_INT(write_results(ctx, server(), "res_lock", &plain_names, 6, 2), PC_ERR_DB);
    unsetenv("PGOPTIONS");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "layer 'summary'");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "lock timeout");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "another session holds a lock");
    db_exec(reader, "COMMIT");
    char *after = fingerprint(conn, "res_lock");
    assert_same(before, after);
    free(before);
    free(after);
    pc_ctx_destroy(ctx);
    PQfinish(reader);
    PQfinish(conn);
}

static void test_hostile_names(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    const char *schema = "x\"; drop table y; --";
    db_exec(conn, "DROP SCHEMA IF EXISTS \"x\"\"; drop table y; --\" CASCADE");
    db_exec(conn, "CREATE TABLE IF NOT EXISTS public.y (id int)");
    result_names names = {"la\"yer; drop table y; --", "it's a 'point'", "sum mary", "po\"p x; --"};
    pc_ctx *ctx = pc_ctx_create();
    pc_status s = write_results(ctx, server(), schema, &names, 2, 1);
    TU_ASSERT_INT(s, PC_OK);
    if (s)
        fprintf(stderr, "\n  %s\n", pc_ctx_message(ctx));
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = "
                                          "'y'", NULL, NULL),
                           "1");
    const char *q = "SELECT string_agg(c.relname || ':' || a.attname, ',' ORDER BY c.relname, a.attnum) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND "
                    "a.attnum > 0 WHERE n.nspname = $1 AND c.relname = $2";
    CU_ASSERT_STRING_EQUAL(db_value(conn, q, schema, names.units),
                           "la\"yer; drop table y; --:fid,la\"yer; drop table y; --:geom,"
                           "la\"yer; drop table y; --:po\"p x; --,la\"yer; drop table y; --:pop,"
                           "la\"yer; drop table y; --:n");
    CU_ASSERT_STRING_EQUAL(db_value(conn, q, schema, names.points), "it's a 'point':fid,it's a 'point':geom,"
                                                                    "it's a 'point':k");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM \"x\"\"; drop table y; --\".\"sum mary\"", NULL, NULL),
                           "1");
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM \"x\"\"; drop table y; --\".plancheck_run WHERE "
                                          "layer = $1",
                                    names.points, NULL),
                           "4");
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_refused_names(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    pc_ctx *ctx = pc_ctx_create();
    char long_name[70];
    memset(long_name, 's', 64);
    long_name[64] = '\0';
    TU_ASSERT_INT(write_results(ctx, server(), long_name, &plain_names, 1, 1), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "--out-schema 'ssss");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "longer than 63 bytes");
    /* A result field that would clash with the key column: refused before anything is written. */
    db_exec(conn, "DROP SCHEMA IF EXISTS res_refused CASCADE");
    TU_ASSERT_INT(write_results(ctx, server(), "res_refused", &plain_names, 1, 1), PC_OK);
    char *before = fingerprint(conn, "res_refused");
    result_names clash = {"units", "points", "summary", "fid"};
    TU_ASSERT_INT(write_results(ctx, server(), "res_refused", &clash, 1, 2), PC_ERR_ARG);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "layer 'units' field 'fid'");
    char *after = fingerprint(conn, "res_refused");
    assert_same(before, after);
    free(before);
    free(after);
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_default_schema(void)
{
    if (skip_without_server(__func__))
        return;
    PGconn *conn = db_connect();
    db_exec(conn, "DROP SCHEMA IF EXISTS plancheck CASCADE");
    db_exec(conn, "DROP SCHEMA IF EXISTS from_conn CASCADE");
    pc_ctx *ctx = pc_ctx_create();
    TU_ASSERT_INT(write_results(ctx, server(), NULL, &plain_names, 1, 1), PC_OK);
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM plancheck.units", NULL, NULL), "2");
    char path[1024];
    snprintf(path, sizeof path, "%s active_schema=from_conn", server());
    TU_ASSERT_INT(write_results(ctx, path, NULL, &plain_names, 1, 1), PC_OK);
    CU_ASSERT_STRING_EQUAL(db_value(conn, "SELECT count(*) FROM from_conn.units", NULL, NULL), "2");
    pc_ctx_destroy(ctx);
    PQfinish(conn);
}

static void test_connection_errors(void)
{
    /* Nothing listens on port 1: the message names the database, host and user, never the password. */
    pc_ctx *ctx = pc_ctx_create();
    OGRSpatialReferenceH srs = srs_4548();
    pc_writer *w = NULL;
    TU_ASSERT_INT(pc_writer_open(ctx, &w, "PG:host=127.0.0.1 port=1 dbname=nowhere user=bob password='Sec ret9'", srs,
                                 "EPSG:4548"),
                  PC_ERR_DB);
    CU_ASSERT_PTR_NULL(w);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "cannot connect to database 'nowhere' on 127.0.0.1:1 as user 'bob'");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "password=***");
    CU_ASSERT_PTR_NULL(strstr(pc_ctx_message(ctx), "ret9"));
    CU_ASSERT_PTR_NULL(strchr(pc_ctx_message(ctx), '\n'));
    const char *nogis = getenv("PC_TEST_PG_NOGIS");
    if (nogis) {
        TU_ASSERT_INT(pc_writer_open(ctx, &w, nogis, srs, "EPSG:4548"), PC_ERR_DB);
        TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "PostGIS is not installed in database");
    }
    if (server()) {
        TU_ASSERT_INT(pc_writer_open(ctx, &w, server(), srs, "EPSG:99999"), PC_ERR_CRS);
        TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "EPSG:99999 is not in spatial_ref_sys");
    }
    OSRDestroySpatialReference(srs);
    pc_ctx_destroy(ctx);
}

int pc_test_register_output_pg(void)
{
    CU_pSuite suite = CU_add_suite("output_pg", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "connection errors name the database, never the password", test_connection_errors);
    CU_add_test(suite, "result layers become tables with key, index, CRS and run rows", test_tables_written);
    CU_add_test(suite, "a rerun replaces the results and keeps other tables", test_rerun_replaces);
    CU_add_test(suite, "a cancel mid-copy leaves the schema as it was", test_cancel_midway_leaves_schema);
    CU_add_test(suite, "a failure mid-swap leaves the schema as it was", test_failure_in_swap_leaves_schema);
    CU_add_test(suite, "a lock timeout leaves the schema as it was", test_lock_timeout_leaves_schema);
    CU_add_test(suite, "hostile schema, table and field names are quoted", test_hostile_names);
    CU_add_test(suite, "names PostgreSQL cannot keep are refused", test_refused_names);
    CU_add_test(suite, "default schema: active_schema= or plancheck", test_default_schema);
    return 0;
}
