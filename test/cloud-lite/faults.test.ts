// cloud-lite under faults, on the built bundle as a real process: kill -9 in the middle of an
// ingest stream loses no acknowledged event (embedded SQLite, whose file stays intact, and
// PostgreSQL); Redis restarted empty mid-run makes the service fail closed (503 with
// Retry-After, healthz 503, nothing stored), then recover without a restart, refusing a request
// signed before the restart as stale (the nonce cache's epoch) and accepting a fresh one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../helpers/services.ts';
import { createKeyCli, listAllEventIds, signFor, startCloudLite, type CloudLiteKey, type CloudLiteProcess } from '../helpers/cloud-lite.ts';
import { answer, batchBody, makeEvents } from './http-client.ts';

const BIG = { CLOUD_LITE_QUOTA_PRO: '100000000', CLOUD_LITE_BURST_LIMIT: '1000000' };

async function post(base: string, key: CloudLiteKey, body: string, headers?: Record<string, string>) {
  const h = headers ?? (await signFor(key, 'POST', '/v1/batches', body));
  return answer(await fetch(base + '/v1/batches', { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body }));
}

/**
 * Sends batches of 100 from `clients` concurrent loops until the service dies, SIGKILLs it once
 * `killAfter` events are acknowledged, and returns every acknowledged id (and how many batches
 * were in flight when it died).
 */
async function ingestUntilKilled(svc: CloudLiteProcess, key: CloudLiteKey, killAfter: number, clients = 3): Promise<string[]> {
  const acked: string[] = [];
  let killing: Promise<void> | null = null;
  const loop = async (): Promise<void> => {
    for (;;) {
      const events = makeEvents(100);
      let r;
      try {
        r = await post(svc.url, key, batchBody(events));
      } catch {
        return; // the connection died with the service: not acknowledged
      }
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.accepted, 100);
      acked.push(...events.map((e) => e.id));
      if (acked.length >= killAfter && killing === null) killing = svc.kill9();
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  await killing;
  return acked;
}

describe('cloud-lite faults: kill -9 during ingest', () => {
  const dirs: string[] = [];
  const procs: CloudLiteProcess[] = [];
  let pg: PostgresServer | undefined;
  after(async () => {
    await Promise.all(procs.map((p) => p.kill9()));
    await pg?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const crashAndCheck = async (env: Record<string, string>): Promise<void> => {
    const key = createKeyCli(env, 'crash', 'pro');
    const svc = await startCloudLite({ ...env, ...BIG });
    procs.push(svc);
    const acked = await ingestUntilKilled(svc, key, 3000);
    assert.equal(svc.proc.signalCode, 'SIGKILL');
    assert.ok(acked.length >= 3000);

    const again = await startCloudLite({ ...env, ...BIG });
    procs.push(again);
    const stored = new Set(await listAllEventIds(again.url, key));
    const missing = acked.filter((id) => !stored.has(id));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged events missing of ${acked.length}`);
    await again.stop();
  };

  it('embedded: every acknowledged event is present after restart, and the SQLite file passes integrity_check', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-cloud-faults-'));
    dirs.push(dataDir);
    await crashAndCheck({ CLOUD_LITE_DATA_DIR: dataDir });
    const db = new Database(join(dataDir, SQLITE_FILE));
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  });

  it('PostgreSQL: every acknowledged event is present after restart', async () => {
    pg = await startPostgres();
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-cloud-faults-'));
    dirs.push(dataDir);
    await crashAndCheck({ CLOUD_LITE_DATA_DIR: dataDir, DATABASE_URL: pg.createDatabase('crash') });
  });
});

describe('cloud-lite faults: Redis restarted empty mid-run', () => {
  let redis: RedisServer;
  let svc: CloudLiteProcess;
  let dataDir: string;
  let key: CloudLiteKey;
  before(async () => {
    redis = await startRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'warden-cloud-faults-'));
    const env = { CLOUD_LITE_DATA_DIR: dataDir, REDIS_URL: redis.url };
    key = createKeyCli(env, 'redis', 'pro');
    svc = await startCloudLite(env);
  });
  after(async () => {
    await svc?.stop();
    await redis?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails closed while Redis is down, recovers without a restart, and refuses a replay from before the restart', async () => {
    const before = makeEvents(2);
    const beforeBody = batchBody(before);
    const beforeHeaders = await signFor(key, 'POST', '/v1/batches', beforeBody);
    const first = await post(svc.url, key, beforeBody, beforeHeaders);
    assert.equal(first.status, 200, first.text);

    await redis.stop();
    const during = makeEvents(2);
    const down = await post(svc.url, key, batchBody(during));
    assert.equal(down.status, 503, down.text);
    assert.equal(down.json.error.code, 'service_unavailable');
    assert.ok(Number(down.headers.get('retry-after')) >= 1);
    const health = await fetch(svc.url + '/healthz');
    assert.equal(health.status, 503);
    await health.body?.cancel();
    // The replay is refused while down too (never accepted without replay protection).
    assert.equal((await post(svc.url, key, beforeBody, beforeHeaders)).status, 503);

    // The new epoch must fall in a later second than the signature of `before`.
    await sleep(1100);
    await redis.start();

    // Recovery without a restart: fresh signatures each attempt, as the uploader does.
    const until = Date.now() + 20_000;
    let fresh: Awaited<ReturnType<typeof post>>;
    const after = makeEvents(2);
    do {
      await sleep(200);
      fresh = await post(svc.url, key, batchBody(after));
      // A request signed in the second before the new epoch is stale: signed afresh, it passes.
      assert.ok([200, 503].includes(fresh.status) || fresh.json?.error?.code === 'stale_timestamp', fresh.text);
    } while (fresh.status !== 200 && Date.now() < until);
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal((await fetch(svc.url + '/healthz')).status, 200);

    // The emptied Redis forgot the nonce of `before`; the epoch still refuses its replay.
    const replay = await post(svc.url, key, beforeBody, beforeHeaders);
    assert.equal(replay.status, 401, replay.text);
    assert.equal(replay.json.error.code, 'stale_timestamp');

    const stored = new Set(await listAllEventIds(svc.url, key));
    for (const e of [...before, ...after]) assert.ok(stored.has(e.id));
    for (const e of during) assert.ok(!stored.has(e.id), 'nothing stored while Redis was down');
    assert.equal(stored.size, 4);
  });
});
