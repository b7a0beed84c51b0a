/* test_profile.c: the built-in profile and profile files (add, drop, re-radius; errors with line numbers). */
#include "tu.h"
#include "pc_profile.h"

static void test_defaults(void)
{
    pc_profile p;
    pc_profile_default(&p);
    TU_ASSERT_INT(p.n_categories, 15);
    int per_level[16] = {0};
    for (int i = 0; i < p.n_categories; i++)
        per_level[p.categories[i].level_min]++;
    TU_ASSERT_INT(per_level[15], 7);
    TU_ASSERT_INT(per_level[10], 3);
    TU_ASSERT_INT(per_level[5], 5);
    TU_ASSERT_NEAR(pc_profile_category(&p, "middle_school")->distance_m, 1000, 0);
    TU_ASSERT_NEAR(pc_profile_category(&p, "market")->distance_m, 500, 0);
    TU_ASSERT_NEAR(pc_profile_category(&p, "kindergarten")->distance_m, 300, 0);
    CU_ASSERT_STRING_EQUAL(pc_profile_category(&p, "kindergarten")->name_zh, "幼儿园");
    CU_ASSERT_PTR_NULL(pc_profile_category(&p, "casino"));
    TU_ASSERT_NEAR(p.walk_speed_m_per_min, 80, 0);
    TU_ASSERT_NEAR(pc_profile_minutes(&p, 1200), 15, 1e-12);
    TU_ASSERT_NEAR(p.target_park_m2_per_person, 13, 0);
    TU_ASSERT_NEAR(p.target_coverage, 1.0, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 6000), 500, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 5000), 500, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 4999), 300, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 1999), 0, 0);
    TU_ASSERT_INT(pc_profile_redline_rule(&p, "ecological_redline")->on_overlap, PC_OVERLAP_FORBID);
    TU_ASSERT_INT(pc_profile_redline_rule(&p, "barrier_tier2")->on_overlap, PC_OVERLAP_RESTRICT);
    TU_ASSERT_INT(pc_profile_redline_rule(&p, "marine_redline")->on_overlap, PC_OVERLAP_FORBID);
    TU_ASSERT_INT(pc_profile_redline_rule(&p, "basic_farmland")->on_overlap, PC_OVERLAP_FORBID);
    TU_ASSERT_NEAR(p.coast_setback_m, 200, 0);
    CU_ASSERT(pc_profile_highway_excluded(&p, "motorway"));
    CU_ASSERT(!pc_profile_highway_excluded(&p, "footway"));
}

static void test_override(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    const char *text = "; a city's own profile\n"
                       "[general]\nwalk_speed_m_per_min = 75   ; slower\n"
                       "[category kindergarten]\ndistance_m = 250\n"
                       "[category mall]\ndrop = yes\n"
                       "[category library]\nlevel = 15\ndistance_m = 1000\nname_zh = 图书馆\n"
                       "[parks]\nservice_tiers = 2000:300, 10000:800, 5000:500\n"
                       "[redline wetland]\non_overlap = forbid\nbuffer_m = 50\n"
                       "[targets]\npark_m2_per_person = 14.5\n";
    TU_ASSERT_INT(pc_profile_load_string(ctx, &p, text, "city.ini"), PC_OK);
    TU_ASSERT_NEAR(p.walk_speed_m_per_min, 75, 0);
    TU_ASSERT_NEAR(pc_profile_category(&p, "kindergarten")->distance_m, 250, 0);
    CU_ASSERT_PTR_NULL(pc_profile_category(&p, "mall"));
    CU_ASSERT_PTR_NOT_NULL(pc_profile_category(&p, "library"));
    TU_ASSERT_INT(p.n_categories, 15); /* one dropped, one added */
    TU_ASSERT_INT(pc_profile_category(&p, "library")->level_min, 15);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 12000), 800, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 6000), 500, 0);
    TU_ASSERT_NEAR(pc_profile_park_radius_m(&p, 3000), 300, 0);
    TU_ASSERT_INT(pc_profile_redline_rule(&p, "wetland")->on_overlap, PC_OVERLAP_FORBID);
    TU_ASSERT_NEAR(pc_profile_redline_rule(&p, "wetland")->buffer_m, 50, 0);
    TU_ASSERT_NEAR(p.target_park_m2_per_person, 14.5, 0);
    pc_ctx_destroy(ctx);
}

static void expect_error(const char *text, const char *fragment)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p, before;
    pc_profile_default(&p);
    before = p;
    CU_ASSERT_NOT_EQUAL(pc_profile_load_string(ctx, &p, text, "bad.ini"), PC_OK);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "bad.ini");
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), fragment);
    CU_ASSERT(memcmp(&p, &before, sizeof p) == 0); /* unchanged on error */
    pc_ctx_destroy(ctx);
}

static void test_errors(void)
{
    expect_error("[general]\nwalk_speed = 80\n", "line 2: unknown key 'walk_speed'");
    expect_error("[category kindergarten]\nlevel = 7\n", "line 2: level '7'");
    expect_error("[category kindergarten]\ndistance_m = -3\n", "must be a positive number");
    expect_error("[category library]\nname_zh = 图书馆\n", "needs both 'level'");
    expect_error("[nonsense]\na = b\n", "line 2: unknown section [nonsense]");
    expect_error("[general]\njust some words\n", "line 2: not a 'key = value' line");
    expect_error("[parks]\nservice_tiers = big:small\n", "park tiers");
    expect_error("[targets]\npark_m2_per_person = NaN\n", "not a valid number");

    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    TU_ASSERT_INT(pc_profile_load(ctx, &p, "/nonexistent/profile.ini"), PC_ERR_IO);
    TU_ASSERT_CONTAINS(pc_ctx_message(ctx), "/nonexistent/profile.ini: cannot open the profile file");
    pc_ctx_destroy(ctx);
}

static void test_long_utf8_rule(void)
{
    /* Rule texts are long and Chinese: no line-length limit may cut them. */
    char text[2048] = "[redline ecological_redline]\nrule = ";
    for (int i = 0; i < 100; i++)
        strcat(text, "红线");
    strcat(text, "\n");
    pc_ctx *ctx = pc_ctx_create();
    pc_profile p;
    pc_profile_default(&p);
    TU_ASSERT_INT(pc_profile_load_string(ctx, &p, text, "long.ini"), PC_OK);
    TU_ASSERT_INT(strlen(pc_profile_redline_rule(&p, "ecological_redline")->rule), 600);
    pc_ctx_destroy(ctx);
}

int pc_test_register_profile(void)
{
    CU_pSuite s = CU_add_suite("profile", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "built-in GB 50180-2018 defaults", test_defaults);
    CU_add_test(s, "a profile file adds, drops and re-radiuses", test_override);
    CU_add_test(s, "malformed profiles name the line", test_errors);
    CU_add_test(s, "long UTF-8 rule texts", test_long_utf8_rule);
    return 0;
}
