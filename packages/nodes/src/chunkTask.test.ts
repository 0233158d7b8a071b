/**
 * Task handles and the registry: the package's registry holds every task a node sends to the pool, names are
 * unique, an unknown handle is refused by name, and the handle types the payload and the result (the
 * `@ts-expect-error` lines fail the typecheck if a wrong payload or result were accepted).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineTask, inlinePool, taskRegistry, type ChunkPool } from './chunkTask.ts';
import { chunkTasks } from './tasks.ts';
import { aggregateWindow } from './raster/aggregateTask.ts';
import { classifyWindow } from './ml/classifyTask.ts';
import { trainXgboost } from './ml/trainTask.ts';
import { demoYear } from './demo/generate.ts';

const square = defineTask<{ x: number }, number>('square', async ({ x }) => ({ result: x * x }));

test('the package registry resolves every task handle by its name', () => {
  for (const handle of [aggregateWindow, classifyWindow, trainXgboost, demoYear]) assert.equal(chunkTasks.resolve(handle.name), handle);
  assert.deepEqual(chunkTasks.names, ['aggregateWindow', 'classifyWindow', 'trainXgboost', 'demoYear']);
});

test('a registry refuses two tasks of one name and names the known ones for an unknown handle', async () => {
  assert.throws(
    () => taskRegistry([square, defineTask<{ x: number }, number>('square', async () => ({ result: 0 }))]),
    /two chunk tasks are named "square"/,
  );
  const pool = inlinePool(taskRegistry([square]), 3);
  assert.equal(pool.size, 3);
  assert.equal(await pool.run(square, { x: 7 }), 49);
  await assert.rejects(pool.run(aggregateWindow, {} as never), /unknown chunk task "aggregateWindow" \(known: square\)/);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(pool.run(square, { x: 1 }, ac.signal), { name: 'AbortError' });
});

// Never called: it only has to typecheck (tsc runs over the tests), and each marked line must not.
export function typeChecks(pool: ChunkPool): void {
  const n: Promise<number> = pool.run(square, { x: 1 });
  // @ts-expect-error the payload of square is { x: number }
  void pool.run(square, { x: 'one' });
  // @ts-expect-error an extra payload field is refused, not silently sent to the worker
  void pool.run(square, { x: 1, y: 2 });
  // @ts-expect-error square's result is a number
  const s: Promise<string> = pool.run(square, { x: 1 });
  // @ts-expect-error a task is a handle, never a string name
  void pool.run('square', { x: 1 });
  void n;
  void s;
}
