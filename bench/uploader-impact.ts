// The uploader's cost on the guard's request path: a guard (dist/guard-server.js over stdio,
// SDK client; run `node esbuild.mjs` first) with a backlog of 100,000 folded events and a
// cloud-lite (the bundle, embedded) receiving them. Sequential http_request calls against a
// local upstream measure the call latency (median, p99) in these phases of one run:
//   continuous  CONTINUOUS_CALLS calls back to back with the backlog present: the uploader yields to calls
//               (a batch waits for 100 ms without a call, at most 2 s), so it sends about one
//               batch per 2 s here and the backlog remains; the events uploaded are reported
//   bursty      bursts of BURST calls, each followed by a GAP_MS pause, until the backlog is
//               drained: the uploader works in the gaps
//   idle        the same guard once the backlog is drained (uploader on, nothing to send)
//   off         a copy of the data dir with no cloud configured (uploader off entirely): as many
//               calls back to back as continuous + bursty (so the guard's own folder runs as
//               often), then as many bursts as the bursty phase had, for a like-for-like tail
// and the guard process's CPU (utime + stime from /proc) per phase, split into the main thread
// (which serves the calls) and the other threads (the uploader's and folder's workers), and
// cloud-lite's while uploading. The host's load average is printed: other work on the machine
// shows in the tails.
// Target (issue 8): no measurable rise in call latency while uploading.
// Run: node --import tsx bench/uploader-impact.ts
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../core/types.ts';
import { readPosition } from '../guard-server/upload/state.ts';
import { computeRollup } from '../store/read/rollup.ts';
import { INSERT_EVENT_SQL, createSegmentDb, eventParams, segmentStats, setMeta, writeManifest } from '../store/schema.ts';
import type { ManifestEntry } from '../store/schema.ts';
import { DB_DIR, segmentName } from '../store/segments.ts';
import { loadSqlJs } from '../store/sqljs.ts';
import { atomicWrite } from '../store/writer/segment-files.ts';
import { createKeyCli, startCloudLite } from '../test/helpers/cloud-lite.ts';
import { guardEnv, startGuard, type GuardHandle } from '../test/helpers/guard.ts';
import { benchId } from './fixtures/bench-id.ts';
import { fmt, summary } from './stats.ts';

const BACKLOG = 100_000;
const SEGMENT = 10_000;
const CALLS = 3000;
/** Back to back with the backlog present: ~10 s here, about as long as a drain took before the uploader yielded. */
const CONTINUOUS_CALLS = 20_000;
const WARM_UP_CALLS = 2000;
const BURST = 50;
const GAP_MS = 300;
/** The bursty phase stops here if the backlog is still not drained (it says so). */
const MAX_BURSTS = 400;
const CLK_TCK = 100; // Linux USER_HZ

function event(i: number, ts: number): AuditEvent {
  const del = i % 50 === 0;
  return {
    v: 2,
    id: benchId(ts),
    ts,
    session_id: `sess-${Math.floor(i / 400).toString(36)}`,
    instance_id: 'bench-guard',
    client: 'Visual Studio Code',
    tool: 'shopify_rest',
    platform: 'shopify',
    target: 'shop-1.myshopify.com',
    method: del ? 'DELETE' : 'GET',
    endpoint: del ? '/admin/api/{version}/products/{id}.json' : '/admin/api/{version}/products.json',
    operation: null,
    action: del ? 'delete' : 'read',
    categories: del ? ['product'] : [],
    status: 200,
    latency_ms: 30 + (i % 400),
    risk_level: del ? 3 : 0,
    rules: del ? ['shopify.product.delete'] : [],
    outcome: 'forwarded',
    error: null,
    pii: { email: 0, phone: 0, card: 0, secret: 0 },
    usage: { calls_used: 12, calls_max: 40 },
  };
}

/** A data dir holding BACKLOG folded events in segments of SEGMENT, the last one the newest. */
async function buildBacklog(dir: string): Promise<void> {
  const SQL = await loadSqlJs();
  const dbDir = join(dir, DB_DIR);
  mkdirSync(dbDir, { recursive: true });
  const manifest: ManifestEntry[] = [];
  const start = Date.now() - 3_600_000;
  const segments = BACKLOG / SEGMENT;
  for (let seq = 1, i = 0; seq <= segments; seq++) {
    const db = createSegmentDb(SQL);
    db.run('BEGIN');
    const ins = db.prepare(INSERT_EVENT_SQL);
    for (let k = 0; k < SEGMENT; k++, i++) ins.run(eventParams(event(i, start + i * 30)));
    ins.free();
    const sealed = seq < segments;
    if (!sealed) writeManifest(db, manifest);
    setMeta(db, 'seq', String(seq));
    db.run('COMMIT');
    if (sealed) manifest.push({ ...segmentStats(db, seq), rollup: computeRollup(db) });
    atomicWrite(dbDir, segmentName(seq), db.export());
    db.close();
  }
}

function cpuOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The whole process's CPU (every thread, the uploader's and the folder's included). */
function cpuSeconds(pid: number): number {
  return cpuOf(`/proc/${pid}/stat`);
}

/** The main thread's CPU only (its task id is the pid): the thread that serves tool calls. */
function mainThreadCpuSeconds(pid: number): number {
  return cpuOf(`/proc/${pid}/task/${pid}/stat`);
}

const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{"ok":true}'));
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamPort = (upstream.address() as AddressInfo).port;

async function call(guard: GuardHandle, i: number): Promise<number> {
  const t0 = performance.now();
  const r = await guard.call('http_request', { method: 'GET', url: `http://127.0.0.1:${upstreamPort}/items/${i}` });
  const ms = performance.now() - t0;
  if (r.isError) throw new Error('call failed');
  return ms;
}

interface Phase {
  lat: number[];
  cpu: number;
  mainCpu: number;
  wall: number;
}

/**
 * Calls in sequence until `stop()` says so (checked between calls) or `max` calls; with `burst`,
 * a pause of GAP_MS after every `burst` calls (the pauses count in the wall time).
 */
async function phase(guard: GuardHandle, stop: () => boolean, max: number, burst = 0): Promise<Phase> {
  const cpu0 = cpuSeconds(guard.pid);
  const main0 = mainThreadCpuSeconds(guard.pid);
  const t0 = performance.now();
  const lat: number[] = [];
  for (let i = 0; i < max && !stop(); i++) {
    lat.push(await call(guard, i));
    if (burst > 0 && (i + 1) % burst === 0) await new Promise((r) => setTimeout(r, GAP_MS));
  }
  return {
    lat,
    cpu: cpuSeconds(guard.pid) - cpu0,
    mainCpu: mainThreadCpuSeconds(guard.pid) - main0,
    wall: (performance.now() - t0) / 1000,
  };
}

function report(name: string, p: Phase): { median: number; p99: number } {
  const s = summary(p.lat);
  const perCall = (cpu: number) => fmt((1000 * cpu) / Math.max(1, s.n), 3);
  console.log(
    `${name.padEnd(11)} ${String(s.n).padStart(5)} calls: median ${fmt(s.median, 2)} ms, p99 ${fmt(s.p99, 2)} ms; ` +
      `guard CPU ${fmt(p.cpu, 2)} s over ${fmt(p.wall, 2)} s (${fmt((100 * p.cpu) / p.wall, 0)}% of one core), ` +
      `main thread ${fmt(p.mainCpu, 2)} s (${perCall(p.mainCpu)} ms per call), other threads ${fmt(p.cpu - p.mainCpu, 2)} s`,
  );
  return s;
}

console.log(
  `load average ${loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')} on ${availableParallelism()} cores`,
);
const root = mkdtempSync(join(tmpdir(), 'warden-uploader-bench-'));
try {
  const t = performance.now();
  await buildBacklog(join(root, 'template'));
  console.log(`built a backlog of ${BACKLOG.toLocaleString('en')} folded events in ${fmt((performance.now() - t) / 1000, 1)} s`);
  cpSync(join(root, 'template'), join(root, 'off'), { recursive: true });
  cpSync(join(root, 'template'), join(root, 'on'), { recursive: true });

  const allow = { WARDEN_HTTP_ALLOW: `127.0.0.1:${upstreamPort}` };
  const cloudEnv = { CLOUD_LITE_DATA_DIR: join(root, 'cloud'), CLOUD_LITE_QUOTA_PRO: '1000000000' };
  const key = createKeyCli(cloudEnv, 'bench', 'pro');
  const cloud = await startCloudLite(cloudEnv);
  try {
    const guard = await startGuard(
      guardEnv({
        dataDir: join(root, 'on'),
        extra: {
          ...allow,
          WARDEN_CLOUD_URL: cloud.url,
          WARDEN_CLOUD_KEY_ID: key.keyId,
          WARDEN_CLOUD_SECRET: key.secret,
          WARDEN_UPLOAD_INTERVAL_MS: '5000',
        },
      }),
    );
    // Events of the backlog acknowledged so far, from the position (written after every batch;
    // status.json only at the end of a run). The seeded rows have rowids 1..SEGMENT per segment;
    // the guard's own events come after them and are not counted.
    const accepted = (): number => {
      const pos = readPosition(join(root, 'on'));
      if (pos === null) return 0;
      return pos.seq > BACKLOG / SEGMENT ? BACKLOG : (pos.seq - 1) * SEGMENT + Math.min(pos.rowid, SEGMENT);
    };
    const uploadedSince = (n0: number, p: Phase) => {
      const n = accepted() - n0;
      return `${n.toLocaleString('en')} events (${fmt(n / p.wall, 0)} per second)`;
    };
    // Warm up (the first delay of the uploader passes meanwhile), then until its first batch lands.
    await phase(guard, () => false, WARM_UP_CALLS);
    await phase(guard, () => accepted() > 0, 1_000_000);
    const cloudCpu0 = cpuSeconds(cloud.proc.pid!);
    const n0 = accepted();
    const cont = await phase(guard, () => false, CONTINUOUS_CALLS);
    const continuous = report('continuous', cont);
    console.log(`            uploaded meanwhile ${uploadedSince(n0, cont)}`);
    const n1 = accepted();
    const burstP = await phase(guard, () => accepted() >= BACKLOG, BURST * MAX_BURSTS, BURST);
    const bursty = report('bursty', burstP);
    const bursts = Math.ceil(burstP.lat.length / BURST);
    console.log(
      `            ${bursts} bursts of ${BURST} calls, ${GAP_MS} ms apart; uploaded ${uploadedSince(n1, burstP)}; ` +
        (accepted() >= BACKLOG ? 'backlog drained' : `backlog NOT drained (${accepted().toLocaleString('en')} uploaded)`),
    );
    console.log(`            cloud-lite CPU during both ${fmt(cpuSeconds(cloud.proc.pid!) - cloudCpu0, 2)} s (the same 2 cores)`);
    const idle = report('idle', await phase(guard, () => false, CALLS));
    await guard.close();
    // A worker that died (its heap limit, say) would show here: the numbers above would be off.
    for (const line of guard.stderr().split('\n')) if (/upload worker/.test(line)) console.log(`guard log: ${line}`);
    // The same calls as with the uploader, with no cloud: the guard's own folder works as
    // often (every ~20k records while serving), so the difference is the uploader's.
    const offGuard = await startGuard(guardEnv({ dataDir: join(root, 'off'), extra: allow }));
    await phase(offGuard, () => false, WARM_UP_CALLS);
    const off = report('off', await phase(offGuard, () => false, cont.lat.length + burstP.lat.length));
    const offBursty = report('off bursty', await phase(offGuard, () => false, burstP.lat.length, BURST));
    await offGuard.close();
    console.log(
      `load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
    );
    const ratio = (a: { median: number; p99: number }, b: { median: number; p99: number }) =>
      `median ×${fmt(a.median / b.median, 2)}, p99 ×${fmt(a.p99 / b.p99, 2)}`;
    console.log(`continuous / off: ${ratio(continuous, off)}; idle / off: ${ratio(idle, off)}`);
    console.log(`bursty / off bursty: ${ratio(bursty, offBursty)}; bursty / off: ${ratio(bursty, off)}`);
  } finally {
    await cloud.stop();
  }
} finally {
  upstream.close();
  rmSync(root, { recursive: true, force: true });
}
