/**
 * Class separability per feature: histogram densities on shared bins, and the Jeffries–Matusita distance
 * between each pair of classes under a Gaussian assumption (JM = 2(1 − e^−B), B the Bhattacharyya distance;
 * 0 = identical, 2 = fully separable). Variances are population variances (ddof 0).
 */

export interface FeatureSeparability {
  feature: number;
  /** bins + 1 edges, between the 1st and 99th percentiles of the feature over all classes */
  edges: number[];
  /** density[class][bin] like numpy.histogram(density=True) over values inside the range */
  density: number[][];
  mean: number[];
  variance: number[];
  /** jm[i][j] for classes i, j (symmetric, 0 on the diagonal) */
  jm: number[][];
}

/** numpy.percentile (linear interpolation) of an ascending-sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Bhattacharyya distance of two 1-D Gaussians. */
export function bhattacharyya(m1: number, v1: number, m2: number, v2: number): number {
  const tiny = 1e-12;
  const a = Math.max(v1, tiny), b = Math.max(v2, tiny);
  const v = (a + b) / 2;
  return ((m1 - m2) ** 2) / (8 * v) + 0.5 * Math.log(v / Math.sqrt(a * b));
}

export function jeffriesMatusita(m1: number, v1: number, m2: number, v2: number): number {
  return 2 * (1 - Math.exp(-bhattacharyya(m1, v1, m2, v2)));
}

export function featureSeparability(
  X: Float32Array, rows: number, nFeatures: number, y: ArrayLike<number>, nClasses: number, bins = 30,
): FeatureSeparability[] {
  const out: FeatureSeparability[] = [];
  for (let f = 0; f < nFeatures; f++) {
    const all: number[] = [];
    const sum = new Float64Array(nClasses), sum2 = new Float64Array(nClasses), cnt = new Float64Array(nClasses);
    for (let r = 0; r < rows; r++) {
      const v = X[r * nFeatures + f];
      if (!Number.isFinite(v)) continue;
      all.push(v);
      sum[y[r]] += v;
      cnt[y[r]]++;
    }
    const mean = Array.from(sum, (s, c) => (cnt[c] > 0 ? s / cnt[c] : NaN));
    for (let r = 0; r < rows; r++) {
      const v = X[r * nFeatures + f];
      if (Number.isFinite(v)) sum2[y[r]] += (v - mean[y[r]]) ** 2;
    }
    const variance = Array.from(sum2, (s, c) => (cnt[c] > 0 ? s / cnt[c] : NaN));
    const sorted = Float64Array.from(all).sort();
    let lo = percentileSorted(sorted, 1), hi = percentileSorted(sorted, 99);
    if (!(hi > lo)) {
      lo = (Number.isFinite(lo) ? lo : 0) - 0.5;
      hi = lo + 1;
    }
    const width = (hi - lo) / bins;
    const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
    edges[bins] = hi;
    const counts = Array.from({ length: nClasses }, () => new Array<number>(bins).fill(0));
    const inRange = new Float64Array(nClasses);
    for (let r = 0; r < rows; r++) {
      const v = X[r * nFeatures + f];
      if (!(v >= lo && v <= hi)) continue;
      const b = Math.min(bins - 1, Math.floor((v - lo) / width));
      counts[y[r]][b]++;
      inRange[y[r]]++;
    }
    const density = counts.map((row, c) => row.map((k, b) => (inRange[c] > 0 ? k / (inRange[c] * (edges[b + 1] - edges[b])) : 0)));
    const jm = Array.from({ length: nClasses }, (_, i) =>
      Array.from({ length: nClasses }, (_, j) =>
        i === j || !(cnt[i] > 0 && cnt[j] > 0) ? 0 : jeffriesMatusita(mean[i], variance[i], mean[j], variance[j]),
      ),
    );
    out.push({ feature: f, edges, density, mean, variance, jm });
  }
  return out;
}

/** For each class pair, features ranked by JM (best first); and features ranked by mean JM over all pairs. */
export function rankFeatures(sep: FeatureSeparability[], nClasses: number): {
  pairs: { a: number; b: number; ranking: { feature: number; jm: number }[] }[];
  overall: { feature: number; meanJm: number; minJm: number }[];
} {
  const pairs: { a: number; b: number; ranking: { feature: number; jm: number }[] }[] = [];
  for (let a = 0; a < nClasses; a++)
    for (let b = a + 1; b < nClasses; b++)
      pairs.push({ a, b, ranking: sep.map((s) => ({ feature: s.feature, jm: s.jm[a][b] })).sort((p, q) => q.jm - p.jm) });
  const overall = sep
    .map((s) => {
      const v = pairs.map((p) => s.jm[p.a][p.b]);
      return { feature: s.feature, meanJm: v.length ? v.reduce((x, z) => x + z, 0) / v.length : 0, minJm: v.length ? Math.min(...v) : 0 };
    })
    .sort((p, q) => q.meanJm - p.meanJm);
  return { pairs, overall };
}
