/**
 * Direct chunk access for every common GeoTIFF layout, chosen from the file's tags: tiles or strips (a strip is
 * a tile of full width x RowsPerStrip), pixel- or band-interleaved (PlanarConfiguration 1 or 2), DEFLATE, LZW,
 * ZSTD or none, predictor 1, 2 or 3, either byte order, classic TIFF or BigTIFF. A chunk is read with one pread
 * and decoded straight into its destination; geotiff.js's own path goes through a block cache, a JavaScript
 * inflate and a DataView per sample, ~10x slower on 72-sample stacks.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { GeoTIFFImage } from 'geotiff';
import { inflateInto } from './deflate.ts';
import { lzwDecode } from './lzw.ts';
import { swapBytes, undoFloatingPoint, undoHorizontal } from './predictor.ts';
import { undoHorizontalSimd } from './predictorWasm.ts';
import { zstdDecode } from './zstd.ts';

export type Codec = 'none' | 'deflate' | 'lzw' | 'zstd';
const CODECS: Record<number, Codec> = { 1: 'none', 5: 'lzw', 8: 'deflate', 32946: 'deflate', 50000: 'zstd' };
const CODEC_NAME: Record<Codec, string> = { none: 'uncompressed', deflate: 'DEFLATE', lzw: 'LZW', zstd: 'ZSTD' };

export interface ChunkLayout {
  tiled: boolean;
  /** Chunk size in pixels: the tile, or (image width x RowsPerStrip) for strips. */
  chunkWidth: number;
  chunkHeight: number;
  across: number;
  down: number;
  imageHeight: number;
  samples: number;
  /** PlanarConfiguration 2 with several samples: each sample has its own chunks, sample-major. */
  planar: boolean;
  bytesPerSample: number;
  codec: Codec;
  predictor: 1 | 2 | 3;
  littleEndian: boolean;
  offsets: number[];
  byteCounts: number[];
}

/** The direct layout of `image`, or the reason it must go through geotiff.js. */
export async function chunkLayout(image: GeoTIFFImage, path: string): Promise<ChunkLayout | { fallback: string }> {
  const fd = image.fileDirectory;
  const compression = ((await fd.loadValue('Compression')) as number | undefined) ?? 1;
  const predictor = ((await fd.loadValue('Predictor')) as number | undefined) ?? 1;
  const samples = image.getSamplesPerPixel();
  const bits = image.getBitsPerSample(0);
  const format = image.getSampleFormat(0) || 1;
  for (let s = 1; s < samples; s++) {
    if (image.getBitsPerSample(s) !== bits || (image.getSampleFormat(s) || 1) !== format) return { fallback: 'mixed sample types' };
  }
  const codec = CODECS[compression];
  if (!codec) return { fallback: `compression ${compression}` };
  if (![8, 16, 32, 64].includes(bits)) return { fallback: `${bits}-bit samples` };
  if (predictor === 2 && bits === 64) return { fallback: 'predictor 2 on 64-bit samples' };
  if (predictor === 3 && format !== 3) return { fallback: 'predictor 3 on integer samples' };
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) return { fallback: `predictor ${predictor}` };
  const tiled = image.isTiled;
  const offsets = await chunkIndex(image, tiled ? 324 : 273, path);
  const byteCounts = await chunkIndex(image, tiled ? 325 : 279, path);
  const chunkWidth = image.getTileWidth();
  const chunkHeight = image.getTileHeight();
  return {
    tiled,
    chunkWidth,
    chunkHeight,
    across: Math.ceil(image.getWidth() / chunkWidth),
    down: Math.ceil(image.getHeight() / chunkHeight),
    imageHeight: image.getHeight(),
    samples,
    planar: samples > 1 && image.planarConfiguration === 2,
    bytesPerSample: bits / 8,
    codec,
    predictor,
    littleEndian: image.littleEndian,
    offsets,
    byteCounts,
  };
}

interface DeferredArray {
  arrayOffset: number;
  fieldType: number;
  length: number;
}

/**
 * A chunk offset or byte-count array. geotiff.js decodes its lazily loaded (large) arrays as little-endian
 * whatever the file's byte order, so for big-endian files those are read here from the tag's own location.
 */
async function chunkIndex(image: GeoTIFFImage, tag: number, path: string): Promise<number[]> {
  const fd = image.fileDirectory;
  const deferred = (fd as unknown as { deferredArrays?: Map<number, DeferredArray> }).deferredArrays?.get(tag);
  if (image.littleEndian || !deferred) return Array.from((await fd.loadValue(tag)) as ArrayLike<number | bigint>, Number);
  const size = ({ 3: 2, 4: 4, 16: 8 } as Record<number, number>)[deferred.fieldType];
  if (!size) throw new Error(`${path}: chunk index tag ${tag} has TIFF field type ${deferred.fieldType}`);
  const buf = Buffer.alloc(size * deferred.length);
  const file = openSync(path, 'r');
  try {
    if (readSync(file, buf, 0, buf.length, deferred.arrayOffset) !== buf.length) throw new Error(`${path}: the chunk index (tag ${tag}) is cut off: truncated file`);
  } finally {
    closeSync(file);
  }
  return Array.from({ length: deferred.length }, (_, i) => (size === 2 ? buf.readUInt16BE(i * 2) : size === 4 ? buf.readUInt32BE(i * 4) : Number(buf.readBigUInt64BE(i * 8))));
}

/** How a file is read, for run summaries: e.g. `direct/deflate/band-interleaved/tiled`. */
export function describeReadPath(layout: ChunkLayout | { fallback: string }, bigTiff: boolean): string {
  if ('fallback' in layout) return `geotiff.js (${layout.fallback})`;
  const parts = ['direct', layout.codec, layout.samples === 1 ? 'single-band' : layout.planar ? 'band-interleaved' : 'pixel-interleaved', layout.tiled ? 'tiled' : 'striped'];
  if (layout.predictor !== 1) parts.push(`predictor-${layout.predictor}`);
  if (!layout.littleEndian) parts.push('big-endian');
  if (bigTiff) parts.push('bigtiff');
  return parts.join('/');
}

/** Compressed-bytes buffer and predictor-3 row scratch shared by every read on this thread (reads are synchronous). */
let readBuffer = Buffer.alloc(0);
let rowScratch = new Uint8Array(0);

function chunkName(layout: ChunkLayout, index: number): string {
  const perPlane = layout.across * layout.down;
  const i = index % perPlane;
  const band = layout.planar ? ` of band ${Math.floor(index / perPlane) + 1}` : '';
  return layout.tiled ? `tile ${i % layout.across},${Math.floor(i / layout.across)}${band}` : `strip ${Math.floor(i / layout.across)}${band}`;
}

/** Rows of chunk row `cy` inside the image (the last strip or tile row may be shorter). */
export function chunkRows(layout: ChunkLayout, cy: number): number {
  return Math.min(layout.chunkHeight, layout.imageHeight - cy * layout.chunkHeight);
}

/**
 * Decodes chunk `index` (sample-major for band-interleaved files) into `dst`, which holds at least its valid
 * rows (chunkWidth * samplesPerChunk values per row); returns the rows decoded, in machine byte order.
 */
export function decodeChunk(file: number, layout: ChunkLayout, index: number, dst: Uint8Array, path: string): number {
  const cy = Math.floor((index % (layout.across * layout.down)) / layout.across);
  const rows = chunkRows(layout, cy);
  const spc = layout.planar ? 1 : layout.samples;
  const rowSamples = layout.chunkWidth * spc;
  const need = rows * rowSamples * layout.bytesPerSample;
  const offset = layout.offsets[index];
  const count = layout.byteCounts[index];
  const fail = (what: string): never => {
    throw new Error(`${path}: ${chunkName(layout, index)}: ${what}`);
  };
  if (offset === undefined || count === undefined) fail("missing from the file's chunk index (truncated or corrupt file)");
  if (dst.byteLength < need) fail(`internal: destination of ${dst.byteLength} bytes for ${need}`);
  if (count === 0) {
    dst.fill(0, 0, need); // a sparse (never written) chunk, which GDAL also reads as zeros
    return rows;
  }
  let decoded: number;
  if (layout.codec === 'none') {
    decoded = readSync(file, dst, 0, Math.min(count, dst.byteLength), offset);
  } else {
    if (readBuffer.byteLength < count) readBuffer = Buffer.allocUnsafe(Math.max(count, 2 * readBuffer.byteLength));
    const got = readSync(file, readBuffer, 0, count, offset);
    if (got !== count) fail(`truncated: ${count} bytes at offset ${offset}, but the file ends after ${got} of them`);
    const src = readBuffer.subarray(0, count);
    try {
      decoded = layout.codec === 'deflate' ? inflateInto(src, dst) : layout.codec === 'lzw' ? lzwDecode(src, dst) : zstdDecode(src, dst);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  if (decoded < need) fail(`${CODEC_NAME[layout.codec]} data holds ${decoded} bytes, expected ${need} (truncated or corrupt file)`);
  const bps = layout.bytesPerSample;
  if (!layout.littleEndian && layout.predictor !== 3) swapBytes(dst.subarray(0, need), bps);
  if (layout.predictor === 2) {
    if (!undoHorizontalSimd(dst, bps, rowSamples, rows, spc)) undoHorizontal(dst, bps, rowSamples, rows, spc);
  }
  else if (layout.predictor === 3) {
    if (rowScratch.byteLength < rowSamples * bps) rowScratch = new Uint8Array(rowSamples * bps);
    undoFloatingPoint(dst, bps, rowSamples, rows, spc, rowScratch);
  }
  return rows;
}
