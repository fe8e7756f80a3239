// Failed authentications per address: a forged request proves no key, so the per-key burst limit
// cannot count it; past CLOUD_LITE_AUTH_FAILURE_LIMIT failures in the window, the address gets
// 429 rate_limited before its body is read — a valid request from it too — until the window
// lets it through again. Off with a limit of 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { configFromEnv } from '../../cloud-lite/config.ts';
import { batchBody, createKey, makeEvents, send, startTestService, type TestKey, type TestService } from './http-client.ts';

const forged = (key: TestKey) => ({ path: '/v1/batches', body: batchBody(makeEvents(1)), key, secret: 'wsk_' + 'x'.repeat(86) });

describe('cloud-lite: failed authentications per address', () => {
  let svc: TestService;
  let key: TestKey;
  before(async () => {
    svc = await startTestService({ CLOUD_LITE_AUTH_FAILURE_LIMIT: '3', CLOUD_LITE_AUTH_FAILURE_WINDOW_MS: '1500' });
    key = await createKey(svc, 'alice');
  });
  after(async () => svc.stop());

  it('refuses an address after its limit of failures, a valid request included, then hears it again', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await send(svc.url, forged(key));
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error.code, 'bad_signature');
    }
    const valid = { path: '/v1/batches', body: batchBody(makeEvents(2)), key };
    const refused = await send(svc.url, valid);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.error.code, 'rate_limited');
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 2, `Retry-After ${wait}`);
    assert.ok(!refused.text.includes(key.secret));

    await sleep(wait * 1000 + 100);
    const heard = await send(svc.url, valid);
    assert.equal(heard.status, 200, heard.text);
    assert.deepEqual(heard.json, { accepted: 2, duplicates: 0 });
  });

  it('is on by default and off with a limit of 0', async () => {
    assert.equal(configFromEnv({}).limits.authFailureLimit, 100);
    const off = await startTestService({ CLOUD_LITE_AUTH_FAILURE_LIMIT: '0' });
    try {
      const k = await createKey(off, 'bob');
      for (let i = 0; i < 6; i++) assert.equal((await send(off.url, forged(k))).status, 401);
      const r = await send(off.url, { path: '/v1/batches', body: batchBody(makeEvents(1)), key: k });
      assert.equal(r.status, 200, r.text);
    } finally {
      await off.stop();
    }
  });
});
