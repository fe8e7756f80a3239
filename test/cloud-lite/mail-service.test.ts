// Alert mail through the running service (in-process, embedded store, real HTTP): signed batches
// in, email out to a real SMTP server on loopback. The mailer runs beside ingest, never in it:
// while SMTP hangs, batches are still answered; the email follows once SMTP is back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { configFromEnv } from '../../cloud-lite/config.ts';
import { createLogger } from '../../cloud-lite/log.ts';
import { startService } from '../../cloud-lite/service.ts';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import { createKeyCli, signFor, startCloudLite, type CloudLiteKey, type CloudLiteProcess } from '../helpers/cloud-lite.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../helpers/services.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { answer, batchBody, createKey, makeEvents, send, startTestService, type TestKey, type TestService } from './http-client.ts';

const FROM = 'alerts@warden.test';
const FAST = {
  CLOUD_LITE_MAIL_POLL_MS: '100',
  CLOUD_LITE_MAIL_RETRY_MIN_MS: '50',
  CLOUD_LITE_MAIL_RETRY_MAX_MS: '300',
  CLOUD_LITE_MAIL_SEND_TIMEOUT_MS: '400',
};

/** POST a batch to a bundled instance. */
async function postTo(base: string, key: CloudLiteKey, body: string) {
  const headers = { ...(await signFor(key, 'POST', '/v1/batches', body)), 'content-type': 'application/json' };
  return answer(await fetch(base + '/v1/batches', { method: 'POST', headers, body }));
}

describe('alert mail through the service', () => {
  let smtp: TestSmtp;
  let svc: TestService;
  let key: TestKey;
  before(async () => {
    smtp = await startSmtp();
    svc = await startTestService({
      SMTP_URL: smtp.url,
      ALERT_EMAIL_FROM: FROM,
      CLOUD_LITE_MAIL_POLL_MS: '100',
      CLOUD_LITE_MAIL_RETRY_MIN_MS: '50',
      CLOUD_LITE_MAIL_RETRY_MAX_MS: '300',
      CLOUD_LITE_MAIL_SEND_TIMEOUT_MS: '400',
    });
    key = await createKey(svc, 'mailuser');
  });
  after(async () => {
    await svc?.stop();
    await smtp?.close();
  });
  const post = (events: unknown[]) => send(svc.url, { path: '/v1/batches', body: batchBody(events), key });

  test('the service says mail is on, without the SMTP credentials', () => {
    assert.ok(svc.logs.some((l) => l.includes('alert email on') && l.includes('"smtp_host":"127.0.0.1"')));
  });

  test('SMTP hanging: batches are still answered; the waiting alert is mailed once SMTP is back, once', async () => {
    await smtp.setMode('hang');
    // An alert waiting in the outbox, as the alerts part leaves it.
    const db = new Database(join(svc.dataDir, SQLITE_FILE));
    try {
      const alert = {
        v: 2,
        id: 'planted-alert-1',
        ts: 1_764_750_000_000,
        session_id: 'planted-session',
        instance_id: 'i',
        rule: 'consecutive_deletes',
        severity: 'critical',
        message: '3 delete calls in a row',
        event_ids: [],
      };
      db.prepare('INSERT INTO alerts (user_id, id, ts, body) VALUES (?, ?, ?, ?)').run(
        'mailuser',
        alert.id,
        alert.ts,
        JSON.stringify(alert),
      );
      db.prepare('INSERT INTO alert_outbox (user_id, alert_id, key_id, created_at) VALUES (?, ?, ?, ?)').run(
        'mailuser',
        alert.id,
        key.keyId,
        Date.now(),
      );
    } finally {
      db.close();
    }
    await smtp.waitForFailures(1);
    // The mailer is stuck on a server that never greets: ingest goes on regardless.
    for (let i = 0; i < 5; i++) {
      const r = await post(makeEvents(20, { action: 'read', method: 'GET', operation: null, session_id: `busy-${i}` }));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.accepted, 20);
    }
    await smtp.waitForFailures(2);
    assert.equal(smtp.messages.length, 0);
    await smtp.setMode('accept');
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail?.to, ['mailuser@example.com']);
    assert.match(mail?.parsed.subject ?? '', /consecutive_deletes/);
    await sleep(500);
    assert.equal(smtp.messages.length, 1);
  });

  test('end to end: a signed batch completing 3 deletes → one email to the key owner', async () => {
    const before = smtp.messages.length;
    const events = makeEvents(3, { session_id: 'e2e-deletes', target: 'e2e-secret-shop.myshopify.com', error: null });
    const r = await post(events);
    assert.equal(r.status, 200, r.text);
    const all = await smtp.waitFor(before + 1);
    const mail = all[before]!;
    assert.deepEqual(mail.to, ['mailuser@example.com']);
    assert.match(mail.parsed.subject ?? '', /CRITICAL: consecutive_deletes on shopify/);
    const text = mail.parsed.text ?? '';
    assert.ok(
      text.includes('e2e-deletes') && text.includes('/admin/api/{version}/graphql.json') && text.includes('mutation productDelete'),
    );
    assert.ok(!mail.raw.includes('e2e-secret-shop'), 'no target');
    for (const e of events) assert.ok(!mail.raw.includes(e.id), 'no event id');
    await sleep(500);
    assert.equal(smtp.messages.length, before + 1, 'one email');
  });
});

describe('alert mail across restarts and instances', () => {
  let smtp: TestSmtp;
  let dir: string;
  before(async () => {
    smtp = await startSmtp();
    dir = mkdtempSync(join(tmpdir(), 'warden-mail-proc-'));
  });
  after(async () => {
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('mail off (no SMTP_URL): the alert is stored and waits; mailed once a restart sets SMTP_URL', async () => {
    const dataDir = join(dir, 'off');
    const logs: string[] = [];
    const log = createLogger((l) => logs.push(l));
    const off = await startService(configFromEnv({ CLOUD_LITE_PORT: '0', CLOUD_LITE_DATA_DIR: dataDir }), { log });
    const before = smtp.messages.length;
    try {
      const key = await createKey(off, 'offuser');
      const r = await send(off.url, { path: '/v1/batches', body: batchBody(makeEvents(3, { session_id: 'off-deletes' })), key });
      assert.equal(r.status, 200, r.text);
      for (let i = 0; i < 200 && (await off.store.pageAlerts({ user: 'offuser', limit: 10, cursor: null })).alerts.length === 0; i++)
        await sleep(50);
      assert.equal((await off.store.pageAlerts({ user: 'offuser', limit: 10, cursor: null })).alerts.length, 1, 'the alert is stored');
      assert.equal(logs.filter((l) => l.includes('alert email off: SMTP_URL is unset')).length, 1, 'one clear line');
    } finally {
      await off.close();
    }
    const on = await startService(
      configFromEnv({ CLOUD_LITE_PORT: '0', CLOUD_LITE_DATA_DIR: dataDir, SMTP_URL: smtp.url, ALERT_EMAIL_FROM: FROM, ...FAST }),
      {
        log,
      },
    );
    try {
      const all = await smtp.waitFor(before + 1);
      assert.match(all[before]!.parsed.text ?? '', /off-deletes/);
      await sleep(500);
      assert.equal(smtp.messages.length, before + 1);
    } finally {
      await on.close();
    }
  });

  test('kill -9 with an email pending (SMTP refusing): sent once after the restart', async () => {
    const env = { ...FAST, CLOUD_LITE_DATA_DIR: join(dir, 'crash'), SMTP_URL: smtp.url, ALERT_EMAIL_FROM: FROM };
    const key = createKeyCli(env, 'crashuser');
    const before = smtp.messages.length;
    await smtp.setMode('refuse');
    let svc: CloudLiteProcess = await startCloudLite(env);
    try {
      const r = await postTo(svc.url, key, batchBody(makeEvents(3, { session_id: 'crash-deletes' })));
      assert.equal(r.status, 200, r.text);
      // Wait until the mailer has tried (and failed): the email is composed and pending.
      const db = new Database(join(dir, 'crash', SQLITE_FILE), { readonly: true });
      try {
        for (let i = 0; i < 300; i++) {
          const row = db.prepare('SELECT attempts FROM mail_messages').get() as { attempts: number } | undefined;
          if ((row?.attempts ?? 0) >= 2) break;
          await sleep(50);
        }
        assert.ok(((db.prepare('SELECT attempts FROM mail_messages').get() as { attempts: number } | undefined)?.attempts ?? 0) >= 2);
      } finally {
        db.close();
      }
      await svc.kill9();
      await smtp.setMode('accept');
      svc = await startCloudLite(env);
      const mail = (await smtp.waitFor(before + 1))[before];
      assert.deepEqual(mail?.to, ['crashuser@example.com']);
      assert.match(mail?.parsed.text ?? '', /crash-deletes/);
      await sleep(500);
      assert.equal(smtp.messages.length, before + 1);
    } finally {
      await svc.stop();
    }
  });

  describe('two instances on one PostgreSQL + Redis', () => {
    let pg: PostgresServer;
    let redis: RedisServer;
    let a: CloudLiteProcess;
    let b: CloudLiteProcess;
    let key: CloudLiteKey;
    before(async () => {
      [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
      const env = {
        ...FAST,
        DATABASE_URL: pg.createDatabase('mail_two'),
        REDIS_URL: redis.url,
        SMTP_URL: smtp.url,
        ALERT_EMAIL_FROM: FROM,
        CLOUD_LITE_EMAILS_PER_HOUR: '100',
      };
      [a, b] = await Promise.all([startCloudLite(env), startCloudLite(env)]);
      key = createKeyCli(env, 'twouser');
      // A first signed request to each: on Redis it starts the replay cache's epoch (a request
      // signed in an earlier second is refused as stale), as bench/ingest.ts does.
      for (const s of [a, b]) {
        for (let i = 0; i < 50; i++) {
          const r = await fetch(s.url + '/v1/alerts', { headers: await signFor(key, 'GET', '/v1/alerts') });
          await r.text();
          if (r.status === 200) break;
          await sleep(100);
        }
      }
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await Promise.all([pg?.destroy(), redis?.destroy()]);
    });

    test('every batch sent to both instances: each alert mailed exactly once', async () => {
      const before = smtp.messages.length;
      const sessions = Array.from({ length: 8 }, (_, i) => `two-${i}`);
      for (const session of sessions) {
        const body = batchBody(makeEvents(3, { session_id: session }));
        // The same batch to both (an upload retried on another instance): stored once, alerted once.
        const [ra, rb] = await Promise.all([postTo(a.url, key, body), postTo(b.url, key, body)]);
        assert.equal(ra.status, 200, `${ra.text}\n${a.output().slice(-3000)}`);
        assert.equal(rb.status, 200, `${rb.text}\n${b.output().slice(-3000)}`);
      }
      const all = (await smtp.waitFor(before + sessions.length, 30_000)).slice(before);
      await sleep(1000);
      assert.equal(smtp.messages.length, before + sessions.length, 'no email twice');
      const ids = all.map((m) => m.parsed.messageId);
      assert.equal(new Set(ids).size, sessions.length);
      for (const session of sessions) assert.equal(all.filter((m) => m.parsed.text?.includes(`${session}\n`)).length, 1, session);
    });
  });
});
