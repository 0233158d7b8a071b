/**
 * Ground truth of the synthetic AOI: rainforest matrix, a lake, a meandering river, and small-scale gold mining
 * clusters along the river that expand between the first and later years. Shapes are defined in coordinates
 * normalised by the scene height, so any scene size shows the same landscape at a different resolution.
 */
import type { Window } from '../grid.ts';
import { fbm, rng } from './noise.ts';

/**
 * Land cover codes: truth class = cover, except POND which is ASGM and RIVER (the sediment-laden river and its
 * creeks, browner than the lake and never labelled) which is water.
 */
export const COVER = { WATER: 0, FOREST: 1, SOIL: 2, POND: 3, RIVER: 4 } as const;
export const CLASSES = ['water', 'forest', 'asgm'] as const;

export function truthClass(cover: number): number {
  return cover === COVER.POND ? 2 : cover === COVER.RIVER ? 0 : cover;
}

interface Cluster {
  u: number;
  v: number;
  /** radius in the first year and growth factor per later year */
  r: number;
  growth: number;
  /** first year index in which the cluster exists (0 = first year) */
  from: number;
  seed: number;
}

export interface Landscape {
  width: number;
  height: number;
  years: number[];
  /** Land cover codes (COVER) of a window for a year (at pixel centres: the truth). */
  cover(win: Window, year: number): Uint8Array;
  /**
   * Mixed pixels: for pixels on a cover edge, the share of the pixel (from 2 x 2 sub-pixel samples) covered by
   * another cover and that cover; 0 elsewhere. Every class edge gets mixed pixels, as a 10 m sensor sees them.
   */
  mixture(win: Window, year: number, centre: Uint8Array): { fraction: Float32Array; other: Uint8Array };
}

export function createLandscape(width: number, height: number, years: number[], seed: number): Landscape {
  const rand = rng(seed * 7919 + 17);
  const aspect = width / height;
  const phi1 = rand() * Math.PI * 2;
  const phi2 = rand() * Math.PI * 2;
  const riverMid = 0.5 + (rand() - 0.5) * 0.1;
  const riverV = (u: number) =>
    riverMid + 0.12 * Math.sin((2 * Math.PI * 1.1 * u) / aspect + phi1) + 0.05 * Math.sin((2 * Math.PI * 2.7 * u) / aspect + phi2) + 0.08 * (fbm(u * 3, 0.5, seed + 3, 3) - 0.5);
  const riverHalf = (u: number) => 0.008 + 0.003 * fbm(u * 6, 1.5, seed + 5, 2);
  const lake = { u: aspect * (0.15 + 0.1 * rand()), v: 0.18 + 0.06 * rand(), ru: 0.11, rv: 0.07 };
  const clusters: Cluster[] = [];
  const n = Math.max(4, Math.round(5 * aspect));
  for (let k = 0; k < n; k++) {
    const u = aspect * (0.08 + (0.84 * (k + 0.2 + 0.6 * rand())) / n);
    const side = rand() < 0.5 ? -1 : 1;
    const v = riverV(u) + side * (0.025 + 0.035 * rand());
    clusters.push({ u, v, r: 0.028 + 0.025 * rand(), growth: 1.1 + 0.12 * rand(), from: 0, seed: seed + 100 + k });
  }
  // clusters that only appear after the first year
  for (let k = 0; k < Math.max(1, Math.round(aspect)); k++) {
    const u = aspect * (0.2 + 0.6 * rand());
    const v = riverV(u) + (rand() < 0.5 ? -1 : 1) * (0.03 + 0.03 * rand());
    clusters.push({ u, v, r: 0.02 + 0.01 * rand(), growth: 1, from: 1, seed: seed + 200 + k });
  }

  // Creeks: narrow meandering tributaries (1-2 px) leaving the river, partly through the mining areas.
  const creeks = Array.from({ length: Math.max(2, Math.round(2 * aspect)) }, (_, k) => ({
    u0: aspect * (0.05 + 0.9 * rand()),
    len: 0.15 + 0.2 * rand(),
    slope: (rand() < 0.5 ? -1 : 1) * (0.6 + 1.2 * rand()),
    half: (0.7 + 0.5 * rand()) / Math.max(height, 1),
    seed: seed + 300 + k,
  }));
  const onCreek = (u: number, v: number) => {
    for (const c of creeks) {
      const t = u - c.u0;
      if (t < 0 || t > c.len) continue;
      const cv = riverV(c.u0) + c.slope * t + 0.03 * (fbm(t * 8, 0.5, c.seed, 2) - 0.5);
      if (Math.abs(v - cv) < c.half * (1 + Math.abs(c.slope))) return true;
    }
    return false;
  };

  const activeClusters = (year: number) => {
    const yi = Math.max(0, years.indexOf(year) < 0 ? years.filter((y) => y < year).length : years.indexOf(year));
    return clusters.filter((c) => yi >= c.from).map((c) => ({ ...c, rr: c.r * Math.pow(c.growth, yi - c.from) }));
  };

  function coverAt(u: number, v: number, active: ReturnType<typeof activeClusters>): number {
    const du = (u - lake.u) / lake.ru;
    const dv = (v - lake.v) / lake.rv;
    const dl = du * du + dv * dv;
    if (dl < 2 && Math.sqrt(dl) < 0.75 + 0.5 * fbm(u * 8, v * 8, seed + 11, 3)) return COVER.WATER;
    if (Math.abs(v - riverV(u)) < riverHalf(u) || onCreek(u, v)) return COVER.RIVER;
    for (const c of active) {
      const d = Math.hypot(u - c.u, v - c.v) / c.rr;
      if (d < 1.4 && d < 0.6 + 0.7 * fbm(u * 30, v * 30, c.seed, 3)) return fbm(u * 60, v * 60, seed + 99, 2) > 0.62 ? COVER.POND : COVER.SOIL;
    }
    return COVER.FOREST;
  }

  function mixture(win: Window, year: number, centre: Uint8Array): { fraction: Float32Array; other: Uint8Array } {
    const active = activeClusters(year);
    const n = win.width * win.height;
    const fraction = new Float32Array(n);
    const other = new Uint8Array(n);
    const OFF = [-0.25, 0.25];
    for (let i = 0; i < n; i++) {
      const cx = i % win.width, cy = Math.floor(i / win.width);
      const px = win.x + cx, py = win.y + cy;
      // Sub-sample only near an edge (a 4-neighbour differs; window borders always, their neighbours are unknown).
      const inner = cx > 0 && cy > 0 && cx < win.width - 1 && cy < win.height - 1;
      if (inner && centre[i - 1] === centre[i] && centre[i + 1] === centre[i] && centre[i - win.width] === centre[i] && centre[i + win.width] === centre[i]) continue;
      let diff = 0;
      let code = 0;
      for (const ox of OFF) {
        for (const oy of OFF) {
          const c = coverAt((px + 0.5 + ox) / height, (py + 0.5 + oy) / height, active);
          if (c !== centre[i]) {
            diff++;
            code = c;
          }
        }
      }
      fraction[i] = diff / 4;
      other[i] = code;
    }
    return { fraction, other };
  }

  function cover(win: Window, year: number): Uint8Array {
    const out = new Uint8Array(win.width * win.height);
    const active = activeClusters(year);
    for (let cx = 0; cx < win.width; cx++) {
      const u = (win.x + cx + 0.5) / height;
      const rv = riverV(u);
      const rh = riverHalf(u);
      for (let cy = 0; cy < win.height; cy++) {
        const v = (win.y + cy + 0.5) / height;
        let code: number = COVER.FOREST;
        // lake
        const du = (u - lake.u) / lake.ru;
        const dv = (v - lake.v) / lake.rv;
        const dl = du * du + dv * dv;
        if (dl < 2 && Math.sqrt(dl) < 0.75 + 0.5 * fbm(u * 8, v * 8, seed + 11, 3)) code = COVER.WATER;
        // river and creeks
        else if (Math.abs(v - rv) < rh || onCreek(u, v)) code = COVER.RIVER;
        else {
          for (const c of active) {
            const d = Math.hypot(u - c.u, v - c.v) / c.rr;
            if (d < 1.4 && d < 0.6 + 0.7 * fbm(u * 30, v * 30, c.seed, 3)) {
              code = fbm(u * 60, v * 60, seed + 99, 2) > 0.62 ? COVER.POND : COVER.SOIL;
              break;
            }
          }
        }
        out[cy * win.width + cx] = code;
      }
    }
    return out;
  }

  return { width, height, years, cover, mixture };
}
