// The composite kernel alone on one real window (decoded once), both input orders, min CPU over repeats.
// usage: node --import tsx scripts/bench-kernel-cpu.ts <band-interleaved dir> [stem] [repeats]
import { describeSource, readSourceWindowInterleaved, readSourceWindowPlanar } from '../packages/nodes/src/io/rasterSource.ts';
import { compileCompositeKernel, MASK_LAYER, type KernelVariable } from '../packages/nodes/src/raster/compositeKernel.ts';
import { compileExpression } from '../packages/nodes/src/kernels/expression.ts';
import { SPECTRAL_INDICES } from '../packages/nodes/src/kernels/spectralIndices.ts';

const dir = process.argv[2];
const stem = process.argv[3] ?? 'S2_SR_demo_2019';
const reps = Number(process.argv[4] ?? 5);
const bands = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
const W = Number(process.env.H10P_W ?? 256);
const win = { x: 256, y: 256, width: W, height: W };
const planar: Record<string, ArrayLike<number>> = {};
const pixel: Record<string, ArrayLike<number>> = {};
for (const b of [...bands, 'probability']) {
  const { source } = await describeSource([`${dir}/${stem}_${b}.tif`]);
  planar[b === 'probability' ? MASK_LAYER : b] = await readSourceWindowPlanar(source, win);
  pixel[b === 'probability' ? MASK_LAYER : b] = await readSourceWindowInterleaved(source, win);
}
if (process.env.H10P_HUGE) {
  const { createRequire } = await import('node:module');
  const koffi = createRequire(import.meta.url)('koffi');
  const libc = koffi.load('libc.so.6');
  const memmove = libc.func('void *memmove(void *dst, const void *src, size_t n)');
  const madvise = libc.func('int madvise(void *addr, size_t len, int advice)');
  const HUGE = 2n ** 21n;
  for (const [k, a] of Object.entries(planar) as [string, Uint16Array][]) {
    const C = a.constructor as Uint16ArrayConstructor;
    const big = new C(a.length + (2 << 20) / a.BYTES_PER_ELEMENT);
    const addr = koffi.address(memmove(big, big, 0)) as bigint;
    const start = (addr + HUGE - 1n) & ~(HUGE - 1n);
    const r = madvise(koffi.as(Number(start), 'void *'), Number(((addr + BigInt(big.byteLength)) & ~(HUGE - 1n)) - start), 14);
    const view = big.subarray(Number(start - addr) / a.BYTES_PER_ELEMENT, Number(start - addr) / a.BYTES_PER_ELEMENT + a.length);
    view.set(a);
    planar[k] = view;
    if (r !== 0) console.log('madvise failed');
  }
}
// H10P_PAD=n: date-major planes n values apart beyond nPixels; H10P_STAGGER=bytes: each layer's start shifted.
const pad = Number(process.env.H10P_PAD ?? 0), stagger = Number(process.env.H10P_STAGGER ?? 0);
let slot = 0;
if (pad || stagger) for (const [k, a] of Object.entries(planar) as [string, Uint16Array][]) {
  const C = a.constructor as Uint16ArrayConstructor;
  const n = win.width * win.height;
  const shift = (slot++ * stagger) / a.BYTES_PER_ELEMENT;
  const big = new C(shift + 72 * (n + pad));
  const view = big.subarray(shift, shift + 71 * (n + pad) + n);
  for (let d = 0; d < 72; d++) view.set(a.subarray(d * n, (d + 1) * n), d * (n + pad));
  planar[k] = view;
}
const variables: KernelVariable[] = [
  ...bands.map((band) => ({ kind: 'band' as const, band })),
  ...['NDVI', 'NDWI', 'BSI'].map((n) => ({ kind: 'index' as const, ast: compileExpression(SPECTRAL_INDICES[n].expression, bands).ast })),
];
const kernel = compileCompositeKernel({ variables, reducers: ['mean'] });
const nPixels = win.width * win.height, nDates = 72;
const run = (order: 'pixel' | 'date') => {
  const layers = order === 'pixel' ? pixel : planar;
  return kernel.run({
    nPixels, nDates, layers, mask: { kind: 'probability', probability: layers[MASK_LAYER], threshold: 20 }, dnOffset: 0, reflectanceScale: 1e-4,
    dateMajor: order === 'date' ? new Set([...bands, MASK_LAYER]) : undefined, planeStride: order === 'date' ? win.width * win.height + pad : undefined,
  });
};
const a = run('pixel'), b = run('date');
let same = a.length === b.length;
for (let i = 0; i < a.length && same; i++) same = Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
const best = { pixel: Infinity, date: Infinity };
for (let r = 0; r < reps; r++) {
  for (const order of ['pixel', 'date'] as const) {
    const times = Math.max(3, Math.round((5 * 65536) / nPixels));
    const t = process.cpuUsage();
    for (let k = 0; k < times; k++) run(order);
    const c = process.cpuUsage(t);
    best[order] = Math.min(best[order], ((c.user + c.system) / 1000 / times) * (65536 / nPixels));
  }
}
console.log(`kernel per 256² window, 13 variables, 72 dates (min of ${reps}): pixel-major ${best.pixel.toFixed(0)} ms, date-major ${best.date.toFixed(0)} ms; identical ${same}`);
