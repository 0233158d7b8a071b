// Headless tests of faster building and relocation:  node --import tsx --test apps/editor/src/model/building.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph } from '../api/types.ts';
import { autoLinks, duplicateForYear, placeNear, readableId, readableLabel, yearOf } from './building.ts';
import { missingFolders, relocatePaths } from './relocate.ts';
import { escapeRegExp } from '../rete/MenuSearch.tsx';

const s = (type: string) => ({ type });
type Sockets = { inputs: Record<string, { type: string }>; outputs: Record<string, { type: string }> };
const entries = new Map<string, Sockets>([
  ['s2.load', { inputs: {}, outputs: { series: s('TimeSeries') } }],
  ['s2.cloudMask', { inputs: { series: s('TimeSeries') }, outputs: { series: s('TimeSeries') } }],
  ['s2.aggregate', { inputs: { series: s('TimeSeries') }, outputs: { composite: s('Composite') } }],
  ['vector.load', { inputs: {}, outputs: { polygons: s('Polygons') } }],
  ['samples.fromPolygons', { inputs: { composite: s('Composite'), polygons: s('Polygons') }, outputs: { samples: s('Samples') } }],
  ['samples.split', { inputs: { samples: s('Samples') }, outputs: { train: s('Samples'), validation: s('Samples') } }],
  ['model.xgboost', { inputs: { train: s('Samples') }, outputs: { model: s('Model') } }],
  ['model.classify', { inputs: { composite: s('Composite'), model: s('Model') }, outputs: { classMap: s('ClassMap') } }],
  ['change.diff', { inputs: { before: s('ClassMap'), after: s('ClassMap') }, outputs: { change: s('Change') } }],
]);
const n = (id: string, type: string, params: Record<string, unknown> = {}, y = 0, label?: string) => ({ id, type, version: 1, params, position: { x: 0, y }, ...(label ? { label } : {}) });
const l = (a: string, o: string, b: string, i: string) => ({ from: { node: a, output: o }, to: { node: b, input: i } });

const branch: Graph = {
  schema: 'sentiflow/graph@1',
  name: 'g',
  nodes: [
    n('load', 's2.load', { dir: 'demo', prefix: 'P', year: 2019 }, 0, 'S2 2019'),
    n('mask19', 's2.cloudMask', {}, 0, 'Cloud Mask 2019'),
    n('agg19', 's2.aggregate', {}, 0),
    n('labels19', 'vector.load', { path: 'demo/labels/2019' }, 200, 'Load polygons 2019'),
    n('samples19', 'samples.fromPolygons', {}, 0),
    n('split19', 'samples.split', {}, 0),
    n('xgb19', 'model.xgboost', {}, 0),
    n('classify19', 'model.classify', {}, 0),
  ],
  links: [l('load', 'series', 'mask19', 'series'), l('mask19', 'series', 'agg19', 'series'), l('agg19', 'composite', 'samples19', 'composite'), l('labels19', 'polygons', 'samples19', 'polygons'), l('samples19', 'samples', 'split19', 'samples'), l('split19', 'train', 'xgb19', 'train'), l('agg19', 'composite', 'classify19', 'composite'), l('xgb19', 'model', 'classify19', 'model')],
};

test('readable ids and labels: year of the branch, no repeats, the polygon loader is not load3', () => {
  assert.equal(readableId('vector.load', ['load', 'load2']), 'labels');
  assert.equal(readableId('s2.cloudMask', [], 2019), 'mask19');
  assert.equal(readableId('s2.cloudMask', ['mask19'], 2019), 'mask19_2');
  assert.equal(readableId('some.newThing', []), 'newThing');
  assert.equal(readableLabel({ label: 'Classify' }, ['Classify']), 'Classify (2)');
  assert.equal(readableLabel({ label: 'Classify' }, ['Classify'], 2022), 'Classify 2022');
  assert.equal(yearOf(branch, 'classify19'), 2019);
  assert.equal(yearOf(branch, 'labels19'), undefined);
});

test('placement: right of the anchor, first free row', () => {
  assert.deepEqual(placeNear({ x: 0, y: 0 }, []), { x: 290, y: 0 });
  assert.deepEqual(placeNear({ x: 0, y: 0 }, [{ x: 290, y: 0 }]), { x: 290, y: 190 });
  assert.deepEqual(placeNear({ x: 0, y: 0 }, [{ x: 290, y: 0 }, { x: 290, y: 190 }]), { x: 290, y: -190 });
});

test('autoconnect: from the selection, its downstream, then upstream; outputs fill the selection; comparisons by year', () => {
  const partial: Graph = { ...branch, nodes: branch.nodes.filter((x) => x.id !== 'classify19'), links: branch.links.filter((x) => x.to.node !== 'classify19') };
  // Classify with the model selected: model from it, composite from upstream agg19.
  assert.deepEqual(autoLinks(partial, entries, entries.get('model.classify')!, 'new', 'xgb19'), [l('xgb19', 'model', 'new', 'model'), l('agg19', 'composite', 'new', 'composite')].sort((a, b) => (a.to.input < b.to.input ? -1 : 1)));
  // Polygons added with the sampler selected: its output fills the sampler's free input.
  const noLabels: Graph = { ...branch, nodes: branch.nodes.filter((x) => x.id !== 'labels19'), links: branch.links.filter((x) => x.from.node !== 'labels19') };
  assert.deepEqual(autoLinks(noLabels, entries, entries.get('vector.load')!, 'new', 'samples19'), [l('new', 'polygons', 'samples19', 'polygons')]);
  // Split with the labels selected: samples come from downstream of the selection.
  assert.deepEqual(autoLinks(branch, entries, entries.get('samples.split')!, 'new', 'labels19'), [l('samples19', 'samples', 'new', 'samples')]);
  // Nothing fits: no link.
  assert.deepEqual(autoLinks(branch, entries, entries.get('s2.load')!, 'new', 'xgb19'), []);
  // Change: before = the earlier year, after = the later, whatever is selected.
  const two = duplicateForYear(branch, entries, 'load', 2022);
  const both: Graph = { ...branch, nodes: [...branch.nodes, ...two.nodes], links: [...branch.links, ...two.links] };
  assert.deepEqual(autoLinks(both, entries, entries.get('change.diff')!, 'new', 'classify22'), [l('classify19', 'classMap', 'new', 'before'), l('classify22', 'classMap', 'new', 'after')]);
});

test('duplicate for another year: the loader and everything after it, year-specific labels too, change gets the copy', () => {
  const withChange: Graph = { ...branch, nodes: [...branch.nodes, n('change', 'change.diff')], links: [...branch.links, l('classify19', 'classMap', 'change', 'before')] };
  const copy = duplicateForYear(withChange, entries, 'load', 2022);
  assert.deepEqual(copy.nodes.map((x) => x.id).sort(), ['agg22', 'classify22', 'labels22', 'load_2022', 'mask22', 'samples22', 'split22', 'xgb22']);
  const byId = new Map(copy.nodes.map((x) => [x.id, x]));
  assert.equal(byId.get('load_2022')!.params.year, 2022);
  assert.equal(byId.get('load_2022')!.label, 'S2 2022');
  assert.equal(byId.get('labels22')!.params.path, 'demo/labels/2022');
  assert.equal(byId.get('mask22')!.label, 'Cloud Mask 2022');
  assert.ok(copy.nodes.every((x) => x.position!.y > 200), 'placed below the original');
  assert.equal(copy.links.length, 9);
  assert.ok(copy.links.some((x) => x.from.node === 'classify22' && x.to.node === 'change' && x.to.input === 'after'));
  assert.ok(copy.links.some((x) => x.from.node === 'labels22' && x.to.node === 'samples22'));
  // A source shared with another branch stays shared.
  const shared: Graph = { ...withChange, nodes: [...withChange.nodes, n('other', 'samples.fromPolygons')], links: [...withChange.links, l('labels19', 'polygons', 'other', 'polygons')] };
  const copy2 = duplicateForYear(shared, entries, 'load', 2022);
  assert.ok(!copy2.nodes.some((x) => x.type === 'vector.load'));
  assert.ok(copy2.links.some((x) => x.from.node === 'labels19' && x.to.node === 'samples22'));
});

test("a colleague's folders: missing ones found from problems, every loader pointed at one folder", () => {
  const g: Graph = { ...branch, nodes: branch.nodes.map((x) => (x.id === 'load' ? { ...x, params: { ...x.params, dir: 'alice/demo' } } : x.id === 'labels19' ? { ...x, params: { path: 'alice/demo/labels/2019' } } : x)) };
  assert.deepEqual(missingFolders(g, [{ code: 'file-missing', nodeId: 'load', param: 'dir' }, { code: 'param-invalid', nodeId: 'mask19', param: 'x' }]), ['alice/demo']);
  const changes = relocatePaths(g, 'demo', { 's2.load': ['dir'], 'vector.load': ['path'] });
  assert.deepEqual(Object.fromEntries(changes), { load: { dir: 'demo', prefix: 'P', year: 2019 }, labels19: { path: 'demo/labels/2019' } });
});

test('context-menu search text is a literal, not a pattern', () => {
  assert.ok(new RegExp(escapeRegExp('?'), 'i').test('what?'));
  assert.ok(!new RegExp(escapeRegExp('a.c'), 'i').test('abc'));
  assert.ok(new RegExp(escapeRegExp('(B8'), 'i').test('(B8 - B4)'));
});

test('overall progress and ETA of a run', async () => {
  const { overallProgress, overallEta } = await import('../components/RunProgress.tsx');
  const run = { runId: 'r', graphName: 'g', status: 'running' as const, lastSeq: 3, nodes: { a: { status: 'done' as const }, b: { status: 'running' as const, progress: { done: 1, total: 4, unit: 'chunks', eta: 9 } }, c: { status: 'queued' as const }, d: { status: 'cached' as const } } };
  const p = overallProgress(run);
  assert.equal(p.fraction, (1 + 0.25 + 0 + 1) / 4);
  assert.equal(p.eta, 9);
  assert.equal(overallEta(0.5, 10, 3), 10);
  assert.equal(overallEta(0.5, 10, 30), 30);
  assert.equal(overallEta(0.01, 10, null), null);
});
