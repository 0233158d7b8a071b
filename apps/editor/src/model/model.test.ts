// Headless tests of the editor's plain modules:  node --import tsx --test apps/editor/src/model/model.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogEntry, Graph, JsonSchema, RunEvent } from '../api/types.ts';
import { createsCycle, linkRefusal, paletteGroups } from './catalog.ts';
import { cloneNodes, freshId, nodeKeys, parseGraphText, staleNodes } from './graphDoc.ts';
import { applyEvent, initialRunState } from './runState.ts';
import { checkValue, defaultParams, fieldsOf, isShown } from './schema.ts';
import { layoutTree, mapLayers, unavailableLayers, type NodeResult } from './results.ts';
import { fieldContextFor, formatExpressionError, identifierError, upstreamNames } from './expressions.ts';
import { changeHeadline, formatPercent } from './change.ts';
import { checkExpression } from '../../../../packages/nodes/src/kernels/expression.ts';

const graph: Graph = {
  schema: 'sentiflow/graph@1',
  name: 'g',
  nodes: [
    { id: 'a', type: 's2.load', version: 1, params: { dir: 'demo' } },
    { id: 'b', type: 's2.aggregate', version: 1, params: { reducers: ['mean'] } },
    { id: 'm', type: 'model.xgboost', version: 1, params: { maxDepth: 6 } },
    { id: 'c', type: 'model.classify', version: 1, params: {} },
  ],
  links: [
    { from: { node: 'a', output: 'series' }, to: { node: 'b', input: 'series' } },
    { from: { node: 'b', output: 'composite' }, to: { node: 'm', input: 'samples' } },
    { from: { node: 'm', output: 'model' }, to: { node: 'c', input: 'model' } },
    { from: { node: 'b', output: 'composite' }, to: { node: 'c', input: 'composite' } },
  ],
};

test('staleness: a param change marks the node and its dependants, not upstream; labels/positions do not count', () => {
  const keys = nodeKeys(graph);
  const changed = structuredClone(graph);
  changed.nodes[2].params.maxDepth = 4;
  changed.nodes[0].label = 'renamed';
  changed.nodes[0].position = { x: 5, y: 5 };
  assert.deepEqual([...staleNodes(changed, keys, () => true)].sort(), ['c', 'm']);
  assert.deepEqual([...staleNodes(graph, keys, () => true)], []);
  // Param key order is irrelevant.
  const reordered = structuredClone(graph);
  reordered.nodes[1].params = { reducers: ['mean'] };
  assert.equal(nodeKeys(reordered).b, keys.b);
});

test('links: type mismatch and cycles are refused with a reason', () => {
  assert.match(linkRefusal({ node: 'a', socket: 'series', type: 'TimeSeries' }, { node: 'm', socket: 'samples', type: 'Samples' })!, /TimeSeries.*Samples.*differ/);
  assert.equal(linkRefusal({ node: 'a', socket: 'x', type: 'Model' }, { node: 'b', socket: 'y', type: 'Model' }), null);
  assert.equal(createsCycle([['a', 'b'], ['b', 'c']], 'c', 'a'), true);
  assert.equal(createsCycle([['a', 'b'], ['b', 'c']], 'a', 'c'), false);
});

test('palette: grouped in workflow order and searchable', () => {
  const e = (type: string, category: string, label: string) => ({ type, category, label, version: 1, description: `${label} node`, inputs: {}, outputs: {}, params: {}, pathParams: [] });
  const groups = paletteGroups([e('model.x', 'Model', 'XGBoost'), e('s2.load', 'Input', 'Load'), e('foo', 'Custom', 'Foo')]);
  assert.deepEqual(groups.map((g) => g.category), ['Input', 'Model', 'Custom']);
  assert.deepEqual(paletteGroups([e('model.x', 'Model', 'XGBoost'), e('s2.load', 'Input', 'Load')], 'xgb').map((g) => g.entries[0].type), ['model.x']);
});

test('schema: controls, defaults, units and local checks from JSON Schema and its declared presentation', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      threshold: { type: 'number', minimum: 0, maximum: 100, default: 20, description: 'Cloud probability threshold', unit: '%', showWhen: { method: ['probability'] } },
      method: { type: 'string', enum: ['probability', 'scl'], default: 'probability' },
      reducers: { type: 'array', items: { type: 'string', enum: ['mean', 'std'] }, default: ['mean'] },
      formula: { type: 'string', widget: 'expression', names: 'upstream' },
      dir: { type: 'string' },
      indices: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, expression: { type: 'string' } } } },
      aoi: { anyOf: [{ type: 'string' }, { type: 'object' }], widget: 'aoi' },
      nullableDepth: { anyOf: [{ type: 'integer' }, { type: 'null' }], unit: 'levels' },
    },
    required: ['dir'],
  };
  const fields = fieldsOf(schema, ['dir']);
  // Nothing is guessed from names or prose: "expression" without a widget is plain text, "(%)" in a description no unit.
  assert.deepEqual(fields.map((f) => f.kind), ['number', 'select', 'multiselect', 'expression', 'path', 'list', 'aoi', 'integer']);
  assert.equal(fields[0].unit, '%');
  assert.equal(fields[3].names, 'upstream');
  assert.equal(fields[7].unit, 'levels');
  assert.equal(fieldsOf({ type: 'object', properties: { p: { type: 'number', description: 'Threshold (%)' } } })[0].unit, undefined);
  assert.equal(fieldsOf(fields[5].schema.items!)[1].kind, 'text');
  assert.equal(isShown(fields[0], {}, fields), true, 'method defaults to probability');
  assert.equal(isShown(fields[0], { method: 'scl' }, fields), false);
  assert.equal(isShown(fields[0], { method: 'scl', threshold: 30 }, fields), true, 'a param with a value is never hidden');
  assert.deepEqual(defaultParams(schema), { threshold: 20, method: 'probability', reducers: ['mean'] });
  assert.equal(checkValue(fields[0], 120), 'must be ≤ 100');
  assert.equal(checkValue(fields[0], 50), null);
  assert.equal(checkValue(fields[4], undefined), 'required');
});

test('run state: events fold into per-node status; replayed events are ignored', () => {
  const ev = (seq: number, e: Record<string, unknown>) => ({ runId: 'r', seq, time: '', ...e }) as RunEvent;
  let s = initialRunState('r');
  s = applyEvent(s, ev(0, { type: 'run.started', graphName: 'g', nodes: ['a', 'b'] }));
  s = applyEvent(s, ev(1, { type: 'node.cached', nodeId: 'a' }));
  s = applyEvent(s, ev(2, { type: 'node.started', nodeId: 'b' }));
  s = applyEvent(s, ev(3, { type: 'node.progress', nodeId: 'b', done: 2, total: 4, unit: 'chunks', eta: 3 }));
  assert.equal(s.nodes.a.status, 'cached');
  assert.deepEqual(s.nodes.b.progress, { done: 2, total: 4, unit: 'chunks', eta: 3 });
  assert.equal(applyEvent(s, ev(3, { type: 'node.failed', nodeId: 'b', message: 'x' })), s);
  s = applyEvent(s, ev(4, { type: 'node.failed', nodeId: 'b', message: 'bad param' }));
  s = applyEvent(s, ev(5, { type: 'run.finished', status: 'failed', duration: 10 }));
  assert.equal(s.nodes.b.status, 'failed');
  assert.equal(s.nodes.b.error?.message, 'bad param');
  assert.equal(s.status, 'failed');
});

test('graph files: parse errors are readable; paste clones with fresh ids and internal links', () => {
  assert.throws(() => parseGraphText('{'), /Not valid JSON/);
  assert.throws(() => parseGraphText('{"schema":"other"}'), /Not a Sentiflow graph/);
  assert.equal(freshId('xgboost', ['xgboost', 'xgboost2']), 'xgboost3');
  const copy = cloneNodes(graph.nodes.slice(0, 2), graph.links, graph.nodes.map((n) => n.id));
  assert.deepEqual(copy.nodes.map((n) => n.id), ['a2', 'b2']);
  assert.deepEqual(copy.links, [{ from: { node: 'a2', output: 'series' }, to: { node: 'b2', input: 'series' } }]);
});

test('results: map layers from the outputs\' declared previews; tree layout puts leaves left to right', () => {
  const entry = (type: string, outputs: CatalogEntry['outputs']): CatalogEntry => ({ type, version: 1, category: 'Model', label: type, description: '', inputs: {}, outputs, pathParams: [], params: { type: 'object' } });
  const catalog = [
    entry('model.classify', { classMap: { type: 'ClassMap', label: '', description: '', preview: [{ kind: 'classes' }, { kind: 'probability' }] } }),
    entry('change.diff', { change: { type: 'Change', label: '', description: '', preview: [{ kind: 'transitions' }, { kind: 'diff' }] } }),
    entry('s2.aggregate', { composite: { type: 'Composite', label: '', description: '', preview: [{ kind: 'rgb', label: 'natural colour', bands: ['R', 'G', 'B'] }] } }),
  ];
  const results: NodeResult[] = [
    { nodeId: 'cl', runId: 'r', type: 'model.classify', label: 'Classify', state: { status: 'done', outputs: { classMap: { kind: 'ClassMap', grid: { width: 20, height: 10 }, classes: ['water', 'asgm'] } } } },
    { nodeId: 'ch', runId: 'r', type: 'change.diff', label: 'Change', state: { status: 'done', outputs: { change: { kind: 'Change', classes: ['water'], probabilityDiffFiles: { water: 'd.tif' } } } } },
    { nodeId: 'agg', runId: 'r', type: 's2.aggregate', label: 'Agg', state: { status: 'done', outputs: { composite: { kind: 'Composite', features: ['R_std', 'G_std', 'B_std'] } } } },
    { nodeId: 'agg2', runId: 'r', type: 's2.aggregate', label: 'Agg2', state: { status: 'done', outputs: { composite: { kind: 'Composite', features: ['R_mean', 'G_mean'] } } } },
  ];
  const layers = mapLayers(results, catalog);
  assert.deepEqual(layers.map((l) => l.layer), ['classes', 'probability:water', 'probability:asgm', 'transitions', 'diff:water', 'rgb']);
  assert.equal(layers[3].width, 20);
  assert.deepEqual(mapLayers(results), [], 'without declarations nothing is offered');
  assert.deepEqual(unavailableLayers(results, catalog).map((u) => u.reason), ['no natural colour: needs R, G and B of one statistic (has R_mean, G_mean)']);
  const lay = layoutTree([
    { feature: 0, left: 1, right: 2 },
    { feature: -1, left: -1, right: -1 },
    { feature: -1, left: -1, right: -1 },
  ]);
  assert.deepEqual(lay.map((l) => [l.index, l.x, l.depth]), [[0, 0.5, 0], [1, 0, 1], [2, 1, 1]]);
});

test('expressions: bands come from the upstream s2.load; errors name the band and the column', () => {
  const g: Graph = {
    schema: 'sentiflow/graph@1',
    name: 'g',
    nodes: [
      { id: 'load', type: 's2.load', version: 1, params: { dir: 'demo', bands: ['B4', 'B8'] } },
      { id: 'mask', type: 's2.cloudMask', version: 1, params: {} },
      { id: 'idx', type: 's2.index', version: 1, params: {} },
      { id: 'lone', type: 's2.index', version: 1, params: {} },
    ],
    links: [
      { from: { node: 'load', output: 'series' }, to: { node: 'mask', input: 'series' } },
      { from: { node: 'mask', output: 'series' }, to: { node: 'idx', input: 'series' } },
    ],
  };
  // The loader's output declares that it carries its `bands` param; the index node's formula declares it uses them.
  const load: CatalogEntry = { type: 's2.load', version: 1, category: 'Input', label: 'L', description: '', inputs: {}, pathParams: [], outputs: { series: { type: 'TimeSeries', label: '', description: '', names: { param: 'bands' } } }, params: { type: 'object', properties: { bands: { type: 'array', default: ['B2', 'B8'] } } } };
  const index: CatalogEntry = { type: 's2.index', version: 1, category: 'Raster', label: 'I', description: '', inputs: {}, outputs: {}, pathParams: [], params: { type: 'object', properties: { custom: { type: 'array', items: { type: 'object', properties: { expression: { type: 'string', widget: 'expression', names: 'upstream' } } } } } } };
  const catalog = [load, index];
  assert.deepEqual(upstreamNames(g, 'idx', catalog), ['B4', 'B8']);
  assert.equal(upstreamNames(g, 'lone', catalog), undefined);
  assert.equal(upstreamNames(g, 'idx'), undefined, 'without declarations: parse only');
  const noBands = structuredClone(g);
  noBands.nodes[0].params = { dir: 'demo' };
  assert.deepEqual(upstreamNames(noBands, 'idx', catalog), ['B2', 'B8']);
  assert.deepEqual(fieldContextFor(g, 'idx', catalog), { nodeParams: {}, expressionNames: ['B4', 'B8'] });
  assert.deepEqual(fieldContextFor(g, 'load', catalog), { nodeParams: { dir: 'demo', bands: ['B4', 'B8'] } });

  const unknown = checkExpression('(B8 - B99) / 2', ['B4', 'B8'])!;
  assert.equal(formatExpressionError(unknown), 'column 7: unknown band B99 (available: B4, B8)');
  assert.equal(formatExpressionError(checkExpression('B8 -', ['B8'])!), 'column 5: unexpected end of expression (expected a number, a band name or ()');
  assert.equal(checkExpression('(B8 - B4) / (B8 + B4)', ['B4', 'B8']), null);
  assert.equal(identifierError('NDRE'), null);
  assert.match(identifierError('1x')!, /column 1: must start with a letter/);
  assert.match(identifierError('ND-RE')!, /column 3/);
  assert.match(identifierError('B8', ['B8'])!, /band name/);
});

test('change headline: forest → ASGM when present, else the largest off-diagonal transition', () => {
  const change = { classes: ['water', 'forest', 'asgm'], transitionKm2: [[5, 0.1, 0.2], [0.3, 40, 2.5], [0, 0.4, 3]], changePercent: { water: 1, forest: -5, asgm: 42.5 } };
  assert.deepEqual(changeHeadline(change), { focus: true, from: 'forest', to: 'asgm', km2: 2.5, areaClass: 'asgm', percent: 42.5 });
  const other = { classes: ['a', 'b'], transitionKm2: [[1, 0.5], [0.7, 2]], changePercent: { a: 3, b: null } };
  assert.deepEqual(changeHeadline(other), { focus: false, from: 'b', to: 'a', km2: 0.7, areaClass: 'a', percent: 3 });
  assert.equal(changeHeadline({ classes: [], transitionKm2: [] }), null);
  assert.equal(formatPercent(42.5), '+42.5 %');
  assert.equal(formatPercent(null), 'new (no area before)');
});
