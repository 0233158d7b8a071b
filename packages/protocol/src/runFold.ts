/**
 * The one fold of a run's events into per-node state, used by the server (GET /api/runs/:id), the CLI's
 * progress display and the editor. Pure: returns a new state, never changes the one it is given.
 */
import type { NodeFailure, NodeStatus, Progress, RunEvent, RunStatus } from './events.ts';

export interface NodeRunState {
  status: NodeStatus;
  progress?: Progress;
  /** Milliseconds, when done. */
  duration?: number;
  summary?: Record<string, unknown>;
  error?: NodeFailure;
  /** The latest warning (e.g. a damaged cache entry recomputed); the node went on. */
  warning?: string;
}

export interface RunState {
  runId: string;
  graphName: string;
  status: RunStatus;
  nodes: Record<string, NodeRunState>;
  /** The last event applied (-1: none); events at or below it are replays and are ignored. */
  lastSeq: number;
  duration?: number;
}

export function initialRunState(runId: string, nodeIds: string[] = []): RunState {
  return {
    runId,
    graphName: '',
    status: 'running',
    nodes: Object.assign(nodeTable(), Object.fromEntries(nodeIds.map((id) => [id, { status: 'queued' }]))),
    lastSeq: -1,
  };
}

/** Keyed by node id: prototype-less, so no id (e.g. "__proto__") reaches Object.prototype. */
function nodeTable(): Record<string, NodeRunState> {
  return Object.create(null) as Record<string, NodeRunState>;
}

const unfinished = (n: NodeRunState): boolean => n.status === 'queued' || n.status === 'running';

/** Applies one event; an event of another run, or one already applied (a replay), returns `state` itself. */
export function applyEvent(state: RunState, event: RunEvent): RunState {
  if (event.runId !== state.runId || event.seq <= state.lastSeq) return state;
  const s: RunState = { ...state, nodes: Object.assign(nodeTable(), state.nodes), lastSeq: event.seq };
  const set = (id: string, patch: Partial<NodeRunState>): void => {
    const next: NodeRunState = { ...(Object.hasOwn(s.nodes, id) ? s.nodes[id] : { status: 'queued' }), ...patch };
    for (const k of Object.keys(patch) as (keyof NodeRunState)[]) if (patch[k] === undefined) delete next[k];
    s.nodes[id] = next;
  };
  switch (event.type) {
    case 'run.started':
      s.graphName = event.graphName || s.graphName;
      for (const id of event.nodes) if (!Object.hasOwn(s.nodes, id)) s.nodes[id] = { status: 'queued' };
      break;
    case 'node.started':
      set(event.nodeId, { status: 'running', progress: undefined, error: undefined });
      break;
    case 'node.progress':
      set(event.nodeId, { status: 'running', progress: { done: event.done, total: event.total, unit: event.unit, eta: event.eta } });
      break;
    case 'node.cached':
      set(event.nodeId, { status: 'cached', progress: undefined, ...(event.summary ? { summary: event.summary } : {}) });
      break;
    case 'node.finished':
      set(event.nodeId, {
        status: 'done',
        progress: undefined,
        duration: event.duration,
        ...(event.summary ? { summary: event.summary } : {}),
      });
      break;
    case 'node.failed':
      set(event.nodeId, {
        status: 'failed',
        progress: undefined,
        error: { message: event.message, ...(event.details ? { details: event.details } : {}) },
      });
      break;
    case 'node.warning':
      set(event.nodeId, { warning: event.message });
      break;
    case 'run.finished':
    case 'run.cancelled': {
      s.status = event.type === 'run.cancelled' ? 'cancelled' : event.status;
      s.duration = event.duration;
      // Nodes that never ran: skipped after a failure, cancelled with the run.
      const end: NodeStatus = event.type === 'run.cancelled' ? 'cancelled' : 'skipped';
      for (const [id, n] of Object.entries(s.nodes)) if (unfinished(n)) s.nodes[id] = { ...n, status: end };
      break;
    }
  }
  return s;
}

/** The state after `events` (of run `runId`; others are ignored). */
export function foldEvents(runId: string, events: Iterable<RunEvent>, nodeIds: string[] = []): RunState {
  let s = initialRunState(runId, nodeIds);
  for (const e of events) s = applyEvent(s, e);
  return s;
}
