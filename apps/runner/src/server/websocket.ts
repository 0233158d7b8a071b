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

/** Per socket: subscriptions to unknown runs (guessing run ids) and messages, per minute. */
export const MAX_UNKNOWN_RUNS_PER_MINUTE = 20;
export const MAX_MESSAGES_PER_MINUTE = 600;
/** Runs one socket may follow at once, and sockets one client address may hold open. */
export const MAX_SUBSCRIPTIONS = 64;
export const MAX_SOCKETS_PER_CLIENT = 64;
/** Close code for a policy violation (RFC 6455). */
const POLICY = 1008;

/** A fixed-window counter: `hit()` is false once `limit` hits happened within the last window. */
function windowCounter(limit: number, windowMs = 60_000): { hit(): boolean } {
  let since = Date.now();
  let count = 0;
  return {
    hit() {
      const now = Date.now();
      if (now - since >= windowMs) {
        since = now;
        count = 0;
      }
      return ++count <= limit;
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = ({ 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' } as Record<number, string>)[status] ?? 'Not Found';
  const body = JSON.stringify({ error: { code: reason.toLowerCase().replace(' ', '-'), message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function attachEvents(server: Server, registry: RunRegistry, token: string | undefined, log: (msg: string) => void): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${pathname}; use ${EVENTS_PATH}`);
    const access = checkAccess(req, token, true);
    if (!access.ok) return refuseUpgrade(socket, access.status, access.message);
    const client = req.socket.remoteAddress ?? 'unknown';
    if ((perClient.get(client) ?? 0) >= MAX_SOCKETS_PER_CLIENT) {
      return refuseUpgrade(socket, 429, `this address already has ${MAX_SOCKETS_PER_CLIENT} event connections open; close some first`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const perClient = new Map<string, number>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    ws.once('close', () => {
      const n = (perClient.get(client) ?? 1) - 1;
      if (n <= 0) perClient.delete(client);
      else perClient.set(client, n);
    });
    const unknownRuns = windowCounter(MAX_UNKNOWN_RUNS_PER_MINUTE);
    const messages = windowCounter(MAX_MESSAGES_PER_MINUTE);
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
      if (!messages.hit()) {
        error(`more than ${MAX_MESSAGES_PER_MINUTE} messages a minute; closing`);
        return ws.close(POLICY, 'too many messages');
      }
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
      if (!entry) {
        if (!unknownRuns.hit()) {
          error(`more than ${MAX_UNKNOWN_RUNS_PER_MINUTE} subscriptions to unknown runs a minute; closing`);
          return ws.close(POLICY, 'too many unknown runs');
        }
        return error(`unknown run "${msg.runId}"`, { runId: msg.runId });
      }
      if (!entry.run) return error(`run "${msg.runId}" is from an earlier session or finished long ago; its events are no longer kept (GET /api/runs/${msg.runId})`, { runId: msg.runId });
      drop(msg.runId);
      if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
        return error(`this connection already follows ${MAX_SUBSCRIPTIONS} runs; unsubscribe from some first`, { runId: msg.runId });
      }
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
