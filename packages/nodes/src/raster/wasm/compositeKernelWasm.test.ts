/**
 * The SIMD kernel against the JavaScript kernel (itself pinned to numpy in compositeKernel.test.ts and
 * evaluateComposite.test.ts), byte for byte, over every layer type, order and mask kind it takes, with
 * no-data zeros, fully masked pixels, a pixel count that is not a multiple of four, and expressions whose
 * values are infinite or NaN on some dates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../kernels/expression.ts';
import { mulberry32 } from '../../kernels/sampleSplit.ts';
import { compileCompositeKernel, MASK_LAYER, type KernelInputs, type KernelVariable } from '../compositeKernel.ts';
import type { Reducer } from '../../kernels/temporalReduce.ts';
import { runWasmKernel, wasmSupportsSpec } from './compositeKernelWasm.ts';
import { releaseKernelMemory, takeKernelMemory } from './kernelMemory.ts';
import { layerSlack } from './compositeKernelWasm.ts';

const nPixels = 263;
const nDates = 19;
const stride = nPixels + 5;

type Ctor = Uint16ArrayConstructor | Int16ArrayConstructor | Uint8ArrayConstructor;

/** Pixel-major values, then the same as date-major planes `stride` apart. */
function layer(rand: () => number, C: Ctor, zeroRate: number, max: number) {
  const pm = new C(nPixels * nDates);
  for (let i = 0; i < pm.length; i++) pm[i] = rand() < zeroRate ? 0 : (C === Int16Array && rand() < 0.2 ? -1 : 1) * (1 + Math.floor(rand() * max));
  const dm = new C((nDates - 1) * stride + nPixels);
  for (let p = 0; p < nPixels; p++) for (let d = 0; d < nDates; d++) dm[d * stride + p] = pm[p * nDates + d];
  return { pm, dm };
}

const variables: KernelVariable[] = [
  { kind: 'band', band: 'B4' },
  { kind: 'band', band: 'B8' },
  { kind: 'band', band: 'I' },
  { kind: 'index', ast: parseExpression('(B8 - B4) / (B8 + B4)') },
  { kind: 'index', ast: parseExpression('((B11 + B4) - (B8 + B2)) / ((B11 + B4) + (B8 + B2))') },
  // infinite where B8 == B4, NaN-free otherwise; sqrt of negatives; constants; unary minus; min/max/clamp chains
  { kind: 'index', ast: parseExpression('B2 / (B8 - B4) + sqrt(B4 - B8) * 0.5') },
  { kind: 'index', ast: parseExpression('-clamp(abs(I) * 3.25, 0.1, 0.4) + max(B2, B4, 0.3) - min(B8, B11) * 2.5e-3') },
  { kind: 'index', ast: parseExpression('2.5 * (B8 - B4) / (B8 + 6 * B4 - 7.5 * B2 + 1)') },
];

function inputsFor(order: 'pixel' | 'date', maskKind: KernelInputs['mask']['kind'], seed: number, dnOffset: number) {
  const rand = mulberry32(seed);
  const bands = { B2: layer(rand, Uint16Array, 0.03, 9000), B4: layer(rand, Uint16Array, 0.08, 9000), B8: layer(rand, Uint16Array, 0.05, 9000), B11: layer(rand, Uint8Array, 0.05, 250), I: layer(rand, Int16Array, 0.1, 3000) };
  // pixel 5 has no data in B4 on any date; pixel 9 is masked on every date
  for (let d = 0; d < nDates; d++) {
    bands.B4.pm[5 * nDates + d] = 0;
    bands.B4.dm[d * stride + 5] = 0;
  }
  const prob = layer(rand, Uint8Array, 0.3, 100);
  const masked = new Uint8Array(nPixels * nDates).map(() => (rand() < 0.25 ? 1 : 0));
  for (let d = 0; d < nDates; d++) {
    prob.pm[9 * nDates + d] = 99;
    prob.dm[d * stride + 9] = 99;
    masked[9 * nDates + d] = 1;
  }
  const layers: Record<string, ArrayLike<number>> = {};
  for (const [k, v] of Object.entries(bands)) layers[k] = order === 'date' ? v.dm : v.pm;
  const mask: KernelInputs['mask'] =
    maskKind === 'none' ? { kind: 'none' } : maskKind === 'array' ? { kind: 'array', masked } : { kind: 'probability', probability: order === 'date' ? prob.dm : prob.pm, threshold: 20.5 };
  const input: KernelInputs = {
    nPixels, nDates, layers, mask, dnOffset, reflectanceScale: 1e-4,
    dateMajor: order === 'date' ? new Set([...Object.keys(bands), MASK_LAYER]) : undefined,
    planeStride: order === 'date' ? stride : undefined,
  };
  return input;
}

function withJs<T>(f: () => T): T {
  const before = process.env.SENTIFLOW_KERNEL;
  process.env.SENTIFLOW_KERNEL = 'js';
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.SENTIFLOW_KERNEL;
    else process.env.SENTIFLOW_KERNEL = before;
  }
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const reducers of [['mean'], ['count', 'mean']] as Reducer[][]) {
  test(`SIMD kernel = JavaScript kernel byte for byte (${reducers.join(', ')}): both orders, every mask kind, uint8/uint16/int16, offsets 0 and 1000`, () => {
    const spec = { variables, reducers };
    assert.ok(wasmSupportsSpec(spec));
    const kernel = compileCompositeKernel(spec);
    let seed = 1;
    for (const order of ['pixel', 'date'] as const) {
      for (const maskKind of ['none', 'probability', 'array'] as const) {
        for (const dnOffset of [0, 1000]) {
          const input = inputsFor(order, maskKind, seed++, dnOffset);
          const simd = runWasmKernel(spec, input);
          assert.ok(simd, `${order}/${maskKind}: the SIMD kernel ran`);
          const js = withJs(() => kernel.run(input));
          const what = `${order}-major, mask ${maskKind}, offset ${dnOffset}`;
          assert.equal(simd.length, js.length, what);
          if (!bytes(simd).equals(bytes(js))) {
            const i = simd.findIndex((v, k) => !Object.is(v, js[k]));
            const nf = kernel.featureCount;
            assert.fail(`${what}: pixel ${Math.floor(i / nf)} feature ${i % nf}: SIMD ${simd[i]} vs JS ${js[i]}`);
          }
          // The kernel's own entry point takes the SIMD path and gives the same bytes.
          assert.ok(bytes(kernel.run(input)).equals(bytes(js)), what);
          // Some values of each kind are there to compare: NaN (pixel 5's B4, pixel 9 masked) and numbers.
          assert.ok(js.some((v) => Number.isNaN(v)) && js.some((v) => Number.isFinite(v) && v !== 0), what);
        }
      }
    }
  });
}

test('SIMD kernel reads layers decoded into its memory in place, and gives the same bytes', () => {
  const spec = { variables, reducers: ['mean'] as Reducer[] };
  const input = inputsFor('date', 'probability', 99, 1000);
  const js = withJs(() => compileCompositeKernel(spec).run(input));
  const mem = takeKernelMemory();
  const keys = [...Object.keys(input.layers)];
  mem.reset(10 * 2 ** 20);
  const inMemory: Record<string, ArrayLike<number>> = {};
  for (const k of keys) {
    const a = input.layers[k] as Uint16Array;
    const type = a instanceof Uint8Array ? 'uint8' : a instanceof Int16Array ? 'int16' : 'uint16';
    const v = mem.view(type, a.length, layerSlack(nDates, a.BYTES_PER_ELEMENT, true))!;
    v.set(a);
    inMemory[k] = v;
  }
  const got = runWasmKernel(spec, { ...input, layers: inMemory, memory: mem });
  releaseKernelMemory(mem);
  assert.ok(got && bytes(got).equals(bytes(js)));
});

test('specs the SIMD kernel does not take fall back to JavaScript', () => {
  assert.equal(wasmSupportsSpec({ variables, reducers: ['median'] }), false);
  assert.equal(wasmSupportsSpec({ variables: [{ kind: 'index', ast: parseExpression('B8 ^ 2') }], reducers: ['mean'] }), false);
  assert.equal(wasmSupportsSpec({ variables: [{ kind: 'index', ast: parseExpression('log(B8)') }], reducers: ['mean'] }), false);
  const input = inputsFor('pixel', 'none', 3, 0);
  input.layers.B4 = Float32Array.from(input.layers.B4 as Uint16Array);
  assert.equal(runWasmKernel({ variables, reducers: ['mean'] }, input), null, 'a float32 layer');
});

test('an index that reads no band is left to the JavaScript kernel', () => {
  assert.equal(wasmSupportsSpec({ variables: [{ kind: 'index', ast: parseExpression('0.5 * 2') }], reducers: ['mean'] }), false);
});
