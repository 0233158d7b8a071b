/**
 * Access control. Without a token the server only listens on loopback and, against DNS rebinding and
 * cross-site pages, accepts only loopback Host/Origin headers. With a token every HTTP request needs
 * `Authorization: Bearer <token>`, `?token=` or the cookie set after a `?token=` visit (so the editor's
 * assets load), and the WebSocket upgrade needs `?token=`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { sendError } from './errors.ts';

export const TOKEN_COOKIE = 'sentiflow_token';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The host name of a Host header or an Origin URL ("localhost:8787" → "localhost", "[::1]:80" → "::1"). */
function hostName(value: string): string {
  const v = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0];
  if (v.startsWith('[')) return v.slice(1, v.indexOf(']'));
  return v.split(':')[0];
}

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function queryToken(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  } catch {
    return null;
  }
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1].trim() : null;
}

/** Why a request from a browser on another site (or via a rebound DNS name) is refused in loopback mode. */
function loopbackRefusal(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (host && !isLoopbackHost(hostName(host))) return `Host "${host}" is not a loopback name; start the server with a token to allow remote access`;
  const origin = req.headers.origin;
  if (origin && origin !== 'null' && !isLoopbackHost(hostName(origin))) return `requests from origin ${origin} are not allowed`;
  return null;
}

/** Checks an HTTP request or a WebSocket upgrade; returns null when allowed, else [status, message]. */
export function checkAccess(req: IncomingMessage, token: string | undefined, upgrade: boolean): [number, string] | null {
  if (!token) {
    const why = loopbackRefusal(req);
    return why ? [403, why] : null;
  }
  if (tokenMatches(queryToken(req), token)) return null;
  if (!upgrade && (tokenMatches(bearerToken(req), token) || tokenMatches(cookieToken(req), token))) return null;
  return [401, upgrade ? 'a valid ?token= is required' : 'a valid token is required (Authorization: Bearer <token> or ?token=)'];
}

export function authMiddleware(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    const refusal = checkAccess(req, token, false);
    if (refusal) {
      if (refusal[0] === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, refusal[0], refusal[0] === 401 ? 'unauthorized' : 'forbidden', refusal[1]);
    }
    if (token && tokenMatches(queryToken(req), token) && !tokenMatches(cookieToken(req), token)) {
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    next();
  };
}
