/**
 * s2.load's checks of the files' headers (no pixel is read), shared by validation and the run: every band file
 * and the cloud layer of a year must be readable GeoTIFFs on one grid with the same dates, so that a cut copy,
 * a band exported over another region or with fewer dates is reported before the run, naming the file.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { ParamProblem } from '../define.ts';
import { sameGrid, type Grid } from '../grid.ts';
import { readTiffHeader, type TiffHeader } from '../io/geotiff/header.ts';
import { findBandFiles, parseAcquisitionTime } from '../io/rasterSource.ts';

export interface HeaderParamsLike {
  dir: string;
  prefix: string;
  year: number;
  bands: string[];
  cloudLayer: 'probability' | 'scl' | 'none';
}

const CLOUD_FILE = { probability: 'probability', scl: 'SCL' } as const;
const TILE_SUFFIX = /-(\d{10})-(\d{10})\.tif$/i;

export function describeGrid(g: Grid): string {
  return `${g.width}x${g.height} px, geotransform [${g.geoTransform.join(', ')}], CRS ${g.crs.epsg ? `EPSG:${g.crs.epsg}` : g.crs.wkt ? 'WKT' : 'unknown'}`;
}

/** A layer's file(s) described like rasterSource.describeSource does, from headers only. */
interface LayerInfo {
  file: string;
  grid: Grid;
  bandCount: number;
  dataType: TiffHeader['dataType'];
  descriptions: string[];
}

class LayerProblem extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

function describeLayer(files: string[], shown: (abs: string) => string): LayerInfo {
  const read = (f: string): TiffHeader => {
    try {
      return readTiffHeader(f);
    } catch (e) {
      // Header errors start with the absolute path: name the file as the user knows it.
      const why = (e as Error).message.startsWith(`${f}: `) ? (e as Error).message.slice(f.length + 2) : (e as Error).message;
      throw new LayerProblem(`${shown(f)} cannot be read: ${why}`, f);
    }
  };
  let first: { f: string; h: TiffHeader } | undefined;
  let origin: TiffHeader | undefined;
  let width = 0;
  let height = 0;
  for (const f of files) {
    const h = read(f);
    const m = files.length > 1 ? TILE_SUFFIX.exec(basename(f)) : null;
    const yOff = m ? Number(m[1]) : 0;
    const xOff = m ? Number(m[2]) : 0;
    if (first) {
      if (h.bandCount !== first.h.bandCount) throw new LayerProblem(`${shown(f)} has ${h.bandCount} raster bands, but ${shown(first.f)} has ${first.h.bandCount}: export all tiles of a band together`, f);
      if (h.dataType !== first.h.dataType) throw new LayerProblem(`${shown(f)} is ${h.dataType}, but ${shown(first.f)} is ${first.h.dataType}: export all tiles of a band together`, f);
    } else first = { f, h };
    if (xOff === 0 && yOff === 0) origin = h;
    width = Math.max(width, xOff + h.width);
    height = Math.max(height, yOff + h.height);
  }
  if (!origin || !first) throw new LayerProblem(`${shown(files[0])}: no tile at offset 0,0 among ${files.length} tiles (-0000000000-0000000000.tif is missing): copy every tile of the export`, files[0]);
  return { file: files[0], grid: { ...origin.grid, width, height }, bandCount: first.h.bandCount, dataType: first.h.dataType, descriptions: origin.descriptions };
}

/** Acquisition times of a header's descriptions, parsed once per (cached) header: the editor validates on every edit. */
const parsed = new WeakMap<string[], (string | null)[]>();
function timesOf(descriptions: string[]): (string | null)[] {
  let t = parsed.get(descriptions);
  if (!t) parsed.set(descriptions, (t = descriptions.map(parseAcquisitionTime)));
  return t;
}

/**
 * Problems of the year's files (abs = the resolved folder, already known to hold every file by name); [] when
 * the run will load them. One problem per layer at most; the first one is what the run throws.
 */
export function s2LoadHeaderProblems(abs: string, p: HeaderParamsLike): ParamProblem[] {
  const rel = p.dir.replace(/\/+$/, '');
  const shown = (f: string) => (rel && rel !== '.' ? `${rel}/${basename(f)}` : basename(f));
  const layers = [...new Set(p.bands)].map((b) => ({ layer: b as string, param: 'bands' }));
  if (p.cloudLayer !== 'none') layers.push({ layer: CLOUD_FILE[p.cloudLayer], param: 'cloudLayer' });
  const problems: ParamProblem[] = [];
  let ref: { info: LayerInfo; dates: string[] } | undefined;
  const names = readdirSync(abs);
  for (const { layer, param } of layers) {
    const files = findBandFiles(abs, p.prefix, p.year, layer, names);
    if (files.length === 0) {
      // The folder scan matched the name case-insensitively; the loader needs the exact case.
      problems.push({ param, message: `no file named ${p.prefix}_${p.year}_${layer}.tif in ${rel}/ (names are case-sensitive): rename the file to that name (${param})` });
      continue;
    }
    try {
      const info = describeLayer(files, shown);
      if (layer !== 'SCL' && layer !== 'probability' && info.dataType !== 'uint16') {
        throw new LayerProblem(`${shown(info.file)} is ${info.dataType}; Sentinel-2 bands must be uint16 DN (reflectance x 10000): export the band unscaled`, info.file);
      }
      const times = timesOf(info.descriptions);
      const dates = info.descriptions.map((d, i) => {
        const t = times[i];
        if (!t) throw new LayerProblem(`raster band ${i + 1} of ${shown(info.file)} has description "${d}", which does not start with an acquisition time YYYYMMDDTHHMMSS: export with ImageCollection.toBands() so that each band is named by its image`, info.file);
        return t;
      });
      if (!ref) {
        ref = { info, dates };
        continue;
      }
      const a = shown(info.file);
      const b = shown(ref.info.file);
      if (!sameGrid(ref.info.grid, info.grid)) {
        throw new LayerProblem(`${a} is on a different grid than ${b}: ${describeGrid(info.grid)} vs ${describeGrid(ref.info.grid)}; export every band of ${p.year} with the same region, scale and CRS`, info.file);
      }
      if (dates.length !== ref.dates.length) {
        throw new LayerProblem(`${a} has ${dates.length} raster bands (dates) but ${b} has ${ref.dates.length}; export every band of ${p.year} from the same image collection`, info.file);
      }
      const i = dates.findIndex((d, k) => d !== ref!.dates[k]);
      if (i >= 0) throw new LayerProblem(`raster band ${i + 1} of ${a} is acquired at ${dates[i]} but band ${i + 1} of ${b} at ${ref.dates[i]}; the files must list the same dates in the same order: export every band of ${p.year} from the same image collection`, info.file);
    } catch (e) {
      if (!(e instanceof LayerProblem)) throw e;
      problems.push({ param, file: e.file, message: `${e.message} (${param === 'bands' ? `bands: ${layer}` : 'cloudLayer'})` });
    }
  }
  return problems;
}
