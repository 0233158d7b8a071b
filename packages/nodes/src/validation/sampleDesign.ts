/**
 * Draws a stratified random sample over one class map (strata = classes + uncertain) or two (strata =
 * transitions + uncertain) and writes points.geojson and points.csv. Shared by validation.sample and
 * validation.sampleChange.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { NodeError } from '../errors.ts';
import { chunkWindows, sameGrid, type Grid } from '../grid.ts';
import { openRaster, type RasterFile } from '../io/geotiff/read.ts';
import { writeFileAtomicSync } from '../io/atomicFile.ts';
import { allocateSample, chooseRanks, mapStratum, olofssonSampleSize, StratumPicker } from '../kernels/stratifiedSample.ts';
import { readStrata, strataCount, type StrataSpec } from './strata.ts';
import { mulberry32, shuffle } from '../kernels/sampleSplit.ts';
import { UNCERTAIN_NAME, type ClassMap, type Points } from '../values.ts';
import { fieldNames, pixelCentre, pointsCsv, pointsGeoJson, toLonLat, type PointRow } from './pointsFile.ts';

export const sampleParams = z.object({
  seed: z.number().int().min(0).default(42).describe('Seed of the random draw: the same seed and map give the same points.').meta({ unit: 'seed' }),
  targetStandardError: z.number().min(0.001).max(0.2).default(0.01)
    .describe('Target standard error of overall accuracy, S(Ô) in Olofsson et al. 2014 eq. 13 (0.01 = ±2 % at 95 %). Smaller means more points.')
    .meta({ unit: 'fraction' }),
  expectedUsersAccuracy: z.number().min(0.5).max(0.999).default(0.9)
    .describe("Expected user's accuracy of the classes (of the stable transitions for a change), used only to size the sample.")
    .meta({ unit: 'fraction' }),
  expectedUsersAccuracyChange: z.number().min(0.5).max(0.999).default(0.7)
    .describe("Expected user's accuracy of the change transitions and of the uncertain stratum (lower: they are harder), used only to size the sample.")
    .meta({ unit: 'fraction' }),
  minPerStratum: z.number().int().min(2).max(1000).default(50)
    .describe('At least this many points in every stratum (all of its pixels if it has fewer), so rare strata such as forest → ASGM get a usable user\'s accuracy.')
    .meta({ unit: 'points' }),
  totalPoints: z.number().int().min(0).max(100000).default(0)
    .describe('Points to allocate proportionally before the per-stratum minimum; 0 = from the formula.')
    .meta({ unit: 'points' }),
  bufferPixels: z.number().int().min(0).max(20).default(0)
    .describe('Width in pixels of a buffer stratum of stable pixels around what the (last) map calls bufferClass, where omission errors hide (Olofsson et al. 2020); 0 = no buffer.')
    .meta({ unit: 'px' }),
  bufferClass: z.string().default('asgm').describe('Class the buffer surrounds, e.g. asgm.'),
});
export type SampleParams = z.infer<typeof sampleParams>;

const TILE = 512;
const ARROW = '→';

async function openClassFile(map: ClassMap, which: string): Promise<RasterFile> {
  let f: RasterFile;
  try {
    f = await openRaster(map.classFile);
  } catch (e) {
    throw new NodeError(`Cannot read the ${which} class map ${map.classFile}: ${(e as Error).message}`, { file: map.classFile });
  }
  if (f.width !== map.grid.width || f.height !== map.grid.height) {
    throw new NodeError(`${map.classFile} is ${f.width}x${f.height}; the ${which} map's grid is ${map.grid.width}x${map.grid.height}.`, { file: map.classFile });
  }
  return f;
}

function strataNames(spec: StrataSpec, classes: string[]): string[] {
  const base = spec.design === 'map' ? [...classes, UNCERTAIN_NAME] : [...classes.flatMap((b) => classes.map((a) => `${b}${ARROW}${a}`)), UNCERTAIN_NAME];
  return spec.buffer ? [...base, `buffer (stable, within ${spec.buffer.pixels} px of ${classes[spec.buffer.around]})`] : base;
}

/** The strata of a design from its params (the buffer class must be one of the map's classes). */
export function strataSpec(design: 'map' | 'change', classes: string[], p: Pick<SampleParams, 'bufferPixels' | 'bufferClass'>): StrataSpec {
  if (p.bufferPixels === 0) return { design, nClasses: classes.length };
  const around = classes.findIndex((c) => c.toLowerCase() === p.bufferClass.toLowerCase());
  if (around < 0) throw new NodeError(`bufferClass "${p.bufferClass}" is not a class of the map (${classes.join(', ')}).`, { param: 'bufferClass' });
  return { design, nClasses: classes.length, buffer: { pixels: p.bufferPixels, around } };
}

/** Name of a code in point files: the class name, 'uncertain', or '' (no data). */
export function codeName(code: number, classes: string[]): string {
  const s = mapStratum(code, classes.length);
  return s < 0 ? '' : s === classes.length ? UNCERTAIN_NAME : classes[s];
}

/** What drawing a sample uses of a node's context (a NodeContext fits; this layer does not import define.ts). */
export interface SampleContext {
  workDir: string;
  signal: AbortSignal;
  progress(done: number, total: number, unit: string): void;
}

export async function drawSample(ctx: SampleContext, maps: ClassMap[], mapNames: string[], p: SampleParams): Promise<{ points: Points; summary: Record<string, unknown>; files: string[] }> {
  const design = maps.length === 1 ? 'map' : 'change';
  const grid: Grid = maps[0].grid;
  const classes = maps[0].classes;
  const n = classes.length;
  if (design === 'change') {
    if (!sameGrid(maps[0].grid, maps[1].grid)) throw new NodeError('The before and after maps are on different grids; classify both years on the same grid.', { code: 'grid' });
    if (maps[1].classes.join('\u0000') !== classes.join('\u0000')) {
      throw new NodeError(`The two maps have different classes: before [${classes.join(', ')}], after [${maps[1].classes.join(', ')}].`, { code: 'classes' });
    }
  }
  const files = await Promise.all(maps.map((m, i) => openClassFile(m, design === 'map' ? '' : ['before', 'after'][i])));
  const windows = chunkWindows(grid, TILE);
  const spec = strataSpec(design, classes, p);
  const names = strataNames(spec, classes);
  const nStrata = strataCount(spec);
  const side = n + 1;
  const pixelCounts = new Array<number>(design === 'map' ? side : side * side).fill(0);

  // Pass 1: count the strata; pass 2: find the chosen ranks, in the same window order.
  const stratumWindow = async (win: (typeof windows)[number]) => {
    const { strata: out, bands } = await readStrata(files, grid, spec, win);
    return { out, bands };
  };
  const strataPixels = new Array<number>(nStrata).fill(0);
  const total = windows.length * 2;
  let done = 0;
  for (const win of windows) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
    const { out, bands } = await stratumWindow(win);
    for (let i = 0; i < out.length; i++) if (out[i] >= 0) strataPixels[out[i]]++;
    for (let i = 0; i < bands[0].length; i++) {
      const b = mapStratum(bands[0][i], n);
      if (design === 'map') { if (b >= 0) pixelCounts[b]++; continue; }
      const a = mapStratum(bands[1][i], n);
      if (b >= 0 && a >= 0) pixelCounts[b * side + a]++;
    }
    ctx.progress(++done, total, 'tiles');
  }
  const N = strataPixels.reduce((s, v) => s + v, 0);
  if (N === 0) throw new NodeError('The map has no classified pixel to sample.', { code: 'empty-map' });

  const uncertainStratum = design === 'map' ? n : n * n;
  // Change transitions, uncertain and buffer pixels are the hard ones: lower expected user's accuracy.
  const isChange = (h: number) => h >= uncertainStratum || (design === 'change' && Math.floor(h / n) !== h % n);
  const weights = strataPixels.map((c) => c / N);
  const formula = olofssonSampleSize(weights, weights.map((_, h) => (isChange(h) ? p.expectedUsersAccuracyChange : p.expectedUsersAccuracy)), p.targetStandardError);
  const allocation = allocateSample(strataPixels, p.totalPoints > 0 ? p.totalPoints : formula, p.minPerStratum);
  const rand = mulberry32(p.seed);
  const picker = new StratumPicker(allocation.map((k, h) => chooseRanks(strataPixels[h], k, rand)));
  const toLL = toLonLat(grid.crs);
  const { map: mapCols, reference: refCols } = fieldNames(design);
  const rows: PointRow[] = [];
  for (const win of windows) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
    const { out, bands } = await stratumWindow(win);
    picker.scan(out, (i, h) => {
      const col = win.x + (i % win.width), row = win.y + Math.floor(i / win.width);
      const [x, y] = pixelCentre(grid, col, row);
      const [lon, lat] = toLL(x, y);
      const fields: Record<string, string> = {};
      mapCols.forEach((c, k) => { fields[c] = codeName(bands[k][i], classes); });
      refCols.forEach((c) => { fields[c] = ''; });
      rows.push({ id: '', x, y, lon, lat, stratum: names[h], fields });
    });
    ctx.progress(++done, total, 'tiles');
  }
  if (!picker.complete()) throw new NodeError('The class map changed while it was sampled; run again.', { code: 'map-changed' });
  // Labelled in random order, not stratum by stratum, so a person does not learn what the map says.
  const order = shuffle(Int32Array.from(rows.keys()), mulberry32(p.seed ^ 0x5bd1e995));
  const ordered = Array.from(order, (k, i) => ({ ...rows[k], id: String(i + 1) }));
  const columns = [...mapCols, ...refCols];
  const geojsonFile = join(ctx.workDir, 'points.geojson');
  const csvFile = join(ctx.workDir, 'points.csv');
  const meta = { sentiflow: { design, classes, mapNames, crs: grid.crs, seed: p.seed } };
  writeFileAtomicSync(geojsonFile, pointsGeoJson(ordered, columns, meta));
  writeFileAtomicSync(csvFile, pointsCsv(ordered, columns));
  const strata = names.map((name, h) => ({ name, pixels: strataPixels[h], points: allocation[h] }));
  const points: Points = {
    kind: 'Points', design, grid, classes, classFiles: maps.map((m) => m.classFile), mapNames, pixelCounts, strata, ...(spec.buffer ? { buffer: spec.buffer } : {}),
    count: ordered.length, seed: p.seed, geojsonFile, csvFile,
  };
  return {
    points,
    files: [geojsonFile, csvFile],
    summary: {
      points: ordered.length,
      sampleSizeFromFormula: formula,
      strata: strata.filter((s) => s.pixels > 0),
      note: `Olofsson et al. 2014 eq. 13 with target SE ${p.targetStandardError}, expected user's accuracy ${p.expectedUsersAccuracy} (${p.expectedUsersAccuracyChange} for change/uncertain), at least ${p.minPerStratum} per stratum. Label the points (reference fields), then estimate areas with validation.areaEstimate.`,
    },
  };
}
