/**
 * Which XYZ (Web Mercator) tiles lie under the map's view, and where their corners fall in the raster's pixel
 * coordinates. Result rasters are in their own CRS (UTM for Sentinel-2); the map view draws raster pixels, so
 * each tile's four corners are projected lon/lat → raster CRS → pixel and the tile is drawn as a quad. At AOI
 * scale a tile's edges stay straight to well under a pixel, so four corners are enough.
 */
import proj4 from 'proj4';

export interface MapCrs {
  epsg?: number;
  wkt?: string;
}

/** The raster's grid: size, GDAL-order geotransform and CRS. */
export interface MapGrid {
  width: number;
  height: number;
  geoTransform: number[];
  crs: MapCrs;
}

export type Point = [number, number];

export interface TileQuad {
  z: number;
  x: number;
  y: number;
  key: string;
  /** Bottom-left, top-left, top-right, bottom-right in pixel coordinates (deck.gl BitmapLayer's quad order). */
  corners: [Point, Point, Point, Point];
}

/** Web Mercator's world width in metres over 256 px at zoom 0 (the usual 156543.03 m/px). */
const EQUATOR_M_PER_PX = (2 * Math.PI * 6378137) / 256;
export const MAX_TILE_ZOOM = 19;

/** proj4 text for the CRSs Sentinel-2 results come in (as packages/nodes io/crs.ts: UTM, WGS 84, Web Mercator). */
export function proj4Of(crs: MapCrs): string | null {
  const e = crs.epsg;
  if (e === 4326) return '+proj=longlat +datum=WGS84 +no_defs';
  if (e === 3857) return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs';
  if (e !== undefined && ((e >= 32601 && e <= 32660) || (e >= 32701 && e <= 32760))) {
    return `+proj=utm +zone=${e % 100}${e > 32700 ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  return crs.wkt ?? null;
}

/** North-west corner of tile x/y at zoom z, in degrees (the slippy-map formula). */
export function tileCorner(z: number, x: number, y: number): Point {
  const n = 2 ** z;
  const lon = (x / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [lon, lat];
}

/** Fractional tile coordinates of a lon/lat at zoom z. */
export function tileAt(z: number, lon: number, lat: number): Point {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n];
}

/** Pixel ↔ lon/lat for one grid (null when its CRS is not known to proj4). */
export function gridProjection(grid: MapGrid): { toLonLat(p: Point): Point; toPixel(lonLat: Point): Point } | null {
  const def = proj4Of(grid.crs);
  if (!def || grid.geoTransform.length !== 6) return null;
  let conv: proj4.Converter;
  try {
    conv = proj4('+proj=longlat +datum=WGS84 +no_defs', def);
  } catch {
    return null;
  }
  const [ox, a, b, oy, c, d] = grid.geoTransform;
  const det = a * d - b * c;
  if (!det) return null;
  return {
    toLonLat: ([px, py]) => conv.inverse([ox + px * a + py * b, oy + px * c + py * d]) as Point,
    toPixel: (ll) => {
      const [e, n] = conv.forward(ll) as Point;
      const dx = e - ox;
      const dy = n - oy;
      return [(d * dx - b * dy) / det, (a * dy - c * dx) / det];
    },
  };
}

/** Tile zoom whose pixels are about one screen pixel at the grid's centre latitude. */
export function tileZoom(metresPerScreenPx: number, lat: number): number {
  const z = Math.round(Math.log2((EQUATOR_M_PER_PX * Math.cos((lat * Math.PI) / 180)) / metresPerScreenPx));
  return Math.max(0, Math.min(MAX_TILE_ZOOM, z));
}

/**
 * Tiles covering `view` (pixel-coordinate rectangle [minX, minY, maxX, maxY], clipped to the grid grown by its
 * own size on each side), at the zoom that fits `metresPerScreenPx`, coarser when that would need more than
 * `maxTiles` tiles.
 */
export function tilesForView(grid: MapGrid, view: [number, number, number, number], metresPerScreenPx: number, maxTiles = 48): { z: number; tiles: TileQuad[] } | null {
  const proj = gridProjection(grid);
  if (!proj) return null;
  const [x0, y0, x1, y1] = [
    Math.max(view[0], -grid.width),
    Math.max(view[1], -grid.height),
    Math.min(view[2], 2 * grid.width),
    Math.min(view[3], 2 * grid.height),
  ];
  if (!(x1 > x0 && y1 > y0)) return { z: 0, tiles: [] };
  // Corners and edge midpoints: enough for the small rotation between the grid and the Mercator graticule.
  const probes: Point[] = [];
  for (const fx of [0, 0.5, 1]) for (const fy of [0, 0.5, 1]) probes.push(proj.toLonLat([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)]));
  const lats = probes.map((p) => p[1]);
  const lons = probes.map((p) => p[0]);
  const midLat = proj.toLonLat([grid.width / 2, grid.height / 2])[1];
  let z = tileZoom(metresPerScreenPx, midLat);
  for (; ; z--) {
    const n = 2 ** z;
    const [tx0, ty0] = tileAt(z, Math.min(...lons), Math.max(...lats));
    const [tx1, ty1] = tileAt(z, Math.max(...lons), Math.min(...lats));
    const xa = Math.max(0, Math.floor(tx0));
    const xb = Math.min(n - 1, Math.floor(tx1));
    const ya = Math.max(0, Math.floor(ty0));
    const yb = Math.min(n - 1, Math.floor(ty1));
    if ((xb - xa + 1) * (yb - ya + 1) > maxTiles && z > 0) continue;
    const tiles: TileQuad[] = [];
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const [nw, ne, sw, se] = [tileCorner(z, x, y), tileCorner(z, x + 1, y), tileCorner(z, x, y + 1), tileCorner(z, x + 1, y + 1)].map(proj.toPixel);
        tiles.push({ z, x, y, key: `${z}/${x}/${y}`, corners: [sw, nw, ne, se] });
      }
    }
    return { z, tiles };
  }
}
