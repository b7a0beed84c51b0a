/* runner.c: the CUnit test runner: `plancheck_tests [SUITE]` runs all suites or one by name. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>
#include <gdal.h>
#include <cpl_conv.h>

#define PC_SUITE(name) int pc_test_register_##name(void);
#include "test_suites.h"
#undef PC_SUITE

typedef struct suite_entry {
    const char *name;
    int (*registrar)(void);
} suite_entry;

static const suite_entry suites[] = {
#define PC_SUITE(name) {#name, pc_test_register_##name},
#include "test_suites.h"
#undef PC_SUITE
};

int main(int argc, char **argv)
{
    GDALAllRegister();
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof suites / sizeof *suites; i++)
            printf("%s\n", suites[i].name);
        return 0;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    int matched = 0;
    for (size_t i = 0; i < sizeof suites / sizeof *suites; i++) {
        if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
            continue;
        matched++;
        if (suites[i].registrar() != 0) {
            fprintf(stderr, "cannot register suite %s\n", suites[i].name);
            CU_cleanup_registry();
            return 1;
        }
    }
    if (!matched) {
        fprintf(stderr, "no suite named '%s'\n", argc > 1 ? argv[1] : "");
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return failed || run == 0 ? 1 : 0;
}
