/* pc_info.c: what a plan holds: its layers, and area and population per structure unit. */
#include "pc_info.h"
#include "pc_units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

pc_status pc_info_run(pc_ctx *ctx, pc_plan *plan, pc_info_result **out)
{
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    *out = NULL;
    pc_status s = pc_plan_load(ctx, plan, PC_ROLE_STRUCTURE, PC_FIELD_BIT(PC_FIELD_NAME));
    if (s)
        return s;
    const pc_layer *units = pc_plan_layer(plan, PC_ROLE_STRUCTURE);
    pc_info_result *r = calloc(1, sizeof *r);
    int *unit_of = NULL;
    if (!r)
        return pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
    r->n_units = units->n;
    r->units = calloc(units->n ? units->n : 1, sizeof *r->units);
    if (!r->units) {
        s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < units->n; i++) {
        pc_unit_summary *u = &r->units[i];
        u->name = pc_layer_value(units, PC_FIELD_NAME, i);
        u->name_zh = pc_layer_value(units, PC_FIELD_NAME_ZH, i);
        u->tier = pc_layer_value(units, PC_FIELD_TIER, i);
        double area = 0;
        GEOSArea_r(geos, units->geoms[i], &area);
        u->area_km2 = area / 1e6;
        r->total_area_km2 += u->area_km2;
        if (u->tier && strcmp(u->tier, "main") == 0)
            r->n_main++;
        else if (u->tier && strcmp(u->tier, "sub") == 0)
            r->n_sub++;
        else if (u->tier && strcmp(u->tier, "cluster") == 0)
            r->n_cluster++;
    }
    if (pc_plan_has(plan, PC_ROLE_RESIDENTS)) {
        if ((s = pc_plan_load(ctx, plan, PC_ROLE_RESIDENTS, PC_FIELD_BIT(PC_FIELD_POP))))
            goto done;
        const pc_layer *res = pc_plan_layer(plan, PC_ROLE_RESIDENTS);
        r->has_residents = 1;
        unit_of = malloc((res->n ? res->n : 1) * sizeof *unit_of);
        if (!unit_of) {
            s = pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory");
            goto done;
        }
        if ((s = pc_units_locate_points(ctx, units, res->n, res->x, res->y, unit_of)))
            goto done;
        for (size_t i = 0; i < res->n; i++) {
            r->total_pop += res->pop[i];
            if (unit_of[i] >= 0)
                r->units[unit_of[i]].pop += res->pop[i];
            else
                r->unassigned_pop += res->pop[i];
        }
    }
done:
    free(unit_of);
    if (s) {
        pc_info_result_destroy(r);
        return s;
    }
    *out = r;
    return PC_OK;
}

void pc_info_result_destroy(pc_info_result *r)
{
    if (!r)
        return;
    free(r->units);
    free(r);
}

static json_object *json_string_or_null(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *json_number(double v)
{
    if (!isfinite(v))
        return NULL;
    if (v == floor(v) && fabs(v) < 9e15)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

json_object *pc_info_to_json(const pc_plan *plan, const pc_info_result *r)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "crs", json_object_new_string(pc_plan_crs(plan)));
    json_object_object_add(root, "plan", json_object_new_string(pc_plan_path(plan)));
    json_object *layers = json_object_new_array();
    for (int role = 0; role < PC_ROLE_COUNT; role++) {
        pc_layer_info info = pc_plan_info(plan, (pc_role)role);
        if (!info.present)
            continue;
        json_object *l = json_object_new_object();
        json_object_object_add(l, "role", json_object_new_string(pc_role_name((pc_role)role)));
        json_object_object_add(l, "source", json_string_or_null(info.source));
        json_object_object_add(l, "layer", json_string_or_null(info.layer_name));
        json_object_object_add(l, "features", json_object_new_int64(info.feature_count));
        json_object_object_add(l, "geometry_type", json_string_or_null(info.geometry_type));
        json_object_object_add(l, "source_crs", json_string_or_null(info.source_crs));
        double env[4];
        if (pc_plan_extent(plan, (pc_role)role, env)) {
            json_object *e = json_object_new_array();
            for (int k = 0; k < 4; k++)
                json_object_array_add(e, json_object_new_double(round(env[k] * 1000) / 1000));
            json_object_object_add(l, "extent", e);
        }
        json_object_array_add(layers, l);
    }
    json_object_object_add(root, "layers", layers);
    json_object *units = json_object_new_array();
    for (size_t i = 0; i < r->n_units; i++) {
        const pc_unit_summary *u = &r->units[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_string_or_null(u->name));
        json_object_object_add(o, "name_zh", json_string_or_null(u->name_zh));
        json_object_object_add(o, "tier", json_string_or_null(u->tier));
        json_object_object_add(o, "area_km2", json_object_new_double(round(u->area_km2 * 1000) / 1000));
        json_object_object_add(o, "pop", r->has_residents ? json_number(u->pop) : NULL);
        json_object_array_add(units, o);
    }
    json_object_object_add(root, "units", units);
    json_object *total = json_object_new_object();
    json_object_object_add(total, "units", json_object_new_int64((int64_t)r->n_units));
    json_object_object_add(total, "main", json_object_new_int(r->n_main));
    json_object_object_add(total, "sub", json_object_new_int(r->n_sub));
    json_object_object_add(total, "cluster", json_object_new_int(r->n_cluster));
    json_object_object_add(total, "area_km2", json_object_new_double(round(r->total_area_km2 * 1000) / 1000));
    json_object_object_add(total, "pop", r->has_residents ? json_number(r->total_pop) : NULL);
    json_object_object_add(total, "pop_outside_units", r->has_residents ? json_number(r->unassigned_pop) : NULL);
    json_object_object_add(root, "total", total);
    return root;
}
