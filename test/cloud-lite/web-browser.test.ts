// The web dashboard in headless Chromium (playwright-core + Debian's chromium) against a real
// in-process service with events uploaded for two users through signed batches: sign in, see
// only your own events, alerts and summary (a unique endpoint and alert of the other user never
// show), a wrong secret and the sign-in limit, forged cookies, a cross-site POST from a page on
// another origin, sign out (the old cookie dies with the session), and no CSP violation on any
// page. Screenshots go to test-artifacts/web/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseAlert } from '../../core/protocol/event.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';
import { createKey, startTestService, type TestKey, type TestService } from './http-client.ts';
import { makeEvents, upload } from './web-client.ts';

const OUT = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts', 'web');
const B_ENDPOINT = '/admin/api/{version}/bob-only-secret-endpoint.json';
const B_RULE = 'bob.only.rule';
const A_ENDPOINT = '/admin/api/{version}/products/{id}.json';
const LIMIT = 4;

describe('web dashboard in Chromium', () => {
  let svc: TestService;
  let alice: TestKey;
  let bob: TestKey;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let evil: Server;
  let evilUrl = '';
  /** Console messages about the CSP (or any error) on any page. */
  const problems: string[] = [];

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    svc = await startTestService({ CLOUD_LITE_WEB_LOGIN_FAILURE_LIMIT: String(LIMIT) });
    alice = await createKey(svc, 'alice');
    bob = await createKey(svc, 'bob');
    const now = Date.now();
    const spread = (n: number, stepMs: number) => Array.from({ length: n }, (_, i) => now - 60_000 - i * stepMs);
    // Alice: a day's mix of platforms and risks; Bob: one endpoint and rule nobody else has.
    const aEvents = [
      ...makeEvents(30, { endpoint: A_ENDPOINT, method: 'PUT', risk_level: 1, rules: ['shopify.rest.product.update'], operation: null }),
      ...makeEvents(12, {
        platform: 'meta',
        endpoint: '/{version}/act_{id}/campaigns',
        method: 'POST',
        risk_level: 2,
        rules: ['meta.budget.change'],
        operation: null,
        target: null,
      }),
      ...makeEvents(8),
      ...makeEvents(20, {
        endpoint: '/admin/api/{version}/orders.json',
        method: 'GET',
        risk_level: 0,
        rules: [],
        operation: null,
        status: 200,
      }),
    ];
    // 15 min apart: all 70 within the last 24 h.
    const times = spread(aEvents.length, 15 * 60_000);
    await upload(
      svc.url,
      alice,
      aEvents.map((e, i) => ({ ...e, ts: times[i] })),
    );
    await upload(svc.url, bob, makeEvents(5, { endpoint: B_ENDPOINT, rules: [B_RULE], ts: now - 120_000 }));
    // In a session with no events (the evaluator retracts, in a session it evaluates, every
    // alert the events do not raise) and newer than the alerts it raises from her uploads.
    const alert = (id: string, rule: string, severity: 'critical' | 'warning', message: string) =>
      parseAlert({ id, ts: now + 60_000, session_id: 'planted-alerts', instance_id: 'i', rule, severity, message, event_ids: [] })!;
    await svc.store.insertAlerts('alice', [
      alert('a-alert-1', 'consecutive_deletes', 'critical', '3 product deletes in 40 s'),
      alert('a-alert-2', 'budget_spike', 'warning', '2 budget changes in 5 min'),
    ]);
    await svc.store.insertAlerts('bob', [alert('b-alert-1', 'bob_only_alert_rule', 'critical', 'bob only message')]);

    // Another origin (same host, another port: same-site, cross-origin) serving auto-submitting forms.
    evil = createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/logout';
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><form id="f" method="post" action="${svc.url}${target}">` +
          `<input name="csrf" value="guess"><input name="key_id" value="${alice.keyId}"><input name="secret" value="${alice.secret}"></form>` +
          `<script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
    await svc?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  const signIn = async (keyId: string, secret: string) => {
    await page.goto(svc.url + '/login');
    await page.fill('#key_id', keyId);
    await page.fill('#secret', secret);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  };
  const sessionCookie = async () => (await context.cookies(svc.url)).find((c) => c.name === 'wd_session');

  it('a page signed out leads to the sign-in form; a wrong secret is an error', async () => {
    await page.goto(svc.url + '/');
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot('login');
    await signIn(alice.keyId, 'wsk_' + 'x'.repeat(90));
    assert.match((await page.textContent('[data-test=error]')) ?? '', /Wrong key id or secret/);
    assert.equal(await sessionCookie(), undefined);
    await shot('login-wrong-secret');
  });

  it("signed in as alice: her summary, events and alerts, and nothing of bob's", async () => {
    await signIn(alice.keyId, alice.secret);
    assert.equal(new URL(page.url()).pathname, '/');
    const cookie = await sessionCookie();
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.textContent('[data-test=user]'), `alice · ${alice.keyId}`);
    const summary = (await page.textContent('main')) ?? '';
    assert.match(summary, /70 events from/);
    assert.match(await page.innerText('[data-test=top-endpoints]'), new RegExp(A_ENDPOINT.replace(/[{}.]/g, '\\$&')));
    assert.match(summary, /3 product deletes in 40 s/);
    assert.equal((await page.locator('[data-test=timeline] rect').count()) > 0, true);
    const html = await page.content();
    for (const foreign of [B_ENDPOINT, B_RULE, 'bob only message', 'bob_only_alert_rule']) assert.ok(!html.includes(foreign), foreign);
    await shot('summary-24h');
    await page.click('a[href="/?range=30d"]');
    assert.match((await page.textContent('main')) ?? '', /70 events from/);
    await shot('summary-30d');

    await page.click('nav a[href="/events"]');
    const events = await page.innerText('[data-test=events]');
    assert.match(events, /products\/\{id\}\.json/);
    assert.match(events, /PUT/);
    assert.ok(!(await page.content()).includes(B_ENDPOINT));
    assert.equal(await page.locator('[data-test=events] tbody tr').count(), 50, 'a page of 50');
    await shot('events');
    await page.click('[data-test=older]');
    assert.equal(await page.locator('[data-test=events] tbody tr').count(), 20, 'the rest on the next page');

    await page.click('nav a[href="/alerts"]');
    const alerts = await page.innerText('[data-test=alerts]');
    assert.match(alerts, /consecutive_deletes/);
    assert.match(alerts, /budget_spike/);
    assert.doesNotMatch(alerts, /bob/);
    await shot('alerts');
  });

  it('a forged cookie (tampered signature, or claiming bob) leads to the sign-in page', async () => {
    const real = (await sessionCookie())!;
    const [v, payload, sig] = real.value.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const asBob = Buffer.from(JSON.stringify({ ...claims, u: 'bob', k: bob.keyId })).toString('base64url');
    const flipped = sig!.slice(0, 10) + (sig![10] === 'A' ? 'B' : 'A') + sig!.slice(11);
    for (const value of [`${v}.${payload}.${flipped}`, `${v}.${asBob}.${sig}`]) {
      await context.addCookies([{ ...real, value }]);
      await page.goto(svc.url + '/events');
      assert.equal(new URL(page.url()).pathname, '/login', value);
      assert.ok(!(await page.content()).includes(B_ENDPOINT));
    }
    await shot('forged-cookie');
    await context.addCookies([real]);
    await page.goto(svc.url + '/');
    assert.equal(new URL(page.url()).pathname, '/', 'the real cookie still works');
  });

  it('a cross-site POST (a form auto-submitted from another origin) is refused, and the session stays', async () => {
    for (const to of ['/logout', '/login']) {
      const answered = page.waitForResponse((r) => r.url() === svc.url + to && r.request().method() === 'POST');
      await page.goto(`${evilUrl}/?to=${to}`);
      const res = await answered;
      assert.equal(res.status(), 403, to);
      await page.waitForLoadState('load');
      assert.match((await page.textContent('main')) ?? '', /must be sent from this site/);
    }
    await shot('cross-site-refused');
    await page.goto(svc.url + '/');
    assert.equal(new URL(page.url()).pathname, '/', 'still signed in');
  });

  it('sign out: back to the sign-in page, and the old cookie no longer works', async () => {
    const old = (await sessionCookie())!;
    await Promise.all([page.waitForURL(/\/login$/), page.click('[data-test=sign-out]')]);
    assert.equal(await sessionCookie(), undefined);
    await shot('signed-out');
    await context.addCookies([old]);
    await page.goto(svc.url + '/');
    assert.equal(new URL(page.url()).pathname, '/login', 'the session ended on the server');
  });

  it(`past ${LIMIT} failed sign-ins from one address, the sign-in is rate-limited`, async () => {
    const key = await createKey(svc, 'mallory-target');
    // The first test's wrong secret counted against this address already.
    for (let i = 1; i < LIMIT; i++) {
      await signIn(key.keyId, 'wsk_' + 'z'.repeat(90));
      assert.match((await page.textContent('[data-test=error]')) ?? '', /Wrong key id or secret/);
    }
    await signIn(key.keyId, 'wsk_' + 'z'.repeat(90));
    assert.match((await page.textContent('[data-test=error]')) ?? '', /Too many failed sign-ins/, 'the failure past the limit');
    await signIn(key.keyId, key.secret);
    assert.match((await page.textContent('[data-test=error]')) ?? '', /Too many failed sign-ins/, 'even the right secret, for now');
    assert.equal(await sessionCookie(), undefined);
    await shot('rate-limited');
  });

  it('no page logged a CSP violation or an error', () => {
    // The refused posts (401 wrong secret, 403 cross-site, 429 limited) are logged as failed loads, by design.
    const real = problems.filter((p) => !/Failed to load resource: the server responded with a status of (401|403|429)/.test(p));
    assert.deepEqual(real, []);
  });
});
