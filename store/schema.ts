// The SQLite schema of a segment file and the conversions between rows and audit records.
// Every segment has the same tables; only the newest segment's `pending` and `journals`
// tables are authoritative (older segments keep the copy they had when they were sealed,
// which is what corruption recovery falls back to).
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../core/types.ts';
import { toAlert, toAuditEvent } from './validate.ts';

export const SCHEMA_VERSION = '1';

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  client TEXT NOT NULL, tool TEXT NOT NULL, platform TEXT NOT NULL, target TEXT, method TEXT NOT NULL,
  endpoint TEXT NOT NULL, operation TEXT, status INTEGER, latency_ms REAL, risk_level INTEGER NOT NULL,
  rules TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, pii TEXT NOT NULL, usage TEXT
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts, id);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, event_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts, id);
-- Intents folded but not final yet: the call was forwarded and no outcome is known.
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, writer TEXT NOT NULL, event TEXT NOT NULL);
-- Journal bytes folded into the store (exactly-once: committed with the data in one rename).
CREATE TABLE IF NOT EXISTS journals (name TEXT PRIMARY KEY, offset INTEGER NOT NULL, ended TEXT);
`;

export const EVENT_COLUMNS =
  'id, ts, session_id, instance_id, client, tool, platform, target, method, endpoint, operation, status, latency_ms, risk_level, rules, outcome, error, pii, usage';
export const ALERT_COLUMNS = 'id, ts, session_id, instance_id, rule, severity, message, event_ids';

export const INSERT_EVENT_SQL = `INSERT OR REPLACE INTO events (${EVENT_COLUMNS}) VALUES (${EVENT_COLUMNS.split(',')
  .map(() => '?')
  .join(',')})`;
export const INSERT_ALERT_SQL = `INSERT OR REPLACE INTO alerts (${ALERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)`;

/** Sealed segments as the newest one knows them: lets readers skip files by time range. */
export interface ManifestEntry {
  seq: number;
  count: number;
  /** Range of event and alert timestamps in the segment (0/0 when empty). */
  min_ts: number;
  max_ts: number;
}

export class CorruptSegmentError extends Error {}

/**
 * The working copy lives in sql.js's in-memory file system and reaches disk only through
 * export() + atomic rename, so SQLite's own rollback journal and syncs buy nothing here.
 */
export function tuneWorkingDb(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -2000');
}

export function createSegmentDb(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  db.exec(DDL);
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [SCHEMA_VERSION]);
  return db;
}

/**
 * Opens segment bytes and checks them: a SQLite file, our schema, and (when `check`) an
 * intact b-tree. Throws CorruptSegmentError otherwise.
 */
export function openSegmentDb(SQL: SqlJsStatic, bytes: Uint8Array, check: boolean): Database {
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    if (check) {
      const r = db.exec('PRAGMA quick_check');
      const verdict = r[0]?.values[0]?.[0];
      if (verdict !== 'ok') throw new Error(`quick_check: ${String(verdict)}`);
    }
    const version = db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0];
    if (version !== SCHEMA_VERSION) throw new Error(`unknown schema version ${String(version)}`);
    db.exec('SELECT 1 FROM events LIMIT 0; SELECT 1 FROM alerts LIMIT 0; SELECT 1 FROM pending LIMIT 0; SELECT 1 FROM journals LIMIT 0');
    return db;
  } catch (err) {
    db?.close();
    throw new CorruptSegmentError((err as Error).message);
  }
}

export function eventParams(e: AuditEvent): SqlValue[] {
  return [
    e.id,
    e.ts,
    e.session_id,
    e.instance_id,
    e.client,
    e.tool,
    e.platform,
    e.target,
    e.method,
    e.endpoint,
    e.operation,
    e.status,
    e.latency_ms,
    e.risk_level,
    JSON.stringify(e.rules),
    e.outcome,
    e.error,
    JSON.stringify(e.pii),
    e.usage === null ? null : JSON.stringify(e.usage),
  ];
}

export function alertParams(a: Alert): SqlValue[] {
  return [a.id, a.ts, a.session_id, a.instance_id, a.rule, a.severity, a.message, JSON.stringify(a.event_ids)];
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A row selected with EVENT_COLUMNS, validated; null if the row is damaged. */
export function rowToEvent(row: SqlValue[]): AuditEvent | null {
  const [
    id,
    ts,
    session_id,
    instance_id,
    client,
    tool,
    platform,
    target,
    method,
    endpoint,
    operation,
    status,
    latency_ms,
    risk_level,
    rules,
    outcome,
    error,
    pii,
    usage,
  ] = row;
  return toAuditEvent({
    id,
    ts,
    session_id,
    instance_id,
    client,
    tool,
    platform,
    target,
    method,
    endpoint,
    operation,
    status,
    latency_ms,
    risk_level,
    rules: parseJson(rules),
    outcome,
    error,
    pii: parseJson(pii),
    usage: usage === null ? null : parseJson(usage),
  });
}

export function rowToAlert(row: SqlValue[]): Alert | null {
  const [id, ts, session_id, instance_id, rule, severity, message, event_ids] = row;
  return toAlert({ id, ts, session_id, instance_id, rule, severity, message, event_ids: parseJson(event_ids) });
}

export function getMeta(db: Database, key: string): string | null {
  const v = db.exec('SELECT value FROM meta WHERE key = ?', [key])[0]?.values[0]?.[0];
  return typeof v === 'string' ? v : null;
}

export function setMeta(db: Database, key: string, value: string): void {
  db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
}

/** The sealed segments listed in this (newest) segment. Damaged entries are dropped. */
export function readManifest(db: Database): ManifestEntry[] {
  const v = parseJson(getMeta(db, 'segments'));
  if (!Array.isArray(v)) return [];
  return v.filter(
    (x): x is ManifestEntry =>
      typeof x === 'object' && x !== null && [x.seq, x.count, x.min_ts, x.max_ts].every((n) => typeof n === 'number' && Number.isFinite(n)),
  );
}

export function writeManifest(db: Database, entries: ManifestEntry[]): void {
  setMeta(db, 'segments', JSON.stringify([...entries].sort((a, b) => a.seq - b.seq)));
}

/** Count and timestamp range of a segment's own events and alerts. */
export function segmentStats(db: Database, seq: number): ManifestEntry {
  const row = (sql: string): SqlValue[] => db.exec(sql)[0]?.values[0] ?? [];
  const [count, eMin, eMax] = row('SELECT count(*), min(ts), max(ts) FROM events');
  const [aMin, aMax] = row('SELECT min(ts), max(ts) FROM alerts');
  const mins = [eMin, aMin].filter((x): x is number => typeof x === 'number');
  const maxs = [eMax, aMax].filter((x): x is number => typeof x === 'number');
  return {
    seq,
    count: Number(count) || 0,
    min_ts: mins.length ? Math.min(...mins) : 0,
    max_ts: maxs.length ? Math.max(...maxs) : 0,
  };
}
