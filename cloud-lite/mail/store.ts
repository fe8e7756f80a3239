// What the alert mail part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.mail.
//
// Two steps, each safe with several instances on one PostgreSQL:
// - compose: the alerts part's outbox rows (alert_outbox, one per new critical alert) become
//   emails (mail_messages): one per alert while the user is under the hourly cap; past it the
//   rows are held, and when a slot frees every held row goes into ONE digest. Per user, under a
//   lock (an advisory lock on PostgreSQL; SQLite has one writer), so the cap is exact.
// - claim: due emails are leased to one instance (FOR UPDATE SKIP LOCKED); it marks one sent
//   only after the SMTP server accepted it, or schedules its retry. A lease that runs out
//   (a crashed instance) makes the email due again.
// Message ids are deterministic (the same alert, the same digest, the same id), so a receiver
// can de-duplicate the rare email sent twice (accepted, then the instance died before marking).
import type { Alert } from '../../core/types.ts';

export interface ComposeOptions {
  now: number;
  /** Emails per user in any window of windowMs. */
  perHour: number;
  windowMs: number;
  /** The Message-ID of a single alert's email / of a digest of these alerts. */
  singleId(user: string, alertId: string): string;
  digestId(user: string, alertIds: readonly string[]): string;
}

export interface ClaimOptions {
  now: number;
  /** This instance (random per start). */
  owner: string;
  leaseMs: number;
  limit: number;
}

export type MailKind = 'alert' | 'digest';

export interface ClaimedMail {
  messageId: string;
  user: string;
  kind: MailKind;
  /** Including this one. */
  attempts: number;
}

/** What an event contributes to an email: patterns and operations, never targets, errors or ids. */
export interface MailEventFacts {
  ts: number;
  platform: string;
  method: string;
  endpoint: string;
  operation: string | null;
  action: string;
}

export interface MailAlertContent {
  alertId: string;
  /** Null when the alert row is missing or unreadable. */
  alert: Alert | null;
  /** The owner of the key that uploaded the batch; null when the key is gone. */
  ownerEmail: string | null;
  /** Of alert.event_ids that are stored, oldest first, at most MAIL_EVENTS_PER_ALERT. */
  events: MailEventFacts[];
}

export interface MailContent {
  messageId: string;
  user: string;
  kind: MailKind;
  /** Oldest first. */
  alerts: MailAlertContent[];
}

export interface MailMessageRow {
  messageId: string;
  user: string;
  kind: MailKind;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  sentAt: number | null;
  lastError: string | null;
  alertIds: string[];
}

/** Events listed per alert in an email (the count shows them all). */
export const MAIL_EVENTS_PER_ALERT = 50;
/** Alerts one digest carries; the rest wait for the next slot. */
export const MAIL_DIGEST_MAX_ALERTS = 200;

export interface MailStore {
  /** Turns waiting outbox rows into emails under the hourly cap. Returns the emails created. */
  compose(opts: ComposeOptions): Promise<number>;
  /** Leases up to `limit` due emails to `owner`. */
  claim(opts: ClaimOptions): Promise<ClaimedMail[]>;
  /** The alerts, their events' facts and owners' addresses, read for composing the email. */
  content(messageId: string): Promise<MailContent | null>;
  /** After the SMTP server accepted: false when the lease was no longer this owner's. */
  markSent(messageId: string, owner: string, at: number): Promise<boolean>;
  /** A failed attempt: due again at `nextAttemptAt`; `error` is a code, never server text. */
  markFailed(messageId: string, owner: string, nextAttemptAt: number, error: string): Promise<void>;
  /** Ends every lease (SQLite: one process owns the file, so a lease there is a dead run's). */
  releaseAllLeases(): Promise<number>;
  /** Every email of a user, oldest first (tests, operators). */
  listMessages(user: string): Promise<MailMessageRow[]>;
}
