// The guard's env from credentials and settings (extension/src/mcp/guard-env.ts), the
// pre-start checks (preflight.ts) and Cursor's registration API against a fake of its
// documented shape (cursor-api.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIAL_COMMAND_SUFFIX, ENV, SECRET_ENV } from '../../core/protocol/index.ts';
import { CursorRegistration, cursorMcpApi } from '../../extension/src/mcp/cursor-api.ts';
import type { CursorMcpApi } from '../../extension/src/mcp/cursor-api.ts';
import { buildGuardEnv, envDigest, withoutSecrets } from '../../extension/src/mcp/guard-env.ts';
import { checkDataDir, checkGuardEnv } from '../../extension/src/mcp/preflight.ts';
import { SETTING_DEFAULTS } from '../../extension/src/settings/schema.ts';
import { resolveCredentialReferences } from '../../guard-server/credential-ref.ts';

const TOKEN = 'shpat_' + 'f'.repeat(32);
const base = { settings: SETTING_DEFAULTS, dataDir: '/data/w', instanceId: 'vscode-abc' };

describe('guard env', () => {
  it('without credentials: only managed, non-secret variables, and nothing empty', () => {
    const env = buildGuardEnv({ ...base, credentials: { http: {} } });
    assert.equal(env['ELECTRON_RUN_AS_NODE'], '1');
    assert.equal(env[ENV.dataDir], '/data/w');
    assert.equal(env[ENV.policy], 'monitor');
    assert.equal(env[ENV.autoPause], 'on');
    assert.equal(env[ENV.instanceId], 'vscode-abc');
    for (const k of [
      ENV.shopifyStore,
      ENV.shopifyToken,
      ENV.metaToken,
      ENV.httpAllow,
      ENV.httpCredentials,
      ENV.cloudUrl,
      ENV.shopifyBaseUrl,
    ]) {
      assert.ok(!(k in env), `${k} not set`);
    }
    assert.ok(
      Object.values(env).every((v) => v !== ''),
      'no variable set to an empty string',
    );
  });

  it('credentials and settings become the documented variables; unmanaged ones are never set', () => {
    const env = buildGuardEnv({
      ...base,
      settings: { ...SETTING_DEFAULTS, policy: 'block', autoPause: false, allowedHosts: ['*.corp.test'], cloudUrl: 'https://c.example' },
      credentials: {
        shopify: { store: 'my-shop.myshopify.com', token: TOKEN },
        metaToken: 'EAAtoken',
        http: { 'api.example.com': { Authorization: 'Bearer h' } },
        cloud: { keyId: 'k1', secret: 's'.repeat(20) },
      },
      baseEnv: { [ENV.httpAllow]: 'localhost:9999', [ENV.shopifyBaseUrl]: 'http://127.0.0.1:1234' },
    });
    assert.equal(env[ENV.shopifyStore], 'my-shop.myshopify.com');
    assert.equal(env[ENV.shopifyToken], TOKEN);
    assert.equal(env[ENV.metaToken], 'EAAtoken');
    assert.equal(env[ENV.policy], 'block');
    assert.equal(env[ENV.autoPause], 'off');
    assert.deepEqual(env[ENV.httpAllow]!.split(','), ['localhost:9999', '*.corp.test', 'api.example.com']);
    assert.deepEqual(JSON.parse(env[ENV.httpCredentials]!), { 'api.example.com': { Authorization: 'Bearer h' } });
    assert.equal(env[ENV.cloudUrl], 'https://c.example');
    assert.equal(env[ENV.cloudKeyId], 'k1');
    // The editor's own variables pass through VS Code's merge untouched: never in the managed env.
    assert.ok(!(ENV.shopifyBaseUrl in env));
  });

  it("a secret from SecretStorage wins over a …_COMMAND in the editor's environment", async () => {
    const env = buildGuardEnv({ ...base, credentials: { shopify: { store: 'my-shop.myshopify.com', token: TOKEN }, http: {} } });
    assert.equal(env[`${ENV.shopifyToken}${CREDENTIAL_COMMAND_SUFFIX}`], '');
    assert.ok(!(`${ENV.metaToken}${CREDENTIAL_COMMAND_SUFFIX}` in env), 'only for the secrets the extension supplies');
    // VS Code merges the managed env over the editor's: the guard then resolves the extension's token, runs nothing.
    const editor = { [`${ENV.shopifyToken}${CREDENTIAL_COMMAND_SUFFIX}`]: 'printf from-the-editor' };
    const resolved = await resolveCredentialReferences({ ...editor, ...env });
    assert.equal(resolved[ENV.shopifyToken], TOKEN);
  });

  it('withoutSecrets drops every secret variable; the digest changes with any value', () => {
    const env = buildGuardEnv({ ...base, credentials: { shopify: { store: 's.myshopify.com', token: TOKEN }, http: {} } });
    const safe = withoutSecrets(env);
    for (const k of SECRET_ENV) assert.ok(!(k in safe), k);
    assert.ok(!JSON.stringify(safe).includes(TOKEN));
    assert.equal(safe[ENV.shopifyStore], 's.myshopify.com');
    const other = buildGuardEnv({
      ...base,
      credentials: { shopify: { store: 's.myshopify.com', token: TOKEN.replace(/f$/, 'e') }, http: {} },
    });
    assert.notEqual(envDigest(env), envDigest(other));
    assert.equal(envDigest(env), envDigest({ ...env }));
  });
});

describe('pre-start checks', () => {
  it('the data dir is created, or its problem is explained with a settings fix', () => {
    const root = mkdtempSync(join(tmpdir(), 'warden-pre-'));
    try {
      assert.equal(checkDataDir(join(root, 'new', 'dir')), null);
      writeFileSync(join(root, 'file'), 'x');
      const p = checkDataDir(join(root, 'file', 'sub'));
      assert.ok(p);
      assert.match(p.message, /cannot use its data folder .*warden\.dataDir/);
      assert.equal(p.fix?.command, 'workbench.action.openSettings');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a store without token (e.g. from the editor env) and a cloud URL without key are explained', () => {
    const p = checkGuardEnv({ [ENV.shopifyStore]: 'x.myshopify.com' });
    assert.match(p!.message, /WARDEN_SHOPIFY_TOKEN is missing/);
    assert.equal(p!.fix?.command, 'warden.setShopifyCredentials');
    assert.equal(checkGuardEnv({ [ENV.cloudUrl]: 'https://c' })?.fix?.command, 'warden.setCloudKey');
    assert.equal(checkGuardEnv({ [ENV.shopifyStore]: 'x', [ENV.shopifyToken]: TOKEN }), null);
    assert.equal(checkGuardEnv({}), null);
  });
});

describe('Cursor registration', () => {
  function fakeCursor() {
    const calls: string[] = [];
    const servers = new Map<string, { command: string; args: string[]; env: Record<string, string> }>();
    const api: CursorMcpApi = {
      registerServer: ({ name, server }) => {
        calls.push(`register ${name}`);
        servers.set(name, server);
      },
      unregisterServer: (name) => {
        calls.push(`unregister ${name}`);
        servers.delete(name);
      },
    };
    return { api, calls, servers };
  }

  it('is detected only when vscode.cursor.mcp has both functions', () => {
    const { api } = fakeCursor();
    assert.equal(cursorMcpApi({ cursor: { mcp: api } }), api);
    assert.equal(cursorMcpApi({}), undefined);
    assert.equal(cursorMcpApi({ cursor: { mcp: { registerServer() {} } } }), undefined);
    assert.equal(cursorMcpApi(undefined), undefined);
  });

  it('registers {name, server: {command, args, env}}, re-registers on change, unregisters once', () => {
    const { api, calls, servers } = fakeCursor();
    const reg = new CursorRegistration(api, 'warden');
    reg.update({ command: '/usr/bin/node', args: ['/ext/dist/guard-server.js'], env: { A: '1' } });
    assert.deepEqual(servers.get('warden'), { command: '/usr/bin/node', args: ['/ext/dist/guard-server.js'], env: { A: '1' } });
    reg.update({ command: '/usr/bin/node', args: ['/ext/dist/guard-server.js'], env: { A: '2' } });
    assert.equal(servers.get('warden')?.env['A'], '2');
    reg.unregister();
    reg.unregister();
    assert.deepEqual(calls, ['register warden', 'unregister warden', 'register warden', 'unregister warden']);
    assert.equal(servers.size, 0);
  });
});
