import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from './events.ts';
import { applyEvent, foldEvents, initialRunState } from './runFold.ts';

type Body = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'seq' | 'time'> : never) : never;
const log = (runId: string, bodies: Body[]): RunEvent[] =>
  bodies.map((b, i) => ({ ...b, runId, seq: i + 1, time: '2026-01-01T00:00:00Z' }) as RunEvent);

test('a failed run: cached, done with duration, failed with details, the rest skipped', () => {
  const events = log('r', [
    { type: 'run.started', graphName: 'g', nodes: ['a', 'b', 'c', 'd'] },
    { type: 'node.cached', nodeId: 'a', summary: { n: 1 } },
    { type: 'node.started', nodeId: 'b' },
    { type: 'node.progress', nodeId: 'b', done: 1, total: 4, unit: 'chunks', eta: 3 },
    { type: 'node.finished', nodeId: 'b', duration: 120, summary: { km2: 2 } },
    { type: 'node.started', nodeId: 'c' },
    { type: 'node.progress', nodeId: 'c', done: 1, total: 2, unit: 'chunks', eta: null },
    { type: 'node.failed', nodeId: 'c', message: 'Missing file x.tif', details: { param: 'dir', code: 'ENOENT' } },
    { type: 'run.finished', status: 'failed', duration: 500 },
  ]);
  const s = foldEvents('r', events);
  assert.equal(s.graphName, 'g');
  assert.equal(s.status, 'failed');
  assert.equal(s.duration, 500);
  assert.equal(s.lastSeq, 9);
  assert.deepEqual({ ...s.nodes }, {
    a: { status: 'cached', summary: { n: 1 } },
    b: { status: 'done', duration: 120, summary: { km2: 2 } },
    c: { status: 'failed', error: { message: 'Missing file x.tif', details: { param: 'dir', code: 'ENOENT' } } },
    d: { status: 'skipped' },
  });
});

test('cancel marks what had not finished as cancelled', () => {
  const s = foldEvents(
    'r',
    log('r', [
      { type: 'run.started', graphName: 'g', nodes: ['a', 'b'] },
      { type: 'node.started', nodeId: 'a' },
      { type: 'run.cancelled', duration: 10 },
    ]),
  );
  assert.equal(s.status, 'cancelled');
  assert.deepEqual({ ...s.nodes }, { a: { status: 'cancelled' }, b: { status: 'cancelled' } });
});

test('replays and other runs are ignored; the input state is never changed', () => {
  const events = log('r', [
    { type: 'run.started', graphName: 'g', nodes: ['a'] },
    { type: 'node.started', nodeId: 'a' },
  ]);
  const s0 = initialRunState('r', ['a']);
  const s1 = applyEvent(s0, events[0]);
  const s2 = applyEvent(s1, events[1]);
  assert.deepEqual({ ...s0.nodes }, { a: { status: 'queued' } });
  assert.equal(s1.nodes.a.status, 'queued');
  assert.equal(applyEvent(s2, events[0]), s2, 'replayed event');
  assert.equal(applyEvent(s2, { ...events[1], runId: 'other', seq: 3 }), s2, 'event of another run');
  assert.equal(s2.nodes.a.status, 'running');
});

test('node ids such as __proto__ stay ordinary keys (prototype-less node table)', () => {
  const s = foldEvents('r', [{ runId: 'r', seq: 1, time: '', type: 'node.started', nodeId: '__proto__' }], ['__proto__']);
  assert.equal(Object.getPrototypeOf(s.nodes), null);
  assert.equal(s.nodes['__proto__'].status, 'running');
  assert.equal(({} as Record<string, unknown>).status, undefined);
});
