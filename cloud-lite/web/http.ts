// The web app's HTTP plumbing: cookies, the small form body, where a request comes from (client
// address, TLS, same origin) and the headers every page carries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebConfig } from './config.ts';

/** Forms here hold a key id, a secret and a token: a few hundred bytes. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Strict CSP: no script at all (the pages are server-rendered and need none), styles only from
 * this service's own stylesheet, no remote resource, no framing, forms posting only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function cookiesOf(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // The first of two same-named cookies wins (the most specific path, as browsers order them).
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined: a browser-session cookie. */
  maxAge?: number;
}

export function setCookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(o.maxAge !== undefined ? [`Max-Age=${o.maxAge}`] : []),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Whether the request reached us over TLS, as far as this deployment can tell. */
export function isSecure(req: IncomingMessage, config: WebConfig): boolean {
  if (config.cookieSecure) return true;
  if (!config.trustProxy) return false;
  const proto = req.headers['x-forwarded-proto'];
  return typeof proto === 'string' && proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

/** The client address: the proxy's last X-Forwarded-For entry when trusted, else the socket's. */
export function clientAddress(req: IncomingMessage, config: WebConfig): string {
  if (config.trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const last = typeof fwd === 'string' ? fwd.split(',').at(-1)?.trim() : undefined;
    if (last) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * A request another site made the browser send. Fetch Metadata decides when the browser sends
 * it (every current one does): only same-origin passes. Otherwise an Origin naming another
 * host is refused. Origin "null" decides nothing: under Referrer-Policy no-referrer browsers
 * send it for their own same-origin form posts too. Requests with neither (not from a browser)
 * are left to the CSRF token, which every POST needs anyway.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export type FormResult = { ok: true; form: URLSearchParams } | { ok: false; status: 413 | 415 | 400 };

export async function readForm(req: IncomingMessage): Promise<FormResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { ok: false, status: 415 };
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MAX_FORM_BYTES) return { ok: false, status: 413 };
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400 };
  }
  return { ok: true, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
}

export interface PageOptions {
  status?: number;
  cookies?: string[];
  headers?: Record<string, string>;
}

export function sendHtml(req: IncomingMessage, res: ServerResponse, html: string, o: PageOptions = {}): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(o.status ?? 200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.byteLength,
    // Pages show one user's data: never kept by a browser or a proxy.
    'Cache-Control': 'no-store',
    ...(o.cookies && o.cookies.length > 0 ? { 'Set-Cookie': o.cookies } : {}),
    ...o.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(303, {
    ...SECURITY_HEADERS,
    Location: location,
    'Cache-Control': 'no-store',
    'Content-Length': 0,
    ...(cookies.length > 0 ? { 'Set-Cookie': cookies } : {}),
  });
  res.end();
}
