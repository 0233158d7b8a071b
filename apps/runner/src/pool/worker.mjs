// Worker-thread shim: registers tsx (workers cannot start from .ts directly), loads the task module and
// answers { id, task, payload } with { id, result } or { id, error: { message, name, details } }. `task` is
// the name of a handle (defineTask); the module's one registry (`chunkTasks`, from taskRegistry) resolves it.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.taskModule);
const registry = mod.chunkTasks;
if (typeof registry?.resolve !== 'function') throw new Error(`${workerData.taskModule} exports no chunkTasks registry (taskRegistry([...]))`);

parentPort.on('message', async ({ id, task, payload }) => {
  try {
    const out = await registry.resolve(task).run(payload);
    const transfer = Array.isArray(out?.transfer) ? out.transfer : [];
    parentPort.postMessage({ id, result: out?.result }, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    let details;
    try {
      details = e.details === undefined ? undefined : structuredClone(e.details);
    } catch {
      details = undefined;
    }
    parentPort.postMessage({ id, error: { message: e.message, name: e.name, details, stack: e.stack } });
  }
});
parentPort.postMessage({ ready: true });
