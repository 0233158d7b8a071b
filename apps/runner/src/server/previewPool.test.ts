/** Issue 8 item 8: previews render in worker threads, with an LRU cache and a limit on previews at once. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineNode, type AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import type { Grid } from '@sentiflow/nodes/grid.ts';
import { CompositeWriter } from '@sentiflow/nodes/raster/compositeStore.ts';
import type { Composite } from '@sentiflow/nodes/values.ts';
import { createPreviewRenderer } from './previewRenderer.ts';
import { decodePng, postJson, startTestServer, testDeps, type TestServer } from './testHelpers.ts';

const W = 600;
const H = 450;
const grid: Grid = { width: W, height: H, geoTransform: [500000, 10, 0, 600000, 0, -10], crs: { epsg: 32621 } };

function writeComposite(dir: string): Composite {
  const cw = new CompositeWriter(path.join(dir, 'composite.f32'), grid, ['B4_mean', 'B3_mean', 'B2_mean']);
  const block = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) block.set([i % W, (i * 7) % 1000, Math.floor(i / W)], i * 3);
  cw.writeWindow({ x: 0, y: 0, width: W, height: H }, block);
  return cw.commit();
}

const bigNode = defineNode({
  type: 'test.big',
  version: 1,
  category: 'Output',
  label: 'Big composite',
  description: 'Writes a 600 × 450 composite.',
  inputs: {},
  outputs: { composite: { type: 'Composite', preview: [{ kind: 'rgb', label: 'natural colour', bands: ['B4', 'B3', 'B2'] }] } },
  params: z.object({}),
  async run(ctx) {
    return { outputs: { composite: writeComposite(ctx.workDir) } };
  },
});

describe('previews on the worker pool', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer({ deps: { ...testDeps, catalog: [bigNode] as unknown as AnyNodeDefinition[] } });
    const graph = { schema: 'sentiflow/graph@1', name: 'big', nodes: [{ id: 'b', type: 'test.big', version: 1, params: {} }], links: [] };
    const { runId } = (await (await postJson(`${s.url}/api/runs`, { graph })).json()) as { runId: string };
    base = `${s.url}/api/runs/${runId}/nodes/b`;
    for (;;) {
      const run = (await (await fetch(`${s.url}/api/runs/${runId}`)).json()) as { status: string };
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(() => s.stop());

  test('/api/health answers while 20 full-size previews are being drawn', async () => {
    const order: string[] = [];
    const previews = Array.from({ length: 20 }, (_, i) =>
      fetch(`${base}/preview.png?maxSize=${1000 + i}`).then(async (r) => {
        assert.equal(r.status, 200, await r.clone().text());
        await r.arrayBuffer();
        order.push(`preview${i}`);
      }),
    );
    // Sent after all previews: with rendering on the main thread it would come back after them.
    await new Promise((r) => setTimeout(r, 20));
    const health = fetch(`${s.url}/api/health`).then((r) => {
      assert.equal(r.status, 200);
      order.push('health');
    });
    await Promise.all([...previews, health]);
    assert.ok(order.indexOf('health') < order.length - 1, `health answered before the last preview: ${order.join(' ')}`);
  });

  test('an identical preview comes from the cache', async () => {
    const a = await fetch(`${base}/preview.png?maxSize=300`);
    assert.equal(a.headers.get('x-preview-cache'), 'miss');
    const first = Buffer.from(await a.arrayBuffer());
    const b = await fetch(`${base}/preview.png?maxSize=300`);
    assert.equal(b.headers.get('x-preview-cache'), 'hit');
    assert.deepEqual(Buffer.from(await b.arrayBuffer()), first);
    const img = decodePng(first);
    assert.deepEqual([img.width, img.height], [300, 225]);
  });
});

test('the renderer refuses previews beyond its limit with 503, shares identical renders, evicts by bytes', async () => {
  const composite = writeComposite(mkdtempSync(path.join(tmpdir(), 'sf-prev-')));
  const layer = (maxSize: number) => [{ kind: 'rgb' as const, value: composite, features: ['B4_mean', 'B3_mean', 'B2_mean'] as [string, string, string] }, maxSize] as const;
  const r = createPreviewRenderer({ workers: 1, maxPending: 2, cacheBytes: 2_000_000 });
  try {
    const same = [r.render(...layer(400)), r.render(...layer(400))];
    const other = r.render(...layer(401));
    await assert.rejects(r.render(...layer(402)), (e: { status?: number; message: string }) => e.status === 503 && /already being drawn/.test(e.message));
    const [x, y] = await Promise.all(same);
    await other;
    assert.equal(x.png, y.png, 'one render shared by identical requests');
    assert.equal(r.stats().renders, 2);
    assert.equal((await r.render(...layer(400))).cached, true);
    assert.ok(r.stats().cachedBytes <= 2_000_000);
  } finally {
    await r.close();
  }
});
