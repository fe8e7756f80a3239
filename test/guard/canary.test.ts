// Canary sweep: a session carrying known secrets in env, headers, query strings and arguments
// (and customer PII); afterwards no byte of any canary exists anywhere in the data dir
// (journals, segments, lock, control) or in the guard's stderr.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMetaStandin, type MetaStandin } from '../../devtools/standins/meta.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { guardEnv, startGuard, tempDir, waitExit } from '../helpers/guard.ts';

const CANARIES = {
  shopifyToken: 'shpat_c4na7y00c4na7y00c4na7y00c4na7y00',
  metaToken: 'EAAc4na7yMetaToken0000111122223333444455556666',
  httpCredential: 'c4na7y-http-credential-value-0001',
  agentBearer: 'c4na7y-agent-bearer-0002',
  agentQueryToken: 'c4na7y-query-token-0003',
  agentPassword: 'c4na7y-Passw0rd-0004',
  stripeKey: 'sk_live_c4na7yc4na7yc4na7yc4na7y0005',
  email: 'c4na7y.customer@example.com',
  phone: '+44 20 7946 0958',
  card: '4111 1111 1111 1111',
  awsKey: 'AKIAC4NA7YC4NA7Y0006',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('canary sweep', () => {
  let shopify: ShopifyStandin;
  let metaApi: MetaStandin;
  let echo: Server;
  let echoPort: number;
  before(async () => {
    shopify = await startShopifyStandin({ token: CANARIES.shopifyToken });
    metaApi = await startMetaStandin({ token: CANARIES.metaToken });
    echo = createServer((req, res) => {
      // Echoes secrets back and fails: the response body goes to the agent, never to the log.
      res.writeHead(req.url?.includes('fail') ? 500 : 200, { 'content-type': 'text/plain', 'set-cookie': `s=${CANARIES.httpCredential}` });
      res.end(`you sent ${req.headers.authorization} ${CANARIES.email}`);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoPort = (echo.address() as { port: number }).port;
  });
  after(async () => {
    await shopify?.close();
    await metaApi?.close();
    echo?.close();
  });

  it('leaves no canary byte in the data dir or stderr', async () => {
    const dataDir = tempDir();
    // A user rules file and control file exist too, so every kind of file is swept.
    writeFileSync(join(dataDir, 'control.json'), JSON.stringify({ policy: 'monitor' }));
    const guard = await startGuard(
      guardEnv({
        dataDir,
        shopify: { ...shopify, token: CANARIES.shopifyToken },
        meta: { url: metaApi.url, token: CANARIES.metaToken },
        extra: {
          WARDEN_HTTP_ALLOW: `127.0.0.1:${echoPort}`,
          WARDEN_HTTP_CREDENTIALS: JSON.stringify({ '127.0.0.1': { 'X-Api-Key': CANARIES.httpCredential } }),
        },
      }),
    );
    const calls: [string, Record<string, unknown>][] = [
      [
        'shopify_rest',
        { method: 'GET', path: '/customers.json', query: { access_token: CANARIES.agentQueryToken, email: CANARIES.email } },
      ],
      [
        'shopify_rest',
        {
          method: 'POST',
          path: '/customers.json',
          body: {
            customer: { email: CANARIES.email, phone: CANARIES.phone, note: `card ${CANARIES.card}`, password: CANARIES.agentPassword },
          },
        },
      ],
      [
        'shopify_graphql',
        {
          query: `mutation { customerCreate(input: {email: "${CANARIES.email}", note: "${CANARIES.stripeKey}"}) { userErrors { message } } }`,
          variables: { token: CANARIES.agentQueryToken },
        },
      ],
      ['shopify_graphql', { query: `query ${CANARIES.awsKey} { shop { name } }` }],
      ['shopify_rest', { method: 'GET', path: `/customers/search.json`, query: { query: `email:${CANARIES.email}` } }],
      ['shopify_rest', { method: 'GET', path: `/${CANARIES.email}/x.json` }],
      [
        'meta_graph',
        {
          method: 'POST',
          path: '/act_1234567890/customaudiences',
          params: { access_token: CANARIES.agentQueryToken },
          body: { name: CANARIES.email, payload: { data: [[CANARIES.phone]] } },
        },
      ],
      ['meta_graph', { method: 'GET', path: '/me', params: { appsecret_proof: CANARIES.agentPassword } }],
      [
        'http_request',
        {
          method: 'POST',
          url: `http://127.0.0.1:${echoPort}/submit?token=${CANARIES.agentQueryToken}&email=${encodeURIComponent(CANARIES.email)}`,
          headers: { Authorization: `Bearer ${CANARIES.agentBearer}`, Cookie: `sid=${CANARIES.agentPassword}` },
          body: { password: CANARIES.agentPassword, card: CANARIES.card },
        },
      ],
      ['http_request', { method: 'GET', url: `http://127.0.0.1:${echoPort}/fail/${CANARIES.agentBearer}` }],
      ['http_request', { method: 'GET', url: `http://${CANARIES.agentBearer}.invalid/` }],
      ['http_request', { method: 'GET', url: `https://user:${CANARIES.agentPassword}@example.com/` }],
    ];
    for (const [tool, args] of calls) await guard.call(tool, args);
    const stderr = guard.stderr();
    const pid = guard.pid;
    await guard.close();
    await waitExit(pid);

    const files = walk(dataDir);
    assert.ok(
      files.some((f) => f.endsWith('.sqlite')),
      `a database was written: ${files.join(', ')}`,
    );
    const leaks: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const [name, canary] of Object.entries(CANARIES)) if (bytes.includes(canary)) leaks.push(`${name} in ${f}`);
    }
    for (const [name, canary] of Object.entries(CANARIES)) if (stderr.includes(canary)) leaks.push(`${name} in stderr`);
    assert.deepEqual(leaks, []);
  });
});
