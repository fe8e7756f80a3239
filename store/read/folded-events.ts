// Final events in fold order, after a position: what the uploader sends. Every final event is
// folded exactly once into the newest segment's `events` table, where SQLite gives each new
// row a rowid above every row saved before it, and sealed segments have lower seqs. So
// {seq, rowid} is a position in fold order: the events after it are the rows with a higher
// rowid in segment `seq`, then every row of each later segment. Intents live in `pending`,
// never in `events`, so only final events are read. Saved files only: a row still in the
// folder's memory gets its rowid above every saved one, so it is never behind a position.
// Two segments are kept open between calls (each reloaded when its file changes): draining a
// backlog reads each file once, and the position's segment and the newest one (which backlog()
// counts) do not evict each other. What the newest segment holds (its row count, last rowid and
// manifest) is remembered by file stamp, after close() too: while it is unchanged, an idle
// uploader's read() and backlog() load no file at all.
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { AuditEvent } from '../../core/types.ts';
import { EVENT_COLUMNS, readManifest, rowToEvent } from '../schema.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import type { FileStamp } from '../segments.ts';
import { loadSegment } from './segment-reader.ts';

/** The last row uploaded: segment seq and rowid. rowid 0 = nothing of that segment yet. */
export interface FoldedPosition {
  seq: number;
  rowid: number;
}

export interface FoldedEvent {
  seq: number;
  rowid: number;
  /** null when the row is damaged (it cannot be sent; the caller skips it). */
  event: AuditEvent | null;
}

export interface FoldedRead {
  /** At most `limit` rows, in fold order. */
  rows: FoldedEvent[];
  /**
   * Segments between the position and the oldest remaining one that are gone (retention dropped
   * them before they were read), with the events they held where the newest manifest still
   * lists them (usually it does not: retention drops the entry with the file).
   */
  skipped: { seqs: number[]; knownEvents: number } | null;
  /** The position was ahead of every segment (the store was cleared): reading restarted from the oldest. */
  restarted: boolean;
}

/** What the newest segment held when last loaded, valid while its file stamp is unchanged. */
interface NewestFacts {
  seq: number;
  stamp: FileStamp;
  rows: number;
  lastRowid: number;
  /** Event counts of the sealed segments, from its manifest. */
  counts: Map<number, number>;
}

/** Segment copies kept open: the position's and the newest. */
const OPEN_MAX = 2;

export class FoldedEventReader {
  /** Open copies by seq, least recently used first. */
  private readonly open = new Map<number, { stamp: FileStamp | null; db: Database }>();
  private newest: NewestFacts | null = null;
  private loads = 0;

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly dataDir: string,
  ) {}

  /** Up to `limit` final events after `pos` (null: from the start of the store). */
  read(pos: FoldedPosition | null, limit: number): FoldedRead {
    const seqs = listSegments(join(this.dataDir, DB_DIR));
    const out: FoldedRead = { rows: [], skipped: null, restarted: false };
    if (seqs.length === 0) return out;
    let at: FoldedPosition = pos ?? { seq: seqs[0]!, rowid: 0 };
    if (at.seq > seqs.at(-1)!) {
      out.restarted = true;
      at = { seq: seqs[0]!, rowid: 0 };
    } else if (!seqs.includes(at.seq)) {
      const next = seqs.find((s) => s > at.seq)!;
      const gone: number[] = [];
      for (let s = at.seq; s < next; s++) gone.push(s);
      out.skipped = { seqs: gone, knownEvents: this.manifestCount(seqs.at(-1)!, new Set(gone)) };
      at = { seq: next, rowid: 0 };
    }
    for (const seq of seqs) {
      if (seq < at.seq || out.rows.length >= limit) continue;
      const after = seq === at.seq ? at.rowid : 0;
      const known = this.knownNewest(seq);
      if (known !== null && after >= known.lastRowid) continue; // unchanged and read to its end
      const db = this.segment(seq);
      if (db === null) continue; // removed between the listing and the read
      const stmt = db.prepare(`SELECT rowid, ${EVENT_COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`);
      try {
        stmt.bind([after, limit - out.rows.length]);
        while (stmt.step()) {
          const row = stmt.get();
          out.rows.push({ seq, rowid: Number(row[0]), event: rowToEvent(row.slice(1)) });
        }
      } finally {
        stmt.free();
      }
    }
    return out;
  }

  /**
   * Events after `pos` without reading them: rows past the rowid in its segment (or all of
   * it, when it is gone) plus the newest manifest's counts of the later sealed segments plus
   * the newest segment's rows. Loads at most two segment files.
   */
  backlog(pos: FoldedPosition | null): number {
    const seqs = listSegments(join(this.dataDir, DB_DIR));
    if (seqs.length === 0) return 0;
    const newest = seqs.at(-1)!;
    const at = pos === null || pos.seq > newest ? { seq: seqs[0]!, rowid: 0 } : pos;
    const facts = this.newestFacts(newest);
    if (facts === null) return 0;
    let total = 0;
    for (const seq of seqs) {
      if (seq < at.seq) continue;
      if (seq === at.seq && at.rowid > 0) {
        if (seq === newest && at.rowid >= facts.lastRowid) continue;
        const db = this.segment(seq);
        total += db === null ? 0 : Number(db.exec('SELECT count(*) FROM events WHERE rowid > ?', [at.rowid])[0]?.values[0]?.[0] ?? 0);
      } else if (seq === newest) {
        total += facts.rows;
      } else {
        total += facts.counts.get(seq) ?? 0;
      }
    }
    return total;
  }

  /** Segment files loaded so far (each load reads and parses a whole file). */
  get segmentLoads(): number {
    return this.loads;
  }

  /** Closes the open copies (what the newest segment held is still remembered by stamp). */
  close(): void {
    for (const { db } of this.open.values()) db.close();
    this.open.clear();
  }

  private manifestCount(newest: number, seqs: ReadonlySet<number>): number {
    const facts = this.newestFacts(newest);
    if (facts === null) return 0;
    let n = 0;
    for (const seq of seqs) n += facts.counts.get(seq) ?? 0;
    return n;
  }

  /** The remembered facts of segment `seq` if it was the newest when loaded and is unchanged. */
  private knownNewest(seq: number): NewestFacts | null {
    const known = this.newest;
    if (known === null || known.seq !== seq) return null;
    return sameStamp(known.stamp, stampOf(join(this.dataDir, DB_DIR, segmentName(seq)))) ? known : null;
  }

  /** What the newest segment `seq` holds: remembered while unchanged, else read from its file. */
  private newestFacts(seq: number): NewestFacts | null {
    const known = this.knownNewest(seq);
    if (known !== null) return known;
    const db = this.segment(seq);
    const stamp = this.open.get(seq)?.stamp ?? null;
    if (db === null || stamp === null) return null;
    const [rows, lastRowid] = db.exec('SELECT count(*), coalesce(max(rowid), 0) FROM events')[0]?.values[0] ?? [0, 0];
    this.newest = {
      seq,
      stamp,
      rows: Number(rows),
      lastRowid: Number(lastRowid),
      counts: new Map(readManifest(db).map((m) => [m.seq, m.count])),
    };
    return this.newest;
  }

  /** Segment `seq`, from an open copy while its file is unchanged; null when it is gone. */
  private segment(seq: number): Database | null {
    const stamp = stampOf(join(this.dataDir, DB_DIR, segmentName(seq)));
    if (stamp === null) return null;
    const open = this.open.get(seq);
    if (open !== undefined) {
      this.open.delete(seq);
      if (sameStamp(open.stamp, stamp)) {
        this.open.set(seq, open); // most recently used
        return open.db;
      }
      open.db.close();
    }
    try {
      const seg = loadSegment(this.SQL, this.dataDir, seq);
      this.loads++;
      // Make room: two copies at most, and the newest segment's (which backlog() counts) stays
      // while the position moves through older ones.
      while (this.open.size >= OPEN_MAX) {
        const evict = [...this.open.keys()].find((s) => s !== this.newest?.seq) ?? this.open.keys().next().value!;
        this.open.get(evict)!.db.close();
        this.open.delete(evict);
      }
      this.open.set(seq, { stamp: seg.stamp, db: seg.db });
      return seg.db;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}
