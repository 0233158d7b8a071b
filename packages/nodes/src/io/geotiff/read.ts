/**
 * GeoTIFF reading on top of geotiff.js: grid (EPSG from GeoKeys, GDAL-order geotransform), NoData, band
 * descriptions (GDAL_METADATA), and windowed reads of all samples at once. Every common layout is read chunk by
 * chunk directly (chunks.ts, assemble.ts); geotiff.js serves the rare rest (JPEG, odd bit depths).
 */
import { inflateSync } from 'node:zlib';
import { closeSync, openSync, statSync } from 'node:fs';
import { fromFile, addDecoder, BaseDecoder } from 'geotiff';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import type { GeoTransform, Grid, Window } from '../../grid.ts';
import { inflateInto } from './deflate.ts';
import { chunkLayout, describeReadPath } from './chunks.ts';
import { readBandsDirect, readInterleavedDirect, readPlanarDirect } from './assemble.ts';
import { assertBlocksInside, assertTiffHeaderInside } from './truncation.ts';
import type { TypedArray } from './typedArray.ts';

export type { TypedArray };
export type RasterDataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export interface RasterFile {
  path: string;
  width: number;
  height: number;
  bandCount: number;
  dataType: RasterDataType;
  grid: Grid;
  noData: number | null;
  descriptions: string[];
  /** How the pixels are read: `direct/<codec>/<interleave>/<tiled|striped>[/predictor-N][/big-endian]`, or `geotiff.js (<why>)`. */
  readPath: string;
  /** Chunk (tile, or full-width strip) size: windows aligned to it decode each chunk once. */
  block: { width: number; height: number; tiled: boolean };
  /** One array per raster band (sample), each win.width * win.height, row-major. */
  readWindow(win: Window): Promise<TypedArray[]>;
  /**
   * The window pixel-major: win.width * win.height * bandCount values, a pixel's bands contiguous (for a GEE
   * stack, a pixel's whole time series). The files' own layout, so usually no reordering at all. `into`, when
   * it has this file's data type and the window's size, is filled and returned instead of a new array (callers
   * reading window after window reuse their buffers instead of faulting in fresh pages each time).
   */
  readWindowInterleaved(win: Window, into?: TypedArray): Promise<TypedArray>;
  /** 'band' when the file stores each band's (date's) samples in chunks of their own (PlanarConfiguration 2). */
  interleave: 'pixel' | 'band';
  /**
   * The window sample-major: bandCount planes of win.width * win.height (for a GEE stack, date-major). A
   * band-interleaved file's own order, read without a transpose; `into` as for readWindowInterleaved (its
   * length then is (bandCount - 1) * planeStride + win.width * win.height). `planeStride` (default: a plane's
   * size) puts plane b at b * planeStride; the values between planes are unspecified. `skip[b] = 1` says
   * plane b is not needed: a band-interleaved file then does not decode it, and the plane holds zeros.
   */
  readWindowPlanar(win: Window, into?: TypedArray, planeStride?: number, skip?: Uint8Array): Promise<TypedArray>;
}

/** Incremented by every readWindow (tests use it to prove that cached reruns read no raster data). */
export const rasterReadStats = { windows: 0, bytes: 0 };

/** DEFLATE through libdeflate or node:zlib (deflate.ts); BaseDecoder.decode applies the predictor afterwards. */
class DeflateDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const p = (this as unknown as { parameters?: { tileWidth?: number; tileHeight?: number; bitsPerSample?: number[] } }).parameters;
    const expected = p?.tileWidth && p.tileHeight && p.bitsPerSample ? (p.tileWidth * p.tileHeight * p.bitsPerSample.reduce((a, b) => a + b, 0)) / 8 : 0;
    if (expected > 0) {
      const out = new Uint8Array(expected);
      const n = inflateInto(new Uint8Array(buffer), out);
      return n === expected ? out.buffer : out.buffer.slice(0, n);
    }
    const out = inflateSync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], () => Promise.resolve(DeflateDecoder as unknown as typeof BaseDecoder), undefined, false);

const CTOR = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
} as const;

function fits(a: TypedArray | undefined, dataType: RasterDataType, length: number): a is TypedArray {
  return a !== undefined && a instanceof CTOR[dataType] && a.length === length;
}

/** [pixel][sample] -> one array per sample. */
export function deinterleave(data: TypedArray, samples: number, dataType: RasterDataType): TypedArray[] {
  if (samples === 1) return [data];
  const n = data.length / samples;
  const out = Array.from({ length: samples }, () => arrayForType(dataType, n));
  for (let p = 0, i = 0; p < n; p++) for (let s = 0; s < samples; s++) out[s][p] = data[i++];
  return out;
}

/** One array per sample -> [pixel][sample]. */
export function interleave(bands: TypedArray[], dataType: RasterDataType): TypedArray {
  const spp = bands.length;
  if (spp === 1) return bands[0];
  const n = bands[0].length;
  const out = arrayForType(dataType, n * spp);
  for (let s = 0; s < spp; s++) {
    const b = bands[s];
    for (let p = 0, i = s; p < n; p++, i += spp) out[i] = b[p];
  }
  return out;
}

/** The RasterDataType of a typed array. */
export function dataTypeOfArray(a: TypedArray): RasterDataType {
  const entry = Object.entries(CTOR).find(([, C]) => a instanceof C);
  return entry![0] as RasterDataType;
}

export function arrayForType(type: RasterDataType, n: number): TypedArray {
  switch (type) {
    case 'uint8': return new Uint8Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int32': return new Int32Array(n);
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
  }
}

function dataTypeOf(image: GeoTIFFImage, path: string): RasterDataType {
  const format = image.getSampleFormat(0) || 1;
  const bits = image.getBitsPerSample(0);
  const key = `${format}:${bits}`;
  const map: Record<string, RasterDataType> = {
    '1:8': 'uint8', '2:8': 'int8', '1:16': 'uint16', '2:16': 'int16',
    '1:32': 'uint32', '2:32': 'int32', '3:32': 'float32', '3:64': 'float64',
  };
  const t = map[key];
  if (!t) throw new Error(`${path}: unsupported sample format ${format} with ${bits} bits per sample`);
  return t;
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Band descriptions from the GDAL_METADATA XML (`<Item name="DESCRIPTION" sample="N" role="description">`). */
export function parseGdalDescriptions(xml: string | undefined, bandCount: number): string[] {
  const out = new Array<string>(bandCount).fill('');
  if (!xml) return out;
  const re = /<Item\s+([^>]*)>([\s\S]*?)<\/Item>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const attrs = m[1];
    const role = /role="([^"]*)"/.exec(attrs)?.[1];
    const sample = /sample="(\d+)"/.exec(attrs)?.[1];
    if (role === 'description' && sample !== undefined && Number(sample) < bandCount) out[Number(sample)] = decodeXml(decodeXml(m[2])); // GDAL escapes twice
  }
  return out;
}

function geoTransformOf(image: GeoTIFFImage, pixelIsPoint: boolean): GeoTransform {
  const fd = image.fileDirectory;
  const t = fd.getValue('ModelTransformation') as number[] | undefined;
  let gt: GeoTransform;
  if (t && t.length >= 16) {
    gt = [t[3], t[0], t[1], t[7], t[4], t[5]];
  } else {
    const tie = fd.getValue('ModelTiepoint') as number[] | undefined;
    const scale = fd.getValue('ModelPixelScale') as number[] | undefined;
    if (!tie || !scale) return [0, 1, 0, 0, 0, 1];
    const [i, j, , x, y] = tie;
    gt = [x - i * scale[0], scale[0], 0, y + j * scale[1], 0, -scale[1]];
  }
  if (pixelIsPoint) {
    // GDAL convention: shift PixelIsPoint georeferencing by half a pixel to the corner.
    gt = [gt[0] - 0.5 * gt[1] - 0.5 * gt[2], gt[1], gt[2], gt[3] - 0.5 * gt[4] - 0.5 * gt[5], gt[4], gt[5]];
  }
  return gt;
}

interface Entry {
  tiff: GeoTIFF;
  file: Promise<RasterFile>;
  stamp: string;
  busy: number;
  evicted: boolean;
  /** Descriptor of the direct chunk path (chunks.ts), when the file qualifies. */
  fd?: number;
}

function release(entry: Entry): void {
  if (!entry.evicted || entry.busy > 0) return;
  if (entry.fd !== undefined) {
    closeSync(entry.fd);
    entry.fd = undefined;
  }
  void Promise.resolve(entry.tiff.close()).catch(() => undefined);
}

async function describe(path: string, entry: Entry): Promise<RasterFile> {
  const tiff = entry.tiff;
  const image = await tiff.getImage(0);
  const width = image.getWidth();
  const height = image.getHeight();
  const bandCount = image.getSamplesPerPixel();
  const dataType = dataTypeOf(image, path);
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const epsgKey = (keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey) as number | undefined;
  const crs: Grid['crs'] = {};
  if (epsgKey && epsgKey !== 32767) crs.epsg = epsgKey;
  else {
    const citation = [keys.PCSCitationGeoKey, keys.GTCitationGeoKey].find((c) => typeof c === 'string' && c.startsWith('ESRI PE String = '));
    if (citation) crs.wkt = String(citation).slice('ESRI PE String = '.length).replace(/\|$/, '');
  }
  const grid: Grid = { width, height, geoTransform: geoTransformOf(image, keys.GTRasterTypeGeoKey === 2), crs };
  const fd = image.fileDirectory;
  const noDataText = fd.hasTag('GDAL_NODATA') ? String(await fd.loadValue('GDAL_NODATA')).replace(/\0/g, '').trim() : '';
  const noData = noDataText === '' ? null : /^[-+]?nan$/i.test(noDataText) ? NaN : Number(noDataText);
  const xml = fd.hasTag('GDAL_METADATA') ? String(await fd.loadValue('GDAL_METADATA')) : undefined;
  const descriptions = parseGdalDescriptions(xml, bandCount);
  const described = await chunkLayout(image, path);
  const layout = 'fallback' in described ? null : described;
  const readPath = describeReadPath(described, Boolean((tiff as unknown as { bigTiff?: boolean }).bigTiff));
  const block = { width: image.getTileWidth(), height: image.getTileHeight(), tiled: image.isTiled };
  const make = (n: number) => arrayForType(dataType, n);
  if (layout) assertBlocksInside(path, Number(entry.stamp.split(':')[0]), layout.offsets, layout.byteCounts);
  // Opened on first use; a caller may hold this RasterFile after the LRU evicted (and closed) it: it reopens.
  const fileDescriptor = () => (entry.fd ??= openSync(path, 'r'));
  const check = (win: Window) => {
    if (win.x < 0 || win.y < 0 || win.width <= 0 || win.height <= 0 || win.x + win.width > width || win.y + win.height > height) {
      throw new Error(`${path}: window ${JSON.stringify(win)} outside the ${width}x${height} raster`);
    }
  };
  const count = (arrays: TypedArray[]) => {
    rasterReadStats.windows++;
    for (const a of arrays) rasterReadStats.bytes += a.byteLength;
  };
  /** geotiff.js for what the direct path does not cover (JPEG and other codecs, odd bit depths, mixed sample types). */
  const readGeneric = async (win: Window) =>
    Array.from((await image.readRasters({ window: [win.x, win.y, win.x + win.width, win.y + win.height], interleave: false })) as unknown as TypedArray[]);
  const withFile = async <T>(read: () => T | Promise<T>): Promise<T> => {
    entry.busy++;
    try {
      return await read();
    } finally {
      entry.busy--;
      release(entry);
    }
  };
  const sampleOrder: RasterFile['interleave'] = layout?.planar ? 'band' : 'pixel';
  return {
    path, width, height, bandCount, dataType, grid, noData, descriptions, readPath, block, interleave: sampleOrder,
    async readWindow(win) {
      check(win);
      const n = win.width * win.height;
      const out = await withFile(() =>
        !layout ? readGeneric(win)
        : layout.planar ? readBandsDirect(fileDescriptor(), layout, win, Array.from({ length: bandCount }, () => make(n)), make, path)
        : deinterleave(readInterleavedDirect(fileDescriptor(), layout, win, make(n * bandCount), make, path), bandCount, dataType),
      );
      count(out);
      return out;
    },
    async readWindowInterleaved(win, into) {
      check(win);
      const out = await withFile(async () =>
        layout
          ? readInterleavedDirect(fileDescriptor(), layout, win, fits(into, dataType, win.width * win.height * bandCount) ? into : make(win.width * win.height * bandCount), make, path)
          : interleave(await readGeneric(win), dataType),
      );
      count([out]);
      return out;
    },
    async readWindowPlanar(win, into, planeStride, skip) {
      check(win);
      const plane = win.width * win.height;
      const stride = planeStride ?? plane;
      if (stride < plane) throw new Error(`${path}: plane stride ${stride} is smaller than the window's ${plane} pixels`);
      const dst = fits(into, dataType, (bandCount - 1) * stride + plane) ? into! : make((bandCount - 1) * stride + plane);
      const out = await withFile(async () => {
        if (layout?.planar) return readPlanarDirect(fileDescriptor(), layout, win, dst, make, path, stride, skip);
        const bands = layout ? deinterleave(readInterleavedDirect(fileDescriptor(), layout, win, make(plane * bandCount), make, path), bandCount, dataType) : await readGeneric(win);
        bands.forEach((b, i) => dst.set(b as never, i * stride));
        return dst;
      });
      count([out]);
      return out;
    },
  };
}

const MAX_OPEN = 32;
const openFiles = new Map<string, Entry>();

function stampOf(path: string): string {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}

function evict(path: string, entry: Entry): void {
  if (openFiles.get(path) === entry) openFiles.delete(path);
  entry.evicted = true;
  release(entry);
}

/**
 * Opens (or returns the cached) raster. A per-process LRU keeps at most MAX_OPEN files open; a file whose
 * size or mtime changed is reopened. Files evicted during a read are closed once the read finishes.
 */
export async function openRaster(path: string): Promise<RasterFile> {
  const stamp = stampOf(path);
  const hit = openFiles.get(path);
  if (hit && hit.stamp === stamp) {
    openFiles.delete(path);
    openFiles.set(path, hit);
    return hit.file;
  }
  if (hit) evict(path, hit);
  assertTiffHeaderInside(path);
  const tiff = await fromFile(path);
  const entry: Entry = { tiff, stamp, busy: 0, evicted: false, file: undefined as unknown as Promise<RasterFile> };
  entry.file = describe(path, entry);
  openFiles.set(path, entry);
  entry.file.catch(() => evict(path, entry));
  while (openFiles.size > MAX_OPEN) {
    const [oldest, old] = openFiles.entries().next().value!;
    evict(oldest, old);
  }
  return entry.file;
}

/** Forgets (and closes) a cached file. Without a path, closes all. */
export function closeRaster(path?: string): void {
  for (const [p, entry] of [...openFiles]) if (path === undefined || p === path) evict(p, entry);
}
