/* tu.h: fixtures for the CUnit suites: temp folders, GeoPackages from WKT, assertions. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pc_ctx.h"

/** One feature of a fixture: WKT and up to 6 attribute values as text (NULL = null). */
typedef struct tu_row {
    const char *wkt;
    const char *values[6];
} tu_row;

/** A fresh folder for one test under $PC_TEST_TMP (or /tmp). Returns a static buffer. */
const char *tu_tmpdir(const char *name);
/** Join folder and file name into a static rotating buffer. */
const char *tu_path(const char *dir, const char *file);

/**
 * Write a layer into a GeoPackage (created when missing). epsg 0 writes an undefined SRS.
 * fields: comma-separated "name:type" with type s (string), i (integer), r (real). Returns 0 on success.
 */
int tu_write_layer(const char *path, const char *layer, int epsg, const char *geometry_type, const char *fields,
                   const tu_row *rows, int n_rows);

/** Run a shell command, capturing stdout and stderr into static buffers; returns the exit code. */
int tu_run(const char *command);
const char *tu_stdout(void);
const char *tu_stderr(void);
/** Non-zero when the file exists. */
int tu_exists(const char *path);
/** Number of files in dir (for "nothing left behind" checks). */
int tu_count_files(const char *dir);

#define TU_ASSERT_NEAR(obtained, expected, tolerance)                                                           \
    do {                                                                                                       \
        double tu_o_ = (obtained), tu_e_ = (expected);                                                         \
        if (!(fabs(tu_o_ - tu_e_) <= (tolerance)))                                                             \
            fprintf(stderr, "\n  %s:%d: expected %.9g, obtained %.9g (tolerance %g)\n", __FILE__, __LINE__,      \
                    tu_e_, tu_o_, (double)(tolerance));                                                          \
        CU_ASSERT(fabs(tu_o_ - tu_e_) <= (tolerance));                                                         \
    } while (0)

#define TU_ASSERT_INT(obtained, expected)                                                                       \
    do {                                                                                                       \
        long long tu_o_ = (long long)(obtained), tu_e_ = (long long)(expected);                                \
        if (tu_o_ != tu_e_)                                                                                    \
            fprintf(stderr, "\n  %s:%d: expected %lld, obtained %lld\n", __FILE__, __LINE__, tu_e_, tu_o_);      \
        CU_ASSERT_EQUAL(tu_o_, tu_e_);                                                                         \
    } while (0)

#define TU_ASSERT_CONTAINS(haystack, needle)                                                                    \
    do {                                                                                                       \
        const char *tu_h_ = (haystack);                                                                        \
        if (!tu_h_ || !strstr(tu_h_, (needle)))                                                                \
            fprintf(stderr, "\n  %s:%d: expected to find \"%s\" in \"%s\"\n", __FILE__, __LINE__, (needle),      \
                    tu_h_ ? tu_h_ : "(null)");                                                                 \
        CU_ASSERT_PTR_NOT_NULL(tu_h_ ? strstr(tu_h_, (needle)) : NULL);                                        \
    } while (0)

#endif
