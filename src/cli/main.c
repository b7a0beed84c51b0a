/* main.c: plancheck's entry point: option parsing from one table, dispatch, help, signals. */
#include "cli.h"

#include <gdal.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PC_COMMAND(name) extern const cli_command cli_command_##name;
#include "cli_commands.h"
#undef PC_COMMAND

static const cli_command *const commands[] = {
#define PC_COMMAND(name) &cli_command_##name,
#include "cli_commands.h"
#undef PC_COMMAND
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

static pc_ctx *signal_ctx;

static void on_sigint(int sig)
{
    (void)sig;
    if (signal_ctx)
        pc_ctx_cancel(signal_ctx);
}

/*
 * Called by GEOS at its interruption points (noding, overlay, buffer): once cancelled, every GEOS
 * operation stops at the next one and fails, and the run reports the cancel. Requested again at each
 * point, because GEOS's robust overlay catches the first interruption and retries another way.
 */
static void interrupt_geos_when_cancelled(void)
{
    if (signal_ctx && pc_ctx_cancelled(signal_ctx))
        GEOS_interruptRequest();
}

/* GDAL prints warnings on stderr by default; keep them quiet, our own messages carry the context. */
static void quiet_gdal_errors(CPLErr err, CPLErrorNum num, const char *msg)
{
    (void)err;
    (void)num;
    (void)msg;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C");
    if (argc < 2) {
        cli_print_main_help(stderr, commands, N_COMMANDS);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        cli_print_main_help(stdout, commands, N_COMMANDS);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("plancheck %s (GDAL %s, GEOS %s, PROJ %d.%d.%d)\n", PC_VERSION, GDALVersionInfo("RELEASE_NAME"),
               GEOSversion(), PROJ_VERSION_MAJOR, PROJ_VERSION_MINOR, PROJ_VERSION_PATCH);
        return CLI_EXIT_OK;
    }
    const cli_command *cmd = NULL;
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, argv[1]) == 0)
            cmd = commands[i];
    if (!cmd) {
        fprintf(stderr, "plancheck: unknown command '%s'; see 'plancheck --help'\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    cli_run run;
    memset(&run, 0, sizeof run);
    run.command = cmd;
    int rc = cli_parse_args(&run, argc - 1, argv + 1);
    if (rc >= 0)
        return rc;
    if (run.args.value[OPT_HELP]) {
        cli_print_command_help(stdout, cmd);
        return CLI_EXIT_OK;
    }
    if (run.args.value[OPT_VERSION]) {
        printf("plancheck %s\n", PC_VERSION);
        return CLI_EXIT_OK;
    }
    if (run.args.n_positional < cmd->min_positional)
        return cli_usage_error(&run, "missing argument");
    if (run.args.n_positional > cmd->max_positional)
        return cli_usage_error(&run, "unexpected argument '%s'", run.args.positional[cmd->max_positional]);
    const char *inv = run.args.value[OPT_INVALID];
    if (inv && strcmp(inv, "repair") && strcmp(inv, "skip") && strcmp(inv, "fail"))
        return cli_usage_error(&run, "--invalid must be repair, skip or fail, not '%s'", inv);

    GDALAllRegister();
    CPLSetErrorHandler(quiet_gdal_errors);
    run.ctx = pc_ctx_create();
    if (!run.ctx) {
        fprintf(stderr, "plancheck: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    signal_ctx = run.ctx;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C stops at once (the previous output is still untouched) */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    GEOS_interruptRegisterCallback(interrupt_geos_when_cancelled);
    pc_profile_default(&run.profile);
    rc = cmd->run(&run);
    signal_ctx = NULL;
    pc_ctx_destroy(run.ctx);
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return rc;
}
