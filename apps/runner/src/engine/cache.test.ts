import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createCache } from './cache.ts';

const key = 'a'.repeat(64);

test('cache lock: waits for a lock held by another live process, takes over one whose process died', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cache-'));
  const cache = createCache(dir, path.join(dir, 'out'));
  const lockPath = path.join(dir, 'objects', `${key}.lock`);
  mkdirSync(path.dirname(lockPath), { recursive: true });

  // Held by a live process: the lock is granted only once that lock file is gone.
  const other = spawn('sleep', ['30']);
  try {
    writeFileSync(lockPath, `${other.pid}\n`);
    let granted = false;
    const waiting = cache.lock(key, 'n').then((release) => {
      granted = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(granted, false, 'still waiting while the other process holds the entry');
    other.kill();
    await new Promise((r) => other.once('exit', r));
    const release = await waiting;
    assert.equal(readFileSync(lockPath, 'utf8').trim(), String(process.pid), 'now ours');
    release();
    assert.equal(existsSync(lockPath), false, 'released');
  } finally {
    other.kill();
  }

  // Left behind by a crashed process (a pid that no longer exists): taken over at once.
  const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
  writeFileSync(lockPath, `${dead}\n`);
  const release = await cache.lock(key, 'n');
  assert.equal(readFileSync(lockPath, 'utf8').trim(), String(process.pid));
  release();
});

test('cache lock: waiting stops when the run is cancelled', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-cache-'));
  const cache = createCache(dir, path.join(dir, 'out'));
  const lockPath = path.join(dir, 'objects', `${key}.lock`);
  mkdirSync(path.dirname(lockPath), { recursive: true });
  writeFileSync(lockPath, `${process.ppid}\n`); // a live process that is not us
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('cancelled')), 300);
  await assert.rejects(cache.lock(key, 'n', controller.signal), /cancelled/);
  assert.equal(readFileSync(lockPath, 'utf8').trim(), String(process.ppid), 'the other owner keeps its lock');
});
