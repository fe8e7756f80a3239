// Limiter decision cost (cloud-lite/limits): one claimNonce and one hitBurst, awaited one at a
// time as the service does per request, embedded and on Redis over loopback (a private
// redis-server from test/helpers/services.ts, or REDIS_URL when set). Realistic arguments: 100
// keys, burst limit 1,000 per minute (the default), a fresh random nonce per request, TTL 600 s.
// Targets (issue 8): median ≤ 5 µs embedded, ≤ 0.5 ms on Redis.
// Run: node --import tsx bench/limiter.ts
import { randomBytes } from 'node:crypto';
import { openLimiter } from '../cloud-lite/limits/open.ts';
import type { Limiter } from '../cloud-lite/limits/types.ts';
import { startRedis } from '../test/helpers/services.ts';
import { fmt, summary } from './stats.ts';

const KEYS = Array.from({ length: 100 }, (_, i) => `key_bench_${i}`);
const LIMIT = 1000;
const WINDOW_MS = 60_000;

async function measure(l: Limiter, n: number): Promise<{ nonce: number[]; burst: number[] }> {
  const nonces = Array.from({ length: n }, () => randomBytes(16).toString('base64url'));
  const ts = Math.floor(Date.now() / 1000);
  const nonce: number[] = [];
  const burst: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = KEYS[i % KEYS.length]!;
    let t0 = process.hrtime.bigint();
    await l.claimNonce(key, nonces[i]!, 600, ts);
    nonce.push(Number(process.hrtime.bigint() - t0) / 1e3);
    t0 = process.hrtime.bigint();
    await l.hitBurst(key, LIMIT, WINDOW_MS);
    burst.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return { nonce, burst };
}

function report(name: string, r: { nonce: number[]; burst: number[] }): void {
  const n = summary(r.nonce);
  const b = summary(r.burst);
  console.log(`${name.padEnd(8)} claimNonce   median ${fmt(n.median, 2).padStart(7)} µs   p99 ${fmt(n.p99, 2).padStart(7)} µs`);
  console.log(`${name.padEnd(8)} hitBurst     median ${fmt(b.median, 2).padStart(7)} µs   p99 ${fmt(b.p99, 2).padStart(7)} µs`);
}

const memory = await openLimiter({});
await measure(memory, 20_000); // warm-up
report('memory', await measure(memory, 100_000));
await memory.close();

const server = process.env['REDIS_URL'] ? null : await startRedis();
const redis = await openLimiter({ redisUrl: process.env['REDIS_URL'] ?? server!.url, prefix: `bench-${Date.now()}:` });
try {
  await measure(redis, 2_000); // warm-up (and the scripts loaded)
  report('redis', await measure(redis, 20_000));
} finally {
  await redis.close();
  await server?.destroy();
}
