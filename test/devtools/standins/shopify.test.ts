import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startShopifyStandin, type ShopifyStandin } from '../../../devtools/standins/shopify.ts';

const TOKEN = 'shpat_standintest00000000000000000000';
const API = '/admin/api/2025-10';

function client(s: ShopifyStandin, token = TOKEN) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${s.url}${API}${path}`, {
      method,
      headers: { 'X-Shopify-Access-Token': token, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as any };
  };
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const r = await call('POST', '/graphql.json', { query, ...(variables ? { variables } : {}) });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  return { call, gql };
}

describe('Shopify stand-in: REST', () => {
  let s: ShopifyStandin;
  let api: ReturnType<typeof client>;
  before(async () => {
    s = await startShopifyStandin({ token: TOKEN });
    api = client(s);
  });
  after(() => s.close());

  it('listens on 127.0.0.1 and plays warden-demo.myshopify.com', () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.shop, 'warden-demo.myshopify.com');
  });

  it("refuses a missing or wrong token with Shopify's 401", async () => {
    for (const token of ['', 'shpat_wrong']) {
      const r = await client(s, token).call('GET', '/products.json');
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
  });

  it('lists products with the standard headers', async () => {
    const r = await api.call('GET', '/products.json');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match(r.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
    assert.match(r.headers.get('x-shopify-shop-api-call-limit')!, /^\d+\/40$/);
    assert.equal(r.headers.get('x-shopify-api-version'), '2025-10');
    assert.ok(r.json.products.length >= 5);
    const jacket = r.json.products.find((p: any) => p.id === 632910392);
    assert.equal(jacket.title, 'Alpine Trail Jacket');
    assert.equal(jacket.admin_graphql_api_id, 'gid://shopify/Product/632910392');
    assert.equal(jacket.variants[0].price, '189.00');
    assert.equal(typeof jacket.variants[0].inventory_quantity, 'number');
  });

  it('honours limit and fields, and paginates with a Link header', async () => {
    const first = await api.call('GET', '/products.json?limit=2&fields=id,title');
    assert.deepEqual(
      first.json.products.map((p: any) => Object.keys(p)),
      [
        ['id', 'title'],
        ['id', 'title'],
      ],
    );
    const link = first.headers.get('link')!;
    const m = /<https:\/\/warden-demo\.myshopify\.com(\/admin\/api\/2025-10\/products\.json\?[^>]+)>; rel="next"/.exec(link);
    assert.ok(m, link);
    const next = await fetch(`${s.url}${m[1]}`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    const page2 = (await next.json()) as any;
    assert.equal(page2.products.length, 2);
    assert.ok(page2.products[0].id > first.json.products[1].id);
  });

  it('reads, updates and deletes a product', async () => {
    const created = await api.call('POST', '/products.json', { product: { title: 'Trail Mug', variants: [{ price: '12.00' }] } });
    assert.equal(created.status, 201);
    const id = created.json.product.id;
    assert.equal(created.json.product.variants[0].price, '12.00');

    const got = await api.call('GET', `/products/${id}.json`);
    assert.equal(got.json.product.title, 'Trail Mug');

    const updated = await api.call('PUT', `/products/${id}.json`, { product: { id, title: 'Trail Mug 2' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.product.title, 'Trail Mug 2');

    const deleted = await api.call('DELETE', `/products/${id}.json`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.text, '{}');
    const gone = await api.call('GET', `/products/${id}.json`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json, { errors: 'Not Found' });
    assert.equal((await api.call('DELETE', `/products/${id}.json`)).status, 404);
  });

  it('validates bodies like Shopify (400 missing root, 422 blank title)', async () => {
    const noRoot = await api.call('POST', '/products.json', { title: 'x' });
    assert.equal(noRoot.status, 400);
    assert.deepEqual(noRoot.json, { errors: { product: 'Required parameter missing or invalid' } });
    const notJson = await api.call('POST', '/products.json', '{nope');
    assert.equal(notJson.status, 400);
    const blank = await api.call('PUT', '/products/921728736.json', { product: { title: '' } });
    assert.equal(blank.status, 422);
    assert.deepEqual(blank.json, { errors: { title: ["can't be blank"] } });
  });

  it('changes a variant price and rejects a non-number', async () => {
    const list = await api.call('GET', '/products/632910392/variants.json');
    assert.equal(list.json.variants.length, 3);
    const r = await api.call('PUT', '/variants/808950810.json', { variant: { id: 808950810, price: '24.99' } });
    assert.equal(r.status, 200);
    assert.equal(r.json.variant.price, '24.99');
    assert.equal((await api.call('GET', '/variants/808950810.json')).json.variant.price, '24.99');
    const bad = await api.call('PUT', '/variants/808950810.json', { variant: { price: 'cheap' } });
    assert.equal(bad.status, 422);
    assert.equal((await api.call('GET', '/variants/999.json')).status, 404);
  });

  it('sets inventory levels', async () => {
    const v = (await api.call('GET', '/variants/447654529.json')).json.variant;
    const r = await api.call('POST', '/inventory_levels/set.json', {
      location_id: 655441491,
      inventory_item_id: v.inventory_item_id,
      available: 3,
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.inventory_level.available, 3);
    assert.equal((await api.call('GET', '/variants/447654529.json')).json.variant.inventory_quantity, 3);
    const missing = await api.call('POST', '/inventory_levels/set.json', { location_id: 655441491, available: 3 });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { errors: { inventory_item_id: 'Required parameter missing or invalid' } });
  });

  it('lists and creates webhooks', async () => {
    const before = (await api.call('GET', '/webhooks.json')).json.webhooks.length;
    const r = await api.call('POST', '/webhooks.json', {
      webhook: { topic: 'orders/create', address: 'https://example.com/hook', format: 'json' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.json.webhook.topic, 'orders/create');
    assert.equal((await api.call('GET', '/webhooks.json')).json.webhooks.length, before + 1);
    const bad = await api.call('POST', '/webhooks.json', { webhook: { topic: 'orders/create', address: 'http://example.com/hook' } });
    assert.equal(bad.status, 422);
  });

  it('serves the shop, fake customers and orders', async () => {
    const shop = await api.call('GET', '/shop.json');
    assert.equal(shop.json.shop.myshopify_domain, 'warden-demo.myshopify.com');
    const customers = await api.call('GET', '/customers.json');
    assert.ok(customers.json.customers.length >= 3);
    for (const c of customers.json.customers) assert.match(c.email, /@(mail\.)?example\.(com|org)$/);
    const orders = await api.call('GET', '/orders.json');
    assert.ok(orders.json.orders[0].line_items.length > 0);
  });

  it('answers unknown paths with 404 Not Found', async () => {
    for (const path of ['/nothing.json', '/products/abc.json']) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, { errors: 'Not Found' });
    }
    const outside = await fetch(`${s.url}/elsewhere`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    assert.equal(outside.status, 404);
  });

  it('records every request: method, path, query, headers, body', async () => {
    s.requests.length = 0;
    await fetch(`${s.url}${API}/products/632910392.json?fields=id`, {
      method: 'PUT',
      headers: { 'X-Shopify-Access-Token': 'shpat_wrong', 'Content-Type': 'application/json' },
      body: '{"product":{"title":"x"}}',
    });
    assert.equal(s.requests.length, 1);
    const req = s.requests[0]!;
    assert.equal(req.method, 'PUT');
    assert.equal(req.path, `${API}/products/632910392.json`);
    assert.equal(req.query, 'fields=id');
    assert.equal(req.headers['x-shopify-access-token'], 'shpat_wrong');
    assert.equal(req.body, '{"product":{"title":"x"}}');
  });
});

describe('Shopify stand-in: scopes', () => {
  it("answers 403 with the scope in Shopify's words when the token lacks it", async () => {
    const s = await startShopifyStandin({ token: TOKEN, scopes: ['read_products'] });
    try {
      const api = client(s);
      assert.equal((await api.call('GET', '/products.json')).status, 200);
      const r = await api.call('DELETE', '/products/632910392.json');
      assert.equal(r.status, 403);
      assert.deepEqual(r.json, { errors: '[API] This action requires merchant approval for write_products scope.' });
      assert.equal((await api.call('GET', '/customers.json')).status, 403);
      const g = await api.gql('mutation { productDelete(input: {id: "gid://shopify/Product/632910392"}) { deletedProductId } }');
      assert.equal(g.errors[0].extensions.code, 'ACCESS_DENIED');
      assert.match(g.errors[0].message, /^Access denied for productDelete field\. Required access: `write_products` access scope\.$/);
      assert.deepEqual(g.data, { productDelete: null });
      assert.equal((await api.call('GET', '/products/632910392.json')).status, 200, 'nothing deleted');
    } finally {
      await s.close();
    }
  });
});

describe('Shopify stand-in: REST rate limit (leaky bucket)', () => {
  it('answers the 41st rapid call with 429, Retry-After and the real body; leaks 2 per second', async () => {
    let t = 1_700_000_000_000;
    const s = await startShopifyStandin({ token: TOKEN, enforceRateLimit: true, now: () => t });
    try {
      const api = client(s);
      for (let i = 1; i <= 40; i++) {
        const r = await api.call('GET', '/shop.json');
        assert.equal(r.status, 200, `call ${i}`);
        assert.equal(r.headers.get('x-shopify-shop-api-call-limit'), `${i}/40`);
      }
      const limited = await api.call('GET', '/shop.json');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2.0');
      assert.equal(limited.headers.get('x-shopify-shop-api-call-limit'), '40/40');
      assert.deepEqual(limited.json, {
        errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
      });
      t += 1000; // two calls leak out
      assert.equal((await api.call('GET', '/shop.json')).status, 200);
      assert.equal((await api.call('GET', '/shop.json')).status, 200);
      assert.equal((await api.call('GET', '/shop.json')).status, 429);
    } finally {
      await s.close();
    }
  });

  it('does not refuse when the limit is not enforced (the default), but still reports the bucket', async () => {
    const s = await startShopifyStandin({ token: TOKEN, now: () => 0 });
    try {
      const api = client(s);
      let last;
      for (let i = 0; i < 45; i++) last = await api.call('GET', '/shop.json');
      assert.equal(last!.status, 200);
      assert.equal(last!.headers.get('x-shopify-shop-api-call-limit'), '40/40');
    } finally {
      await s.close();
    }
  });
});

describe('Shopify stand-in: GraphQL', () => {
  let s: ShopifyStandin;
  let api: ReturnType<typeof client>;
  before(async () => {
    s = await startShopifyStandin({ token: TOKEN, now: () => 1_700_000_000_000 });
    api = client(s);
  });
  after(() => s.close());

  it('answers shop and products with edges and nodes, and the calculated cost', async () => {
    const r = await api.gql('{ shop { name } products(first: 2) { edges { node { id title } } } }');
    assert.equal(r.data.shop.name, 'Warden Demo Store');
    assert.deepEqual(
      r.data.products.edges.map((e: any) => e.node.id),
      ['gid://shopify/Product/632910392', 'gid://shopify/Product/921728736'],
    );
    // shop 1 + connection 2 + 2 products × 1
    assert.equal(r.extensions.cost.requestedQueryCost, 5);
    assert.equal(r.extensions.cost.actualQueryCost, 5);
    assert.deepEqual(Object.keys(r.extensions.cost.throttleStatus), ['maximumAvailable', 'currentlyAvailable', 'restoreRate']);
    assert.equal(r.extensions.cost.throttleStatus.maximumAvailable, 2000);
    assert.equal(r.extensions.cost.throttleStatus.restoreRate, 100);
    const n = await api.gql('query P($n: Int) { products(first: $n) { nodes { title } pageInfo { hasNextPage } } }', { n: 50 });
    assert.ok(n.data.products.nodes.length >= 5);
    assert.equal(n.data.products.pageInfo.hasNextPage, false);
    assert.equal(n.extensions.cost.requestedQueryCost, 52);
    assert.equal(n.extensions.cost.actualQueryCost, 2 + n.data.products.nodes.length, 'refunds what was not returned');
  });

  it('the bucket goes down by the actual cost', async () => {
    const a = await api.gql('{ products(first: 1) { nodes { id } } }');
    const b = await api.gql('{ products(first: 1) { nodes { id } } }');
    assert.equal(a.extensions.cost.throttleStatus.currentlyAvailable - b.extensions.cost.throttleStatus.currentlyAvailable, 3);
  });

  it('productUpdate and productVariantsBulkUpdate change the store', async () => {
    const u = await api.gql(
      'mutation($id: ID!) { productUpdate(product: {id: $id, title: "Renamed"}) { product { id title } userErrors { field message } } }',
      { id: 'gid://shopify/Product/921728736' },
    );
    assert.deepEqual(u.data.productUpdate, { product: { id: 'gid://shopify/Product/921728736', title: 'Renamed' }, userErrors: [] });
    assert.equal(u.extensions.cost.requestedQueryCost, 10);
    const legacy = await api.gql(
      'mutation { productUpdate(input: {id: "gid://shopify/Product/921728736", title: "Renamed again"}) { product { title } } }',
    );
    assert.equal(legacy.data.productUpdate.product.title, 'Renamed again');
    assert.equal((await api.call('GET', '/products/921728736.json')).json.product.title, 'Renamed again');

    const p =
      await api.gql(`mutation { productVariantsBulkUpdate(productId: "gid://shopify/Product/632910392", variants: [{id: "gid://shopify/ProductVariant/49148385", price: "149.00"}]) {
      productVariants { id price } userErrors { field message code } } }`);
    assert.deepEqual(p.data.productVariantsBulkUpdate, {
      productVariants: [{ id: 'gid://shopify/ProductVariant/49148385', price: '149.00' }],
      userErrors: [],
    });
    assert.equal((await api.call('GET', '/variants/49148385.json')).json.variant.price, '149.00');

    const wrong = await api.gql(
      'mutation { productVariantsBulkUpdate(productId: "gid://shopify/Product/632910392", variants: [{id: "gid://shopify/ProductVariant/1", price: "1.00"}]) { userErrors { field message code } } }',
    );
    assert.deepEqual(wrong.data.productVariantsBulkUpdate.userErrors, [
      { field: ['variants', '0', 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' },
    ]);
  });

  it('productDelete actually deletes, and reports a missing product in userErrors', async () => {
    const q = 'mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field message } } }';
    const d = await api.gql(q, { id: 'gid://shopify/Product/1071559573' });
    assert.deepEqual(d.data.productDelete, { deletedProductId: 'gid://shopify/Product/1071559573', userErrors: [] });
    assert.equal((await api.call('GET', '/products/1071559573.json')).status, 404);
    const again = await api.gql(q, { id: 'gid://shopify/Product/1071559573' });
    assert.deepEqual(again.data.productDelete, {
      deletedProductId: null,
      userErrors: [{ field: ['id'], message: 'Product does not exist' }],
    });
  });

  it('answers an unknown field the way Shopify words it, with the cost', async () => {
    const r = await api.gql('{ shop { name } bogus }');
    assert.equal(r.data, undefined, 'no execution on a validation error');
    assert.equal(r.errors[0].message, "Field 'bogus' doesn't exist on type 'QueryRoot'");
    assert.deepEqual(r.errors[0].extensions, { code: 'undefinedField', typeName: 'QueryRoot', fieldName: 'bogus' });
    assert.deepEqual(r.errors[0].locations, [{ line: 1, column: 17 }]);
    assert.ok(r.extensions.cost);
    const m = await api.gql('mutation { shopDestroy { id } }');
    assert.equal(m.errors[0].message, "Field 'shopDestroy' doesn't exist on type 'Mutation'");
  });

  it('answers a syntax error with 200 and a parse error', async () => {
    const r = await api.gql('{ shop { name }');
    assert.match(r.errors[0].message, /^Parse error on .+ at \[1, 16\]$/);
    assert.deepEqual(r.errors[0].locations, [{ line: 1, column: 16 }]);
    assert.ok(r.extensions.cost);
  });

  it('refuses a request without a query with 400', async () => {
    const r = await api.call('POST', '/graphql.json', { variables: {} });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { errors: { query: 'Required parameter missing or invalid' } });
  });

  it('refuses a query over the single-query max cost', async () => {
    const r = await api.gql('{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }');
    assert.equal(r.errors[0].extensions.code, 'MAX_COST_EXCEEDED');
    assert.equal(r.data, undefined);
  });

  it('accepts the raw application/graphql body too', async () => {
    const res = await fetch(`${s.url}${API}/graphql.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': TOKEN, 'Content-Type': 'application/graphql' },
      body: '{ shop { name } }',
    });
    assert.equal(((await res.json()) as any).data.shop.name, 'Warden Demo Store');
  });
});

describe('Shopify stand-in: GraphQL throttling', () => {
  it('answers THROTTLED (HTTP 200, no data, actualQueryCost null) once the cost bucket is empty', async () => {
    let t = 1_700_000_000_000;
    const s = await startShopifyStandin({
      token: TOKEN,
      enforceRateLimit: true,
      graphqlBucketSize: 10,
      graphqlRestoreRate: 1,
      now: () => t,
    });
    try {
      const api = client(s);
      const q = '{ products(first: 2) { nodes { id } } }'; // cost 4
      assert.ok((await api.gql(q)).data);
      assert.ok((await api.gql(q)).data);
      const r = await api.gql(q);
      assert.equal(r.data, undefined);
      assert.deepEqual(r.errors, [
        { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } },
      ]);
      assert.deepEqual(r.extensions.cost, {
        requestedQueryCost: 4,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 10, currentlyAvailable: 2, restoreRate: 1 },
      });
      t += 2000; // 2 points restored
      assert.ok((await api.gql(q)).data);
    } finally {
      await s.close();
    }
  });
});
