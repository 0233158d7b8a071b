// The synchronous polygon scan used by validation reads the same features, labels and CRS as the run's reader
// (the npm shapefile package), on the real fixtures and on shapefiles GDAL writes (empty, lines, null shapes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { command, needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';
import { readVector, type ReadVectorOptions } from './vector.ts';
import { readVectorSync } from './vectorScan.ts';

const skip = needs(sharedData('worldcereal-flanders-31ues/labels', 'eolearn-svn-l1c/labels'), command('ogr2ogr'));

async function same(path: string, options: ReadVectorOptions = {}): Promise<void> {
  let async: Awaited<ReturnType<typeof readVector>> | Error;
  try {
    async = await readVector(path, options);
  } catch (e) {
    async = e as Error;
  }
  let sync: ReturnType<typeof readVectorSync> | Error;
  try {
    sync = readVectorSync(path, options);
  } catch (e) {
    sync = e as Error;
  }
  if (async instanceof Error || sync instanceof Error) {
    assert.equal((sync as Error).message, (async as Error).message, path);
    return;
  }
  assert.deepEqual(sync.crs, async.crs, path);
  assert.deepEqual(sync.features.map((f) => [f.id, f.className]), async.features.map((f) => [f.id, f.className]), path);
  assert.deepEqual([sync.skipped, sync.skippedTypes], [async.skipped, async.skippedTypes], path);
  // The same extent (holes are not assigned to outer rings in the scan, but every vertex is there).
  const extent = (d: typeof sync) => d.features.map((f) => f.polygons.flat(2).reduce((e, [x, y]) => [Math.min(e[0], x), Math.min(e[1], y), Math.max(e[2], x), Math.max(e[3], y)], [Infinity, Infinity, -Infinity, -Infinity]));
  assert.deepEqual(extent(sync), extent(async), path);
}

test('the scan reads the fixtures like the run does', { skip }, async () => {
  for (const d of ['eolearn-svn-l1c/labels', 'worldcereal-flanders-31ues/labels']) {
    await same(join(sharedDataDir, d, 'shapefiles'));
    for (const f of ['training_polygons_utm33n.geojson', 'training_polygons_wgs84.geojson', 'training_polygons_epsg32631.geojson']) {
      await same(join(sharedDataDir, d, f));
      await same(join(sharedDataDir, d, f), { classField: 'nope' });
    }
  }
  await same(join(sharedDataDir, 'eolearn-svn-l1c/labels/shapefiles/forest.shp'));
  await same(join(sharedDataDir, 'worldcereal-flanders-31ues/labels/shapefiles/maize.shp'), { classField: 'class_id' });
});

test('shapefiles GDAL writes: attributes, an empty layer, lines and points', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-scan-'));
  const src = join(sharedDataDir, 'worldcereal-flanders-31ues/labels/training_polygons_epsg32631.geojson');
  execFileSync('ogr2ogr', ['-q', join(dir, 'all.shp'), src]);
  await same(join(dir, 'all.shp'));
  await same(join(dir, 'all.shp'), { classField: 'class_id' });
  execFileSync('ogr2ogr', ['-q', '-nlt', 'MULTILINESTRING', join(dir, 'lines.shp'), src]);
  await same(join(dir, 'lines.shp'));
  execFileSync('ogr2ogr', ['-q', '-where', '1=0', join(dir, 'none.shp'), src]);
  await same(join(dir, 'none.shp'));
  const folder = join(dir, 'folder');
  cpSync(join(sharedDataDir, 'eolearn-svn-l1c/labels/shapefiles'), folder, { recursive: true });
  execFileSync('ogr2ogr', ['-q', '-where', '1=0', join(folder, 'water.shp'), join(folder, 'forest.shp')]);
  await same(folder);
  writeFileSync(join(dir, 'pts.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { class: 'a' }, geometry: { type: 'Point', coordinates: [1, 2] } }] }));
  await same(join(dir, 'pts.geojson'));
});
