/**
 * The error a node raises for bad input, at the bottom of the package so that kernels' callers, I/O and
 * nodes can all throw it without importing node definitions. Codes come from the protocol's catalogue.
 */
import type { ErrorCode } from '@sentiflow/protocol';

export interface NodeErrorDetails {
  /** The offending parameter, as a dotted path ("reducers.2"). */
  param?: string;
  /** The file that could not be used. */
  file?: string;
  /** One of the catalogue's codes (ERROR_CODES in @sentiflow/protocol); other strings are allowed while one is added. */
  code?: ErrorCode | (string & {});
}

/** An error a node raises for bad input; `param` names the offending parameter when there is one. */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly details: NodeErrorDetails = {},
  ) {
    super(message);
    this.name = 'NodeError';
  }
}
