/**
 * Land-cover transitions between two class maps (pure, no I/O). Class values 0..nClasses-1 are valid;
 * anything else (255 = no data) makes the pixel invalid in that year. A pixel counts only when valid in both.
 */

export const TRANSITION_NODATA = 255;

/** Largest number of labels whose transition codes (from * n + to) fit in uint8 below the no-data value 255. */
export const MAX_TRANSITION_CLASSES = 15;

/**
 * Class-map codes → label indices: 0..nClasses-1 stay, `uncertainCode` becomes nClasses (the 'uncertain' label
 * after the classes), anything else (no data) stays invalid. Lets uncertain pixels be a row and column of their own.
 */
export function toLabelIndices(codes: ArrayLike<number>, nClasses: number, uncertainCode: number): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === uncertainCode ? nClasses : codes[i] < nClasses ? codes[i] : NaN;
  return out;
}

/**
 * Adds the window's transitions to `counts` (row-major nClasses x nClasses, counts[from * n + to]) and, when
 * `codes` is given, writes each pixel's transition code from * n + to (255 where either year is invalid).
 * Returns the number of pixels valid in both years.
 */
export function countTransitions(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  nClasses: number,
  counts: Float64Array,
  codes?: Uint8Array,
): number {
  if (before.length !== after.length) throw new Error(`countTransitions: ${before.length} vs ${after.length} pixels`);
  if (counts.length !== nClasses * nClasses) throw new Error(`countTransitions: counts must have ${nClasses * nClasses} entries`);
  if (codes && nClasses > MAX_TRANSITION_CLASSES) throw new Error(`countTransitions: at most ${MAX_TRANSITION_CLASSES} classes fit in uint8 codes`);
  let valid = 0;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    if (a >= 0 && a < nClasses && b >= 0 && b < nClasses && Number.isInteger(a) && Number.isInteger(b)) {
      const code = a * nClasses + b;
      counts[code]++;
      if (codes) codes[i] = code;
      valid++;
    } else if (codes) {
      codes[i] = TRANSITION_NODATA;
    }
  }
  return valid;
}

/** counts (flat) -> matrix[from][to]. */
export function toMatrix(counts: Float64Array, nClasses: number, scale = 1): number[][] {
  return Array.from({ length: nClasses }, (_, i) => Array.from({ length: nClasses }, (_, j) => counts[i * nClasses + j] * scale));
}

/** Per-class area before (row sums) and after (column sums) over pixels valid in both years. */
export function marginals(matrix: number[][]): { before: number[]; after: number[] } {
  const n = matrix.length;
  const before = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const after = Array.from({ length: n }, (_, j) => matrix.reduce((s, row) => s + row[j], 0));
  return { before, after };
}

/** (after - before) / before * 100, null when before is 0. */
export function percentChange(before: number, after: number): number | null {
  return before === 0 ? null : ((after - before) / before) * 100;
}
