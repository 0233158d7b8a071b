import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import { UNCERTAIN_CODE, type ClassMap } from '../values.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { parseCsv } from '../validation/pointsFile.ts';
import { validationSample } from './validationSample.ts';
import { validationSampleChange } from './validationSampleChange.ts';
import { demoLabelFromTruth } from './demoLabelFromTruth.ts';
import { validationAreaEstimate } from './validationAreaEstimate.ts';

const noGdal = spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal, osr; import numpy']).status !== 0 && 'python3 with GDAL and numpy not available';
const skipGdal = noGdal && (process.env.CI ? false : noGdal);
const classes = ['water', 'forest', 'asgm'];
const grid: Grid = { width: 300, height: 260, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: 32621 } };

function ctx(dir: string, node = 'n'): NodeContext {
  const workDir = join(dir, node);
  mkdirSync(workDir, { recursive: true });
  return {
    nodeId: node, dataRoot: dir, workDir, signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('no pool'); } },
    progress: () => {}, resolvePath: (rel: string) => join(dir, rel),
  } as NodeContext;
}

/** Truth: a river (water), forest, mining that grows from year 1 to 2. */
const truthAt = (x: number, y: number, year: number) => {
  if (Math.abs(y - 40 - x / 5) < 6) return 0;
  const dx = x - 180, dy = y - 150;
  const r = year === 1 ? 30 : 55;
  return dx * dx + dy * dy < r * r ? 2 : 1;
};
/** The map: truth with errors at the mining edge, scattered noise, uncertain pixels and no data. */
const mapAt = (x: number, y: number, year: number) => {
  if ((x * 31 + y * 17) % 251 === 0) return 255;
  if ((x * 7 + y * 13 + year) % 89 === 0) return UNCERTAIN_CODE;
  const t = truthAt(x, y, year);
  if ((x * 11 + y * 3 + year * 5) % 43 === 0) return (t + 1) % 3;
  const dx = x - 180, dy = y - 150, d = Math.sqrt(dx * dx + dy * dy), r = year === 1 ? 30 : 55;
  if (Math.abs(d - r) < 3 && (x + y) % 2 === 0) return t === 2 ? 1 : 2;
  return t;
};

async function raster(path: string, f: (x: number, y: number) => number): Promise<void> {
  await writeGeoTiff(path, {
    grid, bandCount: 1, dataType: 'uint8', noData: 255,
    readWindow: (w) => [Uint8Array.from({ length: w.width * w.height }, (_, i) => f(w.x + (i % w.width), w.y + Math.floor(i / w.width)))],
  });
}

async function scene(dir: string): Promise<{ before: ClassMap; after: ClassMap }> {
  mkdirSync(join(dir, 'demo'), { recursive: true });
  const maps = [];
  for (const year of [1, 2]) {
    await raster(join(dir, 'demo', `truth_${year}.tif`), (x, y) => truthAt(x, y, year));
    const classFile = join(dir, `classes_${year}.tif`);
    await raster(classFile, (x, y) => mapAt(x, y, year));
    maps.push({ kind: 'ClassMap', grid, classes, classFile, classAreasKm2: {} } as ClassMap);
  }
  writeFileSync(join(dir, 'demo', 'truth.json'), JSON.stringify({ classes }));
  return { before: maps[0], after: maps[1] };
}

const defaults = { seed: 7, targetStandardError: 0.01, expectedUsersAccuracy: 0.9, expectedUsersAccuracyChange: 0.7, minPerStratum: 50, totalPoints: 0, bufferPixels: 0, bufferClass: 'asgm' };

test('validation.sampleChange: strata, minimums and positions agree with GDAL; same seed, same points', { skip: skipGdal }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-sample-'));
  try {
    const { before, after } = await scene(dir);
    const res = await validationSampleChange.run(ctx(dir, 's1'), { before, after }, { ...defaults, beforeName: '2019', afterName: '2022' });
    const pts = res.outputs.points;
    // Independent: stratum pixel counts, every point's map values and lon/lat through GDAL/OSR.
    const py = `
import json, sys
import numpy as np
from osgeo import gdal, osr
d = json.load(sys.stdin)
b = gdal.Open(d['b']).ReadAsArray().astype(int); a = gdal.Open(d['a']).ReadAsArray().astype(int)
valid = (b != 255) & (a != 255)
unc = valid & ((b == 254) | (a == 254))
counts = {}
for i, f in enumerate(d['classes']):
    for j, t in enumerate(d['classes']):
        counts[f + '→' + t] = int(((b == i) & (a == j) & valid & ~unc).sum())
counts['uncertain'] = int(unc.sum())
src = osr.SpatialReference(); src.ImportFromEPSG(32621); dst = osr.SpatialReference(); dst.ImportFromEPSG(4326)
dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER); src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
tr = osr.CoordinateTransformation(src, dst)
names = d['classes'] + ['uncertain']
out = []
for p in d['points']:
    col = int((p[0] - 700000) // 10); row = int((560000 - p[1]) // 10)
    lon, lat, _ = tr.TransformPoint(p[0], p[1])
    out.append([names[b[row, col]] if b[row, col] < 3 else 'uncertain', names[a[row, col]] if a[row, col] < 3 else 'uncertain', lon, lat])
print(json.dumps({'counts': counts, 'points': out}))`;
    const csv = parseCsv(readFileSync(pts.csvFile, 'utf8'));
    assert.deepEqual(csv[0], ['id', 'x', 'y', 'lon', 'lat', 'stratum', 'map_before', 'map_after', 'reference_before', 'reference_after']);
    const rows = csv.slice(1);
    const g = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ b: before.classFile, a: after.classFile, classes, points: rows.map((r) => [Number(r[1]), Number(r[2])]) }) }).toString());
    for (const s of pts.strata) assert.equal(s.pixels, g.counts[s.name], `pixels of ${s.name}`);
    // Allocation: at least the minimum (or the whole stratum), proportional otherwise; points per stratum as allocated.
    const N = pts.strata.reduce((s, v) => s + v.pixels, 0);
    const formula = (res.summary as { sampleSizeFromFormula: number }).sampleSizeFromFormula;
    for (const s of pts.strata) {
      assert.equal(s.points, s.pixels === 0 ? 0 : Math.min(s.pixels, Math.max(50, Math.round((formula * s.pixels) / N))), s.name);
      assert.equal(rows.filter((r) => r[5] === s.name).length, s.points, `points in ${s.name}`);
    }
    assert.equal(pts.count, rows.length);
    assert.equal(new Set(rows.map((r) => `${r[1]},${r[2]}`)).size, rows.length, 'no pixel drawn twice');
    rows.forEach((r, i) => {
      const [mb, ma, lon, lat] = g.points[i];
      assert.equal(r[6], mb); assert.equal(r[7], ma);
      assert.equal(r[5], mb === 'uncertain' || ma === 'uncertain' ? 'uncertain' : `${mb}→${ma}`);
      assert.ok(Math.abs(Number(r[3]) - lon) < 1e-7 && Math.abs(Number(r[4]) - lat) < 1e-7, `lon/lat of point ${r[0]}`);
      assert.equal(r[8], ''); assert.equal(r[9], '');
      assert.equal((Number(r[1]) - 700005) % 10, 0, 'pixel centre');
    });
    const gj = JSON.parse(readFileSync(pts.geojsonFile, 'utf8'));
    assert.equal(gj.type, 'FeatureCollection');
    assert.equal(gj.features.length, rows.length);
    assert.deepEqual(gj.features[0].geometry.coordinates, [Number(rows[0][3]), Number(rows[0][4])]);
    assert.equal(gj.features[0].properties.reference_after, null);
    // Seeds: same seed, same file; another seed, other points.
    const again = await validationSampleChange.run(ctx(dir, 's2'), { before, after }, { ...defaults, beforeName: '2019', afterName: '2022' });
    assert.equal(readFileSync(again.outputs.points.csvFile, 'utf8'), readFileSync(pts.csvFile, 'utf8'));
    const other = await validationSampleChange.run(ctx(dir, 's3'), { before, after }, { ...defaults, seed: 8, beforeName: '2019', afterName: '2022' });
    assert.notEqual(readFileSync(other.outputs.points.csvFile, 'utf8'), readFileSync(pts.csvFile, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sample -> labels from truth -> area estimate: the CI covers the true change; bad labels are named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-area-'));
  try {
    const { before, after } = await scene(dir);
    const s = await validationSampleChange.run(ctx(dir, 's'), { before, after }, { ...defaults, beforeName: '2019', afterName: '2022' });
    const labelled = await demoLabelFromTruth.run(ctx(dir, 'l'), { points: s.outputs.points }, { truth: ['demo/truth_1.tif', 'demo/truth_2.tif'] });
    const lj = JSON.parse(readFileSync(labelled.outputs.points.labelsFile!, 'utf8'));
    assert.equal(lj.source, 'demo ground truth');
    const est = await validationAreaEstimate.run(ctx(dir, 'e'), { points: labelled.outputs.points }, { labels: '' });
    const sum = est.summary as { labelledPoints: number; unlabelledPoints: number; overallAccuracy: { estimate: number; ci95: number }; areas: { name: string; mapKm2: number; estimateKm2: number; ci95Km2: number }[] };
    assert.equal(sum.labelledPoints, s.outputs.points.count);
    assert.equal(sum.unlabelledPoints, 0);
    // True areas over the pixels the map covers in both years (the sampled population).
    let trueF2A = 0, pop = 0;
    for (let y = 0; y < grid.height; y++) for (let x = 0; x < grid.width; x++) {
      if (mapAt(x, y, 1) === 255 || mapAt(x, y, 2) === 255) continue;
      pop++;
      if (truthAt(x, y, 1) === 1 && truthAt(x, y, 2) === 2) trueF2A++;
    }
    const f2a = sum.areas.find((a) => a.name === 'forest→asgm')!;
    assert.ok(Math.abs(f2a.estimateKm2 - trueF2A * 1e-4) <= f2a.ci95Km2, `forest→asgm ${f2a.estimateKm2} ± ${f2a.ci95Km2} km², truth ${trueF2A * 1e-4}`);
    const transitions = sum.areas.filter((a) => a.name.includes('→'));
    assert.ok(Math.abs(transitions.reduce((t, a) => t + a.estimateKm2, 0) - pop * 1e-4) < 1e-4);
    assert.ok(sum.overallAccuracy.estimate > 0.8 && sum.overallAccuracy.estimate < 1);
    assert.ok(sum.areas.some((a) => a.name === 'forest (2019)') && sum.areas.some((a) => a.name === 'asgm (2022)'));
    const report = JSON.parse(readFileSync(join(dir, 'e', 'area_report.json'), 'utf8'));
    assert.equal(report.sections[0].errorMatrixCounts.flat().reduce((t: number, v: number) => t + v, 0), s.outputs.points.count);

    // A CSV labelled elsewhere: unlabelled rows are left out and counted, a wrong class names the point.
    const csv = readFileSync(join(dir, 'l', 'labels.csv'), 'utf8').split('\n');
    const cells = csv[1].split(',');
    cells[8] = ''; csv[1] = cells.join(',');
    writeFileSync(join(dir, 'partial.csv'), csv.join('\n'));
    const part = await validationAreaEstimate.run(ctx(dir, 'e2'), { points: s.outputs.points }, { labels: 'partial.csv' });
    assert.equal((part.summary as { unlabelledPoints: number }).unlabelledPoints, 1);
    const bad = csv[2].split(',');
    bad[9] = 'savanna'; csv[2] = bad.join(',');
    writeFileSync(join(dir, 'bad.csv'), csv.join('\n'));
    await assert.rejects(validationAreaEstimate.run(ctx(dir, 'e3'), { points: s.outputs.points }, { labels: 'bad.csv' }),
      (e: Error) => e instanceof NodeError && e.message.includes(`Point ${bad[0]}`) && e.message.includes('"savanna" is not a class') && e.details.param === 'labels');
    await assert.rejects(validationAreaEstimate.run(ctx(dir, 'e4'), { points: s.outputs.points }, { labels: 'nope.csv' }), /not found in the data root/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buffer stratum: stable pixels near the mapped asgm, counted as numpy does; the estimate still covers the truth', { skip: skipGdal }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-buffer-'));
  try {
    const { before, after } = await scene(dir);
    const s = await validationSampleChange.run(ctx(dir, 's'), { before, after }, { ...defaults, bufferPixels: 3, beforeName: '2019', afterName: '2022' });
    const pts = s.outputs.points;
    const py = `
import json, sys
import numpy as np
from osgeo import gdal
d = json.load(sys.stdin)
b = gdal.Open(d['b']).ReadAsArray().astype(int); a = gdal.Open(d['a']).ReadAsArray().astype(int)
R = 3
m = np.pad(a == 2, R)
near = np.zeros(a.shape, bool)
for dy in range(-R, R + 1):
    for dx in range(-R, R + 1):
        near |= m[R + dy:R + dy + a.shape[0], R + dx:R + dx + a.shape[1]]
stable = (b == a) & (b < 2)
print(json.dumps({'buffer': int((stable & near).sum()), 'ff': int(((b == 1) & (a == 1) & ~near).sum()), 'ww': int(((b == 0) & (a == 0) & ~near).sum())}))`;
    const g = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ b: before.classFile, a: after.classFile }) }).toString());
    const by = Object.fromEntries(pts.strata.map((x) => [x.name, x.pixels]));
    assert.equal(by['buffer (stable, within 3 px of asgm)'], g.buffer);
    assert.equal(by['forest→forest'], g.ff);
    assert.equal(by['water→water'], g.ww);
    const csv = parseCsv(readFileSync(pts.csvFile, 'utf8'));
    assert.equal(csv.filter((r) => r[5].startsWith('buffer')).length, pts.strata.at(-1)!.points);
    const l = await demoLabelFromTruth.run(ctx(dir, 'l'), { points: pts }, { truth: ['demo/truth_1.tif', 'demo/truth_2.tif'] });
    const est = await validationAreaEstimate.run(ctx(dir, 'e'), { points: l.outputs.points }, { labels: '' });
    const f2a = (est.summary as { areas: { name: string; estimateKm2: number; ci95Km2: number; mapKm2: number }[] }).areas.find((a) => a.name === 'forest→asgm')!;
    let trueF2A = 0, mapped = 0;
    for (let y = 0; y < grid.height; y++) for (let x = 0; x < grid.width; x++) {
      if (mapAt(x, y, 1) === 255 || mapAt(x, y, 2) === 255) continue;
      if (truthAt(x, y, 1) === 1 && truthAt(x, y, 2) === 2) trueF2A++;
      if (mapAt(x, y, 1) === 1 && mapAt(x, y, 2) === 2) mapped++;
    }
    assert.ok(Math.abs(f2a.mapKm2 - mapped * 1e-4) < 1e-9, 'map area unaffected by the buffer');
    assert.ok(Math.abs(f2a.estimateKm2 - trueF2A * 1e-4) <= f2a.ci95Km2, `forest→asgm ${f2a.estimateKm2} ± ${f2a.ci95Km2} km², truth ${trueF2A * 1e-4}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validation.sample on one map: classes plus an uncertain stratum; area estimate by class', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-map-'));
  try {
    const { after } = await scene(dir);
    const s = await validationSample.run(ctx(dir, 's'), { map: after }, { ...defaults, minPerStratum: 30 });
    const pts = s.outputs.points;
    assert.deepEqual(pts.strata.map((x) => x.name), ['water', 'forest', 'asgm', 'uncertain']);
    assert.ok(pts.strata.every((x) => x.points >= 30));
    const csv = parseCsv(readFileSync(pts.csvFile, 'utf8'));
    assert.deepEqual(csv[0].slice(5), ['stratum', 'map', 'reference']);
    const l = await demoLabelFromTruth.run(ctx(dir, 'l'), { points: pts }, { truth: ['demo/truth_2.tif'] });
    const est = await validationAreaEstimate.run(ctx(dir, 'e'), { points: l.outputs.points }, { labels: '' });
    const areas = (est.summary as { areas: { name: string; estimateKm2: number; ci95Km2: number; usersAccuracy: unknown }[] }).areas;
    assert.deepEqual(areas.map((a) => a.name), classes);
    let trueAsgm = 0;
    for (let y = 0; y < grid.height; y++) for (let x = 0; x < grid.width; x++) if (mapAt(x, y, 2) !== 255 && truthAt(x, y, 2) === 2) trueAsgm++;
    assert.ok(Math.abs(areas[2].estimateKm2 - trueAsgm * 1e-4) <= areas[2].ci95Km2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
