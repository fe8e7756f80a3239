// What the guard's main thread (audit-store.ts) and its folder worker (worker-entry.ts) say to
// each other. Kept apart from both so the main thread's bundle does not pull in the folder,
// sql.js or the lock code: the worker is its own bundle (dist/store-folder.js).

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
  /**
   * Fold cycles in a row, after the first, in which this process journaled nothing; then the
   * worker exits (the store's schedule starts the next one).
   */
  idleCycles: number;
  /**
   * Int32Array over a SharedArrayBuffer: [0] counts the records this process has journaled.
   * The main thread bumps it after each append; the worker reads it before each fold cycle, so
   * it can tell "nothing new from my process since I last looked" without a message per record.
   */
  appended: Int32Array;
}

/** Main thread → worker. */
export type ToFolder = { type: 'flush'; id: number; journal: string; offset: number; timeoutMs: number } | { type: 'stop' };

/** Worker → main thread. */
export type FromFolder =
  | { type: 'flushed'; id: number; error?: string }
  | { type: 'warning'; message: string }
  | { type: 'stopped' }
  /**
   * The worker is about to exit on purpose: after folding a lot ("recycle", to hand sql.js's
   * memory back), after idleCycles cycles with nothing new from this process ("idle"), or
   * because this process journaled during its last cycle ("busy": the guard is serving).
   * `appended` is the counter as read before its last fold cycle began: every record counted
   * up to there was in the journal when that cycle read it. If the counter moved on since, the
   * store hands those records back to its schedule; a flush the worker never answered goes to
   * a new worker at once.
   */
  | { type: 'retire'; reason: 'recycle' | 'idle' | 'busy'; appended: number };
