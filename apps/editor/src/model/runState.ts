/** Folds the runner's event stream into per-node status for the editor. Pure reducer. */
import type { NodeStatus, RunEvent } from '../api/types.ts';

export interface NodeRunState {
  status: NodeStatus;
  progress?: { done: number; total: number; unit: string; eta: number | null };
  duration?: number;
  message?: string;
  summary?: Record<string, unknown>;
}

export interface RunState {
  runId: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  nodes: Record<string, NodeRunState>;
  lastSeq: number;
  duration?: number;
}

export function initialRunState(runId: string): RunState {
  return { runId, status: 'running', nodes: {}, lastSeq: -1 };
}

export function applyEvent(state: RunState, event: RunEvent): RunState {
  if (event.runId !== state.runId || event.seq <= state.lastSeq) return state;
  const s: RunState = { ...state, nodes: { ...state.nodes }, lastSeq: event.seq };
  const set = (id: string, patch: Partial<NodeRunState>) => {
    s.nodes[id] = { ...(s.nodes[id] ?? { status: 'queued' }), ...patch };
  };
  switch (event.type) {
    case 'run.started':
      for (const id of event.nodes) s.nodes[id] = { status: 'queued' };
      break;
    case 'node.started':
      set(event.nodeId, { status: 'running', progress: undefined, message: undefined });
      break;
    case 'node.progress':
      set(event.nodeId, { status: 'running', progress: { done: event.done, total: event.total, unit: event.unit, eta: event.eta } });
      break;
    case 'node.cached':
      set(event.nodeId, { status: 'cached', progress: undefined, summary: event.summary });
      break;
    case 'node.finished':
      set(event.nodeId, { status: 'done', progress: undefined, duration: event.duration, summary: event.summary });
      break;
    case 'node.failed':
      set(event.nodeId, { status: 'failed', progress: undefined, message: event.message });
      break;
    case 'run.finished':
      s.status = event.status;
      s.duration = event.duration;
      for (const [id, n] of Object.entries(s.nodes)) if (n.status === 'queued' || n.status === 'running') s.nodes[id] = { ...n, status: 'skipped' };
      break;
    case 'run.cancelled':
      s.status = 'cancelled';
      s.duration = event.duration;
      for (const [id, n] of Object.entries(s.nodes)) if (n.status === 'queued' || n.status === 'running') s.nodes[id] = { ...n, status: 'cancelled' };
      break;
  }
  return s;
}

export function hasResult(n: NodeRunState | undefined): boolean {
  return n?.status === 'done' || n?.status === 'cached';
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return '<1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
