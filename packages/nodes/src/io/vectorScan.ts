/**
 * Labelled polygons read synchronously, for validation: the same files, labels, checks and words as readVector
 * (vectorCollector), with a small shapefile reader that follows the npm `shapefile` package's record rules
 * (shape type per record, null shapes, dBASE text trimmed, numbers parsed, records up to the 0x1A end mark).
 * Polygons here are one polygon per ring (holes are not assigned): validation needs classes, types and CRS only.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { NodeError } from '../errors.ts';
import { crsFromPrj } from './crs.ts';
import { readGeoJson, shapefileParts, vectorCollector, type RawFeature, type ReadVectorOptions, type VectorData, type VectorFileData } from './vector.ts';

const POINT = new Set([1, 11, 21]);
const LINE = new Set([3, 13, 23]);
const POLYGON = new Set([5, 15, 25]);
const MULTIPOINT = new Set([8, 18, 28]);

function geometryOf(view: DataView, at: number, type: number): RawFeature['geometry'] {
  if (type === 0) return null;
  if (POINT.has(type)) return { type: 'Point', coordinates: [view.getFloat64(at + 4, true), view.getFloat64(at + 12, true)] };
  if (MULTIPOINT.has(type)) return { type: 'MultiPoint', coordinates: [] };
  const n = view.getInt32(at + 36, true);
  const m = view.getInt32(at + 40, true);
  const parts: number[] = [];
  for (let j = 0; j < n; j++) parts.push(view.getInt32(at + 44 + 4 * j, true));
  const p0 = at + 44 + 4 * n;
  const rings = parts.map((start, j) => {
    const end = j + 1 < n ? parts[j + 1] : m;
    const ring: number[][] = [];
    for (let k = start; k < end; k++) ring.push([view.getFloat64(p0 + 16 * k, true), view.getFloat64(p0 + 16 * k + 8, true)]);
    return ring;
  });
  if (LINE.has(type)) return { type: n === 1 ? 'LineString' : 'MultiLineString', coordinates: n === 1 ? rings[0] : rings };
  // One polygon per ring: enough to know whether the feature has an area (a ring of 3 or more points).
  return n === 1 ? { type: 'Polygon', coordinates: rings } : { type: 'MultiPolygon', coordinates: rings.map((r) => [r]) };
}

function shpGeometries(file: string): RawFeature['geometry'][] {
  const buf = readFileSync(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 100) throw new Error(`the .shp file is ${buf.length} bytes, shorter than its 100-byte header`);
  const fileType = view.getInt32(32, true);
  if (![0, ...POINT, ...LINE, ...POLYGON, ...MULTIPOINT].includes(fileType)) throw new Error(`unsupported shape type: ${fileType}`);
  const out: RawFeature['geometry'][] = [];
  for (let at = 100; at + 12 <= buf.length; ) {
    const length = view.getInt32(at + 4, false) * 2;
    const type = view.getInt32(at + 8, true);
    if (length < 4 || (type && type !== fileType) || at + 8 + length > buf.length) {
      at += 4; // the package scans ahead for the next valid record the same way
      continue;
    }
    out.push(geometryOf(view, at + 8, type));
    at += 8 + length;
  }
  return out;
}

function dbfRecords(file: string, encoding: string): { fields: string[]; records: Record<string, unknown>[] } {
  const buf = readFileSync(file);
  if (buf.length < 32) throw new Error(`the .dbf file is ${buf.length} bytes, shorter than its header`);
  const decoder = new TextDecoder(encoding);
  const headerLength = buf.readUInt16LE(8);
  const recordLength = buf.readUInt16LE(10);
  const fields: { name: string; type: string; length: number }[] = [];
  for (let n = 32; n < headerLength && n < buf.length && buf[n] !== 0x0d; n += 32) {
    let j = 0;
    while (j < 11 && buf[n + j] !== 0) j++;
    fields.push({ name: decoder.decode(buf.subarray(n, n + j)), type: String.fromCharCode(buf[n + 11]), length: buf[n + 16] });
  }
  const records: Record<string, unknown>[] = [];
  for (let at = headerLength; at + recordLength <= buf.length && buf[at] !== 0x1a && recordLength > 0; at += recordLength) {
    let i = at + 1;
    const rec: Record<string, unknown> = {};
    for (const f of fields) {
      const text = decoder.decode(buf.subarray(i, (i += f.length))).trim();
      rec[f.name] = f.type === 'C' ? text || null : 'BFMN'.includes(f.type) ? (text && !Number.isNaN(Number(text)) ? Number(text) : null) : f.type === 'L' ? (/^[yt]$/i.test(text) ? true : /^[nf]$/i.test(text) ? false : null) : text;
    }
    records.push(rec);
  }
  return { fields: fields.map((f) => f.name), records };
}

function readShapefileSync(shp: string, param: string): VectorFileData {
  const { prj, dbf, encoding } = shapefileParts(shp, param);
  let features: RawFeature[];
  try {
    const geometries = shpGeometries(shp);
    const table = dbf ? dbfRecords(dbf, encoding ?? 'windows-1252') : undefined;
    features = geometries.map((geometry, i) => ({ geometry, properties: table ? (table.records[i] ?? null) : {} }));
  } catch (err) {
    throw new NodeError(`cannot read shapefile ${basename(shp)}: ${(err as Error).message}`, { param, file: shp });
  }
  const fields = Object.keys(features[0]?.properties ?? {});
  return { crs: crsFromPrj(readFileSync(prj, 'utf8')), features, fields };
}

/** readVector without awaiting: throws the same NodeErrors. */
export function readVectorSync(path: string, options: ReadVectorOptions = {}): VectorData {
  const c = vectorCollector(path, options);
  for (const file of c.files) c.add(file, /\.shp$/i.test(file) ? readShapefileSync(file, c.param) : readGeoJson(file, c.param));
  return c.finish();
}
