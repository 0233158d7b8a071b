/**
 * Ties pinned on a hand-built model: a decision tree whose leaves hold known class fractions (exact two- and
 * three-way ties, a near tie, clear pixels). The default marks ties uncertain (254); ties "first" equals numpy's
 * argmax of the written probabilities; listing the classes in another order changes no area.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { chunkTasks } from '../tasks.ts';
import { inlinePool } from '../chunkTask.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import { modelClassify } from './modelClassify.ts';
import { CLASSES, treeModel as sharedTreeModel } from './tieFixture.test-helper.ts';

const hasGdal = spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal; import numpy']).status === 0;
const skipGdal = !hasGdal && (process.env.CI ? false : 'needs /usr/bin/python3 with numpy and osgeo.gdal');
const root = mkdtempSync(join(tmpdir(), 'ties-'));
let n = 0;
function ctx(): NodeContext {
  const workDir = mkdtempSync(join(root, `n${n++}-`));
  return {
    nodeId: `n${n}`, dataRoot: root, workDir, signal: new AbortController().signal,
    pool: inlinePool(chunkTasks, 2),
    progress() {}, resolvePath: (p) => join(root, p),
  };
}

const treeModel = (order: string[]) => sharedTreeModel(root, order);

const grid: Grid = { width: 60, height: 20, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
const composite = (() => {
  const w = new CompositeWriter(join(root, 'comp.f32'), grid, ['x']);
  const data = Float32Array.from({ length: grid.width * grid.height }, (_, i) => (i % grid.width === 59 ? NaN : Math.floor((i % grid.width) / 10)));
  w.writeWindow({ x: 0, y: 0, width: grid.width, height: grid.height }, data);
  return w.commit();
})();

const NUMPY = `
import sys, json, numpy as np
from osgeo import gdal
c = gdal.Open(sys.argv[1]).ReadAsArray().astype(int)
p = gdal.Open(sys.argv[2]).ReadAsArray()
conf = gdal.Open(sys.argv[3]).ReadAsArray()
tol = np.float32(sys.argv[4])
ok = np.isfinite(p).all(0)
first = np.where(ok, np.argmax(np.nan_to_num(p, nan=-1), 0), 255)
s = np.sort(p, 0)
margin = s[-1] - s[-2]
unc = np.where(ok & (margin <= tol), 254, first)
conf_ok = bool(np.allclose(conf[0][ok], s[-1][ok], atol=0) and np.allclose(conf[1][ok], margin[ok], atol=0) and np.isnan(conf[:, ~ok]).all())
print(json.dumps({'first': bool((c == first).all()), 'uncertain': bool((c == unc).all()), 'conf': conf_ok, 'n254': int((c == 254).sum())}))
`;

function numpy(classFile: string, probFile: string, confFile: string, tol: number) {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', NUMPY, classFile, probFile, confFile, String(tol)], { encoding: 'utf8' }));
}

test('default: exact and near ties are uncertain (254), reported as area; confidence = numpy max and margin', { skip: skipGdal }, async () => {
  const out = await modelClassify.run(ctx(), { composite, model: treeModel(CLASSES) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'uncertain', tieTolerance: 0.02 });
  const m = out.outputs.classMap;
  const r = numpy(m.classFile, m.probabilityFile!, m.confidenceFile!, 0.02);
  assert.equal(r.uncertain, true);
  assert.equal(r.conf, true);
  // Columns 0-9 (2-way tie), 10-19 (3-way tie), 30-39 (near tie) of 20 rows; column 59 is no data.
  assert.equal(r.n254, 3 * 10 * 20);
  const km2 = 1e-4;
  assert.ok(Math.abs(m.classAreasKm2.uncertain - 600 * km2) < 1e-12);
  assert.ok(Math.abs(m.classAreasKm2.forest - 200 * km2) < 1e-12);
  assert.equal((out.summary as { uncertainPercent: number }).uncertainPercent, Math.round((100 * 600) / (1200 - 20) * 1000) / 1000);
  // tieTolerance 0 keeps only the exact ties.
  const exact = await modelClassify.run(ctx(), { composite, model: treeModel(CLASSES) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'uncertain', tieTolerance: 0 });
  assert.equal(numpy(exact.outputs.classMap.classFile, exact.outputs.classMap.probabilityFile!, exact.outputs.classMap.confidenceFile!, 0).n254, 400);
});

test('ties "first" equals numpy argmax exactly', { skip: skipGdal }, async () => {
  const out = await modelClassify.run(ctx(), { composite, model: treeModel(CLASSES) }, { chunkSize: 32, outsideTraining: 'uncertain', ties: 'first', tieTolerance: 0.02 });
  const m = out.outputs.classMap;
  const r = numpy(m.classFile, m.probabilityFile!, m.confidenceFile!, 0.02);
  assert.equal(r.first, true);
  assert.equal(r.n254, 0);
  assert.equal(m.classAreasKm2.uncertain, undefined);
});

test('minProbability marks low-confidence pixels uncertain even with ties "first"', { skip: skipGdal }, async () => {
  const out = await modelClassify.run(ctx(), { composite, model: treeModel(CLASSES) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'first', tieTolerance: 0, minProbability: 0.55 });
  // 0.5 (2-way), 1/3 (3-way) and 0.505 (near tie) are below 0.55; 0.6, 0.9, 0.9 are not.
  assert.ok(Math.abs(out.outputs.classMap.classAreasKm2.uncertain - 600e-4) < 1e-12);
});

test('class order: the same areas by name whatever order the model lists the classes', async () => {
  const areas: Record<string, number>[] = [];
  for (const order of [CLASSES, ['asgm', 'forest', 'water'], ['forest', 'asgm', 'water']]) {
    const out = await modelClassify.run(ctx(), { composite, model: treeModel(order) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'uncertain', tieTolerance: 0.02 });
    areas.push(out.outputs.classMap.classAreasKm2);
  }
  for (const a of areas.slice(1)) for (const k of [...CLASSES, 'uncertain']) assert.equal(a[k], areas[0][k], k);
  // With ties "first" the area of a class depends on its position: the very problem the default avoids.
  const first = await modelClassify.run(ctx(), { composite, model: treeModel(['asgm', 'forest', 'water']) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'first', tieTolerance: 0 });
  const firstDefault = await modelClassify.run(ctx(), { composite, model: treeModel(CLASSES) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'first', tieTolerance: 0 });
  assert.notEqual(first.outputs.classMap.classAreasKm2.water, firstDefault.outputs.classMap.classAreasKm2.water);
});

test('class map GeoTIFF: GDAL reports its colour table and category names', { skip: skipGdal }, async () => {
  const out = await modelClassify.run(ctx(), { composite, model: treeModel(['asgm', 'forest', 'water']) }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'uncertain', tieTolerance: 0.02 });
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', out.outputs.classMap.classFile], { encoding: 'utf8' }));
  const band = info.bands[0];
  assert.equal(band.colorInterpretation, 'Palette');
  assert.deepEqual(band.categories.slice(0, 3), ['asgm', 'forest', 'water']);
  assert.equal(band.categories[254], 'uncertain');
  assert.deepEqual(band.colorTable.entries[0], [215, 25, 28, 255], 'asgm red, by name, in any position');
  assert.deepEqual(band.colorTable.entries[2], [43, 131, 186, 255]);
  assert.deepEqual(band.colorTable.entries[254], [158, 158, 158, 255]);
  assert.match(band.description, /0=asgm, 1=forest, 2=water, 254=uncertain/);
  const r = spawnSync('gdalinfo', ['-checksum', out.outputs.classMap.classFile], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
});
