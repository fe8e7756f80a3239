// The uploader yields to tool calls: a batch waits while the guard is busy (calls in flight, or
// one ended less than the quiet time ago), at most the longest deferral; an idle guard gets
// batches back to back. In this process through the uploader's activity option, and through the
// worker host, whose shared buffer the worker reads. Counts over windows, no exact timings.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CallActivity, activityReader, type ActivitySource } from '../../guard-server/upload/activity.ts';
import { Uploader } from '../../guard-server/upload/uploader.ts';
import { startUploaderWorker } from '../../guard-server/upload/worker-host.ts';
import { uploadTestbed } from './fixtures/fake-cloud.ts';
import { seedFoldedEvents } from './fixtures/fake-cloud-seed.ts';

const KEY = { keyId: 'yield-key', secret: 'yield-upload-secret-0123456789' };
const { cleanups, cloud, dataDir } = uploadTestbed(KEY, 'warden-upload-yield-');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('a busy guard gets one batch per longest deferral; an idle one gets them back to back', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 300);
  const c = await cloud();
  let busy = true;
  const activity: ActivitySource = { busy: () => busy };
  const u = new Uploader({
    dataDir: dir,
    cloud: { url: c.url, ...KEY, intervalMs: 60_000 },
    instanceId: 'inst-yield',
    log: () => {},
    redact: (s) => s,
    firstDelayMs: 0,
    maxBatchEvents: 10, // 30 batches
    activity,
    quietMs: 20,
    maxDeferMs: 500,
  });
  cleanups.push(() => u.close());
  u.start();
  // Busy throughout: batches at ~0.5, 1.0, 1.5 s; back to back all 30 would be gone by now.
  await sleep(1_600);
  const whileBusy = c.requests.length;
  assert.ok(whileBusy >= 1, 'a guard that is never idle still uploads');
  assert.ok(whileBusy <= 4, `${whileBusy} batches in 1.6 s while busy (one per 500 ms expected)`);
  // Idle: the rest (26+ batches) would take 13 s at one per deferral; back to back it is ms.
  busy = false;
  await sleep(1_500);
  assert.equal(c.stored.size, ids.length, `${c.stored.size} of ${ids.length} events 1.5 s after the guard went idle`);
  await u.close();
});

test('the worker host shares call activity with its worker: batches wait while a call is in flight', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_500); // 3 batches of 500
  const c = await cloud();
  const logs: string[] = [];
  const h = startUploaderWorker({
    dataDir: dir,
    cloud: { url: c.url, ...KEY, intervalMs: 60_000 },
    instanceId: 'inst-yield-worker',
    log: (m) => logs.push(m),
    secrets: [KEY.secret],
    firstDelayMs: 0,
    quietMs: 50,
    maxDeferMs: 60_000, // in this test a call in flight holds the batches for as long as it lasts
  });
  cleanups.push(() => h.close());
  h.activity.begin(); // a call in flight from the start
  await until('the worker started', () => h.threadId !== null);
  await sleep(1_500);
  assert.equal(c.requests.length, 0, `the worker sent ${c.requests.length} batches while a call was in flight`);
  // The reader sees what the host's writer records, from another thread.
  assert.equal(activityReader(h.activity.shared).busy(50), true);
  h.activity.end();
  await until('every event', () => c.stored.size === ids.length);
  assert.ok(c.requests.length >= 3);
  await h.close();
  assert.deepEqual(logs, []);
});

test('call activity: busy while in flight and for the quiet time after the last call, idle when fresh', async () => {
  const a = new CallActivity();
  const r = activityReader(a.shared);
  assert.equal(r.busy(100), false, 'no call yet');
  a.begin();
  a.begin();
  a.end();
  assert.equal(r.busy(0), true, 'one call still in flight');
  a.end();
  assert.equal(r.busy(60_000), true, 'a call just ended');
  await sleep(60);
  assert.equal(r.busy(30), false, 'quiet for longer than the quiet time');
});
