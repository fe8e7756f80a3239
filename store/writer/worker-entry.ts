// The folder's worker thread. The guard ships as one bundle, so the bundle itself is the
// worker script: guard-server/main.ts calls runFolderWorkerIfWorker() first thing, and in
// development (tsx) this module is loaded directly as the worker and starts itself below.
//
// Loop: every foldIntervalMs, take store.lock if it is free or stale, and fold while held.
// A process that does not hold the lock only journals; the holder folds everyone's journals.
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Folder, LockLostError } from './folder.ts';
import { StoreLock } from './lock.ts';
import { readFoldedOffset } from '../read/segment-reader.ts';
import { loadSqlJs } from '../sqljs.ts';

export const FOLDER_ROLE = 'warden-folder';

export interface FolderWorkerData {
  role: typeof FOLDER_ROLE;
  dataDir: string;
  segmentSize: number;
  retentionDays: number;
  maxEvents: number;
  foldIntervalMs: number;
  /** Journal lines after which an idle worker exits to be replaced (see recycle below). */
  recycleAfterLines: number;
}

/** Main thread → worker. */
export type ToFolder = { type: 'flush'; id: number; journal: string; offset: number; timeoutMs: number } | { type: 'stop' };

/** Worker → main thread. */
export type FromFolder =
  | { type: 'flushed'; id: number; error?: string }
  | { type: 'warning'; message: string }
  | { type: 'stopped' }
  /** The worker is about to exit on purpose; the store starts a fresh one. */
  | { type: 'recycle' };

let started = false;

/** Runs the folder loop when this thread is the store's folder worker; returns whether it is. */
export function runFolderWorkerIfWorker(): boolean {
  if (isMainThread || parentPort === null) return false;
  const data = workerData as Partial<FolderWorkerData> | undefined;
  if (data?.role !== FOLDER_ROLE) return false;
  if (!started) {
    started = true;
    void runFolderLoop(data as FolderWorkerData);
  }
  return true;
}

async function runFolderLoop(data: FolderWorkerData): Promise<void> {
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
  const SQL = await loadSqlJs();
  const lock = new StoreLock(data.dataDir);
  const folder = new Folder(SQL, {
    dataDir: data.dataDir,
    segmentSize: data.segmentSize,
    retentionDays: data.retentionDays,
    maxEvents: data.maxEvents,
    onWarning: warn,
    canSave: () => lock.verify(),
  });

  let lastLines = 0;
  let linesSinceStart = 0;

  /** One attempt: fold if we hold (or can take) the lock. Returns whether a fold completed. */
  const cycle = (): boolean => {
    let holding = false;
    try {
      holding = lock.tryAcquire();
    } catch (err) {
      warn(`cannot take the store lock: ${(err as Error).message}`);
    }
    if (!holding) {
      folder.release();
      return false;
    }
    try {
      lastLines = folder.fold().lines;
      linesSinceStart += lastLines;
      lock.heartbeat();
      return true;
    } catch (err) {
      folder.release();
      if (!(err instanceof LockLostError)) warn(`folding failed, will retry: ${(err as Error).stack ?? String(err)}`);
      return false;
    }
  };

  // Cycles, flushes and the stop run one at a time, in arrival order.
  let busy: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void> | void): Promise<void> =>
    (busy = busy.then(fn).catch((err: unknown) => warn(`folder task failed: ${String(err)}`)));

  // sql.js's wasm memory grows to fit the largest fold and never shrinks. After folding a lot,
  // once idle (the last cycle found nothing new), the worker exits and the store starts a fresh
  // one, so a burst does not leave the guard's memory high for the rest of the session.
  const recycleIfDue = (): void => {
    if (lastLines !== 0 || linesSinceStart < data.recycleAfterLines) return;
    clearInterval(timer);
    folder.release();
    lock.release();
    send({ type: 'recycle' });
    port.close();
  };
  const timer = setInterval(
    () =>
      void serial(() => {
        if (cycle()) recycleIfDue();
      }),
    data.foldIntervalMs,
  );

  const flush = async (m: Extract<ToFolder, { type: 'flush' }>): Promise<void> => {
    const deadline = Date.now() + m.timeoutMs;
    for (;;) {
      if (cycle()) return send({ type: 'flushed', id: m.id });
      // Someone else holds the lock: done once the holder has folded our journal that far.
      try {
        const folded = readFoldedOffset(SQL, data.dataDir, m.journal);
        if (folded !== null && folded >= m.offset) return send({ type: 'flushed', id: m.id });
      } catch (err) {
        warn(`cannot read the store while waiting for the lock holder: ${(err as Error).message}`);
      }
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
    if (m.type === 'flush') void serial(() => flush(m));
    else if (m.type === 'stop') {
      clearInterval(timer);
      void serial(() => {
        folder.release();
        lock.release();
        send({ type: 'stopped' });
        port.close();
      });
    }
  });
}

// Loaded directly as the worker script (development, tests): start.
runFolderWorkerIfWorker();
