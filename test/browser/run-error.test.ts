/**
 * A run that fails at run time for a reason validation cannot foresee, in headless Chromium at 1366 × 768: the
 * demo's 2022 B4 file is rewritten (by GDAL) to hold only 0 = no data. It is still a valid GeoTIFF with the right
 * size, bands and dates, so the graph is "Ready"; the run stops at the 2022 samples, whose polygons then have no
 * pixel with every feature. The error says so in people's words, with what to do, on the node and in the
 * inspector (at full size there, whatever the canvas zoom).
 *   node --import tsx --test test/browser/run-error.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { debianPython, file, needs, python } from '../needs.ts';
import { CHROMIUM, openEditor, runAndWait, shots } from './harness.ts';

/** Every band of every file set to 0 in place (GDAL keeps the size, georeferencing and band descriptions). */
const ZERO = `
import sys
from osgeo import gdal
for path in sys.argv[1:]:
    ds = gdal.Open(path, gdal.GA_Update)
    for i in range(ds.RasterCount):
        ds.GetRasterBand(i + 1).Fill(0)
    ds.FlushCache()
    ds = None
`;

test('run error: data with no valid pixel stops the run with what to do, on the node and in the inspector', { skip: needs(file(CHROMIUM, 'chromium'), python('osgeo.gdal')), timeout: 600_000 }, async (t) => {
  const { page, errors } = await openEditor(t, {
    name: 'run-error',
    prepare(root) {
      const demo = join(root, 'demo');
      const b4 = readdirSync(demo).filter((f) => /_2022_B4(-\d+-\d+)?\.tif$/.test(f)).map((f) => join(demo, f));
      assert.ok(b4.length >= 1, 'the demo has a 2022 B4 file');
      const res = spawnSync(debianPython, ['-c', ZERO, ...b4], { encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
    },
  });
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change.json').click();
  await page.getByTestId('node-change').waitFor();
  // Validation finds nothing wrong: the file is there, with the right bands and dates.
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'Ready', undefined, { timeout: 15_000 });

  const { status } = await runAndWait(page);
  assert.equal(status, 'failed');
  assert.equal(await page.getByTestId('node-samples22').getAttribute('data-status'), 'failed');
  // The composite before it ran: the data problem shows only where pixels are sampled.
  assert.equal(await page.getByTestId('node-agg22').getAttribute('data-status'), 'done');
  await page.getByTestId('toast').filter({ hasText: 'Run failed; see the marked node.' }).waitFor();

  // On the node: the whole sentence, readable (not 4-px text).
  const onNode = page.getByTestId('error-samples22');
  const text = ((await onNode.textContent()) ?? '').trim();
  assert.match(text, /^class "(water|forest|asgm)" has no samples: \d+ polygon\(s\), \d+ overlapping the raster, \d+ pixel\(s\) dropped for missing features: /);
  assert.match(text, /\bB4_mean\b.* no value under any polygon/, 'names the feature that has no value');
  assert.match(text, /hold only 0 \(no data\) or be cloudy on every date: check that year's band files .* and the cloud mask, then run again\.$/, 'says what to do');
  assert.doesNotMatch(text, /Invalid input|expected|undefined|NaN|Error:|\n\s+at /, 'people\'s words, no validator or stack output');
  assert.ok(await onNode.isVisible());
  await page.screenshot({ path: join(shots, 'run-error-node.png') });

  // In the inspector: the same sentence, in full size, with what to do next.
  await page.getByTestId('node-title-samples22').click();
  await page.locator('[data-testid=inspector][data-node-id=samples22]').waitFor();
  const box = page.getByTestId('inspector-run-error');
  await box.waitFor();
  const inInspector = (await box.textContent()) ?? '';
  assert.ok(inInspector.includes(text), 'the inspector shows the whole message');
  assert.match(inInspector, /^The run stopped here\./);
  assert.match(inInspector, /Fix what it names \(a parameter, a file or the data\) and run again; nodes before this one are reused from the cache\./);
  const inspectorFont = await box.locator('p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(inspectorFont >= 12, `inspector text is ${inspectorFont} px`);
  const b = (await box.boundingBox())!;
  assert.ok(b.x >= 0 && b.x + b.width <= 1366 && b.y >= 0 && b.y < 768, `the inspector's error is on screen: ${JSON.stringify(b)}`);
  await page.screenshot({ path: join(shots, 'run-error-inspector.png') });

  // A node that did not fail has no error box.
  await page.getByTestId('node-title-agg22').click();
  await page.locator('[data-testid=inspector][data-node-id=agg22]').waitFor();
  assert.equal(await page.getByTestId('inspector-run-error').count(), 0);
  assert.deepEqual(errors, []);
});
