// The keys CLI on the BUILT bundle (dist/cloud-lite.js, from `node esbuild.mjs`), against a
// running service started from the same bundle: create prints one JSON line and the key works
// at once; list shows no secret; rotate, retire and revoke take effect on the next request;
// bad usage and bad configuration exit 2. Also the RFC 2104 equivalence the store relies on.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRequest, verifyRequest } from '../../core/protocol/signing.ts';
import { generateSecret, verifyKeyOf } from '../../cloud-lite/keys/secret.ts';
import { batchBody, makeEvents, send, waitFor, type TestKey } from './http-client.ts';

const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'cloud-lite.js');

describe('API secrets: the store keeps SHA-256(secret), which verifies what the secret signs', () => {
  it('HMAC(secret, m) = HMAC(SHA-256(secret), m) for a secret over 64 bytes (RFC 2104)', async () => {
    const secret = generateSecret();
    assert.match(secret, /^wsk_[A-Za-z0-9_-]{86}$/);
    assert.ok(Buffer.byteLength(secret) > 64);
    const verifyKey = verifyKeyOf(secret);
    assert.equal(verifyKey.byteLength, 32);
    assert.equal(createHmac('sha256', secret).update('m').digest('hex'), createHmac('sha256', verifyKey).update('m').digest('hex'));

    const now = Date.now();
    const headers = await signRequest({ method: 'POST', pathWithQuery: '/v1/batches', body: '{}', keyId: 'wk_x', secret, now });
    const ok = await verifyRequest({ method: 'POST', pathWithQuery: '/v1/batches', body: '{}', headers, secrets: [verifyKey], now });
    assert.equal(ok.ok, true);
    const other = await verifyRequest({
      method: 'POST',
      pathWithQuery: '/v1/batches',
      body: '{}',
      headers,
      secrets: [verifyKeyOf(generateSecret())],
      now,
    });
    assert.equal(other.ok, false);
  });

  it('refuses to derive a verify key from a secret of 64 bytes or less (HMAC would not hash it)', () => {
    assert.throws(() => verifyKeyOf('x'.repeat(64)), /longer than 64 bytes/);
  });
});

describe('keys CLI on the built bundle, with the bundled service running', () => {
  let dataDir: string;
  let service: ChildProcess;
  let url = '';
  let serviceErr = '';

  const env = () => ({ ...process.env, CLOUD_LITE_DATA_DIR: dataDir, CLOUD_LITE_PORT: '0', DATABASE_URL: '', REDIS_URL: '' });
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BUNDLE, ...args], { env: env(), encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    assert.ok(existsSync(BUNDLE), 'dist/cloud-lite.js is missing: run node esbuild.mjs');
    dataDir = mkdtempSync(join(tmpdir(), 'warden-cloud-cli-'));
    service = spawn(process.execPath, [BUNDLE], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    service.stdout!.on('data', (d) => (out += d));
    service.stderr!.on('data', (d) => (serviceErr += d));
    await waitFor(() => /listening on/.test(out) || service.exitCode !== null, 20_000);
    const m = /^cloud-lite listening on (http:\/\/127\.0\.0\.1:\d+) \(sqlite, memory\)$/m.exec(out);
    assert.ok(m, `ready line: ${out} ${serviceErr}`);
    url = m[1]!;
  });

  after(async () => {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (key: TestKey, secret = key.secret) => send(url, { path: '/v1/batches', body: batchBody(makeEvents(1)), key, secret });

  it('create prints one JSON line; the key works at once; list shows no secret', async () => {
    const r = cli('keys', 'create', '--user', 'u1', '--email', 'u1@example.com', '--plan', 'free');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const created = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(created).sort(), ['key_id', 'plan', 'secret', 'user']);
    assert.match(created.key_id, /^wk_[A-Za-z0-9_-]+$/);
    assert.equal(created.user, 'u1');
    assert.equal(created.plan, 'free');
    const key = { keyId: created.key_id, secret: created.secret, user: 'u1' };
    const ok = await post(key);
    assert.equal(ok.status, 200, ok.text);

    const list = cli('keys', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.ok(!list.stdout.includes(created.secret));
    const listed = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mine = listed.find((k) => k.key_id === created.key_id);
    assert.equal(mine.active_secrets, 1);
    assert.equal(mine.email, 'u1@example.com');
    for (const k of listed) assert.ok(!('secret' in k) && !('verify_key' in k));
  });

  it('rotate keeps both secrets; retire stops the old; revoke stops the key; each on the next request', async () => {
    const created = JSON.parse(cli('keys', 'create', '--user', 'u2', '--email', 'u2@example.com', '--plan', 'pro').stdout);
    const key = { keyId: created.key_id, secret: created.secret, user: 'u2' };
    const rotated = cli('keys', 'rotate', '--key', key.keyId);
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = JSON.parse(rotated.stdout).secret as string;
    assert.notEqual(fresh, key.secret);
    assert.equal((await post(key)).status, 200);
    assert.equal((await post(key, fresh)).status, 200);

    assert.equal(cli('keys', 'retire', '--key', key.keyId).code, 0);
    const old = await post(key);
    assert.equal(old.status, 401);
    assert.equal(old.json.error.code, 'bad_signature');
    assert.equal((await post(key, fresh)).status, 200);

    assert.equal(cli('keys', 'revoke', '--key', key.keyId).code, 0);
    const gone = await post(key, fresh);
    assert.equal(gone.status, 401);
    assert.equal(gone.json.error.code, 'unknown_key');
    const again = cli('keys', 'rotate', '--key', key.keyId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^cloud-lite: .+\n$/);
  });

  it('bad usage and bad configuration exit 2 with a one-line reason', () => {
    for (const args of [
      ['keys'],
      ['keys', 'make'],
      ['keys', 'create', '--user', 'u'],
      ['keys', 'create', '--user', 'u', '--email', 'u@example.com', '--plan', 'gold'],
      ['keys', 'create', '--user', 'u', '--email', 'not-an-email', '--plan', 'free'],
      ['keys', 'create', '--user', 'a b', '--email', 'u@example.com', '--plan', 'free'],
      ['keys', 'rotate', '--key', 'bad key'],
      ['keys', 'list', '--all'],
      ['serve-now'],
    ]) {
      const r = cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^cloud-lite: [^\n]+\n$/, args.join(' '));
    }
    const badPort = spawnSync(process.execPath, [BUNDLE], { env: { ...env(), CLOUD_LITE_PORT: 'eighty' }, encoding: 'utf8' });
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /CLOUD_LITE_PORT/);
    const badDb = spawnSync(process.execPath, [BUNDLE], { env: { ...env(), DATABASE_URL: 'mysql://u:hunter2@h/db' }, encoding: 'utf8' });
    assert.equal(badDb.status, 2);
    assert.ok(!badDb.stderr.includes('hunter2'));
  });

  it('SIGTERM stops the service cleanly (exit 0); its log holds no secret', async () => {
    service.kill('SIGTERM');
    const code = await new Promise((r) => service.once('exit', (c) => r(c)));
    assert.equal(code, 0, serviceErr);
    assert.ok(serviceErr.split('\n').filter(Boolean).length >= 5);
    assert.ok(!/wsk_/.test(serviceErr));
  });
});
