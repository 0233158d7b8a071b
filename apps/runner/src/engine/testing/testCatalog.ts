/** Test-only node definitions (real defineNode objects and zod schemas) used by the engine and CLI tests. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineNode, NodeError, type AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { double } from './testTasks.ts';

/** Observations made by the test nodes (reset between tests). */
export const probe = { calls: [] as string[], running: 0, maxRunning: 0, poolResults: [] as unknown[] };

export function resetProbe(): void {
  probe.calls = [];
  probe.running = 0;
  probe.maxRunning = 0;
  probe.poolResults = [];
}

type Num = { kind: 'Metrics'; value: number };
const num = (value: number) => ({ kind: 'Metrics', value }) as unknown as never;
const val = (v: unknown): number => (v as Num).value;

export const sourceNode = defineNode({
  type: 'test.source',
  version: 1,
  category: 'Input',
  label: 'Source',
  description: 'Emits a number, optionally reading a file of the data root.',
  inputs: {},
  outputs: { out: { type: 'Metrics', label: 'Value' } },
  params: z.object({
    value: z.number().min(0).max(1000).default(1).describe('The value'),
    file: z.string().optional().describe('A file relative to the data root'),
  }),
  pathParams: ['file'],
  async run(ctx, _inputs, params) {
    probe.calls.push(ctx.nodeId);
    if (params.file) ctx.resolvePath(params.file, 'file');
    return { outputs: { out: num(params.value) }, summary: { value: params.value } };
  },
});

export const addNode = defineNode({
  type: 'test.add',
  version: 1,
  category: 'Raster',
  label: 'Add',
  description: 'Adds a constant, after sleeping; writes result.txt.',
  inputs: { a: { type: 'Metrics' } },
  outputs: { out: { type: 'Metrics' } },
  params: z.object({ add: z.number().default(1).describe('Added'), sleepMs: z.number().int().min(0).default(0).describe('ms') }),
  async run(ctx, inputs, params) {
    probe.calls.push(ctx.nodeId);
    probe.running++;
    probe.maxRunning = Math.max(probe.maxRunning, probe.running);
    try {
      const steps = 4;
      for (let i = 1; i <= steps; i++) {
        await sleep(params.sleepMs / steps, undefined, { signal: ctx.signal });
        ctx.progress(i, steps, 'steps');
      }
      const value = val(inputs.a) + params.add;
      const file = path.join(ctx.workDir, 'result.txt');
      await writeFile(file, String(value));
      return { outputs: { out: num(value) }, summary: { value }, files: [file] };
    } finally {
      probe.running--;
    }
  },
});

export const sumNode = defineNode({
  type: 'test.sum',
  version: 1,
  category: 'Model',
  label: 'Sum',
  description: 'Sums two inputs.',
  inputs: { a: { type: 'Metrics' }, b: { type: 'Metrics' } },
  outputs: { out: { type: 'Metrics' } },
  params: z.object({ reducers: z.array(z.enum(['mean', 'std'])).default(['mean']).describe('Reducers') }),
  async run(ctx, inputs) {
    probe.calls.push(ctx.nodeId);
    return { outputs: { out: num(val(inputs.a) + val(inputs.b)) }, summary: { value: val(inputs.a) + val(inputs.b) } };
  },
});

export const failNode = defineNode({
  type: 'test.fail',
  version: 1,
  category: 'Model',
  label: 'Fail',
  description: 'Always fails, naming a param; leaves a partial file behind.',
  inputs: { a: { type: 'Metrics' } },
  outputs: { out: { type: 'Metrics' } },
  params: z.object({ threshold: z.number().default(5).describe('Threshold') }),
  async run(ctx) {
    probe.calls.push(ctx.nodeId);
    await writeFile(path.join(ctx.workDir, 'partial.bin'), 'x');
    throw new NodeError('threshold too high for this input', { param: 'threshold' });
  },
});

export const modelNode = defineNode({
  type: 'test.model',
  version: 3,
  category: 'Model',
  label: 'Model',
  description: 'Outputs a Model; version 3 with migrations from 1.',
  inputs: {},
  outputs: { model: { type: 'Model' } },
  params: z.object({ depth: z.number().int().min(1).max(20).describe('Depth'), eta: z.number().default(0.3).describe('Eta') }),
  migrations: {
    1: (p) => ({ depth: p.maxDepth }),
    2: (p) => ({ ...p, eta: p.eta ?? 0.3 }),
  },
  async run(ctx, _inputs, params) {
    probe.calls.push(ctx.nodeId);
    return { outputs: { model: { kind: 'Model', depth: params.depth } as never } };
  },
});

export const poolNode = defineNode({
  type: 'test.pool',
  version: 1,
  category: 'Raster',
  label: 'Pool',
  description: 'Runs chunk tasks on the pool.',
  inputs: {},
  outputs: { out: { type: 'Metrics' } },
  params: z.object({ n: z.number().int().default(3).describe('Chunks') }),
  async run(ctx, _inputs, params) {
    const results = await Promise.all(Array.from({ length: params.n }, (_, i) => ctx.pool.run(double, { x: i }, ctx.signal)));
    probe.poolResults = results;
    return { outputs: { out: num(results.reduce((a, b) => a + b, 0)) } };
  },
});

export const nodeCatalog = [sourceNode, addNode, sumNode, failNode, modelNode, poolNode] as unknown as AnyNodeDefinition[];
