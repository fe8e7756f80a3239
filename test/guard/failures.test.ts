// Failures are answered clearly AND recorded (outcome error/denied): timeouts, refused
// connections, DNS failures, SSRF refusals (redirects included), bad input, broken JSON-RPC.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { openAuditReader } from '../../store/index.ts';
import { guardEnv, GUARD, meta, startGuard, tempDir, text, waitExit, type GuardHandle } from '../helpers/guard.ts';

const SHOP_TOKEN = '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';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('failures and refusals', () => {
  let shopify: ShopifyStandin;
  let guard: GuardHandle;
  let dataDir: string;
  let redirector: Server;
  let redirectPort: number;
  let closedPort: number;

  before(async () => {
    shopify = await startShopifyStandin({ token: SHOP_TOKEN });
    // An allowed host that redirects to places the agent may not go.
    redirector = createServer((req, res) => {
      const to =
        req.url === '/to-metadata'
          ? 'http://169.254.169.254/latest/meta-data/'
          : req.url === '/to-localhost'
            ? 'http://localhost:1/'
            : null;
      if (to) {
        res.writeHead(302, { location: to }).end();
      } else if (req.url === '/hop') {
        res.writeHead(301, { location: '/final' }).end();
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }));
      }
    });
    redirectPort = await listen(redirector);
    const probe = createServer();
    closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));
    dataDir = tempDir();
    guard = await startGuard(
      guardEnv({
        dataDir,
        shopify: { ...shopify, token: SHOP_TOKEN },
        extra: {
          WARDEN_TIMEOUT_MS: '400',
          WARDEN_HTTP_ALLOW: `127.0.0.1:${redirectPort},127.0.0.1:${closedPort},*.invalid,*`,
          WARDEN_HTTP_CREDENTIALS: JSON.stringify({ [`127.0.0.1`]: { Authorization: 'Bearer internal-canary-credential' } }),
        },
      }),
    );
  });
  after(async () => {
    await guard?.close();
    await shopify?.close();
    redirector?.close();
  });

  it('a timeout is a clear tool error', async () => {
    shopify.setFault({ kind: 'delay', ms: 1500, times: 1 });
    const r = await guard.call('shopify_rest', { method: 'GET', path: '/products.json' });
    assert.equal(r.isError, true);
    assert.match(text(r), /timeout: upstream .* did not answer within 400 ms/);
    shopify.setFault(null);
  });

  it('a reset connection is a clear tool error', async () => {
    shopify.setFault({ kind: 'reset', times: 1 });
    const r = await guard.call('shopify_rest', { method: 'GET', path: '/products.json' });
    assert.equal(r.isError, true);
    assert.match(text(r), /reset|closed/);
    shopify.setFault(null);
  });

  it('a refused connection and a DNS failure are clear tool errors', async () => {
    const refused = await guard.call('http_request', { method: 'GET', url: `http://127.0.0.1:${closedPort}/` });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /connect: could not connect .*ECONNREFUSED/);
    const dns = await guard.call('http_request', { method: 'GET', url: 'http://no-such-host.invalid/' });
    assert.equal(dns.isError, true);
    assert.match(text(dns), /dns: DNS lookup failed for no-such-host\.invalid/);
  });

  it('refuses hosts outside the allow list, private addresses, metadata, file: and bad redirects', async () => {
    const cases: [string, RegExp][] = [
      ['http://10.1.2.3/', /loopback, private or reserved/],
      ['http://169.254.169.254/latest/meta-data/', /link-local\/metadata/],
      ['http://[::1]:8080/', /loopback, private or reserved/],
      ['http://localhost:9/', /resolves to .*loopback/],
      ['file:///etc/passwd', /scheme file: is not allowed/],
      ['http://user:pw@example.com/', /embedded credentials/],
      [`http://127.0.0.1:${redirectPort}/to-metadata`, /redirect refused: .*link-local\/metadata/],
      [`http://127.0.0.1:${redirectPort}/to-localhost`, /redirect refused|resolves to/],
    ];
    for (const [url, why] of cases) {
      const r = await guard.call('http_request', { method: 'GET', url });
      assert.equal(r.isError, true, url);
      assert.match(text(r), why, url);
      assert.match(text(r), /"outcome":"denied"/, url);
    }
  });

  it('an explicitly allowed private host works, with its credentials injected, and follows same-origin redirects', async () => {
    const r = await guard.call('http_request', {
      method: 'GET',
      url: `http://127.0.0.1:${redirectPort}/hop`,
      headers: { Authorization: 'Bearer agent-own' },
    });
    assert.equal(meta(r).status, 200);
    const body = JSON.parse(r.content[1]!.type === 'text' ? r.content[1]!.text : '');
    assert.equal(body.path, '/final');
    assert.equal(body.auth, 'Bearer internal-canary-credential');
  });

  it('bad input gets a specific error and the server keeps serving', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['shopify_rest', { method: 'GET', path: 42 }, /path/],
      ['shopify_rest', { method: 'TRACE', path: '/products.json' }, /method/],
      ['shopify_rest', { method: 'GET', path: '/products/../../x.json' }, /"\." or "\.\." segments/],
      ['shopify_rest', { method: 'GET', path: '/products' }, /end in \.json/],
      ['http_request', { method: 'GET', url: 'not a url' }, /not a valid absolute URL/],
      ['shopify_graphql', { query: 'mutation { productDelete(input: {id: 1}) ' }, /invalid GraphQL/i],
      ['shopify_graphql', { query: 'x'.repeat(200_000) }, /query|too/i],
      [
        'shopify_rest',
        { method: 'POST', path: '/products.json', body: { product: { body_html: 'y'.repeat(6 * 1024 * 1024) } } },
        /too large/,
      ],
      ['meta_graph', { method: 'GET', path: '/me' }, /Meta is not configured/],
    ];
    for (const [tool, args, why] of cases) {
      const r = await guard.call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args).slice(0, 80)}`);
      assert.match(text(r), why, `${tool} ${JSON.stringify(args).slice(0, 80)}`);
    }
    const ok = await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
    assert.equal(meta(ok).status, 200);
  });

  it('records failed and refused calls in the audit log', async () => {
    const pid = guard.pid;
    await guard.close();
    await waitExit(pid);
    const reader = await openAuditReader(dataDir);
    try {
      const events = reader.latest(500);
      const errors = events.filter((e) => e.outcome === 'error');
      assert.ok(
        errors.some((e) => e.error?.startsWith('timeout:')),
        'timeout recorded',
      );
      assert.ok(
        errors.some((e) => e.error?.startsWith('connect:')),
        'refused connection recorded',
      );
      assert.ok(
        errors.some((e) => e.error?.startsWith('dns:')),
        'dns failure recorded',
      );
      assert.ok(events.filter((e) => e.outcome === 'denied').length >= 7, 'SSRF refusals recorded');
      for (const e of events) assert.ok(!JSON.stringify(e).includes('internal-canary-credential'));
    } finally {
      reader.close();
    }
  });
});

describe('malformed JSON-RPC on stdin', () => {
  it('answers parse and request errors and keeps serving', async () => {
    const child = spawn(process.execPath, [GUARD], {
      env: { ...process.env, WARDEN_DATA_DIR: tempDir() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const lines = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(pred(), `stdout so far: ${out.slice(0, 500)}`);
    };
    child.stdin.write('{not json\n');
    child.stdin.write(JSON.stringify({ hello: 'world', id: 7 }) + '\n');
    child.stdin.write('x'.repeat(17 * 1024 * 1024) + '\n');
    child.stdin.write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
      }) + '\n',
    );
    await until(() => lines().some((l) => l.id === 1));
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) + '\n');
    await until(() => lines().some((l) => l.id === 2));
    const all = lines();
    assert.equal(all[0].error.code, -32700);
    assert.match(all[0].error.message, /Parse error/);
    assert.equal(all[1].error.code, -32600);
    assert.equal(all[1].id, 7);
    assert.equal(all[2].error.code, -32600);
    assert.match(all[2].error.message, /exceeds/);
    assert.equal(all.find((l) => l.id === 2).result.tools.length, 5);
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
  });
});
