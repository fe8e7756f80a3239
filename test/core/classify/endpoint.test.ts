import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEndpoint } from '../../../core/classify/index.ts';
import { pathRefusal } from '../../../core/classify/endpoint.ts';
import type { Platform } from '../../../core/types.ts';

const S = 'https://demo.myshopify.com';
const M = 'https://graph.facebook.com';
const G = 'https://api.example.com';

const cases: [Platform, string, string][] = [
  // Shopify
  ['shopify', `${S}/admin/api/2025-10/products/123.json`, '/admin/api/{version}/products/{id}.json'],
  ['shopify', `${S}/admin/api/2025-10/products.json?limit=50&since_id=9`, '/admin/api/{version}/products.json'],
  ['shopify', `${S}/admin/api/unstable/graphql.json`, '/admin/api/{version}/graphql.json'],
  ['shopify', `${S}/admin/api/2024-01/products/632910392/variants/808950810.json`, '/admin/api/{version}/products/{id}/variants/{id}.json'],
  ['shopify', `${S}/admin/api/2025-10/orders/450789469/refunds/calculate.json`, '/admin/api/{version}/orders/{id}/refunds/calculate.json'],
  ['shopify', `${S}/admin/api/2025-10/customers/search.json?query=email:jane@example.com`, '/admin/api/{version}/customers/search.json'],
  ['shopify', `${S}/admin/api/2025-10/customers/jane%40example.com.json`, '/admin/api/{version}/customers/{value}'],
  ['shopify', `${S}/admin/api/2025-10/storefront_access_tokens.json`, '/admin/api/{version}/storefront_access_tokens.json'],
  ['shopify', `${S}/admin/api/2025-10/inventory_levels/set.json`, '/admin/api/{version}/inventory_levels/set.json'],
  ['shopify', `${S}/admin/api/2025-10/products/gid%3A%2F%2Fshopify%2FProduct%2F123.json`, '/admin/api/{version}/products/{id}.json'],
  ['shopify', `${S}/admin/api/2025-10/products/Z2lkOi8vc2hvcGlmeS9Qcm9kdWN0LzEyMw==.json`, '/admin/api/{version}/products/{id}.json'],
  ['shopify', `${S}/admin/oauth/access_scopes.json`, '/admin/oauth/access_scopes.json'],
  ['shopify', `${S}/admin/api/2025-10/shop.json/`, '/admin/api/{version}/shop.json'],
  // a local stand-in whose base URL has a prefix: the API starts at /admin
  ['shopify', 'http://127.0.0.1:4010/stub/admin/api/2025-10/products/1.json', '/admin/api/{version}/products/{id}.json'],
  // Meta
  ['meta', `${M}/v23.0/act_123456/campaigns`, '/{version}/act_{id}/campaigns'],
  ['meta', `${M}/v19/act_1/adsets?fields=name`, '/{version}/act_{id}/adsets'],
  ['meta', `${M}/v23.0/120210000000000`, '/{version}/{id}'],
  ['meta', `${M}/v23.0/120210000000000/`, '/{version}/{id}'],
  ['meta', `${M}/v23.0/123456_7890123/comments`, '/{version}/{id}/comments'],
  ['meta', `${M}/v23.0/me/adaccounts`, '/{version}/{id}/adaccounts'],
  ['meta', `${M}/v23.0/`, '/{version}'],
  ['meta', `${M}/act_123/campaigns`, '/{version}/act_{id}/campaigns'],
  ['meta', 'http://127.0.0.1:4011/v23.0/act_9/insights', '/{version}/act_{id}/insights'],
  // generic
  ['generic', `${G}/v1/users/550e8400-e29b-41d4-a716-446655440000`, '/v1/users/{id}'],
  ['generic', `${G}/v2/items/42/reviews/7?sort=asc`, '/v2/items/{id}/reviews/{id}'],
  ['generic', `${G}/v1/objects/507f1f77bcf86cd799439011`, '/v1/objects/{id}'],
  ['generic', `${G}/v1/orders/ORD-123456`, '/v1/orders/{id}'],
  ['generic', `${G}/v1/users/jane.doe@example.com/profile`, '/v1/users/{value}/profile'],
  ['generic', `${G}/v1/users/jane.doe%40example.com`, '/v1/users/{value}'],
  ['generic', `${G}/v1/lookup/%2B1%20555%20123%204567`, '/v1/lookup/{value}'],
  ['generic', `${G}/v1/files/${'a'.repeat(80)}`, '/v1/files/{value}'],
  ['generic', `${G}/v1/tokens/sk_live_4eC39HqLyjWDarjtT1zdp7dc`, '/v1/tokens/{id}'],
  ['generic', `${G}/api/v23.0/items`, '/api/v23.0/items'],
  ['generic', `${G}/storefront_access_tokens/index.html`, '/storefront_access_tokens/index.html'],
  ['generic', `${G}/`, '/'],
  ['generic', `${G}`, '/'],
];

for (const [platform, url, expected] of cases) {
  test(`normalizeEndpoint ${platform} ${url}`, () => {
    assert.equal(normalizeEndpoint(platform, new URL(url)), expected);
  });
}

test('a generic version-looking first segment is not treated as a Meta version', () => {
  assert.equal(normalizeEndpoint('generic', new URL(`${G}/v23.0/act_1`)), '/v23.0/act_{id}');
});

test('Shopify version placeholder only right after /admin/api', () => {
  assert.equal(
    normalizeEndpoint('shopify', new URL(`${S}/admin/api/2025-10/reports/2025-10.json`)),
    '/admin/api/{version}/reports/{id}.json',
  );
});

// Every spelling the upstream serves the same way gives the same pattern (issue 7).
const canonical: [Platform, string[], string][] = [
  [
    'shopify',
    [
      `${S}/admin/api/2025-10/products/1.json`,
      `${S}/admin/products/1.json`, // unversioned: the oldest stable version
      `${S}/admin/api/products/1.json`,
      `${S}/ADMIN/API/2025-10/PRODUCTS/1.JSON`,
      `${S}/admin//api/2025-10///products/1.json`,
      `${S}/admin/api/2025-10/products/1.json.`,
      `${S}/admin/api/2025-10/products/1.json...`,
      `${S}/admin/api/2025-10/product%73/%31.json`,
      `${S}/admin/api/2025-10/products/1`, // the .json resource
      'http://127.0.0.1:4010/Stub/Admin/products/1.json',
    ],
    '/admin/api/{version}/products/{id}.json',
  ],
  [
    'shopify',
    [`${S}/admin/api/2025-10/graphql.json`, `${S}/admin/graphql.json`, `${S}/admin/api/unstable/GraphQL`],
    '/admin/api/{version}/graphql.json',
  ],
  [
    'meta',
    [
      `${M}/v21.0/act_1/campaigns`,
      `${M}/act_1/campaigns`,
      `${M}/V21.0/ACT_1/CAMPAIGNS/`,
      `${M}/v21.0//act_1//campaigns`,
      `${M}/v21.0/act_1./campaigns.`,
      `${M}/v21.0/%61ct_1/campaigns`,
    ],
    '/{version}/act_{id}/campaigns',
  ],
  [
    'meta',
    [`${M}/v21.0/me/adaccounts`, `${M}/me/adaccounts`, `${M}/ME/adaccounts`, `${M}/v19.0/app/adaccounts`, `${M}/v21.0/123/adaccounts`],
    '/{version}/{id}/adaccounts',
  ],
  ['meta', [`${M}/v21.0/123`, `${M}/123`, `${M}/v21.0/123/`, `${M}/me`], '/{version}/{id}'],
  ['meta', [`${M}/`, `${M}/v21.0`, `${M}/V21.0/`], '/{version}'],
  ['generic', [`${G}/v1/Webhooks/7`, `${G}/v1//webhooks/7.`, `${G}/v1%2Fwebhooks/7`, `${G}/v1%5cwebhooks/7`], '/v1/webhooks/{id}'],
];

for (const [platform, spellings, expected] of canonical) {
  test(`canonical ${platform} ${expected}: ${spellings.length} spellings, one pattern`, () => {
    for (const url of spellings) assert.equal(normalizeEndpoint(platform, new URL(url)), expected, url);
  });
}

test('commas in a segment become {value} (they would break the batch summary)', () => {
  assert.equal(normalizeEndpoint('generic', new URL(`${G}/v1/items/a,b`)), '/v1/items/{value}');
});

test('Shopify and Meta paths with encoded separators or dot-only segments are refused, generic ones are not', () => {
  for (const [platform, path] of [
    ['shopify', '/admin/api/2025-10/products%2F1.json'],
    ['shopify', '/admin/api/2025-10/products/1%5c.json'],
    ['meta', '/v21.0/act_1%2fcampaigns'],
    ['meta', '/v21.0/%252F'],
    ['meta', '/v21.0/1%00'],
    ['meta', '/v21.0/.../1'],
  ] as const) {
    assert.match(pathRefusal(platform, path) ?? '', /encoded|segment/, path);
  }
  assert.equal(pathRefusal('meta', '/v21.0/act_1/campaigns'), null);
  assert.equal(pathRefusal('shopify', '/admin/api/2025-10/customers/jane%40example.com.json'), null);
  assert.equal(pathRefusal('generic', '/api/v4/projects/group%2Fproject'), null);
});
