/**
 * One interface over both algorithms. Loaded predictors are cached per model file in the process, so a
 * worker thread that classifies many chunks loads the model once.
 */
import { readFile, stat } from 'node:fs/promises';
import type { DecisionTreeNode, Model } from '../values.ts';
import { Booster } from './xgboost.ts';
import { treePredictProba } from './decisionTree.ts';

export interface Predictor {
  readonly nClasses: number;
  readonly nFeatures: number;
  /** rows × nFeatures (row-major, NaN = missing) → rows × nClasses probabilities */
  predictProba(X: Float32Array, rows: number): Float32Array;
}

export interface TreeFile {
  nodes: DecisionTreeNode[];
  features: string[];
  classes: string[];
}

export interface LoadOptions {
  /** XGBoost threads for this predictor (0 = all cores). Workers use 1: the pool gives the parallelism. */
  threads?: number;
}

const cache = new Map<string, Promise<Predictor>>();

export function loadPredictor(model: Model, options: LoadOptions = {}): Promise<Predictor> {
  const key = `${model.algorithm}:${model.file}:${options.threads ?? 0}`;
  let p = cache.get(key);
  if (!p) {
    p = load(model, options);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Forgets cached predictors (frees XGBoost boosters). */
export async function clearPredictorCache(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const p of all) {
    const pr = await p.catch(() => undefined);
    (pr as { free?: () => void } | undefined)?.free?.();
  }
}

async function load(model: Model, options: LoadOptions): Promise<Predictor> {
  await stat(model.file).catch(() => {
    throw new Error(`Model file not found: ${model.file}`);
  });
  const nClasses = model.classes.length;
  const nFeatures = model.features.length;
  if (model.algorithm === 'xgboost') {
    const booster = Booster.load(model.file, nClasses, options.threads ?? 0);
    return {
      nClasses,
      nFeatures,
      predictProba: (X, rows) => booster.predictProba(X, rows, nFeatures),
      free: () => booster.free(),
    } as Predictor;
  }
  if (model.algorithm === 'decisionTree') {
    const tree = JSON.parse(await readFile(model.file, 'utf8')) as TreeFile;
    if (!Array.isArray(tree.nodes) || tree.nodes.length === 0) throw new Error(`Decision tree file has no nodes: ${model.file}`);
    return { nClasses, nFeatures, predictProba: (X, rows) => treePredictProba(tree.nodes, X, rows, nFeatures, nClasses) };
  }
  throw new Error(`Unknown model algorithm: ${String((model as Model).algorithm)}`);
}
