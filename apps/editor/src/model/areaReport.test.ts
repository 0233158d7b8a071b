import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaEstimateOf } from './areaReport.ts';
import type { NodeResult } from './results.ts';

const result = (type: string, summary: Record<string, unknown>): NodeResult =>
  ({ nodeId: type, runId: 'r', type, label: type, state: { status: 'done', summary } as NodeResult['state'] });

test('the change headline finds the area estimate of its transition', () => {
  const results = [
    result('change.diff', { transitionsKm2: { 'forest→asgm': 2 } }),
    result('validation.areaEstimate', { labelledPoints: 412, labelsSource: 'labels/x.geojson', areas: [
      { name: 'forest→forest', estimateKm2: 20, ci95Km2: 1, mapKm2: 21 },
      { name: 'forest→asgm', estimateKm2: 2.5, ci95Km2: 0.4, mapKm2: 2 },
    ] }),
  ];
  assert.deepEqual(areaEstimateOf(results, 'Forest', 'ASGM'), { nodeId: 'validation.areaEstimate', estimateKm2: 2.5, ci95Km2: 0.4, mapKm2: 2, labelledPoints: 412, source: 'labels/x.geojson' });
  assert.equal(areaEstimateOf(results, 'water', 'asgm'), null);
  assert.equal(areaEstimateOf([results[0]], 'forest', 'asgm'), null);
});
