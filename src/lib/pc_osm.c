/* pc_osm.c: a plan from an OpenStreetMap extract: walkable streets, facilities by a tag table, parks, residents. */
#include "pc_osm.h"

#include "pc_geom.h"
#include "pc_output.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/*
 * GDAL's OSM driver configuration, embedded so the binary needs no file beside it. Every layer
 * gets one `all_tags` field (hstore text: "key"=>"value",...) so the tag tables below can look at
 * any key. Closed ways with these keys become polygons (multipolygons layer), others stay lines.
 */
static const char osmconf_ini[] =
    "closed_ways_are_polygons=aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,"
    "military,natural,office,place,shop,sport,tourism,healthcare,social_facility,highway=platform,"
    "public_transport=platform\n"
    "[points]\nosm_id=yes\nattributes=\nother_tags=no\nall_tags=yes\n"
    "ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME\n"
    "[lines]\nosm_id=yes\nattributes=\nother_tags=no\nall_tags=yes\n"
    "ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME\n"
    "[multipolygons]\nosm_id=yes\nattributes=\nother_tags=no\nall_tags=yes\n"
    "ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME\n"
    "[multilinestrings]\nosm_id=yes\nattributes=\nother_tags=no\nall_tags=yes\n"
    "[other_relations]\nosm_id=yes\nattributes=\nother_tags=no\nall_tags=yes\n";

/* ------------------------------------------------------------------------------------------------
 * The tag tables (the README's "import-osm" section shows the same tables).
 * ---------------------------------------------------------------------------------------------- */

/* How a facility row decides beyond its tag. */
typedef enum fac_special {
    FAC_PLAIN = 0,     /* the category as given */
    FAC_SCHOOL,        /* primary_school and/or middle_school by isced:level, school:level, then the name */
    FAC_CLINIC,        /* clinic, but health_center when the name says 卫生服务中心 or 卫生院 */
    FAC_SENIOR_DAYCARE /* only with social_facility:for=senior; otherwise the row does not match */
} fac_special;

typedef struct fac_rule {
    const char *key, *value, *category;
    fac_special special;
} fac_rule;

/* Facility tag table: rows are tried in order and the first that matches gives the category
 * (one per object; a 九年一贯制 school gives two). */
static const fac_rule fac_rules[] = {
    {"amenity", "school", NULL, FAC_SCHOOL},
    {"amenity", "kindergarten", "kindergarten", FAC_PLAIN},
    {"amenity", "hospital", "health_center", FAC_PLAIN},
    {"amenity", "clinic", "clinic", FAC_CLINIC},
    {"amenity", "doctors", "clinic", FAC_CLINIC},
    {"amenity", "nursing_home", "elderly_care", FAC_PLAIN},
    {"amenity", "community_centre", "community_service", FAC_PLAIN},
    {"amenity", "marketplace", "market", FAC_PLAIN},
    {"amenity", "arts_centre", "culture_center", FAC_PLAIN},
    {"amenity", "library", "culture_center", FAC_PLAIN},
    {"amenity", "theatre", "culture_center", FAC_PLAIN},
    {"social_facility", "nursing_home", "elderly_care", FAC_PLAIN},
    {"social_facility", "assisted_living", "elderly_care", FAC_PLAIN},
    {"social_facility", "day_care", "elderly_daycare", FAC_SENIOR_DAYCARE},
    {"healthcare", "hospital", "health_center", FAC_PLAIN},
    {"healthcare", "centre", "clinic", FAC_CLINIC},
    {"healthcare", "clinic", "clinic", FAC_CLINIC},
    {"healthcare", "doctor", "clinic", FAC_CLINIC},
    {"leisure", "sports_centre", "sports_large", FAC_PLAIN},
    {"leisure", "stadium", "sports_large", FAC_PLAIN},
    {"leisure", "pitch", "sports_mid", FAC_PLAIN},
    {"leisure", "fitness_station", "fitness", FAC_PLAIN},
    {"leisure", "fitness_centre", "fitness", FAC_PLAIN},
    {"shop", "supermarket", "market", FAC_PLAIN},
    {"shop", "greengrocer", "market", FAC_PLAIN},
    {"shop", "convenience", "convenience", FAC_PLAIN},
    {"shop", "mall", "mall", FAC_PLAIN},
    {"shop", "department_store", "mall", FAC_PLAIN},
};
#define N_FAC_RULES (sizeof fac_rules / sizeof *fac_rules)

/* Objects with one of these keys that no facility or park row takes are counted as "unmapped",
 * by the first of these keys they carry ("amenity=restaurant"). */
static const char *const unmapped_keys[] = {"amenity", "shop", "leisure", "healthcare", "social_facility",
                                            "tourism", "office", "craft", "club", NULL};

/* School names: the keyword that ends last in the name decides (names end with the school type);
 * on equal ends the longer keyword wins (高级中学 over 中学). */
typedef enum school_kind { SCHOOL_PRIMARY = 1, SCHOOL_MIDDLE = 2, SCHOOL_BOTH = 3, SCHOOL_SENIOR = 4 } school_kind;
typedef struct school_word {
    const char *word;
    school_kind kind;
} school_word;
static const school_word school_words[] = {
    {"小学", SCHOOL_PRIMARY},     {"初级中学", SCHOOL_MIDDLE}, {"初中", SCHOOL_MIDDLE},
    {"附中", SCHOOL_MIDDLE},      {"中学", SCHOOL_MIDDLE},     {"高级中学", SCHOOL_SENIOR},
    {"高中", SCHOOL_SENIOR},      {"primary school", SCHOOL_PRIMARY}, {"elementary", SCHOOL_PRIMARY},
    {"middle school", SCHOOL_MIDDLE}, {"junior high", SCHOOL_MIDDLE}, {"high school", SCHOOL_SENIOR},
};
/* A school whose name holds one of these teaches both levels: two facility points. */
static const char *const school_both_words[] = {"一贯制", "九年制", NULL};

/* Streets: always walkable; walkable with foot access; walkable only with a sidewalk or foot tag. */
static const char *const walk_always[] = {"footway", "path", "pedestrian", "steps", "living_street", "residential",
                                          "service", "unclassified", "tertiary", "tertiary_link", "secondary",
                                          "secondary_link", "primary", "primary_link", "track", "road", NULL};
static const char *const walk_if_foot[] = {"cycleway", "bridleway", NULL};
static const char *const walk_if_sidewalk[] = {"motorway", "motorway_link", "trunk", "trunk_link", NULL};
static const char *const foot_yes[] = {"yes", "designated", "permissive", NULL};
static const char *const sidewalk_yes[] = {"both", "left", "right", "yes", NULL};

/* Parks (CJJ/T 85-2017 classes [verify]): G11 comprehensive park >= 10 ha, G12 community park >= 1 ha,
 * G13 specialised park, G14 small park / garden (游园). */
typedef enum park_kind { PARK_BY_AREA = 0, PARK_G13, PARK_G14, PARK_NOT } park_kind;
typedef struct park_rule {
    const char *key, *value;
    park_kind kind;
} park_rule;
static const park_rule park_rules[] = {
    {"leisure", "park", PARK_BY_AREA},
    {"landuse", "recreation_ground", PARK_BY_AREA},
    {"leisure", "garden", PARK_G14}, /* garden:type=botanical: G13 */
    {"landuse", "village_green", PARK_G14},
    {"tourism", "zoo", PARK_G13},
    /* Green but not park green space (G1): counted as skipped so the planner sees them. */
    {"leisure", "nature_reserve", PARK_NOT},
    {"boundary", "protected_area", PARK_NOT},
    {"boundary", "national_park", PARK_NOT},
    {"landuse", "grass", PARK_NOT},
    {"landuse", "forest", PARK_NOT},
    {"landuse", "meadow", PARK_NOT},
    {"natural", "wood", PARK_NOT},
    {"natural", "scrub", PARK_NOT},
    {"natural", "grassland", PARK_NOT},
};
#define N_PARK_RULES (sizeof park_rules / sizeof *park_rules)
#define PARK_G11_MIN_M2 100000.0
#define PARK_G12_MIN_M2 10000.0

/* Residential buildings: multi-storey kinds (default_levels) and houses (default_levels_house).
 * building=yes counts when its point lies in landuse=residential and it carries none of use_keys. */
static const char *const res_multi[] = {"apartments", "residential", "dormitory", NULL};
static const char *const res_house[] = {"house", "detached", "semidetached_house", "terrace", "bungalow", "farm", NULL};
static const char *const use_keys[] = {"amenity", "shop", "office", "leisure", "tourism", "healthcare", "craft",
                                       "public_transport", "man_made", "industrial", "military", NULL};

/* ------------------------------------------------------------------------------------------------
 * Tags
 * ---------------------------------------------------------------------------------------------- */

typedef struct osm_tags {
    size_t n;
    char **k, **v;
    char *buf;
} osm_tags;

static void tags_free(osm_tags *t)
{
    free(t->k);
    free(t->v);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

static char *read_quoted(const char **pp, char **outp)
{
    const char *p = *pp + 1;
    char *start = *outp, *o = *outp;
    while (*p && *p != '"') {
        if (*p == '\\' && p[1])
            p++;
        *o++ = *p++;
    }
    if (*p == '"')
        p++;
    *o++ = '\0';
    *pp = p;
    *outp = o;
    return start;
}

/* Parse GDAL's hstore text ("k"=>"v","k2"=>"v2"). Returns 0, or -1 when out of memory. */
static int tags_parse(osm_tags *t, const char *text)
{
    memset(t, 0, sizeof *t);
    if (!text || !*text)
        return 0;
    size_t len = strlen(text), cap = 1;
    for (const char *p = text; (p = strstr(p, "=>")) != NULL; p += 2)
        cap++;
    t->buf = malloc(len + 1);
    t->k = malloc(cap * sizeof *t->k);
    t->v = malloc(cap * sizeof *t->v);
    if (!t->buf || !t->k || !t->v) {
        tags_free(t);
        return -1;
    }
    char *out = t->buf;
    const char *p = text;
    while (*p && t->n < cap) {
        while (*p == ',' || *p == ' ')
            p++;
        if (*p != '"')
            break;
        char *key = read_quoted(&p, &out);
        if (strncmp(p, "=>", 2) != 0)
            break;
        p += 2;
        if (*p != '"') {
            if (strncmp(p, "NULL", 4) == 0) {
                p += 4;
                continue;
            }
            break;
        }
        char *value = read_quoted(&p, &out);
        t->k[t->n] = key;
        t->v[t->n] = value;
        t->n++;
    }
    return 0;
}

static const char *tag(const osm_tags *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->k[i], key) == 0)
            return t->v[i];
    return NULL;
}

static int in_list(const char *value, const char *const *list)
{
    for (size_t i = 0; value && list[i]; i++)
        if (strcmp(value, list[i]) == 0)
            return 1;
    return 0;
}

/* Non-zero when s holds a CJK character (UTF-8 lead bytes of U+3000..U+9FFF). */
static int has_cjk(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0xE3 && (unsigned char)*s <= 0xE9)
            return 1;
    return 0;
}

static const char *tag_name(const osm_tags *t)
{
    const char *n = tag(t, "name");
    if (!n)
        n = tag(t, "name:zh");
    if (!n)
        n = tag(t, "name:en");
    return n;
}

static const char *tag_name_zh(const osm_tags *t)
{
    const char *n = tag(t, "name:zh");
    if (!n)
        n = tag(t, "name:zh-Hans");
    if (!n && has_cjk(tag(t, "name")))
        n = tag(t, "name");
    return n;
}

/* The first number in s ("6", "6.5", "6;7", "12 m"), or NAN. */
static double leading_number(const char *s)
{
    if (!s)
        return NAN;
    while (*s == ' ')
        s++;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v))
        return NAN;
    return v;
}

/* ------------------------------------------------------------------------------------------------
 * Rules applied to one object's tags
 * ---------------------------------------------------------------------------------------------- */

/* School level from isced:level ("1", "1;2", "1-3"): bit k set for level k. 0 when absent. */
static unsigned isced_bits(const char *s)
{
    unsigned bits = 0;
    int prev = -1, range = 0;
    for (; s && *s; s++) {
        if (isdigit((unsigned char)*s)) {
            int d = *s - '0';
            if (range && prev >= 0)
                for (int k = prev; k <= d && k < 16; k++)
                    bits |= 1u << k;
            bits |= 1u << d;
            prev = d;
            range = 0;
        } else if (*s == '-') {
            range = 1;
        }
    }
    return bits;
}

static int school_from_words(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; school_both_words[i]; i++)
        if (strstr(name, school_both_words[i]))
            return SCHOOL_BOTH;
    char lower[512];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    int kind = 0;
    size_t best_end = 0, best_len = 0;
    for (size_t i = 0; i < sizeof school_words / sizeof *school_words; i++) {
        const char *w = school_words[i].word;
        size_t wl = strlen(w);
        for (const char *p = strstr(lower, w); p; p = strstr(p + 1, w)) {
            size_t end = (size_t)(p - lower) + wl;
            if (end > best_end || (end == best_end && wl > best_len)) {
                best_end = end;
                best_len = wl;
                kind = school_words[i].kind;
            }
        }
    }
    return kind;
}

/* The result of the facility table for one object. */
typedef struct fac_match {
    int n;                /* 0, 1 or 2 categories */
    const char *code[2];
    char tag[96];         /* the row's tag, "amenity=school" */
    char basis[128];      /* why this category: "isced:level=1", "name 小学" */
    char skip[160];       /* a row matched but the object was left out: why */
} fac_match;

static void classify_school(const osm_tags *t, fac_match *m)
{
    int kind = 0;
    const char *isced = tag(t, "isced:level");
    unsigned bits = isced_bits(isced);
    if (bits) {
        kind = ((bits & 2u) ? SCHOOL_PRIMARY : 0) | ((bits & 4u) ? SCHOOL_MIDDLE : 0);
        if (!kind) {
            snprintf(m->skip, sizeof m->skip, "amenity=school with isced:level=%s (neither primary nor junior middle)",
                     isced);
            return;
        }
        snprintf(m->basis, sizeof m->basis, "isced:level=%s", isced);
    }
    const char *level = tag(t, "school:level");
    if (!kind && level) {
        char lower[128];
        size_t n = 0;
        for (; level[n] && n + 1 < sizeof lower; n++)
            lower[n] = (char)tolower((unsigned char)level[n]);
        lower[n] = '\0';
        int senior = strstr(lower, "high") || strstr(lower, "senior") || strstr(lower, "upper");
        if (strstr(lower, "primary") || strstr(lower, "elementary"))
            kind |= SCHOOL_PRIMARY;
        if (strstr(lower, "middle") || strstr(lower, "junior") || strstr(lower, "lower_secondary") ||
            (strstr(lower, "secondary") && !strstr(lower, "upper")))
            kind |= SCHOOL_MIDDLE;
        if (kind)
            snprintf(m->basis, sizeof m->basis, "school:level=%s", level);
        else if (senior) {
            snprintf(m->skip, sizeof m->skip, "amenity=school with school:level=%s (senior high school)", level);
            return;
        }
    }
    if (!kind) {
        const char *names[] = {tag(t, "name"), tag(t, "name:zh")};
        for (int i = 0; i < 2 && !kind; i++) {
            int k = school_from_words(names[i]);
            if (k == SCHOOL_SENIOR) {
                snprintf(m->skip, sizeof m->skip, "amenity=school named as a senior high school (高中)");
                return;
            }
            if (k) {
                kind = k;
                snprintf(m->basis, sizeof m->basis, "name");
            }
        }
    }
    if (!kind) {
        snprintf(m->skip, sizeof m->skip, "amenity=school of unknown level (no isced:level, name without 小学/中学)");
        return;
    }
    if (kind & SCHOOL_PRIMARY)
        m->code[m->n++] = "primary_school";
    if (kind & SCHOOL_MIDDLE)
        m->code[m->n++] = "middle_school";
}

/* Apply the facility table. m->n == 0 and m->skip empty: no row matched. */
static void classify_facility(const osm_tags *t, fac_match *m)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < N_FAC_RULES; i++) {
        const fac_rule *r = &fac_rules[i];
        const char *v = tag(t, r->key);
        if (!v || strcmp(v, r->value) != 0)
            continue;
        if (r->special == FAC_SENIOR_DAYCARE) {
            const char *who = tag(t, "social_facility:for");
            if (!who || !strstr(who, "senior"))
                continue;
        }
        snprintf(m->tag, sizeof m->tag, "%s=%s", r->key, r->value);
        if (r->special == FAC_SCHOOL) {
            classify_school(t, m);
            return;
        }
        m->code[m->n++] = r->category;
        if (r->special == FAC_SENIOR_DAYCARE)
            snprintf(m->basis, sizeof m->basis, "social_facility:for=senior");
        if (r->special == FAC_CLINIC) {
            const char *name = tag(t, "name");
            if (name && (strstr(name, "卫生服务中心") || strstr(name, "卫生院"))) {
                m->code[0] = "health_center";
                snprintf(m->basis, sizeof m->basis, "name");
            }
        }
        return;
    }
}

/* 1 when the way is walkable (admit: the tag that let a motorway/trunk/cycleway in, or ""); 0 with reason. */
static int street_walkable(const osm_tags *t, const char *hw, char *admit, size_t admit_cap, char *reason,
                           size_t reason_cap)
{
    admit[0] = '\0';
    const char *foot = tag(t, "foot");
    if (foot && (strcmp(foot, "no") == 0 || strcmp(foot, "use_sidepath") == 0)) {
        snprintf(reason, reason_cap, "highway=%s with foot=%s", hw, foot);
        return 0;
    }
    int foot_ok = in_list(foot, foot_yes);
    const char *access = tag(t, "access");
    if (access && strcmp(access, "no") == 0 && !foot_ok) {
        snprintf(reason, reason_cap, "highway=%s with access=no", hw);
        return 0;
    }
    if (in_list(hw, walk_always))
        return 1;
    const char *sidewalk_keys[] = {"sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"};
    const char *side = NULL, *side_key = NULL;
    for (size_t i = 0; i < 4 && !side; i++) {
        const char *v = tag(t, sidewalk_keys[i]);
        if (in_list(v, sidewalk_yes)) {
            side = v;
            side_key = sidewalk_keys[i];
        }
    }
    if (in_list(hw, walk_if_foot)) {
        if (foot_ok)
            snprintf(admit, admit_cap, "foot=%s", foot);
        else if (side)
            snprintf(admit, admit_cap, "%s=%s", side_key, side);
        else if (tag(t, "segregated"))
            snprintf(admit, admit_cap, "segregated=%s", tag(t, "segregated"));
        else {
            snprintf(reason, reason_cap, "highway=%s without foot access", hw);
            return 0;
        }
        return 1;
    }
    if (in_list(hw, walk_if_sidewalk)) {
        if (side)
            snprintf(admit, admit_cap, "%s=%s", side_key, side);
        else if (foot_ok)
            snprintf(admit, admit_cap, "foot=%s", foot);
        else {
            snprintf(reason, reason_cap, "highway=%s without sidewalk or foot tag", hw);
            return 0;
        }
        return 1;
    }
    snprintf(reason, reason_cap, "highway=%s is not a walkable class", hw);
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Tallies
 * ---------------------------------------------------------------------------------------------- */

static pc_osm_count *tally_find(pc_osm_tally *t, const char *layer, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].layer == layer && strcmp(t->items[i].key, key) == 0)
            return &t->items[i];
    return NULL;
}

static pc_status tally_add(pc_ctx *ctx, pc_osm_tally *t, const char *layer, const char *key, size_t n)
{
    pc_osm_count *c = tally_find(t, layer, key);
    if (!c) {
        pc_osm_count *items = realloc(t->items, (t->n + 1) * sizeof *items);
        if (!items)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory counting OSM objects");
        t->items = items;
        c = &t->items[t->n];
        c->layer = layer;
        c->key = strdup(key);
        c->n = 0;
        if (!c->key)
            return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory counting OSM objects");
        t->n++;
    }
    c->n += n;
    return PC_OK;
}

static void tally_free(pc_osm_tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].key);
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

size_t pc_osm_tally_get(const pc_osm_tally *t, const char *key)
{
    for (size_t i = 0; t && i < t->n; i++) {
        const pc_osm_count *c = &t->items[i];
        if (c->layer) {
            size_t ll = strlen(c->layer);
            if (strncmp(key, c->layer, ll) == 0 && strncmp(key + ll, ": ", 2) == 0 && strcmp(key + ll + 2, c->key) == 0)
                return c->n;
        } else if (strcmp(c->key, key) == 0) {
            return c->n;
        }
    }
    return 0;
}

static int by_count_desc(const void *a, const void *b)
{
    const pc_osm_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

static int role_rank(const char *layer)
{
    int r = layer ? pc_role_from_name(layer) : -1;
    return r < 0 ? PC_ROLE_COUNT : r;
}

static int by_layer_then_count(const void *a, const void *b)
{
    const pc_osm_count *x = a, *y = b;
    int rx = role_rank(x->layer), ry = role_rank(y->layer);
    if (rx != ry)
        return rx - ry;
    return by_count_desc(a, b);
}

static void tally_sort(pc_osm_tally *t, int (*cmp)(const void *, const void *))
{
    if (t->n > 1) /* qsort must not see the NULL of an empty tally */
        qsort(t->items, t->n, sizeof *t->items, cmp);
}

/* ------------------------------------------------------------------------------------------------
 * Items: the objects kept while reading, in lon/lat, later in the analysis CRS
 * ---------------------------------------------------------------------------------------------- */

typedef struct item {
    OGRGeometryH og;  /* as read (lon/lat, or the source CRS of a --boundary/--structure file) */
    GEOSGeometry *g;  /* analysis CRS, valid */
    char *osm_id;     /* "node/1", "way/2", "relation/3" */
    char *name, *name_zh;
    char *value;      /* streets: highway; residents: building value; facilities/parks: the matched tag; units: tier */
    char *extra;      /* streets: the tag that admitted the way; facilities: basis */
    const char *code; /* facilities: category; parks: class */
    int kind;         /* parks: park_kind; buildings: 0 multi-storey, 1 house, 2 untyped (building=yes) */
    double levels;
    const char *levels_source;
    double area_m2, floor_area_m2, pop, x, y;
    int flag;         /* landuse: holds a residential building; buildings: residential; parks: kept */
} item;

typedef struct item_list {
    size_t n, cap;
    item *v;
} item_list;

static item *list_push(pc_ctx *ctx, item_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        item *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
            return NULL;
        }
        l->v = v;
        l->cap = cap;
    }
    item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static void item_clear(GEOSContextHandle_t geos, item *it)
{
    if (it->og)
        OGR_G_DestroyGeometry(it->og);
    if (it->g)
        GEOSGeom_destroy_r(geos, it->g);
    free(it->osm_id);
    free(it->name);
    free(it->name_zh);
    free(it->value);
    free(it->extra);
    memset(it, 0, sizeof *it);
}

static void list_free(GEOSContextHandle_t geos, item_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        item_clear(geos, &l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* ------------------------------------------------------------------------------------------------
 * The importer
 * ---------------------------------------------------------------------------------------------- */

enum { L_STREETS, L_FACILITIES, L_PARKS, L_BUILDINGS, L_LANDUSE, L_COAST, L_BOUNDARY, L_STRUCTURE, L_COUNT };

typedef struct importer {
    pc_ctx *ctx;
    GEOSContextHandle_t geos;
    const pc_osm_options *o;
    pc_osm_result *r;
    const char *extract;
    pc_profile default_profile;
    const pc_profile *profile;
    item_list list[L_COUNT];
    double data_env[4];
    int has_data_env;
    OGRSpatialReferenceH wgs84;
    OGRSpatialReferenceH srs; /* analysis CRS */
    OGRSpatialReferenceH boundary_srs, structure_srs; /* of --boundary / --structure files (owned) */
    GEOSGeometry *area;       /* union of the boundary polygons */
    const GEOSPreparedGeometry *area_prep;
} importer;

static pc_status skip(importer *im, pc_role role, const char *fmt, ...) PC_PRINTF(3, 4);
static pc_status skip(importer *im, pc_role role, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return tally_add(im->ctx, &im->r->skipped, pc_role_name(role), reason, 1);
}

typedef enum src_kind { SRC_POINT, SRC_LINE, SRC_AREA } src_kind;

/* Keep a clone of the feature's geometry as a new item of list l. NULL on error (ctx set). */
static item *keep(importer *im, int l, OGRGeometryH og, const char *osm_id, const osm_tags *t)
{
    item *it = list_push(im->ctx, &im->list[l]);
    if (!it)
        return NULL;
    it->og = OGR_G_Clone(og);
    it->osm_id = strdup(osm_id);
    it->name = dup_or_null(tag_name(t));
    it->name_zh = dup_or_null(tag_name_zh(t));
    if (!it->og || !it->osm_id) {
        pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
        return NULL;
    }
    return it;
}

static pc_status take_street(importer *im, src_kind kind, OGRGeometryH og, const char *osm_id, const osm_tags *t)
{
    const char *hw = tag(t, "highway");
    if (!hw)
        return PC_OK;
    if (kind == SRC_AREA)
        return skip(im, PC_ROLE_STREETS, "highway=%s mapped as an area (a polygon, not a line)", hw);
    if (kind != SRC_LINE)
        return PC_OK; /* nodes on streets (crossings, stops) are not streets */
    char admit[96], reason[160];
    if (!street_walkable(t, hw, admit, sizeof admit, reason, sizeof reason))
        return skip(im, PC_ROLE_STREETS, "%s", reason);
    item *it = keep(im, L_STREETS, og, osm_id, t);
    if (!it)
        return pc_ctx_status(im->ctx);
    it->value = strdup(hw);
    it->extra = admit[0] ? strdup(admit) : NULL;
    if (!it->value)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
    return PC_OK;
}

/* Parks. *taken is set when a park row matched (the object is accounted for in parks). */
static pc_status take_park(importer *im, src_kind kind, OGRGeometryH og, const char *osm_id, const osm_tags *t,
                           int *taken)
{
    *taken = 0;
    const park_rule *rule = NULL;
    for (size_t i = 0; i < N_PARK_RULES && !rule; i++) {
        const char *v = tag(t, park_rules[i].key);
        if (v && strcmp(v, park_rules[i].value) == 0)
            rule = &park_rules[i];
    }
    if (!rule)
        return PC_OK;
    *taken = 1;
    if (rule->kind == PARK_NOT)
        return skip(im, PC_ROLE_PARKS, "%s=%s: green space but not park green (G1)", rule->key, rule->value);
    if (kind != SRC_AREA)
        return skip(im, PC_ROLE_PARKS, "%s=%s mapped as a %s (no area)", rule->key, rule->value,
                    kind == SRC_POINT ? "point" : "line");
    const char *access = tag(t, "access");
    if (access && (strcmp(access, "private") == 0 || strcmp(access, "no") == 0))
        return skip(im, PC_ROLE_PARKS, "%s=%s with access=%s (not public)", rule->key, rule->value, access);
    item *it = keep(im, L_PARKS, og, osm_id, t);
    if (!it)
        return pc_ctx_status(im->ctx);
    char text[96];
    snprintf(text, sizeof text, "%s=%s", rule->key, rule->value);
    it->value = strdup(text);
    it->kind = rule->kind;
    const char *gtype = tag(t, "garden:type");
    if (rule->kind == PARK_G14 && gtype && strcmp(gtype, "botanical") == 0)
        it->kind = PARK_G13;
    if (!it->value)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
    return PC_OK;
}

static pc_status take_facility(importer *im, OGRGeometryH og, const char *osm_id, const osm_tags *t, int park_taken)
{
    fac_match m;
    classify_facility(t, &m);
    if (m.skip[0])
        return skip(im, PC_ROLE_FACILITIES, "%s", m.skip);
    if (m.n == 0) {
        if (park_taken)
            return PC_OK;
        for (size_t i = 0; unmapped_keys[i]; i++) {
            const char *v = tag(t, unmapped_keys[i]);
            if (v) {
                char key[160];
                snprintf(key, sizeof key, "%s=%s", unmapped_keys[i], v);
                return tally_add(im->ctx, &im->r->unmapped, NULL, key, 1);
            }
        }
        return PC_OK;
    }
    for (int k = 0; k < m.n; k++) {
        if (pc_profile_category_index(im->profile, m.code[k]) < 0) {
            pc_status s = skip(im, PC_ROLE_FACILITIES, "%s: category %s is not in the profile", m.tag, m.code[k]);
            if (s)
                return s;
            continue;
        }
        item *it = keep(im, L_FACILITIES, og, osm_id, t);
        if (!it)
            return pc_ctx_status(im->ctx);
        it->code = m.code[k];
        it->value = strdup(m.tag);
        it->extra = m.basis[0] ? strdup(m.basis) : NULL;
        if (!it->value)
            return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
    }
    return PC_OK;
}

static pc_status take_building(importer *im, src_kind kind, OGRGeometryH og, const char *osm_id, const osm_tags *t)
{
    const char *b = tag(t, "building");
    if (!b || strcmp(b, "no") == 0)
        return PC_OK;
    int bkind;
    if (in_list(b, res_multi))
        bkind = 0;
    else if (in_list(b, res_house))
        bkind = 1;
    else if (strcmp(b, "yes") == 0) {
        bkind = 2;
        for (size_t i = 0; use_keys[i]; i++)
            if (tag(t, use_keys[i]))
                return skip(im, PC_ROLE_RESIDENTS, "building=yes with %s=* (not a home)", use_keys[i]);
    } else
        return skip(im, PC_ROLE_RESIDENTS, "building=%s (not residential)", b);
    if (kind != SRC_AREA)
        return skip(im, PC_ROLE_RESIDENTS, "building=%s mapped as a %s (no footprint)", b,
                    kind == SRC_POINT ? "point" : "line");
    item *it = keep(im, L_BUILDINGS, og, osm_id, t);
    if (!it)
        return pc_ctx_status(im->ctx);
    it->kind = bkind;
    it->value = strdup(b);
    if (!it->value)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
    double levels = leading_number(tag(t, "building:levels"));
    double height = leading_number(tag(t, "height"));
    if (isfinite(levels) && levels >= 1 && levels <= 300) {
        it->levels = levels;
        it->levels_source = "building:levels";
    } else if (isfinite(height) && height > 0 && height <= 1000) {
        it->levels = fmax(1.0, round(height / im->o->storey_height_m));
        it->levels_source = "height";
    } else {
        it->levels = bkind == 1 ? im->o->default_levels_house : im->o->default_levels;
        it->levels_source = "default";
    }
    return PC_OK;
}

static pc_status take_feature(importer *im, src_kind kind, OGRFeatureH f, const char *osm_id)
{
    OGRGeometryH og = OGR_F_GetGeometryRef(f);
    if (!og || OGR_G_IsEmpty(og))
        return PC_OK;
    OGREnvelope env;
    OGR_G_GetEnvelope(og, &env);
    double e[4] = {env.MinX, env.MinY, env.MaxX, env.MaxY};
    if (!im->has_data_env) {
        memcpy(im->data_env, e, sizeof e);
        im->has_data_env = 1;
    } else
        pc_geom_envelope_expand(im->data_env, e);

    osm_tags t;
    int idx = OGR_F_GetFieldIndex(f, "all_tags");
    if (tags_parse(&t, idx >= 0 ? OGR_F_GetFieldAsString(f, idx) : NULL) != 0)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the OSM extract");
    pc_status s = take_street(im, kind, og, osm_id, &t);
    int park_taken = 0;
    if (!s) {
        const char *natural = tag(&t, "natural");
        if (natural && strcmp(natural, "coastline") == 0 && kind != SRC_POINT && !keep(im, L_COAST, og, osm_id, &t))
            s = pc_ctx_status(im->ctx);
    }
    if (!s)
        s = take_park(im, kind, og, osm_id, &t, &park_taken);
    if (!s)
        s = take_facility(im, og, osm_id, &t, park_taken);
    if (!s)
        s = take_building(im, kind, og, osm_id, &t);
    if (!s) {
        const char *landuse = tag(&t, "landuse");
        if (landuse && strcmp(landuse, "residential") == 0) {
            if (kind != SRC_AREA)
                s = skip(im, PC_ROLE_RESIDENTS, "landuse=residential mapped as a %s (no area)",
                         kind == SRC_POINT ? "point" : "line");
            else if (!keep(im, L_LANDUSE, og, osm_id, &t))
                s = pc_ctx_status(im->ctx);
        }
    }
    tags_free(&t);
    return s;
}

/* Open the extract with the OSM driver only, with the embedded configuration. */
static pc_status open_extract(importer *im, GDALDatasetH *out)
{
    *out = NULL;
    struct stat st;
    if (stat(im->extract, &st) != 0)
        return pc_error(im->ctx, PC_ERR_IO, im->extract, NULL, PC_NO_FID, NULL,
                        "cannot read the extract (%s); check the path", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return pc_error(im->ctx, PC_ERR_IO, im->extract, NULL, PC_NO_FID, NULL,
                        "is a folder; give an OpenStreetMap extract (.osm.pbf or .osm)");
    char conf[64];
    snprintf(conf, sizeof conf, "/vsimem/pc_osmconf_%p.ini", (void *)im);
    VSILFILE *fp = VSIFileFromMemBuffer(conf, (GByte *)osmconf_ini, (vsi_l_offset)strlen(osmconf_ini), FALSE);
    if (!fp)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "cannot stage the OSM driver configuration");
    VSIFCloseL(fp);
    char conf_option[96];
    snprintf(conf_option, sizeof conf_option, "CONFIG_FILE=%s", conf);
    const char *const drivers[] = {"OSM", NULL};
    const char *const open_options[] = {conf_option, NULL};
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(im->extract, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, open_options, NULL);
    VSIUnlink(conf);
    if (!ds) {
        const char *msg = CPLGetLastErrorMsg();
        const char *dot = strrchr(im->extract, '.');
        if (dot && (strcasecmp(dot, ".bz2") == 0 || strcasecmp(dot, ".gz") == 0 || strcasecmp(dot, ".zip") == 0))
            return pc_error(im->ctx, PC_ERR_IO, im->extract, NULL, PC_NO_FID, NULL,
                            "a compressed file GDAL's OSM driver cannot read; decompress it first (bunzip2, gunzip "
                            "or unzip) or convert it with 'osmium cat FILE -o EXTRACT.osm.pbf'");
        return pc_error(im->ctx, PC_ERR_IO, im->extract, NULL, PC_NO_FID, NULL,
                        "not an OpenStreetMap extract GDAL's OSM driver can read%s%s%s; give an .osm.pbf or .osm "
                        "file (e.g. from Geofabrik, BBBike or openstreetmap.org's export)",
                        *msg ? " (" : "", msg, *msg ? ")" : "");
    }
    *out = ds;
    return PC_OK;
}

/* One pass over every layer in the order the driver produces features (GDALDatasetGetNextFeature). */
static pc_status read_extract(importer *im, GDALDatasetH ds)
{
    pc_status s = PC_OK;
    size_t n = 0;
    OGRLayerH layer = NULL;
    double pct = 0.0;
    OGRFeatureH f = NULL;
    CPLErrorReset();
    GDALDatasetResetReading(ds);
    while ((f = GDALDatasetGetNextFeature(ds, &layer, &pct, NULL, NULL)) != NULL) {
        const char *lname = layer ? OGR_L_GetName(layer) : "";
        src_kind kind;
        const char *type;
        const char *id = NULL;
        int i_id = OGR_F_GetFieldIndex(f, "osm_id"), i_way = OGR_F_GetFieldIndex(f, "osm_way_id");
        if (strcmp(lname, "points") == 0) {
            kind = SRC_POINT;
            type = "node";
        } else if (strcmp(lname, "lines") == 0) {
            kind = SRC_LINE;
            type = "way";
        } else if (strcmp(lname, "multipolygons") == 0) {
            kind = SRC_AREA;
            type = "relation";
            if (i_way >= 0 && OGR_F_IsFieldSetAndNotNull(f, i_way)) {
                type = "way";
                i_id = i_way;
            }
        } else {
            OGR_F_Destroy(f); /* route relations and other relations carry no plan layer */
            continue;
        }
        if (i_id >= 0 && OGR_F_IsFieldSetAndNotNull(f, i_id))
            id = OGR_F_GetFieldAsString(f, i_id);
        char osm_id[64];
        snprintf(osm_id, sizeof osm_id, "%s/%s", type, id ? id : "?");
        s = take_feature(im, kind, f, osm_id);
        OGR_F_Destroy(f);
        if (s)
            goto done;
        if (++n % 4096 == 0 && (s = pc_ctx_progress(im->ctx, 0.6 * pct, "reading the OSM extract")))
            goto done;
    }
    if (CPLGetLastErrorType() >= CE_Failure) {
        s = pc_error(im->ctx, PC_ERR_IO, im->extract, NULL, PC_NO_FID, NULL,
                     "the extract could not be read to the end (%s); the file may be truncated", CPLGetLastErrorMsg());
        goto done;
    }
    if (n == 0)
        s = pc_error(im->ctx, PC_ERR_DATA, im->extract, NULL, PC_NO_FID, NULL,
                     "the extract holds no tagged objects; check that it covers the city");
done:
    return s;
}

/* ------------------------------------------------------------------------------------------------
 * Study area, CRS and projection
 * ---------------------------------------------------------------------------------------------- */

/* Read the polygons of a --boundary or --structure file into list l (geometries in their own CRS). */
static pc_status read_polygon_file(importer *im, const char *spec, const char *option, int l,
                                   OGRSpatialReferenceH *srs_out, double lonlat_env[4])
{
    pc_status s = PC_OK;
    char *path = strdup(spec);
    GDALDatasetH ds = NULL;
    OGRCoordinateTransformationH ct = NULL;
    if (!path)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory");
    char *bar = strstr(path, "|layername=");
    const char *layer_name = NULL;
    if (bar) {
        *bar = '\0';
        layer_name = bar + strlen("|layername=");
    }
    CPLErrorReset();
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        s = pc_error(im->ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "%s: cannot open as a vector dataset (%s)",
                     option, CPLGetLastErrorMsg());
        goto done;
    }
    OGRLayerH layer = layer_name ? GDALDatasetGetLayerByName(ds, layer_name) : GDALDatasetGetLayer(ds, 0);
    if (!layer) {
        s = pc_error(im->ctx, PC_ERR_DATA, path, layer_name, PC_NO_FID, NULL, "%s: no such layer", option);
        goto done;
    }
    const char *lname = OGR_L_GetName(layer);
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(layer);
    if (!lsrs) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, lname, PC_NO_FID, NULL,
                     "%s: the layer has no coordinate reference system; assign it with 'ogr2ogr -a_srs EPSG:n'", option);
        goto done;
    }
    *srs_out = OSRClone(lsrs);
    OSRSetAxisMappingStrategy(*srs_out, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(*srs_out, im->wgs84);
    if (!ct) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, lname, PC_NO_FID, NULL, "%s: cannot transform the layer's CRS to "
                     "longitude/latitude (%s)", option, CPLGetLastErrorMsg());
        goto done;
    }
    int i_name = OGR_L_FindFieldIndex(layer, "name", 1), i_zh = OGR_L_FindFieldIndex(layer, "name_zh", 1);
    int i_tier = OGR_L_FindFieldIndex(layer, "tier", 1);
    int have_env = 0;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        int64_t fid = OGR_F_GetFID(f);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType gt = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (!g || OGR_G_IsEmpty(g)) {
            OGR_F_Destroy(f);
            continue;
        }
        if (gt != wkbPolygon && gt != wkbMultiPolygon && gt != wkbCurvePolygon && gt != wkbMultiSurface) {
            s = pc_error(im->ctx, PC_ERR_GEOM, path, lname, fid, NULL, "%s: a %s where polygons are expected", option,
                         OGRGeometryTypeToName(gt));
            OGR_F_Destroy(f);
            goto done;
        }
        item *it = list_push(im->ctx, &im->list[l]);
        if (!it) {
            s = pc_ctx_status(im->ctx);
            OGR_F_Destroy(f);
            goto done;
        }
        it->og = OGR_F_StealGeometry(f);
        char fid_text[32];
        snprintf(fid_text, sizeof fid_text, "fid %lld", (long long)fid);
        it->osm_id = strdup(fid_text);
        if (i_name >= 0 && OGR_F_IsFieldSetAndNotNull(f, i_name))
            it->name = strdup(OGR_F_GetFieldAsString(f, i_name));
        if (i_zh >= 0 && OGR_F_IsFieldSetAndNotNull(f, i_zh))
            it->name_zh = strdup(OGR_F_GetFieldAsString(f, i_zh));
        if (i_tier >= 0 && OGR_F_IsFieldSetAndNotNull(f, i_tier))
            it->value = strdup(OGR_F_GetFieldAsString(f, i_tier));
        OGR_F_Destroy(f);
        OGREnvelope e;
        OGR_G_GetEnvelope(it->og, &e);
        double b[4];
        if (!OCTTransformBounds(ct, e.MinX, e.MinY, e.MaxX, e.MaxY, &b[0], &b[1], &b[2], &b[3], 21)) {
            s = pc_error(im->ctx, PC_ERR_CRS, path, lname, fid, NULL,
                         "%s: cannot transform to longitude/latitude; check the layer's CRS", option);
            goto done;
        }
        if (!have_env) {
            memcpy(lonlat_env, b, sizeof b);
            have_env = 1;
        } else
            pc_geom_envelope_expand(lonlat_env, b);
    }
    if (im->list[l].n == 0)
        s = pc_error(im->ctx, PC_ERR_DATA, path, lname, PC_NO_FID, NULL, "%s: the layer has no polygons", option);
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (ds)
        GDALClose(ds);
    free(path);
    return s;
}

/* The extract's file name without folders and OSM extensions ("beijing_haidian_cau"). */
static void file_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    snprintf(out, cap, "%s", base ? base + 1 : path);
    const char *exts[] = {".osm.pbf", ".osm.bz2", ".osm.gz", ".osm", ".pbf"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t n = strlen(out), e = strlen(exts[i]);
        if (n > e && strcasecmp(out + n - e, exts[i]) == 0) {
            out[n - e] = '\0';
            break;
        }
    }
}

/* The study area in lon/lat (boundary items) and the analysis CRS. */
static pc_status choose_study_area(importer *im, GDALDatasetH ds)
{
    pc_status s = PC_OK;
    double env[4] = {0};
    if (im->o->boundary_path) {
        if ((s = read_polygon_file(im, im->o->boundary_path, "--boundary", L_BOUNDARY, &im->boundary_srs, env)))
            return s;
        im->r->boundary_source = strdup(im->o->boundary_path);
    } else {
        OGRLayerH points = GDALDatasetGetLayerByName(ds, "points");
        OGREnvelope e;
        int header = points && OGR_L_GetExtent(points, &e, 0) == OGRERR_NONE && e.MaxX > e.MinX && e.MaxY > e.MinY;
        if (header) {
            env[0] = e.MinX, env[1] = e.MinY, env[2] = e.MaxX, env[3] = e.MaxY;
        } else if (im->has_data_env && im->data_env[2] > im->data_env[0] && im->data_env[3] > im->data_env[1]) {
            memcpy(env, im->data_env, sizeof env);
        } else
            return pc_error(im->ctx, PC_ERR_DATA, im->extract, NULL, PC_NO_FID, NULL,
                            "the extract has neither bounds nor an extent to make a study area from; "
                            "give --boundary FILE");
        im->r->boundary_source = strdup(header ? "extract bounds" : "data extent");
        item *it = list_push(im->ctx, &im->list[L_BOUNDARY]);
        if (!it)
            return pc_ctx_status(im->ctx);
        char wkt[256];
        snprintf(wkt, sizeof wkt, "POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f))", env[0], env[1],
                 env[2], env[1], env[2], env[3], env[0], env[3], env[0], env[1]);
        char *p = wkt;
        if (OGR_G_CreateFromWkt(&p, NULL, &it->og) != OGRERR_NONE)
            return pc_error_plain(im->ctx, PC_ERR_GEOM, "cannot make the study area polygon");
        /* Densify the box so its edges stay straight lines of latitude and longitude when projected. */
        OGR_G_Segmentize(it->og, 0.001);
        it->osm_id = strdup("extract");
    }
    if (!im->r->boundary_source)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory");
    char stem[256];
    file_stem(im->extract, stem, sizeof stem);
    for (size_t i = 0; i < im->list[L_BOUNDARY].n; i++) {
        item *it = &im->list[L_BOUNDARY].v[i];
        if (!it->name)
            it->name = strdup(im->o->name ? im->o->name : stem);
    }

    im->srs = OSRNewSpatialReference(NULL);
    const char *crs = im->o->crs;
    if (crs) {
        if (OSRSetFromUserInput(im->srs, crs) != OGRERR_NONE)
            return pc_error_plain(im->ctx, PC_ERR_ARG, "--crs %s: not a CRS GDAL knows; use EPSG:n (e.g. EPSG:4548)",
                                  crs);
        if (!OSRIsProjected(im->srs) || fabs(OSRGetLinearUnits(im->srs, NULL) - 1.0) > 1e-9)
            return pc_error_plain(im->ctx, PC_ERR_CRS, "--crs %s: the analysis CRS must be projected in metres "
                                  "(e.g. EPSG:4548 for Tianjin, or a UTM zone)", crs);
        const char *code = OSRGetAuthorityCode(im->srs, NULL);
        snprintf(im->r->crs, sizeof im->r->crs, "%s%s", code ? "EPSG:" : "", code ? code : crs);
    } else {
        int epsg = pc_crs_auto_epsg((env[0] + env[2]) / 2, (env[1] + env[3]) / 2);
        if (OSRImportFromEPSG(im->srs, epsg) != OGRERR_NONE)
            return pc_error_plain(im->ctx, PC_ERR_CRS, "cannot load EPSG:%d for the analysis; pass --crs EPSG:n", epsg);
        snprintf(im->r->crs, sizeof im->r->crs, "EPSG:%d", epsg);
    }
    OSRSetAxisMappingStrategy(im->srs, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/* Project one item into the analysis CRS; polygons (all of them in a polygonal list) are checked and
 * repaired. *ok = 0: skipped (counted). */
static pc_status project_item(importer *im, item *it, OGRCoordinateTransformationH ct, pc_role role, int polygonal,
                              int *ok)
{
    *ok = 0;
    OGRGeometryH og = it->og;
    it->og = NULL;
    pc_status s = PC_OK;
    if (OGR_G_Transform(og, ct) != OGRERR_NONE) {
        s = skip(im, role, "cannot reproject to the analysis CRS");
        goto done;
    }
    GEOSGeometry *g = pc_geom_from_ogr(im->ctx, og);
    if (!g) {
        pc_ctx_clear_error(im->ctx);
        s = skip(im, role, "geometry GEOS cannot read");
        goto done;
    }
    if (GEOSisEmpty_r(im->geos, g) != 0) {
        GEOSGeom_destroy_r(im->geos, g);
        s = skip(im, role, "empty geometry");
        goto done;
    }
    int is_polygon = pc_geom_is_polygonal(im->ctx, g);
    if (polygonal || is_polygon) {
        /* Facilities and coastlines may be polygons too: GEOSPointOnSurface needs them valid. */
        if (!is_polygon || GEOSisValid_r(im->geos, g) != 1) {
            GEOSGeometry *fixed = pc_geom_make_valid_polygonal(im->ctx, g);
            GEOSGeom_destroy_r(im->geos, g);
            g = fixed;
            if (!g) {
                s = skip(im, role, "invalid polygon, nothing left after repair");
                goto done;
            }
            im->r->n_repaired++;
        }
        GEOSArea_r(im->geos, g, &it->area_m2);
    }
    if (!pc_geom_representative_xy(im->ctx, g, &it->x, &it->y)) {
        GEOSGeom_destroy_r(im->geos, g);
        s = skip(im, role, "no representative point");
        goto done;
    }
    it->g = g;
    *ok = 1;
done:
    OGR_G_DestroyGeometry(og);
    return s;
}

/* Project a whole list, dropping the items that could not be projected. */
static pc_status project_list(importer *im, int l, OGRCoordinateTransformationH ct, pc_role role, int polygonal)
{
    item_list *list = &im->list[l];
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++) {
        int ok = 0;
        pc_status s = project_item(im, &list->v[i], ct, role, polygonal, &ok);
        if (s)
            return s;
        if (ok)
            list->v[kept++] = list->v[i];
        else
            item_clear(im->geos, &list->v[i]);
    }
    list->n = kept;
    return PC_OK;
}

static pc_status project_all(importer *im)
{
    pc_status s = PC_OK;
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(im->wgs84, im->srs);
    OGRCoordinateTransformationH ct_b = NULL, ct_s = NULL;
    if (!ct) {
        s = pc_error_plain(im->ctx, PC_ERR_CRS, "cannot transform longitude/latitude to %s (%s)", im->r->crs,
                           CPLGetLastErrorMsg());
        goto done;
    }
    if (im->boundary_srs && !(ct_b = OCTNewCoordinateTransformation(im->boundary_srs, im->srs))) {
        s = pc_error(im->ctx, PC_ERR_CRS, im->o->boundary_path, NULL, PC_NO_FID, NULL,
                     "--boundary: cannot transform to %s", im->r->crs);
        goto done;
    }
    if (im->structure_srs && !(ct_s = OCTNewCoordinateTransformation(im->structure_srs, im->srs))) {
        s = pc_error(im->ctx, PC_ERR_CRS, im->o->structure_path, NULL, PC_NO_FID, NULL,
                     "--structure: cannot transform to %s", im->r->crs);
        goto done;
    }
    if ((s = project_list(im, L_BOUNDARY, ct_b ? ct_b : ct, PC_ROLE_BOUNDARY, 1)) ||
        (ct_s && (s = project_list(im, L_STRUCTURE, ct_s, PC_ROLE_STRUCTURE, 1))) ||
        (s = project_list(im, L_STREETS, ct, PC_ROLE_STREETS, 0)) ||
        (s = project_list(im, L_FACILITIES, ct, PC_ROLE_FACILITIES, 0)) ||
        (s = project_list(im, L_PARKS, ct, PC_ROLE_PARKS, 1)) ||
        (s = project_list(im, L_BUILDINGS, ct, PC_ROLE_RESIDENTS, 1)) ||
        (s = project_list(im, L_LANDUSE, ct, PC_ROLE_RESIDENTS, 1)) ||
        (s = project_list(im, L_COAST, ct, PC_ROLE_COASTLINE, 0)))
        goto done;
    if (im->list[L_BOUNDARY].n == 0) {
        s = pc_error(im->ctx, PC_ERR_GEOM, im->o->boundary_path ? im->o->boundary_path : im->extract, NULL, PC_NO_FID,
                     NULL, "the study area has no valid polygon in %s", im->r->crs);
        goto done;
    }
    GEOSGeometry **parts = malloc(im->list[L_BOUNDARY].n * sizeof *parts);
    if (!parts) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < im->list[L_BOUNDARY].n; i++)
        parts[i] = im->list[L_BOUNDARY].v[i].g;
    im->area = pc_geom_union_all(im->ctx, parts, im->list[L_BOUNDARY].n);
    free(parts);
    if (!im->area) {
        s = pc_ctx_status(im->ctx) ? pc_ctx_status(im->ctx) : pc_error_plain(im->ctx, PC_ERR_GEOM, "boundary union failed");
        goto done;
    }
    im->area_prep = GEOSPrepare_r(im->geos, im->area);
    if (!im->area_prep)
        s = pc_error_plain(im->ctx, PC_ERR_GEOM, "cannot prepare the study area (%s)", pc_ctx_geos_message(im->ctx));
done:
    if (ct_s)
        OCTDestroyCoordinateTransformation(ct_s);
    if (ct_b)
        OCTDestroyCoordinateTransformation(ct_b);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    return s;
}

/* ------------------------------------------------------------------------------------------------
 * Parks: class by area, parks inside larger parks left out (their area would count twice)
 * ---------------------------------------------------------------------------------------------- */

typedef struct area_order {
    double area_m2;
    size_t i;
} area_order;

static int by_area_desc(const void *a, const void *b)
{
    const area_order *x = a, *y = b;
    if (x->area_m2 != y->area_m2)
        return x->area_m2 < y->area_m2 ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i;
}

typedef struct hit_list {
    size_t n, cap;
    size_t *v;
} hit_list;

static void collect_hit(void *item_ptr, void *userdata)
{
    hit_list *h = userdata;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        size_t *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (size_t)(uintptr_t)item_ptr;
}

static pc_status make_parks(importer *im)
{
    pc_status s = PC_OK;
    item_list *parks = &im->list[L_PARKS];
    area_order *order = calloc(parks->n ? parks->n : 1, sizeof *order);
    size_t *rank = calloc(parks->n ? parks->n : 1, sizeof *rank); /* position of park i in area order */
    GEOSSTRtree *tree = GEOSSTRtree_create_r(im->geos, 10);
    hit_list hits = {0};
    if (!order || !rank || !tree) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory sorting parks");
        goto done;
    }
    for (size_t i = 0; i < parks->n; i++) {
        order[i] = (area_order){parks->v[i].area_m2, i};
        GEOSSTRtree_insert_r(im->geos, tree, parks->v[i].g, (void *)(uintptr_t)i);
    }
    qsort(order, parks->n, sizeof *order, by_area_desc);
    for (size_t k = 0; k < parks->n; k++)
        rank[order[k].i] = k;
    for (size_t k = 0; k < parks->n; k++) {
        item *p = &parks->v[order[k].i];
        hits.n = 0;
        GEOSSTRtree_query_r(im->geos, tree, p->g, collect_hit, &hits);
        const item *outer = NULL;
        for (size_t h = 0; h < hits.n && !outer; h++) {
            size_t j = hits.v[h];
            const item *q = &parks->v[j];
            if (rank[j] >= k || !q->flag)
                continue; /* only larger parks already kept can hold this one */
            if (GEOSCovers_r(im->geos, q->g, p->g) == 1)
                outer = q;
        }
        if (outer) {
            if ((s = skip(im, PC_ROLE_PARKS, "%s inside a larger park (its area is counted there)", p->value)))
                goto done;
            continue;
        }
        p->flag = 1;
        if (p->kind == PARK_G13)
            p->code = "G13";
        else if (p->kind == PARK_G14)
            p->code = "G14";
        else
            p->code = p->area_m2 >= PARK_G11_MIN_M2 ? "G11" : p->area_m2 >= PARK_G12_MIN_M2 ? "G12" : "G14";
    }
    /* Drop the parks left out, keeping the order of the extract. */
    size_t kept = 0;
    for (size_t i = 0; i < parks->n; i++) {
        if (parks->v[i].flag)
            parks->v[kept++] = parks->v[i];
        else
            item_clear(im->geos, &parks->v[i]);
    }
    parks->n = kept;
done:
    if (tree)
        GEOSSTRtree_destroy_r(im->geos, tree);
    free(hits.v);
    free(rank);
    free(order);
    return s;
}

/* ------------------------------------------------------------------------------------------------
 * Residents: residential buildings, or residential landuse holding none; floor area; population
 * ---------------------------------------------------------------------------------------------- */

/* Index of a landuse polygon holding (x, y), or -1. */
static long landuse_at(importer *im, GEOSSTRtree *tree, const GEOSPreparedGeometry **prep, double x, double y,
                       hit_list *hits)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(im->geos, x, y);
    long found = -1;
    if (!pt)
        return -1;
    hits->n = 0;
    GEOSSTRtree_query_r(im->geos, tree, pt, collect_hit, hits);
    for (size_t h = 0; h < hits->n && found < 0; h++) {
        size_t j = hits->v[h];
        if (!prep[j])
            prep[j] = GEOSPrepare_r(im->geos, im->list[L_LANDUSE].v[j].g);
        if (prep[j] && GEOSPreparedIntersects_r(im->geos, prep[j], pt) == 1)
            found = (long)j;
    }
    GEOSGeom_destroy_r(im->geos, pt);
    return found;
}

static int in_study_area(importer *im, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(im->geos, x, y);
    int in = pt && GEOSPreparedIntersects_r(im->geos, im->area_prep, pt) == 1;
    if (pt)
        GEOSGeom_destroy_r(im->geos, pt);
    return in;
}

static pc_status classify_residents(importer *im)
{
    pc_status s = PC_OK;
    item_list *b = &im->list[L_BUILDINGS], *lu = &im->list[L_LANDUSE];
    GEOSSTRtree *tree = GEOSSTRtree_create_r(im->geos, 10);
    const GEOSPreparedGeometry **prep = calloc(lu->n ? lu->n : 1, sizeof *prep);
    hit_list hits = {0};
    if (!tree || !prep) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory placing buildings in residential landuse");
        goto done;
    }
    for (size_t j = 0; j < lu->n; j++)
        GEOSSTRtree_insert_r(im->geos, tree, lu->v[j].g, (void *)(uintptr_t)j);
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->v[i];
        long j = lu->n ? landuse_at(im, tree, prep, it->x, it->y, &hits) : -1;
        if (it->kind == 2 && j < 0) {
            if ((s = skip(im, PC_ROLE_RESIDENTS, "building=yes outside residential landuse")))
                goto done;
            continue;
        }
        if (!in_study_area(im, it->x, it->y)) {
            if ((s = skip(im, PC_ROLE_RESIDENTS, "building=%s outside the study area", it->value)))
                goto done;
            if (j >= 0)
                lu->v[j].flag = 1; /* the compound is mapped with buildings, even if this one is outside */
            continue;
        }
        it->flag = 1;
        if (j >= 0)
            lu->v[j].flag = 1;
    }
    for (size_t j = 0; j < lu->n; j++) {
        item *it = &lu->v[j];
        if (it->flag) {
            it->flag = 0;
            if ((s = skip(im, PC_ROLE_RESIDENTS, "landuse=residential with residential buildings (they are counted)")))
                goto done;
            continue;
        }
        if (!in_study_area(im, it->x, it->y)) {
            if ((s = skip(im, PC_ROLE_RESIDENTS, "landuse=residential outside the study area")))
                goto done;
            continue;
        }
        it->flag = 1;
    }
done:
    for (size_t j = 0; prep && j < lu->n; j++)
        if (prep[j])
            GEOSPreparedGeom_destroy_r(im->geos, prep[j]);
    free(prep);
    free(hits.v);
    if (tree)
        GEOSSTRtree_destroy_r(im->geos, tree);
    return s;
}

/* The residents kept, as pointers into the building and landuse lists. */
typedef struct resident_set {
    size_t n;
    item **v;
} resident_set;

typedef struct cell_ref {
    long long col, row; /* raster pixel */
    long long cell;     /* (row - row0) * window width + (col - col0), or -1: no cell */
    size_t i;
} cell_ref;

static int by_cell(const void *a, const void *b)
{
    const cell_ref *x = a, *y = b;
    return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* Population from a raster: each cell's value goes to the residents whose point lies in it, by floor area. */
static pc_status raster_population(importer *im, resident_set *rs)
{
    pc_status s = PC_OK;
    const char *path = im->o->population_raster;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH rsrs = NULL;
    OGRCoordinateTransformationH to_r = NULL, from_r = NULL;
    double *values = NULL;
    cell_ref *refs = NULL;
    unsigned char *used = NULL; /* window cells holding a resident */
    CPLErrorReset();
    ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        s = pc_error(im->ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: cannot open as a raster (%s)", CPLGetLastErrorMsg());
        goto done;
    }
    double gt[6], inv[6];
    if (GDALGetGeoTransform(ds, gt) != CE_None || !GDALInvGeoTransform(gt, inv)) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: the raster has no georeferencing (geotransform)");
        goto done;
    }
    OGRSpatialReferenceH ref = GDALGetSpatialRef(ds);
    if (!ref) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: the raster has no CRS; assign it with 'gdal_translate -a_srs EPSG:n'");
        goto done;
    }
    rsrs = OSRClone(ref);
    OSRSetAxisMappingStrategy(rsrs, OAMS_TRADITIONAL_GIS_ORDER);
    to_r = OCTNewCoordinateTransformation(im->srs, rsrs);
    from_r = OCTNewCoordinateTransformation(rsrs, im->srs);
    if (!to_r || !from_r) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: cannot transform between the raster's CRS and %s", im->r->crs);
        goto done;
    }
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int width = GDALGetRasterXSize(ds), height = GDALGetRasterYSize(ds);
    int has_nodata = 0;
    double nodata = band ? GDALGetRasterNoDataValue(band, &has_nodata) : 0;
    if (!band) {
        s = pc_error(im->ctx, PC_ERR_DATA, path, NULL, PC_NO_FID, NULL, "--population-raster: the raster has no band");
        goto done;
    }
    /* The window: cells under the study area's envelope and under every resident. */
    double env[4];
    pc_geom_envelope(im->ctx, im->area, env);
    double rb[4];
    if (!OCTTransformBounds(to_r, env[0], env[1], env[2], env[3], &rb[0], &rb[1], &rb[2], &rb[3], 21)) {
        s = pc_error(im->ctx, PC_ERR_CRS, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: cannot transform the study area to the raster's CRS");
        goto done;
    }
    double c0x = inv[0] + inv[1] * rb[0] + inv[2] * rb[1], c0y = inv[3] + inv[4] * rb[0] + inv[5] * rb[1];
    double c1x = inv[0] + inv[1] * rb[2] + inv[2] * rb[3], c1y = inv[3] + inv[4] * rb[2] + inv[5] * rb[3];
    double wx0 = fmin(c0x, c1x), wx1 = fmax(c0x, c1x), wy0 = fmin(c0y, c1y), wy1 = fmax(c0y, c1y);
    refs = calloc(rs->n ? rs->n : 1, sizeof *refs);
    if (!refs) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory sampling the population raster");
        goto done;
    }
    for (size_t i = 0; i < rs->n; i++) {
        double x = rs->v[i]->x, y = rs->v[i]->y, z = 0;
        int ok = 0;
        refs[i].i = i;
        refs[i].cell = -1;
        rs->v[i]->pop = 0;
        if (!OCTTransformEx(to_r, 1, &x, &y, &z, &ok) || !ok)
            continue;
        double px = inv[0] + inv[1] * x + inv[2] * y, py = inv[3] + inv[4] * x + inv[5] * y;
        if (!(px >= 0 && px < width && py >= 0 && py < height))
            continue; /* off the raster: no population */
        refs[i].col = (long long)floor(px);
        refs[i].row = (long long)floor(py);
        refs[i].cell = 0;
        wx0 = fmin(wx0, px), wx1 = fmax(wx1, px), wy0 = fmin(wy0, py), wy1 = fmax(wy1, py);
    }
    int col0 = (int)fmax(0, floor(wx0)), row0 = (int)fmax(0, floor(wy0));
    int col1 = (int)fmin(width - 1, floor(wx1)), row1 = (int)fmin(height - 1, floor(wy1));
    if (col1 < col0 || row1 < row0) {
        s = pc_error(im->ctx, PC_ERR_DATA, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: the raster does not cover the study area");
        goto done;
    }
    long long ww = col1 - col0 + 1, wh = row1 - row0 + 1;
    if (ww * wh > 50000000LL) {
        s = pc_error(im->ctx, PC_ERR_DATA, path, NULL, PC_NO_FID, NULL,
                     "--population-raster: %lld x %lld cells under the study area is too many; crop the raster "
                     "(gdalwarp -te) or use a coarser one", ww, wh);
        goto done;
    }
    values = malloc((size_t)(ww * wh) * sizeof *values);
    if (!values) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory reading the population raster");
        goto done;
    }
    CPLErrorReset();
    if (GDALRasterIO(band, GF_Read, col0, row0, (int)ww, (int)wh, values, (int)ww, (int)wh, GDT_Float64, 0, 0) !=
        CE_None) {
        s = pc_error(im->ctx, PC_ERR_IO, path, NULL, PC_NO_FID, NULL, "--population-raster: cannot read (%s)",
                     CPLGetLastErrorMsg());
        goto done;
    }
    for (long long k = 0; k < ww * wh; k++)
        if (!isfinite(values[k]) || values[k] < 0 || (has_nodata && values[k] == nodata))
            values[k] = 0;
    /* Residents to window cells. */
    for (size_t i = 0; i < rs->n; i++) {
        if (refs[i].cell < 0)
            continue;
        refs[i].cell = (refs[i].row - row0) * ww + (refs[i].col - col0);
    }
    qsort(refs, rs->n, sizeof *refs, by_cell);
    used = calloc((size_t)(ww * wh), 1);
    if (!used) {
        s = pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory sampling the population raster");
        goto done;
    }
    for (size_t a = 0; a < rs->n;) {
        size_t z = a;
        double fa = 0;
        while (z < rs->n && refs[z].cell == refs[a].cell)
            fa += rs->v[refs[z++].i]->floor_area_m2;
        if (refs[a].cell >= 0) {
            double v = values[refs[a].cell];
            used[refs[a].cell] = 1;
            for (size_t k = a; k < z; k++) {
                item *it = rs->v[refs[k].i];
                it->pop = fa > 0 ? v * it->floor_area_m2 / fa : v / (double)(z - a);
            }
        }
        a = z;
    }
    /* The raster's population inside the study area, and what no resident took. */
    for (long long row = 0; row < wh; row++)
        for (long long col = 0; col < ww; col++) {
            double v = values[row * ww + col];
            if (v <= 0)
                continue;
            double x = gt[0] + (col0 + col + 0.5) * gt[1] + (row0 + row + 0.5) * gt[2];
            double y = gt[3] + (col0 + col + 0.5) * gt[4] + (row0 + row + 0.5) * gt[5], z = 0;
            int ok = 0;
            if (!OCTTransformEx(from_r, 1, &x, &y, &z, &ok) || !ok || !in_study_area(im, x, y))
                continue;
            im->r->raster_pop_in_boundary += v;
            if (!used[row * ww + col])
                im->r->raster_pop_unassigned += v;
        }
done:
    free(used);
    free(refs);
    free(values);
    if (from_r)
        OCTDestroyCoordinateTransformation(from_r);
    if (to_r)
        OCTDestroyCoordinateTransformation(to_r);
    if (rsrs)
        OSRDestroySpatialReference(rsrs);
    if (ds)
        GDALClose(ds);
    return s;
}

static pc_status make_residents(importer *im, resident_set *rs)
{
    pc_status s = classify_residents(im);
    if (s)
        return s;
    item_list *b = &im->list[L_BUILDINGS], *lu = &im->list[L_LANDUSE];
    rs->v = calloc(b->n + lu->n + 1, sizeof *rs->v);
    if (!rs->v)
        return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory");
    double total_fa = 0;
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->v[i];
        if (!it->flag)
            continue;
        it->floor_area_m2 = it->area_m2 * it->levels;
        total_fa += it->floor_area_m2;
        rs->v[rs->n++] = it;
        im->r->n_resident_buildings++;
        char key[128];
        snprintf(key, sizeof key, "building=%s", it->value);
        if ((s = tally_add(im->ctx, &im->r->residents, NULL, key, 1)))
            return s;
    }
    for (size_t j = 0; j < lu->n; j++) {
        item *it = &lu->v[j];
        if (!it->flag)
            continue;
        it->floor_area_m2 = it->area_m2 * im->o->landuse_floor_ratio;
        it->levels = im->o->landuse_floor_ratio;
        it->levels_source = "landuse_floor_ratio";
        free(it->value);
        it->value = strdup("landuse=residential");
        if (!it->value)
            return pc_error_plain(im->ctx, PC_ERR_NOMEM, "out of memory");
        total_fa += it->floor_area_m2;
        rs->v[rs->n++] = it;
        im->r->n_resident_landuse++;
        if ((s = tally_add(im->ctx, &im->r->residents, NULL, "landuse=residential", 1)))
            return s;
    }
    im->r->floor_area_m2 = total_fa;
    if (rs->n == 0)
        pc_ctx_warn(im->ctx, "%s: no residential building or residential landuse in the study area: the residents "
                    "layer is empty, so coverage and green space per person cannot be computed from this plan",
                    im->extract);
    if (im->o->population_raster) {
        im->r->pop_source = PC_OSM_POP_RASTER;
        if ((s = raster_population(im, rs)))
            return s;
        snprintf(im->r->note, sizeof im->r->note,
                 "pop sampled from the population raster: each cell split over the residents whose point lies in it, "
                 "by floor area");
    } else {
        double n = im->o->population > 0 ? im->o->population : 1.0;
        im->r->pop_source = im->o->population > 0 ? PC_OSM_POP_TOTAL : PC_OSM_POP_SHARE;
        im->r->population = im->o->population > 0 ? im->o->population : 0;
        for (size_t i = 0; i < rs->n; i++)
            rs->v[i]->pop = total_fa > 0 ? n * rs->v[i]->floor_area_m2 / total_fa : 0;
        if (im->o->population > 0)
            snprintf(im->r->note, sizeof im->r->note, "pop = %.0f residents x floor-area share", im->o->population);
        else
            snprintf(im->r->note, sizeof im->r->note,
                     "no population given: pop is floor-area share (sums to 1); give --population N or "
                     "--population-raster FILE for residents");
    }
    for (size_t i = 0; i < rs->n; i++)
        im->r->pop_total += rs->v[i]->pop;
    return PC_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Writing the plan
 * ---------------------------------------------------------------------------------------------- */

/* A copy of g as a multi-geometry of multi_type (caller owns). */
static GEOSGeometry *as_multi(GEOSContextHandle_t geos, const GEOSGeometry *g, int multi_type)
{
    if (GEOSGeomTypeId_r(geos, g) == multi_type)
        return GEOSGeom_clone_r(geos, g);
    GEOSGeometry *part = GEOSGeom_clone_r(geos, g);
    if (!part)
        return NULL;
    GEOSGeometry *parts[1] = {part};
    GEOSGeometry *out = GEOSGeom_createCollection_r(geos, multi_type, parts, 1);
    if (!out)
        GEOSGeom_destroy_r(geos, part);
    return out;
}

static void set_str(OGRFeatureH f, const char *field, const char *value)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i >= 0 && value)
        OGR_F_SetFieldString(f, i, value);
}

static void set_real(OGRFeatureH f, const char *field, double value)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i >= 0)
        OGR_F_SetFieldDouble(f, i, value);
}

/* Write one feature; g is converted to multi_type when that is not 0. */
static pc_status put(importer *im, pc_writer *w, OGRLayerH layer, OGRFeatureH f, const GEOSGeometry *g, int multi_type)
{
    GEOSGeometry *multi = NULL;
    if (multi_type && !(multi = as_multi(im->geos, g, multi_type))) {
        OGR_F_Destroy(f);
        return pc_error_plain(im->ctx, PC_ERR_GEOM, "cannot write a geometry (%s)", pc_ctx_geos_message(im->ctx));
    }
    pc_status s = pc_writer_put(w, layer, f, multi ? multi : g);
    if (multi)
        GEOSGeom_destroy_r(im->geos, multi);
    return s;
}

static pc_status write_plan(importer *im, const char *out_path, const resident_set *rs)
{
    pc_status s = PC_OK;
    pc_writer *w = NULL;
    OGRLayerH layer = NULL;
    json_object *summary = NULL;
    if ((s = pc_writer_open(im->ctx, &w, out_path, im->srs, im->r->crs)))
        goto done;
    pc_writer_meta(w, "command", "import-osm");
    pc_writer_meta(w, "source", im->extract);
    pc_writer_meta(w, "osm_attribution", PC_OSM_ATTRIBUTION);
    pc_writer_meta(w, "boundary", im->r->boundary_source);
    pc_writer_meta(w, "population", im->r->note);

    const pc_field_def boundary_fields[] = {{"name", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "boundary", wkbMultiPolygon, boundary_fields, 1)))
        goto done;
    for (size_t i = 0; i < im->list[L_BOUNDARY].n; i++) {
        const item *it = &im->list[L_BOUNDARY].v[i];
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "name", it->name);
        if ((s = put(im, w, layer, f, it->g, GEOS_MULTIPOLYGON)))
            goto done;
        im->r->n_features[PC_ROLE_BOUNDARY]++;
    }

    const pc_field_def structure_fields[] = {{"name", OFTString}, {"name_zh", OFTString}, {"tier", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "structure", wkbMultiPolygon, structure_fields, 3)))
        goto done;
    int own_structure = im->o->structure_path != NULL;
    const item_list *units = &im->list[own_structure ? L_STRUCTURE : L_BOUNDARY];
    for (size_t i = 0; i < units->n; i++) {
        const item *it = &units->v[i];
        char fallback[64];
        snprintf(fallback, sizeof fallback, "unit %zu", i + 1);
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "name", it->name ? it->name : fallback);
        set_str(f, "name_zh", it->name_zh ? it->name_zh : it->name ? it->name : fallback);
        set_str(f, "tier", own_structure && it->value ? it->value : "main");
        if ((s = put(im, w, layer, f, it->g, GEOS_MULTIPOLYGON)))
            goto done;
        im->r->n_features[PC_ROLE_STRUCTURE]++;
    }
    if ((s = pc_ctx_progress(im->ctx, 0.8, "writing the plan")))
        goto done;

    const pc_field_def resident_fields[] = {{"pop", OFTReal},           {"name", OFTString},
                                            {"building", OFTString},    {"levels", OFTReal},
                                            {"levels_source", OFTString}, {"footprint_m2", OFTReal},
                                            {"floor_area_m2", OFTReal}, {"osm_id", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "residents", wkbMultiPolygon, resident_fields, 8)))
        goto done;
    for (size_t i = 0; i < rs->n; i++) {
        const item *it = rs->v[i];
        OGRFeatureH f = pc_writer_feature(layer);
        set_real(f, "pop", it->pop);
        set_str(f, "name", it->name);
        set_str(f, "building", it->value);
        set_real(f, "levels", it->levels);
        set_str(f, "levels_source", it->levels_source);
        set_real(f, "footprint_m2", it->area_m2);
        set_real(f, "floor_area_m2", it->floor_area_m2);
        set_str(f, "osm_id", it->osm_id);
        if ((s = put(im, w, layer, f, it->g, GEOS_MULTIPOLYGON)))
            goto done;
        im->r->n_features[PC_ROLE_RESIDENTS]++;
    }

    const pc_field_def facility_fields[] = {{"category", OFTString}, {"name", OFTString}, {"name_zh", OFTString},
                                            {"osm_tag", OFTString},  {"basis", OFTString}, {"osm_id", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "facilities", wkbPoint, facility_fields, 6)))
        goto done;
    for (size_t i = 0; i < im->list[L_FACILITIES].n; i++) {
        const item *it = &im->list[L_FACILITIES].v[i];
        GEOSGeometry *pt = pc_geom_point(im->ctx, it->x, it->y);
        if (!pt) {
            s = pc_error_plain(im->ctx, PC_ERR_GEOM, "cannot make a facility point (%s)", pc_ctx_geos_message(im->ctx));
            goto done;
        }
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "category", it->code);
        set_str(f, "name", it->name);
        set_str(f, "name_zh", it->name_zh);
        set_str(f, "osm_tag", it->value);
        set_str(f, "basis", it->extra);
        set_str(f, "osm_id", it->osm_id);
        s = put(im, w, layer, f, pt, 0);
        GEOSGeom_destroy_r(im->geos, pt);
        if (s)
            goto done;
        im->r->n_features[PC_ROLE_FACILITIES]++;
        if ((s = tally_add(im->ctx, &im->r->categories, NULL, it->code, 1)))
            goto done;
    }

    const pc_field_def street_fields[] = {{"highway", OFTString}, {"name", OFTString}, {"walk_tag", OFTString},
                                          {"osm_id", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "streets", wkbLineString, street_fields, 4)))
        goto done;
    for (size_t i = 0; i < im->list[L_STREETS].n; i++) {
        const item *it = &im->list[L_STREETS].v[i];
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "highway", it->value);
        set_str(f, "name", it->name);
        set_str(f, "walk_tag", it->extra);
        set_str(f, "osm_id", it->osm_id);
        if ((s = put(im, w, layer, f, it->g, 0)))
            goto done;
        im->r->n_features[PC_ROLE_STREETS]++;
        if ((s = tally_add(im->ctx, &im->r->highways, NULL, it->value, 1)))
            goto done;
    }

    const pc_field_def park_fields[] = {{"name", OFTString},  {"name_zh", OFTString}, {"class", OFTString},
                                        {"area_m2", OFTReal}, {"osm_tag", OFTString}, {"osm_id", OFTString}};
    if ((s = pc_writer_layer(w, &layer, "parks", wkbMultiPolygon, park_fields, 6)))
        goto done;
    for (size_t i = 0; i < im->list[L_PARKS].n; i++) {
        const item *it = &im->list[L_PARKS].v[i];
        OGRFeatureH f = pc_writer_feature(layer);
        set_str(f, "name", it->name);
        set_str(f, "name_zh", it->name_zh);
        set_str(f, "class", it->code);
        set_real(f, "area_m2", it->area_m2);
        set_str(f, "osm_tag", it->value);
        set_str(f, "osm_id", it->osm_id);
        if ((s = put(im, w, layer, f, it->g, GEOS_MULTIPOLYGON)))
            goto done;
        im->r->n_features[PC_ROLE_PARKS]++;
        if ((s = tally_add(im->ctx, &im->r->park_classes, NULL, it->code, 1)))
            goto done;
    }

    if (im->list[L_COAST].n) {
        const pc_field_def coast_fields[] = {{"osm_id", OFTString}};
        if ((s = pc_writer_layer(w, &layer, "coastline", wkbMultiLineString, coast_fields, 1)))
            goto done;
        for (size_t i = 0; i < im->list[L_COAST].n; i++) {
            const item *it = &im->list[L_COAST].v[i];
            GEOSGeometry *line = pc_geom_is_polygonal(im->ctx, it->g) ? GEOSBoundary_r(im->geos, it->g)
                                                                      : GEOSGeom_clone_r(im->geos, it->g);
            if (!line) {
                s = pc_error_plain(im->ctx, PC_ERR_GEOM, "cannot make a coastline (%s)", pc_ctx_geos_message(im->ctx));
                goto done;
            }
            OGRFeatureH f = pc_writer_feature(layer);
            set_str(f, "osm_id", it->osm_id);
            s = put(im, w, layer, f, line, GEOS_MULTILINESTRING);
            GEOSGeom_destroy_r(im->geos, line);
            if (s)
                goto done;
            im->r->n_features[PC_ROLE_COASTLINE]++;
        }
    }
    summary = pc_osm_to_json(im->r);
    if (summary)
        pc_writer_meta(w, "import_summary", json_object_to_json_string_ext(summary, JSON_C_TO_STRING_PLAIN |
                                                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    if ((s = pc_ctx_progress(im->ctx, 0.95, "writing the plan")))
        goto done;
    s = pc_writer_commit(w);
done:
    if (summary)
        json_object_put(summary);
    pc_writer_destroy(w);
    return s;
}

/* ------------------------------------------------------------------------------------------------
 * The entry point
 * ---------------------------------------------------------------------------------------------- */

static pc_status check_options(pc_ctx *ctx, const pc_osm_options *o)
{
    if (!isfinite(o->population) || o->population < 0)
        return pc_error_plain(ctx, PC_ERR_ARG, "--population must be a number of residents >= 0");
    if (o->population > 0 && o->population_raster)
        return pc_error_plain(ctx, PC_ERR_ARG, "give --population N or --population-raster FILE, not both");
    if (!(o->default_levels >= 1 && o->default_levels <= 300) || !(o->default_levels_house >= 1 &&
                                                                  o->default_levels_house <= 300))
        return pc_error_plain(ctx, PC_ERR_ARG, "default storeys must be from 1 to 300");
    if (!(o->storey_height_m > 0 && o->storey_height_m < 100) || !(o->landuse_floor_ratio > 0 &&
                                                                    o->landuse_floor_ratio < 100))
        return pc_error_plain(ctx, PC_ERR_ARG, "storey height and landuse floor ratio must be positive");
    return PC_OK;
}

pc_status pc_osm_import(pc_ctx *ctx, pc_osm_result **out, const char *extract_path, const char *out_path,
                        const pc_osm_options *options)
{
    pc_osm_options defaults = PC_OSM_OPTIONS_INIT;
    const pc_osm_options *o = options ? options : &defaults;
    *out = NULL;
    pc_status s = PC_OK;
    GDALDatasetH ds = NULL;
    resident_set rs = {0};
    importer im;
    memset(&im, 0, sizeof im);
    im.ctx = ctx;
    im.geos = pc_ctx_geos(ctx);
    im.o = o;
    im.extract = extract_path;
    if (!extract_path || !out_path)
        return pc_error_plain(ctx, PC_ERR_ARG, "import-osm needs an extract and an output path");
    if ((s = check_options(ctx, o)))
        return s;
    pc_profile_default(&im.default_profile);
    im.profile = o->profile ? o->profile : &im.default_profile;
    GDALAllRegister();
    im.r = calloc(1, sizeof *im.r);
    im.wgs84 = OSRNewSpatialReference(NULL);
    if (!im.r || !im.wgs84) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    OSRImportFromEPSG(im.wgs84, 4326);
    OSRSetAxisMappingStrategy(im.wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    im.r->extract = strdup(extract_path);
    im.r->output = strdup(out_path);
    if (!im.r->extract || !im.r->output) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int c = 0; c < im.profile->n_categories; c++)
        if ((s = tally_add(ctx, &im.r->categories, NULL, im.profile->categories[c].code, 0)))
            goto done;
    const char *classes[] = {"G11", "G12", "G13", "G14"};
    for (int c = 0; c < 4; c++)
        if ((s = tally_add(ctx, &im.r->park_classes, NULL, classes[c], 0)))
            goto done;

    if ((s = open_extract(&im, &ds)) || (s = read_extract(&im, ds)) || (s = choose_study_area(&im, ds)))
        goto done;
    GDALClose(ds);
    ds = NULL;
    if (o->structure_path) {
        double env[4];
        if ((s = read_polygon_file(&im, o->structure_path, "--structure", L_STRUCTURE, &im.structure_srs, env)))
            goto done;
    }
    if ((s = pc_ctx_progress(ctx, 0.6, "projecting")) || (s = project_all(&im)) || (s = make_parks(&im)) ||
        (s = pc_ctx_progress(ctx, 0.7, "residents")) || (s = make_residents(&im, &rs)) ||
        (s = write_plan(&im, out_path, &rs)))
        goto done;
    tally_sort(&im.r->highways, by_count_desc);
    tally_sort(&im.r->residents, by_count_desc);
    tally_sort(&im.r->unmapped, by_count_desc);
    tally_sort(&im.r->skipped, by_layer_then_count);
    s = pc_ctx_progress(ctx, 1.0, "done");
done:
    if (ds)
        GDALClose(ds);
    free(rs.v);
    if (im.area_prep)
        GEOSPreparedGeom_destroy_r(im.geos, im.area_prep);
    if (im.area)
        GEOSGeom_destroy_r(im.geos, im.area);
    for (int l = 0; l < L_COUNT; l++)
        list_free(im.geos, &im.list[l]);
    if (im.structure_srs)
        OSRDestroySpatialReference(im.structure_srs);
    if (im.boundary_srs)
        OSRDestroySpatialReference(im.boundary_srs);
    if (im.srs)
        OSRDestroySpatialReference(im.srs);
    if (im.wgs84)
        OSRDestroySpatialReference(im.wgs84);
    if (s) {
        pc_osm_result_destroy(im.r);
        return s;
    }
    *out = im.r;
    return PC_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Result
 * ---------------------------------------------------------------------------------------------- */

static json_object *tally_object(const pc_osm_tally *t)
{
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < t->n; i++)
        json_object_object_add(o, t->items[i].key, json_object_new_int64((int64_t)t->items[i].n));
    return o;
}

json_object *pc_osm_to_json(const pc_osm_result *r)
{
    json_object *o = json_object_new_object();
    if (!o || !r)
        return o;
    json_object_object_add(o, "crs", json_object_new_string(r->crs));
    json_object_object_add(o, "extract", json_object_new_string(r->extract ? r->extract : ""));
    json_object_object_add(o, "output", json_object_new_string(r->output ? r->output : ""));
    json_object_object_add(o, "boundary", json_object_new_string(r->boundary_source ? r->boundary_source : ""));
    json_object_object_add(o, "attribution", json_object_new_string(PC_OSM_ATTRIBUTION));
    json_object *layers = json_object_new_object();
    const pc_role roles[] = {PC_ROLE_BOUNDARY, PC_ROLE_STRUCTURE, PC_ROLE_RESIDENTS, PC_ROLE_FACILITIES,
                             PC_ROLE_STREETS,  PC_ROLE_PARKS,     PC_ROLE_COASTLINE};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        json_object_object_add(layers, pc_role_name(roles[i]), json_object_new_int64((int64_t)r->n_features[roles[i]]));
    json_object_object_add(o, "layers", layers);
    json_object_object_add(o, "categories", tally_object(&r->categories));
    json_object_object_add(o, "highways", tally_object(&r->highways));
    json_object_object_add(o, "park_classes", tally_object(&r->park_classes));
    json_object *res = json_object_new_object();
    json_object_object_add(res, "buildings", json_object_new_int64((int64_t)r->n_resident_buildings));
    json_object_object_add(res, "landuse", json_object_new_int64((int64_t)r->n_resident_landuse));
    json_object_object_add(res, "by_kind", tally_object(&r->residents));
    json_object_object_add(res, "floor_area_m2", json_object_new_double(r->floor_area_m2));
    json_object_object_add(res, "pop_total", json_object_new_double(r->pop_total));
    const char *source = r->pop_source == PC_OSM_POP_RASTER  ? "raster"
                         : r->pop_source == PC_OSM_POP_TOTAL ? "population"
                                                             : "floor_area_share";
    json_object_object_add(res, "pop_source", json_object_new_string(source));
    if (r->pop_source == PC_OSM_POP_TOTAL)
        json_object_object_add(res, "population", json_object_new_double(r->population));
    if (r->pop_source == PC_OSM_POP_RASTER) {
        json_object_object_add(res, "raster_pop_in_boundary", json_object_new_double(r->raster_pop_in_boundary));
        json_object_object_add(res, "raster_pop_unassigned", json_object_new_double(r->raster_pop_unassigned));
    }
    json_object_object_add(res, "note", json_object_new_string(r->note));
    json_object_object_add(o, "residents", res);
    json_object *skipped = json_object_new_array();
    for (size_t i = 0; i < r->skipped.n; i++) {
        json_object *row = json_object_new_object();
        json_object_object_add(row, "layer", json_object_new_string(r->skipped.items[i].layer));
        json_object_object_add(row, "reason", json_object_new_string(r->skipped.items[i].key));
        json_object_object_add(row, "count", json_object_new_int64((int64_t)r->skipped.items[i].n));
        json_object_array_add(skipped, row);
    }
    json_object_object_add(o, "skipped", skipped);
    json_object_object_add(o, "unmapped", tally_object(&r->unmapped));
    json_object_object_add(o, "repaired", json_object_new_int64((int64_t)r->n_repaired));
    return o;
}

void pc_osm_result_destroy(pc_osm_result *r)
{
    if (!r)
        return;
    tally_free(&r->categories);
    tally_free(&r->highways);
    tally_free(&r->park_classes);
    tally_free(&r->residents);
    tally_free(&r->skipped);
    tally_free(&r->unmapped);
    free(r->extract);
    free(r->output);
    free(r->boundary_source);
    free(r);
}
