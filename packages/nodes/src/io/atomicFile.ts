/**
 * Outputs are written under a temporary name and renamed, so a failed or cancelled run never leaves a
 * half-written file. Worker threads share the process id, hence the thread id and random suffix.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/** A sibling temporary name for `path`; `keepExtension` keeps e.g. `.json` last (XGBoost picks the format from it). */
export function temporaryPath(path: string, keepExtension = ''): string {
  const base = keepExtension && path.endsWith(keepExtension) ? path.slice(0, -keepExtension.length) : path;
  return `${base}.tmp-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}${keepExtension}`;
}

export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
