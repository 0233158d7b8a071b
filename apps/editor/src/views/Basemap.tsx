/**
 * The optional XYZ basemap under result maps. The runner fetches the tiles of the template it was started
 * with (`--basemap URL`) and says whether they can be fetched; without a template the map has no basemap
 * control at all, and when the tiles cannot be fetched (no network) it says the basemap is off and why.
 */
import { useEffect, useState } from 'react';
import type { OrthographicViewState } from '@deck.gl/core';
import { tilesForView, type MapGrid, type TileQuad } from './basemapTiles.ts';
import type { BasemapStatus } from '@sentiflow/protocol';


const statusUrl = 'api/basemap';
const tileUrl = (t: TileQuad) => `api/basemap/tile/${t.z}/${t.x}/${t.y}`;

/** The runner's basemap status, asked again when a tile fails (it then knows why). */
export function useBasemapStatus(): [BasemapStatus | null, () => void] {
  const [status, setStatus] = useState<BasemapStatus | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let live = true;
    fetch(statusUrl)
      .then((r) => (r.ok ? (r.json() as Promise<BasemapStatus>) : { enabled: false }))
      .then((s) => live && setStatus(s), () => live && setStatus({ enabled: false }));
    return () => {
      live = false;
    };
  }, [asked]);
  return [status, () => setAsked((n) => n + 1)];
}

// Tiles are shared by both map panes and kept while the page lives (a few dozen small images).
const images = new Map<string, Promise<HTMLImageElement>>();
function loadTile(t: TileQuad): Promise<HTMLImageElement> {
  let p = images.get(t.key);
  if (!p) {
    p = new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error(`tile ${t.key}`));
      img.src = tileUrl(t);
    });
    p.catch(() => images.delete(t.key));
    images.set(t.key, p);
  }
  return p;
}

/** The pixel-coordinate rectangle an orthographic view shows in a box of `size` screen pixels. */
function viewRect(viewState: OrthographicViewState, size: { width: number; height: number }): [number, number, number, number] {
  const [cx, cy] = (viewState.target ?? [0, 0]) as number[];
  const zoom = typeof viewState.zoom === 'number' ? viewState.zoom : (viewState.zoom?.[0] ?? 0);
  const half = [size.width / 2 / 2 ** zoom, size.height / 2 / 2 ** zoom];
  return [cx - half[0], cy - half[1], cx + half[0], cy + half[1]];
}

/** A tile ready to draw: its image and its quad in pixel coordinates. */
export interface DrawnTile {
  key: string;
  image: HTMLImageElement;
  corners: TileQuad['corners'];
}

/**
 * The tiles under the view that have arrived, the tile zoom, and whether a tile failed. Each map pane makes
 * its own BitmapLayers of them (a deck.gl layer belongs to one Deck). `grid` undefined or `on` false: nothing.
 */
export function useBasemapTiles(grid: MapGrid | undefined, viewState: OrthographicViewState | null, box: { width: number; height: number } | null, on: boolean): { tiles: DrawnTile[]; z: number | null; failed: boolean } {
  const [loaded, setLoaded] = useState<Record<string, HTMLImageElement>>({});
  const [failed, setFailed] = useState(false);
  const pixelSize = grid ? Math.hypot(grid.geoTransform[1], grid.geoTransform[4]) : 0;
  const zoom = viewState ? (typeof viewState.zoom === 'number' ? viewState.zoom : (viewState.zoom?.[0] ?? 0)) : 0;
  const found = on && grid && viewState && box && pixelSize ? tilesForView(grid, viewRect(viewState, box), pixelSize / 2 ** zoom) : null;
  const keys = found?.tiles.map((t) => t.key).join(',') ?? '';
  useEffect(() => {
    if (!found) return;
    let live = true;
    for (const t of found.tiles) {
      if (loaded[t.key]) continue;
      loadTile(t).then(
        (img) => live && setLoaded((m) => ({ ...m, [t.key]: img })),
        () => live && setFailed(true),
      );
    }
    return () => {
      live = false;
    };
  }, [keys]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the tiles in view
  const tiles = (found?.tiles ?? []).filter((t) => loaded[t.key]).map((t) => ({ key: t.key, image: loaded[t.key], corners: t.corners }));
  return { tiles, z: found?.z ?? null, failed };
}

/** The control beside "natural-colour background": a checkbox when the tiles can be fetched. */
export function BasemapControl({ status, on, onChange }: { status: BasemapStatus | null; on: boolean; onChange(on: boolean): void }) {
  if (!status?.enabled || status.reachable === false) return null;
  return (
    <label title={`XYZ tiles from ${status.host}, drawn under the layer`}>
      <input type="checkbox" data-testid="map-basemap" checked={on} onChange={(e) => onChange(e.target.checked)} /> basemap
    </label>
  );
}

/** In the map's corner, where the basemap's credit would be: that it is off, and why. */
export function BasemapOff({ status }: { status: BasemapStatus | null }) {
  if (!status?.enabled || status.reachable !== false) return null;
  return (
    <div className="sf-basemap-off" data-testid="map-basemap-off" role="status">
      Basemap off: {status.reason ?? `the tiles from ${status.host} cannot be fetched`}
    </div>
  );
}

/** Where the tiles come from (and their zoom), in the map's corner, as tile providers ask. */
export function BasemapCredit({ status, z }: { status: BasemapStatus; z: number }) {
  return (
    <div className="sf-basemap-credit" data-testid="map-basemap-credit" data-zoom={z}>
      Basemap: {status.attribution ?? status.host} · z{z}
    </div>
  );
}
