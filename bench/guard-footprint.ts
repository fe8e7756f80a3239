// The guard's footprint against a bare MCP SDK server, both bundled the same way (esbuild, ESM,
// one file, run by plain `node` as an editor runs them), in the same run:
//   1. startup: spawn → tools/list answered (median of N runs each, interleaved);
//   2. idle RSS after the process settled (VmRSS from /proc: worker threads included);
//   3. RSS while serving a steady stream of calls, the guard on a data dir holding 200k events.
// Run: npm run build && node --import tsx bench/guard-footprint.ts [startupRuns] [seedEvents] [callsPerSecond] [serveSeconds]
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { build } from 'esbuild';
// @ts-expect-error plain .mjs build helper, no types
import { esmBanner } from '../scripts/esm-banner.mjs';
import { startShopifyStandin } from '../devtools/standins/shopify.ts';
import { openAuditReader } from '../store/index.ts';
import { GUARD, guardEnv, tempDir } from '../test/helpers/guard.ts';
import { summary } from './stats.ts';
import { seedStore } from './fixtures/seed-store.ts';

const STARTUP_RUNS = Number(process.argv[2] ?? 15);
const SEED = Number(process.argv[3] ?? 200_000);
const RATE = Number(process.argv[4] ?? 100);
const SERVE_S = Number(process.argv[5] ?? 20);
const IDLE_SETTLE_MS = 8_000;
const IDLE_RUNS = 3;
const TOKEN = 'shpat_f00df00df00df00df00df00df00df00d';
const root = join(import.meta.dirname, '..');

type Kind = 'bare' | 'guard';

interface Proc {
  client: Client;
  pid: number;
  close(): Promise<void>;
}

function procStatus(pid: number): { rss: number; threads: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rss: field('VmRSS') / 1024, threads: field('Threads') };
}

async function bundleBare(outDir: string): Promise<string> {
  const outfile = join(outDir, 'bare-server.js');
  // The same options as esbuild.mjs uses for dist/guard-server.js.
  await build({
    entryPoints: [join(root, 'bench', 'fixtures', 'bare-server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: esmBanner,
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  return outfile;
}

const med = (xs: number[]) => summary(xs).median;
const mb = (x: number) => `${x.toFixed(1)} MB`;

const work = tempDir('warden-footprint-');
const bare = await bundleBare(work);
const shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 });
const scripts: Record<Kind, string> = { bare, guard: GUARD };

async function start(kind: Kind, dataDir: string): Promise<{ proc: Proc; startupMs: number }> {
  const env = guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } });
  const t0 = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: [scripts[kind]], env, stderr: 'inherit' });
  const client = new Client({ name: 'footprint-bench', version: '1.0.0' });
  await client.connect(transport);
  const tools = await client.listTools();
  const startupMs = performance.now() - t0;
  if (!tools.tools.some((t) => t.name === 'shopify_rest')) throw new Error(`${kind}: no shopify_rest tool`);
  const pid = transport.pid!;
  return {
    startupMs,
    proc: {
      client,
      pid,
      close: async () => {
        await client.close();
        for (let i = 0; i < 400; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            return;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
      },
    },
  };
}

console.log(`# guard footprint: dist/guard-server.js vs a bare MCP SDK server (bundled alike), node ${process.version}`);

// 1. Startup, interleaved (order flipped every round), each on its own empty data dir.
const startup: Record<Kind, number[]> = { bare: [], guard: [] };
for (let i = 0; i < 2; i++) for (const k of ['bare', 'guard'] as const) await (await start(k, tempDir('warden-fp-warm-'))).proc.close(); // disk cache, JIT of the bench
for (let r = 0; r < STARTUP_RUNS; r++) {
  for (const k of r % 2 === 0 ? (['bare', 'guard'] as const) : (['guard', 'bare'] as const)) {
    const dir = tempDir('warden-fp-start-');
    const { proc, startupMs } = await start(k, dir);
    startup[k].push(startupMs);
    await proc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const sb = med(startup.bare);
const sg = med(startup.guard);
console.log(`\n## startup: spawn → tools/list answered, median of ${STARTUP_RUNS} runs each, interleaved`);
console.log(
  `  bare  ${sb.toFixed(0)} ms   guard ${sg.toFixed(0)} ms   guard/bare ${(sg / sb).toFixed(2)}  (slowest: bare ${Math.max(...startup.bare).toFixed(0)} ms, guard ${Math.max(...startup.guard).toFixed(0)} ms)`,
);

// 2. Idle RSS: both running side by side, read after they settled.
const idle: Record<Kind, number[]> = { bare: [], guard: [] };
const idleThreads: Record<Kind, number[]> = { bare: [], guard: [] };
for (let r = 0; r < IDLE_RUNS; r++) {
  const dir = tempDir('warden-fp-idle-');
  const procs = { bare: (await start('bare', dir)).proc, guard: (await start('guard', dir)).proc };
  await new Promise((res) => setTimeout(res, IDLE_SETTLE_MS));
  for (const k of ['bare', 'guard'] as const) {
    const s = procStatus(procs[k].pid);
    idle[k].push(s.rss);
    idleThreads[k].push(s.threads);
  }
  await Promise.all([procs.bare.close(), procs.guard.close()]);
  rmSync(dir, { recursive: true, force: true });
}
const ib = med(idle.bare);
const ig = med(idle.guard);
console.log(`\n## idle RSS after ${IDLE_SETTLE_MS / 1000} s (median of ${IDLE_RUNS}; VmRSS, worker threads included)`);
console.log(
  `  bare  ${mb(ib)} (${med(idleThreads.bare)} threads)   guard ${mb(ig)} (${med(idleThreads.guard)} threads)   guard/bare ${(ig / ib).toFixed(2)}`,
);

// 3. Serving: a steady stream of calls; the guard's data dir holds SEED events.
const dataDir = tempDir('warden-fp-serve-');
const t0 = performance.now();
await seedStore(dataDir, SEED);
console.log(
  `\n## serving ${RATE} calls/s for ${SERVE_S} s (sequential), guard data dir seeded with ${SEED} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

async function serve(kind: Kind): Promise<{ median: number; max: number; threads: number; after: number; afterThreads: number }> {
  const { proc } = await start(kind, kind === 'guard' ? dataDir : tempDir('warden-fp-bare-'));
  const args = { method: 'GET', path: '/products/632910392.json' };
  const call = () => proc.client.callTool({ name: 'shopify_rest', arguments: args });
  for (let i = 0; i < 200; i++) await call(); // warm-up: JIT, keep-alive (no folder worker: the journal is never quiet)
  const samples: number[] = [];
  const threads: number[] = [];
  const sampler = setInterval(() => {
    const s = procStatus(proc.pid);
    samples.push(s.rss);
    threads.push(s.threads);
  }, 250);
  const end = performance.now() + SERVE_S * 1000;
  const gap = 1000 / RATE;
  let next = performance.now();
  while (performance.now() < end) {
    await call();
    next += gap;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  clearInterval(sampler);
  // Then idle again: after 2 s of quiet the folder worker starts, folds the calls, and exits.
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const after = procStatus(proc.pid);
  await proc.close();
  return { median: med(samples), max: Math.max(...samples), threads: med(threads), after: after.rss, afterThreads: after.threads };
}

const served: Record<Kind, { median: number; max: number; threads: number; after: number; afterThreads: number }[]> = {
  bare: [],
  guard: [],
};
for (let r = 0; r < 2; r++) {
  for (const k of r % 2 === 0 ? (['bare', 'guard'] as const) : (['guard', 'bare'] as const)) served[k].push(await serve(k));
}
const line = (k: Kind) => {
  const xs = served[k];
  return `median ${mb(med(xs.map((x) => x.median)))}, max ${mb(Math.max(...xs.map((x) => x.max)))} (${med(xs.map((x) => x.threads))} threads); idle ${IDLE_SETTLE_MS / 1000} s later ${mb(med(xs.map((x) => x.after)))} (${med(xs.map((x) => x.afterThreads))} threads)`;
};
console.log(`  bare   ${line('bare')}`);
console.log(`  guard  ${line('guard')}`);
console.log(
  `  guard/bare while serving (medians) ${(med(served.guard.map((x) => x.median)) / med(served.bare.map((x) => x.median))).toFixed(2)}`,
);

const reader = await openAuditReader(dataDir);
console.log(`  stored after the runs: ${reader.count()} events`);
reader.close();
await shopify.close();
rmSync(work, { recursive: true, force: true });
rmSync(dataDir, { recursive: true, force: true });
