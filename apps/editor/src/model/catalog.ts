/** Pure helpers over the runner's catalogue: palette grouping, search, socket colours, link compatibility. */
import type { CatalogEntry } from '../api/types.ts';
import { NODE_CATEGORIES, SOCKET_COLORS } from '@sentiflow/protocol';

/** Categories in workflow order, as the protocol lists them for every node's `category`. */
export const CATEGORY_ORDER: string[] = NODE_CATEGORIES.map((c) => c.name);

export { SOCKET_COLORS };

export function categoryColor(category: string): string {
  return NODE_CATEGORIES.find((c) => c.name === category)?.color ?? '#9aa4b2';
}

export function socketColor(type: string): string {
  return SOCKET_COLORS[type] ?? '#9aa4b2';
}

export interface PaletteGroup {
  category: string;
  entries: CatalogEntry[];
}

/** Groups entries by category (known categories first, in workflow order) and filters by a search text. */
export function paletteGroups(catalog: CatalogEntry[], search = ''): PaletteGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (e: CatalogEntry) => {
    const hay = `${e.label} ${e.type} ${e.category} ${e.description}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  };
  const groups = new Map<string, CatalogEntry[]>();
  for (const e of catalog) {
    if (!matches(e)) continue;
    if (!groups.has(e.category)) groups.set(e.category, []);
    groups.get(e.category)!.push(e);
  }
  const rank = (c: string) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([category, entries]) => ({ category, entries }));
}

/** First sentence of a description, for the palette. */
export function shortDescription(text: string, max = 90): string {
  const first = text.split(/(?<=\.)\s/)[0] ?? text;
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** Why a link from an output of type `from` to an input of type `to` is refused, or null if it is allowed. */
export function linkRefusal(
  from: { node: string; socket: string; type: string },
  to: { node: string; socket: string; type: string },
): string | null {
  if (from.node === to.node) return 'A node cannot be linked to itself.';
  if (from.type !== to.type) {
    return `Cannot link ${from.type} output “${from.socket}” to ${to.type} input “${to.socket}”: socket types differ.`;
  }
  return null;
}

/** Would adding from→to create a cycle? `links` are existing [from, to] node pairs. */
export function createsCycle(links: [string, string][], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const [a, b] of links) next.set(a, [...(next.get(a) ?? []), b]);
  const stack = [to];
  const seen = new Set<string>();
  while (stack.length) {
    const n = stack.pop()!;
    if (n === from) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(next.get(n) ?? []));
  }
  return false;
}
