/**
 * What a time series will hold, worked out from the params of the nodes upstream (for validation checks,
 * before any run): the bands of the nearest s2.load and the indices added by s2.index nodes on the way.
 */
import type { CheckContext } from '../define.ts';
import { L2A_BANDS, S2_BANDS } from './s2Load.ts';

export interface UpstreamSeries {
  /** Bands loaded; every Sentinel-2 band when no loader is upstream (then only names are checked). */
  bands: string[];
  /** Bands then index names, as the series' `variables`. */
  variables: string[];
  /** False when no s2.load is upstream (e.g. a STAC loader): then band checks are skipped. */
  known: boolean;
  /** The loader's cloud layer ("probability", "scl", "none"), when known. */
  cloudLayer?: string;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function upstreamSeries(ctx: CheckContext): UpstreamSeries {
  // The nearest loader decides; another kind of loader (e.g. STAC) is not known here: band checks are skipped.
  const nearest = ctx.upstream.find((u) => u.type.startsWith('s2.load'));
  const load = nearest?.type === 's2.load' ? nearest : undefined;
  const bands = load ? [...new Set(Array.isArray(load.params.bands) ? strings(load.params.bands) : [...L2A_BANDS])] : [...S2_BANDS];
  const indices: string[] = [];
  // Upstream index nodes add their names in link order; nearest-first means reversed order of addition.
  for (const u of [...ctx.upstream].reverse()) {
    if (u.type !== 's2.index') continue;
    const presets = Array.isArray(u.params.indices) ? strings(u.params.indices) : ['NDVI', 'NDWI', 'BSI'];
    const custom = Array.isArray(u.params.custom) ? (u.params.custom as { name?: unknown }[]).map((c) => c?.name).filter((n): n is string => typeof n === 'string') : [];
    for (const n of [...presets, ...custom]) if (!indices.includes(n)) indices.push(n);
  }
  const cloudLayer = load ? (typeof load.params.cloudLayer === 'string' ? load.params.cloudLayer : 'probability') : undefined;
  return { bands, variables: [...bands, ...indices], known: load !== undefined, ...(cloudLayer ? { cloudLayer } : {}) };
}
