/** Shapes of the runner's HTTP answers that are not graphs, events or the catalogue. */
import type { Graph } from './graph.ts';
import type { RunReport, RunStatus } from './events.ts';
import type { NodeRunState } from './runFold.ts';
import type { GraphChange, Headline } from './runFacts.ts';

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

/** PUT /api/runs/:id/notes: a run's name and annotation (stored in its output folder). */
export interface RunNotes {
  name: string;
  note: string;
}

/** GET /api/history: one run, newest first. */
export interface HistoryItem {
  runId: string;
  graphName: string;
  status: string;
  startedAt: string;
  /** Milliseconds, null while running. */
  duration: number | null;
  name: string;
  note: string;
  headline: Headline;
  /** Run of the same graph name just before this one, and what changed in the graph since. */
  previousRunId: string | null;
  changes: GraphChange[];
  /** Suffixes of variant copies in the graph ("_v2" when node "agg19_v2" copies "agg19"). */
  variants: string[];
  outDir: string;
}

/** `GET /api/runs/:id/nodes/:node/pixel?x&y`: the values of a map's pixel. */
export interface PixelValue {
  label: string;
  value: number | null;
  /** Readable form, e.g. a class name or a transition "<before> → <after>". */
  text?: string;
}

export interface PixelAnswer {
  x: number;
  y: number;
  /** Centre of the pixel in the grid's CRS (metres for UTM). */
  easting: number;
  northing: number;
  crs: string;
  values: PixelValue[];
}

/** `GET /api/basemap`: whether an XYZ basemap is configured and reachable (the tile URL itself is never sent). */
export interface BasemapStatus {
  enabled: boolean;
  host?: string;
  attribution?: string;
  /** null until a tile was asked for. */
  reachable?: boolean | null;
  reason?: string;
}
