/**
 * The engine's public contract, used by the CLI and the server. The engine knows nothing about
 * Sentinel-2: it sees node definitions from @sentiflow/nodes' catalogue only.
 */

// The wire types live in @sentiflow/protocol; re-exported here so engine, CLI and server imports keep working.
export type { Graph, GraphLink, GraphNode, NodeReport, NodeStatus, Problem, RunEvent, RunReport } from '@sentiflow/protocol';
import type { RunEvent, RunReport } from '@sentiflow/protocol';

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
