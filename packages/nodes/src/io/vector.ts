/**
 * Reading labelled polygons: an ESRI Shapefile (.shp + .dbf + .prj), a GeoJSON FeatureCollection, or a folder
 * of shapefiles with one class per file (class = file name without a leading numeric/date prefix).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import * as shapefile from 'shapefile';
import type { Crs } from '../grid.ts';
import type { PolygonFeature } from '../values.ts';
import { NodeError } from '../errors.ts';
import { crsFromPrj, crsLabel, reprojectRings, sameCrs } from './crs.ts';

export interface VectorData {
  crs: Crs;
  /** Features with ids 0..n-1 in reading order; className is the raw label. */
  features: PolygonFeature[];
  /** Features skipped because their geometry is not a (Multi)Polygon, or empty. */
  skipped: number;
  skippedTypes: Record<string, number>;
  /** Files read (absolute). */
  files: string[];
}

export interface ReadVectorOptions {
  /** Attribute holding the class label; default: the file name (folders) or a `class` attribute (single files). */
  classField?: string;
  /** Param name used in error messages. */
  param?: string;
  /** The path as the user gave it (relative to the data root), for messages; default: the absolute path. */
  shown?: string;
}

interface RawFeature {
  geometry: { type: string; coordinates?: unknown } | null;
  properties: Record<string, unknown> | null;
}

/** `2019_12_forest` → `forest`, `artificial_surface` → `artificial_surface`. */
export function classFromFileName(file: string): string {
  const stem = basename(file, extname(file));
  const stripped = stem.replace(/^[\d_\-. ]+(?=[^\d_\-. ])/, '');
  return stripped || stem;
}

/** Files of a vector input: every .shp in a folder (sorted), or the file itself. */
export function vectorFiles(path: string): string[] {
  if (!existsSync(path)) throw new NodeError(`vector path not found: ${path}`, { param: 'path', file: path });
  if (!statSync(path).isDirectory()) {
    const ext = extname(path).toLowerCase();
    if (ext !== '.shp') return [path];
    const stem = path.slice(0, -4);
    return ['.shp', '.dbf', '.prj', '.shx', '.cpg'].map((e) => sibling(stem + '.shp', e) ?? '').filter(Boolean);
  }
  return readdirSync(path)
    .filter((f) => /\.(shp|dbf|prj|shx|cpg|geojson|json)$/i.test(f))
    .sort()
    .map((f) => join(path, f));
}

export function sibling(shp: string, ext: string): string | undefined {
  const stem = shp.slice(0, -4);
  for (const cand of [stem + ext, stem + ext.toUpperCase()]) if (existsSync(cand)) return cand;
  return undefined;
}

/** The .prj (required), .dbf and text encoding of a shapefile. */
export function shapefileParts(shp: string, param: string): { prj: string; dbf?: string; encoding?: string } {
  const prj = sibling(shp, '.prj');
  if (!prj) {
    throw new NodeError(
      `${basename(shp)} has no .prj file, so its coordinate reference system is unknown. Save the layer again with its CRS ` +
        `(e.g. QGIS "Export > Save Features As" with a CRS), or put a .prj with the CRS's WKT next to it (same name, .prj).`,
      { param, file: shp },
    );
  }
  const dbf = sibling(shp, '.dbf');
  const cpg = sibling(shp, '.cpg');
  const encoding = cpg && /utf-?8/i.test(readFileSync(cpg, 'utf8')) ? 'utf-8' : undefined;
  return { prj, ...(dbf ? { dbf } : {}), ...(encoding ? { encoding } : {}) };
}

async function readShapefile(shp: string, param: string): Promise<VectorFileData> {
  const { prj, dbf, encoding } = shapefileParts(shp, param);
  let fc;
  try {
    fc = await shapefile.read(shp, dbf, encoding ? { encoding } : undefined);
  } catch (err) {
    throw new NodeError(`cannot read shapefile ${basename(shp)}: ${(err as Error).message}`, { param, file: shp });
  }
  const features = fc.features as unknown as RawFeature[];
  const fields = Object.keys(features[0]?.properties ?? {});
  return { crs: crsFromPrj(readFileSync(prj, 'utf8')), features, fields };
}

function crsFromGeoJson(obj: { crs?: { type?: string; properties?: { name?: string } } }, file: string, param: string): Crs {
  const name = obj.crs?.properties?.name;
  if (!name) return { epsg: 4326 };
  if (/CRS84$/i.test(name)) return { epsg: 4326 };
  const m = /EPSG:{1,2}(\d+)$/i.exec(name);
  if (m) return { epsg: Number(m[1]) };
  throw new NodeError(`unsupported GeoJSON crs member "${name}" in ${basename(file)}; use EPSG codes or RFC 7946 (WGS 84)`, { param, file });
}

export function readGeoJson(file: string, param: string): VectorFileData {
  let obj;
  try {
    obj = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NodeError(`cannot parse GeoJSON ${basename(file)}: ${(err as Error).message}; fix the file or export it again`, { param, file });
  }
  let features: RawFeature[];
  if (obj?.type === 'FeatureCollection' && Array.isArray(obj.features)) features = obj.features;
  else if (obj?.type === 'Feature') features = [obj];
  else throw new NodeError(`${basename(file)} is not a GeoJSON FeatureCollection (type is ${JSON.stringify(obj?.type)})`, { param, file });
  const fields = [...new Set(features.flatMap((f) => Object.keys(f.properties ?? {})))];
  return { crs: crsFromGeoJson(obj, file, param), features, fields };
}

function polygonsOf(geometry: RawFeature['geometry']): number[][][][] | undefined {
  if (!geometry) return undefined;
  const parts =
    geometry.type === 'Polygon' ? [geometry.coordinates as number[][][]] : geometry.type === 'MultiPolygon' ? (geometry.coordinates as number[][][][]) : undefined;
  if (!parts) return undefined;
  const clean = parts
    .map((poly) => poly.map((ring) => ring.map((p) => [p[0], p[1]])).filter((ring) => ring.length >= 3))
    .filter((poly) => poly.length > 0);
  return clean.length ? clean : undefined;
}

/** What one vector file holds, before labelling: shared by the async reader and the synchronous scan (vectorScan.ts). */
export interface VectorFileData {
  crs: Crs;
  features: RawFeature[];
  fields: string[];
}

export type { RawFeature };

/**
 * Turns the files of a vector input into labelled polygons, one file at a time, with the same checks and words
 * for the run (readVector) and for validation (readVectorSync): `files` to read, `add` each, then `finish`.
 */
export function vectorCollector(path: string, options: ReadVectorOptions = {}) {
  const param = options.param ?? 'path';
  const shown = options.shown ?? path;
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const files = vectorFiles(path).filter((f) => /\.(shp|geojson|json)$/i.test(f));
  if (files.length === 0) {
    throw new NodeError(isDir ? `no .shp or .geojson files in folder ${shown}` : `unsupported vector file ${basename(path)} (use .shp or .geojson)`, {
      param,
      file: path,
    });
  }
  let crs: Crs | undefined;
  const features: PolygonFeature[] = [];
  const skippedTypes: Record<string, number> = {};
  let skipped = 0;
  const used: string[] = [];
  const add = (file: string, data: VectorFileData): void => {
    used.push(file);
    const classField = options.classField;
    if (classField && data.features.length && !data.fields.includes(classField)) {
      throw new NodeError(
        `class field "${classField}" not found in ${basename(file)}; its fields are: ${data.fields.join(', ') || '(none)'}. Set classField to one of them, or leave it empty to use the file name`,
        { param: 'classField', file },
      );
    }
    // In a folder each file is a class: an empty file or one without polygons would silently drop that class.
    if (isDir && data.features.length === 0) {
      throw new NodeError(`${basename(file)} has no features, so class "${classFromFileName(file)}" would have no polygon: draw its polygons or remove the file from ${shown}`, { param, file });
    }
    const useFileName = !classField && (isDir || !data.fields.includes('class'));
    const field = classField ?? 'class';
    crs ??= data.crs;
    let kept = 0;
    const types: Record<string, number> = {};
    for (let i = 0; i < data.features.length; i++) {
      const f = data.features[i];
      let polys = polygonsOf(f.geometry);
      if (!polys) {
        const t = f.geometry?.type ?? 'null';
        skippedTypes[t] = (skippedTypes[t] ?? 0) + 1;
        types[t] = (types[t] ?? 0) + 1;
        skipped++;
        continue;
      }
      const raw = useFileName ? classFromFileName(file) : f.properties?.[field];
      if (raw === undefined || raw === null || String(raw).trim() === '') {
        throw new NodeError(`feature ${i} of ${basename(file)} has no value in class field "${field}": fill it in or remove the feature`, { param: classField ? 'classField' : param, file });
      }
      if (!sameCrs(data.crs, crs)) polys = reprojectRings(polys, data.crs, crs);
      features.push({ id: features.length, className: String(raw).trim(), polygons: polys });
      kept++;
    }
    if (isDir && kept === 0) {
      throw new NodeError(`${basename(file)} holds no polygons (${Object.entries(types).map(([t, n]) => `${n} ${t}`).join(', ')}), so class "${classFromFileName(file)}" would have none: save it as a polygon layer or remove it from ${shown}`, { param, file });
    }
  };
  const finish = (): VectorData => {
    if (features.length === 0) {
      const why = skipped ? ` (${skipped} non-polygon features skipped: ${JSON.stringify(skippedTypes)})` : '';
      throw new NodeError(`no polygons in ${shown}${why}: choose a file or folder with polygon features`, { param, file: path });
    }
    if (!crs) throw new NodeError(`unknown CRS for ${shown}`, { param, file: path });
    return { crs, features, skipped, skippedTypes, files: used };
  };
  return { files, param, add, finish };
}

/** Reads polygons from a file or folder (absolute path). */
export async function readVector(path: string, options: ReadVectorOptions = {}): Promise<VectorData> {
  const c = vectorCollector(path, options);
  for (const file of c.files) c.add(file, /\.shp$/i.test(file) ? await readShapefile(file, c.param) : readGeoJson(file, c.param));
  return c.finish();
}

export function describeCrs(crs: Crs): string {
  return crsLabel(crs);
}
