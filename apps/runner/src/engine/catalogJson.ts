/**
 * The catalogue as JSON (GET /api/catalog, `sentiflow nodes`): sockets with what they present, and the JSON
 * Schema of params, which carries each param's `.meta()` presentation (unit, widget, …) through z.toJSONSchema.
 */
import { z } from 'zod';
import type { JsonSchema, NodeTypeJson, SocketJson } from '@sentiflow/protocol';
import type { AnyNodeDefinition, SocketSpec } from '@sentiflow/nodes/define.ts';

export type { NodeTypeJson, SocketJson } from '@sentiflow/protocol';

function sockets(specs: Record<string, SocketSpec>): Record<string, SocketJson> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type, label: s.label ?? name, description: s.description ?? '', ...(s.names ? { names: s.names } : {}), ...(s.preview ? { preview: s.preview } : {}) },
    ]),
  );
}

export function nodeTypeJson(def: AnyNodeDefinition): NodeTypeJson {
  return {
    type: def.type,
    version: def.version,
    category: def.category,
    label: def.label,
    description: def.description,
    inputs: sockets(def.inputs),
    outputs: sockets(def.outputs),
    params: z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
    pathParams: def.pathParams ?? [],
  };
}

export function catalogJson(catalog: AnyNodeDefinition[]): NodeTypeJson[] {
  return catalog.map(nodeTypeJson);
}
