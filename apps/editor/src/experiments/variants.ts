/**
 * "Variants": copy a branch of the graph (e.g. the index and aggregate nodes of both years) with other params,
 * wire the copies to the same upstream inputs, copy everything downstream of them too, so one run computes
 * the original and the variant side by side. Pure (graph in, graph out) so it is tested without a browser.
 */
import type { Graph, GraphNode } from '../api/types.ts';

export interface VariantSpec {
  /** Nodes whose params change in the variant. */
  changes: Record<string, Record<string, unknown>>;
  /** Appended to the ids of copied nodes ("_v2"); a free one is picked when taken. */
  suffix?: string;
  /** Appended to the labels of copied nodes. */
  labelSuffix?: string;
}

export interface VariantResult {
  graph: Graph;
  /** Original id → copy id of every copied node. */
  copies: Record<string, string>;
  suffix: string;
}

function downstreamOf(graph: Graph, roots: string[]): Set<string> {
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of graph.links) {
      if (out.has(l.from.node) && !out.has(l.to.node)) {
        out.add(l.to.node);
        grew = true;
      }
    }
  }
  return out;
}

function freeSuffix(graph: Graph, ids: string[], wanted: string): string {
  const taken = new Set(graph.nodes.map((n) => n.id));
  for (let i = 2; ; i++) {
    const s = i === 2 ? wanted : `${wanted.replace(/\d+$/, '')}${i}`;
    if (ids.every((id) => !taken.has(id + s))) return s;
  }
}

export function makeVariant(graph: Graph, spec: VariantSpec): VariantResult {
  const roots = Object.keys(spec.changes);
  for (const id of roots) if (!graph.nodes.some((n) => n.id === id)) throw new Error(`the graph has no node "${id}"`);
  if (!roots.length) throw new Error('choose at least one node to vary');
  const branch = downstreamOf(graph, roots);
  const ids = graph.nodes.filter((n) => branch.has(n.id)).map((n) => n.id);
  const suffix = freeSuffix(graph, ids, spec.suffix ?? '_v2');
  const labelSuffix = spec.labelSuffix ?? ` (${suffix.replace(/^_/, '')})`;
  const copies = Object.fromEntries(ids.map((id) => [id, id + suffix]));
  const maxY = Math.max(0, ...graph.nodes.map((n) => n.position?.y ?? 0));
  const minY = Math.min(0, ...graph.nodes.map((n) => n.position?.y ?? 0));
  const newNodes: GraphNode[] = graph.nodes
    .filter((n) => branch.has(n.id))
    .map((n) => ({
      ...structuredClone(n),
      id: copies[n.id],
      label: `${n.label || n.id}${labelSuffix}`,
      params: { ...structuredClone(n.params ?? {}), ...(spec.changes[n.id] ?? {}) },
      // Below the whole graph, keeping the branch's own layout.
      ...(n.position ? { position: { x: n.position.x, y: n.position.y + (maxY - minY) + 220 } } : {}),
    }));
  const newLinks = graph.links
    .filter((l) => branch.has(l.to.node))
    .map((l) => ({ from: { node: copies[l.from.node] ?? l.from.node, output: l.from.output }, to: { node: copies[l.to.node], input: l.to.input } }));
  return { graph: { ...graph, nodes: [...graph.nodes, ...newNodes], links: [...graph.links, ...newLinks] }, copies, suffix };
}
