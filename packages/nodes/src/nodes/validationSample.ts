/** validation.sample: a stratified random sample of one class map's pixels (strata = classes + uncertain) to label. */
import { defineNode } from '../define.ts';
import { drawSample, sampleParams } from '../validation/sampleDesign.ts';

export const validationSample = defineNode({
  type: 'validation.sample',
  version: 1,
  category: 'Validation',
  label: 'Sample points (map)',
  description:
    "Draws a stratified random sample of pixels over a class map for accuracy assessment and area estimation (Olofsson et al. 2014): one stratum per class plus one for uncertain pixels, sample size from the target standard error of overall accuracy, at least minPerStratum points per stratum, seeded. Writes points.geojson (lon/lat) and points.csv with empty 'reference' fields to label (Label points view, QGIS or Collect Earth).",
  inputs: { map: { type: 'ClassMap', label: 'Class map' } },
  outputs: { points: { type: 'Points', label: 'Points' } },
  params: sampleParams,
  async run(ctx, { map }, p) {
    const { points, summary, files } = await drawSample(ctx, [map], ['map'], p);
    return { outputs: { points }, summary, files };
  },
});
