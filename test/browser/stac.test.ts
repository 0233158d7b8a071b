/**
 * End-to-end: a new user opens the STAC example, types then draws the area on the map, sees its km² and what the
 * catalogue has, and runs it, in headless Chromium against the real runner and the offline STAC server (the
 * example's Earth Search is swapped for the local server in the catalog field, as a user would type a URL).
 *   node --import tsx --test test/browser/stac.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import proj4 from 'proj4';
import { buildCatalogue, noCatalogue } from '../stac/catalogue.ts';
import { startStacServer } from '../stac/server.ts';
import { CHROMIUM, openEditor } from './harness.ts';

const why = (!existsSync(CHROMIUM) && `${CHROMIUM} is missing: browser test skipped`) || noCatalogue;
const skip = why && (process.env.CI ? false : why);

test('editor: draw an AOI for s2.loadStac, see km² and the items, run the STAC example', { skip, timeout: 600_000 }, async (t) => {
  const cat = buildCatalogue();
  const stac = await startStacServer({ root: cat.root });
  t.after(() => stac.close());
  const { page, errors } = await openEditor(t, { name: 'stac-e2e', viewport: { width: 1600, height: 1000 }, demo: false });
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-asgm-change-stac.json').click();
  await page.getByTestId('node-title-load19').click();
  await page.locator('[data-testid=inspector][data-node-id=load19]').waitFor();
  // a user pastes another catalogue's URL (here the offline one)
  await page.getByTestId('param-catalog').fill(`${stac.url}/stac`);
  await page.getByTestId('param-collection').fill('sentiflow-c1-l2a');
  await page.getByTestId('param-maxCloudCover').fill('100');

  // type a bounding box around the fixture (centres the map on it), then draw inside it
  const inv = proj4('+proj=utm +zone=31 +datum=WGS84 +units=m +no_defs', '+proj=longlat +datum=WGS84 +no_defs');
  const [x0, , , y0] = cat.grid.geoTransform;
  const [w, s] = inv.forward([x0 + 2, y0 - 638]);
  const [e, n] = inv.forward([x0 + 638, y0 - 2]);
  await page.getByTestId('param-aoi-bbox').click();
  for (const [k, v] of Object.entries({ west: w, south: s, east: e, north: n })) await page.getByTestId(`param-aoi-bbox-${k}`).fill(v.toFixed(6));
  await page.getByTestId('param-aoi-bbox-use').click();
  assert.match((await page.getByTestId('param-aoi-summary').textContent()) ?? '', /^1 polygon\(s\), 0\.4\d km²$/);

  await page.getByTestId('param-aoi-draw').click();
  const map = page.getByTestId('aoi-map');
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 4; i++) {
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(100);
  }
  await map.scrollIntoViewIfNeeded();
  const at = (await map.boundingBox())!;
  assert.deepEqual([at.x, at.y], [box.x, box.y], 'the wheel zoomed the map, it did not scroll the panel');
  for (const [dx, dy] of [[-60, -60], [60, -60], [60, 60], [-60, 60]]) await page.mouse.click(cx + dx, cy + dy);
  assert.match((await page.locator('.sf-aoi-map .sf-help').first().textContent()) ?? '', /4 corner\(s\)/);
  await page.getByTestId('aoi-finish').click();
  const summary = (await page.getByTestId('param-aoi-summary').textContent()) ?? '';
  const km2 = Number(/, ([\d.]+) km²/.exec(summary)?.[1]);
  assert.ok(km2 > 0.05 && km2 < 0.41, `the drawn square lies inside the fixture: ${summary}`);

  await page.getByTestId('param-aoi-estimate').click();
  const estimate = page.getByTestId('param-aoi-estimate-result');
  await page.waitForFunction(() => !/searching/.test(document.querySelector('[data-testid=param-aoi-estimate-result]')?.textContent ?? 'searching'), null, { timeout: 120_000 });
  assert.match((await estimate.textContent()) ?? '', /^49 items on 48 dates \(tiles 31UES, 31UFS\)/);

  // run the 2019 branch (the 2022 one still points at Earth Search, which this machine cannot reach)
  await page.getByTestId('node-title-export19').click();
  await page.locator('[data-testid=inspector][data-node-id=export19]').waitFor();
  await page.getByTestId('run-up-to').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=run-status]')?.getAttribute('data-status');
    return s === 'done' || s === 'failed' || s === 'cancelled';
  }, null, { timeout: 300_000 });
  assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'done');
  assert.ok(stac.stats.rangeRequests > 0, 'the COGs were read by range requests');
  assert.deepEqual(errors, []);
});
