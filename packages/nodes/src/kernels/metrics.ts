/** Classification metrics as scikit-learn computes them (zero_division = 0). */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MetricsResult {
  accuracy: number;
  kappa: number;
  /** confusion[true][pred] */
  confusion: number[][];
  perClass: ClassMetrics[];
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[][] {
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

/** Cohen's kappa from a confusion matrix; 1 when both raters agree trivially on one class (sklearn gives NaN). */
export function cohenKappa(confusion: number[][]): number {
  const k = confusion.length;
  let n = 0, diag = 0;
  const rowSum = new Array<number>(k).fill(0), colSum = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      n += confusion[i][j];
      rowSum[i] += confusion[i][j];
      colSum[j] += confusion[i][j];
      if (i === j) diag += confusion[i][j];
    }
  if (n === 0) return 0;
  const po = diag / n;
  let pe = 0;
  for (let i = 0; i < k; i++) pe += (rowSum[i] / n) * (colSum[i] / n);
  if (pe >= 1) return po >= 1 ? 1 : 0;
  return (po - pe) / (1 - pe);
}

export function classificationMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): MetricsResult {
  if (yTrue.length !== yPred.length) throw new Error(`metrics: ${yTrue.length} labels but ${yPred.length} predictions`);
  const confusion = confusionMatrix(yTrue, yPred, nClasses);
  let diag = 0;
  for (let c = 0; c < nClasses; c++) diag += confusion[c][c];
  const perClass = confusion.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[c], 0);
    const tp = row[c];
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  return { accuracy: yTrue.length > 0 ? diag / yTrue.length : 0, kappa: cohenKappa(confusion), confusion, perClass };
}

/** Index of the largest value in each row of a rows × nClasses matrix (first on ties, like numpy argmax). */
export function argmaxRows(proba: Float32Array, nClasses: number): Int32Array {
  const rows = proba.length / nClasses;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (proba[r * nClasses + c] > proba[r * nClasses + best]) best = c;
    out[r] = best;
  }
  return out;
}
