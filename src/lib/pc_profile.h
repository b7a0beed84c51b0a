/* pc_profile.h: the planning profile: facility categories, walking, park radii, red-line rules, targets. */
#ifndef PC_PROFILE_H
#define PC_PROFILE_H

#include "pc_ctx.h"

#define PC_MAX_CATEGORIES 64
#define PC_MAX_PARK_TIERS 8
#define PC_MAX_REDLINE_KINDS 32
#define PC_MAX_LIST 16
#define PC_CODE_MAX 48
#define PC_NAME_MAX 96
#define PC_RULE_MAX 1024

/** The three life circle levels, in minutes (GB 50180-2018). */
#define PC_N_LEVELS 3
extern const int pc_levels_min[PC_N_LEVELS]; /* {15, 10, 5} */

/** A facility category: which level it belongs to and how far people may walk to it. */
typedef struct pc_category {
    char code[PC_CODE_MAX];    /* e.g. "kindergarten" */
    char name_en[PC_NAME_MAX]; /* "Kindergarten" */
    char name_zh[PC_NAME_MAX]; /* "幼儿园" */
    int level_min;             /* 15, 10 or 5 */
    double distance_m;         /* walking distance along the network (or radius) */
} pc_category;

/** A park size class and the radius it serves. */
typedef struct pc_park_tier {
    double min_area_m2; /* parks of at least this area ... */
    double radius_m;    /* ... serve this radius */
} pc_park_tier;

/** What an overlap with a red-line kind means. */
typedef enum pc_overlap_rule { PC_OVERLAP_NONE = 0, PC_OVERLAP_RESTRICT, PC_OVERLAP_FORBID } pc_overlap_rule;

/** The rule of one red-line kind. */
typedef struct pc_redline_rule {
    char kind[PC_CODE_MAX];    /* "ecological_redline", "barrier_tier1", ... */
    char name_zh[PC_NAME_MAX]; /* "生态保护红线" */
    pc_overlap_rule on_overlap;
    double buffer_m; /* a site nearer than this warns; 0 = no buffer rule */
    char rule[PC_RULE_MAX]; /* citation text */
} pc_redline_rule;

/** A whole profile. Plain data: copy freely. */
typedef struct pc_profile {
    char name[PC_NAME_MAX];
    double walk_speed_m_per_min; /* minutes = distance / speed; default 80 */
    double max_access_m;         /* longer access legs to the network are "unreachable" */
    double snap_tolerance_m;     /* street ends closer than this are joined */
    int n_excluded_highways;
    char excluded_highways[PC_MAX_LIST][PC_CODE_MAX];

    int n_categories;
    pc_category categories[PC_MAX_CATEGORIES];

    int n_park_tiers; /* sorted by min_area_m2, largest first */
    pc_park_tier park_tiers[PC_MAX_PARK_TIERS];
    char park_rule[PC_RULE_MAX];

    int n_redline_rules;
    pc_redline_rule redline_rules[PC_MAX_REDLINE_KINDS];

    double coast_setback_m;
    char coast_rule[PC_RULE_MAX];
    int n_setback_exempt_uses; /* uses allowed inside the setback (port) */
    char setback_exempt_uses[PC_MAX_LIST][PC_CODE_MAX];
    int n_linear_uses; /* uses that may cross the ecological red line with a warning */
    char linear_uses[PC_MAX_LIST][PC_CODE_MAX];

    double target_coverage;            /* life circle coverage target, fraction (1.0) */
    double target_park_m2_per_person;  /* plan target (13) */
    double gb_park_m2_per_person;      /* GB 55014-2021 minimum (8.0) */
    double gb_park_service_coverage;   /* GB 55014-2021 minimum (0.8) */
} pc_profile;

/** Fill *out with the built-in default profile (GB 50180-2018, GB 55014-2021, Binhai targets). */
void pc_profile_default(pc_profile *out);

/**
 * Apply a profile file (INI) on top of *profile. Unknown sections or keys, bad numbers and
 * bad levels are errors naming the file and line. On error *profile is left unchanged.
 */
pc_status pc_profile_load(pc_ctx *ctx, pc_profile *profile, const char *path);

/** Same as pc_profile_load, from a string in memory (name used in messages). */
pc_status pc_profile_load_string(pc_ctx *ctx, pc_profile *profile, const char *text, const char *name);

/** The category with this code, or NULL (borrowed). */
const pc_category *pc_profile_category(const pc_profile *profile, const char *code);
/** Index of the category with this code, or -1. */
int pc_profile_category_index(const pc_profile *profile, const char *code);
/** The rule for this red-line kind, or NULL (borrowed). */
const pc_redline_rule *pc_profile_redline_rule(const pc_profile *profile, const char *kind);
/** Radius served by a park of this area, 0 when it serves none. */
double pc_profile_park_radius_m(const pc_profile *profile, double area_m2);
/** Non-zero when the OSM highway class is excluded from the walking network. */
int pc_profile_highway_excluded(const pc_profile *profile, const char *highway);
/** Non-zero when value is in the list (case-sensitive). */
int pc_profile_list_has(const char list[][PC_CODE_MAX], int n, const char *value);
/** Minutes of walking for a distance in metres. */
double pc_profile_minutes(const pc_profile *profile, double distance_m);

#endif
