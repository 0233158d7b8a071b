/** Issue 8: the CLI against hostile or careless graph files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const bin = fileURLToPath(new URL('../../bin/sentiflow.mjs', import.meta.url));
const env = { ...process.env, SENTIFLOW_CATALOG_MODULE: fileURLToPath(new URL('../engine/testing/testCatalog.ts', import.meta.url)) };
const sentiflow = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });

test('a failing "__proto__" node is refused at validation: exit 1 naming the node, never "done"', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cli-h-'));
  writeFileSync(path.join(dir, 'p.json'), '{"schema":"sentiflow/graph@1","name":"p","nodes":[{"id":"__proto__","type":"test.fail","version":1,"params":{}}],"links":[]}');
  const r = sentiflow(['run', 'p.json'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /node __proto__: .*reserved.*\[reserved-id\]/);
  assert.doesNotMatch(r.stdout, /done/);
});

test('a graph file with a UTF-8 BOM is accepted; escape sequences in names never reach the terminal', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cli-h-'));
  const graph = {
    schema: 'sentiflow/graph@1',
    name: 'evil\u001b[2J\u001b]0;pwned\u0007name\u009b31m',
    nodes: [{ id: 'src', type: 'test.source', version: 1, params: { value: 3 } }],
    links: [],
  };
  writeFileSync(path.join(dir, 'bom.json'), '\uFEFF' + JSON.stringify(graph));
  const v = sentiflow(['validate', 'bom.json'], dir);
  assert.equal(v.status, 0, v.stderr);
  const r = sentiflow(['run', 'bom.json', '--no-cache'], dir);
  assert.equal(r.status, 0, r.stderr);
  const all = r.stdout + r.stderr;
  // eslint-disable-next-line no-control-regex -- looking for control characters
  assert.doesNotMatch(all, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no control characters printed');
  assert.match(all, /evil.*name/);
  const report = JSON.parse(readFileSync(path.join(dir, 'out', 'bom', 'run.json'), 'utf8')) as { graphName: string };
  assert.equal(report.graphName, graph.name, 'run.json keeps the name as written');
});
