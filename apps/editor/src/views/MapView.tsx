/**
 * Map of raster results in pixel coordinates. Each layer is the runner's preview PNG on a BitmapLayer; two
 * layers can be compared side by side or with a swipe. Under them: the natural-colour composite and, when the
 * runner has one configured and can reach it, an XYZ basemap placed into the raster's pixel space.
 */
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import DeckGL from '@deck.gl/react';
import { OrthographicView, type OrthographicViewState } from '@deck.gl/core';
import { BitmapLayer } from '@deck.gl/layers';
import { api, previewUrl } from '../api/client.ts';
import type { MapLayerOption, UnavailableLayer } from '../model/results.ts';
import { Readout, ScaleBar, Unavailable, usePixel } from './MapExtras.tsx';
import { MapPngButton } from './mapPng.tsx';
import { BasemapControl, BasemapCredit, BasemapOff, useBasemapStatus, useBasemapTiles, type DrawnTile } from './Basemap.tsx';

type Mode = 'single' | 'side' | 'swipe';
const VIEW = new OrthographicView({ id: 'map', flipY: true });

function useImageSize(url: string | null): { width: number; height: number } | null {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    if (!url) return;
    const img = new Image();
    img.onload = () => setSize({ width: img.naturalWidth, height: img.naturalHeight });
    img.src = url;
  }, [url]);
  return size;
}

/** The element's size, kept up to date (the basemap covers what the map area shows). */
function useBoxSize(box: RefObject<HTMLDivElement | null>, shown: boolean): { width: number; height: number } | null {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setSize((s) => (s && s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [box, shown]);
  return size;
}

function Legend({ option }: { option: MapLayerOption }) {
  const [entries, setEntries] = useState<{ label: string; color: string }[]>([]);
  useEffect(() => {
    if (!option.legend) return setEntries([]);
    api.legend(option.runId, option.nodeId, option.layer).then((r) => setEntries(r.entries ?? []), () => setEntries([]));
  }, [option.runId, option.nodeId, option.layer, option.legend]);
  if (!entries.length) return null;
  return (
    <div className="sf-legend" data-testid="map-legend">
      {entries.map((e) => (
        <span key={e.label}>
          <i style={{ background: e.color }} /> {e.label}
        </span>
      ))}
    </div>
  );
}

function RasterDeck(props: {
  option: MapLayerOption;
  size: { width: number; height: number };
  opacity: number;
  viewState: OrthographicViewState;
  onViewState(v: OrthographicViewState): void;
  testId: string;
  /** Drawn under the layer (the natural-colour composite), when given. */
  background?: MapLayerOption | null;
  /** Basemap tiles, drawn first. */
  basemap?: DrawnTile[];
  onPixel?(pixel: [number, number] | null): void;
}) {
  const { option, size, background } = props;
  const under = useMemo(
    () =>
      background && background.key !== option.key
        ? new BitmapLayer({ id: `bg-${background.key}`, image: previewUrl(background.runId, background.nodeId, background.layer), bounds: [0, size.height, size.width, 0], textureParameters: { minFilter: 'nearest', magFilter: 'nearest' } })
        : null,
    [background?.key, option.key, size.width, size.height], // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the layer keys
  );
  const layer = useMemo(
    () =>
      new BitmapLayer({
        id: `bitmap-${option.key}`,
        image: previewUrl(option.runId, option.nodeId, option.layer),
        bounds: [0, size.height, size.width, 0],
        opacity: props.opacity,
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      }),
    [option.key, size.width, size.height, props.opacity], // eslint-disable-line react-hooks/exhaustive-deps -- option.key names runId, nodeId and layer
  );
  const tiles = (props.basemap ?? []).map((t) => new BitmapLayer({ id: `basemap-${t.key}`, image: t.image, bounds: t.corners }));
  return (
    <div className="sf-deck" data-testid={props.testId} data-layer={option.layer} data-node={option.nodeId}>
      <DeckGL
        views={VIEW}
        viewState={props.viewState as never}
        onViewStateChange={({ viewState }) => props.onViewState(viewState as OrthographicViewState)}
        controller={{ dragRotate: false }}
        layers={[...tiles, ...(under ? [under] : []), layer]}
        getCursor={() => 'crosshair'}
        onHover={(info) => {
          const c = info.coordinate;
          const inside = c && c[0] >= 0 && c[1] >= 0 && c[0] < size.width && c[1] < size.height;
          props.onPixel?.(inside ? [Math.floor(c[0]), Math.floor(c[1])] : null);
        }}
      />
      <div className="sf-deck-caption">{option.label}</div>
    </div>
  );
}

function LayerSelect(props: { testId: string; layers: MapLayerOption[]; value: string | undefined; onChange: (key: string) => void }) {
  return (
    <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {props.layers.map((l) => (
        <option key={l.key} value={l.key}>
          {l.label}
        </option>
      ))}
    </select>
  );
}

export function MapView({ layers, unavailable = [], initialMode }: { layers: MapLayerOption[]; unavailable?: UnavailableLayer[]; initialMode?: Mode }) {
  const [aKey, setA] = useState<string | null>(null);
  const [bKey, setB] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>(initialMode ?? 'single');
  const [opacity, setOpacity] = useState(1);
  const [swipe, setSwipe] = useState(50);
  const box = useRef<HTMLDivElement>(null);
  const a = layers.find((l) => l.key === aKey) ?? layers.find((l) => l.layer === 'classes') ?? layers[0];
  const b = layers.find((l) => l.key === bKey) ?? layers.find((l) => l.layer === a?.layer && l.nodeId !== a?.nodeId) ?? layers[1] ?? a;
  const probe = useImageSize(a && !(a.width && a.height) ? previewUrl(a.runId, a.nodeId, a.layer) : null);
  // A new object each render, but the effect below returns at once when viewState is set.
  const size = a?.width && a?.height ? { width: a.width, height: a.height } : probe; // eslint-disable-line react-hooks/exhaustive-deps
  const [viewState, setViewState] = useState<OrthographicViewState | null>(null);
  const [pixel, setPixel] = useState<[number, number] | null>(null);
  const [withBackground, setWithBackground] = useState(true);
  const [basemapStatus, askBasemap] = useBasemapStatus();
  const [withBasemap, setWithBasemap] = useState(true);
  const boxSize = useBoxSize(box, layers.length > 0);
  const basemapOn = withBasemap && !!basemapStatus?.enabled && basemapStatus.reachable !== false;
  const basemap = useBasemapTiles(a?.grid, viewState, boxSize, basemapOn);
  // A tile that fails: ask the runner why (it then reports the basemap as off, and the control says so).
  useEffect(() => {
    if (basemap.failed) askBasemap();
  }, [basemap.failed]); // eslint-disable-line react-hooks/exhaustive-deps -- once per failure
  const answer = usePixel(a?.runId, a?.nodeId, pixel);
  // The natural-colour composite of the same run and grid is the default background of other layers.
  const background = withBackground && a && a.layer !== 'rgb' ? (layers.find((l) => l.layer === 'rgb' && l.runId === a.runId && (!a.width || l.width === a.width)) ?? null) : null;

  useEffect(() => {
    if (!size || viewState) return;
    const rect = box.current?.getBoundingClientRect();
    const w = rect?.width || 800;
    const h = rect?.height || 400;
    const zoom = Math.log2(Math.min(w / size.width, h / size.height) * 0.95);
    setViewState({ target: [size.width / 2, size.height / 2, 0], zoom, minZoom: -6, maxZoom: 8 } as OrthographicViewState);
  }, [size, viewState]);

  if (!layers.length) return <div className="sf-empty">No raster results yet. Run the graph to see maps.</div>;

  return (
    <div className="sf-mapview" data-testid="map-view">
      <div className="sf-map-controls">
        <label>
          Layer
          <LayerSelect testId="map-layer-a" layers={layers} value={a?.key} onChange={setA} />
        </label>
        <label>
          Opacity
          <input type="range" min={0} max={1} step={0.05} value={opacity} data-testid="map-opacity" onChange={(e) => setOpacity(Number(e.target.value))} />
        </label>
        <div className="sf-segmented" role="group">
          {(['single', 'side', 'swipe'] as Mode[]).map((m) => (
            <button key={m} className={mode === m ? 'active' : ''} data-testid={`map-mode-${m}`} onClick={() => setMode(m)}>
              {m === 'single' ? 'Single' : m === 'side' ? 'Side by side' : 'Swipe'}
            </button>
          ))}
        </div>
        {mode !== 'single' && (
          <label>
            Compare with
            <LayerSelect testId="map-layer-b" layers={layers} value={b?.key} onChange={setB} />
          </label>
        )}
        <label title="Draw the natural-colour composite under the layer">
          <input type="checkbox" data-testid="map-background" checked={withBackground} onChange={(e) => setWithBackground(e.target.checked)} /> natural-colour background
        </label>
        <BasemapControl status={basemapStatus} on={withBasemap} onChange={setWithBasemap} />
        <button className="sf-small" onClick={() => setViewState(null)}>
          Reset view
        </button>
        <MapPngButton option={a} />
      </div>
      <div className={`sf-map-area mode-${mode}`} ref={box}>
        {size && viewState && a && (
          <>
            <RasterDeck option={a} size={size} opacity={background ? Math.min(opacity, 0.8) : opacity} viewState={viewState} onViewState={setViewState} testId="map-deck-a" background={background} basemap={basemapOn ? basemap.tiles : undefined} onPixel={setPixel} />
            {mode !== 'single' && b && (
              <div className="sf-map-b" style={mode === 'swipe' ? { clipPath: `inset(0 0 0 ${swipe}%)` } : undefined}>
                <RasterDeck option={b} size={size} opacity={opacity} viewState={viewState} onViewState={setViewState} testId="map-deck-b" basemap={basemapOn ? basemap.tiles : undefined} onPixel={setPixel} />
              </div>
            )}
            <Readout answer={answer} pixel={pixel} />
            <ScaleBar pixelSize={a.pixelSize} zoom={(viewState as { zoom?: number }).zoom ?? 0} />
            <BasemapOff status={basemapStatus} />
            {basemapOn && basemapStatus && basemap.z !== null && basemap.tiles.length > 0 && <BasemapCredit status={basemapStatus} z={basemap.z} />}
            {mode === 'swipe' && (
              <>
                <div className="sf-swipe-line" style={{ left: `${swipe}%` }} />
                <input className="sf-swipe" type="range" min={0} max={100} value={swipe} data-testid="map-swipe" onChange={(e) => setSwipe(Number(e.target.value))} />
              </>
            )}
          </>
        )}
      </div>
      <Unavailable items={unavailable} />
      <div className="sf-legends">
        {a && <Legend option={a} />}
        {mode !== 'single' && b && b.legend && b.layer !== a?.layer && <Legend option={b} />}
      </div>
    </div>
  );
}
