// Two cloud-lite processes (the built bundle, two ports) on one PostgreSQL database and one
// Redis, as DESIGN.md's "then many": replay protection, the burst limit (an exact sliding log
// on Redis's one clock, error bound 0: see limits/redis.ts) and the daily quota hold across both;
// a batch sent to both is stored once; a key made by the CLI works at once on both; both start
// together on a fresh database and migrate it once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../helpers/services.ts';
import { createKeyCli, listAllEventIds, signFor, startCloudLite, type CloudLiteKey, type CloudLiteProcess } from '../helpers/cloud-lite.ts';
import { answer, batchBody, makeEvents } from './http-client.ts';

const BURST = 12;
const QUOTA = 150;

describe('cloud-lite scale-out: two instances on one PostgreSQL + one Redis', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let env: Record<string, string>;
  let a: CloudLiteProcess;
  let b: CloudLiteProcess;
  let dbUrl: string;

  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    dbUrl = pg.createDatabase('scale');
    env = {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      CLOUD_LITE_BURST_LIMIT: String(BURST),
      CLOUD_LITE_QUOTA_FREE: String(QUOTA),
    };
    // Both at once on a fresh database: the migrations' advisory lock lets one apply them.
    [a, b] = await Promise.all([startCloudLite(env), startCloudLite(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  });

  const post = async (base: string, key: CloudLiteKey, body: string, headers?: Record<string, string>) => {
    const h = headers ?? (await signFor(key, 'POST', '/v1/batches', body));
    return answer(await fetch(base + '/v1/batches', { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body }));
  };
  const get = async (base: string, key: CloudLiteKey, path: string) =>
    answer(await fetch(base + path, { headers: await signFor(key, 'GET', path) }));

  it('both started at once on a fresh database, applied each migration once, and serve', async () => {
    for (const s of [a, b]) {
      assert.match(s.output(), /\(postgres, redis\)/);
      const r = await fetch(s.url + '/healthz');
      assert.equal(r.status, 200);
    }
    const q = spawnSync('psql', [dbUrl, '-At', '-c', 'SELECT count(*), count(DISTINCT version) FROM schema_migrations'], {
      encoding: 'utf8',
    });
    assert.equal(q.status, 0, q.stderr);
    const [rows, distinct] = q.stdout.trim().split('|').map(Number);
    assert.ok(rows! >= 1);
    assert.equal(rows, distinct, 'no migration recorded twice');
  });

  it('a key created with the CLI while both run works at once on both', async () => {
    const key = createKeyCli(env, 'cli-user', 'pro');
    assert.equal((await get(a.url, key, '/v1/alerts')).status, 200);
    assert.equal((await get(b.url, key, '/v1/alerts')).status, 200);
  });

  it('a request accepted by one instance is refused by the other as replayed_nonce', async () => {
    const key = createKeyCli(env, 'replay', 'pro');
    const body = batchBody(makeEvents(3));
    const headers = await signFor(key, 'POST', '/v1/batches', body);
    const first = await post(a.url, key, body, headers);
    assert.equal(first.status, 200, first.text);
    const replay = await post(b.url, key, body, headers);
    assert.equal(replay.status, 401, replay.text);
    assert.equal(replay.json.error.code, 'replayed_nonce');
    // And the other way round, for a GET.
    const h2 = await signFor(key, 'GET', '/v1/alerts');
    assert.equal((await answer(await fetch(b.url + '/v1/alerts', { headers: h2 }))).status, 200);
    const r2 = await answer(await fetch(a.url + '/v1/alerts', { headers: h2 }));
    assert.equal(r2.json.error.code, 'replayed_nonce');
  });

  it('the burst limit holds across both: concurrent requests to both, exactly the limit accepted', async () => {
    const key = createKeyCli(env, 'burst', 'pro');
    const n = BURST * 3;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => get(i % 2 ? a.url : b.url, key, '/v1/alerts')));
    const ok = answers.filter((r) => r.status === 200).length;
    const limited = answers.filter((r) => r.status === 429 && r.json?.error?.code === 'rate_limited');
    assert.equal(ok, BURST, answers.map((r) => r.status).join(','));
    assert.equal(limited.length, n - BURST);
    for (const r of limited) assert.ok(Number(r.headers.get('retry-after')) >= 1);
  });

  it('the daily quota holds across both: concurrent batches to both store exactly the quota', async () => {
    const key = createKeyCli(env, 'quota', 'free');
    // 8 batches of 30 = 240 events against a quota of 150, half to each instance, all at once.
    const batches = Array.from({ length: 8 }, () => makeEvents(30));
    const answers = await Promise.all(batches.map((events, i) => post(i % 2 ? a.url : b.url, key, batchBody(events))));
    let accepted = 0;
    let refused = 0;
    for (const [i, r] of answers.entries()) {
      if (r.status === 429) {
        assert.equal(r.json.error.code, 'quota_exceeded');
        refused += batches[i]!.length;
        continue;
      }
      assert.equal(r.status, 200, r.text);
      accepted += r.json.accepted;
      assert.equal(r.json.duplicates, 0);
      if (r.json.refused) {
        assert.equal(r.json.refused.code, 'quota_exceeded');
        refused += r.json.refused.ids.length;
      }
    }
    assert.equal(accepted, QUOTA);
    assert.equal(refused, 240 - QUOTA);
    const stored = await listAllEventIds(a.url, key);
    assert.equal(stored.length, QUOTA);
  });

  it('one batch sent to both instances at once (same ids) is stored once', async () => {
    const key = createKeyCli(env, 'twice', 'pro');
    const events = makeEvents(200);
    // Two requests (two nonces) carrying the same events, one to each instance, concurrently.
    const [r1, r2] = await Promise.all([post(a.url, key, batchBody(events)), post(b.url, key, batchBody(events))]);
    assert.equal(r1.status, 200, r1.text);
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r1.json.accepted + r2.json.accepted, 200);
    assert.equal(r1.json.duplicates + r2.json.duplicates, 200);
    const ids = await listAllEventIds(b.url, key);
    assert.equal(ids.length, 200);
    assert.equal(new Set(ids).size, 200);
    assert.deepEqual([...ids].sort(), events.map((e) => e.id).sort());
  });
});
