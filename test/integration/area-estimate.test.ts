// End to end, as a user runs it: `sentiflow run graphs/asgm-area-estimate.json` on a demo scene generated with a
// seed the example does not use; the sample points are labelled from the scene's ground truth (demo only) and
// the error-adjusted forest → ASGM area must cover the true area with a publishable interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoData } from '../../packages/nodes/src/demo/generate.ts';
import { repoRoot, sentiflow, tempDir } from '../helpers.ts';

const work = tempDir('area');
const dataRoot = join(work, 'data');
const graph = join(repoRoot, 'graphs/asgm-area-estimate.json');

test('area estimate on an unseen demo scene: ≤ 600 points, the 95 % CI covers the true forest → ASGM area, half-width ≤ 30 %', async () => {
  const { truth } = await generateDemoData({ outDir: join(dataRoot, 'demo'), width: 320, height: 240, datesPerYear: 24, seed: 23 });
  const out = join(work, 'out');
  const res = sentiflow(['run', graph, '--data-root', dataRoot, '--out', out, '--cache-dir', join(work, 'cache')]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
  const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const sample = report.nodes.sample.summary as { points: number };
  const area = report.nodes.area.summary as { labelsSource: string; labelledPoints: number; overallAccuracy: { estimate: number; ci95: number }; areas: { name: string; mapKm2: number; estimateKm2: number; ci95Km2: number }[] };
  assert.ok(sample.points <= 600, `${sample.points} points`);
  assert.equal(area.labelsSource, 'demo ground truth');
  assert.equal(area.labelledPoints, sample.points);
  const f2a = area.areas.find((a) => a.name === 'forest→asgm')!;
  console.log(`forest→asgm: ${f2a.estimateKm2} ± ${f2a.ci95Km2} km² (map ${f2a.mapKm2}, truth ${truth.forestToAsgmKm2}); ${sample.points} points; overall accuracy ${area.overallAccuracy.estimate} ± ${area.overallAccuracy.ci95}`);
  // truth.json rounds to 1e-4 km² (one pixel).
  assert.ok(Math.abs(f2a.estimateKm2 - truth.forestToAsgmKm2) <= f2a.ci95Km2 + 1e-4, 'the 95 % CI covers the true area');
  assert.ok(f2a.ci95Km2 <= 0.3 * f2a.estimateKm2, 'half-width ≤ 30 % of the estimate');
});
