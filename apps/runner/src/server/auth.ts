/**
 * Access control: one check, `checkAccess`, for every HTTP request and every WebSocket upgrade.
 *
 * Without a token the server only listens on loopback and, against DNS rebinding and cross-site pages,
 * accepts only loopback Host/Origin headers. With a token a request must carry it as
 * `Authorization: Bearer <token>`, `?token=` or the `sentiflow_token` cookie. Opening the editor with
 * `?token=` swaps the token for an HttpOnly, SameSite=Strict cookie and redirects to the same URL without
 * it, so the token does not stay in the address bar, the history or a shared screenshot; the editor's
 * fetches and its WebSocket then carry the cookie.
 *
 * State-changing requests (anything but GET/HEAD/OPTIONS) and WebSocket upgrades also need a trustworthy
 * Origin: `Origin: null` (sandboxed iframes, file: pages, some redirects) is refused, as is a browser
 * request that says it comes from another site (`Sec-Fetch-Site`) without an Origin. A request with no
 * Origin and no fetch metadata is not from a web page (curl, scripts, the CLI) and is let through: such a
 * process already runs as the user. In token mode a cookie-authenticated request needs an Origin equal to
 * its Host, since SameSite=Strict still sends the cookie from another port of the same host.
 *
 * Wrong token guesses are rate-limited per client address (distinct wrong values per minute).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { sendError } from './errors.ts';

export const TOKEN_COOKIE = 'sentiflow_token';
export const MIN_TOKEN_LENGTH = 16;
/** Failed token attempts allowed per client address per window before answering 429. */
export const MAX_BAD_TOKENS = 10;
const BAD_TOKEN_WINDOW_MS = 60_000;

/** Why a token is too weak to protect a server reachable from the network, or null. */
export function weakTokenReason(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) {
    return `the token is ${token.length} character${token.length === 1 ? '' : 's'} long; use at least ${MIN_TOKEN_LENGTH} random characters (e.g. the output of \`openssl rand -hex 16\`)`;
  }
  return null;
}

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
    if (k === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1].trim() : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why the Origin of a state-changing request or an upgrade is not acceptable, or null. */
function originRefusal(req: IncomingMessage, allowed: (origin: string) => boolean): string | null {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return `a ${site} request without an Origin header is not allowed`;
    return null;
  }
  if (origin === 'null') return 'requests from an opaque origin ("Origin: null", e.g. a sandboxed frame or a file: page) are not allowed';
  return allowed(origin) ? null : `requests from origin ${origin} are not allowed`;
}

/** Why a request from a browser on another site (or via a rebound DNS name) is refused in loopback mode. */
function loopbackRefusal(req: IncomingMessage, stateChanging: boolean): string | null {
  const host = req.headers.host;
  if (host && !isLoopbackHost(hostName(host))) return `Host "${host}" is not a loopback name; start the server with a token to allow remote access`;
  const origin = req.headers.origin;
  if (stateChanging) return originRefusal(req, (o) => isLoopbackHost(hostName(o)));
  if (origin && origin !== 'null' && !isLoopbackHost(hostName(origin))) return `requests from origin ${origin} are not allowed`;
  return null;
}

/**
 * Distinct wrong tokens per client address in the current window (bounded: the oldest addresses are forgotten
 * first). Distinct, so that a browser still holding the cookie of an earlier token, sending it with every
 * asset, is not locked out; a guesser's values are all different.
 */
const badTokens = new Map<string, { seen: Set<string>; since: number }>();

function clientKey(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

function tooManyBadTokens(req: IncomingMessage, now = Date.now()): boolean {
  const b = badTokens.get(clientKey(req));
  return b !== undefined && now - b.since < BAD_TOKEN_WINDOW_MS && b.seen.size >= MAX_BAD_TOKENS;
}

function recordBadToken(req: IncomingMessage, values: (string | null)[], now = Date.now()): void {
  const key = clientKey(req);
  let b = badTokens.get(key);
  if (!b || now - b.since >= BAD_TOKEN_WINDOW_MS) {
    badTokens.delete(key);
    b = { seen: new Set(), since: now };
    badTokens.set(key, b);
    if (badTokens.size > 10_000) badTokens.delete(badTokens.keys().next().value!);
  }
  for (const v of values) if (v) b.seen.add(createHash('sha256').update(v).digest('hex'));
}

/** Forgets failed attempts (tests). */
export function resetTokenGuesses(): void {
  badTokens.clear();
}

export type AccessResult = { ok: true; via: 'loopback' | 'bearer' | 'query' | 'cookie' } | { ok: false; status: number; message: string };

/** Checks an HTTP request or a WebSocket upgrade (both are IncomingMessages with the same headers). */
export function checkAccess(req: IncomingMessage, token: string | undefined, upgrade: boolean): AccessResult {
  const stateChanging = upgrade || !SAFE_METHODS.has(req.method ?? 'GET');
  if (!token) {
    const why = loopbackRefusal(req, stateChanging);
    return why ? { ok: false, status: 403, message: why } : { ok: true, via: 'loopback' };
  }
  if (tooManyBadTokens(req)) {
    return { ok: false, status: 429, message: `too many wrong tokens from this address; wait a minute before trying again` };
  }
  const given = { bearer: bearerToken(req), query: queryToken(req), cookie: cookieToken(req) };
  const via = (['bearer', 'query', 'cookie'] as const).find((k) => tokenMatches(given[k], token));
  if (!via) {
    if (given.bearer || given.query || given.cookie) recordBadToken(req, [given.bearer, given.query, given.cookie]);
    return { ok: false, status: 401, message: 'a valid token is required (Authorization: Bearer <token>, ?token=<token> or the sentiflow_token cookie)' };
  }
  if (stateChanging && via === 'cookie') {
    const host = req.headers.host ?? '';
    const why = originRefusal(req, (o) => hostOf(o) === host.toLowerCase());
    if (why) return { ok: false, status: 403, message: why };
  }
  return { ok: true, via };
}

/** "http://a.b:8787/x" → "a.b:8787". */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

export function authMiddleware(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    const access = checkAccess(req, token, false);
    if (!access.ok) {
      if (access.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      if (access.status === 429) res.setHeader('Retry-After', '60');
      const code = access.status === 401 ? 'unauthorized' : access.status === 429 ? 'too-many-attempts' : 'forbidden';
      return sendError(res, access.status, code, access.message);
    }
    if (token && access.via === 'query') {
      res.setHeader('Set-Cookie', tokenCookie(token));
      // A page opened with ?token=: take the token out of the address bar.
      if ((req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/')) {
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.delete('token');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Referrer-Policy', 'no-referrer');
        return res.redirect(303, url.pathname + url.search + url.hash);
      }
    }
    next();
  };
}
