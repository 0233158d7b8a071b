/** validation.sampleChange: a stratified random sample over the transitions between two class maps, to label. */
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { drawSample, sampleParams } from '../validation/sampleDesign.ts';

const params = sampleParams.extend({
  beforeName: z.string().min(1).max(40).default('before').describe('Name of the first map in views and reports, e.g. 2019.'),
  afterName: z.string().min(1).max(40).default('after').describe('Name of the second map, e.g. 2022.'),
});

export const validationSampleChange = defineNode({
  type: 'validation.sampleChange',
  version: 1,
  category: 'Validation',
  label: 'Sample points (change)',
  description:
    "Draws a stratified random sample of pixels over the change between two class maps (Olofsson et al. 2014): one stratum per transition (e.g. forest → asgm) plus one for pixels uncertain in either year, sample size from the target standard error of overall accuracy, at least minPerStratum points per stratum so rare changes are well covered, seeded. Writes points.geojson (lon/lat) and points.csv with map_before, map_after and empty reference_before, reference_after to label.",
  inputs: { before: { type: 'ClassMap', label: 'Before' }, after: { type: 'ClassMap', label: 'After' } },
  outputs: { points: { type: 'Points', label: 'Points' } },
  params,
  async run(ctx, { before, after }, p) {
    const { points, summary, files } = await drawSample(ctx, [before, after], [p.beforeName, p.afterName], p);
    return { outputs: { points }, summary, files };
  },
});
