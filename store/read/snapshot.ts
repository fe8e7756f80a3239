// A consistent view of the store while guards write it: the saved segment files (opened in
// memory, read-only, lazily) plus the journal lines past the folded offsets. The journal tail
// (the "overlay") overrides folded rows; an intent (a call forwarded with no outcome yet)
// shows only while there is no final event for it.
//
// Segments are loaded lazily, newest first: the newest segment lists every sealed segment's
// time range and rollup (its manifest), so a first page normally opens one file even with 1M
// events stored, and an aggregate opens only the segments straddling its range.
import { closeSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { parseAuditEvent } from '../../core/protocol/event.ts';
import { JOURNAL_DIR, parseJournalName, readJournalLines } from '../journal.ts';
import { readManifest, segmentStats } from '../schema.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import type { FileStamp } from '../segments.ts';
import type { SegmentRollup } from './rollup.ts';
import { loadSegment } from './segment-reader.ts';
import type { LoadedSegment } from './segment-reader.ts';

/** A segment as the reader knows it before loading it. */
export interface SegmentInfo {
  seq: number;
  /** Unknown (NaN) for a file the manifest does not list. */
  count: number;
  /** Range of event and alert timestamps (±Infinity when unknown). */
  min_ts: number;
  max_ts: number;
  /** Sealed segments only, when the folder wrote one. */
  rollup?: SegmentRollup;
  newest: boolean;
}

const MAX_CACHED = 4;

export class Snapshot {
  newest: LoadedSegment | null = null;
  segments: SegmentInfo[] = [];
  /** Events not (or not finally) folded: pending intents and the journal tail, by id. */
  overlay = new Map<string, AuditEvent>();
  overlayAlerts = new Map<string, Alert>();
  private cache = new Map<number, Database>();
  private closed = false;
  /** What the last take() read: the newest segment (number and file stamp) and each journal's size. */
  private seen: { seq: number | undefined; stamp: FileStamp | null; journals: Map<string, number> } = {
    seq: undefined,
    stamp: null,
    journals: new Map(),
  };

  constructor(
    readonly SQL: SqlJsStatic,
    readonly dataDir: string,
    readonly warn: (msg: string) => void,
  ) {
    this.take();
  }

  /**
   * Loads the newest segment and the journal tail past its offsets. If a folder saved in
   * between (the newest file changed), the journals may already be trimmed: take it again.
   */
  take(): void {
    this.assertOpen();
    for (const db of this.cache.values()) db.close();
    this.cache.clear();
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
          offsets = journalOffsets(this.newest.db);
        } catch (err) {
          if (attempt < 3) continue;
          this.warn(`cannot read ${segmentName(newestSeq)} (${(err as Error).message}); showing the journals only`);
        }
      }
      const journals = this.readTail(offsets);
      const again = listSegments(dbDir).at(-1);
      const unchanged =
        again === newestSeq &&
        (newestSeq === undefined || this.newest === null || sameStamp(this.newest.stamp, stampOf(join(dbDir, segmentName(newestSeq)))));
      if (unchanged || attempt >= 3) {
        this.segments = this.describeSegments(seqs);
        const stamp = newestSeq === undefined ? null : (this.newest?.stamp ?? stampOf(join(dbDir, segmentName(newestSeq))));
        this.seen = { seq: newestSeq, stamp, journals };
        return;
      }
    }
  }

  /**
   * Pending intents of the newest segment, then every complete journal line past the offsets.
   * Returns the size of each journal as read.
   */
  private readTail(offsets: Map<string, number>): Map<string, number> {
    const sizes = new Map<string, number>();
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
    for (const name of journalNames(this.dataDir)) {
      let fd: number;
      try {
        fd = openSync(join(this.dataDir, JOURNAL_DIR, name), 'r');
      } catch {
        continue; // deleted meanwhile: it was fully folded
      }
      try {
        const size = fstatSync(fd).size;
        sizes.set(name, size);
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
    return sizes;
  }

  /**
   * True when the files changed since the last take() — a new or rewritten newest segment, a
   * journal that is new or grew — so take() would show something new. A few stat calls.
   */
  outdated(): boolean {
    this.assertOpen();
    const dbDir = join(this.dataDir, DB_DIR);
    const seq = listSegments(dbDir).at(-1);
    if (seq !== this.seen.seq) return true;
    if (seq !== undefined && !sameStamp(this.seen.stamp, stampOf(join(dbDir, segmentName(seq))))) return true;
    for (const name of journalNames(this.dataDir)) {
      const size = stampOf(join(this.dataDir, JOURNAL_DIR, name))?.size;
      if (size !== undefined && size !== this.seen.journals.get(name)) return true;
    }
    return false;
  }

  /** Sealed segments from the manifest (files that exist) plus unlisted files and the newest. */
  private describeSegments(seqs: number[]): SegmentInfo[] {
    const newest = this.newest;
    const manifest = new Map((newest ? readManifest(newest.db) : []).map((m) => [m.seq, m]));
    const out: SegmentInfo[] = [];
    for (const seq of seqs) {
      if (newest && seq === newest.seq) out.push({ ...segmentStats(newest.db, seq), newest: true });
      else {
        const m = manifest.get(seq);
        out.push(m ? { ...m, newest: false } : { seq, count: NaN, min_ts: -Infinity, max_ts: Infinity, newest: false });
      }
    }
    return out;
  }

  /** The database of segment `seq`, loading it on first use; null if it cannot be read. */
  db(seq: number): Database | null {
    this.assertOpen();
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

  /**
   * Ids of the overlay (events or alerts) that are also rows of `table` in `db`: normally none
   * (the tail lies past the folded offsets), but a reader must not count a row twice. Only items
   * with a timestamp in [minTs, maxTs] are looked up: pass the range of the rows the caller
   * counts (a record's ts is part of it, the same in a journal line and in a segment row), so
   * that a journal tail newer than the segment costs no query.
   */
  shadowed(db: Database, table: 'events' | 'alerts', minTs = -Infinity, maxTs = Infinity): string[] {
    const ids: string[] = [];
    for (const x of (table === 'events' ? this.overlay : this.overlayAlerts).values()) if (x.ts >= minTs && x.ts <= maxTs) ids.push(x.id);
    const out: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = db.exec(`SELECT id FROM ${table} WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)[0]?.values ?? [];
      for (const [id] of rows) out.push(String(id));
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const db of this.cache.values()) db.close();
    this.cache.clear();
    this.newest?.db.close();
    this.newest = null;
  }

  assertOpen(): void {
    if (this.closed) throw new Error('audit reader is closed');
  }
}

/** The journal files of the data dir, sorted by name. */
function journalNames(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, JOURNAL_DIR))
      .filter((n) => parseJournalName(n) !== null)
      .sort();
  } catch {
    return []; // no journals yet
  }
}

export function journalOffsets(db: Database): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const [name, offset] of db.exec('SELECT name, offset FROM journals')[0]?.values ?? []) {
    if (typeof name === 'string' && typeof offset === 'number') offsets.set(name, offset);
  }
  return offsets;
}

/** `AND id NOT IN (...)` for shadowed ids, with its parameters. */
export function excludeIds(ids: string[]): { sql: string; params: SqlValue[] } {
  return ids.length === 0 ? { sql: '', params: [] } : { sql: ` AND id NOT IN (${ids.map(() => '?').join(',')})`, params: ids };
}
