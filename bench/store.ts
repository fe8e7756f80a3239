// Audit store benchmark: `node --import tsx bench/store.ts`
//  1. record() latency and throughput at 5,000 events/s, folding off vs on (same run), plus an
//     unpaced burst. Each guard call is recordIntent() + record(), as on the request path.
//  2. A 1M-event data dir: reader open cost and latest(200) median/p99.
//  3. RSS of a guard process (worker included) that has folded 200k events, measured on an
//     esbuild bundle of this file (as the guard ships: no tsx in the process).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
// @ts-expect-error plain .mjs build helper, no types
import { esmBanner } from '../scripts/esm-banner.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AuditEvent } from '../core/types.ts';
import { AuditStore, DEFAULTS, openAuditReader } from '../store/index.ts';
import { INSERT_EVENT_SQL, createSegmentDb, eventParams, segmentStats, setMeta, writeManifest } from '../store/schema.ts';
import type { ManifestEntry } from '../store/schema.ts';
import { DB_DIR, segmentName } from '../store/segments.ts';
import { atomicWrite } from '../store/writer/segment-files.ts';
import { loadSqlJs, sqlWasmPath } from '../store/sqljs.ts';
import { runFolderWorkerIfWorker } from '../store/writer/worker-entry.ts';
import { benchId } from './fixtures/bench-id.ts';

function event(ts: number, i: number): AuditEvent {
  return {
    v: 2,
    id: benchId(ts),
    ts,
    session_id: `sess-${i % 7}`,
    instance_id: 'bench',
    client: 'bench-client',
    tool: i % 3 ? 'shopify_request' : 'meta_request',
    platform: i % 3 ? 'shopify' : 'meta',
    target: 'shop.example.myshopify.com',
    method: i % 5 ? 'GET' : 'POST',
    endpoint: '/admin/api/{version}/products/{id}.json',
    operation: i % 4 ? null : 'mutation productUpdate',
    action: i % 5 && i % 4 ? 'read' : 'write',
    categories: i % 4 ? ['product'] : [],
    status: 200,
    latency_ms: 40 + (i % 90),
    risk_level: (i % 4) as 0 | 1 | 2 | 3,
    rules: i % 4 ? ['shopify.product.update'] : [],
    outcome: 'forwarded',
    error: null,
    pii: { email: i % 2, phone: 0, card: 0, secret: 0 },
    usage: { calls_used: i % 40, calls_max: 40 },
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warden-bench-'));
}

/** Records at `rate` calls/s for `seconds`, timing each record() call. */
async function paced(store: AuditStore, rate: number, seconds: number) {
  const lat: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  let done = 0;
  let i = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; done < due; done++, i++) {
      const e = event(Date.now(), i);
      store.recordIntent({ ...e, outcome: 'error', error: 'interrupted: guard stopped before the upstream answered' });
      const t = performance.now();
      store.record(e);
      lat.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  loop.disable();
  const elapsed = (performance.now() - start) / 1000;
  return { rate: done / elapsed, recorded: done, lat, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 };
}

async function benchRecord(): Promise<void> {
  console.log('\n## 1. record() on the request path (recordIntent + record per call)');
  const dirOff = tempDir();
  const dirOn = tempDir();
  try {
    const off = AuditStore.open({ dataDir: dirOff, instanceId: 'off', fold: false });
    const a = await paced(off, 5_000, 5);
    await off.close();
    const on = AuditStore.open({ dataDir: dirOn, instanceId: 'on' });
    const b = await paced(on, 5_000, 10);
    const t = performance.now();
    await on.flush();
    const flushMs = performance.now() - t;
    const reader = await openAuditReader(dirOn);
    const stored = reader.count();
    reader.close();
    for (const [name, r] of [
      ['folding off', a],
      ['folding on ', b],
    ] as const) {
      console.log(
        `${name}: ${r.rate.toFixed(0)} events/s sustained, record() median ${fmt(pct(r.lat, 50))}, p99 ${fmt(pct(r.lat, 99))}, ` +
          `max ${fmt(Math.max(...r.lat))}; event-loop delay p99 ${fmt(r.loopP99)}, max ${fmt(r.loopMax)}`,
      );
    }
    console.log(`folding on: flush() after 10 s took ${fmt(flushMs)} (lag of the folder); recorded ${b.recorded}, stored ${stored}`);
    // Unpaced burst: how fast the journal alone can go.
    const burst = AuditStore.open({ dataDir: dirOn, instanceId: 'burst' });
    const n = 100_000;
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const e = event(Date.now(), i);
      const t1 = performance.now();
      burst.record(e);
      lat.push(performance.now() - t1);
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `burst: ${(n / secs).toFixed(0)} record()/s unpaced (event build included), median ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}`,
    );
    const tf = performance.now();
    await burst.close();
    console.log(`burst: folding 100k journaled events (close = flush) took ${fmt(performance.now() - tf)}`);
    await on.close();
  } finally {
    rmSync(dirOff, { recursive: true, force: true });
    rmSync(dirOn, { recursive: true, force: true });
  }
}

/** Writes `total` events as segments of `size` directly (as the folder would have). */
async function buildDataDir(dir: string, total: number, size: number): Promise<void> {
  const SQL = await loadSqlJs();
  const dbDir = join(dir, DB_DIR);
  mkdirSync(dbDir, { recursive: true });
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const manifest: ManifestEntry[] = [];
  const start = Date.now() - total * 2_000; // one event every 2 s
  const segments = Math.ceil(total / size);
  for (let seq = 1; seq <= segments; seq++) {
    const db = createSegmentDb(SQL);
    db.run('BEGIN');
    const st = db.prepare(INSERT_EVENT_SQL);
    for (let i = (seq - 1) * size; i < Math.min(total, seq * size); i++) st.run(eventParams(event(start + i * 2_000, i)));
    st.free();
    if (seq === segments) writeManifest(db, manifest);
    setMeta(db, 'seq', String(seq));
    db.run('COMMIT');
    manifest.push(segmentStats(db, seq));
    atomicWrite(dbDir, segmentName(seq), db.export());
    db.close();
  }
}

async function benchRead(): Promise<void> {
  const size = DEFAULTS.segmentSize;
  console.log(`\n## 2. Reader on 1,000,000 stored events (${1_000_000 / size} segments of ${size})`);
  const dir = tempDir();
  try {
    const t = performance.now();
    await buildDataDir(dir, 1_000_000, size);
    console.log(`built the data dir in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const opens: number[] = [];
    const firsts: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const r = await openAuditReader(dir);
      opens.push(performance.now() - t0);
      const t1 = performance.now();
      r.latest(200);
      firsts.push(performance.now() - t1);
      r.close();
    }
    const r = await openAuditReader(dir);
    const q: number[] = [];
    const qf: number[] = [];
    for (let i = 0; i < 30; i++) {
      let t0 = performance.now();
      const rows = r.latest(200);
      q.push(performance.now() - t0);
      if (rows.length !== 200) throw new Error('latest(200) returned ' + rows.length);
      t0 = performance.now();
      r.latest(200, { minRisk: 3, platform: 'meta' });
      qf.push(performance.now() - t0);
    }
    const tc = performance.now();
    const count = r.count();
    const countMs = performance.now() - tc;
    const ti = performance.now();
    let exported = 0;
    for (const e of r.iterate({ minRisk: 1 })) if (e.risk_level >= 1) exported++;
    const iterMs = performance.now() - ti;
    r.close();
    console.log(`openAuditReader: median ${fmt(pct(opens, 50))}, p99 ${fmt(pct(opens, 99))} (loads the newest segment + journal tail)`);
    console.log(`latest(200), first query after open: median ${fmt(pct(firsts, 50))}`);
    console.log(`latest(200): median ${fmt(pct(q, 50))}, p99 ${fmt(pct(q, 99))}`);
    console.log(`latest(200, {minRisk: 3, platform: 'meta'}): median ${fmt(pct(qf, 50))}, p99 ${fmt(pct(qf, 99))}`);
    console.log(
      `open + latest(200): median ${fmt(
        pct(
          opens.map((o, i) => o + (firsts[i] ?? 0)),
          50,
        ),
      )}`,
    );
    console.log(`count() = ${count} in ${fmt(countMs)} (from the manifest)`);
    console.log(
      `iterate({minRisk: 1}) over everything: ${exported} events in ${(iterMs / 1000).toFixed(1)} s, RSS now ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child process: folds 200k events through a real AuditStore and reports its RSS. */
async function rssChild(dir: string): Promise<void> {
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const store = AuditStore.open({ dataDir: dir, instanceId: 'rss' });
  for (let i = 0; i < 200_000; i++) {
    const e = event(Date.now(), i);
    store.recordIntent({ ...e, outcome: 'error', error: 'interrupted' });
    store.record(e);
    if (i % 2_000 === 1_999) await new Promise((r) => setTimeout(r, 1));
  }
  await store.flush();
  const afterFold = process.memoryUsage().rss;
  await new Promise((r) => setTimeout(r, 1_500));
  peak = Math.max(peak, process.memoryUsage().rss);
  const settled = process.memoryUsage().rss;
  clearInterval(sample);
  const reader = await openAuditReader(dir);
  const count = reader.count();
  reader.close();
  await store.close();
  process.stdout.write(JSON.stringify({ afterFold, settled, peak, count }) + '\n');
}

/** Bundles this file like esbuild.mjs bundles the guard (one file, wasm beside it). */
async function bundleSelf(outDir: string): Promise<string> {
  const outfile = join(outDir, 'bench-store.js');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: esmBanner,
    minifyWhitespace: true,
    minifySyntax: true,
    define: { WARDEN_BUNDLE: 'true' },
    logLevel: 'warning',
  });
  copyFileSync(sqlWasmPath(), join(outDir, 'sql-wasm.wasm'));
  return outfile;
}

async function benchRss(): Promise<void> {
  console.log('\n## 3. RSS of a guard process that folded 200,000 events (default options, bundled)');
  const dir = tempDir();
  const bundleDir = tempDir();
  try {
    const bundle = await bundleSelf(bundleDir);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle, '--rss-child', dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (c) => (text += c));
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`rss child exited ${code}`))));
    });
    const r = JSON.parse(out) as { afterFold: number; settled: number; peak: number; count: number };
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log(
      `stored ${r.count} events; RSS right after flush ${mb(r.afterFold)}, 1.5 s later ${mb(r.settled)}, peak while folding ${mb(r.peak)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

if (runFolderWorkerIfWorker()) {
  // This thread is the store's folder worker (the bundled RSS child spawns it from this file).
} else if (process.argv[2] === '--rss-child') {
  await rssChild(process.argv[3] as string);
} else {
  console.log('# Warden audit store benchmark');
  await benchRecord();
  await benchRead();
  await benchRss();
}
