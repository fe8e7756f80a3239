import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMetaStandin, type MetaStandin } from '../../../devtools/standins/meta.ts';

const TOKEN = 'EAAStandinTest000000000000000000000000';
const ACT = 'act_1234567890';

function client(s: MetaStandin, auth: string | null = `Bearer ${TOKEN}`) {
  return async (method: string, path: string, body?: string | Record<string, unknown>) => {
    const headers: Record<string, string> = {};
    if (auth) headers.Authorization = auth;
    let payload: string | undefined;
    if (typeof body === 'string') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      payload = body;
    } else if (body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${s.url}/v21.0${path}`, { method, headers, body: payload });
    return { status: res.status, headers: res.headers, json: (await res.json()) as any };
  };
}

function assertMetaError(r: { json: any }, code: number) {
  assert.equal(r.json.error.code, code, JSON.stringify(r.json));
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(['OAuthException', 'GraphMethodException'].includes(r.json.error.type));
  assert.match(r.json.error.fbtrace_id, /^[A-Za-z0-9_-]{8,}$/);
}

describe('Meta stand-in', () => {
  let s: MetaStandin;
  let call: ReturnType<typeof client>;
  before(async () => {
    s = await startMetaStandin({ token: TOKEN });
    call = client(s);
  });
  after(() => s.close());

  it('answers /me with a bearer token or an access_token parameter', async () => {
    const r = await call('GET', '/me');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { name: 'Warden Demo User', id: '10158000000000001' });
    assert.equal(r.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(r.headers.get('facebook-api-version'), 'v21.0');
    const viaParam = await fetch(`${s.url}/v21.0/me?access_token=${TOKEN}`);
    assert.equal(viaParam.status, 200);
  });

  it('refuses a wrong token with 190 and a missing one with 2500', async () => {
    const wrong = await client(s, 'Bearer EAAwrong')('GET', '/me');
    assert.equal(wrong.status, 400);
    assertMetaError(wrong, 190);
    assert.equal(wrong.json.error.message, 'Invalid OAuth access token - Cannot parse access token');
    assert.match(wrong.headers.get('www-authenticate')!, /invalid_token/);
    const none = await client(s, null)('GET', '/me');
    assert.equal(none.status, 400);
    assertMetaError(none, 2500);
  });

  it('sends the three usage headers as JSON on success and on error', async () => {
    for (const r of [await call('GET', '/me'), await client(s, 'Bearer nope')('GET', '/me')]) {
      const app = JSON.parse(r.headers.get('x-app-usage')!);
      assert.deepEqual(Object.keys(app), ['call_count', 'total_cputime', 'total_time']);
      const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!);
      const [entry] = Object.values(buc)[0] as any[];
      assert.equal(entry.type, 'ads_management');
      assert.equal(typeof entry.estimated_time_to_regain_access, 'number');
      const acc = JSON.parse(r.headers.get('x-ad-account-usage')!);
      assert.equal(typeof acc.acc_id_util_pct, 'number');
      assert.ok(r.headers.get('x-fb-trace-id'));
    }
  });

  it('lists campaigns: ids by default, requested fields, paging', async () => {
    const ids = await call('GET', `/${ACT}/campaigns`);
    assert.equal(ids.status, 200);
    assert.ok(ids.json.data.length >= 3);
    assert.deepEqual(Object.keys(ids.json.data[0]), ['id']);
    const page1 = await call('GET', `/${ACT}/campaigns?fields=name,daily_budget,status&limit=2`);
    assert.equal(page1.json.data.length, 2);
    assert.ok(page1.json.data.every((c: any) => typeof c.name === 'string' && c.status));
    const next = new URL(page1.json.paging.next);
    assert.equal(next.hostname, 'graph.facebook.com');
    assert.equal(next.searchParams.get('after'), page1.json.paging.cursors.after);
    const page2 = await call('GET', `/${ACT}/campaigns?fields=name&limit=2&after=${page1.json.paging.cursors.after}`);
    assert.ok(page2.json.data.length >= 1);
    assert.ok(!page1.json.data.some((c: any) => c.id === page2.json.data[0].id));
    const bad = await call('GET', `/${ACT}/campaigns?fields=name,secret_sauce`);
    assert.equal(bad.status, 400);
    assertMetaError(bad, 100);
  });

  it('creates a campaign from form parameters and lists it first', async () => {
    const r = await call(
      'POST',
      `/${ACT}/campaigns`,
      'name=Winter+Push&objective=OUTCOME_TRAFFIC&status=PAUSED&daily_budget=1500&special_ad_categories=%5B%5D',
    );
    assert.equal(r.status, 200);
    assert.match(r.json.id, /^\d{15,}$/);
    const list = await call('GET', `/${ACT}/campaigns?fields=name,daily_budget`);
    assert.deepEqual(list.json.data[0], { id: r.json.id, name: 'Winter Push', daily_budget: '1500' });
    const missing = await call('POST', `/${ACT}/campaigns`, { objective: 'OUTCOME_TRAFFIC' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.message, '(#100) The parameter name is required');
  });

  it('updates a campaign budget (JSON or form) and rejects a bad one', async () => {
    const r = await call('POST', '/120210000000000001', { daily_budget: 50000 });
    assert.deepEqual(r.json, { success: true });
    const got = await call('GET', '/120210000000000001?fields=daily_budget');
    assert.deepEqual(got.json, { id: '120210000000000001', daily_budget: '50000' });
    await call('POST', '/120210000000000001', 'daily_budget=6000&status=PAUSED');
    const again = await call('GET', '/120210000000000001?fields=daily_budget,status');
    assert.deepEqual(again.json, { id: '120210000000000001', daily_budget: '6000', status: 'PAUSED' });
    const bad = await call('POST', '/120210000000000001', { daily_budget: 'lots' });
    assert.equal(bad.status, 400);
    assertMetaError(bad, 100);
  });

  it('deletes a campaign: success, gone from the list, readable as DELETED', async () => {
    const r = await call('DELETE', '/120210000000000002');
    assert.deepEqual(r.json, { success: true });
    const list = await call('GET', `/${ACT}/campaigns`);
    assert.ok(!list.json.data.some((c: any) => c.id === '120210000000000002'));
    const got = await call('GET', '/120210000000000002?fields=status');
    assert.equal(got.json.status, 'DELETED');
  });

  it('serves insights for a campaign and for the account', async () => {
    const c = await call('GET', '/120210000000000003/insights?fields=impressions,clicks,spend');
    assert.equal(c.status, 200);
    const row = c.json.data[0];
    assert.match(row.impressions, /^\d+$/);
    assert.match(row.spend, /^\d+\.\d\d$/);
    assert.ok(row.date_start && row.date_stop);
    assert.ok(c.json.paging.cursors);
    const a = await call('GET', `/${ACT}/insights`);
    assert.ok(a.json.data[0].impressions);
  });

  it('answers unknown objects and edges like Meta', async () => {
    const missing = await call('GET', '/999999999999');
    assert.equal(missing.status, 400);
    assertMetaError(missing, 100);
    assert.equal(missing.json.error.error_subcode, 33);
    assert.equal(missing.json.error.type, 'GraphMethodException');
    assert.match(missing.json.error.message, /^Unsupported get request\. Object with ID '999999999999' does not exist/);
    const edge = await call('GET', '/120210000000000001/adsets_nope');
    assertMetaError(edge, 100);
    const path = await call('GET', '/nonsense/thing/deeper');
    assertMetaError(path, 2500);
    assert.match(path.json.error.message, /^Unknown path components/);
  });
});

describe('Meta stand-in: errors and rate limits', () => {
  it("meta_error faults answer with Meta's status and body for codes 4, 17, 613, 190, 100", async () => {
    const s = await startMetaStandin({ token: TOKEN });
    try {
      const call = client(s);
      const expected = { 4: 403, 17: 400, 613: 400, 190: 400, 100: 400 } as const;
      for (const [code, status] of Object.entries(expected)) {
        s.setFault({ kind: 'meta_error', code: Number(code) as 4, times: 1 });
        const r = await call('GET', '/me');
        assert.equal(r.status, status, `code ${code}`);
        assertMetaError(r, Number(code));
        assert.equal(r.json.error.type, 'OAuthException');
        assert.ok(r.headers.get('x-app-usage'));
        assert.equal((await call('GET', '/me')).status, 200, 'times: 1 lasts one request');
      }
      s.setFault({ kind: 'meta_error', code: 17 });
      const r17 = await call('GET', '/me');
      assert.equal(r17.json.error.message, '(#17) User request limit reached');
      assert.equal(r17.json.error.error_subcode, 2446079);
      assert.equal((await call('GET', '/me')).status, 400, 'without times it lasts until cleared');
      s.setFault(null);
      assert.equal((await call('GET', '/me')).status, 200);

      s.setFault({ kind: 'rate_limit', times: 1 });
      const rl = await call('GET', '/me');
      assert.equal(rl.status, 403);
      assert.equal(rl.json.error.message, '(#4) Application request limit reached');
      assert.equal(rl.json.error.is_transient, true);

      s.setFault({ kind: 'status', status: 500, times: 1 });
      const e500 = await call('GET', '/me');
      assert.equal(e500.status, 500);
      assertMetaError(e500, 1);
    } finally {
      await s.close();
    }
  });

  it('with enforceRateLimit, refuses with code 4 once the call budget is used, until the window moves on', async () => {
    let t = 1_700_000_000_000;
    const s = await startMetaStandin({ token: TOKEN, enforceRateLimit: true, callLimit: 4, windowMs: 60_000, now: () => t });
    try {
      const call = client(s);
      const usage: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await call('GET', '/me');
        assert.equal(r.status, 200);
        usage.push(JSON.parse(r.headers.get('x-app-usage')!).call_count);
      }
      assert.deepEqual(usage, [25, 50, 75, 100]);
      const refused = await call('GET', '/me');
      assert.equal(refused.status, 403);
      assertMetaError(refused, 4);
      assert.equal(JSON.parse(refused.headers.get('x-app-usage')!).call_count, 100);
      t += 60_001;
      assert.equal((await call('GET', '/me')).status, 200);
    } finally {
      await s.close();
    }
  });

  it('records the request, including where the token came from', async () => {
    const s = await startMetaStandin({ token: TOKEN });
    try {
      await client(s)('POST', '/120210000000000001?fields=id', 'daily_budget=7000');
      const req = s.requests.at(-1)!;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/v21.0/120210000000000001');
      assert.equal(req.query, 'fields=id');
      assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(req.body, 'daily_budget=7000');
    } finally {
      await s.close();
    }
  });
});
