import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { estimateAreas, pointsFromErrorMatrix, AreaEstimateError, type SamplePoint } from './areaEstimate.ts';
import { mulberry32 } from './sampleSplit.ts';

const noNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status !== 0 && 'python3 with numpy not available';
const skipPy = noNumpy && (process.env.CI ? false : noNumpy);

// Olofsson et al. 2014, section 5 (Table 8): rows = map = strata, columns = reference;
// deforestation, forest gain, stable forest, stable non-forest; 30 m pixels (0.09 ha).
const OLOFSSON_COUNTS = [
  [66, 0, 5, 4],
  [0, 55, 8, 12],
  [1, 0, 153, 11],
  [2, 1, 9, 313],
];
const OLOFSSON_PIXELS = [200000, 150000, 3200000, 6450000];
const NAMES = ['deforestation', 'forest gain', 'stable forest', 'stable non-forest'];

const olofsson = () => estimateAreas({
  strataPixels: OLOFSSON_PIXELS, strataNames: NAMES, categories: NAMES,
  points: pointsFromErrorMatrix(OLOFSSON_COUNTS), pixelArea: 0.09,
});

const near = (actual: number, expected: number, digits: number, what: string) => {
  const rounded = Math.round(actual * 10 ** digits) / 10 ** digits;
  assert.equal(rounded, expected, `${what}: ${actual} rounds to ${rounded}, published ${expected}`);
};

test('Olofsson et al. 2014 worked example: published areas, CIs and accuracies', () => {
  const r = olofsson();
  // Table 9: error matrix in proportions of area, to 4 decimals as published.
  const table9 = [
    [0.0176, 0, 0.0013, 0.0011],
    [0, 0.011, 0.0016, 0.0024],
    [0.0019, 0, 0.2967, 0.0213],
    [0.004, 0.002, 0.0179, 0.6212],
  ];
  r.errorMatrixProportions.forEach((row, i) => row.forEach((v, j) => near(v, table9[i][j], 4, `p(${i},${j})`)));
  // Section 5: areas in ha with 95 % CIs.
  const areas = [[21158, 6158], [11686, 3756], [285770, 15510], [581386, 16282]];
  r.categories.forEach((c, k) => {
    near(c.area.estimate, areas[k][0], 0, `${c.name} area`);
    near(c.area.ci, areas[k][1], 0, `${c.name} area CI`);
    near(c.mapArea, OLOFSSON_PIXELS[k] * 0.09, 6, `${c.name} mapped area`);
  });
  assert.equal(Math.round(r.categories[0].mapArea), 18000);
  // User's accuracy ± 95 % CI; producer's accuracy; overall 0.947 ± 0.02.
  const ua = [[0.88, 0.07], [0.73, 0.10], [0.93, 0.04], [0.96, 0.02]];
  r.categories.forEach((c, k) => {
    near(c.usersAccuracy!.estimate, ua[k][0], 2, `${c.name} UA`);
    near(c.usersAccuracy!.ci, ua[k][1], 2, `${c.name} UA CI`);
  });
  const pa = [0.75, 0.85, 0.93, 0.96];
  r.categories.forEach((c, k) => near(c.producersAccuracy!.estimate, pa[k], 2, `${c.name} PA`));
  near(r.categories[0].producersAccuracy!.ci, 0.21, 2, 'deforestation PA CI');
  near(r.categories[2].producersAccuracy!.ci, 0.03, 2, 'stable forest PA CI');
  near(r.overallAccuracy!.estimate, 0.947, 3, 'overall accuracy');
  near(r.overallAccuracy!.ci, 0.02, 2, 'overall accuracy CI');
  assert.deepEqual(r.errorMatrixCounts, OLOFSSON_COUNTS);
  assert.deepEqual(r.pointsPerStratum, [75, 75, 165, 325]);
});

test('Olofsson example agrees with an independent numpy computation of eqs. 4-10 (all digits)', { skip: skipPy }, () => {
  const py = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
n = np.array(d['n'], float); N = np.array(d['N'], float)
W = N / N.sum(); ni = n.sum(1)
p = W[:, None] * n / ni[:, None]
U = np.diag(n) / ni; pk = p.sum(0); P = np.diag(p) / pk
Nhat = pk * N.sum()
seP = []
for j in range(len(N)):
    a = N[j]**2 * (1 - P[j])**2 * U[j] * (1 - U[j]) / (ni[j] - 1)
    b = P[j]**2 * sum(N[i]**2 * n[i, j] / ni[i] * (1 - n[i, j] / ni[i]) / (ni[i] - 1) for i in range(len(N)) if i != j)
    seP.append(float(np.sqrt((a + b) / Nhat[j]**2)))
seA = np.sqrt(np.sum(W[:, None]**2 * (n / ni[:, None]) * (1 - n / ni[:, None]) / (ni[:, None] - 1), 0))
print(json.dumps({'p': p.tolist(), 'O': float(np.trace(p)), 'seO': float(np.sqrt(np.sum(W**2 * U * (1 - U) / (ni - 1)))),
  'U': U.tolist(), 'seU': np.sqrt(U * (1 - U) / (ni - 1)).tolist(), 'P': P.tolist(), 'seP': seP,
  'A': (pk * N.sum() * 0.09).tolist(), 'seA': (seA * N.sum() * 0.09).tolist()}))`;
  const e = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ n: OLOFSSON_COUNTS, N: OLOFSSON_PIXELS }) }).toString());
  const r = olofsson();
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
  r.errorMatrixProportions.forEach((row, i) => row.forEach((v, j) => close(v, e.p[i][j], `p${i}${j}`)));
  close(r.overallAccuracy!.estimate, e.O, 'O');
  close(r.overallAccuracy!.se, e.seO, 'se O');
  r.categories.forEach((c, k) => {
    close(c.usersAccuracy!.estimate, e.U[k], 'U'); close(c.usersAccuracy!.se, e.seU[k], 'se U');
    close(c.producersAccuracy!.estimate, e.P[k], 'P'); close(c.producersAccuracy!.se, e.seP[k], 'se P');
    close(c.area.estimate, e.A[k], 'A'); close(c.area.se, e.seA[k], 'se A');
  });
  // The paper prints ±0.23 and ±0.01 for the producer's accuracy of forest gain and stable non-forest; eq. 7
  // (here, numpy above, and R's mapaccuracy) gives 0.254 and 0.018: we follow the equation.
  near(r.categories[1].producersAccuracy!.ci, 0.25, 2, 'forest gain PA CI (eq. 7)');
});

test('strata that are not the map classes (Stehman 2014) agree with numpy; uncertain map points are unmapped', { skip: skipPy }, () => {
  const rand = mulberry32(11);
  const strataPixels = [5000, 800, 120000, 40000, 3000];
  const K = 3;
  const points: SamplePoint[] = [];
  strataPixels.forEach((_, h) => {
    const n = 20 + Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) {
      const r = rand();
      const map = h === 4 ? (r < 0.5 ? null : Math.floor(rand() * K)) : (h + (r < 0.2 ? 1 : 0)) % K;
      points.push({ stratum: h, map, reference: rand() < 0.75 && map !== null ? map : Math.floor(rand() * K) });
    }
  });
  const mapPixels = [50000, 60000, 50000];
  const r = estimateAreas({ strataPixels, categories: ['a', 'b', 'c'], mapPixels, points, pixelArea: 1e-4 });
  // Stehman 2014 eqs. 2-3 (totals/proportions) and 27-28 (ratios), written out independently, no fpc.
  const py = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
N = np.array(d['N'], float); h = np.array([p['stratum'] for p in d['pts']])
m = np.array([-1 if p['map'] is None else p['map'] for p in d['pts']]); ref = np.array([p['reference'] for p in d['pts']])
def ratio(y, x):
    Y = sum(N[s] * y[h == s].mean() for s in range(len(N))); X = sum(N[s] * x[h == s].mean() for s in range(len(N)))
    R = Y / X
    v = sum(N[s]**2 * (np.var(y[h == s], ddof=1) + R**2 * np.var(x[h == s], ddof=1) - 2 * R * np.cov(y[h == s], x[h == s], ddof=1)[0, 1]) / (h == s).sum() for s in range(len(N)))
    return [R, float(np.sqrt(v) / X)]
one = np.ones(len(h))
out = {'area': [ratio((ref == k) * 1.0, one) for k in range(3)],
       'ua': [ratio(((ref == k) & (m == k)) * 1.0, (m == k) * 1.0) for k in range(3)],
       'pa': [ratio(((ref == k) & (m == k)) * 1.0, (ref == k) * 1.0) for k in range(3)],
       'oa': ratio((m == ref) * 1.0, (m >= 0) * 1.0)}
print(json.dumps(out))`;
  const e = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ N: strataPixels, pts: points }) }).toString());
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
  r.categories.forEach((c, k) => {
    close(c.proportion.estimate, e.area[k][0], 'proportion'); close(c.proportion.se, e.area[k][1], 'se proportion');
    close(c.usersAccuracy!.estimate, e.ua[k][0], 'UA'); close(c.usersAccuracy!.se, e.ua[k][1], 'se UA');
    close(c.producersAccuracy!.estimate, e.pa[k][0], 'PA'); close(c.producersAccuracy!.se, e.pa[k][1], 'se PA');
    assert.equal(c.mapArea, mapPixels[k] * 1e-4);
  });
  close(r.overallAccuracy!.estimate, e.oa[0], 'OA'); close(r.overallAccuracy!.se, e.oa[1], 'se OA');
  assert.deepEqual(r.rows, ['a', 'b', 'c', 'unmapped']);
  const sumP = r.errorMatrixProportions.flat().reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sumP - 1) < 1e-12);
});

test('a stratum without enough labelled points is a clear error; a census stratum has no variance', () => {
  assert.throws(() => estimateAreas({ strataPixels: [10, 10], strataNames: ['forest', 'ASGM'], categories: ['f', 'a'], points: [{ stratum: 0, map: 0, reference: 0 }, { stratum: 0, map: 0, reference: 1 }], pixelArea: 1 }),
    (e: Error) => e instanceof AreaEstimateError && /ASGM \(10 pixels\) has no labelled point/.test(e.message));
  assert.throws(() => estimateAreas({ strataPixels: [10, 10], categories: ['f', 'a'], points: [{ stratum: 0, map: 0, reference: 0 }, { stratum: 0, map: 0, reference: 1 }, { stratum: 1, map: 1, reference: 1 }], pixelArea: 1 }),
    /only 1 labelled point/);
  const r = estimateAreas({ strataPixels: [2, 100], categories: ['f', 'a'], points: [
    { stratum: 0, map: 0, reference: 0 }, { stratum: 0, map: 0, reference: 1 },
    { stratum: 1, map: 1, reference: 1 }, { stratum: 1, map: 1, reference: 1 }], pixelArea: 1 });
  assert.equal(r.categories[0].area.estimate, 1);
  assert.equal(r.categories[0].area.se, 0);
  assert.equal(r.categories[1].area.estimate, 101);
});
