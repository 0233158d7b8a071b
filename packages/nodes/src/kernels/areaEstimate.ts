/**
 * Area and accuracy from a stratified random sample of labelled points (pure, no I/O).
 *
 * Olofsson et al. 2014 ("Good practices for estimating area and assessing accuracy of land change", RSE 148:
 * 42–57) give the estimators for strata that are the map classes; Stehman 2014 (IJRS 35: 4923–4939) gives the
 * same estimators for any strata (e.g. transitions of a change map used to assess each year's classes) as
 * ratio estimators. Every number here is one ratio estimator
 *   R̂ = Σ_h N_h ȳ_h / Σ_h N_h x̄_h,  V(R̂) = 1/X̂² Σ_h N_h² (s²_yh + R̂² s²_xh − 2 R̂ s_xyh) / n_h
 * with per-point indicators y and x; with strata = map classes it reduces exactly to Olofsson's equations
 * (p̂_ij = W_i n_ij / n_i·, eqs. 4–10). Like Olofsson (and unlike Stehman) no finite population correction is
 * applied, so the published example is reproduced to the digit; at pixel scale the difference is negligible,
 * except that a stratum sampled in full (a census) contributes no variance.
 */

export interface SamplePoint {
  /** Index into strataPixels. */
  stratum: number;
  /** Map category of the point (index into categories), or null when the map has none there (uncertain). */
  map: number | null;
  /** Reference category (index into categories), from a person's label. */
  reference: number;
}

export interface AreaEstimateInput {
  /** N_h: number of pixels of each stratum in the map. */
  strataPixels: number[];
  strataNames?: string[];
  /** Names of the categories (map and reference share them). */
  categories: string[];
  /** Pixels mapped as each category (the map's own area); default: from strata when strata are the categories. */
  mapPixels?: number[];
  points: SamplePoint[];
  /** Area of one pixel in the unit areas are reported in (km², ha, pixels = 1). */
  pixelArea: number;
  /** Multiplier of the standard error for the confidence interval; 1.96 for 95 %. */
  z?: number;
}

export interface Estimate {
  estimate: number;
  se: number;
  /** Half-width of the confidence interval (z × se). */
  ci: number;
}

export interface CategoryEstimate {
  name: string;
  mapArea: number;
  /** Estimated share of the total area whose reference is this category. */
  proportion: Estimate;
  /** Error-adjusted area (proportion × total area). */
  area: Estimate;
  usersAccuracy: Estimate | null;
  producersAccuracy: Estimate | null;
}

export interface AreaReport {
  totalArea: number;
  /** Row labels of the error matrices: the categories, then 'unmapped' when some points have map = null. */
  rows: string[];
  /** Sample counts, rows = map category, columns = reference category. */
  errorMatrixCounts: number[][];
  /** Estimated proportion of the total area, rows = map category, columns = reference category. */
  errorMatrixProportions: number[][];
  /** Agreement over the area the map assigns a category (uncertain area excluded). */
  overallAccuracy: Estimate | null;
  categories: CategoryEstimate[];
  pointsPerStratum: number[];
}

export class AreaEstimateError extends Error {}

interface StratumGroups {
  N: number[];
  /** Points of each stratum (indices into the points array). */
  members: number[][];
}

function groupPoints(input: AreaEstimateInput): StratumGroups {
  const N = input.strataPixels;
  const members: number[][] = N.map(() => []);
  input.points.forEach((p, i) => {
    if (!(p.stratum >= 0 && p.stratum < N.length)) throw new AreaEstimateError(`point ${i} has stratum ${p.stratum}; there are ${N.length} strata`);
    members[p.stratum].push(i);
  });
  members.forEach((m, h) => {
    const name = input.strataNames?.[h] ?? `stratum ${h}`;
    if (N[h] > 0 && m.length === 0) throw new AreaEstimateError(`${name} (${N[h]} pixels) has no labelled point: every stratum needs at least 2`);
    if (N[h] > 1 && m.length === 1) throw new AreaEstimateError(`${name} has only 1 labelled point: a stratum needs at least 2 to estimate its variance`);
    if (m.length > N[h]) throw new AreaEstimateError(`${name} has ${m.length} points but only ${N[h]} pixels`);
  });
  return { N, members };
}

/**
 * The ratio estimator R̂ = Ŷ / X̂ and its standard error (Stehman 2014, eqs. 2–3 and 27–28, without the
 * finite population correction). `x` undefined means x ≡ 1 (X̂ = N): R̂ is then a proportion of the total.
 * Returns null when X̂ = 0 (nothing to divide by, e.g. producer's accuracy of a class no point is labelled as).
 */
export function ratioEstimate(g: StratumGroups, y: (i: number) => number, x?: (i: number) => number): { estimate: number; se: number } | null {
  let Y = 0, X = 0;
  const stats = g.members.map((m, h) => {
    const n = m.length;
    if (n === 0) return null;
    let sy = 0, sx = 0;
    for (const i of m) { sy += y(i); sx += x ? x(i) : 1; }
    const my = sy / n, mx = sx / n;
    Y += g.N[h] * my;
    X += g.N[h] * mx;
    return { n, my, mx };
  });
  if (X === 0) return null;
  const R = Y / X;
  let v = 0;
  g.members.forEach((m, h) => {
    const s = stats[h];
    // A stratum sampled in full is a census: its mean is known exactly.
    if (!s || s.n >= g.N[h]) return;
    let syy = 0, sxx = 0, sxy = 0;
    for (const i of m) {
      const dy = y(i) - s.my, dx = (x ? x(i) : 1) - s.mx;
      syy += dy * dy; sxx += dx * dx; sxy += dx * dy;
    }
    const d = s.n - 1;
    v += (g.N[h] ** 2 * (syy / d + R * R * (sxx / d) - 2 * R * (sxy / d))) / s.n;
  });
  return { estimate: R, se: Math.sqrt(Math.max(0, v) / (X * X)) };
}

const withCi = (e: { estimate: number; se: number } | null, z: number, scale = 1): Estimate | null =>
  e && { estimate: e.estimate * scale, se: e.se * scale, ci: z * e.se * scale };

export function estimateAreas(input: AreaEstimateInput): AreaReport {
  const z = input.z ?? 1.96;
  const K = input.categories.length;
  input.points.forEach((p, i) => {
    if (!(Number.isInteger(p.reference) && p.reference >= 0 && p.reference < K)) throw new AreaEstimateError(`point ${i} has reference ${p.reference}; there are ${K} categories`);
    if (p.map !== null && !(Number.isInteger(p.map) && p.map >= 0 && p.map < K)) throw new AreaEstimateError(`point ${i} has map category ${p.map}; there are ${K} categories`);
  });
  const g = groupPoints(input);
  const pts = input.points;
  const Ntot = g.N.reduce((s, v) => s + v, 0);
  const totalArea = Ntot * input.pixelArea;
  let mapPixels = input.mapPixels;
  if (!mapPixels) {
    if (input.strataPixels.length < K) throw new AreaEstimateError('mapPixels is needed when the strata are not the categories');
    mapPixels = input.strataPixels.slice(0, K);
  }
  const hasUnmapped = pts.some((p) => p.map === null);
  const rows = [...input.categories, ...(hasUnmapped ? ['unmapped'] : [])];
  const rowOf = (p: SamplePoint) => (p.map === null ? K : p.map);
  const errorMatrixCounts = rows.map(() => new Array<number>(K).fill(0));
  for (const p of pts) errorMatrixCounts[rowOf(p)][p.reference]++;
  const errorMatrixProportions = rows.map((_, r) =>
    input.categories.map((_, k) => ratioEstimate(g, (i) => (rowOf(pts[i]) === r && pts[i].reference === k ? 1 : 0))?.estimate ?? 0));

  const categories = input.categories.map((name, k): CategoryEstimate => {
    const refK = (i: number) => (pts[i].reference === k ? 1 : 0);
    const mapK = (i: number) => (pts[i].map === k ? 1 : 0);
    const both = (i: number) => refK(i) * mapK(i);
    const proportion = withCi(ratioEstimate(g, refK), z)!;
    return {
      name,
      mapArea: mapPixels[k] * input.pixelArea,
      proportion,
      area: { estimate: proportion.estimate * totalArea, se: proportion.se * totalArea, ci: proportion.ci * totalArea },
      usersAccuracy: withCi(ratioEstimate(g, both, mapK), z),
      producersAccuracy: withCi(ratioEstimate(g, both, refK), z),
    };
  });
  const overallAccuracy = withCi(ratioEstimate(g, (i) => (pts[i].map === pts[i].reference ? 1 : 0), (i) => (pts[i].map === null ? 0 : 1)), z);
  return { totalArea, rows, errorMatrixCounts, errorMatrixProportions, overallAccuracy, categories, pointsPerStratum: g.members.map((m) => m.length) };
}

/** Points from an error matrix of counts whose rows are the strata = map classes (as papers publish them). */
export function pointsFromErrorMatrix(counts: number[][]): SamplePoint[] {
  const out: SamplePoint[] = [];
  counts.forEach((row, i) => row.forEach((c, j) => { for (let k = 0; k < c; k++) out.push({ stratum: i, map: i, reference: j }); }));
  return out;
}
