/**
 * The SIMD predictor-2 undo against the JavaScript one (itself checked against GDAL's files in read.test.ts and
 * test/integration/layouts.test.ts), for 8- and 16-bit samples, one sample per pixel and many, rows whose
 * length is not a multiple of a vector, in a registered memory and through the module's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../kernels/sampleSplit.ts';
import { undoHorizontal } from './predictor.ts';
import { registerPredictorMemory, undoHorizontalSimd } from './predictorWasm.ts';

test('SIMD predictor 2 = JavaScript predictor 2, byte for byte', () => {
  const rand = mulberry32(3);
  const memory = new WebAssembly.Memory({ initial: 64 });
  registerPredictorMemory(memory);
  let cases = 0;
  for (const bps of [1, 2]) {
    for (const [width, spp] of [[256, 1], [37, 1], [5, 1], [16, 72], [7, 9], [3, 16], [33, 8]]) {
      for (const inMemory of [false, true]) {
        const rows = 11;
        const rowSamples = width * spp;
        const n = rowSamples * rows * bps;
        const raw = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
        const expected = raw.slice();
        undoHorizontal(expected, bps, rowSamples, rows, spp);
        const got = inMemory ? new Uint8Array(memory.buffer, 3 * 2, n) : raw.slice();
        if (inMemory) got.set(raw);
        const simd = undoHorizontalSimd(got, bps, rowSamples, rows, spp);
        const applies = spp === 1 || spp >= 16 / bps;
        assert.equal(simd, applies, `bps ${bps}, ${width} x ${spp}`);
        if (!simd) continue;
        assert.ok(Buffer.from(got).equals(Buffer.from(expected)), `bps ${bps}, ${width} px x ${spp} samples, ${inMemory ? 'in a registered memory' : 'copied'}`);
        cases++;
      }
    }
  }
  assert.ok(cases >= 20);
});
