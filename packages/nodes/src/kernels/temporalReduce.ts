/**
 * NaN-ignoring temporal reducers over each pixel's series, with numpy semantics:
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

/**
 * Reduces one pixel's valid (non-NaN) values v[0..n) and writes reducers.length results to out[at..]. Sorts v in
 * place when a median or quantile is asked for. Mean is sum / n and std the two-pass population form, as numpy.
 */
export function reduceSeries(v: Float64Array, n: number, reducers: readonly Reducer[], out: Float32Array, at: number): void {
  let mean = NaN;
  let sorted = false;
  for (let i = 0; i < reducers.length; i++) {
    const r = reducers[i];
    if (r === 'count') {
      out[at + i] = n;
      continue;
    }
    if (n === 0) {
      out[at + i] = NaN;
      continue;
    }
    if (r === 'mean' || r === 'std') {
      if (mean !== mean) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += v[k];
        mean = sum / n;
      }
      if (r === 'mean') out[at + i] = mean;
      else {
        let m2 = 0;
        for (let k = 0; k < n; k++) {
          const dev = v[k] - mean;
          m2 += dev * dev;
        }
        out[at + i] = Math.sqrt(m2 / n);
      }
    } else if (r === 'min' || r === 'max') {
      let m = v[0];
      if (r === 'min') for (let k = 1; k < n; k++) m = v[k] < m ? v[k] : m;
      else for (let k = 1; k < n; k++) m = v[k] > m ? v[k] : m;
      out[at + i] = m;
    } else {
      if (!sorted) {
        if (n > 1) v.subarray(0, n).sort();
        sorted = true;
      }
      if (r === 'median') {
        const h = n >> 1;
        out[at + i] = n % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2;
      } else out[at + i] = sortedQuantile(v, n, r.quantile);
    }
  }
}

export function checkReducers(reducers: readonly Reducer[]): void {
  for (const r of reducers) {
    if (typeof r !== 'string' && !(r.quantile >= 0 && r.quantile <= 1)) throw new Error(`quantile ${r.quantile} is outside [0, 1]`);
  }
}

/**
 * Reduces a pixel-major stack (values[p * nDates + d], NaN = missing) to one float32 array per reducer.
 */
export function temporalReduce(values: ArrayLike<number>, nDates: number, nPixels: number, reducers: readonly Reducer[]): Float32Array[] {
  if (values.length !== nDates * nPixels) throw new Error(`temporalReduce: ${values.length} values for ${nDates} dates x ${nPixels} pixels`);
  checkReducers(reducers);
  const nr = reducers.length;
  const packed = new Float32Array(nPixels * nr);
  const scratch = new Float64Array(nDates);
  for (let p = 0; p < nPixels; p++) {
    let n = 0;
    for (let d = 0, i = p * nDates; d < nDates; d++, i++) {
      const x = values[i];
      if (x === x) scratch[n++] = x;
    }
    reduceSeries(scratch, n, reducers, packed, p * nr);
  }
  return reducers.map((_, r) => {
    const out = new Float32Array(nPixels);
    for (let p = 0; p < nPixels; p++) out[p] = packed[p * nr + r];
    return out;
  });
}
