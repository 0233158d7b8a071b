/** Raster grid shared by every raster value. Geotransform uses GDAL's order. */
export type GeoTransform = [originX: number, pixelWidth: number, rotX: number, originY: number, rotY: number, pixelHeight: number];

export interface Crs {
  /** EPSG code when known (e.g. 32621 for UTM 21N). */
  epsg?: number;
  /** WKT or proj4 text when the CRS has no EPSG code. */
  wkt?: string;
}

export interface Grid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  crs: Crs;
}

/** A rectangle of pixels, in pixel coordinates of a Grid. */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function pixelAreaKm2(grid: Grid): number {
  const [, pw, , , , ph] = grid.geoTransform;
  return Math.abs(pw * ph) / 1e6;
}

/** Splits a grid into row-major chunks of at most `size` x `size` pixels. */
export function chunkWindows(grid: Pick<Grid, 'width' | 'height'>, size: number): Window[] {
  const out: Window[] = [];
  for (let y = 0; y < grid.height; y += size) {
    for (let x = 0; x < grid.width; x += size) {
      out.push({ x, y, width: Math.min(size, grid.width - x), height: Math.min(size, grid.height - y) });
    }
  }
  return out;
}

export function sameGrid(a: Grid, b: Grid, tolerance = 1e-6): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  if (!a.geoTransform.every((v, i) => Math.abs(v - b.geoTransform[i]) <= tolerance * Math.max(1, Math.abs(v)))) return false;
  if (a.crs.epsg !== undefined && b.crs.epsg !== undefined) return a.crs.epsg === b.crs.epsg;
  return (a.crs.wkt ?? '') === (b.crs.wkt ?? '') && a.crs.epsg === b.crs.epsg;
}
