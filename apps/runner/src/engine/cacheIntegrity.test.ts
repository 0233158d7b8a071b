/** Issue 8 items 3 and 10: a cache entry whose files were cut, edited or moved is never trusted blindly. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { defineNode, type AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { createRun } from './run.ts';
import type { Graph, RunEvent } from './types.ts';

let computed = 0;
/** Writes a 6 MiB store (bigger than the whole-file hash limit) referenced by absolute path, like a composite. */
const storeNode = defineNode({
  type: 'test.store',
  version: 1,
  category: 'Raster',
  label: 'Store',
  description: 'Writes an unpublished store file and references it from its output.',
  inputs: {},
  outputs: { out: { type: 'Composite' } },
  params: z.object({}),
  async run(ctx) {
    computed++;
    const file = path.join(ctx.workDir, 'store.bin');
    const data = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
    await writeFile(file, data);
    await writeFile(path.join(ctx.workDir, 'note.txt'), 'published');
    return { outputs: { out: { kind: 'Composite', file } as never }, files: [path.join(ctx.workDir, 'note.txt')] };
  },
});
const catalog = [storeNode] as unknown as AnyNodeDefinition[];
const graph: Graph = { schema: 'sentiflow/graph@1', name: 'c', nodes: [{ id: 's', type: 'test.store', version: 1, params: {} }], links: [] };

async function run(root: string, cacheDir: string) {
  const r = createRun(graph, catalog, { dataRoot: root, outDir: path.join(root, 'out'), cacheDir, workers: 1 });
  const report = await r.done;
  return { report, events: r.events() };
}

const entryDir = (cacheDir: string) => {
  const objects = path.join(cacheDir, 'objects');
  return path.join(objects, readdirSync(objects).find((f) => !f.endsWith('.lock'))!);
};

test('a truncated, edited or missing cache file is discarded and recomputed with a warning', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-cache-int-'));
  const cacheDir = path.join(root, 'cache');
  computed = 0;
  assert.equal((await run(root, cacheDir)).report.nodes.s.status, 'done');
  assert.equal((await run(root, cacheDir)).report.nodes.s.status, 'cached');
  assert.equal(computed, 1);

  const damage: [string, (file: string) => void][] = [
    ['truncated', (f) => truncateSync(f, 3 * 1024 * 1024)],
    ['modified', (f) => {
      const fd = openSync(f, 'r+');
      writeSync(fd, Buffer.from('edited in place'), 0, 15, 10);
      closeSync(fd);
    }],
    ['modified', (f) => {
      const fd = openSync(f, 'r+');
      writeSync(fd, Buffer.from('tail'), 0, 4, 6 * 1024 * 1024 - 100);
      closeSync(fd);
    }],
  ];
  for (const [why, hurt] of damage) {
    hurt(path.join(entryDir(cacheDir), 'store.bin'));
    const { report, events } = await run(root, cacheDir);
    assert.equal(report.nodes.s.status, 'done', `recomputed after the store was ${why}`);
    const warning = events.find((e): e is Extract<RunEvent, { type: 'node.warning' }> => e.type === 'node.warning');
    assert.ok(warning, `a warning event after the store was ${why}`);
    assert.equal(warning.nodeId, 's');
    assert.match(warning.message, new RegExp(`store\\.bin .*${why}`));
  }
  writeFileSync(path.join(entryDir(cacheDir), 'note.txt'), 'PUBLISHED');
  const edited = await run(root, cacheDir);
  assert.equal(edited.report.nodes.s.status, 'done');
  assert.equal(computed, 5);
  assert.equal(readFileSync(path.join(root, 'out', 's', 'note.txt'), 'utf8'), 'published');
});

test('cache entries hold no absolute paths: a moved cache dir keeps working and reads its own files', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-cache-mv-'));
  const cacheDir = path.join(root, 'cache');
  computed = 0;
  await run(root, cacheDir);
  const meta = readFileSync(path.join(entryDir(cacheDir), 'meta.json'), 'utf8');
  assert.ok(!meta.includes(cacheDir), 'meta.json names no absolute cache path');
  assert.match(meta, /"store\.bin"/, 'the referenced store is checked although it is not published');
  const moved = path.join(root, 'moved-cache');
  cpSync(cacheDir, moved, { recursive: true });
  const { report } = await run(root, moved);
  assert.equal(report.nodes.s.status, 'cached');
  assert.equal(computed, 1);
  const file = (report.nodes.s.outputs!.out as { file: string }).file;
  assert.ok(file.startsWith(moved + path.sep), `${file} is in the moved cache`);
});
