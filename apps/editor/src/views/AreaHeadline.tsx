/** "Forest → ASGM: X ± Y km² (95 % CI, n labelled points)": the estimate from labelled points, beside the map's own area. */
import type { AreaEstimateHeadline } from '../model/areaReport.ts';
import { displayClass, formatKm2 } from '../model/change.ts';

export function AreaHeadline({ from, to, area }: { from: string; to: string; area: AreaEstimateHeadline }) {
  return (
    <div className="sf-headline-item" data-testid="area-headline">
      <span className="sf-headline-label">
        {displayClass(from)} → {displayClass(to)}, estimated from labelled points
        {area.source === 'demo ground truth' && <span className="muted"> (labels from the demo&apos;s ground truth)</span>}
      </span>
      <span className="sf-headline-value" data-testid="area-headline-km2">
        {formatKm2(area.estimateKm2)} ± {formatKm2(area.ci95Km2)} km²
      </span>
      <span className="muted" data-testid="area-headline-ci">(95 % CI, {area.labelledPoints} labelled points) · map area {formatKm2(area.mapKm2)} km²</span>
    </div>
  );
}
