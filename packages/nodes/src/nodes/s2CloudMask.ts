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
  REFERENCE_PRESETS,
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
    .describe('method "probability": an observation is cloudy where the cloud probability is above this value (percent, 0–100).')
    .meta({ unit: '%', showWhen: { method: ['probability'] } }),
  sclClasses: z
    .array(z.number().int().min(0).max(11))
    .default(DEFAULT_SCL_CLASSES)
    .describe('method "scl": Sen2Cor classes to mask (3 cloud shadow, 8 cloud medium, 9 cloud high, 10 thin cirrus, 11 snow). SCL 0 (no data) is always masked.')
    .meta({ unit: 'SCL class', showWhen: { method: ['scl'] } }),
  referencePreset: z
    .enum(['report', 'workshop'])
    .optional()
    .describe(
      'method "reference": a published reading (the reference params below override it): "report" = B2, B3, B4, each the mean of the pixel\'s lowest 10 % of valid values, cloudy where all three exceed it by 0.04; ' +
        '"workshop" = the workshop helper, ref = np.nanquantile(B2, 0.1), cloudy where B2 exceeds it by more than 1000 DN (0.1). Without a preset: B2, lowest 10 %, 0.04.',
    )
    .meta({ showWhen: { method: ['reference'] } }),
  referenceBands: z.array(z.string().min(1)).min(1).optional().describe('method "reference": bands with a clear-sky reference each (default ["B2"], blue).').meta({ showWhen: { method: ['reference'] } }),
  referenceStatistic: z
    .enum(['lowestMean', 'quantile'])
    .optional()
    .describe('method "reference": the reference of a pixel and band: "lowestMean" = mean of the lowestFraction of its valid values (default); "quantile" = numpy\'s nanquantile at referenceQuantile.')
    .meta({ showWhen: { method: ['reference'] } }),
  referenceQuantile: z.number().min(0).max(1).optional().describe('method "reference", statistic "quantile": the quantile (default 0.1).').meta({ unit: 'fraction', showWhen: { method: ['reference'] } }),
  referenceCombine: z.enum(['any', 'all']).optional().describe('method "reference": a date is cloudy when any (default) or all reference bands exceed their reference.').meta({ showWhen: { method: ['reference'] } }),
  referenceThreshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(`method "reference": cloudy where the band exceeds the pixel's reference by more than this (reflectance 0–1; default ${DEFAULT_REFERENCE_THRESHOLD} = ${DEFAULT_REFERENCE_THRESHOLD * 1e4} DN).`)
    .meta({ unit: 'reflectance', showWhen: { method: ['reference'] } }),
  lowestFraction: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(`method "reference", statistic "lowestMean": the reference is the mean of this fraction of the pixel's lowest valid values over the series (default ${DEFAULT_LOWEST_FRACTION} = lowest 10 %).`)
    .meta({ unit: 'fraction', showWhen: { method: ['reference'] } }),
});

export const s2CloudMask = defineNode({
  type: 's2.cloudMask',
  version: 2,
  // Version 2: the reference mask takes several bands (referenceBand became referenceBands) and presets.
  migrations: {
    1: ({ referenceBand, ...rest }) => (typeof referenceBand === 'string' ? { ...rest, referenceBands: [referenceBand] } : rest),
  },
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
    if (p.method === 'reference') {
      const preset = p.referencePreset ? REFERENCE_PRESETS[p.referencePreset] : undefined;
      const missing = (p.referenceBands ?? (preset ? [...preset.bands] : ['B2'])).filter((b) => !up.bands.includes(b));
      const param = p.referenceBands || !p.referencePreset ? 'referenceBands' : 'referencePreset';
      if (missing.length) return [{ param, message: `method "reference" needs band${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the loader does not load (it loads ${up.bands.join(', ')}): add ${missing.length > 1 ? 'them' : 'it'} to the loader's bands (${param})` }];
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
      const preset = p.referencePreset ? REFERENCE_PRESETS[p.referencePreset] : undefined;
      const bands = p.referenceBands ?? (preset ? [...preset.bands] : ['B2']);
      const missing = bands.filter((b) => !series.bands[b]);
      if (missing.length) {
        throw new NodeError(
          `Cloud mask method "reference" needs band${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not loaded (loaded: ${Object.keys(series.bands).join(', ')}); add ${missing.length > 1 ? 'them' : 'it'} to s2.load's bands.`,
          { param: p.referenceBands ? 'referenceBands' : p.referencePreset ? 'referencePreset' : 'referenceBands' },
        );
      }
      const statistic = p.referenceStatistic ?? preset?.statistic ?? 'lowestMean';
      mask = {
        method: 'reference',
        threshold: p.referenceThreshold ?? preset?.threshold ?? DEFAULT_REFERENCE_THRESHOLD,
        referenceBand: bands[0],
        lowestFraction: p.lowestFraction ?? (preset && 'lowestFraction' in preset ? preset.lowestFraction : DEFAULT_LOWEST_FRACTION),
        bands,
        statistic,
        ...(statistic === 'quantile' ? { quantile: p.referenceQuantile ?? (preset && 'quantile' in preset ? preset.quantile : 0.1) } : {}),
        combine: p.referenceCombine ?? preset?.combine ?? 'any',
      };
    } else {
      mask = { method: 'none' };
    }
    const summary: Record<string, unknown> = { method: mask.method, dates: series.dates.length };
    if (mask.method === 'probability') summary.threshold = mask.threshold;
    if (mask.method === 'scl') summary.classes = mask.classes;
    if (mask.method === 'reference') {
      const { threshold, bands, statistic, lowestFraction, quantile, combine } = mask;
      Object.assign(summary, { preset: p.referencePreset ?? null, threshold, bands, statistic, ...(statistic === 'quantile' ? { quantile } : { lowestFraction }), combine });
    }
    return { outputs: { series: { ...series, mask } }, summary };
  },
});
