/**
 * The event stream at /api/events. A client subscribes to runs ({type:'subscribe', runId, fromSeq?}) and
 * gets {type:'event', event} from `fromSeq` on (replayed, then live). Bad messages get {type:'error'}; a
 * client that goes away only loses its subscriptions, never affects a run.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import { checkAccess } from './auth.ts';
import { zodMessage } from './errors.ts';
import type { RunRegistry } from './runs.ts';

export const EVENTS_PATH = '/api/events';
const MAX_MESSAGE_BYTES = 64 * 1024;
/** A client this far behind is dropped rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

const runId = z.string().min(1).max(200);
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), runId, fromSeq: z.number().int().min(0).optional() }),
  z.strictObject({ type: z.literal('unsubscribe'), runId }),
  z.strictObject({ type: z.literal('ping') }),
]);

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  const body = JSON.stringify({ error: { code: reason.toLowerCase().replace(' ', '-'), message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function attachEvents(server: Server, registry: RunRegistry, token: string | undefined, log: (msg: string) => void): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${pathname}; use ${EVENTS_PATH}`);
    const refusal = checkAccess(req, token, true);
    if (refusal) return refuseUpgrade(socket, refusal[0], refusal[1]);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const subscriptions = new Map<string, () => void>();
    let alive = true;
    const send = (msg: unknown): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(msg));
    };
    const error = (message: string, extra: Record<string, unknown> = {}): void => send({ type: 'error', message, ...extra });
    const drop = (id: string): void => {
      subscriptions.get(id)?.();
      subscriptions.delete(id);
    };

    ws.on('pong', () => (alive = true));
    ws.on('error', (err) => log(`websocket client error: ${err.message}`));
    ws.on('close', () => {
      for (const id of [...subscriptions.keys()]) drop(id);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return error('binary messages are not supported; send JSON text');
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return error('message is not valid JSON');
      }
      const parsed = clientMessageSchema.safeParse(json);
      if (!parsed.success) return error(`bad message: ${zodMessage(parsed.error)}`);
      const msg = parsed.data;
      if (msg.type === 'ping') return send({ type: 'pong' });
      if (msg.type === 'unsubscribe') return drop(msg.runId);
      const entry = registry.get(msg.runId);
      if (!entry) return error(`unknown run "${msg.runId}"`, { runId: msg.runId });
      if (!entry.run) return error(`run "${msg.runId}" is from an earlier session; its events are not available (GET /api/runs/${msg.runId})`, { runId: msg.runId });
      drop(msg.runId);
      try {
        subscriptions.set(msg.runId, entry.run.subscribe(msg.fromSeq ?? 0, (event) => send({ type: 'event', event })));
      } catch (err) {
        error(`cannot subscribe: ${(err as Error).message}`, { runId: msg.runId });
      }
    });

    const timer = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    timer.unref();
    ws.once('close', () => clearInterval(timer));
  });

  return {
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
