/**
 * Per-window evaluation of a TimeSeries recipe into composite features: read each needed band window once,
 * pixel-major -> cloud mask -> indices and temporal reducers fused in one generated loop (compositeKernel.ts).
 *
 * Units: raw band variables are reduced in DN units minus the offset (DN - dnOffset), as the notebooks did;
 * index expressions see surface reflectance (DN - dnOffset) * 1e-4. DN 0 is nodata (NaN for that band and
 * date); a cloud-masked date/pixel is NaN for every variable.
 *
 * Memory: the raw band windows in the files' data type (reused from window to window), no float stack.
 */
import type { TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import type { RasterSource } from '../values.ts';
import { dataTypeOfArray, type TypedArray } from '../io/geotiff/read.ts';
import { readSourceWindowInterleaved, readSourceWindowPlanar, sourceInterleave, type BufferSource } from '../io/rasterSource.ts';
import { cloudMask } from '../kernels/cloudMask.ts';
import { compileExpression, type CompiledExpression } from '../kernels/expression.ts';
import { featureName, type Reducer } from '../kernels/temporalReduce.ts';
import { compileCompositeKernel, MASK_LAYER, type CompositeKernel, type KernelInputs, type KernelVariable } from './compositeKernel.ts';
import { layerSlack } from './wasm/compositeKernelWasm.ts';
import { releaseKernelMemory, takeKernelMemory, type KernelMemory } from './wasm/kernelMemory.ts';

export interface AggregateSpec {
  /** Variables of the series to aggregate (band names and index names). */
  variables: string[];
  reducers: Reducer[];
}

/** Feature names, variable-major: for each variable, each reducer. */
export function compositeFeatureNames(_ts: TimeSeries, spec: AggregateSpec): string[] {
  const out: string[] = [];
  for (const v of spec.variables) for (const r of spec.reducers) out.push(featureName(v, r));
  return out;
}

export const REFLECTANCE_SCALE = 1e-4;

interface Plan {
  bands: string[];
  indices: Map<string, CompiledExpression>;
}

/** Which bands a spec needs (selected raw bands, bands of selected indices, the mask's reference band). */
export function planComposite(ts: TimeSeries, spec: AggregateSpec): Plan {
  const bandNames = Object.keys(ts.bands);
  const bands = new Set<string>();
  const indices = new Map<string, CompiledExpression>();
  for (const v of spec.variables) {
    if (ts.bands[v]) {
      bands.add(v);
      continue;
    }
    const idx = ts.indices.find((i) => i.name === v);
    if (!idx) throw new Error(`variable '${v}' is neither a loaded band nor an index (available: ${ts.variables.join(', ')})`);
    const compiled = compileExpression(idx.expression, bandNames);
    compiled.names.forEach((n) => bands.add(n));
    indices.set(v, compiled);
  }
  if (ts.mask.method === 'reference') {
    for (const b of ts.mask.bands ?? [ts.mask.referenceBand]) {
      if (!ts.bands[b]) throw new Error(`reference cloud mask needs band ${b}, which is not loaded`);
      bands.add(b);
    }
  }
  return { bands: [...bands], indices };
}

/** The kernel for a plan (compiled once per spec and thread; see compositeKernel.ts). */
function kernelFor(plan: Plan, spec: AggregateSpec): CompositeKernel {
  const variables: KernelVariable[] = spec.variables.map((v) => {
    const expr = plan.indices.get(v);
    return expr ? { kind: 'index', ast: expr.ast } : { kind: 'band', band: v };
  });
  return compileCompositeKernel({ variables, reducers: spec.reducers });
}

/**
 * Decoded-layer buffers kept between windows of this thread (~100 MB for a 256 px window of 11 72-date
 * stacks): a fresh allocation per window costs more in page faults and zeroing than the kernel does. A buffer
 * is taken for a read and returned once the kernel has run, so overlapping calls simply allocate.
 */
const spareBuffers: TypedArray[] = [];
const MAX_SPARE = 12;

const takeBuffer: BufferSource = (dataType, length) => {
  const i = spareBuffers.findIndex((b) => b.length === length && dataTypeOfArray(b) === dataType);
  return i >= 0 ? spareBuffers.splice(i, 1)[0] : undefined;
};

function giveBack(buffers: TypedArray[]): void {
  spareBuffers.push(...buffers);
  if (spareBuffers.length > MAX_SPARE) spareBuffers.splice(0, spareBuffers.length - MAX_SPARE); // oldest go
}

/**
 * Date-major planes of a 256² window are 128 KB (uint16) apart: the kernel, reading 16 dates x 11 layers at
 * once, then hits the same few cache sets with every load (a power-of-two stride), which measured ~1.3x slower
 * than planes padded by 32 values (64 bytes) each.
 */
export function paddedPlaneStride(nPixels: number): number {
  return nPixels + 32;
}

export async function evaluateCompositeWindow(ts: TimeSeries, spec: AggregateSpec, win: Window): Promise<Float32Array> {
  const plan = planComposite(ts, spec);
  const kernel = kernelFor(plan, spec);
  const nDates = ts.dates.length;
  const nPixels = win.width * win.height;
  const planeStride = paddedPlaneStride(nPixels);

  // 1. Every needed layer in its files' own order: pixel-major (a pixel's dates contiguous, as GEE writes
  // its stacks) or, for band-interleaved files, date-major, so neither is transposed. The cloud-mask kernel
  // (SCL, reference bands) reads pixel-major, so the layers it needs are read that way.
  const taken: TypedArray[] = [];
  const dateMajor = new Set<string>();
  const m = ts.mask;
  const maskReads = new Set(m.method === 'reference' ? (m.bands ?? [m.referenceBand]) : []);
  const needCloud = m.method === 'probability' || m.method === 'scl';
  if (needCloud && !ts.cloud) throw new Error(`cloud mask '${m.method}' needs a cloud layer, but none was loaded`);
  // For the SIMD kernel the layers are decoded straight into its memory (see wasm/kernelMemory.ts).
  const memory = kernelMemoryFor(kernel, plan.bands.length + (needCloud ? 1 : 0), nDates, nPixels, planeStride);
  const alloc: BufferSource = memory ? (dataType, length) => memory.view(dataType, length, layerSlack(nDates, 2, false)) ?? takeBuffer(dataType, length) : takeBuffer;
  const readChecked = async (what: string, source: RasterSource, key: string, pixelMajorOnly: boolean, skip?: Uint8Array) => {
    if (source.bandCount !== nDates) throw new Error(`${what} has ${source.bandCount} raster bands but the series has ${nDates} dates`);
    const planar = !pixelMajorOnly && (await sourceInterleave(source)) === 'band';
    const data = planar ? await readSourceWindowPlanar(source, win, alloc, planeStride, skip) : await readSourceWindowInterleaved(source, win, alloc);
    if (planar) dateMajor.add(key);
    if (!memory?.holds(data)) taken.push(data);
    return data;
  };
  try {
    // A probability mask is read first: a date on which it masks every pixel of the window is not decoded
    // from band-interleaved files at all (clouds are large: on a cloudy scene whole windows are masked).
    const cloud = needCloud ? await readChecked(`cloud layer (${ts.cloud!.layer})`, ts.cloud!.source, MASK_LAYER, m.method !== 'probability') : undefined;
    const skip = m.method === 'probability' && cloud ? fullyMaskedDates(cloud, nPixels, nDates, m.threshold, dateMajor.has(MASK_LAYER) ? planeStride : 0) : undefined;
    if (skip) compositeReadStats.skippedDates += skip.reduce((a, b) => a + b, 0);
    const raw = await Promise.all(plan.bands.map((b) => readChecked(`band ${b}`, ts.bands[b], b, maskReads.has(b), skip)));
    const layers: Record<string, TypedArray> = {};
    plan.bands.forEach((b, i) => (layers[b] = raw[i]));

    // 2. The cloud mask (a probability threshold is tested inside the kernel's loop), 3. indices and reducers.
    const mask: KernelInputs['mask'] =
      m.method === 'none'
        ? { kind: 'none' }
        : m.method === 'probability'
          ? { kind: 'probability', probability: cloud!, threshold: m.threshold }
          : {
              kind: 'array',
              masked: cloudMask(m, { nDates, nPixels, cloud, references: m.method === 'reference' ? (m.bands ?? [m.referenceBand]).map((b) => layers[b]) : undefined, dnOffset: ts.dnOffset }),
            };
    return kernel.run({ nPixels, nDates, layers, mask, dnOffset: ts.dnOffset, reflectanceScale: REFLECTANCE_SCALE, dateMajor, planeStride, memory: memory ?? undefined });
  } finally {
    giveBack(taken);
    if (memory) releaseKernelMemory(memory);
  }
}

/** Window-dates whose band planes were not decoded because the probability mask covered the whole window (this thread). */
export const compositeReadStats = { skippedDates: 0 };

/**
 * skip[d] = 1 when `probability > threshold` (masked) for every pixel on date d; `planeStride` > 0 for
 * date-major values (planes that far apart), 0 for pixel-major ones.
 */
export function fullyMaskedDates(probability: ArrayLike<number>, nPixels: number, nDates: number, threshold: number, planeStride: number): Uint8Array {
  const skip = new Uint8Array(nDates).fill(1);
  if (nPixels === 0) return skip.fill(0);
  if (planeStride > 0) {
    for (let d = 0; d < nDates; d++) {
      for (let p = d * planeStride, end = p + nPixels; p < end; p++) {
        if (!(probability[p] > threshold)) {
          skip[d] = 0;
          break;
        }
      }
    }
  } else {
    let open = nDates;
    for (let p = 0; p < nPixels && open > 0; p++) {
      for (let d = 0, i = p * nDates; d < nDates; d++, i++) {
        if (skip[d] && !(probability[i] > threshold)) {
          skip[d] = 0;
          open--;
        }
      }
    }
  }
  return skip;
}

/**
 * A kernel memory with room for the window's layers (at most 2 bytes a value, each read either order), a
 * computed cloud mask the kernel copies in, and the features; null when the JavaScript kernel will run.
 */
function kernelMemoryFor(kernel: CompositeKernel, layerCount: number, nDates: number, nPixels: number, planeStride: number): KernelMemory | null {
  if (process.env.SENTIFLOW_KERNEL === 'js' || !kernel.simd) return null;
  const layerBytes = ((nDates - 1) * planeStride + nPixels) * 2 + layerSlack(nDates, 2, false) + 16;
  const maskBytes = nPixels * nDates + layerSlack(nDates, 1, false) + 16;
  const memory = takeKernelMemory();
  try {
    memory.reset(layerCount * layerBytes + maskBytes + nPixels * kernel.featureCount * 4 + 16);
  } catch {
    // No room to grow (a huge window): the JavaScript kernel reads ordinary arrays instead.
    releaseKernelMemory(memory);
    return null;
  }
  return memory;
}
