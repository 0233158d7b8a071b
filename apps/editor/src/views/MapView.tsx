/**
 * Map of raster results in pixel coordinates (no base map: the runner works offline). Each layer is the
 * runner's preview PNG on a BitmapLayer; two layers can be compared side by side or with a swipe.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import DeckGL from '@deck.gl/react';
import { OrthographicView, type OrthographicViewState } from '@deck.gl/core';
import { BitmapLayer } from '@deck.gl/layers';
import { api, previewUrl } from '../api/client.ts';
import type { MapLayerOption } from '../model/results.ts';
import { MapPngButton } from './mapPng.tsx';

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

function Legend({ option }: { option: MapLayerOption }) {
  const [entries, setEntries] = useState<{ label: string; color: string }[]>([]);
  useEffect(() => {
    if (!option.legend) return setEntries([]);
    api.legend(option.runId, option.nodeId).then((r) => setEntries(r.entries ?? []), () => setEntries([]));
  }, [option.runId, option.nodeId, option.legend]);
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
}) {
  const { option, size } = props;
  const layer = useMemo(
    () =>
      new BitmapLayer({
        id: `bitmap-${option.key}`,
        image: previewUrl(option.runId, option.nodeId, option.layer),
        bounds: [0, size.height, size.width, 0],
        opacity: props.opacity,
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      }),
    [option.key, size.width, size.height, props.opacity], 
  );
  return (
    <div className="sf-deck" data-testid={props.testId} data-layer={option.layer} data-node={option.nodeId}>
      <DeckGL
        views={VIEW}
        viewState={props.viewState as never}
        onViewStateChange={({ viewState }) => props.onViewState(viewState as OrthographicViewState)}
        controller={{ dragRotate: false }}
        layers={[layer]}
        getCursor={() => 'grab'}
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

export function MapView({ layers, initialMode }: { layers: MapLayerOption[]; initialMode?: Mode }) {
  const [aKey, setA] = useState<string | null>(null);
  const [bKey, setB] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>(initialMode ?? 'single');
  const [opacity, setOpacity] = useState(1);
  const [swipe, setSwipe] = useState(50);
  const box = useRef<HTMLDivElement>(null);
  const a = layers.find((l) => l.key === aKey) ?? layers.find((l) => l.layer === 'classes') ?? layers[0];
  const b = layers.find((l) => l.key === bKey) ?? layers.find((l) => l.layer === a?.layer && l.nodeId !== a?.nodeId) ?? layers[1] ?? a;
  const probe = useImageSize(a && !(a.width && a.height) ? previewUrl(a.runId, a.nodeId, a.layer) : null);
  const size = a?.width && a?.height ? { width: a.width, height: a.height } : probe;
  const [viewState, setViewState] = useState<OrthographicViewState | null>(null);

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
        <button className="sf-small" onClick={() => setViewState(null)}>
          Reset view
        </button>
        <MapPngButton option={a} />
      </div>
      <div className={`sf-map-area mode-${mode}`} ref={box}>
        {size && viewState && a && (
          <>
            <RasterDeck option={a} size={size} opacity={opacity} viewState={viewState} onViewState={setViewState} testId="map-deck-a" />
            {mode !== 'single' && b && (
              <div className="sf-map-b" style={mode === 'swipe' ? { clipPath: `inset(0 0 0 ${swipe}%)` } : undefined}>
                <RasterDeck option={b} size={size} opacity={opacity} viewState={viewState} onViewState={setViewState} testId="map-deck-b" />
              </div>
            )}
            {mode === 'swipe' && (
              <>
                <div className="sf-swipe-line" style={{ left: `${swipe}%` }} />
                <input className="sf-swipe" type="range" min={0} max={100} value={swipe} data-testid="map-swipe" onChange={(e) => setSwipe(Number(e.target.value))} />
              </>
            )}
          </>
        )}
      </div>
      <div className="sf-legends">
        {a && <Legend option={a} />}
        {mode !== 'single' && b && b.legend && b.layer !== a?.layer && <Legend option={b} />}
      </div>
    </div>
  );
}
