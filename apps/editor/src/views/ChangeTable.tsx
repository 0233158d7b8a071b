/** Transition matrix in km², per-class areas before/after and % change of a change.diff result. */
import type { Change } from '../../../../packages/nodes/src/values.ts';
import { changeHeadline, displayClass, formatKm2, formatPercent, uncertainArea } from '../model/change.ts';
import type { AreaEstimateHeadline } from '../model/areaReport.ts';
import { AreaHeadline } from './AreaHeadline.tsx';

const km2 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(v < 10 ? 3 : 2) : '—');

export function ChangeTable({ change, title, area }: { change: Partial<Change>; title: string; area?: (from: string, to: string) => AreaEstimateHeadline | null }) {
  // Rows and columns are the labels (the classes, then "uncertain"): uncertain area is never counted as a class.
  const classes = change.labels ?? change.classes ?? Object.keys(change.areaBeforeKm2 ?? {});
  const t = change.transitionKm2 ?? [];
  const head = changeHeadline(change);
  const unsure = uncertainArea(change);
  const estimate = head && area?.(head.from, head.to);
  return (
    <div className="sf-card" data-testid="change-table">
      <h4>{title}</h4>
      {head && (
        <div className="sf-headline" data-testid="change-headline" data-focus={head.focus ? 'forest-asgm' : 'largest'}>
          <div className="sf-headline-item">
            <span className="sf-headline-label">
              {displayClass(head.from)} → {displayClass(head.to)}
              {!head.focus && <span className="muted"> (largest transition)</span>}
              {estimate && <span className="muted"> (map area)</span>}
            </span>
            <span className="sf-headline-value" data-testid="change-headline-km2">
              {formatKm2(head.km2)} km²
            </span>
          </div>
          {estimate && <AreaHeadline from={head.from} to={head.to} area={estimate} />}
          <div className="sf-headline-item">
            <span className="sf-headline-label">{displayClass(head.areaClass)} area</span>
            <span
              className={`sf-headline-value ${head.percent === null || head.percent > 0 ? 'pos' : head.percent < 0 ? 'neg' : ''}`}
              data-testid="change-headline-percent"
            >
              {formatPercent(head.percent)}
            </span>
          </div>
          {unsure && (
            <div className="sf-headline-item" data-testid="change-headline-uncertain">
              <span className="sf-headline-label" title="Tied pixels, pixels unlike all training data and, if set, pixels below minProbability: never counted as a class">Uncertain</span>
              <span className="sf-headline-value">
                {formatKm2(unsure.before)} → {formatKm2(unsure.after)} km²
              </span>
            </div>
          )}
        </div>
      )}
      <table className="sf-table">
        <thead>
          <tr>
            <th>class</th>
            <th>before (km²)</th>
            <th>after (km²)</th>
            <th>change</th>
          </tr>
        </thead>
        <tbody>
          {classes.map((c) => {
            const p = change.changePercent?.[c];
            return (
              <tr key={c} data-testid={`change-row-${c}`}>
                <th>{c}</th>
                <td>{km2(change.areaBeforeKm2?.[c])}</td>
                <td>{km2(change.areaAfterKm2?.[c])}</td>
                <td className={typeof p === 'number' ? (p > 0 ? 'pos' : p < 0 ? 'neg' : '') : ''}>{typeof p === 'number' ? `${p > 0 ? '+' : ''}${p.toFixed(1)} %` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {t.length > 0 && (
        <>
          <h5>Transitions (km²): rows = before, columns = after</h5>
          <table className="sf-table sf-confusion" data-testid="transition-matrix">
            <thead>
              <tr>
                <th>from ↓ / to →</th>
                {classes.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.map((row, i) => (
                <tr key={i}>
                  <th>{classes[i]}</th>
                  {row.map((v, j) => (
                    <td key={j} className={i === j ? 'diag' : v > 0 ? 'changed' : ''}>
                      {km2(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
