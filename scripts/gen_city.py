#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Generate a synthetic city plan of any size for benchmarks: gen_city.py --segments N -o CITY.gpkg

A square grid of streets (one two-point line per block side, OSM-like highway classes, nodes
jittered a little), cut by rivers that only bridges cross, with a few motorways laid over it
(excluded from walking, no shared nodes), some dropped blocks and cut-off islands. Residents sit in
the blocks (points, a few polygons), facilities of every category of the default profile are
scattered with a density that leaves realistic gaps. Structure: nine units (one main, two sub, six
clusters) on a 3 x 3 tiling; subdistricts on a 5 x 5 tiling; built-up patches; a boundary.
Green space and site checks get parks (some overlapping, classes G11..G14 or none), red lines of
several kinds (river corridors along the rivers, ecological red lines, wetlands, farmland, barrier
zones; some overlapping within a kind), a coastline running north near the east edge (the sea to its
east) and proposed sites (rectangles of 40-300 m with a use). These come from a second random
stream, so the streets, residents and facilities of a seed do not change with them.

All layers are in EPSG:4548 (CGCS2000 / 3-degree GK CM 117E), placed near Tianjin.
Deterministic for a given --seed. Needs only Debian's python3-gdal: run with /usr/bin/python3.

Examples:
  /usr/bin/python3 scripts/gen_city.py --segments 1000000 -o /tmp/city_1m.gpkg
  /usr/bin/python3 scripts/gen_city.py --segments 20000 -o /tmp/city_small.gpkg --seed 7
"""

import argparse
import math
import os
import random
import sys
import time

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

X0, Y0 = 480000.0, 4280000.0  # south-west corner, EPSG:4548 (south-west of Tianjin's Binhai)

# Category code, level (minutes), block pitch of the facility lattice (one site per PITCH x PITCH
# blocks, kept with probability KEEP): dense enough for partial, non-trivial coverage.
CATEGORIES = [
    ('middle_school', 15, 9, 0.90), ('health_center', 15, 9, 0.90), ('culture_center', 15, 9, 0.90),
    ('sports_large', 15, 9, 0.85), ('elderly_care', 15, 9, 0.90), ('community_service', 15, 9, 0.95),
    ('mall', 15, 9, 0.95),
    ('primary_school', 10, 5, 0.90), ('market', 10, 5, 0.90), ('sports_mid', 10, 5, 0.85),
    ('kindergarten', 5, 3, 0.85), ('clinic', 5, 3, 0.85), ('elderly_daycare', 5, 3, 0.80),
    ('fitness', 5, 3, 0.85), ('convenience', 5, 2, 0.90),
]


def grid_side(segments):
    """Nodes per side n of a square grid with 2 n (n - 1) >= segments lines."""
    n = int(math.ceil((1 + math.sqrt(1 + 2.0 * segments)) / 2))
    while 2 * n * (n - 1) < segments:
        n += 1
    return max(n, 3)


def make_srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4548)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def rect(x0, y0, x1, y1):
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)):
        ring.AddPoint_2D(x, y)
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(ring)
    return p


class Writer:
    """One GeoPackage layer written in a single transaction, reusing one feature object."""

    def __init__(self, ds, name, gtype, fields, srs):
        self.layer = ds.CreateLayer(name, srs, gtype, ['SPATIAL_INDEX=YES'])
        for fname, ftype in fields:
            self.layer.CreateField(ogr.FieldDefn(fname, ftype))
        self.defn = self.layer.GetLayerDefn()
        self.count = 0
        self.layer.StartTransaction()

    def add(self, geom, **values):
        f = ogr.Feature(self.defn)
        for k, v in values.items():
            if v is not None:
                f.SetField(k, v)
        f.SetGeometryDirectly(geom)
        self.layer.CreateFeature(f)
        self.count += 1
        if self.count % 200000 == 0:
            self.layer.CommitTransaction()
            self.layer.StartTransaction()

    def close(self):
        self.layer.CommitTransaction()


def blob(rng, cx, cy, r, k=None):
    """A star-shaped polygon of k vertices around (cx, cy), radius r (0.6 .. 1.0 r)."""
    k = k or rng.randint(7, 14)
    ring = ogr.Geometry(ogr.wkbLinearRing)
    pts = []
    for a in range(k):
        t = 2 * math.pi * (a + rng.uniform(-0.3, 0.3)) / k
        rr = r * rng.uniform(0.6, 1.0)
        pts.append((cx + rr * math.cos(t), cy + rr * math.sin(t)))
    for x, y in pts + pts[:1]:
        ring.AddPoint_2D(x, y)
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(ring)
    return p


def green_and_sites(ds, srs, args, n, sp, side, river_rows, river_cols, say):
    """Parks, red lines, the coastline and proposed sites (their own random stream)."""
    rng = random.Random(args.seed * 7919 + 17)
    S = ogr.OFTString
    blocks = (n - 1) * (n - 1)
    # ---- parks: about one per 16 blocks, denser to the east (so units differ), 1000 .. 80000 m2 (below,
    # between and above the tiers of the default profile: 2000 m2 -> 300 m, 5000 m2 -> 500 m); one in ten
    # gets an overlapping neighbour.
    w = Writer(ds, 'parks', ogr.wkbPolygon, [('name', S), ('class', S)], srs)
    classes = ['G11', 'G12', 'G13', 'G14', None, None]
    for k in range(max(4, blocks // 10)):
        cx, cy = X0 + rng.uniform(0, side), Y0 + rng.uniform(0, side)
        if rng.random() > 0.2 + 0.8 * (cx - X0) / side:
            continue
        area = math.exp(rng.uniform(math.log(1000), math.log(80000)))
        a = math.sqrt(area) * rng.uniform(0.7, 1.4)
        b = area / a
        cls = rng.choice(classes)
        w.add(rect(cx - a / 2, cy - b / 2, cx + a / 2, cy + b / 2), name='Park %d' % (k + 1), **{'class': cls})
        if rng.random() < 0.1:
            ox, oy = rng.uniform(-0.5, 0.5) * a, rng.uniform(-0.5, 0.5) * b
            w.add(blob(rng, cx + ox, cy + oy, 0.5 * math.sqrt(area)), name='Park %d annex' % (k + 1),
                  **{'class': rng.choice(classes)})
    w.close()
    say('parks: %d' % w.count)
    # ---- red lines
    w = Writer(ds, 'redlines', ogr.wkbPolygon, [('name', S), ('kind', S)], srs)
    for r in river_rows:  # a river between grid rows r and r+1 runs east-west
        y = Y0 + (r + 0.5) * sp
        w.add(rect(X0 - sp, y - 30, X0 + side + sp, y + 30), name='River corridor E-W %d' % r, kind='river_corridor')
    for c in river_cols:
        x = X0 + (c + 0.5) * sp
        w.add(rect(x - 30, Y0 - sp, x + 30, Y0 + side + sp), name='River corridor N-S %d' % c, kind='river_corridor')
    kinds = [('ecological_redline', 150, 700), ('wetland', 100, 400), ('basic_farmland', 200, 600),
             ('barrier_tier2', 300, 900), ('barrier_tier1', 200, 500)]
    area_km2 = (side / 1000.0) ** 2
    for k in range(max(5, int(area_km2 / 3))):
        kind, rmin, rmax = kinds[k % len(kinds)]
        cx, cy = X0 + rng.uniform(0, side), Y0 + rng.uniform(0, side)
        r = rng.uniform(rmin, rmax)
        w.add(blob(rng, cx, cy, r), name='%s %d' % (kind, k + 1), kind=kind)
        if rng.random() < 0.15:  # an overlapping feature of the same kind
            w.add(blob(rng, cx + rng.uniform(-r, r), cy + rng.uniform(-r, r), r * 0.7),
                  name='%s %d b' % (kind, k + 1), kind=kind)
    w.close()
    say('red lines: %d' % w.count)
    # ---- coastline: south to north (land on the left, west), 3 % of the width from the east edge, gently wavy
    w = Writer(ds, 'coastline', ogr.wkbLineString, [('name', S)], srs)
    g = ogr.Geometry(ogr.wkbLineString)
    xc = X0 + 0.97 * side
    steps = max(4, int((side + 4 * sp) / 1000))
    for s in range(steps + 1):
        y = Y0 - 2 * sp + (side + 4 * sp) * s / steps
        g.AddPoint_2D(xc + (0 if s in (0, steps) else rng.uniform(-60, 60)), y)
    w.add(g, name='Coastline')
    w.close()
    # ---- sites: rectangles of 40 .. 300 m with a use; a few near or across the coast
    n_sites = args.sites if args.sites >= 0 else max(50, int(2 * blocks / 20))
    uses = ['residential', 'industrial', 'school', 'commercial', 'port', 'road', 'park']
    w = Writer(ds, 'sites', ogr.wkbPolygon, [('name', S), ('use', S)], srs)
    for k in range(n_sites):
        if rng.random() < 0.05:
            cx = xc + rng.uniform(-400, 200)
        else:
            cx = X0 + rng.uniform(0, side)
        cy = Y0 + rng.uniform(0, side)
        a, b = rng.uniform(40, 300), rng.uniform(40, 300)
        w.add(rect(cx - a / 2, cy - b / 2, cx + a / 2, cy + b / 2), name='Site %d' % (k + 1), use=rng.choice(uses))
    w.close()
    say('sites: %d' % w.count)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--segments', type=int, default=1000000, help='street lines to make (at least; default 1e6)')
    ap.add_argument('--spacing', type=float, default=100.0, help='block size in metres (default 100)')
    ap.add_argument('--resident-share', type=float, default=0.5,
                    help='share of blocks with a resident point (default 0.5)')
    ap.add_argument('--seed', type=int, default=20240101)
    ap.add_argument('-o', '--output', required=True, help='GeoPackage to write (replaced)')
    ap.add_argument('--sites', type=int, default=-1,
                    help='proposed sites to make (default: one per 20 street segments, at least 50)')
    ap.add_argument('--no-green-sites', action='store_true',
                    help='only streets, residents, facilities and units (no parks, red lines, coastline, sites)')
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args()
    t0 = time.time()
    rng = random.Random(args.seed)
    # About 4 % of the grid's lines go (rivers, islands, random drops): ask the grid for a little more.
    n = grid_side(int(math.ceil(args.segments / 0.955)))
    sp = args.spacing
    side = (n - 1) * sp

    def say(msg):
        if not args.quiet:
            print('gen_city: %s (%.1f s)' % (msg, time.time() - t0), file=sys.stderr)

    # Node positions, jittered by up to 8 % of a block.
    jit = 0.08 * sp
    jx = [[rng.uniform(-jit, jit) for _ in range(n)] for _ in range(n)]
    jy = [[rng.uniform(-jit, jit) for _ in range(n)] for _ in range(n)]

    def node(i, j):
        return X0 + i * sp + jx[i][j], Y0 + j * sp + jy[i][j]

    # Rivers: a few grid rows/columns between which only bridges (every 12th block) cross.
    n_rivers = max(1, n // 150)
    river_rows = sorted(rng.sample(range(5, n - 6), min(n_rivers, max(1, n - 12))))
    river_cols = sorted(rng.sample(range(5, n - 6), min(n_rivers, max(1, n - 12))))
    rows_set, cols_set = set(river_rows), set(river_cols)

    # Islands: small square patches whose border streets are removed (cut-off components).
    islands = []
    for _ in range(max(1, n // 100)):
        ci, cj = rng.randrange(3, n - 6), rng.randrange(3, n - 6)
        islands.append((ci, cj, ci + 3, cj + 3))

    def on_island_border(i0, j0, i1, j1):
        for (a, b, c, d) in islands:
            inside0 = a < i0 < c and b < j0 < d
            inside1 = a < i1 < c and b < j1 < d
            if inside0 != inside1:
                return True
        return False

    if os.path.exists(args.output):
        os.remove(args.output)
    drv = ogr.GetDriverByName('GPKG')
    ds = drv.CreateDataSource(args.output)
    srs = make_srs()
    S, I, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal

    # ---- streets
    st = Writer(ds, 'streets', ogr.wkbLineString, [('highway', S)], srs)
    dropped = 0
    for i in range(n):
        for j in range(n):
            for di, dj in ((1, 0), (0, 1)):
                i1, j1 = i + di, j + dj
                if i1 >= n or j1 >= n:
                    continue
                # An east-west line from column i to i+1 crosses a river column between them.
                crosses = (di == 1 and i in cols_set) or (dj == 1 and j in rows_set)
                if crosses and ((j if di else i) % 12) != 6:
                    continue
                if on_island_border(i, j, i1, j1):
                    continue
                if rng.random() < 0.03:
                    dropped += 1
                    continue
                major = (j % 10 == 0) if di else (i % 10 == 0)
                cls = 'primary' if major else ('footway' if rng.random() < 0.05 else 'residential')
                g = ogr.Geometry(ogr.wkbLineString)
                x, y = node(i, j)
                g.AddPoint_2D(x, y)
                x, y = node(i1, j1)
                g.AddPoint_2D(x, y)
                st.add(g, highway=cls)
    # Motorways: long diagonal lines over the grid, vertices every ~500 m, sharing no node.
    for k in range(max(2, n // 200)):
        g = ogr.Geometry(ogr.wkbLineString)
        off = rng.uniform(0.1, 0.9) * side
        steps = max(2, int(side / 500))
        for s in range(steps + 1):
            t = s / float(steps)
            g.AddPoint_2D(X0 + t * side + 37.3, Y0 + 0.5 * off + t * side * 0.5 + 11.1)
        st.add(g, highway='motorway')
    st.close()
    n_streets = st.count
    say('streets: %d lines (%d x %d nodes, %d dropped at random)' % (n_streets, n, n, dropped))

    # ---- residents: block centres, some as small polygons
    rs = Writer(ds, 'residents', ogr.wkbUnknown, [('pop', I)], srs)
    for i in range(n - 1):
        for j in range(n - 1):
            if rng.random() >= args.resident_share:
                continue
            cx = X0 + (i + 0.5) * sp + rng.uniform(-0.2, 0.2) * sp
            cy = Y0 + (j + 0.5) * sp + rng.uniform(-0.2, 0.2) * sp
            pop = rng.randint(40, 600)
            if rng.random() < 0.05:
                g = rect(cx - 0.15 * sp, cy - 0.15 * sp, cx + 0.15 * sp, cy + 0.15 * sp)
            else:
                g = ogr.Geometry(ogr.wkbPoint)
                g.AddPoint_2D(cx, cy)
            rs.add(g, pop=pop)
    rs.close()
    say('residents: %d' % rs.count)

    # ---- facilities: a lattice per category, jittered into the blocks, some sites left out
    fc = Writer(ds, 'facilities', ogr.wkbPoint, [('category', S), ('name', S)], srs)
    for code, level, pitch, keep in CATEGORIES:
        k = 0
        off_i, off_j = rng.randrange(pitch), rng.randrange(pitch)
        for i in range(off_i, n - 1, pitch):
            for j in range(off_j, n - 1, pitch):
                if rng.random() >= keep:
                    continue
                g = ogr.Geometry(ogr.wkbPoint)
                g.AddPoint_2D(X0 + (i + rng.uniform(0.2, 0.8)) * sp, Y0 + (j + rng.uniform(0.2, 0.8)) * sp)
                k += 1
                fc.add(g, category=code, name='%s %d' % (code, k))
    fc.close()
    say('facilities: %d' % fc.count)

    # ---- boundary, structure (3 x 3), subdistricts (5 x 5), built-up patches
    w = Writer(ds, 'boundary', ogr.wkbPolygon, [('name', S)], srs)
    w.add(rect(X0 - sp, Y0 - sp, X0 + side + sp, Y0 + side + sp), name='Synthetic city')
    w.close()
    tiers = {(1, 1): ('main', 'Main city', '主城区'), (0, 1): ('sub', 'West sub-centre', '西副中心'),
             (2, 1): ('sub', 'East sub-centre', '东副中心')}
    w = Writer(ds, 'structure', ogr.wkbPolygon, [('name', S), ('name_zh', S), ('tier', S)], srs)
    c = 0
    for a in range(3):
        for b in range(3):
            tier, name, name_zh = tiers.get((a, b), ('cluster', None, None))
            if tier == 'cluster':
                c += 1
                name, name_zh = 'Cluster %d' % c, '组团%d' % c
            x0, y0 = X0 - sp + a * (side + 2 * sp) / 3, Y0 - sp + b * (side + 2 * sp) / 3
            w.add(rect(x0, y0, x0 + (side + 2 * sp) / 3, y0 + (side + 2 * sp) / 3), name=name, name_zh=name_zh,
                  tier=tier)
    w.close()
    w = Writer(ds, 'subdistricts', ogr.wkbPolygon, [('name', S), ('name_zh', S)], srs)
    for a in range(5):
        for b in range(5):
            x0, y0 = X0 - sp + a * (side + 2 * sp) / 5, Y0 - sp + b * (side + 2 * sp) / 5
            w.add(rect(x0, y0, x0 + (side + 2 * sp) / 5, y0 + (side + 2 * sp) / 5),
                  name='Street %d-%d' % (a + 1, b + 1), name_zh='街道%d-%d' % (a + 1, b + 1))
    w.close()
    w = Writer(ds, 'builtup', ogr.wkbPolygon, [('name', S)], srs)
    for a in range(3):
        for b in range(3):
            t = side / 3
            x0, y0 = X0 + a * t, Y0 + b * t
            w.add(rect(x0 + 0.05 * t, y0 + 0.05 * t, x0 + 0.95 * t, y0 + 0.95 * t), name='built-up %d' % (3 * a + b + 1))
    w.close()
    if not args.no_green_sites:
        green_and_sites(ds, srs, args, n, sp, side, river_rows, river_cols, say)
    ds = None
    say('wrote %s: %d street lines' % (args.output, n_streets))
    print(n_streets)


if __name__ == '__main__':
    main()
