/** Worker chunk task 'aggregateWindow': evaluates one window of a composite (see evaluateComposite.ts). */
import type { TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import { evaluateCompositeWindow, type AggregateSpec } from './evaluateComposite.ts';

export interface AggregateWindowPayload {
  series: TimeSeries;
  spec: AggregateSpec;
  window: Window;
}

export async function aggregateWindowTask(payload: AggregateWindowPayload): Promise<{ result: Float32Array; transfer: ArrayBuffer[] }> {
  const result = await evaluateCompositeWindow(payload.series, payload.spec, payload.window);
  return { result, transfer: [result.buffer as ArrayBuffer] };
}
