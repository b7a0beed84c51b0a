/* pc_output.h: result datasets written whole or not at all (temporary file, then rename). */
#ifndef PC_OUTPUT_H
#define PC_OUTPUT_H

#include "pc_ctx.h"
#include <ogr_api.h>

/** A field of an output layer. */
typedef struct pc_field_def {
    const char *name;
    OGRFieldType type; /* OFTString, OFTInteger, OFTInteger64, OFTReal */
} pc_field_def;

typedef struct pc_writer pc_writer;

/**
 * Start an output dataset at path (a GeoPackage; other GDAL formats by extension). Everything
 * is written to a temporary file beside it and renamed over path by pc_writer_commit, so a
 * failure or cancel leaves any previous output untouched. A path "PG:..." (a PostgreSQL
 * connection string) writes PostGIS tables instead: connected and checked here, the layers are
 * built in memory and pc_writer_commit writes them in one transaction into the schema of
 * pc_writer_set_schema, each replacing the table of the same name; a failure or cancel leaves
 * the schema as it was. srs is the analysis CRS
 * (OGRSpatialReferenceH, borrowed); crs_name ("EPSG:4548") is recorded in the metadata table.
 * Caller owns *out (pc_writer_destroy).
 */
pc_status pc_writer_open(pc_ctx *ctx, pc_writer **out, const char *path, void *srs, const char *crs_name);

/** Create a layer (borrowed handle, valid until commit/destroy). gtype wkbNone for tables. */
pc_status pc_writer_layer(pc_writer *writer, OGRLayerH *out, const char *name, OGRwkbGeometryType gtype,
                          const pc_field_def *fields, int n_fields);

/** A new feature for a layer (caller owns; pass to pc_writer_put). */
OGRFeatureH pc_writer_feature(OGRLayerH layer);

/**
 * Set geometry (borrowed, may be NULL) and write the feature; destroys the feature. Every 1024
 * features it checks for cancellation (PC_ERR_CANCELLED), so a long write stops on Ctrl-C.
 */
pc_status pc_writer_put(pc_writer *writer, OGRLayerH layer, OGRFeatureH feature, const GEOSGeometry *geometry);

/** Record a key/value pair in the 'plancheck_run' metadata table (crs, command, plan, version...). */
pc_status pc_writer_meta(pc_writer *writer, const char *key, const char *value);

/** Attach a QGIS default style (QML) to a layer, in the GeoPackage 'layer_styles' table. */
pc_status pc_writer_style(pc_writer *writer, const char *layer_name, const char *style_name, const char *qml);

/**
 * For a PostgreSQL output (path "PG:..."): the schema the result tables go to, created when
 * missing. Default: active_schema= of the connection string, else "plancheck". Any name
 * PostgreSQL can hold (1..63 bytes of UTF-8) is used exactly, quoted; others are refused with
 * PC_ERR_ARG. NULL keeps the default. Ignored for files. Call before pc_writer_commit.
 */
pc_status pc_writer_set_schema(pc_writer *writer, const char *schema);

/** Finish: close and rename into place. The writer must still be destroyed. */
pc_status pc_writer_commit(pc_writer *writer);

/** Destroy; when not committed, the temporary file is removed. Accepts NULL. */
void pc_writer_destroy(pc_writer *writer);

/** The GDAL dataset being written (borrowed), for writers that need the full OGR API. */
void *pc_writer_dataset(pc_writer *writer);

#endif
