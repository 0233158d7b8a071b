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
  /** Pixel size in CRS units (metres for UTM), for the scale bar; undefined when unknown. */
  pixelSize?: number;
  /** Georeferencing, when known: places the optional basemap under the layer. */
  grid?: { width: number; height: number; geoTransform: number[]; crs: { epsg?: number; wkt?: string } };
  legend: boolean;
}

/** A result the map cannot draw, with the reason shown instead of a blank layer. */
export interface UnavailableLayer {
  label: string;
  reason: string;
}

type Kinded = {
  kind?: string;
  grid?: { width: number; height: number; geoTransform?: number[]; crs?: { epsg?: number; wkt?: string } };
  classes?: string[];
  features?: string[];
  classFile?: string;
  probabilityFile?: string;
  probabilityDiffFiles?: Record<string, string>;
};

/** The RGB features the runner's preview draws: B4/B3/B2 of one reducer (mean first), as previews.ts does. */
export function rgbReducer(features: string[]): string | null {
  const reducers = ['mean', ...features.filter((f) => f.startsWith('B4_')).map((f) => f.slice(3))];
  return reducers.find((r) => ['B4', 'B3', 'B2'].every((b) => features.includes(`${b}_${r}`))) ?? null;
}

export function outputsOfKind(r: NodeResult, kind: string): Record<string, unknown>[] {
  const outs = Object.values(r.state.outputs ?? {}) as Kinded[];
  return outs.filter((o) => o && typeof o === 'object' && o.kind === kind) as Record<string, unknown>[];
}

export function mapLayers(results: NodeResult[]): MapLayerOption[] {
  const out: MapLayerOption[] = [];
  let lastGrid: Kinded['grid'];
  for (const r of results) {
    const add = (layer: string, label: string, legend: boolean, grid?: Kinded['grid']) =>
      out.push({
        key: `${r.runId}:${r.nodeId}:${layer}`,
        nodeId: r.nodeId,
        runId: r.runId,
        layer,
        label: `${r.label} — ${label}`,
        width: grid?.width,
        height: grid?.height,
        pixelSize: grid?.geoTransform ? Math.abs(grid.geoTransform[1]) : undefined,
        ...(grid?.geoTransform && grid.crs ? { grid: { width: grid.width, height: grid.height, geoTransform: grid.geoTransform, crs: grid.crs } } : {}),
        legend,
      });
    for (const o of Object.values(r.state.outputs ?? {}) as Kinded[]) {
      if (!o || typeof o !== 'object') continue;
      if (o.grid) lastGrid = o.grid;
      // Only what the runner can draw is offered (a time series or a composite without B4/B3/B2 is not).
      if (o.kind === 'Composite' && (!o.features || rgbReducer(o.features))) add('rgb', 'natural colour', true, o.grid);
      if (o.kind === 'ClassMap') {
        add('classes', 'classes', true, o.grid);
        if (!(o.classFile && !o.probabilityFile)) for (const c of o.classes ?? []) add(`probability:${c}`, `probability of ${c}`, true, o.grid);
      }
      if (o.kind === 'Change') {
        add('transitions', 'change (transitions)', true, lastGrid);
        for (const c of o.probabilityDiffFiles ? Object.keys(o.probabilityDiffFiles) : (o.classes ?? [])) add(`diff:${c}`, `probability change of ${c}`, true, lastGrid);
      }
    }
  }
  // One entry per node+layer (a node may have several outputs of the same kind).
  return out.filter((l, i) => out.findIndex((m) => m.key === l.key) === i);
}

/** Results that have no map, and why (shown under the layer list instead of blank layers). */
export function unavailableLayers(results: NodeResult[]): UnavailableLayer[] {
  const out: UnavailableLayer[] = [];
  for (const r of results) {
    for (const o of Object.values(r.state.outputs ?? {}) as Kinded[]) {
      if (o?.kind === 'TimeSeries') out.push({ label: r.label, reason: 'a time series has one image per date; add a Temporal Aggregate to see a map' });
      if (o?.kind === 'Composite' && o.features && !rgbReducer(o.features)) out.push({ label: r.label, reason: `no natural colour: needs B4, B3 and B2 of one statistic (has ${o.features.slice(0, 6).join(', ')}${o.features.length > 6 ? ', …' : ''})` });
      if (o?.kind === 'ClassMap' && o.classFile && !o.probabilityFile) out.push({ label: r.label, reason: 'no probability layers: this class map has no probability file' });
    }
  }
  return out;
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
