/* cmd_sites.c: `plancheck sites PLAN`: each proposed site against the red lines and the coastline, with a verdict. */
#include "cli.h"
#include "pc_output.h"
#include "pc_sites.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "850 m" / "850 米", or "1.25 km" / "1.25 公里". */
static void distance_text(double m, char *en, char *zh, size_t cap)
{
    if (m < 1000) {
        snprintf(en, cap, "%.0f m", m);
        snprintf(zh, cap, "%.0f 米", m);
    } else {
        snprintf(en, cap, "%.2f km", m / 1000.0);
        snprintf(zh, cap, "%.2f 公里", m / 1000.0);
    }
}

static const pc_site_reason *reason_for(const pc_site_check *sc, const char *kind)
{
    for (size_t k = 0; k < sc->n_reasons; k++)
        if (strcmp(sc->reasons[k].kind, kind) == 0)
            return &sc->reasons[k];
    return NULL;
}

/* One report line: the Chinese text in a column, the English next to it (a longer Chinese text is never cut). */
static void report_line(const char *zh, const char *en)
{
    char cell[512];
    cli_cell(cell, sizeof cell, zh, 52);
    printf("    %s  %s\n", strncmp(cell, zh, strlen(zh)) == 0 ? cell : zh, en);
}

static void print_kind(const pc_sites_result *r, const pc_site_check *sc, int k)
{
    const pc_redline_rule *rule = &r->kinds[k];
    const pc_site_kind *sk = &sc->kinds[k];
    const char *en_name = pc_sites_kind_name_en(rule->kind);
    const pc_site_reason *reason = reason_for(sc, rule->kind);
    char zh[512], en[1024], d_en[64], d_zh[64], effect[32] = "";
    if (reason)
        snprintf(effect, sizeof effect, " - %s", pc_verdict_name(reason->effect));
    if (r->kind_features[k] == 0) {
        snprintf(zh, sizeof zh, "不涉及%s (规划中无此类图斑)", rule->name_zh);
        snprintf(en, sizeof en, "does not involve the %s (none in the plan)", en_name);
    } else if (sk->involved) {
        char amount_zh[96], amount_en[96];
        if (sc->measure == PC_MEASURE_AREA) {
            snprintf(amount_zh, sizeof amount_zh, " %.2f 公顷 (%.1f%%)", sk->area_m2 / 10000.0, 100 * sk->share);
            snprintf(amount_en, sizeof amount_en, " %.2f ha (%.1f%%)", sk->area_m2 / 10000.0, 100 * sk->share);
        } else if (sc->measure == PC_MEASURE_LENGTH) {
            snprintf(amount_zh, sizeof amount_zh, " %.0f 米 (%.1f%%)", sk->length_m, 100 * sk->share);
            snprintf(amount_en, sizeof amount_en, " %.0f m of the line (%.1f%%)", sk->length_m, 100 * sk->share);
        } else {
            snprintf(amount_zh, sizeof amount_zh, " (点位位于其内)");
            snprintf(amount_en, sizeof amount_en, " (the point lies inside)");
        }
        char names[512] = "";
        size_t used = 0;
        for (size_t o = sc->first_overlap; o < sc->first_overlap + sc->n_overlaps; o++) {
            const pc_site_overlap *ov = &r->overlaps[o];
            if (ov->kind != k || used >= sizeof names - 1)
                continue;
            int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : ": ",
                             ov->name ? ov->name : "(unnamed)");
            if (n > 0)
                used += (size_t)n < sizeof names - used ? (size_t)n : sizeof names - 1 - used;
        }
        snprintf(zh, sizeof zh, "涉及%s%s%s", rule->name_zh, amount_zh, effect);
        snprintf(en, sizeof en, "involves the %s%s%s", en_name, amount_en, names);
    } else if (sk->distance_m == 0) {
        snprintf(zh, sizeof zh, "不涉及%s (边界相接)%s", rule->name_zh, effect);
        snprintf(en, sizeof en, "does not involve the %s, touches its edge%s%s%s", en_name,
                 sk->nearest_name ? " (" : "", sk->nearest_name ? sk->nearest_name : "", sk->nearest_name ? ")" : "");
    } else {
        distance_text(sk->distance_m, d_en, d_zh, sizeof d_en);
        snprintf(zh, sizeof zh, "不涉及%s, 距 %s%s", rule->name_zh, d_zh, effect);
        snprintf(en, sizeof en, "does not involve the %s, %s away%s%s%s", en_name, d_en,
                 sk->nearest_name ? " (" : "", sk->nearest_name ? sk->nearest_name : "", sk->nearest_name ? ")" : "");
        if (reason)
            snprintf(en + strlen(en), sizeof en - strlen(en), ", inside its %.0f m buffer", rule->buffer_m);
    }
    report_line(zh, en);
}

static void print_coast(const pc_sites_result *r, const pc_site_check *sc)
{
    char zh[512], en[512], d_en[64], d_zh[64];
    if (!r->has_coastline) {
        report_line("海岸线: 规划中无海岸线图层", "coastline: not in the plan, not checked");
        return;
    }
    distance_text(sc->coast_distance_m, d_en, d_zh, sizeof d_en);
    if (sc->seaward) {
        if (sc->measure == PC_MEASURE_AREA) {
            snprintf(zh, sizeof zh, "位于海岸线向海一侧 %.2f 公顷 (围填海) - fail", sc->seaward_m2 / 10000.0);
            snprintf(en, sizeof en, "seaward of the coastline, %.2f ha (new reclamation)", sc->seaward_m2 / 10000.0);
        } else {
            snprintf(zh, sizeof zh, "位于海岸线向海一侧 (围填海) - fail");
            snprintf(en, sizeof en, "seaward of the coastline (new reclamation)");
        }
        report_line(zh, en);
        return;
    }
    if (sc->in_setback) {
        const pc_site_reason *reason = reason_for(sc, "coastal_setback");
        int exempt = reason && reason->effect == PC_VERDICT_PASS;
        snprintf(zh, sizeof zh, "距海岸线 %s, 位于 %.0f 米退缩线内 - %s%s", d_zh, r->coast_setback_m,
                 exempt ? "pass" : "warn", exempt ? " (用途豁免)" : "");
        snprintf(en, sizeof en, "%s from the coastline, inside the %.0f m setback%s%s%s", d_en, r->coast_setback_m,
                 exempt ? " (allowed for use '" : "", exempt ? sc->use : "", exempt ? "')" : "");
        report_line(zh, en);
        return;
    }
    snprintf(zh, sizeof zh, "距海岸线 %s, 不在 %.0f 米退缩线内", d_zh, r->coast_setback_m);
    snprintf(en, sizeof en, "%s from the coastline, outside the %.0f m setback, landward", d_en, r->coast_setback_m);
    report_line(zh, en);
}

static void print_site(const pc_sites_result *r, const pc_site_check *sc)
{
    char size[64] = "";
    if (sc->measure == PC_MEASURE_AREA)
        snprintf(size, sizeof size, ", %.2f ha", sc->area_m2 / 10000.0);
    else if (sc->measure == PC_MEASURE_LENGTH)
        snprintf(size, sizeof size, ", %.0f m", sc->length_m);
    else
        snprintf(size, sizeof size, ", point");
    printf("[fid %lld] %s%s%s (use %s%s)  %s %s\n", (long long)sc->fid, sc->name ? sc->name : "(unnamed)",
           sc->name_zh ? " " : "", sc->name_zh ? sc->name_zh : "", sc->use ? sc->use : "-", size,
           pc_verdict_name_zh(sc->verdict), pc_verdict_name(sc->verdict));
    for (int k = 0; k < r->n_kinds; k++)
        print_kind(r, sc, k);
    print_coast(r, sc);
    for (size_t k = 0; k < sc->n_reasons; k++) {
        /* Each rule once, even when several reasons cite it. */
        int seen = 0;
        for (size_t j = 0; j < k; j++)
            seen |= sc->reasons[j].rule && sc->reasons[k].rule && strcmp(sc->reasons[j].rule, sc->reasons[k].rule) == 0;
        if (!seen)
            printf("    依据 rule (%s): %s\n", pc_verdict_name(sc->reasons[k].effect),
                   sc->reasons[k].rule ? sc->reasons[k].rule : "-");
    }
    printf("\n");
}

/* Print text, indenting every line after the first. */
static void print_indented(const char *text, const char *indent)
{
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            fputs(indent, stdout);
    }
}

/* The JSON of pc_sites_to_json, one site at a time: 100,000 sites as one json-c tree would take gigabytes. */
static void print_json_streamed(const pc_plan *plan, const pc_sites_result *r)
{
    json_object *root = pc_sites_to_json_summary(plan, r);
    const char *head = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t len = strlen(head);
    /* Drop the root's closing brace (and the white space around it), to add "sites" before it. */
    while (len > 0 && (head[len - 1] == '\n' || head[len - 1] == ' '))
        len--;
    if (len > 0 && head[len - 1] == '}')
        len--;
    while (len > 0 && (head[len - 1] == '\n' || head[len - 1] == ' '))
        len--;
    fwrite(head, 1, len, stdout);
    fputs(len > 1 ? ",\n  \"sites\":[" : "\n  \"sites\":[", stdout);
    json_object_put(root);
    for (size_t i = 0; i < r->n_sites; i++) {
        json_object *site = pc_sites_site_to_json(r, i);
        fputs(i ? ",\n    " : "\n    ", stdout);
        print_indented(json_object_to_json_string_ext(site, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
                       "    ");
        json_object_put(site);
    }
    fputs(r->n_sites ? "\n  ]\n}\n" : "]\n}\n", stdout);
}

static int write_output(cli_run *run, pc_plan *plan, const pc_sites_result *result, const char *path)
{
    pc_writer *w = NULL;
    int rc = CLI_EXIT_OK;
    if (cli_writer_open(run, &w, path, plan) ||
        pc_writer_meta(w, "command", "sites") || pc_writer_meta(w, "plan", pc_plan_path(plan)) ||
        pc_sites_write(run->ctx, w, result) || pc_writer_commit(w))
        rc = cli_fail(run);
    pc_writer_destroy(w);
    return rc;
}

static int run_sites(cli_run *run)
{
    pc_plan *plan = NULL;
    pc_layer *extra = NULL;
    pc_sites_result *result = NULL;
    pc_sites_options opts = PC_SITES_OPTIONS_INIT;
    if (!cli_number(run, OPT_POINT_RADIUS, 0, 100000, 0, &opts.point_radius_m))
        return CLI_EXIT_USAGE;
    int rc = cli_open_plan(run, &plan);
    if (rc)
        goto done;
    const char *sites_path = run->args.value[OPT_SITES];
    if (sites_path) {
        if (pc_plan_read_extra(run->ctx, plan, PC_ROLE_SITES, sites_path, 0, &extra)) {
            rc = cli_fail(run);
            goto done;
        }
        opts.sites = extra;
    }
    if (pc_sites_run(run->ctx, plan, &run->profile, &opts, &result)) {
        rc = cli_fail(run);
        goto done;
    }
    cli_print_warnings(run);
    const char *out = run->args.value[OPT_OUTPUT];
    if (out && (rc = write_output(run, plan, result, out)))
        goto done;
    if (run->args.value[OPT_JSON]) {
        print_json_streamed(plan, result);
    } else {
        printf("Site check 选址红线与岸线核查: %zu sites from %s (read in %s), analysis CRS %s\n", result->n_sites,
               result->sites_source, result->sites_source_crs, pc_plan_crs(plan));
        if (result->point_radius_m > 0)
            printf("Point sites are circles of %.0f m radius.\n", result->point_radius_m);
        printf("\n");
        for (size_t i = 0; i < result->n_sites; i++)
            print_site(result, &result->sites[i]);
        printf("%zu sites: %zu pass 通过, %zu warn 预警, %zu fail 不通过\n", result->n_sites, result->n_pass,
               result->n_warn, result->n_fail);
        if (out)
            printf("Written %s (layers site_checks, site_conflicts)\n", out);
    }
    rc = result->n_fail > 0 ? CLI_EXIT_VIOLATION : CLI_EXIT_OK;
done:
    pc_sites_result_destroy(run->ctx, result);
    pc_layer_destroy(run->ctx, extra);
    pc_plan_destroy(plan);
    return rc;
}

static const cli_opt sites_options[] = {OPT_SITES, OPT_POINT_RADIUS, OPT_OUTPUT, OPT_JSON, OPT_CRS,
                                        OPT_PROFILE, OPT_INVALID, OPT_SCHEMA, OPT_OUT_SCHEMA, OPT__COUNT};

const cli_command cli_command_sites = {
    "sites", 40, "PLAN [--sites FILE] [--point-radius M] [-o OUT.gpkg] [--json]",
    "each proposed site against the ecological red lines and the coastline: involved or not, hectares, share, "
    "distance, rule and a verdict (exit 3 when a site fails)",
    sites_options, 1, 1, run_sites};
