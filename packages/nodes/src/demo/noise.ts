/** Deterministic hash noise: every value depends only on (coordinates, seed), never on the window asked for. */

/** 32-bit integer hash of up to four ints → [0, 1). */
export function hash(a: number, b: number, c = 0, d = 0): number {
  let h = Math.imul(a | 0, 0x27d4eb2d) ^ Math.imul(b | 0, 0x165667b1) ^ Math.imul(c | 0, 0x9e3779b1) ^ Math.imul(d | 0, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** Approximately normal(0, 1) from three hashes (sum of uniforms). */
export function gauss(a: number, b: number, c = 0, d = 0): number {
  return (hash(a, b, c, d) + hash(a, b, c, d + 7919) + hash(a, b, c, d + 104729) - 1.5) * 2;
}

const fade = (t: number) => t * t * (3 - 2 * t);

/** 2-D value noise in [0, 1) on a unit lattice. */
export function valueNoise(x: number, y: number, seed: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const tx = fade(x - xi);
  const ty = fade(y - yi);
  const a = hash(xi, yi, seed);
  const b = hash(xi + 1, yi, seed);
  const c = hash(xi, yi + 1, seed);
  const d = hash(xi + 1, yi + 1, seed);
  return a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty;
}

/** Fractal sum of value noise, normalised to about [0, 1). */
export function fbm(x: number, y: number, seed: number, octaves = 4): number {
  let sum = 0;
  let amp = 1;
  let norm = 0;
  let f = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(x * f, y * f, seed + o * 1013);
    norm += amp;
    amp *= 0.5;
    f *= 2.03;
  }
  return sum / norm;
}

/** Deterministic PRNG for scene-level choices (the same mulberry32 the sample split uses). */
export { mulberry32 as rng } from '../kernels/sampleSplit.ts';

/**
 * Evaluates a smooth field on a coarse lattice (every `step` pixels, aligned to the global pixel grid) and
 * bilinearly interpolates it over a window: cheap for fields that vary over tens of pixels.
 */
export function coarseField(
  win: { x: number; y: number; width: number; height: number },
  step: number,
  f: (px: number, py: number) => number,
): Float32Array {
  const gx0 = Math.floor(win.x / step);
  const gy0 = Math.floor(win.y / step);
  const gx1 = Math.floor((win.x + win.width - 1) / step) + 1;
  const gy1 = Math.floor((win.y + win.height - 1) / step) + 1;
  const gw = gx1 - gx0 + 1;
  const lattice = new Float32Array(gw * (gy1 - gy0 + 1));
  for (let j = gy0; j <= gy1; j++) for (let i = gx0; i <= gx1; i++) lattice[(j - gy0) * gw + (i - gx0)] = f(i * step, j * step);
  const out = new Float32Array(win.width * win.height);
  for (let r = 0; r < win.height; r++) {
    const py = win.y + r;
    const j = Math.floor(py / step);
    const ty = (py - j * step) / step;
    for (let c = 0; c < win.width; c++) {
      const px = win.x + c;
      const i = Math.floor(px / step);
      const tx = (px - i * step) / step;
      const o = (j - gy0) * gw + (i - gx0);
      const a = lattice[o];
      const b = lattice[o + 1];
      const cc = lattice[o + gw];
      const d = lattice[o + gw + 1];
      out[r * win.width + c] = a + (b - a) * tx + (cc - a) * ty + (a - b - cc + d) * tx * ty;
    }
  }
  return out;
}

/** 32-bit unsigned integer hash (same mixing as `hash`). */
export function hash32(a: number, b: number, c = 0, d = 0): number {
  let h = Math.imul(a | 0, 0x27d4eb2d) ^ Math.imul(b | 0, 0x165667b1) ^ Math.imul(c | 0, 0x9e3779b1) ^ Math.imul(d | 0, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
