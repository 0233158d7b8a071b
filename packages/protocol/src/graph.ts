/** The shared graph file format `sentiflow/graph@1`: its zod schema, and the types derived from it. */
import { z } from 'zod';

export const GRAPH_SCHEMA_ID = 'sentiflow/graph@1';

const nodeId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'node ids may only contain letters, digits, "_", "." and "-", and must not start with "." or "-"')
  .refine((id) => id !== 'run.json', 'node id "run.json" is reserved');

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
  param?: string;
  link?: number;
}

/** "node <id>, param <path>: message" (the param prefix is not repeated if the message starts with it). */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(`node ${p.nodeId}`);
  if (p.param) where.push(`param ${p.param}`);
  if (p.link !== undefined && p.nodeId === undefined) where.push(`link ${p.link}`);
  let message = p.message;
  if (p.param && message.startsWith(`${p.param}: `)) message = message.slice(p.param.length + 2);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}
