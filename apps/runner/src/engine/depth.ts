/** Iterative depth measure of JSON-like values, so that no later recursive walk (zod, canonical JSON, JSON.stringify) overflows the stack. */

/** Params nest a few levels (a list of custom indices, each an object); 32 is far beyond any real graph. */
export const MAX_PARAM_DEPTH = 32;

/** The dotted path of the first place where `value` nests deeper than `max`, or null. */
export function tooDeepAt(value: unknown, max: number): string | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return path;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) if (x !== null && typeof x === 'object') stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return null;
}
