// Validation catches what a run would reject (issue 13 item 5): node checks against the data, humanised
// schema messages, and the same words from the run itself on a real fixture.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeCatalog } from '../packages/nodes/src/catalog.ts';
import { s2Load } from '../packages/nodes/src/nodes/s2Load.ts';
import { scanExportNames } from '../packages/nodes/src/io/exportScan.ts';
import { writeGeoTiff } from '../packages/nodes/src/io/geotiff/write.ts';
import { validateGraph } from '../apps/runner/src/engine/validate.ts';
import { formatProblem } from '../apps/runner/src/engine/problems.ts';
import { noSharedData, sharedData, tempDir } from './helpers.ts';

const BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
const root = tempDir('checks');
mkdirSync(join(root, 'demo', 'labels'), { recursive: true });
// Real (tiny) GeoTIFFs: validation reads every file's header.
const tiny = join(root, 'tiny.tif');
await writeGeoTiff(tiny, {
  grid: { width: 16, height: 16, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: 32621 } },
  bandCount: 1, dataType: 'uint16', noData: 0, descriptions: ['20190105T141049_20190105T141044_T21NYF'],
  readWindow: async (win) => [new Uint16Array(win.width * win.height)],
});
for (const y of [2019, 2022]) for (const b of [...BANDS, 'probability']) copyFileSync(tiny, join(root, 'demo', `S2_SR_demo_${y}_${b}.tif`));
writeFileSync(join(root, 'demo', 'labels', '2019_forest.shp'), '');
writeFileSync(join(root, 'demo', 'labels', '2019_forest.dbf'), '');

const node = (id: string, type: string, params: Record<string, unknown>, label?: string) => ({ id, type, version: 1, params, ...(label ? { label } : {}) });
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
const graph = (nodes: unknown[], links: unknown[] = []) => ({ schema: 'sentiflow/graph@1', name: 't', nodes, links });
const validate = (g: unknown) => validateGraph(g, nodeCatalog, { dataRoot: root }).problems.map(formatProblem);

test('schema messages read as sentences naming node and param', () => {
  const lines = validate(graph([node('load19', 's2.load', { prefix: 'S2_SR_demo', year: 2000 })]));
  assert.ok(lines.includes('Load Sentinel-2 (load19): choose a folder (dir)'), lines.join('\n'));
  assert.ok(lines.includes('Load Sentinel-2 (load19): year must be 2015 or later'), lines.join('\n'));
  assert.ok(!lines.some((l) => /Invalid input|Too small|expected string/.test(l)), lines.join('\n'));
});

test('a year, prefix, band or cloud layer with no files is caught before the run, naming what exists', () => {
  const load = (p: Record<string, unknown>) => validate(graph([node('load', 's2.load', { dir: 'demo', prefix: 'S2_SR_demo', year: 2019, ...p }, 'S2')]));
  assert.deepEqual(load({}), []);
  assert.deepEqual(load({ year: 2031 }), ['S2 (load): no 2031 files for prefix S2_SR_demo in demo/; years found: 2019, 2022 (year)']);
  assert.deepEqual(load({ prefix: 'S2_SR' }), ['S2 (load): no files with prefix S2_SR in demo/; prefixes found: S2_SR_demo (prefix)']);
  assert.match(load({ bands: ['B2', 'B1'] })[0], /band B1 is not in demo\/ .*remove it from bands/);
  assert.match(load({ cloudLayer: 'scl' })[0], /no scene classification .*set cloudLayer to "probability" or "none"/);
  assert.match(load({ dir: 'demo/S2_SR_demo_2019_B2.tif' })[0], /is a file, not a folder: choose the folder that holds it \("demo"\)/);
  assert.match(load({ dir: 'demo/labels' })[0], /no Sentinel-2 export files .* in demo\/labels\//);
});

test('custom index names and formulas are checked against the loaded bands', () => {
  const lines = validate(
    graph(
      [
        node('load', 's2.load', { dir: 'demo', prefix: 'S2_SR_demo', year: 2019, bands: ['B4', 'B8'], cloudLayer: 'none' }),
        node('idx', 's2.index', { indices: ['NDVI', 'NDWI'], custom: [{ name: '2x', expression: 'B8*2' }, { name: 'RE', expression: 'B8 - B5' }, { name: 'NDVI', expression: 'B8' }, { name: 'Q', expression: '(B8 -' }] }),
        node('agg', 's2.aggregate', { variables: ['NDVI', 'SAVI'] }),
      ],
      [link('load', 'series', 'idx', 'series'), link('idx', 'series', 'agg', 'series')],
    ),
  );
  const text = lines.join('\n');
  assert.match(text, /NDWI = .* needs bands that are not loaded .*B3/);
  assert.match(text, /custom index 1 "2x": the name must start with a letter/);
  assert.match(text, /custom index 2 "RE": in the formula "B8 - B5", unknown name 'B5' \(available: B4, B8\)/);
  assert.match(text, /custom index 3 "NDVI": the name is already used/);
  assert.match(text, /custom index 4 "Q": in the formula "\(B8 -", unexpected end/);
  assert.match(text, /variable "SAVI" is not in the series/);
  assert.ok(!/variable "NDVI"/.test(text), text);
});

test('polygons: folder vs file, missing .prj; export file names', () => {
  const lines = validate(graph([node('a', 'vector.load', { path: 'demo/S2_SR_demo_2019_B2.tif' }), node('b', 'vector.load', { path: 'demo/labels' }), node('e', 'raster.export', { fileName: 'out/x.png' })]));
  const text = lines.join('\n');
  assert.match(text, /\(a\): "demo\/S2_SR_demo_2019_B2.tif" is not a shapefile or GeoJSON file/);
  assert.match(text, /\(b\): 2019_forest.shp has no .prj file/);
  assert.match(text, /\(e\): file name "out\/x.png" must be a plain name ending in .tif/);
});

test('folder scan lists prefixes, years, bands and cloud layers from file names (split tiles too)', () => {
  const scan = scanExportNames(['A_2022_B8.tif', 'A_2019_B2-0000000000-0000000000.tif', 'A_2019_B2-0000000000-0000002048.tif', 'A_2019_probability.tif', 'B_2020_SCL.tif', 'notes.txt', 'A_2019_B8A.tif', 'A_2019_B11.tif']);
  assert.deepEqual(scan, [
    { prefix: 'A', years: [{ year: 2019, bands: ['B2', 'B8A', 'B11'], cloudLayers: ['probability'] }, { year: 2022, bands: ['B8'], cloudLayers: [] }] },
    { prefix: 'B', years: [{ year: 2020, bands: [], cloudLayers: ['scl'] }] },
  ]);
});

const skip = noSharedData && (process.env.CI ? false : noSharedData);
test('the run says the same as validation for a year with no files (real fixture)', { skip }, async () => {
  const dataRoot = join(sharedData, '..');
  const params = s2Load.params.parse({ dir: 'data/eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2031 });
  const problems = validateGraph(graph([node('l', 's2.load', { dir: 'data/eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2031 })]), nodeCatalog, { dataRoot }).problems;
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /^no 2031 files for prefix S2_L1C_svn in data\/eolearn-svn-l1c\/; years found: 2015 \(year\)$/);
  const ctx = { nodeId: 'l', dataRoot, workDir: tempDir('w'), signal: new AbortController().signal, pool: null as never, progress() {}, resolvePath: (r: string) => join(dataRoot, r) };
  await assert.rejects(s2Load.run(ctx, {}, params), (e: Error) => e.message === problems[0].message);
  // And a graph that validates also loads.
  const ok = s2Load.params.parse({ dir: 'data/eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2015 });
  assert.deepEqual(validateGraph(graph([node('l', 's2.load', ok)]), nodeCatalog, { dataRoot }).problems, []);
  const res = await s2Load.run(ctx, {}, ok);
  assert.ok(res.outputs.series.dates.length > 0);
});

test('cloud mask method vs the loader cloud layer, reference band; exported feature names', () => {
  const load = node('load', 's2.load', { dir: 'demo', prefix: 'S2_SR_demo', year: 2019, bands: ['B4', 'B8'] });
  const lines = validate(
    graph(
      [load, node('m1', 's2.cloudMask', { method: 'scl' }), node('m2', 's2.cloudMask', { method: 'reference', referenceBand: 'B2' }), node('agg', 's2.aggregate', { reducers: ['mean', 'std'], quantiles: [0.1] }), node('ex', 'raster.export', { features: ['B4_mean', 'B8_q10', 'B2_mean', 'B4_mean'] })],
      [link('load', 'series', 'm1', 'series'), link('load', 'series', 'm2', 'series'), link('m1', 'series', 'agg', 'series'), link('agg', 'composite', 'ex', 'composite')],
    ),
  ).join('\n');
  assert.match(lines, /\(m1\): method "scl" needs the loader's cloudLayer set to "scl" \(it is "probability"\)/);
  assert.match(lines, /\(m2\): method "reference" needs band B2, which the loader does not load/);
  assert.match(lines, /\(ex\): feature "B2_mean" is not in the composite \(it has B4_mean, B4_std, B4_q10, B8_mean/);
  assert.match(lines, /\(ex\): feature "B4_mean" is listed twice/);
  assert.ok(!/B8_q10"/.test(lines), lines);
});
