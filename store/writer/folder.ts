// The folder: turns the journals of every guard process into the segment database. It runs
// off the request path (in a worker thread) and only while its process holds store.lock.
//
// Exactly-once: the byte offset folded from each journal lives in the `journals` table of the
// newest segment, so data and offsets are committed together by one atomic rename. After a
// crash, folding resumes from the saved offsets; lines folded but not saved are folded again
// and `INSERT OR REPLACE` by id keeps one row. Only the newest segment is ever written; when it
// is full it is saved and sealed, and a new one starts from its offsets and pending intents,
// so a line folded after the seal can only land in the new segment.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { AuditEvent } from '../../core/types.ts';
import { CHUNK, JOURNAL_DIR, parseJournalName, readJournalLines } from '../journal.ts';
import type { JournalLine, JournalName, JournalRecord } from '../journal.ts';
import { isPidAlive } from './lock.ts';
import { DAY_MS, segmentsToDrop } from './retention.ts';
import {
  CorruptSegmentError,
  IncompatibleSegmentError,
  STORE_SCHEMA_VERSION,
  segmentVersion,
  INSERT_ALERT_SQL,
  INSERT_EVENT_SQL,
  alertParams,
  createSegmentDb,
  ensureReadIndexes,
  eventParams,
  openSegmentDb,
  readManifest,
  segmentStats,
  setMeta,
  tuneWorkingDb,
  writeManifest,
} from '../schema.ts';
import type { ManifestEntry } from '../schema.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import { atomicWrite, moveAside, removeDeadTemps } from './segment-files.ts';
import { computeRollup } from '../read/rollup.ts';
import type { FileStamp } from '../segments.ts';
import { EVENT_SCHEMA_VERSION, parseAuditEvent } from '../../core/protocol/event.ts';

export interface FolderOptions {
  dataDir: string;
  /** Events per segment before it is sealed. */
  segmentSize: number;
  retentionDays: number;
  maxEvents: number;
  onWarning: (msg: string) => void;
  /** Called right before each save; false means the lock was lost and nothing may be written. */
  canSave?: () => boolean;
  /** Clock, for retention tests. */
  now?: () => number;
}

export class LockLostError extends Error {}

/** The store was written by a newer Warden: this folder must not rewrite it. */
export class NewerStoreError extends Error {}

interface JournalState {
  offset: number;
  ended: 'close' | 'rotate' | null;
  changed: boolean;
}

export interface FoldResult {
  /** Journal lines applied in this cycle. */
  lines: number;
  saves: number;
}

const RETENTION_EVERY_MS = 60_000;
const BATCH_LINES = 2_000;
const INSERT_NEW_EVENT_SQL = INSERT_EVENT_SQL.replace('INSERT OR REPLACE', 'INSERT OR IGNORE');

export class Folder {
  private readonly dbDir: string;
  private readonly journalDir: string;
  private db: Database | null = null;
  private seq = 0;
  private stamp: FileStamp | null = null;
  private count = 0;
  private dirty = false;
  private manifest: ManifestEntry[] = [];
  private journals = new Map<string, JournalState>();
  /** Ids in the pending table, to skip needless deletes on the hot path. */
  private pendingIds = new Set<string>();
  private stmts = new Map<string, Statement>();
  /** One read buffer for all journals: large buffers churned per cycle bloat the RSS. */
  private readonly readBuf = Buffer.allocUnsafe(CHUNK);
  private lastRetention = 0;
  private inTransaction = false;
  private saves = 0;
  /** Journal lines that failed to parse or validate, since this folder started. */
  badLines = 0;
  /** The newest segment file as it was when found to be written by a newer Warden. */
  private newerStamp: FileStamp | null = null;
  /** Journals written by a newer Warden: left for it to fold (warned once each). */
  private newerJournals = new Set<string>();

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly opts: FolderOptions,
  ) {
    this.dbDir = join(opts.dataDir, DB_DIR);
    this.journalDir = join(opts.dataDir, JOURNAL_DIR);
    mkdirSync(this.dbDir, { recursive: true });
    mkdirSync(this.journalDir, { recursive: true });
    removeDeadTemps(this.dbDir);
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Folds every complete journal line into the store and saves. The caller holds the lock. */
  fold(): FoldResult {
    const savesBefore = this.saves;
    if (this.newerStoreOnDisk()) return { lines: 0, saves: 0 };
    try {
      this.ensureLoaded();
    } catch (err) {
      if (!(err instanceof NewerStoreError)) throw err;
      this.release();
      this.stopForNewerStore(err.message);
      return { lines: 0, saves: 0 };
    }
    if (this.count >= this.opts.segmentSize) this.roll();
    this.begin();
    const { lines, finished } = this.foldJournals();
    this.promoteFinishedIntents(finished);
    this.applyRetention();
    this.commit();
    if (this.dirty) this.save();
    this.deleteFinishedJournals(finished);
    return { lines, saves: this.saves - savesBefore };
  }

  /**
   * A newer Warden owns this store: folding stops (journals keep everything, readers show it)
   * until that file changes. Checked with one stat per cycle, without re-reading the file.
   */
  private newerStoreOnDisk(): boolean {
    if (this.newerStamp === null) return false;
    const newest = listSegments(this.dbDir).at(-1);
    if (newest !== undefined && sameStamp(this.newerStamp, stampOf(this.path(newest)))) return true;
    this.newerStamp = null;
    return false;
  }

  private stopForNewerStore(why: string): void {
    this.opts.onWarning(
      `${why}: this guard stops folding the audit store and only journals (nothing is lost; the newer Warden folds it). Update Warden to fold again.`,
    );
  }

  /** Drops the in-memory database (lock lost, or stopping). Unsaved work is folded again later. */
  release(): void {
    this.freeStatements();
    this.db?.close();
    this.db = null;
    this.inTransaction = false;
    this.stamp = null;
    this.journals = new Map();
    this.pendingIds = new Set();
    this.dirty = false;
  }

  // ---- loading -------------------------------------------------------------------------

  /** Makes sure the newest segment on disk is the one in memory (someone else may have saved). */
  private ensureLoaded(): void {
    const seqs = listSegments(this.dbDir);
    const newest = seqs.at(-1);
    if (this.db && newest === this.seq && sameStamp(this.stamp, stampOf(this.path(this.seq)))) return;
    this.release();
    if (newest === undefined) {
      this.startSegment(1, [], new Map(), []);
      return;
    }
    let seq: number | undefined = newest;
    const corruptSeqs: number[] = [];
    while (seq !== undefined) {
      const loaded = this.tryLoad(seq);
      if (loaded) break;
      corruptSeqs.push(seq);
      seq = seqs.filter((s) => s < (seq as number)).at(-1);
    }
    if (corruptSeqs.length === 0) {
      this.reconcileManifest(seqs);
      return;
    }
    // The newest file(s) were damaged and moved aside. Continue from the newest sound segment's
    // state (its offsets and pending intents as of when it was newest): journals still on disk
    // replay from there into a fresh newest segment.
    const freshSeq = Math.max(...corruptSeqs);
    if (this.db === null) {
      this.opts.onWarning('no readable segment left; starting a new database from the journals still on disk');
      this.startSegment(freshSeq, [], new Map(), []);
      return;
    }
    const sealed = segmentStats(this.db, this.seq);
    const pending = this.db.exec('SELECT id, ts, writer, event FROM pending')[0]?.values ?? [];
    const journals = new Map(this.journals);
    const manifest = [...this.manifest, sealed];
    this.release();
    this.startSegment(freshSeq, manifest, journals, pending);
    this.reconcileManifest(listSegments(this.dbDir));
  }

  /** Loads segment `seq` as the working database; moves it aside and returns false if damaged. */
  private tryLoad(seq: number): boolean {
    const path = this.path(seq);
    try {
      const stamp = stampOf(path);
      const db = openSegmentDb(this.SQL, readFileSync(path), true);
      const version = segmentVersion(db) as number;
      if (version > STORE_SCHEMA_VERSION) {
        db.close();
        this.newerStamp = stamp;
        throw new NewerStoreError(
          `${segmentName(seq)} was written by a newer Warden (store schema ${version}, this guard knows ${STORE_SCHEMA_VERSION})`,
        );
      }
      tuneWorkingDb(db);
      ensureReadIndexes(db);
      this.db = db;
      this.seq = seq;
      this.stamp = stamp;
      this.count = Number(db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0] ?? 0);
      this.manifest = readManifest(db);
      this.pendingIds = new Set((db.exec('SELECT id FROM pending')[0]?.values ?? []).map(([id]) => String(id)));
      this.journals = new Map();
      for (const [name, offset, ended] of db.exec('SELECT name, offset, ended FROM journals')[0]?.values ?? []) {
        if (typeof name !== 'string' || typeof offset !== 'number') continue;
        this.journals.set(name, { offset, ended: ended === 'close' || ended === 'rotate' ? ended : null, changed: false });
      }
      this.dirty = false;
      return true;
    } catch (err) {
      if (err instanceof IncompatibleSegmentError) {
        this.newerStamp = stampOf(path);
        throw new NewerStoreError(`${segmentName(seq)}: ${err.message}`);
      }
      if (!(err instanceof CorruptSegmentError)) throw err;
      const aside = moveAside(path);
      this.opts.onWarning(`audit segment ${segmentName(seq)} is damaged (${err.message}); moved it to ${aside} and carried on`);
      return false;
    }
  }

  private startSegment(seq: number, manifest: ManifestEntry[], journals: Map<string, JournalState>, pending: SqlValue[][]): void {
    const db = createSegmentDb(this.SQL);
    tuneWorkingDb(db);
    db.run('BEGIN');
    for (const [name, j] of journals) db.run('INSERT INTO journals (name, offset, ended) VALUES (?, ?, ?)', [name, j.offset, j.ended]);
    for (const row of pending) db.run('INSERT OR REPLACE INTO pending (id, ts, writer, event) VALUES (?, ?, ?, ?)', row);
    this.pendingIds = new Set(pending.map(([id]) => String(id)));
    writeManifest(db, manifest);
    setMeta(db, 'seq', String(seq));
    db.run('COMMIT');
    this.db = db;
    this.seq = seq;
    this.stamp = null;
    this.count = 0;
    this.manifest = manifest;
    // The same state objects carry on: a fold in progress keeps updating them after a roll.
    for (const j of journals.values()) j.changed = false;
    this.journals = new Map(journals);
    this.dirty = true;
  }

  /** Lists sealed files the manifest lacks (after a recovery) and forgets entries whose file is gone. */
  private reconcileManifest(seqs: number[]): void {
    const onDisk = new Set(seqs.filter((s) => s < this.seq));
    const known = new Set(this.manifest.map((m) => m.seq));
    let changed = false;
    const manifest = this.manifest.filter((m) => onDisk.has(m.seq));
    if (manifest.length !== this.manifest.length) changed = true;
    for (const seq of onDisk) {
      if (known.has(seq)) continue;
      try {
        const db = openSegmentDb(this.SQL, readFileSync(this.path(seq)), true);
        manifest.push(segmentStats(db, seq));
        db.close();
        changed = true;
      } catch (err) {
        if (err instanceof IncompatibleSegmentError) {
          this.opts.onWarning(`audit segment ${segmentName(seq)}: ${err.message}; left as it is`);
          continue;
        }
        if (!(err instanceof CorruptSegmentError)) throw err;
        const aside = moveAside(this.path(seq));
        this.opts.onWarning(`audit segment ${segmentName(seq)} is damaged (${err.message}); moved it to ${aside}`);
      }
    }
    if (changed && this.db) {
      this.manifest = manifest;
      writeManifest(this.db, manifest);
      this.dirty = true;
    }
  }

  // ---- folding -------------------------------------------------------------------------

  /**
   * Applies every complete line past the saved offsets. Returns the writers whose journals are
   * finished (closed, or their process is dead) with every complete line folded.
   */
  private foldJournals(): { lines: number; finished: Map<string, JournalName[]> } {
    let names: string[];
    try {
      names = readdirSync(this.journalDir).sort();
    } catch {
      return { lines: 0, finished: new Map() };
    }
    const files = names.map(parseJournalName).filter((j): j is JournalName => j !== null);
    // Offsets of journals deleted after a previous save are no longer needed.
    const present = new Set(files.map((f) => f.name));
    for (const name of this.journals.keys()) {
      if (!present.has(name)) {
        this.journals.delete(name);
        this.run('DELETE FROM journals WHERE name = ?', [name]);
        this.dirty = true;
      }
    }
    let lines = 0;
    const byWriter = new Map<string, JournalName[]>();
    for (const f of files) {
      byWriter.set(f.writer, [...(byWriter.get(f.writer) ?? []), f]);
      lines += this.foldJournal(f);
    }
    const finished = new Map<string, JournalName[]>();
    for (const [writer, list] of byWriter) {
      const first = list[0] as JournalName;
      const closed = list.some((f) => this.journals.get(f.name)?.ended === 'close');
      if (closed || !isPidAlive(first.pid)) finished.set(writer, list);
    }
    this.writeJournalRows();
    return { lines, finished };
  }

  private foldJournal(f: JournalName): number {
    let fd: number;
    try {
      fd = openSync(join(this.journalDir, f.name), 'r');
    } catch {
      return 0; // deleted meanwhile
    }
    let lines = 0;
    try {
      const size = fstatSync(fd).size;
      const known = this.journals.get(f.name);
      if ((known === undefined || known.offset === 0) && this.isNewerJournal(f.name, fd, size)) return 0;
      const state = known ?? { offset: 0, ended: null, changed: true };
      this.journals.set(f.name, state);
      if (size < state.offset) {
        this.opts.onWarning(`journal ${f.name} is shorter than what was folded from it; ignoring the difference`);
        state.offset = size;
        state.changed = true;
      }
      let batch: JournalLine[] = [];
      for (const line of readJournalLines(fd, state.offset, size, this.readBuf)) {
        batch.push(line);
        if (batch.length >= BATCH_LINES) {
          this.applyBatch(batch, f, state);
          batch = [];
        }
        lines++;
      }
      this.applyBatch(batch, f, state);
    } finally {
      closeSync(fd);
    }
    return lines;
  }

  /**
   * A journal whose first line says a newer Warden writes it is left alone: this folder cannot
   * know what the newer records mean. Readers still show what they understand of it.
   */
  private isNewerJournal(name: string, fd: number, size: number): boolean {
    for (const { record } of readJournalLines(fd, 0, size, this.readBuf)) {
      const version = record?.k === 'open' ? record.v : 1;
      if (version <= EVENT_SCHEMA_VERSION) return false;
      if (!this.newerJournals.has(name)) {
        this.newerJournals.add(name);
        this.opts.onWarning(`journal ${name} was written by a newer Warden (event schema ${version}); leaving it for that version to fold`);
      }
      return true;
    }
    return false;
  }

  /**
   * Applies lines in order. An intent whose final event follows in the same batch is skipped:
   * the final event replaces it anyway (and if a save falls between them, the final event is
   * still in the journal past the saved offset).
   */
  private applyBatch(batch: JournalLine[], f: JournalName, state: JournalState): void {
    if (batch.length === 0) return;
    const finals = new Set<string>();
    for (const { record } of batch) if (record?.k === 'event') finals.add(record.e.id);
    for (const line of batch) {
      this.ensureRoom();
      const r = line.record;
      if (!(r?.k === 'intent' && finals.has(r.e.id))) this.apply(r, f);
      state.offset = line.end;
      state.changed = true;
    }
  }

  private apply(record: JournalRecord | null, f: JournalName): void {
    if (record === null) {
      this.badLines++;
      if (this.badLines <= 10 || this.badLines % 1000 === 0) {
        this.opts.onWarning(`skipped an invalid line in journal ${f.name} (${this.badLines} so far)`);
      }
      return;
    }
    switch (record.k) {
      case 'intent':
        // An intent after its own final event can only be a replay: keep the final event.
        if (this.get('SELECT 1 FROM events WHERE id = ?', [record.e.id]) !== undefined) return;
        this.run('INSERT OR REPLACE INTO pending (id, ts, writer, event) VALUES (?, ?, ?, ?)', [
          record.e.id,
          record.e.ts,
          f.writer,
          JSON.stringify(record.e),
        ]);
        this.pendingIds.add(record.e.id);
        break;
      case 'event':
        this.insertEvent(record.e);
        break;
      case 'alert':
        this.run(INSERT_ALERT_SQL, alertParams(record.a));
        break;
      case 'end':
        (this.journals.get(f.name) as JournalState).ended = record.reason;
        break;
      case 'open':
        return;
    }
    this.dirty = true;
  }

  private insertEvent(e: AuditEvent): void {
    if (this.pendingIds.delete(e.id)) this.run('DELETE FROM pending WHERE id = ?', [e.id]);
    const params = eventParams(e);
    // The common case is a new id: one statement. A replayed id is replaced in place.
    this.run(INSERT_NEW_EVENT_SQL, params);
    if ((this.db as Database).getRowsModified() === 1) this.count++;
    else this.run(INSERT_EVENT_SQL, params);
    this.dirty = true;
  }

  /** Intents of writers that are gone become events as they are (outcome "error", interrupted). */
  private promoteFinishedIntents(finished: Map<string, JournalName[]>): void {
    if (finished.size === 0) return;
    const rows = this.db?.exec('SELECT id, writer, event FROM pending')[0]?.values ?? [];
    for (const [id, writer, json] of rows) {
      if (typeof writer !== 'string' || !finished.has(writer)) continue;
      this.ensureRoom();
      let e: AuditEvent | null = null;
      try {
        e = parseAuditEvent(JSON.parse(String(json)));
      } catch {
        e = null;
      }
      if (e === null) {
        this.opts.onWarning(`dropped a damaged pending intent ${String(id)}`);
        this.run('DELETE FROM pending WHERE id = ?', [id as SqlValue]);
        this.pendingIds.delete(String(id));
        this.dirty = true;
        continue;
      }
      this.insertEvent(e);
    }
  }

  /** Seals the newest segment when it is full, mid-cycle if need be. */
  private ensureRoom(): void {
    if (this.count < this.opts.segmentSize) return;
    this.commit();
    this.roll();
    this.begin();
  }

  private roll(): void {
    const db = this.db as Database;
    this.writeJournalRows();
    // The sealed segment's dashboard counts go with its manifest entry (see store/read/rollup.ts).
    const sealed: ManifestEntry = { ...segmentStats(db, this.seq), rollup: computeRollup(db) };
    if (this.dirty) this.save();
    const pending = db.exec('SELECT id, ts, writer, event FROM pending')[0]?.values ?? [];
    const journals = new Map(this.journals);
    const manifest = [...this.manifest, sealed];
    const next = this.seq + 1;
    this.release();
    this.startSegment(next, manifest, journals, pending);
    // Saved at once so that readers and other folders see the new newest segment.
    this.save();
  }

  private writeJournalRows(): void {
    for (const [name, j] of this.journals) {
      if (!j.changed) continue;
      this.run('INSERT OR REPLACE INTO journals (name, offset, ended) VALUES (?, ?, ?)', [name, j.offset, j.ended]);
      j.changed = false;
      this.dirty = true;
    }
  }

  // ---- retention and cleanup -----------------------------------------------------------

  private applyRetention(): void {
    const now = this.now();
    if (now - this.lastRetention < RETENTION_EVERY_MS && this.lastRetention !== 0) return;
    this.lastRetention = now;
    const policy = { retentionDays: this.opts.retentionDays, maxEvents: this.opts.maxEvents };
    const drop = new Set(segmentsToDrop(this.manifest, this.count, policy, now));
    for (const seq of drop) {
      try {
        unlinkSync(this.path(seq));
      } catch {
        // already gone
      }
    }
    if (drop.size > 0) {
      this.manifest = this.manifest.filter((m) => !drop.has(m.seq));
      writeManifest(this.db as Database, this.manifest);
      this.dirty = true;
    }
    // The newest segment is trimmed row by row.
    const cutoff = now - policy.retentionDays * DAY_MS;
    this.run('DELETE FROM events WHERE ts < ?', [cutoff]);
    const removed = (this.db as Database).getRowsModified();
    this.run('DELETE FROM alerts WHERE ts < ?', [cutoff]);
    if (removed > 0 || (this.db as Database).getRowsModified() > 0) {
      this.count -= removed;
      this.dirty = true;
    }
  }

  /**
   * Deletes journal files that will never grow again (rotated, closed, or their writer is
   * dead) once everything in them is saved.
   */
  private deleteFinishedJournals(finished: Map<string, JournalName[]>): void {
    if (this.dirty) return; // not saved: keep them for the next cycle
    for (const [name, state] of this.journals) {
      const f = parseJournalName(name);
      if (f === null) continue;
      if (state.ended === null && !finished.has(f.writer)) continue;
      try {
        const size = stampOf(join(this.journalDir, f.name))?.size ?? -1;
        // Everything folded; a dead writer's torn last line (no "\n") is all that may remain.
        if (size !== state.offset && !this.onlyTornTail(f.name, state.offset, size)) continue;
        unlinkSync(join(this.journalDir, f.name));
      } catch {
        // gone already
      }
    }
  }

  private onlyTornTail(name: string, offset: number, size: number): boolean {
    if (size < offset) return false;
    const fd = openSync(join(this.journalDir, name), 'r');
    try {
      for (const _ of readJournalLines(fd, offset, size, this.readBuf)) return false;
      return true;
    } finally {
      closeSync(fd);
    }
  }

  // ---- sql helpers ---------------------------------------------------------------------

  private begin(): void {
    this.db?.run('BEGIN');
    this.inTransaction = this.db !== null;
  }

  private commit(): void {
    this.freeStatements();
    if (this.inTransaction) this.db?.run('COMMIT');
    this.inTransaction = false;
  }

  private save(): void {
    const db = this.db as Database;
    if (this.opts.canSave && !this.opts.canSave()) {
      this.release();
      throw new LockLostError('store.lock was taken over; dropping unsaved work');
    }
    this.freeStatements();
    const data = db.export();
    tuneWorkingDb(db); // export() resets pragmas
    this.stamp = atomicWrite(this.dbDir, segmentName(this.seq), data);
    this.dirty = false;
    this.saves++;
  }

  private statement(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (s === undefined) {
      s = (this.db as Database).prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private run(sql: string, params: SqlValue[]): void {
    const s = this.statement(sql);
    s.run(params);
  }

  private get(sql: string, params: SqlValue[]): SqlValue[] | undefined {
    const s = this.statement(sql);
    s.bind(params);
    const row = s.step() ? s.get() : undefined;
    s.reset();
    return row;
  }

  private freeStatements(): void {
    for (const s of this.stmts.values()) s.free();
    this.stmts.clear();
  }

  private path(seq: number): string {
    return join(this.dbDir, segmentName(seq));
  }
}
