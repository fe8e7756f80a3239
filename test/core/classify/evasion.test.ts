// Issue 7: the verdict follows what the upstream EXECUTES, whatever the spelling — method
// overrides, Meta status=DELETED and batches, canonical paths, GraphQL in every transport,
// oversized documents. Each row is a spelling an attacker could use; the real rule engine scores it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessOperation, effectiveMethod } from '../../../core/classify/index.ts';
import { clearGraphqlCache } from '../../../core/classify/graphql.ts';
import { classify } from '../../../core/classify/index.ts';
import { createRuleEngine } from '../../../core/rules/engine.ts';
import type { OperationInput } from '../../../core/types.ts';

const { engine } = createRuleEngine();
const M = 'https://graph.facebook.com';
const S = 'https://demo.myshopify.com';
const G = 'https://api.example.com';

const mutationDelete = 'mutation { deleteUser(id: 1) { id } }';
const bigPadding = ' '.repeat(110 * 1024);

type Row = [name: string, op: OperationInput, expected: { method: string; level: number; action: string; endpoint?: string }];

const deletes: Row[] = [
  [
    'Meta POST ?method=delete',
    { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/120210000000001?method=delete` },
    { method: 'DELETE', level: 3, action: 'delete', endpoint: '/{version}/{id}' },
  ],
  [
    'Meta POST body method=DELETE',
    { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/120210000000001`, body: { method: 'DELETE' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta GET ?method=delete',
    { tool: 'meta_graph', method: 'GET', url: `${M}/v21.0/120210000000001?method=delete` },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta form body method=delete',
    { tool: 'http_request', method: 'POST', url: `${M}/v21.0/120210000000001`, body: 'method=delete' },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta ?METHOD=Delete (any case)',
    { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/120210000000001?METHOD=Delete` },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta ?%6Dethod=delete (encoded key)',
    { tool: 'http_request', method: 'POST', url: `${M}/v21.0/120210000000001?%6Dethod=delete` },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta status=DELETED',
    { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/120210000000001`, body: { status: 'DELETED' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta GET ?method=post&status=deleted',
    { tool: 'meta_graph', method: 'GET', url: `${M}/v21.0/120210000000001?method=post&status=deleted` },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Meta unversioned DELETE /me',
    { tool: 'http_request', method: 'DELETE', url: `${M}/me/permissions` },
    { method: 'DELETE', level: 3, action: 'delete', endpoint: '/{version}/{id}/permissions' },
  ],
  [
    'X-HTTP-Method-Override: DELETE',
    { tool: 'http_request', method: 'POST', url: `${G}/v1/items/42`, headers: { 'x-http-method-override': 'DELETE' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'X-HTTP-Method: delete',
    { tool: 'http_request', method: 'POST', url: `${G}/v1/items/42`, headers: { 'x-http-method': 'delete' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'X-Method-Override on a GET',
    { tool: 'http_request', method: 'GET', url: `${G}/v1/items/42`, headers: { 'x-method-override': 'DELETE' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    '_method=DELETE in a JSON body',
    { tool: 'http_request', method: 'POST', url: `${G}/v1/items/42`, body: { _method: 'DELETE' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    '_method=DELETE in a form body',
    { tool: 'http_request', method: 'POST', url: `${G}/v1/items/42`, body: '_method=DELETE&x=1' },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    '_method=delete in the query',
    { tool: 'shopify_rest', method: 'POST', url: `${S}/admin/api/2025-10/products/1.json?_method=delete` },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'an unknown override method counts as DELETE',
    { tool: 'http_request', method: 'POST', url: `${G}/v1/items/42`, headers: { 'x-http-method-override': 'PURGE' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'Shopify unversioned /admin/products/1.json',
    { tool: 'http_request', method: 'DELETE', url: `${S}/admin/products/1.json` },
    { method: 'DELETE', level: 3, action: 'delete', endpoint: '/admin/api/{version}/products/{id}.json' },
  ],
  [
    'GraphQL delete via GET ?query=',
    { tool: 'http_request', method: 'GET', url: `${G}/graphql?query=${encodeURIComponent(mutationDelete)}` },
    { method: 'GET', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete as raw application/graphql on any path',
    { tool: 'http_request', method: 'POST', url: `${G}/api`, body: mutationDelete, headers: { 'content-type': 'application/graphql' } },
    { method: 'POST', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete as a raw body without content type',
    { tool: 'http_request', method: 'POST', url: `${G}/rpc`, body: mutationDelete },
    { method: 'POST', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete as form query=',
    { tool: 'http_request', method: 'POST', url: `${G}/api`, body: `query=${encodeURIComponent(mutationDelete)}` },
    { method: 'POST', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete in a JSON body on a generic path',
    { tool: 'http_request', method: 'POST', url: `${G}/v2/execute`, body: { query: mutationDelete } },
    { method: 'POST', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete in a batched JSON array',
    { tool: 'http_request', method: 'POST', url: `${G}/graphql`, body: [{ query: '{ me { id } }' }, { query: mutationDelete }] },
    { method: 'POST', level: 3, action: 'delete' },
  ],
  [
    'GraphQL delete hidden behind a harmless ?query=',
    { tool: 'http_request', method: 'POST', url: `${G}/graphql?query=${encodeURIComponent('{ a }')}`, body: { query: mutationDelete } },
    { method: 'POST', level: 3, action: 'delete' },
  ],
];

const others: Row[] = [
  [
    'Shopify price change with case, duplicate slashes and a trailing dot',
    { tool: 'http_request', method: 'PUT', url: `${S}/ADMIN/API/2025-10//PRODUCTS/1.JSON.`, body: { product: { price: '1.00' } } },
    { method: 'PUT', level: 2, action: 'write', endpoint: '/admin/api/{version}/products/{id}.json' },
  ],
  [
    'Shopify POST with _method=PUT is a PUT (the price rule applies)',
    {
      tool: 'shopify_rest',
      method: 'POST',
      url: `${S}/admin/api/2025-10/products/1.json`,
      body: { _method: 'PUT', product: { price: '1.00' } },
    },
    { method: 'PUT', level: 2, action: 'write' },
  ],
  [
    'Meta account settings spelled /V21.0/ACT_1/',
    { tool: 'http_request', method: 'POST', url: `${M}/V21.0/ACT_1/`, body: { name: 'x' } },
    { method: 'POST', level: 3, action: 'write', endpoint: '/{version}/act_{id}' },
  ],
  [
    'Meta audience sharing via the me alias, unversioned',
    { tool: 'meta_graph', method: 'POST', url: `${M}/me/adaccounts` },
    { method: 'POST', level: 3, action: 'write', endpoint: '/{version}/{id}/adaccounts' },
  ],
  [
    'an override never lowers: POST with method=get stays a write',
    { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/120210000000001?method=get`, body: { daily_budget: 100 } },
    { method: 'POST', level: 2, action: 'write' },
  ],
  [
    'a GraphQL query on a non-GraphQL path does not lower a write',
    { tool: 'http_request', method: 'POST', url: `${G}/users/1/disable`, body: { query: '{ a }' } },
    { method: 'POST', level: 1, action: 'write' },
  ],
  [
    'a GraphQL query does not lower a DELETE',
    { tool: 'http_request', method: 'DELETE', url: `${G}/graphql`, body: { query: '{ a }' } },
    { method: 'DELETE', level: 3, action: 'delete' },
  ],
  [
    'a GraphQL query at a GraphQL endpoint stays a read',
    { tool: 'http_request', method: 'POST', url: `${G}/graphql`, body: { query: '{ me { id } }' } },
    { method: 'POST', level: 0, action: 'read' },
  ],
  [
    'a search term is not GraphQL',
    { tool: 'http_request', method: 'GET', url: `${G}/search?query=shoes` },
    { method: 'GET', level: 0, action: 'read' },
  ],
];

describe('the effective operation is scored, in every spelling', () => {
  for (const [name, op, want] of [...deletes, ...others]) {
    it(name, () => {
      const a = assessOperation(engine, op);
      assert.equal(a.refusal, null);
      assert.equal(a.method, want.method, 'method');
      assert.equal(a.risk.risk_level, want.level, `level (rules ${a.risk.rules.join(', ')})`);
      assert.equal(a.risk.action, want.action, 'action');
      if (want.endpoint) assert.equal(a.classification.endpoint, want.endpoint);
    });
  }
});

describe('Meta batch requests', () => {
  const batch = (items: unknown, where: 'body' | 'string' | 'query' = 'string'): OperationInput => {
    const text = JSON.stringify(items);
    if (where === 'query') return { tool: 'http_request', method: 'POST', url: `${M}/?batch=${encodeURIComponent(text)}` };
    return { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/`, body: { batch: where === 'body' ? items : text } };
  };
  const three = [
    { method: 'DELETE', relative_url: '120210000000001' },
    { method: 'POST', relative_url: 'v21.0/120210000000002', body: 'status=DELETED' },
    { method: 'GET', relative_url: '/120210000000003?method=delete' },
  ];

  for (const where of ['string', 'body', 'query'] as const) {
    it(`every item is scored (batch in the ${where}); the call is its worst item's`, () => {
      const a = assessOperation(engine, batch([{ method: 'GET', relative_url: 'me/adaccounts' }, ...three], where));
      assert.equal(a.refusal, null);
      assert.equal(a.risk.risk_level, 3);
      assert.equal(a.risk.action, 'delete');
      assert.equal(a.method, 'DELETE');
      assert.equal(
        a.operation,
        'batch GET /{version}/{id}/adaccounts,DELETE /{version}/{id},DELETE /{version}/{id},DELETE /{version}/{id}',
      );
      assert.equal(a.classification.endpoint, '/{version}');
    });
  }

  it('a batch of reads and routine writes is scored as them, not as an uninspected batch', () => {
    const a = assessOperation(
      engine,
      batch([
        { method: 'GET', relative_url: 'act_1/campaigns' },
        { method: 'POST', relative_url: 'act_1/campaigns', body: 'name=x' },
      ]),
    );
    assert.equal(a.risk.risk_level, 1);
    assert.equal(a.method, 'POST');
    assert.equal(a.operation, 'batch GET /{version}/act_{id}/campaigns,POST /{version}/act_{id}/campaigns');
    assert.ok(!a.risk.rules.includes('meta.batch'));
  });

  it('the rules and categories are the union of the items', () => {
    const a = assessOperation(
      engine,
      batch([
        { method: 'POST', relative_url: '120210000000001', body: 'daily_budget=100' },
        { method: 'DELETE', relative_url: '1' },
      ]),
    );
    assert.ok(a.risk.categories.includes('budget'), a.risk.categories.join());
    assert.ok(a.risk.rules.length >= 2);
  });

  for (const [name, items, why] of [
    ['not JSON', '[{', /not valid JSON/],
    ['not a list', '{"method":"DELETE"}', /not a list/],
    ['more than 50 requests', JSON.stringify(Array.from({ length: 51 }, () => ({ relative_url: 'me' }))), /51 requests/],
    ['an item without relative_url', JSON.stringify([{ method: 'DELETE' }]), /no relative_url/],
    ['a dot segment', JSON.stringify([{ method: 'DELETE', relative_url: 'act_1/../123' }]), /segments or encoded/],
    ['an encoded slash', JSON.stringify([{ method: 'DELETE', relative_url: 'act_1%2F123' }]), /segments or encoded/],
    ['a nested batch', JSON.stringify([{ method: 'POST', relative_url: '/', body: 'batch=[]' }]), /itself a batch/],
  ] as const) {
    it(`a batch with ${name} is refused at level 3`, () => {
      const a = assessOperation(engine, { tool: 'meta_graph', method: 'POST', url: `${M}/v21.0`, body: { batch: items } });
      assert.match(a.refusal ?? '', why);
      assert.equal(a.risk.risk_level, 3);
    });
  }
});

describe('paths that cannot be canonicalised are refused', () => {
  for (const url of [`${M}/v21.0/act_1%2Fcampaigns`, `${S}/admin/api/2025-10/products%2F1.json`, `${M}/v21.0/%2561ct_1`]) {
    it(url, () => {
      const a = assessOperation(engine, { tool: 'http_request', method: 'DELETE', url });
      assert.match(a.refusal ?? '', /encoded/);
      assert.equal(a.risk.risk_level, 3);
      assert.equal(a.risk.action, 'delete');
      assert.deepEqual(a.risk.rules, ['request.ambiguous_path']);
    });
  }
});

describe('oversized or token-heavy GraphQL fails closed on every platform', () => {
  const deep = `query { ${'a {'.repeat(80)} b ${'}'.repeat(80)} }`;
  const heavy = `query { ${'a '.repeat(25_000)} }`;
  const huge = `mutation { deleteUser(id: 1) { id } }${bigPadding}`;
  for (const [name, query] of [
    ['too large', huge],
    ['too deep', deep],
    ['too many tokens', heavy],
  ] as const) {
    it(`generic endpoint, ${name}: level 3 graphql.oversized, never level 1`, () => {
      clearGraphqlCache();
      for (const op of [
        { tool: 'http_request', method: 'POST', url: `${G}/graphql`, body: { query } },
        { tool: 'http_request', method: 'POST', url: `${G}/anything`, body: query, headers: { 'content-type': 'application/graphql' } },
      ] satisfies OperationInput[]) {
        const a = assessOperation(engine, op);
        assert.equal(a.risk.risk_level, 3, op.url);
        assert.ok(a.risk.rules.includes('graphql.oversized'));
        assert.notEqual(a.risk.action, 'read', 'a pause of writes refuses it');
      }
    });
    it(`Shopify, ${name}: refused as invalid GraphQL`, () => {
      assert.throws(
        () =>
          assessOperation(engine, { tool: 'shopify_graphql', method: 'POST', url: `${S}/admin/api/2025-10/graphql.json`, body: { query } }),
        /too large|tokens|nested/,
      );
    });
  }
  it('a large search text that does not look like GraphQL stays best-effort', () => {
    const a = assessOperation(engine, { tool: 'http_request', method: 'POST', url: `${G}/search`, body: { query: `shoes${bigPadding}` } });
    assert.equal(a.risk.risk_level, 1);
  });
});

describe('effectiveMethod', () => {
  it('the most dangerous spelling wins; a write override names the write', () => {
    const op = (method: string, extra: Partial<OperationInput>) => ({ method, url: `${G}/x`, ...extra });
    assert.equal(effectiveMethod(op('POST', { headers: { 'x-http-method-override': 'GET' } }), 'generic'), 'POST');
    assert.equal(
      effectiveMethod(op('POST', { headers: { 'x-http-method-override': 'PATCH' }, body: { _method: 'DELETE' } }), 'generic'),
      'DELETE',
    );
    assert.equal(effectiveMethod(op('POST', { headers: { 'x-http-method-override': 'PUT, DELETE' } }), 'generic'), 'DELETE');
    assert.equal(effectiveMethod(op('GET', { body: { method: 'delete' } }), 'generic'), 'GET', '`method` is an override on Meta only');
    assert.equal(effectiveMethod(op('POST', { body: { status: 'DELETED' } }), 'generic'), 'POST', 'status=DELETED deletes on Meta only');
    assert.equal(effectiveMethod(op('GET', {}), 'meta'), 'GET');
  });
});

describe('GraphQL transports (classify)', () => {
  it('GET ?query= is parsed from the raw URL, so scrubbing cannot hide a document', () => {
    const raw = `${G}/graphql?query=${encodeURIComponent('mutation { deleteUser(email: "jane@example.com") { id } }')}`;
    const c = classify({ tool: 'http_request', method: 'GET', url: `${G}/graphql?query=[email_redacted]` }, { rawUrl: raw });
    assert.equal(c.operation, 'mutation deleteUser');
  });
  it('Shopify REST endpoints never parse `query` (a customer search)', () => {
    const c = classify({
      tool: 'shopify_rest',
      method: 'GET',
      url: `${S}/admin/api/2025-10/customers/search.json?query=${encodeURIComponent('{ a }')}`,
    });
    assert.equal(c.graphql, null);
  });
  it('Meta is not GraphQL', () => {
    assert.equal(classify({ tool: 'meta_graph', method: 'POST', url: `${M}/v21.0/1`, body: { query: mutationDelete } }).graphql, null);
  });
});
