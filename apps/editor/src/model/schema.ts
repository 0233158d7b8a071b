/**
 * Turns a node's JSON Schema (from zod, io:'input') into descriptions of editor controls, and computes
 * default params. Pure: the React controls only render what this module decides.
 */
import type { JsonSchema } from '../api/types.ts';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'select' | 'multiselect' | 'text' | 'expression' | 'path' | 'list' | 'object' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  label: string;
  description: string;
  unit?: string;
  schema: JsonSchema;
  min?: number;
  max?: number;
  options?: unknown[];
  required: boolean;
  defaultValue?: unknown;
}

/** Resolves `anyOf: [X, {type:'null'}]`-style wrappers zod produces for optional/nullable fields. */
export function unwrap(schema: JsonSchema): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    const nonNull = alts.filter((s) => s.type !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], description: schema.description ?? nonNull[0].description, default: schema.default ?? nonNull[0].default };
    if (nonNull.every((s) => s.const !== undefined || s.enum)) {
      return { ...schema, enum: nonNull.flatMap((s) => (s.enum ? s.enum : [s.const])) };
    }
  }
  return schema;
}

/** Units written in the description, e.g. "Cloud probability threshold (%)" or "... in km²" or "[m]". */
export function unitOf(description = ''): string | undefined {
  const m = /[([]\s*(%|km²|km2|m²|m|px|pixels|s|ms|days?|°|degrees?|DN|0\s*[–-]\s*1|0\s*[–-]\s*100)\s*[)\]]/i.exec(description);
  if (m) return m[1];
  const m2 = /\bin (km²|km2|metres|meters|pixels|percent|seconds|days)(?!\w)/i.exec(description);
  return m2?.[1];
}

function humanize(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function isExpressionName(name: string, s: JsonSchema): boolean {
  return /expression|formula/i.test(name) || /\bexpression\b/i.test(s.title ?? '');
}

export function fieldFor(name: string, raw: JsonSchema, required: boolean, pathParams: string[]): Field {
  const s = unwrap(raw);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const base = {
    name,
    label: s.title ?? humanize(name),
    description: s.description ?? '',
    unit: unitOf(s.description),
    schema: s,
    required,
    defaultValue: s.default,
  };
  if (pathParams.includes(name)) return { ...base, kind: 'path' };
  if (s.enum) return { ...base, kind: 'select', options: s.enum };
  if (type === 'number' || type === 'integer') {
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    return { ...base, kind: type, min, max };
  }
  if (type === 'boolean') return { ...base, kind: 'boolean' };
  if (type === 'string') return { ...base, kind: isExpressionName(name, s) ? 'expression' : 'text' };
  if (type === 'array' && s.items) {
    const item = unwrap(s.items);
    if (item.enum) return { ...base, kind: 'multiselect', options: item.enum };
    if (item.type === 'object' && item.properties) return { ...base, kind: 'list' };
    return { ...base, kind: 'json' };
  }
  if (type === 'object' && s.properties) return { ...base, kind: 'object' };
  return { ...base, kind: 'json' };
}

export function fieldsOf(schema: JsonSchema, pathParams: string[] = []): Field[] {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return Object.entries(props).map(([name, s]) => fieldFor(name, s, required.has(name), pathParams));
}

/** Default params: each property's default (recursively for objects). Properties without defaults are left out. */
export function defaultParams(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const s = unwrap(raw);
    if (s.default !== undefined) out[name] = structuredClone(s.default);
    else if (s.type === 'object' && s.properties) {
      const inner = defaultParams(s);
      if (Object.keys(inner).length) out[name] = inner;
    }
  }
  return out;
}

/** A quick local check of one value against its field (the runner's validation remains the authority). */
export function checkValue(field: Field, value: unknown): string | null {
  if (value === undefined || value === '') return field.required && field.defaultValue === undefined ? 'required' : null;
  if (field.kind === 'number' || field.kind === 'integer') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    if (field.kind === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
    const s = field.schema;
    if (s.minimum !== undefined && value < s.minimum) return `must be ≥ ${s.minimum}`;
    if (s.maximum !== undefined && value > s.maximum) return `must be ≤ ${s.maximum}`;
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return `must be > ${s.exclusiveMinimum}`;
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return `must be < ${s.exclusiveMaximum}`;
  }
  if (field.kind === 'multiselect' && Array.isArray(value)) {
    if (field.schema.minItems !== undefined && value.length < field.schema.minItems) return `choose at least ${field.schema.minItems}`;
  }
  return null;
}
