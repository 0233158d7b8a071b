/**
 * The contract between chunk tasks and the pool that runs them, below every task module (raster, ml, demo)
 * so that they need not import the task registry (tasks.ts) or node definitions (define.ts) above them.
 */

/** What a chunk task returns: its result and the ArrayBuffers to transfer back from the worker. */
export interface TaskResult<T = unknown> {
  result: T;
  transfer?: ArrayBuffer[];
}

/** Runs chunk tasks on worker threads. Task names are keys of `chunkTasks` in tasks.ts. */
export interface ChunkPool {
  readonly size: number;
  /** Queued tasks start lowest `priority` first (then in order of submission); default 0. */
  run<T = unknown>(task: string, payload: unknown, signal?: AbortSignal, priority?: number): Promise<T>;
}
