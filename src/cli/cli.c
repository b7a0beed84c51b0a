/* cli.c: helpers every sub-command shares: opening the plan, errors, numbers, JSON, progress. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_quiet(const cli_run *run) { return run->args.value[OPT_QUIET] != NULL; }

void cli_print_warnings(cli_run *run)
{
    if (cli_quiet(run))
        return;
    for (size_t i = 0; i < pc_ctx_warning_count(run->ctx); i++)
        fprintf(stderr, "plancheck %s: warning: %s\n", run->command->name, pc_ctx_warning(run->ctx, i));
}

int cli_fail(cli_run *run)
{
    /* After Ctrl-C, whatever failed (a GEOS operation interrupted midway) failed because of it. */
    if (pc_ctx_cancelled(run->ctx) && pc_ctx_status(run->ctx) != PC_ERR_CANCELLED)
        pc_ctx_check_cancel(run->ctx);
    cli_print_warnings(run);
    fprintf(stderr, "plancheck %s: %s\n", run->command->name, pc_ctx_message(run->ctx));
    return CLI_EXIT_FAIL;
}

/* Progress on stderr, throttled, only on a terminal: stdout stays clean for tables and JSON. */
typedef struct progress_state {
    struct timespec last;
    char last_message[128];
} progress_state;

static progress_state progress;

static int draw_progress(double fraction, const char *message, void *payload)
{
    (void)payload;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - progress.last.tv_sec) + (double)(now.tv_nsec - progress.last.tv_nsec) / 1e9;
    int new_step = strncmp(message, progress.last_message, sizeof progress.last_message - 1) != 0;
    if (dt < 0.1 && !new_step && fraction < 1.0)
        return 1;
    progress.last = now;
    snprintf(progress.last_message, sizeof progress.last_message, "%s", message);
    fprintf(stderr, "\r%-50.50s %3d%%%s", message, (int)(fraction * 100 + 0.5), fraction >= 1.0 ? "\n" : "");
    fflush(stderr);
    return 1;
}

int cli_open_plan(cli_run *run, pc_plan **plan)
{
    pc_plan_options opts = PC_PLAN_OPTIONS_INIT;
    opts.crs = run->args.value[OPT_CRS];
    opts.schema = run->args.value[OPT_SCHEMA];
    const char *inv = run->args.value[OPT_INVALID];
    if (inv && strcmp(inv, "skip") == 0)
        opts.invalid = PC_INVALID_SKIP;
    else if (inv && strcmp(inv, "fail") == 0)
        opts.invalid = PC_INVALID_FAIL;
    if (!cli_quiet(run) && isatty(STDERR_FILENO))
        pc_ctx_set_progress(run->ctx, draw_progress, NULL);
    if (pc_plan_open(run->ctx, plan, run->args.positional[0], &opts))
        return cli_fail(run);
    const char *plan_profile = pc_plan_profile_path(*plan);
    if (plan_profile && pc_profile_load(run->ctx, &run->profile, plan_profile))
        return cli_fail(run);
    if (run->args.value[OPT_PROFILE] && pc_profile_load(run->ctx, &run->profile, run->args.value[OPT_PROFILE]))
        return cli_fail(run);
    return CLI_EXIT_OK;
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The file part of a source as a plan file names it ("city.gpkg|layername=x"). */
static int output_is_source(const char *output, const char *source)
{
    char file[4096];
    snprintf(file, sizeof file, "%s", source ? source : "");
    char *bar = strchr(file, '|');
    if (bar)
        *bar = '\0';
    return cli_same_file(output, file);
}

pc_status cli_writer_open(cli_run *run, pc_writer **w, const char *path, pc_plan *plan)
{
    const char *schema = run->args.value[OPT_OUT_SCHEMA];
    *w = NULL;
    /* Writing over an input would replace the plan with the results: refuse before any work. */
    const char *inputs[PC_ROLE_COUNT + OPT__COUNT + 2] = {pc_plan_path(plan), pc_plan_profile_path(plan)};
    size_t n_inputs = 2;
    for (int r = 0; r < PC_ROLE_COUNT; r++)
        inputs[n_inputs++] = pc_plan_info(plan, (pc_role)r).source;
    for (int o = 0; o < OPT__COUNT; o++)
        if (o != OPT_OUTPUT)
            inputs[n_inputs++] = run->args.value[o];
    for (size_t k = 0; k < n_inputs; k++)
        if (inputs[k] && output_is_source(path, inputs[k]))
            return pc_error(run->ctx, PC_ERR_ARG, path, NULL, PC_NO_FID, NULL,
                            "is an input of this run (%s); write the results to another file", inputs[k]);
    if (schema && strncasecmp(path, "PG:", 3) != 0)
        return pc_error_plain(run->ctx, PC_ERR_ARG,
                              "--out-schema applies to PostGIS outputs only (-o PG:...), not to %s", path);
    pc_status s = pc_writer_open(run->ctx, w, path, pc_plan_srs(plan), pc_plan_crs(plan));
    if (!s)
        s = pc_writer_set_schema(*w, schema);
    return s;
}

int cli_number(cli_run *run, cli_opt opt, double min, double max, double fallback, double *out)
{
    const char *text = run->args.value[opt];
    if (!text) {
        *out = fallback;
        return 1;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < min || v > max) {
        cli_usage_error(run, "'%s' is not a number from %g to %g", text, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

void cli_print_json(json_object *obj)
{
    fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
    fputc('\n', stdout);
    json_object_put(obj);
}

/* Display width of one UTF-8 code point: East Asian wide characters take two columns. */
static int cp_width(unsigned cp)
{
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6))
        return 2;
    return 1;
}

const char *cli_cell(char *buf, size_t cap, const char *text, int width)
{
    size_t out = 0;
    int used = 0;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        unsigned cp = *p;
        int len = 1;
        if (cp >= 0xF0) cp &= 0x07, len = 4;
        else if (cp >= 0xE0) cp &= 0x0F, len = 3;
        else if (cp >= 0xC0) cp &= 0x1F, len = 2;
        int k = 1;
        for (; k < len && p[k]; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        len = k; /* a sequence cut short by the end of the text: never read past it */
        int w = cp_width(cp);
        if (used + w > width || out + (size_t)len + 1 >= cap)
            break;
        memcpy(buf + out, p, (size_t)len);
        out += (size_t)len;
        used += w;
        p += len;
    }
    while (used < width && out + 1 < cap) {
        buf[out++] = ' ';
        used++;
    }
    buf[out] = '\0';
    return buf;
}
