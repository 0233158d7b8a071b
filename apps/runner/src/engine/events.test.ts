import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventLog } from './events.ts';
import { canonicalJson, cacheKey } from './cache.ts';
import type { RunEvent } from './types.ts';

test('seq from 1, replay from a seq, then live events', () => {
  const log = createEventLog('r1');
  log.emit({ type: 'run.started', graphName: 'g', nodes: ['a'] });
  log.emit({ type: 'node.started', nodeId: 'a' });
  const seen: RunEvent[] = [];
  const off = log.subscribe(2, (e) => seen.push(e));
  log.emit({ type: 'node.finished', nodeId: 'a', duration: 5 });
  off();
  log.emit({ type: 'run.finished', status: 'done', duration: 6 });
  assert.deepEqual(seen.map((e) => [e.seq, e.type]), [
    [2, 'node.started'],
    [3, 'node.finished'],
  ]);
  assert.deepEqual(log.events().map((e) => e.seq), [1, 2, 3, 4]);
  assert.ok(log.events().every((e) => e.runId === 'r1' && /^\d{4}-\d\d-\d\dT/.test(e.time)));
});

test('progress is throttled per node, keeps the final one, and has an ETA', () => {
  let t = 0;
  const log = createEventLog('r', { now: () => t });
  log.nodeStarted('a');
  for (let i = 1; i <= 100; i++) {
    t += 10; // 100 updates over 1 s
    log.progress('a', i, 100, 'chunks');
  }
  const progress = log.events().filter((e) => e.type === 'node.progress');
  assert.ok(progress.length <= 7, `got ${progress.length}`);
  const last = progress.at(-1)!;
  assert.ok(last.type === 'node.progress' && last.done === 100 && last.eta === 0);
  const first = progress[0];
  // 1 chunk in 10 ms → 99 chunks left ≈ 0.99 s.
  assert.ok(first.type === 'node.progress' && Math.abs(first.eta! - 0.99) < 0.05, JSON.stringify(first));
});

test('flushProgress emits a held-back update', () => {
  let t = 0;
  const log = createEventLog('r', { now: () => t });
  log.progress('a', 1, 10, 'x');
  t += 5;
  log.progress('a', 2, 10, 'x');
  assert.equal(log.events().length, 1);
  log.flushProgress('a');
  const last = log.events().at(-1)!;
  assert.ok(last.type === 'node.progress' && last.done === 2);
});

test('canonical JSON and keys ignore key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  const k1 = cacheKey({ type: 't', version: 1, params: { a: 1, b: 2 }, inputs: { x: 'k#out' }, fingerprint: '' });
  const k2 = cacheKey({ type: 't', version: 1, params: { b: 2, a: 1 }, inputs: { x: 'k#out' }, fingerprint: '' });
  const k3 = cacheKey({ type: 't', version: 2, params: { b: 2, a: 1 }, inputs: { x: 'k#out' }, fingerprint: '' });
  assert.equal(k1, k2);
  assert.notEqual(k1, k3);
  assert.match(k1, /^[0-9a-f]{64}$/);
});
