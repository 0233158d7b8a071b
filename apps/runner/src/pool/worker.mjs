// Worker-thread shim: registers tsx (workers cannot start from .ts directly), loads the task module and
// answers { id, task, payload } with { id, result } or { id, error: { message, name, details } }.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.taskModule);
const tasks = mod.chunkTasks ?? {};

parentPort.on('message', async ({ id, task, payload }) => {
  try {
    const fn = tasks[task];
    if (typeof fn !== 'function') throw new Error(`unknown chunk task "${task}" (known: ${Object.keys(tasks).join(', ')})`);
    const out = await fn(payload);
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
