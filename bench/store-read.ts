// Read-API benchmark on a store of 1,000,000 events: `node --import tsx bench/store-read.ts`
// (add --rebuild to regenerate the cached store).
// The store (~45 days, several platforms, endpoints, sessions, risk levels, some alerts; 99
// sealed segments with rollups, a half-full newest segment, 500 unfolded events in a journal)
// is built once with the schema helpers and cached under .cache/bench-store-1m/.
// Measures (medians with min/max over repeated runs):
//   sql.js init (fresh processes) · open + first page of 200 (fresh reader each run) ·
//   dashboard aggregates for the last 30 days · watch tick with nothing new · watch tick after
//   100 new events appended to a journal · a filtered page (risk ≥ 3 + text), for information.
// Targets (issue 5): ≤ 100 ms, ≤ 150 ms, ≤ 1 ms, ≤ 10 ms.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alert, AuditEvent } from '../core/types.ts';
import { JournalWriter } from '../store/journal.ts';
import { openStoreReader, openStoreWatch } from '../store/index.ts';
import { computeRollup } from '../store/read/rollup.ts';
import {
  INSERT_ALERT_SQL,
  INSERT_EVENT_SQL,
  alertParams,
  createSegmentDb,
  eventParams,
  segmentStats,
  setMeta,
  writeManifest,
} from '../store/schema.ts';
import type { ManifestEntry } from '../store/schema.ts';
import { DB_DIR, segmentName } from '../store/segments.ts';
import { loadSqlJs, sqlWasmPath } from '../store/sqljs.ts';
import { atomicWrite } from '../store/writer/segment-files.ts';
import { benchId } from './fixtures/bench-id.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(root, '.cache', 'bench-store-1m');
const FORMAT = 'bench-store-1m v2'; // v2: rollups count rules
const TOTAL = 1_000_000;
const SEGMENT = 10_000;
const SEALED = 99;
const TAIL = 500;
const DAY = 86_400_000;

// ---- a realistic store ----------------------------------------------------------------------

let seed = 12345;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

type Shape = [AuditEvent['platform'], string, string, string | null, AuditEvent['action'], number, string[]];
// platform, method, endpoint, operation, action, risk, rules
const SHAPES: Shape[] = [
  ['shopify', 'GET', '/admin/api/{version}/products.json', null, 'read', 0, []],
  ['shopify', 'GET', '/admin/api/{version}/products/{id}.json', null, 'read', 0, []],
  ['shopify', 'GET', '/admin/api/{version}/orders.json', null, 'read', 1, ['shopify.orders.read']],
  ['shopify', 'GET', '/admin/api/{version}/customers.json', null, 'read', 2, ['shopify.customers.pii.read']],
  ['shopify', 'PUT', '/admin/api/{version}/products/{id}.json', null, 'write', 1, ['shopify.product.write']],
  ['shopify', 'POST', '/admin/api/{version}/graphql.json', 'query products', 'read', 0, []],
  ['shopify', 'POST', '/admin/api/{version}/graphql.json', 'mutation productUpdate', 'write', 1, ['shopify.product.write']],
  ['shopify', 'DELETE', '/admin/api/{version}/products/{id}.json', null, 'delete', 3, ['shopify.product.delete']],
  ['shopify', 'DELETE', '/admin/api/{version}/customers/{id}.json', null, 'delete', 3, ['shopify.customer.delete']],
  ['meta', 'GET', '/{version}/act_{id}/campaigns', null, 'read', 0, []],
  ['meta', 'GET', '/{version}/act_{id}/insights', null, 'read', 0, []],
  ['meta', 'POST', '/{version}/{id}', null, 'write', 2, ['meta.budget.change']],
  ['meta', 'DELETE', '/{version}/{id}', null, 'delete', 3, ['meta.object.delete']],
  ['generic', 'GET', '/v1/items', null, 'read', 0, []],
  ['generic', 'GET', '/v1/items/{id}', null, 'read', 0, []],
  ['generic', 'POST', '/v1/items', null, 'write', 1, ['generic.write']],
  ['generic', 'DELETE', '/v1/items/{id}', null, 'delete', 3, ['generic.delete']],
];
// Mostly reads.
const WEIGHTS = [20, 14, 8, 3, 6, 12, 5, 0.6, 0.3, 10, 8, 2, 0.4, 6, 5, 2, 0.7];
const CUM = WEIGHTS.map(
  (
    (s) => (w: number) =>
      (s += w)
  )(0),
);
const SUM = CUM.at(-1)!;
const CLIENTS = ['Visual Studio Code', 'Cursor', 'claude-ai'];
const OUTCOMES: [AuditEvent['outcome'], number][] = [
  ['forwarded', 0.93],
  ['error', 0.96],
  ['throttled', 0.98],
  ['blocked', 0.99],
  ['denied', 1],
];

function makeEvent(ts: number, session: number): AuditEvent {
  const x = rand() * SUM;
  const [platform, method, endpoint, operation, action, risk, rules] = SHAPES[CUM.findIndex((c) => x < c)]!;
  const u = rand();
  const outcome = OUTCOMES.find(([, p]) => u < p)![0];
  return {
    v: 2,
    id: benchId(ts),
    ts,
    session_id: `sess-${session.toString(36)}`,
    instance_id: `inst-${(session % 40).toString(36)}`,
    client: CLIENTS[session % CLIENTS.length]!,
    tool: `${platform}_request`,
    platform,
    target:
      platform === 'shopify'
        ? `shop-${session % 5}.myshopify.com`
        : platform === 'meta'
          ? `act_${1000 + (session % 3)}`
          : 'api.example.com',
    method,
    endpoint,
    operation,
    action,
    categories: rules.length ? [rules[0]!.split('.')[1]!] : [],
    status: outcome === 'forwarded' ? 200 : outcome === 'throttled' ? 429 : null,
    latency_ms: 30 + Math.floor(rand() * 400),
    risk_level: risk as AuditEvent['risk_level'],
    rules,
    outcome,
    error: outcome === 'error' ? 'TimeoutError: upstream did not answer in 30 s' : null,
    pii: { email: 0, phone: 0, card: 0, secret: 0 },
    usage: platform === 'shopify' ? { calls_used: 12, calls_max: 40 } : null,
  };
}

function makeAlert(e: AuditEvent, critical: boolean): Alert {
  return {
    v: 2,
    id: benchId(e.ts + 1),
    ts: e.ts + 1,
    session_id: e.session_id,
    instance_id: e.instance_id,
    rule: critical ? 'consecutive_deletes' : 'bulk_pii_read',
    severity: critical ? 'critical' : 'warning',
    message: critical ? '3 deletes in a row' : '50 reads of customer data in 5 minutes',
    event_ids: [e.id],
  };
}

/** Timestamps over 45 days ending `end`: sessions of a few hundred events, busier in daytime. */
function* timeline(n: number, start: number, end: number): Generator<[number, number]> {
  const step = (end - start) / n;
  let session = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left-- <= 0) {
      session++;
      left = 50 + Math.floor(rand() * 600);
    }
    yield [Math.floor(start + i * step + rand() * step), session];
  }
}

interface CacheInfo {
  format: string;
  end: number;
  events: number;
}

async function buildStore(): Promise<CacheInfo> {
  const SQL = await loadSqlJs();
  rmSync(DIR, { recursive: true, force: true });
  const dbDir = join(DIR, DB_DIR);
  const jDir = join(DIR, 'journal');
  mkdirSync(dbDir, { recursive: true });
  mkdirSync(jDir, { recursive: true });
  const end = Date.now();
  const start = end - 45 * DAY;
  const manifest: ManifestEntry[] = [];
  const events = timeline(TOTAL, start, end);
  const folded = TOTAL - TAIL;
  let seq = 1;
  let written = 0;
  while (written < folded) {
    const db = createSegmentDb(SQL);
    db.run('BEGIN');
    const ins = db.prepare(INSERT_EVENT_SQL);
    const insA = db.prepare(INSERT_ALERT_SQL);
    const n = seq <= SEALED ? SEGMENT : folded - written;
    for (let i = 0; i < n; i++) {
      const [ts, session] = events.next().value as [number, number];
      const e = makeEvent(ts, session);
      ins.run(eventParams(e));
      if (e.risk_level === 3 && rand() < 0.05) insA.run(alertParams(makeAlert(e, true)));
      else if (e.risk_level === 2 && rand() < 0.005) insA.run(alertParams(makeAlert(e, false)));
    }
    written += n;
    ins.free();
    insA.free();
    const sealed = seq <= SEALED;
    if (!sealed) writeManifest(db, manifest);
    setMeta(db, 'seq', String(seq));
    db.run('COMMIT');
    if (sealed) manifest.push({ ...segmentStats(db, seq), rollup: computeRollup(db) });
    atomicWrite(dbDir, segmentName(seq), db.export());
    db.close();
    seq++;
  }
  const w = new JournalWriter(jDir, 'bench-tail');
  for (let i = 0; i < TAIL; i++) {
    const [ts, session] = events.next().value as [number, number];
    w.append({ k: 'event', e: makeEvent(ts, session) });
  }
  w.close();
  const info: CacheInfo = { format: FORMAT, end, events: TOTAL };
  writeFileSync(join(DIR, 'bench.json'), JSON.stringify(info));
  return info;
}

async function cachedStore(): Promise<CacheInfo> {
  const meta = join(DIR, 'bench.json');
  if (!process.argv.includes('--rebuild') && existsSync(meta)) {
    const info = JSON.parse(readFileSync(meta, 'utf8')) as CacheInfo;
    if (info.format === FORMAT) return info;
  }
  const t = performance.now();
  const info = await buildStore();
  console.log(`built ${DIR} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return info;
}

// ---- measuring ------------------------------------------------------------------------------

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const f = (n: number): string => (n < 1 ? n.toFixed(3) : n.toFixed(1));
  return `median ${f(med)} ms (min ${f(s[0]!)}, max ${f(s.at(-1)!)}, n=${s.length})`;
}

function time<T>(f: () => T): [number, T] {
  const t = performance.now();
  const r = f();
  return [performance.now() - t, r];
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
}

function sqlInitInFreshProcesses(runs: number): number[] {
  const code = `const t=performance.now();const {default:init}=await import('sql.js');await init({locateFile:()=>${JSON.stringify(sqlWasmPath())}});process.stdout.write(String(performance.now()-t));`;
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    out.push(Number(r.stdout));
  }
  return out;
}

const info = await cachedStore();
const SQL = await loadSqlJs();
const RUNS = 15;
console.log(
  `store: ${info.events.toLocaleString('en')} events over 45 days (${SEALED} sealed segments with rollups, a newest segment, ${TAIL} unfolded journal events)`,
);
console.log(`sql.js init (import + wasm compile, fresh process): ${stats(sqlInitInFreshProcesses(5))}`);

const opens: number[] = [];
const pages: number[] = [];
const both: number[] = [];
const aggFresh: number[] = [];
const aggWarm: number[] = [];
const filtered: number[] = [];
const filteredWarm: number[] = [];
const since = info.end - 30 * DAY;
for (let i = 0; i < RUNS; i++) {
  const [to, r] = await timeAsync(() => openStoreReader({ dataDir: DIR, SQL }));
  const [tp, page] = time(() => r.events({}, { limit: 200 }));
  if (page.events.length !== 200) throw new Error(`first page: ${page.events.length}`);
  opens.push(to);
  pages.push(tp);
  both.push(to + tp);
  r.close();
}
for (let i = 0; i < RUNS; i++) {
  const [to, r] = await timeAsync(() => openStoreReader({ dataDir: DIR, SQL }));
  const [ta, agg] = time(() => r.aggregate({ since, until: info.end + DAY }));
  if (agg.total < 600_000) throw new Error(`aggregate total ${agg.total}`);
  aggFresh.push(to + ta);
  aggWarm.push(time(() => r.aggregate({ since, until: info.end + DAY }))[0]);
  r.close();
}
for (let i = 0; i < RUNS; i++) {
  const [to, r] = await timeAsync(() => openStoreReader({ dataDir: DIR, SQL }));
  const [tf, p] = time(() => r.events({ minRisk: 3, text: 'customer' }, { limit: 200 }));
  if (p.events.length !== 200) throw new Error(`filtered page: ${p.events.length}`);
  filtered.push(to + tf);
  filteredWarm.push(time(() => r.events({ minRisk: 3, text: 'customer' }, { limit: 200 }))[0]);
  r.close();
}
{
  const r = await openStoreReader({ dataDir: DIR, SQL });
  const agg = r.aggregate({ since, until: info.end + DAY });
  console.log(
    `(last 30 days: ${agg.total.toLocaleString('en')} events, ${agg.hourly.length} hours, ${agg.daily.length} days, ${agg.alerts.total} alerts)`,
  );
  r.close();
}
console.log(`open (newest segment + manifest + journal tail): ${stats(opens)}`);
console.log(`first page of 200 on the fresh reader: ${stats(pages)}`);
console.log(`open + first page of 200 (target ≤ 100 ms): ${stats(both)}`);
console.log(`open + dashboard aggregates, last 30 days (target ≤ 150 ms): ${stats(aggFresh)}`);
console.log(`dashboard aggregates again on the same reader: ${stats(aggWarm)}`);
console.log(`open + filtered page (risk ≥ 3, text "customer"), for information: ${stats(filtered)}`);
console.log(`filtered page again on the same reader: ${stats(filteredWarm)}`);

// Watch: ticks with nothing new, then with 100 events appended to a journal.
const jDir = join(DIR, 'journal');
const watch = await openStoreWatch({ dataDir: DIR, SQL });
const idle: number[] = [];
for (let i = 0; i < 2000; i++) {
  const [t, b] = time(() => watch.poll());
  if (b.events.length) throw new Error('idle tick reported events');
  idle.push(t);
}
console.log(`watch tick, nothing new (target ≤ 1 ms): ${stats(idle)}`);
const w = new JournalWriter(jDir, 'bench-watch');
const busy: number[] = [];
try {
  let n = 0;
  for (let i = 0; i < 30; i++) {
    for (let k = 0; k < 100; k++) w.append({ k: 'event', e: makeEvent(info.end + n++, 1) });
    const [t, b] = time(() => watch.poll());
    if (b.events.length !== 100) throw new Error(`tick reported ${b.events.length} events`);
    busy.push(t);
  }
} finally {
  const name = w.position().name;
  w.close();
  unlinkSync(join(jDir, name));
}
console.log(`watch tick after 100 new events (target ≤ 10 ms): ${stats(busy)}`);
