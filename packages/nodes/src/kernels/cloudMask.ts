/**
 * Cloud masks as pure functions. Output: Uint8Array of nPixels * nDates, pixel-major ([pixel][date]), 1 = masked.
 *
 * Methods
 * - probability: masked where the s2cloudless probability (0..100) is > threshold (default 20).
 * - scl: masked where the Sen2Cor SCL class is in `classes` (default 3 shadow, 8/9 cloud, 10 cirrus);
 *   SCL 0 (no data) is always masked.
 * - reference ("difference to reference"): per pixel and reference band (default blue, B2), the reference is
 *   the mean of the lowest k = max(1, ceil(lowestFraction * nValid)) valid values over the series, or numpy's
 *   linear nanquantile at `quantile`; a date is cloudy where value - reference > threshold in any (or all)
 *   bands. The threshold is in reflectance units (0..1, i.e. DN * 1e-4; default 0.04), compared in DN.
 *   DN 0 (nodata) is not a valid value and is never flagged here (nodata is masked per band during evaluation).
 * - none: nothing masked.
 */
import type { CloudMaskSpec } from '../values.ts';

export const DEFAULT_PROBABILITY_THRESHOLD = 20;
export const DEFAULT_SCL_CLASSES = [3, 8, 9, 10];
export const DEFAULT_REFERENCE_THRESHOLD = 0.04;
export const DEFAULT_LOWEST_FRACTION = 0.1;

export interface CloudMaskInputs {
  nDates: number;
  nPixels: number;
  /** Cloud layer, pixel-major (cloud[p * nDates + d]): probability 0..100 or SCL class codes. */
  cloud?: ArrayLike<number>;
  /** Reference band, pixel-major, raw DN (0 = nodata); reflectance = (DN - dnOffset) * 1e-4. */
  reference?: ArrayLike<number>;
  /** All reference bands (spec.bands order), pixel-major raw DN; overrides `reference`. */
  references?: ArrayLike<number>[];
  dnOffset?: number;
}

export function cloudMask(spec: CloudMaskSpec, input: CloudMaskInputs): Uint8Array {
  const { nDates, nPixels } = input;
  const n = nDates * nPixels;
  const mask = new Uint8Array(n);
  if (spec.method === 'none') return mask;

  if (spec.method === 'probability' || spec.method === 'scl') {
    const cloud = input.cloud;
    if (!cloud || cloud.length !== n) throw new Error(`cloud mask '${spec.method}' needs the cloud layer for ${nDates} dates`);
    if (spec.method === 'probability') {
      const t = spec.threshold;
      for (let i = 0; i < n; i++) mask[i] = cloud[i] > t ? 1 : 0;
    } else {
      const lut = new Uint8Array(256);
      lut[0] = 1;
      for (const k of spec.classes) if (k >= 0 && k < 256) lut[k] = 1;
      for (let i = 0; i < n; i++) {
        const v = cloud[i];
        mask[i] = v >= 0 && v < 256 ? lut[v] : 0;
      }
    }
    return mask;
  }

  // reference
  const bands = spec.bands ?? [spec.referenceBand];
  const refs = input.references ?? (input.reference ? [input.reference] : []);
  if (refs.length !== bands.length || refs.some((r) => r.length !== n)) {
    throw new Error(`cloud mask 'reference' needs the ${bands.join(', ')} band${bands.length > 1 ? 's' : ''} for ${nDates} dates`);
  }
  const offset = input.dnOffset ?? 0;
  // In DN: a threshold of 0.1 is exactly 1000 DN, as the workshop's "B2 - ref > 1000" (no float boundary error).
  const thresholdDn = Math.round(spec.threshold * 1e4 * 1e6) / 1e6;
  const all = spec.combine === 'all';
  const quantile = spec.statistic === 'quantile';
  const q = spec.quantile ?? 0.1;
  const frac = spec.lowestFraction;
  const scratch = new Float64Array(nDates);
  const reference = new Float64Array(bands.length);
  for (let p = 0; p < nPixels; p++) {
    const base = p * nDates;
    let any = false;
    for (let b = 0; b < refs.length; b++) {
      const ref = refs[b];
      let valid = 0;
      for (let d = 0; d < nDates; d++) {
        const dn = ref[base + d];
        if (dn !== 0 && dn === dn) scratch[valid++] = dn - offset;
      }
      reference[b] = NaN;
      if (valid === 0) continue;
      any = true;
      const v = scratch.subarray(0, valid).sort();
      if (quantile) {
        // numpy's default (linear) quantile of the valid values
        const x = q * (valid - 1);
        const lo = Math.floor(x);
        reference[b] = lo + 1 < valid ? v[lo] + (v[lo + 1] - v[lo]) * (x - lo) : v[lo];
      } else {
        const k = Math.max(1, Math.ceil(frac * valid - 1e-9)); // epsilon: 0.1 * 30 is 3.0000000000000004
        let sum = 0;
        for (let i = 0; i < k; i++) sum += v[i];
        reference[b] = sum / k;
      }
    }
    if (!any) continue;
    for (let d = 0; d < nDates; d++) {
      let hits = 0;
      for (let b = 0; b < refs.length; b++) {
        const dn = refs[b][base + d];
        if (dn !== 0 && dn === dn && dn - offset - reference[b] > thresholdDn) hits++;
      }
      if (all ? hits === refs.length : hits > 0) mask[base + d] = 1;
    }
  }
  return mask;
}

/** The two published readings of "difference to reference" (see s2.cloudMask's referencePreset). */
export const REFERENCE_PRESETS = {
  /** The report: reference from blue, green and red, each the mean of the pixel's lowest 10 % of valid values. */
  report: { bands: ['B2', 'B3', 'B4'], statistic: 'lowestMean', lowestFraction: 0.1, threshold: DEFAULT_REFERENCE_THRESHOLD, combine: 'all' },
  /** The workshop helper: ref = np.nanquantile(B2, 0.1); cloudy where B2 - ref > 1000 DN. */
  workshop: { bands: ['B2'], statistic: 'quantile', quantile: 0.1, threshold: 0.1, combine: 'any' },
} as const;
