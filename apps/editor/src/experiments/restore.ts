/**
 * After a reload the working graph comes back from the browser's autosave; this brings its results back too:
 * the newest run of a graph of that name is read from the runner, and every node whose inputs and params are
 * unchanged since that run shows that run's result (the others stay empty, as if never run).
 */
import { experiments } from '../api/experiments.ts';
import { currentGraph, runInfo } from '../controller.ts';
import { appStore } from '../model/appState.ts';
import { nodeKeys } from '../model/graphDoc.ts';
import type { GraphStore } from '../graph/store.ts';

async function restore(): Promise<void> {
  const graph = currentGraph();
  if (!graph?.nodes.length) return;
  const latest = (await experiments.history(graph.name)).find((i) => i.status !== 'running');
  if (!latest) return;
  const info = await runInfo(latest.runId);
  if (!info.graph) return;
  const s = appStore.get();
  // The person started working meanwhile (a run, results of their own, another graph opened): leave them alone.
  const current = currentGraph();
  if (s.run || Object.keys(s.results).length || !current || current.name !== graph.name) return;
  const now = nodeKeys(current);
  const then = nodeKeys(info.graph);
  const results = Object.fromEntries(
    Object.entries(info.nodes ?? {})
      .filter(([id, st]) => (st.status === 'done' || st.status === 'cached') && now[id] !== undefined && now[id] === then[id])
      .map(([id]) => [id, { runId: latest.runId, key: then[id] }]),
  );
  if (Object.keys(results).length) appStore.set({ results });
}

/** Waits for the first graph with nodes in `graph`, then restores its results once. */
export function restoreResultsAfterReload(graph: GraphStore): void {
  const unsubscribe = graph.subscribe(() => {
    if (!graph.get().doc.nodes.length) return;
    unsubscribe();
    // After the canvas has drawn what was opened.
    setTimeout(() => void restore().catch(() => undefined), 300);
  });
}
