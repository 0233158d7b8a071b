/** `sentiflow validate | nodes | demo-data | serve`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { catalogJson } from '../engine/catalogJson.ts';
import { formatProblem } from '../engine/problems.ts';
import { validateGraph } from '../engine/validate.ts';
import type { Graph, Problem } from '../engine/types.ts';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import { loadCatalog } from './catalog.ts';
import { intOption, UsageError } from './args.ts';
import { terminalSafe } from './render.ts';

type Values = Record<string, string | boolean | undefined>;

/** Reads and validates a graph file; prints every problem. */
export async function loadGraph(
  file: string | undefined,
  dataRoot: string,
  catalog: AnyNodeDefinition[],
): Promise<{ graph: Graph | null; problems: Problem[] }> {
  if (!file) throw new UsageError('missing <graph.json>');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { graph: null, problems: [{ code: 'graph-schema', message: `cannot read ${file}: ${(err as Error).message}` }] };
  }
  return validateGraph(text, catalog, { dataRoot });
}

export function printProblems(file: string, problems: Problem[], stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  for (const p of problems) stream.write(`  ${terminalSafe(formatProblem(p))}  [${p.code}]\n`);
}

export async function validateCommand(positionals: string[], values: Values): Promise<number> {
  const dataRoot = path.resolve((values['data-root'] as string | undefined) ?? '.');
  const file = positionals[0];
  const { problems } = await loadGraph(file, dataRoot, await loadCatalog());
  if (values.json) {
    console.log(JSON.stringify({ ok: problems.length === 0, problems }, null, 2));
    return problems.length ? 1 : 0;
  }
  if (problems.length) {
    printProblems(file!, problems);
    return 1;
  }
  console.log(`${file}: valid`);
  return 0;
}

export async function nodesCommand(values: Values): Promise<number> {
  const catalog = catalogJson(await loadCatalog());
  if (values.json) {
    console.log(JSON.stringify(catalog, null, 2));
    return 0;
  }
  const sockets = (s: Record<string, { type: string }>): string =>
    Object.entries(s).map(([n, v]) => `${n}:${v.type}`).join(', ') || '-';
  const order = ['Input', 'Raster', 'Vector', 'Samples', 'Model', 'Change', 'Validation', 'Output'];
  const rank = (c: string): number => (order.includes(c) ? order.indexOf(c) : order.length);
  let category = '';
  for (const n of [...catalog].sort((a, b) => rank(a.category) - rank(b.category))) {
    if (n.category !== category) {
      category = n.category;
      console.log(`\n${category}`);
    }
    console.log(`  ${n.type.padEnd(22)} v${n.version}  ${n.label}`);
    console.log(`  ${''.padEnd(22)}     in: ${sockets(n.inputs)}   out: ${sockets(n.outputs)}`);
    const props = Object.keys((n.params.properties as Record<string, unknown> | undefined) ?? {});
    if (props.length) console.log(`  ${''.padEnd(22)}     params: ${props.join(', ')}`);
  }
  return 0;
}

export async function demoDataCommand(values: Values): Promise<number> {
  const outDir = path.resolve((values.out as string | undefined) ?? 'demo');
  const layout = values.layout as string | undefined;
  if (layout !== undefined && !['pixel', 'band', 'striped'].includes(layout)) {
    console.error(`--layout must be pixel, band or striped (got "${layout}")`);
    return 2;
  }
  const { generateDemoData } = await import('@sentiflow/nodes/demo/generate.ts');
  const { createWorkerPool } = await import('../pool/workerPool.ts');
  const { DEFAULT_TASK_MODULE } = await import('../engine/run.ts');
  const { availableParallelism } = await import('node:os');
  // One worker per core: the years are generated in parallel.
  const pool = createWorkerPool({ size: availableParallelism(), taskModule: DEFAULT_TASK_MODULE });
  let last = 0;
  await generateDemoData({
    outDir,
    pool,
    ...(values.width !== undefined ? { width: intOption(values, 'width', 1) } : {}),
    ...(values.height !== undefined ? { height: intOption(values, 'height', 1) } : {}),
    ...(values.dates !== undefined ? { datesPerYear: intOption(values, 'dates', 1) } : {}),
    ...(values.seed !== undefined ? { seed: intOption(values, 'seed', 0) } : {}),
    ...(layout !== undefined ? { layout: layout as 'pixel' | 'band' | 'striped' } : {}),
    onProgress: (done: number, total: number, what: string) => {
      const now = Date.now();
      if (now - last < 500 && done < total) return;
      last = now;
      console.error(`  ${done}/${total} ${what ?? ''}`.trimEnd());
    },
  }).finally(() => pool.close());
  console.log(`demo data written to ${outDir}`);
  return 0;
}

export async function serveCommand(values: Values): Promise<number> {
  const port = intOption(values, 'port', 0);
  const token = (values.token as string | undefined) ?? process.env.SENTIFLOW_TOKEN;
  const basemap = (values.basemap as string | undefined) || process.env.SENTIFLOW_BASEMAP || undefined;
  const attribution = (values['basemap-attribution'] as string | undefined) ?? process.env.SENTIFLOW_BASEMAP_ATTRIBUTION;
  const { startServer } = await import('../server/index.ts');
  const { checkBasemapTemplate } = await import('../server/basemap.ts');
  let basemapHost: string | undefined;
  if (basemap) {
    try {
      basemapHost = checkBasemapTemplate(basemap).host;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const server = await startServer({
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host as string } : {}),
    dataRoot: path.resolve((values['data-root'] as string | undefined) ?? '.'),
    ...(token ? { token } : {}),
    ...(basemap ? { basemap: { url: basemap, ...(attribution ? { attribution } : {}) } } : {}),
  });
  console.log(`Sentiflow is running at ${server.url}${token ? ' (token required)' : ''}  (Ctrl-C to stop)`);
  if (basemap) console.log(`Basemap tiles from ${basemapHost} (fetched by this server for the editor; off in the editor if it cannot be reached)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error('\nstopping…');
      void server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
