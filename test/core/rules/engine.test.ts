// How the engine combines rules: ordering, fallbacks, derived and overridden actions,
// parameters from body and query string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../core/classify/index.ts';
import { createRuleEngine, RuleEngine } from '../../../core/rules/index.ts';
import type { Rule } from '../../../core/rules/index.ts';
import type { OperationInput } from '../../../core/types.ts';

const { engine } = createRuleEngine();
const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';
const assess = (op: OperationInput, e: RuleEngine = engine) => e.assess(op, classify(op));
const gql = (query: string, extra: Record<string, unknown> = {}): OperationInput => ({
  tool: 'shopify_graphql',
  method: 'POST',
  url: `${SHOP}/graphql.json`,
  body: { query, ...extra },
});

test('matched rules come highest level first, labels follow, categories are deduplicated', () => {
  const r = assess({
    tool: 'meta_graph',
    method: 'POST',
    url: 'https://graph.facebook.com/v23.0/1202',
    body: { status: 'ACTIVE', daily_budget: 10 },
  });
  assert.deepEqual(r.rules, ['meta.status.active', 'meta.budget.change', 'meta.object.update']);
  assert.equal(r.labels.length, 3);
  assert.equal(r.labels[0], 'Activate delivery (starts spending)');
  assert.deepEqual(r.categories, ['status', 'budget', 'object']);
  assert.equal(r.risk_level, 2);
});

test('a rule matched by several root fields is listed once', () => {
  const r = assess(gql('mutation { a: productDelete(input: {}) { x } productDeleteMedia(productId: "1") { x } }'));
  assert.deepEqual(r.rules, ['shopify.product.delete.graphql']);
});

test('fallbacks do not apply when a regular rule matched', () => {
  const r = assess({ tool: 'shopify_rest', method: 'GET', url: `${SHOP}/products.json` });
  assert.deepEqual(r.rules, ['shopify.product.read']);
});

test('GraphQL fallbacks apply per root field', () => {
  const r = assess(gql('mutation { productUpdate(input: {}) { x } sellingPlanGroupCreate(input: {}) { x } }'));
  assert.deepEqual(r.rules, ['shopify.unclassified_write.graphql', 'shopify.product.write.graphql']);
  assert.equal(r.risk_level, 2);
});

test('only the first matching fallback counts', () => {
  const r = assess(gql('mutation { widgetDelete(id: 1) { x } }'));
  assert.deepEqual(r.rules, ['shopify.unclassified_delete.graphql']);
});

test('several operations without operationName all count; with it, only the chosen one', () => {
  const query = 'query Look { shop { name } } mutation Wipe { productDelete(input: {}) { x } }';
  const all = assess(gql(query));
  assert.equal(all.action, 'delete');
  assert.equal(all.risk_level, 3);
  const look = assess(gql(query, { operationName: 'Look' }));
  assert.equal(look.action, 'read');
  assert.equal(look.risk_level, 0);
});

test('GraphQL delete action: *Delete* and *Remove, not other Remove fields', () => {
  assert.equal(assess(gql('mutation { metafieldsDelete(metafields: []) { x } }')).action, 'delete');
  assert.equal(assess(gql('mutation { webhookSubscriptionDelete(id: "1") { x } }')).action, 'delete');
  assert.equal(assess(gql('mutation { tagsRemove(id: "1", tags: []) { x } }')).action, 'delete');
  assert.equal(assess(gql('mutation { collectionRemoveProducts(id: "1", productIds: []) { x } }')).action, 'write');
  assert.equal(assess(gql('query { deletedThings { id } }')).action, 'read');
});

test("a rule's action overrides the derived one (read-only POST, export mutation)", () => {
  assert.equal(assess({ tool: 'shopify_rest', method: 'POST', url: `${SHOP}/orders/1/refunds/calculate.json` }).action, 'read');
  const mixed = assess(gql('mutation { bulkOperationRunQuery(query: "") { x } productUpdate(input: {}) { x } }'));
  assert.equal(mixed.action, 'write');
});

test('Meta POST with status=DELETED is a delete, from JSON, form or query string, any case', () => {
  const url = 'https://graph.facebook.com/v23.0/1202';
  assert.equal(assess({ tool: 'meta_graph', method: 'POST', url, body: { status: 'DELETED' } }).action, 'delete');
  assert.equal(assess({ tool: 'meta_graph', method: 'POST', url, body: 'status=deleted&name=x' }).action, 'delete');
  assert.equal(assess({ tool: 'meta_graph', method: 'POST', url, body: '{"status":"DELETED"}' }).action, 'delete');
  assert.equal(assess({ tool: 'meta_graph', method: 'POST', url: `${url}?status=DELETED` }).action, 'delete');
  assert.equal(assess({ tool: 'meta_graph', method: 'POST', url, body: { status: 'PAUSED' } }).action, 'write');
  // a generic API with the same parameter is not Meta
  assert.equal(
    assess({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/x', body: { status: 'DELETED' } }).action,
    'write',
  );
});

test('method case does not matter', () => {
  assert.equal(assess({ tool: 'shopify_rest', method: 'delete', url: `${SHOP}/products/1.json` }).risk_level, 3);
});

test('without any matching rule the level is derived from the action', () => {
  const bare = new RuleEngine([]);
  const level = (method: string) => assess({ tool: 'http_request', method, url: 'https://api.example.com/x' }, bare);
  assert.deepEqual(level('GET'), { risk_level: 0, rules: [], labels: [], categories: [], action: 'read' });
  assert.equal(level('POST').risk_level, 1);
  assert.equal(level('DELETE').risk_level, 3);
  assert.equal(level('TRACE').risk_level, 1);
  assert.equal(assess(gql('mutation { productDelete(input: {}) { x } }'), bare).risk_level, 3);
});

test('params are found nested in bodies and GraphQL variables; bodies are walked with a bound', () => {
  const rules: Rule[] = [
    {
      id: 'price',
      platform: 'shopify',
      match: { graphql_field: 'productUpdate', params: ['price'] },
      level: 2,
      label: 'p',
      category: 'price',
    },
    { id: 'deep', platform: 'generic', match: { params: ['needle'] }, level: 3, label: 'd', category: 'x' },
  ];
  const e = new RuleEngine(rules);
  const withPrice = gql('mutation M($p: ProductInput!) { productUpdate(input: $p) { x } }', {
    variables: { p: { variants: [{ price: '9.99' }] } },
  });
  assert.deepEqual(assess(withPrice, e).rules, ['price']);
  assert.deepEqual(assess(gql('mutation { productUpdate(input: {}) { x } }'), e).rules, []);

  let deep: Record<string, unknown> = { needle: 1 };
  for (let i = 0; i < 50; i++) deep = { level: deep };
  const op = { tool: 'http_request', method: 'POST', url: 'https://api.example.com/x', body: deep };
  assert.deepEqual(assess(op, e).rules, []);
  const wide = { items: Array.from({ length: 5000 }, (_, i) => ({ i })), needle: 1 };
  assert.doesNotThrow(() => assess({ ...op, body: wide }, e));
});

test('the endpoint cache does not mix methods or platforms', () => {
  const get = assess({ tool: 'shopify_rest', method: 'GET', url: `${SHOP}/products/1.json` });
  const del = assess({ tool: 'shopify_rest', method: 'DELETE', url: `${SHOP}/products/1.json` });
  const generic = assess({ tool: 'http_request', method: 'DELETE', url: 'https://api.example.com/products/1.json' });
  assert.equal(get.risk_level, 0);
  assert.equal(del.risk_level, 3);
  assert.deepEqual(del.rules, ['shopify.product.delete']);
  assert.deepEqual(generic.rules, ['any.delete']);
});

test('unknown writes on Shopify and Meta are not routine: 2 and unclassified; unknown reads stay 0', () => {
  const post = assess({ tool: 'shopify_rest', method: 'POST', url: `${SHOP}/some_new_resources.json`, body: { x: 1 } });
  assert.deepEqual(
    [post.risk_level, post.rules, post.categories, post.action],
    [2, ['shopify.unclassified_write'], ['unclassified'], 'write'],
  );
  const get = assess({ tool: 'shopify_rest', method: 'GET', url: `${SHOP}/some_new_resources.json` });
  assert.deepEqual([get.risk_level, get.rules], [0, ['any.read']]);
  const mutation = assess(gql('mutation { someNewThingCreate(input: {}) { x } }'));
  assert.deepEqual(
    [mutation.risk_level, mutation.rules, mutation.categories],
    [2, ['shopify.unclassified_write.graphql'], ['unclassified']],
  );
  const del = assess(gql('mutation { someNewThingDelete(id: "1") { x } }'));
  assert.deepEqual([del.risk_level, del.rules, del.action], [3, ['shopify.unclassified_delete.graphql'], 'delete']);
  const meta = assess({ tool: 'meta_graph', method: 'POST', url: 'https://graph.facebook.com/v23.0/1202/some_new_edge', body: { x: 1 } });
  assert.deepEqual([meta.risk_level, meta.rules, meta.categories], [2, ['meta.unclassified_write'], ['unclassified']]);
  // a generic API keeps routine writes at 1
  assert.equal(assess({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/v1/items', body: {} }).risk_level, 1);
});

test('a rule on a parameter alone does not make an unknown endpoint known', () => {
  const url = 'https://graph.facebook.com/v23.0/1202/some_new_edge';
  const paused = assess({ tool: 'meta_graph', method: 'POST', url, body: { status: 'PAUSED' } });
  assert.deepEqual(paused.rules, ['meta.unclassified_write', 'meta.status.paused']);
  assert.equal(paused.risk_level, 2);
  // on a known endpoint the same parameter needs no fallback
  const known = assess({ tool: 'meta_graph', method: 'POST', url: 'https://graph.facebook.com/v23.0/1202', body: { status: 'PAUSED' } });
  assert.deepEqual(known.rules, ['meta.object.update', 'meta.status.paused']);
  assert.equal(known.risk_level, 1);
});

test('GraphQL parameters: inline arguments and values passed by variable count under the argument name', () => {
  const rules: Rule[] = [
    {
      id: 'price',
      platform: 'shopify',
      match: { graphql_field: 'productSet', params: ['price'] },
      level: 2,
      label: 'p',
      category: 'price',
    },
    {
      id: 'export',
      platform: 'shopify',
      match: { graphql_field: 'bulkOperationRunQuery', param_words: { query: ['customers'] } },
      level: 2,
      label: 'e',
      category: 'customer_data',
    },
  ];
  const e = new RuleEngine(rules);
  assert.deepEqual(assess(gql('mutation { productSet(input: {variants: [{price: "1.00"}]}) { x } }'), e).rules, ['price']);
  assert.deepEqual(assess(gql('mutation { productSet(input: {title: "price: 1"}) { x } }'), e).rules, []);
  const byVariable = gql('mutation E($q: String!) { bulkOperationRunQuery(query: $q) { x } }', {
    variables: { q: '{ customers { edges { node { id } } } }' },
  });
  assert.deepEqual(assess(byVariable, e).rules, ['export']);
  const products = gql('mutation E($q: String!) { bulkOperationRunQuery(query: $q) { x } }', {
    variables: { q: '{ products { edges { node { id } } } }' },
  });
  assert.deepEqual(assess(products, e).rules, []);
  // not GraphQL: a `query` text in a REST body is not read as a document
  const rest = { tool: 'http_request', method: 'POST', url: 'https://api.example.com/x', body: { query: 'a(price: 1)' } };
  assert.deepEqual(assess(rest, new RuleEngine([{ ...rules[0]!, platform: 'generic', match: { params: ['price'] } }])).rules, []);
});

test('lists of scalars are values of their key', () => {
  const e = new RuleEngine([
    { id: 'ids', platform: 'generic', match: { param_values: { ids: ['GID://SHOPIFY/CUSTOMER/1'] } }, level: 2, label: 'i', category: 'x' },
  ]);
  const op = {
    tool: 'http_request',
    method: 'POST',
    url: 'https://api.example.com/x',
    body: { ids: ['gid://shopify/Product/2', 'gid://shopify/Customer/1'] },
  };
  assert.deepEqual(assess(op, e).rules, ['ids']);
});

test('operation_words match a root field or the operation name; path_words the endpoint', () => {
  const e = new RuleEngine([
    { id: 'ow', platform: 'generic', match: { operation_words: ['purge'] }, level: 3, label: 'o', category: 'x', action: 'delete' },
    { id: 'pw', platform: 'generic', match: { path_words: ['purge'] }, level: 3, label: 'p', category: 'x' },
  ]);
  const gq = (query: string): OperationInput => ({
    tool: 'http_request',
    method: 'POST',
    url: 'https://api.example.com/graphql',
    body: { query },
  });
  assert.deepEqual(assess(gq('mutation { cachePurge { x } }'), e).rules, ['ow']);
  assert.deepEqual(assess(gq('mutation PurgeCache { cacheClear { x } }'), e).rules, ['ow']);
  assert.equal(assess(gq('mutation PurgeCache { cacheClear { x } }'), e).action, 'delete');
  assert.deepEqual(assess(gq('mutation Purged { cacheClear { x } }'), e).rules, []);
  assert.deepEqual(assess({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/v1/cache/purge' }, e).rules, ['pw']);
  assert.deepEqual(assess({ tool: 'http_request', method: 'POST', url: 'https://api.example.com/v1/purged' }, e).rules, []);
});
