/**
 * The tie rule's params, one declaration for the two nodes that decide a class from probabilities
 * (model.classify for pixels, model.evaluate for validation rows), so they cannot drift apart.
 * Semantics: kernels/decideClass.ts.
 */
import { z } from 'zod';

/**
 * Default near-tie tolerance: two classes whose probabilities differ by at most this are a tie. Measured on a
 * demo scene with the issue-9 phenomena (seed 11, 320 x 240, 24 dates, XGBoost defaults): margins are either
 * exactly 0 (1.25 % of the pixels in 2019, 1.47 % in 2022: (1/3, 1/3, 1/3) and (0.4998, 0.4998, 0.0004) on river
 * water and edges) or above 0.2, so any tolerance from float32 rounding (~1e-7, what reordering the classes can
 * move) up to 0.2 gives the same map. 0.02 also takes near ties such as a tree leaf of 0.505 vs 0.495, coin
 * flips a second seed would decide differently, and stays a tenth of the smallest confident margin seen.
 * np.argmax got the tied pixels right 90 % (2019) and 70 % (2022) of the time there, only because water is code 0.
 */
export const DEFAULT_TIE_TOLERANCE = 0.02;

/**
 * `ties`, `tieTolerance` and `minProbability` for deciding a `unit` ("pixel" or "row"); `tiesText` describes
 * what happens to an uncertain one in that node.
 */
export function tieRuleParams(unit: 'pixel' | 'row', tiesText: string) {
  return {
    ties: z.enum(['uncertain', 'first']).default('uncertain').describe(tiesText),
    tieTolerance: z
      .number()
      .min(0)
      .max(0.5)
      .default(DEFAULT_TIE_TOLERANCE)
      .describe(`Probability difference between the two best classes at or below which a ${unit} is a tie (${unit === 'pixel' ? '0 = exact ties only' : 'use the value model.classify uses'}).`)
      .meta({ unit: 'probability', showWhen: { ties: ['uncertain'] } }),
    minProbability: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(`If set, ${unit}s whose highest class probability is below it are uncertain too (also with ties "first").`)
      .meta({ unit: 'probability' }),
  };
}
