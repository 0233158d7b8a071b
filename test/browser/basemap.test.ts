/**
 * The optional XYZ basemap, in headless Chromium at 1366 × 768 against the real runner: a tile server started
 * here on 127.0.0.1 serves PNG tiles each filled with a colour made from its x/y/z, the runner is started with
 * `basemap` (as `sentiflow serve --basemap URL`), and the demo's class map (EPSG:32621, 10 m) is shown.
 *  - Under the class map, at every sampled screen point away from tile edges, the screenshot has the colour of
 *    the tile that the point's coordinates (read from the map's own read-out, then projected here with proj4 and
 *    the slippy-map formula) fall in: the tiles are in the right place.
 *  - With an unreachable tile URL the map still draws and reads values, and says the basemap is off.
 *   node --import tsx --test test/browser/basemap.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import type { Page } from 'playwright-core';
import { encodePng } from '../../apps/runner/src/server/png.ts';
import { file, needs } from '../needs.ts';
import { CHROMIUM, openEditor, pixelsOf, runAndWait, shots } from './harness.ts';

const skip = needs(file(CHROMIUM, 'chromium'));

/** A colour per tile that differs between neighbours in every direction. */
const tileColour = (z: number, x: number, y: number): [number, number, number] => [(x * 53) % 256, (y * 97) % 256, (40 + z * 9) % 256];

async function startTileServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const m = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const [z, x, y] = m.slice(1).map(Number);
    const rgba = new Uint8Array(256 * 256 * 4);
    const [r, g, b] = tileColour(z, x, y);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
    res.writeHead(200, { 'content-type': 'image/png' }).end(encodePng(256, 256, rgba));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The demo's truth as a class map: a one-node graph that runs in a moment. */
const graph = {
  schema: 'sentiflow/graph@1',
  name: 'Basemap test',
  nodes: [{ id: 'truth', type: 'raster.loadClassMap', version: 1, label: 'Truth 2019', params: { path: 'demo/truth_2019.tif' }, position: { x: 0, y: 0 } }],
  links: [],
};
const withGraph = (root: string) => {
  mkdirSync(join(root, 'graphs'));
  writeFileSync(join(root, 'graphs', 'basemap-test.json'), JSON.stringify(graph));
};

/** Sets a range input as a person dragging it would (React listens to "input"). */
async function setRange(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

async function showClassMap(page: Page): Promise<void> {
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-basemap-test.json').click();
  await page.getByTestId('node-truth').waitFor();
  assert.equal((await runAndWait(page)).status, 'done');
  await page.getByTestId('results-panel').waitFor();
  await page.getByTestId('map-deck-a').locator('canvas').waitFor();
  await page.getByTestId('map-legend').waitFor();
  // At 1366 × 768 the map controls (with the basemap's) wrap instead of running off the panel.
  const overflow = await page.evaluate(() => {
    const c = document.querySelector('.sf-map-controls') as HTMLElement;
    return { controls: c.scrollWidth - c.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth };
  });
  assert.deepEqual(overflow, { controls: 0, page: 0 });
}

/** The map's read-out with the cursor at (x, y): pixel and UTM coordinates, or null off the raster. */
async function readoutAt(page: Page, x: number, y: number): Promise<{ px: number; py: number; e: number; n: number } | null> {
  const before = (await page.getByTestId('map-readout').textContent()) ?? '';
  await page.mouse.move(x, y);
  try {
    // A new pixel with its coordinates (not the read-out of the point before).
    await page.waitForFunction(
      (prev) => {
        const text = document.querySelector('[data-testid=map-readout]')?.textContent ?? '';
        return text !== prev && /pixel \d+, \d+/.test(text) && !!document.querySelector('[data-testid=map-coords]');
      },
      before,
      { timeout: 3000 },
    );
  } catch {
    return null;
  }
  const text = (await page.getByTestId('map-readout').textContent()) ?? '';
  const p = /pixel (\d+), (\d+)/.exec(text)!;
  const m = /(\d+) E, (\d+) N \(EPSG:32621\)/.exec(text);
  assert.ok(m, `coordinates in UTM 21N: ${text}`);
  return { px: Number(p[1]), py: Number(p[2]), e: Number(m[1]), n: Number(m[2]) };
}

const utm21n = proj4('+proj=utm +zone=21 +datum=WGS84 +units=m +no_defs', '+proj=longlat +datum=WGS84 +no_defs');
/** Fractional slippy-map tile coordinates of a UTM 21N point (OSM wiki formula). */
function tileOf(z: number, e: number, n: number): [number, number] {
  const [lon, lat] = utm21n.forward([e, n]);
  const r = (lat * Math.PI) / 180;
  return [((lon + 180) / 360) * 2 ** z, ((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * 2 ** z];
}

test('basemap: XYZ tiles from a local server under the class map, at the right place', { skip, timeout: 300_000 }, async (t) => {
  const tiles = await startTileServer();
  t.after(() => tiles.close());
  const { page, errors } = await openEditor(t, {
    name: 'basemap',
    demo: { width: 300, height: 225, datesPerYear: 4 },
    prepare: withGraph,
    server: (root) => ({ graphsDir: join(root, 'graphs'), basemap: { url: `${tiles.url}/tiles/{z}/{x}/{y}.png`, attribution: 'test tiles' } }),
  });
  await showClassMap(page);
  assert.ok(await page.getByTestId('map-basemap').isChecked(), 'a configured basemap is on');
  const credit = page.getByTestId('map-basemap-credit');
  await credit.waitFor({ timeout: 15_000 });
  assert.match((await credit.textContent()) ?? '', /^Basemap: test tiles · z\d+$/);
  const z = Number(await credit.getAttribute('data-zoom'));
  assert.ok(z >= 12 && z <= 19, `tile zoom ${z} fits a 3 km map`);
  // Only the configured template was fetched, at the zoom shown (and 0/0/0, the runner's first try).
  assert.ok(tiles.requests.some((r) => r.startsWith(`/tiles/${z}/`)));
  for (const r of tiles.requests) assert.match(r, /^\/tiles\/\d+\/\d+\/\d+\.png$/);

  // The class map fully transparent: what shows is the basemap alone.
  await setRange(page, 'map-opacity', '0');
  await page.mouse.move(2, 2);
  // Every tile asked for has arrived and been drawn: no new request for a while.
  for (let n = -1; n !== tiles.requests.length; ) {
    n = tiles.requests.length;
    await page.waitForTimeout(700);
  }
  await page.waitForTimeout(500);
  const deck = (await page.getByTestId('map-deck-a').boundingBox())!;
  const covered = await Promise.all(
    ['map-readout', 'map-scalebar', 'map-basemap-credit'].map(async (id) => page.getByTestId(id).boundingBox()),
  );
  const caption = await page.locator('.sf-deck-caption').first().boundingBox();
  const overlays = [...covered, caption].filter((b): b is NonNullable<typeof b> => !!b);
  const underOverlay = ([x, y]: [number, number]) => overlays.some((b) => x >= b.x - 3 && x <= b.x + b.width + 3 && y >= b.y - 3 && y <= b.y + b.height + 3);

  // Where the raster is on screen, from two read-outs (centre, and 60 px right and 40 px down of it).
  const cx = deck.x + deck.width / 2;
  const cy = deck.y + deck.height / 2;
  const c = await readoutAt(page, cx, cy);
  const d = await readoutAt(page, cx + 60, cy + 40);
  assert.ok(c && d && d.px > c.px && d.py > c.py, 'the read-out follows the cursor');
  const [sx, sy] = [60 / (d.px - c.px), 40 / (d.py - c.py)];
  const [left, top] = [cx - (c.px + 0.5) * sx, cy - (c.py + 0.5) * sy];
  const [w, h] = [300 * sx, 225 * sy];

  // Sample a grid of points on the raster; each point's map coordinates come from the read-out under the cursor.
  const points: { at: [number, number]; tile: [number, number]; e: number; n: number }[] = [];
  for (let i = 1; i <= 7; i++) {
    for (let j = 1; j <= 5; j++) {
      const at: [number, number] = [left + (w * (0.5 + i)) / 8.5, top + (h * (0.5 + j)) / 6.5];
      if (underOverlay(at) || at[0] < deck.x || at[1] < deck.y || at[0] > deck.x + deck.width || at[1] > deck.y + deck.height) continue;
      const r = await readoutAt(page, at[0], at[1]);
      if (!r) continue;
      const [tx, ty] = tileOf(z, r.e, r.n);
      // Away from tile edges by more than a raster pixel (where the cursor is inside its pixel is not known).
      const margin = 25 / ((40075016.686 * Math.cos((5 * Math.PI) / 180)) / 2 ** z);
      const fx = tx - Math.floor(tx);
      const fy = ty - Math.floor(ty);
      if (fx < margin || fx > 1 - margin || fy < margin || fy > 1 - margin) continue;
      points.push({ at, tile: [Math.floor(tx), Math.floor(ty)], e: r.e, n: r.n });
    }
  }
  const distinct = new Set(points.map((p) => p.tile.join('/')));
  assert.ok(points.length >= 8 && distinct.size >= 2, `${points.length} points on ${distinct.size} tiles`);
  // Tile images decode and upload asynchronously after they arrive: look again (cursor off the map, so no
  // read-out covers it) until every point shows its tile, for up to ~10 s.
  let bare: Buffer = Buffer.alloc(0);
  let wrong: { p: (typeof points)[number]; got: number[]; want: number[] }[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.mouse.move(2, 2);
    await page.waitForTimeout(attempt === 0 ? 300 : 1000);
    bare = await page.screenshot();
    const seen = await pixelsOf(page, bare, points.map((p) => p.at));
    wrong = points
      .map((p, i) => ({ p, got: [...seen[i]], want: [...tileColour(z, p.tile[0], p.tile[1])] }))
      .filter(({ got, want }) => got.some((v, k) => Math.abs(v - want[k]) > 4));
    if (wrong.length === 0) break;
  }
  assert.deepEqual(
    wrong.map(({ p, got, want }) => `${p.e} E ${p.n} N: tile ${z}/${p.tile.join('/')} ${want.join(',')} but ${got.join(',')}`),
    [],
    'each point shows the colour of the tile its coordinates fall in',
  );
  console.log(`# basemap: ${points.length} points on ${distinct.size} tiles of zoom ${z} match`);
  writeFileSync(join(shots, 'basemap-alone.png'), bare);

  // At full opacity the class map covers the basemap where it has classes.
  await setRange(page, 'map-opacity', '1');
  await page.mouse.move(2, 2);
  await page.waitForTimeout(800);
  const drawn = await page.screenshot({ path: join(shots, 'basemap-under-classes.png') });
  const over = await pixelsOf(page, drawn, points.map((p) => p.at));
  const tileColoured = points.filter((p, i) => over[i].every((v, k) => Math.abs(v - tileColour(z, p.tile[0], p.tile[1])[k]) <= 4));
  assert.ok(tileColoured.length < points.length / 4, `the class map is drawn over the basemap (${tileColoured.length} of ${points.length} points still show a tile)`);

  // Off: no tile is drawn.
  await page.getByTestId('map-basemap').uncheck();
  await credit.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('basemap: an unreachable tile URL leaves the map working and says the basemap is off', { skip, timeout: 300_000 }, async (t) => {
  const port = await closedPort();
  const { page, errors } = await openEditor(t, {
    name: 'basemap-off',
    demo: { width: 300, height: 225, datesPerYear: 4 },
    prepare: withGraph,
    server: (root) => ({ graphsDir: join(root, 'graphs'), basemap: { url: `http://127.0.0.1:${port}/{z}/{x}/{y}.png` } }),
  });
  await showClassMap(page);
  const off = page.getByTestId('map-basemap-off');
  await off.waitFor({ timeout: 15_000 });
  assert.match((await off.textContent()) ?? '', new RegExp(`^Basemap off: the basemap tiles from 127\\.0\\.0\\.1:${port} cannot be fetched \\(.+\\): is this machine offline\\?$`));
  assert.equal(await page.getByTestId('map-basemap').count(), 0, 'no basemap switch to turn on');
  assert.equal(await page.getByTestId('map-basemap-credit').count(), 0);
  const note = (await off.boundingBox())!;
  const area = (await page.locator('.sf-map-area').boundingBox())!;
  assert.ok(note.y + note.height <= Math.min(768, area.y + area.height) && note.x + note.width <= area.x + area.width, 'the note is in the map, on screen');
  // The map itself works: the class map is drawn (the map's centre is not the empty background), legend, read-out.
  const deck = (await page.getByTestId('map-deck-a').boundingBox())!;
  const centre: [number, number] = [deck.x + deck.width / 2, deck.y + deck.height / 2];
  let rgb: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 40 && rgb.every((v) => v < 30); i++) {
    await page.waitForTimeout(250);
    [rgb] = await pixelsOf(page, await page.screenshot(), [centre]);
  }
  assert.ok(rgb.some((v) => v >= 30), `the class map is drawn at the centre (${rgb.join(',')})`);
  await page.mouse.move(deck.x + deck.width / 2, deck.y + deck.height / 2, { steps: 3 });
  await page.getByTestId('map-values').waitFor({ timeout: 10_000 });
  assert.match((await page.getByTestId('map-readout').textContent()) ?? '', /class \w+/);
  await page.screenshot({ path: join(shots, 'basemap-off.png') });
  assert.deepEqual(errors, []);
});
