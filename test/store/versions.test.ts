// Schema versions across guards of different ages on one data dir. The extension updates its
// bundled guard while Claude Desktop may still run an older one on the same ~/.warden, so:
// - this build meeting a store or journal written by a NEWER Warden (fixtures below, made the
//   way a future version would write them) never moves it aside or rewrites it, stops
//   folding with a warning, and its readers still show every event they understand;
// - this build meeting an OLDER store (version 1, issue 2) upgrades it and derives the fields
//   version 1 did not carry.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { EVENT_SCHEMA_VERSION } from '../../core/protocol/event.ts';
import { startShopifyStandin } from '../../devtools/standins/shopify.ts';
import { openAuditReader } from '../../store/index.ts';
import { getMeta, STORE_SCHEMA_VERSION } from '../../store/schema.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { AuditStore } from '../../store/writer/audit-store.ts';
import { Folder } from '../../store/writer/folder.ts';
import { guardEnv, meta, startGuard } from '../helpers/guard.ts';
import { journalFiles, makeAlert, makeEvent, segmentFiles, tempDataDir } from './helpers.ts';

const SQL: SqlJsStatic = await loadSqlJs();
const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

const FUTURE = STORE_SCHEMA_VERSION + 1;
/** A pid that is certainly not running: the future writer's process is gone. */
const DEAD_PID = 2 ** 22 + 12345;

function dataDir(): string {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  return t.dir;
}

function folder(dir: string, warnings: string[], segmentSize = 3): Folder {
  return new Folder(SQL, { dataDir: dir, segmentSize, retentionDays: 3650, maxEvents: 1_000_000, onWarning: (m) => warnings.push(m) });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every file under db/ and journal/ with its hash: what "never rewritten, never moved" compares. */
function snapshotFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['db', 'journal']) {
    for (const name of existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)) : []) out.set(`${sub}/${name}`, sha(join(dir, sub, name)));
  }
  return out;
}

/** Six events folded by this build into sealed segments and a newest one. */
function currentStore(dir: string): string[] {
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const store = AuditStore.open({ dataDir: dir, instanceId: 'today', fold: false });
  const base = Date.now() - 60_000;
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const e = makeEvent({ ts: base + i, method: i % 2 ? 'DELETE' : 'GET', action: i % 2 ? 'delete' : 'read' });
    store.record(e);
    ids.push(e.id);
  }
  void store.close();
  const warnings: string[] = [];
  folder(dir, warnings).fold();
  assert.deepEqual(warnings, []);
  assert.ok(segmentFiles(dir).length >= 2, 'several segments');
  return ids;
}

/** Rewrites the newest segment as a future Warden would: newer schema, an extra column and table, one more event. */
function makeNewestSegmentFuture(dir: string): string {
  const path = segmentFiles(dir).at(-1)!;
  const db = new SQL.Database(readFileSync(path));
  db.exec(`UPDATE meta SET value = '${FUTURE}' WHERE key = 'schema_version';
    ALTER TABLE events ADD COLUMN agent_model TEXT;
    CREATE TABLE acknowledgements (alert_id TEXT PRIMARY KEY, at INTEGER);`);
  const future = makeEvent({ ts: Date.now() - 30_000, tool: 'future_tool' });
  db.run(
    `INSERT INTO events (id, ts, session_id, instance_id, client, tool, platform, target, method, endpoint, operation, status,
      latency_ms, risk_level, rules, outcome, error, pii, usage, v, action, categories, agent_model)
     VALUES (?, ?, 's-future', 'i-future', 'c', 'future_tool', 'shopify', 'shop', 'GET', '/x', NULL, 200, 1, 0, '[]', 'forwarded', NULL,
      '{"email":0,"phone":0,"card":0,"secret":0}', NULL, ?, 'read', '[]', 'model-x')`,
    [future.id, future.ts, FUTURE],
  );
  writeFileSync(path, db.export());
  db.close();
  return future.id;
}

/** A journal written by a future Warden whose process is gone: extra fields and a record kind this build does not know. */
function futureJournal(dir: string): string[] {
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const name = `future.${DEAD_PID}.abcdef0123.000000.ndjson`;
  const events = [0, 1, 2].map((i) =>
    makeEvent({ ts: Date.now() - 20_000 + i, session_id: 's-future-journal', method: 'DELETE', action: 'delete' }),
  );
  const lines = [
    { k: 'open', pid: DEAD_PID, instance_id: 'future', ts: Date.now() - 20_000, v: EVENT_SCHEMA_VERSION + 1 },
    { k: 'event', e: { ...events[0], v: EVENT_SCHEMA_VERSION + 1, agent_model: 'model-x', cost: { tokens: 12 } } },
    { k: 'checkpoint', at: Date.now() },
    { k: 'event', e: { ...events[1], v: EVENT_SCHEMA_VERSION + 1 } },
    { k: 'event', e: { ...events[2], v: EVENT_SCHEMA_VERSION + 1 } },
  ];
  writeFileSync(join(dir, 'journal', name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return events.map((e) => e.id);
}

async function visibleIds(dir: string, warnings: string[] = []): Promise<string[]> {
  const reader = await openAuditReader(dir, { onWarning: (m) => warnings.push(m) });
  try {
    return reader.latest(1000).map((e) => e.id);
  } finally {
    reader.close();
  }
}

describe('a store written by a newer Warden', () => {
  it('is never moved aside or rewritten; folding stops with one warning; readers show every event', async () => {
    const dir = dataDir();
    const ids = currentStore(dir);
    const futureId = makeNewestSegmentFuture(dir);
    const futureJournalIds = futureJournal(dir);
    // This build keeps journaling: its events wait in its journal.
    const store = AuditStore.open({ dataDir: dir, instanceId: 'older', fold: false });
    const mine = makeEvent({ ts: Date.now() - 1000, session_id: 's-older' });
    store.record(mine);
    store.recordAlert(makeAlert({ event_ids: [mine.id] }));
    const before = snapshotFiles(dir);

    const warnings: string[] = [];
    const f = folder(dir, warnings);
    assert.deepEqual(f.fold(), { lines: 0, saves: 0 });
    assert.deepEqual(f.fold(), { lines: 0, saves: 0 }, 'stays stopped');
    assert.equal(warnings.length, 1, `one warning, got ${JSON.stringify(warnings)}`);
    assert.match(warnings[0]!, /newer Warden .*stops folding/);
    assert.deepEqual(snapshotFiles(dir), before, 'no file rewritten, moved or deleted');
    assert.ok(!readdirSync(join(dir, 'db')).some((n) => n.includes('corrupt')));

    const readerWarnings: string[] = [];
    const seen = await visibleIds(dir, readerWarnings);
    assert.deepEqual(new Set(seen), new Set([...ids, futureId, ...futureJournalIds, mine.id]), 'every event visible');
    assert.equal(seen.length, ids.length + 1 + futureJournalIds.length + 1, 'each once');
    assert.deepEqual(readerWarnings, []);
    await store.close();
  });

  it('a journal from a newer Warden is left for it to fold, while this build folds its own', async () => {
    const dir = dataDir();
    const ids = currentStore(dir);
    const futureIds = futureJournal(dir);
    const futureName = journalFiles(dir).find((n) => n.startsWith('future.'))!;
    const futureHash = sha(join(dir, 'journal', futureName));
    const store = AuditStore.open({ dataDir: dir, instanceId: 'today2', fold: false });
    const mine = makeEvent({ ts: Date.now() - 500 });
    store.record(mine);
    await store.close();

    const warnings: string[] = [];
    const f = folder(dir, warnings, 100);
    f.fold();
    f.fold();
    assert.equal(warnings.filter((w) => /newer Warden/.test(w)).length, 1, JSON.stringify(warnings));
    assert.equal(sha(join(dir, 'journal', futureName)), futureHash, 'future journal untouched');
    assert.ok(!journalFiles(dir).some((n) => n.startsWith('today2.')), 'own closed journal folded and deleted');
    const db = new SQL.Database(readFileSync(segmentFiles(dir).at(-1)!));
    const stored = new Set((db.exec('SELECT id FROM events')[0]?.values ?? []).map(([id]) => String(id)));
    db.close();
    assert.ok(stored.has(mine.id), 'own event folded');
    assert.ok(!futureIds.some((id) => stored.has(id)), 'future events not folded by this build');
    assert.deepEqual(new Set(await visibleIds(dir)), new Set([...ids, ...futureIds, mine.id]));
  });

  it('the built guard serves on a newer store: calls pass, nothing is moved, the warning reaches its log', async () => {
    const dir = dataDir();
    const ids = currentStore(dir);
    makeNewestSegmentFuture(dir);
    const TOKEN = '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';
    const shopify = await startShopifyStandin({ token: TOKEN });
    const guard = await startGuard(guardEnv({ dataDir: dir, shopify: { ...shopify, token: TOKEN } }));
    let eventId: string;
    try {
      const r = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
      assert.equal(meta(r).status, 200);
      eventId = meta(r).warden.event_id;
    } finally {
      await guard.close();
      await shopify.close();
    }
    assert.match(guard.stderr(), /newer Warden/);
    assert.ok(!readdirSync(join(dir, 'db')).some((n) => n.includes('corrupt')));
    const seen = await visibleIds(dir);
    for (const id of [...ids, eventId]) assert.ok(seen.includes(id), `event ${id} visible`);
  });
});

describe('a store written by an older Warden (version 1)', () => {
  // The segment schema of version 1 (issue 2), as it was shipped.
  const V1_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  client TEXT NOT NULL, tool TEXT NOT NULL, platform TEXT NOT NULL, target TEXT, method TEXT NOT NULL,
  endpoint TEXT NOT NULL, operation TEXT, status INTEGER, latency_ms REAL, risk_level INTEGER NOT NULL,
  rules TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT, pii TEXT NOT NULL, usage TEXT);
CREATE INDEX events_ts ON events (ts, id);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, ts INTEGER NOT NULL, session_id TEXT NOT NULL, instance_id TEXT NOT NULL,
  rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, event_ids TEXT NOT NULL);
CREATE INDEX alerts_ts ON alerts (ts, id);
CREATE TABLE pending (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, writer TEXT NOT NULL, event TEXT NOT NULL);
CREATE TABLE journals (name TEXT PRIMARY KEY, offset INTEGER NOT NULL, ended TEXT);
INSERT INTO meta VALUES ('schema_version', '1');`;

  function v1Event(id: string, ts: number, method: string, operation: string | null) {
    const { v: _v, action: _a, categories: _c, ...rest } = makeEvent({ id, ts, method, operation });
    return rest;
  }

  it('is upgraded: old rows and old journal lines read with derived action and empty categories', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'db'), { recursive: true });
    mkdirSync(join(dir, 'journal'), { recursive: true });
    const t = Date.now() - 10_000;
    const rows = [
      v1Event('01JA0000000000000000000001', t, 'DELETE', null),
      v1Event('01JA0000000000000000000002', t + 1, 'POST', 'mutation productDelete'),
      v1Event('01JA0000000000000000000003', t + 2, 'POST', 'query products'),
    ];
    const db = new SQL.Database();
    db.exec(V1_DDL);
    for (const e of rows) {
      db.run('INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', [
        e.id, e.ts, e.session_id, e.instance_id, e.client, e.tool, e.platform, e.target, e.method, e.endpoint, e.operation,
        e.status, e.latency_ms, e.risk_level, JSON.stringify(e.rules), e.outcome, e.error, JSON.stringify(e.pii), JSON.stringify(e.usage),
      ]); // prettier-ignore
    }
    db.run("INSERT INTO alerts VALUES ('01JA00000000000000000000A1', ?, 's', 'i', 'consecutive_deletes', 'critical', 'm', '[]')", [t + 3]);
    writeFileSync(join(dir, 'db', 'segment-000001.sqlite'), db.export());
    db.close();
    // A version-1 journal: no v on the open line or the events, and no action or categories.
    const journalEvent = v1Event('01JA0000000000000000000004', t + 4, 'PUT', null);
    writeFileSync(
      join(dir, 'journal', `old.${DEAD_PID}.0123456789.000000.ndjson`),
      [
        { k: 'open', pid: DEAD_PID, instance_id: 'old', ts: t },
        { k: 'event', e: journalEvent },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );

    // Readers understand the old files before any folding.
    const reader = await openAuditReader(dir);
    const byId = new Map(reader.latest(10).map((e) => [e.id, e]));
    reader.close();
    assert.equal(byId.size, 4);
    assert.deepEqual(
      ['01JA0000000000000000000001', '01JA0000000000000000000002', '01JA0000000000000000000003', '01JA0000000000000000000004'].map((id) => [
        byId.get(id)?.v,
        byId.get(id)?.action,
        byId.get(id)?.categories,
      ]),
      [
        [1, 'delete', []],
        [1, 'delete', []],
        [1, 'read', []],
        [1, 'write', []],
      ],
    );

    // This build folds them and saves the segment in its own format.
    const warnings: string[] = [];
    folder(dir, warnings, 100).fold();
    assert.deepEqual(warnings, []);
    const saved = new SQL.Database(readFileSync(join(dir, 'db', 'segment-000001.sqlite')));
    assert.equal(getMeta(saved, 'schema_version'), String(STORE_SCHEMA_VERSION));
    assert.equal(saved.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0], 4);
    saved.close();
    const after = await openAuditReader(dir);
    assert.equal(after.latest(10).find((e) => e.id === '01JA0000000000000000000004')?.action, 'write');
    assert.equal(after.alerts(10)[0]?.v, 1);
    after.close();
  });
});
