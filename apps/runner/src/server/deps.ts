/**
 * What the server needs from the engine, the node catalogue and the raster reader. `startServer` loads the
 * real ones lazily (defaultDeps.ts); tests can pass their own.
 */
import type { AnyNodeDefinition, ChunkPool } from '@sentiflow/nodes/define.ts';
import type { Window } from '@sentiflow/nodes/grid.ts';
import type { Graph, Problem, Run, RunOptions } from '../engine/types.ts';

export interface RasterReader {
  width: number;
  height: number;
  bandCount: number;
  noData: number | null;
  readWindow(win: Window): Promise<ArrayLike<number>[]>;
}

export type ServerPool = ChunkPool & { close?(): Promise<void> | void; terminate?(): Promise<void> | void };

export interface ServerDeps {
  catalog: AnyNodeDefinition[];
  catalogJson(catalog: AnyNodeDefinition[]): unknown;
  validateGraph(json: unknown, catalog: AnyNodeDefinition[], options: { dataRoot: string }): { graph: Graph | null; problems: Problem[] };
  createRun(graph: Graph, catalog: AnyNodeDefinition[], options: RunOptions & { pool?: ChunkPool }): Run;
  createPool(size: number): ServerPool;
  openRaster(path: string): Promise<RasterReader>;
}
