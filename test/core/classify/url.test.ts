// The hand-written URL split must agree with WHATWG URL on everything it accepts, and hand
// everything else to WHATWG URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWhatwg, urlParts } from '../../../core/classify/url.ts';

const urls = [
  'https://demo.myshopify.com/admin/api/2025-10/products/632910392.json?fields=id,title',
  'https://graph.facebook.com/v23.0/act_123/campaigns#x',
  'https://graph.facebook.com',
  'https://graph.facebook.com?fields=id',
  'https://graph.facebook.com#frag',
  'http://127.0.0.1:4010/admin/api/2025-10/graphql.json',
  'http://127.0.0.1:80/x',
  'https://api.example.com:443/x',
  'https://api.example.com:8443/x',
  'https://api.example.com:0443/x',
  'http://localhost:3000/',
  'https://API.Example.COM/Path/To',
  'https://user:pw@api.example.com/x',
  'https://api.example.com@evil.example/x',
  'https://[::1]:8080/x',
  'http://0x7f.1/x',
  'http://127.1/x',
  'https://example.com./x',
  'https://a.b.c.example.com/a/./b/../c',
  'https://example.com/a/%2e%2e/b',
  'https://example.com/a/%2E/b',
  'https://example.com/.well-known/x',
  'https://example.com/a b',
  'https://example.com/caf\u00e9',
  'https://example.com/a\\b',
  'https://example.com/a"b<c>`{}',
  'https://example.com/a%40b/c@d',
  "https://example.com/a!$&'()*+,;=:~",
  'https://xn--bcher-kva.example/x',
  'https://ex-ample.com/x',
  'https://example.com\t/x',
  'HTTPS://example.com/x',
  'https://example.com:/x',
];

for (const raw of urls) {
  test(`urlParts agrees with WHATWG URL: ${JSON.stringify(raw)}`, () => {
    assert.deepEqual(urlParts(raw), fromWhatwg(new URL(raw)));
  });
}

test('invalid URLs still throw', () => {
  for (const raw of ['/relative', 'not a url', 'http://1.2.3.256/x', 'https://example.com:99999/x', 'https://exa mple.com/']) {
    assert.throws(() => urlParts(raw), TypeError, raw);
  }
});
