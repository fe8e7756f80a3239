// The store as the guard lives with it: a data dir already holding 200k events, then the real
// guard (dist/guard-server.js) serving calls on it. Reports the guard's RSS (worker thread
// included: RSS is per process) and whether call latency rises while the folder is busy
// folding a burst of events written by another process into the same store.
// Run: npm run build && node --import tsx bench/guard-store.ts [seedEvents]
import { readFileSync } from 'node:fs';

import { startShopifyStandin } from '../devtools/standins/shopify.ts';
import { openAuditReader } from '../store/index.ts';
import { guardEnv, startGuard, tempDir, waitExit } from '../test/helpers/guard.ts';
import { fmt, summary } from './stats.ts';
import { seedStore } from './fixtures/seed-store.ts';

const SEED = Number(process.argv[2] ?? 200_000);
const TOKEN = 'shpat_57023570235702357023570235702357';

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const dataDir = tempDir('warden-guard-store-');
let t0 = performance.now();
await seedStore(dataDir, SEED);
console.log(`seeded ${SEED} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 });
const guard = await startGuard(guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } }), {
  nodeArgs: process.env.GUARD_NODE_ARGS ? process.env.GUARD_NODE_ARGS.split(' ') : [],
});
const call = () => guard.call('shopify_rest', { method: 'GET', path: '/products/632910392.json' });
for (let i = 0; i < 500; i++) await call();

async function timedCalls(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await call();
    out.push(performance.now() - s);
  }
  return out;
}

const quiet = await timedCalls(2000);
const memBefore = rssMb(guard.pid);
console.log(
  `guard RSS with ${SEED + 2500} events stored, before the burst: ${memBefore.rss.toFixed(0)} MB (peak ${memBefore.peak.toFixed(0)} MB)`,
);
// A burst from another process (another editor window): 50k events the guard's folder must fold.
t0 = performance.now();
const burst = seedStore(dataDir, 50_000, false);
const busy = await timedCalls(2000);
await burst;
const memAfter = rssMb(guard.pid);
const q = summary(quiet);
const b = summary(busy);
console.log(`call latency, folder idle:  median ${fmt(q.median)} ms  p99 ${fmt(q.p99)} ms`);
console.log(
  `call latency, folder busy:  median ${fmt(b.median)} ms  p99 ${fmt(b.p99)} ms  (a 50k-event burst from another process folded meanwhile)`,
);
console.log(
  `guard RSS with ${SEED + 50_000 + 4500} events stored, right after the burst: ${memAfter.rss.toFixed(0)} MB (peak ${memAfter.peak.toFixed(0)} MB)`,
);
// Once idle, a folder worker that folded a lot is replaced, which hands its memory back.
await new Promise((r) => setTimeout(r, 5000));
await timedCalls(200);
console.log(`guard RSS 5 s later, folder settled: ${rssMb(guard.pid).rss.toFixed(0)} MB`);
const pid = guard.pid;
await guard.close();
await waitExit(pid, 60_000);
const reader = await openAuditReader(dataDir);
console.log(`stored after close: ${reader.count()} events`);
reader.close();
await shopify.close();
