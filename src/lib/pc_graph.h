/* pc_graph.h: the walking network: streets noded into a compact graph, point attachment, bounded multi-source Dijkstra. */
#ifndef PC_GRAPH_H
#define PC_GRAPH_H

#include "pc_plan.h"
#include "pc_profile.h"

#include <stdint.h>

/** "No node / no edge" in uint32 indices. */
#define PC_GRAPH_NONE UINT32_MAX

/** What the builder did, for the report. */
typedef struct pc_graph_stats {
    size_t n_lines;            /* street features offered */
    size_t n_lines_excluded;   /* dropped by their highway class (profile excluded_highways) */
    size_t n_lines_degenerate; /* dropped: fewer than two distinct vertices */
    size_t n_snapped;          /* line ends joined to a vertex within the snap tolerance (not identical) */
    size_t n_split;            /* line ends joined to the middle of another line's segment (that segment split) */
    double length_m;           /* total edge length */
} pc_graph_stats;

typedef struct pc_graph_index pc_graph_index;

/**
 * An undirected walking network in compact arrays. Nodes are street line ends and vertices shared
 * by two or more lines (or met twice by one line), after snapping; lines that cross without a
 * shared vertex are not joined (bridges and tunnels, as in OpenStreetMap). An edge is the piece of
 * a line between two consecutive nodes; its geometry runs from node edge_u to node edge_v.
 * Read-only for callers; owned by whoever built it (pc_graph_destroy).
 */
typedef struct pc_graph {
    uint32_t n_nodes;
    uint32_t n_edges;
    double *node_xy;        /* 2 * n_nodes: x, y in the analysis CRS (metres) */
    uint32_t *edge_u;       /* n_edges */
    uint32_t *edge_v;       /* n_edges */
    double *edge_len_m;     /* n_edges, > 0 */
    int64_t *edge_fid;      /* n_edges: feature id of the street line the edge comes from */
    uint32_t *edge_coord;   /* n_edges + 1: edge e's vertices are coord_xy[2*edge_coord[e]] .. [2*edge_coord[e+1]-1] */
    double *coord_xy;       /* interleaved x, y of every edge's vertices (first = node u, last = node v) */
    uint32_t *adj_start;    /* n_nodes + 1: CSR offsets into adj_edge */
    uint32_t *adj_edge;     /* 2 * n_edges: edges meeting each node (a loop is listed twice) */
    uint32_t *adj_node;     /* 2 * n_edges: the node at the other end of adj_edge[k] */
    double *adj_len_m;      /* 2 * n_edges: the length of adj_edge[k] (kept beside it for the searches) */
    uint32_t *node_component; /* n_nodes: connected component id, 0 .. n_components-1 */
    uint32_t n_components;
    pc_graph_stats stats;
    pc_graph_index *index;  /* private: grid over edge segments for attachment */
} pc_graph;

/**
 * Street lines as flat coordinate arrays, the builder's input (a lean loader can fill it without
 * GEOS). Line i has vertices xy[2*line_start[i]] .. xy[2*line_start[i+1]-1].
 */
typedef struct pc_graph_lines {
    size_t n_lines;
    const size_t *line_start; /* n_lines + 1 */
    const double *xy;         /* interleaved x, y in metres */
    const int64_t *fid;       /* n_lines feature ids, or NULL (then the line index) */
} pc_graph_lines;

/**
 * Build the walking network from a plan's streets layer: lines whose highway class the profile
 * excludes are dropped; line ends within profile->snap_tolerance_m of another line's vertex or
 * segment are joined to it. Caller owns *out (pc_graph_destroy). An empty network is not an error
 * (n_edges 0).
 */
pc_status pc_graph_build(pc_ctx *ctx, pc_graph **out, const pc_layer *streets, const pc_profile *profile);

/** Same from flat lines (borrowed; may be freed after the call); snap_tolerance_m >= 0. Caller owns *out. */
pc_status pc_graph_build_lines(pc_ctx *ctx, pc_graph **out, const pc_graph_lines *lines, double snap_tolerance_m);

/** Free a graph. Accepts NULL. */
void pc_graph_destroy(pc_graph *graph);

/** Where a point meets the network: the nearest point on the nearest edge. */
typedef struct pc_attachment {
    uint32_t edge;   /* PC_GRAPH_NONE: no street within the access limit */
    double offset_m; /* distance along the edge from edge_u to the nearest point */
    double access_m; /* straight access leg from the point to the nearest point (INFINITY when none) */
} pc_attachment;

/**
 * Attach a point to the nearest point of the nearest edge no farther than max_access_m.
 * Returns 1 and fills *out, or 0 with out->edge = PC_GRAPH_NONE and access_m = INFINITY.
 * Ties go to the lower edge id, so results do not depend on the index layout.
 */
int pc_graph_attach(const pc_graph *graph, double x, double y, double max_access_m, pc_attachment *out);

/** Attach n points (out has n entries, caller owned). Checks for cancellation. */
pc_status pc_graph_attach_points(pc_ctx *ctx, const pc_graph *graph, size_t n, const double *x, const double *y,
                                 double max_access_m, pc_attachment *out);

/** The point at offset_m along edge e (clamped to the edge). */
void pc_graph_edge_point(const pc_graph *graph, uint32_t edge, double offset_m, double *x, double *y);

/** The connected component of the edge an attachment lies on, or PC_GRAPH_NONE when not attached. */
uint32_t pc_graph_attachment_component(const pc_graph *graph, const pc_attachment *at);

/**
 * A reusable bounded multi-source shortest-path search over one graph (the graph is borrowed and
 * must outlive it). Caller owns *out (pc_graph_search_destroy).
 */
typedef struct pc_graph_search pc_graph_search;
pc_status pc_graph_search_create(pc_ctx *ctx, pc_graph_search **out, const pc_graph *graph);
/** Free a search. Accepts NULL. */
void pc_graph_search_destroy(pc_graph_search *search);

/**
 * Walking distances from the nearest of many attached sources at once (Dijkstra with a binary
 * heap), not farther than cutoff_m. A source's distance starts with its access leg. Sources with
 * edge PC_GRAPH_NONE are ignored. Replaces the previous run's results. sources are copied.
 */
pc_status pc_graph_search_run(pc_ctx *ctx, pc_graph_search *search, const pc_attachment *sources, size_t n_sources,
                              double cutoff_m);

/** Walking distance of node from the nearest source, INFINITY beyond the cutoff. */
double pc_graph_search_node_m(const pc_graph_search *search, uint32_t node);

/**
 * The nodes the last run reached (a distance within the cutoff), in no particular order; *n_out
 * gets their number. Borrowed: valid until the next run or pc_graph_search_destroy. With the
 * sources' own edges, their incident edges hold every point the run can reach.
 */
const uint32_t *pc_graph_search_reached(const pc_graph_search *search, size_t *n_out);

/**
 * Walking distance from the nearest source to an attached point: its access leg, then along its
 * edge to either end (or straight to a source on the same edge). INFINITY beyond the cutoff or
 * when the point is not attached.
 */
double pc_graph_search_distance_m(const pc_graph_search *search, const pc_attachment *at);

/**
 * The parts of edge e within the cutoff, as merged intervals [from_m[k], to_m[k]] of distance
 * along the edge. Returns their number (at most max_intervals; 0 when none is reachable).
 */
int pc_graph_search_edge_reach(const pc_graph_search *search, uint32_t edge, double *from_m, double *to_m,
                               int max_intervals);

/** Pieces of edges: intervals [from_m, to_m] of distance along edge, sorted by edge then from_m, not overlapping. */
typedef struct pc_graph_pieces {
    size_t n, cap;
    uint32_t *edge;
    double *from_m, *to_m;
} pc_graph_pieces;
#define PC_GRAPH_PIECES_INIT {0, 0, NULL, NULL, NULL}

/** Free the arrays of a piece set (the struct itself is the caller's) and empty it. */
void pc_graph_pieces_free(pc_graph_pieces *pieces);
/** Total length of the pieces in metres. */
double pc_graph_pieces_length_m(const pc_graph_pieces *pieces);

/**
 * Replace *out with every street piece within the last run's cutoff: each edge cut at the exact
 * remaining distance. out must be initialised (PC_GRAPH_PIECES_INIT) and is reused.
 */
pc_status pc_graph_search_pieces(pc_ctx *ctx, const pc_graph_search *search, pc_graph_pieces *out);

/** Keep in *acc only what also lies in *other (both sorted as above): where both are reachable. */
pc_status pc_graph_pieces_intersect(pc_ctx *ctx, pc_graph_pieces *acc, const pc_graph_pieces *other);

/**
 * The pieces as a MultiLineString (caller owns; GEOSGeom_destroy_r). Pieces that meet at a node and
 * continue almost straight (within 30 degrees) are chained into one line ("strokes"), so a street
 * crossing many junctions is one line. NULL on error (ctx set).
 */
GEOSGeometry *pc_graph_pieces_lines(pc_ctx *ctx, const pc_graph *graph, const pc_graph_pieces *pieces);

/**
 * The pieces buffered by buffer_m (> 0) as one polygonal geometry: the strokes of
 * pc_graph_pieces_lines, each buffered on its own (round caps and joins, 4 segments per quarter
 * circle), then unioned (cascaded), many times faster than buffering the whole MultiLineString at
 * once. No pieces give an empty polygon. Caller owns (GEOSGeom_destroy_r); NULL on error (ctx set).
 */
GEOSGeometry *pc_graph_pieces_buffer(pc_ctx *ctx, const pc_graph *graph, const pc_graph_pieces *pieces,
                                     double buffer_m);

#endif
