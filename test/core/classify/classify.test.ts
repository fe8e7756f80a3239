import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, InvalidGraphqlError } from '../../../core/classify/index.ts';

const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';

test('Shopify REST: platform, shop target, endpoint pattern, no operation', () => {
  assert.deepEqual(classify({ tool: 'shopify_rest', method: 'GET', url: `${SHOP}/products/123.json?fields=id,title` }), {
    platform: 'shopify',
    target: 'demo.myshopify.com',
    endpoint: '/admin/api/{version}/products/{id}.json',
    operation: null,
    graphql: null,
  });
});

test('Shopify GraphQL: operation string with several fields', () => {
  const c = classify({
    tool: 'shopify_graphql',
    method: 'POST',
    url: `${SHOP}/graphql.json`,
    body: { query: 'mutation { a: productDelete(input: {}) { x } collectionDelete(input: {}) { x } }' },
  });
  assert.equal(c.operation, 'mutation productDelete,collectionDelete');
  assert.equal(c.endpoint, '/admin/api/{version}/graphql.json');
  assert.deepEqual(c.graphql, [{ type: 'mutation', name: null, fields: ['productDelete', 'collectionDelete'] }]);
});

test('Shopify GraphQL: several operations are joined with "; ", operationName selects one', () => {
  const query = 'query A { shop { name } } mutation B { productDelete(input: {}) { x } }';
  const op = { tool: 'shopify_graphql', method: 'POST', url: `${SHOP}/graphql.json`, body: { query } };
  assert.equal(classify(op).operation, 'query shop; mutation productDelete');
  assert.equal(classify({ ...op, body: { query, operationName: 'B' } }).operation, 'mutation productDelete');
});

test('Shopify GraphQL with invalid syntax throws InvalidGraphqlError', () => {
  assert.throws(
    () => classify({ tool: 'shopify_graphql', method: 'POST', url: `${SHOP}/graphql.json`, body: { query: 'mutation {' } }),
    InvalidGraphqlError,
  );
});

test('Shopify GraphQL endpoint without a query string in the body is not GraphQL', () => {
  const c = classify({ tool: 'shopify_rest', method: 'POST', url: `${SHOP}/graphql.json`, body: { foo: 1 } });
  assert.equal(c.operation, null);
  assert.equal(c.graphql, null);
});

test('a REST body with a "query" key is not parsed as GraphQL', () => {
  const c = classify({ tool: 'shopify_rest', method: 'POST', url: `${SHOP}/customers/search.json`, body: { query: 'email:x' } });
  assert.equal(c.graphql, null);
});

test('local stand-in: hints force the platform and the target, patterns stay the same', () => {
  const c = classify(
    {
      tool: 'shopify_graphql',
      method: 'POST',
      url: 'http://127.0.0.1:4010/admin/api/2025-10/graphql.json',
      body: { query: '{ shop { name } }' },
    },
    { platform: 'shopify', target: 'demo.myshopify.com' },
  );
  assert.equal(c.platform, 'shopify');
  assert.equal(c.target, 'demo.myshopify.com');
  assert.equal(c.operation, 'query shop');

  const m = classify({ tool: 'meta_graph', method: 'POST', url: 'http://127.0.0.1:4011/v23.0/act_42/campaigns' }, { platform: 'meta' });
  assert.deepEqual(m, { platform: 'meta', target: 'act_42', endpoint: '/{version}/act_{id}/campaigns', operation: null, graphql: null });
});

test('Shopify on a local base URL without a target hint uses the host name', () => {
  const c = classify({ tool: 'shopify_rest', method: 'GET', url: 'http://127.0.0.1:4010/admin/api/2025-10/shop.json' });
  assert.equal(c.platform, 'shopify');
  assert.equal(c.target, '127.0.0.1');
});

test('Meta target: the ad account from the path, else the hint, else null', () => {
  const url = 'https://graph.facebook.com/v23.0/120210000000/insights?access_token=[REDACTED]';
  assert.equal(classify({ tool: 'meta_graph', method: 'GET', url: 'https://graph.facebook.com/v23.0/act_77/ads' }).target, 'act_77');
  assert.equal(classify({ tool: 'meta_graph', method: 'GET', url }).target, null);
  assert.equal(classify({ tool: 'meta_graph', method: 'GET', url }, { target: 'act_9' }).target, 'act_9');
  assert.equal(classify({ tool: 'meta_graph', method: 'GET', url }).endpoint, '/{version}/{id}/insights');
});

test('generic: host (with port) as target, query dropped, no credentials in the target', () => {
  const c = classify({ tool: 'http_request', method: 'GET', url: 'https://user:pw@api.example.com:8443/v1/items/42?q=jane@example.com' });
  assert.deepEqual(c, { platform: 'generic', target: 'api.example.com:8443', endpoint: '/v1/items/{id}', operation: null, graphql: null });
});

test('generic GraphQL endpoint is parsed best-effort; invalid queries do not throw', () => {
  const ok = classify({
    tool: 'http_request',
    method: 'POST',
    url: 'https://api.example.com/graphql',
    body: { query: 'mutation { deleteUser(id: 1) { id } }' },
  });
  assert.equal(ok.operation, 'mutation deleteUser');
  const bad = classify({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/graphql', body: { query: 'mutation {' } });
  assert.equal(bad.operation, null);
  assert.equal(bad.graphql, null);
  const notGraphql = classify({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/search', body: { query: 'shoes' } });
  assert.equal(notGraphql.graphql, null);
});

test('an invalid URL throws (the guard builds absolute URLs)', () => {
  assert.throws(() => classify({ tool: 'http_request', method: 'GET', url: '/relative' }), TypeError);
});
