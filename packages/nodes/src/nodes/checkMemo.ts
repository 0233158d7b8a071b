/**
 * One validation asks the same question many times (a loader's files are checked by the loader, then by every node
 * joining its branch): answers, and errors, are kept for the length of one validation in `ctx.memo`.
 */
import type { CheckContext } from '../define.ts';

export function remember<T>(ctx: CheckContext, key: string, compute: () => T): T {
  const memo = ctx.memo;
  if (!memo) return compute();
  if (memo.has(key)) {
    const hit = memo.get(key) as { value?: T; error?: unknown };
    if ('error' in hit) throw hit.error;
    return hit.value as T;
  }
  try {
    const value = compute();
    memo.set(key, { value });
    return value;
  } catch (error) {
    memo.set(key, { error });
    throw error;
  }
}
