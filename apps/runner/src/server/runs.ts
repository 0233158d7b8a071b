/**
 * The server's runs: starts them on the shared pool and cache, keeps each run's node states up to date from
 * its events, and lists finished runs found in the out root (run.json) after a restart.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChunkPool } from '@sentiflow/nodes/define.ts';
import { applyEvent as foldEvent, type RunNodeInfo, type RunStatus } from '@sentiflow/protocol';
import type { Graph, Run, RunEvent, RunReport } from '../engine/types.ts';
import { MAX_PARAM_DEPTH, tooDeepAt } from '../engine/depth.ts';
import type { ServerDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import { saveRunGraph } from './runGraphFile.ts';

export type { RunStatus } from '@sentiflow/protocol';

/** A node of a run: the folded events (@sentiflow/protocol), then the report's outputs and files. */
export type NodeState = RunNodeInfo;

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
  /** Runs at the same time; more are refused with 429 (default 8). */
  maxConcurrentRuns?: number;
  /** Finished runs whose event logs stay in memory for replay (default 20); older ones keep only their report. */
  keepFinishedEvents?: number;
  /** Runs listed in memory at most (default 2000); the oldest finished ones are forgotten (run.json stays on disk). */
  maxRuns?: number;
}

/** Time-sortable, with 64 random bits: a run id cannot be guessed (subscriptions to unknown ids are rate-limited too). */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(8).toString('hex')}`;
}

/** Node states keyed by node id: a prototype-less object, so no id (e.g. "__proto__") reaches Object.prototype. */
function nodeStates(): Record<string, NodeState> {
  return Object.create(null) as Record<string, NodeState>;
}

/** Events arrive once each, in order (subscribe from 0), so every one is applied. */
function applyEvent(entry: RunEntry, ev: RunEvent): void {
  const next = foldEvent({ runId: entry.runId, graphName: entry.graphName, status: entry.status, nodes: entry.nodes, lastSeq: ev.seq - 1 }, ev);
  entry.graphName = next.graphName;
  entry.status = next.status;
  entry.nodes = next.nodes;
}

function applyReport(entry: RunEntry, report: RunReport): void {
  entry.report = report;
  entry.status = report.status;
  for (const [id, r] of Object.entries(report.nodes ?? {})) {
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
    const max = this.opts.maxConcurrentRuns ?? 8;
    const live = [...this.runs.values()].filter((e) => e.run && e.status === 'running').length;
    if (live >= max) {
      throw new HttpError(429, 'too-many-runs', `${live} runs are already running (the limit is ${max}); wait for one to finish or cancel one`);
    }
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
      nodes: nodeStates(),
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
    ).finally(() => {
      unsubscribe();
      this.evict();
    });
    return entry;
  }

  /** Releases event logs of all but the newest finished runs, and forgets the oldest beyond `maxRuns`. */
  private evict(): void {
    const finished = this.list().filter((e) => e.status !== 'running');
    for (const e of finished.slice(this.opts.keepFinishedEvents ?? 20)) e.run = null;
    const excess = this.runs.size - (this.opts.maxRuns ?? 2000);
    if (excess > 0) for (const e of finished.slice(-excess)) this.runs.delete(e.runId);
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
        let graph = existsSync(graphFile) ? (JSON.parse(readFileSync(graphFile, 'utf8')) as Graph) : null;
        // A hand-edited graph.json nested past what JSON.stringify can answer with: not offered, never a 500.
        if (graph && tooDeepAt(graph, MAX_PARAM_DEPTH + 8) !== null) {
          this.opts.log(`ignoring ${graphFile}: nested too deeply`);
          graph = null;
        }
        const entry: RunEntry = {
          runId: report.runId,
          graphName: report.graphName,
          graph,
          startedAt: report.startedAt,
          outDir: path.join(outRoot, name),
          status: report.status,
          report,
          nodes: nodeStates(),
          run: null,
        };
        applyReport(entry, report);
        // run.json still says "running": that run's process was killed before it finished.
        if ((report.status as string) === 'running') entry.status = 'failed';
        this.runs.set(report.runId, entry);
      } catch (err) {
        this.opts.log(`ignoring ${file}: ${(err as Error).message}`);
      }
    }
  }
}
