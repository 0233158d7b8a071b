import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMomentAccumulator, isStreamable } from './momentAccumulator.ts';
import { temporalReduce, type Reducer } from './temporalReduce.ts';

// temporalReduce is checked against numpy (kernels.test.ts); the streaming form must agree with it.
test('streaming moments equal temporalReduce (NaN gaps, all-NaN pixels, one valid value)', () => {
  const nDates = 37, nPixels = 500;
  const values = new Float64Array(nDates * nPixels);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < values.length; i++) values[i] = rand() < 0.3 ? NaN : 1000 + rand() * 3000;
  for (let d = 0; d < nDates; d++) values[d * nPixels + 3] = NaN; // all-NaN pixel
  for (let d = 1; d < nDates; d++) values[d * nPixels + 4] = NaN; // one valid value
  for (const reducers of [['mean'], ['mean', 'std', 'min', 'max', 'count'], ['count', 'std']] as Reducer[][]) {
    const acc = createMomentAccumulator(nPixels, reducers);
    for (let d = 0; d < nDates; d++) acc.add(values.subarray(d * nPixels, (d + 1) * nPixels));
    const got = acc.result();
    const want = temporalReduce(values, nDates, nPixels, reducers);
    reducers.forEach((r, i) => {
      for (let p = 0; p < nPixels; p++) {
        const [a, b] = [got[i][p], want[i][p]];
        if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${r} pixel ${p} NaN`);
        else assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${r} pixel ${p}: ${a} vs ${b}`);
      }
    });
  }
  assert.equal(isStreamable(['mean', { quantile: 0.5 }]), false);
  assert.equal(isStreamable(['median']), false);
});
