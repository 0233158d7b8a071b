/** The stratified area estimate (validation.areaEstimate summary) of a transition, for the change headline (pure). */
import type { NodeResult } from './results.ts';

export interface AreaEstimateHeadline {
  nodeId: string;
  estimateKm2: number;
  ci95Km2: number;
  mapKm2: number;
  labelledPoints: number;
  source: string;
}

interface AreaRow { name?: unknown; estimateKm2?: unknown; ci95Km2?: unknown; mapKm2?: unknown }

/** The estimate of `from→to` from the first area-estimate node of the results that has it (names match case-insensitively). */
export function areaEstimateOf(results: NodeResult[], from: string, to: string): AreaEstimateHeadline | null {
  const want = `${from}→${to}`.toLowerCase();
  for (const r of results) {
    const s = r.state.summary as { areas?: AreaRow[]; labelledPoints?: unknown; labelsSource?: unknown } | undefined;
    if (r.type !== 'validation.areaEstimate' || !Array.isArray(s?.areas)) continue;
    const row = s.areas.find((a) => typeof a.name === 'string' && a.name.toLowerCase() === want);
    if (!row || typeof row.estimateKm2 !== 'number' || typeof row.ci95Km2 !== 'number') continue;
    return {
      nodeId: r.nodeId, estimateKm2: row.estimateKm2, ci95Km2: row.ci95Km2, mapKm2: typeof row.mapKm2 === 'number' ? row.mapKm2 : NaN,
      labelledPoints: typeof s.labelledPoints === 'number' ? s.labelledPoints : 0, source: typeof s.labelsSource === 'string' ? s.labelsSource : '',
    };
  }
  return null;
}
