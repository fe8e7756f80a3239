// Input validation and stored credential documents (extension/src/secrets/credentials.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCloudKeyId,
  checkCloudSecret,
  checkHeaderName,
  checkHeaderValue,
  checkHostPattern,
  checkMetaToken,
  checkShopDomain,
  checkShopifyToken,
  parseCredentials,
  setKinds,
  withHostHeader,
} from '../../extension/src/secrets/credentials.ts';

const TOKEN = 'shpat_' + 'a1'.repeat(16);
const META = 'EAA' + 'Bc1'.repeat(10);

describe('credential input validation', () => {
  it('store domains: a shop name or *.myshopify.com', () => {
    assert.equal(checkShopDomain('my-shop'), undefined);
    assert.equal(checkShopDomain('https://My-Shop.myshopify.com/admin'), undefined);
    assert.match(checkShopDomain('example.com')!, /Not a Shopify store/);
    assert.match(checkShopDomain('  ')!, /Enter the store/);
  });

  it('Shopify tokens: prefix and form, and the message never repeats the value', () => {
    assert.equal(checkShopifyToken(TOKEN), undefined);
    assert.equal(checkShopifyToken('shpca_' + 'x'.repeat(32)), undefined);
    const wrong = 'sk_live_' + 'z'.repeat(30);
    const msg = checkShopifyToken(wrong)!;
    assert.match(msg, /starts with shpat_/);
    assert.ok(!msg.includes(wrong));
    assert.match(checkShopifyToken('shpat_short')!, /16 to 200/);
    assert.match(checkShopifyToken('shpat_' + 'a'.repeat(20) + ' b')!, /no spaces/);
  });

  it('Meta tokens start with EAA', () => {
    assert.equal(checkMetaToken(META), undefined);
    assert.match(checkMetaToken('abc' + 'x'.repeat(30))!, /starts with EAA/);
    assert.match(checkMetaToken('EAAshort')!, /20 to 1000/);
  });

  it('host patterns as WARDEN_HTTP_ALLOW takes them', () => {
    for (const ok of ['api.example.com', '*.example.com', 'localhost:8080', '[::1]:9000'])
      assert.equal(checkHostPattern(ok), undefined, ok);
    for (const bad of ['https://api.example.com', 'api.example.com/v1', 'a b', '']) assert.ok(checkHostPattern(bad), bad);
  });

  it('header names are RFC 7230 tokens; values have no line breaks', () => {
    assert.equal(checkHeaderName('X-Api-Key'), undefined);
    assert.equal(checkHeaderName('Authorization'), undefined);
    assert.match(checkHeaderName('X Api')!, /no spaces/);
    assert.ok(checkHeaderName('X-Api:'));
    assert.equal(checkHeaderValue('Bearer abc'), undefined);
    assert.match(checkHeaderValue('a\r\nInjected: 1')!, /line breaks/);
  });

  it('cloud key id and secret', () => {
    assert.equal(checkCloudKeyId('key_01ABC'), undefined);
    assert.ok(checkCloudKeyId('key id'));
    assert.equal(checkCloudSecret('s'.repeat(32)), undefined);
    assert.ok(checkCloudSecret('short'));
  });
});

describe('stored credentials', () => {
  it('parses each stored document and reports damaged ones by kind, never by value', () => {
    const { credentials, problems } = parseCredentials({
      shopify: JSON.stringify({ store: 'my-shop', token: TOKEN }),
      meta: META,
      http: JSON.stringify({ 'api.example.com': { Authorization: 'Bearer x' } }),
      cloud: '{not json',
    });
    assert.deepEqual(credentials.shopify, { store: 'my-shop.myshopify.com', token: TOKEN });
    assert.equal(credentials.metaToken, META);
    assert.deepEqual(credentials.http, { 'api.example.com': { Authorization: 'Bearer x' } });
    assert.equal(credentials.cloud, undefined);
    assert.deepEqual(problems, ['cloud']);
    assert.deepEqual(setKinds(credentials), ['shopify', 'meta', 'http']);
  });

  it('rejects a header map with a bad host or header name', () => {
    assert.deepEqual(parseCredentials({ http: JSON.stringify({ 'https://x': { A: 'b' } }) }).problems, ['http']);
    assert.deepEqual(parseCredentials({ http: JSON.stringify({ 'x.com': { 'A B': 'b' } }) }).problems, ['http']);
  });

  it('withHostHeader adds a host and replaces a header case-insensitively', () => {
    let m = withHostHeader({}, 'API.example.com', 'authorization', 'one');
    m = withHostHeader(m, 'api.example.com', 'Authorization', 'two');
    m = withHostHeader(m, 'other.test', 'X-Key', 'k');
    assert.deepEqual(m, { 'api.example.com': { Authorization: 'two' }, 'other.test': { 'X-Key': 'k' } });
  });
});
