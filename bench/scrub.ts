// Scrubber benchmark: per-call median and p99 on the request path's typical inputs, and
// throughput on the 1 MB adversarial inputs the tests use for liveness.
// Run: node --import tsx bench/scrub.ts
import { scrubHeaders, scrubText, scrubUrl, scrubValue } from '../core/scrub/scrubber.ts';
import { ADVERSARIAL_INPUTS } from '../test/core/scrub/adversarial-inputs.ts';

function percentile(sorted: bigint[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.floor(sorted.length * p));
  return Number(sorted[i] ?? 0n);
}

/**
 * Times `fn` in batches (a single call is close to the timer's resolution) and reports the
 * per-call median and p99 across batches.
 */
function perCall(name: string, fn: () => unknown, batches = 2000, perBatch = 50): void {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up: let the JIT settle
  const samples: bigint[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) fn();
    samples.push((process.hrtime.bigint() - t0) / BigInt(perBatch));
  }
  samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  console.log(
    `${name.padEnd(46)} median ${String(percentile(samples, 0.5)).padStart(6)} ns   p99 ${String(percentile(samples, 0.99)).padStart(6)} ns`,
  );
}

const cleanText = 'Updated product "Summer Linen Shirt" (status: active) in collection Summer 2026';
const textWithEmail = 'Order #1001 placed by jane.doe@example.com, total 129.99 EUR';
const metaUrl =
  'https://graph.facebook.com/v23.0/act_1234567890/insights?fields=impressions,clicks,spend&date_preset=last_7d&access_token=EAAGm0PX4ZCpsBAKZAB1c2d3e4f5g6h7i8j9k0lmnopqrstuvwxyz';
const shopifyUrl = 'https://demo-shop.myshopify.com/admin/api/2025-10/products/8123456789012.json?fields=id,title&limit=50';
const headers = {
  host: 'demo-shop.myshopify.com',
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': 'warden/0.1.0 (node 20)',
  'x-shopify-access-token': 'shpat_0123456789abcdef0123456789abcdef',
  'x-request-id': '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f',
};
const graphqlBody = {
  query: `mutation productUpdate($input: ProductInput!) {
  productUpdate(input: $input) {
    product { id title handle status variants(first: 5) { nodes { id price sku } } }
    userErrors { field message }
  }
}`,
  variables: {
    input: {
      id: 'gid://shopify/Product/8123456789012',
      title: 'Summer Linen Shirt',
      handle: 'summer-linen-shirt',
      tags: ['summer', 'linen', 'new-arrival'],
      metafields: [{ namespace: 'custom', key: 'color', type: 'single_line_text_field', value: 'sand' }],
    },
  },
};
const customerBody = {
  customer: { id: 'gid://shopify/Customer/7123456789012', phone: '020 7946 0958', note: 'call back after 5pm', tags: ['vip'] },
};
const harHeaderValue = JSON.stringify({
  headers: [
    { name: 'Accept', value: 'application/json' },
    { name: 'Authorization', value: 'Bearer abc' },
  ],
});
console.log(`GraphQL body size: ${JSON.stringify(graphqlBody).length} B`);

perCall('scrubText clean typical string', () => scrubText(cleanText));
perCall('scrubText string with one email', () => scrubText(textWithEmail));
perCall('scrubUrl Meta URL with access_token', () => scrubUrl(metaUrl));
perCall('scrubUrl Shopify REST URL (clean)', () => scrubUrl(shopifyUrl));
perCall('scrubHeaders typical request headers', () => scrubHeaders(headers));
perCall('scrubValue ~500 B Shopify GraphQL body', () => scrubValue(graphqlBody));
perCall('scrubValue customer with a phone field', () => scrubValue(customerBody));
perCall('scrubText HAR entry written as text', () => scrubText(harHeaderValue));
perCall('scrubText double-encoded email', () => scrubText('to jane.doe%2540example.com'));

console.log('\nAdversarial 1 MB inputs (one call each, best of 3):');
for (const { family, input, scrub } of ADVERSARIAL_INPUTS) {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    scrub(input);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const mbPerS = input.length / (1024 * 1024) / (best / 1000);
  console.log(`${family.padEnd(44)} ${best.toFixed(1).padStart(8)} ms  ${mbPerS.toFixed(1).padStart(8)} MB/s`);
}
