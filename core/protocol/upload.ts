// The signed-upload wire contract between the guard's uploader and cloud-lite (DESIGN.md
// "Signed uploads"): endpoints, header names, limits, the batch body, the responses and the
// error codes with their HTTP statuses. The uploader parses responses with these schemas and
// the service parses requests with them, so the two sides cannot drift. Signing lives in
// signing.ts. zod/mini, like event.ts, so the extension can read pages without classic zod.
import * as z from 'zod/mini';
import './zod-english.ts';
import { AlertSchema, AuditEventWireSchema, upgradeAuditEvent, type AuditEvent } from './event.ts';
import { PLATFORMS, type Platform, type RiskLevel } from './vocabulary.ts';

// ---- Endpoints, headers, limits ------------------------------------------------------------------

export const UPLOAD_PATHS = {
  batches: '/v1/batches',
  events: '/v1/events',
  alerts: '/v1/alerts',
  analyze: '/v1/analyze',
  healthz: '/healthz',
} as const;

/** Request headers of a signed request, spelled as sent (lookups are case-insensitive). */
export const SIGNATURE_HEADERS = {
  keyId: 'X-Warden-Key-Id',
  /** Unix seconds, digits only. */
  timestamp: 'X-Warden-Timestamp',
  /** Random per request; the service refuses one it has seen within the window. */
  nonce: 'X-Warden-Nonce',
  /** `v1=` + 64 lowercase hex digits. */
  signature: 'X-Warden-Signature',
} as const;

/** Sent with every 429, in seconds. */
export const RETRY_AFTER_HEADER = 'Retry-After';

/** Default cap on events per batch; the service may be configured lower or higher. */
export const MAX_BATCH_EVENTS = 500;
/** Default cap on a request body, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most events one `GET /v1/events` page returns. */
export const MAX_EVENTS_PAGE = 500;
/** Page size when `limit` is absent (DESIGN.md leaves it open; chosen here). */
export const DEFAULT_EVENTS_PAGE = 100;

// ---- Error codes ---------------------------------------------------------------------------------

export const UPLOAD_ERROR_CODES = [
  'bad_signature',
  'stale_timestamp',
  'replayed_nonce',
  'unknown_key',
  'payload_too_large',
  'invalid_body',
  'rate_limited',
  'quota_exceeded',
  // Service-side answers beyond the batch contract (cloud-lite): unknown path, wrong method,
  // a client too slow to send its request, a back end that cannot answer (fail closed).
  'not_found',
  'method_not_allowed',
  'request_timeout',
  'service_unavailable',
  // POST /v1/analyze: analysis not configured on this service (permanent until it is), the
  // model's answer unusable (failed, slow or refused by validation), a user's daily analyses
  // used, the service's monthly token budget spent.
  'analysis_disabled',
  'analysis_failed',
  'analysis_quota_exceeded',
  'analysis_budget_exhausted',
] as const;
export type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[number];

/** The HTTP status each error code is answered with. */
export const UPLOAD_ERROR_STATUS: Readonly<Record<UploadErrorCode, 400 | 401 | 404 | 405 | 408 | 413 | 429 | 501 | 502 | 503>> = {
  bad_signature: 401,
  stale_timestamp: 401,
  replayed_nonce: 401,
  unknown_key: 401,
  payload_too_large: 413,
  invalid_body: 400,
  rate_limited: 429,
  quota_exceeded: 429,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  service_unavailable: 503,
  analysis_disabled: 501,
  analysis_failed: 502,
  analysis_quota_exceeded: 429,
  analysis_budget_exhausted: 429,
};

export const UploadErrorResponseSchema = z.object({
  error: z.object({
    code: z.enum(UPLOAD_ERROR_CODES),
    message: z.string(),
    /** 429 and 503: seconds to wait, as in the Retry-After header. */
    retry_after: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** 429: when the limit resets (ISO 8601, UTC). */
    reset_at: z.optional(z.string()),
  }),
});
export type UploadErrorResponse = z.infer<typeof UploadErrorResponseSchema>;

/** An error answer: its status and its JSON body. The message must hold no secret, signature or body. */
export function uploadError(
  code: UploadErrorCode,
  message: string,
  extra: { retry_after?: number; reset_at?: string } = {},
): { status: number; body: UploadErrorResponse } {
  return { status: UPLOAD_ERROR_STATUS[code], body: { error: { code, message, ...extra } } };
}

// ---- POST /v1/batches ----------------------------------------------------------------------------

const id = z.string().check(z.minLength(1), z.maxLength(128));
const count = z.number().check(z.int(), z.nonnegative());

/** The batch body with a cap on events (the default cap, or the service's configured one). */
export function uploadBatchSchema(maxEvents: number = MAX_BATCH_EVENTS) {
  return z.object({
    batch_id: id,
    instance_id: id,
    events: z.array(AuditEventWireSchema).check(z.maxLength(maxEvents)),
  });
}

/** `{batch_id, instance_id, events}` as sent (events of any schema version). */
export const UploadBatchSchema = uploadBatchSchema();
export type UploadBatchWire = z.infer<typeof UploadBatchSchema>;
/** A parsed batch: events upgraded to the current shape. */
export type UploadBatch = Omit<UploadBatchWire, 'events'> & { events: AuditEvent[] };

export type UploadParseResult<T> = { ok: true; value: T } | { ok: false; code: 'payload_too_large' | 'invalid_body'; message: string };

export interface BatchLimits {
  maxEvents?: number;
  maxBodyBytes?: number;
}

/** "events.3.outcome: Invalid option: …; batch_id: …": where each problem is, for the 400. */
function explain(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

/** Validates a parsed JSON value as a batch. */
export function parseUploadBatch(value: unknown, limits: BatchLimits = {}): UploadParseResult<UploadBatch> {
  const schema = limits.maxEvents === undefined ? UploadBatchSchema : uploadBatchSchema(limits.maxEvents);
  const r = schema.safeParse(value);
  if (!r.success) return { ok: false, code: 'invalid_body', message: explain(r.error.issues) };
  // Every event already passed the wire schema with the batch: upgraded, not validated twice.
  return { ok: true, value: { ...r.data, events: r.data.events.map(upgradeAuditEvent) } };
}

/**
 * The raw body of `POST /v1/batches` (after its signature was verified): size cap, strict
 * UTF-8, JSON, then the schema. Never echoes the body back in a message.
 */
export function decodeUploadBatch(body: Uint8Array, limits: BatchLimits = {}): UploadParseResult<UploadBatch> {
  const maxBodyBytes = limits.maxBodyBytes ?? MAX_BODY_BYTES;
  if (body.byteLength > maxBodyBytes) {
    return { ok: false, code: 'payload_too_large', message: `body is ${body.byteLength} bytes; the limit is ${maxBodyBytes}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, code: 'invalid_body', message: 'body is not UTF-8 JSON' };
  }
  return parseUploadBatch(value, limits);
}

/** Refused ids of a batch that crossed the daily quota: stored up to the quota, the rest kept by the guard. */
export const QuotaRefusalSchema = z.object({
  code: z.literal('quota_exceeded'),
  ids: z.array(id),
  /** Seconds until the quota resets. */
  retry_after: count,
});

/** 200 answer to a batch. Duplicates (ids already stored) are not stored again and spend no quota. */
export const UploadAcceptedSchema = z.object({
  accepted: count,
  duplicates: count,
  refused: z.optional(QuotaRefusalSchema),
});
export type UploadAccepted = z.infer<typeof UploadAcceptedSchema>;

// ---- GET /v1/events ------------------------------------------------------------------------------

const cursor = z.string().check(z.minLength(1), z.maxLength(512));

export interface EventsQuery {
  limit: number;
  cursor: string | null;
}

/**
 * `?limit=N&cursor=C` from the request's query: limit digits only, 1 to MAX_EVENTS_PAGE
 * (default DEFAULT_EVENTS_PAGE); each parameter at most once.
 */
export function parseEventsQuery(search: string): UploadParseResult<EventsQuery> {
  const params = [...new URLSearchParams(search)];
  const once = (name: string): string | null | undefined => {
    const values = params.filter(([k]) => k === name).map(([, v]) => v);
    return values.length > 1 ? undefined : (values[0] ?? null);
  };
  const limitText = once('limit');
  const cursorText = once('cursor');
  if (limitText === undefined || cursorText === undefined) {
    return { ok: false, code: 'invalid_body', message: 'limit and cursor may each appear once' };
  }
  let limit = DEFAULT_EVENTS_PAGE;
  if (limitText !== null) {
    limit = /^[0-9]{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_EVENTS_PAGE)) {
      return { ok: false, code: 'invalid_body', message: `limit must be a whole number from 1 to ${MAX_EVENTS_PAGE}` };
    }
  }
  if (cursorText !== null && !cursor.safeParse(cursorText).success) {
    return { ok: false, code: 'invalid_body', message: 'cursor must be 1 to 512 characters' };
  }
  return { ok: true, value: { limit, cursor: cursorText } };
}

/** A page of events, newest first; `next_cursor` is null on the last page. */
export const EventsPageSchema = z.object({
  events: z.array(AuditEventWireSchema).check(z.maxLength(MAX_EVENTS_PAGE)),
  next_cursor: z.nullable(cursor),
});
export type EventsPage = z.infer<typeof EventsPageSchema>;

/** The filters of `GET /v1/events`, besides paging. Times are unix milliseconds on the event's ts: since inclusive, until exclusive. */
export interface EventsFilter {
  since?: number;
  until?: number;
  platform?: Platform;
  /** Events at this risk level or above. */
  minRisk?: RiskLevel;
  session?: string;
}

const EVENTS_PARAMS = new Set(['limit', 'cursor', 'since', 'until', 'platform', 'risk', 'session']);
const MILLIS = /^(0|[1-9][0-9]{0,15})$/;

/**
 * `?limit&cursor&since&until&platform&risk&session`: paging as parseEventsQuery, then the
 * filters, each at most once; an unknown parameter is refused rather than ignored, so a typo
 * never widens a query silently.
 */
export function parseEventsRequest(search: string): UploadParseResult<EventsQuery & EventsFilter> {
  const paging = parseEventsQuery(search);
  if (!paging.ok) return paging;
  const params = [...new URLSearchParams(search)];
  const bad = (message: string): UploadParseResult<never> => ({ ok: false, code: 'invalid_body', message });
  const out: EventsQuery & EventsFilter = { ...paging.value };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (!EVENTS_PARAMS.has(name)) return bad(`unknown parameter ${JSON.stringify(name.slice(0, 32))}`);
    if (seen.has(name)) return bad(`${name} may appear once`);
    seen.add(name);
    if (name === 'since' || name === 'until') {
      if (!MILLIS.test(value)) return bad(`${name} must be unix milliseconds, digits only`);
      out[name] = Number(value);
    } else if (name === 'platform') {
      if (!(PLATFORMS as readonly string[]).includes(value)) return bad(`platform must be one of ${PLATFORMS.join(', ')}`);
      out.platform = value as Platform;
    } else if (name === 'risk') {
      if (!/^[0-3]$/.test(value)) return bad('risk must be a level from 0 to 3 (the minimum)');
      out.minRisk = Number(value) as RiskLevel;
    } else if (name === 'session') {
      if (!id.safeParse(value).success) return bad('session must be 1 to 128 characters');
      out.session = value;
    }
  }
  if (out.since !== undefined && out.until !== undefined && out.since > out.until) return bad('since is after until');
  return { ok: true, value: out };
}

// ---- GET /v1/alerts ------------------------------------------------------------------------------

/** A page of alerts, newest first; paged like events (`?limit=N&cursor=C`, parseEventsQuery). */
export const AlertsPageSchema = z.object({
  alerts: z.array(AlertSchema).check(z.maxLength(MAX_EVENTS_PAGE)),
  next_cursor: z.nullable(cursor),
});
export type AlertsPage = z.infer<typeof AlertsPageSchema>;
