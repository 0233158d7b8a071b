import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deflateSync, inflateSync } from 'node:zlib';
import { deflateAsync, deflateBackend, inflateInto } from './deflate.ts';

const sample = () => {
  const a = new Uint16Array(256 * 256 * 3);
  for (let i = 0; i < a.length; i++) a[i] = 1000 + ((i * 2654435761) >>> 22);
  return new Uint8Array(a.buffer);
};

test('inflateInto decodes what node:zlib encodes, and reports the decoded size', () => {
  const raw = sample();
  const out = new Uint8Array(raw.byteLength + 100);
  assert.equal(inflateInto(deflateSync(raw, { level: 6 }), out), raw.byteLength);
  assert.deepEqual(out.subarray(0, raw.byteLength), raw);
});

test('deflateAsync output is a zlib stream node:zlib decodes; several run at once', async () => {
  const raw = sample();
  const results = await Promise.all([1, 6, 9, 6].map((level) => deflateAsync(raw, level)));
  for (const r of results) assert.deepEqual(new Uint8Array(inflateSync(r)), raw);
});

test('corrupt or oversized streams fail with a clear message', () => {
  const raw = sample();
  const z = deflateSync(raw);
  const bad = Uint8Array.from(z);
  bad.fill(0xff, 10, 60);
  assert.throws(() => inflateInto(bad, new Uint8Array(raw.byteLength)), /DEFLATE|invalid|incorrect/i);
  assert.throws(() => inflateInto(z, new Uint8Array(100)), /DEFLATE|buffer|space|expected/i);
});

test('uses libdeflate when the library is installed, node:zlib with SENTIFLOW_DEFLATE=zlib', () => {
  const probe = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${import.meta.dirname}/deflate.ts').then((m) => console.log(m.deflateBackend()))`], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    }).stdout.trim();
  assert.equal(probe({ SENTIFLOW_DEFLATE: 'zlib' }), 'zlib');
  const installed = spawnSync('sh', ['-c', 'ldconfig -p | grep -q libdeflate.so.0']).status === 0;
  assert.equal(deflateBackend(), installed ? 'libdeflate' : 'zlib');
});
