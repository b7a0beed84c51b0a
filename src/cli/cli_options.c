/* cli_options.c: the option table that both parses the command line and generates --help. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct option_def {
    const char *name;
    char short_name;
    const char *metavar; /* NULL: a flag */
    const char *help;
} option_def;

static const option_def option_table[OPT__COUNT] = {
    [OPT_HELP] = {"help", 'h', NULL, "show this help and exit"},
    [OPT_VERSION] = {"version", 0, NULL, "print the version and exit"},
    [OPT_JSON] = {"json", 0, NULL, "machine-readable results on stdout"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "no progress and no warnings on stderr"},
    [OPT_OUTPUT] = {"output", 'o', "OUT", "write results to OUT (GeoPackage, PG:..., or a folder for report)"},
    [OPT_CRS] = {"crs", 0, "EPSG:n", "analysis CRS (default: the plan's, else CGCS2000 GK zone in China, UTM elsewhere)"},
    [OPT_PROFILE] = {"profile", 0, "FILE", "planning profile (INI) on top of the built-in GB 50180-2018 defaults"},
    [OPT_INVALID] = {"invalid", 0, "POLICY", "invalid polygons: repair (default), skip or fail"},
    [OPT_MODE] = {"mode", 0, "MODE", "network (along streets, default for coverage) or radius (straight line)"},
    [OPT_SITES] = {"sites", 0, "FILE", "check these sites instead of the plan's 'sites' layer"},
    [OPT_POINT_RADIUS] = {"point-radius", 0, "M", "footprint radius in metres for point sites (default 0)"},
    [OPT_SCHEMA] = {"schema", 0, "NAME", "PostGIS schema of the plan's tables"},
    [OPT_OUT_SCHEMA] = {"out-schema", 0, "NAME", "PostGIS schema for the results (default plancheck)"},
    [OPT_ADD] = {"add", 0, "FILE", "extra (proposed) facilities to add to the plan's"},
    [OPT_CATEGORY] = {"category", 0, "CODE", "facility category code of the profile"},
    [OPT_COUNT] = {"count", 0, "K", "how many sites to propose"},
    [OPT_LEVEL] = {"level", 0, "MIN", "life circle level: 15, 10 or 5"},
    [OPT_CANDIDATES] = {"candidates", 0, "FILE", "candidate points (default: street nodes in the built-up area)"},
    [OPT_RESPECT_REDLINES] = {"respect-redlines", 0, NULL, "never propose a candidate inside a forbidden red line"},
    [OPT_BOUNDARY] = {"boundary", 0, "FILE", "study area polygon (default: the extract's extent)"},
    [OPT_POPULATION] = {"population", 0, "N", "total population to distribute over residential floor area"},
    [OPT_POPULATION_RASTER] = {"population-raster", 0, "FILE", "population raster (GeoTIFF) to sample"},
    [OPT_STRUCTURE] = {"structure", 0, "FILE", "structure units (default: one unit per boundary)"},
    [OPT_SUGGEST] = {"suggest", 0, "K", "add a section proposing K facilities per gap category"},
};

static const cli_opt common_options[] = {OPT_HELP, OPT_QUIET};

static int command_takes(const cli_command *cmd, cli_opt opt)
{
    for (size_t i = 0; i < sizeof common_options / sizeof *common_options; i++)
        if (common_options[i] == opt)
            return 1;
    for (const cli_opt *o = cmd->options; *o != OPT__COUNT; o++)
        if (*o == opt)
            return 1;
    return 0;
}

void cli_print_command_help(FILE *out, const cli_command *cmd)
{
    fprintf(out, "Usage: plancheck %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->usage, cmd->summary);
    for (int o = 0; o < OPT__COUNT; o++) {
        if (!command_takes(cmd, (cli_opt)o))
            continue;
        const option_def *d = &option_table[o];
        char left[64];
        if (d->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", d->short_name, d->name, d->metavar ? " " : "",
                     d->metavar ? d->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", d->name, d->metavar ? " " : "", d->metavar ? d->metavar : "");
        fprintf(out, "  %-28s %s\n", left, d->help);
    }
    fprintf(out, "\nExit codes: 0 success, 1 error, 2 usage, 3 a check found a violation.\n");
}

static int by_order(const void *a, const void *b)
{
    const cli_command *x = *(const cli_command *const *)a, *y = *(const cli_command *const *)b;
    return x->order - y->order;
}

void cli_print_main_help(FILE *out, const cli_command *const *commands, size_t n_commands)
{
    const cli_command *sorted[64];
    if (n_commands > 64)
        n_commands = 64;
    memcpy(sorted, commands, n_commands * sizeof *commands);
    qsort(sorted, n_commands, sizeof *sorted, by_order);
    fprintf(out, "plancheck %s: checks a city's spatial plan against its targets\n"
                 "(15-minute life circle coverage, park green space, ecological red lines).\n\n"
                 "Usage: plancheck COMMAND [OPTIONS] ...\n\nCommands:\n",
            PC_VERSION);
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-11s %s %s\n", sorted[i]->name, sorted[i]->usage, "");
    fprintf(out, "\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-11s %s\n", sorted[i]->name, sorted[i]->summary);
    fprintf(out, "\n'plancheck COMMAND --help' lists a command's options. Exit codes: 0 success, 1 error,\n"
                 "2 usage, 3 a check found a violation.\n");
}

int cli_usage_error(cli_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "plancheck %s: ", run->command->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nUsage: plancheck %s %s (see --help)\n", run->command->name, run->command->usage);
    return CLI_EXIT_USAGE;
}

int cli_parse_args(cli_run *run, int argc, char **argv)
{
    struct option longopts[OPT__COUNT + 1];
    char shortopts[3 * OPT__COUNT + 2];
    size_t n = 0, ns = 0;
    shortopts[ns++] = ':'; /* report a missing value as ':' */
    for (int o = 0; o < OPT__COUNT; o++) {
        if (!command_takes(run->command, (cli_opt)o) && o != OPT_VERSION)
            continue;
        const option_def *d = &option_table[o];
        longopts[n++] = (struct option){d->name, d->metavar ? required_argument : no_argument, NULL, 1000 + o};
        if (d->short_name) {
            shortopts[ns++] = d->short_name;
            if (d->metavar)
                shortopts[ns++] = ':';
        }
    }
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    shortopts[ns] = '\0';
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == '?')
            return cli_usage_error(run, "unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return cli_usage_error(run, "option '%s' needs a value", argv[optind - 1]);
        int o = -1;
        if (c >= 1000)
            o = c - 1000;
        else
            for (int k = 0; k < OPT__COUNT; k++)
                if (option_table[k].short_name == c)
                    o = k;
        if (o < 0)
            return cli_usage_error(run, "unknown option '%c'", c);
        run->args.value[o] = option_table[o].metavar ? optarg : "1";
    }
    for (int i = optind; i < argc; i++) {
        if (run->args.n_positional >= 8)
            return cli_usage_error(run, "too many arguments");
        run->args.positional[run->args.n_positional++] = argv[i];
    }
    return -1;
}

