/**
 * One fan-out over windows (or dates, or any list) with one cancellation rule, so that every node that sends
 * chunks to the pool stops the same way:
 * - at most `concurrency` items are in flight, started in list order;
 * - nothing new starts once the signal is aborted or an item has failed;
 * - the items already in flight are always awaited (their writes to scratch files finish before the caller
 *   cleans up);
 * - then an aborted signal wins (its reason is thrown: cancelling is nobody's fault), otherwise the first
 *   error is rethrown with the item named in its message, e.g. "... (chunk 7 of 24: x 1536–2047, y 512–1023)".
 */
import type { Window } from './grid.ts';

export interface FanOutOptions<T> {
  /** Items in flight at once (at least 1). */
  concurrency: number;
  signal?: AbortSignal;
  /** Words naming an item in an error, e.g. "date 2019-03-04". Default: "item i of n". */
  name?: (item: T, index: number, count: number) => string;
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

/** The error, its message ending with where it happened (the same object, so its class and details stay). */
function named(err: unknown, where: string): unknown {
  if (err instanceof Error) {
    err.message = `${err.message} (${where})`;
    return err;
  }
  return new Error(`${String(err)} (${where})`);
}

export async function fanOut<T>(
  items: readonly T[],
  options: FanOutOptions<T>,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const { signal } = options;
  const lanes = Math.min(items.length, Math.max(1, Math.floor(options.concurrency)));
  let next = 0;
  let failed: { err: unknown; index: number } | undefined;
  const lane = async (): Promise<void> => {
    while (!failed && !signal?.aborted && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (err) {
        failed ??= { err, index };
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (signal?.aborted) throw abortReason(signal);
  if (failed) {
    const { err, index } = failed;
    const where = options.name ? options.name(items[index], index, items.length) : `item ${index + 1} of ${items.length}`;
    throw named(err, where);
  }
}

/** "chunk 7 of 24: x 1536–2047, y 512–1023" (pixel columns and rows, inclusive). */
export function describeWindow(win: Window, index: number, count: number): string {
  return `chunk ${index + 1} of ${count}: x ${win.x}–${win.x + win.width - 1}, y ${win.y}–${win.y + win.height - 1}`;
}

/** `fanOut` over raster windows, errors naming the chunk. */
export function forEachWindow(
  windows: readonly Window[],
  options: Omit<FanOutOptions<Window>, 'name'>,
  work: (win: Window, index: number) => Promise<void>,
): Promise<void> {
  return fanOut(windows, { ...options, name: describeWindow }, work);
}
