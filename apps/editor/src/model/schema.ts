/**
 * Turns a node's JSON Schema (from zod, io:'input') into descriptions of editor controls, and computes
 * default params. Pure: the React controls only render what this module decides. Units, widgets and when a
 * param shows are the node's own `.meta()` declarations, carried in the schema; nothing is guessed from names.
 */
import type { JsonSchema, ParamMeta } from '../api/types.ts';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'select' | 'multiselect' | 'text' | 'expression' | 'path' | 'aoi' | 'list' | 'object' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  label: string;
  description: string;
  unit?: string;
  widget?: ParamMeta['widget'];
  /** expression / identifier fields: where the names they may use (or must avoid) come from */
  names?: ParamMeta['names'];
  showWhen?: ParamMeta['showWhen'];
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
    // The wrapper carries what the param declared (description, default, .meta() presentation); the branch its type.
    if (nonNull.length === 1) return { ...nonNull[0], ...presentation(schema), description: schema.description ?? nonNull[0].description, default: schema.default ?? nonNull[0].default };
    if (nonNull.every((s) => s.const !== undefined || s.enum)) {
      return { ...schema, enum: nonNull.flatMap((s) => (s.enum ? s.enum : [s.const])) };
    }
  }
  return schema;
}

/** The `.meta()` presentation fields a schema node carries (only those set). */
function presentation(schema: JsonSchema): ParamMeta {
  const out: ParamMeta = {};
  if (schema.unit !== undefined) out.unit = schema.unit;
  if (schema.widget !== undefined) out.widget = schema.widget;
  if (schema.names !== undefined) out.names = schema.names;
  if (schema.showWhen !== undefined) out.showWhen = schema.showWhen;
  return out;
}

function humanize(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function fieldFor(name: string, raw: JsonSchema, required: boolean, pathParams: string[]): Field {
  const s = unwrap(raw);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const base = {
    name,
    label: s.title ?? humanize(name),
    description: s.description ?? '',
    unit: s.unit,
    widget: s.widget,
    names: s.names,
    showWhen: s.showWhen,
    schema: s,
    required,
    defaultValue: s.default,
  };
  if (pathParams.includes(name) || s.widget === 'path' || s.widget === 'folder' || s.widget === 'file') return { ...base, kind: 'path' };
  if (s.widget === 'aoi') return { ...base, kind: 'aoi' };
  if (s.enum) return { ...base, kind: 'select', options: s.enum };
  if (type === 'number' || type === 'integer') {
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    return { ...base, kind: type, min, max };
  }
  if (type === 'boolean') return { ...base, kind: 'boolean' };
  if (type === 'string') return { ...base, kind: s.widget === 'expression' ? 'expression' : 'text' };
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

/**
 * Whether a field shows, by its `showWhen`: each listed sibling param (its default when unset) must have one of
 * the listed values. A field with a value set always shows, so nothing that is set is hidden.
 */
export function isShown(field: Field, params: Record<string, unknown>, siblings: Field[]): boolean {
  if (!field.showWhen || params[field.name] !== undefined) return true;
  return Object.entries(field.showWhen).every(([name, values]) => {
    const v = params[name] ?? siblings.find((f) => f.name === name)?.defaultValue;
    return values.some((x) => x === v);
  });
}
