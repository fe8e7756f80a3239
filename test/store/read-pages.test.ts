// The read API's pages: newest-first with a cursor across segment boundaries and the journal
// overlay, without gaps or duplicates (equal timestamps included), every filter, alerts pages,
// the sessions list and the legacy openAuditReader layer.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '../../core/types.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { EventFilter, StoreReader } from '../../store/read/index.ts';
import { openAuditReader } from '../../store/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { BASE, HOUR, buildStore, newestFirst } from './read-fixture.ts';
import type { BuiltStore } from './read-fixture.ts';

const SQL = await loadSqlJs();

/** Independent of the implementation's matcher: plain JS over the expected events. */
function bruteFilter(events: AuditEvent[], f: EventFilter): AuditEvent[] {
  const one = (v: unknown, want: unknown): boolean => want === undefined || (Array.isArray(want) ? want.includes(v) : v === want);
  return events
    .filter(
      (e) =>
        (f.minRisk === undefined || e.risk_level >= f.minRisk) &&
        (f.risk === undefined || f.risk.includes(e.risk_level)) &&
        one(e.platform, f.platform) &&
        one(e.tool, f.tool) &&
        one(e.outcome, f.outcome) &&
        (f.sessionId === undefined || e.session_id === f.sessionId) &&
        (f.since === undefined || e.ts >= f.since) &&
        (f.until === undefined || e.ts <= f.until) &&
        (!f.text ||
          [e.endpoint, e.operation, e.method, e.tool, e.target, e.error, ...e.rules].some(
            (x) => x !== null && x.toLowerCase().includes(f.text!.toLowerCase()),
          )),
    )
    .sort(newestFirst);
}

function pageAll(r: StoreReader, f: EventFilter, limit: number): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = r.events(f, { limit, cursor });
    assert.ok(p.events.length <= limit);
    if (p.nextCursor !== null) assert.equal(p.events.length, limit, 'only the last page may be short');
    ids.push(...p.events.map((e) => e.id));
    cursor = p.nextCursor;
    pages++;
    assert.ok(pages < 10_000, 'paging terminates');
  } while (cursor !== null);
  return { ids, pages };
}

describe('read pages', () => {
  let s: BuiltStore;
  let r: StoreReader;
  before(async () => {
    s = buildStore(SQL, { n: 1200, segmentSize: 150 });
    r = await openStoreReader({ dataDir: s.dir, SQL });
  });
  after(() => {
    r.close();
    s.cleanup();
  });

  test('the store spans several segments, equal timestamps and an overlay', () => {
    assert.ok(s.segments >= 6, `segments: ${s.segments}`);
    const byTs = new Map<number, number>();
    for (const e of s.events) byTs.set(e.ts, (byTs.get(e.ts) ?? 0) + 1);
    assert.ok(
      [...byTs.values()].some((n) => n >= 3),
      'some timestamps are shared',
    );
    assert.equal(r.count(), s.events.length);
  });

  for (const limit of [3, 37, 150, 5000]) {
    test(`every event exactly once, newest first, in pages of ${limit}`, () => {
      const { ids } = pageAll(r, {}, limit);
      assert.deepEqual(
        ids,
        s.events.sort(newestFirst).map((e) => e.id),
      );
    });
  }

  test('the overlay wins: final events of folded intents, open intents as provisional', () => {
    const all = new Map(pageAll(r, {}, 500).ids.map((id) => [id, id]));
    assert.equal(all.size, s.events.length);
    const p = r.events({}, { limit: 5000 });
    const byId = new Map(p.events.map((e) => [e.id, e]));
    for (const e of s.events) assert.deepEqual(byId.get(e.id), e, `event ${e.id} as expected`);
  });

  const filters: [string, EventFilter][] = [
    ['minRisk', { minRisk: 2 }],
    ['risk set', { risk: [0, 3] }],
    ['risk set and minRisk', { risk: [0, 1, 3], minRisk: 1 }],
    ['platform', { platform: 'meta' }],
    ['platforms', { platform: ['meta', 'generic'] }],
    ['tool', { tool: 'shopify_request' }],
    ['outcome', { outcome: 'blocked' }],
    ['outcomes', { outcome: ['denied', 'throttled'] }],
    ['session', { sessionId: 'sess-3' }],
    ['text in endpoint, any case', { text: 'CAMPAIGNS' }],
    ['text in operation', { text: 'productdelete' }],
    ['text in rule id', { text: 'customer.delete' }],
    ['text in target', { text: 'shop-2.example' }],
    ['text in error', { text: 'timeouterror' }],
    ['text in method', { text: 'delete' }],
    ['text matching nothing', { text: '","' }],
    ['since/until', { since: BASE + 20 * HOUR, until: BASE + 50 * HOUR }],
    ['since only (the overlay)', { since: BASE + 72 * HOUR }],
    ['combined', { minRisk: 1, platform: 'shopify', text: 'json', since: BASE + 10 * HOUR, outcome: ['forwarded', 'error'] }],
    ['empty set', { platform: [] }],
  ];
  for (const [name, f] of filters) {
    test(`filter: ${name}`, () => {
      const want = bruteFilter(s.events, f).map((e) => e.id);
      if (name !== 'text matching nothing' && name !== 'empty set') assert.ok(want.length > 0, 'the filter matches something');
      assert.deepEqual(pageAll(r, f, 23).ids, want);
    });
  }

  test('a cursor stays valid after a refresh, and pages never shift', () => {
    const first = r.events({}, { limit: 50 });
    r.refresh();
    const second = r.events({}, { limit: 50, cursor: first.nextCursor });
    const ids = s.events.sort(newestFirst).map((e) => e.id);
    assert.deepEqual(
      second.events.map((e) => e.id),
      ids.slice(50, 100),
    );
  });

  test('a cursor this build did not make is refused', () => {
    assert.throws(() => r.events({}, { cursor: 'bm90IGEgY3Vyc29y' }), RangeError);
  });

  test('alerts: pages, severity, session and time filters', () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const p = r.alerts({}, { limit: 2, cursor });
      all.push(...p.alerts.map((a) => a.id));
      cursor = p.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      all,
      [...s.alerts].sort(newestFirst).map((a) => a.id),
    );
    const crit = r.alerts({ severity: 'critical', since: BASE + 10 * HOUR }, { limit: 1000 }).alerts.map((a) => a.id);
    assert.deepEqual(
      crit,
      s.alerts
        .filter((a) => a.severity === 'critical' && a.ts >= BASE + 10 * HOUR)
        .sort(newestFirst)
        .map((a) => a.id),
    );
    const sess = s.alerts[0]!.session_id;
    assert.deepEqual(
      r.alerts({ sessionId: sess }, { limit: 1000 }).alerts.map((a) => a.id),
      s.alerts
        .filter((a) => a.session_id === sess)
        .sort(newestFirst)
        .map((a) => a.id),
    );
  });

  for (const [name, since, until] of [
    ['all time', undefined, undefined],
    ['a window straddling segments', BASE + 13 * HOUR + 5, BASE + 41 * HOUR],
  ] as const) {
    test(`sessions (${name}) equal brute force`, () => {
      const inWin = s.events.filter((e) => (since === undefined || e.ts >= since) && (until === undefined || e.ts <= until));
      const want = new Map<string, { client: string; firstTs: number; lastTs: number; events: number; maxRisk: number }>();
      for (const e of [...inWin].sort((a, b) => a.ts - b.ts || (a.client < b.client ? -1 : 1))) {
        const w = want.get(e.session_id);
        if (!w) want.set(e.session_id, { client: e.client, firstTs: e.ts, lastTs: e.ts, events: 1, maxRisk: e.risk_level });
        else {
          w.lastTs = e.ts;
          w.client = e.client;
          w.events++;
          w.maxRisk = Math.max(w.maxRisk, e.risk_level);
        }
      }
      const got = r.sessions({ since, until });
      assert.deepEqual(
        got.map((x) => x.sessionId),
        [...want.entries()].sort((a, b) => b[1].lastTs - a[1].lastTs || (a[0] < b[0] ? -1 : 1)).map(([k]) => k),
      );
      for (const x of got) assert.deepEqual({ ...x, sessionId: undefined }, { sessionId: undefined, ...want.get(x.sessionId)! });
    });
  }

  test('openAuditReader still works as a layer over the pages', async () => {
    const legacy = await openAuditReader(s.dir);
    try {
      const sorted = s.events.sort(newestFirst);
      assert.deepEqual(
        legacy.latest(10).map((e) => e.id),
        sorted.slice(0, 10).map((e) => e.id),
      );
      assert.deepEqual(
        [...legacy.iterate({ minRisk: 3 })].map((e) => e.id),
        bruteFilter(s.events, { minRisk: 3 }).map((e) => e.id),
      );
      assert.equal(legacy.alerts(1000).length, s.alerts.length);
      assert.equal(legacy.count(), s.events.length);
    } finally {
      legacy.close();
    }
  });
});
