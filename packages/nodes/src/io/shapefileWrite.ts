/**
 * Minimal ESRI Shapefile writer for polygons: .shp, .shx, .dbf (fields `class` text and `id` integer), .cpg
 * and .prj (ESRI WKT). Outer rings are written clockwise and holes counter-clockwise, as the format requires.
 */
import { writeFileAtomicSync } from './atomicFile.ts';
import type { Crs } from '../grid.ts';
import { esriWkt } from './crs.ts';

export interface ShapefileFeature {
  id: number;
  className: string;
  /** [polygon][ring][point][x,y]; the first ring of each polygon is the outer ring. */
  polygons: number[][][][];
}

function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % n];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2; // > 0: counter-clockwise
}

function prepareRing(ring: number[][], clockwise: boolean): number[][] {
  const r = ring.map((p) => [p[0], p[1]]);
  const first = r[0];
  const last = r[r.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) r.push([first[0], first[1]]);
  const ccw = signedArea(r) > 0;
  return ccw === clockwise ? r.reverse() : r;
}

function header(buf: Buffer, fileLengthWords: number, bbox: number[]): void {
  buf.writeInt32BE(9994, 0);
  buf.writeInt32BE(fileLengthWords, 24);
  buf.writeInt32LE(1000, 28);
  buf.writeInt32LE(5, 32);
  for (let i = 0; i < 4; i++) buf.writeDoubleLE(bbox[i], 36 + 8 * i);
}

function dbf(features: ShapefileFeature[]): Buffer {
  const classes = features.map((f) => Buffer.from(f.className, 'utf8'));
  const classLen = Math.min(254, Math.max(1, ...classes.map((c) => c.length)));
  const fields: [string, 'C' | 'N', number][] = [
    ['class', 'C', classLen],
    ['id', 'N', 10],
  ];
  const headerLen = 32 + 32 * fields.length + 1;
  const recordLen = 1 + classLen + 10;
  const buf = Buffer.alloc(headerLen + recordLen * features.length + 1, 0x20);
  buf.fill(0, 0, headerLen);
  const now = new Date();
  buf.writeUInt8(0x03, 0);
  buf.writeUInt8(now.getFullYear() - 1900, 1);
  buf.writeUInt8(now.getMonth() + 1, 2);
  buf.writeUInt8(now.getDate(), 3);
  buf.writeUInt32LE(features.length, 4);
  buf.writeUInt16LE(headerLen, 8);
  buf.writeUInt16LE(recordLen, 10);
  buf.writeUInt8(0x57, 29); // language driver: ANSI (content is UTF-8, declared in the .cpg)
  fields.forEach(([name, type, len], i) => {
    const o = 32 + 32 * i;
    buf.write(name, o, 'latin1');
    buf.write(type, o + 11, 'latin1');
    buf.writeUInt8(len, o + 16);
  });
  buf.writeUInt8(0x0d, headerLen - 1);
  features.forEach((f, i) => {
    const o = headerLen + i * recordLen;
    classes[i].copy(buf, o + 1, 0, classLen); // left-aligned, space padded
    const id = String(Math.trunc(f.id)).slice(0, 10);
    buf.write(id.padStart(10, ' '), o + 1 + classLen, 'latin1');
  });
  buf.writeUInt8(0x1a, buf.length - 1);
  return buf;
}

/** Writes `<stem>.shp/.shx/.dbf/.prj/.cpg`; `path` is the .shp path. */
export function writePolygonShapefile(path: string, features: ShapefileFeature[], crs: Crs): void {
  if (!/\.shp$/i.test(path)) throw new Error(`writePolygonShapefile: ${path} must end in .shp`);
  const stem = path.slice(0, -4);
  const records: Buffer[] = [];
  const total = [Infinity, Infinity, -Infinity, -Infinity];
  features.forEach((f, i) => {
    const rings: number[][][] = [];
    for (const poly of f.polygons) poly.forEach((ring, k) => ring.length >= 3 && rings.push(prepareRing(ring, k === 0)));
    const nPoints = rings.reduce((s, r) => s + r.length, 0);
    const content = 44 + 4 * rings.length + 16 * nPoints;
    const rec = Buffer.alloc(8 + content);
    rec.writeInt32BE(i + 1, 0);
    rec.writeInt32BE(content / 2, 4);
    rec.writeInt32LE(rings.length ? 5 : 0, 8);
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    let o = 52 + 4 * rings.length;
    let start = 0;
    rings.forEach((ring, k) => {
      rec.writeInt32LE(start, 52 + 4 * k);
      start += ring.length;
      for (const [x, y] of ring) {
        rec.writeDoubleLE(x, o);
        rec.writeDoubleLE(y, o + 8);
        o += 16;
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      }
    });
    if (!rings.length) {
      records.push(rec.subarray(0, 12));
      rec.writeInt32BE(2, 4);
      return;
    }
    for (let b = 0; b < 4; b++) rec.writeDoubleLE(box[b], 12 + 8 * b);
    rec.writeInt32LE(rings.length, 44);
    rec.writeInt32LE(nPoints, 48);
    total[0] = Math.min(total[0], box[0]);
    total[1] = Math.min(total[1], box[1]);
    total[2] = Math.max(total[2], box[2]);
    total[3] = Math.max(total[3], box[3]);
    records.push(rec);
  });
  const bbox = total.every(Number.isFinite) ? total : [0, 0, 0, 0];
  const shpLen = 100 + records.reduce((s, r) => s + r.length, 0);
  const shp = Buffer.alloc(100);
  header(shp, shpLen / 2, bbox);
  const shx = Buffer.alloc(100 + 8 * records.length);
  header(shx, shx.length / 2, bbox);
  let offset = 100;
  records.forEach((r, i) => {
    shx.writeInt32BE(offset / 2, 100 + 8 * i);
    shx.writeInt32BE((r.length - 8) / 2, 104 + 8 * i);
    offset += r.length;
  });
  writeFileAtomicSync(`${stem}.shp`, Buffer.concat([shp, ...records]));
  writeFileAtomicSync(`${stem}.shx`, shx);
  writeFileAtomicSync(`${stem}.dbf`, dbf(features));
  writeFileAtomicSync(`${stem}.prj`, esriWkt(crs));
  writeFileAtomicSync(`${stem}.cpg`, 'UTF-8');
}
