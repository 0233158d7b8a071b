/**
 * Bottom panel with result views: change (the headline), map, metrics, decision tree, separability, labels,
 * summaries, experiments. A finished run opens on the tab with its headline figures: the change when there is
 * one, else the accuracy, else the map.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { useApp } from '../hooks.ts';
import { appStore } from '../model/appState.ts';
import { mapLayers, outputsOfKind, unavailableLayers } from '../model/results.ts';
import type { Change, DecisionTreeNode, Metrics } from '../../../../packages/nodes/src/values.ts';
import { useNodeResults } from './useResults.ts';
import { MetricsView } from './MetricsView.tsx';
import { ChangeTable } from './ChangeTable.tsx';
import { TreeView } from './TreeView.tsx';
import { SeparabilityView } from './SeparabilityView.tsx';
import { LabelPoints } from './LabelPoints.tsx';
import { areaEstimateOf } from '../model/areaReport.ts';
import { HistoryView } from './HistoryView.tsx';

// deck.gl is most of the bundle: loaded when a map is first shown, not with the editor.
const MapView = lazy(() => import('./MapView.tsx').then((m) => ({ default: m.MapView })));

type Tab = 'map' | 'metrics' | 'change' | 'tree' | 'separability' | 'labels' | 'summary' | 'experiments';

export function ResultsPanel() {
  const [chosen, setTab] = useState<Tab | null>(null);
  const focus = useApp((s) => s.resultsNodeId);
  const finishedRun = useApp((s) => (s.run?.status === 'done' ? s.run.runId : null));
  // Each finished run shows its headline first, whatever tab was open before.
  useEffect(() => {
    if (finishedRun) setTab(null);
  }, [finishedRun]);
  const { results, loading } = useNodeResults();
  const metrics = results.flatMap((r) => outputsOfKind(r, 'Metrics').map((m) => ({ r, m: m as unknown as Metrics })));
  const changes = results.flatMap((r) => outputsOfKind(r, 'Change').map((c) => ({ r, c: c as unknown as Change })));
  const treeOf = (r: (typeof results)[number]) => (r.state.summary?.tree ?? r.state.summary?.nodes) as DecisionTreeNode[] | undefined;
  const trees = results.filter((r) => Array.isArray(treeOf(r)));
  const seps = results.filter((r) => r.type === 'samples.separability' || r.state.files?.some((f) => f.endsWith('separability.json')));
  const samples = results.filter((r) => r.type.startsWith('validation.sample') && outputsOfKind(r, 'Points').length > 0);
  const catalog = useApp((s) => s.catalog);
  const layers = mapLayers(results, catalog);
  const tab: Tab = chosen ?? (changes.length ? 'change' : metrics.length ? 'metrics' : 'map');
  const tabs: [Tab, string, number][] = [
    ['change', 'Change', changes.length],
    ['map', 'Map', layers.length],
    ['metrics', 'Metrics', metrics.length],
    ['tree', 'Decision tree', trees.length],
    ['separability', 'Separability', seps.length],
    ['labels', 'Label points', samples.length],
    ['summary', 'Summaries', results.length],
    ['experiments', 'Experiments', 0],
  ];
  const first = <T extends { r: { nodeId: string } }>(list: T[]) => (focus ? [...list].sort((a, b) => Number(b.r.nodeId === focus) - Number(a.r.nodeId === focus)) : list);
  return (
    <section className="sf-results" data-testid="results-panel">
      <div className="sf-tabs">
        {tabs.map(([t, label, n]) => (
          <button key={t} className={tab === t ? 'active' : ''} data-testid={`results-tab-${t}`} onClick={() => setTab(t)}>
            {label}
            {n > 0 && <span className="sf-count">{n}</span>}
          </button>
        ))}
        <div className="sf-spacer" />
        {loading && <span className="muted">loading…</span>}
        <button className="sf-small" data-testid="results-close" onClick={() => appStore.set({ resultsOpen: false })}>
          ✕
        </button>
      </div>
      <div className="sf-results-body">
        {tab === 'map' && (
          <Suspense fallback={<div className="sf-muted">Loading the map…</div>}>
            <MapView layers={layers} unavailable={unavailableLayers(results, catalog)} />
          </Suspense>
        )}
        {tab === 'metrics' && (
          <div className="sf-cards">
            {first(metrics.map((x) => ({ ...x }))).map(({ r, m }) => (
              <MetricsView key={r.nodeId} metrics={m} title={r.label} />
            ))}
            {!metrics.length && <div className="sf-empty">No metrics yet (add a Model → Evaluate node).</div>}
          </div>
        )}
        {tab === 'change' && (
          <div className="sf-cards">
            {changes.map(({ r, c }) => (
              <ChangeTable key={r.nodeId} change={c} title={r.label} area={(from, to) => areaEstimateOf(results, from, to)} />
            ))}
            {!changes.length && <div className="sf-empty">No change results yet.</div>}
          </div>
        )}
        {tab === 'tree' && (
          <div className="sf-cards">
            {trees.map((r) => (
              <TreeView
                key={r.nodeId}
                title={r.label}
                nodes={treeOf(r)!}
                features={(r.state.summary!.features as string[]) ?? (outputsOfKind(r, 'Model')[0]?.features as string[]) ?? []}
                classes={(r.state.summary!.classes as string[]) ?? (outputsOfKind(r, 'Model')[0]?.classes as string[]) ?? []}
              />
            ))}
            {!trees.length && <div className="sf-empty">No decision tree yet.</div>}
          </div>
        )}
        {tab === 'separability' && (
          <div className="sf-cards">
            {seps.map((r) => (
              <SeparabilityView key={r.nodeId} result={r} />
            ))}
            {!seps.length && <div className="sf-empty">No separability results yet.</div>}
          </div>
        )}
        {tab === 'labels' && (
          <div className="sf-cards">
            {samples.map((r) => <LabelPoints key={`${r.runId}:${r.nodeId}`} runId={r.runId} nodeId={r.nodeId} title={r.label} />)}
            {!samples.length && <div className="sf-empty">No sample points yet (add Sample points after a class map and run it).</div>}
          </div>
        )}
        {tab === 'experiments' && <HistoryView />}
        {tab === 'summary' && (
          <div className="sf-cards">
            {results.map((r) => (
              <div className="sf-card sf-summary" key={r.nodeId} data-testid={`summary-${r.nodeId}`}>
                <h4>
                  {r.label} <span className="muted">({r.state.status})</span>
                </h4>
                <pre>{JSON.stringify(r.state.summary ?? {}, (k, v) => ((k === 'nodes' || k === 'tree') && Array.isArray(v) ? `[${v.length} tree nodes]` : v), 2)}</pre>
              </div>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}
