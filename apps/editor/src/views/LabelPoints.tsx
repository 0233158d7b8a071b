/**
 * Label points: one sample point at a time with natural-colour chips around it (both years for a change) and
 * its NDVI time series; keys 1…n pick a class, ← → move. Every label is saved to the labels file in the data
 * root as soon as it is given, so closing the page loses nothing and reopening resumes at the first gap.
 */
import { useCallback, useEffect, useState } from 'react';

interface LabelPoint {
  id: string;
  pixel: { col: number; row: number } | null;
  reference: Record<string, string>;
}

interface LabelsInfo {
  grid: { width: number; height: number };
  design: 'map' | 'change';
  classes: string[];
  mapNames: string[];
  fields: string[];
  labelsFile: string;
  points: LabelPoint[];
  imagery: boolean[];
}

interface NdviSeries { map: string; dates: string[]; ndvi: (number | null)[] }

const CHIP = 33;
const SCALE = 6;
const base = (runId: string, nodeId: string) => `api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/labels`;
const done = (p: LabelPoint, fields: string[]) => fields.every((f) => (p.reference[f] ?? '') !== '');

function Chip({ url, pixel, grid, name }: { url: string; pixel: LabelPoint['pixel']; grid: LabelsInfo['grid']; name: string }) {
  // The server clamps the chip at the map's edges the same way, so the point is at (col - x0, row - y0).
  const size = Math.min(CHIP, grid.width, grid.height);
  const x0 = pixel ? Math.max(0, Math.min(grid.width - size, pixel.col - Math.floor(CHIP / 2))) : 0;
  const y0 = pixel ? Math.max(0, Math.min(grid.height - size, pixel.row - Math.floor(CHIP / 2))) : 0;
  const px = pixel ? (pixel.col - x0) * SCALE : 0, py = pixel ? (pixel.row - y0) * SCALE : 0;
  return (
    <figure style={{ margin: 0, position: 'relative', width: size * SCALE }}>
      <img src={url} alt={`natural colour ${name}`} width={size * SCALE} height={size * SCALE} style={{ imageRendering: 'pixelated', display: 'block' }} />
      <div style={{ position: 'absolute', left: px - 2, top: py - 2, width: SCALE + 4, height: SCALE + 4, border: '2px solid #ff2d55', boxSizing: 'border-box', pointerEvents: 'none' }} />
      <figcaption className="muted">{name}</figcaption>
    </figure>
  );
}

function NdviChart({ series }: { series: NdviSeries[] }) {
  const W = 320, H = 110, colors = ['#2ec4b6', '#ff9f1c'];
  const times = series.flatMap((s) => s.dates.map((d) => Date.parse(d)));
  if (times.length === 0) return <div className="muted">No NDVI time series (no Sentinel-2 series upstream).</div>;
  // Day of year on x so both years overlay.
  const doy = (d: string) => { const t = new Date(d); return (t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 864e5; };
  const x = (d: string) => 8 + (doy(d) / 366) * (W - 16), y = (v: number) => H - 12 - ((v + 0.2) / 1.2) * (H - 24);
  return (
    <svg width={W} height={H} data-testid="label-ndvi" style={{ background: '#11151c', borderRadius: 4 }}>
      <text x={4} y={12} fill="#9aa4b2" fontSize={10}>NDVI (day of year; gaps = cloud)</text>
      {[0, 0.5, 1].map((v) => (
        <g key={v}>
          <line x1={8} x2={W - 8} y1={y(v)} y2={y(v)} stroke="#2a313c" strokeDasharray="3 3" />
          <text x={W - 22} y={y(v) - 2} fill="#5c6673" fontSize={9}>{v}</text>
        </g>
      ))}
      {series.map((s, k) => (
        <g key={s.map}>
          <polyline fill="none" stroke={colors[k % 2]} strokeWidth={1.5}
            points={s.dates.map((d, i) => (s.ndvi[i] === null ? null : `${x(d)},${y(s.ndvi[i]!)}`)).filter(Boolean).join(' ')} />
          <text x={W - 90} y={12 + 12 * k} fill={colors[k % 2]} fontSize={10}>{s.map}</text>
        </g>
      ))}
    </svg>
  );
}

type PendingLabels = Record<string, Record<string, string>>;
const pendingKey = (runId: string, nodeId: string) => `sentiflow.pendingLabels:${runId}:${nodeId}`;

function readPending(runId: string, nodeId: string): PendingLabels {
  try {
    return (JSON.parse(localStorage.getItem(pendingKey(runId, nodeId)) ?? '{}') as PendingLabels) ?? {};
  } catch {
    return {};
  }
}

function writePending(runId: string, nodeId: string, pending: PendingLabels): void {
  try {
    if (Object.keys(pending).length) localStorage.setItem(pendingKey(runId, nodeId), JSON.stringify(pending));
    else localStorage.removeItem(pendingKey(runId, nodeId));
  } catch {
    /* storage full or disabled: the request itself still goes out */
  }
}

/** PUTs one point's label(s); once the server has them they leave the pending log (unless relabelled meanwhile). */
async function sendLabel(runId: string, nodeId: string, pointId: string, reference: Record<string, string>): Promise<void> {
  const r = await fetch(`${base(runId, nodeId)}/${encodeURIComponent(pointId)}`, {
    // keepalive: a label given just before the page is closed still reaches the server.
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference }), keepalive: true,
  });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error?.message ?? r.statusText);
  const pending = readPending(runId, nodeId);
  const mine = pending[pointId];
  if (mine) {
    for (const [k, v] of Object.entries(reference)) if (mine[k] === v) delete mine[k];
    if (!Object.keys(mine).length) delete pending[pointId];
    writePending(runId, nodeId, pending);
  }
}

export function LabelPoints({ runId, nodeId, title }: { runId: string; nodeId: string; title: string }) {
  const [info, setInfo] = useState<LabelsInfo | null>(null);
  const [index, setIndex] = useState(0);
  const [field, setField] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(0);
  const [ndvi, setNdvi] = useState<NdviSeries[]>([]);

  useEffect(() => {
    let live = true;
    fetch(base(runId, nodeId)).then(async (r) => {
      if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error ?? r.statusText);
      return r.json() as Promise<LabelsInfo>;
    }).then((d) => {
      if (!live) return;
      const pending = readPending(runId, nodeId);
      for (const p of d.points) if (pending[p.id]) p.reference = { ...p.reference, ...pending[p.id] };
      for (const [id, reference] of Object.entries(pending)) void sendLabel(runId, nodeId, id, reference).catch(() => undefined);
      setInfo(d);
      const first = d.points.findIndex((p) => !done(p, d.fields));
      setIndex(first < 0 ? 0 : first);
    }).catch((e: Error) => live && setError(`Cannot load the points: ${e.message}`));
    return () => { live = false; };
  }, [runId, nodeId]);

  const point = info?.points[index];
  useEffect(() => {
    if (!point) return;
    let live = true;
    fetch(`${base(runId, nodeId)}/${encodeURIComponent(point.id)}/ndvi`).then((r) => (r.ok ? r.json() : [])).then((s) => live && setNdvi(s as NdviSeries[])).catch(() => live && setNdvi([]));
    setField(info ? Math.max(0, info.fields.findIndex((f) => !point.reference[f])) : 0);
    return () => { live = false; };
  }, [runId, nodeId, point?.id]); // eslint-disable-line react-hooks/exhaustive-deps -- reload only when the point changes, not on every saved label

  const label = useCallback((cls: string) => {
    if (!info || !point) return;
    const key = info.fields[field];
    const reference = { [key]: cls };
    const updated = { ...point, reference: { ...point.reference, ...reference } };
    setInfo({ ...info, points: info.points.map((p, i) => (i === index ? updated : p)) });
    setSaving((n) => n + 1);
    // Each label is sent at once (not queued behind the previous answer), so the last key press before the page
    // closes is already on its way; it is also kept in localStorage until the server has it, and a label the
    // server never got is sent again when the points are opened next (a crash or a killed browser loses nothing).
    const pending = readPending(runId, nodeId);
    pending[point.id] = { ...pending[point.id], ...reference };
    writePending(runId, nodeId, pending);
    void sendLabel(runId, nodeId, point.id, reference)
      .then(() => setError(null))
      .catch((e: Error) => setError(`Label of point ${point.id} not saved: ${e.message}`))
      .finally(() => setSaving((n) => n - 1));
    if (field + 1 < info.fields.length && !updated.reference[info.fields[field + 1]]) setField(field + 1);
    else if (index + 1 < info.points.length) setIndex(index + 1);
  }, [info, point, field, index, runId, nodeId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (!info || (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable))) return;
      const k = Number(e.key);
      if (Number.isInteger(k) && k >= 1 && k <= info.classes.length) { e.preventDefault(); label(info.classes[k - 1]); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); setIndex((i) => Math.min(info.points.length - 1, i + 1)); }
      else if (e.key === 'ArrowLeft') { e.preventDefault(); setIndex((i) => Math.max(0, i - 1)); }
      else if (e.key === 'Tab' && info.fields.length > 1) { e.preventDefault(); setField((f) => (f + 1) % info.fields.length); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [info, label]);

  if (error && !info) return <div className="sf-empty" role="alert">{error}</div>;
  if (!info || !point) return <div className="sf-muted">Loading the points…</div>;
  const labelled = info.points.filter((p) => done(p, info.fields)).length;
  const chipUrl = (k: number) => `${base(runId, nodeId)}/${encodeURIComponent(point.id)}/chip.png?map=${k}&size=${CHIP}`;
  return (
    <div className="sf-card" data-testid="label-points" style={{ minWidth: 520 }}>
      <h4>{title} — label points</h4>
      <div data-testid="label-progress" data-labelled={labelled} data-total={info.points.length}>
        {labelled} / {info.points.length} labelled · point <b data-testid="label-point-id">{point.id}</b> ({index + 1} of {info.points.length})
        {saving > 0 ? <span className="muted"> · saving…</span> : <span className="muted" data-testid="label-saved"> · saved to {info.labelsFile}</span>}
      </div>
      {error && <div role="alert" style={{ color: '#ff6b6b' }}>{error}</div>}
      <div style={{ display: 'flex', gap: 12, margin: '8px 0', flexWrap: 'wrap' }}>
        {info.fields.map((_, k) => (info.imagery[k]
          ? <Chip key={k} url={chipUrl(k)} pixel={point.pixel} grid={info.grid} name={info.mapNames[k] ?? ''} />
          : <div key={k} className="muted">No natural-colour composite upstream of {info.mapNames[k] ?? 'the map'}.</div>))}
        <NdviChart series={ndvi} />
      </div>
      {info.fields.map((f, k) => (
        <div key={f} style={{ margin: '4px 0', outline: k === field ? '1px solid #4f9cf9' : undefined, padding: 4 }} data-testid={`label-field-${f}`} data-value={point.reference[f] ?? ''}>
          <span style={{ display: 'inline-block', width: 150 }}>{info.fields.length > 1 ? `${info.mapNames[k]}:` : 'Class:'}</span>
          {info.classes.map((c, i) => (
            <button key={c} className={point.reference[f] === c ? 'active' : ''} data-testid={`label-class-${k}-${c}`}
              onClick={() => { setField(k); label(c); }} style={{ marginRight: 4, fontWeight: point.reference[f] === c ? 700 : 400 }}>
              {i + 1} {c}
            </button>
          ))}
        </div>
      ))}
      <div className="muted" style={{ marginTop: 6 }}>
        Keys: 1–{info.classes.length} pick a class{info.fields.length > 1 ? ' (first year, then second; Tab switches)' : ''}, ← → move. Give the labels file to Area estimate.
      </div>
    </div>
  );
}
