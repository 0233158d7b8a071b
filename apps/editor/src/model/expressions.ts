/**
 * Context for validating band-math fields as the user types (pure; the parser itself is
 * packages/nodes/src/kernels/expression.ts, imported by the ExpressionField component): which names an
 * expression may use, as the catalogue declares them (an output's `names`, a param's `names: 'upstream'`),
 * identifier checks for index names, readable errors.
 */
import type { CatalogEntry, Graph, GraphNode, JsonSchema } from '../api/types.ts';
import { unwrap } from './schema.ts';

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((b) => typeof b === 'string');

/** The names output `socket` of `node` declares it carries: the node's param `names.param`, else its default. */
export function declaredNames(node: Pick<GraphNode, 'params'>, socket: string, entry: CatalogEntry): string[] | undefined {
  const param = entry.outputs[socket]?.names?.param;
  if (!param) return undefined;
  const value = node.params?.[param];
  if (stringList(value)) return [...new Set(value)];
  const schema = entry.params.properties?.[param];
  const def = schema ? unwrap(schema).default : undefined;
  return stringList(def) ? def : undefined;
}

/**
 * Follows links back from `nodeId` (breadth-first, nearest first) to the first output that declares the names it
 * carries and returns them; undefined when there is none upstream (then expressions are only parsed).
 */
export function upstreamNames(graph: Graph, nodeId: string, catalog: CatalogEntry[] = []): string[] | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const l of graph.links) {
        if (l.to.node !== id || seen.has(l.from.node)) continue;
        seen.add(l.from.node);
        const src = byId.get(l.from.node);
        if (!src) continue;
        const entry = catalog.find((e) => e.type === src.type);
        if (entry?.outputs[l.from.output]?.names) return declaredNames(src, l.from.output, entry);
        next.push(src.id);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Does any param (or a field of a list item or object) take its names from upstream? */
function usesUpstreamNames(schema: JsonSchema): boolean {
  const s = unwrap(schema);
  if (s.names === 'upstream') return true;
  return Object.values(s.properties ?? {}).some(usesUpstreamNames) || (s.items !== undefined && usesUpstreamNames(s.items));
}

/** An index/variable name: letters, digits and _, starting with a letter, not a band name. */
export function identifierError(name: string, taken: readonly string[] = []): string | null {
  if (!name.trim()) return 'name required (e.g. NDRE)';
  if (!IDENTIFIER.test(name)) {
    const bad = /^[A-Za-z]/.test(name) ? [...name].findIndex((c) => !/[A-Za-z0-9_]/.test(c)) : 0;
    return `column ${bad + 1}: must start with a letter and contain only letters, digits and _`;
  }
  if (taken.includes(name)) return `"${name}" is a band name; choose another name`;
  return null;
}

/**
 * Formats checkExpression()'s result for display: "column 7: unknown band B99 (available: B2, …)".
 * The parser's wording ("unknown name 'B99'", "… at column 7") is made band-specific and de-duplicated.
 */
export function formatExpressionError(err: { message: string; column: number }, bandNames = true): string {
  let msg = err.message.replace(/ at column \d+/, '');
  if (bandNames) msg = msg.replace(/^unknown name(s?) (.*?) \(available:/, (_, s: string, names: string) => `unknown band${s} ${names.replace(/'/g, '')} (available:`);
  return err.column > 0 ? `column ${err.column}: ${msg}` : msg;
}

/** Extra, node-specific context the Inspector passes down to parameter controls (also into list items). */
export interface FieldContext {
  /** Names expressions may use and identifiers must avoid (undefined: parse only). */
  expressionNames?: readonly string[];
  /** The node's params (e.g. the AOI field's estimate searches with them). */
  nodeParams?: Record<string, unknown>;
}

/** The field context of a node in a graph: its params, and the names upstream when a param declares it uses them. */
export function fieldContextFor(graph: Graph | null, nodeId: string, catalog: CatalogEntry[] = []): FieldContext | undefined {
  const node = graph?.nodes.find((n) => n.id === nodeId);
  if (!graph || !node) return undefined;
  const entry = catalog.find((e) => e.type === node.type);
  return { nodeParams: node.params, ...(entry && usesUpstreamNames(entry.params) ? { expressionNames: upstreamNames(graph, nodeId, catalog) } : {}) };
}
