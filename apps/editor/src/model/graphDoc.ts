/** Pure helpers on graph documents: parsing files, canonical keys, staleness since the last run. */
import type { Graph, GraphNode } from '../api/types.ts';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Parses a graph file's text; throws an Error with a readable message when it is not a sentiflow graph. */
export function parseGraphText(text: string): Graph {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`Not valid JSON: ${(e as Error).message}`);
  }
  const g = data as Partial<Graph>;
  if (!g || typeof g !== 'object' || g.schema !== 'sentiflow/graph@1') {
    throw new Error('Not a Sentiflow graph (expected "schema": "sentiflow/graph@1").');
  }
  if (!Array.isArray(g.nodes) || !Array.isArray(g.links)) throw new Error('The graph has no "nodes" or "links" list.');
  return { ...g, name: g.name ?? 'Untitled', nodes: g.nodes, links: g.links } as Graph;
}

export function serializeGraph(graph: Graph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

/**
 * A key per node that changes when the node's type, version or params change, or when anything upstream
 * does (mirrors the runner's cache key, minus file fingerprints). Labels and positions do not count.
 */
export function nodeKeys(graph: Graph): Record<string, string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const keys: Record<string, string> = {};
  const visiting = new Set<string>();
  const keyOf = (id: string): string => {
    if (keys[id] !== undefined) return keys[id];
    const node = byId.get(id);
    if (!node || visiting.has(id)) return `missing:${id}`;
    visiting.add(id);
    const inputs = graph.links
      .filter((l) => l.to.node === id)
      .map((l) => `${l.to.input}<-${l.from.output}@${keyOf(l.from.node)}`)
      .sort();
    visiting.delete(id);
    keys[id] = canonicalJson({ t: node.type, v: node.version, p: node.params, i: inputs });
    return keys[id];
  };
  for (const n of graph.nodes) keyOf(n.id);
  return keys;
}

/** Nodes that have a result whose key differs from the key they were run with. */
export function staleNodes(graph: Graph, runKeys: Record<string, string>, hasResult: (id: string) => boolean): Set<string> {
  const now = nodeKeys(graph);
  const out = new Set<string>();
  for (const n of graph.nodes) {
    if (hasResult(n.id) && runKeys[n.id] !== undefined && runKeys[n.id] !== now[n.id]) out.add(n.id);
  }
  return out;
}

/** A fresh id like `classify2` not used in the graph. */
export function freshId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem = base.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toLowerCase()) || 'node';
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}${i}`)) return `${stem}${i}`;
}

/** Copies nodes (and the links among them) with fresh ids, offset in position, for paste. */
export function cloneNodes(nodes: GraphNode[], links: Graph['links'], taken: Iterable<string>, offset = 40): { nodes: GraphNode[]; links: Graph['links'] } {
  const used = new Set(taken);
  const map = new Map<string, string>();
  const out: GraphNode[] = [];
  for (const n of nodes) {
    const id = freshId(n.id, used);
    used.add(id);
    map.set(n.id, id);
    const pos = n.position ?? { x: 0, y: 0 };
    out.push({ ...structuredClone(n), id, position: { x: pos.x + offset, y: pos.y + offset } });
  }
  const outLinks = links
    .filter((l) => map.has(l.from.node) && map.has(l.to.node))
    .map((l) => ({ from: { ...l.from, node: map.get(l.from.node)! }, to: { ...l.to, node: map.get(l.to.node)! } }));
  return { nodes: out, links: outLinks };
}
