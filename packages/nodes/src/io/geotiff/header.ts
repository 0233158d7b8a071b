/**
 * The first image directory of a (Big)TIFF read synchronously, tags only, no pixel data: what validation needs
 * to know before a run (size, data type, grid, band descriptions, that every tile lies inside the file) in a
 * fraction of a millisecond per file. The grid follows read.ts's rules (GDAL-order geotransform, PixelIsPoint
 * shifted to the corner, EPSG from GeoKeys, else an ESRI PE string citation), so both describe a file alike.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { GeoTransform, Grid } from '../../grid.ts';
import { parseGdalDescriptions, type RasterDataType } from './read.ts';
import { assertBlocksInside, assertTiffHeaderInside } from './truncation.ts';

export interface TiffHeader {
  width: number;
  height: number;
  bandCount: number;
  dataType: RasterDataType;
  grid: Grid;
  descriptions: string[];
  noData: number | null;
}

/** A file whose header cannot be read: message names the file and why. */
export class TiffHeaderError extends Error {}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8 };
const TAGS = { width: 256, height: 257, bits: 258, samples: 277, format: 339, stripOffsets: 273, stripCounts: 279, tileOffsets: 324, tileCounts: 325, scale: 33550, tie: 33922, transform: 34264, geoKeys: 34735, geoDoubles: 34736, geoAscii: 34737, gdalMetadata: 42112, gdalNoData: 42113 } as const;
/** No real header is this large; a count that asks for more is a corrupt directory, not a reason to allocate. */
const MAX_TAG_BYTES = 64 * 1024 * 1024;

interface Entry { type: number; count: number; at: number }

class Reader {
  constructor(readonly fd: number, readonly size: number, readonly le: boolean, readonly path: string) {}
  bytes(at: number, n: number, what: string): Buffer {
    if (at < 0 || n < 0 || n > MAX_TAG_BYTES || at + n > this.size) throw new TiffHeaderError(`${this.path}: corrupt TIFF header (${what} points to bytes ${at}–${at + n} of a ${this.size}-byte file); export or copy the file again`);
    const b = Buffer.alloc(n);
    if (n > 0 && readSync(this.fd, b, 0, n, at) !== n) throw new TiffHeaderError(`${this.path}: short read at byte ${at}; copy the file again`);
    return b;
  }
  values(e: Entry, what: string): number[] {
    const size = TYPE_SIZE[e.type];
    const b = this.bytes(e.at, e.count * size, what);
    const out: number[] = new Array(e.count);
    for (let i = 0; i < e.count; i++) {
      const o = i * size;
      switch (e.type) {
        case 1: case 7: out[i] = b[o]; break;
        case 6: out[i] = b.readInt8(o); break;
        case 3: out[i] = this.le ? b.readUInt16LE(o) : b.readUInt16BE(o); break;
        case 8: out[i] = this.le ? b.readInt16LE(o) : b.readInt16BE(o); break;
        case 4: out[i] = this.le ? b.readUInt32LE(o) : b.readUInt32BE(o); break;
        case 9: out[i] = this.le ? b.readInt32LE(o) : b.readInt32BE(o); break;
        case 11: out[i] = this.le ? b.readFloatLE(o) : b.readFloatBE(o); break;
        case 12: out[i] = this.le ? b.readDoubleLE(o) : b.readDoubleBE(o); break;
        case 16: case 18: out[i] = Number(this.le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)); break;
        case 17: out[i] = Number(this.le ? b.readBigInt64LE(o) : b.readBigInt64BE(o)); break;
        case 5: case 10: {
          const r = (k: number) => (e.type === 5 ? (this.le ? b.readUInt32LE(k) : b.readUInt32BE(k)) : this.le ? b.readInt32LE(k) : b.readInt32BE(k));
          out[i] = r(o) / r(o + 4);
          break;
        }
        default: out[i] = b[o];
      }
    }
    return out;
  }
  text(e: Entry, what: string): string {
    return this.bytes(e.at, e.count, what).toString('latin1').replace(/\0+$/, '');
  }
}

function directory(r: Reader, big: boolean, ifd: number): Map<number, Entry> {
  const countBytes = big ? 8 : 2;
  const head = r.bytes(ifd, countBytes, 'the image directory');
  const n = big ? Number(r.le ? head.readBigUInt64LE(0) : head.readBigUInt64BE(0)) : r.le ? head.readUInt16LE(0) : head.readUInt16BE(0);
  const entrySize = big ? 20 : 12;
  const all = r.bytes(ifd + countBytes, n * entrySize, 'the image directory');
  const tags = new Map<number, Entry>();
  for (let i = 0; i < n; i++) {
    const o = i * entrySize;
    const tag = r.le ? all.readUInt16LE(o) : all.readUInt16BE(o);
    const type = r.le ? all.readUInt16LE(o + 2) : all.readUInt16BE(o + 2);
    const count = big ? Number(r.le ? all.readBigUInt64LE(o + 4) : all.readBigUInt64BE(o + 4)) : r.le ? all.readUInt32LE(o + 4) : all.readUInt32BE(o + 4);
    const size = TYPE_SIZE[type];
    if (size === undefined) continue; // unknown types are skipped, as TIFF readers do
    const inline = size * count <= (big ? 8 : 4);
    const valueAt = ifd + countBytes + o + (big ? 12 : 8);
    const at = inline ? valueAt : big ? Number(r.le ? all.readBigUInt64LE(o + 12) : all.readBigUInt64BE(o + 12)) : r.le ? all.readUInt32LE(o + 8) : all.readUInt32BE(o + 8);
    tags.set(tag, { type, count, at });
  }
  return tags;
}

const DATA_TYPES: Record<string, RasterDataType> = {
  '1:8': 'uint8', '2:8': 'int8', '1:16': 'uint16', '2:16': 'int16', '1:32': 'uint32', '2:32': 'int32', '3:32': 'float32', '3:64': 'float64',
};

function geoTransformOf(r: Reader, tags: Map<number, Entry>, pixelIsPoint: boolean): GeoTransform {
  const get = (tag: number, what: string) => (tags.has(tag) ? r.values(tags.get(tag)!, what) : undefined);
  const t = get(TAGS.transform, 'ModelTransformation');
  let gt: GeoTransform;
  if (t && t.length >= 16) gt = [t[3], t[0], t[1], t[7], t[4], t[5]];
  else {
    const tie = get(TAGS.tie, 'ModelTiepoint');
    const scale = get(TAGS.scale, 'ModelPixelScale');
    if (!tie || !scale) return [0, 1, 0, 0, 0, 1];
    const [i, j, , x, y] = tie;
    gt = [x - i * scale[0], scale[0], 0, y + j * scale[1], 0, -scale[1]];
  }
  if (pixelIsPoint) gt = [gt[0] - 0.5 * gt[1] - 0.5 * gt[2], gt[1], gt[2], gt[3] - 0.5 * gt[4] - 0.5 * gt[5], gt[4], gt[5]];
  return gt;
}

/** GeoKey id -> value (numbers inline or from GeoDoubleParams, text from GeoAsciiParams without its `|`). */
function geoKeys(r: Reader, tags: Map<number, Entry>): Map<number, number | string> {
  const keys = new Map<number, number | string>();
  const dir = tags.get(TAGS.geoKeys);
  if (!dir) return keys;
  const v = r.values(dir, 'GeoKeyDirectory');
  const ascii = tags.has(TAGS.geoAscii) ? r.text(tags.get(TAGS.geoAscii)!, 'GeoAsciiParams') : '';
  const doubles = tags.has(TAGS.geoDoubles) ? r.values(tags.get(TAGS.geoDoubles)!, 'GeoDoubleParams') : [];
  for (let k = 4; k + 3 < v.length && k / 4 <= v[3]; k += 4) {
    const [id, location, count, offset] = [v[k], v[k + 1], v[k + 2], v[k + 3]];
    if (location === 0) keys.set(id, offset);
    else if (location === TAGS.geoAscii) keys.set(id, ascii.substring(offset, offset + count - 1));
    else if (location === TAGS.geoDoubles && count === 1) keys.set(id, doubles[offset]);
  }
  return keys;
}

function readHeader(path: string): TiffHeader {
  assertTiffHeaderInside(path);
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const order = head.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') throw new TiffHeaderError(`${path}: not a GeoTIFF (the file does not start with a TIFF header); export it again as GeoTIFF or remove it from the folder`);
    const le = order === 'II';
    const magic = le ? head.readUInt16LE(2) : head.readUInt16BE(2);
    if (magic !== 42 && magic !== 43) throw new TiffHeaderError(`${path}: not a GeoTIFF (TIFF version ${magic}, expected 42 or 43); export it again as GeoTIFF or remove it from the folder`);
    const big = magic === 43;
    const ifd = big ? Number(le ? head.readBigUInt64LE(8) : head.readBigUInt64BE(8)) : le ? head.readUInt32LE(4) : head.readUInt32BE(4);
    const r = new Reader(fd, size, le, path);
    const tags = directory(r, big, ifd);
    const one = (tag: number, what: string, fallback?: number): number => {
      const e = tags.get(tag);
      if (!e) {
        if (fallback !== undefined) return fallback;
        throw new TiffHeaderError(`${path}: corrupt TIFF header (no ${what} tag); export or copy the file again`);
      }
      return r.values(e, what)[0];
    };
    const width = one(TAGS.width, 'ImageWidth');
    const height = one(TAGS.height, 'ImageLength');
    const bandCount = one(TAGS.samples, 'SamplesPerPixel', 1);
    const bits = one(TAGS.bits, 'BitsPerSample', 1);
    const format = one(TAGS.format, 'SampleFormat', 1) || 1;
    const dataType = DATA_TYPES[`${format}:${bits}`];
    if (!dataType) throw new TiffHeaderError(`${path}: unsupported sample format ${format} with ${bits} bits per sample`);
    if (!(width > 0 && height > 0 && bandCount > 0)) throw new TiffHeaderError(`${path}: corrupt TIFF header (${width}x${height} px, ${bandCount} bands); export or copy the file again`);
    const tiled = tags.has(TAGS.tileOffsets);
    const offsets = tags.get(tiled ? TAGS.tileOffsets : TAGS.stripOffsets);
    const counts = tags.get(tiled ? TAGS.tileCounts : TAGS.stripCounts);
    if (!offsets || !counts) throw new TiffHeaderError(`${path}: corrupt TIFF header (no ${tiled ? 'tile' : 'strip'} offsets); export or copy the file again`);
    assertBlocksInside(path, size, r.values(offsets, 'the tile offsets'), r.values(counts, 'the tile byte counts'));
    const keys = geoKeys(r, tags);
    const crs: Grid['crs'] = {};
    const epsg = (keys.get(3072) ?? keys.get(2048)) as number | undefined;
    if (typeof epsg === 'number' && epsg && epsg !== 32767) crs.epsg = epsg;
    else {
      const citation = [keys.get(3073), keys.get(1026)].find((c): c is string => typeof c === 'string' && c.startsWith('ESRI PE String = '));
      if (citation) crs.wkt = citation.slice('ESRI PE String = '.length).replace(/\|$/, '');
    }
    const grid: Grid = { width, height, geoTransform: geoTransformOf(r, tags, keys.get(1025) === 2), crs };
    const noDataText = tags.has(TAGS.gdalNoData) ? r.text(tags.get(TAGS.gdalNoData)!, 'GDAL_NODATA').trim() : '';
    const noData = noDataText === '' ? null : /^[-+]?nan$/i.test(noDataText) ? NaN : Number(noDataText);
    const xml = tags.has(TAGS.gdalMetadata) ? r.text(tags.get(TAGS.gdalMetadata)!, 'GDAL_METADATA') : undefined;
    return { width, height, bandCount, dataType, grid, descriptions: parseGdalDescriptions(xml, bandCount), noData };
  } finally {
    closeSync(fd);
  }
}

const cache = new Map<string, { stamp: string; header: TiffHeader }>();

/**
 * The header of a GeoTIFF, remembered per path while its size and mtime stay the same (the editor validates
 * on every edit). Throws an Error naming the file when it is not a readable (Geo)TIFF, truncated or corrupt.
 */
export function readTiffHeader(path: string): TiffHeader {
  const st = statSync(path);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.header;
  const header = readHeader(path);
  if (cache.size > 4096) cache.clear();
  cache.set(path, { stamp, header });
  return header;
}
