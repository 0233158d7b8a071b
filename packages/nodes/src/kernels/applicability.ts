/**
 * The model's area of applicability (pure): is a pixel like anything the model was trained on?
 *
 * A tree model gives confident probabilities far outside its training data (on an unseen scene, a
 * sediment-laden river that no water polygon covered was called ASGM with p = 0.999), and no tie rule sees
 * that. This follows the dissimilarity index of Meyer & Pebesma (2021, "Predicting into unknown space?",
 * Methods Ecol. Evol. 12:1620; R package CAST, `aoa`): features standardised by the training rows' mean and
 * standard deviation (ddof 0), DI = distance to the nearest training row / mean distance between training
 * rows. Two choices differ from CAST's defaults, both measured on the unseen scene (docs/class-order-and-ties.md):
 * - features are not weighted by importance: on separable classes XGBoost splits on 3 of 13 features, and a
 *   pixel unlike the training data in the other 10 would go unseen;
 * - per class: a pixel is compared with the training rows of the class the model gave it, and a class's
 *   threshold is the largest DI of one of its rows to the nearest row of the same class in another polygon
 *   (rows of one polygon are neighbours in space and nearly copies; CAST uses its cross-validation folds for
 *   the same reason), never below the typical distance of the most isolated polygon of any class. CAST's
 *   single threshold, the upper whisker (Q3 + 1.5 IQR) of all rows, flagged 18 % of the scene, 16 % of its
 *   forest; one threshold at the largest DI let the river in wherever one forest polygon (a darker one) sat far
 *   from the others. Figures: docs/class-order-and-ties.md.
 */

import { mulberry32 } from './sampleSplit.ts';

/** What a trained model carries to decide whether a pixel is inside its area of applicability. */
export interface Domain {
  /** Training rows used as reference points, raw feature values, rows x features, row-major. */
  points: Float32Array;
  /** Their polygon ids (which rows are neighbours in space). */
  groups: Int32Array;
  /** Their class codes. */
  classes: Int32Array;
  nFeatures: number;
  /** Per-feature mean and standard deviation (ddof 0; 1 where a feature is constant) of the reference rows. */
  mean: Float64Array;
  scale: Float64Array;
  /** Mean Euclidean distance between two reference rows in standardised units (DI's denominator). */
  meanDistance: number;
  /**
   * Per class code: the largest DI of one of its rows to the nearest row of the same class in another polygon,
   * at least the median DI of the most isolated polygon of any class (isolatedPolygonDistance); Infinity when
   * the class has one polygon (nothing to measure it against) or no row.
   */
  thresholds: number[];
}

export interface DomainOptions {
  /** At most this many training rows are kept as reference points (a fixed random subset above it). */
  maxPoints?: number;
  /** Seed of that subset. */
  seed?: number;
}

export const DEFAULT_MAX_REFERENCE_POINTS = 5000;

/** Rows whose features are all finite: a pixel with a missing feature is never classified, so never asked about. */
function finiteRows(X: Float32Array, rows: number, nf: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let ok = true;
    for (let j = 0; j < nf && ok; j++) ok = Number.isFinite(X[r * nf + j]);
    if (ok) out.push(r);
  }
  return out;
}

/**
 * The domain of training rows `X` (rows x nf) with polygon ids `groups` and class codes `y` (0..nClasses-1).
 * Returns null when no row has all features finite.
 */
export function buildDomain(
  X: Float32Array, rows: number, nf: number, groups: ArrayLike<number>, y: ArrayLike<number>, nClasses: number, opts: DomainOptions = {},
): Domain | null {
  let keep = finiteRows(X, rows, nf);
  if (keep.length === 0) return null;
  const maxPoints = opts.maxPoints ?? DEFAULT_MAX_REFERENCE_POINTS;
  if (keep.length > maxPoints) {
    // Partial Fisher-Yates: a uniform subset, then back in row order so the file reads like the samples.
    const rand = mulberry32(opts.seed ?? 0);
    for (let i = 0; i < maxPoints; i++) {
      const j = i + Math.floor(rand() * (keep.length - i));
      [keep[i], keep[j]] = [keep[j], keep[i]];
    }
    keep = keep.slice(0, maxPoints).sort((a, b) => a - b);
  }
  const n = keep.length;
  const points = new Float32Array(n * nf);
  const g = new Int32Array(n), cls = new Int32Array(n);
  keep.forEach((r, i) => {
    points.set(X.subarray(r * nf, (r + 1) * nf), i * nf);
    g[i] = groups[r];
    cls[i] = y[r];
  });
  const mean = new Float64Array(nf), scale = new Float64Array(nf);
  for (let j = 0; j < nf; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += points[i * nf + j];
    mean[j] = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (points[i * nf + j] - mean[j]) ** 2;
    const sd = Math.sqrt(v / n);
    scale[j] = sd > 0 ? sd : 1;
  }
  const Z = standardise(points, n, nf, mean, scale);
  // One pass over all pairs: the sum of distances, and each row's nearest row of its class in another polygon.
  const nearestOther = new Float64Array(n).fill(Infinity);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      let d2 = 0;
      for (let j = 0; j < nf; j++) {
        const t = Z[i * nf + j] - Z[k * nf + j];
        d2 += t * t;
      }
      const d = Math.sqrt(d2);
      sum += d;
      if (g[i] !== g[k] && cls[i] === cls[k]) {
        if (d < nearestOther[i]) nearestOther[i] = d;
        if (d < nearestOther[k]) nearestOther[k] = d;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const meanDistance = pairs > 0 ? sum / pairs : 0;
  const largest = new Array<number>(nClasses).fill(-Infinity);
  for (let i = 0; i < n; i++) largest[cls[i]] = Math.max(largest[cls[i]], nearestOther[i]);
  const floor = isolatedPolygonDistance(nearestOther, g);
  // All identical rows (meanDistance 0) or a class in one polygon (no "other" neighbour): nothing to measure against.
  const thresholds = largest.map((d) => (meanDistance > 0 && Number.isFinite(d) ? Math.max(d, floor) / meanDistance : Infinity));
  return { points, groups: g, classes: cls, nFeatures: nf, mean, scale, meanDistance, thresholds };
}

/**
 * The typical distance of the most isolated polygon to the others of its class: the largest, over polygons, of
 * the median of their rows' distances. A class drawn as near-identical polygons (forest interiors) would
 * otherwise get a threshold below its own ordinary variation (haze, shadows, season) and flag 7.6 % of the
 * forest (measured); with this floor 0.6 %.
 */
function isolatedPolygonDistance(distance: Float64Array, groups: Int32Array): number {
  const byPolygon = new Map<number, number[]>();
  for (let i = 0; i < groups.length; i++) {
    if (!Number.isFinite(distance[i])) continue;
    let list = byPolygon.get(groups[i]);
    if (!list) byPolygon.set(groups[i], (list = []));
    list.push(distance[i]);
  }
  let floor = 0;
  for (const list of byPolygon.values()) {
    list.sort((a, b) => a - b);
    const m = list.length >> 1;
    floor = Math.max(floor, list.length % 2 ? list[m] : (list[m - 1] + list[m]) / 2);
  }
  return floor;
}

function standardise(X: ArrayLike<number>, n: number, nf: number, mean: Float64Array, scale: Float64Array): Float64Array {
  const Z = new Float64Array(n * nf);
  for (let i = 0; i < n; i++) for (let j = 0; j < nf; j++) Z[i * nf + j] = (X[i * nf + j] - mean[j]) / scale[j];
  return Z;
}

const LEAF_SIZE = 8;
const HINTS = 8;

/**
 * "Is this pixel inside the area of applicability of the class the model gave it?": one k-d tree per class over
 * that class's standardised reference rows. Pixels come in row order and neighbours look alike, so the rows
 * that answered the last 8 pixels of a class are tried first (89 % of pixels answered so on a real-size
 * composite; 0.57 µs a pixel in all, against 1.2 µs with one such row and 26 µs a pixel outside without the
 * trees' bounding boxes).
 */
export class DomainIndex {
  private readonly trees: (ClassTree | null)[];
  private readonly q: Float64Array;

  constructor(private readonly domain: Domain) {
    const { nFeatures: nf, classes } = domain;
    const Z = standardise(domain.points, classes.length, nf, domain.mean, domain.scale);
    this.q = new Float64Array(nf);
    this.trees = domain.thresholds.map((t, c) => {
      if (!Number.isFinite(t)) return null;
      const rows = [];
      for (let i = 0; i < classes.length; i++) if (classes[i] === c) rows.push(i);
      const Zc = new Float64Array(rows.length * nf);
      rows.forEach((r, i) => Zc.set(Z.subarray(r * nf, (r + 1) * nf), i * nf));
      const r = t * domain.meanDistance;
      return new ClassTree(Zc, rows.length, nf, r * r);
    });
  }

  /**
   * True when the pixel `x[offset .. offset + nFeatures)` (raw feature values, all finite) has a reference row of
   * class `code` within that class's threshold, or the class has no threshold.
   */
  inside(x: ArrayLike<number>, offset: number, code: number): boolean {
    const tree = this.trees[code];
    if (!tree) return true;
    const { mean, scale, nFeatures: nf } = this.domain;
    for (let j = 0; j < nf; j++) this.q[j] = (x[offset + j] - mean[j]) / scale[j];
    return tree.anyWithin(this.q);
  }
}

/**
 * A k-d tree over points (rows x nf, standardised) answering "any point within sqrt(radius2)?". Each node keeps
 * its points' bounding box: in 13 dimensions a split plane alone prunes little, and a pixel far from every
 * point (the ones that matter) is then answered after a few box distances instead of most of the leaves.
 */
class ClassTree {
  private readonly order: Int32Array;
  private boxLo: Float64Array;
  private boxHi: Float64Array;
  // Node arrays: a leaf covers order[start, end); an inner node splits on dim at value.
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly dim: number[] = [];
  private readonly value: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private q: Float64Array = new Float64Array(0);
  /** The points that answered the last pixels (a ring): a pixel's neighbours in the image are near one of them. */
  private readonly hints = new Int32Array(HINTS);
  private nextHint = 0;

  constructor(private readonly Z: Float64Array, n: number, private readonly nf: number, private readonly radius2: number) {
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    // A median-split tree has fewer than 2n nodes.
    this.boxLo = new Float64Array(Math.max(1, 2 * n) * nf);
    this.boxHi = new Float64Array(Math.max(1, 2 * n) * nf);
    if (n > 0) this.build(0, n);
    this.boxLo = this.boxLo.slice(0, this.start.length * nf);
    this.boxHi = this.boxHi.slice(0, this.start.length * nf);
  }

  private build(lo: number, hi: number): number {
    const id = this.start.length;
    this.start.push(lo);
    this.end.push(hi);
    this.dim.push(-1);
    this.value.push(0);
    this.left.push(-1);
    this.right.push(-1);
    // Bounding box, and the widest feature to split on at its median.
    let best = 0, spread = -1;
    for (let j = 0; j < this.nf; j++) {
      let mn = Infinity, mx = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = this.Z[this.order[i] * this.nf + j];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      this.boxLo[id * this.nf + j] = mn;
      this.boxHi[id * this.nf + j] = mx;
      if (mx - mn > spread) {
        spread = mx - mn;
        best = j;
      }
    }
    if (hi - lo <= LEAF_SIZE || spread <= 0) return id; // a leaf (or all points equal: one leaf)
    const slice = Array.from(this.order.subarray(lo, hi)).sort((a, b) => this.Z[a * this.nf + best] - this.Z[b * this.nf + best]);
    this.order.set(slice, lo);
    const mid = (lo + hi) >> 1;
    this.dim[id] = best;
    this.value[id] = this.Z[this.order[mid] * this.nf + best];
    const l = this.build(lo, mid);
    const r = this.build(mid, hi);
    this.left[id] = l;
    this.right[id] = r;
    return id;
  }

  /** Squared distance from the query to point p, stopping once it is past the radius (then only "> radius2" is true). */
  private dist2(p: number): number {
    let d2 = 0;
    const o = p * this.nf;
    for (let j = 0; j < this.nf; j++) {
      const t = this.Z[o + j] - this.q[j];
      d2 += t * t;
      if (d2 > this.radius2) return d2;
    }
    return d2;
  }

  anyWithin(q: Float64Array): boolean {
    if (this.order.length === 0) return false;
    this.q = q;
    // Most recent first: the last pixel's answer is the likeliest.
    for (let h = 1; h <= HINTS; h++) if (this.dist2(this.hints[(this.nextHint - h + HINTS) % HINTS]) <= this.radius2) return true;
    return this.search(0);
  }

  /** Squared distance from the query to the node's bounding box (0 inside it). */
  private boxDist2(node: number): number {
    let d2 = 0;
    const o = node * this.nf;
    for (let j = 0; j < this.nf; j++) {
      const v = this.q[j];
      const lo = this.boxLo[o + j], hi = this.boxHi[o + j];
      const t = v < lo ? lo - v : v > hi ? v - hi : 0;
      d2 += t * t;
      if (d2 > this.radius2) return d2;
    }
    return d2;
  }

  private search(node: number): boolean {
    if (this.boxDist2(node) > this.radius2) return false;
    const d = this.dim[node];
    if (d < 0) {
      for (let i = this.start[node]; i < this.end[node]; i++) {
        const p = this.order[i];
        if (this.dist2(p) <= this.radius2) {
          this.hints[this.nextHint] = p;
          this.nextHint = (this.nextHint + 1) % HINTS;
          return true;
        }
      }
      return false;
    }
    const diff = this.q[d] - this.value[node];
    const near = diff < 0 ? this.left[node] : this.right[node];
    const far = diff < 0 ? this.right[node] : this.left[node];
    return this.search(near) || this.search(far);
  }
}
