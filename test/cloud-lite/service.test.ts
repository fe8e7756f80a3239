// cloud-lite's HTTP service end to end over loopback (in-process, embedded store and limiter):
// ingest with duplicates, the daily quota crossing mid-batch, the burst limit, events paging
// and filters per user, alerts, healthz, 404/405, the connection cap, and failing closed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Socket } from 'node:net';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../helpers/services.ts';
import {
  batchBody,
  createKey,
  makeEvents,
  parseRaw,
  rawExchange,
  send,
  signedHeaders,
  startTestService,
  type TestKey,
  type TestService,
} from './http-client.ts';

describe('cloud-lite service: ingest, quota, paging', () => {
  let svc: TestService;
  let pro: TestKey;
  let free: TestKey;
  let other: TestKey;
  before(async () => {
    svc = await startTestService({ CLOUD_LITE_QUOTA_FREE: '10' });
    pro = await createKey(svc, 'alice', 'pro');
    free = await createKey(svc, 'bob', 'free');
    other = await createKey(svc, 'carol', 'pro');
  });
  after(async () => svc.stop());

  const post = (key: TestKey, events: unknown[]) => send(svc.url, { path: '/v1/batches', body: batchBody(events), key });
  const get = (key: TestKey, path: string) => send(svc.url, { method: 'GET', path, key });

  it('healthz answers 200 with the back ends it checked', async () => {
    const r = await fetch(svc.url + '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { ok: true, store: { kind: 'sqlite', ok: true }, limiter: { kind: 'memory', ok: true } });
  });

  it("unknown API paths answer 404 and wrong methods 405, in JSON (paths outside /v1/ are the web dashboard's)", async () => {
    const a = await fetch(svc.url + '/v1/nope');
    assert.equal(a.status, 404);
    assert.equal(((await a.json()) as any).error.code, 'not_found');
    const b = await fetch(svc.url + '/v1/batches');
    assert.equal(b.status, 405);
    assert.equal(b.headers.get('allow'), 'POST');
    assert.equal(((await b.json()) as any).error.code, 'method_not_allowed');
    const c = await fetch(svc.url + '/healthz', { method: 'POST' });
    assert.equal(c.status, 405);
  });

  it('accepts a batch; the same batch again reports duplicates and stores nothing twice', async () => {
    const events = makeEvents(5, { session_id: 'dup' });
    const first = await post(pro, events);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json, { accepted: 5, duplicates: 0 });
    const again = await post(pro, events);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { accepted: 0, duplicates: 5 });
    const page = await get(pro, '/v1/events?session=dup&limit=100');
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.events.length, 5);
    assert.deepEqual(page.json.events.map((e: any) => e.id).sort(), events.map((e) => e.id).sort());
  });

  it('a batch crossing the daily quota is stored up to it; the rest are refused by id, then the next batch gets 429', async () => {
    const first = await post(free, makeEvents(6));
    assert.deepEqual(first.json, { accepted: 6, duplicates: 0 });
    const crossing = makeEvents(6);
    const second = await post(free, crossing);
    assert.equal(second.status, 200);
    assert.equal(second.json.accepted, 4);
    assert.equal(second.json.duplicates, 0);
    assert.equal(second.json.refused.code, 'quota_exceeded');
    assert.deepEqual(
      second.json.refused.ids,
      crossing.slice(4).map((e) => e.id),
    );
    assert.ok(second.json.refused.retry_after >= 1 && second.json.refused.retry_after <= 86_400);

    const third = await post(free, makeEvents(2));
    assert.equal(third.status, 429);
    assert.equal(third.json.error.code, 'quota_exceeded');
    const retryAfter = Number(third.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 86_400);
    assert.equal(third.json.error.retry_after, retryAfter);
    assert.equal(new Date(third.json.error.reset_at).toISOString().slice(11), '00:00:00.000Z');

    // Duplicates spend no quota and are still answered as duplicates... with nothing new, a 200.
    const dup = await post(free, crossing.slice(0, 4));
    assert.equal(dup.status, 200);
    assert.deepEqual(dup.json, { accepted: 0, duplicates: 4 });
  });

  it('pages events newest first by cursor, filters them, and shows each user only their own', async () => {
    const base = 1_800_000_000_000;
    const platforms = ['shopify', 'meta', 'generic'] as const;
    const events = makeEvents(9).map((e, i) => ({
      ...e,
      ts: base + i * 1000,
      platform: platforms[i % 3],
      risk_level: i % 4,
      session_id: i < 5 ? 'p1' : 'p2',
    }));
    assert.equal((await post(other, events)).status, 200);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/events?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await get(other, q);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.events.length <= 4);
      seen.push(...r.json.events.map((e: any) => e.id));
      cursor = r.json.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, events.map((e) => e.id).reverse(), 'every event once, newest first');

    const ids = async (q: string) => ((await get(other, q)).json.events as any[]).map((e) => e.id).sort();
    const want = (f: (e: (typeof events)[number]) => boolean) =>
      events
        .filter(f)
        .map((e) => e.id)
        .sort();
    assert.deepEqual(
      await ids('/v1/events?platform=meta'),
      want((e) => e.platform === 'meta'),
    );
    assert.deepEqual(
      await ids('/v1/events?risk=2'),
      want((e) => e.risk_level >= 2),
    );
    assert.deepEqual(
      await ids('/v1/events?session=p2'),
      want((e) => e.session_id === 'p2'),
    );
    assert.deepEqual(
      await ids(`/v1/events?since=${base + 2000}&until=${base + 4000}`),
      want((e) => e.ts >= base + 2000 && e.ts < base + 4000),
    );

    // Alice and Bob see none of Carol's events.
    const alice = await get(pro, '/v1/events?limit=500');
    assert.ok(alice.json.events.every((e: any) => !events.some((c) => c.id === e.id)));
    const bobPlatform = await get(free, '/v1/events?platform=meta&risk=0');
    assert.ok(bobPlatform.json.events.every((e: any) => !events.some((c) => c.id === e.id)));

    for (const q of [
      'limit=0',
      'limit=501',
      'platform=x',
      'risk=4',
      'since=-1',
      'since=5&until=4',
      'bogus=1',
      'cursor=not-a-cursor',
      'session=a&session=b',
    ]) {
      const r = await get(other, `/v1/events?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.error.code, 'invalid_body', q);
    }
  });

  it("alerts: an empty page for a user who uploaded nothing (the evaluator raises the others' alerts)", async () => {
    const idle = await createKey(svc, 'ivan', 'pro');
    const r = await get(idle, '/v1/alerts?limit=10');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { alerts: [], next_cursor: null });
  });
});

describe('cloud-lite service: burst limit, connection cap, failing closed', () => {
  let svc: TestService;
  let key: TestKey;
  before(async () => {
    svc = await startTestService({ CLOUD_LITE_BURST_LIMIT: '3', CLOUD_LITE_MAX_CONNECTIONS: '2' });
    key = await createKey(svc, 'dave', 'pro');
  });
  after(async () => svc.stop());

  it('the burst limit answers 429 rate_limited with Retry-After and the reset time', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await send(svc.url, { method: 'GET', path: '/v1/alerts', key });
      assert.equal(r.status, 200);
    }
    const r = await send(svc.url, { method: 'GET', path: '/v1/alerts', key });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'rate_limited');
    const retryAfter = Number(r.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.ok(Date.parse(r.json.error.reset_at) > Date.now() - 1000);
    // Another key has its own window.
    const other = await createKey(svc, 'erin', 'pro');
    assert.equal((await send(svc.url, { method: 'GET', path: '/v1/alerts', key: other })).status, 200);
  });

  it('connections past the cap are dropped; the service serves again once they close', async () => {
    const connections = () =>
      new Promise<number>((resolve, reject) => svc.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    // The fetch client's kept-alive connections from the tests above would count: close them.
    svc.server.closeIdleConnections();
    const open: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = connect(svc.port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      open.push(s);
    }
    // Let the server accept both before the third arrives.
    let n = 0;
    while ((n = await connections()) < 2) await new Promise((r) => setTimeout(r, 20));
    assert.equal(n, 2);
    const third = connect(svc.port, '127.0.0.1');
    let got = '';
    third.on('data', (d) => (got += d));
    third.on('error', () => {});
    third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => third.once('close', r));
    assert.equal(got, '', 'the server closed the extra connection without serving it');
    for (const s of open) s.destroy();
    while ((await connections()) > 0) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await fetch(svc.url + '/healthz')).status, 200);
  });

  it('a store that fails answers 503 service_unavailable (never a bad-input code), healthz too', async () => {
    await svc.store.close();
    const r = await send(svc.url, { method: 'GET', path: '/v1/events', key });
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'service_unavailable');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    const h = await fetch(svc.url + '/healthz');
    assert.equal(h.status, 503);
    assert.equal(((await h.json()) as any).ok, false);
  });
});

describe('cloud-lite service: shutdown', () => {
  it('stops accepting, finishes the request in flight, then closes the store', async () => {
    const svc = await startTestService();
    try {
      const key = await createKey(svc, 'frank', 'pro');
      const body = batchBody(makeEvents(3));
      const h = await signedHeaders({ path: '/v1/batches', body, key });
      const head =
        'POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        Object.entries(h)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        `Content-Length: ${body.length}\r\n\r\n`;
      const arrived = new Promise((r) => svc.server.once('request', r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const exchange = rawExchange(svc.port, [head, body.slice(0, 20), gate.then(() => body.slice(20))]);
      await arrived;
      const closing = svc.close();
      // New connections are refused while the request in flight goes on.
      await assert.rejects(fetch(svc.url + '/healthz'));
      release();
      const answer = parseRaw(await exchange);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { accepted: 3, duplicates: 0 });
      await closing;
      await assert.rejects(svc.store.ping());
    } finally {
      await svc.stop();
    }
  });
});

describe('cloud-lite service on PostgreSQL + Redis', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let svc: TestService;
  let key: TestKey;
  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    svc = await startTestService({ DATABASE_URL: pg.createDatabase('svc'), REDIS_URL: redis.url, CLOUD_LITE_QUOTA_FREE: '5' });
    key = await createKey(svc, 'grace', 'free');
  });
  after(async () => {
    await svc?.stop();
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  });

  it('says which back ends it runs on', async () => {
    assert.match(svc.readyLine, /^cloud-lite listening on http:\/\/127\.0\.0\.1:\d+ \(postgres, redis\)$/);
    const r = await fetch(svc.url + '/healthz');
    assert.deepEqual(await r.json(), { ok: true, store: { kind: 'postgres', ok: true }, limiter: { kind: 'redis', ok: true } });
  });

  it('ingests with duplicates, refuses a replay, and splits a batch at the quota', async () => {
    const events = makeEvents(3);
    const o = { path: '/v1/batches', body: batchBody(events), key };
    const h = await signedHeaders(o);
    assert.deepEqual((await send(svc.url, o, h)).json, { accepted: 3, duplicates: 0 });
    assert.equal((await send(svc.url, o, h)).json.error.code, 'replayed_nonce');
    const more = makeEvents(4);
    const r = await send(svc.url, { path: '/v1/batches', body: batchBody([...events, ...more]), key });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 2);
    assert.equal(r.json.duplicates, 3);
    assert.deepEqual(
      r.json.refused.ids,
      more.slice(2).map((e) => e.id),
    );
    const page = await send(svc.url, { method: 'GET', path: '/v1/events?limit=2', key });
    assert.equal(page.json.events.length, 2);
    assert.ok(page.json.next_cursor);
  });

  it('Redis down: fails closed with 503 (healthz too); Redis back: serves again', async () => {
    await redis.stop();
    const r = await send(svc.url, { method: 'GET', path: '/v1/alerts', key });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'service_unavailable');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    assert.equal((await fetch(svc.url + '/healthz')).status, 503);

    await redis.start();
    // The limiter reconnects with backoff, and an emptied Redis refuses requests signed before
    // its new epoch as stale: the guard signs afresh each attempt, as here.
    const until = Date.now() + 20_000;
    let last: Awaited<ReturnType<typeof send>>;
    do {
      await new Promise((res) => setTimeout(res, 200));
      last = await send(svc.url, { method: 'GET', path: '/v1/alerts', key });
      assert.ok([200, 503].includes(last.status) || last.json?.error?.code === 'stale_timestamp', last.text);
    } while (last.status !== 200 && Date.now() < until);
    assert.equal(last.status, 200, last.text);
    assert.equal((await fetch(svc.url + '/healthz')).status, 200);
  });
});
