/* test_svg.c: SVG maps and styles: the world-to-pixel transform, scale bar, simplification, legend, QML, text. */
#include "tu.h"
#include "pc_geom.h"
#include "pc_style.h"
#include "pc_svg.h"
#include "pc_text.h"

#include <stdlib.h>

static void test_view_transform(void)
{
    /* 1000 x 500 m into a 200 x 200 px frame at (10, 20): 0.2 px/m, the 100 px high picture centred vertically. */
    pc_svg_view v;
    const double env[4] = {0, 0, 1000, 500};
    pc_svg_view_fit(&v, env, 10, 20, 200, 200);
    TU_ASSERT_NEAR(v.px_per_m, 0.2, 1e-12);
    double px, py;
    pc_svg_view_to_px(&v, 0, 500, &px, &py); /* top left of the world */
    TU_ASSERT_NEAR(px, 10, 1e-9);
    TU_ASSERT_NEAR(py, 70, 1e-9);
    pc_svg_view_to_px(&v, 1000, 0, &px, &py); /* bottom right: y grows down on the page */
    TU_ASSERT_NEAR(px, 210, 1e-9);
    TU_ASSERT_NEAR(py, 170, 1e-9);
    pc_svg_view_to_px(&v, 500, 250, &px, &py);
    TU_ASSERT_NEAR(px, 110, 1e-9);
    TU_ASSERT_NEAR(py, 120, 1e-9);
    /* The extent shown grows to the frame's aspect: 1000 m high, centred on y = 250. */
    TU_ASSERT_NEAR(v.env[1], -250, 1e-9);
    TU_ASSERT_NEAR(v.env[3], 750, 1e-9);
    /* A real-world one: EPSG:4548 metres, 80 km into 640 px. */
    const double binhai[4] = {500000, 4270000, 580000, 4350000};
    pc_svg_view_fit(&v, binhai, 0, 0, 640, 640);
    pc_svg_view_to_px(&v, 540000, 4310000, &px, &py);
    TU_ASSERT_NEAR(px, 320, 1e-9);
    TU_ASSERT_NEAR(py, 320, 1e-9);
}

static void test_nice_numbers_and_scalebar(void)
{
    TU_ASSERT_NEAR(pc_style_nice_floor(7500), 5000, 0);
    TU_ASSERT_NEAR(pc_style_nice_floor(1000), 1000, 0);
    TU_ASSERT_NEAR(pc_style_nice_floor(999), 500, 0);
    TU_ASSERT_NEAR(pc_style_nice_floor(0.3), 0.2, 1e-15);
    TU_ASSERT_NEAR(pc_style_nice_floor(19999), 10000, 0);
    TU_ASSERT_NEAR(pc_style_nice_floor(0), 0, 0);
    pc_svg_view v;
    /* 30 km across 640 px: a bar of at most 160 px is at most 7500 m, so 5 km, drawn 5000 * 640 / 30000 px long. */
    const double env[4] = {0, 0, 30000, 30000};
    pc_svg_view_fit(&v, env, 12, 34, 640, 640);
    TU_ASSERT_NEAR(pc_svg_scalebar_m(&v, 160), 5000, 0);
    char label[32];
    CU_ASSERT_STRING_EQUAL(pc_svg_length_label(label, sizeof label, 5000), "5 km");
    CU_ASSERT_STRING_EQUAL(pc_svg_length_label(label, sizeof label, 200), "200 m");

    pc_ctx *ctx = pc_ctx_create();
    pc_svg_map *map = NULL;
    pc_svg_map_options o = PC_SVG_MAP_OPTIONS_INIT;
    o.crs_label = "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E";
    o.attribution = "(c) OpenStreetMap contributors";
    TU_ASSERT_INT(pc_svg_map_create(ctx, &map, env, &o), PC_OK);
    char *svg = NULL;
    TU_ASSERT_INT(pc_svg_map_finish(map, &svg), PC_OK);
    /* The bar drawn is the map scale times its length: 5000 m * 640/30000 px/m = 106.667 px. */
    TU_ASSERT_CONTAINS(svg, "data-length-m=\"5000\" data-length-px=\"106.667\"");
    TU_ASSERT_CONTAINS(svg, ">5 km</text>");
    TU_ASSERT_CONTAINS(svg, "class=\"north\"");
    TU_ASSERT_CONTAINS(svg, "CRS EPSG:4548 CGCS2000");
    TU_ASSERT_CONTAINS(svg, "(c) OpenStreetMap contributors");
    free(svg);
    pc_svg_map_destroy(map);
    pc_ctx_destroy(ctx);
}

/* Number of coordinate pairs in the path data of the first <path d="..."> of svg. */
static int path_points(const char *svg)
{
    const char *d = strstr(svg, " d=\"M");
    if (!d)
        return 0;
    int numbers = 0, in_number = 0;
    for (const char *p = d + 4; *p && *p != '"'; p++) {
        int digit = (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';
        if (digit && !in_number)
            numbers++;
        in_number = digit;
    }
    return numbers / 2;
}

static void test_simplification_keeps_shape_in_few_points(void)
{
    pc_ctx *ctx = pc_ctx_create();
    GEOSContextHandle_t geos = pc_ctx_geos(ctx);
    /* A circle of radius 1000 m with 4096 vertices, on 640 px for 2200 m: 0.29 px/m, tolerance 0.5 px = 1.72 m.
     * Chords of sagitta t on radius R are 2 sqrt(2 R t) long: about pi R / sqrt(2 R t) = 54 of them. */
    GEOSGeometry *centre = pc_geom_point(ctx, 0, 0);
    GEOSGeometry *circle = GEOSBuffer_r(geos, centre, 1000, 1024);
    const double env[4] = {-1100, -1100, 1100, 1100};
    pc_svg_map *map = NULL;
    pc_svg_map_options o = PC_SVG_MAP_OPTIONS_INIT;
    TU_ASSERT_INT(pc_svg_map_create(ctx, &map, env, &o), PC_OK);
    pc_style style;
    pc_style_for_layer(&style, "parks", PC_SYMBOL_FILL, NULL);
    const GEOSGeometry *geoms[] = {circle};
    TU_ASSERT_INT(pc_svg_map_layer(map, &style, geoms, 1, NULL, NULL, 1), PC_OK);
    char *svg = NULL;
    TU_ASSERT_INT(pc_svg_map_finish(map, &svg), PC_OK);
    const char *path = strstr(svg, "<g clip-path");
    int n = path ? path_points(path) : 0;
    CU_ASSERT(n >= 27 && n <= 120);
    if (!(n >= 27 && n <= 120))
        fprintf(stderr, "\n  circle drawn with %d points, expected about 54\n", n);
    /* The circle's top is at y = 1000 m: pixel y = 34 + (1100 - 1000) * 640 / 2200 = 63.1. */
    TU_ASSERT_CONTAINS(svg, " 63.1");
    free(svg);
    pc_svg_map_destroy(map);
    GEOSGeom_destroy_r(geos, circle);
    GEOSGeom_destroy_r(geos, centre);
    pc_ctx_destroy(ctx);
}

static void test_points_classes_and_legend(void)
{
    pc_ctx *ctx = pc_ctx_create();
    const double env[4] = {0, 0, 1000, 1000};
    pc_svg_map *map = NULL;
    pc_svg_map_options o = PC_SVG_MAP_OPTIONS_INIT;
    o.width_px = 100;
    o.height_px = 100;
    TU_ASSERT_INT(pc_svg_map_create(ctx, &map, env, &o), PC_OK);
    pc_style style;
    pc_style_for_layer(&style, "site_checks", PC_SYMBOL_MARKER, NULL);
    /* Two sites in view (pass, fail), one outside the view (warn): warn is neither drawn nor in the legend. */
    const double x[] = {100, 900, 5000}, y[] = {100, 900, 5000};
    const char *verdicts[] = {"pass", "fail", "warn"};
    TU_ASSERT_INT(pc_svg_map_points(map, &style, x, y, 3, verdicts, NULL, 1), PC_OK);
    const char *labels[] = {"西区"};
    TU_ASSERT_INT(pc_svg_map_labels(map, x, y, labels, 1), PC_OK);
    char *svg = NULL;
    TU_ASSERT_INT(pc_svg_map_finish(map, &svg), PC_OK);
    /* 0.1 px/m, frame at (12, 34): (100, 100) is at (22, 124), (900, 900) at (102, 44). */
    TU_ASSERT_CONTAINS(svg, "M22.0 124.0h0");
    TU_ASSERT_CONTAINS(svg, "M102.0 44.0h0");
    TU_ASSERT_CONTAINS(svg, "pass 通过");
    TU_ASSERT_CONTAINS(svg, "fail 不通过");
    CU_ASSERT_PTR_NULL(strstr(svg, "warn 预警"));
    CU_ASSERT_PTR_NULL(strstr(svg, "M512"));
    TU_ASSERT_CONTAINS(svg, ">西区</text>");
    free(svg);
    pc_svg_map_destroy(map);
    pc_ctx_destroy(ctx);
}

static void test_style_classes(void)
{
    pc_style s;
    pc_style_context c = {NULL, 0, 1.0, 8.0, 13.0};
    CU_ASSERT(pc_style_for_layer(&s, "coverage_units", PC_SYMBOL_FILL, &c));
    CU_ASSERT_EQUAL(s.type, PC_STYLE_GRADUATED);
    CU_ASSERT_STRING_EQUAL(s.field, "cov15_pop");
    /* Classes: [0, .5], (.5, .8], (.8, .9], (.9, 1 - 5e-5], (1 - 5e-5, 1]. */
    TU_ASSERT_INT(pc_style_class_of_number(&s, 0.0), 0);
    TU_ASSERT_INT(pc_style_class_of_number(&s, 0.5), 0);
    TU_ASSERT_INT(pc_style_class_of_number(&s, 0.5001), 1);
    TU_ASSERT_INT(pc_style_class_of_number(&s, 0.9999), 3);
    TU_ASSERT_INT(pc_style_class_of_number(&s, 1.0), 4);
    TU_ASSERT_INT(pc_style_class_of_number(&s, NAN), -1);
    TU_ASSERT_CONTAINS(s.classes[4].label, "target met");
    CU_ASSERT(pc_style_for_layer(&s, "redlines", PC_SYMBOL_FILL, NULL));
    TU_ASSERT_INT(pc_style_class_of_value(&s, "wetland"), 5);
    TU_ASSERT_INT(pc_style_class_of_value(&s, "something_else"), s.n_classes - 1); /* "" takes every other value */
    CU_ASSERT(!pc_style_for_layer(&s, "no_such_layer", PC_SYMBOL_LINE, NULL));
    CU_ASSERT_EQUAL(s.type, PC_STYLE_SINGLE);
    /* Residents sized by population: round class edges up to the largest feature. */
    c.max_pop = 930;
    CU_ASSERT(pc_style_for_layer(&s, "residents", PC_SYMBOL_MARKER, &c));
    CU_ASSERT(s.graduated_size);
    TU_ASSERT_NEAR(s.classes[1].lower, 200, 0); /* nice_floor(930 / 4) = 200 */
    CU_ASSERT(s.classes[3].symbol.size_mm > s.classes[0].symbol.size_mm);
    TU_ASSERT_INT(pc_style_class_of_number(&s, 930), 3);
}

static void test_qml(void)
{
    pc_style s;
    pc_style_for_layer(&s, "site_checks", PC_SYMBOL_FILL, NULL);
    char *qml = pc_style_qml(&s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qml);
    TU_ASSERT_CONTAINS(qml, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>");
    TU_ASSERT_CONTAINS(qml, "<renderer-v2 type=\"categorizedSymbol\" attr=\"verdict\"");
    TU_ASSERT_CONTAINS(qml, "<category render=\"true\" symbol=\"2\" value=\"fail\" label=\"fail 不通过\"/>");
    TU_ASSERT_CONTAINS(qml, "<prop k=\"color\" v=\"215,25,28,200\"/>"); /* #d7191c */
    free(qml);
    pc_style_for_layer(&s, "structure", PC_SYMBOL_FILL, NULL);
    qml = pc_style_qml(&s);
    /* The label expression is XML-escaped inside the attribute. */
    TU_ASSERT_CONTAINS(qml, "fieldName=\"coalesce(&quot;name_zh&quot;, &quot;name&quot;)\"");
    TU_ASSERT_CONTAINS(qml, "labelsEnabled=\"1\"");
    free(qml);
}

static void test_text_escaping(void)
{
    pc_text t = PC_TEXT_INIT;
    pc_text_xml(&t, "a<b & \"c\" 'd'>");
    CU_ASSERT_STRING_EQUAL(pc_text_str(&t), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    pc_text_free(&t);
    pc_text_csv(&t, "plain");
    pc_text_add(&t, ",");
    pc_text_csv(&t, "a, \"b\"");
    CU_ASSERT_STRING_EQUAL(pc_text_str(&t), "plain,\"a, \"\"b\"\"\"");
    pc_text_free(&t);
    pc_text_number(&t, 12.50, 3);
    pc_text_add(&t, " ");
    pc_text_number(&t, 3.0, 2);
    pc_text_add(&t, " ");
    pc_text_number(&t, NAN, 2);
    pc_text_add(&t, "|");
    pc_text_number(&t, -0.0001, 2);
    CU_ASSERT_STRING_EQUAL(pc_text_str(&t), "12.5 3 |0");
    /* Long appends grow the buffer. */
    for (int i = 0; i < 1000; i++)
        pc_text_printf(&t, "%0300d", i);
    TU_ASSERT_INT(t.len, 9 + 300 * 1000);
    pc_text_free(&t);
}

int pc_test_register_svg(void)
{
    CU_pSuite s = CU_add_suite("svg", NULL, NULL);
    if (!s)
        return -1;
    CU_add_test(s, "world point to pixel", test_view_transform);
    CU_add_test(s, "round numbers and the scale bar", test_nice_numbers_and_scalebar);
    CU_add_test(s, "simplification to the pixel", test_simplification_keeps_shape_in_few_points);
    CU_add_test(s, "points, classes, legend, labels", test_points_classes_and_legend);
    CU_add_test(s, "style classes", test_style_classes);
    CU_add_test(s, "QML", test_qml);
    CU_add_test(s, "text escaping", test_text_escaping);
    return 0;
}
