/** @sentiflow/runner: the engine API used by the server and scripts. */
export { createRun, type CreateRunOptions } from './engine/run.ts';
export { validateGraph, findCycles } from './engine/validate.ts';
export { catalogJson, nodeTypeJson, type NodeTypeJson } from './engine/catalogJson.ts';
export { createWorkerPool } from './pool/workerPool.ts';
export { graphSchema } from './engine/graphSchema.ts';
export { PROBLEM_CODES, formatProblem } from './engine/problems.ts';
export type * from './engine/types.ts';
