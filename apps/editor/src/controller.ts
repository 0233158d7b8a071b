/**
 * Application logic between the UI, the graph store, the canvas and the runner: open/save, validate, run,
 * cancel, event stream → run state, staleness, autosave. No React here. The graph store is created when the app
 * starts and connected here (connectGraph); the graph's own behaviour lives in graph/ and is tested headlessly.
 */
import { api } from './api/client.ts';
import { subscribeRun, type EventSubscription } from './api/events.ts';
import type { Graph, RunInfo } from './api/types.ts';
import { appStore, toast } from './model/appState.ts';
import { nodeKeys, parseGraphText, serializeGraph, staleNodes } from './model/graphDoc.ts';
import { applyEvent, initialRunState } from './model/runState.ts';
import type { CanvasView } from './rete/editor.ts';
import type { GraphStore } from './graph/store.ts';
import { loadGraph } from './graph/commands.ts';
import { replaceGraph } from './docActions.ts';

let graph: GraphStore | null = null;
let view: CanvasView | null = null;
let subscription: EventSubscription | null = null;
let validateTimer: ReturnType<typeof setTimeout> | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
const runInfos = new Map<string, Promise<RunInfo>>();
const AUTOSAVE_KEY = 'sentiflow.graph';

/**
 * Makes `store` the working graph: every change recomputes staleness and is validated and autosaved (debounced);
 * opening another document (or undoing back to one) drops the run state, which belonged to the other one.
 */
export function connectGraph(store: GraphStore): () => void {
  graph = store;
  let doc = store.get().doc;
  const unsubscribe = store.subscribe(() => {
    const next = store.get().doc;
    if (next === doc) return;
    const opened = next.generation !== doc.generation;
    doc = next;
    if (opened) appStore.set({ results: {}, run: null, stale: new Set(), problems: [] });
    graphChanged();
  });
  return () => {
    unsubscribe();
    clearTimeout(validateTimer);
    clearTimeout(saveTimer);
    if (graph === store) graph = null;
  };
}

export function graphStore(): GraphStore | null {
  return graph;
}

export function attachView(canvas: CanvasView | null): void {
  view = canvas;
}

export function getView(): CanvasView | null {
  return view;
}

export function currentGraph(): Graph | null {
  return graph?.toGraph() ?? null;
}

function recomputeStale(): void {
  const graph = currentGraph();
  if (!graph) return;
  const { results } = appStore.get();
  const runKeys = Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.key]));
  appStore.set({ stale: staleNodes(graph, runKeys, (id) => results[id] !== undefined) });
}

function graphChanged(): void {
  recomputeStale();
  clearTimeout(validateTimer);
  validateTimer = setTimeout(() => void validateNow(), 350);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const g = currentGraph();
    if (g) localStorage.setItem(AUTOSAVE_KEY, JSON.stringify(g));
  }, 500);
}

export async function validateNow(): Promise<void> {
  const graph = currentGraph();
  if (!graph) return;
  try {
    const { problems } = await api.validate(graph);
    appStore.set({ problems: problems ?? [] });
  } catch (e) {
    console.warn('validate failed', e);
  }
}

/** Opens a graph as the working document (an undo step unless `record` is false, e.g. the autosave at start). */
export async function openGraph(next: Graph, options: { record?: boolean } = {}): Promise<void> {
  if (!graph) return;
  graph.apply(loadGraph(next), { record: options.record });
  const unknown = next.nodes.filter((n) => !graph!.entries.has(n.type));
  if (unknown.length) toast(`Unknown node type${unknown.length > 1 ? 's' : ''}: ${unknown.map((n) => `${n.id} (${n.type})`).join(', ')}`, 'error');
  await view?.rendered();
}

export async function openFile(file: File): Promise<void> {
  try {
    const graph = parseGraphText(await file.text());
    if (await replaceGraph(graph, `Opening ${file.name}`)) toast(`Opened ${file.name}`, 'success', 2500);
  } catch (e) {
    toast(`Cannot open ${file.name}: ${(e as Error).message}`, 'error');
  }
}

export async function openExample(file: string): Promise<void> {
  try {
    const graph = await api.example(file);
    await replaceGraph(graph, `The example “${graph.name ?? file}”`);
  } catch (e) {
    toast(`Cannot load example ${file}: ${(e as Error).message}`, 'error');
  }
}

export function autosavedGraph(): Graph | null {
  try {
    const text = localStorage.getItem(AUTOSAVE_KEY);
    return text ? parseGraphText(text) : null;
  } catch {
    return null;
  }
}

export function saveGraph(): void {
  const graph = currentGraph();
  if (!graph) return;
  const blob = new Blob([serializeGraph(graph)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${(graph.name || 'graph').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'graph'}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export async function startRun(upTo?: string): Promise<void> {
  const graph = currentGraph();
  if (!graph) return;
  if (appStore.get().run?.status === 'running') {
    toast('A run is already in progress.', 'info');
    return;
  }
  const keys = nodeKeys(graph);
  let res: { runId?: string; problems?: import('./api/types.ts').Problem[] };
  try {
    res = await api.startRun(graph, upTo);
  } catch (e) {
    toast(`Run failed to start: ${(e as Error).message}`, 'error');
    return;
  }
  if (!res.runId) {
    const problems = res.problems ?? [];
    appStore.set({ problems });
    toast(`The graph has ${problems.length} problem${problems.length === 1 ? '' : 's'}; see the marked nodes.`, 'error');
    return;
  }
  const runId = res.runId;
  subscription?.close();
  appStore.set({ run: initialRunState(runId) });
  subscription = subscribeRun(
    runId,
    (event) => {
      const s = appStore.get();
      if (!s.run || s.run.runId !== runId) return;
      const run = applyEvent(s.run, event);
      const results = { ...s.results };
      if (event.type === 'node.finished' || event.type === 'node.cached') results[event.nodeId] = { runId, key: keys[event.nodeId] };
      if (event.type === 'node.started' || event.type === 'node.failed') delete results[event.nodeId];
      appStore.set({ run, results });
      if (event.type === 'node.finished' || event.type === 'node.cached' || event.type === 'node.failed') recomputeStale();
      if (event.type === 'run.finished' || event.type === 'run.cancelled') {
        runInfos.delete(runId);
        if (event.type === 'run.finished') {
          toast(event.status === 'done' ? 'Run finished.' : 'Run failed; see the marked node.', event.status === 'done' ? 'success' : 'error', 3500);
          if (event.status === 'done') appStore.set({ resultsOpen: true });
        } else toast('Run cancelled.', 'info', 3000);
      }
    },
    (message) => toast(`Event stream: ${message}`, 'error'),
  );
}

export async function cancelRun(): Promise<void> {
  const run = appStore.get().run;
  if (!run || run.status !== 'running') return;
  try {
    await api.cancel(run.runId);
  } catch (e) {
    toast(`Cancel failed: ${(e as Error).message}`, 'error');
  }
}

/** GET /api/runs/:id, cached per run once it has ended (outputs of done nodes). */
export function runInfo(runId: string): Promise<RunInfo> {
  const run = appStore.get().run;
  const ended = !(run && run.runId === runId && run.status === 'running');
  if (ended && runInfos.has(runId)) return runInfos.get(runId)!;
  const p = api.run(runId);
  if (ended) {
    runInfos.set(runId, p);
    p.catch(() => runInfos.delete(runId));
  }
  return p;
}
