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
  for (const p of problems) stream.write(`  ${formatProblem(p)}  [${p.code}]\n`);
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
  let category = '';
  for (const n of [...catalog].sort((a, b) => a.category.localeCompare(b.category))) {
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
  const { generateDemoData } = (await import('@sentiflow/nodes/demo/generate.ts')) as {
    generateDemoData(o: Record<string, unknown>): Promise<unknown>;
  };
  let last = 0;
  await generateDemoData({
    outDir,
    ...(values.width !== undefined ? { width: intOption(values, 'width', 1) } : {}),
    ...(values.height !== undefined ? { height: intOption(values, 'height', 1) } : {}),
    ...(values.dates !== undefined ? { datesPerYear: intOption(values, 'dates', 1) } : {}),
    ...(values.seed !== undefined ? { seed: intOption(values, 'seed', 0) } : {}),
    onProgress: (...args: unknown[]) => {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      const [a, b, c] = args;
      if (typeof a === 'number' && typeof b === 'number') console.error(`  ${a}/${b}${c ? ` ${String(c)}` : ''}`);
      else console.error(`  ${args.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ')}`);
    },
  });
  console.log(`demo data written to ${outDir}`);
  return 0;
}

export async function serveCommand(values: Values): Promise<number> {
  const port = intOption(values, 'port', 0);
  const mod = (await import('../server/index.ts' as string)) as { startServer(o: Record<string, unknown>): Promise<unknown> };
  await mod.startServer({
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    dataRoot: path.resolve((values['data-root'] as string | undefined) ?? '.'),
    ...(values.token !== undefined ? { token: values.token } : {}),
  });
  return 0;
}
