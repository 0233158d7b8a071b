/** model.xgboost: trains XGBoost (multi:softprob) with the system libxgboost; the model is XGBoost JSON. */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { trainXgboost, type TrainXgboostPayload, type TrainXgboostResult } from '../ml/trainTask.ts';
import { round } from '../ml/nodeHelpers.ts';
import { applicabilitySummary } from '../ml/applicabilityFile.ts';
import { xgboostTrainingProblems } from './joinChecks.ts';

const params = z.object({
  nEstimators: z.number().int().min(1).max(5000).default(100).describe('Boosting rounds (n_estimators); each round adds one tree per class.').meta({ unit: 'rounds' }),
  maxDepth: z.number().int().min(1).max(20).default(6).describe('Maximum depth of each tree (max_depth).').meta({ unit: 'levels' }),
  learningRate: z.number().gt(0).max(1).default(0.3).describe('Shrinkage per round (eta / learning_rate).').meta({ unit: 'factor' }),
  subsample: z.number().gt(0).max(1).default(1).describe('Fraction of rows sampled per tree (1 = all).').meta({ unit: 'fraction' }),
  colsampleBytree: z.number().gt(0).max(1).default(1).describe('Fraction of features sampled per tree (1 = all).').meta({ unit: 'fraction' }),
  minChildWeight: z.number().min(0).default(1).describe('Minimum sum of instance weight (hessian) in a child (min_child_weight).').meta({ unit: 'hessian' }),
  regLambda: z.number().min(0).default(1).describe('L2 regularisation on leaf weights (reg_lambda).').meta({ unit: 'factor' }),
  gamma: z.number().min(0).default(0).describe('Minimum loss reduction to split a leaf (gamma / min_split_loss).').meta({ unit: 'loss' }),
  seed: z.number().int().min(0).default(0).describe('Random seed (matters when subsample or colsampleBytree < 1).').meta({ unit: 'seed' }),
  treeMethod: z
    .enum(['auto', 'exact', 'hist', 'approx'])
    .default('auto')
    .describe(
      'Split finding. "auto" is what the notebooks ran (XGBoost 1.x: exact greedy for training sets of this size); ' +
        '"hist" is much faster on large sample sets but bins thresholds, which generalised worse on perfectly separable classes ' +
        '(0.97 vs 0.9998 accuracy against the truth of a demo scene).',
    ),
  threads: z.number().int().min(0).max(256).default(1).describe('CPU threads for training; 0 = all cores. 1 by default: other branches keep the cores busy, and XGBoost\'s OpenMP threads slow down badly when the machine is oversubscribed.').meta({ unit: 'threads' }),
});

export const modelXgboost = defineNode({
  type: 'model.xgboost',
  // Version 2 also writes applicability.json (the model output changed, the params did not).
  version: 2,
  migrations: { 1: (p) => p },
  category: 'Model',
  label: 'Train XGBoost',
  description: 'Gradient-boosted trees (the real XGBoost library, objective multi:softprob). Missing values (NaN) are handled natively. Saves model.json, which Python xgboost loads.',
  inputs: { train: { type: 'Samples', label: 'Training samples' } },
  outputs: { model: { type: 'Model', label: 'Model' } },
  params,
  check: (_p, ctx) => xgboostTrainingProblems(ctx),
  async run(ctx, inputs, p) {
    const file = join(ctx.workDir, 'model.json');
    const applicabilityFile = join(ctx.workDir, 'applicability.json');
    ctx.progress(0, 1, 'model');
    // Training is synchronous native code: it runs on a pool worker so the event loop stays free for other
    // branches. The task validates the samples (NodeErrors keep their message and details through the pool).
    const payload: TrainXgboostPayload = { samplesFile: inputs.train.file, params: p, modelPath: file, applicabilityPath: applicabilityFile };
    let r: TrainXgboostResult;
    try {
      r = await ctx.pool.run(trainXgboost, payload, ctx.signal);
    } catch (e) {
      // A cancelled task's worker is terminated; never leave a model behind (the engine also drops the work dir).
      await Promise.all([file, applicabilityFile].map((f) => rm(f, { force: true }).catch(() => undefined)));
      throw e;
    }
    ctx.progress(1, 1, 'model');
    const nc = r.classes.length, nf = r.features.length;
    const sum = r.gain.reduce((a, b) => a + b, 0) || 1;
    return {
      outputs: {
        model: { kind: 'Model', algorithm: 'xgboost', features: r.features, classes: r.classes, file, ...(r.applicability ? { applicability: applicabilityFile } : {}) },
      },
      files: r.applicability ? [file, applicabilityFile] : [file],
      summary: {
        rounds: r.rounds,
        trees: r.rounds * nc,
        classes: r.classes,
        features: nf,
        trainingRows: r.rows,
        trainingAccuracy: round(r.trainingAccuracy),
        trainSeconds: round(r.trainSeconds, 3),
        ...(r.applicability ? { applicability: applicabilitySummary(r.applicability) } : {}),
        // Average gain per split normalised to 1, as xgboost's sklearn feature_importances_; plus total gain.
        importance: r.features
          .map((f, i) => ({ feature: f, gain: round(r.gain[i] / sum), totalGain: round(r.totalGain[i], 2) }))
          .sort((a, b) => b.gain - a.gain),
      },
    };
  },
});
