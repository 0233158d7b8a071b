/** Shapes of the runner's HTTP/WS API as the editor sees them (see apps/runner/src/engine/types.ts). */
export type { Graph, GraphNode, GraphLink, Problem, RunEvent, NodeStatus, RunReport, NodeReport } from '../../../runner/src/engine/types.ts';
import type { Graph, NodeStatus, RunReport } from '../../../runner/src/engine/types.ts';

export interface SocketInfo {
  type: string;
  label?: string;
  description?: string;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
}

export interface CatalogEntry {
  type: string;
  version: number;
  category: string;
  label: string;
  description: string;
  inputs: Record<string, SocketInfo>;
  outputs: Record<string, SocketInfo>;
  params: JsonSchema;
  pathParams: string[];
}

export interface ExampleInfo {
  file: string;
  name: string;
  description?: string;
}

export interface RunNodeState {
  status: NodeStatus;
  summary?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: { message: string; details?: Record<string, unknown> };
  files?: string[];
}

export interface RunInfo {
  runId: string;
  status: string;
  graph: Graph;
  report: RunReport | null;
  nodes: Record<string, RunNodeState>;
}

export interface FileEntry {
  name: string;
  type: 'file' | 'dir';
  size?: number;
}
