/**
 * Windowed reads of a cloud-optimised GeoTIFF through a ByteSource (HTTP ranges or a local file, the same code
 * for both so the benchmark compares transport only). geotiff.js parses the header (prefetched in one request);
 * the tiles a window needs are fetched with adjacent tiles merged into one request, all requests of a window
 * at once (the HTTP client bounds how many are in flight), and decoded here: DEFLATE through libdeflate/zlib
 * with predictor 1 or 2; other compressions through geotiff.js's readRasters (same ranged source, no merging).
 */
import { open } from 'node:fs/promises';
import { GeoTIFF } from 'geotiff';
import type { GeoTransform, Window } from '../../grid.ts';
import { inflateInto } from '../geotiff/deflate.ts';
import type { HttpClient } from './http.ts';

export interface ByteSource {
  /** For messages: the URL or path. */
  readonly name: string;
  read(start: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export function httpByteSource(client: HttpClient, url: string, label: string): ByteSource {
  return { name: url, read: (start, length) => client.range(url, start, length, label) };
}

export function fileByteSource(path: string): ByteSource {
  let handle: ReturnType<typeof open> | undefined;
  return {
    name: path,
    async read(start, length) {
      const fh = await (handle ??= open(path, 'r'));
      const buf = new Uint8Array(length);
      const { bytesRead } = await fh.read(buf, 0, length, start);
      return buf.subarray(0, bytesRead);
    },
    async close() {
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}

export type CogDataType = 'uint8' | 'uint16';

export interface Cog {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  epsg: number | undefined;
  dataType: CogDataType;
  /** Compressed bytes fetched for tiles so far. */
  bytesRead: number;
  /** The window, row-major, in the file's data type; pixels of absent (sparse) tiles are 0. */
  readWindow(win: Window): Promise<Uint8Array | Uint16Array>;
}

/** Header bytes prefetched in one request: GDAL's COGs keep the IFD and tile index in the first few KB. */
const HEADER_BYTES = 64 * 1024;
/** Tiles whose bytes are this close are fetched in one request (the gap is read and thrown away). */
const MERGE_GAP = 2048;

class PrefetchedSource {
  constructor(
    private readonly src: ByteSource,
    private readonly head: Uint8Array,
  ) {}

  get fileSize(): number | null {
    return null;
  }

  async fetch(slices: { offset: number; length: number }[]): Promise<ArrayBuffer[]> {
    return Promise.all(
      slices.map(async ({ offset, length }) => {
        const bytes = offset + length <= this.head.byteLength ? this.head.subarray(offset, offset + length) : await this.src.read(offset, length);
        return bytes.slice().buffer;
      }),
    );
  }

  async close(): Promise<void> {}
}

export async function openCog(src: ByteSource): Promise<Cog> {
  const head = await src.read(0, HEADER_BYTES);
  let tiff: GeoTIFF;
  try {
    tiff = await GeoTIFF.fromSource(new PrefetchedSource(src, head) as never);
  } catch (e) {
    throw new Error(`${src.name} is not a readable GeoTIFF: ${(e as Error).message}`);
  }
  const image = await tiff.getImage(0);
  const fd = image.fileDirectory;
  const name = src.name;
  if (!image.isTiled) throw new Error(`${name} is not tiled, so it is not a cloud-optimised GeoTIFF`);
  if (image.getSamplesPerPixel() !== 1) throw new Error(`${name} has ${image.getSamplesPerPixel()} samples per pixel; a Sentinel-2 asset has one`);
  const bits = image.getBitsPerSample(0);
  const format = image.getSampleFormat(0) || 1;
  if (format !== 1 || (bits !== 8 && bits !== 16)) throw new Error(`${name} holds ${bits}-bit samples of format ${format}; Sentinel-2 assets are uint8 or uint16`);
  const dataType: CogDataType = bits === 8 ? 'uint8' : 'uint16';
  const compression = ((await fd.loadValue('Compression')) as number | undefined) ?? 1;
  const predictor = ((await fd.loadValue('Predictor')) as number | undefined) ?? 1;
  const offsets = Array.from((await fd.loadValue('TileOffsets')) as ArrayLike<number | bigint>, Number);
  const counts = Array.from((await fd.loadValue('TileByteCounts')) as ArrayLike<number | bigint>, Number);
  const tw = image.getTileWidth();
  const th = image.getTileHeight();
  const width = image.getWidth();
  const height = image.getHeight();
  const across = Math.ceil(width / tw);
  const [ox, oy] = image.getOrigin();
  const [rx, ry] = image.getResolution();
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const epsgKey = (keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey) as number | undefined;
  const littleEndian = image.littleEndian;
  const Ctor = dataType === 'uint8' ? Uint8Array : Uint16Array;
  const tileValues = tw * th;
  const direct = compression === 1 || compression === 8 || compression === 32946;

  const decode = async (bytes: Uint8Array, index: number): Promise<Uint8Array | Uint16Array> => {
    const tile = new Ctor(tileValues);
    const raw = new Uint8Array(tile.buffer);
    if (compression === 1) raw.set(bytes.subarray(0, raw.byteLength));
    else {
      try {
        inflateInto(bytes, raw);
      } catch (e) {
        throw new Error(`${name}: tile ${index}: ${(e as Error).message}`);
      }
    }
    if (!littleEndian && dataType === 'uint16') swap16(raw);
    if (predictor === 2) {
      for (let r = 0; r < th; r++) for (let i = r * tw + 1; i < (r + 1) * tw; i++) tile[i] += tile[i - 1];
    } else if (predictor !== 1) throw new Error(`${name}: predictor ${predictor} is not supported for integer data`);
    return tile;
  };

  const cog: Cog = {
    width, height, dataType, bytesRead: 0,
    geoTransform: [ox, rx, 0, oy, 0, ry],
    epsg: epsgKey && epsgKey !== 32767 ? epsgKey : undefined,
    async readWindow(win) {
      if (win.x < 0 || win.y < 0 || win.width <= 0 || win.height <= 0 || win.x + win.width > width || win.y + win.height > height) {
        throw new Error(`${name}: window ${JSON.stringify(win)} outside the ${width}x${height} raster`);
      }
      if (!direct) {
        const [data] = (await image.readRasters({ window: [win.x, win.y, win.x + win.width, win.y + win.height], interleave: false })) as unknown as (Uint8Array | Uint16Array)[];
        return data;
      }
      const out = new Ctor(win.width * win.height);
      const tiles: { tx: number; ty: number; index: number; offset: number; count: number }[] = [];
      for (let ty = Math.floor(win.y / th); ty * th < win.y + win.height; ty++) {
        for (let tx = Math.floor(win.x / tw); tx * tw < win.x + win.width; tx++) {
          const index = ty * across + tx;
          if (offsets[index] === undefined) throw new Error(`${name}: no tile ${tx},${ty} in the tile index (truncated or corrupt file)`);
          if (counts[index] > 0) tiles.push({ tx, ty, index, offset: offsets[index], count: counts[index] });
        }
      }
      tiles.sort((a, b) => a.offset - b.offset);
      const groups: (typeof tiles)[] = [];
      for (const t of tiles) {
        const last = groups.at(-1)?.at(-1);
        if (last && t.offset >= last.offset + last.count && t.offset - (last.offset + last.count) <= MERGE_GAP) groups.at(-1)!.push(t);
        else groups.push([t]);
      }
      await Promise.all(
        groups.map(async (group) => {
          const start = group[0].offset;
          const end = group.at(-1)!.offset + group.at(-1)!.count;
          const bytes = await src.read(start, end - start);
          if (bytes.byteLength < end - start) throw new Error(`${name}: got ${bytes.byteLength} of ${end - start} bytes at ${start} (truncated file?)`);
          cog.bytesRead += bytes.byteLength;
          for (const t of group) {
            const tile = await decode(bytes.subarray(t.offset - start, t.offset - start + t.count), t.index);
            const x0 = Math.max(win.x, t.tx * tw), x1 = Math.min(win.x + win.width, (t.tx + 1) * tw);
            const y0 = Math.max(win.y, t.ty * th), y1 = Math.min(win.y + win.height, (t.ty + 1) * th);
            for (let y = y0; y < y1; y++) {
              const s = (y - t.ty * th) * tw + (x0 - t.tx * tw);
              out.set(tile.subarray(s, s + (x1 - x0)) as never, (y - win.y) * win.width + (x0 - win.x));
            }
          }
        }),
      );
      return out;
    },
  };
  return cog;
}

function swap16(b: Uint8Array): void {
  for (let i = 0; i + 1 < b.length; i += 2) {
    const t = b[i];
    b[i] = b[i + 1];
    b[i + 1] = t;
  }
}
