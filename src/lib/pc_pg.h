/* pc_pg.h: PostgreSQL helpers: connection strings (redaction, description), identifier quoting, connecting. */
#ifndef PC_PG_H
#define PC_PG_H

#include "pc_ctx.h"
#include <stddef.h>

/** PostgreSQL keeps identifiers up to 63 bytes (NAMEDATALEN - 1) and silently cuts longer ones. */
#define PC_PG_MAX_IDENT 63

/** Non-zero when source is a PostgreSQL datasource as GDAL takes it ("PG:..." in any case). */
int pc_pg_is_source(const char *source);

/**
 * A copy of a datasource name that is safe to print: the password of a PG: connection string
 * (key=value form, quoted or not, or a postgresql:// URI with user:password@ or ?password=)
 * becomes "***"; in other strings "password=" and "pwd=" values too. Caller owns the result
 * (free); NULL only when out of memory.
 */
char *pc_pg_redact(const char *source);

/**
 * Why name cannot be used as an exact PostgreSQL identifier, or NULL when it can: it must be
 * 1..63 bytes of valid UTF-8 without control characters. Quotes, semicolons and spaces are fine
 * (identifiers are always quoted). Returns a static text.
 */
const char *pc_pg_ident_problem(const char *name);

/**
 * Quote an identifier the way PQescapeIdentifier does: wrapped in double quotes, embedded double
 * quotes doubled. Caller owns the result (free); NULL when pc_pg_ident_problem(name) is not NULL
 * or out of memory.
 */
char *pc_pg_quote_ident(const char *name);

/**
 * The libpq connection string of a GDAL PG: source: without the "PG:" prefix and without the
 * keys only GDAL knows (active_schema, schemas, tables, list_all_tables). When active_schema is
 * not NULL it receives the active_schema value, or NULL (caller owns; free). Caller owns the
 * result (free); NULL when out of memory.
 */
char *pc_pg_conninfo(const char *source, char **active_schema);

/**
 * Where a PG: source points, for messages: "database 'plan' on db.example.org:5432 as user
 * 'bob'", with the PG* environment defaults libpq would use, never a password. Writes into buf
 * (cap bytes) and returns buf.
 */
const char *pc_pg_describe(const char *source, char *buf, size_t cap);

/**
 * A library error text made fit for a one-line message: newlines and tabs become spaces, runs of
 * spaces collapse, libpq's and GDAL's prefixes ("PQconnectdb failed.", "ERROR:", "FATAL:") are
 * dropped, trailing spaces trimmed. Writes into buf (cap bytes) and returns buf.
 */
const char *pc_pg_one_line(const char *text, char *buf, size_t cap);

/**
 * Escape a value for COPY ... FROM STDIN text format (backslash, tab, newline, carriage return)
 * and append it to *buf (length *len, capacity *cap; grown with realloc). Returns 0 when out of
 * memory (the buffer stays valid and caller-owned).
 */
int pc_pg_copy_append(char **buf, size_t *len, size_t *cap, const char *value);

typedef struct pg_conn pc_pg_conn_t; /* libpq's PGconn, kept out of the public headers */

/**
 * Connect to a PG: source with libpq (client encoding UTF8). On failure records one line naming
 * the database, host and user (never the password) and the server's reason, and returns
 * PC_ERR_DB. *out is owned by the caller (pc_pg_disconnect).
 */
pc_status pc_pg_connect(pc_ctx *ctx, const char *source, pc_pg_conn_t **out);
/** Close a connection (a transaction still open is rolled back by the server). Accepts NULL. */
void pc_pg_disconnect(pc_pg_conn_t *conn);

#endif
