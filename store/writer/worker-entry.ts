// The folder's worker thread, bundled on its own as dist/store-folder.js (esbuild.mjs): the
// guard's main thread never loads the folder, sql.js or its wasm. In development (tsx) this
// module is loaded directly as the worker and starts itself below.
//
// Loop: at start and then every foldIntervalMs, take store.lock if it is free or stale, and
// fold while held. A process that does not hold the lock only journals; the holder folds
// everyone's journals.
//
// Lifecycle: the store starts this worker only when there is something to fold and the guard
// is not busy serving (fold-schedule.ts). Its first cycle folds everything journaled so far.
// It then releases the lock and exits as soon as either
//   - this process journaled during a cycle (the guard is serving again: the records wait in
//     the durable journal until the schedule starts the next worker), or
//   - idleCycles cycles in a row saw nothing new from this process.
// sql.js is loaded only once this worker holds the lock (or must read the store for a flush),
// so a worker that finds another process folding stays small.
import { setPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { SqlJsStatic } from 'sql.js';
import { Folder, LockLostError } from './folder.ts';
import { StoreLock } from './lock.ts';
import { readFoldedOffset } from '../read/segment-reader.ts';
import { loadSqlJs } from '../sqljs.ts';
import { FOLDER_ROLE } from './folder-protocol.ts';
import type { FolderWorkerData, FromFolder, ToFolder } from './folder-protocol.ts';

export { FOLDER_ROLE } from './folder-protocol.ts';
export type { FolderWorkerData, FromFolder, ToFolder } from './folder-protocol.ts';

let started = false;

/**
 * A full collection of this worker's isolate. Each save exports the newest segment (up to a few
 * MB) into a fresh buffer; left to V8's own pace, dead export buffers pile up to tens of MB
 * before a major GC. Collecting after a save keeps the worker's footprint near its live size,
 * and costs a few ms of this low-priority thread.
 */
function exposeGc(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    /* unavailable: V8 collects at its own pace */
  }
  return () => {};
}

/** Runs the folder loop when this thread is the store's folder worker; returns whether it is. */
export function runFolderWorkerIfWorker(): boolean {
  if (isMainThread || parentPort === null) return false;
  const data = workerData as Partial<FolderWorkerData> | undefined;
  if (data?.role !== FOLDER_ROLE) return false;
  if (!started) {
    started = true;
    runFolderLoop(data as FolderWorkerData);
  }
  return true;
}

function runFolderLoop(data: FolderWorkerData): void {
  const port = parentPort!;
  const send = (m: FromFolder): void => port.postMessage(m);
  const warn = (message: string): void => send({ type: 'warning', message });
  // Bookkeeping must never compete with the request path for a core: on Linux, priority 0's
  // "process" is the calling thread, so this lowers only the folder thread.
  try {
    setPriority(0, 10);
  } catch {
    /* not permitted on this platform: folding still works, at normal priority */
  }
  const lock = new StoreLock(data.dataDir);
  let SQL: SqlJsStatic | null = null;
  let folder: Folder | null = null;
  const sql = async (): Promise<SqlJsStatic> => (SQL ??= await loadSqlJs());
  const getFolder = async (): Promise<Folder> =>
    (folder ??= new Folder(await sql(), {
      dataDir: data.dataDir,
      segmentSize: data.segmentSize,
      retentionDays: data.retentionDays,
      maxEvents: data.maxEvents,
      onWarning: warn,
      canSave: () => lock.verify(),
    }));

  let lastLines = 0;
  let linesSinceStart = 0;
  const collect = exposeGc();

  /** One attempt: fold if we hold (or can take) the lock. Returns whether a fold completed. */
  const cycle = async (): Promise<boolean> => {
    let holding = false;
    try {
      holding = lock.tryAcquire();
    } catch (err) {
      warn(`cannot take the store lock: ${(err as Error).message}`);
    }
    if (!holding) {
      folder?.release();
      lastLines = 0;
      return false;
    }
    try {
      const f = await getFolder();
      const r = f.fold();
      lastLines = r.lines;
      linesSinceStart += lastLines;
      lock.heartbeat();
      if (r.saves > 0) collect();
      return true;
    } catch (err) {
      folder?.release();
      lastLines = 0;
      if (!(err instanceof LockLostError)) warn(`folding failed, will retry: ${(err as Error).stack ?? String(err)}`);
      return false;
    }
  };

  // Cycles, flushes and the stop run one at a time, in arrival order.
  let busy: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void> | void): Promise<void> =>
    (busy = busy.then(fn).catch((err: unknown) => warn(`folder task failed: ${String(err)}`)));

  let exiting = false;
  const retire = (reason: 'recycle' | 'idle' | 'busy', appended: number): void => {
    exiting = true;
    clearInterval(timer);
    folder?.release();
    lock.release();
    send({ type: 'retire', reason, appended });
    port.close();
  };

  // Idle = this process journaled nothing since the previous cycle. Lines of other processes
  // do not keep this worker alive: each guard's own schedule folds its journal (and every cycle
  // folds whatever all journals hold, dead processes' included).
  let idle = 0;
  let lastAppended = Atomics.load(data.appended, 0);
  /** Flushes received and not answered yet: the worker never retires with one waiting. */
  let flushesWaiting = 0;
  const tick = (first: boolean): Promise<void> =>
    serial(async () => {
      if (exiting) return;
      // Read before the fold: a record counted here was in the journal when the fold read it.
      const appended = Atomics.load(data.appended, 0);
      const folded = await cycle();
      // The first cycle only folds: a flush posted with the start may not have arrived yet.
      if (first || flushesWaiting > 0) {
        lastAppended = appended;
        return;
      }
      // Records journaled since the previous cycle (this one folded those it found): the guard
      // is serving. Staying would keep sql.js's memory in the guard for as long as it serves,
      // so leave what comes next to the schedule (quiet period or backlog bound).
      if (Atomics.load(data.appended, 0) !== lastAppended) return retire('busy', appended);
      // sql.js's wasm memory grows to fit the largest fold and never shrinks. After folding a
      // lot, once idle, the worker exits (and the store starts a fresh one when needed), so a
      // burst does not leave the guard's memory high for the rest of the session.
      if (folded && lastLines === 0 && linesSinceStart >= data.recycleAfterLines) return retire('recycle', appended);
      idle++;
      if (idle >= data.idleCycles) retire('idle', appended);
    });
  // The first cycle at once: the schedule started this worker because there is work now.
  void tick(true);
  const timer = setInterval(() => void tick(false), data.foldIntervalMs);

  const flush = async (m: Extract<ToFolder, { type: 'flush' }>): Promise<void> => {
    idle = 0;
    // The timeout counts time without progress from the holder: a holder folding a large
    // backlog (several guards closing at once, each with an unfolded journal) saves, and so
    // heartbeats, as it goes. A holder that stops saving is waited for timeoutMs at most, and
    // no holder for more than 4 × timeoutMs in all.
    const hardDeadline = Date.now() + 4 * m.timeoutMs;
    let deadline = Date.now() + m.timeoutMs;
    let heartbeat = lock.holderHeartbeat();
    for (;;) {
      if (await cycle()) return send({ type: 'flushed', id: m.id });
      // Someone else holds the lock: done once the holder has folded our journal that far.
      try {
        const folded = readFoldedOffset(await sql(), data.dataDir, m.journal);
        if (folded !== null && folded >= m.offset) return send({ type: 'flushed', id: m.id });
      } catch (err) {
        warn(`cannot read the store while waiting for the lock holder: ${(err as Error).message}`);
      }
      const beat = lock.holderHeartbeat();
      if (beat !== null && beat !== heartbeat) deadline = Math.min(hardDeadline, Date.now() + m.timeoutMs);
      heartbeat = beat;
      if (Date.now() > deadline) {
        return send({
          type: 'flushed',
          id: m.id,
          error: `timed out after ${m.timeoutMs} ms waiting for the audit store lock holder to fold`,
        });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  port.on('message', (m: ToFolder) => {
    if (exiting) return; // the store re-sends unanswered flushes to the next worker
    if (m.type === 'flush') {
      flushesWaiting++;
      void serial(() => {
        flushesWaiting--;
        return exiting ? undefined : flush(m);
      });
    } else if (m.type === 'stop') {
      clearInterval(timer);
      void serial(() => {
        exiting = true;
        folder?.release();
        lock.release();
        send({ type: 'stopped' });
        port.close();
      });
    }
  });
}

// Loaded directly as the worker script (development, tests, dist/store-folder.js): start.
runFolderWorkerIfWorker();
