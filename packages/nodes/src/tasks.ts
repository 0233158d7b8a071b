/**
 * The one registry of the package's chunk tasks. The runner's pool loads this module in each worker thread,
 * which resolves every handle it is sent (by the handle's name) here; callers hold the handles themselves
 * (`ctx.pool.run(classifyWindow, payload)`), imported from the task modules, never this file.
 */
import { taskRegistry } from './chunkTask.ts';
import { aggregateWindow } from './raster/aggregateTask.ts';
import { classifyWindow } from './ml/classifyTask.ts';
import { trainXgboost } from './ml/trainTask.ts';
import { demoYear } from './demo/generate.ts';

export type { TaskResult } from './chunkTask.ts';

export const chunkTasks = taskRegistry([aggregateWindow, classifyWindow, trainXgboost, demoYear]);
