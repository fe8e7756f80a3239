// The web dashboard's store (store.web) on both back ends, one suite: sessions (create, read,
// expiry, end, pruning) and the summary's aggregates for one user among others.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import type { CloudStore, CloudStoreOptions } from '../../cloud-lite/store/types.ts';
import { parseAlert, parseAuditEvent, type AuditEvent } from '../../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';
import { startPostgres, type PostgresServer } from '../helpers/services.ts';

const BASE = parseAuditEvent(SAMPLE_EVENT)!;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Noon UTC on a fixed day: "today" in the queries below starts at T0 - 12 h. */
const T0 = Date.UTC(2026, 11, 3, 12);
const TODAY = T0 - 12 * HOUR;

let seq = 0;
function ev(user: string, ts: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { ...BASE, id: `${user}-${++seq}`, ts, ...extra };
}

async function insert(store: CloudStore, user: string, events: AuditEvent[]): Promise<void> {
  const r = await store.insertEvents({ user, keyId: 'k', events, dailyQuota: 1_000_000, day: '2026-12-03', receivedAt: T0 });
  assert.equal(r.accepted.length, events.length);
}

function webSuite(location: () => Promise<CloudStoreOptions>): void {
  let store: CloudStore;
  before(async () => {
    store = await openCloudStore(await location());
  });
  after(async () => store?.close());

  test('a session reads back until it expires or ends; expired rows go when a new session starts', async () => {
    const s = { idHash: 'a'.repeat(64), user: 'alice', keyId: 'wk_a', createdAt: T0, expiresAt: T0 + HOUR };
    await store.web.createSession(s);
    assert.deepEqual(await store.web.getSession(s.idHash, T0 + 1), s);
    assert.equal(await store.web.getSession(s.idHash, T0 + HOUR), null, 'expired');
    assert.equal(await store.web.getSession('b'.repeat(64), T0), null, 'unknown');
    const later = { ...s, idHash: 'c'.repeat(64), createdAt: T0 + 2 * HOUR, expiresAt: T0 + 3 * HOUR };
    await store.web.createSession(later);
    assert.equal(await store.web.getSession(s.idHash, T0), null, 'the expired row was pruned');
    await store.web.endSession(later.idHash);
    assert.equal(await store.web.getSession(later.idHash, T0 + 2 * HOUR), null, 'ended');
  });

  test("the summary counts one user's events only: today by risk, the timeline, platforms, top endpoints and rules", async () => {
    const a = [
      ev('sum-a', TODAY + 1 * HOUR, { risk_level: 0, platform: 'shopify', endpoint: '/e1', rules: [] }),
      ev('sum-a', TODAY + 1 * HOUR + 5, { risk_level: 3, platform: 'shopify', endpoint: '/e1', rules: ['r.del', 'r.bulk'] }),
      ev('sum-a', TODAY + 2 * HOUR, { risk_level: 2, platform: 'meta', endpoint: '/e2', rules: ['r.del'] }),
      ev('sum-a', TODAY + 11 * HOUR, { risk_level: 1, platform: 'shopify', endpoint: '/e3', rules: ['r.other'] }),
      // Yesterday: in the 24 h range but not today.
      ev('sum-a', TODAY - 2 * HOUR, { risk_level: 3, platform: 'generic', endpoint: '/e1', rules: ['r.del'] }),
      // Out of the 24 h range.
      ev('sum-a', TODAY - 3 * DAY, { risk_level: 3, platform: 'generic', endpoint: '/old', rules: ['r.old'] }),
    ];
    await insert(store, 'sum-a', a);
    await insert(store, 'sum-b', [ev('sum-b', TODAY + HOUR, { endpoint: '/b-only', rules: ['r.b'] })]);
    const alert = (id: string, ts: number, severity: 'critical' | 'warning') =>
      parseAlert({ id, ts, session_id: 's', instance_id: 'i', rule: 'consecutive_deletes', severity, message: 'm', event_ids: [] })!;
    await store.insertAlerts('sum-a', [
      alert('x1', TODAY + HOUR, 'critical'),
      alert('x2', TODAY + 2 * HOUR, 'warning'),
      alert('x3', TODAY - HOUR, 'critical'),
    ]);
    await store.insertAlerts('sum-b', [alert('y1', TODAY + HOUR, 'critical')]);

    const since = T0 - 23 * HOUR;
    const s = await store.web.summary({ user: 'sum-a', since, until: T0 + HOUR, bucketMs: HOUR, todayStart: TODAY, top: 2 });
    assert.deepEqual(s.today, { total: 4, byRisk: [1, 1, 1, 1], alerts: 2, critical: 1 });
    assert.equal(s.total, 5);
    assert.deepEqual(s.byPlatform, { shopify: 3, meta: 1, generic: 1 });
    assert.deepEqual(s.timeline, [
      { start: TODAY - 2 * HOUR, byRisk: [0, 0, 0, 1] },
      { start: TODAY + HOUR, byRisk: [1, 0, 0, 1] },
      { start: TODAY + 2 * HOUR, byRisk: [0, 0, 1, 0] },
      { start: TODAY + 11 * HOUR, byRisk: [0, 1, 0, 0] },
    ]);
    assert.deepEqual(s.topEndpoints, [
      { platform: 'shopify', endpoint: '/e1', count: 2 },
      { platform: 'generic', endpoint: '/e1', count: 1 },
    ]);
    assert.equal(s.otherEndpoints, 2);
    assert.deepEqual(s.topRules, [
      { rule: 'r.del', count: 3 },
      { rule: 'r.bulk', count: 1 },
    ]);
    assert.equal(s.otherRules, 1);

    const empty = await store.web.summary({ user: 'nobody', since, until: T0 + HOUR, bucketMs: HOUR, todayStart: TODAY, top: 2 });
    assert.deepEqual(empty, {
      today: { total: 0, byRisk: [0, 0, 0, 0], alerts: 0, critical: 0 },
      timeline: [],
      total: 0,
      byPlatform: {},
      topEndpoints: [],
      otherEndpoints: 0,
      topRules: [],
      otherRules: 0,
    });
  });

  test('day buckets over 30 days', async () => {
    const since = TODAY - 29 * DAY;
    const s = await store.web.summary({ user: 'sum-a', since, until: TODAY + DAY, bucketMs: DAY, todayStart: TODAY, top: 8 });
    assert.equal(s.total, 6);
    assert.deepEqual(
      s.timeline.map((b) => [b.start, b.byRisk]),
      [
        [TODAY - 3 * DAY, [0, 0, 0, 1]],
        [TODAY - DAY, [0, 0, 0, 1]],
        [TODAY, [1, 1, 1, 1]],
      ],
    );
  });
}

describe('web store: SQLite', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  webSuite(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-web-store-'));
    dirs.push(dir);
    return { dataDir: join(dir, 'data') };
  });
});

describe('web store: PostgreSQL', () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => server?.destroy());
  webSuite(async () => ({ dataDir: '/nonexistent', databaseUrl: server.createDatabase('web_store') }));
});
