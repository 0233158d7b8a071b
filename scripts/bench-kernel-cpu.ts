// The composite kernels (JavaScript and WebAssembly SIMD) alone on one real 256² window (decoded once): pixel-major
// layers, date-major layers with dense planes, and date-major with the padded plane stride evaluateComposite uses. Minimum process CPU over
// repeats, so it can be read on a loaded machine. Not part of `npm run bench`.
// usage: node --import tsx scripts/bench-kernel-cpu.ts <band-interleaved dir> [stem] [repeats]
import { describeSource, readSourceWindowInterleaved, readSourceWindowPlanar } from '../packages/nodes/src/io/rasterSource.ts';
import { compileCompositeKernel, MASK_LAYER, type KernelVariable } from '../packages/nodes/src/raster/compositeKernel.ts';
import { paddedPlaneStride } from '../packages/nodes/src/raster/evaluateComposite.ts';
import { compileExpression } from '../packages/nodes/src/kernels/expression.ts';
import { SPECTRAL_INDICES } from '../packages/nodes/src/kernels/spectralIndices.ts';
import type { TypedArray } from '../packages/nodes/src/io/geotiff/read.ts';

const dir = process.argv[2];
const stem = process.argv[3] ?? 'S2_SR_demo_2019';
const reps = Number(process.argv[4] ?? 5);
const bands = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
const win = { x: 256, y: 256, width: 256, height: 256 };
const nPixels = win.width * win.height;
const padded = paddedPlaneStride(nPixels);
const layouts = { pixel: {} as Record<string, TypedArray>, dense: {} as Record<string, TypedArray>, padded: {} as Record<string, TypedArray> };
for (const b of [...bands, 'probability']) {
  const { source } = await describeSource([`${dir}/${stem}_${b}.tif`]);
  const key = b === 'probability' ? MASK_LAYER : b;
  layouts.pixel[key] = await readSourceWindowInterleaved(source, win);
  layouts.dense[key] = await readSourceWindowPlanar(source, win);
  layouts.padded[key] = await readSourceWindowPlanar(source, win, undefined, padded);
}
const variables: KernelVariable[] = [
  ...bands.map((band) => ({ kind: 'band' as const, band })),
  ...['NDVI', 'NDWI', 'BSI'].map((n) => ({ kind: 'index' as const, ast: compileExpression(SPECTRAL_INDICES[n].expression, bands).ast })),
];
const kernel = compileCompositeKernel({ variables, reducers: ['mean'] });
const nDates = layouts.pixel[MASK_LAYER].length / nPixels;
const run = (order: keyof typeof layouts) => {
  const layers = layouts[order];
  return kernel.run({
    nPixels, nDates, layers, mask: { kind: 'probability', probability: layers[MASK_LAYER], threshold: 20 }, dnOffset: 0, reflectanceScale: 1e-4,
    dateMajor: order === 'pixel' ? undefined : new Set([...bands, MASK_LAYER]),
    planeStride: order === 'padded' ? padded : undefined,
  });
};
// SENTIFLOW_KERNEL=js: the JavaScript kernel; otherwise the WebAssembly SIMD one (layers copied into its memory
// here, so its figures include that copy, which evaluateComposite avoids by decoding into that memory).
for (const kernelName of ['js', 'simd'] as const) {
  process.env.SENTIFLOW_KERNEL = kernelName === 'js' ? 'js' : '';
  const ref = run('pixel');
  const same = (['dense', 'padded'] as const).every((o) => {
    const got = run(o);
    return got.every((v, i) => Object.is(v, ref[i]));
  });
  const best = { pixel: Infinity, dense: Infinity, padded: Infinity };
  for (let r = 0; r < reps; r++) {
    for (const order of ['pixel', 'dense', 'padded'] as const) {
      const t = process.cpuUsage();
      for (let k = 0; k < 5; k++) run(order);
      const c = process.cpuUsage(t);
      best[order] = Math.min(best[order], (c.user + c.system) / 1000 / 5);
    }
  }
  console.log(
    `${kernelName} kernel per 256² window, ${variables.length} variables, ${nDates} dates (min of ${reps}): pixel-major ${best.pixel.toFixed(0)} ms, ` +
      `date-major ${best.dense.toFixed(0)} ms (dense planes), ${best.padded.toFixed(0)} ms (planes ${padded} apart); identical ${same}`,
  );
}
