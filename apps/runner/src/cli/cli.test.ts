import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const bin = fileURLToPath(new URL('../../bin/sentiflow.mjs', import.meta.url));
const env = { ...process.env, SENTIFLOW_CATALOG_MODULE: fileURLToPath(new URL('../engine/testing/testCatalog.ts', import.meta.url)) };

function sentiflow(args: string[], cwd: string) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

test('validate lists every problem of a bad graph and exits 1', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cli-'));
  const graph = {
    schema: 'sentiflow/graph@1',
    name: 'bad',
    nodes: [
      { id: 'src', type: 'test.source', version: 1, params: { value: -1, file: '../outside.txt' } },
      { id: 'sum', type: 'test.sum', version: 1, params: { reducers: ['mean', 'mode'] } },
      { id: 'what', type: 'test.unknown', version: 1, params: {} },
    ],
    links: [{ from: { node: 'src', output: 'out' }, to: { node: 'sum', input: 'a' } }],
  };
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(graph));
  const r = sentiflow(['validate', 'bad.json'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Source \(src\): value must be 0 or more/);
  assert.match(r.stderr, /Source \(src\): .*outside the data root: choose a file or folder inside the data root \(file\)/);
  assert.match(r.stderr, /Sum \(sum\): reducers item 2: "mode" is not one of the choices; choose one of "mean", "std"/);
  assert.match(r.stderr, /Sum \(sum\): input "b" \(Metrics\) is not connected/);
  assert.match(r.stderr, /node what: unknown node type "test.unknown"/);
});

test('run executes a graph, prints a summary, writes run.json; --json gives NDJSON', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cli-'));
  const graph = {
    schema: 'sentiflow/graph@1',
    name: 'ok',
    nodes: [
      { id: 'src', type: 'test.source', version: 1, params: { value: 3 } },
      { id: 'plus', type: 'test.add', version: 1, params: { add: 4 } },
    ],
    links: [{ from: { node: 'src', output: 'out' }, to: { node: 'plus', input: 'a' } }],
  };
  writeFileSync(path.join(dir, 'ok.json'), JSON.stringify(graph));
  const r = sentiflow(['run', 'ok.json'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /plus\s+done.*value=7/);
  assert.match(r.stdout, /plus\/result\.txt/);
  assert.ok(existsSync(path.join(dir, 'out', 'ok', 'run.json')));
  assert.equal(readFileSync(path.join(dir, 'out', 'ok', 'plus', 'result.txt'), 'utf8'), '7');
  assert.ok(existsSync(path.join(dir, '.sentiflow-cache', 'objects')));

  const j = sentiflow(['run', 'ok.json', '--json', '--no-cache', '--out', 'o2'], dir);
  assert.equal(j.status, 0, j.stderr);
  const events = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; seq: number });
  assert.equal(events[0].type, 'run.started');
  assert.equal(events.at(-1)!.type, 'run.finished');
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
});

test('nodes --json prints the catalogue; unknown commands exit 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cli-'));
  const r = sentiflow(['nodes', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { type: string }[];
  assert.ok(list.some((n) => n.type === 'test.add'));
  assert.equal(sentiflow(['frobnicate'], dir).status, 2);
  const help = sentiflow(['--help'], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /sentiflow run <graph.json>/);
});
