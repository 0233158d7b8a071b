/**
 * From per-class probabilities to a class code per pixel (pure). The notebook took `np.argmax`, which hands a
 * tie to the lowest class code: the area of a class then depends on where the user listed it. Here a tie (the
 * two highest probabilities within `tieTolerance`) is its own category, UNCERTAIN_CODE, unless the user asks for
 * the notebook's rule (`ties: "first"`). `minProbability` also marks pixels whose best class is below it.
 */
import { UNCERTAIN_CODE } from '../values.ts';

export type TieRule = 'uncertain' | 'first';

export interface DecideOptions {
  ties: TieRule;
  /** Two classes whose probabilities differ by at most this are tied (0 = exact ties only). */
  tieTolerance: number;
  /** Pixels whose highest probability is below this are uncertain (0 or undefined = off). */
  minProbability?: number;
}

/** Why a pixel is uncertain (the third band of confidence.tif): the first rule that applied. */
export const UNCERTAIN_REASON = { decided: 0, tie: 1, lowProbability: 2, outsideTraining: 3 } as const;

export interface Decision {
  /** Class code 0..nClasses-1 or UNCERTAIN_CODE. */
  code: number;
  /** UNCERTAIN_REASON of an uncertain pixel, 0 for a decided one. */
  reason: number;
  /** Highest probability. */
  max: number;
  /** Highest minus second-highest probability (the max itself when there is one class). */
  margin: number;
}

/**
 * Decides one pixel from `proba[offset .. offset + nClasses)`. The first class with the highest value wins
 * (strict >, as np.argmax), so `ties: "first"` reproduces the notebook exactly.
 */
export function decidePixel(proba: ArrayLike<number>, offset: number, nClasses: number, opts: DecideOptions): Decision {
  let best = 0;
  let max = proba[offset];
  let second = -Infinity;
  for (let c = 1; c < nClasses; c++) {
    const v = proba[offset + c];
    if (v > max) {
      second = max;
      max = v;
      best = c;
    } else if (v > second) {
      second = v;
    }
  }
  const margin = nClasses > 1 ? max - second : max;
  if (opts.ties === 'uncertain' && nClasses > 1 && margin <= opts.tieTolerance) return { code: UNCERTAIN_CODE, reason: UNCERTAIN_REASON.tie, max, margin };
  if (opts.minProbability && max < opts.minProbability) return { code: UNCERTAIN_CODE, reason: UNCERTAIN_REASON.lowProbability, max, margin };
  return { code: best, reason: UNCERTAIN_REASON.decided, max, margin };
}
