/* pc_ctx.h: the run context: GEOS and PROJ handles, the last error, progress and cancellation. */
#ifndef PC_CTX_H
#define PC_CTX_H

/* The only place GEOS is included: every module goes through the reentrant API. */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/** Status codes returned by every library call that can fail. */
typedef enum pc_status {
    PC_OK = 0,
    PC_ERR_ARG,       /* bad argument or option (usage) */
    PC_ERR_IO,        /* file or database could not be read or written */
    PC_ERR_CRS,       /* missing or unusable coordinate reference system */
    PC_ERR_GEOM,      /* invalid or unexpected geometry */
    PC_ERR_DATA,      /* missing layer or field, bad attribute value */
    PC_ERR_NOMEM,     /* allocation failed */
    PC_ERR_CANCELLED, /* the progress callback or a signal asked to stop */
    PC_ERR_DB         /* database server error */
} pc_status;

/** Progress callback in the shape of GDALProgressFunc: return 0 to cancel. */
typedef int (*pc_progress_fn)(double fraction, const char *message, void *payload);

/** Feature id meaning "no feature" in error locations. */
#define PC_NO_FID INT64_MIN

typedef struct pc_ctx pc_ctx;

/** Create a context (caller owns; release with pc_ctx_destroy). NULL when out of memory. */
pc_ctx *pc_ctx_create(void);
/** Destroy a context and its GEOS and PROJ handles. Accepts NULL. */
void pc_ctx_destroy(pc_ctx *ctx);

/** The GEOS reentrant handle (borrowed). */
GEOSContextHandle_t pc_ctx_geos(pc_ctx *ctx);
/** The PROJ context (borrowed). */
PJ_CONTEXT *pc_ctx_proj(pc_ctx *ctx);

#if defined(__GNUC__)
#define PC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PC_PRINTF(a, b)
#endif

/**
 * Record an error and return its code. The message reads
 * "FILE: layer 'LAYER' fid FID: field 'FIELD': TEXT"; any location part may be NULL
 * (fid PC_NO_FID). TEXT should say what failed, why, and the fix.
 */
pc_status pc_error(pc_ctx *ctx, pc_status code, const char *file, const char *layer, int64_t fid,
                   const char *field, const char *fmt, ...) PC_PRINTF(7, 8);
/** Shorthand for an error without location. */
pc_status pc_error_plain(pc_ctx *ctx, pc_status code, const char *fmt, ...) PC_PRINTF(3, 4);

/** Status of the last error (PC_OK when none). */
pc_status pc_ctx_status(const pc_ctx *ctx);
/** The last error message as one line (borrowed; "" when none). */
const char *pc_ctx_message(const pc_ctx *ctx);
/** The last message GEOS gave through its error handler (borrowed; "" when none). */
const char *pc_ctx_geos_message(const pc_ctx *ctx);
/** Forget the last error. */
void pc_ctx_clear_error(pc_ctx *ctx);

/** Install a progress callback (payload borrowed). NULL removes it. */
void pc_ctx_set_progress(pc_ctx *ctx, pc_progress_fn fn, void *payload);
/**
 * Report progress. Returns PC_OK, or PC_ERR_CANCELLED (with the error set) when the callback
 * returned 0 or pc_ctx_cancel was called.
 */
pc_status pc_ctx_progress(pc_ctx *ctx, double fraction, const char *message);
/** Ask the running analysis to stop at its next check. Async-signal-safe. */
void pc_ctx_cancel(pc_ctx *ctx);
/** Non-zero once pc_ctx_cancel was called. */
int pc_ctx_cancelled(const pc_ctx *ctx);
/** Check for cancellation; returns PC_ERR_CANCELLED with the error set, or PC_OK. */
pc_status pc_ctx_check_cancel(pc_ctx *ctx);

/** Counters of warnings a run wants to report (appended; caller reads after the run). */
void pc_ctx_warn(pc_ctx *ctx, const char *fmt, ...) PC_PRINTF(2, 3);
/** Number of warnings recorded. */
size_t pc_ctx_warning_count(const pc_ctx *ctx);
/** Warning i (borrowed). */
const char *pc_ctx_warning(const pc_ctx *ctx, size_t i);

#endif
