/**
 * Params a node does not declare. zod objects drop unknown keys silently, so a typo or an old name in a shared
 * graph ("threshold" for probabilityThreshold) would validate, run and compute with the default. Here every
 * key the schema does not know (also inside nested objects and arrays of objects) is reported, with the closest
 * declared name as a suggestion. Old names are the node's migrations' business: they run before this check.
 */
import type { z } from 'zod';

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  catchall?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (s: z.ZodType): ZodDefLike => (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/** The object or array schema under optional/default/nullable/pipe wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    const d = defOf(cur);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else break;
  }
  return cur;
}

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/**
 * Declared names close to `name`, best first: same name in another case, then names containing it (or it them:
 * "threshold" → probabilityThreshold), then typos within a third of the length. Ties keep declaration order.
 */
export function suggestNames(name: string, declared: string[]): string[] {
  const a = name.toLowerCase();
  const scored = declared.map((d, i) => {
    const b = d.toLowerCase();
    const dist = levenshtein(a, b);
    const score = dist === 0 ? 0 : a.length >= 3 && (b.includes(a) || a.includes(b)) ? 0.5 : dist <= Math.max(2, Math.floor(a.length / 3)) ? dist : Infinity;
    return { d, i, score };
  });
  return scored.filter((s) => s.score < Infinity).sort((x, y) => x.score - y.score || x.i - y.i).map((s) => s.d);
}

export interface UnknownParam {
  /** Dotted path of the unknown key, e.g. "threshold" or "indices.0.expr". */
  param: string;
  message: string;
}

/** Every key of `value` that `schema` does not declare; `nodeType` names the node in the message. */
export function unknownParams(nodeType: string, schema: z.ZodType, value: unknown, at: string[] = []): UnknownParam[] {
  const s = unwrap(schema);
  const d = defOf(s);
  const out: UnknownParam[] = [];
  if (d.type === 'object' && d.shape && value && typeof value === 'object' && !Array.isArray(value)) {
    // A loose object (catchall unknown) accepts any key; strip (no catchall) and strict objects do not.
    const closed = !d.catchall || defOf(d.catchall).type === 'never';
    const declared = Object.keys(d.shape);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const field = d.shape[k];
      if (field) {
        out.push(...unknownParams(nodeType, field, v, [...at, k]));
      } else if (closed) {
        const where = at.length ? `${at.join('.')} has no field ${k}` : `has no parameter ${k}`;
        const best = suggestNames(k, declared);
        const hint = best.length ? `; did you mean ${best[0]}?${best.length > 1 ? ` (or ${best.slice(1, 3).join(', ')})` : ''}` : `; its parameters are ${declared.join(', ')}`;
        out.push({ param: [...at, k].join('.'), message: `${nodeType} ${where}${hint}` });
      }
    }
  } else if (d.type === 'array' && d.element && Array.isArray(value)) {
    value.forEach((v, i) => out.push(...unknownParams(nodeType, d.element!, v, [...at, String(i)])));
  }
  return out;
}
