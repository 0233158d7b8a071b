import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Graph } from '../api/types.ts';
import { makeVariant } from './variants.ts';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, params, position: { x: 0, y: 0 } });
const link = (from: string, to: string, input = 'in') => ({ from: { node: from, output: 'out' }, to: { node: to, input } });

// load → index → agg → classify → change ← classify22 ← agg22 ← index22 ← load22; labels → classify (not downstream)
const graph: Graph = {
  schema: 'sentiflow/graph@1',
  name: 'two years',
  nodes: [node('load', 's2.load'), node('index', 's2.index', { indices: ['NDVI'] }), node('agg', 's2.aggregate', { reducers: ['mean'] }), node('labels', 'vector.load'), node('classify', 'model.classify'),
    node('load22', 's2.load'), node('index22', 's2.index'), node('agg22', 's2.aggregate', { reducers: ['mean'] }), node('classify22', 'model.classify'), node('change', 'change.diff')],
  links: [link('load', 'index'), link('index', 'agg'), link('agg', 'classify'), link('labels', 'classify', 'labels'), link('load22', 'index22'), link('index22', 'agg22'), link('agg22', 'classify22'), link('classify', 'change', 'before'), link('classify22', 'change', 'after')],
};

test('variant: the varied nodes and everything downstream are copied, wired to the same upstream inputs', () => {
  const { graph: g, copies, suffix } = makeVariant(graph, { changes: { agg: { reducers: ['median', 'std'] }, agg22: { reducers: ['median', 'std'] } } });
  assert.equal(suffix, '_v2');
  assert.deepEqual(Object.keys(copies).sort(), ['agg', 'agg22', 'change', 'classify', 'classify22']);
  assert.equal(g.nodes.length, graph.nodes.length + 5);
  assert.deepEqual(g.nodes.find((n) => n.id === 'agg_v2')!.params, { reducers: ['median', 'std'] });
  assert.deepEqual(g.nodes.find((n) => n.id === 'agg')!.params, { reducers: ['mean'] }, 'the original is untouched');
  const into = (id: string) => g.links.filter((l) => l.to.node === id).map((l) => `${l.to.input}<-${l.from.node}`).sort();
  assert.deepEqual(into('agg_v2'), ['in<-index']);
  assert.deepEqual(into('classify_v2'), ['in<-agg_v2', 'labels<-labels']);
  assert.deepEqual(into('change_v2'), ['after<-classify22_v2', 'before<-classify_v2']);
  assert.deepEqual(into('change'), ['after<-classify22', 'before<-classify'], 'original links kept');
});

test('variant: a second variant gets a free suffix; unknown nodes are refused', () => {
  const first = makeVariant(graph, { changes: { agg: { reducers: ['max'] } } }).graph;
  const second = makeVariant(first, { changes: { agg: { reducers: ['min'] } } });
  assert.equal(second.suffix, '_v3');
  assert.ok(second.graph.nodes.some((n) => n.id === 'change_v3'));
  assert.throws(() => makeVariant(graph, { changes: { nope: {} } }), /no node "nope"/);
  assert.throws(() => makeVariant(graph, { changes: {} }), /at least one node/);
});
