import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polygonBounds, rasterizePolygons, type Shape } from './rasterizePolygons.ts';
import type { GeoTransform } from '../grid.ts';
import { command, needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const L1C = join(sharedDataDir, 'eolearn-svn-l1c/labels/');

function geomShape(g: { type: string; coordinates: unknown }): Shape {
  return g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as Shape);
}

/** gdal_rasterize of `geojsonPath` burning attribute `attr` onto a grid, read back as Int32. */
function gdalBurn(geojsonPath: string, attr: string, gt: GeoTransform, w: number, h: number, epsg: number): Int32Array {
  const dir = mkdtempSync(join(tmpdir(), 'rast-'));
  const out = join(dir, 'out.bin');
  const xmax = gt[0] + w * gt[1];
  const ymin = gt[3] + h * gt[5];
  execFileSync('gdal_rasterize', ['-q', '-a', attr, '-init', '-1', '-ot', 'Int32', '-of', 'ENVI', '-a_srs', `EPSG:${epsg}`,
    '-te', String(gt[0]), String(ymin), String(xmax), String(gt[3]), '-ts', String(w), String(h), geojsonPath, out]);
  const buf = readFileSync(out);
  return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

test('square with a hole and a multipolygon, pixel centres', () => {
  const gt: GeoTransform = [0, 1, 0, 10, 0, -1];
  const square: Shape = [[[[1, 9], [6, 9], [6, 4], [1, 4], [1, 9]], [[2, 8], [4, 8], [4, 6], [2, 6], [2, 8]]]];
  const multi: Shape = [[[[7, 2], [9, 2], [9, 0], [7, 0]]], [[[0, 1], [1, 1], [1, 0], [0, 0]]]];
  const r = rasterizePolygons([square, multi], { geoTransform: gt }, { x: 0, y: 0, width: 10, height: 10 });
  const at = (x: number, y: number) => r[y * 10 + x];
  assert.equal(at(1, 1), 0); // centre (1.5, 8.5)
  assert.equal(at(5, 5), 0);
  assert.equal(at(2, 2), -1); // hole
  assert.equal(at(3, 3), -1);
  assert.equal(at(0, 0), -1);
  assert.equal(at(7, 8), 1);
  assert.equal(at(0, 9), 1);
  let n0 = 0;
  for (const v of r) if (v === 0) n0++;
  assert.equal(n0, 25 - 4);
  assert.deepEqual(polygonBounds([square], { width: 10, height: 10, geoTransform: gt }), { x: 1, y: 1, width: 5, height: 5 });
  assert.equal(polygonBounds([[[[[20, 20], [30, 20], [30, 30]]]]], { width: 10, height: 10, geoTransform: gt }), null);
  // a window offset gives the same pixels
  const sub = rasterizePolygons([square, multi], { geoTransform: gt }, { x: 3, y: 2, width: 4, height: 5 });
  for (let y = 0; y < 5; y++) for (let x = 0; x < 4; x++) assert.equal(sub[y * 4 + x], at(x + 3, y + 2));
});

test('rotated geotransform is rejected', () => {
  assert.throws(() => rasterizePolygons([], { geoTransform: [0, 1, 0.1, 0, 0, -1] }, { x: 0, y: 0, width: 1, height: 1 }), /rotated/);
});

test('matches gdal_rasterize and LULC.tif on the L1C fixture', { skip: needs(sharedData('eolearn-svn-l1c/labels'), command('gdal_rasterize'), command('gdalinfo')) }, () => {
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', join(L1C, 'LULC.tif')]).toString());
  const gt = info.geoTransform as GeoTransform;
  const [w, h] = info.size as [number, number];
  const path = join(L1C, 'training_polygons_utm33n.geojson');
  const fc = JSON.parse(readFileSync(path, 'utf8'));
  const shapes = fc.features.map((f: { geometry: { type: string; coordinates: unknown } }) => geomShape(f.geometry));
  const ours = rasterizePolygons(shapes, { geoTransform: gt }, { x: 0, y: 0, width: w, height: h });
  // gdal: burn the feature index
  const dir = mkdtempSync(join(tmpdir(), 'rast-'));
  const indexed = join(dir, 'indexed.geojson');
  fc.features.forEach((f: { properties: Record<string, unknown> }, i: number) => (f.properties.fidx = i));
  writeFileSync(indexed, JSON.stringify(fc));
  const gdal = gdalBurn(indexed, 'fidx', gt, w, h, 32633);
  let diff = 0;
  for (let i = 0; i < ours.length; i++) if (ours[i] !== gdal[i]) diff++;
  assert.equal(diff, 0, `${diff} pixels differ from gdal_rasterize`);
  // LULC.tif holds class ids (0 = none)
  const lulcBin = join(dir, 'lulc.bin');
  execFileSync('gdal_translate', ['-q', '-of', 'ENVI', '-ot', 'Int32', join(L1C, 'LULC.tif'), lulcBin]);
  const buf = readFileSync(lulcBin);
  const lulc = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let bad = 0;
  for (let i = 0; i < ours.length; i++) {
    const cls = ours[i] < 0 ? 0 : fc.features[ours[i]].properties.class_id;
    if (cls !== lulc[i]) bad++;
  }
  assert.equal(bad, 0, `${bad} pixels differ from LULC.tif`);
  // bounds of everything = the whole grid here
  assert.deepEqual(polygonBounds(shapes, { width: w, height: h, geoTransform: gt }), { x: 0, y: 0, width: w, height: h });
});

// Speed is measured by `npm run bench`, never asserted here (the machine is shared and noisy).
test('large polygon (2,000 vertices over 3,000 x 3,000 px) covers its area', () => {
  const n = 2000;
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) ring.push([1500 + 1400 * Math.cos((2 * Math.PI * i) / n), 1500 + 1400 * Math.sin((2 * Math.PI * i) / n)]);
  const r = rasterizePolygons([[[ring]]], { geoTransform: [0, 1, 0, 3000, 0, -1] }, { x: 0, y: 0, width: 3000, height: 3000 });
  let inside = 0;
  for (const v of r) if (v === 0) inside++;
  assert.ok(Math.abs(inside - Math.PI * 1400 * 1400) / (Math.PI * 1400 * 1400) < 0.001);
});
