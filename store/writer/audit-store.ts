// The guard's handle on the audit store. On the request path it only appends to this
// process's journal (one synchronous write per record); folding into the database happens in
// a worker thread (worker-entry.ts) so sql.js never blocks the guard's event loop.
//
// The worker runs only while there is something to fold, and not while the guard is serving:
// records are durable once journaled, so folding waits until the journal has been quiet for a
// moment or the backlog passes a bound (fold-schedule.ts). flush() and close() start it at
// once, and so do journals of other (maybe dead) processes waiting in the data dir at open.
// It exits once caught up (or as soon as new records show the guard is serving again), so
// neither an idle nor a serving guard holds sql.js, its wasm memory or a second isolate.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { DEFAULT_ROTATE_BYTES, JOURNAL_DIR, JournalWriter, parseJournalName } from '../journal.ts';
import type { JournalRecord } from '../journal.ts';
import { DB_DIR } from '../segments.ts';
import { parseAlert, parseAuditEvent } from '../../core/protocol/event.ts';
import { FoldSchedule } from './fold-schedule.ts';
import { FOLDER_ROLE } from './folder-protocol.ts';
import type { FolderWorkerData, FromFolder, ToFolder } from './folder-protocol.ts';

declare const WARDEN_BUNDLE: boolean | undefined;
/** Set by esbuild.mjs: the folder worker's own bundle, relative to the bundle that spawns it. */
declare const WARDEN_FOLDER_SCRIPT: string | undefined;

export interface StoreOptions {
  dataDir: string;
  instanceId: string;
  /** Days of history kept (default 90). Sealed segments are dropped whole. */
  retentionDays?: number;
  /** Events kept at most (default 1,000,000), give or take one segment. */
  maxEvents?: number;
  /** Events per segment file (default 10,000). */
  segmentSize?: number;
  /** How often the folder looks for new journal lines and saves (default 1,000 ms). */
  foldIntervalMs?: number;
  /**
   * How long flush() waits for a folder in another process that shows no progress (default
   * 15 s; a holder that keeps saving is waited for up to 4 times as long).
   */
  flushTimeoutMs?: number;
  /** Journal file size that starts a new file (default 32 MiB). */
  journalRotateBytes?: number;
  /** Journal lines a folder worker folds before it is replaced when idle, freeing its memory (default 30,000). */
  recycleAfterLines?: number;
  /**
   * Fold cycles in a row in which this process journaled nothing, after the worker's first
   * cycle, after which it exits (default 1). The schedule below starts the next one.
   */
  idleCycles?: number;
  /** How long the journal must be quiet (no new record) before the worker starts (default 2,000 ms). */
  quietMs?: number;
  /** Records journaled since the worker last started that start it even while busy (default 20,000). */
  backlogRecords?: number;
  /** Journal bytes written since the worker last started that start it even while busy (default 8 MiB). */
  backlogBytes?: number;
  /**
   * false: journal only, start no folder in this process (another process's folder does the
   * work; flush() then returns at once). For benchmarks and tests. Default true.
   */
  fold?: boolean;
  onWarning?: (msg: string) => void;
}

export const DEFAULTS = {
  retentionDays: 90,
  maxEvents: 1_000_000,
  // 10k events ≈ 3 MB per segment: every save exports the whole newest segment, and smaller
  // images keep the folder's memory (and the garbage of each save) small.
  segmentSize: 10_000,
  foldIntervalMs: 1_000,
  flushTimeoutMs: 15_000,
  recycleAfterLines: 30_000,
  idleCycles: 1,
  // Folding costs ~25–30 MB while it runs: a guard serving calls leaves them in the journal
  // (durable, and merged by readers) and folds after a short pause, or every ~20k records
  // (~8 MB of journal, a few seconds of sql.js work) when it never pauses.
  quietMs: 2_000,
  backlogRecords: 20_000,
  backlogBytes: 8 * 1024 * 1024,
} as const;

const STOP_TIMEOUT_MS = 5_000;
/** At open, a worker for journals left by other processes starts this late: off the startup path. */
const START_DELAY_MS = 300;

export class AuditStore {
  private closed = false;
  private worker: Worker | null = null;
  private nextRequest = 1;
  /** Flushes the worker has not answered yet, with their requests (re-sent after a recycle). */
  private waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void; msg: ToFolder }>();
  /** The worker said it is exiting on purpose, and the append count it had folded up to. */
  private retiring: Extract<FromFolder, { type: 'retire' }> | null = null;
  private recycles = 0;
  private starts = 0;
  private restarts = 0;
  /** Unexpected worker exits kept happening: journal only, start no more workers. */
  private gaveUp = false;
  private closing: Promise<void> | null = null;
  /** [0]: records journaled by this store (shared with the worker, see FolderWorkerData.appended). */
  private readonly appended = new Int32Array(new SharedArrayBuffer(4));
  private readonly schedule: FoldSchedule;

  private constructor(
    private readonly opts: Required<Omit<StoreOptions, 'onWarning'>> & { onWarning: (msg: string) => void },
    private readonly journal: JournalWriter,
  ) {
    this.schedule = new FoldSchedule(opts, () => {
      if (!this.closed) this.ensureWorker();
    });
  }

  /** Synchronous: creates the folders, opens this process's journal, starts the folder worker. */
  static open(options: StoreOptions): AuditStore {
    const opts = {
      retentionDays: DEFAULTS.retentionDays,
      maxEvents: DEFAULTS.maxEvents,
      segmentSize: DEFAULTS.segmentSize,
      foldIntervalMs: DEFAULTS.foldIntervalMs,
      flushTimeoutMs: DEFAULTS.flushTimeoutMs,
      journalRotateBytes: DEFAULT_ROTATE_BYTES,
      recycleAfterLines: DEFAULTS.recycleAfterLines,
      idleCycles: DEFAULTS.idleCycles,
      quietMs: DEFAULTS.quietMs,
      backlogRecords: DEFAULTS.backlogRecords,
      backlogBytes: DEFAULTS.backlogBytes,
      fold: true,
      onWarning: (m: string) => process.stderr.write(`warden store: ${m}\n`),
      ...stripUndefined(options),
      dataDir: options.dataDir,
      instanceId: options.instanceId,
    };
    for (const k of [
      'retentionDays',
      'maxEvents',
      'segmentSize',
      'foldIntervalMs',
      'flushTimeoutMs',
      'journalRotateBytes',
      'recycleAfterLines',
      'idleCycles',
      'quietMs',
      'backlogRecords',
      'backlogBytes',
    ] as const) {
      if (!(Number.isFinite(opts[k]) && opts[k] > 0)) throw new RangeError(`store option ${k} must be a positive number`);
    }
    mkdirSync(join(opts.dataDir, JOURNAL_DIR), { recursive: true });
    mkdirSync(join(opts.dataDir, DB_DIR), { recursive: true });
    // Journals already here belong to other processes, running or dead (this one's is new).
    const waiting = opts.fold && readdirSync(join(opts.dataDir, JOURNAL_DIR)).some((n) => parseJournalName(n) !== null);
    const journal = new JournalWriter(join(opts.dataDir, JOURNAL_DIR), opts.instanceId, opts.journalRotateBytes);
    const store = new AuditStore(opts, journal);
    if (waiting) setTimeout(() => store.closed || store.ensureWorker(), START_DELAY_MS).unref();
    return store;
  }

  /** Journals a call about to be forwarded (provisional outcome "error", interrupted). */
  recordIntent(e: AuditEvent): void {
    this.append({ k: 'intent', e: checkedEvent(e) });
  }

  /** Journals a final event. When this returns, the event survives kill -9 of this process. */
  record(e: AuditEvent): void {
    this.append({ k: 'event', e: checkedEvent(e) });
  }

  recordAlert(a: Alert): void {
    const checked = parseAlert(a);
    if (checked === null) throw new TypeError(`not a valid alert: ${JSON.stringify(a)}`);
    this.append({ k: 'alert', a: checked });
  }

  /** How many times the folder worker was replaced after a large fold (to free its memory). */
  get folderRecycles(): number {
    return this.recycles;
  }

  /** Whether a folder worker thread runs in this process right now. */
  get folderRunning(): boolean {
    return this.worker !== null;
  }

  /** How many folder workers this store has started so far. */
  get folderStarts(): number {
    return this.starts;
  }

  /**
   * Journals one record (in the kernel when this returns), counts it, and tells the schedule,
   * which starts a worker later (journal quiet) or now (backlog bound).
   */
  private append(record: JournalRecord): void {
    const before = this.journal.position();
    this.journal.append(record);
    Atomics.add(this.appended, 0, 1);
    if (!this.opts.fold) return;
    const after = this.journal.position();
    // A rotation starts a new file: then the bytes written count from its start.
    this.schedule.recorded(after.name === before.name ? after.offset - before.offset : after.offset);
  }

  private ensureWorker(): void {
    if (this.worker === null && !this.gaveUp) this.startWorker();
  }

  /**
   * Resolves once everything journaled so far is folded and saved: by this process's folder if
   * it can take the lock, else by the process holding it (rejects after flushTimeoutMs).
   */
  flush(): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (!this.opts.fold) return Promise.resolve();
    this.ensureWorker();
    return this.requestFlush();
  }

  /** Journals the end of this writer, folds what is left (best effort), stops the worker. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.schedule.stop();
    this.journal.close();
    if (!this.opts.fold) return;
    this.ensureWorker();
    try {
      // Up to and including the end record, so the folder may delete this journal at once.
      await this.requestFlush(this.journal.position());
    } finally {
      await this.stopWorker();
    }
  }

  private requestFlush(target = this.journal.position()): Promise<void> {
    const worker = this.worker;
    if (worker === null) return Promise.resolve();
    const id = this.nextRequest++;
    worker.ref(); // an awaited flush keeps the process alive
    return new Promise<void>((resolve, reject) => {
      const msg: ToFolder = { type: 'flush', id, journal: target.name, offset: target.offset, timeoutMs: this.opts.flushTimeoutMs };
      this.waiting.set(id, { resolve, reject, msg });
      worker.postMessage(msg);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker?.unref();
    });
  }

  private startWorker(): void {
    const data: FolderWorkerData = {
      role: FOLDER_ROLE,
      dataDir: this.opts.dataDir,
      segmentSize: this.opts.segmentSize,
      retentionDays: this.opts.retentionDays,
      maxEvents: this.opts.maxEvents,
      foldIntervalMs: this.opts.foldIntervalMs,
      recycleAfterLines: this.opts.recycleAfterLines,
      idleCycles: this.opts.idleCycles,
      appended: this.appended,
    };
    this.starts++;
    this.schedule.started();
    const worker = spawnFolderWorker(data);
    worker.unref(); // the folder never keeps the guard alive on its own
    worker.on('message', (m: FromFolder) => this.onMessage(m));
    worker.on('error', (err) => this.opts.onWarning(`folder worker failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
  }

  private onMessage(m: FromFolder): void {
    if (m.type === 'warning') this.opts.onWarning(m.message);
    else if (m.type === 'retire') this.retiring = m;
    else if (m.type === 'flushed') {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error === undefined) w?.resolve();
      else w?.reject(new Error(m.error));
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const retired = this.retiring;
    if (retired !== null) {
      // A planned exit. Flushes it never answered are asked again of a fresh worker at once
      // (also while closing, when the final flush may be among them). Records journaled after
      // its last cycle began go back to the schedule: they are folded when the journal is
      // quiet again (a record racing the exit included), or once the backlog bound is passed.
      this.retiring = null;
      if (retired.reason === 'recycle') this.recycles++;
      if (this.waiting.size === 0) {
        const unfolded = Atomics.load(this.appended, 0) - retired.appended;
        if (unfolded !== 0 && !this.closed && this.opts.fold) this.schedule.leftBehind(unfolded);
        return;
      }
      this.startWorker();
      if (this.waiting.size > 0) this.worker!.ref();
      for (const w of this.waiting.values()) this.worker!.postMessage(w.msg);
      return;
    }
    for (const w of this.waiting.values()) w.reject(new Error(`audit folder worker exited (code ${code})`));
    this.waiting.clear();
    if (this.closed) return;
    // Unexpected: the journal is still durable; restart the folder a few times.
    if (this.restarts++ < 3) {
      this.opts.onWarning(`audit folder worker exited (code ${code}); restarting it`);
      this.startWorker();
    } else {
      this.gaveUp = true;
      this.opts.onWarning('audit folder worker keeps exiting; journaling only (another guard or the next start will fold)');
    }
  }

  private stopWorker(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return Promise.resolve();
    worker.ref();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.onWarning('audit folder worker did not stop in time; terminating it');
        void worker.terminate();
      }, STOP_TIMEOUT_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const stop: ToFolder = { type: 'stop' };
      worker.postMessage(stop);
    });
  }
}

function checkedEvent(e: AuditEvent): AuditEvent {
  const checked = parseAuditEvent(e);
  if (checked === null) throw new TypeError(`not a valid audit event: ${JSON.stringify(e)}`);
  return checked;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The worker script: when bundled, the folder's own bundle (dist/store-folder.js, see
 * esbuild.mjs), or the bundle file itself when a bundle defines no separate one (its entry then
 * calls runFolderWorkerIfWorker() first, as bench/store.ts does); else worker-entry.ts through
 * tsx, whose loader hooks are not inherited by worker threads on Node 20 and are registered here.
 */
function spawnFolderWorker(workerData: FolderWorkerData): Worker {
  const options = { workerData, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } };
  if (typeof WARDEN_BUNDLE !== 'undefined') {
    const script = typeof WARDEN_FOLDER_SCRIPT !== 'undefined' ? new URL(WARDEN_FOLDER_SCRIPT, import.meta.url) : new URL(import.meta.url);
    return new Worker(script, options);
  }
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
