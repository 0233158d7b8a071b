// The synchronous header reader against GDAL (gdalinfo -json) on every real fixture GeoTIFF, and against the
// geotiff.js-based reader the run uses, plus the layouts GDAL writes (BigTIFF, band-interleaved, striped).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { command, needs, sharedData, sharedDataDir } from '../../../../../test/needs.ts';
import { readTiffHeader } from './header.ts';
import { openRaster } from './read.ts';

const skip = needs(sharedData('worldcereal-flanders-31ues', 'eolearn-svn-l1c'), command('gdalinfo'));

function fixtureTiffs(): string[] {
  return ['worldcereal-flanders-31ues', 'eolearn-svn-l1c', 'eolearn-svn-l1c/extras_all_dates'].flatMap((d) =>
    readdirSync(join(sharedDataDir, d)).filter((f) => f.endsWith('.tif')).map((f) => join(sharedDataDir, d, f)),
  );
}

function gdalInfo(path: string) {
  return JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
    size: [number, number];
    geoTransform: number[];
    bands: { description?: string; type: string; noDataValue?: number }[];
    coordinateSystem?: { wkt: string };
  };
}

const GDAL_TYPES: Record<string, string> = { Byte: 'uint8', UInt16: 'uint16', Int16: 'int16', UInt32: 'uint32', Int32: 'int32', Float32: 'float32', Float64: 'float64' };

function assertLikeGdal(path: string): void {
  const h = readTiffHeader(path);
  const g = gdalInfo(path);
  assert.deepEqual([h.width, h.height], g.size, path);
  assert.equal(h.bandCount, g.bands.length, path);
  assert.equal(h.dataType, GDAL_TYPES[g.bands[0].type], path);
  h.grid.geoTransform.forEach((v, i) => assert.ok(Math.abs(v - g.geoTransform[i]) < 1e-9 * Math.max(1, Math.abs(v)), `${path}: geotransform ${h.grid.geoTransform} vs ${g.geoTransform}`));
  assert.deepEqual(h.descriptions, g.bands.map((b) => b.description ?? ''), path);
  assert.equal(h.noData, g.bands[0].noDataValue ?? null, path);
  const epsg = /ID\["EPSG",(\d+)\]\]\s*$/.exec(g.coordinateSystem?.wkt ?? '')?.[1];
  if (epsg) assert.equal(h.grid.crs.epsg, Number(epsg), path);
}

test('headers of every fixture GeoTIFF match gdalinfo and the run\'s reader', { skip }, async () => {
  const files = fixtureTiffs();
  assert.ok(files.length >= 30, `${files.length} fixture files`);
  for (const f of files) {
    assertLikeGdal(f);
    const r = await openRaster(f);
    const h = readTiffHeader(f);
    assert.deepEqual({ grid: h.grid, descriptions: h.descriptions, bandCount: h.bandCount, dataType: h.dataType }, { grid: r.grid, descriptions: r.descriptions, bandCount: r.bandCount, dataType: r.dataType }, f);
  }
});

test('BigTIFF, band-interleaved, striped and big-endian layouts read like GDAL', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-header-'));
  const src = join(sharedDataDir, 'worldcereal-flanders-31ues', 'S2_SR_flanders31ues_2019_B2.tif');
  const variants: Record<string, string[]> = {
    bigtiff: ['-co', 'BIGTIFF=YES', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE'],
    band: ['-co', 'INTERLEAVE=BAND', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16'],
    striped: ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2'],
    bigendian: ['-co', 'ENDIANNESS=BIG'],
    pixelispoint: ['-mo', 'AREA_OR_POINT=Point'],
  };
  for (const [name, args] of Object.entries(variants)) {
    const out = join(dir, `${name}.tif`);
    execFileSync('gdal_translate', ['-q', ...args, src, out]);
    assertLikeGdal(out);
  }
});

test('a file that is not a TIFF, cut, or with a directory past its end is named and refused', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-header-bad-'));
  const notTiff = join(dir, 'note.tif');
  writeFileSync(notTiff, 'hello, this is text');
  assert.throws(() => readTiffHeader(notTiff), /note\.tif: not a GeoTIFF/);
  const empty = join(dir, 'empty.tif');
  writeFileSync(empty, '');
  assert.throws(() => readTiffHeader(empty), /empty\.tif: the file is truncated \(0 bytes/);
  const bad = join(dir, 'bad.tif');
  const head = Buffer.alloc(64);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(1000, 8); // 1000 entries announced, 64 bytes present
  writeFileSync(bad, head);
  assert.throws(() => readTiffHeader(bad), /bad\.tif: corrupt TIFF header/);
});
