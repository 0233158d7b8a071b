/** Label routes on the real catalogue: points of a run, labels saved one by one (also concurrently), bad input refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeGeoTiff } from '@sentiflow/nodes/io/geotiff/write.ts';
import { startServer, type RunningServer } from './index.ts';

let server: RunningServer;
let dataRoot: string;
let base: string;

before(async () => {
  dataRoot = mkdtempSync(path.join(tmpdir(), 'sentiflow-labels-'));
  await writeGeoTiff(path.join(dataRoot, 'map.tif'), {
    grid: { width: 120, height: 90, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: 32621 } },
    bandCount: 1, dataType: 'uint8', noData: 255, descriptions: ['class (0=water, 1=forest, 2=asgm)'],
    readWindow: (w) => [Uint8Array.from({ length: w.width * w.height }, (_, i) => { const x = w.x + (i % w.width); return x < 20 ? 0 : x > 90 ? 2 : 1; })],
  });
  server = await startServer({ port: 0, dataRoot, workers: 1, cacheDir: path.join(dataRoot, 'cache'), log: () => undefined });
  const graph = {
    schema: 'sentiflow/graph@1', name: 'labels',
    nodes: [
      { id: 'map', type: 'raster.loadClassMap', version: 1, params: { path: 'map.tif' } },
      { id: 'sample', type: 'validation.sample', version: 1, params: { totalPoints: 10, minPerStratum: 5 } },
    ],
    links: [{ from: { node: 'map', output: 'classMap' }, to: { node: 'sample', input: 'map' } }],
  };
  const res = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph }) });
  assert.equal(res.status, 202, await res.clone().text());
  const { runId } = (await res.json()) as { runId: string };
  for (let i = 0; i < 300; i++) {
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { status: string };
    if (run.status === 'done') break;
    assert.notEqual(run.status, 'failed');
    await new Promise((r) => setTimeout(r, 100));
  }
  base = `${server.url}/api/runs/${runId}/nodes/sample/labels`;
});

after(async () => {
  await server?.close();
  rmSync(dataRoot, { recursive: true, force: true });
});

const put = (id: string, reference: unknown) => fetch(`${base}/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference }) });

test('points without the map classes (blind), labels saved one at a time, concurrent saves all kept', async () => {
  const info = (await (await fetch(base)).json()) as { classes: string[]; fields: string[]; labelsFile: string; points: { id: string; reference: Record<string, string>; stratum?: string }[]; imagery: boolean[] };
  assert.deepEqual(info.classes, ['water', 'forest', 'asgm']);
  assert.deepEqual(info.fields, ['reference']);
  assert.equal(info.points.length, 16); // 5 water, 6 forest (10 x 70/120 rounded), 5 asgm
  assert.ok(info.points.every((p) => p.reference.reference === '' && p.stratum === undefined && !('map' in p)));
  assert.deepEqual(info.imagery, [false]);
  assert.match(info.labelsFile, /^labels\/sample-[0-9a-f]{10}\.geojson$/);
  const results = await Promise.all(info.points.map((p, i) => put(p.id, { reference: info.classes[i % 3] })));
  assert.ok(results.every((r) => r.status === 200));
  const gj = JSON.parse(readFileSync(path.join(dataRoot, info.labelsFile), 'utf8')) as { source: string; features: { properties: { id: string; reference: string } }[] };
  assert.equal(gj.source, 'Sentiflow Label points view');
  assert.deepEqual(gj.features.map((f) => f.properties.reference), info.points.map((_, i) => info.classes[i % 3]));
  assert.ok(readdirSync(path.join(dataRoot, 'labels')).every((f) => !f.includes('.tmp')), 'no temporary file left');
  const again = (await (await fetch(base)).json()) as { points: { reference: Record<string, string> }[] };
  assert.deepEqual(again.points.map((p) => p.reference.reference), info.points.map((_, i) => info.classes[i % 3]));
  // Clearing a label.
  assert.equal((await put(info.points[0].id, { reference: '' })).status, 200);
});

test('a class that is not one, a field that is not a reference field, an unknown point: 4xx with the reason', async () => {
  const bad = await put('1', { reference: 'savanna' });
  assert.equal(bad.status, 400);
  const message = async (r: Response) => ((await r.json()) as { error: { message: string } }).error.message;
  assert.match(await message(bad), /"savanna" is not a class; classes: water, forest, asgm/);
  const field = await put('1', { map: 'forest' });
  assert.equal(field.status, 400);
  assert.match(await message(field), /"map" is not a reference field/);
  assert.equal((await put('9999', { reference: 'forest' })).status, 404);
  assert.equal((await fetch(`${base}/1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"reference": 3}' })).status, 400);
  const chip = await fetch(`${base}/1/chip.png`);
  assert.equal(chip.status, 404);
  assert.match(await message(chip), /no natural-colour composite/);
  assert.equal((await fetch(`${server.url}/api/runs/nope/nodes/sample/labels`)).status, 404);
});
