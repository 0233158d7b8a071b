/** Issue 8 item 10: a full disk is named as such, leaves no empty lock; crash leftovers are swept. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createCache } from './cache.ts';
import { writeFileAtomic } from './fsutil.ts';
import { createRun } from './run.ts';
import { nodeCatalog } from './testing/testCatalog.ts';

const key = 'b'.repeat(64);

/** A 64 KiB tmpfs (needs mount rights: root in a container with CAP_SYS_ADMIN). */
function smallDisk(): string | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return dir;
}

const disk = smallDisk();
const noDisk = disk ? false : 'cannot mount a small tmpfs here (needs root/CAP_SYS_ADMIN): disk-full test skipped';

test('a full disk: the lock attempt names the file and says the disk is full, and leaves no empty .lock', { skip: noDisk }, async () => {
  const d = disk!;
  try {
    const cacheDir = path.join(d, 'cache');
    mkdirSync(path.join(cacheDir, 'objects'), { recursive: true });
    const filler = path.join(d, 'filler');
    // Fill the disk to the last block.
    try {
      for (let i = 0; ; i++) writeFileSync(path.join(filler + i), Buffer.alloc(4096));
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    const cache = createCache(cacheDir, path.join(d, 'out'));
    await assert.rejects(cache.lock(key, 'n'), /the disk is full: cannot write .*\.lock.*free some space/);
    assert.deepEqual(readdirSync(path.join(cacheDir, 'objects')), [], 'no lock file (empty or not) and no temporary left');
    await assert.rejects(writeFileAtomic(path.join(d, 'run.json'), 'x'.repeat(8192)), /the disk is full: cannot write .*run\.json/);
    for (const f of readdirSync(d)) if (f.startsWith('filler')) rmSync(path.join(d, f));
    const release = await cache.lock(key, 'n');
    release();
  } finally {
    spawnSync('umount', [d]);
    rmSync(d, { recursive: true, force: true });
  }
});

test('leftovers of a crashed process (temporaries, unfinished entries) are swept; a live process\'s are kept', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-sweep-'));
  const cacheDir = path.join(root, 'cache');
  const objects = path.join(cacheDir, 'objects');
  const outDir = path.join(root, 'out');
  mkdirSync(objects, { recursive: true });
  mkdirSync(outDir);
  writeFileSync(path.join(outDir, 'run.json'), '{"status":"done"}');
  const dead = Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());
  const live = spawn('sleep', ['30']);
  try {
    writeFileSync(path.join(objects, `${key}.lock.tmp-${dead}-0a0b0c0d`), '');
    writeFileSync(path.join(objects, `${key}.lock.tmp-${live.pid}-0a0b0c0d`), '');
    mkdirSync(path.join(objects, 'c'.repeat(64)));
    writeFileSync(path.join(objects, 'c'.repeat(64), 'half.bin'), 'partial');
    mkdirSync(path.join(outDir, `.a.tmp-${dead}-1a2b3c4d`));
    writeFileSync(path.join(outDir, `run.json.tmp-${dead}-1a2b3c4d`), '{');
    const g = { schema: 'sentiflow/graph@1', name: 's', nodes: [{ id: 'a', type: 'test.source', version: 1, params: {} }], links: [] };
    const report = await createRun(g as never, nodeCatalog, { dataRoot: root, outDir, cacheDir, workers: 1 }).done;
    assert.equal(report.status, 'done');
    const left = readdirSync(objects);
    assert.ok(!left.some((f) => f.includes(`tmp-${dead}-`)), `dead process temporaries removed: ${left.join(', ')}`);
    assert.ok(left.includes(`${key}.lock.tmp-${live.pid}-0a0b0c0d`), 'a live process keeps its temporary');
    assert.ok(!left.includes('c'.repeat(64)), 'an unfinished, unlocked entry is removed');
    assert.deepEqual(readdirSync(outDir).filter((f) => f.includes('.tmp-')), []);
    assert.ok(existsSync(path.join(outDir, 'a')) || report.nodes.a.files.length === 0);
  } finally {
    live.kill();
  }
});
