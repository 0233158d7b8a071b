/**
 * Persistent content-addressed cache. key = sha256(canonical JSON of type, version, parsed params, input keys,
 * fingerprint). An entry `<cacheDir>/objects/<key>/` is the node's workDir; `meta.json` is written last and
 * atomically, so an entry is a hit only when meta.json exists and every file it lists or references still has
 * the size and checksum recorded at commit (cacheIntegrity.ts); otherwise it is discarded and recomputed.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { checksFor, decodeCachePaths, encodeCachePaths, verifyFile, type FileCheck } from './cacheIntegrity.ts';
import { diskError, listFiles, processAlive, sweepOrphans, tmpName, writeFileAtomic } from './fsutil.ts';
import { pathValues, resolveDataPath } from './paths.ts';

/** JSON with object keys sorted at every level (undefined members omitted). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface KeyParts {
  type: string;
  version: number;
  params: unknown;
  /** inputName → upstreamKey + '#' + outputName */
  inputs: Record<string, string>;
  fingerprint: string;
}

export function cacheKey(parts: KeyParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

/** Size + mtime of every path param (for a folder: of every file in it, sorted). */
export async function defaultFingerprint(def: AnyNodeDefinition, params: Record<string, unknown>, dataRoot: string): Promise<string> {
  const parts: string[] = [];
  for (const name of [...(def.pathParams ?? [])].sort()) {
    for (const rel of pathValues(params[name])) {
      const full = resolveDataPath(dataRoot, rel, name);
      const st = await fs.stat(full).catch(() => null);
      if (!st) parts.push(`${name}=${rel}:missing`);
      else if (st.isDirectory()) {
        for (const f of await listFiles(full)) {
          const fst = await fs.stat(path.join(full, f));
          parts.push(`${name}=${rel}/${f}:${fst.size}:${fst.mtimeMs}`);
        }
      } else parts.push(`${name}=${rel}:${st.size}:${st.mtimeMs}`);
    }
  }
  return parts.join('\n');
}

export interface CacheMeta {
  key: string;
  type: string;
  version: number;
  outputs: Record<string, unknown>;
  summary?: Record<string, unknown>;
  /** Files relative to the entry dir. */
  files: string[];
  /** Size and checksum of every file listed or referenced by the outputs (absent in entries of old versions). */
  checks?: FileCheck[];
  created: string;
}

/** Entry dirs being computed in this process (two nodes or two server runs with the same key wait in turn). */
const inflight = new Map<string, Promise<void>>();

async function acquire(dir: string): Promise<() => void> {
  for (;;) {
    const busy = inflight.get(dir);
    if (!busy) break;
    await busy;
  }
  let release!: () => void;
  inflight.set(dir, new Promise<void>((r) => (release = r)));
  return () => {
    inflight.delete(dir);
    release();
  };
}

const LOCK_POLL_MS = 200;
/** A lock file with no pid yet is being written; older than this it is a leftover of a crash. */
const LOCK_EMPTY_GRACE_MS = 10_000;

/**
 * Cross-process lock on an entry: `<key>.lock` holding the owner's pid. Another process (a second CLI run, or
 * the server, on the same cache dir) waits until it is gone; a lock whose process has died is taken over.
 * Within one process the in-memory lock above already serialises. The pid is written to a temporary file
 * that is then hard-linked to the lock name (link fails if the lock exists), so a lock file is never seen
 * empty: a full disk fails the temporary write and leaves no lock behind.
 */
async function lockFile(lockPath: string, signal?: AbortSignal): Promise<() => void> {
  for (;;) {
    if (await tryCreateLock(lockPath)) return () => rmSync(lockPath, { force: true });
    const [text, st] = await Promise.all([fs.readFile(lockPath, 'utf8').catch(() => null), fs.stat(lockPath).catch(() => null)]);
    if (text === null || !st) continue; // released meanwhile
    const pid = Number(text.trim());
    const stale = pid > 0 ? !processAlive(pid) : Date.now() - st.mtimeMs > LOCK_EMPTY_GRACE_MS;
    if (stale) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

/** Creates the lock with its content in one step; false if another owner has it. */
async function tryCreateLock(lockPath: string): Promise<boolean> {
  const tmp = tmpName(lockPath);
  try {
    await fs.writeFile(tmp, `${process.pid}\n`, { flag: 'wx' });
    try {
      await fs.link(tmp, lockPath);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    }
    // A file system without hard links: exclusive create, then write (a crash here leaves an empty lock).
    const handle = await fs.open(lockPath, 'wx').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') return null;
      throw e;
    });
    if (!handle) return false;
    try {
      await handle.writeFile(`${process.pid}\n`);
    } catch (e) {
      await handle.close().catch(() => undefined);
      await fs.rm(lockPath, { force: true });
      throw e;
    }
    await handle.close();
    return true;
  } catch (e) {
    throw diskError(e, lockPath);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Cache dirs swept in this process (once each). */
const swept = new Map<string, Promise<void>>();

/**
 * Once per process and cache dir: removes temporary files of dead processes and entries that never got a
 * meta.json and are not locked (a crash mid-compute), so they do not pile up.
 */
function sweepCache(objectsDir: string): Promise<void> {
  let p = swept.get(objectsDir);
  if (!p) {
    p = (async () => {
      await sweepOrphans(objectsDir);
      for (const name of await fs.readdir(objectsDir).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        const dir = path.join(objectsDir, name);
        if (existsSync(path.join(dir, 'meta.json')) || existsSync(`${dir}.lock`) || inflight.has(dir)) continue;
        await fs.rm(dir, { recursive: true, force: true });
      }
    })().catch(() => undefined);
    swept.set(objectsDir, p);
  }
  return p;
}

export interface NodeCache {
  readonly enabled: boolean;
  /** The entry dir used as a node's workDir. */
  entryDir(key: string, nodeId: string): string;
  /** The entry's meta, or null. An entry whose files fail their checks is discarded; `onBad` hears why. */
  lookup(key: string, onBad?: (why: string) => void): Promise<CacheMeta | null>;
  /**
   * Exclusive use of an entry while it is looked up and computed, within this process and across processes
   * sharing the cache dir; call the returned function when done.
   */
  lock(key: string, nodeId: string, signal?: AbortSignal): Promise<() => void>;
  /** Creates a fresh, empty entry dir (removing a stale partial one). */
  prepare(key: string, nodeId: string): Promise<string>;
  commit(key: string, nodeId: string, meta: Omit<CacheMeta, 'key' | 'created' | 'files'> & { files: string[] }): Promise<CacheMeta>;
  discard(key: string, nodeId: string): Promise<void>;
  /** End of run: removes the temporary work dirs when the cache is disabled. */
  close(): Promise<void>;
}

export function createCache(cacheDir: string | null, outDir: string): NodeCache {
  const workRoot = path.join(outDir, '.work');
  const objectsDir = cacheDir ? path.join(cacheDir, 'objects') : '';
  const entryDir = (key: string, nodeId: string): string =>
    cacheDir ? path.join(cacheDir, 'objects', key) : path.join(workRoot, nodeId);
  return {
    enabled: cacheDir !== null,
    entryDir,
    async lookup(key, onBad) {
      if (!cacheDir) return null;
      const dir = entryDir(key, '');
      let meta: CacheMeta;
      try {
        meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta;
      } catch {
        return null;
      }
      const bad = async (why: string): Promise<null> => {
        await fs.rm(dir, { recursive: true, force: true });
        onBad?.(why);
        return null;
      };
      if (meta.key !== key || !Array.isArray(meta.files)) return bad('its meta.json does not describe this entry');
      // Entries written before checks existed cannot vouch for their files: recomputed once.
      if (!Array.isArray(meta.checks)) return bad('it was written by an older version without file checks');
      for (const check of meta.checks) {
        const why = await verifyFile(dir, check);
        if (why) return bad(why);
      }
      const refs: string[] = [];
      let outputs: Record<string, unknown>;
      try {
        outputs = decodeCachePaths(meta.outputs, objectsDir, refs) as Record<string, unknown>;
      } catch (err) {
        return bad((err as Error).message);
      }
      const gone = refs.find((r) => !existsSync(path.join(objectsDir, ...r.split('/'))));
      if (gone) return bad(`its outputs reference ${gone}, which is gone`);
      return { ...meta, outputs };
    },
    async lock(key, nodeId, signal) {
      const release = await acquire(entryDir(key, nodeId));
      if (!cacheDir) return release;
      try {
        await fs.mkdir(path.join(cacheDir, 'objects'), { recursive: true });
        await sweepCache(objectsDir);
        const unlock = await lockFile(path.join(cacheDir, 'objects', `${key}.lock`), signal);
        return () => {
          unlock();
          release();
        };
      } catch (e) {
        release();
        throw e;
      }
    },
    async prepare(key, nodeId) {
      const dir = entryDir(key, nodeId);
      await fs.rm(dir, { recursive: true, force: true });
      await fs.mkdir(dir, { recursive: true });
      return dir;
    },
    async commit(key, nodeId, m) {
      const dir = entryDir(key, nodeId);
      const files = m.files.map((f) => {
        const rel = path.relative(dir, path.resolve(dir, f));
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`output file ${f} is not inside the node's workDir`);
        return rel;
      });
      const meta: CacheMeta = { key, type: m.type, version: m.version, outputs: m.outputs, summary: m.summary, files, created: new Date().toISOString() };
      if (!cacheDir) return meta;
      const refs: string[] = [];
      const stored = encodeCachePaths(m.outputs, objectsDir, refs) as Record<string, unknown>;
      const checks = await checksFor(dir, key, files, refs);
      await writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, outputs: stored, checks }, null, 1));
      return { ...meta, checks };
    },
    async discard(key, nodeId) {
      await fs.rm(entryDir(key, nodeId), { recursive: true, force: true });
    },
    async close() {
      if (!cacheDir) await fs.rm(workRoot, { recursive: true, force: true });
    },
  };
}
