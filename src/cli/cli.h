/* cli.h: the command-line front end: option table, sub-command registry and shared run helpers. */
#ifndef CLI_H
#define CLI_H

#include "pc_ctx.h"
#include "pc_output.h"
#include "pc_plan.h"
#include "pc_profile.h"
#include <json-c/json.h>
#include <stdio.h>

/** Every option of every sub-command. A command lists the ones it takes. */
typedef enum cli_opt {
    OPT_HELP = 0, OPT_VERSION, OPT_JSON, OPT_QUIET, OPT_OUTPUT, OPT_CRS, OPT_PROFILE, OPT_INVALID, OPT_MODE,
    OPT_SITES, OPT_POINT_RADIUS, OPT_SCHEMA, OPT_OUT_SCHEMA, OPT_ADD, OPT_CATEGORY, OPT_COUNT, OPT_LEVEL,
    OPT_CANDIDATES, OPT_RESPECT_REDLINES, OPT_BOUNDARY, OPT_POPULATION, OPT_POPULATION_RASTER, OPT_STRUCTURE,
    OPT_SUGGEST,
    OPT__COUNT
} cli_opt;

/** Parsed arguments: option values (NULL when not given; "1" for flags) and positionals. */
typedef struct cli_args {
    const char *value[OPT__COUNT];
    int n_positional;
    const char *positional[8];
} cli_args;

struct cli_run;

/** A sub-command: src/cli/cmd_<name>.c defines `const cli_command cli_command_<name>`. */
typedef struct cli_command {
    const char *name;
    int order;             /* position in `plancheck --help` */
    const char *usage;     /* "PLAN [-o OUT.gpkg]" */
    const char *summary;   /* one line */
    const cli_opt *options; /* taken options, ending with OPT__COUNT */
    int min_positional, max_positional;
    int (*run)(struct cli_run *run);
} cli_command;

/** What a command runs with. */
typedef struct cli_run {
    const cli_command *command;
    cli_args args;
    pc_ctx *ctx;
    pc_profile profile;
} cli_run;

/** Exit codes (INTERFACE.md). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_VIOLATION = 3 };

/** Parse argv (argv[0] is the command name) into run->args. Returns -1 on success, else an exit code (2). */
int cli_parse_args(cli_run *run, int argc, char **argv);
/** Print a command's help, generated from the option table. */
void cli_print_command_help(FILE *out, const cli_command *cmd);
/** Print the list of commands. */
void cli_print_main_help(FILE *out, const cli_command *const *commands, size_t n_commands);

/** Print "plancheck CMD: <ctx message>" (and warnings) on stderr; return 1. */
int cli_fail(cli_run *run);
/** Print a usage error and the command's usage line on stderr; return 2. */
int cli_usage_error(cli_run *run, const char *fmt, ...) PC_PRINTF(2, 3);
/** Open the plan named by the first positional with --crs, --invalid, --schema; load the profile. */
int cli_open_plan(cli_run *run, pc_plan **plan);
/**
 * Open the writer for -o PATH (a file, or PG:... with --out-schema) in the plan's CRS. Returns a
 * status like pc_writer_open (the error is in run->ctx; report it with cli_fail). A PATH that is
 * one of the run's inputs (the plan, a layer's source, a file given to an option) is refused.
 */
pc_status cli_writer_open(cli_run *run, pc_writer **w, const char *path, pc_plan *plan);
/** Non-zero when both paths name the same existing file (same device and inode). */
int cli_same_file(const char *a, const char *b);
/** Parse a numeric option; returns 0 and prints a usage error when malformed. */
int cli_number(cli_run *run, cli_opt opt, double min, double max, double fallback, double *out);
/** Print JSON on stdout (takes ownership of obj). */
void cli_print_json(json_object *obj);
/** Print warnings recorded in the context on stderr unless --quiet. */
void cli_print_warnings(cli_run *run);
/** Non-zero when --quiet was given. */
int cli_quiet(const cli_run *run);
/** Left-pad/truncate a UTF-8 string to a display width (CJK counts 2). Returns buf. */
const char *cli_cell(char *buf, size_t cap, const char *text, int width);

#endif
