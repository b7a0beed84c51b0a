/* pc_output_pg.h: the PostGIS side of pc_writer: result layers into one schema in one transaction. */
#ifndef PC_OUTPUT_PG_H
#define PC_OUTPUT_PG_H

#include "pc_ctx.h"

/** Schema the results go to when neither --out-schema nor active_schema= in the connection says. */
#define PC_PG_DEFAULT_SCHEMA "plancheck"
/** Name of the provenance table in the output schema (one row per result table and key). */
#define PC_PG_RUN_TABLE "plancheck_run"

typedef struct pc_pg_out pc_pg_out;

/**
 * Connect to a PG: output and check it can take results: PostGIS installed, the analysis CRS
 * (crs_name "EPSG:4548", else srs, an OGRSpatialReferenceH, borrowed) in spatial_ref_sys.
 * Nothing is written yet. Caller owns *out (pc_pg_out_destroy).
 */
pc_status pc_pg_out_open(pc_ctx *ctx, pc_pg_out **out, const char *path, const char *crs_name, void *srs);

/** The schema named by active_schema= in the connection string, or NULL (borrowed). */
const char *pc_pg_out_conn_schema(const pc_pg_out *pg);

/**
 * Write every layer of dataset (a GDALDatasetH holding the results; borrowed) as a table of
 * schema, in one transaction: tables are built under temporary names, then each replaces the
 * table of the same name, and the rows of meta_layer (key, value; not written as a table of its
 * own) go to the PC_PG_RUN_TABLE table for each result table. Any failure or cancel rolls
 * everything back: the schema stays as it was.
 */
pc_status pc_pg_out_commit(pc_pg_out *pg, void *dataset, const char *schema, const char *meta_layer);

/** Close the connection (rolling back whatever was not committed). Accepts NULL. */
void pc_pg_out_destroy(pc_pg_out *pg);

#endif
