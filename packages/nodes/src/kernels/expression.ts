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

export type ExprNode =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'neg'; arg: ExprNode; pos: number }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: ExprNode; right: ExprNode; pos: number }
  | { kind: 'call'; fn: string; args: ExprNode[]; pos: number };

export class ExpressionError extends Error {
  /** 1-based column of the problem in the expression text (0 when not tied to a position). */
  constructor(
    message: string,
    readonly column: number = 0,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Function name -> [min arity, max arity]. */
export const EXPRESSION_FUNCTIONS: Record<string, [number, number]> = {
  sqrt: [1, 1],
  abs: [1, 1],
  log: [1, 1],
  exp: [1, 1],
  pow: [2, 2],
  min: [2, Infinity],
  max: [2, Infinity],
  clamp: [3, 3],
};

type Tok = { t: 'num'; v: number; pos: number } | { t: 'name'; v: string; pos: number } | { t: 'op'; v: string; pos: number } | { t: 'end'; pos: number };

function describe(tok: Tok): string {
  if (tok.t === 'end') return 'end of expression';
  return `'${tok.v}'`;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ExpressionError(`invalid number at column ${i + 1}`, i + 1);
      toks.push({ t: 'num', v: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      toks.push({ t: 'name', v: m[0], pos: i });
      i += m[0].length;
    } else if ('+-*/^(),'.includes(c)) {
      toks.push({ t: 'op', v: c, pos: i });
      i++;
    } else {
      throw new ExpressionError(`unexpected character '${c}' at column ${i + 1}`, i + 1);
    }
  }
  toks.push({ t: 'end', pos: text.length });
  return toks;
}

/** Parses an expression into an AST; throws ExpressionError with the column of the problem. */
export function parseExpression(text: string): ExprNode {
  const toks = tokenize(text);
  let k = 0;
  const peek = () => toks[k];
  const isOp = (v: string) => {
    const t = toks[k];
    return t.t === 'op' && t.v === v;
  };
  const fail = (tok: Tok, expected?: string): never => {
    const what = `unexpected ${describe(tok)} at column ${tok.pos + 1}`;
    throw new ExpressionError(expected ? `${what} (expected ${expected})` : what, tok.pos + 1);
  };

  const expr = (): ExprNode => {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = toks[k++] as { v: '+' | '-'; pos: number };
      left = { kind: 'bin', op: op.v, left, right: term(), pos: op.pos };
    }
    return left;
  };
  const term = (): ExprNode => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = toks[k++] as { v: '*' | '/'; pos: number };
      left = { kind: 'bin', op: op.v, left, right: unary(), pos: op.pos };
    }
    return left;
  };
  const unary = (): ExprNode => {
    if (isOp('-')) {
      const pos = toks[k++].pos;
      return { kind: 'neg', arg: unary(), pos };
    }
    if (isOp('+')) {
      k++;
      return unary();
    }
    return power();
  };
  const power = (): ExprNode => {
    const base = primary();
    if (isOp('^')) {
      const pos = toks[k++].pos;
      return { kind: 'bin', op: '^', left: base, right: unary(), pos };
    }
    return base;
  };
  const primary = (): ExprNode => {
    const tok = peek();
    if (tok.t === 'num') {
      k++;
      return { kind: 'num', value: tok.v, pos: tok.pos };
    }
    if (tok.t === 'name') {
      k++;
      if (isOp('(')) {
        const arity = EXPRESSION_FUNCTIONS[tok.v];
        if (!arity) {
          throw new ExpressionError(
            `unknown function '${tok.v}' at column ${tok.pos + 1} (available: ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')})`,
            tok.pos + 1,
          );
        }
        k++;
        const args = [expr()];
        while (isOp(',')) {
          k++;
          args.push(expr());
        }
        if (!isOp(')')) fail(peek(), "',' or ')'");
        k++;
        if (args.length < arity[0] || args.length > arity[1]) {
          const want = arity[0] === arity[1] ? `${arity[0]}` : `at least ${arity[0]}`;
          throw new ExpressionError(`${tok.v}() at column ${tok.pos + 1} takes ${want} argument(s), got ${args.length}`, tok.pos + 1);
        }
        return { kind: 'call', fn: tok.v, args, pos: tok.pos };
      }
      if (EXPRESSION_FUNCTIONS[tok.v]) {
        throw new ExpressionError(`function '${tok.v}' at column ${tok.pos + 1} needs arguments in parentheses`, tok.pos + 1);
      }
      return { kind: 'name', name: tok.v, pos: tok.pos };
    }
    if (isOp('(')) {
      k++;
      const inner = expr();
      if (!isOp(')')) fail(peek(), "')'");
      k++;
      return inner;
    }
    return fail(tok, 'a number, a band name or (');
  };

  if (toks.length === 1) throw new ExpressionError('empty expression', 1);
  const ast = expr();
  if (peek().t !== 'end') fail(peek(), 'an operator or end of expression');
  return ast;
}

/** Distinct names an expression uses, in order of first appearance. */
export function expressionNames(ast: ExprNode): string[] {
  const out: string[] = [];
  const walk = (n: ExprNode): void => {
    if (n.kind === 'name') {
      if (!out.includes(n.name)) out.push(n.name);
    } else if (n.kind === 'neg') walk(n.arg);
    else if (n.kind === 'bin') {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === 'call') n.args.forEach(walk);
  };
  walk(ast);
  return out;
}

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
