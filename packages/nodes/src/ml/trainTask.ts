/**
 * Worker task: trains XGBoost on a samples file and saves the model. Training is synchronous native code
 * (XGBoosterUpdateOneIter in a loop), so it runs on a pool worker and never blocks the runner's event loop.
 */
import { NodeError } from '../errors.ts';
import { readSamples } from '../io/samplesStore.ts';
import { defineTask } from '../chunkTask.ts';
import { Booster, type XgbParams } from './xgboost.ts';
import { accuracyOf, countByClass, requireRows } from './nodeHelpers.ts';
import { writeDomainOfSamples, type DomainSummary } from './applicabilityFile.ts';

export interface TrainXgboostPayload {
  samplesFile: string;
  params: XgbParams;
  /** Where the XGBoost JSON model is written (atomically: a temporary name, then a rename). */
  modelPath: string;
  /** Where the model's area of applicability is written (ml/applicabilityFile.ts). */
  applicabilityPath: string;
}

export interface TrainXgboostResult {
  rounds: number;
  classes: string[];
  features: string[];
  rows: number;
  /** Accuracy on the training samples (argmax of the predicted probabilities). */
  trainingAccuracy: number;
  /** Seconds spent in the boosting rounds. */
  trainSeconds: number;
  /** Average gain per split, per feature index (0 for features no tree uses). */
  gain: number[];
  /** Total gain per feature index. */
  totalGain: number[];
  /** The area of applicability written, or null when no training row has every feature. */
  applicability: DomainSummary | null;
}

export const trainXgboost = defineTask<TrainXgboostPayload, TrainXgboostResult>('trainXgboost', async (payload) => {
  const t = await readSamples({ file: payload.samplesFile });
  requireRows(t, 'training');
  const rows = t.y.length, nf = t.features.length, nc = t.classes.length;
  if (nc < 2) throw new NodeError(`XGBoost needs at least 2 classes; the samples have ${nc} (${t.classes.join(', ')}).`);
  const counts = countByClass(t.y, t.classes);
  const empty = t.classes.filter((c) => counts[c] === 0);
  if (empty.length) throw new NodeError(`Empty class in the training samples: ${empty.join(', ')}. Every class needs training rows.`, { code: 'empty-class' });
  const t0 = performance.now();
  const booster = Booster.train(t.X, rows, nf, t.y, nc, payload.params);
  try {
    const trainSeconds = (performance.now() - t0) / 1000;
    const gain = booster.featureScore(nf, 'gain');
    const totalGain = booster.featureScore(nf, 'total_gain');
    const trainingAccuracy = accuracyOf(booster.predictProba(t.X, rows, nf), t.y, nc);
    const rounds = booster.rounds();
    const applicability = writeDomainOfSamples(payload.applicabilityPath, t);
    // Saved last: the model file appears (by rename) only once everything else succeeded.
    booster.save(payload.modelPath);
    return { result: { rounds, classes: t.classes, features: t.features, rows, trainingAccuracy, trainSeconds, gain, totalGain, applicability } };
  } finally {
    booster.free();
  }
});
