// The guard's analysis against the real cloud-lite (in process, embedded SQLite) and a fake
// Messages API: the question the guard sends passes the service's checks, the model sees no
// value from the call, the verdict comes back and scores the next identical call, a second user
// asking the same question is answered from the global cache, and a service without a model
// answers 501, after which the guard stops asking.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ANALYSIS_VERDICT_RULE } from '../../core/protocol/analyze.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { startFakeLlm, type FakeLlm } from '../cloud-lite/fixtures/fake-llm.ts';
import { createKey, startTestService, type TestKey, type TestService } from '../cloud-lite/http-client.ts';
import { guardEnv, meta, startGuard, tempDir, text, waitExit, type GuardHandle } from '../helpers/guard.ts';

const API_KEY = 'sk-ant-test-guard-analysis-0123456789';
const SHOP_TOKEN = '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';
const PLANTED = ['sam.planted@example.com', 'PLANTED-VALUE-7f3a', 'inline-planted-9c2e', '4111111111111111'];
const cleanups: (() => Promise<void> | void)[] = [];
let shopify: ShopifyStandin;
let fake: FakeLlm;

before(async () => {
  shopify = await startShopifyStandin({ token: SHOP_TOKEN });
  fake = await startFakeLlm(API_KEY);
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  await shopify?.close();
  await fake?.stop();
});

async function service(env: Record<string, string>): Promise<TestService> {
  const svc = await startTestService(env);
  cleanups.push(() => svc.stop());
  return svc;
}

async function guard(svc: TestService, key: TestKey): Promise<GuardHandle> {
  const dir = tempDir('warden-analysis-cl-');
  const g = await startGuard(
    guardEnv({
      dataDir: dir,
      shopify: { ...shopify, token: SHOP_TOKEN },
      extra: {
        PATH: process.env.PATH ?? '',
        WARDEN_CLOUD_URL: svc.url,
        WARDEN_CLOUD_KEY_ID: key.keyId,
        WARDEN_CLOUD_SECRET: key.secret,
        WARDEN_UPLOAD_INTERVAL_MS: '60000',
      },
    }),
  );
  cleanups.push(async () => {
    await g.close().catch(() => {});
    await waitExit(g.pid).catch(() => process.kill(g.pid, 'SIGKILL'));
    rmSync(dir, { recursive: true, force: true });
  });
  return g;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function analysis(g: GuardHandle) {
  return (
    JSON.parse(text(await g.call('warden_status', {}))) as {
      analysis: {
        cached_verdicts: number;
        asked: number;
        skipped: number;
        paused_until: string | null;
        last_error: { code: string } | null;
      };
    }
  ).analysis;
}

const mutation = {
  query: 'mutation Flip($input: WidgetInput!) { widgetFrobnicate(input: $input, note: "inline-planted-9c2e") { widget { id name } } }',
  variables: { input: { email: 'sam.planted@example.com', note: 'PLANTED-VALUE-7f3a', card: '4111111111111111', count: 3 } },
};

test('guard → cloud-lite → model: asked once by shape, the verdict scores the next call, a second user is answered from the global cache', async () => {
  const svc = await service({
    ANALYZE_API_URL: fake.url,
    ANALYZE_API_KEY: API_KEY,
    ANALYZE_MODEL: 'claude-test-model',
  });
  fake.setDefault({ text: '{"level": 3, "label": "Changes widgets in bulk"}' });
  const before = fake.requests.length;
  const g = await guard(svc, await createKey(svc, 'alice', 'pro'));

  const first = await g.call('shopify_graphql', mutation);
  assert.deepEqual(meta(first).warden.rules, ['shopify.unclassified_write.graphql']);
  await until('the verdict cached', async () => (await analysis(g)).cached_verdicts === 1);
  assert.equal(fake.requests.length, before + 1, 'the model was asked once');
  const seen = JSON.stringify(fake.requests.at(-1)!.body);
  assert.ok(seen.includes('widgetFrobnicate'), 'the model sees the operation');
  for (const value of [...PLANTED, SHOP_TOKEN]) assert.ok(!seen.includes(value), `the model saw ${value}`);

  const later = await g.call('shopify_graphql', mutation);
  assert.equal(meta(later).warden.risk_level, 3);
  assert.deepEqual(meta(later).warden.rules, [ANALYSIS_VERDICT_RULE, 'shopify.unclassified_write.graphql']);

  // Another user's guard, same question: the service answers from its global cache.
  const other = await guard(svc, await createKey(svc, 'bob', 'free'));
  await other.call('shopify_graphql', mutation);
  await until("bob's verdict cached", async () => (await analysis(other)).cached_verdicts === 1);
  assert.equal(fake.requests.length, before + 1, 'no second model call');
  assert.equal(meta(await other.call('shopify_graphql', mutation)).warden.risk_level, 3);
});

test('a cloud-lite without a model answers 501: the guard stops asking', async () => {
  const svc = await service({});
  const g = await guard(svc, await createKey(svc, 'carol', 'pro'));
  await g.call('shopify_graphql', mutation);
  await until('the 501', async () => (await analysis(g)).last_error?.code === 'analysis_disabled');
  const view = await analysis(g);
  assert.notEqual(view.paused_until, null);
  await g.call('shopify_rest', { method: 'POST', path: '/widgets/1/frobnicate.json', body: { widget: { title: 'x' } } });
  const after = await analysis(g);
  assert.equal(after.asked, 1);
  assert.equal(after.skipped, view.skipped + 1);
});
