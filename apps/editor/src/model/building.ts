/**
 * Faster building (pure): readable default ids and labels, where a new node goes, which links it gets when
 * added next to the selection, and "duplicate this branch for another year" so a two-year analysis is built once.
 */
import type { CatalogEntry, Graph, GraphLink, GraphNode } from '../api/types.ts';

/** Id stems that say what a node is ("polygons", not "load3"). */
const ID_STEMS: Record<string, string> = {
  's2.load': 'load',
  's2.loadStac': 'stac',
  's2.cloudMask': 'mask',
  's2.index': 'index',
  's2.aggregate': 'agg',
  'vector.load': 'labels',
  'samples.fromPolygons': 'samples',
  'samples.split': 'split',
  'samples.separability': 'sep',
  'model.xgboost': 'xgb',
  'model.decisionTree': 'tree',
  'model.evaluate': 'eval',
  'model.classify': 'classify',
  'change.diff': 'change',
  'raster.export': 'export',
};

export function idStem(type: string): string {
  if (ID_STEMS[type]) return ID_STEMS[type];
  const last = type.split('.').pop() ?? type;
  return last.replace(/[^A-Za-z0-9]/g, '') || 'node';
}

/** Year of the nearest s2.load upstream of (or at) `nodeId`, if any. */
export function yearOf(graph: Pick<Graph, 'nodes' | 'links'>, nodeId: string): number | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      const n = byId.get(id);
      if (n && typeof n.params?.year === 'number') return n.params.year;
      for (const l of graph.links) if (l.to.node === id) next.push(l.from.node);
    }
    frontier = next;
  }
  return undefined;
}

/** A fresh, readable id: `mask19` for a node in a 2019 branch, else `mask`, `mask2`, … */
export function readableId(type: string, taken: Iterable<string>, year?: number): string {
  const used = new Set(taken);
  const stem = idStem(type) + (year !== undefined ? String(year % 100).padStart(2, '0') : '');
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** The catalogue label, with the branch's year, made unique: "Cloud Mask 2019", "Classify 2", … */
export function readableLabel(entry: Pick<CatalogEntry, 'label'>, takenLabels: Iterable<string>, year?: number): string {
  const used = new Set(takenLabels);
  const base = year !== undefined ? `${entry.label} ${year}` : entry.label;
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base} (${i})`)) return `${base} (${i})`;
}

export interface Box {
  x: number;
  y: number;
}

const STEP_X = 290;
const STEP_Y = 190;

/** Right of the anchor, moving down until the spot does not overlap an existing node. */
export function placeNear(anchor: Box, occupied: Box[], w = 240, h = 170): Box {
  for (let k = 0; k < 40; k++) {
    // 0, +1, -1, +2, -2 … rows from the anchor's row.
    const cand = { x: anchor.x + STEP_X, y: anchor.y + (k === 0 ? 0 : Math.ceil(k / 2) * STEP_Y * (k % 2 === 1 ? 1 : -1)) };
    if (!occupied.some((o) => Math.abs(o.x - cand.x) < w && Math.abs(o.y - cand.y) < h)) return cand;
  }
  return { x: anchor.x + STEP_X, y: anchor.y + 40 * STEP_Y };
}

type Sockets = { inputs: Record<string, Pick<CatalogEntry['inputs'][string], 'type'>>; outputs: Record<string, Pick<CatalogEntry['outputs'][string], 'type'>> };

function bfs(graph: Pick<Graph, 'links'>, start: string, dir: 'down' | 'up'): string[] {
  const out: string[] = [];
  const seen = new Set([start]);
  let frontier = [start];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const l of graph.links) {
        const [a, b] = dir === 'down' ? [l.from.node, l.to.node] : [l.to.node, l.from.node];
        if (a === id && !seen.has(b)) {
          seen.add(b);
          out.push(b);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * Links for a node of `entry` added with `selected` selected (ids in `graph`; `newId` is not in it yet):
 * each input takes a matching output from the selection, else the nearest node downstream of it, else
 * upstream; inputs that compare two things of one type (change.diff's before/after) take the graph's
 * unconsumed outputs of that type, earlier year first; each output of the new node fills a free input of
 * the selected node of the same type.
 */
export function autoLinks(graph: Pick<Graph, 'nodes' | 'links'>, entries: ReadonlyMap<string, Sockets>, entry: Sockets, newId: string, selected: string | null): GraphLink[] {
  const links: GraphLink[] = [];
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const outputsOf = (id: string) => Object.entries(entries.get(nodes.get(id)?.type ?? '')?.outputs ?? {});
  const inputTypes = Object.values(entry.inputs).map((s) => s.type);
  const order = selected && nodes.has(selected) ? [selected, ...bfs(graph, selected, 'down'), ...bfs(graph, selected, 'up')] : [];
  const used = new Set<string>();
  for (const [input, spec] of Object.entries(entry.inputs)) {
    const comparing = inputTypes.filter((t) => t === spec.type).length > 1;
    let found: { node: string; output: string } | undefined;
    if (comparing) {
      const cands = graph.nodes
        .flatMap((n) => outputsOf(n.id).filter(([, s]) => s.type === spec.type).map(([o]) => ({ node: n.id, output: o })))
        .filter((c) => !used.has(c.node) && !graph.links.some((l) => l.from.node === c.node && l.from.output === c.output))
        .sort((a, b) => (yearOf(graph, a.node) ?? 0) - (yearOf(graph, b.node) ?? 0) || a.node.localeCompare(b.node));
      found = cands[0];
    } else {
      for (const id of order) {
        const o = outputsOf(id).find(([, s]) => s.type === spec.type);
        if (o) {
          found = { node: id, output: o[0] };
          break;
        }
      }
      if (!found) {
        // A single node anywhere that offers this type (e.g. the only polygons loader) is unambiguous.
        const all = graph.nodes.flatMap((n) => outputsOf(n.id).filter(([, s]) => s.type === spec.type).map(([o]) => ({ node: n.id, output: o })));
        if (all.length === 1) found = all[0];
      }
    }
    if (found) {
      used.add(found.node);
      links.push({ from: found, to: { node: newId, input } });
    }
  }
  if (selected && nodes.has(selected)) {
    const selEntry = entries.get(nodes.get(selected)!.type);
    for (const [output, spec] of Object.entries(entry.outputs)) {
      const free = Object.entries(selEntry?.inputs ?? {}).find(
        ([inp, s]) => s.type === spec.type && !graph.links.some((l) => l.to.node === selected && l.to.input === inp) && !links.some((l) => l.to.node === selected && l.to.input === inp),
      );
      if (free) links.push({ from: { node: newId, output }, to: { node: selected, input: free[0] } });
    }
  }
  return links;
}

/**
 * Copies a loader and everything downstream of it for another year: ids/labels/string params with the old
 * year get the new one, year-specific sources feeding only the branch (the labels) are copied too, shared
 * nodes stay shared, and a comparison node (two inputs of one type, e.g. change.diff) is not copied but gets
 * the copy on its free input. Returns the nodes and links to add.
 */
export function duplicateForYear(graph: Graph, entries: ReadonlyMap<string, Sockets>, loaderId: string, year: number): { nodes: GraphNode[]; links: GraphLink[] } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const loader = byId.get(loaderId);
  if (!loader) return { nodes: [], links: [] };
  const oldYear = typeof loader.params.year === 'number' ? loader.params.year : undefined;
  const isComparison = (id: string) => {
    const types = Object.values(entries.get(byId.get(id)?.type ?? '')?.inputs ?? {}).map((s) => s.type);
    return types.length !== new Set(types).size;
  };
  const branch = new Set<string>([loaderId]);
  const stack = [loaderId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const l of graph.links) {
      if (l.from.node !== id || branch.has(l.to.node) || isComparison(l.to.node)) continue;
      branch.add(l.to.node);
      stack.push(l.to.node);
    }
  }
  // Sources outside the branch that feed only the branch are year-specific (e.g. this year's labels).
  for (const l of graph.links) {
    const src = l.from.node;
    if (!branch.has(l.to.node) || branch.has(src)) continue;
    const hasInputs = graph.links.some((x) => x.to.node === src);
    const consumers = graph.links.filter((x) => x.from.node === src).map((x) => x.to.node);
    if (!hasInputs && consumers.every((c) => branch.has(c))) branch.add(src);
  }
  const oldText = oldYear !== undefined ? String(oldYear) : null;
  const oldShort = oldYear !== undefined ? String(oldYear % 100).padStart(2, '0') : null;
  const newShort = String(year % 100).padStart(2, '0');
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return oldText ? v.split(oldText).join(String(year)) : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  const taken = new Set(graph.nodes.map((n) => n.id));
  const ids = new Map<string, string>();
  const members = graph.nodes.filter((n) => branch.has(n.id));
  const ys = members.map((n) => n.position?.y ?? 0);
  const dy = Math.max(...ys) - Math.min(...ys) + STEP_Y + 60;
  const nodes: GraphNode[] = members.map((n) => {
    let id = oldShort && n.id.endsWith(oldShort) ? n.id.slice(0, -oldShort.length) + newShort : `${n.id}_${year}`;
    if (taken.has(id)) id = readableId(n.type, taken, year);
    taken.add(id);
    ids.set(n.id, id);
    const params = swap(structuredClone(n.params)) as Record<string, unknown>;
    if (n.id === loaderId) params.year = year;
    const copy: GraphNode = { ...n, id, params, position: { x: n.position?.x ?? 0, y: (n.position?.y ?? 0) + dy } };
    if (n.label) copy.label = oldText && n.label.includes(oldText) ? n.label.split(oldText).join(String(year)) : `${n.label} ${year}`;
    return copy;
  });
  const links: GraphLink[] = [];
  for (const l of graph.links) {
    const from = ids.get(l.from.node) ?? l.from.node;
    if (ids.has(l.to.node)) links.push({ from: { node: from, output: l.from.output }, to: { node: ids.get(l.to.node)!, input: l.to.input } });
    else if (ids.has(l.from.node) && isComparison(l.to.node)) {
      // The comparison's free input of the same type gets the copy.
      const spec = entries.get(byId.get(l.to.node)!.type)!.inputs[l.to.input];
      const free = Object.entries(entries.get(byId.get(l.to.node)!.type)!.inputs).find(([k, s]) => s.type === spec.type && k !== l.to.input && !graph.links.some((x) => x.to.node === l.to.node && x.to.input === k));
      if (free) links.push({ from: { node: from, output: l.from.output }, to: { node: l.to.node, input: free[0] } });
    }
  }
  return { nodes, links };
}
