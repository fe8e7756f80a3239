// The HTTP server (node:http): routing, the order of checks for a signed request, timeouts and
// the connection cap, one log line per request. For a signed request: Content-Length over the
// cap → 413 before reading; the raw body read with the cap enforced while streaming; then
// authenticate (signature, key, timestamp, nonce, burst); only then the route parses the body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { UPLOAD_PATHS } from '../../core/protocol/upload.ts';
import { authenticate, keyIdOf } from '../auth/authenticate.ts';
import { AuthFailureThrottle } from '../auth/failure-throttle.ts';
import type { ServerTimeouts, ServiceLimits } from '../config.ts';
import type { Limiter } from '../limits/types.ts';
import { pathOf, type Logger } from '../log.ts';
import { InvalidCursorError, type CloudStore } from '../store/types.ts';
import { declaredLength, readBody } from './body.ts';
import { fail, ok, rawErrorResponse, send, type Reply } from './respond.ts';
import { getAlerts, getEvents, postBatch, type RouteContext, type RouteDeps } from './routes.ts';
import type { AlertEvaluator } from '../alerts/evaluator.ts';
import type { Analyzer } from '../analyze/analyzer.ts';
import { postAnalyze } from '../analyze/route.ts';
import type { WebApp, WebOutcome } from '../web/app.ts';

export interface ServerDeps {
  store: CloudStore;
  limiter: Limiter;
  limits: ServiceLimits;
  timeouts: ServerTimeouts;
  log: Logger;
  alerts: AlertEvaluator;
  analyzer: Analyzer;
  web: WebApp;
  now?: () => number;
}

/**
 * The answer (null: the client went away, or the web app answered itself: `web`), the key id
 * for the log, whether to close the connection.
 */
type Outcome = { reply: Reply | null; keyId?: string; close?: boolean; web?: WebOutcome };

type Handler = (ctx: RouteContext, deps: RouteDeps) => Promise<Reply>;

const SIGNED: Record<string, { method: string; handler: Handler }> = {
  [UPLOAD_PATHS.batches]: { method: 'POST', handler: postBatch },
  [UPLOAD_PATHS.events]: { method: 'GET', handler: getEvents },
  [UPLOAD_PATHS.alerts]: { method: 'GET', handler: getAlerts },
  [UPLOAD_PATHS.analyze]: { method: 'POST', handler: postAnalyze },
};

/** The signed API lives under /v1/; every other path but /healthz is the web dashboard's. */
const API_PREFIX = '/v1/';

/** Seconds a client should wait after a 503 (a back end down): short, the guard retries with backoff. */
const UNAVAILABLE_RETRY_SECONDS = 5;

function unavailable(): Reply {
  return fail('service_unavailable', 'the service cannot reach its store or limiter; retry later', UNAVAILABLE_RETRY_SECONDS);
}

async function healthz(deps: ServerDeps): Promise<Reply> {
  const check = async (f: () => Promise<void>): Promise<boolean> =>
    f().then(
      () => true,
      () => false,
    );
  const [store, limiter] = await Promise.all([check(() => deps.store.ping()), check(() => deps.limiter.ping())]);
  const body = { ok: store && limiter, store: { kind: deps.store.kind, ok: store }, limiter: { kind: deps.limiter.kind, ok: limiter } };
  if (body.ok) return ok(body);
  return { ...unavailable(), body: { ...body, error: { code: 'service_unavailable', message: 'a back end does not answer' } } };
}

export function createHttpServer(deps: ServerDeps): Server {
  const { limits, timeouts, log } = deps;
  const now = deps.now ?? Date.now;
  const routeDeps: RouteDeps = { store: deps.store, limits, alerts: deps.alerts, analyzer: deps.analyzer };
  const failures = new AuthFailureThrottle(deps.limiter, limits.authFailureLimit, limits.authFailureWindowMs, now);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<Outcome> => {
    const target = req.url ?? '/';
    const path = pathOf(target);
    const method = req.method ?? 'GET';
    if (path === UPLOAD_PATHS.healthz) {
      if (method !== 'GET' && method !== 'HEAD') return { reply: fail('method_not_allowed', 'use GET') };
      return { reply: await healthz(deps) };
    }
    if (!path.startsWith(API_PREFIX)) {
      const page = await deps.web.handle(req, res, path);
      return { reply: null, web: page };
    }
    const route = SIGNED[path];
    if (!route) return { reply: fail('not_found', 'no such endpoint') };
    if (method !== route.method) {
      res.setHeader('Allow', route.method);
      return { reply: fail('method_not_allowed', `use ${route.method}`) };
    }
    const keyId = keyIdOf(req.headers);
    // An address that keeps failing authentication is not heard (nor its body read) for a while.
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = failures.retryAfterSeconds(address);
    if (wait > 0) {
      return { reply: fail('rate_limited', 'too many failed authentications from this address', wait), keyId, close: true };
    }
    const tooLarge = (): Reply => fail('payload_too_large', `the body limit is ${limits.maxBodyBytes} bytes`);
    const length = declaredLength(req);
    // The unread body would follow on this connection: close it after answering.
    if (length !== null && length > limits.maxBodyBytes) return { reply: tooLarge(), keyId, close: true };
    const body = await readBody(req, limits.maxBodyBytes);
    if (!body.ok) {
      if (body.reason === 'too_large') return { reply: tooLarge(), keyId, close: true };
      return { reply: null, keyId }; // the client went away mid-body: nobody to answer
    }
    try {
      const auth = await authenticate(
        { method, target, headers: req.headers, body: body.body },
        { store: deps.store, limiter: deps.limiter, limits, now },
      );
      if (!auth.ok) {
        if (auth.reply.status === 401) await failures.recordFailure(address);
        return { reply: auth.reply, keyId };
      }
      const q = target.indexOf('?');
      const ctx: RouteContext = { key: auth.key, search: q < 0 ? '' : target.slice(q), headers: req.headers, body: body.body, now: now() };
      return { reply: await route.handler(ctx, routeDeps), keyId };
    } catch (err) {
      if (err instanceof InvalidCursorError) return { reply: fail('invalid_body', 'cursor is not one this service issued'), keyId };
      // The store or the limiter failed: fail closed. The error text is ours to keep (it may hold a URL).
      log.info('back end error', { path, error: err instanceof Error ? err.name : 'unknown' });
      return { reply: unavailable(), keyId };
    }
  };

  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // How often node checks the two timeouts above (default 30 s): often enough to honour them.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(timeouts.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const started = performance.now();
      handle(req, res)
        .catch((): Outcome => ({ reply: unavailable() }))
        .then(({ reply, keyId, close, web }) => {
          const entry = {
            method: (req.method ?? '').slice(0, 16),
            path: pathOf(req.url),
            status: web?.status ?? reply?.status ?? 0,
            ...(web
              ? web.code
                ? { code: web.code }
                : {}
              : reply?.code
                ? { code: reply.code }
                : reply === null
                  ? { code: 'client_aborted' }
                  : {}),
            ...(keyId ? { key_id: keyId } : {}),
            ms: Math.round((performance.now() - started) * 100) / 100,
          };
          log.request(entry);
          if (reply) send(res, reply, close);
          if (close) res.once('finish', () => req.socket.end());
        });
    },
  );
  server.maxConnections = timeouts.maxConnections;

  // Slow headers, a slow body, a malformed request: answer in JSON when the socket can still
  // take it (node's default answer is a bare 400/408), then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const truncated = err.code === 'HPE_INVALID_EOF_STATE';
    const reply = timedOut
      ? fail('request_timeout', 'the request was not received in time')
      : tooLarge
        ? fail('payload_too_large', 'the request headers are too large')
        : truncated
          ? fail('invalid_body', 'the request ended before its body was complete')
          : fail('invalid_body', 'malformed HTTP request');
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    log.request({
      method: '',
      path: '',
      status: reply.status,
      code: reply.code!,
      error: String(err.code ?? 'unknown').slice(0, 40),
      ms: 0,
    });
    if (socket.writable && !inFlight?.headersSent && err.code !== 'ECONNRESET') {
      socket.end(rawErrorResponse(reply));
    }
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  return server;
}
