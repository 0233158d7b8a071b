/** Accuracy, kappa, per-class precision/recall/F1 and the confusion matrix of a model.evaluate result. */
import type { Metrics } from '../../../../packages/nodes/src/values.ts';

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');
const num = (v: unknown, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—');

export function MetricsView({ metrics, title }: { metrics: Partial<Metrics>; title: string }) {
  const classes = metrics.classes ?? metrics.perClass?.map((p) => p.className) ?? [];
  const confusion = metrics.confusion ?? [];
  const max = Math.max(1, ...confusion.flat());
  return (
    <div className="sf-card" data-testid="metrics-view">
      <h4>{title}</h4>
      {/* Held-out pixels of the training polygons are polygon interiors next to training pixels: optimistic. */}
      <div className="muted" data-testid="metrics-scope">on training polygons (optimistic) — map accuracy and areas with confidence intervals come from labelled sample points (Area estimate)</div>
      <div className="sf-kpis">
        <div className="sf-kpi" data-testid="metric-accuracy">
          <span>Overall accuracy</span>
          <b>{pct(metrics.accuracy)}</b>
        </div>
        <div className="sf-kpi" data-testid="metric-kappa">
          <span>Cohen's κ</span>
          <b>{num(metrics.kappa)}</b>
        </div>
        {metrics.uncertain && metrics.uncertain.rows > 0 && (
          // Tied rows are not scored as the class listed first: they are left out of the figures and counted here.
          <div className="sf-kpi" data-testid="metric-uncertain" title={`left out of accuracy, κ and the matrix; accuracy over all rows (uncertain counted wrong): ${pct(metrics.uncertain.accuracyAllRows)}`}>
            <span>Uncertain rows</span>
            <b>{metrics.uncertain.rows} ({pct(metrics.uncertain.share)})</b>
          </div>
        )}
      </div>
      {confusion.length > 0 && (
        <table className="sf-table sf-confusion" data-testid="confusion-matrix">
          <thead>
            <tr>
              <th className="diag-head">true ↓ / predicted →</th>
              {classes.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {confusion.map((row, i) => (
              <tr key={i}>
                <th>{classes[i] ?? i}</th>
                {row.map((v, j) => (
                  <td key={j} className={i === j ? 'diag' : ''} style={{ background: `rgba(${i === j ? '46,196,182' : '255,107,107'}, ${(0.08 + (0.6 * v) / max).toFixed(2)})` }}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {metrics.perClass && (
        <table className="sf-table" data-testid="per-class-metrics">
          <thead>
            <tr>
              <th>class</th>
              <th>precision</th>
              <th>recall</th>
              <th>F1</th>
              <th>support</th>
            </tr>
          </thead>
          <tbody>
            {metrics.perClass.map((p) => (
              <tr key={p.className}>
                <th>{p.className}</th>
                <td>{num(p.precision)}</td>
                <td>{num(p.recall)}</td>
                <td>{num(p.f1)}</td>
                <td>{p.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
