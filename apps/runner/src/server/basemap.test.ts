/**
 * The basemap route against a real tile server on 127.0.0.1: it fetches only the configured template with
 * checked z/x/y (not an open proxy), passes nothing of the request on, refuses non-raster answers, and says in
 * words when the tiles cannot be fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkBasemapTemplate, tileUrl } from './basemap.ts';
import { startTestServer } from './testHelpers.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function tileServer(type = 'image/png') {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': type }).end(type === 'image/png' ? Buffer.concat([PNG, Buffer.from(req.url ?? '')]) : '<svg onload="alert(1)"/>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('no basemap unless configured', async (t) => {
  const s = await startTestServer();
  t.after(() => s.stop());
  assert.deepEqual(await (await fetch(`${s.url}/api/basemap`)).json(), { enabled: false });
  const res = await fetch(`${s.url}/api/basemap/tile/1/0/0`);
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'no-basemap');
});

test('tiles come from the configured template only, with checked z/x/y and nothing of the request passed on', async (t) => {
  const tiles = await tileServer();
  t.after(() => tiles.close());
  const s = await startTestServer({ basemap: { url: `${tiles.url}/t/{z}/{x}/{y}.png?key=secret`, attribution: '© test' } });
  t.after(() => s.stop());

  const status = (await (await fetch(`${s.url}/api/basemap`)).json()) as Record<string, unknown>;
  assert.deepEqual(status, { enabled: true, host: new URL(tiles.url).host, reachable: true, attribution: '© test' });
  assert.ok(!JSON.stringify(status).includes('secret'), 'the template (and its key) stays on the server');

  const res = await fetch(`${s.url}/api/basemap/tile/15/11360/16000?url=http://example.org/`, { headers: { cookie: 'sentiflow_token=abc', authorization: 'Bearer xyz' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(Buffer.from(await res.arrayBuffer()).subarray(PNG.length).toString(), '/t/15/11360/16000.png?key=secret');
  const last = tiles.seen[tiles.seen.length - 1];
  assert.equal(last.url, '/t/15/11360/16000.png?key=secret');
  assert.equal(last.headers.cookie, undefined);
  assert.equal(last.headers.authorization, undefined);

  // A second request is served from memory.
  const before = tiles.seen.length;
  assert.equal((await fetch(`${s.url}/api/basemap/tile/15/11360/16000`)).status, 200);
  assert.equal(tiles.seen.length, before);

  for (const bad of ['23/0/0', '2/4/0', '2/0/4', '1/-1/0', '1/0.5/0', 'a/b/c', '1/0/0.png', '..%2F..%2Fetc/0/0']) {
    const r = await fetch(`${s.url}/api/basemap/tile/${bad}`);
    assert.ok(r.status === 400 || r.status === 404, `${bad}: ${r.status}`);
  }
  assert.equal(tiles.seen.length, before, 'no bad request reached the tile server');
});

test('an SVG or HTML answer is refused (it would run as our origin)', async (t) => {
  const tiles = await tileServer('image/svg+xml');
  t.after(() => tiles.close());
  const s = await startTestServer({ basemap: { url: `${tiles.url}/{z}/{x}/{y}` } });
  t.after(() => s.stop());
  const res = await fetch(`${s.url}/api/basemap/tile/3/1/1`);
  assert.equal(res.status, 502);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'basemap-unreachable');
  assert.match(body.error.message, /sent "image\/svg\+xml" instead of a PNG, JPEG or WebP tile/);
});

test('unreachable tiles: the status says the basemap is off and why', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const s = await startTestServer({ basemap: { url: `http://127.0.0.1:${port}/{z}/{x}/{y}.png` } });
  t.after(() => s.stop());
  const status = (await (await fetch(`${s.url}/api/basemap`)).json()) as { reachable: boolean; reason: string };
  assert.equal(status.reachable, false);
  assert.match(status.reason, new RegExp(`^the basemap tiles from 127\\.0\\.0\\.1:${port} cannot be fetched \\(ECONNREFUSED\\): is this machine offline\\?$`));
  const res = await fetch(`${s.url}/api/basemap/tile/0/0/0`);
  assert.equal(res.status, 502);
});

test('templates are checked when the server starts', async () => {
  assert.throws(() => checkBasemapTemplate('https://tiles.example.org/{z}/{x}.png'), /has no \{y\}: e\.g\. --basemap/);
  assert.throws(() => checkBasemapTemplate('file:///etc/{z}/{x}/{y}'), /must start with http:\/\/ or https:\/\//);
  assert.throws(() => checkBasemapTemplate('not a url {z}{x}{y}'), /is not a URL/);
  await assert.rejects(startTestServer({ basemap: { url: 'https://x.org/{x}/{y}' } }), /has no \{z\}/);
  assert.equal(tileUrl('https://{s}.t.org/{z}/{x}/{-y}.png', 2, 1, 0), 'https://b.t.org/2/1/3.png');
});

test('sentiflow serve --basemap with a bad template is a usage error that shows an example', () => {
  const bin = fileURLToPath(new URL('../../bin/sentiflow.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--basemap', 'https://tiles.example.org/{z}/{x}.png'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^sentiflow serve: the basemap URL "https:\/\/tiles\.example\.org\/\{z\}\/\{x\}\.png" has no \{y\}: e\.g\. --basemap "https:\/\/tile\.openstreetmap\.org\/\{z\}\/\{x\}\/\{y\}\.png"/);
});
