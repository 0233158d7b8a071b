/**
 * Experiments end-to-end, in headless Chromium at 1366 × 768 against the real runner on generated demo data:
 * run twice with other reducers, name a run, reload, compare the two runs side by side; make a variant and
 * compare original and variant; download a class map GeoTIFF (checked with gdalinfo -checksum) and a CSV;
 * print the run report to PDF (one A4 page) and render it with pdftoppm.
 *   node --import tsx --test test/browser/experiments.test.ts
 * Screenshots and the rendered report go to test-output/experiments/ (ignored by git).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { HistoryItem } from '../../apps/runner/src/server/history.ts';
import { CHROMIUM, openEditor, repoRoot } from './harness.ts';

const shots = join(repoRoot, 'test-output/experiments');

const which = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = [CHROMIUM].filter((p) => !existsSync(p)).concat(['gdalinfo', 'pdftoppm', 'pdfinfo'].filter((t) => !which(t)));
const reason = missing.length ? `missing ${missing.join(', ')} (Debian: chromium gdal-bin poppler-utils)` : false;
// In CI a missing tool fails the test instead of skipping it.
const skip = reason && (process.env.CI ? false : reason);

/** Clicks what starts a run and waits for that run (not an earlier one) to end. */
async function runAndWait(page: Page, start: () => Promise<void>): Promise<string> {
  const before = await page.getByTestId('run-status').getAttribute('data-run-id');
  await start();
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=run-status]');
    const s = el?.getAttribute('data-status');
    return el?.getAttribute('data-run-id') && el.getAttribute('data-run-id') !== prev && (s === 'done' || s === 'failed' || s === 'cancelled');
  }, before, { timeout: 240_000 });
  assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'done');
  return (await page.getByTestId('run-status').getAttribute('data-run-id'))!;
}

async function openExperiments(page: Page): Promise<void> {
  if (!(await page.getByTestId('results-panel').isVisible())) await page.getByTestId('results-toggle').click();
  await page.getByTestId('results-tab-experiments').click();
  await page.getByTestId('history-view').waitFor();
}

async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; path: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), path: (await dl.path())! };
}

test('experiments: two runs compared, a variant, GeoTIFF and CSV downloads, report printed to PDF', { skip, timeout: 900_000 }, async (t) => {
  const { page, ctx, server, dataRoot, errors } = await openEditor(t, { name: 'experiments-e2e' });
  mkdirSync(shots, { recursive: true });
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.getByTestId('node-change').waitFor();

  // Run 1 with the example's reducers (mean), run 2 with median + std on the 2019 composite.
  const first = await runAndWait(page, () => page.getByTestId('run-button').click());
  if (await page.getByTestId('results-panel').isVisible()) await page.getByTestId('results-close').click();
  await page.getByTestId('fit-button').click();
  await page.getByTestId('node-title-agg19').click();
  await page.locator('[data-testid=inspector][data-node-id=agg19]').waitFor();
  await page.getByTestId('param-reducers-median').click();
  await page.getByTestId('param-reducers-std').click();
  await page.getByTestId('param-reducers-mean').click();
  const second = await runAndWait(page, () => page.getByTestId('run-button').click());
  assert.notEqual(first, second);

  // The history lists both, newest first, with what changed.
  await openExperiments(page);
  await page.getByTestId(`history-row-${first}`).waitFor();
  const rows = await page.locator('[data-testid^=history-row-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  assert.deepEqual(rows, [second, first]);
  const changed = await page.getByTestId(`history-row-${second}`).getByTestId('history-changes').textContent();
  assert.match(changed ?? '', /Composite 2019: reducers \[mean\] → \[std, median\]/);

  // Name a run; after a reload the name and both runs are still there (read from the runner's disk).
  await page.getByTestId(`run-name-${first}`).fill('mean only');
  await page.getByTestId(`run-name-${first}`).press('Enter');
  await page.waitForFunction(async (id) => (await (await fetch(`api/runs/${id}/notes`)).json()).name === 'mean only', first);
  await page.reload();
  await page.getByTestId('node-change').waitFor();
  await openExperiments(page);
  await page.getByTestId(`history-row-${second}`).waitFor();
  assert.equal(await page.getByTestId(`run-name-${first}`).inputValue(), 'mean only');
  // The reloaded graph is the one of the newest run: its results are back in the other tabs.
  await page.getByTestId('results-tab-change').locator('.sf-count').waitFor();
  assert.equal(await page.getByTestId('results-tab-change').locator('.sf-count').textContent(), '1');
  await page.screenshot({ path: join(shots, 'history.png') });

  // Compare: headline with differences, class maps with swipe, difference map, accuracy cards.
  await page.getByTestId(`history-pick-${first}`).check();
  await page.getByTestId(`history-pick-${second}`).check();
  await page.getByTestId('compare-button').click();
  await page.getByTestId('compare-view').waitFor();
  const history = (await (await fetch(`${server.url}/api/history`)).json()) as HistoryItem[];
  const [hb, ha] = history;
  const cells = await page.getByTestId('compare-headline').locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(cells.slice(0, 2), [ha.headline.transitionKm2!.toPrecision(3), hb.headline.transitionKm2!.toPrecision(3)]);
  assert.match((await page.getByTestId('compare-changes').textContent()) ?? '', /reducers \[mean\] → \[std, median\]/);
  await page.getByTestId('map-deck-b').waitFor();
  assert.equal(await page.getByTestId('map-swipe').count(), 1, 'the two class maps open in swipe mode');
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid=compare-diffmap-img]') as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth > 0;
  });
  assert.match((await page.getByTestId('compare-agree').textContent()) ?? '', /% of pixels agree; .* km² differ/);
  assert.equal(await page.getByTestId('compare-accuracy').getByTestId('metrics-view').count(), 6, 'three evaluations, A and B');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(shots, 'compare.png') });
  // The shown class map as a PNG with legend, scale bar and coordinates: larger than the map it frames.
  const png = await downloadOf(page, () => page.getByTestId('map-png').click());
  assert.equal(png.name, `${first}_classify22_classes.png`);
  const bytes = readFileSync(png.path);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  const [pw, ph] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  assert.ok(pw > 600 && ph > (600 * 150) / 200 + 60, `PNG ${pw}×${ph} frames the 200×150 map with a legend below`);
  copyFileSync(png.path, join(shots, 'map.png'));
  await page.getByTestId('compare-back').click();

  // Take results away: the class map as a GeoTIFF GDAL reads, byte for byte the file on disk; a CSV table.
  await page.getByTestId(`history-files-${second}`).click();
  const outDir = (await page.getByTestId('run-outdir').textContent())!;
  assert.equal(outDir, join(dataRoot, 'runs', second));
  const tif = await downloadOf(page, () => page.getByTestId('download-classify22/classes.tif').click());
  assert.equal(tif.name, `${second}_classify22_classes.tif`);
  assert.ok(readFileSync(tif.path).equals(readFileSync(join(outDir, 'classify22/classes.tif'))));
  const info = spawnSync('gdalinfo', ['-checksum', tif.path], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /Size is 200, 150/);
  assert.match(info.stdout, /Checksum=\d+/);
  assert.doesNotMatch(info.stdout + info.stderr, /Warning|ERROR/);
  const csv = await downloadOf(page, () => page.getByTestId('csv-change-transitions').click());
  assert.match(csv.name, /_change_transitions\.csv$/);
  assert.match(readFileSync(csv.path, 'utf8'), /^from\\to,water,forest,asgm/);

  // The report: one A4 page with maps, printed to PDF and rendered to PNG.
  const report = await ctx.newPage();
  await report.goto(`${server.url}/api/runs/${second}/report.html`);
  await report.waitForFunction(() => [...document.images].length >= 3 && [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  assert.match((await report.textContent('body')) ?? '', /forest → asgm/);
  const pdf = join(shots, 'report.pdf');
  await report.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  const pdfInfo = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(pdfInfo.stdout, /Pages:\s+1\n/, 'the report fits one page');
  const ppm = spawnSync('pdftoppm', ['-png', '-r', '80', '-singlefile', pdf, join(shots, 'report')], { encoding: 'utf8' });
  assert.equal(ppm.status, 0, ppm.stderr);
  assert.ok(statSync(join(shots, 'report.png')).size > 10_000);
  await report.close();

  // A variant: the aggregate branch copied with max added, run together with the original, then compared.
  await page.getByTestId('variant-button').click();
  await page.getByTestId('variant-dialog').waitFor();
  assert.ok(await page.getByTestId('variant-node-agg19').isChecked());
  assert.ok(await page.getByTestId('variant-node-agg22').isChecked());
  await page.getByTestId('variant-reducers-max').click();
  await page.screenshot({ path: join(shots, 'variant-dialog.png') });
  const third = await runAndWait(page, () => page.getByTestId('variant-create').click());
  await page.getByTestId('node-change_v2').waitFor({ state: 'attached' });
  await openExperiments(page);
  await page.getByTestId(`history-variants-${third}`).click();
  await page.getByTestId('compare-view').waitFor();
  assert.match((await page.getByTestId('compare-changes').textContent()) ?? '', /Composite 2022: reducers \[mean\] → \[std, max, median\]/);
  await page.getByTestId('compare-diffmap-img').waitFor();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(shots, 'compare-variant.png') });

  assert.deepEqual(errors, []);
});
