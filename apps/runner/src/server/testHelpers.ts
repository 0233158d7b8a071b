/** Test support for the server tests: a server on a temp data root with the engine's test catalogue, and a WS client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { catalogJson } from '../engine/catalogJson.ts';
import { createRun } from '../engine/run.ts';
import { nodeCatalog as testCatalog } from '../engine/testing/testCatalog.ts';
import { validateGraph } from '../engine/validate.ts';
import { createWorkerPool } from '../pool/workerPool.ts';
import type { Graph } from '../engine/types.ts';
import type { RasterReader, ServerDeps } from './deps.ts';
import { crc32 } from './png.ts';
import { startServer, type RunningServer, type ServerOptions } from './index.ts';

export const testDeps: ServerDeps = {
  catalog: testCatalog,
  catalogJson,
  validateGraph,
  createRun,
  createPool: (size) => createWorkerPool({ size: size || 2, taskModule: new URL('../engine/testing/testTasks.ts', import.meta.url) }),
  openRaster: async (file) => {
    const { openRaster } = await import('@sentiflow/nodes/io/geotiff/read.ts');
    return (await openRaster(file)) as RasterReader;
  },
};

export interface TestServer extends RunningServer {
  dataRoot: string;
  stop(): Promise<void>;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataRoot = options.dataRoot ?? mkdtempSync(path.join(tmpdir(), 'sentiflow-server-'));
  let server: RunningServer;
  try {
    server = await startServer({ port: 0, log: () => undefined, editorDist: path.join(dataRoot, 'no-editor'), ...options, dataRoot, deps: { ...testDeps, ...options.deps } });
  } catch (err) {
    if (!options.dataRoot) rmSync(dataRoot, { recursive: true, force: true });
    throw err;
  }
  return {
    ...server,
    dataRoot,
    async stop() {
      await server.close();
      if (!options.dataRoot) rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/** source(1) → a (+1, slow) → b (+10, slow) */
export function chainGraph(sleepMs = 300): Graph {
  return {
    schema: 'sentiflow/graph@1',
    name: 'chain',
    nodes: [
      { id: 'src', type: 'test.source', version: 1, params: { value: 1 } },
      { id: 'a', type: 'test.add', version: 1, params: { add: 1, sleepMs } },
      { id: 'b', type: 'test.add', version: 1, params: { add: 10, sleepMs } },
    ],
    links: [
      { from: { node: 'src', output: 'out' }, to: { node: 'a', input: 'a' } },
      { from: { node: 'a', output: 'out' }, to: { node: 'b', input: 'a' } },
    ],
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface WsMessage {
  type: string;
  message?: string;
  event?: { type: string; seq: number; runId: string; nodeId?: string };
}

export interface TestClient {
  ws: WebSocket;
  messages: WsMessage[];
  send(data: unknown): void;
  /** Resolves with the first message (seen or future) after index `from` that matches. */
  waitFor(match: (m: WsMessage) => boolean, timeoutMs?: number): Promise<WsMessage>;
  close(): Promise<void>;
}

export async function connect(url: string): Promise<TestClient> {
  const ws = new WebSocket(url);
  const messages: WsMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as WsMessage);
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    ws,
    messages,
    send: (data) => ws.send(typeof data === 'string' ? data : JSON.stringify(data)),
    waitFor(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = messages.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; got ${JSON.stringify(messages.map((m) => m.event?.type ?? m.type))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

export const wsUrl = (httpUrl: string, query = ''): string => `${httpUrl.replace(/^http/, 'ws')}/api/events${query}`;

/** Decodes what encodePng writes (RGBA, filter 0), checking every chunk's CRC. */
export function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(png.readUInt32BE(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)), `${type} CRC`);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 4 + 1)], 0, 'filter type 0');
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

