/**
 * model.classify through the one fan-out rule, with the real classify task (in-process pool) and a pool that
 * fails one chunk: the error names the chunk, nothing starts after it, the chunks in flight finish, no scratch
 * or output file stays in the work dir; a cancelled run stops the same way and throws the abort reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inlinePool, type ChunkPool } from '../chunkTask.ts';
import { NodeError, type NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import { chunkTasks } from '../tasks.ts';
import type { Model } from '../values.ts';
import { modelClassify } from './modelClassify.ts';

const root = mkdtempSync(join(tmpdir(), 'classify-fanout-'));
const grid: Grid = { width: 200, height: 100, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
const composite = (() => {
  const w = new CompositeWriter(join(root, 'comp.f32'), grid, ['x']);
  w.writeWindow(
    { x: 0, y: 0, width: grid.width, height: grid.height },
    Float32Array.from({ length: grid.width * grid.height }, (_, i) => i % 2),
  );
  return w.commit();
})();
const model: Model = (() => {
  const file = join(root, 'tree.json');
  const leaf = (value: number[]) => ({ feature: -1, threshold: 0, left: -1, right: -1, value, impurity: 0, samples: 1 });
  const nodes = [{ feature: 0, threshold: 0.5, left: 1, right: 2, value: [1, 1], impurity: 0.5, samples: 2 }, leaf([1, 0]), leaf([0, 1])];
  writeFileSync(file, JSON.stringify({ nodes, features: ['x'], classes: ['a', 'b'] }));
  return { kind: 'Model', algorithm: 'decisionTree', features: ['x'], classes: ['a', 'b'], file };
})();
const params = modelClassify.params.parse({ chunkSize: 64 }); // 4 × 2 = 8 chunks

/** The real in-process pool, with one chunk (by its x, y) failing and every start and finish recorded. */
function failingPool(fail: (win: { x: number; y: number }) => boolean, events: string[], size = 1): ChunkPool {
  const real = inlinePool(chunkTasks, size);
  return {
    size,
    async run(task, payload, signal) {
      const win = (payload as { window: { x: number; y: number } }).window;
      events.push(`start ${win.x},${win.y}`);
      try {
        if (fail(win)) throw new NodeError('the composite file was cut short', { code: 'ENOENT' });
        return await real.run(task, payload, signal);
      } finally {
        events.push(`end ${win.x},${win.y}`);
      }
    },
  };
}

function ctx(pool: ChunkPool, signal = new AbortController().signal): NodeContext {
  return {
    nodeId: 'c',
    dataRoot: root,
    workDir: mkdtempSync(join(root, 'w-')),
    signal,
    pool,
    progress() {},
    resolvePath: (p) => join(root, p),
  };
}

test('a failed chunk is named, stops the fan-out after the chunks in flight, and leaves no file', async () => {
  const events: string[] = [];
  const c = ctx(failingPool((w) => w.x === 64 && w.y === 64, events));
  await assert.rejects(modelClassify.run(c, { composite, model }, params), (e: NodeError) => {
    assert.equal(e.name, 'NodeError');
    assert.equal(e.message, 'the composite file was cut short (chunk 6 of 8: x 64–127, y 64–99)');
    assert.equal(e.details.code, 'ENOENT');
    return true;
  });
  // Two lanes (2 × pool size): once chunk 6 failed nothing new starts, so chunk 8 never does (the other lane
  // held at most chunk 7), and every chunk that started also finished before the node threw.
  assert.ok(!events.includes('start 192,64'), events.join('; '));
  assert.equal(events.filter((e) => e.startsWith('start')).length, events.filter((e) => e.startsWith('end')).length);
  assert.deepEqual(readdirSync(c.workDir), []);
});

test('cancelling stops scheduling and throws the abort reason, not a chunk error', async () => {
  const ac = new AbortController();
  const reason = new Error('the run was cancelled');
  const events: string[] = [];
  const pool = failingPool(() => false, events);
  let calls = 0;
  const cancelling: ChunkPool = {
    size: pool.size,
    run: (task, payload, signal) => {
      if (++calls === 3) ac.abort(reason); // the pool then rejects this chunk, as the worker pool does
      return pool.run(task, payload, signal);
    },
  };
  const c = ctx(cancelling, ac.signal);
  await assert.rejects(modelClassify.run(c, { composite, model }, params), (e) => e === reason);
  assert.equal(calls, 3, 'nothing was sent to the pool after the abort');
  assert.ok(events.filter((e) => e.startsWith('start')).length < 8, events.join('; '));
  assert.deepEqual(readdirSync(c.workDir), []);
});

test('without a failure every chunk is classified once', async () => {
  const events: string[] = [];
  const r = await modelClassify.run(ctx(failingPool(() => false, events, 2)), { composite, model }, params);
  assert.equal(events.filter((e) => e.startsWith('start')).length, 8);
  assert.deepEqual(r.summary?.classPixels, { a: 10000, b: 10000 });
});
