/** The report's pure parts: layout of facts into HTML (escaping, uncertainty), scale bar, file names, cross-tab. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossTab } from './compare.ts';
import { compactNames } from './report.ts';
import { reportHtml, scaleBar, type ReportData } from './reportHtml.ts';
import { diffGraphs, headlineOf } from '@sentiflow/protocol';

const base = (over: Partial<ReportData> = {}): ReportData => ({
  title: 'Run <script>alert(1)</script>',
  runId: 'r1', graphName: 'g', status: 'done', startedAt: '2026-01-01T00:00:00.000Z', duration: 1500, note: '', outDir: '/tmp/out',
  headline: headlineOf({}), graph: { nodes: [{ id: 'n', type: 't', label: '<img src=x onerror=alert(1)>', params: { a: '"</code>' } }], links: [] },
  statuses: {}, changes: [], previousRunId: null, tables: [], maps: [], provenance: [], ...over,
});

test('report HTML escapes every text that comes from a graph', () => {
  const html = reportHtml(base());
  assert.doesNotMatch(html, /<script>alert|<img src=x/);
  assert.match(html, /Run &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&quot;&lt;\/code&gt;/);
});

test('report headline shows the error-adjusted area ± its 95 % CI when the run has one', () => {
  const nodes = {
    change: { status: 'done', outputs: { change: { kind: 'Change', classes: ['forest', 'asgm'], labels: ['forest', 'asgm', 'uncertain'], transitionKm2: [[5, 1.234], [0, 2], [0, 0]], changePercent: { asgm: 50 } } } },
    areaEstimate: { status: 'done', summary: { classes: [{ className: 'asgm', areaKm2: 3.21, ci95Km2: 0.45 }] } },
  };
  const h = headlineOf(nodes);
  assert.equal(h.transitionKm2, 1.234);
  assert.equal(h.changePercent, 50);
  assert.deepEqual(h.areaEstimates, [{ nodeId: 'areaEstimate', className: 'asgm', areaKm2: 3.21, ciKm2: 0.45 }]);
  const html = reportHtml(base({ headline: h }));
  assert.match(html, /3\.21 ± 0\.45 km²/);
  assert.match(html, /1\.23 km²<\/b><span>forest → asgm/);
  assert.doesNotMatch(reportHtml(base()), /±/);
});

test('scale bar: a round length near a quarter of the map width', () => {
  assert.deepEqual(scaleBar(2000), { meters: 500, percent: 25, label: '500 m' });
  assert.deepEqual(scaleBar(33_000), { meters: 5000, percent: (100 * 5000) / 33_000, label: '5 km' });
  assert.equal(scaleBar(7000).label, '1 km');
});

test('file names of a series are listed compactly', () => {
  assert.equal(compactNames(['P_2019_B2.tif', 'P_2019_B3.tif', 'P_2019_probability.tif']), 'P_2019_{B2,B3,probability}.tif');
  assert.equal(compactNames(['a.tif']), 'a.tif');
});

test('cross-tab of two class maps matches classes by name, skips nodata', () => {
  // Run A lists [water, forest], run B [forest, water]: code 0 means different classes in the two maps.
  const names = (classes: string[]) => (c: number) => (c === 255 ? null : c === 254 ? 'uncertain' : classes[c] ?? null);
  const m = crossTab([0, 0, 1, 1, 254, 255], [1, 0, 0, 0, 254, 0], names(['water', 'forest']), names(['forest', 'water']), ['water', 'forest', 'uncertain']);
  assert.deepEqual(m, [[1, 1, 0], [0, 2, 0], [0, 0, 1]]);
});

test('graph diff: params, added and removed nodes, rewired inputs', () => {
  const g1 = { nodes: [{ id: 'a', type: 'x', params: { k: 1 } }, { id: 'b', type: 'y' }, { id: 'c', type: 'z' }], links: [{ from: { node: 'a', output: 'o' }, to: { node: 'b', input: 'i' } }] };
  const g2 = { nodes: [{ id: 'a', type: 'x', params: { k: 2, j: [1] } }, { id: 'b', type: 'y' }, { id: 'd', type: 'w' }], links: [{ from: { node: 'd', output: 'o' }, to: { node: 'b', input: 'i' } }] };
  assert.deepEqual(diffGraphs(g1, g2).map((c) => [c.kind, c.nodeId, c.param ?? null]), [['param', 'a', 'j'], ['param', 'a', 'k'], ['links', 'b', null], ['added', 'd', null], ['removed', 'c', null]]);
  assert.deepEqual(diffGraphs(g1, g1), []);
});
