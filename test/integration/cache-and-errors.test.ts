// The cache as a user sees it (reruns, a changed reducer) and bad inputs failing the right node, on real fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noSharedData, sentiflow, sharedData, tempDir, writeGraph } from '../helpers.ts';

const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, version: 1, params });
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });

function compositeGraph(options: { dir?: string; reducers?: string[]; custom?: { name: string; expression: string }[] } = {}) {
  return {
    schema: 'sentiflow/graph@1',
    name: 'flanders composite',
    nodes: [
      node('load', 's2.load', { dir: options.dir ?? 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2018, cloudLayer: 'scl' }),
      node('mask', 's2.cloudMask', { method: 'scl' }),
      node('index', 's2.index', { indices: ['NDVI'], custom: options.custom ?? [] }),
      node('agg', 's2.aggregate', { reducers: options.reducers ?? ['mean'] }),
      node('export', 'raster.export', { fileName: 'composite.tif' }),
    ],
    links: [
      link('load', 'series', 'mask', 'series'),
      link('mask', 'series', 'index', 'series'),
      link('index', 'series', 'agg', 'series'),
      link('agg', 'composite', 'export', 'composite'),
    ],
  };
}

function statuses(out: string): Record<string, string> {
  const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  return Object.fromEntries(Object.entries(report.nodes).map(([id, n]) => [id, (n as { status: string }).status]));
}

/** Every file under a folder, recursively (to find leftovers of a failed run). */
function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

test('rerun is fully cached; a changed reducer recomputes only aggregate and its consumers', { skip: noSharedData }, () => {
  const work = tempDir('cache');
  const cache = join(work, 'cache');
  const run = (graph: object, out: string) => {
    const res = sentiflow(['run', writeGraph(work, graph), '--data-root', sharedData, '--out', join(work, out), '--cache-dir', cache]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    return statuses(join(work, out));
  };
  assert.deepEqual(run(compositeGraph(), 'first'), { load: 'done', mask: 'done', index: 'done', agg: 'done', export: 'done' });
  assert.deepEqual(run(compositeGraph(), 'second'), { load: 'cached', mask: 'cached', index: 'cached', agg: 'cached', export: 'cached' });
  assert.ok(existsSync(join(work, 'second', 'export', 'composite.tif')), 'cached outputs are still delivered to --out');
  assert.deepEqual(run(compositeGraph({ reducers: ['mean', 'std'] }), 'third'), {
    load: 'cached', mask: 'cached', index: 'cached', agg: 'done', export: 'done',
  });
});

test('an unknown band in a custom expression is refused before the run, naming the index, and writes nothing', { skip: noSharedData }, () => {
  const work = tempDir('expr');
  const out = join(work, 'out');
  const graph = compositeGraph({ custom: [{ name: 'RED_EDGE', expression: '(B8 - B5) / (B8 + B99)' }] });
  const res = sentiflow(['run', writeGraph(work, graph), '--data-root', sharedData, '--out', out, '--no-cache']);
  assert.equal(res.status, 1);
  assert.match(res.stderr, /custom index 1 "RED_EDGE": in the formula "\(B8 - B5\) \/ \(B8 \+ B99\)", unknown name 'B99'/);
  assert.deepEqual(existsSync(out) ? allFiles(out) : [], []);
});

test('a missing band file and a file on another grid are each refused for s2.load naming the file', { skip: noSharedData }, () => {
  const work = tempDir('grid');
  const data = join(work, 'data');
  const dir = join(data, 'flanders');
  mkdirSync(dir, { recursive: true });
  const src = join(sharedData, 'worldcereal-flanders-31ues');
  for (const f of readdirSync(src).filter((f) => f.includes('_2018_') && f.endsWith('.tif') && !f.includes('_B12'))) copyFileSync(join(src, f), join(dir, f));

  let res = sentiflow(['run', writeGraph(work, compositeGraph({ dir: 'flanders' })), '--data-root', data, '--out', join(work, 'missing'), '--no-cache']);
  // Caught by validation, before the run: the band has no file for that year.
  assert.equal(res.status, 1);
  assert.match(res.stderr, /band B12 is not in flanders\/ for S2_SR_flanders31ues 2018 .*remove it from bands/);
  assert.ok(!existsSync(join(work, 'missing', 'run.json')));

  // B12 taken from the Slovenian L1C patch: another grid and CRS.
  copyFileSync(join(sharedData, 'eolearn-svn-l1c', 'S2_L1C_svn_2015_B12.tif'), join(dir, 'S2_SR_flanders31ues_2018_B12.tif'));
  res = sentiflow(['run', writeGraph(work, compositeGraph({ dir: 'flanders' })), '--data-root', data, '--out', join(work, 'grid'), '--no-cache']);
  // Caught by validation too (the files' headers are read before the run), naming both files.
  assert.equal(res.status, 1);
  assert.match(res.stderr, /flanders\/S2_SR_flanders31ues_2018_B12\.tif is on a different grid than flanders\/S2_SR_flanders31ues_2018_B2\.tif/);
  assert.ok(!existsSync(join(work, 'grid', 'run.json')));
  assert.ok(!existsSync(join(work, 'grid', 'export')), 'no export folder after a refused run');
});

test('a corrupt tile in one band file fails s2.aggregate naming the file and tile; nothing is exported', { skip: noSharedData }, () => {
  const work = tempDir('corrupt');
  const data = join(work, 'data');
  const dir = join(data, 'flanders');
  mkdirSync(dir, { recursive: true });
  const src = join(sharedData, 'worldcereal-flanders-31ues');
  for (const f of readdirSync(src).filter((f) => f.includes('_2018_') && f.endsWith('.tif'))) copyFileSync(join(src, f), join(dir, f));
  // Overwrite bytes in the middle of B8's (single) tile: the DEFLATE stream no longer decodes.
  const b8 = join(dir, 'S2_SR_flanders31ues_2018_B8.tif');
  const bytes = readFileSync(b8);
  bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64);
  writeFileSync(b8, bytes);
  const out = join(work, 'out');
  const res = sentiflow(['run', writeGraph(work, compositeGraph({ dir: 'flanders' })), '--data-root', data, '--out', out, '--cache-dir', join(work, 'cache')]);
  assert.equal(res.status, 1);
  const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(report.nodes.agg.status, 'failed');
  assert.match(report.nodes.agg.error.message, /S2_SR_flanders31ues_2018_B8\.tif: tile 0,0/);
  assert.equal(report.nodes.export.status, 'skipped');
  assert.deepEqual(allFiles(out).map((f) => f.slice(out.length + 1)), ['run.json']);
  assert.ok(!allFiles(join(work, 'cache')).some((f) => f.endsWith('.f32') || f.endsWith('.tif')), 'no partial composite left in the cache');
});

test('sentiflow validate lists every problem of a malformed graph with node and param', { skip: noSharedData }, () => {
  const work = tempDir('validate');
  const graph = compositeGraph();
  graph.nodes[0].params = { ...graph.nodes[0].params, year: 'last year' } as never;
  graph.nodes[3].params = { reducers: ['mean', 'mode'] };
  graph.nodes.push(node('export', 'raster.export', {}));
  graph.nodes.push(node('x', 'no.such.node', {}));
  graph.nodes.push(node('export2', 'raster.export', { fileName: 'b.tif' }));
  graph.links.push(link('load', 'series', 'export2', 'composite'));
  const res = sentiflow(['validate', writeGraph(work, graph), '--data-root', sharedData]);
  assert.equal(res.status, 1);
  const text = res.stdout + res.stderr;
  for (const expected of [/load.*year/s, /agg.*reducers/s, /duplicate/i, /no\.such\.node/, /TimeSeries.*Composite|Composite.*TimeSeries/s]) {
    assert.match(text, expected);
  }
});
