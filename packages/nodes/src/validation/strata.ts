/**
 * Strata of a sample design for any window of the map(s): classes (+ uncertain) or transitions (+ uncertain),
 * and optionally a buffer stratum: stable pixels within `pixels` of a pixel mapped as the `around` class (in
 * the last map). Omission errors of a change cluster at the edges of what the map did find; moving them out of
 * the huge stable stratum is what makes the interval of a rare change narrow and honest (Olofsson et al. 2020,
 * "Mitigating the effects of omission errors on area and accuracy estimates", RSE 236).
 */
import type { Grid, Window } from '../grid.ts';
import type { RasterFile } from '../io/geotiff/read.ts';
import { changeStratum, mapStratum } from '../kernels/stratifiedSample.ts';

export interface StrataSpec {
  design: 'map' | 'change';
  nClasses: number;
  buffer?: { pixels: number; around: number };
}

/** Number of strata: base strata, then the buffer stratum when there is one. */
export function strataCount(spec: StrataSpec): number {
  const base = spec.design === 'map' ? spec.nClasses + 1 : spec.nClasses * spec.nClasses + 1;
  return base + (spec.buffer ? 1 : 0);
}

/** Marks pixels within r (Chebyshev distance) of a set pixel: separable running max, rows then columns. */
export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    // two sweeps: distance to the nearest set pixel on the left and on the right
    let last = -Infinity;
    for (let x = 0; x < width; x++) { if (mask[y * width + x]) last = x; if (x - last <= r) rows[y * width + x] = 1; }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) { if (mask[y * width + x]) last = x; if (last - x <= r) rows[y * width + x] = 1; }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < height; y++) { if (rows[y * width + x]) last = y; if (y - last <= r) out[y * width + x] = 1; }
    last = Infinity;
    for (let y = height - 1; y >= 0; y--) { if (rows[y * width + x]) last = y; if (last - y <= r) out[y * width + x] = 1; }
  }
  return out;
}

/**
 * Strata of the pixels of `win` from class bands of the window `ew` that contains it (ew = win plus a halo
 * of buffer.pixels, clamped to the map; pure). Returns the strata and the bands cropped to `win`.
 */
export function stratify(full: ArrayLike<number>[], ew: Window, win: Window, spec: StrataSpec): { strata: Int32Array; bands: ArrayLike<number>[] } {
  const ox = win.x - ew.x, oy = win.y - ew.y;
  const n = spec.nClasses;
  const crop = ox === 0 && oy === 0 && ew.width === win.width && ew.height === win.height;
  const bands = crop ? full : full.map((b) => {
    const out = new Float64Array(win.width * win.height);
    for (let y = 0; y < win.height; y++) for (let x = 0; x < win.width; x++) out[y * win.width + x] = b[(y + oy) * ew.width + x + ox];
    return out;
  });
  const strata = new Int32Array(win.width * win.height);
  for (let i = 0; i < strata.length; i++) strata[i] = spec.design === 'map' ? mapStratum(bands[0][i], n) : changeStratum(bands[0][i], bands[1][i], n);
  if (spec.buffer) {
    const around = spec.buffer.around;
    const last = full[full.length - 1];
    const mask = new Uint8Array(ew.width * ew.height);
    for (let i = 0; i < mask.length; i++) mask[i] = last[i] === around ? 1 : 0;
    const near = dilate(mask, ew.width, ew.height, spec.buffer.pixels);
    const bufferStratum = strataCount(spec) - 1;
    for (let y = 0; y < win.height; y++) for (let x = 0; x < win.width; x++) {
      const i = y * win.width + x;
      const b = bands[0][i], a = bands[bands.length - 1][i];
      const stable = b < n && a === b && b !== around;
      if (stable && near[(y + oy) * ew.width + x + ox]) strata[i] = bufferStratum;
    }
  }
  return { strata, bands };
}

/** Strata of `win` and its class bands (one per map), reading a halo around it for the buffer. */
export async function readStrata(files: RasterFile[], grid: Grid, spec: StrataSpec, win: Window): Promise<{ strata: Int32Array; bands: ArrayLike<number>[] }> {
  const r = spec.buffer?.pixels ?? 0;
  const x0 = Math.max(0, win.x - r), y0 = Math.max(0, win.y - r);
  const ew = { x: x0, y: y0, width: Math.min(grid.width, win.x + win.width + r) - x0, height: Math.min(grid.height, win.y + win.height + r) - y0 };
  const full = await Promise.all(files.map((f) => f.readWindow(ew).then((b) => b[0])));
  return stratify(full, ew, win, spec);
}
