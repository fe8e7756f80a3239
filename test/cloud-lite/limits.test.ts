// The one suite both Limiter back ends pass: the embedded one and Redis (a private redis-server
// for this file, a fresh key prefix per test). Then what only Redis has: several instances
// sharing one state, and an outage and a restart of Redis itself (last, as it stops the server).
// Windows are short and the assertions count decisions; sleeps only move past window edges.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { MemoryLimiter } from '../../cloud-lite/limits/memory.ts';
import { openLimiter } from '../../cloud-lite/limits/open.ts';
import { LimiterUnavailableError, type BurstDecision, type Limiter } from '../../cloud-lite/limits/types.ts';
import { startRedis, type RedisServer } from '../helpers/services.ts';

let redis: RedisServer;
let prefixes = 0;
const open: Limiter[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(open.map((l) => l.close()));
  await redis.destroy();
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function hits(l: Limiter, keyId: string, n: number, limit: number, windowMs: number): Promise<BurstDecision[]> {
  const out: BurstDecision[] = [];
  for (let i = 0; i < n; i++) out.push(await l.hitBurst(keyId, limit, windowMs));
  return out;
}

const allowed = (ds: BurstDecision[]): number => ds.filter((d) => d.allowed).length;

interface Backend {
  name: 'memory' | 'redis';
  /** A new limiter over an empty state. */
  make(onWarning?: (m: string) => void, prefix?: string): Promise<Limiter>;
}

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    async make() {
      const l = await openLimiter({});
      open.push(l);
      return l;
    },
  },
  {
    name: 'redis',
    async make(onWarning, prefix = `t${++prefixes}:`) {
      const l = await openLimiter({ redisUrl: redis.url, prefix, onWarning });
      open.push(l);
      return l;
    },
  },
];

for (const backend of BACKENDS) {
  describe(`limiter (${backend.name})`, () => {
    test('opens the back end the options choose', async () => {
      const l = await backend.make();
      assert.equal(l.kind, backend.name);
      await l.ping();
    });

    test('a nonce is new once, then replayed', async () => {
      const l = await backend.make();
      const ts = nowSeconds();
      assert.equal(await l.claimNonce('key_a', 'n-1', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'n-1', 600, ts), 'replayed');
      assert.equal(await l.claimNonce('key_a', 'n-1', 600, ts + 5), 'replayed');
    });

    test('nonces are per key id', async () => {
      const l = await backend.make();
      const ts = nowSeconds();
      assert.equal(await l.claimNonce('key_a', 'shared', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_b', 'shared', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'other', 600, ts), 'new');
      // No ambiguity where key id and nonce meet.
      assert.equal(await l.claimNonce('key_ab', 'c', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'bc', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_b', 'shared', 600, ts), 'replayed');
    });

    test('a nonce is forgotten after its TTL', async () => {
      const l = await backend.make();
      const ts = nowSeconds();
      assert.equal(await l.claimNonce('key_a', 'short', 1, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'long', 30, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'short', 1, ts), 'replayed');
      await sleep(1300);
      assert.equal(await l.claimNonce('key_a', 'short', 1, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'long', 30, ts), 'replayed');
    });

    test('a timestamp older than the cache is before_epoch, and is not recorded', async () => {
      const l = await backend.make();
      const ts = nowSeconds();
      assert.equal(await l.claimNonce('key_a', 'old', 600, ts - 60), 'before_epoch');
      assert.equal(await l.claimNonce('key_a', 'old', 600, ts - 60), 'before_epoch');
      assert.equal(await l.claimNonce('key_a', 'fresh', 600, ts), 'new');
      assert.equal(await l.claimNonce('key_a', 'future', 600, ts + 200), 'new');
    });

    test('burst: exactly limit allowed in the window, the next refused with Retry-After and reset', async () => {
      const l = await backend.make();
      const t0 = Date.now();
      const ds = await hits(l, 'key_a', 6, 5, 1500);
      const t1 = Date.now();
      assert.deepEqual(
        ds.map((d) => [d.allowed, d.count]),
        [
          [true, 1],
          [true, 2],
          [true, 3],
          [true, 4],
          [true, 5],
          [false, 5],
        ],
      );
      const refused = ds[5]!;
      // The oldest counted request leaves the window at resetAt.
      assert.equal(refused.resetAt, ds[0]!.resetAt);
      assert.ok(refused.resetAt >= t0 + 1500 - 50 && refused.resetAt <= t1 + 1500 + 50, `resetAt ${refused.resetAt - t0}`);
      assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 2, `retryAfter ${refused.retryAfterSeconds}`);
    });

    test('burst: Retry-After is at least 1 s and covers the whole wait', async () => {
      const l = await backend.make();
      const ds = await hits(l, 'key_a', 2, 1, 5000);
      assert.equal(ds[1]!.allowed, false);
      assert.equal(ds[1]!.retryAfterSeconds, 5);
    });

    test('burst: refused requests are not counted', async () => {
      const l = await backend.make();
      const first = await hits(l, 'key_a', 3, 3, 1200);
      assert.equal(allowed(first), 3);
      await sleep(600);
      const refused = await hits(l, 'key_a', 4, 3, 1200);
      assert.equal(allowed(refused), 0);
      // The first three have left the window; had the refusals counted, nothing would pass.
      await sleep(Math.max(0, first[0]!.resetAt - Date.now()) + 100);
      assert.equal(allowed(await hits(l, 'key_a', 4, 3, 1200)), 3);
    });

    test('burst: the window slides (only the part that expired frees)', async () => {
      const l = await backend.make();
      const early = await hits(l, 'key_a', 2, 4, 1500);
      await sleep(700);
      const late = await hits(l, 'key_a', 3, 4, 1500);
      assert.deepEqual(
        late.map((d) => d.allowed),
        [true, true, false],
      );
      // Past the early pair, before the late pair leaves: two free slots, not four.
      await sleep(Math.max(0, early[0]!.resetAt - Date.now()) + 100);
      const freed = await hits(l, 'key_a', 3, 4, 1500);
      assert.deepEqual(
        freed.map((d) => [d.allowed, d.count]),
        [
          [true, 3],
          [true, 4],
          [false, 4],
        ],
      );
    });

    test('burst: per key id', async () => {
      const l = await backend.make();
      assert.equal(allowed(await hits(l, 'key_a', 3, 2, 60_000)), 2);
      assert.equal(allowed(await hits(l, 'key_b', 3, 2, 60_000)), 2);
      assert.equal((await l.hitBurst('key_a', 2, 60_000)).allowed, false);
    });
  });
}

describe('limiter (memory): bounded memory', () => {
  test('expired nonces and idle burst logs are pruned', async () => {
    let now = 1_800_000_000_000;
    const l = new MemoryLimiter(() => now);
    const ts = Math.floor(now / 1000);
    for (let i = 0; i < 1000; i++) assert.equal(l.claimNonceSync('key_a', `n${i}`, 1, ts), 'new');
    for (let i = 0; i < 5000; i++) l.hitBurstSync(`key_${i}`, 10, 1000);
    assert.deepEqual(l.size(), { nonces: 1000, bursts: 5000 });
    now += 2000;
    assert.equal(l.claimNonceSync('key_a', 'n0', 1, ts), 'new');
    for (let i = 0; i < 4096; i++) l.hitBurstSync('key_x', 10_000, 1000);
    assert.deepEqual(l.size(), { nonces: 1, bursts: 1 });
  });
});

describe('limiter (redis): shared by instances, outages', () => {
  test('two instances share nonces: exactly one of concurrent claims is new', async () => {
    const [a, b] = [await BACKENDS[1]!.make(undefined, 'shared1:'), await BACKENDS[1]!.make(undefined, 'shared1:')];
    const ts = nowSeconds();
    assert.equal(await a.claimNonce('key_a', 'once', 600, ts), 'new');
    assert.equal(await b.claimNonce('key_a', 'once', 600, ts), 'replayed');
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimNonce('key_a', 'race', 600, ts)));
    assert.equal(claims.filter((c) => c === 'new').length, 1);
    assert.equal(claims.filter((c) => c === 'replayed').length, 19);
  });

  test('two instances share the burst limit exactly under concurrent calls', async () => {
    const [a, b] = [await BACKENDS[1]!.make(undefined, 'shared2:'), await BACKENDS[1]!.make(undefined, 'shared2:')];
    const ds = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hitBurst('key_a', 15, 60_000)));
    assert.equal(allowed(ds), 15);
    assert.deepEqual(
      ds
        .filter((d) => d.allowed)
        .map((d) => d.count)
        .sort((x, y) => x - y),
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  });

  test('keys stay small whatever the key id and the nonce', async () => {
    const l = await BACKENDS[1]!.make(undefined, 'size:');
    await l.claimNonce('k'.repeat(5000), 'n'.repeat(5000), 600, nowSeconds());
    await l.hitBurst('k\n:*'.repeat(2000), 5, 60_000);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const keys = await raw.keys('size:*');
      assert.equal(keys.length, 3); // the epoch, one nonce, one burst log
      for (const k of keys) assert.ok(k.length <= 100, k);
    } finally {
      await raw.close();
    }
  });

  test('Redis down: fails fast with LimiterUnavailableError, warns once; back empty: recovers, fails closed for old timestamps', async () => {
    const warnings: string[] = [];
    const l = await BACKENDS[1]!.make((m) => warnings.push(m), 'outage:');
    const signedBefore = nowSeconds();
    assert.equal(await l.claimNonce('key_a', 'pre', 600, signedBefore), 'new');
    assert.equal((await l.hitBurst('key_a', 100, 60_000)).allowed, true);

    await redis.stop();
    // Fails closed promptly (the guard retries), never hangs a request.
    const fast = <T>(p: Promise<T>): Promise<T | 'hung'> => Promise.race([p, sleep(3000).then(() => 'hung' as const)]);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(fast(l.claimNonce('key_a', `down${i}`, 600, nowSeconds())), LimiterUnavailableError);
      await assert.rejects(fast(l.hitBurst('key_a', 100, 60_000)), LimiterUnavailableError);
      await assert.rejects(fast(l.ping()), LimiterUnavailableError);
    }
    const down = warnings.filter((w) => w.includes('unavailable'));
    assert.equal(down.length, 1, warnings.join('\n'));
    assert.ok(!down[0]!.includes('redis://'), down[0]);

    await sleep(1100); // the restarted Redis's epoch is a later second than `signedBefore`
    await redis.start();
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await l.ping().then(
        () => true,
        () => false,
      );
      if (!up) await sleep(100);
    }
    assert.ok(up, 'the limiter reconnected by itself');
    // Redis came back empty: it cannot know 'pre' was used, so that request is refused as stale.
    assert.equal(await l.claimNonce('key_a', 'pre', 600, signedBefore), 'before_epoch');
    assert.equal(await l.claimNonce('key_a', 'post', 600, nowSeconds()), 'new');
    assert.equal(await l.claimNonce('key_a', 'post', 600, nowSeconds()), 'replayed');
    assert.equal((await l.hitBurst('key_a', 100, 60_000)).count, 1);
    assert.ok(warnings.some((w) => w.includes('reachable again')));
    assert.equal(warnings.filter((w) => w.includes('unavailable')).length, 1);
  });
});
