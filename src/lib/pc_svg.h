/* pc_svg.h: maps drawn as inline SVG: world-to-pixel view, styled layers, legend, scale bar, north arrow, CRS. */
#ifndef PC_SVG_H
#define PC_SVG_H

#include "pc_ctx.h"
#include "pc_style.h"

/** Where the world lies on the page: an extent fitted, aspect kept, into a frame of pixels. */
typedef struct pc_svg_view {
    double env[4];       /* world extent shown (minx, miny, maxx, maxy; grown to the frame's aspect) */
    double frame[4];     /* the frame in pixels: x, y (top left), width, height */
    double px_per_m;     /* pixels per world unit (metres in a projected CRS) */
} pc_svg_view;

/**
 * Fit env (world units, y up) into the frame at (x, y) of w x h pixels (y down), centred, one scale
 * for both axes. An empty or degenerate env is widened to 1 unit.
 */
void pc_svg_view_fit(pc_svg_view *view, const double env[4], double x, double y, double w, double h);
/** World point to pixel. */
void pc_svg_view_to_px(const pc_svg_view *view, double wx, double wy, double *px, double *py);
/** Length in world units of a scale bar at most max_px long: 1, 2 or 5 times a power of ten. 0 if none fits. */
double pc_svg_scalebar_m(const pc_svg_view *view, double max_px);
/** "500 m", "2 km", "1.5 km" into buf. Returns buf. */
const char *pc_svg_length_label(char *buf, size_t cap, double metres);

/** Options of one map. */
typedef struct pc_svg_map_options {
    const char *id;          /* unique in the page (clip paths); letters, digits and '-' */
    const char *title;       /* drawn above the map; NULL for none */
    double width_px;         /* map frame (default 640 x 640) */
    double height_px;
    double legend_px;        /* legend panel on the right (default 280) */
    const char *crs_label;   /* e.g. "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E" */
    double north_deg;        /* direction of true north, degrees clockwise from the top of the map */
    const char *attribution; /* e.g. "(c) OpenStreetMap contributors"; NULL for none */
    double simplify_px;      /* simplification tolerance in pixels (default 0.5) */
} pc_svg_map_options;
#define PC_SVG_MAP_OPTIONS_INIT {"map", NULL, 640, 640, 280, NULL, 0, NULL, 0.5}

typedef struct pc_svg_map pc_svg_map;

/** Start a map of the world extent env. Caller owns *out (pc_svg_map_destroy). Strings are copied. */
pc_status pc_svg_map_create(pc_ctx *ctx, pc_svg_map **out, const double env[4], const pc_svg_map_options *opts);
/** The map's view (borrowed), e.g. for tests. */
const pc_svg_view *pc_svg_map_view(const pc_svg_map *map);

/**
 * Draw n geometries (borrowed) with a style: a categorised style picks each feature's class from
 * values[i], a graduated one from numbers[i] (either array may be NULL when the style does not need
 * it). Geometries are simplified to the map's pixel tolerance (GEOSTopologyPreserveSimplify) and
 * those outside the view are skipped. legend: add the style's classes to the legend (those drawn,
 * or all for graduated styles).
 */
pc_status pc_svg_map_layer(pc_svg_map *map, const pc_style *style, const GEOSGeometry *const *geoms, size_t n,
                           const char *const *values, const double *numbers, int legend);
/** Draw n points (x[i], y[i]) as markers with a style, as pc_svg_map_layer does. */
pc_status pc_svg_map_points(pc_svg_map *map, const pc_style *style, const double *x, const double *y, size_t n,
                            const char *const *values, const double *numbers, int legend);
/** Write n text labels centred on world points (NULL labels are skipped). */
pc_status pc_svg_map_labels(pc_svg_map *map, const double *x, const double *y, const char *const *labels, size_t n);
/** Add a legend line without drawing anything (e.g. a note). */
pc_status pc_svg_map_legend_note(pc_svg_map *map, const char *text);

/**
 * Finish the map: frame, legend, scale bar, north arrow, CRS label and attribution. *out is the
 * <svg> element (caller owns, free()). The map must still be destroyed.
 */
pc_status pc_svg_map_finish(pc_svg_map *map, char **out);
/** Destroy a map. Accepts NULL. */
void pc_svg_map_destroy(pc_svg_map *map);

#endif
