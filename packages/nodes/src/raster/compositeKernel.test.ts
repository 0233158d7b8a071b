/**
 * The generated composite kernel against a plain evaluation of the same semantics built from the numpy-pinned
 * pieces (expression.ts element-wise, temporalReduce per pixel), on data with no-data zeros, NaN in a float
 * layer, all mask kinds, and expressions that do and do not let NaN through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, parseExpression } from '../kernels/expression.ts';
import { temporalReduce, type Reducer } from '../kernels/temporalReduce.ts';
import { mulberry32 } from '../kernels/sampleSplit.ts';
import { compileCompositeKernel, compositeKernelSource, MASK_LAYER, type KernelInputs, type KernelVariable } from './compositeKernel.ts';

const nPixels = 300; // more than one date-major block (256 px), and not a multiple of it
const nDates = 17;
const n = nPixels * nDates;
const offset = 1000;
const scale = 1e-4;

function makeLayers(seed: number): Record<string, ArrayLike<number>> {
  const rand = mulberry32(seed);
  const int = (zeroRate: number) => Uint16Array.from({ length: n }, () => (rand() < zeroRate ? 0 : 1001 + Math.floor(rand() * 4000)));
  const B8 = int(0.05);
  // A pixel with no-data on every date of B4, to get count 0 / NaN in the integer path too.
  const B4 = int(0.05);
  for (let d = 0; d < nDates; d++) B4[7 * nDates + d] = 0;
  const F = Float32Array.from({ length: n }, () => (rand() < 0.05 ? NaN : rand() < 0.05 ? 0 : 1001 + rand() * 4000));
  return { B4, B8, B3: int(0), F };
}

const variables: Record<string, KernelVariable> = {
  B4: { kind: 'band', band: 'B4' },
  B8: { kind: 'band', band: 'B8' },
  F: { kind: 'band', band: 'F' },
  NDVI: { kind: 'index', ast: parseExpression('(B8 - B4) / (B8 + B4)') },
  // Not NaN-propagating: pow(NaN, 0) is 1, so a no-data B8 must still count here.
  POW: { kind: 'index', ast: parseExpression('B8 ^ 0 + B3 * 2') },
  // Over a float band: the NaN-carrying path.
  FLT: { kind: 'index', ast: parseExpression('sqrt(abs(F - B3)) / max(B3, F, 0.1) - clamp(log(B8), -3, 3)') },
  DIV0: { kind: 'index', ast: parseExpression('B3 / (B8 - B8)') },
};
const texts: Record<string, string> = {
  NDVI: '(B8 - B4) / (B8 + B4)',
  POW: 'B8 ^ 0 + B3 * 2',
  FLT: 'sqrt(abs(F - B3)) / max(B3, F, 0.1) - clamp(log(B8), -3, 3)',
  DIV0: 'B3 / (B8 - B8)',
};

/** Independent evaluation: per pixel-date values (NaN = missing), then temporalReduce. */
function reference(layers: Record<string, ArrayLike<number>>, masked: Uint8Array, names: string[], reducers: Reducer[]): Float32Array {
  const nr = reducers.length;
  const out = new Float32Array(nPixels * names.length * nr);
  names.forEach((name, vi) => {
    const values = new Float64Array(n);
    if (texts[name]) {
      const expr = compileExpression(texts[name], Object.keys(layers));
      const inputs: Record<string, Float64Array> = {};
      for (const b of expr.names) {
        inputs[b] = Float64Array.from(layers[b], (dn, i) => (dn === 0 || masked[i] ? NaN : (dn - offset) * scale));
      }
      expr.evaluate(inputs, values);
      for (let i = 0; i < n; i++) if (masked[i]) values[i] = NaN;
    } else {
      const src = layers[name];
      for (let i = 0; i < n; i++) values[i] = src[i] === 0 || masked[i] ? NaN : src[i] - offset;
    }
    const reduced = temporalReduce(values, nDates, nPixels, reducers);
    reduced.forEach((arr, ri) => arr.forEach((v, p) => (out[p * names.length * nr + vi * nr + ri] = v)));
  });
  return out;
}

function assertSame(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}]: expected NaN, got ${g}`);
    else assert.ok(Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)), `${what}[${i}]: expected ${w}, got ${g}`);
  }
}

const reducerSets: Reducer[][] = [['mean'], ['count', 'mean'], ['mean', 'std', 'min', 'max', 'median', 'count', { quantile: 0.1 }, { quantile: 0.9 }]];

test('generated kernel equals expression + temporalReduce: every mask kind, no-data, NaN, pow, float bands', () => {
  const layers = makeLayers(11);
  const rand = mulberry32(5);
  const probability = Uint8Array.from({ length: n }, () => Math.floor(rand() * 101));
  const masks: [string, KernelInputs['mask'], Uint8Array][] = [
    ['none', { kind: 'none' }, new Uint8Array(n)],
    ['probability', { kind: 'probability', probability, threshold: 30 }, Uint8Array.from(probability, (v) => (v > 30 ? 1 : 0))],
  ];
  const arrayMask = Uint8Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
  masks.push(['array', { kind: 'array', masked: arrayMask }, arrayMask]);
  const names = Object.keys(variables);
  for (const reducers of reducerSets) {
    const kernel = compileCompositeKernel({ variables: names.map((v) => variables[v]), reducers });
    assert.deepEqual([...kernel.bands].sort(), ['B3', 'B4', 'B8', 'F']);
    for (const [label, mask, masked] of masks) {
      const got = kernel.run({ nPixels, nDates, layers, mask, dnOffset: offset, reflectanceScale: scale });
      assertSame(got, reference(layers, masked, names, reducers), `${label} mask, ${JSON.stringify(reducers)}`);
    }
  }
});

/**
 * The same values date-major (nDates planes of nPixels, plane d at d * stride): a band-interleaved GeoTIFF's
 * order. The values between padded planes are 7s, which no pixel may see.
 */
function dateMajorCopy<T extends ArrayLike<number> & { constructor: unknown }>(a: T, stride = nPixels): T {
  const out = new (a.constructor as new (n: number) => T & { [i: number]: number; fill(v: number): T })((nDates - 1) * stride + nPixels);
  out.fill(7);
  for (let p = 0; p < nPixels; p++) for (let d = 0; d < nDates; d++) out[d * stride + p] = a[p * nDates + d];
  return out;
}

test('date-major layers (band-interleaved files) give the same features as the independent reference', () => {
  const layers = makeLayers(13);
  const rand = mulberry32(8);
  const probability = Uint8Array.from({ length: n }, () => Math.floor(rand() * 101));
  const arrayMask = Uint8Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
  const names = Object.keys(variables);
  for (const stride of [nPixels, nPixels + 5]) {
    const byDate = Object.fromEntries(Object.entries(layers).map(([b, a]) => [b, dateMajorCopy(a, stride)]));
    for (const reducers of reducerSets) {
      const kernel = compileCompositeKernel({ variables: names.map((v) => variables[v]), reducers });
      // every layer date-major, or a mix (a stack whose files differ in layout); the probability layer either way
      for (const dateMajor of [new Set([...Object.keys(layers), MASK_LAYER]), new Set(['B4', 'F'])]) {
        const mixed = Object.fromEntries(Object.keys(layers).map((b) => [b, dateMajor.has(b) ? byDate[b] : layers[b]]));
        const cases: [string, KernelInputs['mask'], Uint8Array][] = [
          ['none', { kind: 'none' }, new Uint8Array(n)],
          ['probability', { kind: 'probability', probability: dateMajor.has(MASK_LAYER) ? dateMajorCopy(probability, stride) : probability, threshold: 30 }, Uint8Array.from(probability, (v) => (v > 30 ? 1 : 0))],
          ['array', { kind: 'array', masked: arrayMask }, arrayMask],
        ];
        for (const [label, mask, masked] of cases) {
          const got = kernel.run({ nPixels, nDates, layers: mixed, mask, dnOffset: offset, reflectanceScale: scale, dateMajor, planeStride: stride });
          assertSame(got, reference(layers, masked, names, reducers), `date-major ${[...dateMajor].join('+')}, plane stride ${stride}, ${label} mask, ${JSON.stringify(reducers)}`);
        }
      }
    }
  }
});

test('the all-no-data pixel gives count 0 and NaN; x/0 is never counted', () => {
  const layers = makeLayers(3);
  const kernel = compileCompositeKernel({ variables: [variables.B4, variables.NDVI, variables.DIV0], reducers: ['count', 'mean'] });
  const out = kernel.run({ nPixels, nDates, layers, mask: { kind: 'none' }, dnOffset: offset, reflectanceScale: scale });
  const at = (p: number, f: number) => out[p * 6 + f];
  assert.equal(at(7, 0), 0);
  assert.ok(Number.isNaN(at(7, 1)));
  assert.equal(at(7, 2), 0, 'NDVI of a pixel whose B4 is always no-data');
  for (let p = 0; p < nPixels; p++) assert.equal(at(p, 4), 0, 'B3 / 0 is not finite, so never counted');
});

test('the generated source names only slots, never expression text; bad input is refused', () => {
  const src = compositeKernelSource({ variables: [variables.NDVI, { kind: 'index', ast: parseExpression('B8 * 1e-3 + 2') }], reducers: ['mean'] }, ['B4', 'B8'], 'probability');
  assert.doesNotMatch(src, /B8|B4/);
  assert.match(src, /r0|r1/);
  assert.throws(() => compileCompositeKernel({ variables: [variables.B4], reducers: [] }), /no reducers/);
  assert.throws(() => compileCompositeKernel({ variables: [variables.B4], reducers: [{ quantile: 2 }] }), /outside \[0, 1\]/);
  const kernel = compileCompositeKernel({ variables: [variables.NDVI], reducers: ['mean'] });
  assert.throws(() => kernel.run({ nPixels, nDates, layers: { B4: new Uint16Array(n) }, mask: { kind: 'none' }, dnOffset: 0, reflectanceScale: scale }), /band B8 missing/);
  assert.throws(() => kernel.run({ nPixels, nDates, layers: { B4: new Uint16Array(n), B8: new Uint16Array(5) }, mask: { kind: 'none' }, dnOffset: 0, reflectanceScale: scale }), /B8 has 5 values/);
});
