/** model.evaluate: accuracy, Cohen's kappa, confusion matrix and per-class scores on held-out samples. */
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { readSamples } from '../io/samplesStore.ts';
import { argmaxRows, classificationMetrics } from '../kernels/metrics.ts';
import { loadPredictor } from '../ml/predict.ts';
import { featureColumns, requireRows, round, selectColumns } from '../ml/nodeHelpers.ts';
import type { Metrics } from '../values.ts';

export const modelEvaluate = defineNode({
  type: 'model.evaluate',
  version: 1,
  category: 'Model',
  label: 'Evaluate model',
  description: 'Predicts the samples with the model and compares with their labels: accuracy, kappa, confusion matrix [true][predicted], precision/recall/F1 per class.',
  inputs: {
    model: { type: 'Model', label: 'Model' },
    samples: { type: 'Samples', label: 'Validation samples' },
  },
  outputs: { metrics: { type: 'Metrics', label: 'Metrics' } },
  params: z.object({}),
  async run(_ctx, inputs) {
    const { model } = inputs;
    const raw = await readSamples(inputs.samples);
    requireRows(raw, 'validation');
    const cols = featureColumns(model.features, raw.features, 'samples');
    const t = selectColumns(raw, cols, model.features);
    const missingClasses = raw.classes.filter((c) => !model.classes.includes(c));
    const extraClasses = model.classes.filter((c) => !raw.classes.includes(c));
    if (missingClasses.length || extraClasses.length) {
      throw new NodeError(
        `Classes differ between model (${model.classes.join(', ')}) and samples (${raw.classes.join(', ')})` +
          `${missingClasses.length ? `; unknown to the model: ${missingClasses.join(', ')}` : ''}${extraClasses.length ? `; not in the samples: ${extraClasses.join(', ')}` : ''}.`,
        { code: 'class-mismatch' },
      );
    }
    const remap = raw.classes.map((c) => model.classes.indexOf(c));
    const yTrue = Int32Array.from(t.y, (v) => remap[v]);
    const nc = model.classes.length;
    const predictor = await loadPredictor(model);
    const yPred = argmaxRows(predictor.predictProba(t.X, yTrue.length), nc);
    const m = classificationMetrics(yTrue, yPred, nc);
    const metrics: Metrics = {
      kind: 'Metrics',
      classes: model.classes,
      accuracy: m.accuracy,
      kappa: m.kappa,
      confusion: m.confusion,
      perClass: m.perClass.map((c, i) => ({ className: model.classes[i], ...c })),
    };
    return {
      outputs: { metrics },
      summary: {
        rows: yTrue.length,
        accuracy: round(m.accuracy),
        kappa: round(m.kappa),
        confusion: m.confusion,
        perClass: metrics.perClass.map((c) => ({ ...c, precision: round(c.precision), recall: round(c.recall), f1: round(c.f1) })),
      },
    };
  },
});
