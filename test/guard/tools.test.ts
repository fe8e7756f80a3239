// The built guard over stdio with the SDK's Client, against local Shopify and Meta stand-ins:
// tools and annotations, credential injection, unchanged responses, platform errors, alerts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startMetaStandin, type MetaStandin } from '../../devtools/standins/meta.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { openAuditReader } from '../../store/index.ts';
import { GUARD, auditEvents, guardEnv, bodyText, meta, startGuard, tempDir, text, waitExit, type GuardHandle } from '../helpers/guard.ts';

const SHOP_TOKEN = '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';
const META_TOKEN = 'EAAGtestTokenAbCdEfGh1234567890XyZ';

describe('guard tools over stdio (SDK client)', () => {
  let shopify: ShopifyStandin;
  let metaApi: MetaStandin;
  let guard: GuardHandle;
  let dataDir: string;

  before(async () => {
    shopify = await startShopifyStandin({ token: SHOP_TOKEN });
    metaApi = await startMetaStandin({ token: META_TOKEN });
    dataDir = tempDir();
    guard = await startGuard(
      guardEnv({ dataDir, shopify: { ...shopify, token: SHOP_TOKEN }, meta: { url: metaApi.url, token: META_TOKEN } }),
    );
  });
  after(async () => {
    await guard?.close();
    await shopify?.close();
    await metaApi?.close();
  });

  it('lists the five tools with truthful annotations', async () => {
    const { tools } = await guard.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['http_request', 'meta_graph', 'shopify_graphql', 'shopify_rest', 'warden_status']);
    assert.equal(byName.get('warden_status')!.annotations?.readOnlyHint, true);
    assert.equal(byName.get('warden_status')!.annotations?.openWorldHint, false);
    for (const name of ['shopify_graphql', 'shopify_rest', 'meta_graph', 'http_request']) {
      const a = byName.get(name)!.annotations!;
      assert.equal(a.readOnlyHint, false, name);
      assert.equal(a.destructiveHint, true, name);
      assert.equal(a.openWorldHint, true, name);
    }
    assert.equal(guard.client.getServerVersion()?.name, 'warden');
  });

  it("injects the Shopify token, drops the agent's own, and returns the body unchanged", async () => {
    shopify.requests.length = 0;
    const r = await guard.call('shopify_rest', {
      method: 'GET',
      path: '/products.json',
      query: { limit: 2, access_token: 'shpat_agentsuppliedtoken000000000000000', key: 'color' },
    });
    assert.equal(r.isError, false);
    const m = meta(r);
    assert.equal(m.status, 200);
    assert.match(m.headers!['x-shopify-shop-api-call-limit']!, /^\d+\/40$/);
    assert.equal(m.warden.risk_level, 0);
    const req = shopify.requests.at(-1)!;
    assert.equal(req.headers['x-shopify-access-token'], SHOP_TOKEN);
    assert.equal(req.path, '/admin/api/2025-10/products.json');
    assert.equal(new URLSearchParams(req.query).get('access_token'), null);
    assert.equal(new URLSearchParams(req.query).get('limit'), '2');
    assert.equal(new URLSearchParams(req.query).get('key'), 'color', 'a metafield key filter is not a credential');
    // Byte-for-byte what the stand-in answers to the same request made directly.
    const direct = await fetch(`${shopify.url}/admin/api/2025-10/products.json?limit=2&key=color`, {
      headers: { 'x-shopify-access-token': SHOP_TOKEN },
    });
    assert.equal(bodyText(r), await direct.text());
  });

  it('forwards GraphQL exactly and classifies the mutation', async () => {
    shopify.requests.length = 0;
    const query = 'mutation Rename($id: ID!) { productUpdate(product: {id: $id, title: "New"}) { product { id } } }';
    const variables = { id: 'gid://shopify/Product/632910392' };
    const r = await guard.call('shopify_graphql', { query, variables });
    const req = shopify.requests.at(-1)!;
    assert.deepEqual(JSON.parse(req.body), { query, variables });
    assert.equal(req.headers['x-shopify-access-token'], SHOP_TOKEN);
    assert.ok(meta(r).warden.risk_level >= 1);
  });

  it('injects the Meta bearer token and drops an access_token the agent passes', async () => {
    metaApi.requests.length = 0;
    const r = await guard.call('meta_graph', {
      method: 'GET',
      path: '/act_1234567890/campaigns',
      params: { fields: 'name', access_token: 'EAAagentTokenXXXXXXXXXXXXXXXXXXXXXXX' },
    });
    assert.equal(meta(r).status, 200);
    const req = metaApi.requests.at(-1)!;
    assert.equal(req.headers.authorization, `Bearer ${META_TOKEN}`);
    assert.equal(new URLSearchParams(req.query).get('access_token'), null);
    assert.ok(m(r).headers!['x-app-usage'], 'usage header passed through');
  });

  it('returns Meta error codes 4, 17 and 613 unchanged as tool errors', async () => {
    for (const code of [4, 17, 613] as const) {
      metaApi.setFault({ kind: 'meta_error', code, times: 1 });
      const r = await guard.call('meta_graph', { method: 'GET', path: '/me' });
      assert.equal(r.isError, true);
      const body = JSON.parse(bodyText(r));
      assert.equal(body.error.code, code);
      assert.equal(body.error.type, 'OAuthException');
    }
    metaApi.setFault(null);
  });

  it('raises a critical alert on three deletes in a row and sends it as notifications/message', async () => {
    const before = guard.notifications.length;
    const ids: string[] = [];
    for (const id of ['632910392', '921728736', '1071559571']) {
      const r = await guard.call('shopify_rest', { method: 'DELETE', path: `/products/${id}.json` });
      assert.equal(meta(r).warden.risk_level, 3);
      ids.push(meta(r).warden.event_id);
    }
    await new Promise((r) => setTimeout(r, 50));
    const notice = guard.notifications.slice(before).find((n) => n.data.rule === 'consecutive_deletes');
    assert.ok(notice, 'consecutive_deletes notification');
    assert.equal(notice.level, 'critical');
    assert.deepEqual(notice.data.event_ids.slice(-3), ids);
    const status = JSON.parse(text(await guard.call('warden_status', {})));
    assert.ok(status.recent_alerts.some((a: { rule: string }) => a.rule === 'consecutive_deletes'));
  });

  it('raises a critical alert on 2×429 (outcome throttled) and on 3×403', async () => {
    shopify.setFault({ kind: 'rate_limit', times: 2 });
    const r1 = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
    assert.equal(meta(r1).status, 429);
    assert.ok(meta(r1).headers!['retry-after']);
    const r2 = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
    assert.equal(meta(r2).status, 429);
    assert.ok(meta(r2).warden.alerts?.some((a) => a.rule === 'rate_limited_repeatedly'));
    shopify.setFault({ kind: 'status', status: 403, times: 3 });
    let last;
    for (let i = 0; i < 3; i++) last = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
    assert.ok(meta(last!).warden.alerts?.some((a) => a.rule === 'forbidden_repeatedly'));
    shopify.setFault(null);
  });

  it('raises a warning after 10 writes without a read', async () => {
    await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' }); // a read starts a fresh run
    let last;
    for (let i = 0; i < 10; i++) {
      last = await guard.call('shopify_rest', { method: 'PUT', path: '/products/1071559572.json', body: { product: { title: `t${i}` } } });
    }
    const alert = meta(last!).warden.alerts?.find((a) => a.rule === 'writes_without_read');
    assert.ok(alert, 'writes_without_read on the 10th write');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(guard.notifications.some((n) => n.level === 'warning' && n.data.rule === 'writes_without_read'));
  });

  it('a reader sees the events while the guard is still running', () => {
    const r = spawnSync(process.execPath, [GUARD, 'audit', '--json', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const events = auditEvents(r.stdout);
    assert.ok(events.length >= 20, `got ${events.length}`);
    assert.ok(events.some((e) => e.method === 'DELETE'));
  });

  it('records every call, including failures, in the store once the guard exits', async () => {
    const pid = guard.pid;
    await guard.close();
    await waitExit(pid);
    const reader = await openAuditReader(dataDir);
    try {
      const events = reader.latest(1000);
      assert.ok(events.length >= 14, `got ${events.length} events`);
      assert.ok(events.some((e) => e.outcome === 'throttled' && e.status === 429));
      assert.ok(events.every((e) => e.client === 'warden-test/1.0.0'));
      const deletes = events.filter((e) => e.method === 'DELETE');
      assert.equal(deletes.length, 3);
      assert.equal(deletes[0]!.endpoint, '/admin/api/{version}/products/{id}.json');
      assert.ok(reader.alerts(100).some((a) => a.rule === 'consecutive_deletes' && a.event_ids.length >= 3));
    } finally {
      reader.close();
    }
  });
});

function m(r: Parameters<typeof meta>[0]) {
  return meta(r);
}
