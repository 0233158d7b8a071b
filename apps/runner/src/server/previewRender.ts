/** Downsampling (nearest) of rasters and composites, and their colouring into RGBA for map previews. */
import { readCompositeWindow } from '@sentiflow/nodes/raster/compositeStore.ts';
import type { Change, Composite } from '@sentiflow/nodes/values.ts';
import { UNCERTAIN_CODE } from '@sentiflow/nodes/values.ts';
import { classCategories, transitionCategories } from '@sentiflow/nodes/palette.ts';
import type { RasterReader } from './deps.ts';
import { DIVERGING_RAMP, PROBABILITY_RAMP, hexToRgb, rampColor } from './palette.ts';

/** Rows read at once from a GeoTIFF (a few tile rows; bounds memory to width × STRIP × bands). */
const STRIP_ROWS = 256;

export interface Size {
  width: number;
  height: number;
}

export function previewSize(src: Size, maxSize: number): Size {
  const scale = Math.min(1, maxSize / Math.max(src.width, src.height));
  return { width: Math.max(1, Math.round(src.width * scale)), height: Math.max(1, Math.round(src.height * scale)) };
}

/** Source index of each output pixel along one axis, sampling pixel centres. */
function nearest(src: number, out: number): Int32Array {
  const idx = new Int32Array(out);
  for (let i = 0; i < out; i++) idx[i] = Math.min(src - 1, Math.floor(((i + 0.5) * src) / out));
  return idx;
}

/** Nearest-neighbour samples of some bands of a raster; nodata becomes NaN. */
export async function sampleRaster(reader: RasterReader, bands: number[], out: Size): Promise<Float32Array[]> {
  const xs = nearest(reader.width, out.width);
  const ys = nearest(reader.height, out.height);
  const result = bands.map(() => new Float32Array(out.width * out.height));
  let r = 0;
  while (r < out.height) {
    const y0 = ys[r];
    const rows = Math.min(STRIP_ROWS, reader.height - y0);
    const data = await reader.readWindow({ x: 0, y: y0, width: reader.width, height: rows });
    for (; r < out.height && ys[r] < y0 + rows; r++) {
      const rowOff = (ys[r] - y0) * reader.width;
      bands.forEach((b, k) => {
        const src = data[b];
        const dst = result[k];
        for (let c = 0; c < out.width; c++) {
          const v = src[rowOff + xs[c]];
          dst[r * out.width + c] = reader.noData !== null && v === reader.noData ? NaN : v;
        }
      });
    }
  }
  return result;
}

/** Nearest-neighbour samples of some features of a composite (one row read per output row). */
export function sampleComposite(composite: Composite, features: number[], out: Size): Float32Array[] {
  const { width, height } = composite.grid;
  const nf = composite.features.length;
  const xs = nearest(width, out.width);
  const ys = nearest(height, out.height);
  const result = features.map(() => new Float32Array(out.width * out.height));
  for (let r = 0; r < out.height; r++) {
    const row = readCompositeWindow(composite, { x: 0, y: ys[r], width, height: 1 });
    features.forEach((f, k) => {
      for (let c = 0; c < out.width; c++) result[k][r * out.width + c] = row[xs[c] * nf + f];
    });
  }
  return result;
}

/** The q-quantile (0..1) of the finite values, or null when there are none. */
export function quantile(values: Float32Array, q: number): number | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return null;
  const x = q * (finite.length - 1);
  const i = Math.floor(x);
  return i + 1 < finite.length ? finite[i] + (finite[i + 1] - finite[i]) * (x - i) : finite[i];
}

/** Values a stretch is estimated from: a preview's colour stretch needs no more (and sorting millions is slow). */
const STRETCH_SAMPLE = 65_536;

/** [q1, q2] quantiles of the finite values, sorted once, from an evenly strided sample of at most STRETCH_SAMPLE. */
export function stretchRange(values: Float32Array, q1: number, q2: number): [number, number] {
  const step = Math.max(1, Math.floor(values.length / STRETCH_SAMPLE));
  const sample = new Float32Array(Math.ceil(values.length / step));
  let n = 0;
  for (let i = 0; i < values.length; i += step) if (Number.isFinite(values[i])) sample[n++] = values[i];
  if (n === 0) return [0, 1];
  const sorted = sample.subarray(0, n).sort();
  const at = (q: number): number => {
    const x = q * (n - 1);
    const i = Math.floor(x);
    return i + 1 < n ? sorted[i] + (sorted[i + 1] - sorted[i]) * (x - i) : sorted[i];
  };
  return [at(q1), at(q2)];
}

/** True colour with a 2–98 % stretch per band; transparent where any band is NaN. */
export function colorRgb(bands: Float32Array[]): Uint8Array {
  const n = bands[0].length;
  const rgba = new Uint8Array(n * 4);
  const ranges = bands.map((b) => stretchRange(b, 0.02, 0.98));
  for (let i = 0; i < n; i++) {
    let valid = true;
    for (let k = 0; k < 3; k++) {
      const v = bands[k][i];
      if (!Number.isFinite(v)) valid = false;
      const [lo, hi] = ranges[k];
      rgba[i * 4 + k] = hi > lo ? Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo)))) : 128;
    }
    rgba[i * 4 + 3] = valid ? 255 : 0;
  }
  return rgba;
}

/** Class codes → class colours (uncertain grey, as in the GeoTIFF colour table); 255, NaN and unknown codes transparent. */
export function colorClasses(codes: Float32Array, classes: string[]): Uint8Array {
  const colors: [number, number, number][] = [];
  for (const c of classCategories(classes)) if (c.code < classes.length || c.code === UNCERTAIN_CODE) colors[c.code] = hexToRgb(c.color);
  const rgba = new Uint8Array(codes.length * 4);
  for (let i = 0; i < codes.length; i++) {
    const c = colors[codes[i]];
    if (!Number.isInteger(codes[i]) || !c) continue;
    rgba.set(c, i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** Values mapped from [lo, hi] onto a ramp; NaN transparent. */
export function colorRamp(values: Float32Array, stops: readonly string[], lo: number, hi: number): Uint8Array {
  const rgba = new Uint8Array(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    rgba.set(rampColor(stops, (values[i] - lo) / (hi - lo)), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

export const colorProbability = (v: Float32Array): Uint8Array => colorRamp(v, PROBABILITY_RAMP, 0, 1);
export const colorDiff = (v: Float32Array): Uint8Array => colorRamp(v, DIVERGING_RAMP, -1, 1);

/** Transition codes are `from * labels.length + to` over the classes then 'uncertain' (255 = no data), as written by change.diff. */
export function decodeTransition(code: number, nLabels: number): [from: number, to: number] | null {
  if (!Number.isInteger(code) || code < 0 || code >= nLabels * nLabels) return null;
  return [Math.floor(code / nLabels), code % nLabels];
}

/** The row/column labels of a Change (older results have no 'uncertain' label). */
export function changeLabels(change: Pick<Change, 'classes' | 'labels'>): string[] {
  return change.labels ?? change.classes;
}

/** The focus change (Change.focus) red, other changes orange, from/to uncertain dark grey, unchanged faint grey. */
export function colorTransitions(codes: Float32Array, change: Pick<Change, 'classes' | 'labels' | 'focus'>): Uint8Array {
  const labels = changeLabels(change);
  const L = labels.length;
  const colors = transitionCategories(labels, change.focus).filter((c) => c.code < L * L).map((c) => hexToRgb(c.color));
  const rgba = new Uint8Array(codes.length * 4);
  for (let i = 0; i < codes.length; i++) {
    const t = decodeTransition(codes[i], L);
    if (!t) continue;
    rgba.set(colors[codes[i]], i * 4);
    rgba[i * 4 + 3] = t[0] === t[1] ? 80 : 255;
  }
  return rgba;
}
