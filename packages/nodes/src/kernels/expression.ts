/**
 * A small, safe arithmetic expression language for spectral indices (never uses eval/Function).
 * Pure: the editor imports this module to validate expressions as the user types.
 *
 * Grammar (recursive descent, usual precedence, `^` binds tighter than unary minus and is right-associative,
 * so `-B4^2` is `-(B4^2)` and `2^3^2` is `2^(3^2)`):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary ('^' unary)?
 *   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * Numbers: `1`, `1.5`, `.5`, `1e-4`. Names: band/variable names such as `B8A`, `B11` (letters, digits, `_`).
 * Functions: sqrt(x) abs(x) log(x) (natural) exp(x) pow(x, y) min(a, b, ...) max(a, b, ...) clamp(x, lo, hi).
 *
 * Evaluation is element-wise in float64. Any NaN input gives NaN, and any non-finite result (division by 0,
 * log(0), overflow) becomes NaN, so derived features never contain ±Infinity.
 */
import { ExpressionError, expressionNames, parseExpression, type ExprNode } from './expressionParser.ts';

export { EXPRESSION_FUNCTIONS, ExpressionError, expressionNames, parseExpression, type ExprNode } from './expressionParser.ts';

export interface CompiledExpression {
  text: string;
  ast: ExprNode;
  /** Names the expression reads. */
  names: string[];
  /**
   * Evaluates element-wise: out[i] = f(inputs[name][i]) for i < out.length. Inputs must cover every name.
   * Computed in float64 per element; non-finite results become NaN.
   */
  evaluate(inputs: Record<string, ArrayLike<number>>, out: Float32Array | Float64Array): void;
}

const BLOCK = 1024;
type Evaluator = (start: number, n: number) => Float64Array;

const fin = (x: number) => (Number.isFinite(x) ? x : NaN);

function buildEvaluator(node: ExprNode, inputs: Record<string, ArrayLike<number>>): Evaluator {
  const buf = new Float64Array(BLOCK);
  switch (node.kind) {
    case 'num': {
      buf.fill(node.value);
      return () => buf;
    }
    case 'name': {
      const src = inputs[node.name];
      if (src instanceof Float64Array) return (start, n) => src.subarray(start, start + n); // no copy
      return (start, n) => {
        for (let i = 0; i < n; i++) buf[i] = src[start + i];
        return buf;
      };
    }
    case 'neg': {
      const a = buildEvaluator(node.arg, inputs);
      return (start, n) => {
        const x = a(start, n);
        for (let i = 0; i < n; i++) buf[i] = -x[i];
        return buf;
      };
    }
    case 'bin': {
      const a = buildEvaluator(node.left, inputs);
      const b = buildEvaluator(node.right, inputs);
      const op = node.op;
      return (start, n) => {
        const x = a(start, n);
        const y = b(start, n);
        if (op === '+') for (let i = 0; i < n; i++) buf[i] = x[i] + y[i];
        else if (op === '-') for (let i = 0; i < n; i++) buf[i] = x[i] - y[i];
        else if (op === '*') for (let i = 0; i < n; i++) buf[i] = fin(x[i] * y[i]);
        else if (op === '/') for (let i = 0; i < n; i++) buf[i] = fin(x[i] / y[i]);
        else for (let i = 0; i < n; i++) buf[i] = fin(Math.pow(x[i], y[i]));
        return buf;
      };
    }
    case 'call': {
      const args = node.args.map((arg) => buildEvaluator(arg, inputs));
      const fn = node.fn;
      const unaryFns: Record<string, (x: number) => number> = { sqrt: Math.sqrt, abs: Math.abs, log: Math.log, exp: Math.exp };
      return (start, n) => {
        const xs = args.map((e) => e(start, n)); // each child owns its buffer
        if (unaryFns[fn]) {
          const f = unaryFns[fn];
          for (let i = 0; i < n; i++) buf[i] = fin(f(xs[0][i]));
        } else if (fn === 'pow') {
          for (let i = 0; i < n; i++) buf[i] = fin(Math.pow(xs[0][i], xs[1][i]));
        } else if (fn === 'min' || fn === 'max') {
          const f = fn === 'min' ? Math.min : Math.max;
          for (let i = 0; i < n; i++) {
            let v = xs[0][i];
            for (let j = 1; j < xs.length; j++) v = f(v, xs[j][i]);
            buf[i] = v;
          }
        } else {
          // clamp(x, lo, hi)
          for (let i = 0; i < n; i++) buf[i] = Math.min(Math.max(xs[0][i], xs[1][i]), xs[2][i]);
        }
        return buf;
      };
    }
  }
}

/**
 * Parses and checks an expression against the names it may use (e.g. the loaded bands). Throws
 * ExpressionError naming unknown identifiers and listing the allowed ones.
 */
export function compileExpression(text: string, allowedNames: readonly string[]): CompiledExpression {
  const ast = parseExpression(text);
  const names = expressionNames(ast);
  const unknown = names.filter((n) => !allowedNames.includes(n));
  if (unknown.length > 0) {
    const col = findColumn(ast, unknown[0]);
    throw new ExpressionError(
      `unknown name${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (available: ${allowedNames.join(', ') || 'none'})`,
      col,
    );
  }
  return {
    text,
    ast,
    names,
    evaluate(inputs, out) {
      for (const n of names) if (!inputs[n]) throw new Error(`expression input '${n}' missing`);
      const root = buildEvaluator(ast, inputs);
      for (let start = 0; start < out.length; start += BLOCK) {
        const n = Math.min(BLOCK, out.length - start);
        const r = root(start, n);
        for (let i = 0; i < n; i++) out[start + i] = fin(r[i]);
      }
    },
  };
}

function findColumn(ast: ExprNode, name: string): number {
  let col = 0;
  const walk = (n: ExprNode): void => {
    if (col) return;
    if (n.kind === 'name' && n.name === name) col = n.pos + 1;
    else if (n.kind === 'neg') walk(n.arg);
    else if (n.kind === 'bin') {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === 'call') n.args.forEach(walk);
  };
  walk(ast);
  return col;
}

/** Validation helper for editors: null when valid, otherwise the message and column. */
export function checkExpression(text: string, allowedNames?: readonly string[]): { message: string; column: number } | null {
  try {
    if (allowedNames) compileExpression(text, allowedNames);
    else parseExpression(text);
    return null;
  } catch (e) {
    if (e instanceof ExpressionError) return { message: e.message, column: e.column };
    throw e;
  }
}
