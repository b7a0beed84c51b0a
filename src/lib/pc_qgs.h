/* pc_qgs.h: a QGIS project (.qgs XML) over the layers of one GeoPackage, grouped, styled, in one CRS. */
#ifndef PC_QGS_H
#define PC_QGS_H

#include "pc_ctx.h"
#include "pc_style.h"

/** One layer of the project. */
typedef struct pc_qgs_layer {
    const char *name;     /* layer name in the GeoPackage */
    const char *title;    /* name shown in the layer tree; NULL: name */
    const char *group;    /* layer tree group it belongs to ("Plan 规划") */
    pc_symbol_type geometry; /* points, lines or polygons */
    int multi;            /* MultiPolygon etc. */
    const pc_style *style; /* borrowed; embedded in the project (the GeoPackage holds it too) */
    double extent[4];     /* in the project CRS */
} pc_qgs_layer;

/** What the project holds. */
typedef struct pc_qgs_project {
    const char *title;
    const char *gpkg_file; /* path of the GeoPackage relative to the project file ("plancheck.gpkg") */
    void *srs;             /* the analysis CRS (OGRSpatialReferenceH, borrowed) */
    const char *crs;       /* "EPSG:4548" */
    double extent[4];      /* what the project opens zoomed to */
    size_t n_layers;
    const pc_qgs_layer *layers; /* drawing order, top first; groups appear in order of their first layer */
} pc_qgs_project;

/**
 * Write the project XML (QGIS 3.22) to path: relative data source paths, the layer tree in groups,
 * each layer's style embedded, project CRS and the default view extent. Caller owns nothing new.
 */
pc_status pc_qgs_write(pc_ctx *ctx, const pc_qgs_project *project, const char *path);

/** The project XML as text (caller owns, free()), as pc_qgs_write writes it; NULL with ctx set on error. */
char *pc_qgs_text(pc_ctx *ctx, const pc_qgs_project *project);

#endif
