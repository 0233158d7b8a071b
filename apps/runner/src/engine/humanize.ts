/**
 * Turns schema issues (zod) into sentences a person who does not program can act on: "choose a folder (dir)",
 * "year must be 2015 or later", instead of validator output such as "Invalid input: expected string, received
 * undefined". Every message names the parameter, so the location prefix needs no "param x:".
 */
import type { z } from 'zod';

export interface ParamInfo {
  /** Param names holding data-root paths. */
  pathParams: string[];
  /** JSON-Schema-like description of the param, used to tell "folder" from "file". */
  description?: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'on or off (true/false)',
  array: 'a list',
  object: 'a group of settings',
};

/** The value at a dotted issue path inside params (for "received …" details zod 4 no longer reports). */
function valueAt(params: unknown, path: PropertyKey[]): unknown {
  let v: unknown = params;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'empty';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 39)}…` : v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a group of settings';
  return String(v);
}

/** "reducers.1" → "reducers item 2"; "custom.0.name" → "custom item 1 name". */
export function paramWords(path: PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `item ${k + 1}` : String(k))).join(' ');
}

function isYear(name: string): boolean {
  return /year/i.test(name);
}

function missingValue(name: string, top: string, info: ParamInfo, expected: string): string {
  if (info.pathParams.includes(top)) {
    const d = (info.description ?? '').toLowerCase();
    const folder = /\bfolder\b|\bdirectory\b/.test(d);
    const file = /\bfile\b|shapefile|geojson/.test(d);
    const what = folder && file ? 'a file or folder' : folder ? 'a folder' : 'a file';
    return `choose ${what} (${name})`;
  }
  if (expected === 'array') return `choose at least one ${name}`;
  if (expected === 'number' || expected === 'int') return `enter ${name} (a number)`;
  if (expected === 'boolean') return `switch ${name} on or off`;
  return `enter ${name}`;
}

function limit(name: string, origin: string, bound: number | bigint, inclusive: boolean | undefined, small: boolean): string {
  const n = Number(bound);
  if (origin === 'array' || origin === 'set') {
    if (small) return n <= 1 ? `choose at least one ${name}` : `choose at least ${n} ${name}`;
    return `choose at most ${n} ${name}`;
  }
  if (origin === 'string') {
    if (small) return n <= 1 ? `${name} cannot be empty` : `${name} needs at least ${n} characters`;
    return `${name} can have at most ${n} characters`;
  }
  if (isYear(name)) {
    if (small) return inclusive === false ? `${name} must be after ${n}` : `${name} must be ${n} or later`;
    return inclusive === false ? `${name} must be before ${n}` : `${name} must be ${n} or earlier`;
  }
  if (small) return inclusive === false ? `${name} must be more than ${n}` : `${name} must be ${n} or more`;
  return inclusive === false ? `${name} must be less than ${n}` : `${name} must be ${n} or less`;
}

/** One zod issue on a node's params, in a person's words. `params` are the raw params that failed. */
export function humanizeParamIssue(issue: z.core.$ZodIssue, params: unknown, info: ParamInfo): string {
  const path = issue.path;
  const name = path.length ? paramWords(path) : 'parameters';
  const top = path.length ? String(path[0]) : '';
  const value = valueAt(params, path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(issue.expected);
      if (value === undefined || value === null || value === '') return missingValue(name, top, info, expected);
      if (expected === 'int') return `${name} must be a whole number, not ${describeValue(value)}`;
      return `${name} must be ${TYPE_WORDS[expected] ?? expected}, not ${describeValue(value)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && value === '' && info.pathParams.includes(top)) return missingValue(name, top, info, 'string');
      return limit(name, issue.origin, issue.minimum as number, issue.inclusive, true);
    case 'too_big':
      return limit(name, issue.origin, issue.maximum as number, issue.inclusive, false);
    case 'invalid_value': {
      const options = issue.values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v)));
      const shown = options.length > 12 ? `${options.slice(0, 12).join(', ')}, …` : options.join(', ');
      return `${name}: ${describeValue(value)} is not one of the choices; choose ${options.length === 1 ? shown : `one of ${shown}`}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${keys}${path.length ? ` in ${name}` : ''}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    }
    case 'not_multiple_of':
      return `${name} must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return `${name}: ${describeValue(value)} is not a valid ${issue.format}`;
    case 'invalid_union':
      return `${name}: ${describeValue(value)} is not an accepted value`;
    default:
      return path.length ? `${name}: ${issue.message}` : issue.message;
  }
}
