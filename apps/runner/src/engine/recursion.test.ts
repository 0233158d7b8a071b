/** Issue 8 item 9: huge graphs, deep params and long expressions give named problems, never a stack overflow. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ExpressionError, parseExpression } from '@sentiflow/nodes/kernels/expression.ts';
import { createRun } from './run.ts';
import { nodeCatalog } from './testing/testCatalog.ts';
import type { Graph } from './types.ts';
import { findCycles, validateGraph } from './validate.ts';

const chain = (n: number, headType = 'test.source'): Graph => ({
  schema: 'sentiflow/graph@1',
  name: 'long',
  nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: i === 0 ? headType : 'test.add', version: 1, params: {} })),
  links: Array.from({ length: n - 1 }, (_, i) => ({ from: { node: `n${i}`, output: 'out' }, to: { node: `n${i + 1}`, input: 'a' } })),
});

test('a 5,000-node chain validates; a 10,000-node cycle is one named cycle problem', () => {
  assert.deepEqual(validateGraph(chain(5000), nodeCatalog, { dataRoot: tmpdir() }).problems, []);
  const ids = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
  const links = ids.map((id, i) => ({ from: { node: id, output: 'out' }, to: { node: ids[(i + 1) % ids.length], input: 'a' } }));
  const cycles = findCycles(ids, links);
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0].length, 10_000);
  assert.deepEqual(findCycles(['a', 'b', 'c'], [{ from: { node: 'a', output: 'o' }, to: { node: 'a', input: 'i' } }]), [['a']]);
});

test('deeply nested params are refused naming the node and param', () => {
  let deep: Record<string, unknown> = {};
  const top = deep;
  for (let i = 0; i < 20_000; i++) deep = (deep.a = {}) as Record<string, unknown>;
  const g = { schema: 'sentiflow/graph@1', name: 'd', nodes: [{ id: 's', type: 'test.source', version: 1, params: { value: 1, extra: top } }], links: [] };
  const { graph, problems } = validateGraph(g, nodeCatalog, { dataRoot: tmpdir() });
  assert.equal(graph, null);
  assert.deepEqual(problems.map((p) => [p.code, p.nodeId, p.param]), [['param-too-deep', 's', 'extra']]);
});

test('very long or deeply nested expressions get a named ExpressionError', () => {
  assert.throws(() => parseExpression(Array(20_000).fill('B2').join('+')), (e: unknown) => e instanceof ExpressionError && /too long/.test(e.message));
  assert.throws(() => parseExpression('('.repeat(100) + 'B2' + ')'.repeat(100)), (e: unknown) => e instanceof ExpressionError && /nested too deeply at column 65/.test(e.message));
  assert.throws(() => parseExpression('-'.repeat(100) + 'B2'), /nested too deeply/);
  assert.equal(parseExpression('(B8 - B4) / (B8 + B4)').kind, 'bin');
});

test('a failure at the head of a 3,000-node chain skips the rest without recursion', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-rec-'));
  const g = chain(3000, 'test.fail');
  g.nodes.unshift({ id: 'src', type: 'test.source', version: 1, params: {} });
  g.links.unshift({ from: { node: 'src', output: 'out' }, to: { node: 'n0', input: 'a' } });
  const report = await createRun(g, nodeCatalog, { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: null, workers: 1 }).done;
  assert.equal(report.status, 'failed');
  assert.equal(report.nodes.n0.status, 'failed');
  assert.equal(report.nodes.n2999.status, 'skipped');
});
