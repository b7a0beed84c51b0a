/* pc_qgs.c: a QGIS project (.qgs XML) over the layers of one GeoPackage, grouped, styled, in one CRS. */
#include "pc_qgs.h"

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QGIS_VERSION_TEXT "3.22.16-Białowieża"

static void element(pc_text *t, const char *indent, const char *tag, const char *text)
{
    pc_text_printf(t, "%s<%s>", indent, tag);
    pc_text_xml(t, text ? text : "");
    pc_text_printf(t, "</%s>\n", tag);
}

static pc_status spatialrefsys(pc_ctx *ctx, pc_text *t, const pc_qgs_project *p, const char *indent)
{
    OGRSpatialReferenceH srs = (OGRSpatialReferenceH)p->srs;
    char *wkt = NULL, *proj4 = NULL;
    const char *options[] = {"FORMAT=WKT2_2019", NULL};
    if (!srs || OSRExportToWktEx(srs, &wkt, options) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return pc_error_plain(ctx, PC_ERR_CRS, "cannot describe the analysis CRS %s for the QGIS project",
                              p->crs ? p->crs : "(none)");
    }
    if (OSRExportToProj4(srs, &proj4) != OGRERR_NONE) {
        CPLFree(proj4);
        proj4 = NULL;
    }
    const char *name = OSRGetName(srs);
    const char *colon = p->crs ? strchr(p->crs, ':') : NULL;
    pc_text_printf(t, "%s<spatialrefsys nativeFormat=\"Wkt\">\n", indent);
    char inner[64];
    snprintf(inner, sizeof inner, "%s  ", indent);
    element(t, inner, "wkt", wkt);
    element(t, inner, "proj4", proj4 ? proj4 : "");
    element(t, inner, "srid", colon ? colon + 1 : "0");
    element(t, inner, "authid", p->crs);
    element(t, inner, "description", name ? name : p->crs);
    element(t, inner, "geographicflag", OSRIsGeographic(srs) ? "true" : "false");
    pc_text_printf(t, "%s</spatialrefsys>\n", indent);
    CPLFree(wkt);
    CPLFree(proj4);
    return PC_OK;
}

static void extent_xml(pc_text *t, const char *indent, const char *tag, const double e[4])
{
    pc_text_printf(t, "%s<%s>\n%s  <xmin>%.3f</xmin>\n%s  <ymin>%.3f</ymin>\n%s  <xmax>%.3f</xmax>\n"
                      "%s  <ymax>%.3f</ymax>\n%s</%s>\n",
                   indent, tag, indent, e[0], indent, e[1], indent, e[2], indent, e[3], indent, tag);
}

static void layer_id(char *buf, size_t cap, const pc_qgs_layer *l) { snprintf(buf, cap, "plancheck_%s", l->name); }

static void datasource(pc_text *t, const pc_qgs_project *p, const pc_qgs_layer *l)
{
    pc_text_add(t, "./");
    pc_text_xml(t, p->gpkg_file);
    pc_text_add(t, "|layername=");
    pc_text_xml(t, l->name);
}

static void tree_layer(pc_text *t, const pc_qgs_project *p, const pc_qgs_layer *l)
{
    char id[256];
    layer_id(id, sizeof id, l);
    pc_text_add(t, "    <layer-tree-layer id=\"");
    pc_text_xml(t, id);
    pc_text_add(t, "\" name=\"");
    pc_text_xml(t, l->title ? l->title : l->name);
    pc_text_add(t, "\" source=\"");
    datasource(t, p, l);
    pc_text_printf(t, "\" providerKey=\"ogr\" checked=\"%s\" expanded=\"%d\" legend_exp=\"\">\n"
                      "      <customproperties/>\n    </layer-tree-layer>\n",
                   !l->style || l->style->visible ? "Qt::Checked" : "Qt::Unchecked", l->style && l->style->n_classes ? 1 : 0);
}

static pc_status map_layer(pc_ctx *ctx, pc_text *t, const pc_qgs_project *p, const pc_qgs_layer *l)
{
    static const char *const geometry_names[] = {"Polygon", "Line", "Point"};
    static const char *const wkb_single[] = {"Polygon", "LineString", "Point"};
    static const char *const wkb_multi[] = {"MultiPolygon", "MultiLineString", "MultiPoint"};
    char id[256];
    layer_id(id, sizeof id, l);
    int labels = l->style && l->style->label_expression[0];
    pc_text_printf(t, "    <maplayer type=\"vector\" geometry=\"%s\" wkbType=\"%s\" autoRefreshEnabled=\"0\" "
                      "refreshOnNotifyEnabled=\"0\" readOnly=\"0\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" "
                      "maxScale=\"0\" labelsEnabled=\"%d\" simplifyDrawingHints=\"1\" simplifyDrawingTol=\"1\" "
                      "simplifyLocal=\"1\" simplifyMaxScale=\"1\" simplifyAlgorithm=\"0\" "
                      "styleCategories=\"AllStyleCategories\">\n",
                   geometry_names[l->geometry], (l->multi ? wkb_multi : wkb_single)[l->geometry], labels);
    extent_xml(t, "      ", "extent", l->extent);
    element(t, "      ", "id", id);
    pc_text_add(t, "      <datasource>");
    datasource(t, p, l);
    pc_text_add(t, "</datasource>\n");
    element(t, "      ", "layername", l->title ? l->title : l->name);
    pc_text_add(t, "      <srs>\n");
    pc_status s = spatialrefsys(ctx, t, p, "        ");
    if (s)
        return s;
    pc_text_add(t, "      </srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n");
    if (l->style)
        pc_style_qml_body(t, l->style);
    pc_text_add(t, "    </maplayer>\n");
    return PC_OK;
}

char *pc_qgs_text(pc_ctx *ctx, const pc_qgs_project *p)
{
    pc_text t = PC_TEXT_INIT;
    pc_status s = PC_OK;
    pc_text_printf(&t, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                       "<qgis projectname=\"\" version=\"%s\">\n  <homePath path=\"\"/>\n",
                   QGIS_VERSION_TEXT);
    element(&t, "  ", "title", p->title);
    pc_text_add(&t, "  <projectCrs>\n");
    if ((s = spatialrefsys(ctx, &t, p, "    ")))
        goto done;
    pc_text_add(&t, "  </projectCrs>\n  <layer-tree-group>\n    <customproperties/>\n");
    /* Groups in order of their first layer; each group's layers in the given order. */
    for (size_t i = 0; i < p->n_layers; i++) {
        const char *group = p->layers[i].group ? p->layers[i].group : "";
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(p->layers[j].group ? p->layers[j].group : "", group) == 0;
        if (seen)
            continue;
        if (*group) {
            pc_text_add(&t, "    <layer-tree-group name=\"");
            pc_text_xml(&t, group);
            pc_text_add(&t, "\" checked=\"Qt::Checked\" expanded=\"1\">\n      <customproperties/>\n");
        }
        for (size_t j = i; j < p->n_layers; j++)
            if (strcmp(p->layers[j].group ? p->layers[j].group : "", group) == 0)
                tree_layer(&t, p, &p->layers[j]);
        if (*group)
            pc_text_add(&t, "    </layer-tree-group>\n");
    }
    pc_text_add(&t, "    <custom-order enabled=\"0\"/>\n  </layer-tree-group>\n");
    pc_text_add(&t, "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>meters</units>\n");
    extent_xml(&t, "    ", "extent", p->extent);
    pc_text_add(&t, "    <rotation>0</rotation>\n    <destinationsrs>\n");
    if ((s = spatialrefsys(ctx, &t, p, "      ")))
        goto done;
    pc_text_add(&t, "    </destinationsrs>\n  </mapcanvas>\n  <projectlayers>\n");
    for (size_t i = 0; i < p->n_layers && !s; i++)
        s = map_layer(ctx, &t, p, &p->layers[i]);
    if (s)
        goto done;
    pc_text_add(&t, "  </projectlayers>\n  <layerorder>\n");
    for (size_t i = 0; i < p->n_layers; i++) {
        char id[256];
        layer_id(id, sizeof id, &p->layers[i]);
        pc_text_add(&t, "    <layer id=\"");
        pc_text_xml(&t, id);
        pc_text_add(&t, "\"/>\n");
    }
    /* QGIS reads <projectCrs> only when the project says projections are enabled. */
    pc_text_add(&t, "  </layerorder>\n  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n"
                    "    </Paths>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n"
                    "      <ProjectCrs type=\"QString\">");
    pc_text_xml(&t, p->crs);
    pc_text_add(&t, "</ProjectCrs>\n    </SpatialRefSys>\n  </properties>\n");
    pc_text_printf(&t, "  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n    <Scales/>\n"
                       "    <DefaultViewExtent xmin=\"%.3f\" ymin=\"%.3f\" xmax=\"%.3f\" ymax=\"%.3f\">\n",
                   p->extent[0], p->extent[1], p->extent[2], p->extent[3]);
    if ((s = spatialrefsys(ctx, &t, p, "      ")))
        goto done;
    pc_text_add(&t, "    </DefaultViewExtent>\n  </ProjectViewSettings>\n</qgis>\n");
done:
    if (s) {
        pc_text_free(&t);
        return NULL;
    }
    if (t.failed) {
        pc_text_free(&t);
        pc_error_plain(ctx, PC_ERR_NOMEM, "out of memory while writing the QGIS project");
        return NULL;
    }
    return pc_text_take(&t);
}

pc_status pc_qgs_write(pc_ctx *ctx, const pc_qgs_project *p, const char *path)
{
    char *xml = pc_qgs_text(ctx, p);
    if (!xml)
        return pc_ctx_status(ctx);
    pc_text t = {xml, strlen(xml), strlen(xml) + 1, 0};
    pc_status s = pc_text_write_file(ctx, &t, path);
    free(xml);
    return s;
}
