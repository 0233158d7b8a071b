/**
 * Runs a validated graph: topological scheduling with independent branches in parallel, caching, events,
 * failure isolation (downstream skipped, other branches continue), cancellation, and `<out>/run.json`.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { AnyNodeDefinition, ChunkPool } from '@sentiflow/nodes/define.ts';
import { createWorkerPool } from '../pool/workerPool.ts';
import { createCache } from './cache.ts';
import { createEventLog } from './events.ts';
import { sweepOrphans } from './fsutil.ts';
import { claimOutDir } from './outFolder.ts';
import { runNode, type NodeOutcome } from './runNode.ts';
import type { Graph, NodeReport, Run, RunOptions, RunReport } from './types.ts';

export const DEFAULT_TASK_MODULE = new URL('../../../../packages/nodes/src/tasks.ts', import.meta.url);

export interface CreateRunOptions extends RunOptions {
  /** A shared pool (e.g. the server's); otherwise one is created lazily for this run and closed at its end. */
  pool?: ChunkPool;
  /** Nodes running at the same time (default 3). */
  concurrency?: number;
  /** Module exporting the `chunkTasks` registry for a lazily created pool (default: @sentiflow/nodes tasks.ts). */
  taskModule?: URL;
}

/**
 * Without a cache, a node's work dir (`<out>/.work/<id>`) is removed at the end of the run: paths into it are
 * rewritten to the published copies under `<out>/<id>/`, and paths to intermediate files that are not published
 * (a composite's raw store, a sample table) become null, so run.json never points at deleted files.
 */
export function relocateOutputs<T>(outputs: T, workDir: string, outDir: string, published: string[]): T {
  const prefix = workDir + path.sep;
  const publishedSet = new Set(published);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.startsWith(prefix)) return v;
      const rel = path.posix.join(path.basename(workDir), v.slice(prefix.length).split(path.sep).join('/'));
      return publishedSet.has(rel) ? path.join(outDir, rel) : null;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(outputs) as T;
}

/** Lazily creates a worker pool on the first chunk task. */
function lazyPool(size: number, taskModule: URL): ChunkPool & { close(): Promise<void> } {
  let pool: ReturnType<typeof createWorkerPool> | null = null;
  return {
    size,
    run(task, payload, signal, priority) {
      pool ??= createWorkerPool({ size, taskModule });
      return pool.run(task, payload, signal, priority);
    },
    async close() {
      await pool?.close();
    },
  };
}

export function createRun(graph: Graph, catalog: AnyNodeDefinition[], options: CreateRunOptions): Run {
  const runId = options.runId ?? randomUUID();
  const log = createEventLog(runId);
  const controller = new AbortController();
  const defs = new Map(catalog.map((d) => [d.type, d]));
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const upstream = new Map(graph.nodes.map((n) => [n.id, [] as Graph['links']]));
  const downstream = new Map(graph.nodes.map((n) => [n.id, [] as string[]]));
  for (const l of graph.links) {
    upstream.get(l.to.node)?.push(l);
    downstream.get(l.from.node)?.push(l.to.node);
  }
  if (options.upTo !== undefined && !nodes.has(options.upTo)) throw new Error(`--up-to: no node "${options.upTo}" in the graph`);

  // The nodes to run: everything, or the target and its ancestors.
  let selected = new Set(nodes.keys());
  if (options.upTo !== undefined) {
    selected = new Set();
    const stack = [options.upTo];
    while (stack.length) {
      const id = stack.pop()!;
      if (selected.has(id)) continue;
      selected.add(id);
      for (const l of upstream.get(id) ?? []) stack.push(l.from.node);
    }
  }

  const dataRoot = path.resolve(options.dataRoot);
  const outDir = path.resolve(options.outDir);
  // Refused here, before anything is touched, when another live run holds the folder.
  const claim = claimOutDir(outDir, runId);
  const cache = createCache(options.cacheDir === null ? null : path.resolve(options.cacheDir), outDir);
  const ownPool = options.pool ? null : lazyPool(options.workers ?? availableParallelism(), options.taskModule ?? DEFAULT_TASK_MODULE);
  const pool = options.pool ?? ownPool!;
  const concurrency = Math.max(1, options.concurrency ?? 3);

  // A Map, never a plain object: ids are user strings (a "__proto__" id must not reach Object.prototype).
  const reports = new Map<string, NodeReport>();
  for (const n of graph.nodes) reports.set(n.id, { type: n.type, status: selected.has(n.id) ? 'queued' : 'skipped', duration: null, files: [] });
  const report = (id: string): NodeReport => reports.get(id)!;
  const results = new Map<string, NodeOutcome>();

  const skipDownstream = (id: string): void => {
    const stack = [id];
    while (stack.length) {
      for (const d of downstream.get(stack.pop()!) ?? []) {
        if (report(d).status === 'queued') {
          report(d).status = 'skipped';
          stack.push(d);
        }
      }
    }
  };

  const execute = async (id: string): Promise<void> => {
    const node = nodes.get(id)!;
    const def = defs.get(node.type);
    report(id).status = 'running';
    let outcome: NodeOutcome;
    if (!def) {
      const message = `unknown node type "${node.type}"`;
      log.emit({ type: 'node.failed', nodeId: id, message, details: { code: 'unknown-type' } });
      outcome = { status: 'failed', duration: null, files: [], error: { message, details: { code: 'unknown-type' } } };
    } else {
      const inputs: Record<string, { key: string; value: unknown }> = Object.create(null) as Record<string, { key: string; value: unknown }>;
      for (const l of upstream.get(id) ?? []) {
        const up = results.get(l.from.node)!;
        inputs[l.to.input] = { key: `${up.key}#${l.from.output}`, value: up.outputs?.[l.from.output] };
      }
      outcome = await runNode({ node, def, inputs, dataRoot, outDir, cache, log, pool, priority: order.indexOf(id), signal: controller.signal });
    }
    results.set(id, outcome);
    const r = report(id);
    r.status = outcome.status;
    r.duration = outcome.duration;
    r.files = outcome.files;
    if (outcome.summary) r.summary = outcome.summary;
    if (outcome.outputs && (outcome.status === 'done' || outcome.status === 'cached')) {
      r.outputs = cache.enabled || !outcome.key ? outcome.outputs : relocateOutputs(outcome.outputs, cache.entryDir(outcome.key, id), outDir, outcome.files);
    }
    if (outcome.error) r.error = outcome.error;
    if (outcome.status === 'failed') skipDownstream(id);
    // Keep run.json current, so that a killed run's folder says what had finished.
    claim.write(snapshot()).catch(() => undefined);
  };

  const snapshot = (): Omit<RunReport, 'status'> => ({
    runId,
    graphName: graph.name,
    startedAt: startedAt.toISOString(),
    duration: Date.now() - startedAt.getTime(),
    nodes: Object.fromEntries(reports),
  });

  const order = graph.nodes.map((n) => n.id).filter((id) => selected.has(id));
  const startedAt = new Date();

  const main = async (): Promise<RunReport> => {
    await Promise.resolve();
    try {
      await claim.write(snapshot());
      await sweepOrphans(outDir);
    } catch (err) {
      claim.release();
      await ownPool?.close().catch(() => undefined);
      throw new Error(`cannot start: ${(err as Error).message}`);
    }
    log.emit({ type: 'run.started', graphName: graph.name, nodes: order });
    const running = new Map<string, Promise<void>>();
    for (;;) {
      if (!controller.signal.aborted) {
        for (const id of order) {
          if (running.size >= concurrency) break;
          if (report(id).status !== 'queued') continue;
          const ready = (upstream.get(id) ?? []).every((l) => ['done', 'cached'].includes(report(l.from.node).status));
          if (!ready) continue;
          report(id).status = 'running';
          running.set(id, execute(id).finally(() => running.delete(id)));
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    const cancelled = controller.signal.aborted;
    for (const id of order) if (report(id).status === 'queued') report(id).status = cancelled ? 'cancelled' : 'skipped';
    const failed = [...reports.values()].some((r) => r.status === 'failed');
    const status: RunReport['status'] = cancelled ? 'cancelled' : failed ? 'failed' : 'done';
    const duration = Date.now() - startedAt.getTime();
    // Object.fromEntries defines own properties, so even a "__proto__" id is an ordinary key of run.json.
    const runReport: RunReport = { runId, graphName: graph.name, status, startedAt: startedAt.toISOString(), duration, nodes: Object.fromEntries(reports) };
    await cache.close().catch(() => undefined);
    await ownPool?.close().catch(() => undefined);
    try {
      await claim.write(runReport, true);
    } catch (err) {
      console.error(`could not write ${path.join(outDir, 'run.json')}: ${(err as Error).message}`);
    } finally {
      claim.release();
    }
    if (cancelled) log.emit({ type: 'run.cancelled', duration });
    else log.emit({ type: 'run.finished', status: failed ? 'failed' : 'done', duration });
    return runReport;
  };

  return {
    id: runId,
    subscribe: (fromSeq, listener) => log.subscribe(fromSeq, listener),
    events: () => log.events(),
    cancel: () => controller.abort(),
    done: main(),
  };
}
