// Upload signing cost (core/protocol/signing.ts, Web Crypto): signRequest + verifyRequest of
// one full batch (500 events, ~250 KB), as the uploader signs and cloud-lite verifies it.
// node:crypto over the same bytes is the baseline for what the hashing itself costs.
// Run: node --import tsx bench/signing.ts
import { createHash, createHmac } from 'node:crypto';
import { MAX_BATCH_EVENTS, signRequest, verifyRequest } from '../core/protocol/index.ts';
import { SAMPLE_EVENT } from '../test/core/protocol/sample-event.ts';
import { fmt, summary } from './stats.ts';

// Guard-like ids and a fuller usage snapshot, so the body is the size a real batch is.
const event = {
  ...SAMPLE_EVENT,
  session_id: '01JB0000000000000000SESSION',
  instance_id: 'guard-7f3a2c',
  rules: ['shopify.gql.productDelete', 'shopify.bulk.delete'],
  usage: { cost: 10, available: 990, restore_rate: 50 },
};
const events = Array.from({ length: MAX_BATCH_EVENTS }, (_, i) => ({ ...event, id: `01JB${String(i).padStart(22, '0')}` }));
const body = new TextEncoder().encode(JSON.stringify({ batch_id: 'b1', instance_id: 'guard-7f3a2c', events }));
const secret = 'wsk_bench_secret_0123456789abcdef';
const path = '/v1/batches';

async function signAndVerify(): Promise<void> {
  const now = Date.now();
  const headers = await signRequest({ method: 'POST', pathWithQuery: path, body, keyId: 'key_bench', secret, now });
  const r = await verifyRequest({ method: 'POST', pathWithQuery: path, body, headers, secrets: [secret], now });
  if (!r.ok) throw new Error(r.message);
}

function nodeSignAndVerify(): void {
  for (let i = 0; i < 2; i++) {
    const hash = createHash('sha256').update(body).digest('hex');
    createHmac('sha256', secret).update(`POST\n${path}\n1\nnonce\n${hash}`).digest();
  }
}

for (let i = 0; i < 20; i++) await signAndVerify();
const web: number[] = [];
const node: number[] = [];
for (let i = 0; i < 200; i++) {
  let t0 = process.hrtime.bigint();
  await signAndVerify();
  web.push(Number(process.hrtime.bigint() - t0) / 1e6);
  t0 = process.hrtime.bigint();
  nodeSignAndVerify();
  node.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const w = summary(web);
const n = summary(node);
console.log(`body: ${MAX_BATCH_EVENTS} events, ${body.byteLength} bytes`);
console.log(`sign + verify (Web Crypto)        median ${fmt(w.median)} ms   p99 ${fmt(w.p99)} ms`);
console.log(`2 × hash + HMAC (node:crypto)     median ${fmt(n.median)} ms   p99 ${fmt(n.p99)} ms`);
