// POST /v1/analyze latency through the whole service: cloud-lite in-process (embedded SQLite,
// then PostgreSQL on a private server) with the fake Messages API on loopback
// (test/cloud-lite/fixtures/fake-llm.ts, answering at once). A signed request, one connection
// kept alive, one request at a time. "hit": the same question again (answered from the global
// cache: one store read, no provider call, no cap spent). "miss": a new question each time
// (scrub + cap, reserve, the provider round trip on loopback, validate, settle, cache) — its
// provider leg is far faster here than a real model's (hundreds of ms), so it shows cloud-lite's
// own overhead. Requests are signed before each timed phase.
// Run: node --import tsx bench/analyze.ts   (BENCH_ANALYZE_HITS=<n>, default 2000;
// BENCH_ANALYZE_MISSES=<n>, default 300; BENCH_ANALYZE_PG=0 skips PostgreSQL)
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import type { AnalyzeRequest } from '../core/protocol/analyze.ts';
import { startFakeLlm } from '../test/cloud-lite/fixtures/fake-llm.ts';
import { createKey, signedHeaders, startTestService, type TestKey } from '../test/cloud-lite/http-client.ts';
import { startPostgres } from '../test/helpers/services.ts';
import { fmt, quantile } from './stats.ts';

const HITS = Number(process.env.BENCH_ANALYZE_HITS ?? 2000);
const MISSES = Number(process.env.BENCH_ANALYZE_MISSES ?? 300);
const WARMUP = 100;
const API_KEY = 'sk-ant-bench-not-a-real-key-0123456789';
const PATH = '/v1/analyze';

let seq = 0;
function question(): AnalyzeRequest {
  const n = ++seq;
  return {
    platform: 'shopify',
    method: 'POST',
    endpoint: '/admin/api/2024-10/graphql.json',
    operation: `mutation productVariantsBulkUpdate${n}`,
    fields: [`productVariantsBulkUpdate${n}`, 'productVariants', 'price', 'inventoryPolicy', 'userErrors'],
    argument_shape: { productId: 'string', variants: [{ id: 'string', price: 'string', inventoryPolicy: 'string' }] },
  };
}

type Signed = { body: string; headers: Record<string, string> };

async function sign(key: TestKey, bodies: string[]): Promise<Signed[]> {
  return Promise.all(
    bodies.map(async (body) => ({
      body,
      headers: { ...(await signedHeaders({ path: PATH, body, key })), 'content-type': 'application/json' },
    })),
  );
}

async function timed(pool: Pool, requests: Signed[], expect: 'hit' | 'miss'): Promise<number[]> {
  const ms: number[] = [];
  for (const r of requests) {
    const t0 = performance.now();
    const res = await pool.request({ method: 'POST', path: PATH, headers: r.headers, body: r.body });
    const text = await res.body.text();
    ms.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text}`);
    const cache = (JSON.parse(text) as { cache: string }).cache;
    if (cache !== expect) throw new Error(`expected a ${expect}, got a ${cache}`);
  }
  return ms;
}

function line(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `${name.padEnd(24)} n=${String(s.length).padStart(5)}  median ${fmt(quantile(s, 0.5))} ms  p95 ${fmt(quantile(s, 0.95))} ms  p99 ${fmt(quantile(s, 0.99))} ms`;
}

async function run(label: string, env: Record<string, string>): Promise<void> {
  const fake = await startFakeLlm(API_KEY);
  const svc = await startTestService({
    ANALYZE_API_URL: fake.url,
    ANALYZE_API_KEY: API_KEY,
    ANALYZE_MODEL: 'bench-model',
    CLOUD_LITE_ANALYZE_DAILY_PRO: '1000000',
    CLOUD_LITE_ANALYZE_MONTHLY_TOKENS: '1000000000000',
    CLOUD_LITE_BURST_LIMIT: '1000000',
    ...env,
  });
  const pool = new Pool(svc.url, { connections: 1, pipelining: 1 });
  try {
    const key = await createKey(svc, 'bench', 'pro');
    const cached = JSON.stringify(question());
    await timed(pool, await sign(key, [cached]), 'miss');
    await timed(pool, await sign(key, Array(WARMUP).fill(cached)), 'hit');
    const hits = await timed(pool, await sign(key, Array(HITS).fill(cached)), 'hit');
    await timed(
      pool,
      await sign(
        key,
        Array.from({ length: WARMUP }, () => JSON.stringify(question())),
      ),
      'miss',
    );
    const misses = await timed(
      pool,
      await sign(
        key,
        Array.from({ length: MISSES }, () => JSON.stringify(question())),
      ),
      'miss',
    );
    console.log(`${label}:`);
    console.log(`  ${line('cache hit', hits)}`);
    console.log(`  ${line('miss (fake provider)', misses)}`);
    console.log(`  provider calls ${fake.requests.length} (1 + ${WARMUP} + ${MISSES} expected); load average ${loadavg()[0]!.toFixed(2)}`);
  } finally {
    await pool.close();
    await svc.stop();
    await fake.stop();
  }
}

await run('embedded (SQLite, in-process limiter)', {});
if (process.env.BENCH_ANALYZE_PG !== '0') {
  const pg = await startPostgres();
  try {
    await run('PostgreSQL (private server)', { DATABASE_URL: pg.createDatabase('bench_analyze') });
  } finally {
    await pg.destroy();
  }
}
