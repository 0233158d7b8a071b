import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainGraph, connect, postJson, startTestServer, wsUrl, type TestServer } from './testHelpers.ts';

describe('server API', () => {
  let s: TestServer;
  let graphsDir: string;
  before(async () => {
    graphsDir = mkdtempSync(path.join(tmpdir(), 'sentiflow-graphs-'));
    writeFileSync(path.join(graphsDir, 'chain.json'), JSON.stringify({ ...chainGraph(), description: 'A chain' }));
    writeFileSync(path.join(graphsDir, 'broken.json'), '{nope');
    s = await startTestServer({ graphsDir });
  });
  after(async () => {
    await s.stop();
    rmSync(graphsDir, { recursive: true, force: true });
  });

  test('binds loopback and reports health', async () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const body = await (await fetch(`${s.url}/api/health`)).json();
    assert.equal(body.ok, true);
    assert.equal(typeof body.version, 'string');
  });

  test('catalogue lists node types with JSON Schema params', async () => {
    const res = await fetch(`${s.url}/api/catalog`);
    assert.equal(res.status, 200);
    const cat = (await res.json()) as { type: string; params: { type: string } }[];
    const add = cat.find((n) => n.type === 'test.add');
    assert.ok(add, 'test.add in catalogue');
    assert.equal(add.params.type, 'object');
  });

  test('examples: list, read, and refuse traversal', async () => {
    const list = await (await fetch(`${s.url}/api/examples`)).json();
    assert.deepEqual(list, [{ file: 'chain.json', name: 'chain', description: 'A chain' }]);
    const g = await (await fetch(`${s.url}/api/examples/chain.json`)).json();
    assert.equal(g.name, 'chain');
    assert.equal((await fetch(`${s.url}/api/examples/nope.json`)).status, 404);
    for (const bad of ['..%2Fpackage.json', '%2E%2E%2F%2E%2E%2Fpackage.json', 'x.txt']) {
      const res = await fetch(`${s.url}/api/examples/${bad}`);
      assert.ok(res.status === 400 || res.status === 404, `${bad} → ${res.status}`);
      assert.ok((await res.json()).error.code);
    }
  });

  test('validate returns every problem, and none for a good graph', async () => {
    const good = await (await postJson(`${s.url}/api/validate`, { graph: chainGraph() })).json();
    assert.deepEqual(good, { problems: [] });
    const g = chainGraph();
    g.nodes[1].params = { add: 'x' };
    g.links.push({ from: { node: 'nope', output: 'out' }, to: { node: 'b', input: 'a' } });
    const bad = await (await postJson(`${s.url}/api/validate`, { graph: g })).json();
    assert.ok(bad.problems.some((p: { nodeId?: string; param?: string }) => p.nodeId === 'a' && p.param === 'add'));
    assert.ok(bad.problems.length >= 2);
    const notGraph = await (await postJson(`${s.url}/api/validate`, { graph: 42 })).json();
    assert.equal(notGraph.problems[0].code, 'graph-schema');
  });

  test('bad bodies get JSON errors, not crashes', async () => {
    const r1 = await fetch(`${s.url}/api/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"graph":' });
    assert.equal(r1.status, 400);
    assert.equal((await r1.json()).error.code, 'bad-json');
    const r2 = await postJson(`${s.url}/api/validate`, { nope: 1 });
    assert.equal(r2.status, 400);
    const r3 = await postJson(`${s.url}/api/runs`, { graph: chainGraph(), upTo: 42 });
    assert.equal(r3.status, 400);
    assert.ok((await r3.json()).error.message.includes('upTo'));
    const r4 = await postJson(`${s.url}/api/runs`, { graph: chainGraph(), upTo: 'ghost' });
    assert.equal(r4.status, 400);
    assert.ok((await r4.json()).problems[0].message.includes('ghost'));
  });

  test('a body over the limit gets 413 JSON', async () => {
    const big = { graph: { ...chainGraph(), description: 'x'.repeat(3 * 1024 * 1024) } };
    const res = await postJson(`${s.url}/api/validate`, big);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 'body-too-large');
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });

  test('unknown API routes are 404 JSON; other paths get the editor hint page', async () => {
    const res = await fetch(`${s.url}/api/nope`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not-found');
    assert.equal((await fetch(`${s.url}/api/runs/none`)).status, 404);
    const page = await fetch(`${s.url}/some/editor/route`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /npm run build -w apps\/editor/);
  });

  test('serves a built editor with SPA fallback', async () => {
    const dist = path.join(s.dataRoot, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<html>editor</html>');
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const e = await startTestServer({ dataRoot: s.dataRoot, editorDist: dist });
    try {
      assert.equal(await (await fetch(`${e.url}/`)).text(), '<html>editor</html>');
      assert.equal(await (await fetch(`${e.url}/runs/123`)).text(), '<html>editor</html>');
      assert.equal(await (await fetch(`${e.url}/assets/app.js`)).text(), 'console.log(1)');
    } finally {
      await e.close();
    }
  });

  test('refuses a foreign Host header without a token (DNS rebinding)', async () => {
    const port = new URL(s.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/health', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject).end();
    });
    assert.equal(status, 403);
  });
});

describe('server access control', () => {
  test('refuses a non-loopback host without a token', async () => {
    await assert.rejects(startTestServer({ host: '0.0.0.0' }), /without a token/);
  });

  test('with a token every HTTP and WebSocket request must carry it', async () => {
    const s = await startTestServer({ host: '0.0.0.0', token: 's3cret-s3cret-s3cret' });
    try {
      const base = s.url.replace('0.0.0.0', '127.0.0.1');
      assert.equal((await fetch(`${base}/api/health`)).status, 401);
      assert.equal((await fetch(`${base}/`)).status, 401);
      assert.equal((await fetch(`${base}/api/health`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await fetch(`${base}/api/health`, { headers: { authorization: 'Bearer s3cret-s3cret-s3cret' } })).status, 200);
      const viaQuery = await fetch(`${base}/api/health?token=s3cret-s3cret-s3cret`);
      assert.equal(viaQuery.status, 200);
      const cookie = viaQuery.headers.get('set-cookie')!.split(';')[0];
      assert.equal((await fetch(`${base}/api/catalog`, { headers: { cookie } })).status, 200);
      await assert.rejects(connect(wsUrl(base)), /401/);
      await assert.rejects(connect(wsUrl(base, '?token=nope')), /401/);
      const c = await connect(wsUrl(base, '?token=s3cret-s3cret-s3cret'));
      c.send({ type: 'ping' });
      await c.waitFor((m) => m.type === 'pong');
      await c.close();
    } finally {
      await s.stop();
    }
  });
});
