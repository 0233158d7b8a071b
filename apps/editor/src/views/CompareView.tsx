/**
 * Two runs (or the original and a variant branch of one run) side by side: what changed, headline figures and
 * class areas with differences, the two class maps with swipe, a map of where they disagree, accuracy cards.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { Change, Metrics } from '../../../../packages/nodes/src/values.ts';
import { describeChange, diffGraphs, headlineOf, type GraphChange, type Headline } from '@sentiflow/protocol';
import { compareMapUrl, experiments, tableUrl, type ClassCompare } from '../api/experiments.ts';
import type { RunInfo, RunNodeState } from '../api/types.ts';
import { runInfo } from '../controller.ts';
import type { MapLayerOption } from '../model/results.ts';
import { ChangeTable } from './ChangeTable.tsx';
import { MetricsView } from './MetricsView.tsx';

const MapView = lazy(() => import('./MapView.tsx').then((m) => ({ default: m.MapView })));

export interface CompareSide {
  runId: string;
  /** '' for the run's own nodes; '_v2' for the variant copies made by the variants helper. */
  suffix: string;
}

interface Loaded {
  side: CompareSide;
  info: RunInfo & { startedAt?: string };
  /** Node states by the id of the original node. */
  nodes: Record<string, RunNodeState>;
  idOf(base: string): string;
  label(base: string): string;
}

const VARIANT = /_v\d+$/;

function load(side: CompareSide, info: RunInfo): Loaded {
  const ids = new Set(Object.keys(info.nodes ?? {}));
  const idOf = (base: string) => (side.suffix && ids.has(base + side.suffix) ? base + side.suffix : base);
  const bases = (info.graph?.nodes ?? []).map((n) => n.id).filter((id) => !VARIANT.test(id));
  const nodes = Object.fromEntries(bases.filter((b) => info.nodes?.[idOf(b)]).map((b) => [b, info.nodes[idOf(b)]]));
  const label = (base: string) => info.graph?.nodes.find((n) => n.id === idOf(base))?.label || idOf(base);
  return { side, info, nodes, idOf, label };
}

const ofKind = <T,>(s: RunNodeState | undefined, kind: string) => Object.values(s?.outputs ?? {}).find((v) => (v as { kind?: string } | null)?.kind === kind) as T | undefined;
const km2 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) < 10 ? v.toPrecision(3) : v.toFixed(1));
const signed = (v: number | null, f: (x: number) => string) => (v === null || !Number.isFinite(v) ? '—' : `${v > 0 ? '+' : ''}${f(v)}`);
// Float noise (2.80 − 2.80 = −4e-16) is no difference.
const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.abs(b - a) < 1e-9 ? 0 : b - a);

/** Params that differ between each original node and its variant copy, described like run changes. */
function variantChanges(info: RunInfo, suffix: string): GraphChange[] {
  const g = info.graph;
  if (!g) return [];
  const before = { ...g, nodes: g.nodes.filter((n) => g.nodes.some((m) => m.id === n.id + suffix)) };
  const after = { ...g, nodes: before.nodes.map((n) => ({ ...g.nodes.find((m) => m.id === n.id + suffix)!, id: n.id, label: n.label })) };
  return diffGraphs({ ...before, links: [] }, { ...after, links: [] });
}

function HeadlineTable({ a, ha, hb }: { a: Loaded; ha: Headline; hb: Headline }) {
  const rows: [string, number | null, number | null, (v: number) => string][] = [
    [`${ha.from ?? 'forest'} → ${ha.to ?? 'asgm'} (km²)`, ha.transitionKm2, hb.transitionKm2, km2],
    [`${ha.to ?? 'asgm'} area change (%)`, ha.changePercent, hb.changePercent, (v) => `${v.toFixed(1)} %`],
  ];
  for (const acc of ha.accuracy) {
    const other = hb.accuracy.find((x) => x.nodeId === acc.nodeId);
    rows.push([`accuracy, ${a.label(acc.nodeId)}`, acc.accuracy * 100, other ? other.accuracy * 100 : null, (v) => `${v.toFixed(1)} %`]);
  }
  for (const est of ha.areaEstimates) {
    const other = hb.areaEstimates.find((x) => x.nodeId === est.nodeId && x.className === est.className);
    rows.push([`error-adjusted area${est.className ? ` of ${est.className}` : ''} (km²)`, est.areaKm2, other?.areaKm2 ?? null, km2]);
  }
  return (
    <table className="sf-table" data-testid="compare-headline">
      <thead>
        <tr>
          <th />
          <th>A</th>
          <th>B</th>
          <th>B − A</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, x, y, f]) => {
          const d = delta(x, y);
          return (
            <tr key={label}>
              <th>{label}</th>
              <td>{x === null ? '—' : f(x)}</td>
              <td>{y === null ? '—' : f(y)}</td>
              <td className={d ? (d > 0 ? 'pos' : 'neg') : ''}>{signed(d, f)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AreasTable({ ca, cb }: { ca: Change; cb: Change }) {
  const names = [...new Set([...Object.keys(ca.areaAfterKm2), ...Object.keys(cb.areaAfterKm2), ...Object.keys(ca.areaBeforeKm2)])];
  return (
    <table className="sf-table" data-testid="compare-areas">
      <thead>
        <tr>
          <th>class (km²)</th>
          <th>A before</th>
          <th>A after</th>
          <th>B before</th>
          <th>B after</th>
          <th>after, B − A</th>
        </tr>
      </thead>
      <tbody>
        {names.map((c) => {
          const d = delta(ca.areaAfterKm2[c] ?? 0, cb.areaAfterKm2[c] ?? 0);
          return (
            <tr key={c}>
              <th>{c}</th>
              <td>{km2(ca.areaBeforeKm2[c] ?? 0)}</td>
              <td>{km2(ca.areaAfterKm2[c] ?? 0)}</td>
              <td>{km2(cb.areaBeforeKm2[c] ?? 0)}</td>
              <td>{km2(cb.areaAfterKm2[c] ?? 0)}</td>
              <td className={d ? (d > 0 ? 'pos' : 'neg') : ''}>{signed(d, km2)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** B − A of the transition matrices (km²), matched by label so class order does not matter. */
function TransitionsDelta({ ca, cb }: { ca: Change; cb: Change }) {
  const la = ca.labels ?? ca.classes;
  const lb = cb.labels ?? cb.classes;
  const labels = [...new Set([...la, ...lb])];
  const at = (c: Change, l: string[], i: string, j: string) => c.transitionKm2[l.indexOf(i)]?.[l.indexOf(j)] ?? 0;
  return (
    <table className="sf-table" data-testid="compare-transitions">
      <thead>
        <tr>
          <th>B − A (km²) from ↓ to →</th>
          {labels.map((l) => (
            <th key={l}>{l}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((i) => (
          <tr key={i}>
            <th>{i}</th>
            {labels.map((j) => {
              const d = delta(at(ca, la, i, j), at(cb, lb, i, j));
              return (
                <td key={j} className={d ? (d > 0 ? 'pos' : 'neg') : ''}>
                  {signed(d, km2)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ClassMapsCompare({ a, b }: { a: Loaded; b: Loaded }) {
  const bases = Object.keys(a.nodes).filter((id) => ofKind(a.nodes[id], 'ClassMap') && ofKind(b.nodes[id], 'ClassMap'));
  const [base, setBase] = useState(bases.at(-1) ?? '');
  const [stats, setStats] = useState<ClassCompare | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = base ? { a: a.side.runId, nodeA: a.idOf(base), b: b.side.runId, nodeB: b.idOf(base) } : null;
  useEffect(() => {
    setStats(null);
    setError(null);
    if (q) experiments.compareClasses(q).then(setStats, (e: Error) => setError(e.message));
  }, [q?.a, q?.nodeA, q?.b, q?.nodeB]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the compared runs and nodes, not the objects rebuilt each render
  const layers: MapLayerOption[] = useMemo(() => {
    if (!q) return [];
    const grid = (ofKind<{ grid: { width: number; height: number } }>(a.nodes[base], 'ClassMap'))?.grid;
    return [
      { key: `A:${q.a}:${q.nodeA}`, runId: q.a, nodeId: q.nodeA, layer: 'classes', label: `A — ${a.label(base)}`, width: grid?.width, height: grid?.height, legend: true },
      { key: `B:${q.b}:${q.nodeB}`, runId: q.b, nodeId: q.nodeB, layer: 'classes', label: `B — ${b.label(base)}`, width: grid?.width, height: grid?.height, legend: true },
    ];
  }, [q?.a, q?.nodeA, q?.b, q?.nodeB]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the compared runs and nodes, not the objects rebuilt each render
  if (!q) return <div className="sf-empty">The two runs have no class map in common.</div>;
  return (
    <div className="sf-compare-maps">
      <div className="sf-compare-map-main">
        <label>
          Class map{' '}
          <select data-testid="compare-map-node" value={base} onChange={(e) => setBase(e.target.value)}>
            {bases.map((id) => (
              <option key={id} value={id}>
                {a.label(id)}
              </option>
            ))}
          </select>
        </label>
        <Suspense fallback={<div className="sf-muted">Loading the map…</div>}>
          <MapView key={base} layers={layers} initialMode="swipe" />
        </Suspense>
      </div>
      <div className="sf-card sf-diffmap" data-testid="compare-diffmap">
        <h4>Where A and B differ</h4>
        <img src={compareMapUrl(q, 512)} alt="difference map" data-testid="compare-diffmap-img" />
        {error && <div className="sf-error">{error}</div>}
        {stats && (
          <>
            <div data-testid="compare-agree">
              {stats.agreePercent === null ? '—' : `${stats.agreePercent.toFixed(2)} %`} of pixels agree; {km2(stats.differKm2)} km² differ
            </div>
            <div className="sf-legend">
              {stats.legend.map((e) => (
                <span key={e.label}>
                  <i style={{ background: e.color }} /> {e.label}
                </span>
              ))}
            </div>
          </>
        )}
      </div>
    </div>
  );
}

export function CompareView({ a, b, onClose }: { a: CompareSide; b: CompareSide; onClose(): void }) {
  const [loaded, setLoaded] = useState<[Loaded, Loaded] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tall, setTall] = useState(true);
  useEffect(() => {
    Promise.all([runInfo(a.runId), runInfo(b.runId)]).then(([x, y]) => setLoaded([load(a, x), load(b, y)]), (e: Error) => setError(e.message));
  }, [a.runId, a.suffix, b.runId, b.suffix]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the two runs, not the side objects
  if (error) return <div className="sf-empty">Cannot load the runs: {error}</div>;
  if (!loaded) return <div className="sf-empty">Loading the two runs…</div>;
  const [A, B] = loaded;
  const order = Object.keys(A.nodes);
  const ha = headlineOf(A.nodes, order);
  const hb = headlineOf(B.nodes, order);
  const changes = a.runId === b.runId ? variantChanges(A.info, b.suffix) : diffGraphs(A.info.graph, B.info.graph);
  const ca = ha.changeNodeId ? ofKind<Change>(A.nodes[ha.changeNodeId], 'Change') : undefined;
  const cb = ha.changeNodeId ? ofKind<Change>(B.nodes[ha.changeNodeId], 'Change') : undefined;
  const metrics = order.filter((id) => ofKind(A.nodes[id], 'Metrics') || ofKind(B.nodes[id], 'Metrics'));
  const name = (s: Loaded) => `${s.side.runId}${s.side.suffix ? ` (${s.side.suffix.replace(/^_/, '')})` : ''}`;
  return (
    <div className={`sf-compare ${tall ? 'sf-compare-tall' : ''}`} data-testid="compare-view">
      <div className="sf-history-bar">
        <button className="sf-small" data-testid="compare-back" onClick={onClose}>
          ← Runs
        </button>
        <b>
          A: {name(A)} · B: {name(B)}
        </b>
        <div className="sf-spacer" />
        <button className="sf-small" onClick={() => setTall(!tall)} title="Give the comparison most of the window, or give the canvas its room back">
          {tall ? 'Smaller' : 'Larger'}
        </button>
      </div>
      <div className="sf-cards">
        <div className="sf-card">
          <h4>What changed from A to B</h4>
          <ul data-testid="compare-changes">
            {changes.length ? changes.map((c) => <li key={`${c.nodeId}:${c.param ?? c.kind}`}>{describeChange(c)}</li>) : <li className="muted">the graphs are the same</li>}
          </ul>
          <HeadlineTable a={A} ha={ha} hb={hb} />
        </div>
        {ca && cb && (
          <div className="sf-card">
            <h4>Class areas</h4>
            <AreasTable ca={ca} cb={cb} />
            <TransitionsDelta ca={ca} cb={cb} />
            <div className="sf-downloads">
              CSV: <a href={tableUrl(a.runId, A.idOf(ha.changeNodeId!), 'areas')} download>A areas</a> · <a href={tableUrl(b.runId, B.idOf(ha.changeNodeId!), 'areas')} download>B areas</a> ·{' '}
              <a href={tableUrl(a.runId, A.idOf(ha.changeNodeId!), 'transitions')} download>A transitions</a> · <a href={tableUrl(b.runId, B.idOf(ha.changeNodeId!), 'transitions')} download>B transitions</a>
            </div>
          </div>
        )}
      </div>
      <ClassMapsCompare a={A} b={B} />
      <div className="sf-cards">
        {ca && <ChangeTable change={ca} title={`A — ${A.label(ha.changeNodeId!)}`} />}
        {cb && <ChangeTable change={cb} title={`B — ${B.label(ha.changeNodeId!)}`} />}
      </div>
      <div className="sf-cards" data-testid="compare-accuracy">
        {metrics.map((id) => (
          <div className="sf-compare-pair" key={id}>
            {(['A', 'B'] as const).map((k) => {
              const s = k === 'A' ? A : B;
              const m = ofKind<Metrics>(s.nodes[id], 'Metrics');
              return m ? <MetricsView key={k} metrics={m} title={`${k} — ${s.label(id)}`} /> : <div key={k} className="sf-card muted">{k}: no result</div>;
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
