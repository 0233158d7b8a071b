import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, test } from 'node:test';
import { createRun, relocateOutputs, type CreateRunOptions } from './run.ts';
import type { Graph, RunReport } from './types.ts';
import { nodeCatalog, probe, resetProbe } from './testing/testCatalog.ts';

beforeEach(resetProbe);

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, params });
const link = (from: string, to: string, input = 'a') => ({ from: { node: from, output: 'out' }, to: { node: to, input } });
const graph = (nodes: Graph['nodes'], links: Graph['links'] = []): Graph => ({ schema: 'sentiflow/graph@1', name: 'test', nodes, links });

function dirs(): { dataRoot: string; outDir: string; cacheDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-run-'));
  writeFileSync(path.join(root, 'input.txt'), 'hello');
  return { dataRoot: root, outDir: path.join(root, 'out'), cacheDir: path.join(root, 'cache') };
}

async function runGraph(g: Graph, opts: Partial<CreateRunOptions> & { dataRoot: string; outDir: string; cacheDir: string | null }) {
  const run = createRun(g, nodeCatalog, opts);
  const report = await run.done;
  return { run, report };
}

/** Every file under dir (relative), sorted. */
function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), path.join(prefix, e.name)) : [path.join(prefix, e.name)],
  ).sort();
}

const chain = () =>
  graph(
    [node('src', 'test.source', { value: 2, file: 'input.txt' }), node('a1', 'test.add', { add: 1 }), node('a2', 'test.add', { add: 10 })],
    [link('src', 'a1'), link('a1', 'a2')],
  );

test('runs a chain, publishes files and run.json, and hits the cache the second time', async () => {
  const d = dirs();
  const { report, run } = await runGraph(chain(), d);
  assert.equal(report.status, 'done');
  assert.deepEqual(probe.calls, ['src', 'a1', 'a2']);
  assert.equal(report.nodes.a2.summary?.value, 13);
  assert.deepEqual(report.nodes.a2.files, ['a2/result.txt']);
  assert.equal(readFileSync(path.join(d.outDir, 'a2', 'result.txt'), 'utf8'), '13');
  const onDisk = JSON.parse(readFileSync(path.join(d.outDir, 'run.json'), 'utf8')) as RunReport;
  assert.equal(onDisk.status, 'done');
  assert.equal(onDisk.nodes.a1.status, 'done');
  const types = run.events().map((e) => e.type);
  assert.equal(types[0], 'run.started');
  assert.equal(types.at(-1), 'run.finished');
  assert.deepEqual(run.events().map((e) => e.seq), types.map((_, i) => i + 1));
  assert.ok(types.includes('node.progress'));

  resetProbe();
  const again = await runGraph(chain(), d);
  assert.deepEqual(probe.calls, []);
  assert.deepEqual(Object.values(again.report.nodes).map((n) => n.status), ['cached', 'cached', 'cached']);
  assert.equal(again.report.nodes.a2.summary?.value, 13);
  assert.equal(readFileSync(path.join(d.outDir, 'a2', 'result.txt'), 'utf8'), '13');
  assert.ok(!walk(d.outDir).some((f) => f.includes('.tmp-')));

  // A downstream param change keeps the upstream keys: only a2 reruns.
  resetProbe();
  const g = chain();
  g.nodes[2].params.add = 100;
  const third = await runGraph(g, d);
  assert.deepEqual(probe.calls, ['a2']);
  assert.equal(third.report.nodes.a2.summary?.value, 103);

  // Touching the input file (size + mtime fingerprint) reruns everything.
  resetProbe();
  writeFileSync(path.join(d.dataRoot, 'input.txt'), 'hello, world');
  await runGraph(g, d);
  assert.deepEqual(probe.calls, ['src', 'a1', 'a2']);
});

test('independent branches run concurrently, capped', async () => {
  const d = dirs();
  const g = graph(
    [node('src', 'test.source'), ...[1, 2, 3, 4, 5].map((i) => node(`b${i}`, 'test.add', { sleepMs: 80, add: i }))],
    [1, 2, 3, 4, 5].map((i) => link('src', `b${i}`)),
  );
  const { report } = await runGraph(g, { ...d, concurrency: 3 });
  assert.equal(report.status, 'done');
  assert.equal(probe.maxRunning, 3);
});

test('a failure skips downstream nodes while independent branches continue', async () => {
  const d = dirs();
  const g = graph(
    [node('src', 'test.source'), node('bad', 'test.fail'), node('after', 'test.add'), node('ok', 'test.add', { sleepMs: 40 })],
    [link('src', 'bad'), link('bad', 'after'), link('src', 'ok')],
  );
  const { report, run } = await runGraph(g, d);
  assert.equal(report.status, 'failed');
  assert.equal(report.nodes.bad.status, 'failed');
  assert.equal(report.nodes.bad.error?.details?.param, 'threshold');
  assert.equal(report.nodes.after.status, 'skipped');
  assert.equal(report.nodes.ok.status, 'done');
  const failed = run.events().find((e) => e.type === 'node.failed');
  assert.ok(failed && failed.type === 'node.failed' && failed.message.includes('threshold'));
  assert.equal(run.events().at(-1)?.type, 'run.finished');
  // The failed entry was removed from the cache; nothing of it was published.
  assert.ok(!walk(d.cacheDir).some((f) => f.endsWith('partial.bin')));
  assert.ok(!existsSync(path.join(d.outDir, 'bad')));
});

test('upTo runs only the target and its ancestors', async () => {
  const d = dirs();
  const { report } = await runGraph(chain(), { ...d, upTo: 'a1' });
  assert.equal(report.nodes.a1.status, 'done');
  assert.equal(report.nodes.a2.status, 'skipped');
  assert.deepEqual(probe.calls, ['src', 'a1']);
});

test('cancellation stops the run and leaves no partial files', async () => {
  const d = dirs();
  const g = graph([node('src', 'test.source'), node('slow', 'test.add', { sleepMs: 5000 }), node('next', 'test.add')], [link('src', 'slow'), link('slow', 'next')]);
  const run = createRun(g, nodeCatalog, d);
  run.subscribe(1, (e) => {
    if (e.type === 'node.started' && e.nodeId === 'slow') setTimeout(() => run.cancel(), 30);
  });
  const t0 = Date.now();
  const report = await run.done;
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(report.status, 'cancelled');
  assert.equal(report.nodes.slow.status, 'cancelled');
  assert.equal(report.nodes.next.status, 'cancelled');
  assert.equal(run.events().at(-1)?.type, 'run.cancelled');
  assert.deepEqual(walk(d.outDir), ['run.json']);
  // Only src's complete entry remains in the cache.
  const entries = readdirSync(path.join(d.cacheDir, 'objects'));
  assert.equal(entries.length, 1);
  assert.deepEqual(readdirSync(path.join(d.cacheDir, 'objects', entries[0])), ['meta.json']);
});

test('without a cache, work dirs are removed at the end and outputs stay', async () => {
  const d = dirs();
  const { report } = await runGraph(chain(), { ...d, cacheDir: null });
  assert.equal(report.status, 'done');
  assert.deepEqual(walk(d.outDir), ['a1/result.txt', 'a2/result.txt', 'run.json']);
  assert.ok(!existsSync(d.cacheDir));
});

test('without a cache, run.json output paths point at the published files, and deleted intermediates are null', () => {
  const out = path.join(tmpdir(), 'o');
  const work = path.join(out, '.work', 'classify');
  const outputs = {
    classMap: { kind: 'ClassMap', classFile: path.join(work, 'classes.tif'), store: path.join(work, 'scratch.raw'), classes: ['a', 'b'] },
    other: [path.join(tmpdir(), 'elsewhere.txt'), 3],
  };
  assert.deepEqual(relocateOutputs(outputs, work, out, ['classify/classes.tif']), {
    classMap: { kind: 'ClassMap', classFile: path.join(out, 'classify', 'classes.tif'), store: null, classes: ['a', 'b'] },
    other: [path.join(tmpdir(), 'elsewhere.txt'), 3],
  });
});

test('subscribe replays from a sequence number then follows live', async () => {
  const d = dirs();
  const run = createRun(chain(), nodeCatalog, d);
  await run.done;
  const all = run.events();
  const seen: number[] = [];
  const off = run.subscribe(3, (e) => seen.push(e.seq));
  off();
  assert.deepEqual(seen, all.slice(2).map((e) => e.seq));
  assert.ok(all.every((e) => e.runId === run.id && !Number.isNaN(Date.parse(e.time))));
});

test('two identical nodes in one run compute once (the second is a cache hit)', async () => {
  const d = dirs();
  const g = graph([node('x1', 'test.add', { sleepMs: 40 }), node('x2', 'test.add', { sleepMs: 40 }), node('s', 'test.source')], [link('s', 'x1'), link('s', 'x2')]);
  const { report } = await runGraph(g, d);
  assert.deepEqual(probe.calls.filter((c) => c.startsWith('x')).length, 1);
  assert.deepEqual([report.nodes.x1.status, report.nodes.x2.status].sort(), ['cached', 'done']);
  assert.deepEqual(walk(d.outDir), ['run.json', 'x1/result.txt', 'x2/result.txt']);
});
