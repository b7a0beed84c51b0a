/* cmd_import_osm.c: `plancheck import-osm EXTRACT -o PLAN.gpkg`: a plan from an OpenStreetMap extract. */
#include "cli.h"
#include "pc_osm.h"

#include <stdio.h>
#include <string.h>

static void print_tally(const char *title, const pc_osm_tally *t, int skip_zero)
{
    char cell[160];
    printf("\n%s\n", title);
    for (size_t i = 0; i < t->n; i++)
        if (!skip_zero || t->items[i].n)
            printf("  %s %8zu\n", cli_cell(cell, sizeof cell, t->items[i].key, 44), t->items[i].n);
}

static void print_summary(const pc_osm_result *r, const pc_profile *profile)
{
    char c1[160], c2[160];
    printf("Imported %s into %s\nAnalysis CRS %s; study area: %s\nData %s\n\n", r->extract, r->output, r->crs,
           r->boundary_source, PC_OSM_ATTRIBUTION);
    printf("%-12s %9s\n", "layer", "features");
    const pc_role roles[] = {PC_ROLE_BOUNDARY, PC_ROLE_STRUCTURE, PC_ROLE_RESIDENTS, PC_ROLE_FACILITIES,
                             PC_ROLE_STREETS,  PC_ROLE_PARKS,     PC_ROLE_COASTLINE};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        printf("%-12s %9zu\n", pc_role_name(roles[i]), r->n_features[roles[i]]);

    printf("\nFacilities per category\n");
    for (size_t i = 0; i < r->categories.n; i++) {
        const pc_category *c = pc_profile_category(profile, r->categories.items[i].key);
        printf("  %s %s %8zu\n", cli_cell(c1, sizeof c1, r->categories.items[i].key, 18),
               cli_cell(c2, sizeof c2, c ? c->name_zh : "", 20), r->categories.items[i].n);
    }
    print_tally("Streets per highway class", &r->highways, 1);
    print_tally("Parks per class (CJJ/T 85-2017)", &r->park_classes, 0);
    printf("\nResidents: %zu buildings, %zu residential landuse areas without buildings; floor area %.0f m2; "
           "pop %.6g\n  %s\n",
           r->n_resident_buildings, r->n_resident_landuse, r->floor_area_m2, r->pop_total, r->note);
    if (r->pop_source == PC_OSM_POP_RASTER)
        printf("  raster population in the study area %.0f, of which %.0f in cells with no residential feature\n",
               r->raster_pop_in_boundary, r->raster_pop_unassigned);
    print_tally("Residents per kind", &r->residents, 1);
    if (r->skipped.n) {
        printf("\nSkipped\n  %-12s %s %8s\n", "layer", cli_cell(c1, sizeof c1, "reason", 64), "objects");
        for (size_t i = 0; i < r->skipped.n; i++)
            printf("  %-12s %s %8zu\n", r->skipped.items[i].layer,
                   cli_cell(c1, sizeof c1, r->skipped.items[i].key, 64), r->skipped.items[i].n);
    }
    if (r->unmapped.n) {
        size_t total = 0;
        for (size_t i = 0; i < r->unmapped.n; i++)
            total += r->unmapped.items[i].n;
        printf("\nNot a facility category (%zu objects, by main tag)\n", total);
        for (size_t i = 0; i < r->unmapped.n; i++)
            printf("  %s %8zu\n", cli_cell(c1, sizeof c1, r->unmapped.items[i].key, 44), r->unmapped.items[i].n);
    }
    if (r->n_repaired)
        printf("\n%zu invalid polygons were repaired (GEOSMakeValid)\n", r->n_repaired);
}

static int run_import_osm(cli_run *run)
{
    pc_osm_options opts = PC_OSM_OPTIONS_INIT;
    pc_osm_result *result = NULL;
    const char *out = run->args.value[OPT_OUTPUT];
    if (!out)
        return cli_usage_error(run, "-o PLAN.gpkg is required");
    if (strncmp(out, "PG:", 3) == 0)
        return cli_usage_error(run, "import-osm writes a GeoPackage (-o PLAN.gpkg); load it into PostGIS with ogr2ogr");
    if (run->args.value[OPT_POPULATION] && run->args.value[OPT_POPULATION_RASTER])
        return cli_usage_error(run, "give --population N or --population-raster FILE, not both");
    if (!cli_number(run, OPT_POPULATION, 0, 1e10, 0, &opts.population))
        return CLI_EXIT_USAGE;
    for (int o = 0; o < OPT__COUNT; o++)
        if (o != OPT_OUTPUT && cli_same_file(out, run->args.value[o])) {
            pc_error(run->ctx, PC_ERR_ARG, out, NULL, PC_NO_FID, NULL,
                     "is an input of this run (%s); write the plan to another file", run->args.value[o]);
            return cli_fail(run);
        }
    if (cli_same_file(out, run->args.positional[0])) {
        pc_error(run->ctx, PC_ERR_ARG, out, NULL, PC_NO_FID, NULL,
                 "is the extract itself; write the plan to another file");
        return cli_fail(run);
    }
    if (run->args.value[OPT_PROFILE] && pc_profile_load(run->ctx, &run->profile, run->args.value[OPT_PROFILE]))
        return cli_fail(run);
    opts.crs = run->args.value[OPT_CRS];
    opts.boundary_path = run->args.value[OPT_BOUNDARY];
    opts.structure_path = run->args.value[OPT_STRUCTURE];
    opts.population_raster = run->args.value[OPT_POPULATION_RASTER];
    opts.profile = &run->profile;
    if (pc_osm_import(run->ctx, &result, run->args.positional[0], out, &opts))
        return cli_fail(run);
    cli_print_warnings(run);
    if (run->args.value[OPT_JSON])
        cli_print_json(pc_osm_to_json(result));
    else
        print_summary(result, &run->profile);
    pc_osm_result_destroy(result);
    return CLI_EXIT_OK;
}

static const cli_opt import_osm_options[] = {OPT_OUTPUT,    OPT_BOUNDARY, OPT_POPULATION, OPT_POPULATION_RASTER,
                                             OPT_STRUCTURE, OPT_CRS,      OPT_PROFILE,    OPT_JSON,
                                             OPT__COUNT};

const cli_command cli_command_import_osm = {
    "import-osm", 60,
    "EXTRACT.osm.pbf -o PLAN.gpkg [--boundary FILE] [--population N | --population-raster FILE] [--structure FILE]",
    "a plan (streets, facilities, parks, residents, boundary, structure) from an OpenStreetMap extract",
    import_osm_options, 1, 1, run_import_osm};
