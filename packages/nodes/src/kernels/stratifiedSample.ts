/**
 * Stratified random sampling of pixels for accuracy assessment (pure, seeded): strata from class codes,
 * sample size from Olofsson et al. 2014 (eq. 13), allocation with a minimum per stratum, and selection of
 * the k-th pixels of each stratum while the raster is scanned window by window (memory stays bounded).
 */
import { UNCERTAIN_CODE } from '../values.ts';

/** Stratum of a class-map pixel: its class code, `nClasses` when uncertain, -1 when no data. */
export function mapStratum(code: number, nClasses: number): number {
  if (code >= 0 && code < nClasses) return code;
  return code === UNCERTAIN_CODE ? nClasses : -1;
}

/** Stratum of a change pixel: from * n + to, n * n when either year is uncertain, -1 when either has no data. */
export function changeStratum(before: number, after: number, nClasses: number): number {
  const b = mapStratum(before, nClasses), a = mapStratum(after, nClasses);
  if (b < 0 || a < 0) return -1;
  if (b === nClasses || a === nClasses) return nClasses * nClasses;
  return b * nClasses + a;
}

/**
 * Olofsson et al. 2014, eq. 13: n = (Σ W_i S_i / S(Ô))², S_i = sqrt(U_i (1 − U_i)), for a target standard
 * error S(Ô) of overall accuracy and the expected user's accuracy U_i of each stratum.
 */
export function olofssonSampleSize(weights: number[], expectedUsersAccuracy: number[], targetStandardError: number): number {
  if (!(targetStandardError > 0)) throw new Error('the target standard error must be > 0');
  const s = weights.reduce((acc, w, i) => acc + w * Math.sqrt(expectedUsersAccuracy[i] * (1 - expectedUsersAccuracy[i])), 0);
  return Math.ceil((s / targetStandardError) ** 2);
}

/**
 * Proportional allocation of `total` points with at least `minimum` in every stratum (never more than the
 * stratum has pixels): the rare strata, such as a change class, get enough points for their user's accuracy.
 */
export function allocateSample(strataPixels: number[], total: number, minimum: number): number[] {
  const N = strataPixels.reduce((s, v) => s + v, 0);
  return strataPixels.map((p) => (p === 0 ? 0 : Math.min(p, Math.max(minimum, Math.round((total * p) / N)))));
}

/** n distinct ranks in [0, N), sorted (Floyd's algorithm: n draws whatever N is). */
export function chooseRanks(N: number, n: number, rand: () => number): number[] {
  if (n > N) throw new Error(`cannot draw ${n} of ${N}`);
  const chosen = new Set<number>();
  for (let j = N - n; j < N; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Finds the chosen pixels while the strata are scanned in a fixed order (the same order they were counted
 * in): `scan` is called per window with each pixel's stratum and reports the picks.
 */
export class StratumPicker {
  private readonly seen: number[];
  private readonly next: number[];
  constructor(private readonly ranks: number[][]) {
    this.seen = ranks.map(() => 0);
    this.next = ranks.map(() => 0);
  }
  scan(strata: ArrayLike<number>, onPick: (pixel: number, stratum: number) => void): void {
    for (let i = 0; i < strata.length; i++) {
      const h = strata[i];
      if (h < 0) continue;
      const r = this.ranks[h];
      const k = this.next[h];
      if (k < r.length && r[k] === this.seen[h]) {
        onPick(i, h);
        this.next[h] = k + 1;
      }
      this.seen[h]++;
    }
  }
  /** True when every chosen pixel was found (the scan saw the strata as counted). */
  complete(): boolean {
    return this.ranks.every((r, h) => this.next[h] === r.length);
  }
}
