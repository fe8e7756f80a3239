// What the guard's main thread (worker-host.ts) and its uploader worker (worker-entry.ts) say
// to each other. Kept apart from both so the main thread's bundle pulls in neither the
// uploader, sql.js nor undici's upload agent: the worker is its own bundle (dist/store-uploader.js).
import type { SharedActivity } from './activity.ts';
import type { CloudTarget } from './client.ts';

export const UPLOADER_ROLE = 'warden-uploader';

export interface UploaderWorkerData {
  role: typeof UPLOADER_ROLE;
  dataDir: string;
  /** The cloud secret travels here, in memory, never through a child's env or a file. */
  cloud: CloudTarget & { intervalMs: number };
  instanceId: string;
  /** The guard's configured secrets: the worker removes them from what it logs and writes. */
  redact: readonly string[];
  /** Delay of the first run (default: the uploader's own, a few seconds jittered). */
  firstDelayMs?: number;
  /** The guard's tool-call activity (activity.ts): batches wait while calls are served. */
  activity: SharedActivity;
  /** Overrides of the uploader's QUIET_MS / MAX_DEFER_MS (tests). */
  quietMs?: number;
  maxDeferMs?: number;
}

/** Main thread → worker: finish (or abort, after ~1 s) the batch in flight and exit. */
export type ToUploader = { type: 'stop' };

/** Worker → main thread. */
export type FromUploader =
  /** A line for the guard log, already redacted (the guard's logger redacts it again). */
  { type: 'log'; message: string } | { type: 'started'; threadId: number } | { type: 'stopped' };
