/** Issue 8 item 10: a truncated GeoTIFF says "the file is truncated" and names the file (GDAL-written and ours). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Grid } from '../../grid.ts';
import { closeRaster, openRaster } from './read.ts';
import { writeGeoTiff } from './write.ts';

const W = 300;
const H = 200;
const grid = { width: W, height: H, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } } as Grid;

async function readAll(file: string): Promise<void> {
  closeRaster(file);
  const r = await openRaster(file);
  await r.readWindow({ x: 0, y: 0, width: W, height: H });
}

test('a truncated GeoTIFF (our writer: directory at the end) is reported as truncated, naming it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-trunc-'));
  const file = path.join(dir, 'a.tif');
  const data = new Float32Array(W * H).map((_, i) => Math.sin(i));
  await writeGeoTiff(file, { grid, bandCount: 1, dataType: 'float32', noData: null, readWindow: (win) => {
    const o = new Float32Array(win.width * win.height);
    for (let r = 0; r < win.height; r++) o.set(data.subarray((win.y + r) * W + win.x, (win.y + r) * W + win.x + win.width), r * win.width);
    return [o];
  } });
  await readAll(file);
  const cut = path.join(dir, 'cut.tif');
  copyFileSync(file, cut);
  truncateSync(cut, Math.floor(statSync(file).size / 2));
  await assert.rejects(readAll(cut), /cut\.tif: the file is truncated \(\d+ bytes, but its image directory is at byte \d+\)/);
});

const gdal = spawnSync('gdal_translate', ['--version']).status === 0 ? false : 'gdal_translate is missing';
test('a truncated GDAL GeoTIFF (directory first, tiles cut) is reported as truncated', { skip: gdal && (process.env.CI ? false : gdal) }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-trunc-'));
  const file = path.join(dir, 'g.tif');
  const r = spawnSync('gdal_create', ['-outsize', String(W), String(H), '-bands', '1', '-ot', 'Float32', '-burn', '3', '-co', 'TILED=YES', '-co', 'COMPRESS=NONE', file]);
  assert.equal(r.status, 0, r.stderr?.toString());
  await readAll(file);
  truncateSync(file, Math.floor(statSync(file).size * 0.6));
  await assert.rejects(readAll(file), /g\.tif: the file is truncated \(\d+ bytes, but its last tile or strip is at byte \d+\)/);
});
