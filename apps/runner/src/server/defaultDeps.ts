/** The real engine, catalogue, worker pool and GeoTIFF reader (imported only when the server starts). */
import { availableParallelism } from 'node:os';
import { nodeCatalog } from '@sentiflow/nodes/catalog.ts';
import { openRaster } from '@sentiflow/nodes/io/geotiff/read.ts';
import { catalogJson } from '../engine/catalogJson.ts';
import { createRun } from '../engine/run.ts';
import { validateGraph } from '../engine/validate.ts';
import { createWorkerPool } from '../pool/workerPool.ts';
import type { RasterReader, ServerDeps, ServerPool } from './deps.ts';

export const defaultDeps: ServerDeps = {
  catalog: nodeCatalog,
  catalogJson,
  validateGraph,
  createRun,
  createPool: (size) =>
    createWorkerPool({
      size: size > 0 ? size : availableParallelism(),
      taskModule: new URL('../../../../packages/nodes/src/tasks.ts', import.meta.url),
    }) as ServerPool,
  openRaster: (path) => openRaster(path) as Promise<RasterReader>,
};
