// Signed ingest through the whole service: the BUILT cloud-lite (dist/cloud-lite.js, run
// `node esbuild.mjs` first) as a process of its own, fed batches of 500 realistic events (ids
// and ts varied) by an undici Pool with a few connections, (a) embedded (SQLite + in-process
// limiter) and (b) on PostgreSQL + Redis (private servers from test/helpers/services.ts).
// Bodies are built and signed before each timed phase, so the client's own hashing stays out of
// the figures as far as it can on a shared 2-core machine. Reports events/s, median and p99
// batch latency, the service's CPU (utime + stime from /proc) over the timed phase, and the
// machine's 1-minute load average after it (other work on the 2 cores skews every figure).
// Targets (issue 8): embedded ≥ 20,000 events/s with p99 ≤ 50 ms.
// Run: node --import tsx bench/ingest.ts   (BENCH_CPU_PROF=<dir> writes the service's CPU
// profiles there; BENCH_INGEST_BATCHES=<n> timed batches per back end, default 200)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { SAMPLE_EVENT } from '../test/core/protocol/sample-event.ts';
import { createKeyCli, signFor, startCloudLite, type CloudLiteKey } from '../test/helpers/cloud-lite.ts';
import { startPostgres, startRedis } from '../test/helpers/services.ts';
import { fmt, summary } from './stats.ts';

const BATCH = 500;
const TIMED = Number(process.env.BENCH_INGEST_BATCHES ?? 200);
const WARMUP = 20;
// One connection shows a batch's own latency; four show throughput with requests queued.
const CONNECTIONS = [1, 4];
const CLK_TCK = 100; // Linux USER_HZ

// A guard-like event: ids like ULIDs, a fuller usage snapshot, as bench/signing.ts.
const BASE = {
  ...SAMPLE_EVENT,
  session_id: '01JB0000000000000000SESSION',
  instance_id: 'guard-7f3a2c',
  rules: ['shopify.gql.productDelete', 'shopify.bulk.delete'],
  usage: { cost: 10, available: 990, restore_rate: 50 },
};
const RUN = Date.now().toString(36).toUpperCase();
let batchSeq = 0;

function batch(): string {
  const b = batchSeq++;
  const events = Array.from({ length: BATCH }, (_, i) => ({
    ...BASE,
    id: `01JB${RUN}${String(b).padStart(6, '0')}${String(i).padStart(4, '0')}`,
    ts: BASE.ts + b * BATCH + i,
    session_id: `01JB${RUN}S${b % 7}`,
    risk_level: i % 4,
  }));
  return JSON.stringify({ batch_id: `b${b}`, instance_id: 'guard-7f3a2c', events });
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

async function prepared(key: CloudLiteKey, n: number): Promise<{ body: string; headers: Record<string, string> }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const body = batch();
    out.push({ body, headers: { ...(await signFor(key, 'POST', '/v1/batches', body)), 'content-type': 'application/json' } });
  }
  return out;
}

async function run(pool: Pool, reqs: { body: string; headers: Record<string, string> }[], connections: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < reqs.length) {
      const r = reqs[next++]!;
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: '/v1/batches', headers: r.headers, body: r.body });
      const text = await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text}`);
      const json = JSON.parse(text) as { accepted: number };
      if (json.accepted !== BATCH) throw new Error(`accepted ${json.accepted}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return latencies;
}

async function measure(name: string, env: Record<string, string>): Promise<void> {
  const profDir = process.env.BENCH_CPU_PROF;
  const full = { ...env, CLOUD_LITE_QUOTA_PRO: '1000000000', CLOUD_LITE_BURST_LIMIT: '1000000' };
  const key = createKeyCli(full, 'bench', 'pro');
  const svc = await startCloudLite(full, profDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {});
  const pool = new Pool(svc.url, { connections: Math.max(...CONNECTIONS), pipelining: 1 });
  try {
    // One request first: on Redis it starts the replay cache's epoch, and a warm-up batch signed
    // in an earlier second than that would be refused as stale.
    await run(pool, await prepared(key, 1), 1);
    await run(pool, await prepared(key, WARMUP), Math.max(...CONNECTIONS));
    for (const connections of CONNECTIONS) {
      const reqs = await prepared(key, TIMED);
      const cpu0 = cpuSeconds(svc.proc.pid!);
      const t0 = performance.now();
      const lat = await run(pool, reqs, connections);
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(svc.proc.pid!) - cpu0;
      const s = summary(lat);
      console.log(
        `${name}, ${connections} connection${connections > 1 ? 's' : ''}: ${fmt((TIMED * BATCH) / wall, 0)} events/s (${TIMED} batches of ${BATCH}), ` +
          `batch latency median ${fmt(s.median, 1)} ms, p99 ${fmt(s.p99, 1)} ms; ` +
          `service CPU ${fmt(cpu, 2)} s over ${fmt(wall, 2)} s (${fmt((100 * cpu) / wall, 0)}% of one core), ` +
          `${fmt((1e6 * cpu) / (TIMED * BATCH), 1)} µs CPU per event; load average ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  } finally {
    await pool.close();
    await svc.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'warden-ingest-bench-'));
try {
  await measure('embedded (sqlite, memory)', { CLOUD_LITE_DATA_DIR: join(dir, 'embedded') });
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  try {
    await measure('postgres + redis', {
      CLOUD_LITE_DATA_DIR: join(dir, 'scaled'),
      DATABASE_URL: pg.createDatabase('bench'),
      REDIS_URL: redis.url,
    });
  } finally {
    await Promise.all([pg.destroy(), redis.destroy()]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
