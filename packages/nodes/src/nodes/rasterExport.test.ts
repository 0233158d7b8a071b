import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import { openRaster } from '../io/geotiff/read.ts';
import { rasterExport } from './rasterExport.ts';
import { command, needs } from '../../../../test/needs.ts';

function ctx(workDir: string, progress: number[][] = []): NodeContext {
  return {
    nodeId: 'export', dataRoot: workDir, workDir, signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('no pool'); } },
    progress: (d: number, t: number) => progress.push([d, t]),
    resolvePath: (rel: string) => join(workDir, rel),
  } as NodeContext;
}

test('raster.export writes a float32 GeoTIFF of the chosen features', { skip: needs(command('gdalinfo'), command('gdallocationinfo')) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-export-'));
  try {
    const grid: Grid = { width: 300, height: 270, geoTransform: [600000, 10, 0, 550000, 0, -10], crs: { epsg: 32621 } };
    const features = ['B2_mean', 'NDVI_mean', 'NDVI_std'];
    const w = new CompositeWriter(join(dir, 'c.f32'), grid, features);
    const block = new Float32Array(grid.width * grid.height * 3);
    for (let i = 0; i < grid.width * grid.height; i++) {
      block[i * 3] = i;
      block[i * 3 + 1] = i % 7 === 0 ? NaN : (i % 100) / 100;
      block[i * 3 + 2] = -i / 3;
    }
    w.writeWindow({ x: 0, y: 0, width: grid.width, height: grid.height }, block);
    const composite = w.commit();
    const progress: number[][] = [];
    const p = rasterExport.params.parse({ fileName: 'sub.tif', features: ['NDVI_std', 'B2_mean'] });
    const res = await rasterExport.run(ctx(dir, progress), { composite }, p);
    assert.deepEqual(res.outputs, {});
    assert.deepEqual(res.files, [join(dir, 'sub.tif')]);
    assert.deepEqual(res.summary?.features, ['NDVI_std', 'B2_mean']);
    assert.deepEqual(progress.at(-1), [4, 4]);
    const f = await openRaster(join(dir, 'sub.tif'));
    assert.equal(f.dataType, 'float32');
    assert.deepEqual(f.descriptions, ['NDVI_std', 'B2_mean']);
    assert.ok(Number.isNaN(f.noData));
    assert.deepEqual(f.grid, grid);
    const [std, b2] = await f.readWindow({ x: 250, y: 260, width: 50, height: 10 });
    for (let k = 0; k < 500; k += 7) {
      const i = (260 + Math.floor(k / 50)) * 300 + 250 + (k % 50);
      assert.equal(b2[k], Math.fround(i));
      assert.equal(std[k], Math.fround(-i / 3));
    }
    { // GDAL reads it back
      const r = spawnSync('gdalinfo', ['-checksum', join(dir, 'sub.tif')], { encoding: 'utf8' });
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /Description = NDVI_std/);
      assert.equal(execFileSync('gdallocationinfo', ['-valonly', '-b', '2', join(dir, 'sub.tif'), '17', '5'], { encoding: 'utf8' }).trim(), String(5 * 300 + 17));
    }
    const all = await rasterExport.run(ctx(dir), { composite }, rasterExport.params.parse({}));
    assert.deepEqual((await openRaster(all.files![0])).descriptions, features);
    assert.deepEqual(readdirSync(dir).sort(), ['c.f32', 'composite.tif', 'sub.tif']);

    await assert.rejects(rasterExport.run(ctx(dir), { composite }, rasterExport.params.parse({ features: ['B2_mean', 'B9_max'] })),
      (e: NodeError) => e instanceof NodeError && e.details.param === 'features.1' && /feature "B9_max" is not in the composite \(it has B2_mean/.test(e.message));
    for (const fileName of ['../x.tif', 'a/b.tif', 'x.png']) {
      await assert.rejects(rasterExport.run(ctx(dir), { composite }, rasterExport.params.parse({ fileName })), (e: NodeError) => e.details.param === 'fileName');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
