/**
 * GeoTIFF reading on top of geotiff.js: grid (EPSG from GeoKeys, GDAL-order geotransform), NoData, band
 * descriptions (GDAL_METADATA), and windowed reads of all samples at once. DEFLATE is decoded with node:zlib.
 */
import { inflateSync } from 'node:zlib';
import { statSync } from 'node:fs';
import { fromFile, addDecoder, BaseDecoder } from 'geotiff';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import type { GeoTransform, Grid, Window } from '../../grid.ts';

export type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
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
  /** One array per raster band (sample), each win.width * win.height, row-major. */
  readWindow(win: Window): Promise<TypedArray[]>;
}

/** Incremented by every readWindow (tests use it to prove that cached reruns read no raster data). */
export const rasterReadStats = { windows: 0, bytes: 0 };

/** DEFLATE through node:zlib; BaseDecoder.decode applies the predictor (2 or 3) after decodeBlock. */
class ZlibDeflateDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    // One output chunk of the block's size: zlib then neither grows nor concatenates buffers.
    const p = (this as unknown as { parameters?: { tileWidth?: number; tileHeight?: number; bitsPerSample?: number[] } }).parameters;
    const expected = p?.tileWidth && p.tileHeight && p.bitsPerSample ? (p.tileWidth * p.tileHeight * p.bitsPerSample.reduce((a, b) => a + b, 0)) / 8 : 0;
    const out = inflateSync(new Uint8Array(buffer), expected > 0 ? { chunkSize: Math.max(65536, expected) } : undefined);
    if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength) return out.buffer;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], () => Promise.resolve(ZlibDeflateDecoder as unknown as typeof BaseDecoder), undefined, false);

class RawDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    return buffer;
  }
}

const CTOR = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
} as const;

/**
 * Fast path for pixel-interleaved (or single-band) little-endian files compressed with DEFLATE or not at all:
 * decode each intersecting block once and de-interleave it with typed-array loops (geotiff.js's readRasters
 * reads sample by sample through a DataView, ~10x slower). Returns null when the file does not qualify.
 */
async function fastDecoder(image: GeoTIFFImage, dataType: RasterDataType): Promise<BaseDecoder | null> {
  const fd = image.fileDirectory;
  const compression = ((await fd.loadValue('Compression')) as number | undefined) ?? 1;
  const spp = image.getSamplesPerPixel();
  if (!image.littleEndian || (image.planarConfiguration !== 1 && spp > 1)) return null;
  for (let s = 0; s < spp; s++) if (image.getBitsPerSample(s) !== image.getBitsPerSample(0) || (image.getSampleFormat(s) || 1) !== (image.getSampleFormat(0) || 1)) return null;
  if (![1, 8, 32946].includes(compression)) return null;
  const params = {
    tileWidth: image.getTileWidth(),
    tileHeight: image.getTileHeight(),
    planarConfiguration: 1,
    bitsPerSample: new Array(spp).fill(CTOR[dataType].BYTES_PER_ELEMENT * 8),
    predictor: ((await fd.loadValue('Predictor')) as number | undefined) || 1,
  };
  return compression === 1 ? new RawDecoder(params) : new ZlibDeflateDecoder(params);
}

async function readFast(image: GeoTIFFImage, decoder: BaseDecoder, dataType: RasterDataType, win: Window): Promise<TypedArray[]> {
  const spp = image.getSamplesPerPixel();
  const tw = image.getTileWidth();
  const th = image.getTileHeight();
  const out = Array.from({ length: spp }, () => arrayForType(dataType, win.width * win.height));
  const Ctor = CTOR[dataType];
  const jobs: Promise<void>[] = [];
  for (let ty = Math.floor(win.y / th); ty * th < win.y + win.height; ty++) {
    for (let tx = Math.floor(win.x / tw); tx * tw < win.x + win.width; tx++) {
      jobs.push(image.getTileOrStrip(tx, ty, 0, decoder).then(({ data }) => {
        const block = new Ctor(data as ArrayBuffer);
        const x0 = Math.max(win.x, tx * tw), x1 = Math.min(win.x + win.width, (tx + 1) * tw);
        const y0 = Math.max(win.y, ty * th), y1 = Math.min(win.y + win.height, (ty + 1) * th);
        // Pixel-outer, sample-inner: the block (often 72 samples per pixel, ~9 MB) is read once, in order.
        for (let y = y0; y < y1; y++) {
          let i = ((y - ty * th) * tw + (x0 - tx * tw)) * spp;
          const rowStart = (y - win.y) * win.width + (x0 - win.x);
          for (let o = rowStart, end = rowStart + (x1 - x0); o < end; o++) {
            for (let s = 0; s < spp; s++) out[s][o] = block[i++];
          }
        }
      }));
    }
  }
  await Promise.all(jobs);
  return out;
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
}

function release(entry: Entry): void {
  if (entry.evicted && entry.busy === 0) void Promise.resolve(entry.tiff.close()).catch(() => undefined);
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
  const decoder = await fastDecoder(image, dataType);
  return {
    path, width, height, bandCount, dataType, grid, noData, descriptions,
    async readWindow(win: Window): Promise<TypedArray[]> {
      if (win.x < 0 || win.y < 0 || win.width <= 0 || win.height <= 0 || win.x + win.width > width || win.y + win.height > height) {
        throw new Error(`${path}: window ${JSON.stringify(win)} outside the ${width}x${height} raster`);
      }
      entry.busy++;
      let rasters: TypedArray[];
      try {
        rasters = decoder
          ? await readFast(image, decoder, dataType, win)
          : ((await image.readRasters({ window: [win.x, win.y, win.x + win.width, win.y + win.height], interleave: false })) as unknown as TypedArray[]);
      } finally {
        entry.busy--;
        release(entry);
      }
      const out = Array.from(rasters);
      rasterReadStats.windows++;
      for (const a of out) rasterReadStats.bytes += a.byteLength;
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
