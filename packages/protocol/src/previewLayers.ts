/**
 * The map layers a node output offers, from its declared PreviewSpec list and its value: one rule for the
 * server (which draws them) and the editor (which lists them), so neither knows band or class names.
 */
import type { PreviewSpec } from './presentation.ts';

/** What layer listing needs of a socket value (the plain JSON of a node output). */
export interface PreviewValue {
  kind?: string;
  features?: string[];
  classes?: string[];
  classFile?: string;
  probabilityFile?: string;
  probabilityDiffFiles?: Record<string, string>;
}

export interface OfferedLayer {
  /** The name in `preview.png?layer=…`: rgb, classes, probability:<class>, transitions, diff:<class>. */
  layer: string;
  label: string;
}

type RgbSpec = Extract<PreviewSpec, { kind: 'rgb' }>;

/**
 * Features `<band>_<statistic>` of one statistic for all `bands`: the given statistic, else mean, else the first
 * complete set; null when the value has none.
 */
export function bandFeatures(features: readonly string[], bands: readonly string[], statistic?: string): string[] | null {
  const first = `${bands[0]}_`;
  const stats = statistic ? [statistic] : ['mean', ...features.filter((f) => f.startsWith(first)).map((f) => f.slice(first.length))];
  for (const s of stats) {
    const set = bands.map((b) => `${b}_${s}`);
    if (set.every((f) => features.includes(f))) return set;
  }
  return null;
}

export function rgbSpecOf(specs: readonly PreviewSpec[] | undefined): RgbSpec | undefined {
  return specs?.find((s): s is RgbSpec => s.kind === 'rgb');
}

const hasProbabilities = (v: PreviewValue) => v.probabilityFile !== undefined || v.classFile === undefined;

/** Layers the value offers under its declared specs, in declaration order. */
export function offeredLayers(specs: readonly PreviewSpec[] | undefined, value: PreviewValue): OfferedLayer[] {
  const out: OfferedLayer[] = [];
  for (const spec of specs ?? []) {
    if (spec.kind === 'rgb' && spec === rgbSpecOf(specs) && value.features && bandFeatures(value.features, spec.bands)) out.push({ layer: 'rgb', label: spec.label });
    if (spec.kind === 'classes') out.push({ layer: 'classes', label: 'classes' });
    if (spec.kind === 'probability' && hasProbabilities(value)) for (const c of value.classes ?? []) out.push({ layer: `probability:${c}`, label: `probability of ${c}` });
    if (spec.kind === 'transitions') out.push({ layer: 'transitions', label: 'change (transitions)' });
    if (spec.kind === 'diff') for (const c of Object.keys(value.probabilityDiffFiles ?? {})) out.push({ layer: `diff:${c}`, label: `probability change of ${c}` });
  }
  return out;
}

/** Declared layers the value cannot offer, each with the reason in a person's words. */
export function missingLayers(specs: readonly PreviewSpec[] | undefined, value: PreviewValue): string[] {
  const out: string[] = [];
  const rgb = rgbSpecOf(specs);
  if (rgb && value.features && !bandFeatures(value.features, rgb.bands)) {
    const has = `${value.features.slice(0, 6).join(', ')}${value.features.length > 6 ? ', …' : ''}`;
    out.push(`no ${rgb.label}: needs ${rgb.bands.slice(0, -1).join(', ')} and ${rgb.bands[rgb.bands.length - 1]} of one statistic (has ${has})`);
  }
  if (specs?.some((s) => s.kind === 'probability') && !hasProbabilities(value)) out.push('no probability layers: this class map has no probability file');
  return out;
}
