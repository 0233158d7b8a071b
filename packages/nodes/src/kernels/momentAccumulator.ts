/**
 * Streaming form of the order-free reducers (mean, std ddof 0, min, max, count): fed one date at a time, so a
 * window's [date][pixel] stack is never built. Same semantics as temporalReduce; std uses Welford's update,
 * which agrees with numpy's two-pass nanstd to ~1e-12 relative.
 */
import type { Reducer } from './temporalReduce.ts';

const STREAMABLE = new Set<Reducer>(['mean', 'std', 'min', 'max', 'count']);

export function isStreamable(reducers: readonly Reducer[]): boolean {
  return reducers.every((r) => typeof r === 'string' && STREAMABLE.has(r));
}

export interface MomentAccumulator {
  /** Adds one date's values (NaN = missing) for every pixel. */
  add(values: ArrayLike<number>): void;
  /**
   * Adds one date of raw DN: 0 (no data) and pixels with masked[maskOffset + p] set are missing; the value used
   * is dn - dnOffset. Saves writing the date to a float array first.
   */
  addDn(dn: ArrayLike<number>, masked: Uint8Array, maskOffset: number, dnOffset: number): void;
  /** One float32 array per reducer, in the order given. */
  result(): Float32Array[];
}

export function createMomentAccumulator(nPixels: number, reducers: readonly Reducer[]): MomentAccumulator {
  if (!isStreamable(reducers)) throw new Error(`createMomentAccumulator: only ${[...STREAMABLE].join(', ')} stream`);
  const count = new Float64Array(nPixels);
  const mean = new Float64Array(nPixels);
  const needStd = reducers.includes('std');
  const needMinMax = reducers.includes('min') || reducers.includes('max');
  const m2 = needStd ? new Float64Array(nPixels) : undefined;
  const mn = needMinMax ? new Float64Array(nPixels).fill(NaN) : undefined;
  const mx = needMinMax ? new Float64Array(nPixels).fill(NaN) : undefined;
  const accumulate = (p: number, x: number) => {
    const n = ++count[p];
    if (m2) {
      const delta = x - mean[p];
      mean[p] += delta / n;
      m2[p] += delta * (x - mean[p]);
    } else mean[p] += x; // a plain sum; divided in result()
    if (mn && mx) {
      if (!(x >= mn[p])) mn[p] = x;
      if (!(x <= mx[p])) mx[p] = x;
    }
  };
  return {
    addDn(dn, masked, maskOffset, dnOffset) {
      if (!m2 && !mn) {
        // mean / count only: the hot path of the default graph, kept free of calls.
        for (let p = 0; p < nPixels; p++) {
          const v = dn[p];
          if (v === 0 || masked[maskOffset + p]) continue;
          count[p]++;
          mean[p] += v - dnOffset;
        }
        return;
      }
      for (let p = 0; p < nPixels; p++) {
        const v = dn[p];
        if (v !== 0 && !masked[maskOffset + p]) accumulate(p, v - dnOffset);
      }
    },
    add(values) {
      for (let p = 0; p < nPixels; p++) {
        const x = values[p];
        if (x === x) accumulate(p, x);
      }
    },
    result() {
      return reducers.map((r) => {
        const out = new Float32Array(nPixels);
        for (let p = 0; p < nPixels; p++) {
          const n = count[p];
          if (r === 'count') out[p] = n;
          else if (n === 0) out[p] = NaN;
          else if (r === 'mean') out[p] = m2 ? mean[p] : mean[p] / n;
          else if (r === 'std') out[p] = Math.sqrt(m2![p] / n);
          else if (r === 'min') out[p] = mn![p];
          else out[p] = mx![p];
        }
        return out;
      });
    },
  };
}
