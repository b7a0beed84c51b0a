/* pc_text.h: a growable UTF-8 text buffer with printf-style appends and XML/CSV escaping. */
#ifndef PC_TEXT_H
#define PC_TEXT_H

#include "pc_ctx.h"
#include <stddef.h>

/**
 * A text being built. Appends never fail loudly: an allocation failure sets `failed` and later
 * appends do nothing, so a writer checks once at the end (pc_text_status).
 */
typedef struct pc_text {
    char *data; /* NUL-terminated once anything was appended (owned) */
    size_t len;
    size_t cap;
    int failed;
} pc_text;
#define PC_TEXT_INIT {NULL, 0, 0, 0}

/** Append a C string (NULL appends nothing). */
void pc_text_add(pc_text *t, const char *s);
/** Append n bytes. */
void pc_text_add_n(pc_text *t, const char *s, size_t n);
/** Append formatted text. */
void pc_text_printf(pc_text *t, const char *fmt, ...) PC_PRINTF(2, 3);
/** Append s escaped for XML/HTML text and attribute values (& < > " '). NULL appends nothing. */
void pc_text_xml(pc_text *t, const char *s);
/** Append s as one CSV field (quoted when it holds a comma, quote, CR or LF). NULL appends nothing. */
void pc_text_csv(pc_text *t, const char *s);
/** Append a number with up to `decimals` decimals, trailing zeros dropped ("12.5", "3"); "" for NaN. */
void pc_text_number(pc_text *t, double v, int decimals);
/** The text so far ("" when empty; borrowed, valid until the next append). */
const char *pc_text_str(const pc_text *t);
/** PC_OK, or PC_ERR_NOMEM (recorded in ctx) when an append failed. */
pc_status pc_text_status(pc_ctx *ctx, const pc_text *t);
/** Take the text (caller owns, free()); t is emptied. NULL when an append failed. */
char *pc_text_take(pc_text *t);
/** Free the text. Accepts an empty buffer. */
void pc_text_free(pc_text *t);
/** Write the text to a file (created or truncated). PC_ERR_IO naming the file on failure. */
pc_status pc_text_write_file(pc_ctx *ctx, const pc_text *t, const char *path);

#endif
