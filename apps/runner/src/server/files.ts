/**
 * Paths requested by clients, confined to a root (the data root, or a run's out dir): relative only, no
 * "..", and no symlink that leads outside (checked on the real path).
 */
import { realpathSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { HttpError } from './errors.ts';

function inside(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/** Lexical checks of a client path; returns its normalised segments. Throws 400 with a reason. */
export function checkRelativePath(rel: string): string[] {
  if (rel.includes('\0')) throw new HttpError(400, 'bad-path', 'path contains a NUL character');
  if (path.isAbsolute(rel) || rel.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z]:/.test(rel)) {
    throw new HttpError(400, 'bad-path', `"${rel}" is absolute; paths must be relative to the data root`);
  }
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new HttpError(400, 'bad-path', `"${rel}" contains ".."; paths must stay inside the data root`);
  return parts;
}

/**
 * Resolves `rel` under `root` and returns the real absolute path. 400 for absolute paths or "..",
 * 403 when a symlink leads outside the root, 404 when it does not exist.
 */
export async function resolveInside(root: string, rel: string): Promise<string> {
  const parts = checkRelativePath(rel);
  const realRoot = realpathSync(root);
  const full = path.join(realRoot, ...parts);
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    throw new HttpError(404, 'not-found', `"${rel}" does not exist`);
  }
  if (!inside(realRoot, real)) throw new HttpError(403, 'path-outside-root', `"${rel}" leads outside the root (symbolic link)`);
  return real;
}

export interface DirEntry {
  name: string;
  type: 'file' | 'dir';
  size: number;
}

/** Entries of a directory, dirs first; hidden names and links leading outside the root are left out. */
export async function listDir(root: string, rel: string): Promise<DirEntry[]> {
  const dir = await resolveInside(root, rel);
  if (!(await stat(dir)).isDirectory()) throw new HttpError(400, 'not-a-directory', `"${rel}" is not a directory`);
  const realRoot = realpathSync(root);
  const entries: DirEntry[] = [];
  for (const name of await readdir(dir)) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    try {
      if ((await lstat(full)).isSymbolicLink() && !inside(realRoot, await realpath(full))) continue;
      const st = await stat(full);
      if (st.isDirectory()) entries.push({ name, type: 'dir', size: 0 });
      else if (st.isFile()) entries.push({ name, type: 'file', size: st.size });
    } catch {
      // broken link or vanished file: not listed
    }
  }
  return entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
}

/** GET /api/files?path=<relative> → { path, entries } under the data root. */
export function filesRouter(dataRoot: string): Router {
  const router = Router();
  router.get('/api/files', async (req, res) => {
    const q = req.query.path;
    if (q !== undefined && typeof q !== 'string') throw new HttpError(400, 'bad-request', 'path must be a single string');
    const rel = q ?? '';
    const entries = await listDir(dataRoot, rel);
    res.json({ path: checkRelativePath(rel).join('/'), entries });
  });
  return router;
}
