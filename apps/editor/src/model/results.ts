/** Finds what the result views can show in a run's node states (defensive: nodes are still evolving). */
import type { CatalogEntry, RunNodeState } from '../api/types.ts';
import { missingLayers, offeredLayers, type PreviewValue } from '@sentiflow/protocol';

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

export function outputsOfKind(r: NodeResult, kind: string): Record<string, unknown>[] {
  const outs = Object.values(r.state.outputs ?? {}) as Kinded[];
  return outs.filter((o) => o && typeof o === 'object' && o.kind === kind) as Record<string, unknown>[];
}

/** The map layers each output declares in the catalogue (`preview`) and its value can offer, as the runner draws them. */
export function mapLayers(results: NodeResult[], catalog: CatalogEntry[] = []): MapLayerOption[] {
  const out: MapLayerOption[] = [];
  let lastGrid: Kinded['grid'];
  for (const r of results) {
    const entry = catalog.find((e) => e.type === r.type);
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
    for (const [socket, o] of Object.entries(r.state.outputs ?? {}) as [string, Kinded][]) {
      if (!o || typeof o !== 'object') continue;
      if (o.grid) lastGrid = o.grid;
      // A change map has no grid of its own: it lies on the grid of the class maps before it.
      for (const l of offeredLayers(entry?.outputs[socket]?.preview, o as PreviewValue)) add(l.layer, l.label, true, o.grid ?? lastGrid);
    }
  }
  // One entry per node+layer (a node may have several outputs of the same kind).
  return out.filter((l, i) => out.findIndex((m) => m.key === l.key) === i);
}

/** Results that have no map, and why (shown under the layer list instead of blank layers). */
export function unavailableLayers(results: NodeResult[], catalog: CatalogEntry[] = []): UnavailableLayer[] {
  const out: UnavailableLayer[] = [];
  for (const r of results) {
    const entry = catalog.find((e) => e.type === r.type);
    for (const [socket, o] of Object.entries(r.state.outputs ?? {}) as [string, Kinded][]) {
      if (o?.kind === 'TimeSeries') out.push({ label: r.label, reason: 'a time series has one image per date; add a Temporal Aggregate to see a map' });
      if (o && typeof o === 'object') for (const reason of missingLayers(entry?.outputs[socket]?.preview, o as PreviewValue)) out.push({ label: r.label, reason });
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
