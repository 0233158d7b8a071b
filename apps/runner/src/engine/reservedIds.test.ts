/** Issue 8 item 1: a node id such as "__proto__" can neither pass validation nor reach Object.prototype in a run. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRun } from './run.ts';
import { nodeCatalog } from './testing/testCatalog.ts';
import type { Graph, RunReport } from './types.ts';
import { validateGraph } from './validate.ts';

// Parsed from text, as a shared graph file is: JSON.parse makes "__proto__" an own key.
const text = (ids: string[]) =>
  `{"schema":"sentiflow/graph@1","name":"t","nodes":[${ids.map((id) => `{"id":${JSON.stringify(id)},"type":"test.source","version":1,"params":{}}`).join(',')}],"links":[]}`;

test('reserved ids (__proto__, constructor, prototype, hasOwnProperty) are refused with a named problem', () => {
  const { graph, problems } = validateGraph(text(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'ok']), nodeCatalog, { dataRoot: tmpdir() });
  assert.equal(graph, null);
  assert.deepEqual(problems.map((p) => [p.code, p.nodeId]), [
    ['reserved-id', '__proto__'],
    ['reserved-id', 'constructor'],
    ['reserved-id', 'prototype'],
    ['reserved-id', 'hasOwnProperty'],
  ]);
  assert.match(problems[0].message, /"__proto__".*reserved/);
});

test('a link to an input or from an output named like a prototype member is dangling, not a type error', () => {
  const g = JSON.parse(text(['s', 'a']).replace('"type":"test.source","version":1,"params":{}}]', '"type":"test.add","version":1,"params":{}}]'));
  g.links = [{ from: { node: 's', output: 'constructor' }, to: { node: 'a', input: '__proto__' } }];
  const { problems } = validateGraph(g, nodeCatalog, { dataRoot: tmpdir() });
  const p = problems.find((x) => x.code === 'link-dangling');
  assert.ok(p, JSON.stringify(problems));
  assert.match(p.message, /unknown output "constructor".*unknown input "__proto__"/);
});

test('a run of a graph with a "__proto__" node (bypassing validation) keeps it in run.json and pollutes nothing', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-proto-'));
  const g = JSON.parse(
    '{"schema":"sentiflow/graph@1","name":"t","nodes":[{"id":"__proto__","type":"test.fail","version":1,"params":{}},{"id":"ok","type":"test.source","version":1,"params":{}}],"links":[]}',
  ) as Graph;
  const run = createRun(g, nodeCatalog, { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: null, workers: 1 });
  const report = await run.done;
  assert.equal(({} as Record<string, unknown>).status, undefined, 'Object.prototype is untouched');
  assert.equal(Object.getPrototypeOf(report.nodes), Object.prototype);
  assert.ok(Object.hasOwn(report.nodes, '__proto__'));
  assert.equal(report.nodes['__proto__'].status, 'failed');
  assert.equal(report.status, 'failed');
  const onDisk = JSON.parse(readFileSync(path.join(root, 'out', 'run.json'), 'utf8')) as RunReport;
  assert.ok(Object.hasOwn(onDisk.nodes, '__proto__'));
  assert.equal(onDisk.nodes['__proto__'].status, 'failed');
});
