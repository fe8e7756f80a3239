// The SQLite schema of a segment file and the conversions between rows and audit records.
// Every segment has the same tables; only the newest segment's `pending` and `journals`
// tables are authoritative (older segments keep the copy they had when they were sealed,
// which is what corruption recovery falls back to).
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../core/types.ts';
import { parseAlert, parseAuditEvent } from '../core/protocol/event.ts';
import { asRollup } from './read/rollup.ts';
import type { SegmentRollup } from './read/rollup.ts';

/**
 * Version of the segment files this build writes (meta.schema_version).
 * 1: issue 2. 2: events gain v, action and categories.
 * An older file is upgraded in memory when opened (added columns read as NULL) and saved in the
 * new format by the folder. A newer file is never rewritten or moved aside: readers read the
 * columns they know, and the folder stops (see NewerStoreError).
 */
export const STORE_SCHEMA_VERSION = 2;

/**
 * Indexes that only speed reads up: a segment without them reads the same, by scanning. Created
 * with every new segment, and added by the folder to an older one it loads (saved when it next
 * writes it); no schema version change, so older readers and writers are unaffected.
 * events_session covers the sessions list (GROUP BY session_id, client with min/max ts, count and
 * max risk: the Audit Log's top level, on the newest segment every time the view opens), which
 * then reads this index instead of every event row and needs no temporary sort.
 */
const READ_INDEXES = 'CREATE INDEX IF NOT EXISTS events_session ON events (session_id, client, ts, risk_level);';

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  client TEXT NOT NULL, tool TEXT NOT NULL, platform TEXT NOT NULL, target TEXT, method TEXT NOT NULL,
  endpoint TEXT NOT NULL, operation TEXT, status INTEGER, latency_ms REAL, risk_level INTEGER NOT NULL,
  rules TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, pii TEXT NOT NULL, usage TEXT,
  v INTEGER, action TEXT, categories TEXT
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts, id);
${READ_INDEXES}
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, event_ids TEXT NOT NULL, v INTEGER
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts, id);
-- Intents folded but not final yet: the call was forwarded and no outcome is known.
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, writer TEXT NOT NULL, event TEXT NOT NULL);
-- Journal bytes folded into the store (exactly-once: committed with the data in one rename).
CREATE TABLE IF NOT EXISTS journals (name TEXT PRIMARY KEY, offset INTEGER NOT NULL, ended TEXT);
`;

export const EVENT_COLUMNS =
  'id, ts, session_id, instance_id, client, tool, platform, target, method, endpoint, operation, status, latency_ms, risk_level, rules, outcome, error, pii, usage, v, action, categories';

/** Columns added after version 1, in the order of their versions. */
const UPGRADES: Record<number, string[]> = {
  2: [
    'ALTER TABLE events ADD COLUMN v INTEGER',
    'ALTER TABLE events ADD COLUMN action TEXT',
    'ALTER TABLE events ADD COLUMN categories TEXT',
    'ALTER TABLE alerts ADD COLUMN v INTEGER',
  ],
};
export const ALERT_COLUMNS = 'id, ts, session_id, instance_id, rule, severity, message, event_ids, v';

export const INSERT_EVENT_SQL = `INSERT OR REPLACE INTO events (${EVENT_COLUMNS}) VALUES (${EVENT_COLUMNS.split(',')
  .map(() => '?')
  .join(',')})`;
export const INSERT_ALERT_SQL = `INSERT OR REPLACE INTO alerts (${ALERT_COLUMNS}) VALUES (${ALERT_COLUMNS.split(',')
  .map(() => '?')
  .join(',')})`;

/** Sealed segments as the newest one knows them: lets readers skip files by time range. */
export interface ManifestEntry {
  seq: number;
  count: number;
  /** Range of event and alert timestamps in the segment (0/0 when empty). */
  min_ts: number;
  max_ts: number;
  /**
   * Dashboard counts of the sealed segment (store/read/rollup.ts), written by the folder when it
   * seals it. Absent on segments sealed before rollups existed: readers query those.
   */
  rollup?: SegmentRollup;
}

export class CorruptSegmentError extends Error {}

/** A segment written by a newer Warden whose tables this build cannot read. Never moved aside. */
export class IncompatibleSegmentError extends Error {}

/**
 * The working copy lives in sql.js's in-memory file system and reaches disk only through
 * export() + atomic rename, so SQLite's own rollback journal and syncs buy nothing here.
 */
export function tuneWorkingDb(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -2000');
}

/** Adds the read-only indexes (READ_INDEXES) a segment written by an older build lacks. */
export function ensureReadIndexes(db: Database): void {
  db.exec(READ_INDEXES);
}

export function createSegmentDb(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  db.exec(DDL);
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(STORE_SCHEMA_VERSION)]);
  return db;
}

/**
 * Opens segment bytes and checks them: a SQLite file, our tables, and (when `check`) an intact
 * b-tree. Throws CorruptSegmentError when damaged, IncompatibleSegmentError when written by a
 * newer Warden in a shape this build cannot read. An older segment is upgraded in memory only
 * (the file is untouched until the folder saves it). See segmentVersion() for newer files.
 */
export function openSegmentDb(SQL: SqlJsStatic, bytes: Uint8Array, check: boolean): Database {
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    if (check) {
      const r = db.exec('PRAGMA quick_check');
      const verdict = r[0]?.values[0]?.[0];
      if (verdict !== 'ok') throw new CorruptSegmentError(`quick_check: ${String(verdict)}`);
    }
    const version = segmentVersion(db);
    if (version === null) throw new CorruptSegmentError('no schema version');
    for (let v = version + 1; v <= STORE_SCHEMA_VERSION; v++) for (const sql of UPGRADES[v] ?? []) db.exec(sql);
    if (version < STORE_SCHEMA_VERSION) setMeta(db, 'schema_version', String(STORE_SCHEMA_VERSION));
    try {
      db.exec(`SELECT ${EVENT_COLUMNS} FROM events LIMIT 0; SELECT ${ALERT_COLUMNS} FROM alerts LIMIT 0;
        SELECT id, ts, writer, event FROM pending LIMIT 0; SELECT name, offset, ended FROM journals LIMIT 0`);
    } catch (err) {
      if (version > STORE_SCHEMA_VERSION) {
        throw new IncompatibleSegmentError(
          `written by a newer Warden (store schema ${version}) in a shape this version cannot read: ${(err as Error).message}`,
        );
      }
      throw new CorruptSegmentError((err as Error).message);
    }
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CorruptSegmentError || err instanceof IncompatibleSegmentError) throw err;
    throw new CorruptSegmentError((err as Error).message);
  }
}

/** The store schema version a segment was written with; null when it has none. */
export function segmentVersion(db: Database): number | null {
  const raw = db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0];
  const v = Number(raw);
  return typeof raw === 'string' && Number.isInteger(v) && v >= 1 ? v : null;
}

/** The event columns, in EVENT_COLUMNS order; the JSON-encoded ones; those added after version 1. */
const EVENT_COLUMN_NAMES = EVENT_COLUMNS.split(', ') as (keyof AuditEvent)[];
const JSON_COLUMNS: ReadonlySet<string> = new Set(['rules', 'pii', 'usage', 'categories']);
const ADDED_AFTER_V1: ReadonlySet<string> = new Set(['v', 'action', 'categories']);

export function eventParams(e: AuditEvent): SqlValue[] {
  return EVENT_COLUMN_NAMES.map((name) => {
    const value = e[name];
    if (JSON_COLUMNS.has(name)) return value === null ? null : JSON.stringify(value);
    return value as SqlValue;
  });
}

export function alertParams(a: Alert): SqlValue[] {
  return [a.id, a.ts, a.session_id, a.instance_id, a.rule, a.severity, a.message, JSON.stringify(a.event_ids), a.v];
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
  const fields: Record<string, unknown> = {};
  EVENT_COLUMN_NAMES.forEach((name, i) => {
    const value = row[i] ?? null;
    // Columns added after version 1 are NULL in rows of older segments: absent, as in the old event.
    if (value === null && ADDED_AFTER_V1.has(name)) return;
    fields[name] = JSON_COLUMNS.has(name) && value !== null ? parseJson(value) : value;
  });
  return parseAuditEvent(fields);
}

export function rowToAlert(row: SqlValue[]): Alert | null {
  const [id, ts, session_id, instance_id, rule, severity, message, event_ids, v] = row;
  return parseAlert({ id, ts, session_id, instance_id, rule, severity, message, event_ids: parseJson(event_ids), v: v ?? undefined });
}

export function getMeta(db: Database, key: string): string | null {
  const v = db.exec('SELECT value FROM meta WHERE key = ?', [key])[0]?.values[0]?.[0];
  return typeof v === 'string' ? v : null;
}

export function setMeta(db: Database, key: string, value: string): void {
  db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
}

/** The sealed segments listed in this (newest) segment. Damaged entries are dropped; a damaged rollup is dropped alone. */
export function readManifest(db: Database): ManifestEntry[] {
  const v = parseJson(getMeta(db, 'segments'));
  if (!Array.isArray(v)) return [];
  const out: ManifestEntry[] = [];
  for (const x of v as unknown[]) {
    if (typeof x !== 'object' || x === null) continue;
    const m = x as Record<string, unknown>;
    const nums = [m.seq, m.count, m.min_ts, m.max_ts];
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) continue;
    const entry: ManifestEntry = { seq: m.seq as number, count: m.count as number, min_ts: m.min_ts as number, max_ts: m.max_ts as number };
    const rollup = asRollup(m.rollup);
    if (rollup) entry.rollup = rollup;
    out.push(entry);
  }
  return out;
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
