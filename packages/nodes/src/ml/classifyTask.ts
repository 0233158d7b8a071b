/** Chunk task 'classifyWindow': classifies one window of a composite. */
import type { Composite, Model } from '../values.ts';
import type { Window } from '../grid.ts';
import { defineTask } from '../chunkTask.ts';
import { readCompositeWindow } from '../raster/compositeStore.ts';
import { loadPredictor } from './predict.ts';
import { decidePixel, UNCERTAIN_REASON, type DecideOptions } from '../kernels/decideClass.ts';
import { NODATA_CODE, UNCERTAIN_CODE } from '../values.ts';
import { loadDomainIndex } from './applicabilityFile.ts';

export interface ClassifyWindowPayload {
  composite: Composite;
  model: Model;
  window: Window;
  /** How ties and low-confidence pixels are decided (default: exact ties uncertain). */
  rule?: DecideOptions;
  /** Mark decided pixels outside the model's area of applicability uncertain (needs model.applicability). */
  outsideTraining?: boolean;
  /** XGBoost threads; default 1 (one per worker, the pool gives the parallelism). */
  threads?: number;
}

export interface ClassifyWindowResult {
  window: Window;
  /** class index per pixel, UNCERTAIN_CODE = tie, low confidence or unlike the training data, NODATA_CODE = no data (a feature is not finite) */
  classes: Uint8Array;
  /** pixel-interleaved (highest probability, margin to the second, UNCERTAIN_REASON), NaN for no data */
  confidence: Float32Array;
  /** pixel-interleaved class probabilities (pixels × classes), NaN for no data */
  probabilities: Float32Array;
  nodata: number;
  /** Classified pixels by UNCERTAIN_REASON (index 0 = decided). */
  uncertainBy: number[];
}

export const classifyWindow = defineTask<ClassifyWindowPayload, ClassifyWindowResult>('classifyWindow', async (payload) => {
  const { composite, model, window } = payload;
  const nf = composite.features.length;
  const nc = model.classes.length;
  // Map model features to composite columns (the node checked that all exist).
  const cols = model.features.map((f) => composite.features.indexOf(f));
  const missing = model.features.filter((_, i) => cols[i] < 0);
  if (missing.length) throw new Error(`Composite lacks model features: ${missing.join(', ')}`);
  const block = readCompositeWindow(composite, window);
  const pixels = window.width * window.height;
  const mf = cols.length;
  const X = new Float32Array(pixels * mf);
  const valid = new Int32Array(pixels);
  let nValid = 0;
  for (let p = 0; p < pixels; p++) {
    const base = p * nf, out = nValid * mf;
    let ok = true;
    for (let j = 0; j < mf; j++) {
      const v = block[base + cols[j]];
      if (!Number.isFinite(v)) {
        ok = false;
        break;
      }
      X[out + j] = v;
    }
    if (ok) valid[nValid++] = p;
  }
  const classes = new Uint8Array(pixels).fill(NODATA_CODE);
  const probabilities = new Float32Array(pixels * nc).fill(NaN);
  const confidence = new Float32Array(pixels * 3).fill(NaN);
  const rule = payload.rule ?? { ties: 'uncertain', tieTolerance: 0 };
  const uncertainBy = [0, 0, 0, 0];
  if (nValid > 0) {
    const predictor = await loadPredictor(model, { threads: payload.threads ?? 1 });
    const domain = payload.outsideTraining && model.applicability ? await loadDomainIndex(model.applicability, model.features) : null;
    const proba = predictor.predictProba(nValid === pixels ? X : X.subarray(0, nValid * mf), nValid);
    for (let i = 0; i < nValid; i++) {
      const p = valid[i];
      for (let c = 0; c < nc; c++) probabilities[p * nc + c] = proba[i * nc + c];
      const d = decidePixel(proba, i * nc, nc, rule);
      let { code, reason } = d;
      if (domain && code !== UNCERTAIN_CODE && !domain.inside(X, i * mf, code)) {
        code = UNCERTAIN_CODE;
        reason = UNCERTAIN_REASON.outsideTraining;
      }
      uncertainBy[reason]++;
      classes[p] = code;
      confidence[p * 3] = d.max;
      confidence[p * 3 + 1] = d.margin;
      confidence[p * 3 + 2] = reason;
    }
  }
  return {
    result: { window, classes, probabilities, confidence, nodata: pixels - nValid, uncertainBy },
    transfer: [classes.buffer as ArrayBuffer, probabilities.buffer as ArrayBuffer, confidence.buffer as ArrayBuffer],
  };
});
