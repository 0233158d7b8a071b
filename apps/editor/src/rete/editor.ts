/**
 * The canvas: Rete renders the graph store's document (nodes, links, labels, positions, selection) and turns
 * gestures into store commands (link, re-wire, delete link, drag, pick, context-menu add). It keeps no graph of
 * its own: what is drawn is reconciled with `store.get()` after every change (draw.ts). The small API it returns
 * is about the view only (fit, arrange, keyboard selection, where the screen centre is).
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget } from 'rete-connection-plugin';
import { Presets as ReactPresets, ReactPlugin, type ReactArea2D } from 'rete-react-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { createRoot } from 'react-dom/client';
import { addNode, connect, disconnect, linkProblem, moveNodes, removeNodes, type GraphDoc, type Point } from '../graph/commands.ts';
import type { GraphStore } from '../graph/store.ts';
import { NODE_WIDTH, SfConnection, SfNode, type Schemes } from './nodes.ts';
import { createDrawing, linkOf } from './draw.ts';
import { NodeView, SocketView, ConnectionView } from './NodeView.tsx';
import { MenuSearch } from './MenuSearch.tsx';

type AreaExtra = ReactArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface CanvasCallbacks {
  onRefused(reason: string): void;
  onRunUpTo(nodeId: string): void;
  onShowResults(nodeId: string): void;
  onCopy(nodeId: string): void;
  onDuplicate(nodeId: string): void;
}

export interface CanvasView {
  /** Resolves once what is drawn matches the store. */
  rendered(): Promise<void>;
  /** Moves the selection to the next/previous node (keyboard access), and scrolls it into view. */
  selectNext(delta: number): Promise<void>;
  /** Zooms out when the node is outside the visible area. */
  keepInView(id: string): Promise<void>;
  /** The canvas point under the middle of the visible area (a new node's place when nothing is selected). */
  center(): Point;
  /** The canvas point under a screen point (drops from the palette). */
  fromClient(clientX: number, clientY: number): Point;
  /** Closes the context menu if it is open; true when it was. */
  closeMenu(): boolean;
  /** Lays the graph out (ELK layered); one undo step. */
  arrange(): Promise<void>;
  zoomToFit(): Promise<void>;
  destroy(): void;
}

export async function createCanvas(container: HTMLElement, store: GraphStore, cb: CanvasCallbacks): Promise<CanvasView> {
  const entries = store.entries;
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot });
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });

  let hideMenu: (() => void) | null = null;
  const contextMenu = new ContextMenuPlugin<Schemes>({
    items(context) {
      if (context === 'root') {
        return {
          searchBar: true,
          list: [...entries.values()].map((e) => ({ label: e.label, key: e.type, handler: () => void store.apply(addNode(e.type, lastPointer)) })),
        };
      }
      if (context instanceof SfNode) {
        const id = context.id;
        return {
          searchBar: false,
          list: [
            { label: 'Run up to here', key: 'run-up-to', handler: () => cb.onRunUpTo(id) },
            { label: 'Show results', key: 'results', handler: () => cb.onShowResults(id) },
            { label: 'Copy', key: 'copy', handler: () => cb.onCopy(id) },
            { label: 'Duplicate', key: 'duplicate', handler: () => cb.onDuplicate(id) },
            { label: 'Delete', key: 'delete', handler: () => void store.apply(removeNodes([id])) },
          ],
        };
      }
      const conn = context as unknown as SfConnection;
      return { searchBar: false, list: [{ label: 'Delete link', key: 'delete', handler: () => void store.apply(disconnect(linkOf(conn))) }] };
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
          const reason = linkProblem(store.get().doc, entries, { from: { node: pair[0].nodeId, output: pair[0].key }, to: { node: pair[1].nodeId, input: pair[1].key } });
          if (reason) {
            cb.onRefused(reason);
            // The plugin would keep the dragged line attached to the pointer; end the drag instead.
            setTimeout(() => connection.drop(), 0);
          }
          return !reason;
        },
      }),
  );

  editor.use(area);
  area.use(connection);
  area.use(render);
  area.use(contextMenu);
  area.use(minimap);

  const selector = AreaExtensions.selector();
  const accumulating = AreaExtensions.accumulateOnCtrl();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating });
  AreaExtensions.simpleNodesOrder(area);
  // The extension calls this for a click on the background (and only then): the store's selection empties too.
  const unselectAll = selector.unselectAll.bind(selector);
  selector.unselectAll = async () => {
    await unselectAll();
    store.select([]);
  };
  const drawing = createDrawing({ editor, area, selector, selectable, entries });
  const { unpicked } = drawing;

  // Gestures on links become commands; the canvas draws the result when the store has it.
  editor.addPipe((ctx) => {
    if (ctx.type === 'connectioncreate') {
      const c = ctx.data as SfConnection;
      if (drawing.isDrawn(c)) {
        c.socketType = editor.getNode(c.source)?.outputs[c.sourceOutput]?.socket.name;
        return ctx;
      }
      const link = linkOf(c);
      const reason = store.apply(connect(link), { merge: `rewire:${link.to.node}:${link.to.input}` });
      if (reason) cb.onRefused(reason);
      return undefined;
    }
    if (ctx.type === 'connectionremove' && !drawing.isUndrawing((ctx.data as SfConnection).id)) {
      const link = linkOf(ctx.data as SfConnection);
      store.apply(disconnect(link), { merge: `rewire:${link.to.node}:${link.to.input}` });
      return undefined;
    }
    return ctx;
  });

  // After the selection extension has handled a pick: the store learns the selection (the picked node last), and a
  // drag that ended becomes one move of the nodes it moved.
  area.addPipe((ctx) => {
    if (ctx.type === 'nodepicked') {
      const id = ctx.data.id;
      const flagged = editor.getNodes().filter((n) => n.selected && n.id !== id).map((n) => n.id);
      store.select([...flagged, id]);
    } else if (ctx.type === 'nodedragged') {
      // A drag moves the picked node and the selected ones with it; nothing else.
      const moved = new Set([ctx.data.id, ...editor.getNodes().filter((n) => n.selected).map((n) => n.id)]);
      store.apply(moveNodes(new Map([...viewPositions()].filter(([id]) => moved.has(id)))));
    }
    return ctx;
  });

  function viewPositions(): Map<string, Point> {
    return new Map([...area.nodeViews.entries()].map(([id, v]) => [id, { ...v.position }]));
  }

  let drawn: GraphDoc | null = null;
  async function draw(): Promise<void> {
    const { doc, selection } = store.get();
    const opened = doc.generation !== drawn?.generation;
    if (doc !== drawn) await drawing.renderDoc(doc);
    drawn = doc;
    // Selecting from here emits no pick or pointer event, so it is not taken for a gesture.
    await drawing.renderSelection(selection);
    if (opened && doc.nodes.length) {
      // A file without positions is laid out once; that belongs to opening it, not to its own undo step.
      if (doc.nodes.every((n) => !n.position)) await arrangeNodes(false);
      else await zoomToFit();
    }
  }

  // One drawing at a time, in order; each one draws the latest state, so a burst of changes costs little.
  let queue = Promise.resolve();
  const schedule = () => {
    queue = queue.then(draw).catch((e: unknown) => console.error('drawing the graph failed', e));
    return queue;
  };
  const unsubscribe = store.subscribe(() => void schedule());
  await schedule();

  const positionOf = (id: string) => area.nodeViews.get(id)?.position ?? { x: 0, y: 0 };

  async function keepInView(id: string): Promise<void> {
    await queue;
    const view = area.nodeViews.get(id);
    if (!view) return;
    const { k, x, y } = area.area.transform;
    const rect = container.getBoundingClientRect();
    const sx = view.position.x * k + x;
    const sy = view.position.y * k + y;
    if (sx < 0 || sy < 0 || sx + NODE_WIDTH * k > rect.width || sy + 150 * k > rect.height) await zoomToFit();
  }

  async function zoomToFit(): Promise<void> {
    const nodes = editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(area, nodes, { scale: 0.9 });
  }

  // The layout engine (elkjs, ~1.4 MB) is loaded the first time a graph is arranged, not with the editor.
  let arrange: Promise<{ layout(props: { options: Record<string, string> }): Promise<unknown> }> | undefined;
  /** Called from inside a drawing (just opened) or after it (the Arrange button): never waits for the queue. */
  async function arrangeNodes(record: boolean): Promise<void> {
    arrange ??= import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, Presets }) => {
      const plugin = new AutoArrangePlugin<Schemes>();
      plugin.addPreset(Presets.classic.setup());
      area.use(plugin);
      return plugin;
    });
    const plugin = await arrange;
    await unpicked(() => plugin.layout({ options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '70' } }).then(() => undefined));
    store.apply(moveNodes(viewPositions()), { record });
    await zoomToFit();
  }

  return {
    rendered: () => queue,
    center: () => {
      const { k, x, y } = area.area.transform;
      const rect = container.getBoundingClientRect();
      return { x: (rect.width / 2 - x) / k - 115, y: (rect.height / 2 - y) / k - 60 };
    },
    fromClient: (clientX, clientY) => {
      const { k, x, y } = area.area.transform;
      const rect = container.getBoundingClientRect();
      return { x: (clientX - rect.left - x) / k - 20, y: (clientY - rect.top - y) / k - 20 };
    },
    keepInView,
    closeMenu: () => {
      if (!hideMenu) return false;
      hideMenu();
      hideMenu = null;
      return true;
    },
    selectNext: async (delta) => {
      const nodes = store.get().doc.nodes.map((n) => n.id).sort((a, b) => positionOf(a).x - positionOf(b).x || positionOf(a).y - positionOf(b).y);
      if (!nodes.length) return;
      const cur = nodes.findIndex((id) => store.get().selection.includes(id));
      store.select([nodes[(cur < 0 ? 0 : cur + delta + nodes.length) % nodes.length]]);
      await keepInView(store.get().selection[0]);
    },
    arrange: async () => {
      await queue;
      await arrangeNodes(true);
    },
    zoomToFit,
    destroy: () => {
      unsubscribe();
      area.destroy();
    },
  };
}
