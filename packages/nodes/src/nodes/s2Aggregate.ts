/** s2.aggregate: per-pixel temporal reducers over the year -> a Composite feature raster (materialised in chunks). */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError, type ParamProblem } from '../define.ts';
import { upstreamSeries } from './seriesUpstream.ts';
import { forEachWindow } from '../fanOut.ts';
import { alignedWindows, readPathsOf } from '../io/rasterSource.ts';
import { aggregateWindow } from '../raster/aggregateTask.ts';
import { CompositeWriter } from '../raster/compositeStore.ts';
import { compositeFeatureNames, planComposite, type AggregateSpec } from '../raster/evaluateComposite.ts';
import { featureName, SIMPLE_REDUCERS, type Reducer } from '../kernels/temporalReduce.ts';

const params = z.object({
  variables: z
    .array(z.string())
    .default([])
    .describe('Bands and indices to aggregate, e.g. ["B2", "NDVI"]. Empty = all variables of the series.'),
  reducers: z
    .array(z.enum(SIMPLE_REDUCERS))
    .default(['mean'])
    .describe('Per-pixel statistics over the dates, ignoring masked/no-data observations: mean, std (population, ddof 0), min, max, median, count (number of valid observations).'),
  quantiles: z
    .array(z.number().gt(0).lt(1))
    .default([])
    // 0.1 and 0.1000000000001 both name <VAR>_q10: two features with one name would be silently merged.
    .superRefine((qs, ctx) => {
      const seen = new Map<string, number>();
      qs.forEach((q, i) => {
        const name = featureName('X', { quantile: q }).slice(2);
        const first = seen.get(name);
        if (first !== undefined && qs[first] !== q) {
          ctx.addIssue({ code: 'custom', path: [i], message: `quantile ${q} gives the same feature name (${name}) as quantile ${qs[first]}; remove one of them` });
        } else if (first === undefined) seen.set(name, i);
      });
    })
    .describe('Extra quantiles in (0, 1), linear interpolation (numpy default); 0.1 gives feature <VAR>_q10.')
    .meta({ unit: 'fraction' }),
  chunkSize: z.number().int().min(64).max(2048).default(256).describe('Window size in pixels processed per task (256 = one GeoTIFF tile). Memory per worker grows with chunkSize² × dates × bands: 256 px, 72 dates, 10 bands ≈ 100 MB; 512 px ≈ 400 MB.').meta({ unit: 'px' }),
});

/** Problems of the params against the series' variables (unknown when undefined). */
function aggregateProblems(p: { variables: string[]; reducers: string[]; quantiles: number[] }, variables: string[] | undefined): ParamProblem[] {
  const problems: ParamProblem[] = [];
  p.variables.forEach((v, i) => {
    if (variables && !variables.includes(v)) problems.push({ param: `variables.${i}`, message: `variable "${v}" is not in the series (it has ${variables.join(', ')}): choose one of those or remove it (variables)` });
  });
  if (p.reducers.length === 0 && p.quantiles.length === 0) problems.push({ param: 'reducers', message: 'choose at least one reducer (e.g. mean) or a quantile (reducers)' });
  return problems;
}

export const s2Aggregate = defineNode({
  type: 's2.aggregate',
  version: 1,
  category: 'Raster',
  label: 'Temporal Aggregate',
  description:
    'Reduces each pixel\'s time series to features <VAR>_<STAT> (e.g. B2_mean, NDVI_std). Bands are in DN (reflectance x 10000), indices as computed. A pixel with no valid observation gives no data (count 0).',
  inputs: { series: { type: 'TimeSeries' } },
  outputs: {
    composite: {
      type: 'Composite',
      // Natural colour from red, green, blue; NDVI (near infrared, red) over the dates for labelling points.
      preview: [
        { kind: 'rgb', label: 'natural colour', bands: ['B4', 'B3', 'B2'] },
        { kind: 'pointSeries', label: 'NDVI', normalizedDifference: ['B8', 'B4'] },
      ],
    },
  },
  params,
  check: (p, ctx) => {
    const up = upstreamSeries(ctx);
    return aggregateProblems(p, up.known ? up.variables : undefined);
  },
  async run(ctx, { series }, p) {
    const variables = p.variables.length > 0 ? [...new Set(p.variables)] : series.variables;
    // The check's own words (validation says the same before the run).
    const first = aggregateProblems(p, series.variables)[0];
    if (first) throw new NodeError(first.message, { param: first.param });
    const reducers: Reducer[] = [...new Set(p.reducers), ...[...new Set(p.quantiles)].map((quantile) => ({ quantile }))];
    if (reducers.length === 0) throw new NodeError('Choose at least one reducer or quantile.', { param: 'reducers' });
    if (variables.length === 0) throw new NodeError('The series has no variables to aggregate.', { param: 'variables' });
    const spec: AggregateSpec = { variables, reducers };
    try {
      planComposite(series, spec);
    } catch (e) {
      throw new NodeError((e as Error).message, { param: 'variables' });
    }
    const features = compositeFeatureNames(series, spec);
    const nf = features.length;
    const sources = [...Object.values(series.bands), ...(series.cloud ? [series.cloud.source] : [])];
    const windows = await alignedWindows(series.grid, p.chunkSize, sources);
    const writer = new CompositeWriter(join(ctx.workDir, 'composite.f32'), series.grid, features);
    const nanCount = new Float64Array(nf);
    let done = 0;
    let cloudySkipped = 0;
    ctx.progress(0, windows.length, 'chunks');

    try {
      await forEachWindow(windows, { concurrency: 2 * ctx.pool.size, signal: ctx.signal }, async (win) => {
        // The worker writes the window into the composite file itself and returns its no-data counts.
        const { noData, skippedDates } = await ctx.pool.run(aggregateWindow, { series, spec, window: win, into: { file: writer.scratchFile, width: series.grid.width } }, ctx.signal);
        for (let f = 0; f < nf; f++) nanCount[f] += noData[f];
        cloudySkipped += skippedDates;
        ctx.progress(++done, windows.length, 'chunks');
      });
    } catch (e) {
      writer.abort();
      throw e;
    }
    const composite = writer.commit();
    const nPix = series.grid.width * series.grid.height;
    const nanFraction = Object.fromEntries(features.map((f, i) => [f, Number((nanCount[i] / nPix).toFixed(4))]));
    return {
      outputs: { composite },
      summary: {
        features,
        grid: { width: series.grid.width, height: series.grid.height },
        dates: series.dates.length,
        mask: series.mask.method,
        chunks: windows.length,
        noDataFraction: nanFraction,
        readPaths: await readPathsOf(sources),
        // Window-dates masked throughout by the probability mask: band-interleaved files skip decoding them.
        fullyCloudyWindowDates: `${cloudySkipped} of ${windows.length * series.dates.length}`,
      },
    };
  },
});
