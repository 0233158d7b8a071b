/** Shapes of the runner's HTTP answers that are not graphs, events or the catalogue. */
import type { Graph } from './graph.ts';
import type { RunReport, RunStatus } from './events.ts';
import type { NodeRunState } from './runFold.ts';

/** GET /api/examples */
export interface ExampleInfo {
  file: string;
  name: string;
  description?: string;
}

/** GET /api/files?path= */
export interface FileEntry {
  name: string;
  type: 'file' | 'dir';
  size?: number;
}

/** A node of GET /api/runs/:id: the folded events, then the report's outputs and files once the run ends. */
export interface RunNodeInfo extends NodeRunState {
  outputs?: Record<string, unknown>;
  files?: string[];
}

/** GET /api/runs/:id */
export interface RunInfo {
  runId: string;
  graphName: string;
  startedAt: string;
  status: RunStatus;
  graph: Graph | null;
  report: RunReport | null;
  nodes: Record<string, RunNodeInfo>;
}

/** Every failed request: the code is one of ERROR_CODES (kind "http"), the message a sentence for people. */
export interface ErrorBody {
  error: { code: string; message: string };
}
