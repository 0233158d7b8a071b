import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainGraph, postJson, startTestServer, type TestServer } from './testHelpers.ts';

/** A raw GET, so that "..", "%2e%2e" and backslashes reach the server as typed (fetch normalises URLs). */
function rawGet(base: string, pathAndQuery: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path: pathAndQuery }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject).end();
  });
}

describe('files under the data root', () => {
  let s: TestServer;
  let outside: string;
  before(async () => {
    s = await startTestServer();
    outside = mkdtempSync(path.join(tmpdir(), 'sentiflow-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    mkdirSync(path.join(s.dataRoot, 'demo', 'sub'), { recursive: true });
    writeFileSync(path.join(s.dataRoot, 'demo', 'a.tif'), 'abc');
    writeFileSync(path.join(s.dataRoot, '.hidden'), 'x');
    symlinkSync(outside, path.join(s.dataRoot, 'escape'));
    symlinkSync(path.join(s.dataRoot, 'demo'), path.join(s.dataRoot, 'inner-link'));
  });
  after(async () => {
    await s.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  test('lists the root and subfolders (dirs first, no hidden, no escaping links)', async () => {
    const root = await (await fetch(`${s.url}/api/files`)).json();
    assert.equal(root.path, '');
    const names = root.entries.map((e: { name: string }) => e.name);
    assert.ok(names.includes('demo') && names.includes('inner-link') && names.includes('runs'));
    assert.ok(!names.includes('escape') && !names.includes('.hidden'));
    const demo = await (await fetch(`${s.url}/api/files?path=demo`)).json();
    assert.deepEqual(demo, { path: 'demo', entries: [{ name: 'sub', type: 'dir', size: 0 }, { name: 'a.tif', type: 'file', size: 3 }] });
    assert.equal((await fetch(`${s.url}/api/files?path=inner-link`)).status, 200);
  });

  test('refuses paths that leave the root', async () => {
    const cases: [string, number][] = [
      ['/api/files?path=..', 400],
      ['/api/files?path=../', 400],
      ['/api/files?path=demo/../../', 400],
      ['/api/files?path=%2E%2E%2Fetc', 400],
      ['/api/files?path=%2Fetc', 400],
      ['/api/files?path=C:%5CWindows', 400],
      ['/api/files?path=demo%5C..%5C..', 400],
      ['/api/files?path=escape', 403],
      ['/api/files?path=a%00b', 400],
      ['/api/files?path=nope', 404],
      ['/api/files?path=demo/a.tif', 400],
      ['/api/files?path=x&path=y', 400],
    ];
    for (const [url, status] of cases) {
      const res = await rawGet(s.url, url);
      assert.equal(res.status, status, `${url} → ${res.status} ${res.body}`);
      const body = JSON.parse(res.body);
      assert.ok(body.error.message, `${url} has a message`);
    }
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });

  test('run files: served from the run folder only', async () => {
    const { runId } = await (await postJson(`${s.url}/api/runs`, { graph: chainGraph(0) })).json();
    let run: { status: string; nodes: Record<string, { files?: string[] }> } = { status: 'running', nodes: {} };
    for (let i = 0; i < 100 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      run = await (await fetch(`${s.url}/api/runs/${runId}`)).json();
    }
    assert.equal(run.status, 'done');
    const report = await fetch(`${s.url}/api/runs/${runId}/files/run.json`);
    assert.equal(report.status, 200);
    assert.equal((await report.json()).runId, runId);
    for (const p of ['..%2F..%2Fescape%2Fsecret.txt', '%2E%2E/%2E%2E/escape/secret.txt', '../../escape/secret.txt', '..%5C..%5Cescape%5Csecret.txt']) {
      const res = await rawGet(s.url, `/api/runs/${runId}/files/${p}`);
      assert.ok([400, 403, 404].includes(res.status), `${p} → ${res.status}`);
      assert.notEqual(res.body, 'secret', `${p} leaked the file`);
    }
    assert.equal((await fetch(`${s.url}/api/runs/${runId}/files/nope.txt`)).status, 404);
  });
});
