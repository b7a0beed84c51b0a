#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""bench_peer_nx.py PLAN.gpkg [--residents-csv FILE]: life circle coverage computed independently with NetworkX.

The peer of `plancheck coverage` in scripts/bench.sh. It reads the plan's streets, residents, facilities,
structure and subdistricts with GDAL (Arrow batches, no per-feature Python for the streets), and follows
the semantics plancheck documents (src/lib/pc_graph.h), written again from them:
  - walkable streets: every highway class but the profile's excluded ones (motorway, motorway_link, trunk,
    trunk_link, construction, proposed); each line is cut at every vertex into straight segments, and
    segments meet where they share a coordinate exactly (interior vertices then are nodes of degree two,
    which changes no distance). plancheck also snaps line ends within 1 m and joins dangling ends to a
    segment within 1 m: this peer does not, and refuses a network where that would matter (it checks that
    no two distinct nodes lie within the tolerance and no dead end lies within it of another segment);
  - a resident (a polygon's point on surface) or facility attaches to the nearest point of the nearest
    segment within max_access_m (300 m); ties go to the lower segment number;
  - every segment that has attached points is split there (a point in the graph), and each facility
    hangs on its point by an edge as long as its access leg; a resident's distance is its point's
    distance plus its own access leg;
  - per category, one multi-source Dijkstra (networkx.multi_source_dijkstra_path_length) from all
    facilities of the category with the category's distance as the cutoff;
  - covered at a level: within reach of every category of the level; unreachable: no street within
    300 m; cut off: on a street component without any attached facility.
Prints JSON on stdout: rows (Total, unit:NAME, sub:NAME) with pop, pop per category and level, counts
of unreachable and cut-off residents; phases (seconds); with --residents-csv, each resident's distances.
"""

import argparse
import json
import math
import sys
import time

import networkx as nx
import numpy as np
from osgeo import ogr
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely import vectorized, wkb

ogr.UseExceptions()

EXCLUDED = {b'motorway', b'motorway_link', b'trunk', b'trunk_link', b'construction', b'proposed'}
MAX_ACCESS_M = 300.0
SNAP_M = 1.0
# The default profile (GB 50180-2018): code, level (minutes), walking distance (m).
CATEGORIES = [
    ('middle_school', 15, 1000), ('health_center', 15, 1000), ('culture_center', 15, 1000),
    ('sports_large', 15, 1000), ('elderly_care', 15, 1000), ('community_service', 15, 1000),
    ('mall', 15, 1000), ('primary_school', 10, 500), ('market', 10, 500), ('sports_mid', 10, 500),
    ('kindergarten', 5, 300), ('clinic', 5, 300), ('elderly_daycare', 5, 300), ('fitness', 5, 300),
    ('convenience', 5, 300),
]
LEVELS = [15, 10, 5]

phases = {}
_t = [time.time()]


def phase(name):
    now = time.time()
    phases[name] = round(phases.get(name, 0) + now - _t[0], 3)
    _t[0] = now


def parse_lines(wkbs):
    """Interleaved xy arrays of the segments of a batch of line WKBs: (ax, ay, bx, by, feature index)."""
    lens = np.fromiter((len(b) for b in wkbs), dtype=np.int64, count=len(wkbs))
    simple = lens == 41  # a 2D two-point LineString, little-endian
    out = []
    if simple.any():
        buf = np.frombuffer(b''.join(wkbs[simple]), dtype=np.uint8).reshape(-1, 41)
        head = buf[:, :9].copy()
        ok = (head[:, 0] == 1) & (head[:, 1:5].copy().view('<u4')[:, 0] == 2)
        if not ok.all():
            simple[np.nonzero(simple)[0][~ok]] = False
            buf = buf[ok]
        xy = buf[:, 9:41].copy().view('<f8')
        out.append((xy, np.nonzero(simple)[0]))
    rest = np.nonzero(~simple)[0]
    segs, idx = [], []
    for i in rest:
        g = wkb.loads(bytes(wkbs[i]))
        parts = getattr(g, 'geoms', [g])
        for p in parts:
            c = np.asarray(p.coords)[:, :2]
            if len(c) < 2:
                continue
            s = np.hstack([c[:-1], c[1:]])
            segs.append(s)
            idx.extend([i] * len(s))
    if segs:
        out.append((np.vstack(segs), np.array(idx, dtype=np.int64)))
    return out


def read_streets(ds):
    layer = ds.GetLayerByName('streets')
    has_hw = layer.GetLayerDefn().GetFieldIndex('highway') >= 0
    segs, fids = [], []
    for batch in layer.GetArrowStreamAsNumPy(options=['USE_MASKED_ARRAYS=NO', 'INCLUDE_FID=YES']):
        geomcol = [k for k in batch if k not in ('fid', 'highway', 'OGC_FID')]
        wkbs = batch[geomcol[-1]]
        keep = np.ones(len(wkbs), dtype=bool)
        if has_hw:
            hw = batch['highway']
            keep = ~np.isin(hw, list(EXCLUDED))
        fid = batch['fid']
        sel = np.nonzero(keep)[0]
        for xy, idx in parse_lines(wkbs[sel]):
            segs.append(xy)
            fids.append(fid[sel][idx])
    if not segs:
        return np.zeros((0, 4)), np.zeros(0, dtype=np.int64)
    xy = np.vstack(segs)
    fid = np.concatenate(fids)
    # plancheck builds in the layer's order (by feature id); segments of a line stay in line order.
    order = np.argsort(fid, kind='stable')
    xy, fid = xy[order], fid[order]
    # Repeated vertices make zero-length segments: drop them (plancheck drops repeated vertices).
    nz = (xy[:, 0] != xy[:, 2]) | (xy[:, 1] != xy[:, 3])
    return xy[nz], fid[nz]


def read_points(ds, name, fields):
    """Representative points (GEOS point on surface for polygons, as plancheck) and field values."""
    layer = ds.GetLayerByName(name)
    n = layer.GetFeatureCount()
    x, y = np.empty(n), np.empty(n)
    vals = {f: [] for f in fields}
    i = 0
    for f in layer:
        g = f.GetGeometryRef()
        if g.GetGeometryType() in (ogr.wkbPoint, ogr.wkbPoint25D):
            x[i], y[i] = g.GetX(), g.GetY()
        else:
            p = g.PointOnSurface()
            x[i], y[i] = p.GetX(), p.GetY()
        for k in fields:
            vals[k].append(f.GetField(k))
        i += 1
    return x[:i], y[:i], vals


def read_units(ds, name):
    layer = ds.GetLayerByName(name)
    if layer is None:
        return []
    return [(f.GetField('name'), wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))) for f in layer]


def locate(units, x, y):
    """Index of the first unit a point intersects (lowest index wins, as plancheck), -1 when none."""
    out = np.full(len(x), -1, dtype=np.int64)
    for k in range(len(units) - 1, -1, -1):
        g = units[k][1]
        inside = vectorized.contains(g, x, y) | vectorized.touches(g, x, y)
        out[inside] = k
    return out


def seg_dist2(px, py, s):
    """Squared distance from points to segments and the parameter of the nearest point (plancheck's formula)."""
    ax, ay, bx, by = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid='ignore', divide='ignore'):
        t = np.where(len2 > 0, ((px - ax) * dx + (py - ay) * dy) / len2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy, t


def attach(segs, tree, half_max, px, py, max_m, exclude=None):
    """Nearest segment within max_m of each point (lowest index on ties): seg (-1: none), t, distance."""
    n = len(px)
    best_seg = np.full(n, -1, dtype=np.int64)
    best_d2 = np.full(n, np.inf)
    best_t = np.zeros(n)
    todo = np.arange(n)
    k = 16
    nseg = len(segs)
    while len(todo) and nseg:
        kk = min(k, nseg)
        dmid, cand = tree.query(np.column_stack([px[todo], py[todo]]), k=kk)
        if kk == 1:
            dmid, cand = dmid[:, None], cand[:, None]
        d2, t = seg_dist2(px[todo, None], py[todo, None], segs[cand])
        if exclude is not None:
            d2 = np.where(cand == exclude[todo, None], np.inf, d2)
        dmin = d2.min(axis=1)
        # The lowest segment number among the exact minima.
        masked = np.where(d2 == dmin[:, None], cand, np.iinfo(np.int64).max)
        j = masked.argmin(axis=1)
        rows = np.arange(len(todo))
        best_seg[todo] = np.where(np.isfinite(dmin), cand[rows, j], -1)
        best_d2[todo] = dmin
        best_t[todo] = t[rows, j]
        # Sure when no unseen segment can be nearer (or as near: ties need every candidate at that distance).
        reach = dmid[:, -1] - half_max
        sure = (kk == nseg) | (np.sqrt(dmin) < reach) | (reach > max_m)
        todo = todo[~sure]
        k *= 4
    limit = max_m * max_m * (1 + 1e-12) + 1e-18
    far = ~(best_d2 <= limit)
    best_seg[far] = -1
    return best_seg, best_t, np.sqrt(best_d2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('plan')
    ap.add_argument('--residents-csv', help='write fid and distance per category of every resident here')
    args = ap.parse_args()

    ds = ogr.Open(args.plan)
    segs, seg_fid = read_streets(ds)
    rx, ry, rv = read_points(ds, 'residents', ['pop'])
    fx, fy, fv = read_points(ds, 'facilities', ['category'])
    units = read_units(ds, 'structure')
    subs = read_units(ds, 'subdistricts')
    res_fid = np.array([f.GetFID() for f in ds.GetLayerByName('residents')], dtype=np.int64)
    pop = np.array([v or 0 for v in rv['pop']], dtype=np.float64)
    phase('read')

    # ---- nodes: exact coordinates shared by segment ends
    ends = np.vstack([segs[:, 0:2], segs[:, 2:4]])
    coords, inverse = np.unique(ends, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n_nodes = len(coords)
    m = len(segs)
    u, v = inverse[:m], inverse[m:]
    seg_len = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    # plancheck snaps ends within 1 m: refuse networks where that would join anything.
    close = cKDTree(coords).query_pairs(SNAP_M, output_type='ndarray')
    if len(close):
        sys.exit('bench_peer_nx: %d pairs of street nodes lie within %g m of each other: plancheck would snap '
                 'them, this peer does not' % (len(close), SNAP_M))
    deg = np.bincount(np.concatenate([u, v]), minlength=n_nodes)
    mid = np.column_stack([(segs[:, 0] + segs[:, 2]) / 2, (segs[:, 1] + segs[:, 3]) / 2])
    tree = cKDTree(mid)
    half_max = float(seg_len.max() / 2) if m else 0.0
    dead = np.nonzero(deg == 1)[0]
    if len(dead) and m > 1:
        # A dead end within the tolerance of a segment it does not belong to would be joined by plancheck.
        own = np.full(n_nodes, -1, dtype=np.int64)
        own[u] = np.arange(m)
        own[v] = np.arange(m)
        s, _, d = attach(segs, tree, half_max, coords[dead, 0], coords[dead, 1], SNAP_M, exclude=own[dead])
        if (s >= 0).any():
            sys.exit('bench_peer_nx: %d dead ends lie within %g m of another street: plancheck would join them, '
                     'this peer does not' % (int((s >= 0).sum()), SNAP_M))
    phase('graph: nodes')

    # ---- attachment
    r_seg, r_t, r_acc = attach(segs, tree, half_max, rx, ry, MAX_ACCESS_M)
    f_seg, f_t, f_acc = attach(segs, tree, half_max, fx, fy, MAX_ACCESS_M)
    r_off = np.where(r_seg >= 0, r_t * seg_len[np.maximum(r_seg, 0)], 0.0)
    f_off = np.where(f_seg >= 0, f_t * seg_len[np.maximum(f_seg, 0)], 0.0)
    phase('attach')

    # ---- components (for "cut off") on the street graph
    comp_n, comp = connected_components(coo_matrix((np.ones(m), (u, v)), shape=(n_nodes, n_nodes)), directed=False)
    cat_index = {c[0]: k for k, c in enumerate(CATEGORIES)}
    f_cat = np.array([cat_index.get(c, -1) for c in fv['category']], dtype=np.int64)
    has_fac = np.zeros(comp_n, dtype=bool)
    fa = f_seg >= 0
    has_fac[comp[u[f_seg[fa]]]] = True

    # ---- the split graph: attachment points cut their segments
    n_res, n_fac = len(rx), len(fx)
    # Point nodes: residents n_nodes .., facilities' attachment points after them, facilities' own nodes last.
    r_node = n_nodes + np.arange(n_res)
    fa_node = n_nodes + n_res + np.arange(n_fac)
    f_node = n_nodes + n_res + n_fac + np.arange(n_fac)
    p_seg = np.concatenate([r_seg, f_seg])
    p_off = np.concatenate([r_off, f_off])
    p_node = np.concatenate([r_node, fa_node])
    on = p_seg >= 0
    p_seg, p_off, p_node = p_seg[on], p_off[on], p_node[on]
    order = np.lexsort((p_node, p_off, p_seg))
    p_seg, p_off, p_node = p_seg[order], p_off[order], p_node[order]
    split = np.zeros(m, dtype=bool)
    split[p_seg] = True
    G = nx.Graph()

    def add(a, b, w):
        if G.has_edge(a, b):
            if w < G[a][b]['weight']:
                G[a][b]['weight'] = w
        else:
            G.add_edge(a, b, weight=w)

    whole = np.nonzero(~split)[0]
    G.add_nodes_from(range(n_nodes))
    for a, b, w in zip(u[whole].tolist(), v[whole].tolist(), seg_len[whole].tolist()):
        add(a, b, w)
    # Chains along split segments: u - p1 - p2 ... - v.
    first = np.ones(len(p_seg), dtype=bool)
    first[1:] = p_seg[1:] != p_seg[:-1]
    last = np.ones(len(p_seg), dtype=bool)
    last[:-1] = p_seg[:-1] != p_seg[1:]
    prev_node = np.where(first, u[p_seg], np.roll(p_node, 1))
    prev_off = np.where(first, 0.0, np.roll(p_off, 1))
    for a, b, w in zip(prev_node.tolist(), p_node.tolist(), (p_off - prev_off).tolist()):
        add(a, b, w)
    for a, b, w in zip(p_node[last].tolist(), v[p_seg[last]].tolist(), (seg_len[p_seg[last]] - p_off[last]).tolist()):
        add(a, b, w)
    for a, b, w in zip(f_node[fa].tolist(), fa_node[fa].tolist(), f_acc[fa].tolist()):
        add(a, b, w)
    phase('graph: build')

    # ---- one multi-source Dijkstra per category
    n_cat = len(CATEGORIES)
    dist = np.full((n_res, n_cat), np.inf)
    r_on = r_seg >= 0
    for c, (code, level, cutoff) in enumerate(CATEGORIES):
        sources = f_node[fa & (f_cat == c)].tolist()
        if not sources:
            continue
        d = nx.multi_source_dijkstra_path_length(G, sources, cutoff=cutoff, weight='weight')
        got = np.array([d.get(nd, np.inf) for nd in r_node[r_on].tolist()])
        total = got + r_acc[r_on]
        dist[r_on, c] = np.where(total <= cutoff, total, np.inf)
    phase('search')

    # ---- sums
    unreachable = r_seg < 0
    cut_off = np.zeros(n_res, dtype=bool)
    cut_off[r_on] = ~has_fac[comp[u[r_seg[r_on]]]]
    covered_cat = np.isfinite(dist)
    covered_level = {}
    for lv in LEVELS:
        cols = [c for c, cat in enumerate(CATEGORIES) if cat[1] == lv]
        covered_level[lv] = covered_cat[:, cols].all(axis=1) if cols else np.zeros(n_res, dtype=bool)
    unit_of = locate(units, rx, ry)
    sub_of = locate(subs, rx, ry)

    def row(mask):
        p = pop[mask]
        out = {'residents': int(mask.sum()), 'pop': float(p.sum()),
               'residents_unreachable': int(unreachable[mask].sum()), 'residents_cut_off': int(cut_off[mask].sum())}
        for lv in LEVELS:
            out['pop_cov%d' % lv] = float(p[covered_level[lv][mask]].sum())
        for c, cat in enumerate(CATEGORIES):
            out['pop_' + cat[0]] = float(p[covered_cat[mask, c]].sum())
        return out

    rows = {'Total': row(np.ones(n_res, dtype=bool))}
    for k, (name, _) in enumerate(units):
        rows['unit:%s' % name] = row(unit_of == k)
    for k, (name, _) in enumerate(subs):
        rows['sub:%s' % name] = row(sub_of == k)
    # Residents whose distance lies within a micrometre of a cutoff: where rounding could tip a verdict.
    near = 0
    for c, cat in enumerate(CATEGORIES):
        d = dist[:, c]
        near += int((np.abs(d - cat[2]) < 1e-6).sum())
    phase('sums')
    if args.residents_csv:
        with open(args.residents_csv, 'w') as out:
            out.write('fid,' + ','.join('d_' + c[0] for c in CATEGORIES) + '\n')
            for i in range(n_res):
                out.write('%d,%s\n' % (res_fid[i], ','.join('%.4f' % x if math.isfinite(x) else '' for x in dist[i])))
    json.dump({'peer': 'networkx %s' % nx.__version__, 'rows': rows, 'phases': phases, 'near_cutoff': near,
               'graph': {'nodes': G.number_of_nodes(), 'edges': G.number_of_edges(), 'street_nodes': int(n_nodes),
                         'street_segments': int(m)}}, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
