import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoData } from './generate.ts';
import { readVector } from '../io/vector.ts';
import { command, needs } from '../../../../test/needs.ts';

const skip = needs(command('gdalinfo'), command('gdal_translate'));

/** Reads one raster band as Int32 through GDAL (independent of our reader). */
function gdalBand(path: string, band: number): Int32Array {
  const out = join(mkdtempSync(join(tmpdir(), 'demo-rd-')), 'b.bin');
  execFileSync('gdal_translate', ['-q', '-of', 'ENVI', '-ot', 'Int32', '-b', String(band), path, out]);
  const buf = readFileSync(out);
  return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

test('small demo scene: files readable by GDAL, consistent truth, separable classes', { skip }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'demo-'));
  const W = 160;
  const H = 112;
  const D = 6;
  const { files, truth } = await generateDemoData({ outDir, width: W, height: H, datesPerYear: D, seed: 3 });
  assert.equal(files.filter((f) => f.endsWith('.tif')).length, 2 * (10 + 2));
  for (const f of files.filter((f) => f.endsWith('.tif'))) {
    const out = execFileSync('gdalinfo', ['-checksum', f], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    assert.doesNotMatch(out, /Warning|ERROR/, f);
    assert.match(out, new RegExp(`Size is ${W}, ${H}`));
    assert.match(out, /UTM zone 21N/);
  }
  const info = execFileSync('gdalinfo', [join(outDir, 'S2_SR_demo_2019_B8.tif')], { encoding: 'utf8' });
  assert.match(info, /Band 1 Block=256x256 Type=UInt16/);
  assert.match(info, /Description = 2019\d{4}T\d{6}_2019\d{4}T\d{6}_T21NYF/);
  assert.match(info, /NoData Value=0/);
  assert.match(info, /COMPRESSION=DEFLATE/);
  assert.match(info, /Origin = \(700000\.0+,560000\.0+\)/);
  const json = JSON.parse(readFileSync(join(outDir, 'truth.json'), 'utf8'));
  assert.deepEqual(json.classes, ['water', 'forest', 'asgm']);

  // truth stats agree with the truth rasters (independent count through GDAL)
  const t19 = gdalBand(join(outDir, 'truth_2019.tif'), 1);
  const t22 = gdalBand(join(outDir, 'truth_2022.tif'), 1);
  const count = (t: Int32Array, c: number) => t.reduce((s, v) => s + (v === c ? 1 : 0), 0);
  let f2a = 0;
  let a2f = 0;
  for (let i = 0; i < t19.length; i++) {
    if (t19[i] === 1 && t22[i] === 2) f2a++;
    if (t19[i] === 2 && t22[i] !== 2) a2f++;
  }
  assert.equal(a2f, 0, 'mining never reverts');
  assert.ok(f2a > 0, 'some forest becomes ASGM');
  assert.deepEqual(truth.classPixels['2019'], { water: count(t19, 0), forest: count(t19, 1), asgm: count(t19, 2) });
  assert.ok(Math.abs(truth.forestToAsgmKm2 - f2a * 1e-4) < 1e-9);
  const a19 = count(t19, 2);
  const a22 = count(t22, 2);
  assert.ok(Math.abs(truth.asgmChangePercent - ((a22 - a19) / a19) * 100) < 0.01);
  assert.ok(truth.asgmChangePercent > 10);

  // NDVI of the first (clear) date separates the classes by simple thresholds
  const b4 = gdalBand(join(outDir, 'S2_SR_demo_2019_B4.tif'), 1);
  const b8 = gdalBand(join(outDir, 'S2_SR_demo_2019_B8.tif'), 1);
  const prob = gdalBand(join(outDir, 'S2_SR_demo_2019_probability.tif'), 1);
  assert.ok(Math.max(...prob) <= 20, 'first date is clear');
  let correct = 0;
  for (let i = 0; i < b4.length; i++) {
    const ndvi = (b8[i] - b4[i]) / (b8[i] + b4[i]);
    const predicted = ndvi < -0.05 ? 0 : ndvi > 0.55 ? 1 : 2;
    // ponds (turbid water inside mining) count as ASGM in the truth but look like water
    if (predicted === t19[i] || (t19[i] === 2 && predicted === 0)) correct++;
  }
  assert.ok(correct / b4.length > 0.9, `NDVI threshold accuracy ${correct / b4.length}`);

  // clouds: some dates cloudy, probability high where reflectance is bright
  let cloudy = 0;
  for (let d = 1; d <= D; d++) {
    const p = gdalBand(join(outDir, 'S2_SR_demo_2019_probability.tif'), d);
    const blue = gdalBand(join(outDir, 'S2_SR_demo_2019_B2.tif'), d);
    let hi = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] > 80) {
        hi++;
        if (blue[i] > 0) assert.ok(blue[i] > 1000, `cloud pixel blue ${blue[i]}`);
      }
      if (blue[i] > 0 && p[i] <= 15) assert.ok(blue[i] < 1600, `clear pixel blue ${blue[i]} (p=${p[i]})`);
    }
    if (hi > p.length * 0.05) cloudy++;
  }
  assert.ok(cloudy >= 1, 'at least one cloudy date');

  // labels: several polygons per class, each inside its class in the truth
  for (const year of [2019, 2022]) {
    const v = await readVector(join(outDir, 'labels', String(year)));
    assert.equal(v.crs.epsg, 32621);
    const per: Record<string, number> = {};
    for (const f of v.features) per[f.className] = (per[f.className] ?? 0) + 1;
    for (const c of ['water', 'forest', 'asgm']) assert.ok((per[c] ?? 0) >= 3, `${year} ${c}: ${per[c]} polygons`);
  }
  const ras = join(outDir, 'lab.bin');
  execFileSync('gdal_rasterize', ['-q', '-a', 'id', '-init', '-1', '-ot', 'Int32', '-of', 'ENVI', '-te', '700000', String(560000 - 10 * H), String(700000 + 10 * W), '560000', '-ts', String(W), String(H), join(outDir, 'labels/2022/2022_asgm.shp'), ras]);
  const buf = readFileSync(ras);
  const lab = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let inAsgm = 0;
  for (let i = 0; i < lab.length; i++) {
    if (lab[i] < 0) continue;
    assert.equal(t22[i], 2, 'ASGM label polygon outside ASGM truth');
    inAsgm++;
  }
  assert.ok(inAsgm > 0);
});

test('generation is deterministic and window-independent', { skip }, async () => {
  const a = mkdtempSync(join(tmpdir(), 'demo-a-'));
  const b = mkdtempSync(join(tmpdir(), 'demo-b-'));
  await generateDemoData({ outDir: a, width: 300, height: 80, datesPerYear: 2, years: [2019], seed: 5 });
  await generateDemoData({ outDir: b, width: 300, height: 80, datesPerYear: 2, years: [2019], seed: 5 });
  const ca = execFileSync('gdalinfo', ['-checksum', join(a, 'S2_SR_demo_2019_B3.tif')], { encoding: 'utf8' }).match(/Checksum=\d+/g);
  const cb = execFileSync('gdalinfo', ['-checksum', join(b, 'S2_SR_demo_2019_B3.tif')], { encoding: 'utf8' }).match(/Checksum=\d+/g);
  assert.deepEqual(ca, cb);
  // the 300-px-wide scene spans two 256-px tiles: no seam in the truth across the tile border
  const t = gdalBand(join(a, 'truth_2019.tif'), 1);
  assert.equal(t.length, 300 * 80);
});
