import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineNode, type AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import type { Grid } from '@sentiflow/nodes/grid.ts';
import { writeGeoTiff } from '@sentiflow/nodes/io/geotiff/write.ts';
import { CompositeWriter } from '@sentiflow/nodes/raster/compositeStore.ts';
import type { Change, ClassMap } from '@sentiflow/nodes/values.ts';
import { classColor, hexToRgb, TRANSITION_COLORS } from './palette.ts';
import { decodePng, postJson, startTestServer, testDeps, type TestServer } from './testHelpers.ts';

const W = 40;
const H = 30;
const grid: Grid = { width: W, height: H, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };
const classes = ['water', 'forest', 'asgm'];
/** Left third water, middle forest, right asgm; top row no data. */
const classAt = (x: number, y: number): number => (y === 0 ? 255 : Math.floor((x * 3) / W));

const mapsNode = defineNode({
  type: 'test.maps',
  version: 1,
  category: 'Output',
  label: 'Maps',
  description: 'Writes a composite, a class map and a change map.',
  inputs: {},
  // Previews come from these declarations only: the server knows no band or class name.
  outputs: {
    composite: { type: 'Composite', preview: [{ kind: 'rgb', label: 'natural colour', bands: ['B4', 'B3', 'B2'] }] },
    map: { type: 'ClassMap', preview: [{ kind: 'classes' }, { kind: 'probability' }] },
    change: { type: 'Change', preview: [{ kind: 'transitions' }, { kind: 'diff' }] },
  },
  params: z.object({}),
  async run(ctx) {
    const cw = new CompositeWriter(path.join(ctx.workDir, 'composite.f32'), grid, ['B4_mean', 'B3_mean', 'B2_mean', 'NDVI_mean']);
    const block = new Float32Array(W * H * 4);
    for (let i = 0; i < W * H; i++) block.set(i % W < 5 ? [NaN, NaN, NaN, NaN] : [i, 2 * i, 3 * i, 0.5], i * 4);
    cw.writeWindow({ x: 0, y: 0, width: W, height: H }, block);
    const composite = cw.commit();
    const band = (f: (x: number, y: number) => number, make: (n: number) => Uint8Array | Float32Array) => {
      const a = make(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) a[y * W + x] = f(x, y);
      return a;
    };
    const tif = async (name: string, dataType: 'uint8' | 'float32', bands: (Uint8Array | Float32Array)[], noData: number | null) => {
      const file = path.join(ctx.workDir, name);
      await writeGeoTiff(file, { grid, bandCount: bands.length, dataType, noData, readWindow: (win) => bands.map((b) => {
        const out = dataType === 'uint8' ? new Uint8Array(win.width * win.height) : new Float32Array(win.width * win.height);
        for (let r = 0; r < win.height; r++) out.set(b.subarray((win.y + r) * W + win.x, (win.y + r) * W + win.x + win.width), r * win.width);
        return out;
      }) });
      return file;
    };
    const u8 = (n: number) => new Uint8Array(n);
    const f32 = (n: number) => new Float32Array(n);
    const classFile = await tif('classes.tif', 'uint8', [band(classAt, u8)], 255);
    const probabilityFile = await tif('prob.tif', 'float32', [band((x) => x / (W - 1), f32), band(() => 0.5, f32), band(() => 0, f32)], null);
    // transitions: code = from * 4 + to over water, forest, asgm, uncertain; forest→asgm in the middle band of
    // columns, water→forest at the left, forest→uncertain in row 1.
    const transitionFile = await tif('transitions.tif', 'uint8', [band((x, y) => (y === 0 ? 255 : y === 1 ? 1 * 4 + 3 : x < 10 ? 0 * 4 + 1 : x < 20 ? 1 * 4 + 2 : 5), u8)], 255);
    const diffFile = await tif('diff_asgm.tif', 'float32', [band((x) => -1 + (2 * x) / (W - 1), f32)], null);
    const map: ClassMap = { kind: 'ClassMap', grid, classes, classFile, probabilityFile, classAreasKm2: {} };
    const zero = [...classes, 'uncertain'].map(() => [...classes, 'uncertain'].map(() => 0));
    const change: Change = { kind: 'Change', classes, labels: [...classes, 'uncertain'], focus: { from: 'forest', to: 'asgm' }, transitionPixels: zero, transitionKm2: zero, areaBeforeKm2: {}, areaAfterKm2: {}, changePercent: {}, transitionFile, probabilityDiffFiles: { asgm: diffFile } };
    return { outputs: { composite, map, change } };
  },
});

/** The same kinds of value with no declared layers: the server must not guess any (no band or class names). */
const plainNode = defineNode({
  type: 'test.plain',
  version: 1,
  category: 'Output',
  label: 'Plain',
  description: 'A class map whose output declares no map layers.',
  inputs: {},
  outputs: { map: { type: 'ClassMap' } },
  params: z.object({}),
  async run() {
    return { outputs: { map: { kind: 'ClassMap', grid, classes, classFile: 'none.tif', classAreasKm2: {} } as ClassMap } };
  },
});

const pixel = (img: { width: number; rgba: Uint8Array }, x: number, y: number): number[] => [...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

describe('map previews', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer({ deps: { ...testDeps, catalog: [mapsNode, plainNode] as unknown as AnyNodeDefinition[] } });
    const graph = { schema: 'sentiflow/graph@1', name: 'maps', nodes: [{ id: 'm', type: 'test.maps', version: 1, params: {} }, { id: 'p', type: 'test.plain', version: 1, params: {} }], links: [] };
    const { runId } = await (await postJson(`${s.url}/api/runs`, { graph })).json();
    base = `${s.url}/api/runs/${runId}/nodes/m`;
    for (let i = 0; i < 100; i++) {
      const run = await (await fetch(`${s.url}/api/runs/${runId}`)).json();
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    await s.stop();
  });

  const png = async (query: string) => {
    const res = await fetch(`${base}/preview.png?${query}`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'image/png');
    return decodePng(Buffer.from(await res.arrayBuffer()));
  };

  test('classes: palette colours, no data transparent, full size', async () => {
    const img = await png('layer=classes');
    assert.deepEqual([img.width, img.height], [W, H]);
    assert.equal(pixel(img, 5, 0)[3], 0);
    assert.deepEqual(pixel(img, 2, 5), [...hexToRgb(classColor('water', 0)), 255]);
    assert.deepEqual(pixel(img, 20, 5), [...hexToRgb('#1a9641'), 255]);
    assert.deepEqual(pixel(img, 39, 5), [...hexToRgb('#d7191c'), 255]);
  });

  test('downsamples to maxSize on the long side', async () => {
    const img = await png('layer=classes&maxSize=20');
    assert.deepEqual([img.width, img.height], [20, 15]);
    assert.deepEqual(pixel(img, 19, 7), [...hexToRgb('#d7191c'), 255]);
  });

  test('rgb: stretched, transparent where NaN', async () => {
    const img = await png('layer=rgb');
    assert.equal(pixel(img, 2, 10)[3], 0);
    assert.equal(pixel(img, 39, 29).slice(0, 3).join(), '255,255,255');
    assert.equal(pixel(img, 5, 0).slice(0, 3).join(), '0,0,0');
  });

  test('transitions, probability and diff', async () => {
    const t = await png('layer=transitions');
    assert.deepEqual(pixel(t, 15, 5), [...hexToRgb(TRANSITION_COLORS.focus), 255]);
    assert.deepEqual(pixel(t, 5, 5), [...hexToRgb(TRANSITION_COLORS.otherChange), 255]);
    assert.ok(pixel(t, 30, 5)[3] < 255, 'unchanged is faint');
    assert.deepEqual(pixel(t, 5, 1), [...hexToRgb(TRANSITION_COLORS.uncertain), 255]);
    assert.equal(pixel(t, 30, 0)[3], 0);
    const p = await png('layer=probability:water');
    assert.deepEqual(pixel(p, 0, 3), [...hexToRgb('#440154'), 255]);
    assert.deepEqual(pixel(p, 39, 3), [...hexToRgb('#fde725'), 255]);
    const d = await png('layer=diff:asgm');
    assert.deepEqual(pixel(d, 0, 3), [...hexToRgb('#2166ac'), 255]);
  });

  test('legend and layer errors', async () => {
    const legend = await (await fetch(`${base}/legend?layer=classes`)).json();
    assert.deepEqual(legend.entries, [
      { label: 'water', color: '#2b83ba' },
      { label: 'forest', color: '#1a9641' },
      { label: 'asgm', color: '#d7191c' },
    ]);
    assert.ok(legend.layers.includes('rgb') && legend.layers.includes('diff:asgm'));
    for (const [q, status] of [['layer=bogus', 400], ['layer=probability:gold', 400], ['layer=diff:water', 400], ['maxSize=2', 400], ['maxSize=abc', 400]] as const) {
      const res = await fetch(`${base}/preview.png?${q}`);
      assert.equal(res.status, status, q);
      assert.ok((await res.json()).error.message);
    }
    assert.equal((await fetch(`${s.url}/api/runs/nope/nodes/m/preview.png`)).status, 404);
    const plain = await fetch(base.replace(/m$/, 'p') + '/legend');
    assert.equal(plain.status, 400, 'an output that declares no layers offers no map');
    assert.equal((await plain.json()).error.code, 'no-map');
    assert.equal((await fetch(base.replace(/m$/, 'p') + '/legend?layer=classes')).status, 400);
    assert.equal((await fetch(base.replace(/m$/, 'zz') + '/legend')).status, 404);
  });
});
