#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""bench_peer_pg.py coverage|green|sites CONNINFO SCHEMA [--pgr-starts many|super]: the PostGIS/pgRouting peers.

The peers of plancheck in scripts/bench.sh, in SQL, on a plan loaded into SCHEMA with ogr2ogr (geometry
column geom, the GeoPackage's feature ids in fid). Work tables go to schema bench_work (dropped first).
Prints JSON on stdout: the answers in the form scripts/bench_compare.py reads, phases (seconds) and the
peak resident memory of the database backend that ran the SQL (VmHWM from /proc; the server is local).

coverage (pgRouting): walkable streets cut into straight segments (ST_DumpSegments), nodes where
  segment ends share a coordinate; residents (ST_PointOnSurface for polygons) and facilities attach to the
  nearest segment within 300 m (KNN <-> with ST_DWithin, ties to the lower segment number), at
  ST_LineLocatePoint; segments are split at their attachment points, facilities hang on theirs by an edge
  as long as their access leg; per category one pgr_drivingDistance from all its facilities at once
  (--pgr-starts super, the default: one virtual start joined at no cost to each facility's vertex; many:
  the array of all facilities' vertices) with the category's distance, the least agg_cost of each vertex
  kept; cut off via pgr_connectedComponents. Not equicost := true: pgRouting 3.4.2 then does not always keep
  the nearest start (on the 10k city a vertex got 414.94 m from one start though another reaches it at
  404.39 m, as equicost := false lists), so 101 resident-category distances came out too long.
green (PostGIS): ST_Union of the parks, ST_Intersection with each unit and the boundary, ST_Area; a park's
  radius from its own area (>= 5000 m2: 500 m, >= 2000 m2: 300 m); residents within the radius of a
  park by ST_DWithin (exact distance); residential area = ST_Union of the polygon residents, covered part
  = its ST_Intersection with the ST_Union of ST_Buffer(park, radius, 'quad_segs=16').
sites (PostGIS): ST_Intersects (GiST) of sites and red lines, ST_Area of ST_Intersection (involved from
  0.01 m2), ST_Union per kind; ST_Distance to each kind within 1 km and to the coastline; seaward: some
  area east of (right of) the coastline; verdicts by the default profile's rules.
"""

import argparse
import json
import os
import re
import sys
import time

import psycopg2

EXCLUDED = ['motorway', 'motorway_link', 'trunk', 'trunk_link', 'construction', 'proposed']
MAX_ACCESS_M = 300.0
CATEGORIES = [
    ('middle_school', 15, 1000), ('health_center', 15, 1000), ('culture_center', 15, 1000),
    ('sports_large', 15, 1000), ('elderly_care', 15, 1000), ('community_service', 15, 1000),
    ('mall', 15, 1000), ('primary_school', 10, 500), ('market', 10, 500), ('sports_mid', 10, 500),
    ('kindergarten', 5, 300), ('clinic', 5, 300), ('elderly_daycare', 5, 300), ('fitness', 5, 300),
    ('convenience', 5, 300),
]
LEVELS = [15, 10, 5]
# Red-line kinds of the default profile: forbid (fail) or restrict (warn), and the buffer that warns.
RULES = {'ecological_redline': ('forbid', 0), 'barrier_tier1': ('forbid', 0), 'barrier_tier2': ('restrict', 0),
         'barrier_tier3': ('restrict', 0), 'river_corridor': ('restrict', 100), 'wetland': ('restrict', 100),
         'marine_redline': ('forbid', 0), 'basic_farmland': ('forbid', 0)}
LINEAR_USES = {'linear_infrastructure', 'road', 'railway', 'pipeline', 'power_line'}
SETBACK_M, SETBACK_EXEMPT = 200.0, {'port'}

phases = {}
_t = [time.time()]


def phase(name):
    now = time.time()
    phases[name] = round(phases.get(name, 0) + now - _t[0], 3)
    _t[0] = now


class Db:
    def __init__(self, conninfo, schema):
        self.conn = psycopg2.connect(conninfo)
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        self.pid = self.one('SELECT pg_backend_pid()')
        self.run('DROP SCHEMA IF EXISTS bench_work CASCADE')
        self.run('CREATE SCHEMA bench_work')
        self.run('SET search_path = bench_work, "%s", public' % schema.replace('"', '""'))
        self.run("SET work_mem = '256MB'")

    def run(self, sql, args=None):
        self.cur.execute(sql, args)

    def one(self, sql, args=None):
        self.cur.execute(sql, args)
        return self.cur.fetchone()[0]

    def all(self, sql, args=None):
        self.cur.execute(sql, args)
        return self.cur.fetchall()

    def cpu_s(self):
        """User and system CPU seconds of the backend so far (from /proc; the server is local)."""
        try:
            with open('/proc/%d/stat' % self.pid) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            return round((int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK'), 2)
        except (OSError, IndexError, ValueError):
            return None

    def peak_kb(self):
        try:
            with open('/proc/%d/status' % self.pid) as f:
                m = re.search(r'VmHWM:\s+(\d+) kB', f.read())
            return int(m.group(1)) if m else None
        except OSError:
            return None


def coverage(db, args):
    excluded = ','.join("'%s'" % h for h in EXCLUDED)
    db.run('''CREATE TABLE seg AS
        SELECT (row_number() OVER (ORDER BY s.fid, d.path) - 1)::bigint AS id, d.geom
        FROM streets s, LATERAL ST_DumpSegments(s.geom) d
        WHERE (s.highway IS NULL OR s.highway NOT IN (%s)) AND ST_Length(d.geom) > 0''' % excluded)
    db.run('''CREATE TABLE ends AS SELECT id, ST_X(ST_StartPoint(geom)) x0, ST_Y(ST_StartPoint(geom)) y0,
        ST_X(ST_EndPoint(geom)) x1, ST_Y(ST_EndPoint(geom)) y1, ST_Length(geom) len FROM seg''')
    db.run('''CREATE TABLE node AS SELECT row_number() OVER (ORDER BY x, y)::bigint AS id, x, y
        FROM (SELECT x0 x, y0 y FROM ends UNION SELECT x1, y1 FROM ends) q''')
    db.run('''CREATE TABLE edge AS SELECT e.id, a.id source, b.id target, e.len cost FROM ends e
        JOIN node a ON a.x = e.x0 AND a.y = e.y0 JOIN node b ON b.x = e.x1 AND b.y = e.y1''')
    db.run('CREATE INDEX ON seg USING gist (geom)')
    db.run('ANALYZE seg')
    phase('graph: segments and nodes')
    db.run('''CREATE TABLE pt AS
        SELECT 'r'::text kind, fid, NULL::text category, pop::float8 pop,
               CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END pt FROM residents
        UNION ALL SELECT 'f', fid, category, 0, geom FROM facilities''')
    db.run('''CREATE TABLE att AS
        SELECT q.kind, q.fid, q.category, q.pop, q.pt, n.id seg, n.d access, n.frac * n.len off
        FROM pt q LEFT JOIN LATERAL (
            SELECT s.id, ST_Distance(s.geom, q.pt) d, ST_LineLocatePoint(s.geom, q.pt) frac, ST_Length(s.geom) len
            FROM seg s WHERE ST_DWithin(s.geom, q.pt, %s) ORDER BY s.geom <-> q.pt, s.id LIMIT 1) n ON true''',
           (MAX_ACCESS_M,))
    phase('attach')
    base = db.one('SELECT max(id) FROM node') or 0
    db.run('''CREATE TABLE apt AS SELECT a.*, %s + row_number() OVER (ORDER BY seg, off, kind, fid) AS node
        FROM att a WHERE seg IS NOT NULL''', (base,))
    top = db.one('SELECT coalesce(max(node), 0) FROM apt') or base
    db.run('CREATE INDEX ON apt (seg)')
    db.run('''CREATE TABLE g AS
        SELECT e.source, e.target, e.cost FROM edge e WHERE NOT EXISTS (SELECT 1 FROM apt a WHERE a.seg = e.id)
        UNION ALL
        SELECT lag(a.node, 1, e.source) OVER w, a.node, a.off - lag(a.off, 1, 0::float8) OVER w
        FROM apt a JOIN edge e ON e.id = a.seg WINDOW w AS (PARTITION BY a.seg ORDER BY a.off, a.kind, a.fid)
        UNION ALL
        SELECT * FROM (SELECT DISTINCT ON (a.seg) a.node, e.target, e.cost - a.off FROM apt a JOIN edge e
                       ON e.id = a.seg ORDER BY a.seg, a.off DESC, a.kind DESC, a.fid DESC) last
        UNION ALL
        SELECT a.node + %s, a.node, a.access FROM apt a WHERE a.kind = 'f' ''', (top,))
    db.run('ALTER TABLE g ADD COLUMN id bigserial')
    db.run('ANALYZE g')
    db.run('CREATE TABLE cov (fid bigint, cat int, d float8)')
    phase('graph: split at attachments')
    for c, (code, level, cutoff) in enumerate(CATEGORIES):
        if args.pgr_starts == 'super':
            # One virtual start (vertex 0) joined to every facility of the category (whose own vertex hangs on
            # its attachment point by the access leg) at no cost.
            edges = ("SELECT id, source, target, cost FROM bench_work.g UNION ALL SELECT -a.fid, 0, a.node + %d, "
                     "0 FROM bench_work.apt a WHERE a.kind = 'f' AND a.category = '%s'" % (top, code))
            starts = 'ARRAY[0::bigint]'
        else:
            edges = 'SELECT id, source, target, cost FROM bench_work.g'
            starts = "ARRAY(SELECT node + %d FROM apt WHERE kind = 'f' AND category = '%s')" % (top, code)
        n = db.one("SELECT count(*) FROM apt WHERE kind = 'f' AND category = %s", (code,))
        if n == 0:
            continue
        db.run('''INSERT INTO cov SELECT a.fid, %%s, dd.agg_cost + a.access FROM
            (SELECT node, min(agg_cost) agg_cost FROM pgr_drivingDistance(%%s, %s, %%s, directed := false, equicost := false)
             GROUP BY node) dd
            JOIN apt a ON a.node = dd.node AND a.kind = 'r' WHERE dd.agg_cost + a.access <= %%s''' % starts,
               (c, edges, float(cutoff), float(cutoff)))
    phase('search')
    # Cut off: the street component of the resident's segment holds no attached facility.
    db.run('''CREATE TABLE comp AS SELECT node, component FROM pgr_connectedComponents(
        'SELECT id, source, target, cost FROM bench_work.edge')''')
    db.run('CREATE INDEX ON comp (node)')
    db.run('''CREATE TABLE fcomp AS SELECT DISTINCT fc.component FROM apt f JOIN edge fe ON fe.id = f.seg
        JOIN comp fc ON fc.node = fe.source WHERE f.kind = 'f' ''')
    db.run('''CREATE TABLE res AS
        SELECT a.fid, a.pop, a.seg IS NULL AS unreachable,
               (a.seg IS NOT NULL AND fcomp.component IS NULL) AS cut_off,
               (SELECT u.name FROM structure u WHERE ST_Intersects(u.geom, a.pt) ORDER BY u.fid LIMIT 1) unit,
               (SELECT u.name FROM subdistricts u WHERE ST_Intersects(u.geom, a.pt) ORDER BY u.fid LIMIT 1) sub
        FROM att a LEFT JOIN edge e ON e.id = a.seg LEFT JOIN comp c ON c.node = e.source
        LEFT JOIN fcomp ON fcomp.component = c.component WHERE a.kind = 'r' ''')
    groups = db.all('''SELECT r.unit, r.sub, r.unreachable, r.cut_off, coalesce(m.mask, 0), count(*), sum(r.pop)
        FROM res r LEFT JOIN (SELECT fid, sum(1::bigint << cat) mask FROM cov GROUP BY fid) m USING (fid)
        GROUP BY 1, 2, 3, 4, 5''')
    phase('sums')
    rows = {}

    def add(key, unreachable, cut_off, mask, n, pop):
        r = rows.setdefault(key, {'residents': 0, 'pop': 0.0, 'residents_unreachable': 0, 'residents_cut_off': 0,
                                  **{'pop_cov%d' % lv: 0.0 for lv in LEVELS},
                                  **{'pop_' + c[0]: 0.0 for c in CATEGORIES}})
        r['residents'] += n
        r['pop'] += pop
        r['residents_unreachable'] += n if unreachable else 0
        r['residents_cut_off'] += n if cut_off else 0
        for c, cat in enumerate(CATEGORIES):
            if mask >> c & 1:
                r['pop_' + cat[0]] += pop
        for lv in LEVELS:
            if all(mask >> c & 1 for c, cat in enumerate(CATEGORIES) if cat[1] == lv):
                r['pop_cov%d' % lv] += pop

    for unit, sub, unreachable, cut_off, mask, n, pop in groups:
        pop = float(pop or 0)
        add('Total', unreachable, cut_off, int(mask), n, pop)
        if unit is not None:
            add('unit:' + unit, unreachable, cut_off, int(mask), n, pop)
        if sub is not None:
            add('sub:' + sub, unreachable, cut_off, int(mask), n, pop)
    info = {'edges': db.one('SELECT count(*) FROM g'), 'segments': db.one('SELECT count(*) FROM seg')}
    if args.residents_csv:
        dist = {}
        for fid, cat, d in db.all('SELECT fid, cat, d FROM cov'):
            dist.setdefault(fid, {})[cat] = d
        with open(args.residents_csv, 'w') as out:
            out.write('fid,' + ','.join('d_' + c[0] for c in CATEGORIES) + '\n')
            for (fid,) in db.all("SELECT fid FROM att WHERE kind = 'r' ORDER BY fid"):
                ds = dist.get(fid, {})
                out.write('%d,%s\n' % (fid, ','.join('%.4f' % ds[c] if c in ds else '' for c in range(len(CATEGORIES)))))
    return {'rows': rows, 'graph': info, 'pgr_starts': args.pgr_starts}


def green(db, args):
    db.run('CREATE TABLE pu AS SELECT ST_Union(geom) g FROM parks')
    db.run('CREATE TABLE bnd AS SELECT ST_Union(geom) g FROM boundary')
    phase('park union')
    db.run('''CREATE TABLE park AS SELECT fid, geom, CASE WHEN ST_Area(geom) >= 5000 THEN 500
        WHEN ST_Area(geom) >= 2000 THEN 300 ELSE 0 END radius FROM parks''')
    db.run('CREATE INDEX ON park USING gist (geom)')
    db.run('ANALYZE park')
    db.run('''CREATE TABLE res AS SELECT r.fid, r.pop::float8 pop,
            CASE WHEN GeometryType(r.geom) = 'POINT' THEN r.geom ELSE ST_PointOnSurface(r.geom) END pt,
            GeometryType(r.geom) <> 'POINT' AS polygon, r.geom FROM residents r''')
    db.run('''ALTER TABLE res ADD COLUMN covered boolean''')
    db.run('''UPDATE res SET covered = EXISTS (SELECT 1 FROM park k WHERE k.radius > 0
        AND ST_DWithin(k.geom, res.pt, 500) AND ST_DWithin(k.geom, res.pt, k.radius))''')
    phase('residents within park radii')
    db.run('''CREATE TABLE region AS SELECT ST_Union(geom) g FROM res WHERE polygon''')
    db.run('''CREATE TABLE served AS SELECT ST_Union(ST_Buffer(geom, radius, 'quad_segs=16')) g FROM park
        WHERE radius > 0''')
    db.run('''CREATE TABLE rescov AS SELECT ST_Intersection(r.g, s.g) g FROM region r, served s''')
    phase('service areas')
    rows = {}
    for key, table in (('unit:', 'structure'), ('sub:', 'subdistricts'), ('', 'boundary')):
        if table == 'boundary':
            area = db.all('''SELECT ST_Area(ST_Intersection(b.g, pu.g)), ST_Area(ST_Intersection(b.g, region.g)),
                                    ST_Area(ST_Intersection(b.g, rescov.g)) FROM bnd b, pu, region, rescov''')[0]
            pops = db.all('SELECT count(*), sum(pop), sum(CASE WHEN covered THEN pop ELSE 0 END) FROM res')[0]
            rows['Total'] = row_of(area, pops)
            continue
        db.run('''CREATE TABLE loc_%s AS SELECT r.fid, r.pop, r.covered,
            (SELECT u.fid FROM %s u WHERE ST_Intersects(u.geom, r.pt) ORDER BY u.fid LIMIT 1) unit FROM res r'''
               % (table, table))
        for fid, name, a1, a2, a3 in db.all('''SELECT u.fid, u.name, ST_Area(ST_Intersection(u.geom, pu.g)),
                ST_Area(ST_Intersection(u.geom, region.g)), ST_Area(ST_Intersection(u.geom, rescov.g))
                FROM %s u, pu, region, rescov ORDER BY u.fid''' % table):
            pops = db.all('''SELECT count(*), sum(pop), sum(CASE WHEN covered THEN pop ELSE 0 END) FROM loc_%s
                WHERE unit = %%s''' % table, (fid,))[0]
            rows[key + name] = row_of((a1, a2, a3), pops)
    phase('areas per unit')
    return {'rows': rows}


def row_of(areas, pops):
    """A green row and its verdicts (plan target 13 m2 per person; GB 55014-2021: > 8.0 m2, > 80 %)."""
    n, pop, covered = int(pops[0] or 0), float(pops[1] or 0), float(pops[2] or 0)
    park, res, rescov = (float(a or 0) for a in areas)
    v = {'target_park_m2_per_person': None, 'gb_park_m2_per_person': None, 'gb_park_service_cov': None}
    if pop > 0:
        v = {'target_park_m2_per_person': 'pass' if park / pop >= 13 else 'fail',
             'gb_park_m2_per_person': 'pass' if park / pop > 8 else 'fail',
             'gb_park_service_cov': 'pass' if covered / pop > 0.8 else 'fail'}
    return {'residents': n, 'pop': pop, 'pop_covered': covered, 'park_m2': park, 'res_m2': res,
            'res_covered_m2': rescov, 'verdicts': v}


def site_verdict(use, kinds, coast, seaward):
    """kinds: {kind: (involved, distance)}. The default profile's rules, as plancheck documents them."""
    worst = 'pass'
    order = {'pass': 0, 'warn': 1, 'fail': 2}

    def hit(v):
        nonlocal worst
        if order[v] > order[worst]:
            worst = v

    for kind, (involved, dist) in kinds.items():
        rule, buffer_m = RULES.get(kind, ('none', 0))
        if involved:
            if rule == 'forbid' and kind == 'ecological_redline' and use in LINEAR_USES:
                hit('warn')
            elif rule == 'forbid':
                hit('fail')
            elif rule == 'restrict':
                hit('warn')
        elif buffer_m > 0 and dist is not None and dist < buffer_m:
            hit('warn')
    if seaward:
        hit('fail')
    elif coast is not None and coast < SETBACK_M and use not in SETBACK_EXEMPT:
        hit('warn')
    return worst


def sites(db, args):
    db.run('''CREATE TABLE ov AS SELECT s.fid, r.kind, r.fid rfid,
            CASE WHEN ST_ContainsProperly(r.geom, s.geom) THEN s.geom
                 ELSE ST_CollectionExtract(ST_Intersection(s.geom, r.geom), 3) END g
        FROM sites s JOIN redlines r ON ST_Intersects(s.geom, r.geom)''')
    db.run('DELETE FROM ov WHERE ST_Area(g) < 0.01')
    involved = db.all('SELECT fid, kind, ST_Area(ST_Union(g)) FROM ov GROUP BY fid, kind')
    phase('overlaps')
    kinds = [k for (k,) in db.all('SELECT DISTINCT kind FROM redlines')]
    dist = db.all('''SELECT s.fid, k.kind, (SELECT min(ST_Distance(s.geom, r.geom)) FROM redlines r
            WHERE r.kind = k.kind AND ST_DWithin(r.geom, s.geom, 1000)) FROM sites s, unnest(%s::text[]) k(kind)''',
                  (kinds,))
    phase('distances')
    # The sea: east of (right of, for a line drawn south to north) the coastline, closed far out.
    db.run('''CREATE TABLE sea AS SELECT ST_MakePolygon(ST_AddPoint(ST_AddPoint(ST_AddPoint(c.g,
            ST_MakePoint(ST_XMax(c.g) + 1e5, ST_Y(ST_EndPoint(c.g)))),
            ST_MakePoint(ST_XMax(c.g) + 1e5, ST_Y(ST_StartPoint(c.g)))), ST_StartPoint(c.g))) g
        FROM (SELECT ST_LineMerge(ST_Union(geom)) g FROM coastline) c''')
    coast = db.all('''SELECT s.fid, s.use, (SELECT min(ST_Distance(s.geom, c.geom)) FROM coastline c),
            ST_Area(ST_Intersection(s.geom, sea.g)) > 0 FROM sites s, sea''')
    phase('coastline')
    out = {}
    for fid, use, cd, seaward in coast:
        out[fid] = {'use': use, 'coast': cd, 'seaward': bool(seaward), 'involved': {}, 'distances': {}}
    for fid, kind, area in involved:
        out[fid]['involved'][kind] = area
    for fid, kind, d in dist:
        out[fid]['distances'][kind] = d if d is not None else float('inf')
    for fid, s in out.items():
        ks = {k: (k in s['involved'], 0.0 if k in s['involved'] else s['distances'].get(k)) for k in kinds}
        s['verdict'] = site_verdict(s['use'], ks, s['coast'], s['seaward'])
    phase('verdicts')
    return {'sites': {str(k): v for k, v in out.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('analysis', choices=['coverage', 'green', 'sites'])
    ap.add_argument('conninfo')
    ap.add_argument('schema')
    ap.add_argument('--pgr-starts', choices=['many', 'super'], default='super')
    ap.add_argument('--residents-csv', help='coverage: write fid and distance per category of every resident here')
    args = ap.parse_args()
    db = Db(args.conninfo, args.schema)
    phase('connect')
    result = {'coverage': coverage, 'green': green, 'sites': sites}[args.analysis](db, args)
    versions = db.all('''SELECT 'PostgreSQL ' || current_setting('server_version') UNION ALL
        SELECT 'PostGIS ' || postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ')'
        UNION ALL SELECT 'pgRouting ' || pgr_version()''') if args.analysis == 'coverage' else db.all(
        '''SELECT 'PostgreSQL ' || current_setting('server_version') UNION ALL
        SELECT 'PostGIS ' || postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ')' ''')
    result.update({'peer': '; '.join(v for (v,) in versions), 'phases': phases, 'backend_peak_kb': db.peak_kb(), 'backend_cpu_s': db.cpu_s()})
    if not os.environ.get('BENCH_KEEP_WORK'):
        db.run('DROP SCHEMA bench_work CASCADE')
    json.dump(result, sys.stdout, indent=1, default=float)
    print()


if __name__ == '__main__':
    main()
