/**
 * Facts about a run that the history, the compare view and the report share: the headline figures (change of
 * interest in km², % change of its target class, accuracy, an error-adjusted area when the graph estimates one)
 * and what changed in the graph since another run. Pure (no Node imports) so the editor imports it too.
 */

export interface GraphLike {
  name?: string;
  nodes: { id: string; type: string; label?: string; params?: Record<string, unknown>; position?: { x: number; y: number } }[];
  links: { from: { node: string; output: string }; to: { node: string; input: string } }[];
}

export interface NodeStateLike {
  status: string;
  summary?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface AccuracyFact {
  nodeId: string;
  accuracy: number;
  kappa: number;
}

export interface AreaEstimateFact {
  nodeId: string;
  className: string | null;
  areaKm2: number;
  /** Half-width of the 95 % confidence interval, km². */
  ciKm2: number | null;
}

export interface Headline {
  /** Node that produced the change, with the transition it reports (default forest → asgm). */
  changeNodeId: string | null;
  from: string | null;
  to: string | null;
  transitionKm2: number | null;
  /** Area change of the target class, percent (null when it had no area before). */
  changePercent: number | null;
  accuracy: AccuracyFact[];
  areaEstimates: AreaEstimateFact[];
}

export interface GraphChange {
  kind: 'param' | 'added' | 'removed' | 'links';
  nodeId: string;
  label: string;
  param?: string;
  before?: unknown;
  after?: unknown;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function outputsOfKind(state: NodeStateLike, kind: string): Record<string, unknown>[] {
  return Object.values(state.outputs ?? {}).filter((v): v is Record<string, unknown> => (v as { kind?: unknown } | null)?.kind === kind);
}

/** An area estimate (Olofsson) as a validation node may report it; tolerant of the exact field names. */
function areaEstimatesOf(nodeId: string, state: NodeStateLike): AreaEstimateFact[] {
  const candidates: Record<string, unknown>[] = [...outputsOfKind(state, 'AreaEstimate')];
  if (state.summary) candidates.push(state.summary);
  const out: AreaEstimateFact[] = [];
  for (const c of candidates) {
    const rows = Array.isArray(c.classes) ? (c.classes as unknown[]) : Array.isArray(c.areas) ? (c.areas as unknown[]) : [c];
    for (const row of rows) {
      if (!row || typeof row !== 'object') continue;
      const r = row as Record<string, unknown>;
      const area = num(r.estimateKm2) ?? num(r.areaKm2) ?? num(r.adjustedAreaKm2) ?? num(r.estimatedAreaKm2);
      if (area === null) continue;
      const ci = num(r.ci95Km2) ?? num(r.ciKm2) ?? num(r.marginKm2) ?? num(r.halfWidthKm2);
      const className = typeof r.name === 'string' ? r.name : typeof r.className === 'string' ? r.className : typeof r.class === 'string' ? r.class : null;
      out.push({ nodeId, className, areaKm2: area, ciKm2: ci });
    }
    if (out.length) break;
  }
  return out;
}

/** Headline figures of a run from its node states; nodes are taken in the given order (graph order). */
export function headlineOf(nodes: Record<string, NodeStateLike>, order: string[] = Object.keys(nodes)): Headline {
  const h: Headline = { changeNodeId: null, from: null, to: null, transitionKm2: null, changePercent: null, accuracy: [], areaEstimates: [] };
  for (const id of order) {
    const state = nodes[id];
    if (!state || (state.status !== 'done' && state.status !== 'cached')) continue;
    for (const m of outputsOfKind(state, 'Metrics')) {
      const accuracy = num(m.accuracy);
      if (accuracy !== null) h.accuracy.push({ nodeId: id, accuracy, kappa: num(m.kappa) ?? NaN });
    }
    const change = outputsOfKind(state, 'Change')[0];
    if (change && h.changeNodeId === null) {
      const labels = (change.labels ?? change.classes) as string[];
      const focus = (change.focus as { from: string; to: string } | undefined) ?? { from: 'forest', to: 'asgm' };
      const i = labels.indexOf(focus.from);
      const j = labels.indexOf(focus.to);
      const km2 = change.transitionKm2 as number[][];
      h.changeNodeId = id;
      h.from = focus.from;
      h.to = focus.to;
      h.transitionKm2 = i >= 0 && j >= 0 ? num(km2?.[i]?.[j]) : null;
      h.changePercent = num((change.changePercent as Record<string, unknown>)?.[focus.to]);
    }
    // validation.areaEstimate reports `areas: [{name, mapKm2, estimateKm2, ci95Km2, …}]` with `overallAccuracy` beside it.
    const isAreaReport = Array.isArray(state.summary?.areas) && state.summary?.overallAccuracy !== undefined;
    if (isAreaReport || /areaEstimate/i.test(id) || outputsOfKind(state, 'AreaEstimate').length || state.summary?.kind === 'AreaEstimate') {
      h.areaEstimates.push(...areaEstimatesOf(id, state));
    }
  }
  return h;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changed from graph `before` to graph `after`: params per node, added/removed nodes, rewired inputs. */
export function diffGraphs(before: GraphLike | null, after: GraphLike | null): GraphChange[] {
  if (!before || !after) return [];
  const out: GraphChange[] = [];
  const prev = new Map(before.nodes.map((n) => [n.id, n]));
  const next = new Map(after.nodes.map((n) => [n.id, n]));
  const inputsOf = (g: GraphLike, id: string): string =>
    JSON.stringify(g.links.filter((l) => l.to.node === id).map((l) => `${l.to.input}<-${l.from.node}.${l.from.output}`).sort());
  for (const n of after.nodes) {
    const label = n.label || n.id;
    const p = prev.get(n.id);
    if (!p) {
      out.push({ kind: 'added', nodeId: n.id, label, after: n.type });
      continue;
    }
    const keys = [...new Set([...Object.keys(p.params ?? {}), ...Object.keys(n.params ?? {})])].sort();
    for (const k of keys) {
      const a = p.params?.[k];
      const b = n.params?.[k];
      if (!same(a, b)) out.push({ kind: 'param', nodeId: n.id, label, param: k, before: a, after: b });
    }
    if (inputsOf(before, n.id) !== inputsOf(after, n.id)) out.push({ kind: 'links', nodeId: n.id, label });
  }
  for (const n of before.nodes) if (!next.has(n.id)) out.push({ kind: 'removed', nodeId: n.id, label: n.label || n.id, before: n.type });
  return out;
}

/** One line per change, e.g. "Composite 2019: reducers [mean] → [median, std]". */
export function describeChange(c: GraphChange): string {
  const v = (x: unknown): string => (x === undefined ? '(default)' : Array.isArray(x) ? `[${x.map((e) => (typeof e === 'object' ? JSON.stringify(e) : String(e))).join(', ')}]` : typeof x === 'object' ? JSON.stringify(x) : String(x));
  switch (c.kind) {
    case 'param':
      return `${c.label}: ${c.param} ${v(c.before)} → ${v(c.after)}`;
    case 'added':
      return `${c.label}: added (${String(c.after)})`;
    case 'removed':
      return `${c.label}: removed (${String(c.before)})`;
    case 'links':
      return `${c.label}: inputs rewired`;
  }
}
