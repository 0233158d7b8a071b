/** Deterministic train/validation splits and undersampling of sample rows (pure, seeded). */

/** mulberry32: small, fast, deterministic 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rand: () => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export type SplitStrategy = 'random' | 'stratified' | 'polygon';

export interface SplitOptions {
  trainFraction: number;
  seed: number;
  strategy: SplitStrategy;
  /**
   * Class codes in the order their random draws are made (default: ascending codes). Pass the codes sorted by
   * class name so that the split does not depend on the order the user listed the classes in.
   */
  classOrder?: number[];
}

/** The codes present in `y`, in `order` first (codes absent from it after, ascending). */
function drawOrder(present: Iterable<number>, order: number[] | undefined): number[] {
  const codes = [...new Set(present)].sort((a, b) => a - b);
  if (!order) return codes;
  const rank = new Map(order.map((c, i) => [c, i]));
  return codes.sort((a, b) => (rank.get(a) ?? order.length + a) - (rank.get(b) ?? order.length + b));
}

/** Class codes sorted by class name (then code): the draw order that makes sampling independent of class order. */
export function codesByName(classes: readonly string[]): number[] {
  return classes.map((_, i) => i).sort((a, b) => (classes[a] < classes[b] ? -1 : classes[a] > classes[b] ? 1 : a - b));
}

export interface SplitResult {
  train: Int32Array;
  validation: Int32Array;
}

function sorted(rows: number[]): Int32Array {
  return Int32Array.from(rows).sort();
}

/**
 * random: rows shuffled, the first round(n·f) train. stratified: the same within each class.
 * polygon: whole polygons go to one side; per class, shuffled polygons are added to train while that brings the
 * class's train rows closer to f × its rows (a class with ≥ 2 polygons keeps at least one on each side).
 */
export function splitSamples(y: ArrayLike<number>, polygonId: ArrayLike<number>, opts: SplitOptions): SplitResult {
  const n = y.length;
  const rand = mulberry32(opts.seed);
  const f = opts.trainFraction;
  const train: number[] = [];
  const validation: number[] = [];
  if (opts.strategy === 'random') {
    const idx = shuffle(Int32Array.from({ length: n }, (_, i) => i), rand);
    const k = Math.round(n * f);
    return { train: sorted(Array.from(idx.subarray(0, k))), validation: sorted(Array.from(idx.subarray(k))) };
  }
  const classes = drawOrder(Array.from(y), opts.classOrder);
  if (opts.strategy === 'stratified') {
    for (const c of classes) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (y[i] === c) rows.push(i);
      shuffle(rows as unknown as Int32Array, rand);
      const k = Math.round(rows.length * f);
      train.push(...rows.slice(0, k));
      validation.push(...rows.slice(k));
    }
    return { train: sorted(train), validation: sorted(validation) };
  }
  // polygon: group rows by polygon; a polygon belongs to its majority class (a tie to the first in draw order).
  const rank = (c: number) => classes.indexOf(c);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(polygonId[i]);
    if (g) g.push(i);
    else groups.set(polygonId[i], [i]);
  }
  const byClass = new Map<number, { id: number; rows: number[] }[]>();
  for (const [id, rows] of [...groups].sort((a, b) => a[0] - b[0])) {
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(y[r], (counts.get(y[r]) ?? 0) + 1);
    const cls = [...counts].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]))[0][0];
    const list = byClass.get(cls) ?? [];
    list.push({ id, rows });
    byClass.set(cls, list);
  }
  for (const c of drawOrder(byClass.keys(), opts.classOrder)) {
    const polys = byClass.get(c)!;
    const order = shuffle(Int32Array.from({ length: polys.length }, (_, i) => i), rand);
    const total = polys.reduce((s, p) => s + p.rows.length, 0);
    const target = total * f;
    let got = 0;
    const toTrain = new Set<number>();
    for (const k of order) {
      const size = polys[k].rows.length;
      if (Math.abs(got + size - target) < Math.abs(got - target) || toTrain.size === 0) {
        toTrain.add(k);
        got += size;
      }
    }
    if (polys.length >= 2 && toTrain.size === polys.length) toTrain.delete(order[order.length - 1]);
    polys.forEach((p, k) => (toTrain.has(k) ? train : validation).push(...p.rows));
  }
  return { train: sorted(train), validation: sorted(validation) };
}

/**
 * Keeps, per class, a random subset of `rows` the size of the smallest class among them. Classes draw in
 * `classOrder` (see SplitOptions.classOrder).
 */
export function undersample(rows: ArrayLike<number>, y: ArrayLike<number>, seed: number, classOrder?: number[]): Int32Array {
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const list = byClass.get(y[r]) ?? [];
    list.push(r);
    byClass.set(y[r], list);
  }
  if (byClass.size === 0) return new Int32Array(0);
  const min = Math.min(...[...byClass.values()].map((l) => l.length));
  const out: number[] = [];
  for (const c of drawOrder(byClass.keys(), classOrder)) {
    const list = byClass.get(c)!;
    shuffle(list as unknown as Int32Array, rand);
    out.push(...list.slice(0, min));
  }
  return sorted(out);
}
