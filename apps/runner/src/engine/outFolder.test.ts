/** Issue 8 item 6: a run claims its output folder before touching it; a killed run leaves it marked "running". */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createRun } from './run.ts';
import { nodeCatalog } from './testing/testCatalog.ts';
import type { Graph } from './types.ts';

const chain = (sleepMs: number): Graph => ({
  schema: 'sentiflow/graph@1',
  name: 'chain',
  nodes: [
    { id: 'src', type: 'test.source', version: 1, params: { value: 1 } },
    { id: 'a', type: 'test.add', version: 1, params: { add: 1, sleepMs } },
    { id: 'b', type: 'test.add', version: 1, params: { add: 1, sleepMs } },
  ],
  links: [
    { from: { node: 'src', output: 'out' }, to: { node: 'a', input: 'a' } },
    { from: { node: 'a', output: 'out' }, to: { node: 'b', input: 'a' } },
  ],
});

test('run.json says "running" before any node runs; a second live run on the same folder is refused', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-out-'));
  const outDir = path.join(root, 'out');
  const run = createRun(chain(200), nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 });
  let firstState: { status?: string; pid?: number } | null = null;
  run.subscribe(0, (e) => {
    if (e.type === 'node.started' && firstState === null) firstState = JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8'));
  });
  assert.throws(() => createRun(chain(0), nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 }), /in use by run .*still running/);
  const report = await run.done;
  assert.equal(report.status, 'done');
  assert.equal(firstState!.status, 'running');
  assert.equal(firstState!.pid, process.pid);
  assert.equal(JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8')).status, 'done');
  // Finished: the folder can be reused.
  assert.equal((await createRun(chain(0), nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 }).done).status, 'done');
});

test('a folder of another live process, or of the user\'s own files, is refused; a killed run\'s folder is taken over', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-out-'));
  const outDir = path.join(root, 'out');
  mkdirSync(outDir);
  const other = spawn('sleep', ['30']);
  try {
    writeFileSync(path.join(outDir, 'run.json'), JSON.stringify({ runId: 'other', status: 'running', pid: other.pid, host: (await import('node:os')).hostname() }));
    assert.throws(() => createRun(chain(0), nodeCatalog, { dataRoot: root, outDir, cacheDir: null }), /in use by run other \(process \d+\)/);
  } finally {
    other.kill();
  }
  const dead = Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());
  writeFileSync(path.join(outDir, 'run.json'), JSON.stringify({ runId: 'killed', status: 'running', pid: dead }));
  assert.equal((await createRun(chain(0), nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 }).done).status, 'done');

  const mine = path.join(root, 'mine');
  mkdirSync(path.join(mine, 'src'), { recursive: true });
  writeFileSync(path.join(mine, 'src', 'thesis.tex'), 'precious');
  assert.throws(() => createRun(chain(0), nodeCatalog, { dataRoot: root, outDir: mine, cacheDir: null }), /not empty and has no run\.json/);
  assert.equal(readFileSync(path.join(mine, 'src', 'thesis.tex'), 'utf8'), 'precious');
});

test('a run killed mid-way leaves run.json "running", listing what had finished', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-out-kill-'));
  writeFileSync(path.join(root, 'g.json'), JSON.stringify(chain(3000)));
  // A finished earlier run in the same folder, so the kill would otherwise leave a "done" run.json.
  const outDir = path.join(root, 'out');
  assert.equal((await createRun(chain(0), nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 }).done).status, 'done');
  const bin = fileURLToPath(new URL('../../bin/sentiflow.mjs', import.meta.url));
  const env = { ...process.env, SENTIFLOW_CATALOG_MODULE: fileURLToPath(new URL('./testing/testCatalog.ts', import.meta.url)) };
  const child = spawn(process.execPath, [bin, 'run', 'g.json', '--json', '--no-cache', '--out', 'out', '--workers', '1'], { cwd: root, env });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/"type":"node.started","nodeId":"a"|"nodeId":"a"[^\n]*"type":"node.started"/.test(out)) resolve();
    });
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  // run.json is rewritten right after src finishes: wait until it lists src as done, then kill during a.
  const read = () => JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8')) as { status: string; nodes: Record<string, { status: string }> };
  while (read().nodes.src?.status !== 'done') await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const state = read();
  assert.equal(state.status, 'running');
  assert.equal(state.nodes.src.status, 'done');
  assert.notEqual(state.nodes.b.status, 'done');
  assert.ok(existsSync(path.join(outDir, 'run.json')));
});
