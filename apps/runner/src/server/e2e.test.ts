/**
 * The server with the real engine, node catalogue and worker pool: a small synthetic AOI, the example graph
 * graphs/asgm-change.json started over HTTP, followed over WebSocket, and its maps previewed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { generateDemoData } from '@sentiflow/nodes/demo/generate.ts';
import { startServer, type RunningServer } from './index.ts';
import { connect, decodePng, postJson, wsUrl } from './testHelpers.ts';

const graphsDir = fileURLToPath(new URL('../../../../graphs/', import.meta.url));

describe('server end to end on the real catalogue', () => {
  let server: RunningServer;
  let dataRoot: string;
  before(async () => {
    dataRoot = mkdtempSync(path.join(tmpdir(), 'sentiflow-e2e-'));
    await generateDemoData({ outDir: path.join(dataRoot, 'demo'), width: 160, height: 120, datesPerYear: 8, seed: 3 });
    server = await startServer({ port: 0, dataRoot, graphsDir, workers: 2, log: () => undefined });
  });
  after(async () => {
    await server?.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  test('catalogue and examples come from the real nodes and graphs', async () => {
    const catalog = (await (await fetch(`${server.url}/api/catalog`)).json()) as { type: string }[];
    for (const t of ['s2.load', 'model.classify', 'change.diff']) assert.ok(catalog.some((n) => n.type === t), t);
    const examples = (await (await fetch(`${server.url}/api/examples`)).json()) as { file: string }[];
    assert.ok(examples.some((e) => e.file === 'asgm-change.json'));
  });

  test('runs the example graph, streams its events and previews its maps', { timeout: 240_000 }, async () => {
    const graph = JSON.parse(readFileSync(path.join(graphsDir, 'asgm-change.json'), 'utf8'));
    const { problems } = await (await postJson(`${server.url}/api/validate`, { graph })).json();
    assert.deepEqual(problems, []);
    const res = await postJson(`${server.url}/api/runs`, { graph });
    assert.equal(res.status, 202);
    const { runId } = await res.json();
    const c = await connect(wsUrl(server.url));
    c.send({ type: 'subscribe', runId, fromSeq: 0 });
    const end = await c.waitFor((m) => m.event?.type === 'run.finished' || m.event?.type === 'run.cancelled', 230_000);
    await c.close();
    const run = await (await fetch(`${server.url}/api/runs/${runId}`)).json();
    const failed = Object.entries(run.nodes as Record<string, { status: string; error?: { message: string } }>).filter(([, n]) => n.status === 'failed');
    assert.deepEqual(failed, [], 'no node failed');
    assert.equal(end.event!.type, 'run.finished');

    const kinds = (id: string) => Object.values((run.nodes[id]?.outputs ?? {}) as Record<string, { kind?: string }>).map((v) => v.kind);
    const ids = Object.keys(run.nodes);
    const byKind = (k: string) => ids.find((id) => kinds(id).includes(k));
    for (const [kind, layer] of [['Composite', 'rgb'], ['ClassMap', 'classes'], ['Change', 'transitions']]) {
      const id = byKind(kind);
      assert.ok(id, `a node with a ${kind} output`);
      const png = await fetch(`${server.url}/api/runs/${runId}/nodes/${id}/preview.png?layer=${layer}&maxSize=64`);
      assert.equal(png.status, 200, `${id} ${layer}: ${png.status}`);
      const img = decodePng(Buffer.from(await png.arrayBuffer()));
      assert.equal(Math.max(img.width, img.height), 64);
      const legend = await (await fetch(`${server.url}/api/runs/${runId}/nodes/${id}/legend?layer=${layer}`)).json();
      assert.ok(legend.entries.length >= 3);
    }
    const reportFile = await fetch(`${server.url}/api/runs/${runId}/files/run.json`);
    assert.equal(reportFile.status, 200);
  });
});
