/** Per-feature class histograms (separability.json) and Jeffries–Matusita distances per class pair. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { NodeResult } from '../model/results.ts';
import { ClassLegend, classColor } from './ClassLegend.tsx';


interface FeatureHist {
  feature: string;
  edges: number[];
  density: number[][];
}
interface SeparabilityFile {
  classes: string[];
  features: string[];
  perFeature: FeatureHist[];
  jm: Record<string, Record<string, number>>;
}

function Histogram({ h }: { h: FeatureHist }) {
  const W = 240;
  const H = 90;
  const bins = h.edges.length - 1;
  const max = Math.max(1e-12, ...h.density.flat().filter(Number.isFinite));
  return (
    <div className="sf-hist" data-testid="histogram">
      <div className="sf-hist-title">{h.feature}</div>
      <svg width={W} height={H + 14}>
        {h.density.map((d, c) => {
          const pts = d.map((v, i) => `${((i + 0.5) / bins) * W},${H - (Math.max(0, v) / max) * (H - 4)}`);
          return <polyline key={c} points={`0,${H} ${pts.join(' ')} ${W},${H}`} fill={classColor(c)} fillOpacity={0.25} stroke={classColor(c)} strokeWidth={1.5} />;
        })}
        <text x={0} y={H + 12} className="sf-axis">
          {Number(h.edges[0]).toPrecision(3)}
        </text>
        <text x={W} y={H + 12} textAnchor="end" className="sf-axis">
          {Number(h.edges[h.edges.length - 1]).toPrecision(3)}
        </text>
      </svg>
    </div>
  );
}

export function SeparabilityView({ result }: { result: NodeResult }) {
  const [data, setData] = useState<SeparabilityFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const file = result.state.files?.find((f) => f.endsWith('separability.json'));
  useEffect(() => {
    if (!file) return;
    api.runFile<SeparabilityFile>(result.runId, file).then(setData, (e: Error) => setError(e.message));
  }, [result.runId, file]);
  const jm = (data?.jm ?? (result.state.summary?.jm as SeparabilityFile['jm'] | undefined)) ?? {};
  const pairs = Object.keys(jm);
  const features = data?.features ?? Object.keys(jm[pairs[0]] ?? {});
  const classes = data?.classes ?? [];
  return (
    <div className="sf-card" data-testid="separability-view">
      <h4>{result.label}: class separability</h4>
      <div className="sf-sep-layout">
      {pairs.length > 0 && (
        <table className="sf-table" data-testid="jm-table">
          <thead>
            <tr>
              <th>JM distance (0–2)</th>
              {pairs.map((p) => (
                <th key={p}>{p}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {features.map((f) => (
              <tr key={f}>
                <th>{f}</th>
                {pairs.map((p) => {
                  const v = jm[p]?.[f];
                  return (
                    <td key={p} style={{ background: typeof v === 'number' ? `rgba(46,196,182,${(0.05 + 0.45 * (v / 2)).toFixed(2)})` : undefined }}>
                      {typeof v === 'number' ? v.toFixed(3) : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <div className="sf-field-error">Histograms unavailable: {error}</div>}
      {!file && <div className="muted">No separability.json file in this result.</div>}
      <div className="sf-hist-side">
      {classes.length > 0 && (
        <ClassLegend classes={classes} />
      )}
      <div className="sf-hist-grid">{data?.perFeature?.map((h) => <Histogram key={h.feature} h={h} />)}</div>
      </div>
      </div>
    </div>
  );
}
