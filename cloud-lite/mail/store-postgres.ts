// The alert mail store on PostgreSQL (the core store's pool), shared by every instance: a user's
// compose runs under a transaction-scoped advisory lock on that user (the hourly cap stays exact
// when two instances compose at once), and a claim leases due emails with FOR UPDATE SKIP LOCKED,
// so each email goes to exactly one instance.
import type { PgDatabase } from '../store/postgres-db.ts';
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

// bigint columns arrive as text.
const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

// Only rows whose alert is stored (a retracted alert's row waits; see store-sqlite.ts).
const STORED = `EXISTS (SELECT 1 FROM alerts a WHERE a.user_id = o.user_id AND a.id = o.alert_id)`;

/** The advisory lock key space of this part: hashtextextended(user, MAIL_LOCK_SEED). */
const MAIL_LOCK_SEED = 303;

export function postgresMailStore(db: PgDatabase): MailStore {
  return {
    async compose(o) {
      const users = (
        await db.query<{ user_id: string }>(
          'mail compose',
          `SELECT DISTINCT o.user_id FROM alert_outbox o WHERE o.message_id IS NULL AND o.compose_after <= $1 AND ${STORED} LIMIT 100`,
          [o.now],
        )
      ).rows.map((r) => r.user_id);
      let created = 0;
      for (const user of users) {
        created += await db.transaction('mail compose', async (c) => {
          await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))', [user, MAIL_LOCK_SEED]);
          const rows = (
            await c.query<{ alert_id: string; compose_after: string }>(
              `SELECT o.alert_id, o.compose_after FROM alert_outbox o
             WHERE o.user_id = $1 AND o.message_id IS NULL AND ${STORED} ORDER BY o.created_at, o.alert_id`,
              [user],
            )
          ).rows.map((r): WaitingRow => ({ alertId: r.alert_id, composeAfter: num(r.compose_after) }));
          if (!rows.some((r) => r.composeAfter <= o.now)) return 0;
          const recent = (
            await c.query<{ created_at: string }>(
              `SELECT created_at FROM mail_messages WHERE user_id = $1 AND created_at > $2 ORDER BY created_at`,
              [user, o.now - o.windowMs],
            )
          ).rows.map((r) => num(r.created_at));
          const plan = planCompose(rows, recent, o.now, o.perHour, o.windowMs);
          const messages: { id: string; kind: MailKind; alertIds: string[] }[] = plan.singles.map((a) => ({
            id: o.singleId(user, a),
            kind: 'alert',
            alertIds: [a],
          }));
          if (plan.digest !== null) messages.push({ id: o.digestId(user, plan.digest), kind: 'digest', alertIds: plan.digest });
          let n = 0;
          for (const m of messages) {
            const r = await c.query(
              `INSERT INTO mail_messages (message_id, user_id, kind, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)
               ON CONFLICT DO NOTHING`,
              [m.id, user, m.kind, o.now],
            );
            n += r.rowCount ?? 0;
            await c.query(
              `UPDATE alert_outbox SET message_id = $1 WHERE user_id = $2 AND alert_id = ANY ($3::text[]) AND message_id IS NULL`,
              [m.id, user, m.alertIds],
            );
          }
          if (plan.hold !== null) {
            await c.query(
              `UPDATE alert_outbox SET compose_after = $1 WHERE user_id = $2 AND alert_id = ANY ($3::text[]) AND message_id IS NULL`,
              [plan.hold.until, user, plan.hold.alertIds],
            );
          }
          return n;
        });
      }
      return created;
    },

    async claim(o) {
      const r = await db.query<{ message_id: string; user_id: string; kind: MailKind; attempts: number }>(
        'mail claim',
        `UPDATE mail_messages m SET lease_owner = $1, lease_until = $2::bigint + $3::bigint, attempts = m.attempts + 1
         WHERE m.message_id IN (
           SELECT message_id FROM mail_messages
           WHERE sent_at IS NULL AND next_attempt_at <= $2::bigint AND lease_until <= $2::bigint
           ORDER BY next_attempt_at LIMIT $4
           FOR UPDATE SKIP LOCKED
         )
         RETURNING m.message_id, m.user_id, m.kind, m.attempts`,
        [o.owner, o.now, o.leaseMs, o.limit],
      );
      return r.rows.map((x): ClaimedMail => ({ messageId: x.message_id, user: x.user_id, kind: x.kind, attempts: x.attempts }));
    },

    async content(messageId) {
      const msg = (
        await db.query<{ user_id: string; kind: MailKind }>(
          'mail content',
          `SELECT user_id, kind FROM mail_messages WHERE message_id = $1`,
          [messageId],
        )
      ).rows[0];
      if (msg === undefined) return null;
      const rows = (
        await db.query<{ alert_id: string; alert_body: string | null; email: string | null }>(
          'mail content',
          `SELECT o.alert_id, a.body AS alert_body, k.email
           FROM alert_outbox o
           LEFT JOIN alerts a ON a.user_id = o.user_id AND a.id = o.alert_id
           LEFT JOIN keys k ON k.key_id = o.key_id
           WHERE o.message_id = $1 ORDER BY o.created_at, o.alert_id`,
          [messageId],
        )
      ).rows;
      const parsed = rows.map((r) => ({ row: r, alert: parseStoredAlert(r.alert_body) }));
      const wanted = [...new Set(parsed.flatMap((p) => (p.alert?.event_ids ?? []).slice(0, MAIL_EVENTS_PER_ALERT)))];
      const bodies = new Map<string, string>();
      if (wanted.length > 0) {
        const ev = await db.query<{ id: string; body: string }>(
          'mail content',
          `SELECT id, body FROM events WHERE user_id = $1 AND id = ANY ($2::text[])`,
          [msg.user_id, wanted],
        );
        for (const e of ev.rows) bodies.set(e.id, e.body);
      }
      const alerts = parsed.map(({ row, alert }): MailAlertContent => ({
        alertId: row.alert_id,
        alert,
        ownerEmail: row.email,
        events: (alert?.event_ids ?? [])
          .slice(0, MAIL_EVENTS_PER_ALERT)
          .map((id) => factsOf(bodies.get(id)))
          .filter((e) => e !== null),
      }));
      return { messageId, user: msg.user_id, kind: msg.kind, alerts };
    },

    async markSent(messageId, owner, at) {
      const r = await db.query(
        'mail mark sent',
        `UPDATE mail_messages SET sent_at = $1, lease_owner = NULL, lease_until = 0, last_error = NULL
         WHERE message_id = $2 AND lease_owner = $3 AND sent_at IS NULL`,
        [at, messageId, owner],
      );
      return r.rowCount === 1;
    },

    async markFailed(messageId, owner, nextAttemptAt, error) {
      await db.query(
        'mail mark failed',
        `UPDATE mail_messages SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, lease_until = 0
         WHERE message_id = $3 AND lease_owner = $4 AND sent_at IS NULL`,
        [nextAttemptAt, error, messageId, owner],
      );
    },

    // Never on PostgreSQL: another instance's lease may be live. Its expiry frees it.
    async releaseAllLeases() {
      return 0;
    },

    async listMessages(user) {
      const r = await db.query<{
        message_id: string;
        user_id: string;
        kind: MailKind;
        created_at: string;
        attempts: number;
        next_attempt_at: string;
        sent_at: string | null;
        last_error: string | null;
        alert_ids: string[];
      }>(
        'mail list',
        `SELECT m.message_id, m.user_id, m.kind, m.created_at, m.attempts, m.next_attempt_at, m.sent_at, m.last_error,
           coalesce((SELECT array_agg(o.alert_id ORDER BY o.created_at, o.alert_id) FROM alert_outbox o WHERE o.message_id = m.message_id), '{}') AS alert_ids
         FROM mail_messages m WHERE m.user_id = $1 ORDER BY m.created_at, m.message_id`,
        [user],
      );
      return r.rows.map((x): MailMessageRow => ({
        messageId: x.message_id,
        user: x.user_id,
        kind: x.kind,
        createdAt: num(x.created_at),
        attempts: x.attempts,
        nextAttemptAt: num(x.next_attempt_at),
        sentAt: numOrNull(x.sent_at),
        lastError: x.last_error,
        alertIds: x.alert_ids,
      }));
    },
  };
}
