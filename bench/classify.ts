// Cost of assessOperation() (classify + effective operation + RuleEngine.assess) on the request path (targets: ≤ 5 µs median for a
// typical REST call and a cached GraphQL call; the whole scrub + classify + risk budget is
// 20 µs). Operations are run in batches; each figure is the per-operation time of a batch,
// median and p99 over the batches. Every operation gets its own copy of its strings, as the
// guard gets fresh strings from JSON.parse — so string hashing on cache lookups is counted.
import { assessOperation } from '../core/classify/index.ts';
import { createRuleEngine } from '../core/rules/index.ts';
import type { OperationInput } from '../core/types.ts';

const BATCH = 200;
const BATCHES = 500;
const { engine } = createRuleEngine();
const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';

/** A copy that shares no string with the original (the same content, fresh string objects). */
function fresh(op: OperationInput): OperationInput {
  return JSON.parse(JSON.stringify(op)) as OperationInput;
}

const QUERY_300B = `query ProductsForReview($first: Int!, $after: String) {
  products(first: $first, after: $after, query: "status:active") {
    edges { node { id title handle status updatedAt totalInventory
      variants(first: 5) { edges { node { id sku price inventoryQuantity } } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const scenarios: { name: string; make: (i: number) => OperationInput }[] = [
  {
    name: 'Shopify REST GET',
    make: () => ({ tool: 'shopify_rest', method: 'GET', url: `${SHOP}/products/632910392.json?fields=id,title` }),
  },
  {
    name: 'Shopify REST PUT with price',
    make: () => ({
      tool: 'shopify_rest',
      method: 'PUT',
      url: `${SHOP}/variants/808950810.json`,
      body: { variant: { id: 808950810, price: '19.99' } },
    }),
  },
  {
    name: 'Shopify GraphQL mutation (cached parse)',
    make: () => ({
      tool: 'shopify_graphql',
      method: 'POST',
      url: `${SHOP}/graphql.json`,
      body: {
        query:
          'mutation productDelete($input: ProductDeleteInput!) { productDelete(input: $input) { deletedProductId userErrors { field message } } }',
        variables: { input: { id: 'gid://shopify/Product/1' } },
      },
    }),
  },
  {
    name: `Shopify GraphQL query, uncached (${QUERY_300B.length} B)`,
    make: (i) => ({
      tool: 'shopify_graphql',
      method: 'POST',
      url: `${SHOP}/graphql.json`,
      body: { query: `${QUERY_300B} # ${i}`, variables: { first: 10 } },
    }),
  },
  {
    name: 'Shopify GraphQL mutation, uncached',
    make: (i) => ({
      tool: 'shopify_graphql',
      method: 'POST',
      url: `${SHOP}/graphql.json`,
      body: {
        query: `mutation productDelete($input: ProductDeleteInput!) { productDelete(input: $input) { deletedProductId userErrors { field message } } } # ${i}`,
        variables: { input: { id: 'gid://shopify/Product/1' } },
      },
    }),
  },
  {
    name: 'generic GraphQL mutation via GET ?query=, uncached',
    make: (i) => ({
      tool: 'http_request',
      method: 'GET',
      url: `https://api.example.com/graphql?query=${encodeURIComponent(`mutation { deleteUser(id: ${i}) { id } }`)}`,
    }),
  },
  {
    name: 'Meta POST budget change',
    make: () => ({
      tool: 'meta_graph',
      method: 'POST',
      url: 'https://graph.facebook.com/v23.0/120210000000000',
      body: { daily_budget: 5000 },
    }),
  },
  { name: 'generic GET', make: () => ({ tool: 'http_request', method: 'GET', url: 'https://api.example.com/v1/items/42?page=2' }) },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let sink = 0;
console.log(`classify + assess, µs per operation (batches of ${BATCH}, ${BATCHES} batches)`);
for (const { name, make } of scenarios) {
  // Warm-up, then fresh operations for every measured call.
  for (let i = 0; i < 2000; i++) {
    const op = fresh(make(-1 - i));
    sink += assessOperation(engine, op).risk.risk_level;
  }
  const ops = Array.from({ length: BATCH * BATCHES }, (_, i) => fresh(make(i)));
  const perOp: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
      const op = ops[i]!;
      sink += assessOperation(engine, op).risk.risk_level;
    }
    perOp.push(Number(process.hrtime.bigint() - start) / 1000 / BATCH);
  }
  perOp.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(44)} median ${percentile(perOp, 50).toFixed(2).padStart(6)} µs   p99 ${percentile(perOp, 99).toFixed(2).padStart(6)} µs`,
  );
}
if (sink < 0) console.log(sink);
