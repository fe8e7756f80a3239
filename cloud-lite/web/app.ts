// The read-only web dashboard: every path outside /v1/ and /healthz. Sign in with a key id and
// its secret (POST /login), then the summary (/), recent events (/events) and alerts (/alerts)
// of that key's user only, and sign out (POST /logout). Server-rendered HTML, no script.
//
// Sessions: session.ts (a signed cookie naming a server-side session row). CSRF: every POST
// must come from this origin (Fetch Metadata / Origin) and carry a token: on the sign-in form
// the double-submitted wd_csrf cookie, on the sign-out form a token bound to the session.
// Sign-in failures are limited per client address and per key id in the limiter's sliding
// window (auth/failure-throttle.ts, shared through Redis when scaled out).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_RANGES, type DashboardRange } from '../../core/protocol/dashboard.ts';
import { constantTimeEqual } from '../../core/protocol/signing.ts';
import { AuthFailureThrottle } from '../auth/failure-throttle.ts';
import { verifyKeyOf } from '../keys/secret.ts';
import type { Limiter } from '../limits/types.ts';
import type { Logger } from '../log.ts';
import { InvalidCursorError, type CloudStore } from '../store/types.ts';
import type { WebConfig } from './config.ts';
import { clientAddress, cookiesOf, isCrossSite, isSecure, readForm, redirect, SECURITY_HEADERS, sendHtml, setCookie } from './http.ts';
import { alertsPage, eventsPage, layout, loginPage, messagePage, summaryPage, type Section } from './pages.ts';
import {
  checkSessionCsrfToken,
  encodeSessionCookie,
  newSessionId,
  sessionCsrfToken,
  sessionIdHash,
  verifySessionCookie,
  type SignedInSession,
} from './session.ts';
import { STYLE_ETAG, STYLE_PATH, STYLESHEET } from './style.ts';
import { buildSummary } from './summary.ts';

export interface WebAppDeps {
  store: CloudStore;
  limiter: Limiter;
  config: WebConfig;
  log: Logger;
  now: () => number;
}

/** What the request log records of a page request the app answered itself. */
export interface WebOutcome {
  status: number;
  code?: string;
}

export interface WebApp {
  /** Answers the request (it writes the response) and reports its status for the log. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<WebOutcome>;
}

export const SESSION_COOKIE = 'wd_session';
export const CSRF_COOKIE = 'wd_csrf';
const PAGE_SIZE = 50;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function createWebApp(deps: WebAppDeps): WebApp {
  const { store, config, now } = deps;
  const byAddress = new AuthFailureThrottle(deps.limiter, config.loginFailureLimit, config.loginFailureWindowMs, now);
  const byKey = new AuthFailureThrottle(deps.limiter, config.loginFailureLimit, config.loginFailureWindowMs, now);

  const cookie = (req: IncomingMessage, name: string, value: string, maxAge?: number): string =>
    setCookie(name, value, { secure: isSecure(req, config), ...(maxAge !== undefined ? { maxAge } : {}) });
  const clearSession = (req: IncomingMessage): string => cookie(req, SESSION_COOKIE, '', 0);

  const page = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    html: string,
    cookies: string[] = [],
    code?: string,
  ): WebOutcome => {
    sendHtml(req, res, html, { status, cookies });
    return { status, ...(code ? { code } : {}) };
  };

  /** The sign-in page, with the double-submit token (a new cookie when the browser has none). */
  const showLogin = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    o: { error?: string; keyId?: string } = {},
    code?: string,
  ) => {
    const existing = cookiesOf(req).get(CSRF_COOKIE);
    const csrf = existing !== undefined && TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
    const cookies = [...(existing === csrf ? [] : [cookie(req, CSRF_COOKIE, csrf)])];
    if (cookiesOf(req).has(SESSION_COOKIE)) cookies.push(clearSession(req));
    return page(req, res, status, loginPage({ csrf, ...o }), cookies, code);
  };

  const currentSession = async (req: IncomingMessage): Promise<SignedInSession | null> => {
    const value = cookiesOf(req).get(SESSION_COOKIE);
    return value === undefined || value === '' ? null : verifySessionCookie(value, store, now());
  };

  const chrome = (s: SignedInSession, section: Section) => ({ user: s.user, keyId: s.keyId, csrf: sessionCsrfToken(s), section });

  const login = async (req: IncomingMessage, res: ServerResponse): Promise<WebOutcome> => {
    if (isCrossSite(req)) return page(req, res, 403, messagePage('Refused', 'This form must be sent from this site.'), [], 'cross_site');
    const body = await readForm(req);
    if (!body.ok) return page(req, res, body.status, messagePage('Refused', 'Not a sign-in form.'), [], 'invalid_body');
    const form = body.form;
    const sent = form.get('csrf') ?? '';
    const expected = cookiesOf(req).get(CSRF_COOKIE) ?? '';
    if (!TOKEN.test(expected) || !constantTimeEqual(Buffer.from(sent), Buffer.from(expected))) {
      return page(req, res, 403, messagePage('Refused', 'The sign-in form expired: reload the page and sign in again.'), [], 'csrf');
    }
    const keyId = (form.get('key_id') ?? '').trim();
    const secret = form.get('secret') ?? '';
    const address = `web:${clientAddress(req, config)}`;
    const keyName = `web-key:${KEY_ID.test(keyId) ? keyId : '(invalid)'}`;
    const limited = (): number => Math.max(byAddress.retryAfterSeconds(address), byKey.retryAfterSeconds(keyName));
    const tooMany = (wait: number): WebOutcome => {
      res.setHeader('Retry-After', String(wait));
      return showLogin(req, res, 429, { error: `Too many failed sign-ins: try again in ${wait} s.` }, 'rate_limited');
    };
    const wait = limited();
    if (wait > 0) return tooMany(wait);

    const key = KEY_ID.test(keyId) ? await store.getKey(keyId) : null;
    let valid = false;
    try {
      const candidate = verifyKeyOf(secret);
      for (const vk of key?.verifyKeys ?? []) valid = constantTimeEqual(candidate, vk) || valid;
    } catch {
      valid = false; // too short to be a secret
    }
    if (key === null || key.revokedAt !== null || !valid) {
      await Promise.all([byAddress.recordFailure(address), byKey.recordFailure(keyName)]);
      const after = limited();
      if (after > 0) return tooMany(after);
      return showLogin(
        req,
        res,
        401,
        { error: 'Wrong key id or secret, or the key was revoked.', keyId: keyId.slice(0, 128) },
        'unauthorized',
      );
    }
    const at = now();
    const sessionId = newSessionId();
    const expiresAt = at + config.sessionSeconds * 1000;
    await store.web.createSession({ idHash: sessionIdHash(sessionId), user: key.user, keyId: key.keyId, createdAt: at, expiresAt });
    const value = encodeSessionCookie({ sessionId, user: key.user, keyId: key.keyId, expiresAt }, key);
    redirect(res, '/', [cookie(req, SESSION_COOKIE, value, config.sessionSeconds)]);
    return { status: 303 };
  };

  const logout = async (req: IncomingMessage, res: ServerResponse): Promise<WebOutcome> => {
    if (isCrossSite(req)) return page(req, res, 403, messagePage('Refused', 'This form must be sent from this site.'), [], 'cross_site');
    const body = await readForm(req);
    if (!body.ok) return page(req, res, body.status, messagePage('Refused', 'Not a sign-out form.'), [], 'invalid_body');
    const session = await currentSession(req);
    if (session === null) {
      redirect(res, '/login', [clearSession(req)]);
      return { status: 303 };
    }
    if (!checkSessionCsrfToken(session, body.form.get('csrf') ?? '')) {
      return page(req, res, 403, messagePage('Refused', 'The sign-out form expired: reload the page.'), [], 'csrf');
    }
    await store.web.endSession(sessionIdHash(session.sessionId));
    redirect(res, '/login', [clearSession(req)]);
    return { status: 303 };
  };

  const signedInPage = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<WebOutcome> => {
    const session = await currentSession(req);
    if (session === null) {
      redirect(res, '/login', cookiesOf(req).has(SESSION_COOKIE) ? [clearSession(req)] : []);
      return { status: 303, code: 'signed_out' };
    }
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const cursor = query.get('cursor');
    if (path === '/') {
      const asked = query.get('range');
      const range: DashboardRange = (DASHBOARD_RANGES as readonly string[]).includes(asked ?? '') ? (asked as DashboardRange) : '24h';
      const state = await buildSummary(store, session.user, range, now());
      return page(req, res, 200, layout({ title: 'Summary', signedIn: chrome(session, 'summary') }, summaryPage(state)));
    }
    if (path === '/events') {
      const p = await store.pageEvents({ user: session.user, limit: PAGE_SIZE, cursor });
      return page(
        req,
        res,
        200,
        layout({ title: 'Events', signedIn: chrome(session, 'events') }, eventsPage(p.events, p.nextCursor, cursor === null)),
      );
    }
    const p = await store.pageAlerts({ user: session.user, limit: PAGE_SIZE, cursor });
    return page(
      req,
      res,
      200,
      layout({ title: 'Alerts', signedIn: chrome(session, 'alerts') }, alertsPage(p.alerts, p.nextCursor, cursor === null)),
    );
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<WebOutcome> => {
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    const only = (allowed: string): WebOutcome => {
      res.setHeader('Allow', allowed);
      return page(req, res, 405, messagePage('Not allowed', `Use ${allowed}.`), [], 'method_not_allowed');
    };
    switch (path) {
      case STYLE_PATH:
        if (!read) return only('GET, HEAD');
        if (req.headers['if-none-match'] === STYLE_ETAG) {
          res.writeHead(304, { ETag: STYLE_ETAG, 'Cache-Control': 'public, max-age=3600' }).end();
          return { status: 304 };
        }
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': 'text/css; charset=utf-8',
          'Cache-Control': 'public, max-age=3600',
          ETag: STYLE_ETAG,
        });
        res.end(method === 'HEAD' ? undefined : STYLESHEET);
        return { status: 200 };
      case '/favicon.ico':
        // None: answered so that browsers do not log a failed load on every page.
        res.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=86400' }).end();
        return { status: 204 };
      case '/login':
        if (method === 'POST') return login(req, res);
        if (!read) return only('GET, HEAD, POST');
        if ((await currentSession(req)) !== null) {
          redirect(res, '/');
          return { status: 303 };
        }
        return showLogin(req, res, 200);
      case '/logout':
        if (method !== 'POST') return only('POST');
        return logout(req, res);
      case '/':
      case '/events':
      case '/alerts':
        if (!read) return only('GET, HEAD');
        return signedInPage(req, res, path);
      default:
        return page(req, res, 404, messagePage('Not found', 'There is no page here.'), [], 'not_found');
    }
  };

  return {
    handle: async (req, res, path) => {
      try {
        return await route(req, res, path);
      } catch (err) {
        if (err instanceof InvalidCursorError)
          return page(req, res, 400, messagePage('Bad link', 'That page link is not valid.'), [], 'invalid_cursor');
        // The store or limiter failed: the page says so, the log names the error class only.
        deps.log.info('web back end error', { path, error: err instanceof Error ? err.name : 'unknown' });
        if (res.headersSent) {
          res.destroy();
          return { status: 503, code: 'service_unavailable' };
        }
        return page(
          req,
          res,
          503,
          messagePage('Unavailable', 'The service cannot reach its store; try again shortly.'),
          [],
          'service_unavailable',
        );
      }
    },
  };
}
