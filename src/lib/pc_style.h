/* pc_style.h: map styles shared by the QGIS styles (QML) and plancheck's own SVG maps. */
#ifndef PC_STYLE_H
#define PC_STYLE_H

#include "pc_profile.h"
#include "pc_text.h"

/** An sRGB colour with alpha (0 transparent .. 255 opaque). */
typedef struct pc_rgba {
    unsigned char r, g, b, a;
} pc_rgba;

/** What a symbol draws: polygons, lines or point markers. */
typedef enum pc_symbol_type { PC_SYMBOL_FILL = 0, PC_SYMBOL_LINE, PC_SYMBOL_MARKER } pc_symbol_type;

/** One symbol. Sizes in millimetres on paper (QGIS); SVG maps draw 1 mm as PC_STYLE_PX_PER_MM pixels. */
typedef struct pc_symbol {
    pc_symbol_type type;
    pc_rgba fill;     /* polygons and markers; alpha 0: no fill */
    pc_rgba stroke;   /* outline, or the line itself; alpha 0: none */
    double stroke_mm; /* outline or line width */
    double size_mm;   /* marker diameter */
    int dashed;       /* dashed outline or line */
} pc_symbol;

#define PC_STYLE_PX_PER_MM 2.5
#define PC_STYLE_MAX_CLASSES 24
#define PC_STYLE_TEXT_MAX 128

/** A class of a categorised or graduated style. */
typedef struct pc_style_class {
    char value[PC_CODE_MAX];       /* categorised: the field's value; "" matches every other value */
    double lower, upper;           /* graduated: lower < v <= upper (the first class also takes v == lower) */
    char label[PC_STYLE_TEXT_MAX]; /* legend text */
    pc_symbol symbol;
} pc_style_class;

typedef enum pc_style_type { PC_STYLE_SINGLE = 0, PC_STYLE_CATEGORIZED, PC_STYLE_GRADUATED } pc_style_type;

/** A layer's style. Plain data: copy freely. */
typedef struct pc_style {
    pc_style_type type;
    char field[PC_CODE_MAX];        /* categorised and graduated: the attribute */
    int graduated_size;             /* graduated: the classes differ by marker size (QGIS GraduatedSize) */
    char title[PC_STYLE_TEXT_MAX];  /* layer title for legends ("Red lines 生态红线") */
    pc_symbol symbol;               /* single symbol; for the others, the symbol of features in no class */
    int n_classes;
    pc_style_class classes[PC_STYLE_MAX_CLASSES];
    char label_expression[PC_STYLE_TEXT_MAX]; /* QGIS label expression, "" for none */
    int visible;                    /* shown when the QGIS project opens */
} pc_style;

/** What the house styles need to know of the plan. */
typedef struct pc_style_context {
    const pc_profile *profile; /* red-line kinds and facility categories (borrowed; may be NULL) */
    double max_pop;            /* largest population of one resident feature (residents' size classes) */
    double target_coverage;    /* life circle target, fraction (1.0) */
    double gb_park_m2_per_person;     /* 8.0 */
    double target_park_m2_per_person; /* 13 */
} pc_style_context;

/**
 * The house style of a layer plancheck writes: the plan's role layers (boundary, structure, ...,
 * sea) and the result layers (coverage_units, site_checks, ...). geometry tells which symbol type
 * to use for layers that may hold points or polygons (sites). Unknown names get a plain grey style.
 * Returns 1 when the layer has a house style, 0 for the plain fallback.
 */
int pc_style_for_layer(pc_style *out, const char *layer_name, pc_symbol_type geometry, const pc_style_context *c);

/** Index of the class a categorised style gives value (NULL counts as ""), or -1. */
int pc_style_class_of_value(const pc_style *style, const char *value);
/** Index of the graduated class holding v, or -1 (also for NaN). */
int pc_style_class_of_number(const pc_style *style, double v);

/** Append the style's QGIS elements (renderer-v2, labeling, opacity ...) as found inside <maplayer> or <qgis>. */
void pc_style_qml_body(pc_text *out, const pc_style *style);
/** The style as a QGIS 3.22 QML document (caller owns, free()); NULL when out of memory. */
char *pc_style_qml(const pc_style *style);

/** "r,g,b,a" as QGIS writes colours, into buf. Returns buf. */
const char *pc_rgba_qgis(char buf[32], pc_rgba c);
/** "#rrggbb" into buf. Returns buf. */
const char *pc_rgba_hex(char buf[8], pc_rgba c);

/** A "nice" number near v (1, 2 or 5 times a power of ten), rounding down. 0 for v <= 0. */
double pc_style_nice_floor(double v);

#endif
