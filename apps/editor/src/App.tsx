import { useEffect, useState } from 'react';
import { api } from './api/client.ts';
import { appStore } from './model/appState.ts';
import { GraphContext, useApp } from './hooks.ts';
import { createGraphStore, type GraphStore } from './graph/store.ts';
import { autosavedGraph, connectGraph, openGraph } from './controller.ts';
import { restoreResultsAfterReload } from './experiments/restore.ts';
import { Toolbar } from './components/Toolbar.tsx';
import { Palette } from './components/Palette.tsx';
import { EditorCanvas } from './components/EditorCanvas.tsx';
import { Inspector } from './components/Inspector.tsx';
import { Toasts } from './components/Toasts.tsx';
import { ResultsPanel } from './views/ResultsPanel.tsx';
import { Splitter } from './components/Panels.tsx';
import { Shortcuts } from './components/Shortcuts.tsx';
import { RelocateBanner } from './components/NodeHelpers.tsx';

export function App() {
  const [error, setError] = useState<string | null>(null);
  const [graph, setGraph] = useState<GraphStore | null>(null);
  const resultsOpen = useApp((s) => s.resultsOpen);

  // The graph store is made once the catalogue is known (it checks links against socket types); the autosaved
  // graph comes back into it without an undo step, and its results from the runner's history.
  useEffect(() => {
    let disconnect = () => {};
    let live = true;
    api
      .catalog()
      .then((catalog) => {
        if (!live) return;
        appStore.set({ catalog });
        const store = createGraphStore(catalog);
        disconnect = connectGraph(store);
        restoreResultsAfterReload(store);
        const saved = autosavedGraph();
        if (saved) void openGraph(saved, { record: false });
        setGraph(store);
      })
      .catch((e: Error) => setError(`Cannot reach the runner: ${e.message}`));
    return () => {
      live = false;
      disconnect();
    };
  }, []);

  if (error) return <div className="sf-fatal" data-testid="fatal">{error}</div>;
  if (!graph) return <div className="sf-fatal">Loading the node catalogue…</div>;
  return (
    <GraphContext.Provider value={graph}>
      <div className={`sf-app ${resultsOpen ? 'with-results' : ''}`}>
        <Toolbar />
        <div className="sf-main">
          <Palette />
          <Splitter panel="palette" />
          <div className="sf-center">
            <RelocateBanner />
            <EditorCanvas />
            {resultsOpen && <Splitter panel="results" />}
            {resultsOpen && <ResultsPanel />}
          </div>
          <Splitter panel="inspector" />
          <Inspector />
        </div>
        <Toasts />
        <Shortcuts />
      </div>
    </GraphContext.Provider>
  );
}
