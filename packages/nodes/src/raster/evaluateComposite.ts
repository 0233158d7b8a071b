/**
 * Fused per-window evaluation of a TimeSeries recipe into composite features:
 * read each needed band window once -> nodata + cloud mask -> indices per date -> temporal reducers.
 *
 * Units: raw band variables are reduced in DN units minus the offset (DN - dnOffset), as the notebooks did;
 * index expressions see surface reflectance (DN - dnOffset) * 1e-4. DN 0 is nodata (NaN for that band and
 * date); a cloud-masked date/pixel is NaN for every variable.
 *
 * Memory: the raw band windows (one typed array per date) plus the mask plus ONE variable's [date][pixel]
 * float32 stack at a time.
 */
import type { TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import { readSourceWindow } from '../io/rasterSource.ts';
import { cloudMask } from '../kernels/cloudMask.ts';
import { compileExpression, type CompiledExpression } from '../kernels/expression.ts';
import { featureName, temporalReduce, type Reducer } from '../kernels/temporalReduce.ts';
import { createMomentAccumulator, isStreamable } from '../kernels/momentAccumulator.ts';

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
    if (!ts.bands[ts.mask.referenceBand]) throw new Error(`reference cloud mask needs band ${ts.mask.referenceBand}, which is not loaded`);
    bands.add(ts.mask.referenceBand);
  }
  return { bands: [...bands], indices };
}

export async function evaluateCompositeWindow(ts: TimeSeries, spec: AggregateSpec, win: Window): Promise<Float32Array> {
  const plan = planComposite(ts, spec);
  const nDates = ts.dates.length;
  const nPix = win.width * win.height;
  const nFeat = spec.variables.length * spec.reducers.length;
  const offset = ts.dnOffset;

  // 1. Read every needed source window once, concurrently.
  const readChecked = async (what: string, source: Parameters<typeof readSourceWindow>[0]) => {
    const arrays = await readSourceWindow(source, win);
    if (arrays.length !== nDates) throw new Error(`${what} has ${arrays.length} raster bands but the series has ${nDates} dates`);
    return arrays as ArrayLike<number>[];
  };
  const needCloud = ts.mask.method === 'probability' || ts.mask.method === 'scl';
  if (needCloud && !ts.cloud) throw new Error(`cloud mask '${ts.mask.method}' needs a cloud layer, but none was loaded`);
  const [raw, cloud] = await Promise.all([
    Promise.all(plan.bands.map((b) => readChecked(`band ${b}`, ts.bands[b]))),
    needCloud ? readChecked(`cloud layer (${ts.cloud!.layer})`, ts.cloud!.source) : Promise.resolve(undefined),
  ]);
  const band: Record<string, ArrayLike<number>[]> = {};
  plan.bands.forEach((b, i) => (band[b] = raw[i]));

  // 2. Cloud mask [date][pixel].
  const mask = cloudMask(ts.mask, {
    nDates,
    nPixels: nPix,
    cloud,
    reference: ts.mask.method === 'reference' ? band[ts.mask.referenceBand] : undefined,
    dnOffset: offset,
  });

  // 3. Reduce. Order-free reducers stream date by date; otherwise one variable at a time through a stack.
  const out = new Float32Array(nPix * nFeat);
  const interleave = (vi: number, reduced: Float32Array[]) =>
    reduced.forEach((arr, ri) => {
      const f = vi * spec.reducers.length + ri;
      for (let p = 0; p < nPix; p++) out[p * nFeat + f] = arr[p];
    });
  if (isStreamable(spec.reducers)) {
    streamWindow(plan, spec, band, mask, nDates, nPix, offset).forEach((reduced, vi) => interleave(vi, reduced));
    return out;
  }
  // Median and quantiles need each pixel's whole series: a [date][pixel] stack, in float64 because indices of
  // near-constant pixels have tiny spreads that float32 per-date values would blur.
  const stack = new Float64Array(nDates * nPix);
  const scratch: Record<string, Float64Array> = {};
  spec.variables.forEach((v, vi) => {
    const expr = plan.indices.get(v);
    if (expr) for (const n of expr.names) scratch[n] ??= new Float64Array(nPix);
    for (let d = 0; d < nDates; d++) {
      const o = d * nPix;
      const dst = stack.subarray(o, o + nPix);
      if (!expr) {
        const src = band[v][d];
        for (let p = 0; p < nPix; p++) {
          const dn = src[p];
          dst[p] = dn === 0 || mask[o + p] ? NaN : dn - offset;
        }
      } else {
        const inputs: Record<string, Float64Array> = {};
        for (const n of expr.names) {
          const src = band[n][d];
          const input = scratch[n];
          for (let p = 0; p < nPix; p++) {
            const dn = src[p];
            input[p] = dn === 0 || mask[o + p] ? NaN : (dn - offset) * REFLECTANCE_SCALE;
          }
          inputs[n] = input;
        }
        expr.evaluate(inputs, dst);
      }
    }
    interleave(vi, temporalReduce(stack, nDates, nPix, spec.reducers));
  });
  return out;
}

/**
 * Order-free reducers, date-outer: each band's reflectance is prepared once per date for every index that uses
 * it, and raw bands are accumulated straight from DN. No [date][pixel] stack is built.
 */
function streamWindow(
  plan: Plan, spec: AggregateSpec, band: Record<string, ArrayLike<number>[]>, mask: Uint8Array, nDates: number, nPix: number, offset: number,
): Float32Array[][] {
  const accs = spec.variables.map(() => createMomentAccumulator(nPix, spec.reducers));
  const reflectanceBands = [...new Set([...plan.indices.values()].flatMap((e) => e.names))];
  const reflectance: Record<string, Float64Array> = Object.fromEntries(reflectanceBands.map((b) => [b, new Float64Array(nPix)]));
  const row = new Float64Array(nPix);
  for (let d = 0; d < nDates; d++) {
    const o = d * nPix;
    for (const b of reflectanceBands) {
      const src = band[b][d];
      const dst = reflectance[b];
      for (let p = 0; p < nPix; p++) {
        const dn = src[p];
        dst[p] = dn === 0 || mask[o + p] ? NaN : (dn - offset) * REFLECTANCE_SCALE;
      }
    }
    spec.variables.forEach((v, vi) => {
      const expr = plan.indices.get(v);
      if (expr) {
        expr.evaluate(reflectance, row);
        accs[vi].add(row);
      } else accs[vi].addDn(band[v][d], mask, o, offset);
    });
  }
  return accs.map((a) => a.result());
}
