/** Data-root path resolution shared by validation, the cache fingerprint and NodeContext.resolvePath. */
import path from 'node:path';
import { NodeError } from '@sentiflow/nodes/define.ts';

/** Why a relative param path is not acceptable, or null when it stays inside the data root. */
export function pathEscapes(dataRoot: string, relative: string): string | null {
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) {
    return `"${relative}" is absolute; paths must be relative to the data root`;
  }
  const root = path.resolve(dataRoot);
  const full = path.resolve(root, relative);
  const rel = path.relative(root, full);
  if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) {
    return `"${relative}" points outside the data root`;
  }
  return null;
}

/** Resolves a param path against the data root; throws a NodeError naming the param if it escapes. */
export function resolveDataPath(dataRoot: string, relative: string, param: string): string {
  if (typeof relative !== 'string') {
    throw new NodeError(`param ${param}: expected a path relative to the data root`, { param, code: 'path-outside-root' });
  }
  const why = pathEscapes(dataRoot, relative);
  if (why) throw new NodeError(`param ${param}: ${why}`, { param, code: 'path-outside-root' });
  return path.resolve(dataRoot, relative);
}

/** The string values of a path param (a string, or an array of strings). */
export function pathValues(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}
