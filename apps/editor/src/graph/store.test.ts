// The editor's graph store without a browser, against the real node catalogue (built as GET /api/catalog builds
// it) and a real example graph:  node scripts/test.mjs apps/editor/src/graph/store.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { graphSchema } from '@sentiflow/protocol';
import type { CatalogEntry, Graph } from '../api/types.ts';
import { addNode, addNodeNearSelection, connect, disconnect, insert, loadGraph, moveNodes, newGraph, removeNodes, setLabel, setParams } from './commands.ts';
import { createGraphStore, type GraphStore } from './store.ts';

const root = new URL('../../../../', import.meta.url);
// Imported by computed URL: the runner and node sources are not the editor's to typecheck or bundle.
const { nodeCatalog } = (await import(new URL('packages/nodes/src/catalog.ts', root).href)) as { nodeCatalog: unknown[] };
const { catalogJson } = (await import(new URL('apps/runner/src/engine/catalogJson.ts', root).href)) as { catalogJson(defs: unknown[]): CatalogEntry[] };
const catalog = catalogJson(nodeCatalog);
const entry = (type: string) => catalog.find((e) => e.type === type)!;
const example = JSON.parse(readFileSync(new URL('graphs/asgm-change.json', root), 'utf8')) as Graph;

const link = (a: string, o: string, b: string, i: string) => ({ from: { node: a, output: o }, to: { node: b, input: i } });
const ok = (reason: string | null) => assert.equal(reason, null, `refused: ${reason}`);

/** Defaults straight from the JSON Schema's top-level properties (what the catalogue tells the editor). */
function schemaDefaults(type: string): Record<string, unknown> {
  const props = (entry(type).params.properties ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(Object.entries(props).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
}

/** load → mask → index, built with commands. */
function chain(): GraphStore {
  const store = createGraphStore(catalog);
  ok(store.apply(addNode('s2.load', { x: 0, y: 0 })));
  ok(store.apply(setParams('load', { ...store.node('load')!.params, dir: 'demo', prefix: 'S2_SR_demo', year: 2019 })));
  ok(store.apply(addNode('s2.cloudMask', { x: 300, y: 0 })));
  ok(store.apply(addNode('s2.index', { x: 600, y: 0 })));
  ok(store.apply(connect(link('load', 'series', 'mask', 'series'))));
  ok(store.apply(connect(link('mask', 'series', 'index', 'series'))));
  return store;
}

test('add: a node of a catalogue type with its default params, a readable id, selected', () => {
  const store = createGraphStore(catalog);
  assert.equal(store.get().canUndo, false);
  ok(store.apply(addNode('s2.load', { x: 10.4, y: 20.6 })));
  const n = store.node('load')!;
  assert.equal(n.type, 's2.load');
  assert.equal(n.version, entry('s2.load').version);
  assert.deepEqual(n.params, schemaDefaults('s2.load'));
  assert.ok(Array.isArray(n.params.bands) && n.params.cloudLayer === 'probability', JSON.stringify(n.params));
  assert.deepEqual(n.position, { x: 10, y: 21 });
  assert.deepEqual(store.get().selection, ['load']);
  assert.equal(store.get().canUndo, true);
  ok(store.apply(addNode('s2.load', { x: 0, y: 0 })));
  assert.deepEqual(store.get().doc.nodes.map((x) => x.id), ['load', 'load_2']);
  assert.match(store.apply(addNode('no.such', { x: 0, y: 0 })) ?? '', /Unknown node type no\.such/);
});

test('connect: matching socket types link; an input takes one link', () => {
  const store = chain();
  assert.deepEqual(store.get().doc.links, [link('load', 'series', 'mask', 'series'), link('mask', 'series', 'index', 'series')]);
  // Re-linking an input replaces its link (one undo step).
  ok(store.apply(addNode('s2.load', { x: 0, y: 200 })));
  ok(store.apply(connect(link('load_2', 'series', 'mask', 'series'))));
  assert.deepEqual(store.get().doc.links.filter((l) => l.to.node === 'mask'), [link('load_2', 'series', 'mask', 'series')]);
  store.undo();
  assert.deepEqual(store.get().doc.links.filter((l) => l.to.node === 'mask'), [link('load', 'series', 'mask', 'series')]);
});

test('connect: an incompatible link is refused with the reason, and nothing changes', () => {
  const store = chain();
  ok(store.apply(addNode('samples.fromPolygons', { x: 900, y: 0 })));
  const before = store.get().doc;
  const reason = store.apply(connect(link('load', 'series', 'samples', 'polygons')));
  assert.equal(entry('s2.load').outputs.series.type, 'TimeSeries');
  assert.equal(entry('samples.fromPolygons').inputs.polygons.type, 'Polygons');
  assert.equal(reason, 'Cannot link TimeSeries output “series” to Polygons input “polygons”: socket types differ.');
  assert.equal(store.get().doc, before, 'the document is the same object');
  store.undo();
  assert.equal(store.node('samples'), undefined, 'the refusal left no undo step: undo removed the last added node');
  assert.equal(store.apply(connect(link('index', 'series', 'mask', 'series'))), 'This link would create a cycle.');
  assert.equal(store.apply(connect(link('mask', 'series', 'mask', 'series'))), 'A node cannot be linked to itself.');
  assert.equal(store.apply(connect(link('load', 'nope', 'mask', 'series'))), 'Unknown socket.');
});

test('undo/redo walk back and forth through every edit; a new edit drops the redo', () => {
  const store = createGraphStore(catalog);
  const docs = [store.get().doc];
  store.apply(addNode('s2.load', { x: 0, y: 0 }));
  docs.push(store.get().doc);
  store.apply(addNode('s2.cloudMask', { x: 300, y: 0 }));
  docs.push(store.get().doc);
  store.apply(connect(link('load', 'series', 'mask', 'series')));
  docs.push(store.get().doc);
  store.apply(moveNodes(new Map([['mask', { x: 320, y: 40 }]])));
  docs.push(store.get().doc);
  store.apply(removeNodes(['load']));
  docs.push(store.get().doc);
  assert.deepEqual(store.get().doc.links, [], 'removing a node removes its links');
  for (let i = docs.length - 2; i >= 0; i--) {
    assert.ok(store.undo());
    assert.equal(store.get().doc, docs[i]);
  }
  assert.equal(store.undo(), false);
  assert.equal(store.get().canRedo, true);
  for (let i = 1; i < docs.length; i++) {
    assert.ok(store.redo());
    assert.equal(store.get().doc, docs[i]);
  }
  assert.equal(store.redo(), false);
  store.undo();
  store.undo();
  store.apply(disconnect(link('load', 'series', 'mask', 'series')));
  assert.equal(store.get().canRedo, false);
  assert.deepEqual(store.get().doc.links, []);
  assert.deepEqual(store.node('mask')!.position, { x: 300, y: 0 });
});

test('paste: copies get fresh ids, keep the links among them, are offset and selected', () => {
  const store = chain();
  store.select(['mask', 'index']);
  assert.equal(store.copy(), 2);
  assert.ok(store.paste());
  const doc = store.get().doc;
  assert.deepEqual(doc.nodes.map((n) => n.id), ['load', 'mask', 'index', 'mask2', 'index2']);
  assert.deepEqual(store.get().selection, ['mask2', 'index2']);
  // The link between the copied nodes is copied; the one from outside (load → mask) is not.
  assert.deepEqual(doc.links.slice(2), [link('mask2', 'series', 'index2', 'series')]);
  assert.equal(doc.links.length, 3);
  assert.deepEqual(store.node('mask2')!.position, { x: 340, y: 40 });
  assert.deepEqual(store.node('mask2')!.params, store.node('mask')!.params);
  assert.notEqual(store.node('mask2')!.params, store.node('mask')!.params, 'params are copied, not shared');
  // Pasting again copies the copies: beside them, not on top.
  assert.ok(store.paste());
  const [m3, i3] = store.get().selection;
  assert.ok(m3 && i3 && !doc.nodes.some((n) => n.id === m3 || n.id === i3), `fresh ids ${m3} ${i3}`);
  assert.deepEqual(store.node(m3)!.position, { x: 380, y: 80 });
  assert.deepEqual(store.get().doc.links.at(-1), link(m3, 'series', i3, 'series'));
  store.undo();
  store.undo();
  assert.deepEqual(store.get().doc.nodes.map((n) => n.id), ['load', 'mask', 'index']);
  assert.deepEqual(store.get().selection, [], 'the selection forgets removed nodes');
});

test('load and new are undo steps: undo brings the replaced graph back, with its edits', () => {
  const store = chain();
  const built = store.get().doc;
  ok(store.apply(loadGraph(example)));
  const opened = store.get().doc;
  assert.equal(opened.generation, built.generation + 1);
  assert.equal(opened.nodes.length, 25);
  assert.equal(opened.links.length, example.links.length);
  // What the store writes is the protocol's graph file, and it is the file that was opened.
  const written = graphSchema.parse(store.toGraph());
  assert.deepEqual(written.links, example.links);
  assert.deepEqual(written.nodes.map((n) => [n.id, n.type, n.params, n.position]), example.nodes.map((n) => [n.id, n.type, n.params ?? {}, n.position]));
  ok(store.apply(setParams('xgb19', { ...store.node('xgb19')!.params, maxDepth: 4 })));
  ok(store.apply(newGraph()));
  assert.equal(store.get().doc.nodes.length, 0);
  assert.equal(store.get().doc.name, 'Untitled graph');
  store.undo();
  assert.equal(store.node('xgb19')!.params.maxDepth, 4);
  store.undo();
  assert.equal(store.get().doc, opened);
  store.undo();
  assert.equal(store.get().doc, built);
  store.redo();
  assert.equal(store.get().doc, opened);
});

test('unsaved changes: edits count, moves do not, undo back to the saved state is clean', () => {
  const store = createGraphStore(catalog);
  assert.equal(store.isDirty(), false);
  store.apply(loadGraph(example));
  store.markClean();
  assert.equal(store.isDirty(), false);
  store.apply(moveNodes(new Map([['load19', { x: -500, y: -500 }]])));
  assert.equal(store.isDirty(), false, 'moving a node is not an unsaved change');
  store.apply(setParams('mask19', { ...store.node('mask19')!.params, probabilityThreshold: 30 }));
  assert.equal(store.isDirty(), true);
  store.undo();
  assert.equal(store.isDirty(), false);
  store.apply(newGraph());
  assert.equal(store.isDirty(), false, 'an empty graph has nothing to lose');
});

test('param and label edits: one step each, typing a label is one step, the file keeps only a label of its own', () => {
  const store = chain();
  const before = store.node('mask')!.params;
  ok(store.apply(setParams('mask', { ...before, probabilityThreshold: 35 })));
  assert.equal(store.toGraph().nodes.find((n) => n.id === 'mask')!.params.probabilityThreshold, 35);
  store.undo();
  assert.equal(store.node('mask')!.params, before);
  for (const text of ['C', 'Cl', 'Clouds']) store.apply(setLabel('mask', text), { merge: 'label:mask' });
  assert.equal(store.toGraph().nodes.find((n) => n.id === 'mask')!.label, 'Clouds');
  store.undo();
  assert.equal(store.node('mask')!.label, undefined, 'three keystrokes, one undo');
  store.apply(setLabel('mask', entry('s2.cloudMask').label));
  assert.equal(store.toGraph().nodes.find((n) => n.id === 'mask')!.label, undefined);
  assert.match(store.apply(setParams('nope', {})) ?? '', /No node nope/);
});

test('palette add next to the selection: linked by socket type, named after the branch year, placed beside it', () => {
  const store = createGraphStore(catalog);
  store.apply(addNode('s2.load', { x: 0, y: 0 }));
  store.apply(setParams('load', { ...store.node('load')!.params, year: 2019 }));
  ok(store.apply(addNodeNearSelection('s2.cloudMask', { x: 999, y: 999 })));
  assert.deepEqual(store.get().selection, ['mask19']);
  assert.equal(store.node('mask19')!.label, `${entry('s2.cloudMask').label} 2019`);
  assert.deepEqual(store.get().doc.links, [link('load', 'series', 'mask19', 'series')]);
  assert.deepEqual(store.node('mask19')!.position, { x: 290, y: 0 });
  store.undo();
  assert.deepEqual(store.get().doc.links, [], 'node and its links are one step');
  store.select([]);
  ok(store.apply(addNodeNearSelection('vector.load', { x: 999, y: 999 })));
  assert.deepEqual(store.node('labels')!.position, { x: 999, y: 999 }, 'nothing selected: where the view says');
});

test('insert (a branch for another year) leaves out links that do not fit and refuses taken ids', () => {
  const store = chain();
  const copy = { id: 'mask22', type: 's2.cloudMask', version: entry('s2.cloudMask').version, params: {}, position: { x: 0, y: 300 } };
  ok(store.apply(insert([copy], [link('load', 'series', 'mask22', 'series'), link('load', 'series', 'mask22', 'nope')])));
  assert.deepEqual(store.get().doc.links.filter((l) => l.to.node === 'mask22'), [link('load', 'series', 'mask22', 'series')]);
  assert.deepEqual(store.get().selection, ['mask22']);
  assert.match(store.apply(insert([copy], [])) ?? '', /already in the graph/);
});
