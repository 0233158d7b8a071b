/**
 * What gives the map a place: the read-out under the cursor (pixel, map coordinates, class name,
 * probabilities, feature values from GET …/pixel), a scale bar, and why some results have no map.
 */
import { useEffect, useRef, useState } from 'react';
import type { UnavailableLayer } from '../model/results.ts';
import type { PixelAnswer } from '@sentiflow/protocol';


export function pixelUrl(runId: string, nodeId: string, x: number, y: number): string {
  return `api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/pixel?x=${x}&y=${y}`;
}

function fmt(v: number | null): string {
  if (v === null) return 'no data';
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(2) : a >= 100 ? v.toFixed(0) : v.toFixed(3);
}

/** Fetches the values at the hovered pixel (latest hover wins; one request in flight). */
export function usePixel(runId: string | undefined, nodeId: string | undefined, pixel: [number, number] | null): PixelAnswer | null {
  const [answer, setAnswer] = useState<PixelAnswer | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(timer.current);
    if (!runId || !nodeId || !pixel) return;
    const ctl = new AbortController();
    timer.current = setTimeout(() => {
      fetch(pixelUrl(runId, nodeId, pixel[0], pixel[1]), { signal: ctl.signal })
        .then((r) => (r.ok ? (r.json() as Promise<PixelAnswer>) : null))
        .then((a) => setAnswer(a), () => undefined);
    }, 60);
    return () => {
      clearTimeout(timer.current);
      ctl.abort();
    };
  }, [runId, nodeId, pixel?.[0], pixel?.[1]]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the pixel's coordinates, not the array
  return pixel ? answer : null;
}

export function Readout({ answer, pixel }: { answer: PixelAnswer | null; pixel: [number, number] | null }) {
  if (!pixel) return <div className="sf-readout muted" data-testid="map-readout">Point at the map to read values.</div>;
  return (
    <div className="sf-readout" data-testid="map-readout">
      <div>
        pixel {pixel[0]}, {pixel[1]}
        {answer && answer.x === pixel[0] && answer.y === pixel[1] && (
          <span data-testid="map-coords">
            {' '}
            · {answer.easting.toFixed(0)} E, {answer.northing.toFixed(0)} N ({answer.crs})
          </span>
        )}
      </div>
      {answer && answer.x === pixel[0] && answer.y === pixel[1] && (
        <div className="sf-readout-values" data-testid="map-values">
          {answer.values.slice(0, 14).map((v) => (
            <span key={v.label}>
              <b>{v.label}</b> {v.text ?? fmt(v.value)}
            </span>
          ))}
          {answer.values.length > 14 && <span className="muted">… {answer.values.length - 14} more</span>}
        </div>
      )}
    </div>
  );
}

const NICE = [1, 2, 5];

/** A round length (m or km) about 100 screen px long at this zoom. */
export function scaleBar(pixelSize: number, zoom: number, targetPx = 100): { px: number; label: string } {
  const metresPerScreenPx = pixelSize / 2 ** zoom;
  const want = metresPerScreenPx * targetPx;
  const exp = Math.floor(Math.log10(want));
  let best = 10 ** exp;
  for (const n of NICE) if (n * 10 ** exp <= want) best = n * 10 ** exp;
  return { px: best / metresPerScreenPx, label: best >= 1000 ? `${best / 1000} km` : `${best} m` };
}

export function ScaleBar({ pixelSize, zoom }: { pixelSize: number | undefined; zoom: number }) {
  if (!pixelSize) return null;
  const { px, label } = scaleBar(pixelSize, zoom);
  return (
    <div className="sf-scalebar" data-testid="map-scalebar">
      <div style={{ width: px }} />
      <span>{label}</span>
    </div>
  );
}

export function Unavailable({ items }: { items: UnavailableLayer[] }) {
  if (!items.length) return null;
  return (
    <details className="sf-unavailable" data-testid="map-unavailable">
      <summary>
        {items.length} result{items.length > 1 ? 's' : ''} without a map
      </summary>
      <ul>
        {items.map((u, i) => (
          <li key={i}>
            <b>{u.label}</b>: {u.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
