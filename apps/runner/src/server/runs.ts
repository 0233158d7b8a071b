/**
 * The server's runs: starts them on the shared pool and cache, keeps each run's node states up to date from
 * its events, and lists finished runs found in the out root (run.json) after a restart.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChunkPool } from '@sentiflow/nodes/define.ts';
import type { Graph, NodeStatus, Run, RunEvent, RunReport } from '../engine/types.ts';
import type { ServerDeps } from './deps.ts';
import { saveRunGraph } from './history.ts';

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface NodeState {
  status: NodeStatus;
  summary?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: { message: string; details?: Record<string, unknown> };
  progress?: { done: number; total: number; unit: string; eta: number | null };
  files?: string[];
}

export interface RunEntry {
  runId: string;
  graphName: string;
  graph: Graph | null;
  startedAt: string;
  outDir: string;
  status: RunStatus;
  report: RunReport | null;
  nodes: Record<string, NodeState>;
  /** The live run; null for a run loaded from disk. */
  run: Run | null;
}

export interface RunRegistryOptions {
  dataRoot: string;
  outRoot: string;
  cacheDir: string | null;
  deps: ServerDeps;
  getPool(): ChunkPool;
  log(msg: string): void;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function applyEvent(entry: RunEntry, ev: RunEvent): void {
  const node = (id: string): NodeState => (entry.nodes[id] ??= { status: 'queued' });
  switch (ev.type) {
    case 'run.started':
      entry.graphName = ev.graphName || entry.graphName;
      for (const id of ev.nodes) node(id);
      break;
    case 'node.started':
      node(ev.nodeId).status = 'running';
      break;
    case 'node.progress':
      Object.assign(node(ev.nodeId), { status: 'running', progress: { done: ev.done, total: ev.total, unit: ev.unit, eta: ev.eta } });
      break;
    case 'node.cached':
      Object.assign(node(ev.nodeId), { status: 'cached', ...(ev.summary ? { summary: ev.summary } : {}) });
      break;
    case 'node.finished':
      Object.assign(node(ev.nodeId), { status: 'done', ...(ev.summary ? { summary: ev.summary } : {}) });
      break;
    case 'node.failed':
      Object.assign(node(ev.nodeId), { status: 'failed', error: { message: ev.message, ...(ev.details ? { details: ev.details } : {}) } });
      break;
    case 'run.finished':
      entry.status = ev.status;
      break;
    case 'run.cancelled':
      entry.status = 'cancelled';
      break;
  }
}

function applyReport(entry: RunEntry, report: RunReport): void {
  entry.report = report;
  entry.status = report.status;
  for (const [id, r] of Object.entries(report.nodes)) {
    entry.nodes[id] = {
      status: r.status,
      ...(r.summary ? { summary: r.summary } : {}),
      ...(r.outputs ? { outputs: r.outputs } : {}),
      ...(r.error ? { error: r.error } : {}),
      files: r.files,
    };
  }
}

export class RunRegistry {
  private readonly runs = new Map<string, RunEntry>();

  constructor(private readonly opts: RunRegistryOptions) {
    this.loadFinished();
  }

  /** Starts a validated graph; throws when the engine refuses it (e.g. an unknown `upTo`). */
  start(graph: Graph, upTo?: string): RunEntry {
    const { deps, dataRoot, outRoot, cacheDir } = this.opts;
    const runId = newRunId();
    const outDir = path.join(outRoot, runId);
    const run = deps.createRun(graph, deps.catalog, { dataRoot, outDir, cacheDir, upTo, runId, pool: this.opts.getPool() });
    const entry: RunEntry = {
      runId: run.id,
      graphName: graph.name,
      graph,
      startedAt: new Date().toISOString(),
      outDir,
      status: 'running',
      report: null,
      nodes: {},
      run,
    };
    this.runs.set(run.id, entry);
    saveRunGraph(outDir, graph, this.opts.log);
    const unsubscribe = run.subscribe(0, (ev) => applyEvent(entry, ev));
    run.done.then(
      (report) => applyReport(entry, report),
      (err: unknown) => {
        entry.status = 'failed';
        this.opts.log(`run ${run.id} failed: ${(err as Error)?.stack ?? String(err)}`);
      },
    ).finally(unsubscribe);
    return entry;
  }

  get(runId: string): RunEntry | undefined {
    return this.runs.get(runId);
  }

  list(): RunEntry[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Cancels every live run and waits for them to settle (server shutdown). */
  async cancelAll(): Promise<void> {
    const live = this.list().filter((e) => e.run && e.status === 'running');
    for (const e of live) e.run!.cancel();
    await Promise.allSettled(live.map((e) => e.run!.done));
  }

  /** Finished runs of earlier sessions: `<outRoot>/<runId>/run.json`. */
  private loadFinished(): void {
    const { outRoot } = this.opts;
    if (!existsSync(outRoot)) return;
    for (const name of readdirSync(outRoot)) {
      const file = path.join(outRoot, name, 'run.json');
      if (!existsSync(file)) continue;
      try {
        const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
        if (typeof report.runId !== 'string' || typeof report.nodes !== 'object') continue;
        const graphFile = path.join(outRoot, name, 'graph.json');
        const graph = existsSync(graphFile) ? (JSON.parse(readFileSync(graphFile, 'utf8')) as Graph) : null;
        const entry: RunEntry = {
          runId: report.runId,
          graphName: report.graphName,
          graph,
          startedAt: report.startedAt,
          outDir: path.join(outRoot, name),
          status: report.status,
          report,
          nodes: {},
          run: null,
        };
        applyReport(entry, report);
        this.runs.set(report.runId, entry);
      } catch (err) {
        this.opts.log(`ignoring ${file}: ${(err as Error).message}`);
      }
    }
  }
}
