/**
 * The one class palette of Sentiflow: GeoTIFF colour tables, the runner's map previews and the editor's legends
 * all colour classes from here. Pure (no Node imports), so the editor imports it too.
 */
import { NODATA_CODE, UNCERTAIN_CODE } from './classCodes.ts';

/** Fixed colours of the study's classes (ColorBrewer Spectral); matched case-insensitively. */
export const CLASS_COLORS: Readonly<Record<string, string>> = {
  water: '#2b83ba',
  forest: '#1a9641',
  asgm: '#d7191c',
};

/** Colours of other classes, by their index in the class list. */
export const EXTRA_CLASS_COLORS = ['#fdae61', '#abdda4', '#984ea3', '#ffff33', '#a65628', '#f781bf', '#66c2a5', '#8da0cb'];

/** Uncertain pixels (ties, low confidence): neutral grey, so they read as "not decided", not as a class. */
export const UNCERTAIN_COLOR = '#9e9e9e';

export const TRANSITION_COLORS = {
  /** the change of interest (the Change value's focus, from change.diff's focus param) */
  focus: '#d7191c',
  otherChange: '#fd8d3c',
  /** from or to uncertain */
  uncertain: '#636363',
  /** drawn half-transparent in previews */
  unchanged: '#bdbdbd',
} as const;

/** Colour stops of the 0..1 probability ramp (viridis). */
export const PROBABILITY_RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
/** Colour stops of the −1..1 diverging ramp (RdBu reversed: loss blue, gain red). */
export const DIVERGING_RAMP = ['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b'];

/** Colour of a class by name (study classes fixed), else by its position in the class list. */
export function classColor(name: string, index: number): string {
  return CLASS_COLORS[name.toLowerCase()] ?? EXTRA_CLASS_COLORS[index % EXTRA_CLASS_COLORS.length];
}

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Linear interpolation along evenly spaced stops; t is clamped to 0..1. */
export function rampColor(stops: readonly string[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(stops[i]);
  const b = hexToRgb(stops[i + 1]);
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** One entry per code 0..255 of a categorical uint8 map: colour (null = none) and name ('' = unused). */
export interface Category {
  code: number;
  name: string;
  color: string;
}

/** Categories of a class map: codes 0..n-1 the classes, UNCERTAIN_CODE uncertain, NODATA_CODE no data. */
export function classCategories(classes: readonly string[]): Category[] {
  return [
    ...classes.map((name, code) => ({ code, name, color: classColor(name, code) })),
    { code: UNCERTAIN_CODE, name: 'uncertain', color: UNCERTAIN_COLOR },
    { code: NODATA_CODE, name: 'no data', color: '#000000' },
  ];
}

/** Index of a class in `labels` by case-insensitive name, -1 if absent. */
export function labelIndex(labels: readonly string[], name: string | undefined): number {
  if (!name) return -1;
  const lower = name.toLowerCase();
  return labels.findIndex((l) => l.toLowerCase() === lower);
}

/**
 * Categories of a transitions map over `labels` (classes then 'uncertain'): code from·L + to. The focus change
 * is red, other changes orange, anything from or to uncertain dark grey, unchanged light grey.
 */
export function transitionCategories(labels: readonly string[], focus?: { from: string; to: string }, uncertainLabel = 'uncertain'): Category[] {
  const L = labels.length;
  const f = labelIndex(labels, focus?.from);
  const t = labelIndex(labels, focus?.to);
  const u = labels.indexOf(uncertainLabel);
  const out: Category[] = [];
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < L; j++) {
      const color = i === f && j === t ? TRANSITION_COLORS.focus
        : i === u || j === u ? (i === j ? TRANSITION_COLORS.unchanged : TRANSITION_COLORS.uncertain)
        : i === j ? TRANSITION_COLORS.unchanged : TRANSITION_COLORS.otherChange;
      out.push({ code: i * L + j, name: i === j ? `${labels[i]} (unchanged)` : `${labels[i]} -> ${labels[j]}`, color });
    }
  }
  out.push({ code: NODATA_CODE, name: 'no data', color: '#000000' });
  return out;
}
