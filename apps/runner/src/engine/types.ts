/**
 * The engine's public contract, used by the CLI and the server. The engine knows nothing about
 * Sentinel-2: it sees node definitions from @sentiflow/nodes' catalogue only.
 */

export interface GraphNode {
  id: string;
  type: string;
  version: number;
  label?: string;
  params: Record<string, unknown>;
  position?: { x: number; y: number };
}

export interface GraphLink {
  from: { node: string; output: string };
  to: { node: string; input: string };
}

export interface Graph {
  schema: 'sentiflow/graph@1';
  name: string;
  description?: string;
  nodes: GraphNode[];
  links: GraphLink[];
}

/** One validation problem. `nodeId` and `param` (a dotted path, e.g. "reducers.2") say where. */
export interface Problem {
  code: string;
  message: string;
  nodeId?: string;
  /** The node's label (or its type's), so messages can say "Load Sentinel-2 (load19)". */
  nodeLabel?: string;
  param?: string;
  link?: number;
}

export type NodeStatus = 'queued' | 'running' | 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';

interface EventBase {
  runId: string;
  seq: number;
  time: string;
}

export type RunEvent = EventBase &
  (
    | { type: 'run.started'; graphName: string; nodes: string[] }
    | { type: 'node.started'; nodeId: string }
    | { type: 'node.progress'; nodeId: string; done: number; total: number; unit: string; eta: number | null }
    | { type: 'node.cached'; nodeId: string; summary?: Record<string, unknown> }
    | { type: 'node.finished'; nodeId: string; duration: number; summary?: Record<string, unknown> }
    | { type: 'node.failed'; nodeId: string; message: string; details?: Record<string, unknown> }
    /** Something the user should know that did not stop the node (e.g. a damaged cache entry recomputed). */
    | { type: 'node.warning'; nodeId: string; message: string; details?: Record<string, unknown> }
    | { type: 'run.finished'; status: 'done' | 'failed'; duration: number }
    | { type: 'run.cancelled'; duration: number }
  );

export interface NodeReport {
  type: string;
  status: NodeStatus;
  duration: number | null;
  summary?: Record<string, unknown>;
  /** Output files, relative to the run's out dir, e.g. "classify19/classes.tif". */
  files: string[];
  /** Socket values (JSON) of the node's outputs when done or cached. */
  outputs?: Record<string, unknown>;
  error?: { message: string; details?: Record<string, unknown> };
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

export interface RunOptions {
  dataRoot: string;
  outDir: string;
  /** Persistent cache directory; null disables the cache. */
  cacheDir: string | null;
  /** Only run this node and its ancestors. */
  upTo?: string;
  /** Worker threads for chunk tasks (default: CPU count). */
  workers?: number;
  /** Run id to use (default: a random UUID). */
  runId?: string;
}

export interface Run {
  id: string;
  /** Subscribe from a sequence number (replays what is already logged). Returns an unsubscribe function. */
  subscribe(fromSeq: number, listener: (event: RunEvent) => void): () => void;
  events(): RunEvent[];
  cancel(): void;
  done: Promise<RunReport>;
}
