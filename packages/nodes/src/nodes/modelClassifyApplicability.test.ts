/**
 * Pixels unlike all training data: a real XGBoost model trained by model.xgboost on three tight classes, then
 * a composite with a stripe of pixels no training polygon resembles (between and beyond the classes, where the
 * trees still answer with high probability). The default marks exactly the pixels scipy finds outside the
 * area of applicability of the class the model gave them (DI recomputed from applicability.json alone) uncertain, with reason 3 in
 * confidence.tif; "classify" and ties "first" keep the model's answer (first = numpy's argmax).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { chunkTasks } from '../tasks.ts';
import { inlinePool } from '../chunkTask.ts';
import { writeSamples } from '../io/samplesStore.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import { mulberry32 } from '../kernels/sampleSplit.ts';
import { xgboostVersion } from '../ml/xgboost.ts';
import { modelXgboost } from './modelXgboost.ts';
import { modelClassify } from './modelClassify.ts';
import { needs, python, works } from '../../../../test/needs.ts';

const libxgboost = works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0');
const root = mkdtempSync(join(tmpdir(), 'aoa-'));
let n = 0;
function ctx(): NodeContext {
  const workDir = mkdtempSync(join(root, `n${n++}-`));
  return { nodeId: `n${n}`, dataRoot: root, workDir, signal: new AbortController().signal, pool: inlinePool(chunkTasks, 2), progress() {}, resolvePath: (p) => join(root, p) };
}
const FEATURES = ['B4_mean', 'B8_mean', 'NDVI_mean'];
const CLASSES = ['water', 'forest', 'asgm'];
const CENTRE = [[400, 300, -0.2], [300, 3000, 0.8], [1600, 2000, 0.1]];
const SPREAD = [40, 200, 0.05];

const PY = `
import sys, json, numpy as np
from osgeo import gdal
from scipy.spatial import cKDTree
d = json.load(open(sys.argv[1]))
X = np.array(d['points'], dtype=np.float64); mu = np.array(d['mean']); sd = np.array(d['scale']); y = np.array(d['classes'])
comp = np.fromfile(sys.argv[2], dtype=np.float32).reshape(-1, len(d['features'])).astype(np.float64)
c = gdal.Open(sys.argv[3]).ReadAsArray().ravel(); conf = gdal.Open(sys.argv[4]).ReadAsArray()
p = gdal.Open(sys.argv[5]).ReadAsArray().reshape(len(d['thresholds']), -1)
best = np.argmax(p, 0)
s = np.sort(p, 0); tie = (s[-1] - s[-2]) <= 0.02
# DI to the nearest training row of the class the model chose, against that class's threshold
di = np.zeros(len(comp)); thr = np.array([np.inf if t is None else t for t in d['thresholds']])[best]
for k in range(len(d['thresholds'])):
    m = best == k
    if m.any(): di[m] = cKDTree((X[y == k] - mu) / sd).query((comp[m] - mu) / sd)[0] / d['meanDistance']
edge = np.abs(di - thr) < 1e-9
out = (di > thr) & ~tie
print(json.dumps({'outside': int(out.sum()), 'agree': bool(((c == 254) == (out | tie))[~edge].all()),
  'reason3': bool(((conf[2].ravel() == 3) == out)[~edge].all()), 'tie': int(tie.sum()),
  'argmax': bool((gdal.Open(sys.argv[6]).ReadAsArray().ravel() == best).all()) if len(sys.argv) > 6 else None}))
`;

test('model.classify: pixels outside the area of applicability are uncertain, exactly where scipy says', { skip: needs(libxgboost, python('osgeo.gdal', 'numpy', 'scipy')) }, async () => {
  const rand = mulberry32(21);
  const rows = 1800, X = new Float32Array(rows * 3), y = new Int32Array(rows), poly = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    poly[r] = Math.floor(r / 60);
    y[r] = poly[r] % 3;
    for (let j = 0; j < 3; j++) X[r * 3 + j] = CENTRE[y[r]][j] + SPREAD[j] * (rand() - 0.5) * 2;
  }
  const train = await writeSamples(join(root, 'train.bin'), { features: FEATURES, classes: CLASSES, X, y, polygonId: poly });
  const xgb = await modelXgboost.run(ctx(), { train }, { nEstimators: 20, maxDepth: 4, learningRate: 0.3, subsample: 1, colsampleBytree: 1, minChildWeight: 1, regLambda: 1, gamma: 0, seed: 0, threads: 1, treeMethod: 'exact' });
  const model = xgb.outputs.model;
  assert.ok(model.applicability, 'the trainer writes applicability.json');

  // Rows 0-29 like the classes (same spread), rows 30-39 a "river" unlike every class (dark in B8, NDVI between forest and ASGM).
  const grid: Grid = { width: 90, height: 40, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
  const data = new Float32Array(grid.width * grid.height * 3);
  for (let yy = 0; yy < grid.height; yy++)
    for (let x = 0; x < grid.width; x++) {
      const c = Math.floor(x / 30), i = (yy * grid.width + x) * 3;
      if (yy < 30) for (let j = 0; j < 3; j++) data[i + j] = CENTRE[c][j] + SPREAD[j] * (rand() - 0.5) * 1.6;
      else data.set([900 + 100 * rand(), 50 + 100 * rand(), 0.4 + 0.1 * rand()], i);
    }
  const compFile = join(root, 'comp.f32');
  const w = new CompositeWriter(compFile, grid, FEATURES);
  w.writeWindow({ x: 0, y: 0, width: grid.width, height: grid.height }, data);
  const composite = w.commit();

  const base = { chunkSize: 64, ties: 'uncertain', tieTolerance: 0.02 } as const;
  const out = await modelClassify.run(ctx(), { composite, model }, { ...base, outsideTraining: 'uncertain' });
  const m = out.outputs.classMap;
  const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, model.applicability!, composite.file, m.classFile, m.confidenceFile!, m.probabilityFile!], { encoding: 'utf8' }));
  assert.equal(r.agree, true, JSON.stringify(r));
  assert.equal(r.reason3, true);
  // The river stripe (900 px) is outside; the pixels like the training classes are not.
  assert.ok(r.outside >= 900 && r.outside < 1000, `outside ${r.outside}`);
  const by = out.summary!.uncertainPixelsBy as { outsideTraining: number; tie: number };
  assert.equal(by.outsideTraining, r.outside);
  assert.equal(out.summary!.outsideTraining, 'uncertain');

  // "classify" keeps the model's class; ties "first" is numpy's argmax of the written probabilities.
  const kept = await modelClassify.run(ctx(), { composite, model }, { ...base, outsideTraining: 'classify' });
  assert.equal((kept.summary!.uncertainPixelsBy as { outsideTraining: number }).outsideTraining, 0);
  const first = await modelClassify.run(ctx(), { composite, model }, { ...base, ties: 'first', outsideTraining: 'uncertain' });
  const f = first.outputs.classMap;
  const rf = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, model.applicability!, composite.file, f.classFile, f.confidenceFile!, f.probabilityFile!, f.classFile], { encoding: 'utf8' }));
  assert.equal(rf.argmax, true);
  assert.equal(first.summary!.uncertainPixels, 0);
});
