import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { nodeCatalog as catalog } from '@sentiflow/nodes/catalog.ts';
import { validateGraph } from './validate.ts';
import { levenshtein, suggestNames, unknownParams } from './unknownParams.ts';

const repo = path.resolve(import.meta.dirname, '../../../..');
const graph = (nodes: unknown[]) => ({ schema: 'sentiflow/graph@1', name: 't', nodes, links: [] });

test('levenshtein and suggestions', () => {
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(levenshtein('', 'abc'), 3);
  assert.deepEqual(suggestNames('threshold', ['method', 'probabilityThreshold', 'referenceThreshold']), ['probabilityThreshold', 'referenceThreshold']);
  assert.deepEqual(suggestNames('chunksize', ['chunkSize', 'ties']), ['chunkSize']);
  assert.deepEqual(suggestNames('tieTolerence', ['ties', 'tieTolerance', 'minProbability']), ['tieTolerance']);
  assert.deepEqual(suggestNames('zzz', ['method']), []);
});

test('validate: an unknown or misspelled param is an error naming node, param and the likely name', () => {
  const r = validateGraph(graph([{ id: 'mask', type: 's2.cloudMask', version: 1, params: { threshold: 35 } }]), catalog, { dataRoot: repo });
  const p = r.problems.find((x) => x.code === 'param-unknown');
  assert.ok(p, JSON.stringify(r.problems));
  assert.equal(p.nodeId, 'mask');
  assert.equal(p.param, 'threshold');
  assert.match(p.message, /^s2\.cloudMask has no parameter threshold; did you mean probabilityThreshold\?/);
  assert.equal(r.graph, null, 'a graph with an unknown param does not run');
});

test('unknown keys inside nested params are found too', () => {
  const def = catalog.find((d) => d.type === 's2.index')!;
  const u = unknownParams(def.type, def.params, { custom: [{ name: 'X', expresion: 'B8' }] });
  assert.deepEqual(u.map((x) => x.param), ['custom.0.expresion']);
  assert.match(u[0].message, /did you mean expression\?/);
});

test('every example graph in graphs/ has only known params', () => {
  for (const f of readdirSync(path.join(repo, 'graphs')).filter((n) => n.endsWith('.json'))) {
    const g = JSON.parse(readFileSync(path.join(repo, 'graphs', f), 'utf8')) as { nodes: { id: string; type: string; params: unknown }[] };
    for (const n of g.nodes) {
      const def = catalog.find((d) => d.type === n.type)!;
      assert.deepEqual(unknownParams(def.type, def.params, n.params), [], `${f} ${n.id}`);
    }
  }
});
