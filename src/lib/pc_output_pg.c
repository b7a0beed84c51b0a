/* pc_output_pg.c: the PostGIS side of pc_writer: result layers into one schema in one transaction. */
#include "pc_output_pg.h"
#include "pc_pg.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <libpq-fe.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* COPY data goes to the server in chunks of about this size. */
#define PC_PG_COPY_CHUNK (256 * 1024)
/* Rows between progress (and cancel) checks. */
#define PC_PG_ROWS_PER_CHECK 1024

struct pc_pg_out {
    pc_ctx *ctx;
    PGconn *conn;
    char *shown;         /* the connection string without its password, for messages */
    char where[512];     /* "database 'x' on host:port as user 'u'" */
    char *conn_schema;   /* active_schema= of the connection string, or NULL */
    char *geometry_type; /* the PostGIS geometry type, schema-qualified and quoted */
    int srid;
    int in_transaction;
};

typedef struct out_table {
    OGRLayerH layer;
    const char *name;
    char *tmp_name;
    int has_geometry;
} out_table;

/* Record a failed statement: the server's message, detail and hint on one line, and what it means. */
static pc_status sql_error(pc_pg_out *pg, PGresult *res, const char *table, const char *doing)
{
    char primary[1024], detail[1024], hint[512];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *p = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    pc_pg_one_line(p ? p : PQerrorMessage(pg->conn), primary, sizeof primary);
    pc_pg_one_line(res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL, detail, sizeof detail);
    pc_pg_one_line(res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL, hint, sizeof hint);
    const char *advice = "";
    if (state && strcmp(state, "55P03") == 0)
        advice = "; another session holds a lock on it (close it in QGIS or psql, or raise lock_timeout with "
                 "PGOPTIONS='-c lock_timeout=5min')";
    else if (state && strcmp(state, "42501") == 0)
        advice = "; the database user lacks the privilege: choose another --out-schema or ask for CREATE on it";
    else if (state && strcmp(state, "2BP01") == 0) {
        /* Not the server's hint (DROP ... CASCADE): the user's objects are theirs to keep. */
        advice = "; drop or redefine the objects that use the previous result first";
        hint[0] = '\0';
    }
    pc_status s = pc_error(pg->ctx, PC_ERR_DB, pg->shown, table, PC_NO_FID, NULL,
                           "%s failed (%s%s%s%s%s)%s; nothing was written and the previous results are unchanged",
                           doing, primary, *detail ? "; " : "", detail, *hint ? "; " : "", hint, advice);
    PQclear(res);
    return s;
}

/* Run a statement that returns no rows (or rows that are not needed). */
static pc_status exec_sql(pc_pg_out *pg, const char *sql, const char *table, const char *doing)
{
    PGresult *res = PQexec(pg->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return sql_error(pg, res, table, doing);
    PQclear(res);
    return PC_OK;
}

/* Run a statement with text parameters; *out (when not NULL) receives the result (caller PQclears). */
static pc_status exec_params(pc_pg_out *pg, const char *sql, int n, const char *const *values, const char *table,
                             const char *doing, PGresult **out)
{
    PGresult *res = PQexecParams(pg->conn, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return sql_error(pg, res, table, doing);
    if (out)
        *out = res;
    else
        PQclear(res);
    return PC_OK;
}

/* "EPSG:4548" (or the authority of srs) as the srid of the database's spatial_ref_sys. */
static pc_status find_srid(pc_pg_out *pg, const char *postgis_schema, const char *crs_name, void *srs)
{
    char auth[64] = "", code[64] = "";
    const char *colon = crs_name ? strchr(crs_name, ':') : NULL;
    if (colon && (size_t)(colon - crs_name) < sizeof auth) {
        snprintf(auth, sizeof auth, "%.*s", (int)(colon - crs_name), crs_name);
        snprintf(code, sizeof code, "%s", colon + 1);
    } else if (srs && OSRGetAuthorityName((OGRSpatialReferenceH)srs, NULL) &&
               OSRGetAuthorityCode((OGRSpatialReferenceH)srs, NULL)) {
        snprintf(auth, sizeof auth, "%s", OSRGetAuthorityName((OGRSpatialReferenceH)srs, NULL));
        snprintf(code, sizeof code, "%s", OSRGetAuthorityCode((OGRSpatialReferenceH)srs, NULL));
    }
    char *q = pc_pg_quote_ident(postgis_schema);
    if (!q)
        return pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT srid FROM %s.spatial_ref_sys WHERE upper(auth_name) = upper($1) AND auth_srid::text = $2 "
             "ORDER BY srid LIMIT 1", q);
    free(q);
    const char *values[2] = {auth, code};
    PGresult *res = NULL;
    pc_status s = exec_params(pg, sql, 2, values, NULL, "looking up the analysis CRS in spatial_ref_sys", &res);
    if (s)
        return s;
    if (PQntuples(res) == 1)
        pg->srid = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!pg->srid)
        return pc_error(pg->ctx, PC_ERR_CRS, pg->shown, NULL, PC_NO_FID, NULL,
                        "the analysis CRS %s is not in spatial_ref_sys of %s; choose one PostGIS knows with "
                        "--crs EPSG:n, or add it to spatial_ref_sys",
                        crs_name ? crs_name : "(unnamed)", pg->where);
    return PC_OK;
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

pc_status pc_pg_out_open(pc_ctx *ctx, pc_pg_out **out, const char *path, const char *crs_name, void *srs)
{
    *out = NULL;
    pc_pg_out *pg = calloc(1, sizeof *pg);
    char *conninfo = NULL;
    PGresult *res = NULL;
    pc_status s = PC_OK;
    if (!pg)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    pg->ctx = ctx;
    pg->shown = pc_pg_redact(path);
    conninfo = pc_pg_conninfo(path, &pg->conn_schema);
    if (!pg->shown || !conninfo) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    pc_pg_describe(path, pg->where, sizeof pg->where);
    if ((s = pc_pg_connect(ctx, path, &pg->conn)))
        goto done;
    /* The library never prints: notices ("relation already exists, skipping") are dropped. */
    PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
    if ((s = exec_params(pg,
                         "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                         "WHERE e.extname = 'postgis'",
                         0, NULL, NULL, "checking for PostGIS", &res)))
        goto done;
    if (PQntuples(res) != 1) {
        s = pc_error(ctx, PC_ERR_DB, pg->shown, NULL, PC_NO_FID, NULL,
                     "PostGIS is not installed in %s; run 'CREATE EXTENSION postgis' there (as its owner) or write "
                     "to another database", pg->where);
        goto done;
    }
    char *q = pc_pg_quote_ident(PQgetvalue(res, 0, 0));
    size_t len = q ? strlen(q) + 16 : 0;
    pg->geometry_type = q ? malloc(len) : NULL;
    if (!pg->geometry_type) {
        free(q);
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(pg->geometry_type, len, "%s.geometry", q);
    free(q);
    s = find_srid(pg, PQgetvalue(res, 0, 0), crs_name, srs);
done:
    PQclear(res);
    free(conninfo);
    if (s) {
        pc_pg_out_destroy(pg);
        return s;
    }
    *out = pg;
    return PC_OK;
}

const char *pc_pg_out_conn_schema(const pc_pg_out *pg) { return pg->conn_schema; }

void pc_pg_out_destroy(pc_pg_out *pg)
{
    if (!pg)
        return;
    if (pg->conn && pg->in_transaction)
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    pc_pg_disconnect(pg->conn);
    free(pg->shown);
    free(pg->conn_schema);
    free(pg->geometry_type);
    free(pg);
}

/* ---- building tables ---- */

static const char *postgis_type_name(OGRwkbGeometryType flat)
{
    switch (flat) {
    case wkbPoint: return "POINT";
    case wkbLineString: return "LINESTRING";
    case wkbPolygon: return "POLYGON";
    case wkbMultiPoint: return "MULTIPOINT";
    case wkbMultiLineString: return "MULTILINESTRING";
    case wkbMultiPolygon: return "MULTIPOLYGON";
    case wkbGeometryCollection: return "GEOMETRYCOLLECTION";
    default: return "GEOMETRY";
    }
}

/* The column's geometry type: the one type every feature has (else GEOMETRY), with Z when any has Z. */
static void layer_geometry_type(OGRLayerH layer, char *buf, size_t cap)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_L_GetGeomType(layer));
    int seen = 0, mixed = 0, has_z = OGR_GT_HasZ(OGR_L_GetGeomType(layer));
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            OGRwkbGeometryType t = OGR_G_GetGeometryType(g);
            has_z |= OGR_GT_HasZ(t);
            if (!seen)
                type = wkbFlatten(t), seen = 1;
            else if (wkbFlatten(t) != type)
                mixed = 1;
        }
        OGR_F_Destroy(f);
    }
    snprintf(buf, cap, "%s%s", mixed ? "GEOMETRY" : postgis_type_name(type), has_z ? "Z" : "");
}

static const char *column_type(OGRFieldDefnH fd)
{
    OGRFieldSubType sub = OGR_Fld_GetSubType(fd);
    switch (OGR_Fld_GetType(fd)) {
    case OFTInteger: return sub == OFSTBoolean ? "boolean" : sub == OFSTInt16 ? "smallint" : "integer";
    case OFTInteger64: return "bigint";
    case OFTReal: return sub == OFSTFloat32 ? "real" : "double precision";
    case OFTDate: return "date";
    case OFTTime: return "time";
    case OFTDateTime: return "timestamp with time zone";
    default: return "text";
    }
}

/* A growing byte buffer for COPY rows. */
typedef struct rowbuf {
    char *s;
    size_t len, cap;
    int failed;
} rowbuf;

static void rb_raw(rowbuf *b, const char *text)
{
    size_t n = strlen(text);
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s, b->cap = cap;
    }
    memcpy(b->s + b->len, text, n + 1);
    b->len += n;
}

static void rb_text(rowbuf *b, const char *value)
{
    if (!b->failed && !pc_pg_copy_append(&b->s, &b->len, &b->cap, value))
        b->failed = 1;
}

static void rb_real(rowbuf *b, double v)
{
    char num[64];
    if (isnan(v))
        snprintf(num, sizeof num, "NaN");
    else if (isinf(v))
        snprintf(num, sizeof num, "%sInfinity", v < 0 ? "-" : "");
    else
        snprintf(num, sizeof num, "%.17g", v);
    rb_raw(b, num);
}

/* The geometry as hex EWKB (little-endian WKB with the SRID flag and the SRID after the type). */
static void rb_ewkb(rowbuf *b, OGRGeometryH g, int srid)
{
    static const char hex[] = "0123456789ABCDEF";
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = size >= 5 ? malloc((size_t)size) : NULL;
    char *out = wkb ? malloc((size_t)size * 2 + 9) : NULL;
    if (!wkb || !out || OGR_G_ExportToWkb(g, wkbNDR, wkb) != OGRERR_NONE) {
        free(wkb);
        free(out);
        b->failed = 1;
        return;
    }
    /* Old-OGC WKB marks Z with 0x80000000 as EWKB does; EWKB adds 0x20000000 for "SRID follows". */
    uint32_t type = (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 | (uint32_t)wkb[3] << 16 | (uint32_t)wkb[4] << 24;
    type |= 0x20000000u;
    uint32_t id = (uint32_t)srid;
    unsigned char head[9] = {1,
                             (unsigned char)(type & 0xff), (unsigned char)(type >> 8 & 0xff),
                             (unsigned char)(type >> 16 & 0xff), (unsigned char)(type >> 24 & 0xff),
                             (unsigned char)(id & 0xff), (unsigned char)(id >> 8 & 0xff),
                             (unsigned char)(id >> 16 & 0xff), (unsigned char)(id >> 24 & 0xff)};
    size_t n = 0;
    for (int i = 0; i < 9; i++)
        out[n++] = hex[head[i] >> 4], out[n++] = hex[head[i] & 15];
    for (int i = 5; i < size; i++)
        out[n++] = hex[wkb[i] >> 4], out[n++] = hex[wkb[i] & 15];
    out[n] = '\0';
    rb_raw(b, out);
    free(wkb);
    free(out);
}

static void rb_field(rowbuf *b, OGRFeatureH f, int i, OGRFieldDefnH fd)
{
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
        rb_raw(b, "\\N");
        return;
    }
    char num[96];
    int y, mo, d, h, mi, tz;
    float sec;
    switch (OGR_Fld_GetType(fd)) {
    case OFTInteger:
        if (OGR_Fld_GetSubType(fd) == OFSTBoolean)
            snprintf(num, sizeof num, "%s", OGR_F_GetFieldAsInteger(f, i) ? "t" : "f");
        else
            snprintf(num, sizeof num, "%d", OGR_F_GetFieldAsInteger(f, i));
        rb_raw(b, num);
        return;
    case OFTInteger64:
        snprintf(num, sizeof num, "%lld", (long long)OGR_F_GetFieldAsInteger64(f, i));
        rb_raw(b, num);
        return;
    case OFTReal:
        rb_real(b, OGR_F_GetFieldAsDouble(f, i));
        return;
    case OFTDate:
    case OFTDateTime:
        OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz);
        if (OGR_Fld_GetType(fd) == OFTDate)
            snprintf(num, sizeof num, "%04d-%02d-%02d", y, mo, d);
        else if (tz >= 100 || (tz > 1 && tz < 100)) {
            int off = (tz - 100) * 15;
            snprintf(num, sizeof num, "%04d-%02d-%02d %02d:%02d:%09.6f%c%02d:%02d", y, mo, d, h, mi, (double)sec,
                     off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
        } else
            snprintf(num, sizeof num, "%04d-%02d-%02d %02d:%02d:%09.6f", y, mo, d, h, mi, (double)sec);
        rb_raw(b, num);
        return;
    default:
        rb_text(b, OGR_F_GetFieldAsString(f, i));
        return;
    }
}

/* Send what is buffered to the COPY in progress. */
static int copy_flush(PGconn *conn, rowbuf *b)
{
    if (b->len && PQputCopyData(conn, b->s, (int)b->len) != 1)
        return 0;
    b->len = 0;
    return 1;
}

/* CREATE TABLE schema.tmp and COPY the layer's features into it. */
static pc_status write_table(pc_pg_out *pg, const char *qschema, out_table *t, size_t *rows_done, size_t rows_total)
{
    pc_status s = PC_OK;
    rowbuf sql = {0}, row = {0};
    PGresult *res = NULL;
    char *qtmp = pc_pg_quote_ident(t->tmp_name);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(t->layer);
    int n_fields = OGR_FD_GetFieldCount(defn);
    int copying = 0;
    if (!qtmp) {
        s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    rb_raw(&sql, "CREATE TABLE ");
    rb_raw(&sql, qschema);
    rb_raw(&sql, ".");
    rb_raw(&sql, qtmp);
    rb_raw(&sql, " (fid bigint NOT NULL");
    if (t->has_geometry) {
        char gtype[64], col[128];
        layer_geometry_type(t->layer, gtype, sizeof gtype);
        snprintf(col, sizeof col, ", geom %s(%s, %d)", pg->geometry_type, gtype, pg->srid);
        rb_raw(&sql, col);
    }
    for (int i = 0; i < n_fields; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        const char *fname = OGR_Fld_GetNameRef(fd);
        const char *problem = pc_pg_ident_problem(fname);
        if (!problem && (strcmp(fname, "fid") == 0 || (t->has_geometry && strcmp(fname, "geom") == 0)))
            problem = "plancheck names its key column 'fid' and its geometry column 'geom'";
        if (problem) {
            s = pc_error(pg->ctx, PC_ERR_ARG, pg->shown, t->name, PC_NO_FID, fname,
                         "cannot be a PostgreSQL column name (%s); nothing was written", problem);
            goto done;
        }
        char *q = pc_pg_quote_ident(fname);
        rb_raw(&sql, ", ");
        rb_raw(&sql, q ? q : "");
        rb_raw(&sql, " ");
        rb_raw(&sql, column_type(fd));
        free(q);
    }
    rb_raw(&sql, ")");
    if (sql.failed) {
        s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((s = exec_sql(pg, sql.s, t->name, "creating the result table")))
        goto done;

    sql.len = 0;
    rb_raw(&sql, "COPY ");
    rb_raw(&sql, qschema);
    rb_raw(&sql, ".");
    rb_raw(&sql, qtmp);
    rb_raw(&sql, " FROM STDIN");
    res = PQexec(pg->conn, sql.s);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        s = sql_error(pg, res, t->name, "starting to copy rows");
        res = NULL;
        goto done;
    }
    PQclear(res);
    res = NULL;
    copying = 1;
    OGRFeatureH f;
    long long fid = 0;
    OGR_L_ResetReading(t->layer);
    while ((f = OGR_L_GetNextFeature(t->layer)) != NULL) {
        char num[32];
        snprintf(num, sizeof num, "%lld", ++fid);
        rb_raw(&row, num);
        if (t->has_geometry) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            rb_raw(&row, "\t");
            if (g)
                rb_ewkb(&row, g, pg->srid);
            else
                rb_raw(&row, "\\N");
        }
        for (int i = 0; i < n_fields; i++) {
            rb_raw(&row, "\t");
            rb_field(&row, f, i, OGR_FD_GetFieldDefn(defn, i));
        }
        rb_raw(&row, "\n");
        OGR_F_Destroy(f);
        if (row.failed) {
            s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory writing %s", t->name);
            goto done;
        }
        if (row.len >= PC_PG_COPY_CHUNK && !copy_flush(pg->conn, &row)) {
            s = sql_error(pg, NULL, t->name, "copying rows");
            goto done;
        }
        if (++*rows_done % PC_PG_ROWS_PER_CHECK == 0 &&
            (s = pc_ctx_progress(pg->ctx, rows_total ? (double)*rows_done / (double)rows_total * 0.9 : 0.0,
                                 "writing to PostGIS")))
            goto done;
    }
    if (!copy_flush(pg->conn, &row)) {
        s = sql_error(pg, NULL, t->name, "copying rows");
        goto done;
    }
    copying = 0;
    if (PQputCopyEnd(pg->conn, NULL) != 1) {
        s = sql_error(pg, NULL, t->name, "finishing the copy");
        goto done;
    }
    while ((res = PQgetResult(pg->conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            s = sql_error(pg, res, t->name, "copying rows");
            res = NULL;
            while ((res = PQgetResult(pg->conn)) != NULL)
                PQclear(res);
            goto done;
        }
        PQclear(res);
    }
done:
    if (copying) {
        /* Abort the COPY so the connection can roll back; the error (or cancel) is already recorded. */
        PQputCopyEnd(pg->conn, "plancheck stopped writing");
        while ((res = PQgetResult(pg->conn)) != NULL)
            PQclear(res);
    }
    free(qtmp);
    free(sql.s);
    free(row.s);
    return s;
}

/* Replace schema.name by the freshly written schema.tmp: drop, rename, key and spatial index. */
static pc_status swap_table(pc_pg_out *pg, const char *qschema, const out_table *t)
{
    char *qname = pc_pg_quote_ident(t->name), *qtmp = pc_pg_quote_ident(t->tmp_name);
    size_t cap = strlen(qschema) + (qname ? strlen(qname) : 0) + (qtmp ? strlen(qtmp) : 0) + 128;
    char *sql = malloc(cap);
    pc_status s = PC_OK;
    if (!qname || !qtmp || !sql) {
        s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(sql, cap, "DROP TABLE IF EXISTS %s.%s", qschema, qname);
    if ((s = exec_sql(pg, sql, t->name, "replacing the previous result table")))
        goto done;
    snprintf(sql, cap, "ALTER TABLE %s.%s RENAME TO %s", qschema, qtmp, qname);
    if ((s = exec_sql(pg, sql, t->name, "renaming the new result table")))
        goto done;
    snprintf(sql, cap, "ALTER TABLE %s.%s ADD PRIMARY KEY (fid)", qschema, qname);
    if ((s = exec_sql(pg, sql, t->name, "adding the primary key")))
        goto done;
    if (t->has_geometry) {
        snprintf(sql, cap, "CREATE INDEX ON %s.%s USING gist (geom)", qschema, qname);
        if ((s = exec_sql(pg, sql, t->name, "creating the spatial index")))
            goto done;
    }
done:
    free(qname);
    free(qtmp);
    free(sql);
    return s;
}

/* Provenance: for each result table, the run's key/value rows replace the previous run's. */
static pc_status write_run_table(pc_pg_out *pg, const char *qschema, const out_table *tables, int n_tables,
                                 OGRLayerH meta)
{
    char *qrun = pc_pg_quote_ident(PC_PG_RUN_TABLE);
    size_t cap = strlen(qschema) + 256;
    char *sql = malloc(cap);
    pc_status s = PC_OK;
    if (!qrun || !sql) {
        s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(sql, cap, "CREATE TABLE IF NOT EXISTS %s.%s (layer text NOT NULL, key text NOT NULL, value text)",
             qschema, qrun);
    if ((s = exec_sql(pg, sql, PC_PG_RUN_TABLE, "creating the run table")))
        goto done;
    for (int t = 0; t < n_tables; t++) {
        const char *del[1] = {tables[t].name};
        snprintf(sql, cap, "DELETE FROM %s.%s WHERE layer = $1", qschema, qrun);
        if ((s = exec_params(pg, sql, 1, del, PC_PG_RUN_TABLE, "updating the run table", NULL)))
            goto done;
        if (!meta)
            continue;
        snprintf(sql, cap, "INSERT INTO %s.%s (layer, key, value) VALUES ($1, $2, $3)", qschema, qrun);
        OGRFeatureH f;
        OGR_L_ResetReading(meta);
        while ((f = OGR_L_GetNextFeature(meta)) != NULL) {
            const char *values[3] = {tables[t].name, OGR_F_GetFieldAsString(f, 0),
                                     OGR_F_IsFieldSetAndNotNull(f, 1) ? OGR_F_GetFieldAsString(f, 1) : NULL};
            s = exec_params(pg, sql, 3, values, PC_PG_RUN_TABLE, "updating the run table", NULL);
            OGR_F_Destroy(f);
            if (s)
                goto done;
        }
    }
done:
    free(qrun);
    free(sql);
    return s;
}

pc_status pc_pg_out_commit(pc_pg_out *pg, void *dataset, const char *schema, const char *meta_layer)
{
    GDALDatasetH ds = dataset;
    pc_status s = PC_OK;
    PGresult *res = NULL;
    char *qschema = NULL;
    OGRLayerH meta = NULL;
    int n_layers = GDALDatasetGetLayerCount(ds), n_tables = 0;
    out_table *tables = calloc((size_t)(n_layers ? n_layers : 1), sizeof *tables);
    size_t rows_total = 0, rows_done = 0;
    if (!tables)
        return pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
    const char *problem = pc_pg_ident_problem(schema);
    if (problem) {
        s = pc_error(pg->ctx, PC_ERR_ARG, pg->shown, NULL, PC_NO_FID, NULL,
                     "--out-schema '%s' cannot be a PostgreSQL schema name (%s); choose another", schema ? schema : "",
                     problem);
        goto done;
    }
    qschema = pc_pg_quote_ident(schema);
    for (int i = 0; i < n_layers; i++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, i);
        const char *name = OGR_L_GetName(layer);
        if (meta_layer && strcmp(name, meta_layer) == 0) {
            meta = layer;
            continue;
        }
        if ((problem = pc_pg_ident_problem(name)) || strcmp(name, PC_PG_RUN_TABLE) == 0) {
            s = pc_error(pg->ctx, PC_ERR_ARG, pg->shown, name, PC_NO_FID, NULL,
                         "cannot be a PostgreSQL table name (%s); nothing was written",
                         problem ? problem : "plancheck keeps its run table under that name");
            goto done;
        }
        out_table *t = &tables[n_tables++];
        t->layer = layer;
        t->name = name;
        t->has_geometry = OGR_L_GetGeomType(layer) != wkbNone;
        char tmp[64];
        /* Unique among concurrent runs: process id and a random tag. */
        snprintf(tmp, sizeof tmp, "plancheck_tmp_%ld_%04x_%d", (long)getpid(),
                 (unsigned)(((unsigned long)time(NULL) ^ (unsigned long)(uintptr_t)pg) & 0xffff), i);
        t->tmp_name = strdup(tmp);
        if (!qschema || !t->tmp_name) {
            s = pc_error_plain(pg->ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        GIntBig count = OGR_L_GetFeatureCount(layer, 1);
        rows_total += count > 0 ? (size_t)count : 0;
    }
    if ((s = exec_sql(pg, "BEGIN", NULL, "starting the transaction")))
        goto done;
    pg->in_transaction = 1;
    /* Wait for other sessions' locks on the previous results a while, not for ever. */
    res = PQexec(pg->conn, "SELECT current_setting('lock_timeout')");
    int no_timeout = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
                     strcmp(PQgetvalue(res, 0, 0), "0") == 0;
    PQclear(res);
    res = NULL;
    if (no_timeout && (s = exec_sql(pg, "SET LOCAL lock_timeout = '60s'", NULL, "setting lock_timeout")))
        goto done;
    const char *values[1] = {schema};
    if ((s = exec_params(pg, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, values, NULL,
                         "looking for the output schema", &res)))
        goto done;
    int exists = PQntuples(res) == 1;
    PQclear(res);
    res = NULL;
    if (!exists) {
        char sql[256];
        snprintf(sql, sizeof sql, "CREATE SCHEMA %s", qschema);
        if ((s = exec_sql(pg, sql, NULL, "creating the output schema")))
            goto done;
    }
    for (int t = 0; t < n_tables; t++)
        if ((s = pc_ctx_progress(pg->ctx, rows_total ? (double)rows_done / (double)rows_total * 0.9 : 0.0,
                                 "writing to PostGIS")) ||
            (s = write_table(pg, qschema, &tables[t], &rows_done, rows_total)))
            goto done;
    for (int t = 0; t < n_tables; t++)
        if ((s = pc_ctx_check_cancel(pg->ctx)) || (s = swap_table(pg, qschema, &tables[t])))
            goto done;
    if ((s = write_run_table(pg, qschema, tables, n_tables, meta)))
        goto done;
    if ((s = pc_ctx_progress(pg->ctx, 0.95, "committing")))
        goto done;
    res = PQexec(pg->conn, "COMMIT");
    pg->in_transaction = 0;
    if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        s = sql_error(pg, res, NULL, "committing");
        res = NULL;
        goto done;
    }
done:
    PQclear(res);
    if (s && pg->in_transaction) {
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        pg->in_transaction = 0;
    }
    for (int t = 0; t < n_tables; t++)
        free(tables[t].tmp_name);
    free(tables);
    free(qschema);
    return s;
}
