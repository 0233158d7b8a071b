// The COG reader and the resampling against GDAL: windows of a tiled COG (tiles merged into ranges) equal
// gdal's reads, and an asset in the neighbouring UTM zone, reprojected nearest-neighbour onto the AOI grid,
// matches `gdalwarp -r near` of the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openCog, fileByteSource } from '@sentiflow/nodes/io/stac/cog.ts';
import { resampling } from '@sentiflow/nodes/io/stac/aoi.ts';
import { debianPython, noNumpyGdal, noSharedData, sharedData, tempDir } from '../helpers.ts';

const why = noSharedData || noNumpyGdal;
const skip = why && (process.env.CI ? false : why);
const B4 = () => join(sharedData, 'worldcereal-flanders-31ues', 'S2_SR_flanders31ues_2019_B4.tif');

function gdal(args: string[]): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args[0]}: ${r.error?.message ?? ''} ${r.stderr}`);
}

/** Raster band 1 of a file as numbers, read by GDAL (numpy), optionally a window. */
function gdalRead(file: string, win?: [number, number, number, number]): number[] {
  const code = `import json,sys\nfrom osgeo import gdal\nds=gdal.Open(sys.argv[1])\nd=ds.GetRasterBand(1)\nw=json.loads(sys.argv[2])\na=d.ReadAsArray(*w) if w else d.ReadAsArray()\nprint(json.dumps(a.ravel().tolist()))`;
  const r = spawnSync(debianPython, ['-c', code, file, JSON.stringify(win ?? null)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('COG windows (several 16 px tiles merged into ranges) equal GDAL reads', { skip }, async () => {
  const dir = tempDir('cog');
  const cog = join(dir, 'b4.tif');
  gdal(['gdal_translate', '-q', '-of', 'COG', '-b', '7', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'BLOCKSIZE=16', B4(), cog]);
  const src = fileByteSource(cog);
  const c = await openCog(src);
  assert.equal(c.width, 64);
  assert.equal(c.dataType, 'uint16');
  assert.equal(c.epsg, 32631);
  assert.deepEqual(c.geoTransform, [574680, 10, 0, 5622440, 0, -10]);
  for (const [x, y, w, h] of [[0, 0, 64, 64], [5, 9, 40, 23], [16, 16, 16, 16], [63, 0, 1, 64]] as const) {
    const got = Array.from(await c.readWindow({ x, y, width: w, height: h }));
    assert.deepEqual(got, gdalRead(cog, [x, y, w, h]), `window ${x},${y} ${w}x${h}`);
  }
  await src.close?.();
});

test('an asset in the neighbouring UTM zone is reprojected nearest-neighbour like gdalwarp -r near', { skip }, async () => {
  const dir = tempDir('zone');
  const z32 = join(dir, 'z32.tif');
  const one = join(dir, 'one.tif');
  gdal(['gdal_translate', '-q', '-b', '7', B4(), one]);
  gdal(['gdalwarp', '-q', '-of', 'COG', '-t_srs', 'EPSG:32632', '-tr', '10', '10', '-r', 'near', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=16', '-dstnodata', '0', one, z32]);
  const target = { width: 60, height: 60, geoTransform: [574700, 10, 0, 5622420, 0, -10] as [number, number, number, number, number, number], crs: { epsg: 32631 } };
  const back = join(dir, 'back.tif');
  gdal(['gdalwarp', '-q', '-t_srs', 'EPSG:32631', '-te', '574700', '5621820', '575300', '5622420', '-tr', '10', '10', '-r', 'near', '-dstnodata', '0', z32, back]);
  const expected = gdalRead(back);
  const src = fileByteSource(z32);
  const c = await openCog(src);
  assert.equal(c.epsg, 32632);
  const r = resampling(target, c)!;
  assert.ok(r, 'the zone-32 asset covers the grid');
  const data = await c.readWindow(r.window);
  const got = Array.from(r.index, (i) => (i < 0 ? 0 : data[i]));
  const same = got.filter((v, i) => v === expected[i]).length;
  // nearest neighbour from two implementations of the same projection: only pixel centres within
  // floating-point noise of a source pixel edge may differ
  assert.ok(same / got.length >= 0.995, `${same} of ${got.length} pixels equal GDAL's`);
  assert.ok(got.filter((v) => v > 0).length > 3000, 'real values, not an empty window');
  await src.close?.();
});
