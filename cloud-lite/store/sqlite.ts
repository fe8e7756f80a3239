// The embedded store: one SQLite file (better-sqlite3), the default. WAL with synchronous=FULL:
// a transaction that returned is on disk, so an acknowledged batch survives kill -9 and power
// loss, and a crash never corrupts the file. better-sqlite3 is synchronous: each method runs
// whole on the event loop, so the JS side needs no locks; BEGIN IMMEDIATE excludes other
// processes on the same file (the CLI's `keys create` while the service runs). Batches that
// arrive together share one commit (group commit), and WAL checkpoints run on a worker thread
// with its own connection, so neither the copy nor its fsync blocks the event loop.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { parseAlert, parseAuditEvent } from '../../core/protocol/event.ts';
import { sqliteAlertStore } from '../alerts/store-sqlite.ts';
import type { AlertStore } from '../alerts/store.ts';
import { sqliteAnalysisStore } from '../analyze/store-sqlite.ts';
import type { AnalysisStore } from '../analyze/store.ts';
import { sqliteMailStore } from '../mail/store-sqlite.ts';
import type { MailStore } from '../mail/store.ts';
import { sqliteWebStore } from '../web/store-sqlite.ts';
import type { WebStore } from '../web/store.ts';
import { pageOf } from './cursor.ts';
import { pendingMigrations, SQLITE_MIGRATIONS } from './migrations.ts';
import { Checkpointer } from './sqlite-checkpointer.ts';
import { afterCursor, checkLimit, eventConditions } from './query.ts';
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

export const SQLITE_FILE = 'cloud-lite.sqlite';

interface KeyRow {
  key_id: string;
  user_id: string;
  email: string;
  plan: string;
  created_at: number;
  revoked_at: number | null;
  rotated_at: number | null;
  verify_key: Buffer;
  previous_verify_key: Buffer | null;
}

interface PendingBatch {
  input: InsertEventsInput;
  resolve: (r: InsertEventsResult) => void;
  reject: (err: unknown) => void;
}

type ListingRow = Omit<KeyRow, 'verify_key' | 'previous_verify_key'> & { active_secrets: number };

/** Creates the data dir (0700) and the file (0600) before SQLite opens it. */
function prepareFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SQLITE_FILE);
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  return file;
}

export function openSqliteStore(dataDir: string): CloudStore {
  const file = prepareFile(dataDir);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Checkpoints run on a worker thread (Checkpointer), not inside a commit on the event loop.
  db.pragma('wal_autocheckpoint = 0');
  return new SqliteStore(db, new Checkpointer(file, db));
}

/** Named parameters for better-sqlite3: param(v) binds v and returns its placeholder. */
function namedParams(initial: Record<string, unknown> = {}): { params: Record<string, unknown>; param: (v: unknown) => string } {
  const params = { ...initial };
  const param = (v: unknown): string => {
    const name = `p${Object.keys(params).length}`;
    params[name] = v;
    return `@${name}`;
  };
  return { params, param };
}

function toRecord(r: KeyRow): ApiKeyRecord {
  const revoked = r.revoked_at !== null;
  const verifyKeys: VerifyKey[] = revoked ? [] : [new Uint8Array(r.verify_key)];
  if (!revoked && r.previous_verify_key !== null) verifyKeys.push(new Uint8Array(r.previous_verify_key));
  return {
    keyId: r.key_id,
    user: r.user_id,
    email: r.email,
    plan: r.plan as Plan,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    verifyKeys,
    rotatedAt: r.rotated_at,
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

class SqliteStore implements CloudStore {
  readonly kind = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  /** Batches waiting for the next group commit. */
  private pending: PendingBatch[] = [];

  readonly alerts: AlertStore;
  readonly mail: MailStore;
  readonly analysis: AnalysisStore;
  readonly web: WebStore;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Checkpointer,
  ) {
    this.alerts = sqliteAlertStore(db);
    this.mail = sqliteMailStore(db);
    this.analysis = sqliteAnalysisStore(db);
    this.web = sqliteWebStore(db);
  }

  /** Prepared once per distinct SQL text (the page queries vary with their filters). */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    this.db
      .transaction(() => {
        const applied = (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
        for (const m of pendingMigrations(SQLITE_MIGRATIONS, applied)) {
          this.db.exec(m.sql);
          this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
        }
      })
      .immediate();
  }

  async createKey(key: NewApiKey): Promise<void> {
    const r = this.stmt(
      `INSERT INTO keys (key_id, user_id, email, plan, created_at, verify_key) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id) DO NOTHING`,
    ).run(key.keyId, key.user, key.email, key.plan, key.createdAt, Buffer.from(key.verifyKey));
    if (r.changes === 0) throw new DuplicateKeyError(`key ${key.keyId} already exists`);
  }

  async getKey(keyId: string): Promise<ApiKeyRecord | null> {
    const r = this.stmt('SELECT * FROM keys WHERE key_id = ?').get(keyId) as KeyRow | undefined;
    return r === undefined ? null : toRecord(r);
  }

  async rotateKey(keyId: string, verifyKey: VerifyKey, at: number): Promise<boolean> {
    const r = this.stmt(
      `UPDATE keys SET previous_verify_key = verify_key, verify_key = ?, rotated_at = ?
       WHERE key_id = ? AND revoked_at IS NULL`,
    ).run(Buffer.from(verifyKey), at, keyId);
    return r.changes === 1;
  }

  async retireOldSecret(keyId: string): Promise<boolean> {
    const r = this.stmt(
      'UPDATE keys SET previous_verify_key = NULL WHERE key_id = ? AND revoked_at IS NULL AND previous_verify_key IS NOT NULL',
    ).run(keyId);
    return r.changes === 1;
  }

  // The verify keys are erased, not just disabled: a revoked key has nothing left to leak.
  async revokeKey(keyId: string, at: number): Promise<boolean> {
    const r = this.stmt(
      `UPDATE keys SET revoked_at = ?, verify_key = x'', previous_verify_key = NULL
       WHERE key_id = ? AND revoked_at IS NULL`,
    ).run(at, keyId);
    return r.changes === 1;
  }

  async listKeys(): Promise<ApiKeyListing[]> {
    const rows = this.stmt(
      `SELECT key_id, user_id, email, plan, created_at, revoked_at, rotated_at,
         CASE WHEN revoked_at IS NOT NULL THEN 0 WHEN previous_verify_key IS NULL THEN 1 ELSE 2 END AS active_secrets
       FROM keys ORDER BY created_at, key_id`,
    ).all() as ListingRow[];
    return rows.map((r) => ({
      keyId: r.key_id,
      user: r.user_id,
      email: r.email,
      plan: r.plan as Plan,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      rotatedAt: r.rotated_at,
      activeSecrets: r.active_secrets,
    }));
  }

  /**
   * Group commit: batches that arrive in the same turn of the event loop are written in one
   * transaction (one WAL fsync for all of them), each split in arrival order as if alone, and
   * each answered only once that transaction has committed.
   */
  insertEvents(input: InsertEventsInput): Promise<InsertEventsResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const group = this.pending.splice(0);
    if (group.length === 0) return; // close() wrote them already
    let results: InsertEventsResult[];
    try {
      results = this.db.transaction(() => group.map((p) => this.insertBatch(p.input))).immediate();
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One batch that fails must not fail the others: each again in a transaction of its own.
      for (const p of group) {
        try {
          p.resolve(this.db.transaction(() => this.insertBatch(p.input)).immediate());
        } catch (e) {
          p.reject(e);
        }
      }
      return;
    }
    group.forEach((p, i) => p.resolve(results[i]!));
    this.checkpointer.request();
  }

  /** One batch, inside the caller's transaction (which holds the write lock, so the quota is exact). */
  private insertBatch(input: InsertEventsInput): InsertEventsResult {
    const { user, keyId, day, receivedAt } = input;
    this.stmt('INSERT INTO usage (user_id, day, count) VALUES (?, ?, 0) ON CONFLICT DO NOTHING').run(user, day);
    const used = (this.stmt('SELECT count FROM usage WHERE user_id = ? AND day = ?').get(user, day) as { count: number }).count;
    // ON CONFLICT DO NOTHING tells a duplicate by its change count: no lookup per new event.
    const insert = this.stmt(
      `INSERT INTO events (user_id, id, ts, session_id, platform, risk_level, key_id, received_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const exists = this.stmt('SELECT 1 FROM events WHERE user_id = ? AND id = ?').pluck();
    const split = splitBatch(input.events, input.dailyQuota - used, {
      store: (e) =>
        insert.run(user, e.id, e.ts, e.session_id, e.platform, e.risk_level, keyId, receivedAt, JSON.stringify(e)).changes === 1,
      exists: (id) => exists.get(user, id) !== undefined,
    });
    const usedToday = used + split.accepted.length;
    if (split.accepted.length > 0) this.stmt('UPDATE usage SET count = ? WHERE user_id = ? AND day = ?').run(usedToday, user, day);
    return result(split, usedToday);
  }

  async usedOn(user: string, day: string): Promise<number> {
    const r = this.stmt('SELECT count FROM usage WHERE user_id = ? AND day = ?').get(user, day) as { count: number } | undefined;
    return r?.count ?? 0;
  }

  async pageEvents(q: EventQuery): Promise<EventPageResult> {
    const limit = checkLimit(q.limit);
    const { params, param } = namedParams();
    const where = eventConditions(q, param);
    const rows = this.stmt(`SELECT id, ts, body FROM events WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`).all(
      params,
    ) as { id: string; ts: number; body: string }[];
    const { items, nextCursor } = pageOf(rows, limit, storedEvent);
    return { events: items, nextCursor };
  }

  async insertAlerts(user: string, alerts: Alert[]): Promise<number> {
    const insert = this.stmt('INSERT INTO alerts (user_id, id, ts, body, session_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const stored = this.db
      .transaction(() => alerts.reduce((n, a) => n + insert.run(user, a.id, a.ts, JSON.stringify(a), a.session_id).changes, 0))
      .immediate();
    this.checkpointer.request();
    return stored;
  }

  async pageAlerts(q: AlertQuery): Promise<AlertPageResult> {
    const limit = checkLimit(q.limit);
    const { params, param } = namedParams({ user: q.user });
    const where = ['user_id = @user', ...afterCursor(q.cursor, param)];
    const rows = this.stmt(`SELECT id, ts, body FROM alerts WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ${limit + 1}`).all(
      params,
    ) as { id: string; ts: number; body: string }[];
    const { items, nextCursor } = pageOf(rows, limit, storedAlert);
    return { alerts: items, nextCursor };
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  async close(): Promise<void> {
    // Batches already handed over are written, not dropped.
    if (this.db.open && this.pending.length > 0) this.commitPending();
    await this.checkpointer.close();
    if (this.db.open) this.db.close();
  }
}
