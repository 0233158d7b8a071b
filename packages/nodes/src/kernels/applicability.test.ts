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
  const X: number[] = [], groups: number[] = [];
  for (let p = 0; p < polygons; p++) {
    const cls = p % 3;
    const centre = Array.from({ length: nf }, (_, j) => 1000 * cls + 300 * gauss() + 50 * j);
    for (let r = 0; r < perPolygon; r++) {
      for (let j = 0; j < nf; j++) X.push(centre[j] + 20 * gauss());
      groups.push(p);
    }
  }
  return { X: new Float32Array(X), groups: new Int32Array(groups), rows: groups.length };
}

test('area of applicability agrees with numpy/scipy (standardisation, mean distance, threshold, DI of pixels)', { skip: needs(python('numpy', 'scipy')) }, () => {
  const nf = 5;
  const t = trainingRows(7, 12, 40, nf);
  const domain = buildDomain(t.X, t.rows, nf, t.groups)!;
  // Pixels: copies near training rows, points between classes, and points far outside.
  const rand = mulberry32(11);
  const pixels: number[] = [];
  for (let i = 0; i < 400; i++) {
    const a = Math.floor(rand() * t.rows), b = Math.floor(rand() * t.rows), w = rand() < 0.5 ? rand() * 0.2 : rand();
    for (let j = 0; j < nf; j++) pixels.push((1 - w) * t.X[a * nf + j] + w * t.X[b * nf + j] + (rand() < 0.1 ? 3000 * (rand() - 0.5) : 0));
  }
  const py = `
import json, sys
import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist, cdist
d = json.load(sys.stdin); nf = d['nf']
X = np.array(d['X'], dtype=np.float32).astype(np.float64).reshape(-1, nf); g = np.array(d['groups'])
P = np.array(d['pixels'], dtype=np.float64).reshape(-1, nf)
mu = X.mean(0); sd = X.std(0); sd[sd == 0] = 1
Z = (X - mu) / sd; mean_d = pdist(Z).mean()
D = cdist(Z, Z); D[g[:, None] == g[None, :]] = np.inf
thr = D.min(1).max() / mean_d
di = cKDTree(Z).query((P - mu) / sd)[0] / mean_d
print(json.dumps({'mean': mu.tolist(), 'scale': sd.tolist(), 'meanDistance': mean_d, 'threshold': thr, 'di': di.tolist()}))`;
  const ref = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ nf, X: Array.from(t.X), groups: Array.from(t.groups), pixels }) }).toString(),
  );
  for (let j = 0; j < nf; j++) {
    assert.ok(Math.abs(domain.mean[j] - ref.mean[j]) < 1e-9 * Math.abs(ref.mean[j]) + 1e-9, `mean ${j}`);
    assert.ok(Math.abs(domain.scale[j] - ref.scale[j]) < 1e-9 * ref.scale[j], `scale ${j}`);
  }
  assert.ok(Math.abs(domain.meanDistance - ref.meanDistance) < 1e-9 * ref.meanDistance);
  assert.ok(Math.abs(domain.threshold - ref.threshold) < 1e-9 * ref.threshold);
  const index = new DomainIndex(domain);
  let outside = 0, compared = 0;
  ref.di.forEach((di: number, i: number) => {
    if (Math.abs(di - ref.threshold) < 1e-9) return; // on the edge: float rounding may go either way
    compared++;
    const inside = index.inside(pixels, i * nf);
    assert.equal(inside, di <= ref.threshold, `pixel ${i}: DI ${di} vs threshold ${ref.threshold}`);
    if (!inside) outside++;
  });
  // The test means something only if both answers occur.
  assert.ok(outside > 20 && compared - outside > 100, `${outside} of ${compared} outside`);
});

test('area of applicability: a fixed subset above maxPoints, rows with a missing feature left out, one polygon = no limit', () => {
  const nf = 3;
  const t = trainingRows(3, 9, 100, nf);
  t.X[5 * nf + 1] = NaN;
  const a = buildDomain(t.X, t.rows, nf, t.groups, { maxPoints: 200 })!;
  const b = buildDomain(t.X, t.rows, nf, t.groups, { maxPoints: 200 })!;
  assert.equal(a.groups.length, 200);
  assert.deepEqual(a.points, b.points);
  const all = buildDomain(t.X, t.rows, nf, t.groups)!;
  assert.equal(all.groups.length, t.rows - 1);
  assert.ok(Array.from(all.points).every(Number.isFinite));

  const one = buildDomain(t.X, t.rows, nf, new Int32Array(t.rows))!;
  assert.equal(one.threshold, Infinity);
  assert.equal(new DomainIndex(one).inside([1e9, -1e9, 1e9], 0), true);
  assert.equal(buildDomain(new Float32Array([NaN, 1, 2]), 1, 3, [0]), null);
});

test('DomainIndex.inside equals a brute-force search, whatever the order pixels come in', () => {
  const nf = 4;
  const t = trainingRows(5, 15, 30, nf);
  const domain = buildDomain(t.X, t.rows, nf, t.groups)!;
  const index = new DomainIndex(domain);
  const r = domain.threshold * domain.meanDistance;
  const rand = mulberry32(9);
  for (let i = 0; i < 2000; i++) {
    const x = Array.from({ length: nf }, (_, j) => t.X[Math.floor(rand() * t.rows) * nf + j] + 800 * (rand() - 0.5));
    let brute = false;
    for (let p = 0; p < domain.groups.length && !brute; p++) {
      let d2 = 0;
      for (let j = 0; j < nf; j++) d2 += ((x[j] - domain.mean[j]) / domain.scale[j] - (domain.points[p * nf + j] - domain.mean[j]) / domain.scale[j]) ** 2;
      brute = Math.sqrt(d2) <= r;
    }
    assert.equal(index.inside(x, 0), brute, `pixel ${i}`);
  }
});
