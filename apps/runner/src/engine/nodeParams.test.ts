/** Issue 8 item 10: params that used to fail late (or silently) are refused at validation, naming the param. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { nodeCatalog } from '@sentiflow/nodes/catalog.ts';
import { validateGraph } from './validate.ts';

const dataRoot = mkdtempSync(path.join(tmpdir(), 'sf-params-'));
mkdirSync(path.join(dataRoot, 'demo'));

function problemsOf(type: string, params: Record<string, unknown>) {
  const g = { schema: 'sentiflow/graph@1', name: 't', nodes: [{ id: 'n', type, version: 1, params }], links: [] };
  return validateGraph(g, nodeCatalog, { dataRoot }).problems.filter((p) => p.code === 'param-invalid');
}

test('quantiles that give the same feature name are a validation problem', () => {
  const problems = problemsOf('s2.aggregate', { quantiles: [0.1, 0.1000000000001] });
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].param, 'quantiles.1');
  assert.match(problems[0].message, /same feature name \(q10\) as quantile 0\.1/);
  assert.deepEqual(problemsOf('s2.aggregate', { quantiles: [0.1, 0.9, 0.1] }), [], 'an exact repeat is merged, as before');
});

test('a custom index named "constructor" is refused at validation', () => {
  for (const name of ['constructor', '__proto__', 'toString']) {
    const problems = problemsOf('s2.index', { custom: [{ name, expression: 'B8 - B4' }] });
    assert.equal(problems.length, 1, `${name}: ${JSON.stringify(problems)}`);
    assert.equal(problems[0].param, 'custom.0.name');
  }
  assert.deepEqual(problemsOf('s2.index', { custom: [{ name: 'NDRE', expression: '(B8 - B5) / (B8 + B5)' }] }), []);
});
