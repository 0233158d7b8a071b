/** What a composite kernel computes (shared by the JavaScript and the WebAssembly generators). */
import type { ExprNode } from '../kernels/expression.ts';
import type { Reducer } from '../kernels/temporalReduce.ts';

export type KernelVariable = { kind: 'band'; band: string } | { kind: 'index'; ast: ExprNode };

export interface KernelSpec {
  variables: KernelVariable[];
  reducers: Reducer[];
}

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
