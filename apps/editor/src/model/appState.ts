/** The editor's application state: catalogue, run status, results per node, problems, staleness, toasts (the graph itself is in graph/store.ts). */
import type { CatalogEntry, Problem } from '../api/types.ts';
import type { RunState } from './runState.ts';
import { createStore } from './store.ts';

export interface NodeResultRef {
  runId: string;
  /** nodeKeys() value of the node in the graph that produced the result. */
  key: string;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

export interface AppState {
  catalog: CatalogEntry[];
  run: RunState | null;
  /** Latest run that produced a result for each node (survives partial "run up to" runs). */
  results: Record<string, NodeResultRef>;
  stale: Set<string>;
  problems: Problem[];
  toasts: Toast[];
  resultsOpen: boolean;
  resultsNodeId: string | null;
  /** Folders the opened graph reads that do not exist in this data root (offer to point loaders elsewhere). */
  missingFolders: string[];
}

export const appStore = createStore<AppState>({
  catalog: [],
  run: null,
  results: {},
  stale: new Set(),
  problems: [],
  toasts: [],
  resultsOpen: false,
  resultsNodeId: null,
  missingFolders: [],
});

let toastId = 0;
export function toast(text: string, kind: Toast['kind'] = 'info', ms = 6000): void {
  const id = ++toastId;
  appStore.set((s) => ({ toasts: [...s.toasts, { id, kind, text }] }));
  setTimeout(() => appStore.set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), ms);
}
