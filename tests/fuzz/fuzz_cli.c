/* fuzz_cli.c: libFuzzer harness for the command-line option parser (NUL-separated argv), the numeric and mode
 * option values, and the table cells that truncate any bytes to a display width.
 * Usage errors go to stderr: scripts/fuzz.sh runs it with -close_fd_mask=2. */
#include "cli.h"
#include "pc_coverage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Options every command might take: the parser's table is shared, so one command with them all. */
static const cli_opt all_options[] = {
    OPT_JSON, OPT_OUTPUT, OPT_CRS, OPT_PROFILE, OPT_INVALID, OPT_MODE, OPT_SITES, OPT_POINT_RADIUS, OPT_SCHEMA,
    OPT_OUT_SCHEMA, OPT_ADD, OPT_CATEGORY, OPT_COUNT, OPT_LEVEL, OPT_CANDIDATES, OPT_RESPECT_REDLINES,
    OPT_BOUNDARY, OPT_POPULATION, OPT_POPULATION_RASTER, OPT_STRUCTURE, OPT_SUGGEST, OPT__COUNT};

static int no_run(cli_run *run) { (void)run; return 0; }

static const cli_command fuzz_command = {"fuzz", 0, "ARGS", "fuzzing", all_options, 0, 8, no_run};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[34];
    int argc = 0;
    argv[argc++] = "fuzz";
    for (size_t i = 0; i <= size && argc < 33;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    cli_run run;
    memset(&run, 0, sizeof run);
    run.command = &fuzz_command;
    int rc = cli_parse_args(&run, argc, argv);
    if (rc < 0) {
        /* What commands do with the values: numbers in ranges, the coverage mode. */
        const cli_opt numeric[] = {OPT_POINT_RADIUS, OPT_COUNT, OPT_LEVEL, OPT_POPULATION, OPT_SUGGEST};
        for (size_t k = 0; k < sizeof numeric / sizeof *numeric; k++) {
            double v;
            cli_number(&run, numeric[k], 0, 1e6, 0, &v);
        }
        pc_coverage_mode mode;
        if (run.args.value[OPT_MODE])
            pc_coverage_mode_parse(run.args.value[OPT_MODE], &mode);
    }
    /* Table cells from any bytes (names in plans are not always valid UTF-8): never past the text or buf. */
    for (int i = 0; i < argc; i++) {
        char cell[24];
        for (int width = 0; width < 30; width += 7)
            cli_cell(cell, sizeof cell, argv[i], width);
    }
    free(buf);
    return 0;
}
