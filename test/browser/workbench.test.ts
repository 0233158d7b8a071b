/**
 * The editor as a workbench (issue 13 items 4–6), in headless Chromium against the real server at 1366 × 768:
 * build the two-year graph from an empty canvas counting every user action, lose nothing (Open/Examples ask,
 * Undo brings the graph back, reload restores the autosave, Ctrl+S saves), the keyboard path, the layout.
 *   node --import tsx --test test/browser/workbench.test.ts
 * Screenshots go to test-output/screenshots/ (ignored by git).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, openEditor, repoRoot, shots } from './harness.ts';

const missing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: browser test skipped`;
const skip = missing && (process.env.CI ? false : missing);

const nodeCount = (page: Page) => page.locator('.sf-node').count();

/**
 * The 1366 × 768 layout: the page does not scroll sideways or down, each panel's content fits its width, and
 * every element named is wholly inside the window and not covered by another one at its centre.
 */
async function checkLayout(page: Page, visible: string[]): Promise<void> {
  const overflow = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth || doc.scrollHeight > window.innerHeight) out.push(`page ${doc.scrollWidth}×${doc.scrollHeight}`);
    for (const sel of ['.sf-toolbar', '.sf-palette', '.sf-inspector', '.sf-results .sf-tabs', '.sf-results-body']) {
      const el = document.querySelector(sel) as HTMLElement | null;
      if (el && el.scrollWidth > el.clientWidth + 1) out.push(`${sel} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
  assert.deepEqual(overflow, [], 'nothing overflows sideways at 1366 × 768');
  for (const id of visible) {
    const el = page.getByTestId(id).first();
    const b = await el.boundingBox();
    assert.ok(b && b.x >= 0 && b.y >= 0 && b.x + b.width <= 1366 && b.y + b.height <= 768, `${id} inside the window: ${JSON.stringify(b)}`);
    const onTop = await el.evaluate((node) => {
      const r = node.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return !!hit && (node === hit || node.contains(hit) || hit.contains(node));
    });
    assert.ok(onTop, `${id} is not covered`);
  }
}

test('workbench: two-year graph in < 25 actions, nothing lost, keyboard path, 1366 × 768 layout', { skip, timeout: 600_000 }, async (t) => {
  const { page, profile, errors } = await openEditor(t, { name: 'workbench' });

  // ── Build the two-year graph from an empty canvas; every click or key press a person makes counts. ──
  let actions = 0;
  const log: string[] = [];
  const click = async (testId: string) => {
    actions++;
    log.push(testId);
    await page.getByTestId(testId).click();
  };
  const pick = async (param: string, ...entries: string[]) => {
    await click(`param-${param}-browse`);
    for (const e of entries) await click(`file-entry-${e}`);
    await click('file-pick-folder');
    await page.getByTestId('file-picker').waitFor({ state: 'detached' });
  };
  assert.equal(await nodeCount(page), 0);
  await click('palette-item-s2.load');
  await pick('dir', 'demo');
  // Prefix and year come from the folder's file names.
  await page.waitForFunction(() => (document.querySelector('[data-testid=param-prefix]') as HTMLInputElement | null)?.value === 'S2_SR_demo');
  assert.equal(await page.getByTestId('param-year').inputValue(), '2019');
  for (const type of ['s2.cloudMask', 's2.index', 's2.aggregate', 'samples.fromPolygons', 'vector.load']) await click(`palette-item-${type}`);
  await pick('path', 'demo', 'labels', '2019');
  for (const type of ['samples.split', 'model.xgboost', 'model.classify']) await click(`palette-item-${type}`);
  // Readable ids from the branch's year; the polygon loader is "labels19", not "load3".
  for (const id of ['load', 'mask19', 'index19', 'agg19', 'samples19', 'labels19', 'split19', 'xgb19', 'classify19']) await page.getByTestId(`node-${id}`).waitFor();
  await page.screenshot({ path: join(shots, 'build-2019.png') });
  await click('node-title-load');
  await click('duplicate-year-2022');
  await page.getByTestId('node-classify22').waitFor();
  await click('palette-item-change.diff');
  await page.getByTestId('node-change').waitFor();
  // Every input is linked as the notebook workflow needs: 19 nodes, 2 × 9 + 2 links.
  assert.equal(await nodeCount(page), 19);
  const links = await page.getByTestId('connection').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-source')}>${e.getAttribute('data-target')}`).sort());
  for (const l of ['load>mask19', 'labels19>samples19', 'agg19>classify19', 'xgb19>classify19', 'classify19>change', 'classify22>change', 'load_2022>mask22', 'labels22>samples22', 'agg22>classify22']) assert.ok(links.includes(l), `${l} in ${links.join(' ')}`);
  assert.equal(links.length, 20, links.join(' '));
  await page.getByTestId('node-title-labels22').click();
  assert.equal(await page.getByTestId('param-path').inputValue(), 'demo/labels/2022');
  await page.getByTestId('node-title-load_2022').click();
  assert.equal(await page.getByTestId('param-year').inputValue(), '2022');
  // Validation agrees: no problem ("Ready").
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'Ready', undefined, { timeout: 15_000 });
  await page.screenshot({ path: join(shots, 'build-two-years.png') });
  await page.evaluate(() => {
    const w = window as unknown as { overall: string[] };
    w.overall = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid=run-progress]')?.textContent;
      if (t && w.overall[w.overall.length - 1] !== t) w.overall.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await click('run-button');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''), undefined, { timeout: 300_000 });
  assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'done');
  assert.equal(await page.getByTestId('node-change').getAttribute('data-status'), 'done');
  // The overall progress bar showed the whole run advancing.
  const overall = await page.evaluate(() => (window as unknown as { overall: string[] }).overall);
  assert.ok(overall.length >= 2 && overall.every((t) => /^\d+ %/.test(t)), `overall progress: ${overall.join(' | ')}`);
  console.log(`# overall progress seen: ${overall.join(' | ')}`);
  console.log(`# two-year graph built and run from an empty canvas in ${actions} actions: ${log.join(', ')}`);
  assert.ok(actions < 25, `${actions} actions`);
  await page.screenshot({ path: join(shots, 'build-run-done.png') });

  // ── The finished run opens on its headline; at 1366 × 768 nothing overflows and the headline is in view. ──
  await page.getByTestId('results-panel').waitFor();
  await page.getByTestId('change-headline-km2').waitFor();
  assert.match((await page.getByTestId('results-tab-change').getAttribute('class')) ?? '', /active/, 'the Change tab (headline) is open');
  await page.waitForFunction(() => !document.querySelector('[data-testid=toast]'), undefined, { timeout: 15_000 });
  await checkLayout(page, ['change-headline', 'change-headline-km2', 'change-headline-percent', 'results-close', 'run-button', 'results-tab-experiments']);
  await page.screenshot({ path: join(shots, 'layout-1366-headline.png') });

  // ── The map has a place: values under the cursor, coordinates, scale bar; undrawable results are explained. ──
  await page.getByTestId('results-tab-map').click();
  await page.getByTestId('map-deck-a').locator('canvas').waitFor();
  const options = await page.getByTestId('map-layer-a').locator('option').allTextContents();
  assert.ok(!options.some((o) => /^(S2|Cloud Mask|Spectral Index) /.test(o)), `no time-series layer offered: ${options.join(' | ')}`);
  assert.match((await page.getByTestId('map-unavailable').textContent()) ?? '', /6 results without a map/);
  await page.getByTestId('map-layer-a').selectOption({ label: options.find((o) => o.startsWith('Classify 2019') && o.endsWith('classes'))! });
  await page.waitForTimeout(500);
  const deck = (await page.getByTestId('map-deck-a').boundingBox())!;
  await page.mouse.move(deck.x + deck.width / 2, deck.y + deck.height / 2, { steps: 3 });
  await page.getByTestId('map-values').waitFor({ timeout: 10_000 });
  const readout = (await page.getByTestId('map-readout').textContent()) ?? '';
  assert.match(readout, /class (water|forest|asgm|uncertain)/);
  assert.match(readout, /p\(forest\) [01]\.\d{3}/);
  assert.match((await page.getByTestId('map-coords').textContent()) ?? '', /\d+ E, \d+ N \(EPSG:\d+\)/);
  assert.match((await page.getByTestId('map-scalebar').textContent()) ?? '', /^\d+ (m|km)$/);
  await page.getByTestId('map-legend').waitFor();
  await page.screenshot({ path: join(shots, 'map-readout.png') });
  // The read-out agrees with GDAL on the class GeoTIFF.
  const [, px, py] = /pixel (\d+), (\d+)/.exec(readout)!;
  const runId = await page.getByTestId('run-status').getAttribute('data-run-id');
  const info = (await page.evaluate((id) => fetch(`api/runs/${id}`).then((r) => r.json()), runId)) as { nodes: Record<string, { outputs?: { classMap?: { classFile: string; classes: string[] } } }> };
  const cm = info.nodes.classify19.outputs!.classMap!;
  const gdal = spawnSync('gdallocationinfo', ['-valonly', cm.classFile, px, py], { encoding: 'utf8' });
  const code = Number(gdal.stdout.trim());
  const name = code === 254 ? 'uncertain' : cm.classes[code];
  assert.match(readout, new RegExp(`class ${name}`), `GDAL says ${code} (${name}) at ${px},${py}`);

  // ── Lose nothing. ──
  await page.waitForTimeout(800); // autosave is debounced
  // One handler for every confirm: records the question and answers as `answer` says.
  const dialogs: string[] = [];
  let answer: 'accept' | 'dismiss' = 'dismiss';
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void (answer === 'accept' ? d.accept() : d.dismiss());
  });
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.waitForTimeout(300);
  assert.match(dialogs[0] ?? '', /unsaved changes \(19 nodes\)/);
  assert.equal(await nodeCount(page), 19, 'cancel keeps the graph');
  answer = 'accept';
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.getByTestId('node-evalTree19').waitFor();
  assert.equal(await nodeCount(page), 25);
  await page.getByTestId('undo-button').click();
  await page.getByTestId('node-load_2022').waitFor();
  assert.equal(await nodeCount(page), 19, 'Undo brings the replaced graph back');
  await page.waitForTimeout(800);
  await page.reload();
  await page.getByTestId('node-load_2022').waitFor({ timeout: 15_000 });
  assert.equal(await nodeCount(page), 19, 'reload restores the autosaved graph');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
  assert.match(dl.suggestedFilename(), /\.json$/);
  // New asks too, and Undo brings the graph back.
  answer = 'accept';
  await page.getByTestId('node-title-mask19').click();
  await page.getByTestId('param-probabilityThreshold').fill('30');
  await page.getByTestId('new-button').click();
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 0);
  await page.keyboard.press('Control+z');
  await page.getByTestId('node-mask19').waitFor();

  // ── Keyboard path: shortcuts, palette, canvas, nodes, context menu. ──
  answer = 'accept';
  await page.getByTestId('new-button').click();
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 0);
  await page.getByTestId('editor-canvas').focus();
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts').waitFor();
  await page.screenshot({ path: join(shots, 'shortcuts.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'palette-search');
  await page.keyboard.type('sentinel');
  await page.keyboard.press('Enter');
  await page.getByTestId('node-load').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('palette-search').fill('');
  await page.getByTestId('palette-search').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  assert.match(focused ?? '', /^palette-item-/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 2);
  await page.getByTestId('editor-canvas').focus();
  await page.keyboard.press(']');
  const sel = await page.getByTestId('inspector').getAttribute('data-node-id');
  assert.ok(sel, 'a node is selected from the keyboard');
  await page.getByTestId('editor-canvas').focus();
  await page.keyboard.press('Enter');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.sf-inspector')), 'Enter moves into the inspector');
  // Context menu: "?" in its search is a character, Escape closes it.
  const box = (await page.getByTestId('editor-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width - 60, box.y + box.height - 60, { button: 'right' });
  await page.getByTestId('context-menu').waitFor();
  await page.getByTestId('context-menu-search').fill('?');
  await page.waitForTimeout(200);
  assert.equal(await page.getByTestId('context-menu-search').inputValue(), '?');
  await page.getByTestId('context-menu-search').fill('cloud');
  await page.getByTestId('context-menu').getByText('Cloud Mask').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('context-menu').waitFor({ state: 'detached' });

  // ── Layout at 1366 × 768: toolbar fits, panels resize and collapse. ──
  for (const id of ['new-button', 'open-button', 'save-button', 'run-button', 'results-toggle']) {
    const b = (await page.getByTestId(id).boundingBox())!;
    assert.ok(b && b.x >= 0 && b.x + b.width <= 1366 && b.y + b.height <= 768, `${id} on screen: ${JSON.stringify(b)}`);
  }
  const canvasW = (await page.getByTestId('editor-canvas').boundingBox())!.width;
  assert.ok(canvasW > 600, `canvas ${canvasW} px wide`);
  await page.getByTestId('collapse-inspector').click();
  await page.getByTestId('inspector').waitFor({ state: 'hidden' });
  assert.ok((await page.getByTestId('editor-canvas').boundingBox())!.width > canvasW + 250);
  await page.getByTestId('collapse-inspector').click();
  const split = (await page.getByTestId('splitter-palette').boundingBox())!;
  await page.mouse.move(split.x + 2, split.y + 200);
  await page.mouse.down();
  await page.mouse.move(split.x + 102, split.y + 200, { steps: 4 });
  await page.mouse.up();
  const paletteW = (await page.getByTestId('palette').boundingBox())!.width;
  assert.ok(paletteW > 320, `palette resized to ${paletteW}`);
  await page.screenshot({ path: join(shots, 'layout-1366.png') });

  // ── A colleague's graph with other folders: point all loaders at one folder of this data root. ──
  const example = JSON.parse(readFileSync(join(repoRoot, 'graphs/asgm-change.json'), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
  for (const n of example.nodes) {
    if (typeof n.params.dir === 'string') n.params.dir = `alice/${n.params.dir}`;
    if (typeof n.params.path === 'string') n.params.path = `alice/${n.params.path}`;
  }
  const colleague = join(profile, 'alice.json');
  writeFileSync(colleague, JSON.stringify(example));
  answer = 'accept';
  await page.getByTestId('open-file-input').setInputFiles(colleague);
  await page.getByTestId('relocate-banner').filter({ hasText: 'alice/demo' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, 'relocate.png') });
  await page.getByTestId('relocate-button').click();
  await page.getByTestId('file-entry-demo').click();
  await page.getByTestId('file-pick-folder').click();
  await page.getByTestId('relocate-banner').waitFor({ state: 'detached' });
  await page.getByTestId('node-title-labels22').click();
  assert.equal(await page.getByTestId('param-path').inputValue(), 'demo/labels/2022');
  await page.getByTestId('node-title-load19').click();
  assert.equal(await page.getByTestId('param-dir').inputValue(), 'demo');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'Ready', undefined, { timeout: 15_000 });
  assert.deepEqual(errors, []);
});
