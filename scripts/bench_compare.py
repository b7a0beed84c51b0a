#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""bench_compare.py ANALYSIS PLANCHECK.json PEER.json: do plancheck and a peer give the same answers?

ANALYSIS is coverage, green or sites; PEER.json is what scripts/bench_peer_*.py print. Exit 0 when they
agree, 1 with the differences (at most 15 lines) otherwise; the last line says what was compared.
  coverage: per row (total, every structure unit, every subdistrict): residents, population, population
            covered at 15/10/5 minutes (exactly), unreachable and cut-off residents (exactly), and each
            category's covered share: plancheck prints it rounded to 1e-6, the peer's exact share must
            round to the same (|difference| <= 5e-7). Every resident lies in one subdistrict and weighs at
            least 40 of ~1.3e7 people there even at 4M segments (3e-6 > 1e-6): one resident's difference in
            any category shows.
  green:    per row: population and covered population (exactly), park area, residential area and its
            covered part (within 0.01 %, or 0.01 m2 when tiny), the three verdicts (the same).
  sites:    per site: the verdict; per red-line kind the involvement (the same) and the overlap area (within
            0.01 %, or 0.01 m2); distances below 1 km to each kind and to the coastline (within 1 cm: plancheck
            prints centimetres); seaward (the same).
bench_compare.py residents PLANCHECK_OUT.gpkg PEER.csv: every resident's distance to each category
  (coverage_residents layer, centimetres) against the peer's (within 1 cm; both beyond reach or both within).
"""

import csv
import json
import math
import sys

MAX_LINES = 15


def close_area(a, b, rounding_m2=0.005):
    """Within 0.01 %, or within the rounding of plancheck's JSON (0.01 m2; hectares to 4 decimals: 0.5 m2)."""
    if a is None or b is None:
        return a == b or (a in (None, 0) and b in (None, 0))
    return abs(a - b) <= max(1e-4 * max(abs(a), abs(b)), rounding_m2 + 0.005)


def coverage(pc, peer):
    diffs, n = [], 0
    cats = [c['code'] for c in pc['categories']]
    rows = [('Total', pc['total'])] + [('unit:' + r['name'], r) for r in pc['units']] + \
           [('sub:' + r['name'], r) for r in pc['subdistricts']]
    for key, r in rows:
        p = peer['rows'].get(key)
        if p is None:
            diffs.append('%s: no such row from the peer' % key)
            continue
        n += 1
        for k in ('residents', 'pop', 'pop_cov15', 'pop_cov10', 'pop_cov5', 'residents_unreachable',
                  'residents_cut_off'):
            if k in r and k in p and abs((r[k] or 0) - (p[k] or 0)) > 1e-6:
                diffs.append('%s %s: plancheck %s, peer %s' % (key, k, r[k], p[k]))
        for c in cats:
            share_pc = r.get('cov_' + c)
            share_peer = p['pop_' + c] / p['pop'] if p['pop'] > 0 else None
            if share_pc is None or share_peer is None:
                if (share_pc is None) != (share_peer is None):
                    diffs.append('%s cov_%s: plancheck %s, peer %s' % (key, c, share_pc, share_peer))
            elif abs(share_pc - share_peer) > 5e-7 + 1e-12:
                diffs.append('%s cov_%s: plancheck %.6f, peer %.9f (%.0f people)' %
                             (key, c, share_pc, share_peer, p['pop_' + c]))
    return diffs, '%d rows x (population, 3 levels, %d categories, unreachable, cut off)' % (n, len(cats))


def green(pc, peer):
    diffs, n = [], 0
    rows = [('Total', pc['total'])] + [('unit:' + r['name'], r) for r in pc['units']] + \
           [('sub:' + r['name'], r) for r in pc['subdistricts']]
    for key, r in rows:
        p = peer['rows'].get(key)
        if p is None:
            diffs.append('%s: no such row from the peer' % key)
            continue
        n += 1
        for k in ('residents', 'pop', 'pop_covered'):
            if abs((r[k] or 0) - (p[k] or 0)) > 1e-6:
                diffs.append('%s %s: plancheck %s, peer %s' % (key, k, r[k], p[k]))
        for k in ('park_m2', 'res_m2', 'res_covered_m2'):
            if not close_area(r[k], p[k]):
                diffs.append('%s %s: plancheck %s, peer %.4f' % (key, k, r[k], p[k]))
        for k, v in r['verdicts'].items():
            if v != p['verdicts'].get(k):
                diffs.append('%s verdict %s: plancheck %s, peer %s' % (key, k, v, p['verdicts'].get(k)))
    return diffs, '%d rows x (population, covered population, park, residential and covered areas, 3 verdicts)' % n


def sites(pc, peer):
    diffs, n, nd = [], 0, 0
    counts = {}
    psites = peer['sites']
    for s in pc['sites']:
        key = str(s['fid'])
        p = psites.get(key)
        if p is None:
            diffs.append('site %s: not in the peer' % key)
            continue
        n += 1
        counts[s['verdict']] = counts.get(s['verdict'], 0) + 1
        if s['verdict'] != p['verdict']:
            diffs.append('site %s (%s): verdict plancheck %s, peer %s' % (key, s.get('use'), s['verdict'], p['verdict']))
        inv = s.get('involved') or {}
        for kind in set(inv) | set(p['involved']):
            a = (inv.get(kind) or {}).get('hectares')
            b = p['involved'].get(kind)
            if (kind in inv) != (kind in p['involved']):
                diffs.append('site %s: involves %s: plancheck %s, peer %s' % (key, kind, kind in inv,
                                                                              kind in p['involved']))
            elif a is not None and not close_area(a * 1e4, b, 0.5):
                diffs.append('site %s %s: plancheck %.6f ha, peer %.6f ha' % (key, kind, a, b / 1e4))
        for kind, d in (s.get('distances_m') or {}).items():
            q = p['distances'].get(kind)
            if d is None:
                continue  # the plan has no red line of that kind
            q = float('inf') if q is None else q  # the peers look 1 km around a site
            if d >= 1000 and q >= 1000:
                continue
            nd += 1
            if abs(d - q) > 0.0101:
                diffs.append('site %s distance to %s: plancheck %s m, peer %.4f m' % (key, kind, d, q))
        if 'coast' in p and s.get('coast_distance_m') is not None:
            nd += 1
            if abs(s['coast_distance_m'] - p['coast']) > 0.0101:
                diffs.append('site %s coast distance: plancheck %s, peer %.4f' % (key, s['coast_distance_m'],
                                                                                  p['coast']))
        if 'seaward' in p and bool(s.get('seaward')) != p['seaward']:
            diffs.append('site %s seaward: plancheck %s, peer %s' % (key, s.get('seaward'), p['seaward']))
    if len(psites) != len(pc['sites']):
        diffs.append('%d sites from plancheck, %d from the peer' % (len(pc['sites']), len(psites)))
    what = '%d sites (%s) x (verdict, involvement and overlap area per kind, seaward), %d distances' % (
        n, ', '.join('%d %s' % (v, k) for k, v in sorted(counts.items())), nd)
    return diffs, what


def residents(gpkg, peer_csv):
    from osgeo import ogr
    ogr.UseExceptions()
    ds = ogr.Open(gpkg)
    layer = ds.GetLayerByName('coverage_residents')
    defn = layer.GetLayerDefn()
    cols = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    dcols = [c for c in cols if c.startswith('d_')]
    fid_col = 'fid' if 'fid' in cols else cols[0]
    pc = {}
    for f in layer:
        pc[f.GetField(fid_col)] = [f.GetField(c) for c in dcols]
    diffs, n = [], 0
    with open(peer_csv) as fh:
        for row in csv.DictReader(fh):
            fid = int(row['fid'])
            mine = pc.get(fid)
            if mine is None:
                diffs.append('resident %d: not in plancheck output' % fid)
                continue
            for c, a in zip(dcols, mine):
                b = row.get(c, '')
                b = float(b) if b not in ('', None) else None
                n += 1
                if (a is None) != (b is None) or (a is not None and abs(a - b) > 0.0101):
                    diffs.append('resident %d %s: plancheck %s, peer %s' % (fid, c, a, b))
    return diffs, '%d resident-category distances (%d residents)' % (n, len(pc))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('coverage', 'green', 'sites', 'residents'):
        sys.exit(__doc__)
    what = sys.argv[1]
    if what == 'residents':
        diffs, checked = residents(sys.argv[2], sys.argv[3])
    else:
        pc, peer = (json.load(open(p)) for p in sys.argv[2:4])
        diffs, checked = {'coverage': coverage, 'green': green, 'sites': sites}[what](pc, peer)
    for d in diffs[:MAX_LINES]:
        print('  ' + d)
    if len(diffs) > MAX_LINES:
        print('  ... %d differences in all' % len(diffs))
    print('%s: %s %s' % (what, 'DISAGREE on' if diffs else 'agree on', checked))
    sys.exit(1 if diffs else 0)


if __name__ == '__main__':
    main()
