// The guard's uploader against the real cloud-lite (dist/cloud-lite.js, embedded SQLite): a
// backlog arrives once with no duplicate spent, and a cloud-lite killed with kill -9 mid-upload
// and started again on the same port still ends with every event stored exactly once.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { signRequest } from '../../core/protocol/signing.ts';
import { EventsPageSchema, UPLOAD_PATHS } from '../../core/protocol/upload.ts';
import { readStatus } from '../../guard-server/upload/state.ts';
import { seedFoldedEvents } from './fixtures/fake-cloud-seed.ts';
import { guardEnv, startGuard, tempDir, waitExit } from '../helpers/guard.ts';

const CLOUD = join(import.meta.dirname, '..', '..', 'dist', 'cloud-lite.js');
const skip = existsSync(CLOUD) ? false : 'dist/cloud-lite.js is not built';
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function cloudEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dataDir,
    CLOUD_LITE_DATA_DIR: dataDir,
    CLOUD_LITE_PORT: String(port),
    CLOUD_LITE_QUOTA_PRO: '1000000',
  };
}

function createKey(dataDir: string): { key_id: string; secret: string } {
  const r = spawnSync(process.execPath, [CLOUD, 'keys', 'create', '--user', 'u1', '--email', 'u1@example.com', '--plan', 'pro'], {
    env: cloudEnv(dataDir, 0),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { key_id: string; secret: string };
}

async function startCloud(dataDir: string, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLOUD], { env: cloudEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cloud-lite exited ${code}`)));
  });
  return { child, url };
}

/** Every stored event id, through the signed GET /v1/events pages. */
async function storedIds(url: string, key: { key_id: string; secret: string }): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `${UPLOAD_PATHS.events}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const headers = await signRequest({ method: 'GET', pathWithQuery: path, body: '', keyId: key.key_id, secret: key.secret });
    const res = await fetch(url + path, { headers });
    assert.equal(res.status, 200, await res.clone().text());
    const page = EventsPageSchema.parse(await res.json());
    ids.push(...page.events.map((e) => e.id));
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function assertExactlyOnce(stored: string[], ids: string[]): void {
  assert.equal(new Set(stored).size, stored.length, 'an event is stored twice');
  assert.deepEqual([...stored].sort(), [...ids].sort());
}

test('a backlog reaches cloud-lite exactly once', { skip }, async () => {
  const cloudDir = dir('warden-cloud-');
  const guardDir = dir('warden-upload-real-');
  const key = createKey(cloudDir);
  const { url } = await startCloud(cloudDir);
  const ids = await seedFoldedEvents(guardDir, 1_100);
  const g = await startGuard(
    guardEnv({
      dataDir: guardDir,
      extra: {
        PATH: process.env.PATH ?? '',
        WARDEN_CLOUD_URL: url,
        WARDEN_CLOUD_KEY_ID: key.key_id,
        WARDEN_CLOUD_SECRET: key.secret,
        WARDEN_UPLOAD_INTERVAL_MS: '1000',
      },
    }),
  );
  cleanups.push(() => void g.close().catch(() => {}));
  await until('an empty backlog', () => readStatus(guardDir)?.backlog === 0 && (readStatus(guardDir)?.accepted_total ?? 0) > 0);
  assertExactlyOnce(await storedIds(url, key), ids);
  const status = readStatus(guardDir)!;
  assert.equal(status.accepted_total, ids.length);
  assert.equal(status.duplicates_total, 0, 'nothing sent twice');
  await g.close();
  await waitExit(g.pid);
});

test('cloud-lite killed with kill -9 while the guard uploads, then down a while: every event stored exactly once', { skip }, async () => {
  const cloudDir = dir('warden-cloud-');
  const guardDir = dir('warden-upload-real-');
  const key = createKey(cloudDir);
  let cloud = await startCloud(cloudDir);
  const port = Number(new URL(cloud.url).port);
  const ids = await seedFoldedEvents(guardDir, 3_000);
  const g = await startGuard(
    guardEnv({
      dataDir: guardDir,
      extra: {
        PATH: process.env.PATH ?? '',
        WARDEN_CLOUD_URL: cloud.url,
        WARDEN_CLOUD_KEY_ID: key.key_id,
        WARDEN_CLOUD_SECRET: key.secret,
        WARDEN_UPLOAD_INTERVAL_MS: '1000',
      },
    }),
  );
  cleanups.push(() => void g.close().catch(() => {}));
  // Killed as soon as the first batch is acknowledged: most of the backlog is still to go.
  const position = join(guardDir, 'upload', 'position.json');
  for (const end = Date.now() + 60_000; !existsSync(position);) {
    if (Date.now() > end) throw new Error('no batch acknowledged');
    await new Promise((r) => setTimeout(r, 5));
  }
  cloud.child.kill('SIGKILL');
  await new Promise((r) => cloud.child.once('exit', r));
  await until('the outage noticed', () => readStatus(guardDir)?.last_error?.code === 'network');
  await new Promise((r) => setTimeout(r, 2_000));
  cloud = await startCloud(cloudDir, port);
  await until('an empty backlog', () => readStatus(guardDir)?.backlog === 0 && readStatus(guardDir)?.last_error === null);
  assertExactlyOnce(await storedIds(cloud.url, key), ids);
  await g.close();
  await waitExit(g.pid);
});
