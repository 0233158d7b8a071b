import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRaster, openRaster, parseGdalDescriptions, rasterReadStats } from './read.ts';
import { command, needs, python, sharedData, sharedDataDir } from '../../../../../test/needs.ts';

const data = sharedDataDir;
const svn = join(data, 'eolearn-svn-l1c');
const fl = join(data, 'worldcereal-flanders-31ues');
const noData = needs(sharedData('eolearn-svn-l1c', 'worldcereal-flanders-31ues'));
const pyGdal = python('osgeo.gdal');

/** Independent read of a window with python3 osgeo.gdal: [band][row*w+col], NaN as null. */
function gdalWindow(path: string, x: number, y: number, w: number, h: number): (number | null)[][] {
  const script = `
import sys, json
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
x, y, w, h = map(int, sys.argv[2:6])
out = []
for b in range(ds.RasterCount):
    a = ds.GetRasterBand(b + 1).ReadAsArray(x, y, w, h).astype('float64').ravel()
    out.append([None if v != v else float(v) for v in a])
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path, String(x), String(y), String(w), String(h)], { encoding: 'utf8', maxBuffer: 1 << 30 }));
}

test('openRaster: grid, descriptions and nodata of the L1C fixture', { skip: noData }, async () => {
  const f = await openRaster(join(svn, 'S2_L1C_svn_2015_B2.tif'));
  assert.equal(f.width, 100);
  assert.equal(f.height, 101);
  assert.equal(f.bandCount, 5);
  assert.equal(f.dataType, 'uint16');
  assert.equal(f.noData, 0);
  assert.deepEqual(f.grid.crs, { epsg: 32633 });
  assert.ok(Math.abs(f.grid.geoTransform[0] - 465181.052) < 1e-3);
  assert.ok(Math.abs(f.grid.geoTransform[3] - 5080254.633) < 1e-3);
  assert.ok(Math.abs(f.grid.geoTransform[5] + 9.99745) < 1e-4);
  assert.equal(f.descriptions[0], '20150711T100008_20150711T100008_T33TVL');
  assert.equal(f.descriptions[4], '20150909T100017_20150909T100017_T33TVL');
  const prob = await openRaster(join(svn, 'S2_L1C_svn_2015_probability.tif'));
  assert.equal(prob.dataType, 'uint8');
  assert.equal(prob.noData, null);
  const fl18 = await openRaster(join(fl, 'S2_SR_flanders31ues_2018_B8A.tif'));
  assert.deepEqual(fl18.grid, { width: 64, height: 64, geoTransform: [574680, 10, 0, 5622440, 0, -10], crs: { epsg: 32631 } });
  assert.equal(fl18.bandCount, 24);
});

for (const rel of ['eolearn-svn-l1c/S2_L1C_svn_2015_B8.tif', 'eolearn-svn-l1c/S2_L1C_svn_2015_probability.tif', 'eolearn-svn-l1c/extras_all_dates/S2_L1C_svn_2016_NDVI.tif', 'worldcereal-flanders-31ues/S2_SR_flanders31ues_2019_B11.tif']) {
  test(`openRaster: window of ${rel} equals GDAL (predictor decoding)`, { skip: needs(pyGdal) || noData }, async () => {
    const path = join(data, rel);
    const f = await openRaster(path);
    const win = { x: 17, y: 9, width: 23, height: 31 };
    const before = { ...rasterReadStats };
    const got = await f.readWindow(win);
    assert.equal(rasterReadStats.windows, before.windows + 1);
    assert.ok(rasterReadStats.bytes > before.bytes);
    const exp = gdalWindow(path, win.x, win.y, win.width, win.height);
    assert.equal(got.length, exp.length);
    for (let b = 0; b < got.length; b++) {
      assert.equal(got[b].length, win.width * win.height);
      assert.deepEqual(Array.from(got[b], (v) => (Number.isNaN(v) ? null : v)), exp[b]);
    }
  });
}

test('parseGdalDescriptions handles escapes and missing samples', () => {
  const xml = '<GDALMetadata><Item name="DESCRIPTION" sample="1" role="description">a &amp;amp; b</Item><Item name="X">y</Item></GDALMetadata>';
  assert.deepEqual(parseGdalDescriptions(xml, 3), ['', 'a & b', '']);
  assert.deepEqual(parseGdalDescriptions(undefined, 2), ['', '']);
});

test('openRaster: a missing file is an error naming it', async () => {
  await assert.rejects(openRaster('/nonexistent/x.tif'), /nonexistent\/x\.tif/);
});

test('openRaster: strips, LZW (generic path), band-interleaved and uncompressed layouts read the same values', { skip: needs(command('gdal_translate')) || noData }, async () => {
  const src = join(fl, 'S2_SR_flanders31ues_2018_B11.tif');
  const dir = mkdtempSync(join(tmpdir(), 'sf-read-'));
  try {
    const ref = await openRaster(src);
    const win = { x: 5, y: 3, width: 50, height: 41 };
    const expected = await ref.readWindow(win);
    const variants: [string, string[]][] = [
      ['lzw.tif', ['-co', 'COMPRESS=LZW', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16']],
      ['strips.tif', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'BLOCKYSIZE=7']],
      ['band.tif', ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=DEFLATE']],
      ['raw.tif', ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=32', '-co', 'BLOCKYSIZE=32']],
    ];
    for (const [name, opts] of variants) {
      execFileSync('gdal_translate', ['-q', ...opts, src, join(dir, name)]);
      const f = await openRaster(join(dir, name));
      assert.deepEqual(f.descriptions, ref.descriptions, name);
      assert.deepEqual(await f.readWindow(win), expected, name);
      // Pixel-major read of the same window: sample s of pixel p at p * bandCount + s.
      const inter = await f.readWindowInterleaved(win);
      for (let b = 0; b < f.bandCount; b++) assert.deepEqual(Array.from({ length: win.width * win.height }, (_, p) => inter[p * f.bandCount + b]), Array.from(expected[b]), `${name} interleaved band ${b}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readWindowInterleaved: whole-tile, edge and multi-tile windows of a 72-sample stack equal GDAL; buffers are reused', { skip: needs(pyGdal) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-inter-'));
  try {
    const path = join(dir, 'stack.tif');
    // 300 x 270 px, 72 uint16 samples with no-data zeros, 256 px tiles, DEFLATE + horizontal predictor, like GEE.
    execFileSync('/usr/bin/python3', ['-c', `
import numpy as np
from osgeo import gdal
rng = np.random.default_rng(3)
a = rng.integers(0, 5000, size=(72, 270, 300), dtype=np.uint16)
a[a < 200] = 0
ds = gdal.GetDriverByName('GTiff').Create('${path}', 300, 270, 72, gdal.GDT_UInt16, ['TILED=YES', 'COMPRESS=DEFLATE', 'PREDICTOR=2', 'INTERLEAVE=PIXEL'])
for b in range(72): ds.GetRasterBand(b + 1).WriteArray(a[b])
ds = None`]);
    const f = await openRaster(path);
    for (const win of [{ x: 0, y: 0, width: 256, height: 256 }, { x: 256, y: 256, width: 44, height: 14 }, { x: 200, y: 100, width: 90, height: 170 }]) {
      const got = await f.readWindowInterleaved(win);
      const exp = gdalWindow(path, win.x, win.y, win.width, win.height);
      for (let b = 0; b < 72; b += 7) {
        assert.deepEqual(Array.from({ length: win.width * win.height }, (_, p) => got[p * 72 + b]), exp[b], `${JSON.stringify(win)} band ${b}`);
      }
    }
    const full = { x: 0, y: 0, width: 256, height: 256 };
    const into = new Uint16Array(256 * 256 * 72);
    assert.equal(await f.readWindowInterleaved(full, into), into, 'the given buffer is filled and returned');
    assert.notEqual(await f.readWindowInterleaved(full, new Uint8Array(256 * 256 * 72)), into, 'a buffer of another type is not used');
    // A caller still holding the file after the cache closed it (LRU eviction) reads on: the file is reopened.
    const before = await f.readWindowInterleaved({ x: 256, y: 0, width: 44, height: 256 });
    closeRaster(path);
    assert.deepEqual(await f.readWindowInterleaved({ x: 256, y: 0, width: 44, height: 256 }), before);
    closeRaster(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
