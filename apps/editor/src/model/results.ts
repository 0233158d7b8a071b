/** Finds what the result views can show in a run's node states (defensive: nodes are still evolving). */
import type { RunNodeState } from '../api/types.ts';

export interface NodeResult {
  nodeId: string;
  runId: string;
  type: string;
  label: string;
  state: RunNodeState;
}

export interface MapLayerOption {
  key: string;
  nodeId: string;
  runId: string;
  layer: string;
  label: string;
  /** Grid size when known (pixel coordinates of the map). */
  width?: number;
  height?: number;
  legend: boolean;
}

type Kinded = { kind?: string; grid?: { width: number; height: number }; classes?: string[] };

export function outputsOfKind(r: NodeResult, kind: string): Record<string, unknown>[] {
  const outs = Object.values(r.state.outputs ?? {}) as Kinded[];
  return outs.filter((o) => o && typeof o === 'object' && o.kind === kind) as Record<string, unknown>[];
}

export function mapLayers(results: NodeResult[]): MapLayerOption[] {
  const out: MapLayerOption[] = [];
  let lastGrid: { width: number; height: number } | undefined;
  for (const r of results) {
    const add = (layer: string, label: string, legend: boolean, grid?: { width: number; height: number }) =>
      out.push({ key: `${r.runId}:${r.nodeId}:${layer}`, nodeId: r.nodeId, runId: r.runId, layer, label: `${r.label} — ${label}`, width: grid?.width, height: grid?.height, legend });
    for (const o of Object.values(r.state.outputs ?? {}) as Kinded[]) {
      if (!o || typeof o !== 'object') continue;
      if (o.grid) lastGrid = o.grid;
      if (o.kind === 'TimeSeries' || o.kind === 'Composite') add('rgb', 'RGB composite', false, o.grid);
      if (o.kind === 'ClassMap') {
        add('classes', 'classes', true, o.grid);
        for (const c of o.classes ?? []) add(`probability:${c}`, `probability of ${c}`, false, o.grid);
      }
      if (o.kind === 'Change') {
        add('transitions', 'change (transitions)', true, lastGrid);
        for (const c of o.classes ?? []) add(`diff:${c}`, `probability change of ${c}`, false, lastGrid);
      }
    }
  }
  // One entry per node+layer (a node may have several outputs of the same kind).
  return out.filter((l, i) => out.findIndex((m) => m.key === l.key) === i);
}

export interface TreeLayoutNode {
  index: number;
  x: number;
  depth: number;
  parent: number | null;
  side?: 'left' | 'right';
}

/** Tidy-ish layout of a binary tree stored sklearn-style (left/right indices, feature < 0 for leaves). */
export function layoutTree(nodes: { feature: number; left: number; right: number }[]): TreeLayoutNode[] {
  const out: TreeLayoutNode[] = [];
  if (!nodes.length) return out;
  let nextLeaf = 0;
  const visit = (i: number, depth: number, parent: number | null, side?: 'left' | 'right'): number => {
    const n = nodes[i];
    const isLeaf = !n || n.feature < 0 || n.left < 0 || n.right < 0 || depth > 40;
    let x: number;
    const entry: TreeLayoutNode = { index: i, x: 0, depth, parent, side };
    out.push(entry);
    if (isLeaf) x = nextLeaf++;
    else {
      const a = visit(n.left, depth + 1, i, 'left');
      const b = visit(n.right, depth + 1, i, 'right');
      x = (a + b) / 2;
    }
    entry.x = x;
    return x;
  };
  visit(0, 0, null);
  return out;
}
