import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildDomain, DomainIndex } from './applicability.ts';
import { mulberry32 } from './sampleSplit.ts';
import { needs, python } from '../../../../test/needs.ts';

/** Polygons as tight clusters (rows of one polygon are near copies), three classes, as training samples look. */
function trainingRows(seed: number, polygons: number, perPolygon: number, nf: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const X: number[] = [], groups: number[] = [], y: number[] = [];
  for (let p = 0; p < polygons; p++) {
    const cls = p % 3;
    const centre = Array.from({ length: nf }, (_, j) => 1000 * cls + 300 * gauss() + 50 * j);
    for (let r = 0; r < perPolygon; r++) {
      for (let j = 0; j < nf; j++) X.push(centre[j] + 20 * gauss());
      groups.push(p);
      y.push(cls);
    }
  }
  return { X: new Float32Array(X), groups: new Int32Array(groups), y: new Int32Array(y), rows: groups.length };
}

test('area of applicability agrees with numpy/scipy (standardisation, mean distance, per-class thresholds, DI of pixels)', { skip: needs(python('numpy', 'scipy')) }, () => {
  const nf = 5;
  const t = trainingRows(7, 12, 40, nf);
  const domain = buildDomain(t.X, t.rows, nf, t.groups, t.y, 3)!;
  // Pixels: copies near training rows, points between classes, and points far outside.
  const rand = mulberry32(11);
  const pixels: number[] = [], codes: number[] = [];
  for (let i = 0; i < 400; i++) {
    const a = Math.floor(rand() * t.rows), b = Math.floor(rand() * t.rows), w = rand() < 0.5 ? rand() * 0.2 : rand();
    codes.push(rand() < 0.8 ? t.y[a] : Math.floor(rand() * 3)); // the class "the model gave it"
    for (let j = 0; j < nf; j++) pixels.push((1 - w) * t.X[a * nf + j] + w * t.X[b * nf + j] + (rand() < 0.1 ? 3000 * (rand() - 0.5) : 0));
  }
  const py = `
import json, sys
import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist, cdist
d = json.load(sys.stdin); nf = d['nf']
X = np.array(d['X'], dtype=np.float32).astype(np.float64).reshape(-1, nf); g = np.array(d['groups']); y = np.array(d['y'])
P = np.array(d['pixels'], dtype=np.float64).reshape(-1, nf); codes = np.array(d['codes'])
mu = X.mean(0); sd = X.std(0); sd[sd == 0] = 1
Z = (X - mu) / sd; mean_d = pdist(Z).mean(); Q = (P - mu) / sd
D = cdist(Z, Z); D[(g[:, None] == g[None, :]) | (y[:, None] != y[None, :])] = np.inf
near = D.min(1)   # each row to the nearest row of its class in another polygon
floor = max(np.median(near[g == p]) for p in np.unique(g))
thr, di = [], np.zeros(len(P))
for c in range(3):
    thr.append(max(near[y == c].max(), floor) / mean_d)
    di[codes == c] = cKDTree(Z[y == c]).query(Q[codes == c])[0] / mean_d
print(json.dumps({'mean': mu.tolist(), 'scale': sd.tolist(), 'meanDistance': mean_d, 'thresholds': thr, 'di': di.tolist()}))`;
  const ref = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ nf, X: Array.from(t.X), groups: Array.from(t.groups), y: Array.from(t.y), pixels, codes }) }).toString(),
  );
  for (let j = 0; j < nf; j++) {
    assert.ok(Math.abs(domain.mean[j] - ref.mean[j]) < 1e-9 * Math.abs(ref.mean[j]) + 1e-9, `mean ${j}`);
    assert.ok(Math.abs(domain.scale[j] - ref.scale[j]) < 1e-9 * ref.scale[j], `scale ${j}`);
  }
  assert.ok(Math.abs(domain.meanDistance - ref.meanDistance) < 1e-9 * ref.meanDistance);
  ref.thresholds.forEach((thr: number, c: number) => assert.ok(Math.abs(domain.thresholds[c] - thr) < 1e-9 * thr, `class ${c}`));
  const index = new DomainIndex(domain);
  let outside = 0, compared = 0;
  ref.di.forEach((di: number, i: number) => {
    const thr = ref.thresholds[codes[i]];
    if (Math.abs(di - thr) < 1e-9) return; // on the edge: float rounding may go either way
    compared++;
    const inside = index.inside(pixels, i * nf, codes[i]);
    assert.equal(inside, di <= thr, `pixel ${i} (class ${codes[i]}): DI ${di} vs threshold ${thr}`);
    if (!inside) outside++;
  });
  // The test means something only if both answers occur.
  assert.ok(outside > 20 && compared - outside > 100, `${outside} of ${compared} outside`);
});

test('area of applicability: a fixed subset above maxPoints, rows with a missing feature left out, a class in one polygon = no limit', () => {
  const nf = 3;
  const t = trainingRows(3, 9, 100, nf);
  t.X[5 * nf + 1] = NaN;
  const a = buildDomain(t.X, t.rows, nf, t.groups, t.y, 3, { maxPoints: 200 })!;
  const b = buildDomain(t.X, t.rows, nf, t.groups, t.y, 3, { maxPoints: 200 })!;
  assert.equal(a.groups.length, 200);
  assert.deepEqual(a.points, b.points);
  assert.deepEqual(a.classes, b.classes);
  const all = buildDomain(t.X, t.rows, nf, t.groups, t.y, 3)!;
  assert.equal(all.groups.length, t.rows - 1);
  assert.ok(Array.from(all.points).every(Number.isFinite));

  // Class 0 drawn as one polygon: nothing to measure it against, so its pixels are never flagged; the others are.
  const oneWater = t.groups.map((g, i) => (t.y[i] === 0 ? 0 : g));
  const one = buildDomain(t.X, t.rows, nf, oneWater, t.y, 3)!;
  assert.equal(one.thresholds[0], Infinity);
  assert.ok(Number.isFinite(one.thresholds[1]) && Number.isFinite(one.thresholds[2]));
  const index = new DomainIndex(one);
  assert.equal(index.inside([1e9, -1e9, 1e9], 0, 0), true);
  assert.equal(index.inside([1e9, -1e9, 1e9], 0, 1), false);
  assert.equal(buildDomain(new Float32Array([NaN, 1, 2]), 1, 3, [0], [0], 1), null);
});

test('DomainIndex.inside equals a brute-force search, whatever the order pixels come in', () => {
  const nf = 4;
  const t = trainingRows(5, 15, 30, nf);
  const domain = buildDomain(t.X, t.rows, nf, t.groups, t.y, 3)!;
  const index = new DomainIndex(domain);
  const rand = mulberry32(9);
  for (let i = 0; i < 2000; i++) {
    const x = Array.from({ length: nf }, (_, j) => t.X[Math.floor(rand() * t.rows) * nf + j] + 800 * (rand() - 0.5));
    const code = i % 3;
    const r = domain.thresholds[code] * domain.meanDistance;
    let brute = false;
    for (let p = 0; p < domain.groups.length && !brute; p++) {
      if (domain.classes[p] !== code) continue;
      let d2 = 0;
      for (let j = 0; j < nf; j++) d2 += ((x[j] - domain.mean[j]) / domain.scale[j] - (domain.points[p * nf + j] - domain.mean[j]) / domain.scale[j]) ** 2;
      brute = Math.sqrt(d2) <= r;
    }
    assert.equal(index.inside(x, 0, code), brute, `pixel ${i}`);
  }
});
