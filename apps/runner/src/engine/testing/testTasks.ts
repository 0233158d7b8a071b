/** Test-only chunk tasks for the worker pool tests. */
import { defineTask, taskRegistry } from '@sentiflow/nodes/chunkTask.ts';

export const double = defineTask<{ x: number }, number>('double', async (payload) => ({ result: payload.x * 2 }));

export const bytes = defineTask<{ n: number }, Float32Array>('bytes', async (payload) => {
  const a = new Float32Array(payload.n).fill(1.5);
  return { result: a, transfer: [a.buffer as ArrayBuffer] };
});

export const slow = defineTask<{ ms: number; x: number }, number>('slow', async (payload) => {
  await new Promise((r) => setTimeout(r, payload.ms));
  return { result: payload.x };
});

export const fail = defineTask<Record<string, never>, never>('fail', async () => {
  throw Object.assign(new Error('bad chunk at row 5'), { name: 'NodeError', details: { param: 'chunk', code: 'x' } });
});

export const crash = defineTask<Record<string, never>, never>('crash', async () => process.exit(3));

export const hang = defineTask<Record<string, never>, never>('hang', async () => {
  for (;;) {
    /* busy */
  }
});

/** A handle that no registry holds: the worker must refuse it by name. */
export const unregistered = defineTask<Record<string, never>, never>('nope', async () => {
  throw new Error('never runs: not in the registry');
});

export const chunkTasks = taskRegistry([double, bytes, slow, fail, crash, hang]);
