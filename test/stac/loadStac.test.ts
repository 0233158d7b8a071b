// s2.loadStac against the offline STAC server built from the real Flanders fixture: composites equal the
// toBands() path bit for bit, a rerun makes no request, faults are retried or reported clearly, cancel
// leaves nothing behind, Planetary Computer-style signing, and a static catalogue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import { nodeCatalog } from '@sentiflow/nodes/catalog.ts';
import { createRun } from '../../apps/runner/src/engine/run.ts';
import type { Graph, RunReport } from '../../apps/runner/src/engine/types.ts';
import { sharedData, tempDir } from '../helpers.ts';
import { buildCatalogue, FIXTURE, noCatalogue, type CatalogueInfo } from './catalogue.ts';
import { startStacServer, type StacServer } from './server.ts';

const skip = noCatalogue && (process.env.CI ? false : noCatalogue);
const PREFIX = 'S2_SR_flanders31ues';
const BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];

let cat: CatalogueInfo;
let server: StacServer;
let dataRoot: string;
const servers: StacServer[] = [];

before(async () => {
  if (skip) return;
  cat = buildCatalogue();
  server = await startStacServer({ root: cat.root });
  servers.push(server);
  dataRoot = tempDir('stac-root');
  // Copies, not links: graph paths are confined to the data root on their real path.
  cpSync(join(sharedData, FIXTURE), join(dataRoot, FIXTURE), { recursive: true });
  cpSync(cat.root, join(dataRoot, 'stac'), { recursive: true });
});
after(async () => {
  for (const s of servers) await s.close();
});

/** The fixture's extent as a lon/lat polygon, 2 m inside each edge (snapping outwards gives the fixture grid). */
function aoi(): Record<string, unknown> {
  const [x0, , , y0] = cat.grid.geoTransform;
  const x1 = x0 + cat.grid.width * 10, y1 = y0 - cat.grid.height * 10;
  const inv = proj4('+proj=utm +zone=31 +datum=WGS84 +units=m +no_defs', '+proj=longlat +datum=WGS84 +no_defs');
  const ring = [[x0 + 2, y0 - 2], [x1 - 2, y0 - 2], [x1 - 2, y1 + 2], [x0 + 2, y1 + 2], [x0 + 2, y0 - 2]].map((p) => inv.forward(p));
  return { type: 'Polygon', coordinates: [ring] };
}

const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, version: 1, params });
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });

function compositeGraph(load: { type: string; params: Record<string, unknown> }): Graph {
  return {
    schema: 'sentiflow/graph@1', name: 'stac composite',
    nodes: [
      node('load', load.type, load.params),
      node('mask', 's2.cloudMask', { method: 'scl' }),
      node('index', 's2.index', { indices: ['NDVI', 'BSI'] }),
      node('agg', 's2.aggregate', { reducers: ['mean', 'std', 'median', 'min', 'max', 'count'], quantiles: [0.1, 0.9] }),
    ],
    links: [link('load', 'series', 'mask', 'series'), link('mask', 'series', 'index', 'series'), link('index', 'series', 'agg', 'series')],
  } as Graph;
}

const stac = (extra: Record<string, unknown> = {}, srv = server) => ({
  type: 's2.loadStac',
  params: { catalog: `${srv.url}/stac`, collection: 'sentiflow-c1-l2a', aoi: aoi(), year: 2019, bands: BANDS, cloudLayer: 'scl', ...extra },
});
const toBands = (year: number) => ({ type: 's2.load', params: { dir: FIXTURE, prefix: PREFIX, year, bands: BANDS, cloudLayer: 'scl' } });

/** cacheDir null: a fresh cache (outputs must stay readable after the run). */
async function run(graph: Graph, cacheDir: string | null, onEvent?: (e: { type: string; nodeId?: string }, cancel: () => void) => void): Promise<RunReport> {
  const work = tempDir('stac-run');
  const r = createRun(graph, nodeCatalog, { dataRoot, outDir: join(work, 'out'), cacheDir: cacheDir ?? join(work, 'cache'), workers: 1 });
  if (onEvent) r.subscribe(0, (e) => onEvent(e as { type: string; nodeId?: string }, () => r.cancel()));
  return r.done;
}

function compositeBytes(report: RunReport): Buffer {
  const agg = report.nodes.agg;
  assert.equal(agg.status === 'done' || agg.status === 'cached', true, JSON.stringify(report.nodes.load.error ?? report.nodes));
  const c = (agg.outputs as { composite: { file: string; features: string[] } }).composite;
  return readFileSync(c.file);
}

function loadSummary(report: RunReport): Record<string, unknown> {
  assert.equal(report.nodes.load.status, 'done', JSON.stringify(report.nodes.load.error));
  return report.nodes.load.summary as Record<string, unknown>;
}

const reference = new Map<number, { bytes: Buffer; dates: string[] }>();
async function referenceOf(year: number) {
  if (!reference.has(year)) {
    const rep = await run(compositeGraph(toBands(year)), tempDir('stac-refcache'));
    reference.set(year, { bytes: compositeBytes(rep), dates: (rep.nodes.load.outputs as { series: { dates: string[] } }).series.dates });
  }
  return reference.get(year)!;
}

test('s2.loadStac 2019: the composite equals the toBands() path bit for bit; duplicates, split overpass, offsets and mis-flags handled; rerun makes no request', { skip }, async () => {
  const cache = tempDir('stac-cache');
  const ref = await referenceOf(2019);
  server.resetStats();
  const first = await run(compositeGraph(stac()), cache);
  const s = loadSummary(first);
  assert.equal(server.stats.searches, 5, 'searched page by page: 50 items, 10 a page');
  assert.ok(server.stats.rangeRequests > 0);
  const bytes = compositeBytes(first);
  assert.equal(bytes.length, ref.bytes.length);
  assert.ok(bytes.equals(ref.bytes), 'composite identical to s2.load on the toBands() export');
  const series = (first.nodes.load.outputs as { series: { dates: string[]; grid: { geoTransform: number[] } } }).series;
  assert.deepEqual(series.dates, ref.dates, 'one date per overpass, the toBands() acquisition times');
  assert.deepEqual(series.grid.geoTransform, cat.grid.geoTransform);
  // what the summary tells the user
  const items = s.items as { id: string; rule: string; subtract: number; tile: string; date: string }[];
  assert.equal(s.dates, 48);
  assert.deepEqual(s.tiles, ['31UES', '31UFS']);
  assert.equal(s.itemsFound, 50, '48 dates + the second tile of the split overpass + the duplicate (decoys filtered by the server)');
  assert.deepEqual((s.duplicatesDropped as { id: string }[]).map((d) => d.id), [`S2A_T31UES_${cat.cases.duplicate.slice(0, 15)}_0_L2A`]);
  const rule = (c: string) => items.find((i) => i.id === `S2A_T31UES_${cat.cases[c].slice(0, 15)}_L2A`)!;
  assert.equal(rule('rb_offset').subtract, 1000);
  assert.match(rule('rb_offset').rule, /raster:bands offset/);
  assert.equal(rule('baseline_only').subtract, 1000);
  assert.match(rule('baseline_only').rule, /baseline 4\.00 >= 04\.00/);
  assert.equal(rule('misflag_applied').subtract, 1000, 'flag says applied, values say +1000 stored');
  assert.match(rule('misflag_applied').rule, /median blue >= 1000/);
  assert.equal(rule('misflag_rb').subtract, 0, 'raster:bands says offset, values have none');
  assert.match(rule('misflag_rb').rule, /are < 1000: not subtracted/);
  assert.equal(items.filter((i) => i.date === cat.cases.split.slice(0, 4) + '-' + cat.cases.split.slice(4, 6) + '-' + cat.cases.split.slice(6, 8)).length, 2);
  assert.ok((s.bytesRead as number) > 0 && (s.requests as number) > 0);
  // the stack is published like a toBands() export
  assert.ok((first.nodes.load.files ?? []).some((f) => /S2_STAC_2019_B2\.tif$/.test(f)));

  server.resetStats();
  const second = await run(compositeGraph(stac()), cache);
  assert.equal(second.nodes.load.status, 'cached');
  assert.equal(server.stats.requests, 0, 'an unchanged graph makes no request at all');
  assert.ok(compositeBytes(second).equals(ref.bytes));
});

test('s2.loadStac 2018 and "2023" (every item stored with +1000): composites equal the toBands() path', { skip }, async () => {
  const r18 = await run(compositeGraph(stac({ year: 2018 })), null);
  assert.ok(compositeBytes(r18).equals((await referenceOf(2018)).bytes));
  const r23 = await run(compositeGraph(stac({ year: 2023 })), null);
  const s = loadSummary(r23);
  assert.deepEqual(s.offsetRules, { minus1000: 48 });
  assert.ok(compositeBytes(r23).equals((await referenceOf(2019)).bytes), 'the 2019 acquisitions stored with the offset harmonise back exactly');
});

test('s2.loadStac: 429 with Retry-After, 5xx and a timeout are retried; GET paging works', { skip }, async () => {
  process.env.SENTIFLOW_STAC_TIMEOUT_MS = '400';
  process.env.SENTIFLOW_STAC_BACKOFF_MS = '20';
  const srv = await startStacServer({ root: cat.root, getPaging: true });
  servers.push(srv);
  try {
    srv.faults.push(
      { path: /^\/stac\/search/, times: 2, status: 429, retryAfter: '1' },
      { path: /^\/cogs\//, times: 2, status: 503 },
      { path: /^\/cogs\//, times: 1, status: 500 },
      { path: /^\/cogs\//, times: 1, hang: true },
    );
    const rep = await run(compositeGraph(stac({ year: 2018 }, srv)), null);
    const s = loadSummary(rep);
    assert.equal(srv.stats.faults, 6);
    assert.ok((s.retries as number) >= 6, `retries ${s.retries}`);
    assert.ok(compositeBytes(rep).equals((await referenceOf(2018)).bytes));

    srv.faults.push({ path: /^\/stac\/search/, times: 100, status: 503 });
    const down = await run(compositeGraph(stac({ year: 2018 }, srv)), null);
    assert.equal(down.nodes.load.status, 'failed');
    assert.match(down.nodes.load.error!.message, /STAC search \(page 1\) failed after 6 attempts: 127\.0\.0\.1:\d+ gave HTTP 503/);
    assert.equal(down.nodes.load.error!.details?.param, 'catalog');
    srv.faults.length = 0;
  } finally {
    delete process.env.SENTIFLOW_STAC_TIMEOUT_MS;
    delete process.env.SENTIFLOW_STAC_BACKOFF_MS;
  }
});

test('s2.loadStac: a server without Range support gets a clear error; a 404 names the catalogue', { skip }, async () => {
  const srv = await startStacServer({ root: cat.root, noRange: true });
  servers.push(srv);
  const rep = await run(compositeGraph(stac({ year: 2018 }, srv)), null);
  assert.equal(rep.nodes.load.status, 'failed');
  assert.match(rep.nodes.load.error!.message, /127\.0\.0\.1:\d+ does not support HTTP range requests/);
  assert.equal(rep.nodes.agg.status, 'skipped');
  const missing = await run(compositeGraph(stac({ catalog: `${server.url}/nope` })), null);
  assert.match(missing.nodes.load.error!.message, /answered HTTP 404.*Check the catalogue URL/);
});

test('s2.loadStac: cancel during the download leaves nothing behind', { skip }, async () => {
  const cache = tempDir('stac-cancel');
  let cancelled = false;
  const rep = await run(compositeGraph(stac()), cache, (e, cancel) => {
    if (!cancelled && e.type === 'node.progress' && e.nodeId === 'load') {
      cancelled = true;
      cancel();
    }
  });
  assert.ok(cancelled, 'the download reported progress');
  assert.equal(rep.status, 'cancelled');
  assert.equal(rep.nodes.load.status, 'cancelled');
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => d.name) : []);
  assert.deepEqual(files(cache).filter((f) => /\.tif|scratch|tmp/.test(f)), [], 'no stack, scratch or temporary file left in the cache');
});

test('s2.loadStac: Planetary Computer-style SAS signing of hrefs; a static catalogue in the data root', { skip }, async () => {
  const srv = await startStacServer({ root: cat.root, requireToken: 'secret' });
  servers.push(srv);
  const unsigned = await run(compositeGraph(stac({ year: 2018 }, srv)), null);
  assert.match(unsigned.nodes.load.error!.message, /answered HTTP 403.*must be signed/);
  const signed = await run(compositeGraph(stac({ year: 2018, tokenEndpoint: `${srv.url}/sas/token` }, srv)), null);
  assert.ok(compositeBytes(signed).equals((await referenceOf(2018)).bytes));
  assert.equal(srv.stats.tokens, 1, 'one token per collection, reused for every href');

  const local = await run(compositeGraph({ type: 's2.loadStac', params: { ...stac({ year: 2018 }).params, catalog: 'stac/static/catalog.json' } }), null);
  assert.ok(compositeBytes(local).equals((await referenceOf(2018)).bytes));
});
