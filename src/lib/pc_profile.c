/* pc_profile.c: the built-in planning profile and the INI profile reader. */
#include "pc_profile.h"

#include "pc_ini.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int pc_levels_min[PC_N_LEVELS] = {15, 10, 5};

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void add_category(pc_profile *p, const char *code, const char *en, const char *zh, int level, double d)
{
    pc_category *c = &p->categories[p->n_categories++];
    copy_str(c->code, sizeof c->code, code);
    copy_str(c->name_en, sizeof c->name_en, en);
    copy_str(c->name_zh, sizeof c->name_zh, zh);
    c->level_min = level;
    c->distance_m = d;
}

static void add_redline(pc_profile *p, const char *kind, const char *zh, pc_overlap_rule r, double buffer_m,
                        const char *rule)
{
    pc_redline_rule *k = &p->redline_rules[p->n_redline_rules++];
    copy_str(k->kind, sizeof k->kind, kind);
    copy_str(k->name_zh, sizeof k->name_zh, zh);
    k->on_overlap = r;
    k->buffer_m = buffer_m;
    copy_str(k->rule, sizeof k->rule, rule);
}

void pc_profile_default(pc_profile *p)
{
    memset(p, 0, sizeof *p);
    copy_str(p->name, sizeof p->name, "default (GB 50180-2018, GB 55014-2021, Binhai 14th FYP targets)");
    p->walk_speed_m_per_min = 80.0;
    p->max_access_m = 300.0;
    p->snap_tolerance_m = 1.0;
    const char *excluded[] = {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed"};
    for (size_t i = 0; i < sizeof excluded / sizeof *excluded; i++)
        copy_str(p->excluded_highways[p->n_excluded_highways++], PC_CODE_MAX, excluded[i]);

    /* GB 50180-2018 Appendix B [verify]; levels do not contain each other. */
    add_category(p, "middle_school", "Junior middle school", "初中", 15, 1000);
    add_category(p, "health_center", "Community health centre", "社区卫生服务中心", 15, 1000);
    add_category(p, "culture_center", "Cultural activity centre", "文化活动中心", 15, 1000);
    add_category(p, "sports_large", "Large sports ground", "大型多功能运动场地", 15, 1000);
    add_category(p, "elderly_care", "Nursing home", "养老院", 15, 1000);
    add_category(p, "community_service", "Community service centre", "社区服务中心", 15, 1000);
    add_category(p, "mall", "Shopping centre", "商场", 15, 1000);
    add_category(p, "primary_school", "Primary school", "小学", 10, 500);
    add_category(p, "market", "Vegetable market / fresh supermarket", "菜市场/生鲜超市", 10, 500);
    add_category(p, "sports_mid", "Mid-size sports ground", "中型多功能运动场地", 10, 500);
    add_category(p, "kindergarten", "Kindergarten", "幼儿园", 5, 300);
    add_category(p, "clinic", "Clinic station", "社区卫生服务站", 5, 300);
    add_category(p, "elderly_daycare", "Elderly day care", "老年人日间照料中心", 5, 300);
    add_category(p, "fitness", "Fitness ground", "室外综合健身场地", 5, 300);
    add_category(p, "convenience", "Convenience shop", "便利店", 5, 300);

    /* GB 55014-2021 / CJJ/T 85-2017 practice [verify]: "300 m to green, 500 m to a park". */
    p->n_park_tiers = 2;
    p->park_tiers[0] = (pc_park_tier){5000.0, 500.0};
    p->park_tiers[1] = (pc_park_tier){2000.0, 300.0};
    copy_str(p->park_rule, sizeof p->park_rule,
             "GB 55014-2021: park green space > 8.0 m2 per person, park service-radius coverage > 80% "
             "(parks >= 5000 m2 serve 500 m, 2000-5000 m2 serve 300 m)");

    add_redline(p, "ecological_redline", "生态保护红线", PC_OVERLAP_FORBID, 0,
                "生态保护红线: no development or production construction inside, except the limited activities "
                "of the 2022 rules (自然资发〔2022〕142号)");
    add_redline(p, "barrier_tier1", "绿色生态屏障一级管控区", PC_OVERLAP_FORBID, 0,
                "绿色生态屏障一级管控区: no construction unrelated to ecology (Tianjin green barrier plan)");
    add_redline(p, "barrier_tier2", "绿色生态屏障二级管控区", PC_OVERLAP_RESTRICT, 0,
                "绿色生态屏障二级管控区: construction strictly limited (Tianjin green barrier plan)");
    add_redline(p, "barrier_tier3", "绿色生态屏障三级管控区", PC_OVERLAP_RESTRICT, 0,
                "绿色生态屏障三级管控区: construction limited, ecology first (Tianjin green barrier plan)");
    add_redline(p, "river_corridor", "河流生态廊道", PC_OVERLAP_RESTRICT, 100,
                "五廊道 river ecological corridor: construction restricted, keep 100 m from the corridor");
    add_redline(p, "wetland", "湿地", PC_OVERLAP_RESTRICT, 100,
                "湿地保护: wetland protection, occupation restricted (湿地保护法 2022)");
    add_redline(p, "marine_redline", "海洋生态红线", PC_OVERLAP_FORBID, 0,
                "海洋生态红线: no reclamation or sea enclosure, no development inside");
    add_redline(p, "basic_farmland", "永久基本农田", PC_OVERLAP_FORBID, 0,
                "永久基本农田: permanent basic farmland may not be occupied (三区三线)");

    p->coast_setback_m = 200.0;
    copy_str(p->coast_rule, sizeof p->coast_rule,
             "海岸建筑退缩线: no new buildings within 200 m of the coastline except port, national-key and "
             "disaster-prevention projects [verify for Tianjin]; no new reclamation seaward of the coastline");
    copy_str(p->setback_exempt_uses[p->n_setback_exempt_uses++], PC_CODE_MAX, "port");
    const char *linear[] = {"linear_infrastructure", "road", "railway", "pipeline", "power_line"};
    for (size_t i = 0; i < sizeof linear / sizeof *linear; i++)
        copy_str(p->linear_uses[p->n_linear_uses++], PC_CODE_MAX, linear[i]);

    p->target_coverage = 1.0;
    p->target_park_m2_per_person = 13.0;
    p->gb_park_m2_per_person = 8.0;
    p->gb_park_service_coverage = 0.8;
}

int pc_profile_category_index(const pc_profile *p, const char *code)
{
    for (int i = 0; code && i < p->n_categories; i++)
        if (strcmp(p->categories[i].code, code) == 0)
            return i;
    return -1;
}

const pc_category *pc_profile_category(const pc_profile *p, const char *code)
{
    int i = pc_profile_category_index(p, code);
    return i < 0 ? NULL : &p->categories[i];
}

const pc_redline_rule *pc_profile_redline_rule(const pc_profile *p, const char *kind)
{
    for (int i = 0; kind && i < p->n_redline_rules; i++)
        if (strcmp(p->redline_rules[i].kind, kind) == 0)
            return &p->redline_rules[i];
    return NULL;
}

double pc_profile_park_radius_m(const pc_profile *p, double area_m2)
{
    for (int i = 0; i < p->n_park_tiers; i++)
        if (area_m2 >= p->park_tiers[i].min_area_m2)
            return p->park_tiers[i].radius_m;
    return 0.0;
}

int pc_profile_list_has(const char list[][PC_CODE_MAX], int n, const char *value)
{
    for (int i = 0; value && i < n; i++)
        if (strcmp(list[i], value) == 0)
            return 1;
    return 0;
}

int pc_profile_highway_excluded(const pc_profile *p, const char *highway)
{
    return pc_profile_list_has(p->excluded_highways, p->n_excluded_highways, highway);
}

double pc_profile_minutes(const pc_profile *p, double distance_m)
{
    return distance_m / p->walk_speed_m_per_min;
}

/* ---- INI reader ---- */

typedef struct load_state {
    pc_ctx *ctx;
    pc_profile work;
    const char *name;
    int failed;
} load_state;

static int fail(load_state *st, int line, const char *fmt, const char *a, const char *b)
{
    char text[512];
    snprintf(text, sizeof text, fmt, a, b);
    pc_error(st->ctx, PC_ERR_ARG, st->name, NULL, PC_NO_FID, NULL, "line %d: %s", line, text);
    st->failed = 1;
    return 0;
}

static int parse_number(const char *value, double min, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || !isfinite(v) || v < min)
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return 0;
    *out = v;
    return 1;
}

static int parse_list(const char *value, char out[][PC_CODE_MAX], int *n)
{
    char buf[1024];
    copy_str(buf, sizeof buf, value);
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = '\0';
        if (!len)
            continue;
        if (count >= PC_MAX_LIST || len >= PC_CODE_MAX)
            return 0;
        copy_str(out[count++], PC_CODE_MAX, tok);
    }
    *n = count;
    return 1;
}

static int is_true(const char *v)
{
    return strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0;
}

static int handle_category(load_state *st, int line, const char *code, const char *key, const char *value)
{
    pc_profile *p = &st->work;
    int idx = pc_profile_category_index(p, code);
    if (strcmp(key, "drop") == 0) {
        if (idx >= 0 && is_true(value)) {
            memmove(&p->categories[idx], &p->categories[idx + 1],
                    (size_t)(p->n_categories - idx - 1) * sizeof *p->categories);
            p->n_categories--;
        }
        return 1;
    }
    if (idx < 0) {
        if (p->n_categories >= PC_MAX_CATEGORIES)
            return fail(st, line, "too many categories (at most 64)%s%s", "", "");
        if (strlen(code) >= PC_CODE_MAX || !*code)
            return fail(st, line, "category code '%s' is empty or too long%s", code, "");
        idx = p->n_categories++;
        memset(&p->categories[idx], 0, sizeof p->categories[idx]);
        copy_str(p->categories[idx].code, PC_CODE_MAX, code);
        copy_str(p->categories[idx].name_en, PC_NAME_MAX, code);
        p->categories[idx].level_min = 0; /* must be set below */
    }
    pc_category *c = &p->categories[idx];
    double v;
    if (strcmp(key, "level") == 0) {
        if (!parse_number(value, 0, &v) || (v != 15 && v != 10 && v != 5))
            return fail(st, line, "level '%s' of category '%s' must be 15, 10 or 5", value, code);
        c->level_min = (int)v;
    } else if (strcmp(key, "distance_m") == 0) {
        if (!parse_number(value, 0, &v) || v <= 0)
            return fail(st, line, "distance_m '%s' of category '%s' must be a positive number of metres", value, code);
        c->distance_m = v;
    } else if (strcmp(key, "name_zh") == 0) {
        copy_str(c->name_zh, sizeof c->name_zh, value);
    } else if (strcmp(key, "name_en") == 0) {
        copy_str(c->name_en, sizeof c->name_en, value);
    } else {
        return fail(st, line, "unknown key '%s' in [category %s] (expected level, distance_m, name_zh, name_en, drop)",
                    key, code);
    }
    return 1;
}

static int handle_redline(load_state *st, int line, const char *kind, const char *key, const char *value)
{
    pc_profile *p = &st->work;
    pc_redline_rule *r = (pc_redline_rule *)pc_profile_redline_rule(p, kind);
    if (!r) {
        if (p->n_redline_rules >= PC_MAX_REDLINE_KINDS || strlen(kind) >= PC_CODE_MAX || !*kind)
            return fail(st, line, "cannot add red-line kind '%s'%s", kind, "");
        r = &p->redline_rules[p->n_redline_rules++];
        memset(r, 0, sizeof *r);
        copy_str(r->kind, sizeof r->kind, kind);
    }
    double v;
    if (strcmp(key, "on_overlap") == 0) {
        if (strcmp(value, "forbid") == 0)
            r->on_overlap = PC_OVERLAP_FORBID;
        else if (strcmp(value, "restrict") == 0)
            r->on_overlap = PC_OVERLAP_RESTRICT;
        else if (strcmp(value, "none") == 0)
            r->on_overlap = PC_OVERLAP_NONE;
        else
            return fail(st, line, "on_overlap '%s' of red-line kind '%s' must be forbid, restrict or none", value, kind);
    } else if (strcmp(key, "buffer_m") == 0) {
        if (!parse_number(value, 0, &v))
            return fail(st, line, "buffer_m '%s' of red-line kind '%s' must be a number >= 0", value, kind);
        r->buffer_m = v;
    } else if (strcmp(key, "rule") == 0) {
        copy_str(r->rule, sizeof r->rule, value);
    } else if (strcmp(key, "name_zh") == 0) {
        copy_str(r->name_zh, sizeof r->name_zh, value);
    } else {
        return fail(st, line, "unknown key '%s' in [redline %s] (expected on_overlap, buffer_m, rule, name_zh)", key, kind);
    }
    return 1;
}

static int parse_park_tiers(load_state *st, int line, const char *value)
{
    /* "5000:500, 2000:300": minimum area in m2, then radius in m. */
    pc_profile *p = &st->work;
    char buf[512];
    copy_str(buf, sizeof buf, value);
    int n = 0;
    pc_park_tier tiers[PC_MAX_PARK_TIERS];
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        double a, r;
        char extra;
        if (n >= PC_MAX_PARK_TIERS || sscanf(tok, " %lf : %lf %c", &a, &r, &extra) != 2 || !(a >= 0) || !(r >= 0))
            return fail(st, line, "park tiers '%s' must read like '5000:500, 2000:300' (min area m2 : radius m)%s",
                        value, "");
        tiers[n++] = (pc_park_tier){a, r};
    }
    /* Largest first, so the first tier a park reaches is its own. */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (tiers[j].min_area_m2 > tiers[i].min_area_m2) {
                pc_park_tier t = tiers[i];
                tiers[i] = tiers[j];
                tiers[j] = t;
            }
    memcpy(p->park_tiers, tiers, sizeof tiers);
    p->n_park_tiers = n;
    return 1;
}

static int set_number(load_state *st, int line, const char *section, const char *key, const char *value,
                      double min, double *out)
{
    if (!parse_number(value, min, out)) {
        char where[160];
        snprintf(where, sizeof where, "[%s] %s", section, key);
        return fail(st, line, "%s = '%s' is not a valid number", where, value);
    }
    return 1;
}

static int handler(void *user, const char *section, const char *key, const char *value, int line)
{
    load_state *st = user;
    pc_profile *p = &st->work;
    if (st->failed)
        return 0;
    if (strncmp(section, "category ", 9) == 0)
        return handle_category(st, line, section + 9, key, value);
    if (strncmp(section, "redline ", 8) == 0)
        return handle_redline(st, line, section + 8, key, value);
    if (strcmp(section, "general") == 0 || strcmp(section, "") == 0) {
        if (strcmp(key, "name") == 0)
            copy_str(p->name, sizeof p->name, value);
        else if (strcmp(key, "walk_speed_m_per_min") == 0) {
            if (!set_number(st, line, section, key, value, 0, &p->walk_speed_m_per_min))
                return 0;
            if (p->walk_speed_m_per_min <= 0)
                return fail(st, line, "walk_speed_m_per_min '%s' must be positive%s", value, "");
        } else if (strcmp(key, "max_access_m") == 0)
            return set_number(st, line, section, key, value, 0, &p->max_access_m);
        else if (strcmp(key, "snap_tolerance_m") == 0)
            return set_number(st, line, section, key, value, 0, &p->snap_tolerance_m);
        else if (strcmp(key, "exclude_highway") == 0) {
            if (!parse_list(value, p->excluded_highways, &p->n_excluded_highways))
                return fail(st, line, "exclude_highway '%s': at most 16 classes of 47 characters%s", value, "");
        } else
            return fail(st, line, "unknown key '%s' in [general] (expected name, walk_speed_m_per_min, max_access_m, "
                                  "snap_tolerance_m, exclude_highway)%s", key, "");
        return 1;
    }
    if (strcmp(section, "targets") == 0) {
        if (strcmp(key, "life_circle_coverage") == 0)
            return set_number(st, line, section, key, value, 0, &p->target_coverage);
        if (strcmp(key, "park_m2_per_person") == 0)
            return set_number(st, line, section, key, value, 0, &p->target_park_m2_per_person);
        if (strcmp(key, "gb55014_park_m2_per_person") == 0)
            return set_number(st, line, section, key, value, 0, &p->gb_park_m2_per_person);
        if (strcmp(key, "gb55014_park_service_coverage") == 0)
            return set_number(st, line, section, key, value, 0, &p->gb_park_service_coverage);
        return fail(st, line, "unknown key '%s' in [targets] (expected life_circle_coverage, park_m2_per_person, "
                              "gb55014_park_m2_per_person, gb55014_park_service_coverage)%s", key, "");
    }
    if (strcmp(section, "parks") == 0) {
        if (strcmp(key, "service_tiers") == 0)
            return parse_park_tiers(st, line, value);
        if (strcmp(key, "rule") == 0) {
            copy_str(p->park_rule, sizeof p->park_rule, value);
            return 1;
        }
        return fail(st, line, "unknown key '%s' in [parks] (expected service_tiers, rule)%s", key, "");
    }
    if (strcmp(section, "coast") == 0) {
        if (strcmp(key, "setback_m") == 0)
            return set_number(st, line, section, key, value, 0, &p->coast_setback_m);
        if (strcmp(key, "rule") == 0) {
            copy_str(p->coast_rule, sizeof p->coast_rule, value);
            return 1;
        }
        if (strcmp(key, "exempt_uses") == 0) {
            if (!parse_list(value, p->setback_exempt_uses, &p->n_setback_exempt_uses))
                return fail(st, line, "exempt_uses '%s': at most 16 uses%s", value, "");
            return 1;
        }
        if (strcmp(key, "linear_uses") == 0) {
            if (!parse_list(value, p->linear_uses, &p->n_linear_uses))
                return fail(st, line, "linear_uses '%s': at most 16 uses%s", value, "");
            return 1;
        }
        return fail(st, line, "unknown key '%s' in [coast] (expected setback_m, rule, exempt_uses, linear_uses)%s",
                    key, "");
    }
    return fail(st, line, "unknown section [%s] (expected general, targets, parks, coast, category CODE, "
                          "redline KIND)%s", section, "");
}

static pc_status finish(load_state *st, pc_profile *profile, int rc)
{
    if (st->failed)
        return pc_ctx_status(st->ctx);
    if (rc < 0)
        return pc_error(st->ctx, PC_ERR_IO, st->name, NULL, PC_NO_FID, NULL,
                        "cannot open the profile file; check the path given to --profile");
    if (rc > 0)
        return pc_error(st->ctx, PC_ERR_ARG, st->name, NULL, PC_NO_FID, NULL,
                        "line %d: not a 'key = value' line nor a [section]; see README 'Profiles'", rc);
    for (int i = 0; i < st->work.n_categories; i++)
        if (st->work.categories[i].level_min == 0 || st->work.categories[i].distance_m <= 0)
            return pc_error(st->ctx, PC_ERR_ARG, st->name, NULL, PC_NO_FID, NULL,
                            "new category '%s' needs both 'level' (15, 10 or 5) and 'distance_m'",
                            st->work.categories[i].code);
    *profile = st->work;
    return PC_OK;
}

pc_status pc_profile_load(pc_ctx *ctx, pc_profile *profile, const char *path)
{
    load_state *st = calloc(1, sizeof *st);
    if (!st)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading profile %s", path);
    st->ctx = ctx;
    st->work = *profile;
    st->name = path;
    int rc = pc_ini_parse_file(path, handler, st);
    pc_status s = finish(st, profile, rc);
    free(st);
    return s;
}

pc_status pc_profile_load_string(pc_ctx *ctx, pc_profile *profile, const char *text, const char *name)
{
    load_state *st = calloc(1, sizeof *st);
    if (!st)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading profile %s", name);
    st->ctx = ctx;
    st->work = *profile;
    st->name = name;
    int rc = pc_ini_parse_string(text, handler, st);
    pc_status s = finish(st, profile, rc);
    free(st);
    return s;
}
