/* pc_pg.c: PostgreSQL helpers: connection strings (redaction, description), identifier quoting, connecting. */
#include "pc_pg.h"

#include <libpq-fe.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pc_pg_is_source(const char *source) { return source && strncasecmp(source, "PG:", 3) == 0; }

/* First case-insensitive occurrence of needle in s, or NULL (strcasestr is not POSIX). */
static const char *find_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return s;
    return NULL;
}

static int is_uri(const char *s) { return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0; }

/* One key=value item of a libpq connection string, as spans of the original text. */
typedef struct conn_item {
    const char *start;    /* first character of the key */
    const char *key_end;  /* one past the key */
    const char *value;    /* first character of the value (a quote when quoted) */
    const char *end;      /* one past the value (past the closing quote) */
} conn_item;

/*
 * Next item of a key=value connection string from *p, libpq's rules: items separated by spaces,
 * spaces allowed around '=', values quoted with '...' or bare, backslash escapes either way.
 * Returns 0 at the end or on text that is not key=value (then *p stays where it stopped).
 */
static int next_item(const char **p, conn_item *it)
{
    const char *s = *p;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    it->start = s;
    while (*s && *s != '=' && !isspace((unsigned char)*s))
        s++;
    it->key_end = s;
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '=' || it->key_end == it->start) {
        *p = s;
        return 0;
    }
    s++;
    while (isspace((unsigned char)*s))
        s++;
    it->value = s;
    if (*s == '\'') {
        s++;
        while (*s && *s != '\'') {
            if (*s == '\\' && s[1])
                s++;
            s++;
        }
        if (*s == '\'')
            s++;
    } else {
        while (*s && !isspace((unsigned char)*s)) {
            if (*s == '\\' && s[1])
                s++;
            s++;
        }
    }
    it->end = s;
    *p = s;
    return 1;
}

static int key_is(const conn_item *it, const char *key)
{
    size_t n = (size_t)(it->key_end - it->start);
    return strlen(key) == n && strncasecmp(it->start, key, n) == 0;
}

/* The decoded value of an item (quotes removed, escapes resolved). Caller owns. */
static char *item_value(const conn_item *it)
{
    char *out = malloc((size_t)(it->end - it->value) + 1);
    if (!out)
        return NULL;
    const char *s = it->value, *end = it->end;
    size_t n = 0;
    if (s < end && *s == '\'') {
        s++;
        if (end > s && end[-1] == '\'')
            end--;
    }
    for (; s < end; s++) {
        if (*s == '\\' && s + 1 < end)
            s++;
        out[n++] = *s;
    }
    out[n] = '\0';
    return out;
}

/* A growing string. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *text) { sb_add(b, text, strlen(text)); }

static char *sb_finish(strbuf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        sb_add(b, "", 0);
    return b->s;
}

/* Redact a postgresql:// URI: user:PASSWORD@ and password=VALUE in the query. */
static void redact_uri(strbuf *b, const char *uri)
{
    const char *scheme_end = strstr(uri, "://") + 3;
    const char *auth_end = scheme_end + strcspn(scheme_end, "/?#");
    const char *at = NULL;
    for (const char *s = scheme_end; s < auth_end; s++)
        if (*s == '@')
            at = s;
    const char *colon = at ? memchr(scheme_end, ':', (size_t)(at - scheme_end)) : NULL;
    if (colon) {
        sb_add(b, uri, (size_t)(colon + 1 - uri));
        sb_str(b, "***");
        uri = at;
    }
    /* Query parameters: password=... up to the next '&'. */
    const char *s = uri;
    while (*s) {
        const char *q = find_ci(s, "password=");
        if (!q || (q > uri && q[-1] != '?' && q[-1] != '&')) {
            if (!q) {
                sb_str(b, s);
                return;
            }
            sb_add(b, s, (size_t)(q + 9 - s));
            s = q + 9;
            continue;
        }
        sb_add(b, s, (size_t)(q + 9 - s));
        sb_str(b, "***");
        s = q + 9 + strcspn(q + 9, "&#");
    }
}

/* Outside PostgreSQL strings: password=VALUE and pwd=VALUE up to a separator. */
static void redact_generic(strbuf *b, const char *s)
{
    while (*s) {
        const char *hit = NULL;
        size_t klen = 0;
        for (const char *p = s; *p && !hit; p++) {
            if (strncasecmp(p, "password=", 9) == 0)
                hit = p, klen = 9;
            else if (strncasecmp(p, "pwd=", 4) == 0 && (p == s || !isalnum((unsigned char)p[-1])))
                hit = p, klen = 4;
        }
        if (!hit) {
            sb_str(b, s);
            return;
        }
        sb_add(b, s, (size_t)(hit + klen - s));
        sb_str(b, "***");
        s = hit + klen + strcspn(hit + klen, " ,;|");
    }
}

char *pc_pg_redact(const char *source)
{
    strbuf b = {0};
    if (!source)
        return NULL;
    if (!pc_pg_is_source(source) && !is_uri(source)) {
        redact_generic(&b, source);
        return sb_finish(&b);
    }
    const char *s = source;
    if (pc_pg_is_source(s)) {
        sb_add(&b, s, 3);
        s += 3;
    }
    if (is_uri(s)) {
        redact_uri(&b, s);
        return sb_finish(&b);
    }
    conn_item it;
    const char *p = s;
    while (next_item(&p, &it)) {
        if (key_is(&it, "password")) {
            sb_add(&b, s, (size_t)(it.value - s));
            sb_str(&b, "***");
            s = it.end;
        }
    }
    if (*p) {
        /* Not key=value from here on: keep it, with any password= in it hidden all the same. */
        sb_add(&b, s, (size_t)(p - s));
        redact_generic(&b, p);
    } else {
        sb_str(&b, s);
    }
    return sb_finish(&b);
}

const char *pc_pg_ident_problem(const char *name)
{
    if (!name || !*name)
        return "it is empty";
    size_t len = strlen(name);
    if (len > PC_PG_MAX_IDENT)
        return "it is longer than 63 bytes, which PostgreSQL would cut";
    const unsigned char *s = (const unsigned char *)name;
    while (*s) {
        if (*s < 0x20 || *s == 0x7f)
            return "it contains a control character";
        int n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || (n == 2 && *s < 0xC2))
            return "it is not valid UTF-8";
        for (int k = 1; k < n; k++)
            if ((s[k] & 0xC0) != 0x80)
                return "it is not valid UTF-8";
        s += n;
    }
    return NULL;
}

char *pc_pg_quote_ident(const char *name)
{
    if (pc_pg_ident_problem(name))
        return NULL;
    strbuf b = {0};
    sb_str(&b, "\"");
    for (const char *s = name; *s; s++)
        sb_add(&b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    sb_str(&b, "\"");
    return sb_finish(&b);
}

char *pc_pg_conninfo(const char *source, char **active_schema)
{
    if (active_schema)
        *active_schema = NULL;
    const char *s = pc_pg_is_source(source) ? source + 3 : source;
    strbuf b = {0};
    if (is_uri(s))
        return strdup(s);
    conn_item it;
    const char *p = s;
    while (next_item(&p, &it)) {
        int gdal_only = key_is(&it, "active_schema") || key_is(&it, "schemas") || key_is(&it, "tables") ||
                        key_is(&it, "list_all_tables");
        if (gdal_only) {
            if (active_schema && key_is(&it, "active_schema")) {
                free(*active_schema);
                *active_schema = item_value(&it);
            }
            continue;
        }
        if (b.len)
            sb_str(&b, " ");
        sb_add(&b, it.start, (size_t)(it.end - it.start));
    }
    if (*p) {
        /* Leave what is not key=value to libpq, which names the problem. */
        if (b.len)
            sb_str(&b, " ");
        sb_str(&b, p);
    }
    return sb_finish(&b);
}

const char *pc_pg_describe(const char *source, char *buf, size_t cap)
{
    char *conninfo = pc_pg_conninfo(source, NULL);
    const char *host = NULL, *hostaddr = NULL, *port = NULL, *dbname = NULL, *user = NULL, *service = NULL;
    PQconninfoOption *given = conninfo ? PQconninfoParse(conninfo, NULL) : NULL;
    PQconninfoOption *defaults = PQconndefaults();
    for (int pass = 0; pass < 2; pass++) {
        PQconninfoOption *opts = pass == 0 ? given : defaults;
        for (PQconninfoOption *o = opts; o && o->keyword; o++) {
            if (!o->val || !*o->val)
                continue;
            const char **slot = strcmp(o->keyword, "host") == 0       ? &host
                                : strcmp(o->keyword, "hostaddr") == 0 ? &hostaddr
                                : strcmp(o->keyword, "port") == 0     ? &port
                                : strcmp(o->keyword, "dbname") == 0   ? &dbname
                                : strcmp(o->keyword, "user") == 0     ? &user
                                : strcmp(o->keyword, "service") == 0  ? &service
                                                                      : NULL;
            if (slot && !*slot)
                *slot = o->val;
        }
    }
    if (!host)
        host = hostaddr;
    snprintf(buf, cap, "database '%s' on %s%s%s%s%s%s%s%s", dbname ? dbname : user ? user : "?",
             host ? host : "the local socket", port ? ":" : "", port ? port : "", user ? " as user '" : "",
             user ? user : "", user ? "'" : "", service ? " (service " : "", service ? service : "");
    if (service && strlen(buf) + 2 < cap)
        strcat(buf, ")");
    PQconninfoFree(given);
    PQconninfoFree(defaults);
    free(conninfo);
    return buf;
}

const char *pc_pg_one_line(const char *text, char *buf, size_t cap)
{
    static const char *const prefixes[] = {"PQconnectdb failed.", "ERROR:", "FATAL:"};
    size_t n = 0;
    int space = 1; /* drop leading spaces */
    if (!cap)
        return buf;
    for (const char *s = text ? text : ""; *s && n + 1 < cap; s++) {
        int skipped = 0;
        for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
            size_t plen = strlen(prefixes[k]);
            if (space && strncmp(s, prefixes[k], plen) == 0) {
                s += plen - 1;
                skipped = 1;
                break;
            }
        }
        if (skipped)
            continue;
        if (isspace((unsigned char)*s)) {
            if (!space)
                buf[n++] = ' ';
            space = 1;
            continue;
        }
        buf[n++] = *s;
        space = 0;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

int pc_pg_copy_append(char **buf, size_t *len, size_t *cap, const char *value)
{
    strbuf b = {*buf, *len, *cap, 0};
    for (const char *s = value; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
        if (esc)
            sb_str(&b, esc);
        else
            sb_add(&b, s, 1);
    }
    *buf = b.s;
    *len = b.len;
    *cap = b.cap;
    return !b.failed;
}

pc_status pc_pg_connect(pc_ctx *ctx, const char *source, pc_pg_conn_t **out)
{
    *out = NULL;
    char where[512], why[1024];
    char *conninfo = pc_pg_conninfo(source, NULL);
    char *shown = pc_pg_redact(source);
    if (!conninfo || !shown) {
        free(conninfo);
        free(shown);
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    }
    PGconn *conn = PQconnectdb(conninfo);
    pc_status s = PC_OK;
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        pc_pg_describe(source, where, sizeof where);
        s = pc_error(ctx, PC_ERR_DB, shown, NULL, PC_NO_FID, NULL,
                     "cannot connect to %s (%s); check host, port, dbname and user, and give the password with "
                     "PGPASSWORD or ~/.pgpass",
                     where, pc_pg_one_line(conn ? PQerrorMessage(conn) : "out of memory", why, sizeof why));
        PQfinish(conn);
        conn = NULL;
    } else if (PQsetClientEncoding(conn, "UTF8") != 0) {
        s = pc_error(ctx, PC_ERR_DB, shown, NULL, PC_NO_FID, NULL, "cannot use UTF-8 with this server (%s)",
                     pc_pg_one_line(PQerrorMessage(conn), why, sizeof why));
        PQfinish(conn);
        conn = NULL;
    }
    free(conninfo);
    free(shown);
    *out = conn;
    return s;
}

void pc_pg_disconnect(pc_pg_conn_t *conn)
{
    if (conn)
        PQfinish(conn);
}
