/**
 * A pool of worker threads running chunk tasks: a caller passes a task's handle (`defineTask`), the worker
 * resolves its name in the task module's registry (`chunkTasks = taskRegistry([...])`). Tasks queue when all
 * workers are busy, lowest priority number first (the engine gives each node its place in the graph, so an
 * earlier branch finishes first and its downstream work overlaps the later branch instead of waiting for both); an aborted task is rejected (a queued one dropped, a running one's worker replaced); a
 * crashed worker is replaced and its task rejected with a clear error.
 */
import { Worker } from 'node:worker_threads';
import type { ChunkPool, ChunkTask } from '@sentiflow/nodes/chunkTask.ts';

const SHIM = new URL('./worker.mjs', import.meta.url);

export interface WorkerPoolOptions {
  size: number;
  /** Module exporting `chunkTasks`, the registry (taskRegistry) in which workers resolve the handles they get. */
  taskModule: URL;
}

interface Job {
  id: number;
  task: string;
  payload: unknown;
  priority: number;
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(err: Error): void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class ChunkTaskError extends Error {
  constructor(
    message: string,
    readonly task: string,
    readonly details?: Record<string, unknown>,
    name = 'ChunkTaskError',
  ) {
    super(message);
    this.name = name;
  }
}

function abortError(task: string): Error {
  const err = new Error(`chunk task "${task}" was aborted`);
  err.name = 'AbortError';
  return err;
}

export function createWorkerPool(options: WorkerPoolOptions): ChunkPool & { close(): Promise<void> } {
  const size = Math.max(1, Math.floor(options.size));
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot): Job | null => {
    const job = slot.job;
    slot.job = null;
    if (job?.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    return job;
  };

  const spawn = (): Slot => {
    const worker = new Worker(SHIM, { workerData: { taskModule: options.taskModule.href } });
    worker.unref();
    const slot: Slot = { worker, job: null };
    worker.on('message', (msg: { id?: number; result?: unknown; error?: { message: string; name?: string; details?: Record<string, unknown>; stack?: string } }) => {
      if (msg.id === undefined || slot.job?.id !== msg.id) return;
      const job = finish(slot)!;
      if (msg.error) {
        const err = new ChunkTaskError(msg.error.message, job.task, msg.error.details, msg.error.name);
        if (msg.error.stack) err.stack = msg.error.stack;
        job.reject(err);
      } else job.resolve(msg.result);
      pump();
    });
    const onDeath = (reason: string): void => {
      const i = slots.indexOf(slot);
      if (i < 0) return;
      slots.splice(i, 1);
      const job = finish(slot);
      job?.reject(new ChunkTaskError(`worker thread crashed while running chunk task "${job.task}": ${reason}`, job.task, { code: 'worker-crashed' }));
      if (!closed) pump();
    };
    worker.on('error', (err) => onDeath(err.message));
    worker.on('exit', (code) => onDeath(`exited with code ${code}`));
    slots.push(slot);
    return slot;
  };

  const pump = (): void => {
    while (queue.length && !closed) {
      let slot = slots.find((s) => s.job === null);
      if (!slot && slots.length < size) slot = spawn();
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, task: job.task, payload: job.payload });
    }
    for (const s of slots) if (s.job === null) s.worker.unref();
  };

  return {
    size,
    run<P, R>(handle: ChunkTask<P, R>, payload: NoInfer<P>, signal?: AbortSignal, priority = 0): Promise<R> {
      const task = handle.name;
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      if (signal?.aborted) return Promise.reject(abortError(task));
      return new Promise<R>((resolve, reject) => {
        const job: Job = { id: nextId++, task, payload, priority, signal, resolve: resolve as (v: unknown) => void, reject };
        if (signal) {
          job.onAbort = () => {
            const qi = queue.indexOf(job);
            if (qi >= 0) {
              queue.splice(qi, 1);
              signal.removeEventListener('abort', job.onAbort!);
              reject(abortError(task));
              return;
            }
            const slot = slots.find((s) => s.job === job);
            if (slot) {
              // The task cannot be interrupted inside the worker: replace the worker.
              finish(slot);
              slots.splice(slots.indexOf(slot), 1);
              void slot.worker.terminate();
              reject(abortError(task));
              pump();
            }
          };
          signal.addEventListener('abort', job.onAbort, { once: true });
        }
        // Keep the queue ordered by (priority, submission): insert after every job of equal or lower priority.
        let at = queue.length;
        while (at > 0 && queue[at - 1].priority > priority) at--;
        queue.splice(at, 0, job);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
        job.reject(new Error('the worker pool was closed'));
      }
      const all = slots.splice(0);
      for (const s of all) finish(s)?.reject(new Error('the worker pool was closed'));
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
