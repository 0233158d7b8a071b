/**
 * Drawing the store's document with Rete: nodes, links, labels, params, positions and the selection are made to
 * match `doc` (added, removed, updated, moved) — the only place that changes the Rete scene. Links it adds or
 * removes are marked, so the canvas can tell them from the user's gestures even in the middle of a drawing.
 */
import type { NodeEditor } from 'rete';
import type { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import type { CatalogEntry, GraphLink, GraphNode } from '../api/types.ts';
import { linkKey, socketsOf, type GraphDoc } from '../graph/commands.ts';
import { buildNode, SfConnection, type Schemes } from './nodes.ts';

export const linkOf = (c: SfConnection): GraphLink => ({ from: { node: c.source, output: String(c.sourceOutput) }, to: { node: c.target, input: String(c.targetInput) } });
const connKey = (c: SfConnection) => linkKey(linkOf(c));

export interface DrawingParts {
  editor: NodeEditor<Schemes>;
  /** The area's extra render types do not matter for drawing. */
  area: AreaPlugin<Schemes, any>;
  selector: ReturnType<typeof AreaExtensions.selector>;
  selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
  entries: ReadonlyMap<string, CatalogEntry>;
}

export function createDrawing({ editor, area, selector, selectable, entries }: DrawingParts) {
  const drawnLinks = new WeakSet<SfConnection>();
  const undrawing = new Set<string>();

  async function renderNode(doc: GraphDoc, n: GraphNode): Promise<void> {
    let node = editor.getNode(n.id);
    if (!node) {
      node = buildNode(n, entries.get(n.type), (() => {
        const s = socketsOf(n, doc.links, entries);
        return { inputs: Object.keys(s.inputs), outputs: Object.keys(s.outputs) };
      })());
      // The document's params object is the node's (documents are never mutated): a changed object is a change.
      node.params = n.params;
      await editor.addNode(node);
    } else if (node.params !== n.params || node.label !== (n.label ?? node.entry?.label ?? n.type)) {
      node.params = n.params;
      node.label = n.label ?? node.entry?.label ?? n.type;
      await area.update('node', n.id);
    }
    const view = area.nodeViews.get(n.id);
    const p = n.position ?? { x: 0, y: 0 };
    if (view && (Math.round(view.position.x) !== Math.round(p.x) || Math.round(view.position.y) !== Math.round(p.y))) await area.translate(n.id, p);
  }

  /** Runs `fn` with the pick released: a placed node must not drag the other selected nodes along. */
  async function unpicked(fn: () => Promise<void>): Promise<void> {
    const picked = selector.pickId;
    selector.release();
    try {
      await fn();
    } finally {
      selector.pickId = picked;
    }
  }

  async function renderDoc(doc: GraphDoc): Promise<void> {
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    for (const n of editor.getNodes()) {
      const want = byId.get(n.id);
      if (want && want.type === n.nodeType && want.version === n.version) continue;
      for (const c of editor.getConnections()) if (c.source === n.id || c.target === n.id) await undraw(c);
      await editor.removeNode(n.id);
    }
    await unpicked(async () => {
      for (const n of doc.nodes) await renderNode(doc, n);
    });
    const wanted = new Map(doc.links.map((l) => [linkKey(l), l]));
    for (const c of editor.getConnections()) if (!wanted.has(connKey(c))) await undraw(c);
    const have = new Set(editor.getConnections().map(connKey));
    for (const [key, l] of wanted) {
      const src = editor.getNode(l.from.node);
      const dst = editor.getNode(l.to.node);
      if (have.has(key) || !src?.outputs[l.from.output] || !dst?.inputs[l.to.input]) continue;
      const c = new SfConnection(src, l.from.output as never, dst, l.to.input as never);
      drawnLinks.add(c);
      await editor.addConnection(c);
    }
  }

  async function undraw(c: SfConnection): Promise<void> {
    undrawing.add(c.id);
    try {
      await editor.removeConnection(c.id);
    } finally {
      undrawing.delete(c.id);
    }
  }

  async function renderSelection(selection: readonly string[]): Promise<void> {
    const want = new Set(selection);
    for (const n of editor.getNodes()) if (n.selected && !want.has(n.id)) await selectable.unselect(n.id);
    for (const id of selection) if (!editor.getNode(id)?.selected) await selectable.select(id, true);
  }

  return { renderDoc, renderSelection, unpicked, isDrawn: (c: SfConnection) => drawnLinks.has(c), isUndrawing: (id: string) => undrawing.has(id) };
}
