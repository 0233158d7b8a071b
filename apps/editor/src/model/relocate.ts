/** A colleague's graph with other folders: which are missing here, and pointing every loader at one folder (pure). */
import type { Graph } from '../api/types.ts';

/** Folders a graph's loaders read that do not exist in this data root (from validation problems). */
export function missingFolders(graph: Graph, problems: { code: string; nodeId?: string; param?: string }[]): string[] {
  const out = new Set<string>();
  for (const p of problems) {
    if (p.code !== 'file-missing' || !p.nodeId || !p.param) continue;
    const v = graph.nodes.find((n) => n.id === p.nodeId)?.params[p.param];
    if (typeof v === 'string') out.add(v);
  }
  return [...out];
}

/**
 * Points every loader at `folder`: s2.load dirs become `folder`; other path params that lay inside an old
 * loader folder keep their place relative to it (colleague/demo/labels/2019 → demo/labels/2019).
 */
export function relocatePaths(graph: Graph, folder: string, pathParams: Record<string, string[]>): Map<string, Record<string, unknown>> {
  const oldDirs = [...new Set(graph.nodes.filter((n) => n.type === 's2.load' && typeof n.params.dir === 'string').map((n) => n.params.dir as string))].sort((a, b) => b.length - a.length);
  const changes = new Map<string, Record<string, unknown>>();
  for (const n of graph.nodes) {
    const params = { ...n.params };
    let changed = false;
    for (const name of pathParams[n.type] ?? []) {
      const v = params[name];
      if (typeof v !== 'string') continue;
      let next = v;
      if (n.type === 's2.load' && name === 'dir') next = folder;
      else {
        const old = oldDirs.find((d) => v === d || v.startsWith(`${d}/`));
        if (old) next = folder + v.slice(old.length);
      }
      if (next !== v) {
        params[name] = next;
        changed = true;
      }
    }
    if (changed) changes.set(n.id, params);
  }
  return changes;
}
