import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { validateGraph } from './validate.ts';
import { catalogJson } from './catalogJson.ts';
import { formatProblem } from './problems.ts';
import { nodeCatalog } from './testing/testCatalog.ts';

const dataRoot = mkdtempSync(path.join(tmpdir(), 'sf-validate-'));
mkdirSync(path.join(dataRoot, 'in'));
writeFileSync(path.join(dataRoot, 'in', 'a.txt'), 'a');

const node = (id: string, type: string, params: Record<string, unknown> = {}, version = 1) => ({ id, type, version, params });
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
const graph = (nodes: unknown[], links: unknown[] = []) => ({ schema: 'sentiflow/graph@1', name: 't', nodes, links });

test('a valid graph has no problems and is returned migrated', () => {
  const g = graph(
    [node('s', 'test.source', { file: 'in/a.txt' }), node('add', 'test.add'), node('m', 'test.model', { maxDepth: 4 }, 1)],
    [link('s', 'out', 'add', 'a')],
  );
  const r = validateGraph(g, nodeCatalog, { dataRoot });
  assert.deepEqual(r.problems, []);
  const m = r.graph!.nodes.find((n) => n.id === 'm')!;
  assert.equal(m.version, 3);
  assert.deepEqual(m.params, { depth: 4, eta: 0.3 });
});

test('every problem is reported at once, each naming node and param', () => {
  const g = graph(
    [
      node('s', 'test.source', { value: 5000, file: '../etc/passwd' }),
      node('s', 'test.source'),
      node('abs', 'test.source', { file: '/etc/passwd' }),
      node('gone', 'test.source', { file: 'in/missing.tif' }),
      node('x', 'test.nope'),
      node('future', 'test.add', {}, 9),
      node('sum', 'test.sum', { reducers: ['mean', 'median'] }),
      node('m', 'test.model', { depth: 3 }),
      node('add', 'test.add'),
      node('c1', 'test.add'),
      node('c2', 'test.add'),
    ],
    [
      link('s', 'out', 'sum', 'a'),
      link('abs', 'out', 'sum', 'a'),
      link('m', 'model', 'sum', 'b'),
      link('ghost', 'out', 'add', 'a'),
      link('s', 'nothing', 'add', 'a'),
      link('c1', 'out', 'c2', 'a'),
      link('c2', 'out', 'c1', 'a'),
    ],
  );
  const { graph: out, problems } = validateGraph(g, nodeCatalog, { dataRoot });
  assert.equal(out, null);
  const has = (code: string, nodeId?: string, param?: string) =>
    assert.ok(
      problems.some((p) => p.code === code && (nodeId === undefined || p.nodeId === nodeId) && (param === undefined || p.param === param)),
      `expected ${code} ${nodeId ?? ''} ${param ?? ''} in\n${problems.map(formatProblem).join('\n')}`,
    );
  has('param-invalid', 's', 'value');
  has('path-outside-root', 's', 'file');
  has('path-outside-root', 'abs', 'file');
  has('file-missing', 'gone', 'file');
  has('duplicate-id', 's');
  has('unknown-type', 'x');
  has('unknown-version', 'future');
  has('param-invalid', 'sum', 'reducers.1');
  has('input-duplicate', 'sum');
  has('link-type', 'sum');
  has('link-dangling', 'add');
  has('cycle', 'c1');
  const enumProblem = problems.find((p) => p.param === 'reducers.1')!;
  assert.equal(enumProblem.message, 'reducers item 2: "median" is not one of the choices; choose one of "mean", "std"');
  assert.match(formatProblem(enumProblem), /^Sum \(sum\): reducers item 2: "median" is not one of the choices/);
  const typeProblem = problems.find((p) => p.code === 'link-type')!;
  assert.match(typeProblem.message, /m\.model \(Model\).*sum\.b \(Metrics\)/);
  const cycle = problems.find((p) => p.code === 'cycle')!;
  assert.match(cycle.message, /c1/);
  assert.match(cycle.message, /c2/);
});

test('missing inputs are reported per socket', () => {
  const { problems } = validateGraph(graph([node('sum', 'test.sum')]), nodeCatalog, { dataRoot });
  assert.deepEqual(
    problems.map((p) => [p.code, p.nodeId]),
    [
      ['input-missing', 'sum'],
      ['input-missing', 'sum'],
    ],
  );
});

test('schema errors: bad JSON, wrong schema, extra keys, bad node entries', () => {
  assert.equal(validateGraph('{ nope', nodeCatalog, { dataRoot }).problems[0].code, 'graph-schema');
  const r = validateGraph(
    { schema: 'sentiflow/graph@2', name: 't', extra: 1, nodes: [{ id: 'a', type: 'test.source', version: 1.5, params: {} }, node('b', 'test.nope')], links: [] },
    nodeCatalog,
    { dataRoot },
  );
  const codes = r.problems.map((p) => p.code);
  assert.ok(codes.filter((c) => c === 'graph-schema').length >= 3, JSON.stringify(r.problems));
  assert.ok(r.problems.some((p) => p.code === 'graph-schema' && p.nodeId === 'a'));
  // The rest of the graph is still checked.
  assert.ok(codes.includes('unknown-type'));
});

test('catalogJson gives sockets and input JSON Schema with defaults optional', () => {
  const json = catalogJson(nodeCatalog);
  const src = json.find((n) => n.type === 'test.source')!;
  assert.deepEqual(src.outputs.out, { type: 'Metrics', label: 'Value', description: '' });
  assert.deepEqual(src.pathParams, ['file']);
  const props = src.params.properties as Record<string, { default?: number; maximum?: number; description?: string }>;
  assert.equal(props.value.default, 1);
  assert.equal(props.value.maximum, 1000);
  assert.equal(props.value.description, 'The value');
  assert.ok(!((src.params.required as string[] | undefined) ?? []).includes('value'));
});
