/**
 * Context for validating band-math fields as the user types (pure; the parser itself is
 * packages/nodes/src/kernels/expression.ts, imported by the ExpressionField component):
 * which band names an s2.index node can use, identifier checks for index names, readable errors.
 */
import type { CatalogEntry, Graph } from '../api/types.ts';
import { unwrap } from './schema.ts';

/** s2.load's default bands (used when the catalogue does not say). */
export const DEFAULT_S2_BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Bands an s2.load node loads: its `bands` param, else the catalogue default, else DEFAULT_S2_BANDS. */
export function loadedBands(params: Record<string, unknown>, entry?: CatalogEntry): string[] {
  if (Array.isArray(params.bands) && params.bands.every((b) => typeof b === 'string')) return [...new Set(params.bands as string[])];
  const schema = entry?.params.properties?.bands;
  const def = schema ? unwrap(schema).default : undefined;
  if (Array.isArray(def) && def.every((b) => typeof b === 'string')) return def as string[];
  return DEFAULT_S2_BANDS;
}

/**
 * Follows links back from `nodeId` (breadth-first, nearest first) to the first s2.load node and returns
 * its bands; undefined when there is none upstream (then expressions are only parsed, not name-checked).
 */
export function upstreamBands(graph: Graph, nodeId: string, catalog: CatalogEntry[] = []): string[] | undefined {
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
        if (src.type === 's2.load') return loadedBands(src.params ?? {}, catalog.find((e) => e.type === 's2.load'));
        next.push(src.id);
      }
    }
    frontier = next;
  }
  return undefined;
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

/** Extra, node-specific checks the Inspector passes down to parameter controls (also into list items). */
export interface FieldContext {
  /** Names expressions may use (undefined: parse only). */
  expressionNames?: readonly string[];
  /** Text fields (by name) that must be identifiers, e.g. the `name` of an s2.index custom index. */
  identifierFields?: readonly string[];
  /** The node's params (s2.loadStac: the AOI field's estimate searches with them). */
  nodeParams?: Record<string, unknown>;
}

/** The field context of a node in a graph: for s2.index, the upstream s2.load bands and the index-name rule. */
export function fieldContextFor(graph: Graph | null, nodeId: string, catalog: CatalogEntry[] = []): FieldContext | undefined {
  const node = graph?.nodes.find((n) => n.id === nodeId);
  if (node?.type === 's2.loadStac') return { nodeParams: node.params };
  if (!graph || !node || node.type !== 's2.index') return undefined;
  return { expressionNames: upstreamBands(graph, nodeId, catalog), identifierFields: ['name'] };
}
