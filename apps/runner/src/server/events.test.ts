import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { chainGraph, connect, postJson, startTestServer, wsUrl, type TestServer, type WsMessage } from './testHelpers.ts';

const isEvent = (type: string, nodeId?: string) => (m: WsMessage) => m.type === 'event' && m.event!.type === type && (!nodeId || m.event!.nodeId === nodeId);
const isEnd = (m: WsMessage) => m.type === 'event' && (m.event!.type === 'run.finished' || m.event!.type === 'run.cancelled');

async function startRun(s: TestServer, sleepMs: number): Promise<string> {
  const res = await postJson(`${s.url}/api/runs`, { graph: chainGraph(sleepMs) });
  assert.equal(res.status, 202);
  return (await res.json()).runId;
}

describe('event stream', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ cacheDir: null });
  });
  after(async () => {
    await s.stop();
  });

  test('malformed messages get errors and the connection stays usable', async () => {
    const c = await connect(wsUrl(s.url));
    const bad = ['not json', '{"type":"subscribe"}', '{"type":"subscribe","runId":"x","fromSeq":-1}', '{"type":"dance"}', '[]', 'null', '{"type":"subscribe","runId":"nope"}'];
    for (const m of bad) c.send(m);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.waitFor(() => c.messages.filter((m) => m.type === 'error').length === bad.length + 1);
    assert.ok(c.messages.every((m) => typeof m.message === 'string'));
    assert.match(c.messages[0].message!, /not valid JSON/);
    assert.match(c.messages.at(-2)!.message!, /unknown run "nope"/);
    c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'pong');
    // A message over the size limit closes that client only.
    c.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(100_000) }));
    await new Promise((r) => c.ws.once('close', r));
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });

  test('refuses upgrades elsewhere than /api/events', async () => {
    await assert.rejects(connect(s.url.replace('http', 'ws') + '/other'), /404/);
  });

  test('two clients watch one run; a reconnecting client replays from its last seq', async () => {
    const runId = await startRun(s, 400);
    const a = await connect(wsUrl(s.url));
    const b = await connect(wsUrl(s.url));
    a.send({ type: 'subscribe', runId });
    b.send({ type: 'subscribe', runId, fromSeq: 0 });
    await b.waitFor(isEvent('node.finished', 'a'));
    const lastSeen = Math.max(...b.messages.map((m) => m.event!.seq));
    await b.close(); // drops mid-run

    const endA = await a.waitFor(isEnd, 10_000);
    assert.equal(endA.event!.type, 'run.finished');
    const seqsA = a.messages.map((m) => m.event!.seq);
    assert.deepEqual(seqsA, [...seqsA].sort((x, y) => x - y), 'in order');
    assert.equal(new Set(seqsA).size, seqsA.length, 'no duplicates');
    assert.ok(a.messages.every((m) => m.event!.runId === runId));
    assert.equal(a.messages[0].event!.type, 'run.started');

    const b2 = await connect(wsUrl(s.url));
    b2.send({ type: 'subscribe', runId, fromSeq: lastSeen + 1 });
    await b2.waitFor(isEnd);
    const seqsB = [...b.messages, ...b2.messages].map((m) => m.event!.seq);
    assert.deepEqual(seqsB, seqsA, 'old + replayed events are exactly the full stream');
    assert.ok(b2.messages[0].event!.seq === lastSeen + 1);
    await Promise.all([a.close(), b2.close()]);

    const detail = await (await fetch(`${s.url}/api/runs/${runId}`)).json();
    assert.equal(detail.status, 'done');
    assert.equal(detail.report.status, 'done');
    assert.equal(detail.nodes.b.status, 'done');
    assert.deepEqual(detail.nodes.b.summary, { value: 12 });
    assert.ok(detail.nodes.b.outputs);
    assert.equal(detail.graph.name, 'chain');
    const list = await (await fetch(`${s.url}/api/runs`)).json();
    assert.ok(list.some((r: { runId: string; graphName: string; status: string }) => r.runId === runId && r.graphName === 'chain' && r.status === 'done'));
  });

  test('a run goes on when every client disconnects, and can be cancelled', async () => {
    const runId = await startRun(s, 600);
    const c = await connect(wsUrl(s.url));
    c.send({ type: 'subscribe', runId });
    await c.waitFor(isEvent('node.started', 'a'));
    c.ws.terminate(); // abrupt disconnect mid-run
    const mid = await (await fetch(`${s.url}/api/runs/${runId}`)).json();
    assert.equal(mid.status, 'running');
    assert.equal(mid.report, null);
    assert.equal(mid.nodes.src.status, 'done');

    const c2 = await connect(wsUrl(s.url));
    c2.send({ type: 'subscribe', runId });
    c2.send({ type: 'unsubscribe', runId });
    c2.send({ type: 'subscribe', runId, fromSeq: 0 });
    await c2.waitFor(isEvent('node.progress', 'a'));
    const cancel = await fetch(`${s.url}/api/runs/${runId}/cancel`, { method: 'POST' });
    assert.equal(cancel.status, 202);
    const end = await c2.waitFor(isEnd, 10_000);
    assert.equal(end.event!.type, 'run.cancelled');
    // unsubscribe really stops the first subscription: from the second replay on, seqs strictly increase.
    const lastStart = c2.messages.map((m) => m.event?.type).lastIndexOf('run.started');
    const seqs = c2.messages.slice(lastStart).map((m) => m.event!.seq);
    assert.ok(seqs.every((q, i) => i === 0 || q === seqs[i - 1] + 1), `contiguous: ${seqs}`);
    await c2.close();
    const detail = await (await fetch(`${s.url}/api/runs/${runId}`)).json();
    assert.equal(detail.status, 'cancelled');
  });

  test('closing the server terminates clients and cancels live runs', async () => {
    const s2 = await startTestServer({ cacheDir: null });
    const runId = await startRun(s2, 5000);
    const c = await connect(wsUrl(s2.url));
    c.send({ type: 'subscribe', runId });
    await c.waitFor(isEvent('run.started'));
    const t0 = Date.now();
    await s2.stop();
    assert.ok(Date.now() - t0 < 4000, 'closed promptly');
    assert.notEqual(c.ws.readyState, WebSocket.OPEN);
  });
});
