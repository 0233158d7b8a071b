import { useSyncExternalStore } from 'react';
import type { Store } from './model/store.ts';
import { appStore, type AppState } from './model/appState.ts';

export function useStore<T extends object, R>(store: Store<T>, select: (s: T) => R): R {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** `select` must return a stable value (a field, a primitive), not a new array or object. */
export function useApp<R>(select: (s: AppState) => R): R {
  return useStore(appStore, select);
}
