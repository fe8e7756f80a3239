// The uploader's worker thread, bundled on its own as dist/store-uploader.js (esbuild.mjs):
// the lease, the segment reads (sql.js), JSON, hashing, signing, HTTP and the position and
// status files all run here, so none of them ever holds the guard's event loop. In development
// (tsx) this module is loaded directly as the worker and starts itself below.
import { setPriority } from 'node:os';
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import { makeRedactor } from '../log.ts';
import { activityReader } from './activity.ts';
import { Uploader } from './uploader.ts';
import { UPLOADER_ROLE } from './worker-protocol.ts';
import type { FromUploader, ToUploader, UploaderWorkerData } from './worker-protocol.ts';

let started = false;

/** Runs the uploader when this thread is the guard's uploader worker; returns whether it is. */
export function runUploaderWorkerIfWorker(): boolean {
  if (isMainThread || parentPort === null) return false;
  const data = workerData as Partial<UploaderWorkerData> | undefined;
  if (data?.role !== UPLOADER_ROLE) return false;
  if (!started) {
    started = true;
    runUploader(data as UploaderWorkerData);
  }
  return true;
}

function runUploader(data: UploaderWorkerData): void {
  const port = parentPort!;
  const send = (m: FromUploader): void => port.postMessage(m);
  const redact = makeRedactor(data.redact);
  // Uploads are bookkeeping: on Linux, priority 0's "process" is the calling thread, so this
  // lowers only the uploader thread and the request path keeps the core when both want it.
  try {
    setPriority(0, 10);
  } catch {
    /* not permitted on this platform: uploads still work, at normal priority */
  }
  const uploader = new Uploader({
    dataDir: data.dataDir,
    cloud: data.cloud,
    instanceId: data.instanceId,
    log: (message) => send({ type: 'log', message: redact(message) }),
    redact,
    firstDelayMs: data.firstDelayMs,
    activity: activityReader(data.activity),
    quietMs: data.quietMs,
    maxDeferMs: data.maxDeferMs,
  });
  uploader.start();
  send({ type: 'started', threadId });
  port.on('message', (m: ToUploader) => {
    if (m.type !== 'stop') return;
    void uploader.close().finally(() => {
      send({ type: 'stopped' });
      port.close();
    });
  });
}

// Loaded directly as the worker script (development, tests, dist/store-uploader.js): start.
runUploaderWorkerIfWorker();
