/**
 * Chunk task 'aggregateWindow': evaluates one window of a composite (see evaluateComposite.ts) and writes it
 * straight into the composite's scratch file from the worker. Sending the 3.4 MB block (256² px x 13 features)
 * back instead made the main thread receive, garbage-collect, write and scan every block: one more busy
 * thread beside the two workers on a two-core machine.
 */
import { defineTask } from '../chunkTask.ts';
import type { TimeSeries } from '../values.ts';
import type { Window } from '../grid.ts';
import { compositeReadStats, evaluateCompositeWindow, type AggregateSpec } from './evaluateComposite.ts';
import { writeCompositeWindow } from './compositeStore.ts';

export interface AggregateWindowPayload {
  series: TimeSeries;
  spec: AggregateSpec;
  window: Window;
  /** The composite file being written (CompositeWriter.scratchFile) and its row length in pixels. */
  into: { file: string; width: number };
}

export interface AggregateWindowResult {
  /** Per feature, how many of the window's pixels are no data (NaN). */
  noData: Float64Array;
  /** Dates on which the probability mask covered the whole window, so band-interleaved planes were not decoded. */
  skippedDates: number;
}

/** NaN count per feature of a pixel-interleaved block. */
export function countNoData(block: Float32Array, features: number): Float64Array {
  const counts = new Float64Array(features);
  for (let i = 0; i < block.length; i += features) {
    for (let f = 0; f < features; f++) if (block[i + f] !== block[i + f]) counts[f]++;
  }
  return counts;
}

export const aggregateWindow = defineTask<AggregateWindowPayload, AggregateWindowResult>('aggregateWindow', async (payload) => {
  const skippedBefore = compositeReadStats.skippedDates; // a worker runs one task at a time
  const block = await evaluateCompositeWindow(payload.series, payload.spec, payload.window);
  const skippedDates = compositeReadStats.skippedDates - skippedBefore;
  const features = block.length / (payload.window.width * payload.window.height);
  writeCompositeWindow(payload.into.file, payload.into.width, features, payload.window, block);
  const noData = countNoData(block, features);
  return { result: { noData, skippedDates }, transfer: [noData.buffer as ArrayBuffer] };
});
