import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitDecisionTree, treeDepth, treeLeaves, treePredictProba } from './decisionTree.ts';
import { needs, python } from '../../../../test/needs.ts';

const PY = `
import sys, numpy as np
from sklearn.tree import DecisionTreeClassifier
d = sys.argv[1]; n = 13000; f = 13
rng = np.random.default_rng(7)
y = rng.integers(0, 3, n).astype(np.int32)
centers = rng.normal(0, 1, (3, f))
X = (centers[y] + rng.normal(0, 1.6, (n, f))).astype(np.float32)
X[:, 5] = np.round(X[:, 5], 1)  # repeated values
X.tofile(d + '/X.bin'); y.tofile(d + '/y.bin')
clf = DecisionTreeClassifier(max_depth=5, max_leaf_nodes=10, random_state=0).fit(X, y)
clf.predict(X).astype(np.int32).tofile(d + '/pred.bin')
clf.predict_proba(X).astype(np.float32).tofile(d + '/proba.bin')
print(clf.get_depth(), clf.get_n_leaves(), clf.tree_.node_count)
`;

test('decision tree matches scikit-learn (max_depth 5, max_leaf_nodes 10)', { skip: needs(python('sklearn', 'numpy')) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtree-'));
  const [depth, leaves] = execFileSync('/usr/bin/python3', ['-c', PY, dir]).toString().trim().split(' ').map(Number);
  const X = new Float32Array(readFileSync(join(dir, 'X.bin')).buffer.slice(0));
  const y = new Int32Array(readFileSync(join(dir, 'y.bin')).buffer.slice(0));
  const pred = new Int32Array(readFileSync(join(dir, 'pred.bin')).buffer.slice(0));
  const probaSk = new Float32Array(readFileSync(join(dir, 'proba.bin')).buffer.slice(0));
  const rows = y.length, nf = 13;
  const t0 = performance.now();
  const nodes = fitDecisionTree(X, rows, nf, y, 3, { maxDepth: 5, maxLeafNodes: 10, minSamplesLeaf: 1 });
  const ms = performance.now() - t0;
  console.log(`decision tree fit: ${rows} rows × ${nf} features in ${ms.toFixed(1)} ms`);
  assert.equal(treeLeaves(nodes), leaves);
  assert.equal(treeDepth(nodes), depth);
  const proba = treePredictProba(nodes, X, rows, nf, 3);
  let agree = 0, maxDiff = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < 3; c++) if (proba[r * 3 + c] > proba[r * 3 + best]) best = c;
    if (best === pred[r]) agree++;
    for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(proba[r * 3 + c] - probaSk[r * 3 + c]));
  }
  console.log(`agreement with sklearn: ${((agree / rows) * 100).toFixed(3)} %, max proba diff ${maxDiff}`);
  assert.ok(agree / rows >= 0.99, `agreement ${agree / rows}`);
});

test('decision tree: pure node is a leaf, NaN rows dropped, min_samples_leaf respected', () => {
  const X = new Float32Array([0, 1, 2, 3, NaN, 10, 11, 12]);
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  const nodes = fitDecisionTree(X, 8, 1, y, 2, { maxDepth: 5, maxLeafNodes: 10 });
  assert.equal(nodes.length, 3);
  assert.equal(nodes[0].threshold, 6.5);
  assert.deepEqual(nodes[0].value, [4, 3]);
  const n2 = fitDecisionTree(new Float32Array([0, 1, 2, 3]), 4, 1, [0, 1, 0, 1], 2, { minSamplesLeaf: 2 });
  for (const nd of n2) if (nd.feature < 0) assert.ok(nd.samples >= 2);
});
