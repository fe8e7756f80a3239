// Reads the audit store while guards write it: the saved segment files (opened in memory,
// read-only) plus the journal lines past the folded offsets, merged by id. The journal tail
// overrides folded rows; an intent (a call forwarded with no outcome yet) shows only while
// there is no final event for it. A reader is a snapshot taken when it opens.
//
// Segments are loaded lazily, newest first: the newest segment lists every sealed segment's
// time range (its manifest), so latest(200) normally opens one file even with 1M events stored.
import { closeSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { JOURNAL_DIR, parseJournalName, readJournalLines } from '../journal.ts';
import { ALERT_COLUMNS, EVENT_COLUMNS, readManifest, rowToAlert, rowToEvent, segmentStats } from '../schema.ts';
import { loadSegment } from './segment-reader.ts';
import type { LoadedSegment } from './segment-reader.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import { loadSqlJs } from '../sqljs.ts';
import { parseAuditEvent } from '../../core/protocol/event.ts';

export interface AuditFilter {
  platform?: string;
  /** risk_level >= minRisk */
  minRisk?: number;
  outcome?: string;
  sessionId?: string;
  tool?: string;
  /** ts >= since (UTC ms, inclusive) */
  since?: number;
  /** ts <= until (UTC ms, inclusive) */
  until?: number;
}

export interface AuditReader {
  /** Newest first, at most `limit`. */
  latest(limit: number, filter?: AuditFilter): AuditEvent[];
  /** Every matching event, newest first, a page at a time (for export). */
  iterate(filter?: AuditFilter): Iterable<AuditEvent>;
  /** Newest first, at most `limit`. */
  alerts(limit: number): Alert[];
  /** Events in the store, including calls still in flight. */
  count(): number;
  close(): void;
}

export interface ReaderOptions {
  onWarning?: (msg: string) => void;
}

export async function openAuditReader(dataDir: string, opts: ReaderOptions = {}): Promise<AuditReader> {
  const SQL = await loadSqlJs();
  return new SnapshotReader(SQL, dataDir, opts.onWarning ?? ((m) => process.stderr.write(`warden audit: ${m}\n`)));
}

/** A segment as the reader knows it before loading it. */
interface SegmentInfo {
  seq: number;
  /** Unknown (NaN) for a file the manifest does not list. */
  count: number;
  min_ts: number;
  max_ts: number;
}

/** Position in newest-first order: everything strictly older than (ts, id). */
interface Cursor {
  ts: number;
  id: string;
}

const PAGE = 500;
const MAX_LIMIT = 2 ** 31 - 1;
const MAX_CACHED = 4;

function newestFirst(a: { ts: number; id: string }, b: { ts: number; id: string }): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(0, Math.floor(limit))) : limit > 0 ? MAX_LIMIT : 0;
}

function isBefore(e: { ts: number; id: string }, c: Cursor | null): boolean {
  return c === null || e.ts < c.ts || (e.ts === c.ts && e.id < c.id);
}

function matches(e: AuditEvent, f: AuditFilter): boolean {
  return (
    (f.platform === undefined || e.platform === f.platform) &&
    (f.minRisk === undefined || e.risk_level >= f.minRisk) &&
    (f.outcome === undefined || e.outcome === f.outcome) &&
    (f.sessionId === undefined || e.session_id === f.sessionId) &&
    (f.tool === undefined || e.tool === f.tool) &&
    (f.since === undefined || e.ts >= f.since) &&
    (f.until === undefined || e.ts <= f.until)
  );
}

function whereClause(f: AuditFilter, c: Cursor | null): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, ...p: SqlValue[]): void => {
    parts.push(sql);
    params.push(...p);
  };
  if (f.platform !== undefined) add('platform = ?', f.platform);
  if (f.minRisk !== undefined) add('risk_level >= ?', f.minRisk);
  if (f.outcome !== undefined) add('outcome = ?', f.outcome);
  if (f.sessionId !== undefined) add('session_id = ?', f.sessionId);
  if (f.tool !== undefined) add('tool = ?', f.tool);
  if (f.since !== undefined) add('ts >= ?', f.since);
  if (f.until !== undefined) add('ts <= ?', f.until);
  // Written so that the (ts, id) index bounds the scan.
  if (c !== null) add('ts <= ? AND (ts < ? OR id < ?)', c.ts, c.ts, c.id);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

class SnapshotReader implements AuditReader {
  private newest: LoadedSegment | null = null;
  private segments: SegmentInfo[] = [];
  private cache = new Map<number, Database>();
  /** Events not (or not finally) folded: pending intents and the journal tail, by id. */
  private overlay = new Map<string, AuditEvent>();
  private overlayAlerts = new Map<string, Alert>();
  private closed = false;

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly dataDir: string,
    private readonly warn: (msg: string) => void,
  ) {
    this.snapshot();
  }

  latest(limit: number, filter: AuditFilter = {}): AuditEvent[] {
    return this.page(clampLimit(limit), filter, null);
  }

  *iterate(filter: AuditFilter = {}): Iterable<AuditEvent> {
    let cursor: Cursor | null = null;
    for (;;) {
      const page = this.page(PAGE, filter, cursor);
      yield* page;
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) return;
      cursor = { ts: last.ts, id: last.id };
    }
  }

  alerts(limit: number): Alert[] {
    this.assertOpen();
    const n = clampLimit(limit);
    if (n === 0) return [];
    const out = new Map<string, Alert>();
    const sorted = [...this.segments].sort((a, b) => b.max_ts - a.max_ts);
    let found: Alert[] = [];
    for (const seg of sorted) {
      if (found.length >= n && seg.max_ts < (found[n - 1] as Alert).ts) break;
      const db = this.db(seg.seq);
      if (db === null) continue;
      const rows = db.exec(`SELECT ${ALERT_COLUMNS} FROM alerts ORDER BY ts DESC, id DESC LIMIT ?`, [n])[0]?.values ?? [];
      for (const row of rows) {
        const a = rowToAlert(row);
        if (a !== null && !this.overlayAlerts.has(a.id)) out.set(a.id, a);
      }
      found = [...out.values()].sort(newestFirst).slice(0, n);
    }
    for (const a of this.overlayAlerts.values()) out.set(a.id, a);
    return [...out.values()].sort(newestFirst).slice(0, n);
  }

  count(): number {
    this.assertOpen();
    let n = this.overlay.size;
    for (const seg of this.segments) {
      if (!Number.isNaN(seg.count)) n += seg.count;
      else {
        const db = this.db(seg.seq);
        n += db === null ? 0 : Number(db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0] ?? 0);
      }
    }
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const db of this.cache.values()) db.close();
    this.cache.clear();
    this.newest?.db.close();
    this.newest = null;
  }

  // ---- snapshot ------------------------------------------------------------------------

  /**
   * Loads the newest segment and the journal tail past its offsets. If a folder saved in
   * between (the newest file changed), the journals may already be trimmed: take it again.
   */
  private snapshot(): void {
    const dbDir = join(this.dataDir, DB_DIR);
    for (let attempt = 0; ; attempt++) {
      this.newest?.db.close();
      this.newest = null;
      const seqs = listSegments(dbDir);
      const newestSeq = seqs.at(-1);
      let offsets = new Map<string, number>();
      if (newestSeq !== undefined) {
        try {
          this.newest = loadSegment(this.SQL, this.dataDir, newestSeq);
          offsets = this.journalOffsets(this.newest.db);
        } catch (err) {
          if (attempt < 3) continue;
          this.warn(`cannot read ${segmentName(newestSeq)} (${(err as Error).message}); showing the journals only`);
        }
      }
      this.readTail(offsets);
      const again = listSegments(dbDir).at(-1);
      const unchanged =
        again === newestSeq &&
        (newestSeq === undefined || this.newest === null || sameStamp(this.newest.stamp, stampOf(join(dbDir, segmentName(newestSeq)))));
      if (unchanged || attempt >= 3) {
        this.segments = this.describeSegments(seqs);
        return;
      }
    }
  }

  private journalOffsets(db: Database): Map<string, number> {
    const offsets = new Map<string, number>();
    for (const [name, offset] of db.exec('SELECT name, offset FROM journals')[0]?.values ?? []) {
      if (typeof name === 'string' && typeof offset === 'number') offsets.set(name, offset);
    }
    return offsets;
  }

  /** Pending intents of the newest segment, then every complete journal line past the offsets. */
  private readTail(offsets: Map<string, number>): void {
    this.overlay = new Map();
    this.overlayAlerts = new Map();
    const final = new Set<string>();
    for (const [json] of this.newest?.db.exec('SELECT event FROM pending')[0]?.values ?? []) {
      try {
        const e = parseAuditEvent(JSON.parse(String(json)));
        if (e) this.overlay.set(e.id, e);
      } catch {
        // damaged row: skipped
      }
    }
    let names: string[] = [];
    try {
      names = readdirSync(join(this.dataDir, JOURNAL_DIR))
        .filter((n) => parseJournalName(n) !== null)
        .sort();
    } catch {
      // no journals yet
    }
    for (const name of names) {
      let fd: number;
      try {
        fd = openSync(join(this.dataDir, JOURNAL_DIR, name), 'r');
      } catch {
        continue; // deleted meanwhile: it was fully folded
      }
      try {
        const size = fstatSync(fd).size;
        for (const { record } of readJournalLines(fd, offsets.get(name) ?? 0, size)) {
          if (record === null) continue;
          if (record.k === 'event') {
            this.overlay.set(record.e.id, record.e);
            final.add(record.e.id);
          } else if (record.k === 'intent') {
            if (!final.has(record.e.id)) this.overlay.set(record.e.id, record.e);
          } else if (record.k === 'alert') {
            this.overlayAlerts.set(record.a.id, record.a);
          }
        }
      } finally {
        closeSync(fd);
      }
    }
  }

  /** Sealed segments from the manifest (files that exist) plus unlisted files and the newest. */
  private describeSegments(seqs: number[]): SegmentInfo[] {
    const newest = this.newest;
    const manifest = new Map((newest ? readManifest(newest.db) : []).map((m) => [m.seq, m]));
    const out: SegmentInfo[] = [];
    for (const seq of seqs) {
      if (newest && seq === newest.seq) out.push(segmentStats(newest.db, seq));
      else out.push(manifest.get(seq) ?? { seq, count: NaN, min_ts: -Infinity, max_ts: Infinity });
    }
    return out;
  }

  // ---- queries -------------------------------------------------------------------------

  /** Up to `limit` events older than `cursor`, newest first, merged across segments and the overlay. */
  private page(limit: number, filter: AuditFilter, cursor: Cursor | null): AuditEvent[] {
    this.assertOpen();
    if (limit === 0) return [];
    const found = new Map<string, AuditEvent>();
    let best: AuditEvent[] = [];
    const { sql, params } = whereClause(filter, cursor);
    const candidates = this.segments
      .filter(
        (s) =>
          (filter.since === undefined || s.max_ts >= filter.since) &&
          (filter.until === undefined || s.min_ts <= filter.until) &&
          (cursor === null || s.min_ts <= cursor.ts),
      )
      .sort((a, b) => b.max_ts - a.max_ts);
    for (const seg of candidates) {
      // Segments come by newest timestamp: once `limit` newer events are found, stop.
      if (best.length >= limit && seg.max_ts < (best[limit - 1] as AuditEvent).ts) break;
      const db = this.db(seg.seq);
      if (db === null) continue;
      const rows =
        db.exec(`SELECT ${EVENT_COLUMNS} FROM events ${sql} ORDER BY ts DESC, id DESC LIMIT ?`, [...params, limit + this.overlay.size])[0]
          ?.values ?? [];
      for (const row of rows) {
        const e = rowToEvent(row);
        if (e !== null && !this.overlay.has(e.id)) found.set(e.id, e);
      }
      best = [...found.values()].sort(newestFirst).slice(0, limit);
    }
    for (const e of this.overlay.values()) if (matches(e, filter) && isBefore(e, cursor)) found.set(e.id, e);
    return [...found.values()].sort(newestFirst).slice(0, limit);
  }

  /** The database of segment `seq`, loading it on first use; null if it cannot be read. */
  private db(seq: number): Database | null {
    if (this.newest?.seq === seq) return this.newest.db;
    const cached = this.cache.get(seq);
    if (cached) {
      this.cache.delete(seq);
      this.cache.set(seq, cached); // most recently used last
      return cached;
    }
    try {
      const { db } = loadSegment(this.SQL, this.dataDir, seq);
      this.cache.set(seq, db);
      if (this.cache.size > MAX_CACHED) {
        const [oldSeq, oldDb] = this.cache.entries().next().value as [number, Database];
        oldDb.close();
        this.cache.delete(oldSeq);
      }
      return db;
    } catch (err) {
      // Retention may have deleted it since the snapshot, or it is damaged.
      this.warn(`skipped ${segmentName(seq)}: ${(err as Error).message}`);
      this.segments = this.segments.filter((s) => s.seq !== seq);
      return null;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('audit reader is closed');
  }
}
