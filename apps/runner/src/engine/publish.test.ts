/** Issue 8 item 7: published outputs are read-only copies; editing one never edits the cache. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRun } from './run.ts';
import { nodeCatalog } from './testing/testCatalog.ts';
import type { Graph } from './types.ts';

const g: Graph = {
  schema: 'sentiflow/graph@1',
  name: 'p',
  nodes: [
    { id: 'src', type: 'test.source', version: 1, params: { value: 2 } },
    { id: 'a', type: 'test.add', version: 1, params: { add: 1 } },
  ],
  links: [{ from: { node: 'src', output: 'out' }, to: { node: 'a', input: 'a' } }],
};

test('outputs are read-only copies, not hard links: an edited output leaves the cache intact', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-publish-'));
  const opts = { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: path.join(root, 'cache'), workers: 1 };
  await createRun(g, nodeCatalog, opts).done;
  const out = path.join(root, 'out', 'a', 'result.txt');
  const st = statSync(out);
  assert.equal(st.nlink, 1, 'not a hard link');
  assert.equal(st.mode & 0o222, 0, 'read-only');
  // A user forces an edit (QGIS would ask for write permission first).
  chmodSync(out, 0o644);
  writeFileSync(out, '999');
  const again = await createRun(g, nodeCatalog, opts).done;
  assert.equal(again.nodes.a.status, 'cached');
  assert.equal(readFileSync(out, 'utf8'), '3', 'the cached output is republished unchanged');
});
