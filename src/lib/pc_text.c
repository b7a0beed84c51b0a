/* pc_text.c: a growable UTF-8 text buffer with printf-style appends and XML/CSV escaping. */
#include "pc_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(pc_text *t, size_t extra)
{
    if (t->failed)
        return 0;
    if (t->len + extra + 1 <= t->cap)
        return 1;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *data = realloc(t->data, cap);
    if (!data) {
        t->failed = 1;
        return 0;
    }
    t->data = data;
    t->cap = cap;
    return 1;
}

void pc_text_add_n(pc_text *t, const char *s, size_t n)
{
    if (!s || !reserve(t, n))
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void pc_text_add(pc_text *t, const char *s)
{
    if (s)
        pc_text_add_n(t, s, strlen(s));
}

void pc_text_printf(pc_text *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        pc_text_add_n(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void pc_text_xml(pc_text *t, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s;; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep || !*p) {
            pc_text_add_n(t, run, (size_t)(p - run));
            if (!*p)
                break;
            pc_text_add(t, rep);
            run = p + 1;
        }
    }
}

void pc_text_csv(pc_text *t, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        pc_text_add(t, s);
        return;
    }
    pc_text_add(t, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            pc_text_add(t, "\"");
        pc_text_add_n(t, p, 1);
    }
    pc_text_add(t, "\"");
}

void pc_text_number(pc_text *t, double v, int decimals)
{
    if (!isfinite(v))
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (decimals > 0) {
        char *end = buf + strlen(buf) - 1;
        while (end > buf && *end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, sizeof buf, "0");
    pc_text_add(t, buf);
}

const char *pc_text_str(const pc_text *t) { return t->data && !t->failed ? t->data : ""; }

pc_status pc_text_status(pc_ctx *ctx, const pc_text *t)
{
    return t->failed ? pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory while building a text") : PC_OK;
}

char *pc_text_take(pc_text *t)
{
    char *out = NULL;
    if (!t->failed) {
        out = t->data ? t->data : strdup("");
        t->data = NULL;
    }
    pc_text_free(t);
    return out;
}

void pc_text_free(pc_text *t)
{
    free(t->data);
    t->data = NULL;
    t->len = t->cap = 0;
    t->failed = 0;
}

pc_status pc_text_write_file(pc_ctx *ctx, const pc_text *t, const char *path)
{
    pc_status s = pc_text_status(ctx, t);
    if (s)
        return s;
    FILE *f = fopen(path, "wb");
    if (!f)
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "cannot create the file (%s)", strerror(errno));
    size_t written = t->len ? fwrite(t->data, 1, t->len, f) : 0;
    int bad = written != t->len;
    if (fclose(f) != 0)
        bad = 1;
    if (bad)
        return pc_error(ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "cannot write the file (%s); is the disk full?",
                        strerror(errno));
    return PC_OK;
}
