/** Run history across restarts, run notes, downloads confined to the run folder, CSV tables. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Graph } from '../engine/types.ts';
import { safeFileName, tableRows, toCsv } from './downloads.ts';
import type { HistoryItem } from './history.ts';
import { chainGraph, postJson, startTestServer, type TestServer } from './testHelpers.ts';

async function runToEnd(s: TestServer, graph: Graph): Promise<string> {
  const res = await postJson(`${s.url}/api/runs`, { graph });
  assert.equal(res.status, 202, await res.clone().text());
  const { runId } = (await res.json()) as { runId: string };
  for (;;) {
    const info = (await (await fetch(`${s.url}/api/runs/${runId}`)).json()) as { status: string };
    if (info.status !== 'running') {
      assert.equal(info.status, 'done');
      return runId;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const withAdd = (add: number): Graph => {
  const g = chainGraph(0);
  g.nodes.find((n) => n.id === 'a')!.params = { add, sleepMs: 0 };
  return g;
};

describe('run history, notes and downloads', () => {
  let dataRoot: string;
  let s: TestServer;
  let first: string;
  let second: string;

  before(async () => {
    dataRoot = mkdtempSync(path.join(tmpdir(), 'sentiflow-history-'));
    s = await startTestServer({ dataRoot });
    first = await runToEnd(s, withAdd(1));
    second = await runToEnd(s, withAdd(5));
  });
  after(async () => {
    await s.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  test('each run keeps its graph on disk next to run.json', () => {
    for (const id of [first, second]) {
      const dir = path.join(dataRoot, 'runs', id);
      assert.ok(existsSync(path.join(dir, 'run.json')));
      const g = JSON.parse(readFileSync(path.join(dir, 'graph.json'), 'utf8')) as Graph;
      assert.equal(g.nodes.find((n) => n.id === 'a')!.params.add, id === first ? 1 : 5);
    }
  });

  test('naming a run: validated, stored in notes.json', async () => {
    const put = (body: unknown) => fetch(`${s.url}/api/runs/${second}/notes`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await put({ name: 'add five', note: 'tried a bigger step' });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dataRoot, 'runs', second, 'notes.json'), 'utf8')), { name: 'add five', note: 'tried a bigger step' });
    for (const bad of [{ name: 'x'.repeat(121) }, { name: 'a', extra: 1 }, { name: 42 }, []]) {
      const res = await put(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /.+/);
    }
    const unknown = await fetch(`${s.url}/api/runs/nope/notes`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unknown.status, 404);
  });

  test('after a restart the history comes from disk: graphs, params diff, durations, notes', async () => {
    await s.stop();
    s = await startTestServer({ dataRoot, log: (m) => console.error(m) });
    const items = (await (await fetch(`${s.url}/api/history`)).json()) as HistoryItem[];
    assert.deepEqual(items.map((i) => i.runId), [second, first]);
    const [newest, oldest] = items;
    assert.equal(newest.name, 'add five');
    assert.equal(newest.previousRunId, first);
    assert.deepEqual(newest.changes, [{ kind: 'param', nodeId: 'a', label: 'a', param: 'add', before: 1, after: 5 }]);
    assert.equal(oldest.previousRunId, null);
    assert.ok(typeof newest.duration === 'number' && newest.duration >= 0);
    const info = (await (await fetch(`${s.url}/api/runs/${first}`)).json()) as { graph: Graph | null };
    assert.equal(info.graph?.nodes.length, 3);
    const filtered = (await (await fetch(`${s.url}/api/history?graph=other`)).json()) as HistoryItem[];
    assert.deepEqual(filtered, []);
  });

  test('downloads: attachment with a safe name, confined to the run folder', async () => {
    const res = await fetch(`${s.url}/api/runs/${second}/download/a/result.txt`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '6');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${second}_a_result.txt"`);

    const outside = path.join(dataRoot, 'secret.txt');
    writeFileSync(outside, 'TOPSECRET');
    symlinkSync(outside, path.join(dataRoot, 'runs', second, 'link.txt'));
    const cases: [string, number][] = [
      [`/api/runs/${second}/download/..%2F..%2Fsecret.txt`, 400],
      [`/api/runs/${second}/download/a/..%2F..%2F..%2Fsecret.txt`, 400],
      [`/api/runs/${second}/download/%2Fetc%2Fpasswd`, 400],
      [`/api/runs/${second}/download/link.txt`, 403],
      [`/api/runs/${second}/download/a`, 400],
      [`/api/runs/${second}/download/nothing.tif`, 404],
      [`/api/runs/nope/download/a/result.txt`, 404],
    ];
    for (const [url, status] of cases) {
      const r = await fetch(`${s.url}${url}`);
      assert.equal(r.status, status, url);
      assert.doesNotMatch(await r.text(), /TOPSECRET/);
    }

    const outputs = (await (await fetch(`${s.url}/api/runs/${second}/outputs`)).json()) as { outDir: string; files: { path: string }[] };
    assert.equal(outputs.outDir, path.join(dataRoot, 'runs', second));
    assert.ok(outputs.files.some((f) => f.path === 'a/result.txt'));
  });

  test('a table of a node without one is refused with what it offers', async () => {
    const res = await fetch(`${s.url}/api/runs/${second}/nodes/a/table.csv?table=confusion`);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /node "a" has no "confusion" table; it offers: none/);
    const bad = await fetch(`${s.url}/api/runs/${second}/nodes/a/table.csv?table=..%2Fx`);
    assert.equal(bad.status, 400);
  });
});

test('CSV tables: transitions over labels with uncertain, confusion, formula-looking text neutralised', () => {
  const change = {
    kind: 'Change', classes: ['water', 'forest'], labels: ['water', 'forest', 'uncertain'],
    transitionPixels: [[1, 0, 0], [2, 3, 1], [0, 0, 0]], transitionKm2: [[0.01, 0, 0], [0.02, 0.03, 0.01], [0, 0, 0]],
    areaBeforeKm2: { water: 0.01, forest: 0.06 }, areaAfterKm2: { water: 0.03, forest: 0.03, uncertain: 0.01 },
    changePercent: { water: 200, forest: -50, uncertain: null }, transitionFile: '', probabilityDiffFiles: {},
  };
  assert.equal(toCsv(tableRows([change], 'transitions', 'diff')), 'from\\to,water,forest,uncertain\r\nwater,0.01,0,0\r\nforest,0.02,0.03,0.01\r\nuncertain,0,0,0\r\n');
  assert.equal(toCsv(tableRows([change], 'areas', 'diff')), 'class,before_km2,after_km2,change_percent\r\nwater,0.01,0.03,200\r\nforest,0.06,0.03,-50\r\nuncertain,0,0.01,\r\n');
  const metrics = { kind: 'Metrics', classes: ['=cmd', 'b,c'], accuracy: 0.5, kappa: 0, confusion: [[1, 1], [1, 1]], perClass: [] };
  assert.equal(toCsv(tableRows([metrics], 'confusion', 'm')), `true\\predicted,'=cmd,"b,c"\r\n'=cmd,1,1\r\n"b,c",1,1\r\n`);
  assert.throws(() => tableRows([metrics], 'transitions', 'm'), /offers: confusion, perClass/);
  assert.equal(safeFileName('../../etc/pa"ss\r\nwd'), 'pa_ss_wd');
  assert.equal(safeFileName('..'), 'download');
});
