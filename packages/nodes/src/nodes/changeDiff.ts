/**
 * change.diff: two class maps of the same AOI -> transition matrix, areas, % change and change GeoTIFFs.
 * Uncertain pixels (code 254) are a row and column of their own ('uncertain' after the classes), never a class.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { chunkWindows, pixelAreaKm2, sameGrid } from '../grid.ts';
import { UNCERTAIN_CODE, UNCERTAIN_NAME, type ClassMap } from '../values.ts';
import { openRaster, type RasterFile } from '../io/geotiff/read.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { countTransitions, marginals, MAX_TRANSITION_CLASSES, percentChange, toLabelIndices, toMatrix, TRANSITION_NODATA } from '../kernels/transitionMatrix.ts';
import { transitionStyle, writeCategoriesSidecar } from '../io/geotiff/categories.ts';
import { labelIndex } from '../palette.ts';
import { changeDiffProblems, differentClassesMessage, differentGridsMessage, mapClasses } from './joinChecks.ts';

const TILE = 256;

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}

async function openChecked(path: string, map: ClassMap, which: string, bands: number): Promise<RasterFile> {
  let f: RasterFile;
  try {
    f = await openRaster(path);
  } catch (e) {
    throw new NodeError(`Cannot read the ${which} map file ${path}: ${(e as Error).message}`, { file: path });
  }
  if (f.width !== map.grid.width || f.height !== map.grid.height || f.bandCount !== bands) {
    throw new NodeError(`${path} is ${f.width}x${f.height} with ${f.bandCount} bands; expected ${map.grid.width}x${map.grid.height} with ${bands}.`, { file: path });
  }
  return f;
}

const round = (v: number, d = 6) => Math.round(v * 10 ** d) / 10 ** d;

const DEFAULT_FOCUS = { from: 'forest', to: 'asgm' };

/** The change of interest, in the classes' own spelling; undefined when the default classes are absent. */
function resolveFocus(classes: string[], focus: { from: string; to: string } | undefined): { from: string; to: string } | undefined {
  const want = focus ?? DEFAULT_FOCUS;
  const f = labelIndex(classes, want.from);
  const t = labelIndex(classes, want.to);
  if (f >= 0 && t >= 0) return { from: classes[f], to: classes[t] };
  if (!focus) return undefined;
  const missing = [f < 0 ? want.from : null, t < 0 ? want.to : null].filter(Boolean).join(' and ');
  throw new NodeError(`focus: ${missing} ${missing.includes(' and ') ? 'are not classes' : 'is not a class'} of the maps (classes: ${classes.join(', ')}). Name two of them.`, { param: 'focus', code: 'classes' });
}

const params = z.object({
  focus: z
    .object({ from: z.string().min(1).describe('Class before, e.g. forest'), to: z.string().min(1).describe('Class after, e.g. asgm') })
    .strict()
    .optional()
    .describe('The change of interest shown in the headline and in red on the transitions map (class names, case-insensitive). Default: forest → asgm when both classes exist.'),
});

export const changeDiff = defineNode({
  type: 'change.diff',
  version: 2,
  // Version 2 counts uncertain pixels as their own row/column and adds the optional focus: old params stay valid.
  migrations: { 1: (p) => p },
  category: 'Change',
  label: 'Change (Diff)',
  description:
    'Compares two classified maps of the same grid: transition matrix (pixels and km², e.g. forest -> ASGM), area per class in each year and % change ((after - before) / before x 100), over pixels with data in both years; uncertain pixels are their own row and column ("uncertain"). Writes transitions.tif (uint8 code from x nLabels + to over the classes then uncertain, 255 = no data, with a colour table and category names) and probability_diff_<class>.tif (after - before probability).',
  inputs: { before: { type: 'ClassMap', label: 'Before' }, after: { type: 'ClassMap', label: 'After' } },
  outputs: { change: { type: 'Change', label: 'Change', preview: [{ kind: 'transitions' }, { kind: 'diff' }] } },
  params,
  check(p, ctx) {
    const problems = changeDiffProblems(ctx);
    const classes = mapClasses(ctx, 'before');
    if (classes && p.focus) {
      try {
        resolveFocus(classes, p.focus);
      } catch (e) {
        if (!(e instanceof NodeError)) throw e;
        problems.push({ message: e.message, param: 'focus' });
      }
    }
    return problems;
  },
  async run(ctx, { before, after }, p) {
    if (!sameGrid(before.grid, after.grid)) {
      throw new NodeError(differentGridsMessage(before.grid, after.grid), { code: 'grid' });
    }
    if (before.classes.length !== after.classes.length || before.classes.some((c, i) => c !== after.classes[i])) {
      throw new NodeError(differentClassesMessage(before.classes, after.classes), { code: 'classes' });
    }
    const classes = before.classes;
    const n = classes.length;
    const labels = [...classes, UNCERTAIN_NAME];
    const L = labels.length;
    if (L > MAX_TRANSITION_CLASSES) throw new NodeError(`At most ${MAX_TRANSITION_CLASSES - 1} classes are supported (transition codes over the classes and "uncertain" are uint8); got ${n}.`, { code: 'classes' });
    const focus = resolveFocus(classes, p.focus);
    const grid = before.grid;
    const [cb, ca] = await Promise.all([openChecked(before.classFile, before, 'before', 1), openChecked(after.classFile, after, 'after', 1)]);
    // Maps loaded from elsewhere (raster.loadClassMap) have no probabilities: then there are no probability differences.
    const withProbabilities = before.probabilityFile !== undefined && after.probabilityFile !== undefined;
    const [pb, pa] = withProbabilities ? await Promise.all([openChecked(before.probabilityFile!, before, 'before', n), openChecked(after.probabilityFile!, after, 'after', n)]) : [];

    const tilesPerFile = chunkWindows(grid, TILE).length;
    const total = tilesPerFile * (1 + (withProbabilities ? n : 0));
    let done = 0;
    const onProgress = () => ctx.progress(++done, total, 'tiles');

    const counts = new Float64Array(L * L);
    const transitionFile = join(ctx.workDir, 'transitions.tif');
    const legend = labels.flatMap((from, i) => labels.map((to, j) => `${i * L + j}=${from}->${to}`)).join(' ');
    const style = transitionStyle(labels, focus);
    const writeTransitions = writeGeoTiff(transitionFile, {
      grid, bandCount: 1, dataType: 'uint8', noData: TRANSITION_NODATA, tileSize: TILE, signal: ctx.signal,
      descriptions: [`transition code from*${L}+to: ${legend}`],
      colorMap: style.colorMap,
      readWindow: async (win) => {
        const [[b], [a]] = await Promise.all([cb.readWindow(win), ca.readWindow(win)]);
        const codes = new Uint8Array(win.width * win.height);
        countTransitions(toLabelIndices(b, n, UNCERTAIN_CODE), toLabelIndices(a, n, UNCERTAIN_CODE), L, counts, codes);
        return [codes];
      },
      onProgress,
    }).then(() => writeCategoriesSidecar(transitionFile, style.categories));

    // The per-class files are written side by side, tile by tile, so each probability tile is decoded once
    // and shared by the n writers (dropped when the last one has taken it).
    const shared = new Map<string, { users: number; tiles: Promise<[Awaited<ReturnType<RasterFile['readWindow']>>, Awaited<ReturnType<RasterFile['readWindow']>>]> }>();
    const probabilityTiles = (win: { x: number; y: number; width: number; height: number }) => {
      const key = `${win.x},${win.y}`;
      let entry = shared.get(key);
      if (!entry) {
        entry = { users: 0, tiles: Promise.all([pb!.readWindow(win), pa!.readWindow(win)]) };
        shared.set(key, entry);
      }
      if (++entry.users === n) shared.delete(key);
      return entry.tiles;
    };
    const probabilityDiffFiles: Record<string, string> = {};
    const writeDiffs = (withProbabilities ? classes : []).map((name, c) => {
      const file = join(ctx.workDir, `probability_diff_${safeName(name)}.tif`);
      probabilityDiffFiles[name] = file;
      return writeGeoTiff(file, {
        grid, bandCount: 1, dataType: 'float32', noData: NaN, tileSize: TILE, signal: ctx.signal,
        descriptions: [`${name} probability change (after - before)`],
        readWindow: async (win) => {
          const [b, a] = await probabilityTiles(win);
          const out = new Float32Array(win.width * win.height);
          const bb = b[c], aa = a[c];
          for (let i = 0; i < out.length; i++) out[i] = aa[i] - bb[i];
          return [out];
        },
        onProgress,
      });
    });
    const settled = await Promise.allSettled([writeTransitions, ...writeDiffs]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const km2 = pixelAreaKm2(grid);
    const transitionPixels = toMatrix(counts, L);
    const transitionKm2 = toMatrix(counts, L, km2);
    const m = marginals(transitionKm2);
    const areaBeforeKm2: Record<string, number> = {};
    const areaAfterKm2: Record<string, number> = {};
    const changePercent: Record<string, number | null> = {};
    labels.forEach((c, i) => {
      areaBeforeKm2[c] = m.before[i];
      areaAfterKm2[c] = m.after[i];
      changePercent[c] = percentChange(m.before[i], m.after[i]);
    });
    const transitions = labels.flatMap((from, i) =>
      labels.map((to, j) => ({ from, to, pixels: transitionPixels[i][j], km2: round(transitionKm2[i][j]) })),
    ).filter((t) => t.from !== t.to && t.pixels > 0).sort((x, y) => y.pixels - x.pixels || (x.from + x.to < y.from + y.to ? -1 : 1));
    const validPixels = counts.reduce((s, v) => s + v, 0);
    const fi = focus ? classes.indexOf(focus.from) : -1;
    const ti = focus ? classes.indexOf(focus.to) : -1;
    return {
      outputs: {
        change: {
          kind: 'Change', classes, labels, ...(focus ? { focus } : {}), transitionPixels, transitionKm2, areaBeforeKm2, areaAfterKm2, changePercent,
          transitionFile, probabilityDiffFiles,
        },
      },
      files: [transitionFile, `${transitionFile}.aux.xml`, ...Object.values(probabilityDiffFiles)],
      summary: {
        ...(focus ? { focus: `${focus.from}→${focus.to}`, focusKm2: round(transitionKm2[fi][ti]), focusChangePercent: changePercent[focus.to] === null ? null : round(changePercent[focus.to]!, 2) } : {}),
        transitionsKm2: Object.fromEntries(transitions.map((t) => [`${t.from}→${t.to}`, t.km2])),
        transitions,
        changePercent: Object.fromEntries(labels.map((c) => [c, changePercent[c] === null ? null : round(changePercent[c]!, 2)])),
        areaBeforeKm2: Object.fromEntries(labels.map((c) => [c, round(areaBeforeKm2[c])])),
        areaAfterKm2: Object.fromEntries(labels.map((c) => [c, round(areaAfterKm2[c])])),
        uncertainKm2: { before: round(areaBeforeKm2[UNCERTAIN_NAME]), after: round(areaAfterKm2[UNCERTAIN_NAME]) },
        pixelsComparedKm2: round(validPixels * km2),
        pixelsNotCompared: grid.width * grid.height - validPixels,
        note: 'Areas over pixels with data in both years; "uncertain" = tied, low-confidence or unlike-the-training-data pixels, never counted as a class.',
      },
    };
  },
});
