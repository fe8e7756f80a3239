// The uploader runs in a worker thread of its own, never on the guard's main thread: in a real
// guard (dist/guard-server.js, dist/store-uploader.js) a probe preloaded into every thread
// reports which threads compile sql.js's wasm; in this process the worker host is driven
// directly (worker-entry.ts through tsx) to crash its worker and to stop a stalled one.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { readPosition } from '../../guard-server/upload/state.ts';
import { startUploaderWorker, type UploaderHost } from '../../guard-server/upload/worker-host.ts';
import { FakeCloud, uploadTestbed } from './fixtures/fake-cloud.ts';
import { seedFoldedEvents } from './fixtures/fake-cloud-seed.ts';
import { guardEnv, startGuard, text, waitExit, type GuardHandle } from '../helpers/guard.ts';

const KEY = { keyId: 'worker-key', secret: 'worker-upload-secret-0123456789' };
const { cleanups, cloud, dataDir } = uploadTestbed(KEY, 'warden-upload-worker-');

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Preloaded into the guard with --import, so it runs in the main thread and again in each worker
 * thread (workers inherit execArgv): says on stderr which thread instantiates a wasm module.
 */
const PROBE = `
import { isMainThread, threadId, workerData } from 'node:worker_threads';
const where = isMainThread ? 'main' : 'worker:' + (workerData?.role ?? '?') + ':' + threadId;
for (const name of ['instantiate', 'compile']) {
  const real = WebAssembly[name];
  WebAssembly[name] = function (...args) {
    process.stderr.write('[probe] wasm ' + name + ' in ' + where + '\\n');
    return real.apply(this, args);
  };
}
`;

function probeArgs(): string[] {
  const dir = dataDir();
  const file = join(dir, 'probe.mjs');
  writeFileSync(file, PROBE);
  return ['--import', pathToFileURL(file).href];
}

async function guard(dir: string, extra: Record<string, string>): Promise<GuardHandle> {
  const g = await startGuard(guardEnv({ dataDir: dir, extra: { PATH: process.env.PATH ?? '', ...extra } }), { nodeArgs: probeArgs() });
  cleanups.push(async () => {
    await g.close().catch(() => {});
    await waitExit(g.pid).catch(() => process.kill(g.pid, 'SIGKILL'));
  });
  return g;
}

function probed(stderr: string): string[] {
  return [...stderr.matchAll(/\[probe\] wasm \w+ in (\S+)/g)].map((m) => m[1]!);
}

test('a guard with a cloud uploads from its uploader worker thread; its main thread never loads sql.js', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 700);
  const c = await cloud();
  const g = await guard(dir, {
    WARDEN_CLOUD_URL: c.url,
    WARDEN_CLOUD_KEY_ID: KEY.keyId,
    WARDEN_CLOUD_SECRET: KEY.secret,
    WARDEN_UPLOAD_INTERVAL_MS: '1000',
  });
  await until('every event', () => c.stored.size === ids.length);
  await until('the upload status written', async () => {
    const up = (JSON.parse(text(await g.call('warden_status', {}))) as { upload: { backlog: number | null } }).upload;
    return up.backlog === 0;
  });
  await g.close();
  await waitExit(g.pid);
  const threads = probed(g.stderr());
  assert.ok(
    threads.some((t) => t.startsWith('worker:warden-uploader:')),
    `the uploader worker loads sql.js: ${threads.join(', ')}`,
  );
  assert.ok(!threads.includes('main'), `the main thread loaded sql.js: ${threads.join(', ')}`);
  assert.ok(!g.stderr().includes(KEY.secret), 'the guard log holds the secret');
});

test('without a cloud the guard starts no uploader thread and its main thread never loads sql.js', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 50);
  const g = await guard(dir, {});
  const up = (JSON.parse(text(await g.call('warden_status', {}))) as { upload: { enabled: boolean } }).upload;
  assert.equal(up.enabled, false);
  await new Promise((r) => setTimeout(r, 1_500));
  await g.close();
  await waitExit(g.pid);
  const threads = probed(g.stderr());
  assert.ok(!threads.includes('main'), `the main thread loaded sql.js: ${threads.join(', ')}`);
  assert.ok(!threads.some((t) => t.startsWith('worker:warden-uploader:')), `an uploader thread ran: ${threads.join(', ')}`);
});

function host(dir: string, c: FakeCloud, logs: string[]): UploaderHost {
  const h = startUploaderWorker({
    dataDir: dir,
    cloud: { url: c.url, ...KEY, intervalMs: 300 },
    instanceId: 'inst-worker',
    log: (m) => logs.push(m.split(KEY.secret).join('[REDACTED]')),
    secrets: [KEY.secret],
    firstDelayMs: 0,
    restartBaseMs: 50,
  });
  cleanups.push(() => h.close());
  return h;
}

test('a crashed uploader worker is logged and restarted; every event still arrives once stored', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_500, 600);
  const c = await cloud();
  const logs: string[] = [];
  const h = host(dir, c, logs);
  await until('the first batch acknowledged', () => c.stored.size >= 500);
  // Hold the next batch and kill the worker while it waits for the answer.
  let release!: () => void;
  c.gate = new Promise((r) => (release = r));
  await until('a batch held', () => c.waiting === 1);
  const first = h.threadId;
  assert.notEqual(first, null);
  await h.currentWorker!.terminate();
  release();
  c.gate = null;
  await until('a new worker', () => h.workerStarts === 2 && h.threadId !== null);
  assert.notEqual(h.threadId, first);
  await until('every event', () => c.stored.size === ids.length);
  assert.ok(
    logs.some((l) => /upload worker exited \(code \d+\); restarting it/.test(l)),
    logs.join('\n'),
  );
  for (const id of ids) assert.ok(c.stored.has(id), `event ${id} missing`);
  await h.close();
  assert.equal(h.threadId, null, 'no worker after close');
  assert.ok(!logs.join('\n').includes('[REDACTED]'), 'no secret reached the log');
});

test('close stops a worker stuck on a stalled batch: the position stays at the last acknowledged batch', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 1_200);
  const c = await cloud();
  const logs: string[] = [];
  const h = host(dir, c, logs);
  await until('the first batch acknowledged', () => c.stored.size === 500 && readPosition(dir) !== null);
  c.gate = new Promise(() => {}); // never answers
  await until('a batch held', () => c.waiting === 1);
  const at = readPosition(dir);
  await h.close();
  assert.equal(h.threadId, null, 'the worker exited');
  assert.equal(h.workerStarts, 1, 'a stop is not a crash: no restart');
  assert.deepEqual({ seq: readPosition(dir)?.seq, rowid: readPosition(dir)?.rowid }, { seq: at?.seq, rowid: at?.rowid });
  c.gate = null;
});
