// The uploader inside real guard processes (dist/guard-server.js) against a fake cloud-lite:
// off without a cloud, a backlog uploaded once and shown by warden_status and
// `audit --upload-status`, kill -9 between batches, two guards on one data dir.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeCloud, uploadTestbed } from './fixtures/fake-cloud.ts';
import { seedFoldedEvents } from './fixtures/fake-cloud-seed.ts';
import { GUARD, guardEnv, startGuard, text, waitExit, type GuardHandle } from '../helpers/guard.ts';

const KEY = { keyId: 'guard-key', secret: 'guard-upload-secret-0123456789' };
const { cleanups, cloud, dataDir } = uploadTestbed(KEY, 'warden-upload-guard-');

function cloudEnv(c: FakeCloud): Record<string, string> {
  return {
    WARDEN_CLOUD_URL: c.url,
    WARDEN_CLOUD_KEY_ID: KEY.keyId,
    WARDEN_CLOUD_SECRET: KEY.secret,
    WARDEN_UPLOAD_INTERVAL_MS: '1000',
  };
}

async function guard(dir: string, extra: Record<string, string> = {}): Promise<GuardHandle> {
  const g = await startGuard(guardEnv({ dataDir: dir, extra: { PATH: process.env.PATH ?? '', ...extra } }));
  cleanups.push(async () => {
    await g.close().catch(() => {});
    await waitExit(g.pid).catch(() => process.kill(g.pid, 'SIGKILL'));
  });
  return g;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface UploadView {
  enabled: boolean;
  cloud: string | null;
  backlog: number | null;
  last_success: string | null;
  last_error: { code: string; message: string } | null;
  accepted_total: number;
}

async function uploadStatus(g: GuardHandle): Promise<UploadView> {
  return (JSON.parse(text(await g.call('warden_status', {}))) as { upload: UploadView }).upload;
}

function assertEachOnce(c: FakeCloud, ids: readonly string[]): void {
  for (const id of ids) assert.equal(c.receipts.get(id), 1, `event ${id} received ${c.receipts.get(id) ?? 0} times`);
  assert.equal(c.receipts.size, ids.length, 'nothing else received');
}

test('without WARDEN_CLOUD_URL the uploader is off: no lease, no files, warden_status says so', async () => {
  const dir = dataDir();
  await seedFoldedEvents(dir, 20);
  const g = await guard(dir);
  await new Promise((r) => setTimeout(r, 1_500));
  const up = await uploadStatus(g);
  assert.equal(up.enabled, false);
  assert.equal(up.cloud, null);
  assert.ok(!existsSync(join(dir, 'upload.lock')), 'no lease taken');
  assert.ok(!existsSync(join(dir, 'upload')), 'no upload files');
  await g.close();
  await waitExit(g.pid);
});

test('a guard uploads the backlog once; warden_status and audit --upload-status show it; no secret anywhere', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_200);
  const c = await cloud();
  const g = await guard(dir, cloudEnv(c));
  await until('every event', () => c.stored.size === ids.length);
  await until('warden_status with an empty backlog', async () => {
    const up = await uploadStatus(g);
    return up.backlog === 0 && up.last_success !== null;
  });
  const up = await uploadStatus(g);
  assert.equal(up.enabled, true);
  assert.equal(up.cloud, c.url);
  assert.equal(up.accepted_total, ids.length);
  assert.equal(up.last_error, null);
  assertEachOnce(c, ids);
  assert.ok(c.requests.every((r) => r.ids.length <= 500));

  const cli = spawnSync(process.execPath, [GUARD, 'audit', '--upload-status', '--data-dir', dir, '--json'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const report = JSON.parse(cli.stdout) as UploadView;
  assert.equal(report.backlog, 0);
  assert.equal(report.accepted_total, ids.length);
  const textOut = spawnSync(process.execPath, [GUARD, 'audit', '--upload-status', '--data-dir', dir], { encoding: 'utf8' });
  assert.match(textOut.stdout, /backlog\s+0 folded events/);

  await g.close();
  await waitExit(g.pid);
  for (const name of readdirSync(join(dir, 'upload'))) {
    assert.ok(!readFileSync(join(dir, 'upload', name), 'utf8').includes(KEY.secret), `${name} holds the secret`);
  }
  assert.ok(!g.stderr().includes(KEY.secret), 'the guard log holds the secret');
  assert.ok(!cli.stdout.includes(KEY.secret) && !textOut.stdout.includes(KEY.secret));
});

test('kill -9 between batches: the restarted guard resumes at the position and never re-sends an acknowledged batch', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 1_200);
  const c = await cloud();
  const first = await guard(dir, cloudEnv(c));
  await until('the first batch acknowledged', () => c.stored.size === 500);
  // Hold the second batch: the guard is killed while it waits.
  let release!: () => void;
  c.gate = new Promise((r) => (release = r));
  await until('the second batch held', () => c.waiting === 1 && existsSync(join(dir, 'upload', 'position.json')));
  process.kill(first.pid, 'SIGKILL');
  await waitExit(first.pid);
  release();
  c.gate = null;
  await until('the held request dropped', () => c.waiting === 0);
  assert.equal(c.stored.size, 500, 'only the acknowledged batch is stored');

  const second = await guard(dir, cloudEnv(c));
  await until('every event', () => c.stored.size === ids.length);
  await new Promise((r) => setTimeout(r, 1_500));
  assertEachOnce(c, ids);
  await second.close();
  await waitExit(second.pid);
});

test('two guards on one data dir: each event is received exactly once', async () => {
  const dir = dataDir();
  const ids = await seedFoldedEvents(dir, 2_500, 1_000);
  const c = await cloud();
  const [a, b] = await Promise.all([guard(dir, cloudEnv(c)), guard(dir, cloudEnv(c))]);
  await until('every event', () => c.stored.size === ids.length);
  await new Promise((r) => setTimeout(r, 2_500));
  assertEachOnce(c, ids);
  await Promise.all([a.close(), b.close()]);
  await Promise.all([waitExit(a.pid), waitExit(b.pid)]);
});
