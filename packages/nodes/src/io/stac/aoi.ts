/**
 * The area of interest and the grid everything is put on: the AOI's UTM zone (of its centre), a 10 m grid whose
 * edges are multiples of 10 m, i.e. the Sentinel-2 lattice (tile corners are multiples of 60 m in UTM, so each
 * 10 m cell lies inside exactly one 20 m and one 60 m pixel and nearest-neighbour resampling copies values, as
 * GEE does at scale 10). Assets in another UTM zone (an AOI across a zone border) are truly reprojected, still
 * nearest-neighbour, through proj4.
 */
import proj4 from 'proj4';
import type { Grid } from '../../grid.ts';
import { crsToProj4 } from '../crs.ts';

export interface AoiGeometry {
  /** Polygons in lon/lat: [polygon][ring][point][lon, lat] */
  polygons: number[][][][];
}

export function utmEpsgFor(lon: number, lat: number): number {
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
  return (lat < 0 ? 32700 : 32600) + zone;
}

export function lonLatBbox(aoi: AoiGeometry): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const poly of aoi.polygons) for (const ring of poly) for (const [x, y] of ring) {
    w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
  }
  return [w, s, e, n];
}

/** Area in km² on the target UTM grid (shoelace; holes subtract). */
export function aoiAreaKm2(aoi: AoiGeometry, epsg = centreEpsg(aoi)): number {
  const fwd = proj4(crsToProj4({ epsg: 4326 }), crsToProj4({ epsg }));
  let area = 0;
  for (const poly of aoi.polygons) {
    poly.forEach((ring, r) => {
      const pts = ring.map((p) => fwd.forward([p[0], p[1]]));
      let a = 0;
      for (let i = 0; i < pts.length; i++) {
        const [x1, y1] = pts[i];
        const [x2, y2] = pts[(i + 1) % pts.length];
        a += x1 * y2 - x2 * y1;
      }
      area += (r === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return area / 1e6;
}

export function centreEpsg(aoi: AoiGeometry): number {
  const [w, s, e, n] = lonLatBbox(aoi);
  return utmEpsgFor((w + e) / 2, (s + n) / 2);
}

/** The target grid: the AOI's bounding box in its UTM zone, snapped outwards to the 10 m lattice. */
export function targetGrid(aoi: AoiGeometry, pixel = 10): Grid {
  const epsg = centreEpsg(aoi);
  const fwd = proj4(crsToProj4({ epsg: 4326 }), crsToProj4({ epsg }));
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const poly of aoi.polygons) for (const ring of poly) for (const p of ring) {
    const [x, y] = fwd.forward([p[0], p[1]]);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const left = Math.floor(x0 / pixel) * pixel;
  const top = Math.ceil(y1 / pixel) * pixel;
  const right = Math.ceil(x1 / pixel) * pixel;
  const bottom = Math.floor(y0 / pixel) * pixel;
  return { width: Math.round((right - left) / pixel), height: Math.round((top - bottom) / pixel), geoTransform: [left, pixel, 0, top, 0, -pixel], crs: { epsg } };
}

/**
 * Where each target pixel centre falls in a source raster: the source window to read and, per target pixel,
 * the index into that window (-1 outside the source). Same CRS: an affine map per row and column. Other CRS:
 * every pixel centre through proj4.
 */
export interface Resampling {
  window: { x: number; y: number; width: number; height: number };
  index: Int32Array;
}

export function resampling(target: Grid, src: { width: number; height: number; geoTransform: number[]; epsg: number | undefined }): Resampling | null {
  const [tx0, tpx, , ty0, , tpy] = target.geoTransform;
  const [sx0, spx, , sy0, , spy] = src.geoTransform;
  const W = target.width, H = target.height;
  const cols = new Int32Array(W * H);
  const rows = new Int32Array(W * H);
  const sameCrs = src.epsg === undefined || src.epsg === target.crs.epsg;
  if (sameCrs) {
    const colOf = new Int32Array(W);
    for (let c = 0; c < W; c++) colOf[c] = Math.floor((tx0 + (c + 0.5) * tpx - sx0) / spx);
    for (let r = 0; r < H; r++) {
      const row = Math.floor((ty0 + (r + 0.5) * tpy - sy0) / spy);
      for (let c = 0; c < W; c++) {
        cols[r * W + c] = colOf[c];
        rows[r * W + c] = row;
      }
    }
  } else {
    const conv = proj4(crsToProj4(target.crs), crsToProj4({ epsg: src.epsg }));
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const [x, y] = conv.forward([tx0 + (c + 0.5) * tpx, ty0 + (r + 0.5) * tpy]);
        cols[r * W + c] = Math.floor((x - sx0) / spx);
        rows[r * W + c] = Math.floor((y - sy0) / spy);
      }
    }
  }
  let c0 = Infinity, c1 = -Infinity, r0 = Infinity, r1 = -Infinity;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i], r = rows[i];
    if (c < 0 || r < 0 || c >= src.width || r >= src.height) continue;
    if (c < c0) c0 = c;
    if (c > c1) c1 = c;
    if (r < r0) r0 = r;
    if (r > r1) r1 = r;
  }
  if (c0 > c1) return null;
  const window = { x: c0, y: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 };
  const index = new Int32Array(W * H);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i], r = rows[i];
    index[i] = c < 0 || r < 0 || c >= src.width || r >= src.height ? -1 : (r - r0) * window.width + (c - c0);
  }
  return { window, index };
}
