import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createWorkerPool } from './workerPool.ts';
import { createRun } from '../engine/run.ts';
import { nodeCatalog, probe } from '../engine/testing/testCatalog.ts';
import { bytes, crash, double, fail, hang, slow, unregistered } from '../engine/testing/testTasks.ts';

const taskModule = new URL('../engine/testing/testTasks.ts', import.meta.url);

test('runs tasks, queues beyond the pool size, transfers buffers and reports task errors', async () => {
  const pool = createWorkerPool({ size: 2, taskModule });
  try {
    assert.equal(pool.size, 2);
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => pool.run(slow, { ms: 20, x: i })));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6]);
    const block = await pool.run(bytes, { n: 4 });
    assert.ok(block instanceof Float32Array);
    assert.deepEqual([...block], [1.5, 1.5, 1.5, 1.5]);
    await assert.rejects(pool.run(fail, {}), (err: Error & { details?: Record<string, unknown> }) => {
      assert.equal(err.message, 'bad chunk at row 5');
      assert.equal(err.name, 'NodeError');
      assert.deepEqual(err.details, { param: 'chunk', code: 'x' });
      return true;
    });
    await assert.rejects(pool.run(unregistered, {}), /unknown chunk task "nope" \(known: double, bytes, slow, fail, crash, hang\)/);
  } finally {
    await pool.close();
  }
});

test('abort rejects running and queued tasks; the pool keeps working', async () => {
  const pool = createWorkerPool({ size: 1, taskModule });
  try {
    const ac = new AbortController();
    const running = pool.run(hang, {}, ac.signal);
    const queued = pool.run(double, { x: 1 }, ac.signal);
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(running, { name: 'AbortError' });
    await assert.rejects(queued, { name: 'AbortError' });
    await assert.rejects(pool.run(double, { x: 1 }, ac.signal), { name: 'AbortError' });
    assert.equal(await pool.run(double, { x: 21 }), 42);
  } finally {
    await pool.close();
  }
});

test('a crashed worker is replaced and its task rejected with a clear error', async () => {
  const pool = createWorkerPool({ size: 1, taskModule });
  try {
    await assert.rejects(pool.run(crash, {}), /worker thread crashed while running chunk task "crash"/);
    assert.equal(await pool.run(double, { x: 2 }), 4);
  } finally {
    await pool.close();
  }
});

test('a run creates its pool lazily and closes it at the end', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-pool-'));
  const graph = { schema: 'sentiflow/graph@1' as const, name: 'p', nodes: [{ id: 'p', type: 'test.pool', version: 1, params: { n: 5 } }], links: [] };
  const run = createRun(graph, nodeCatalog, { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: null, workers: 2, taskModule });
  const report = await run.done;
  assert.equal(report.status, 'done', JSON.stringify(report.nodes.p.error));
  assert.deepEqual(probe.poolResults, [0, 2, 4, 6, 8]);
});

test('queued tasks start lowest priority first, then in submission order', async () => {
  const pool = createWorkerPool({ size: 1, taskModule });
  try {
    const started: string[] = [];
    const submit = (name: string, priority: number) => pool.run(slow, { ms: 5, x: 0 }, undefined, priority).then(() => started.push(name));
    // The first task occupies the only worker; the rest queue and are reordered.
    await Promise.all([submit('first', 9), submit('late-a', 5), submit('late-b', 5), submit('early', 1), submit('default', 3)]);
    assert.deepEqual(started, ['first', 'early', 'default', 'late-a', 'late-b']);
  } finally {
    await pool.close();
  }
});

test('demo data generated on the pool (years in parallel) is byte-identical to the sequential generation', async () => {
  const { generateDemoData } = await import('@sentiflow/nodes/demo/generate.ts');
  const { DEFAULT_TASK_MODULE } = await import('../engine/run.ts');
  const { readFileSync, readdirSync } = await import('node:fs');
  const options = { width: 120, height: 90, datesPerYear: 3, seed: 4 };
  const seq = mkdtempSync(path.join(tmpdir(), 'sf-demo-seq-'));
  const par = mkdtempSync(path.join(tmpdir(), 'sf-demo-par-'));
  await generateDemoData({ outDir: seq, ...options });
  const pool = createWorkerPool({ size: 2, taskModule: DEFAULT_TASK_MODULE });
  const steps: string[] = [];
  try {
    await generateDemoData({ outDir: par, ...options, pool, onProgress: (_d, _t, what) => steps.push(what) });
  } finally {
    await pool.close();
  }
  assert.deepEqual(steps.sort(), ['2019', '2022']);
  const files = readdirSync(seq, { recursive: true }).map(String).filter((f) => f.includes('.')).sort();
  assert.ok(files.length >= 28, `${files.length} files`);
  assert.deepEqual(readdirSync(par, { recursive: true }).map(String).filter((f) => f.includes('.')).sort(), files);
  for (const f of files) assert.ok(readFileSync(path.join(seq, f)).equals(readFileSync(path.join(par, f))), `${f} differs`);
});
