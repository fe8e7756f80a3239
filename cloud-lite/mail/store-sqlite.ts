// The alert mail store on the embedded SQLite file (the core store's connection). One process
// owns the file, and better-sqlite3 runs each call whole on the event loop, so a claim needs no
// SKIP LOCKED: BEGIN IMMEDIATE excludes the rare other writer (the keys CLI).
import type Database from 'better-sqlite3';
import { planCompose, type WaitingRow } from './plan.ts';
import { factsOf, parseStoredAlert } from './read.ts';
import {
  MAIL_EVENTS_PER_ALERT,
  type ClaimedMail,
  type MailAlertContent,
  type MailKind,
  type MailMessageRow,
  type MailStore,
} from './store.ts';

// Only rows whose alert is stored: the alerts part retracts (deletes) an alert that a late event
// shows was never raised, and keeps its outbox row; should the alert be raised again, it is mailed then.
const STORED = `EXISTS (SELECT 1 FROM alerts a WHERE a.user_id = o.user_id AND a.id = o.alert_id)`;

interface MessageRow {
  message_id: string;
  user_id: string;
  kind: MailKind;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  sent_at: number | null;
  last_error: string | null;
}

export function sqliteMailStore(db: Database.Database): MailStore {
  const prepared = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = prepared.get(sql);
    if (s === undefined) prepared.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    async compose(o) {
      const users = stmt(
        `SELECT DISTINCT o.user_id FROM alert_outbox o WHERE o.message_id IS NULL AND o.compose_after <= ? AND ${STORED} LIMIT 100`,
      )
        .pluck()
        .all(o.now) as string[];
      let created = 0;
      const one = db.transaction((user: string) => {
        const rows = (
          stmt(
            `SELECT o.alert_id, o.compose_after FROM alert_outbox o
             WHERE o.user_id = ? AND o.message_id IS NULL AND ${STORED} ORDER BY o.created_at, o.alert_id`,
          ).all(user) as { alert_id: string; compose_after: number }[]
        ).map((r): WaitingRow => ({ alertId: r.alert_id, composeAfter: r.compose_after }));
        // Nothing due (another pass composed it) or a hold not yet over.
        if (!rows.some((r) => r.composeAfter <= o.now)) return;
        const recent = stmt(`SELECT created_at FROM mail_messages WHERE user_id = ? AND created_at > ? ORDER BY created_at`)
          .pluck()
          .all(user, o.now - o.windowMs) as number[];
        const plan = planCompose(rows, recent, o.now, o.perHour, o.windowMs);
        const insert = stmt(
          `INSERT INTO mail_messages (message_id, user_id, kind, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        );
        const assign = stmt(`UPDATE alert_outbox SET message_id = ? WHERE user_id = ? AND alert_id = ? AND message_id IS NULL`);
        for (const alertId of plan.singles) {
          const id = o.singleId(user, alertId);
          created += insert.run(id, user, 'alert', o.now, o.now).changes;
          assign.run(id, user, alertId);
        }
        if (plan.digest !== null) {
          const id = o.digestId(user, plan.digest);
          created += insert.run(id, user, 'digest', o.now, o.now).changes;
          for (const alertId of plan.digest) assign.run(id, user, alertId);
        }
        if (plan.hold !== null) {
          const hold = stmt(`UPDATE alert_outbox SET compose_after = ? WHERE user_id = ? AND alert_id = ? AND message_id IS NULL`);
          for (const alertId of plan.hold.alertIds) hold.run(plan.hold.until, user, alertId);
        }
      });
      for (const user of users) one.immediate(user);
      return created;
    },

    async claim(o) {
      return db
        .transaction(() => {
          const due = stmt(
            `SELECT message_id, user_id, kind, attempts FROM mail_messages
             WHERE sent_at IS NULL AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at LIMIT ?`,
          ).all(o.now, o.now, o.limit) as { message_id: string; user_id: string; kind: MailKind; attempts: number }[];
          const lease = stmt(`UPDATE mail_messages SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE message_id = ?`);
          return due.map((r): ClaimedMail => {
            lease.run(o.owner, o.now + o.leaseMs, r.message_id);
            return { messageId: r.message_id, user: r.user_id, kind: r.kind, attempts: r.attempts + 1 };
          });
        })
        .immediate();
    },

    async content(messageId) {
      const msg = stmt(`SELECT user_id, kind FROM mail_messages WHERE message_id = ?`).get(messageId) as
        { user_id: string; kind: MailKind } | undefined;
      if (msg === undefined) return null;
      const rows = stmt(
        `SELECT o.alert_id, o.key_id, a.body AS alert_body, k.email
         FROM alert_outbox o
         LEFT JOIN alerts a ON a.user_id = o.user_id AND a.id = o.alert_id
         LEFT JOIN keys k ON k.key_id = o.key_id
         WHERE o.message_id = ? ORDER BY o.created_at, o.alert_id`,
      ).all(messageId) as { alert_id: string; alert_body: string | null; email: string | null }[];
      const eventStmt = stmt(`SELECT body FROM events WHERE user_id = ? AND id = ?`).pluck();
      const alerts = rows.map((r): MailAlertContent => {
        const alert = parseStoredAlert(r.alert_body);
        const events = (alert?.event_ids ?? [])
          .slice(0, MAIL_EVENTS_PER_ALERT)
          .map((id) => factsOf(eventStmt.get(msg.user_id, id) as string | undefined))
          .filter((e) => e !== null);
        return { alertId: r.alert_id, alert, ownerEmail: r.email, events };
      });
      return { messageId, user: msg.user_id, kind: msg.kind, alerts };
    },

    async markSent(messageId, owner, at) {
      return (
        stmt(
          `UPDATE mail_messages SET sent_at = ?, lease_owner = NULL, lease_until = 0, last_error = NULL
           WHERE message_id = ? AND lease_owner = ? AND sent_at IS NULL`,
        ).run(at, messageId, owner).changes === 1
      );
    },

    async markFailed(messageId, owner, nextAttemptAt, error) {
      stmt(
        `UPDATE mail_messages SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = 0
         WHERE message_id = ? AND lease_owner = ? AND sent_at IS NULL`,
      ).run(nextAttemptAt, error, messageId, owner);
    },

    async releaseAllLeases() {
      return stmt(`UPDATE mail_messages SET lease_owner = NULL, lease_until = 0 WHERE lease_owner IS NOT NULL AND sent_at IS NULL`).run()
        .changes;
    },

    async listMessages(user) {
      const rows = stmt(
        `SELECT message_id, user_id, kind, created_at, attempts, next_attempt_at, sent_at, last_error
         FROM mail_messages WHERE user_id = ? ORDER BY created_at, message_id`,
      ).all(user) as MessageRow[];
      const ids = stmt(`SELECT alert_id FROM alert_outbox WHERE message_id = ? ORDER BY created_at, alert_id`).pluck();
      return rows.map((r): MailMessageRow => ({
        messageId: r.message_id,
        user: r.user_id,
        kind: r.kind,
        createdAt: r.created_at,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        sentAt: r.sent_at,
        lastError: r.last_error,
        alertIds: ids.all(r.message_id) as string[],
      }));
    },
  };
}
