// The attack suite: every way a request can be forged, replayed, stretched or malformed is
// refused with its contract code and status; a valid request is still accepted after all of
// them; and no response or log line carries a secret, a signature or a nonce.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNATURE_HEADERS } from '../../core/protocol/upload.ts';
import { parseKeysArgs, runKeysCommand } from '../../cloud-lite/keys/cli.ts';
import {
  batchBody,
  createKey,
  makeEvents,
  parseRaw,
  rawExchange,
  send,
  signedHeaders,
  startTestService,
  type Answer,
  type SignedOptions,
  type TestKey,
  type TestService,
} from './http-client.ts';

const BODY_CAP = 16_384;

describe('cloud-lite attack suite', () => {
  let svc: TestService;
  let key: TestKey;
  let other: TestKey;
  /** Secrets, signatures and nonces that went on the wire: none may come back or be logged. */
  const sensitive = new Set<string>();
  const answers: string[] = [];

  before(async () => {
    svc = await startTestService({
      CLOUD_LITE_MAX_BODY_BYTES: String(BODY_CAP),
      CLOUD_LITE_HEADERS_TIMEOUT_MS: '1000',
      CLOUD_LITE_REQUEST_TIMEOUT_MS: '1500',
    });
    key = await createKey(svc, 'mallory-target', 'pro');
    other = await createKey(svc, 'other-user', 'pro');
    sensitive.add(key.secret).add(other.secret);
  });
  after(async () => svc.stop());

  const batch = (n = 2) => batchBody(makeEvents(n));

  /** Signs `o`, remembers what is sensitive, sends (with `tamper` applied to the headers), records the answer. */
  async function attempt(o: SignedOptions, tamper?: (h: Record<string, string>) => void): Promise<Answer> {
    const headers = await signedHeaders(o);
    sensitive.add(headers[SIGNATURE_HEADERS.signature]!).add(headers[SIGNATURE_HEADERS.nonce]!);
    if (o.secret) sensitive.add(o.secret);
    tamper?.(headers);
    const r = await send(svc.url, o, headers);
    const sent: string[] = [];
    r.headers.forEach((v, k) => sent.push(`${k}: ${v}`));
    answers.push(r.text, sent.join('\n'));
    return r;
  }

  function refused(r: Answer, status: number, code: string): void {
    assert.equal(r.status, status, r.text);
    assert.equal(r.json?.error?.code, code, r.text);
    assert.equal(typeof r.json.error.message, 'string');
  }

  it('a valid batch is accepted', async () => {
    const r = await attempt({ path: '/v1/batches', body: batch(), key });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 2);
  });

  it('a replayed request is refused: replayed_nonce', async () => {
    const o = { path: '/v1/batches', body: batch(), key };
    const headers = await signedHeaders(o);
    sensitive.add(headers[SIGNATURE_HEADERS.signature]!).add(headers[SIGNATURE_HEADERS.nonce]!);
    assert.equal((await send(svc.url, o, headers)).status, 200);
    const again = await send(svc.url, o, headers);
    answers.push(again.text);
    refused(again, 401, 'replayed_nonce');
  });

  it('a forged copy sent first does not burn the nonce of the genuine request', async () => {
    const o = { path: '/v1/batches', body: batch(), key };
    const headers = await signedHeaders(o);
    sensitive.add(headers[SIGNATURE_HEADERS.signature]!).add(headers[SIGNATURE_HEADERS.nonce]!);
    refused(await send(svc.url, { ...o, sendBody: batch() }, headers), 401, 'bad_signature');
    const genuine = await send(svc.url, o, headers);
    assert.equal(genuine.status, 200, genuine.text);
  });

  it('tampered body, path, method, timestamp, nonce or key id: bad_signature', async () => {
    const body = batch();
    refused(await attempt({ path: '/v1/batches', body, key, sendBody: body.replace('"i1"', '"i2"') }), 401, 'bad_signature');
    refused(await attempt({ method: 'GET', path: '/v1/events?limit=1', key, sendPath: '/v1/events?limit=2' }), 401, 'bad_signature');
    refused(await attempt({ method: 'PUT', path: '/v1/batches', body, key, sendMethod: 'POST' }), 401, 'bad_signature');
    refused(
      await attempt({ path: '/v1/batches', body, key }, (h) => {
        h[SIGNATURE_HEADERS.timestamp] = String(Number(h[SIGNATURE_HEADERS.timestamp]) + 1);
      }),
      401,
      'bad_signature',
    );
    refused(
      await attempt({ path: '/v1/batches', body, key }, (h) => {
        h[SIGNATURE_HEADERS.nonce] = 'f'.repeat(32);
      }),
      401,
      'bad_signature',
    );
    refused(
      await attempt({ path: '/v1/batches', body, key }, (h) => {
        h[SIGNATURE_HEADERS.keyId] = other.keyId;
      }),
      401,
      'bad_signature',
    );
    // Missing or malformed headers are not the contract's signature either.
    refused(await attempt({ path: '/v1/batches', body, key }, (h) => delete h[SIGNATURE_HEADERS.signature]), 401, 'bad_signature');
    refused(
      await attempt({ path: '/v1/batches', body, key }, (h) => {
        h[SIGNATURE_HEADERS.signature] = 'v1=' + 'A'.repeat(64);
      }),
      401,
      'bad_signature',
    );
  });

  it('timestamps 301 s in the past or the future: stale_timestamp', async () => {
    refused(await attempt({ path: '/v1/batches', body: batch(), key, now: Date.now() - 301_000 }), 401, 'stale_timestamp');
    refused(await attempt({ path: '/v1/batches', body: batch(), key, now: Date.now() + 301_000 }), 401, 'stale_timestamp');
  });

  it('unknown and revoked keys: unknown_key', async () => {
    refused(await attempt({ path: '/v1/batches', body: batch(), key: { ...key, keyId: 'wk_nosuchkey000000' } }), 401, 'unknown_key');
    const doomed = await createKey(svc, 'doomed', 'pro');
    sensitive.add(doomed.secret);
    assert.equal((await attempt({ path: '/v1/batches', body: batch(), key: doomed })).status, 200);
    await runKeysCommand(parseKeysArgs(['revoke', '--key', doomed.keyId]), svc.store);
    refused(await attempt({ path: '/v1/batches', body: batch(), key: doomed }), 401, 'unknown_key');
  });

  it('rotation: both secrets work until the old one is retired, then only the new one', async () => {
    const rotating = await createKey(svc, 'rotating', 'pro');
    const [line] = await runKeysCommand(parseKeysArgs(['rotate', '--key', rotating.keyId]), svc.store);
    const fresh = JSON.parse(line!).secret as string;
    sensitive.add(rotating.secret).add(fresh);
    assert.equal((await attempt({ path: '/v1/batches', body: batch(), key: rotating })).status, 200, 'old secret during rotation');
    assert.equal((await attempt({ path: '/v1/batches', body: batch(), key: rotating, secret: fresh })).status, 200, 'new secret');
    await runKeysCommand(parseKeysArgs(['retire', '--key', rotating.keyId]), svc.store);
    refused(await attempt({ path: '/v1/batches', body: batch(), key: rotating }), 401, 'bad_signature');
    assert.equal((await attempt({ path: '/v1/batches', body: batch(), key: rotating, secret: fresh })).status, 200);
  });

  it('malformed JSON, a batch that breaks the schema, and a wrong content type: invalid_body', async () => {
    refused(await attempt({ path: '/v1/batches', body: '{"batch_id":', key }), 400, 'invalid_body');
    refused(
      await attempt({ path: '/v1/batches', body: JSON.stringify({ batch_id: 'b', instance_id: 'i', events: [{ id: 1 }] }), key }),
      400,
      'invalid_body',
    );
    refused(await attempt({ path: '/v1/batches', body: batch(), key, contentType: 'text/plain' }), 400, 'invalid_body');
    refused(await attempt({ path: '/v1/batches', body: batch(), key, contentType: null }), 400, 'invalid_body');
  });

  /** A raw signed request head for `body` (the signature covers exactly `body`). */
  async function rawHead(body: string, extra: string): Promise<string> {
    const h = await signedHeaders({ path: '/v1/batches', body, key });
    sensitive.add(h[SIGNATURE_HEADERS.signature]!).add(h[SIGNATURE_HEADERS.nonce]!);
    const lines = Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`);
    return `POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${lines.join('')}${extra}\r\n`;
  }

  it('oversized bodies: by Content-Length before reading, and by chunked streaming: payload_too_large', async () => {
    const big = batch(1).padEnd(BODY_CAP + 10, ' ');
    const byLength = parseRaw(await rawExchange(svc.port, [await rawHead(big, `Content-Length: ${big.length}\r\n`)]));
    assert.equal(byLength.status, 413);
    assert.equal(byLength.json.error.code, 'payload_too_large');

    const chunk = 'x'.repeat(4096);
    const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const streamed = parseRaw(await rawExchange(svc.port, [await rawHead(big, 'Transfer-Encoding: chunked\r\n'), ...chunks, '0\r\n\r\n']));
    assert.equal(streamed.status, 413);
    assert.equal(streamed.json.error.code, 'payload_too_large');
  });

  it('a truncated body (Content-Length larger than sent, then close) stores nothing', async () => {
    const events = makeEvents(1, { session_id: 'truncated' });
    const body = batchBody(events);
    const raw = await rawExchange(svc.port, [await rawHead(body, `Content-Length: ${body.length + 50}\r\n`), body], { endAfter: true });
    answers.push(raw);
    const answer = parseRaw(raw);
    // The client half-closed its side: the server answers on the half still open.
    assert.equal(answer.status, 400, raw);
    assert.equal(answer.json.error.code, 'invalid_body');
    assert.match(answer.json.error.message, /ended before its body was complete/);
    const page = await send(svc.url, { method: 'GET', path: '/v1/events?session=truncated', key });
    assert.deepEqual(page.json.events, []);
  });

  it('slow headers and a slow body: request_timeout (408)', async () => {
    const slowHead = parseRaw(await rawExchange(svc.port, ['POST /v1/batches HTTP/1.1\r\nHost: x\r\n'], { timeoutMs: 8000 }));
    assert.equal(slowHead.status, 408);
    assert.equal(slowHead.json.error.code, 'request_timeout');

    const body = batch(1);
    const slowBody = parseRaw(
      await rawExchange(svc.port, [await rawHead(body, `Content-Length: ${body.length}\r\n`), body.slice(0, 10)], { timeoutMs: 8000 }),
    );
    assert.equal(slowBody.status, 408);
    assert.equal(slowBody.json.error.code, 'request_timeout');
  });

  it('after all of that, a valid request is still accepted, and nothing sensitive was echoed or logged', async () => {
    const r = await attempt({ path: '/v1/batches', body: batch(3), key });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 3);
    assert.ok(svc.logs.length > 20, 'one line per request');
    for (const line of svc.logs) JSON.parse(line);
    for (const s of sensitive) {
      const bare = s.startsWith('v1=') ? s.slice(3) : s;
      for (const text of [...answers, ...svc.logs]) assert.ok(!text.includes(bare), 'a secret, signature or nonce leaked');
    }
    // Log lines carry the codes refused above.
    const codes = new Set(svc.logs.map((l) => JSON.parse(l).code));
    for (const c of [
      'bad_signature',
      'stale_timestamp',
      'replayed_nonce',
      'unknown_key',
      'payload_too_large',
      'invalid_body',
      'request_timeout',
    ]) {
      assert.ok(codes.has(c), c);
    }
  });
});
