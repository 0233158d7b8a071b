/** The node catalogue as JSON (GET /api/catalog, `sentiflow nodes --json`): sockets and the JSON Schema of params. */
import type { ParamMeta, SocketPresentation } from './presentation.ts';

/**
 * The part of JSON Schema that zod's `z.toJSONSchema` writes for our params and the editor reads, with the
 * presentation each node declares by `.meta()` (unit, widget, names, showWhen).
 */
export interface JsonSchema extends ParamMeta {
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

export interface SocketJson extends SocketPresentation {
  type: string;
  label: string;
  description: string;
}

export interface NodeTypeJson {
  type: string;
  version: number;
  category: string;
  label: string;
  description: string;
  inputs: Record<string, SocketJson>;
  outputs: Record<string, SocketJson>;
  params: JsonSchema;
  pathParams: string[];
}
