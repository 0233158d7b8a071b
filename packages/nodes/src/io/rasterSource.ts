/**
 * Rasters in the GEE `ImageCollection.toBands()` layout: `<PREFIX>_<YEAR>_<BAND>.tif`, or the tiles GEE splits
 * large exports into, `<PREFIX>_<YEAR>_<BAND>-<rowOffset>-<colOffset>.tif` (10-digit pixel offsets), which are
 * mosaicked on read.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chunkWindows, type Grid, type Window } from '../grid.ts';
import type { RasterSource } from '../values.ts';
import { arrayForType, dataTypeOfArray as dataTypeOf, deinterleave, openRaster, type RasterDataType, type RasterFile, type TypedArray } from './geotiff/read.ts';

export interface SourceInfo {
  grid: Grid;
  dataType: RasterDataType;
  descriptions: string[];
  noData: number | null;
}

const TILE_SUFFIX = /-(\d{10})-(\d{10})\.tif$/i;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The file `<PREFIX>_<YEAR>_<BAND>.tif`, or else the GEE split tiles of it (sorted by row, then column offset),
 * among `names` (default: the folder listing; pass it to look up many bands with one listing).
 * Returns [] when neither exists. Names are matched case-sensitively except for the `.tif` extension.
 */
export function findBandFiles(dir: string, prefix: string, year: number, band: string, names: string[] = readdirSync(dir)): string[] {
  const stem = `${prefix}_${year}_${band}`;
  const single = names.find((n) => n.startsWith(stem) && n.toLowerCase() === `${stem}.tif`.toLowerCase());
  if (single) return [join(dir, single)];
  const re = new RegExp(`^${escapeRe(stem)}-(\\d{10})-(\\d{10})\\.tif$`, 'i');
  return names
    .map((n) => ({ n, m: re.exec(n) }))
    .filter((e): e is { n: string; m: RegExpExecArray } => e.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]))
    .map((e) => join(dir, e.n));
}

/** ISO-8601 UTC time from a description starting with `YYYYMMDDTHHMMSS` (GEE system:index); null if none. */
export function parseAcquisitionTime(description: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(description.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== +d || date.getUTCMonth() !== +mo - 1) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
}

/** Opens every tile and describes the mosaic (grid from the tile at 0,0, extent from all tiles). */
export async function describeSource(paths: string[]): Promise<{ source: RasterSource; info: SourceInfo }> {
  if (paths.length === 0) throw new Error('describeSource: no files');
  const tiles: RasterSource['tiles'] = [];
  let first: Awaited<ReturnType<typeof openRaster>> | undefined;
  let origin: Awaited<ReturnType<typeof openRaster>> | undefined;
  for (const path of paths) {
    const f = await openRaster(path);
    const m = paths.length > 1 ? TILE_SUFFIX.exec(basename(path)) : null;
    if (paths.length > 1 && !m) throw new Error(`${path}: not a GEE tile name (expected <name>-<row>-<col>.tif)`);
    const yOff = m ? Number(m[1]) : 0;
    const xOff = m ? Number(m[2]) : 0;
    if (first) {
      if (f.bandCount !== first.bandCount) throw new Error(`${path}: ${f.bandCount} raster bands, but ${first.path} has ${first.bandCount}`);
      if (f.dataType !== first.dataType) throw new Error(`${path}: data type ${f.dataType}, but ${first.path} is ${first.dataType}`);
    } else {
      first = f;
    }
    if (xOff === 0 && yOff === 0) origin = f;
    tiles.push({ path, xOff, yOff, width: f.width, height: f.height });
  }
  if (!origin || !first) throw new Error(`${paths[0]}: no tile at offset 0,0 among ${paths.length} tiles`);
  const width = Math.max(...tiles.map((t) => t.xOff + t.width));
  const height = Math.max(...tiles.map((t) => t.yOff + t.height));
  const grid: Grid = { ...origin.grid, width, height };
  return {
    source: { tiles, width, height, bandCount: first.bandCount },
    info: { grid, dataType: first.dataType, descriptions: origin.descriptions, noData: origin.noData },
  };
}

/** One array per raster band (win.width * win.height, row-major, the files' data type) assembled from the tiles. */
export async function readSourceWindow(source: RasterSource, win: Window): Promise<TypedArray[]> {
  const data = await readSourceWindowInterleaved(source, win);
  return deinterleave(data, source.bandCount, dataTypeOf(data));
}

/** Supplies a reusable array of the given type and length, or undefined to let the reader allocate. */
export type BufferSource = (dataType: RasterDataType, length: number) => TypedArray | undefined;

type Order = 'pixel' | 'band';

/**
 * The window in `order` assembled from the source's tiles: pixel-major (win.width * win.height * bandCount
 * values, a pixel's bands — for a GEE stack, its dates — contiguous) or band-major (bandCount planes of
 * win.width * win.height; for a GEE stack date-major). One tile at 0,0: the file's own read, usually zero-copy.
 * `alloc` may supply the output array (see RasterFile.readWindowInterleaved's `into`).
 */
async function readMosaicWindow(source: RasterSource, win: Window, order: Order, alloc?: BufferSource, planeStride?: number, skip?: Uint8Array): Promise<TypedArray> {
  if (win.x < 0 || win.y < 0 || win.x + win.width > source.width || win.y + win.height > source.height) {
    throw new Error(`readSourceWindow: window ${JSON.stringify(win)} outside the ${source.width}x${source.height} mosaic`);
  }
  const spp = source.bandCount;
  const plane = win.width * win.height;
  // Band-major planes start planeStride apart (the values between them are scratch); pixel-major output is dense.
  const stride = order === 'band' ? (planeStride ?? plane) : plane;
  const length = (spp - 1) * stride + plane;
  const read = (f: RasterFile, w: Window, into?: TypedArray) => (order === 'band' ? f.readWindowPlanar(w, into, stride, skip) : f.readWindowInterleaved(w, into));
  const hits = source.tiles.filter((t) => t.xOff < win.x + win.width && t.xOff + t.width > win.x && t.yOff < win.y + win.height && t.yOff + t.height > win.y);
  if (hits.length === 1 && hits[0].xOff === 0 && hits[0].yOff === 0) {
    const file = await openRaster(hits[0].path);
    return read(file, win, alloc?.(file.dataType, length));
  }
  const firstFile = await openRaster(source.tiles[0].path);
  const out = alloc?.(firstFile.dataType, length) ?? arrayForType(firstFile.dataType, length);
  out.fill(0);
  if (firstFile.noData !== null && firstFile.noData !== 0) out.fill(firstFile.noData);
  await Promise.all(hits.map(async (t) => {
    const x0 = Math.max(win.x, t.xOff), x1 = Math.min(win.x + win.width, t.xOff + t.width);
    const y0 = Math.max(win.y, t.yOff), y1 = Math.min(win.y + win.height, t.yOff + t.height);
    const w = x1 - x0, h = y1 - y0;
    // Parts are read dense (no plane gaps): the copy below indexes them by w * h per plane.
    const partFile = await openRaster(t.path);
    const partWin = { x: x0 - t.xOff, y: y0 - t.yOff, width: w, height: h };
    const part = await (order === 'band' ? partFile.readWindowPlanar(partWin, undefined, undefined, skip) : partFile.readWindowInterleaved(partWin));
    // Row by row (of each plane, band-major): a pixel-major row holds w * spp values, a plane's row w.
    const [planes, rowValues, planeOut] = order === 'band' ? [spp, w, stride] : [1, w * spp, 0];
    const perPixel = order === 'band' ? 1 : spp;
    for (let b = 0; b < planes; b++) {
      for (let r = 0; r < h; r++) {
        const src = b * w * h + r * rowValues;
        out.set(part.subarray(src, src + rowValues) as never, b * planeOut + ((y0 - win.y + r) * win.width + (x0 - win.x)) * perPixel);
      }
    }
  }));
  return out;
}

/** The window pixel-major, assembled from the tiles (see readMosaicWindow). */
export function readSourceWindowInterleaved(source: RasterSource, win: Window, alloc?: BufferSource): Promise<TypedArray> {
  return readMosaicWindow(source, win, 'pixel', alloc);
}

/**
 * The window band-major (a band-interleaved file's own order), assembled from the tiles (see readMosaicWindow);
 * plane b starts at b * planeStride (default: the plane's size, no gaps). Planes with `skip[b] = 1` may be
 * left undecoded (zeros; see RasterFile.readWindowPlanar).
 */
export function readSourceWindowPlanar(source: RasterSource, win: Window, alloc?: BufferSource, planeStride?: number, skip?: Uint8Array): Promise<TypedArray> {
  return readMosaicWindow(source, win, 'band', alloc, planeStride, skip);
}

/** 'band' when every file of the source is band-interleaved (then readSourceWindowPlanar needs no transpose). */
export async function sourceInterleave(source: RasterSource): Promise<Order> {
  for (const t of source.tiles) if ((await openRaster(t.path)).interleave !== 'band') return 'pixel';
  return 'band';
}

/** How each file of these sources is read (RasterFile.readPath), by file name: for run summaries. */
export async function readPathsOf(sources: RasterSource[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of sources) for (const t of s.tiles) out[basename(t.path)] = (await openRaster(t.path)).readPath;
  return out;
}

/**
 * Windows of about chunkSize² pixels aligned to the files' chunks, so that each chunk is decoded once: for tiled
 * files squares of a multiple of the tile edge (unless chunkSize is smaller than a tile), for striped files full-width bands of whole strips (a 256 px
 * square over 1-row strips 3,300 px wide would inflate every strip 13 times). Files too coarse for that (one
 * strip of the whole image) get plain squares.
 */
export async function alignedWindows(grid: Pick<Grid, 'width' | 'height'>, chunkSize: number, sources: RasterSource[]): Promise<Window[]> {
  let striped = false;
  let unit = 1;
  for (const s of sources) {
    for (const t of s.tiles) {
      const { block } = await openRaster(t.path);
      striped ||= !block.tiled;
      unit = Math.max(unit, block.height);
    }
  }
  const target = chunkSize * chunkSize;
  // Smaller windows than a tile are the caller's choice (memory over decoding each tile several times).
  if (!striped) return chunkWindows(grid, chunkSize >= unit ? Math.round(chunkSize / unit) * unit : chunkSize);
  const rows = Math.max(unit, Math.round(target / grid.width / unit) * unit);
  if (rows * grid.width > 16 * target) return chunkWindows(grid, chunkSize);
  const out: Window[] = [];
  for (let y = 0; y < grid.height; y += rows) out.push({ x: 0, y, width: grid.width, height: Math.min(rows, grid.height - y) });
  return out;
}
