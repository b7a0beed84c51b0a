#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Build the plancheck default plan layers/binhai/binhai.gpkg (Binhai New Area, Tianjin).

Partly synthetic: demo numbers are not official figures.

Real inputs (read from ../shared/data/binhai/ relative to the repo root, or --shared DIR):
  binhai_coast_water.gpkg
    coastline_osm, sea_osm   OpenStreetMap-derived (ODbL 1.0, (c) OpenStreetMap contributors)
    gshhg_rivers, gshhg_lakes  GSHHG 2.3.7, Wessel & Smith, LGPL-3.0-or-later
The district outline in binhai_boundaries.gpkg has no licence and is NOT read here: the
boundary below is a hand-written indicative polygon of this project.

Everything else (structure units, streets and towns, built-up patches, streets, residents,
facilities, parks, red lines, sites) is indicative or synthetic, drawn or generated here.

Run from the repo root:   /usr/bin/python3 scripts/build_binhai_plan.py
Deterministic: random.Random(20201101) (named sub-streams seeded from it), a fixed
OGR_CURRENT_DATE, and a temp file renamed at the end; running it twice gives a
byte-identical GeoPackage.
Needs only Debian's python3-gdal (osgeo.ogr/osr/gdal).
"""

import argparse
import heapq
import math
import os
import random
import sys

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 20201101
POP_TOTAL = 2067318            # 7th census, 2020-11-01
PARK_M2_PER_PERSON = 12.8      # 14th FYP outline, 2020 value
BARRIER_KM2 = {'barrier_tier1': 449.3, 'barrier_tier2': 148.7, 'barrier_tier3': 736.0 - 449.3 - 148.7}
BOUNDARY_NAME = 'Binhai New Area 滨海新区 (indicative)'

SUMMARY = []


def say(msg):
    SUMMARY.append(msg)
    print(msg)


# ---------------------------------------------------------------- CRS helpers

def make_srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


SRS_LL = make_srs(4326)
SRS_PRJ = make_srs(4548)   # CGCS2000 / 3-degree Gauss-Kruger CM 117E
TO_PRJ = osr.CoordinateTransformation(SRS_LL, SRS_PRJ)
TO_LL = osr.CoordinateTransformation(SRS_PRJ, SRS_LL)


def ll(lon, lat):
    x, y, _ = TO_PRJ.TransformPoint(lon, lat)
    return (x, y)


def to_ll(x, y):
    lon, lat, _ = TO_LL.TransformPoint(x, y)
    return (lon, lat)


# ---------------------------------------------------------------- geometry helpers

def ring_geom(coords):
    r = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in coords:
        r.AddPoint_2D(float(x), float(y))
    if tuple(coords[0]) != tuple(coords[-1]):
        r.AddPoint_2D(float(coords[0][0]), float(coords[0][1]))
    return r


def polygon(coords, holes=()):
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(ring_geom(coords))
    for h in holes:
        p.AddGeometry(ring_geom(h))
    return p


def ll_polygon(lonlat):
    return polygon([ll(lo, la) for lo, la in lonlat])


def rect(x0, y0, x1, y1):
    return polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def linestring(coords):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in coords:
        g.AddPoint_2D(float(x), float(y))
    return g


def ll_line(lonlat, step=None):
    pts = [ll(lo, la) for lo, la in lonlat]
    g = linestring(pts)
    if step:
        g.Segmentize(step)
    return g


def point(x, y):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(float(x), float(y))
    return g


def poly_parts(g, min_area=0.0):
    """Polygon parts of any geometry (drops lines/points and parts under min_area)."""
    out = []
    if g is None or g.IsEmpty():
        return out
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        if g.GetArea() > min_area:
            out.append(g.Clone())
    elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            out.extend(poly_parts(g.GetGeometryRef(i), min_area))
    return out


def multi(parts):
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in parts:
        m.AddGeometry(p)
    return m


def clean(g, min_area=1.0):
    """Valid MultiPolygon with parts above min_area (m2)."""
    if g is None:
        return multi([])
    if not g.IsValid():
        g = g.MakeValid()
    m = multi(poly_parts(g, min_area))
    if not m.IsValid():
        m = multi(poly_parts(m.MakeValid(), min_area))
    return m


def union_all(geoms):
    if not geoms:
        return multi([])
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in geoms:
        for p in poly_parts(g):
            m.AddGeometry(p)
    return m.UnionCascaded()


def area_km2(g):
    return g.GetArea() / 1e6


_BASE = random.Random(SEED).getrandbits(64)


def sub_rng(tag):
    """Independent deterministic stream per generator (unit, park class, ...), derived from
    random.Random(SEED): changing one generator does not shift the others."""
    return random.Random('%d:%s' % (_BASE, tag))


# ---------------------------------------------------------------- real inputs

def read_layer(path, name):
    ds = ogr.Open(path)
    if ds is None:
        sys.exit('cannot open %s' % path)
    lyr = ds.GetLayerByName(name)
    if lyr is None:
        sys.exit('no layer %s in %s' % (name, path))
    feats = []
    lyr.ResetReading()
    for f in lyr:
        d = {k: f.GetField(k) for k in f.keys()}
        g = f.GetGeometryRef().Clone()
        feats.append((d, g))
    return feats


def projected(g):
    g = g.Clone()
    g.AssignSpatialReference(SRS_LL)
    g.Transform(TO_PRJ)
    g.AssignSpatialReference(None)
    return g


# ================================================================ indicative drawing
# Everything in this section was written by hand for plancheck. Positions are rough
# (lon/lat, WGS84) and NOT official: they only make a plausible test city.

# District outline, clockwise from the north-west. Not traced from the unlicensed DataV
# outline. Seaward vertices lie in the sea on purpose: the land side is cut by the OSM sea
# polygon. The inland vertices are then pulled towards BOUNDARY_CENTRE by one factor,
# solved so that the land area is BOUNDARY_KM2 in EPSG:4548.
BOUNDARY_LL = [
    (117.715, 39.260), (117.740, 39.300), (117.780, 39.298), (117.800, 39.280),
    (117.815, 39.325), (117.880, 39.330), (117.960, 39.310), (118.015, 39.290),
    (118.050, 39.262), (118.066, 39.222), (118.080, 39.190), (117.960, 39.150),
    (117.880, 39.080), (117.875, 38.960), (117.840, 38.860), (117.760, 38.800),
    (117.770, 38.700), (117.720, 38.620), (117.660, 38.575), (117.560, 38.618),
    (117.470, 38.605), (117.370, 38.570), (117.270, 38.562), (117.240, 38.615),
    (117.168, 38.622), (117.145, 38.700), (117.155, 38.760), (117.215, 38.798),
    (117.260, 38.840), (117.330, 38.832), (117.400, 38.880), (117.440, 38.868),
    (117.500, 38.920), (117.530, 38.955), (117.540, 38.985), (117.530, 39.065),
    (117.505, 39.110), (117.525, 39.150), (117.560, 39.170), (117.640, 39.190),
    (117.705, 39.205),
]
BOUNDARY_CENTRE = (117.55, 38.95)
BOUNDARY_KM2 = 2270.0

# "One main, two sub, six clusters" (一主两副六组团). Each unit is clipped to the land and
# must not overlap another. angle/spacing: street lattice orientation (deg) and fine-grid
# spacing (m); pop: share of residents; res: share of built-up blocks that are residential;
# green: relative park provision; q: target share of residents served per life-circle level
# (15, 10, 5 minute) used when placing facilities; gaps: deliberate service gaps.
UNITS = [
    dict(key='main', short_zh='塘沽', short='Tanggu', name='Main city', name_zh='主城区', tier='main',
         ll=[(117.585, 38.950), (117.700, 38.945), (117.735, 38.975), (117.730, 39.040),
             (117.705, 39.090), (117.620, 39.092), (117.585, 39.060)],
         angle=8.0, spacing=170.0, pop=0.450, res=0.25, green=0.95,
         patches=(3, 3, 40, 160), q=(0.99, 0.97, 0.95), gaps={}, garden=True),
    dict(key='dagang', short_zh='大港', short='Dagang', name='Dagang', name_zh='大港', tier='sub',
         ll=[(117.395, 38.792), (117.520, 38.792), (117.525, 38.866), (117.440, 38.866),
             (117.395, 38.845)],
         angle=-3.0, spacing=190.0, pop=0.170, res=0.24, green=0.85,
         patches=(2, 2, 100, 350), q=(0.96, 0.90, 0.85),
         gaps={'elderly_daycare': 'south'}, garden=True),
    dict(key='hangu', short_zh='汉沽', short='Hangu', name='Hangu', name_zh='汉沽', tier='sub',
         ll=[(117.745, 39.205), (117.860, 39.205), (117.865, 39.285), (117.790, 39.290),
             (117.745, 39.262)],
         angle=15.0, spacing=190.0, pop=0.115, res=0.24, green=0.90,
         patches=(2, 2, 100, 350), q=(0.95, 0.88, 0.80), gaps={}, garden=True),
    dict(key='ecocity', short_zh='生态城', short='Eco-city', name='Sino-Singapore Tianjin Eco-city', name_zh='中新天津生态城',
         tier='cluster',
         ll=[(117.680, 39.135), (117.722, 39.135), (117.752, 39.165), (117.772, 39.196),
             (117.690, 39.198)],
         angle=-20.0, spacing=200.0, pop=0.060, res=0.25, green=2.00,
         patches=(2, 2, 80, 250), q=(0.98, 0.95, 0.92), gaps={}),
    dict(key='dongjiang', short_zh='东疆', short='Dongjiang', name='Dongjiang', name_zh='东疆', tier='cluster',
         ll=[(117.770, 38.985), (117.832, 38.985), (117.838, 39.075), (117.770, 39.075)],
         angle=-12.0, spacing=200.0, pop=0.030, res=0.08, green=0.90,
         patches=(1, 2, 100, 300), q=(0.50, 0.45, 0.40), gaps={}),
    dict(key='hitech', short_zh='高新区', short='Hi-tech', name='Binhai Hi-tech Zone', name_zh='滨海高新区', tier='cluster',
         ll=[(117.530, 39.030), (117.580, 39.030), (117.580, 39.092), (117.530, 39.092)],
         angle=0.0, spacing=200.0, pop=0.055, res=0.12, green=1.00,
         patches=(2, 2, 100, 300), q=(0.90, 0.80, 0.70), gaps={}),
    dict(key='airport', short_zh='空港', short='Airport', name='Airport / TEDA West', name_zh='空港·西区', tier='cluster',
         ll=[(117.515, 39.108), (117.600, 39.108), (117.600, 39.160), (117.540, 39.160)],
         angle=5.0, spacing=200.0, pop=0.045, res=0.10, green=0.80,
         patches=(2, 2, 100, 300), q=(0.85, 0.75, 0.60), gaps={}),
    dict(key='nangang', short_zh='南港', short='Nangang', name='Nangang', name_zh='南港', tier='cluster',
         ll=[(117.540, 38.690), (117.640, 38.690), (117.640, 38.765), (117.540, 38.765)],
         angle=0.0, spacing=200.0, pop=0.025, res=0.05, green=1.30,
         patches=(2, 2, 150, 400), q=(0.70, 0.60, 0.50), gaps={'middle_school': 'all'}),
    dict(key='beitang', short_zh='北塘', short='Beitang', name='Beitang', name_zh='北塘', tier='cluster',
         ll=[(117.630, 39.103), (117.712, 39.103), (117.722, 39.130), (117.630, 39.130)],
         angle=-5.0, spacing=190.0, pop=0.050, res=0.22, green=1.20,
         patches=(2, 1, 80, 250), q=(0.92, 0.85, 0.75), gaps={}),
]

# 21 streets and towns (街镇): approximate seats; cells are a Voronoi partition of the
# boundary (indicative; no licensed township polygons exist for the area).
SUBDISTRICTS = [
    ('Taida', '泰达街道', 117.700, 39.045),
    ('Tanggu', '塘沽街道', 117.655, 39.022),
    ('Xincun', '新村街道', 117.632, 39.008),
    ('Xingang', '新港街道', 117.712, 39.005),
    ('Hangzhoudao', '杭州道街道', 117.668, 39.040),
    ('Xinbei', '新北街道', 117.650, 39.068),
    ('Xinhe', '新河街道', 117.640, 38.982),
    ('Dagu', '大沽街道', 117.690, 38.972),
    ('Beitang', '北塘街道', 117.700, 39.115),
    ('Hujiayuan', '胡家园街道', 117.595, 39.040),
    ('Xincheng town', '新城镇', 117.622, 38.958),
    ('Dagang', '大港街道', 117.455, 38.850),
    ('Gulin', '古林街道', 117.495, 38.818),
    ('Haibin', '海滨街道', 117.560, 38.800),
    ('Zhongtang town', '中塘镇', 117.340, 38.800),
    ('Taiping town', '太平镇', 117.270, 38.680),
    ('Xiaowangzhuang town', '小王庄镇', 117.480, 38.680),
    ('Hangu', '汉沽街道', 117.800, 39.245),
    ('Zhaishang', '寨上街道', 117.840, 39.265),
    ('Chadian', '茶淀街道', 117.765, 39.268),
    ('Yangjiabo town', '杨家泊镇', 117.950, 39.285),
]

# Five river corridors (五廊道): indicative centre lines (the Hai River follows the GSHHG
# river line), buffered by half_width metres.
RIVERS = [
    dict(name='Jiyun River corridor', name_zh='蓟运河生态廊道', half_width=130,
         ll=[(117.845, 39.345), (117.815, 39.300), (117.795, 39.262), (117.770, 39.228),
             (117.735, 39.195), (117.708, 39.165), (117.698, 39.135), (117.705, 39.112),
             (117.722, 39.100)]),
    dict(name='Yongding New River corridor', name_zh='永定新河生态廊道', half_width=180,
         ll=[(117.300, 39.125), (117.380, 39.115), (117.450, 39.106), (117.520, 39.100),
             (117.600, 39.0985), (117.660, 39.0990), (117.700, 39.0995), (117.722, 39.100)]),
    dict(name='Hai River corridor', name_zh='海河生态廊道', half_width=150, ll='gshhg',
         ll_tail=[(117.712, 38.987)]),
    dict(name='Duliujian River corridor', name_zh='独流减河生态廊道', half_width=250,
         ll=[(117.150, 38.800), (117.250, 38.792), (117.330, 38.786), (117.400, 38.782),
             (117.470, 38.779), (117.530, 38.776), (117.575, 38.774), (117.600, 38.773)]),
    dict(name='Ziya New River corridor', name_zh='子牙新河生态廊道', half_width=250,
         ll=[(117.150, 38.630), (117.250, 38.622), (117.350, 38.612), (117.450, 38.606),
             (117.540, 38.602), (117.615, 38.598)]),
]

RULES = {
    'ecological_redline': '生态保护红线: no development or production construction inside, '
                          'except the limited activities listed in the 2022 rules (patrol, '
                          'monitoring, approved unavoidable linear infrastructure, ...); '
                          'no new reclamation',
    'barrier_tier1': '绿色生态屏障一级管控区: no construction unrelated to ecology',
    'barrier_tier2': '绿色生态屏障二级管控区: construction strictly limited',
    'barrier_tier3': '绿色生态屏障三级管控区: construction controlled, green and low density',
    'river_corridor': '五廊道 river corridor: no new construction in the corridor except '
                      'bridges, water works and approved linear infrastructure',
    'wetland': '湿地保护: wetland protection, reclamation and filling forbidden',
    'marine_redline': '海洋生态保护红线: no reclamation, sea enclosure or construction '
                      'changing the coastline',
    'basic_farmland': '永久基本农田: permanent basic farmland, no occupation for construction',
}

# Green ecological barrier (一屏): tier polygons with one free coordinate each (x1, x3, x2),
# solved so that the areas match BARRIER_KM2 in EPSG:4548.
def barrier_ll(x1, x3, x2):
    t1 = [(x1, 38.895), (117.470, 38.895), (117.520, 38.935), (117.548, 38.975),
          (117.548, 39.020), (117.515, 39.030), (117.505, 39.060), (117.495, 39.100),
          (117.500, 39.170), (117.505, 39.265), (x1, 39.265)]
    t3 = [(x3, 38.895), (x1, 38.895), (x1, 39.265), (x3, 39.265)]
    t2 = [(117.500, 39.170), (117.545, 39.168), (117.610, 39.170), (x2, 39.182), (x2, 39.290),
          (117.505, 39.290), (117.505, 39.265)]
    return {'barrier_tier1': t1, 'barrier_tier2': t2, 'barrier_tier3': t3}


FACILITY_CATS = [
    # code, level minutes, walking distance m, label, label_zh
    ('middle_school', 15, 1000, 'junior middle school', '初级中学'),
    ('health_center', 15, 1000, 'community health service centre', '社区卫生服务中心'),
    ('culture_center', 15, 1000, 'cultural activity centre', '文化活动中心'),
    ('sports_large', 15, 1000, 'large multi-sports ground', '大型多功能运动场地'),
    ('elderly_care', 15, 1000, 'nursing home', '养老院'),
    ('community_service', 15, 1000, 'community service centre', '街道社区服务中心'),
    ('mall', 15, 1000, 'shopping centre', '商场'),
    ('primary_school', 10, 500, 'primary school', '小学'),
    ('market', 10, 500, 'fresh market', '菜市场'),
    ('sports_mid', 10, 500, 'mid-size sports ground', '中型多功能运动场地'),
    ('kindergarten', 5, 300, 'kindergarten', '幼儿园'),
    ('clinic', 5, 300, 'community health station', '社区卫生服务站'),
    ('elderly_daycare', 5, 300, 'elderly day-care centre', '老年人日间照料中心'),
    ('fitness', 5, 300, 'fitness ground', '室外健身场地'),
    ('convenience', 5, 300, 'convenience shop', '便利店'),
]
SNAP_ALLOWANCE_M = 60.0   # facilities are placed so that node-to-node distance <= d - this

PARK_SHARES = {'G11': 0.45, 'G12': 0.32, 'G13': 0.13, 'G14': 0.10}
PARK_LABEL = {'G11': ('comprehensive park', '综合公园'), 'G12': ('community park', '社区公园'),
              'G13': ('specialised park', '专类公园'), 'G14': ('pocket park', '游园')}
MOTORWAYS = [
    ('Haibin Avenue (indicative)', [(117.845, 39.300), (117.790, 39.200), (117.735, 39.140),
                                     (117.745, 39.080), (117.750, 39.000), (117.700, 38.930),
                                     (117.600, 38.820), (117.580, 38.700), (117.585, 38.600)]),
    ('Jintang Expressway (indicative)', [(117.300, 39.062), (117.450, 39.060), (117.560, 39.058),
                                          (117.640, 39.050), (117.700, 39.055)]),
    ('Tangjin Expressway (indicative)', [(117.640, 39.320), (117.620, 39.200), (117.575, 39.100),
                                          (117.560, 39.000), (117.500, 38.880), (117.430, 38.760),
                                          (117.400, 38.600)]),
]


# ================================================================ builders

def build_boundary(sea):
    centre = ll(*BOUNDARY_CENTRE)
    pts = [ll(*v) for v in BOUNDARY_LL]
    seaward = [sea.Contains(point(*p)) for p in pts]

    def land_for(f):
        q = [p if w else (centre[0] + (p[0] - centre[0]) * f, centre[1] + (p[1] - centre[1]) * f)
             for p, w in zip(pts, seaward)]
        return clean(polygon(q).Difference(sea), 5e5)

    lo, hi = 0.80, 1.05
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if area_km2(land_for(mid)) > BOUNDARY_KM2:
            hi = mid
        else:
            lo = mid
    f = round(0.5 * (lo + hi), 6)
    land = land_for(f)
    return land, f, sum(1 for w in seaward if not w)


def build_units(land):
    placed = []
    for u in UNITS:
        g = ll_polygon(u['ll']).Intersection(land)
        # opening: drop the thin spikes that OSM coastline artefacts leave in the land polygon
        g = clean(g, 2e5).Buffer(-25.0, 1).Buffer(25.0, 1).Intersection(land)
        for p in placed:
            g = g.Difference(p['geom'])
        g = clean(g, 2e5)
        parts = poly_parts(g)
        if len(parts) > 1:      # keep the main piece only: units are single polygons
            parts.sort(key=lambda p: -p.GetArea())
            g = parts[0]
        else:
            g = parts[0]
        u = dict(u)
        u['geom'] = g
        placed.append(u)
    return placed


def build_corridors(rivers_src, sea, land):
    hai = None
    for d, g in rivers_src:
        if d.get('gshhg_level') == 2:
            hai = g
    out = []
    box = ll_polygon([(117.30, 38.55), (118.10, 38.55), (118.10, 39.40), (117.30, 39.40)])
    for r in RIVERS:
        if r['ll'] == 'gshhg':
            pts = [(p[0], p[1]) for p in hai.GetPoints()]
            pts += r['ll_tail']
            line = ll_line(pts)
            src = 'centre line: GSHHG 2.3.7 river (level 2), Wessel & Smith, LGPL-3.0-or-later; corridor indicative'
        else:
            line = ll_line(r['ll'], 200.0)
            src = 'indicative centre line drawn by plancheck'
        line = line.Intersection(box)
        poly = clean(line.Buffer(r['half_width'], 4).Difference(sea), 1e4)
        out.append(dict(r, geom=poly, line=line, src=src))
    return out


def solve_barrier():
    def areas(x1, x3, x2):
        d = barrier_ll(x1, x3, x2)
        return {k: area_km2(ll_polygon(v)) for k, v in d.items()}

    def bisect(fn, lo, hi, target, increasing):
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            v = fn(mid)
            if (v > target) == increasing:
                hi = mid
            else:
                lo = mid
        return round(0.5 * (lo + hi), 7)

    # tier 1 grows as x1 moves west (smaller x1)
    x1 = bisect(lambda x: areas(x, x - 0.05, 117.65)['barrier_tier1'], 117.20, 117.48,
                BARRIER_KM2['barrier_tier1'], False)
    x3 = bisect(lambda x: areas(x1, x, 117.65)['barrier_tier3'], 117.00, x1 - 0.001,
                BARRIER_KM2['barrier_tier3'], False)
    x2 = bisect(lambda x: areas(x1, x3, x)['barrier_tier2'], 117.57, 117.75,
                BARRIER_KM2['barrier_tier2'], True)
    return barrier_ll(x1, x3, x2), (x1, x3, x2)


def line_class(idx):
    if idx % 6 == 0:
        return 'primary'
    if idx % 3 == 0:
        return 'secondary'
    if idx % 6 in (2,):
        return 'tertiary'
    return 'residential'


class UnitCity(object):
    """Street lattice, blocks, land use, residents and parks of one structure unit."""

    def __init__(self, u, patches, corridors, rng):
        self.u = u
        self.key = u['key']
        self.patches = patches
        self.rng = rng
        s = self.s = u['spacing']
        th = math.radians(u['angle'])
        c, sn = math.cos(th), math.sin(th)
        self.cos, self.sin = c, sn
        minx, maxx, miny, maxy = u['geom'].GetEnvelope()
        cx, cy = round((minx + maxx) / 2.0), round((miny + maxy) / 2.0)
        R = math.hypot(maxx - minx, maxy - miny) / 2.0 + s
        n = int(math.ceil(R / s))
        rng_i = range(-n, n + 1)
        col_off = {i: rng.uniform(-0.12, 0.12) * s for i in rng_i}
        row_off = {j: rng.uniform(-0.12, 0.12) * s for j in rng_i}
        self.nodes = {}
        for i in rng_i:
            for j in rng_i:
                a = i * s + col_off[i] + rng.uniform(-4.0, 4.0)
                b = j * s + row_off[j] + rng.uniform(-4.0, 4.0)
                x = cx + a * c - b * sn
                y = cy + a * sn + b * c
                if minx - s <= x <= maxx + s and miny - s <= y <= maxy + s:
                    self.nodes[(i, j)] = (round(x, 2), round(y, 2))
        # node flags
        self.in_unit = {}
        self.patch_of = {}
        ugeom = u['geom']
        for k, (x, y) in self.nodes.items():
            p = point(x, y)
            self.in_unit[k] = ugeom.Contains(p)
            self.patch_of[k] = -1
            if self.in_unit[k]:
                for pi, pg in enumerate(patches):
                    if pg.Contains(p):
                        self.patch_of[k] = pi
                        break
        # segments
        cor = [(cg['geom'], cg['geom'].GetEnvelope()) for cg in corridors]
        self.corridors = cor
        self.segs = {}
        for (i, j), p1 in sorted(self.nodes.items()):
            for di, dj in ((1, 0), (0, 1)):
                k1, k2 = (i, j), (i + di, j + dj)
                if k2 not in self.nodes:
                    continue
                orient, idx = ('EW', j) if di == 1 else ('NS', i)
                cls = line_class(idx)
                major = idx % 3 == 0
                pa, pb = self.patch_of[k1], self.patch_of[k2]
                in_b = pa >= 0 and pa == pb
                in_u = major and self.in_unit[k1] and self.in_unit[k2]
                if not (in_b or in_u):
                    continue
                g = linestring([p1, self.nodes[k2]])
                if in_b and not patches[pa].Contains(g):
                    in_b = False
                if not in_b and not (in_u and ugeom.Contains(g)):
                    continue
                if self.hits_river(g):
                    if not (cls == 'primary' and idx % 12 == 0):
                        continue
                    bridge = True
                else:
                    bridge = False
                self.segs[(k1, k2)] = dict(cls=cls, orient=orient, idx=idx, bridge=bridge,
                                           inside=in_b)
        # blocks: all four edges kept inside one built-up patch, no river
        self.blocks = {}
        for (i, j) in sorted(self.nodes):
            ks = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            if not all(k in self.nodes for k in ks):
                continue
            pa = self.patch_of[ks[0]]
            if pa < 0 or any(self.patch_of[k] != pa for k in ks):
                continue
            edges = [((i, j), (i + 1, j)), ((i, j + 1), (i + 1, j + 1)),
                     ((i, j), (i, j + 1)), ((i + 1, j), (i + 1, j + 1))]
            if not all(e in self.segs and self.segs[e]['inside'] for e in edges):
                continue
            q = polygon([self.nodes[k] for k in ks])
            if self.hits_river(q):
                continue
            cxy = (sum(self.nodes[k][0] for k in ks) / 4.0, sum(self.nodes[k][1] for k in ks) / 4.0)
            self.blocks[(i, j)] = dict(patch=pa, centre=cxy, use='other')
        self.block_keys = sorted(self.blocks)
        # smooth random "attractiveness" field for housing
        area = sum(pg.GetArea() for pg in patches) / 1e6
        k = max(2, int(area / 5.0))
        cen = u['geom'].Centroid()
        self.field_centres = [((cen.GetX(), cen.GetY()), 0.3 * math.sqrt(area) * 1000.0, 1.0)]
        for _ in range(k):
            b = self.blocks[rng.choice(self.block_keys)]
            self.field_centres.append((b['centre'], rng.uniform(800, 1600), rng.uniform(0.6, 1.4)))
        for bk in self.block_keys:
            b = self.blocks[bk]
            x, y = b['centre']
            f = 0.0
            for (fx, fy), sig, amp in self.field_centres:
                f += amp * math.exp(-((x - fx) ** 2 + (y - fy) ** 2) / (2 * sig * sig))
            b['field'] = f + rng.uniform(0.0, 0.08)
        self.parks = []          # dicts: cls, geom, blocks
        self.residents = []      # dicts: x, y, w, node
        self.footway_segs = set()

    def hits_river(self, g):
        e = g.GetEnvelope()
        for cg, ce in self.corridors:
            if e[0] > ce[1] or e[1] < ce[0] or e[2] > ce[3] or e[3] < ce[2]:
                continue
            if cg.Intersects(g):
                return True
        return False

    def local(self, bk, fu, fv):
        """Point at bilinear position (fu, fv) inside block bk."""
        i, j = bk
        p00, p10 = self.nodes[(i, j)], self.nodes[(i + 1, j)]
        p11, p01 = self.nodes[(i + 1, j + 1)], self.nodes[(i, j + 1)]
        x = (1 - fu) * (1 - fv) * p00[0] + fu * (1 - fv) * p10[0] + fu * fv * p11[0] + (1 - fu) * fv * p01[0]
        y = (1 - fu) * (1 - fv) * p00[1] + fu * (1 - fv) * p10[1] + fu * fv * p11[1] + (1 - fu) * fv * p01[1]
        return (x, y)

    def cluster_polygon(self, i0, j0, a, b, inset=10.0):
        n = self.nodes
        pts = [n[(i, j0)] for i in range(i0, i0 + a + 1)]
        pts += [n[(i0 + a, j)] for j in range(j0 + 1, j0 + b + 1)]
        pts += [n[(i, j0 + b)] for i in range(i0 + a - 1, i0 - 1, -1)]
        pts += [n[(i0, j)] for j in range(j0 + b - 1, j0, -1)]
        g = polygon(pts).Buffer(-inset, 2)
        parts = poly_parts(clean(g, 1.0))
        parts.sort(key=lambda p: -p.GetArea())
        return parts[0]

    def place_cluster_parks(self, targets):
        rng = self.rng
        claimed = set()
        sizes = {'G11': (3, 6, 3, 5), 'G13': (2, 4, 2, 3), 'G12': (1, 2, 1, 2)}
        overlap_done = False
        fmax = max(self.blocks[bk]['field'] for bk in self.block_keys)
        for cls in ('G11', 'G13', 'G12'):
            tgt = targets[cls]
            got = 0.0
            tries = 0
            amin, amax, bmin, bmax = sizes[cls]
            while tries < 6000:
                tries += 1
                a, b = rng.randint(amin, amax), rng.randint(bmin, bmax)
                est = a * b * self.s * self.s * 0.85
                if got + 0.5 * est >= tgt:
                    if a * b > amin * bmin:
                        continue      # try a smaller one for the remainder
                    break
                i0, j0 = rng.choice(self.block_keys)
                if rng.random() > self.blocks[(i0, j0)]['field'] / fmax:
                    continue          # parks sit among the housing, mostly
                cl = [(i0 + di, j0 + dj) for di in range(a) for dj in range(b)]
                ring = [(i0 + di, j0 + dj) for di in range(-1, a + 1) for dj in range(-1, b + 1)]
                if not all(c in self.blocks for c in cl):
                    continue
                if any(c in claimed for c in ring):
                    continue
                if any(self.blocks[c]['patch'] != self.blocks[cl[0]]['patch'] for c in cl):
                    continue
                g = self.cluster_polygon(i0, j0, a, b)
                self.parks.append(dict(cls=cls, geom=g, key=(i0, j0, a, b)))
                got += g.GetArea()
                claimed.update(cl)
                for c in cl:
                    self.blocks[c]['use'] = 'park'
                self.mark_footways(i0, j0, a, b)
                # one specialised garden overlapping the edge of the first big park
                if cls == 'G11' and not overlap_done and self.u.get('garden'):
                    j1 = j0 + b - 1
                    cl2 = [(i0 + di, j1 + dj) for di in range(2) for dj in range(3)]
                    new = [c for c in cl2 if c[1] > j1]
                    if all(c in self.blocks and c not in claimed and
                           self.blocks[c]['patch'] == self.blocks[cl[0]]['patch'] for c in new):
                        g2 = self.cluster_polygon(i0, j1, 2, 3, inset=25.0)
                        self.parks.append(dict(cls='G13', geom=g2, key=(i0, j1, 2, 3),
                                               garden=True))
                        claimed.update(new)
                        for c in new:
                            self.blocks[c]['use'] = 'park'
                        self.mark_footways(i0, j1, 2, 3)
                        overlap_done = True
        self.claimed = claimed

    def mark_footways(self, i0, j0, a, b):
        for i in range(i0, i0 + a):
            for j in range(j0 + 1, j0 + b):
                self.footway_segs.add(((i, j), (i + 1, j)))
        for i in range(i0 + 1, i0 + a):
            for j in range(j0, j0 + b):
                self.footway_segs.add(((i, j), (i, j + 1)))

    def classify_housing(self):
        free = [bk for bk in self.block_keys if self.blocks[bk]['use'] == 'other']
        n_res = int(round(self.u['res'] * len(self.block_keys)))
        free.sort(key=lambda bk: (-self.blocks[bk]['field'], bk))
        for bk in free[:n_res]:
            self.blocks[bk]['use'] = 'residential'
        rng = self.rng
        for bk in self.block_keys:
            b = self.blocks[bk]
            if b['use'] != 'residential':
                continue
            wb = b['field'] * rng.uniform(0.6, 1.4)
            i, j = bk
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            for fu, fv in ((0.2, 0.2), (0.8, 0.2), (0.2, 0.8), (0.8, 0.8), (0.5, 0.2 + 0.6 * (j % 2))):
                x, y = self.local(bk, fu + rng.uniform(-0.015, 0.015), fv + rng.uniform(-0.015, 0.015))
                node = min(corners, key=lambda k: (self.nodes[k][0] - x) ** 2 + (self.nodes[k][1] - y) ** 2)
                self.residents.append(dict(x=round(x, 2), y=round(y, 2), w=wb * rng.uniform(0.8, 1.2),
                                           node=node, block=bk))

    def prune_industrial(self):
        """Industrial/port superblocks keep only the main grid: drop finer streets whose
        neighbouring blocks are all industrial (or outside the built-up blocks)."""
        live = set(bk for bk in self.block_keys if self.blocks[bk]['use'] in ('residential', 'park'))
        for bk in self.block_keys:
            b = self.blocks[bk]
            if b['use'] != 'other':
                continue
            i, j = bk
            near = any((i + di, j + dj) in live for di in (-2, -1, 0, 1, 2) for dj in (-2, -1, 0, 1, 2))
            b['use'] = 'mixed' if near else 'industrial'
        fine_ok = set(bk for bk in self.block_keys if self.blocks[bk]['use'] != 'industrial')
        for key in sorted(self.segs):
            sg = self.segs[key]
            if sg['cls'] in ('primary', 'secondary'):
                continue
            (i, j) = key[0]
            adj = [(i, j), (i, j - 1)] if sg['orient'] == 'EW' else [(i, j), (i - 1, j)]
            if not any(a in fine_ok for a in adj):
                del self.segs[key]

    def pocket_sites(self):
        """Blocks free for a pocket park in the middle (one per block)."""
        return [bk for bk in self.block_keys if self.blocks[bk]['use'] in ('residential', 'mixed')]

    def pocket_polygon(self, bk, side):
        cx, cy = self.local(bk, 0.5, 0.5)
        h = side / 2.0
        c, s = self.cos, self.sin
        pts = []
        for a, b in ((-h, -h), (h, -h), (h, h), (-h, h)):
            pts.append((cx + a * c - b * s, cy + a * s + b * c))
        return polygon(pts)

    def graph(self):
        adj = {}
        for (k1, k2) in self.segs:
            p1, p2 = self.nodes[k1], self.nodes[k2]
            d = math.hypot(p1[0] - p2[0], p1[1] - p2[1])
            adj.setdefault(k1, []).append((k2, d))
            adj.setdefault(k2, []).append((k1, d))
        return adj


def bounded_dijkstra(adj, sources, limit):
    dist = {}
    heap = [(0.0, s) for s in sorted(set(sources))]
    heapq.heapify(heap)
    while heap:
        d, n = heapq.heappop(heap)
        if n in dist:
            continue
        dist[n] = d
        for m, w in adj.get(n, ()):
            nd = d + w
            if nd <= limit and m not in dist:
                heapq.heappush(heap, (nd, m))
    return dist


def largest_remainder(weights, total):
    s = float(sum(weights))
    raw = [w * total / s for w in weights]
    base = [int(math.floor(r)) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def build_patches(u, rng):
    nx, ny, imin, imax = u['patches']
    g = u['geom']
    minx, maxx, miny, maxy = g.GetEnvelope()

    def cuts(a, b, n):
        w = (b - a) / n
        return [a] + [a + (k + rng.uniform(-0.12, 0.12)) * w for k in range(1, n)] + [b]

    xs, ys = cuts(minx, maxx, nx), cuts(miny, maxy, ny)
    out = []
    for ix in range(nx):
        for iy in range(ny):
            x0 = xs[ix] + (rng.uniform(imin, imax) if ix > 0 else rng.uniform(0, 80))
            x1 = xs[ix + 1] - (rng.uniform(imin, imax) if ix < nx - 1 else rng.uniform(0, 80))
            y0 = ys[iy] + (rng.uniform(imin, imax) if iy > 0 else rng.uniform(0, 80))
            y1 = ys[iy + 1] - (rng.uniform(imin, imax) if iy < ny - 1 else rng.uniform(0, 80))
            j = lambda: rng.uniform(-120, 120)
            q = polygon([(x0 + j(), y0 + j()), (x1 + j(), y0 + j()), (x1 + j(), y1 + j()),
                         (x0 + j(), y1 + j())])
            for p in poly_parts(clean(q.Intersection(g), 3e5)):
                out.append(p)
    return out


def voronoi_cells(land, seeds):
    """Voronoi cells of seeds clipped to land, as an exact tiling: the half-plane cells and
    the land outline are noded together and polygonized, and each face goes to its nearest
    seed, so neighbouring cells share identical edges. Returns (cells, union of cells)."""
    L = 1.0e6
    lines = ogr.Geometry(ogr.wkbMultiLineString)

    def add_lines(g):
        bd = g.GetBoundary()
        if ogr.GT_Flatten(bd.GetGeometryType()) == ogr.wkbLineString:
            lines.AddGeometry(bd)
        else:
            for k in range(bd.GetGeometryCount()):
                lines.AddGeometry(bd.GetGeometryRef(k))

    for i, (xi, yi) in enumerate(seeds):
        cell = land.Clone()
        for j, (xj, yj) in enumerate(seeds):
            if i == j:
                continue
            mx, my = (xi + xj) / 2.0, (yi + yj) / 2.0
            dx, dy = xj - xi, yj - yi
            n = math.hypot(dx, dy)
            dx, dy = dx / n, dy / n
            tx, ty = -dy, dx
            hp = polygon([(mx + tx * L, my + ty * L), (mx + tx * L - dx * L, my + ty * L - dy * L),
                          (mx - tx * L - dx * L, my - ty * L - dy * L), (mx - tx * L, my - ty * L)])
            cell = cell.Intersection(hp)
        add_lines(cell)
    add_lines(land)
    noded = lines.Union(lines.GetGeometryRef(0))
    faces = noded.Polygonize()
    groups = {}
    allf = []
    for k in range(faces.GetGeometryCount()):
        f = faces.GetGeometryRef(k).Clone()
        p = f.PointOnSurface()
        if not land.Contains(p):
            continue
        i = min(range(len(seeds)), key=lambda i: ((seeds[i][0] - p.GetX()) ** 2 +
                                                  (seeds[i][1] - p.GetY()) ** 2, i))
        groups.setdefault(i, []).append(f)
        allf.append(f)
    cells = [clean(union_all(groups.get(i, [])), 0.0) for i in range(len(seeds))]
    return cells, clean(union_all(allf), 0.0)


def marine_belt(coast_main, sea, boxes, near, far):
    outer = coast_main.Buffer(far, 4)
    inner = coast_main.Buffer(near, 4)
    band = outer.Difference(inner).Intersection(sea)
    out = []
    for b in boxes:
        out.extend(poly_parts(clean(band.Intersection(ll_polygon(b)), 5e4)))
    return out


GSHHG_LIC = 'LGPL-3.0-or-later (GSHHG 2.3.7, Wessel & Smith)'
OSM_LIC = 'ODbL 1.0 (c) OpenStreetMap contributors'
INDICATIVE = 'indicative, drawn by plancheck (not an official outline)'
PROJECT_LIC = 'plancheck project data (indicative drawing)'


def build_redlines(lakes_src, corridors, sea, coast_main, land):
    out = []

    def add(name, name_zh, kind, geom, source, lic, rule=None):
        g = clean(geom, 1.0)
        out.append(dict(name=name, name_zh=name_zh, kind=kind, rule=rule or RULES[kind],
                        geom=g, source=source, license=lic))

    bl, (x1, x3, x2) = solve_barrier()
    labels = {'barrier_tier1': ('Green ecological barrier, tier 1 zone', '绿色生态屏障一级管控区'),
              'barrier_tier2': ('Green ecological barrier, tier 2 zone', '绿色生态屏障二级管控区'),
              'barrier_tier3': ('Green ecological barrier, tier 3 zone', '绿色生态屏障三级管控区')}
    for kind in ('barrier_tier1', 'barrier_tier2', 'barrier_tier3'):
        add(labels[kind][0] + ' (indicative)', labels[kind][1], kind, ll_polygon(bl[kind]),
            INDICATIVE + '; area tuned to the published %.1f km2' % BARRIER_KM2[kind], PROJECT_LIC)
    for c in corridors:
        add(c['name'] + ' (indicative)', c['name_zh'], 'river_corridor', c['geom'], c['src'],
            GSHHG_LIC if 'GSHHG' in c['src'] else PROJECT_LIC)
    lakes = sorted([projected(g) for _, g in lakes_src], key=lambda g: -g.GetArea())
    big, small = lakes[0], lakes[1]
    add('Beidagang wetland', '北大港湿地', 'wetland', big,
        'GSHHG 2.3.7 lake polygon (level 2) at the Beidagang reservoir (identified by location)',
        GSHHG_LIC)
    add("Li'erwan wetland (indicative)", '李二湾湿地', 'wetland',
        ll_polygon([(117.500, 38.632), (117.560, 38.634), (117.572, 38.652), (117.522, 38.664),
                    (117.496, 38.650)]), INDICATIVE, PROJECT_LIC)
    add('Beisanhe wetland area (indicative)', '北三河湿地', 'wetland',
        ll_polygon([(117.640, 39.232), (117.700, 39.236), (117.712, 39.262), (117.662, 39.280),
                    (117.630, 39.258)]), INDICATIVE, PROJECT_LIC)
    add('Beidagang wetland core', '北大港湿地核心区', 'ecological_redline', big.Buffer(-400.0, 4),
        'GSHHG 2.3.7 Beidagang lake polygon shrunk by 400 m (indicative core)', GSHHG_LIC)
    add('Lake near 117.52E 38.93N (Guangang area, indicative)', '官港湖（示意）',
        'ecological_redline', small,
        'GSHHG 2.3.7 lake polygon (level 2); identification by location only', GSHHG_LIC)
    x0, y0, x1r, y1r = eco_wetland_rect()
    add('Eco-city wetland (indicative)', '生态城湿地（示意）', 'ecological_redline',
        rect(x0, y0, x1r, y1r), INDICATIVE, PROJECT_LIC)
    belts = marine_belt(coast_main, sea, MARINE_BOXES, 1000.0, 5000.0)
    for n, g in enumerate(belts, 1):
        add('Marine ecological red line %d (indicative)' % n, '海洋生态保护红线%d（示意）' % n,
            'marine_redline', g, INDICATIVE + '; band 1-5 km off the OSM coastline',
            'derived from ' + OSM_LIC)
    add('Permanent basic farmland, Taiping (indicative)', '永久基本农田（太平镇，示意）',
        'basic_farmland',
        ll_polygon([(117.255, 38.640), (117.318, 38.642), (117.316, 38.676), (117.258, 38.678)]),
        INDICATIVE, PROJECT_LIC)
    return out


MARINE_BOXES = [
    [(117.930, 39.100), (118.100, 39.100), (118.100, 39.260), (117.930, 39.260)],
    [(117.560, 38.560), (117.760, 38.560), (117.760, 38.625), (117.560, 38.625)],
]


def eco_wetland_rect():
    """Eco-city wetland red line: an exact 2.0 x 1.6 km rectangle on a 100 m grid."""
    x, y = ll(117.652, 39.160)
    x, y = round(x / 100.0) * 100.0, round(y / 100.0) * 100.0
    return (x - 1000.0, y - 800.0, x + 1000.0, y + 800.0)


def orect(cx, cy, w, h, angle=0.0):
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    pts = []
    for a, b in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append((round(cx + a * c - b * s, 2), round(cy + a * s + b * c, 2)))
    return polygon(pts)


def strip(p1, p2, width):
    (x1, y1), (x2, y2) = p1, p2
    d = math.hypot(x2 - x1, y2 - y1)
    nx, ny = -(y2 - y1) / d * width / 2, (x2 - x1) / d * width / 2
    return polygon([(x1 + nx, y1 + ny), (x2 + nx, y2 + ny), (x2 - nx, y2 - ny), (x1 - nx, y1 - ny)])


def find_rect(centre_ll, w, h, angle, pred, step=50.0, nmax=80):
    """First rectangle on a square spiral of offsets around centre_ll that satisfies pred."""
    cx, cy = ll(*centre_ll)
    for r in range(nmax):
        offs = sorted(set((dx, dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1)
                          if max(abs(dx), abs(dy)) == r))
        for dx, dy in offs:
            g = orect(cx + dx * step, cy + dy * step, w, h, angle)
            if pred(g):
                return g
    raise RuntimeError('no spot found near %r' % (centre_ll,))


def build_sites(units, cities, redlines, sea, coast_all, land):
    red_all = union_all([r['geom'] for r in redlines])
    by_name = dict((r['name'], r['geom']) for r in redlines)
    kind_u = {}
    for r in redlines:
        kind_u.setdefault(r['kind'], []).append(r['geom'])
    kind_u = dict((k, union_all(v)) for k, v in kind_u.items())
    bu = dict((c.key, union_all(c.patches)) for c in cities)
    parks = union_all([p['geom'] for c in cities for p in c.parks])

    def share(g, other):
        return g.Intersection(other).GetArea() / g.GetArea() if g.Intersects(other) else 0.0

    def clean_site(g, unit, margin=1000.0):
        return (g.Within(bu[unit]) and g.Distance(red_all) > margin and
                g.Distance(coast_all) > margin and not g.Intersects(parks))

    out = []

    def add(name, name_zh, use, intended, why, g):
        out.append(dict(name=name, name_zh=name_zh, use=use, intended=intended, why=why, geom=g))

    t1, t2 = kind_u['barrier_tier1'], kind_u['barrier_tier2']
    others_than = lambda g, keep: g.Intersection(red_all.Difference(keep)).GetArea() < 0.01
    add('Logistics park in the green barrier', '绿色屏障内物流园', 'industrial', 'fail',
        'inside barrier tier 1 (no construction unrelated to ecology)',
        find_rect((117.536, 38.972), 600, 450, 0.0,
                  lambda g: g.Within(t1) and g.Within(land) and others_than(g, t1)))
    add('Business park on the tier 2 edge', '二级管控区边缘商务园', 'commercial', 'warn',
        'about half over barrier tier 2 (strictly limited)',
        find_rect((117.625, 39.172), 500, 400, 0.0,
                  lambda g: 0.35 <= share(g, t2) <= 0.65 and g.Within(land) and others_than(g, t2)))
    x0, y0, x1, y1 = eco_wetland_rect()
    add('Depot next to the Eco-city wetland', '生态城湿地旁仓储用地', 'warehouse', 'pass',
        'shares an edge with an ecological red line, no overlap (distance 0 m)',
        rect(x1, y0 + 500.0, x1 + 300.0, y0 + 800.0))
    hai = by_name['Hai River corridor (indicative)']
    add('Riverside housing on the Hai River', '海河沿岸住宅', 'residential', 'warn',
        'overlaps the Hai River corridor by roughly a third',
        find_rect((117.640, 39.003), 300, 300, 8.0,
                  lambda g: 0.2 <= share(g, hai) <= 0.45 and g.Within(bu['main'])
                  and others_than(g, hai), step=25.0))
    marine = kind_u['marine_redline']
    add('Reclamation plot in Bohai Bay', '渤海湾填海地块', 'industrial', 'fail',
        'seaward of the coastline: new reclamation forbidden',
        find_rect((117.860, 39.020), 800, 600, 0.0,
                  lambda g: g.Within(sea) and g.Distance(coast_all) > 500 and not g.Intersects(marine)))
    add('Seaside hotel at Hangu beach', '汉沽海滨酒店', 'commercial', 'warn',
        'about 150 m from the coastline: inside the 200 m building setback',
        find_rect((117.990, 39.222), 100, 80, 0.0,
                  lambda g: g.Within(land) and 145.0 <= g.Distance(coast_all) <= 155.0
                  and not g.Intersects(red_all), step=10.0, nmax=200))
    add('Container yard extension at the port', '港区集装箱堆场扩建', 'port', 'pass',
        'inside the 200 m setback, but port use is allowed there',
        find_rect((117.770, 38.960), 200, 120, 0.0,
                  lambda g: g.Within(land) and 50.0 <= g.Distance(coast_all) <= 120.0
                  and not g.Intersects(red_all), step=25.0, nmax=200))
    add('Gas pipeline across Beidagang', '穿越北大港湿地输气管道', 'linear_infrastructure', 'warn',
        'crosses the Beidagang wetland and its ecological red line: allowed only as approved '
        'unavoidable linear infrastructure',
        strip(ll(117.300, 38.728), ll(117.470, 38.733), 30.0))
    core = by_name['Beidagang wetland core']
    add('Chemical plant at Beidagang', '北大港化工厂', 'industrial', 'fail',
        'overlaps the ecological red line (Beidagang wetland core)',
        find_rect((117.415, 38.745), 800, 600, 0.0,
                  lambda g: 0.3 <= share(g, core) <= 0.7 and g.Within(land)))
    add('Primary school site, Xinbei', '新北小学用地', 'school', 'pass', 'clean site',
        find_rect((117.655, 39.062), 160, 120, 8.0, lambda g: clean_site(g, 'main')))
    add('Community clinic, Hangu', '汉沽社区卫生服务站', 'clinic', 'pass', 'clean site',
        find_rect((117.835, 39.245), 60, 50, 15.0, lambda g: clean_site(g, 'hangu')))
    add('Housing estate, Dagang', '大港住宅小区', 'residential', 'pass', 'clean site',
        find_rect((117.450, 38.845), 400, 300, -3.0, lambda g: clean_site(g, 'dagang')))
    return out


# R-tree indexes on the three big layers (streets, residents, facilities) would add ~2 MB;
# they are left out to keep the file small. Add them with, e.g.,
#   ogrinfo layers/binhai/binhai.gpkg -sql "SELECT CreateSpatialIndex('streets', 'geom')"
BIG_INDEX = False


def write_all(path, L):
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        os.makedirs(d)
    tmp = path[:-5] + '.tmp.gpkg' if path.endswith('.gpkg') else path + '.tmp.gpkg'
    if os.path.exists(tmp):
        os.remove(tmp)
    drv = ogr.GetDriverByName('GPKG')
    ds = drv.CreateDataSource(tmp)

    def layer(name, srs, gtype, fields, feats, desc, index=True):
        if gtype in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
            # single-part multipolygons become polygons; the layer is MultiPolygon only if needed
            norm = []
            for a, g in feats:
                if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbMultiPolygon and g.GetGeometryCount() == 1:
                    g = poly_parts(g)[0]
                norm.append((a, g))
            feats = norm
            multi_needed = any(ogr.GT_Flatten(g.GetGeometryType()) != ogr.wkbPolygon for _, g in feats)
            gtype = ogr.wkbMultiPolygon if multi_needed else ogr.wkbPolygon
        lyr = ds.CreateLayer(name, srs, gtype, options=[
            'GEOMETRY_NAME=geom', 'FID=fid', 'SPATIAL_INDEX=' + ('YES' if index else 'NO'),
            'DESCRIPTION=' + desc])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        defn = lyr.GetLayerDefn()
        lyr.StartTransaction()
        for attrs, g in feats:
            f = ogr.Feature(defn)
            for k, v in attrs.items():
                if v is not None:
                    f.SetField(k, v)
            if gtype == ogr.wkbMultiPolygon:
                g = ogr.ForceToMultiPolygon(g.Clone())
            f.SetGeometry(g)
            lyr.CreateFeature(f)
        lyr.CommitTransaction()

    S, I = ogr.OFTString, ogr.OFTInteger
    layer('boundary', SRS_PRJ, ogr.wkbPolygon, [('name', S), ('source', S), ('license', S)],
          [(dict(name=BOUNDARY_NAME,
                 source='indicative outline drawn by plancheck (41 lon/lat vertices, scaled to '
                        '2,270 km2 of land); sea side cut by the OSM-derived sea polygon',
                 license=PROJECT_LIC + '; coast edge derived from ' + OSM_LIC), L['land'])],
          'Indicative district outline drawn by plancheck, land side of the OSM sea polygon')
    layer('structure', SRS_PRJ, ogr.wkbPolygon, [('name', S), ('name_zh', S), ('tier', S)],
          [(dict(name=u['name'], name_zh=u['name_zh'], tier=u['tier']), u['geom']) for u in L['units']],
          'One main, two sub, six clusters (indicative)')
    layer('subdistricts', SRS_PRJ, ogr.wkbMultiPolygon, [('name', S), ('name_zh', S)],
          [(dict(name=n, name_zh=z), c) for (n, z, _, _), c in zip(SUBDISTRICTS, L['cells'])],
          '21 streets and towns: Voronoi cells of approximate seats (indicative)')
    bu = []
    for c in L['cities']:
        for n, p in enumerate(c.patches, 1):
            bu.append((dict(name='%s built-up %d' % (c.u['name'], n)), p))
    layer('builtup', SRS_PRJ, ogr.wkbPolygon, [('name', S)], bu, 'Synthetic built-up patches')
    layer('streets', SRS_PRJ, ogr.wkbLineString, [('highway', S), ('name', S)], L['streets'],
          'Synthetic walking network (grid segments), rivers cut it except at bridges',
          index=BIG_INDEX)
    res = [(dict(pop=r['pop']), point(r['x'], r['y'])) for c in L['cities'] for r in c.residents]
    layer('residents', SRS_PRJ, ogr.wkbPoint, [('pop', I)], res,
          'Synthetic residential points; pop sums to 2,067,318 (7th census 2020)',
          index=BIG_INDEX)
    layer('facilities', SRS_PRJ, ogr.wkbPoint, [('category', S), ('name', S), ('name_zh', S)],
          [(dict(category=f['category'], name=f['name'], name_zh=f['name_zh']), point(f['x'], f['y']))
           for f in L['facilities']], 'Synthetic life-circle facilities (GB 50180-2018 categories)',
          index=BIG_INDEX)
    parks = []
    for c in L['cities']:
        cnt = {}
        for p in c.parks:
            cnt[p['cls']] = cnt.get(p['cls'], 0) + 1
            lab, labz = PARK_LABEL[p['cls']]
            if p.get('garden'):
                lab, labz = 'botanical garden', '植物园'
            parks.append((dict(name='%s %s %d' % (c.u['name'], lab, cnt[p['cls']]),
                               name_zh='%s%s%d' % (c.u['name_zh'], labz, cnt[p['cls']]),
                               **{'class': p['cls']}), p['geom']))
    layer('parks', SRS_PRJ, ogr.wkbPolygon, [('name', S), ('name_zh', S), ('class', S)], parks,
          'Synthetic park green space (CJJ/T 85-2017 G11-G14)')
    layer('redlines', SRS_PRJ, ogr.wkbMultiPolygon,
          [('name', S), ('name_zh', S), ('kind', S), ('rule', S), ('source', S), ('license', S)],
          [(dict(name=r['name'], name_zh=r['name_zh'], kind=r['kind'], rule=r['rule'],
                 source=r['source'], license=r['license']), r['geom']) for r in L['redlines']],
          'Red lines: indicative, partly from GSHHG 2.3.7 (LGPL-3.0-or-later)')
    layer('coastline', SRS_LL, ogr.wkbLineString, [('source', S), ('license', S)],
          [(dict(source=d['source'], license=d['license']), g) for d, g in L['coast_src']],
          'OpenStreetMap-derived coastline (c) OpenStreetMap contributors, ODbL 1.0')
    layer('sea', SRS_LL, ogr.wkbMultiPolygon, [('source', S), ('license', S)],
          [(dict(source=d['source'], license=d['license']), g) for d, g in L['sea_src']],
          'OpenStreetMap-derived sea polygon (c) OpenStreetMap contributors, ODbL 1.0')
    layer('sites', SRS_PRJ, ogr.wkbPolygon, [('name', S), ('name_zh', S), ('use', S)],
          [(dict(name=s['name'], name_zh=s['name_zh'], use=s['use']), s['geom']) for s in L['sites']],
          'Proposed sites for the site check (synthetic)')
    ds.ExecuteSQL('VACUUM')
    ds = None
    os.replace(tmp, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--shared', default=os.path.join(root, '..', 'shared', 'data', 'binhai'),
                    help='directory with binhai_coast_water.gpkg (default ../shared/data/binhai)')
    ap.add_argument('-o', '--out', default=os.path.join(root, 'layers', 'binhai', 'binhai.gpkg'))
    args = ap.parse_args()

    gdal.SetConfigOption('OGR_CURRENT_DATE', '2025-01-01T00:00:00.000Z')
    gdal.SetConfigOption('OGR_SQLITE_JOURNAL', 'OFF')

    cw = os.path.join(args.shared, 'binhai_coast_water.gpkg')
    sea_src = read_layer(cw, 'sea_osm')
    coast_src = read_layer(cw, 'coastline_osm')
    rivers_src = read_layer(cw, 'gshhg_rivers')
    lakes_src = read_layer(cw, 'gshhg_lakes')
    sea = clean(union_all([projected(g) for _, g in sea_src]), 0.0)
    coast_main = None
    for d, g in coast_src:
        pg = projected(g)
        if coast_main is None or pg.Length() > coast_main.Length():
            coast_main = pg
    coast_all = ogr.Geometry(ogr.wkbMultiLineString)
    for d, g in coast_src:
        coast_all.AddGeometry(projected(g))

    # ---- boundary
    land, shrink, n_inland = build_boundary(sea)
    say('boundary: %d hand-written vertices (%d inland, pulled by factor %.6f towards %.2fE %.2fN); '
        'land area %.1f km2 (EPSG:4548)' % (len(BOUNDARY_LL), n_inland, shrink, BOUNDARY_CENTRE[0],
                                            BOUNDARY_CENTRE[1], area_km2(land)))

    # ---- structure units
    units = build_units(land)
    for u in units:
        say('structure %-32s %-8s %7.1f km2' % (u['name'], u['tier'], area_km2(u['geom'])))

    corridors = build_corridors(rivers_src, sea, land)

    # ---- per-unit cities
    pops = largest_remainder([u['pop'] for u in units], POP_TOTAL)
    cities = []
    for u, pop in zip(units, pops):
        u['pop_n'] = pop
        rng = sub_rng('unit:' + u['key'])
        patches = build_patches(u, rng)
        city = UnitCity(u, patches, corridors, rng)
        cities.append(city)

    # ---- parks: clusters first, then pocket parks to hit the exact per-person figure
    target = PARK_M2_PER_PERSON * POP_TOTAL
    wts = [u['pop_n'] * u['green'] for u in units]
    unit_tgt = [target * w / sum(wts) for w in wts]
    for city, t in zip(cities, unit_tgt):
        # clusters aim a little low; pocket parks (G14) then fill the exact remainder
        city.place_cluster_parks({k: 0.93 * t * v for k, v in PARK_SHARES.items()})
        city.classify_housing()
        city.prune_industrial()
    cluster_union = union_all([p['geom'] for c in cities for p in c.parks])
    rest = target - cluster_union.GetArea()
    rest_u = largest_remainder([t * PARK_SHARES['G14'] for t in unit_tgt], int(round(rest * 100)))
    for city, r in zip(cities, rest_u):
        rng = sub_rng('pocket:' + city.key)
        rem = r / 100.0
        sites = city.pocket_sites()
        rng.shuffle(sites)
        k = 0
        while rem > 1e-6:
            if rem <= 4900.0:
                a = rem
            else:
                a = rng.uniform(900.0, min(4900.0, rem - 900.0))
            g = city.pocket_polygon(sites[k], math.sqrt(a))
            k += 1
            city.parks.append(dict(cls='G14', geom=g))
            rem -= g.GetArea()
    park_union = union_all([p['geom'] for c in cities for p in c.parks])
    park_sum = sum(p['geom'].GetArea() for c in cities for p in c.parks)

    # ---- residents: exact integer population
    for city in cities:
        ws = [r['w'] for r in city.residents]
        for r, p in zip(city.residents, largest_remainder(ws, city.u['pop_n'])):
            r['pop'] = p
        city.residents = [r for r in city.residents if r['pop'] > 0]
    n_res = sum(len(c.residents) for c in cities)
    pop_sum = sum(r['pop'] for c in cities for r in c.residents)
    assert pop_sum == POP_TOTAL, pop_sum

    say('residents: %d points, pop sum %d (target %d)' % (n_res, pop_sum, POP_TOTAL))
    for city in cities:
        say('  %-32s pop %8d  points %6d' % (city.u['name'], city.u['pop_n'], len(city.residents)))
    say('parks: %d polygons, sum %.0f m2, union %.0f m2 = %.2f m2 per person (target %.1f)'
        % (sum(len(c.parks) for c in cities), park_sum, park_union.GetArea(),
           park_union.GetArea() / POP_TOTAL, PARK_M2_PER_PERSON))

    # ---- facilities: greedy placement on the street graph with per-unit service targets
    facilities = []
    cover_est = []
    for city in cities:
        u = city.u
        adj = city.graph()
        node_pop = {}
        for r in city.residents:
            node_pop[r['node']] = node_pop.get(r['node'], 0) + r['pop']
        rng = sub_rng('facilities:' + city.key)
        cands = []
        for k in sorted(adj):
            i, j = k
            adjb = [b for b in ((i, j), (i - 1, j), (i - 1, j - 1), (i, j - 1)) if b in city.blocks]
            adjb = [b for b in adjb if city.blocks[b]['use'] != 'industrial'] or adjb
            if adjb:
                cands.append((k, adjb[0] if len(adjb) == 1 else rng.choice(adjb)))
        ys = sorted(r['y'] for r in city.residents)
        y_mid = ys[len(ys) // 2] if ys else 0.0
        reach_cache = {}
        chosen_by_cat = {}
        for code, level, dist, label, label_zh in FACILITY_CATS:
            crng = sub_rng('facilities:%s:%s' % (city.key, code))
            q = dict(zip((15, 10, 5), u['q']))[level]
            q = min(0.995, q + crng.uniform(-0.02, 0.01))
            gap = u['gaps'].get(code)
            if gap == 'all':
                q = 0.0
            lim = dist - SNAP_ALLOWANCE_M
            if lim not in reach_cache:
                reach_cache[lim] = {k: bounded_dijkstra(adj, [k], lim) for k, _ in cands}
            reach = reach_cache[lim]
            cc = [c for c in cands if crng.random() < 0.7]   # not every plot is available
            if gap == 'south':       # a part of the unit left short of this service
                cc = [c for c in cc if city.nodes[c[0]][1] > y_mid]
            goal = q * u['pop_n']
            covered = set()
            got = 0
            chosen = []
            heap = []
            for order, (k, bk) in enumerate(cc):
                gval = sum(node_pop.get(n, 0) for n in reach[k])
                if gval > 0:
                    heap.append((-gval, order, k, bk))
            heapq.heapify(heap)
            while got < goal and heap:
                negg, order, k, bk = heapq.heappop(heap)
                real = sum(node_pop.get(n, 0) for n in reach[k] if n not in covered)
                if real <= 0:
                    continue
                if heap and real < -heap[0][0]:
                    heapq.heappush(heap, (-real, order, k, bk))
                    continue
                chosen.append((k, bk))
                covered.update(reach[k])
                got += real
            chosen_by_cat[code] = [k for k, _ in chosen]
            for n, (k, bk) in enumerate(chosen, 1):
                nx, ny = city.nodes[k]
                cx, cy = city.blocks[bk]['centre']
                d = math.hypot(cx - nx, cy - ny)
                off = 15.0 + rng.uniform(0.0, 10.0)
                facilities.append(dict(x=round(nx + (cx - nx) * off / d, 2),
                                       y=round(ny + (cy - ny) * off / d, 2), category=code,
                                       name='%s %s %d' % (u['short'], label, n),
                                       name_zh='%s%s%d' % (u['short_zh'], label_zh, n),
                                       unit=city.key))
        # builder's own estimate: node-to-node network distance <= walking distance
        dist_to = {}
        for code, level, dist, label, label_zh in FACILITY_CATS:
            src = chosen_by_cat[code]
            dist_to[code] = bounded_dijkstra(adj, src, dist) if src else {}
        est = {}
        for level in (15, 10, 5):
            codes = [c for c, lv, _, _, _ in FACILITY_CATS if lv == level]
            ok = sum(r['pop'] for r in city.residents
                     if all(r['node'] in dist_to[c] for c in codes))
            est[level] = ok / float(u['pop_n'])
        cover_est.append((city, est))
    say('facilities: %d points' % len(facilities))
    for code, level, dist, label, label_zh in FACILITY_CATS:
        n = sum(1 for f in facilities if f['category'] == code)
        say('  %-18s %2d-min %5d m  %5d  (one per %s residents)'
            % (code, level, dist, n, '{:,}'.format(POP_TOTAL // n) if n else '-'))
    say("builder's coverage estimate (share of residents; node-to-node network distance, "
        "all categories of the level):")
    tot = {15: 0.0, 10: 0.0, 5: 0.0}
    for city, est in cover_est:
        say('  %-32s 15-min %5.1f%%  10-min %5.1f%%  5-min %5.1f%%'
            % (city.u['name'], 100 * est[15], 100 * est[10], 100 * est[5]))
        for lv in tot:
            tot[lv] += est[lv] * city.u['pop_n']
    say('  %-32s 15-min %5.1f%%  10-min %5.1f%%  5-min %5.1f%%'
        % ('total', 100 * tot[15] / POP_TOTAL, 100 * tot[10] / POP_TOTAL, 100 * tot[5] / POP_TOTAL))

    # ---- streets
    streets = []
    for city in cities:
        u = city.u
        majors = {}
        for (k1, k2), sg in city.segs.items():
            if sg['cls'] in ('primary', 'secondary'):
                majors.setdefault(sg['orient'], set()).add(sg['idx'])
        rank = {o: {idx: n for n, idx in enumerate(sorted(v), 1)} for o, v in majors.items()}
        for (k1, k2) in sorted(city.segs):
            sg = city.segs[(k1, k2)]
            cls = sg['cls']
            name = None
            if cls in ('primary', 'secondary'):
                name = '%s %s %d' % (u['short'], sg['orient'], rank[sg['orient']][sg['idx']])
                if sg['bridge']:
                    name += ' (bridge)'
            elif (k1, k2) in city.footway_segs:
                cls = 'footway'
            streets.append((dict(highway=cls, name=name),
                            linestring([city.nodes[k1], city.nodes[k2]])))
    for name, pts in MOTORWAYS:
        streets.append((dict(highway='motorway', name=name), ll_line(pts, 500.0)))
    counts = {}
    for a, _ in streets:
        counts[a['highway']] = counts.get(a['highway'], 0) + 1
    say('streets: %d segments (%s)' % (len(streets), ', '.join('%s %d' % kv for kv in sorted(counts.items()))))

    # ---- streets and towns
    seeds = [ll(lo, la) for _, _, lo, la in SUBDISTRICTS]
    cells, land_tiled = voronoi_cells(land, seeds)
    sub_area = sum(c.GetArea() for c in cells)
    say('subdistricts: %d cells tiling the boundary, sum of areas %.3f km2, boundary %.3f km2'
        % (len(cells), sub_area / 1e6, land_tiled.GetArea() / 1e6))

    # ---- red lines
    redlines = build_redlines(lakes_src, corridors, sea, coast_main, land)
    for kind in ('barrier_tier1', 'barrier_tier2', 'barrier_tier3', 'river_corridor', 'wetland',
                 'marine_redline', 'ecological_redline', 'basic_farmland'):
        fs = [r for r in redlines if r['kind'] == kind]
        say('redlines %-18s %2d polygons %8.1f km2' % (kind, len(fs), sum(area_km2(r['geom']) for r in fs)))
    builtup_all = union_all([p for c in cities for p in c.patches])
    for r in redlines:
        if r['kind'] in ('barrier_tier1', 'barrier_tier2', 'wetland', 'ecological_redline',
                         'basic_farmland'):
            ov = r['geom'].Intersection(builtup_all).GetArea()
            if ov > 1.0:
                say('  note: %s overlaps built-up land by %.0f m2' % (r['name'], ov))

    # ---- sites
    sites = build_sites(units, cities, redlines, sea, coast_all, land)
    say('sites (intended verdicts; plancheck computes the real ones):')
    for st in sites:
        g = st['geom']
        ovs = []
        for r in redlines:
            a = g.Intersection(r['geom']).GetArea() if g.Intersects(r['geom']) else 0.0
            if a > 0.01:
                ovs.append('%s %.2f ha' % (r['kind'], a / 1e4))
            elif g.Distance(r['geom']) < 1.0:
                ovs.append('%s touches' % r['kind'])
        say('  %-42s %-22s %-5s coast %7.0f m  %s' % (st['name'], st['use'], st['intended'],
                                                       g.Distance(coast_all), '; '.join(ovs) or '-'))

    # ---- write
    write_all(args.out, dict(land=land_tiled, units=units, cells=cells, cities=cities, streets=streets,
                             facilities=facilities, redlines=redlines, sites=sites,
                             coast_src=coast_src, sea_src=sea_src))
    say('wrote %s (%d bytes)' % (os.path.relpath(args.out, root), os.path.getsize(args.out)))
    return locals()


if __name__ == '__main__':
    main()
