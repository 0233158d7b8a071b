/**
 * Colours of the map previews and their legends. Pure (no Node imports) so that the editor can import the
 * same constants: `import { classColor } from '@sentiflow/runner/server/palette.ts'`.
 */

/** Fixed colours of the study's classes (ColorBrewer Spectral); matched case-insensitively. */
export const CLASS_COLORS: Readonly<Record<string, string>> = {
  water: '#2b83ba',
  forest: '#1a9641',
  asgm: '#d7191c',
};

/** Colours of other classes, by their index in the class list. */
export const EXTRA_CLASS_COLORS = ['#fdae61', '#abdda4', '#984ea3', '#ffff33', '#a65628', '#f781bf', '#66c2a5', '#8da0cb'];

export const TRANSITION_COLORS = {
  /** forest → asgm (the change the tool exists to find) */
  forestToAsgm: '#d7191c',
  otherChange: '#fd8d3c',
  /** drawn half-transparent */
  unchanged: '#bdbdbd',
} as const;

/** Colour stops of the 0..1 probability ramp (viridis). */
export const PROBABILITY_RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
/** Colour stops of the −1..1 diverging ramp (RdBu reversed: loss blue, gain red). */
export const DIVERGING_RAMP = ['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b'];

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
