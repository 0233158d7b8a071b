/**
 * Sample point files: points.geojson (RFC 7946, lon/lat) and points.csv, and reading labelled points back from
 * GeoJSON or CSV made here, in QGIS or in Collect Earth (same field names).
 */
import proj4 from 'proj4';
import type { Crs, Grid } from '../grid.ts';
import { crsLabel, crsToProj4 } from '../io/crs.ts';

export interface PointRow {
  id: string;
  /** Pixel centre in the map's CRS. */
  x: number;
  y: number;
  lon: number;
  lat: number;
  stratum: string;
  /** Map class(es) at the point and the reference fields (empty until labelled), by column name. */
  fields: Record<string, string>;
}

/** Column names of the map and reference fields of a design. */
export function fieldNames(design: 'map' | 'change'): { map: string[]; reference: string[] } {
  return design === 'map'
    ? { map: ['map'], reference: ['reference'] }
    : { map: ['map_before', 'map_after'], reference: ['reference_before', 'reference_after'] };
}

export function toLonLat(crs: Crs): (x: number, y: number) => [number, number] {
  if (crs.epsg === 4326) return (x, y) => [x, y];
  let converter: proj4.Converter;
  try {
    converter = proj4(crsToProj4(crs), crsToProj4({ epsg: 4326 }));
  } catch (e) {
    throw new Error(`cannot convert ${crsLabel(crs)} to longitude/latitude: ${(e as Error).message}`);
  }
  return (x, y) => {
    const p = converter.forward([x, y]);
    return [p[0], p[1]];
  };
}

export function fromLonLat(crs: Crs): (lon: number, lat: number) => [number, number] {
  if (crs.epsg === 4326) return (x, y) => [x, y];
  const converter = proj4(crsToProj4(crs), crsToProj4({ epsg: 4326 }));
  return (lon, lat) => {
    const p = converter.inverse([lon, lat]);
    return [p[0], p[1]];
  };
}

/** Pixel (column, row) under a point of the grid's CRS, or null outside the grid. */
export function pixelOf(grid: Grid, x: number, y: number): { col: number; row: number } | null {
  const [x0, pw, rx, y0, ry, ph] = grid.geoTransform;
  // Inverse of the affine geotransform (rotation terms included, they are 0 for our grids).
  const det = pw * ph - rx * ry;
  const col = Math.floor(((x - x0) * ph - (y - y0) * rx) / det);
  const row = Math.floor(((y - y0) * pw - (x - x0) * ry) / det);
  if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) return null;
  return { col, row };
}

export function pixelCentre(grid: Grid, col: number, row: number): [number, number] {
  const [x0, pw, rx, y0, ry, ph] = grid.geoTransform;
  return [x0 + (col + 0.5) * pw + (row + 0.5) * rx, y0 + (col + 0.5) * ry + (row + 0.5) * ph];
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function pointsCsv(rows: PointRow[], columns: string[]): string {
  const head = ['id', 'x', 'y', 'lon', 'lat', 'stratum', ...columns];
  const lines = rows.map((r) => [r.id, r.x, r.y, r.lon.toFixed(8), r.lat.toFixed(8), r.stratum, ...columns.map((c) => r.fields[c] ?? '')].map(csvCell).join(','));
  return [head.join(','), ...lines].join('\n') + '\n';
}

export function pointsGeoJson(rows: PointRow[], columns: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    ...extra,
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: { type: 'Point', coordinates: [Number(r.lon.toFixed(8)), Number(r.lat.toFixed(8))] },
      properties: { id: r.id, x: r.x, y: r.y, stratum: r.stratum, ...Object.fromEntries(columns.map((c) => [c, r.fields[c] ? r.fields[c] : null])) },
    })),
  }, null, 1) + '\n';
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** A labelled point as read from a file: its position (map CRS x/y or lon/lat) and its properties as text. */
export interface LabelRecord {
  id: string;
  x?: number;
  y?: number;
  lon?: number;
  lat?: number;
  props: Record<string, string>;
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? undefined : Number(v));

/** Reads a labels file's text (GeoJSON FeatureCollection of Points, or CSV). `name` is for messages. */
export function parseLabels(text: string, name: string): LabelRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let json: { type?: string; features?: { id?: unknown; geometry?: { type?: string; coordinates?: number[] }; properties?: Record<string, unknown> }[] };
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${name} is not valid JSON: ${(e as Error).message}`);
    }
    if (json.type !== 'FeatureCollection' || !Array.isArray(json.features)) throw new Error(`${name} is not a GeoJSON FeatureCollection`);
    return json.features.map((f, i) => {
      const props = Object.fromEntries(Object.entries(f.properties ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
      const id = props.id || (f.id !== undefined ? String(f.id) : String(i + 1));
      if (f.geometry?.type !== 'Point' || !Array.isArray(f.geometry.coordinates)) throw new Error(`${name}: feature ${id} is not a Point`);
      const [lon, lat] = f.geometry.coordinates;
      return { id, lon, lat, x: num(props.x), y: num(props.y), props };
    });
  }
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const head = rows[0].map((h) => h.trim());
  const has = (c: string) => head.includes(c);
  if (!(has('x') && has('y')) && !(has('lon') && has('lat'))) throw new Error(`${name}: a labels CSV needs columns x, y (map CRS) or lon, lat; it has ${head.join(', ')}`);
  return rows.slice(1).map((cells, i) => {
    const props = Object.fromEntries(head.map((h, k) => [h, (cells[k] ?? '').trim()]));
    return { id: props.id || String(i + 1), x: num(props.x), y: num(props.y), lon: num(props.lon), lat: num(props.lat), props };
  });
}
