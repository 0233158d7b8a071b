/**
 * validation.areaEstimate: error-adjusted areas with 95 % confidence intervals and the map's accuracies from
 * labelled sample points (Olofsson et al. 2014; Stehman 2014 for the per-year classes of a change sample).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { writeFileAtomicSync } from '../io/atomicFile.ts';
import { AreaEstimateError } from '../kernels/areaEstimate.ts';
import { parseLabels } from '../validation/pointsFile.ts';
import { matchLabels } from '../validation/labelledPoints.ts';
import { areaCsv, buildAreaReport } from '../validation/areaReport.ts';

const params = z.object({
  labels: z.string().default('').describe('Labelled points in the data root (empty: the labels that came with the points, e.g. from demo.labelFromTruth): GeoJSON (lon/lat Points) or CSV with id, x, y (map CRS) or lon, lat, and reference (a map sample) or reference_before, reference_after (a change sample). Class names as in the map; empty = not labelled yet.')
    .meta({ widget: 'file' }),
});

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

export const validationAreaEstimate = defineNode({
  type: 'validation.areaEstimate',
  version: 1,
  category: 'Validation',
  label: 'Area estimate (± 95 % CI)',
  description:
    "Estimates every class's (and every transition's) area in km² with a 95 % confidence interval, and overall, user's and producer's accuracy, from the sample points and the labels a person gave them (stratified estimator of Olofsson et al. 2014). A point's stratum is the map value under it; unlabelled points are left out and counted. Writes area_report.json (error matrices in counts and area proportions) and area_report.csv.",
  inputs: { points: { type: 'Points', label: 'Points' } },
  outputs: {},
  params,
  pathParams: ['labels'],
  async run(ctx, { points: design }, p) {
    if (p.labels === '' && !design.labelsFile) {
      throw new NodeError('No labels: give the labels file (the points labelled in the Label points view, QGIS or Collect Earth).', { param: 'labels' });
    }
    const file = p.labels === '' ? design.labelsFile! : ctx.resolvePath(p.labels, 'labels');
    const shown = p.labels === '' ? `the labels from ${design.labelsSource ?? 'upstream'}` : p.labels;
    let text: string;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      text = readFileSync(file, 'utf8');
    } catch {
      throw new NodeError(`Labels file ${shown} not found in the data root. Label the points first (Label points view, or fill the reference column of points.csv) and give its path.`, { param: 'labels', file: p.labels });
    }
    let records;
    try {
      records = parseLabels(text, shown);
    } catch (e) {
      throw new NodeError(`Cannot read the labels: ${(e as Error).message}.`, { param: 'labels', file: p.labels });
    }
    const match = await matchLabels(design, records, shown);
    if (match.points.length === 0) throw new NodeError(`${shown} has no labelled point yet (${match.unlabelled} unlabelled). Label the points first.`, { param: 'labels', file: p.labels });
    let built;
    try {
      built = buildAreaReport(design, match.points);
    } catch (e) {
      if (e instanceof AreaEstimateError) throw new NodeError(`Cannot estimate areas from ${shown}: ${e.message}. Label more of its points.`, { param: 'labels', file: p.labels });
      throw e;
    }
    const { sections, areas, overall } = built;
    const jsonFile = join(ctx.workDir, 'area_report.json');
    const csvFile = join(ctx.workDir, 'area_report.csv');
    const counts = { labelsSource: p.labels === '' ? (design.labelsSource ?? 'upstream') : p.labels, labelledPoints: match.points.length, unlabelledPoints: match.unlabelled, pointsOutsideMap: match.outsideMap };
    writeFileAtomicSync(jsonFile, JSON.stringify({
      design: design.design, classes: design.classes, maps: design.mapNames, ...counts,
      strata: design.strata, sections: sections.map((s) => ({ title: s.title, ...s.report })),
      method: 'Olofsson et al. 2014 (RSE 148: 42-57) stratified estimator; Stehman 2014 (IJRS 35: 4923-4939) where strata are not the categories; no finite population correction; 95 % CI = 1.96 SE.',
    }, null, 1));
    writeFileAtomicSync(csvFile, areaCsv(areas));
    const round = (e: { estimate: number; ci95: number } | null) => e && { estimate: r6(e.estimate), ci95: r6(e.ci95) };
    return {
      outputs: {},
      files: [jsonFile, csvFile],
      summary: {
        design: design.design,
        ...counts,
        overallAccuracy: overall && { estimate: r6(overall.estimate), ci95: r6(overall.ci) },
        areas: areas.map((a) => ({ ...a, mapKm2: r6(a.mapKm2), estimateKm2: r6(a.estimateKm2), ci95Km2: r6(a.ci95Km2), usersAccuracy: round(a.usersAccuracy), producersAccuracy: round(a.producersAccuracy) })),
        note: 'Error-adjusted areas from labelled sample points, 95 % confidence intervals (± half-width). Overall accuracy over the area the map classifies (uncertain pixels excluded).',
      },
    };
  },
});
