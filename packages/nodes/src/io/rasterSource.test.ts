import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSource, findBandFiles, parseAcquisitionTime, readSourceWindow, readSourceWindowPlanar, sourceInterleave } from './rasterSource.ts';
import { openRaster } from './geotiff/read.ts';
import { writeGeoTiff } from './geotiff/write.ts';
import { needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const fl = join(sharedDataDir, 'worldcereal-flanders-31ues');
const skip = needs(sharedData('worldcereal-flanders-31ues'));

test('parseAcquisitionTime reads the leading YYYYMMDDTHHMMSS only', () => {
  assert.equal(parseAcquisitionTime('20190105T141049_20190105T141044_T21NYF'), '2019-01-05T14:10:49Z');
  assert.equal(parseAcquisitionTime('20180804T105022_20180804T105022_T31UES_B2'), '2018-08-04T10:50:22Z');
  assert.equal(parseAcquisitionTime('B2'), null);
  assert.equal(parseAcquisitionTime('20190230T000000'), null);
});

test('findBandFiles: single file, GEE tiles, missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-src-'));
  try {
    for (const n of ['P_2019_B2.tif', 'P_2019_B3-0000000000-0000000256.tif', 'P_2019_B3-0000000000-0000000000.tif', 'P_2019_B3-0000000256-0000000000.tif', 'P_2019_B30.tif']) writeFileSync(join(dir, n), '');
    assert.deepEqual(findBandFiles(dir, 'P', 2019, 'B2'), [join(dir, 'P_2019_B2.tif')]);
    assert.deepEqual(findBandFiles(dir, 'P', 2019, 'B3').map((p) => p.slice(dir.length + 1)), [
      'P_2019_B3-0000000000-0000000000.tif', 'P_2019_B3-0000000000-0000000256.tif', 'P_2019_B3-0000000256-0000000000.tif',
    ]);
    assert.deepEqual(findBandFiles(dir, 'P', 2019, 'B4'), []);
    assert.deepEqual(findBandFiles(dir, 'P', 2018, 'B2'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const layout of ['pixel', 'band'] as const) test(`GEE split tiles (${layout}-interleaved) mosaic back to the original raster, in both sample orders`, { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-src-'));
  try {
    const original = await openRaster(join(fl, 'S2_SR_flanders31ues_2018_B2.tif'));
    const [ox, pw, , oy, , ph] = original.grid.geoTransform;
    // 2 x 2 tiles split at row 32 and column 40 (uneven, like GEE's last row/column of tiles).
    for (const [yOff, h] of [[0, 32], [32, 32]]) {
      for (const [xOff, w] of [[0, 40], [40, 24]]) {
        const name = `T_2018_B2-${String(yOff).padStart(10, '0')}-${String(xOff).padStart(10, '0')}.tif`;
        await writeGeoTiff(join(dir, name), {
          grid: { width: w, height: h, geoTransform: [ox + xOff * pw, pw, 0, oy + yOff * ph, 0, ph], crs: original.grid.crs },
          bandCount: original.bandCount, dataType: 'uint16', noData: 0, descriptions: original.descriptions, tileSize: 16, layout,
          readWindow: (win) => original.readWindow({ x: win.x + xOff, y: win.y + yOff, width: win.width, height: win.height }),
        });
      }
    }
    const files = findBandFiles(dir, 'T', 2018, 'B2');
    assert.equal(files.length, 4);
    const { source, info } = await describeSource(files);
    assert.equal(source.width, 64);
    assert.equal(source.height, 64);
    assert.equal(source.bandCount, 24);
    assert.deepEqual(info.grid, original.grid);
    assert.equal(info.dataType, 'uint16');
    assert.deepEqual(info.descriptions, original.descriptions);
    assert.equal(await sourceInterleave(source), layout);
    for (const win of [{ x: 0, y: 0, width: 64, height: 64 }, { x: 30, y: 20, width: 20, height: 30 }, { x: 41, y: 33, width: 5, height: 3 }]) {
      const got = await readSourceWindow(source, win);
      const exp = await original.readWindow(win);
      assert.equal(got.length, 24);
      for (let b = 0; b < 24; b++) {
        assert.ok(got[b] instanceof Uint16Array);
        assert.deepEqual(got[b], exp[b]);
      }
      // Band-major (what the composite kernel reads from band-interleaved files): the bands one after another.
      const planar = await readSourceWindowPlanar(source, win);
      const n = win.width * win.height;
      for (let b = 0; b < 24; b++) assert.deepEqual(planar.subarray(b * n, (b + 1) * n), exp[b], `band ${b + 1} of ${JSON.stringify(win)}`);
      // With padded planes (what the composite kernel is given): plane b at b * stride (the gaps are scratch).
      const stride = n + 7;
      const into = new Uint16Array(23 * stride + n).fill(65535);
      const padded = await readSourceWindowPlanar(source, win, () => into, stride);
      assert.equal(padded, into);
      for (let b = 0; b < 24; b++) {
        assert.deepEqual(padded.subarray(b * stride, b * stride + n), exp[b], `padded band ${b + 1} of ${JSON.stringify(win)}`);
      }
      const single = await openRaster(files[0]);
      const first = { x: 0, y: 0, width: 40, height: 32 };
      const firstExp = await original.readWindow(first);
      const direct = await single.readWindowPlanar(first, undefined, 40 * 32 + 5);
      for (let b = 0; b < 24; b++) assert.deepEqual(direct.subarray(b * (40 * 32 + 5), b * (40 * 32 + 5) + 40 * 32), firstExp[b]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
