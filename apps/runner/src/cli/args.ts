/** Small helpers for CLI arguments. */
export class UsageError extends Error {}

export function intOption(values: Record<string, unknown>, name: string, min = 0): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min} (got "${String(v)}")`);
  return n;
}
