// The request path in-process (no MCP), with a store whose journal fails: a change that cannot
// be recorded is not sent, and an answer that cannot be recorded says the call went out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRuleEngine } from '../../core/rules/engine.ts';
import { loadConfig } from '../../guard-server/config.ts';
import { ControlWatcher } from '../../guard-server/control.ts';
import { Pacer } from '../../guard-server/forward/pacing.ts';
import { createDispatcher } from '../../guard-server/forward/upstream.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { AuditWriteError, runCall, type GuardContext } from '../../guard-server/pipeline.ts';
import { GuardSession } from '../../guard-server/session.ts';
import type { AuditStore } from '../../store/index.ts';
import { resolveShopifyRest } from '../../guard-server/targets.ts';
import { tempDir } from '../helpers/guard.ts';

const TOKEN = 'shpat_p1p3l1n3p1p3l1n3p1p3l1n3p1p3l1n3';

function failingStore(failOn: 'intent' | 'record'): AuditStore {
  const fail = () => {
    throw new Error('ENOSPC: no space left on device, write');
  };
  return {
    recordIntent: failOn === 'intent' ? fail : () => {},
    record: failOn === 'record' ? fail : () => {},
    recordAlert: () => {},
  } as unknown as AuditStore;
}

describe('request path when the audit journal cannot be written', () => {
  let shopify: ShopifyStandin;
  let ctx: (store: AuditStore) => GuardContext;
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN });
    const dataDir = tempDir();
    const config = loadConfig({
      WARDEN_DATA_DIR: dataDir,
      WARDEN_SHOPIFY_STORE: shopify.shop,
      WARDEN_SHOPIFY_TOKEN: TOKEN,
      WARDEN_SHOPIFY_BASE_URL: shopify.url,
    });
    const dispatcher = createDispatcher(5000);
    ctx = (store) => ({
      config,
      rules: createRuleEngine().engine,
      store,
      control: new ControlWatcher(dataDir, 'monitor', () => {}),
      pacer: new Pacer(),
      dispatchers: { platform: dispatcher, open: dispatcher },
      redact: (s) => s,
      notify: () => {},
      confirm: async () => true,
    });
  });
  after(() => shopify?.close());

  it('a change whose intent cannot be journaled is not sent', async () => {
    shopify.requests.length = 0;
    const call = resolveShopifyRest(ctx(failingStore('intent')).config, { method: 'DELETE', path: '/products/632910392.json' });
    await assert.rejects(
      runCall(ctx(failingStore('intent')), new GuardSession('i'), call),
      (e: Error) => e instanceof AuditWriteError && /NOT sent/.test(e.message) && /ENOSPC/.test(e.message),
    );
    assert.equal(shopify.requests.length, 0);
  });

  it('an answer that cannot be journaled says the call was sent, with its status', async () => {
    shopify.requests.length = 0;
    const c = ctx(failingStore('record'));
    const call = resolveShopifyRest(c.config, { method: 'DELETE', path: '/products/921728736.json' });
    await assert.rejects(
      runCall(c, new GuardSession('i'), call),
      (e: Error) => e instanceof AuditWriteError && /WAS sent \(HTTP 200\)/.test(e.message),
    );
    assert.equal(shopify.requests.length, 1);
  });
});
