// Configuration from the environment: defaults, validation, and errors that never echo secrets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSecrets, loadConfig, loadGuardConfig } from '../../guard-server/config.ts';
import { tempDir } from '../helpers/guard.ts';

describe('loadConfig', () => {
  it('has safe defaults with nothing configured', () => {
    const c = loadConfig({ HOME: '/home/x' });
    assert.equal(c.shopify, null);
    assert.equal(c.meta, null);
    assert.deepEqual(c.httpAllow, []);
    assert.equal(c.policy, 'monitor');
    assert.equal(c.timeoutMs, 30_000);
    assert.equal(c.cloud, null);
  });

  it('normalises the shop and builds base URLs', () => {
    const c = loadConfig({ WARDEN_SHOPIFY_STORE: 'My-Shop', WARDEN_SHOPIFY_TOKEN: 'shpat_x', WARDEN_META_TOKEN: 'EAAx' });
    assert.equal(c.shopify!.store, 'my-shop.myshopify.com');
    assert.equal(c.shopify!.baseUrl, 'https://my-shop.myshopify.com');
    assert.equal(c.shopify!.apiVersion, '2025-10');
    assert.equal(c.meta!.baseUrl, 'https://graph.facebook.com');
    assert.equal(c.meta!.apiVersion, 'v23.0');
  });

  it('parses allow patterns and marks exact hosts', () => {
    const c = loadConfig({ WARDEN_HTTP_ALLOW: 'api.example.com, *.corp.example, 127.0.0.1:8080 *' });
    assert.deepEqual(c.httpAllow, [
      { pattern: 'api.example.com', exact: true },
      { pattern: '*.corp.example', exact: false },
      { pattern: '127.0.0.1:8080', exact: true },
      { pattern: '*', exact: false },
    ]);
  });

  it('rejects bad values with specific errors', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ WARDEN_SHOPIFY_TOKEN: 'shpat_x' }, /WARDEN_SHOPIFY_STORE is not/],
      [{ WARDEN_SHOPIFY_STORE: 'shop' }, /WARDEN_SHOPIFY_TOKEN is not/],
      [{ WARDEN_SHOPIFY_STORE: 'evil.com/x', WARDEN_SHOPIFY_TOKEN: 't' }, /myshopify\.com/],
      [{ WARDEN_SHOPIFY_STORE: 's', WARDEN_SHOPIFY_TOKEN: 't', WARDEN_SHOPIFY_API_VERSION: 'latest' }, /2025-10/],
      [{ WARDEN_META_TOKEN: 't', WARDEN_META_API_VERSION: '23' }, /v23\.0/],
      [{ WARDEN_POLICY: 'yolo' }, /monitor, confirm or block/],
      [{ WARDEN_TIMEOUT_MS: '5s' }, /WARDEN_TIMEOUT_MS must be a whole number/],
      [{ WARDEN_HTTP_ALLOW: 'http://x.com/path' }, /not a host pattern/],
      [{ WARDEN_META_TOKEN: 't', WARDEN_META_BASE_URL: 'ftp://x' }, /must be http/],
      [{ WARDEN_CLOUD_URL: 'https://cloud.example' }, /WARDEN_CLOUD_KEY_ID/],
    ];
    for (const [env, why] of cases)
      assert.throws(
        () => loadConfig(env),
        (e: Error) => e instanceof ConfigError && why.test(e.message),
        JSON.stringify(env),
      );
  });

  it('never echoes credential JSON in its error', () => {
    const secret = 'super-secret-value-123';
    assert.throws(
      () => loadConfig({ WARDEN_HTTP_CREDENTIALS: `{"api.x.com": {"Authorization": "${secret}"` }),
      (e: Error) => !e.message.includes(secret),
    );
    assert.throws(
      () => loadConfig({ WARDEN_HTTP_CREDENTIALS: `{"api.x.com": "${secret}"}` }),
      (e: Error) => !e.message.includes(secret) && /header name/.test(e.message),
    );
  });

  it('lists every configured secret for redaction', () => {
    const c = loadConfig({
      WARDEN_SHOPIFY_STORE: 's',
      WARDEN_SHOPIFY_TOKEN: 'shpat_aaaa',
      WARDEN_META_TOKEN: 'EAAbbbb',
      WARDEN_HTTP_CREDENTIALS: '{"x.com": {"X-Api-Key": "cccc1234"}}',
      WARDEN_CLOUD_URL: 'https://c.example',
      WARDEN_CLOUD_KEY_ID: 'k',
      WARDEN_CLOUD_SECRET: 'dddd5678',
    });
    assert.deepEqual(configSecrets(c).sort(), ['EAAbbbb', 'cccc1234', 'dddd5678', 'shpat_aaaa']);
  });

  it('takes every credential from a reference and redacts the values read', async () => {
    const dir = tempDir();
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      chmodSync(join(dir, name), 0o600);
      return `file:${join(dir, name)}`;
    };
    const env = {
      WARDEN_SHOPIFY_STORE: 's',
      WARDEN_SHOPIFY_TOKEN: file('shopify', 'shpat_aaaa\n'),
      WARDEN_META_TOKEN_COMMAND: 'printf EAAbbbb',
      WARDEN_HTTP_CREDENTIALS: file('http.json', '{"x.com": {"X-Api-Key": "cccc1234"}}\n'),
      WARDEN_CLOUD_URL: 'https://c.example',
      WARDEN_CLOUD_KEY_ID: 'k',
      WARDEN_CLOUD_SECRET_COMMAND: `sh -c 'cat ${join(dir, 'cloud')}'`,
    };
    file('cloud', 'dddd5678');
    const c = await loadGuardConfig(env);
    assert.equal(c.shopify?.token, 'shpat_aaaa');
    assert.equal(c.meta?.token, 'EAAbbbb');
    assert.deepEqual(c.httpCredentials.get('x.com'), { 'X-Api-Key': 'cccc1234' });
    assert.equal(c.cloud?.secret, 'dddd5678');
    assert.deepEqual(configSecrets(c).sort(), ['EAAbbbb', 'cccc1234', 'dddd5678', 'shpat_aaaa']);
    // A literal configuration is read as before.
    const literal = { WARDEN_SHOPIFY_STORE: 's', WARDEN_SHOPIFY_TOKEN: 'shpat_x', WARDEN_POLICY: 'block' };
    assert.deepEqual(await loadGuardConfig(literal), loadConfig(literal));
  });
});
