/**
 * A run's claim on its output folder. Before a run touches `<out>/` it checks that no other live run holds
 * it and that it is a Sentiflow run folder (new, empty, or with a run.json), then writes run.json with
 * status "running", its pid and host; run.json is rewritten as nodes finish and a last time at the end. A
 * run killed at any point so leaves a folder whose run.json says "running" (with a dead pid) and lists what
 * had finished: never "done" over a mix of old and new files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { processAlive, writeFileAtomic } from './fsutil.ts';
import type { RunReport } from './types.ts';

/** run.json while a run is under way. */
export type RunningState = Omit<RunReport, 'status'> & { status: 'running'; pid: number; host: string };

/** Out dirs of live runs of this process. */
const claimed = new Map<string, string>();

/** Why `outDir` cannot be used by a new run, or null (synchronous: createRun refuses before it starts). */
export function outDirRefusal(outDir: string): string | null {
  const holder = claimed.get(outDir);
  if (holder) return `output folder ${outDir} is in use by run ${holder}, still running in this process; wait for it or choose another output folder`;
  if (!existsSync(outDir)) return null;
  const file = path.join(outDir, 'run.json');
  if (!existsSync(file)) {
    let entries: string[];
    try {
      entries = readdirSync(outDir);
    } catch {
      return `output folder ${outDir} is not a readable folder`;
    }
    // Publishing replaces <out>/<nodeId>/: never do that in a folder of someone's own files.
    if (entries.length === 0) return null;
    return `output folder ${outDir} is not empty and has no run.json, so it is not a Sentiflow run folder; choose a new or empty folder`;
  }
  let state: Partial<RunningState>;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningState>;
  } catch {
    return null; // a damaged run.json of an earlier run: replaced
  }
  if (state.status !== 'running') return null;
  if (state.host !== undefined && state.host !== hostname()) {
    return `output folder ${outDir} is in use by run ${state.runId} on host ${state.host}; choose another output folder (or delete its run.json if that run is gone)`;
  }
  if (typeof state.pid === 'number' && state.pid !== process.pid && processAlive(state.pid)) {
    return `output folder ${outDir} is in use by run ${state.runId} (process ${state.pid}), still running; wait for it or choose another output folder`;
  }
  return null; // a run that was killed: its leftovers are replaced
}

export interface OutDirClaim {
  /** Writes run.json (status "running" until `final`), serialised so that the last write wins. */
  write(report: RunReport | Omit<RunReport, 'status'>, final?: boolean): Promise<void>;
  release(): void;
}

export function claimOutDir(outDir: string, runId: string): OutDirClaim {
  const why = outDirRefusal(outDir);
  if (why) throw new Error(why);
  claimed.set(outDir, runId);
  let chain: Promise<void> = Promise.resolve();
  let finished = false;
  return {
    write(report, final = false) {
      if (finished) return chain;
      if (final) finished = true;
      const state = final ? report : { ...report, status: 'running', pid: process.pid, host: hostname() };
      const text = JSON.stringify(state, null, 2) + '\n';
      chain = chain.catch(() => undefined).then(() => writeFileAtomic(path.join(outDir, 'run.json'), text));
      return chain;
    },
    release() {
      if (claimed.get(outDir) === runId) claimed.delete(outDir);
    },
  };
}
