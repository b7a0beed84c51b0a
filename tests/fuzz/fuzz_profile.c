/* fuzz_profile.c: libFuzzer harness for the profile reader (INI text to pc_profile). */
#include "pc_profile.h"

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
    pc_profile profile;
    pc_profile_default(&profile);
    pc_profile_load_string(ctx, &profile, text, "fuzz.ini");
    pc_ctx_destroy(ctx);
    free(text);
    return 0;
}
