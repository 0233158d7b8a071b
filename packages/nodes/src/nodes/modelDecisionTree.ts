/** model.decisionTree: a single CART tree (Gini) as scikit-learn builds it; small enough to read. */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { readSamples } from '../io/samplesStore.ts';
import { fitDecisionTree, treeDepth, treeLeaves, treePredictProba } from '../ml/decisionTree.ts';
import type { TreeFile } from '../ml/predict.ts';
import { accuracyOf, requireRows, round, writeJsonAtomic } from '../ml/nodeHelpers.ts';
import { applicabilitySummary, writeDomainOfSamples } from '../ml/applicabilityFile.ts';

const params = z.object({
  maxDepth: z.number().int().min(1).max(30).default(5).describe('Maximum depth of the tree (max_depth).').meta({ unit: 'levels' }),
  maxLeafNodes: z.number().int().min(2).max(1000).default(10).describe('Maximum number of leaves (max_leaf_nodes); the tree grows best-first.').meta({ unit: 'leaves' }),
  minSamplesLeaf: z.number().int().min(1).default(1).describe('Minimum training rows in a leaf (min_samples_leaf).').meta({ unit: 'rows' }),
});

export const modelDecisionTree = defineNode({
  type: 'model.decisionTree',
  // Version 2 also writes applicability.json (the model output changed, the params did not).
  version: 2,
  migrations: { 1: (p) => p },
  category: 'Model',
  label: 'Train decision tree',
  description: 'A single decision tree (CART, Gini impurity, thresholds at midpoints like scikit-learn). Saves tree.json; the summary holds the tree for drawing.',
  inputs: { train: { type: 'Samples', label: 'Training samples' } },
  outputs: { model: { type: 'Model', label: 'Model' } },
  params,
  async run(ctx, inputs, p) {
    const t = await readSamples(inputs.train);
    requireRows(t, 'training');
    const rows = t.y.length, nf = t.features.length, nc = t.classes.length;
    const t0 = performance.now();
    const nodes = fitDecisionTree(t.X, rows, nf, t.y, nc, p);
    const seconds = (performance.now() - t0) / 1000;
    const file = join(ctx.workDir, 'tree.json');
    const content: TreeFile = { nodes, features: t.features, classes: t.classes };
    const applicabilityFile = join(ctx.workDir, 'applicability.json');
    const applicability = writeDomainOfSamples(applicabilityFile, t);
    writeJsonAtomic(file, content);
    const accuracy = accuracyOf(treePredictProba(nodes, t.X, rows, nf, nc), t.y, nc);
    return {
      outputs: {
        model: { kind: 'Model', algorithm: 'decisionTree', features: t.features, classes: t.classes, file, ...(applicability ? { applicability: applicabilityFile } : {}) },
      },
      files: applicability ? [file, applicabilityFile] : [file],
      summary: {
        depth: treeDepth(nodes),
        leaves: treeLeaves(nodes),
        trainingRows: rows,
        trainingAccuracy: round(accuracy),
        trainSeconds: round(seconds, 3),
        ...(applicability ? { applicability: applicabilitySummary(applicability) } : {}),
        features: t.features,
        classes: t.classes,
        tree: nodes,
      },
    };
  },
});
