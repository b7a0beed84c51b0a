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
Deterministic: random.Random(20201101) (sub-streams seeded from it by name), fixed
OGR_CURRENT_DATE; running it twice gives a byte-identical GeoPackage.
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


def sub_rng(tag):
    """Independent deterministic stream per generator, derived from the one seed."""
    return random.Random('%d:%s' % (SEED, tag))


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


