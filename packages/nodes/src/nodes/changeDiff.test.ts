import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError, type NodeContext } from '../define.ts';
import type { Grid } from '../grid.ts';
import type { ClassMap } from '../values.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { changeDiff } from './changeDiff.ts';
import { needs, python } from '../../../../test/needs.ts';

const classes = ['water', 'forest', 'asgm'];
const grid: Grid = { width: 300, height: 270, geoTransform: [600000, 10, 0, 550000, 0, -10], crs: { epsg: 32621 } };

function ctx(workDir: string): NodeContext {
  return {
    nodeId: 'diff', dataRoot: workDir, workDir, signal: new AbortController().signal,
    pool: { size: 1, run: async () => { throw new Error('no pool'); } },
    progress: () => {}, resolvePath: (rel: string) => join(workDir, rel),
  } as NodeContext;
}

/** A synthetic year: class = f(x, y, year) with some no data, probabilities consistent with the class. */
async function makeMap(dir: string, year: number, g: Grid = grid): Promise<ClassMap> {
  const cls = (x: number, y: number) => ((x * 13 + y * 7 + year * x) % 97 === 0 ? 255 : (x * 5 + y * 3 + year) % 53 === 0 ? 254 : x < 100 ? 0 : (x + y * year) % 5 < 1 + year ? 2 : 1);
  const classFile = join(dir, `class_${year}.tif`);
  const probabilityFile = join(dir, `prob_${year}.tif`);
  await writeGeoTiff(classFile, {
    grid: g, bandCount: 1, dataType: 'uint8', noData: 255,
    readWindow: (w) => [Uint8Array.from({ length: w.width * w.height }, (_, i) => cls(w.x + (i % w.width), w.y + Math.floor(i / w.width)))],
  });
  await writeGeoTiff(probabilityFile, {
    grid: g, bandCount: 3, dataType: 'float32', noData: NaN,
    readWindow: (w) => [0, 1, 2].map((k) => Float32Array.from({ length: w.width * w.height }, (_, i) => {
      const x = w.x + (i % w.width), y = w.y + Math.floor(i / w.width);
      const c = cls(x, y);
      return c === 255 ? NaN : c === 254 ? 1 / 3 : c === k ? 0.6 + ((x + year) % 10) / 40 : ((y * (k + 1)) % 10) / 50;
    })),
  });
  return { kind: 'ClassMap', grid: g, classes, classFile, probabilityFile, classAreasKm2: {} };
}

test('change.diff: transitions, areas, % change and change rasters agree with numpy/GDAL', { skip: needs(python('osgeo.gdal', 'numpy')) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-diff-'));
  try {
    const before = await makeMap(dir, 1);
    const after = await makeMap(dir, 2);
    const res = await changeDiff.run(ctx(dir), { before, after }, {});
    const ch = res.outputs.change;
    assert.deepEqual(ch.classes, classes);
    assert.equal(ch.transitionFile, join(dir, 'transitions.tif'));
    assert.deepEqual(Object.keys(ch.probabilityDiffFiles), classes);
    assert.deepEqual(ch.labels, [...classes, 'uncertain']);
    assert.deepEqual(ch.focus, { from: 'forest', to: 'asgm' });
    assert.ok(ch.areaBeforeKm2.uncertain > 0 && ch.areaAfterKm2.uncertain > 0);
    assert.deepEqual(res.files, [ch.transitionFile, `${ch.transitionFile}.aux.xml`, ...classes.map((c) => join(dir, `probability_diff_${c}.tif`))]);
    const km2 = 1e-4;
    ch.transitionPixels.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(ch.transitionKm2[i][j] - v * km2) < 1e-12)));
    assert.equal(ch.transitionPixels.length, 4);
    const asgmBefore = ch.transitionPixels[2].reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(ch.areaBeforeKm2.asgm - asgmBefore * km2) < 1e-12);
    const s = res.summary as { transitionsKm2: Record<string, number>; changePercent: Record<string, number | null> };
    assert.ok('forest→asgm' in s.transitionsKm2);
    { // numpy + GDAL oracle
      const script = `
import sys, json, numpy as np
from osgeo import gdal
d = sys.argv[1]
def rd(n, b=1):
    ds = gdal.Open(d + '/' + n)
    return ds.GetRasterBand(b).ReadAsArray()
a, b = rd('class_1.tif').ravel().astype(int), rd('class_2.tif').ravel().astype(int)
a[a == 254] = 3; b[b == 254] = 3
ok = (a < 4) & (b < 4)
m = np.zeros((4, 4), int); np.add.at(m, (a[ok], b[ok]), 1)
t = rd('transitions.tif').ravel()
codes_ok = bool(np.array_equal(t[ok], a[ok] * 4 + b[ok]) and np.all(t[~ok] == 255))
area_b, area_a = m.sum(1) * 1e-4, m.sum(0) * 1e-4
pct = [None if area_b[k] == 0 else float((area_a[k] - area_b[k]) / area_b[k] * 100) for k in range(4)]
diffs = []
for k, c in enumerate(['water', 'forest', 'asgm']):
    exp = rd('prob_2.tif', k + 1).astype(np.float32) - rd('prob_1.tif', k + 1).astype(np.float32)
    got = rd('probability_diff_%s.tif' % c)
    diffs.append(bool(np.array_equal(np.isnan(exp), np.isnan(got)) and np.nanmax(np.abs(exp - got)) == 0))
print(json.dumps({'m': m.tolist(), 'codes_ok': codes_ok, 'pct': pct, 'diffs': diffs}))`;
      const exp = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8' }));
      assert.deepEqual(ch.transitionPixels, exp.m);
      assert.equal(exp.codes_ok, true);
      ch.labels!.forEach((c, k) => assert.ok(Math.abs((ch.changePercent[c] ?? NaN) - exp.pct[k]) < 1e-9, c));
      assert.deepEqual(exp.diffs, [true, true, true]);
      for (const f of res.files!.filter((f) => f.endsWith('.tif'))) {
        const r = spawnSync('gdalinfo', ['-checksum', f], { encoding: 'utf8' });
        assert.equal(r.stderr, '', f);
      }
      // The transitions map opens coloured and labelled: GDAL reads the palette and the category names.
      const info = JSON.parse(execFileSync('gdalinfo', ['-json', ch.transitionFile], { encoding: 'utf8' }));
      const band = info.bands[0];
      assert.equal(band.colorInterpretation, 'Palette');
      assert.deepEqual(band.colorTable.entries[1 * 4 + 2], [215, 25, 28, 255], 'forest -> asgm is red');
      assert.equal(band.categories[1 * 4 + 2], 'forest -> asgm');
      assert.equal(band.categories[3 * 4 + 3], 'uncertain (unchanged)');
      assert.equal(band.categories[0 * 4 + 3], 'water -> uncertain');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('change.diff: focus names classes case-insensitively; names that are not classes are a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-diff-'));
  try {
    const before = await makeMap(dir, 1);
    const after = await makeMap(dir, 2);
    const res = await changeDiff.run(ctx(dir), { before, after }, { focus: { from: 'WATER', to: 'Forest' } });
    assert.deepEqual(res.outputs.change.focus, { from: 'water', to: 'forest' });
    assert.equal((res.summary as { focusKm2: number }).focusKm2, res.outputs.change.transitionKm2[0][1]);
    await assert.rejects(changeDiff.run(ctx(dir), { before, after }, { focus: { from: 'forest', to: 'mine' } }),
      (e: NodeError) => e instanceof NodeError && /focus: mine is not a class of the maps \(classes: water, forest, asgm\)/.test(e.message));
    const renamed = (m: ClassMap): ClassMap => ({ ...m, classes: ['a', 'b', 'c'] });
    const plain = await changeDiff.run(ctx(dir), { before: renamed(before), after: renamed(after) }, {});
    assert.equal(plain.outputs.change.focus, undefined, 'no forest/asgm classes: no default focus, no error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('change.diff refuses different grids or classes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-diff-'));
  try {
    const before = await makeMap(dir, 1);
    const shifted: Grid = { ...grid, geoTransform: [600010, 10, 0, 550000, 0, -10] };
    const after = { ...before, grid: shifted };
    await assert.rejects(changeDiff.run(ctx(dir), { before, after }, {}), (e: NodeError) => e instanceof NodeError && /different grids: before .*origin 600000.*after .*origin 600010/.test(e.message));
    await assert.rejects(changeDiff.run(ctx(dir), { before, after: { ...before, classes: ['water', 'asgm', 'forest'] } }, {}),
      (e: NodeError) => e instanceof NodeError && /different classes: before \[water, forest, asgm\], after \[water, asgm, forest\]/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
