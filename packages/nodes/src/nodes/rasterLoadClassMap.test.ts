import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { classesFromDescription, rasterLoadClassMap } from './rasterLoadClassMap.ts';
import { changeDiff } from './changeDiff.ts';

const noGdal = spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal; import numpy']).status !== 0 && 'python3 with GDAL not available';
const skipGdal = noGdal && (process.env.CI ? false : noGdal);
const grid: Grid = { width: 200, height: 150, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: 32621 } };

const ctx = (dir: string): NodeContext => ({
  nodeId: 'n', dataRoot: dir, workDir: dir, signal: new AbortController().signal,
  pool: { size: 1, run: async () => { throw new Error('no pool'); } },
  progress: () => {}, resolvePath: (rel: string) => join(dir, rel),
}) as NodeContext;

async function classTif(path: string, f: (x: number, y: number) => number, description: string): Promise<void> {
  await writeGeoTiff(path, {
    grid, bandCount: 1, dataType: 'uint8', noData: 255, descriptions: [description],
    readWindow: (w) => [Uint8Array.from({ length: w.width * w.height }, (_, i) => f(w.x + (i % w.width), w.y + Math.floor(i / w.width)))],
  });
}

test('class names from band descriptions written by model.classify and the demo truth', () => {
  assert.deepEqual(classesFromDescription('class (0=water, 1=forest, 2=asgm)'), ['water', 'forest', 'asgm']);
  assert.deepEqual(classesFromDescription('truth 2019: 0 water, 1 forest, 2 asgm'), ['water', 'forest', 'asgm']);
  assert.deepEqual(classesFromDescription('NDVI_mean'), []);
});

test('raster.loadClassMap: names from the description or GDAL category names, areas as GDAL counts; change.diff of two loaded maps', { skip: skipGdal }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-load-'));
  try {
    await classTif(join(dir, 'a.tif'), (x, y) => (x < 20 ? 0 : (x * y) % 97 === 0 ? 254 : x > 150 ? 2 : 1), 'class (0=water, 1=forest, 2=asgm)');
    await classTif(join(dir, 'b.tif'), (x, y) => (y % 50 === 0 ? 255 : x < 20 ? 0 : x > 120 ? 2 : 1), 'classes');
    copyFileSync(join(dir, 'b.tif'), join(dir, 'c.tif'));
    // GDAL keeps category names in a .aux.xml beside the file
    execFileSync('/usr/bin/python3', ['-c', `from osgeo import gdal\nds = gdal.Open('${join(dir, 'b.tif')}')\nds.GetRasterBand(1).SetCategoryNames(['water', 'forest', 'asgm'])\nds = None`]);
    const counts = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `import json, numpy as np\nfrom osgeo import gdal\na = gdal.Open('${join(dir, 'a.tif')}').ReadAsArray()\nprint(json.dumps([int((a == k).sum()) for k in (0, 1, 2, 254)]))`]).toString());
    const a = await rasterLoadClassMap.run(ctx(dir), {}, { path: 'a.tif', classes: [] });
    assert.deepEqual(a.outputs.classMap.classes, ['water', 'forest', 'asgm']);
    assert.equal(a.outputs.classMap.probabilityFile, undefined);
    const km2 = a.outputs.classMap.classAreasKm2;
    [km2.water, km2.forest, km2.asgm, km2.uncertain].forEach((v, k) => assert.ok(Math.abs(v - counts[k] * 1e-4) < 1e-12));
    const b = await rasterLoadClassMap.run(ctx(dir), {}, { path: 'b.tif', classes: [] });
    assert.equal((b.summary as { classesFrom: string }).classesFrom, 'its category names');
    assert.deepEqual(b.outputs.classMap.classes, ['water', 'forest', 'asgm']);
    await assert.rejects(rasterLoadClassMap.run(ctx(dir), {}, { path: 'c.tif', classes: [] }), /names no classes/);
    await assert.rejects(rasterLoadClassMap.run(ctx(dir), {}, { path: 'a.tif', classes: ['water', 'forest'] }), /value 2 at pixel \(151, 1\)/);
    const diff = await changeDiff.run(ctx(dir), { before: a.outputs.classMap, after: b.outputs.classMap }, {});
    assert.deepEqual(diff.outputs.change.probabilityDiffFiles, {});
    assert.ok(diff.outputs.change.transitionPixels[1][2] > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
