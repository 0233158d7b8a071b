/**
 * NaN-ignoring temporal reducers over a [date][pixel] stack, with numpy semantics:
 * nanmean, nanstd (ddof 0), nanmin, nanmax, nanmedian, nanquantile (method 'linear', numpy's default) and the
 * count of valid observations. An all-NaN pixel gives NaN for every reducer except count (0).
 * Accumulation is in float64; outputs are float32.
 */

export type Reducer = 'mean' | 'std' | 'min' | 'max' | 'median' | 'count' | { quantile: number };

export const SIMPLE_REDUCERS = ['mean', 'std', 'min', 'max', 'median', 'count'] as const;

/** Feature name for a variable and reducer: B2_mean, NDVI_std, B2_q10 (0.1), B2_q2.5 (0.025). */
export function featureName(variable: string, reducer: Reducer): string {
  if (typeof reducer === 'string') return `${variable}_${reducer}`;
  const pct = Number((reducer.quantile * 100).toPrecision(12));
  return `${variable}_q${pct}`;
}

/** numpy's `_lerp` (used by method 'linear'): exact at both ends. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Quantile of sorted values v[0..n) with linear interpolation (numpy default). */
export function sortedQuantile(v: Float64Array, n: number, q: number): number {
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return lerp(v[lo], v[hi], pos - lo);
}

export function temporalReduce(values: Float32Array | Float64Array, nDates: number, nPixels: number, reducers: readonly Reducer[]): Float32Array[] {
  if (values.length !== nDates * nPixels) throw new Error(`temporalReduce: ${values.length} values for ${nDates} dates x ${nPixels} pixels`);
  for (const r of reducers) {
    if (typeof r !== 'string' && !(r.quantile >= 0 && r.quantile <= 1)) throw new Error(`quantile ${r.quantile} is outside [0, 1]`);
  }
  const outs = reducers.map(() => new Float32Array(nPixels));
  const needMoments = reducers.some((r) => r === 'mean' || r === 'std' || r === 'count');
  const needStd = reducers.includes('std');
  const needMinMax = reducers.includes('min') || reducers.includes('max');
  const needSort = reducers.some((r) => r === 'median' || typeof r !== 'string');

  // Date-major passes (contiguous reads) for count / sum / min / max.
  let count: Float64Array | undefined;
  let mean: Float64Array | undefined;
  let m2: Float64Array | undefined;
  let mn: Float64Array | undefined;
  let mx: Float64Array | undefined;
  if (needMoments) {
    count = new Float64Array(nPixels);
    mean = new Float64Array(nPixels);
    for (let d = 0; d < nDates; d++) {
      const off = d * nPixels;
      for (let p = 0; p < nPixels; p++) {
        const x = values[off + p];
        if (x === x) {
          count[p]++;
          mean[p] += x;
        }
      }
    }
    for (let p = 0; p < nPixels; p++) mean[p] = count[p] > 0 ? mean[p] / count[p] : NaN;
    if (needStd) {
      // Two-pass variance like numpy: mean of squared deviations.
      m2 = new Float64Array(nPixels);
      for (let d = 0; d < nDates; d++) {
        const off = d * nPixels;
        for (let p = 0; p < nPixels; p++) {
          const x = values[off + p];
          if (x === x) {
            const dev = x - mean[p];
            m2[p] += dev * dev;
          }
        }
      }
    }
  }
  if (needMinMax) {
    mn = new Float64Array(nPixels).fill(NaN);
    mx = new Float64Array(nPixels).fill(NaN);
    for (let d = 0; d < nDates; d++) {
      const off = d * nPixels;
      for (let p = 0; p < nPixels; p++) {
        const x = values[off + p];
        if (x === x) {
          if (!(x >= mn[p])) mn[p] = x;
          if (!(x <= mx[p])) mx[p] = x;
        }
      }
    }
  }

  reducers.forEach((r, i) => {
    const out = outs[i];
    if (r === 'mean') for (let p = 0; p < nPixels; p++) out[p] = mean![p];
    else if (r === 'count') for (let p = 0; p < nPixels; p++) out[p] = count![p];
    else if (r === 'std') for (let p = 0; p < nPixels; p++) out[p] = count![p] > 0 ? Math.sqrt(m2![p] / count![p]) : NaN;
    else if (r === 'min') out.set(mn!);
    else if (r === 'max') out.set(mx!);
  });

  if (needSort) {
    // One gather + sort per pixel serves the median and every quantile.
    const sortIdx = reducers.map((r, i) => (r === 'median' || typeof r !== 'string' ? i : -1)).filter((i) => i >= 0);
    const scratch = new Float64Array(nDates);
    for (let p = 0; p < nPixels; p++) {
      let n = 0;
      for (let d = 0; d < nDates; d++) {
        const x = values[d * nPixels + p];
        if (x === x) scratch[n++] = x;
      }
      const v = scratch.subarray(0, n);
      if (n > 1) v.sort();
      for (const i of sortIdx) {
        const r = reducers[i];
        if (n === 0) outs[i][p] = NaN;
        else if (r === 'median') {
          const h = n >> 1;
          outs[i][p] = n % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2;
        } else outs[i][p] = sortedQuantile(v, n, (r as { quantile: number }).quantile);
      }
    }
  }
  return outs;
}
