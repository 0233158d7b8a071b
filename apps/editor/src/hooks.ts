import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Store } from './model/store.ts';
import { appStore, type AppState } from './model/appState.ts';
import type { GraphState, GraphStore } from './graph/store.ts';

export function useStore<T extends object, R>(store: Store<T>, select: (s: T) => R): R {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** `select` must return a stable value (a field, a primitive), not a new array or object. */
export function useApp<R>(select: (s: AppState) => R): R {
  return useStore(appStore, select);
}

/** The graph store the app created at start (App provides it). */
export const GraphContext = createContext<GraphStore | null>(null);

export function useGraphStore(): GraphStore {
  const store = useContext(GraphContext);
  if (!store) throw new Error('useGraphStore outside <GraphContext.Provider>');
  return store;
}

/** Subscribes to the graph store; `select` must return a stable value (documents and their nodes are never mutated). */
export function useGraph<R>(select: (s: GraphState) => R): R {
  const store = useGraphStore();
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
