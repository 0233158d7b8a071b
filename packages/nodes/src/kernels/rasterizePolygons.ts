/**
 * Polygon rasterisation by scanlines (pure). A pixel belongs to a shape when its CENTRE is inside the shape by
 * the even–odd rule over all rings of all its parts (holes and MultiPolygons). Later shapes overwrite earlier
 * ones where they overlap (as gdal_rasterize burns features in order).
 *
 * A shape is [polygon][ring][point][x, y] in the grid's CRS.
 */
import type { GeoTransform, Grid, Window } from '../grid.ts';

export type Shape = number[][][][];

function checkTransform(gt: GeoTransform): void {
  if (gt[2] !== 0 || gt[4] !== 0) throw new Error('rasterizePolygons: rotated geotransforms are not supported');
  if (gt[1] === 0 || gt[5] === 0) throw new Error('rasterizePolygons: zero pixel size in geotransform');
}

/** Pixel-space bounds [minX, minY, maxX, maxY] of a set of shapes (fractional pixel coordinates). */
function pixelBounds(shapes: Shape[], gt: GeoTransform): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const shape of shapes) {
    for (const poly of shape) {
      for (const ring of poly) {
        for (const p of ring) {
          const px = (p[0] - gt[0]) / gt[1];
          const py = (p[1] - gt[3]) / gt[5];
          if (px < minX) minX = px;
          if (px > maxX) maxX = px;
          if (py < minY) minY = py;
          if (py > maxY) maxY = py;
        }
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * The smallest pixel window of `grid` holding every pixel whose centre can fall inside the shapes,
 * or null when none can.
 */
export function polygonBounds(shapes: Shape[], grid: Pick<Grid, 'width' | 'height' | 'geoTransform'>): Window | null {
  checkTransform(grid.geoTransform);
  const [minX, minY, maxX, maxY] = pixelBounds(shapes, grid.geoTransform);
  if (!Number.isFinite(minX)) return null;
  const x0 = Math.max(0, Math.ceil(minX - 0.5));
  const x1 = Math.min(grid.width, Math.floor(maxX - 0.5) + 1);
  const y0 = Math.max(0, Math.ceil(minY - 0.5));
  const y1 = Math.min(grid.height, Math.floor(maxY - 0.5) + 1);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Returns, for each pixel of `win` (row-major, win.width * win.height), the index in `shapes` of the shape
 * containing the pixel centre, or -1.
 */
export function rasterizePolygons(shapes: Shape[], grid: Pick<Grid, 'geoTransform'>, win: Window): Int32Array {
  const gt = grid.geoTransform;
  checkTransform(gt);
  const { width: w, height: h } = win;
  const out = new Int32Array(w * h).fill(-1);
  if (w === 0 || h === 0) return out;
  const counts = new Int32Array(h + 1);
  for (let s = 0; s < shapes.length; s++) {
    // Edges in window pixel coordinates.
    const edges: number[] = [];
    let minRow = h;
    let maxRow = -1;
    for (const poly of shapes[s]) {
      for (const ring of poly) {
        const n = ring.length;
        if (n < 3) continue;
        for (let i = 0; i < n; i++) {
          const a = ring[i];
          const b = ring[(i + 1) % n];
          const y0 = (a[1] - gt[3]) / gt[5] - win.y;
          const y1 = (b[1] - gt[3]) / gt[5] - win.y;
          if (y0 === y1) continue;
          const x0 = (a[0] - gt[0]) / gt[1] - win.x;
          const x1 = (b[0] - gt[0]) / gt[1] - win.x;
          // Rows whose centre line yc = r + 0.5 satisfies min(y) <= yc < max(y).
          const lo = Math.min(y0, y1);
          const hi = Math.max(y0, y1);
          const r0 = Math.max(0, Math.ceil(lo - 0.5));
          const r1 = Math.min(h, Math.ceil(hi - 0.5)); // exclusive
          if (r1 <= r0) continue;
          edges.push(x0, y0, x1, y1, r0, r1);
          if (r0 < minRow) minRow = r0;
          if (r1 > maxRow) maxRow = r1;
        }
      }
    }
    if (edges.length === 0) continue;
    // Crossings per row, stored CSR-style.
    counts.fill(0);
    for (let e = 0; e < edges.length; e += 6) {
      for (let r = edges[e + 4]; r < edges[e + 5]; r++) counts[r + 1]++;
    }
    for (let r = 0; r < h; r++) counts[r + 1] += counts[r];
    const xs = new Float64Array(counts[h]);
    const fillPos = counts.slice(0, h);
    for (let e = 0; e < edges.length; e += 6) {
      const x0 = edges[e];
      const y0 = edges[e + 1];
      const slope = (edges[e + 2] - x0) / (edges[e + 3] - y0);
      for (let r = edges[e + 4]; r < edges[e + 5]; r++) xs[fillPos[r]++] = x0 + (r + 0.5 - y0) * slope;
    }
    for (let r = minRow; r < maxRow; r++) {
      const row = xs.subarray(counts[r], counts[r + 1]);
      if (row.length < 2) continue;
      row.sort();
      const base = r * w;
      for (let k = 0; k + 1 < row.length; k += 2) {
        // Columns whose centre c + 0.5 lies in [xa, xb).
        const c0 = Math.max(0, Math.ceil(row[k] - 0.5));
        const c1 = Math.min(w, Math.ceil(row[k + 1] - 0.5));
        for (let c = c0; c < c1; c++) out[base + c] = s;
      }
    }
  }
  return out;
}
