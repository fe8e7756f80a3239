// WAL checkpoints of the embedded store off the event loop (used by sqlite.ts). SQLite's
// automatic checkpoint runs inside the commit that crosses 1000 pages and blocks it; here a
// worker thread with its own connection copies what is committed into the database instead,
// and the WAL is kept bounded. Commits are exactly as durable (synchronous=FULL fsyncs the WAL
// at each); only the copy moved.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Past this many WAL pages (~16 MB at 4 KiB) the event loop finishes a checkpoint itself, right
 * after a worker pass (so only the pages written during that pass are left to copy): with no
 * write in between, the next transaction restarts the WAL from its start, which a worker pass
 * racing steady writes would never let happen.
 */
export const WAL_RESTART_PAGES = 4000;

// The worker: its own connection to the file, one PASSIVE checkpoint per request (it never
// blocks the writer; it copies what is committed into the database and fsyncs it). CommonJS
// text, so that it runs the same from the sources and from the bundle; the driver's path comes
// from the main thread.
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage(r);
});
`;

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1000 pages and blocks it (copying ~4 MB into the database and fsyncing it): with
 * 500-event batches that is every few batches, and it made most of the p99. Commits are as
 * durable as before (synchronous=FULL fsyncs the WAL at each); only the copy moved. The worker
 * starts with the first write and, if it cannot run, SQLite's automatic checkpoint comes back.
 */
export class Checkpointer {
  private worker: Worker | null = null;
  private running = false;
  private again = false;
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** After a commit: checkpoint what is committed, one request at a time. */
  request(): void {
    if (this.failed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const worker = this.worker ?? this.start();
    if (worker === null) return;
    this.running = true;
    worker.postMessage('checkpoint');
  }

  private start(): Worker | null {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { driver, file: this.file } });
      worker.unref();
      worker.on('message', (r: { log: number }) => this.done(r.log));
      worker.on('error', () => this.fallBack());
      this.worker = worker;
      return worker;
    } catch {
      this.fallBack();
      return null;
    }
  }

  private done(walPages: number): void {
    this.running = false;
    if (walPages > WAL_RESTART_PAGES && this.db.open) this.db.pragma('wal_checkpoint(PASSIVE)');
    if (this.again) {
      this.again = false;
      this.request();
    }
  }

  private fallBack(): void {
    this.failed = true;
    this.worker = null;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** Before the connection closes: the worker closes its own (the last to close checkpoints). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failed = true;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
