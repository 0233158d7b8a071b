/** Which dates a probability mask covers over a whole window, in either order, against the definition. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../kernels/sampleSplit.ts';
import { fullyMaskedDates } from './evaluateComposite.ts';

test('fullyMaskedDates: a date is skipped only when every pixel is above the threshold (NaN is not), either order', () => {
  const rand = mulberry32(5);
  const nPixels = 37, nDates = 9, stride = 40, threshold = 20;
  const pm = new Float32Array(nPixels * nDates).map(() => 21 + Math.floor(rand() * 70));
  pm[3 * nDates + 1] = 20; // date 1: one pixel exactly at the threshold is clear
  pm[36 * nDates + 2] = NaN; // date 2: NaN is not "above"
  for (let p = 0; p < nPixels; p++) pm[p * nDates + 4] = rand() < 0.5 ? 0 : 99; // date 4: about half clear
  const dm = new Float32Array((nDates - 1) * stride + nPixels).fill(99); // padding between planes must not count
  for (let p = 0; p < nPixels; p++) for (let d = 0; d < nDates; d++) dm[d * stride + p] = pm[p * nDates + d];
  const expected = Array.from({ length: nDates }, (_, d) => (Array.from({ length: nPixels }, (_, p) => pm[p * nDates + d]).every((v) => v > threshold) ? 1 : 0));
  assert.deepEqual([...expected.slice(0, 5)], [1, 0, 0, 1, 0]);
  assert.deepEqual([...fullyMaskedDates(pm, nPixels, nDates, threshold, 0)], expected);
  assert.deepEqual([...fullyMaskedDates(dm, nPixels, nDates, threshold, stride)], expected);
  assert.deepEqual([...fullyMaskedDates(pm, 0, nDates, threshold, 0)], new Array(nDates).fill(0), 'an empty window skips nothing');
});
