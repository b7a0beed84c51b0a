#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""bench_peer_gpd.py green|sites PLAN.gpkg: the GeoPandas peers of plancheck green and sites.

Debian's GeoPandas (shapely 1.8, the rtree spatial index; no pygeos), reading with geopandas.read_file.
Prints JSON on stdout in the form scripts/bench_compare.py reads, with phases (seconds).
green: park area per unit = overlay(units, dissolved parks, 'intersection') and its area per unit; a park's
  radius from its own area (>= 5000 m2: 500 m, >= 2000 m2: 300 m); a resident (point on surface for a
  polygon) is covered when its exact distance to a serving park is within the radius (candidates from an
  sjoin with the parks buffered by radius + 1 m, then shapely's distance); residential area = the dissolved
  polygon residents, its covered part = overlay with the dissolved park buffers (quad_segs 16), per unit
  by overlay; verdicts by the plan target (13 m2) and GB 55014-2021 (> 8.0 m2, > 80 %).
sites: sjoin(sites, red lines, 'intersects'), the intersection's area (involved from 0.01 m2), unioned per
  kind; distances to each kind within 1 km (sjoin with the sites buffered by 1 km, then shapely's
  distance) and to the coastline; seaward: some area east of (right of) the coastline; verdicts by the
  default profile's rules (scripts/bench_peer_pg.py site_verdict).
"""

import json
import os
import sys
import time
import warnings

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import linemerge, unary_union
from shapely.prepared import prep

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_peer_pg import row_of, site_verdict  # noqa: E402  (one statement of the rules for both peers)

warnings.filterwarnings('ignore')
phases = {}
_t = [time.time()]


def phase(name):
    now = time.time()
    phases[name] = round(phases.get(name, 0) + now - _t[0], 3)
    _t[0] = now


def read(plan, layer):
    df = gpd.read_file(plan, layer=layer)
    return df


def fids(plan, layer):
    """Feature ids in reading order (geopandas 0.12 with fiona does not keep them)."""
    from osgeo import ogr
    ds = ogr.Open(plan)
    return [f.GetFID() for f in ds.GetLayerByName(layer)]


def first_unit(points, units):
    """Index (position in the units layer) of the first unit each point intersects, -1 when none."""
    units = units.reset_index(drop=True)
    units['unit'] = units.index
    j = gpd.sjoin(points[['geometry']], units[['unit', 'geometry']], how='left', predicate='intersects')
    return j.groupby(level=0)['unit'].min().reindex(points.index).fillna(-1).astype(int)


def green(plan):
    parks = read(plan, 'parks')
    units = read(plan, 'structure')
    subs = read(plan, 'subdistricts')
    boundary = read(plan, 'boundary')
    res = read(plan, 'residents')
    phase('read')
    polygon = res.geom_type != 'Point'
    res['pt'] = res.geometry
    res.loc[polygon, 'pt'] = res.loc[polygon, 'geometry'].representative_point()
    pts = gpd.GeoDataFrame({'pop': res['pop'].astype(float)}, geometry=res['pt'], crs=res.crs)
    dissolved = parks[['geometry']].dissolve()
    phase('park union')
    area = parks.area
    parks['radius'] = 0.0
    parks.loc[area >= 2000, 'radius'] = 300.0
    parks.loc[area >= 5000, 'radius'] = 500.0
    serving = parks[parks['radius'] > 0]
    reach = gpd.GeoDataFrame({'radius': serving['radius'], 'park': serving.geometry},
                             geometry=serving.geometry.buffer(serving['radius'] + 1.0, 16), crs=parks.crs)
    cand = gpd.sjoin(pts[['geometry']], reach, how='inner', predicate='intersects')
    d = cand.geometry.distance(gpd.GeoSeries(cand['park'], crs=parks.crs), align=False)
    hit = cand[d.values <= cand['radius'].values]
    pts['covered'] = pts.index.isin(hit.index)
    phase('residents within park radii')
    region = res[polygon][['geometry']].dissolve()
    buffers = gpd.GeoDataFrame(geometry=serving.geometry.buffer(serving['radius'], 16), crs=parks.crs).dissolve()
    rescov = gpd.overlay(region, buffers, how='intersection')
    phase('service areas')

    def areas(zones):
        zones = zones.reset_index(drop=True)
        zones['zone'] = zones.index
        out = []
        for layer in (dissolved, region, rescov):
            if len(layer) == 0:
                out.append(pd.Series(0.0, index=zones.index))
                continue
            o = gpd.overlay(zones[['zone', 'geometry']], layer[['geometry']], how='intersection', keep_geom_type=True)
            out.append(o.assign(a=o.area).groupby('zone')['a'].sum().reindex(zones.index).fillna(0.0))
        return out

    rows = {}
    for prefix, zones in (('unit:', units), ('sub:', subs)):
        zones = zones.reset_index(drop=True)
        a_park, a_res, a_cov = areas(zones)
        where = first_unit(pts, zones)
        for k in range(len(zones)):
            m = where.values == k
            pops = (int(m.sum()), pts['pop'].values[m].sum(), pts['pop'].values[m & pts['covered'].values].sum())
            rows[prefix + zones.loc[k, 'name']] = row_of((a_park[k], a_res[k], a_cov[k]), pops)
    b = boundary[['geometry']].dissolve()
    a_park, a_res, a_cov = areas(b)
    pops = (len(pts), pts['pop'].sum(), pts['pop'][pts['covered']].sum())
    rows['Total'] = row_of((a_park[0], a_res[0], a_cov[0]), pops)
    phase('areas per unit')
    return {'rows': rows}


def sites(plan):
    sites_df = read(plan, 'sites')
    red = read(plan, 'redlines')
    coast = read(plan, 'coastline')
    phase('read')
    sites_df['fid'] = fids(plan, 'sites')
    j = gpd.sjoin(sites_df[['fid', 'geometry']], red[['kind', 'geometry']], how='inner', predicate='intersects')
    other = red.geometry.loc[j['index_right']].values
    mine = j.geometry.values
    inter = []
    for a, b in zip(mine, other):
        if prep(b).contains_properly(a):
            inter.append(a)
            continue
        g = a.intersection(b)
        polys = [p for p in getattr(g, 'geoms', [g]) if p.geom_type in ('Polygon', 'MultiPolygon')]
        inter.append(unary_union(polys) if polys else Polygon())
    j = j.assign(g=inter)
    j = j[[g.area >= 0.01 for g in j['g']]]
    involved = {}
    for (fid, kind), grp in j.groupby(['fid', 'kind']):
        involved.setdefault(int(fid), {})[kind] = unary_union(list(grp['g'])).area
    phase('overlaps')
    kinds = sorted(red['kind'].unique())
    near = gpd.GeoDataFrame(sites_df[['fid']], geometry=sites_df.geometry.buffer(1025, 4), crs=sites_df.crs)  # holds the 1 km circle
    jn = gpd.sjoin(near, red[['kind', 'geometry']], how='inner', predicate='intersects')
    d = sites_df.geometry.loc[jn.index].distance(red.geometry.loc[jn['index_right']], align=False)
    jn = jn.assign(d=d.values)
    dist = jn.groupby(['fid', 'kind'])['d'].min()
    phase('distances')
    merged = unary_union(list(coast.geometry))
    line = merged if merged.geom_type == 'LineString' else linemerge(merged)
    xs = [c[0] for c in line.coords]
    x_far = max(xs) + 1e5
    sea = Polygon(list(line.coords) + [(x_far, line.coords[-1][1]), (x_far, line.coords[0][1])])
    cd = sites_df.geometry.distance(line)
    seaward = sites_df.geometry.intersection(sea).area > 0
    phase('coastline')
    out = {}
    for i, s in sites_df.iterrows():
        fid = int(s['fid'])
        inv = involved.get(fid, {})
        ds = {k: float(dist.get((fid, k), float('inf'))) for k in kinds}
        ks = {k: (k in inv, 0.0 if k in inv else ds[k]) for k in kinds}
        out[str(fid)] = {'use': s['use'], 'coast': float(cd.loc[i]), 'seaward': bool(seaward.loc[i]),
                         'involved': inv, 'distances': ds,
                         'verdict': site_verdict(s['use'], ks, float(cd.loc[i]), bool(seaward.loc[i]))}
    phase('verdicts')
    return {'sites': out}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('green', 'sites'):
        sys.exit(__doc__)
    result = {'green': green, 'sites': sites}[sys.argv[1]](sys.argv[2])
    result.update({'peer': 'GeoPandas %s (shapely %s, GEOS %s)' % (
        gpd.__version__, shapely.__version__, '.'.join(map(str, shapely.geos.geos_version))), 'phases': phases})
    json.dump(result, sys.stdout, indent=1, default=float)
    print()


if __name__ == '__main__':
    main()
