// The one suite both CloudStore back ends pass: embedded SQLite (a temp dir) and PostgreSQL (a
// private server for this file, a fresh database per group). Real databases only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { encodeCursor } from '../../cloud-lite/store/cursor.ts';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../cloud-lite/store/migrations.ts';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import { PostgresStoreError } from '../../cloud-lite/store/postgres.ts';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import {
  DuplicateKeyError,
  InvalidCursorError,
  SchemaTooNewError,
  type CloudStore,
  type CloudStoreOptions,
  type InsertEventsInput,
} from '../../cloud-lite/store/types.ts';
import { parseAlert, parseAuditEvent, type Alert, type AuditEvent } from '../../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';
import { startPostgres, type PostgresServer } from '../helpers/services.ts';

const WRITER = fileURLToPath(new URL('./fixtures/store-writer.ts', import.meta.url));
const BASE = parseAuditEvent(SAMPLE_EVENT)!;
const DAY = '2026-12-03';

function ev(id: string, ts: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { ...BASE, id, ts, ...extra };
}

function alert(id: string, ts: number): Alert {
  return parseAlert({
    id,
    ts,
    session_id: 's',
    instance_id: 'i',
    rule: 'consecutive_deletes',
    severity: 'warning',
    message: '3 deletes',
    event_ids: ['a'],
  })!;
}

function batch(user: string, events: AuditEvent[], dailyQuota = 1000, day = DAY): InsertEventsInput {
  return { user, keyId: 'k1', events, dailyQuota, day, receivedAt: 1_760_000_000_000 };
}

const ids = (events: AuditEvent[] | Alert[]): string[] => events.map((e) => e.id);

interface Backend {
  name: 'sqlite' | 'postgres';
  /** Options of a new, empty store location. */
  location(): Promise<CloudStoreOptions>;
  /** Runs raw SQL on the location, behind the store's back. */
  exec(opts: CloudStoreOptions, sql: string): Promise<unknown[]>;
}

function storeSuite(backend: Backend): void {
  let opts: CloudStoreOptions;
  let store: CloudStore;
  const opened: CloudStore[] = [];
  const open = async (o: CloudStoreOptions): Promise<CloudStore> => {
    const s = await openCloudStore(o);
    opened.push(s);
    return s;
  };
  before(async () => {
    opts = await backend.location();
    store = await open(opts);
  });
  after(async () => {
    for (const s of opened) await s.close();
  });

  test('kind and ping', async () => {
    assert.equal(store.kind, backend.name);
    await store.ping();
  });

  test('close twice is harmless', async () => {
    const s = await openCloudStore(opts);
    await s.close();
    await s.close();
  });

  test('keys: create, get, duplicate refused, rotate, retire, revoke, list', async () => {
    const v1 = new Uint8Array(32).fill(1);
    const v2 = new Uint8Array(32).fill(2);
    const v3 = new Uint8Array(32).fill(3);
    await store.createKey({ keyId: 'key_a', user: 'ua', email: 'a@x.test', plan: 'free', verifyKey: v1, createdAt: 1000 });
    await store.createKey({ keyId: 'key_b', user: 'ub', email: 'b@x.test', plan: 'pro', verifyKey: v3, createdAt: 2000 });
    await assert.rejects(
      store.createKey({ keyId: 'key_a', user: 'other', email: 'o@x.test', plan: 'pro', verifyKey: v2, createdAt: 3000 }),
      DuplicateKeyError,
    );
    assert.deepEqual(await store.getKey('key_a'), {
      keyId: 'key_a',
      user: 'ua',
      email: 'a@x.test',
      plan: 'free',
      createdAt: 1000,
      revokedAt: null,
      verifyKeys: [v1],
      rotatedAt: null,
    });
    assert.equal(await store.getKey('nope'), null);
    assert.equal(await store.retireOldSecret('key_a'), false, 'nothing to retire yet');

    assert.equal(await store.rotateKey('key_a', v2, 5000), true);
    const rotated = await store.getKey('key_a');
    assert.deepEqual(rotated?.verifyKeys, [v2, v1], 'newest first, both active');
    assert.equal(rotated?.rotatedAt, 5000);
    assert.equal(await store.rotateKey('nope', v2, 5000), false);

    assert.deepEqual(
      (await store.listKeys()).map((k) => [k.keyId, k.user, k.plan, k.activeSecrets]),
      [
        ['key_a', 'ua', 'free', 2],
        ['key_b', 'ub', 'pro', 1],
      ],
    );
    for (const k of await store.listKeys()) assert.equal('verifyKeys' in k, false, 'a listing never carries verify keys');

    assert.equal(await store.retireOldSecret('key_a'), true);
    assert.deepEqual((await store.getKey('key_a'))?.verifyKeys, [v2]);
    assert.equal(await store.retireOldSecret('key_a'), false);

    assert.equal(await store.revokeKey('key_a', 9000), true);
    assert.equal(await store.revokeKey('key_a', 9500), false, 'already revoked');
    assert.equal(await store.revokeKey('nope', 9500), false);
    const revoked = await store.getKey('key_a');
    assert.equal(revoked?.revokedAt, 9000);
    assert.deepEqual(revoked?.verifyKeys, [], 'a revoked key verifies nothing');
    assert.equal(await store.rotateKey('key_a', v3, 9900), false, 'a revoked key cannot be rotated');
    assert.equal((await store.listKeys()).find((k) => k.keyId === 'key_a')?.activeSecrets, 0);
  });

  test('insertEvents stores, counts and reads back the events as parsed', async () => {
    const events = [ev('i1', 100), ev('i2', 200, { platform: 'meta', risk_level: 1 })];
    assert.deepEqual(await store.insertEvents(batch('ins', events)), { accepted: ['i1', 'i2'], duplicates: [], refused: [], usedToday: 2 });
    assert.equal(await store.usedOn('ins', DAY), 2);
    assert.equal(await store.usedOn('ins', '2026-12-04'), 0);
    assert.equal(await store.usedOn('nobody', DAY), 0);
    const page = await store.pageEvents({ user: 'ins', limit: 10, cursor: null });
    assert.deepEqual(page.events, [events[1], events[0]]);
    assert.equal(page.nextCursor, null);
  });

  test('duplicates spend no quota, also repeated ids within one batch', async () => {
    const r1 = await store.insertEvents(batch('dup', [ev('a', 1), ev('a', 1), ev('b', 2), ev('a', 1)], 10));
    assert.deepEqual(r1, { accepted: ['a', 'b'], duplicates: ['a', 'a'], refused: [], usedToday: 2 });
    const r2 = await store.insertEvents(batch('dup', [ev('b', 2), ev('c', 3), ev('a', 1)], 10));
    assert.deepEqual(r2, { accepted: ['c'], duplicates: ['b', 'a'], refused: [], usedToday: 3 });
    assert.deepEqual(ids((await store.pageEvents({ user: 'dup', limit: 10, cursor: null })).events), ['c', 'b', 'a']);
  });

  test('quota: exactly at the quota, then refused; duplicates at the quota stay duplicates', async () => {
    const r1 = await store.insertEvents(batch('qa', [ev('q1', 1), ev('q2', 2), ev('q3', 3)], 3));
    assert.deepEqual(r1, { accepted: ['q1', 'q2', 'q3'], duplicates: [], refused: [], usedToday: 3 });
    const r2 = await store.insertEvents(batch('qa', [ev('q2', 2), ev('q4', 4), ev('q5', 5)], 3));
    assert.deepEqual(r2, { accepted: [], duplicates: ['q2'], refused: ['q4', 'q5'], usedToday: 3 });
    assert.equal(await store.usedOn('qa', DAY), 3);
    // Another day has its own count.
    const r3 = await store.insertEvents(batch('qa', [ev('q4', 4)], 3, '2026-12-04'));
    assert.deepEqual(r3, { accepted: ['q4'], duplicates: [], refused: [], usedToday: 1 });
    assert.equal(await store.usedOn('qa', DAY), 3);
  });

  test('quota: a batch crossing it mid-way is stored up to the quota, the rest refused in batch order', async () => {
    await store.insertEvents(batch('qb', [ev('x1', 1), ev('x2', 2)], 5));
    const r = await store.insertEvents(
      batch('qb', [ev('x3', 3), ev('x1', 1), ev('x4', 4), ev('x5', 5), ev('x6', 6), ev('x5', 5), ev('x7', 7)], 5),
    );
    assert.deepEqual(r, { accepted: ['x3', 'x4', 'x5'], duplicates: ['x1', 'x5'], refused: ['x6', 'x7'], usedToday: 5 });
    assert.deepEqual(ids((await store.pageEvents({ user: 'qb', limit: 10, cursor: null })).events), ['x5', 'x4', 'x3', 'x2', 'x1']);
    // A refused id repeated in its batch is listed once, still refused.
    const r2 = await store.insertEvents(batch('qb', [ev('x8', 8), ev('x8', 8)], 5));
    assert.deepEqual(r2, { accepted: [], duplicates: [], refused: ['x8'], usedToday: 5 });
    // A lower quota than what is already used refuses everything new.
    const r3 = await store.insertEvents(batch('qb', [ev('x9', 9)], 2));
    assert.deepEqual(r3, { accepted: [], duplicates: [], refused: ['x9'], usedToday: 5 });
  });

  test('pages newest first through ties in ts, nothing skipped or repeated', async () => {
    const events: AuditEvent[] = [];
    for (let i = 0; i < 23; i++) events.push(ev(`t${String(i).padStart(2, '0')}`, 1000 + Math.floor(i / 5)));
    await store.insertEvents(batch('pager', events.toReversed()));
    const expected = [...events].sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1)).map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.pageEvents({ user: 'pager', limit: 4, cursor });
      seen.push(...ids(page.events));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    assert.deepEqual(seen, expected);
    assert.equal(pages, 6);
    // A page that ends exactly at the last row says there is no more.
    const full = await store.pageEvents({ user: 'pager', limit: 23, cursor: null });
    assert.equal(full.events.length, 23);
    assert.equal(full.nextCursor, null);
  });

  test('filters: since (inclusive), until (exclusive), platform, minRisk, session, with paging', async () => {
    const events = [
      ev('f1', 10, { platform: 'shopify', risk_level: 0, session_id: 's1' }),
      ev('f2', 20, { platform: 'meta', risk_level: 1, session_id: 's1' }),
      ev('f3', 30, { platform: 'shopify', risk_level: 2, session_id: 's2' }),
      ev('f4', 40, { platform: 'generic', risk_level: 3, session_id: 's2' }),
      ev('f5', 50, { platform: 'shopify', risk_level: 3, session_id: 's1' }),
    ];
    await store.insertEvents(batch('filt', events));
    const q = async (extra: object, limit = 10): Promise<string[]> =>
      ids((await store.pageEvents({ user: 'filt', limit, cursor: null, ...extra })).events);
    assert.deepEqual(await q({ since: 20, until: 40 }), ['f3', 'f2']);
    assert.deepEqual(await q({ since: 50 }), ['f5']);
    assert.deepEqual(await q({ until: 10 }), []);
    assert.deepEqual(await q({ platform: 'shopify' }), ['f5', 'f3', 'f1']);
    assert.deepEqual(await q({ minRisk: 2 }), ['f5', 'f4', 'f3']);
    assert.deepEqual(await q({ sessionId: 's1' }), ['f5', 'f2', 'f1']);
    assert.deepEqual(await q({ sessionId: 's1', platform: 'shopify', minRisk: 1 }), ['f5']);
    const p1 = await store.pageEvents({ user: 'filt', limit: 2, cursor: null, platform: 'shopify' });
    assert.deepEqual(ids(p1.events), ['f5', 'f3']);
    const p2 = await store.pageEvents({ user: 'filt', limit: 2, cursor: p1.nextCursor, platform: 'shopify' });
    assert.deepEqual(ids(p2.events), ['f1']);
    assert.equal(p2.nextCursor, null);
  });

  test("another user's events and alerts are never returned, and the same id is separate per user", async () => {
    await store.insertEvents(batch('alice', [ev('shared', 5), ev('only-alice', 6)]));
    const r = await store.insertEvents(batch('bob', [ev('shared', 5)], 1));
    assert.deepEqual(r.accepted, ['shared'], "alice's id is no duplicate for bob");
    assert.deepEqual(ids((await store.pageEvents({ user: 'bob', limit: 10, cursor: null })).events), ['shared']);
    // A cursor taken from alice's page reads nothing of hers for bob.
    const cursor = encodeCursor({ ts: 7, id: 'zzz' });
    assert.deepEqual(ids((await store.pageEvents({ user: 'bob', limit: 10, cursor })).events), ['shared']);
    await store.insertAlerts('alice', [alert('al1', 1)]);
    assert.deepEqual((await store.pageAlerts({ user: 'bob', limit: 10, cursor: null })).alerts, []);
  });

  test('a malformed cursor is an InvalidCursorError', async () => {
    const bad = [
      '',
      'not base64!',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('["1","a"]').toString('base64url'),
      Buffer.from('[1,""]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      'AAAA',
    ];
    for (const cursor of bad) {
      await assert.rejects(store.pageEvents({ user: 'u', limit: 5, cursor }), InvalidCursorError, cursor);
      await assert.rejects(store.pageAlerts({ user: 'u', limit: 5, cursor }), InvalidCursorError, cursor);
    }
  });

  test('alerts: idempotent by id, paged newest first', async () => {
    assert.equal(await store.insertAlerts('al', [alert('a1', 10), alert('a2', 20), alert('a3', 20)]), 3);
    assert.equal(await store.insertAlerts('al', [alert('a2', 20), alert('a4', 5)]), 1);
    assert.equal(await store.insertAlerts('al', []), 0);
    const p1 = await store.pageAlerts({ user: 'al', limit: 2, cursor: null });
    assert.deepEqual(ids(p1.alerts), ['a3', 'a2']);
    assert.deepEqual(p1.alerts[0], alert('a3', 20));
    const p2 = await store.pageAlerts({ user: 'al', limit: 2, cursor: p1.nextCursor });
    assert.deepEqual(ids(p2.alerts), ['a1', 'a4']);
    assert.equal(p2.nextCursor, null);
  });

  test('migrations: reopening applies nothing twice, 4 instances opening a fresh store at once all succeed', async () => {
    const again = await open(opts);
    assert.equal((await again.getKey('key_b'))?.user, 'ub', 'data kept');
    const fresh = await backend.location();
    const stores = await Promise.all([1, 2, 3, 4].map(() => open(fresh)));
    assert.equal(stores.length, 4);
    // Every version once: the core's and each part's (alerts, mail, analysis, web).
    const known = (backend.name === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).map((m) => ({ version: m.version }));
    for (const o of [opts, fresh]) {
      assert.deepEqual(await backend.exec(o, 'SELECT version FROM schema_migrations ORDER BY version'), known);
    }
  });

  test('a database migrated by a newer build is refused, never downgraded', async () => {
    const o = await backend.location();
    await (await openCloudStore(o)).close();
    await backend.exec(o, 'INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)');
    await assert.rejects(openCloudStore(o), (err: Error) => err instanceof SchemaTooNewError && /version 999/.test(err.message));
  });

  test('durability: every batch acknowledged before kill -9 is present after reopening', async () => {
    const o = await backend.location();
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const acked = await new Promise<number[]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const acks = [...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
        if (acks.length >= 30) {
          child.kill('SIGKILL');
          resolve(acks);
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
    assert.equal(child.signalCode, 'SIGKILL');
    if (backend.name === 'sqlite') {
      assert.deepEqual(await backend.exec(o, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    }
    const s = await open(o);
    const stored = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await s.pageEvents({ user: 'writer', limit: 500, cursor });
      for (const e of page.events) stored.add(e.id);
      cursor = page.nextCursor;
    } while (cursor !== null);
    for (const n of acked) for (let i = 0; i < 100; i++) assert.ok(stored.has(`b${n}-${i}`), `acknowledged b${n}-${i} is missing`);
    assert.equal(stored.size % 100, 0, 'batches are atomic');
    assert.equal(await s.usedOn('writer', '2026-01-01'), stored.size, 'the count matches what is stored');
  });
}

describe('cloud-lite store: SQLite', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  storeSuite({
    name: 'sqlite',
    async location() {
      const dir = mkdtempSync(join(tmpdir(), 'warden-store-'));
      dirs.push(dir);
      return { dataDir: join(dir, 'data') };
    },
    async exec(opts, sql) {
      const db = new Database(join(opts.dataDir, SQLITE_FILE));
      try {
        const st = db.prepare(sql);
        return st.reader ? st.all() : (st.run(), []);
      } finally {
        db.close();
      }
    },
  });
});

describe('cloud-lite store: PostgreSQL', () => {
  let server: PostgresServer;
  let n = 0;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.destroy();
  });
  const backend: Backend = {
    name: 'postgres',
    async location() {
      return { dataDir: '/nonexistent', databaseUrl: server.createDatabase(`store_${++n}`) };
    },
    async exec(opts, sql) {
      const c = new pg.Client({ connectionString: opts.databaseUrl! });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    },
  };
  storeSuite(backend);

  test('two instances inserting overlapping batches for one user at once: each id stored once, the quota exact', async () => {
    const o = await backend.location();
    const [s1, s2] = await Promise.all([openCloudStore(o), openCloudStore(o)]);
    try {
      const quota = 150;
      const all = Array.from({ length: 200 }, (_, i) => ev(`c${i}`, i));
      // Each instance sends windows of 50 that overlap the other's by half.
      const sends: Promise<{ accepted: string[] }>[] = [];
      for (let start = 0; start < 200; start += 25) {
        sends.push((start % 50 === 0 ? s1 : s2).insertEvents(batch('race', all.slice(start, start + 50), quota)));
      }
      const results = await Promise.all(sends);
      const accepted = results.flatMap((r) => r.accepted);
      assert.equal(accepted.length, quota, 'accepted exactly the quota');
      assert.equal(new Set(accepted).size, quota, 'no id accepted twice');
      assert.equal(await s1.usedOn('race', DAY), quota);
      const rows = await backend.exec(o, "SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events WHERE user_id = 'race'");
      assert.deepEqual(rows, [{ n: quota, d: quota }]);
    } finally {
      await s1.close();
      await s2.close();
    }
  });

  test('an unreachable database is a thrown error without the statement values', async () => {
    const o = await backend.location();
    await assert.rejects(openCloudStore({ ...o, databaseUrl: 'postgres://warden@127.0.0.1:1/none' }), PostgresStoreError);
    // A running store whose server goes away: errors, then recovers when it is back.
    const s3 = await openCloudStore({ ...o, poolSize: 2 });
    await server.stop();
    try {
      await assert.rejects(
        s3.getKey('secret-key-id-value'),
        (err: Error) => err instanceof PostgresStoreError && !err.message.includes('secret-key-id-value'),
      );
      await assert.rejects(s3.ping(), PostgresStoreError);
    } finally {
      await server.start();
    }
    try {
      await s3.ping();
      // PostgreSQL quotes a bad value in its message ("invalid input syntax for type bigint: …").
      const bad = {
        keyId: 'k',
        user: 'u',
        email: 'e',
        plan: 'free' as const,
        verifyKey: new Uint8Array(32),
        createdAt: 'leaked-value' as unknown as number,
      };
      await assert.rejects(
        s3.createKey(bad),
        (err: Error) => err instanceof PostgresStoreError && err.code === '22P02' && !err.message.includes('leaked-value'),
      );
    } finally {
      await s3.close();
    }
  });
});
