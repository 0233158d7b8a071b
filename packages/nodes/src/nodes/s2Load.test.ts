import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import { s2Load } from './s2Load.ts';
import { needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const DATA = sharedDataDir;
const skip = needs(sharedData('eolearn-svn-l1c'));

function ctx(root: string, workDir = root): NodeContext {
  return {
    nodeId: 'load', dataRoot: root, workDir, signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('no pool'); } },
    progress: () => {},
    resolvePath: (rel: string) => resolve(root, rel),
  } as NodeContext;
}
const run = (root: string, params: Record<string, unknown>) => s2Load.run(ctx(root), {}, s2Load.params.parse(params));

test('s2.load: L1C fixture with s2cloudless probability', { skip }, async () => {
  const bands = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B9', 'B10', 'B11', 'B12'];
  const res = await run(DATA, { dir: 'eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2015, bands });
  const s = res.outputs.series;
  assert.equal(s.kind, 'TimeSeries');
  assert.deepEqual(s.dates, ['2015-07-11T10:00:08Z', '2015-07-31T10:00:09Z', '2015-08-20T10:07:28Z', '2015-08-30T10:05:47Z', '2015-09-09T10:00:17Z']);
  assert.deepEqual(s.variables, bands);
  assert.deepEqual(Object.keys(s.bands), bands);
  assert.equal(s.grid.width, 100);
  assert.equal(s.grid.height, 101);
  assert.deepEqual(s.grid.crs, { epsg: 32633 });
  assert.equal(s.cloud?.layer, 'probability');
  assert.match(s.cloud!.source.tiles[0].path, /S2_L1C_svn_2015_probability\.tif$/);
  assert.equal(s.dnOffset, 0);
  assert.deepEqual(s.mask, { method: 'none' });
  assert.deepEqual(s.indices, []);
  assert.equal(res.summary?.dates, 5);
  assert.equal(res.summary?.crs, 'EPSG:32633');
  assert.equal(res.summary?.firstDate, '2015-07-11T10:00:08Z');
  JSON.parse(JSON.stringify(s)); // plain JSON
});

test('s2.load: L2A fixture with SCL, default bands, baseline offset', { skip }, async () => {
  const res = await run(DATA, { dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2019, cloudLayer: 'scl', removeBaselineOffset: true });
  const s = res.outputs.series;
  assert.deepEqual(s.variables, ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12']);
  assert.equal(s.dates.length, 48);
  assert.equal(s.dates[0].slice(0, 10), '2019-01-01');
  assert.equal(s.cloud?.layer, 'scl');
  assert.equal(s.dnOffset, 1000);
  assert.deepEqual(s.grid.geoTransform, [574680, 10, 0, 5622440, 0, -10]);
});

test('s2.load: missing cloud layer / band / prefix name the expected file', { skip }, async () => {
  await assert.rejects(run(DATA, { dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2018 }), (e: NodeError) => {
    assert.ok(e instanceof NodeError);
    assert.equal(e.details.param, 'cloudLayer');
    assert.match(e.message, /no cloud probability \(<PREFIX>_<YEAR>_probability\.tif\) file for S2_SR_flanders31ues 2018/);
    assert.match(e.message, /set cloudLayer to "scl" or "none"/);
    return true;
  });
  await assert.rejects(run(DATA, { dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2018, bands: ['B2', 'B1'], cloudLayer: 'none' }), (e: NodeError) => {
    assert.equal(e.details.param, 'bands');
    assert.match(e.message, /band B1 is not in worldcereal-flanders-31ues\/ for S2_SR_flanders31ues 2018/);
    return true;
  });
  await assert.rejects(run(DATA, { dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2020, cloudLayer: 'none' }), (e: NodeError) => e.details.param === 'year');
  await assert.rejects(run(DATA, { dir: 'worldcereal-flanders-31ues', prefix: 'nope', year: 2018, cloudLayer: 'none' }), (e: NodeError) => e.details.param === 'prefix');
  await assert.rejects(run(DATA, { dir: 'no-such-dir', prefix: 'x', year: 2018 }), (e: NodeError) => e.details.param === 'dir');
});

test('s2.load: files on another grid or with other dates are refused, naming the file', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'sf-load-'));
  try {
    const fl = join(DATA, 'worldcereal-flanders-31ues');
    symlinkSync(join(fl, 'S2_SR_flanders31ues_2018_B2.tif'), join(root, 'X_2018_B2.tif'));
    symlinkSync(join(DATA, 'eolearn-svn-l1c/S2_L1C_svn_2015_B3.tif'), join(root, 'X_2018_B3.tif'));
    symlinkSync(join(fl, 'S2_SR_flanders31ues_2019_B4.tif'), join(root, 'X_2018_B4.tif'));
    await assert.rejects(run(root, { dir: '.', prefix: 'X', year: 2018, bands: ['B2', 'B3'], cloudLayer: 'none' }), (e: NodeError) => {
      assert.equal(e.details.file, join(root, 'X_2018_B3.tif'));
      assert.match(e.message, /X_2018_B3\.tif is on a different grid than .*X_2018_B2\.tif: 100x101 px.*EPSG:32633 vs 64x64 px.*EPSG:32631/);
      return true;
    });
    await assert.rejects(run(root, { dir: '.', prefix: 'X', year: 2018, bands: ['B2', 'B4'], cloudLayer: 'none' }), /X_2018_B4\.tif has 48 raster bands \(dates\) but .*X_2018_B2\.tif has 24/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('s2.load: fingerprint lists size and mtime of every file used', { skip }, async () => {
  const p = s2Load.params.parse({ dir: 'eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2015, bands: ['B2', 'B8'] });
  const fp = await s2Load.fingerprint!(p, ctx(DATA));
  const lines = fp.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^S2_L1C_svn_2015_B2\.tif:70794:/);
  assert.match(lines[2], /^S2_L1C_svn_2015_probability\.tif:/);
});
