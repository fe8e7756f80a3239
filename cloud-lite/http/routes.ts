// What each signed endpoint does once the request is authenticated. The body was verified
// before anything here parses it. Store calls that throw become 503 in server.ts, except a
// client's bad cursor (400).
import type { IncomingHttpHeaders } from 'node:http';
import { decodeUploadBatch, parseEventsQuery, parseEventsRequest, type UploadAccepted } from '../../core/protocol/upload.ts';
import type { ApiKeyRecord, CloudStore } from '../store/types.ts';
import type { AlertEvaluator } from '../alerts/evaluator.ts';
import type { Analyzer } from '../analyze/analyzer.ts';
import type { ServiceLimits } from '../config.ts';
import { fail, ok, type Reply } from './respond.ts';

export interface RouteContext {
  key: ApiKeyRecord;
  /** The query string with its "?", or "". */
  search: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  now: number;
}

export interface RouteDeps {
  store: CloudStore;
  limits: ServiceLimits;
  alerts: AlertEvaluator;
  analyzer: Analyzer;
}

/** 'YYYY-MM-DD' of `now` in UTC: the day a batch's events count against. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Seconds until the next UTC midnight, when the daily quota resets (≥ 1). */
export function secondsToUtcMidnight(now: number): { seconds: number; at: number } {
  const d = new Date(now);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return { seconds: Math.max(1, Math.ceil((at - now) / 1000)), at };
}

function isJson(headers: IncomingHttpHeaders): boolean {
  const type = (headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json';
}

export async function postBatch(ctx: RouteContext, deps: RouteDeps): Promise<Reply> {
  if (!isJson(ctx.headers)) return fail('invalid_body', 'Content-Type must be application/json');
  const decoded = decodeUploadBatch(ctx.body, { maxEvents: deps.limits.maxBatchEvents, maxBodyBytes: deps.limits.maxBodyBytes });
  if (!decoded.ok) return fail(decoded.code, decoded.message);
  const quota = deps.limits.dailyQuota[ctx.key.plan];
  const result = await deps.store.insertEvents({
    user: ctx.key.user,
    keyId: ctx.key.keyId,
    events: decoded.value.events,
    dailyQuota: quota,
    day: utcDay(ctx.now),
    receivedAt: ctx.now,
  });
  if (result.accepted.length > 0) {
    const stored = new Set(result.accepted);
    deps.alerts.afterInsert(
      ctx.key.user,
      ctx.key.keyId,
      decoded.value.events.filter((e) => stored.delete(e.id)),
    );
  }
  const reset = secondsToUtcMidnight(ctx.now);
  if (result.accepted.length === 0 && result.refused.length > 0) {
    return fail('quota_exceeded', `the daily quota of ${quota} events is used; it resets at 00:00 UTC`, reset.seconds, reset.at);
  }
  const body: UploadAccepted = { accepted: result.accepted.length, duplicates: result.duplicates.length };
  if (result.refused.length > 0) body.refused = { code: 'quota_exceeded', ids: result.refused, retry_after: reset.seconds };
  return ok(body);
}

export async function getEvents(ctx: RouteContext, deps: RouteDeps): Promise<Reply> {
  const q = parseEventsRequest(ctx.search);
  if (!q.ok) return fail(q.code, q.message);
  const { limit, cursor, since, until, platform, minRisk, session } = q.value;
  const page = await deps.store.pageEvents({
    user: ctx.key.user,
    limit,
    cursor,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(platform !== undefined ? { platform } : {}),
    ...(minRisk !== undefined ? { minRisk } : {}),
    ...(session !== undefined ? { sessionId: session } : {}),
  });
  return ok({ events: page.events, next_cursor: page.nextCursor });
}

export async function getAlerts(ctx: RouteContext, deps: RouteDeps): Promise<Reply> {
  const q = parseEventsQuery(ctx.search);
  if (!q.ok) return fail(q.code, q.message);
  const page = await deps.store.pageAlerts({ user: ctx.key.user, limit: q.value.limit, cursor: q.value.cursor });
  return ok({ alerts: page.alerts, next_cursor: page.nextCursor });
}
