/**
 * Lets several GeoTIFF writers (one per band file) share one computation per tile: the first writer asking
 * for a tile computes it, the others reuse it, and it is dropped once every writer has taken it. A writer
 * running ahead waits when `maxTiles` tiles are alive, so memory stays bounded.
 */
import type { Window } from '../grid.ts';

export class SharedTiles<T> {
  private readonly entries = new Map<string, { value: Promise<T>; left: number }>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly consumers: number,
    private readonly compute: (win: Window) => T,
    private readonly maxTiles = 2,
  ) {}

  async get(win: Window): Promise<T> {
    const key = `${win.x},${win.y},${win.width},${win.height}`;
    let entry = this.entries.get(key);
    while (!entry && this.entries.size >= this.maxTiles) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      entry = this.entries.get(key);
    }
    if (!entry) {
      entry = { value: Promise.resolve().then(() => this.compute(win)), left: this.consumers };
      this.entries.set(key, entry);
    }
    const value = await entry.value;
    if (--entry.left === 0) {
      this.entries.delete(key);
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w();
    }
    return value;
  }
}
