// Added latency and throughput of the guard against two baselines doing the same shopify_rest
// call to the same Shopify stand-in, from the same MCP client library:
//   minimal — bench/fixtures/minimal-forwarder.ts: hand-written JSON-RPC over stdio, one pooled
//             undici request, nothing else (the floor the issue measures against);
//   bare    — bench/fixtures/bare-server.ts: the MCP SDK's server with the same tool shape.
// Every process runs plain JavaScript: the guard from dist/, the two baselines bundled with
// esbuild into .cache/ (no tsx hooks in a measured process). Sequential calls are interleaved
// (order rotated each call) and throughput rounds alternate, so machine noise hits all alike.
// Also the CPU each server process spends per call under load (Linux: /proc), main thread and
// whole process (the guard's folder worker folds the journal while the guard waits its turn):
// a figure that machine noise moves much less than latency or throughput.
// Run: npm run build && node --import tsx bench/overhead.ts [sequentialCalls] [concurrentCallsPerServer]
// WARDEN_BENCH_GUARD=<path to a guard-server.js> measures another build (e.g. before/after a change).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startShopifyStandin } from '../devtools/standins/shopify.ts';
import { guardEnv, tempDir } from '../test/helpers/guard.ts';
import { fmt, quantile } from './stats.ts';

const N = Number(process.argv[2] ?? 3000);
const CONCURRENT_CALLS = Number(process.argv[3] ?? 3000);
const CONCURRENCY = 16;
const ROUNDS = 10;
const TOKEN = 'shpat_be7c4be7c4be7c4be7c4be7c4be7c4be';
const root = join(import.meta.dirname, '..');
const outdir = join(root, '.cache', 'bench-overhead');

mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: {
    'minimal-forwarder': join(root, 'bench/fixtures/minimal-forwarder.ts'),
    'bare-server': join(root, 'bench/fixtures/bare-server.ts'),
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

async function connect(args: string[], env: Record<string, string>): Promise<{ client: Client; pid: number }> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args, env, stderr: 'inherit' });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}

/** CPU time (ms) of a process, or of its main thread only; null off Linux. */
function cpuMs(pid: number, mainThreadOnly: boolean): number | null {
  const path = mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
  if (!existsSync(path)) return null;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
}

const shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 }); // no pacing under load
const env = guardEnv({ dataDir: tempDir('warden-bench-'), shopify: { ...shopify, token: TOKEN } });
const servers = {
  guard: await connect([process.env.WARDEN_BENCH_GUARD ?? join(root, 'dist', 'guard-server.js')], env),
  minimal: await connect([join(outdir, 'minimal-forwarder.mjs')], env),
  bare: await connect([join(outdir, 'bare-server.mjs')], env),
};
type Name = keyof typeof servers;
const NAMES = Object.keys(servers) as Name[];
const args = { method: 'GET', path: '/products/632910392.json' };
const call = (name: Name) => servers[name].client.callTool({ name: 'shopify_rest', arguments: args });

// Warm-up: JIT, keep-alive connections, journal file.
for (let i = 0; i < 500; i++) for (const name of NAMES) await call(name);

const times: Record<Name, number[]> = { guard: [], minimal: [], bare: [] };
for (let i = 0; i < N; i++) {
  for (let j = 0; j < NAMES.length; j++) {
    const name = NAMES[(i + j) % NAMES.length]!;
    const t0 = performance.now();
    await call(name);
    times[name].push(performance.now() - t0);
  }
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const stats = (xs: number[]) => {
  const s = sorted(xs);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
};
const seq = { guard: stats(times.guard), minimal: stats(times.minimal), bare: stats(times.bare) };
const pairedMedian = (a: Name, b: Name) => quantile(sorted(times[a].map((t, i) => t - times[b][i]!)), 0.5);

async function throughput(name: Name, total: number): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started < total) {
        started++;
        await call(name);
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}
// Short rounds, order rotated each round: machine noise on 2 cores swings a single long round
// by ±20%, so the figure is the median of the per-round ratios.
const perRound = Math.round(CONCURRENT_CALLS / ROUNDS);
const rounds: Record<Name, number>[] = [];
const cpu = { main: { guard: 0, minimal: 0, bare: 0 }, all: { guard: 0, minimal: 0, bare: 0 } };
for (let r = 0; r < ROUNDS; r++) {
  const round = { guard: 0, minimal: 0, bare: 0 };
  for (let j = 0; j < NAMES.length; j++) {
    const name = NAMES[(r + j) % NAMES.length]!;
    const { pid } = servers[name];
    const main0 = cpuMs(pid, true);
    const all0 = cpuMs(pid, false);
    round[name] = await throughput(name, perRound);
    cpu.main[name] += (cpuMs(pid, true) ?? 0) - (main0 ?? 0);
    cpu.all[name] += (cpuMs(pid, false) ?? 0) - (all0 ?? 0);
  }
  rounds.push(round);
}
const med = (xs: number[]) => quantile(sorted(xs), 0.5);

const load = loadavg().map((l) => l.toFixed(2));
console.log(`overhead: ${N} sequential calls each, interleaved (ms); load average ${load.join(' ')}`);
for (const name of NAMES)
  console.log(`  ${name.padEnd(8)} median ${fmt(seq[name].median)}  p95 ${fmt(seq[name].p95)}  p99 ${fmt(seq[name].p99)}`);
for (const ref of ['minimal', 'bare'] as const) {
  console.log(
    `  guard − ${ref.padEnd(8)} median ${fmt(seq.guard.median - seq[ref].median)}  p95 ${fmt(seq.guard.p95 - seq[ref].p95)}  (paired per-call difference: median ${fmt(pairedMedian('guard', ref))})`,
  );
}
console.log(`throughput at ${CONCURRENCY} concurrent calls (${ROUNDS} rotating rounds of ${perRound} calls per server)`);
console.log(`  ${NAMES.map((n) => `${n} ${med(rounds.map((r) => r[n])).toFixed(0)} calls/s`).join('  ')}  (medians)`);
for (const ref of ['minimal', 'bare'] as const) {
  console.log(`  guard / ${ref.padEnd(8)} median per-round ratio ${(100 * med(rounds.map((r) => r.guard / r[ref]))).toFixed(1)}%`);
}
if (cpuMs(process.pid, true) !== null) {
  const perCall = (ms: number) => fmt(ms / (perRound * ROUNDS));
  console.log(`CPU per call under that load (ms): main thread · whole process`);
  for (const name of NAMES) console.log(`  ${name.padEnd(8)} ${perCall(cpu.main[name])} · ${perCall(cpu.all[name])}`);
}
for (const name of NAMES) await servers[name].client.close();
await shopify.close();
