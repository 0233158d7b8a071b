/**
 * Tile placement checked against GDAL: each tile corner's Web Mercator coordinates (EPSG:3857, from the tile
 * index alone) are transformed by `gdaltransform` into the demo grid's UTM 21N and then to pixels, and must
 * match the quad corners tilesForView computes through lon/lat with proj4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import proj4 from 'proj4';
import { command, needs } from '../../../../test/needs.ts';
import { tileAt, tileCorner, tileZoom, tilesForView, type MapGrid } from './basemapTiles.ts';

/** The demo AOI's grid (packages/nodes/src/demo/generate.ts): 10 m UTM 21N near the Suriname river. */
const grid: MapGrid = { width: 300, height: 225, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: 32621 } };
const HALF = 20037508.342789244; // half the Web Mercator world, metres

test('tile corners agree with gdaltransform (EPSG:3857 → EPSG:32621) to 0.01 px', { skip: needs(command('gdaltransform')) }, () => {
  const found = tilesForView(grid, [-50, -50, 350, 275], 5);
  assert.ok(found && found.tiles.length >= 4, `${found?.tiles.length} tiles`);
  assert.equal(found.z, tileZoom(5, 5.06));
  const corners = found.tiles.flatMap((t) => [
    { t, mx: -HALF + (t.x * 2 * HALF) / 2 ** t.z, my: HALF - ((t.y + 1) * 2 * HALF) / 2 ** t.z, got: t.corners[0] }, // SW
    { t, mx: -HALF + (t.x * 2 * HALF) / 2 ** t.z, my: HALF - (t.y * 2 * HALF) / 2 ** t.z, got: t.corners[1] }, // NW
    { t, mx: -HALF + ((t.x + 1) * 2 * HALF) / 2 ** t.z, my: HALF - (t.y * 2 * HALF) / 2 ** t.z, got: t.corners[2] }, // NE
    { t, mx: -HALF + ((t.x + 1) * 2 * HALF) / 2 ** t.z, my: HALF - ((t.y + 1) * 2 * HALF) / 2 ** t.z, got: t.corners[3] }, // SE
  ]);
  const res = spawnSync('gdaltransform', ['-s_srs', 'EPSG:3857', '-t_srs', 'EPSG:32621', '-output_xy'], {
    input: corners.map((c) => `${c.mx} ${c.my}`).join('\n') + '\n',
    encoding: 'utf8',
  });
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, corners.length);
  lines.forEach((line, i) => {
    const [e, n] = line.trim().split(/\s+/).map(Number);
    const want = [(e - 700000) / 10, (560000 - n) / 10];
    const { got, t } = corners[i];
    assert.ok(Math.abs(got[0] - want[0]) < 0.01 && Math.abs(got[1] - want[1]) < 0.01, `tile ${t.key} corner ${i % 4}: ${got} vs GDAL ${want}`);
  });
});

test('the tiles cover the view, no more than asked, at a zoom that fits the screen', () => {
  const found = tilesForView(grid, [0, 0, 300, 225], 6.3)!;
  // Every corner of the view lies in one of the tiles (by index, as the slippy-map formula places it).
  const keys = new Set(found.tiles.map((t) => t.key));
  const toLonLat = proj4('+proj=utm +zone=21 +datum=WGS84 +units=m +no_defs', 'WGS84');
  for (const [px, py] of [[0, 0], [300, 0], [0, 225], [300, 225], [150, 112]]) {
    const [lon, lat] = toLonLat.forward([700000 + px * 10, 560000 - py * 10]);
    const [tx, ty] = tileAt(found.z, lon, lat);
    assert.ok(keys.has(`${found.z}/${Math.floor(tx)}/${Math.floor(ty)}`), `pixel ${px},${py} is on a tile`);
  }
  assert.ok(keys.size >= 2 && keys.size <= 48);
  assert.equal(tilesForView(grid, [-1e6, -1e6, 1e6, 1e6], 0.5, 16)!.tiles.length <= 16, true, 'zooms out rather than asking for thousands of tiles');
  assert.equal(tileZoom(156543.03392804097, 0), 0);
  assert.equal(tileZoom(0.01, 0), 19, 'capped at zoom 19');
  // The slippy-map formula's fixed points: the world's corners and the equator on the antimeridian.
  assert.deepEqual(tileCorner(0, 0, 0).map((v) => +v.toFixed(6)), [-180, 85.051129]);
  assert.deepEqual(tileAt(3, 0, 0), [4, 4]);
  const [tx, ty] = tileAt(15, ...tileCorner(15, 11360, 16000));
  assert.ok(Math.abs(tx - 11360) < 1e-6 && Math.abs(ty - 16000) < 1e-6);
});
