/**
 * The area of interest of s2.loadStac: drawn on a small slippy map (click to add corners; the basemap is any XYZ
 * tile URL, off when empty or offline, a lon/lat graticule always), typed as a bounding box, uploaded as
 * GeoJSON, or a polygon file in the data root. Stored in the graph as GeoJSON (lon/lat). Shows the area in km²
 * and, on demand, what the catalogue has for it (POST api/stac/estimate: items, dates, tiles, download).
 */
import { useEffect, useRef, useState } from 'react';

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

interface Props {
  value: unknown;
  onChange(v: unknown): void;
  testId: string;
  /** The node's other params (catalog, collection, year...) for the estimate. */
  nodeParams?: Record<string, unknown>;
}

const BASEMAP_KEY = 'sentiflow.basemapUrl';
const W = 300, H = 220, TILE = 256;

function polygonsOf(v: unknown): number[][][][] {
  const g = v as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] } | null;
  if (!g || typeof g !== 'object') return [];
  if (g.type === 'Polygon') return [g.coordinates as number[][][]];
  if (g.type === 'MultiPolygon') return g.coordinates as number[][][][];
  if (g.type === 'Feature') return polygonsOf(g.geometry);
  if (g.type === 'FeatureCollection') return (g.features ?? []).flatMap(polygonsOf);
  return [];
}

/** Spherical polygon area (the formula turf uses), km². */
export function areaKm2(v: unknown): number {
  const R = 6378.137;
  const rad = Math.PI / 180;
  let total = 0;
  for (const poly of polygonsOf(v)) {
    poly.forEach((ring, r) => {
      let s = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [l1, p1] = ring[i], [l2, p2] = ring[i + 1];
        s += (l2 - l1) * rad * (2 + Math.sin(p1 * rad) + Math.sin(p2 * rad));
      }
      total += (r === 0 ? 1 : -1) * Math.abs((s * R * R) / 2);
    });
  }
  return total;
}

const worldSize = (z: number) => TILE * 2 ** z;
function project(lon: number, lat: number, z: number): [number, number] {
  const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return [((lon + 180) / 360) * worldSize(z), (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * worldSize(z)];
}
function unproject(x: number, y: number, z: number): [number, number] {
  const lon = (x / worldSize(z)) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / worldSize(z);
  return [lon, (180 / Math.PI) * Math.atan(Math.sinh(n))];
}

function DrawMap({ polygons, onDone }: { polygons: number[][][][]; onDone(ring: number[][] | null): void }) {
  const first = polygons[0]?.[0];
  const [view, setView] = useState(() => {
    if (!first) return { lon: -55.2, lat: 4.9, z: 7 }; // Suriname
    const lons = first.map((p) => p[0]), lats = first.map((p) => p[1]);
    return { lon: (Math.min(...lons) + Math.max(...lons)) / 2, lat: (Math.min(...lats) + Math.max(...lats)) / 2, z: 11 };
  });
  const [points, setPoints] = useState<number[][]>([]);
  const [basemap, setBasemap] = useState(() => localStorage.getItem(BASEMAP_KEY) ?? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png');
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // a native, non-passive listener: the wheel zooms the map instead of scrolling the inspector
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      setView((v) => ({ ...v, z: Math.max(2, Math.min(17, v.z + (e.deltaY < 0 ? 1 : -1))) }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);
  const [cx, cy] = project(view.lon, view.lat, view.z);
  const left = cx - W / 2, top = cy - H / 2;
  const toScreen = (p: number[]) => {
    const [x, y] = project(p[0], p[1], view.z);
    return `${(x - left).toFixed(1)},${(y - top).toFixed(1)}`;
  };
  const tiles: { x: number; y: number; url: string }[] = [];
  if (basemap) {
    const n = 2 ** view.z;
    for (let ty = Math.floor(top / TILE); ty * TILE < top + H; ty++) {
      for (let tx = Math.floor(left / TILE); tx * TILE < left + W; tx++) {
        if (ty < 0 || ty >= n) continue;
        const wx = ((tx % n) + n) % n;
        tiles.push({ x: tx * TILE - left, y: ty * TILE - top, url: basemap.replace('{z}', String(view.z)).replace('{x}', String(wx)).replace('{y}', String(ty)) });
      }
    }
  }
  // graticule: a line every 10^k degrees so that a few are visible
  const [lonA, latA] = unproject(left, top + H, view.z);
  const [lonB, latB] = unproject(left + W, top, view.z);
  const step = 10 ** Math.floor(Math.log10(Math.max(1e-4, (lonB - lonA) / 2)));
  const grid: React.ReactNode[] = [];
  for (let l = Math.ceil(lonA / step) * step; l <= lonB; l += step) grid.push(<polyline key={`o${l}`} points={`${toScreen([l, latA])} ${toScreen([l, latB])}`} />);
  for (let l = Math.ceil(latA / step) * step; l <= latB; l += step) grid.push(<polyline key={`a${l}`} points={`${toScreen([lonA, l])} ${toScreen([lonB, l])}`} />);
  const eventLonLat = (e: React.MouseEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return unproject(left + e.clientX - r.left, top + e.clientY - r.top, view.z);
  };
  return (
    <div className="sf-aoi-map">
      <div
        className="sf-aoi-canvas"
        ref={canvas}
        data-testid="aoi-map"
        style={{ width: W, height: H, position: 'relative', overflow: 'hidden', background: '#dfe6e9', cursor: 'crosshair', userSelect: 'none' }}
        onMouseDown={(e) => (drag.current = { x: e.clientX, y: e.clientY, moved: false })}
        onMouseMove={(e) => {
          const d = drag.current;
          if (!d || e.buttons !== 1) return;
          const dx = e.clientX - d.x, dy = e.clientY - d.y;
          if (Math.abs(dx) + Math.abs(dy) < 3 && !d.moved) return;
          d.moved = true;
          d.x = e.clientX;
          d.y = e.clientY;
          const [lon, lat] = unproject(cx - dx, cy - dy, view.z);
          setView({ ...view, lon, lat });
        }}
        onMouseUp={(e) => {
          if (drag.current && !drag.current.moved) setPoints([...points, eventLonLat(e)]);
          drag.current = null;
        }}
      >
        {tiles.map((t) => (
          <img key={`${t.x},${t.y}`} src={t.url} alt="" draggable={false} style={{ position: 'absolute', left: t.x, top: t.y, width: TILE, height: TILE }} onError={(e) => (e.currentTarget.style.visibility = 'hidden')} />
        ))}
        <svg width={W} height={H} style={{ position: 'absolute', left: 0, top: 0 }}>
          <g stroke="#8395a7" strokeWidth="0.5" fill="none">{grid}</g>
          {polygons.map((poly, i) => <polygon key={i} points={poly[0].map(toScreen).join(' ')} fill="rgba(255,159,67,0.25)" stroke="#e67e22" strokeWidth="1.5" />)}
          {points.length > 0 && <polyline points={[...points, points[0]].map(toScreen).join(' ')} fill="rgba(52,152,219,0.25)" stroke="#2980b9" strokeWidth="1.5" />}
          {points.map((p, i) => {
            const [x, y] = toScreen(p).split(',').map(Number);
            return <circle key={i} cx={x} cy={y} r={3} fill="#2980b9" />;
          })}
        </svg>
      </div>
      <div className="sf-aoi-actions">
        <button className="sf-small" onClick={() => setView({ ...view, z: Math.min(17, view.z + 1) })}>+</button>
        <button className="sf-small" onClick={() => setView({ ...view, z: Math.max(2, view.z - 1) })}>−</button>
        <button className="sf-small" data-testid="aoi-finish" disabled={points.length < 3} onClick={() => onDone([...points, points[0]])}>Use this polygon</button>
        <button className="sf-small" onClick={() => setPoints([])}>Clear</button>
        <button className="sf-small" onClick={() => onDone(null)}>Cancel</button>
      </div>
      <div className="sf-help">Click to add corners, drag to pan, wheel to zoom. {points.length} corner(s).</div>
      <label className="sf-help">
        Basemap XYZ URL (empty = none):{' '}
        <input className="sf-mono" data-testid="aoi-basemap" value={basemap} onChange={(e) => { setBasemap(e.target.value); localStorage.setItem(BASEMAP_KEY, e.target.value); }} />
      </label>
    </div>
  );
}

interface Estimate {
  aoiKm2: number;
  items: number;
  dates: number;
  tiles: string[];
  estimatedBytes: number;
  grid: { width: number; height: number; epsg?: number };
}

export function AoiField({ value, onChange, testId, nodeParams }: Props) {
  const [mode, setMode] = useState<'none' | 'draw' | 'bbox'>('none');
  const [bbox, setBbox] = useState(['', '', '', '']);
  const [error, setError] = useState<string | null>(null);
  const [estimate, setEstimate] = useState<Estimate | string | null>(null);
  const polygons = polygonsOf(value);
  const set = (g: Geometry | string) => {
    setError(null);
    setEstimate(null);
    onChange(g);
  };
  const upload = async (file: File) => {
    try {
      const json = JSON.parse(await file.text());
      const polys = polygonsOf(json);
      if (polys.length === 0) throw new Error('no Polygon or MultiPolygon in the file');
      if (polys.flat(2).some(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90)) throw new Error('coordinates are not lon/lat (GeoJSON must be WGS 84); put the file in the data root and give its path instead');
      set(polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys });
    } catch (e) {
      setError(`${file.name}: ${(e as Error).message}`);
    }
  };
  const runEstimate = async () => {
    setEstimate('searching the catalogue…');
    try {
      const res = await fetch('api/stac/estimate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ params: { ...nodeParams, aoi: value } }) });
      const data = await res.json();
      setEstimate(res.ok ? (data as Estimate) : String(data?.error?.message ?? res.statusText));
    } catch (e) {
      setEstimate((e as Error).message);
    }
  };
  return (
    <div className="sf-aoi" data-testid={testId}>
      <div className="sf-aoi-summary" data-testid={`${testId}-summary`}>
        {typeof value === 'string' ? `file: ${value}` : polygons.length ? `${polygons.length} polygon(s), ${areaKm2(value).toFixed(2)} km²` : 'no area yet'}
      </div>
      <div className="sf-aoi-actions">
        <button className="sf-small" data-testid={`${testId}-draw`} onClick={() => setMode(mode === 'draw' ? 'none' : 'draw')}>Draw on map</button>
        <button className="sf-small" data-testid={`${testId}-bbox`} onClick={() => setMode(mode === 'bbox' ? 'none' : 'bbox')}>Bounding box</button>
        <label className="sf-small sf-button-like">
          Upload GeoJSON
          <input type="file" accept=".geojson,.json,application/geo+json" data-testid={`${testId}-upload`} style={{ display: 'none' }} onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
        </label>
      </div>
      {mode === 'draw' && <DrawMap polygons={polygons} onDone={(ring) => { setMode('none'); if (ring) set({ type: 'Polygon', coordinates: [ring] }); }} />}
      {mode === 'bbox' && (
        <div className="sf-aoi-bbox">
          {['west', 'south', 'east', 'north'].map((n, i) => (
            <input key={n} placeholder={n} data-testid={`${testId}-bbox-${n}`} value={bbox[i]} onChange={(e) => setBbox(bbox.map((b, j) => (j === i ? e.target.value : b)))} style={{ width: 70 }} />
          ))}
          <button className="sf-small" data-testid={`${testId}-bbox-use`} onClick={() => {
            const [w, s, e, n] = bbox.map(Number);
            if (![w, s, e, n].every(Number.isFinite) || w >= e || s >= n || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(s) > 90 || Math.abs(n) > 90) {
              return setError('give west < east (−180…180) and south < north (−90…90) in degrees');
            }
            setMode('none');
            set({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
          }}>Use</button>
        </div>
      )}
      <div className="sf-path">
        <input className="sf-mono" data-testid={`${testId}-path`} placeholder="or a polygon file in the data root" value={typeof value === 'string' ? value : ''} onChange={(e) => set(e.target.value)} />
      </div>
      {value !== undefined && value !== '' && (
        <button className="sf-small" data-testid={`${testId}-estimate`} onClick={() => void runEstimate()}>What would it download?</button>
      )}
      {estimate && (
        <div className="sf-help" data-testid={`${testId}-estimate-result`}>
          {typeof estimate === 'string'
            ? estimate
            : `${estimate.items} items on ${estimate.dates} dates (tiles ${estimate.tiles.join(', ')}), ${estimate.grid.width} x ${estimate.grid.height} px, about ${(estimate.estimatedBytes / 2 ** 20).toFixed(0)} MB to download`}
        </div>
      )}
      {error && <div className="sf-field-error">{error}</div>}
    </div>
  );
}
