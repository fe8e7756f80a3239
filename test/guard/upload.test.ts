// The uploader in this process against a fake cloud-lite (real HTTP, real signatures, real
// segment files): batching, exactly-once, Retry-After, quota, outage, a bad event, a body cap,
// two uploaders on one data dir. Short intervals through the uploader's own options.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAX_BATCH_EVENTS } from '../../core/protocol/upload.ts';
import { backoffDelayMs, Uploader, type UploaderOptions } from '../../guard-server/upload/uploader.ts';
import { FoldedEventReader, type FoldedPosition } from '../../store/read/folded-events.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { readPosition, readStatus, writePosition } from '../../guard-server/upload/state.ts';
import { FakeCloud, tooMany, type FakeCloudOptions } from './fixtures/fake-cloud.ts';
import { seedFoldedEvents } from './fixtures/fake-cloud-seed.ts';
import { tempDir } from '../helpers/guard.ts';

const KEY = { keyId: 'test-key', secret: 'upload-secret-0123456789abcdef' };
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function cloud(over: Partial<FakeCloudOptions> = {}): Promise<FakeCloud> {
  const c = await new FakeCloud({ ...KEY, ...over }).start();
  cleanups.push(() => c.stop());
  return c;
}

function dataDir(): string {
  const dir = tempDir('warden-upload-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function uploader(dir: string, c: FakeCloud, over: Partial<UploaderOptions> = {}, logs: string[] = []): Uploader {
  const u = new Uploader({
    dataDir: dir,
    cloud: { url: c.url, ...KEY, intervalMs: 300 },
    instanceId: 'inst-test',
    log: (m) => logs.push(m),
    redact: (s) => s.split(KEY.secret).join('[REDACTED]'),
    firstDelayMs: 0,
    backoffBaseMs: 50,
    ...over,
  });
  cleanups.push(() => u.close());
  u.start();
  return u;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function assertEachOnce(c: FakeCloud, ids: readonly string[]): void {
  for (const id of ids) assert.equal(c.receipts.get(id), 1, `event ${id} received ${c.receipts.get(id) ?? 0} times`);
  assert.equal(c.receipts.size, ids.length, 'nothing else received');
}

function assertNoSecret(dir: string, logs: string[]): void {
  for (const name of readdirSync(join(dir, 'upload'))) {
    const text = readFileSync(join(dir, 'upload', name), 'utf8');
    assert.ok(!text.includes(KEY.secret), `${name} holds the secret`);
    assert.ok(!/v1=[0-9a-f]{64}/.test(text), `${name} holds a signature`);
  }
  assert.ok(!logs.join('\n').includes(KEY.secret), 'a log line holds the secret');
}

test('a backlog uploads exactly once, in batches of at most 500, and the position ends past it', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_234, 600);
  const c = await cloud();
  const logs: string[] = [];
  const u = uploader(dir, c, {}, logs);
  await until('every event', () => c.stored.size === ids.length);
  await u.close();
  assertEachOnce(c, ids);
  assert.ok(c.requests.length >= 3);
  assert.ok(c.requests.every((r) => r.ids.length <= MAX_BATCH_EVENTS));
  assert.deepEqual(
    c.requests.flatMap((r) => r.ids),
    ids,
    'in fold order',
  );
  assert.ok(readPosition(dir), 'position written');
  const status = readStatus(dir)!;
  assert.equal(status.accepted_total, ids.length);
  assert.equal(status.backlog, 0);
  assert.ok(status.last_success_at);
  assertNoSecret(dir, logs);
  // A new uploader on the same data dir resumes from the position: nothing is sent again.
  const before = c.requests.length;
  const again = uploader(dir, c);
  await until('a status written by the new uploader', () => (readStatus(dir)?.updated_at ?? 0) > status.updated_at);
  await again.close();
  assert.equal(c.requests.length, before, 'no batch re-sent');
});

test('Retry-After of a 429 is honoured, then the backlog goes', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 40);
  const c = await cloud();
  c.scripted.push(tooMany(1));
  uploader(dir, c);
  await until('every event', () => c.stored.size === ids.length);
  const [refused, next] = c.requests;
  assert.equal(refused!.status, 429);
  assert.ok(next!.at - refused!.at >= 900, `the next request came ${next!.at - refused!.at} ms after a Retry-After of 1 s`);
  assertEachOnce(c, ids);
  await until('the error cleared by the next success', () => readStatus(dir)?.last_error === null);
});

test('quota_exceeded inside a 200 keeps the refused events and sends them after the pause', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 700);
  const c = await cloud({ quota: 550, quotaRetryAfter: 1 });
  uploader(dir, c);
  await until('the quota reached', () => c.stored.size === 550);
  await until('the pause in the status', () => (readStatus(dir)?.paused_until ?? 0) > 0);
  assert.equal(readStatus(dir)!.last_error?.code, 'quota_exceeded');
  c.quota = undefined; // the day turns
  await until('every event', () => c.stored.size === ids.length);
  assertEachOnce(c, ids);
});

test('a cloud outage: retries back off and everything arrives once the cloud is back', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 900);
  const c = await cloud();
  await c.stop();
  const logs: string[] = [];
  uploader(dir, c, {}, logs);
  await until('a network error in the status', () => readStatus(dir)?.last_error?.code === 'network');
  await new Promise((r) => setTimeout(r, 500));
  await c.start();
  await until('every event', () => c.stored.size === ids.length);
  assertEachOnce(c, ids);
  assertNoSecret(dir, logs);
});

test('a bad event is isolated by bisection, skipped and counted; the rest arrives', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 300);
  const bad = ids[137]!;
  const c = await cloud({ badIds: new Set([bad]) });
  uploader(dir, c);
  await until('every other event', () => c.stored.size === ids.length - 1);
  await until('the rejection counted', () => readStatus(dir)?.rejected_total === 1);
  assert.ok(!c.stored.has(bad));
  assertEachOnce(
    c,
    ids.filter((id) => id !== bad),
  );
});

test('413: the batch is halved until it fits the service cap', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 400);
  const c = await cloud({ maxBodyBytes: 40_000 });
  uploader(dir, c);
  await until('every event', () => c.stored.size === ids.length);
  assertEachOnce(c, ids);
  assert.ok(c.requests.some((r) => r.status === 200 && r.ids.length < 400));
});

test('two uploaders on one data dir: each event is received once', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_500, 400);
  const c = await cloud();
  uploader(dir, c);
  uploader(dir, c);
  await until('every event', () => c.stored.size === ids.length);
  await new Promise((r) => setTimeout(r, 700));
  assertEachOnce(c, ids);
  assert.ok(existsSync(join(dir, 'upload.lock')));
});

test('close waits about a second for a stalled batch, then gives up without moving the position', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 10);
  const c = await cloud();
  let open!: () => void;
  c.gate = new Promise((r) => (open = r));
  const u = uploader(dir, c);
  await until('a request in flight', () => c.waiting === 1);
  await u.close();
  assert.equal(readPosition(dir), null, 'nothing acknowledged, nothing moved');
  assert.ok(!existsSync(join(dir, 'upload.lock')), 'lease released');
  open();
});

test('retry delays grow exponentially with full jitter and never exceed the upload interval', () => {
  const top = (failures: number) => backoffDelayMs(failures, 1_000, 30_000, () => 0.999999);
  assert.ok(top(1) <= 1_000 && top(2) <= 2_000 && top(3) <= 4_000);
  assert.ok(top(2) > top(1) && top(3) > top(2), 'grows');
  for (let f = 1; f <= 200; f++) assert.ok(top(f) <= 30_000, `failure ${f}: ${top(f)} ms`);
  assert.equal(top(60), top(6), 'capped');
  assert.ok(backoffDelayMs(5, 1_000, 30_000, () => 0.25) < top(5), 'jittered below the step');
});

test('segments dropped by retention before upload are skipped, counted and warned about once', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 35, 10);
  const segments = readdirSync(join(dir, 'db'))
    .filter((n) => n.endsWith('.sqlite'))
    .sort();
  // Nothing of the oldest segment uploaded yet when retention drops it.
  writePosition(dir, { seq: Number(/\d{6}/.exec(segments[0]!)![0]), rowid: 0, at: 0 });
  unlinkSync(join(dir, 'db', segments[0]!));
  const c = await cloud();
  const logs: string[] = [];
  uploader(dir, c, {}, logs);
  await until('the remaining events', () => c.stored.size === ids.length - 10);
  await until('the loss in the status', () => (readStatus(dir)?.lost_segments ?? 0) === 1);
  assert.equal(readStatus(dir)!.lost_to_retention, 10, 'the newest manifest still knew the count');
  assertEachOnce(c, ids.slice(10));
  assert.equal(logs.filter((l) => l.includes('retention')).length, 1);
});

test('401 (a wrong secret): nothing moves, the error is in the status without the secret, and retries go on', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 30);
  const c = await cloud();
  const logs: string[] = [];
  const wrong = 'not-the-secret-but-another-0123';
  uploader(
    dir,
    c,
    { cloud: { url: c.url, keyId: KEY.keyId, secret: wrong, intervalMs: 300 }, redact: (s) => s.split(wrong).join('[REDACTED]') },
    logs,
  );
  await until('several refused attempts', () => c.requests.filter((r) => r.status === 401).length >= 3);
  await until('the error in the status', () => readStatus(dir)?.last_error?.code === 'bad_signature');
  assert.equal(c.stored.size, 0);
  assert.equal(readPosition(dir), null);
  const files = readdirSync(join(dir, 'upload')).map((n) => readFileSync(join(dir, 'upload', n), 'utf8'));
  assert.ok(!files.join('\n').includes(wrong) && !logs.join('\n').includes(wrong));
});

test('the reader loads each segment once per drain and nothing while the store is unchanged', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 1_500, 600); // segments of 600, 600 and 300 (the newest)
  const reader = new FoldedEventReader(await loadSqlJs(), dir);
  cleanups.push(() => reader.close());
  let pos: FoldedPosition | null = null;
  let seen = 0;
  // Like the uploader: a batch, then the backlog after it (which reads the newest segment).
  for (;;) {
    const read = reader.read(pos, 250);
    if (read.rows.length === 0) break;
    seen += read.rows.length;
    pos = { seq: read.rows.at(-1)!.seq, rowid: read.rows.at(-1)!.rowid };
    assert.equal(reader.backlog(pos), 1_500 - seen);
  }
  assert.equal(seen, 1_500);
  assert.equal(reader.segmentLoads, 3, 'the position’s segment and the newest do not evict each other');
  assert.equal(reader.backlog(pos), 0);
  // A run of an idle uploader: the copies are closed between runs, the store did not change.
  reader.close();
  assert.equal(reader.read(pos, 250).rows.length, 0);
  assert.equal(reader.backlog(pos), 0);
  assert.equal(reader.segmentLoads, 3, 'an unchanged store is not loaded again');
});
