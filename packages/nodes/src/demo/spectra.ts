/**
 * Per-cover surface reflectance signatures (Sentinel-2 L2A, reflectance 0..1) with per-pixel variability,
 * mixing with a neighbouring cover (so classes overlap a little), seasonal change and per-date noise.
 */
import { COVER } from './landscape.ts';
import { gauss, hash } from './noise.ts';

export const BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'] as const;
const NIR = new Set(['B6', 'B7', 'B8', 'B8A']);

/** Mean reflectance per cover code (WATER, FOREST, SOIL, POND), per band in BANDS order. */
export const SIGNATURES: number[][] = [
  [0.04, 0.055, 0.045, 0.04, 0.03, 0.027, 0.024, 0.02, 0.012, 0.008], // tropical river / lake water
  [0.022, 0.045, 0.024, 0.075, 0.24, 0.29, 0.31, 0.32, 0.15, 0.065], // tropical rainforest
  [0.085, 0.115, 0.145, 0.175, 0.2, 0.215, 0.225, 0.235, 0.3, 0.245], // mining bare soil / tailings
  [0.075, 0.11, 0.125, 0.115, 0.085, 0.075, 0.065, 0.055, 0.035, 0.025], // turbid mining pond
  [0.048, 0.066, 0.06, 0.052, 0.038, 0.033, 0.029, 0.025, 0.014, 0.009], // sediment-laden river and creeks (browner than the lake)
];

/** Reflectance of thick cloud per band. */
export const CLOUD = [0.42, 0.41, 0.42, 0.43, 0.45, 0.46, 0.47, 0.47, 0.34, 0.24];

/** Cover a pixel is partially mixed with, and the mixing fraction range. */
const MIX: [number, number][] = [
  [COVER.FOREST, 0.2], // water edges with overhanging vegetation
  [COVER.SOIL, 0.45], // degraded / secondary forest (applied to some pixels only)
  [COVER.FOREST, 0.35], // regrowth on old workings
  [COVER.SOIL, 0.35], // shallow ponds
  [COVER.FOREST, 0.25], // river banks with overhanging vegetation
];

/** Per-pixel fixed properties of a window: mixing fraction, mixing cover and a brightness gain. */
export interface PixelTraits {
  mixFraction: Float32Array;
  gain: Float32Array;
}

export function pixelTraits(cover: Uint8Array, win: { x: number; y: number; width: number; height: number }, seed: number): PixelTraits {
  const n = cover.length;
  const mixFraction = new Float32Array(n);
  const gain = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = win.x + (i % win.width);
    const y = win.y + Math.floor(i / win.width);
    const h = hash(x, y, seed, 1);
    const c = cover[i];
    // forest: only ~12 % of pixels are degraded; the others are pure
    mixFraction[i] = c === COVER.FOREST ? (h > 0.88 ? ((h - 0.88) / 0.12) * MIX[c][1] : 0) : h * MIX[c][1];
    gain[i] = 1 + 0.07 * gauss(x, y, seed, 2);
  }
  return { mixFraction, gain };
}

/** Date-level factors: seasonal NIR change of vegetation, water turbidity, a small atmospheric residual. */
export interface DateFactors {
  vegetation: number;
  turbidity: number;
  haze: number;
}

export function dateFactors(dayOfYear: number, dateSeed: number): DateFactors {
  const season = Math.sin((2 * Math.PI * (dayOfYear - 60)) / 365);
  return {
    vegetation: 1 + 0.05 * season + 0.02 * (hash(dateSeed, 1) - 0.5),
    turbidity: 1 + 0.25 * season + 0.2 * (hash(dateSeed, 2) - 0.5),
    haze: 0.006 * hash(dateSeed, 3),
  };
}

/** Surface reflectance of one pixel, band and date. `noise` is a uniform [0,1) draw for this pixel/band/date. */
export function surfaceReflectance(cover: number, band: number, mix: number, gain: number, f: DateFactors, noise: number): number {
  const mixCover = MIX[cover][0];
  let r = (1 - mix) * SIGNATURES[cover][band] + mix * SIGNATURES[mixCover][band];
  const bandName = BANDS[band];
  if (cover === COVER.FOREST && NIR.has(bandName)) r *= f.vegetation;
  if ((cover === COVER.WATER || cover === COVER.POND || cover === COVER.RIVER) && band <= 3) r *= f.turbidity;
  if (band === 0) r += f.haze;
  r *= gain;
  // per-date noise, about 5 % relative (uniform with the same spread)
  return r * (1 + 0.17 * (noise - 0.5)) + 0.002 * (noise - 0.5);
}
