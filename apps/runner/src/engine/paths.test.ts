/** Issue 8 item 5: every path a graph names is confined to the data root on its real path (symlinks resolved). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRun } from './run.ts';
import { assertNoEscapingLinks, pathEscapes, resolveDataPath } from './paths.ts';
import { nodeCatalog } from './testing/testCatalog.ts';
import { validateGraph } from './validate.ts';

function layout() {
  const base = mkdtempSync(path.join(tmpdir(), 'sf-paths-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'in'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  writeFileSync(path.join(root, 'in', 'ok.txt'), 'ok');
  symlinkSync(outside, path.join(root, 'dirlink'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'filelink.txt'));
  symlinkSync(path.join(outside, 'nothing-yet'), path.join(root, 'dangling'));
  symlinkSync(path.join(root, 'in', 'ok.txt'), path.join(root, 'inside-link.txt'));
  mkdirSync(path.join(root, 'folder'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'folder', 'B2.tif'));
  return { root, outside };
}

test('pathEscapes follows symbolic links, as the files API does', () => {
  const { root } = layout();
  assert.match(pathEscapes(root, 'dirlink/secret.txt')!, /outside the data root through a symbolic link/);
  assert.match(pathEscapes(root, 'filelink.txt')!, /symbolic link/);
  assert.match(pathEscapes(root, 'dirlink/not-yet-written.tif')!, /symbolic link/, 'an output path through a link is refused too');
  assert.match(pathEscapes(root, 'dangling')!, /broken symbolic link/);
  assert.equal(pathEscapes(root, 'inside-link.txt'), null, 'a link that stays inside is fine');
  assert.equal(pathEscapes(root, 'in/new/file.tif'), null, 'a file still to be written is fine');
  assert.throws(() => resolveDataPath(root, 'dirlink/secret.txt', 'file'), /param file: .*symbolic link/);
  assert.throws(() => assertNoEscapingLinks(root, 'folder', 'dir'), /"folder\/B2.tif" is a symbolic link leading outside/);
});

test('a graph naming a linked path is refused at validation and at run time', async () => {
  const { root } = layout();
  const g = { schema: 'sentiflow/graph@1', name: 't', nodes: [{ id: 's', type: 'test.source', version: 1, params: { file: 'filelink.txt' } }], links: [] };
  const { problems } = validateGraph(g, nodeCatalog, { dataRoot: root });
  assert.deepEqual(problems.map((p) => [p.code, p.nodeId, p.param]), [['path-outside-root', 's', 'file']]);
  const run = createRun(g as never, nodeCatalog, { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: null, workers: 1 });
  const report = await run.done;
  assert.equal(report.nodes.s.status, 'failed');
  assert.match(report.nodes.s.error!.message, /symbolic link/);
});
