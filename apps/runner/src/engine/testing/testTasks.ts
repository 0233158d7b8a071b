/** Test-only chunk tasks for the worker pool tests. */
export const chunkTasks = {
  async double(payload: { x: number }) {
    return { result: payload.x * 2 };
  },
  async bytes(payload: { n: number }) {
    const a = new Float32Array(payload.n).fill(1.5);
    return { result: a, transfer: [a.buffer as ArrayBuffer] };
  },
  async slow(payload: { ms: number; x: number }) {
    await new Promise((r) => setTimeout(r, payload.ms));
    return { result: payload.x };
  },
  async fail() {
    throw Object.assign(new Error('bad chunk at row 5'), { name: 'NodeError', details: { param: 'chunk', code: 'x' } });
  },
  async crash() {
    process.exit(3);
  },
  async hang() {
    for (;;) {
      /* busy */
    }
  },
};
