// Alert evaluation in cloud-lite (cloud-lite/alerts/): the guard's sequence detector runs on
// uploaded events per session, in event order whatever order the batches come in, and each alert
// is stored once with one outbox row per critical one. One suite, both back ends (embedded SQLite
// and PostgreSQL), through the real HTTP service; then two instances on one PostgreSQL + Redis,
// crash recovery and the cost of a long session, on the real stores.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SequenceDetector, sequenceStep } from '../../core/alerts/sequence.ts';
import { parseAuditEvent, type Alert, type AuditEvent } from '../../core/protocol/event.ts';
import { startAlertEvaluator, toAlert } from '../../cloud-lite/alerts/evaluator.ts';
import { restoreDetector, saveDetector } from '../../cloud-lite/alerts/snapshot.ts';
import type { AlertStore } from '../../cloud-lite/alerts/store.ts';
import { openMemoryLimiter } from '../../cloud-lite/limits/memory.ts';
import { openRedisLimiter } from '../../cloud-lite/limits/redis.ts';
import { createLogger } from '../../cloud-lite/log.ts';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import type { CloudStore } from '../../cloud-lite/store/types.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../helpers/services.ts';
import { batchBody, createKey, send, startTestService, type TestKey, type TestService } from './http-client.ts';

const T0 = 1_760_000_000_000;
let seq = 0;

type Kind = 'read' | 'write' | 'delete';

/** One event of `session` at T0 + `at` seconds. */
function ev(session: string, at: number, kind: Kind, extra: Partial<AuditEvent> = {}): AuditEvent {
  const method = kind === 'read' ? 'GET' : kind === 'write' ? 'PUT' : 'DELETE';
  return parseAuditEvent({
    ...SAMPLE_EVENT,
    id: `ev${process.pid}x${String(++seq).padStart(8, '0')}`,
    ts: T0 + at * 1000,
    session_id: session,
    method,
    operation: null,
    action: kind,
    ...extra,
  })!;
}

const byOrder = (a: AuditEvent, b: AuditEvent): number => a.ts - b.ts || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

/** The alerts the guard's detector raises over `events` in event order: what cloud-lite must end with. */
function expectedAlerts(events: readonly AuditEvent[]): Alert[] {
  const d = new SequenceDetector();
  return [...events].sort(byOrder).flatMap((e) => d.observe(sequenceStep(e)).map((r) => toAlert(e, r)));
}

const sortById = (alerts: readonly Alert[]): Alert[] => [...alerts].sort((a, b) => (a.id < b.id ? -1 : 1));

/** A session mixing reads, writes, deletes, 429s and 403s: every run rule fires and is broken. */
function mixedSession(session: string, n: number, seed: number): AuditEvent[] {
  let x = seed;
  const rnd = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const r = rnd();
    const kind: Kind = r < 0.45 ? 'delete' : r < 0.8 ? 'write' : 'read';
    const s = rnd();
    const status = s < 0.15 ? 429 : s < 0.3 ? 403 : 200;
    return ev(session, i, kind, { status });
  });
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

interface Backend {
  /** Service env for a new, empty store. */
  env(): Record<string, string>;
  /** Raw SQL on the service's database, behind its back. */
  sql(service: TestService, env: Record<string, string>, text: string): Promise<Record<string, unknown>[]>;
}

const sqliteBackend: Backend = {
  env: () => ({}),
  async sql(service, _env, text) {
    const db = new Database(join(service.dataDir, SQLITE_FILE), { readonly: true });
    try {
      return db.prepare(text).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  },
};

function postgresBackend(server: () => PostgresServer): Backend {
  return {
    env: () => ({ DATABASE_URL: server().createDatabase(`alerts_${process.pid}_${++seq}`) }),
    async sql(_service, env, text) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      try {
        return (await client.query(text)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
  };
}

async function post(service: TestService, key: TestKey, events: readonly AuditEvent[]): Promise<void> {
  const r = await send(service.url, { path: '/v1/batches', body: batchBody([...events]), key });
  assert.equal(r.status, 200, r.text);
}

async function listAlerts(service: TestService, key: TestKey): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let cursor: string | null = null;
  for (;;) {
    const path: string = `/v1/alerts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await send(service.url, { method: 'GET', path, key });
    assert.equal(r.status, 200, r.text);
    alerts.push(...(r.json.alerts as Alert[]));
    cursor = r.json.next_cursor;
    if (cursor === null) return alerts;
  }
}

/** Until no session waits for evaluation: the alerts are then those of the stored events. */
async function settled(store: CloudStore): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await store.alerts.pendingSessions(1)).length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('evaluation did not settle');
}

function backendSuite(b: Backend): void {
  let env: Record<string, string>;
  let service: TestService;
  let alice: TestKey;
  let bob: TestKey;

  before(async () => {
    env = b.env();
    service = await startTestService(env);
    alice = await createKey(service, 'alice');
    bob = await createKey(service, 'bob');
  });
  after(async () => {
    await service?.stop();
  });

  const sessionAlerts = async (key: TestKey, session: string): Promise<Alert[]> =>
    sortById((await listAlerts(service, key)).filter((a) => a.session_id === session));
  const outbox = async (user: string): Promise<{ alert_id: string; key_id: string }[]> =>
    (await b.sql(service, env, `SELECT alert_id, key_id FROM alert_outbox WHERE user_id = '${user}' ORDER BY alert_id`)) as {
      alert_id: string;
      key_id: string;
    }[];

  test('3 deletes in one session: one critical alert, stored once, listed, one outbox row for the uploading key', async () => {
    const events = [ev('s-three', 1, 'read'), ev('s-three', 2, 'delete'), ev('s-three', 3, 'delete'), ev('s-three', 4, 'delete')];
    await post(service, alice, events);
    await settled(service.store);
    const alerts = await sessionAlerts(alice, 's-three');
    assert.equal(alerts.length, 1);
    const [a] = alerts;
    assert.equal(a!.rule, 'consecutive_deletes');
    assert.equal(a!.severity, 'critical');
    assert.equal(a!.message, '3 delete calls in a row (product)');
    assert.deepEqual(
      a!.event_ids,
      events.slice(1).map((e) => e.id),
    );
    assert.equal(a!.ts, events[3]!.ts);
    assert.equal(a!.session_id, 's-three');
    assert.deepEqual(alerts, expectedAlerts(events));
    assert.deepEqual(await outbox('alice'), [{ alert_id: a!.id, key_id: alice.keyId }]);

    // The same batch again (a retry): all duplicates, nothing evaluated or stored again.
    await post(service, alice, events);
    await settled(service.store);
    assert.deepEqual(await sessionAlerts(alice, 's-three'), alerts);
    assert.equal((await outbox('alice')).length, 1);
  });

  test('warnings are stored but get no outbox row', async () => {
    const events = Array.from({ length: 10 }, (_, i) => ev('s-warn', i, 'write'));
    await post(service, alice, events);
    await settled(service.store);
    const alerts = await sessionAlerts(alice, 's-warn');
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.severity]),
      [['writes_without_read', 'warning']],
    );
    assert.equal((await outbox('alice')).filter((o) => o.alert_id === alerts[0]!.id).length, 0);
  });

  test('batches of one session sent in reverse and shuffled order end with the alerts of the event order', async () => {
    const inOrder = mixedSession('s-order', 120, 7);
    const reversed = mixedSession('s-reverse', 120, 7);
    const shuffled = mixedSession('s-shuffle', 120, 7);
    for (const batch of chunks(inOrder, 8)) await post(service, alice, batch);
    for (const batch of chunks(reversed, 8).reverse()) await post(service, alice, batch);
    const parts = chunks(shuffled, 8);
    for (const i of [5, 0, 14, 3, 9, 1, 12, 7, 2, 11, 6, 13, 4, 10, 8]) await post(service, alice, parts[i]!);
    await settled(service.store);
    for (const [session, events] of [
      ['s-order', inOrder],
      ['s-reverse', reversed],
      ['s-shuffle', shuffled],
    ] as const) {
      const expected = sortById(expectedAlerts(events));
      assert.ok(expected.length > 5, 'the session raises alerts');
      assert.deepEqual(await sessionAlerts(alice, session), expected, session);
    }
    // Same events, same rules and messages: only the session differs.
    const strip = (xs: Alert[]): string[] => xs.map((a) => `${a.ts} ${a.rule} ${a.message}`).sort();
    assert.deepEqual(strip(await sessionAlerts(alice, 's-shuffle')), strip(await sessionAlerts(alice, 's-order')));
  });

  test('a late event that breaks a run retracts its alert (its outbox row stays); the run alerts again when it really happens', async () => {
    const run = [ev('s-late', 1, 'delete'), ev('s-late', 2, 'delete'), ev('s-late', 4, 'delete')];
    await post(service, alice, run);
    await settled(service.store);
    const [raised] = await sessionAlerts(alice, 's-late');
    assert.equal(raised?.rule, 'consecutive_deletes');
    assert.ok((await outbox('alice')).some((o) => o.alert_id === raised!.id));

    const late = ev('s-late', 3, 'read'); // between the 2nd and 3rd delete
    await post(service, alice, [late]);
    await settled(service.store);
    assert.deepEqual(await sessionAlerts(alice, 's-late'), [], 'the run was broken');
    const rows = await outbox('alice');
    assert.equal(rows.filter((o) => o.alert_id === raised!.id).length, 1, 'the mail part owns its outbox row: it stays');

    const more = [ev('s-late', 5, 'delete'), ev('s-late', 6, 'delete')];
    await post(service, alice, more);
    await settled(service.store);
    const now = await sessionAlerts(alice, 's-late');
    assert.deepEqual(now, expectedAlerts([...run, late, ...more]));
    assert.deepEqual(now[0]!.event_ids, [run[2]!.id, more[0]!.id, more[1]!.id]);
  });

  test('alerts are per session and per user: runs never cross sessions, another user never sees them', async () => {
    await post(service, bob, [ev('s-bob', 1, 'delete'), ev('s-bob', 2, 'delete'), ev('s-bob', 3, 'delete')]);
    // Two deletes in each of two sessions: no run of three in either.
    await post(service, alice, [ev('s-x', 1, 'delete'), ev('s-y', 2, 'delete'), ev('s-x', 3, 'delete'), ev('s-y', 4, 'delete')]);
    await settled(service.store);
    assert.deepEqual(await sessionAlerts(alice, 's-x'), []);
    assert.deepEqual(await sessionAlerts(alice, 's-y'), []);
    const bobs = await listAlerts(service, bob);
    assert.deepEqual(
      bobs.map((a) => a.session_id),
      ['s-bob'],
    );
    const alices = await listAlerts(service, alice);
    assert.ok(alices.length > 0);
    assert.ok(!alices.some((a) => a.id === bobs[0]!.id || a.session_id === 's-bob'), "bob's alert is not alice's");
    assert.deepEqual(
      (await outbox('bob')).map((o) => o.key_id),
      [bob.keyId],
    );
  });
}

describe('cloud-lite alerts', () => {
  let pgServer: PostgresServer;
  before(async () => {
    pgServer = await startPostgres();
  });
  after(async () => {
    await pgServer?.destroy();
  });

  describe('embedded SQLite', () => backendSuite(sqliteBackend));
  describe('PostgreSQL', () => backendSuite(postgresBackend(() => pgServer)));

  describe('two instances on one PostgreSQL and one Redis', () => {
    let redis: RedisServer;
    let a: TestService;
    let b: TestService;
    let dbUrl: string;
    before(async () => {
      redis = await startRedis();
      dbUrl = pgServer.createDatabase(`alerts_two_${process.pid}`);
      const env = { DATABASE_URL: dbUrl, REDIS_URL: redis.url };
      [a, b] = await Promise.all([startTestService(env), startTestService(env)]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.destroy();
    });

    test('the batches of one session sent to both at once: each alert stored exactly once, one outbox row per critical one', async () => {
      const key = await createKey(a, 'carol');
      // The first request starts Redis's replay epoch: one before the burst, so that no batch is
      // signed in the second before it (refused as stale, by design).
      assert.equal((await send(a.url, { method: 'GET', path: '/v1/alerts', key })).status, 200);
      const events = [...mixedSession('s-two', 150, 11), ...Array.from({ length: 30 }, (_, i) => ev('s-two', 200 + i, 'delete'))];
      const batches = chunks(events, 6);
      // Every batch to both instances at once (the second copy is all duplicates), all together.
      await Promise.all(batches.flatMap((batch, i) => [post(i % 2 ? a : b, key, batch), post(i % 2 ? b : a, key, batch)]));
      await settled(a.store);
      const expected = sortById(expectedAlerts(events));
      const stored = sortById((await listAlerts(a, key)).filter((x) => x.session_id === 's-two'));
      assert.deepEqual(stored, expected);
      assert.deepEqual(sortById(await listAlerts(b, key)), sortById(await listAlerts(a, key)));
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      try {
        const rows = (await client.query("SELECT alert_id, key_id FROM alert_outbox WHERE user_id = 'carol' ORDER BY alert_id")).rows;
        const critical = expected.filter((x) => x.severity === 'critical').map((x) => x.id);
        assert.ok(critical.length > 5);
        // One row per critical alert (the primary key); a row beyond them is an alert raised while
        // batches were still missing and retracted since (its alert row is gone).
        const outboxIds = rows.map((r) => r.alert_id as string);
        for (const id of critical) assert.equal(outboxIds.filter((x) => x === id).length, 1, id);
        const alertIds = new Set(stored.map((x) => x.id));
        const extra = outboxIds.filter((id) => !critical.includes(id));
        assert.ok(extra.every((id) => !alertIds.has(id)));
        assert.ok(rows.every((r) => r.key_id === key.keyId));
        const dupes = await client.query("SELECT id, count(*) FROM alerts WHERE user_id = 'carol' GROUP BY id HAVING count(*) > 1");
        assert.equal(dupes.rowCount, 0);
      } finally {
        await client.end();
      }
    });
  });

  describe('the evaluator on a real store', () => {
    for (const kind of ['sqlite', 'postgres'] as const) {
      test(`${kind}: events committed but never evaluated (a crash) are evaluated at the next start`, async (t) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'warden-alerts-'));
        t.after(() => rmSync(dataDir, { recursive: true, force: true }));
        const databaseUrl = kind === 'postgres' ? pgServer.createDatabase(`alerts_crash_${process.pid}`) : null;
        const store = await openCloudStore({ dataDir, databaseUrl });
        t.after(() => store.close());
        const events = [ev('s-crash', 1, 'delete'), ev('s-crash', 2, 'delete'), ev('s-crash', 3, 'delete')];
        // Stored as postBatch stores them, but no evaluator ran: what a crash right after the commit leaves.
        await store.insertEvents({ user: 'dave', keyId: 'key_dave', events, dailyQuota: 100, day: '2026-12-03', receivedAt: T0 });
        assert.equal((await store.alerts.pendingSessions(10)).length, 1, 'the session is marked in the same transaction');
        let woken = 0;
        const limiter = openMemoryLimiter();
        const evaluator = startAlertEvaluator({
          store,
          limiter,
          log: createLogger(() => {}),
          now: () => T0,
          onCritical: () => woken++,
          sweepMs: 3_600_000, // only the start's sweep can find it
        });
        t.after(() => evaluator.close());
        await settled(store);
        const page = await store.pageAlerts({ user: 'dave', limit: 10, cursor: null });
        assert.deepEqual(page.alerts, expectedAlerts(events));
        assert.equal(woken, 1, 'the mailer was woken');
      });
    }

    test('a long session: a batch after the watermark reads only its events; a late one replays the session', async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'warden-alerts-'));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      const store = await openCloudStore({ dataDir });
      t.after(() => store.close());
      let read = 0;
      const counting: AlertStore = {
        ...store.alerts,
        sessionEvents: async (...args) => {
          const events = await store.alerts.sessionEvents(...args);
          read += events.length;
          return events;
        },
      };
      const counted = new Proxy(store, { get: (s, p) => (p === 'alerts' ? counting : Reflect.get(s, p)) });
      const evaluator = startAlertEvaluator({
        store: counted,
        limiter: openMemoryLimiter(),
        log: createLogger(() => {}),
        now: () => T0,
        onCritical: () => {},
        sweepMs: 3_600_000,
      });
      t.after(() => evaluator.close());
      const insert = async (events: AuditEvent[]): Promise<void> => {
        await store.insertEvents({ user: 'erin', keyId: 'k', events, dailyQuota: 1e6, day: '2026-12-03', receivedAt: T0 });
        evaluator.afterInsert('erin', 'k', events);
        await settled(store);
      };
      const long = mixedSession('s-long', 5000, 3);
      await insert(long);
      assert.equal(read, 5000);
      read = 0;
      const next = [ev('s-long', 6000, 'delete'), ev('s-long', 6001, 'delete')];
      await insert(next);
      assert.equal(read, 2, 'only the new events were read');
      read = 0;
      const late = ev('s-long', 10.5, 'read');
      await insert([late]);
      assert.equal(read, 5003, 'an event before the watermark replays the session');
      const all: Alert[] = [];
      for (let cursor: string | null = null; ;) {
        const page = await store.pageAlerts({ user: 'erin', limit: 500, cursor });
        all.push(...page.alerts);
        if ((cursor = page.nextCursor) === null) break;
      }
      assert.deepEqual(sortById(all), sortById(expectedAlerts([...long, ...next, late])));
    });

    test('an evaluation error is logged without its details beyond the class and message, retried, and close() waits for a running evaluation', async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'warden-alerts-'));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      const store = await openCloudStore({ dataDir });
      t.after(() => store.close());
      let failOnce = true;
      let hold: Promise<void> | null = null;
      let release = (): void => {};
      let entered = (): void => {};
      const inside = new Promise<void>((r) => (entered = r));
      const flaky: AlertStore = {
        ...store.alerts,
        storeAlerts: async (...args) => {
          if (failOnce) {
            failOnce = false;
            throw new Error('storage hiccup');
          }
          if (hold !== null) {
            entered();
            await hold;
          }
          return store.alerts.storeAlerts(...args);
        },
      };
      const wrapped = new Proxy(store, { get: (s, p) => (p === 'alerts' ? flaky : Reflect.get(s, p)) });
      const logs: string[] = [];
      const evaluator = startAlertEvaluator({
        store: wrapped,
        limiter: openMemoryLimiter(),
        log: createLogger((line) => logs.push(line)),
        now: () => T0,
        onCritical: () => {},
        sweepMs: 3_600_000,
      });
      const insert = async (events: AuditEvent[]): Promise<void> => {
        await store.insertEvents({ user: 'fay', keyId: 'k', events, dailyQuota: 1000, day: '2026-12-03', receivedAt: T0 });
        evaluator.afterInsert('fay', 'k', events);
      };
      await insert([ev('s-flaky', 1, 'delete'), ev('s-flaky', 2, 'delete'), ev('s-flaky', 3, 'delete')]);
      await settled(store);
      assert.equal((await store.pageAlerts({ user: 'fay', limit: 10, cursor: null })).alerts.length, 1, 'stored on the retry');
      assert.ok(
        logs.some((l) => l.includes('alerts: evaluating a session failed (Error: storage hiccup)')),
        logs.join('\n'),
      );

      // An evaluation in flight when close() is called: close() resolves only after it ends.
      hold = new Promise<void>((r) => (release = r));
      await insert([ev('s-held', 1, 'delete'), ev('s-held', 2, 'delete'), ev('s-held', 3, 'delete')]);
      await inside;
      let closed = false;
      const closing = evaluator.close().then(() => (closed = true));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      assert.equal(closed, false, 'close() waits for the running evaluation');
      release();
      await closing;
      assert.equal((await store.pageAlerts({ user: 'fay', limit: 10, cursor: null })).alerts.length, 2);
    });

    for (const kind of ['sqlite', 'postgres'] as const) {
      test(`${kind}: events stored while their session is being evaluated are evaluated too (the claim is undone)`, async (t) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'warden-alerts-'));
        t.after(() => rmSync(dataDir, { recursive: true, force: true }));
        const databaseUrl = kind === 'postgres' ? pgServer.createDatabase(`alerts_race_${process.pid}`) : null;
        const store = await openCloudStore({ dataDir, databaseUrl });
        t.after(() => store.close());
        let hold: Promise<void> | null = null;
        let release = (): void => {};
        let entered = (): void => {};
        const inside = new Promise<void>((r) => (entered = r));
        const held: AlertStore = {
          ...store.alerts,
          sessionEvents: async (...args) => {
            const events = await store.alerts.sessionEvents(...args);
            if (hold !== null) {
              const h = hold;
              hold = null;
              entered();
              await h; // the evaluation has read the session; a batch lands now
            }
            return events;
          },
        };
        const wrapped = new Proxy(store, { get: (s, p) => (p === 'alerts' ? held : Reflect.get(s, p)) });
        const evaluator = startAlertEvaluator({
          store: wrapped,
          limiter: openMemoryLimiter(),
          log: createLogger(() => {}),
          now: () => T0,
          onCritical: () => {},
          sweepMs: 3_600_000,
        });
        t.after(() => evaluator.close());
        const insert = async (events: AuditEvent[]): Promise<void> => {
          await store.insertEvents({ user: 'gus', keyId: 'k', events, dailyQuota: 1000, day: '2026-12-03', receivedAt: T0 });
          evaluator.afterInsert('gus', 'k', events);
        };
        hold = new Promise<void>((r) => (release = r));
        const first = [ev('s-race', 1, 'delete'), ev('s-race', 2, 'delete')];
        await insert(first);
        await inside;
        const third = ev('s-race', 3, 'delete');
        await insert([third]);
        release();
        await settled(store);
        const page = await store.pageAlerts({ user: 'gus', limit: 10, cursor: null });
        assert.deepEqual(page.alerts, expectedAlerts([...first, third]), 'the third delete was evaluated');
      });
    }

    test('session leases: one holder at a time, released only by its token, expiring (memory and Redis)', async (t) => {
      const redis = await startRedis();
      t.after(() => redis.destroy());
      const limiters = [openMemoryLimiter(), await openRedisLimiter(redis.url)];
      t.after(() => Promise.all(limiters.map((l) => l.close())));
      for (const l of limiters) {
        const first = await l.acquireLease('alerts:x', 60_000);
        assert.ok(first !== null, l.kind);
        assert.equal(await l.acquireLease('alerts:x', 60_000), null, `${l.kind}: held`);
        assert.ok((await l.acquireLease('alerts:y', 60_000)) !== null, `${l.kind}: another name is free`);
        await l.releaseLease('alerts:x', 'not-the-token');
        assert.equal(await l.acquireLease('alerts:x', 60_000), null, `${l.kind}: a wrong token releases nothing`);
        await l.releaseLease('alerts:x', first);
        const second = await l.acquireLease('alerts:x', 1);
        assert.ok(second !== null, `${l.kind}: free after release`);
        for (let i = 0; i < 40 && (await l.acquireLease('alerts:x', 60_000)) === null; i++) await new Promise((r) => setTimeout(r, 5));
        assert.equal(await l.acquireLease('alerts:x', 60_000), null, `${l.kind}: taken again after expiry, held`);
      }
    });

    test('a saved detector continues exactly like one that never stopped', () => {
      const events = mixedSession('s-snap', 400, 5).concat(
        Array.from({ length: 9 }, (_, i) =>
          ev('s-snap', 500 + i, 'write', { platform: 'meta', categories: ['budget'], operation: 'batch POST /x,POST /y' }),
        ),
      );
      const whole = new SequenceDetector();
      const expected = events.flatMap((e) => whole.observe(sequenceStep(e)));
      let d = new SequenceDetector();
      const got = events.flatMap((e, i) => {
        if (i % 37 === 0) d = restoreDetector(saveDetector(d))!;
        return d.observe(sequenceStep(e));
      });
      assert.deepEqual(got, expected);
      assert.equal(restoreDetector('{"shape":"other","detector":{}}'), null, 'another build’s snapshot is refused');
    });
  });
});
