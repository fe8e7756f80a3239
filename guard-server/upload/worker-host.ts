// The guard's side of the uploader: it starts the uploader's worker thread (worker-entry.ts,
// its own bundle dist/store-uploader.js) when a cloud is configured, writes the worker's log
// lines to the guard log, restarts a worker that dies (with backoff: a crash never takes the
// guard down) and stops it on close. Nothing here loads sql.js, undici or the segment files:
// the guard's event loop only ever sees a log message now and then.
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { CallActivity } from './activity.ts';
import type { CloudTarget } from './client.ts';
import { UPLOAD_LOCK_FILE } from './state.ts';
import { UPLOADER_ROLE } from './worker-protocol.ts';
import type { FromUploader, ToUploader, UploaderWorkerData } from './worker-protocol.ts';

declare const WARDEN_BUNDLE: boolean | undefined;
/** Set by esbuild.mjs: the uploader worker's own bundle, relative to the bundle that spawns it. */
declare const WARDEN_UPLOADER_SCRIPT: string | undefined;

export interface UploaderHostOptions {
  dataDir: string;
  cloud: CloudTarget & { intervalMs: number };
  instanceId: string;
  /** The guard's logger (it redacts every line). */
  log: Logger;
  /** The guard's configured secrets, for the worker's own redaction of what it logs and writes. */
  secrets: readonly string[];
  /** Delay of the worker's first run; default the uploader's own. */
  firstDelayMs?: number;
  /** First restart delay after a crash; doubles per crash in a row (default 1 s, capped at 5 min). */
  restartBaseMs?: number;
  /** Overrides of the uploader's quiet time and longest deferral (tests). */
  quietMs?: number;
  maxDeferMs?: number;
}

/** The uploader finishes or aborts its batch within ~1 s of a stop; then the worker is terminated. */
const STOP_WAIT_MS = 2_000;
const RESTART_CAP_MS = 5 * 60_000;
/** A worker that ran this long before dying starts the backoff over. */
const HEALTHY_MS = 60_000;
/** Like the store's folder: a small heap. Segment files and sql.js's memory are off-heap. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

export class UploaderHost {
  private worker: Worker | null = null;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private starts = 0;
  private lastThreadId: number | null = null;
  /**
   * Where the request path records tool calls (one buffer for every worker this host starts,
   * so a restarted worker sees the calls in flight).
   */
  readonly activity = new CallActivity();

  constructor(private readonly opts: UploaderHostOptions) {}

  start(): void {
    if (this.closing === null && this.worker === null) this.spawn();
  }

  /** How many workers were started (1 + restarts). */
  get workerStarts(): number {
    return this.starts;
  }

  /** The running worker's thread id (null while none runs). */
  get threadId(): number | null {
    return this.worker === null ? null : this.lastThreadId;
  }

  /** The running worker, for tests that crash it. */
  get currentWorker(): Worker | null {
    return this.worker;
  }

  /** Asks the worker to stop; terminates it if it has not exited after ~2 s. Never throws. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private spawn(): void {
    const data: UploaderWorkerData = {
      role: UPLOADER_ROLE,
      dataDir: this.opts.dataDir,
      cloud: this.opts.cloud,
      instanceId: this.opts.instanceId,
      redact: this.opts.secrets,
      firstDelayMs: this.starts === 0 ? this.opts.firstDelayMs : undefined,
      activity: this.activity.shared,
      quietMs: this.opts.quietMs,
      maxDeferMs: this.opts.maxDeferMs,
    };
    this.starts++;
    this.startedAt = Date.now();
    this.lastThreadId = null; // until the new worker says it started
    let worker: Worker;
    try {
      worker = spawnUploaderWorker(data);
    } catch (err) {
      this.restartLater(`upload worker could not start (${(err as Error).message})`);
      return;
    }
    worker.unref(); // uploads never keep the guard alive on their own
    worker.on('message', (m: FromUploader) => {
      if (m.type === 'log') this.opts.log(m.message);
      else if (m.type === 'started') this.lastThreadId = m.threadId;
    });
    // The logger redacts the configured secrets from the message and stack as well.
    worker.on('error', (err) => this.opts.log(`upload worker failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closing !== null) return;
    // Unexpected: the position and the backlog are on disk; a new worker goes on from there.
    this.releaseDeadLease();
    this.restartLater(`upload worker exited (code ${code})`);
  }

  /**
   * The dead worker's upload.lock carries this pid, so to everyone else it looks alive until
   * its heartbeat is stale (15 s). Only this process's one uploader worker takes that lease,
   * and it is gone: remove the lease, so the next worker (or another guard) takes it at once.
   */
  private releaseDeadLease(): void {
    const path = join(this.opts.dataDir, UPLOAD_LOCK_FILE);
    try {
      const lease = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown };
      if (lease.pid === process.pid && lease.host === hostname()) unlinkSync(path);
    } catch {
      /* no lease, or not readable: the stale check takes over */
    }
  }

  private restartLater(why: string): void {
    if (Date.now() - this.startedAt >= HEALTHY_MS) this.crashes = 0;
    const delay = Math.min(RESTART_CAP_MS, (this.opts.restartBaseMs ?? 1_000) * 2 ** Math.min(this.crashes, 20));
    this.crashes++;
    this.opts.log(`${why}; restarting it in ${Math.round(delay / 1000)} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delay);
    this.restartTimer.unref();
  }

  private async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const worker = this.worker;
    if (worker === null) return;
    worker.ref(); // the guard's shutdown awaits this
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log('upload worker did not stop in time; terminating it');
        void worker.terminate();
      }, STOP_WAIT_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const stop: ToUploader = { type: 'stop' };
      worker.postMessage(stop);
    });
  }
}

/** Starts the uploader's worker thread (its first run a few seconds from now). */
export function startUploaderWorker(opts: UploaderHostOptions): UploaderHost {
  const host = new UploaderHost(opts);
  host.start();
  return host;
}

/**
 * The worker script: when bundled, the uploader's own bundle (dist/store-uploader.js, see
 * esbuild.mjs), or the bundle file itself when a bundle defines no separate one (its entry then
 * calls runUploaderWorkerIfWorker() first); else worker-entry.ts through tsx, whose loader hooks
 * are not inherited by worker threads on Node 20 and are registered here.
 */
function spawnUploaderWorker(workerData: UploaderWorkerData): Worker {
  const options = { workerData, resourceLimits: RESOURCE_LIMITS };
  if (typeof WARDEN_BUNDLE !== 'undefined') {
    const script =
      typeof WARDEN_UPLOADER_SCRIPT !== 'undefined' ? new URL(WARDEN_UPLOADER_SCRIPT, import.meta.url) : new URL(import.meta.url);
    return new Worker(script, options);
  }
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
