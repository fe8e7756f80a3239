// The upload wire contract (DESIGN.md "Signed uploads"): batch body, caps, responses, error
// codes and statuses, the events page and its query.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EventsPageSchema,
  MAX_BATCH_EVENTS,
  MAX_BODY_BYTES,
  MAX_EVENTS_PAGE,
  SIGNATURE_HEADERS,
  UPLOAD_ERROR_CODES,
  UPLOAD_ERROR_STATUS,
  UPLOAD_PATHS,
  UploadAcceptedSchema,
  UploadErrorResponseSchema,
  decodeUploadBatch,
  AlertsPageSchema,
  parseEventsQuery,
  parseEventsRequest,
  parseUploadBatch,
  uploadError,
} from '../../../core/protocol/index.ts';
import { SAMPLE_EVENT } from './sample-event.ts';

const event = { ...SAMPLE_EVENT, instance_id: 'i1' };

function events(n: number) {
  return Array.from({ length: n }, (_, i) => ({ ...event, id: `01JB${String(i).padStart(22, '0')}` }));
}

const batch = (n: number) => ({ batch_id: 'b1', instance_id: 'i1', events: events(n) });
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('upload contract: constants', () => {
  it('paths, header names and default caps are the ones DESIGN.md names', () => {
    assert.equal(UPLOAD_PATHS.batches, '/v1/batches');
    assert.equal(UPLOAD_PATHS.events, '/v1/events');
    assert.deepEqual(Object.values(SIGNATURE_HEADERS), ['X-Warden-Key-Id', 'X-Warden-Timestamp', 'X-Warden-Nonce', 'X-Warden-Signature']);
    assert.equal(MAX_BATCH_EVENTS, 500);
    assert.equal(MAX_BODY_BYTES, 1_048_576);
    assert.equal(MAX_EVENTS_PAGE, 500);
  });

  it('every error code has its HTTP status', () => {
    assert.deepEqual(UPLOAD_ERROR_STATUS, {
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
    });
    assert.deepEqual(Object.keys(UPLOAD_ERROR_STATUS).sort(), [...UPLOAD_ERROR_CODES].sort());
    assert.deepEqual(uploadError('replayed_nonce', 'nonce seen'), {
      status: 401,
      body: { error: { code: 'replayed_nonce', message: 'nonce seen' } },
    });
  });

  it('429 and 503 answers may carry retry_after and reset_at, which the error schema keeps', () => {
    const e = uploadError('rate_limited', 'slow down', { retry_after: 7, reset_at: '2026-01-01T00:00:07.000Z' });
    assert.equal(e.status, 429);
    const parsed = UploadErrorResponseSchema.parse(e.body);
    assert.equal(parsed.error.retry_after, 7);
    assert.equal(parsed.error.reset_at, '2026-01-01T00:00:07.000Z');
    assert.equal(UploadErrorResponseSchema.safeParse({ error: { code: 'rate_limited', message: 'm', retry_after: -1 } }).success, false);
  });
});

describe('upload contract: the batch body', () => {
  it('accepts a batch of 500 events and upgrades version-1 events', () => {
    const r = parseUploadBatch(batch(MAX_BATCH_EVENTS));
    assert.ok(r.ok);
    assert.equal(r.value.events.length, 500);
    const { v: _v, action: _a, categories: _c, ...v1 } = event;
    const old = parseUploadBatch({ batch_id: 'b', instance_id: 'i', events: [v1] });
    assert.ok(old.ok);
    assert.deepEqual(old.value.events[0], { ...v1, v: 1, action: 'delete', categories: [] });
    assert.ok(parseUploadBatch({ batch_id: 'b', instance_id: 'i', events: [] }).ok, 'an empty batch is valid');
  });

  it('refuses 501 events, or more than a configured cap', () => {
    const r = parseUploadBatch(batch(MAX_BATCH_EVENTS + 1));
    assert.deepEqual(r.ok ? 'ok' : [r.code, r.message], ['invalid_body', 'events: Too big: expected array to have <=500 items']);
    const capped = parseUploadBatch(batch(11), { maxEvents: 10 });
    assert.equal(capped.ok ? 'ok' : capped.code, 'invalid_body');
    assert.ok(parseUploadBatch(batch(10), { maxEvents: 10 }).ok);
  });

  it('refuses an invalid event and says which one and which field', () => {
    const body = batch(5);
    body.events[3] = { ...body.events[3]!, outcome: 'lost' };
    const r = parseUploadBatch(body);
    assert.equal(r.ok ? 'ok' : r.code, 'invalid_body');
    assert.match(r.ok ? '' : r.message, /^events\.3\.outcome: Invalid option/);
  });

  it('refuses missing or malformed batch fields', () => {
    for (const [bad, path] of [
      [{ instance_id: 'i', events: [] }, /^batch_id:/],
      [{ batch_id: '', instance_id: 'i', events: [] }, /^batch_id:/],
      [{ batch_id: 'b', events: [] }, /^instance_id:/],
      [{ batch_id: 'b', instance_id: 'i', events: {} }, /^events:/],
      [[], /^\(body\):/],
      [null, /^\(body\):/],
    ] as const) {
      const r = parseUploadBatch(bad);
      assert.equal(r.ok ? 'ok' : r.code, 'invalid_body', JSON.stringify(bad));
      assert.match(r.ok ? '' : r.message, path);
    }
  });

  it('decodes raw bytes: size cap → payload_too_large, bad UTF-8 or JSON → invalid_body, never echoing the body', () => {
    assert.ok(decodeUploadBatch(bytes(batch(3))).ok);
    const big = decodeUploadBatch(new Uint8Array(MAX_BODY_BYTES + 1));
    assert.equal(big.ok ? 'ok' : big.code, 'payload_too_large');
    assert.equal(decodeUploadBatch(bytes(batch(3)), { maxBodyBytes: 100 }).ok, false);
    const secretish = '{"batch_id": "shpat_0123456789abcdef0123456789abcdef", ';
    // A valid batch but for one byte that is not UTF-8: a lenient decoder would accept it.
    const notUtf8 = bytes(batch(1));
    notUtf8[notUtf8.indexOf(0x62 /* b of "b1" */, JSON.stringify(batch(1)).indexOf('"b1"'))] = 0xff;
    for (const body of [bytes(secretish), notUtf8, bytes('')]) {
      const r = decodeUploadBatch(body);
      assert.deepEqual(r.ok ? 'ok' : [r.code, r.message], ['invalid_body', 'body is not UTF-8 JSON']);
    }
  });
});

describe('upload contract: responses', () => {
  it('the 200 answer, with and without quota refusals', () => {
    assert.deepEqual(UploadAcceptedSchema.parse({ accepted: 3, duplicates: 1 }), { accepted: 3, duplicates: 1 });
    const refused = { accepted: 2, duplicates: 0, refused: { code: 'quota_exceeded', ids: ['e3', 'e4'], retry_after: 3600 } };
    assert.deepEqual(UploadAcceptedSchema.parse({ ...refused, extra: 'ignored' }), refused);
    for (const bad of [
      { accepted: -1, duplicates: 0 },
      { accepted: 1.5, duplicates: 0 },
      { accepted: 1 },
      { ...refused, refused: { ...refused.refused, code: 'rate_limited' } },
    ]) {
      assert.equal(UploadAcceptedSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('the error answer carries a known code', () => {
    const e = { error: { code: 'stale_timestamp', message: 'timestamp is 400 s behind' } };
    assert.deepEqual(UploadErrorResponseSchema.parse(e), e);
    assert.equal(UploadErrorResponseSchema.safeParse({ error: { code: 'teapot', message: '' } }).success, false);
    assert.equal(UploadErrorResponseSchema.safeParse({ error: 'bad_signature' }).success, false);
  });

  it('the events page: at most 500 events, a cursor or null', () => {
    assert.ok(EventsPageSchema.safeParse({ events: events(500), next_cursor: 'c2' }).success);
    assert.ok(EventsPageSchema.safeParse({ events: [], next_cursor: null }).success);
    assert.equal(EventsPageSchema.safeParse({ events: events(501), next_cursor: null }).success, false);
    assert.equal(EventsPageSchema.safeParse({ events: [], next_cursor: '' }).success, false);
    assert.equal(EventsPageSchema.safeParse({ events: [] }).success, false, 'next_cursor is required (null on the last page)');
  });
});

describe('upload contract: the events query', () => {
  it('limit 1 to 500 (default 100) and an optional cursor', () => {
    assert.deepEqual(parseEventsQuery(''), { ok: true, value: { limit: 100, cursor: null } });
    assert.deepEqual(parseEventsQuery('?limit=500&cursor=abc'), { ok: true, value: { limit: 500, cursor: 'abc' } });
    assert.deepEqual(parseEventsQuery('limit=1'), { ok: true, value: { limit: 1, cursor: null } });
  });

  it('refuses limits out of range or not digits, and repeated parameters', () => {
    for (const q of [
      'limit=0',
      'limit=501',
      'limit=-1',
      'limit=1.5',
      'limit=1e2',
      'limit=',
      'limit=%2010',
      'limit=1&limit=2',
      'cursor=a&cursor=b',
      'cursor=',
    ]) {
      const r = parseEventsQuery(q);
      assert.equal(r.ok ? 'ok' : r.code, 'invalid_body', q);
    }
  });
});

describe('upload contract: GET /v1/events filters', () => {
  it('reads paging and every filter', () => {
    assert.deepEqual(parseEventsRequest('?limit=5&since=10&until=20&platform=meta&risk=2&session=s-1'), {
      ok: true,
      value: { limit: 5, cursor: null, since: 10, until: 20, platform: 'meta', minRisk: 2, session: 's-1' },
    });
    assert.deepEqual(parseEventsRequest(''), { ok: true, value: { limit: 100, cursor: null } });
  });

  it('refuses unknown, repeated or malformed filters and an inverted range', () => {
    for (const q of [
      'bogus=1',
      'since=-1',
      'since=1.5',
      'since=',
      'until=abc',
      'platform=tiktok',
      'risk=4',
      'risk=-1',
      'risk=01',
      'session=',
      `session=${'x'.repeat(129)}`,
      'platform=meta&platform=shopify',
      'since=20&until=10',
      'limit=0',
    ]) {
      const r = parseEventsRequest(q);
      assert.equal(r.ok ? 'ok' : r.code, 'invalid_body', q);
    }
  });
});

describe('upload contract: GET /v1/alerts page', () => {
  it('accepts a page of alerts and refuses a malformed one', () => {
    const alert = {
      id: 'a1',
      ts: 1,
      session_id: 's',
      instance_id: 'i',
      rule: 'consecutive_deletes',
      severity: 'critical',
      message: '3 deletes',
      event_ids: ['e1'],
    };
    assert.equal(AlertsPageSchema.safeParse({ alerts: [alert], next_cursor: null }).success, true);
    assert.equal(AlertsPageSchema.safeParse({ alerts: [], next_cursor: 'c' }).success, true);
    assert.equal(AlertsPageSchema.safeParse({ alerts: [{ ...alert, severity: 'loud' }], next_cursor: null }).success, false);
    assert.equal(AlertsPageSchema.safeParse({ alerts: [] }).success, false);
  });
});
