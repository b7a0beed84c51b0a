/* test_ctx.c: the context: error messages with location, cancellation, progress. */
#include "tu.h"

static void test_error_location(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_status s = pc_error(ctx, PC_ERR_DATA, "plan.gpkg", "residents", 42, "pop", "'abc' is not a number; %s", "fix it");
    TU_ASSERT_INT(s, PC_ERR_DATA);
    TU_ASSERT_INT(pc_ctx_status(ctx), PC_ERR_DATA);
    CU_ASSERT_STRING_EQUAL(pc_ctx_message(ctx), "plan.gpkg: layer 'residents' fid 42 field 'pop': 'abc' is not a number; fix it");
    pc_error(ctx, PC_ERR_IO, NULL, NULL, PC_NO_FID, NULL, "line one\nline two");
    CU_ASSERT_STRING_EQUAL(pc_ctx_message(ctx), "line one line two");
    pc_ctx_clear_error(ctx);
    TU_ASSERT_INT(pc_ctx_status(ctx), PC_OK);
    CU_ASSERT_STRING_EQUAL(pc_ctx_message(ctx), "");
    pc_ctx_destroy(ctx);
    pc_ctx_destroy(NULL);
}

static int calls;
static int stop_at_half(double fraction, const char *message, void *payload)
{
    (void)message;
    (void)payload;
    calls++;
    return fraction < 0.5;
}

static void test_progress_cancel(void)
{
    pc_ctx *ctx = pc_ctx_create();
    calls = 0;
    pc_ctx_set_progress(ctx, stop_at_half, NULL);
    TU_ASSERT_INT(pc_ctx_progress(ctx, 0.25, "reading"), PC_OK);
    TU_ASSERT_INT(pc_ctx_progress(ctx, 0.75, "searching"), PC_ERR_CANCELLED);
    TU_ASSERT_INT(calls, 2);
    CU_ASSERT(pc_ctx_cancelled(ctx));
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "cancelled");
    pc_ctx_destroy(ctx);

    ctx = pc_ctx_create();
    TU_ASSERT_INT(pc_ctx_check_cancel(ctx), PC_OK);
    pc_ctx_cancel(ctx);
    TU_ASSERT_INT(pc_ctx_check_cancel(ctx), PC_ERR_CANCELLED);
    pc_ctx_destroy(ctx);
}

static void test_geos_handler(void)
{
    pc_ctx *ctx = pc_ctx_create();
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(geos, r, "POLYGON((0 0, 1 1))");
    CU_ASSERT_PTR_NULL(g);
    CU_ASSERT(strlen(pc_ctx_geos_message(ctx)) > 0);
    GEOSWKTReader_destroy_r(geos, r);
    pc_ctx_destroy(ctx);
}

int pc_test_register_ctx(void)
{
    CU_pSuite s = CU_add_suite("ctx", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "error message names file, layer, fid, field", test_error_location);
    CU_add_test(s, "progress callback cancels", test_progress_cancel);
    CU_add_test(s, "GEOS messages reach the context", test_geos_handler);
    return 0;
}
