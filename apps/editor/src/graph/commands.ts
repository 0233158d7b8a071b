/**
 * The editor's edits as pure commands on a graph document (no DOM, Rete or React): each takes the document and
 * the catalogue and returns the next document, or a refusal in words. The store (store.ts) applies them and
 * keeps undo; the canvas only renders the document and turns gestures into these commands.
 */
import type { CatalogEntry, Graph, GraphLink, GraphNode } from '../api/types.ts';
import { createsCycle, linkRefusal } from '../model/catalog.ts';
import { defaultParams } from '../model/schema.ts';
import { autoLinks, placeNear, readableId, readableLabel, yearOf } from '../model/building.ts';

export interface Point {
  x: number;
  y: number;
}

/** What undo/redo travel through: the graph file's content, plus which document it is. */
export interface GraphDoc {
  name: string;
  description: string;
  nodes: GraphNode[];
  links: GraphLink[];
  /** Bumped by load/new: run state and results belong to one document; undo brings the number back too. */
  generation: number;
}

export interface CommandContext {
  entries: ReadonlyMap<string, CatalogEntry>;
  selection: readonly string[];
}

/** `select` replaces the selection (e.g. the nodes just added). */
export type Outcome = { doc: GraphDoc; select?: string[] } | { refused: string };
export type Command = (doc: GraphDoc, ctx: CommandContext) => Outcome;

export const emptyDoc = (generation = 0): GraphDoc => ({ name: 'Untitled graph', description: '', nodes: [], links: [], generation });

const round = (p: Point): Point => ({ x: Math.round(p.x), y: Math.round(p.y) });
export const linkKey = (l: GraphLink): string => `${l.from.node}\u0000${l.from.output}\u0000${l.to.node}\u0000${l.to.input}`;
const sameInput = (l: GraphLink, to: GraphLink['to']) => l.to.node === to.node && l.to.input === to.input;

/**
 * Socket names and types of a node: from its catalogue entry, or for a type this runner does not know, the
 * sockets its links use (typed "?", so they link only to each other).
 */
export function socketsOf(node: GraphNode, links: readonly GraphLink[], entries: ReadonlyMap<string, CatalogEntry>): { inputs: Record<string, string>; outputs: Record<string, string> } {
  const entry = entries.get(node.type);
  if (entry) {
    const types = (s: CatalogEntry['inputs']) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.type]));
    return { inputs: types(entry.inputs), outputs: types(entry.outputs) };
  }
  const unknown = (names: string[]) => Object.fromEntries(names.map((k) => [k, '?']));
  return {
    inputs: unknown(links.filter((l) => l.to.node === node.id).map((l) => l.to.input)),
    outputs: unknown([...new Set(links.filter((l) => l.from.node === node.id).map((l) => l.from.output))]),
  };
}

/** Why this link cannot be made in `doc` (unknown socket, socket types differ, itself, a cycle), or null. */
export function linkProblem(doc: Pick<GraphDoc, 'nodes' | 'links'>, entries: ReadonlyMap<string, CatalogEntry>, link: GraphLink): string | null {
  const src = doc.nodes.find((n) => n.id === link.from.node);
  const dst = doc.nodes.find((n) => n.id === link.to.node);
  const out = src && socketsOf(src, doc.links, entries).outputs[link.from.output];
  const inp = dst && socketsOf(dst, doc.links, entries).inputs[link.to.input];
  if (!out || !inp) return 'Unknown socket.';
  // An input takes one link: the one it replaces does not count towards a cycle.
  const others = doc.links.filter((l) => !sameInput(l, link.to)).map((l): [string, string] => [l.from.node, l.to.node]);
  return (
    linkRefusal({ node: link.from.node, socket: link.from.output, type: out }, { node: link.to.node, socket: link.to.input, type: inp }) ??
    (createsCycle(others, link.from.node, link.to.node) ? 'This link would create a cycle.' : null)
  );
}

function withLinks(doc: GraphDoc, entries: ReadonlyMap<string, CatalogEntry>, links: readonly GraphLink[]): GraphDoc {
  let next = doc;
  for (const l of links) {
    if (next.links.some((x) => linkKey(x) === linkKey(l)) || linkProblem(next, entries, l)) continue;
    next = { ...next, links: [...next.links.filter((x) => !sameInput(x, l.to)), structuredClone(l)] };
  }
  return next;
}

/** Adds a node of `type` with its default params at `at` (the id is readable and fresh unless `id` is free). */
export function addNode(type: string, at: Point, opts: { id?: string; label?: string } = {}): Command {
  return (doc, { entries }) => {
    const entry = entries.get(type);
    if (!entry) return { refused: `Unknown node type ${type}.` };
    const taken = doc.nodes.map((n) => n.id);
    const id = opts.id && !taken.includes(opts.id) ? opts.id : readableId(type, taken);
    const node: GraphNode = { id, type, version: entry.version, params: defaultParams(entry.params), position: round(at), ...(opts.label ? { label: opts.label } : {}) };
    return { doc: { ...doc, nodes: [...doc.nodes, node] }, select: [id] };
  };
}

/**
 * Palette click: a node placed next to the selected node (or at `fallback`), linked to it and its branch when the
 * socket types fit, with the branch's year in its id and label ("mask19", "Cloud Mask 2019").
 */
export function addNodeNearSelection(type: string, fallback: Point): Command {
  return (doc, ctx) => {
    const entry = ctx.entries.get(type);
    if (!entry) return { refused: `Unknown node type ${type}.` };
    const sel = doc.nodes.find((n) => ctx.selection.includes(n.id))?.id ?? null;
    const probeId = '\u0000new';
    const links = autoLinks(doc, ctx.entries, entry, probeId, sel);
    const yearFrom = links.find((l) => l.to.node === probeId)?.from.node ?? sel;
    // A node comparing two years (two inputs of one type, e.g. change.diff) belongs to no single year.
    const types = Object.values(entry.inputs).map((x) => x.type);
    const year = yearFrom && new Set(types).size === types.length ? yearOf(doc, yearFrom) : undefined;
    const id = readableId(type, doc.nodes.map((n) => n.id), year);
    const label = readableLabel(entry, doc.nodes.map((n) => n.label ?? ctx.entries.get(n.type)?.label ?? n.type), year);
    const anchor = doc.nodes.find((n) => n.id === yearFrom);
    const pos = anchor ? placeNear(anchor.position ?? { x: 0, y: 0 }, doc.nodes.map((n) => n.position ?? { x: 0, y: 0 })) : fallback;
    const added = addNode(type, pos, { id, label })(doc, ctx);
    if ('refused' in added) return added;
    const fixed = links.map((l) => ({ from: { ...l.from, node: l.from.node === probeId ? id : l.from.node }, to: { ...l.to, node: l.to.node === probeId ? id : l.to.node } }));
    return { doc: withLinks(added.doc, ctx.entries, fixed), select: [id] };
  };
}

/** Removes nodes and every link touching them. */
export function removeNodes(ids: readonly string[]): Command {
  return (doc, { selection }) => {
    const gone = new Set(ids);
    if (!doc.nodes.some((n) => gone.has(n.id))) return { doc };
    return {
      doc: { ...doc, nodes: doc.nodes.filter((n) => !gone.has(n.id)), links: doc.links.filter((l) => !gone.has(l.from.node) && !gone.has(l.to.node)) },
      select: selection.filter((id) => !gone.has(id)),
    };
  };
}

/** Links an output to an input (replacing the input's link); refused with the reason when the sockets do not fit. */
export function connect(link: GraphLink): Command {
  return (doc, { entries }) => {
    if (doc.links.some((l) => linkKey(l) === linkKey(link))) return { doc };
    const problem = linkProblem(doc, entries, link);
    if (problem) return { refused: problem };
    return { doc: withLinks(doc, entries, [link]) };
  };
}

export function disconnect(link: GraphLink): Command {
  return (doc) => ({ doc: doc.links.some((l) => linkKey(l) === linkKey(link)) ? { ...doc, links: doc.links.filter((l) => linkKey(l) !== linkKey(link)) } : doc });
}

/** Changes one node's params and/or label (one undo step). */
export function updateNode(id: string, patch: { params?: Record<string, unknown>; label?: string }): Command {
  return (doc) => {
    const node = doc.nodes.find((n) => n.id === id);
    if (!node) return { refused: `No node ${id} in the graph.` };
    const next: GraphNode = { ...node, ...(patch.params ? { params: patch.params } : {}), ...(patch.label !== undefined ? { label: patch.label } : {}) };
    return { doc: { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? next : n)) } };
  };
}

export const setParams = (id: string, params: Record<string, unknown>): Command => updateNode(id, { params });
export const setLabel = (id: string, label: string): Command => updateNode(id, { label });

/** Params of several nodes at once, e.g. every loader pointed at another folder: one undo step. */
export function setParamsOfMany(changes: ReadonlyMap<string, Record<string, unknown>>): Command {
  return (doc) => ({ doc: changes.size ? { ...doc, nodes: doc.nodes.map((n) => (changes.has(n.id) ? { ...n, params: changes.get(n.id)! } : n)) } : doc });
}

export function setMeta(meta: { name?: string; description?: string }): Command {
  return (doc) => ({ doc: { ...doc, ...(meta.name !== undefined ? { name: meta.name } : {}), ...(meta.description !== undefined ? { description: meta.description } : {}) } });
}

/** Moves nodes (positions are kept in whole canvas units, as files store them). Unchanged positions change nothing. */
export function moveNodes(positions: ReadonlyMap<string, Point>): Command {
  return (doc) => {
    let changed = false;
    const nodes = doc.nodes.map((n) => {
      const p = positions.get(n.id);
      if (!p) return n;
      const r = round(p);
      if (n.position && Math.round(n.position.x) === r.x && Math.round(n.position.y) === r.y) return n;
      changed = true;
      return { ...n, position: r };
    });
    return { doc: changed ? { ...doc, nodes } : doc };
  };
}

/** Adds nodes (with fresh ids) and the links among them and to the graph, and selects them; links that do not fit are left out. */
export function insert(nodes: readonly GraphNode[], links: readonly GraphLink[]): Command {
  return (doc, { entries }) => {
    const taken = new Set(doc.nodes.map((n) => n.id));
    const clash = nodes.find((n) => taken.has(n.id));
    if (clash) return { refused: `A node ${clash.id} is already in the graph.` };
    const added = { ...doc, nodes: [...doc.nodes, ...nodes.map((n) => structuredClone(n))] };
    return { doc: withLinks(added, entries, links), select: nodes.map((n) => n.id) };
  };
}

/**
 * Replaces the document with a graph file's content (a new generation). Links to nodes or sockets that do not
 * exist are dropped, as the canvas cannot draw them.
 */
export function loadGraph(graph: Pick<Graph, 'nodes' | 'links'> & { name?: string; description?: string }): Command {
  return (doc, { entries }) => {
    const nodes = graph.nodes.map((n) => ({ ...structuredClone(n), params: structuredClone(n.params ?? {}) }));
    const all = graph.links ?? [];
    const links = all.filter((l) => {
      const src = nodes.find((n) => n.id === l.from.node);
      const dst = nodes.find((n) => n.id === l.to.node);
      return !!src && !!dst && socketsOf(src, all, entries).outputs[l.from.output] !== undefined && socketsOf(dst, all, entries).inputs[l.to.input] !== undefined;
    });
    return { doc: { name: graph.name ?? 'Untitled graph', description: graph.description ?? '', nodes, links: structuredClone(links), generation: doc.generation + 1 }, select: [] };
  };
}

export const newGraph = (): Command => loadGraph({ name: 'Untitled graph', nodes: [], links: [] });

/** The document as a graph file (`sentiflow/graph@1`); a label equal to the type's is left out, as the runner writes it. */
export function toGraph(doc: GraphDoc, entries: ReadonlyMap<string, CatalogEntry>): Graph {
  const nodes = doc.nodes.map((n): GraphNode => {
    const out: GraphNode = { id: n.id, type: n.type, version: n.version, params: structuredClone(n.params) };
    if (n.label && n.label !== entries.get(n.type)?.label) out.label = n.label;
    out.position = n.position ? { ...n.position } : { x: 0, y: 0 };
    return out;
  });
  const g: Graph = { schema: 'sentiflow/graph@1', name: doc.name, nodes, links: structuredClone(doc.links) };
  if (doc.description) g.description = doc.description;
  return g;
}
