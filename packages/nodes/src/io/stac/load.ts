/**
 * Downloads the AOI's window of every asset of every date group and writes the year as a local stack in the
 * GEE toBands() layout (`<PREFIX>_<YEAR>_<LAYER>.tif`, one raster band per date, description
 * `YYYYMMDDTHHMMSS_YYYYMMDDTHHMMSS_T<tiles>`). Per date: every item's layers are read at once (the HTTP
 * client bounds the requests in flight), the item's radiometry rule is decided from its metadata and checked on
 * its blue and SCL values, values are put on the target grid nearest-neighbour, and tiles of one overpass are
 * mosaicked (first valid value wins, tiles in name order). Date planes go to a raw scratch file, then each
 * stack is written tile by tile through writeGeoTiff (temporary name + rename).
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError } from '../../errors.ts';
import type { Grid, Window } from '../../grid.ts';
import { fanOut } from '../../fanOut.ts';
import { writeGeoTiff } from '../geotiff/write.ts';
import { openCog, type ByteSource, type Cog } from './cog.ts';
import { resampling, type Resampling } from './aoi.ts';
import { assetOf, checkRadiometry, itemTile, metadataRule, type DateGroup } from './items.ts';
import type { StacItem } from './search.ts';

export interface Layer {
  /** File name part: B2 ... B12, SCL, probability */
  file: string;
  /** Asset lookup name for assetOf: B2 ..., SCL, CLOUD */
  asset: string;
  /** Reflectance (radiometry rule applies) */
  reflectance: boolean;
  dataType: 'uint8' | 'uint16';
  /** Param blamed when an item lacks the asset */
  param: string;
}

export interface ItemReport {
  id: string;
  date: string;
  tile: string;
  subtract: number;
  rule: string;
  checked: boolean;
}

export interface LoadOptions {
  groups: DateGroup[];
  grid: Grid;
  layers: Layer[];
  workDir: string;
  prefix: string;
  year: number;
  /** A ByteSource for an asset href (HTTP with retries, or a local file), signed if the catalogue needs it. */
  source(href: string, item: StacItem): Promise<ByteSource>;
  signal: AbortSignal;
  /** Date groups read at once (each reads all its items' layers in parallel). */
  dateConcurrency?: number;
  progress(done: number, total: number): void;
}

export interface LoadResult {
  files: Record<string, string>;
  dates: string[];
  items: ItemReport[];
  tileBytes: number;
}

function describeDate(g: DateGroup): string {
  const t = g.time.replace(/[-:]/g, '').slice(0, 15);
  const tiles = [...new Set(g.items.map(itemTile))].map((x) => `T${x}`).join('-');
  return `${t}_${t}_${tiles}`;
}

export async function loadStack(o: LoadOptions): Promise<LoadResult> {
  const { grid, layers, groups } = o;
  const W = grid.width, H = grid.height, N = W * H;
  const scratch = new Map<string, { path: string; fh: FileHandle }>();
  const resamplings = new Map<string, Resampling | null>();
  const items: ItemReport[] = [];
  let tileBytes = 0;
  const files: Record<string, string> = {};
  try {
    for (const l of layers) {
      const path = join(o.workDir, `.${l.file}.scratch-${process.pid}`);
      scratch.set(l.file, { path, fh: await open(path, 'w+') });
    }
    const readItem = async (item: StacItem, day: string) => {
      const read = async (l: Layer): Promise<{ layer: Layer; data: Uint8Array | Uint16Array | null; res: Resampling | null }> => {
        const asset = assetOf(item, l.asset);
        if (!asset) {
          throw new NodeError(`Item ${item.id} (${day}) has no ${l.asset === 'CLOUD' ? 'cloud probability' : l.file} asset; its assets are: ${Object.keys(item.assets).join(', ')}.`, {
            param: l.param,
          });
        }
        const src = await o.source(asset.href, item);
        try {
          let cog: Cog;
          try {
            cog = await openCog(src);
          } catch (e) {
            if (e instanceof NodeError || o.signal.aborted) throw e;
            throw new NodeError(`Cannot read ${l.file} of item ${item.id}: ${(e as Error).message}`, { param: 'catalog' });
          }
          const key = `${cog.width}x${cog.height}:${cog.geoTransform.join(',')}:${cog.epsg}`;
          if (!resamplings.has(key)) resamplings.set(key, resampling(grid, cog));
          const res = resamplings.get(key)!;
          const data = res ? await cog.readWindow(res.window) : null;
          tileBytes += cog.bytesRead;
          return { layer: l, data, res };
        } finally {
          await src.close?.();
        }
      };
      const got = await Promise.all(layers.map(read));
      const blue = got.find((g) => g.layer.asset === 'B2');
      const scl = got.find((g) => g.layer.asset === 'SCL');
      const onGrid = (g: (typeof got)[number] | undefined) => {
        if (!g?.data || !g.res) return undefined;
        const out = g.layer.dataType === 'uint8' ? new Uint8Array(N) : new Uint16Array(N);
        const { index } = g.res;
        const d = g.data;
        for (let i = 0; i < N; i++) if (index[i] >= 0) out[i] = d[index[i]];
        return out;
      };
      const blueOnGrid = onGrid(blue) as Uint16Array | undefined;
      const sclOnGrid = onGrid(scl) as Uint8Array | undefined;
      const meta = metadataRule(item, assetOf(item, 'B2'));
      const rule = checkRadiometry(meta, blueOnGrid, sclOnGrid);
      items.push({ id: item.id, date: day, tile: itemTile(item), subtract: rule.subtract, rule: rule.rule, checked: rule.checked });
      return got.map((g) => ({ layer: g.layer, values: g === blue ? blueOnGrid : g === scl ? sclOnGrid : onGrid(g), subtract: g.layer.reflectance ? rule.subtract : 0 }));
    };
    const doDate = async (g: DateGroup, d: number) => {
      const planes = new Map(layers.map((l) => [l.file, l.dataType === 'uint8' ? new Uint8Array(N) : new Uint16Array(N)]));
      // all items of the overpass at once, then mosaic in tile order
      const perItem = await Promise.all(g.items.map((it) => readItem(it, g.day)));
      for (const layersOfItem of perItem) {
        for (const { layer, values, subtract } of layersOfItem) {
          if (!values) continue;
          const plane = planes.get(layer.file)!;
          for (let i = 0; i < N; i++) {
            if (plane[i] !== 0) continue;
            const v = values[i];
            if (v === 0) continue;
            // a valid pixel stays valid (DN 0 means no data), so a negative BOA reflectance clamps to DN 1
            plane[i] = subtract ? Math.max(1, v - subtract) : v;
          }
        }
      }
      for (const l of layers) {
        const plane = planes.get(l.file)!;
        const { fh } = scratch.get(l.file)!;
        await fh.write(new Uint8Array(plane.buffer), 0, plane.byteLength, d * plane.byteLength);
      }
    };
    let done = 0;
    // Dates still being read finish before the scratch files close (finally below), even when one fails.
    const name = (g: DateGroup, d: number, n: number) => `date ${g.day}, ${d + 1} of ${n}`;
    await fanOut(groups, { concurrency: o.dateConcurrency ?? 2, signal: o.signal, name }, async (g, d) => {
      await doDate(g, d);
      o.progress(++done, groups.length + layers.length);
    });
    const descriptions = groups.map(describeDate);
    for (const l of layers) {
      const { fh } = scratch.get(l.file)!;
      const bytes = l.dataType === 'uint8' ? 1 : 2;
      const path = join(o.workDir, `${o.prefix}_${o.year}_${l.file}.tif`);
      let strip: { y: number; h: number; data: Uint8Array | Uint16Array } | undefined;
      const readInterleaved = async (win: Window) => {
        if (!strip || strip.y !== win.y || strip.h !== win.height) {
          // rows win.y .. win.y+h of every date plane, [date][row][col]
          const data = bytes === 1 ? new Uint8Array(groups.length * win.height * W) : new Uint16Array(groups.length * win.height * W);
          for (let d = 0; d < groups.length; d++) {
            const off = d * win.height * W;
            await fh.read(new Uint8Array(data.buffer, off * bytes, win.height * W * bytes), 0, win.height * W * bytes, (d * N + win.y * W) * bytes);
          }
          strip = { y: win.y, h: win.height, data };
        }
        const n = groups.length;
        const out = bytes === 1 ? new Uint8Array(win.width * win.height * n) : new Uint16Array(win.width * win.height * n);
        const s = strip.data;
        for (let r = 0; r < win.height; r++) {
          for (let c = 0; c < win.width; c++) {
            const o2 = (r * win.width + c) * n;
            const src = r * W + win.x + c;
            for (let d = 0; d < n; d++) out[o2 + d] = s[d * win.height * W + src];
          }
        }
        return out;
      };
      await writeGeoTiff(path, { grid, bandCount: groups.length, dataType: l.dataType, noData: 0, descriptions, readInterleaved, signal: o.signal });
      files[l.file] = path;
      o.progress(groups.length + Object.keys(files).length, groups.length + layers.length);
    }
    return { files, dates: groups.map((g) => g.time), items, tileBytes };
  } finally {
    for (const { path, fh } of scratch.values()) {
      await fh.close().catch(() => undefined);
      await rm(path, { force: true });
    }
  }
}
