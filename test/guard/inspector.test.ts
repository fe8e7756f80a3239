// A client that is not ours: the official MCP Inspector CLI lists and calls the built guard.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { GUARD, tempDir } from '../helpers/guard.ts';

const run = promisify(execFile);
const INSPECTOR = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'mcp-inspector');
const TOKEN = 'shpat_1n5p3c70r1n5p3c70r1n5p3c70r1n5p3';

describe('MCP Inspector CLI', () => {
  let shopify: ShopifyStandin;
  let envArgs: string[];
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN });
    envArgs = [
      '-e',
      `WARDEN_DATA_DIR=${tempDir()}`,
      '-e',
      `WARDEN_SHOPIFY_STORE=${shopify.shop}`,
      '-e',
      `WARDEN_SHOPIFY_TOKEN=${TOKEN}`,
      '-e',
      `WARDEN_SHOPIFY_BASE_URL=${shopify.url}`,
    ];
  });
  after(() => shopify?.close());

  it('tools/list shows the five guard tools', async () => {
    const { stdout } = await run(INSPECTOR, ['--cli', ...envArgs, process.execPath, GUARD, '--method', 'tools/list'], { timeout: 60_000 });
    const names = (JSON.parse(stdout).tools as { name: string }[]).map((t) => t.name).sort();
    assert.deepEqual(names, ['http_request', 'meta_graph', 'shopify_graphql', 'shopify_rest', 'warden_status']);
  });

  it('tools/call forwards through the guard to the Shopify stand-in', async () => {
    shopify.requests.length = 0;
    const { stdout } = await run(
      INSPECTOR,
      [
        '--cli',
        ...envArgs,
        process.execPath,
        GUARD,
        '--method',
        'tools/call',
        '--tool-name',
        'shopify_rest',
        '--tool-arg',
        'method=GET',
        '--tool-arg',
        'path=/shop.json',
      ],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout);
    assert.equal(result.isError, false);
    assert.equal(JSON.parse(result.content[0].text).status, 200);
    assert.equal(JSON.parse(result.content[1].text).shop.myshopify_domain, shopify.shop);
    assert.equal(shopify.requests.at(-1)!.headers['x-shopify-access-token'], TOKEN);
  });
});
