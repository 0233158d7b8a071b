/**
 * Validates a graph document against a catalogue and reports EVERY problem at once, each naming the node
 * and param (dotted path) or link it concerns. Returns the migrated graph when there is no problem.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { GRAPH_SCHEMA_ID, graphLinkSchema, graphNodeSchema, graphSchema } from './graphSchema.ts';
import { MAX_PARAM_DEPTH, tooDeepAt } from './depth.ts';
import { checkProblems, labelProblems } from './checks.ts';
import { humanizeParamIssue } from './humanize.ts';
import { migrateNode } from './migrate.ts';
import { pathEscapes, pathValues } from './paths.ts';
import { unknownParams } from './unknownParams.ts';
import type { ProblemCode } from './problems.ts';
import type { Graph, GraphLink, GraphNode, Problem } from './types.ts';

export interface ValidateOptions {
  dataRoot: string;
}

export interface ValidateResult {
  graph: Graph | null;
  problems: Problem[];
}

function problem(code: ProblemCode, message: string, where: Omit<Problem, 'code' | 'message'> = {}): Problem {
  return { code, message, ...where };
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/** Schema issues, attributed to a node (by id when readable) or a link. */
function schemaProblems(json: Record<string, unknown>, error: z.ZodError): Problem[] {
  const rawNodes = Array.isArray(json.nodes) ? json.nodes : [];
  return error.issues.map((issue) => {
    const [head, index, ...rest] = issue.path;
    const at = issuePath(issue) || '(root)';
    if (head === 'nodes' && typeof index === 'number') {
      const raw = rawNodes[index] as { id?: unknown } | undefined;
      const id = raw && typeof raw.id === 'string' ? raw.id : undefined;
      const inNode = rest.map(String).join('.');
      const msg = id === undefined ? `${at}: ${issue.message}` : inNode ? `${inNode}: ${issue.message}` : issue.message;
      const code = (issue as { params?: { code?: unknown } }).params?.code === 'reserved-id' ? 'reserved-id' : 'graph-schema';
      return problem(code, code === 'reserved-id' ? `node id "${String(id)}": ${issue.message}` : msg, {
        ...(id !== undefined ? { nodeId: id } : {}),
        ...(rest[0] === 'params' && rest.length > 1 ? { param: rest.slice(1).map(String).join('.') } : {}),
      });
    }
    if (head === 'links' && typeof index === 'number') return problem('graph-schema', `${at}: ${issue.message}`, { link: index });
    return problem('graph-schema', `${at}: ${issue.message}`);
  });
}

export function validateGraph(json: unknown, catalog: AnyNodeDefinition[], options: ValidateOptions): ValidateResult {
  const problems: Problem[] = [];
  if (typeof json === 'string') {
    try {
      // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
      json = JSON.parse(json.replace(/^\uFEFF/, ''));
    } catch (err) {
      return { graph: null, problems: [problem('graph-schema', `not valid JSON: ${(err as Error).message}`)] };
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { graph: null, problems: [problem('graph-schema', `expected a ${GRAPH_SCHEMA_ID} object`)] };
  }
  const doc = json as Record<string, unknown>;
  const parsed = graphSchema.safeParse(doc);
  if (!parsed.success) problems.push(...schemaProblems(doc, parsed.error));

  // Salvage what parses so that every other problem is reported too.
  const rawNodes: GraphNode[] = parsed.success
    ? parsed.data.nodes
    : (Array.isArray(doc.nodes) ? doc.nodes : []).flatMap((n) => {
        const r = graphNodeSchema.safeParse(n);
        return r.success ? [r.data] : [];
      });
  const links: GraphLink[] = parsed.success
    ? parsed.data.links
    : (Array.isArray(doc.links) ? doc.links : []).map((l) => {
        const r = graphLinkSchema.safeParse(l);
        return r.success ? r.data : null;
      }).filter((l): l is GraphLink => l !== null);

  const byType = new Map(catalog.map((d) => [d.type, d]));
  const nodes = new Map<string, GraphNode>();
  const defs = new Map<string, AnyNodeDefinition>();
  for (const raw of rawNodes) {
    if (nodes.has(raw.id)) {
      problems.push(problem('duplicate-id', `duplicate node id "${raw.id}": another node already uses it (this one is a ${raw.type})`, { nodeId: raw.id }));
      continue;
    }
    const def = byType.get(raw.type);
    if (!def) {
      nodes.set(raw.id, raw);
      problems.push(problem('unknown-type', `unknown node type "${raw.type}"`, { nodeId: raw.id }));
      continue;
    }
    const migrated = migrateNode(raw, def);
    if (migrated.problem) {
      nodes.set(raw.id, raw);
      problems.push(migrated.problem);
      continue;
    }
    const node = migrated.node;
    nodes.set(node.id, node);
    defs.set(node.id, def);
    const deep = tooDeepAt(node.params, MAX_PARAM_DEPTH);
    if (deep !== null) {
      const param = deep.split('.')[0];
      problems.push(problem('param-too-deep', `${param}: nested more than ${MAX_PARAM_DEPTH} levels deep (at ${deep.split('.').slice(0, 4).join('.')}…)`, { nodeId: node.id, param }));
      continue;
    }
    let params: ReturnType<typeof def.params.safeParse>;
    try {
      params = def.params.safeParse(node.params);
    } catch (err) {
      // A param checker that recursed too far (e.g. on a huge expression): named, not a crash.
      if (!(err instanceof RangeError)) throw err;
      problems.push(problem('param-too-deep', `a param is too large or too deeply nested to check: ${err.message}`, { nodeId: node.id }));
      continue;
    }
    for (const u of unknownParams(def.type, def.params, node.params)) problems.push(problem('param-unknown', u.message, { nodeId: node.id, param: u.param }));
    if (!params.success) {
      for (const issue of params.error.issues) {
        const p = issuePath(issue);
        const info = { pathParams: def.pathParams ?? [], description: def.params.shape[String(issue.path[0])]?.description };
        problems.push(problem('param-invalid', humanizeParamIssue(issue, node.params, info), { nodeId: node.id, ...(p ? { param: p } : {}) }));
      }
    }
    const values = (params.success ? params.data : node.params) as Record<string, unknown>;
    for (const name of def.pathParams ?? []) {
      for (const rel of pathValues(values[name])) {
        const why = pathEscapes(options.dataRoot, rel);
        if (why) problems.push(problem('path-outside-root', `${why}: choose a file or folder inside the data root (${name})`, { nodeId: node.id, param: name }));
        else if (!existsSync(path.resolve(options.dataRoot, rel))) {
          problems.push(problem('file-missing', `"${rel}" does not exist in the data root: choose an existing file or folder (${name})`, { nodeId: node.id, param: name }));
        }
      }
    }
  }

  // Links: dangling ends, socket types, duplicate inputs.
  const goodLinks: GraphLink[] = [];
  const connected = new Map<string, number>();
  links.forEach((link, i) => {
    const fromDef = defs.get(link.from.node);
    const toDef = defs.get(link.to.node);
    const danglings: string[] = [];
    if (!nodes.has(link.from.node)) danglings.push(`comes from unknown node "${link.from.node}"`);
    else if (fromDef && !Object.hasOwn(fromDef.outputs, link.from.output)) {
      danglings.push(`comes from unknown output "${link.from.output}" of ${link.from.node} (${fromDef.type} has: ${Object.keys(fromDef.outputs).join(', ') || 'none'})`);
    }
    if (!nodes.has(link.to.node)) danglings.push(`goes to unknown node "${link.to.node}"`);
    else if (toDef && !Object.hasOwn(toDef.inputs, link.to.input)) {
      danglings.push(`goes to unknown input "${link.to.input}" of ${link.to.node} (${toDef.type} has: ${Object.keys(toDef.inputs).join(', ') || 'none'})`);
    }
    const where = { link: i, ...(nodes.has(link.to.node) ? { nodeId: link.to.node } : nodes.has(link.from.node) ? { nodeId: link.from.node } : {}) };
    if (danglings.length) {
      problems.push(problem('link-dangling', `link ${i} ${danglings.join(' and ')}`, where));
      return;
    }
    const key = `${link.to.node}\u0000${link.to.input}`;
    if (connected.has(key)) {
      problems.push(problem('input-duplicate', `input "${link.to.input}" has more than one link (links ${connected.get(key)} and ${i})`, where));
      return;
    }
    connected.set(key, i);
    if (fromDef && toDef) {
      const out = fromDef.outputs[link.from.output].type;
      const inp = toDef.inputs[link.to.input].type;
      if (out !== inp) {
        problems.push(problem('link-type', `link ${i}: output ${link.from.node}.${link.from.output} (${out}) cannot connect to input ${link.to.node}.${link.to.input} (${inp})`, where));
        return;
      }
    }
    goodLinks.push(link);
  });

  for (const [id, def] of defs) {
    for (const [name, spec] of Object.entries(def.inputs)) {
      if (!connected.has(`${id}\u0000${name}`)) {
        problems.push(problem('input-missing', `input "${name}" (${spec.type}) is not connected`, { nodeId: id }));
      }
    }
  }

  problems.push(...checkProblems(nodes, defs, goodLinks, problems, options.dataRoot));

  for (const cycle of findCycles([...nodes.keys()], goodLinks)) {
    problems.push(problem('cycle', `cycle through nodes ${cycle.join(' → ')} → ${cycle[0]}`, { nodeId: cycle[0] }));
  }

  labelProblems(problems, nodes, defs);
  if (problems.length || !parsed.success) return { graph: null, problems };
  return { graph: { ...parsed.data, nodes: [...nodes.values()], links: goodLinks } as Graph, problems };
}

/**
 * Strongly connected components with more than one node (or a self-loop), via Tarjan's algorithm with an
 * explicit stack: a 10,000-node chain or cycle must not overflow the call stack.
 */
export function findCycles(ids: string[], links: GraphLink[]): string[][] {
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const l of links) next.get(l.from.node)?.push(l.to.node);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const open = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    open(root);
    // Each frame: a node and the position of the next successor to look at.
    const frames: { v: string; i: number }[] = [{ v: root, i: 0 }];
    while (frames.length) {
      const frame = frames[frames.length - 1];
      const succ = next.get(frame.v) ?? [];
      if (frame.i < succ.length) {
        const w = succ[frame.i++];
        if (!index.has(w)) {
          open(w);
          frames.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = frame.v;
      if (frames.length) {
        const parent = frames[frames.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || succ.includes(v)) cycles.push(scc.reverse());
      }
    }
  }
  return cycles;
}
