/**
 * The event log of one run: sequence numbers from 1, ISO times, replay-then-follow subscriptions, and
 * throttled progress (at most ~5 events/s per node, the final one always) with an ETA from the rate so far.
 */
import type { RunEvent } from './types.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RunEventInput = DistributiveOmit<RunEvent, 'runId' | 'seq' | 'time'>;
type Listener = (event: RunEvent) => void;

export interface EventLog {
  emit(event: RunEventInput): RunEvent;
  subscribe(fromSeq: number, listener: Listener): () => void;
  events(): RunEvent[];
  /** Marks a node as started (the ETA is measured from here). */
  nodeStarted(nodeId: string): void;
  progress(nodeId: string, done: number, total: number, unit: string): void;
  /** Emits a held-back progress event of the node, if any (call before node.finished). */
  flushProgress(nodeId: string): void;
}

interface ProgressState {
  start: number;
  lastEmit: number;
  pending: { done: number; total: number; unit: string; eta: number | null } | null;
}

export function createEventLog(runId: string, options: { minIntervalMs?: number; now?: () => number } = {}): EventLog {
  const minInterval = options.minIntervalMs ?? 200;
  const now = options.now ?? (() => Date.now());
  const log: RunEvent[] = [];
  const listeners = new Set<Listener>();
  const progress = new Map<string, ProgressState>();

  const deliver = (listener: Listener, event: RunEvent): void => {
    try {
      listener(event);
    } catch (err) {
      // A failing subscriber must not break the run.
      console.error(`event listener failed: ${(err as Error).message}`);
    }
  };

  const emit = (event: RunEventInput): RunEvent => {
    const full = { ...event, runId, seq: log.length + 1, time: new Date().toISOString() } as RunEvent;
    log.push(full);
    for (const l of [...listeners]) deliver(l, full);
    return full;
  };

  const state = (nodeId: string): ProgressState => {
    let s = progress.get(nodeId);
    if (!s) {
      s = { start: now(), lastEmit: -Infinity, pending: null };
      progress.set(nodeId, s);
    }
    return s;
  };

  return {
    emit,
    subscribe(fromSeq, listener) {
      let active = true;
      for (const e of log.slice(Math.max(0, fromSeq - 1))) if (active) deliver(listener, e);
      const wrapped: Listener = (e) => active && listener(e);
      listeners.add(wrapped);
      return () => {
        active = false;
        listeners.delete(wrapped);
      };
    },
    events: () => [...log],
    nodeStarted(nodeId) {
      progress.set(nodeId, { start: now(), lastEmit: -Infinity, pending: null });
    },
    progress(nodeId, done, total, unit) {
      const s = state(nodeId);
      const t = now();
      const elapsed = (t - s.start) / 1000;
      const eta = done > 0 && total > done && elapsed > 0 ? ((total - done) * elapsed) / done : done >= total ? 0 : null;
      const p = { done, total, unit, eta: eta === null ? null : Math.round(eta * 10) / 10 };
      if (done >= total || t - s.lastEmit >= minInterval) {
        s.lastEmit = t;
        s.pending = null;
        emit({ type: 'node.progress', nodeId, ...p });
      } else s.pending = p;
    },
    flushProgress(nodeId) {
      const s = progress.get(nodeId);
      if (s?.pending) {
        const p = s.pending;
        s.pending = null;
        emit({ type: 'node.progress', nodeId, ...p });
      }
    },
  };
}
