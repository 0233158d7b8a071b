/**
 * model.evaluate decides rows with model.classify's tie rule, checked against numpy + scikit-learn: a
 * hand-built tree whose leaves hold known class fractions (exact two- and three-way ties, a near tie, clear
 * leaves) and labelled rows in every leaf. The reference applies the rule to the leaf fractions itself and
 * scores the decided rows with sklearn; uncertain rows are counted per true class with numpy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext } from '../define.ts';
import type { Metrics } from '../values.ts';
import { writeSamples } from '../io/samplesStore.ts';
import { modelEvaluate } from './modelEvaluate.ts';
import { CLASSES, LEAVES, treeModel as sharedTreeModel } from './tieFixture.test-helper.ts';
import { debianPython, needs, python } from '../../../../test/needs.ts';

const root = mkdtempSync(join(tmpdir(), 'evalties-'));
let n = 0;
function ctx(): NodeContext {
  const workDir = mkdtempSync(join(root, `n${n++}-`));
  return {
    nodeId: `n${n}`, dataRoot: root, workDir, signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('model.evaluate runs no pool task'); } },
    progress() {}, resolvePath: (p) => join(root, p),
  };
}

const treeModel = (order: string[]) => sharedTreeModel(root, order);

// 600 rows: leaf k = r % 6 (x = k), true class by a pattern that gives every leaf rows of several classes.
const ROWS = 600;
const x = Float32Array.from({ length: ROWS }, (_, r) => r % 6);
const y = Int32Array.from({ length: ROWS }, (_, r) => ((r * 7) % 11) % 3);
const samples = writeSamples(join(root, 'samples.bin'), { features: ['x'], classes: CLASSES, X: x, y, polygonId: new Int32Array(ROWS) });

const REFERENCE = `
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, precision_recall_fscore_support
leaves, x, y, ties, tol, minp = json.loads(sys.argv[1])
p = np.array(leaves, float)
p = (p / p.sum(1, keepdims=True))[np.array(x, int)]
y = np.array(y)
s = np.sort(p, 1)
pred = np.argmax(p, 1)
unc = np.zeros(len(y), bool)
if ties == "uncertain":
    unc |= (s[:, -1] - s[:, -2]) <= tol
if minp:
    unc |= s[:, -1] < minp
d = ~unc
pr, rc, f1, sup = precision_recall_fscore_support(y[d], pred[d], labels=[0, 1, 2], zero_division=0)
print(json.dumps({
  "accuracy": accuracy_score(y[d], pred[d]), "kappa": cohen_kappa_score(y[d], pred[d], labels=[0, 1, 2]),
  "confusion": confusion_matrix(y[d], pred[d], labels=[0, 1, 2]).tolist(),
  "precision": pr.tolist(), "recall": rc.tolist(), "f1": f1.tolist(), "support": sup.tolist(),
  "uncertainByClass": [int(np.sum(unc & (y == c))) for c in range(3)],
  "accuracyAllRows": float(np.mean((pred == y) & d)),
}))
`;

function reference(ties: string, tol: number, minProbability = 0) {
  return JSON.parse(execFileSync(debianPython, ['-c', REFERENCE, JSON.stringify([LEAVES, Array.from(x), Array.from(y), ties, tol, minProbability])], { encoding: 'utf8' }));
}

function assertMatches(m: Metrics, ref: ReturnType<typeof reference>, order = CLASSES) {
  // Our metrics are in the model's class order; the reference in CLASSES order.
  const at = CLASSES.map((c) => order.indexOf(c));
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs sklearn ${b}`);
  close(m.accuracy, ref.accuracy, 'accuracy');
  close(m.kappa, ref.kappa, 'kappa');
  assert.deepEqual(CLASSES.map((_, i) => CLASSES.map((__, j) => m.confusion[at[i]][at[j]])), ref.confusion);
  CLASSES.forEach((c, i) => {
    const pc = m.perClass[at[i]];
    assert.equal(pc.className, c);
    close(pc.precision, ref.precision[i], `precision ${c}`);
    close(pc.recall, ref.recall[i], `recall ${c}`);
    close(pc.f1, ref.f1[i], `f1 ${c}`);
    assert.equal(pc.support, ref.support[i]);
  });
  assert.deepEqual(at.map((k) => m.uncertain!.byClass[k]), ref.uncertainByClass);
  close(m.uncertain!.accuracyAllRows, ref.accuracyAllRows, 'accuracy over all rows');
}

const skip = needs(python('numpy', 'sklearn'));

test('default: tied rows are uncertain, counted per true class and left out of the scores (= sklearn on the decided rows)', { skip }, async () => {
  const out = await modelEvaluate.run(ctx(), { model: treeModel(CLASSES), samples: await samples }, { ties: 'uncertain', tieTolerance: 0.02 });
  const m = out.outputs.metrics;
  // Leaves 0, 1 and 3 (exact two- and three-way ties, 0.505 vs 0.495) are half of the rows.
  assert.equal(m.uncertain!.rows, ROWS / 2);
  assert.equal(m.uncertain!.share, 0.5);
  assertMatches(m, reference('uncertain', 0.02));
  // tieTolerance 0 keeps only the exact ties.
  const exact = await modelEvaluate.run(ctx(), { model: treeModel(CLASSES), samples: await samples }, { ties: 'uncertain', tieTolerance: 0 });
  assert.equal(exact.outputs.metrics.uncertain!.rows, ROWS / 3);
  assertMatches(exact.outputs.metrics, reference('uncertain', 0));
});

test('ties "first" scores every row as np.argmax (= sklearn on all rows)', { skip }, async () => {
  const out = await modelEvaluate.run(ctx(), { model: treeModel(CLASSES), samples: await samples }, { ties: 'first', tieTolerance: 0.02 });
  assert.equal(out.outputs.metrics.uncertain!.rows, 0);
  assertMatches(out.outputs.metrics, reference('first', 0.02));
});

test('minProbability marks low-confidence rows uncertain, also with ties "first"', { skip }, async () => {
  const out = await modelEvaluate.run(ctx(), { model: treeModel(CLASSES), samples: await samples }, { ties: 'first', tieTolerance: 0, minProbability: 0.55 });
  assert.equal(out.outputs.metrics.uncertain!.rows, ROWS / 2);
  assertMatches(out.outputs.metrics, reference('first', 0, 0.55));
});

test('the default gives the same scores by class name whatever order the model lists the classes', { skip }, async () => {
  const ref = reference('uncertain', 0.02);
  for (const order of [['asgm', 'forest', 'water'], ['forest', 'asgm', 'water']]) {
    const out = await modelEvaluate.run(ctx(), { model: treeModel(order), samples: await samples }, { ties: 'uncertain', tieTolerance: 0.02 });
    assertMatches(out.outputs.metrics, ref, order);
  }
  // ties "first" does depend on the order: the tied rows go to whichever class is listed first.
  const a = await modelEvaluate.run(ctx(), { model: treeModel(CLASSES), samples: await samples }, { ties: 'first', tieTolerance: 0 });
  const b = await modelEvaluate.run(ctx(), { model: treeModel(['asgm', 'forest', 'water']), samples: await samples }, { ties: 'first', tieTolerance: 0 });
  assert.notEqual(a.outputs.metrics.accuracy, b.outputs.metrics.accuracy);
});
