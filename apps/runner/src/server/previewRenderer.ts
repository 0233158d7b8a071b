/**
 * Map previews off the main thread: a small worker pool renders PNGs (previewTasks.ts), at most `maxPending`
 * previews wait or render at once (more get 503 with Retry-After), identical requests in flight share one
 * render, and finished PNGs are kept in an LRU cache bounded in bytes, keyed by the layer, the size and the
 * source file's size and mtime (a re-run that rewrites the file gets a fresh render).
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createWorkerPool } from '../pool/workerPool.ts';
import { HttpError } from './errors.ts';
import { layerFile, renderPreview, type Layer } from './previewTasks.ts';

export interface PreviewRendererOptions {
  /** Worker threads for previews (default: 2, or 1 on a single core). */
  workers?: number;
  /** Previews rendering or waiting at once; more are refused with 503 (default 32). */
  maxPending?: number;
  /** Bytes of PNGs kept (default 64 MB). */
  cacheBytes?: number;
}

export interface PreviewRenderer {
  render(layer: Layer, maxSize: number, signal?: AbortSignal): Promise<{ png: Buffer; cached: boolean }>;
  stats(): { pending: number; maxPending: number; cachedEntries: number; cachedBytes: number; renders: number };
  close(): Promise<void>;
}

const TASK_MODULE = new URL('./previewTasks.ts', import.meta.url);

export function createPreviewRenderer(options: PreviewRendererOptions = {}): PreviewRenderer {
  const workers = options.workers ?? Math.min(2, availableParallelism());
  const maxPending = options.maxPending ?? 32;
  const cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
  let pool: ReturnType<typeof createWorkerPool> | null = null;
  const lru = new Map<string, Buffer>();
  let bytes = 0;
  const inflight = new Map<string, Promise<Buffer>>();
  let pending = 0;
  let renders = 0;

  const remember = (key: string, png: Buffer): void => {
    if (png.length > cacheBytes) return;
    lru.set(key, png);
    bytes += png.length;
    for (const [k, v] of lru) {
      if (bytes <= cacheBytes) break;
      lru.delete(k);
      bytes -= v.length;
    }
  };

  const keyOf = async (layer: Layer, maxSize: number): Promise<string> => {
    const file = layerFile(layer);
    const st = file ? await stat(file).catch(() => null) : null;
    if (file && !st) throw new HttpError(404, 'not-found', 'the file of this layer is gone (the run folder or cache entry was removed)');
    const what = layer.kind === 'rgb' ? layer.features.join(',') : 'className' in layer ? layer.className : '';
    return JSON.stringify([layer.kind, what, file, st?.size, st?.mtimeMs, maxSize]);
  };

  return {
    async render(layer, maxSize, signal) {
      const key = await keyOf(layer, maxSize);
      const hit = lru.get(key);
      if (hit) {
        lru.delete(key); // most recently used goes last
        lru.set(key, hit);
        return { png: hit, cached: true };
      }
      let job = inflight.get(key);
      if (!job) {
        if (pending >= maxPending) throw new HttpError(503, 'previews-busy', `${pending} map previews are already being drawn; try again in a moment`);
        pending++;
        renders++;
        pool ??= createWorkerPool({ size: workers, taskModule: TASK_MODULE });
        // Not tied to one client's signal: others may be waiting for the same render.
        job = pool.run(renderPreview, { layer, maxSize }).then((bytes) => Buffer.from(bytes));
        inflight.set(key, job);
        job.then(
          (png) => remember(key, png),
          () => undefined,
        ).finally(() => {
          pending--;
          inflight.delete(key);
        });
      }
      signal?.throwIfAborted();
      return { png: await job, cached: false };
    },
    stats: () => ({ pending, maxPending, cachedEntries: lru.size, cachedBytes: bytes, renders }),
    async close() {
      await pool?.close();
      pool = null;
    },
  };
}
