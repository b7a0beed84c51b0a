/* pc_suggest.h: where new facilities should go: maximal covering location along the walking network (lazy greedy). */
#ifndef PC_SUGGEST_H
#define PC_SUGGEST_H

#include "pc_coverage.h"
#include "pc_graph.h"
#include "pc_output.h"
#include "pc_plan.h"
#include "pc_profile.h"

#include <json-c/json.h>

/** Which side the bounded searches that find each candidate's coverage set start from. */
typedef enum pc_suggest_direction {
    PC_SUGGEST_AUTO = 0,         /* the side with fewer useful points (see pc_suggest.c) */
    PC_SUGGEST_FROM_CANDIDATES,  /* one search per useful candidate */
    PC_SUGGEST_FROM_RESIDENTS    /* one search per uncovered resident, near-cutoff pairs checked from the candidate */
} pc_suggest_direction;

/** Options for pc_suggest_run. */
typedef struct pc_suggest_options {
    /* What to propose: one category (a profile code), or every category of a level (level_min 15, 10 or 5), or
     * with neither (NULL and 0) every category of every level. Not both. */
    const char *category;
    int level_min;
    size_t count;                /* K: sites to propose (per category when more than one is proposed), >= 1 */
    const pc_layer *candidates;  /* borrowed; candidate points (x, y; e.g. pc_plan_read_extra(..., PC_ROLE_SITES)).
                                    NULL: the street nodes inside the built-up area (builtup, else structure) */
    int respect_redlines;        /* 1: never propose a candidate inside a red line of a kind the profile forbids */
    const pc_layer *extra_facilities;   /* borrowed, may be NULL: proposed facilities counted as built (--add) */
    const pc_coverage_result *coverage; /* borrowed, may be NULL: the plan's coverage in network mode with this
                                           profile and these extra facilities, to reuse instead of running it */
    pc_suggest_direction direction;
} pc_suggest_options;
#define PC_SUGGEST_OPTIONS_INIT {NULL, 0, 10, NULL, 0, NULL, NULL, PC_SUGGEST_AUTO}

/** Why the greedy stopped. */
typedef enum pc_suggest_stop {
    PC_SUGGEST_STOP_COUNT = 0, /* K sites proposed (per category) */
    PC_SUGGEST_STOP_TARGET,    /* the level's coverage target was reached (level mode) */
    PC_SUGGEST_STOP_NO_GAIN    /* no candidate reaches anyone still uncovered */
} pc_suggest_stop;

/** One proposed site, in the order picked. */
typedef struct pc_suggest_site {
    size_t rank;           /* 1, 2, ... over all proposals */
    size_t rank_category;  /* 1, 2, ... within its category */
    int category;          /* index into profile.categories */
    size_t candidate;      /* index into the result's candidates */
    double x, y;           /* analysis CRS */
    double gain_pop;       /* population newly within the category's walking distance */
    size_t gain_residents; /* resident features newly within it */
    double pop_category;   /* population within reach of the category after this pick (in the whole plan) */
    double cov_category;   /* its share of the plan's population */
    double pop_level;      /* population covered at the category's level after this pick */
    double cov_level;      /* its share (NaN when the plan has no population) */
    int unit;              /* structure unit holding the site, -1 */
    int subdistrict;       /* subdistrict holding the site, -1 */
} pc_suggest_site;

/** One category proposals were made for. */
typedef struct pc_suggest_category {
    int category;              /* index into profile.categories */
    size_t n_facilities;       /* usable facilities of the plan (and extra ones) before */
    size_t n_uncovered;        /* residents not within reach before (unreachable ones included) */
    double pop_uncovered;
    double pop_reachable;      /* of it, within reach of some usable candidate: the most any number of sites adds */
    size_t n_candidates_useful; /* candidates within reach of someone uncovered */
    size_t n_proposed;
    double pop_before, pop_after; /* population within reach of the category in the plan, before and after */
    double cov_before, cov_after; /* shares (NaN when the plan has no population) */
    pc_suggest_direction direction; /* the side searched from (FROM_CANDIDATES or FROM_RESIDENTS) */
    size_t n_searches;         /* bounded searches run */
    size_t n_pairs;            /* (candidate, resident) pairs within reach: the coverage sets' total size */
    size_t n_rechecked;        /* from residents: pairs near the cutoff checked again from the candidate */
    size_t n_evaluations;      /* gains evaluated by the greedy (initial ones included) */
} pc_suggest_category;

/** A life circle level before and after the proposals. */
typedef struct pc_suggest_level {
    int level_min;
    int in_scope;      /* one of its categories got proposals */
    int has_category;  /* the profile has categories at this level */
    double pop_before, pop_after;
    double cov_before, cov_after; /* NaN when the plan has no population or the level has no category */
    int reached;       /* cov_after >= profile.target_coverage */
} pc_suggest_level;

/** A reporting unit before and after the proposals (same sums as pc_coverage_row). */
typedef struct pc_suggest_row {
    const char *name;    /* borrowed from the plan ("Total" for the total) */
    const char *name_zh; /* borrowed; may be NULL */
    const char *tier;    /* borrowed; NULL for subdistricts and the total */
    double pop;
    double pop_level_before[PC_N_LEVELS], pop_level_after[PC_N_LEVELS];
    double cov_level_before[PC_N_LEVELS], cov_level_after[PC_N_LEVELS]; /* NaN as in pc_coverage_row */
    double pop_category_before[PC_MAX_CATEGORIES], pop_category_after[PC_MAX_CATEGORIES];
    double cov_category_before[PC_MAX_CATEGORIES], cov_category_after[PC_MAX_CATEGORIES];
    size_t n_sites; /* proposed sites inside the unit */
} pc_suggest_row;

/** The result (caller owns; pc_suggest_result_destroy). Borrows names from the plan: keep the plan alive. */
typedef struct pc_suggest_result {
    pc_profile profile;
    int level_min;   /* as asked (0 for one category or all) */
    size_t count;    /* K */
    int respect_redlines;

    /* Candidates: usable ones (near a street, not excluded), in this order. */
    int candidates_given;        /* from options.candidates (else street nodes) */
    const char *candidates_source; /* borrowed: the candidates layer's source, or the built-up layer's name */
    size_t n_candidates_offered; /* points given, or street nodes */
    size_t n_outside;            /* street nodes outside the built-up area (not offered) */
    size_t n_forbidden;          /* inside a forbidden red line (respect_redlines) */
    size_t n_forbidden_kind[PC_MAX_REDLINE_KINDS]; /* by profile red-line kind */
    size_t n_unattached;         /* farther than max_access_m from every street */
    size_t n_candidates;
    double *cand_x, *cand_y;     /* n_candidates */
    int64_t *cand_fid;           /* source fid, or -1 for a street node */
    uint32_t *cand_node;         /* street node id, or PC_GRAPH_NONE */

    size_t n_categories;
    pc_suggest_category *categories; /* in profile order */
    pc_suggest_level levels[PC_N_LEVELS];

    size_t n_sites;
    pc_suggest_site *sites;
    pc_suggest_stop stop;

    size_t n_units;
    pc_suggest_row *units; /* structure units in plan order */
    size_t n_subdistricts;
    pc_suggest_row *subdistricts;
    pc_suggest_row total;
    const pc_layer *units_layer;        /* borrowed; NULL when absent */
    const pc_layer *subdistricts_layer; /* borrowed; NULL when absent */

    double seconds_coverage; /* the current coverage (0 when given) */
    double seconds_sets;     /* graph, attachments and coverage sets */
    double seconds_greedy;
} pc_suggest_result;

/**
 * Propose up to K sites for new facilities that bring the most residents not yet within a category's
 * walking distance within it (maximal covering location, greedy with lazy gain updates), along the
 * plan's streets. Loads the roles it needs (residents, facilities, streets, structure, subdistricts,
 * builtup, redlines with respect_redlines). opts may not be NULL (a category or level must be named,
 * or neither for all categories). On success *out is owned by the caller (pc_suggest_result_destroy).
 */
pc_status pc_suggest_run(pc_ctx *ctx, pc_plan *plan, const pc_profile *profile, const pc_suggest_options *opts,
                         pc_suggest_result **out);

/**
 * The JSON form (caller owns; json_object_put): crs, plan, scope, candidates, categories, levels, sites
 * (rank, category, x, y, gain_pop, cumulative coverage), units, subdistricts, total, stop, timing.
 */
json_object *pc_suggest_to_json(const pc_plan *plan, const pc_suggest_result *r);

/**
 * Add the layers suggested_sites (points: category, rank, gain_pop, cumulative coverage; with a category
 * field, so the file can be given to `coverage --add`) and suggestion_units (structure units before and
 * after) to an open writer.
 */
pc_status pc_suggest_write(pc_ctx *ctx, pc_writer *w, const pc_suggest_result *r);

/** Free a result. Accepts NULL. */
void pc_suggest_result_destroy(pc_ctx *ctx, pc_suggest_result *r);

/** "count", "target", "no_gain". */
const char *pc_suggest_stop_name(pc_suggest_stop stop);
/** "from_candidates", "from_residents" ("auto" for AUTO). */
const char *pc_suggest_direction_name(pc_suggest_direction direction);

#endif
