/**
 * Chunk tasks run on worker threads. The runner's pool loads this module in each worker and calls a task by
 * name with a JSON payload; a task returns its result and the ArrayBuffers to transfer back.
 */
import { aggregateWindowTask } from './raster/aggregateTask.ts';
import { classifyWindowTask } from './ml/classifyTask.ts';
import { trainXgboostTask } from './ml/trainTask.ts';
import { demoYearTask } from './demo/generate.ts';

import type { TaskResult } from './chunkTask.ts';

export type { TaskResult } from './chunkTask.ts';

export const chunkTasks: Record<string, (payload: never) => Promise<TaskResult>> = {
  aggregateWindow: aggregateWindowTask,
  classifyWindow: classifyWindowTask,
  trainXgboost: trainXgboostTask,
  demoYear: demoYearTask,
};
