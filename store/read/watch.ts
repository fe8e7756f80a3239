// Watches the store for new events and alerts at a cost proportional to what is new.
//
// Every record passes through a journal before it is folded, so the watch tails the journals:
// it remembers how far it has read each file and reads only the bytes appended since (new
// files from 0, vanished files forgotten). A tick with nothing new is one readdir, one stat per
// journal and one stat of the newest segment.
//
// Exactly once. A journal can vanish with bytes the watch has not read yet (the folder deletes
// a finished journal once its lines are saved: a guard that writes its last events and exits).
// Those lines are then in the newest segment, so the watch also remembers, per segment, the
// highest rowid it has seen in `events` and `alerts` (SQLite gives new rows increasing rowids)
// and scans the rows past it. Each id reported is remembered for a while, so a row reached both
// ways is reported once. The scan runs only when the newest segment changed and a journal
// vanished before its end was read, or a name announced by fs.watch was never seen, or as a
// safety net at most every `scanEveryMs` — a writer whose whole life fits between two ticks is
// then reported late, never missed or twice.
//
// Intents: an intent followed by its final event in the same tick is reported as the final
// event only; an intent still in flight is reported in `intents` (once), its final event later
// in `events`. Records present when the watch opened are not reported.
import { closeSync, fstatSync, openSync, readdirSync, statSync, watch as fsWatch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { CHUNK, JOURNAL_DIR, parseJournalName, readJournalLines } from '../journal.ts';
import { ALERT_COLUMNS, EVENT_COLUMNS, rowToAlert, rowToEvent } from '../schema.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import type { FileStamp } from '../segments.ts';
import { loadSegment } from './segment-reader.ts';
import { journalOffsets } from './snapshot.ts';
import { loadSqlJsFrom } from './wasm.ts';
import type { WasmLocation } from './wasm.ts';

export interface WatchOptions extends WasmLocation {
  dataDir: string;
  SQL?: SqlJsStatic;
  onWarning?: (msg: string) => void;
  /** Safety-net segment scan at most this often, when the segment changed (default 10 s). */
  scanEveryMs?: number;
  /** How long a reported id is remembered to avoid reporting it twice (default 15 min). */
  rememberMs?: number;
}

export interface WatchBatch {
  /** New final events (including intents the folder closed as interrupted), in the order found. */
  events: AuditEvent[];
  alerts: Alert[];
  /** Calls forwarded whose outcome is not known yet (reported once; the final event follows). */
  intents: AuditEvent[];
}

export interface StoreWatch {
  /** What is new since the previous poll (or since the watch opened). */
  poll(): WatchBatch;
  /**
   * Polls when the journal folder changes (fs.watch) and every `intervalMs` (default 1000) as a
   * fallback; calls `onChange` with each non-empty batch.
   */
  start(onChange: (batch: WatchBatch) => void, opts?: { intervalMs?: number }): void;
  stop(): void;
}

interface FileState {
  /** End of the last complete line read. */
  offset: number;
  /** Size at the last stat. */
  size: number;
  /** The "end" record was read: nothing more will be appended. */
  ended: boolean;
}

interface SegmentMark {
  seq: number;
  stamp: FileStamp | null;
  events: number;
  alerts: number;
}

export async function openStoreWatch(opts: WatchOptions): Promise<StoreWatch> {
  const SQL = opts.SQL ?? (await loadSqlJsFrom(opts));
  return new JournalWatch(SQL, opts);
}

const maxRowid = (db: Database, table: string): number =>
  Number(db.exec(`SELECT coalesce(max(rowid), 0) FROM ${table}`)[0]?.values[0]?.[0] ?? 0);

class JournalWatch implements StoreWatch {
  private readonly journalDir: string;
  private readonly dbDir: string;
  private readonly warn: (msg: string) => void;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private files = new Map<string, FileState>();
  /** Ids reported (events and alerts) or present at open, with when they were noted. */
  private seen = new Map<string, number>();
  /** Intents reported as in flight. */
  private intentsSeen = new Map<string, number>();
  private mark: SegmentMark | null = null;
  private scanNeeded = false;
  private lastScan = 0;
  /** Journal names fs.watch announced. */
  private announced = new Set<string>();
  private watcher: FSWatcher | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private scheduled = false;

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly opts: WatchOptions,
  ) {
    this.journalDir = join(opts.dataDir, JOURNAL_DIR);
    this.dbDir = join(opts.dataDir, DB_DIR);
    this.warn = opts.onWarning ?? ((m) => process.stderr.write(`warden watch: ${m}\n`));
    this.init();
  }

  /** The starting point: the newest segment's rowids, and the journals read to their end (nothing reported). */
  private init(): void {
    const now = Date.now();
    let offsets = new Map<string, number>();
    const seq = listSegments(this.dbDir).at(-1);
    if (seq !== undefined) {
      try {
        const seg = loadSegment(this.SQL, this.opts.dataDir, seq);
        try {
          offsets = journalOffsets(seg.db);
          this.mark = { seq, stamp: seg.stamp, events: maxRowid(seg.db, 'events'), alerts: maxRowid(seg.db, 'alerts') };
        } finally {
          seg.db.close();
        }
      } catch (err) {
        this.warn(`cannot read ${segmentName(seq)}: ${(err as Error).message}`);
      }
    }
    // Unfolded lines are not new, but they will be folded later: remember their ids.
    for (const name of this.journalNames()) {
      const st = this.read(name, { offset: offsets.get(name) ?? 0, size: 0, ended: false }, (k, id) => {
        if (k === 'intent') this.intentsSeen.set(id, now);
        else this.seen.set(id, now);
      });
      if (st) this.files.set(name, st);
    }
  }

  private journalNames(): string[] {
    try {
      return readdirSync(this.journalDir)
        .filter((n) => parseJournalName(n) !== null)
        .sort();
    } catch {
      return [];
    }
  }

  /**
   * Reads the complete lines of `name` past `state.offset`; calls `found` for each record.
   * Returns the new state, or null when the file is gone.
   */
  private read(
    name: string,
    state: FileState,
    found: (k: 'event' | 'intent' | 'alert', id: string, record: AuditEvent | Alert) => void,
  ): FileState | null {
    let fd: number;
    try {
      fd = openSync(join(this.journalDir, name), 'r');
    } catch {
      return null;
    }
    try {
      const size = fstatSync(fd).size;
      const next = { ...state, size };
      if (size < state.offset) {
        this.warn(`journal ${name} shrank; reading it again from its start`);
        next.offset = 0;
      }
      for (const { record, end } of readJournalLines(fd, next.offset, size, this.buf)) {
        next.offset = end;
        if (record === null) continue;
        if (record.k === 'event' || record.k === 'intent') found(record.k, record.e.id, record.e);
        else if (record.k === 'alert') found('alert', record.a.id, record.a);
        else if (record.k === 'end') next.ended = true;
      }
      return next;
    } finally {
      closeSync(fd);
    }
  }

  poll(): WatchBatch {
    const now = Date.now();
    const events = new Map<string, AuditEvent>();
    const alerts: Alert[] = [];
    const intents = new Map<string, AuditEvent>();
    const names = this.journalNames();
    const present = new Set(names);
    for (const [name, st] of this.files) {
      if (present.has(name)) continue;
      this.files.delete(name);
      // Gone before its end was read: what was appended after the last read is in a segment.
      if (!(st.ended && st.offset === st.size)) this.scanNeeded = true;
    }
    for (const name of this.announced) if (!present.has(name) && !this.files.has(name)) this.scanNeeded = true;
    this.announced.clear();
    for (const name of names) {
      const st = this.files.get(name) ?? { offset: 0, size: -1, ended: false };
      if (st.ended && st.offset === st.size) continue; // finished: never grows again
      if (this.files.has(name)) {
        // One stat; read only when it grew.
        let size: number;
        try {
          size = statSync(join(this.journalDir, name)).size;
        } catch {
          continue; // vanished: handled at the next tick
        }
        if (size === st.size) continue;
      }
      const next = this.read(name, st, (k, id, record) => {
        if (k === 'alert') {
          if (!this.seen.has(id)) {
            this.seen.set(id, now);
            alerts.push(record as Alert);
          }
        } else if (k === 'event') {
          if (!this.seen.has(id)) {
            this.seen.set(id, now);
            intents.delete(id);
            events.set(id, record as AuditEvent);
          }
        } else if (!this.seen.has(id) && !this.intentsSeen.has(id)) {
          this.intentsSeen.set(id, now);
          intents.set(id, record as AuditEvent);
        }
      });
      if (next) this.files.set(name, next);
      else if (this.files.has(name)) {
        this.files.delete(name);
        this.scanNeeded = true;
      }
    }
    this.scanSegments(
      now,
      (e) => {
        intents.delete(e.id);
        events.set(e.id, e);
      },
      alerts,
    );
    this.forget(now);
    return { events: [...events.values()], alerts, intents: [...intents.values()] };
  }

  /** Rows the newest segment(s) gained since the last scan and that were not reported. */
  private scanSegments(now: number, onEvent: (e: AuditEvent) => void, alerts: Alert[]): void {
    const seqs = listSegments(this.dbDir);
    const newest = seqs.at(-1);
    if (newest === undefined) return;
    const stamp = stampOf(join(this.dbDir, segmentName(newest)));
    const changed = this.mark === null || this.mark.seq !== newest || !sameStamp(this.mark.stamp, stamp);
    if (!changed) return;
    const every = this.opts.scanEveryMs ?? 10_000;
    if (!this.scanNeeded && now - this.lastScan < every) return;
    this.lastScan = now;
    this.scanNeeded = false;
    const from = this.mark;
    // The segment we were at (now perhaps sealed), any sealed since, and the newest.
    const toScan = seqs.filter((s) => from === null || s >= from.seq);
    let mark: SegmentMark | null = from;
    for (const seq of toScan) {
      let seg;
      try {
        seg = loadSegment(this.SQL, this.opts.dataDir, seq);
      } catch (err) {
        this.warn(`watch skipped ${segmentName(seq)}: ${(err as Error).message}`);
        continue;
      }
      try {
        const sinceE = from !== null && seq === from.seq ? from.events : 0;
        const sinceA = from !== null && seq === from.seq ? from.alerts : 0;
        const rowsE = seg.db.exec(`SELECT rowid, ${EVENT_COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid`, [sinceE])[0]?.values ?? [];
        for (const [, ...row] of rowsE as [SqlValue, ...SqlValue[]][]) {
          const e = rowToEvent(row);
          if (e === null || this.seen.has(e.id)) continue;
          this.seen.set(e.id, now);
          onEvent(e);
        }
        const rowsA = seg.db.exec(`SELECT rowid, ${ALERT_COLUMNS} FROM alerts WHERE rowid > ? ORDER BY rowid`, [sinceA])[0]?.values ?? [];
        for (const [, ...row] of rowsA as [SqlValue, ...SqlValue[]][]) {
          const a = rowToAlert(row);
          if (a === null || this.seen.has(a.id)) continue;
          this.seen.set(a.id, now);
          alerts.push(a);
        }
        mark = { seq, stamp: seg.stamp, events: maxRowid(seg.db, 'events'), alerts: maxRowid(seg.db, 'alerts') };
      } finally {
        seg.db.close();
      }
    }
    this.mark = mark;
  }

  /** Forgets ids reported long ago (a row is folded within seconds of its journal line). */
  private forget(now: number): void {
    const keep = this.opts.rememberMs ?? 15 * 60_000;
    if (this.seen.size + this.intentsSeen.size < 1024) return;
    for (const m of [this.seen, this.intentsSeen]) {
      for (const [id, at] of m) {
        if (now - at < keep) break; // insertion order is time order
        m.delete(id);
      }
    }
  }

  start(onChange: (batch: WatchBatch) => void, opts: { intervalMs?: number } = {}): void {
    this.stop();
    const tick = (): void => {
      this.scheduled = false;
      let batch: WatchBatch;
      try {
        batch = this.poll();
      } catch (err) {
        this.warn(`watch: ${(err as Error).message}`);
        return;
      }
      if (batch.events.length || batch.alerts.length || batch.intents.length) onChange(batch);
    };
    const soon = (): void => {
      if (this.scheduled) return;
      this.scheduled = true;
      setTimeout(tick, 10);
    };
    const watchDir = (): void => {
      if (this.watcher !== null) return;
      try {
        this.watcher = fsWatch(this.journalDir, { persistent: false }, (_type, name) => {
          if (typeof name === 'string' && parseJournalName(name) !== null) this.announced.add(name);
          soon();
        });
        this.watcher.on('error', () => {
          this.watcher?.close();
          this.watcher = null; // polling carries on; re-armed at the next interval
        });
      } catch {
        this.watcher = null; // no journal folder yet, or fs.watch unsupported: polling only
      }
    };
    watchDir();
    this.timer = setInterval(() => {
      watchDir();
      tick();
    }, opts.intervalMs ?? 1000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }
}
