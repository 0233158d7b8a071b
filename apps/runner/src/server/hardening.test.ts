/** Issue 8: the server against hostile graphs and clients (reserved ids, deep params, origins, limits). */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { MAX_BAD_TOKENS, resetTokenGuesses } from './auth.ts';
import { chainGraph, connect, postJson, startTestServer, wsUrl, type TestServer } from './testHelpers.ts';
import { MAX_UNKNOWN_RUNS_PER_MINUTE } from './websocket.ts';

const protoGraph = (failing: boolean) =>
  `{"graph":{"schema":"sentiflow/graph@1","name":"p","nodes":[{"id":"__proto__","type":"${failing ? 'test.fail' : 'test.source'}","version":1,"params":{}}],"links":[]}}`;

describe('hostile graphs', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test('a "__proto__" node id is refused with a named problem and the server keeps accepting graphs', async () => {
    for (const failing of [false, true]) {
      const res = await fetch(`${s.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: protoGraph(failing) });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { problems: { code: string; nodeId?: string }[] };
      assert.deepEqual(body.problems.map((p) => [p.code, p.nodeId]), [['reserved-id', '__proto__']]);
    }
    assert.equal(({} as Record<string, unknown>).status, undefined);
    const bad = await postJson(`${s.url}/api/validate`, { graph: 42 });
    assert.equal(bad.status, 200);
    const res = await postJson(`${s.url}/api/runs`, { graph: chainGraph(0) });
    assert.equal(res.status, 202, await res.clone().text());
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });

  test('deeply nested params are a 400 naming the param, and the run list keeps answering', async () => {
    const body = `{"graph":{"schema":"sentiflow/graph@1","name":"d","nodes":[{"id":"s","type":"test.source","version":1,"params":{"value":1,"extra":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}],"links":[]}}`;
    const res = await fetch(`${s.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400);
    const { problems } = (await res.json()) as { problems: { code: string; param?: string }[] };
    assert.deepEqual(problems.map((p) => [p.code, p.param]), [['param-too-deep', 'extra']]);
    assert.equal((await fetch(`${s.url}/api/runs`)).status, 200);
  });
});

const TOKEN = 'correct-horse-battery-staple';

/** Opens a WebSocket with extra headers; resolves with it or rejects with the refused status. */
function openWs(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

function rawStatus(url: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject).end();
  });
}

describe('token mode', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    resetTokenGuesses();
    s = await startTestServer({ host: '0.0.0.0', token: TOKEN });
    base = s.url.replace('0.0.0.0', '127.0.0.1');
  });
  after(() => s.stop());

  test('a short token is refused with a clear message', async () => {
    await assert.rejects(startTestServer({ host: '0.0.0.0', token: 'a' }), /weak token.*at least 16/);
  });

  test('opening the editor with ?token= swaps it for an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    const res = await fetch(`${base}/runs/x?view=map&token=${TOKEN}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/runs/x?view=map');
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /^sentiflow_token=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });

  test('the cookie opens both HTTP and the WebSocket; nothing else does', async () => {
    const cookie = `sentiflow_token=${encodeURIComponent(TOKEN)}`;
    assert.equal((await fetch(`${base}/api/health`, { headers: { cookie } })).status, 200);
    const origin = base;
    const ws = await openWs(wsUrl(base), { cookie, origin });
    ws.close();
    await assert.rejects(openWs(wsUrl(base)), /401/);
    // Cookie-authenticated state changes need the server's own origin.
    assert.equal((await postJson(`${base}/api/validate`, { graph: chainGraph() }, { cookie, origin })).status, 200);
    assert.equal((await postJson(`${base}/api/validate`, { graph: chainGraph() }, { cookie, origin: 'http://127.0.0.1:1' })).status, 403);
    await assert.rejects(openWs(wsUrl(base), { cookie, origin: 'null' }), /403/);
  });

  test('wrong token guesses are rate-limited per address', async () => {
    resetTokenGuesses();
    const statuses: number[] = [];
    for (let i = 0; i < MAX_BAD_TOKENS + 2; i++) {
      statuses.push((await fetch(`${base}/api/health`, { headers: { authorization: `Bearer guess-${i}` } })).status);
    }
    assert.deepEqual(statuses, [...Array(MAX_BAD_TOKENS).fill(401), 429, 429]);
    // Even the right token waits out the window: a guesser cannot tell when it found it.
    assert.equal((await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 429);
    await assert.rejects(openWs(wsUrl(base, `?token=${TOKEN}`)), /429/);
    resetTokenGuesses();
    assert.equal((await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    // A stale cookie of an earlier token, sent again and again, is one wrong value: no lock-out.
    for (let i = 0; i < MAX_BAD_TOKENS + 5; i++) {
      assert.equal((await fetch(`${base}/api/health`, { headers: { cookie: 'sentiflow_token=old-token-from-yesterday' } })).status, 401);
    }
    assert.equal((await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' })).status, 303);
    resetTokenGuesses();
  });
});

describe('origins and socket limits (loopback mode)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test('"Origin: null" is refused for state-changing requests and upgrades', async () => {
    const run = (await (await postJson(`${s.url}/api/runs`, { graph: chainGraph(50) })).json()) as { runId: string };
    const res = await postJson(`${s.url}/api/runs/${run.runId}/cancel`, {}, { origin: 'null' });
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /opaque origin/);
    assert.equal((await postJson(`${s.url}/api/runs`, { graph: chainGraph() }, { origin: 'null' })).status, 403);
    await assert.rejects(openWs(wsUrl(s.url), { origin: 'null' }), /403/);
    // A browser request from another site that leaves Origin out is refused too.
    assert.equal((await postJson(`${s.url}/api/runs`, { graph: chainGraph() }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    await assert.rejects(openWs(wsUrl(s.url), { 'sec-fetch-site': 'cross-site' }), /403/);
    // The editor's own origin and non-browser clients are fine.
    assert.equal((await postJson(`${s.url}/api/validate`, { graph: chainGraph() }, { origin: s.url })).status, 200);
    (await openWs(wsUrl(s.url), { origin: s.url })).close();
    const detail = (await (await fetch(`${s.url}/api/runs/${run.runId}`)).json()) as { status: string };
    assert.notEqual(detail.status, 'cancelled');
  });

  test('guessing run ids on one socket is cut off', async () => {
    const c = await connect(wsUrl(s.url));
    for (let i = 0; i <= MAX_UNKNOWN_RUNS_PER_MINUTE; i++) c.send({ type: 'subscribe', runId: `guess-${i}` });
    await new Promise<void>((resolve) => c.ws.once('close', (code) => (assert.equal(code, 1008), resolve())));
    assert.equal(c.messages.filter((m) => /^unknown run "/.test(m.message ?? '')).length, MAX_UNKNOWN_RUNS_PER_MINUTE);
  });

  test('an oversized request head gets 431, and the server keeps answering', async () => {
    assert.equal(await rawStatus(`${s.url}/api/health`, { 'x-big': 'x'.repeat(20_000) }), 431);
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });
});

describe('run limits', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ maxConcurrentRuns: 1, keepFinishedEvents: 1 });
  });
  after(() => s.stop());

  const waitDone = async (runId: string): Promise<void> => {
    for (;;) {
      const r = (await (await fetch(`${s.url}/api/runs/${runId}`)).json()) as { status: string };
      if (r.status !== 'running') return;
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  test('runs beyond the concurrent limit get 429 with a clear message; old runs\' events are released', async () => {
    const first = (await (await postJson(`${s.url}/api/runs`, { graph: chainGraph(300) })).json()) as { runId: string };
    const refused = await postJson(`${s.url}/api/runs`, { graph: chainGraph(0) });
    assert.equal(refused.status, 429);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /already running \(the limit is 1\)/);
    await waitDone(first.runId);
    const second = (await (await postJson(`${s.url}/api/runs`, { graph: chainGraph(0) })).json()) as { runId: string };
    await waitDone(second.runId);
    // Only the newest finished run keeps its event log; the first keeps its report.
    const c = await connect(wsUrl(s.url));
    c.send({ type: 'subscribe', runId: first.runId });
    await c.waitFor((m) => /no longer kept/.test(m.message ?? ''));
    c.send({ type: 'subscribe', runId: second.runId });
    await c.waitFor((m) => m.event?.type === 'run.finished');
    await c.close();
    const detail = (await (await fetch(`${s.url}/api/runs/${first.runId}`)).json()) as { status: string; report: unknown };
    assert.equal(detail.status, 'done');
    assert.ok(detail.report);
  });
});
