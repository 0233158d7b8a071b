/** evaluateCompositeWindow on the real fixtures against an independent numpy + GDAL computation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { CloudMaskSpec, IndexSpec, RasterSource, TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import { SPECTRAL_INDICES } from '../kernels/spectralIndices.ts';
import type { Reducer } from '../kernels/temporalReduce.ts';
import { compositeFeatureNames, evaluateCompositeWindow, type AggregateSpec } from './evaluateComposite.ts';
import { needs, python, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const data = sharedDataDir;
const svn = join(data, 'eolearn-svn-l1c');
const fl = join(data, 'worldcereal-flanders-31ues');
const skip = needs(sharedData('eolearn-svn-l1c', 'worldcereal-flanders-31ues'), python('osgeo.gdal', 'numpy'));

const source = (path: string, width: number, height: number, bandCount: number): RasterSource => ({
  tiles: [{ path, xOff: 0, yOff: 0, width, height }],
  width,
  height,
  bandCount,
});

function series(dir: string, prefix: string, bands: string[], cloud: 'probability' | 'SCL' | null, size: [number, number, number], mask: CloudMaskSpec, indices: IndexSpec[], dnOffset = 0): TimeSeries {
  const [w, h, n] = size;
  return {
    kind: 'TimeSeries',
    grid: { width: w, height: h, geoTransform: [0, 10, 0, 0, 0, -10], crs: { epsg: 32633 } },
    dates: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2019, 0, 1 + i)).toISOString()),
    bands: Object.fromEntries(bands.map((b) => [b, source(join(dir, `${prefix}_${b}.tif`), w, h, n)])),
    cloud: cloud ? { layer: cloud === 'SCL' ? 'scl' : 'probability', source: source(join(dir, `${prefix}_${cloud}.tif`), w, h, n) } : undefined,
    dnOffset,
    mask,
    indices,
    variables: [...bands, ...indices.map((i) => i.name)],
  };
}

function reference(ts: TimeSeries, spec: AggregateSpec, win: Window): Record<string, (number | null)[]> {
  const cfg = {
    bands: Object.fromEntries(Object.entries(ts.bands).map(([k, s]) => [k, s.tiles[0].path])),
    cloud: ts.cloud?.source.tiles[0].path ?? null,
    mask: ts.mask,
    dnOffset: ts.dnOffset,
    indices: ts.indices,
    variables: spec.variables,
    reducers: spec.reducers,
    window: win,
  };
  const script = join(import.meta.dirname, 'testdata/composite_reference.py');
  return JSON.parse(execFileSync('/usr/bin/python3', [script], { input: JSON.stringify(cfg), encoding: 'utf8', maxBuffer: 1 << 28 }));
}

async function compare(ts: TimeSeries, spec: AggregateSpec, win: Window): Promise<Record<string, number>> {
  const got = await evaluateCompositeWindow(ts, spec, win);
  const names = compositeFeatureNames(ts, spec);
  const exp = reference(ts, spec, win);
  const nPix = win.width * win.height;
  assert.equal(got.length, nPix * names.length);
  const nanFraction: Record<string, number> = {};
  names.forEach((name, f) => {
    const e = exp[name];
    assert.ok(e, `reference has no feature ${name} (has ${Object.keys(exp).join(', ')})`);
    let nan = 0;
    for (let p = 0; p < nPix; p++) {
      const a = got[p * names.length + f];
      const x = e[p];
      if (x === null) {
        if (!Number.isNaN(a)) assert.fail(`${name} pixel ${p}: numpy NaN, got ${a}`);
        nan++;
      } else if (!(Math.abs(a - x) <= 1e-4 * Math.abs(x) + 1e-6)) assert.fail(`${name} pixel ${p}: numpy ${x}, got ${a}`);
    }
    nanFraction[name] = nan / nPix;
  });
  return nanFraction;
}

const allReducers: Reducer[] = ['mean', 'std', 'min', 'max', 'median', 'count', { quantile: 0.1 }, { quantile: 0.9 }, { quantile: 0.25 }];
const presets = (...names: string[]) => names.map((n) => ({ name: n, expression: SPECTRAL_INDICES[n].expression }));

test('L1C fixture, s2cloudless probability > 20: bands + NDVI/NDWI/BSI match numpy', { skip }, async () => {
  const ts = series(svn, 'S2_L1C_svn_2015', ['B2', 'B3', 'B4', 'B8', 'B11'], 'probability', [100, 101, 5], { method: 'probability', threshold: 20 }, presets('NDVI', 'NDWI', 'BSI'));
  const spec = { variables: ['B2', 'B8', 'NDVI', 'NDWI', 'BSI'], reducers: allReducers };
  const full = await compare(ts, spec, { x: 0, y: 0, width: 100, height: 101 });
  assert.equal(full.B2_count, 0, 'three clear dates everywhere');
  await compare(ts, spec, { x: 13, y: 7, width: 50, height: 61 });
  // A strict threshold masks every date of some pixels: those must be NaN (count 0) exactly where numpy has NaN.
  const strict = { ...ts, mask: { method: 'probability' as const, threshold: 1 } };
  const nan = await compare(strict, { variables: ['B2', 'NDVI'], reducers: ['mean', 'count', { quantile: 0.1 }] }, { x: 0, y: 0, width: 100, height: 101 });
  assert.ok(nan.B2_mean > 0.01 && nan.B2_mean < 0.99, `some all-masked pixels (${nan.B2_mean})`);
});

test('L2A fixture 2019, SCL mask: 48 dates, all-NaN pixels, custom expression', { skip }, async () => {
  const custom = { name: 'NDRE', expression: '(B8A - B5) / (B8A + B5)' };
  const ts = series(fl, 'S2_SR_flanders31ues_2019', ['B2', 'B4', 'B5', 'B8', 'B8A', 'B11', 'B12'], 'SCL', [64, 64, 48], { method: 'scl', classes: [3, 8, 9, 10] }, [...presets('NDVI', 'NDMI', 'NBR', 'SAVI'), custom]);
  await compare(ts, { variables: ['B2', 'B11', 'NDVI', 'NDMI', 'NBR', 'SAVI', 'NDRE'], reducers: allReducers }, { x: 5, y: 9, width: 40, height: 33 });
});

test('L2A fixture 2018, reference (difference to B2 reference) mask, dnOffset 1000, only needed bands read', { skip }, async () => {
  const ts = series(fl, 'S2_SR_flanders31ues_2018', ['B2', 'B3', 'B4', 'B8', 'B11'], 'SCL', [64, 64, 24], { method: 'reference', threshold: 0.04, referenceBand: 'B2', lowestFraction: 0.1 }, presets('NDVI', 'EVI'), 1000);
  await compare(ts, { variables: ['NDVI', 'EVI', 'B3'], reducers: ['mean', 'median', 'count', { quantile: 0.05 }] }, { x: 0, y: 0, width: 64, height: 64 });
  const none = { ...ts, mask: { method: 'none' as const } };
  await compare(none, { variables: ['B4', 'NDVI'], reducers: ['mean', 'std'] }, { x: 30, y: 30, width: 34, height: 34 });
});

// Mean and count alone take the kernel's running-sum path (the default graph's): integer bands summed as raw DN
// with no-data zeros taken off the count, indices skipped on a zero input. Pinned to numpy like the rest.
test('mean + count only (running-sum path): L1C probability mask, L2A SCL mask with dnOffset 1000', { skip }, async () => {
  const l1c = series(svn, 'S2_L1C_svn_2015', ['B2', 'B3', 'B4', 'B8', 'B11'], 'probability', [100, 101, 5], { method: 'probability', threshold: 1 }, presets('NDVI', 'NDWI', 'BSI'));
  const nan = await compare(l1c, { variables: ['B2', 'B3', 'B4', 'B8', 'B11', 'NDVI', 'NDWI', 'BSI'], reducers: ['mean', 'count'] }, { x: 0, y: 0, width: 100, height: 101 });
  assert.ok(nan.B2_mean > 0.01, 'some pixels have no clear date');
  const l2a = series(fl, 'S2_SR_flanders31ues_2019', ['B2', 'B4', 'B8', 'B11'], 'SCL', [64, 64, 48], { method: 'scl', classes: [3, 8, 9, 10] }, presets('NDVI', 'BSI'), 1000);
  await compare(l2a, { variables: ['B2', 'B11', 'NDVI', 'BSI'], reducers: ['count', 'mean'] }, { x: 0, y: 0, width: 64, height: 64 });
});
