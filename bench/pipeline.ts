// Scrub + classify + risk per typical event — exactly the pure stages the guard runs on the
// request path (pipeline.ts stages 3–5: scrub, then assessOperation: canonical endpoint,
// effective method, Meta batch items, GraphQL in every transport, rules), on a mix of typical
// calls. Budget: ≤ 20 µs median per typical event, ≤ 40 µs for a GraphQL mutation.
// Run: node --import tsx bench/pipeline.ts [iterations]
import { assessOperation } from '../core/classify/index.ts';
import { createRuleEngine } from '../core/rules/engine.ts';
import { newPiiCounts, scrubUrl, scrubValue } from '../core/scrub/scrubber.ts';
import type { OperationInput, Platform } from '../core/types.ts';
import { fmt, summary } from './stats.ts';

const ITER = Number(process.argv[2] ?? 200_000);
const { engine } = createRuleEngine();
const shop = 'https://warden-demo.myshopify.com/admin/api/2025-10';
const cases: { name: string; op: OperationInput; hint?: Platform }[] = [
  { name: 'shopify REST GET products', op: { tool: 'shopify_rest', method: 'GET', url: `${shop}/products.json?limit=50&fields=id,title` } },
  {
    name: 'shopify REST PUT variant price',
    op: {
      tool: 'shopify_rest',
      method: 'PUT',
      url: `${shop}/variants/808950810.json`,
      body: { variant: { id: 808950810, price: '24.99', sku: 'SKU-1001-XL' } },
    },
  },
  { name: 'shopify REST DELETE product', op: { tool: 'shopify_rest', method: 'DELETE', url: `${shop}/products/632910392.json` } },
  {
    name: 'shopify GraphQL mutation',
    op: {
      tool: 'shopify_graphql',
      method: 'POST',
      url: `${shop}/graphql.json`,
      body: {
        query:
          'mutation productUpdate($input: ProductInput!) { productUpdate(input: $input) { product { id title } userErrors { field message } } }',
        variables: { input: { id: 'gid://shopify/Product/632910392', title: 'Winter hat' } },
      },
    },
  },
  {
    name: 'shopify GraphQL query',
    op: {
      tool: 'shopify_graphql',
      method: 'POST',
      url: `${shop}/graphql.json`,
      body: { query: '{ products(first: 10) { edges { node { id title variants(first: 5) { edges { node { id price sku } } } } } } }' },
    },
  },
  {
    name: 'meta POST budget change',
    op: { tool: 'meta_graph', method: 'POST', url: 'https://graph.facebook.com/v23.0/120210000000000001', body: { daily_budget: 50000 } },
  },
  {
    name: 'meta GET insights',
    op: {
      tool: 'meta_graph',
      method: 'GET',
      url: 'https://graph.facebook.com/v23.0/act_1234567890/insights?fields=spend,impressions&date_preset=last_7d',
    },
  },
  {
    name: 'meta POST ?method=delete',
    op: { tool: 'meta_graph', method: 'POST', url: 'https://graph.facebook.com/v23.0/120210000000001?method=delete' },
  },
  {
    name: 'meta batch of 3',
    op: {
      tool: 'meta_graph',
      method: 'POST',
      url: 'https://graph.facebook.com/v23.0/',
      body: {
        batch: JSON.stringify([
          { method: 'DELETE', relative_url: '120210000000001' },
          { method: 'POST', relative_url: '120210000000002', body: 'daily_budget=5000' },
          { method: 'GET', relative_url: 'act_1234567890/campaigns?fields=name' },
        ]),
      },
    },
  },
  {
    name: 'generic POST',
    op: {
      tool: 'http_request',
      method: 'POST',
      url: 'https://api.example.com/v1/orders?page=2',
      body: { order: { note: 'call me at jane@example.com', total: 1299 } },
    },
  },
];

function stage(op: OperationInput): number {
  const pii = newPiiCounts();
  const safeUrl = scrubUrl(op.url, pii);
  if (op.body !== undefined) scrubValue(op.body, pii);
  return assessOperation(engine, op, { recordUrl: safeUrl }).risk.risk_level;
}

let sink = 0;
const all: number[] = [];
console.log(`scrub + classify + risk, ${ITER} iterations per case (µs)`);
for (const c of cases) {
  for (let i = 0; i < 20_000; i++) sink += stage(c.op); // warm-up
  const samples = new Array<number>(ITER);
  for (let i = 0; i < ITER; i++) {
    const t0 = process.hrtime.bigint();
    sink += stage(c.op);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const s = summary(samples);
  for (const x of samples) all.push(x); // a spread of 200k arguments overflows the stack
  console.log(`  ${c.name.padEnd(32)} median ${fmt(s.median, 2).padStart(6)}  p99 ${fmt(s.p99, 2).padStart(7)}`);
}
const t = summary(all);
console.log(`  ${'ALL (typical mix)'.padEnd(32)} median ${fmt(t.median, 2).padStart(6)}  p99 ${fmt(t.p99, 2).padStart(7)}`);
if (sink < 0) console.log(sink);
