/**
 * Subscribes to a run's events over WebSocket. Reconnects with backoff and resubscribes from the last seen
 * sequence number + 1, so no event is lost or applied twice. The socket is same-origin, so in token mode
 * it carries the HttpOnly `sentiflow_token` cookie like every fetch does (the token is never in page JS).
 */
import type { RunEvent } from './types.ts';

export interface EventSubscription {
  close(): void;
}

export function subscribeRun(
  runId: string,
  onEvent: (event: RunEvent) => void,
  onError: (message: string) => void = () => {},
  fromSeq = 0,
): EventSubscription {
  let nextSeq = fromSeq;
  let socket: WebSocket | null = null;
  let closed = false;
  let retry = 0;
  let everOpened = false;
  let reported = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const url = new URL('api/events', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

  const connect = () => {
    if (closed) return;
    socket = new WebSocket(url);
    socket.onopen = () => {
      retry = 0;
      everOpened = true;
      socket?.send(JSON.stringify({ type: 'subscribe', runId, fromSeq: nextSeq }));
    };
    socket.onmessage = (msg) => {
      let data: { type: string; event?: RunEvent; message?: string };
      try {
        data = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (data.type === 'event' && data.event) {
        if (data.event.runId !== runId || data.event.seq < nextSeq) return;
        nextSeq = data.event.seq + 1;
        onEvent(data.event);
        if (data.event.type === 'run.finished' || data.event.type === 'run.cancelled') close();
      } else if (data.type === 'error') {
        onError(data.message ?? 'event stream error');
      }
    };
    socket.onclose = () => {
      if (closed) return;
      retry++;
      // Browsers hide the refused upgrade's status; say why the run view may not move instead of showing 0/0 forever.
      if (!everOpened && retry === 3 && !reported) {
        reported = true;
        onError('cannot connect to the runner\'s event stream; if the runner was started with a token, open the editor with ?token=<token>');
      }
      timer = setTimeout(connect, Math.min(5000, 250 * 2 ** retry));
    };
  };

  const close = () => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
  };

  connect();
  return { close };
}
