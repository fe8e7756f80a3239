// The fault injection both stand-ins share (http-kit), exercised through the Shopify one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startShopifyStandin, type ShopifyStandin } from '../../../devtools/standins/shopify.ts';
import { startMetaStandin } from '../../../devtools/standins/meta.ts';

const TOKEN = 'shpat_faulttest000000000000000000000';

describe('stand-in faults', () => {
  let s: ShopifyStandin;
  const get = (path = '/admin/api/2025-10/shop.json') => fetch(`${s.url}${path}`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
  before(async () => {
    s = await startShopifyStandin({ token: TOKEN });
  });
  after(() => s.close());

  it("status: answers with that status and Shopify's body, for `times` requests", async () => {
    s.setFault({ kind: 'status', status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await get();
      assert.equal(r.status, 503);
      assert.deepEqual(await r.json(), { errors: 'Service Unavailable' });
      assert.ok(r.headers.get('x-request-id'));
    }
    assert.equal((await get()).status, 200);
  });

  it('status 403 plays a missing scope; 401 an invalid token', async () => {
    s.setFault({ kind: 'status', status: 403, times: 1 });
    assert.deepEqual(await (await get()).json(), { errors: '[API] This action requires merchant approval for write_products scope.' });
    s.setFault({ kind: 'status', status: 401, times: 1 });
    assert.deepEqual(await (await get()).json(), {
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });
  });

  it('rate_limit: the real 429 with Retry-After', async () => {
    s.setFault({ kind: 'rate_limit', times: 1 });
    const r = await get();
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '2.0');
    assert.deepEqual(await r.json(), {
      errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
    });
    assert.equal((await get()).status, 200);
  });

  it('reset: destroys the socket without an answer', async () => {
    s.setFault({ kind: 'reset', times: 1 });
    await assert.rejects(get(), TypeError);
    assert.equal((await get()).status, 200);
  });

  it('delay: answers normally after the wait', async () => {
    s.setFault({ kind: 'delay', ms: 30, times: 1 });
    const r = await get('/admin/api/2025-10/products/632910392.json');
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as any).product.id, 632910392);
  });

  it('a fault without times lasts until cleared; faults apply before auth', async () => {
    s.setFault({ kind: 'status', status: 500 });
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${s.url}/anything`)).status, 500);
    s.setFault(null);
    assert.equal((await get()).status, 200);
  });

  it('records faulted requests too', async () => {
    s.requests.length = 0;
    s.setFault({ kind: 'reset', times: 1 });
    await get().catch(() => undefined);
    assert.equal(s.requests.length, 1);
    assert.equal(s.requests[0]!.path, '/admin/api/2025-10/shop.json');
  });

  it('close() ends a request still waiting on a delay', async () => {
    const t = await startShopifyStandin({ token: TOKEN });
    t.setFault({ kind: 'delay', ms: 60_000 });
    const pending = fetch(`${t.url}/admin/api/2025-10/shop.json`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    while (t.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await t.close();
    await assert.rejects(pending);
  });

  it('each stand-in has its own store and its own faults', async () => {
    const other = await startShopifyStandin({ token: TOKEN });
    const meta = await startMetaStandin({ token: 'EAAx' });
    try {
      other.setFault({ kind: 'status', status: 500 });
      await fetch(`${s.url}/admin/api/2025-10/products/632910392.json`, { method: 'DELETE', headers: { 'X-Shopify-Access-Token': TOKEN } });
      assert.equal((await get('/admin/api/2025-10/products/632910392.json')).status, 404);
      other.setFault(null);
      const fresh = await fetch(`${other.url}/admin/api/2025-10/products/632910392.json`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
      assert.equal(fresh.status, 200);
      assert.notEqual(meta.url, s.url);
    } finally {
      await other.close();
      await meta.close();
    }
  });
});
