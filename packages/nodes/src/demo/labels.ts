/**
 * Labelled training polygons drawn inside homogeneous ground-truth regions (irregular octagons), like a
 * photo-interpreter would digitise: several per class, not covering everything, never crossing a class border.
 */
import type { Grid } from '../grid.ts';
import { rasterizePolygons } from '../kernels/rasterizePolygons.ts';
import { CLASSES, COVER, truthClass, type Landscape } from './landscape.ts';
import { rng } from './noise.ts';

export interface LabelPolygon {
  className: string;
  /** [polygon][ring][point][x, y] in the grid CRS */
  polygons: number[][][][];
}

/** Radius range in pixels of a 400-pixel-high scene, per class. */
const RADIUS: Record<string, [number, number]> = { water: [2, 9], forest: [4, 14], asgm: [1.5, 5] };

export function drawLabels(land: Landscape, grid: Grid, year: number, seed: number, perClass = 8): LabelPolygon[] {
  const rand = rng(seed * 104729 + year);
  const scale = Math.max(1, grid.height / 400);
  const [ox, pw, , oy, , ph] = grid.geoTransform;
  const out: LabelPolygon[] = [];
  const placed: { x: number; y: number; r: number }[] = [];
  CLASSES.forEach((name, k) => {
    let accepted = 0;
    for (let attempt = 0; attempt < 20000 && accepted < perClass; attempt++) {
      const cx = rand() * grid.width;
      const cy = rand() * grid.height;
      const [rmin, rmax] = RADIUS[name];
      const r = (rmin + (rmax - rmin) * rand()) * scale * (attempt > 5000 ? 0.6 : 1);
      if (cx < r + 2 || cy < r + 2 || cx > grid.width - r - 2 || cy > grid.height - r - 2) continue;
      const centre = land.cover({ x: Math.floor(cx), y: Math.floor(cy), width: 1, height: 1 }, year)[0];
      // The river and creeks are never labelled (as in the study: water polygons on the lake), so the model
      // meets sediment-laden water it was not trained on.
      if (truthClass(centre) !== k || centre === COVER.RIVER) continue;
      if (placed.some((p) => Math.hypot(p.x - cx, p.y - cy) < p.r + r + 3)) continue;
      const ring: number[][] = [];
      const rot = rand() * Math.PI;
      for (let i = 0; i < 8; i++) {
        const a = rot + (i * Math.PI) / 4;
        const rr = r * (0.75 + 0.25 * rand());
        ring.push([ox + (cx + rr * Math.cos(a)) * pw, oy + (cy + rr * Math.sin(a)) * ph]);
      }
      ring.push([...ring[0]]);
      const win = {
        x: Math.max(0, Math.floor(cx - r - 1)),
        y: Math.max(0, Math.floor(cy - r - 1)),
        width: 0,
        height: 0,
      };
      win.width = Math.min(grid.width, Math.ceil(cx + r + 2)) - win.x;
      win.height = Math.min(grid.height, Math.ceil(cy + r + 2)) - win.y;
      const inside = rasterizePolygons([[[ring]]], grid, win);
      const cover = land.cover(win, year);
      let n = 0;
      let pure = true;
      for (let i = 0; i < inside.length && pure; i++) {
        if (inside[i] < 0) continue;
        n++;
        if (truthClass(cover[i]) !== k || cover[i] === COVER.RIVER) pure = false;
      }
      if (!pure || n < 4) continue;
      placed.push({ x: cx, y: cy, r });
      out.push({ className: name, polygons: [[ring]] });
      accepted++;
    }
  });
  return out;
}
