import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
import { samplesSplit } from './samplesSplit.ts';
import { samplesSeparability } from './samplesSeparability.ts';
import { modelXgboost } from './modelXgboost.ts';
import { modelDecisionTree } from './modelDecisionTree.ts';
import { modelEvaluate } from './modelEvaluate.ts';
import { modelClassify } from './modelClassify.ts';
import { needs, python, works } from '../../../../test/needs.ts';

const libxgboost = works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0');
const root = mkdtempSync(join(tmpdir(), 'mlnodes-'));
let n = 0;
function ctx(overrides: Partial<NodeContext> = {}): NodeContext {
  const workDir = mkdtempSync(join(root, `n${n++}-`));
  return {
    nodeId: `n${n}`, dataRoot: root, workDir, signal: new AbortController().signal,
    pool: inlinePool(chunkTasks, 2),
    progress() {}, resolvePath: (p) => join(root, p),
    ...overrides,
  };
}
const XGB = { nEstimators: 30, maxDepth: 6, learningRate: 0.3, subsample: 1, colsampleBytree: 1, minChildWeight: 1, regLambda: 1, gamma: 0, seed: 0, threads: 1, treeMethod: 'hist' } as const;
const FEATURES = ['B2_mean', 'NDVI_mean', 'BSI_mean'];
const EVAL = { ties: 'uncertain', tieTolerance: 0.02 } as const;
const CLASSES = ['water', 'forest', 'ASGM'];
/** Class-dependent feature values, NaN-free. */
function pixel(c: number, rand: () => number): number[] {
  return [[0.02, 0.03, 0.12][c] + rand() * 0.03, [-0.3, 0.8, 0.1][c] + rand() * 0.2, [-0.2, -0.3, 0.2][c] + rand() * 0.1];
}

async function samples() {
  const rand = mulberry32(5);
  const rows = 3000, X = new Float32Array(rows * 3), y = new Int32Array(rows), poly = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    poly[r] = Math.floor(r / 50);
    y[r] = poly[r] % 3 === 0 ? 0 : poly[r] % 5 === 1 ? 2 : 1; // imbalanced
    X.set(pixel(y[r], rand), r * 3);
  }
  return writeSamples(join(root, 'samples.bin'), { features: FEATURES, classes: CLASSES, X, y, polygonId: poly });
}

test('split → train (tree, xgboost) → evaluate → classify', { skip: needs(libxgboost, python('osgeo.gdal', 'numpy')) }, async () => {
  const s = await samples();
  const split = await samplesSplit.run(ctx(), { samples: s }, { trainFraction: 0.7, seed: 42, strategy: 'polygon', balance: 'undersample' });
  const per = split.summary!.perClass as { train: number }[];
  assert.ok(per.every((p) => p.train === per[0].train), 'balanced');
  const sep = await samplesSeparability.run(ctx(), { samples: s }, { bins: 30 });
  assert.ok(existsSync(sep.files![0]));
  const tree = await modelDecisionTree.run(ctx(), { train: split.outputs.train }, { maxDepth: 5, maxLeafNodes: 10, minSamplesLeaf: 1 });
  assert.ok((tree.summary!.leaves as number) <= 10);
  const evTree = await modelEvaluate.run(ctx(), { model: tree.outputs.model, samples: split.outputs.validation }, EVAL);
  assert.ok(evTree.outputs.metrics.accuracy > 0.95, `tree accuracy ${evTree.outputs.metrics.accuracy}`);
  const models = [tree.outputs.model];
  { // XGBoost
    // Training runs as the pool task trainXgboost (on a worker in the runner), never on the caller's thread.
    const tasks: string[] = [];
    const progress: string[] = [];
    const xc = ctx({
      pool: { size: 1, run: (task, payload, signal) => (tasks.push(task.name), inlinePool(chunkTasks).run(task, payload, signal)) },
      progress: (done, total, unit) => progress.push(`${done}/${total} ${unit}`),
    });
    const xgb = await modelXgboost.run(xc, { train: split.outputs.train }, XGB);
    assert.deepEqual(tasks, ['trainXgboost']);
    assert.deepEqual(progress, ['0/1 model', '1/1 model']);
    assert.deepEqual(readdirSync(xc.workDir).sort(), ['applicability.json', 'model.json']);
    const sx = xgb.summary!;
    assert.equal(sx.rounds, 30);
    assert.equal(sx.trees, 90);
    assert.deepEqual(sx.classes, CLASSES);
    assert.equal(sx.features, 3);
    assert.equal(sx.trainingRows, split.outputs.train.rows);
    assert.ok((sx.trainingAccuracy as number) > 0.95);
    const imp = sx.importance as { feature: string; gain: number; totalGain: number }[];
    assert.deepEqual(imp.map((i) => i.feature).sort(), [...FEATURES].sort());
    assert.ok(Math.abs(imp.reduce((a, i) => a + i.gain, 0) - 1) < 1e-3);
    const ev = await modelEvaluate.run(ctx(), { model: xgb.outputs.model, samples: split.outputs.validation }, EVAL);
    assert.ok(ev.outputs.metrics.accuracy > 0.95);
    models.push(xgb.outputs.model);
  }
  // Feature mismatch is a clear error.
  const bad = { ...tree.outputs.model, features: ['B2_mean', 'NDWI_mean', 'BSI_mean'] };
  await assert.rejects(modelEvaluate.run(ctx(), { model: bad, samples: s }, EVAL), /lacks: NDWI_mean/);

  // Composite: left third water, middle forest, right ASGM, a NaN stripe.
  const grid: Grid = { width: 150, height: 90, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
  const w = new CompositeWriter(join(root, 'comp.f32'), grid, FEATURES);
  const data = new Float32Array(grid.width * grid.height * 3);
  const rand = mulberry32(8);
  for (let yy = 0; yy < grid.height; yy++)
    for (let x = 0; x < grid.width; x++) {
      const i = yy * grid.width + x;
      data.set(yy === 3 ? [NaN, 0, 0] : pixel(Math.floor(x / 50), rand), i * 3);
    }
  w.writeWindow({ x: 0, y: 0, width: grid.width, height: grid.height }, data);
  const composite = w.commit();
  for (const model of models) {
    const c = ctx();
    const t0 = performance.now();
    const out = await modelClassify.run(c, { composite, model }, { chunkSize: 64, outsideTraining: 'uncertain', ties: 'uncertain', tieTolerance: 0.02 });
    console.log(`${model.algorithm}: classify ${grid.width * grid.height} px in ${(performance.now() - t0).toFixed(0)} ms`, out.summary);
    assert.equal(out.summary!.nodataPixels, grid.width);
    const areas = out.outputs.classMap.classAreasKm2;
    for (const k of CLASSES) assert.ok(Math.abs(areas[k] - (50 * 89 * 100) / 1e6) < 0.01 * 0.445 + 1e-9 + 0.005, `${k} ${areas[k]}`);
    assert.deepEqual(readdirSync(c.workDir).sort(), ['classes.tif', 'classes.tif.aux.xml', 'confidence.tif', 'probabilities.tif']);
    { // GDAL reads the class map back
      const py = `
import sys
from osgeo import gdal
import numpy as np
c = gdal.Open(sys.argv[1]).ReadAsArray(); p = gdal.Open(sys.argv[2])
pr = p.ReadAsArray()
print(int(c[3, 0]), int(c[0, 0]), int(c[0, 60]), int(c[0, 140]), p.RasterCount, p.GetRasterBand(2).GetDescription().split()[-1], bool(np.isnan(pr[:, 3, :]).all()), float(np.nanmax(np.abs(pr.sum(0)[np.isfinite(pr.sum(0))] - 1))))`;
      const r = spawnSync('/usr/bin/python3', ['-c', py, out.outputs.classMap.classFile, out.outputs.classMap.probabilityFile!]);
      const out2 = r.stdout.toString().trim();
      assert.equal(r.status, 0, r.stderr.toString());
      const [nod, a, b, d, bands, desc, nanRow, sumErr] = out2.split(' ');
      assert.deepEqual([nod, a, b, d, bands, desc, nanRow], ['255', '0', '1', '2', '3', 'forest', 'True'], out2);
      assert.ok(Number(sumErr) < 1e-5, out2);
    }
  }
  assert.ok(readFileSync(models[0].file, 'utf8').includes('"nodes"'));
});

test('split: empty class is a clear error naming the class', async () => {
  const X = new Float32Array(12), y = new Int32Array([0, 0, 0, 1, 1, 1]), poly = new Int32Array([1, 1, 1, 2, 2, 2]);
  const s = await writeSamples(join(root, 'tiny.bin'), { features: ['a', 'b'], classes: ['water', 'forest', 'ASGM'], X, y, polygonId: poly });
  await assert.rejects(
    samplesSplit.run(ctx(), { samples: s }, { trainFraction: 0.7, seed: 1, strategy: 'random', balance: 'none' }),
    /Empty class "ASGM"/,
  );
});

test('xgboost: sample errors come from the training task unchanged; a failed task leaves no model', { skip: needs(libxgboost) }, async () => {
  const X = new Float32Array(12), poly = new Int32Array([1, 1, 1, 2, 2, 2]);
  const empty = await writeSamples(join(root, 'xgb-empty.bin'), { features: ['a', 'b'], classes: ['water', 'forest', 'ASGM'], X, y: new Int32Array([0, 0, 0, 1, 1, 1]), polygonId: poly });
  await assert.rejects(modelXgboost.run(ctx(), { train: empty }, XGB), (err: Error & { details?: Record<string, unknown> }) => {
    assert.equal(err.name, 'NodeError');
    assert.match(err.message, /Empty class in the training samples: ASGM/);
    assert.equal(err.details?.code, 'empty-class');
    return true;
  });
  const one = await writeSamples(join(root, 'xgb-one.bin'), { features: ['a', 'b'], classes: ['water'], X, y: new Int32Array(6), polygonId: poly });
  await assert.rejects(modelXgboost.run(ctx(), { train: one }, XGB), /XGBoost needs at least 2 classes; the samples have 1 \(water\)/);
  const none = await writeSamples(join(root, 'xgb-none.bin'), { features: ['a', 'b'], classes: ['water', 'forest'], X: new Float32Array(0), y: new Int32Array(0), polygonId: new Int32Array(0) });
  await assert.rejects(modelXgboost.run(ctx(), { train: none }, XGB), /The training samples are empty \(0 rows\)/);
  // A pool that rejects (as the runner's does on cancel) after the model was written: no model.json remains.
  const c = ctx({
    pool: {
      size: 1,
      run: async (task, payload) => {
        await inlinePool(chunkTasks).run(task, payload);
        throw Object.assign(new Error('chunk task "trainXgboost" was aborted'), { name: 'AbortError' });
      },
    },
  });
  const ok = await writeSamples(join(root, 'xgb-ok.bin'), { features: ['a', 'b'], classes: ['water', 'forest'], X: Float32Array.from({ length: 12 }, (_, i) => i), y: new Int32Array([0, 0, 0, 1, 1, 1]), polygonId: poly });
  await assert.rejects(modelXgboost.run(c, { train: ok }, XGB), { name: 'AbortError' });
  assert.deepEqual(readdirSync(c.workDir), []);
});
