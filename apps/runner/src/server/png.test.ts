import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { crc32, encodePng } from './png.ts';
import { decodePng } from './testHelpers.ts';
import { command, needs } from '../../../../test/needs.ts';

test('crc32 matches the reference value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
});

test('encodePng round-trips pixels', () => {
  const w = 5;
  const h = 3;
  const rgba = new Uint8Array(w * h * 4).map((_, i) => (i * 37) % 256);
  const png = encodePng(w, h, rgba);
  const back = decodePng(png);
  assert.equal(back.width, w);
  assert.equal(back.height, h);
  assert.deepEqual(back.rgba, rgba);
  assert.throws(() => encodePng(2, 2, new Uint8Array(3)), /expected 16 bytes/);
});

test('GDAL reads the PNG encodePng writes', { skip: needs(command('gdalinfo')) }, () => {
  const [w, h] = [5, 3];
  const png = encodePng(w, h, new Uint8Array(w * h * 4).map((_, i) => (i * 37) % 256));
  const dir = mkdtempSync(path.join(tmpdir(), 'sentiflow-png-'));
  try {
    const file = path.join(dir, 'x.png');
    writeFileSync(file, png);
    const info = JSON.parse(spawnSync('gdalinfo', ['-json', '-checksum', file], { encoding: 'utf8' }).stdout);
    assert.deepEqual(info.size, [w, h]);
    assert.equal(info.bands.length, 4);
    assert.equal(info.driverShortName, 'PNG');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
