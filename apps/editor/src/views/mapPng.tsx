/**
 * "PNG": the shown map layer as a picture to take away, with title, legend, scale bar and corner coordinates,
 * drawn on a canvas from the runner's preview (so it matches the map) and downloaded.
 */
import { useState } from 'react';
import type { Composite } from '../../../../packages/nodes/src/values.ts';

type Grid = Composite['grid'];
import { previewUrl } from '../api/client.ts';
import { runInfo } from '../controller.ts';
import { toast } from '../model/appState.ts';
import type { MapLayerOption } from '../model/results.ts';

async function gridOf(option: MapLayerOption): Promise<Grid | null> {
  const info = await runInfo(option.runId);
  const grids = (id: string) => Object.values(info.nodes?.[id]?.outputs ?? {}).map((o) => (o as { grid?: Grid } | null)?.grid).filter((g): g is Grid => !!g);
  // A change has no grid of its own: any class map of the run covers the same area.
  return grids(option.nodeId)[0] ?? Object.keys(info.nodes ?? {}).flatMap(grids)[0] ?? null;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`the runner could not draw this layer (${src})`));
    img.src = src;
  });
}

/** A round length (1, 2, 5 × 10^n m) near a quarter of the map width. */
export function niceScale(widthMeters: number): { meters: number; label: string } {
  const target = widthMeters / 4;
  const p = 10 ** Math.floor(Math.log10(target));
  const meters = [5, 2, 1].map((m) => m * p).find((m) => m <= target) ?? p;
  return { meters, label: meters >= 1000 ? `${meters / 1000} km` : `${meters} m` };
}

export async function renderMapPng(option: MapLayerOption): Promise<Blob> {
  const [img, grid, legend] = await Promise.all([
    loadImage(previewUrl(option.runId, option.nodeId, option.layer, 1400)),
    gridOf(option),
    fetch(`api/runs/${encodeURIComponent(option.runId)}/nodes/${encodeURIComponent(option.nodeId)}/legend?layer=${encodeURIComponent(option.layer)}`)
      .then((r) => (r.ok ? r.json() : { entries: [] }))
      .then((r: { entries?: { label: string; color: string }[] }) => r.entries ?? []),
  ]);
  const scale = Math.max(1, Math.ceil(600 / img.width));
  const w = img.width * scale;
  const h = img.height * scale;
  const pad = 16;
  const canvas = document.createElement('canvas');
  canvas.width = w + 2 * pad;
  canvas.height = h + 2 * pad + 34 + 82;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#111';
  g.font = 'bold 16px sans-serif';
  g.fillText(option.label, pad, pad + 14);
  g.imageSmoothingEnabled = false;
  const top = pad + 26;
  g.drawImage(img, pad, top, w, h);
  g.strokeStyle = '#888';
  g.strokeRect(pad - 0.5, top - 0.5, w + 1, h + 1);
  let y = top + h + 30;
  g.font = '12px sans-serif';
  let x = pad;
  for (const e of legend) {
    g.fillStyle = e.color;
    g.fillRect(x, y - 10, 12, 12);
    g.fillStyle = '#111';
    g.fillText(e.label, x + 16, y);
    x += 28 + g.measureText(e.label).width;
  }
  if (grid) {
    const [x0, pw, , y0, , ph] = grid.geoTransform;
    const metric = grid.crs.epsg !== 4326;
    if (metric) {
      const widthM = Math.abs(grid.width * pw);
      const bar = niceScale(widthM);
      const px = (bar.meters / widthM) * w;
      const bx = canvas.width - pad - px;
      g.fillStyle = '#111';
      g.fillRect(bx, y - 4, px, 4);
      g.fillRect(bx, y - 10, 2, 10);
      g.fillRect(bx + px - 2, y - 10, 2, 10);
      g.fillText(bar.label, bx + px / 2 - g.measureText(bar.label).width / 2, y - 14);
    }
    y += 22;
    g.fillStyle = '#444';
    const crs = grid.crs.epsg ? `EPSG:${grid.crs.epsg}` : 'CRS of the input';
    g.fillText(`upper left ${x0.toFixed(0)}, ${y0.toFixed(0)} · lower right ${(x0 + grid.width * pw).toFixed(0)}, ${(y0 + grid.height * ph).toFixed(0)} (${crs}) · ${Math.abs(pw)} m pixels`, pad, y);
  }
  g.fillStyle = '#888';
  g.fillText(`Sentiflow run ${option.runId}`, pad, y + 20);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}

export function MapPngButton({ option }: { option: MapLayerOption | undefined }) {
  const [busy, setBusy] = useState(false);
  if (!option) return null;
  const save = async () => {
    setBusy(true);
    try {
      const blob = await renderMapPng(option);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${option.runId}_${option.nodeId}_${option.layer}.png`.replace(/[^A-Za-z0-9._-]+/g, '_');
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 2000);
    } catch (e) {
      toast(`Cannot save the map as PNG: ${(e as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button className="sf-small" data-testid="map-png" disabled={busy} title="Download this map as a PNG with legend, scale bar and coordinates" onClick={() => void save()}>
      PNG
    </button>
  );
}
