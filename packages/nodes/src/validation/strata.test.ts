import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkWindows, type Grid } from '../grid.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { openRaster } from '../io/geotiff/read.ts';
import { dilate, readStrata } from './strata.ts';

test('dilate marks pixels within r (Chebyshev) of a set pixel', () => {
  const w = 7, h = 5, m = new Uint8Array(w * h);
  m[2 * w + 3] = 1;
  const d = dilate(m, w, h, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) assert.equal(d[y * w + x], Math.abs(x - 3) <= 1 && Math.abs(y - 2) <= 1 ? 1 : 0);
});

test('strata read window by window equal the strata of the whole map (the buffer looks across window edges)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-strata-'));
  try {
    const grid: Grid = { width: 100, height: 80, geoTransform: [0, 10, 0, 800, 0, -10], crs: { epsg: 32621 } };
    const paths = [join(dir, 'b.tif'), join(dir, 'a.tif')];
    for (const [k, p] of paths.entries()) {
      await writeGeoTiff(p, {
        grid, bandCount: 1, dataType: 'uint8', noData: 255,
        readWindow: (win) => [Uint8Array.from({ length: win.width * win.height }, (_, i) => {
          const x = win.x + (i % win.width), y = win.y + Math.floor(i / win.width);
          return (x * 7 + y * 3) % 61 === 0 ? 254 : (x + y * 2 + k * 5) % 37 < 3 ? 2 : x < 10 ? 0 : 1;
        })],
      });
    }
    const files = await Promise.all(paths.map((p) => openRaster(p)));
    const spec = { design: 'change' as const, nClasses: 3, buffer: { pixels: 4, around: 2 } };
    const whole = (await readStrata(files, grid, spec, { x: 0, y: 0, width: 100, height: 80 })).strata;
    assert.ok(whole.includes(10), 'the buffer stratum exists');
    for (const win of chunkWindows(grid, 16)) {
      const { strata } = await readStrata(files, grid, spec, win);
      for (let i = 0; i < strata.length; i++) assert.equal(strata[i], whole[(win.y + Math.floor(i / win.width)) * 100 + win.x + (i % win.width)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
