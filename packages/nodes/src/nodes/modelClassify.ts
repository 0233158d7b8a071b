/**
 * model.classify: applies a model to every pixel of a composite, chunk by chunk on the worker pool, and
 * writes classes.tif (uint8, 254 = uncertain, 255 = no data, with a colour table and category names),
 * probabilities.tif (float32, one band per class) and confidence.tif (highest probability, margin to the second,
 * why a pixel is uncertain).
 */
import { closeSync, openSync, readSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { chunkWindows, pixelAreaKm2, type Window } from '../grid.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';
import { temporaryPath } from '../io/atomicFile.ts';
import { classifyWindow } from '../ml/classifyTask.ts';
import { forEachWindow } from '../fanOut.ts';
import { featureColumns, round } from '../ml/nodeHelpers.ts';
import { tieRuleParams } from '../ml/tieRule.ts';
import { UNCERTAIN_REASON } from '../kernels/decideClass.ts';
import { NODATA_CODE, UNCERTAIN_CODE, UNCERTAIN_NAME } from '../values.ts';
import { classMapStyle, writeCategoriesSidecar } from '../io/geotiff/categories.ts';
import { modelClassifyProblems } from './joinChecks.ts';


const params = z.object({
  ...tieRuleParams(
    'pixel',
    '"uncertain" = a pixel whose two highest class probabilities are within tieTolerance gets the uncertain code 254, reported as its own area; "first" = the lowest class code wins, exactly as the notebook\'s np.argmax (the result then depends on the order of the classes).',
  ),
  outsideTraining: z
    .enum(['uncertain', 'classify'])
    .default('uncertain')
    .describe(
      '"uncertain" = a pixel unlike the training data is uncertain too: farther (in standardised features, the dissimilarity index of Meyer & Pebesma 2021) from every training row of the class the model chose than that class\'s polygons lie from each other (the model\'s applicability.json): tree models answer confidently but arbitrarily there (a sediment-laden river no water polygon covered came out ASGM with p = 0.999). "classify" = keep the model\'s class. Applies with ties "uncertain"; ties "first" reproduces np.argmax exactly.',
    )
    .meta({ showWhen: { ties: ['uncertain'] } }),
  chunkSize: z.number().int().min(64).max(4096).default(500).describe('Chunk edge in pixels (chunks of chunkSize × chunkSize are classified in parallel; memory grows with its square).').meta({ unit: 'px' }),
});

/**
 * Pixel-interleaved scratch raster on disk (a pixel's samples contiguous, rows in order): chunks are written as
 * the workers return them and read back tile by tile in the GeoTIFF's own layout.
 */
class Scratch {
  readonly fd: number;
  private readonly pixelBytes: number;
  constructor(readonly path: string, readonly width: number, readonly height: number, samples: number, bytesPerSample: number) {
    this.fd = openSync(path, 'w+');
    this.pixelBytes = samples * bytesPerSample;
    ftruncateSync(this.fd, width * height * this.pixelBytes);
  }
  write(win: Window, data: Uint8Array | Float32Array): void {
    const buf = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const rowBytes = win.width * this.pixelBytes;
    for (let r = 0; r < win.height; r++) {
      writeSync(this.fd, buf, r * rowBytes, rowBytes, ((win.y + r) * this.width + win.x) * this.pixelBytes);
    }
  }
  read(win: Window): Uint8Array {
    const out = new Uint8Array(win.width * win.height * this.pixelBytes);
    const rowBytes = win.width * this.pixelBytes;
    for (let r = 0; r < win.height; r++) {
      readSync(this.fd, out, r * rowBytes, rowBytes, ((win.y + r) * this.width + win.x) * this.pixelBytes);
    }
    return out;
  }
  dispose(): void {
    try { closeSync(this.fd); } catch { /* closed */ }
    rmSync(this.path, { force: true });
  }
}

export const modelClassify = defineNode({
  type: 'model.classify',
  version: 1,
  category: 'Model',
  label: 'Classify',
  description:
    'Classifies every pixel of the composite with the model, in chunks on all CPU cores. Pixels with any missing feature get no class (255) and NaN probabilities. ' +
    'Tied pixels (two best probabilities within tieTolerance), pixels unlike all training data (outside the model\'s area of applicability) and, if minProbability is set, pixels below it are "uncertain" (254), reported as their own area, never decided by class order; ties "first" reproduces np.argmax.',
  inputs: {
    composite: { type: 'Composite', label: 'Composite' },
    model: { type: 'Model', label: 'Model' },
  },
  outputs: { classMap: { type: 'ClassMap', label: 'Class map', preview: [{ kind: 'classes' }, { kind: 'probability' }] } },
  params,
  check: (_p, ctx) => modelClassifyProblems(ctx),
  async run(ctx, inputs, p) {
    const { composite, model } = inputs;
    featureColumns(model.features, composite.features, 'composite');
    const { grid } = composite;
    const nc = model.classes.length;
    const windows = chunkWindows(grid, p.chunkSize);
    const classScratch = new Scratch(temporaryPath(join(ctx.workDir, 'classes.raw')), grid.width, grid.height, 1, 1);
    const probScratch = new Scratch(temporaryPath(join(ctx.workDir, 'probabilities.raw')), grid.width, grid.height, nc, 4);
    const confScratch = new Scratch(temporaryPath(join(ctx.workDir, 'confidence.raw')), grid.width, grid.height, 3, 4);
    const rule = { ties: p.ties, tieTolerance: p.tieTolerance, minProbability: p.minProbability };
    const outsideTraining = p.ties === 'uncertain' && p.outsideTraining === 'uncertain' && !!model.applicability;
    const uncertainBy = [0, 0, 0, 0];
    const pixelsPerClass = new Array<number>(nc).fill(0);
    let uncertain = 0;
    let nodata = 0;
    try {
      const t0 = performance.now();
      let done = 0;
      await forEachWindow(windows, { concurrency: 2 * ctx.pool.size, signal: ctx.signal }, async (win) => {
        const r = await ctx.pool.run(classifyWindow, { composite, model, window: win, rule, outsideTraining }, ctx.signal);
        r.uncertainBy.forEach((n, i) => (uncertainBy[i] += n));
        classScratch.write(win, r.classes);
        probScratch.write(win, r.probabilities);
        confScratch.write(win, r.confidence);
        const n = win.width * win.height;
        for (let i = 0; i < n; i++) {
          if (r.classes[i] < nc) pixelsPerClass[r.classes[i]]++;
          else if (r.classes[i] === UNCERTAIN_CODE) uncertain++;
        }
        nodata += r.nodata;
        ctx.progress(++done, windows.length, 'chunks');
      });
      const classifySeconds = (performance.now() - t0) / 1000;

      const classFile = join(ctx.workDir, 'classes.tif');
      const probabilityFile = join(ctx.workDir, 'probabilities.tif');
      const confidenceFile = join(ctx.workDir, 'confidence.tif');
      const style = classMapStyle(model.classes);
      // Both files at once: their tiles compress side by side on the thread pool. Settle both before the
      // scratch files go away, then report the first failure.
      const written = await Promise.allSettled([
        writeGeoTiff(classFile, {
          grid, bandCount: 1, dataType: 'uint8', noData: NODATA_CODE,
          descriptions: [`class (${model.classes.map((c, i) => `${i}=${c}`).join(', ')}, ${UNCERTAIN_CODE}=${UNCERTAIN_NAME})`],
          colorMap: style.colorMap,
          readInterleaved: (win) => classScratch.read(win), signal: ctx.signal,
        }).then(() => writeCategoriesSidecar(classFile, style.categories)),
        writeGeoTiff(confidenceFile, {
          grid, bandCount: 3, dataType: 'float32', noData: NaN,
          descriptions: ['highest class probability', 'margin to the second class', 'uncertain because (0 decided, 1 tie, 2 below minProbability, 3 unlike the training data)'],
          readInterleaved: (win) => new Float32Array(confScratch.read(win).buffer), signal: ctx.signal,
        }),
        writeGeoTiff(probabilityFile, {
          grid, bandCount: nc, dataType: 'float32', noData: NaN, descriptions: model.classes.map((c) => `probability ${c}`),
          readInterleaved: (win) => new Float32Array(probScratch.read(win).buffer),
          signal: ctx.signal,
          onProgress: (d, t) => ctx.progress(d, t, 'tiles written'),
        }),
      ]);
      const failure = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failure) throw failure.reason;
      const totalSeconds = (performance.now() - t0) / 1000;
      const area = pixelAreaKm2(grid);
      const classAreasKm2: Record<string, number> = Object.fromEntries(model.classes.map((c, i) => [c, pixelsPerClass[i] * area]));
      if (uncertain > 0) classAreasKm2[UNCERTAIN_NAME] = uncertain * area;
      const classified = grid.width * grid.height - nodata;
      const mpx = (grid.width * grid.height) / 1e6;
      return {
        outputs: { classMap: { kind: 'ClassMap', grid, classes: model.classes, classFile, probabilityFile, confidenceFile, classAreasKm2 } },
        files: [classFile, `${classFile}.aux.xml`, probabilityFile, confidenceFile],
        summary: {
          algorithm: model.algorithm,
          pixels: grid.width * grid.height,
          chunks: windows.length,
          classAreasKm2: Object.fromEntries(Object.entries(classAreasKm2).map(([k, v]) => [k, round(v, 3)])),
          classPixels: Object.fromEntries(model.classes.map((c, i) => [c, pixelsPerClass[i]])),
          uncertainPixels: uncertain,
          uncertainPercent: classified > 0 ? round((100 * uncertain) / classified, 3) : 0,
          uncertainPixelsBy: { tie: uncertainBy[UNCERTAIN_REASON.tie], lowProbability: uncertainBy[UNCERTAIN_REASON.lowProbability], outsideTraining: uncertainBy[UNCERTAIN_REASON.outsideTraining] },
          outsideTraining: outsideTraining ? 'uncertain' : p.ties === 'first' || p.outsideTraining === 'classify' ? 'classified' : 'not checked (the model has no applicability.json: retrain it)',
          ties: p.ties,
          tieTolerance: p.tieTolerance,
          ...(p.minProbability ? { minProbability: p.minProbability } : {}),
          nodataPixels: nodata,
          classifyMpxPerSecond: round(mpx / classifySeconds, 2),
          totalSeconds: round(totalSeconds, 2),
        },
      };
    } finally {
      classScratch.dispose();
      probScratch.dispose();
      confScratch.dispose();
    }
  },
});
