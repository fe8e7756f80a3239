// The AnalysisStore suite both back ends pass (SQLite in a temp dir, PostgreSQL on a private
// server): the global verdict cache (first write wins), the daily cap and the monthly budget
// reserved together or not at all, reconciliation, and exactness when reservations race (on
// PostgreSQL from two stores, as two instances would). Then two service instances on one
// PostgreSQL: the user's daily cap holds across them, and a verdict cached by one is a hit on
// the other.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import type { CloudStore, CloudStoreOptions } from '../../cloud-lite/store/types.ts';
import type { ReserveInput } from '../../cloud-lite/analyze/store.ts';
import { startPostgres, type PostgresServer } from '../helpers/services.ts';
import { startFakeLlm, type FakeLlm } from './fixtures/fake-llm.ts';
import { createKey, send, startTestService, type TestService } from './http-client.ts';

const DAY = '2026-12-03';
const MONTH = '2026-12';

function reservation(over: Partial<ReserveInput> = {}): ReserveInput {
  return { user: 'u1', day: DAY, dailyCalls: 3, month: MONTH, monthlyTokens: 10_000, tokens: 1000, ...over };
}

function analysisSuite(location: () => Promise<CloudStoreOptions>): void {
  const opened: CloudStore[] = [];
  let opts: CloudStoreOptions;
  let store: CloudStore;
  const open = async (o: CloudStoreOptions): Promise<CloudStore> => {
    const s = await openCloudStore(o);
    opened.push(s);
    return s;
  };
  before(async () => {
    opts = await location();
    store = await open(opts);
  });
  after(async () => {
    for (const s of opened) await s.close();
  });

  test('verdict cache: miss, put, hit; the first verdict for a key wins', async () => {
    const a = store.analysis;
    assert.equal(await a.getVerdict('k1'), null);
    const first = { verdict: { level: 2 as const, label: 'Updates prices' }, analyzedAt: 1_800_000_000_123 };
    assert.deepEqual(await a.putVerdict('k1', first), first);
    const second = { verdict: { level: 0 as const, label: 'Reads nothing' }, analyzedAt: 1_800_000_000_999 };
    assert.deepEqual(await a.putVerdict('k1', second), first, 'the cached verdict is kept and returned');
    assert.deepEqual(await a.getVerdict('k1'), first);
    assert.equal(await a.getVerdict('k2'), null);
  });

  test('reserve: the daily cap per user and day; a refusal spends nothing', async () => {
    const a = store.analysis;
    for (let i = 0; i < 3; i++) assert.equal(await a.reserve(reservation({ user: 'cap' })), 'ok');
    assert.equal(await a.reserve(reservation({ user: 'cap' })), 'daily_cap');
    assert.equal(await a.callsOn('cap', DAY), 3);
    assert.equal(await a.reserve(reservation({ user: 'cap', day: '2026-12-04' })), 'ok', 'a new day');
    assert.equal(await a.reserve(reservation({ user: 'other' })), 'ok', 'another user');
    assert.equal(await a.reserve(reservation({ user: 'zero', dailyCalls: 0 })), 'daily_cap', 'a cap of 0 allows nothing');
    assert.equal(await a.callsOn('zero', DAY), 0);
  });

  test('reserve: the monthly budget is checked with the reservation; settle reconciles; a refusal spends no call', async () => {
    const a = store.analysis;
    const month = '2027-01';
    const r = (tokens: number, user = 'b1') => reservation({ user, month, monthlyTokens: 2500, tokens, dailyCalls: 100 });
    assert.equal(await a.reserve(r(1000)), 'ok');
    assert.equal(await a.reserve(r(1000)), 'ok');
    assert.equal(await a.tokensIn(month), 2000);
    assert.equal(await a.reserve(r(1000, 'b2')), 'monthly_budget');
    assert.equal(await a.callsOn('b2', DAY), 0, 'the budget refusal spent no call');
    assert.equal(await a.tokensIn(month), 2000);
    await a.settle(month, 1000, 120); // the first call cost 120
    await a.settle(month, 1000, 0); // the second was not billed
    assert.equal(await a.tokensIn(month), 120);
    assert.equal(await a.reserve(r(1000, 'b2')), 'ok');
    assert.equal(await a.tokensIn(month), 1120);
    await a.settle('2099-01', 10, 5); // a month never reserved: nothing to reconcile
    assert.equal(await a.tokensIn('2099-01'), 0);
  });

  test('racing reservations stay exact: 40 at once (two stores on one database) against a cap of 10 and a budget of 25 calls', async () => {
    const other = await open(opts);
    const tryAll = (input: (i: number) => ReserveInput) =>
      Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? other : store).analysis.reserve(input(i))));
    const capped = await tryAll(() => reservation({ user: 'race', dailyCalls: 10, month: '2027-02', monthlyTokens: 1_000_000 }));
    assert.equal(capped.filter((x) => x === 'ok').length, 10);
    assert.equal(await store.analysis.callsOn('race', DAY), 10);
    const budget = await tryAll((i) => reservation({ user: `r${i}`, month: '2027-03', monthlyTokens: 25_000, tokens: 1000 }));
    assert.equal(budget.filter((x) => x === 'ok').length, 25);
    assert.equal(await store.analysis.tokensIn('2027-03'), 25_000);
  });
}

describe('cloud-lite analysis store: SQLite', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  analysisSuite(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-analysis-'));
    dirs.push(dir);
    return { dataDir: join(dir, 'data') };
  });
});

describe('cloud-lite analysis on PostgreSQL', () => {
  let server: PostgresServer;
  let n = 0;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.destroy();
  });

  describe('store', () => {
    analysisSuite(async () => ({ dataDir: '/nonexistent', databaseUrl: server.createDatabase(`analysis_${++n}`) }));
  });

  describe('two service instances on one database', () => {
    const API_KEY = 'sk-ant-scale-test-key-0123456789';
    let fake: FakeLlm;
    let one: TestService;
    let two: TestService;
    before(async () => {
      fake = await startFakeLlm(API_KEY);
      const env = {
        DATABASE_URL: server.createDatabase('analysis_http'),
        ANALYZE_API_URL: fake.url,
        ANALYZE_API_KEY: API_KEY,
        ANALYZE_MODEL: 'claude-test',
        CLOUD_LITE_ANALYZE_DAILY_FREE: '7',
      };
      [one, two] = await Promise.all([startTestService(env), startTestService(env)]);
    });
    after(async () => {
      await Promise.allSettled([one?.stop(), two?.stop()]);
      await fake?.stop();
    });

    const q = (i: number) => ({
      platform: 'meta',
      method: 'POST',
      endpoint: `/v19.0/act_{id}/thing${i}`,
      operation: null,
      fields: [],
    });

    test("the free user's daily cap holds across instances; a verdict cached by one is a hit on the other", async () => {
      const key = await createKey(one, 'fred', 'free');
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => send(i % 2 ? two.url : one.url, { path: '/v1/analyze', body: JSON.stringify(q(i)), key })),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [...Array(7).fill(200), ...Array(5).fill(429)], answers.map((a) => a.text).join('\n'));
      assert.equal(fake.requests.length, 7);

      const pro = await createKey(two, 'pia', 'pro');
      const cachedOnOne = answers.findIndex((a, i) => a.status === 200 && i % 2 === 0);
      const hit = await send(two.url, { path: '/v1/analyze', body: JSON.stringify(q(cachedOnOne)), key: pro });
      assert.equal(hit.status, 200, hit.text);
      assert.equal(hit.json.cache, 'hit');
      assert.equal(fake.requests.length, 7, 'no second provider call');
    });
  });
});
