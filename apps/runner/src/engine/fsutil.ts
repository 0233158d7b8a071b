/** Small atomic file helpers: nothing half-written is ever visible under its final name. */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';

export function tmpName(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tmpName(target);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw diskError(err, target);
  }
}

/**
 * Copies `source` to `target` via a temporary name and makes the copy read-only. A copy, never a hard link:
 * a published output edited in place (GDAL, QGIS) must not edit the cache entry it came from. On file
 * systems with reflinks (btrfs, XFS) COPYFILE_FICLONE shares the blocks until one side is written.
 */
export async function copyReadOnlyAtomic(source: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tmpName(target);
  try {
    await fs.copyFile(source, tmp, fsConstants.COPYFILE_FICLONE);
    await fs.chmod(tmp, 0o444);
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw diskError(err, target);
  }
}

/** ENOSPC/EDQUOT in a person's words, naming the file (Node's message names only the syscall). */
export function diskError(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return Object.assign(new Error(`the disk is full: cannot write ${target} (${code}); free some space (or move the cache/output folder to a larger disk) and run again`), { code });
  }
  return err;
}

/** Every file under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) await walk(r);
      else out.push(r);
    }
  };
  await walk('');
  return out.sort();
}

/** The pid in a temporary name made by tmpName / temporaryPath (`….tmp-<pid>-…`), or null. */
export function tmpOwner(name: string): number | null {
  const m = /\.tmp-(\d+)-/.exec(name);
  return m ? Number(m[1]) : null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes the temporary files and folders a crashed process left directly in `dir` (names made by tmpName,
 * whose pid is no longer alive; `*.aborted` leftovers of writers). Returns what was removed.
 */
export async function sweepOrphans(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = tmpOwner(name);
    if (pid === null || (pid !== process.pid && processAlive(pid))) continue;
    if (pid === process.pid && !name.endsWith('.aborted')) continue; // ours, possibly in use right now
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
