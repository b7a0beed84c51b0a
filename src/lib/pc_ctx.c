/* pc_ctx.c: the run context: GEOS and PROJ handles, the last error, progress and cancellation. */
#include "pc_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_MSG_MAX 2048
#define PC_MAX_WARNINGS 64

struct pc_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    pc_status status;
    char message[PC_MSG_MAX];
    char geos_message[512];
    pc_progress_fn progress;
    void *progress_payload;
    volatile sig_atomic_t cancelled;
    char *warnings[PC_MAX_WARNINGS];
    size_t n_warnings;
};

static void geos_message_handler(const char *message, void *userdata)
{
    pc_ctx *ctx = userdata;
    snprintf(ctx->geos_message, sizeof ctx->geos_message, "%s", message);
}

pc_ctx *pc_ctx_create(void)
{
    pc_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        pc_ctx_destroy(ctx);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message_handler, ctx);
    return ctx;
}

void pc_ctx_destroy(pc_ctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->n_warnings; i++)
        free(ctx->warnings[i]);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    free(ctx);
}

GEOSContextHandle_t pc_ctx_geos(pc_ctx *ctx) { return ctx->geos; }
PJ_CONTEXT *pc_ctx_proj(pc_ctx *ctx) { return ctx->proj; }

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...) PC_PRINTF(4, 5);
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = (*len + (size_t)n < cap - 1) ? *len + (size_t)n : cap - 1;
}

static pc_status set_error_v(pc_ctx *ctx, pc_status code, const char *file, const char *layer,
                             int64_t fid, const char *field, const char *fmt, va_list ap)
{
    char text[PC_MSG_MAX];
    vsnprintf(text, sizeof text, fmt, ap);
    size_t len = 0;
    ctx->message[0] = '\0';
    if (file && *file)
        append(ctx->message, PC_MSG_MAX, &len, "%s: ", file);
    size_t located = len;
    if (layer && *layer)
        append(ctx->message, PC_MSG_MAX, &len, "layer '%s' ", layer);
    if (fid != PC_NO_FID)
        append(ctx->message, PC_MSG_MAX, &len, "fid %lld ", (long long)fid);
    if (field && *field)
        append(ctx->message, PC_MSG_MAX, &len, "field '%s' ", field);
    if (len > located && ctx->message[len - 1] == ' ') {
        ctx->message[len - 1] = ':';
        append(ctx->message, PC_MSG_MAX, &len, " ");
    }
    append(ctx->message, PC_MSG_MAX, &len, "%s", text);
    /* One line: messages from libraries sometimes carry newlines. */
    for (char *p = ctx->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    ctx->status = code;
    return code;
}

pc_status pc_error(pc_ctx *ctx, pc_status code, const char *file, const char *layer, int64_t fid,
                   const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error_v(ctx, code, file, layer, fid, field, fmt, ap);
    va_end(ap);
    return code;
}

pc_status pc_error_plain(pc_ctx *ctx, pc_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error_v(ctx, code, NULL, NULL, PC_NO_FID, NULL, fmt, ap);
    va_end(ap);
    return code;
}

pc_status pc_ctx_status(const pc_ctx *ctx) { return ctx->status; }
const char *pc_ctx_message(const pc_ctx *ctx) { return ctx->message; }
const char *pc_ctx_geos_message(const pc_ctx *ctx) { return ctx->geos_message; }

void pc_ctx_clear_error(pc_ctx *ctx)
{
    ctx->status = PC_OK;
    ctx->message[0] = '\0';
    ctx->geos_message[0] = '\0';
}

void pc_ctx_set_progress(pc_ctx *ctx, pc_progress_fn fn, void *payload)
{
    ctx->progress = fn;
    ctx->progress_payload = payload;
}

pc_status pc_ctx_check_cancel(pc_ctx *ctx)
{
    if (ctx->cancelled)
        return pc_error_plain(ctx, PC_ERR_CANCELLED, "cancelled; nothing was written");
    return PC_OK;
}

pc_status pc_ctx_progress(pc_ctx *ctx, double fraction, const char *message)
{
    if (ctx->progress && !ctx->progress(fraction, message ? message : "", ctx->progress_payload))
        ctx->cancelled = 1;
    return pc_ctx_check_cancel(ctx);
}

void pc_ctx_cancel(pc_ctx *ctx) { ctx->cancelled = 1; }
int pc_ctx_cancelled(const pc_ctx *ctx) { return ctx->cancelled != 0; }

void pc_ctx_warn(pc_ctx *ctx, const char *fmt, ...)
{
    if (ctx->n_warnings >= PC_MAX_WARNINGS)
        return;
    char text[PC_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char *copy = strdup(text);
    if (copy)
        ctx->warnings[ctx->n_warnings++] = copy;
}

size_t pc_ctx_warning_count(const pc_ctx *ctx) { return ctx->n_warnings; }
const char *pc_ctx_warning(const pc_ctx *ctx, size_t i) { return i < ctx->n_warnings ? ctx->warnings[i] : ""; }
