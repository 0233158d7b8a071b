/**
 * The real XGBoost (system libxgboost 1.7.x) through its C API with koffi. Loaded lazily on first use.
 * Models are saved as XGBoost JSON, so Python's `xgboost.Booster(model_file=...)` loads them unchanged.
 */
import { temporaryPath } from '../io/atomicFile.ts';
import { renameSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';

type Fn = (...args: unknown[]) => unknown;
interface Lib {
  koffi: typeof import('koffi');
  f: Record<string, Fn>;
}

const INSTALL_HINT =
  'XGBoost native library not found (libxgboost.so.0). Install it with "apt-get install -y libxgboost0" on Debian/Ubuntu ' +
  '(or set SENTIFLOW_XGBOOST_LIB to the path of libxgboost.so).';

const SIGNATURES = [
  'const char *XGBGetLastError()',
  'int XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)',
  'int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out)',
  'int XGDMatrixSetFloatInfo(void *handle, const char *field, const float *array, uint64_t len)',
  'int XGDMatrixFree(void *handle)',
  'int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)',
  'int XGBoosterFree(void *handle)',
  'int XGBoosterSetParam(void *handle, const char *name, const char *value)',
  'int XGBoosterUpdateOneIter(void *handle, int iter, void *dtrain)',
  'int XGBoosterSaveModel(void *handle, const char *fname)',
  'int XGBoosterLoadModel(void *handle, const char *fname)',
  'int XGBoosterBoostedRounds(void *handle, _Out_ int *out)',
  'int XGBoosterPredictFromDense(void *handle, const char *values, const char *config, void *m, _Out_ void **out_shape, _Out_ uint64_t *out_dim, _Out_ void **out_result)',
  'int XGBoosterFeatureScore(void *handle, const char *config, _Out_ uint64_t *out_n_features, _Out_ void **out_features, _Out_ uint64_t *out_dim, _Out_ void **out_shape, _Out_ void **out_scores)',
];

let lib: Lib | undefined;

function load(): Lib {
  if (lib) return lib;
  let koffi: typeof import('koffi');
  try {
    koffi = createRequire(import.meta.url)('koffi');
  } catch (e) {
    throw new Error(`The koffi package is missing (npm install koffi): ${(e as Error).message}`);
  }
  const candidates = [process.env.SENTIFLOW_XGBOOST_LIB, 'libxgboost.so.0', 'libxgboost.so', 'libxgboost.dylib'].filter(Boolean) as string[];
  let handle: ReturnType<typeof koffi.load> | undefined;
  const errors: string[] = [];
  for (const name of candidates) {
    try {
      handle = koffi.load(name);
      break;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (!handle) throw new Error(`${INSTALL_HINT} Tried: ${errors.join('; ')}`);
  const f: Record<string, Fn> = {};
  for (const sig of SIGNATURES) {
    const name = /(\w+)\(/.exec(sig)![1];
    f[name] = handle.func(sig) as Fn;
  }
  // memcpy(p, NULL, 0) returns p: the address of a typed array's data, for XGBoost's array interface.
  f.memcpy = koffi.load('libc.so.6').func('void *memcpy(void *dest, const void *src, size_t n)') as Fn;
  lib = { koffi, f };
  return lib;
}

/** Keeps a value reachable until this point (its memory was handed to C by address). */
let sink: unknown;
function keepAlive(x: unknown): boolean {
  sink = x;
  const alive = sink !== undefined;
  sink = undefined;
  return alive;
}

function check(l: Lib, rc: unknown, what: string): void {
  if (rc !== 0) throw new Error(`XGBoost ${what} failed: ${l.f.XGBGetLastError() as string}`);
}

export function xgboostVersion(): string {
  const l = load();
  const [a, b, c] = [[0], [0], [0]];
  l.f.XGBoostVersion(a, b, c);
  return `${a[0]}.${b[0]}.${c[0]}`;
}

export interface XgbParams {
  nEstimators: number;
  maxDepth: number;
  learningRate: number;
  subsample: number;
  colsampleBytree: number;
  minChildWeight: number;
  regLambda: number;
  gamma: number;
  seed: number;
  /** 0 = all cores */
  threads: number;
  /** 'hist' (XGBoost 2's default, fast), 'exact' (1.x default on small data), 'approx' */
  treeMethod: 'auto' | 'hist' | 'exact' | 'approx';
}

export const DEFAULT_XGB_PARAMS: XgbParams = {
  nEstimators: 100, maxDepth: 6, learningRate: 0.3, subsample: 1, colsampleBytree: 1,
  minChildWeight: 1, regLambda: 1, gamma: 0, seed: 0, threads: 1, treeMethod: 'auto',
};

/** A loaded or trained booster. Call `free()` when done. */
export class Booster {
  private constructor(
    private handle: bigint | null,
    readonly nClasses: number,
  ) {}

  static train(
    X: Float32Array, rows: number, nFeatures: number, y: ArrayLike<number>, nClasses: number,
    params: Partial<XgbParams> = {}, onIteration?: (done: number, total: number) => void,
  ): Booster {
    const l = load();
    const p = { ...DEFAULT_XGB_PARAMS, ...params };
    if (X.length !== rows * nFeatures) throw new Error(`XGBoost train: X has ${X.length} values, expected ${rows}×${nFeatures}`);
    const dm = [0n];
    check(l, l.f.XGDMatrixCreateFromMat(X, rows, nFeatures, NaN, dm), 'XGDMatrixCreateFromMat');
    const dmat = dm[0] as unknown as bigint;
    let booster: Booster | undefined;
    try {
      check(l, l.f.XGDMatrixSetFloatInfo(dmat, 'label', Float32Array.from(y), rows), 'XGDMatrixSetFloatInfo(label)');
      const bh = [0n];
      check(l, l.f.XGBoosterCreate([dmat], 1, bh), 'XGBoosterCreate');
      booster = new Booster(bh[0] as unknown as bigint, nClasses);
      const settings: Record<string, string> = {
        objective: 'multi:softprob', num_class: String(nClasses), max_depth: String(p.maxDepth), eta: String(p.learningRate),
        subsample: String(p.subsample), colsample_bytree: String(p.colsampleBytree), min_child_weight: String(p.minChildWeight),
        lambda: String(p.regLambda), gamma: String(p.gamma), seed: String(p.seed), nthread: String(p.threads),
        tree_method: p.treeMethod, eval_metric: 'mlogloss',
      };
      for (const [k, v] of Object.entries(settings)) booster.setParam(k, v);
      for (let it = 0; it < p.nEstimators; it++) {
        check(l, l.f.XGBoosterUpdateOneIter(booster.h(), it, dmat), 'XGBoosterUpdateOneIter');
        onIteration?.(it + 1, p.nEstimators);
      }
      return booster;
    } catch (e) {
      booster?.free();
      throw e;
    } finally {
      l.f.XGDMatrixFree(dmat);
    }
  }

  static load(path: string, nClasses: number, threads = 0): Booster {
    const l = load();
    const bh = [0n];
    check(l, l.f.XGBoosterCreate(null, 0, bh), 'XGBoosterCreate');
    const b = new Booster(bh[0] as unknown as bigint, nClasses);
    try {
      check(l, l.f.XGBoosterLoadModel(b.h(), path), `XGBoosterLoadModel(${path})`);
      b.setParam('nthread', String(threads));
    } catch (e) {
      b.free();
      throw e;
    }
    return b;
  }

  private h(): bigint {
    if (this.handle === null) throw new Error('XGBoost booster already freed');
    return this.handle;
  }

  setParam(name: string, value: string): void {
    const l = load();
    check(l, l.f.XGBoosterSetParam(this.h(), name, value), `XGBoosterSetParam(${name}=${value})`);
  }

  rounds(): number {
    const l = load();
    const out = [0];
    check(l, l.f.XGBoosterBoostedRounds(this.h(), out), 'XGBoosterBoostedRounds');
    return out[0];
  }

  /** Saves as XGBoost JSON, atomically (the temporary name keeps the .json extension XGBoost keys the format on). */
  save(path: string): void {
    const l = load();
    const tmp = temporaryPath(path, '.json');
    try {
      check(l, l.f.XGBoosterSaveModel(this.h(), tmp), `XGBoosterSaveModel(${path})`);
      renameSync(tmp, path);
    } catch (e) {
      try { unlinkSync(tmp); } catch { /* not written */ }
      throw e;
    }
  }

  /** Class probabilities, rows × nClasses (row-major). NaN in X = missing. */
  predictProba(X: Float32Array, rows: number, nFeatures: number): Float32Array {
    const l = load();
    const { koffi } = l;
    if (rows === 0) return new Float32Array(0);
    if (X.length < rows * nFeatures) throw new Error(`XGBoost predict: X has ${X.length} values, expected ${rows}×${nFeatures}`);
    const n = rows * nFeatures;
    // XGBoost reads the matrix through an array-interface address. Off-heap ArrayBuffers never move; tiny
    // typed arrays may live on V8's heap, so those (and views with an offset) are copied first.
    const data = X.byteOffset === 0 && X.length === n && n * 4 > 1024 ? X : Float32Array.from(X.subarray(0, n));
    const addr = l.f.memcpy(data, null, 0) as bigint;
    const iface = `{"data":[${addr.toString()},true],"shape":[${rows},${nFeatures}],"strides":null,"typestr":"<f4","version":3}`;
    const config = '{"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0}';
    const shapeP = [0n], dim = [0n], resP = [0n];
    check(l, l.f.XGBoosterPredictFromDense(this.h(), iface, config, null, shapeP, dim, resP), 'XGBoosterPredictFromDense');
    keepAlive(data);
    const shape = koffi.decode(shapeP[0] as never, 'uint64', Number(dim[0])) as unknown as BigUint64Array;
    let total = 1;
    for (const s of shape) total *= Number(s);
    if (total !== rows * this.nClasses) throw new Error(`XGBoost predict: got ${total} values for ${rows} rows × ${this.nClasses} classes`);
    // decode copies: the booster reuses its prediction buffer on the next call.
    return koffi.decode(resP[0] as never, 'float', total) as unknown as Float32Array;
  }

  /** Importance per feature index (features absent from every tree get 0). type: 'total_gain' | 'gain' | 'weight' | ... */
  featureScore(nFeatures: number, type: 'total_gain' | 'gain' | 'weight' | 'cover' | 'total_cover' = 'total_gain'): number[] {
    const l = load();
    const { koffi } = l;
    const nF = [0n], namesP = [0n], dim = [0n], shapeP = [0n], scoresP = [0n];
    check(l, l.f.XGBoosterFeatureScore(this.h(), JSON.stringify({ importance_type: type, feature_map: "" }), nF, namesP, dim, shapeP, scoresP), 'XGBoosterFeatureScore');
    const n = Number(nF[0]);
    const out = new Array<number>(nFeatures).fill(0);
    if (n === 0) return out;
    const scores = koffi.decode(scoresP[0] as never, 'float', n) as unknown as Float32Array;
    for (let i = 0; i < n; i++) {
      const name = koffi.decode(namesP[0] as never, i * 8, 'const char *') as string; // reads char* at namesP[i]
      const idx = Number(/^f(\d+)$/.exec(name)?.[1] ?? -1);
      if (idx >= 0 && idx < nFeatures) out[idx] = scores[i];
    }
    return out;
  }

  free(): void {
    if (this.handle === null) return;
    const l = load();
    l.f.XGBoosterFree(this.handle);
    this.handle = null;
  }
}
