/** A truncated composite store is an error naming the file, never a block of zeros (issue 8 item 3). */
import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Grid } from '../grid.ts';
import { CompositeWriter, readCompositeWindow } from './compositeStore.ts';

test('reading a truncated composite store names the file and says it is truncated', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-store-'));
  const grid = { width: 10, height: 8, geoTransform: [0, 10, 0, 0, 0, -10], crs: { epsg: 32621 } } as unknown as Grid;
  const w = new CompositeWriter(path.join(dir, 'composite.f32'), grid, ['a', 'b']);
  w.writeWindow({ x: 0, y: 0, width: 10, height: 8 }, new Float32Array(10 * 8 * 2).fill(1.5));
  const composite = w.commit();
  const win = { x: 0, y: 4, width: 10, height: 4 };
  assert.ok(readCompositeWindow(composite, win).every((v) => v === 1.5));
  truncateSync(composite.file, 10 * 8 * 2 * 4 / 2);
  assert.throws(() => readCompositeWindow(composite, win), (err: Error) => {
    assert.match(err.message, /composite\.f32 is truncated: 320 bytes, expected 640/);
    return true;
  });
});
