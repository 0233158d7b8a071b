/** Executes one node of a run: cache key, cache hit or run, meta, publishing files into `<out>/<nodeId>/`. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnyNodeDefinition, ChunkPool, NodeContext } from '@sentiflow/nodes/define.ts';
import { cacheKey, defaultFingerprint, type NodeCache } from './cache.ts';
import type { EventLog } from './events.ts';
import { copyReadOnlyAtomic } from './fsutil.ts';
import { humanizeParamIssue } from './humanize.ts';
import { migrateNode } from './migrate.ts';
import { assertNoEscapingLinks, pathValues, resolveDataPath } from './paths.ts';
import type { GraphNode } from './types.ts';

export interface NodeOutcome {
  status: 'done' | 'cached' | 'failed' | 'cancelled';
  key?: string;
  duration: number | null;
  outputs?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  /** Relative to the out dir. */
  files: string[];
  error?: { message: string; details?: Record<string, unknown> };
}

export interface NodeJob {
  node: GraphNode;
  def: AnyNodeDefinition;
  /** inputName → { key, value } of the upstream output feeding it. */
  inputs: Record<string, { key: string; value: unknown }>;
  dataRoot: string;
  outDir: string;
  cache: NodeCache;
  log: EventLog;
  pool: ChunkPool;
  /** Default priority of this node's chunk tasks (its place in the graph's order). */
  priority: number;
  signal: AbortSignal;
}

/** Replaces `<out>/<nodeId>/` with read-only copies of the entry's files (built in a temporary dir, then renamed). */
async function publish(outDir: string, nodeId: string, entryDir: string, files: string[]): Promise<string[]> {
  const target = path.join(outDir, nodeId);
  if (files.length === 0) {
    await fs.rm(target, { recursive: true, force: true });
    return [];
  }
  const tmp = path.join(outDir, `.${nodeId}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    for (const f of files) await copyReadOnlyAtomic(path.join(entryDir, f), path.join(tmp, f));
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return files.map((f) => path.posix.join(nodeId, f.split(path.sep).join('/')));
}

function errorDetails(err: unknown): Record<string, unknown> {
  const e = err as { details?: Record<string, unknown>; stack?: string; code?: unknown; name?: string };
  const details: Record<string, unknown> = {};
  if (e && typeof e.details === 'object' && e.details) {
    for (const k of ['param', 'file', 'code']) if (e.details[k] !== undefined) details[k] = e.details[k];
  }
  if (details.code === undefined && typeof e?.code === 'string') details.code = e.code;
  // A stack names the server's files and reaches every client (events, run.json): only when debugging.
  if (process.env.SENTIFLOW_DEBUG && e?.name !== 'NodeError' && typeof e?.stack === 'string') details.stack = e.stack;
  else if (e?.name !== 'NodeError') details.internal = true;
  return details;
}

export async function runNode(job: NodeJob): Promise<NodeOutcome> {
  const { node, def, log, cache, signal } = job;
  const nodeId = node.id;
  const resolvePath = (rel: string, param: string): string => resolveDataPath(job.dataRoot, rel, param);
  let key: string | undefined;
  let started = 0;
  let ran = false;
  let release: (() => void) | undefined;
  try {
    const migrated = migrateNode(node, def);
    if (migrated.problem) throw Object.assign(new Error(migrated.problem.message), { details: { code: migrated.problem.code } });
    const parsed = def.params.safeParse(migrated.node.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.map(String).join('.');
      const message = humanizeParamIssue(issue, migrated.node.params, { pathParams: def.pathParams ?? [], description: def.params.shape[String(issue.path[0])]?.description });
      throw Object.assign(new Error(message), { name: 'NodeError', details: { param, code: 'param-invalid' } });
    }
    const params = parsed.data as Record<string, unknown>;
    for (const name of def.pathParams ?? []) for (const rel of pathValues(params[name])) assertNoEscapingLinks(job.dataRoot, rel, name);
    const fingerprint = def.fingerprint
      ? await def.fingerprint(params as never, { dataRoot: job.dataRoot, resolvePath })
      : await defaultFingerprint(def, params, job.dataRoot);
    const inputKeys = Object.fromEntries(Object.entries(job.inputs).map(([name, i]) => [name, i.key]));
    key = cacheKey({ type: def.type, version: def.version, params, inputs: inputKeys, fingerprint });

    release = await cache.lock(key, nodeId, signal);
    const hit = await cache.lookup(key, (why) =>
      log.emit({ type: 'node.warning', nodeId, message: `cached result discarded and recomputed: ${why}`, details: { code: 'cache-entry-invalid' } }),
    );
    if (hit) {
      const files = await publish(job.outDir, nodeId, cache.entryDir(key, nodeId), hit.files);
      log.emit({ type: 'node.cached', nodeId, ...(hit.summary ? { summary: hit.summary } : {}) });
      return { status: 'cached', key, duration: null, outputs: hit.outputs, summary: hit.summary, files };
    }
    if (signal.aborted) return { status: 'cancelled', key, duration: null, files: [] };

    const workDir = await cache.prepare(key, nodeId);
    ran = true;
    started = Date.now();
    log.nodeStarted(nodeId);
    log.emit({ type: 'node.started', nodeId });
    const ctx: NodeContext = {
      nodeId,
      dataRoot: job.dataRoot,
      workDir,
      signal,
      pool: { size: job.pool.size, run: (task, payload, sig, priority) => job.pool.run(task, payload, sig, priority ?? job.priority) },
      progress: (done, total, unit) => {
        if (!signal.aborted) log.progress(nodeId, done, total, unit);
      },
      resolvePath,
    };
    const inputValues = Object.fromEntries(Object.entries(job.inputs).map(([name, i]) => [name, i.value]));
    const result = await def.run(ctx, inputValues as never, params as never);
    signal.throwIfAborted();
    const meta = await cache.commit(key, nodeId, {
      type: def.type,
      version: def.version,
      outputs: result.outputs as Record<string, unknown>,
      summary: result.summary,
      files: result.files ?? [],
    });
    const files = await publish(job.outDir, nodeId, workDir, meta.files);
    const duration = Date.now() - started;
    log.flushProgress(nodeId);
    log.emit({ type: 'node.finished', nodeId, duration, ...(meta.summary ? { summary: meta.summary } : {}) });
    return { status: 'done', key, duration, outputs: meta.outputs, summary: meta.summary, files };
  } catch (err) {
    if (ran && key) await cache.discard(key, nodeId).catch(() => undefined);
    const duration = started ? Date.now() - started : null;
    // Outputs of an earlier run of this node would not match run.json any more.
    await fs.rm(path.join(job.outDir, nodeId), { recursive: true, force: true }).catch(() => undefined);
    if (signal.aborted) return { status: 'cancelled', key, duration, files: [] };
    const message = err instanceof Error ? err.message : String(err);
    const details = errorDetails(err);
    log.emit({ type: 'node.failed', nodeId, message, details });
    return { status: 'failed', key, duration, files: [], error: { message, details } };
  } finally {
    release?.();
  }
}
