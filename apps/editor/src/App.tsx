import { useEffect, useState } from 'react';
import { api } from './api/client.ts';
import { appStore } from './model/appState.ts';
import { useApp } from './hooks.ts';
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
  const catalog = useApp((s) => s.catalog);
  const resultsOpen = useApp((s) => s.resultsOpen);

  useEffect(() => {
    api
      .catalog()
      .then((catalog) => appStore.set({ catalog }))
      .catch((e: Error) => setError(`Cannot reach the runner: ${e.message}`));
  }, []);

  if (error) return <div className="sf-fatal" data-testid="fatal">{error}</div>;
  if (!catalog.length) return <div className="sf-fatal">Loading the node catalogue…</div>;
  return (
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
  );
}
