// Cost of assessOperation() (classify + effective operation + RuleEngine.assess) on the operations the hardened rules look deeper at:
// parameter rules on GraphQL (inline arguments, values passed by variable), word conditions
// (generic intent vocabulary on paths and GraphQL names), node/nodes, bulk exports, and the
// unknown-write floor. Budget: a GraphQL mutation ≤ 40 µs, a typical event ≤ 20 µs with scrub.
// Every operation gets its own copy of its strings, as the guard gets fresh strings from
// JSON.parse. Run: node --import tsx bench/rules.ts
import { assessOperation } from '../core/classify/index.ts';
import { createRuleEngine } from '../core/rules/index.ts';
import type { OperationInput } from '../core/types.ts';
import { fmt, summary } from './stats.ts';

const BATCH = 200;
const BATCHES = 300;
const { engine } = createRuleEngine();
const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';
const API = 'https://api.example.com';

const gql = (query: string, variables?: unknown): OperationInput => ({
  tool: 'shopify_graphql',
  method: 'POST',
  url: `${SHOP}/graphql.json`,
  body: { query, variables },
});
const http = (method: string, path: string, body?: unknown): OperationInput => ({ tool: 'http_request', method, url: API + path, body });

const PRODUCT_SET = `mutation ProductSet($input: ProductSetInput!) {
  productSet(synchronous: true, input: $input) { product { id variants(first: 5) { nodes { id price } } } userErrors { field message } }
}`;

const scenarios: { name: string; make: (i: number) => OperationInput }[] = [
  {
    name: 'productSet, prices in variables',
    make: (i) =>
      gql(PRODUCT_SET, {
        input: {
          title: `Mug ${i}`,
          productOptions: [{ name: 'Color', values: [{ name: 'Red' }] }],
          variants: [{ price: '9.99', optionValues: [{ optionName: 'Color', name: 'Red' }] }],
        },
      }),
  },
  {
    name: 'productSet, prices inline (new document)',
    make: (i) =>
      gql(
        `mutation { productSet(synchronous: true, input: {title: "Mug ${i}", variants: [{price: "9.99", optionValues: [{optionName: "Color", name: "Red"}]}]}) { product { id } userErrors { message } } }`,
      ),
  },
  {
    name: 'bulk export of customers (inline query)',
    make: () =>
      gql(
        'mutation { bulkOperationRunQuery(query: """{ customers { edges { node { id displayName defaultEmailAddress { emailAddress } } } } }""") { bulkOperation { id status } userErrors { message } } }',
      ),
  },
  {
    name: 'node query',
    make: () => gql('query N($id: ID!) { node(id: $id) { id ... on Customer { displayName } } }', { id: 'gid://shopify/Customer/1' }),
  },
  {
    name: 'unknown Shopify mutation (floor)',
    make: () => gql('mutation { sellingPlanGroupCreate(input: {name: "x"}) { userErrors { message } } }'),
  },
  {
    name: 'unknown Shopify REST POST (floor)',
    make: () => ({ tool: 'shopify_rest', method: 'POST', url: `${SHOP}/marketing_events.json`, body: { marketing_event: {} } }),
  },
  { name: 'generic POST, vocabulary in the path', make: () => http('POST', '/v1/subscriptions/42/cancel', { at_period_end: true }) },
  { name: 'generic POST, no vocabulary word', make: () => http('POST', '/v1/orders?page=2', { order: { note: 'x' } }) },
  {
    name: 'generic GraphQL mutation, words in names',
    make: () => ({
      tool: 'http_request',
      method: 'POST',
      url: `${API}/graphql`,
      body: { query: 'mutation PurgeOldUsers { archiveUsers(before: 1) { id } }' },
    }),
  },
];

let sink = 0;
console.log(`assessOperation, µs per operation (batches of ${BATCH}, ${BATCHES} batches)`);
for (const { name, make } of scenarios) {
  for (let i = 0; i < 2000; i++) {
    const op = JSON.parse(JSON.stringify(make(-1 - i))) as OperationInput;
    sink += assessOperation(engine, op).risk.risk_level;
  }
  const ops = Array.from({ length: BATCH * BATCHES }, (_, i) => JSON.parse(JSON.stringify(make(i))) as OperationInput);
  const perOp: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
      const op = ops[i]!;
      sink += assessOperation(engine, op).risk.risk_level;
    }
    perOp.push(Number(process.hrtime.bigint() - start) / 1000 / BATCH);
  }
  const s = summary(perOp);
  console.log(`${name.padEnd(44)} median ${fmt(s.median, 2).padStart(6)} µs   p99 ${fmt(s.p99, 2).padStart(6)} µs`);
}
if (sink < 0) console.log(sink);
