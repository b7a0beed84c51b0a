/* test_graph.c: the walking network: noding, snapping, excluded classes, attachment, bounded multi-source search. */
#include "tu.h"
#include "pc_graph.h"
#include "pc_plan.h"

#include <stdlib.h>

/* Lines from a flat list: n_lines, then per line its number of points and the coordinates. */
static pc_graph *build(pc_ctx *ctx, double tol, const double *spec)
{
    size_t n_lines = (size_t)spec[0];
    size_t *start = calloc(n_lines + 1, sizeof *start);
    double *xy = calloc(256, sizeof *xy);
    const double *p = spec + 1;
    size_t n_points = 0;
    for (size_t l = 0; l < n_lines; l++) {
        size_t np = (size_t)*p++;
        start[l] = n_points;
        for (size_t k = 0; k < np; k++) {
            xy[2 * n_points] = *p++;
            xy[2 * n_points + 1] = *p++;
            n_points++;
        }
    }
    start[n_lines] = n_points;
    pc_graph_lines lines = {n_lines, start, xy, NULL};
    pc_graph *g = NULL;
    pc_status s = pc_graph_build_lines(ctx, &g, &lines, tol);
    TU_ASSERT_INT(s, PC_OK);
    free(start);
    free(xy);
    return g;
}

/* A 3 x 3 grid of nodes 100 m apart, one two-point line per block side (12 lines, 1200 m). */
static const double grid3[] = {
    12,
    2, 0, 0, 100, 0,     2, 100, 0, 200, 0,     2, 0, 100, 100, 100,   2, 100, 100, 200, 100,
    2, 0, 200, 100, 200, 2, 100, 200, 200, 200, 2, 0, 0, 0, 100,       2, 0, 100, 0, 200,
    2, 100, 0, 100, 100, 2, 100, 100, 100, 200, 2, 200, 0, 200, 100,   2, 200, 100, 200, 200};

static uint32_t node_at(const pc_graph *g, double x, double y)
{
    for (uint32_t n = 0; n < g->n_nodes; n++)
        if (g->node_xy[2 * n] == x && g->node_xy[2 * n + 1] == y)
            return n;
    return PC_GRAPH_NONE;
}

static void test_grid_from_shared_endpoints(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_graph *g = build(ctx, 1.0, grid3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->n_nodes, 9);
    TU_ASSERT_INT(g->n_edges, 12);
    TU_ASSERT_INT(g->n_components, 1);
    TU_ASSERT_NEAR(g->stats.length_m, 1200, 1e-9);
    TU_ASSERT_INT(g->stats.n_snapped, 0);
    /* The centre node meets four edges, a corner two. */
    uint32_t centre = node_at(g, 100, 100), corner = node_at(g, 0, 0);
    CU_ASSERT_FATAL(centre != PC_GRAPH_NONE && corner != PC_GRAPH_NONE);
    TU_ASSERT_INT(g->adj_start[centre + 1] - g->adj_start[centre], 4);
    TU_ASSERT_INT(g->adj_start[corner + 1] - g->adj_start[corner], 2);
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

static void test_shared_vertices_and_bridges(void)
{
    pc_ctx *ctx = pc_ctx_create();
    /* Two OSM-style ways crossing at a shared interior vertex (50,0): 5 nodes, 4 edges.
     * A third way crosses the first between vertices (a bridge without a shared node): not joined. */
    const double spec[] = {3,
                           3, 0, 0, 50, 0, 100, 0,
                           3, 50, -50, 50, 0, 50, 50,
                           2, 80, -30, 80, 30};
    pc_graph *g = build(ctx, 1.0, spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->n_nodes, 7);
    TU_ASSERT_INT(g->n_edges, 5);
    TU_ASSERT_INT(g->n_components, 2);
    uint32_t shared = node_at(g, 50, 0);
    CU_ASSERT_FATAL(shared != PC_GRAPH_NONE);
    TU_ASSERT_INT(g->adj_start[shared + 1] - g->adj_start[shared], 4);
    TU_ASSERT_NEAR(g->stats.length_m, 100 + 100 + 60, 1e-9);
    pc_graph_destroy(g);

    /* A way passing through a vertex of another way's interior, and a way visiting its own vertex twice
     * (a loop): both make nodes. */
    const double loop[] = {1, 5, 0, 0, 100, 0, 100, 100, 0, 100, 100, 0};
    g = build(ctx, 0.0, loop);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    /* (100,0) is met twice: nodes (0,0), (100,0), (100,0)->...->(100,0) is a loop edge of 300 m. */
    TU_ASSERT_INT(g->n_nodes, 2);
    TU_ASSERT_INT(g->n_edges, 2);
    TU_ASSERT_NEAR(g->stats.length_m, 100 + 100 + 141.42135623730951 + 100, 1e-9);
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

static void test_snapping_near_misses(void)
{
    pc_ctx *ctx = pc_ctx_create();
    /* Line B ends 0.5 m from line A's end (snapped); line C stops 0.6 m short of the middle of A's
     * second line (split); line D ends 2 m away from anything (beyond the 1 m tolerance: not joined). */
    const double spec[] = {5,
                           2, 0, 0, 100, 0,          /* A1 */
                           2, 100.5, 0, 200, 0,      /* B: starts 0.5 m from A1's end */
                           2, 150, 0.6, 150, 100,    /* C: stops 0.6 m above B's middle */
                           2, 0, 2, 0, 100,          /* D: starts 2 m above A1's start */
                           2, 300, 0, 400, 0};       /* E: far away */
    pc_graph *g = build(ctx, 1.0, spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->stats.n_snapped, 1);
    TU_ASSERT_INT(g->stats.n_split, 1);
    /* Nodes: (0,0) (100,0)=(100.5,0) (200,0) (150,0.6) (150,100) (0,2) (0,100) (300,0) (400,0). */
    TU_ASSERT_INT(g->n_nodes, 9);
    /* Edges: A1, B split in two, C, D, E. */
    TU_ASSERT_INT(g->n_edges, 6);
    /* {A, B, C}, {D}, {E}. */
    TU_ASSERT_INT(g->n_components, 3);
    pc_graph_destroy(g);

    /* With no tolerance nothing is snapped: A, B, C, D, E are five components. */
    g = build(ctx, 0.0, spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->n_components, 5);
    TU_ASSERT_INT(g->stats.n_snapped + g->stats.n_split, 0);
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

static void test_attachment(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_graph *g = build(ctx, 1.0, grid3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    pc_attachment at;
    /* (130, 20): 20 m from the bottom edge (100,0)-(200,0), 30 m along it from (100,0). */
    CU_ASSERT(pc_graph_attach(g, 130, 20, 300, &at));
    CU_ASSERT_FATAL(at.edge != PC_GRAPH_NONE);
    CU_ASSERT_EQUAL(g->node_xy[2 * g->edge_u[at.edge]], 100);
    CU_ASSERT_EQUAL(g->node_xy[2 * g->edge_v[at.edge]], 200);
    CU_ASSERT_EQUAL(g->node_xy[2 * g->edge_u[at.edge] + 1], 0);
    TU_ASSERT_NEAR(at.offset_m, 30, 1e-9);
    TU_ASSERT_NEAR(at.access_m, 20, 1e-9);
    /* Outside the grid: (260, 150) is 60 m from the right edge x=200, within a 100 m limit, not a 50 m one. */
    CU_ASSERT(pc_graph_attach(g, 260, 150, 100, &at));
    TU_ASSERT_NEAR(at.access_m, 60, 1e-9);
    CU_ASSERT(!pc_graph_attach(g, 260, 150, 50, &at));
    CU_ASSERT_EQUAL(at.edge, PC_GRAPH_NONE);
    CU_ASSERT(isinf(at.access_m));
    /* Far away: nothing within 300 m. */
    CU_ASSERT(!pc_graph_attach(g, 5000, 5000, 300, &at));
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

static void test_bounded_multi_source_search(void)
{
    pc_ctx *ctx = pc_ctx_create();
    pc_graph *g = build(ctx, 1.0, grid3);
    pc_graph_search *s = NULL;
    TU_ASSERT_INT(pc_graph_search_create(ctx, &s, g), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    pc_attachment src[2], res;
    /* A source on the corner node (0,0), no access leg. */
    pc_graph_attach(g, 0, 0, 300, &src[0]);
    TU_ASSERT_NEAR(src[0].access_m, 0, 1e-12);
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, src, 1, 350), PC_OK);
    TU_ASSERT_NEAR(pc_graph_search_node_m(s, node_at(g, 100, 100)), 200, 1e-9);
    TU_ASSERT_NEAR(pc_graph_search_node_m(s, node_at(g, 200, 100)), 300, 1e-9);
    CU_ASSERT(isinf(pc_graph_search_node_m(s, node_at(g, 200, 200)))); /* 400 > 350 */
    /* A resident mid-edge at (200,150), 10 m off the street at (210,150): 300 + 50 + 10 = 360 > 350. */
    pc_graph_attach(g, 210, 150, 300, &res);
    CU_ASSERT(isinf(pc_graph_search_distance_m(s, &res)));
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, src, 1, 360), PC_OK);
    TU_ASSERT_NEAR(pc_graph_search_distance_m(s, &res), 360, 1e-9);

    /* Two sources at once: the second at (200,200) with a 5 m access leg, off the grid at (205,200)
     * nearest the end of both edges meeting there: the resident is 5 + 50 + 10 = 65 m away. */
    pc_graph_attach(g, 205, 200, 300, &src[1]);
    TU_ASSERT_NEAR(src[1].access_m, 5, 1e-9);
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, src, 2, 1000), PC_OK);
    TU_ASSERT_NEAR(pc_graph_search_distance_m(s, &res), 65, 1e-9);
    TU_ASSERT_NEAR(pc_graph_search_node_m(s, node_at(g, 100, 100)), 200, 1e-9);

    /* A source on the same edge as the resident: straight along it, not via a node.
     * Source at (130,-4) -> offset 30 on the bottom edge; resident at (170,6) -> offset 70. 4 + 40 + 6 = 50. */
    pc_attachment same[1], r2;
    pc_graph_attach(g, 130, -4, 300, &same[0]);
    pc_graph_attach(g, 170, 6, 300, &r2);
    CU_ASSERT_EQUAL(same[0].edge, r2.edge);
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, same, 1, 60), PC_OK);
    TU_ASSERT_NEAR(pc_graph_search_distance_m(s, &r2), 50, 1e-9);
    /* Nodes at the ends: (100,0) is 34 m, (200,0) is 74 m > 60: unreached. */
    TU_ASSERT_NEAR(pc_graph_search_node_m(s, node_at(g, 100, 0)), 34, 1e-9);
    CU_ASSERT(isinf(pc_graph_search_node_m(s, node_at(g, 200, 0))));
    double from[4], to[4];
    int n = pc_graph_search_edge_reach(s, same[0].edge, from, to, 4);
    TU_ASSERT_INT(n, 1);
    TU_ASSERT_NEAR(from[0], 0, 1e-9); /* 30 - 56 clipped */
    TU_ASSERT_NEAR(to[0], 86, 1e-9);  /* 30 + 56 */

    /* Reachable pieces: from the corner with 150 m, two full edges (200 m) and four 50 m pieces. */
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, src, 1, 150), PC_OK);
    pc_graph_pieces pieces = PC_GRAPH_PIECES_INIT;
    TU_ASSERT_INT(pc_graph_search_pieces(ctx, s, &pieces), PC_OK);
    TU_ASSERT_INT(pieces.n, 6);
    TU_ASSERT_NEAR(pc_graph_pieces_length_m(&pieces), 400, 1e-9);
    for (size_t k = 1; k < pieces.n; k++)
        CU_ASSERT(pieces.edge[k - 1] < pieces.edge[k]);
    GEOSGeometry *lines = pc_graph_pieces_lines(ctx, g, &pieces);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
    double geos_len = 0;
    GEOSLength_r(pc_ctx_geos(ctx), lines, &geos_len);
    TU_ASSERT_NEAR(geos_len, 400, 1e-9);
    /* Chained into strokes: the two full edges meet alone at (0,0) and are one line (the L); at (100,0)
     * the bottom edges continue straight on, and at (0,100) the left ones do, so the strokes are
     * (150,0)-(0,0)-(0,150), (100,0)-(100,50) and (0,100)-(50,100). */
    TU_ASSERT_INT(GEOSGetNumGeometries_r(pc_ctx_geos(ctx), lines), 3);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), lines);

    /* Intersection of the reach of two sources: corner (0,0) with 150 m and corner (200,0) with 150 m
     * share only the bottom middle edge between x=50 and x=150. */
    pc_graph_pieces other = PC_GRAPH_PIECES_INIT;
    pc_attachment right;
    pc_graph_attach(g, 200, 0, 300, &right);
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, &right, 1, 150), PC_OK);
    TU_ASSERT_INT(pc_graph_search_pieces(ctx, s, &other), PC_OK);
    TU_ASSERT_INT(pc_graph_pieces_intersect(ctx, &pieces, &other), PC_OK);
    /* Bottom edges: left [0,100] and [50,100] -> [50,100]; right [0,50] and [0,100] -> [0,50]. Middle
     * vertical x=100: [0,50] from both. Total 50 + 50 + 50. */
    TU_ASSERT_NEAR(pc_graph_pieces_length_m(&pieces), 150, 1e-9);
    TU_ASSERT_INT(pieces.n, 3);
    pc_graph_pieces_free(&other);
    pc_graph_pieces_free(&pieces);
    pc_graph_search_destroy(s);
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

static void test_excluded_motorway_from_plan(void)
{
    const char *dir = tu_tmpdir("graph_motorway");
    const char *path = tu_path(dir, "plan.gpkg");
    /* Two residential streets on either side of x=500, joined only by a motorway: two components. */
    tu_row streets[] = {{"LINESTRING(500000 4318000,500400 4318000)", {"residential"}},
                        {"LINESTRING(500600 4318000,501000 4318000)", {"residential"}},
                        {"LINESTRING(500400 4318000,500600 4318000)", {"motorway"}},
                        {"MULTILINESTRING((501000 4318000,501000 4318100),(501000 4318100,501100 4318100))", {NULL}}};
    CU_ASSERT_EQUAL_FATAL(tu_write_layer(path, "streets", 4548, "unknown", "highway", streets, 4), 0);
    pc_ctx *ctx = pc_ctx_create();
    pc_plan *plan = NULL;
    TU_ASSERT_INT(pc_plan_open(ctx, &plan, path, NULL), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    TU_ASSERT_INT(pc_plan_load(ctx, plan, PC_ROLE_STREETS, 0), PC_OK);
    pc_profile profile;
    pc_profile_default(&profile);
    pc_graph *g = NULL;
    TU_ASSERT_INT(pc_graph_build(ctx, &g, pc_plan_layer(plan, PC_ROLE_STREETS), &profile), PC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->stats.n_lines, 4);
    TU_ASSERT_INT(g->stats.n_lines_excluded, 1);
    TU_ASSERT_INT(g->n_components, 2);
    TU_ASSERT_NEAR(g->stats.length_m, 400 + 400 + 100 + 100, 1e-6);
    /* The multilinestring's parts share (501000 4318100): joined to the east street. */
    pc_attachment a, b;
    pc_graph_attach(g, 500100, 4318000, 10, &a);
    pc_graph_attach(g, 501050, 4318100, 10, &b);
    CU_ASSERT(pc_graph_attachment_component(g, &a) != pc_graph_attachment_component(g, &b));
    pc_graph_attach(g, 500700, 4318000, 10, &a);
    CU_ASSERT_EQUAL(pc_graph_attachment_component(g, &a), pc_graph_attachment_component(g, &b));
    /* The edge remembers its source feature. */
    CU_ASSERT_EQUAL(g->edge_fid[b.edge], 4);
    pc_graph_destroy(g);

    /* Allowing motorways joins the two. */
    profile.n_excluded_highways = 0;
    TU_ASSERT_INT(pc_graph_build(ctx, &g, pc_plan_layer(plan, PC_ROLE_STREETS), &profile), PC_OK);
    TU_ASSERT_INT(g->n_components, 1);
    pc_graph_destroy(g);
    pc_plan_destroy(plan);
    pc_ctx_destroy(ctx);
}

static void test_empty_network(void)
{
    pc_ctx *ctx = pc_ctx_create();
    const double none[] = {1, 2, 5, 5, 5, 5}; /* one degenerate line */
    pc_graph *g = build(ctx, 1.0, none);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    TU_ASSERT_INT(g->n_edges, 0);
    TU_ASSERT_INT(g->stats.n_lines_degenerate, 1);
    pc_attachment at;
    CU_ASSERT(!pc_graph_attach(g, 5, 5, 300, &at));
    pc_graph_search *s = NULL;
    TU_ASSERT_INT(pc_graph_search_create(ctx, &s, g), PC_OK);
    TU_ASSERT_INT(pc_graph_search_run(ctx, s, &at, 1, 100), PC_OK);
    CU_ASSERT(isinf(pc_graph_search_distance_m(s, &at)));
    pc_graph_search_destroy(s);
    pc_graph_destroy(g);
    pc_ctx_destroy(ctx);
}

int pc_test_register_graph(void)
{
    CU_pSuite suite = CU_add_suite("graph", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "grid from shared endpoints", test_grid_from_shared_endpoints);
    CU_add_test(suite, "shared vertices join, bridges do not", test_shared_vertices_and_bridges);
    CU_add_test(suite, "near-miss ends are snapped", test_snapping_near_misses);
    CU_add_test(suite, "attachment to the nearest edge", test_attachment);
    CU_add_test(suite, "bounded multi-source search", test_bounded_multi_source_search);
    CU_add_test(suite, "excluded motorway (plan layer)", test_excluded_motorway_from_plan);
    CU_add_test(suite, "empty network", test_empty_network);
    return 0;
}
