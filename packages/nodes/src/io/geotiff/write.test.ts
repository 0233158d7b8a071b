import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeoTiff, type WriteDataType } from './write.ts';
import { openRaster } from './read.ts';
import type { Grid, Window } from '../../grid.ts';
import { command, needs, python } from '../../../../../test/needs.ts';

const gdalOracles = needs(command('gdalinfo'), python('osgeo.gdal', 'numpy'));

const grid: Grid = { width: 300, height: 200, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };

/** Deterministic synthetic value for band b at pixel (x, y). */
function value(b: number, x: number, y: number, type: WriteDataType): number {
  if (type === 'uint8') return (x * 7 + y * 3 + b * 11) % 255;
  if (type === 'uint16') return (x * 131 + y * 17 + b * 1000) % 65535;
  if ((x + y + b) % 37 === 0) return NaN;
  return Math.fround(Math.sin(x * 0.05 + b) * 100 + y * 0.25);
}

function makeReader(type: WriteDataType, bands: number) {
  return (win: Window) => {
    const out = [];
    for (let b = 0; b < bands; b++) {
      const a = type === 'uint8' ? new Uint8Array(win.width * win.height) : type === 'uint16' ? new Uint16Array(win.width * win.height) : new Float32Array(win.width * win.height);
      for (let r = 0; r < win.height; r++) for (let c = 0; c < win.width; c++) a[r * win.width + c] = value(b, win.x + c, win.y + r, type);
      out.push(a);
    }
    return out;
  };
}

function gdalCheck(path: string): string {
  const res = spawnSync('gdalinfo', ['-checksum', path], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stderr.trim(), '', `gdalinfo stderr: ${res.stderr}`);
  assert.doesNotMatch(res.stdout, /warning|error/i);
  return res.stdout;
}

for (const [type, bands, noData] of [['float32', 3, NaN], ['uint16', 2, 0], ['uint8', 1, 255]] as const) {
  test(`writeGeoTiff ${type} x${bands}: gdalinfo clean, values read back by GDAL and by openRaster`, { skip: gdalOracles }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-write-'));
    try {
      const path = join(dir, `out_${type}.tif`);
      const descriptions = Array.from({ length: bands }, (_, i) => `band <${i}> & "desc"`);
      let progress = 0;
      await writeGeoTiff(path, { grid, bandCount: bands, dataType: type, noData, descriptions, readWindow: makeReader(type, bands), onProgress: (d) => (progress = d) });
      assert.equal(progress, 2);
      assert.deepEqual(readdirSync(dir), [`out_${type}.tif`]);

      const file = await openRaster(path);
      assert.equal(file.width, 300);
      assert.equal(file.bandCount, bands);
      assert.equal(file.dataType, type);
      assert.deepEqual(file.grid, grid);
      assert.deepEqual(file.descriptions, descriptions);
      assert.ok(Object.is(file.noData, noData) || file.noData === noData);
      const win = { x: 250, y: 190, width: 50, height: 10 };
      const data = await file.readWindow(win);
      for (let b = 0; b < bands; b++) {
        for (let i = 0; i < 500; i += 13) {
          const x = win.x + (i % 50), y = win.y + Math.floor(i / 50);
          const v = value(b, x, y, type);
          if (Number.isNaN(v)) assert.ok(Number.isNaN(data[b][i]));
          else assert.equal(data[b][i], v);
        }
      }

      { // gdalinfo oracle
        const info = gdalCheck(path);
        assert.match(info, /Block=256x256/);
        assert.match(info, /COMPRESSION=DEFLATE/);
        if (bands > 1) assert.match(info, /INTERLEAVE=PIXEL/);
        assert.match(info, /ID\["EPSG",32621\]/);
        assert.match(info, /Origin = \(500000\.0+,600000\.0+\)/);
        assert.match(info, /Description = band <0> & "desc"/);
        assert.match(info, type === 'float32' ? /NoData Value=nan/ : new RegExp(`NoData Value=${noData}`));
      }
      { // python osgeo.gdal oracle
        const script = `
import sys, json
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
out = []
for b in range(ds.RasterCount):
    a = ds.GetRasterBand(b + 1).ReadAsArray()
    out.append([None if a[y, x] != a[y, x] else float(a[y, x]) for (x, y) in [(0, 0), (255, 10), (256, 10), (299, 199), (123, 45)]])
print(json.dumps(out))`;
        const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' }));
        const pts = [[0, 0], [255, 10], [256, 10], [299, 199], [123, 45]];
        for (let b = 0; b < bands; b++) {
          const exp = pts.map(([x, y]) => { const v = value(b, x, y, type); return Number.isNaN(v) ? null : v; });
          assert.deepEqual(got[b], exp);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('writeGeoTiff: geographic EPSG and WKT-only CRS', { skip: needs(command('gdalinfo')) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-write-'));
  try {
    const geo = join(dir, 'geo.tif');
    await writeGeoTiff(geo, { grid: { width: 20, height: 10, geoTransform: [-55, 0.001, 0, 5, 0, -0.001], crs: { epsg: 4326 } }, bandCount: 1, dataType: 'uint8', readWindow: makeReader('uint8', 1) });
    assert.match(gdalCheck(geo), /ID\["EPSG",4326\]/);
    assert.deepEqual((await openRaster(geo)).grid.crs, { epsg: 4326 });

    const wkt = execFileSync('gdalsrsinfo', ['-o', 'wkt1', 'EPSG:32621'], { encoding: 'utf8' }).trim();
    const w = join(dir, 'wkt.tif');
    await writeGeoTiff(w, { grid: { width: 20, height: 10, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { wkt } }, bandCount: 1, dataType: 'uint8', readWindow: makeReader('uint8', 1) });
    assert.match(gdalCheck(w), /UTM zone 21N/);
    assert.match((await openRaster(w)).grid.crs.wkt ?? '', /^PROJCS\["WGS84\/UTMzone21N"|UTM/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeGeoTiff: abort and reader errors leave no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-write-'));
  try {
    const path = join(dir, 'x.tif');
    const ac = new AbortController();
    const big: Grid = { ...grid, width: 1024, height: 1024 };
    await assert.rejects(writeGeoTiff(path, {
      grid: big, bandCount: 1, dataType: 'uint8', signal: ac.signal,
      readWindow: (win) => { if (win.x > 0) ac.abort(); return makeReader('uint8', 1)(win); },
    }));
    await assert.rejects(writeGeoTiff(path, { grid, bandCount: 2, dataType: 'uint8', readWindow: makeReader('uint8', 1) }), /returned 1 bands, expected 2/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
