/**
 * Creates the Rete editor once for a container and exposes a small, framework-free API to the app:
 * load/export graph JSON, add nodes, set params, undo/redo, arrange, copy/paste, destroy.
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget } from 'rete-connection-plugin';
import { Presets as ReactPresets, ReactPlugin, type ReactArea2D } from 'rete-react-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryActions } from 'rete-history-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { createRoot } from 'react-dom/client';
import type { CatalogEntry, Graph, GraphNode } from '../api/types.ts';
import { createsCycle, linkRefusal } from '../model/catalog.ts';
import { cloneNodes } from '../model/graphDoc.ts';
import { defaultParams } from '../model/schema.ts';
import { buildNode, NODE_WIDTH, SfConnection, SfNode, type Schemes } from './nodes.ts';
import { NodeView, SocketView, ConnectionView } from './NodeView.tsx';
import { MenuSearch } from './MenuSearch.tsx';
import { autoLinks, placeNear, readableId, readableLabel, yearOf } from '../model/building.ts';

type AreaExtra = ReactArea2D<Schemes> | ContextMenuExtra | MinimapExtra;
/** Param edits are undoable too. */
type ParamAction = { undo(): Promise<void>; redo(): Promise<void> };

export interface EditorCallbacks {
  /** Structure or params changed (not positions). */
  onChange(): void;
  onSelect(nodeId: string | null): void;
  onRefused(reason: string): void;
  onRunUpTo(nodeId: string): void;
  onShowResults(nodeId: string): void;
}

export interface EditorApi {
  load(graph: Graph): Promise<void>;
  toGraph(meta: { name: string; description?: string }): Graph;
  addNode(type: string, at?: { x: number; y: number }): Promise<string | null>;
  /** Adds a node next to the selection, linked to it when the socket types fit (palette clicks). */
  addNodeNearSelection(type: string): Promise<string | null>;
  /** Adds nodes and links (undoable), e.g. a branch duplicated for another year; selects them. */
  insert(nodes: GraphNode[], links: Graph['links']): Promise<void>;
  selectedIds(): string[];
  /** Whether there is an edit to undo in this graph (otherwise Undo may restore the previous graph). */
  canUndo(): boolean;
  /** Closes the context menu if it is open; true when it was. */
  closeMenu(): boolean;
  /** Moves the selection to the next/previous node (keyboard access), and scrolls it into view. */
  selectNext(delta: number): Promise<void>;
  addNodeAtClient(type: string, clientX: number, clientY: number): Promise<string | null>;
  getNode(id: string): SfNode | undefined;
  setParams(id: string, params: Record<string, unknown>, record?: boolean): void;
  setLabel(id: string, label: string): void;
  removeSelected(): Promise<void>;
  copySelected(): number;
  paste(): Promise<void>;
  selectNode(id: string): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  arrange(): Promise<void>;
  zoomToFit(): Promise<void>;
  refreshNodes(): void;
  destroy(): void;
}

export async function createEditor(container: HTMLElement, catalog: CatalogEntry[], cb: EditorCallbacks): Promise<EditorApi> {
  const entries = new Map(catalog.map((e) => [e.type, e]));
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot });
  const history = new HistoryPlugin<Schemes, HistoryActions<Schemes> | ParamAction>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
  let loading = false;
  let clipboard: { nodes: GraphNode[]; links: Graph['links'] } | null = null;

  let hideMenu: (() => void) | null = null;
  const contextMenu = new ContextMenuPlugin<Schemes>({
    items(context) {
      if (context === 'root') {
        return {
          searchBar: true,
          list: catalog.map((e) => ({
            label: e.label,
            key: e.type,
            handler: async () => {
              const id = await addNode(e.type, lastPointer);
              if (id) await selectNode(id);
            },
          })),
        };
      }
      if (context instanceof SfNode) {
        const id = context.id;
        return {
          searchBar: false,
          list: [
            { label: 'Run up to here', key: 'run-up-to', handler: () => cb.onRunUpTo(id) },
            { label: 'Show results', key: 'results', handler: () => cb.onShowResults(id) },
            { label: 'Copy', key: 'copy', handler: () => void (selector.isSelected({ id, label: 'node' }) || selectNode(id), copySelected()) },
            { label: 'Duplicate', key: 'duplicate', handler: async () => { await selectNode(id); copySelected(); await paste(); } },
            { label: 'Delete', key: 'delete', handler: () => removeNode(id) },
          ],
        };
      }
      const conn = context as unknown as SfConnection;
      return { searchBar: false, list: [{ label: 'Delete link', key: 'delete', handler: () => void editor.removeConnection(conn.id) }] };
    },
  });

  let lastPointer = { x: 0, y: 0 };
  // Zoomed out far enough to fit a whole workflow, 13 px titles shrink below legibility: the stylesheet scales
  // titles up by 1 / zoom (capped) from this variable, so "fit" still shows what every node is.
  const updateZoomVar = () => container.style.setProperty('--sf-zoom', String(area.area.transform.k));
  updateZoomVar();
  area.addPipe((ctx) => {
    if (ctx.type === 'zoomed') queueMicrotask(updateZoomVar);
    if (ctx.type === 'pointermove' || ctx.type === 'contextmenu') lastPointer = { ...area.area.pointer };
    if (ctx.type === 'nodepicked') cb.onSelect(ctx.data.id);
    if (ctx.type === 'render' && (ctx.data as { type?: string }).type === 'contextmenu') hideMenu = (ctx.data as unknown as { onHide(): void }).onHide;
    if (ctx.type === 'unmount') hideMenu = null;
    return ctx;
  });

  render.addPreset(
    ReactPresets.classic.setup({
      customize: {
        node: () => NodeView as never,
        socket: () => SocketView as never,
        connection: () => ConnectionView as never,
      },
    }),
  );
  // The menu filters items with new RegExp(search): the search box hands it an escaped text, so "?" is a character.
  render.addPreset(ReactPresets.contextMenu.setup({ delay: 200, customize: { search: () => MenuSearch as never } }));
  render.addPreset(ReactPresets.minimap.setup({ size: 140 }));
  // Checked before the plugin replaces an input's existing link, so a refused link leaves the graph untouched.
  connection.addPreset(
    () =>
      new ClassicFlow({
        canMakeConnection(from, to) {
          const pair = getSourceTarget(from, to);
          if (!pair) return false;
          const reason = refusal(pair[0].nodeId, pair[0].key, pair[1].nodeId, pair[1].key);
          if (reason) {
            cb.onRefused(reason);
            // The plugin would keep the dragged line attached to the pointer; end the drag instead.
            setTimeout(() => connection.drop(), 0);
          }
          return !reason;
        },
      }),
  );
  history.addPreset(HistoryPresets.classic.setup());

  editor.use(area);
  area.use(connection);
  area.use(render);
  area.use(contextMenu);
  area.use(history);
  area.use(minimap);

  const selector = AreaExtensions.selector();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating: AreaExtensions.accumulateOnCtrl() });
  AreaExtensions.simpleNodesOrder(area);

  function refusal(srcId: string, output: string, dstId: string, input: string): string | null {
    const out = editor.getNode(srcId)?.outputs[output];
    const inp = editor.getNode(dstId)?.inputs[input];
    if (!out || !inp) return 'Unknown socket.';
    return (
      linkRefusal({ node: srcId, socket: output, type: out.socket.name }, { node: dstId, socket: input, type: inp.socket.name }) ??
      (createsCycle(editor.getConnections().map((x) => [x.source, x.target]), srcId, dstId) ? 'This link would create a cycle.' : null)
    );
  }

  // Type-check links as they are made: refuse with a visible reason instead of silently dropping.
  editor.addPipe((ctx) => {
    if (ctx.type === 'connectioncreate') {
      const c = ctx.data as SfConnection & { socketType?: string };
      const src = editor.getNode(c.source);
      const dst = editor.getNode(c.target);
      const out = src?.outputs[c.sourceOutput];
      const inp = dst?.inputs[c.targetInput];
      if (!src || !dst || !out || !inp) return undefined;
      c.socketType = out.socket.name;
      const reason = loading ? null : refusal(src.id, String(c.sourceOutput), dst.id, String(c.targetInput));
      if (reason) {
        cb.onRefused(reason);
        return undefined;
      }
    }
    if (!loading && ['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved'].includes(ctx.type)) cb.onChange();
    return ctx;
  });

  const positionOf = (id: string) => area.nodeViews.get(id)?.position ?? { x: 0, y: 0 };

  async function addGraphNode(n: GraphNode, linkSockets?: { inputs: string[]; outputs: string[] }): Promise<SfNode> {
    const node = buildNode(n, entries.get(n.type), linkSockets);
    await editor.addNode(node);
    await area.translate(node.id, n.position ?? { x: 0, y: 0 });
    return node;
  }

  async function addLinks(links: Graph['links']): Promise<void> {
    for (const l of links) {
      const src = editor.getNode(l.from.node);
      const dst = editor.getNode(l.to.node);
      if (!src || !dst || !src.outputs[l.from.output] || !dst.inputs[l.to.input]) continue;
      await editor.addConnection(new SfConnection(src, l.from.output as never, dst, l.to.input as never));
    }
  }

  async function load(graph: Graph): Promise<void> {
    loading = true;
    try {
      await editor.clear();
      for (const n of graph.nodes) {
        const inputs = graph.links.filter((l) => l.to.node === n.id).map((l) => l.to.input);
        const outputs = [...new Set(graph.links.filter((l) => l.from.node === n.id).map((l) => l.from.output))];
        await addGraphNode(n, { inputs, outputs });
      }
      await addLinks(graph.links);
      history.clear();
    } finally {
      loading = false;
    }
    if (graph.nodes.every((n) => !n.position)) await arrangeNodes();
    else await zoomToFit();
    cb.onChange();
  }

  function toGraph(meta: { name: string; description?: string }): Graph {
    const nodes = editor.getNodes().map((n): GraphNode => {
      const p = positionOf(n.id);
      const out: GraphNode = { id: n.id, type: n.nodeType, version: n.version, params: structuredClone(n.params) };
      if (n.label && n.label !== n.entry?.label) out.label = n.label;
      out.position = { x: Math.round(p.x), y: Math.round(p.y) };
      return out;
    });
    const links = editor.getConnections().map((c) => ({ from: { node: c.source, output: String(c.sourceOutput) }, to: { node: c.target, input: String(c.targetInput) } }));
    const g: Graph = { schema: 'sentiflow/graph@1', name: meta.name, nodes, links };
    if (meta.description) g.description = meta.description;
    return g;
  }

  async function addNodeNearSelection(type: string): Promise<string | null> {
    const entry = entries.get(type);
    if (!entry) return null;
    const graph = toGraph({ name: '' });
    const sel = selectedNodes()[0]?.id ?? null;
    const probeId = '\u0000new';
    const links = autoLinks(graph, entries, entry, probeId, sel);
    const yearFrom = links.find((l) => l.to.node === probeId)?.from.node ?? sel;
    // A node comparing two years (two inputs of one type, e.g. change.diff) belongs to no single year.
    const types = Object.values(entry.inputs).map((x) => x.type);
    const year = yearFrom && new Set(types).size === types.length ? yearOf(graph, yearFrom) : undefined;
    const id = readableId(type, graph.nodes.map((n) => n.id), year);
    const label = readableLabel(entry, graph.nodes.map((n) => editor.getNode(n.id)?.label ?? ''), year);
    const anchorId = links.find((l) => l.to.node === probeId)?.from.node ?? sel;
    const occupied = graph.nodes.map((n) => n.position ?? { x: 0, y: 0 });
    const pos = anchorId ? placeNear(positionOf(anchorId), occupied) : undefined;
    const created = await addNode(type, pos, id, label);
    if (!created) return null;
    const fixed = links.map((l) => ({ from: { ...l.from, node: l.from.node === probeId ? id : l.from.node }, to: { ...l.to, node: l.to.node === probeId ? id : l.to.node } }));
    await addLinks(fixed.filter((l) => !refusal(l.from.node, l.from.output, l.to.node, l.to.input)));
    if (pos) await keepInView(id);
    return id;
  }

  async function keepInView(id: string): Promise<void> {
    const view = area.nodeViews.get(id);
    if (!view) return;
    const { k, x, y } = area.area.transform;
    const rect = container.getBoundingClientRect();
    const sx = view.position.x * k + x;
    const sy = view.position.y * k + y;
    if (sx < 0 || sy < 0 || sx + NODE_WIDTH * k > rect.width || sy + 150 * k > rect.height) await zoomToFit();
  }

  async function insert(nodes: GraphNode[], links: Graph['links']): Promise<void> {
    await selector.unselectAll();
    for (const n of nodes) await addGraphNode(n);
    await addLinks(links);
    for (const n of nodes) await selectable.select(n.id, true);
    await zoomToFit();
  }

  async function addNode(type: string, at?: { x: number; y: number }, wantedId?: string, label?: string): Promise<string | null> {
    const entry = entries.get(type);
    if (!entry) return null;
    const taken = editor.getNodes().map((n) => n.id);
    const id = wantedId && !taken.includes(wantedId) ? wantedId : readableId(type, taken);
    let pos = at;
    if (!pos) {
      const { k, x, y } = area.area.transform;
      const rect = container.getBoundingClientRect();
      pos = { x: (rect.width / 2 - x) / k - 115, y: (rect.height / 2 - y) / k - 60 };
    }
    await addGraphNode({ id, type, version: entry.version, params: defaultParams(entry.params), position: pos, ...(label ? { label } : {}) });
    return id;
  }

  function setParams(id: string, params: Record<string, unknown>, record = true): void {
    const node = editor.getNode(id);
    if (!node) return;
    const before = node.params;
    node.params = params;
    if (record) {
      history.add({
        undo: async () => { node.params = before; await area.update('node', id); cb.onChange(); },
        redo: async () => { node.params = params; await area.update('node', id); cb.onChange(); },
      });
    }
    void area.update('node', id);
    cb.onChange();
  }

  function setLabel(id: string, label: string): void {
    const node = editor.getNode(id);
    if (!node) return;
    node.label = label;
    void area.update('node', id);
  }

  async function removeNode(id: string): Promise<void> {
    for (const c of editor.getConnections()) if (c.source === id || c.target === id) await editor.removeConnection(c.id);
    await editor.removeNode(id);
    cb.onSelect(null);
  }

  const selectedNodes = () => editor.getNodes().filter((n) => n.selected);

  async function removeSelected(): Promise<void> {
    for (const n of selectedNodes()) await removeNode(n.id);
  }

  function copySelected(): number {
    const ids = new Set(selectedNodes().map((n) => n.id));
    if (!ids.size) return 0;
    const g = toGraph({ name: 'clipboard' });
    clipboard = { nodes: g.nodes.filter((n) => ids.has(n.id)), links: g.links.filter((l) => ids.has(l.from.node) && ids.has(l.to.node)) };
    return ids.size;
  }

  async function paste(): Promise<void> {
    if (!clipboard) return;
    const copy = cloneNodes(clipboard.nodes, clipboard.links, editor.getNodes().map((n) => n.id));
    await selector.unselectAll();
    for (const n of copy.nodes) await addGraphNode(n);
    await addLinks(copy.links);
    for (const n of copy.nodes) await selectable.select(n.id, true);
    clipboard = { nodes: copy.nodes, links: copy.links };
  }

  async function selectNode(id: string): Promise<void> {
    await selectable.select(id, false);
    cb.onSelect(id);
  }

  async function zoomToFit(): Promise<void> {
    const nodes = editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(area, nodes, { scale: 0.9 });
  }

  // The layout engine (elkjs, ~1.4 MB) is loaded the first time a graph is arranged, not with the editor.
  let arrange: Promise<{ layout(props: { options: Record<string, string> }): Promise<unknown> }> | undefined;
  async function arrangeNodes(): Promise<void> {
    arrange ??= import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, Presets }) => {
      const plugin = new AutoArrangePlugin<Schemes>();
      plugin.addPreset(Presets.classic.setup());
      area.use(plugin);
      return plugin;
    });
    await (await arrange).layout({ options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '70' } });
    await zoomToFit();
  }

  return {
    load,
    toGraph,
    addNode,
    addNodeAtClient: (type, clientX, clientY) => {
      const { k, x, y } = area.area.transform;
      const rect = container.getBoundingClientRect();
      return addNode(type, { x: (clientX - rect.left - x) / k - 20, y: (clientY - rect.top - y) / k - 20 });
    },
    getNode: (id) => editor.getNode(id),
    setParams,
    setLabel,
    removeSelected,
    copySelected,
    paste,
    selectNode,
    addNodeNearSelection,
    insert,
    selectedIds: () => selectedNodes().map((n) => n.id),
    canUndo: () => history.getHistorySnapshot().length > 0,
    closeMenu: () => {
      if (!hideMenu) return false;
      hideMenu();
      hideMenu = null;
      return true;
    },
    selectNext: async (delta) => {
      const nodes = editor.getNodes().sort((a, b) => positionOf(a.id).x - positionOf(b.id).x || positionOf(a.id).y - positionOf(b.id).y);
      if (!nodes.length) return;
      const cur = nodes.findIndex((n) => n.selected);
      const next = nodes[(cur < 0 ? 0 : cur + delta + nodes.length) % nodes.length];
      await selector.unselectAll();
      await selectNode(next.id);
      await keepInView(next.id);
    },
    undo: () => history.undo(),
    redo: () => history.redo(),
    arrange: arrangeNodes,
    zoomToFit,
    refreshNodes: () => {
      for (const n of editor.getNodes()) void area.update('node', n.id);
    },
    destroy: () => area.destroy(),
  };
}
