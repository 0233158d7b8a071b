/**
 * Data-root path resolution shared by validation, the cache fingerprint and NodeContext.resolvePath.
 * Confinement is checked lexically and then on the real path (symbolic links resolved), like the files API:
 * a link inside the data root that leads outside it is refused.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { NodeError } from '@sentiflow/nodes/define.ts';

/** Why a relative param path is not acceptable, or null when it stays inside the data root. */
export function pathEscapes(dataRoot: string, relative: string): string | null {
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) {
    return `"${relative}" is absolute; paths must be relative to the data root`;
  }
  const root = path.resolve(dataRoot);
  const full = path.resolve(root, relative);
  if (!inside(root, full)) return `"${relative}" points outside the data root`;
  // The real path of what exists of it (a file still to be written has no real path yet, its folder has).
  let realRoot: string;
  try {
    realRoot = realpathSync.native(root);
  } catch {
    return null; // no data root yet: nothing can be read through it
  }
  const real = realExisting(full);
  if (real === BROKEN_LINK) return `"${relative}" goes through a broken symbolic link`;
  if (real !== null && !inside(realRoot, real)) return `"${relative}" leads outside the data root through a symbolic link`;
  return null;
}

const BROKEN_LINK = '\u0000broken-link';

function inside(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return !(rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel));
}

/** Real path of `full`, or of its deepest existing ancestor joined with the rest; null if none resolves. */
function realExisting(full: string): string | null {
  let dir = full;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(dir), ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
      // A dangling link would let a writer create its target anywhere.
      if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) return BROKEN_LINK;
      const parent = path.dirname(dir);
      if (parent === dir) return null;
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
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

/**
 * Nodes join file names onto a folder param (a Sentinel-2 export folder, a shapefile's sidecars): a link in
 * that folder leading outside the data root is refused here, before the node reads anything.
 */
export function assertNoEscapingLinks(dataRoot: string, relative: string, param: string): void {
  const full = resolveDataPath(dataRoot, relative, param);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return;
  const realRoot = realpathSync.native(path.resolve(dataRoot));
  const stack = [full];
  let seen = 0;
  while (stack.length && seen < 100_000) {
    const dir = stack.pop()!;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      seen++;
      const p = path.join(dir, e.name);
      if (e.isSymbolicLink()) {
        let real: string | null = null;
        try {
          real = realpathSync.native(p);
        } catch {
          real = null;
        }
        if (real === null || !inside(realRoot, real)) {
          const shown = path.relative(path.resolve(dataRoot), p).split(path.sep).join('/');
          throw new NodeError(`param ${param}: "${shown}" is a symbolic link leading outside the data root (or broken); replace it with the file itself`, { param, code: 'path-outside-root' });
        }
      } else if (e.isDirectory()) stack.push(p);
    }
  }
}

