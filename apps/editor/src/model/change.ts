/** The headline numbers of a change.diff result (pure): forest → ASGM transition and ASGM area change. */
import type { Change } from '../../../../packages/nodes/src/values.ts';

export interface ChangeHeadline {
  /** True when the forest/ASGM classes were found; otherwise the largest off-diagonal transition is shown. */
  focus: boolean;
  from: string;
  to: string;
  /** Transition area from → to in km². */
  km2: number;
  /** Class whose area change is reported (the `to` class) and its change in %, null when it had no area before. */
  areaClass: string;
  percent: number | null;
}

const FOREST = /^forest$/i;
const ASGM = /^(asgm|mining|artisanal[ _-]?mining)$/i;

/** Pretty class name for the headline: "forest" → "Forest", "asgm" → "ASGM". */
export function displayClass(name: string): string {
  if (ASGM.test(name) && name.length <= 5) return name.toUpperCase();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function changeHeadline(change: Partial<Change>): ChangeHeadline | null {
  const classes = change.classes ?? [];
  const t = change.transitionKm2 ?? [];
  if (!classes.length || !t.length) return null;
  const at = (i: number, j: number) => (typeof t[i]?.[j] === 'number' && Number.isFinite(t[i][j]) ? t[i][j] : 0);
  const pct = (c: string) => {
    const p = change.changePercent?.[c];
    return typeof p === 'number' && Number.isFinite(p) ? p : null;
  };
  // The runner names the change of interest (Change.focus); older results fall back to the class names.
  const named = (n: string | undefined) => (n ? classes.findIndex((c) => c.toLowerCase() === n.toLowerCase()) : -1);
  const f = change.focus ? named(change.focus.from) : classes.findIndex((c) => FOREST.test(c));
  const a = change.focus ? named(change.focus.to) : classes.findIndex((c) => ASGM.test(c));
  if (f >= 0 && a >= 0) return { focus: true, from: classes[f], to: classes[a], km2: at(f, a), areaClass: classes[a], percent: pct(classes[a]) };
  let best: [number, number] | null = null;
  for (let i = 0; i < classes.length; i++) {
    for (let j = 0; j < classes.length; j++) if (i !== j && (!best || at(i, j) > at(best[0], best[1]))) best = [i, j];
  }
  if (!best) return null;
  const [i, j] = best;
  return { focus: false, from: classes[i], to: classes[j], km2: at(i, j), areaClass: classes[j], percent: pct(classes[j]) };
}

/** Uncertain (tied, low-confidence or unlike the training data) area before and after, or null when the result has no uncertain label. */
export function uncertainArea(change: Partial<Change>): { before: number; after: number } | null {
  if (!change.labels?.includes('uncertain')) return null;
  const v = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return { before: v(change.areaBeforeKm2?.uncertain), after: v(change.areaAfterKm2?.uncertain) };
}

export function formatKm2(v: number): string {
  return v.toFixed(v < 10 ? 3 : v < 1000 ? 2 : 0);
}

export function formatPercent(p: number | null): string {
  if (p === null) return 'new (no area before)';
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p).toFixed(1)} %`;
}
