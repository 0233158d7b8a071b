/** What a composite kernel computes and reads (shared by the JavaScript and the WebAssembly kernels). */
import type { ExprNode } from '../kernels/expression.ts';
import type { Reducer } from '../kernels/temporalReduce.ts';
import type { KernelMemory } from './wasm/kernelMemory.ts';

export type KernelVariable = { kind: 'band'; band: string } | { kind: 'index'; ast: ExprNode };

export interface KernelSpec {
  variables: KernelVariable[];
  reducers: Reducer[];
}

export interface KernelInputs {
  nPixels: number;
  nDates: number;
  /** Pixel-major DN per band name (nPixels * nDates). */
  layers: Record<string, ArrayLike<number>>;
  /**
   * Which dates are masked, pixel-major (nPixels * nDates): either a precomputed mask (1 = masked), or the
   * cloud probability layer and its threshold, tested in the loop itself (saves a pass over every sample).
   */
  mask: { kind: 'array'; masked: Uint8Array } | { kind: 'probability'; probability: ArrayLike<number>; threshold: number } | { kind: 'none' };
  dnOffset: number;
  reflectanceScale: number;
  /**
   * Layers (and a probability mask, under the key MASK_LAYER) given date-major instead: nDates planes of
   * nPixels, a band-interleaved GeoTIFF's own order, so those files are read without a transpose.
   */
  dateMajor?: ReadonlySet<string>;
  /**
   * Values from one date's plane to the next in date-major layers (default nPixels). A padded stride keeps the
   * planes off a power-of-two spacing (see planeStrideFor).
   */
  planeStride?: number;
  /** The WebAssembly memory the layers were decoded into (wasm/kernelMemory.ts), so the SIMD kernel reads them in place. */
  memory?: KernelMemory;
}

/** The key of a probability mask layer in KernelInputs.dateMajor. */
export const MASK_LAYER = '\u0000mask';

export function usesPower(node: ExprNode): boolean {
  if (node.kind === 'bin') return node.op === '^' || usesPower(node.left) || usesPower(node.right);
  if (node.kind === 'neg') return usesPower(node.arg);
  if (node.kind === 'call') return node.fn === 'pow' || node.args.some(usesPower);
  return false;
}

export function bandsOf(node: ExprNode, into: Set<string> = new Set()): Set<string> {
  if (node.kind === 'name') into.add(node.name);
  else if (node.kind === 'neg') bandsOf(node.arg, into);
  else if (node.kind === 'bin') {
    bandsOf(node.left, into);
    bandsOf(node.right, into);
  } else if (node.kind === 'call') node.args.forEach((a) => bandsOf(a, into));
  return into;
}

/** Bands a spec reads, in slot order. */
export function kernelBands(spec: KernelSpec): string[] {
  const bands = new Set<string>();
  for (const v of spec.variables) {
    if (v.kind === 'band') bands.add(v.band);
    else bandsOf(v.ast, bands);
  }
  return [...bands];
}
