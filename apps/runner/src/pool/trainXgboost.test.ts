/** model.xgboost trains on a pool worker: the event loop stays free, and a cancel leaves no model file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { NodeContext } from '@sentiflow/nodes/define.ts';
import { writeSamples } from '@sentiflow/nodes/io/samplesStore.ts';
import { xgboostVersion } from '@sentiflow/nodes/ml/xgboost.ts';
import { modelXgboost } from '@sentiflow/nodes/nodes/modelXgboost.ts';
import { DEFAULT_TASK_MODULE } from '../engine/run.ts';
import { createWorkerPool } from './workerPool.ts';
import { needs, works } from '../../../../test/needs.ts';

const skip = needs(works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0'));

const root = mkdtempSync(path.join(tmpdir(), 'sf-train-'));
const params = { nEstimators: 40, maxDepth: 6, learningRate: 0.3, subsample: 1, colsampleBytree: 1, minChildWeight: 1, regLambda: 1, gamma: 0, seed: 0, threads: 1, treeMethod: 'exact' } as const;

async function samples(rows: number) {
  const nf = 8, nc = 3;
  const X = new Float32Array(rows * nf), y = new Int32Array(rows), polygonId = new Int32Array(rows);
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let r = 0; r < rows; r++) {
    y[r] = r % nc;
    polygonId[r] = Math.floor(r / 20);
    for (let j = 0; j < nf; j++) X[r * nf + j] = y[r] * 0.1 * (j % 3) + rand();
  }
  return writeSamples(path.join(root, `samples-${rows}.bin`), { features: Array.from({ length: nf }, (_, j) => `f${j}`), classes: ['a', 'b', 'c'], X, y, polygonId });
}

function ctx(pool: NodeContext['pool'], signal: AbortSignal, progress: string[] = []): NodeContext {
  return {
    nodeId: 'xgb', dataRoot: root, workDir: mkdtempSync(path.join(root, 'work-')), signal, pool,
    progress: (d, t, u) => progress.push(`${d}/${t} ${u}`), resolvePath: (p) => path.join(root, p),
  };
}

test('training runs on a worker: timers keep firing while the model trains', { skip }, async () => {
  const train = await samples(20000);
  const pool = createWorkerPool({ size: 1, taskModule: DEFAULT_TASK_MODULE });
  try {
    const progress: string[] = [];
    const c = ctx(pool, new AbortController().signal, progress);
    let last = performance.now(), maxGap = 0, ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const t0 = performance.now();
    const out = await modelXgboost.run(c, { train }, params);
    const ms = performance.now() - t0;
    clearInterval(timer);
    console.log(`trained in ${ms.toFixed(0)} ms (${out.summary!.trainSeconds} s in XGBoost); ${ticks} timer ticks, longest gap ${maxGap.toFixed(0)} ms`);
    assert.equal(out.summary!.rounds, 40);
    assert.deepEqual(progress, ['0/1 model', '1/1 model']);
    assert.deepEqual(readdirSync(c.workDir).sort(), ['applicability.json', 'model.json']);
    assert.ok(maxGap < Math.max(250, ms / 4), `event loop blocked for ${maxGap.toFixed(0)} ms of a ${ms.toFixed(0)} ms training`);
  } finally {
    await pool.close();
  }
});

test('cancelling a training rejects at once and leaves no model file', { skip }, async () => {
  const train = await samples(40000);
  const pool = createWorkerPool({ size: 1, taskModule: DEFAULT_TASK_MODULE });
  try {
    const ac = new AbortController();
    const c = ctx(pool, ac.signal);
    const running = modelXgboost.run(c, { train }, { ...params, nEstimators: 5000 });
    setTimeout(() => ac.abort(), 300);
    const t0 = performance.now();
    await assert.rejects(running, { name: 'AbortError' });
    assert.ok(performance.now() - t0 < 2000);
    await new Promise((r) => setTimeout(r, 300)); // the terminated worker must not write anything afterwards
    assert.deepEqual(readdirSync(c.workDir), []);
    // The pool replaced the worker and still trains.
    const again = await modelXgboost.run(ctx(pool, new AbortController().signal), { train: await samples(300) }, params);
    assert.equal(again.summary!.trainingRows, 300);
  } finally {
    await pool.close();
  }
});
