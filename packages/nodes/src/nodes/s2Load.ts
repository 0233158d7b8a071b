/** s2.load: a year of Sentinel-2 exported from GEE with `toBands()` -> lazy TimeSeries (no pixels are read). */
import { readdirSync, statSync } from 'node:fs';
import { s2LoadProblems } from './s2LoadCheck.ts';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { sameGrid, type Grid } from '../grid.ts';
import type { RasterSource, TimeSeries } from '../values.ts';
import { describeSource, findBandFiles, parseAcquisitionTime, type SourceInfo } from '../io/rasterSource.ts';

export const S2_BANDS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B9', 'B10', 'B11', 'B12'] as const;
export const L2A_BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'] as const;
const CLOUD_FILE = { probability: 'probability', scl: 'SCL' } as const;

const params = z.object({
  dir: z.string().min(1).describe('Folder with the GEE export, relative to the data root.').meta({ widget: 'folder' }),
  prefix: z.string().min(1).describe('File name prefix: files are named <PREFIX>_<YEAR>_<BAND>.tif (or GEE split tiles <PREFIX>_<YEAR>_<BAND>-<row>-<col>.tif).'),
  year: z.number().int().min(2015).max(2100).describe('Year in the file names (Sentinel-2 starts in 2015).').meta({ unit: 'year' }),
  bands: z
    .array(z.enum(S2_BANDS))
    .min(1)
    .default([...L2A_BANDS])
    .describe('Bands to load (uint16 reflectance x 10000, 0 = no data). Default: the ten L2A bands B2 B3 B4 B5 B6 B7 B8 B8A B11 B12.')
    .meta({ widget: 'bandList' }),
  cloudLayer: z
    .enum(['probability', 'scl', 'none'])
    .default('probability')
    .describe('Cloud layer to load: "probability" = s2cloudless probability 0-100 (<PREFIX>_<YEAR>_probability.tif), "scl" = Sen2Cor scene classification (<PREFIX>_<YEAR>_SCL.tif), "none".'),
  removeBaselineOffset: z
    .boolean()
    .default(false)
    .describe('Subtract 1000 DN from every band: needed for non-harmonized L2A with processing baseline >= 04.00 (from Jan 2022). Not for S2_SR_HARMONIZED.'),
});

type Params = z.infer<typeof params>;

function layerNames(p: Params): string[] {
  const bands = [...new Set(p.bands)];
  return p.cloudLayer === 'none' ? bands : [...bands, CLOUD_FILE[p.cloudLayer]];
}

function findOrFail(dir: string, p: Params, layer: string): string[] {
  const files = findBandFiles(dir, p.prefix, p.year, layer);
  if (files.length > 0) return files;
  const expected = join(dir, `${p.prefix}_${p.year}_${layer}.tif`);
  const present = readdirSync(dir).filter((n) => n.startsWith(`${p.prefix}_`) && /\.tif$/i.test(n)).sort();
  const there = present.length > 0 ? `Files with prefix "${p.prefix}_": ${present.join(', ')}.` : `No .tif file in the folder starts with "${p.prefix}_".`;
  const isCloud = layer === 'probability' || layer === 'SCL';
  const hint = isCloud ? ' Choose another cloudLayer ("scl", "probability" or "none").' : '';
  const sameYear = present.some((n) => n.startsWith(`${p.prefix}_${p.year}_`));
  const param = isCloud ? 'cloudLayer' : sameYear ? 'bands' : present.length > 0 ? 'year' : 'prefix';
  throw new NodeError(`Missing file ${expected}. ${there}${hint}`, { param, file: expected });
}

function resolveDir(ctx: { resolvePath(relative: string, param: string): string }, p: Params): string {
  const dir = ctx.resolvePath(p.dir, 'dir');
  // The same checks as validation, so the run and `validate` say the same thing.
  const first = s2LoadProblems(dir, p)[0];
  if (first) throw new NodeError(first.message, { param: first.param, file: dir });
  return dir;
}

function describeGrid(g: Grid): string {
  return `${g.width}x${g.height} px, geotransform [${g.geoTransform.join(', ')}], CRS ${g.crs.epsg ? `EPSG:${g.crs.epsg}` : g.crs.wkt ? 'WKT' : 'unknown'}`;
}

function datesOf(info: SourceInfo, file: string): string[] {
  return info.descriptions.map((d, i) => {
    const t = parseAcquisitionTime(d);
    if (!t) throw new NodeError(`Raster band ${i + 1} of ${file} has description "${d}", which does not start with an acquisition time YYYYMMDDTHHMMSS.`, { file });
    return t;
  });
}

export const s2Load = defineNode({
  type: 's2.load',
  version: 1,
  category: 'Input',
  label: 'Load Sentinel-2',
  description:
    'Loads one year of Sentinel-2 exported from Google Earth Engine with ImageCollection.toBands(): one GeoTIFF per band, one raster band per acquisition (description starting with YYYYMMDDTHHMMSS). GEE split tiles are mosaicked. Checks that all files share the grid and the dates. Reads no pixels.',
  inputs: {},
  // The bands it loads are the names band math downstream may use.
  outputs: { series: { type: 'TimeSeries', label: 'Time series', names: { param: 'bands' } } },
  params,
  pathParams: ['dir'],
  check: (p, ctx) => s2LoadProblems(ctx.resolvePath(p.dir, 'dir'), p),
  async fingerprint(p, ctx) {
    const dir = resolveDir(ctx, p);
    const parts: string[] = [];
    for (const layer of layerNames(p)) {
      for (const f of findOrFail(dir, p, layer)) {
        const st = statSync(f);
        parts.push(`${basename(f)}:${st.size}:${st.mtimeMs}`);
      }
    }
    return parts.join('\n');
  },
  async run(ctx, _inputs, p) {
    const dir = resolveDir(ctx, p);
    const bands: Record<string, RasterSource> = {};
    let ref: { file: string; info: SourceInfo; dates: string[] } | undefined;
    const layers = layerNames(p);
    let done = 0;
    const load = async (layer: string) => {
      const files = findOrFail(dir, p, layer);
      let described;
      try {
        described = await describeSource(files);
      } catch (e) {
        if (e instanceof NodeError) throw e;
        throw new NodeError(`Cannot read ${files.length === 1 ? files[0] : `the tiles of ${layer} (${files.map((f) => basename(f)).join(', ')})`}: ${(e as Error).message}`, { file: files[0] });
      }
      const file = files[0];
      const dates = datesOf(described.info, file);
      if (!ref) {
        ref = { file, info: described.info, dates };
      } else {
        if (!sameGrid(ref.info.grid, described.info.grid)) {
          throw new NodeError(`${file} is on a different grid than ${ref.file}: ${describeGrid(described.info.grid)} vs ${describeGrid(ref.info.grid)}.`, { file });
        }
        if (dates.length !== ref.dates.length) {
          throw new NodeError(`${file} has ${dates.length} raster bands (dates) but ${ref.file} has ${ref.dates.length}.`, { file });
        }
        const i = dates.findIndex((d, k) => d !== ref!.dates[k]);
        if (i >= 0) throw new NodeError(`Raster band ${i + 1} of ${file} is acquired at ${dates[i]} but band ${i + 1} of ${ref.file} at ${ref.dates[i]}: the files must list the same dates in the same order.`, { file });
      }
      ctx.progress(++done, layers.length, 'files');
      return described;
    };
    const bandNames = [...new Set(p.bands)];
    for (const b of bandNames) {
      const { source, info } = await load(b);
      if (info.dataType !== 'uint16') throw new NodeError(`${source.tiles[0].path} is ${info.dataType}; Sentinel-2 bands must be uint16 DN (reflectance x 10000).`, { file: source.tiles[0].path });
      bands[b] = source;
    }
    const series: TimeSeries = {
      kind: 'TimeSeries',
      grid: ref!.info.grid,
      dates: ref!.dates,
      bands,
      dnOffset: p.removeBaselineOffset ? 1000 : 0,
      mask: { method: 'none' },
      indices: [],
      variables: bandNames,
    };
    if (p.cloudLayer !== 'none') series.cloud = { layer: p.cloudLayer, source: (await load(CLOUD_FILE[p.cloudLayer])).source };
    const g = series.grid;
    return {
      outputs: { series },
      summary: {
        grid: `${g.width} x ${g.height} px`,
        pixelSize: [Math.abs(g.geoTransform[1]), Math.abs(g.geoTransform[5])],
        crs: g.crs.epsg ? `EPSG:${g.crs.epsg}` : (g.crs.wkt ?? 'unknown'),
        dates: series.dates.length,
        firstDate: series.dates[0],
        lastDate: series.dates[series.dates.length - 1],
        bands: bandNames,
        cloudLayer: p.cloudLayer,
        dnOffset: series.dnOffset,
        tiles: Object.values(bands)[0].tiles.length,
      },
    };
  },
});
