// The shared store when cloud-lite runs as several stateless instances (DATABASE_URL). Every
// write that must hold across instances is one transaction: the quota by a row lock on the
// user's usage row, migrations by an advisory lock. Errors never carry SQL parameter values
// (a pg error's detail quotes them): they are rethrown as PostgresStoreError with the SQLSTATE
// or the network error code only, and the service answers 503.
import pg from 'pg';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { parseAlert, parseAuditEvent } from '../../core/protocol/event.ts';
import { postgresAlertStore } from '../alerts/store-postgres.ts';
import type { AlertStore } from '../alerts/store.ts';
import { postgresAnalysisStore } from '../analyze/store-postgres.ts';
import type { AnalysisStore } from '../analyze/store.ts';
import { postgresMailStore } from '../mail/store-postgres.ts';
import type { MailStore } from '../mail/store.ts';
import { postgresWebStore } from '../web/store-postgres.ts';
import type { WebStore } from '../web/store.ts';
import { pageOf } from './cursor.ts';
import { pendingMigrations, POSTGRES_MIGRATIONS, POSTGRES_ROUTINES } from './migrations.ts';
import { afterCursor, checkLimit, eventConditions } from './query.ts';
import { PgDatabase, safeError } from './postgres-db.ts';
import { result, splitBatch } from './quota.ts';
import {
  DuplicateKeyError,
  type AlertPageResult,
  type AlertQuery,
  type ApiKeyListing,
  type ApiKeyRecord,
  type CloudStore,
  type EventPageResult,
  type EventQuery,
  type InsertEventsInput,
  type InsertEventsResult,
  type NewApiKey,
  type Plan,
  type VerifyKey,
} from './types.ts';

export { PostgresStoreError } from './postgres-db.ts';

export interface PostgresStoreOptions {
  poolSize?: number | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/** Serialises migrate() across instances: pg_advisory_xact_lock key ("warden" in ASCII). */
const MIGRATION_LOCK = 0x77617264656e;

interface KeyRow {
  key_id: string;
  user_id: string;
  email: string;
  plan: string;
  created_at: string;
  revoked_at: string | null;
  rotated_at: string | null;
  verify_key: Buffer;
  previous_verify_key: Buffer | null;
}

type ListingRow = Omit<KeyRow, 'verify_key' | 'previous_verify_key'> & { active_secrets: number };

/** bigint columns arrive as strings; unix ms fit a double exactly. */
const ms = (v: string | null): number | null => (v === null ? null : Number(v));

function toRecord(r: KeyRow): ApiKeyRecord {
  const revoked = r.revoked_at !== null;
  const verifyKeys: VerifyKey[] = revoked ? [] : [new Uint8Array(r.verify_key)];
  if (!revoked && r.previous_verify_key !== null) verifyKeys.push(new Uint8Array(r.previous_verify_key));
  return {
    keyId: r.key_id,
    user: r.user_id,
    email: r.email,
    plan: r.plan as Plan,
    createdAt: Number(r.created_at),
    revokedAt: ms(r.revoked_at),
    verifyKeys,
    rotatedAt: ms(r.rotated_at),
  };
}

function storedEvent(body: string): AuditEvent {
  const e = parseAuditEvent(JSON.parse(body));
  if (e === null) throw new Error('a stored event no longer parses');
  return e;
}

function storedAlert(body: string): Alert {
  const a = parseAlert(JSON.parse(body));
  if (a === null) throw new Error('a stored alert no longer parses');
  return a;
}

export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): CloudStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // A database that does not answer fails the request (503) rather than queueing it forever.
    connectionTimeoutMillis: 5000,
  });
  // An idle connection that dies (server restart) must not crash the process: the pool drops it.
  pool.on('error', (err) => opts.onWarning?.(safeError(err, 'idle connection').message));
  return new PostgresStore(pool);
}

class PostgresStore implements CloudStore {
  readonly kind = 'postgres' as const;

  private readonly db: PgDatabase;
  readonly alerts: AlertStore;
  readonly mail: MailStore;
  readonly analysis: AnalysisStore;
  readonly web: WebStore;

  constructor(private readonly pool: pg.Pool) {
    this.db = new PgDatabase(pool);
    this.alerts = postgresAlertStore(this.db);
    this.mail = postgresMailStore(this.db);
    this.analysis = postgresAnalysisStore(this.db);
    this.web = postgresWebStore(this.db);
  }

  private query<R extends pg.QueryResultRow>(
    what: string,
    text: string | pg.QueryConfig,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.db.query<R>(what, text, values);
  }

  private transaction<T>(what: string, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.transaction(what, body);
  }

  async migrate(): Promise<void> {
    await this.transaction('migrate', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
      const applied = (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
      for (const m of pendingMigrations(POSTGRES_MIGRATIONS, applied)) {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
      }
      for (const sql of POSTGRES_ROUTINES) await c.query(sql);
    });
  }

  async createKey(key: NewApiKey): Promise<void> {
    const r = await this.query(
      'createKey',
      `INSERT INTO keys (key_id, user_id, email, plan, created_at, verify_key) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key_id) DO NOTHING`,
      [key.keyId, key.user, key.email, key.plan, key.createdAt, Buffer.from(key.verifyKey)],
    );
    if (r.rowCount === 0) throw new DuplicateKeyError(`key ${key.keyId} already exists`);
  }

  async getKey(keyId: string): Promise<ApiKeyRecord | null> {
    const r = await this.query<KeyRow>('getKey', {
      name: 'get-key',
      // Columns named: a prepared SELECT * would fail once a later migration adds one.
      text: `SELECT key_id, user_id, email, plan, created_at, revoked_at, rotated_at, verify_key, previous_verify_key
             FROM keys WHERE key_id = $1`,
      values: [keyId],
    });
    const row = r.rows[0];
    return row === undefined ? null : toRecord(row);
  }

  async rotateKey(keyId: string, verifyKey: VerifyKey, at: number): Promise<boolean> {
    const r = await this.query(
      'rotateKey',
      `UPDATE keys SET previous_verify_key = verify_key, verify_key = $1, rotated_at = $2
       WHERE key_id = $3 AND revoked_at IS NULL`,
      [Buffer.from(verifyKey), at, keyId],
    );
    return r.rowCount === 1;
  }

  async retireOldSecret(keyId: string): Promise<boolean> {
    const r = await this.query(
      'retireOldSecret',
      'UPDATE keys SET previous_verify_key = NULL WHERE key_id = $1 AND revoked_at IS NULL AND previous_verify_key IS NOT NULL',
      [keyId],
    );
    return r.rowCount === 1;
  }

  // The verify keys are erased, not just disabled: a revoked key has nothing left to leak.
  async revokeKey(keyId: string, at: number): Promise<boolean> {
    const r = await this.query(
      'revokeKey',
      `UPDATE keys SET revoked_at = $1, verify_key = ''::bytea, previous_verify_key = NULL
       WHERE key_id = $2 AND revoked_at IS NULL`,
      [at, keyId],
    );
    return r.rowCount === 1;
  }

  async listKeys(): Promise<ApiKeyListing[]> {
    const r = await this.query<ListingRow>(
      'listKeys',
      `SELECT key_id, user_id, email, plan, created_at, revoked_at, rotated_at,
         CASE WHEN revoked_at IS NOT NULL THEN 0 WHEN previous_verify_key IS NULL THEN 1 ELSE 2 END AS active_secrets
       FROM keys ORDER BY created_at, key_id`,
    );
    return r.rows.map((row) => ({
      keyId: row.key_id,
      user: row.user_id,
      email: row.email,
      plan: row.plan as Plan,
      createdAt: Number(row.created_at),
      revokedAt: ms(row.revoked_at),
      rotatedAt: ms(row.rotated_at),
      activeSecrets: row.active_secrets,
    }));
  }

  // One round trip: insert_events_within_quota_v1 (migrations.ts) stores, counts and trims to the
  // quota in one implicit transaction, holding the user's usage row only from its count to the
  // commit. The split is then told from what it inserted, exactly as it decided it.
  async insertEvents(input: InsertEventsInput): Promise<InsertEventsResult> {
    const { user, keyId, day, receivedAt } = input;
    const seen = new Set<string>();
    const e: AuditEvent[] = [];
    for (const event of input.events) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      e.push(event);
    }
    const r = await this.query<{ used_before: number; inserted: string[] }>('insertEvents', {
      name: 'insert-events-within-quota',
      text: 'SELECT used_before, inserted FROM insert_events_within_quota_v1($1, $2, $3, $4, $5, $6)',
      values: [user, keyId, day, input.dailyQuota, receivedAt, JSON.stringify(e)],
    });
    const { used_before: used, inserted } = r.rows[0]!;
    const stored = new Set(inserted);
    const split = splitBatch(input.events, input.dailyQuota - used, {
      store: (event) => stored.has(event.id),
      exists: (id) => !stored.has(id),
    });
    return result(split, used + split.accepted.length);
  }

  async usedOn(user: string, day: string): Promise<number> {
    const r = await this.query<{ count: number }>('usedOn', 'SELECT count FROM usage WHERE user_id = $1 AND day = $2', [user, day]);
    return r.rows[0]?.count ?? 0;
  }

  async pageEvents(q: EventQuery): Promise<EventPageResult> {
    const limit = checkLimit(q.limit);
    const values: unknown[] = [];
    const param = (v: unknown): string => `$${values.push(v)}`;
    const where = eventConditions(q, param);
    const r = await this.query<{ id: string; ts: number; body: string }>(
      'pageEvents',
      `SELECT id, ts, body FROM events WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`,
      values,
    );
    const { items, nextCursor } = pageOf(r.rows, limit, storedEvent);
    return { events: items, nextCursor };
  }

  async insertAlerts(user: string, alerts: Alert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const r = await this.query(
      'insertAlerts',
      `INSERT INTO alerts (user_id, id, ts, body, session_id)
       SELECT $1, u.id, u.ts, u.body, u.session_id FROM unnest($2::text[], $3::float8[], $4::text[], $5::text[]) AS u(id, ts, body, session_id)
       ON CONFLICT DO NOTHING`,
      [user, alerts.map((a) => a.id), alerts.map((a) => a.ts), alerts.map((a) => JSON.stringify(a)), alerts.map((a) => a.session_id)],
    );
    return r.rowCount ?? 0;
  }

  async pageAlerts(q: AlertQuery): Promise<AlertPageResult> {
    const limit = checkLimit(q.limit);
    const values: unknown[] = [];
    const param = (v: unknown): string => `$${values.push(v)}`;
    const where = [`user_id = ${param(q.user)}`, ...afterCursor(q.cursor, param)];
    const r = await this.query<{ id: string; ts: number; body: string }>(
      'pageAlerts',
      `SELECT id, ts, body FROM alerts WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`,
      values,
    );
    const { items, nextCursor } = pageOf(r.rows, limit, storedAlert);
    return { alerts: items, nextCursor };
  }

  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1');
  }

  async close(): Promise<void> {
    // pg throws on a second end(); closing twice is harmless here, as in SQLite.
    if (this.pool.ended || this.pool.ending) return;
    await this.pool.end();
  }
}
