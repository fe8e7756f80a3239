// Alert mail through the running service (in-process, embedded store, real HTTP): signed batches
// in, email out to a real SMTP server on loopback. The mailer runs beside ingest, never in it:
// while SMTP hangs, batches are still answered; the email follows once SMTP is back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { batchBody, createKey, makeEvents, send, startTestService, type TestKey, type TestService } from './http-client.ts';

const FROM = 'alerts@warden.test';

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
