/** What a run reports: the event stream (WebSocket, `--json`) and the final report (`<out>/run.json`). */

export type NodeStatus = 'queued' | 'running' | 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface Progress {
  done: number;
  total: number;
  unit: string;
  /** Seconds left, from the rate so far; null while unknown. */
  eta: number | null;
}

/** What a failed node says: a sentence for people, and details such as `param`, `file` and `code`. */
export interface NodeFailure {
  message: string;
  details?: Record<string, unknown>;
}

interface EventBase {
  runId: string;
  /** From 1, in order: a client that reconnects asks to replay from its last seq + 1. */
  seq: number;
  time: string;
}

export type RunEvent = EventBase &
  (
    | { type: 'run.started'; graphName: string; nodes: string[] }
    | { type: 'node.started'; nodeId: string }
    | ({ type: 'node.progress'; nodeId: string } & Progress)
    | { type: 'node.cached'; nodeId: string; summary?: Record<string, unknown> }
    | { type: 'node.finished'; nodeId: string; duration: number; summary?: Record<string, unknown> }
    | { type: 'node.failed'; nodeId: string; message: string; details?: Record<string, unknown> }
    /** Something the user should know that did not stop the node (e.g. a damaged cache entry recomputed). */
    | { type: 'node.warning'; nodeId: string; message: string; details?: Record<string, unknown> }
    | { type: 'run.finished'; status: 'done' | 'failed'; duration: number }
    | { type: 'run.cancelled'; duration: number }
  );

export type RunEventType = RunEvent['type'];

export interface NodeReport {
  type: string;
  status: NodeStatus;
  duration: number | null;
  summary?: Record<string, unknown>;
  /** Output files, relative to the run's out dir, e.g. "classify19/classes.tif". */
  files: string[];
  /** Socket values (JSON) of the node's outputs when done or cached. */
  outputs?: Record<string, unknown>;
  error?: NodeFailure;
}

/** What `<out>/run.json` holds. */
export interface RunReport {
  runId: string;
  graphName: string;
  status: 'done' | 'failed' | 'cancelled';
  startedAt: string;
  duration: number;
  nodes: Record<string, NodeReport>;
}
