// Newest-first pages with an opaque cursor, the filters a UI needs, and the sessions list.
//
// Order: (ts, id) descending; ids are unique, so the order is total and events with equal
// timestamps page without gaps or duplicates. A cursor is the (ts, id) of the last item of a
// page: the next page holds what is strictly older, so events that arrive meanwhile never
// shift a page (they are newer than every cursor).
import type { Database, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { ALERT_COLUMNS, EVENT_COLUMNS, rowToAlert, rowToEvent } from '../schema.ts';
import type { SessionRow } from './rollup.ts';
import { excludeIds } from './snapshot.ts';
import type { SegmentInfo, Snapshot } from './snapshot.ts';

/** One value or a set of values. */
export type OneOrMany<T> = T | readonly T[];

export interface EventFilter {
  /** risk_level >= minRisk. */
  minRisk?: number;
  /** risk_level in this set. */
  risk?: readonly number[];
  platform?: OneOrMany<string>;
  tool?: OneOrMany<string>;
  outcome?: OneOrMany<string>;
  sessionId?: string;
  /**
   * Substring, case-insensitive (ASCII letters, as SQLite's lower()), of the endpoint, operation,
   * method, tool, target, error or one of the rule ids.
   */
  text?: string;
  /** ts >= since (UTC ms, inclusive). */
  since?: number;
  /** ts <= until (UTC ms, inclusive). */
  until?: number;
}

export interface AlertFilter {
  severity?: OneOrMany<string>;
  sessionId?: string;
  rule?: OneOrMany<string>;
  since?: number;
  until?: number;
}

export interface PageQuery {
  /** Page size (default 200, at most 10,000). */
  limit?: number;
  /** nextCursor of the previous page; absent for the first (newest) page. */
  cursor?: string | null;
}

export interface EventPage {
  events: AuditEvent[];
  /** Cursor of the next (older) page; null when this page is the last. */
  nextCursor: string | null;
}

export interface AlertPage {
  alerts: Alert[];
  nextCursor: string | null;
}

export interface SessionSummary {
  sessionId: string;
  /** Client of the session's latest event. */
  client: string;
  firstTs: number;
  lastTs: number;
  events: number;
  maxRisk: number;
}

export interface SessionQuery {
  /** Sessions with events in [since, until]; counts cover that window only. */
  since?: number;
  until?: number;
  /** Most recent first; default all. */
  limit?: number;
}

/** Position in newest-first order: the page holds what is strictly older than (ts, id). */
export interface Position {
  ts: number;
  id: string;
}

const DEFAULT_LIMIT = 200;
const MAX_PAGE = 10_000;

// ---- cursor ---------------------------------------------------------------------------------

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify(['c1', p.ts, p.id]), 'utf8').toString('base64url');
}

/** Throws RangeError on a cursor this build did not make. */
export function decodeCursor(cursor: string): Position {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v[0] !== 'c1' || typeof v[1] !== 'number' || !Number.isFinite(v[1]) || typeof v[2] !== 'string') {
    throw new RangeError('invalid page cursor');
  }
  return { ts: v[1], id: v[2] };
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isFinite(limit)) return limit > 0 ? MAX_PAGE : 0;
  return Math.min(MAX_PAGE, Math.max(0, Math.floor(limit)));
}

export function newestFirst(a: Position, b: Position): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function isBefore(e: Position, c: Position | null): boolean {
  return c === null || e.ts < c.ts || (e.ts === c.ts && e.id < c.id);
}

// ---- filters --------------------------------------------------------------------------------

const asList = <T>(v: OneOrMany<T> | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** Lower-cases ASCII letters only, exactly like SQLite's lower(). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function eventMatches(e: AuditEvent, f: EventFilter): boolean {
  const inList = <T>(v: T, list: readonly T[] | undefined): boolean => list === undefined || list.includes(v);
  if (f.minRisk !== undefined && !(e.risk_level >= f.minRisk)) return false;
  if (!inList(e.risk_level as number, f.risk)) return false;
  if (!inList(e.platform as string, asList(f.platform))) return false;
  if (!inList(e.tool, asList(f.tool))) return false;
  if (!inList(e.outcome as string, asList(f.outcome))) return false;
  if (f.sessionId !== undefined && e.session_id !== f.sessionId) return false;
  if (f.since !== undefined && !(e.ts >= f.since)) return false;
  if (f.until !== undefined && !(e.ts <= f.until)) return false;
  if (f.text) {
    const t = asciiLower(f.text);
    const fields = [e.endpoint, e.operation, e.method, e.tool, e.target, e.error, ...e.rules];
    if (!fields.some((x) => x !== null && asciiLower(x).includes(t))) return false;
  }
  return true;
}

function alertMatches(a: Alert, f: AlertFilter): boolean {
  const inList = (v: string, list: readonly string[] | undefined): boolean => list === undefined || list.includes(v);
  return (
    inList(a.severity, asList(f.severity)) &&
    inList(a.rule, asList(f.rule)) &&
    (f.sessionId === undefined || a.session_id === f.sessionId) &&
    (f.since === undefined || a.ts >= f.since) &&
    (f.until === undefined || a.ts <= f.until)
  );
}

class Where {
  parts: string[] = [];
  params: SqlValue[] = [];
  add(sql: string, ...p: SqlValue[]): void {
    this.parts.push(sql);
    this.params.push(...p);
  }
  inList(column: string, list: readonly SqlValue[] | undefined): void {
    if (list === undefined) return;
    if (list.length === 0) this.add('0');
    else this.add(`${column} IN (${list.map(() => '?').join(',')})`, ...list);
  }
  cursor(c: Position | null): void {
    // Written so that the (ts, id) index bounds the scan.
    if (c !== null) this.add('ts <= ? AND (ts < ? OR id < ?)', c.ts, c.ts, c.id);
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

const TEXT_COLUMNS = ['endpoint', 'operation', 'method', 'tool', 'target', 'error'];

export function eventWhere(f: EventFilter, c: Position | null): Where {
  const w = new Where();
  if (f.minRisk !== undefined) w.add('risk_level >= ?', f.minRisk);
  w.inList('risk_level', f.risk);
  w.inList('platform', asList(f.platform));
  w.inList('tool', asList(f.tool));
  w.inList('outcome', asList(f.outcome));
  if (f.sessionId !== undefined) w.add('session_id = ?', f.sessionId);
  if (f.since !== undefined) w.add('ts >= ?', f.since);
  if (f.until !== undefined) w.add('ts <= ?', f.until);
  if (f.text) {
    const t = asciiLower(f.text);
    const cols = TEXT_COLUMNS.map((col) => `instr(lower(${col}), ?) > 0`);
    cols.push('(CASE WHEN json_valid(rules) THEN EXISTS (SELECT 1 FROM json_each(rules) WHERE instr(lower(value), ?) > 0) ELSE 0 END)');
    w.add(`(${cols.join(' OR ')})`, ...cols.map(() => t));
  }
  w.cursor(c);
  return w;
}

function alertWhere(f: AlertFilter, c: Position | null): Where {
  const w = new Where();
  w.inList('severity', asList(f.severity));
  w.inList('rule', asList(f.rule));
  if (f.sessionId !== undefined) w.add('session_id = ?', f.sessionId);
  if (f.since !== undefined) w.add('ts >= ?', f.since);
  if (f.until !== undefined) w.add('ts <= ?', f.until);
  w.cursor(c);
  return w;
}

/** False when a sealed segment's rollup proves that no event of it matches `f`. */
function mayMatch(seg: SegmentInfo, f: EventFilter): boolean {
  const r = seg.rollup;
  if (r === undefined) return true;
  const risks = [0, 1, 2, 3].filter((l) => (f.minRisk === undefined || l >= f.minRisk) && (f.risk === undefined || f.risk.includes(l)));
  if (risks.every((l) => r.risk[l] === 0)) return false;
  const platforms = asList(f.platform);
  if (platforms && platforms.every((p) => !r.platform[p])) return false;
  const outcomes = asList(f.outcome);
  if (outcomes && outcomes.every((o) => !r.outcome[o])) return false;
  if (f.sessionId !== undefined && r.sessions && !r.sessions.some((s) => s[0] === f.sessionId)) return false;
  return true;
}

// ---- pages ----------------------------------------------------------------------------------

interface Keyed {
  ts: number;
  id: string;
}

/**
 * Merges segments (newest timestamps first, stopping once `limit + 1` newer items are found)
 * with the overlay. One more item than the page is read to know whether a next page exists.
 */
function mergePage<T extends Keyed>(
  snap: Snapshot,
  query: PageQuery,
  candidates: SegmentInfo[],
  fromSegment: (db: Database, limit: number, cursor: Position | null) => T[],
  overlay: Map<string, T>,
  overlayMatches: (x: T) => boolean,
): { items: T[]; nextCursor: string | null } {
  snap.assertOpen();
  const limit = pageLimit(query.limit);
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (limit === 0) return { items: [], nextCursor: null };
  const want = limit + 1;
  const found = new Map<string, T>();
  let best: T[] = [];
  const segs = candidates.filter((s) => cursor === null || s.min_ts <= cursor.ts).sort((a, b) => b.max_ts - a.max_ts);
  for (const seg of segs) {
    if (best.length >= want && seg.max_ts < (best[want - 1] as T).ts) break;
    const db = snap.db(seg.seq);
    if (db === null) continue;
    // Rows the overlay shadows are dropped: read that many more. Only overlay items within the
    // segment's time range can be its rows (a record's ts is the same in a journal and a segment).
    let shadowable = 0;
    for (const x of overlay.values()) if (x.ts >= seg.min_ts && x.ts <= seg.max_ts) shadowable++;
    for (const x of fromSegment(db, want + shadowable, cursor)) if (!overlay.has(x.id)) found.set(x.id, x);
    best = [...found.values()].sort(newestFirst).slice(0, want);
  }
  for (const x of overlay.values()) if (overlayMatches(x) && isBefore(x, cursor)) found.set(x.id, x);
  const all = [...found.values()].sort(newestFirst).slice(0, want);
  const items = all.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: all.length > limit && last ? encodeCursor(last) : null };
}

export function eventPage(snap: Snapshot, filter: EventFilter = {}, query: PageQuery = {}): EventPage {
  const candidates = snap.segments.filter(
    (s) =>
      (filter.since === undefined || s.max_ts >= filter.since) &&
      (filter.until === undefined || s.min_ts <= filter.until) &&
      mayMatch(s, filter),
  );
  const { items, nextCursor } = mergePage(
    snap,
    query,
    candidates,
    (db, limit, cursor) => {
      const w = eventWhere(filter, cursor);
      const rows =
        db.exec(`SELECT ${EVENT_COLUMNS} FROM events ${w.sql} ORDER BY ts DESC, id DESC LIMIT ?`, [...w.params, limit])[0]?.values ?? [];
      return rows.map(rowToEvent).filter((e): e is AuditEvent => e !== null);
    },
    snap.overlay,
    (e) => eventMatches(e, filter),
  );
  return { events: items, nextCursor };
}

export function alertPage(snap: Snapshot, filter: AlertFilter = {}, query: PageQuery = {}): AlertPage {
  const candidates = snap.segments.filter(
    (s) =>
      (filter.since === undefined || s.max_ts >= filter.since) &&
      (filter.until === undefined || s.min_ts <= filter.until) &&
      (s.rollup === undefined || Object.values(s.rollup.alerts).some((n) => n > 0)),
  );
  const { items, nextCursor } = mergePage(
    snap,
    query,
    candidates,
    (db, limit, cursor) => {
      const w = alertWhere(filter, cursor);
      const rows =
        db.exec(`SELECT ${ALERT_COLUMNS} FROM alerts ${w.sql} ORDER BY ts DESC, id DESC LIMIT ?`, [...w.params, limit])[0]?.values ?? [];
      return rows.map(rowToAlert).filter((a): a is Alert => a !== null);
    },
    snap.overlayAlerts,
    (a) => alertMatches(a, filter),
  );
  return { alerts: items, nextCursor };
}

// ---- sessions -------------------------------------------------------------------------------

/** Merges per-(session, client) rows; the client shown is the one of the latest event. */
class SessionMerger {
  private by = new Map<string, SessionSummary & { clientTs: number }>();
  add([sessionId, client, first, last, n, maxRisk]: SessionRow): void {
    const s = this.by.get(sessionId);
    if (!s) {
      this.by.set(sessionId, { sessionId, client, firstTs: first, lastTs: last, events: n, maxRisk, clientTs: last });
      return;
    }
    s.firstTs = Math.min(s.firstTs, first);
    s.lastTs = Math.max(s.lastTs, last);
    s.events += n;
    s.maxRisk = Math.max(s.maxRisk, maxRisk);
    if (last > s.clientTs || (last === s.clientTs && client > s.client)) {
      s.client = client;
      s.clientTs = last;
    }
  }
  result(limit: number | undefined): SessionSummary[] {
    const out = [...this.by.values()]
      .map(({ clientTs: _, ...s }) => s)
      .sort((a, b) => b.lastTs - a.lastTs || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
    return limit === undefined ? out : out.slice(0, Math.max(0, limit));
  }
}

/**
 * Sessions with events in the window, most recent first. Sealed segments wholly inside the
 * window are read from their rollups; the others (and the newest) with one GROUP BY each.
 */
export function sessionList(snap: Snapshot, q: SessionQuery = {}): SessionSummary[] {
  snap.assertOpen();
  const since = q.since ?? -Infinity;
  const until = q.until ?? Infinity;
  const m = new SessionMerger();
  for (const seg of snap.segments) {
    if (seg.max_ts < since || seg.min_ts > until) continue;
    if (!seg.newest && seg.rollup?.sessions && seg.min_ts >= since && seg.max_ts <= until) {
      for (const row of seg.rollup.sessions) m.add(row);
      continue;
    }
    const db = snap.db(seg.seq);
    if (db === null) continue;
    const ex = excludeIds(snap.shadowed(db, 'events', Math.max(since, seg.min_ts), Math.min(until, seg.max_ts)));
    const w = eventWhere({ since: q.since, until: q.until }, null);
    const where = (w.sql || 'WHERE 1') + ex.sql;
    const rows =
      db.exec(`SELECT session_id, client, min(ts), max(ts), count(*), max(risk_level) FROM events ${where} GROUP BY session_id, client`, [
        ...w.params,
        ...ex.params,
      ])[0]?.values ?? [];
    for (const [s, c, a, b, n, r] of rows) m.add([String(s), String(c), Number(a), Number(b), Number(n), Number(r)]);
  }
  for (const e of snap.overlay.values()) {
    if (e.ts >= since && e.ts <= until) m.add([e.session_id, e.client, e.ts, e.ts, 1, e.risk_level]);
  }
  return m.result(q.limit);
}
