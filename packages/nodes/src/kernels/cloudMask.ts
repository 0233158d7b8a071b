/**
 * Cloud masks as pure functions. Output: Uint8Array of nPixels * nDates, pixel-major ([pixel][date]), 1 = masked.
 *
 * Methods
 * - probability: masked where the s2cloudless probability (0..100) is > threshold (default 20).
 * - scl: masked where the Sen2Cor SCL class is in `classes` (default 3 shadow, 8/9 cloud, 10 cirrus);
 *   SCL 0 (no data) is always masked.
 * - reference ("difference to reference"): per pixel, the reference is the mean of the lowest
 *   k = max(1, ceil(lowestFraction * nValid)) valid values of the reference band (blue, B2) over the series;
 *   a date is cloudy where value - reference > threshold. Values and threshold are in reflectance units
 *   (0..1, i.e. (DN - dnOffset) * 1e-4; default threshold 0.04). DN 0 (nodata) is not a valid value and is
 *   never flagged here (nodata is masked per band during evaluation).
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
  const ref = input.reference;
  if (!ref || ref.length !== n) throw new Error(`cloud mask 'reference' needs the ${spec.referenceBand} band for ${nDates} dates`);
  const offset = input.dnOffset ?? 0;
  const frac = spec.lowestFraction;
  const scratch = new Float64Array(nDates);
  for (let p = 0; p < nPixels; p++) {
    const base = p * nDates;
    let valid = 0;
    for (let d = 0; d < nDates; d++) {
      const dn = ref[base + d];
      if (dn !== 0 && dn === dn) scratch[valid++] = (dn - offset) * 1e-4;
    }
    if (valid === 0) continue;
    const v = scratch.subarray(0, valid).sort();
    const k = Math.max(1, Math.ceil(frac * valid - 1e-9)); // epsilon: 0.1 * 30 is 3.0000000000000004
    let sum = 0;
    for (let i = 0; i < k; i++) sum += v[i];
    const reference = sum / k;
    for (let d = 0; d < nDates; d++) {
      const dn = ref[base + d];
      if (dn !== 0 && dn === dn && (dn - offset) * 1e-4 - reference > spec.threshold) mask[base + d] = 1;
    }
  }
  return mask;
}
