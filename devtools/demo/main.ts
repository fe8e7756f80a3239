// `npm run demo`: Warden end to end with no account and no network. Starts local stand-ins
// for a Shopify store and the Meta Graph API, launches the built guard as an editor would
// (stdio), and drives a real MCP client session through it: reads, a price change, a budget
// change and three product deletes. Prints each verdict, the critical alert the deletes
// raise, and the audit trail from the guard's store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMetaStandin } from '../standins/meta.ts';
import { startShopifyStandin } from '../standins/shopify.ts';
import { parseToolResultHeader } from '../../core/protocol/tool-result.ts';

const here = dirname(fileURLToPath(import.meta.url));
const guardPath = join(here, 'guard-server.js');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const red = (s: string) => (process.stdout.isTTY ? `\x1b[31m${s}\x1b[0m` : s);

function verdictOf(result: CallToolResult): { status?: number; risk: number; rules: string[] } {
  const first = result.content[0];
  const text = first && first.type === 'text' ? first.text : '';
  const json = parseToolResultHeader(text);
  return { status: json.status, risk: json.warden.risk_level, rules: json.warden.rules };
}

async function main(): Promise<void> {
  const dataDir = process.env.WARDEN_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'warden-demo-'));
  // Demo-only credentials: they exist only in this process and the stand-ins.
  const shopifyToken = 'shpat_demo0000000000000000000000000000';
  const metaToken = 'EAADemoToken0000000000000000000000000000';
  const shopify = await startShopifyStandin({ token: shopifyToken });
  const meta = await startMetaStandin({ token: metaToken });

  console.log(bold('Warden demo') + ` — stand-ins: Shopify ${shopify.url}, Meta ${meta.url}; audit data in ${dataDir}\n`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [guardPath],
    env: {
      WARDEN_DATA_DIR: dataDir,
      WARDEN_SHOPIFY_STORE: shopify.shop,
      WARDEN_SHOPIFY_TOKEN: shopifyToken,
      WARDEN_SHOPIFY_BASE_URL: shopify.url,
      WARDEN_META_TOKEN: metaToken,
      WARDEN_META_BASE_URL: meta.url,
    },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'warden-demo', version: '1.0.0' });
  /** Alert lines not printed yet; the guard notifies before the response that raised them. */
  const alerts: string[] = [];
  let raised = 0;
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    const d = n.params.data as { rule?: string; message?: string };
    raised++;
    alerts.push(red(`  ⚠ alert ${n.params.level}: ${d.rule} — ${d.message}`));
  });
  await client.connect(transport);
  const { tools } = await client.listTools();
  console.log(`Guard tools: ${tools.map((t) => t.name).join(', ')}\n`);

  const steps: [string, string, Record<string, unknown>][] = [
    ['Read the shop', 'shopify_graphql', { query: '{ shop { name } }' }],
    ['List products', 'shopify_rest', { method: 'GET', path: '/products.json', query: { limit: 5 } }],
    ['Read Meta campaigns', 'meta_graph', { method: 'GET', path: '/act_1234567890/campaigns', params: { fields: 'name,daily_budget' } }],
    [
      'Change a variant price',
      'shopify_rest',
      { method: 'PUT', path: '/variants/808950810.json', body: { variant: { id: 808950810, price: '24.99' } } },
    ],
    ['Raise a campaign budget', 'meta_graph', { method: 'POST', path: '/120210000000000001', body: { daily_budget: 50000 } }],
    [
      'Delete product 1',
      'shopify_graphql',
      { query: 'mutation { productDelete(input: {id: "gid://shopify/Product/632910392"}) { deletedProductId } }' },
    ],
    ['Delete product 2', 'shopify_rest', { method: 'DELETE', path: '/products/921728736.json' }],
    ['Delete product 3', 'shopify_rest', { method: 'DELETE', path: '/products/1071559571.json' }],
  ];
  for (const [label, tool, args] of steps) {
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const v = verdictOf(result);
    console.log(`${label.padEnd(26)} ${tool.padEnd(16)} → HTTP ${v.status ?? '-'}  risk ${v.risk}  ${v.rules.join(', ')}`);
    for (const line of alerts.splice(0)) console.log(line);
  }
  await client.close(); // the guard drains its store and exits

  console.log('\n' + bold('Audit trail') + ` (node dist/guard-server.js audit --data-dir ${dataDir})`);
  const audit = spawnSync(process.execPath, [guardPath, 'audit', '--data-dir', dataDir, '--limit', '20'], { encoding: 'utf8' });
  process.stdout.write(audit.stdout.split('\n').reverse().filter(Boolean).join('\n') + '\n');
  console.log('\n' + bold('Alerts'));
  const alertList = spawnSync(process.execPath, [guardPath, 'audit', '--alerts', '--data-dir', dataDir], { encoding: 'utf8' });
  process.stdout.write(alertList.stdout || '(none)\n');
  const leaked = [shopifyToken, metaToken].some((t) => audit.stdout.includes(t) || alertList.stdout.includes(t));
  console.log(`\nThe agent never saw a token; the audit trail holds no token: ${leaked ? red('LEAK') : 'checked'}.`);
  await shopify.close();
  await meta.close();
  if (raised === 0 || leaked) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`demo failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
