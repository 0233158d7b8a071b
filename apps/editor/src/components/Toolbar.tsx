/** Top bar: graph name, file actions, examples, editing actions, run controls and run status. */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { ExampleInfo } from '../api/types.ts';
import { useApp, useGraph, useGraphStore } from '../hooks.ts';
import { appStore } from '../model/appState.ts';
import { formatDuration } from '../model/runState.ts';
import { cancelRun, getView, openExample, openFile, startRun } from '../controller.ts';
import { newGraph, redo, save, undo } from '../docActions.ts';
import { setMeta } from '../graph/commands.ts';
import { RunProgress } from './RunProgress.tsx';
import { VariantButton } from './VariantDialog.tsx';

function ExamplesMenu() {
  const [open, setOpen] = useState(false);
  const [examples, setExamples] = useState<ExampleInfo[] | null>(null);
  useEffect(() => {
    if (open && !examples) api.examples().then(setExamples, () => setExamples([]));
  }, [open, examples]);
  return (
    <div className="sf-menu">
      <button data-testid="examples-button" onClick={() => setOpen(!open)}>
        Examples ▾
      </button>
      {open && (
        <div className="sf-menu-list" data-testid="examples-menu" onMouseLeave={() => setOpen(false)}>
          {!examples && <div className="sf-menu-item muted">Loading…</div>}
          {examples?.length === 0 && <div className="sf-menu-item muted">No examples</div>}
          {examples?.map((ex) => (
            <button
              key={ex.file}
              className="sf-menu-item"
              data-testid={`example-${ex.file}`}
              onClick={() => {
                setOpen(false);
                void openExample(ex.file);
              }}
            >
              <b>{ex.name}</b>
              {ex.description && <span>{ex.description}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function RunStatus() {
  const run = useApp((s) => s.run);
  const problems = useApp((s) => s.problems.length);
  if (!run) return <span className="sf-run-status" data-testid="run-status" data-status="idle">{problems ? `${problems} problem${problems > 1 ? 's' : ''}` : 'Ready'}</span>;
  const nodes = Object.values(run.nodes);
  const finished = nodes.filter((n) => n.status === 'done' || n.status === 'cached').length;
  const text =
    run.status === 'running'
      ? `Running… ${finished}/${nodes.length} nodes`
      : run.status === 'done'
        ? `Done in ${formatDuration(run.duration)} · ${nodes.filter((n) => n.status === 'cached').length} cached`
        : run.status === 'failed'
          ? 'Run failed'
          : 'Cancelled';
  return (
    <span className={`sf-run-status sf-run-${run.status}`} data-testid="run-status" data-status={run.status} data-run-id={run.runId}>
      {text}
    </span>
  );
}

export function Toolbar() {
  const store = useGraphStore();
  const name = useGraph((s) => s.doc.name);
  const running = useApp((s) => s.run?.status === 'running');
  const resultsOpen = useApp((s) => s.resultsOpen);
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <header className="sf-toolbar">
      <div className="sf-brand">
        <span className="sf-logo">◆</span> Sentiflow
      </div>
      <input className="sf-graph-name" data-testid="graph-name" value={name} onChange={(e) => store.apply(setMeta({ name: e.target.value }), { merge: 'name' })} aria-label="Graph name" />
      <div className="sf-group">
        <button data-testid="new-button" onClick={() => void newGraph()} title="Start an empty graph (asks first if there are unsaved changes; Undo brings the old one back)">
          New
        </button>
        <button data-testid="open-button" onClick={() => fileInput.current?.click()} title="Open a graph JSON file (or drop it on the canvas)">
          Open
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="open-file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openFile(f);
            e.target.value = '';
          }}
        />
        <button data-testid="save-button" onClick={save} title="Download the graph as JSON (Ctrl+S)">
          Save
        </button>
        <ExamplesMenu />
      </div>
      <div className="sf-group">
        <button data-testid="undo-button" onClick={undo} title="Undo (Ctrl+Z); also brings back a graph replaced by New, Open or an example">
          ↶ Undo
        </button>
        <button data-testid="redo-button" onClick={redo} title="Redo (Ctrl+Y)">
          ↷ Redo
        </button>
        <button data-testid="arrange-button" onClick={() => void getView()?.arrange()} title="Auto-arrange (ELK layered)">
          Arrange
        </button>
        <button data-testid="fit-button" onClick={() => void getView()?.zoomToFit()} title="Zoom to fit">
          Fit
        </button>
      </div>
      <div className="sf-group sf-run-group">
        <button className="primary" data-testid="run-button" disabled={running} onClick={() => void startRun()}>
          ▶ Run
        </button>
        <button className="danger" data-testid="cancel-button" disabled={!running} onClick={() => void cancelRun()}>
          ■ Cancel
        </button>
        <VariantButton />
        <RunStatus />
        <RunProgress />
      </div>
      <div className="sf-spacer" />
      <button data-testid="results-toggle" className={resultsOpen ? 'active' : ''} onClick={() => appStore.set({ resultsOpen: !resultsOpen })}>
        Results
      </button>
    </header>
  );
}
