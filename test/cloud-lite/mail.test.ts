// The alert mailer on both back ends (embedded SQLite, PostgreSQL), against a real SMTP server on
// loopback (test/helpers/smtp.ts) whose messages are parsed with mailparser. Alerts and their
// outbox rows are planted as the alerts part stores them (the alert, its events, one alert_outbox
// row per new critical alert); the mailer is the one the service starts, with short timings.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ConfigError } from '../../cloud-lite/config-env.ts';
import { createLogger } from '../../cloud-lite/log.ts';
import { digestMessageId, singleMessageId } from '../../cloud-lite/mail/compose.ts';
import { mailConfigFrom, type MailConfig } from '../../cloud-lite/mail/config.ts';
import { MAIL_WINDOW_MS, retryDelay, startMailer, type Mailer } from '../../cloud-lite/mail/mailer.ts';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import type { CloudStore, CloudStoreOptions } from '../../cloud-lite/store/types.ts';
import { parseAlert, parseAuditEvent, type AuditEvent } from '../../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';
import { startPostgres, type PostgresServer } from '../helpers/services.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const FROM = 'alerts@warden.test';
const DOMAIN = 'warden.test';
const SMTP_USER = 'mailer';
const SMTP_PASS = 'smtp-Pa55-never-logged';
// Planted in the events' other fields: none of it may reach an email.
const SECRET_TARGET = 'secret-shop-7731.myshopify.com';
const CUSTOMER_ERROR = 'HTTP 404 for customer jane.roe@customer.test card 4242424242424242';
const BASE = parseAuditEvent(SAMPLE_EVENT)!;

interface Backend {
  name: 'sqlite' | 'postgres';
  location(): Promise<CloudStoreOptions>;
  /** Inserts an alert_outbox row as the alerts part does. */
  outbox(opts: CloudStoreOptions, user: string, alertId: string, keyId: string, createdAt: number): Promise<void>;
  /** Raw SQL behind the store's back. */
  exec(opts: CloudStoreOptions, sql: string): Promise<void>;
}

function testConfig(smtp: TestSmtp, over: Partial<MailConfig> = {}): MailConfig {
  return {
    ...mailConfigFrom({ SMTP_URL: smtp.url, ALERT_EMAIL_FROM: FROM }),
    pollMs: 100,
    retryMinMs: 50,
    retryMaxMs: 400,
    sendTimeoutMs: 1000,
    ...over,
  };
}

let seq = 0;

/** Stores a critical alert over three events (two REST deletes, one GraphQL delete) and its outbox row. */
async function plantAlert(
  backend: Backend,
  opts: CloudStoreOptions,
  store: CloudStore,
  user: string,
  keyId: string,
  extra: { message?: string; rule?: string } = {},
): Promise<string> {
  const n = ++seq;
  const ts = 1_764_750_000_000 + n * 1000;
  const events: AuditEvent[] = [
    { ...BASE, id: `ev${n}a`, ts, method: 'DELETE', endpoint: '/admin/api/{version}/products/{id}.json', operation: null },
    { ...BASE, id: `ev${n}b`, ts: ts + 100, method: 'DELETE', endpoint: '/admin/api/{version}/customers/{id}.json', operation: null },
    { ...BASE, id: `ev${n}c`, ts: ts + 200, operation: 'mutation productDelete' },
  ].map((e) => ({ ...e, session_id: `sess-${n}`, target: SECRET_TARGET, error: CUSTOMER_ERROR }));
  await store.insertEvents({ user, keyId, events, dailyQuota: 1_000_000, day: '2026-12-03', receivedAt: ts });
  const alertId = `al${n}`;
  const alert = parseAlert({
    id: alertId,
    ts: ts + 200,
    session_id: `sess-${n}`,
    instance_id: 'guard-1',
    rule: extra.rule ?? 'consecutive_deletes',
    severity: 'critical',
    message: extra.message ?? '3 consecutive deletes (product)',
    event_ids: events.map((e) => e.id),
  })!;
  await store.insertAlerts(user, [alert]);
  await backend.outbox(opts, user, alertId, keyId, ts + 300);
  return alertId;
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await sleep(50);
  }
}

function mailSuite(backend: Backend): void {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  /** A fresh store with one key, an SMTP server, and a mailer on a clock the test can move. */
  async function setup(configOver: Partial<MailConfig> = {}, smtpMode: 'accept' | 'refuse' = 'accept') {
    const opts = await backend.location();
    const store = await openCloudStore(opts);
    cleanups.push(() => store.close());
    const smtp = await startSmtp({ user: SMTP_USER, pass: SMTP_PASS });
    cleanups.push(() => smtp.close());
    await smtp.setMode(smtpMode);
    const user = `u${++seq}`;
    const keyId = `key_${user}`;
    await store.createKey({ keyId, user, email: `${user}@owner.test`, plan: 'pro', verifyKey: new Uint8Array(32), createdAt: 1 });
    const logs: string[] = [];
    const clock = { offset: 0 };
    const config = testConfig(smtp, configOver);
    const mailers: Mailer[] = [];
    const start = (s: CloudStore = store): Mailer => {
      const m = startMailer({ store: s, config, log: createLogger((l) => logs.push(l)), now: () => Date.now() + clock.offset });
      mailers.push(m);
      cleanups.push(() => m.close());
      return m;
    };
    return { opts, store, smtp, user, keyId, logs, clock, config, start, mailers };
  }

  test('one critical alert: exactly one email, right headers, what happened, no secret or customer datum', async () => {
    const s = await setup();
    const alertId = await plantAlert(backend, s.opts, s.store, s.user, s.keyId, { message: '3 deletes <b>in a row</b> & more' });
    const mailer = s.start();
    mailer.wake();
    const [mail] = await s.smtp.waitFor(1);
    const m = mail!.parsed;
    assert.equal(m.from?.value[0]?.address, FROM);
    assert.deepEqual(mail!.to, [`${s.user}@owner.test`]);
    assert.equal(m.messageId, singleMessageId(s.user, alertId, DOMAIN));
    assert.match(m.subject ?? '', /CRITICAL/);
    assert.match(m.subject ?? '', /consecutive_deletes/);
    assert.match(m.subject ?? '', /shopify/);
    const n = alertId.slice(2);
    const text = m.text ?? '';
    const html = typeof m.html === 'string' ? m.html : '';
    assert.ok(html.length > 0, 'an HTML part');
    for (const body of [text, html]) {
      for (const want of [
        'consecutive_deletes',
        'shopify',
        '/admin/api/{version}/products/{id}.json',
        '/admin/api/{version}/customers/{id}.json',
        'mutation productDelete',
        `sess-${n}`,
        alertId,
        '3 events'.slice(0, 1),
      ]) {
        assert.ok(body.includes(want), `the email shows ${want}`);
      }
      assert.ok(body.includes('2025-12-03T'), 'UTC ISO times');
      for (const never of [SECRET_TARGET, 'jane.roe', '4242424242424242', 'customer.test', SMTP_PASS, `ev${n}a`, `ev${n}b`, 'guard-1']) {
        assert.ok(!body.includes(never), `the email never shows ${never}`);
      }
    }
    assert.ok(text.includes('3 deletes <b>in a row</b> & more'), 'the plain text keeps the message as is');
    assert.ok(html.includes('3 deletes &lt;b&gt;in a row&lt;/b&gt; &amp; more') && !html.includes('<b>in a row'), 'HTML-escaped');
    assert.ok(!/<img|<link|<script|https?:\/\//i.test(html), 'no remote resource, script or link');
    assert.ok(!mail!.raw.includes(SECRET_TARGET) && !mail!.raw.includes('jane.roe'), 'not in any header either');
    assert.deepEqual(s.smtp.auths, [{ user: SMTP_USER, ok: true }], 'authenticated with SMTP_URL credentials');
    assert.ok(!s.logs.join('\n').includes(SMTP_PASS), 'the SMTP password is never logged');
    // Marked sent once; later passes send nothing more.
    await until('marked sent', async () => (await s.store.mail.listMessages(s.user))[0]?.sentAt != null);
    for (let i = 0; i < 5; i++) mailer.wake();
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 1, 'exactly one email');
    const [row] = await s.store.mail.listMessages(s.user);
    assert.equal(row?.attempts, 1);
    assert.deepEqual(row?.alertIds, [alertId]);
  });

  test('SMTP refusing connections, then answering 4xx: delivered once it is back, exactly once', async () => {
    const s = await setup({}, 'refuse');
    const alertId = await plantAlert(backend, s.opts, s.store, s.user, s.keyId);
    s.start().wake();
    await until('two refused attempts', async () => ((await s.store.mail.listMessages(s.user))[0]?.attempts ?? 0) >= 2);
    const [refused] = await s.store.mail.listMessages(s.user);
    assert.equal(refused?.sentAt, null);
    assert.match(refused?.lastError ?? '', /^E[A-Z]+/, 'the error code is kept, never server text');
    await s.smtp.setMode('tempfail');
    await s.smtp.waitForFailures(2);
    assert.equal(s.smtp.messages.length, 0);
    assert.match((await s.store.mail.listMessages(s.user))[0]?.lastError ?? '', / 451$/);
    await s.smtp.setMode('accept');
    const [mail] = await s.smtp.waitFor(1);
    assert.equal(mail?.parsed.messageId, singleMessageId(s.user, alertId, DOMAIN));
    await until('marked sent', async () => (await s.store.mail.listMessages(s.user))[0]?.sentAt != null);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 1, 'exactly once');
    assert.ok(((await s.store.mail.listMessages(s.user))[0]?.attempts ?? 0) >= 4);
  });

  test('SMTP hanging (never greets): the send times out and is retried, then delivered once', async () => {
    const s = await setup({ sendTimeoutMs: 300 });
    await s.smtp.setMode('hang');
    await plantAlert(backend, s.opts, s.store, s.user, s.keyId);
    s.start().wake();
    await s.smtp.waitForFailures(2);
    await s.smtp.setMode('accept');
    await s.smtp.waitFor(1);
    await until('marked sent', async () => (await s.store.mail.listMessages(s.user))[0]?.sentAt != null);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 1);
  });

  test('a permanent 5xx keeps retrying with growing delays (never dropped); delivered once the server accepts', async () => {
    const s = await setup({ retryMinMs: 40, retryMaxMs: 320 });
    await s.smtp.setMode('permfail');
    await plantAlert(backend, s.opts, s.store, s.user, s.keyId);
    s.start().wake();
    await s.smtp.waitForFailures(4);
    const [row] = await s.store.mail.listMessages(s.user);
    assert.equal(row?.sentAt, null, 'not given up');
    assert.match(row?.lastError ?? '', /^EENVELOPE 550$/);
    assert.ok(
      s.logs.some((l) => l.includes('alert email failed; will retry') && l.includes('550')),
      'each failure is logged with its code',
    );
    await s.smtp.setMode('accept');
    await s.smtp.waitFor(1);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 1);
  });

  test('hourly cap: N single emails, then ONE digest with the rest when the window allows; nothing dropped', async () => {
    const s = await setup({ perHour: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await plantAlert(backend, s.opts, s.store, s.user, s.keyId));
    const mailer = s.start();
    mailer.wake();
    await s.smtp.waitFor(3);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 3, 'the cap holds the rest');
    assert.deepEqual(
      s.smtp.messages.map((m) => m.parsed.messageId).sort(),
      ids
        .slice(0, 3)
        .map((id) => singleMessageId(s.user, id, DOMAIN))
        .sort(),
      'the oldest three, one email each',
    );
    // An hour later the window has room: the two held alerts go out together.
    s.clock.offset += MAIL_WINDOW_MS;
    mailer.wake();
    const all = await s.smtp.waitFor(4);
    const digest = all[3]!.parsed;
    assert.equal(digest.messageId, digestMessageId(s.user, ids.slice(3), DOMAIN));
    assert.match(digest.subject ?? '', /Digest: 2 critical alerts/);
    for (const id of ids.slice(3)) assert.ok(digest.text?.includes(id) && (digest.html as string).includes(id), `the digest lists ${id}`);
    for (const id of ids.slice(0, 3)) assert.ok(!digest.text?.includes(`alert ${id})`), `the digest leaves out ${id}, already mailed`);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 4);
    const rows = await s.store.mail.listMessages(s.user);
    assert.deepEqual(rows.map((r) => r.kind).sort(), ['alert', 'alert', 'alert', 'digest']);
    assert.deepEqual(rows.flatMap((r) => r.alertIds).sort(), [...ids].sort(), 'every alert in exactly one email');
  });

  test('a retracted alert (its outbox row kept) is not mailed; mailed if it is raised again', async () => {
    const s = await setup();
    const alertId = await plantAlert(backend, s.opts, s.store, s.user, s.keyId);
    const [alert] = (await s.store.pageAlerts({ user: s.user, limit: 10, cursor: null })).alerts;
    await backend.exec(s.opts, `DELETE FROM alerts WHERE id = '${alertId}'`);
    const mailer = s.start();
    mailer.wake();
    await sleep(s.config.pollMs * 5);
    assert.equal(s.smtp.messages.length, 0);
    assert.deepEqual(await s.store.mail.listMessages(s.user), []);
    await s.store.insertAlerts(s.user, [alert!]);
    mailer.wake();
    const [mail] = await s.smtp.waitFor(1);
    assert.equal(mail?.parsed.messageId, singleMessageId(s.user, alertId, DOMAIN));
  });

  test('an email leased by a crashed instance is sent after a restart, once', async () => {
    const s = await setup();
    const alertId = await plantAlert(backend, s.opts, s.store, s.user, s.keyId);
    const now = Date.now();
    // A previous run composed and leased it, then died before sending.
    await s.store.mail.compose({
      now,
      perHour: 10,
      windowMs: MAIL_WINDOW_MS,
      singleId: (u, a) => singleMessageId(u, a, DOMAIN),
      digestId: (u, a) => digestMessageId(u, a, DOMAIN),
    });
    // SQLite: one process owns the file, so the restart frees the lease at once; PostgreSQL: the
    // lease runs out (another instance may be alive).
    const leaseMs = backend.name === 'sqlite' ? 600_000 : 1500;
    const claimed = await s.store.mail.claim({ now, owner: 'crashed-instance', leaseMs, limit: 10 });
    assert.equal(claimed.length, 1);
    await s.store.close();
    const reopened = await openCloudStore(s.opts);
    cleanups.push(() => reopened.close());
    s.start(reopened).wake();
    const [mail] = await s.smtp.waitFor(1);
    assert.equal(mail?.parsed.messageId, singleMessageId(s.user, alertId, DOMAIN));
    await until('marked sent', async () => (await reopened.mail.listMessages(s.user))[0]?.sentAt != null);
    await sleep(s.config.pollMs * 4);
    assert.equal(s.smtp.messages.length, 1);
  });
}

describe('alert mail config', () => {
  test('off without SMTP_URL; ALERT_EMAIL_FROM required with it; never echoes the URL', () => {
    assert.equal(mailConfigFrom({}).smtp, null);
    assert.equal(mailConfigFrom({}).perHour, 10);
    assert.throws(
      () => mailConfigFrom({ SMTP_URL: 'smtp://u:pw-9931@mail.test' }),
      (e: Error) => e instanceof ConfigError && /ALERT_EMAIL_FROM/.test(e.message),
    );
    assert.throws(
      () => mailConfigFrom({ SMTP_URL: 'http://u:pw-9931@mail.test', ALERT_EMAIL_FROM: FROM }),
      (e: Error) => e instanceof ConfigError && !e.message.includes('pw-9931'),
    );
    assert.throws(() => mailConfigFrom({ SMTP_URL: 'smtp://mail.test', ALERT_EMAIL_FROM: 'Alerts <a@b.test>' }), ConfigError);
    assert.throws(() => mailConfigFrom({ SMTP_URL: 'smtp://mail.test', ALERT_EMAIL_FROM: 'a@b.test\r\nBcc: x@y.test' }), ConfigError);
    const c = mailConfigFrom({ SMTP_URL: 'smtps://me%40x.test:p%3Ass@mail.test', ALERT_EMAIL_FROM: FROM, CLOUD_LITE_EMAILS_PER_HOUR: '3' });
    assert.deepEqual(c.smtp, { host: 'mail.test', port: 465, secure: true, user: 'me@x.test', pass: 'p:ss' });
    assert.equal(c.perHour, 3);
    assert.equal(mailConfigFrom({ SMTP_URL: 'smtp://mail.test', ALERT_EMAIL_FROM: FROM }).smtp?.port, 587);
  });

  test('retry delays grow exponentially with jitter, capped', () => {
    assert.equal(
      retryDelay(1, 1000, 60_000, () => 1),
      1000,
    );
    assert.equal(
      retryDelay(1, 1000, 60_000, () => 0),
      500,
    );
    assert.equal(
      retryDelay(4, 1000, 60_000, () => 1),
      8000,
    );
    assert.equal(
      retryDelay(40, 1000, 60_000, () => 1),
      60_000,
    );
  });

  test('mail off: one clear log line, the outbox kept', async () => {
    const lines: string[] = [];
    const m = startMailer({
      store: {} as CloudStore,
      config: mailConfigFrom({}),
      log: createLogger((l) => lines.push(l)),
      now: Date.now,
    });
    m.wake();
    await m.close();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /alert email off: SMTP_URL is unset/);
  });
});

describe('alert mail: SQLite', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  mailSuite({
    name: 'sqlite',
    async location() {
      const dir = mkdtempSync(join(tmpdir(), 'warden-mail-'));
      dirs.push(dir);
      return { dataDir: join(dir, 'data') };
    },
    async exec(opts, sql) {
      const db = new Database(join(opts.dataDir, SQLITE_FILE));
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async outbox(opts, user, alertId, keyId, createdAt) {
      const db = new Database(join(opts.dataDir, SQLITE_FILE));
      try {
        db.prepare('INSERT INTO alert_outbox (user_id, alert_id, key_id, created_at) VALUES (?, ?, ?, ?)').run(
          user,
          alertId,
          keyId,
          createdAt,
        );
      } finally {
        db.close();
      }
    },
  });
});

describe('alert mail: PostgreSQL', () => {
  let server: PostgresServer;
  let n = 0;
  const pools: pg.Pool[] = [];
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    for (const p of pools) await p.end();
    await server?.destroy();
  });
  const pool = (url: string): pg.Pool => {
    const p = new pg.Pool({ connectionString: url, max: 2 });
    pools.push(p);
    return p;
  };
  const backend: Backend = {
    name: 'postgres',
    async location() {
      return { dataDir: '/nonexistent', databaseUrl: server.createDatabase(`mail_${++n}`) };
    },
    async exec(opts, sql) {
      const c = new pg.Client({ connectionString: opts.databaseUrl! });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    },
    async outbox(opts, user, alertId, keyId, createdAt) {
      const c = new pg.Client({ connectionString: opts.databaseUrl! });
      await c.connect();
      try {
        await c.query('INSERT INTO alert_outbox (user_id, alert_id, key_id, created_at) VALUES ($1, $2, $3, $4)', [
          user,
          alertId,
          keyId,
          createdAt,
        ]);
      } finally {
        await c.end();
      }
    },
  };
  mailSuite(backend);

  test('two instances composing at once: the hourly cap stays exact', async () => {
    const opts = await backend.location();
    const [s1, s2] = await Promise.all([openCloudStore(opts), openCloudStore(opts)]);
    try {
      await s1.createKey({
        keyId: 'k_cap',
        user: 'cap',
        email: 'cap@owner.test',
        plan: 'pro',
        verifyKey: new Uint8Array(32),
        createdAt: 1,
      });
      for (let i = 0; i < 10; i++) await plantAlert(backend, opts, s1, 'cap', 'k_cap');
      const now = Date.now();
      const compose = (s: CloudStore) =>
        s.mail.compose({
          now,
          perHour: 3,
          windowMs: MAIL_WINDOW_MS,
          singleId: (u, a) => singleMessageId(u, a, DOMAIN),
          digestId: (u, a) => digestMessageId(u, a, DOMAIN),
        });
      await Promise.all(Array.from({ length: 8 }, (_, i) => compose(i % 2 === 0 ? s1 : s2)));
      const rows = await s1.mail.listMessages('cap');
      assert.deepEqual(
        rows.map((r) => r.kind),
        ['alert', 'alert', 'alert'],
        'three emails in the hour, whoever composed',
      );
    } finally {
      await s1.close();
      await s2.close();
    }
  });

  test('two instances on one PostgreSQL, both mailing: each alert mailed exactly once', async () => {
    const opts = await backend.location();
    const [s1, s2] = await Promise.all([openCloudStore(opts), openCloudStore(opts)]);
    const smtp = await startSmtp({ user: SMTP_USER, pass: SMTP_PASS });
    const config = testConfig(smtp, { perHour: 100, concurrency: 2, pollMs: 50 });
    const log = createLogger(() => {});
    const m1 = startMailer({ store: s1, config, log, now: Date.now });
    const m2 = startMailer({ store: s2, config, log, now: Date.now });
    try {
      const users = ['p1', 'p2', 'p3'];
      for (const u of users)
        await s1.createKey({
          keyId: `k_${u}`,
          user: u,
          email: `${u}@owner.test`,
          plan: 'pro',
          verifyKey: new Uint8Array(32),
          createdAt: 1,
        });
      const planted: string[] = [];
      for (let i = 0; i < 30; i++) {
        const u = users[i % 3]!;
        planted.push(singleMessageId(u, await plantAlert(backend, opts, i % 2 === 0 ? s1 : s2, u, `k_${u}`), DOMAIN));
        (i % 2 === 0 ? m1 : m2).wake();
      }
      await smtp.waitFor(30, 30_000);
      await sleep(500);
      const got = smtp.messages.map((m) => m.parsed.messageId ?? '');
      assert.equal(got.length, 30, 'no email twice');
      assert.deepEqual([...got].sort(), [...planted].sort());
      const rows = await pool(opts.databaseUrl!).query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mail_messages WHERE sent_at IS NOT NULL AND attempts = 1',
      );
      assert.equal(rows.rows[0]?.n, 30, 'each sent on its first attempt, by one instance');
    } finally {
      await m1.close();
      await m2.close();
      await s1.close();
      await s2.close();
      await smtp.close();
    }
  });
});
