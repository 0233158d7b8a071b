/**
 * The area report of a sample design and its labelled points: for a map, its classes; for a change, every
 * transition and every class of each year (the strata are the transitions, so the per-year figures use
 * Stehman's estimators for strata that are not the map classes).
 */
import { estimateAreas, type AreaReport, type Estimate, type SamplePoint } from '../kernels/areaEstimate.ts';
import { mapStratum } from '../kernels/stratifiedSample.ts';
import { pixelAreaKm2 } from '../grid.ts';
import type { Points } from '../values.ts';
import type { LabelledPoint } from './labelledPoints.ts';

export const ARROW = '→';

export interface AreaRow {
  name: string;
  /** 'class' (of one map), 'class (year)' or 'transition'. */
  kind: 'class' | 'transition';
  /** For a change: which map the class belongs to (mapNames entry). */
  map?: string;
  mapKm2: number;
  estimateKm2: number;
  ci95Km2: number;
  usersAccuracy: { estimate: number; ci95: number } | null;
  producersAccuracy: { estimate: number; ci95: number } | null;
}

export interface AreaSection {
  title: string;
  report: AreaReport;
}

const acc = (e: Estimate | null) => (e ? { estimate: e.estimate, ci95: e.ci } : null);

function rowsOf(report: AreaReport, kind: AreaRow['kind'], map?: string): AreaRow[] {
  return report.categories.map((c) => ({
    name: map ? `${c.name} (${map})` : c.name,
    kind, ...(map ? { map } : {}),
    mapKm2: c.mapArea,
    estimateKm2: c.area.estimate,
    ci95Km2: c.area.ci,
    usersAccuracy: acc(c.usersAccuracy),
    producersAccuracy: acc(c.producersAccuracy),
  }));
}

export function buildAreaReport(design: Points, points: LabelledPoint[]): { sections: AreaSection[]; areas: AreaRow[]; overall: Estimate | null } {
  const n = design.classes.length;
  const pixelArea = pixelAreaKm2(design.grid);
  const strataPixels = design.strata.map((s) => s.pixels);
  const strataNames = design.strata.map((s) => s.name);
  const cls = (code: number) => { const s = mapStratum(code, n); return s < n ? s : null; };
  if (design.design === 'map') {
    const report = estimateAreas({
      strataPixels, strataNames, categories: design.classes, mapPixels: design.pixelCounts.slice(0, n), pixelArea,
      points: points.map((p): SamplePoint => ({ stratum: p.stratum, map: cls(p.codes[0]), reference: p.reference[0] })),
    });
    return { sections: [{ title: 'classes', report }], areas: rowsOf(report, 'class'), overall: report.overallAccuracy };
  }
  const side = n + 1;
  const stratum = (p: LabelledPoint) => p.stratum;
  const transitions = design.classes.flatMap((b) => design.classes.map((a) => `${b}${ARROW}${a}`));
  const transitionReport = estimateAreas({
    strataPixels, strataNames, categories: transitions, pixelArea,
    mapPixels: transitions.map((_, k) => design.pixelCounts[Math.floor(k / n) * side + (k % n)]),
    points: points.map((p): SamplePoint => {
      const b = cls(p.codes[0]), a = cls(p.codes[1]);
      return { stratum: stratum(p), map: b === null || a === null ? null : b * n + a, reference: p.reference[0] * n + p.reference[1] };
    }),
  });
  const yearReport = (year: 0 | 1) => estimateAreas({
    strataPixels, strataNames, categories: design.classes, pixelArea,
    mapPixels: design.classes.map((_, k) => {
      let s = 0;
      for (let o = 0; o < side; o++) s += design.pixelCounts[year === 0 ? k * side + o : o * side + k];
      return s;
    }),
    points: points.map((p): SamplePoint => ({ stratum: stratum(p), map: cls(p.codes[year]), reference: p.reference[year] })),
  });
  const before = yearReport(0), after = yearReport(1);
  const [nb, na] = design.mapNames;
  // Transitions neither mapped nor found in the sample are left out of the table (they stay in the JSON).
  const transitionRows = rowsOf(transitionReport, 'transition').filter((r) => r.mapKm2 > 0 || r.estimateKm2 > 0);
  return {
    sections: [{ title: 'transitions', report: transitionReport }, { title: nb, report: before }, { title: na, report: after }],
    areas: [...transitionRows, ...rowsOf(before, 'class', nb), ...rowsOf(after, 'class', na)],
    overall: transitionReport.overallAccuracy,
  };
}

export function areaCsv(areas: AreaRow[]): string {
  const f = (v: number | undefined) => (v === undefined ? '' : String(Math.round(v * 1e6) / 1e6));
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head = 'name,kind,map_km2,estimate_km2,ci95_km2,users_accuracy,users_accuracy_ci95,producers_accuracy,producers_accuracy_ci95';
  return [head, ...areas.map((a) => [q(a.name), a.kind, f(a.mapKm2), f(a.estimateKm2), f(a.ci95Km2), f(a.usersAccuracy?.estimate), f(a.usersAccuracy?.ci95), f(a.producersAccuracy?.estimate), f(a.producersAccuracy?.ci95)].join(','))].join('\n') + '\n';
}
