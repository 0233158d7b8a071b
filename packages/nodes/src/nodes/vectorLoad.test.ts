import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import { vectorLoad } from './vectorLoad.ts';

const dir = mkdtempSync(join(tmpdir(), 'vload-'));
const ctx = { dataRoot: dir, resolvePath: (p: string) => join(dir, p) } as unknown as NodeContext;
const square = (x: number) => [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]];
const fc = (labels: (string | number)[]) => ({
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32621' } },
  features: labels.map((c, i) => ({ type: 'Feature', properties: { class: c }, geometry: { type: 'Polygon', coordinates: square(i) } })),
});
writeFileSync(join(dir, 'numeric.geojson'), JSON.stringify(fc([10, 2, 1, 2])));
writeFileSync(join(dir, 'named.geojson'), JSON.stringify(fc(['water', 'forest', 'asgm', 'forest'])));

test('vector.load: numeric labels sort numerically, keep their numbers and may be given names', async () => {
  const plain = await vectorLoad.run(ctx, {}, { path: 'numeric.geojson' });
  assert.deepEqual(plain.outputs.polygons.classes, ['1', '2', '10']);
  const named = await vectorLoad.run(ctx, {}, { path: 'numeric.geojson', names: [{ label: '1', name: 'water' }, { label: '2', name: 'forest' }, { label: '10', name: 'asgm' }] });
  assert.deepEqual(named.outputs.polygons.classes, ['water', 'forest', 'asgm'], 'named classes keep the order of their numbers');
  assert.deepEqual(named.outputs.polygons.features.map((f) => f.className), ['asgm', 'forest', 'water', 'forest']);
  await assert.rejects(vectorLoad.run(ctx, {}, { path: 'numeric.geojson', names: [{ label: '3', name: 'water' }] }),
    (e: NodeError) => e instanceof NodeError && e.details.param === 'names' && /no polygon has the label "3"/.test(e.message));
});

test('vector.load: a listed class with no polygon is a clear error; the order is the user\'s', async () => {
  const r = await vectorLoad.run(ctx, {}, { path: 'named.geojson', classes: ['forest', 'asgm', 'water'] });
  assert.deepEqual(r.outputs.polygons.classes, ['forest', 'asgm', 'water']);
  assert.deepEqual((r.summary as { foundClasses: string[] }).foundClasses, ['asgm', 'forest', 'water']);
  await assert.rejects(vectorLoad.run(ctx, {}, { path: 'named.geojson', classes: ['water', 'forest', 'asgm', 'mine'] }),
    (e: NodeError) => e instanceof NodeError && e.details.param === 'classes' && /class "mine" in the classes list has no polygon in named.geojson \(classes found: asgm, forest, water\)/.test(e.message));
});
