/**
 * The contract between chunk tasks and the pool that runs them, below every task module (raster, ml, demo)
 * so that they need not import the task registry (tasks.ts) or node definitions (define.ts) above them.
 *
 * A task is declared once with `defineTask<Payload, Result>(name, run)`; the value it returns is the handle
 * callers pass to `pool.run(handle, payload)`, which types the payload and the result from it (as piscina's
 * `Piscina<Task, Result>` or threads.js's `spawn<typeof workerModule>` do, but per task rather than per pool).
 * Only the handle's name crosses to the worker, which finds the task in its module's one registry
 * (`taskRegistry([...])`, exported as `chunkTasks`), so no call site spells a task name.
 */

/** What a chunk task returns: its result and the ArrayBuffers to transfer back from the worker. */
export interface TaskResult<T = unknown> {
  result: T;
  transfer?: ArrayBuffer[];
}

/** A chunk task and its handle: `name` is how the worker finds it, `run` what the worker calls. */
export interface ChunkTask<Payload, Result> {
  readonly name: string;
  run(payload: Payload): Promise<TaskResult<Result>>;
}

export function defineTask<Payload, Result>(
  name: string,
  run: (payload: Payload) => Promise<TaskResult<Result>>,
): ChunkTask<Payload, Result> {
  return Object.freeze({ name, run });
}

/** The tasks one task module offers; the worker resolves each handle's name here. */
export interface TaskRegistry {
  readonly names: readonly string[];
  /** The task of that name; throws `unknown chunk task "x" (known: ...)` for any other. */
  resolve(name: string): ChunkTask<unknown, unknown>;
}

export function taskRegistry(tasks: readonly ChunkTask<never, unknown>[]): TaskRegistry {
  const byName = new Map<string, ChunkTask<unknown, unknown>>();
  for (const t of tasks) {
    if (byName.has(t.name)) throw new Error(`two chunk tasks are named "${t.name}"`);
    byName.set(t.name, t as ChunkTask<unknown, unknown>);
  }
  const names = Object.freeze([...byName.keys()]);
  return {
    names,
    resolve(name) {
      const t = byName.get(name);
      if (!t) throw new Error(`unknown chunk task "${name}" (known: ${names.join(', ')})`);
      return t;
    },
  };
}

/** Runs chunk tasks on worker threads (or, in tests, on the calling thread: `inlinePool`). */
export interface ChunkPool {
  readonly size: number;
  /** Queued tasks start lowest `priority` first (then in order of submission); default 0. */
  run<P, R>(task: ChunkTask<P, R>, payload: NoInfer<P>, signal?: AbortSignal, priority?: number): Promise<R>;
}

/**
 * A pool that runs each task on the calling thread, resolved through `registry` exactly as a worker resolves
 * it (so a task missing from the registry fails here too). For tests and scripts; `size` is what nodes see.
 */
export function inlinePool(registry: TaskRegistry, size = 1): ChunkPool {
  return {
    size,
    async run<P, R>(task: ChunkTask<P, R>, payload: NoInfer<P>, signal?: AbortSignal): Promise<R> {
      signal?.throwIfAborted();
      const out = await registry.resolve(task.name).run(payload);
      return out.result as R;
    },
  };
}
