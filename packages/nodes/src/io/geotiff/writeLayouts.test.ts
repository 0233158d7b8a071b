// writeGeoTiff's layouts (pixel, band = PlanarConfiguration 2, striped): GDAL reads each without a warning, sees the
// layout the tags declare and the same pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeoTiff } from './write.ts';
import { openRaster } from './read.ts';
import type { Grid, Window } from '../../grid.ts';

const reason = spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal']).status !== 0 && 'no /usr/bin/python3 with osgeo.gdal';
const skip = reason && (process.env.CI ? false : reason);
const grid: Grid = { width: 300, height: 203, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
const value = (b: number, x: number, y: number) => (x * 131 + y * 17 + b * 1000) % 65535;

for (const [layout, interleave, block] of [['pixel', 'PIXEL', '256x256'], ['band', 'BAND', '256x256'], ['striped', 'PIXEL', '300x9']] as const) {
  test(`writeGeoTiff layout ${layout}: GDAL reads it cleanly with INTERLEAVE=${interleave}, blocks ${block}, same values`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-wlayout-'));
    try {
      const path = join(dir, `${layout}.tif`);
      await writeGeoTiff(path, {
        grid, bandCount: 3, dataType: 'uint16', noData: 0, layout, ...(layout === 'striped' ? { rowsPerStrip: 9 } : {}),
        readWindow: (win: Window) => [0, 1, 2].map((b) => Uint16Array.from({ length: win.width * win.height }, (_, i) => value(b, win.x + (i % win.width), win.y + Math.floor(i / win.width)))),
      });
      const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, json
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
a = ds.ReadAsArray().astype('int64')
print(json.dumps({'interleave': ds.GetMetadataItem('INTERLEAVE', 'IMAGE_STRUCTURE'), 'block': ds.GetRasterBand(1).GetBlockSize(),
  'sum': [int(a[b].sum()) for b in range(3)], 'probe': int(a[2, 150, 299]), 'err': gdal.GetLastErrorMsg()}))`, path], { encoding: 'utf8' });
      const r = JSON.parse(out);
      assert.equal(r.interleave, interleave);
      assert.equal(r.block.join('x'), block);
      assert.equal(r.err, '');
      assert.equal(r.probe, value(2, 299, 150));
      const sums = [0, 1, 2].map((b) => {
        let s = 0;
        for (let y = 0; y < grid.height; y++) for (let x = 0; x < grid.width; x++) s += value(b, x, y);
        return s;
      });
      assert.deepEqual(r.sum, sums);
      const f = await openRaster(path);
      assert.match(f.readPath, new RegExp(`^direct/deflate/${layout === 'band' ? 'band' : 'pixel'}-interleaved/${layout === 'striped' ? 'striped' : 'tiled'}$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
