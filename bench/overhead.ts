// Added latency of the guard: the built guard (dist/guard-server.js) versus a bare MCP SDK
// server doing the same undici call, same client library, same upstream, same run, calls
// interleaved so machine noise hits both alike. Then throughput at 16 concurrent calls.
// Run: npm run build && node --import tsx bench/overhead.ts [sequentialCalls] [concurrentCalls]
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startShopifyStandin } from '../devtools/standins/shopify.ts';
import { guardEnv, tempDir } from '../test/helpers/guard.ts';
import { fmt, summary } from './stats.ts';

const N = Number(process.argv[2] ?? 3000);
const CONCURRENT_CALLS = Number(process.argv[3] ?? 6000);
const TOKEN = 'shpat_be7c4be7c4be7c4be7c4be7c4be7c4be';
const root = join(import.meta.dirname, '..');

async function connect(args: string[], env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'inherit' }));
  return client;
}

const shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 }); // no pacing under load
const env = guardEnv({ dataDir: tempDir('warden-bench-'), shopify: { ...shopify, token: TOKEN } });
const guard = await connect([join(root, 'dist', 'guard-server.js')], env);
const bare = await connect(['--import', 'tsx', join(root, 'bench', 'fixtures', 'bare-server.ts')], env);
const args = { method: 'GET', path: '/products/632910392.json' };
const call = (c: Client) => c.callTool({ name: 'shopify_rest', arguments: args });

// Warm-up: JIT, keep-alive connections, journal file.
for (let i = 0; i < 500; i++) {
  await call(guard);
  await call(bare);
}

const tGuard: number[] = [];
const tBare: number[] = [];
for (let i = 0; i < N; i++) {
  const order = i % 2 === 0 ? [guard, bare] : [bare, guard];
  for (const c of order) {
    const t0 = performance.now();
    await call(c);
    (c === guard ? tGuard : tBare).push(performance.now() - t0);
  }
}
const g = summary(tGuard);
const b = summary(tBare);
const paired = summary(tGuard.map((t, i) => t - tBare[i]!));

async function throughput(c: Client, total: number): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (started < total) {
        started++;
        await call(c);
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}
// Short alternating rounds, order flipped each round: machine noise on 2 cores swings a
// single long round by ±20%, so the figure is the median of the per-round ratios.
const ROUNDS = 10;
const rounds: { guard: number; bare: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const perRound = CONCURRENT_CALLS / ROUNDS / 2;
  const round = { guard: 0, bare: 0 };
  for (const which of r % 2 === 0 ? (['bare', 'guard'] as const) : (['guard', 'bare'] as const)) {
    round[which] = await throughput(which === 'guard' ? guard : bare, perRound);
  }
  rounds.push(round);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gRate = med(rounds.map((r) => r.guard));
const bRate = med(rounds.map((r) => r.bare));
const ratio = med(rounds.map((r) => r.guard / r.bare));

console.log(`overhead: ${N} sequential calls each, interleaved (ms)`);
console.log(`  guard  median ${fmt(g.median)}  p99 ${fmt(g.p99)}`);
console.log(`  bare   median ${fmt(b.median)}  p99 ${fmt(b.p99)}`);
console.log(
  `  added  median ${fmt(g.median - b.median)}  p99 ${fmt(g.p99 - b.p99)}  (paired per-call difference: median ${fmt(paired.median)})`,
);
console.log(`throughput at 16 concurrent calls (${ROUNDS} alternating rounds of ${CONCURRENT_CALLS / ROUNDS / 2} calls each)`);
console.log(
  `  guard median ${gRate.toFixed(0)} calls/s  bare median ${bRate.toFixed(0)} calls/s  median per-round ratio ${(100 * ratio).toFixed(1)}%`,
);
await guard.close();
await bare.close();
await shopify.close();
