/** Validation problem codes: the validation part of the error catalogue in @sentiflow/protocol. */
import { ERROR_CODES, type ValidationCode } from '@sentiflow/protocol';

export { formatProblem } from '@sentiflow/protocol';
export type ProblemCode = ValidationCode;

/** Each validation code with what it means in plain words (stable identifiers used by the CLI, the server and the editor). */
export const PROBLEM_CODES = Object.fromEntries(
  Object.entries(ERROR_CODES)
    .filter(([, info]) => info.kind === 'validation')
    .map(([code, info]) => [code, info.words]),
) as Record<ProblemCode, string>;
