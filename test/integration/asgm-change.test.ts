// End to end, as a user runs it: `sentiflow run graphs/asgm-change.json` on a small demo scene generated with a
// seed the example does not use, checked against the scene's ground truth and against the notebook workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoData } from '../../packages/nodes/src/demo/generate.ts';
import { noNotebookStack, noNumpyGdal, python, repoRoot, sentiflow, tempDir } from '../helpers.ts';

const work = tempDir('asgm');
const dataRoot = join(work, 'data');
const out = join(work, 'out');
const cache = join(work, 'cache');
const graph = join(repoRoot, 'graphs/asgm-change.json');
let truth: { forestToAsgmKm2: number; asgmChangePercent: number };

test('demo scene generates', async () => {
  ({ truth } = await generateDemoData({ outDir: join(dataRoot, 'demo'), width: 320, height: 240, datesPerYear: 24, seed: 11 }));
  assert.ok(truth.forestToAsgmKm2 > 0, 'the scene plants some forest → ASGM change');
});

test('sentiflow run recovers the planted change', { skip: noNumpyGdal }, () => {
  const res = sentiflow(['run', graph, '--data-root', dataRoot, '--out', out, '--cache-dir', cache]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
  const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(report.status, 'done');

  // Class maps against the truth: the acceptance bar of the ASGM issue (overall ≥ 0.99, ASGM recall ≥ 0.95).
  // The scene's classes overlap only through noise and residual cloud, so the margin is wide (≈ 0.999 here).
  const maps = JSON.parse(python(join(repoRoot, 'test/integration/compare_classes.py'), [JSON.stringify({
    pairs: [2019, 2022].map((y) => ({ ours: join(out, `classify${String(y).slice(2)}`, 'classes.tif'), truth: join(dataRoot, 'demo', `truth_${y}.tif`) })),
  })]));
  for (const m of maps) {
    assert.ok(m.accuracy >= 0.99, `overall accuracy ${m.accuracy}`);
    assert.ok(m.recall['2'] >= 0.95, `ASGM recall ${m.recall['2']}`);
  }

  // Change statistics against the truth: within 5 % (the notebook way gets ≈ 3 % on real-size scenes).
  const change = report.nodes.change.outputs.change;
  const [forest, asgm] = [change.classes.indexOf('forest'), change.classes.indexOf('asgm')];
  const km2 = change.transitionKm2[forest][asgm];
  assert.ok(Math.abs(km2 - truth.forestToAsgmKm2) <= 0.05 * truth.forestToAsgmKm2, `forest → ASGM ${km2} km² vs truth ${truth.forestToAsgmKm2}`);
  assert.ok(Math.abs(change.changePercent.asgm - truth.asgmChangePercent) <= 5, `ASGM change ${change.changePercent.asgm} % vs ${truth.asgmChangePercent} %`);

  // Models were evaluated on held-out rows.
  assert.ok(report.nodes.evalXgb19.outputs.metrics.accuracy >= 0.95);
  assert.ok(report.nodes.evalTree19.outputs.metrics.accuracy >= 0.9);
});

test('class maps agree ≥ 99 % with the notebook workflow (numpy + GDAL + xgboost)', { skip: noNotebookStack }, () => {
  const nbDir = tempDir('notebook');
  python(join(repoRoot, 'scripts/notebook_reference.py'), [
    '--dir', join(dataRoot, 'demo'), '--labels', join(dataRoot, 'demo', 'labels'), '--out', join(nbDir, 'nb.json'), '--class-npy-dir', nbDir,
  ]);
  const maps = JSON.parse(python(join(repoRoot, 'test/integration/compare_classes.py'), [JSON.stringify({
    pairs: [2019, 2022].map((y) => ({
      ours: join(out, `classify${String(y).slice(2)}`, 'classes.tif'), truth: join(dataRoot, 'demo', `truth_${y}.tif`), notebook: join(nbDir, `classes_${y}.npy`),
    })),
  })]));
  for (const m of maps) assert.ok(m.notebookAgreement >= 0.99, `agreement with the notebook ${m.notebookAgreement}`);
});

test('a rerun of the unchanged graph is served entirely from the cache', () => {
  const res = sentiflow(['run', graph, '--data-root', dataRoot, '--out', join(work, 'out2'), '--cache-dir', cache]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
  const report = JSON.parse(readFileSync(join(work, 'out2', 'run.json'), 'utf8'));
  const notCached = Object.entries(report.nodes).filter(([, n]) => (n as { status: string }).status !== 'cached');
  assert.deepEqual(notCached, []);
});
