/** The shared graph file format `sentiflow/graph@1`: its zod schema, and the types derived from it. */
import { z } from 'zod';

export const GRAPH_SCHEMA_ID = 'sentiflow/graph@1';

/**
 * Ids that name built-in members of every JavaScript object. Refused so that no id can reach a prototype
 * when some code (ours, a plugin's, the editor's) keys a plain object by node id.
 */
const RESERVED_IDS = new Set([
  '__proto__',
  'prototype',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

export function isReservedName(name: string): boolean {
  return RESERVED_IDS.has(name);
}

const nodeId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'node ids may only contain letters, digits, "_", "." and "-", and must not start with "." or "-"')
  .refine((id) => id !== 'run.json', 'node id "run.json" is reserved')
  .refine((id) => !isReservedName(id), {
    message: 'this id is a reserved name (a built-in property of JavaScript objects); rename the node',
    params: { code: 'reserved-id' },
  });

export const graphNodeSchema = z.strictObject({
  id: nodeId,
  type: z.string().min(1),
  version: z.number().int().min(1),
  label: z.string().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
});

export const graphLinkSchema = z.strictObject({
  from: z.strictObject({ node: z.string().min(1), output: z.string().min(1) }),
  to: z.strictObject({ node: z.string().min(1), input: z.string().min(1) }),
});

export const graphSchema = z.strictObject({
  schema: z.literal(GRAPH_SCHEMA_ID),
  name: z.string(),
  description: z.string().optional(),
  nodes: z.array(graphNodeSchema),
  links: z.array(graphLinkSchema).default([]),
});

/** A graph as written in a file (params and links may be left out). */
export type GraphInput = z.input<typeof graphSchema>;
export type Graph = z.output<typeof graphSchema>;
export type GraphNode = z.output<typeof graphNodeSchema>;
export type GraphLink = z.output<typeof graphLinkSchema>;

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

/**
 * "Load Sentinel-2 (load19): choose a folder (dir)" when the problem knows the node's label, else
 * "node <id>, param <path>: message". The param is not repeated when the message already names it.
 */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(p.nodeLabel ? `${p.nodeLabel} (${p.nodeId})` : `node ${p.nodeId}`);
  let message = p.message;
  if (p.param && message.startsWith(`${p.param}: `)) message = message.slice(p.param.length + 2);
  const named = p.param !== undefined && (message.includes(`(${p.param})`) || message.includes(p.param.split('.')[0]));
  if (p.param && !named) where.push(`param ${p.param}`);
  if (p.link !== undefined && p.nodeId === undefined) where.push(`link ${p.link}`);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}
