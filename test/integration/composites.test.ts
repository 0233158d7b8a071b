// Composites exported by `sentiflow run` on the real fixtures match an independent numpy + GDAL computation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noNumpyGdal, noSharedData, python, repoRoot, sentiflow, sharedData, tempDir, writeGraph } from '../helpers.ts';

interface Case {
  name: string;
  dir: string;
  prefix: string;
  year: number;
  bands: string[];
  cloudLayer: 'probability' | 'scl';
  mask: Record<string, unknown>;
  reference: { layer: string; threshold?: number; classes?: number[] };
  expectNaN?: boolean;
  /** Order-free reducers only: the streaming (date-by-date) path instead of the [date][pixel] stack. */
  streaming?: boolean;
}

const reducers = ['mean', 'std', 'median', 'min', 'max', 'count'];
const quantiles = [0.1, 0.9];
const streamingReducers = ['mean', 'std', 'min', 'max', 'count'];
const indices = ['NDVI', 'NDWI', 'BSI'];

const cases: Case[] = [
  {
    name: 'L1C patch, s2cloudless probability > 20',
    dir: 'eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2015, bands: ['B2', 'B3', 'B4', 'B8', 'B11'],
    cloudLayer: 'probability', mask: { method: 'probability', probabilityThreshold: 20 }, reference: { layer: 'probability', threshold: 20 },
  },
  {
    // A strict threshold masks some pixels on every date, so all-NaN pixels (NaN features, count 0) occur.
    name: 'L1C patch, strict probability > 1',
    dir: 'eolearn-svn-l1c', prefix: 'S2_L1C_svn', year: 2015, bands: ['B2', 'B3', 'B4', 'B8', 'B11'],
    cloudLayer: 'probability', mask: { method: 'probability', probabilityThreshold: 1 }, reference: { layer: 'probability', threshold: 1 },
    expectNaN: true,
  },
  {
    name: 'L2A series 2018, Sen2Cor SCL, streaming reducers',
    dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2018, bands: ['B2', 'B3', 'B4', 'B8', 'B11', 'B12'],
    cloudLayer: 'scl', mask: { method: 'scl', sclClasses: [3, 8, 9, 10] }, reference: { layer: 'scl', classes: [3, 8, 9, 10] },
    streaming: true,
  },
  {
    name: 'L2A series 2019, Sen2Cor SCL',
    dir: 'worldcereal-flanders-31ues', prefix: 'S2_SR_flanders31ues', year: 2019, bands: ['B2', 'B3', 'B4', 'B8', 'B11', 'B12'],
    cloudLayer: 'scl', mask: { method: 'scl', sclClasses: [3, 8, 9, 10] }, reference: { layer: 'scl', classes: [3, 8, 9, 10] },
  },
];

function graphFor(c: Case) {
  const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, version: 1, params });
  const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
  return {
    schema: 'sentiflow/graph@1',
    name: c.name,
    nodes: [
      node('load', 's2.load', { dir: c.dir, prefix: c.prefix, year: c.year, bands: c.bands, cloudLayer: c.cloudLayer }),
      node('mask', 's2.cloudMask', c.mask),
      node('index', 's2.index', { indices }),
      node('agg', 's2.aggregate', c.streaming ? { reducers: streamingReducers } : { reducers, quantiles }),
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

for (const c of cases) {
  test(`composite matches numpy: ${c.name}`, { skip: noSharedData || noNumpyGdal }, () => {
    const work = tempDir('composite');
    const graph = writeGraph(work, graphFor(c));
    const out = join(work, 'out');
    const run = sentiflow(['run', graph, '--data-root', sharedData, '--out', out, '--cache-dir', join(work, 'cache')]);
    assert.equal(run.status, 0, `sentiflow run failed:\n${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    assert.equal(report.status, 'done');
    const exported = join(out, 'export', 'composite.tif');
    const spec = {
      dir: join(sharedData, c.dir), prefix: c.prefix, year: c.year, bands: c.bands, cloud: c.reference,
      indices, reducers: c.streaming ? streamingReducers : reducers, quantiles: c.streaming ? [] : quantiles, exported,
    };
    const result = JSON.parse(python(join(repoRoot, 'test/integration/reference_composite.py'), [JSON.stringify(spec)]));
    assert.deepEqual(result.missing, [], 'every numpy feature is exported under the same name');
    assert.deepEqual(result.exported, result.features, 'features in the notebook order');
    if (c.expectNaN) assert.ok(result.nanCount > 0, 'this case has all-NaN pixels, so the NaN check means something');
    assert.equal(result.nanMismatch, 0, 'NaN exactly where numpy has NaN');
    assert.ok(result.maxRelError <= 1e-4, `max relative error ${result.maxRelError} (${result.worst})`);
  });
}
