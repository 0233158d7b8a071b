import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NodeContext } from '../define.ts';
import type { GeoTransform, Grid } from '../grid.ts';
import { readSamples } from '../io/samplesStore.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import type { Composite, Polygons } from '../values.ts';
import { samplesFromPolygons } from './samplesFromPolygons.ts';
import { vectorLoad } from './vectorLoad.ts';
import { needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const DATA = sharedDataDir;
const LABELS = join(DATA, 'eolearn-svn-l1c/labels');
const skip = needs(sharedData('eolearn-svn-l1c/labels'));

function ctx(workDir: string): NodeContext {
  return {
    nodeId: 't',
    dataRoot: DATA,
    workDir,
    signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('no pool'); } },
    progress: () => {},
    resolvePath: (rel: string) => resolve(DATA, rel),
  } as NodeContext;
}

/** Composite on the LULC grid: f0 = pixel index, f1 = NaN on every 17th diagonal. */
function makeComposite(dir: string): { composite: Composite; lulc: Int32Array; w: number; h: number } {
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', join(LABELS, 'LULC.tif')]).toString());
  const [w, h] = info.size as [number, number];
  const grid: Grid = { width: w, height: h, geoTransform: info.geoTransform as GeoTransform, crs: { epsg: 32633 } };
  const writer = new CompositeWriter(join(dir, 'c.f32'), grid, ['idx', 'gap']);
  const block = new Float32Array(w * h * 2);
  for (let i = 0; i < w * h; i++) {
    block[2 * i] = i;
    block[2 * i + 1] = ((i % w) + Math.floor(i / w)) % 17 === 0 ? NaN : 1;
  }
  writer.writeWindow({ x: 0, y: 0, width: w, height: h }, block);
  const bin = join(dir, 'lulc.bin');
  execFileSync('gdal_translate', ['-q', '-of', 'ENVI', '-ot', 'Int32', join(LABELS, 'LULC.tif'), bin]);
  const buf = readFileSync(bin);
  return { composite: writer.commit(), lulc: new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), w, h };
}

test('samples every labelled pixel of the L1C fixture (numpy-equivalent order), drops NaN rows', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfp-'));
  const { composite, lulc, w } = makeComposite(dir);
  const classes = ['cultivated_land', 'forest', 'grassland', 'shrubland', 'artificial_surface'];
  const classIds = [1, 2, 3, 4, 8];
  const loaded = await vectorLoad.run(ctx(dir), {}, { path: 'eolearn-svn-l1c/labels/shapefiles', classes });
  const polygons = loaded.outputs.polygons as Polygons;
  assert.deepEqual(loaded.summary?.polygonsPerClass, { cultivated_land: 4, forest: 10, grassland: 26, shrubland: 33, artificial_surface: 11 });
  const res = await samplesFromPolygons.run(ctx(dir), { composite, polygons }, {});
  const table = await readSamples(res.outputs.samples);
  // independent expectation: row-major pixels with LULC > 0 and no NaN
  const expected: number[] = [];
  const dropped: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
  for (let i = 0; i < lulc.length; i++) {
    if (lulc[i] === 0) continue;
    if (((i % w) + Math.floor(i / w)) % 17 === 0) dropped[classes[classIds.indexOf(lulc[i])]]++;
    else expected.push(i);
  }
  assert.equal(table.y.length, expected.length);
  for (let r = 0; r < expected.length; r++) {
    assert.equal(table.X[2 * r], expected[r]);
    assert.equal(classIds[table.y[r]], lulc[expected[r]]);
  }
  assert.deepEqual(res.summary?.droppedPerClass, dropped);
  const ids = new Set(table.polygonId);
  assert.equal(res.summary?.polygonsUsed, ids.size); // (some tiny clipped polygons hold no pixel centre)
  const s = res.summary as Record<string, number>;
  assert.equal(s.polygonsUsed + s.polygonsWithoutSamples + s.polygonsOutsideRaster, 84);
});

test('WGS 84 GeoJSON polygons are reprojected to the raster CRS', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfp-'));
  const { composite, lulc } = makeComposite(dir);
  const loaded = await vectorLoad.run(ctx(dir), {}, { path: 'eolearn-svn-l1c/labels/training_polygons_wgs84.geojson' });
  const polygons = loaded.outputs.polygons as Polygons;
  assert.equal(polygons.crs.epsg, 4326);
  const res = await samplesFromPolygons.run(ctx(dir), { composite, polygons }, {});
  const table = await readSamples(res.outputs.samples);
  let agree = 0;
  const classIdOf: Record<string, number> = { cultivated_land: 1, forest: 2, grassland: 3, shrubland: 4, artificial_surface: 8 };
  for (let r = 0; r < table.y.length; r++) if (lulc[table.X[2 * r]] === classIdOf[polygons.classes[table.y[r]]]) agree++;
  assert.ok(agree / table.y.length > 0.995, `agreement ${agree / table.y.length}`);
});

test('clear errors: no overlap, empty class, class not listed', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfp-'));
  const { composite } = makeComposite(dir);
  const far: Polygons = {
    kind: 'Polygons', crs: { epsg: 32633 }, classes: ['a'], source: 'far.geojson',
    features: [{ id: 0, className: 'a', polygons: [[[[0, 0], [10, 0], [10, 10], [0, 10]]]] }],
  };
  await assert.rejects(samplesFromPolygons.run(ctx(dir), { composite, polygons: far }, {}), /polygons from far\.geojson \(EPSG:32633\) do not overlap the raster \(EPSG:32633\) extent/);
  const [ox, , , oy] = composite.grid.geoTransform;
  const sq = [[[[ox + 100, oy - 100], [ox + 200, oy - 100], [ox + 200, oy - 200], [ox + 100, oy - 200]]]];
  const missing: Polygons = { ...far, classes: ['a', 'b'], features: [{ id: 0, className: 'a', polygons: sq }] };
  await assert.rejects(samplesFromPolygons.run(ctx(dir), { composite, polygons: missing }, {}), /class "b" has no samples/);
  await assert.rejects(
    vectorLoad.run(ctx(dir), {}, { path: 'eolearn-svn-l1c/labels/shapefiles', classes: ['forest', 'grassland'] }),
    /class "artificial_surface" .* is not in the classes list/,
  );
});

test('a feature with no value under any polygon is named, with what to check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfp-'));
  const grid: Grid = { width: 40, height: 30, geoTransform: [500000, 10, 0, 5000000, 0, -10], crs: { epsg: 32633 } };
  const writer = new CompositeWriter(join(dir, 'nan.f32'), grid, ['B3_mean', 'B4_mean']);
  const block = new Float32Array(40 * 30 * 2);
  for (let i = 0; i < 40 * 30; i++) [block[2 * i], block[2 * i + 1]] = [700, NaN]; // B4 all no data
  writer.writeWindow({ x: 0, y: 0, width: 40, height: 30 }, block);
  const composite = writer.commit();
  const sq = [[[[500050, 4999950], [500150, 4999950], [500150, 4999850], [500050, 4999850]]]];
  const polygons: Polygons = { kind: 'Polygons', crs: { epsg: 32633 }, classes: ['a'], source: 'a.geojson', features: [{ id: 0, className: 'a', polygons: sq }] };
  await assert.rejects(
    samplesFromPolygons.run(ctx(dir), { composite, polygons }, {}),
    (err: Error & { details?: { code?: string } }) => {
      assert.match(err.message, /^class "a" has no samples: 1 polygon\(s\), 1 overlapping the raster, 100 pixel\(s\) dropped for missing features: B4_mean has no value under any polygon\. /);
      assert.match(err.message, /The band files behind it may hold only 0 \(no data\) or be cloudy on every date: check that year's band files/);
      assert.doesNotMatch(err.message, /B3_mean/);
      assert.equal(err.details?.code, 'empty-class');
      return true;
    },
  );
});
