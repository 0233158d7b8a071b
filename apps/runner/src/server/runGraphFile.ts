/**
 * `<run>/graph.json`: the graph a run executes, saved in its folder (history.ts reads it back). Its own module so
 * that the run registry (runs.ts) and the history routes (history.ts, which read the registry) import no circle.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '@sentiflow/nodes/io/atomicFile.ts';
import type { Graph } from '../engine/types.ts';

export const GRAPH_FILE = 'graph.json';

/**
 * Writes the graph a run executes into its folder, so a restarted server still knows what each run did. Never
 * throws: the run has started already, and a run without graph.json only loses its params diff and report.
 */
export function saveRunGraph(outDir: string, graph: Graph, log: (msg: string) => void = () => undefined): void {
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileAtomicSync(path.join(outDir, GRAPH_FILE), JSON.stringify(graph, null, 2) + '\n');
  } catch (err) {
    log(`could not save ${path.join(outDir, GRAPH_FILE)}: ${(err as Error).message}`);
  }
}
