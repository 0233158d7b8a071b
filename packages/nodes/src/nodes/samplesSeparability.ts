/** samples.separability: per-feature class histograms and Jeffries–Matusita distances (which features separate which classes). */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { readSamples } from '../io/samplesStore.ts';
import { featureSeparability, rankFeatures } from '../kernels/separability.ts';
import { round, writeJsonAtomic } from '../ml/nodeHelpers.ts';

const params = z.object({
  bins: z.number().int().min(5).max(200).default(30).describe('Histogram bins per feature, shared by all classes, between the 1st and 99th percentiles.').meta({ unit: 'bins' }),
});

export const samplesSeparability = defineNode({
  type: 'samples.separability',
  version: 1,
  category: 'Samples',
  label: 'Class separability',
  description:
    'Histograms of every feature per class and the Jeffries–Matusita distance (0 = same distribution, 2 = fully separable, Gaussian assumption) for each pair of classes. Writes separability.json.',
  inputs: { samples: { type: 'Samples', label: 'Samples' } },
  outputs: {},
  params,
  async run(ctx, inputs, p) {
    const t = await readSamples(inputs.samples);
    if (t.y.length === 0) throw new NodeError('The input samples are empty (0 rows).');
    const nf = t.features.length, nc = t.classes.length;
    const sep = featureSeparability(t.X, t.y.length, nf, t.y, nc, p.bins);
    const rank = rankFeatures(sep, nc);
    const pairName = (a: number, b: number) => `${t.classes[a]} vs ${t.classes[b]}`;
    const jm: Record<string, Record<string, number>> = {};
    for (const pr of rank.pairs) jm[pairName(pr.a, pr.b)] = Object.fromEntries(t.features.map((f, i) => [f, round(sep[i].jm[pr.a][pr.b])]));
    const file = join(ctx.workDir, 'separability.json');
    writeJsonAtomic(file, {
      classes: t.classes,
      features: t.features,
      bins: p.bins,
      perFeature: sep.map((s) => ({ feature: t.features[s.feature], edges: s.edges, density: s.density, mean: s.mean, variance: s.variance, jm: s.jm })),
      jm,
    });
    return {
      outputs: {},
      files: [file],
      summary: {
        rows: t.y.length,
        jm,
        bestFeatures: rank.overall.slice(0, 5).map((o) => ({ feature: t.features[o.feature], meanJm: round(o.meanJm), minJm: round(o.minJm) })),
        bestPerPair: Object.fromEntries(rank.pairs.map((pr) => [pairName(pr.a, pr.b), pr.ranking.slice(0, 3).map((r) => `${t.features[r.feature]} (${round(r.jm, 3)})`)])),
      },
    };
  },
});
