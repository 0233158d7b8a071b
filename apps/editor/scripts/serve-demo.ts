/**
 * Manual check: generates small demo data (once) and serves the built editor with the real runner.
 *   node --import tsx apps/editor/scripts/serve-demo.ts [port] [dataRoot]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoData } from '../../../packages/nodes/src/demo/generate.ts';
import { startServer } from '../../runner/src/server/index.ts';

const port = Number(process.argv[2] ?? 8790);
const dataRoot = process.argv[3] ?? '/tmp/sentiflow-editor-dev';
mkdirSync(dataRoot, { recursive: true });
if (!existsSync(join(dataRoot, 'demo'))) {
  await generateDemoData({ outDir: join(dataRoot, 'demo'), width: 200, height: 150, datesPerYear: 8 } as never);
}
const server = await startServer({ port, dataRoot });
console.log(`editor at ${server.url}`);
