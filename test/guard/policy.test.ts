// Policy modes and the control file: block refuses risk 3, a version-1 pause refuses everything,
// confirm asks the user through MCP elicitation (and denies when the client cannot ask).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { guardEnv, meta, startGuard, tempDir, text } from '../helpers/guard.ts';

const TOKEN = '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';

describe('policy', () => {
  let shopify: ShopifyStandin;
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN });
  });
  after(() => shopify?.close());
  const env = (dataDir: string, policy: string) =>
    guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN }, extra: { WARDEN_POLICY: policy } });

  it('block mode refuses a level-3 call without forwarding it, and lets reads through', async () => {
    const guard = await startGuard(env(tempDir(), 'block'));
    try {
      shopify.requests.length = 0;
      const r = await guard.call('shopify_rest', { method: 'DELETE', path: '/products/632910392.json' });
      assert.equal(r.isError, true);
      assert.match(text(r), /blocked by policy/);
      assert.match(text(r), /"outcome":"blocked"/);
      assert.equal(shopify.requests.length, 0, 'nothing reached the upstream');
      const read = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
      assert.equal(meta(read).status, 200);
    } finally {
      await guard.close();
    }
  });

  it('a version-1 control file pauses and resumes a running guard before its next call, and a broken one keeps the last state', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(env(dataDir, 'monitor'));
    try {
      // No waiting: every call checks the file (one stat) before the policy decides.
      writeFileSync(join(dataDir, 'control.json'), JSON.stringify({ paused: true }));
      const r = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
      assert.match(
        text(r),
        /^Warden paused all agent calls through the control file at \d\d:\d\d\. Nothing reaches the API, reads included\. /,
      );
      assert.match(text(r), /"outcome":"blocked"/);
      assert.equal(JSON.parse(text(await guard.call('warden_status', {}))).paused, true);
      writeFileSync(join(dataDir, 'control.json'), JSON.stringify({ paused: false, policy: 'block' }));
      const status = JSON.parse(text(await guard.call('warden_status', {})));
      assert.equal(status.paused, false);
      assert.equal(status.policy, 'block');
      assert.equal(meta(await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' })).status, 200);
      writeFileSync(join(dataDir, 'control.json'), '{ broken');
      assert.equal(JSON.parse(text(await guard.call('warden_status', {}))).policy, 'block', 'a broken file keeps the last state');
      for (let i = 0; i < 100 && !/control\.json/.test(guard.stderr()); i++) await new Promise((r) => setTimeout(r, 20)); // stderr is a pipe
      assert.match(guard.stderr(), /control\.json is not valid JSON; keeping the last good state/);
    } finally {
      await guard.close();
    }
  });

  it('confirm mode asks through elicitation: accept forwards, decline denies', async () => {
    const guard = await startGuard(env(tempDir(), 'confirm'), { capabilities: { elicitation: { form: {} } } });
    try {
      const answers = [true, false];
      const asked: string[] = [];
      guard.client.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked.push(req.params.message);
        return { action: 'accept', content: { approve: answers.shift() ?? false } };
      });
      const yes = await guard.call('shopify_rest', { method: 'DELETE', path: '/products/921728736.json' });
      assert.equal(meta(yes).status, 200);
      const no = await guard.call('shopify_rest', { method: 'DELETE', path: '/products/1071559571.json' });
      assert.match(text(no), /declined/);
      assert.match(text(no), /"outcome":"denied"/);
      assert.equal(asked.length, 2);
      assert.match(asked[0]!, /DELETE \/admin\/api\/\{version\}\/products\/\{id\}\.json/);
      const read = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
      assert.equal(meta(read).status, 200);
      assert.equal(asked.length, 2, 'reads are not confirmed');
    } finally {
      await guard.close();
    }
  });

  it('confirm mode denies with an explanation when the client cannot ask', async () => {
    const guard = await startGuard(env(tempDir(), 'confirm'));
    try {
      const r = await guard.call('shopify_rest', { method: 'DELETE', path: '/products/632910392.json' });
      assert.match(text(r), /cannot ask/);
    } finally {
      await guard.close();
    }
  });
});
