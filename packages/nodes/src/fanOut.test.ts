/**
 * The fan-out rule: start in order, never more than `concurrency` at once, nothing new after an abort or an
 * error, in-flight items always awaited, the abort reason or the first error (with the item named) thrown.
 * Items finish when the test releases them (no timers), so each check sees one exact interleaving.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeWindow, fanOut, forEachWindow } from './fanOut.ts';
import { NodeError } from './errors.ts';
import { chunkWindows } from './grid.ts';

/** Work whose items wait until released; records starts, finishes and the most in flight at once. */
function gated() {
  const started: number[] = [];
  const finished: number[] = [];
  const gates = new Map<number, { release(): void; fail(e: unknown): void }>();
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (_item: unknown, i: number) =>
    new Promise<void>((resolve, reject) => {
      started.push(i);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const done = () => (inFlight--, finished.push(i));
      gates.set(i, { release: () => (done(), resolve()), fail: (e) => (done(), reject(e)) });
    });
  /** Lets queued microtasks (the next starts) run. */
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return { started, finished, gates, work, settle, max: () => maxInFlight };
}

test('every item runs once, started in list order, never more than `concurrency` at once', async () => {
  const g = gated();
  const items = Array.from({ length: 7 }, (_, i) => i);
  const all = fanOut(items, { concurrency: 3 }, g.work);
  await g.settle();
  assert.deepEqual(g.started, [0, 1, 2]);
  // Finish out of order: the freed lane takes the next item in the list.
  for (const i of [2, 0, 1, 4, 3, 6, 5]) {
    g.gates.get(i)!.release();
    await g.settle();
  }
  await all;
  assert.deepEqual(g.started, [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...g.finished].sort(), items);
  assert.equal(g.max(), 3);
});

test('a bound above the item count runs them all at once; a bound below 1 runs one at a time; no items, no work', async () => {
  const wide = gated();
  const p = fanOut([0, 1], { concurrency: 10 }, wide.work);
  await wide.settle();
  assert.deepEqual(wide.started, [0, 1]);
  for (const gate of wide.gates.values()) gate.release();
  await p;
  const narrow = gated();
  const q = fanOut([0, 1, 2], { concurrency: 0 }, narrow.work);
  for (let i = 0; i < 3; i++) {
    await narrow.settle();
    narrow.gates.get(i)!.release();
  }
  await q;
  assert.equal(narrow.max(), 1);
  let called = 0;
  await fanOut([], { concurrency: 4 }, async () => void called++);
  assert.equal(called, 0);
});

test('abort: nothing new starts, the items in flight are awaited, the abort reason is thrown', async () => {
  const g = gated();
  const ac = new AbortController();
  let settled = false;
  const all = fanOut([0, 1, 2, 3, 4, 5], { concurrency: 2, signal: ac.signal }, g.work).finally(() => (settled = true));
  await g.settle();
  g.gates.get(0)!.release();
  await g.settle();
  assert.deepEqual(g.started, [0, 1, 2]);
  ac.abort();
  g.gates.get(1)!.release();
  await g.settle();
  assert.equal(settled, false, 'item 2 is still in flight');
  // What an in-flight item does after the abort (the pool rejects it) does not replace the abort reason.
  g.gates.get(2)!.fail(new Error('chunk task "x" was aborted'));
  await assert.rejects(all, (e: Error) => e === ac.signal.reason);
  assert.deepEqual(g.started, [0, 1, 2]);
  assert.deepEqual(g.finished, [0, 1, 2]);
});

test('an abort after the last item still fails the fan-out; an already aborted signal starts nothing', async () => {
  const ac = new AbortController();
  await assert.rejects(
    fanOut([0, 1], { concurrency: 2, signal: ac.signal }, async (i) => {
      if (i === 1) ac.abort(new Error('stop'));
    }),
    /stop/,
  );
  let called = 0;
  await assert.rejects(
    fanOut([0], { concurrency: 1, signal: ac.signal }, async () => void called++),
    /stop/,
  );
  assert.equal(called, 0);
});

test('error: nothing new starts, in-flight items are awaited, the first error is thrown with its item named', async () => {
  const g = gated();
  let settled = false;
  const all = fanOut(['a', 'b', 'c', 'd', 'e'], { concurrency: 2, name: (item, i, n) => `date ${item}, ${i + 1} of ${n}` }, g.work).finally(
    () => (settled = true),
  );
  await g.settle();
  const first = new NodeError('the file B2.tif is cut short', { file: 'B2.tif', code: 'ENOENT' });
  g.gates.get(1)!.fail(first);
  await g.settle();
  assert.equal(settled, false, 'item 0 is still in flight');
  g.gates.get(0)!.fail(new Error('a later failure'));
  await assert.rejects(all, (e: NodeError) => {
    assert.equal(e, first, 'the same error object: class and details kept');
    assert.equal(e.message, 'the file B2.tif is cut short (date b, 2 of 5)');
    assert.deepEqual(e.details, { file: 'B2.tif', code: 'ENOENT' });
    return true;
  });
  assert.deepEqual(g.started, [0, 1]);
  assert.deepEqual(g.finished, [1, 0]);
});

test('forEachWindow names the chunk by its pixel columns and rows; a thrown non-Error becomes an Error', async () => {
  const windows = chunkWindows({ width: 600, height: 300 }, 256);
  assert.equal(windows.length, 6);
  assert.equal(describeWindow(windows[4], 4, 6), 'chunk 5 of 6: x 256–511, y 256–299');
  await assert.rejects(
    forEachWindow(windows, { concurrency: 1 }, async (_w, i) => {
      if (i === 5) throw 'boom';
    }),
    (e: Error) => e instanceof Error && e.message === 'boom (chunk 6 of 6: x 512–599, y 256–299)',
  );
});
