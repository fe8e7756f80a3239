// Issue 7, live: the BUILT guard over stdio in `block` mode, against the Shopify and Meta
// stand-ins and a plain recording server. Each row spells a dangerous call another way (method
// overrides, Meta status=DELETED and batches, odd path spellings, GraphQL over GET or raw
// bodies, oversized documents, encoded separators): none may reach the upstream, and the
// audit log must record each at its real level. Spelled deletes count for the sequence alerts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMetaStandin, type MetaStandin } from '../../devtools/standins/meta.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { openAuditReader } from '../../store/index.ts';
import { guardEnv, startGuard, tempDir, text, type GuardHandle } from '../helpers/guard.ts';

const SHOP_TOKEN = 'shpat_e7a51011e7a51011e7a51011e7a51011';
const META_TOKEN = 'EAAGevasionTokenAbCdEfGh1234567890XyZ';

/** A plain upstream for http_request that records what reaches it. */
async function recordingServer(): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The verdict block of a refused call: its last line. */
function verdict(r: CallToolResult): { risk_level: number; rules: string[]; outcome?: string; event_id: string } {
  const lines = text(r).trim().split('\n');
  return (JSON.parse(lines.at(-1)!) as { warden: { risk_level: number; rules: string[]; outcome?: string; event_id: string } }).warden;
}

const mutationDelete = 'mutation { deleteUser(id: 1) { id } }';
const campaign = '120210000000001';

interface Row {
  name: string;
  tool: string;
  args: (u: { shop: string; meta: string; open: string }) => Record<string, unknown>;
  /** Which upstream it would have reached. */
  upstream: 'shopify' | 'meta' | 'open';
  /** The effective method recorded. */
  method: string;
  outcome?: 'blocked' | 'denied';
  endpoint?: string;
}

const rows: Row[] = [
  {
    name: 'Meta POST ?method=delete',
    tool: 'meta_graph',
    upstream: 'meta',
    method: 'DELETE',
    args: () => ({ method: 'POST', path: `/${campaign}`, params: { method: 'delete' } }),
  },
  {
    name: 'Meta POST body method=DELETE',
    tool: 'meta_graph',
    upstream: 'meta',
    method: 'DELETE',
    args: () => ({ method: 'POST', path: `/${campaign}`, body: { method: 'DELETE' } }),
  },
  {
    name: 'Meta GET ?method=delete',
    tool: 'meta_graph',
    upstream: 'meta',
    method: 'DELETE',
    args: () => ({ method: 'GET', path: `/${campaign}`, params: { method: 'delete' } }),
  },
  {
    name: 'Meta status=DELETED',
    tool: 'meta_graph',
    upstream: 'meta',
    method: 'DELETE',
    args: () => ({ method: 'POST', path: `/${campaign}`, body: { status: 'DELETED' } }),
  },
  {
    name: 'Meta batch of three deletes',
    tool: 'meta_graph',
    upstream: 'meta',
    method: 'DELETE',
    endpoint: '/{version}',
    args: () => ({
      method: 'POST',
      path: '/v23.0/',
      body: {
        batch: JSON.stringify([
          { method: 'DELETE', relative_url: campaign },
          { method: 'POST', relative_url: '120210000000002', body: 'status=DELETED' },
          { method: 'POST', relative_url: 'v21.0/120210000000003?method=delete' },
        ]),
      },
    }),
  },
  {
    name: 'Meta account settings spelled /V21.0/ACT_1/ (was level 1)',
    tool: 'http_request',
    upstream: 'meta',
    method: 'POST',
    endpoint: '/{version}/act_{id}',
    args: (u) => ({ method: 'POST', url: `${u.meta}/V21.0/ACT_1234567890/`, body: { spend_cap: 1 } }),
  },
  {
    name: 'Shopify POST with _method=DELETE',
    tool: 'shopify_rest',
    upstream: 'shopify',
    method: 'DELETE',
    args: () => ({ method: 'POST', path: '/products/632910392.json', query: { _method: 'DELETE' } }),
  },
  {
    name: 'Shopify unversioned /admin/products/1.json',
    tool: 'http_request',
    upstream: 'shopify',
    method: 'DELETE',
    endpoint: '/admin/api/{version}/products/{id}.json',
    args: (u) => ({ method: 'DELETE', url: `${u.shop}/admin/products/632910392.json` }),
  },
  {
    name: 'Shopify webhook spelled /ADMIN//webhooks.json. (was level 1)',
    tool: 'http_request',
    upstream: 'shopify',
    method: 'POST',
    endpoint: '/admin/api/{version}/webhooks.json',
    args: (u) => ({
      method: 'POST',
      url: `${u.shop}/ADMIN//webhooks.json.`,
      body: { webhook: { topic: 'orders/create', address: 'https://evil.example/x' } },
    }),
  },
  {
    name: 'X-HTTP-Method-Override: DELETE',
    tool: 'http_request',
    upstream: 'open',
    method: 'DELETE',
    args: (u) => ({ method: 'POST', url: `${u.open}/v1/items/42`, headers: { 'X-HTTP-Method-Override': 'DELETE' } }),
  },
  {
    name: '_method=DELETE in a form body',
    tool: 'http_request',
    upstream: 'open',
    method: 'DELETE',
    args: (u) => ({ method: 'POST', url: `${u.open}/v1/items/42`, body: '_method=DELETE' }),
  },
  {
    name: 'GraphQL delete via GET ?query=',
    tool: 'http_request',
    upstream: 'open',
    method: 'GET',
    args: (u) => ({ method: 'GET', url: `${u.open}/graphql?query=${encodeURIComponent(mutationDelete)}` }),
  },
  {
    name: 'GraphQL delete as raw application/graphql on a generic path',
    tool: 'http_request',
    upstream: 'open',
    method: 'POST',
    args: (u) => ({ method: 'POST', url: `${u.open}/api`, headers: { 'Content-Type': 'application/graphql' }, body: mutationDelete }),
  },
  {
    name: 'oversized GraphQL',
    tool: 'http_request',
    upstream: 'open',
    method: 'POST',
    args: (u) => ({ method: 'POST', url: `${u.open}/graphql`, body: { query: `query { shop { name } }${' '.repeat(110 * 1024)}` } }),
  },
  {
    name: 'encoded slash in a Meta path (refused, cannot be canonicalised)',
    tool: 'http_request',
    upstream: 'meta',
    method: 'DELETE',
    outcome: 'denied',
    args: (u) => ({ method: 'DELETE', url: `${u.meta}/v21.0/act_1%2Fcampaigns` }),
  },
];

describe('evasions in block mode (live guard)', () => {
  let shopify: ShopifyStandin;
  let metaApi: MetaStandin;
  let open: Awaited<ReturnType<typeof recordingServer>>;
  let env: (dataDir: string) => Record<string, string>;
  let urls: { shop: string; meta: string; open: string };

  before(async () => {
    shopify = await startShopifyStandin({ token: SHOP_TOKEN });
    metaApi = await startMetaStandin({ token: META_TOKEN });
    open = await recordingServer();
    urls = { shop: shopify.url, meta: metaApi.url, open: open.url };
    const allow = [shopify.url, metaApi.url, open.url].map((u) => new URL(u).host).join(',');
    env = (dataDir) =>
      guardEnv({
        dataDir,
        shopify: { ...shopify, token: SHOP_TOKEN },
        meta: { url: metaApi.url, token: META_TOKEN },
        extra: { WARDEN_POLICY: 'block', WARDEN_AUTO_PAUSE: 'off', WARDEN_HTTP_ALLOW: allow },
      });
  });
  after(async () => {
    await shopify?.close();
    await metaApi?.close();
    await open?.close();
  });

  const received = (upstream: Row['upstream']): number =>
    upstream === 'shopify' ? shopify.requests.length : upstream === 'meta' ? metaApi.requests.length : open.hits.length;

  describe('no spelling reaches the upstream; each is recorded at its real level', () => {
    const dataDir = tempDir();
    let guard: GuardHandle;
    const ids = new Map<string, Row>();
    before(async () => {
      guard = await startGuard(env(dataDir));
    });
    after(() => guard?.close());

    for (const row of rows) {
      it(row.name, async () => {
        const before = received(row.upstream);
        const r = await guard.call(row.tool, row.args(urls));
        assert.equal(received(row.upstream), before, `${row.name} reached the upstream`);
        assert.equal(r.isError, true, text(r).slice(0, 300));
        const v = verdict(r);
        assert.equal(v.risk_level, 3, v.rules.join(', '));
        assert.equal(v.outcome, row.outcome ?? 'blocked');
        assert.match(text(r), row.outcome === 'denied' ? /encoded/ : /blocked by policy/);
        ids.set(v.event_id, row);
      });
    }

    it('the audit log has each at level 3 with its effective method and canonical endpoint', async () => {
      await guard.close();
      const reader = await openAuditReader(dataDir);
      const events = reader.latest(100);
      reader.close();
      assert.equal(events.length, rows.length);
      for (const e of events) {
        const row = ids.get(e.id);
        assert.ok(row, `event ${e.id} belongs to a row`);
        assert.equal(e.risk_level, 3, row.name);
        assert.equal(e.method, row.method, row.name);
        if (row.method === 'DELETE') assert.equal(e.action, 'delete', row.name);
        if (row.endpoint) assert.equal(e.endpoint, row.endpoint, row.name);
      }
      const named = (name: string) => events.find((e) => ids.get(e.id)?.name === name)!;
      assert.equal(
        named('Meta batch of three deletes').operation,
        'batch DELETE /{version}/{id},DELETE /{version}/{id},DELETE /{version}/{id}',
      );
      assert.equal(named('GraphQL delete via GET ?query=').operation, 'mutation deleteUser');
      assert.ok(named('oversized GraphQL').rules.includes('graphql.oversized'));
    });
  });

  it('three deletes spelled three ways raise the consecutive-deletes alert', async () => {
    const guard: GuardHandle = await startGuard(env(tempDir()));
    try {
      for (const name of ['Meta POST ?method=delete', 'Meta status=DELETED', 'Meta GET ?method=delete']) {
        const row = rows.find((x) => x.name === name)!;
        await guard.call(row.tool, row.args(urls));
      }
      await new Promise((r) => setTimeout(r, 50));
      const alerts = guard.notifications.filter((n) => n.data.rule === 'consecutive_deletes');
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]!.data.event_ids.length, 3);
    } finally {
      await guard.close();
    }
  });

  it('one batch of three deletes is three deletes: the alert fires at that call', async () => {
    const guard = await startGuard(env(tempDir()));
    try {
      const row = rows.find((x) => x.name === 'Meta batch of three deletes')!;
      const r = await guard.call(row.tool, row.args(urls));
      const v = verdict(r);
      await new Promise((res) => setTimeout(res, 50));
      const alert = guard.notifications.find((n) => n.data.rule === 'consecutive_deletes');
      assert.ok(alert, 'the batch raised the alert');
      assert.deepEqual(alert.data.event_ids, [v.event_id]);
      assert.match(alert.data.message, /^3 delete calls in a row/);
    } finally {
      await guard.close();
    }
  });

  it('monitor mode forwards an override unchanged and records what the upstream executed', async () => {
    const dataDir = tempDir();
    const guard = await startGuard({ ...env(dataDir), WARDEN_POLICY: 'monitor' });
    const id = '120210000000000002';
    try {
      const r = await guard.call('meta_graph', { method: 'POST', path: `/${id}`, params: { method: 'delete' } });
      assert.equal(r.isError, false, text(r).slice(0, 300));
      const sent = metaApi.requests.at(-1)!;
      assert.equal(sent.method, 'POST', 'forwarded unchanged');
      assert.equal(new URLSearchParams(sent.query).get('method'), 'delete');
      const after = await guard.call('meta_graph', { method: 'GET', path: `/${id}`, params: { fields: 'status' } });
      assert.match(text(after), /"status":"DELETED"/, 'the stand-in, like Meta, deleted the campaign');
    } finally {
      await guard.close();
    }
    const reader = await openAuditReader(dataDir);
    const [deleted] = reader.latest(10).reverse(); // oldest first: the override, then the read
    reader.close();
    assert.equal(deleted!.method, 'DELETE');
    assert.equal(deleted!.action, 'delete');
    assert.equal(deleted!.risk_level, 3);
    assert.equal(deleted!.outcome, 'forwarded');
  });
});
