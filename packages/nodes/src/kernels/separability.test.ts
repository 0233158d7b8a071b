import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { featureSeparability, jeffriesMatusita, rankFeatures } from './separability.ts';
import { mulberry32 } from './sampleSplit.ts';
import { needs, python } from '../../../../test/needs.ts';

test('JM distance: identical = 0, far apart → 2, hand value', () => {
  assert.equal(jeffriesMatusita(0, 1, 0, 1), 0);
  assert.ok(jeffriesMatusita(0, 1, 100, 1) > 1.9999);
  // B = (1/8)·1²/1 + 0 = 0.125 → JM = 2(1 − e^−0.125)
  assert.ok(Math.abs(jeffriesMatusita(0, 1, 1, 1) - 2 * (1 - Math.exp(-0.125))) < 1e-15);
});

test('histograms and JM agree with numpy', { skip: needs(python('numpy')) }, () => {
  const rand = mulberry32(9);
  const rows = 900, nf = 2;
  const X = new Float32Array(rows * nf), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 3;
    X[r * nf] = y[r] * 0.8 + rand() * 2;
    X[r * nf + 1] = rand() * (1 + y[r]);
  }
  X[5] = NaN;
  const sep = featureSeparability(X, rows, nf, y, 3, 30);
  const py = `
import json, sys, numpy as np
d = json.load(sys.stdin); X = np.array(d['X'], dtype=np.float64).reshape(-1, 2); y = np.array(d['y'])
out = []
for f in range(2):
    v = X[:, f]; ok = np.isfinite(v); lo, hi = np.percentile(v[ok], [1, 99])
    dens, jm = [], []
    m = [v[ok & (y == c)].mean() for c in range(3)]; s = [v[ok & (y == c)].var() for c in range(3)]
    for c in range(3):
        dens.append(np.histogram(v[ok & (y == c)], bins=30, range=(lo, hi), density=True)[0].tolist())
    for a in range(3):
        row = []
        for b in range(3):
            B = (m[a] - m[b])**2 / (8 * (s[a] + s[b]) / 2) + 0.5 * np.log(((s[a] + s[b]) / 2) / np.sqrt(s[a] * s[b]))
            row.append(float(2 * (1 - np.exp(-B))))
        jm.append(row)
    out.append({'lo': lo, 'hi': hi, 'dens': dens, 'jm': jm})
print(json.dumps(out))`;
  const ref = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ X: Array.from(X, (v) => (Number.isNaN(v) ? null : v)), y: Array.from(y) }) }).toString(),
  );
  for (let f = 0; f < nf; f++) {
    assert.ok(Math.abs(sep[f].edges[0] - ref[f].lo) < 1e-9);
    assert.ok(Math.abs(sep[f].edges[30] - ref[f].hi) < 1e-9);
    for (let c = 0; c < 3; c++) for (let b = 0; b < 30; b++) assert.ok(Math.abs(sep[f].density[c][b] - ref[f].dens[c][b]) < 1e-6, `f${f} c${c} b${b}`);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) assert.ok(Math.abs(sep[f].jm[a][b] - ref[f].jm[a][b]) < 1e-9);
  }
  const rank = rankFeatures(sep, 3);
  assert.equal(rank.pairs.length, 3);
  assert.ok(rank.overall[0].meanJm >= rank.overall[1].meanJm);
});
