import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Booster, xgboostVersion } from './xgboost.ts';
import { mulberry32 } from '../kernels/sampleSplit.ts';
import { needs, python, works } from '../../../../test/needs.ts';

const skip = needs(works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0'));
const native = skip ? '' : xgboostVersion();

function dataset(rows: number, nf: number) {
  const rand = mulberry32(11);
  const X = new Float32Array(rows * nf), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = Math.floor(rand() * 3);
    for (let f = 0; f < nf; f++) X[r * nf + f] = y[r] * (f % 3 === 0 ? 0.6 : 0.2) + rand() * 1.5;
    if (r % 17 === 0) X[r * nf + (r % nf)] = NaN; // missing values
  }
  return { X, y };
}

test('XGBoost: train, save JSON, load, predict; Python xgboost predicts identically', { skip: needs(python('xgboost', 'numpy')) || skip }, () => {
  const rows = 13000, nf = 13;
  const { X, y } = dataset(rows, nf);
  const t0 = performance.now();
  const b = Booster.train(X, rows, nf, y, 3, { nEstimators: 100, threads: 1, treeMethod: 'hist' });
  const trainMs = performance.now() - t0;
  assert.equal(b.rounds(), 100);
  const t1 = performance.now();
  const p = b.predictProba(X, rows, nf);
  const predMs = performance.now() - t1;
  console.log(`xgboost ${native}: train ${rows}×${nf} 100 rounds in ${trainMs.toFixed(0)} ms; predict ${predMs.toFixed(1)} ms (${((rows / predMs) * 1e3 / 1e6).toFixed(2)} Mrows/s)`);
  assert.equal(p.length, rows * 3);
  for (let r = 0; r < 50; r++) assert.ok(Math.abs(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2] - 1) < 1e-5);
  const gain = b.featureScore(nf, 'gain');
  assert.equal(gain.length, nf);
  assert.ok(gain.some((g) => g > 0));
  const dir = mkdtempSync(join(tmpdir(), 'xgb-'));
  const file = join(dir, 'model.json');
  b.save(file);
  b.free();
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).learner.objective.name, 'multi:softprob');
  const b2 = Booster.load(file, 3, 1);
  const p2 = b2.predictProba(X, rows, nf);
  assert.deepEqual(p2, p);
  // A second call must not overwrite the first result (the booster reuses its buffer).
  const p3 = b2.predictProba(X.subarray(0, 10 * nf), 10, nf);
  assert.deepEqual(p2.subarray(0, 30), p3);
  b2.free();
  writeFileSync(join(dir, 'X.bin'), X);
  const py = `
import sys, numpy as np, xgboost as xgb
d = sys.argv[1]
X = np.fromfile(d + '/X.bin', dtype=np.float32).reshape(-1, ${nf})
b = xgb.Booster(model_file=d + '/model.json')
b.predict(xgb.DMatrix(X, missing=np.nan)).astype(np.float32).tofile(d + '/py.bin')`;
  execFileSync('/usr/bin/python3', ['-c', py, dir]);
  const pp = new Float32Array(readFileSync(join(dir, 'py.bin')).buffer.slice(0));
  assert.equal(pp.length, p.length);
  let max = 0;
  for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - pp[i]));
  console.log(`max |JS − Python| = ${max}`);
  assert.ok(max < 1e-6, `max diff ${max}`);
});

test('XGBoost: errors carry XGBGetLastError', { skip }, () => {
  assert.throws(() => Booster.load('/nonexistent/model.json', 3), /XGBoosterLoadModel.*failed/);
});
