/**
 * No work lost: New, Open and Examples ask before replacing unsaved changes, and Undo brings the replaced graph
 * back; Ctrl+S saves; a colleague's graph whose folders are missing here can be pointed at one folder.
 * Also the builder's actions that span the graph: palette clicks next to the selection, duplicate a branch for
 * another year, fill prefix and year from the chosen folder.
 */
import { api } from './api/client.ts';
import type { Graph, GraphNode } from './api/types.ts';
import { appStore, toast } from './model/appState.ts';
import { duplicateForYear } from './model/building.ts';
import { missingFolders, relocatePaths } from './model/relocate.ts';
import { addNodeNearSelection, insert, setParamsOfMany, updateNode } from './graph/commands.ts';
import { currentGraph, getView, graphStore, openGraph, saveGraph } from './controller.ts';

/** Unsaved: changed since it was opened or saved, and not empty. */
export function isDirty(): boolean {
  return graphStore()?.isDirty() ?? false;
}

/**
 * Replaces the working graph after asking when there are unsaved changes. `confirmFn` is window.confirm in
 * the app; the replaced graph stays reachable with Undo either way (opening is an undo step of the store).
 */
export async function replaceGraph(next: Graph, what: string, confirmFn: (text: string) => boolean = (t) => window.confirm(t)): Promise<boolean> {
  const store = graphStore();
  if (!store) return false;
  const before = store.get().doc;
  if (store.isDirty()) {
    const text = `“${before.name}” has unsaved changes (${before.nodes.length} nodes).\n\n${what} replaces it. You can bring it back with Undo, or Cancel and Save first (Ctrl+S).`;
    if (!confirmFn(text)) return false;
  }
  await openGraph(next);
  store.markClean();
  void offerRelocation(next);
  return true;
}

export async function newGraph(): Promise<void> {
  await replaceGraph({ schema: 'sentiflow/graph@1', name: 'Untitled graph', nodes: [], links: [] }, 'A new graph');
}

/** Undo an edit; undoing past the opening of a graph brings back the graph that New/Open/Examples replaced. */
export function undo(): void {
  const store = graphStore();
  if (!store) return;
  const before = store.get().doc;
  if (!store.undo()) return;
  const now = store.get().doc;
  if (now.generation !== before.generation && now.nodes.length) toast(`Restored “${now.name}”.`, 'info', 2500);
}

export function redo(): void {
  graphStore()?.redo();
}

export function save(): void {
  saveGraph();
  graphStore()?.markClean();
}

/** After opening: when the graph's folders are missing here, offer to point all loaders at one folder. */
async function offerRelocation(graph: Graph): Promise<void> {
  try {
    const { problems } = await api.validate(graph);
    const missing = missingFolders(graph, problems ?? []);
    appStore.set({ missingFolders: missing });
  } catch {
    // validation is retried on the next change
  }
}

export function applyRelocation(folder: string): number {
  const store = graphStore();
  const graph = currentGraph();
  if (!store || !graph) return 0;
  const pathParams = Object.fromEntries(appStore.get().catalog.map((e) => [e.type, e.pathParams]));
  const changes = relocatePaths(graph, folder, pathParams);
  store.apply(setParamsOfMany(changes));
  appStore.set({ missingFolders: [] });
  toast(`Pointed ${changes.size} node${changes.size === 1 ? '' : 's'} at ${folder || 'the data root'}.`, 'success', 3000);
  return changes.size;
}

/** Palette click: add next to the selection, linked when the types fit, and select it. */
export async function addFromPalette(type: string): Promise<void> {
  const store = graphStore();
  const view = getView();
  if (!store || !view) return;
  const center = view.center();
  if (store.apply(addNodeNearSelection(type, center))) return;
  const id = store.get().selection[0];
  const pos = id ? store.node(id)?.position : undefined;
  if (id && pos && (pos.x !== Math.round(center.x) || pos.y !== Math.round(center.y))) await view.keepInView(id);
}

/** Copies the branch of loader `loaderId` for `year`. */
export async function duplicateBranch(loaderId: string, year: number): Promise<void> {
  const store = graphStore();
  const graph = currentGraph();
  if (!store || !graph) return;
  const copy = duplicateForYear(graph, store.entries, loaderId, year);
  if (!copy.nodes.length) return;
  const refused = store.apply(insert(copy.nodes, copy.links));
  if (refused) return void toast(refused, 'error');
  await getView()?.rendered();
  await getView()?.zoomToFit();
  toast(`Added ${copy.nodes.length} nodes for ${year}.`, 'success', 2500);
}

export interface FolderScan {
  path: string;
  prefixes: { prefix: string; years: { year: number; bands: string[]; cloudLayers: string[] }[] }[];
}

const scans = new Map<string, Promise<FolderScan>>();
export function scanFolder(path: string): Promise<FolderScan> {
  if (!scans.has(path)) {
    const p = fetch(`api/scan?path=${encodeURIComponent(path)}`).then(async (r) => {
      if (!r.ok) throw new Error((await r.json().catch(() => ({})) as { error?: string }).error ?? r.statusText);
      return (await r.json()) as FolderScan;
    });
    scans.set(path, p);
    p.catch(() => scans.delete(path));
  }
  return scans.get(path)!;
}

/** Years other loaders in the graph already use (so a second loader gets the next year). */
function yearsInUse(graph: Graph, except: string): number[] {
  return graph.nodes.filter((n: GraphNode) => n.type === 's2.load' && n.id !== except && typeof n.params.year === 'number').map((n) => n.params.year as number);
}

/** When a loader's folder is chosen: fill the prefix (if the folder has one) and a year not used yet. */
export async function fillFromFolder(nodeId: string, dir: string): Promise<void> {
  let scan: FolderScan;
  try {
    scan = await scanFolder(dir);
  } catch {
    return;
  }
  const store = graphStore();
  const node = store?.node(nodeId);
  const graph = currentGraph();
  if (!store || !node || !graph || node.params.dir !== dir || !scan.prefixes.length) return;
  const params = { ...node.params };
  const prefix = scan.prefixes.find((p) => p.prefix === params.prefix) ?? (scan.prefixes.length === 1 ? scan.prefixes[0] : undefined);
  if (!prefix) return;
  params.prefix = prefix.prefix;
  const years = prefix.years.map((y) => y.year);
  if (!years.includes(params.year as number)) {
    const used = yearsInUse(graph, nodeId);
    params.year = years.find((y) => !used.includes(y)) ?? years[0];
  }
  const y = prefix.years.find((x) => x.year === params.year);
  if (y && !y.cloudLayers.includes(String(params.cloudLayer ?? 'probability'))) params.cloudLayer = y.cloudLayers[0] ?? 'none';
  if (params.prefix !== node.params.prefix || params.year !== node.params.year || params.cloudLayer !== node.params.cloudLayer) {
    // Only a default label follows the year; a label the user typed is kept.
    const label = node.label ?? store.entries.get(node.type)?.label ?? node.type;
    const followsYear = label === store.entries.get(node.type)?.label || /^S2 \d{4}$/.test(label);
    store.apply(updateNode(nodeId, { params, ...(followsYear ? { label: `S2 ${params.year}` } : {}) }));
  }
}
