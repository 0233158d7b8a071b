/** `sentiflow` command line: run, validate, nodes, demo-data, serve. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runCommand } from './runCommand.ts';
import { UsageError } from './args.ts';
import { demoDataCommand, nodesCommand, serveCommand, validateCommand } from './commands.ts';

export const HELP = `Sentiflow: run and serve Sentinel-2 node graphs.

Usage:
  sentiflow run <graph.json> [options]     validate and run a graph
      --data-root DIR    paths in params are relative to it (default: current directory)
      --out DIR          output folder (default: ./out/<graph file name>)
      --cache-dir DIR    persistent cache (default: ./.sentiflow-cache)
      --no-cache         do not read or write the cache
      --up-to NODE       run only this node and what it needs
      --workers N        worker threads for chunk tasks (default: CPU count)
      --json             print events as NDJSON on stdout
  sentiflow validate <graph.json> [--data-root DIR]   list every problem of a graph
  sentiflow nodes [--json]                 list the node types
  sentiflow demo-data [--out DIR] [--width N] [--height N] [--dates N] [--seed N] [--layout pixel|band|striped]
                                           generate the synthetic demo AOI
  sentiflow serve [--port N] [--host H] [--data-root DIR] [--token T] [--basemap URL] [--basemap-attribution TEXT]
                                           start the editor server; --basemap (or SENTIFLOW_BASEMAP) draws XYZ
                                           tiles under result maps, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
  sentiflow --help

Exit codes: 0 success, 1 failure or invalid graph, 2 usage error, 130 interrupted.`;

const OPTIONS: Record<string, NonNullable<ParseArgsConfig['options']>> = {
  run: {
    'data-root': { type: 'string' },
    out: { type: 'string' },
    'cache-dir': { type: 'string' },
    'no-cache': { type: 'boolean' },
    json: { type: 'boolean' },
    'up-to': { type: 'string' },
    workers: { type: 'string' },
  },
  validate: { 'data-root': { type: 'string' }, json: { type: 'boolean' } },
  nodes: { json: { type: 'boolean' } },
  'demo-data': { out: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' }, dates: { type: 'string' }, seed: { type: 'string' }, layout: { type: 'string' } },
  serve: { port: { type: 'string' }, host: { type: 'string' }, 'data-root': { type: 'string' }, token: { type: 'string' }, basemap: { type: 'string' }, 'basemap-attribution': { type: 'string' } },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const options = OPTIONS[command];
  if (!options) {
    console.error(`sentiflow: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(HELP);
      return 0;
    }
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const positionals = parsed.positionals;
    switch (command) {
      case 'run':
        return await runCommand(positionals, values);
      case 'validate':
        return await validateCommand(positionals, values);
      case 'nodes':
        return await nodesCommand(values);
      case 'demo-data':
        return await demoDataCommand(values);
      case 'serve':
        return await serveCommand(values);
    }
    return 2;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`sentiflow ${command}: ${(err as Error).message}`);
      return 2;
    }
    // Users get the message; the stack only when asked for (it names our files, not theirs).
    const detail = process.env.SENTIFLOW_DEBUG ? ((err as Error).stack ?? String(err)) : ((err as Error).message ?? String(err));
    console.error(`sentiflow ${command}: ${detail}${process.env.SENTIFLOW_DEBUG ? '' : ' (set SENTIFLOW_DEBUG=1 for a stack trace)'}`);
    return 1;
  }
}
