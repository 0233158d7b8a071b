/** Small helpers shared by the sample/model nodes. */
import { writeFileAtomicSync } from '../io/atomicFile.ts';
import { NodeError } from '../errors.ts';
import type { SampleTable } from '../io/samplesStore.ts';

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomicSync(path, JSON.stringify(value));
}

/** Column of each wanted feature in `available`; NodeError naming the missing ones. */
export function featureColumns(wanted: string[], available: string[], what: string, param?: string): number[] {
  const cols = wanted.map((f) => available.indexOf(f));
  const missing = wanted.filter((_, i) => cols[i] < 0);
  if (missing.length) {
    throw new NodeError(
      `The model was trained on features that the ${what} lacks: ${missing.join(', ')}. The ${what} has: ${available.join(', ')}. Use the same variables and reducers for the ${what} as for the model's training samples.`,
      { param, code: 'feature-mismatch' },
    );
  }
  return cols;
}

/** Table with columns reordered to `cols` (no copy when already in order). */
export function selectColumns(t: SampleTable, cols: number[], names: string[]): SampleTable {
  const nf = t.features.length;
  if (cols.length === nf && cols.every((c, i) => c === i)) return t;
  const rows = t.y.length;
  const X = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols.length; j++) X[r * cols.length + j] = t.X[r * nf + cols[j]];
  return { ...t, X, features: names };
}

export function countByClass(y: ArrayLike<number>, classes: string[]): Record<string, number> {
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return Object.fromEntries(classes.map((c, i) => [c, counts[i]]));
}

export function requireRows(t: SampleTable, input: string): void {
  if (t.y.length === 0) throw new NodeError(`The ${input} samples are empty (0 rows).`, { code: 'empty-samples' });
}

export function accuracyOf(proba: Float32Array, y: ArrayLike<number>, nClasses: number): number {
  let ok = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (proba[r * nClasses + c] > proba[r * nClasses + best]) best = c;
    if (best === y[r]) ok++;
  }
  return y.length ? ok / y.length : 0;
}

export const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
