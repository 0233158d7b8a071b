/** JSON errors for the HTTP API: every failure is `{ error: { code, message } }` with a fitting status. */
import { randomBytes } from 'node:crypto';
import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json({ error: { code, message } });
}

/** Readable summary of zod issues, e.g. "runId: expected string". */
export function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Last express middleware: maps body-parser, zod and our own errors to JSON; anything else is a 500. */
export function errorHandler(log: (msg: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    void _next;
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message);
    if (err instanceof ZodError) return sendError(res, 400, 'bad-request', zodMessage(err));
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      const limit = (err as { limit?: number }).limit;
      return sendError(res, 413, 'body-too-large', `request body is larger than the limit${limit ? ` of ${limit} bytes` : ''}`);
    }
    if (type === 'entity.parse.failed') return sendError(res, 400, 'bad-json', `request body is not valid JSON: ${(err as Error).message}`);
    if (typeof (err as { status?: number }).status === 'number' && (err as { status: number }).status < 500) {
      return sendError(res, (err as { status: number }).status, 'bad-request', (err as Error).message);
    }
    // The stack and message may name the server's files: they go to the server log, the client gets a reference.
    const ref = randomBytes(4).toString('hex');
    log(`server error ${ref}: ${(err as Error)?.stack ?? String(err)}`);
    sendError(res, 500, 'internal', `internal error (reference ${ref} in the server log)`);
  };
}
