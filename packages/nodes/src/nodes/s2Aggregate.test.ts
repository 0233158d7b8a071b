/** s2.cloudMask, s2.index and s2.aggregate on the real fixtures, with the real chunk task code in-process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import { inlinePool } from '../chunkTask.ts';
import type { TimeSeries } from '../values.ts';
import { chunkTasks } from '../tasks.ts';
import { readCompositeWindow } from '../raster/compositeStore.ts';
import { evaluateCompositeWindow } from '../raster/evaluateComposite.ts';
import { s2Load } from './s2Load.ts';
import { s2CloudMask } from './s2CloudMask.ts';
import { s2Index } from './s2Index.ts';
import { s2Aggregate } from './s2Aggregate.ts';
import { needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const DATA = sharedDataDir;
const skip = needs(sharedData('eolearn-svn-l1c'));

const pool = inlinePool(chunkTasks);

function ctx(workDir: string, signal = new AbortController().signal, progress: NodeContext['progress'] = () => {}): NodeContext {
  return { nodeId: 'n', dataRoot: DATA, workDir, signal, pool, progress, resolvePath: (rel: string) => resolve(DATA, rel) };
}

async function load(dir: string, prefix: string, year: number, cloudLayer: string, bands?: string[]): Promise<TimeSeries> {
  const res = await s2Load.run(ctx(tmpdir()), {}, s2Load.params.parse({ dir, prefix, year, cloudLayer, ...(bands ? { bands } : {}) }));
  return res.outputs.series;
}

async function rejectsWith(p: Promise<unknown>, param: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof NodeError, String(e));
    assert.equal(e.details.param, param);
    assert.match(e.message, re);
    return true;
  });
}

const mask = (s: TimeSeries, p: Record<string, unknown>) => s2CloudMask.run(ctx(tmpdir()), { series: s }, s2CloudMask.params.parse(p));
const index = (s: TimeSeries, p: Record<string, unknown>) => s2Index.run(ctx(tmpdir()), { series: s }, s2Index.params.parse(p));

test('s2.cloudMask: specs and errors naming the s2.load setting', { skip }, async () => {
  const l2a = await load('worldcereal-flanders-31ues', 'S2_SR_flanders31ues', 2018, 'scl');
  await rejectsWith(mask(l2a, {}), 'method', /cloud probability layer, but the series has the scl layer: set s2\.load's cloudLayer to "probability"/);
  assert.deepEqual((await mask(l2a, { method: 'scl', sclClasses: [9, 8, 3, 8] })).outputs.series.mask, { method: 'scl', classes: [3, 8, 9] });
  const ref = (await mask(l2a, { method: 'reference' })).outputs.series.mask;
  assert.deepEqual(ref, { method: 'reference', threshold: 0.04, referenceBand: 'B2', lowestFraction: 0.1, bands: ['B2'], statistic: 'lowestMean', combine: 'any' });
  assert.deepEqual((await mask(l2a, { method: 'reference', referencePreset: 'workshop' })).outputs.series.mask,
    { method: 'reference', threshold: 0.1, referenceBand: 'B2', lowestFraction: 0.1, bands: ['B2'], statistic: 'quantile', quantile: 0.1, combine: 'any' });
  assert.deepEqual((await mask(l2a, { method: 'reference', referencePreset: 'report', referenceThreshold: 0.05 })).outputs.series.mask,
    { method: 'reference', threshold: 0.05, referenceBand: 'B2', lowestFraction: 0.1, bands: ['B2', 'B3', 'B4'], statistic: 'lowestMean', combine: 'all' });
  assert.deepEqual(s2CloudMask.migrations![1]({ method: 'reference', referenceBand: 'B3' }), { method: 'reference', referenceBands: ['B3'] });
  const noB2 = await load('worldcereal-flanders-31ues', 'S2_SR_flanders31ues', 2018, 'none', ['B4', 'B8']);
  await rejectsWith(mask(noB2, { method: 'reference' }), 'referenceBands', /needs band B2, which is not loaded \(loaded: B4, B8\)/);
  await rejectsWith(mask(noB2, { method: 'scl' }), 'method', /series has no cloud layer: set s2\.load's cloudLayer to "scl"/);
  assert.deepEqual((await mask(noB2, { method: 'none' })).outputs.series.mask, { method: 'none' });
  const l1c = await load('eolearn-svn-l1c', 'S2_L1C_svn', 2015, 'probability', ['B2', 'B4', 'B8']);
  assert.deepEqual((await mask(l1c, { probabilityThreshold: 35 })).outputs.series.mask, { method: 'probability', threshold: 35 });
  assert.throws(() => s2CloudMask.params.parse({ probabilityThreshold: 120 }));
});

test('s2.index: presets, custom expressions, errors on params', { skip }, async () => {
  const s = await load('worldcereal-flanders-31ues', 'S2_SR_flanders31ues', 2019, 'scl', ['B2', 'B3', 'B4', 'B5', 'B8', 'B8A', 'B11']);
  const r = await index(s, { custom: [{ name: 'NDRE', expression: '(B8A - B5) / (B8A + B5)' }] });
  assert.deepEqual(r.outputs.series.variables, ['B2', 'B3', 'B4', 'B5', 'B8', 'B8A', 'B11', 'NDVI', 'NDWI', 'BSI', 'NDRE']);
  assert.equal(r.outputs.series.indices[3].expression, '(B8A - B5) / (B8A + B5)');
  await rejectsWith(index(s, { indices: [], custom: [{ name: 'X', expression: '(B8 - B4)) / 2' }] }), 'custom.0.expression', /Index "X": unexpected '\)' at column 10/);
  await rejectsWith(index(s, { indices: [], custom: [{ name: 'X', expression: 'B8 - B12' }] }), 'custom.0.expression', /unknown name 'B12' \(available: B2, B3/);
  await rejectsWith(index(s, { custom: [{ name: 'NDVI', expression: 'B8' }] }), 'custom.0.name', /"NDVI" is already used/);
  await rejectsWith(index(s, { indices: [], custom: [{ name: 'B4', expression: 'B8' }] }), 'custom.0.name', /"B4" is already used/);
  await rejectsWith(index(s, { indices: [], custom: [{ name: 'my index', expression: 'B8' }] }), 'custom.0.name', /must start with a letter/);
  await rejectsWith(index(s, { indices: ['NDVI', 'NBR'] }), 'indices.1', /NBR .* not loaded: unknown name 'B12'/);
  assert.throws(() => s2Index.params.parse({ indices: ['FOO'] }));
});

test('s2.aggregate: chunked composite equals one-window evaluation; progress; errors', { skip }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'agg-'));
  try {
    let s = await load('eolearn-svn-l1c', 'S2_L1C_svn', 2015, 'probability', ['B2', 'B3', 'B4', 'B8', 'B11']);
    s = (await mask(s, {})).outputs.series;
    s = (await index(s, {})).outputs.series;
    const events: number[][] = [];
    const p = s2Aggregate.params.parse({ variables: ['B2', 'NDVI', 'BSI'], reducers: ['mean', 'std', 'count'], quantiles: [0.1], chunkSize: 64 });
    const res = await s2Aggregate.run(ctx(work, undefined, (d, t) => events.push([d, t])), { series: s }, p);
    const c = res.outputs.composite;
    assert.deepEqual(c.features, ['B2_mean', 'B2_std', 'B2_count', 'B2_q10', 'NDVI_mean', 'NDVI_std', 'NDVI_count', 'NDVI_q10', 'BSI_mean', 'BSI_std', 'BSI_count', 'BSI_q10']);
    assert.equal(c.file, join(work, 'composite.f32'));
    assert.deepEqual(events.at(-1), [4, 4]);
    const full = { x: 0, y: 0, width: 100, height: 101 };
    const got = readCompositeWindow(c, full);
    const want = await evaluateCompositeWindow(s, { variables: ['B2', 'NDVI', 'BSI'], reducers: ['mean', 'std', 'count', { quantile: 0.1 }] }, full);
    assert.deepEqual(got, want);
    assert.deepEqual(readdirSync(work), ['composite.f32']);
    assert.equal((res.summary?.noDataFraction as Record<string, number>).B2_mean, 0);

    const all = await s2Aggregate.run(ctx(work), { series: s }, s2Aggregate.params.parse({}));
    assert.deepEqual(all.outputs.composite.features, s.variables.map((v) => `${v}_mean`));

    await rejectsWith(s2Aggregate.run(ctx(work), { series: s }, s2Aggregate.params.parse({ variables: ['NDVI', 'EVI'] })), 'variables.1', /Unknown variable "EVI"; the series has: B2, B3, B4, B8, B11, NDVI, NDWI, BSI/);
    await rejectsWith(s2Aggregate.run(ctx(work), { series: s }, s2Aggregate.params.parse({ reducers: [] })), 'reducers', /at least one/);
    assert.throws(() => s2Aggregate.params.parse({ quantiles: [1.5] }));
    assert.throws(() => s2Aggregate.params.parse({ chunkSize: 10 }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('s2.aggregate: cancellation leaves no composite file', { skip }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'agg-'));
  try {
    const s = await load('eolearn-svn-l1c', 'S2_L1C_svn', 2015, 'probability', ['B2']);
    const p = s2Aggregate.params.parse({ chunkSize: 64 });
    const ac = new AbortController();
    const progress = (done: number) => {
      if (done === 1) ac.abort(new Error('cancelled by test'));
    };
    await assert.rejects(s2Aggregate.run(ctx(work, ac.signal, progress), { series: s }, p), /cancelled by test/);
    const early = new AbortController();
    early.abort(new Error('cancelled early'));
    await assert.rejects(s2Aggregate.run(ctx(work, early.signal), { series: s }, p), /cancelled early/);
    const files = readdirSync(work);
    assert.ok(!files.includes('composite.f32'), files.join(', '));
    assert.ok(files.every((f) => f.endsWith('.aborted')), files.join(', '));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
