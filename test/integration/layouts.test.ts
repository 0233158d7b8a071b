// Composites (s2.aggregate through the real nodes, `sentiflow run`) are bit-identical across GeoTIFF layouts of the
// same pixels — made by gdal_translate from the real L2A fixture — including a stack that mixes layouts between
// files, match numpy, and the run summary names the read path each file took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianPython, noNumpyGdal, noSharedData, python, repoRoot, sentiflow, sharedData, tempDir, writeGraph } from '../helpers.ts';

const reason = noSharedData || noNumpyGdal || (spawnSync('gdal_translate', ['--version']).status !== 0 && 'no gdal_translate');
const skip = reason && (process.env.CI ? false : reason);

const prefix = 'S2_SR_flanders31ues';
const year = 2019;
const bands = ['B2', 'B3', 'B4', 'B8', 'B11', 'B12'];
const files = [...bands, 'SCL'];
const reducers = ['mean', 'std', 'median', 'min', 'max', 'count'];
const quantiles = [0.1, 0.9];
const indices = ['NDVI', 'NDWI', 'BSI'];
const co = (...kv: string[]) => kv.flatMap((s) => ['-co', s]);
const tiles = co('TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=32');
const strips = co('TILED=NO', 'BLOCKYSIZE=5');

/** Layout name -> gdal_translate options for each file (a function of the file's position for the mixed stack). */
const layouts: Record<string, (i: number) => string[]> = {
  pixelDeflate: () => [...co('COMPRESS=DEFLATE', 'PREDICTOR=2', 'INTERLEAVE=PIXEL'), ...tiles],
  bandDeflate: () => [...co('COMPRESS=DEFLATE', 'PREDICTOR=2', 'INTERLEAVE=BAND'), ...tiles],
  bandLzwStriped: () => [...co('COMPRESS=LZW', 'PREDICTOR=2', 'INTERLEAVE=BAND'), ...strips],
  pixelZstdStriped: () => [...co('COMPRESS=ZSTD', 'INTERLEAVE=PIXEL'), ...strips],
  bigEndianNone: () => [...co('COMPRESS=NONE', 'INTERLEAVE=BAND', 'ENDIANNESS=BIG'), ...tiles],
  bigTiffCog: () => ['-of', 'COG', ...co('COMPRESS=DEFLATE', 'PREDICTOR=2', 'BIGTIFF=YES', 'BLOCKSIZE=32')],
  mixed: (i) => [
    [...co('COMPRESS=DEFLATE', 'INTERLEAVE=BAND'), ...tiles],
    [...co('COMPRESS=LZW', 'INTERLEAVE=PIXEL'), ...strips],
    [...co('COMPRESS=ZSTD', 'PREDICTOR=2', 'INTERLEAVE=BAND'), ...strips],
    [...co('COMPRESS=NONE', 'ENDIANNESS=BIG'), ...tiles],
  ][i % 4],
};

interface Scene {
  load: Record<string, unknown>;
  mask: Record<string, unknown>;
  aggregate: Record<string, unknown>;
}

const flanders: Scene = {
  load: { prefix, year, bands, cloudLayer: 'scl' },
  mask: { method: 'scl', sclClasses: [3, 8, 9, 10] },
  aggregate: { reducers, quantiles },
};

function graph(names: string[] = Object.keys(layouts), scene: Scene = flanders) {
  const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, version: 1, params });
  const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
  return {
    schema: 'sentiflow/graph@1',
    name: 'one scene, every layout',
    nodes: names.flatMap((n) => [
      node(`load_${n}`, 's2.load', { dir: n, ...scene.load }),
      node(`mask_${n}`, 's2.cloudMask', scene.mask),
      node(`index_${n}`, 's2.index', { indices }),
      node(`agg_${n}`, 's2.aggregate', scene.aggregate),
      node(`export_${n}`, 'raster.export', { fileName: `${n}.tif` }),
    ]),
    links: names.flatMap((n) => [
      link(`load_${n}`, 'series', `mask_${n}`, 'series'),
      link(`mask_${n}`, 'series', `index_${n}`, 'series'),
      link(`index_${n}`, 'series', `agg_${n}`, 'series'),
      link(`agg_${n}`, 'composite', `export_${n}`, 'composite'),
    ]),
  };
}

test('composites are bit-identical across every layout of the same pixels, and match numpy', { skip }, () => {
  const root = tempDir('layouts');
  for (const [name, opts] of Object.entries(layouts)) {
    mkdirSync(join(root, name));
    files.forEach((f, i) => {
      execFileSync('gdal_translate', ['-q', ...opts(i), join(sharedData, 'worldcereal-flanders-31ues', `${prefix}_${year}_${f}.tif`), join(root, name, `${prefix}_${year}_${f}.tif`)]);
    });
  }
  const out = join(root, 'out');
  const run = sentiflow(['run', writeGraph(root, graph()), '--data-root', root, '--out', out, '--cache-dir', join(root, 'cache')]);
  assert.equal(run.status, 0, `sentiflow run failed:\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  for (const name of Object.keys(layouts)) {
    const paths = report.nodes[`agg_${name}`].summary.readPaths as Record<string, string>;
    assert.deepEqual(Object.keys(paths).sort(), files.map((f) => `${prefix}_${year}_${f}.tif`).sort(), name);
    for (const p of Object.values(paths)) assert.match(p, /^direct\//, `${name}: ${JSON.stringify(paths)}`);
  }
  const mixed = report.nodes.agg_mixed.summary.readPaths as Record<string, string>;
  assert.equal(mixed[`${prefix}_${year}_B2.tif`], 'direct/deflate/band-interleaved/tiled');
  assert.equal(mixed[`${prefix}_${year}_B3.tif`], 'direct/lzw/pixel-interleaved/striped');
  assert.equal(mixed[`${prefix}_${year}_B4.tif`], 'direct/zstd/band-interleaved/striped/predictor-2');
  assert.equal(mixed[`${prefix}_${year}_B8.tif`], 'direct/none/pixel-interleaved/tiled/big-endian');
  // Every exported composite, read by GDAL, bit for bit (NaN payloads included) equal to the first.
  const exported = Object.keys(layouts).map((n) => join(out, `export_${n}`, `${n}.tif`));
  const diff = execFileSync(debianPython, ['-c', `
import sys, json
from osgeo import gdal
ref = gdal.Open(sys.argv[1]).ReadAsArray()
print(json.dumps({f: int((gdal.Open(f).ReadAsArray().view('u4') != ref.view('u4')).sum()) for f in sys.argv[2:]}))`, ...exported], { encoding: 'utf8' });
  for (const [f, n] of Object.entries(JSON.parse(diff) as Record<string, number>)) assert.equal(n, 0, `${f}: ${n} values differ from ${exported[0]}`);
  const spec = {
    dir: join(root, 'mixed'), prefix, year, bands, cloud: { layer: 'scl', classes: [3, 8, 9, 10] }, indices, reducers, quantiles, exported: exported.at(-1),
  };
  const result = JSON.parse(python(join(repoRoot, 'test/integration/reference_composite.py'), [JSON.stringify(spec)]));
  assert.deepEqual(result.missing, []);
  assert.equal(result.nanMismatch, 0, 'NaN exactly where numpy has NaN');
  assert.ok(result.maxRelError <= 1e-4, `max relative error ${result.maxRelError} (${result.worst})`);
});

// The default graph's path: a probability mask with mean and count, which runs the WebAssembly SIMD kernel, and
// dates masked over whole windows, which band-interleaved files do not decode. The L1C fixture has one such
// date, and one on which only 20 of its 10,100 pixels are clear (which must still be read).
test('probability mask, mean + count (SIMD kernel, fully cloudy dates not decoded): same bytes in every layout, as the JavaScript kernel, as numpy', { skip }, () => {
  const root = tempDir('layouts-l1c');
  const l1c = 'S2_L1C_svn';
  const l1cBands = ['B2', 'B3', 'B4', 'B8', 'B11', 'B12'];
  const l1cLayouts = ['pixelDeflate', 'bandDeflate', 'bandLzwStriped', 'mixed'];
  for (const name of l1cLayouts) {
    mkdirSync(join(root, name));
    [...l1cBands, 'probability'].forEach((f, i) => {
      execFileSync('gdal_translate', ['-q', ...layouts[name](i), join(sharedData, 'eolearn-svn-l1c', `${l1c}_2015_${f}.tif`), join(root, name, `${l1c}_2015_${f}.tif`)]);
    });
  }
  const scene: Scene = {
    load: { prefix: l1c, year: 2015, bands: l1cBands, cloudLayer: 'probability' },
    mask: { method: 'probability', probabilityThreshold: 20 },
    aggregate: { reducers: ['mean', 'count'] },
  };
  const runWith = (kernel: 'js' | 'simd') => {
    const out = join(root, `out-${kernel}`);
    const before = process.env.SENTIFLOW_KERNEL;
    process.env.SENTIFLOW_KERNEL = kernel === 'js' ? 'js' : '';
    const run = sentiflow(['run', writeGraph(root, graph(l1cLayouts, scene), `graph-${kernel}.json`), '--data-root', root, '--out', out, '--cache-dir', join(root, `cache-${kernel}`)]);
    if (before === undefined) delete process.env.SENTIFLOW_KERNEL;
    else process.env.SENTIFLOW_KERNEL = before;
    assert.equal(run.status, 0, `sentiflow run (${kernel}) failed:\n${run.stdout}\n${run.stderr}`);
    return { out, report: JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) };
  };
  const simd = runWith('simd');
  const js = runWith('js');
  for (const name of l1cLayouts) {
    const summary = simd.report.nodes[`agg_${name}`].summary;
    // One window (the fixture is 100 x 101 px); on date 3 every pixel is above 20, on date 2 all but 20 are.
    assert.equal(summary.fullyCloudyWindowDates, '1 of 5', name);
  }
  const exported = [...l1cLayouts.map((n) => join(simd.out, `export_${n}`, `${n}.tif`)), ...l1cLayouts.map((n) => join(js.out, `export_${n}`, `${n}.tif`))];
  const diff = execFileSync(debianPython, ['-c', `
import sys, json
from osgeo import gdal
ref = gdal.Open(sys.argv[1]).ReadAsArray()
print(json.dumps({f: int((gdal.Open(f).ReadAsArray().view('u4') != ref.view('u4')).sum()) for f in sys.argv[2:]}))`, ...exported], { encoding: 'utf8' });
  for (const [f, n] of Object.entries(JSON.parse(diff) as Record<string, number>)) assert.equal(n, 0, `${f}: ${n} values differ from ${exported[0]}`);
  const spec = {
    dir: join(root, 'mixed'), prefix: l1c, year: 2015, bands: l1cBands, cloud: { layer: 'probability', threshold: 20 }, indices, reducers: ['mean', 'count'], quantiles: [], exported: exported[l1cLayouts.length - 1],
  };
  const result = JSON.parse(python(join(repoRoot, 'test/integration/reference_composite.py'), [JSON.stringify(spec)]));
  assert.deepEqual(result.missing, []);
  assert.equal(result.nanMismatch, 0, 'NaN exactly where numpy has NaN');
  assert.ok(result.maxRelError <= 1e-4, `max relative error ${result.maxRelError} (${result.worst})`);
});
