import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { classificationMetrics } from './metrics.ts';
import { mulberry32 } from './sampleSplit.ts';
import { needs, python } from '../../../../test/needs.ts';

test('metrics agree with scikit-learn', { skip: needs(python('sklearn')) }, () => {
  const rand = mulberry32(3);
  const n = 500, k = 4;
  const yt = Array.from({ length: n }, () => Math.floor(rand() * 3)); // class 3 never true
  const yp = yt.map((v) => (rand() < 0.7 ? v : Math.floor(rand() * 3))); // class 3 never predicted
  const py = `
import json, sys
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, precision_recall_fscore_support
d = json.load(sys.stdin); t, p = d['t'], d['p']; labels = list(range(${k}))
pr, rc, f1, s = precision_recall_fscore_support(t, p, labels=labels, zero_division=0)
print(json.dumps({'acc': accuracy_score(t, p), 'kappa': cohen_kappa_score(t, p), 'cm': confusion_matrix(t, p, labels=labels).tolist(),
  'p': pr.tolist(), 'r': rc.tolist(), 'f1': f1.tolist(), 's': s.tolist()}))`;
  const sk = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ t: yt, p: yp }) }).toString());
  const m = classificationMetrics(yt, yp, k);
  assert.ok(Math.abs(m.accuracy - sk.acc) < 1e-12);
  assert.ok(Math.abs(m.kappa - sk.kappa) < 1e-12);
  assert.deepEqual(m.confusion, sk.cm);
  m.perClass.forEach((c, i) => {
    assert.ok(Math.abs(c.precision - sk.p[i]) < 1e-12);
    assert.ok(Math.abs(c.recall - sk.r[i]) < 1e-12);
    assert.ok(Math.abs(c.f1 - sk.f1[i]) < 1e-12);
    assert.equal(c.support, sk.s[i]);
  });
});
