/**
 * The editor's graph store, headless (no DOM, Rete or React), in the manner of tldraw's store + history: one
 * immutable document (nodes, links, params, labels, positions, name), the selection and a clipboard beside it,
 * and undo/redo over whole documents (structural sharing keeps that cheap). Every edit is a command
 * (commands.ts); the canvas renders `get().doc` and the panels subscribe (useSyncExternalStore).
 * One instance is created when the app starts; tests create their own.
 */
import type { CatalogEntry, Graph, GraphLink, GraphNode } from '../api/types.ts';
import { canonicalJson, cloneNodes } from '../model/graphDoc.ts';
import { emptyDoc, insert, toGraph, type Command, type GraphDoc } from './commands.ts';

export interface GraphState {
  doc: GraphDoc;
  /** Selected node ids; the last one is the node the inspector shows. */
  selection: string[];
  canUndo: boolean;
  canRedo: boolean;
}

export interface ApplyOptions {
  /** false: change the document without an undo step (e.g. the layout computed right after opening a file). */
  record?: boolean;
  /** Consecutive commands with the same key make one undo step (e.g. typing a label, re-wiring an input). */
  merge?: string;
}

export interface GraphStore {
  get(): GraphState;
  subscribe(listener: () => void): () => void;
  readonly entries: ReadonlyMap<string, CatalogEntry>;
  /** Applies a command; returns null, or the reason it was refused (the document is then unchanged). */
  apply(command: Command, options?: ApplyOptions): string | null;
  undo(): boolean;
  redo(): boolean;
  select(ids: readonly string[]): void;
  node(id: string): GraphNode | undefined;
  /** Copies the selected nodes and the links among them; returns how many. */
  copy(): number;
  /** Pastes the clipboard with fresh ids, offset, links kept, and selects the copies. */
  paste(): boolean;
  toGraph(): Graph;
  /** Changed since the last markClean() (positions do not count) and not empty. */
  isDirty(): boolean;
  markClean(): void;
}

const HISTORY_LIMIT = 200;

/** What "unsaved changes" compares: everything but where nodes sit. */
function contentKey(doc: GraphDoc): string {
  return canonicalJson({ name: doc.name, description: doc.description, nodes: doc.nodes.map(({ position: _p, ...n }) => n), links: doc.links });
}

export function createGraphStore(catalog: readonly CatalogEntry[], initial: GraphDoc = emptyDoc()): GraphStore {
  const entries = new Map(catalog.map((e) => [e.type, e]));
  let state: GraphState = { doc: initial, selection: [], canUndo: false, canRedo: false };
  const past: GraphDoc[] = [];
  const future: GraphDoc[] = [];
  let lastMerge: string | undefined;
  let clipboard: { nodes: GraphNode[]; links: GraphLink[] } | null = null;
  let cleanKey = contentKey(initial);
  const keys = new WeakMap<GraphDoc, string>();
  const listeners = new Set<() => void>();

  const keyOf = (doc: GraphDoc) => {
    if (!keys.has(doc)) keys.set(doc, contentKey(doc));
    return keys.get(doc)!;
  };

  function set(doc: GraphDoc, selection: readonly string[]): void {
    const ids = new Set(doc.nodes.map((n) => n.id));
    const sel = [...new Set(selection)].filter((id) => ids.has(id));
    const same = doc === state.doc && sel.length === state.selection.length && sel.every((id, i) => id === state.selection[i]);
    const canUndo = past.length > 0;
    const canRedo = future.length > 0;
    if (same && canUndo === state.canUndo && canRedo === state.canRedo) return;
    state = { doc, selection: same ? state.selection : sel, canUndo, canRedo };
    for (const l of [...listeners]) l();
  }

  const store: GraphStore = {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    entries,
    apply(command, options = {}) {
      const out = command(state.doc, { entries, selection: state.selection });
      if ('refused' in out) return out.refused;
      if (out.doc !== state.doc && options.record !== false) {
        if (!(options.merge && options.merge === lastMerge)) past.push(state.doc);
        if (past.length > HISTORY_LIMIT) past.shift();
        future.length = 0;
      }
      lastMerge = options.merge;
      set(out.doc, out.select ?? state.selection);
      return null;
    },
    undo() {
      const prev = past.pop();
      lastMerge = undefined;
      if (!prev) return false;
      future.push(state.doc);
      set(prev, state.selection);
      return true;
    },
    redo() {
      const next = future.pop();
      lastMerge = undefined;
      if (!next) return false;
      past.push(state.doc);
      set(next, state.selection);
      return true;
    },
    select(ids) {
      set(state.doc, ids);
    },
    node: (id) => state.doc.nodes.find((n) => n.id === id),
    copy() {
      const ids = new Set(state.selection);
      if (!ids.size) return 0;
      const nodes = state.doc.nodes.filter((n) => ids.has(n.id));
      clipboard = structuredClone({ nodes, links: state.doc.links.filter((l) => ids.has(l.from.node) && ids.has(l.to.node)) });
      return nodes.length;
    },
    paste() {
      if (!clipboard) return false;
      const copy = cloneNodes(clipboard.nodes, clipboard.links, state.doc.nodes.map((n) => n.id));
      if (store.apply(insert(copy.nodes, copy.links))) return false;
      // The next paste lands beside this one, not on top of it.
      clipboard = copy;
      return true;
    },
    toGraph: () => toGraph(state.doc, entries),
    isDirty: () => state.doc.nodes.length > 0 && keyOf(state.doc) !== cleanKey,
    markClean() {
      cleanKey = keyOf(state.doc);
    },
  };
  return store;
}
