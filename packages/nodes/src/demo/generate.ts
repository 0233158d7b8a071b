/**
 * Synthetic Sentinel-2 L2A AOI near the Suriname river (EPSG:32621, 10 m) in the GEE toBands() layout, with
 * known ground truth: per year `<prefix>_<year>_<BAND>.tif` (uint16, one raster band per date),
 * `<prefix>_<year>_probability.tif` (uint8 s2cloudless-like), `truth_<year>.tif`, labelled polygons
 * `labels/<year>/<year>_<class>.shp` and `truth.json`. Every tile is generated on demand from the seed, so
 * memory stays bounded for any AOI size.
 */
import { writeFileAtomicSync } from '../io/atomicFile.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chunkWindows, pixelAreaKm2, type Grid, type Window } from '../grid.ts';
import { defineTask, type ChunkPool } from '../chunkTask.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { writePolygonShapefile } from '../io/shapefileWrite.ts';
import { cloudWindow, isNodata, planDates, type DatePlan } from './clouds.ts';
import { drawLabels } from './labels.ts';
import { CLASSES, COVER, createLandscape, truthClass, type Landscape } from './landscape.ts';
import { hash, hash32 } from './noise.ts';
import { SharedTiles } from './tiles.ts';
import { BANDS, CLOUD, dateFactors, pixelTraits, surfaceReflectance } from './spectra.ts';

export interface DemoOptions {
  outDir: string;
  width?: number;
  height?: number;
  datesPerYear?: number;
  years?: number[];
  seed?: number;
  prefix?: string;
  /** GeoTIFF layout of the band and cloud stacks (writeGeoTiff's `layout`): pixel (default), band or striped. */
  layout?: 'pixel' | 'band' | 'striped';
  /** (done, total, what) */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface DemoDate {
  iso: string;
  dayOfYear: number;
  description: string;
}

export const DEMO_ORIGIN = { x: 700000, y: 560000 };
export const DEMO_EPSG = 32621;

export function demoGrid(width: number, height: number): Grid {
  return { width, height, geoTransform: [DEMO_ORIGIN.x, 10, 0, DEMO_ORIGIN.y, 0, -10], crs: { epsg: DEMO_EPSG } };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function demoDates(year: number, count: number, seed: number): DemoDate[] {
  const out: DemoDate[] = [];
  for (let i = 0; i < count; i++) {
    const doy = Math.min(365, Math.max(1, Math.round(((i + 0.5) * 365) / count + (hash(year, i, seed, 9) - 0.5) * (150 / count))));
    const d = new Date(Date.UTC(year, 0, doy, 14, 10, 30 + Math.floor(hash(year, i, seed, 10) * 29)));
    const ymd = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
    const t1 = `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
    const t0 = `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds() - 5)}`;
    out.push({ iso: d.toISOString().replace('.000Z', 'Z'), dayOfYear: doy, description: `${ymd}${t1}_${ymd}${t0}_T21NYF` });
  }
  return out;
}

interface SceneTile {
  /** [band][date] reflectance DN */
  bands: Uint16Array[][];
  /** [date] cloud probability */
  probability: Uint8Array[];
}

/** All bands and dates of one window: land cover, traits and clouds are computed once and shared. */
function sceneTile(land: Landscape, grid: Grid, year: number, dates: DemoDate[], plans: DatePlan[], seed: number, win: Window): SceneTile {
  const cover = land.cover(win, year);
  const traits = pixelTraits(cover, win, seed);
  const mixed = land.mixture(win, year, cover);
  const n = cover.length;
  const nb = BANDS.length;
  const bands = BANDS.map(() => [] as Uint16Array[]);
  const probability: Uint8Array[] = [];
  plans.forEach((plan, d) => {
    const f = dateFactors(dates[d].dayOfYear, plan.seed);
    const cw = cloudWindow(win, grid.height, plan);
    const out = BANDS.map(() => new Uint16Array(n));
    for (let i = 0; i < n; i++) {
      const x = win.x + (i % win.width);
      const y = win.y + Math.floor(i / win.width);
      if (isNodata(x, y, grid.width, grid.height, plan)) {
        cw.probability[i] = 0;
        continue;
      }
      const shade = 1 - 0.6 * cw.shadow[i];
      const a = cw.alpha[i];
      const cloudTexture = a > 0 ? 0.9 + 0.2 * hash(x, y, plan.seed, 5) : 0;
      let h = 0;
      for (let b = 0; b < nb; b++) {
        if (b % 3 === 0) h = hash32(x, y, plan.seed, 20 + b);
        const noise = ((h >>> (10 * (b % 3))) & 1023) / 1024;
        let r = surfaceReflectance(cover[i], b, traits.mixFraction[i], traits.gain[i], f, noise) * shade;
        const e = mixed.fraction[i];
        if (e > 0) r = (1 - e) * r + e * surfaceReflectance(mixed.other[i], b, 0, traits.gain[i], f, noise) * shade;
        const hz = cw.haze[i];
        if (hz > 0) r = (1 - hz) * r + hz * CLOUD[b];
        if (a > 0) r = (1 - a) * r + a * CLOUD[b] * cloudTexture;
        out[b][i] = Math.max(1, Math.min(65535, Math.round(r * 10000)));
      }
    }
    for (let b = 0; b < nb; b++) bands[b].push(out[b]);
    probability.push(cw.probability);
  });
  return { bands, probability };
}

export interface TruthStats {
  grid: { width: number; height: number; epsg: number; geoTransform: number[]; pixelSizeM: number };
  classes: string[];
  years: number[];
  classAreaKm2: Record<string, Record<string, number>>;
  classPixels: Record<string, Record<string, number>>;
  /** transitions between the first and the last year */
  transitionKm2: Record<string, Record<string, number>>;
  forestToAsgmKm2: number;
  asgmChangePercent: number;
  dates: Record<string, string[]>;
  labels: Record<string, Record<string, number>>;
}

function truthStats(land: Landscape, grid: Grid, years: number[]): Pick<TruthStats, 'classAreaKm2' | 'classPixels' | 'transitionKm2' | 'forestToAsgmKm2' | 'asgmChangePercent'> {
  const nc = CLASSES.length;
  const counts = years.map(() => new Array<number>(nc).fill(0));
  const trans = Array.from({ length: nc }, () => new Array<number>(nc).fill(0));
  for (const win of chunkWindows(grid, 512)) {
    const covers = years.map((y) => land.cover(win, y));
    for (let i = 0; i < covers[0].length; i++) {
      covers.forEach((c, k) => counts[k][truthClass(c[i])]++);
      trans[truthClass(covers[0][i])][truthClass(covers[covers.length - 1][i])]++;
    }
  }
  const area = pixelAreaKm2(grid);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const byClass = (a: number[], f: (v: number) => number) => Object.fromEntries(CLASSES.map((c, i) => [c, f(a[i])]));
  const before = counts[0][2];
  const after = counts[counts.length - 1][2];
  return {
    classPixels: Object.fromEntries(years.map((y, k) => [String(y), byClass(counts[k], (v) => v)])),
    classAreaKm2: Object.fromEntries(years.map((y, k) => [String(y), byClass(counts[k], (v) => round(v * area))])),
    transitionKm2: Object.fromEntries(CLASSES.map((c, i) => [c, byClass(trans[i], (v) => round(v * area))])),
    forestToAsgmKm2: round(trans[COVER.FOREST][2] * area),
    asgmChangePercent: before > 0 ? Math.round(((after - before) / before) * 1e4) / 100 : 0,
  };
}

function resolveOptions(options: DemoOptions) {
  const { outDir, width = 600, height = 400, datesPerYear = 24, years = [2019, 2022], seed = 1, prefix = 'S2_SR_demo' } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) throw new Error(`generateDemoData: width and height must be integers >= 16`);
  if (!Number.isInteger(datesPerYear) || datesPerYear < 1) throw new Error('generateDemoData: datesPerYear must be a positive integer');
  return { outDir, width, height, datesPerYear, years, seed, prefix };
}

export interface DemoYearResult {
  year: number;
  files: string[];
  dates: string[];
  /** polygons per class */
  labels: Record<string, number>;
}

/** One year's stacks, cloud layer, truth raster and labels. Independent of the other years (a worker can run it). */
export async function generateDemoYear(options: DemoOptions, year: number, step: (what: string) => void = () => undefined): Promise<DemoYearResult> {
  const { outDir, width, height, datesPerYear, years, seed, prefix } = resolveOptions(options);
  mkdirSync(outDir, { recursive: true });
  const grid = demoGrid(width, height);
  const land = createLandscape(width, height, years, seed);
  const files: string[] = [];
  const dates = demoDates(year, datesPerYear, seed);
  const plans = planDates(datesPerYear, seed * 10007 + year);
  const descriptions = dates.map((d) => d.description);
  const shared = new SharedTiles(BANDS.length + 1, (win) => sceneTile(land, grid, year, dates, plans, seed, win));
  const common = { grid, bandCount: datesPerYear, descriptions, compressionLevel: 1, layout: options.layout ?? 'pixel' };
  const paths = [...BANDS.map((b) => join(outDir, `${prefix}_${year}_${b}.tif`)), join(outDir, `${prefix}_${year}_probability.tif`)];
  await Promise.all([
    ...BANDS.map((_, b) =>
      writeGeoTiff(paths[b], { ...common, dataType: 'uint16', noData: 0, readWindow: async (win) => (await shared.get(win)).bands[b] }).then(() =>
        step(`${year} ${BANDS[b]}`),
      ),
    ),
    writeGeoTiff(paths[BANDS.length], { ...common, dataType: 'uint8', noData: null, readWindow: async (win) => (await shared.get(win)).probability }).then(() =>
      step(`${year} probability`),
    ),
  ]);
  files.push(...paths);
  const truthPath = join(outDir, `truth_${year}.tif`);
  await writeGeoTiff(truthPath, {
    grid, bandCount: 1, dataType: 'uint8', noData: 255, descriptions: [`truth ${year}: 0 water, 1 forest, 2 asgm`], compressionLevel: 1,
    readWindow: (win) => [land.cover(win, year).map(truthClass)],
  });
  files.push(truthPath);
  step(`${year} truth`);
  const labelDir = join(outDir, 'labels', String(year));
  mkdirSync(labelDir, { recursive: true });
  const labels = drawLabels(land, grid, year, seed);
  const labelCounts: Record<string, number> = {};
  for (const name of CLASSES) {
    const feats = labels.filter((l) => l.className === name).map((l, i) => ({ id: i, className: name, polygons: l.polygons }));
    labelCounts[name] = feats.length;
    const shp = join(labelDir, `${year}_${name}.shp`);
    writePolygonShapefile(shp, feats, grid.crs);
    files.push(shp);
  }
  step(`${year} labels`);
  return { year, files, dates: dates.map((d) => d.iso), labels: labelCounts };
}

/** Chunk task 'demoYear': one year of the demo AOI. */
export const demoYear = defineTask<{ options: DemoOptions; year: number }, DemoYearResult>('demoYear', async (payload) => ({
  result: await generateDemoYear(payload.options, payload.year),
}));

/**
 * The whole AOI. With a worker pool the years are generated in parallel (each is independent and
 * deterministic, so the files are identical either way); progress then comes once per year.
 */
export async function generateDemoData(options: DemoOptions & { pool?: ChunkPool }): Promise<{ files: string[]; truth: TruthStats }> {
  const { outDir, width, height, years, seed } = resolveOptions(options);
  const { onProgress, pool, ...plain } = options;
  mkdirSync(outDir, { recursive: true });
  const grid = demoGrid(width, height);
  const land = createLandscape(width, height, years, seed);
  const parallel = pool !== undefined && pool.size > 1 && years.length > 1;
  const total = parallel ? years.length : years.length * (BANDS.length + 3);
  let done = 0;
  const step = (what: string) => onProgress?.(++done, total, what);
  const results: DemoYearResult[] = [];
  if (parallel) {
    results.push(
      ...(await Promise.all(
        years.map((year) => pool.run(demoYear, { options: plain, year }).then((r) => (step(`${year}`), r))),
      )),
    );
  } else {
    for (const year of years) results.push(await generateDemoYear(plain, year, step));
  }
  const files = results.flatMap((r) => r.files);
  const allDates = Object.fromEntries(results.map((r) => [r.year, r.dates]));
  const labelCounts = Object.fromEntries(results.map((r) => [r.year, r.labels]));
  const stats = truthStats(land, grid, years);
  const truth: TruthStats = {
    grid: { width, height, epsg: DEMO_EPSG, geoTransform: [...grid.geoTransform], pixelSizeM: 10 },
    classes: [...CLASSES],
    years,
    ...stats,
    dates: allDates,
    labels: labelCounts,
  };
  const truthJson = join(outDir, 'truth.json');
  writeFileAtomicSync(truthJson, JSON.stringify(truth, null, 2));
  files.push(truthJson);
  return { files, truth };
}
