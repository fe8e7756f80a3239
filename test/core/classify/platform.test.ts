import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPlatform } from '../../../core/classify/index.ts';

const cases: [string, string][] = [
  ['https://demo.myshopify.com/admin/api/2025-10/products.json', 'shopify'],
  ['https://DEMO.MyShopify.com/anything', 'shopify'],
  ['https://demo.myshopify.com./admin/api/2025-10/shop.json', 'shopify'],
  ['https://shop.example.com/admin/api/2025-10/graphql.json', 'shopify'],
  ['http://127.0.0.1:4010/admin/api/2025-10/products.json', 'shopify'],
  ['https://demo.myshopify.com/admin/oauth/access_scopes.json', 'shopify'],
  ['https://shop.example.com/admin/oauth/access_scopes.json', 'shopify'],
  ['https://graph.facebook.com/v23.0/act_123/campaigns', 'meta'],
  ['https://graph-video.facebook.com/v23.0/act_123/advideos', 'meta'],
  ['https://graph.beta.facebook.com/v23.0/act_123/campaigns', 'meta'],
  ['https://shop.example.com/ADMIN/API/2025-10/graphql.json', 'shopify'],
  ['https://shop.example.com//admin//api/2025-10/products.json', 'shopify'],
  ['https://www.facebook.com/v23.0/act_123', 'generic'],
  ['https://myshopify.com.evil.example/admin', 'generic'],
  ['https://evilmyshopify.com/products', 'generic'],
  ['https://api.example.com/admin/users', 'generic'],
  ['https://api.example.com/administrator/api/x', 'generic'],
  ['http://127.0.0.1:4011/v23.0/act_1/campaigns', 'generic'],
];

for (const [url, platform] of cases) {
  test(`detectPlatform ${url} → ${platform}`, () => {
    assert.equal(detectPlatform(new URL(url)), platform);
  });
}
