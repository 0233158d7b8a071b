/**
 * End-to-end: the built editor against the real runner server on generated demo data, in headless Chromium, as
 * three short user flows on one server (each in a fresh browser context): editing an example, running it,
 * saving and reopening it. The graph editing itself is tested without a browser in apps/editor/src/graph/.
 *   node --import tsx --test test/browser/editor.test.ts
 * Screenshots of the main views go to test-output/screenshots/ (ignored by git); UPDATE_SCREENSHOTS=1 writes the
 * committed ones in docs/screenshots/ instead.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { file, needs } from '../needs.ts';
import { CHROMIUM, openBrowser, shots, startEditorServer, type EditorServer } from './harness.ts';


async function dragSocket(page: Page, from: string, to: string): Promise<void> {
  const a = await page.getByTestId(from).boundingBox();
  const b = await page.getByTestId(to).boundingBox();
  assert.ok(a && b, `sockets ${from} and ${to} are on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function download(page: Page): Promise<unknown> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-button').click()]);
  const path = await dl.path();
  return JSON.parse(readFileSync(path, 'utf8'));
}

const currentRunId = (page: Page) => page.getByTestId('run-status').getAttribute('data-run-id');

/** Waits for the end of a run other than `previousRunId` (the run started by the last click). */
async function waitRunEnd(page: Page, previousRunId: string | null): Promise<string> {
  const status = page.getByTestId('run-status');
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=run-status]');
    const s = el?.getAttribute('data-status');
    return el?.getAttribute('data-run-id') !== prev && (s === 'done' || s === 'failed' || s === 'cancelled');
  }, previousRunId, { timeout: 240_000 });
  return (await status.getAttribute('data-status')) ?? '';
}

const skip = needs(file(CHROMIUM, 'chromium'));
let shared: EditorServer | null = null;

before(async () => {
  if (!skip) shared = await startEditorServer({ name: 'editor-e2e' });
});

after(async () => {
  await shared?.close();
});

/** A fresh Chromium profile (empty storage, so no autosaved graph) on the shared server's editor. */
const openFresh = (t: TestContext) => openBrowser(t, shared!.server.url, { viewport: { width: 1600, height: 1000 } });

/** A fresh profile with the example graph open. */
async function openExample(t: TestContext): Promise<{ page: Page; errors: string[]; profile: string }> {
  const opened = await openFresh(t);
  const { page } = opened;
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.getByTestId('node-change').waitFor();
  return opened;
}

test('editor: palette, open an example, refused link, parameter controls, expression checks, validation + undo, file picker', { skip, timeout: 300_000 }, async (t) => {
  const { page, errors } = await openFresh(t);

  // Palette from the catalogue, grouped by category, searchable.
  assert.ok(await page.getByTestId('palette-group-Model').isVisible());
  await page.getByTestId('palette-search').fill('xgboost');
  assert.equal(await page.getByTestId('palette-item-s2.load').count(), 0);
  assert.ok(await page.getByTestId('palette-item-model.xgboost').isVisible());
  await page.getByTestId('palette-search').fill('');

  // Open the example graph from the examples menu.
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.getByTestId('node-change').waitFor();
  assert.equal(await page.locator('.sf-node').count(), 25);
  const links = await page.getByTestId('connection').count();
  assert.ok(links >= 25, `links drawn (${links})`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, 'editor.png') });

  // An incompatible link (TimeSeries → Samples input) is refused with a visible reason.
  await dragSocket(page, 'socket-out-load19-series', 'socket-in-sep19-samples');
  const toast = page.getByTestId('toast').filter({ hasText: 'socket types differ' });
  await toast.waitFor({ timeout: 5000 });
  assert.match((await toast.textContent()) ?? '', /TimeSeries.*Samples/);
  assert.equal(await page.getByTestId('connection').count(), links);

  // Parameter controls from JSON Schema.
  await page.getByTestId('node-title-index19').click();
  await page.getByTestId('inspector').locator('[data-node-id=index19]').or(page.locator('[data-testid=inspector][data-node-id=index19]')).first().waitFor();
  await page.screenshot({ path: join(shots, 'inspector.png') });

  // Custom index expressions are checked while typing, against the bands of the upstream load19 (via mask19).
  await page.getByTestId('param-custom-add').click();
  const exprInput = page.getByTestId('param-custom-0-expression');
  const exprStatus = page.getByTestId('param-custom-0-expression-status');
  await page.getByTestId('param-custom-0-name').fill('NDRE');
  await exprInput.pressSequentially('(B8 - B99) / (B8 + B5)');
  assert.equal(await exprStatus.getAttribute('data-valid'), 'false');
  assert.equal(await exprStatus.getAttribute('class'), 'sf-field-error');
  assert.match((await exprStatus.textContent()) ?? '', /^column 7: unknown band B99 \(available: B2, B3, B4, B5, B6, B7, B8, B8A, B11, B12\)$/);
  await exprInput.fill('');
  await exprInput.pressSequentially('(B8 - B5');
  assert.match((await exprStatus.textContent()) ?? '', /^column 9: unexpected end of expression \(expected '\)'\)$/);
  await exprInput.pressSequentially(') / (B8 + B5)');
  assert.equal(await exprStatus.getAttribute('data-valid'), 'true');
  await page.getByTestId('param-custom-0-name').fill('1NDRE');
  assert.match((await page.getByTestId('param-custom-0-name-error').textContent()) ?? '', /must start with a letter/);
  await page.getByTestId('param-custom-0-name').fill('NDRE');
  assert.equal(await page.getByTestId('param-custom-0-name-error').count(), 0);
  await page.getByTestId('param-custom-0-remove').click();
  assert.equal(await exprInput.count(), 0);

  // A wrong prefix on load19: the runner's validation problems (empty prefix; no such files) are shown on the
  // node; undo restores the prefix.
  await page.getByTestId('node-title-load19').click();
  await page.locator('[data-testid=inspector][data-node-id=load19]').waitFor();
  const prefix = page.getByTestId('param-prefix');
  const originalPrefix = await prefix.inputValue();
  await prefix.fill('');
  await page.getByTestId('problems-load19').filter({ hasText: 'prefix' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('status-load19').getAttribute('data-status'), 'invalid');
  // A prefix that matches no file is caught by validation, before any run, naming the prefixes that exist.
  await prefix.fill('NOPE');
  await page.getByTestId('problems-load19').filter({ hasText: 'no files with prefix NOPE in demo/; prefixes found: S2_SR_demo' }).waitFor({ timeout: 10_000 });
  await page.getByTestId('undo-button').click();
  await page.getByTestId('undo-button').click();
  await page.waitForFunction((v) => (document.querySelector('[data-testid=param-prefix]') as HTMLInputElement | null)?.value === v, originalPrefix);
  // The validation of the intermediate (empty) prefix may still be answering: wait for the final one.
  await page.getByTestId('problems-load19').waitFor({ state: 'detached', timeout: 10_000 });

  // The file picker browses the data root from the current folder; going up and back picks the same folder.
  await page.getByTestId('param-dir-browse').click();
  await page.getByTestId('file-picker').waitFor();
  await page.getByTestId('file-entry-S2_SR_demo_2019_B2.tif').waitFor();
  await page.getByTestId('file-entry-labels').click();
  await page.getByTestId('file-entry-2019').waitFor();
  await page.getByTestId('file-up').click();
  await page.getByTestId('file-up').click();
  await page.getByTestId('file-entry-demo').click();
  await page.getByTestId('file-entry-S2_SR_demo_2022_B2.tif').waitFor();
  await page.getByTestId('file-pick-folder').click();
  await page.getByTestId('file-picker').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('param-dir').inputValue(), 'demo');
  // Let the error toasts expire so they do not cover the screenshots below.
  await page.waitForFunction(() => !document.querySelector('[data-testid=toast]'), undefined, { timeout: 15_000 });
  assert.deepEqual(errors, [], 'no uncaught page errors');
});

test('editor: run with live progress, results views, a changed param makes its dependants stale, rerun from the cache', { skip, timeout: 600_000 }, async (t) => {
  const { page, errors } = await openExample(t);
  // Run: progress shows live, then results.
  await page.evaluate(() => {
    const w = window as unknown as { sawProgress: boolean; sawRunning: boolean };
    w.sawProgress = false;
    w.sawRunning = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid^=progress-]')) w.sawProgress = true;
      if (document.querySelector('.sf-node[data-status=running]')) w.sawRunning = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const failedRunId = await currentRunId(page);
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => (window as unknown as { sawRunning: boolean }).sawRunning, undefined, { timeout: 60_000 });
  await page.screenshot({ path: join(shots, 'running.png') });
  assert.equal(await waitRunEnd(page, failedRunId), 'done');
  assert.ok(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress), 'a progress bar was shown');
  for (const id of ['load19', 'xgb19', 'classify22', 'change']) assert.equal(await page.getByTestId(`node-${id}`).getAttribute('data-status'), 'done', id);

  // Results: the panel opens on the headline (change figures); map (deck.gl canvas + legend), metrics, tree, separability.
  await page.getByTestId('results-panel').waitFor();
  await page.getByTestId('change-headline').waitFor();
  assert.match((await page.getByTestId('results-tab-change').getAttribute('class')) ?? '', /active/);
  await page.getByTestId('results-tab-map').click();
  await page.getByTestId('map-deck-a').locator('canvas').waitFor();
  assert.equal(await page.getByTestId('map-basemap').count(), 0, 'no basemap control unless the server has one configured');
  await page.getByTestId('map-legend').waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(shots, 'map.png') });
  await page.getByTestId('map-mode-swipe').click();
  await page.getByTestId('map-deck-b').locator('canvas').waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(shots, 'map-swipe.png') });
  await page.getByTestId('results-tab-metrics').click();
  const acc = await page.getByTestId('metric-accuracy').first().textContent();
  assert.match(acc ?? '', /\d+(\.\d)? %/);
  assert.ok(await page.getByTestId('confusion-matrix').first().isVisible());
  await page.screenshot({ path: join(shots, 'metrics.png') });
  await page.getByTestId('results-tab-change').click();
  await page.getByTestId('change-table').waitFor();
  assert.match((await page.getByTestId('change-row-asgm').textContent()) ?? '', /%/);
  const headline = page.getByTestId('change-headline');
  await headline.waitFor();
  assert.equal(await headline.getAttribute('data-focus'), 'forest-asgm');
  assert.match((await headline.textContent()) ?? '', /Forest → ASGM/);
  assert.match((await page.getByTestId('change-headline-km2').textContent()) ?? '', /^\d+(\.\d+)? km²$/);
  assert.match((await page.getByTestId('change-headline-percent').textContent()) ?? '', /^([+−±]\d+(\.\d)? %|new \(no area before\))$/);
  await page.screenshot({ path: join(shots, 'change.png') });
  await page.getByTestId('results-tab-tree').click();
  await page.getByTestId('tree-view').waitFor();
  assert.ok((await page.getByTestId('tree-leaf').count()) >= 2);
  await page.screenshot({ path: join(shots, 'tree.png') });
  await page.getByTestId('results-tab-separability').click();
  await page.getByTestId('separability-view').waitFor();
  await page.getByTestId('histogram').first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, 'separability.png') });

  // Change one model parameter: the model and its dependants go stale; upstream nodes do not.
  await page.getByTestId('results-close').click();
  await page.getByTestId('node-title-xgb19').click();
  await page.locator('[data-testid=inspector][data-node-id=xgb19]').waitFor();
  await page.getByTestId('param-maxDepth').fill('4');
  await page.waitForFunction(() => document.querySelector('[data-testid=node-xgb19]')?.getAttribute('data-stale') === 'true');
  assert.equal(await page.getByTestId('node-classify19').getAttribute('data-stale'), 'true');
  assert.equal(await page.getByTestId('node-agg19').getAttribute('data-stale'), 'false');
  assert.equal(await page.getByTestId('node-xgb22').getAttribute('data-stale'), 'false');
  await page.screenshot({ path: join(shots, 'stale.png') });

  // Rerun: upstream results come from the cache, the changed model is recomputed.
  const firstRunId = await currentRunId(page);
  await page.getByTestId('run-button').click();
  assert.equal(await waitRunEnd(page, firstRunId), 'done');
  for (const id of ['load19', 'agg19', 'samples19', 'split19', 'xgb22']) assert.equal(await page.getByTestId(`node-${id}`).getAttribute('data-status'), 'cached', id);
  assert.equal(await page.getByTestId('node-xgb19').getAttribute('data-status'), 'done');
  assert.equal(await page.getByTestId('node-xgb19').getAttribute('data-stale'), 'false');
  assert.deepEqual(errors, [], 'no uncaught page errors');
});

test('editor: save, reload, open the saved file (same graph); arrange', { skip, timeout: 300_000 }, async (t) => {
  const { page, errors, profile } = await openExample(t);
  // An edit that must survive the round trip.
  await page.getByTestId('node-title-xgb19').click();
  await page.locator('[data-testid=inspector][data-node-id=xgb19]').waitFor();
  await page.getByTestId('param-maxDepth').fill('4');
  // Save, reload, open the saved file: same graph.
  const saved = (await download(page)) as { nodes: { id: string; params: Record<string, unknown> }[] };
  assert.equal(saved.nodes.find((n) => n.id === 'xgb19')?.params.maxDepth, 4);
  const file = join(profile, 'saved-graph.json');
  writeFileSync(file, JSON.stringify(saved));
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId('palette-item-s2.load').waitFor();
  await page.getByTestId('open-file-input').setInputFiles(file);
  await page.getByTestId('node-change').waitFor();
  const again = await download(page);
  assert.deepEqual(again, saved);

  // Arrange (its layout engine is loaded on first use) moves the nodes.
  const where = async () => (await page.getByTestId('node-change').boundingBox())!;
  const start = await where();
  await page.getByTestId('arrange-button').click();
  await page.waitForFunction(
    (b) => {
      const r = document.querySelector('[data-testid=node-change]')!.getBoundingClientRect();
      return Math.abs(r.x - b.x) > 2 || Math.abs(r.y - b.y) > 2;
    },
    start,
    { timeout: 30_000 },
  );
  assert.deepEqual(errors, [], 'no uncaught page errors');
});

test('editor: canvas gestures are undoable edits (drag a node, copy/paste two linked nodes, delete them)', { skip, timeout: 300_000 }, async (t) => {
  const { page, errors } = await openExample(t);
  const nodes = () => page.locator('.sf-node').count();
  const box = async (id: string) => (await page.getByTestId(`node-${id}`).boundingBox())!;

  // Drag a node by its title; Ctrl+Z puts it back.
  const start = await box('change');
  const title = (await page.getByTestId('node-title-change').boundingBox())!;
  await page.mouse.move(title.x + 20, title.y + title.height / 2);
  await page.mouse.down();
  await page.mouse.move(title.x + 120, title.y + 80, { steps: 8 });
  await page.mouse.up();
  const moved = await box('change');
  assert.ok(Math.abs(moved.x - start.x) > 50 && Math.abs(moved.y - start.y) > 40, `dragged: ${JSON.stringify([start, moved])}`);
  await page.keyboard.press('Control+z');
  await page.waitForFunction((b) => {
    const r = document.querySelector('[data-testid=node-change]')!.getBoundingClientRect();
    return Math.abs(r.x - b.x) < 2 && Math.abs(r.y - b.y) < 2;
  }, start);
  assert.equal(await nodes(), 25, 'undo took back the move only');

  // Select two linked nodes (Ctrl adds to the selection), copy, paste: fresh ids, the link between them kept.
  await page.getByTestId('node-title-mask19').click();
  await page.getByTestId('node-title-index19').click({ modifiers: ['Control'] });
  await page.keyboard.press('Control+c');
  await page.getByTestId('toast').filter({ hasText: 'Copied 2 nodes' }).waitFor();
  await page.keyboard.press('Control+v');
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 27);
  const pasted = await page.locator('.sf-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')).slice(25));
  assert.equal(pasted.length, 2);
  assert.ok(!pasted.includes('mask19') && !pasted.includes('index19'), pasted.join(' '));
  await page.locator(`[data-testid=connection][data-source="${pasted[0]}"][data-target="${pasted[1]}"]`).waitFor();
  assert.equal(await page.getByTestId('inspector').getAttribute('data-node-id'), pasted[1], 'the inspector shows the last pasted node');

  // Delete removes the pasted (selected) nodes; undo brings them back with their link.
  await page.getByTestId('editor-canvas').focus();
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 25);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 27);
  await page.locator(`[data-testid=connection][data-source="${pasted[0]}"][data-target="${pasted[1]}"]`).waitFor();
  await page.keyboard.press('Control+y');
  await page.waitForFunction(() => document.querySelectorAll('.sf-node').length === 25);
  assert.deepEqual(errors, [], 'no uncaught page errors');
});
