/**
 * Experiments: every run of this graph (or of all graphs), read from the runner's disk so it survives reloads
 * and restarts: date, a name and note, duration, headline figures, what changed since the previous run.
 * Tick two runs to compare them; open a run's results, report, or its output files.
 */
import { useEffect, useState } from 'react';
import { describeChange } from '@sentiflow/protocol';
import { experiments, reportUrl, type HistoryItem } from '../api/experiments.ts';
import { showRunResults } from '../experiments/showRun.ts';
import { useApp, useGraph } from '../hooks.ts';
import { toast } from '../model/appState.ts';
import { formatDuration } from '../model/runState.ts';
import { CompareView, type CompareSide } from './CompareView.tsx';
import { RunOutputsView } from './RunOutputsView.tsx';
import './experiments.css';

const km2 = (v: number | null) => (v === null ? '—' : v < 10 ? v.toPrecision(3) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`);
const date = (iso: string) => {
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })}`;
};
const accuracy = (i: HistoryItem) => {
  const v = i.headline.accuracy.map((a) => a.accuracy * 100);
  if (!v.length) return '—';
  const [lo, hi] = [Math.min(...v), Math.max(...v)];
  return lo === hi ? `${lo.toFixed(1)} %` : `${lo.toFixed(1)}–${hi.toFixed(1)} %`;
};

function NameField({ item, onSaved }: { item: HistoryItem; onSaved(): void }) {
  const [name, setName] = useState(item.name);
  const [note, setNote] = useState(item.note);
  useEffect(() => {
    setName(item.name);
    setNote(item.note);
  }, [item.name, item.note]);
  const save = () => {
    if (name === item.name && note === item.note) return;
    experiments.saveNotes(item.runId, { name, note }).then(onSaved, (e: Error) => toast(`Cannot save the run's name: ${e.message}`, 'error'));
  };
  return (
    <div className="sf-run-name">
      <input data-testid={`run-name-${item.runId}`} value={name} placeholder="Name this run…" maxLength={120} onChange={(e) => setName(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()} />
      <input className="sf-run-note" data-testid={`run-note-${item.runId}`} value={note} placeholder="note" maxLength={10000} onChange={(e) => setNote(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()} />
    </div>
  );
}

export function HistoryView() {
  const graphName = useGraph((s) => s.doc.name);
  const runKey = useApp((s) => `${s.run?.runId}:${s.run?.status}`);
  const [all, setAll] = useState(false);
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [compare, setCompare] = useState<[CompareSide, CompareSide] | null>(null);
  const [filesOf, setFilesOf] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    experiments.history(all ? undefined : graphName).then((list) => live && setItems(list), (e: Error) => live && (setItems([]), toast(`Cannot load the run history: ${e.message}`, 'error')));
    return () => {
      live = false;
    };
  }, [all, graphName, runKey, reload]);

  if (compare) return <CompareView a={compare[0]} b={compare[1]} onClose={() => setCompare(null)} />;
  if (!items) return <div className="sf-empty">Loading the run history…</div>;

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const byId = new Map(items.map((i) => [i.runId, i]));
  const startCompare = () => {
    // Older run on the left: "what changed" then reads from A to B.
    const [a, b] = picked.map((id) => byId.get(id)!).sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    setCompare([{ runId: a.runId, suffix: '' }, { runId: b.runId, suffix: '' }]);
  };

  return (
    <div className="sf-history" data-testid="history-view">
      <div className="sf-history-bar">
        <div className="sf-segmented" role="group" aria-label="Which runs">
          <button className={!all ? 'active' : ''} data-testid="history-this-graph" onClick={() => setAll(false)}>
            This graph
          </button>
          <button className={all ? 'active' : ''} data-testid="history-all-graphs" onClick={() => setAll(true)}>
            All graphs
          </button>
        </div>
        <span className="muted">{items.length} run{items.length === 1 ? '' : 's'} · tick two to compare</span>
        <div className="sf-spacer" />
        <button className="primary" data-testid="compare-button" disabled={picked.length !== 2} onClick={startCompare}>
          Compare {picked.length === 2 ? 'the two runs' : `(${picked.length}/2)`}
        </button>
      </div>
      {!items.length && <div className="sf-empty">No runs of “{graphName}” yet. Press Run; every run is kept here, also after a reload.</div>}
      {items.length > 0 && (
        <table className="sf-table sf-history-table">
          <thead>
            <tr>
              <th />
              <th>when</th>
              <th>name / note</th>
              {all && <th>graph</th>}
              <th title="forest → ASGM, km²">km² lost</th>
              <th title="ASGM area change">ASGM Δ</th>
              <th title="overall accuracy of the evaluations (lowest–highest)">accuracy</th>
              <th>changed since the previous run</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.runId} data-testid={`history-row-${i.runId}`} data-run-id={i.runId} className={picked.includes(i.runId) ? 'picked' : ''}>
                <td>
                  <input type="checkbox" aria-label={`compare run ${i.name || i.runId}`} data-testid={`history-pick-${i.runId}`} checked={picked.includes(i.runId)} onChange={() => toggle(i.runId)} />
                </td>
                <td className="sf-nowrap">
                  {date(i.startedAt)}
                  <div className={`sf-status-${i.status}`}>
                    {i.status}
                    {i.duration === null ? '' : ` · ${formatDuration(i.duration)}`}
                  </div>
                </td>
                <td>
                  <NameField item={i} onSaved={() => setReload((n) => n + 1)} />
                  <div className="sf-row-actions">
                    <button className="sf-small" data-testid={`history-show-${i.runId}`} title="Show this run's results in the other tabs" onClick={() => void showRunResults(i.runId)}>
                      Show
                    </button>
                    <a className="sf-button sf-small" data-testid={`history-report-${i.runId}`} href={reportUrl(i.runId)} target="_blank" rel="noopener">
                      Report
                    </a>
                    {i.variants.map((v) => (
                      <button key={v} className="sf-small" data-testid={`history-variants-${i.runId}`} title={`Compare the original branch with its copy "${v}" computed in the same run`} onClick={() => setCompare([{ runId: i.runId, suffix: '' }, { runId: i.runId, suffix: v }])}>
                        Original vs {v.replace(/^_/, '')}
                      </button>
                    ))}
                    <button className="sf-small" data-testid={`history-files-${i.runId}`} onClick={() => setFilesOf(filesOf === i.runId ? null : i.runId)}>
                      Files
                    </button>
                  </div>
                </td>
                {all && <td>{i.graphName}</td>}
                <td data-testid="history-km2">{km2(i.headline.transitionKm2)}</td>
                <td className="sf-nowrap">{pct(i.headline.changePercent)}</td>
                <td className="sf-nowrap">{accuracy(i)}</td>
                <td className="sf-changes" data-testid="history-changes">
                  {i.previousRunId === null ? <span className="muted">first run</span> : i.changes.length ? i.changes.map((c) => <div key={`${c.nodeId}:${c.param ?? c.kind}`}>{describeChange(c)}</div>) : <span className="muted">nothing changed</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {filesOf && byId.get(filesOf) && <RunOutputsView item={byId.get(filesOf)!} onClose={() => setFilesOf(null)} />}
    </div>
  );
}
