/**
 * Runs each node's own `check` (files, names, formulas against the data) during validation, so that nothing
 * passes `validate` that the run would reject; and names nodes by label in problems ("Load Sentinel-2 (load19)").
 */
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { NodeError } from '@sentiflow/nodes/define.ts';
import { resolveDataPath } from './paths.ts';
import type { GraphLink, GraphNode, Problem } from './types.ts';

/** Upstream nodes of `id`, nearest first (breadth-first along links). */
function upstreamOf(id: string, nodes: Map<string, GraphNode>, links: GraphLink[]): GraphNode[] {
  const out: GraphNode[] = [];
  const seen = new Set([id]);
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const cur of frontier) {
      for (const l of links) {
        if (l.to.node !== cur || seen.has(l.from.node)) continue;
        seen.add(l.from.node);
        const n = nodes.get(l.from.node);
        if (n) {
          out.push(n);
          next.push(n.id);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * Problems from node checks. A node is checked only when its own params and paths have no problem yet
 * (a check may assume valid params); a check that throws is reported, not propagated.
 */
export function checkProblems(
  nodes: Map<string, GraphNode>,
  defs: Map<string, AnyNodeDefinition>,
  links: GraphLink[],
  earlier: Problem[],
  dataRoot: string,
): Problem[] {
  const out: Problem[] = [];
  const memo = new Map<string, unknown>();
  const blocked = new Set(earlier.filter((p) => p.nodeId && (p.code === 'param-invalid' || p.code === 'path-outside-root' || p.code === 'file-missing' || p.code === 'unknown-version')).map((p) => p.nodeId!));
  for (const [id, def] of defs) {
    if (!def.check || blocked.has(id)) continue;
    const parsed = def.params.safeParse(nodes.get(id)!.params);
    if (!parsed.success) continue;
    const inputsOf = (nodeId: string) => Object.fromEntries(links.filter((l) => l.to.node === nodeId).map((l) => [l.to.input, l.from.node]));
    const upstream = upstreamOf(id, nodes, links).map((n) => {
      const d = defs.get(n.id);
      const r = d?.params.safeParse(n.params);
      return { id: n.id, type: n.type, params: (r?.success ? r.data : n.params) as Record<string, unknown>, inputs: inputsOf(n.id) };
    });
    try {
      for (const p of def.check(parsed.data, { dataRoot, resolvePath: (rel, param) => resolveDataPath(dataRoot, rel, param), upstream, inputs: inputsOf(id), memo })) {
        out.push({ code: 'param-check', message: p.message, nodeId: id, ...(p.param ? { param: p.param } : {}) });
      }
    } catch (e) {
      const param = e instanceof NodeError ? e.details.param : undefined;
      out.push({ code: 'param-check', message: (e as Error).message, nodeId: id, ...(param ? { param } : {}) });
    }
  }
  return out;
}

/** Adds the node's label (its own, else the catalogue's) to every problem that names a node. */
export function labelProblems(problems: Problem[], nodes: Map<string, GraphNode>, defs: Map<string, AnyNodeDefinition>): void {
  for (const p of problems) {
    if (p.nodeId === undefined) continue;
    const label = nodes.get(p.nodeId)?.label ?? defs.get(p.nodeId)?.label;
    if (label) p.nodeLabel = label;
  }
}
