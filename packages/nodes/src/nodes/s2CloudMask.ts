/** s2.cloudMask: chooses how cloudy observations are masked (lazy; applied per window by consumers). */
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import type { CloudMaskSpec } from '../values.ts';
import { upstreamSeries } from './seriesUpstream.ts';
import {
  DEFAULT_LOWEST_FRACTION,
  DEFAULT_PROBABILITY_THRESHOLD,
  DEFAULT_REFERENCE_THRESHOLD,
  DEFAULT_SCL_CLASSES,
} from '../kernels/cloudMask.ts';

const params = z.object({
  method: z
    .enum(['probability', 'scl', 'reference', 'none'])
    .default('probability')
    .describe(
      'probability: s2cloudless cloud probability above a threshold (needs s2.load cloudLayer "probability"); ' +
        'scl: Sen2Cor scene classes (needs cloudLayer "scl"); reference: brightness above the pixel\'s clear-sky blue ' +
        'reference (no cloud layer needed); none: no cloud masking (nodata is still masked).',
    ),
  probabilityThreshold: z
    .number()
    .min(0)
    .max(100)
    .default(DEFAULT_PROBABILITY_THRESHOLD)
    .describe('method "probability": an observation is cloudy where the cloud probability is above this value (percent, 0–100).'),
  sclClasses: z
    .array(z.number().int().min(0).max(11))
    .default(DEFAULT_SCL_CLASSES)
    .describe('method "scl": Sen2Cor classes to mask (3 cloud shadow, 8 cloud medium, 9 cloud high, 10 thin cirrus, 11 snow). SCL 0 (no data) is always masked.'),
  referenceBand: z.string().default('B2').describe('method "reference": band used for the clear-sky reference (blue, B2).'),
  referenceThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_REFERENCE_THRESHOLD)
    .describe('method "reference": cloudy where the band exceeds the pixel\'s reference by more than this (reflectance 0–1; 0.04 = 400 DN).'),
  lowestFraction: z
    .number()
    .gt(0)
    .max(1)
    .default(DEFAULT_LOWEST_FRACTION)
    .describe('method "reference": the reference is the mean of this fraction of the pixel\'s lowest valid values over the series (0.1 = lowest 10 %).'),
});

export const s2CloudMask = defineNode({
  type: 's2.cloudMask',
  version: 1,
  category: 'Raster',
  label: 'Cloud Mask',
  description:
    'Masks cloudy observations of a time series (replaces any earlier mask). Masked observations become no data for every band and index. Lazy: nothing is computed until a consumer reads windows.',
  inputs: { series: { type: 'TimeSeries' } },
  outputs: { series: { type: 'TimeSeries' } },
  params,
  check(p, ctx) {
    const up = upstreamSeries(ctx);
    if (!up.known) return [];
    if ((p.method === 'probability' || p.method === 'scl') && up.cloudLayer !== p.method) {
      const want = p.method === 'scl' ? '"scl"' : '"probability"';
      return [{ param: 'method', message: `method "${p.method}" needs the loader's cloudLayer set to ${want} (it is "${up.cloudLayer}"): change the loader's cloudLayer, or use method ${p.method === 'scl' ? '"probability"' : '"scl"'} or "reference" (method)` }];
    }
    if (p.method === 'reference' && !up.bands.includes(p.referenceBand)) {
      return [{ param: 'referenceBand', message: `method "reference" needs band ${p.referenceBand}, which the loader does not load (it loads ${up.bands.join(', ')}): add it to the loader's bands (referenceBand)` }];
    }
    return [];
  },
  async run(_ctx, { series }, p) {
    let mask: CloudMaskSpec;
    if (p.method === 'probability' || p.method === 'scl') {
      const layer = series.cloud?.layer;
      if (layer !== p.method) {
        const fix =
          p.method === 'probability'
            ? 'set s2.load\'s cloudLayer to "probability" (needs <PREFIX>_<YEAR>_probability.tif), or use method "scl" or "reference"'
            : 'set s2.load\'s cloudLayer to "scl" (needs <PREFIX>_<YEAR>_SCL.tif), or use method "probability" or "reference"';
        const has = layer ? `the series has the ${layer} layer` : 'the series has no cloud layer';
        throw new NodeError(`Cloud mask method "${p.method}" needs the ${p.method === 'scl' ? 'SCL' : 'cloud probability'} layer, but ${has}: ${fix}.`, {
          param: 'method',
        });
      }
      mask = p.method === 'probability' ? { method: 'probability', threshold: p.probabilityThreshold } : { method: 'scl', classes: [...new Set(p.sclClasses)].sort((a, b) => a - b) };
    } else if (p.method === 'reference') {
      if (!series.bands[p.referenceBand]) {
        throw new NodeError(
          `Cloud mask method "reference" needs band ${p.referenceBand}, which is not loaded (loaded: ${Object.keys(series.bands).join(', ')}); add it to s2.load's bands.`,
          { param: 'referenceBand' },
        );
      }
      mask = { method: 'reference', threshold: p.referenceThreshold, referenceBand: p.referenceBand, lowestFraction: p.lowestFraction };
    } else {
      mask = { method: 'none' };
    }
    const summary: Record<string, unknown> = { method: mask.method, dates: series.dates.length };
    if (mask.method === 'probability') summary.threshold = mask.threshold;
    if (mask.method === 'scl') summary.classes = mask.classes;
    if (mask.method === 'reference') Object.assign(summary, { threshold: mask.threshold, referenceBand: mask.referenceBand, lowestFraction: mask.lowestFraction });
    return { outputs: { series: { ...series, mask } }, summary };
  },
});
