/**
 * Token mode (the remote mode) in a real browser: the editor opened with ?token= loses the token from the
 * address bar, keeps working through the HttpOnly cookie (HTTP and the event WebSocket), and follows a run
 * to its end.
 *   node --import tsx --test test/browser/token-mode.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CHROMIUM, openEditor } from './harness.ts';

const TOKEN = 'token-mode-test-0123456789abcdef';
const missing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: browser test skipped`;
const skip = missing && (process.env.CI ? false : missing);

test('token mode: the editor opened with ?token= runs a graph and sees it finish', { skip, timeout: 300_000 }, async (t) => {
  const { page, ctx, server, errors } = await openEditor(t, { name: 'token-e2e', viewport: { width: 1400, height: 900 }, demo: { width: 64, height: 48, datesPerYear: 4 }, server: { token: TOKEN }, goto: false });

  // Without the token: refused.
  const refused = await page.goto(server.url);
  assert.equal(refused?.status(), 401);

  await page.goto(`${server.url}/?token=${TOKEN}`);
  assert.doesNotMatch(page.url(), /token/, 'the token is taken out of the address bar');
  const cookies = await ctx.cookies(server.url);
  const cookie = cookies.find((c) => c.name === 'sentiflow_token');
  assert.ok(cookie, 'the token is kept in a cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the token');

  await page.getByTestId('palette-item-s2.load').waitFor();
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-composites.json').click();
  await page.getByTestId('node-load19').waitFor();
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=run-status]')?.getAttribute('data-status');
    return s === 'done' || s === 'failed' || s === 'cancelled';
  }, undefined, { timeout: 240_000 });
  const status = page.getByTestId('run-status');
  assert.equal(await status.getAttribute('data-status'), 'done', (await status.textContent()) ?? '');
  assert.doesNotMatch((await status.textContent()) ?? '', /0\/0 nodes/);
  assert.equal(await page.getByTestId('node-load19').getAttribute('data-status'), 'done');
  assert.deepEqual(errors, []);
});
