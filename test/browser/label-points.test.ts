/**
 * End-to-end: labelling sample points with the keyboard in the built editor against the real runner server on
 * generated demo data, in headless Chromium; the page is closed midway and reopened: nothing is lost.
 *   node --import tsx --test test/browser/label-points.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, openEditor, shots } from './harness.ts';

const missing = !existsSync(CHROMIUM) && `${CHROMIUM} is missing: browser test skipped`;
const skip = missing && (process.env.CI ? false : missing);

/** Composite of 2019 for the chips, the demo's truth as the map to assess, 12 sample points. */
const graph = {
  schema: 'sentiflow/graph@1',
  name: 'Label test',
  nodes: [
    { id: 'load', type: 's2.load', version: 1, params: { dir: 'demo', prefix: 'S2_SR_demo', year: 2019, cloudLayer: 'probability' }, position: { x: 0, y: 0 } },
    { id: 'mask', type: 's2.cloudMask', version: 1, params: { method: 'probability', probabilityThreshold: 20 }, position: { x: 300, y: 0 } },
    { id: 'index', type: 's2.index', version: 1, params: { indices: ['NDVI'] }, position: { x: 600, y: 0 } },
    { id: 'agg', type: 's2.aggregate', version: 1, params: { reducers: ['mean'] }, position: { x: 900, y: 0 } },
    { id: 'map', type: 'raster.loadClassMap', version: 1, params: { path: 'demo/truth_2019.tif' }, position: { x: 600, y: 300 } },
    { id: 'sample', type: 'validation.sample', version: 1, params: { seed: 3, totalPoints: 6, minPerStratum: 4 }, position: { x: 900, y: 300 } },
  ],
  links: [
    { from: { node: 'load', output: 'series' }, to: { node: 'mask', input: 'series' } },
    { from: { node: 'mask', output: 'series' }, to: { node: 'index', input: 'series' } },
    { from: { node: 'index', output: 'series' }, to: { node: 'agg', input: 'series' } },
    { from: { node: 'map', output: 'classMap' }, to: { node: 'sample', input: 'map' } },
  ],
};

/** A change sample over the demo's two truths (the composite of 2019 shows both years here). */
const changeGraph = {
  ...graph,
  name: 'Label change test',
  nodes: [
    ...graph.nodes.filter((n) => n.id !== 'sample'),
    { id: 'map22', type: 'raster.loadClassMap', version: 1, params: { path: 'demo/truth_2022.tif' }, position: { x: 600, y: 500 } },
    { id: 'sample', type: 'validation.sampleChange', version: 1, params: { seed: 3, totalPoints: 4, minPerStratum: 3, beforeName: '2019', afterName: '2022' }, position: { x: 900, y: 300 } },
  ],
  links: [
    ...graph.links.filter((l) => l.to.node !== 'sample'),
    { from: { node: 'map', output: 'classMap' }, to: { node: 'sample', input: 'before' } },
    { from: { node: 'map22', output: 'classMap' }, to: { node: 'sample', input: 'after' } },
  ],
};

async function openAndRun(page: Page, url: string, example = 'label-test.json'): Promise<void> {
  // Opening an example over the autosaved graph of an earlier page asks first: yes, replace it.
  page.on('dialog', (d) => void d.accept());
  await page.goto(url);
  await page.getByTestId('examples-button').click();
  await page.getByTestId(`example-${example}`).click();
  await page.getByTestId('node-sample').waitFor();
  const before = await page.getByTestId('run-status').getAttribute('data-run-id');
  await page.getByTestId('run-button').click();
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=run-status]');
    return el?.getAttribute('data-run-id') !== prev && el?.getAttribute('data-status') === 'done';
  }, before, { timeout: 240_000 });
  await page.getByTestId('results-panel').waitFor();
  await page.getByTestId('results-tab-labels').click();
  await page.getByTestId('label-points').waitFor();
}

const progress = async (page: Page) => Number(await page.getByTestId('label-progress').getAttribute('data-labelled'));

function labelsOnDisk(dataRoot: string): Record<string, string> {
  const dir = join(dataRoot, 'labels');
  if (!existsSync(dir)) return {};
  const file = readdirSync(dir).find((f) => f.startsWith('sample-') && f.endsWith('.geojson'));
  if (!file) return {};
  const gj = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { features: { properties: { id: string; reference: string | null } }[] };
  return Object.fromEntries(gj.features.filter((f) => f.properties.reference).map((f) => [f.properties.id, f.properties.reference!]));
}

test('label points with the keyboard; close the page midway, reopen, nothing lost', { skip, timeout: 600_000 }, async (t) => {
  const { page, ctx, server, dataRoot, errors } = await openEditor(t, {
    name: 'label-e2e',
    viewport: { width: 1500, height: 1000 },
    demo: { width: 160, height: 120, datesPerYear: 8 },
    prepare(root) {
      mkdirSync(join(root, 'graphs'));
      writeFileSync(join(root, 'graphs', 'label-test.json'), JSON.stringify(graph));
      writeFileSync(join(root, 'graphs', 'label-change.json'), JSON.stringify(changeGraph));
    },
    server: (root) => ({ graphsDir: join(root, 'graphs'), cacheDir: join(root, 'cache') }),
    goto: false,
  });
  await openAndRun(page, server.url);

  const total = Number(await page.getByTestId('label-progress').getAttribute('data-total'));
  assert.ok(total >= 12, `${total} points`);
  assert.equal(await progress(page), 0);
  // The chip of the natural-colour composite and the NDVI series are shown.
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid=label-points] img') as HTMLImageElement | null;
    return Boolean(img && img.complete && img.naturalWidth > 0);
  }, undefined, { timeout: 20_000 });
  await page.getByTestId('label-ndvi').locator('polyline').first().waitFor();
  await page.getByTestId('label-points').screenshot({ path: join(shots, 'label-points.png') });

  // Keys 1..3 = water, forest, asgm; each label moves to the next point. Arrows move back and forth.
  const classes = ['water', 'forest', 'asgm'];
  const given: Record<string, string> = {};
  const half = Math.floor(total / 2);
  for (let i = 0; i < half; i++) {
    const id = (await page.getByTestId('label-point-id').textContent())!;
    const k = (i * 7) % 3;
    await page.keyboard.press(String(k + 1));
    given[id] = classes[k];
    await page.waitForFunction((prev) => document.querySelector('[data-testid=label-point-id]')?.textContent !== prev, id);
  }
  assert.equal(await progress(page), half);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  // Closed right after the last key press, without waiting for "saved".
  await page.close();
  const deadline = Date.now() + 10_000;
  while (Object.keys(labelsOnDisk(dataRoot)).length < half && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(labelsOnDisk(dataRoot), given, 'every label given before the page closed is in the labels file');

  // Reopen (the run comes from the cache): it resumes at the first unlabelled point with the labels given.
  const again = await ctx.newPage();
  again.on('pageerror', (e) => errors.push(e.message));
  await openAndRun(again, server.url);
  await again.waitForFunction((n) => Number(document.querySelector('[data-testid=label-progress]')?.getAttribute('data-labelled')) === n, half);
  const resumed = (await again.getByTestId('label-point-id').textContent())!;
  assert.ok(!(resumed in given), `resumes at an unlabelled point (${resumed})`);
  for (let i = half; i < total; i++) {
    const id = (await again.getByTestId('label-point-id').textContent())!;
    await again.keyboard.press('2');
    given[id] = 'forest';
    if (i < total - 1) await again.waitForFunction((prev) => document.querySelector('[data-testid=label-point-id]')?.textContent !== prev, id);
  }
  await again.waitForFunction((n) => Number(document.querySelector('[data-testid=label-progress]')?.getAttribute('data-labelled')) === n, total);
  await again.getByTestId('label-saved').waitFor();
  assert.deepEqual(labelsOnDisk(dataRoot), given);

  // A change sample: two keys per point (2019, then 2022), then the next point.
  await again.close();
  const mapLabelFiles = readdirSync(join(dataRoot, 'labels'));
  const ch = await ctx.newPage();
  ch.on('pageerror', (e) => errors.push(e.message));
  await openAndRun(ch, server.url, 'label-change.json');
  await ch.waitForFunction(() => document.querySelectorAll('[data-testid=label-points] img').length === 2, undefined, { timeout: 15_000 }).catch(() => undefined);
  assert.equal(await ch.locator('[data-testid=label-points] img').count(), 2, 'a chip per year');
  const first = (await ch.getByTestId('label-point-id').textContent())!;
  await ch.keyboard.press('2');
  assert.equal(await ch.getByTestId('label-field-reference_before').getAttribute('data-value'), 'forest');
  assert.equal(await ch.getByTestId('label-point-id').textContent(), first, 'stays on the point for the second year');
  await ch.keyboard.press('3');
  await ch.waitForFunction((prev) => document.querySelector('[data-testid=label-point-id]')?.textContent !== prev, first);
  await ch.waitForFunction(() => Number(document.querySelector('[data-testid=label-progress]')?.getAttribute('data-labelled')) === 1);
  await ch.getByTestId('label-saved').waitFor();
  const file = readdirSync(join(dataRoot, 'labels')).find((f) => f.endsWith('.geojson') && !mapLabelFiles.includes(f));
  const gj = JSON.parse(readFileSync(join(dataRoot, 'labels', file!), 'utf8')) as { features: { properties: Record<string, string | null> }[] };
  const p = gj.features.find((f) => f.properties.id === first)!.properties;
  assert.equal(p.reference_before, 'forest');
  assert.equal(p.reference_after, 'asgm');
  assert.deepEqual(errors, []);
});

