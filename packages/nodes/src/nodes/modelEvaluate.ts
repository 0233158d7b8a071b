/**
 * model.evaluate: accuracy, Cohen's kappa, confusion matrix and per-class scores on held-out samples.
 * A row is decided by the same rule as model.classify (kernels/decideClass.ts), so a tie is never scored as
 * whichever class happens to have the lowest code: with ties "uncertain" tied rows are left out of the
 * confusion matrix and the scores and counted apart (per true class); ties "first" is np.argmax.
 */
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { readSamples } from '../io/samplesStore.ts';
import { decidePixel } from '../kernels/decideClass.ts';
import { classificationMetrics } from '../kernels/metrics.ts';
import { loadPredictor } from '../ml/predict.ts';
import { featureColumns, requireRows, round, selectColumns } from '../ml/nodeHelpers.ts';
import type { Metrics } from '../values.ts';
import { tieRuleParams } from '../ml/tieRule.ts';

const params = z.object(
  tieRuleParams(
    'row',
    'As in model.classify: "uncertain" = a row whose two highest class probabilities are within tieTolerance is uncertain: left out of accuracy, kappa, the confusion matrix and the per-class scores, and counted apart; "first" = the lowest class code wins (np.argmax, the notebook).',
  ),
);

export const modelEvaluate = defineNode({
  type: 'model.evaluate',
  version: 1,
  category: 'Model',
  label: 'Evaluate model',
  description:
    'Predicts the samples with the model and compares with their labels: accuracy, kappa, confusion matrix [true][predicted], precision/recall/F1 per class. ' +
    'Rows are decided with the tie rule of model.classify; uncertain rows are counted apart (per true class) and left out of the scores.',
  inputs: {
    model: { type: 'Model', label: 'Model' },
    samples: { type: 'Samples', label: 'Validation samples' },
  },
  outputs: { metrics: { type: 'Metrics', label: 'Metrics' } },
  params,
  async run(_ctx, inputs, p) {
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
    const nc = model.classes.length;
    const rows = t.y.length;
    const predictor = await loadPredictor(model);
    const proba = predictor.predictProba(t.X, rows);
    const rule = { ties: p.ties, tieTolerance: p.tieTolerance, minProbability: p.minProbability };
    const yTrue: number[] = [];
    const yPred: number[] = [];
    const uncertainByClass = new Array<number>(nc).fill(0);
    for (let r = 0; r < rows; r++) {
      const truth = remap[t.y[r]];
      const { code } = decidePixel(proba, r * nc, nc, rule);
      if (code < nc) {
        yTrue.push(truth);
        yPred.push(code);
      } else {
        uncertainByClass[truth]++;
      }
    }
    const uncertainRows = rows - yTrue.length;
    if (yTrue.length === 0) {
      throw new NodeError(`All ${rows} validation rows are uncertain under the tie rule (ties "${p.ties}", tieTolerance ${p.tieTolerance}${p.minProbability ? `, minProbability ${p.minProbability}` : ''}): lower tieTolerance or minProbability, or check the model.`, { param: 'tieTolerance' });
    }
    const m = classificationMetrics(Int32Array.from(yTrue), Int32Array.from(yPred), nc);
    const correct = m.confusion.reduce((s, row, i) => s + row[i], 0);
    const metrics: Metrics = {
      kind: 'Metrics',
      classes: model.classes,
      accuracy: m.accuracy,
      kappa: m.kappa,
      confusion: m.confusion,
      perClass: m.perClass.map((c, i) => ({ className: model.classes[i], ...c })),
      uncertain: { rows: uncertainRows, share: uncertainRows / rows, byClass: uncertainByClass, accuracyAllRows: correct / rows },
    };
    return {
      outputs: { metrics },
      summary: {
        rows,
        decidedRows: yTrue.length,
        uncertainRows,
        uncertainPercent: round((100 * uncertainRows) / rows, 3),
        ...(uncertainRows > 0 ? { uncertainByClass: Object.fromEntries(model.classes.map((c, i) => [c, uncertainByClass[i]])), accuracyAllRows: round(correct / rows) } : {}),
        ties: p.ties,
        accuracy: round(m.accuracy),
        kappa: round(m.kappa),
        confusion: m.confusion,
        perClass: metrics.perClass.map((c) => ({ ...c, precision: round(c.precision), recall: round(c.recall), f1: round(c.f1) })),
      },
    };
  },
});
