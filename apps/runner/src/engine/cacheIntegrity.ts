/**
 * What a cache entry promises about its files, checked on every lookup.
 *
 * Each file an entry lists or its outputs reference gets a check: its exact size and a SHA-1 of its content.
 * Files up to 4 MiB are hashed whole. Larger ones (composites reach ~1 GB for the study AOI) are hashed on a
 * sample: the size, the first and last 256 KiB and 64 evenly spaced 16 KiB blocks (1.5 MiB read whatever the
 * size). Measured here, SHA-1 runs at ~100 MB/s on this loaded 2-core machine (`node -e` over a 256 MB
 * buffer; sha256 66 MB/s, md5 49 MB/s), so a full hash would add ~10 s to every cached lookup of such a
 * composite; the sample costs ~15 ms. It catches what happens to cache files in practice: a truncated or
 * extended file (size), a rewritten header or IFD (GDAL/QGIS editing in place touches the head and the
 * tail), a file replaced by another. It does not catch a single changed pixel in the middle of a big raw
 * composite; nothing short of a full hash does.
 *
 * Outputs also hold paths into the cache. They are stored relative to the objects dir
 * (`{"$cacheFile": "<key>/<file>"}`) and resolved on load, so a moved or copied cache dir reads its own files.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

export interface FileCheck {
  /** Relative to the entry dir, "/"-separated. */
  file: string;
  size: number;
  sha1: string;
}

const WHOLE_LIMIT = 4 * 1024 * 1024;
const EDGE = 256 * 1024;
const BLOCKS = 64;
const BLOCK = 16 * 1024;

/** Size and (sampled) SHA-1 of a file, as described above. */
export async function checkFile(full: string): Promise<{ size: number; sha1: string }> {
  const handle = await fs.open(full, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha1').update(`${size}\n`);
    const read = async (pos: number, length: number): Promise<void> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, pos);
      hash.update(buf.subarray(0, bytesRead));
    };
    if (size <= WHOLE_LIMIT) await read(0, size);
    else {
      await read(0, EDGE);
      const span = size - 2 * EDGE - BLOCK;
      for (let i = 0; i < BLOCKS; i++) await read(EDGE + Math.floor((span * i) / (BLOCKS - 1)), BLOCK);
      await read(size - EDGE, EDGE);
    }
    return { size, sha1: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** Why an entry's file no longer matches its check, or null when it does. */
export async function verifyFile(entryDir: string, check: FileCheck): Promise<string | null> {
  const full = path.join(entryDir, ...check.file.split('/'));
  let now: { size: number; sha1: string };
  try {
    now = await checkFile(full);
  } catch {
    return `${check.file} is missing`;
  }
  if (now.size !== check.size) return `${check.file} is ${now.size} bytes, expected ${check.size} (truncated or extended)`;
  if (now.sha1 !== check.sha1) return `${check.file} was modified (content checksum differs)`;
  return null;
}

const REF = '$cacheFile';

/** Replaces absolute paths under `objectsDir` by `{ $cacheFile: "<key>/<rel>" }`; collects the references. */
export function encodeCachePaths(value: unknown, objectsDir: string, refs: string[] = []): unknown {
  const prefix = objectsDir + path.sep;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.startsWith(prefix)) return v;
      const rel = v.slice(prefix.length).split(path.sep).join('/');
      refs.push(rel);
      return { [REF]: rel };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** The inverse of encodeCachePaths for the cache dir it is read from; collects the references. */
export function decodeCachePaths(value: unknown, objectsDir: string, refs: string[] = []): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === REF && typeof o[REF] === 'string') {
        const rel = o[REF];
        const parts = rel.split('/');
        if (parts.includes('..') || parts.includes('') || path.isAbsolute(rel)) throw new Error(`bad cache reference "${rel}"`);
        refs.push(rel);
        return path.join(objectsDir, ...parts);
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value);
}

/** Checks of every file an entry lists plus those of its own that its outputs reference (deduplicated). */
export async function checksFor(entryDir: string, key: string, files: string[], refs: string[]): Promise<FileCheck[]> {
  const own = refs.filter((r) => r.startsWith(`${key}/`)).map((r) => r.slice(key.length + 1));
  const all = [...new Set([...files.map((f) => f.split(path.sep).join('/')), ...own])].sort();
  const checks: FileCheck[] = [];
  const listed = new Set(files.map((f) => f.split(path.sep).join('/')));
  for (const file of all) {
    const full = path.join(entryDir, ...file.split('/'));
    if (!existsSync(full)) {
      if (listed.has(file)) throw new Error(`output file ${file} does not exist in the node's workDir`);
      continue; // an output naming a file it did not write: nothing to vouch for
    }
    checks.push({ file, ...(await checkFile(full)) });
  }
  return checks;
}
