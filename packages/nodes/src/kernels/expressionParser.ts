/** Parser of the spectral-index expression language; see expression.ts for the grammar. Pure, no eval. */

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
/**
 * Bounds that keep parsing, the tree walks and the evaluator well inside the call stack: an index formula
 * has tens of tokens, so these only refuse pathological (or hostile) input, with a named error.
 */
export const MAX_EXPRESSION_TOKENS = 1000;
export const MAX_EXPRESSION_NESTING = 64;

export function parseExpression(text: string): ExprNode {
  if (text.length > 20 * MAX_EXPRESSION_TOKENS) throw new ExpressionError(`expression is too long (${text.length} characters); index formulas are short`, 0);
  const toks = tokenize(text);
  if (toks.length - 1 > MAX_EXPRESSION_TOKENS) {
    throw new ExpressionError(`expression is too long: ${toks.length - 1} tokens (at most ${MAX_EXPRESSION_TOKENS})`, 0);
  }
  let k = 0;
  let depth = 0;
  const nest = <T>(pos: number, f: () => T): T => {
    if (++depth > MAX_EXPRESSION_NESTING) {
      throw new ExpressionError(`expression is nested too deeply at column ${pos + 1} (more than ${MAX_EXPRESSION_NESTING} levels of parentheses, signs or powers)`, pos + 1);
    }
    try {
      return f();
    } finally {
      depth--;
    }
  };
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
      return { kind: 'neg', arg: nest(pos, unary), pos };
    }
    if (isOp('+')) {
      const pos = toks[k++].pos;
      return nest(pos, unary);
    }
    return power();
  };
  const power = (): ExprNode => {
    const base = primary();
    if (isOp('^')) {
      const pos = toks[k++].pos;
      return { kind: 'bin', op: '^', left: base, right: nest(pos, unary), pos };
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
        const args = [nest(tok.pos, expr)];
        while (isOp(',')) {
          k++;
          args.push(nest(tok.pos, expr));
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
      const inner = nest(tok.pos, expr);
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
