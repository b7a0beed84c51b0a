/* fuzz_plan_file.c: libFuzzer harness for the *.plan file parser (no source is opened). */
#include "pc_plan_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    pc_ctx *ctx = pc_ctx_create();
    pc_plan_parse_text(ctx, text, "fuzz.plan");
    pc_ctx_destroy(ctx);
    free(text);
    return 0;
}
