/** `sentiflow run <graph.json>`: validate, run with progress, print a summary. */
import path from 'node:path';
import { createRun } from '../engine/run.ts';
import { intOption, UsageError } from './args.ts';
import { loadCatalog } from './catalog.ts';
import { loadGraph, printProblems } from './commands.ts';
import { createRenderer, formatSummary } from './render.ts';

type Values = Record<string, string | boolean | undefined>;

export async function runCommand(positionals: string[], values: Values): Promise<number> {
  const file = positionals[0];
  if (!file) throw new UsageError('missing <graph.json>');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const dataRoot = path.resolve((values['data-root'] as string | undefined) ?? '.');
  const outDir = path.resolve((values.out as string | undefined) ?? path.join('out', path.basename(file).replace(/\.json$/i, '')));
  const cacheDir = values['no-cache'] ? null : path.resolve((values['cache-dir'] as string | undefined) ?? '.sentiflow-cache');
  const workers = intOption(values, 'workers', 1);
  const json = Boolean(values.json);

  const catalog = await loadCatalog();
  const { graph, problems } = await loadGraph(file, dataRoot, catalog);
  if (!graph) {
    if (json) for (const p of problems) process.stdout.write(JSON.stringify({ type: 'problem', ...p }) + '\n');
    printProblems(file, problems);
    return 1;
  }
  const upTo = values['up-to'] as string | undefined;
  if (upTo !== undefined && !graph.nodes.some((n) => n.id === upTo)) throw new UsageError(`--up-to: no node "${upTo}" in ${file}`);

  const run = createRun(graph, catalog, { dataRoot, outDir, cacheDir, ...(upTo ? { upTo } : {}), ...(workers ? { workers } : {}) });
  const renderer = json ? null : createRenderer(process.stderr, graph.nodes.map((n) => n.id));
  run.subscribe(1, (e) => {
    if (json) process.stdout.write(JSON.stringify(e) + '\n');
    else renderer!.onEvent(e);
  });

  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\ncancelling (Ctrl-C again to quit immediately)…\n');
    run.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const report = await run.done;
    renderer?.end(report);
    if (!json) console.log(formatSummary(report, outDir));
    if (report.status === 'cancelled') return 130;
    return report.status === 'done' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
