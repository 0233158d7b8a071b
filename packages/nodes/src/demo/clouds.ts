/**
 * Cloud fields per date: spatially smooth blobs (fractal noise), their shadows, and an s2cloudless-like
 * probability (0–100) that is high under clouds, rises a little ahead of the visible cloud edge, and stays
 * low (about 0–15) with noise elsewhere.
 */
import type { Window } from '../grid.ts';
import { coarseField, fbm, hash, rng } from './noise.ts';

export interface DatePlan {
  /** target cloud cover fraction */
  cover: number;
  /** noise threshold giving that cover */
  threshold: number;
  offsetU: number;
  offsetV: number;
  /** left-edge nodata strip (fraction of width), 0 = none */
  nodataStrip: number;
  /** right-edge orbit no-data wedge (fraction of width at the top, narrowing to 0 at the bottom), 0 = none */
  nodataWedge: number;
  /** opacity of thin haze (0 = none): brightens the scene, but s2cloudless scores it below 20 */
  haze: number;
  seed: number;
}

/** Inverse standard normal CDF (Acklam's rational approximation, ~1e-9). */
function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  if (q < 0.02425) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  }
  if (q > 1 - 0.02425) return -probit(1 - q);
  const t = q - 0.5;
  const r = t * t;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * t) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Plans the dates of a year: tropical sky, so many dates are partly or mostly cloudy; the first is clear. */
export function planDates(count: number, seed: number): DatePlan[] {
  const rand = rng(seed * 31 + 7);
  const plans: DatePlan[] = [];
  for (let d = 0; d < count; d++) {
    const kind = rand();
    let cover = kind < 0.35 ? 0.03 * rand() : kind < 0.75 ? 0.05 + 0.55 * rand() : 0.85 + 0.15 * rand();
    if (d === 0) cover = 0;
    const threshold = cover < 0.005 ? 9 : 0.5 + 0.11 * probit(1 - cover);
    const nodataStrip = d > 0 && rand() < 0.12 ? 0.03 + 0.05 * rand() : 0;
    const offsetU = rand() * 100, offsetV = rand() * 100;
    const nodataWedge = d > 0 && rand() < 0.1 ? 0.1 + 0.25 * rand() : 0;
    const haze = d > 0 && rand() < 0.3 ? 0.04 + 0.1 * rand() : 0;
    plans.push({ cover, threshold, offsetU, offsetV, nodataStrip, nodataWedge, haze, seed: seed * 1000 + d });
  }
  return plans;
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

export interface CloudWindow {
  /** cloud opacity 0..1 */
  alpha: Float32Array;
  /** shadow darkness 0..1 */
  shadow: Float32Array;
  /** s2cloudless-like probability 0..100 */
  probability: Uint8Array;
  /** thin haze opacity 0..plan.haze (not reflected in the probability beyond a few points) */
  haze: Float32Array;
}

export function cloudWindow(win: Window, sceneHeight: number, plan: DatePlan): CloudWindow {
  const n = win.width * win.height;
  const alpha = new Float32Array(n);
  const shadow = new Float32Array(n);
  const probability = new Uint8Array(n);
  const haze = new Float32Array(n);
  const step = Math.max(2, Math.round(sceneHeight / 100));
  const hazeField = plan.haze > 0
    ? coarseField(win, step, (px, py) => fbm((px / sceneHeight) * 1.5 + plan.offsetV, (py / sceneHeight) * 1.5 + plan.offsetU, plan.seed + 7, 3))
    : undefined;
  const t = plan.threshold;
  let field: Float32Array | undefined;
  let shifted: Float32Array | undefined;
  if (t < 2) {
    const noiseAt = (px: number, py: number) => fbm((px / sceneHeight) * 4 + plan.offsetU, (py / sceneHeight) * 4 + plan.offsetV, plan.seed, 4);
    field = coarseField(win, step, noiseAt);
    const sx = Math.round(0.03 * sceneHeight);
    const sy = Math.round(0.02 * sceneHeight);
    shifted = coarseField(win, step, (px, py) => noiseAt(px - sx, py - sy));
  }
  for (let i = 0; i < n; i++) {
    const x = win.x + (i % win.width);
    const y = win.y + Math.floor(i / win.width);
    let p = 1 + 11 * hash(x, y, plan.seed, 3) ** 2; // clear-sky background 1..12
    if (field && shifted) {
      const v = field[i];
      const a = smoothstep(t - 0.02, t + 0.07, v);
      alpha[i] = a;
      shadow[i] = smoothstep(t - 0.02, t + 0.07, shifted[i]) * (1 - a);
      p += 95 * smoothstep(t - 0.06, t + 0.05, v);
    }
    if (hazeField) {
      haze[i] = plan.haze * smoothstep(0.3, 0.6, hazeField[i]);
      p += 40 * haze[i]; // at most ~6 points: thin haze passes a threshold of 20
    }
    p += 6 * (hash(x, y, plan.seed, 4) - 0.5);
    probability[i] = Math.max(0, Math.min(100, Math.round(p)));
  }
  return { alpha, shadow, probability, haze };
}

/** True where a date has no data: a strip along the left swath edge, slanted like an orbit edge, or a wedge at the right. */
export function isNodata(x: number, y: number, width: number, height: number, plan: DatePlan): boolean {
  if (plan.nodataStrip > 0 && x < width * (plan.nodataStrip + 0.02 * (y / height))) return true;
  return plan.nodataWedge > 0 && x > width * (1 - plan.nodataWedge * (1 - y / height));
}
