// The web dashboard over plain HTTP against an in-process service: security headers, cookie
// attributes (Secure behind TLS), sign-in and its limits, CSRF refusals, sessions (forged,
// tampered, expired, revoked, signed out) and HTML escaping. The browser tests are in
// web-browser.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runKeysCommand, parseKeysArgs } from '../../cloud-lite/keys/cli.ts';
import { createKey, startTestService, type TestKey, type TestService } from './http-client.ts';
import { cookiePair, loginForm, makeEvents, postForm, sessionCookie, signIn, upload } from './web-client.ts';

const CSP =
  /default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'/;

function assertPageHeaders(res: Response): void {
  assert.match(res.headers.get('content-security-policy') ?? '', CSP);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const claimsOf = (cookie: string): { s: string; u: string; k: string; e: number } =>
  JSON.parse(Buffer.from(cookie.split('=')[1]!.split('.')[1]!, 'base64url').toString('utf8'));

describe('web dashboard over HTTP', () => {
  let svc: TestService;
  let alice: TestKey;
  let bob: TestKey;
  let clock = Date.now();
  before(async () => {
    svc = await startTestService({ CLOUD_LITE_WEB_LOGIN_FAILURE_LIMIT: '3', CLOUD_LITE_TRUST_PROXY: '1' }, () => clock);
    alice = await createKey(svc, 'alice');
    bob = await createKey(svc, 'bob');
  });
  after(async () => svc.stop());

  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    fetch(svc.url + path, { redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });

  it('every page carries the strict CSP and security headers; pages are no-store; the stylesheet is served here', async () => {
    for (const path of ['/login', '/nope', '/']) {
      const res = await get(path);
      assertPageHeaders(res);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
    const css = await get('/assets/dashboard.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.equal(css.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await get('/nope')).status, 404);
    assert.equal((await fetch(svc.url + '/', { method: 'PUT' })).status, 405);
    const page = await (await get('/login')).text();
    assert.doesNotMatch(page, /<script|style=|https?:\/\//i, 'no script, inline style or remote resource');
  });

  it('signed out, a page redirects to /login; the sign-in sets an HttpOnly SameSite=Strict session cookie', async () => {
    const res = await get('/');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login');
    const form = await get('/login');
    assert.match(form.headers.get('set-cookie') ?? '', /^wd_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const signed = await signIn(svc.url, alice.keyId, alice.secret);
    assert.equal(signed.status, 303);
    assert.equal(signed.headers.get('location'), '/');
    assertPageHeaders(signed);
    assert.match(signed.headers.get('set-cookie') ?? '', /^wd_session=v1\.[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const cookie = cookiePair(signed.headers.get('set-cookie'), 'wd_session');
    const home = await get('/', cookie);
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('cache-control'), 'no-store');
    assert.match(await home.text(), /alice/);
    assert.equal((await get('/login', cookie)).status, 303, 'signed in, /login goes home');
  });

  it('behind TLS the cookies are Secure (trusted X-Forwarded-Proto, or CLOUD_LITE_COOKIE_SECURE=1)', async () => {
    const res = await signIn(svc.url, alice.keyId, alice.secret, { 'x-forwarded-proto': 'https' });
    assert.match(res.headers.get('set-cookie') ?? '', /; Secure$/);
    const form = await get('/login', undefined, { 'x-forwarded-proto': 'https' });
    assert.match(form.headers.get('set-cookie') ?? '', /; Secure$/);
    const plain = await startTestService({ CLOUD_LITE_COOKIE_SECURE: '1' });
    try {
      const k = await createKey(plain, 'carol');
      const r = await signIn(plain.url, k.keyId, k.secret);
      assert.match(r.headers.get('set-cookie') ?? '', /; Secure$/);
      // Not trusted: the header is ignored.
      const untrusted = await startTestService();
      try {
        const k2 = await createKey(untrusted, 'dave');
        const r2 = await signIn(untrusted.url, k2.keyId, k2.secret, { 'x-forwarded-proto': 'https' });
        assert.doesNotMatch(r2.headers.get('set-cookie') ?? '', /Secure/);
      } finally {
        await untrusted.stop();
      }
    } finally {
      await plain.stop();
    }
  });

  it('a sign-in without the double-submitted token, or from another origin, is refused (403)', async () => {
    const f = await loginForm(svc.url);
    const fields = { key_id: alice.keyId, secret: alice.secret };
    assert.equal((await postForm(svc.url, '/login', { ...fields, csrf: f.csrf })).status, 403, 'no cookie');
    assert.equal((await postForm(svc.url, '/login', fields, { cookie: f.csrfCookie })).status, 403, 'no field');
    const other = await loginForm(svc.url);
    assert.equal((await postForm(svc.url, '/login', { ...fields, csrf: other.csrf }, { cookie: f.csrfCookie })).status, 403, 'mismatch');
    const ok = { ...fields, csrf: f.csrf };
    const cross = await postForm(svc.url, '/login', ok, { cookie: f.csrfCookie, origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
    assertPageHeaders(cross);
    assert.equal((await postForm(svc.url, '/login', ok, { cookie: f.csrfCookie, 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await postForm(svc.url, '/login', ok, { cookie: f.csrfCookie, 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal(
      (await postForm(svc.url, '/login', ok, { cookie: f.csrfCookie, origin: 'null', 'sec-fetch-site': 'cross-site' })).status,
      403,
    );
    // What Chromium sends for its own form under Referrer-Policy: no-referrer.
    const same = await postForm(svc.url, '/login', ok, { cookie: f.csrfCookie, origin: 'null', 'sec-fetch-site': 'same-origin' });
    assert.equal(same.status, 303);
  });

  it('wrong secrets answer 401; past the limit per address, then per key id from any address, 429 with Retry-After', async () => {
    const from = (addr: string) => ({ 'x-forwarded-for': `203.0.113.9, ${addr}` });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await signIn(svc.url, `wk_nobody${i}`, 'wsk_' + 'x'.repeat(90), from('198.51.100.1'))).status);
    assert.deepEqual(codes, [401, 401, 401, 429], 'per address, whatever the key id');
    const blocked = await signIn(svc.url, alice.keyId, alice.secret, from('198.51.100.1'));
    assert.equal(blocked.status, 429, 'even the right secret, from that address, for now');
    assert.ok(Number(blocked.headers.get('retry-after')) >= 1);

    const perKey: number[] = [];
    for (let i = 0; i < 4; i++)
      perKey.push((await signIn(svc.url, bob.keyId, 'wsk_' + 'y'.repeat(90), from(`198.51.100.${10 + i}`))).status);
    assert.deepEqual(perKey, [401, 401, 401, 429], 'per key id, whatever the address');
    assert.equal((await signIn(svc.url, bob.keyId, bob.secret, from('198.51.100.50'))).status, 429);
    assert.equal((await signIn(svc.url, alice.keyId, alice.secret, from('198.51.100.51'))).status, 303, 'others are not affected');
    const wrong = await signIn(svc.url, alice.keyId, 'short', from('198.51.100.52'));
    assert.equal(wrong.status, 401);
    const html = await wrong.text();
    assert.match(html, /Wrong key id or secret/);
    assert.doesNotMatch(html, /short/, 'the secret is never echoed');
  });

  it('forged, tampered, foreign and expired cookies are signed out (redirect to /login), never an error', async () => {
    const a = await sessionCookie(svc.url, alice);
    const b = await sessionCookie(svc.url, (await createKey(svc, 'erin')) as TestKey);
    const [pa, sa] = a.split('=')[1]!.split('.').slice(1) as [string, string];
    const [pb, sb] = b.split('=')[1]!.split('.').slice(1) as [string, string];
    const ca = claimsOf(a);
    const forged = [
      'wd_session=garbage',
      'wd_session=v1..',
      `wd_session=v1.${pa}.${sb}`, // another session's signature
      `wd_session=v1.${pb}.${sa}`,
      `wd_session=v1.${b64({ ...ca, u: 'bob', k: bob.keyId })}.${sa}`, // another user's id
      `wd_session=v1.${b64({ ...ca, u: 'bob' })}.${sa}`,
      `wd_session=v1.${b64({ ...ca, e: ca.e + 1000 })}.${sa}`,
      `wd_session=v1.${pa}.${sa.slice(0, -2)}AA`,
      `wd_session=v2.${pa}.${sa}`,
      `wd_session=v1.${b64({ s: 1 })}.${sa}`,
      'wd_session=' + 'x'.repeat(5000),
    ];
    for (const cookie of forged) {
      const res = await get('/', cookie);
      assert.equal(res.status, 303, cookie.slice(0, 80));
      assert.equal(res.headers.get('location'), '/login');
      assert.match(res.headers.get('set-cookie') ?? '', /^wd_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    }
    assert.equal((await get('/', a)).status, 200, 'the real cookie still works');
    clock += 12 * 3600_000 + 1000;
    try {
      assert.equal((await get('/', a)).status, 303, 'expired');
    } finally {
      clock = Date.now();
    }
  });

  it('signing out ends the session on the server: the old cookie no longer works; a sign-out without its token is refused', async () => {
    const cookie = await sessionCookie(svc.url, alice);
    const home = await (await get('/', cookie)).text();
    const token = /action="\/logout"><input type="hidden" name="csrf" value="([^"]+)"/.exec(home)?.[1];
    assert.ok(token);
    assert.equal((await postForm(svc.url, '/logout', {}, { cookie })).status, 403);
    assert.equal((await postForm(svc.url, '/logout', { csrf: 'A'.repeat(43) }, { cookie })).status, 403);
    assert.equal((await postForm(svc.url, '/logout', { csrf: token }, { cookie, origin: 'http://evil.example' })).status, 403);
    assert.equal((await get('/', cookie)).status, 200, 'still signed in after the refused sign-outs');
    const out = await postForm(svc.url, '/logout', { csrf: token }, { cookie });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/login');
    assert.match(out.headers.get('set-cookie') ?? '', /^wd_session=; .*Max-Age=0/);
    assert.equal((await get('/', cookie)).status, 303, 'the old cookie is dead');
  });

  it('a revoked key signs its sessions out and cannot sign in', async () => {
    const k = await createKey(svc, 'frank');
    const cookie = await sessionCookie(svc.url, k);
    assert.equal((await get('/events', cookie)).status, 200);
    await runKeysCommand(parseKeysArgs(['revoke', '--key', k.keyId]), svc.store);
    assert.equal((await get('/events', cookie)).status, 303);
    assert.equal((await signIn(svc.url, k.keyId, k.secret, { 'x-forwarded-for': '192.0.2.77' })).status, 401);
  });

  it("pages escape every value and show the signed-in user's data only; a bad cursor is a 400 page", async () => {
    const k = await createKey(svc, 'grace');
    await upload(svc.url, k, makeEvents(3, { ts: Date.now() - 60_000, endpoint: '/x/<script>alert(1)</script>/"q"', rules: ['<b>r</b>'] }));
    await upload(svc.url, bob, makeEvents(2, { ts: Date.now() - 60_000, endpoint: '/bob-only-endpoint' }));
    const cookie = await sessionCookie(svc.url, k);
    for (const path of ['/', '/events']) {
      const html = await (await get(path, cookie)).text();
      assert.doesNotMatch(html, /<script>|<b>r<\/b>/, path);
      assert.match(html, /\/x\/&lt;script&gt;alert\(1\)&lt;\/script&gt;\/&quot;q&quot;/, path);
      assert.doesNotMatch(html, /bob-only-endpoint/, path);
    }
    const bad = await get('/events?cursor=%3Cnot-a-cursor%3E', cookie);
    assert.equal(bad.status, 400);
    assertPageHeaders(bad);
    const head = await fetch(svc.url + '/', { method: 'HEAD', headers: { cookie } });
    assert.equal(head.status, 200);
    assert.equal((await head.text()).length, 0);
  });
});
