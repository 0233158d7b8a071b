/**
 * Streaming GeoTIFF writer: classic little-endian TIFF, DEFLATE (no predictor), tiled and pixel-interleaved by
 * default (or band-interleaved, or striped: `layout`), GeoKeys, ModelPixelScale + ModelTiepoint (ModelTransformation when
 * rotated), GDAL_NODATA and GDAL_METADATA band descriptions. Tiles are compressed and written one at a time;
 * the IFD goes at the end of the file. Written to `<path>.tmp-<pid>-<rand>` and renamed into place.
 *
 * CRS: an EPSG code is written as ProjectedCSTypeGeoKey, or GeographicTypeGeoKey for codes 4000-4999
 * (EPSG's geographic 2D range). A CRS given only as WKT is written as a user-defined model type with
 * PCSCitationGeoKey "ESRI PE String = <wkt>" (as ArcGIS does), which GDAL parses back (WKT up to ~2400
 * characters after removing layout whitespace); other readers may see no CRS.
 */
import { temporaryPath } from '../atomicFile.ts';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { deflateAsync } from './deflate.ts';
import type { Grid, Window } from '../../grid.ts';
import type { TypedArray } from './read.ts';

export type WriteDataType = 'uint8' | 'uint16' | 'float32';

export interface WriteGeoTiffOptions {
  grid: Grid;
  bandCount: number;
  dataType: WriteDataType;
  noData?: number | null;
  descriptions?: string[];
  tileSize?: number;
  /**
   * 'pixel' (default): tiled, a pixel's bands contiguous; 'band': tiled, PlanarConfiguration 2 (each band its
   * own tiles, GDAL's INTERLEAVE=BAND); 'striped': pixel-interleaved full-width strips of `rowsPerStrip` rows.
   */
  layout?: 'pixel' | 'band' | 'striped';
  /** Strip height for layout 'striped'; default as libtiff's TIFFDefaultStripSize (~8 KB strips, at least 1 row). */
  rowsPerStrip?: number;
  /**
   * DEFLATE level (libdeflate's 1-12). Default 6 for integer data, 1 for float32: composites
   * and probabilities barely compress (measured on a real-size composite: 0.888 of raw at level 1, 0.869 at
   * level 6) and level 6 costs a third more CPU there.
   */
  compressionLevel?: number;
  /** TIFF ColorMap (768 values, see categories.ts): single-band uint8 only; makes the photometric "palette". */
  colorMap?: number[];
  /** Returns one array per band, each win.width * win.height, row-major. Called once per tile. */
  readWindow?: (win: Window) => TypedArray[] | Promise<TypedArray[]>;
  /**
   * Alternatively, the window pixel-interleaved (win.width * win.height * bandCount values, a pixel's bands
   * contiguous, in the output data type): the TIFF's own layout, so tiles are assembled by row copies.
   */
  readInterleaved?: (win: Window) => TypedArray | Promise<TypedArray>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const TYPE = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, DOUBLE: 12 } as const;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8 };
const LIMIT = 2 ** 32 - 1;
/** Tiles compressed concurrently on libuv's thread pool while the next tiles are read. */
const IN_FLIGHT = 4;

interface Tag {
  code: number;
  type: number;
  values: number[] | string;
}

const SPEC: Record<WriteDataType, { bytes: number; format: number; make: (n: number) => TypedArray }> = {
  uint8: { bytes: 1, format: 1, make: (n) => new Uint8Array(n) },
  uint16: { bytes: 2, format: 1, make: (n) => new Uint16Array(n) },
  float32: { bytes: 4, format: 3, make: (n) => new Float32Array(n) },
};

/** GDAL escapes metadata values twice (CPLEscapeString, then XML serialisation); so do we. */
function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function isGeographicEpsg(epsg: number): boolean {
  return epsg >= 4000 && epsg < 5000 && epsg !== 4978 && epsg !== 4936;
}

/** Removes layout whitespace outside quoted strings (GDAL reads at most ~2400 characters of citation). */
function compactWkt(wkt: string): string {
  return wkt.replace(/("[^"]*")|\s+/g, (m, quoted: string | undefined) => quoted ?? '');
}

function geoTags(grid: Grid): Tag[] {
  const tags: Tag[] = [];
  const [ox, pw, rx, oy, ry, ph] = grid.geoTransform;
  if (rx === 0 && ry === 0) {
    tags.push({ code: 33550, type: TYPE.DOUBLE, values: [pw, -ph, 0] });
    tags.push({ code: 33922, type: TYPE.DOUBLE, values: [0, 0, 0, ox, oy, 0] });
  } else {
    tags.push({ code: 34264, type: TYPE.DOUBLE, values: [pw, rx, 0, ox, ry, ph, 0, oy, 0, 0, 0, 0, 0, 0, 0, 1] });
  }
  const keys: [number, number, number, number][] = [[1025, 0, 1, 1]]; // GTRasterTypeGeoKey = PixelIsArea
  let ascii = '';
  const { epsg, wkt } = grid.crs;
  if (epsg !== undefined) {
    const geographic = isGeographicEpsg(epsg);
    keys.push([1024, 0, 1, geographic ? 2 : 1]);
    keys.push([geographic ? 2048 : 3072, 0, 1, epsg]);
  } else if (wkt) {
    // GDAL reads "ESRI PE String = <wkt>" from PCSCitationGeoKey when the model type is user-defined.
    ascii = `ESRI PE String = ${compactWkt(wkt)}|`;
    keys.push([1024, 0, 1, 32767]);
    keys.push([3073, 34737, ascii.length, 0]);
  }
  keys.sort((a, b) => a[0] - b[0]);
  tags.push({ code: 34735, type: TYPE.SHORT, values: [1, 1, 0, keys.length, ...keys.flat()] });
  if (ascii) tags.push({ code: 34737, type: TYPE.ASCII, values: ascii });
  return tags;
}

function encodeTagValues(tag: Tag): Buffer {
  if (typeof tag.values === 'string') return Buffer.from(`${tag.values}\0`, 'latin1');
  const size = TYPE_SIZE[tag.type];
  const buf = Buffer.alloc(tag.values.length * size);
  tag.values.forEach((v, i) => {
    if (tag.type === TYPE.SHORT) buf.writeUInt16LE(v, i * 2);
    else if (tag.type === TYPE.LONG) buf.writeUInt32LE(v, i * 4);
    else if (tag.type === TYPE.DOUBLE) buf.writeDoubleLE(v, i * 8);
    else buf.writeUInt8(v, i);
  });
  return buf;
}

/** Builds the IFD (at `offset`, word-aligned) with out-of-line values following it. */
function buildIfd(tags: Tag[], offset: number): Buffer {
  tags.sort((a, b) => a.code - b.code);
  const ifdSize = 2 + tags.length * 12 + 4;
  const entries = Buffer.alloc(ifdSize);
  const extra: Buffer[] = [];
  let extraOffset = offset + ifdSize;
  entries.writeUInt16LE(tags.length, 0);
  tags.forEach((tag, i) => {
    const data = encodeTagValues(tag);
    const count = typeof tag.values === 'string' ? data.length : tag.values.length;
    const p = 2 + i * 12;
    entries.writeUInt16LE(tag.code, p);
    entries.writeUInt16LE(tag.type, p + 2);
    entries.writeUInt32LE(count, p + 4);
    if (data.length <= 4) {
      data.copy(entries, p + 8);
    } else {
      entries.writeUInt32LE(extraOffset, p + 8);
      const padded = data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
      extra.push(padded);
      extraOffset += padded.length;
    }
  });
  entries.writeUInt32LE(0, ifdSize - 4);
  return Buffer.concat([entries, ...extra]);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('GeoTIFF write aborted');
}

export async function writeGeoTiff(path: string, options: WriteGeoTiffOptions): Promise<void> {
  const { grid, bandCount, dataType, signal, onProgress } = options;
  const tileSize = options.tileSize ?? 256;
  const level = options.compressionLevel ?? (dataType === 'float32' ? 1 : 6);
  if (tileSize % 16 !== 0 || tileSize <= 0) throw new Error(`writeGeoTiff: tileSize must be a positive multiple of 16, got ${tileSize}`);
  if (bandCount < 1) throw new Error('writeGeoTiff: bandCount must be at least 1');
  if (options.colorMap && (bandCount !== 1 || dataType !== 'uint8' || options.colorMap.length !== 768)) throw new Error('writeGeoTiff: a colour map needs one uint8 band and 768 values');
  const spec = SPEC[dataType];
  const { width, height } = grid;
  const layout = options.layout ?? 'pixel';
  const striped = layout === 'striped';
  const planes = layout === 'band' ? bandCount : 1;
  const rowsPerStrip = Math.min(height, options.rowsPerStrip ?? Math.max(1, Math.floor(8192 / (width * bandCount * spec.bytes))));
  // A chunk is a tile, or a strip of full width (libtiff writes the last strip with only its own rows).
  const chunkW = striped ? width : tileSize;
  const chunkH = striped ? rowsPerStrip : tileSize;
  const tilesX = Math.ceil(width / chunkW);
  const tilesY = Math.ceil(height / chunkH);
  const total = tilesX * tilesY * planes;
  const noData = options.noData ?? null;
  const fill = noData === null ? 0 : noData;

  if (!options.readWindow === !options.readInterleaved) throw new Error('writeGeoTiff: give exactly one of readWindow and readInterleaved');
  const tmp = temporaryPath(path);
  const fd = openSync(tmp, 'w');
  let closed = false;
  try {
    const header = Buffer.alloc(8);
    header.write('II', 0, 'latin1');
    header.writeUInt16LE(42, 2);
    writeSync(fd, header, 0, 8, 0);
    let pos = 8;
    const offsets: number[] = new Array(total).fill(0);
    const counts: number[] = new Array(total).fill(0);
    let written = 0;
    const pending: { index: number; data: Promise<Buffer> }[] = [];
    const flush = async () => {
      const { index, data } = pending.shift()!;
      const compressed = await data;
      if (pos + compressed.length + 1 > LIMIT) {
        throw new Error(`writeGeoTiff: ${path} would exceed the 4 GiB limit of classic TIFF (${width}x${height}x${bandCount} ${dataType})`);
      }
      writeSync(fd, compressed, 0, compressed.length, pos);
      offsets[index] = pos;
      counts[index] = compressed.length;
      pos += compressed.length + (compressed.length % 2);
      onProgress?.(++written, total);
    };
    try {
      for (let ty = 0; ty < tilesY; ty++) {
        for (let tx = 0; tx < tilesX; tx++) {
          if (signal?.aborted) throw abortError(signal);
          const win: Window = { x: tx * chunkW, y: ty * chunkH, width: Math.min(chunkW, width - tx * chunkW), height: Math.min(chunkH, height - ty * chunkH) };
          const tileSize = chunkW; // the row pitch of the chunk buffer
          const tilePixels = chunkW * (striped ? win.height : chunkH);
          const tile = spec.make(tilePixels * bandCount);
          if ((win.width < chunkW || win.height < chunkH) && fill !== 0) tile.fill(fill);
          if (options.readInterleaved) {
            const data = await options.readInterleaved(win);
            if (data.length !== win.width * win.height * bandCount) throw new Error(`writeGeoTiff: readInterleaved returned ${data.length} values, expected ${win.width * win.height * bandCount}`);
            const rowValues = win.width * bandCount;
            for (let r = 0; r < win.height; r++) tile.set(data.subarray(r * rowValues, (r + 1) * rowValues) as never, r * tileSize * bandCount);
          } else {
            const bands = await options.readWindow!(win);
            if (bands.length !== bandCount) throw new Error(`writeGeoTiff: readWindow returned ${bands.length} bands, expected ${bandCount}`);
            for (let b = 0; b < bandCount; b++) {
              const src = bands[b];
              if (src.length !== win.width * win.height) throw new Error(`writeGeoTiff: band ${b} has ${src.length} values, expected ${win.width * win.height}`);
              for (let r = 0; r < win.height; r++) {
                let o = r * tileSize * bandCount + b;
                let i = r * win.width;
                for (let c = 0; c < win.width; c++, o += bandCount, i++) tile[o] = src[i];
              }
            }
          }
          if (signal?.aborted) throw abortError(signal);
          const chunk = ty * tilesX + tx;
          if (planes === 1) {
            pending.push({ index: chunk, data: deflateAsync(new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength), level) });
          } else {
            for (let b = 0; b < bandCount; b++) {
              const plane = spec.make(tilePixels);
              for (let p = 0, i = b; p < tilePixels; p++, i += bandCount) plane[p] = tile[i];
              pending.push({ index: b * tilesX * tilesY + chunk, data: deflateAsync(new Uint8Array(plane.buffer, plane.byteOffset, plane.byteLength), level) });
              // Bounded per writer: koffi refuses more than a few dozen asynchronous calls at once per process.
              while (pending.length >= IN_FLIGHT) await flush();
            }
          }
          while (pending.length >= IN_FLIGHT) await flush();
        }
      }
      while (pending.length > 0) await flush();
    } finally {
      // Let compressions still running settle before the file is closed and removed.
      await Promise.allSettled(pending.map((p) => p.data));
    }
    const tags: Tag[] = [
      { code: 256, type: TYPE.LONG, values: [width] },
      { code: 257, type: TYPE.LONG, values: [height] },
      { code: 258, type: TYPE.SHORT, values: new Array(bandCount).fill(spec.bytes * 8) },
      { code: 259, type: TYPE.SHORT, values: [8] },
      { code: 262, type: TYPE.SHORT, values: [options.colorMap ? 3 : 1] },
      { code: 277, type: TYPE.SHORT, values: [bandCount] },
      { code: 284, type: TYPE.SHORT, values: [planes > 1 ? 2 : 1] },
      ...(striped
        ? [
            { code: 273, type: TYPE.LONG, values: offsets },
            { code: 278, type: TYPE.LONG, values: [rowsPerStrip] },
            { code: 279, type: TYPE.LONG, values: counts },
          ]
        : [
            { code: 322, type: TYPE.LONG, values: [tileSize] },
            { code: 323, type: TYPE.LONG, values: [tileSize] },
            { code: 324, type: TYPE.LONG, values: offsets },
            { code: 325, type: TYPE.LONG, values: counts },
          ]),
      { code: 339, type: TYPE.SHORT, values: new Array(bandCount).fill(spec.format) },
      ...geoTags(grid),
    ];
    if (options.colorMap) tags.push({ code: 320, type: TYPE.SHORT, values: options.colorMap });
    if (bandCount > 1) tags.push({ code: 338, type: TYPE.SHORT, values: new Array(bandCount - 1).fill(0) });
    const descriptions = options.descriptions ?? [];
    const items = descriptions
      .map((d, i) => (d ? `  <Item name="DESCRIPTION" sample="${i}" role="description">${xmlEscape(xmlEscape(d))}</Item>\n` : ''))
      .join('');
    if (items) tags.push({ code: 42112, type: TYPE.ASCII, values: `<GDALMetadata>\n${items}</GDALMetadata>` });
    if (noData !== null) tags.push({ code: 42113, type: TYPE.ASCII, values: Number.isNaN(noData) ? 'nan' : String(noData) });
    const ifd = buildIfd(tags, pos);
    if (pos + ifd.length > LIMIT) throw new Error(`writeGeoTiff: ${path} would exceed the 4 GiB limit of classic TIFF`);
    writeSync(fd, ifd, 0, ifd.length, pos);
    const first = Buffer.alloc(4);
    first.writeUInt32LE(pos, 0);
    writeSync(fd, first, 0, 4, 4);
    closeSync(fd);
    closed = true;
    renameSync(tmp, path);
  } catch (err) {
    if (!closed) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
