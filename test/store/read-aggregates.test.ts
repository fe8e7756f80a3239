// Dashboard aggregates equal brute-force counts: over ranges that cover whole segments (rollups),
// straddle segment edges, include the newest segment and the overlay, and over segments sealed
// before rollups existed.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { AggregateQuery, Aggregates, Bucket } from '../../store/read/index.ts';
import { readManifest } from '../../store/schema.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { segmentFiles } from './helpers.ts';
import { BASE, HOUR, buildStore, dropRollups } from './read-fixture.ts';
import type { BuiltStore } from './read-fixture.ts';
import { readFileSync, writeFileSync } from 'node:fs';

const SQL = await loadSqlJs();

function brute(events: AuditEvent[], alerts: Alert[], q: AggregateQuery): Aggregates {
  const since = q.since ?? -Infinity;
  const until = q.until ?? Infinity;
  const ev = events.filter((e) => e.ts >= since && e.ts <= until);
  const count = <K extends string>(key: (e: AuditEvent) => K): Record<string, number> => {
    const m: Record<string, number> = {};
    for (const e of ev) m[key(e)] = (m[key(e)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const byRisk: [number, number, number, number] = [0, 0, 0, 0];
  for (const e of ev) byRisk[e.risk_level]++;
  const eps = new Map<string, { platform: string; endpoint: string; count: number }>();
  for (const e of ev) {
    const k = `${e.platform} ${e.endpoint}`;
    const x = eps.get(k) ?? { platform: e.platform, endpoint: e.endpoint, count: 0 };
    x.count++;
    eps.set(k, x);
  }
  const sorted = [...eps.values()].sort(
    (a, b) => b.count - a.count || a.platform.localeCompare(b.platform) || (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0),
  );
  const top = q.topEndpoints ?? 10;
  const buckets = (size: number, offset: number): Bucket[] => {
    const m = new Map<number, Bucket>();
    for (const e of ev) {
      const start = Math.floor((e.ts + offset) / size) * size - offset;
      const b = m.get(start) ?? { start, count: 0, byRisk: [0, 0, 0, 0] };
      b.count++;
      b.byRisk[e.risk_level]++;
      m.set(start, b);
    }
    return [...m.values()].sort((a, b) => a.start - b.start);
  };
  const fired = new Map<string, number>();
  for (const e of ev) for (const rule of e.rules) fired.set(rule, (fired.get(rule) ?? 0) + 1);
  const rules = [...fired]
    .map(([rule, count]) => ({ rule, count }))
    .sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const topRules = q.topRules ?? 10;
  const al = alerts.filter((a) => a.ts >= since && a.ts <= until);
  const bySeverity: Record<string, number> = {};
  for (const a of al) bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + 1;
  const sev = Object.fromEntries(Object.entries(bySeverity).sort());
  return {
    since: q.since ?? null,
    until: q.until ?? null,
    total: ev.length,
    byRisk,
    byPlatform: count((e) => e.platform),
    byOutcome: count((e) => e.outcome),
    topEndpoints: sorted.slice(0, top),
    otherEndpoints: sorted.slice(top).reduce((a, b) => a + b.count, 0),
    topRules: rules.slice(0, topRules),
    otherRules: rules.slice(topRules).reduce((a, b) => a + b.count, 0),
    hourly: buckets(HOUR, 0),
    daily: buckets(24 * HOUR, (q.utcOffsetMinutes ?? 0) * 60_000),
    alerts: { total: al.length, bySeverity: sev, open: { total: al.length, bySeverity: { ...sev } } },
  };
}

const QUERIES: [string, AggregateQuery][] = [
  ['everything', {}],
  ['a range straddling segment edges', { since: BASE + 7 * HOUR + 123, until: BASE + 55 * HOUR - 1 }],
  ['the last hours (newest segment and overlay)', { since: BASE + 60 * HOUR }],
  ['a range before everything', { until: BASE - 1 }],
  ['top 3 endpoints, local days at UTC+2', { since: BASE + HOUR, topEndpoints: 3, utcOffsetMinutes: 120 }],
  ['top 2 rules', { since: BASE + 3 * HOUR, topRules: 2 }],
  ['one millisecond', { since: BASE + 30 * HOUR, until: BASE + 30 * HOUR }],
];

/** Removes the rule counts from every rollup in the manifest, as a build before them wrote it. */
function stripRuleCounts(dir: string): void {
  const newest = segmentFiles(dir).at(-1)!;
  const db = new SQL.Database(readFileSync(newest));
  const raw = db.exec("SELECT value FROM meta WHERE key = 'segments'")[0]!.values[0]![0] as string;
  const entries = JSON.parse(raw) as { rollup?: { rules?: unknown } }[];
  for (const m of entries) delete m.rollup?.rules;
  db.run("UPDATE meta SET value = ? WHERE key = 'segments'", [JSON.stringify(entries)]);
  writeFileSync(newest, db.export());
  db.close();
}

describe('read aggregates', () => {
  let s: BuiltStore;
  before(() => {
    // Timestamps rise with the write order here, so sealed segments lie inside whole ranges.
    s = buildStore(SQL, { n: 2000, segmentSize: 200, seed: 7, ordered: true });
  });
  after(() => s.cleanup());

  test('sealed segments carry rollups in the manifest', () => {
    const newest = new SQL.Database(readFileSync(segmentFiles(s.dir).at(-1)!));
    const manifest = readManifest(newest);
    newest.close();
    assert.ok(manifest.length >= 8);
    assert.ok(manifest.every((m) => m.rollup !== undefined && m.rollup.hours.reduce((a, h) => a + h[1], 0) === m.count));
  });

  for (const [name, q] of QUERIES) {
    test(`equal brute force: ${name}`, async () => {
      const r = await openStoreReader({ dataDir: s.dir, SQL });
      try {
        assert.deepEqual(r.aggregate(q), brute(s.events, s.alerts, q));
      } finally {
        r.close();
      }
    });
  }

  test('segments fully inside the range are counted from their rollup, not opened', async () => {
    const r = await openStoreReader({ dataDir: s.dir, SQL });
    try {
      // A range covering everything but the newest segment's file: any load would go through db().
      const snap = (r as unknown as { snap: { db: (seq: number) => unknown; newest: { seq: number } } }).snap;
      const opened: number[] = [];
      const orig = snap.db.bind(snap);
      snap.db = (seq: number) => {
        opened.push(seq);
        return orig(seq);
      };
      const got = r.aggregate({});
      assert.deepEqual(opened, [snap.newest.seq], 'only the newest segment is queried');
      assert.equal(got.total, s.events.length);
      opened.length = 0;
      r.aggregate(QUERIES[1]![1]);
      assert.ok(opened.length >= 2 && opened.length <= 4, `the newest and the straddling segments only: ${opened.join(',')}`);
    } finally {
      r.close();
    }
  });

  test('rule counts are exact and come from the rollups too', async () => {
    const r = await openStoreReader({ dataDir: s.dir, SQL });
    try {
      const got = r.aggregate({ topRules: 100 });
      assert.ok(got.topRules.length >= 3, 'the fixture fires several rules');
      assert.equal(got.otherRules, 0);
      assert.equal(
        got.topRules.reduce((a, b) => a + b.count, 0),
        s.events.reduce((a, e) => a + e.rules.length, 0),
      );
    } finally {
      r.close();
    }
  });

  test('rollups sealed before rule counts existed: their rules are counted from the file', async () => {
    stripRuleCounts(s.dir);
    for (const [, q] of QUERIES) {
      const r = await openStoreReader({ dataDir: s.dir, SQL });
      try {
        assert.deepEqual(r.aggregate(q), brute(s.events, s.alerts, q));
      } finally {
        r.close();
      }
    }
  });

  test('segments without a rollup (sealed by an older Warden) are queried instead', async () => {
    const dropped = dropRollups(SQL, s.dir, (seq) => seq % 2 === 0);
    assert.ok(dropped >= 3);
    for (const [, q] of QUERIES) {
      const r = await openStoreReader({ dataDir: s.dir, SQL });
      try {
        assert.deepEqual(r.aggregate(q), brute(s.events, s.alerts, q));
      } finally {
        r.close();
      }
    }
  });
});
