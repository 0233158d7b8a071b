/** Chunk task 'aggregateWindow': evaluates one window of a composite (see evaluateComposite.ts). */
import { defineTask } from '../chunkTask.ts';
import type { TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import { evaluateCompositeWindow, type AggregateSpec } from './evaluateComposite.ts';

export interface AggregateWindowPayload {
  series: TimeSeries;
  spec: AggregateSpec;
  window: Window;
}

/** The window's features, pixel-interleaved (pixels × features), NaN for no data. */
export const aggregateWindow = defineTask<AggregateWindowPayload, Float32Array>('aggregateWindow', async (payload) => {
  const result = await evaluateCompositeWindow(payload.series, payload.spec, payload.window);
  return { result, transfer: [result.buffer as ArrayBuffer] };
});
